/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: members and the reliable sync channel to each (peer.c).
 */
#ifndef _ILB_PEER_H
#define _ILB_PEER_H

#include "cluster.h"

struct ilb_peer *ilb_peer_new(u32 id, __be32 addr, gfp_t gfp);
void ilb_peer_free(struct ilb_peer *p);
void ilb_peer_reset_tx(struct ilb_peer *p);
bool ilb_peer_queue(struct ilb_cluster *cl, struct ilb_peer *p,
		    const struct ilb_rec *r, bool bulk);
bool ilb_peer_queue_prec(struct ilb_cluster *cl, struct ilb_peer *p,
			 const struct ilb_prec *r, bool bulk);
bool ilb_peer_queue_crec(struct ilb_cluster *cl, struct ilb_peer *p,
			 const struct ilb_crec *r);
void ilb_peer_ack_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		      const struct ilb_msg_ack *a);
void ilb_peer_tx_work(struct work_struct *work);
bool ilb_peer_busy(struct ilb_peer *p);

#endif /* _ILB_PEER_H */
