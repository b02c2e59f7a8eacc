/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: shared definitions of the module.
 */
#ifndef _ILB_ILB_H
#define _ILB_ILB_H

#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/refcount.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>

struct ilb_cluster;
struct ilb_conn_table;
struct ilb_persist_table;
#include <net/dst_cache.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/linux/ilb.h"

#define ILB_VERSION	"0.2"

/* Per-CPU node counters; ilb_stats_names[] gives their names. */
enum ilb_stat {
	ILB_STAT_INSPECTED,
	ILB_STAT_MALFORMED,
	ILB_STAT_NO_SERVICE,
	ILB_STAT_NO_SERVER,
	ILB_STAT_TABLE_FULL,
	ILB_STAT_XMIT_ERR,
	ILB_STAT_NO_CONN,
	ILB_STAT_EARLY_DROP,
	ILB_STAT_BAD_ACK,
	ILB_STAT_PERSIST_FULL,
	ILB_STAT_OVERLOAD,
	__ILB_STAT_MAX,
};

struct ilb_pcpu_stats {
	u64_stats_t cnt[__ILB_STAT_MAX];
	struct u64_stats_sync syncp;
};

/* Per-CPU traffic counters of a service or a server. */
enum ilb_tcnt {
	ILB_TC_CONNS,
	ILB_TC_PKTS_IN,
	ILB_TC_PKTS_OUT,
	ILB_TC_BYTES_IN,
	ILB_TC_BYTES_OUT,
	__ILB_TC_MAX,
};

struct ilb_pcpu_tcnt {
	u64_stats_t cnt[__ILB_TC_MAX];
	struct u64_stats_sync syncp;
};

#define ILB_NUM_HOOKS	2
/* links of RCU callbacks queueing the next: connection, server, service */
#define ILB_RCU_CHAIN	3
#define ILB_NAT_FILTER_BITS	1024
#define ILB_SVC_HASH_BITS	8

/* All state of one ilb node: one per network namespace. */
struct ilb_net {
	struct net *net;
	/* of the task that made the namespace: pays for what it allocates */
	struct mem_cgroup *memcg;
	struct proc_dir_entry *proc_dir;
	struct ilb_pcpu_stats __percpu *stats;
	struct nf_hook_ops hook_ops[ILB_NUM_HOOKS];
	bool hooks_registered;

	struct mutex cfg_lock;		/* configuration changes */
	struct hlist_head svc_table[1 << ILB_SVC_HASH_BITS];
	unsigned int nservices;
	unsigned int nservers;	/* of all its services */

	struct ilb_conn_table __rcu *conns;
	struct ilb_persist_table __rcu *persist;	/* made on first use */
	atomic_t nconns;
	struct delayed_work gc_work;
	unsigned int gc_next;		/* next bucket the collector visits */
	bool gc_stop;

	u32 timeout[__ILB_TIMEOUT_A_MAX];	/* seconds, by attribute */

	struct ilb_cluster __rcu *cl;	/* NULL unless joined (cfg_lock) */
	u32 cl_incarnation;		/* of the last join (cfg_lock) */
	spinlock_t lru_lock;		/* the cache's LRU list */
	struct list_head lru;		/* cache entries, oldest first */
	atomic_t ncache;
	atomic_t nowned;		/* entries with ILB_ROLE_OWNED */
	/* which addresses may be NAT servers (a filter for reply misses) */
	unsigned long nat_filter[ILB_NAT_FILTER_BITS / BITS_PER_LONG];
};

extern unsigned int ilb_net_id;
extern struct pernet_operations ilb_net_ops;
extern int ilb_hook_priority;
/*
 * What configuration allocates is charged to the caller's memory cgroup, and
 * fails with -ENOMEM at its limit instead of calling the cgroup's OOM killer.
 */
#define ILB_GFP_CFG (GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL)

/*
 * Charge what softirq and work items allocate for a namespace (connections,
 * cluster records) to its memory cgroup, as configuration is charged to the
 * caller's: ilb_memcg_enter() ... ilb_memcg_exit() around the allocation.
 */
static inline struct mem_cgroup *ilb_memcg_enter(const struct ilb_net *in)
{
	return set_active_memcg(in->memcg);
}

static inline void ilb_memcg_exit(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

extern unsigned int ilb_conn_max;
extern bool ilb_userns;
extern unsigned int ilb_service_max;
extern unsigned int ilb_server_max;
extern unsigned int ilb_conn_hash_bits;
extern unsigned int ilb_cache_max;
extern const char *const ilb_stats_names[__ILB_STAT_MAX];
extern const char *const ilb_sched_names[__ILB_SCHED_MAX];
extern const char *const ilb_fwd_names[__ILB_FWD_MAX];

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

static inline void ilb_tcnt_add(struct ilb_pcpu_tcnt __percpu *pc, bool in,
				unsigned int len, bool new_conn)
{
	struct ilb_pcpu_tcnt *c = this_cpu_ptr(pc);

	u64_stats_update_begin(&c->syncp);
	if (new_conn)
		u64_stats_inc(&c->cnt[ILB_TC_CONNS]);
	u64_stats_inc(&c->cnt[in ? ILB_TC_PKTS_IN : ILB_TC_PKTS_OUT]);
	u64_stats_add(&c->cnt[in ? ILB_TC_BYTES_IN : ILB_TC_BYTES_OUT], len);
	u64_stats_update_end(&c->syncp);
}

void ilb_stats_sum(struct ilb_net *in, u64 out[__ILB_STAT_MAX]);
void ilb_tcnt_sum(struct ilb_pcpu_tcnt __percpu *pc, u64 out[__ILB_TC_MAX]);

#endif /* _ILB_ILB_H */
