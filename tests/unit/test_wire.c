// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cluster wire codec, version 2 (kmod/wire.c): the
 * conformance test of the layouts in kmod/wire.h. Round trips, byte-exact
 * golden vectors written by hand, every bounds rule with its off-by-ones,
 * every record rule, truncation, the MAC (published BLAKE2s vectors through
 * tests/unit/mac_openssl.c, values from Python's hashlib as an independent
 * implementation; the receiver's ID in its input) and a deterministic
 * mutation fuzz loop. Every parsed
 * message lives in a buffer of exactly its length (malloc), so ASan or
 * valgrind catch any over-read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wire.h"
#include "uapi/linux/ilb.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_LEN 4096
#define FUZZ_ITERS 200000
#define CTRL_MAX ILB_WIRE_MAX_LEN

static uint64_t rng_state = 0x5eed1b5;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* @n bytes from a hex string (spaces allowed). */
static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(i < n);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[i++] = (uint8_t)v;
		s += 2;
	}
	assert_int_equal(i, n);
}

static void assert_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[256];

	assert_true(n <= sizeof(w));
	unhex(want, w, n);
	assert_memory_equal(got, w, n);
}

/* --- valid messages ---------------------------------------------------- */

static struct ilb_msg_hdr good_hdr(uint8_t type)
{
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = type,
		.cluster = 0x11223344,
		.sender = 0x0a000001,
		.incarnation = 0xa1b2c3d4,
		.seq = 0x0102030405060708ULL,
		.epoch = 0x89abcdef,
	};
	return h;
}

static void set_v4(uint8_t a[16], uint32_t host)
{
	memset(a, 0, 16);
	a[0] = host >> 24;
	a[1] = host >> 16;
	a[2] = host >> 8;
	a[3] = host;
}

static void set_v6(uint8_t a[16], const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

static struct ilb_msg_hello good_hello(void)
{
	struct ilb_msg_hello h = {
		.weight = 100,
		.hello_ms = 100,
		.dead_ms = 300,
		.nmembers = 3,
		.owned = 123456,
		.mode = ILB_SCORE_HRW32,
		.flags = 0,
		.addr = { .family = ILB_WIRE_AF_INET },
	};

	set_v4(h.addr.a, 0xc000020a);		/* 192.0.2.10 */
	return h;
}

/*
 * A valid record, different for every @i: both protocols, every state,
 * both families (every third is IPv6).
 */
static struct ilb_rec good_rec(unsigned int i)
{
	struct ilb_rec r = {
		.op = i % 3 == 2 ? ILB_REC_END : ILB_REC_ADD,
		.proto = i % 2 ? 17 : 6,
		.state = i % 2 ? ILB_CS_UDP : (i / 2) % 4,
		.fwd = i % __ILB_FWD_MAX,
		.family = i % 3 == 1 ? ILB_WIRE_AF_INET6 : ILB_WIRE_AF_INET,
		.cport = htons(1024 + i),
		.vport = htons(80),
		.rport = htons(8080),
		.idle = (i * 977) & 0xffff,
		.primary = 0x0a000001 + i % 4,
	};

	if (r.family == ILB_WIRE_AF_INET) {
		set_v4(r.caddr, 0xcb007101 + i);	/* 203.0.113.x */
		set_v4(r.vaddr, 0xc6336401);		/* 198.51.100.1 */
		set_v4(r.raddr, 0x0a010001 + i);	/* 10.1.x.x */
	} else {
		set_v6(r.caddr, "2001:db8:c::1");
		r.caddr[14] = i >> 8;
		r.caddr[15] = i;
		set_v6(r.vaddr, "2001:db8:76::1");
		set_v6(r.raddr, "fd00::1");
		r.raddr[15] = 1 + i;
	}
	r.backup = i % 5 == 0 ? 0 : r.primary + 1;
	return r;
}

static uint32_t conn_len(const struct ilb_rec *r)
{
	return r->family == ILB_WIRE_AF_INET6 ? 2 + 69 : 2 + 33;
}

/* A raw record: type, length, then @len bytes of @val (or a pattern). */
static uint32_t put_rec(uint8_t *p, uint8_t type, uint8_t len,
			const uint8_t *val)
{
	unsigned int i;

	p[0] = type;
	p[1] = len;
	for (i = 0; i < len; i++)
		p[2 + i] = val ? val[i] : (uint8_t)(0x30 + i);
	return 2u + len;
}

/* Unknown records from @n up to exactly @to bytes. */
static uint32_t pad_to(uint8_t *b, uint32_t n, uint32_t to)
{
	assert_true(to >= n + 2);
	while (to - n >= 104)
		n += put_rec(b + n, 0x80, 100, NULL);
	return n + put_rec(b + n, 0x81, to - n - 2, NULL);
}

static uint32_t mk_hello_h(uint8_t *b, const struct ilb_msg_hdr *h,
			   const struct ilb_msg_hello *he)
{
	uint32_t n = ilb_wire_put_hdr(b, h);

	assert_int_equal(n, ilb_wire_hdr_len(h->key_id));
	return n + ilb_wire_put_hello(b + n, he);
}

static uint32_t mk_hello(uint8_t *b, const struct ilb_msg_hello *he)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);

	return mk_hello_h(b, &h, he);
}

/* A hello's header and fixed part only: the caller appends records. */
static uint32_t mk_hello_fixed(uint8_t *b, const struct ilb_msg_hello *he)
{
	mk_hello(b, he);
	return ILB_WIRE_HDR_LEN + ILB_WIRE_HELLO_LEN;
}

static uint32_t put_addr_rec(uint8_t *p, const struct ilb_wire_addr *a)
{
	uint8_t v[17];
	unsigned int n = a->family == ILB_WIRE_AF_INET6 ? 16 : 4;

	v[0] = a->family;
	memcpy(v + 1, a->a, n);
	return put_rec(p, ILB_RT_ADDR, 1 + n, v);
}

/*
 * A valid persistence record, different for every @i: both protocols,
 * both families (every third is IPv6), netmasks from /8 to the host.
 */
static struct ilb_prec good_prec(unsigned int i)
{
	static const uint8_t plen4[] = { 32, 24, 16, 8, 20 };
	static const uint8_t plen6[] = { 128, 64, 48, 56 };
	struct ilb_prec r = {
		.op = i % 4 == 3 ? ILB_REC_END : ILB_REC_ADD,
		.proto = i % 2 ? 17 : 6,
		.family = i % 3 == 2 ? ILB_WIRE_AF_INET6 : ILB_WIRE_AF_INET,
		.group = htons((uint16_t)(80 + i)),
		.ttl = 300 + i,
		.idle = (uint16_t)(i % 5 ? 0 : i),
		.primary = 0x0a000001 + i,
		.backup = i % 5 == 4 ? 0 : 0x0a000101 + i,
	};

	if (r.family == ILB_WIRE_AF_INET) {
		uint32_t m;

		r.plen = plen4[i % 5];
		m = r.plen == 32 ? ~0U : ~(~0U >> r.plen);
		set_v4(r.caddr, (0xcb007100 + i) & m);	/* 203.0.113.x */
		set_v4(r.vaddr, 0xc6336401);		/* 198.51.100.1 */
		set_v4(r.raddr, 0xc0000264 + i);	/* 192.0.2.100 + i */
	} else {
		r.plen = plen6[i % 4];
		set_v6(r.caddr, "2001:db8:1::");
		r.caddr[5] = (uint8_t)i;		/* within /48 */
		set_v6(r.vaddr, "2001:db8:100::1");
		set_v6(r.raddr, "2001:db8:200::10");
		r.raddr[15] = (uint8_t)i;
	}
	return r;
}

/*
 * A valid connection count record, different for every @i: both
 * protocols, both families (every third is IPv6), counts up to the cap.
 */
static struct ilb_crec good_crec(unsigned int i)
{
	struct ilb_crec r = {
		.proto = i % 2 ? 17 : 6,
		.family = i % 3 == 2 ? ILB_WIRE_AF_INET6 : ILB_WIRE_AF_INET,
		.vport = htons((uint16_t)(80 + i)),
		.rport = htons((uint16_t)(8080 + i)),
		.active = i % 4 == 3 ? ILB_WIRE_COUNT_MAX : 1000 * i,
		.inactive = i % 5 == 4 ? 0 : 7 * i + 1,
	};

	if (r.family == ILB_WIRE_AF_INET) {
		set_v4(r.vaddr, 0xc6336401);		/* 198.51.100.1 */
		set_v4(r.raddr, 0xc0000264 + i);	/* 192.0.2.100 + i */
	} else {
		set_v6(r.vaddr, "2001:db8:100::1");
		set_v6(r.raddr, "2001:db8:200::10");
		r.raddr[15] = (uint8_t)i;
	}
	return r;
}

static uint32_t mk_sync_h(uint8_t *b, const struct ilb_msg_hdr *h,
			  uint32_t session, uint32_t seq,
			  const struct ilb_rec *r, unsigned int nrecs)
{
	uint32_t n = ilb_wire_put_hdr(b, h), k;
	unsigned int i;

	assert_int_equal(ilb_wire_put_sync(b + n, session, seq),
			 ILB_WIRE_SYNC_LEN);
	n += ILB_WIRE_SYNC_LEN;
	for (i = 0; i < nrecs; i++) {
		k = ilb_wire_put_conn(b + n, &r[i]);
		assert_int_equal(k, ilb_wire_conn_size(&r[i]));
		n += k;
	}
	return n;
}

static uint32_t mk_sync_n(uint8_t *b, uint32_t session, uint32_t seq,
			  const struct ilb_rec *r, unsigned int nrecs)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_SYNC);

	return mk_sync_h(b, &h, session, seq, r, nrecs);
}

static uint32_t mk_sync(uint8_t *b, const struct ilb_rec *r, unsigned int n)
{
	return mk_sync_n(b, 0x5eed5eed, 7, r, n);
}

static uint32_t mk_ack_h(uint8_t *b, const struct ilb_msg_hdr *h,
			 uint32_t session, uint32_t ack, uint8_t flags)
{
	struct ilb_msg_ack a = { .session = session, .ack = ack, .flags = flags };
	uint32_t n = ilb_wire_put_hdr(b, h);

	assert_int_equal(ilb_wire_put_ack(b + n, &a), ILB_WIRE_ACK_LEN);
	return n + ILB_WIRE_ACK_LEN;
}

static uint32_t mk_ack(uint8_t *b, uint32_t session, uint32_t ack,
		       uint8_t flags)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_ACK);

	return mk_ack_h(b, &h, session, ack, flags);
}

/* Write a correct IPv4 header checksum at @ip (20 bytes). */
static void ip_csum(uint8_t *ip)
{
	uint32_t sum = 0;
	unsigned int i;

	ip[10] = 0;
	ip[11] = 0;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = sum >> 8;
	ip[11] = (uint8_t)sum;
}

/*
 * A FWD message after header @h: a @body-byte IPv4 packet whose first
 * byte is @vihl and whose total length field says @tot, bytes past the
 * header a pattern, the checksum correct.
 */
static uint32_t mk_fwd_h(uint8_t *b, const struct ilb_msg_hdr *h,
			 uint8_t vihl, uint16_t tot, uint32_t body)
{
	uint32_t n = ilb_wire_put_hdr(b, h);
	uint8_t *ip = b + n;
	uint32_t i;

	for (i = 0; i < (body > 20 ? body : 20); i++)
		ip[i] = (uint8_t)(i * 7 + 1);
	ip[0] = vihl;
	ip[1] = 0;
	ip[2] = tot >> 8;
	ip[3] = (uint8_t)tot;
	ip[8] = 64;		/* ttl */
	ip[9] = 17;		/* udp */
	ip_csum(ip);
	return n + body;
}

static uint32_t mk_fwd_raw(uint8_t *b, uint8_t vihl, uint16_t tot,
			   uint32_t body)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_FWD);

	return mk_fwd_h(b, &h, vihl, tot, body);
}

static uint32_t mk_fwd(uint8_t *b, uint16_t tot, uint32_t body)
{
	return mk_fwd_raw(b, 0x45, tot, body);
}

/* --- parsing in exactly-sized buffers --------------------------------- */

/* Parse a malloc'd copy of exactly @len bytes; the caller frees *copy. */
static int parse_copy(const uint8_t *b, uint32_t len, struct ilb_msg *m,
		      uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	assert_non_null(*copy);
	memcpy(*copy, b, len);
	memset(m, 0xa5, sizeof(*m));
	return ilb_wire_parse(*copy, len, m);
}

static int parse_len(const uint8_t *b, uint32_t len)
{
	struct ilb_msg m;
	uint8_t *copy;
	int err = parse_copy(b, len, &m, &copy);

	free(copy);
	return err;
}

static void expect_at(const uint8_t *b, uint32_t len, int want, int line)
{
	int got = parse_len(b, len);

	if (got != want)
		fail_msg("line %d: parse of %u bytes gave %d (%s), want %d (%s)",
			 line, len, got, ilb_wire_strerror(got), want,
			 ilb_wire_strerror(want));
}

#define EXPECT(b, len, want) expect_at(b, len, want, __LINE__)

static void expect_rec_at(const struct ilb_rec *r, int want, int line)
{
	struct ilb_rec recs[3] = { good_rec(0), *r, good_rec(1) };
	uint8_t b[BUF_LEN];

	if (ilb_wire_rec_check(r) != want)
		fail_msg("line %d: rec_check gave %d, want %d", line,
			 ilb_wire_rec_check(r), want);
	/* the same record in the middle of a batch */
	expect_at(b, mk_sync(b, recs, 3), want, line);
}

#define EXPECT_REC(r, want) expect_rec_at(r, want, __LINE__)

static void assert_rec_equal(const struct ilb_rec *a, const struct ilb_rec *b)
{
	unsigned int n = a->family == ILB_WIRE_AF_INET6 ? 16 : 4;

	assert_int_equal(a->op, b->op);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->fwd, b->fwd);
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->caddr, b->caddr, n);
	assert_memory_equal(a->vaddr, b->vaddr, n);
	assert_memory_equal(a->raddr, b->raddr, n);
	assert_int_equal(a->cport, b->cport);
	assert_int_equal(a->vport, b->vport);
	assert_int_equal(a->rport, b->rport);
	assert_int_equal(a->idle, b->idle);
	assert_int_equal(a->primary, b->primary);
	assert_int_equal(a->backup, b->backup);
}

/* A parsed record: the address bytes a family does not use are zero. */
static void assert_rec_clean(const struct ilb_rec *r)
{
	static const uint8_t z[16];

	if (r->family == ILB_WIRE_AF_INET) {
		assert_memory_equal(r->caddr + 4, z, 12);
		assert_memory_equal(r->vaddr + 4, z, 12);
		assert_memory_equal(r->raddr + 4, z, 12);
	}
}

static void assert_hdr_equal(const struct ilb_msg_hdr *a,
			     const struct ilb_msg_hdr *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->key_id, b->key_id);
	assert_int_equal(a->cluster, b->cluster);
	assert_int_equal(a->sender, b->sender);
	assert_int_equal(a->incarnation, b->incarnation);
	assert_true(a->seq == b->seq);
	assert_int_equal(a->epoch, b->epoch);
}

static void assert_hello_equal(const struct ilb_msg_hello *a,
			       const struct ilb_msg_hello *b)
{
	assert_int_equal(a->weight, b->weight);
	assert_int_equal(a->hello_ms, b->hello_ms);
	assert_int_equal(a->dead_ms, b->dead_ms);
	assert_int_equal(a->nmembers, b->nmembers);
	assert_int_equal(a->owned, b->owned);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->addr.family, b->addr.family);
	assert_memory_equal(a->addr.a, b->addr.a, 16);
	assert_int_equal(a->nkeys, b->nkeys);
	assert_memory_equal(a->keys, b->keys, a->nkeys);
}

