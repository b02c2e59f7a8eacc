// SPDX-License-Identifier: GPL-2.0
/*
 * Association sync (seed 000, figures 4, 6 and 7). The primary owner of a
 * new connection sends its association to the backup (and, targeted, to
 * the ingress member; broadcast, to every member). Whoever handles a
 * connection's packets reports its state changes to both owners. A view
 * change walks the table: entries move to their new owners (transfer
 * tables), backups of a dead primary become owners, and every node keeps
 * only what its role says it should.
 */
#include "cache.h"
#include "cluster.h"
#include "conn.h"
#include "peer.h"
#include "rules.h"
#include "service.h"
#include "sync.h"
#include "sync_count.h"
#include "sync_persist.h"

/* When @cp last saw a packet (jiffies). */
static unsigned long ilb_conn_seen(struct ilb_net *in, const struct ilb_conn *cp)
{
	return READ_ONCE(cp->expires) -
	       ilb_conn_timeout(in, READ_ONCE(cp->state));
}

static void ilb_rec_put4(u8 *a, __be32 addr)
{
	memset(a, 0, 16);
	memcpy(a, &addr, sizeof(addr));
}

static __be32 ilb_rec_get4(const u8 *a)
{
	__be32 addr;

	memcpy(&addr, a, sizeof(addr));
	return addr;
}

void ilb_sync_rec_from_conn(struct ilb_net *in, struct ilb_rec *r,
			    const struct ilb_conn *cp, u8 op)
{
	unsigned long idle = jiffies - ilb_conn_seen(in, cp);

	if ((long)idle < 0)
		idle = 0;
	r->idle = min_t(unsigned long, idle / HZ, U16_MAX);
	r->op = op;
	r->proto = cp->proto;
	/* a snapshot: a gone entry's record fails ilb_wire_rec_check() */
	r->state = READ_ONCE(cp->state);
	r->fwd = cp->fwd;
	r->family = ILB_WIRE_AF_INET;
	ilb_rec_put4(r->caddr, cp->caddr);
	ilb_rec_put4(r->vaddr, cp->vaddr);
	ilb_rec_put4(r->raddr, cp->raddr);
	r->cport = cp->cport;
	r->vport = cp->vport;
	r->rport = cp->rport;
	r->primary = READ_ONCE(cp->primary);
	r->backup = READ_ONCE(cp->backup);
	/* read across a role change: never claim one member as both */
	if (r->backup == r->primary)
		r->backup = 0;
}

/* Why a record goes to a member: what may stop it. */
enum ilb_sync_why {
	ILB_SYNC_OWNER,		/* it owns or backs up the connection */
	ILB_SYNC_CACHE,		/* a cache fill: not if it keeps no cache */
	ILB_SYNC_BULK,		/* a transfer: the walk may queue far more */
};

static void ilb_sync_to(struct ilb_cluster *cl, u32 id,
			const struct ilb_rec *r, enum ilb_sync_why why)
{
	struct ilb_peer *p;

	if (!id || id == cl->id)
		return;
	p = ilb_cluster_member(cl, id);
	if (!p || (why == ILB_SYNC_CACHE && READ_ONCE(p->nocache)))
		return;
	ilb_peer_queue(cl, p, r, why == ILB_SYNC_BULK);
}

/* To every member in the view but self and the two already sent. */
static void ilb_sync_others(struct ilb_cluster *cl, const struct ilb_rec *r)
{
	struct ilb_view *v = rcu_dereference(cl->view);
	unsigned int i;

	for (i = 0; i < v->set.n; i++) {
		struct ilb_peer *p = v->peer[i];

		if (p && p->id != r->primary && p->id != r->backup &&
		    !READ_ONCE(p->nocache))
			ilb_peer_queue(cl, p, r, false);
	}
}

/* A connection this node just scheduled (RCU read side). */
void ilb_sync_new_conn(struct ilb_cluster *cl, struct ilb_conn *cp,
		       const struct ilb_owners_ref *o, u32 ingress)
{
	struct ilb_rec r;

	ilb_sync_rec_from_conn(cl->in, &r, cp, ILB_REC_ADD);
	ilb_sync_to(cl, r.primary, &r, ILB_SYNC_OWNER);
	ilb_sync_to(cl, r.backup, &r, ILB_SYNC_OWNER);
	/* a node serving locally cannot be bypassed: nobody caches it */
	if (cp->fwd == ILB_FWD_LOCAL || !READ_ONCE(cl->cache_max))
		return;
	if (READ_ONCE(cl->sync) == ILB_SYNC_BROADCAST)
		ilb_sync_others(cl, &r);
	else if (ingress != r.primary && ingress != r.backup)
		ilb_sync_to(cl, ingress, &r, ILB_SYNC_CACHE);
}

