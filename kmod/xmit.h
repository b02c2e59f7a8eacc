/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: direct-routing transmit (xmit.c).
 */
#ifndef _ILB_XMIT_H
#define _ILB_XMIT_H

#include <linux/skbuff.h>
#include "ilb.h"

struct ilb_conn;

int ilb_xmit_dr(struct ilb_net *in, struct sk_buff *skb, struct ilb_conn *cp);

#endif /* _ILB_XMIT_H */
