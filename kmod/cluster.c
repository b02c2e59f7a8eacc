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

static struct workqueue_struct *ilb_cl_wq;

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

void ilb_cluster_tx_kick(struct ilb_cluster *cl)
{
	if (!READ_ONCE(cl->dying))
		queue_work(ilb_cl_wq, &cl->tx_work);
}

/* A member by ID; members are only ever appended while joined. */
struct ilb_peer *ilb_cluster_member(struct ilb_cluster *cl, u32 id)
{
	unsigned int i, n = ilb_cluster_nmbr(cl);

	for (i = 0; i < n; i++)
		if (READ_ONCE(cl->mbr[i])->id == id)
			return cl->mbr[i];
	return NULL;
}

bool ilb_cluster_owners(struct ilb_cluster *cl, struct ilb_view *v,
			u8 proto, __be32 caddr, __be16 cport, __be32 vaddr,
			__be16 vport, struct ilb_owners_ref *o)
{
	struct ilb_tuple t = {
		.saddr = caddr, .daddr = vaddr, .sport = cport, .dport = vport,
	};
	struct ilb_owners r;

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

void ilb_cluster_count_evict(struct ilb_net *in)
{
	struct ilb_cluster *cl;

	rcu_read_lock();
	cl = rcu_dereference(in->cl);
	if (cl)
		ilb_cls_inc(cl, ILB_CLS_CACHE_EVICT);
	rcu_read_unlock();
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
	old = rcu_dereference_protected(cl->view, 1);
	rcu_assign_pointer(cl->view, v);
	WRITE_ONCE(cl->epoch, v->epoch);
	if (!old || old->epoch != v->epoch || reset || cl->walk_all) {
		unsigned long stale = 0;

		cl->walk_all = false;
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
	}
	if (old)
		kfree_rcu(old, rcu);
}

static int ilb_hello_build(struct ilb_cluster *cl, u8 *buf, u8 flags)
{
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = ILB_MSG_HELLO,
		.cluster = cl->cluster_id,
		.sender = cl->id,
		.epoch = READ_ONCE(cl->epoch),
	};
	struct ilb_msg_hello b = {
		.addr = cl->addr,
		.weight = READ_ONCE(cl->weight),
		.mode = cl->mode,
		.flags = flags,
		.hello_ms = cl->hello_ms,
		.dead_ms = cl->dead_ms,
		.owned = ilb_cluster_owned(cl->in),
		.incarnation = cl->incarnation,
		.seq = ++cl->hello_seq,
	};
	struct ilb_view *v;

	rcu_read_lock();
	v = rcu_dereference(cl->view);
	b.nmembers = v ? v->set.n : 1;
	rcu_read_unlock();
	return ilb_wire_put_hdr(buf, &h) +
	       ilb_wire_put_hello(buf + ILB_WIRE_HDR_LEN, &b);
}

static void ilb_hello_send(struct ilb_cluster *cl, u8 flags)
{
	u8 buf[ILB_WIRE_HDR_LEN + ILB_WIRE_HELLO_LEN];
	unsigned int i, len = ilb_hello_build(cl, buf, flags);

	if (!ilb_cluster_send(cl, htonl(ILB_CLUSTER_GROUP), cl->ifindex,
			      buf, len))
		ilb_cls_inc(cl, ILB_CLS_HELLO_TX);
	for (i = 0; i < cl->npeers; i++)
		if (!ilb_cluster_send(cl, cl->peers[i], 0, buf, len))
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
	bool dirty, busy = false;
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

	if (dirty)
		ilb_cluster_kick(cl);
	if (busy)
		ilb_cluster_tx_kick(cl);
	mod_timer(&cl->timer, next);
}

/* Apply a view change: process context, the walk may take a while. */
static void ilb_cl_view_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(to_delayed_work(work),
					      struct ilb_cluster, view_work);
	bool dirty;

	if (READ_ONCE(cl->dying))
		return;
	spin_lock_bh(&cl->lock);
	dirty = cl->view_dirty;
	cl->view_dirty = false;
	spin_unlock_bh(&cl->lock);
	if (dirty)
		ilb_view_update(cl);
}

