// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster wire protocol (Documentation/cluster-protocol.rst): encoders
 * and a parser that trusts nothing. Every multi-byte field is read and
 * written byte by byte, big-endian, so the code needs no alignment and runs
 * the same on any host. Compiled both into ilb.ko and into the userspace
 * tests and fuzzers.
 */
#include "wire.h"
#include "uapi/linux/ilb.h"

#define ILB_IPPROTO_TCP		6
#define ILB_IPPROTO_UDP		17
#define ILB_IPV4_MIN_LEN	20

/* Header offsets. */
#define HDR_VERSION	0
#define HDR_TYPE	1
#define HDR_FLAGS	2
#define HDR_MAC_LEN	3
#define HDR_CLUSTER	4
#define HDR_SENDER	8
#define HDR_EPOCH	12

/* Hello body offsets. */
#define HELLO_ADDR	0
#define HELLO_WEIGHT	4
#define HELLO_MODE	6
#define HELLO_FLAGS	7
#define HELLO_HELLO_MS	8
#define HELLO_DEAD_MS	10
#define HELLO_OWNED	12
#define HELLO_NMEMBERS	16
#define HELLO_RSVD	18
#define HELLO_INCARN	20
#define HELLO_SEQ	24

/* Sync body offsets. */
#define SYNC_SESSION	0
#define SYNC_SEQ	4
#define SYNC_COUNT	8
#define SYNC_RSVD	10

/* Record offsets. */
#define REC_OP		0
#define REC_PROTO	1
#define REC_STATE	2
#define REC_FWD		3
#define REC_CADDR	4
#define REC_VADDR	8
#define REC_RADDR	12
#define REC_CPORT	16
#define REC_VPORT	18
#define REC_RPORT	20
#define REC_IDLE	22
#define REC_PRIMARY	24
#define REC_BACKUP	28

/* Ack body offsets. */
#define ACK_SESSION	0
#define ACK_ACK		4

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Network-order fields: copy their bytes in memory order. */
static __be32 get_be32(const __u8 *p)
{
	__be32 v;
	__u8 *d = (__u8 *)&v;

	d[0] = p[0];
	d[1] = p[1];
	d[2] = p[2];
	d[3] = p[3];
	return v;
}

static __be16 get_be16(const __u8 *p)
{
	__be16 v;
	__u8 *d = (__u8 *)&v;

	d[0] = p[0];
	d[1] = p[1];
	return v;
}

static void put_be32(__u8 *p, __be32 v)
{
	const __u8 *s = (const __u8 *)&v;

	p[0] = s[0];
	p[1] = s[1];
	p[2] = s[2];
	p[3] = s[3];
}

static void put_be16(__u8 *p, __be16 v)
{
	const __u8 *s = (const __u8 *)&v;

	p[0] = s[0];
	p[1] = s[1];
}