/* Encode a parsed hello, sync or ack again (tag copied); its length. */
static uint32_t reencode(const struct ilb_msg *m, uint8_t *out)
{
	uint32_t n = ilb_wire_put_hdr(out, &m->hdr), off = 0;
	struct ilb_prec pr;
	struct ilb_crec cr;
	struct ilb_rec r;

	if (m->hdr.tag)
		memcpy(out + ILB_WIRE_TAG_OFF, m->hdr.tag, ILB_WIRE_TAG_LEN);
	switch (m->hdr.type) {
	case ILB_MSG_HELLO:
		n += ilb_wire_put_hello(out + n, &m->hello);
		break;
	case ILB_MSG_SYNC:
		n += ilb_wire_put_sync(out + n, m->sync.session, m->sync.seq);
		while (ilb_wire_conn_next(m, &off, &r))
			n += ilb_wire_put_conn(out + n, &r);
		off = 0;
		while (ilb_wire_persist_next(m, &off, &pr))
			n += ilb_wire_put_persist(out + n, &pr);
		off = 0;
		while (ilb_wire_count_next(m, &off, &cr))
			n += ilb_wire_put_count(out + n, &cr);
		if (m->sync.has_ack)
			n += ilb_wire_put_ack_rec(out + n, &m->sync.ack);
		break;
	case ILB_MSG_ACK:
		n += ilb_wire_put_ack(out + n, &m->ack);
		break;
	default:
		fail_msg("cannot re-encode type %u", m->hdr.type);
	}
	return n;
}

/*
 * What reencode() must give for the accepted message @msg: its header
 * and fixed part, then for a hello its ADDR and KEYS records, for a sync
 * its CONN records, then its PERSIST, then its COUNT records, then its ACK
 * record, in that order, the others left out. Walks the records itself (independently of
 * wire.c) and counts them.
 */
static uint32_t canonical(const uint8_t *msg, const struct ilb_msg *m,
			  uint8_t *out, unsigned int *nconn,
			  unsigned int *npersist, unsigned int *ncount,
			  unsigned int *nunknown)
{
	static const uint8_t sync_order[] = {
		ILB_RT_CONN, ILB_RT_PERSIST, ILB_RT_COUNT, ILB_RT_ACK,
	};
	static const uint8_t hello_order[] = { ILB_RT_ADDR, ILB_RT_KEYS };
	uint32_t hl = (uint32_t)(m->body - msg), len = m->body_len;
	const uint8_t *p = m->body;
	uint32_t n, off, fixed;
	unsigned int pass;

	*nconn = 0;
	*npersist = 0;
	*ncount = 0;
	*nunknown = 0;
	memcpy(out, msg, hl);
	n = hl;
	switch (m->hdr.type) {
	case ILB_MSG_ACK:
		memcpy(out + n, p, len);
		return n + len;
	case ILB_MSG_HELLO:
		fixed = ILB_WIRE_HELLO_LEN;
		break;
	default:
		fixed = ILB_WIRE_SYNC_LEN;
	}
	assert_true(len >= fixed);
	memcpy(out + n, p, fixed);
	n += fixed;
	for (pass = 0; pass < (m->hdr.type == ILB_MSG_SYNC ? 4U : 2U); pass++) {
		for (off = fixed; off < len; off += 2 + p[off + 1]) {
			uint8_t t = p[off];

			assert_true(off + 2 <= len);
			assert_true(off + 2 + p[off + 1] <= len);
			if (m->hdr.type == ILB_MSG_SYNC && !pass) {
				if (t == ILB_RT_CONN)
					(*nconn)++;
				else if (t == ILB_RT_PERSIST)
					(*npersist)++;
				else if (t == ILB_RT_COUNT)
					(*ncount)++;
				else if (t != ILB_RT_ACK)
					(*nunknown)++;
			}
			if ((m->hdr.type == ILB_MSG_SYNC &&
			     t == sync_order[pass]) ||
			    (m->hdr.type == ILB_MSG_HELLO &&
			     t == hello_order[pass])) {
				memcpy(out + n, p + off, 2 + p[off + 1]);
				n += 2 + p[off + 1];
			}
		}
		assert_int_equal(off, len);
	}
	return n;
}

/* Re-encoding gives the canonical form of an accepted control message. */
static void check_reencode(const uint8_t *msg, const struct ilb_msg *m)
{
	static uint8_t out[BUF_LEN], want[BUF_LEN];
	unsigned int nconn, npersist, ncount, nunknown;
	uint32_t n = canonical(msg, m, want, &nconn, &npersist, &ncount,
			       &nunknown);

	assert_int_equal(reencode(m, out), n);
	assert_memory_equal(out, want, n);
	if (m->hdr.type == ILB_MSG_SYNC) {
		assert_int_equal(m->sync.nconn, nconn);
		assert_int_equal(m->sync.npersist, npersist);
		assert_int_equal(m->sync.ncount, ncount);
		assert_int_equal(m->sync.nunknown, nunknown);
	}
}

/* --- round trips -------------------------------------------------------- */

static void test_roundtrip_hello(void **state)
{
	static const uint8_t modes[] = { ILB_SCORE_HRW32, ILB_SCORE_CRC8 };
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he;
	uint8_t b[BUF_LEN], out[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	unsigned int i;
	uint32_t n, want;

	(void)state;
	for (i = 0; i < 24; i++) {
		he = good_hello();
		he.mode = modes[i % ARRAY_SIZE(modes)];
		he.flags = i % 4;
		he.weight = i & 1 ? 65535 : 0;
		he.owned = i & 2 ? 0xffffffff : 0;
		he.nkeys = i % 3;
		he.keys[0] = he.nkeys > 0 ? 0xff : 0;
		he.keys[1] = he.nkeys > 1 ? 1 : 0;
		if (i & 4) {
			he.addr.family = ILB_WIRE_AF_INET6;
			set_v6(he.addr.a, "2001:db8::10");
		}
		h.key_id = i >= 12 ? (uint8_t)(i * 17) : 0;
		h.epoch = i & 1 ? 0 : 0xffffffff;
		h.cluster = i & 2 ? 0 : 0xffffffff;
		h.seq = i & 8 ? ~0ULL : 1;
		n = mk_hello_h(b, &h, &he);
		want = ilb_wire_hdr_len(h.key_id) + ILB_WIRE_HELLO_LEN +
		       (i & 4 ? 19 : 7) + (he.nkeys ? 2 + he.nkeys : 0);
		assert_int_equal(n, want);
		if (h.key_id)
			memset(b + ILB_WIRE_TAG_OFF, 0xc3, ILB_WIRE_TAG_LEN);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_hello_equal(&m.hello, &he);
		assert_ptr_equal(m.body, copy + ilb_wire_hdr_len(h.key_id));
		assert_int_equal(m.body_len, n - ilb_wire_hdr_len(h.key_id));
		if (h.key_id)
			assert_ptr_equal(m.hdr.tag, copy + ILB_WIRE_TAG_OFF);
		else
			assert_null(m.hdr.tag);
		assert_int_equal(reencode(&m, out), n);
		assert_memory_equal(out, b, n);
		free(copy);
	}
}

static void test_roundtrip_sync(void **state)
{
	struct ilb_rec recs[64], r;
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_SYNC);
	uint8_t b[BUF_LEN], out[BUF_LEN];
	unsigned int i, count, key, max;
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n, off, total;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(recs); i++)
		recs[i] = good_rec(i);
	for (key = 0; key < 2; key++) {
		h.key_id = key ? 0x42 : 0;
		total = ilb_wire_hdr_len(h.key_id) + ILB_WIRE_SYNC_LEN;
		for (max = 0; total + conn_len(&recs[max]) <= CTRL_MAX; max++)
			total += conn_len(&recs[max]);
		assert_true(max > 20);
		for (count = 1; count <= max; count++) {
			n = mk_sync_h(b, &h, 0xffffffc0 + count, count, recs,
				      count);
			assert_true(n <= CTRL_MAX);
			assert_int_equal(parse_copy(b, n, &m, &copy),
					 ILB_WIRE_OK);
			assert_hdr_equal(&m.hdr, &h);
			assert_int_equal(m.sync.session, 0xffffffc0 + count);
			assert_int_equal(m.sync.seq, count);
			assert_int_equal(m.sync.nconn, count);
			assert_int_equal(m.sync.nunknown, 0);
			assert_ptr_equal(m.sync.recs,
					 copy + ilb_wire_hdr_len(h.key_id) +
					 ILB_WIRE_SYNC_LEN);
			assert_int_equal(m.sync.rlen,
					 n - ilb_wire_hdr_len(h.key_id) -
					 ILB_WIRE_SYNC_LEN);
			off = 0;
			for (i = 0; i < count; i++) {
				memset(&r, 0x5a, sizeof(r));
				assert_int_equal(ilb_wire_conn_next(&m, &off,
								    &r), 1);
				assert_rec_equal(&r, &recs[i]);
				assert_rec_clean(&r);
				assert_int_equal(ilb_wire_rec_check(&r),
						 ILB_WIRE_OK);
			}
			assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
			assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
			assert_int_equal(off, m.sync.rlen);
			assert_int_equal(reencode(&m, out), n);
			assert_memory_equal(out, b, n);
			free(copy);
		}
		/* one more record is over ILB_WIRE_MAX_LEN */
		n = mk_sync_h(b, &h, 1, 1, recs, max + 1);
		assert_true(n > CTRL_MAX);
		EXPECT(b, n, ILB_WIRE_ELEN);
	}
	assert_true(ILB_WIRE_MAX_LEN <= 1500 - 40 - 8);
}

static void test_roundtrip_ack(void **state)
{
	static const uint32_t acks[] = { 0, 1, 0x80000000, 0xffffffff };
	uint8_t b[BUF_LEN], out[BUF_LEN];
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_ACK);
	struct ilb_msg m;
	uint8_t *copy;
	unsigned int i;
	uint32_t n;

	(void)state;
	for (i = 0; i < 2 * ARRAY_SIZE(acks); i++) {
		h.key_id = i & 1 ? 0 : 0xfe;
		n = mk_ack_h(b, &h, 0xffffffff - i, acks[i % ARRAY_SIZE(acks)],
			     i >= ARRAY_SIZE(acks) ? ILB_ACK_F_NAK : 0);
		assert_int_equal(n, ilb_wire_hdr_len(h.key_id) +
				 ILB_WIRE_ACK_LEN);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_int_equal(m.ack.session, 0xffffffff - i);
		assert_int_equal(m.ack.ack, acks[i % ARRAY_SIZE(acks)]);
		assert_int_equal(m.ack.flags,
				 i >= ARRAY_SIZE(acks) ? ILB_ACK_F_NAK : 0);
		assert_int_equal(reencode(&m, out), n);
		assert_memory_equal(out, b, n);
		free(copy);
	}
}

static void test_roundtrip_fwd(void **state)
{
	static const struct { uint16_t tot; uint32_t body; } v[] = {
		{ 20, 20 },		/* a bare header */
		{ 60, 60 },
		{ 60, 64 },		/* trailing padding */
		{ 100, 1400 },
		{ 1500, 1500 },		/* no ILB_WIRE_MAX_LEN for FWD */
		{ 3000, 3000 },
		{ 3000, 3001 },
	};
	uint8_t b[BUF_LEN];
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_FWD);
	struct ilb_msg m;
	uint8_t *copy;
	unsigned int i, hl;
	uint32_t n;

	(void)state;
	for (i = 0; i < 2 * ARRAY_SIZE(v); i++) {
		h.key_id = i & 1 ? 7 : 0;
		hl = ilb_wire_hdr_len(h.key_id);
		n = mk_fwd_h(b, &h, 0x45, v[i / 2].tot, v[i / 2].body);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_ptr_equal(m.fwd.pkt, copy + hl);
		assert_ptr_equal(m.body, copy + hl);
		assert_int_equal(m.body_len, v[i / 2].body);
		assert_int_equal(m.fwd.len, v[i / 2].tot);
		assert_memory_equal(m.fwd.pkt, b + hl, v[i / 2].tot);
		free(copy);
	}
}

/* --- golden vectors (written by hand from the layouts in wire.h) -------- */

static const uint8_t golden_hello[] = {
	/* header: version 2, HELLO, no flags, key_id 0: no tag */
	0x02, 0x01, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster 0x11223344 */
	0x0a, 0x00, 0x00, 0x01,		/* sender 0x0a000001 */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x01,		/* seq 0x0000000100000002 */
	0x00, 0x00, 0x00, 0x02,
	0x89, 0xab, 0xcd, 0xef,		/* epoch */
	/* hello fixed part */
	0x01, 0x02,			/* weight 258 */
	0x00, 0x64,			/* hello_ms 100 */
	0x01, 0x2c,			/* dead_ms 300 */
	0x00, 0x05,			/* nmembers 5 */
	0x00, 0x01, 0x23, 0x45,		/* owned 0x12345 */
	0x01,				/* mode crc8 */
	0x01,				/* flags: leaving */
	/* ADDR: family 4, 192.0.2.10 */
	0x01, 0x05, 0x04, 0xc0, 0x00, 0x02, 0x0a,
	/* KEYS: 0x2a, 0x7f */
	0x02, 0x02, 0x2a, 0x7f,
};

static const struct ilb_msg_hdr golden_hello_hdr = {
	.version = 2, .type = ILB_MSG_HELLO, .cluster = 0x11223344,
	.sender = 0x0a000001, .incarnation = 0xa1b2c3d4,
	.seq = 0x0000000100000002ULL, .epoch = 0x89abcdef,
};

static struct ilb_msg_hello golden_hello_body(void)
{
	struct ilb_msg_hello he = {
		.weight = 258, .hello_ms = 100, .dead_ms = 300,
		.nmembers = 5, .owned = 0x12345, .mode = ILB_SCORE_CRC8,
		.flags = ILB_HELLO_F_LEAVING,
		.addr = { .family = ILB_WIRE_AF_INET,
			  .a = { 0xc0, 0x00, 0x02, 0x0a } },
		.nkeys = 2, .keys = { 0x2a, 0x7f },
	};
	return he;
}

static const uint8_t golden_sync[] = {
	/* header: version 2, SYNC, no tag */
	0x02, 0x02, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x02,		/* sender 0x0a000002 */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x00,		/* seq 256 */
	0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x01,		/* epoch 1 */
	/* sync fixed part */
	0x5e, 0xed, 0x5e, 0xed,		/* session */
	0x00, 0x00, 0x00, 0x01,		/* seq 1 */
	/* CONN, 33 bytes: IPv4 */
	0x03, 0x21,
	0x01,				/* op ADD */
	0x06,				/* proto TCP */
	0x01,				/* state established */
	0x01,				/* fwd dr */
	0x04,				/* family 4 */
	0x01, 0x02,			/* idle 258 s */
	0x9c, 0x40,			/* cport 40000 */
	0x00, 0x50,			/* vport 80 */
	0x1f, 0x90,			/* rport 8080 */
	0x0a, 0x00, 0x00, 0x02,		/* primary */
	0x0a, 0x00, 0x00, 0x03,		/* backup */
	0xcb, 0x00, 0x71, 0x07,		/* caddr 203.0.113.7 */
	0xc6, 0x33, 0x64, 0x01,		/* vaddr 198.51.100.1 */
	0x0a, 0x01, 0x00, 0x05,		/* raddr 10.1.0.5 */
	/* a record of unknown type 200, 3 bytes: skipped */
	0xc8, 0x03, 'x', 'y', 'z',
	/* CONN, 69 bytes: IPv6 */
	0x03, 0x45,
	0x02,				/* op END */
	0x11,				/* proto UDP */
	0x04,				/* state udp */
	0x00,				/* fwd nat */
	0x06,				/* family 6 */
	0xff, 0xff,			/* idle 65535 s */
	0xd4, 0x31,			/* cport 54321 */
	0x00, 0x35,			/* vport 53 */
	0x00, 0x35,			/* rport 53 */
	0x0a, 0x00, 0x00, 0x03,		/* primary */
	0x00, 0x00, 0x00, 0x00,		/* no backup */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0c, 0x00, 0x00,	/* 2001:db8:c::7 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x76, 0x00, 0x00,	/* 2001:db8:76::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* fd00::5 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
};

static const uint8_t golden_ack[] = {
	0x02, 0x03, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x03,		/* sender */
	0x00, 0x00, 0x00, 0x01,		/* incarnation 1 */
	0xff, 0xff, 0xff, 0xff,		/* seq 2^64 - 1 */
	0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff,		/* epoch */
	0x5e, 0xed, 0x5e, 0xed,		/* session */
	0x00, 0x00, 0x01, 0x00,		/* ack 256 */
	0x01,				/* flags: nak */
};

