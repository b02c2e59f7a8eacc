// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm server add|set|del, and the SERVER_GET dump behind service show.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy srv_policy[ILB_SRV_A_MAX + 1] = {
	[ILB_SRV_A_ADDR] = { .type = NLA_U32 },
	[ILB_SRV_A_PORT] = { .type = NLA_U16 },
	[ILB_SRV_A_WEIGHT] = { .type = NLA_U32 },
	[ILB_SRV_A_FWD] = { .type = NLA_U8 },
	[ILB_SRV_A_STATE] = { .type = NLA_U8 },
	[ILB_SRV_A_ACTIVE] = { .type = NLA_U32 },
	[ILB_SRV_A_INACTIVE] = { .type = NLA_U32 },
	[ILB_SRV_A_STATS] = { .type = NLA_NESTED },
	[ILB_SRV_A_MAX_CONNS] = { .type = NLA_U32 },
	[ILB_SRV_A_MIN_CONNS] = { .type = NLA_U32 },
	[ILB_SRV_A_CL_ACTIVE] = { .type = NLA_U32 },
	[ILB_SRV_A_CL_INACTIVE] = { .type = NLA_U32 },
	[ILB_SRV_A_OVERLOADED] = { .type = NLA_U8 },
};

static uint32_t get_u32(struct nlattr *a, uint32_t def)
{
	return a ? nla_get_u32(a) : def;
}

static uint8_t get_u8(struct nlattr *a, uint8_t def)
{
	return a ? nla_get_u8(a) : def;
}

/* One reply of a SERVER_GET dump: ILB_A_SERVICE {key}, ILB_A_SERVER. */
static int srv_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_SRV_A_MAX + 1];
	struct ilbadm_svc *s = arg;
	struct ilbadm_srv *r, *v;

	if (!tb[ILB_A_SERVER] ||
	    nla_parse_nested(a, ILB_SRV_A_MAX, tb[ILB_A_SERVER],
			     srv_policy) < 0 ||
	    !a[ILB_SRV_A_ADDR] || !a[ILB_SRV_A_PORT])
		return -EPROTO;
	if (s->nsrv == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		v = realloc(s->srv, s->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->srv = v;
	}
	r = &s->srv[s->nsrv];
	memset(r, 0, sizeof(*r));
	r->addr = nla_get_u32(a[ILB_SRV_A_ADDR]);
	r->port = ntohs(nla_get_u16(a[ILB_SRV_A_PORT]));
	r->weight = get_u32(a[ILB_SRV_A_WEIGHT], 1);
	r->fwd = get_u8(a[ILB_SRV_A_FWD], s->fwd);
	r->state = get_u8(a[ILB_SRV_A_STATE], ILB_SERVER_UP);
	r->active = get_u32(a[ILB_SRV_A_ACTIVE], 0);
	r->inactive = get_u32(a[ILB_SRV_A_INACTIVE], 0);
	/* An older module has no limits: absent is 0, cluster = local. */
	r->max_conns = get_u32(a[ILB_SRV_A_MAX_CONNS], 0);
	r->min_conns = get_u32(a[ILB_SRV_A_MIN_CONNS], 0);
	r->cl_active = get_u32(a[ILB_SRV_A_CL_ACTIVE], r->active);
	r->cl_inactive = get_u32(a[ILB_SRV_A_CL_INACTIVE], r->inactive);
	r->overloaded = get_u8(a[ILB_SRV_A_OVERLOADED], 0) != 0;
	if (a[ILB_SRV_A_STATS] && ilbadm_cnt_parse(a[ILB_SRV_A_STATS], &r->st))
		return -EPROTO;
	s->nsrv++;
	return 0;
}