/* A heartbeat (softirq). A member only ever changes its own entry. */
void ilb_cluster_hello_rcv(struct ilb_cluster *cl, const struct ilb_msg *m,
			   __be32 saddr)
{
	const struct ilb_msg_hello *h = &m->hello;
	bool leaving = h->flags & ILB_HELLO_F_LEAVING;
	struct ilb_peer *p;
	bool dirty = false;

	if (h->addr != saddr || h->mode != cl->mode) {
		ilb_cls_inc(cl, ILB_CLS_FOREIGN);
		return;
	}
	if (m->hdr.sender == cl->id) {
		if (h->addr != cl->addr)	/* someone else uses our ID */
			ilb_cls_inc(cl, ILB_CLS_FOREIGN);
		return;
	}
	spin_lock(&cl->lock);
	p = ilb_cluster_member(cl, m->hdr.sender);
	if (!p) {
		if (leaving || cl->nmbr >= ILB_CLUSTER_MAX_MEMBERS - 1)
			goto foreign;
		p = ilb_peer_new(m->hdr.sender, h->addr, GFP_ATOMIC);
		if (!p)
			goto out;
		WRITE_ONCE(cl->mbr[cl->nmbr], p);
		/* publish the slot before the count (ilb_cluster_nmbr) */
		smp_store_release(&cl->nmbr, cl->nmbr + 1);
	}
	if (p->addr != h->addr && p->state == ILB_MEMBER_ALIVE &&
	    p->incarnation == h->incarnation)
		goto foreign;	/* a live member does not move */
	p->addr = h->addr;
	WRITE_ONCE(p->nocache, !!(h->flags & ILB_HELLO_F_NOCACHE));
	p->owned = h->owned;
	p->epoch = m->hdr.epoch;
	if (leaving) {
		if (p->state == ILB_MEMBER_ALIVE) {
			p->state = ILB_MEMBER_DEAD;
			dirty = true;
		}
		goto out;
	}
	p->last_heard = jiffies;
	if (p->state != ILB_MEMBER_ALIVE) {
		p->state = ILB_MEMBER_ALIVE;
		ilb_peer_reset_tx(p);
		dirty = true;
	}
	if (p->incarnation != h->incarnation) {
		/* it restarted: whatever it held is gone */
		if (p->incarnation)
			p->reset = true;
		p->incarnation = h->incarnation;
		ilb_peer_reset_tx(p);
		dirty = true;
	}
	if (p->weight != h->weight) {
		p->weight = h->weight;
		dirty = true;
	}
out:
	if (dirty)
		cl->view_dirty = true;
	spin_unlock(&cl->lock);
	ilb_cls_inc(cl, ILB_CLS_HELLO_RX);
	if (m->hdr.epoch != READ_ONCE(cl->epoch))
		ilb_cls_inc(cl, ILB_CLS_EPOCH_MISMATCH);
	if (dirty)
		ilb_cluster_kick(cl);
	return;
foreign:
	spin_unlock(&cl->lock);
	ilb_cls_inc(cl, ILB_CLS_FOREIGN);
}

static int ilb_cl_socket(struct ilb_cluster *cl, struct net *net,
			 struct netlink_ext_ack *extack)
{
	struct udp_port_cfg conf = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = cl->port,
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = cl,
		.encap_type = 1,
		.encap_rcv = ilb_cluster_udp_rcv,
	};
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = htonl(ILB_CLUSTER_GROUP),
		.imr_ifindex = cl->ifindex,
	};
	int err;

	err = udp_sock_create(net, &conf, &cl->sock);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot bind the cluster UDP port");
		return err;
	}
	inet_sk(cl->sock->sk)->mc_loop = 0;
	rtnl_lock();
	err = ip_mc_join_group(cl->sock->sk, &mreq);
	rtnl_unlock();
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot join the heartbeat group on dev");
		udp_tunnel_sock_release(cl->sock);
		cl->sock = NULL;
		return err;
	}
	setup_udp_tunnel_sock(net, cl->sock, &tcfg);
	return 0;
}

static void ilb_cluster_free(struct ilb_cluster *cl)
{
	unsigned int i;

	for (i = 0; i < cl->nmbr; i++)
		ilb_peer_free(cl->mbr[i]);
	kfree(rcu_dereference_protected(cl->view, 1));
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
	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	cl->stats = alloc_percpu(struct ilb_cls_pcpu);
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
	cl->incarnation = get_random_u32() | 1;
	ilb_owner_cluster_key(cl->cluster_id, cl->key);
	spin_lock_init(&cl->lock);
	timer_setup(&cl->timer, ilb_cl_timer, 0);
	INIT_DELAYED_WORK(&cl->view_work, ilb_cl_view_work);
	INIT_WORK(&cl->tx_work, ilb_peer_tx_work);

	v = ilb_view_build(cl, &reset);
	if (!v) {
		ilb_cluster_free(cl);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(cl->view, v);
	cl->epoch = v->epoch;
	cl->view_changed = jiffies;
	cl->next_hello = jiffies;

	err = ilb_cl_socket(cl, in->net, extack);
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
	cancel_work_sync(&cl->tx_work);
	udp_tunnel_sock_release(cl->sock);
	ilb_sync_view_change(cl, NULL, true, 0);
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
