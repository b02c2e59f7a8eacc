// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster socket (Documentation/cluster-protocol.rst). One in-kernel
 * UDP socket per netns. Every message leaves through ilb_cl_xmit(), which
 * writes the header with the node's incarnation and next sequence number
 * and signs it; every datagram arrives in ilb_cluster_udp_rcv(), which
 * checks where it came from, its header, its key and tag and its sequence
 * number, in that order and before anything else reads it, and counts
 * every refusal by reason. Softirq on receive; BHs disabled on send.
 */
#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "cluster.h"
#include "fwd.h"
#include "peer.h"
#include "sync.h"

/* GTSM (RFC 5082): on the cluster link, only a neighbour can send 255. */
#define ILB_CL_TTL	255

struct sk_buff *ilb_cl_skb(const void *body, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(ILB_CL_HEADROOM + len +
					ILB_WIRE_ACK_REC_LEN, GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_reserve(skb, ILB_CL_HEADROOM);
	skb_put_data(skb, body, len);
	return skb;
}

int ilb_cl_xmit(struct ilb_cluster *cl, struct sk_buff *skb, u8 type,
		u32 epoch, u32 to, __be32 daddr, int oif, __be16 sport,
		u8 tos)
{
	struct flowi4 fl4 = {
		.daddr = daddr,
		.saddr = cl->addr,
		.flowi4_oif = oif,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = sport,
		.fl4_dport = cl->port,
	};
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = type,
		.cluster = cl->cluster_id,
		.sender = cl->id,
		.incarnation = cl->incarnation,
		.epoch = epoch,
	};
	const struct ilb_cl_key *key;
	unsigned int hlen, len;
	struct rtable *rt;

	rt = ip_route_output_key(cl->in->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	rcu_read_lock();
	key = ilb_auth_tx_key(rcu_dereference(cl->keys));
	h.key_id = key ? key->id : 0;
	hlen = ilb_wire_hdr_len(h.key_id);
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) + hlen +
			 sizeof(struct iphdr) + sizeof(struct udphdr))) {
		rcu_read_unlock();
		ip_rt_put(rt);
		kfree_skb(skb);
		return -ENOMEM;
	}
	h.seq = atomic64_inc_return(&cl->tx_seq);
	ilb_wire_put_hdr(__skb_push(skb, hlen), &h);
	if (key)
		ilb_auth_sign(key, skb, 0, to);
	rcu_read_unlock();
	len = skb->len;
	udp_tunnel_xmit_skb(rt, cl->sock->sk, skb, fl4.saddr, daddr, tos,
			    ILB_CL_TTL, 0, sport, cl->port, false, false);
	if (type != ILB_MSG_FWD)
		ilb_cls_add(cl, ILB_CLS_CTRL_TX_BYTES, len);
	if (type == ILB_MSG_SYNC)
		ilb_cls_add(cl, ILB_CLS_SYNC_TX_BYTES, len);
	return 0;
}

int ilb_cl_send(struct ilb_cluster *cl, u8 type, u32 to, __be32 daddr,
		int oif, const void *body, unsigned int len)
{
	struct sk_buff *skb = ilb_cl_skb(body, len);
	int err;

	if (!skb)
		return -ENOMEM;
	local_bh_disable();
	err = ilb_cl_xmit(cl, skb, type, READ_ONCE(cl->epoch), to, daddr,
			  oif, cl->port, 0);
	local_bh_enable();
	return err;
}

/* A configured unicast peer? */
static bool ilb_cl_is_peer(const struct ilb_cluster *cl, __be32 saddr)
{
	unsigned int i;

	for (i = 0; i < cl->npeers; i++)
		if (cl->peers[i] == saddr)
			return true;
	return false;
}

/*
 * Where a datagram came from: to this node's cluster address, or to the
 * group on the cluster link; from a configured peer, or else on the link
 * with TTL 255. Returns 0 or the counter of the refusal.
 */
