// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding between ILBs, and the receive side of the cluster socket.
 * A packet whose owner is another member goes there inside UDP (a
 * GUE-like header carrying the sender and its view epoch); the receiver
 * handles it as already forwarded: it serves it or drops it, never
 * forwards it again.
 */
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "cluster.h"

#define ILB_FWD_OVERHEAD	(sizeof(struct iphdr) + sizeof(struct udphdr) + \
				 ILB_WIRE_HDR_LEN)

static void ilb_fwd_one(struct ilb_cluster *cl, u32 epoch,
			struct sk_buff *skb, struct ilb_peer *to, __be16 sport)
{
	struct net *net = cl->in->net;
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = ILB_MSG_FWD,
		.cluster = cl->cluster_id,
		.sender = cl->id,
		.epoch = epoch,
	};
	struct flowi4 fl4 = {
		.daddr = to->addr,
		.saddr = cl->addr,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = sport,
		.fl4_dport = cl->port,
	};
	u8 tos = ip_hdr(skb)->tos;
	struct rtable *rt;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		goto drop;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 ILB_FWD_OVERHEAD)) {
		ip_rt_put(rt);
		goto drop;
	}
	ilb_wire_put_hdr(__skb_push(skb, ILB_WIRE_HDR_LEN), &h);
	/* not the ingress device: iptunnel_xmit() counts on skb->dev */
	skb->dev = NULL;
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, cl->sock->sk, skb, fl4.saddr, to->addr, tos,
			    64, 0, sport, cl->port, false, false);
	ilb_cls_inc(cl, ILB_CLS_FWD_TX);
	return;
drop:
	ilb_stat_inc(cl->in, ILB_STAT_XMIT_ERR);
	kfree_skb(skb);
}

/* Send @skb to member @to. Consumes it; the hook returns NF_STOLEN. */
int ilb_fwd_xmit(struct ilb_cluster *cl, struct ilb_view *v,
		 struct sk_buff *skb, struct ilb_peer *to)
{
	__be16 sport = udp_flow_src_port(cl->in->net, skb, 0, 0, false);
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		ilb_fwd_one(cl, v->epoch, skb, to, sport);
		return NF_STOLEN;
	}
	/* GRO merged it: send the original packets, each encapsulated */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		ilb_stat_inc(cl->in, ILB_STAT_XMIT_ERR);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		ilb_fwd_one(cl, v->epoch, skb, to, sport);
	}
	return NF_STOLEN;
}

/* A forwarded packet: decapsulate and handle it here, once. */
static void ilb_fwd_rcv(struct ilb_cluster *cl, struct sk_buff *skb,
			const struct ilb_msg *m)
{
	struct ilb_fwd_info fi = {
		.sender = m->hdr.sender,
		.epoch = m->hdr.epoch,
	};
	const struct iphdr *iph;
	unsigned int verdict;

	ilb_cls_inc(cl, ILB_CLS_FWD_RX);
	if (iptunnel_pull_header(skb, sizeof(struct udphdr) + ILB_WIRE_HDR_LEN,
				 htons(ETH_P_IP), false))
		goto drop;
	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto drop;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || !pskb_may_pull(skb, iph->ihl * 4) ||
	    pskb_trim_rcsum(skb, ntohs(ip_hdr(skb)->tot_len)))
		goto drop;
	if (skb->ip_summed != CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb->pkt_type = PACKET_HOST;

	verdict = ilb_handle(cl->in, skb, false, &fi);
	if (verdict == NF_STOLEN)
		return;
	if (verdict != NF_ACCEPT || !fi.handled) {
		/* not for a service here: routing it could loop */
		kfree_skb(skb);
		return;
	}
	iph = ip_hdr(skb);
	if (!skb_dst(skb) && ip_route_input_noref(skb, iph->daddr, iph->saddr,
						  iph->tos, skb->dev))
		goto drop;
	dst_input(skb);
	return;
drop:
	ilb_stat_inc(cl->in, ILB_STAT_XMIT_ERR);
	kfree_skb(skb);
}

/* Members speak on the cluster interface, or are configured peers. */
static bool ilb_cl_reachable(const struct ilb_cluster *cl,
			     const struct sk_buff *skb, __be32 saddr)
{
	unsigned int i;

	if (skb->skb_iif == cl->ifindex)
		return true;
	for (i = 0; i < cl->npeers; i++)
		if (cl->peers[i] == saddr)
			return true;
	return false;
}

/*
 * Every datagram to the cluster port, after UDP checked its checksum.
 * Returns 0: the packet is consumed whatever it was.
 */
int ilb_cluster_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ilb_cluster *cl = rcu_dereference_sk_user_data(sk);
	unsigned int off = sizeof(struct udphdr);
	__be32 saddr = ip_hdr(skb)->saddr;
	struct ilb_peer *p;
	struct ilb_msg m;
	u32 len;

	if (!cl || READ_ONCE(cl->dying))
		goto free;
	if (!pskb_may_pull(skb, off + ILB_WIRE_HDR_LEN))
		goto bad;
	if (skb->data[off + 1] == ILB_MSG_FWD) {
		/* only the headers need to be linear */
		if (!pskb_may_pull(skb, off + ILB_WIRE_HDR_LEN +
				   sizeof(struct iphdr)))
			goto bad;
	} else if (skb_linearize(skb)) {
		goto free;
	}
	len = skb->len - off;
	if (ilb_wire_parse(skb->data + off, len, &m))
		goto bad;
	if (m.hdr.cluster != cl->cluster_id || !ilb_cl_reachable(cl, skb, saddr))
		goto foreign;
	if (m.hdr.type == ILB_MSG_HELLO) {
		ilb_cluster_hello_rcv(cl, &m, saddr);
		goto free;
	}
	/* everything else only from a member in the view, at its address */
	p = ilb_cluster_member(cl, m.hdr.sender);
	if (!p || READ_ONCE(p->state) != ILB_MEMBER_ALIVE || p->addr != saddr)
		goto foreign;
	if (m.hdr.epoch != READ_ONCE(cl->epoch))
		ilb_cls_inc(cl, ILB_CLS_EPOCH_MISMATCH);
	switch (m.hdr.type) {
	case ILB_MSG_SYNC:
		ilb_sync_rcv(cl, p, &m);
		break;
	case ILB_MSG_ACK:
		ilb_peer_ack_rcv(cl, p, &m.ack);
		break;
	case ILB_MSG_FWD:
		ilb_fwd_rcv(cl, skb, &m);
		return 0;
	}
free:
	kfree_skb(skb);
	return 0;
foreign:
	ilb_cls_inc(cl, ILB_CLS_FOREIGN);
	kfree_skb(skb);
	return 0;
bad:
	ilb_cls_inc(cl, ILB_CLS_BAD_MSG);
	kfree_skb(skb);
	return 0;
}
