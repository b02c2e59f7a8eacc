/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ilb: clustered layer-4 load balancer - user/kernel and wire ABI.
 */
#ifndef _UAPI_LINUX_ILB_H
#define _UAPI_LINUX_ILB_H

#include <linux/types.h>

#define ILB_GENL_NAME		"ilb"
#define ILB_GENL_VERSION	1

/* How members score a connection to pick its primary and backup owner. */
enum ilb_score_mode {
	ILB_SCORE_HRW32,	/* keyed SipHash-1-3, weighted rendezvous */
	ILB_SCORE_CRC8,		/* CRC-8 (poly 0x07) of quad || ID, x weight */
	__ILB_SCORE_MAX,
};

/* Largest member weight; 0 means the member never owns a connection. */
#define ILB_MEMBER_WEIGHT_MAX	65535

#endif /* _UAPI_LINUX_ILB_H */
