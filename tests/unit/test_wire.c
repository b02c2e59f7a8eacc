// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cluster wire codec (kmod/wire.c): the conformance test
 * of Documentation/cluster-protocol.rst. Round trips, byte-exact golden
 * vectors, every bounds rule with its off-by-ones, truncation and a
 * deterministic mutation fuzz loop. Every parsed message lives in a buffer
 * of exactly its length (malloc), so ASan or valgrind catch any over-read.
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

#include "wire.h"
#include "uapi/linux/ilb.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_LEN (ILB_WIRE_MAX_LEN + 256)
#define FUZZ_ITERS 200000

static uint64_t rng_state = 0x5eed1b5;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* --- valid messages ---------------------------------------------------- */

static struct ilb_msg_hdr good_hdr(uint8_t type)
{
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION,
		.type = type,
		.cluster = 0x11223344,
		.sender = 0x0a000001,
		.epoch = 0x89abcdef,
	};
	return h;
}

static struct ilb_msg_hello good_hello(void)
{
	struct ilb_msg_hello h = {
		.addr = htonl(0xc000020a),	/* 192.0.2.10 */
		.weight = 100,
		.mode = ILB_SCORE_HRW32,
		.flags = 0,
		.hello_ms = 100,
		.dead_ms = 300,
		.owned = 123456,
		.nmembers = 3,
		.incarnation = 0xcafef00d,
		.seq = 42,
	};
	return h;
}

/* A valid record, different for every @i (both protocols, every state). */
static struct ilb_rec good_rec(unsigned int i)
{
	struct ilb_rec r = {
		.op = i % 3 == 2 ? ILB_REC_END : ILB_REC_ADD,
		.proto = i % 2 ? 17 : 6,
		.state = i % 2 ? ILB_CS_UDP : (i / 2) % 4,
		.fwd = i % __ILB_FWD_MAX,
		.caddr = htonl(0xcb007101 + i),		/* 203.0.113.x */
		.vaddr = htonl(0xc6336401),		/* 198.51.100.1 */
		.raddr = htonl(0x0a010001 + i),		/* 10.1.x.x */
		.cport = htons(1024 + i),
		.vport = htons(80),
		.rport = htons(8080),
		.idle = (i * 977) & 0xffff,
		.primary = 0x0a000001 + i % 4,
	};

	r.backup = i % 5 == 0 ? 0 : r.primary + 1;
	return r;
}

static uint32_t mk_hello(uint8_t *b, const struct ilb_msg_hdr *h,
			 const struct ilb_msg_hello *he)
{
	uint32_t n = ilb_wire_put_hdr(b, h);

	assert_int_equal(n, ILB_WIRE_HDR_LEN);
	assert_int_equal(ilb_wire_put_hello(b + n, he), ILB_WIRE_HELLO_LEN);
	return n + ILB_WIRE_HELLO_LEN;
}

/* A sync message whose count field says @count, with @nrecs records. */
static uint32_t mk_sync_n(uint8_t *b, uint32_t session, uint32_t seq,
			  uint16_t count, const struct ilb_rec *r,
			  unsigned int nrecs)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_SYNC);
	uint32_t n = ilb_wire_put_hdr(b, &h);
	unsigned int i;

	assert_int_equal(ilb_wire_put_sync(b + n, session, seq, count),
			 ILB_WIRE_SYNC_LEN);
	n += ILB_WIRE_SYNC_LEN;
	for (i = 0; i < nrecs; i++) {
		assert_int_equal(ilb_wire_put_rec(b + n, &r[i]), ILB_WIRE_REC_LEN);
		n += ILB_WIRE_REC_LEN;
	}
	return n;
}

static uint32_t mk_sync(uint8_t *b, const struct ilb_rec *r, unsigned int n)
{
	return mk_sync_n(b, 0x5eed5eed, 7, n, r, n);
}

static uint32_t mk_ack(uint8_t *b, uint32_t session, uint32_t ack)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_ACK);
	struct ilb_msg_ack a = { .session = session, .ack = ack };
	uint32_t n = ilb_wire_put_hdr(b, &h);

	assert_int_equal(ilb_wire_put_ack(b + n, &a), ILB_WIRE_ACK_LEN);
	return n + ILB_WIRE_ACK_LEN;
}

/*
 * A FWD message: a @body-byte IPv4 packet with header length @ihl words
 * and total length field @tot; bytes past the header are a pattern.
 */
static uint32_t mk_fwd_raw(uint8_t *b, uint8_t vihl, uint16_t tot,
			   uint32_t body)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_FWD);
	uint32_t n = ilb_wire_put_hdr(b, &h);
	uint8_t *ip = b + n;
	uint32_t i;

	for (i = 0; i < body; i++)
		ip[i] = (uint8_t)(i * 7 + 1);
	if (body >= 1)
		ip[0] = vihl;
	if (body >= 4) {
		ip[2] = tot >> 8;
		ip[3] = (uint8_t)tot;
	}
	return n + body;
}

