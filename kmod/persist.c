// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence records (seed 001's read-miss-create). A persistent service
 * sends every new connection of a client network to the server that its
 * record names. The lookup, the scheduling on a miss and the insertion run
 * under the record's bucket lock, so two first connections of one client
 * network that race on different CPUs still pick one server. In a cluster
 * the connections of a persistent service are owned by the record's key
 * (ilb_persist_tuple()), so this runs on the record's owner only.
 *
 * A record lives while connections made with it live, and for the
 * service's persistence timeout after the last of them ends or the last
 * new one was made, as IPVS's templates do.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "conn.h"
#include "owner.h"
#include "persist.h"
#include "rules.h"
#include "service.h"

#define ILB_PERSIST_GC_INTERVAL	HZ

static struct kmem_cache *ilb_persist_cachep __read_mostly;

int ilb_persist_cache_init(void)
{
	ilb_persist_cachep = kmem_cache_create("ilb_persist",
					       sizeof(struct ilb_persist), 0,
					       SLAB_ACCOUNT, NULL);
	return ilb_persist_cachep ? 0 : -ENOMEM;
}

void ilb_persist_cache_exit(void)
{
	kmem_cache_destroy(ilb_persist_cachep);
}

static u32 ilb_persist_hash(const struct ilb_persist_table *pt, u8 proto,
			    __be32 caddr, __be32 vaddr, __be16 group)
{
	return hsiphash_3u32((__force u32)caddr, (__force u32)vaddr,
			     (__force u32)group << 8 | proto, &pt->key) &
		((1U << pt->bits) - 1);
}

static spinlock_t *ilb_persist_lock(struct ilb_persist_table *pt, u32 b)
{
	return &pt->locks[b & (ILB_PERSIST_LOCKS - 1)];
}

bool ilb_persist_expired(const struct ilb_persist *pr)
{
	return refcount_read(&pr->refcnt) == 1 &&
		time_after(jiffies, READ_ONCE(pr->expires));
}

static void ilb_persist_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(ilb_persist_cachep,
			container_of(head, struct ilb_persist, rcu));
}

void ilb_persist_put(struct ilb_persist *pr)
{
	if (!pr)
		return;
	WRITE_ONCE(pr->expires, jiffies + pr->timeout);
	if (refcount_dec_and_test(&pr->refcnt))
		call_rcu(&pr->rcu, ilb_persist_free_rcu);
}

/* Under the record's bucket lock. */
static void ilb_persist_unhash(struct ilb_persist_table *pt,
			       struct ilb_persist *pr)
{
	hlist_del_rcu(&pr->node);
	pr->hashed = false;
	atomic_dec(&pt->count);
	if (refcount_dec_and_test(&pr->refcnt))
		call_rcu(&pr->rcu, ilb_persist_free_rcu);
}

/* The server of @svc at @raddr that may take a new connection (RCU). */
static struct ilb_server *ilb_persist_server(struct ilb_service *svc,
					     __be32 raddr)
{
	struct ilb_server *srv;

	list_for_each_entry_rcu(srv, &svc->servers, list)
		if (srv->addr == raddr &&
		    READ_ONCE(srv->state) == ILB_SERVER_UP &&
		    refcount_inc_not_zero(&srv->refcnt))
			return srv;
	return NULL;
}

static struct ilb_persist *ilb_persist_new(struct ilb_net *in,
					   struct ilb_persist_table *pt)
{
	struct mem_cgroup *memcg;
	struct ilb_persist *pr;

	if (atomic_inc_return(&pt->count) > READ_ONCE(ilb_conn_max)) {
		atomic_dec(&pt->count);
		return NULL;
	}
	memcg = ilb_memcg_enter(in);
	pr = kmem_cache_alloc(ilb_persist_cachep, GFP_ATOMIC);
	ilb_memcg_exit(memcg);
	if (!pr)
		atomic_dec(&pt->count);
	return pr;
}

struct ilb_server *ilb_persist_schedule(struct ilb_net *in,
					struct ilb_service *svc,
					__be32 caddr, __be16 cport,
					const struct ilb_conn_owner *own,
					struct ilb_persist **prp, bool *changed)
{
	struct ilb_persist_table *pt = rcu_dereference(in->persist);
	u32 timeout = READ_ONCE(svc->persist) * HZ;
	u8 plen = READ_ONCE(svc->plen);
	__be16 group = READ_ONCE(svc->group);
	struct ilb_persist *pr, *stale = NULL;
	struct ilb_server *srv = NULL;
	spinlock_t *lock;
	u32 b;

