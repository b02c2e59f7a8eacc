// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table (the seed's LTOC): an RCU hash table with a random
 * key, striped bucket locks, entries from a slab cache, and a collector
 * that expires idle entries a slice of buckets at a time.
 */
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "cache.h"
#include "conn.h"
#include "persist.h"
#include "service.h"

#define ILB_GC_INTERVAL		(HZ / 10)
#define ILB_GC_SLICES		10	/* a full pass takes about a second */
#define ILB_SYN_TIMEOUT		60	/* seconds, capped by the TCP timeout */
#define ILB_CLOSE_TIMEOUT	10
#define ILB_UDP_NEW_TIMEOUT	30	/* not a stream, capped by UDP's timeout */
#define ILB_UDP_STREAM_AFTER	(2 * HZ)
/*
 * A full table makes room for a new entry by dropping an embryonic one
 * (see ilb_conn_embryonic()) found near the new entry's bucket: at most
 * this many entries are looked at, in as many buckets as a full table
 * spreads them over (conn_max may be far below the bucket count), within
 * bounds.
 */
#define ILB_EARLY_DROP_ENTRIES	16
#define ILB_EARLY_DROP_BUCKETS	128	/* 1 KiB of bucket heads */
#define ILB_EARLY_DROP_BUCKETS_MAX	2048	/* 16 KiB */

static struct kmem_cache *ilb_conn_cachep __read_mostly;

const char *const ilb_cs_names[__ILB_CS_MAX] = {
	[ILB_CS_SYN] = "SYN",
	[ILB_CS_ESTABLISHED] = "ESTABLISHED",
	[ILB_CS_FIN] = "FIN",
	[ILB_CS_CLOSE] = "CLOSE",
	[ILB_CS_UDP] = "UDP",
	[ILB_CS_SYN_RECV] = "SYN_RECV",
	[ILB_CS_UDP_STREAM] = "UDP_STREAM",
};

int ilb_conn_cache_init(void)
{
	ilb_conn_cachep = kmem_cache_create("ilb_conn", sizeof(struct ilb_conn),
					    0, SLAB_ACCOUNT, NULL);
	return ilb_conn_cachep ? 0 : -ENOMEM;
}

void ilb_conn_cache_exit(void)
{
	kmem_cache_destroy(ilb_conn_cachep);
}

static u32 ilb_conn_hash(const struct ilb_conn_table *t, u8 proto,
			 __be32 saddr, __be16 sport, __be32 daddr, __be16 dport)
{
	return hsiphash_4u32((__force u32)saddr, (__force u32)daddr,
			     (__force u32)sport << 16 | (__force u32)dport,
			     proto, &t->key) >> (32 - t->bits);
}

static spinlock_t *ilb_conn_lock(const struct ilb_conn_table *t, u32 bucket)
{
	return &t->locks[bucket & (t->nlocks - 1)];
}

unsigned long ilb_conn_timeout(struct ilb_net *in, u8 state)
{
	u32 s;

	switch (state) {
	case ILB_CS_SYN:
	case ILB_CS_SYN_RECV:
		s = min_t(u32, ILB_SYN_TIMEOUT,
			  READ_ONCE(in->timeout[ILB_TIMEOUT_A_TCP]));
		break;
	case ILB_CS_ESTABLISHED:
		s = READ_ONCE(in->timeout[ILB_TIMEOUT_A_TCP]);
		break;
	case ILB_CS_FIN:
		s = READ_ONCE(in->timeout[ILB_TIMEOUT_A_TCP_FIN]);
		break;
	case ILB_CS_CLOSE:
		s = ILB_CLOSE_TIMEOUT;
		break;
	case ILB_CS_UDP:
		s = min_t(u32, ILB_UDP_NEW_TIMEOUT,
			  READ_ONCE(in->timeout[ILB_TIMEOUT_A_UDP]));
		break;
	default:
		s = READ_ONCE(in->timeout[ILB_TIMEOUT_A_UDP]);
		break;
	}
	return (unsigned long)s * HZ;
}

