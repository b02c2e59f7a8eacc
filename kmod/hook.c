// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks of one node. For now they validate and count; the
 * service lookup and forwarding plug in here.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>

#include "ilb.h"

/* Is the transport header of a TCP or UDP packet all there? */
static bool ilb_l4_ok(struct sk_buff *skb, u8 proto, unsigned int off)
{
	const struct tcphdr *th;

	switch (proto) {
	case IPPROTO_TCP:
		if (!pskb_may_pull(skb, off + sizeof(*th)))
			return false;
		th = (const struct tcphdr *)(skb->data + off);
		return th->doff >= 5 && pskb_may_pull(skb, off + th->doff * 4);
	case IPPROTO_UDP:
		return pskb_may_pull(skb, off + sizeof(struct udphdr));
	}
	return true;
}

static unsigned int ilb_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct ilb_net *in = priv;
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto bad;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		goto bad;
	ilb_stat_inc(in, ILB_STAT_INSPECTED);
	if (ip_is_fragment(iph) && (iph->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	if (!ilb_l4_ok(skb, iph->protocol, iph->ihl * 4))
		goto bad;
	return NF_ACCEPT;
bad:
	/* Not ours to judge yet: the stack drops what it cannot parse. */
	ilb_stat_inc(in, ILB_STAT_MALFORMED);
	return NF_ACCEPT;
}

static const struct nf_hook_ops ilb_hook_ops_tmpl[ILB_NUM_HOOKS] = {
	{
		.hook = ilb_hook_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
	},
};

int ilb_hook_register(struct ilb_net *in)
{
	struct nf_hook_ops *ops = in->hook_ops;
	int i, err;

	for (i = 0; i < ILB_NUM_HOOKS; i++) {
		ops[i] = ilb_hook_ops_tmpl[i];
		ops[i].priv = in;
		ops[i].priority = ilb_hook_priority;
	}
	err = nf_register_net_hooks(in->net, ops, ILB_NUM_HOOKS);
	if (!err)
		in->hooks_registered = true;
	return err;
}

void ilb_hook_unregister(struct ilb_net *in)
{
	if (!in->hooks_registered)
		return;
	nf_unregister_net_hooks(in->net, in->hook_ops,
				ILB_NUM_HOOKS);
	in->hooks_registered = false;
}
