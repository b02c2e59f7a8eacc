// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every netns is an independent ilb node.
 */
#include <linux/percpu.h>

#include "cluster.h"
#include "conn.h"
#include "hook.h"
#include "ilb.h"
#include "persist.h"
#include "proc.h"
#include "service.h"

unsigned int ilb_net_id __read_mostly;

const char *const ilb_stats_names[__ILB_STAT_MAX] = {
	[ILB_STAT_INSPECTED] = "inspected",
	[ILB_STAT_MALFORMED] = "malformed",
	[ILB_STAT_NO_SERVICE] = "no_service",
	[ILB_STAT_NO_SERVER] = "no_server",
	[ILB_STAT_TABLE_FULL] = "table_full",
	[ILB_STAT_XMIT_ERR] = "xmit_err",
	[ILB_STAT_NO_CONN] = "no_conn",
	[ILB_STAT_EARLY_DROP] = "early_drop",
	[ILB_STAT_BAD_ACK] = "bad_ack",
	[ILB_STAT_PERSIST_FULL] = "persist_full",
	[ILB_STAT_OVERLOAD] = "overload",
};

const char *const ilb_fwd_names[__ILB_FWD_MAX] = {
	[ILB_FWD_NAT] = "nat",
	[ILB_FWD_DR] = "dr",
	[ILB_FWD_LOCAL] = "local",
};

/* Add up @n per-CPU counters laid out as cnt[] followed by syncp. */
static void ilb_pcpu_sum(const void __percpu *pc, size_t cnt_off,
			 size_t sync_off, unsigned int n, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * n);
	for_each_possible_cpu(cpu) {
		const void *base = per_cpu_ptr(pc, cpu);
		const u64_stats_t *cnt = base + cnt_off;
		const struct u64_stats_sync *syncp = base + sync_off;
		u64 v[__ILB_STAT_MAX + __ILB_TC_MAX];	/* room for either */
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(syncp);
			for (i = 0; i < n; i++)
				v[i] = u64_stats_read(&cnt[i]);
		} while (u64_stats_fetch_retry(syncp, start));
		for (i = 0; i < n; i++)
			out[i] += v[i];
	}
}

void ilb_tcnt_sum(struct ilb_pcpu_tcnt __percpu *pc, u64 out[__ILB_TC_MAX])
{
	ilb_pcpu_sum(pc, offsetof(struct ilb_pcpu_tcnt, cnt),
		     offsetof(struct ilb_pcpu_tcnt, syncp), __ILB_TC_MAX, out);
}

void ilb_stats_sum(struct ilb_net *in, u64 out[__ILB_STAT_MAX])
{
	ilb_pcpu_sum(in->stats, offsetof(struct ilb_pcpu_stats, cnt),
		     offsetof(struct ilb_pcpu_stats, syncp), __ILB_STAT_MAX, out);
}

static int __net_init ilb_net_init(struct net *net)
{
	struct ilb_net *in = ilb_pernet(net);
	int err;

	in->net = net;
	in->memcg = get_mem_cgroup_from_mm(current->mm);
	mutex_init(&in->cfg_lock);
	spin_lock_init(&in->lru_lock);
	INIT_LIST_HEAD(&in->lru);
	in->timeout[ILB_TIMEOUT_A_TCP] = 900;
	in->timeout[ILB_TIMEOUT_A_TCP_FIN] = 120;
	in->timeout[ILB_TIMEOUT_A_UDP] = 300;
	in->stats = __netdev_alloc_pcpu_stats(struct ilb_pcpu_stats,
					      ILB_GFP_CFG);
	if (!in->stats) {
		mem_cgroup_put(in->memcg);
		return -ENOMEM;
	}
	err = ilb_proc_init(in);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	free_percpu(in->stats);
	mem_cgroup_put(in->memcg);
	return err;
}

static void __net_exit ilb_net_exit(struct net *net)
{
	struct ilb_net *in = ilb_pernet(net);

	ilb_hook_unregister(in);
	mutex_lock(&in->cfg_lock);
	ilb_service_flush(in);
	mutex_unlock(&in->cfg_lock);
	ilb_conn_table_free(in);
	ilb_persist_table_free(in);
	ilb_proc_exit(in);
	free_percpu(in->stats);
	mem_cgroup_put(in->memcg);
}

/*
 * Before the devices go: the cluster socket caches an input route (of
 * multicast heartbeats, through lo) that would keep lo from unregistering.
 */
static void __net_exit ilb_net_pre_exit(struct net *net)
{
	ilb_net_cluster_exit(ilb_pernet(net));
}

struct pernet_operations ilb_net_ops = {
	.init = ilb_net_init,
	.pre_exit = ilb_net_pre_exit,
	.exit = ilb_net_exit,
	.id = &ilb_net_id,
	.size = sizeof(struct ilb_net),
};
