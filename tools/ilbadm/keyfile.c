// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: cluster keys: "cluster genkey", and the key files of "cluster
 * join ... key FILE" and "cluster set key FILE". Base64 is OpenSSL's
 * (EVP_EncodeBlock, EVP_DecodeBlock); every buffer that held a key is
 * wiped with explicit_bzero() before it goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "keyfile.h"
#include "parse.h"

/* The most a key file may hold: one key and some trailing blanks. */
#define KEYFILE_MAX	512

int ilbadm_genkey(char out[ILBADM_KEY_B64_LEN + 1], char *err, size_t len)
{
	uint8_t key[ILB_CLUSTER_KEY_LEN];
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(key)) {
		r = getrandom(key + got, sizeof(key) - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			explicit_bzero(key, sizeof(key));
			return ilbadm_fail(err, len, "getrandom: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	/* Writes ILBADM_KEY_B64_LEN characters and a NUL. */
	EVP_EncodeBlock((unsigned char *)out, key, (int)sizeof(key));
	explicit_bzero(key, sizeof(key));
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int ilbadm_key_decode(const char *s, size_t n,
		      uint8_t key[ILB_CLUSTER_KEY_LEN], char *err,
		      size_t len)
{
	unsigned char out[KEYFILE_MAX / 4 * 3 + 3];
	char again[KEYFILE_MAX + 1];
	size_t i, pad = 0, bytes;
	int r;

	while (n && is_blank(s[n - 1]))
		n--;
	if (!n)
		return ilbadm_fail(err, len, "empty, not a key");
	/*
	 * Checked here, not left to EVP_DecodeBlock(): it skips leading
	 * blanks, and decodes padding as zero bytes.
	 */
	if (n > KEYFILE_MAX || n % 4)
		goto bad;
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (i = 0; i < n - pad; i++)
		if (!is_b64(s[i]))
			goto bad;
	r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (r < 0 || (size_t)r < pad)
		goto bad;
	bytes = (size_t)r - pad;
	if (bytes != ILB_CLUSTER_KEY_LEN) {
		explicit_bzero(out, sizeof(out));
		return ilbadm_fail(err, len, "a key of %zu bytes, not %d", bytes,
			    ILB_CLUSTER_KEY_LEN);
	}
	/* Canonical: unused bits zero, so one key has one spelling. */
	EVP_EncodeBlock((unsigned char *)again, out, ILB_CLUSTER_KEY_LEN);
	if (n != ILBADM_KEY_B64_LEN || memcmp(again, s, n)) {
		explicit_bzero(again, sizeof(again));
		goto bad;
	}
	memcpy(key, out, ILB_CLUSTER_KEY_LEN);
	explicit_bzero(out, sizeof(out));
	explicit_bzero(again, sizeof(again));
	return 0;
bad:
	explicit_bzero(out, sizeof(out));
	return ilbadm_fail(err, len, "not a base64 key of %d bytes",
		    ILB_CLUSTER_KEY_LEN);
}

int ilbadm_key_read(const char *path, uint8_t key[ILB_CLUSTER_KEY_LEN],
		    char abs[ILB_CLUSTER_KEY_FILE_MAX], char *err,
		    size_t len)
{
	char buf[KEYFILE_MAX + 1], why[128];
	size_t n = 0;
	struct stat st;
	char *rp;
	ssize_t r;
	int fd, e;

	rp = realpath(path, NULL);
	if (!rp)
		return ilbadm_fail(err, len, "key file \"%s\": %s", path,
			    strerror(errno));
	if (strlen(rp) >= ILB_CLUSTER_KEY_FILE_MAX) {
		free(rp);
		return ilbadm_fail(err, len,
			    "key file \"%s\": its absolute name is longer than %d bytes",
			    path, ILB_CLUSTER_KEY_FILE_MAX - 1);
	}
	/* O_NONBLOCK: a FIFO is refused below, not waited on. */
	fd = open(rp, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		free(rp);
		return ilbadm_fail(err, len, "key file \"%s\": %s", path, strerror(e));
	}
	/* The file opened, not a name that may have changed since. */
	if (fstat(fd, &st)) {
		e = errno;
		goto fail_errno;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		free(rp);
		return ilbadm_fail(err, len, "key file \"%s\": not a regular file",
			    path);
	}
	if (st.st_mode & 077) {
		close(fd);
		free(rp);
		return ilbadm_fail(err, len,
			    "key file \"%s\": mode %04o, group or others can access it (chmod 600 it)",
			    path, (unsigned int)(st.st_mode & 07777));
	}
	for (;;) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			explicit_bzero(buf, sizeof(buf));
			goto fail_errno;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n == sizeof(buf))
			break;
	}
	close(fd);
	if (n > KEYFILE_MAX) {
		explicit_bzero(buf, sizeof(buf));
		free(rp);
		return ilbadm_fail(err, len,
			    "key file \"%s\": too long for one key (see \"ilbadm cluster genkey\")",
			    path);
	}
	r = ilbadm_key_decode(buf, n, key, why, sizeof(why));
	explicit_bzero(buf, sizeof(buf));
	if (r) {
		free(rp);
		return ilbadm_fail(err, len,
			    "key file \"%s\": %s (see \"ilbadm cluster genkey\")",
			    path, why);
	}
	memcpy(abs, rp, strlen(rp) + 1);
	free(rp);
	return 0;
fail_errno:
	close(fd);
	free(rp);
	return ilbadm_fail(err, len, "key file \"%s\": %s", path, strerror(e));
}

int ilbadm_key_check(const struct ilbadm_cmd *c, char *err, size_t len)
{
	uint8_t key[ILB_CLUSTER_KEY_LEN];
	char abs[ILB_CLUSTER_KEY_FILE_MAX], why[ILBADM_ERRLEN];
	int r;

	if (!c->has_key)
		return 0;
	r = ilbadm_key_read(c->key_file, key, abs, why, sizeof(why));
	explicit_bzero(key, sizeof(key));
	if (r)
		return ilbadm_fail(err, len, "%s: %s", ilbadm_cmd_name(c), why);
	return 0;
}

/*
 * The key id, as kmod/wire.c's ilb_wire_key_id() derives it (see
 * cluster-protocol.rst, "Key ids"): the first byte of the keyed
 * BLAKE2s-128 of the label padded to the 28-byte header, then a receiver
 * of 4 zero bytes; 1 if that byte is 0.
 */
int ilbadm_key_id(const uint8_t key[ILB_CLUSTER_KEY_LEN], uint8_t *id)
{
	static const char label[] = "ilb key id v2";
	unsigned char in[28 + 4] = { 0 }, tag[16];
	size_t size = sizeof(tag), out = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	int r = -1;

	memcpy(in, label, sizeof(label) - 1);
	mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	if (mac)
		ctx = EVP_MAC_CTX_new(mac);
	if (ctx && EVP_MAC_init(ctx, key, ILB_CLUSTER_KEY_LEN, params) &&
	    EVP_MAC_update(ctx, in, sizeof(in)) &&
	    EVP_MAC_final(ctx, tag, &out, sizeof(tag)) && out == sizeof(tag)) {
		*id = tag[0] ? tag[0] : 1;
		r = 0;
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	explicit_bzero(tag, sizeof(tag));
	return r;
}
