// SPDX-License-Identifier: GPL-2.0
/*
 * The cache of other members' associations (seed Fig. 4, cache 404): the
 * entries of a node's table that it keeps with ILB_ROLE_CACHE, on an LRU
 * list of their own so that their number stays bounded.
 */
#include "cache.h"
#include "cluster.h"
#include "conn.h"

static void ilb_cache_count_evict(struct ilb_net *in)
{
	struct ilb_cluster *cl;

	rcu_read_lock();
	cl = rcu_dereference(in->cl);
	if (cl)
		ilb_cls_inc(cl, ILB_CLS_CACHE_EVICT);
	rcu_read_unlock();
}

/*
 * The cache of other members' associations (seed Fig. 4, cache 404) is
 * bounded: past @max entries the least recently used one goes. A CLOCK
 * approximation: a hit only sets lru_ref; the evictor gives referenced
 * entries a second round at the tail.
 */
void ilb_cache_add(struct ilb_net *in, struct ilb_conn_table *t,
		   struct ilb_conn *cp, unsigned int max)
{
	struct ilb_conn *victim = NULL;
	unsigned int scan = 8;

	spin_lock_bh(&in->lru_lock);
	/*
	 * Under the LRU lock, against ilb_cache_del(): an entry that is gone
	 * (unhashed, about to be freed) or no longer cached stays off.
	 */
	if (list_empty(&cp->lru) && READ_ONCE(cp->state) != ILB_CS_GONE &&
	    READ_ONCE(cp->role) == ILB_ROLE_CACHE) {
		list_add_tail(&cp->lru, &in->lru);
		atomic_inc(&in->ncache);
	}
	while (atomic_read(&in->ncache) > max && !list_empty(&in->lru)) {
		victim = list_first_entry(&in->lru, struct ilb_conn, lru);
		list_del_init(&victim->lru);
		atomic_dec(&in->ncache);
		if (READ_ONCE(victim->role) != ILB_ROLE_CACHE) {
			victim = NULL;		/* promoted meanwhile: keep it */
			continue;
		}
		if (victim != cp && READ_ONCE(victim->lru_ref) && scan--) {
			WRITE_ONCE(victim->lru_ref, 0);
			list_add_tail(&victim->lru, &in->lru);
			atomic_inc(&in->ncache);
			victim = NULL;
			continue;
		}
		break;
	}
	spin_unlock_bh(&in->lru_lock);
	/* RCU keeps the victim's memory; expiring it twice is harmless. */
	if (victim) {
		ilb_conn_expire(in, t, victim);
		ilb_cache_count_evict(in);
	}
}

/* Always under the lock: see ilb_cache_add(). */
void ilb_cache_del(struct ilb_net *in, struct ilb_conn *cp)
{
	spin_lock_bh(&in->lru_lock);
	if (!list_empty(&cp->lru)) {
		list_del_init(&cp->lru);
		atomic_dec(&in->ncache);
	}
	spin_unlock_bh(&in->lru_lock);
}
