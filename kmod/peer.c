// SPDX-License-Identifier: GPL-2.0
/*
 * Members and the reliable channel to each: records are batched into
 * sync messages, numbered within a session and kept until acknowledged
 * (go-back-N: the receiver takes only the next one in order). A session
 * only grows within this node's incarnation; the channel starts a new one
 * when the member returns or restarts, when the receiver names a later
 * one, or after ILB_SYNC_RTO_RESET timeouts without an ack, so that no
 * datagram, stray or forged, can stall it.
 */
#include <linux/slab.h>

#include "cluster.h"
#include "peer.h"

struct ilb_peer *ilb_peer_new(u32 id, __be32 addr, gfp_t gfp)
{
	struct ilb_peer *p = kzalloc(sizeof(*p), gfp);

	if (!p)
		return NULL;
	p->id = id;
	p->addr = addr;
	p->state = ILB_MEMBER_DEAD;
	spin_lock_init(&p->rx_lock);
	ilb_replay_init(&p->replay);
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->txq);
	p->tx_session = 1;
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
	if (!++p->tx_session)
		p->tx_session = 1;
	p->tx_seq = 0;
	p->rto_count = 0;
	p->ack_due = false;
	/* what it had of our counts may be lost: all of them next round */
	WRITE_ONCE(p->count_full, true);
	spin_unlock_bh(&p->lock);
}

/*
 * A new session above @above for what is queued: renumbered from 1 and
 * sent again. p->lock held.
 */
static void ilb_peer_restart(struct ilb_cluster *cl, struct ilb_peer *p,
			     u32 above)
{
	struct ilb_txmsg *m;

	p->tx_session = max(p->tx_session, above) + 1;
	if (!p->tx_session)		/* never 0: start over at 1 */
		p->tx_session = 1;
	p->tx_seq = 0;
	p->rto_count = 0;
	list_for_each_entry(m, &p->txq, list) {
		m->seq = ++p->tx_seq;
		m->sent = 0;
		ilb_wire_put_sync(m->data, p->tx_session, m->seq);
	}
	ilb_cls_inc(cl, ILB_CLS_SESSION_RESET);
}

bool ilb_peer_busy(struct ilb_peer *p)
{
	return !list_empty(&p->txq) || READ_ONCE(p->fill) ||
	       READ_ONCE(p->ack_due);
}

/* Close the message being filled: number it. */
static void ilb_peer_seal(struct ilb_peer *p)
{
	struct ilb_txmsg *m = p->fill;

	m->seq = ++p->tx_seq;
	ilb_wire_put_sync(m->data, p->tx_session, m->seq);
	list_add_tail(&m->list, &p->txq);
	p->txq_len++;
	p->fill = NULL;
}

/* Queue the encoded record @rec of @size bytes for @p. */
static bool ilb_peer_queue_bytes(struct ilb_cluster *cl, struct ilb_peer *p,
				 const u8 *rec, unsigned int size, bool bulk)
{
	struct mem_cgroup *memcg;
	struct ilb_txmsg *m;

	spin_lock_bh(&p->lock);
	if (READ_ONCE(p->state) != ILB_MEMBER_ALIVE)
		goto drop;
	m = p->fill;
	if (m && m->len + size > ILB_SYNC_BODY_MAX) {
		ilb_peer_seal(p);
		m = NULL;
	}
	if (!m) {
		if (p->txq_len >= (bulk ? ILB_SYNC_QUEUE_BULK :
				   ILB_SYNC_QUEUE_MAX))
			goto drop;
		memcg = ilb_memcg_enter(cl->in);
		m = kmalloc(sizeof(*m), GFP_ATOMIC | __GFP_ACCOUNT);
		ilb_memcg_exit(memcg);
		if (!m)
			goto drop;
		m->seq = 0;
		m->sent = 0;
		m->nrecs = 0;
		m->len = ILB_WIRE_SYNC_LEN;
		p->fill = m;
	}
	memcpy(m->data + m->len, rec, size);
	m->len += size;
	m->nrecs++;
	spin_unlock_bh(&p->lock);
	ilb_cls_inc(cl, ILB_CLS_RECS_TX);
	ilb_cluster_tx_kick(cl);
	return true;
drop:
	spin_unlock_bh(&p->lock);
	ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
	return false;
}

/* Queue a record for @p; false (counted) if it cannot be. Any context. */
bool ilb_peer_queue(struct ilb_cluster *cl, struct ilb_peer *p,
		    const struct ilb_rec *r, bool bulk)
{
	u8 buf[ILB_WIRE_TLV_HDR + ILB_WIRE_CONN6_LEN];

	/* one bad record would make the receiver refuse the whole message */
	if (ilb_wire_rec_check(r)) {
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
		return false;
	}
	return ilb_peer_queue_bytes(cl, p, buf, ilb_wire_put_conn(buf, r),
				    bulk);
}

/* The same for a persistence record. */
bool ilb_peer_queue_prec(struct ilb_cluster *cl, struct ilb_peer *p,
			 const struct ilb_prec *r, bool bulk)
{
	u8 buf[ILB_WIRE_TLV_HDR + ILB_WIRE_PERSIST6_LEN];

	if (ilb_wire_prec_check(r)) {
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
		return false;
	}
	return ilb_peer_queue_bytes(cl, p, buf, ilb_wire_put_persist(buf, r),
				    bulk);
}

