// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence records across the cluster (seed 001). A record is owned
 * like a connection, by the rendezvous hash of its key (masked client,
 * VIP, group): its primary makes it (persist.c's read-miss-create) and
 * sends it to its backup, reliably, on the sync channel. While
 * connections use it the primary refreshes the copy every half timeout;
 * when the last one ends it sends how long the record has been idle, so
 * the copy expires when the record does. On a view change records move
 * to their new owners as connections do (rules.c), so a backup promoted
 * by a failure holds every record of its new share.
 */
#include "persist.h"
#include "peer.h"
#include "rules.h"
#include "sync.h"
#include "sync_persist.h"

static void ilb_psync_rec(const struct ilb_persist *pr, struct ilb_prec *r,
			  u8 op)
{
	u32 ttl = max_t(u32, READ_ONCE(pr->timeout) / HZ, 1);

	memset(r, 0, sizeof(*r));
	r->op = op;
	r->proto = pr->proto;
	r->plen = pr->plen;
	r->family = ILB_WIRE_AF_INET;
	r->group = pr->group;
	r->idle = min_t(u32, min(ilb_persist_idle(pr), ttl), U16_MAX);
	r->ttl = min_t(u32, ttl, ILB_WIRE_PERSIST_TTL_MAX);
	r->primary = READ_ONCE(pr->primary);
	r->backup = READ_ONCE(pr->backup);
	if (r->backup == r->primary)
		r->backup = 0;
	memcpy(r->caddr, &pr->caddr, 4);
	memcpy(r->vaddr, &pr->vaddr, 4);
	memcpy(r->raddr, &pr->raddr, 4);
}

static void ilb_psync_to(struct ilb_cluster *cl, u32 id,
			 const struct ilb_prec *r, bool bulk)
{
	struct ilb_peer *p;

	if (!id || id == cl->id)
		return;
	p = ilb_cluster_member(cl, id);
	if (p)
		ilb_peer_queue_prec(cl, p, r, bulk);
}

void ilb_psync_send(struct ilb_cluster *cl, struct ilb_persist *pr, u8 op)
{
	struct ilb_prec r;

	ilb_psync_rec(pr, &r, op);
	if (!r.primary)
		return;		/* made before the join: the walk sends it */
	WRITE_ONCE(pr->synced, jiffies);
	ilb_psync_to(cl, r.primary, &r, false);
	ilb_psync_to(cl, r.backup, &r, false);
}

static void ilb_psync_key(const struct ilb_prec *r, struct ilb_persist_key *k)
{
	memcpy(&k->caddr, r->caddr, 4);
	memcpy(&k->vaddr, r->vaddr, 4);
	k->group = r->group;
	k->proto = r->proto;
	k->plen = r->plen;
}

void ilb_psync_rcv(struct ilb_cluster *cl, struct ilb_view *v,
		   const struct ilb_prec *r)
{
	struct ilb_owners_ref o;
	struct ilb_persist_key k;
	__be32 raddr;
	u8 role;

	if (r->family != ILB_WIRE_AF_INET || r->plen > 32) {
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);	/* no IPv6 yet */
		return;
	}
	ilb_psync_key(r, &k);
	memcpy(&raddr, r->raddr, 4);
	if (r->op == ILB_REC_END) {
		ilb_persist_uncopy(cl->in, &k, raddr);
		return;
	}
	/* the owners of the record's key in our view */
	ilb_cluster_owners(cl, v, NULL, k.caddr, 0, k.vaddr, k.group, &o);
	role = ilb_rule_role(cl->id, o.primary, o.backup, 0);
	if (role == ILB_ROLE_LOCAL)
		return;		/* not ours by our view: views differ */
	if (ilb_persist_copy(cl->in, &k, raddr, r->ttl * HZ,
			     min(r->idle, r->ttl) * HZ, role, o.primary,
			     o.backup))
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
}

/* Under the record's bucket lock (ilb_persist_walk()). */
static void ilb_psync_tick_one(struct ilb_net *in, struct ilb_persist *pr,
			       void *arg)
{
	struct ilb_cluster *cl = arg;
	unsigned long synced = READ_ONCE(pr->synced);
	unsigned long timeout = READ_ONCE(pr->timeout);

	if (pr->role != ILB_ROLE_OWNED || !READ_ONCE(pr->backup))
		return;
	if (ilb_persist_in_use(pr) ?
	    time_after(jiffies, synced + timeout / 2) :
	    /* it became idle after we last sent it: say since when */
	    time_before(synced, READ_ONCE(pr->expires) - timeout))
		ilb_psync_send(cl, pr, ILB_REC_ADD);
}

void ilb_psync_tick(struct ilb_cluster *cl)
{
	ilb_persist_walk(cl->in, ilb_psync_tick_one, cl);
}

struct ilb_psync_walk {
	struct ilb_cluster *cl;
	struct ilb_view *v;
	bool leaving;
};

static void ilb_psync_walk_one(struct ilb_net *in, struct ilb_persist *pr,
			       void *arg)
{
	struct ilb_psync_walk *w = arg;
	struct ilb_cluster *cl = w->cl;
	struct ilb_owners_ref o;
	struct ilb_prec r;
	struct ilb_xfer x;
	unsigned int i;
	u8 role;

	if (w->leaving) {
		/* this node alone again: it keeps what it holds */
		WRITE_ONCE(pr->role, ILB_ROLE_LOCAL);
		WRITE_ONCE(pr->primary, 0);
		WRITE_ONCE(pr->backup, 0);
		return;
	}
	ilb_cluster_owners(cl, w->v, NULL, pr->caddr, 0, pr->vaddr, pr->group,
			   &o);
	ilb_sync_xfer_init(cl, w->v, &x, pr->role, pr->primary, pr->backup,
			   &o);
	role = ilb_rule_role(cl->id, o.primary, o.backup, 0);
	WRITE_ONCE(pr->primary, o.primary);
	WRITE_ONCE(pr->backup, o.backup);
	if (x.send) {
		ilb_psync_rec(pr, &r, ILB_REC_ADD);
		for (i = 0; i < ARRAY_SIZE(x.to); i++) {
			if (!x.to[i])
				continue;
			ilb_psync_to(cl, x.to[i], &r, true);
			ilb_cls_inc(cl, ILB_CLS_TRANSFERRED);
		}
		WRITE_ONCE(pr->synced, jiffies);
	}
	if (role != ILB_ROLE_LOCAL) {
		WRITE_ONCE(pr->role, role);
	} else if (ilb_persist_in_use(pr)) {
		/* no longer ours; its connections here keep it a while */
		WRITE_ONCE(pr->role, ILB_ROLE_CACHE);
	} else {
		ilb_persist_drop(in, pr);
	}
}

void ilb_psync_view_change(struct ilb_cluster *cl, struct ilb_view *v,
			   bool leaving)
{
	struct ilb_psync_walk w = { .cl = cl, .v = v, .leaving = leaving };

	ilb_persist_walk(cl->in, ilb_psync_walk_one, &w);
}