static uint32_t mk_fwd(uint8_t *b, uint8_t ihl, uint16_t tot, uint32_t body)
{
	return mk_fwd_raw(b, 0x40 | ihl, tot, body);
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
	struct ilb_rec recs[3] = { good_rec(0), *r, good_rec(3) };
	uint8_t b[BUF_LEN];
	uint32_t n;

	if (ilb_wire_rec_check(r) != want)
		fail_msg("line %d: rec_check gave %d, want %d", line,
			 ilb_wire_rec_check(r), want);
	/* the same record in the middle of a batch */
	n = mk_sync(b, recs, 3);
	expect_at(b, n, want, line);
}

#define EXPECT_REC(r, want) expect_rec_at(r, want, __LINE__)

static void assert_rec_equal(const struct ilb_rec *a, const struct ilb_rec *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->fwd, b->fwd);
	assert_int_equal(a->caddr, b->caddr);
	assert_int_equal(a->vaddr, b->vaddr);
	assert_int_equal(a->raddr, b->raddr);
	assert_int_equal(a->cport, b->cport);
	assert_int_equal(a->vport, b->vport);
	assert_int_equal(a->rport, b->rport);
	assert_int_equal(a->idle, b->idle);
	assert_int_equal(a->primary, b->primary);
	assert_int_equal(a->backup, b->backup);
}

static void assert_hdr_equal(const struct ilb_msg_hdr *a,
			     const struct ilb_msg_hdr *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->mac_len, b->mac_len);
	assert_int_equal(a->cluster, b->cluster);
	assert_int_equal(a->sender, b->sender);
	assert_int_equal(a->epoch, b->epoch);
}

/* Encode a parsed hello, sync or ack again; returns its length. */
static uint32_t reencode(const struct ilb_msg *m, uint8_t *out)
{
	uint32_t n = ilb_wire_put_hdr(out, &m->hdr);
	struct ilb_rec r;
	unsigned int i;

	switch (m->hdr.type) {
	case ILB_MSG_HELLO:
		n += ilb_wire_put_hello(out + n, &m->hello);
		break;
	case ILB_MSG_SYNC:
		n += ilb_wire_put_sync(out + n, m->sync.session, m->sync.seq,
				       m->sync.count);
		for (i = 0; i < m->sync.count; i++) {
			ilb_wire_rec_get(m, i, &r);
			n += ilb_wire_put_rec(out + n, &r);
		}
		break;
	case ILB_MSG_ACK:
		n += ilb_wire_put_ack(out + n, &m->ack);
		break;
	default:
		fail_msg("cannot re-encode type %u", m->hdr.type);
	}
	return n;
}

/* --- round trips -------------------------------------------------------- */

static void test_roundtrip_hello(void **state)
{
	static const uint8_t modes[] = { ILB_SCORE_HRW32, ILB_SCORE_CRC8 };
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he = good_hello();
	uint8_t b[BUF_LEN], out[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;
	unsigned int i;
	uint32_t n;

	(void)state;
	for (i = 0; i < 2 * ARRAY_SIZE(modes); i++) {
		he.mode = modes[i % ARRAY_SIZE(modes)];
		he.flags = i >= ARRAY_SIZE(modes) ? ILB_HELLO_F_LEAVING : 0;
		he.weight = i ? 65535 : 0;
		he.owned = i ? 0xffffffff : 0;
		he.seq = i ? 0xffffffff : 0;
		h.epoch = i ? 0 : 0xffffffff;
		h.cluster = i ? 0 : 0xffffffff;
		n = mk_hello(b, &h, &he);
		assert_int_equal(n, ILB_WIRE_HDR_LEN + ILB_WIRE_HELLO_LEN);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_int_equal(m.hello.addr, he.addr);
		assert_int_equal(m.hello.weight, he.weight);
		assert_int_equal(m.hello.mode, he.mode);
		assert_int_equal(m.hello.flags, he.flags);
		assert_int_equal(m.hello.hello_ms, he.hello_ms);
		assert_int_equal(m.hello.dead_ms, he.dead_ms);
		assert_int_equal(m.hello.owned, he.owned);
		assert_int_equal(m.hello.nmembers, he.nmembers);
		assert_int_equal(m.hello.incarnation, he.incarnation);
		assert_int_equal(m.hello.seq, he.seq);
		assert_int_equal(reencode(&m, out), n);
		assert_memory_equal(out, b, n);
		free(copy);
	}
}

static void test_roundtrip_sync(void **state)
{
	struct ilb_rec recs[ILB_WIRE_MAX_RECS], r;
	uint8_t b[BUF_LEN], out[BUF_LEN];
	unsigned int i, count;
	struct ilb_msg m;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	for (i = 0; i < ILB_WIRE_MAX_RECS; i++)
		recs[i] = good_rec(i);
	for (count = 1; count <= ILB_WIRE_MAX_RECS; count++) {
		n = mk_sync_n(b, 0xffffffc0 + count, count, count, recs, count);
		assert_int_equal(n, ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN +
				 count * ILB_WIRE_REC_LEN);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_int_equal(m.hdr.type, ILB_MSG_SYNC);
		assert_int_equal(m.sync.session, 0xffffffc0 + count);
		assert_int_equal(m.sync.seq, count);
		assert_int_equal(m.sync.count, count);
		assert_ptr_equal(m.sync.recs, copy + ILB_WIRE_HDR_LEN +
				 ILB_WIRE_SYNC_LEN);
		for (i = 0; i < count; i++) {
			ilb_wire_rec_get(&m, i, &r);
			assert_rec_equal(&r, &recs[i]);
			assert_int_equal(ilb_wire_rec_check(&r), ILB_WIRE_OK);
		}
		assert_int_equal(reencode(&m, out), n);
		assert_memory_equal(out, b, n);
		free(copy);
	}
	assert_int_equal(n, ILB_WIRE_MAX_LEN);
	assert_true(ILB_WIRE_MAX_LEN <= 1500 - 20 - 8);
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
	for (i = 0; i < ARRAY_SIZE(acks); i++) {
		n = mk_ack(b, 0xffffffff - i, acks[i]);
		assert_int_equal(n, ILB_WIRE_HDR_LEN + ILB_WIRE_ACK_LEN);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_int_equal(m.ack.session, 0xffffffff - i);
		assert_int_equal(m.ack.ack, acks[i]);
		assert_int_equal(reencode(&m, out), n);
		assert_memory_equal(out, b, n);
		free(copy);
	}
}

static void test_roundtrip_fwd(void **state)
{
	static const struct { uint8_t ihl; uint16_t tot; uint32_t body; } v[] = {
		{ 5, 20, 20 },		/* a bare header */
		{ 5, 60, 60 },
		{ 5, 60, 64 },		/* trailing padding */
		{ 15, 60, 60 },		/* largest header */
		{ 15, 100, 1400 },
		{ 5, 1500, 1500 },
	};
	uint8_t b[2048];
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_FWD);
	struct ilb_msg m;
	uint8_t *copy;
	unsigned int i;
	uint32_t n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		n = mk_fwd(b, v[i].ihl, v[i].tot, v[i].body);
		assert_int_equal(parse_copy(b, n, &m, &copy), ILB_WIRE_OK);
		assert_hdr_equal(&m.hdr, &h);
		assert_ptr_equal(m.fwd.pkt, copy + ILB_WIRE_HDR_LEN);
		assert_int_equal(m.fwd.len, v[i].tot);
		assert_memory_equal(m.fwd.pkt, b + ILB_WIRE_HDR_LEN, v[i].tot);
		free(copy);
	}
}