/*
 * A member forwarded us a packet of a connection we know: it is an
 * ingress without the association (ECMP moved the flow, or it never had
 * it). Teach it, so the next packets go straight to the server.
 */
void ilb_sync_teach(struct ilb_cluster *cl, struct ilb_conn *cp, u32 to)
{
	struct ilb_rec r;

	if (cp->fwd == ILB_FWD_LOCAL || to == READ_ONCE(cp->primary) ||
	    to == READ_ONCE(cp->backup))
		return;
	ilb_sync_rec_from_conn(cl->in, &r, cp, ILB_REC_ADD);
	ilb_sync_to(cl, to, &r, ILB_SYNC_CACHE);
}

static bool ilb_closing(u8 state)
{
	return state == ILB_CS_FIN || state == ILB_CS_CLOSE;
}

/*
 * After a packet of @cp was handled here: report a close (END), an
 * established connection or a replied UDP flow (ADD) to its owners, and
 * refresh them every half timeout so their copies outlive idle periods as
 * long as ours does. A server's SYN-ACK seen here, not on the owner, is
 * reported to the owner: it establishes the connection on the client's ACK.
 */
void ilb_sync_seen(struct ilb_cluster *cl, struct ilb_conn *cp, u8 old_state)
{
	u8 state = READ_ONCE(cp->state);
	u32 now = (u32)jiffies, last = READ_ONCE(cp->synced);
	struct ilb_rec r;
	u8 op;

	if (state == old_state) {
		u32 half = ilb_conn_timeout(cl->in, state) / 2;

		if (ilb_closing(state) || now - last < half)
			return;
		op = ILB_REC_ADD;
	} else if (ilb_closing(state) && !ilb_closing(old_state)) {
		op = ILB_REC_END;
	} else if (state == ILB_CS_ESTABLISHED ||
		   state == ILB_CS_UDP_STREAM) {
		op = ILB_REC_ADD;
	} else if (state == ILB_CS_SYN_RECV &&
		   READ_ONCE(cp->role) != ILB_ROLE_OWNED) {
		WRITE_ONCE(cp->synced, now);
		ilb_sync_rec_from_conn(cl->in, &r, cp, ILB_REC_ADD);
		ilb_sync_to(cl, r.primary, &r, ILB_SYNC_OWNER);
		return;
	} else {
		return;
	}
	WRITE_ONCE(cp->synced, now);
	ilb_sync_rec_from_conn(cl->in, &r, cp, op);
	ilb_sync_to(cl, r.primary, &r, ILB_SYNC_OWNER);
	ilb_sync_to(cl, r.backup, &r, ILB_SYNC_OWNER);
	if (op == ILB_REC_END && READ_ONCE(cl->sync) == ILB_SYNC_BROADCAST)
		ilb_sync_others(cl, &r);
}

/*
 * Change what this node's entry is for (cluster view changes, sync).
 * Under the entry's bucket lock, so the owned count stays exact. Returns
 * the previous role, or -ENOENT if the entry is gone.
 */
static int ilb_conn_set_role(struct ilb_net *in, struct ilb_conn_table *t,
			     struct ilb_conn *cp, u8 role, u32 primary,
			     u32 backup)
{
	spinlock_t *l = ilb_conn_lock_of(t, cp);
	u8 old;

	spin_lock_bh(l);
	old = cp->role;
	if (cp->state == ILB_CS_GONE) {
		spin_unlock_bh(l);
		return -ENOENT;
	}
	ilb_conn_set_role_locked(in, cp, role);
	WRITE_ONCE(cp->primary, primary);
	WRITE_ONCE(cp->backup, backup);
	spin_unlock_bh(l);
	return old;
}

/* What this node keeps of a connection with owners @o. */
static u8 ilb_sync_role(struct ilb_cluster *cl, const struct ilb_owners_ref *o,
			u8 fwd)
{
	return ilb_rule_role(cl->id, o->primary, o->backup,
			     fwd != ILB_FWD_LOCAL &&
			     READ_ONCE(cl->cache_max));
}

static void ilb_sync_keep(struct ilb_cluster *cl, struct ilb_conn_table *t,
			  struct ilb_conn *cp, u8 role,
			  const struct ilb_owners_ref *o)
{
	struct ilb_net *in = cl->in;

	if (role == ILB_ROLE_LOCAL) {
		ilb_conn_expire(in, t, cp);
		return;
	}
	if (ilb_conn_set_role(in, t, cp, role, o->primary, o->backup) < 0)
		return;
	if (role == ILB_ROLE_CACHE)
		ilb_cache_add(in, t, cp, READ_ONCE(cl->cache_max));
	else
		ilb_cache_del(in, cp);
}

/* A record of an IPv4 connection, as the connection table keys it. */
struct ilb_rec4 {
	u8 op, proto, state, fwd;
	u16 idle;
	__be32 caddr, vaddr, raddr;
	__be16 cport, vport, rport;
};