static const uint8_t golden_fwd[] = {
	0x02, 0x04, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x01,		/* sender */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x00,		/* seq 42 */
	0x00, 0x00, 0x00, 0x2a,
	0x89, 0xab, 0xcd, 0xef,		/* epoch */
	/* IPv4: 10.0.0.1 > 10.0.0.2 UDP, 36 bytes, checksum 0x7af9 */
	0x45, 0x00, 0x00, 0x24, 0xab, 0xcd, 0x40, 0x00,
	0x40, 0x11, 0x7a, 0xf9, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x1f, 0x90, 0x00, 0x10, 0x00, 0x00,	/* UDP 12345 > 8080 */
	'i', 'l', 'b', '-', 'f', 'w', 'd', '!',
};

/* Key 00..1f, the BLAKE2 reference KAT's key. */
static const uint8_t kat_key[ILB_WIRE_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/*
 * The MAC's input is the 28 header bytes, the receiver's member ID (4
 * bytes, big-endian; 0 for a HELLO) and the body. A keyed hello under
 * kat_key; its key id (0xdf) and tag are Python's:
 *   k = bytes(range(32))
 *   hashlib.blake2s(b"ilb key id v2".ljust(28, b"\0") + bytes(4), key=k,
 *		     digest_size=16)
 *     = dfe91c7f1dbddeb41e406adf58ca8044: key id 0xdf
 *   hashlib.blake2s(msg[:28] + bytes(4) + msg[44:], key=k, digest_size=16)
 *     = 6bc42d3e9c56561080ef3484ddf57ba3
 */
static const uint8_t golden_keyed[] = {
	0x02, 0x01, 0x00, 0xdf,		/* HELLO, key_id 0xdf */
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x01,		/* sender */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x01,		/* seq 0x0000000100000002 */
	0x00, 0x00, 0x00, 0x02,
	0x89, 0xab, 0xcd, 0xef,		/* epoch */
	/* tag, receiver 0 */
	0x6b, 0xc4, 0x2d, 0x3e, 0x9c, 0x56, 0x56, 0x10,
	0x80, 0xef, 0x34, 0x84, 0xdd, 0xf5, 0x7b, 0xa3,
	/* hello fixed part, as golden_hello */
	0x01, 0x02, 0x00, 0x64, 0x01, 0x2c, 0x00, 0x05,
	0x00, 0x01, 0x23, 0x45, 0x01, 0x01,
	/* ADDR: family 6, 2001:db8::a */
	0x01, 0x11, 0x06,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
	/* KEYS: 0xdf (this key), 0x7f */
	0x02, 0x02, 0xdf, 0x7f,
};

/*
 * A keyed sync under kat_key to member 0x0a000003, with one CONN (as
 * golden_sync's first) and one ACK record. Its tag is Python's:
 *   hashlib.blake2s(msg[:28] + bytes.fromhex("0a000003") + msg[44:],
 *		     key=k, digest_size=16)
 *     = 91815b25a1b84dbc3f8ad3e1e4eb151f
 * (receiver 0: fbf4c0a53bf87db01dd2cb4e4697ad31; receiver little-endian,
 * 0300000a: b093e34c9509901a6db683942747353f).
 */
#define GOLDEN_RCV 0x0a000003
static const uint8_t golden_keyed_sync[] = {
	0x02, 0x02, 0x00, 0xdf,		/* SYNC, key_id 0xdf */
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x02,		/* sender 0x0a000002 */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x00,		/* seq 257 */
	0x00, 0x00, 0x01, 0x01,
	0x00, 0x00, 0x00, 0x01,		/* epoch 1 */
	/* tag, receiver 0x0a000003 */
	0x91, 0x81, 0x5b, 0x25, 0xa1, 0xb8, 0x4d, 0xbc,
	0x3f, 0x8a, 0xd3, 0xe1, 0xe4, 0xeb, 0x15, 0x1f,
	/* sync fixed part */
	0x5e, 0xed, 0x5e, 0xed,		/* session */
	0x00, 0x00, 0x00, 0x02,		/* seq 2 */
	/* CONN, 33 bytes: IPv4, as in golden_sync */
	0x03, 0x21, 0x01, 0x06, 0x01, 0x01, 0x04, 0x01, 0x02,
	0x9c, 0x40, 0x00, 0x50, 0x1f, 0x90,
	0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x03,
	0xcb, 0x00, 0x71, 0x07, 0xc6, 0x33, 0x64, 0x01,
	0x0a, 0x01, 0x00, 0x05,
	/* ACK, 9 bytes: session 0x00c0ffee, ack 41, no flags */
	0x04, 0x09,
	0x00, 0xc0, 0xff, 0xee,
	0x00, 0x00, 0x00, 0x29,
	0x00,
};

static void test_golden_hello(void **state)
{
	struct ilb_msg_hello he = golden_hello_body();
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;

	(void)state;
	memset(b, 0xee, sizeof(b));
	assert_int_equal(mk_hello_h(b, &golden_hello_hdr, &he),
			 sizeof(golden_hello));
	assert_memory_equal(b, golden_hello, sizeof(golden_hello));

	assert_int_equal(ilb_wire_parse_hdr(golden_hello, sizeof(golden_hello),
					    &m.hdr), ILB_WIRE_HDR_LEN);
	assert_int_equal(parse_copy(golden_hello, sizeof(golden_hello), &m,
				    &copy), ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &golden_hello_hdr);
	assert_null(m.hdr.tag);
	assert_ptr_equal(m.body, copy + 28);
	assert_int_equal(m.body_len, sizeof(golden_hello) - 28);
	assert_int_equal(m.hello.weight, 258);
	assert_int_equal(m.hello.hello_ms, 100);
	assert_int_equal(m.hello.dead_ms, 300);
	assert_int_equal(m.hello.nmembers, 5);
	assert_int_equal(m.hello.owned, 0x12345);
	assert_int_equal(m.hello.mode, ILB_SCORE_CRC8);
	assert_int_equal(m.hello.flags, ILB_HELLO_F_LEAVING);
	assert_int_equal(m.hello.addr.family, ILB_WIRE_AF_INET);
	assert_hex(m.hello.addr.a, 16, "c000020a 00000000 00000000 00000000");
	assert_int_equal(m.hello.nkeys, 2);
	assert_int_equal(m.hello.keys[0], 0x2a);
	assert_int_equal(m.hello.keys[1], 0x7f);
	free(copy);
}

static void test_golden_sync(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 2, .type = ILB_MSG_SYNC, .cluster = 0x11223344,
		.sender = 0x0a000002, .incarnation = 0xa1b2c3d4, .seq = 256,
		.epoch = 1,
	};
	struct ilb_rec want[2] = { {
		.op = ILB_REC_ADD, .proto = 6, .state = ILB_CS_ESTABLISHED,
		.fwd = ILB_FWD_DR, .family = ILB_WIRE_AF_INET,
		.caddr = { 203, 0, 113, 7 }, .vaddr = { 198, 51, 100, 1 },
		.raddr = { 10, 1, 0, 5 },
		.cport = htons(40000), .vport = htons(80), .rport = htons(8080),
		.idle = 258, .primary = 0x0a000002, .backup = 0x0a000003,
	}, {
		.op = ILB_REC_END, .proto = 17, .state = ILB_CS_UDP,
		.fwd = ILB_FWD_NAT, .family = ILB_WIRE_AF_INET6,
		.cport = htons(54321), .vport = htons(53), .rport = htons(53),
		.idle = 65535, .primary = 0x0a000003, .backup = 0,
	} };
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	struct ilb_rec r;
	uint8_t *copy;
	uint32_t n, off;

	(void)state;
	set_v6(want[1].caddr, "2001:db8:c::7");
	set_v6(want[1].vaddr, "2001:db8:76::1");
	set_v6(want[1].raddr, "fd00::5");
	assert_int_equal(ilb_wire_conn_size(&want[0]), 2 + 33);
	assert_int_equal(ilb_wire_conn_size(&want[1]), 2 + 69);

	memset(b, 0xee, sizeof(b));
	n = ilb_wire_put_hdr(b, &h);
	n += ilb_wire_put_sync(b + n, 0x5eed5eed, 1);
	n += ilb_wire_put_conn(b + n, &want[0]);
	n += put_rec(b + n, 200, 3, (const uint8_t *)"xyz");
	n += ilb_wire_put_conn(b + n, &want[1]);
	assert_int_equal(n, sizeof(golden_sync));
	assert_memory_equal(b, golden_sync, sizeof(golden_sync));

	assert_int_equal(parse_copy(golden_sync, sizeof(golden_sync), &m,
				    &copy), ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_null(m.hdr.tag);
	assert_int_equal(m.sync.session, 0x5eed5eed);
	assert_int_equal(m.sync.seq, 1);
	assert_int_equal(m.sync.nconn, 2);
	assert_int_equal(m.sync.nunknown, 1);
	assert_ptr_equal(m.sync.recs, copy + 36);
	assert_int_equal(m.sync.rlen, sizeof(golden_sync) - 36);
	off = 0;
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 1);
	assert_rec_equal(&r, &want[0]);
	assert_rec_clean(&r);
	assert_int_equal(off, 35);
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 1);
	assert_rec_equal(&r, &want[1]);
	assert_int_equal(off, 35 + 5 + 71);
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
	check_reencode(copy, &m);
	free(copy);
}

static void test_golden_ack(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 2, .type = ILB_MSG_ACK, .cluster = 0x11223344,
		.sender = 0x0a000003, .incarnation = 1, .seq = ~0ULL,
		.epoch = 0xffffffff,
	};
	struct ilb_msg_ack a = {
		.session = 0x5eed5eed, .ack = 256, .flags = ILB_ACK_F_NAK,
	};
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	n = ilb_wire_put_hdr(b, &h);
	n += ilb_wire_put_ack(b + n, &a);
	assert_int_equal(n, sizeof(golden_ack));
	assert_memory_equal(b, golden_ack, sizeof(golden_ack));
	assert_int_equal(parse_copy(golden_ack, sizeof(golden_ack), &m, &copy),
			 ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_int_equal(m.ack.session, 0x5eed5eed);
	assert_int_equal(m.ack.ack, 256);
	assert_int_equal(m.ack.flags, ILB_ACK_F_NAK);
	free(copy);
}

static void test_golden_fwd(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 2, .type = ILB_MSG_FWD, .cluster = 0x11223344,
		.sender = 0x0a000001, .incarnation = 0xa1b2c3d4, .seq = 42,
		.epoch = 0x89abcdef,
	};
	uint8_t b[BUF_LEN], ip[20];
	struct ilb_msg m;
	uint8_t *copy;

	(void)state;
	assert_int_equal(ilb_wire_put_hdr(b, &h), 28);
	assert_memory_equal(b, golden_fwd, 28);
	/* the checksum in the vector is what ip_csum() computes */
	memcpy(ip, golden_fwd + 28, 20);
	ip_csum(ip);
	assert_memory_equal(ip, golden_fwd + 28, 20);

	assert_int_equal(parse_copy(golden_fwd, sizeof(golden_fwd), &m, &copy),
			 ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_ptr_equal(m.fwd.pkt, copy + 28);
	assert_int_equal(m.fwd.len, 36);
	assert_memory_equal(m.fwd.pkt, golden_fwd + 28, 36);
	free(copy);
}