/* --- golden vectors (written by hand from the layout in wire.h) --------- */

static const uint8_t golden_hello[] = {
	/* header: version 1, HELLO, no flags, no MAC */
	0x01, 0x01, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster 0x11223344 */
	0x0a, 0x00, 0x00, 0x01,		/* sender 0x0a000001 */
	0x89, 0xab, 0xcd, 0xef,		/* epoch */
	/* hello body */
	0xc0, 0x00, 0x02, 0x0a,		/* addr 192.0.2.10 */
	0x01, 0x02,			/* weight 258 */
	0x01,				/* mode crc8 */
	0x01,				/* flags: leaving */
	0x00, 0x64,			/* hello_ms 100 */
	0x01, 0x2c,			/* dead_ms 300 */
	0x00, 0x01, 0x23, 0x45,		/* owned 0x12345 */
	0x00, 0x05,			/* nmembers 5 */
	0x00, 0x00,			/* reserved */
	0xa1, 0xb2, 0xc3, 0xd4,		/* incarnation */
	0x00, 0x00, 0x00, 0x07,		/* seq 7 */
};

static const uint8_t golden_sync[] = {
	/* header: version 1, SYNC */
	0x01, 0x02, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,		/* cluster */
	0x0a, 0x00, 0x00, 0x02,		/* sender 0x0a000002 */
	0x00, 0x00, 0x00, 0x01,		/* epoch 1 */
	/* sync body */
	0x5e, 0xed, 0x5e, 0xed,		/* session */
	0x00, 0x00, 0x00, 0x01,		/* seq 1 */
	0x00, 0x01,			/* count 1 */
	0x00, 0x00,			/* reserved */
	/* record */
	0x01,				/* op ADD */
	0x06,				/* proto TCP */
	0x01,				/* state established */
	0x01,				/* fwd dr */
	0xcb, 0x00, 0x71, 0x07,		/* caddr 203.0.113.7 */
	0xc6, 0x33, 0x64, 0x01,		/* vaddr 198.51.100.1 */
	0x0a, 0x01, 0x00, 0x05,		/* raddr 10.1.0.5 */
	0x9c, 0x40,			/* cport 40000 */
	0x00, 0x50,			/* vport 80 */
	0x1f, 0x90,			/* rport 8080 */
	0x01, 0x02,			/* idle 258 s */
	0x0a, 0x00, 0x00, 0x02,		/* primary */
	0x0a, 0x00, 0x00, 0x03,		/* backup */
};

