// SPDX-License-Identifier: GPL-2.0
/*
 * Connection counts across the cluster (seed 001): lc, wlc and max-conns
 * decide on the sum over the members of the connections each one owns.
 *
 * Each member counts, per server, the connections it owns or serves
 * alone (conn.c: own_active, own_inactive). Once per heartbeat interval
 * it sends every other member, on the reliable sync channel, a COUNT
 * record for each server whose counts moved since the last round: the
 * absolute values, so a record is never applied twice into a wrong sum.
 * Every ILB_CSYNC_FULL_EVERY rounds, and to a member whose channel
 * restarted, it sends them all. A receiver keeps each member's last
 * values by member slot (srv->peer[]) and their sum (cl_active,
 * cl_inactive); a member that leaves the view is taken out of the sums.
 * What a receiver sees is at most one heartbeat interval and one trip
 * old: the bound on how far max-conns can overshoot.
 */
#include "service.h"
#include "peer.h"
#include "sync_count.h"

static u64 ilb_csync_pack(u32 active, u32 inactive)
{
	return (u64)active << 32 | inactive;
}

static void ilb_csync_rec(const struct ilb_server *srv, u64 v,
			  struct ilb_crec *r)
{
	memset(r, 0, sizeof(*r));
	r->proto = srv->svc->proto;
	r->family = ILB_WIRE_AF_INET;
	r->vport = srv->svc->port;
	r->rport = srv->port;
	r->active = min_t(u32, v >> 32, ILB_WIRE_COUNT_MAX);
	r->inactive = min_t(u32, (u32)v, ILB_WIRE_COUNT_MAX);
	memcpy(r->vaddr, &srv->svc->addr, 4);
	memcpy(r->raddr, &srv->addr, 4);
}

void ilb_csync_tick(struct ilb_cluster *cl)
{
	struct ilb_peer *to[ILB_CLUSTER_MAX_MEMBERS];
	bool full[ILB_CLUSTER_MAX_MEMBERS];
	struct ilb_net *in = cl->in;
	struct ilb_service *svc;
	struct ilb_server *srv;
	unsigned int i, j, n = 0;
	struct ilb_view *v;
	bool all, any;
	struct ilb_crec r;
	u64 cur;

	all = !(++cl->csync_round % ILB_CSYNC_FULL_EVERY);
	any = all;
	rcu_read_lock();
	v = rcu_dereference(cl->view);
	for (i = 0; v && i < v->set.n; i++) {
		if (!v->peer[i])
			continue;	/* this node */
		to[n] = v->peer[i];
		full[n] = all || READ_ONCE(to[n]->count_full);
		if (full[n])
			WRITE_ONCE(to[n]->count_full, false);
		any |= full[n++];
	}
	for (i = 0; n && i < ARRAY_SIZE(in->svc_table); i++) {
		hlist_for_each_entry_rcu(svc, &in->svc_table[i], hnode) {
			list_for_each_entry_rcu(srv, &svc->servers, list) {
				cur = ilb_csync_pack(atomic_read(&srv->own_active),
						     atomic_read(&srv->own_inactive));
				if (cur == srv->sent && !any)
					continue;
				ilb_csync_rec(srv, cur, &r);
				for (j = 0; j < n; j++) {
					if (cur == srv->sent && !full[j])
						continue;
					/* lost: all of them again next round */
					if (!ilb_peer_queue_crec(cl, to[j], &r))
						WRITE_ONCE(to[j]->count_full,
							   true);
				}
				srv->sent = cur;
			}
		}
	}
	rcu_read_unlock();
}

void ilb_csync_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		   const struct ilb_msg *m)
{
	struct ilb_service *svc;
	struct ilb_server *srv;
	__be32 vaddr, raddr;
	struct ilb_crec r;
	u32 off = 0;
	u64 old;

	/* a member out of the view is out of the sums (ilb_csync_forget) */
	if (READ_ONCE(p->state) != ILB_MEMBER_ALIVE)
		return;
	while (ilb_wire_count_next(m, &off, &r)) {
		if (r.family != ILB_WIRE_AF_INET)
			continue;	/* no IPv6 services yet */
		memcpy(&vaddr, r.vaddr, 4);
		memcpy(&raddr, r.raddr, 4);
		svc = ilb_service_find(cl->in, r.proto, vaddr, r.vport, NULL);
		srv = svc ? ilb_server_find(svc, raddr, r.rport) : NULL;
		if (!srv)
			continue;	/* configurations differ for a while */
		old = atomic64_xchg(&srv->peer[p->slot],
				    ilb_csync_pack(r.active, r.inactive));
		atomic_add(r.active - (u32)(old >> 32), &srv->cl_active);
		atomic_add(r.inactive - (u32)old, &srv->cl_inactive);
	}
}

static void ilb_csync_zero(struct ilb_server *srv, unsigned int slot)
{
	u64 old = atomic64_xchg(&srv->peer[slot], 0);

	atomic_sub(old >> 32, &srv->cl_active);
	atomic_sub((u32)old, &srv->cl_inactive);
}

/* For each server of @in: zero slot @slot, or all slots if @slot < 0. */
static void ilb_csync_zero_all(struct ilb_net *in, int slot)
{
	struct ilb_service *svc;
	struct ilb_server *srv;
	unsigned int i, s;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(in->svc_table); i++) {
		hlist_for_each_entry_rcu(svc, &in->svc_table[i], hnode) {
			list_for_each_entry_rcu(srv, &svc->servers, list) {
				if (slot >= 0) {
					ilb_csync_zero(srv, slot);
					continue;
				}
				for (s = 0; s < ILB_CLUSTER_MAX_MEMBERS; s++)
					ilb_csync_zero(srv, s);
				srv->sent = 0;
			}
		}
	}
	rcu_read_unlock();
}

void ilb_csync_forget(struct ilb_net *in, unsigned int slot)
{
	ilb_csync_zero_all(in, slot);
}

void ilb_csync_forget_all(struct ilb_net *in)
{
	ilb_csync_zero_all(in, -1);
}