static void test_golden_keyed(void **state)
{
	struct ilb_msg_hdr h = golden_hello_hdr;
	struct ilb_msg_hello he = golden_hello_body();
	uint8_t b[BUF_LEN], tag[ILB_WIRE_TAG_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	h.key_id = ilb_wire_key_id(kat_key);
	assert_int_equal(h.key_id, 0xdf);
	he.addr.family = ILB_WIRE_AF_INET6;
	set_v6(he.addr.a, "2001:db8::a");
	he.keys[0] = h.key_id;

	/* the sender: zero tag, then the MAC over header, receiver 0 (a
	 * heartbeat is for every member) and body
	 */
	memset(b, 0xee, sizeof(b));
	n = mk_hello_h(b, &h, &he);
	assert_int_equal(n, sizeof(golden_keyed));
	assert_hex(b + ILB_WIRE_TAG_OFF, 16, "00000000000000000000000000000000");
	ilb_wire_mac(tag, kat_key, b, 0, b + ILB_WIRE_HDR_MAX,
		     n - ILB_WIRE_HDR_MAX);
	assert_hex(tag, 16, "6bc42d3e9c56561080ef3484ddf57ba3");
	memcpy(b + ILB_WIRE_TAG_OFF, tag, ILB_WIRE_TAG_LEN);
	assert_memory_equal(b, golden_keyed, sizeof(golden_keyed));

	/* the receiver */
	assert_int_equal(ilb_wire_parse_hdr(golden_keyed, sizeof(golden_keyed),
					    &m.hdr), ILB_WIRE_HDR_MAX);
	assert_int_equal(parse_copy(golden_keyed, sizeof(golden_keyed), &m,
				    &copy), ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_ptr_equal(m.hdr.tag, copy + 28);
	assert_ptr_equal(m.body, copy + 44);
	assert_int_equal(m.body_len, sizeof(golden_keyed) - 44);
	assert_hello_equal(&m.hello, &he);
	ilb_wire_mac(tag, kat_key, copy, 0, m.body, m.body_len);
	assert_memory_equal(tag, m.hdr.tag, ILB_WIRE_TAG_LEN);
	check_reencode(copy, &m);
	free(copy);
}

static void test_golden_keyed_sync(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 2, .type = ILB_MSG_SYNC, .key_id = 0xdf,
		.cluster = 0x11223344, .sender = 0x0a000002,
		.incarnation = 0xa1b2c3d4, .seq = 257, .epoch = 1,
	};
	struct ilb_rec want = {
		.op = ILB_REC_ADD, .proto = 6, .state = ILB_CS_ESTABLISHED,
		.fwd = ILB_FWD_DR, .family = ILB_WIRE_AF_INET,
		.caddr = { 203, 0, 113, 7 }, .vaddr = { 198, 51, 100, 1 },
		.raddr = { 10, 1, 0, 5 },
		.cport = htons(40000), .vport = htons(80), .rport = htons(8080),
		.idle = 258, .primary = 0x0a000002, .backup = 0x0a000003,
	}, r;
	struct ilb_msg_ack a = { .session = 0x00c0ffee, .ack = 41 };
	uint8_t b[BUF_LEN], tag[ILB_WIRE_TAG_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n, off = 0;

	(void)state;
	memset(b, 0xee, sizeof(b));
	n = ilb_wire_put_hdr(b, &h);
	n += ilb_wire_put_sync(b + n, 0x5eed5eed, 2);
	n += ilb_wire_put_conn(b + n, &want);
	n += ilb_wire_put_ack_rec(b + n, &a);
	assert_int_equal(n, sizeof(golden_keyed_sync));
	ilb_wire_mac(tag, kat_key, b, GOLDEN_RCV, b + ILB_WIRE_HDR_MAX,
		     n - ILB_WIRE_HDR_MAX);
	assert_hex(tag, 16, "91815b25a1b84dbc3f8ad3e1e4eb151f");
	memcpy(b + ILB_WIRE_TAG_OFF, tag, ILB_WIRE_TAG_LEN);
	assert_memory_equal(b, golden_keyed_sync, sizeof(golden_keyed_sync));
	/* another receiver, or this one's bytes in the other order */
	ilb_wire_mac(tag, kat_key, b, 0, b + ILB_WIRE_HDR_MAX,
		     n - ILB_WIRE_HDR_MAX);
	assert_hex(tag, 16, "fbf4c0a53bf87db01dd2cb4e4697ad31");
	ilb_wire_mac(tag, kat_key, b, 0x0300000a, b + ILB_WIRE_HDR_MAX,
		     n - ILB_WIRE_HDR_MAX);
	assert_hex(tag, 16, "b093e34c9509901a6db683942747353f");

	n = sizeof(golden_keyed_sync);
	assert_int_equal(parse_copy(golden_keyed_sync, n, &m, &copy),
			 ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_ptr_equal(m.hdr.tag, copy + 28);
	assert_int_equal(m.sync.session, 0x5eed5eed);
	assert_int_equal(m.sync.seq, 2);
	assert_int_equal(m.sync.nconn, 1);
	assert_int_equal(m.sync.nunknown, 0);
	assert_true(m.sync.has_ack);
	assert_int_equal(m.sync.ack.session, 0x00c0ffee);
	assert_int_equal(m.sync.ack.ack, 41);
	assert_int_equal(m.sync.ack.flags, 0);
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 1);
	assert_rec_equal(&r, &want);
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
	ilb_wire_mac(tag, kat_key, copy, GOLDEN_RCV, m.body, m.body_len);
	assert_memory_equal(tag, m.hdr.tag, ILB_WIRE_TAG_LEN);
	check_reencode(copy, &m);
	free(copy);
}

/* --- bounds: header ----------------------------------------------------- */

static void test_header_errors(void **state)
{
	struct ilb_msg_hdr h, ph;
	uint8_t b[BUF_LEN], *copy;
	uint32_t n, i;

	(void)state;
	n = mk_ack(b, 1, 1, 0);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < ILB_WIRE_HDR_LEN; i++)
		EXPECT(b, i, ILB_WIRE_ESHORT);
	assert_int_equal(ilb_wire_parse(NULL, 0, &(struct ilb_msg){0}),
			 ILB_WIRE_ESHORT);
	assert_int_equal(ilb_wire_parse(NULL, 100, &(struct ilb_msg){0}),
			 ILB_WIRE_ESHORT);
	assert_int_equal(ilb_wire_parse_hdr(NULL, 100, &ph), ILB_WIRE_ESHORT);

	/* version: only ILB_WIRE_VERSION */
	for (i = 0; i < 256; i++) {
		b[0] = i;
		EXPECT(b, n, i == 2 ? ILB_WIRE_OK : ILB_WIRE_EVERSION);
	}
	b[0] = ILB_WIRE_VERSION;

	/* type: 1..4 */
	for (i = 0; i < 256; i++) {
		b[1] = i;
		if (i >= ILB_MSG_HELLO && i < __ILB_MSG_MAX)
			assert_int_not_equal(parse_len(b, n), ILB_WIRE_ETYPE);
		else
			EXPECT(b, n, ILB_WIRE_ETYPE);
	}
	b[1] = ILB_MSG_ACK;
	EXPECT(b, n, ILB_WIRE_OK);

	/* flags: none known, every bit refused */
	for (i = 0; i < 8; i++) {
		b[2] = 1u << i;
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}
	b[2] = 0xff;
	EXPECT(b, n, ILB_WIRE_EFIELD);
	b[2] = 0;
	EXPECT(b, n, ILB_WIRE_OK);

	/* sender, incarnation and seq: non-zero; cluster, epoch: any */
	h = good_hdr(ILB_MSG_ACK);
	h.cluster = 0;
	h.epoch = 0;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h.cluster = 0xffffffff;
	h.epoch = 0xffffffff;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h = good_hdr(ILB_MSG_ACK);
	h.sender = 0;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_EFIELD);
	h.sender = 1;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h.sender = 0xffffffff;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h = good_hdr(ILB_MSG_ACK);
	h.incarnation = 0;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_EFIELD);
	h.incarnation = 1;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h.incarnation = 0xffffffff;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_OK);
	h = good_hdr(ILB_MSG_ACK);
	h.seq = 0;
	EXPECT(b, mk_ack_h(b, &h, 1, 1, 0), ILB_WIRE_EFIELD);
	/* every byte of the 64-bit seq counts */
	for (i = 0; i < 64; i++) {
		h.seq = 1ULL << i;
		n = mk_ack_h(b, &h, 1, 1, 0);
		EXPECT(b, n, ILB_WIRE_OK);
		assert_int_equal(ilb_wire_parse_hdr(b, n, &ph), 28);
		assert_true(ph.seq == 1ULL << i);
		assert_int_equal(b[16 + (63 - i) / 8], 1u << (i % 8));
	}

	/* the order: short, version, type, flags, fields, then tag room */
	h = good_hdr(ILB_MSG_ACK);
	h.sender = 0;
	h.key_id = 1;
	n = mk_ack_h(b, &h, 1, 1, 0);
	b[0] = 1;
	b[1] = 0;
	b[2] = 1;
	EXPECT(b, 27, ILB_WIRE_ESHORT);
	EXPECT(b, 28, ILB_WIRE_EVERSION);
	b[0] = 2;
	EXPECT(b, 28, ILB_WIRE_ETYPE);
	b[1] = ILB_MSG_ACK;
	EXPECT(b, 28, ILB_WIRE_EFIELD);
	b[2] = 0;
	EXPECT(b, 28, ILB_WIRE_EFIELD);
	b[11] = 1;		/* sender 1 */
	EXPECT(b, 28, ILB_WIRE_ESHORT);
	EXPECT(b, 43, ILB_WIRE_ESHORT);
	EXPECT(b, 44, ILB_WIRE_ESHORT);	/* the ack body is missing */
	EXPECT(b, n, ILB_WIRE_OK);

	/* key_id: 0 no tag, any other value a 16-byte tag */
	for (i = 0; i < 256; i++) {
		h = good_hdr(ILB_MSG_ACK);
		h.key_id = i;
		n = mk_ack_h(b, &h, 1, 1, 0);
		assert_int_equal(n, (i ? 44 : 28) + 9);
		memset(b + 28, 0x77, i ? 16 : 0);
		assert_int_equal(parse_copy(b, n, &(struct ilb_msg){0}, &copy),
				 ILB_WIRE_OK);
		free(copy);
		/* parse_hdr alone needs only the header and tag */
		copy = malloc(i ? 44 : 28);
		memcpy(copy, b, i ? 44 : 28);
		assert_int_equal(ilb_wire_parse_hdr(copy, i ? 44 : 28, &ph),
				 i ? 44 : 28);
		assert_int_equal(ph.key_id, i);
		if (i)
			assert_ptr_equal(ph.tag, copy + 28);
		else
			assert_null(ph.tag);
		if (i)
			assert_int_equal(ilb_wire_parse_hdr(copy, 43, &ph),
					 ILB_WIRE_ESHORT);
		free(copy);
	}
}

/* parse_body on a body apart from its header (as the module may do). */
static void test_parse_body(void **state)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he = good_hello();
	uint8_t b[BUF_LEN], *body;
	struct ilb_msg m;
	uint32_t n, hl;
	unsigned int key;

	(void)state;
	for (key = 0; key < 2; key++) {
		h.key_id = key ? 9 : 0;
		hl = ilb_wire_hdr_len(h.key_id);
		n = mk_hello_h(b, &h, &he);
		memset(&m, 0xa5, sizeof(m));
		assert_int_equal(ilb_wire_parse_hdr(b, n, &m.hdr), (int)hl);
		body = malloc(n - hl);
		memcpy(body, b + hl, n - hl);
		assert_int_equal(ilb_wire_parse_body(body, n - hl, &m),
				 ILB_WIRE_OK);
		assert_ptr_equal(m.body, body);
		assert_int_equal(m.body_len, n - hl);
		assert_hello_equal(&m.hello, &he);
		assert_int_equal(ilb_wire_parse_body(body, n - hl - 1, &m),
				 ILB_WIRE_ELEN);
		assert_int_equal(ilb_wire_parse_body(NULL, 0, &m),
				 ILB_WIRE_ESHORT);
		/* the limit counts the header the key id implies */
		assert_int_equal(ilb_wire_parse_body(body, CTRL_MAX - hl + 1, &m),
				 ILB_WIRE_ELEN);
		m.hdr.type = 0;
		assert_int_equal(ilb_wire_parse_body(body, n - hl, &m),
				 ILB_WIRE_ETYPE);
		m.hdr.type = __ILB_MSG_MAX;
		assert_int_equal(ilb_wire_parse_body(body, n - hl, &m),
				 ILB_WIRE_ETYPE);
		free(body);
	}
}

/* --- bounds: hello ------------------------------------------------------ */

static void expect_hello_at(const struct ilb_msg_hello *he, int want, int line)
{
	uint8_t b[BUF_LEN];

	expect_at(b, mk_hello(b, he), want, line);
}

#define EXPECT_HELLO(he, want) expect_hello_at(he, want, __LINE__)

static void test_hello_fields(void **state)
{
	struct ilb_msg_hello he;
	uint8_t b[BUF_LEN];
	unsigned int i;
	uint32_t n;

	(void)state;
	/* fixed part: at least ILB_WIRE_HELLO_LEN; then an ADDR record */
	he = good_hello();
	n = mk_hello(b, &he);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < ILB_WIRE_HELLO_LEN; i++)
		EXPECT(b, ILB_WIRE_HDR_LEN + i, ILB_WIRE_ESHORT);
	EXPECT(b, ILB_WIRE_HDR_LEN + ILB_WIRE_HELLO_LEN, ILB_WIRE_EFIELD);
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);

	/* weight, owned: any */
	he = good_hello();
	he.weight = 0;
	he.owned = 0;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.weight = 65535;
	he.owned = 0xffffffff;
	EXPECT_HELLO(&he, ILB_WIRE_OK);

	/* mode < __ILB_SCORE_MAX */
	he = good_hello();
	he.mode = __ILB_SCORE_MAX - 1;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.mode = __ILB_SCORE_MAX;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.mode = 0xff;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);

	/* flags: only ILB_HELLO_F_KNOWN */
	he = good_hello();
	for (i = 0; i < 256; i++) {
		he.flags = i;
		EXPECT_HELLO(&he, i & ~ILB_HELLO_F_KNOWN ? ILB_WIRE_EFIELD :
			     ILB_WIRE_OK);
	}

	/* hello_ms in [ILB_HELLO_MS_MIN, ILB_HELLO_MS_MAX] */
	he = good_hello();
	he.hello_ms = ILB_HELLO_MS_MIN - 1;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.hello_ms = ILB_HELLO_MS_MIN;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.hello_ms = 0;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.dead_ms = ILB_DEAD_MS_MAX;
	he.hello_ms = ILB_HELLO_MS_MAX;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.hello_ms = ILB_HELLO_MS_MAX + 1;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.hello_ms = 0xffff;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);

	/* dead_ms in (hello_ms, ILB_DEAD_MS_MAX] */
	he = good_hello();
	he.dead_ms = he.hello_ms;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.dead_ms = he.hello_ms - 1;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.dead_ms = he.hello_ms + 1;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.dead_ms = ILB_DEAD_MS_MAX;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.dead_ms = ILB_DEAD_MS_MAX + 1;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.dead_ms = 0xffff;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.dead_ms = 0;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.hello_ms = ILB_HELLO_MS_MIN;
	he.dead_ms = ILB_HELLO_MS_MIN + 1;
	EXPECT_HELLO(&he, ILB_WIRE_OK);

	/* nmembers in [1, ILB_CLUSTER_MAX_MEMBERS] */
	he = good_hello();
	he.nmembers = 0;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.nmembers = 1;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.nmembers = ILB_CLUSTER_MAX_MEMBERS;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.nmembers = ILB_CLUSTER_MAX_MEMBERS + 1;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.nmembers = 0xffff;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
}

static void test_hello_addr(void **state)
{
	static const struct { uint32_t addr; int want; } v4[] = {
		{ 0x00000000, ILB_WIRE_EFIELD },	/* 0.0.0.0 */
		{ 0x00000001, ILB_WIRE_OK },		/* 0.0.0.1 */
		{ 0x7f000001, ILB_WIRE_OK },		/* 127.0.0.1 */
		{ 0xdfffffff, ILB_WIRE_OK },		/* 223.255.255.255 */
		{ 0xe0000000, ILB_WIRE_EFIELD },	/* 224.0.0.0 */
		{ 0xefff4c42, ILB_WIRE_EFIELD },	/* the cluster group */
		{ 0xefffffff, ILB_WIRE_EFIELD },	/* 239.255.255.255 */
		{ 0xf0000000, ILB_WIRE_OK },		/* 240.0.0.0 */
		{ 0xfffffffe, ILB_WIRE_OK },		/* 255.255.255.254 */
		{ 0xffffffff, ILB_WIRE_EFIELD },	/* broadcast */
	};
	static const struct { const char *addr; int want; } v6[] = {
		{ "::", ILB_WIRE_EFIELD },
		{ "::1", ILB_WIRE_OK },
		{ "1::", ILB_WIRE_OK },
		{ "::ffff:224.0.0.1", ILB_WIRE_OK },	/* not ff00::/8 */
		{ "2001:db8::1", ILB_WIRE_OK },
		{ "fe80::1", ILB_WIRE_OK },
		{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ILB_WIRE_OK },
		{ "ff00::", ILB_WIRE_EFIELD },
		{ "ff02::1", ILB_WIRE_EFIELD },
		{ "ff05::1:3", ILB_WIRE_EFIELD },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ILB_WIRE_EFIELD },
	};
	struct ilb_msg_hello he;
	struct ilb_wire_addr a;
	uint8_t b[BUF_LEN], v[32];
	struct ilb_msg m;
	unsigned int i, fam, len, k;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v4); i++) {
		he = good_hello();
		set_v4(he.addr.a, v4[i].addr);
		EXPECT_HELLO(&he, v4[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(v6); i++) {
		he = good_hello();
		he.addr.family = ILB_WIRE_AF_INET6;
		set_v6(he.addr.a, v6[i].addr);
		EXPECT_HELLO(&he, v6[i].want);
	}

	/* an IPv6 address: any one byte makes it non-zero */
	for (i = 0; i < 16; i++) {
		he = good_hello();
		he.addr.family = ILB_WIRE_AF_INET6;
		memset(he.addr.a, 0, 16);
		he.addr.a[i] = 0x80;
		EXPECT_HELLO(&he, ILB_WIRE_OK);
	}

	/* a v4 address parses with zero padding; the v6 one in full */
	he = good_hello();
	n = mk_hello_fixed(b, &he);
	v[0] = 4;
	memcpy(v + 1, "\x0a\x00\x00\x01", 4);
	n += put_rec(b + n, ILB_RT_ADDR, 5, v);
	assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.hello.addr.family, 4);
	assert_hex(m.hello.addr.a, 16, "0a000001000000000000000000000000");
	assert_int_equal(m.hello.nkeys, 0);
	free(copy);

	/* the value: family then 4 or 16 bytes, nothing else */
	for (fam = 0; fam < 256; fam++) {
		for (len = 0; len <= 20; len++) {
			he = good_hello();
			n = mk_hello_fixed(b, &he);
			memset(v, 0x0a, sizeof(v));
			v[0] = fam;
			n += put_rec(b + n, ILB_RT_ADDR, len, v);
			EXPECT(b, n, (fam == 4 && len == 5) ||
			       (fam == 6 && len == 17) ? ILB_WIRE_OK :
			       ILB_WIRE_EFIELD);
		}
	}

	/* exactly one ADDR */
	he = good_hello();
	a = he.addr;
	n = mk_hello(b, &he);
	n += put_addr_rec(b + n, &a);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	n = mk_hello_fixed(b, &he);
	n += put_rec(b + n, ILB_RT_KEYS, 1, (const uint8_t *)"\x01");
	EXPECT(b, n, ILB_WIRE_EFIELD);
	n = mk_hello_fixed(b, &he);
	n += put_rec(b + n, 0x99, 4, NULL);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	for (k = 0; k < 3; k++) {
		n = mk_hello_fixed(b, &he);
		n += put_addr_rec(b + n, &a);
		n += put_rec(b + n, 0x99, k, NULL);
		a.family = ILB_WIRE_AF_INET6;	/* another, valid one */
		set_v6(a.a, "2001:db8::1");
		n += put_addr_rec(b + n, &a);
		EXPECT(b, n, ILB_WIRE_EFIELD);
		a = he.addr;
	}
}