static const uint8_t golden_ack[] = {
	0x01, 0x03, 0x00, 0x00,
	0x11, 0x22, 0x33, 0x44,
	0x0a, 0x00, 0x00, 0x03,
	0xff, 0xff, 0xff, 0xff,
	0x5e, 0xed, 0x5e, 0xed,		/* session */
	0x00, 0x00, 0x01, 0x00,		/* ack 256 */
};

static void test_golden_hello(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 1, .type = ILB_MSG_HELLO, .cluster = 0x11223344,
		.sender = 0x0a000001, .epoch = 0x89abcdef,
	};
	struct ilb_msg_hello he = {
		.addr = htonl(0xc000020a), .weight = 258,
		.mode = ILB_SCORE_CRC8, .flags = ILB_HELLO_F_LEAVING,
		.hello_ms = 100, .dead_ms = 300, .owned = 0x12345,
		.nmembers = 5, .incarnation = 0xa1b2c3d4, .seq = 7,
	};
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	uint8_t *copy;

	(void)state;
	memset(b, 0xee, sizeof(b));	/* reserved bytes must be written */
	assert_int_equal(mk_hello(b, &h, &he), sizeof(golden_hello));
	assert_memory_equal(b, golden_hello, sizeof(golden_hello));

	assert_int_equal(parse_copy(golden_hello, sizeof(golden_hello), &m,
				    &copy), ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_int_equal(m.hello.addr, he.addr);
	assert_int_equal(m.hello.weight, 258);
	assert_int_equal(m.hello.mode, ILB_SCORE_CRC8);
	assert_int_equal(m.hello.flags, ILB_HELLO_F_LEAVING);
	assert_int_equal(m.hello.hello_ms, 100);
	assert_int_equal(m.hello.dead_ms, 300);
	assert_int_equal(m.hello.owned, 0x12345);
	assert_int_equal(m.hello.nmembers, 5);
	assert_int_equal(m.hello.incarnation, 0xa1b2c3d4);
	assert_int_equal(m.hello.seq, 7);
	free(copy);
}

static void test_golden_sync(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 1, .type = ILB_MSG_SYNC, .cluster = 0x11223344,
		.sender = 0x0a000002, .epoch = 1,
	};
	struct ilb_rec want = {
		.op = ILB_REC_ADD, .proto = 6, .state = ILB_CS_ESTABLISHED,
		.fwd = ILB_FWD_DR,
		.caddr = htonl(0xcb007107), .vaddr = htonl(0xc6336401),
		.raddr = htonl(0x0a010005),
		.cport = htons(40000), .vport = htons(80), .rport = htons(8080),
		.idle = 258,
		.primary = 0x0a000002, .backup = 0x0a000003,
	};
	uint8_t b[BUF_LEN];
	struct ilb_msg m;
	struct ilb_rec r;
	uint8_t *copy;
	uint32_t n;

	(void)state;
	memset(b, 0xee, sizeof(b));
	n = ilb_wire_put_hdr(b, &h);
	n += ilb_wire_put_sync(b + n, 0x5eed5eed, 1, 1);
	n += ilb_wire_put_rec(b + n, &want);
	assert_int_equal(n, sizeof(golden_sync));
	assert_memory_equal(b, golden_sync, sizeof(golden_sync));

	assert_int_equal(parse_copy(golden_sync, sizeof(golden_sync), &m,
				    &copy), ILB_WIRE_OK);
	assert_hdr_equal(&m.hdr, &h);
	assert_int_equal(m.sync.session, 0x5eed5eed);
	assert_int_equal(m.sync.seq, 1);
	assert_int_equal(m.sync.count, 1);
	ilb_wire_rec_get(&m, 0, &r);
	assert_rec_equal(&r, &want);
	free(copy);
}

static void test_golden_ack(void **state)
{
	struct ilb_msg_hdr h = {
		.version = 1, .type = ILB_MSG_ACK, .cluster = 0x11223344,
		.sender = 0x0a000003, .epoch = 0xffffffff,
	};
	struct ilb_msg_ack a = { .session = 0x5eed5eed, .ack = 256 };
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
	free(copy);
}

/* --- bounds: header ----------------------------------------------------- */

