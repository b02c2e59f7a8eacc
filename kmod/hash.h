/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure-C hashes shared by the module and userspace (no kernel dependencies).
 */
#ifndef _ILB_HASH_H
#define _ILB_HASH_H

#include <linux/types.h>

/* CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), init 0, no reflection, xorout 0. */
#define ILB_CRC8_POLY	0x07

extern const __u8 ilb_crc8_table[256];

static inline __u8 ilb_crc8_update(__u8 crc, const __u8 *p, __u32 len)
{
	while (len--)
		crc = ilb_crc8_table[crc ^ *p++];
	return crc;
}

/* SipHash state and the generic (reference) function, c-d rounds. */
struct ilb_sip {
	__u64 v0, v1, v2, v3;
};

void ilb_sip_init(struct ilb_sip *s, const __u64 key[2]);
void ilb_sip_compress(struct ilb_sip *s, __u64 m, unsigned int crounds);
__u64 ilb_sip_final(struct ilb_sip *s, __u64 lastblock,
		    unsigned int crounds, unsigned int drounds);
__u64 ilb_siphash(const __u64 key[2], const __u8 *data, __u32 len,
		  unsigned int crounds, unsigned int drounds);

static inline __u64 ilb_le64(const __u8 *p)
{
	return (__u64)p[0] | (__u64)p[1] << 8 | (__u64)p[2] << 16 |
	       (__u64)p[3] << 24 | (__u64)p[4] << 32 | (__u64)p[5] << 40 |
	       (__u64)p[6] << 48 | (__u64)p[7] << 56;
}

#endif /* _ILB_HASH_H */