static void ilb_gc_work(struct work_struct *work);

int ilb_conn_table_init(struct ilb_net *in)
{
	unsigned int i, n = 1U << ilb_conn_hash_bits;
	struct ilb_conn_table *t;

	lockdep_assert_held(&in->cfg_lock);
	if (rcu_access_pointer(in->conns))
		return 0;
	t = kzalloc(sizeof(*t), ILB_GFP_CFG);
	if (!t)
		return -ENOMEM;
	t->bits = ilb_conn_hash_bits;
	t->nlocks = min(n, 1024U);
	t->orig = kvcalloc(n, sizeof(*t->orig), ILB_GFP_CFG);
	t->reply = kvcalloc(n, sizeof(*t->reply), ILB_GFP_CFG);
	t->locks = kvmalloc_array(t->nlocks, sizeof(*t->locks),
				  ILB_GFP_CFG);
	if (!t->orig || !t->reply || !t->locks) {
		kvfree(t->orig);
		kvfree(t->reply);
		kvfree(t->locks);
		kfree(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->nlocks; i++)
		spin_lock_init(&t->locks[i]);
	get_random_bytes(&t->key, sizeof(t->key));
	rcu_assign_pointer(in->conns, t);
	INIT_DELAYED_WORK(&in->gc_work, ilb_gc_work);
	queue_delayed_work(system_power_efficient_wq, &in->gc_work,
			   ILB_GC_INTERVAL);
	return 0;
}

static bool ilb_conn_expired(const struct ilb_conn *cp)
{
	return time_after(jiffies, READ_ONCE(cp->expires));
}

struct ilb_conn *ilb_conn_lookup(struct ilb_conn_table *t, u8 proto,
				 __be32 saddr, __be16 sport,
				 __be32 daddr, __be16 dport, int *dir)
{
	u32 b = ilb_conn_hash(t, proto, saddr, sport, daddr, dport);
	struct ilb_conn *cp;

	hlist_for_each_entry_rcu(cp, &t->orig[b], node[0])
		if (cp->caddr == saddr && cp->vaddr == daddr &&
		    cp->cport == sport && cp->vport == dport &&
		    cp->proto == proto && !ilb_conn_expired(cp)) {
			*dir = 0;
			return cp;
		}
	hlist_for_each_entry_rcu(cp, &t->reply[b], node[1])
		if (cp->raddr == saddr && cp->caddr == daddr &&
		    cp->rport == sport && cp->cport == dport &&
		    cp->proto == proto && !ilb_conn_expired(cp)) {
			*dir = 1;
			return cp;
		}
	return NULL;
}

static void ilb_conn_free_rcu(struct rcu_head *head)
{
	struct ilb_conn *cp = container_of(head, struct ilb_conn, rcu);

	ilb_persist_put(cp->pr);
	ilb_server_put(cp->srv);
	kmem_cache_free(ilb_conn_cachep, cp);
}

/*
 * Add @d to the counts of @cp's server that its state and role fall in:
 * active or inactive, and of those the own ones (owned here, or local)
 * that lc, wlc and max-conns count across the cluster (sync_count.c).
 * State and role change only under the entry's bucket lock (bucket 0),
 * so a change takes out exactly what the entry had put in.
 */
static void ilb_conn_count(struct ilb_conn *cp, int d)
{
	struct ilb_server *srv = cp->srv;
	bool est = cp->state == ILB_CS_ESTABLISHED;

	atomic_add(d, est ? &srv->active : &srv->inactive);
	if (cp->role == ILB_ROLE_OWNED || cp->role == ILB_ROLE_LOCAL)
		atomic_add(d, est ? &srv->own_active : &srv->own_inactive);
}

/* Move @cp to @state; under its bucket lock. */
static bool ilb_conn_move_locked(struct ilb_conn *cp, u8 state)
{
	if (cp->state == ILB_CS_GONE || cp->state == state)
		return false;
	ilb_conn_count(cp, -1);
	WRITE_ONCE(cp->state, state);
	if (state != ILB_CS_GONE)
		ilb_conn_count(cp, 1);
	return true;
}

/* Change @cp's role, under its bucket lock (sync.c's view changes). */
void ilb_conn_set_role_locked(struct ilb_net *in, struct ilb_conn *cp, u8 role)
{
	if (cp->role == ILB_ROLE_OWNED && role != ILB_ROLE_OWNED)
		atomic_dec(&in->nowned);
	else if (cp->role != ILB_ROLE_OWNED && role == ILB_ROLE_OWNED)
		atomic_inc(&in->nowned);
	ilb_conn_count(cp, -1);
	WRITE_ONCE(cp->role, role);
	ilb_conn_count(cp, 1);
}

static void ilb_lock2(struct ilb_conn_table *t, u32 b1, u32 b2)
{
	spinlock_t *l1 = ilb_conn_lock(t, b1), *l2 = ilb_conn_lock(t, b2);

	if (l1 == l2) {
		spin_lock_bh(l1);
	} else if (l1 < l2) {
		spin_lock_bh(l1);
		spin_lock_nested(l2, SINGLE_DEPTH_NESTING);
	} else {
		spin_lock_bh(l2);
		spin_lock_nested(l1, SINGLE_DEPTH_NESTING);
	}
}

static void ilb_unlock2(struct ilb_conn_table *t, u32 b1, u32 b2)
{
	spinlock_t *l1 = ilb_conn_lock(t, b1), *l2 = ilb_conn_lock(t, b2);

	if (l1 == l2) {
		spin_unlock_bh(l1);
		return;
	}
	spin_unlock(max(l1, l2));
	spin_unlock_bh(min(l1, l2));
}

static u32 ilb_conn_bucket(struct ilb_conn_table *t, struct ilb_conn *cp,
			   int dir)
{
	if (!dir)
		return ilb_conn_hash(t, cp->proto, cp->caddr, cp->cport,
				     cp->vaddr, cp->vport);
	return ilb_conn_hash(t, cp->proto, cp->raddr, cp->rport,
			     cp->caddr, cp->cport);
}

/* The same, taking the lock: a few times in a connection's life. */
static bool ilb_conn_move(struct ilb_net *in, struct ilb_conn *cp, u8 state)
{
	struct ilb_conn_table *t;
	spinlock_t *l;
	bool moved;

	rcu_read_lock();
	t = rcu_dereference(in->conns);
	l = ilb_conn_lock(t, ilb_conn_bucket(t, cp, 0));
	spin_lock_bh(l);
	moved = ilb_conn_move_locked(cp, state);
	spin_unlock_bh(l);
	rcu_read_unlock();
	return moved;
}

/*
 * Unhash under both of the entry's own bucket locks; the caller frees after
 * a grace period.
 */
static bool ilb_conn_unhash_locked(struct ilb_net *in,
				   struct ilb_conn_table *t,
				   struct ilb_conn *cp)
{
	lockdep_assert_held(ilb_conn_lock(t, ilb_conn_bucket(t, cp, 0)));
	if (cp->flags & ILB_CONN_F_REPLY)
		lockdep_assert_held(ilb_conn_lock(t, ilb_conn_bucket(t, cp, 1)));
	if (!ilb_conn_move_locked(cp, ILB_CS_GONE))
		return false;
	hlist_del_rcu(&cp->node[0]);
	if (cp->flags & ILB_CONN_F_REPLY)
		hlist_del_rcu(&cp->node[1]);
	atomic_dec(&in->nconns);
	if (cp->role == ILB_ROLE_OWNED)
		atomic_dec(&in->nowned);
	ilb_cache_del(in, cp);	/* lru_lock nests inside bucket locks */
	return true;
}

bool ilb_conn_expire(struct ilb_net *in, struct ilb_conn_table *t,
		     struct ilb_conn *cp)
{
	u32 b0 = ilb_conn_bucket(t, cp, 0), b1 = b0;
	bool gone;

	if (cp->flags & ILB_CONN_F_REPLY)
		b1 = ilb_conn_bucket(t, cp, 1);
	ilb_lock2(t, b0, b1);
	gone = ilb_conn_unhash_locked(in, t, cp);
	ilb_unlock2(t, b0, b1);
	if (gone)
		call_rcu(&cp->rcu, ilb_conn_free_rcu);
	return gone;
}

/*
 * What a flood can make: a handshake the server has not completed, a UDP
 * flow nobody answered, or a connection already closed. Never one that is
 * established or whose UDP flow has been replied to.
 */
static bool ilb_conn_embryonic(u8 state)
{
	return state == ILB_CS_SYN || state == ILB_CS_SYN_RECV ||
	       state == ILB_CS_UDP || state == ILB_CS_CLOSE;
}

/*
 * The table is full: drop an embryonic (or expired) entry near bucket @b
 * to make room, as conntrack's early drop does. True if one went.
 */
static bool ilb_conn_early_drop(struct ilb_net *in, struct ilb_conn_table *t,
				u32 b)
{
	unsigned int i, seen = 0, mask = (1U << t->bits) - 1, nb;
	struct ilb_conn *cp;
	bool gone = false;

	/* buckets holding ILB_EARLY_DROP_ENTRIES entries of a full table */
	nb = div_u64((u64)ILB_EARLY_DROP_ENTRIES << t->bits,
		     max(READ_ONCE(ilb_conn_max), 1U));
	nb = clamp_t(unsigned int, nb, ILB_EARLY_DROP_BUCKETS,
		     min(ILB_EARLY_DROP_BUCKETS_MAX, mask + 1));
	rcu_read_lock();
	for (i = 0; i < nb && !gone &&
	     seen < ILB_EARLY_DROP_ENTRIES; i++, b = (b + 1) & mask) {
		hlist_for_each_entry_rcu(cp, &t->orig[b], node[0]) {
			if ((ilb_conn_embryonic(READ_ONCE(cp->state)) ||
			     ilb_conn_expired(cp)) && ilb_conn_expire(in, t, cp)) {
				gone = true;
				break;
			}
			if (++seen >= ILB_EARLY_DROP_ENTRIES)
				break;
		}
	}
	rcu_read_unlock();
	if (gone)
		ilb_stat_inc(in, ILB_STAT_EARLY_DROP);
	return gone;
}

/*
 * Insert a new connection to @srv, made with persistence record @pr or NULL
 * (it takes over both references). If the same connection was inserted
 * meanwhile, that one is returned instead.
 */
struct ilb_conn *ilb_conn_create(struct ilb_net *in, struct ilb_conn_table *t,
				 struct ilb_service *svc,
				 struct ilb_server *srv,
				 struct ilb_persist *pr, __be32 caddr,
				 __be16 cport, const struct ilb_conn_owner *own,
				 int *err)
{
	struct ilb_conn *cp, *old, *won = NULL, *stale[2] = { NULL, NULL };
	struct mem_cgroup *memcg;
	u32 b0, b1;

	*err = 0;
	b0 = ilb_conn_hash(t, svc->proto, caddr, cport, svc->addr, svc->port);
	if (atomic_inc_return(&in->nconns) > READ_ONCE(ilb_conn_max) &&
	    !ilb_conn_early_drop(in, t, b0)) {
		atomic_dec(&in->nconns);
		ilb_server_put(srv);
		ilb_persist_put(pr);
		*err = -ENOSPC;
		return NULL;
	}
	memcg = ilb_memcg_enter(in);
	cp = kmem_cache_alloc(ilb_conn_cachep, GFP_ATOMIC);
	ilb_memcg_exit(memcg);
	if (!cp) {
		atomic_dec(&in->nconns);
		ilb_server_put(srv);
		ilb_persist_put(pr);
		*err = -ENOMEM;
		return NULL;
	}
	cp->srv = srv;
	cp->pr = pr;
	cp->proto = svc->proto;
	cp->caddr = caddr;
	cp->cport = cport;
	cp->vaddr = svc->addr;
	cp->vport = svc->port;
	cp->raddr = srv->addr;
	cp->rport = srv->port;
	cp->fwd = READ_ONCE(srv->fwd);
	cp->flags = cp->fwd == ILB_FWD_DR ? 0 : ILB_CONN_F_REPLY;
	cp->state = svc->proto == IPPROTO_TCP ? ILB_CS_SYN : ILB_CS_UDP;
	if (own && own->has_state)
		cp->state = own->state;
	cp->expires = jiffies + ilb_conn_timeout(in, cp->state);
	cp->role = own ? own->role : ILB_ROLE_LOCAL;
	cp->primary = own ? own->primary : 0;
	cp->backup = own ? own->backup : 0;
	cp->synced = jiffies;
	cp->isn = 0;
	if (cp->proto == IPPROTO_UDP)
		cp->born = (u32)jiffies;
	cp->lru_ref = 0;
	INIT_LIST_HEAD(&cp->lru);

	b1 = cp->flags & ILB_CONN_F_REPLY ? ilb_conn_bucket(t, cp, 1) : b0;
	rcu_read_lock();	/* stale[] outlives the bucket locks */
	ilb_lock2(t, b0, b1);
	hlist_for_each_entry(old, &t->orig[b0], node[0]) {
		if (old->caddr != caddr || old->cport != cport ||
		    old->vaddr != cp->vaddr || old->vport != cp->vport ||
		    old->proto != cp->proto)
			continue;
		if (ilb_conn_expired(old)) {
			stale[0] = old;
			continue;
		}
		won = old;
		break;
	}
	if (!won && (cp->flags & ILB_CONN_F_REPLY)) {
		hlist_for_each_entry(old, &t->reply[b1], node[1]) {
			if (old->raddr != cp->raddr || old->rport != cp->rport ||
			    old->caddr != caddr || old->cport != cport ||
			    old->proto != cp->proto)
				continue;
			if (ilb_conn_expired(old)) {
				stale[1] = old;
				continue;
			}
			/* Another VIP already maps this client to this server. */
			*err = -EADDRINUSE;
			break;
		}
	}
	if (!won && !*err) {
		ilb_conn_count(cp, 1);
		if (cp->role == ILB_ROLE_OWNED)
			atomic_inc(&in->nowned);
		hlist_add_head_rcu(&cp->node[0], &t->orig[b0]);
		if (cp->flags & ILB_CONN_F_REPLY)
			hlist_add_head_rcu(&cp->node[1], &t->reply[b1]);
	}
	ilb_unlock2(t, b0, b1);
	/*
	 * An expired entry of the same tuple is unhashed under its own
	 * bucket locks, which are not always the two held above.
	 */
	if (stale[0])
		ilb_conn_expire(in, t, stale[0]);
	if (stale[1])
		ilb_conn_expire(in, t, stale[1]);
	rcu_read_unlock();
	if (won || *err) {
		atomic_dec(&in->nconns);
		ilb_server_put(srv);
		ilb_persist_put(pr);
		kmem_cache_free(ilb_conn_cachep, cp);
		return won;
	}
	return cp;
}

/* The lock under which an entry's role and owners change (sync.c). */
spinlock_t *ilb_conn_lock_of(struct ilb_conn_table *t, struct ilb_conn *cp)
{
	return ilb_conn_lock(t, ilb_conn_bucket(t, cp, 0));
}

/*
 * Set the state a peer reported (sync), restarting its timeout. A report
 * of an earlier step of the handshake (it crossed ours) is not a step back.
 */
void ilb_conn_set_state(struct ilb_net *in, struct ilb_conn *cp, u8 state)
{
	u8 old = READ_ONCE(cp->state);

	if ((old == ILB_CS_ESTABLISHED &&
	     (state == ILB_CS_SYN || state == ILB_CS_SYN_RECV)) ||
	    (old == ILB_CS_SYN_RECV && state == ILB_CS_SYN) ||
	    (old == ILB_CS_UDP_STREAM && state == ILB_CS_UDP))
		state = old;
	if (state != old)
		ilb_conn_move(in, cp, state);
	WRITE_ONCE(cp->expires, jiffies + ilb_conn_timeout(in, state));
}

void ilb_conn_touch(struct ilb_net *in, struct ilb_conn *cp)
{
	unsigned long to = ilb_conn_timeout(in, READ_ONCE(cp->state));
	unsigned long exp = jiffies + to;

	/* Write only when it moved by more than a second: less bouncing. */
	if (time_after(exp, READ_ONCE(cp->expires) + HZ) ||
	    time_before(exp, READ_ONCE(cp->expires)))
		WRITE_ONCE(cp->expires, exp);
}

/*
 * TCP as seen from the middle. Where the server's replies pass here (NAT,
 * local), the handshake is complete only when the server's SYN-ACK was
 * seen and then the client's ACK of exactly that SYN-ACK (ISN + 1): a
 * spoofed SYN and ACK pair makes no ESTABLISHED entry, since the spoofer
 * never sees the server's ISN. (An entry whose SYN_RECV state a peer
 * reported, without the ISN, takes the client's ACK as it comes.) A
 * non-SYN segment of the server's also proves it: the server sends one
 * only once it has the client's ACK, or with TCP Fast Open data. For DR
 * the client's ACK must do. FIN or RST from either side closes the
 * connection.
 */
/* Does the client's @th acknowledge the server's SYN-ACK, if known? */
static bool ilb_conn_acks_isn(const struct ilb_conn *cp,
			      const struct tcphdr *th)
{
	if (!(READ_ONCE(cp->flags) & ILB_CONN_F_ISN))
		return true;	/* SYN_RECV as a peer reported it */
	smp_rmb();		/* F_ISN before isn */
	return ntohl(th->ack_seq) == READ_ONCE(cp->isn) + 1;
}

void ilb_conn_track_tcp(struct ilb_net *in, struct ilb_conn *cp, int dir,
			const struct tcphdr *th)
{
	u8 state = READ_ONCE(cp->state), next = state;

	if (th->rst) {
		next = ILB_CS_CLOSE;
	} else if (th->fin && state != ILB_CS_CLOSE) {
		next = ILB_CS_FIN;
	} else if (state == ILB_CS_SYN || state == ILB_CS_SYN_RECV) {
		if (dir && th->syn && th->ack) {
			/* for TCP, flags change here only */
			WRITE_ONCE(cp->isn, ntohl(th->seq));
			/* isn before F_ISN: see ilb_conn_acks_isn() */
			smp_wmb();
			WRITE_ONCE(cp->flags, cp->flags | ILB_CONN_F_ISN);
			next = ILB_CS_SYN_RECV;
		} else if (dir && th->ack && !th->syn) {
			next = ILB_CS_ESTABLISHED;
		} else if (!dir && th->ack && !th->syn) {
			if (cp->fwd == ILB_FWD_DR ||
			    (state == ILB_CS_SYN_RECV && ilb_conn_acks_isn(cp, th)))
				next = ILB_CS_ESTABLISHED;
			else
				ilb_stat_inc(in, ILB_STAT_BAD_ACK);
		}
	}
	if (next != state && ilb_conn_move(in, cp, next))
		WRITE_ONCE(cp->expires, jiffies + ilb_conn_timeout(in, next));
	else
		ilb_conn_touch(in, cp);
}

/*
 * UDP, as conntrack sees it: a flow is new, with a short timeout, until a
 * packet comes after a reply and at least ILB_UDP_STREAM_AFTER after the
 * flow began. A single query and its answer, which is what a spoofed flood
 * to a server that answers makes, stays new and may be dropped for a new
 * flow. DR replies bypass us: there any datagram that late must do.
 */
void ilb_conn_track_udp(struct ilb_net *in, struct ilb_conn *cp, int dir)
{
	u8 flags = READ_ONCE(cp->flags);

	if (READ_ONCE(cp->state) != ILB_CS_UDP)
		goto touch;
	if (dir && !(flags & ILB_CONN_F_REPLIED)) {
		/* flags change here only, for UDP */
		flags |= ILB_CONN_F_REPLIED;
		WRITE_ONCE(cp->flags, flags);
	}
	if ((cp->fwd == ILB_FWD_DR || (flags & ILB_CONN_F_REPLIED)) &&
	    (u32)jiffies - READ_ONCE(cp->born) >= ILB_UDP_STREAM_AFTER &&
	    ilb_conn_move(in, cp, ILB_CS_UDP_STREAM)) {
		WRITE_ONCE(cp->expires,
			   jiffies + ilb_conn_timeout(in, ILB_CS_UDP_STREAM));
		return;
	}
touch:
	ilb_conn_touch(in, cp);
}

/* Expire the entries of @svc (all of them if NULL), in process context. */
void ilb_conn_flush(struct ilb_net *in, struct ilb_service *svc)
{
	struct ilb_conn_table *t = rcu_dereference_protected(in->conns, 1);
	struct ilb_conn *cp;
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < (1U << t->bits); i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(cp, &t->orig[i], node[0])
			if (!svc || cp->srv->svc == svc)
				ilb_conn_expire(in, t, cp);
		rcu_read_unlock();
		if (!(i & 1023))
			cond_resched();
	}
}

