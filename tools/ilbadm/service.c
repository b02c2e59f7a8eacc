// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm service add|set|del|show, and flush.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy svc_policy[ILB_SVC_A_MAX + 1] = {
	[ILB_SVC_A_PROTO] = { .type = NLA_U8 },
	[ILB_SVC_A_ADDR] = { .type = NLA_U32 },
	[ILB_SVC_A_PORT] = { .type = NLA_U16 },
	[ILB_SVC_A_SCHED] = { .type = NLA_U8 },
	[ILB_SVC_A_FWD] = { .type = NLA_U8 },
	[ILB_SVC_A_NSERVERS] = { .type = NLA_U32 },
	[ILB_SVC_A_STATS] = { .type = NLA_NESTED },
	[ILB_SVC_A_PERSIST] = { .type = NLA_U32 },
	[ILB_SVC_A_NETMASK] = { .type = NLA_U8 },
	[ILB_SVC_A_GROUP] = { .type = NLA_U16 },
};

const char *ilbadm_key_str(const struct ilbadm_svc_key *k, char *buf,
			   size_t len)
{
	char a[ILBADM_ADDRPORT_LEN], p[12];

	snprintf(buf, len, "%s %s",
		 ilbadm_name_or_num(ilbadm_proto_name(k->proto), k->proto, p),
		 ilbadm_fmt_addrport(k->addr, k->port, k->proto, false, a,
				     sizeof(a)));
	return buf;
}

/* One ILB_A_SERVICE of a SERVICE_GET reply, appended to the list. */
static int svc_reply(struct nlattr **tb, void *arg)
{
	struct ilbadm_svc_list *l = arg;
	struct nlattr *a[ILB_SVC_A_MAX + 1];
	struct ilbadm_svc *s, *v;

	if (!tb[ILB_A_SERVICE] ||
	    nla_parse_nested(a, ILB_SVC_A_MAX, tb[ILB_A_SERVICE],
			     svc_policy) < 0 ||
	    !a[ILB_SVC_A_PROTO] || !a[ILB_SVC_A_ADDR] || !a[ILB_SVC_A_PORT])
		return -EPROTO;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	s = &l->v[l->n];
	memset(s, 0, sizeof(*s));
	s->key.proto = nla_get_u8(a[ILB_SVC_A_PROTO]);
	s->key.addr = nla_get_u32(a[ILB_SVC_A_ADDR]);
	s->key.port = ntohs(nla_get_u16(a[ILB_SVC_A_PORT]));
	s->sched = a[ILB_SVC_A_SCHED] ? nla_get_u8(a[ILB_SVC_A_SCHED]) :
					ILB_SCHED_RR;
	s->fwd = a[ILB_SVC_A_FWD] ? nla_get_u8(a[ILB_SVC_A_FWD]) : ILB_FWD_NAT;
	s->persist = a[ILB_SVC_A_PERSIST] ? nla_get_u32(a[ILB_SVC_A_PERSIST]) : 0;
	s->netmask = a[ILB_SVC_A_NETMASK] ? nla_get_u8(a[ILB_SVC_A_NETMASK]) : 32;
	s->group = a[ILB_SVC_A_GROUP] ? ntohs(nla_get_u16(a[ILB_SVC_A_GROUP])) :
					s->key.port;
	s->nservers = a[ILB_SVC_A_NSERVERS] ?
		      nla_get_u32(a[ILB_SVC_A_NSERVERS]) : UINT32_MAX;
	if (a[ILB_SVC_A_STATS] && ilbadm_cnt_parse(a[ILB_SVC_A_STATS], &s->st))
		return -EPROTO;
	l->n++;
	return 0;
}

static int svc_cmp(const void *x, const void *y)
{
	const struct ilbadm_svc_key *a = &((const struct ilbadm_svc *)x)->key;
	const struct ilbadm_svc_key *b = &((const struct ilbadm_svc *)y)->key;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->addr != b->addr)
		return ntohl(a->addr) < ntohl(b->addr) ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

void ilbadm_svc_list_free(struct ilbadm_svc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].srv);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ilbadm_svc_load(struct ilbadm_nl *nl, const struct ilbadm_svc_key *key,
		    struct ilbadm_svc_list *l, const char *ctx)
{
	struct ilbadm_nlerr e;
	struct nlattr *n;
	struct nl_msg *m;
	size_t i, j;

	memset(l, 0, sizeof(*l));
	m = ilbadm_nl_msg(nl, ILB_CMD_SERVICE_GET, !key);
	if (!m)
		goto nomem;
	if (key) {
		n = ilbadm_nl_put_svc_key(m, key);
		if (!n) {
			nlmsg_free(m);
			goto nomem;
		}
		nla_nest_end(m, n);
	}
	if (ilbadm_nl_run(nl, m, svc_reply, l, &e)) {
		ilbadm_nl_perror(ctx, key ? ILBADM_WHAT_SERVICE :
				 ILBADM_WHAT_OTHER, &e);
		goto fail;
	}
	qsort(l->v, l->n, sizeof(*l->v), svc_cmp);

