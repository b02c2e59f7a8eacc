/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbsim: what its modes share (ilbsim.c, persist.c).
 */
#ifndef ILBSIM_SIM_H
#define ILBSIM_SIM_H

#include <linux/types.h>

#define SIM_ID_BASE		0x0a000001U	/* 10.0.0.1 */
#define SIM_VIP			0xc6336401U	/* 198.51.100.1 */
#define SIM_VPORT		80
#define SIM_KEY_SALT		0x696c622d6b657921ULL	/* "ilb-key!" */

/* splitmix64 */
static inline __u64 sim_rand(__u64 *s)
{
	__u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (multiply-shift; bias below 2^-32 for n <= 2^32). */
static inline __u32 sim_below(__u64 *s, __u32 n)
{
	return (__u32)(((__uint128_t)sim_rand(s) * n) >> 64);
}

int sim_persist_main(int argc, char **argv);

#endif /* ILBSIM_SIM_H */
