// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster membership (seed 000, figures 6 and 7). Every member sends a
 * heartbeat every hello_ms, by multicast on the cluster interface and by
 * unicast to configured peers. The view is this node plus every member
 * heard within dead_ms; each change of it gets a new epoch and a walk of
 * the connection table that promotes, demotes and transfers entries.
 */
#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/udp_tunnel.h>

#include "cluster.h"
#include "conn.h"
#include "peer.h"
#include "service.h"
#include "sync.h"
#include "sync_count.h"
#include "sync_persist.h"

static struct workqueue_struct *ilb_cl_wq;

static bool ilb_cl_rotating(struct ilb_cluster *cl);

static unsigned long ilb_cl_tick_jiffies(const struct ilb_cluster *cl)
{
	return max(1UL, msecs_to_jiffies(max(cl->hello_ms / 4, 5U)));
}

/* Get a view change applied now. */
void ilb_cluster_kick(struct ilb_cluster *cl)
{
	if (!READ_ONCE(cl->dying))
		mod_delayed_work(ilb_cl_wq, &cl->view_work, 0);
}

/*
 * Walk every entry again in the same view: what owns a service's
 * connections changed (its persistence settings), so they move to their
 * owners as they would in a view change.
 */
void ilb_cluster_rewalk(struct ilb_cluster *cl)
{
	spin_lock_bh(&cl->lock);
	WRITE_ONCE(cl->walk_all, true);
	cl->view_dirty = true;
	spin_unlock_bh(&cl->lock);
	ilb_cluster_kick(cl);
}

/* Get a key rotation step considered now. */
void ilb_cluster_kick_rotate(struct ilb_cluster *cl)
{
	WRITE_ONCE(cl->rotate, true);
	ilb_cluster_kick(cl);
}

void ilb_cluster_tx_kick(struct ilb_cluster *cl)
{
	if (!READ_ONCE(cl->dying))
		queue_work(ilb_cl_wq, &cl->tx_work);
}

/*
 * Acks due: sent a moment later (ILB_ACK_DELAY_MS), so that one covers
 * every sync message that came meanwhile, or rides on a sync message that
 * goes out first; well within the sender's retransmit timeout.
 */
void ilb_cluster_ack_kick(struct ilb_cluster *cl)
{
	if (!READ_ONCE(cl->dying))
		queue_delayed_work(ilb_cl_wq, &cl->ack_work,
				   msecs_to_jiffies(ILB_ACK_DELAY_MS));
}

static void ilb_cl_ack_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(to_delayed_work(work),
					      struct ilb_cluster, ack_work);

	ilb_cluster_tx_kick(cl);
}

/*
 * A member by ID (RCU read side, or cl->lock). A slot may be emptied or
 * refilled meanwhile (ilb_cl_reclaim): a reader then misses that member
 * once, as if its message were lost.
 */
struct ilb_peer *ilb_cluster_member(struct ilb_cluster *cl, u32 id)
{
	unsigned int i, n = ilb_cluster_nmbr(cl);

	for (i = 0; i < n; i++) {
		struct ilb_peer *p = READ_ONCE(cl->mbr[i]);

		if (p && p->id == id)
			return p;
	}
	return NULL;
}

/* How long a dead member keeps its slot. */
static unsigned long ilb_cl_reclaim_after(const struct ilb_cluster *cl)
{
	return msecs_to_jiffies(max(ILB_MEMBER_RECLAIM_MS, 10 * cl->dead_ms));
}

/*
 * Free the slots of members dead for long (view worker): a member that
 * left for good, or one an attacker with the key made up, does not keep a
 * slot. What they were is remembered (the graveyard): their old messages
 * stay refused, and one that comes back is told apart.
 */
static bool ilb_view_has_peer(const struct ilb_view *v,
			      const struct ilb_peer *p)
{
	unsigned int i;

	for (i = 0; v && i < v->set.n; i++)
		if (v->peer[i] == p)
			return true;
	return false;
}

