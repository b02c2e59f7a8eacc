// SPDX-License-Identifier: GPL-2.0
/*
 * Members and the reliable channel to each: association records are
 * batched into sync messages, numbered within a session and kept until
 * acknowledged (go-back-N: the receiver takes only the next one in order).
 */
#include <linux/slab.h>
#include <linux/random.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "cluster.h"

struct ilb_peer *ilb_peer_new(u32 id, __be32 addr, gfp_t gfp)
{
	struct ilb_peer *p = kzalloc(sizeof(*p), gfp);

	if (!p)
		return NULL;
	p->id = id;
	p->addr = addr;
	p->state = ILB_MEMBER_DEAD;
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->txq);
	p->tx_session = get_random_u32() | 1;
	return p;
}

static void ilb_peer_purge(struct ilb_peer *p)
{
	struct ilb_txmsg *m, *tmp;

	list_for_each_entry_safe(m, tmp, &p->txq, list)
		kfree(m);
	INIT_LIST_HEAD(&p->txq);
	p->txq_len = 0;
	kfree(p->fill);
	p->fill = NULL;
}

void ilb_peer_free(struct ilb_peer *p)
{
	ilb_peer_purge(p);
	kfree(p);
}

/* Start a new session towards @p: it (re)joined or left. */
void ilb_peer_reset_tx(struct ilb_peer *p)
{
	spin_lock_bh(&p->lock);
	ilb_peer_purge(p);
	p->tx_session = get_random_u32() | 1;
	p->tx_seq = 0;
	p->ack_due = false;
	spin_unlock_bh(&p->lock);
}

bool ilb_peer_busy(struct ilb_peer *p)
{
	return !list_empty(&p->txq) || READ_ONCE(p->fill) ||
	       READ_ONCE(p->ack_due);
}

/* Close the message being filled: number it, write its headers. */
static void ilb_peer_seal(struct ilb_cluster *cl, struct ilb_peer *p)
{
	struct ilb_txmsg *m = p->fill;
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = ILB_MSG_SYNC,
		.cluster = cl->cluster_id,
		.sender = cl->id,
		.epoch = READ_ONCE(cl->epoch),
	};

	m->seq = ++p->tx_seq;
	ilb_wire_put_hdr(m->data, &h);
	ilb_wire_put_sync(m->data + ILB_WIRE_HDR_LEN, p->tx_session, m->seq,
			  m->nrecs);
	list_add_tail(&m->list, &p->txq);
	p->txq_len++;
	p->fill = NULL;
}

/* Queue a record for @p; false (counted) if it cannot be. Any context. */
bool ilb_peer_queue(struct ilb_cluster *cl, struct ilb_peer *p,
		    const struct ilb_rec *r, bool bulk)
{
	struct ilb_txmsg *m;

	/* one bad record would stall the channel: the receiver rejects it */
	if (ilb_wire_rec_check(r)) {
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
		return false;
	}
	spin_lock_bh(&p->lock);
	if (READ_ONCE(p->state) != ILB_MEMBER_ALIVE)
		goto drop;
	m = p->fill;
	if (!m) {
		if (p->txq_len >= (bulk ? ILB_SYNC_QUEUE_BULK :
				   ILB_SYNC_QUEUE_MAX))
			goto drop;
		m = kmalloc(sizeof(*m), GFP_ATOMIC);
		if (!m)
			goto drop;
		m->seq = 0;
		m->sent = 0;
		m->nrecs = 0;
		m->len = ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN;
		p->fill = m;
	}
	m->len += ilb_wire_put_rec(m->data + m->len, r);
	if (++m->nrecs == ILB_WIRE_MAX_RECS)
		ilb_peer_seal(cl, p);
	spin_unlock_bh(&p->lock);
	ilb_cls_inc(cl, ILB_CLS_RECS_TX);
	ilb_cluster_tx_kick(cl);
	return true;
drop:
	spin_unlock_bh(&p->lock);
	ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
	return false;
}

void ilb_peer_ack_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		      const struct ilb_msg_ack *a)
{
	struct ilb_txmsg *m, *tmp;

	spin_lock(&p->lock);
	if (a->session == p->tx_session) {
		list_for_each_entry_safe(m, tmp, &p->txq, list) {
			if (!m->sent || m->seq > a->ack)
				break;
			list_del(&m->list);
			p->txq_len--;
			kfree(m);
		}
	}
	spin_unlock(&p->lock);
	ilb_cls_inc(cl, ILB_CLS_ACK_RX);
}