static void test_header_errors(void **state)
{
	struct ilb_msg_hdr h;
	uint8_t b[BUF_LEN];
	uint32_t n, i;

	(void)state;
	h = good_hdr(ILB_MSG_ACK);
	n = mk_ack(b, 1, 1);
	EXPECT(b, n, ILB_WIRE_OK);
	for (i = 0; i < ILB_WIRE_HDR_LEN; i++)
		EXPECT(b, i, ILB_WIRE_ESHORT);
	assert_int_equal(ilb_wire_parse(NULL, 0, &(struct ilb_msg){0}),
			 ILB_WIRE_ESHORT);

	/* version: only ILB_WIRE_VERSION */
	b[0] = ILB_WIRE_VERSION - 1;
	EXPECT(b, n, ILB_WIRE_EVERSION);
	b[0] = ILB_WIRE_VERSION + 1;
	EXPECT(b, n, ILB_WIRE_EVERSION);
	b[0] = 0xff;
	EXPECT(b, n, ILB_WIRE_EVERSION);
	b[0] = ILB_WIRE_VERSION;

	/* type: 1..__ILB_MSG_MAX-1 */
	b[1] = 0;
	EXPECT(b, n, ILB_WIRE_ETYPE);
	b[1] = __ILB_MSG_MAX;
	EXPECT(b, n, ILB_WIRE_ETYPE);
	b[1] = 0xff;
	EXPECT(b, n, ILB_WIRE_ETYPE);
	b[1] = ILB_MSG_ACK;

	/* the version is checked first, then the type, even when short */
	memcpy(b, (const uint8_t[]){ 2, 0, 0, 0 }, 4);
	EXPECT(b, ILB_WIRE_HDR_LEN, ILB_WIRE_EVERSION);
	b[0] = 1;
	EXPECT(b, ILB_WIRE_HDR_LEN, ILB_WIRE_ETYPE);
	n = mk_ack(b, 1, 1);

	/* flags: unknown bits */
	for (i = 1; i < 8; i++) {
		b[2] = 1u << i;
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}
	b[2] = ILB_WIRE_F_MAC | 0x80;
	EXPECT(b, n, ILB_WIRE_EFIELD);

	/* MAC: the flag, the length, or both: all refused */
	b[2] = ILB_WIRE_F_MAC;
	b[3] = 0;
	EXPECT(b, n, ILB_WIRE_EMAC);
	b[3] = 16;
	EXPECT(b, n, ILB_WIRE_EMAC);
	b[2] = 0;
	b[3] = 1;
	EXPECT(b, n, ILB_WIRE_EMAC);
	b[3] = 0xff;
	EXPECT(b, n, ILB_WIRE_EMAC);
	b[3] = 0;
	EXPECT(b, n, ILB_WIRE_OK);

	/* cluster: any; sender: non-zero; epoch: any */
	h.cluster = 0;
	h.epoch = 0;
	ilb_wire_put_hdr(b, &h);
	EXPECT(b, n, ILB_WIRE_OK);
	h.cluster = 0xffffffff;
	h.epoch = 0xffffffff;
	ilb_wire_put_hdr(b, &h);
	EXPECT(b, n, ILB_WIRE_OK);
	h.sender = 0;
	ilb_wire_put_hdr(b, &h);
	EXPECT(b, n, ILB_WIRE_EFIELD);
	h.sender = 1;
	ilb_wire_put_hdr(b, &h);
	EXPECT(b, n, ILB_WIRE_OK);
	h.sender = 0xffffffff;
	ilb_wire_put_hdr(b, &h);
	EXPECT(b, n, ILB_WIRE_OK);
}

/* --- bounds: hello ------------------------------------------------------ */

static void expect_hello_at(const struct ilb_msg_hello *he, int want, int line)
{
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	uint8_t b[BUF_LEN];

	expect_at(b, mk_hello(b, &h, he), want, line);
}

#define EXPECT_HELLO(he, want) expect_hello_at(he, want, __LINE__)

static void test_hello_errors(void **state)
{
	static const struct { uint32_t addr; int want; } addrs[] = {
		{ 0x00000000, ILB_WIRE_EFIELD },	/* 0.0.0.0 */
		{ 0x00000001, ILB_WIRE_OK },		/* 0.0.0.1 */
		{ 0xdfffffff, ILB_WIRE_OK },		/* 223.255.255.255 */
		{ 0xe0000000, ILB_WIRE_EFIELD },	/* 224.0.0.0 */
		{ 0xefff4c42, ILB_WIRE_EFIELD },	/* the cluster group */
		{ 0xefffffff, ILB_WIRE_EFIELD },	/* 239.255.255.255 */
		{ 0xf0000000, ILB_WIRE_OK },		/* 240.0.0.0 */
		{ 0xfffffffe, ILB_WIRE_OK },		/* 255.255.255.254 */
		{ 0xffffffff, ILB_WIRE_EFIELD },	/* broadcast */
	};
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he;
	uint8_t b[BUF_LEN];
	unsigned int i;
	uint32_t n;

	(void)state;
	/* body length: exactly ILB_WIRE_HELLO_LEN */
	he = good_hello();
	n = mk_hello(b, &h, &he);
	EXPECT(b, n, ILB_WIRE_OK);
	EXPECT(b, n - 1, ILB_WIRE_ESHORT);
	EXPECT(b, ILB_WIRE_HDR_LEN, ILB_WIRE_ESHORT);
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);
	EXPECT(b, n + 100, ILB_WIRE_ELEN);

	/* addr: unicast */
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		he = good_hello();
		he.addr = htonl(addrs[i].addr);
		EXPECT_HELLO(&he, addrs[i].want);
	}

	/* weight: any */
	he = good_hello();
	he.weight = 0;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.weight = 65535;
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
	he.flags = ILB_HELLO_F_LEAVING;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.flags = ILB_HELLO_F_NOCACHE;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.flags = ILB_HELLO_F_LEAVING | ILB_HELLO_F_NOCACHE;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	for (i = 2; i < 8; i++) {
		he.flags = 1u << i;
		EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
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
	he.dead_ms = 0;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);

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

	/* owned, seq: any; incarnation non-zero */
	he = good_hello();
	he.owned = 0;
	he.seq = 0;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.owned = 0xffffffff;
	he.seq = 0xffffffff;
	EXPECT_HELLO(&he, ILB_WIRE_OK);
	he.incarnation = 0;
	EXPECT_HELLO(&he, ILB_WIRE_EFIELD);
	he.incarnation = 1;
	EXPECT_HELLO(&he, ILB_WIRE_OK);

	/* reserved bytes (body offsets 18, 19) */
	for (i = 18; i < 20; i++) {
		he = good_hello();
		n = mk_hello(b, &h, &he);
		b[ILB_WIRE_HDR_LEN + i] = 1;
		EXPECT(b, n, ILB_WIRE_EFIELD);
		b[ILB_WIRE_HDR_LEN + i] = 0x80;
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}
}

