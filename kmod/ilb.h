/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ILB_ILB_H
#define _ILB_ILB_H

#include <linux/netfilter.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#define ILB_VERSION	"0.1"

/* Per-CPU node counters; see ilb_stats_names[] for their meaning. */
enum ilb_stat {
	ILB_STAT_INSPECTED,	/* IPv4 packets examined by the hooks */
	ILB_STAT_MALFORMED,	/* headers that failed validation */
	__ILB_STAT_MAX,
};

struct ilb_pcpu_stats {
	u64_stats_t cnt[__ILB_STAT_MAX];
	struct u64_stats_sync syncp;
};

#define ILB_NUM_HOOKS	1

/* All state of one ilb node: one per network namespace. */
struct ilb_net {
	struct net *net;
	struct proc_dir_entry *proc_dir;
	struct ilb_pcpu_stats __percpu *stats;
	struct nf_hook_ops hook_ops[ILB_NUM_HOOKS];
	bool hooks_registered;
};

extern unsigned int ilb_net_id;
extern struct pernet_operations ilb_net_ops;
extern int ilb_hook_priority;
extern const char *const ilb_stats_names[__ILB_STAT_MAX];

static inline struct ilb_net *ilb_pernet(const struct net *net)
{
	return net_generic(net, ilb_net_id);
}

static inline void ilb_stat_inc(struct ilb_net *in, enum ilb_stat s)
{
	struct ilb_pcpu_stats *st = this_cpu_ptr(in->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->cnt[s]);
	u64_stats_update_end(&st->syncp);
}

void ilb_stats_sum(struct ilb_net *in, u64 out[__ILB_STAT_MAX]);

int ilb_hook_register(struct ilb_net *in);
void ilb_hook_unregister(struct ilb_net *in);

int ilb_proc_init(struct ilb_net *in);
void ilb_proc_exit(struct ilb_net *in);

#endif /* _ILB_ILB_H */
