// SPDX-License-Identifier: GPL-2.0
/*
 * ilb: clustered layer-4 load balancer - module entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter_ipv4.h>

#include "ilb.h"

int ilb_hook_priority = NF_IP_PRI_CONNTRACK - 1;
module_param_named(hook_priority, ilb_hook_priority, int, 0444);
MODULE_PARM_DESC(hook_priority,
		 "netfilter priority of the ilb hooks (default: just before conntrack)");

static int __init ilb_init(void)
{
	int err;

	err = register_pernet_subsys(&ilb_net_ops);
	if (err)
		return err;
	pr_info("version %s loaded\n", ILB_VERSION);
	return 0;
}

static void __exit ilb_exit(void)
{
	unregister_pernet_subsys(&ilb_net_ops);
	pr_info("unloaded\n");
}

module_init(ilb_init);
module_exit(ilb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ilb: clustered layer-4 load balancer");
MODULE_VERSION(ILB_VERSION);