static int srv_cmp(const void *x, const void *y)
{
	const struct ilbadm_srv *a = x, *b = y;

	if (a->addr != b->addr)
		return ntohl(a->addr) < ntohl(b->addr) ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

int ilbadm_srv_dump(struct ilbadm_nl *nl, struct ilbadm_svc *s,
		    struct ilbadm_nlerr *e)
{
	struct nlattr *n;
	struct nl_msg *m;

	s->nsrv = 0;
	m = ilbadm_nl_msg(nl, ILB_CMD_SERVER_GET, true);
	n = m ? ilbadm_nl_put_svc_key(m, &s->key) : NULL;
	if (!n) {
		nlmsg_free(m);
		memset(e, 0, sizeof(*e));
		e->err = ENOMEM;
		e->miss_type = -1;
		return -1;
	}
	nla_nest_end(m, n);
	if (ilbadm_nl_run(nl, m, srv_reply, s, e))
		return -1;
	qsort(s->srv, s->nsrv, sizeof(*s->srv), srv_cmp);
	return 0;
}

/* ENOENT from server set/del: the server, or its service, is missing? */
static enum ilbadm_what which_missing(struct ilbadm_nl *nl,
				      const struct ilbadm_svc_key *k)
{
	struct ilbadm_nlerr e;
	struct nlattr *n;
	struct nl_msg *m;

	m = ilbadm_nl_msg(nl, ILB_CMD_SERVICE_GET, false);
	n = m ? ilbadm_nl_put_svc_key(m, k) : NULL;
	if (!n) {
		nlmsg_free(m);
		return ILBADM_WHAT_SERVER;
	}
	nla_nest_end(m, n);
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e) && e.kernel &&
	    e.err == ENOENT)
		return ILBADM_WHAT_SERVICE;
	return ILBADM_WHAT_SERVER;
}

int ilbadm_server(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	static const uint8_t cmds[] = {
		[ILBADM_VERB_ADD] = ILB_CMD_SERVER_NEW,
		[ILBADM_VERB_SET] = ILB_CMD_SERVER_SET,
		[ILBADM_VERB_DEL] = ILB_CMD_SERVER_DEL,
	};
	char ctx[160], a[ILBADM_ADDRPORT_LEN], k[ILBADM_KEY_LEN];
	enum ilbadm_what what;
	struct ilbadm_nlerr e;
	struct nlattr *n;
	struct nl_msg *m;

	snprintf(ctx, sizeof(ctx), "server %s %s",
		 ilbadm_key_str(&c->svc, k, sizeof(k)),
		 ilbadm_fmt_addrport(c->raddr, c->rport, c->svc.proto, false,
				     a, sizeof(a)));

	m = ilbadm_nl_msg(nl, cmds[c->verb], false);
	n = m ? ilbadm_nl_put_svc_key(m, &c->svc) : NULL;
	if (!n)
		goto nomem;
	nla_nest_end(m, n);
	n = nla_nest_start(m, ILB_A_SERVER | NLA_F_NESTED);
	if (!n || nla_put_u32(m, ILB_SRV_A_ADDR, c->raddr) ||
	    nla_put_u16(m, ILB_SRV_A_PORT, htons(c->rport)) ||
	    (c->has_weight &&
	     nla_put_u32(m, ILB_SRV_A_WEIGHT, c->weight)) ||
	    (c->has_fwd && nla_put_u8(m, ILB_SRV_A_FWD, c->fwd)) ||
	    (c->has_state && nla_put_u8(m, ILB_SRV_A_STATE, c->state)) ||
	    (c->has_max_conns &&
	     nla_put_u32(m, ILB_SRV_A_MAX_CONNS, c->max_conns)) ||
	    (c->has_min_conns &&
	     nla_put_u32(m, ILB_SRV_A_MIN_CONNS, c->min_conns)))
		goto nomem;
	nla_nest_end(m, n);
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e)) {
		what = ILBADM_WHAT_SERVICE;
		if (c->verb != ILBADM_VERB_ADD && e.kernel && e.err == ENOENT)
			what = which_missing(nl, &c->svc);
		ilbadm_nl_perror(ctx, what, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
nomem:
	nlmsg_free(m);
	fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
		strerror(ENOMEM));
	return ILBADM_ERR;
}