static void ilb_cl_reclaim(struct ilb_cluster *cl)
{
	struct ilb_peer *gone[ILB_CLUSTER_MAX_MEMBERS];
	unsigned long now = jiffies, after = ilb_cl_reclaim_after(cl);
	const struct ilb_view *v;
	unsigned int i, n = 0;

	/*
	 * The view worker is the view's only writer. A peer that the
	 * published view still names (its rebuild failed) stays until a
	 * view without it is published: the data path may hold it.
	 */
	v = rcu_dereference_protected(cl->view,
				      current_work() == &cl->view_work.work);
	spin_lock_bh(&cl->lock);
	for (i = 0; i < cl->nmbr; ) {
		struct ilb_peer *p = cl->mbr[i];

		if (p->state == ILB_MEMBER_ALIVE ||
		    time_before(now, p->last_heard + after) ||
		    ilb_view_has_peer(v, p)) {
			i++;
			continue;
		}
		spin_lock(&p->rx_lock);
		cl->grave[cl->ngrave % ILB_CLUSTER_MAX_MEMBERS] =
			(struct ilb_grave){ .id = p->id,
					    .incarnation = p->rx_incarnation,
					    .top = p->replay.top };
		spin_unlock(&p->rx_lock);
		cl->ngrave++;
		gone[n++] = p;
		/* the last member takes the slot; the last slot empties */
		WRITE_ONCE(cl->mbr[i], cl->mbr[cl->nmbr - 1]);
		WRITE_ONCE(cl->mbr[cl->nmbr - 1], NULL);
		/* pairs with ilb_cluster_nmbr(): slots before the count */
		smp_store_release(&cl->nmbr, cl->nmbr - 1);
	}
	spin_unlock_bh(&cl->lock);
	if (!n)
		return;
	synchronize_rcu();
	for (i = 0; i < n; i++) {
		/* a count that raced its death must not outlive it */
		ilb_csync_forget(cl->in, gone[i]->slot);
		spin_lock_bh(&cl->lock);
		clear_bit(gone[i]->slot, cl->slots);
		spin_unlock_bh(&cl->lock);
		ilb_peer_free(gone[i]);
	}
	ilb_cls_add(cl, ILB_CLS_RECLAIMED, n);
}

/*
 * Was member @id reclaimed, and is @h from before that (stale)? Returns
 * 0 if it was never reclaimed, 1 if it was and @h is new, -1 if stale.
 * cl->lock held.
 */
static int ilb_cl_grave(struct ilb_cluster *cl, const struct ilb_msg_hdr *h)
{
	unsigned int i, n = min_t(unsigned int, cl->ngrave,
				  ILB_CLUSTER_MAX_MEMBERS);
	int ret = 0;

	for (i = 0; i < n; i++) {
		const struct ilb_grave *g = &cl->grave[i];

		if (g->id != h->sender)
			continue;
		if (h->incarnation < g->incarnation ||
		    (h->incarnation == g->incarnation && h->seq <= g->top))
			return -1;
		ret = 1;
	}
	return ret;
}

bool ilb_cluster_owners(struct ilb_cluster *cl, struct ilb_view *v,
			const struct ilb_service *svc, __be32 caddr,
			__be16 cport, __be32 vaddr, __be16 vport,
			struct ilb_owners_ref *o)
{
	struct ilb_tuple t = {
		.saddr = caddr, .daddr = vaddr, .sport = cport, .dport = vport,
	};
	struct ilb_owners r;

	/* a persistent service's connections: the owners of their record */
	if (svc && READ_ONCE(svc->persist))
		ilb_persist_tuple(caddr, READ_ONCE(svc->plen), vaddr,
				  READ_ONCE(svc->group), &t);
	memset(o, 0, sizeof(*o));
	ilb_owner_lookup(&v->set, &t, &r);
	if (r.primary < 0) {
		/* nobody may own (all weights 0): this node serves */
		o->primary = cl->id;
		return false;
	}
	o->primary = v->m[r.primary].id;
	o->pp = v->peer[r.primary];
	if (r.backup >= 0) {
		o->backup = v->m[r.backup].id;
		o->bp = v->peer[r.backup];
	}
	return true;
}

