// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster wire protocol, version 2 (Documentation/cluster-protocol.rst):
 * encoders and a parser that trusts nothing. Every multi-byte field is read
 * and written byte by byte, big-endian, so the code needs no alignment and
 * runs the same on any host. Every record area is walked to its last byte:
 * a record that runs past its end fails the message. Compiled both into
 * ilb.ko and into the userspace tests and fuzzers; the MAC itself
 * (ilb_wire_mac()) is given by whoever links this file.
 */
#include "wire.h"
#include "uapi/linux/ilb.h"

#ifndef NULL			/* userspace: no libc header here */
#define NULL ((void *)0)
#endif

#define ILB_IPPROTO_TCP		6
#define ILB_IPPROTO_UDP		17
#define ILB_IPV4_HDR_LEN	20	/* the only IPv4 header FWD carries */

/* Header offsets. */
#define HDR_VERSION	0
#define HDR_TYPE	1
#define HDR_FLAGS	2
#define HDR_KEY_ID	3
#define HDR_CLUSTER	4
#define HDR_SENDER	8
#define HDR_INCARN	12
#define HDR_SEQ		16
#define HDR_EPOCH	24

/* Hello fixed part offsets. */
#define HELLO_WEIGHT	0
#define HELLO_HELLO_MS	2
#define HELLO_DEAD_MS	4
#define HELLO_NMEMBERS	6
#define HELLO_OWNED	8
#define HELLO_MODE	12
#define HELLO_FLAGS	13

/* Sync fixed part offsets. */
#define SYNC_SESSION	0
#define SYNC_SEQ	4

/* Ack offsets. */
#define ACK_SESSION	0
#define ACK_ACK		4
#define ACK_FLAGS	8

/* Record offsets: type and length, then the value. */
#define TLV_TYPE	0
#define TLV_LEN		1

/* Connection record value offsets. */
#define CONN_OP		0
#define CONN_PROTO	1
#define CONN_STATE	2
#define CONN_FWD	3
#define CONN_FAMILY	4
#define CONN_IDLE	5
#define CONN_CPORT	7
#define CONN_VPORT	9
#define CONN_RPORT	11
#define CONN_PRIMARY	13
#define CONN_BACKUP	17
#define CONN_ADDRS	ILB_WIRE_CONN_FIXED

/* Persistence record value offsets. */
#define PST_OP		0
#define PST_PROTO	1
#define PST_PLEN	2
#define PST_FAMILY	3
#define PST_GROUP	4
#define PST_IDLE	6
#define PST_TTL		8
#define PST_PRIMARY	12
#define PST_BACKUP	16
#define PST_ADDRS	ILB_WIRE_PERSIST_FIXED

/* Connection count record value offsets. */
#define CNT_PROTO	0
#define CNT_FAMILY	1
#define CNT_VPORT	2
#define CNT_RPORT	4
#define CNT_ACTIVE	6
#define CNT_INACTIVE	10
#define CNT_ADDRS	ILB_WIRE_COUNT_FIXED

/* ADDR record value: family, then the address. */
#define ADDR_FAMILY	0
#define ADDR_ADDR	1

#define KEYS_MAX	2	/* key ids in a KEYS record */