	/* Servers of each; a service deleted meanwhile is left out. */
	for (i = 0; i < l->n; i++) {
		if (!ilbadm_srv_dump(nl, &l->v[i], &e))
			continue;
		if (!key && e.kernel && e.err == ENOENT) {
			l->v[i].gone = true;
			continue;
		}
		ilbadm_nl_perror(ctx, ILBADM_WHAT_SERVICE, &e);
		goto fail;
	}
	for (i = j = 0; i < l->n; i++) {
		if (l->v[i].gone)
			free(l->v[i].srv);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
	return ILBADM_OK;
nomem:
	fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
		strerror(ENOMEM));
fail:
	ilbadm_svc_list_free(l);
	return ILBADM_ERR;
}

/*
 * After a server's counts, only what there is to say, so that a line
 * without limits or a cluster is what it was: the cluster's counts when
 * they differ from the node's own, the limits when there is one, and
 * whether the server is at it.
 */
static void print_srv_extra(const struct ilbadm_srv *r)
{
	if (r->cl_active != r->active || r->cl_inactive != r->inactive)
		printf("  cluster-active %u  cluster-inactive %u", r->cl_active,
		       r->cl_inactive);
	if (r->max_conns) {
		printf("  max-conns %u", r->max_conns);
		if (r->min_conns)
			printf(" min-conns %u", r->min_conns);
	}
	if (r->overloaded)
		fputs("  overloaded", stdout);
}

static void print_plain(const struct ilbadm_svc *s)
{
	bool names = !ilbadm_opts.numeric;
	const struct ilbadm_srv *r;
	char a[ILBADM_ADDRPORT_LEN], n1[12], n2[12], n3[12];
	size_t i;

	printf("%s  %s  sched %s  fwd %s",
	       ilbadm_name_or_num(ilbadm_proto_name(s->key.proto),
				  s->key.proto, n1),
	       ilbadm_fmt_addrport(s->key.addr, s->key.port, s->key.proto,
				   names, a, sizeof(a)),
	       ilbadm_name_or_num(ilbadm_sched_name(s->sched), s->sched, n2),
	       ilbadm_name_or_num(ilbadm_fwd_name(s->fwd), s->fwd, n3));
	if (s->persist)
		printf("  persist %u netmask /%u group %u", s->persist,
		       s->netmask, s->group);
	printf("  servers %u\n",
	       s->nservers != UINT32_MAX ? s->nservers : (unsigned int)s->nsrv);
	if (ilbadm_opts.stats)
		ilbadm_print_cnt("     ", &s->st);
	for (i = 0; i < s->nsrv; i++) {
		r = &s->srv[i];
		printf("  -> %s  weight %u  fwd %s  state %s  active %u  inactive %u",
		       ilbadm_fmt_addrport(r->addr, r->port, s->key.proto,
					   names, a, sizeof(a)),
		       r->weight,
		       ilbadm_name_or_num(ilbadm_fwd_name(r->fwd), r->fwd, n1),
		       ilbadm_name_or_num(ilbadm_state_name(r->state),
					  r->state, n2),
		       r->active, r->inactive);
		print_srv_extra(r);
		putchar('\n');
		if (ilbadm_opts.stats)
			ilbadm_print_cnt("       ", &r->st);
	}
}

