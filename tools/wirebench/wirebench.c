// SPDX-License-Identifier: GPL-2.0
/*
 * wirebench: what the MAC costs per cluster message, in CPU. Builds and
 * signs, then parses and verifies, each kind of message of the cluster
 * protocol v2 (kmod/wire.c) with and without a key, many times, and prints
 * nanoseconds per message and the keyed / insecure ratio. BLAKE2s here is
 * libb2's (tools/wirebench/mac_libb2.c), checked first against a tag
 * Python's hashlib computed; the module uses the kernel's lib/crypto
 * blake2s, which on x86-64 also has SIMD versions.
 *
 *   wirebench [ROUNDS]   (default 5; each round times every row once)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

#define BUF	2048

static const uint8_t key[ILB_WIRE_KEY_LEN] = {
	0x6b, 0x65, 0x79, 0x20, 0x6f, 0x66, 0x20, 0x74, 0x68, 0x65, 0x20,
	0x62, 0x65, 0x6e, 0x63, 0x68, 0x6d, 0x61, 0x72, 0x6b, 0x2c, 0x20,
	0x33, 0x32, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73, 0x21, 0x21,
};

struct row {
	const char *name;
	uint8_t type;
	unsigned int nrecs;	/* sync: CONN records */
	unsigned int fwd_len;	/* fwd: inner packet bytes */
};

