// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/ilb/: human-readable state of this netns's node.
 *   stats     node counters
 *   services  virtual services with their traffic counters
 *   servers   real servers of every service
 *   conns     the connection table
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "conn.h"
#include "ilb.h"
#include "proc.h"
#include "service.h"

static const char *ilb_proto_name(u8 proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static int ilb_proc_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct ilb_net *in = ilb_pernet(net);
	u64 sum[__ILB_STAT_MAX];
	int i;

	ilb_stats_sum(in, sum);
	seq_printf(seq, "%-16s %llu\n", "netns_cookie", net->net_cookie);
	seq_printf(seq, "%-16s %u\n", "services", READ_ONCE(in->nservices));
	seq_printf(seq, "%-16s %u\n", "hooks", READ_ONCE(in->hooks_registered));
	seq_printf(seq, "%-16s %d\n", "conns", atomic_read(&in->nconns));
	seq_printf(seq, "%-16s %u\n", "conn_max", READ_ONCE(ilb_conn_max));
	for (i = 0; i < __ILB_STAT_MAX; i++)
		seq_printf(seq, "%-16s %llu\n", ilb_stats_names[i], sum[i]);
	return 0;
}

static void ilb_proc_tcnt(struct seq_file *seq, struct ilb_pcpu_tcnt __percpu *pc)
{
	u64 v[__ILB_TC_MAX];

	ilb_tcnt_sum(pc, v);
	seq_printf(seq, " %8llu %10llu %10llu %12llu %12llu\n",
		   v[ILB_TC_CONNS], v[ILB_TC_PKTS_IN], v[ILB_TC_PKTS_OUT],
		   v[ILB_TC_BYTES_IN], v[ILB_TC_BYTES_OUT]);
}

static int ilb_proc_services_show(struct seq_file *seq, void *v)
{
	struct ilb_net *in = ilb_pernet(seq_file_single_net(seq));
	struct ilb_service *svc;
	int b;

	seq_puts(seq, "proto vip:port              sched fwd   servers    conns    pkts_in   pkts_out     bytes_in    bytes_out\n");
	mutex_lock(&in->cfg_lock);
	for (b = 0; b < ARRAY_SIZE(in->svc_table); b++) {
		hlist_for_each_entry(svc, &in->svc_table[b], hnode) {
			seq_printf(seq, "%-5s %15pI4:%-5u %-5s %-5s %7u",
				   ilb_proto_name(svc->proto), &svc->addr,
				   ntohs(svc->port), ilb_sched_names[svc->sched],
				   ilb_fwd_names[svc->fwd], svc->nservers);
			ilb_proc_tcnt(seq, svc->cnt);
		}
	}
	mutex_unlock(&in->cfg_lock);
	return 0;
}

static int ilb_proc_servers_show(struct seq_file *seq, void *v)
{
	struct ilb_net *in = ilb_pernet(seq_file_single_net(seq));
	struct ilb_service *svc;
	struct ilb_server *srv;
	int b;

	seq_puts(seq, "proto vip:port              server:port           weight fwd   state active inactive    conns    pkts_in   pkts_out     bytes_in    bytes_out\n");
	mutex_lock(&in->cfg_lock);
	for (b = 0; b < ARRAY_SIZE(in->svc_table); b++) {
		hlist_for_each_entry(svc, &in->svc_table[b], hnode) {
			list_for_each_entry(srv, &svc->servers, list) {
				seq_printf(seq, "%-5s %15pI4:%-5u %15pI4:%-5u %6u %-5s %-5s %6d %8d",
					   ilb_proto_name(svc->proto),
					   &svc->addr, ntohs(svc->port),
					   &srv->addr, ntohs(srv->port),
					   srv->weight, ilb_fwd_names[srv->fwd],
					   srv->state == ILB_SERVER_UP ? "up" : "down",
					   atomic_read(&srv->active),
					   atomic_read(&srv->inactive));
				ilb_proc_tcnt(seq, srv->cnt);
			}
		}
	}
	mutex_unlock(&in->cfg_lock);
	return 0;
}