u32 ilb_cluster_owned(struct ilb_net *in)
{
	return atomic_read(&in->nowned);
}

void ilb_cluster_stats_sum(struct ilb_cluster *cl, u64 out[__ILB_CLS_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __ILB_CLS_MAX);
	for_each_possible_cpu(cpu) {
		const struct ilb_cls_pcpu *s = per_cpu_ptr(cl->stats, cpu);

		for (i = 0; i < __ILB_CLS_MAX; i++)
			out[i] += READ_ONCE(s->cnt[i]);
	}
}

/* Build the view from the members alive now; NULL on allocation failure. */
static struct ilb_view *ilb_view_build(struct ilb_cluster *cl, u64 *reset)
{
	struct ilb_view *v = kzalloc(sizeof(*v), GFP_KERNEL);
	unsigned int i, j, n = 0;

	if (!v)
		return NULL;
	v->m[n].id = cl->id;
	v->m[n++].weight = READ_ONCE(cl->weight);
	spin_lock_bh(&cl->lock);
	for (i = 0; i < cl->nmbr; i++) {
		struct ilb_peer *p = cl->mbr[i];

		if (p->state != ILB_MEMBER_ALIVE)
			continue;
		v->m[n].id = p->id;
		v->m[n].weight = p->weight;
		v->peer[n++] = p;
	}
	/* insertion sort by ID; the reset mask follows the final order */
	for (i = 1; i < n; i++) {
		struct ilb_member m = v->m[i];
		struct ilb_peer *p = v->peer[i];

		for (j = i; j > 0 && v->m[j - 1].id > m.id; j--) {
			v->m[j] = v->m[j - 1];
			v->peer[j] = v->peer[j - 1];
		}
		v->m[j] = m;
		v->peer[j] = p;
	}
	*reset = 0;
	for (i = 0; i < n; i++) {
		if (v->peer[i] && v->peer[i]->reset) {
			*reset |= 1ULL << i;
			v->peer[i]->reset = false;
		}
	}
	spin_unlock_bh(&cl->lock);

	v->set.members = v->m;
	v->set.n = n;
	v->set.mode = cl->mode;
	v->set.key[0] = cl->key[0];
	v->set.key[1] = cl->key[1];
	if (ilb_owner_prepare(&v->set)) {
		kfree(v);
		return NULL;
	}
	v->epoch = ilb_view_epoch(v->m, n, cl->mode);
	return v;
}

/* The members of @old that @v lost no longer count connections. */
static void ilb_view_forget_gone(struct ilb_cluster *cl,
				 const struct ilb_view *old,
				 const struct ilb_view *v)
{
	unsigned int i;

	for (i = 0; old && i < old->set.n; i++)
		if (old->peer[i] && !ilb_view_has_peer(v, old->peer[i]))
			ilb_csync_forget(cl->in, old->peer[i]->slot);
}

/* Publish a new view and move the connections it moves. Process context. */
static void ilb_view_update(struct ilb_cluster *cl)
{
	struct ilb_view *v, *old;
	u64 reset;

	v = ilb_view_build(cl, &reset);
	if (!v) {
		WRITE_ONCE(cl->view_dirty, true);	/* try again next tick */
		return;
	}
	v->reset = reset;
	old = rcu_dereference_protected(cl->view,
					current_work() == &cl->view_work.work);
	rcu_assign_pointer(cl->view, v);
	WRITE_ONCE(cl->epoch, v->epoch);
	if (!old || old->epoch != v->epoch || reset ||
	    READ_ONCE(cl->walk_all)) {
		unsigned long stale = 0;

		WRITE_ONCE(cl->walk_all, false);
		if (!old || old->epoch != v->epoch) {
			WRITE_ONCE(cl->view_changed, jiffies);
			ilb_cls_inc(cl, ILB_CLS_VIEW_CHANGES);
		}
		/*
		 * Cut off from every member: since the last of them was heard
		 * (dead_ms ago, less the second the idle clock may lag). Back:
		 * what stayed idle since then is stale (see the walk), unless
		 * a member restarted and holds nothing fresher.
		 */
		if (old && old->set.n > 1 && v->set.n == 1)
			cl->alone_since = (jiffies - msecs_to_jiffies(cl->dead_ms) -
					   HZ) | 1;
		if (v->set.n > 1 && cl->alone_since) {
			if (!reset)
				stale = cl->alone_since;
			cl->alone_since = 0;
		}
		/* let data-path readers of the old view finish first */
		synchronize_rcu();
		ilb_sync_view_change(cl, v, false, stale);
		ilb_view_forget_gone(cl, old, v);
	}
	if (old)
		kfree_rcu(old, rcu);
}

