// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the cluster wire parser, version 2 (kmod/wire.c).
 * Built and run by `make fuzz` with clang -fsanitize=fuzzer,address,
 * undefined. Any input must parse or be refused without reading outside
 * it, the same whether parsed whole or as header then a separate body. An
 * accepted message must hold only valid records, and an accepted hello,
 * sync or ack must encode back (its tag copied) to the same bytes, less
 * the records the encoders do not write: the harness walks the records
 * itself and builds that canonical form. The MAC's prefix (header, then
 * the receiver's ID) is checked too; the MAC itself is not computed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define BUF_MAX 8192

static uint8_t out[BUF_MAX], want[BUF_MAX], body_copy[BUF_MAX];

static void check(int cond)
{
	if (!cond)
		abort();
}

/* Parsed as a header, then a body in a buffer of its own. */
static int parse_split(const uint8_t *data, uint32_t size, struct ilb_msg *m)
{
	int hl = ilb_wire_parse_hdr(data, size, &m->hdr);
	uint32_t blen;

	if (hl < 0)
		return hl;
	blen = size - (uint32_t)hl;	/* <= BUF_MAX: see the caller */
	memcpy(body_copy, data + hl, blen);
	return ilb_wire_parse_body(body_copy, blen, m);
}

/*
 * The canonical form of the accepted control message @data: header (and
 * tag) and fixed part, then for a hello its ADDR and KEYS records, for a
 * sync its CONN, then PERSIST, then COUNT records, then its ACK record.
 * Counts the sync's records.
 */
static const uint8_t sync_order[] = {
	ILB_RT_CONN, ILB_RT_PERSIST, ILB_RT_COUNT, ILB_RT_ACK,
};

