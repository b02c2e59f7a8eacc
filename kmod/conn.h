/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table (conn.c): entries, their states and timeouts. It
 * knows nothing of the cluster beyond the fields a member keeps per entry
 * (role, owners, LRU link), which the cluster side (sync.c, cache.c) sets.
 */
#ifndef _ILB_CONN_H
#define _ILB_CONN_H

#include <linux/list.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>

#include "ilb.h"

struct ilb_persist;
struct ilb_server;
struct ilb_service;
struct tcphdr;

/* A connection. Hashed by its original tuple (client to VIP) and, when
 * replies come back through us (NAT, local), by the reply tuple too.
 */
struct ilb_conn {
	struct hlist_node node[2];	/* [0] original, [1] reply */
	struct ilb_server *srv;		/* holds a reference */
	struct ilb_persist *pr;		/* its persistence record (a ref) */
	unsigned long expires;		/* jiffies */
	struct rcu_head rcu;
	__be32 caddr, vaddr, raddr;
	__be16 cport, vport, rport;
	u8 proto;
	u8 state;			/* enum ilb_conn_state */
	u8 fwd;
	u8 flags;
	/* cluster: this node's role, owners (member IDs), sync state */
	u8 role;			/* enum ilb_conn_role */
	u8 lru_ref;			/* cache: used since the LRU last looked */
	u32 primary, backup;
	u32 synced;			/* jiffies32 of the last record sent */
	union {
		u32 isn;		/* TCP: the server's ISN (F_ISN) */
		u32 born;		/* UDP: jiffies32 at creation */
	};
	struct list_head lru;		/* cache: in->lru (in->lru_lock) */
};

#define ILB_CONN_F_REPLY	0x01	/* hashed by the reply tuple */
#define ILB_CONN_F_ISN		0x02	/* isn holds the server's SYN-ACK seq */
#define ILB_CONN_F_REPLIED	0x04	/* UDP: a reply was seen */

#define ILB_CS_GONE		0xff	/* internal: unhashed, freed after RCU */

/* Who owns a new entry (NULL: no cluster, ILB_ROLE_LOCAL). */
struct ilb_conn_owner {
	u8 role;			/* enum ilb_conn_role */
	bool has_state;			/* else the protocol's first state */
	u8 state;			/* initial state, if has_state */
	u32 primary, backup;
};

struct ilb_conn_table {
	unsigned int bits;
	struct hlist_head *orig;
	struct hlist_head *reply;
	spinlock_t *locks;
	unsigned int nlocks;
	hsiphash_key_t key;
};

extern const char *const ilb_cs_names[__ILB_CS_MAX];

int ilb_conn_table_init(struct ilb_net *in);
void ilb_conn_table_free(struct ilb_net *in);
struct ilb_conn *ilb_conn_lookup(struct ilb_conn_table *t, u8 proto,
				 __be32 saddr, __be16 sport,
				 __be32 daddr, __be16 dport, int *dir);
struct ilb_conn *ilb_conn_create(struct ilb_net *in, struct ilb_conn_table *t,
				 struct ilb_service *svc,
				 struct ilb_server *srv,
				 struct ilb_persist *pr, __be32 caddr,
				 __be16 cport, const struct ilb_conn_owner *own,
				 int *err);
void ilb_conn_set_state(struct ilb_net *in, struct ilb_conn *cp, u8 state);
/* the bucket lock that guards @cp's role and owners */
spinlock_t *ilb_conn_lock_of(struct ilb_conn_table *t, struct ilb_conn *cp);
void ilb_conn_set_role_locked(struct ilb_net *in, struct ilb_conn *cp,
			      u8 role);
void ilb_conn_walk(struct ilb_net *in,
		   void (*fn)(struct ilb_net *in, struct ilb_conn_table *t,
			      struct ilb_conn *cp, void *arg), void *arg);
int ilb_conn_cache_init(void);
void ilb_conn_cache_exit(void);
bool ilb_conn_expire(struct ilb_net *in, struct ilb_conn_table *t,
		     struct ilb_conn *cp);
void ilb_conn_flush(struct ilb_net *in, struct ilb_service *svc);
unsigned long ilb_conn_timeout(struct ilb_net *in, u8 state);

/* state tracking and idle refresh (conn.c) */
void ilb_conn_touch(struct ilb_net *in, struct ilb_conn *cp);
void ilb_conn_track_tcp(struct ilb_net *in, struct ilb_conn *cp, int dir,
			const struct tcphdr *th);
void ilb_conn_track_udp(struct ilb_net *in, struct ilb_conn *cp, int dir);

#endif /* _ILB_CONN_H */