	*prp = NULL;
	*changed = false;
	if (!pt || !timeout)
		return ilb_schedule(svc, caddr, cport);
	caddr &= ilb_prefix_mask(plen);
	b = ilb_persist_hash(pt, svc->proto, caddr, svc->addr, group);
	lock = ilb_persist_lock(pt, b);
	spin_lock_bh(lock);
	hlist_for_each_entry(pr, &pt->buckets[b], node) {
		if (pr->caddr != caddr || pr->vaddr != svc->addr ||
		    pr->group != group || pr->proto != svc->proto)
			continue;
		if (ilb_persist_expired(pr)) {
			stale = pr;
			continue;
		}
		srv = ilb_persist_server(svc, pr->raddr);
		if (!srv) {
			/* its server is down or gone: choose again */
			srv = ilb_schedule(svc, caddr, cport);
			if (!srv)
				goto out;
			WRITE_ONCE(pr->raddr, srv->addr);
			*changed = true;
		}
		goto hit;
	}
	srv = ilb_schedule(svc, caddr, cport);
	if (!srv)
		goto out;
	pr = ilb_persist_new(in, pt);
	if (!pr) {
		ilb_stat_inc(in, ILB_STAT_PERSIST_FULL);
		goto out;
	}
	pr->caddr = caddr;
	pr->vaddr = svc->addr;
	pr->raddr = srv->addr;
	pr->group = group;
	pr->proto = svc->proto;
	pr->plen = plen;
	pr->timeout = timeout;
	pr->role = own ? own->role : ILB_ROLE_LOCAL;
	pr->primary = own ? own->primary : 0;
	pr->backup = own ? own->backup : 0;
	pr->hashed = true;
	pr->synced = jiffies;
	refcount_set(&pr->refcnt, 1);
	hlist_add_head_rcu(&pr->node, &pt->buckets[b]);
	*changed = true;
hit:
	WRITE_ONCE(pr->timeout, timeout);
	WRITE_ONCE(pr->expires, jiffies + timeout);
	refcount_inc(&pr->refcnt);
	*prp = pr;
out:
	if (stale)
		ilb_persist_unhash(pt, stale);
	spin_unlock_bh(lock);
	return srv;
}

/* Unhash what @match selects in bucket @b; returns how many. */
static unsigned int ilb_persist_sweep(struct ilb_persist_table *pt, u32 b,
				      const struct ilb_service *svc,
				      bool expired_only)
{
	spinlock_t *lock = ilb_persist_lock(pt, b);
	struct hlist_node *tmp;
	struct ilb_persist *pr;
	unsigned int n = 0;

	spin_lock_bh(lock);
	hlist_for_each_entry_safe(pr, tmp, &pt->buckets[b], node) {
		if (expired_only ? !ilb_persist_expired(pr) :
		    svc && (pr->vaddr != svc->addr || pr->group != svc->group ||
			    pr->proto != svc->proto))
			continue;
		ilb_persist_unhash(pt, pr);
		n++;
	}
	spin_unlock_bh(lock);
	return n;
}

static bool ilb_persist_any_expired(struct ilb_persist_table *pt, u32 b)
{
	struct ilb_persist *pr;
	bool any = false;

	rcu_read_lock();
	hlist_for_each_entry_rcu(pr, &pt->buckets[b], node)
		if (ilb_persist_expired(pr)) {
			any = true;
			break;
		}
	rcu_read_unlock();
	return any;
}

static void ilb_persist_gc(struct work_struct *work)
{
	struct ilb_persist_table *pt = container_of(to_delayed_work(work),
						    struct ilb_persist_table,
						    gc_work);
	u32 b;

	for (b = 0; b < (1U << pt->bits); b++) {
		if (ilb_persist_any_expired(pt, b))
			ilb_persist_sweep(pt, b, NULL, true);
		if (!(b & 1023))
			cond_resched();
	}
	if (!READ_ONCE(pt->gc_stop))
		queue_delayed_work(system_power_efficient_wq, &pt->gc_work,
				   ILB_PERSIST_GC_INTERVAL);
}

unsigned int ilb_persist_flush(struct ilb_net *in,
			       const struct ilb_service *svc)
{
	struct ilb_persist_table *pt;
	unsigned int n = 0;
	u32 b;

	lockdep_assert_held(&in->cfg_lock);
	pt = rcu_dereference_protected(in->persist,
				       lockdep_is_held(&in->cfg_lock));
	if (!pt)
		return 0;
	for (b = 0; b < (1U << pt->bits); b++) {
		if (!hlist_empty(&pt->buckets[b]))
			n += ilb_persist_sweep(pt, b, svc, false);
		if (!(b & 1023))
			cond_resched();
	}
	return n;
}

u32 ilb_persist_idle(const struct ilb_persist *pr)
{
	long idle;

	if (ilb_persist_in_use(pr))
		return 0;
	idle = (long)(jiffies - (READ_ONCE(pr->expires) - READ_ONCE(pr->timeout)));
	return idle > 0 ? idle / HZ : 0;
}

