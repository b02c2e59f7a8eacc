// SPDX-License-Identifier: GPL-2.0
/*
 * The data path. PRE_ROUTING sees clients' packets to virtual services,
 * replies of real servers and ICMP errors; LOCAL_OUT sees replies of
 * servers on this node (fwd local) and ICMP errors this node sends.
 * Both run just before conntrack, which is told to leave our packets alone.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "cache.h"
#include "cluster.h"
#include "conn.h"
#include "fwd.h"
#include "hook.h"
#include "nat.h"
#include "persist.h"
#include "service.h"
#include "sync.h"
#include "sync_persist.h"
#include "xmit.h"

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

static void ilb_notrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	if (!skb_nfct(skb))
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
#endif
}

/* A packet to a service that no entry knows: schedule it. */
static bool ilb_opens(const struct ilb_service *svc, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	return svc->proto != IPPROTO_TCP || (th->syn && !th->ack && !th->rst);
}

static struct ilb_conn *ilb_new_conn(struct ilb_net *in,
				     struct ilb_conn_table *t,
				     struct ilb_service *svc, struct sk_buff *skb,
				     const struct iphdr *iph, const __be16 *ports,
				     const struct ilb_conn_owner *own,
				     bool *pr_changed)
{
	struct ilb_persist *pr = NULL;
	struct ilb_server *srv;
	struct ilb_conn *cp;
	int err;

	if (!ilb_opens(svc, skb)) {
		ilb_stat_inc(in, ILB_STAT_NO_CONN);
		return NULL;
	}
	if (READ_ONCE(svc->persist))
		srv = ilb_persist_schedule(in, svc, iph->saddr, ports[0], own,
					   &pr, pr_changed);
	else
		srv = ilb_schedule(svc, iph->saddr, ports[0]);
	if (!srv) {
		ilb_stat_inc(in, ILB_STAT_NO_SERVER);
		return NULL;
	}
	cp = ilb_conn_create(in, t, svc, srv, pr, iph->saddr, ports[0], own,
			     &err);
	if (!cp)
		ilb_stat_inc(in, err == -ENOSPC ? ILB_STAT_TABLE_FULL :
				 ILB_STAT_XMIT_ERR);
	return cp;
}

/*
 * A reply of a NAT server with no entry here: the server and the client
 * name the connection, so forward it to the connection's owner.
 */
static unsigned int ilb_reply_miss(struct ilb_net *in, struct ilb_cluster *cl,
				   struct sk_buff *skb,
				   const struct iphdr *iph, const __be16 *ports)
{
	struct ilb_owners_ref own;
	struct ilb_service *svc;
	struct ilb_view *v;

	svc = ilb_service_by_server(in, iph->protocol, iph->saddr, ports[0]);
	/* not for a client: to this node (health checks, ...) */
	if (!svc || inet_addr_type(in->net, iph->daddr) == RTN_LOCAL)
		return NF_ACCEPT;
	v = rcu_dereference(cl->view);
	ilb_cluster_owners(cl, v, svc, iph->daddr, ports[1], svc->addr,
			   svc->port, &own);
	if (!own.pp)
		return NF_ACCEPT;	/* ours, unknown: not a reply of ours */
	return ilb_fwd_xmit(cl, v, skb, own.pp);
}

/*
 * A packet of a new connection in a cluster: forward it to its primary
 * owner, or say how this node keeps the connection it is about to create.
 * Returns NF_STOLEN, NF_DROP or NF_ACCEPT (create it, with @own filled).
 */
static unsigned int ilb_cluster_new(struct ilb_cluster *cl,
				    struct ilb_service *svc,
				    struct sk_buff *skb, const struct iphdr *iph,
				    const __be16 *ports,
				    const struct ilb_fwd_info *fi,
				    struct ilb_owners_ref *o,
				    struct ilb_conn_owner *own)
{
	struct ilb_view *v = rcu_dereference(cl->view);

	ilb_cluster_owners(cl, v, svc, iph->saddr, ports[0], iph->daddr,
			   ports[1], o);
	own->has_state = false;
	own->primary = o->primary;
	own->backup = o->backup;
	own->role = ILB_ROLE_OWNED;
	if (o->primary == cl->id)
		return NF_ACCEPT;
	if (!fi)
		return ilb_fwd_xmit(cl, v, skb, o->pp);
	/*
	 * Forwarded here, yet by this node's view another member owns it:
	 * views differ for a moment. Never forward twice; a new connection
	 * is scheduled here and its owners told, anything else is dropped.
	 */
	if (!ilb_opens(svc, skb)) {
		ilb_cls_inc(cl, ILB_CLS_FWD_LOOP);
		return NF_DROP;
	}
	ilb_cls_inc(cl, ILB_CLS_FWD_ADOPT);
	own->role = o->backup == cl->id ? ILB_ROLE_BACKUP : ILB_ROLE_CACHE;
	return NF_ACCEPT;
}