/* The heartbeat body: fixed part, ADDR and KEYS records. */
static unsigned int ilb_hello_build(struct ilb_cluster *cl, u8 *buf,
				    u8 flags)
{
	struct ilb_msg_hello b = {
		.weight = READ_ONCE(cl->weight),
		.mode = cl->mode,
		.flags = flags,
		.hello_ms = cl->hello_ms,
		.dead_ms = cl->dead_ms,
		.owned = ilb_cluster_owned(cl->in),
		.addr.family = ILB_WIRE_AF_INET,
	};
	struct ilb_view *v;

	memcpy(b.addr.a, &cl->addr, sizeof(cl->addr));
	rcu_read_lock();
	v = rcu_dereference(cl->view);
	b.nmembers = v ? v->set.n : 1;
	b.nkeys = ilb_auth_key_ids(rcu_dereference(cl->keys), b.keys);
	rcu_read_unlock();
	return ilb_wire_put_hello(buf, &b);
}

/* Fixed part, ADDR (family and 16 bytes at most), KEYS (two ids). */
#define ILB_HELLO_BODY_MAX	(ILB_WIRE_HELLO_LEN + ILB_WIRE_TLV_HDR + 17 + \
				 ILB_WIRE_TLV_HDR + 2)

static void ilb_hello_send(struct ilb_cluster *cl, u8 flags)
{
	u8 buf[ILB_HELLO_BODY_MAX];
	unsigned int i, len = ilb_hello_build(cl, buf, flags);

	if (!ilb_cl_send(cl, ILB_MSG_HELLO, 0, htonl(ILB_CLUSTER_GROUP),
			 cl->ifindex, buf, len))
		ilb_cls_inc(cl, ILB_CLS_HELLO_TX);
	for (i = 0; i < cl->npeers; i++)
		if (!ilb_cl_send(cl, ILB_MSG_HELLO, 0, cl->peers[i], 0, buf,
				 len))
			ilb_cls_inc(cl, ILB_CLS_HELLO_TX);
}

/*
 * Every hello_ms / 4, in softirq (a timer: a loaded machine delays it far
 * less than a worker): heartbeat when due, declare the silent dead, get
 * queued sync messages and retransmits going.
 */
