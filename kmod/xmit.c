// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing: the packet keeps the VIP as its destination and goes to
 * the real server's MAC address, found through the route to the server.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/dst.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>

#include "ilb.h"

static int ilb_dr_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return dst_output(net, sk, skb);
}

/* Returns NF_STOLEN when the packet was sent, else NF_DROP. */
int ilb_xmit_dr(struct ilb_net *in, struct sk_buff *skb, struct ilb_conn *cp)
{
	struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = cp->raddr,
		.flowi4_tos = iph->tos & IPTOS_RT_MASK,
		/* the server's address is the next hop, not the VIP */
		.flowi4_flags = FLOWI_FLAG_KNOWN_NH,
	};
	struct rtable *rt;
	unsigned int mtu;

	rt = ip_route_output_key(in->net, &fl4);
	if (IS_ERR(rt))
		goto drop;
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		goto drop;
	}
	mtu = dst_mtu(&rt->dst);
	if (skb->len > mtu && (iph->frag_off & htons(IP_DF)) &&
	    !skb_is_gso(skb)) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		ip_rt_put(rt);
		goto drop;
	}
	if (iph->ttl <= 1 || skb_ensure_writable(skb, sizeof(*iph))) {
		ip_rt_put(rt);
		goto drop;
	}
	ip_decrease_ttl(ip_hdr(skb));
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	skb_forward_csum(skb);
	NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, in->net, NULL, skb, skb->dev,
		rt->dst.dev, ilb_dr_output);
	return NF_STOLEN;
drop:
	ilb_stat_inc(in, ILB_STAT_XMIT_ERR);
	return NF_DROP;
}