struct ilb_conn_iter {
	struct seq_net_private p;
	struct ilb_conn_table *t;
	unsigned int bucket;
};

static struct ilb_conn *ilb_conn_iter_from(struct ilb_conn_iter *it,
					   struct hlist_node *n)
{
	for (;;) {
		if (n)
			return hlist_entry(n, struct ilb_conn, node[0]);
		if (++it->bucket >= (1U << it->t->bits))
			return NULL;
		n = rcu_dereference(hlist_first_rcu(&it->t->orig[it->bucket]));
	}
}

static struct ilb_conn *ilb_conn_iter_first(struct seq_file *seq)
{
	struct ilb_conn_iter *it = seq->private;

	it->t = rcu_dereference(ilb_pernet(seq_file_net(seq))->conns);
	if (!it->t)
		return NULL;
	it->bucket = 0;
	return ilb_conn_iter_from(it, rcu_dereference(hlist_first_rcu(&it->t->orig[0])));
}

static void *ilb_conn_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct ilb_conn_iter *it = seq->private;
	struct ilb_conn *cp;
	loff_t n = *pos;

	rcu_read_lock();
	if (!n)
		return SEQ_START_TOKEN;
	cp = ilb_conn_iter_first(seq);
	while (cp && --n)
		cp = ilb_conn_iter_from(it, rcu_dereference(hlist_next_rcu(&cp->node[0])));
	return cp;
}

static void *ilb_conn_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct ilb_conn_iter *it = seq->private;
	struct ilb_conn *cp = v;

	++*pos;
	if (v == SEQ_START_TOKEN)
		return ilb_conn_iter_first(seq);
	return ilb_conn_iter_from(it, rcu_dereference(hlist_next_rcu(&cp->node[0])));
}

static void ilb_conn_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int ilb_conn_seq_show(struct seq_file *seq, void *v)
{
	struct ilb_conn *cp = v;
	u8 state;
	long left;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "proto client:port           vip:port              server:port           fwd   state       expires\n");
		return 0;
	}
	state = READ_ONCE(cp->state);
	if (state >= __ILB_CS_MAX)
		return 0;
	left = (long)(READ_ONCE(cp->expires) - jiffies);
	seq_printf(seq, "%-5s %15pI4:%-5u %15pI4:%-5u %15pI4:%-5u %-5s %-11s %ld\n",
		   ilb_proto_name(cp->proto), &cp->caddr, ntohs(cp->cport),
		   &cp->vaddr, ntohs(cp->vport), &cp->raddr, ntohs(cp->rport),
		   ilb_fwd_names[cp->fwd], ilb_cs_names[state],
		   left > 0 ? left / HZ : 0);
	return 0;
}

static const struct seq_operations ilb_conn_seq_ops = {
	.start = ilb_conn_seq_start,
	.next = ilb_conn_seq_next,
	.stop = ilb_conn_seq_stop,
	.show = ilb_conn_seq_show,
};

int ilb_proc_init(struct ilb_net *in)
{
	struct proc_dir_entry *d;

	d = proc_net_mkdir(in->net, "ilb", in->net->proc_net);
	if (!d)
		return -ENOMEM;
	in->proc_dir = d;
	if (!proc_create_net_single("stats", 0444, d, ilb_proc_stats_show, NULL) ||
	    !proc_create_net_single("services", 0444, d, ilb_proc_services_show,
				    NULL) ||
	    !proc_create_net_single("servers", 0444, d, ilb_proc_servers_show,
				    NULL) ||
	    !proc_create_net("conns", 0444, d, &ilb_conn_seq_ops,
			     sizeof(struct ilb_conn_iter))) {
		remove_proc_subtree("ilb", in->net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void ilb_proc_exit(struct ilb_net *in)
{
	remove_proc_subtree("ilb", in->net->proc_net);
}
