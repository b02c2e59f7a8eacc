/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: global options and the helpers every command prints with.
 */
#ifndef ILBADM_OUT_H
#define ILBADM_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct ilbadm_opts {
	bool json;	/* -j */
	bool stats;	/* -s */
	bool numeric;	/* -n */
};

extern struct ilbadm_opts ilbadm_opts;

/* Put before every error's context: "" or "restore: line N: ". */
extern const char *ilbadm_err_prefix;

/* Traffic counters of a service or a server. */
struct ilbadm_cnt {
	uint64_t conns;
	uint64_t pkts_in;
	uint64_t pkts_out;
	uint64_t bytes_in;
	uint64_t bytes_out;
};

#define ILBADM_ADDRPORT_LEN	64

/*
 * "198.51.100.1:80", or with names allowed (not -n, not JSON) and a name in
 * the services database, "198.51.100.1:http". Never DNS.
 */
const char *ilbadm_fmt_addrport(uint32_t addr, uint16_t port, uint8_t proto,
				bool names, char *buf, size_t len);

/* name, or the number as text when name is NULL (buf of 12 bytes). */
const char *ilbadm_name_or_num(const char *name, unsigned int v, char *buf);

/* "conns N  pkts in N out N  bytes in N out N" */
void ilbadm_print_cnt(const char *indent, const struct ilbadm_cnt *c);
/* "stats": {"conns": N, ...} inside an open object. */
void ilbadm_json_cnt(struct ilbadm_json *j, const struct ilbadm_cnt *c);

#endif /* ILBADM_OUT_H */