static void ilb_cl_timer(struct timer_list *t)
{
	struct ilb_cluster *cl = from_timer(cl, t, timer);
	unsigned long now = jiffies, dead = msecs_to_jiffies(cl->dead_ms);
	unsigned long hello = msecs_to_jiffies(cl->hello_ms);
	unsigned long next = now + ilb_cl_tick_jiffies(cl);
	unsigned long reclaim = ilb_cl_reclaim_after(cl);
	bool dirty, busy = false, reap = false;
	unsigned int i;

	if (READ_ONCE(cl->dying))
		return;
	if (time_after_eq(now, cl->next_hello)) {
		/* on a fixed schedule: a late run does not delay the next */
		cl->next_hello += hello;
		if (time_before_eq(cl->next_hello, now))
			cl->next_hello = now + hello;
		ilb_hello_send(cl, READ_ONCE(cl->cache_max) ? 0 :
				   ILB_HELLO_F_NOCACHE);
	}
	if (time_before(cl->next_hello, next))
		next = cl->next_hello;
	spin_lock(&cl->lock);
	for (i = 0; i < cl->nmbr; i++) {
		struct ilb_peer *p = cl->mbr[i];
		unsigned long deadline = p->last_heard + dead + 1;

		if (p->state == ILB_MEMBER_ALIVE) {
			if (time_after_eq(now, deadline)) {
				p->state = ILB_MEMBER_DEAD;
				cl->view_dirty = true;
			} else if (time_before(deadline, next)) {
				/* wake up right at its deadline */
				next = deadline;
			}
		} else if (time_after(now, p->last_heard + reclaim)) {
			reap = true;	/* its slot is due back */
		}
		if (!ilb_peer_busy(p))
			continue;
		if (p->state != ILB_MEMBER_ALIVE) {
			/* what was queued is lost: resend it if it returns */
			ilb_peer_reset_tx(p);
			p->reset = true;
		} else {
			busy = true;
		}
	}
	dirty = cl->view_dirty;
	spin_unlock(&cl->lock);

	if (ilb_cl_rotating(cl))
		ilb_cluster_kick_rotate(cl);
	else if (dirty || reap)
		ilb_cluster_kick(cl);
	if (busy)
		ilb_cluster_tx_kick(cl);
	mod_timer(&cl->timer, next);
}

/* Is a key rotation under way? (any context) */
static bool ilb_cl_rotating(struct ilb_cluster *cl)
{
	const struct ilb_cl_keys *ks;
	bool ret;

	rcu_read_lock();
	ks = rcu_dereference(cl->keys);
	ret = ks && ks->state != ILB_KEY_STABLE;
	rcu_read_unlock();
	return ret;
}

/* The owner's refreshes of its persistence records' copies. */
static void ilb_cl_psync_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(to_delayed_work(work),
					      struct ilb_cluster, psync_work);

	if (READ_ONCE(cl->dying))
		return;
	ilb_psync_tick(cl);
	if (!READ_ONCE(cl->dying))
		queue_delayed_work(ilb_cl_wq, &cl->psync_work, HZ);
}

/* This node's connection counts to the other members, each hello. */
static void ilb_cl_csync_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(to_delayed_work(work),
					      struct ilb_cluster, csync_work);

	if (READ_ONCE(cl->dying))
		return;
	ilb_csync_tick(cl);
	if (!READ_ONCE(cl->dying))
		queue_delayed_work(ilb_cl_wq, &cl->csync_work,
				   msecs_to_jiffies(cl->hello_ms));
}

/* Apply a view change: process context, the walk may take a while. */
static void ilb_cl_view_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(to_delayed_work(work),
					      struct ilb_cluster, view_work);
	bool dirty;

	if (READ_ONCE(cl->dying))
		return;
	if (READ_ONCE(cl->rotate)) {
		WRITE_ONCE(cl->rotate, false);
		ilb_auth_rotate(cl);
	}
	spin_lock_bh(&cl->lock);
	dirty = cl->view_dirty;
	cl->view_dirty = false;
	spin_unlock_bh(&cl->lock);
	if (dirty)
		ilb_view_update(cl);
	ilb_cl_reclaim(cl);
}

/*
 * How soon a member may change the view again (join, return, restart or
 * new weight): a flapping member, or one whose key is stolen, cannot keep
 * the cluster walking its tables.
 */
static unsigned long ilb_cl_hold(const struct ilb_cluster *cl)
{
	return msecs_to_jiffies(max(1000U, 2 * cl->dead_ms));
}

/*
 * The heartbeat's number, in @p's replay window: an older incarnation is
 * stale, a newer one (the member restarted) starts a new window, but a
 * LEAVING only counts from the incarnation we know. cl->lock held.
 */
