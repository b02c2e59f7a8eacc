/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: servers' connection counts across the cluster (sync_count.c).
 */
#ifndef _ILB_SYNC_COUNT_H
#define _ILB_SYNC_COUNT_H

#include "cluster.h"

/* Every ILB_CSYNC_FULL_EVERY heartbeats, all counts, changed or not. */
#define ILB_CSYNC_FULL_EVERY	16

/* Each heartbeat interval (cl->csync_work): send the counts that moved. */
void ilb_csync_tick(struct ilb_cluster *cl);
/* The COUNT records of a sync message from @p (softirq, RCU read side). */
void ilb_csync_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		   const struct ilb_msg *m);
/* Member slot @slot left the view: its counts no longer count. */
void ilb_csync_forget(struct ilb_net *in, unsigned int slot);
/* This node left the cluster: only its own counts are left. */
void ilb_csync_forget_all(struct ilb_net *in);

#endif /* _ILB_SYNC_COUNT_H */