static void print_json(struct ilbadm_json *j, const struct ilbadm_svc *s)
{
	const struct ilbadm_srv *r;
	char a[INET_ADDRSTRLEN], n[12];
	size_t i;

	ilbadm_json_obj_open(j);
	ilbadm_json_kv_str(j, "proto",
			   ilbadm_name_or_num(ilbadm_proto_name(s->key.proto),
					      s->key.proto, n));
	ilbadm_json_kv_str(j, "vip", ilbadm_fmt_ipv4(s->key.addr, a,
						     sizeof(a)));
	ilbadm_json_kv_uint(j, "port", s->key.port);
	ilbadm_json_kv_str(j, "sched",
			   ilbadm_name_or_num(ilbadm_sched_name(s->sched),
					      s->sched, n));
	ilbadm_json_kv_str(j, "fwd", ilbadm_name_or_num(ilbadm_fwd_name(s->fwd),
							s->fwd, n));
	ilbadm_json_kv_uint(j, "persist", s->persist);
	ilbadm_json_kv_uint(j, "netmask", s->netmask);
	ilbadm_json_kv_uint(j, "group", s->group);
	ilbadm_json_key(j, "servers");
	ilbadm_json_arr_open(j);
	for (i = 0; i < s->nsrv; i++) {
		r = &s->srv[i];
		ilbadm_json_obj_open(j);
		ilbadm_json_kv_str(j, "addr", ilbadm_fmt_ipv4(r->addr, a,
							      sizeof(a)));
		ilbadm_json_kv_uint(j, "port", r->port);
		ilbadm_json_kv_uint(j, "weight", r->weight);
		ilbadm_json_kv_str(j, "fwd",
				   ilbadm_name_or_num(ilbadm_fwd_name(r->fwd),
						      r->fwd, n));
		ilbadm_json_kv_str(j, "state",
				   ilbadm_name_or_num(ilbadm_state_name(r->state),
						      r->state, n));
		ilbadm_json_kv_uint(j, "active", r->active);
		ilbadm_json_kv_uint(j, "inactive", r->inactive);
		ilbadm_json_kv_uint(j, "max_conns", r->max_conns);
		ilbadm_json_kv_uint(j, "min_conns", r->min_conns);
		ilbadm_json_kv_uint(j, "cl_active", r->cl_active);
		ilbadm_json_kv_uint(j, "cl_inactive", r->cl_inactive);
		ilbadm_json_kv_bool(j, "overloaded", r->overloaded);
		ilbadm_json_cnt(j, &r->st);
		ilbadm_json_obj_close(j);
	}
	ilbadm_json_arr_close(j);
	ilbadm_json_cnt(j, &s->st);
	ilbadm_json_obj_close(j);
}

static int show(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	struct ilbadm_svc_list l;
	struct ilbadm_json j;
	char ctx[96], k[ILBADM_KEY_LEN];
	size_t i;

	if (c->has_svc)
		snprintf(ctx, sizeof(ctx), "service %s",
			 ilbadm_key_str(&c->svc, k, sizeof(k)));
	else
		snprintf(ctx, sizeof(ctx), "service show");
	if (ilbadm_svc_load(nl, c->has_svc ? &c->svc : NULL, &l, ctx))
		return ILBADM_ERR;
	if (ilbadm_opts.json) {
		ilbadm_json_init(&j, stdout);
		ilbadm_json_arr_open(&j);
		for (i = 0; i < l.n; i++)
			print_json(&j, &l.v[i]);
		ilbadm_json_arr_close(&j);
		ilbadm_json_end(&j);
	} else {
		for (i = 0; i < l.n; i++)
			print_plain(&l.v[i]);
	}
	ilbadm_svc_list_free(&l);
	return ILBADM_OK;
}

static int change(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	static const uint8_t cmds[] = {
		[ILBADM_VERB_ADD] = ILB_CMD_SERVICE_NEW,
		[ILBADM_VERB_SET] = ILB_CMD_SERVICE_SET,
		[ILBADM_VERB_DEL] = ILB_CMD_SERVICE_DEL,
	};
	struct ilbadm_nlerr e;
	struct nlattr *n;
	struct nl_msg *m;
	char ctx[96], k[ILBADM_KEY_LEN];

	snprintf(ctx, sizeof(ctx), "service %s",
		 ilbadm_key_str(&c->svc, k, sizeof(k)));
	m = ilbadm_nl_msg(nl, cmds[c->verb], false);
	if (!m)
		goto nomem;
	n = ilbadm_nl_put_svc_key(m, &c->svc);
	if (!n || (c->has_sched &&
		   nla_put_u8(m, ILB_SVC_A_SCHED, c->sched)) ||
	    (c->has_fwd && nla_put_u8(m, ILB_SVC_A_FWD, c->fwd)) ||
	    (c->has_persist &&
	     nla_put_u32(m, ILB_SVC_A_PERSIST, c->persist)) ||
	    (c->has_netmask &&
	     nla_put_u8(m, ILB_SVC_A_NETMASK, c->netmask)) ||
	    (c->has_group &&
	     nla_put_u16(m, ILB_SVC_A_GROUP, htons(c->group)))) {
		nlmsg_free(m);
		goto nomem;
	}
	nla_nest_end(m, n);
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e)) {
		ilbadm_nl_perror(ctx, ILBADM_WHAT_SERVICE, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
nomem:
	fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
		strerror(ENOMEM));
	return ILBADM_ERR;
}

int ilbadm_service(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	if (c->verb == ILBADM_VERB_SHOW)
		return show(nl, c);
	return change(nl, c);
}

int ilbadm_flush(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	struct ilbadm_nlerr e;
	struct nl_msg *m;

	(void)c;
	m = ilbadm_nl_msg(nl, ILB_CMD_FLUSH, false);
	if (!m) {
		fprintf(stderr, "ilbadm: %sflush: %s\n", ilbadm_err_prefix,
			strerror(ENOMEM));
		return ILBADM_ERR;
	}
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e)) {
		ilbadm_nl_perror("flush", ILBADM_WHAT_OTHER, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}
