/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: services and their real servers (service.c).
 */
#ifndef _ILB_SERVICE_H
#define _ILB_SERVICE_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <net/dst_cache.h>
#include "ilb.h"
#include "sched.h"

/* A real server of one service. Freed after an RCU grace period once the
 * service has dropped it and no connection refers to it.
 */
struct ilb_server {
	struct list_head list;		/* svc->servers (RCU) */
	struct ilb_service *svc;
	__be32 addr;
	__be16 port;
	u8 fwd;				/* enum ilb_fwd */
	u8 state;			/* enum ilb_server_state */
	u32 weight;
	atomic_t active;		/* established entries, any role */
	atomic_t inactive;		/* other entries, any role */
	/* of those, the ones this node owns or serves alone (conn.c) */
	atomic_t own_active, own_inactive;
	/* what the other members own: the sum of peer[] (sync_count.c) */
	atomic_t cl_active, cl_inactive;
	atomic64_t *peer;		/* by member slot: active << 32 | inactive */
	u64 sent;			/* own counts last sent, same encoding */
	u32 max_conns, min_conns;	/* 0: no limit; 0: 3/4 of max_conns */
	unsigned long flags;		/* ILB_SRV_F_* */
	refcount_t refcnt;		/* the service's list + connections */
	struct ilb_pcpu_tcnt __percpu *cnt;
	struct dst_cache dr_dst;	/* route to it, for direct routing */
	struct rcu_head rcu;
};

#define ILB_SRV_F_OVERLOAD	0	/* at max_conns: takes no new ones */

struct ilb_service {
	struct hlist_node hnode;	/* in->svc_table (RCU) */
	struct ilb_net *in;
	__be32 addr;
	__be16 port;
	u8 proto;
	u8 sched;			/* enum ilb_sched */
	u8 fwd;				/* default for its servers */
	u32 nservers;
	struct list_head servers;	/* under in->cfg_lock, RCU readers */
	struct ilb_dest_set __rcu *dests;
	atomic_t rr_pos;		/* rr and wrr position */
	u32 persist;			/* persistence timeout, s; 0 = off */
	__be16 group;			/* persistence group */
	u8 plen;			/* persistence netmask's prefix length */
	refcount_t refcnt;
	struct ilb_pcpu_tcnt __percpu *cnt;
	struct rcu_head rcu;
};

struct ilb_service *ilb_service_find(struct ilb_net *in, u8 proto,
				     __be32 addr, __be16 port, bool *vip);
struct ilb_service *ilb_service_add(struct ilb_net *in, u8 proto, __be32 addr,
				    __be16 port, u8 sched, u8 fwd);
int ilb_service_set(struct ilb_service *svc, int sched, int fwd);
void ilb_service_del(struct ilb_service *svc);
void ilb_service_flush(struct ilb_net *in);
struct ilb_server *ilb_server_find(struct ilb_service *svc, __be32 addr,
				   __be16 port);
struct ilb_server *ilb_server_add(struct ilb_service *svc, __be32 addr,
				  __be16 port, u32 weight, u8 fwd, u8 state);
int ilb_server_set(struct ilb_server *srv, s64 weight, int fwd, int state);
int ilb_server_set_limits(struct ilb_server *srv, s64 max_conns,
			  s64 min_conns);
bool ilb_server_overloaded(struct ilb_server *srv);

/* A server's connections across the cluster: its own and the others'. */
static inline u32 ilb_server_cl_active(const struct ilb_server *srv)
{
	return atomic_read(&srv->own_active) + atomic_read(&srv->cl_active);
}

static inline u32 ilb_server_cl_inactive(const struct ilb_server *srv)
{
	return atomic_read(&srv->own_inactive) +
	       atomic_read(&srv->cl_inactive);
}
void ilb_server_del(struct ilb_server *srv);
void ilb_server_put(struct ilb_server *srv);
struct ilb_server *ilb_schedule(struct ilb_service *svc, __be32 saddr,
				__be16 sport);
struct ilb_service *ilb_service_by_server(struct ilb_net *in, u8 proto,
					  __be32 raddr, __be16 rport);
void ilb_nat_filter_rebuild(struct ilb_net *in);

#endif /* _ILB_SERVICE_H */