static void test_hello_records(void **state)
{
	struct ilb_msg_hello he = good_hello();
	struct ilb_rec r = good_rec(0);
	uint8_t b[BUF_LEN], v[8];
	struct ilb_msg m;
	unsigned int i, j, len, t;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	/* KEYS: 1 or 2 non-zero ids */
	for (len = 0; len <= 4; len++) {
		n = mk_hello(b, &he);
		n += put_rec(b + n, ILB_RT_KEYS, len,
			     (const uint8_t *)"\x11\x22\x33\x44");
		if (len < 1 || len > 2) {
			EXPECT(b, n, ILB_WIRE_EFIELD);
			continue;
		}
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_int_equal(m.hello.nkeys, len);
		assert_int_equal(m.hello.keys[0], 0x11);
		if (len == 2)
			assert_int_equal(m.hello.keys[1], 0x22);
		check_reencode(copy, &m);
		free(copy);
	}
	n = mk_hello(b, &he);
	n += put_rec(b + n, ILB_RT_KEYS, 255, NULL);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	for (i = 0; i < 256; i++) {
		for (j = 0; j < 256; j += i ? 255 : 1) {
			v[0] = i;
			v[1] = j;
			n = mk_hello(b, &he);
			n += put_rec(b + n, ILB_RT_KEYS, 2, v);
			EXPECT(b, n, i && j ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
		}
		n = mk_hello(b, &he);
		n += put_rec(b + n, ILB_RT_KEYS, 1, v);
		EXPECT(b, n, i ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
	}
	/* two ids may be equal (two keys whose ids collide) */
	n = mk_hello(b, &he);
	n += put_rec(b + n, ILB_RT_KEYS, 2, (const uint8_t *)"\x05\x05");
	EXPECT(b, n, ILB_WIRE_OK);
	/* at most one KEYS record */
	n = mk_hello(b, &he);
	n += put_rec(b + n, ILB_RT_KEYS, 1, (const uint8_t *)"\x05");
	n += put_rec(b + n, ILB_RT_KEYS, 1, (const uint8_t *)"\x06");
	EXPECT(b, n, ILB_WIRE_EFIELD);
	n = mk_hello(b, &he);
	n += put_rec(b + n, ILB_RT_KEYS, 2, (const uint8_t *)"\x05\x06");
	n += put_rec(b + n, 0x80, 0, NULL);
	n += put_rec(b + n, ILB_RT_KEYS, 0, NULL);
	EXPECT(b, n, ILB_WIRE_EFIELD);

	/* any order: KEYS and unknown records before the ADDR */
	n = mk_hello_fixed(b, &he);
	n += put_rec(b + n, 0xfe, 7, NULL);
	n += put_rec(b + n, ILB_RT_KEYS, 2, (const uint8_t *)"\x33\x44");
	n += put_rec(b + n, __ILB_RT_MAX, 0, NULL);
	n += put_addr_rec(b + n, &he.addr);
	n += put_rec(b + n, 0xff, 255, NULL);
	assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.hello.nkeys, 2);
	assert_int_equal(m.hello.keys[0], 0x33);
	assert_int_equal(m.hello.keys[1], 0x44);
	assert_int_equal(m.hello.addr.family, he.addr.family);
	assert_memory_equal(m.hello.addr.a, he.addr.a, 16);
	check_reencode(copy, &m);
	free(copy);

	/* unknown types (>= __ILB_RT_MAX) are skipped, whatever they hold */
	for (t = __ILB_RT_MAX; t < 256; t++) {
		for (len = 0; len < 256; len += t == __ILB_RT_MAX ? 1 : 85) {
			n = mk_hello(b, &he);
			n += put_rec(b + n, t, len, NULL);
			EXPECT(b, n, ILB_WIRE_OK);
		}
	}
	/* type 0 is refused; a CONN or ACK record has no place in a hello */
	for (len = 0; len < 4; len++) {
		n = mk_hello(b, &he);
		n += put_rec(b + n, 0, len, NULL);
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}
	n = mk_hello(b, &he);
	n += ilb_wire_put_conn(b + n, &r);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	n = mk_hello(b, &he);
	n += ilb_wire_put_ack_rec(b + n, &(struct ilb_msg_ack){ .session = 1 });
	EXPECT(b, n, ILB_WIRE_EFIELD);

	/* the record area is consumed exactly */
	n = mk_hello(b, &he);
	b[n] = 0x80;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);	/* half a record header */
	b[n + 1] = 1;
	EXPECT(b, n + 2, ILB_WIRE_ELEN);	/* value past the end */
	b[n + 2] = 0;
	EXPECT(b, n + 3, ILB_WIRE_OK);
	b[n + 1] = 255;
	EXPECT(b, n + 3, ILB_WIRE_ELEN);
	n = mk_hello_fixed(b, &he);
	b[n] = ILB_RT_ADDR;
	b[n + 1] = 5;
	EXPECT(b, n + 2, ILB_WIRE_ELEN);
	EXPECT(b, n + 6, ILB_WIRE_ELEN);

	/* the whole message fits ILB_WIRE_MAX_LEN, tag included */
	for (i = 0; i < 2; i++) {
		struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);

		h.key_id = i ? 3 : 0;
		n = pad_to(b, mk_hello_h(b, &h, &he), CTRL_MAX);
		EXPECT(b, n, ILB_WIRE_OK);
		n = pad_to(b, mk_hello_h(b, &h, &he), CTRL_MAX + 1);
		EXPECT(b, n, ILB_WIRE_ELEN);
		n = pad_to(b, mk_hello_h(b, &h, &he), 4000);
		EXPECT(b, n, ILB_WIRE_ELEN);
	}
}

/* --- bounds: sync and records ------------------------------------------ */

static void test_sync_errors(void **state)
{
	struct ilb_rec recs[40];
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	unsigned int i;
	uint8_t *copy;
	uint32_t n, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(recs); i++)
		recs[i] = good_rec(i);

	/* fixed part: at least ILB_WIRE_SYNC_LEN, then at least one record */
	n = mk_sync(b, recs, 1);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < ILB_WIRE_SYNC_LEN; i++)
		EXPECT(b, ILB_WIRE_HDR_LEN + i, ILB_WIRE_ESHORT);
	EXPECT(b, ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN, ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync(b, recs, 0), ILB_WIRE_EFIELD);

	/* session, seq: non-zero */
	EXPECT(b, mk_sync_n(b, 0, 1, recs, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 0, recs, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 1, recs, 1), ILB_WIRE_OK);
	EXPECT(b, mk_sync_n(b, 0xffffffff, 0xffffffff, recs, 1), ILB_WIRE_OK);

	/* only unknown records: accepted, nothing to apply */
	n = mk_sync(b, recs, 0);
	n += put_rec(b + n, 0x80, 0, NULL);
	assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.sync.nconn, 0);
	assert_int_equal(m.sync.nunknown, 1);
	check_reencode(copy, &m);
	free(copy);

	/* hello records and type 0 are refused in a sync */
	for (i = 0; i < 3; i++) {
		static const uint8_t t[] = { 0, ILB_RT_ADDR, ILB_RT_KEYS };
		uint8_t v[5] = { 4, 10, 0, 0, 1 };

		n = mk_sync(b, recs, 2);
		n += put_rec(b + n, t[i], t[i] == ILB_RT_KEYS ? 1 : 5, v);
		n += ilb_wire_put_conn(b + n, &recs[2]);
		EXPECT(b, n, ILB_WIRE_EFIELD);
		n = mk_sync(b, recs, 0);
		n += put_rec(b + n, t[i], 0, v);
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}

	/* the record area is consumed exactly */
	n = mk_sync(b, recs, 2);
	EXPECT(b, n, ILB_WIRE_OK);
	EXPECT(b, n - 1, ILB_WIRE_ELEN);
	b[n] = ILB_RT_CONN;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);
	b[n + 1] = 0;
	EXPECT(b, n + 2, ILB_WIRE_EFIELD);	/* an empty CONN record */
	b[n] = 0x80;
	EXPECT(b, n + 2, ILB_WIRE_OK);		/* an empty unknown one */
	b[n + 1] = 1;
	EXPECT(b, n + 2, ILB_WIRE_ELEN);
	k = mk_sync(b, recs, 1);
	for (n = k - conn_len(&recs[0]) + 1; n < k; n++)
		EXPECT(b, n, ILB_WIRE_ELEN);

	/* the whole message fits ILB_WIRE_MAX_LEN, tag included */
	for (i = 0; i < 2; i++) {
		struct ilb_msg_hdr h = good_hdr(ILB_MSG_SYNC);

		h.key_id = i ? 0x10 : 0;
		n = pad_to(b, mk_sync_h(b, &h, 1, 1, recs, 20), CTRL_MAX);
		EXPECT(b, n, ILB_WIRE_OK);
		n = pad_to(b, mk_sync_h(b, &h, 1, 1, recs, 20), CTRL_MAX + 1);
		EXPECT(b, n, ILB_WIRE_ELEN);
		n = pad_to(b, mk_sync_h(b, &h, 1, 1, recs, 20), 4000);
		EXPECT(b, n, ILB_WIRE_ELEN);
	}

	/* a bad record anywhere in the batch fails the message */
	assert_true(mk_sync(b, recs, 25) <= CTRL_MAX);
	EXPECT(b, mk_sync(b, recs, 25), ILB_WIRE_OK);
	for (i = 0; i < 25; i += 3) {
		recs[i].primary = 0;
		EXPECT(b, mk_sync(b, recs, 25), ILB_WIRE_EFIELD);
		recs[i] = good_rec(i);
	}
	recs[24].op = 0;
	EXPECT(b, mk_sync(b, recs, 25), ILB_WIRE_EFIELD);
}

/* A CONN record's value length must match its family. */
static void test_conn_length(void **state)
{
	struct ilb_rec recs[3] = { good_rec(0), good_rec(1), good_rec(2) };
	uint8_t b[BUF_LEN], v[256];
	unsigned int i, len, fam, want;
	uint32_t n;

	(void)state;
	assert_int_equal(recs[0].family, 4);
	assert_int_equal(recs[1].family, 6);
	for (i = 0; i < 2; i++) {
		memset(v, 0x01, sizeof(v));
		ilb_wire_put_conn(v, &recs[i]);
		memmove(v, v + 2, 2 + 69);
		want = i ? 69 : 33;
		for (len = 0; len < 256; len++) {
			n = mk_sync(b, recs, 1);
			n += put_rec(b + n, ILB_RT_CONN, len, v);
			n += ilb_wire_put_conn(b + n, &recs[2]);
			EXPECT(b, n, len == want ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
		}
		/* a family the length does not match, or an unknown one */
		for (fam = 0; fam < 256; fam++) {
			v[4] = fam;
			n = mk_sync(b, recs, 1);
			n += put_rec(b + n, ILB_RT_CONN, want, v);
			EXPECT(b, n, fam == (i ? 6u : 4u) ? ILB_WIRE_OK :
			       ILB_WIRE_EFIELD);
		}
	}
}

static void test_rec_errors(void **state)
{
	struct ilb_rec r;
	unsigned int i, j, k;
	uint8_t *a;

	(void)state;
	for (i = 0; i < 60; i++) {
		r = good_rec(i);
		EXPECT_REC(&r, ILB_WIRE_OK);
	}

	/* op: ADD or END */
	for (i = 0; i < 256; i++) {
		r = good_rec(0);
		r.op = i;
		EXPECT_REC(&r, i == ILB_REC_ADD || i == ILB_REC_END ?
			   ILB_WIRE_OK : ILB_WIRE_EFIELD);
	}

	/* proto: 6 or 17 */
	for (i = 0; i < 256; i++) {
		r = good_rec(0);
		r.proto = i;
		r.state = i == 17 ? ILB_CS_UDP : ILB_CS_SYN;
		EXPECT_REC(&r, i == 6 || i == 17 ? ILB_WIRE_OK :
			   ILB_WIRE_EFIELD);
	}

	/* state: TCP states with TCP, the UDP states with UDP */
	for (i = 0; i < 256; i++) {
		int udp = i == ILB_CS_UDP || i == ILB_CS_UDP_STREAM;
		int tcp = i == ILB_CS_SYN || i == ILB_CS_SYN_RECV ||
			  i == ILB_CS_ESTABLISHED || i == ILB_CS_FIN ||
			  i == ILB_CS_CLOSE;

		r = good_rec(i % 3 == 1 ? 1 : 0);
		r.proto = 6;
		r.state = i;
		EXPECT_REC(&r, tcp ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
		r.proto = 17;
		EXPECT_REC(&r, udp ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
	}

	/* fwd < __ILB_FWD_MAX */
	for (i = 0; i < 256; i++) {
		r = good_rec(0);
		r.fwd = i;
		EXPECT_REC(&r, i < __ILB_FWD_MAX ? ILB_WIRE_OK :
			   ILB_WIRE_EFIELD);
	}

	/* family: 4 or 6 */
	for (i = 0; i < 256; i++) {
		r = good_rec(1);
		r.family = i;
		if (i != 4 && i != 6)
			EXPECT_REC(&r, ILB_WIRE_EFIELD);
	}

	/* addresses: non-zero in the bytes the family uses, any byte */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 3; i++) {
			unsigned int n = k ? 16 : 4;

			r = good_rec(k ? 1 : 0);
			a = i == 0 ? r.caddr : i == 1 ? r.vaddr : r.raddr;
			memset(a, 0, 16);
			EXPECT_REC(&r, ILB_WIRE_EFIELD);
			for (j = 0; j < n; j++) {
				memset(a, 0, 16);
				a[j] = 1u << (j % 8);
				EXPECT_REC(&r, ILB_WIRE_OK);
			}
			/* IPv4: bytes past the fourth do not count */
			if (!k) {
				memset(a, 0, 16);
				a[4] = 1;
				a[15] = 1;
				assert_int_equal(ilb_wire_rec_check(&r),
						 ILB_WIRE_EFIELD);
			}
		}
	}

	/* ports: non-zero */
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 4; j++) {
			static const uint16_t v[] = { 0, 1, 0x100, 65535 };
			__be16 p = htons(v[j]);

			r = good_rec(i);
			if (i == 0)
				r.cport = p;
			else if (i == 1)
				r.vport = p;
			else
				r.rport = p;
			EXPECT_REC(&r, j ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
		}
	}

	/* primary non-zero; backup 0 or another member */
	r = good_rec(1);
	r.primary = 0;
	r.backup = 0;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.primary = 0;
	r.backup = 5;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.primary = 1;
	r.backup = 0;
	EXPECT_REC(&r, ILB_WIRE_OK);
	r.backup = 1;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.backup = 2;
	EXPECT_REC(&r, ILB_WIRE_OK);
	r.primary = 0xffffffff;
	r.backup = 0xffffffff;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.backup = 0xfffffffe;
	EXPECT_REC(&r, ILB_WIRE_OK);

	/* idle: any value */
	for (i = 0; i < 2; i++) {
		r = good_rec(i);
		r.idle = 0;
		EXPECT_REC(&r, ILB_WIRE_OK);
		r.idle = 0xffff;
		EXPECT_REC(&r, ILB_WIRE_OK);
	}
}

/* Iteration over CONN records skips (and counts) the others. */
static void test_conn_iter(void **state)
{
	struct ilb_rec recs[12], r;
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	unsigned int i, nunk = 0;
	uint8_t *copy;
	uint32_t n, off;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		recs[i] = good_rec(i);
		assert_int_equal(ilb_wire_conn_size(&recs[i]), conn_len(&recs[i]));
	}
	n = mk_sync(b, recs, 0);
	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		if (i % 3 == 0) {
			n += put_rec(b + n, __ILB_RT_MAX + i, i, NULL);
			nunk++;
		}
		n += ilb_wire_put_conn(b + n, &recs[i]);
	}
	n += put_rec(b + n, 0xff, 0, NULL);
	nunk++;
	assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.sync.nconn, ARRAY_SIZE(recs));
	assert_int_equal(m.sync.nunknown, nunk);
	off = 0;
	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 1);
		assert_rec_equal(&r, &recs[i]);
	}
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
	assert_int_equal(off, m.sync.rlen);
	/* an offset past the end stays at the end */
	off = m.sync.rlen + 100;
	assert_int_equal(ilb_wire_conn_next(&m, &off, &r), 0);
	check_reencode(copy, &m);
	free(copy);
}

/* --- bounds: ack and fwd ------------------------------------------------ */

static void test_ack_errors(void **state)
{
	uint8_t b[BUF_LEN];
	uint32_t n, i;

	(void)state;
	n = mk_ack(b, 1, 0, 0);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < ILB_WIRE_ACK_LEN; i++)
		EXPECT(b, ILB_WIRE_HDR_LEN + i, ILB_WIRE_ESHORT);
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);
	EXPECT(b, n + 100, ILB_WIRE_ELEN);
	EXPECT(b, mk_ack(b, 0, 1, 0), ILB_WIRE_EFIELD);
	EXPECT(b, mk_ack(b, 0, 1, ILB_ACK_F_NAK), ILB_WIRE_EFIELD);
	EXPECT(b, mk_ack(b, 0xffffffff, 0xffffffff, 0), ILB_WIRE_OK);
	for (i = 0; i < 256; i++)
		EXPECT(b, mk_ack(b, 1, 1, i), i & ~ILB_ACK_F_KNOWN ?
		       ILB_WIRE_EFIELD : ILB_WIRE_OK);
}

