// SPDX-License-Identifier: GPL-2.0
/*
 * Schedulers: rr, wrr, lc, wlc and sh. Each picks a server from the
 * service's current destination set (servers up, weight > 0), skipping
 * a server at its max-conns (ilb_server_overloaded), or NULL if all are.
 * lc and wlc count connections across the cluster (sync_count.c).
 */
#include <linux/gcd.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "ilb.h"
#include "owner.h"
#include "sched.h"
#include "service.h"

const char *const ilb_sched_names[__ILB_SCHED_MAX] = {
	[ILB_SCHED_RR] = "rr",
	[ILB_SCHED_WRR] = "wrr",
	[ILB_SCHED_LC] = "lc",
	[ILB_SCHED_WLC] = "wlc",
	[ILB_SCHED_SH] = "sh",
	[ILB_SCHED_MH] = "mh",
};

/* Hashing schedulers use a fixed key: every node must choose alike. */
const siphash_key_t ilb_sched_key = {
	{ 0x696c622d73636865ULL, 0x642d6b6579210001ULL }
};

/* The gcd and the largest of the weights of a (non-empty) set. */
u32 ilb_dests_weight_gcd(const struct ilb_dest_set *ds, u32 *maxw)
{
	u32 g = 0, m = 0, i;

	for (i = 0; i < ds->n; i++) {
		g = g ? gcd(g, ds->srv[i]->weight) : ds->srv[i]->weight;
		m = max(m, ds->srv[i]->weight);
	}
	*maxw = m;
	return g;
}

static unsigned int ilb_rr_next(struct ilb_service *svc, unsigned int n)
{
	return (unsigned int)atomic_inc_return(&svc->rr_pos) % n;
}

/* The first server from position @start on that takes connections. */
static struct ilb_server *ilb_first_avail(struct ilb_dest_set *ds,
					  unsigned int start)
{
	struct ilb_server *srv;
	unsigned int i;

	for (i = 0; i < ds->n; i++) {
		srv = ds->srv[(start + i) % ds->n];
		if (!ilb_server_overloaded(srv))
			return srv;
	}
	return NULL;
}

static struct ilb_server *ilb_rr_pick(struct ilb_service *svc,
				      struct ilb_dest_set *ds,
				      __be32 saddr, __be16 sport)
{
	return ilb_first_avail(ds, ilb_rr_next(svc, ds->n));
}

/*
 * wrr: one full cycle of the interleaved weighted round robin, as IPVS
 * walks it (current weight from the largest down by the gcd), stored as
 * an array of indices so that picking is a lock-free counter.
 */
#define ILB_WRR_MAX_CYCLE	65536

struct ilb_wrr_table {
	unsigned int len;
	u16 idx[];
};

static int ilb_wrr_build(struct ilb_service *svc, struct ilb_dest_set *ds)
{
	unsigned long total = 0, len = 0, cw;
	u32 w[256], maxw, g, *wp = w;
	struct ilb_wrr_table *t;
	unsigned int i;

	if (ds->n > U16_MAX)
		return -E2BIG;
	if (ds->n > ARRAY_SIZE(w)) {
		wp = kvmalloc_array(ds->n, sizeof(*wp), ILB_GFP_CFG);
		if (!wp)
			return -ENOMEM;
	}
	g = ilb_dests_weight_gcd(ds, &maxw);
	for (i = 0; i < ds->n; i++) {
		wp[i] = ds->srv[i]->weight / g;
		total += wp[i];
	}
	/* Keep the cycle bounded; weights are then approximated. */
	maxw = 0;
	for (i = 0; i < ds->n; i++) {
		if (total > ILB_WRR_MAX_CYCLE)
			wp[i] = max_t(u64, 1, (u64)wp[i] * ILB_WRR_MAX_CYCLE / total);
		maxw = max(maxw, wp[i]);
	}
	for (cw = maxw; cw > 0; cw--)
		for (i = 0; i < ds->n; i++)
			len += wp[i] >= cw;
	t = kvmalloc(struct_size(t, idx, len), ILB_GFP_CFG);
	if (!t) {
		if (wp != w)
			kvfree(wp);
		return -ENOMEM;
	}
	t->len = 0;
	for (cw = maxw; cw > 0; cw--)
		for (i = 0; i < ds->n; i++)
			if (wp[i] >= cw)
				t->idx[t->len++] = i;
	if (wp != w)
		kvfree(wp);
	ds->sched_data = t;
	return 0;
}

