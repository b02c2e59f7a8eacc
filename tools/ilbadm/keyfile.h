/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: cluster keys. A key is ILB_CLUSTER_KEY_LEN random bytes, written
 * in base64 (standard alphabet, padded) on one line, as "cluster genkey"
 * prints it. No netlink here: unit-tested by tests/unit/test_ilbadm_parse.c.
 */
#ifndef ILBADM_KEYFILE_H
#define ILBADM_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* Characters of a key in base64: 4 * ceil(32 / 3) = 44. */
#define ILBADM_KEY_B64_LEN	(4 * ((ILB_CLUSTER_KEY_LEN + 2) / 3))

/*
 * A new random key (getrandom(2)) into out, base64, NUL-terminated.
 * 0, or -1 with err filled in.
 */
int ilbadm_genkey(char out[ILBADM_KEY_B64_LEN + 1], char *err, size_t len);

/*
 * Decodes s (n bytes, trailing blanks allowed) into key: exactly one
 * canonical base64 key of ILB_CLUSTER_KEY_LEN bytes. 0, or -1 with err
 * ("not a base64 key", "a key of N bytes, not 32", ...). Wipes what it
 * decoded on failure.
 */
int ilbadm_key_decode(const char *s, size_t n,
		      uint8_t key[ILB_CLUSTER_KEY_LEN], char *err,
		      size_t len);

/*
 * Reads the key file path into key, and its absolute name (realpath(3))
 * into abs. Refuses a missing file, one that is not a regular file, one
 * group or others may access (mode & 077), and anything but one key.
 * 0, or -1 with err naming the file ("key file \"PATH\": ..."). The caller
 * wipes key (explicit_bzero) after use.
 */
int ilbadm_key_read(const char *path, uint8_t key[ILB_CLUSTER_KEY_LEN],
		    char abs[ILB_CLUSTER_KEY_FILE_MAX], char *err,
		    size_t len);

/*
 * The key file of a parsed command, if it has one, read and forgotten: to
 * refuse a bad file before any netlink I/O. 0, or -1 with err
 * ("cluster join: key file ...").
 */
int ilbadm_key_check(const struct ilbadm_cmd *c, char *err, size_t len);

/*
 * The id of a key, as the module derives it (cluster-protocol.rst, "Key
 * ids"): 1..255. 0, or -1 if OpenSSL has no BLAKE2s MAC.
 */
int ilbadm_key_id(const uint8_t key[ILB_CLUSTER_KEY_LEN], uint8_t *id);

#endif /* ILBADM_KEYFILE_H */