static int parse_hello(const __u8 *p, __u32 len, struct ilb_msg_hello *h)
{
	__u32 addr;

	if (len < ILB_WIRE_HELLO_LEN)
		return ILB_WIRE_ESHORT;
	if (len > ILB_WIRE_HELLO_LEN)
		return ILB_WIRE_ELEN;
	addr = get32(p + HELLO_ADDR);
	h->addr = get_be32(p + HELLO_ADDR);
	h->weight = get16(p + HELLO_WEIGHT);
	h->mode = p[HELLO_MODE];
	h->flags = p[HELLO_FLAGS];
	h->hello_ms = get16(p + HELLO_HELLO_MS);
	h->dead_ms = get16(p + HELLO_DEAD_MS);
	h->owned = get32(p + HELLO_OWNED);
	h->nmembers = get16(p + HELLO_NMEMBERS);
	h->incarnation = get32(p + HELLO_INCARN);
	h->seq = get32(p + HELLO_SEQ);

	/* unicast: not 0, not multicast (224/4), not limited broadcast */
	if (!addr || (addr & 0xf0000000) == 0xe0000000 || addr == 0xffffffff)
		return ILB_WIRE_EFIELD;
	if (h->mode >= __ILB_SCORE_MAX)
		return ILB_WIRE_EFIELD;
	if (h->flags & ~ILB_HELLO_F_KNOWN)
		return ILB_WIRE_EFIELD;
	if (h->hello_ms < ILB_HELLO_MS_MIN || h->hello_ms > ILB_HELLO_MS_MAX)
		return ILB_WIRE_EFIELD;
	if (h->dead_ms <= h->hello_ms || h->dead_ms > ILB_DEAD_MS_MAX)
		return ILB_WIRE_EFIELD;
	if (!h->nmembers || h->nmembers > ILB_CLUSTER_MAX_MEMBERS)
		return ILB_WIRE_EFIELD;
	if (get16(p + HELLO_RSVD))
		return ILB_WIRE_EFIELD;
	if (!h->incarnation)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

static int parse_sync(const __u8 *p, __u32 len, struct ilb_msg *m)
{
	struct ilb_msg_sync *s = &m->sync;
	struct ilb_rec r;
	unsigned int i;
	int err;

	if (len < ILB_WIRE_SYNC_LEN)
		return ILB_WIRE_ESHORT;
	s->session = get32(p + SYNC_SESSION);
	s->seq = get32(p + SYNC_SEQ);
	s->count = get16(p + SYNC_COUNT);
	s->recs = p + ILB_WIRE_SYNC_LEN;
	if (!s->session || !s->seq)
		return ILB_WIRE_EFIELD;
	if (!s->count || s->count > ILB_WIRE_MAX_RECS)
		return ILB_WIRE_EFIELD;
	if (get16(p + SYNC_RSVD))
		return ILB_WIRE_EFIELD;
	/* len fits easily: count <= ILB_WIRE_MAX_RECS */
	if (len != ILB_WIRE_SYNC_LEN + (__u32)s->count * ILB_WIRE_REC_LEN)
		return ILB_WIRE_ELEN;
	for (i = 0; i < s->count; i++) {
		ilb_wire_rec_get(m, i, &r);
		err = ilb_wire_rec_check(&r);
		if (err)
			return err;
	}
	return ILB_WIRE_OK;
}

static int parse_ack(const __u8 *p, __u32 len, struct ilb_msg_ack *a)
{
	if (len < ILB_WIRE_ACK_LEN)
		return ILB_WIRE_ESHORT;
	if (len > ILB_WIRE_ACK_LEN)
		return ILB_WIRE_ELEN;
	a->session = get32(p + ACK_SESSION);
	a->ack = get32(p + ACK_ACK);
	if (!a->session)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

/* The body is an IPv4 packet, possibly followed by padding. */
static int parse_fwd(const __u8 *p, __u32 len, struct ilb_msg *m)
{
	__u32 ihl, tot;

	if (len < ILB_IPV4_MIN_LEN)
		return ILB_WIRE_ESHORT;
	if (p[0] >> 4 != 4)
		return ILB_WIRE_EFIELD;
	ihl = (p[0] & 0x0f) * 4;
	if (ihl < ILB_IPV4_MIN_LEN)
		return ILB_WIRE_EFIELD;
	if (ihl > len)
		return ILB_WIRE_ELEN;
	tot = get16(p + 2);
	if (tot < ihl || tot > len)
		return ILB_WIRE_ELEN;
	m->fwd.pkt = p;
	m->fwd.len = tot;
	return ILB_WIRE_OK;
}

int ilb_wire_parse(const void *buf, __u32 len, struct ilb_msg *m)
{
	const __u8 *p = buf;
	struct ilb_msg_hdr *h = &m->hdr;

	if (!p || len < ILB_WIRE_HDR_LEN)
		return ILB_WIRE_ESHORT;
	h->version = p[HDR_VERSION];
	h->type = p[HDR_TYPE];
	h->flags = p[HDR_FLAGS];
	h->mac_len = p[HDR_MAC_LEN];
	h->cluster = get32(p + HDR_CLUSTER);
	h->sender = get32(p + HDR_SENDER);
	h->epoch = get32(p + HDR_EPOCH);

	if (h->version != ILB_WIRE_VERSION)
		return ILB_WIRE_EVERSION;
	if (h->type < ILB_MSG_HELLO || h->type >= __ILB_MSG_MAX)
		return ILB_WIRE_ETYPE;
	if (h->flags & ~ILB_WIRE_F_KNOWN)
		return ILB_WIRE_EFIELD;
	/* no keys yet: any MAC, or a MAC length without the flag, is refused */
	if ((h->flags & ILB_WIRE_F_MAC) || h->mac_len)
		return ILB_WIRE_EMAC;
	if (!h->sender)
		return ILB_WIRE_EFIELD;

	p += ILB_WIRE_HDR_LEN;
	len -= ILB_WIRE_HDR_LEN;
	switch (h->type) {
	case ILB_MSG_HELLO:
		return parse_hello(p, len, &m->hello);
	case ILB_MSG_SYNC:
		return parse_sync(p, len, m);
	case ILB_MSG_ACK:
		return parse_ack(p, len, &m->ack);
	default:
		return parse_fwd(p, len, m);
	}
}

void ilb_wire_rec_get(const struct ilb_msg *m, unsigned int i,
		      struct ilb_rec *r)
{
	const __u8 *p = m->sync.recs + i * ILB_WIRE_REC_LEN;

	r->op = p[REC_OP];
	r->proto = p[REC_PROTO];
	r->state = p[REC_STATE];
	r->fwd = p[REC_FWD];
	r->caddr = get_be32(p + REC_CADDR);
	r->vaddr = get_be32(p + REC_VADDR);
	r->raddr = get_be32(p + REC_RADDR);
	r->cport = get_be16(p + REC_CPORT);
	r->vport = get_be16(p + REC_VPORT);
	r->rport = get_be16(p + REC_RPORT);
	r->idle = get16(p + REC_IDLE);
	r->primary = get32(p + REC_PRIMARY);
	r->backup = get32(p + REC_BACKUP);
}

int ilb_wire_rec_check(const struct ilb_rec *r)
{
	if (r->op != ILB_REC_ADD && r->op != ILB_REC_END)
		return ILB_WIRE_EFIELD;
	if (r->proto == ILB_IPPROTO_TCP) {
		if (r->state >= __ILB_CS_MAX || r->state == ILB_CS_UDP)
			return ILB_WIRE_EFIELD;
	} else if (r->proto == ILB_IPPROTO_UDP) {
		if (r->state != ILB_CS_UDP)
			return ILB_WIRE_EFIELD;
	} else {
		return ILB_WIRE_EFIELD;
	}
	if (r->fwd >= __ILB_FWD_MAX)
		return ILB_WIRE_EFIELD;
	if (!r->caddr || !r->vaddr || !r->raddr)
		return ILB_WIRE_EFIELD;
	if (!r->cport || !r->vport || !r->rport)
		return ILB_WIRE_EFIELD;
	if (!r->primary || r->backup == r->primary)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

unsigned int ilb_wire_put_hdr(void *buf, const struct ilb_msg_hdr *h)
{
	__u8 *p = buf;

	p[HDR_VERSION] = h->version;
	p[HDR_TYPE] = h->type;
	p[HDR_FLAGS] = h->flags;
	p[HDR_MAC_LEN] = h->mac_len;
	put32(p + HDR_CLUSTER, h->cluster);
	put32(p + HDR_SENDER, h->sender);
	put32(p + HDR_EPOCH, h->epoch);
	return ILB_WIRE_HDR_LEN;
}

unsigned int ilb_wire_put_hello(void *buf, const struct ilb_msg_hello *h)
{
	__u8 *p = buf;

	put_be32(p + HELLO_ADDR, h->addr);
	put16(p + HELLO_WEIGHT, h->weight);
	p[HELLO_MODE] = h->mode;
	p[HELLO_FLAGS] = h->flags;
	put16(p + HELLO_HELLO_MS, h->hello_ms);
	put16(p + HELLO_DEAD_MS, h->dead_ms);
	put32(p + HELLO_OWNED, h->owned);
	put16(p + HELLO_NMEMBERS, h->nmembers);
	put16(p + HELLO_RSVD, 0);
	put32(p + HELLO_INCARN, h->incarnation);
	put32(p + HELLO_SEQ, h->seq);
	return ILB_WIRE_HELLO_LEN;
}

unsigned int ilb_wire_put_sync(void *buf, __u32 session, __u32 seq,
			       __u16 count)
{
	__u8 *p = buf;

	put32(p + SYNC_SESSION, session);
	put32(p + SYNC_SEQ, seq);
	put16(p + SYNC_COUNT, count);
	put16(p + SYNC_RSVD, 0);
	return ILB_WIRE_SYNC_LEN;
}

unsigned int ilb_wire_put_rec(void *buf, const struct ilb_rec *r)
{
	__u8 *p = buf;

	p[REC_OP] = r->op;
	p[REC_PROTO] = r->proto;
	p[REC_STATE] = r->state;
	p[REC_FWD] = r->fwd;
	put_be32(p + REC_CADDR, r->caddr);
	put_be32(p + REC_VADDR, r->vaddr);
	put_be32(p + REC_RADDR, r->raddr);
	put_be16(p + REC_CPORT, r->cport);
	put_be16(p + REC_VPORT, r->vport);
	put_be16(p + REC_RPORT, r->rport);
	put16(p + REC_IDLE, r->idle);
	put32(p + REC_PRIMARY, r->primary);
	put32(p + REC_BACKUP, r->backup);
	return ILB_WIRE_REC_LEN;
}

unsigned int ilb_wire_put_ack(void *buf, const struct ilb_msg_ack *a)
{
	__u8 *p = buf;

	put32(p + ACK_SESSION, a->session);
	put32(p + ACK_ACK, a->ack);
	return ILB_WIRE_ACK_LEN;
}

const char *ilb_wire_strerror(int err)
{
	switch (err) {
	case ILB_WIRE_OK:
		return "ok";
	case ILB_WIRE_ESHORT:
		return "short";
	case ILB_WIRE_EVERSION:
		return "version";
	case ILB_WIRE_ETYPE:
		return "type";
	case ILB_WIRE_ELEN:
		return "length";
	case ILB_WIRE_EFIELD:
		return "field";
	case ILB_WIRE_EMAC:
		return "mac";
	default:
		return "unknown";
	}
}