static int ilb_hello_fresh(struct ilb_peer *p, const struct ilb_msg_hdr *h,
			   bool leaving)
{
	int ret = 0;

	spin_lock(&p->rx_lock);
	if (h->incarnation < p->rx_incarnation ||
	    (leaving && h->incarnation != p->rx_incarnation)) {
		ret = ILB_CLS_STALE_INCARNATION;
	} else {
		if (h->incarnation > p->rx_incarnation || !p->replay.top) {
			/* new: what it sent before this is not for us */
			ilb_replay_start(&p->replay, h->seq);
			p->rx_incarnation = h->incarnation;
		} else if (!ilb_replay_update(&p->replay, h->seq)) {
			ret = ILB_CLS_REPLAY;
		}
	}
	spin_unlock(&p->rx_lock);
	return ret;
}

/*
 * An authenticated heartbeat (softirq). A member only ever changes its own
 * entry; the view changes only for a heartbeat that is fresh.
 */
void ilb_cluster_hello_rcv(struct ilb_cluster *cl, const struct ilb_msg *m,
			   __be32 saddr)
{
	const struct ilb_msg_hello *h = &m->hello;
	bool leaving = h->flags & ILB_HELLO_F_LEAVING;
	int why = ILB_CLS_FOREIGN;
	struct mem_cgroup *memcg;
	unsigned int slot;
	struct ilb_peer *p;
	bool dirty = false;
	__be32 addr;

	if (h->addr.family != ILB_WIRE_AF_INET)
		goto refuse;
	memcpy(&addr, h->addr.a, sizeof(addr));
	if (addr != saddr || h->mode != cl->mode ||
	    h->weight > READ_ONCE(cl->max_weight))
		goto refuse;
	spin_lock(&cl->lock);
	p = ilb_cluster_member(cl, m->hdr.sender);
	if (!p) {
		int grave = ilb_cl_grave(cl, &m->hdr);

		slot = find_first_zero_bit(cl->slots, ILB_CLUSTER_MAX_MEMBERS);
		if (leaving || cl->nmbr >= ILB_CLUSTER_MAX_MEMBERS - 1 ||
		    slot >= ILB_CLUSTER_MAX_MEMBERS)
			goto refuse_unlock;
		if (grave < 0) {
			why = ILB_CLS_STALE_INCARNATION;
			goto refuse_unlock;
		}
		memcg = ilb_memcg_enter(cl->in);
		p = ilb_peer_new(m->hdr.sender, addr,
				 GFP_ATOMIC | __GFP_ACCOUNT);
		ilb_memcg_exit(memcg);
		if (!p) {
			spin_unlock(&cl->lock);
			return;
		}
		p->rx_incarnation = m->hdr.incarnation;
		p->slot = slot;
		set_bit(slot, cl->slots);
		/* back after its slot was freed: resend what it should hold */
		p->reset = grave > 0;
		WRITE_ONCE(cl->mbr[cl->nmbr], p);
		/* publish the slot before the count (ilb_cluster_nmbr) */
		smp_store_release(&cl->nmbr, cl->nmbr + 1);
	}
	why = ilb_hello_fresh(p, &m->hdr, leaving);
	if (why)
		goto refuse_unlock;
	why = ILB_CLS_FOREIGN;
	if (p->addr != addr && p->state == ILB_MEMBER_ALIVE &&
	    p->incarnation == m->hdr.incarnation)
		goto refuse_unlock;	/* a live member does not move */
	p->addr = addr;
	WRITE_ONCE(p->nocache, !!(h->flags & ILB_HELLO_F_NOCACHE));
	p->owned = h->owned;
	p->epoch = m->hdr.epoch;
	p->key_id = m->hdr.key_id;
	p->key_adv[0] = h->nkeys > 0 ? h->keys[0] : 0;
	p->key_adv[1] = h->nkeys > 1 ? h->keys[1] : 0;
	if (leaving) {
		if (p->state == ILB_MEMBER_ALIVE) {
			p->state = ILB_MEMBER_DEAD;
			dirty = true;
		}
		goto out;
	}
	if ((p->state != ILB_MEMBER_ALIVE || p->weight != h->weight ||
	     p->incarnation != m->hdr.incarnation) && p->changed &&
	    time_before(jiffies, p->changed + ilb_cl_hold(cl))) {
		/*
		 * It changed the view a moment ago: not again yet. A live
		 * member is still heard, or the hold would make it die.
		 */
		if (p->state == ILB_MEMBER_ALIVE)
			p->last_heard = jiffies;
		goto out;
	}
	p->last_heard = jiffies;
	if (p->state != ILB_MEMBER_ALIVE) {
		p->state = ILB_MEMBER_ALIVE;
		ilb_peer_reset_tx(p);
		dirty = true;
	}
	if (p->incarnation != m->hdr.incarnation) {
		/* it restarted: whatever it held is gone, its sessions too */
		if (p->incarnation)
			p->reset = true;
		p->incarnation = m->hdr.incarnation;
		ilb_peer_reset_tx(p);
		spin_lock_bh(&p->lock);
		p->rx_session = 0;
		p->rx_next = 0;
		spin_unlock_bh(&p->lock);
		dirty = true;
	}
	if (p->weight != h->weight) {
		p->weight = h->weight;
		dirty = true;
	}
out:
	if (dirty) {
		cl->view_dirty = true;
		if (!leaving)
			p->changed = jiffies | 1;
	}
	spin_unlock(&cl->lock);
	ilb_cls_inc(cl, ILB_CLS_HELLO_RX);
	if (m->hdr.epoch != READ_ONCE(cl->epoch))
		ilb_cls_inc(cl, ILB_CLS_EPOCH_MISMATCH);
	if (dirty)
		ilb_cluster_kick(cl);
	return;
refuse_unlock:
	spin_unlock(&cl->lock);
refuse:
	ilb_cls_inc(cl, why);
}

