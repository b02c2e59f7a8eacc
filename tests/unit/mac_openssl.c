// SPDX-License-Identifier: GPL-2.0
/*
 * ilb_wire_mac() for userspace (unit tests, fuzzer, ilbsim): keyed
 * BLAKE2s (RFC 7693) with a 32-byte key and a 16-byte output through
 * OpenSSL 3's EVP_MAC "BLAKE2SMAC". The module uses lib/crypto's blake2s
 * instead. The input is the ILB_WIRE_HDR_LEN header bytes, the receiver's
 * ID (4 bytes, big-endian), then body_len bytes of body. Any OpenSSL
 * failure aborts: a test must never pass on a MAC that was not computed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wire.h"

static EVP_MAC *blake2s_mac(void)
{
	static EVP_MAC *mac;

	if (!mac) {
		mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
		if (!mac) {
			fprintf(stderr, "mac_openssl: no BLAKE2SMAC in OpenSSL\n");
			abort();
		}
	}
	return mac;
}

/*
 * One context, set up again for every message: with the key it last had
 * (OpenSSL keeps it), or a new one. Not thread-safe: the tools and tests
 * that link this are single-threaded.
 */
void ilb_wire_mac(__u8 tag[ILB_WIRE_TAG_LEN],
		  const __u8 key[ILB_WIRE_KEY_LEN],
		  const void *hdr, __u32 receiver,
		  const void *body, __u32 body_len)
{
	static __u8 last[ILB_WIRE_KEY_LEN];
	static EVP_MAC_CTX *ctx;
	__u8 prefix[ILB_WIRE_MAC_PREFIX];
	size_t size = ILB_WIRE_TAG_LEN, out = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_construct_end(),
	};
	int same = ctx && !memcmp(last, key, sizeof(last));

	if (!ctx)
		ctx = EVP_MAC_CTX_new(blake2s_mac());
	ilb_wire_mac_prefix(prefix, hdr, receiver);
	if (!ctx ||
	    !(same ? EVP_MAC_init(ctx, NULL, 0, NULL) :
		     EVP_MAC_init(ctx, key, ILB_WIRE_KEY_LEN, params)) ||
	    !EVP_MAC_update(ctx, prefix, sizeof(prefix)) ||
	    (body_len && !EVP_MAC_update(ctx, body, body_len)) ||
	    !EVP_MAC_final(ctx, tag, &out, ILB_WIRE_TAG_LEN) ||
	    out != ILB_WIRE_TAG_LEN) {
		fprintf(stderr, "mac_openssl: BLAKE2SMAC failed\n");
		abort();
	}
	memcpy(last, key, sizeof(last));
}
