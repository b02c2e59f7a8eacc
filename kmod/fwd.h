/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: forwarding between ILBs (fwd.c).
 */
#ifndef _ILB_FWD_H
#define _ILB_FWD_H

#include "cluster.h"

int ilb_fwd_xmit(struct ilb_cluster *cl, struct ilb_view *v,
		 struct sk_buff *skb, struct ilb_peer *to);
void ilb_fwd_rcv(struct ilb_cluster *cl, struct sk_buff *skb,
		 const struct ilb_msg *m, unsigned int off);

#endif /* _ILB_FWD_H */