static struct ilb_persist *ilb_persist_find(struct ilb_persist_table *pt,
					    u32 b,
					    const struct ilb_persist_key *k)
{
	struct ilb_persist *pr;

	hlist_for_each_entry(pr, &pt->buckets[b], node)
		if (pr->caddr == k->caddr && pr->vaddr == k->vaddr &&
		    pr->group == k->group && pr->proto == k->proto &&
		    !ilb_persist_expired(pr))
			return pr;
	return NULL;
}

int ilb_persist_copy(struct ilb_net *in, const struct ilb_persist_key *k,
		     __be32 raddr, u32 timeout, u32 idle, u8 role,
		     u32 primary, u32 backup)
{
	struct ilb_persist_table *pt = rcu_dereference(in->persist);
	struct ilb_persist *pr;
	spinlock_t *lock;
	int err = 0;
	u32 b;

	if (!pt)
		return -ENOENT;	/* no persistent service here */
	b = ilb_persist_hash(pt, k->proto, k->caddr, k->vaddr, k->group);
	lock = ilb_persist_lock(pt, b);
	spin_lock_bh(lock);
	pr = ilb_persist_find(pt, b, k);
	if (pr) {
		if (ilb_rule_take_copy(ilb_persist_in_use(pr),
				       ilb_persist_idle(pr), idle / HZ))
			goto fill;
		/* ours wins: only the roles follow the sender's view */
		goto roles;
	}
	pr = ilb_persist_new(in, pt);
	if (!pr) {
		ilb_stat_inc(in, ILB_STAT_PERSIST_FULL);
		err = -ENOSPC;
		goto out;
	}
	pr->caddr = k->caddr;
	pr->vaddr = k->vaddr;
	pr->group = k->group;
	pr->proto = k->proto;
	pr->plen = k->plen;
	pr->hashed = true;
	pr->synced = jiffies;
	refcount_set(&pr->refcnt, 1);
	hlist_add_head_rcu(&pr->node, &pt->buckets[b]);
fill:
	WRITE_ONCE(pr->raddr, raddr);
	WRITE_ONCE(pr->timeout, timeout);
	WRITE_ONCE(pr->expires, jiffies - idle + timeout);
roles:
	WRITE_ONCE(pr->role, role);
	WRITE_ONCE(pr->primary, primary);
	WRITE_ONCE(pr->backup, backup);
out:
	spin_unlock_bh(lock);
	return err;
}

void ilb_persist_uncopy(struct ilb_net *in, const struct ilb_persist_key *k,
			__be32 raddr)
{
	struct ilb_persist_table *pt = rcu_dereference(in->persist);
	struct ilb_persist *pr;
	spinlock_t *lock;
	u32 b;

	if (!pt)
		return;
	b = ilb_persist_hash(pt, k->proto, k->caddr, k->vaddr, k->group);
	lock = ilb_persist_lock(pt, b);
	spin_lock_bh(lock);
	pr = ilb_persist_find(pt, b, k);
	if (pr && pr->raddr == raddr && !ilb_persist_in_use(pr))
		ilb_persist_unhash(pt, pr);
	spin_unlock_bh(lock);
}

void ilb_persist_walk(struct ilb_net *in,
		      void (*fn)(struct ilb_net *in, struct ilb_persist *pr,
				 void *arg), void *arg)
{
	struct ilb_persist_table *pt;
	struct hlist_node *tmp;
	struct ilb_persist *pr;
	unsigned int b, n;
	spinlock_t *lock;

	rcu_read_lock();
	pt = rcu_dereference(in->persist);
	n = pt ? 1U << pt->bits : 0;
	rcu_read_unlock();
	for (b = 0; b < n; b++) {
		rcu_read_lock();
		pt = rcu_dereference(in->persist);
		if (!pt) {
			rcu_read_unlock();
			return;
		}
		if (!hlist_empty(&pt->buckets[b])) {
			lock = ilb_persist_lock(pt, b);
			spin_lock_bh(lock);
			hlist_for_each_entry_safe(pr, tmp, &pt->buckets[b],
						  node)
				if (!ilb_persist_expired(pr))
					fn(in, pr, arg);
			spin_unlock_bh(lock);
		}
		rcu_read_unlock();
		if (!(b & 255))
			cond_resched();
	}
}

void ilb_persist_drop(struct ilb_net *in, struct ilb_persist *pr)
{
	struct ilb_persist_table *pt = rcu_dereference(in->persist);

	if (pt && pr->hashed)
		ilb_persist_unhash(pt, pr);
}

