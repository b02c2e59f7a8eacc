// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services and their real servers. Writers hold in->cfg_lock;
 * the data path reads under RCU.
 */
#include <linux/hash.h>
#include <linux/slab.h>

#include "conn.h"
#include "ilb.h"
#include "rules.h"
#include "service.h"

static unsigned int ilb_svc_bucket(__be32 addr)
{
	return hash_32((__force u32)addr, ILB_SVC_HASH_BITS);
}

/* @vip is set when some service uses @addr, whether or not this one. */
struct ilb_service *ilb_service_find(struct ilb_net *in, u8 proto,
				     __be32 addr, __be16 port, bool *vip)
{
	struct ilb_service *svc;

	hlist_for_each_entry_rcu(svc, &in->svc_table[ilb_svc_bucket(addr)],
				 hnode, lockdep_is_held(&in->cfg_lock)) {
		if (svc->addr != addr)
			continue;
		if (vip)
			*vip = true;
		if (svc->port == port && svc->proto == proto)
			return svc;
	}
	return NULL;
}

static unsigned int ilb_nat_filter_bit(__be32 addr)
{
	return hash_32((__force u32)addr, ilog2(ILB_NAT_FILTER_BITS));
}

/* Mark the addresses of NAT servers; config changes call it. */
void ilb_nat_filter_rebuild(struct ilb_net *in)
{
	DECLARE_BITMAP(f, ILB_NAT_FILTER_BITS) = {};
	struct ilb_service *svc;
	struct ilb_server *srv;
	unsigned int i;

	lockdep_assert_held(&in->cfg_lock);
	for (i = 0; i < ARRAY_SIZE(in->svc_table); i++)
		hlist_for_each_entry(svc, &in->svc_table[i], hnode)
			list_for_each_entry(srv, &svc->servers, list)
				if (srv->fwd == ILB_FWD_NAT)
					__set_bit(ilb_nat_filter_bit(srv->addr),
						  f);
	for (i = 0; i < ARRAY_SIZE(in->nat_filter); i++)
		WRITE_ONCE(in->nat_filter[i], f[i]);
}

/* The NAT service a real server's address and port belong to (RCU). */
struct ilb_service *ilb_service_by_server(struct ilb_net *in, u8 proto,
					  __be32 raddr, __be16 rport)
{
	unsigned int i = ilb_nat_filter_bit(raddr);
	struct ilb_service *svc;
	struct ilb_server *srv;

	if (!(READ_ONCE(in->nat_filter[i / BITS_PER_LONG]) &
	      BIT(i % BITS_PER_LONG)))
		return NULL;

	for (i = 0; i < ARRAY_SIZE(in->svc_table); i++)
		hlist_for_each_entry_rcu(svc, &in->svc_table[i], hnode) {
			if (svc->proto != proto)
				continue;
			list_for_each_entry_rcu(srv, &svc->servers, list)
				if (srv->addr == raddr && srv->port == rport &&
				    READ_ONCE(srv->fwd) == ILB_FWD_NAT)
					return svc;
		}
	return NULL;
}

static void ilb_service_free_rcu(struct rcu_head *head)
{
	struct ilb_service *svc = container_of(head, struct ilb_service, rcu);

	free_percpu(svc->cnt);
	kfree(svc);
}

static void ilb_service_put(struct ilb_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, ilb_service_free_rcu);
}

/* What a service schedules from when a rebuild ran out of memory. */
static struct ilb_dest_set ilb_no_dests;

static void ilb_dests_free(struct ilb_dest_set *ds)
{
	if (ds == &ilb_no_dests)
		return;
	kvfree(ds->sched_data);
	kvfree(ds);
}

static void ilb_dests_free_rcu(struct rcu_head *head)
{
	ilb_dests_free(container_of(head, struct ilb_dest_set, rcu));
}

static void ilb_dests_publish(struct ilb_service *svc, struct ilb_dest_set *ds)
{
	struct ilb_dest_set *old;

	old = rcu_replace_pointer(svc->dests, ds,
				  lockdep_is_held(&svc->in->cfg_lock));
	if (old && old != &ilb_no_dests)
		call_rcu(&old->rcu, ilb_dests_free_rcu);
}

/*
 * Rebuild the set of servers that take new connections (state up, weight
 * above 0) and the scheduler's table, then publish it.
 */
static int ilb_dests_rebuild(struct ilb_service *svc, u8 sched)
{
	const struct ilb_sched_ops *ops = ilb_sched_ops[sched];
	struct ilb_dest_set *ds;
	struct ilb_server *srv;
	unsigned int n = 0;
	int err;

	ds = kvzalloc(struct_size(ds, srv, svc->nservers), ILB_GFP_CFG);
	if (!ds)
		return -ENOMEM;
	ds->ops = ops;
	list_for_each_entry(srv, &svc->servers, list)
		if (srv->state == ILB_SERVER_UP && srv->weight)
			ds->srv[n++] = srv;
	ds->n = n;
	if (n && ops->build) {
		err = ops->build(svc, ds);
		if (err) {
			ilb_dests_free(ds);
			return err;
		}
	}
	ilb_dests_publish(svc, ds);
	svc->sched = sched;
	return 0;
}

