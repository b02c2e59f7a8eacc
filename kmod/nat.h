/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: address and port rewriting, ICMP errors (nat.c).
 */
#ifndef _ILB_NAT_H
#define _ILB_NAT_H

#include <linux/skbuff.h>
#include "ilb.h"

int ilb_nat_rewrite(struct sk_buff *skb, unsigned int thoff, u8 proto,
		    bool dst, __be32 addr, __be16 port);
int ilb_icmp_handle(struct ilb_net *in, struct sk_buff *skb, bool local_out);
unsigned int ilb_vip_miss(struct ilb_net *in, __be32 daddr);

#endif /* _ILB_NAT_H */
