/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: the cluster of ILBs (seed 000). Membership and views (cluster.c),
 * members and their reliable sync channels (peer.c), association records
 * (sync.c) and forwarding to owners (fwd.c).
 */
#ifndef _ILB_CLUSTER_H
#define _ILB_CLUSTER_H

#include <linux/net.h>
#include <linux/workqueue.h>

#include "cl_auth.h"
#include "cl_socket.h"
#include "ilb.h"
#include "owner.h"
#include "replay.h"
#include "wire.h"

struct ilb_conn;
struct ilb_conn_owner;
struct ilb_conn_table;
struct ilb_service;

#define ILB_SYNC_WINDOW		64	/* sync messages in flight per peer */
#define ILB_SYNC_QUEUE_MAX	1024	/* messages queued per peer */
#define ILB_SYNC_QUEUE_BULK	65536	/* ... by a view change's walk */
#define ILB_SYNC_RTO_RESET	8	/* timeouts without an ack: new session */
#define ILB_ACK_DELAY_MS	5	/* an ack waits this long to ride along */
/* Room for records in one sync message: an ACK record may ride on it. */
#define ILB_SYNC_BODY_MAX	(ILB_WIRE_MAX_LEN - ILB_WIRE_HDR_MAX - \
				 ILB_WIRE_ACK_REC_LEN)

/* Cluster counters; the order of enum ilb_cl_stats_attr, from 0. */
enum ilb_cls {
	ILB_CLS_HELLO_TX,
	ILB_CLS_HELLO_RX,
	ILB_CLS_SYNC_TX,
	ILB_CLS_SYNC_TX_BYTES,
	ILB_CLS_SYNC_RX,
	ILB_CLS_RECS_TX,
	ILB_CLS_RECS_RX,
	ILB_CLS_ACK_TX,
	ILB_CLS_ACK_RX,
	ILB_CLS_RETRANS,
	ILB_CLS_SYNC_DROP,
	ILB_CLS_FWD_TX,
	ILB_CLS_FWD_RX,
	ILB_CLS_FWD_LOOP,
	ILB_CLS_FWD_ADOPT,
	ILB_CLS_DIRECT,
	ILB_CLS_BAD_MSG,
	ILB_CLS_FOREIGN,
	ILB_CLS_VIEW_CHANGES,
	ILB_CLS_PROMOTED,
	ILB_CLS_TRANSFERRED,
	ILB_CLS_CACHE_EVICT,
	ILB_CLS_EPOCH_MISMATCH,
	ILB_CLS_CTRL_TX_BYTES,
	ILB_CLS_MAC_FAIL,
	ILB_CLS_REPLAY,
	ILB_CLS_STALE_INCARNATION,
	ILB_CLS_UNKNOWN_KEY,
	ILB_CLS_NOT_FOR_US,
	ILB_CLS_TTL,
	ILB_CLS_REC_UNKNOWN,
	ILB_CLS_SESSION_RESET,
	ILB_CLS_KEY_SWITCH,
	ILB_CLS_RECLAIMED,
	__ILB_CLS_MAX,
};

struct ilb_cls_pcpu {
	u64 cnt[__ILB_CLS_MAX];
};

/*
 * A sync message waiting for its ack: its body only (session, seq and
 * records); the header and tag are written at each transmission.
 */
struct ilb_txmsg {
	struct list_head list;
	u32 seq;			/* 0 while still being filled */
	u16 len;			/* body bytes */
	u16 nrecs;
	unsigned long sent;		/* jiffies, 0 = not sent yet */
	u8 data[ILB_SYNC_BODY_MAX];
};

/*
 * Another member, heard at least once. Lives until the node leaves the
 * cluster; the view points at the alive ones.
 */
struct ilb_peer {
	u32 id;
	__be32 addr;
	u16 weight;
	u8 state;			/* enum ilb_member_state */
	bool reset;			/* restarted: resend what it held */
	bool nocache;			/* keeps no cache (its heartbeat) */
	bool count_full;		/* send it all our counts (sync_count.c) */
	u8 slot;			/* its counts in srv->peer[] (cl->slots) */
	u32 owned;			/* from its heartbeats */
	u32 epoch;
	u32 incarnation;
	u8 key_id;			/* key of its last heartbeat */
	u8 key_adv[2];			/* keys it accepts (its heartbeat) */
	unsigned long last_heard;	/* jiffies */
	unsigned long changed;		/* jiffies | 1 of its last view change */

	/* what it sent that was accepted: the replay window */
	spinlock_t rx_lock;		/* nests inside cl->lock */
	u32 rx_incarnation;
	struct ilb_replay replay;

	spinlock_t lock;		/* everything below */
	u32 tx_session;			/* only grows: see ilb_peer_reset_tx */
	u8 rto_count;			/* timeouts since the last ack */
	u32 tx_seq;			/* last sequence number used */
	struct list_head txq;		/* ilb_txmsg: unacked, oldest first */
	unsigned int txq_len;
	struct ilb_txmsg *fill;		/* message taking records */
	u32 rx_session;
	u32 rx_next;			/* next sequence number expected */
	bool ack_due;
	bool nak_due;			/* a sync of another session came */
	unsigned long ack_at;		/* jiffies: when the ack became due */
};

/*
 * A reclaimed member: its older incarnations are stale, and so are the
 * numbers it had used in its last one (a partition that heals brings it
 * back with the same incarnation and higher numbers).
 */
struct ilb_grave {
	u32 id;
	u32 incarnation;
	u64 top;			/* highest number accepted from it */
};

#define ILB_MEMBER_RECLAIM_MS	10000U	/* dead this long: slot freed */