static void test_fwd_errors(void **state)
{
	uint8_t b[BUF_LEN];
	unsigned int v, i;
	uint32_t n;

	(void)state;
	/* at least a 20-byte IPv4 header */
	EXPECT(b, mk_fwd(b, 20, 20), ILB_WIRE_OK);
	for (i = 0; i < 20; i++)
		EXPECT(b, mk_fwd(b, 20, i), ILB_WIRE_ESHORT);

	/* version 4, ihl 5: no options (checksum right every time) */
	for (v = 0; v < 256; v++)
		EXPECT(b, mk_fwd_raw(b, v, 60, 60),
		       v == 0x45 ? ILB_WIRE_OK : ILB_WIRE_EFIELD);

	/* the header checksum: any flipped bit of the header is refused */
	n = mk_fwd(b, 40, 40);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < 20 * 8; i++) {
		b[ILB_WIRE_HDR_LEN + i / 8] ^= 1u << (i % 8);
		EXPECT(b, n, ILB_WIRE_EFIELD);
		b[ILB_WIRE_HDR_LEN + i / 8] ^= 1u << (i % 8);
	}
	b[ILB_WIRE_HDR_LEN + 10] = 0;
	b[ILB_WIRE_HDR_LEN + 11] = 0;
	EXPECT(b, n, ILB_WIRE_EFIELD);
	/* payload bytes are not covered */
	n = mk_fwd(b, 40, 40);
	b[ILB_WIRE_HDR_LEN + 30] ^= 0xff;
	EXPECT(b, n, ILB_WIRE_OK);

	/* 20 <= total length <= body */
	EXPECT(b, mk_fwd(b, 19, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 0, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 20, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 39, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 40, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 41, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 0xffff, 1500), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 40, 41), ILB_WIRE_OK);	/* padding */
	/* no ILB_WIRE_MAX_LEN */
	EXPECT(b, mk_fwd(b, 4000, 4000 - 44), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 3000, 3000), ILB_WIRE_OK);
}

/* --- truncation --------------------------------------------------------- */

static int tag_ok(const uint8_t *b, uint32_t len, const uint8_t *key,
		  uint32_t receiver);

/*
 * Every truncation of the valid message @b is refused, except one thing
 * no parser can see: a hello or sync cut exactly between two records,
 * which is a valid, shorter message (it must still have its ADDR, or a
 * record). Only the tag detects that: with @key (the tag made for
 * @receiver), every truncation either fails to parse or fails the tag.
 * Returns the cuts that parsed.
 */
static unsigned int truncations_at(const uint8_t *b, uint32_t full,
				   const uint8_t *key, uint32_t receiver,
				   int line)
{
	uint32_t len, hl, fixed, off, bounds[BUF_LEN / 2];
	unsigned int nb = 0, i, cuts = 0;
	struct ilb_msg m;
	uint8_t *copy;

	expect_at(b, full, ILB_WIRE_OK, line);
	assert_int_equal(parse_copy(b, full, &m, &copy), ILB_WIRE_OK);
	hl = ilb_wire_hdr_len(m.hdr.key_id);
	if (m.hdr.type == ILB_MSG_HELLO || m.hdr.type == ILB_MSG_SYNC) {
		fixed = m.hdr.type == ILB_MSG_HELLO ? ILB_WIRE_HELLO_LEN :
			ILB_WIRE_SYNC_LEN;
		for (off = fixed; off < m.body_len; off += 2 + m.body[off + 1])
			bounds[nb++] = hl + off;
	}
	free(copy);
	if (key)
		assert_true(tag_ok(b, full, key, receiver));
	for (len = 0; len < full; len++) {
		if (parse_len(b, len) != ILB_WIRE_OK)
			continue;
		for (i = 0; i < nb && bounds[i] != len; i++)
			;
		if (i == nb)
			fail_msg("line %d: truncated to %u of %u bytes, parsed",
				 line, len, full);
		cuts++;
		if (key && tag_ok(b, len, key, receiver))
			fail_msg("line %d: truncated to %u of %u bytes, tag holds",
				 line, len, full);
	}
	return cuts;
}

#define TRUNCATIONS(b, full, key, receiver) \
	truncations_at(b, full, key, receiver, __LINE__)

/* Write the tag of the keyed message at @b under @key, for @receiver. */
static void sign(uint8_t *b, uint32_t len, const uint8_t *key,
		 uint32_t receiver)
{
	ilb_wire_mac(b + ILB_WIRE_TAG_OFF, key, b, receiver,
		     b + ILB_WIRE_HDR_MAX, len - ILB_WIRE_HDR_MAX);
}

static void test_truncation(void **state)
{
	struct ilb_rec recs[25];
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he = good_hello();
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	unsigned int i;
	uint8_t *copy;
	uint32_t n, len;

	(void)state;
	/* golden hello: ADDR, KEYS; cut before KEYS is a valid hello */
	assert_int_equal(TRUNCATIONS(golden_hello, sizeof(golden_hello), NULL,
				     0), 1);
	assert_int_equal(TRUNCATIONS(golden_keyed, sizeof(golden_keyed),
				     kat_key, 0), 1);
	/* golden sync: CONN, unknown, CONN: two cuts are valid syncs */
	assert_int_equal(TRUNCATIONS(golden_sync, sizeof(golden_sync), NULL,
				     0), 2);
	/* keyed sync: CONN, ACK: cut before the ACK is a valid sync */
	assert_int_equal(TRUNCATIONS(golden_keyed_sync,
				     sizeof(golden_keyed_sync), kat_key,
				     GOLDEN_RCV), 1);
	assert_int_equal(TRUNCATIONS(golden_ack, sizeof(golden_ack), NULL, 0),
			 0);
	assert_int_equal(TRUNCATIONS(golden_fwd, sizeof(golden_fwd), NULL, 0),
			 0);

	for (i = 0; i < ARRAY_SIZE(recs); i++)
		recs[i] = good_rec(i);
	assert_int_equal(TRUNCATIONS(b, mk_hello(b, &he), NULL, 0), 0);
	he.nkeys = 2;
	he.keys[0] = 1;
	he.keys[1] = 2;
	h.key_id = 1;
	n = mk_hello_h(b, &h, &he);
	sign(b, n, kat_key, 0);
	assert_int_equal(TRUNCATIONS(b, n, kat_key, 0), 1);
	assert_int_equal(TRUNCATIONS(b, mk_sync(b, recs, 1), NULL, 0), 0);
	assert_int_equal(TRUNCATIONS(b, mk_sync(b, recs + 1, 1), NULL, 0), 0);
	assert_int_equal(TRUNCATIONS(b, mk_sync(b, recs, 2), NULL, 0), 1);
	assert_int_equal(TRUNCATIONS(b, mk_sync(b, recs, 25), NULL, 0), 24);
	h = good_hdr(ILB_MSG_SYNC);
	h.key_id = 0x33;
	n = mk_sync_h(b, &h, 9, 9, recs, 25);
	sign(b, n, kat_key, 2);
	assert_int_equal(TRUNCATIONS(b, n, kat_key, 2), 24);
	assert_int_equal(TRUNCATIONS(b, mk_ack(b, 1, 1, 1), NULL, 0), 0);
	h = good_hdr(ILB_MSG_ACK);
	h.key_id = 0x33;
	n = mk_ack_h(b, &h, 1, 1, 1);
	sign(b, n, kat_key, 0xffffffff);
	assert_int_equal(TRUNCATIONS(b, n, kat_key, 0xffffffff), 0);
	assert_int_equal(TRUNCATIONS(b, mk_fwd(b, 20, 20), NULL, 0), 0);
	assert_int_equal(TRUNCATIONS(b, mk_fwd(b, 1500, 1500), NULL, 0), 0);
	h = good_hdr(ILB_MSG_FWD);
	h.key_id = 0x33;
	n = mk_fwd_h(b, &h, 0x45, 60, 60);
	sign(b, n, kat_key, 7);
	assert_int_equal(TRUNCATIONS(b, n, kat_key, 7), 0);

	/* a FWD with padding: cutting the padding is fine, the packet not */
	n = mk_fwd(b, 100, 140);
	for (len = 0; len <= n; len++) {
		int err = parse_copy(b, len, &m, &copy);

		if (len >= ILB_WIRE_HDR_LEN + 100) {
			assert_int_equal(err, ILB_WIRE_OK);
			assert_int_equal(m.fwd.len, 100);
		} else {
			assert_int_not_equal(err, ILB_WIRE_OK);
		}
		free(copy);
	}
}

/* --- the MAC ------------------------------------------------------------ */

/* Keyed BLAKE2s through OpenSSL directly, any output size. */
static void b2s_mac(uint8_t *out, size_t outlen, const uint8_t *key,
		    size_t keylen, const uint8_t *in, size_t inlen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	EVP_MAC_CTX *ctx;
	size_t got = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &outlen),
		OSSL_PARAM_construct_end(),
	};

	assert_non_null(mac);
	ctx = EVP_MAC_CTX_new(mac);
	assert_non_null(ctx);
	assert_int_equal(EVP_MAC_init(ctx, key, keylen, params), 1);
	assert_int_equal(EVP_MAC_update(ctx, in, inlen), 1);
	assert_int_equal(EVP_MAC_final(ctx, out, &got, outlen), 1);
	assert_int_equal(got, outlen);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

static void test_mac_vectors(void **state)
{
	/* hashlib.blake2s(bytes(range(N)), key=bytes(range(32)),
	 *		   digest_size=16).hexdigest()
	 */
	static const struct { unsigned int n; const char *hex; } v16[] = {
		{ 0, "9536f9b267655743dee97b8a670f9f53" },
		{ 1, "13bacfb85b48a1223c595f8c1e7e82cb" },
		{ 3, "1e2a79436a7796a3e9826bfedf07659f" },
		{ 28, "322007d1a44c4257bc7903b183305529" },
		{ 29, "dbcc9a09f412290ca2e0d53dfd142ddb" },
		{ 32, "c43b5e836af88620a8a71b1652cb8640" },
		{ 33, "9491c653e8867ed73c1b4ac6b5a9bb4d" },
		{ 63, "ece382a8bd5018f1de5da44b72cea75b" },
		{ 64, "f1efa90d2547036841ecd3627fafbc36" },
		{ 65, "811ff8686d23a435ecbd0bdafcd27b1b" },
		{ 255, "cd075928ab7e6883e697fe7fd3ac43ee" },
	};
	/* the BLAKE2 reference KAT (blake2s-kat.txt), 32-byte output */
	static const struct { unsigned int n; const char *hex; } v32[] = {
		{ 0, "48a8997da407876b3d79c0d92325ad3b"
		     "89cbb754d86ab71aee047ad345fd2c49" },
		{ 1, "40d15fee7c328830166ac3f918650f80"
		     "7e7e01e177258cdc0a39b11f598066f1" },
		{ 255, "3fb735061abc519dfe979e54c1ee5bfa"
		       "d0a9d858b3315bad34bde999efd724dd" },
	};
	uint8_t in[256], out[32], md[EVP_MAX_MD_SIZE];
	unsigned int i, mdlen = 0;

	(void)state;
	/* RFC 7693 Appendix B: BLAKE2s-256("abc"), unkeyed */
	assert_int_equal(EVP_Digest("abc", 3, md, &mdlen, EVP_blake2s256(),
				    NULL), 1);
	assert_int_equal(mdlen, 32);
	assert_hex(md, 32, "508c5e8c327c14e2e1a72ba34eeb452f"
		   "37458b209ed63a294d999b4c86675982");

	for (i = 0; i < sizeof(in); i++)
		in[i] = i;
	for (i = 0; i < ARRAY_SIZE(v32); i++) {
		b2s_mac(out, 32, kat_key, 32, in, v32[i].n);
		assert_hex(out, 32, v32[i].hex);
	}
	for (i = 0; i < ARRAY_SIZE(v16); i++) {
		b2s_mac(out, 16, kat_key, 32, in, v16[i].n);
		assert_hex(out, 16, v16[i].hex);
		if (v16[i].n < ILB_WIRE_MAC_PREFIX)
			continue;
		/* ilb_wire_mac: the 28 header bytes, the receiver (bytes
		 * 28..31 of the input: 0x1c1d1e1f), then the body
		 */
		memset(out, 0, sizeof(out));
		ilb_wire_mac(out, kat_key, in, 0x1c1d1e1f,
			     in + ILB_WIRE_MAC_PREFIX,
			     v16[i].n - ILB_WIRE_MAC_PREFIX);
		assert_hex(out, 16, v16[i].hex);
	}
	ilb_wire_mac(out, kat_key, in, 0x1c1d1e1f, NULL, 0);
	assert_hex(out, 16, "c43b5e836af88620a8a71b1652cb8640");
	/* hashlib.blake2s(bytes(range(28)) + bytes(4), key=bytes(range(32)),
	 *		   digest_size=16): receiver 0, no body
	 */
	ilb_wire_mac(out, kat_key, in, 0, NULL, 0);
	assert_hex(out, 16, "8f2f6e7da09a35e19fc8635813ecec58");
	/* ... then bytes(range(32, 40)) as the body */
	ilb_wire_mac(out, kat_key, in, 0, in + 32, 8);
	assert_hex(out, 16, "c2e182cecec4ab2e543fd451a9384c64");
}

/*
 * ilb_wire_mac(hdr, receiver, body) is BLAKE2s-128 of hdr || receiver
 * (big-endian) || body, body anywhere; ilb_wire_mac_prefix() writes the
 * first two.
 */
static void test_mac_concat(void **state)
{
	uint8_t key[32], msg[700], pre[ILB_WIRE_MAC_PREFIX], *body, a[16];
	uint8_t want[16];
	unsigned int it, i, blen;
	uint32_t rcv;

	(void)state;
	rng_state = 0xb1a4e25;
	for (it = 0; it < 2000; it++) {
		for (i = 0; i < 32; i++)
			key[i] = (uint8_t)rnd();
		blen = it < 100 ? it : rnd() % (sizeof(msg) - 32);
		for (i = 0; i < 32 + blen; i++)
			msg[i] = (uint8_t)rnd();
		if (it % 4 == 0)	/* a heartbeat's: receiver 0 */
			memset(msg + 28, 0, 4);
		rcv = (uint32_t)msg[28] << 24 | (uint32_t)msg[29] << 16 |
		      (uint32_t)msg[30] << 8 | msg[31];
		memset(pre, 0xee, sizeof(pre));
		ilb_wire_mac_prefix(pre, msg, rcv);
		assert_memory_equal(pre, msg, sizeof(pre));
		b2s_mac(want, 16, key, 32, msg, 32 + blen);
		ilb_wire_mac(a, key, msg, rcv, msg + 32, blen);
		assert_memory_equal(a, want, 16);
		body = malloc(blen ? blen : 1);
		memcpy(body, msg + 32, blen);
		ilb_wire_mac(a, key, msg, rcv, body, blen);
		assert_memory_equal(a, want, 16);
		free(body);
		/* another receiver, another tag */
		ilb_wire_mac(a, key, msg, rcv ^ 1u << (it % 32), msg + 32,
			     blen);
		assert_memory_not_equal(a, want, 16);
		/* another key, another tag */
		key[it % 32] ^= 1u << (it % 8);
		ilb_wire_mac(a, key, msg, rcv, msg + 32, blen);
		assert_memory_not_equal(a, want, 16);
	}
}

/*
 * A tag is made for one receiver: the message a member sent to member 2
 * does not verify at member 3, nor as a heartbeat (0); a heartbeat's does
 * not verify as a message to member 1.
 */