/* The header a key's id is the MAC of, zero-padded to ILB_WIRE_HDR_LEN. */
#define KEY_ID_LABEL	"ilb key id v2"

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static __u64 get64(const __u8 *p)
{
	return (__u64)get32(p) << 32 | get32(p + 4);
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

static void put64(__u8 *p, __u64 v)
{
	put32(p, v >> 32);
	put32(p + 4, (__u32)v);
}

/* Network-order fields: copy their bytes in memory order. */
static __be16 get_be16(const __u8 *p)
{
	__be16 v;
	__u8 *d = (__u8 *)&v;

	d[0] = p[0];
	d[1] = p[1];
	return v;
}

static void put_be16(__u8 *p, __be16 v)
{
	const __u8 *s = (const __u8 *)&v;

	p[0] = s[0];
	p[1] = s[1];
}

static void bytes_copy(__u8 *d, const __u8 *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		d[i] = s[i];
}

static void bytes_zero(__u8 *d, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		d[i] = 0;
}

static int all_zero(const __u8 *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Bytes of an address of @family on the wire; 0 for an unknown family. */
static unsigned int addr_len(__u8 family)
{
	switch (family) {
	case ILB_WIRE_AF_INET:
		return 4;
	case ILB_WIRE_AF_INET6:
		return 16;
	default:
		return 0;
	}
}

/* A 16-byte address field from @n bytes at @s: the rest is zero. */
static void get_addr(__u8 d[16], const __u8 *s, unsigned int n)
{
	bytes_copy(d, s, n);
	bytes_zero(d + n, 16 - n);
}

/* The encoders write 16 bytes for INET6 and 4 for anything else. */
static unsigned int put_addr_len(__u8 family)
{
	return family == ILB_WIRE_AF_INET6 ? 16 : 4;
}

/* One record of a record area: its type, length and value. */
struct tlv {
	__u8 type;
	__u8 len;
	const __u8 *val;
};

/*
 * The record at *@off of the @len bytes at @p: 1 with @t filled and *@off
 * moved past it, 0 at the end, ILB_WIRE_ELEN if its type and length or its
 * value run past the end.
 */
static int tlv_next(const __u8 *p, __u32 len, __u32 *off, struct tlv *t)
{
	__u32 o = *off;

	if (o >= len)
		return 0;
	if (len - o < ILB_WIRE_TLV_HDR)
		return ILB_WIRE_ELEN;
	t->type = p[o + TLV_TYPE];
	t->len = p[o + TLV_LEN];
	if (len - o - ILB_WIRE_TLV_HDR < t->len)
		return ILB_WIRE_ELEN;
	t->val = p + o + ILB_WIRE_TLV_HDR;
	*off = o + ILB_WIRE_TLV_HDR + t->len;
	return 1;
}

static unsigned int put_tlv_hdr(__u8 *p, __u8 type, __u8 len)
{
	p[TLV_TYPE] = type;
	p[TLV_LEN] = len;
	return ILB_WIRE_TLV_HDR;
}

/* --- header ------------------------------------------------------------ */

int ilb_wire_parse_hdr(const void *buf, __u32 len, struct ilb_msg_hdr *h)
{
	const __u8 *p = buf;

	h->tag = NULL;
	if (!p || len < ILB_WIRE_HDR_LEN)
		return ILB_WIRE_ESHORT;
	h->version = p[HDR_VERSION];
	h->type = p[HDR_TYPE];
	h->flags = p[HDR_FLAGS];
	h->key_id = p[HDR_KEY_ID];
	h->cluster = get32(p + HDR_CLUSTER);
	h->sender = get32(p + HDR_SENDER);
	h->incarnation = get32(p + HDR_INCARN);
	h->seq = get64(p + HDR_SEQ);
	h->epoch = get32(p + HDR_EPOCH);

	if (h->version != ILB_WIRE_VERSION)
		return ILB_WIRE_EVERSION;
	if (h->type < ILB_MSG_HELLO || h->type >= __ILB_MSG_MAX)
		return ILB_WIRE_ETYPE;
	if (h->flags & ~ILB_WIRE_F_KNOWN)
		return ILB_WIRE_EFIELD;
	if (!h->sender || !h->incarnation || !h->seq)
		return ILB_WIRE_EFIELD;
	if (!h->key_id)
		return ILB_WIRE_HDR_LEN;
	if (len < ILB_WIRE_HDR_MAX)
		return ILB_WIRE_ESHORT;
	h->tag = p + ILB_WIRE_TAG_OFF;
	return ILB_WIRE_HDR_MAX;
}

/* --- hello ------------------------------------------------------------- */

/* Unicast: not 0, not multicast (224/4, ff00::/8), not limited broadcast. */
static int addr_unicast(const struct ilb_wire_addr *a)
{
	__u32 v4;

	if (a->family == ILB_WIRE_AF_INET) {
		v4 = get32(a->a);
		return v4 && (v4 & 0xf0000000) != 0xe0000000 &&
		       v4 != 0xffffffff;
	}
	return !all_zero(a->a, 16) && a->a[0] != 0xff;
}

static int parse_addr_rec(const struct tlv *t, struct ilb_wire_addr *a)
{
	unsigned int n;

	if (t->len < ADDR_ADDR)
		return ILB_WIRE_EFIELD;
	n = addr_len(t->val[ADDR_FAMILY]);
	if (!n || t->len != ADDR_ADDR + n)
		return ILB_WIRE_EFIELD;
	a->family = t->val[ADDR_FAMILY];
	get_addr(a->a, t->val + ADDR_ADDR, n);
	if (!addr_unicast(a))
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

static int parse_keys_rec(const struct tlv *t, struct ilb_msg_hello *h)
{
	unsigned int i;

	if (t->len < 1 || t->len > KEYS_MAX)
		return ILB_WIRE_EFIELD;
	for (i = 0; i < t->len; i++) {
		if (!t->val[i])
			return ILB_WIRE_EFIELD;
		h->keys[i] = t->val[i];
	}
	h->nkeys = t->len;
	return ILB_WIRE_OK;
}

static int parse_hello(const __u8 *p, __u32 len, struct ilb_msg_hello *h)
{
	__u32 off = ILB_WIRE_HELLO_LEN;
	int have_addr = 0, have_keys = 0;
	struct tlv t;
	int ret;

	if (len < ILB_WIRE_HELLO_LEN)
		return ILB_WIRE_ESHORT;
	h->weight = get16(p + HELLO_WEIGHT);
	h->hello_ms = get16(p + HELLO_HELLO_MS);
	h->dead_ms = get16(p + HELLO_DEAD_MS);
	h->nmembers = get16(p + HELLO_NMEMBERS);
	h->owned = get32(p + HELLO_OWNED);
	h->mode = p[HELLO_MODE];
	h->flags = p[HELLO_FLAGS];
	h->addr.family = 0;
	bytes_zero(h->addr.a, sizeof(h->addr.a));
	h->nkeys = 0;
	h->keys[0] = 0;
	h->keys[1] = 0;

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

	while ((ret = tlv_next(p, len, &off, &t)) > 0) {
		switch (t.type) {
		case ILB_RT_ADDR:
			if (have_addr++)
				return ILB_WIRE_EFIELD;
			ret = parse_addr_rec(&t, &h->addr);
			break;
		case ILB_RT_KEYS:
			if (have_keys++)
				return ILB_WIRE_EFIELD;
			ret = parse_keys_rec(&t, h);
			break;
		case 0:			/* never a record type */
		case ILB_RT_CONN:	/* known, but not in a hello */
		case ILB_RT_ACK:
		case ILB_RT_PERSIST:
		case ILB_RT_COUNT:
			ret = ILB_WIRE_EFIELD;
			break;
		default:		/* unknown: skipped */
			ret = ILB_WIRE_OK;
		}
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	if (!have_addr)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

/* --- sync and its connection records ------------------------------------ */

static int get_conn(const struct tlv *t, struct ilb_rec *r)
{
	const __u8 *v = t->val;
	unsigned int n;

	if (t->len < ILB_WIRE_CONN_FIXED)
		return ILB_WIRE_EFIELD;
	n = addr_len(v[CONN_FAMILY]);
	if (!n || t->len != ILB_WIRE_CONN_FIXED + 3 * n)
		return ILB_WIRE_EFIELD;
	r->op = v[CONN_OP];
	r->proto = v[CONN_PROTO];
	r->state = v[CONN_STATE];
	r->fwd = v[CONN_FWD];
	r->family = v[CONN_FAMILY];
	r->idle = get16(v + CONN_IDLE);
	r->cport = get_be16(v + CONN_CPORT);
	r->vport = get_be16(v + CONN_VPORT);
	r->rport = get_be16(v + CONN_RPORT);
	r->primary = get32(v + CONN_PRIMARY);
	r->backup = get32(v + CONN_BACKUP);
	get_addr(r->caddr, v + CONN_ADDRS, n);
	get_addr(r->vaddr, v + CONN_ADDRS + n, n);
	get_addr(r->raddr, v + CONN_ADDRS + 2 * n, n);
	return ILB_WIRE_OK;
}

static int get_persist(const struct tlv *t, struct ilb_prec *r)
{
	const __u8 *v = t->val;
	unsigned int n;

	if (t->len < ILB_WIRE_PERSIST_FIXED)
		return ILB_WIRE_EFIELD;
	n = addr_len(v[PST_FAMILY]);
	if (!n || t->len != ILB_WIRE_PERSIST_FIXED + 3 * n)
		return ILB_WIRE_EFIELD;
	r->op = v[PST_OP];
	r->proto = v[PST_PROTO];
	r->plen = v[PST_PLEN];
	r->family = v[PST_FAMILY];
	r->group = get_be16(v + PST_GROUP);
	r->idle = get16(v + PST_IDLE);
	r->ttl = get32(v + PST_TTL);
	r->primary = get32(v + PST_PRIMARY);
	r->backup = get32(v + PST_BACKUP);
	get_addr(r->caddr, v + PST_ADDRS, n);
	get_addr(r->vaddr, v + PST_ADDRS + n, n);
	get_addr(r->raddr, v + PST_ADDRS + 2 * n, n);
	return ILB_WIRE_OK;
}

/* Are the bits of @a beyond its first @plen zero? */
static int host_bits_zero(const __u8 *a, unsigned int n, unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int keep = plen >= 8 * (i + 1) ? 8 :
				    plen > 8 * i ? plen - 8 * i : 0;
		__u8 mask = keep ? (__u8)(0xff << (8 - keep)) : 0;

		if (a[i] & ~mask)
			return 0;
	}
	return 1;
}

int ilb_wire_prec_check(const struct ilb_prec *r)
{
	unsigned int n = addr_len(r->family);

	if (r->op != ILB_REC_ADD && r->op != ILB_REC_END)
		return ILB_WIRE_EFIELD;
	if (r->proto != ILB_IPPROTO_TCP && r->proto != ILB_IPPROTO_UDP)
		return ILB_WIRE_EFIELD;
	if (!n || !r->plen || r->plen > 8 * n)
		return ILB_WIRE_EFIELD;
	if (!host_bits_zero(r->caddr, n, r->plen))
		return ILB_WIRE_EFIELD;
	if (all_zero(r->vaddr, n) || all_zero(r->raddr, n) || !r->group)
		return ILB_WIRE_EFIELD;
	if (!r->ttl || r->ttl > ILB_WIRE_PERSIST_TTL_MAX || r->idle > r->ttl)
		return ILB_WIRE_EFIELD;
	if (!r->primary || r->backup == r->primary)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

unsigned int ilb_wire_persist_size(const struct ilb_prec *r)
{
	return ILB_WIRE_TLV_HDR + ILB_WIRE_PERSIST_FIXED +
	       3 * put_addr_len(r->family);
}

int ilb_wire_persist_next(const struct ilb_msg *m, __u32 *off,
			  struct ilb_prec *r)
{
	struct tlv t;

	while (tlv_next(m->sync.recs, m->sync.rlen, off, &t) > 0) {
		if (t.type != ILB_RT_PERSIST)
			continue;
		/* a parsed message holds only valid records: never fails */
		if (get_persist(&t, r))
			return 0;
		return 1;
	}
	return 0;
}

static int get_count(const struct tlv *t, struct ilb_crec *r)
{
	const __u8 *v = t->val;
	unsigned int n;

	if (t->len < ILB_WIRE_COUNT_FIXED)
		return ILB_WIRE_EFIELD;
	n = addr_len(v[CNT_FAMILY]);
	if (!n || t->len != ILB_WIRE_COUNT_FIXED + 2 * n)
		return ILB_WIRE_EFIELD;
	r->proto = v[CNT_PROTO];
	r->family = v[CNT_FAMILY];
	r->vport = get_be16(v + CNT_VPORT);
	r->rport = get_be16(v + CNT_RPORT);
	r->active = get32(v + CNT_ACTIVE);
	r->inactive = get32(v + CNT_INACTIVE);
	get_addr(r->vaddr, v + CNT_ADDRS, n);
	get_addr(r->raddr, v + CNT_ADDRS + n, n);
	return ILB_WIRE_OK;
}

int ilb_wire_crec_check(const struct ilb_crec *r)
{
	unsigned int n = addr_len(r->family);

	if (r->proto != ILB_IPPROTO_TCP && r->proto != ILB_IPPROTO_UDP)
		return ILB_WIRE_EFIELD;
	if (!n || all_zero(r->vaddr, n) || all_zero(r->raddr, n))
		return ILB_WIRE_EFIELD;
	if (!r->vport || !r->rport)
		return ILB_WIRE_EFIELD;
	if (r->active > ILB_WIRE_COUNT_MAX || r->inactive > ILB_WIRE_COUNT_MAX)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

int ilb_wire_count_next(const struct ilb_msg *m, __u32 *off,
			struct ilb_crec *r)
{
	struct tlv t;

	while (tlv_next(m->sync.recs, m->sync.rlen, off, &t) > 0) {
		if (t.type != ILB_RT_COUNT)
			continue;
		/* a parsed message holds only valid records: never fails */
		if (get_count(&t, r))
			return 0;
		return 1;
	}
	return 0;
}

static int parse_ack(const __u8 *p, __u32 len, struct ilb_msg_ack *a)
{
	if (len < ILB_WIRE_ACK_LEN)
		return ILB_WIRE_ESHORT;
	if (len > ILB_WIRE_ACK_LEN)
		return ILB_WIRE_ELEN;
	a->session = get32(p + ACK_SESSION);
	a->ack = get32(p + ACK_ACK);
	a->flags = p[ACK_FLAGS];
	if (!a->session)
		return ILB_WIRE_EFIELD;
	if (a->flags & ~ILB_ACK_F_KNOWN)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

static int parse_sync(const __u8 *p, __u32 len, struct ilb_msg_sync *s)
{
	struct ilb_prec pr;
	struct ilb_crec cr;
	struct ilb_rec r;
	__u32 off = 0;
	struct tlv t;
	int ret;

	if (len < ILB_WIRE_SYNC_LEN)
		return ILB_WIRE_ESHORT;
	s->session = get32(p + SYNC_SESSION);
	s->seq = get32(p + SYNC_SEQ);
	s->nconn = 0;
	s->npersist = 0;
	s->ncount = 0;
	s->nunknown = 0;
	s->has_ack = 0;
	s->recs = p + ILB_WIRE_SYNC_LEN;
	s->rlen = len - ILB_WIRE_SYNC_LEN;
	if (!s->session || !s->seq)
		return ILB_WIRE_EFIELD;
	if (!s->rlen)
		return ILB_WIRE_EFIELD;	/* at least one record */

	/* the counts fit: a record takes 2 bytes, a message 1400 at most */
	while ((ret = tlv_next(s->recs, s->rlen, &off, &t)) > 0) {
		switch (t.type) {
		case ILB_RT_CONN:
			ret = get_conn(&t, &r);
			if (!ret)
				ret = ilb_wire_rec_check(&r);
			if (!ret)
				s->nconn++;
			break;
		case ILB_RT_PERSIST:
			ret = get_persist(&t, &pr);
			if (!ret)
				ret = ilb_wire_prec_check(&pr);
			if (!ret)
				s->npersist++;
			break;
		case ILB_RT_COUNT:
			ret = get_count(&t, &cr);
			if (!ret)
				ret = ilb_wire_crec_check(&cr);
			if (!ret)
				s->ncount++;
			break;
		case ILB_RT_ACK:	/* one at most */
			ret = s->has_ack ? ILB_WIRE_EFIELD :
			      parse_ack(t.val, t.len, &s->ack);
			if (ret)	/* short or long: the record is wrong */
				ret = ILB_WIRE_EFIELD;
			s->has_ack = 1;
			break;
		case 0:			/* never a record type */
		case ILB_RT_ADDR:	/* hello records */
		case ILB_RT_KEYS:
			ret = ILB_WIRE_EFIELD;
			break;
		default:		/* unknown: skipped */
			s->nunknown++;
			ret = ILB_WIRE_OK;
		}
		if (ret)
			return ret;
	}
	return ret;
}

int ilb_wire_conn_next(const struct ilb_msg *m, __u32 *off,
		       struct ilb_rec *r)
{
	struct tlv t;

	while (tlv_next(m->sync.recs, m->sync.rlen, off, &t) > 0) {
		if (t.type != ILB_RT_CONN)
			continue;
		/* a parsed message holds only valid records: never fails */
		if (get_conn(&t, r))
			return 0;
		return 1;
	}
	return 0;
}

int ilb_wire_rec_check(const struct ilb_rec *r)
{
	unsigned int n;

	if (r->op != ILB_REC_ADD && r->op != ILB_REC_END)
		return ILB_WIRE_EFIELD;
	if (r->proto == ILB_IPPROTO_TCP) {
		if (r->state >= __ILB_CS_MAX || r->state == ILB_CS_UDP ||
		    r->state == ILB_CS_UDP_STREAM)
			return ILB_WIRE_EFIELD;
	} else if (r->proto == ILB_IPPROTO_UDP) {
		if (r->state != ILB_CS_UDP && r->state != ILB_CS_UDP_STREAM)
			return ILB_WIRE_EFIELD;
	} else {
		return ILB_WIRE_EFIELD;
	}
	if (r->fwd >= __ILB_FWD_MAX)
		return ILB_WIRE_EFIELD;
	n = addr_len(r->family);
	if (!n)
		return ILB_WIRE_EFIELD;
	if (all_zero(r->caddr, n) || all_zero(r->vaddr, n) ||
	    all_zero(r->raddr, n))
		return ILB_WIRE_EFIELD;
	if (!r->cport || !r->vport || !r->rport)
		return ILB_WIRE_EFIELD;
	if (!r->primary || r->backup == r->primary)
		return ILB_WIRE_EFIELD;
	return ILB_WIRE_OK;
}

unsigned int ilb_wire_conn_size(const struct ilb_rec *r)
{
	return ILB_WIRE_TLV_HDR + ILB_WIRE_CONN_FIXED +
	       3 * put_addr_len(r->family);
}

/* --- ack and fwd ------------------------------------------------------- */


/*
 * The body is an IPv4 packet without options, possibly followed by
 * padding; its header checksum must hold.
 */
static int parse_fwd(const __u8 *p, __u32 len, struct ilb_msg *m)
{
	__u32 sum = 0, tot;
	unsigned int i;

	if (len < ILB_IPV4_HDR_LEN)
		return ILB_WIRE_ESHORT;
	if (p[0] != (4 << 4 | ILB_IPV4_HDR_LEN / 4))
		return ILB_WIRE_EFIELD;
	for (i = 0; i < ILB_IPV4_HDR_LEN; i += 2)
		sum += get16(p + i);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return ILB_WIRE_EFIELD;
	tot = get16(p + 2);
	if (tot < ILB_IPV4_HDR_LEN || tot > len)
		return ILB_WIRE_ELEN;
	m->fwd.pkt = p;
	m->fwd.len = tot;
	return ILB_WIRE_OK;
}

/* --- messages ---------------------------------------------------------- */

int ilb_wire_parse_body(const void *body, __u32 len, struct ilb_msg *m)
{
	const __u8 *p = body;

	m->body = p;
	m->body_len = len;
	switch (m->hdr.type) {
	case ILB_MSG_HELLO:
	case ILB_MSG_SYNC:
	case ILB_MSG_ACK:
		/* the whole control message fits ILB_WIRE_MAX_LEN */
		if (len > ILB_WIRE_MAX_LEN - ilb_wire_hdr_len(m->hdr.key_id))
			return ILB_WIRE_ELEN;
		break;
	case ILB_MSG_FWD:
		break;
	default:
		return ILB_WIRE_ETYPE;
	}
	if (!p)
		return ILB_WIRE_ESHORT;

	switch (m->hdr.type) {
	case ILB_MSG_HELLO:
		return parse_hello(p, len, &m->hello);
	case ILB_MSG_SYNC:
		return parse_sync(p, len, &m->sync);
	case ILB_MSG_ACK:
		return parse_ack(p, len, &m->ack);
	default:
		return parse_fwd(p, len, m);
	}
}

int ilb_wire_parse(const void *buf, __u32 len, struct ilb_msg *m)
{
	int hlen = ilb_wire_parse_hdr(buf, len, &m->hdr);

	if (hlen < 0)
		return hlen;
	return ilb_wire_parse_body((const __u8 *)buf + hlen, len - (__u32)hlen,
				   m);
}

/* --- encoders ---------------------------------------------------------- */

unsigned int ilb_wire_put_hdr(void *buf, const struct ilb_msg_hdr *h)
{
	__u8 *p = buf;

	p[HDR_VERSION] = h->version;
	p[HDR_TYPE] = h->type;
	p[HDR_FLAGS] = h->flags;
	p[HDR_KEY_ID] = h->key_id;
	put32(p + HDR_CLUSTER, h->cluster);
	put32(p + HDR_SENDER, h->sender);
	put32(p + HDR_INCARN, h->incarnation);
	put64(p + HDR_SEQ, h->seq);
	put32(p + HDR_EPOCH, h->epoch);
	if (!h->key_id)
		return ILB_WIRE_HDR_LEN;
	bytes_zero(p + ILB_WIRE_TAG_OFF, ILB_WIRE_TAG_LEN);
	return ILB_WIRE_HDR_MAX;
}

unsigned int ilb_wire_put_hello(void *buf, const struct ilb_msg_hello *h)
{
	unsigned int n = ILB_WIRE_HELLO_LEN, alen, nkeys;
	__u8 *p = buf;

	put16(p + HELLO_WEIGHT, h->weight);
	put16(p + HELLO_HELLO_MS, h->hello_ms);
	put16(p + HELLO_DEAD_MS, h->dead_ms);
	put16(p + HELLO_NMEMBERS, h->nmembers);
	put32(p + HELLO_OWNED, h->owned);
	p[HELLO_MODE] = h->mode;
	p[HELLO_FLAGS] = h->flags;

	alen = put_addr_len(h->addr.family);
	n += put_tlv_hdr(p + n, ILB_RT_ADDR, ADDR_ADDR + alen);
	p[n + ADDR_FAMILY] = h->addr.family;
	bytes_copy(p + n + ADDR_ADDR, h->addr.a, alen);
	n += ADDR_ADDR + alen;

	nkeys = h->nkeys < KEYS_MAX ? h->nkeys : KEYS_MAX;
	if (nkeys) {
		n += put_tlv_hdr(p + n, ILB_RT_KEYS, nkeys);
		bytes_copy(p + n, h->keys, nkeys);
		n += nkeys;
	}
	return n;
}

unsigned int ilb_wire_put_sync(void *buf, __u32 session, __u32 seq)
{
	__u8 *p = buf;

	put32(p + SYNC_SESSION, session);
	put32(p + SYNC_SEQ, seq);
	return ILB_WIRE_SYNC_LEN;
}

unsigned int ilb_wire_put_conn(void *buf, const struct ilb_rec *r)
{
	unsigned int n = put_addr_len(r->family);
	__u8 *v = (__u8 *)buf + ILB_WIRE_TLV_HDR;

	put_tlv_hdr(buf, ILB_RT_CONN, ILB_WIRE_CONN_FIXED + 3 * n);
	v[CONN_OP] = r->op;
	v[CONN_PROTO] = r->proto;
	v[CONN_STATE] = r->state;
	v[CONN_FWD] = r->fwd;
	v[CONN_FAMILY] = r->family;
	put16(v + CONN_IDLE, r->idle);
	put_be16(v + CONN_CPORT, r->cport);
	put_be16(v + CONN_VPORT, r->vport);
	put_be16(v + CONN_RPORT, r->rport);
	put32(v + CONN_PRIMARY, r->primary);
	put32(v + CONN_BACKUP, r->backup);
	bytes_copy(v + CONN_ADDRS, r->caddr, n);
	bytes_copy(v + CONN_ADDRS + n, r->vaddr, n);
	bytes_copy(v + CONN_ADDRS + 2 * n, r->raddr, n);
	return ILB_WIRE_TLV_HDR + ILB_WIRE_CONN_FIXED + 3 * n;
}

unsigned int ilb_wire_put_persist(void *buf, const struct ilb_prec *r)
{
	unsigned int n = put_addr_len(r->family);
	__u8 *v = (__u8 *)buf + ILB_WIRE_TLV_HDR;

	put_tlv_hdr(buf, ILB_RT_PERSIST, ILB_WIRE_PERSIST_FIXED + 3 * n);
	v[PST_OP] = r->op;
	v[PST_PROTO] = r->proto;
	v[PST_PLEN] = r->plen;
	v[PST_FAMILY] = r->family;
	put_be16(v + PST_GROUP, r->group);
	put16(v + PST_IDLE, r->idle);
	put32(v + PST_TTL, r->ttl);
	put32(v + PST_PRIMARY, r->primary);
	put32(v + PST_BACKUP, r->backup);
	bytes_copy(v + PST_ADDRS, r->caddr, n);
	bytes_copy(v + PST_ADDRS + n, r->vaddr, n);
	bytes_copy(v + PST_ADDRS + 2 * n, r->raddr, n);
	return ILB_WIRE_TLV_HDR + ILB_WIRE_PERSIST_FIXED + 3 * n;
}

unsigned int ilb_wire_put_count(void *buf, const struct ilb_crec *r)
{
	unsigned int n = put_addr_len(r->family);
	__u8 *v = (__u8 *)buf + ILB_WIRE_TLV_HDR;

	put_tlv_hdr(buf, ILB_RT_COUNT, ILB_WIRE_COUNT_FIXED + 2 * n);
	v[CNT_PROTO] = r->proto;
	v[CNT_FAMILY] = r->family;
	put_be16(v + CNT_VPORT, r->vport);
	put_be16(v + CNT_RPORT, r->rport);
	put32(v + CNT_ACTIVE, r->active);
	put32(v + CNT_INACTIVE, r->inactive);
	bytes_copy(v + CNT_ADDRS, r->vaddr, n);
	bytes_copy(v + CNT_ADDRS + n, r->raddr, n);
	return ILB_WIRE_TLV_HDR + ILB_WIRE_COUNT_FIXED + 2 * n;
}

unsigned int ilb_wire_put_ack(void *buf, const struct ilb_msg_ack *a)
{
	__u8 *p = buf;

	put32(p + ACK_SESSION, a->session);
	put32(p + ACK_ACK, a->ack);
	p[ACK_FLAGS] = a->flags;
	return ILB_WIRE_ACK_LEN;
}

unsigned int ilb_wire_put_ack_rec(void *buf, const struct ilb_msg_ack *a)
{
	__u8 *p = buf;

	put_tlv_hdr(p, ILB_RT_ACK, ILB_WIRE_ACK_LEN);
	ilb_wire_put_ack(p + ILB_WIRE_TLV_HDR, a);
	return ILB_WIRE_ACK_REC_LEN;
}

/* --- keys -------------------------------------------------------------- */

__u8 ilb_wire_key_id(const __u8 key[ILB_WIRE_KEY_LEN])
{
	static const char label[] = KEY_ID_LABEL;
	__u8 hdr[ILB_WIRE_HDR_LEN], tag[ILB_WIRE_TAG_LEN];
	unsigned int i;

	for (i = 0; i < ILB_WIRE_HDR_LEN; i++)
		hdr[i] = i < sizeof(label) - 1 ? label[i] : 0;
	ilb_wire_mac(tag, key, hdr, 0, NULL, 0);
	return tag[0] ? tag[0] : 1;
}

void ilb_wire_mac_prefix(__u8 out[ILB_WIRE_MAC_PREFIX], const void *hdr,
			 __u32 receiver)
{
	bytes_copy(out, hdr, ILB_WIRE_HDR_LEN);
	put32(out + ILB_WIRE_HDR_LEN, receiver);
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
