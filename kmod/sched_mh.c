// SPDX-License-Identifier: GPL-2.0
/*
 * mh: Maglev hashing (Eisenbud et al., NSDI 2016). A lookup table of a
 * prime size maps the hash of the client's address and port to a server;
 * each server fills the table along its own permutation, in turns
 * proportional to its weight. The keys are fixed, so every node builds the
 * same table from the same servers, and removing a server changes little
 * beyond that server's share.
 */
#include <linux/siphash.h>
#include <linux/slab.h>

#include "ilb.h"
#include "sched.h"
#include "service.h"

#define ILB_MH_SIZE		65537	/* prime */
#define ILB_MH_EMPTY		U16_MAX
#define ILB_MH_MAX_TURNS	256

static const siphash_key_t ilb_mh_key2 = {
	{ 0x6d61676c65762d32ULL, 0x696c622d6d682d6bULL }
};

struct ilb_mh_perm {
	u32 offset, skip, next, turns;
};

static int ilb_mh_build(struct ilb_service *svc, struct ilb_dest_set *ds)
{
	struct ilb_mh_perm *p;
	u32 g, maxw, filled = 0, i, t, c;
	u16 *table;

	if (ds->n >= ILB_MH_EMPTY)
		return -E2BIG;
	table = kvmalloc_array(ILB_MH_SIZE, sizeof(*table), ILB_GFP_CFG);
	p = kvmalloc_array(ds->n, sizeof(*p), ILB_GFP_CFG);
	if (!table || !p) {
		kvfree(table);
		kvfree(p);
		return -ENOMEM;
	}
	g = ilb_dests_weight_gcd(ds, &maxw);
	for (i = 0; i < ds->n; i++) {
		const struct ilb_server *srv = ds->srv[i];
		u64 k = ((u64)(__force u32)srv->addr << 16) |
			(__force u16)srv->port;

		p[i].offset = siphash_1u64(k, &ilb_sched_key) % ILB_MH_SIZE;
		p[i].skip = siphash_1u64(k, &ilb_mh_key2) % (ILB_MH_SIZE - 1) + 1;
		p[i].next = 0;
		if (maxw / g > ILB_MH_MAX_TURNS)
			p[i].turns = max_t(u32, 1, (u64)srv->weight *
					   ILB_MH_MAX_TURNS / maxw);
		else
			p[i].turns = srv->weight / g;
	}
	memset(table, 0xff, ILB_MH_SIZE * sizeof(*table));
	while (filled < ILB_MH_SIZE) {
		for (i = 0; i < ds->n && filled < ILB_MH_SIZE; i++) {
			for (t = 0; t < p[i].turns && filled < ILB_MH_SIZE; t++) {
				do {
					c = (p[i].offset + (u64)p[i].next *
					     p[i].skip) % ILB_MH_SIZE;
					p[i].next++;
				} while (table[c] != ILB_MH_EMPTY);
				table[c] = i;
				filled++;
			}
		}
		cond_resched();
	}
	kvfree(p);
	ds->sched_data = table;
	return 0;
}

static struct ilb_server *ilb_mh_pick(struct ilb_service *svc,
				      struct ilb_dest_set *ds,
				      __be32 saddr, __be16 sport)
{
	const u16 *table = ds->sched_data;
	u32 h = siphash_2u32((__force u32)saddr, (__force u16)sport,
			     &ilb_sched_key) % ILB_MH_SIZE;
	struct ilb_server *srv = ds->srv[table[h]];

	/* at its max-conns: the client's rendezvous choice among the rest */
	if (unlikely(ilb_server_overloaded(srv)))
		return ilb_sh_pick(svc, ds, saddr, sport);
	return srv;
}

const struct ilb_sched_ops ilb_sched_mh_ops = {
	.name = "mh",
	.build = ilb_mh_build,
	.pick = ilb_mh_pick,
};