static uint32_t canonical(const uint8_t *data, const struct ilb_msg *m,
			  unsigned int *nconn, unsigned int *npersist,
			  unsigned int *ncount, unsigned int *nunknown,
			  unsigned int *nack)
{
	uint32_t hl = ilb_wire_hdr_len(m->hdr.key_id), len = m->body_len;
	const uint8_t *p = data + hl;
	uint32_t n = hl, fixed, off, rl;
	unsigned int pass, passes;

	*nconn = 0;
	*npersist = 0;
	*ncount = 0;
	*nunknown = 0;
	*nack = 0;
	memcpy(want, data, hl);
	if (m->hdr.type == ILB_MSG_ACK) {
		memcpy(want + n, p, len);
		return n + len;
	}
	fixed = m->hdr.type == ILB_MSG_HELLO ? ILB_WIRE_HELLO_LEN :
		ILB_WIRE_SYNC_LEN;
	passes = m->hdr.type == ILB_MSG_SYNC ? 4 : 2;
	check(len >= fixed);
	memcpy(want + n, p, fixed);
	n += fixed;
	for (pass = 0; pass < passes; pass++) {
		for (off = fixed; off < len; off += rl) {
			check(len - off >= ILB_WIRE_TLV_HDR);
			rl = ILB_WIRE_TLV_HDR + p[off + 1];
			check(len - off >= rl);
			if (m->hdr.type == ILB_MSG_SYNC && !pass) {
				check(p[off] != 0 && p[off] != ILB_RT_ADDR &&
				      p[off] != ILB_RT_KEYS);
				if (p[off] == ILB_RT_CONN)
					(*nconn)++;
				else if (p[off] == ILB_RT_PERSIST)
					(*npersist)++;
				else if (p[off] == ILB_RT_COUNT)
					(*ncount)++;
				else if (p[off] == ILB_RT_ACK)
					(*nack)++;
				else
					(*nunknown)++;
			} else if (m->hdr.type == ILB_MSG_HELLO) {
				check(p[off] != 0 && p[off] != ILB_RT_CONN &&
				      p[off] != ILB_RT_ACK &&
				      p[off] != ILB_RT_PERSIST &&
				      p[off] != ILB_RT_COUNT);
			}
			if ((m->hdr.type == ILB_MSG_SYNC &&
			     p[off] == sync_order[pass]) ||
			    (m->hdr.type == ILB_MSG_HELLO &&
			     p[off] == (pass ? ILB_RT_KEYS : ILB_RT_ADDR))) {
				memcpy(want + n, p + off, rl);
				n += rl;
			}
		}
		check(off == len);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int nconn, npersist, ncount, nunknown, nack, i;
	uint8_t prefix[ILB_WIRE_MAC_PREFIX];
	struct ilb_msg m, m2;
	uint32_t n, hl, off = 0, rcv;
	struct ilb_crec cr;
	struct ilb_prec pr;
	struct ilb_rec r;
	int err, err2;

	if (size > BUF_MAX)
		return 0;
	err = ilb_wire_parse(data, (uint32_t)size, &m);
	err2 = parse_split(data, (uint32_t)size, &m2);
	check(err2 == err);
	if (err != ILB_WIRE_OK)
		return 0;

	hl = ilb_wire_hdr_len(m.hdr.key_id);
	check(size >= hl);
	check(m.body == data + hl && m.body_len == size - hl);
	check(m.hdr.version == ILB_WIRE_VERSION && !m.hdr.flags);
	check(m.hdr.sender && m.hdr.incarnation && m.hdr.seq);
	check(m.hdr.key_id ? m.hdr.tag == data + ILB_WIRE_TAG_OFF :
	      m.hdr.tag == NULL);
	/* the MAC's input starts with the header, then the receiver (any
	 * value: here one made of the header's seq and epoch), big-endian
	 */
	rcv = m.hdr.epoch ^ (uint32_t)m.hdr.seq;
	ilb_wire_mac_prefix(prefix, data, rcv);
	check(!memcmp(prefix, data, ILB_WIRE_HDR_LEN));
	check(prefix[28] == (uint8_t)(rcv >> 24) &&
	      prefix[29] == (uint8_t)(rcv >> 16) &&
	      prefix[30] == (uint8_t)(rcv >> 8) && prefix[31] == (uint8_t)rcv);
	if (m.hdr.type == ILB_MSG_FWD) {
		check(m.fwd.pkt == m.body);
		check(m.fwd.len >= 20 && m.fwd.len <= m.body_len);
		check(m.fwd.pkt[0] == 0x45);
		return 0;
	}
	check(size <= ILB_WIRE_MAX_LEN);

	n = ilb_wire_put_hdr(out, &m.hdr);
	check(n == hl);
	if (m.hdr.tag)
		memcpy(out + ILB_WIRE_TAG_OFF, m.hdr.tag, ILB_WIRE_TAG_LEN);
	switch (m.hdr.type) {
	case ILB_MSG_HELLO:
		check(m.hello.nkeys <= 2);
		for (i = 0; i < m.hello.nkeys; i++)
			check(m.hello.keys[i]);
		check(m.hello.addr.family == ILB_WIRE_AF_INET ||
		      m.hello.addr.family == ILB_WIRE_AF_INET6);
		n += ilb_wire_put_hello(out + n, &m.hello);
		break;
	case ILB_MSG_SYNC:
		check(m.sync.session && m.sync.seq);
		check(m.sync.recs == m.body + ILB_WIRE_SYNC_LEN);
		check(m.sync.rlen == m.body_len - ILB_WIRE_SYNC_LEN);
		n += ilb_wire_put_sync(out + n, m.sync.session, m.sync.seq);
		for (i = 0; ilb_wire_conn_next(&m, &off, &r); i++) {
			check(ilb_wire_rec_check(&r) == ILB_WIRE_OK);
			check(ilb_wire_conn_size(&r) <= BUF_MAX - n);
			check(ilb_wire_put_conn(out + n, &r) ==
			      ilb_wire_conn_size(&r));
			n += ilb_wire_conn_size(&r);
		}
		check(i == m.sync.nconn && off == m.sync.rlen);
		off = 0;
		for (i = 0; ilb_wire_persist_next(&m, &off, &pr); i++) {
			check(ilb_wire_prec_check(&pr) == ILB_WIRE_OK);
			check(ilb_wire_persist_size(&pr) <= BUF_MAX - n);
			n += ilb_wire_put_persist(out + n, &pr);
		}
		check(i == m.sync.npersist && off == m.sync.rlen);
		off = 0;
		for (i = 0; ilb_wire_count_next(&m, &off, &cr); i++) {
			check(ilb_wire_crec_check(&cr) == ILB_WIRE_OK);
			check(ILB_WIRE_TLV_HDR + ILB_WIRE_COUNT6_LEN <=
			      BUF_MAX - n);
			n += ilb_wire_put_count(out + n, &cr);
		}
		check(i == m.sync.ncount && off == m.sync.rlen);
		if (m.sync.has_ack) {
			check(m.sync.ack.session);
			check(!(m.sync.ack.flags & ~ILB_ACK_F_KNOWN));
			check(BUF_MAX - n >= ILB_WIRE_ACK_REC_LEN);
			n += ilb_wire_put_ack_rec(out + n, &m.sync.ack);
		}
		break;
	case ILB_MSG_ACK:
		n += ilb_wire_put_ack(out + n, &m.ack);
		break;
	default:
		abort();
	}
	check(canonical(data, &m, &nconn, &npersist, &ncount, &nunknown,
			&nack) == n);
	check(!memcmp(out, want, n));
	if (m.hdr.type == ILB_MSG_SYNC) {
		check(nconn == m.sync.nconn && nunknown == m.sync.nunknown);
		check(npersist == m.sync.npersist && ncount == m.sync.ncount);
		check(nack == m.sync.has_ack && nack <= 1);
		check(nconn + npersist + ncount + nunknown + nack >= 1);
	}
	return 0;
}

#ifdef FUZZ_WIRE_SEEDS
/*
 * Built with -DFUZZ_WIRE_SEEDS this file is a program instead: it writes
 * one valid message of every kind (records of both families, unknown
 * records, ACK records in a SYNC, keyed headers, a FWD with a correct IPv4
 * checksum) into the
 * directory it is given, a seed corpus the fuzzer could not guess soon.
 */
#include <stdio.h>

static uint8_t seed[BUF_MAX];

static void write_seed(const char *dir, unsigned int i, uint32_t len)
{
	char path[4096];
	FILE *f;

	check(ilb_wire_parse(seed, len, &(struct ilb_msg){ 0 }) == ILB_WIRE_OK);
	snprintf(path, sizeof(path), "%s/seed-%02u", dir, i);
	f = fopen(path, "wb");
	check(f && fwrite(seed, 1, len, f) == len && !fclose(f));
}

static struct ilb_msg_hdr seed_hdr(uint8_t type, uint8_t key_id)
{
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION, .type = type, .key_id = key_id,
		.cluster = 0x11223344, .sender = 0x0a000001,
		.incarnation = 3, .seq = 0x100000001ULL, .epoch = 7,
	};
	return h;
}

