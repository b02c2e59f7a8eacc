// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm timeout set|show: connection idle timeouts, in seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy timeout_policy[ILB_TIMEOUT_A_MAX + 1] = {
	[ILB_TIMEOUT_A_TCP] = { .type = NLA_U32 },
	[ILB_TIMEOUT_A_TCP_FIN] = { .type = NLA_U32 },
	[ILB_TIMEOUT_A_UDP] = { .type = NLA_U32 },
};

struct timeout_reply {
	struct ilbadm_timeouts *t;
	bool seen;
};

static int timeout_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_TIMEOUT_A_MAX + 1];
	struct timeout_reply *r = arg;
	struct ilbadm_timeouts *t = r->t;

	if (!tb[ILB_A_TIMEOUTS] ||
	    nla_parse_nested(a, ILB_TIMEOUT_A_MAX, tb[ILB_A_TIMEOUTS],
			     timeout_policy) < 0)
		return -EPROTO;
	t->has_tcp = a[ILB_TIMEOUT_A_TCP];
	t->tcp = t->has_tcp ? nla_get_u32(a[ILB_TIMEOUT_A_TCP]) : 0;
	t->has_tcpfin = a[ILB_TIMEOUT_A_TCP_FIN];
	t->tcpfin = t->has_tcpfin ? nla_get_u32(a[ILB_TIMEOUT_A_TCP_FIN]) : 0;
	t->has_udp = a[ILB_TIMEOUT_A_UDP];
	t->udp = t->has_udp ? nla_get_u32(a[ILB_TIMEOUT_A_UDP]) : 0;
	r->seen = true;
	return 0;
}

int ilbadm_timeout_get(struct ilbadm_nl *nl, struct ilbadm_timeouts *t,
		       struct ilbadm_nlerr *e)
{
	struct timeout_reply r = { .t = t };
	struct nl_msg *m;

	memset(t, 0, sizeof(*t));
	m = ilbadm_nl_msg(nl, ILB_CMD_TIMEOUT_GET, false);
	if (!m) {
		memset(e, 0, sizeof(*e));
		e->err = ENOMEM;
		e->miss_type = -1;
		return -1;
	}
	if (ilbadm_nl_run(nl, m, timeout_reply, &r, e))
		return -1;
	if (!r.seen) {
		e->err = EPROTO;
		return -1;
	}
	return 0;
}

static int show(struct ilbadm_nl *nl)
{
	struct ilbadm_timeouts t;
	struct ilbadm_nlerr e;
	struct ilbadm_json j;
	const char *sep = "";

	if (ilbadm_timeout_get(nl, &t, &e)) {
		ilbadm_nl_perror("timeout show", ILBADM_WHAT_OTHER, &e);
		return ILBADM_ERR;
	}
	if (ilbadm_opts.json) {
		ilbadm_json_init(&j, stdout);
		ilbadm_json_obj_open(&j);
		if (t.has_tcp)
			ilbadm_json_kv_uint(&j, "tcp", t.tcp);
		if (t.has_tcpfin)
			ilbadm_json_kv_uint(&j, "tcpfin", t.tcpfin);
		if (t.has_udp)
			ilbadm_json_kv_uint(&j, "udp", t.udp);
		ilbadm_json_obj_close(&j);
		ilbadm_json_end(&j);
		return ILBADM_OK;
	}
	if (t.has_tcp) {
		printf("tcp %u", t.tcp);
		sep = " ";
	}
	if (t.has_tcpfin) {
		printf("%stcpfin %u", sep, t.tcpfin);
		sep = " ";
	}
	if (t.has_udp)
		printf("%sudp %u", sep, t.udp);
	putchar('\n');
	return ILBADM_OK;
}

static int set(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	struct ilbadm_nlerr e;
	struct nlattr *n = NULL;
	struct nl_msg *m;

	m = ilbadm_nl_msg(nl, ILB_CMD_TIMEOUT_SET, false);
	if (m)
		n = nla_nest_start(m, ILB_A_TIMEOUTS | NLA_F_NESTED);
	if (!n || (c->has_tcp && nla_put_u32(m, ILB_TIMEOUT_A_TCP, c->tcp)) ||
	    (c->has_tcpfin &&
	     nla_put_u32(m, ILB_TIMEOUT_A_TCP_FIN, c->tcpfin)) ||
	    (c->has_udp && nla_put_u32(m, ILB_TIMEOUT_A_UDP, c->udp))) {
		nlmsg_free(m);
		fprintf(stderr, "ilbadm: %stimeout set: %s\n",
			ilbadm_err_prefix, strerror(ENOMEM));
		return ILBADM_ERR;
	}
	nla_nest_end(m, n);
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e)) {
		ilbadm_nl_perror("timeout set", ILBADM_WHAT_OTHER, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}

int ilbadm_timeout(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	return c->verb == ILBADM_VERB_SHOW ? show(nl) : set(nl, c);
}