unsigned int ilb_persist_count(struct ilb_net *in)
{
	struct ilb_persist_table *pt;
	unsigned int n;

	rcu_read_lock();
	pt = rcu_dereference(in->persist);
	n = pt ? atomic_read(&pt->count) : 0;
	rcu_read_unlock();
	return n;
}

/* Is @o a persistent service of the group @g of @svc's VIP (not @svc)? */
static bool ilb_persist_peer(const struct ilb_service *o,
			     const struct ilb_service *svc, __be16 g)
{
	return o != svc && o->addr == svc->addr && o->proto == svc->proto &&
		o->group == g && o->persist;
}

static void ilb_persist_apply(struct ilb_service *svc, u32 p, u8 l,
			      __be16 g)
{
	if (svc->persist)
		ilb_persist_flush(svc->in, svc);
	WRITE_ONCE(svc->plen, l);
	WRITE_ONCE(svc->group, g);
	WRITE_ONCE(svc->persist, p);
}

/*
 * A group's timeout and netmask belong to the group: a service joins a
 * group (turns persistence on, or names another group) only with the
 * group's settings, and a member's change of them changes the group's.
 */
int ilb_persist_configure(struct ilb_service *svc, s64 persist, int plen,
			  int group, struct netlink_ext_ack *extack)
{
	struct ilb_net *in = svc->in;
	u32 p = persist < 0 ? svc->persist : persist;
	u8 l = plen < 0 ? svc->plen : plen;
	__be16 g = group < 0 ? svc->group : (__force __be16)group;
	bool joins = p && (!svc->persist || g != svc->group);
	struct ilb_service *o;
	unsigned int i;
	int err;

	lockdep_assert_held(&in->cfg_lock);
	if (p == svc->persist && l == svc->plen && g == svc->group)
		return 0;
	if (joins) {
		for (i = 0; i < ARRAY_SIZE(in->svc_table); i++)
			hlist_for_each_entry(o, &in->svc_table[i], hnode)
				if (ilb_persist_peer(o, svc, g) &&
				    (o->persist != p || o->plen != l)) {
					NL_SET_ERR_MSG(extack,
						       "the services of a persistence group need the same persist and netmask");
					return -EINVAL;
				}
	}
	if (p) {
		err = ilb_persist_table_init(in);
		if (err) {
			NL_SET_ERR_MSG(extack, "no memory for the persistence table");
			return err;
		}
	}
	if (p && !joins)
		for (i = 0; i < ARRAY_SIZE(in->svc_table); i++)
			hlist_for_each_entry(o, &in->svc_table[i], hnode)
				if (ilb_persist_peer(o, svc, g))
					ilb_persist_apply(o, p, l, g);
	ilb_persist_apply(svc, p, l, g);
	return 0;
}

/* The table, made when the first persistent service is configured. */
int ilb_persist_table_init(struct ilb_net *in)
{
	struct ilb_persist_table *pt;
	unsigned int i;

	lockdep_assert_held(&in->cfg_lock);
	if (rcu_access_pointer(in->persist))
		return 0;
	pt = kzalloc(sizeof(*pt), ILB_GFP_CFG);
	if (!pt)
		return -ENOMEM;
	pt->bits = clamp(ilb_conn_hash_bits, 8U, 20U) - 2;
	pt->buckets = kvcalloc(1U << pt->bits, sizeof(*pt->buckets),
			       ILB_GFP_CFG);
	if (!pt->buckets) {
		kfree(pt);
		return -ENOMEM;
	}
	for (i = 0; i < ILB_PERSIST_LOCKS; i++)
		spin_lock_init(&pt->locks[i]);
	get_random_bytes(&pt->key, sizeof(pt->key));
	INIT_DELAYED_WORK(&pt->gc_work, ilb_persist_gc);
	rcu_assign_pointer(in->persist, pt);
	queue_delayed_work(system_power_efficient_wq, &pt->gc_work,
			   ILB_PERSIST_GC_INTERVAL);
	return 0;
}

/*
 * Netns exit, once the hooks are gone: records still held by connections
 * are freed by the connections' RCU callbacks.
 */
void ilb_persist_table_free(struct ilb_net *in)
{
	struct ilb_persist_table *pt;
	u32 b;

	pt = rcu_dereference_protected(in->persist, 1);
	if (!pt)
		return;
	WRITE_ONCE(pt->gc_stop, true);
	cancel_delayed_work_sync(&pt->gc_work);
	for (b = 0; b < (1U << pt->bits); b++)
		if (!hlist_empty(&pt->buckets[b]))
			ilb_persist_sweep(pt, b, NULL, false);
	RCU_INIT_POINTER(in->persist, NULL);
	synchronize_rcu();
	kvfree(pt->buckets);
	kfree(pt);
}