struct ilb_service *ilb_service_add(struct ilb_net *in, u8 proto, __be32 addr,
				    __be16 port, u8 sched, u8 fwd)
{
	struct ilb_service *svc;
	int err;

	lockdep_assert_held(&in->cfg_lock);
	err = ilb_conn_table_init(in);
	if (err)
		return ERR_PTR(err);
	svc = kzalloc(sizeof(*svc), ILB_GFP_CFG);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->cnt = __netdev_alloc_pcpu_stats(struct ilb_pcpu_tcnt,
					     ILB_GFP_CFG);
	if (!svc->cnt) {
		kfree(svc);
		return ERR_PTR(-ENOMEM);
	}
	svc->in = in;
	svc->plen = 32;
	svc->group = port;
	svc->proto = proto;
	svc->addr = addr;
	svc->port = port;
	svc->fwd = fwd;
	svc->sched = sched;
	INIT_LIST_HEAD(&svc->servers);
	refcount_set(&svc->refcnt, 1);
	err = ilb_dests_rebuild(svc, sched);
	if (err) {
		free_percpu(svc->cnt);
		kfree(svc);
		return ERR_PTR(err);
	}
	hlist_add_head_rcu(&svc->hnode, &in->svc_table[ilb_svc_bucket(addr)]);
	in->nservices++;
	return svc;
}

int ilb_service_set(struct ilb_service *svc, int sched, int fwd)
{
	int err;

	lockdep_assert_held(&svc->in->cfg_lock);
	if (sched >= 0 && sched != svc->sched) {
		err = ilb_dests_rebuild(svc, sched);
		if (err)
			return err;
	}
	if (fwd >= 0)
		WRITE_ONCE(svc->fwd, fwd);
	return 0;
}

static void ilb_server_free_rcu(struct rcu_head *head)
{
	struct ilb_server *srv = container_of(head, struct ilb_server, rcu);

	ilb_service_put(srv->svc);
	dst_cache_destroy(&srv->dr_dst);
	free_percpu(srv->cnt);
	kfree(srv->peer);
	kfree(srv);
}

void ilb_server_put(struct ilb_server *srv)
{
	if (refcount_dec_and_test(&srv->refcnt))
		call_rcu(&srv->rcu, ilb_server_free_rcu);
}

static void ilb_server_unlink(struct ilb_server *srv)
{
	list_del_rcu(&srv->list);
	srv->svc->nservers--;
	srv->svc->in->nservers--;
}

/* Unhash @svc and let its servers go; its connections are the caller's. */
static void ilb_service_unlink(struct ilb_service *svc)
{
	struct ilb_server *srv, *tmp;

	list_for_each_entry_safe(srv, tmp, &svc->servers, list) {
		ilb_server_unlink(srv);
		ilb_server_put(srv);
	}
	ilb_dests_publish(svc, NULL);
	ilb_service_put(svc);
}

void ilb_service_del(struct ilb_service *svc)
{
	struct ilb_net *in = svc->in;

	lockdep_assert_held(&in->cfg_lock);
	hlist_del_rcu(&svc->hnode);
	in->nservices--;
	/* No new connections can find the service now; drop the old ones. */
	ilb_conn_flush(in, svc);
	ilb_service_unlink(svc);
	ilb_nat_filter_rebuild(in);
}

/*
 * Delete every service in one pass over the connection table, not one per
 * service: the connections go first, then the services, then those that
 * packets made meanwhile for a service that was still there.
 */
void ilb_service_flush(struct ilb_net *in)
{
	struct ilb_service *svc;
	struct hlist_node *tmp;
	int i;

	lockdep_assert_held(&in->cfg_lock);
	if (!in->nservices)
		return;
	ilb_conn_flush(in, NULL);
	for (i = 0; i < ARRAY_SIZE(in->svc_table); i++) {
		hlist_for_each_entry_safe(svc, tmp, &in->svc_table[i], hnode) {
			hlist_del_rcu(&svc->hnode);
			in->nservices--;
			ilb_service_unlink(svc);
		}
		cond_resched();
	}
	ilb_conn_flush(in, NULL);
	ilb_nat_filter_rebuild(in);
}

struct ilb_server *ilb_server_find(struct ilb_service *svc, __be32 addr,
				   __be16 port)
{
	struct ilb_server *srv;

	list_for_each_entry_rcu(srv, &svc->servers, list,
				lockdep_is_held(&svc->in->cfg_lock))
		if (srv->addr == addr && srv->port == port)
			return srv;
	return NULL;
}

