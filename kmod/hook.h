/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: the netfilter hooks and the packet path (hook.c).
 */
#ifndef _ILB_HOOK_H
#define _ILB_HOOK_H

#include <linux/skbuff.h>
#include "ilb.h"

struct ilb_fwd_info {
	u32 sender;			/* member that forwarded the packet */
	u32 epoch;			/* its view epoch */
	bool handled;			/* set: a connection's packet, served */
};

unsigned int ilb_handle(struct ilb_net *in, struct sk_buff *skb,
			bool local_out, struct ilb_fwd_info *fi);
int ilb_hook_register(struct ilb_net *in);
void ilb_hook_unregister(struct ilb_net *in);
int ilb_hook_sync(struct ilb_net *in);

#endif /* _ILB_HOOK_H */