/* The same for a connection count record. */
bool ilb_peer_queue_crec(struct ilb_cluster *cl, struct ilb_peer *p,
			 const struct ilb_crec *r)
{
	u8 buf[ILB_WIRE_TLV_HDR + ILB_WIRE_COUNT6_LEN];

	if (ilb_wire_crec_check(r)) {
		ilb_cls_inc(cl, ILB_CLS_SYNC_DROP);
		return false;
	}
	return ilb_peer_queue_bytes(cl, p, buf, ilb_wire_put_count(buf, r),
				    false);
}

/*
 * An ack (or nak) from @p, authenticated and fresh, on its own or riding
 * on a sync message. Softirq.
 */
void ilb_peer_ack_rcv(struct ilb_cluster *cl, struct ilb_peer *p,
		      const struct ilb_msg_ack *a)
{
	struct ilb_txmsg *m, *tmp;
	bool kick = false;

	spin_lock(&p->lock);
	if (a->session == p->tx_session) {
		list_for_each_entry_safe(m, tmp, &p->txq, list) {
			if (!m->sent || m->seq > a->ack)
				break;
			list_del(&m->list);
			p->txq_len--;
			p->rto_count = 0;
			kfree(m);
		}
	} else if ((a->flags & ILB_ACK_F_NAK) && a->session > p->tx_session) {
		/* it is in a later session than ours: start one above it */
		ilb_peer_restart(cl, p, a->session);
		kick = true;
	}
	spin_unlock(&p->lock);
	if (kick)
		ilb_cluster_tx_kick(cl);
}

static unsigned long ilb_cl_rto(const struct ilb_cluster *cl)
{
	return msecs_to_jiffies(max(20U, cl->hello_ms / 2));
}

static void ilb_peer_out(struct sk_buff_head *out, struct sk_buff *skb,
			 u8 type)
{
	skb->cb[0] = type;
	__skb_queue_tail(out, skb);
}

/* The ack we owe @p, then nothing owed. p->lock held. */
static void ilb_peer_take_ack(struct ilb_peer *p, struct ilb_msg_ack *a)
{
	a->session = p->rx_session;
	a->ack = p->rx_next - 1;
	a->flags = p->nak_due ? ILB_ACK_F_NAK : 0;
	p->ack_due = false;
	p->nak_due = false;
}

/*
 * An ack on its own waits a moment (ILB_ACK_DELAY_MS, ilb_cluster_ack_kick)
 * for a sync message to ride on, and covers every message that arrived
 * meanwhile; a nak goes at once.
 */
static bool ilb_peer_ack_now(const struct ilb_peer *p, unsigned long now)
{
	return p->nak_due ||
	       !time_before(now, p->ack_at + msecs_to_jiffies(ILB_ACK_DELAY_MS));
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
		ilb_peer_seal(p);
	m = list_first_entry_or_null(&p->txq, struct ilb_txmsg, list);
	if (m && m->sent && !time_before(now, m->sent + rto) &&
	    ++p->rto_count >= ILB_SYNC_RTO_RESET)
		/* no ack for that long: whatever the receiver holds, restart */
		ilb_peer_restart(cl, p, 0);
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
		if (p->ack_due && p->rx_session) {
			struct ilb_msg_ack a;

			ilb_peer_take_ack(p, &a);
			ilb_wire_put_ack_rec(skb_put(skb, ILB_WIRE_ACK_REC_LEN),
					     &a);
		}
		if (m->sent)
			ilb_cls_inc(cl, ILB_CLS_RETRANS);
		ilb_cls_inc(cl, ILB_CLS_SYNC_TX);
		m->sent = now;
		inflight++;
		ilb_peer_out(out, skb, ILB_MSG_SYNC);
	}
	if (p->ack_due && !p->rx_session) {
		/* nothing of ours to ack yet (a nak of a stray): nothing due */
		p->ack_due = false;
		p->nak_due = false;
	}
	if (p->ack_due && !ilb_peer_ack_now(p, now))
		ilb_cluster_ack_kick(cl);	/* not yet: in a moment */
	else if (p->ack_due) {
		struct ilb_msg_ack a;
		u8 buf[ILB_WIRE_ACK_LEN];

		ilb_peer_take_ack(p, &a);
		ilb_wire_put_ack(buf, &a);
		skb = ilb_cl_skb(buf, sizeof(buf));
		if (skb) {
			ilb_cls_inc(cl, ILB_CLS_ACK_TX);
			ilb_peer_out(out, skb, ILB_MSG_ACK);
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
		struct ilb_peer *p;
		__be32 addr;
		u32 id;

		/* a reclaimed member is freed after a grace period */
		rcu_read_lock();
		p = READ_ONCE(cl->mbr[i]);
		if (!p || READ_ONCE(p->state) != ILB_MEMBER_ALIVE ||
		    !ilb_peer_busy(p)) {
			rcu_read_unlock();
			continue;
		}
		spin_lock_bh(&p->lock);
		ilb_peer_collect(cl, p, &out);
		addr = p->addr;
		id = p->id;
		spin_unlock_bh(&p->lock);
		local_bh_disable();
		while ((skb = __skb_dequeue(&out)))
			ilb_cl_xmit(cl, skb, skb->cb[0], READ_ONCE(cl->epoch),
				    id, addr, 0, cl->port, 0);
		local_bh_enable();
		rcu_read_unlock();
	}
}
