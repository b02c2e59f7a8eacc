// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/ilb/: human-readable state of this netns's node.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "ilb.h"

static int ilb_proc_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct ilb_net *in = ilb_pernet(net);
	u64 sum[__ILB_STAT_MAX];
	int i;

	ilb_stats_sum(in, sum);
	seq_printf(seq, "%-16s %llu\n", "netns_cookie",
		   (unsigned long long)net->net_cookie);
	for (i = 0; i < __ILB_STAT_MAX; i++)
		seq_printf(seq, "%-16s %llu\n", ilb_stats_names[i], sum[i]);
	return 0;
}

int ilb_proc_init(struct ilb_net *in)
{
	in->proc_dir = proc_net_mkdir(in->net, "ilb", in->net->proc_net);
	if (!in->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, in->proc_dir,
				    ilb_proc_stats_show, NULL)) {
		remove_proc_subtree("ilb", in->net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void ilb_proc_exit(struct ilb_net *in)
{
	remove_proc_subtree("ilb", in->net->proc_net);
}
