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
#include "fwd.h"
#include "hook.h"

static void ilb_fwd_one(struct ilb_cluster *cl, u32 epoch,
			struct sk_buff *skb, struct ilb_peer *to, __be16 sport)
{
	u8 tos = ip_hdr(skb)->tos;

	/* the receiver takes no IP options (wire.c): it would drop it */
	if (ip_hdr(skb)->ihl != 5)
		goto drop;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;
	/* not the ingress device: iptunnel_xmit() counts on skb->dev */
	skb->dev = NULL;
	skb->ignore_df = 1;
	if (ilb_cl_xmit(cl, skb, ILB_MSG_FWD, epoch, to->id, to->addr, 0,
			sport, tos))
		goto err;
	ilb_cls_inc(cl, ILB_CLS_FWD_TX);
	return;
drop:
	kfree_skb(skb);
err:
	ilb_stat_inc(cl->in, ILB_STAT_XMIT_ERR);
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

/*
 * A forwarded packet, authenticated and fresh, its inner IPv4 header
 * checked (wire.c) at @off: decapsulate and handle it here, once.
 */
void ilb_fwd_rcv(struct ilb_cluster *cl, struct sk_buff *skb,
		 const struct ilb_msg *m, unsigned int off)
{
	struct ilb_fwd_info fi = {
		.sender = m->hdr.sender,
		.epoch = m->hdr.epoch,
	};
	const struct iphdr *iph;
	unsigned int verdict;

	ilb_cls_inc(cl, ILB_CLS_FWD_RX);
	if (iptunnel_pull_header(skb, off, htons(ETH_P_IP), false))
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