static struct ilb_server *ilb_wrr_pick(struct ilb_service *svc,
				       struct ilb_dest_set *ds,
				       __be32 saddr, __be16 sport)
{
	struct ilb_wrr_table *t = ds->sched_data;
	unsigned int pos = ilb_rr_next(svc, t->len), i;
	struct ilb_server *srv;

	/* a few more steps of the cycle, then any server under its limit */
	for (i = 0; i < min(t->len, ds->n); i++) {
		srv = ds->srv[t->idx[(pos + i) % t->len]];
		if (!ilb_server_overloaded(srv))
			return srv;
	}
	return ilb_first_avail(ds, pos);
}

/*
 * IPVS's measure of load: established connections weigh 256 times more.
 * Those of the whole cluster: the ones this node owns or serves alone,
 * and what the other members reported at their last heartbeat.
 */
static u64 ilb_overhead(const struct ilb_server *srv)
{
	return ((u64)ilb_server_cl_active(srv) << 8) +
	       ilb_server_cl_inactive(srv);
}

/* lc and wlc start at a rotating position so ties spread out. */
static struct ilb_server *ilb_lc_scan(struct ilb_service *svc,
				      struct ilb_dest_set *ds, bool weighted)
{
	unsigned int i, start = ilb_rr_next(svc, ds->n);
	struct ilb_server *best = NULL, *srv;
	u64 boh = 0, oh;

	for (i = 0; i < ds->n; i++) {
		srv = ds->srv[(start + i) % ds->n];
		if (ilb_server_overloaded(srv))
			continue;
		oh = ilb_overhead(srv);
		if (!best ||
		    (weighted ? oh * READ_ONCE(best->weight) <
				boh * READ_ONCE(srv->weight) : oh < boh)) {
			best = srv;
			boh = oh;
		}
	}
	return best;
}

static struct ilb_server *ilb_lc_pick(struct ilb_service *svc,
				      struct ilb_dest_set *ds,
				      __be32 saddr, __be16 sport)
{
	return ilb_lc_scan(svc, ds, false);
}

static struct ilb_server *ilb_wlc_pick(struct ilb_service *svc,
				       struct ilb_dest_set *ds,
				       __be32 saddr, __be16 sport)
{
	return ilb_lc_scan(svc, ds, true);
}

/*
 * sh: weighted rendezvous hashing of the client address over the servers,
 * so a client stays on its server and a removal moves only that server's
 * clients. A server at its limit is passed over: its clients go to their
 * next choice meanwhile. (mh falls back on it for the same.)
 */
struct ilb_server *ilb_sh_pick(struct ilb_service *svc,
			       struct ilb_dest_set *ds,
			       __be32 saddr, __be16 sport)
{
	struct ilb_server *best = NULL, *srv;
	u64 bcost = 0, cost;
	unsigned int i;

	for (i = 0; i < ds->n; i++) {
		srv = ds->srv[i];
		if (ilb_server_overloaded(srv))
			continue;
		cost = ilb_neglog2_q32((u32)siphash_3u32((__force u32)saddr,
							 (__force u32)srv->addr,
							 (__force u32)srv->port,
							 &ilb_sched_key));
		if (!best || cost * best->weight < bcost * srv->weight) {
			best = srv;
			bcost = cost;
		}
	}
	return best;
}

static const struct ilb_sched_ops ilb_sched_rr_ops = {
	.name = "rr",
	.pick = ilb_rr_pick,
};

static const struct ilb_sched_ops ilb_sched_wrr_ops = {
	.name = "wrr",
	.build = ilb_wrr_build,
	.pick = ilb_wrr_pick,
};

static const struct ilb_sched_ops ilb_sched_lc_ops = {
	.name = "lc",
	.pick = ilb_lc_pick,
};

static const struct ilb_sched_ops ilb_sched_wlc_ops = {
	.name = "wlc",
	.pick = ilb_wlc_pick,
};

static const struct ilb_sched_ops ilb_sched_sh_ops = {
	.name = "sh",
	.pick = ilb_sh_pick,
};

const struct ilb_sched_ops *const ilb_sched_ops[__ILB_SCHED_MAX] = {
	[ILB_SCHED_RR] = &ilb_sched_rr_ops,
	[ILB_SCHED_WRR] = &ilb_sched_wrr_ops,
	[ILB_SCHED_LC] = &ilb_sched_lc_ops,
	[ILB_SCHED_WLC] = &ilb_sched_wlc_ops,
	[ILB_SCHED_SH] = &ilb_sched_sh_ops,
	[ILB_SCHED_MH] = &ilb_sched_mh_ops,
};