/*
 * A packet to a VIP that no service takes (another port, a ping): handed to
 * the local stack if the VIP is one of the node's own addresses, which then
 * answers as for any closed port; else dropped. Never routed on: in front
 * of the node is the router that sent it here. Counted in no_service.
 */
unsigned int ilb_vip_miss(struct ilb_net *in, __be32 daddr)
{
	ilb_stat_inc(in, ILB_STAT_NO_SERVICE);
	if (inet_addr_type(in->net, daddr) == RTN_LOCAL)
		return NF_ACCEPT;
	return NF_DROP;
}

unsigned int ilb_handle(struct ilb_net *in, struct sk_buff *skb,
			bool local_out, struct ilb_fwd_info *fi)
{
	struct ilb_conn_table *t = rcu_dereference(in->conns);
	struct ilb_cluster *cl = rcu_dereference(in->cl);
	struct ilb_conn_owner own, *ownp = NULL;
	struct ilb_service *svc = NULL;
	struct ilb_owners_ref o;
	const struct iphdr *iph;
	struct ilb_conn *cp;
	bool vip = false, created = false, pr_changed = false;
	unsigned int thoff, len, verdict;
	const __be16 *ports;
	u8 old_state;
	int dir;

	/* IPv4 input already checked the IP header; be sure anyway. */
	if (!pskb_may_pull(skb, sizeof(*iph)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		return NF_ACCEPT;
	ilb_stat_inc(in, ILB_STAT_INSPECTED);
	if (!t)
		return NF_ACCEPT;	/* no service was ever configured */
	iph = ip_hdr(skb);
	if (iph->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;	/* only first fragments carry ports */
	if (iph->protocol == IPPROTO_ICMP)
		return ilb_icmp_handle(in, skb, local_out);
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	thoff = iph->ihl * 4;
	if (!ilb_l4_ok(skb, iph->protocol, thoff)) {
		/* Ours to drop only when it is addressed to a VIP. */
		iph = ip_hdr(skb);
		ilb_service_find(in, iph->protocol, iph->daddr, 0, &vip);
		if (vip)
			goto bad;
		return NF_ACCEPT;
	}
	skb_set_transport_header(skb, thoff);
	iph = ip_hdr(skb);
	ports = (const __be16 *)(skb->data + thoff);
	len = skb->len;
	/* the cluster's own messages, forwarded packets included */
	if (cl && iph->protocol == IPPROTO_UDP && ports[1] == cl->port &&
	    iph->daddr == cl->addr)
		return NF_ACCEPT;

again:
	cp = ilb_conn_lookup(t, iph->protocol, iph->saddr, ports[0],
			     iph->daddr, ports[1], &dir);
	if (!cp) {
		if (local_out)
			return NF_ACCEPT;
		svc = ilb_service_find(in, iph->protocol, iph->daddr, ports[1],
				       &vip);
		if (!svc) {
			if (vip)
				return ilb_vip_miss(in, iph->daddr);
			if (cl && !fi)
				return ilb_reply_miss(in, cl, skb, iph, ports);
			return NF_ACCEPT;
		}
		/* no connection can come from port 0 or 0.0.0.0 */
		if (unlikely(!ports[0] || ipv4_is_zeronet(iph->saddr)))
			goto bad;
		if (cl) {
			verdict = ilb_cluster_new(cl, svc, skb, iph, ports, fi,
						  &o, &own);
			if (verdict != NF_ACCEPT)
				return verdict;
			ownp = &own;
		}
		cp = ilb_new_conn(in, t, svc, skb, iph, ports, ownp,
				  &pr_changed);
		if (!cp)
			return NF_DROP;
		created = true;
		dir = 0;
		if (cl) {
			ilb_sync_new_conn(cl, cp, &o, fi ? fi->sender : 0);
			/* a new or moved persistence record: to its owners */
			if (pr_changed && cp->pr)
				ilb_psync_send(cl, cp->pr, ILB_REC_ADD);
			if (own.role == ILB_ROLE_CACHE && READ_ONCE(cl->cache_max))
				ilb_cache_add(in, t, cp, cl->cache_max);
		}
	} else if (local_out && !dir) {
		return NF_ACCEPT;
	}

	old_state = READ_ONCE(cp->state);
	if (cp->proto == IPPROTO_TCP) {
		const struct tcphdr *th = tcp_hdr(skb);

		/* A new SYN on a closing entry: the client reuses its port. */
		if (!dir && !created && th->syn && !th->ack &&
		    (cp->state == ILB_CS_FIN || cp->state == ILB_CS_CLOSE)) {
			ilb_conn_expire(in, t, cp);
			goto again;
		}
		ilb_conn_track_tcp(in, cp, dir, th);
	} else {
		ilb_conn_track_udp(in, cp, dir);
	}

	if (cl && cp->role != ILB_ROLE_LOCAL) {
		if (cp->role == ILB_ROLE_CACHE && !READ_ONCE(cp->lru_ref))
			WRITE_ONCE(cp->lru_ref, 1);
		if (!created)
			ilb_sync_seen(cl, cp, old_state);
		if (fi && !created && !dir)
			ilb_sync_teach(cl, cp, fi->sender);
		if (!dir)
			ilb_cls_inc(cl, ILB_CLS_DIRECT);
	}
	if (fi)
		fi->handled = true;
	ilb_tcnt_add(cp->srv->svc->cnt, !dir, len, created);
	ilb_tcnt_add(cp->srv->cnt, !dir, len, created);
	ilb_notrack(skb);

	if (dir) {
		/* A reply: route it as the server sent it, then restore the
		 * VIP (a local VIP as source would look martian to routing).
		 */
		if (!local_out && !skb_dst(skb) &&
		    ip_route_input_noref(skb, iph->daddr, iph->saddr,
					 iph->tos, skb->dev))
			goto xmit_err;
		if (ilb_nat_rewrite(skb, thoff, cp->proto, false, cp->vaddr,
				    cp->vport))
			goto xmit_err;
		return NF_ACCEPT;
	}
	if (cp->fwd == ILB_FWD_DR)
		return ilb_xmit_dr(in, skb, cp);
	if (cp->raddr != iph->daddr || cp->rport != ports[1])
		if (ilb_nat_rewrite(skb, thoff, cp->proto, true, cp->raddr,
				    cp->rport))
			goto xmit_err;
	return NF_ACCEPT;

xmit_err:
	ilb_stat_inc(in, ILB_STAT_XMIT_ERR);
	return NF_DROP;
bad:
	ilb_stat_inc(in, ILB_STAT_MALFORMED);
	return NF_DROP;
}

/*
 * The hooks can run in process context: LOCAL_OUT for local senders, and
 * PRE_ROUTING when an NFQUEUE verdict reinjects the packet (nf_reinject()).
 * The per-CPU counters, the dst caches and the cluster's send path need BHs
 * off.
 */
static unsigned int ilb_hook_bh(struct ilb_net *in, struct sk_buff *skb,
				bool out)
{
	unsigned int verdict;

	local_bh_disable();
	verdict = ilb_handle(in, skb, out, NULL);
	local_bh_enable();
	return verdict;
}

static unsigned int ilb_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return ilb_hook_bh(priv, skb, false);
}

static unsigned int ilb_hook_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return ilb_hook_bh(priv, skb, true);
}

static const struct nf_hook_ops ilb_hook_ops_tmpl[ILB_NUM_HOOKS] = {
	{
		.hook = ilb_hook_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
	},
	{
		.hook = ilb_hook_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
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
	/* fragments are reassembled before us (NF_IP_PRI_CONNTRACK_DEFRAG):
	 * only a whole datagram has the ports that pick its connection
	 */
	err = nf_defrag_ipv4_enable(in->net);
	if (err)
		return err;
	err = nf_register_net_hooks(in->net, ops, ILB_NUM_HOOKS);
	if (err) {
		nf_defrag_ipv4_disable(in->net);
		return err;
	}
	in->hooks_registered = true;
	return 0;
}

void ilb_hook_unregister(struct ilb_net *in)
{
	if (!in->hooks_registered)
		return;
	nf_unregister_net_hooks(in->net, in->hook_ops, ILB_NUM_HOOKS);
	nf_defrag_ipv4_disable(in->net);
	in->hooks_registered = false;
}

/*
 * The hooks are there only while the namespace has something for them, a
 * service or a cluster, as IPVS's: an unconfigured namespace's packets pay
 * nothing. Called under cfg_lock after every change of either.
 */
int ilb_hook_sync(struct ilb_net *in)
{
	bool want = in->nservices || rcu_access_pointer(in->cl);

	lockdep_assert_held(&in->cfg_lock);
	if (want == in->hooks_registered)
		return 0;
	if (!want) {
		ilb_hook_unregister(in);
		return 0;
	}
	return ilb_hook_register(in);
}