/* The members every ILB agrees on, and how they score connections. */
struct ilb_view {
	struct rcu_head rcu;
	u32 epoch;
	struct ilb_owner_set set;
	struct ilb_member m[ILB_CLUSTER_MAX_MEMBERS];
	struct ilb_peer *peer[ILB_CLUSTER_MAX_MEMBERS];	/* NULL: self */
	u64 reset;			/* members that restarted, by index */
};

struct ilb_cluster {
	struct ilb_net *in;
	struct socket *sock;
	struct rcu_head rcu;

	/* configuration */
	u32 cluster_id;
	u32 id;
	__be32 addr;
	int ifindex;
	__be16 port;
	u8 mode;			/* enum ilb_score_mode */
	u8 sync;			/* enum ilb_sync_mode */
	u32 weight;
	u32 hello_ms, dead_ms;
	u32 cache_max;
	__be32 peers[ILB_CLUSTER_MAX_PEERS];
	unsigned int npeers;
	u32 incarnation;		/* grows across joins */
	u32 max_weight;			/* most a member may claim */
	u64 key[2];			/* ownership hash key */
	struct ilb_cl_keys __rcu *keys;	/* NULL: insecure (cl->lock) */
	char key_file[ILB_CLUSTER_KEY_FILE_MAX];	/* cfg_lock */
	atomic64_t tx_seq;		/* last message number sent */

	spinlock_t lock;		/* members, view changes */
	/* RCU: freed after a grace period once reclaimed (ilb_cl_reclaim) */
	struct ilb_peer *mbr[ILB_CLUSTER_MAX_MEMBERS];
	unsigned int nmbr;
	DECLARE_BITMAP(slots, ILB_CLUSTER_MAX_MEMBERS);	/* peers' slots */
	struct ilb_grave grave[ILB_CLUSTER_MAX_MEMBERS];	/* a ring */
	unsigned int ngrave;
	bool view_dirty;
	struct ilb_view __rcu *view;
	u32 epoch;			/* the view's, for message headers */
	unsigned long view_changed;	/* jiffies */
	unsigned long next_hello;	/* jiffies */
	unsigned long alone_since;	/* jiffies; 0: not cut off */
	bool walk_all;			/* walk at the next view update */
	bool rotate;			/* consider a key rotation step */
	u32 hello_seq;

	struct timer_list timer;	/* heartbeats, deaths, retransmits */
	struct delayed_work view_work;	/* view changes and their walks */
	struct work_struct tx_work;	/* sends queued sync messages, acks */
	struct delayed_work ack_work;	/* a moment later: the acks due */
	struct delayed_work psync_work;	/* persistence records, each second */
	struct delayed_work csync_work;	/* connection counts, each hello */
	unsigned int csync_round;
	bool dying;

	struct ilb_cls_pcpu __percpu *stats;
};

/*
 * Members are appended (under cl->lock): the count is published after the
 * slot, so a lockless reader that sees the count sees the member. The view
 * worker frees long-dead members' slots (ilb_cl_reclaim).
 */
static inline unsigned int ilb_cluster_nmbr(struct ilb_cluster *cl)
{
	return smp_load_acquire(&cl->nmbr);	/* pairs with the append */
}

static inline void ilb_cls_add(struct ilb_cluster *cl, enum ilb_cls c, u64 n)
{
	this_cpu_add(cl->stats->cnt[c], n);
}

static inline void ilb_cls_inc(struct ilb_cluster *cl, enum ilb_cls c)
{
	this_cpu_inc(cl->stats->cnt[c]);
}

/* The owners of a connection under a view. */
struct ilb_owners_ref {
	u32 primary, backup;		/* member IDs, 0 = none */
	struct ilb_peer *pp, *bp;	/* NULL when self or none */
};

/* cluster.c */
struct ilb_cl_config {
	u32 cluster_id, id, weight, hello_ms, dead_ms, cache_max, max_weight;
	const u8 *key;			/* NULL: insecure */
	const char *key_file;
	__be32 addr;
	int ifindex;
	__be16 port;
	u8 mode, sync;
	__be32 peers[ILB_CLUSTER_MAX_PEERS];
	unsigned int npeers;
};

int ilb_cluster_join(struct ilb_net *in, const struct ilb_cl_config *c,
		     struct netlink_ext_ack *extack);
int ilb_cluster_leave(struct ilb_net *in);
void ilb_cluster_stats_sum(struct ilb_cluster *cl, u64 out[__ILB_CLS_MAX]);
/*
 * The owners of a connection of @svc (NULL: not known here), by its
 * tuple, or for a persistent service by its persistence record's key.
 */
bool ilb_cluster_owners(struct ilb_cluster *cl, struct ilb_view *v,
			const struct ilb_service *svc, __be32 caddr,
			__be16 cport, __be32 vaddr, __be16 vport,
			struct ilb_owners_ref *o);
void ilb_cluster_hello_rcv(struct ilb_cluster *cl, const struct ilb_msg *m,
			   __be32 saddr);
struct ilb_peer *ilb_cluster_member(struct ilb_cluster *cl, u32 id);
void ilb_cluster_kick(struct ilb_cluster *cl);
void ilb_cluster_rewalk(struct ilb_cluster *cl);
void ilb_cluster_kick_rotate(struct ilb_cluster *cl);
void ilb_cluster_tx_kick(struct ilb_cluster *cl);
void ilb_cluster_ack_kick(struct ilb_cluster *cl);
u32 ilb_cluster_owned(struct ilb_net *in);

/* cl_socket.c */
int ilb_cluster_udp_rcv(struct sock *sk, struct sk_buff *skb);

/* cluster.c: the module and the namespace */
int ilb_cluster_init(void);
void ilb_cluster_exit(void);
void ilb_net_cluster_exit(struct ilb_net *in);

#endif /* _ILB_CLUSTER_H */
