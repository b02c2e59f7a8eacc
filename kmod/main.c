// SPDX-License-Identifier: GPL-2.0
/*
 * ilb: clustered layer-4 load balancer - module entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter_ipv4.h>

#include "cluster.h"
#include "conn.h"
#include "ilb.h"
#include "netlink.h"
#include "persist.h"
#include "service.h"

int ilb_hook_priority = NF_IP_PRI_CONNTRACK - 1;
module_param_named(hook_priority, ilb_hook_priority, int, 0444);
MODULE_PARM_DESC(hook_priority,
		 "netfilter priority of the ilb hooks (default: just before conntrack)");

unsigned int ilb_conn_max = 1 << 20;
module_param_named(conn_max, ilb_conn_max, uint, 0644);
MODULE_PARM_DESC(conn_max, "most connections a node tracks (default 1048576)");

unsigned int ilb_service_max = 4096;
module_param_named(service_max, ilb_service_max, uint, 0644);
MODULE_PARM_DESC(service_max, "most services a namespace may have (default 4096)");

unsigned int ilb_server_max = 65536;
module_param_named(server_max, ilb_server_max, uint, 0644);
MODULE_PARM_DESC(server_max,
		 "most servers a namespace may have, over all its services (default 65536)");

bool ilb_userns;
module_param_named(userns, ilb_userns, bool, 0444);
MODULE_PARM_DESC(userns,
		 "allow CAP_NET_ADMIN of a network namespace's own user namespace to configure it (default: only the initial user namespace's)");

unsigned int ilb_conn_hash_bits = 16;

static int ilb_param_set_hash_bits(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int bits;
	int err = kstrtouint(val, 0, &bits);

	if (err)
		return err;
	if (bits < 8 || bits > 24)
		return -ERANGE;
	*(unsigned int *)kp->arg = bits;
	return 0;
}

static const struct kernel_param_ops ilb_hash_bits_ops = {
	.set = ilb_param_set_hash_bits,
	.get = param_get_uint,
};

unsigned int ilb_cache_max = 1 << 16;
module_param_named(cache_max, ilb_cache_max, uint, 0644);
MODULE_PARM_DESC(cache_max,
		 "default size of a cluster member's association cache (65536)");

module_param_cb(conn_hash_bits, &ilb_hash_bits_ops, &ilb_conn_hash_bits, 0444);
MODULE_PARM_DESC(conn_hash_bits,
		 "log2 of a node's connection table buckets, 8..24 (default 16)");

/*
 * Wait for the RCU callbacks that free ilb's objects. They chain: a
 * connection's drops its server's last reference, and the server's its
 * service's, each queueing the next callback; one barrier per link.
 */
static void ilb_rcu_drain(void)
{
	int i;

	for (i = 0; i < ILB_RCU_CHAIN; i++)
		rcu_barrier();
}

static int __init ilb_init(void)
{
	int err;

	err = ilb_conn_cache_init();
	if (err)
		return err;
	err = ilb_persist_cache_init();
	if (err)
		goto err_conn_cache;
	err = ilb_cluster_init();
	if (err)
		goto err_cache;
	err = register_pernet_subsys(&ilb_net_ops);
	if (err)
		goto err_cluster;
	err = ilb_genl_init();
	if (err)
		goto err_pernet;
	pr_info("version %s loaded\n", ILB_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&ilb_net_ops);
err_cluster:
	ilb_cluster_exit();
err_cache:
	ilb_rcu_drain();
	ilb_persist_cache_exit();
err_conn_cache:
	ilb_conn_cache_exit();
	return err;
}

static void __exit ilb_exit(void)
{
	ilb_genl_exit();
	unregister_pernet_subsys(&ilb_net_ops);
	ilb_cluster_exit();
	ilb_rcu_drain();
	ilb_persist_cache_exit();
	ilb_conn_cache_exit();
	pr_info("unloaded\n");
}

module_init(ilb_init);
module_exit(ilb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ilb: clustered layer-4 load balancer");
MODULE_VERSION(ILB_VERSION);