static int ilb_cl_origin(const struct ilb_cluster *cl,
			 const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	bool on_link = skb->skb_iif == cl->ifindex;

	if (iph->daddr != cl->addr &&
	    !(on_link && iph->daddr == htonl(ILB_CLUSTER_GROUP)))
		return ILB_CLS_NOT_FOR_US;
	if (ilb_cl_is_peer(cl, iph->saddr))
		return 0;	/* a configured peer may be routers away */
	if (on_link)
		return iph->ttl == ILB_CL_TTL ? 0 : ILB_CLS_TTL;
	return ILB_CLS_NOT_FOR_US;
}

/*
 * The key and the tag: an insecure node takes only untagged messages, a
 * keyed one only tags that verify under a key it accepts.
 */
static int ilb_cl_auth(struct ilb_cluster *cl, const struct ilb_msg_hdr *h,
		       const struct sk_buff *skb, unsigned int off)
{
	const struct ilb_cl_keys *ks = rcu_dereference(cl->keys);

	if (!ks)
		return h->key_id ? ILB_CLS_UNKNOWN_KEY : 0;
	if (!h->key_id)
		return ILB_CLS_UNKNOWN_KEY;
	/* heartbeats are for all, anything else for this member alone */
	switch (ilb_auth_verify(ks, h->key_id, skb, off,
				h->type == ILB_MSG_HELLO ? 0 : cl->id)) {
	case 0:
		return 0;
	case -ENOKEY:
		return ILB_CLS_UNKNOWN_KEY;
	default:
		return ILB_CLS_MAC_FAIL;
	}
}

/* Is @h (not a hello) new from @p's current incarnation? Records it. */
static int ilb_cl_fresh(struct ilb_peer *p, const struct ilb_msg_hdr *h)
{
	int ret = 0;

	spin_lock(&p->rx_lock);
	if (h->incarnation != p->rx_incarnation)
		/* older: stale; newer: its heartbeat must come first */
		ret = ILB_CLS_STALE_INCARNATION;
	else if (!ilb_replay_update(&p->replay, h->seq))
		ret = ILB_CLS_REPLAY;
	spin_unlock(&p->rx_lock);
	return ret;
}

/* Cheap early refusal before the MAC: replays and older incarnations. */
static int ilb_cl_precheck(struct ilb_peer *p, const struct ilb_msg_hdr *h)
{
	int ret = 0;

	spin_lock(&p->rx_lock);
	if (h->incarnation < p->rx_incarnation)
		ret = ILB_CLS_STALE_INCARNATION;
	else if (h->incarnation == p->rx_incarnation &&
		 !ilb_replay_check(&p->replay, h->seq))
		ret = ILB_CLS_REPLAY;
	spin_unlock(&p->rx_lock);
	return ret;
}

