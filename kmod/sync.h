/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: association sync and view-change walks (sync.c).
 */
#ifndef _ILB_SYNC_H
#define _ILB_SYNC_H

#include "cluster.h"

void ilb_sync_new_conn(struct ilb_cluster *cl, struct ilb_conn *cp,
		       const struct ilb_owners_ref *o, u32 ingress);
void ilb_sync_teach(struct ilb_cluster *cl, struct ilb_conn *cp, u32 to);
void ilb_sync_seen(struct ilb_cluster *cl, struct ilb_conn *cp, u8 old_state);
void ilb_sync_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		  const struct ilb_msg *m);
void ilb_sync_view_change(struct ilb_cluster *cl, struct ilb_view *v,
			  bool leaving, unsigned long stale_before);
struct ilb_xfer;
void ilb_sync_xfer_init(struct ilb_cluster *cl, struct ilb_view *v,
			struct ilb_xfer *x, u8 old_role, u32 p0, u32 b0,
			const struct ilb_owners_ref *o);
void ilb_sync_rec_from_conn(struct ilb_net *in, struct ilb_rec *r,
			    const struct ilb_conn *cp, u8 op);

#endif /* _ILB_SYNC_H */