static const struct row rows[] = {
	{ "HELLO", ILB_MSG_HELLO, 0, 0 },
	{ "SYNC, 1 record", ILB_MSG_SYNC, 1, 0 },
	{ "SYNC, 38 records", ILB_MSG_SYNC, 38, 0 },
	{ "ACK", ILB_MSG_ACK, 0, 0 },
	{ "FWD, 64-byte packet", ILB_MSG_FWD, 0, 64 },
	{ "FWD, 1500-byte packet", ILB_MSG_FWD, 0, 1500 },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void put_ipv4(uint8_t *p, unsigned int len)
{
	uint32_t sum = 0;
	unsigned int i;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = len >> 8;
	p[3] = len;
	p[8] = 64;
	p[9] = 6;
	p[12] = 198, p[13] = 18, p[14] = 1, p[15] = 101;
	p[16] = 198, p[17] = 51, p[18] = 100, p[19] = 1;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[10] = sum >> 8;
	p[11] = sum;
}

/* Build and sign (keyed) one message of @r; returns its length. */
static uint32_t build(const struct row *r, uint8_t kid, uint64_t seq,
		      uint8_t *b)
{
	struct ilb_msg_hdr h = {
		.version = ILB_WIRE_VERSION, .type = r->type, .key_id = kid,
		.cluster = 1, .sender = 1, .incarnation = 1, .seq = seq,
		.epoch = 7,
	};
	struct ilb_msg_hello he = {
		.weight = 1, .hello_ms = 100, .dead_ms = 275, .nmembers = 3,
		.addr = { .family = ILB_WIRE_AF_INET, .a = { 198, 18, 4, 1 } },
		.nkeys = kid ? 1 : 0, .keys = { kid },
	};
	struct ilb_rec rec = {
		.op = ILB_REC_ADD, .proto = 6, .state = 1, .fwd = 1,
		.family = ILB_WIRE_AF_INET, .cport = 0x409c, .vport = 0x5000,
		.rport = 0x5000, .primary = 1, .backup = 2,
		.caddr = { 198, 18, 1, 101 }, .vaddr = { 198, 51, 100, 1 },
		.raddr = { 198, 18, 3, 101 },
	};
	struct ilb_msg_ack a = { .session = 2, .ack = 5 };
	uint32_t n = ilb_wire_put_hdr(b, &h), hl = n;
	unsigned int i;

	switch (r->type) {
	case ILB_MSG_HELLO:
		n += ilb_wire_put_hello(b + n, &he);
		break;
	case ILB_MSG_SYNC:
		n += ilb_wire_put_sync(b + n, 2, (uint32_t)seq | 1);
		for (i = 0; i < r->nrecs; i++)
			n += ilb_wire_put_conn(b + n, &rec);
		break;
	case ILB_MSG_ACK:
		n += ilb_wire_put_ack(b + n, &a);
		break;
	default:
		put_ipv4(b + n, r->fwd_len);
		n += r->fwd_len;
	}
	if (kid)
		ilb_wire_mac(b + ILB_WIRE_TAG_OFF, key, b, 2, b + hl, n - hl);
	return n;
}

/* Parse and verify (keyed) it, as a receiver does; 0 if it passed. */
static int check(const uint8_t *b, uint32_t len)
{
	uint8_t tag[ILB_WIRE_TAG_LEN];
	struct ilb_msg m;
	int hl = ilb_wire_parse_hdr(b, len, &m.hdr);

	if (hl < 0)
		return -1;
	if (m.hdr.key_id) {
		ilb_wire_mac(tag, key, b, 2, b + hl, len - (uint32_t)hl);
		if (memcmp(tag, m.hdr.tag, sizeof(tag)))
			return -1;
	}
	return ilb_wire_parse_body(b + hl, len - (uint32_t)hl, &m);
}

/*
 * The MAC agrees with an independent implementation: Python's
 *   hashlib.blake2s(bytes(range(28)) + b"\\0\\0\\0\\2" + b"x" * 10,
 *                   key=bytes(range(32)), digest_size=16)
 */
static int self_check(void)
{
	static const uint8_t want[ILB_WIRE_TAG_LEN] = {
		0xf3, 0xc6, 0x13, 0x88, 0xd4, 0xbf, 0x0e, 0xbe,
		0xae, 0x3c, 0xbf, 0x03, 0xe2, 0x3f, 0x1d, 0xec,
	};
	uint8_t k[ILB_WIRE_KEY_LEN], hdr[ILB_WIRE_HDR_LEN], tag[16];
	const char body[] = "xxxxxxxxxx";
	unsigned int i;

	for (i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)i;
	for (i = 0; i < sizeof(hdr); i++)
		hdr[i] = (uint8_t)i;
	ilb_wire_mac(tag, k, hdr, 2, body, 10);
	if (memcmp(tag, want, sizeof(want))) {
		fprintf(stderr, "wirebench: the MAC does not match Python's\n");
		return 0;
	}
	return 1;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

int main(int argc, char **argv)
{
	unsigned int nrounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 5;
	unsigned int nrows = sizeof(rows) / sizeof(rows[0]), i, k, j, iters;
	double res[sizeof(rows) / sizeof(rows[0])][2][2][64];
	static uint8_t b[BUF];
	uint8_t kid = ilb_wire_key_id(key);
	uint64_t seq = 1;

	if (nrounds < 1 || nrounds > 64)
		nrounds = 5;
	if (!self_check())
		return 1;
	for (j = 0; j < nrounds; j++) {
		/* rounds interleave the rows and the modes */
		for (i = 0; i < nrows; i++) {
			iters = rows[i].fwd_len >= 1500 ||
				rows[i].nrecs > 1 ? 20000 : 100000;
			for (k = 0; k < 2; k++) {
				uint8_t id = k ? kid : 0;
				uint32_t len = 0;
				double t0, t1, t2;
				unsigned int n;

				t0 = now_ns();
				for (n = 0; n < iters; n++)
					len = build(&rows[i], id, seq++, b);
				t1 = now_ns();
				for (n = 0; n < iters; n++)
					if (check(b, len)) {
						fprintf(stderr, "wirebench: %s did not verify\n",
							rows[i].name);
						return 1;
					}
				t2 = now_ns();
				res[i][k][0][j] = (t1 - t0) / iters;
				res[i][k][1][j] = (t2 - t1) / iters;
			}
		}
	}
	printf("CPU per cluster message, ns (median of %u rounds; build+sign | parse+verify)\n",
	       nrounds);
	printf("  %-22s %6s  %6s %6s | %6s %6s | %6s %6s\n", "message",
	       "bytes", "insec", "keyed", "insec", "keyed", "send", "recv");
	for (i = 0; i < nrows; i++) {
		double med[2][2];
		uint32_t l0 = build(&rows[i], 0, 1, b);
		uint32_t l1 = build(&rows[i], kid, 1, b);

		for (k = 0; k < 2; k++)
			for (j = 0; j < 2; j++) {
				qsort(res[i][k][j], nrounds, sizeof(double), cmp);
				med[k][j] = res[i][k][j][nrounds / 2];
			}
		printf("  %-22s %6u  %6.0f %6.0f | %6.0f %6.0f | %6.1f %6.1f\n",
		       rows[i].name, l1, med[0][0], med[1][0], med[0][1],
		       med[1][1], med[1][0] / med[0][0], med[1][1] / med[0][1]);
		(void)l0;
	}
	printf("  bytes: UDP payload keyed (insecure: no tag, 16 fewer; a HELLO 19 fewer, no KEYS);\n"
	       "  send, recv: keyed / insecure;\n"
	       "  BLAKE2s from libb2 (see the header comment); reproduce: make bench-wire\n");
	return 0;
}
