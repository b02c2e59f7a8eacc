// SPDX-License-Identifier: GPL-2.0
/*
 * ilb_wire_mac() for wirebench: keyed BLAKE2s-128 through libb2, the
 * BLAKE2 authors' library, whose per-call cost is that of BLAKE2s itself
 * (OpenSSL's EVP_MAC adds a provider dispatch that dominates short
 * messages). The unit tests use OpenSSL's (tests/unit/mac_openssl.c);
 * wirebench checks that both agree before it measures.
 */
#include <stdio.h>
#include <stdlib.h>

#include <blake2.h>

#include "wire.h"

void ilb_wire_mac(__u8 tag[ILB_WIRE_TAG_LEN],
		  const __u8 key[ILB_WIRE_KEY_LEN],
		  const void *hdr, __u32 receiver,
		  const void *body, __u32 body_len)
{
	__u8 prefix[ILB_WIRE_MAC_PREFIX];
	blake2s_state s;

	ilb_wire_mac_prefix(prefix, hdr, receiver);
	if (blake2s_init_key(&s, ILB_WIRE_TAG_LEN, key, ILB_WIRE_KEY_LEN) ||
	    blake2s_update(&s, prefix, sizeof(prefix)) ||
	    (body_len && blake2s_update(&s, body, body_len)) ||
	    blake2s_final(&s, tag, ILB_WIRE_TAG_LEN)) {
		fprintf(stderr, "mac_libb2: blake2s failed\n");
		abort();
	}
}