/* One record from a member (softirq, RCU read side). */
static void ilb_sync_apply(struct ilb_cluster *cl, struct ilb_conn_table *t,
			   struct ilb_view *v, const struct ilb_rec *rec)
{
	struct ilb_net *in = cl->in;
	struct ilb_rec4 r4, *r = &r4;
	struct ilb_conn_owner own;
	struct ilb_owners_ref o;
	struct ilb_service *svc;
	struct ilb_server *srv;
	unsigned long seen;
	struct ilb_conn *cp;
	int dir, err;
	u8 role;

	if (rec->family != ILB_WIRE_AF_INET) {
		/* no IPv6 connections yet */
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
		return;
	}
	r4.op = rec->op;
	r4.proto = rec->proto;
	r4.state = rec->state;
	r4.fwd = rec->fwd;
	r4.idle = rec->idle;
	r4.caddr = ilb_rec_get4(rec->caddr);
	r4.vaddr = ilb_rec_get4(rec->vaddr);
	r4.raddr = ilb_rec_get4(rec->raddr);
	r4.cport = rec->cport;
	r4.vport = rec->vport;
	r4.rport = rec->rport;
	cp = ilb_conn_lookup(t, r->proto, r->caddr, r->cport, r->vaddr,
			     r->vport, &dir);
	if (cp && dir)
		return;
	if (r->op == ILB_REC_END) {
		/* only for the connection it names: same server */
		if (cp && cp->raddr == r->raddr && cp->rport == r->rport)
			ilb_conn_set_state(in, cp, r->state);
		return;
	}
	svc = ilb_service_find(in, r->proto, r->vaddr, r->vport, NULL);
	ilb_cluster_owners(cl, v, svc, r->caddr, r->cport, r->vaddr, r->vport,
			   &o);
	role = ilb_sync_role(cl, &o, r->fwd);
	seen = jiffies - (unsigned long)r->idle * HZ;
	if (cp && time_before(seen, ilb_conn_seen(in, cp))) {
		/* ours is fresher: keep it, only take the roles */
		ilb_sync_keep(cl, t, cp, role, &o);
		return;
	}
	if (cp && (cp->raddr != r->raddr || cp->rport != r->rport)) {
		/* the same tuple, used again elsewhere more recently */
		ilb_conn_expire(in, t, cp);
		cp = NULL;
	}
	if (!cp) {
		if (role == ILB_ROLE_LOCAL)
			return;
		srv = svc ? ilb_server_find(svc, r->raddr, r->rport) : NULL;
		if (!srv || !refcount_inc_not_zero(&srv->refcnt)) {
			/* configurations differ between members */
			ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
			return;
		}
		own.role = role;
		own.has_state = true;
		own.state = r->state;
		own.primary = o.primary;
		own.backup = o.backup;
		cp = ilb_conn_create(in, t, svc, srv, NULL, r->caddr, r->cport,
				     &own, &err);
		if (!cp)
			return;
	}
	ilb_conn_set_state(in, cp, r->state);
	/* its idle clock goes on from where the sender's copy was */
	WRITE_ONCE(cp->expires,
		   seen + ilb_conn_timeout(in, READ_ONCE(cp->state)));
	WRITE_ONCE(cp->synced, (u32)jiffies);
	ilb_sync_keep(cl, t, cp, role, &o);
}

/*
 * A sync message from @p, authenticated and fresh (softirq). The next in
 * order of the current session is applied; a later session is taken at
 * its first message. Anything else is not applied and answered with a
 * nak naming our session, which tells the sender to start a new one.
 */
void ilb_sync_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		  const struct ilb_msg *m)
{
	struct ilb_conn_table *t = rcu_dereference(cl->in->conns);
	struct ilb_view *v = rcu_dereference(cl->view);
	struct ilb_prec pr;
	u32 off = 0;
	struct ilb_rec r;
	bool apply;

	spin_lock(&p->lock);
	if (m->sync.session == p->rx_session) {
		apply = m->sync.seq == p->rx_next;
		if (apply)
			p->rx_next++;
	} else if (m->sync.session > p->rx_session && m->sync.seq == 1) {
		p->rx_session = m->sync.session;
		p->rx_next = 2;
		apply = true;
	} else {
		apply = false;
		p->nak_due = true;
	}
	if (!p->ack_due)
		p->ack_at = jiffies;
	p->ack_due = true;
	spin_unlock(&p->lock);
	if (m->sync.has_ack)
		ilb_peer_ack_rcv(cl, p, &m->sync.ack);
	ilb_cluster_ack_kick(cl);
	if (m->sync.nunknown)
		ilb_cls_add(cl, ILB_CLS_REC_UNKNOWN, m->sync.nunknown);
	if (!apply || !t || !v)
		return;
	ilb_cls_inc(cl, ILB_CLS_SYNC_RX);
	while (ilb_wire_conn_next(m, &off, &r))
		ilb_sync_apply(cl, t, v, &r);
	off = 0;
	while (ilb_wire_persist_next(m, &off, &pr))
		ilb_psync_rcv(cl, v, &pr);
	if (m->sync.ncount)
		ilb_csync_rcv(cl, p, m);
	ilb_cls_add(cl, ILB_CLS_RECS_RX, m->sync.nconn + m->sync.npersist +
		    m->sync.ncount);
}