static void test_mac_receiver(void **state)
{
	static const uint32_t other[] = {
		0, 1, 3, 0x02000000, 0x00000200, 0x00020000, 0x80000002,
		0xffffffff,
	};
	struct ilb_rec recs[2] = { good_rec(0), good_rec(1) };
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_SYNC);
	struct ilb_msg_hello he = good_hello();
	uint8_t b[BUF_LEN];
	unsigned int i, k;
	uint32_t n;

	(void)state;
	h.key_id = ilb_wire_key_id(kat_key);
	for (k = 0; k < 3; k++) {
		if (k == 0) {
			n = mk_sync_h(b, &h, 5, 1, recs, 2);
		} else if (k == 1) {
			h.type = ILB_MSG_ACK;
			n = mk_ack_h(b, &h, 5, 1, 0);
		} else {
			h.type = ILB_MSG_FWD;
			n = mk_fwd_h(b, &h, 0x45, 40, 40);
		}
		EXPECT(b, n, ILB_WIRE_OK);
		sign(b, n, kat_key, 2);
		assert_true(tag_ok(b, n, kat_key, 2));
		for (i = 0; i < ARRAY_SIZE(other); i++)
			if (tag_ok(b, n, kat_key, other[i]))
				fail_msg("type %u to 2 verifies at %#x", h.type,
					 other[i]);
	}
	/* a heartbeat, tagged for every member: not for member 1 alone */
	h.type = ILB_MSG_HELLO;
	n = mk_hello_h(b, &h, &he);
	sign(b, n, kat_key, 0);
	assert_true(tag_ok(b, n, kat_key, 0));
	assert_false(tag_ok(b, n, kat_key, 1));
	assert_false(tag_ok(b, n, kat_key, 0x01000000));
	assert_false(tag_ok(b, n, kat_key, 0x0a000001));	/* its sender */
}

static void test_key_id(void **state)
{
	/* the 28-byte label header, then receiver 0 */
	uint8_t key[32], in[ILB_WIRE_MAC_PREFIX] = "ilb key id v2", tag[16];
	unsigned int it, i, ones = 0;
	uint8_t id;

	(void)state;
	/* Python: hashlib.blake2s(b"ilb key id v2".ljust(28, b"\0") +
	 * bytes(4), key=k, digest_size=16).digest()[0]
	 */
	assert_int_equal(ilb_wire_key_id(kat_key), 0xdf);
	memset(key, 0, sizeof(key));
	assert_int_equal(ilb_wire_key_id(key), 0x53);
	memset(key, 0xff, sizeof(key));
	assert_int_equal(ilb_wire_key_id(key), 0x28);

	rng_state = 0x4e7;
	for (it = 0; it < 20000; it++) {
		for (i = 0; i < 32; i++)
			key[i] = (uint8_t)rnd();
		id = ilb_wire_key_id(key);
		assert_int_not_equal(id, 0);
		assert_int_equal(ilb_wire_key_id(key), id);	/* stable */
		b2s_mac(tag, 16, key, 32, in, sizeof(in));
		assert_int_equal(id, tag[0] ? tag[0] : 1);
		ones += !tag[0];
	}
	/* about 1 in 256 keys has a tag starting with 0: that path ran */
	assert_true(ones > 20);
}

/* Does the tag of the keyed message @b hold under @key at @receiver? */
static int tag_ok(const uint8_t *b, uint32_t len, const uint8_t *key,
		  uint32_t receiver)
{
	uint8_t t[ILB_WIRE_TAG_LEN];

	ilb_wire_mac(t, key, b, receiver, b + ILB_WIRE_HDR_MAX,
		     len - ILB_WIRE_HDR_MAX);
	return !memcmp(t, b + ILB_WIRE_TAG_OFF, ILB_WIRE_TAG_LEN);
}

static void test_mac_bitflip(void **state)
{
	uint8_t b[sizeof(golden_keyed)], key[32];
	uint32_t n = sizeof(golden_keyed), i;

	(void)state;
	memcpy(b, golden_keyed, n);
	assert_true(tag_ok(b, n, kat_key, 0));
	for (i = 0; i < n * 8; i++) {
		b[i / 8] ^= 1u << (i % 8);
		if (tag_ok(b, n, kat_key, 0))
			fail_msg("bit %u flipped, tag still holds", i);
		b[i / 8] ^= 1u << (i % 8);
	}
	assert_memory_equal(b, golden_keyed, n);
	/* another key: the tag does not hold */
	memcpy(key, kat_key, 32);
	for (i = 0; i < 32 * 8; i++) {
		key[i / 8] ^= 1u << (i % 8);
		assert_false(tag_ok(b, n, key, 0));
		key[i / 8] ^= 1u << (i % 8);
	}
}

/* The example of Documentation/cluster-protocol.rst ("Key ids"). */
static const uint8_t golden_doc[] = {
	0x02, 0x01, 0x00, 0xdf, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x66, 0x00, 0x00, 0x00,
	0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x12, 0x34, 0x56, 0x78, 0xaa, 0xbd, 0xaa, 0xe0,
	0x32, 0x38, 0x32, 0xd5, 0xcf, 0xc1, 0x4c, 0xb6,
	0x49, 0x89, 0xc5, 0x9f, 0x00, 0x01, 0x00, 0x64,
	0x01, 0x13, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x05, 0x04, 0xc6, 0x12, 0x04,
	0x01, 0x02, 0x01, 0xdf,
};

static void test_golden_doc(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 2, .type = ILB_MSG_HELLO, .key_id = 0xdf,
		.cluster = 1, .sender = 1, .incarnation = 0x66000000,
		.seq = 0x1800000000000001ULL, .epoch = 0x12345678,
	};
	struct ilb_msg_hello he = {
		.weight = 1, .hello_ms = 100, .dead_ms = 275, .nmembers = 1,
		.mode = ILB_SCORE_HRW32,
		.addr = { .family = ILB_WIRE_AF_INET, .a = { 198, 18, 4, 1 } },
		.nkeys = 1, .keys = { 0xdf },
	};
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	n = mk_hello_h(b, &h, &he);
	assert_int_equal(n, 68);
	assert_int_equal(ilb_wire_key_id(kat_key), 0xdf);
	sign(b, n, kat_key, 0);
	assert_memory_equal(b, golden_doc, sizeof(golden_doc));
	assert_hex(golden_doc + 28, 16, "aabdaae0323832d5cfc14cb64989c59f");
	assert_int_equal(parse_copy(golden_doc, sizeof(golden_doc), &m, &copy),
			 ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_hello_equal(&m.hello, &he);
	assert_true(tag_ok(copy, sizeof(golden_doc), kat_key, 0));
	assert_false(tag_ok(copy, sizeof(golden_doc), kat_key, 1));
	free(copy);
	/* cut before KEYS: a valid hello that only the tag refuses */
	assert_int_equal(TRUNCATIONS(golden_doc, sizeof(golden_doc), kat_key,
				     0), 1);
}

/* A sync of a CONN record and the persistence records @r. */
static uint32_t mk_sync_prec(uint8_t *b, const struct ilb_prec *r,
			     unsigned int nrecs)
{
	struct ilb_rec c = good_rec(0);
	uint32_t n = mk_sync(b, &c, 1), k;
	unsigned int i;

	for (i = 0; i < nrecs; i++) {
		k = ilb_wire_put_persist(b + n, &r[i]);
		assert_int_equal(k, ilb_wire_persist_size(&r[i]));
		n += k;
	}
	return n;
}

static void expect_prec_at(const struct ilb_prec *r, int want, int line)
{
	struct ilb_prec recs[3] = { good_prec(0), *r, good_prec(1) };
	uint8_t b[BUF_LEN];

	if (ilb_wire_prec_check(r) != want)
		fail_msg("line %d: prec_check gave %d, want %d", line,
			 ilb_wire_prec_check(r), want);
	expect_at(b, mk_sync_prec(b, recs, 3), want, line);
}

#define EXPECT_PREC(r, want) expect_prec_at(r, want, __LINE__)

/*
 * PERSIST records: every field round-trips in both families; each field
 * out of range, a set host bit of the client network, or a wrong length
 * is refused with the whole message; never in a hello.
 */
static void test_persist_record(void **state)
{
	struct ilb_prec in[24], out, r;
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	unsigned int i, n4 = 0, n6 = 0;
	uint8_t *copy;
	uint32_t len, off = 0;

	(void)state;
	for (i = 0; i < 24; i++) {
		in[i] = good_prec(i);
		assert_int_equal(ilb_wire_prec_check(&in[i]), ILB_WIRE_OK);
	}
	len = mk_sync_prec(b, in, 24);
	assert_true(len <= ILB_WIRE_MAX_LEN);
	assert_int_equal(parse_copy(b, len, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.sync.nconn, 1);
	assert_int_equal(m.sync.npersist, 24);
	for (i = 0; ilb_wire_persist_next(&m, &off, &out); i++) {
		unsigned int n = out.family == ILB_WIRE_AF_INET6 ? 16 : 4;

		assert_int_equal(out.op, in[i].op);
		assert_int_equal(out.proto, in[i].proto);
		assert_int_equal(out.plen, in[i].plen);
		assert_int_equal(out.family, in[i].family);
		assert_int_equal(out.group, in[i].group);
		assert_int_equal(out.idle, in[i].idle);
		assert_int_equal(out.ttl, in[i].ttl);
		assert_int_equal(out.primary, in[i].primary);
		assert_int_equal(out.backup, in[i].backup);
		assert_memory_equal(out.caddr, in[i].caddr, n);
		assert_memory_equal(out.vaddr, in[i].vaddr, n);
		assert_memory_equal(out.raddr, in[i].raddr, n);
		n4 += n == 4;
		n6 += n == 16;
	}
	assert_int_equal(i, 24);
	assert_true(n4 && n6);
	check_reencode(copy, &m);
	free(copy);
	assert_int_equal(ilb_wire_persist_size(&in[0]),
			 ILB_WIRE_TLV_HDR + ILB_WIRE_PERSIST4_LEN);
	assert_int_equal(ilb_wire_persist_size(&in[2]),
			 ILB_WIRE_TLV_HDR + ILB_WIRE_PERSIST6_LEN);

	r = good_prec(0);
	r.op = 0;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r.op = 3;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.proto = 1;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.plen = 0;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r.plen = 33;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(1);	/* a /24: a host bit set */
	assert_int_equal(r.plen, 24);
	r.caddr[3] = 1;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(2);	/* IPv6 /48 */
	r.plen = 129;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(2);
	r.caddr[15] = 1;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	memset(r.vaddr, 0, sizeof(r.vaddr));
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	memset(r.raddr, 0, sizeof(r.raddr));
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.group = 0;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.ttl = 0;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r.ttl = ILB_WIRE_PERSIST_TTL_MAX + 1;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r.ttl = ILB_WIRE_PERSIST_TTL_MAX;
	EXPECT_PREC(&r, ILB_WIRE_OK);
	r = good_prec(0);
	r.idle = (uint16_t)(r.ttl + 1);
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.primary = 0;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	r = good_prec(0);
	r.backup = r.primary;
	EXPECT_PREC(&r, ILB_WIRE_EFIELD);
	/* a /1 network may be 0.0.0.0 */
	r = good_prec(0);
	r.plen = 1;
	memset(r.caddr, 0, sizeof(r.caddr));
	EXPECT_PREC(&r, ILB_WIRE_OK);
	/* lengths: one byte short or long, or of the other family */
	r = good_prec(0);
	len = mk_sync_prec(b, &r, 1);
	b[len - ILB_WIRE_PERSIST4_LEN - 1] = ILB_WIRE_PERSIST4_LEN - 1;
	EXPECT(b, len - 1, ILB_WIRE_EFIELD);
	b[len - ILB_WIRE_PERSIST4_LEN - 1] = ILB_WIRE_PERSIST4_LEN + 1;
	b[len] = 0;
	EXPECT(b, len + 1, ILB_WIRE_EFIELD);
	b[len - ILB_WIRE_PERSIST4_LEN - 1] = ILB_WIRE_PERSIST4_LEN;
	b[len - ILB_WIRE_PERSIST4_LEN + 3] = ILB_WIRE_AF_INET6;
	EXPECT(b, len, ILB_WIRE_EFIELD);
	/* never in a hello */
	{
		struct ilb_msg_hello he = good_hello();

		len = mk_hello(b, &he);
		len += ilb_wire_put_persist(b + len, &in[0]);
		EXPECT(b, len, ILB_WIRE_EFIELD);
	}
}

/* A sync of a CONN record and the count records @r. */
static uint32_t mk_sync_crec(uint8_t *b, const struct ilb_crec *r,
			     unsigned int nrecs)
{
	struct ilb_rec c = good_rec(0);
	uint32_t n = mk_sync(b, &c, 1);
	unsigned int i;

	for (i = 0; i < nrecs; i++)
		n += ilb_wire_put_count(b + n, &r[i]);
	return n;
}

static void expect_crec_at(const struct ilb_crec *r, int want, int line)
{
	struct ilb_crec recs[3] = { good_crec(0), *r, good_crec(1) };
	uint8_t b[BUF_LEN];

	if (ilb_wire_crec_check(r) != want)
		fail_msg("line %d: crec_check gave %d, want %d", line,
			 ilb_wire_crec_check(r), want);
	expect_at(b, mk_sync_crec(b, recs, 3), want, line);
}

#define EXPECT_CREC(r, want) expect_crec_at(r, want, __LINE__)

/*
 * COUNT records: every field round-trips in both families, with the
 * exact bytes of the format; a count above the cap, a zero address or
 * port, a wrong length or protocol is refused with the whole message;
 * never in a hello. The reserved HEALTH type is skipped as unknown.
 */
static void test_count_record(void **state)
{
	static const uint8_t want4[] = {	/* good_crec(1) */
		ILB_RT_COUNT, ILB_WIRE_COUNT4_LEN,
		17, ILB_WIRE_AF_INET, 0x00, 81, 0x1f, 0x91,
		0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x08,
		198, 51, 100, 1, 192, 0, 2, 101,
	};
	struct ilb_crec in[30], out, r;
	uint8_t b[BUF_LEN], *copy;
	unsigned int i, n4 = 0, n6 = 0;
	uint32_t len, off = 0;
	struct ilb_msg m;

	(void)state;
	for (i = 0; i < 30; i++) {
		in[i] = good_crec(i);
		assert_int_equal(ilb_wire_crec_check(&in[i]), ILB_WIRE_OK);
	}
	len = mk_sync_crec(b, in, 30);
	assert_true(len <= ILB_WIRE_MAX_LEN);
	assert_int_equal(parse_copy(b, len, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.sync.nconn, 1);
	assert_int_equal(m.sync.ncount, 30);
	assert_int_equal(m.sync.nunknown, 0);
	for (i = 0; ilb_wire_count_next(&m, &off, &out); i++) {
		unsigned int n = out.family == ILB_WIRE_AF_INET6 ? 16 : 4;

		assert_int_equal(out.proto, in[i].proto);
		assert_int_equal(out.family, in[i].family);
		assert_int_equal(out.vport, in[i].vport);
		assert_int_equal(out.rport, in[i].rport);
		assert_int_equal(out.active, in[i].active);
		assert_int_equal(out.inactive, in[i].inactive);
		assert_memory_equal(out.vaddr, in[i].vaddr, n);
		assert_memory_equal(out.raddr, in[i].raddr, n);
		n4 += n == 4;
		n6 += n == 16;
	}
	assert_int_equal(i, 30);
	assert_true(n4 && n6);
	check_reencode(copy, &m);
	free(copy);
	r = good_crec(1);
	assert_int_equal(ilb_wire_put_count(b, &r), sizeof(want4));
	assert_memory_equal(b, want4, sizeof(want4));
	r = good_crec(2);
	assert_int_equal(ilb_wire_put_count(b, &r),
			 ILB_WIRE_TLV_HDR + ILB_WIRE_COUNT6_LEN);

	r = good_crec(0);
	r.proto = 1;
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(0);
	r.family = 5;
	assert_int_not_equal(ilb_wire_crec_check(&r), ILB_WIRE_OK);
	r = good_crec(0);
	r.active = ILB_WIRE_COUNT_MAX + 1;
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(0);
	r.inactive = 0xffffffff;
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r.inactive = ILB_WIRE_COUNT_MAX;
	EXPECT_CREC(&r, ILB_WIRE_OK);
	r = good_crec(0);
	memset(r.vaddr, 0, sizeof(r.vaddr));
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(2);
	memset(r.raddr, 0, sizeof(r.raddr));
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(0);
	r.vport = 0;
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(0);
	r.rport = 0;
	EXPECT_CREC(&r, ILB_WIRE_EFIELD);
	r = good_crec(0);
	r.active = 0;
	r.inactive = 0;
	EXPECT_CREC(&r, ILB_WIRE_OK);		/* a count back to 0 */
	/* lengths: one byte short or long, or of the other family */
	r = good_crec(0);
	len = mk_sync_crec(b, &r, 1);
	b[len - ILB_WIRE_COUNT4_LEN - 1] = ILB_WIRE_COUNT4_LEN - 1;
	EXPECT(b, len - 1, ILB_WIRE_EFIELD);
	b[len - ILB_WIRE_COUNT4_LEN - 1] = ILB_WIRE_COUNT4_LEN + 1;
	b[len] = 0;
	EXPECT(b, len + 1, ILB_WIRE_EFIELD);
	b[len - ILB_WIRE_COUNT4_LEN - 1] = ILB_WIRE_COUNT4_LEN;
	b[len - ILB_WIRE_COUNT4_LEN + 1] = ILB_WIRE_AF_INET6;
	EXPECT(b, len, ILB_WIRE_EFIELD);
	/* never in a hello */
	{
		struct ilb_msg_hello he = good_hello();

		len = mk_hello(b, &he);
		len += ilb_wire_put_count(b + len, &in[0]);
		EXPECT(b, len, ILB_WIRE_EFIELD);
	}
	/* HEALTH is reserved: skipped and counted, in a sync and a hello */
	r = good_crec(0);
	len = mk_sync_crec(b, &r, 1);
	len += put_rec(b + len, ILB_RT_HEALTH, 5, NULL);
	assert_int_equal(parse_copy(b, len, &m, &copy), ILB_WIRE_OK);
	assert_int_equal(m.sync.ncount, 1);
	assert_int_equal(m.sync.nunknown, 1);
	free(copy);
	{
		struct ilb_msg_hello he = good_hello();

		len = mk_hello(b, &he);
		len += put_rec(b + len, ILB_RT_HEALTH, 3, NULL);
		EXPECT(b, len, ILB_WIRE_OK);
	}
}

/* A sync carries at most one ACK record, checked like an ACK body. */
static void test_sync_ack_record(void **state)
{
	static const uint8_t want[] = {		/* after the fixed part */
		ILB_RT_ACK, 9, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x02,
		ILB_ACK_F_NAK,
	};
	struct ilb_msg_ack a = { .session = 5, .ack = 0x102,
				 .flags = ILB_ACK_F_NAK };
	struct ilb_rec recs[3] = { good_rec(0), good_rec(1), good_rec(2) };
	uint8_t b[BUF_LEN], *copy;
	struct ilb_msg m;
	uint32_t n, k;

	(void)state;
	n = mk_sync(b, recs, 1);
	k = n;
	n += ilb_wire_put_ack_rec(b + n, &a);
	assert_int_equal(n - k, ILB_WIRE_ACK_REC_LEN);
	assert_memory_equal(b + k, want, sizeof(want));
	assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
	assert_true(m.sync.has_ack);
	assert_int_equal(m.sync.ack.session, 5);
	assert_int_equal(m.sync.ack.ack, 0x102);
	assert_int_equal(m.sync.ack.flags, ILB_ACK_F_NAK);
	assert_int_equal(m.sync.nconn, 1);
	assert_int_equal(m.sync.nunknown, 0);
	check_reencode(copy, &m);
	free(copy);

	/* only an ack: a record, so a valid sync */
	n = mk_sync(b, recs, 0);
	n += ilb_wire_put_ack_rec(b + n, &a);
	EXPECT(b, n, ILB_WIRE_OK);
	/* two acks */
	n += ilb_wire_put_ack_rec(b + n, &a);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	/* session 0, unknown flags, 8 or 10 bytes */
	n = mk_sync(b, recs, 1);
	k = n;
	a.session = 0;
	n += ilb_wire_put_ack_rec(b + n, &a);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	a.session = 5;
	a.flags = 0x80;
	ilb_wire_put_ack_rec(b + k, &a);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	a.flags = 0;
	ilb_wire_put_ack_rec(b + k, &a);
	EXPECT(b, n, ILB_WIRE_OK);
	b[k + 1] = 8;
	EXPECT(b, n - 1, ILB_WIRE_EFIELD);
	b[k + 1] = 10;
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_EFIELD);
	/* never in a hello, valid or not (test_hello_records too) */
	assert_int_equal(ILB_RT_HEALTH + 1, __ILB_RT_MAX);
	a.flags = 0;
	for (k = 0; k < 2; k++) {
		struct ilb_msg_hello he = good_hello();

		n = mk_hello(b, &he);
		n += ilb_wire_put_ack_rec(b + n, &a);
		b[n - 1] = k ? 0x80 : 0;	/* a valid ack, a bad flag */
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_OK), "ok");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_ESHORT), "short");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_EVERSION), "version");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_ETYPE), "type");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_ELEN), "length");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_EFIELD), "field");
	assert_string_equal(ilb_wire_strerror(ILB_WIRE_EMAC), "mac");
	assert_string_equal(ilb_wire_strerror(-7), "unknown");
	assert_string_equal(ilb_wire_strerror(1), "unknown");
	assert_string_equal(ilb_wire_strerror(-2147483647 - 1), "unknown");
}

