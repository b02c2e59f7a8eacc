/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: the schedulers (sched.c, sched_mh.c).
 */
#ifndef _ILB_SCHED_H
#define _ILB_SCHED_H

#include <linux/siphash.h>
#include "ilb.h"

struct ilb_server;
struct ilb_service;

/* The servers a scheduler may pick from, rebuilt on every change. */
struct ilb_dest_set {
	struct rcu_head rcu;
	const struct ilb_sched_ops *ops;
	unsigned int n;
	void *sched_data;		/* the scheduler's table (kvmalloc) */
	struct ilb_server *srv[];
};

struct ilb_sched_ops {
	const char *name;
	/* Build ds->sched_data (kvmalloc) for @ds, under the config lock. */
	int (*build)(struct ilb_service *svc, struct ilb_dest_set *ds);
	/* Pick a server; RCU read side. */
	struct ilb_server *(*pick)(struct ilb_service *svc,
				   struct ilb_dest_set *ds,
				   __be32 saddr, __be16 sport);
};

extern const struct ilb_sched_ops *const ilb_sched_ops[__ILB_SCHED_MAX];
extern const struct ilb_sched_ops ilb_sched_mh_ops;
extern const siphash_key_t ilb_sched_key;
u32 ilb_dests_weight_gcd(const struct ilb_dest_set *ds, u32 *maxw);
struct ilb_server *ilb_sh_pick(struct ilb_service *svc,
			       struct ilb_dest_set *ds,
			       __be32 saddr, __be16 sport);

#endif /* _ILB_SCHED_H */
