// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: global options and output helpers.
 */
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <arpa/inet.h>

#include "out.h"
#include "parse.h"

struct ilbadm_opts ilbadm_opts;
const char *ilbadm_err_prefix = "";

const char *ilbadm_fmt_addrport(uint32_t addr, uint16_t port, uint8_t proto,
				bool names, char *buf, size_t len)
{
	const char *pname = ilbadm_proto_name(proto);
	struct servent *se = NULL;
	char a[INET_ADDRSTRLEN];

	ilbadm_fmt_ipv4(addr, a, sizeof(a));
	/* getservbyport() reads the services database (/etc/services). */
	if (names && pname)
		se = getservbyport(htons(port), pname);
	if (se && se->s_name)
		snprintf(buf, len, "%s:%s", a, se->s_name);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *ilbadm_name_or_num(const char *name, unsigned int v, char *buf)
{
	if (name)
		return name;
	snprintf(buf, 12, "%u", v);
	return buf;
}

void ilbadm_print_cnt(const char *indent, const struct ilbadm_cnt *c)
{
	printf("%sconns %" PRIu64 "  pkts in %" PRIu64 " out %" PRIu64
	       "  bytes in %" PRIu64 " out %" PRIu64 "\n", indent, c->conns,
	       c->pkts_in, c->pkts_out, c->bytes_in, c->bytes_out);
}

void ilbadm_json_cnt(struct ilbadm_json *j, const struct ilbadm_cnt *c)
{
	ilbadm_json_key(j, "stats");
	ilbadm_json_obj_open(j);
	ilbadm_json_kv_uint(j, "conns", c->conns);
	ilbadm_json_kv_uint(j, "pkts_in", c->pkts_in);
	ilbadm_json_kv_uint(j, "pkts_out", c->pkts_out);
	ilbadm_json_kv_uint(j, "bytes_in", c->bytes_in);
	ilbadm_json_kv_uint(j, "bytes_out", c->bytes_out);
	ilbadm_json_obj_close(j);
}
