/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: persistence records (persist.c). A record maps a client network,
 * masked to the service's netmask, and a persistence group of one VIP to
 * a real server, as IPVS's templates do.
 */
#ifndef _ILB_PERSIST_H
#define _ILB_PERSIST_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "ilb.h"

struct ilb_conn_owner;
struct ilb_server;
struct ilb_service;

/*
 * One record. While hashed, the table holds a reference; each connection
 * made with it holds one more. It expires once no connection holds it and
 * its timeout has passed since it was last used.
 */
struct ilb_persist {
	struct hlist_node node;		/* in a bucket (RCU) */
	struct rcu_head rcu;
	unsigned long expires;		/* jiffies; counts once unused */
	refcount_t refcnt;
	u32 timeout;			/* jiffies */
	__be32 caddr, vaddr, raddr;
	__be16 group;
	u8 proto;
	u8 plen;
	u8 role;			/* enum ilb_conn_role */
	bool hashed;			/* under its bucket lock */
	u32 primary, backup;
	unsigned long synced;		/* cluster: last sent to its backup */
};

/* A record's key and what keys it, as a member sends it. */
struct ilb_persist_key {
	__be32 caddr;			/* masked to plen */
	__be32 vaddr;
	__be16 group;
	u8 proto;
	u8 plen;
};

#define ILB_PERSIST_LOCKS	256

struct ilb_persist_table {
	unsigned int bits;
	struct hlist_head *buckets;
	spinlock_t locks[ILB_PERSIST_LOCKS];
	hsiphash_key_t key;
	atomic_t count;
	struct delayed_work gc_work;
	bool gc_stop;
};

int ilb_persist_cache_init(void);
void ilb_persist_cache_exit(void);
int ilb_persist_table_init(struct ilb_net *in);
void ilb_persist_table_free(struct ilb_net *in);

/*
 * Read-miss-create: the server of @svc for client @caddr, from its record
 * under the record's bucket lock, else scheduled and recorded. Returns a
 * server reference and, in *@prp, a record reference for the connection
 * (NULL if the table was full), or NULL if no server is available.
 */
struct ilb_server *ilb_persist_schedule(struct ilb_net *in,
					struct ilb_service *svc,
					__be32 caddr, __be16 cport,
					const struct ilb_conn_owner *own,
					struct ilb_persist **prp, bool *changed);
/*
 * A copy from another member: create or update the record of @k (server
 * @raddr, timeout @timeout jiffies, @idle jiffies since it was last used),
 * unless this node's own copy wins (ilb_rule_take_copy()). Softirq.
 * Returns 0 or -ENOSPC (table full) or -ENOMEM.
 */
int ilb_persist_copy(struct ilb_net *in, const struct ilb_persist_key *k,
		     __be32 raddr, u32 timeout, u32 idle, u8 role,
		     u32 primary, u32 backup);
/* Another member's record ended: drop our unused copy if it names @raddr. */
void ilb_persist_uncopy(struct ilb_net *in, const struct ilb_persist_key *k,
			__be32 raddr);
/* Seconds since @pr was last used, 0 while in use. */
u32 ilb_persist_idle(const struct ilb_persist *pr);
static inline bool ilb_persist_in_use(const struct ilb_persist *pr)
{
	return refcount_read(&pr->refcnt) > 1;
}
/*
 * Call @fn on every live record, in process context, a bucket at a time
 * under RCU and the bucket's lock (@fn must not sleep; it may set the
 * record's role and owners, or ilb_persist_drop() it).
 */
void ilb_persist_walk(struct ilb_net *in,
		      void (*fn)(struct ilb_net *in, struct ilb_persist *pr,
				 void *arg), void *arg);
/* Unhash @pr, from ilb_persist_walk()'s @fn. */
void ilb_persist_drop(struct ilb_net *in, struct ilb_persist *pr);
/* A connection ends: its record's timeout starts again (any context). */
void ilb_persist_put(struct ilb_persist *pr);
/* Remove the records of @svc's group (all if NULL); returns how many. */
unsigned int ilb_persist_flush(struct ilb_net *in,
			       const struct ilb_service *svc);
bool ilb_persist_expired(const struct ilb_persist *pr);
unsigned int ilb_persist_count(struct ilb_net *in);
/*
 * Set @svc's persistence timeout (s), netmask's prefix length and group;
 * a negative value keeps the current one. A service joins a group only
 * with the group's timeout and netmask; a member's change of them is the
 * whole group's. A change drops the group's records.
 */
int ilb_persist_configure(struct ilb_service *svc, s64 persist, int plen,
			  int group, struct netlink_ext_ack *extack);

#endif /* _ILB_PERSIST_H */