static void ilb_cluster_free(struct ilb_cluster *cl)
{
	unsigned int i;

	for (i = 0; i < cl->nmbr; i++)
		ilb_peer_free(cl->mbr[i]);
	kfree(rcu_dereference_protected(cl->view, 1));
	ilb_auth_keys_free(rcu_dereference_protected(cl->keys, 1));
	free_percpu(cl->stats);
	kfree(cl);
}

int ilb_cluster_join(struct ilb_net *in, const struct ilb_cl_config *c,
		     struct netlink_ext_ack *extack)
{
	struct ilb_cluster *cl;
	struct ilb_view *v;
	u64 reset;
	int err;

	lockdep_assert_held(&in->cfg_lock);
	if (rcu_access_pointer(in->cl)) {
		NL_SET_ERR_MSG(extack, "already in a cluster: leave it first");
		return -EEXIST;
	}
	if (inet_addr_type(in->net, c->addr) != RTN_LOCAL) {
		NL_SET_ERR_MSG(extack, "addr is not an address of this node");
		return -EADDRNOTAVAIL;
	}
	err = ilb_conn_table_init(in);
	if (err)
		return err;
	cl = kzalloc(sizeof(*cl), ILB_GFP_CFG);
	if (!cl)
		return -ENOMEM;
	cl->stats = alloc_percpu_gfp(struct ilb_cls_pcpu, ILB_GFP_CFG);
	if (!cl->stats) {
		kfree(cl);
		return -ENOMEM;
	}
	cl->in = in;
	cl->cluster_id = c->cluster_id;
	cl->id = c->id;
	cl->addr = c->addr;
	cl->ifindex = c->ifindex;
	cl->port = c->port;
	cl->mode = c->mode;
	cl->sync = c->sync;
	cl->weight = c->weight;
	cl->hello_ms = c->hello_ms;
	cl->dead_ms = c->dead_ms;
	cl->cache_max = c->cache_max;
	memcpy(cl->peers, c->peers, sizeof(cl->peers));
	cl->npeers = c->npeers;
	cl->max_weight = c->max_weight;
	if (c->key) {
		struct ilb_cl_keys *ks = ilb_auth_keys_new(c->key,
							   ILB_GFP_CFG);

		if (!ks) {
			ilb_cluster_free(cl);
			return -ENOMEM;
		}
		RCU_INIT_POINTER(cl->keys, ks);
	}
	if (c->key_file)
		strscpy(cl->key_file, c->key_file, sizeof(cl->key_file));
	/*
	 * Incarnations grow across joins (seconds of real time, or one more
	 * than the last in this netns); numbers start at the real time in
	 * ns, so they grow across restarts even within one incarnation.
	 */
	cl->incarnation = max_t(u32, in->cl_incarnation + 1,
				(u32)ktime_get_real_seconds());
	in->cl_incarnation = cl->incarnation;
	atomic64_set(&cl->tx_seq, ktime_get_real_ns());
	ilb_owner_cluster_key(cl->cluster_id, cl->key);
	spin_lock_init(&cl->lock);
	timer_setup(&cl->timer, ilb_cl_timer, 0);
	INIT_DELAYED_WORK(&cl->view_work, ilb_cl_view_work);
	INIT_WORK(&cl->tx_work, ilb_peer_tx_work);
	INIT_DELAYED_WORK(&cl->ack_work, ilb_cl_ack_work);
	INIT_DELAYED_WORK(&cl->psync_work, ilb_cl_psync_work);
	INIT_DELAYED_WORK(&cl->csync_work, ilb_cl_csync_work);