static struct sk_buff *ilb_cl_skb(const void *data, unsigned int len)
{
	unsigned int room = LL_MAX_HEADER + sizeof(struct iphdr) +
			    sizeof(struct udphdr);
	struct sk_buff *skb = alloc_skb(room + len, GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_reserve(skb, room);
	skb_put_data(skb, data, len);
	return skb;
}

/* Send @skb (its payload) to @daddr on the cluster port. Consumes it. */
static int ilb_cl_xmit(struct ilb_cluster *cl, struct sk_buff *skb,
		       __be32 daddr, int oif)
{
	struct flowi4 fl4 = {
		.daddr = daddr,
		.saddr = cl->addr,
		.flowi4_oif = oif,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = cl->port,
		.fl4_dport = cl->port,
	};
	bool mc = ipv4_is_multicast(daddr);
	unsigned int len = skb->len;
	struct rtable *rt;

	rt = ip_route_output_key(cl->in->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	udp_tunnel_xmit_skb(rt, cl->sock->sk, skb, fl4.saddr, daddr, 0,
			    mc ? 1 : 64, 0, cl->port, cl->port, false, false);
	ilb_cls_add(cl, ILB_CLS_CTRL_TX_BYTES, len);
	return 0;
}

int ilb_cluster_send(struct ilb_cluster *cl, __be32 daddr, int oif,
		     const void *data, unsigned int len)
{
	struct sk_buff *skb = ilb_cl_skb(data, len);
	int err;

	if (!skb)
		return -ENOMEM;
	local_bh_disable();
	err = ilb_cl_xmit(cl, skb, daddr, oif);
	local_bh_enable();
	return err;
}

static unsigned long ilb_cl_rto(const struct ilb_cluster *cl)
{
	return msecs_to_jiffies(max(20U, cl->hello_ms / 2));
}

/* Collect what @p is due: new messages within the window, retransmits
 * of timed-out ones, an ack. Under p->lock; the skbs go out after.
 */
static void ilb_peer_collect(struct ilb_cluster *cl, struct ilb_peer *p,
			     struct sk_buff_head *out)
{
	unsigned long now = jiffies, rto = ilb_cl_rto(cl);
	unsigned int inflight = 0;
	struct ilb_txmsg *m;
	struct sk_buff *skb;

	if (p->fill)
		ilb_peer_seal(cl, p);
	list_for_each_entry(m, &p->txq, list) {
		if (m->sent && time_before(now, m->sent + rto)) {
			inflight++;
			continue;
		}
		if (!m->sent && inflight >= ILB_SYNC_WINDOW)
			break;
		skb = ilb_cl_skb(m->data, m->len);
		if (!skb)
			break;
		if (m->sent)
			ilb_cls_inc(cl, ILB_CLS_RETRANS);
		ilb_cls_inc(cl, ILB_CLS_SYNC_TX);
		ilb_cls_add(cl, ILB_CLS_SYNC_TX_BYTES, m->len);
		m->sent = now;
		inflight++;
		__skb_queue_tail(out, skb);
	}
	if (p->ack_due) {
		u8 buf[ILB_WIRE_HDR_LEN + ILB_WIRE_ACK_LEN];
		struct ilb_msg_hdr h = {
			.version = ILB_WIRE_VERSION,
			.type = ILB_MSG_ACK,
			.cluster = cl->cluster_id,
			.sender = cl->id,
			.epoch = READ_ONCE(cl->epoch),
		};
		struct ilb_msg_ack a = {
			.session = p->rx_session,
			.ack = p->rx_next - 1,
		};
		unsigned int len = ilb_wire_put_hdr(buf, &h);

		len += ilb_wire_put_ack(buf + len, &a);
		skb = ilb_cl_skb(buf, len);
		if (skb) {
			p->ack_due = false;
			ilb_cls_inc(cl, ILB_CLS_ACK_TX);
			__skb_queue_tail(out, skb);
		}
	}
}

void ilb_peer_tx_work(struct work_struct *work)
{
	struct ilb_cluster *cl = container_of(work, struct ilb_cluster,
					      tx_work);
	struct sk_buff_head out;
	struct sk_buff *skb;
	unsigned int i;

	if (READ_ONCE(cl->dying))
		return;
	__skb_queue_head_init(&out);
	for (i = 0; i < ilb_cluster_nmbr(cl); i++) {
		struct ilb_peer *p = cl->mbr[i];
		__be32 addr;

		if (READ_ONCE(p->state) != ILB_MEMBER_ALIVE ||
		    !ilb_peer_busy(p))
			continue;
		spin_lock_bh(&p->lock);
		ilb_peer_collect(cl, p, &out);
		addr = p->addr;
		spin_unlock_bh(&p->lock);
		local_bh_disable();
		while ((skb = __skb_dequeue(&out)))
			ilb_cl_xmit(cl, skb, addr, 0);
		local_bh_enable();
	}
}