static struct ilb_rec seed_rec(uint8_t family, uint8_t proto)
{
	struct ilb_rec r = {
		.op = ILB_REC_ADD, .proto = proto,
		.state = proto == 6 ? 1 : 4, .fwd = 1, .family = family,
		.cport = 0x3930, .vport = 0x5000, .rport = 0x901f,
		.idle = 5, .primary = 0x0a000001, .backup = 0x0a000002,
	};

	memset(r.caddr, 0x20, family == ILB_WIRE_AF_INET6 ? 16 : 4);
	memset(r.vaddr, 0x21, family == ILB_WIRE_AF_INET6 ? 16 : 4);
	memset(r.raddr, 0x0a, family == ILB_WIRE_AF_INET6 ? 16 : 4);
	return r;
}

static uint32_t seed_fwd(uint8_t *p, uint16_t tot, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13);
	p[0] = 0x45;
	p[2] = tot >> 8;
	p[3] = (uint8_t)tot;
	p[10] = 0;
	p[11] = 0;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
	return len;
}

int main(int argc, char **argv)
{
	struct ilb_msg_hello he = {
		.weight = 100, .hello_ms = 100, .dead_ms = 275, .nmembers = 2,
		.owned = 10, .addr = { .family = ILB_WIRE_AF_INET,
				       .a = { 10, 0, 0, 1 } },
	};
	struct ilb_msg_ack a = { .session = 1, .ack = 1 };
	struct ilb_msg_hdr h;
	struct ilb_rec r;
	uint32_t n;

	check(argc == 2);
	h = seed_hdr(ILB_MSG_HELLO, 0);
	n = ilb_wire_put_hdr(seed, &h);
	write_seed(argv[1], 0, n + ilb_wire_put_hello(seed + n, &he));

	h = seed_hdr(ILB_MSG_HELLO, 0x5a);
	he.addr.family = ILB_WIRE_AF_INET6;
	memset(he.addr.a, 0x20, 16);
	he.nkeys = 2;
	he.keys[0] = 0x5a;
	he.keys[1] = 0x17;
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_hello(seed + n, &he);
	seed[n++] = 0x80;		/* an unknown record */
	seed[n++] = 2;
	seed[n++] = 'h';
	seed[n++] = 'i';
	write_seed(argv[1], 1, n);

	h = seed_hdr(ILB_MSG_SYNC, 0);
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_sync(seed + n, 1, 1);
	r = seed_rec(ILB_WIRE_AF_INET, 6);
	n += ilb_wire_put_conn(seed + n, &r);
	seed[n++] = 0x90;
	seed[n++] = 0;
	r = seed_rec(ILB_WIRE_AF_INET6, 17);
	n += ilb_wire_put_conn(seed + n, &r);
	r = seed_rec(ILB_WIRE_AF_INET, 17);
	r.op = ILB_REC_END;
	r.backup = 0;
	n += ilb_wire_put_conn(seed + n, &r);
	write_seed(argv[1], 2, n);

	h = seed_hdr(ILB_MSG_SYNC, 0x21);
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_sync(seed + n, 9, 4);
	r = seed_rec(ILB_WIRE_AF_INET6, 6);
	write_seed(argv[1], 3, n + ilb_wire_put_conn(seed + n, &r));

	h = seed_hdr(ILB_MSG_ACK, 0);
	n = ilb_wire_put_hdr(seed, &h);
	write_seed(argv[1], 4, n + ilb_wire_put_ack(seed + n, &a));
	h = seed_hdr(ILB_MSG_ACK, 0x21);
	a.flags = ILB_ACK_F_NAK;
	n = ilb_wire_put_hdr(seed, &h);
	write_seed(argv[1], 5, n + ilb_wire_put_ack(seed + n, &a));

	h = seed_hdr(ILB_MSG_FWD, 0);
	n = ilb_wire_put_hdr(seed, &h);
	write_seed(argv[1], 6, n + seed_fwd(seed + n, 48, 48));
	h = seed_hdr(ILB_MSG_FWD, 0x21);
	n = ilb_wire_put_hdr(seed, &h);
	write_seed(argv[1], 7, n + seed_fwd(seed + n, 20, 26));

	/* a keyed SYNC with an ACK riding on it, between two records */
	h = seed_hdr(ILB_MSG_SYNC, 0x21);
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_sync(seed + n, 9, 5);
	r = seed_rec(ILB_WIRE_AF_INET, 6);
	n += ilb_wire_put_conn(seed + n, &r);
	a.session = 0x1234;
	a.ack = 77;
	a.flags = 0;
	n += ilb_wire_put_ack_rec(seed + n, &a);
	r = seed_rec(ILB_WIRE_AF_INET6, 17);
	n += ilb_wire_put_conn(seed + n, &r);
	write_seed(argv[1], 8, n);
	/* a SYNC whose only record is an ACK (a nak), then an unknown one */
	h = seed_hdr(ILB_MSG_SYNC, 0);
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_sync(seed + n, 2, 1);
	a.flags = ILB_ACK_F_NAK;
	n += ilb_wire_put_ack_rec(seed + n, &a);
	seed[n++] = 0xa0;
	seed[n++] = 1;
	seed[n++] = 0;
	write_seed(argv[1], 9, n);
	/* PERSIST and COUNT records of both families around a CONN */
	h = seed_hdr(ILB_MSG_SYNC, 0x21);
	n = ilb_wire_put_hdr(seed, &h);
	n += ilb_wire_put_sync(seed + n, 3, 1);
	{
		struct ilb_prec p4 = {
			.op = ILB_REC_ADD, .proto = 6, .plen = 24,
			.family = ILB_WIRE_AF_INET, .group = 0x5000,
			.ttl = 300, .primary = 0x0a000001,
		}, p6 = p4;
		struct ilb_crec c4 = {
			.proto = 17, .family = ILB_WIRE_AF_INET,
			.vport = 0x3500, .rport = 0x3500, .active = 7,
			.inactive = 1 << 24,
		}, c6 = c4;

		memset(p4.caddr, 0x20, 3);
		memset(p4.vaddr, 0x21, 4);
		memset(p4.raddr, 0x0a, 4);
		p6.family = ILB_WIRE_AF_INET6;
		p6.plen = 48;
		memset(p6.caddr, 0x20, 6);
		memset(p6.vaddr, 0x21, 16);
		memset(p6.raddr, 0x0a, 16);
		memset(c4.vaddr, 0x21, 4);
		memset(c4.raddr, 0x0a, 4);
		c6.family = ILB_WIRE_AF_INET6;
		memset(c6.vaddr, 0x21, 16);
		memset(c6.raddr, 0x0a, 16);
		n += ilb_wire_put_persist(seed + n, &p4);
		n += ilb_wire_put_count(seed + n, &c4);
		r = seed_rec(ILB_WIRE_AF_INET, 6);
		n += ilb_wire_put_conn(seed + n, &r);
		n += ilb_wire_put_persist(seed + n, &p6);
		n += ilb_wire_put_count(seed + n, &c6);
	}
	write_seed(argv[1], 10, n);
	return 0;
}
#endif /* FUZZ_WIRE_SEEDS */
