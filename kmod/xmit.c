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

#include "conn.h"
#include "ilb.h"
#include "service.h"
#include "xmit.h"

static int ilb_dr_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return dst_output(net, sk, skb);
}

/*
 * The route to a server, with the server as next hop: an uncached route
 * (FLOWI_FLAG_KNOWN_NH), so it is kept per server and CPU in a dst_cache,
 * which drops it when routing changes.
 */
static struct rtable *ilb_dr_route(struct ilb_net *in, struct ilb_server *srv)
{
	struct flowi4 fl4 = {
		.daddr = srv->addr,
		.flowi4_flags = FLOWI_FLAG_KNOWN_NH,
	};
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&srv->dr_dst, &saddr);
	if (rt)
		return rt;
	rt = ip_route_output_key(in->net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return NULL;
	}
	dst_cache_set_ip4(&srv->dr_dst, &rt->dst, fl4.saddr);
	return rt;
}

/* Returns NF_STOLEN when the packet was sent, else NF_DROP. */
int ilb_xmit_dr(struct ilb_net *in, struct sk_buff *skb, struct ilb_conn *cp)
{
	struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt;
	unsigned int mtu;

	rt = ilb_dr_route(in, cp->srv);
	if (!rt)
		goto drop;
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
