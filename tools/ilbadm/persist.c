// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm persist show|flush: the persistence records, streamed as the dump
 * arrives, and their removal.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy pst_policy[ILB_PST_A_MAX + 1] = {
	[ILB_PST_A_PROTO] = { .type = NLA_U8 },
	[ILB_PST_A_CADDR] = { .type = NLA_U32 },
	[ILB_PST_A_NETMASK] = { .type = NLA_U8 },
	[ILB_PST_A_VADDR] = { .type = NLA_U32 },
	[ILB_PST_A_GROUP] = { .type = NLA_U16 },
	[ILB_PST_A_RADDR] = { .type = NLA_U32 },
	[ILB_PST_A_EXPIRES] = { .type = NLA_U32 },
	[ILB_PST_A_CONNS] = { .type = NLA_U32 },
	[ILB_PST_A_ROLE] = { .type = NLA_U8 },
	[ILB_PST_A_PRIMARY] = { .type = NLA_U32 },
	[ILB_PST_A_BACKUP] = { .type = NLA_U32 },
};

static const int pst_required[] = {
	ILB_PST_A_PROTO, ILB_PST_A_CADDR, ILB_PST_A_NETMASK, ILB_PST_A_VADDR,
	ILB_PST_A_GROUP, ILB_PST_A_RADDR, ILB_PST_A_EXPIRES, ILB_PST_A_CONNS,
};

static uint32_t u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static void pst_json(struct ilbadm_json *j, struct nlattr **a)
{
	char buf[INET_ADDRSTRLEN + 4], n[12];
	uint8_t proto = nla_get_u8(a[ILB_PST_A_PROTO]);
	uint8_t v;

	ilbadm_json_obj_open(j);
	ilbadm_json_kv_str(j, "proto",
			   ilbadm_name_or_num(ilbadm_proto_name(proto), proto,
					      n));
	ilbadm_json_kv_str(j, "client",
			   ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_CADDR]),
					   buf, sizeof(buf)));
	ilbadm_json_kv_uint(j, "netmask", nla_get_u8(a[ILB_PST_A_NETMASK]));
	ilbadm_json_kv_str(j, "vip",
			   ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_VADDR]),
					   buf, sizeof(buf)));
	ilbadm_json_kv_uint(j, "group", ntohs(nla_get_u16(a[ILB_PST_A_GROUP])));
	ilbadm_json_kv_str(j, "server",
			   ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_RADDR]),
					   buf, sizeof(buf)));
	ilbadm_json_kv_uint(j, "conns", nla_get_u32(a[ILB_PST_A_CONNS]));
	ilbadm_json_kv_uint(j, "expires_ms", nla_get_u32(a[ILB_PST_A_EXPIRES]));
	if (a[ILB_PST_A_ROLE]) {
		v = nla_get_u8(a[ILB_PST_A_ROLE]);
		ilbadm_json_kv_str(j, "role",
				   ilbadm_name_or_num(ilbadm_role_name(v), v, n));
		ilbadm_json_kv_uint(j, "primary", u32_or0(a[ILB_PST_A_PRIMARY]));
		ilbadm_json_kv_uint(j, "backup", u32_or0(a[ILB_PST_A_BACKUP]));
	}
	ilbadm_json_obj_close(j);
}

static void pst_plain(struct nlattr **a)
{
	char c[INET_ADDRSTRLEN], vip[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	uint8_t proto = nla_get_u8(a[ILB_PST_A_PROTO]);
	char n[12], o1[12], o2[12];
	uint32_t ms = nla_get_u32(a[ILB_PST_A_EXPIRES]);
	uint32_t id;
	uint8_t v;

	printf("%s  %s/%u -> %s group %u -> %s  conns %u",
	       ilbadm_name_or_num(ilbadm_proto_name(proto), proto, n),
	       ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_CADDR]), c, sizeof(c)),
	       nla_get_u8(a[ILB_PST_A_NETMASK]),
	       ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_VADDR]), vip,
			       sizeof(vip)),
	       ntohs(nla_get_u16(a[ILB_PST_A_GROUP])),
	       ilbadm_fmt_ipv4(nla_get_u32(a[ILB_PST_A_RADDR]), r, sizeof(r)),
	       nla_get_u32(a[ILB_PST_A_CONNS]));
	/* while connections use it, its timeout has not started */
	if (nla_get_u32(a[ILB_PST_A_CONNS]))
		printf("  expires -");
	else
		printf("  expires %u.%us", ms / 1000, ms % 1000 / 100);
	if (a[ILB_PST_A_ROLE]) {
		v = nla_get_u8(a[ILB_PST_A_ROLE]);
		id = u32_or0(a[ILB_PST_A_PRIMARY]);
		snprintf(o1, sizeof(o1), "%s", id ? "" : "-");
		if (id)
			ilbadm_name_or_num(NULL, id, o1);
		id = u32_or0(a[ILB_PST_A_BACKUP]);
		snprintf(o2, sizeof(o2), "%s", id ? "" : "-");
		if (id)
			ilbadm_name_or_num(NULL, id, o2);
		printf("  role %s  owners %s/%s",
		       ilbadm_name_or_num(ilbadm_role_name(v), v, n), o1, o2);
	}
	putchar('\n');
}

static int pst_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_PST_A_MAX + 1];
	struct ilbadm_json *j = arg;
	size_t i;

	if (!tb[ILB_A_PERSIST] ||
	    nla_parse_nested(a, ILB_PST_A_MAX, tb[ILB_A_PERSIST],
			     pst_policy) < 0)
		return -EPROTO;
	for (i = 0; i < sizeof(pst_required) / sizeof(pst_required[0]); i++)
		if (!a[pst_required[i]])
			return -EPROTO;
	if (j)
		pst_json(j, a);
	else
		pst_plain(a);
	return 0;
}

int ilbadm_persist(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	if (c->verb == ILBADM_VERB_SHOW)
		return ilbadm_dump_list(nl, c, ILB_CMD_PERSIST_GET, true,
					pst_reply);
	return ilbadm_dump_list(nl, c, ILB_CMD_PERSIST_FLUSH, false, NULL);
}