/* --- bounds: sync and records ------------------------------------------ */

static void test_sync_errors(void **state)
{
	struct ilb_rec recs[ILB_WIRE_MAX_RECS + 2];
	uint8_t b[BUF_LEN];
	unsigned int i;
	uint32_t n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(recs); i++)
		recs[i] = good_rec(i);

	/* body: at least ILB_WIRE_SYNC_LEN */
	n = mk_sync(b, recs, 1);
	EXPECT(b, n, ILB_WIRE_OK);
	EXPECT(b, ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN - 1, ILB_WIRE_ESHORT);
	EXPECT(b, ILB_WIRE_HDR_LEN, ILB_WIRE_ESHORT);

	/* session, seq: non-zero */
	EXPECT(b, mk_sync_n(b, 0, 1, 1, recs, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 0, 1, recs, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 1, 1, recs, 1), ILB_WIRE_OK);
	EXPECT(b, mk_sync_n(b, 0xffffffff, 0xffffffff, 1, recs, 1),
	       ILB_WIRE_OK);

	/* count in [1, ILB_WIRE_MAX_RECS] */
	EXPECT(b, mk_sync_n(b, 1, 1, 0, recs, 0), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 1, 0, recs, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 1, ILB_WIRE_MAX_RECS, recs,
			    ILB_WIRE_MAX_RECS), ILB_WIRE_OK);
	EXPECT(b, mk_sync_n(b, 1, 1, ILB_WIRE_MAX_RECS + 1, recs,
			    ILB_WIRE_MAX_RECS + 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_sync_n(b, 1, 1, 0xffff, recs, 1), ILB_WIRE_EFIELD);

	/* length: exactly header + body + count records */
	n = mk_sync(b, recs, 2);
	EXPECT(b, n, ILB_WIRE_OK);
	EXPECT(b, n - 1, ILB_WIRE_ELEN);
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);
	EXPECT(b, mk_sync_n(b, 1, 1, 2, recs, 1), ILB_WIRE_ELEN);
	EXPECT(b, mk_sync_n(b, 1, 1, 2, recs, 3), ILB_WIRE_ELEN);
	EXPECT(b, mk_sync_n(b, 1, 1, 1, recs, 2), ILB_WIRE_ELEN);
	EXPECT(b, mk_sync_n(b, 1, 1, 1, recs, 0), ILB_WIRE_ELEN);

	/* reserved bytes of the body (offsets 10, 11) */
	for (i = 10; i < 12; i++) {
		n = mk_sync(b, recs, 1);
		b[ILB_WIRE_HDR_LEN + i] = 1;
		EXPECT(b, n, ILB_WIRE_EFIELD);
	}

	/* a bad record anywhere in the batch fails the message */
	for (i = 0; i < ILB_WIRE_MAX_RECS; i += 13) {
		recs[i].primary = 0;
		EXPECT(b, mk_sync(b, recs, ILB_WIRE_MAX_RECS), ILB_WIRE_EFIELD);
		recs[i] = good_rec(i);
	}
	recs[ILB_WIRE_MAX_RECS - 1].op = 0;
	EXPECT(b, mk_sync(b, recs, ILB_WIRE_MAX_RECS), ILB_WIRE_EFIELD);
}

