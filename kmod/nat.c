// SPDX-License-Identifier: GPL-2.0
/*
 * Address and port rewriting with incremental checksums, and the ICMP
 * errors that quote a translated connection.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "conn.h"
#include "ilb.h"
#include "nat.h"
#include "service.h"

/* Rewrite the destination (@dst) or source of the packet at skb->data. */
int ilb_nat_rewrite(struct sk_buff *skb, unsigned int thoff, u8 proto,
		    bool dst, __be32 addr, __be16 port)
{
	unsigned int hl = proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
						 sizeof(struct udphdr);
	struct iphdr *iph;
	__sum16 *check;
	__be32 *a;
	__be16 *p;

	if (skb_ensure_writable(skb, thoff + hl))
		return -ENOMEM;
	iph = ip_hdr(skb);
	a = dst ? &iph->daddr : &iph->saddr;
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)(skb->data + thoff);

		p = dst ? &th->dest : &th->source;
		check = &th->check;
	} else {
		struct udphdr *uh = (struct udphdr *)(skb->data + thoff);

		p = dst ? &uh->dest : &uh->source;
		check = &uh->check;
		if (!*check && skb->ip_summed != CHECKSUM_PARTIAL)
			check = NULL;	/* no UDP checksum to keep */
	}
	if (check) {
		inet_proto_csum_replace4(check, skb, *a, addr, true);
		inet_proto_csum_replace2(check, skb, *p, port, false);
		if (proto == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	csum_replace4(&iph->check, *a, addr);
	*a = addr;
	*p = port;
	return 0;
}

static bool ilb_icmp_is_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

/*
 * An ICMP error quoting one of our connections:
 *  - about a client->server packet we translated (inner dst = server): it
 *    goes to the client; the inner destination becomes the VIP again;
 *  - about a reply we translated (inner src = VIP, outer dst = VIP): it
 *    goes to the server, outer and inner addresses become the server's.
 * Returns a netfilter verdict.
 */
int ilb_icmp_handle(struct ilb_net *in, struct sk_buff *skb, bool local_out)
{
	unsigned int ihl = ip_hdrlen(skb), ioff = ihl + sizeof(struct icmphdr);
	struct ilb_conn_table *t = rcu_dereference(in->conns);
	struct iphdr *iph, *inner;
	struct icmphdr *ich;
	struct ilb_conn *cp;
	unsigned int ithoff;
	__be16 *ports;
	int dir;

	if (!pskb_may_pull(skb, ioff))
		return NF_ACCEPT;
	ich = (struct icmphdr *)(skb->data + ihl);
	if (!ilb_icmp_is_error(ich->type)) {
		__be32 daddr = ip_hdr(skb)->daddr;
		bool vip = false;

		/* a ping to a VIP: no service answers it here */
		if (!local_out)
			ilb_service_find(in, 0, daddr, 0, &vip);
		return vip ? ilb_vip_miss(in, daddr) : NF_ACCEPT;
	}
	if (!pskb_may_pull(skb, ioff + sizeof(struct iphdr)))
		return NF_ACCEPT;
	inner = (struct iphdr *)(skb->data + ioff);
	if (inner->ihl < 5 || (inner->protocol != IPPROTO_TCP &&
			       inner->protocol != IPPROTO_UDP) ||
	    (inner->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	ithoff = ioff + inner->ihl * 4;
	if (!pskb_may_pull(skb, ithoff + 4))
		return NF_ACCEPT;
	inner = (struct iphdr *)(skb->data + ioff);
	ports = (__be16 *)(skb->data + ithoff);

	/* The quoted packet went the other way: look it up reversed. */
	cp = ilb_conn_lookup(t, inner->protocol, inner->daddr, ports[1],
			     inner->saddr, ports[0], &dir);
	if (!cp || cp->fwd == ILB_FWD_DR || (local_out && !dir))
		return NF_ACCEPT;
	if (skb_ensure_writable(skb, ithoff + 4))
		return NF_DROP;
	iph = ip_hdr(skb);
	inner = (struct iphdr *)(skb->data + ioff);
	ports = (__be16 *)(skb->data + ithoff);
	if (dir) {
		/* quoted: client -> server; make it client -> VIP, and the
		 * error come from the VIP, as IPVS does: the client knows of
		 * no server, nor of the hops behind the balancer
		 */
		csum_replace4(&inner->check, inner->daddr, cp->vaddr);
		inner->daddr = cp->vaddr;
		ports[1] = cp->vport;
		csum_replace4(&iph->check, iph->saddr, cp->vaddr);
		iph->saddr = cp->vaddr;
	} else {
		/* quoted: VIP -> client; the error goes to the server */
		if (iph->daddr != cp->vaddr)
			return NF_ACCEPT;
		csum_replace4(&inner->check, inner->saddr, cp->raddr);
		inner->saddr = cp->raddr;
		ports[0] = cp->rport;
		csum_replace4(&iph->check, iph->daddr, cp->raddr);
		iph->daddr = cp->raddr;
	}
	/* The quoted transport checksum is not checked by receivers; the
	 * ICMP checksum over the whole message is recomputed.
	 */
	ich = (struct icmphdr *)(skb->data + ihl);
	ich->checksum = 0;
	ich->checksum = csum_fold(skb_checksum(skb, ihl, skb->len - ihl, 0));
	skb->ip_summed = CHECKSUM_NONE;
	return NF_ACCEPT;
}