static int ilb_cl_refuse(struct ilb_cluster *cl, struct sk_buff *skb, int why)
{
	ilb_cls_inc(cl, why);
	kfree_skb(skb);
	return 0;
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
	struct ilb_peer *p = NULL;
	struct ilb_msg m;
	int hlen, why;

	if (!cl || READ_ONCE(cl->dying)) {
		kfree_skb(skb);
		return 0;
	}
	why = ilb_cl_origin(cl, skb);
	if (why)
		return ilb_cl_refuse(cl, skb, why);
	if (!pskb_may_pull(skb, off + ILB_WIRE_HDR_LEN))
		return ilb_cl_refuse(cl, skb, ILB_CLS_BAD_MSG);
	hlen = ilb_wire_parse_hdr(skb->data + off, skb->len - off, &m.hdr);
	if (hlen < 0)
		return ilb_cl_refuse(cl, skb, ILB_CLS_BAD_MSG);
	/* forwarded packets: only the headers need to be linear */
	if (m.hdr.type == ILB_MSG_FWD ?
	    !pskb_may_pull(skb, off + hlen + sizeof(struct iphdr)) :
	    skb_linearize(skb))
		return ilb_cl_refuse(cl, skb, ILB_CLS_BAD_MSG);
	if (m.hdr.cluster != cl->cluster_id || m.hdr.sender == cl->id)
		return ilb_cl_refuse(cl, skb, ILB_CLS_FOREIGN);
	p = ilb_cluster_member(cl, m.hdr.sender);
	if (p) {
		why = ilb_cl_precheck(p, &m.hdr);
		if (why)
			return ilb_cl_refuse(cl, skb, why);
	} else if (m.hdr.type != ILB_MSG_HELLO) {
		return ilb_cl_refuse(cl, skb, ILB_CLS_FOREIGN);
	}
	why = ilb_cl_auth(cl, &m.hdr, skb, off);
	if (why)
		return ilb_cl_refuse(cl, skb, why);
	/* authentic from here: its body is parsed, then its number taken */
	m.hdr.tag = NULL;
	m.body = skb->data + off + hlen;
	m.body_len = skb->len - off - hlen;
	if (ilb_wire_parse_body(m.body, m.body_len, &m))
		return ilb_cl_refuse(cl, skb, ILB_CLS_BAD_MSG);
	if (m.hdr.type == ILB_MSG_HELLO) {
		/* the replay window is taken with the member's entry */
		ilb_cluster_hello_rcv(cl, &m, saddr);
		kfree_skb(skb);
		return 0;
	}
	why = ilb_cl_fresh(p, &m.hdr);
	if (why)
		return ilb_cl_refuse(cl, skb, why);
	/* everything else only from a member in the view, at its address */
	if (READ_ONCE(p->state) != ILB_MEMBER_ALIVE || p->addr != saddr)
		return ilb_cl_refuse(cl, skb, ILB_CLS_FOREIGN);
	if (m.hdr.epoch != READ_ONCE(cl->epoch))
		ilb_cls_inc(cl, ILB_CLS_EPOCH_MISMATCH);
	switch (m.hdr.type) {
	case ILB_MSG_SYNC:
		ilb_sync_rcv(cl, p, &m);
		break;
	case ILB_MSG_ACK:
		ilb_cls_inc(cl, ILB_CLS_ACK_RX);
		ilb_peer_ack_rcv(cl, p, &m.ack);
		break;
	case ILB_MSG_FWD:
		ilb_fwd_rcv(cl, skb, &m, off + hlen);
		return 0;
	}
	kfree_skb(skb);
	return 0;
}

int ilb_cl_socket_open(struct ilb_cluster *cl, struct net *net,
		       struct netlink_ext_ack *extack)
{
	struct udp_port_cfg conf = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = cl->port,
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = cl,
		.encap_type = 1,
		.encap_rcv = ilb_cluster_udp_rcv,
	};
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = htonl(ILB_CLUSTER_GROUP),
		.imr_ifindex = cl->ifindex,
	};
	int off = 0;
	int err;

	err = udp_sock_create(net, &conf, &cl->sock);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot bind the cluster UDP port");
		return err;
	}
	/* our own heartbeats are not looped back to us */
	err = cl->sock->ops->setsockopt(cl->sock, SOL_IP, IP_MULTICAST_LOOP,
					KERNEL_SOCKPTR(&off), sizeof(off));
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot turn off multicast loop");
		udp_tunnel_sock_release(cl->sock);
		cl->sock = NULL;
		return err;
	}
	rtnl_lock();
	err = ip_mc_join_group(cl->sock->sk, &mreq);
	rtnl_unlock();
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot join the heartbeat group on dev");
		udp_tunnel_sock_release(cl->sock);
		cl->sock = NULL;
		return err;
	}
	setup_udp_tunnel_sock(net, cl->sock, &tcfg);
	return 0;
}

void ilb_cl_socket_close(struct ilb_cluster *cl)
{
	udp_tunnel_sock_release(cl->sock);
	cl->sock = NULL;
}