struct ilb_server *ilb_server_add(struct ilb_service *svc, __be32 addr,
				  __be16 port, u32 weight, u8 fwd, u8 state)
{
	struct ilb_server *srv;
	int err;

	lockdep_assert_held(&svc->in->cfg_lock);
	srv = kzalloc(sizeof(*srv), ILB_GFP_CFG);
	if (!srv)
		return ERR_PTR(-ENOMEM);
	srv->cnt = __netdev_alloc_pcpu_stats(struct ilb_pcpu_tcnt,
					     ILB_GFP_CFG);
	/* the other members' counts, by member slot (sync_count.c) */
	srv->peer = kcalloc(ILB_CLUSTER_MAX_MEMBERS, sizeof(*srv->peer),
			    ILB_GFP_CFG);
	if (!srv->cnt || !srv->peer ||
	    dst_cache_init(&srv->dr_dst, ILB_GFP_CFG)) {
		free_percpu(srv->cnt);
		kfree(srv->peer);
		kfree(srv);
		return ERR_PTR(-ENOMEM);
	}
	srv->svc = svc;
	srv->addr = addr;
	srv->port = port;
	srv->weight = weight;
	srv->fwd = fwd;
	srv->state = state;
	refcount_set(&srv->refcnt, 1);
	refcount_inc(&svc->refcnt);
	list_add_tail_rcu(&srv->list, &svc->servers);
	svc->nservers++;
	svc->in->nservers++;
	err = ilb_dests_rebuild(svc, svc->sched);
	if (err) {
		/* the published table does not know the new server */
		ilb_server_unlink(srv);
		ilb_server_put(srv);
		return ERR_PTR(err);
	}
	ilb_nat_filter_rebuild(svc->in);
	return srv;
}

/* Negative arguments leave that setting as it is. */
int ilb_server_set(struct ilb_server *srv, s64 weight, int fwd, int state)
{
	u32 oweight = srv->weight;
	u8 ostate = srv->state;
	int err;

	lockdep_assert_held(&srv->svc->in->cfg_lock);
	if (weight >= 0)
		WRITE_ONCE(srv->weight, weight);
	if (state >= 0)
		WRITE_ONCE(srv->state, state);
	err = ilb_dests_rebuild(srv->svc, srv->svc->sched);
	if (err) {
		WRITE_ONCE(srv->weight, oweight);
		WRITE_ONCE(srv->state, ostate);
		return err;
	}
	if (fwd >= 0) {
		WRITE_ONCE(srv->fwd, fwd);
		ilb_nat_filter_rebuild(srv->svc->in);
	}
	return 0;
}

/*
 * Connection limits (negative: unchanged). The check is the scheduler's
 * (ilb_server_overloaded), so a new limit applies from the next pick.
 */
int ilb_server_set_limits(struct ilb_server *srv, s64 max_conns,
			  s64 min_conns)
{
	u32 max = max_conns >= 0 ? max_conns : srv->max_conns;
	u32 min = min_conns >= 0 ? min_conns : srv->min_conns;

	lockdep_assert_held(&srv->svc->in->cfg_lock);
	if (max && min >= max)
		return -ERANGE;
	WRITE_ONCE(srv->max_conns, max);
	WRITE_ONCE(srv->min_conns, max ? min : 0);
	if (!max)
		clear_bit(ILB_SRV_F_OVERLOAD, &srv->flags);
	return 0;
}

/*
 * Is @srv at its limit? IPVS's thresholds, on the count across the
 * cluster (active and inactive, this node's own and what the other
 * members last reported): overloaded from max_conns on, until the count
 * falls below min_conns (3/4 of max_conns if 0). RCU read side.
 */
bool ilb_server_overloaded(struct ilb_server *srv)
{
	u32 max = READ_ONCE(srv->max_conns), n;
	bool was, now;

	if (!max)
		return false;
	n = ilb_server_cl_active(srv) + ilb_server_cl_inactive(srv);
	was = test_bit(ILB_SRV_F_OVERLOAD, &srv->flags);
	now = ilb_rule_overloaded(was, n, max, READ_ONCE(srv->min_conns));
	if (now != was)
		assign_bit(ILB_SRV_F_OVERLOAD, &srv->flags, now);
	return now;
}

/* Existing connections keep their server until they end or expire. */
void ilb_server_del(struct ilb_server *srv)
{
	struct ilb_service *svc = srv->svc;

	lockdep_assert_held(&svc->in->cfg_lock);
	ilb_server_unlink(srv);
	/* The old table must not outlive the server: on failure, pick none. */
	if (ilb_dests_rebuild(svc, svc->sched))
		ilb_dests_publish(svc, &ilb_no_dests);
	ilb_server_put(srv);
	ilb_nat_filter_rebuild(svc->in);
}

struct ilb_server *ilb_schedule(struct ilb_service *svc, __be32 saddr,
				__be16 sport)
{
	struct ilb_dest_set *ds = rcu_dereference(svc->dests);
	struct ilb_server *srv;

	if (!ds || !ds->n)
		return NULL;
	srv = ds->ops->pick(svc, ds, saddr, sport);
	if (!srv)	/* every server at its max-conns */
		ilb_stat_inc(svc->in, ILB_STAT_OVERLOAD);
	if (srv && (READ_ONCE(srv->state) != ILB_SERVER_UP ||
		    !refcount_inc_not_zero(&srv->refcnt)))
		return NULL;
	return srv;
}
