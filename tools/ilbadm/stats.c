// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm stats show (node counters), and the traffic counters nested in
 * services and servers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy cnt_policy[ILB_CNT_A_MAX + 1] = {
	[ILB_CNT_A_CONNS] = { .type = NLA_U64 },
	[ILB_CNT_A_PKTS_IN] = { .type = NLA_U64 },
	[ILB_CNT_A_PKTS_OUT] = { .type = NLA_U64 },
	[ILB_CNT_A_BYTES_IN] = { .type = NLA_U64 },
	[ILB_CNT_A_BYTES_OUT] = { .type = NLA_U64 },
};

static const struct nla_policy stats_policy[ILB_STATS_A_MAX + 1] = {
	[ILB_STATS_A_CONNS] = { .type = NLA_U64 },
	[ILB_STATS_A_CONN_MAX] = { .type = NLA_U64 },
	[ILB_STATS_A_INSPECTED] = { .type = NLA_U64 },
	[ILB_STATS_A_MALFORMED] = { .type = NLA_U64 },
	[ILB_STATS_A_NO_SERVICE] = { .type = NLA_U64 },
	[ILB_STATS_A_NO_SERVER] = { .type = NLA_U64 },
	[ILB_STATS_A_TABLE_FULL] = { .type = NLA_U64 },
	[ILB_STATS_A_XMIT_ERR] = { .type = NLA_U64 },
	[ILB_STATS_A_NO_CONN] = { .type = NLA_U64 },
	[ILB_STATS_A_EARLY_DROP] = { .type = NLA_U64 },
	[ILB_STATS_A_BAD_ACK] = { .type = NLA_U64 },
	[ILB_STATS_A_PERSIST] = { .type = NLA_U64 },
	[ILB_STATS_A_PERSIST_FULL] = { .type = NLA_U64 },
	[ILB_STATS_A_OVERLOAD] = { .type = NLA_U64 },
};

/* Output names, in output order; also the JSON keys. */
static const char *const stats_names[ILB_STATS_A_MAX + 1] = {
	[ILB_STATS_A_CONNS] = "conns",
	[ILB_STATS_A_CONN_MAX] = "conn_max",
	[ILB_STATS_A_INSPECTED] = "inspected",
	[ILB_STATS_A_MALFORMED] = "malformed",
	[ILB_STATS_A_NO_SERVICE] = "no_service",
	[ILB_STATS_A_NO_SERVER] = "no_server",
	[ILB_STATS_A_TABLE_FULL] = "table_full",
	[ILB_STATS_A_XMIT_ERR] = "xmit_err",
	[ILB_STATS_A_NO_CONN] = "no_conn",
	[ILB_STATS_A_EARLY_DROP] = "early_drop",
	[ILB_STATS_A_BAD_ACK] = "bad_ack",
	[ILB_STATS_A_PERSIST] = "persist",
	[ILB_STATS_A_PERSIST_FULL] = "persist_full",
	[ILB_STATS_A_OVERLOAD] = "overload",
};

int ilbadm_cnt_parse(struct nlattr *nest, struct ilbadm_cnt *c)
{
	struct nlattr *a[ILB_CNT_A_MAX + 1];

	if (nla_parse_nested(a, ILB_CNT_A_MAX, nest, cnt_policy) < 0)
		return -EPROTO;
	c->conns = ilbadm_nla_u64(a[ILB_CNT_A_CONNS]);
	c->pkts_in = ilbadm_nla_u64(a[ILB_CNT_A_PKTS_IN]);
	c->pkts_out = ilbadm_nla_u64(a[ILB_CNT_A_PKTS_OUT]);
	c->bytes_in = ilbadm_nla_u64(a[ILB_CNT_A_BYTES_IN]);
	c->bytes_out = ilbadm_nla_u64(a[ILB_CNT_A_BYTES_OUT]);
	return 0;
}

struct node_stats {
	bool has[ILB_STATS_A_MAX + 1];
	uint64_t v[ILB_STATS_A_MAX + 1];
	bool seen;
};

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_STATS_A_MAX + 1];
	struct node_stats *s = arg;
	int i;

	if (!tb[ILB_A_STATS] ||
	    nla_parse_nested(a, ILB_STATS_A_MAX, tb[ILB_A_STATS],
			     stats_policy) < 0)
		return -EPROTO;
	for (i = 0; i <= ILB_STATS_A_MAX; i++) {
		if (!stats_names[i] || !a[i])
			continue;
		s->has[i] = true;
		s->v[i] = nla_get_u64(a[i]);
	}
	s->seen = true;
	return 0;
}

int ilbadm_stats(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	struct node_stats s;
	struct ilbadm_nlerr e;
	struct ilbadm_json j;
	struct nl_msg *m;
	int i;

	(void)c;
	memset(&s, 0, sizeof(s));
	m = ilbadm_nl_msg(nl, ILB_CMD_STATS_GET, false);
	if (!m) {
		fprintf(stderr, "ilbadm: %sstats show: %s\n",
			ilbadm_err_prefix, strerror(ENOMEM));
		return ILBADM_ERR;
	}
	if (ilbadm_nl_run(nl, m, stats_reply, &s, &e) ||
	    (!s.seen && (e.err = EPROTO))) {
		ilbadm_nl_perror("stats show", ILBADM_WHAT_OTHER, &e);
		return ILBADM_ERR;
	}
	if (ilbadm_opts.json) {
		ilbadm_json_init(&j, stdout);
		ilbadm_json_obj_open(&j);
	}
	for (i = 0; i <= ILB_STATS_A_MAX; i++) {
		if (!s.has[i])
			continue;
		if (ilbadm_opts.json)
			ilbadm_json_kv_uint(&j, stats_names[i], s.v[i]);
		else
			printf("%s %" PRIu64 "\n", stats_names[i], s.v[i]);
	}
	if (ilbadm_opts.json) {
		ilbadm_json_obj_close(&j);
		ilbadm_json_end(&j);
	}
	return ILBADM_OK;
}
