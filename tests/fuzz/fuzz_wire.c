// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the cluster wire parser (kmod/wire.c). Built and run
 * by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. Any input
 * must parse or be refused without reading outside it; an accepted message
 * must hold only valid records, and an accepted hello, sync or ack must
 * encode back to exactly the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static uint8_t out[ILB_WIRE_MAX_LEN];

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ilb_msg m;
	struct ilb_rec r;
	unsigned int i;
	uint32_t n;

	if (size > UINT32_MAX)
		return 0;
	if (ilb_wire_parse(data, (uint32_t)size, &m) != ILB_WIRE_OK)
		return 0;

	check(size >= ILB_WIRE_HDR_LEN);
	n = ilb_wire_put_hdr(out, &m.hdr);
	switch (m.hdr.type) {
	case ILB_MSG_HELLO:
		n += ilb_wire_put_hello(out + n, &m.hello);
		break;
	case ILB_MSG_SYNC:
		check(m.sync.count >= 1 && m.sync.count <= ILB_WIRE_MAX_RECS);
		n += ilb_wire_put_sync(out + n, m.sync.session, m.sync.seq,
				       m.sync.count);
		for (i = 0; i < m.sync.count; i++) {
			ilb_wire_rec_get(&m, i, &r);
			check(ilb_wire_rec_check(&r) == ILB_WIRE_OK);
			n += ilb_wire_put_rec(out + n, &r);
		}
		break;
	case ILB_MSG_ACK:
		n += ilb_wire_put_ack(out + n, &m.ack);
		break;
	case ILB_MSG_FWD:
		check(m.fwd.pkt == data + ILB_WIRE_HDR_LEN);
		check(m.fwd.len >= 20 && m.fwd.len <= size - ILB_WIRE_HDR_LEN);
		return 0;
	default:
		abort();
	}
	check(n == size && !memcmp(out, data, n));
	return 0;
}
