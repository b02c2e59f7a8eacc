// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm conn show: the connection table, streamed as the dump arrives.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy conn_policy[ILB_CONN_A_MAX + 1] = {
	[ILB_CONN_A_PROTO] = { .type = NLA_U8 },
	[ILB_CONN_A_CADDR] = { .type = NLA_U32 },
	[ILB_CONN_A_CPORT] = { .type = NLA_U16 },
	[ILB_CONN_A_VADDR] = { .type = NLA_U32 },
	[ILB_CONN_A_VPORT] = { .type = NLA_U16 },
	[ILB_CONN_A_RADDR] = { .type = NLA_U32 },
	[ILB_CONN_A_RPORT] = { .type = NLA_U16 },
	[ILB_CONN_A_FWD] = { .type = NLA_U8 },
	[ILB_CONN_A_STATE] = { .type = NLA_U8 },
	[ILB_CONN_A_EXPIRES] = { .type = NLA_U32 },
	[ILB_CONN_A_ROLE] = { .type = NLA_U8 },
	[ILB_CONN_A_PRIMARY] = { .type = NLA_U32 },
	[ILB_CONN_A_BACKUP] = { .type = NLA_U32 },
};

static const int conn_required[] = {
	ILB_CONN_A_PROTO, ILB_CONN_A_CADDR, ILB_CONN_A_CPORT,
	ILB_CONN_A_VADDR, ILB_CONN_A_VPORT, ILB_CONN_A_RADDR,
	ILB_CONN_A_RPORT,
};

static uint16_t port_of(struct nlattr *a)
{
	return ntohs(nla_get_u16(a));
}

/* A member ID, "-" for none (0 or not sent); buf of 12 bytes. */
static const char *owner_str(struct nlattr *a, char *buf)
{
	uint32_t id = a ? nla_get_u32(a) : 0;

	return id ? ilbadm_name_or_num(NULL, id, buf) : "-";
}

static void conn_json(struct ilbadm_json *j, struct nlattr **a)
{
	char buf[ILBADM_ADDRPORT_LEN], n[12];
	uint8_t proto = nla_get_u8(a[ILB_CONN_A_PROTO]);
	uint8_t v;

	ilbadm_json_obj_open(j);
	ilbadm_json_kv_str(j, "proto",
			   ilbadm_name_or_num(ilbadm_proto_name(proto), proto,
					      n));
	ilbadm_json_kv_str(j, "client", ilbadm_fmt_addrport(
		nla_get_u32(a[ILB_CONN_A_CADDR]), port_of(a[ILB_CONN_A_CPORT]),
		proto, false, buf, sizeof(buf)));
	ilbadm_json_kv_str(j, "vip", ilbadm_fmt_addrport(
		nla_get_u32(a[ILB_CONN_A_VADDR]), port_of(a[ILB_CONN_A_VPORT]),
		proto, false, buf, sizeof(buf)));
	ilbadm_json_kv_str(j, "server", ilbadm_fmt_addrport(
		nla_get_u32(a[ILB_CONN_A_RADDR]), port_of(a[ILB_CONN_A_RPORT]),
		proto, false, buf, sizeof(buf)));
	if (a[ILB_CONN_A_FWD]) {
		v = nla_get_u8(a[ILB_CONN_A_FWD]);
		ilbadm_json_kv_str(j, "fwd",
				   ilbadm_name_or_num(ilbadm_fwd_name(v), v, n));
	}
	if (a[ILB_CONN_A_STATE]) {
		v = nla_get_u8(a[ILB_CONN_A_STATE]);
		ilbadm_json_kv_str(j, "state", ilbadm_name_or_num(
			ilbadm_conn_state_name(v), v, n));
	}
	if (a[ILB_CONN_A_EXPIRES])
		ilbadm_json_kv_uint(j, "expires_ms",
				    nla_get_u32(a[ILB_CONN_A_EXPIRES]));
	if (a[ILB_CONN_A_ROLE]) {
		v = nla_get_u8(a[ILB_CONN_A_ROLE]);
		ilbadm_json_kv_str(j, "role",
				   ilbadm_name_or_num(ilbadm_role_name(v), v, n));
	}
	if (a[ILB_CONN_A_PRIMARY])
		ilbadm_json_kv_uint(j, "primary",
				    nla_get_u32(a[ILB_CONN_A_PRIMARY]));
	if (a[ILB_CONN_A_BACKUP])
		ilbadm_json_kv_uint(j, "backup",
				    nla_get_u32(a[ILB_CONN_A_BACKUP]));
	ilbadm_json_obj_close(j);
}