struct ilb_walk {
	struct ilb_cluster *cl;
	struct ilb_view *v;
	bool leaving;
	unsigned long stale_before;	/* jiffies; 0: keep everything */
};

/* Index of member @id in @v, or -1. */
static int ilb_view_index(const struct ilb_view *v, u32 id)
{
	unsigned int i;

	for (i = 0; i < v->set.n; i++)
		if (v->m[i].id == id)
			return i;
	return -1;
}

/* Does @id (in view @v) still hold what it held before the change? */
static bool ilb_view_holds(const struct ilb_view *v, u32 id)
{
	int i = ilb_view_index(v, id);

	return i >= 0 && !(v->reset & (1ULL << i));
}

/* The transfer plan of a holder of an entry (rules.c) in view @v. */
void ilb_sync_xfer_init(struct ilb_cluster *cl, struct ilb_view *v,
			struct ilb_xfer *x, u8 old_role, u32 p0, u32 b0,
			const struct ilb_owners_ref *o)
{
	x->me = cl->id;
	x->old_role = old_role;
	x->p0 = p0;
	x->b0 = b0;
	x->p0_holds = ilb_view_holds(v, p0);
	x->b0_holds = ilb_view_holds(v, b0);
	x->primary = o->primary;
	x->backup = o->backup;
	ilb_xfer_plan(x);
}

static void ilb_sync_walk_one(struct ilb_net *in, struct ilb_conn_table *t,
			      struct ilb_conn *cp, void *arg)
{
	struct ilb_walk *w = arg;
	struct ilb_cluster *cl = w->cl;
	struct ilb_owners_ref o;
	struct ilb_xfer x;
	struct ilb_rec r;
	unsigned int i;
	u8 role;

	if (w->leaving) {
		if (cp->role == ILB_ROLE_CACHE)
			ilb_conn_expire(in, t, cp);
		else
			ilb_conn_set_role(in, t, cp, ILB_ROLE_LOCAL, 0, 0);
		return;
	}
	/*
	 * Back from being cut off from every member: what saw no packet
	 * since then is stale (the others went on without us: it may have
	 * closed, or be served by another server under the same tuple).
	 * Whoever kept it alive sends it to us.
	 */
	if (w->stale_before &&
	    time_before(ilb_conn_seen(in, cp), w->stale_before)) {
		ilb_conn_expire(in, t, cp);
		return;
	}
	ilb_cluster_owners(cl, w->v, cp->srv->svc, cp->caddr, cp->cport,
			   cp->vaddr, cp->vport, &o);
	ilb_sync_xfer_init(cl, w->v, &x, READ_ONCE(cp->role),
			   READ_ONCE(cp->primary), READ_ONCE(cp->backup), &o);
	role = ilb_sync_role(cl, &o, cp->fwd);
	if (x.send) {
		WRITE_ONCE(cp->primary, o.primary);
		WRITE_ONCE(cp->backup, o.backup);
		ilb_sync_rec_from_conn(cl->in, &r, cp, ILB_REC_ADD);
		for (i = 0; i < ARRAY_SIZE(x.to); i++) {
			if (!x.to[i])
				continue;
			ilb_sync_to(cl, x.to[i], &r, ILB_SYNC_BULK);
			ilb_cls_inc(cl, ILB_CLS_TRANSFERRED);
		}
	}
	if (role == ILB_ROLE_OWNED && x.old_role != ILB_ROLE_OWNED &&
	    x.old_role != ILB_ROLE_LOCAL)
		ilb_cls_inc(cl, ILB_CLS_PROMOTED);
	ilb_sync_keep(cl, t, cp, role, &o);
}

/*
 * The view changed to @v (NULL and @leaving: the node left). Process
 * context; the data path keeps running meanwhile.
 */
void ilb_sync_view_change(struct ilb_cluster *cl, struct ilb_view *v,
			  bool leaving, unsigned long stale_before)
{
	struct ilb_walk w = {
		.cl = cl, .v = v, .leaving = leaving,
		.stale_before = stale_before,
	};

	ilb_conn_walk(cl->in, ilb_sync_walk_one, &w);
	ilb_psync_view_change(cl, v, leaving);
}