/* --- mutation fuzz ------------------------------------------------------ */

static struct ilb_msg_hdr fuzz_hdr(uint8_t type)
{
	struct ilb_msg_hdr h = good_hdr(type);

	h.epoch = (uint32_t)rnd();
	h.seq = 1 + rnd() % 0xfffffffffffffffeULL;
	h.key_id = rnd() % 2 ? 0 : 1 + rnd() % 255;
	return h;
}

/* Random tag bytes for a keyed header just written at @b. */
static void fuzz_tag(uint8_t *b, const struct ilb_msg_hdr *h)
{
	unsigned int i;

	if (h->key_id)
		for (i = 0; i < ILB_WIRE_TAG_LEN; i++)
			b[ILB_WIRE_TAG_OFF + i] = (uint8_t)rnd();
}

/* A record type no version-2 parser knows. */
#define UNKNOWN_RT() ((uint8_t)(__ILB_RT_MAX + rnd() % (256 - __ILB_RT_MAX)))

/* A valid message of a kind picked by @k, with random contents. */
static uint32_t fuzz_base(uint8_t *b, unsigned int k)
{
	struct ilb_msg_hdr h;
	struct ilb_msg_hello he;
	struct ilb_msg_ack a;
	struct ilb_rec r;
	uint32_t n, f, l;
	unsigned int i, nrec, ack_at;

	switch (k % 6) {
	case 0:
	case 1:
		h = fuzz_hdr(ILB_MSG_HELLO);
		he = good_hello();
		he.flags = rnd() % 4;
		he.owned = (uint32_t)rnd();
		he.nkeys = rnd() % 3;
		he.keys[0] = 1 + rnd() % 255;
		he.keys[1] = 1 + rnd() % 255;
		if (rnd() % 2) {
			he.addr.family = ILB_WIRE_AF_INET6;
			set_v6(he.addr.a, "2001:db8::1");
			he.addr.a[15] = (uint8_t)rnd();
		}
		n = mk_hello_h(b, &h, &he);
		fuzz_tag(b, &h);
		if (rnd() % 4 == 0) {
			/* an unknown record before the ADDR */
			f = ilb_wire_hdr_len(h.key_id) + ILB_WIRE_HELLO_LEN;
			l = 2 + rnd() % 8;
			memmove(b + f + l, b + f, n - f);
			put_rec(b + f, UNKNOWN_RT(), l - 2, NULL);
			n += l;
		}
		if (rnd() % 4 == 0)
			n += put_rec(b + n, UNKNOWN_RT(), rnd() % 8, NULL);
		return n;
	case 2:
	case 3:
		h = fuzz_hdr(ILB_MSG_SYNC);
		n = ilb_wire_put_hdr(b, &h);
		fuzz_tag(b, &h);
		n += ilb_wire_put_sync(b + n, 1 + rnd() % 0xfffffffe,
				       1 + rnd() % 1000);
		nrec = k % 2 ? 1 + rnd() % 30 : 1 + rnd() % 3;
		/* an ACK record riding on it, often, anywhere among them */
		ack_at = rnd() % 2 ? (unsigned int)rnd() % nrec : nrec;
		for (i = 0; i < nrec; i++) {
			if (i == ack_at &&
			    n + ILB_WIRE_ACK_REC_LEN <= CTRL_MAX) {
				a.session = 1 + rnd() % 0xfffffffe;
				a.ack = (uint32_t)rnd();
				a.flags = rnd() % 2;
				n += ilb_wire_put_ack_rec(b + n, &a);
				if (nrec == 1)
					break;	/* the ack alone */
				continue;
			}
			if (rnd() % 8 == 0) {
				l = rnd() % 16;
				if (n + 2 + l > CTRL_MAX)
					break;
				n += put_rec(b + n, UNKNOWN_RT(), l, NULL);
				continue;
			}
			if (rnd() % 7 == 0) {
				struct ilb_crec cr;

				cr = good_crec((unsigned int)rnd() % 64);
				if (n + ILB_WIRE_TLV_HDR + (cr.family == 6 ?
				    ILB_WIRE_COUNT6_LEN : ILB_WIRE_COUNT4_LEN) >
				    CTRL_MAX)
					break;
				n += ilb_wire_put_count(b + n, &cr);
				continue;
			}
			if (rnd() % 6 == 0) {
				struct ilb_prec pr;

				pr = good_prec((unsigned int)rnd() % 64);
				if (n + ilb_wire_persist_size(&pr) > CTRL_MAX)
					break;
				n += ilb_wire_put_persist(b + n, &pr);
				continue;
			}
			r = good_rec((unsigned int)rnd() % 64);
			if (n + ilb_wire_conn_size(&r) > CTRL_MAX)
				break;
			n += ilb_wire_put_conn(b + n, &r);
		}
		return n;
	case 4:
		h = fuzz_hdr(ILB_MSG_ACK);
		n = mk_ack_h(b, &h, 1 + rnd() % 1000, (uint32_t)rnd(),
			     rnd() % 2);
		fuzz_tag(b, &h);
		return n;
	default:
		h = fuzz_hdr(ILB_MSG_FWD);
		l = 20 + rnd() % 200;
		n = mk_fwd_h(b, &h, 0x45, l, l + (rnd() % 4 ? 0 : rnd() % 8));
		fuzz_tag(b, &h);
		return n;
	}
}

static uint32_t fuzz_mutate(uint8_t *b, uint32_t len, uint32_t max)
{
	unsigned int k, nmut = 1 + rnd() % 3;
	uint32_t i;

	for (k = 0; k < nmut; k++) {
		switch (rnd() % 8) {
		case 0:		/* truncate */
			len = len ? rnd() % (len + 1) : 0;
			break;
		case 1:		/* extend */
			for (i = 1 + rnd() % 40; i && len < max; i--)
				b[len++] = rnd() % 2 ? 0 : (uint8_t)rnd();
			break;
		case 2:		/* a header byte */
			if (len)
				b[rnd() % (len < 44 ? len : 44)] = (uint8_t)rnd();
			break;
		case 3:		/* 0 or 0xff */
			if (len)
				b[rnd() % len] = rnd() % 2 ? 0 : 0xff;
			break;
		case 4:		/* off by one */
			if (len)
				b[rnd() % len] += rnd() % 2 ? 1 : -1;
			break;
		default:	/* flip a bit */
			if (len)
				b[rnd() % len] ^= 1u << (rnd() % 8);
		}
	}
	return len;
}

static void test_mutation_fuzz(void **state)
{
	unsigned long ok[__ILB_MSG_MAX] = { 0 }, err = 0, it, unk = 0, acks = 0;
	unsigned long npst = 0, ncnt = 0;
	static uint8_t b[BUF_LEN];
	struct ilb_crec cr;
	struct ilb_prec pr;
	struct ilb_msg m;
	struct ilb_rec r;
	uint8_t *copy;
	uint32_t len, hl, off;
	unsigned int i;

	(void)state;
	rng_state = 0xf022;
	for (it = 0; it < FUZZ_ITERS; it++) {
		len = fuzz_base(b, (unsigned int)rnd());
		len = fuzz_mutate(b, len, 2048);
		if (parse_copy(b, len, &m, &copy) != ILB_WIRE_OK) {
			err++;
			free(copy);
			continue;
		}
		assert_true(m.hdr.type >= ILB_MSG_HELLO &&
			    m.hdr.type < __ILB_MSG_MAX);
		ok[m.hdr.type]++;
		hl = ilb_wire_hdr_len(m.hdr.key_id);
		assert_ptr_equal(m.body, copy + hl);
		assert_int_equal(m.body_len, len - hl);
		if (m.hdr.key_id)
			assert_ptr_equal(m.hdr.tag, copy + ILB_WIRE_TAG_OFF);
		else
			assert_null(m.hdr.tag);
		if (m.hdr.type == ILB_MSG_FWD) {
			assert_ptr_equal(m.fwd.pkt, copy + hl);
			assert_in_range(m.fwd.len, 20, len - hl);
			assert_int_equal(m.fwd.pkt[0], 0x45);
			free(copy);
			continue;
		}
		assert_true(len <= CTRL_MAX);
		if (m.hdr.type == ILB_MSG_SYNC) {
			off = 0;
			for (i = 0; ilb_wire_conn_next(&m, &off, &r); i++) {
				assert_int_equal(ilb_wire_rec_check(&r),
						 ILB_WIRE_OK);
				assert_rec_clean(&r);
			}
			assert_int_equal(i, m.sync.nconn);
			off = 0;
			for (i = 0; ilb_wire_persist_next(&m, &off, &pr); i++)
				assert_int_equal(ilb_wire_prec_check(&pr),
						 ILB_WIRE_OK);
			assert_int_equal(i, m.sync.npersist);
			npst += m.sync.npersist;
			off = 0;
			for (i = 0; ilb_wire_count_next(&m, &off, &cr); i++)
				assert_int_equal(ilb_wire_crec_check(&cr),
						 ILB_WIRE_OK);
			assert_int_equal(i, m.sync.ncount);
			ncnt += m.sync.ncount;
			assert_true(m.sync.nconn + m.sync.npersist +
				    m.sync.ncount + m.sync.nunknown +
				    m.sync.has_ack >= 1);
			unk += m.sync.nunknown;
			acks += m.sync.has_ack;
		}
		if (m.hdr.type == ILB_MSG_HELLO)
			assert_true(m.hello.nkeys <= 2);
		check_reencode(copy, &m);
		free(copy);
	}
	print_message("# fuzz: %lu iterations, %lu rejected, accepted hello %lu sync %lu ack %lu fwd %lu, unknown sync records %lu, sync with an ack %lu, persistence records %lu, count records %lu\n",
		      FUZZ_ITERS + 0UL, err, ok[ILB_MSG_HELLO], ok[ILB_MSG_SYNC],
		      ok[ILB_MSG_ACK], ok[ILB_MSG_FWD], unk, acks, npst, ncnt);
	assert_true(npst > 0);
	assert_true(ncnt > 0);
	/* both outcomes are common, so both paths really ran */
	for (i = ILB_MSG_HELLO; i < __ILB_MSG_MAX; i++)
		assert_true(ok[i] > FUZZ_ITERS / 100);
	assert_true(err > FUZZ_ITERS / 4);
	assert_true(unk > 1000);
	assert_true(acks > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_hello),
		cmocka_unit_test(test_roundtrip_sync),
		cmocka_unit_test(test_roundtrip_ack),
		cmocka_unit_test(test_roundtrip_fwd),
		cmocka_unit_test(test_golden_hello),
		cmocka_unit_test(test_golden_sync),
		cmocka_unit_test(test_golden_ack),
		cmocka_unit_test(test_golden_fwd),
		cmocka_unit_test(test_golden_keyed),
		cmocka_unit_test(test_golden_keyed_sync),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_parse_body),
		cmocka_unit_test(test_hello_fields),
		cmocka_unit_test(test_hello_addr),
		cmocka_unit_test(test_hello_records),
		cmocka_unit_test(test_sync_errors),
		cmocka_unit_test(test_conn_length),
		cmocka_unit_test(test_rec_errors),
		cmocka_unit_test(test_conn_iter),
		cmocka_unit_test(test_ack_errors),
		cmocka_unit_test(test_fwd_errors),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_mac_vectors),
		cmocka_unit_test(test_mac_concat),
		cmocka_unit_test(test_mac_receiver),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test(test_mac_bitflip),
		cmocka_unit_test(test_golden_doc),
		cmocka_unit_test(test_sync_ack_record),
		cmocka_unit_test(test_persist_record),
		cmocka_unit_test(test_count_record),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_mutation_fuzz),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