static void test_rec_errors(void **state)
{
	struct ilb_rec r, recs[3];
	uint8_t b[BUF_LEN];
	unsigned int i, j;
	uint32_t n;

	(void)state;
	for (i = 0; i < 40; i++) {
		r = good_rec(i);
		EXPECT_REC(&r, ILB_WIRE_OK);
	}

	/* op: ADD or END */
	r = good_rec(0);
	r.op = 0;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.op = ILB_REC_ADD;
	EXPECT_REC(&r, ILB_WIRE_OK);
	r.op = ILB_REC_END;
	EXPECT_REC(&r, ILB_WIRE_OK);
	r.op = __ILB_REC_MAX;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.op = 0xff;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);

	/* proto: 6 or 17 */
	for (i = 0; i < 256; i++) {
		r = good_rec(0);
		r.proto = i;
		r.state = i == 17 ? ILB_CS_UDP : ILB_CS_SYN;
		EXPECT_REC(&r, i == 6 || i == 17 ? ILB_WIRE_OK :
			   ILB_WIRE_EFIELD);
	}

	/* state: TCP states with TCP, the UDP state with UDP, < __ILB_CS_MAX */
	for (i = 0; i <= __ILB_CS_MAX; i++) {
		r = good_rec(0);
		r.proto = 6;
		r.state = i;
		EXPECT_REC(&r, i < ILB_CS_UDP ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
		r.proto = 17;
		EXPECT_REC(&r, i == ILB_CS_UDP ? ILB_WIRE_OK : ILB_WIRE_EFIELD);
	}
	r = good_rec(0);
	r.state = 0xff;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);

	/* fwd < __ILB_FWD_MAX */
	r = good_rec(0);
	r.fwd = __ILB_FWD_MAX - 1;
	EXPECT_REC(&r, ILB_WIRE_OK);
	r.fwd = __ILB_FWD_MAX;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);
	r.fwd = 0xff;
	EXPECT_REC(&r, ILB_WIRE_EFIELD);

	/* addresses and ports: non-zero (any byte set will do) */
	for (i = 0; i < 6; i++) {
		for (j = 0; j < 2; j++) {
			r = good_rec(1);
			switch (i) {
			case 0:
				r.caddr = j ? htonl(1) : 0;
				break;
			case 1:
				r.vaddr = j ? htonl(0x01000000) : 0;
				break;
			case 2:
				r.raddr = j ? htonl(0xffffffff) : 0;
				break;
			case 3:
				r.cport = j ? htons(1) : 0;
				break;
			case 4:
				r.vport = j ? htons(0x100) : 0;
				break;
			default:
				r.rport = j ? htons(65535) : 0;
			}
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

	/* a record's idle time (offsets 22, 23) takes any value */
	for (i = 0; i < 3; i++)
		recs[i] = good_rec(i);
	recs[1].idle = 0xffff;
	n = mk_sync(b, recs, 3);
	EXPECT(b, n, ILB_WIRE_OK);
	b[ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN + ILB_WIRE_REC_LEN + 22] = 0x12;
	b[ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN + ILB_WIRE_REC_LEN + 23] = 0x34;
	EXPECT(b, n, ILB_WIRE_OK);
}

/* --- bounds: ack and fwd ------------------------------------------------ */

static void test_ack_errors(void **state)
{
	uint8_t b[BUF_LEN];
	uint32_t n;

	(void)state;
	n = mk_ack(b, 1, 0);
	EXPECT(b, n, ILB_WIRE_OK);
	EXPECT(b, n - 1, ILB_WIRE_ESHORT);
	EXPECT(b, ILB_WIRE_HDR_LEN, ILB_WIRE_ESHORT);
	b[n] = 0;
	EXPECT(b, n + 1, ILB_WIRE_ELEN);
	EXPECT(b, mk_ack(b, 0, 1), ILB_WIRE_EFIELD);
	EXPECT(b, mk_ack(b, 0xffffffff, 0xffffffff), ILB_WIRE_OK);
}

static void test_fwd_errors(void **state)
{
	uint8_t b[2048];
	unsigned int v;

	(void)state;
	/* at least a 20-byte IPv4 header */
	EXPECT(b, mk_fwd(b, 5, 20, 20), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 5, 20, 19), ILB_WIRE_ESHORT);
	EXPECT(b, mk_fwd(b, 5, 20, 0), ILB_WIRE_ESHORT);

	/* version 4 */
	for (v = 0; v < 16; v++)
		EXPECT(b, mk_fwd_raw(b, v << 4 | 5, 40, 40),
		       v == 4 ? ILB_WIRE_OK : ILB_WIRE_EFIELD);

	/* ihl >= 5 and ihl * 4 <= body */
	EXPECT(b, mk_fwd(b, 4, 40, 40), ILB_WIRE_EFIELD);
	EXPECT(b, mk_fwd(b, 0, 40, 40), ILB_WIRE_EFIELD);
	EXPECT(b, mk_fwd(b, 5, 40, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 15, 60, 60), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 15, 59, 59), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 15, 60, 59), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 6, 24, 23), ILB_WIRE_ELEN);

	/* ihl * 4 <= total length <= body */
	EXPECT(b, mk_fwd(b, 5, 19, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 5, 0, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 5, 20, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 6, 23, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 6, 24, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 5, 40, 40), ILB_WIRE_OK);
	EXPECT(b, mk_fwd(b, 5, 41, 40), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 5, 0xffff, 1500), ILB_WIRE_ELEN);
	EXPECT(b, mk_fwd(b, 5, 40, 41), ILB_WIRE_OK);	/* padding */
}

/* --- truncation --------------------------------------------------------- */

static void truncations(const uint8_t *b, uint32_t full, int line)
{
	uint32_t len;

	expect_at(b, full, ILB_WIRE_OK, line);
	for (len = 0; len < full; len++)
		if (parse_len(b, len) == ILB_WIRE_OK)
			fail_msg("line %d: truncated to %u of %u bytes, parsed",
				 line, len, full);
}

