/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: persistence records across the cluster (sync_persist.c).
 */
#ifndef _ILB_SYNC_PERSIST_H
#define _ILB_SYNC_PERSIST_H

#include "cluster.h"

struct ilb_persist;

/* Send @pr to its owners but this node (RCU read side, any context). */
void ilb_psync_send(struct ilb_cluster *cl, struct ilb_persist *pr, u8 op);
/* A PERSIST record from a member (softirq, RCU read side). */
void ilb_psync_rcv(struct ilb_cluster *cl, struct ilb_view *v,
		   const struct ilb_prec *r);
/* Each second: refresh the backups' copies of this node's records. */
void ilb_psync_tick(struct ilb_cluster *cl);
/* The view changed to @v (NULL and @leaving: the node left). */
void ilb_psync_view_change(struct ilb_cluster *cl, struct ilb_view *v,
			   bool leaving);

#endif /* _ILB_SYNC_PERSIST_H */