	v = ilb_view_build(cl, &reset);
	if (!v) {
		ilb_cluster_free(cl);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(cl->view, v);
	cl->epoch = v->epoch;
	cl->view_changed = jiffies;
	cl->next_hello = jiffies;

	err = ilb_cl_socket_open(cl, in->net, extack);
	if (err) {
		ilb_cluster_free(cl);
		return err;
	}
	/* standalone entries become owned: in the view worker, like any walk */
	cl->walk_all = true;
	cl->view_dirty = true;
	rcu_assign_pointer(in->cl, cl);
	ilb_cluster_kick(cl);
	mod_timer(&cl->timer, jiffies);
	queue_delayed_work(ilb_cl_wq, &cl->psync_work, HZ);
	queue_delayed_work(ilb_cl_wq, &cl->csync_work,
			   msecs_to_jiffies(cl->hello_ms));
	return 0;
}

int ilb_cluster_leave(struct ilb_net *in)
{
	struct ilb_cluster *cl = rcu_dereference_protected(in->cl,
					lockdep_is_held(&in->cfg_lock));

	if (!cl)
		return -ENOENT;
	/* tell the others now rather than after dead_ms */
	ilb_hello_send(cl, ILB_HELLO_F_LEAVING |
			   (cl->cache_max ? 0 : ILB_HELLO_F_NOCACHE));
	WRITE_ONCE(cl->dying, true);
	RCU_INIT_POINTER(in->cl, NULL);
	rcu_assign_sk_user_data(cl->sock->sk, NULL);
	synchronize_rcu();
	/* no packet and no data path uses it now; stop the workers */
	del_timer_sync(&cl->timer);
	cancel_delayed_work_sync(&cl->view_work);
	cancel_delayed_work_sync(&cl->ack_work);
	cancel_delayed_work_sync(&cl->psync_work);
	cancel_delayed_work_sync(&cl->csync_work);
	cancel_work_sync(&cl->tx_work);
	ilb_cl_socket_close(cl);
	ilb_sync_view_change(cl, NULL, true, 0);
	ilb_csync_forget_all(in);
	ilb_cluster_free(cl);
	return 0;
}

/* Netns exit: leave quietly (the devices are gone already). */
void ilb_net_cluster_exit(struct ilb_net *in)
{
	mutex_lock(&in->cfg_lock);
	ilb_cluster_leave(in);
	mutex_unlock(&in->cfg_lock);
}

int ilb_cluster_init(void)
{
	ilb_cl_wq = alloc_workqueue("ilb_cluster",
				    WQ_UNBOUND | WQ_MEM_RECLAIM | WQ_HIGHPRI,
				    0);
	return ilb_cl_wq ? 0 : -ENOMEM;
}

void ilb_cluster_exit(void)
{
	destroy_workqueue(ilb_cl_wq);
}