static void test_truncation(void **state)
{
	struct ilb_rec recs[ILB_WIRE_MAX_RECS];
	struct ilb_msg_hdr h = good_hdr(ILB_MSG_HELLO);
	struct ilb_msg_hello he = good_hello();
	uint8_t b[2048];
	struct ilb_msg m;
	unsigned int i;
	uint8_t *copy;
	uint32_t n, len;

	(void)state;
	for (i = 0; i < ILB_WIRE_MAX_RECS; i++)
		recs[i] = good_rec(i);
	truncations(b, mk_hello(b, &h, &he), __LINE__);
	truncations(b, mk_sync(b, recs, 1), __LINE__);
	truncations(b, mk_sync(b, recs, 2), __LINE__);
	truncations(b, mk_sync(b, recs, ILB_WIRE_MAX_RECS), __LINE__);
	truncations(b, mk_ack(b, 1, 1), __LINE__);
	truncations(b, mk_fwd(b, 5, 20, 20), __LINE__);
	truncations(b, mk_fwd(b, 15, 100, 100), __LINE__);
	truncations(b, mk_fwd(b, 5, 1500, 1500), __LINE__);

	/* a FWD with padding: cutting the padding is fine, the packet not */
	n = mk_fwd(b, 5, 100, 140);
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

/* A valid message of a kind picked by @k, with random contents. */
static uint32_t fuzz_base(uint8_t *b, unsigned int k)
{
	struct ilb_rec recs[ILB_WIRE_MAX_RECS];
	struct ilb_msg_hdr h;
	struct ilb_msg_hello he;
	unsigned int i, n;

	switch (k % 6) {
	case 0:
	case 1:
		h = good_hdr(ILB_MSG_HELLO);
		h.epoch = (uint32_t)rnd();
		he = good_hello();
		he.flags = k % 2 ? ILB_HELLO_F_LEAVING : 0;
		he.owned = (uint32_t)rnd();
		he.seq = (uint32_t)rnd();
		return mk_hello(b, &h, &he);
	case 2:
	case 3:
		n = k % 2 ? 1 + rnd() % ILB_WIRE_MAX_RECS : 1 + rnd() % 3;
		for (i = 0; i < n; i++)
			recs[i] = good_rec((unsigned int)rnd() % 64);
		return mk_sync_n(b, 1 + (uint32_t)rnd() % 0xfffffffe,
				 1 + rnd() % 1000, n, recs, n);
	case 4:
		return mk_ack(b, 1 + rnd() % 1000, (uint32_t)rnd());
	default:
		n = 20 + rnd() % 200;
		return mk_fwd(b, 5 + rnd() % 11 * ((n >= 60) ? 1 : 0), n,
			      n + (rnd() % 4 ? 0 : rnd() % 8));
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
				b[rnd() % (len < 16 ? len : 16)] = (uint8_t)rnd();
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
	unsigned long ok[__ILB_MSG_MAX] = { 0 }, err = 0, it;
	uint8_t b[2048], out[2048];
	struct ilb_msg m;
	struct ilb_rec r;
	uint8_t *copy;
	uint32_t len;
	unsigned int i;

	(void)state;
	rng_state = 0xf022;
	for (it = 0; it < FUZZ_ITERS; it++) {
		len = fuzz_base(b, (unsigned int)rnd());
		len = fuzz_mutate(b, len, sizeof(b));
		if (parse_copy(b, len, &m, &copy) != ILB_WIRE_OK) {
			err++;
			free(copy);
			continue;
		}
		assert_true(m.hdr.type >= ILB_MSG_HELLO &&
			    m.hdr.type < __ILB_MSG_MAX);
		ok[m.hdr.type]++;
		if (m.hdr.type == ILB_MSG_FWD) {
			assert_ptr_equal(m.fwd.pkt, copy + ILB_WIRE_HDR_LEN);
			assert_in_range(m.fwd.len, 20, len - ILB_WIRE_HDR_LEN);
			free(copy);
			continue;
		}
		if (m.hdr.type == ILB_MSG_SYNC) {
			for (i = 0; i < m.sync.count; i++) {
				ilb_wire_rec_get(&m, i, &r);
				assert_int_equal(ilb_wire_rec_check(&r),
						 ILB_WIRE_OK);
			}
		}
		assert_int_equal(reencode(&m, out), len);
		assert_memory_equal(out, copy, len);
		free(copy);
	}
	print_message("# fuzz: %lu iterations, %lu rejected, accepted hello %lu sync %lu ack %lu fwd %lu\n",
		      FUZZ_ITERS + 0UL, err, ok[ILB_MSG_HELLO], ok[ILB_MSG_SYNC],
		      ok[ILB_MSG_ACK], ok[ILB_MSG_FWD]);
	/* both outcomes are common, so both paths really ran */
	for (i = ILB_MSG_HELLO; i < __ILB_MSG_MAX; i++)
		assert_true(ok[i] > FUZZ_ITERS / 100);
	assert_true(err > FUZZ_ITERS / 4);
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
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_hello_errors),
		cmocka_unit_test(test_sync_errors),
		cmocka_unit_test(test_rec_errors),
		cmocka_unit_test(test_ack_errors),
		cmocka_unit_test(test_fwd_errors),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_mutation_fuzz),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