/*
 * Call @fn on every live entry, in process context, a bucket at a time
 * under RCU: @fn may expire the entry or take its bucket's lock.
 */
void ilb_conn_walk(struct ilb_net *in,
		   void (*fn)(struct ilb_net *in, struct ilb_conn_table *t,
			      struct ilb_conn *cp, void *arg), void *arg)
{
	struct ilb_conn_table *t;
	struct ilb_conn *cp;
	unsigned int i, n;

	rcu_read_lock();
	t = rcu_dereference(in->conns);
	n = t ? 1U << t->bits : 0;
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		rcu_read_lock();
		t = rcu_dereference(in->conns);
		if (!t) {
			rcu_read_unlock();
			return;
		}
		hlist_for_each_entry_rcu(cp, &t->orig[i], node[0])
			if (READ_ONCE(cp->state) != ILB_CS_GONE &&
			    !ilb_conn_expired(cp))
				fn(in, t, cp, arg);
		rcu_read_unlock();
		if (!(i & 255))
			cond_resched();
	}
}

static void ilb_gc_work(struct work_struct *work)
{
	struct ilb_net *in = container_of(to_delayed_work(work),
					  struct ilb_net, gc_work);
	struct ilb_conn_table *t = rcu_dereference_protected(in->conns, 1);
	unsigned int n = 1U << t->bits, chunk = max(1U, n / ILB_GC_SLICES);
	unsigned int i, b = in->gc_next;
	struct ilb_conn *cp;

	for (i = 0; i < chunk; i++, b = (b + 1) & (n - 1)) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(cp, &t->orig[b], node[0])
			if (ilb_conn_expired(cp))
				ilb_conn_expire(in, t, cp);
		rcu_read_unlock();
		if (!(i & 1023))
			cond_resched();
	}
	in->gc_next = b;
	if (!READ_ONCE(in->gc_stop))
		queue_delayed_work(system_power_efficient_wq, &in->gc_work,
				   ILB_GC_INTERVAL);
}

/* Netns exit: the hooks are gone and the services flushed. */
void ilb_conn_table_free(struct ilb_net *in)
{
	struct ilb_conn_table *t = rcu_dereference_protected(in->conns, 1);

	if (!t)
		return;
	WRITE_ONCE(in->gc_stop, true);
	cancel_delayed_work_sync(&in->gc_work);
	ilb_conn_flush(in, NULL);
	RCU_INIT_POINTER(in->conns, NULL);
	synchronize_rcu();
	kvfree(t->orig);
	kvfree(t->reply);
	kvfree(t->locks);
	kfree(t);
}