static void conn_plain(struct nlattr **a)
{
	char c[ILBADM_ADDRPORT_LEN], vip[ILBADM_ADDRPORT_LEN];
	char r[ILBADM_ADDRPORT_LEN], n[12], o1[12], o2[12];
	uint8_t proto = nla_get_u8(a[ILB_CONN_A_PROTO]);
	bool names = !ilbadm_opts.numeric;
	uint32_t ms;
	uint8_t v;

	/* The client's port is ephemeral: never a service name. */
	ilbadm_fmt_addrport(nla_get_u32(a[ILB_CONN_A_CADDR]),
			    port_of(a[ILB_CONN_A_CPORT]), proto, false, c,
			    sizeof(c));
	ilbadm_fmt_addrport(nla_get_u32(a[ILB_CONN_A_VADDR]),
			    port_of(a[ILB_CONN_A_VPORT]), proto, names, vip,
			    sizeof(vip));
	ilbadm_fmt_addrport(nla_get_u32(a[ILB_CONN_A_RADDR]),
			    port_of(a[ILB_CONN_A_RPORT]), proto, names, r,
			    sizeof(r));
	printf("%s  %s -> %s -> %s",
	       ilbadm_name_or_num(ilbadm_proto_name(proto), proto, n), c, vip,
	       r);
	if (a[ILB_CONN_A_FWD]) {
		v = nla_get_u8(a[ILB_CONN_A_FWD]);
		printf("  fwd %s", ilbadm_name_or_num(ilbadm_fwd_name(v), v, n));
	}
	if (a[ILB_CONN_A_STATE]) {
		v = nla_get_u8(a[ILB_CONN_A_STATE]);
		printf("  state %s", ilbadm_name_or_num(
			ilbadm_conn_state_name(v), v, n));
	}
	if (a[ILB_CONN_A_EXPIRES]) {
		ms = nla_get_u32(a[ILB_CONN_A_EXPIRES]);
		printf("  expires %u.%us", ms / 1000, ms % 1000 / 100);
	}
	/* Cluster: what this node's entry is for, and the owners' IDs. */
	if (a[ILB_CONN_A_ROLE]) {
		v = nla_get_u8(a[ILB_CONN_A_ROLE]);
		printf("  role %s  owners %s/%s",
		       ilbadm_name_or_num(ilbadm_role_name(v), v, n),
		       owner_str(a[ILB_CONN_A_PRIMARY], o1),
		       owner_str(a[ILB_CONN_A_BACKUP], o2));
	}
	putchar('\n');
}

static int conn_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_CONN_A_MAX + 1];
	struct ilbadm_json *j = arg;
	size_t i;

	if (!tb[ILB_A_CONN] ||
	    nla_parse_nested(a, ILB_CONN_A_MAX, tb[ILB_A_CONN],
			     conn_policy) < 0)
		return -EPROTO;
	for (i = 0; i < sizeof(conn_required) / sizeof(conn_required[0]); i++)
		if (!a[conn_required[i]])
			return -EPROTO;
	if (j)
		conn_json(j, a);
	else
		conn_plain(a);
	return 0;
}

int ilbadm_dump_list(struct ilbadm_nl *nl, const struct ilbadm_cmd *c,
		     uint8_t cmd, bool dump, ilbadm_nl_handler h)
{
	struct ilbadm_json j, *jp = NULL;
	struct ilbadm_nlerr e;
	struct nlattr *n;
	struct nl_msg *m;
	char ctx[96], k[ILBADM_KEY_LEN];
	int r;

	snprintf(ctx, sizeof(ctx), "%s%s%s", ilbadm_cmd_name(c),
		 c->has_svc ? " " : "",
		 c->has_svc ? ilbadm_key_str(&c->svc, k, sizeof(k)) : "");
	m = ilbadm_nl_msg(nl, cmd, dump);
	if (m && c->has_svc) {
		n = ilbadm_nl_put_svc_key(m, &c->svc);
		if (n) {
			nla_nest_end(m, n);
		} else {
			nlmsg_free(m);
			m = NULL;
		}
	}
	if (!m) {
		fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
			strerror(ENOMEM));
		return ILBADM_ERR;
	}
	if (h && ilbadm_opts.json) {
		ilbadm_json_init(&j, stdout);
		ilbadm_json_arr_open(&j);
		jp = &j;
	}
	r = ilbadm_nl_run(nl, m, h, jp, &e);
	if (jp) {
		ilbadm_json_arr_close(&j);
		ilbadm_json_end(&j);
	}
	if (r) {
		fflush(stdout);
		ilbadm_nl_perror(ctx, c->has_svc ? ILBADM_WHAT_SERVICE :
				 ILBADM_WHAT_OTHER, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}

int ilbadm_conn(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	return ilbadm_dump_list(nl, c, ILB_CMD_CONN_GET, true, conn_reply);
}
