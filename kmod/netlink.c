// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "ilb": configuration and inspection of the node
 * of the caller's network namespace. Every attribute is validated by a
 * strict policy; errors carry an extack message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "cluster.h"
#include "conn.h"
#include "hook.h"
#include "ilb.h"
#include "netlink.h"
#include "persist.h"
#include "service.h"

static struct netlink_range_validation ilb_persist_range __ro_after_init = {
	.max = ILB_PERSIST_MAX,
};

static const struct nla_policy ilb_svc_policy[ILB_SVC_A_MAX + 1] = {
	[ILB_SVC_A_PROTO] = { .type = NLA_U8 },
	[ILB_SVC_A_ADDR] = { .type = NLA_BE32 },
	[ILB_SVC_A_PORT] = { .type = NLA_BE16 },
	[ILB_SVC_A_SCHED] = NLA_POLICY_MAX(NLA_U8, __ILB_SCHED_MAX - 1),
	[ILB_SVC_A_FWD] = NLA_POLICY_MAX(NLA_U8, __ILB_FWD_MAX - 1),
	[ILB_SVC_A_NSERVERS] = { .type = NLA_REJECT },
	[ILB_SVC_A_STATS] = { .type = NLA_REJECT },
	[ILB_SVC_A_PAD] = { .type = NLA_REJECT },
	[ILB_SVC_A_PERSIST] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_persist_range),
	[ILB_SVC_A_NETMASK] = NLA_POLICY_RANGE(NLA_U8, 1, 32),
	[ILB_SVC_A_GROUP] = { .type = NLA_BE16 },
};

/* Limits beyond the s16 of NLA_POLICY_MAX need a range structure. */
static struct netlink_range_validation ilb_weight_range __ro_after_init = {
	.max = ILB_SERVER_WEIGHT_MAX,
};

static struct netlink_range_validation ilb_conns_range __ro_after_init = {
	.max = ILB_SERVER_CONNS_MAX,
};

static const struct nla_policy ilb_srv_policy[ILB_SRV_A_MAX + 1] = {
	[ILB_SRV_A_ADDR] = { .type = NLA_BE32 },
	[ILB_SRV_A_PORT] = { .type = NLA_BE16 },
	[ILB_SRV_A_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_weight_range),
	[ILB_SRV_A_FWD] = NLA_POLICY_MAX(NLA_U8, __ILB_FWD_MAX - 1),
	[ILB_SRV_A_STATE] = NLA_POLICY_MAX(NLA_U8, __ILB_SERVER_STATE_MAX - 1),
	[ILB_SRV_A_ACTIVE] = { .type = NLA_REJECT },
	[ILB_SRV_A_INACTIVE] = { .type = NLA_REJECT },
	[ILB_SRV_A_STATS] = { .type = NLA_REJECT },
	[ILB_SRV_A_PAD] = { .type = NLA_REJECT },
	[ILB_SRV_A_MAX_CONNS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_conns_range),
	[ILB_SRV_A_MIN_CONNS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_conns_range),
	[ILB_SRV_A_CL_ACTIVE] = { .type = NLA_REJECT },
	[ILB_SRV_A_CL_INACTIVE] = { .type = NLA_REJECT },
	[ILB_SRV_A_OVERLOADED] = { .type = NLA_REJECT },
};

static struct netlink_range_validation ilb_timeout_range __ro_after_init = {
	.min = 1,
	.max = ILB_TIMEOUT_MAX,
};

static const struct nla_policy ilb_timeout_policy[ILB_TIMEOUT_A_MAX + 1] = {
	[ILB_TIMEOUT_A_TCP] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_timeout_range),
	[ILB_TIMEOUT_A_TCP_FIN] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_timeout_range),
	[ILB_TIMEOUT_A_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_timeout_range),
};

static const struct nla_policy ilb_policy[ILB_A_MAX + 1] = {
	[ILB_A_SERVICE] = NLA_POLICY_NESTED(ilb_svc_policy),
	[ILB_A_SERVER] = NLA_POLICY_NESTED(ilb_srv_policy),
	[ILB_A_CONN] = { .type = NLA_REJECT },
	[ILB_A_STATS] = { .type = NLA_REJECT },
	[ILB_A_TIMEOUTS] = NLA_POLICY_NESTED(ilb_timeout_policy),
	[ILB_A_PAD] = { .type = NLA_REJECT },
	[ILB_A_CLUSTER] = NLA_POLICY_NESTED(ilb_cl_policy),
	[ILB_A_PERSIST] = { .type = NLA_REJECT },
};

struct genl_family ilb_genl_family;

int ilb_parse_service(struct nlattr **attrs, struct ilb_svc_key *k,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ILB_SVC_A_MAX + 1];
	struct nlattr *nest = attrs[ILB_A_SERVICE];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "missing service (ILB_A_SERVICE)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ILB_SVC_A_MAX, nest, ilb_svc_policy, extack);
	if (err)
		return err;
	if (!tb[ILB_SVC_A_PROTO] || !tb[ILB_SVC_A_ADDR] || !tb[ILB_SVC_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service needs protocol, address and port");
		return -EINVAL;
	}
	k->proto = nla_get_u8(tb[ILB_SVC_A_PROTO]);
	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_SVC_A_PROTO],
				    "protocol must be TCP or UDP");
		return -EINVAL;
	}
	k->addr = nla_get_be32(tb[ILB_SVC_A_ADDR]);
	if (ipv4_is_zeronet(k->addr) || ipv4_is_multicast(k->addr) ||
	    ipv4_is_lbcast(k->addr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_SVC_A_ADDR],
				    "not a unicast address");
		return -EINVAL;
	}
	k->port = nla_get_be16(tb[ILB_SVC_A_PORT]);
	if (!k->port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_SVC_A_PORT], "port 0");
		return -EINVAL;
	}
	k->sched = tb[ILB_SVC_A_SCHED] ? nla_get_u8(tb[ILB_SVC_A_SCHED]) : -1;
	k->fwd = tb[ILB_SVC_A_FWD] ? nla_get_u8(tb[ILB_SVC_A_FWD]) : -1;
	k->persist = tb[ILB_SVC_A_PERSIST] ?
		(s64)nla_get_u32(tb[ILB_SVC_A_PERSIST]) : -1;
	k->plen = tb[ILB_SVC_A_NETMASK] ? nla_get_u8(tb[ILB_SVC_A_NETMASK]) : -1;
	k->group = -1;
	if (tb[ILB_SVC_A_GROUP]) {
		k->group = nla_get_be16(tb[ILB_SVC_A_GROUP]);
		if (!k->group) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ILB_SVC_A_GROUP],
					    "persistence group 0");
			return -EINVAL;
		}
	}
	return 0;
}

/* Find the request's service; call with cfg_lock held. */
static struct ilb_service *ilb_get_service(struct ilb_net *in,
					   struct genl_info *info,
					   struct ilb_svc_key *k)
{
	struct ilb_service *svc;
	int err;

	err = ilb_parse_service(info->attrs, k, info->extack);
	if (err)
		return ERR_PTR(err);
	svc = ilb_service_find(in, k->proto, k->addr, k->port, NULL);
	if (!svc) {
		NL_SET_ERR_MSG(info->extack, "no such service");
		return ERR_PTR(-ENOENT);
	}
	return svc;
}

static int ilb_put_tcnt(struct sk_buff *skb, int type,
			struct ilb_pcpu_tcnt __percpu *pc)
{
	static const int map[__ILB_TC_MAX] = {
		[ILB_TC_CONNS] = ILB_CNT_A_CONNS,
		[ILB_TC_PKTS_IN] = ILB_CNT_A_PKTS_IN,
		[ILB_TC_PKTS_OUT] = ILB_CNT_A_PKTS_OUT,
		[ILB_TC_BYTES_IN] = ILB_CNT_A_BYTES_IN,
		[ILB_TC_BYTES_OUT] = ILB_CNT_A_BYTES_OUT,
	};
	u64 v[__ILB_TC_MAX];
	struct nlattr *nest;
	int i;

	ilb_tcnt_sum(pc, v);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __ILB_TC_MAX; i++)
		if (nla_put_u64_64bit(skb, map[i], v[i], ILB_CNT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ilb_put_svc_key(struct sk_buff *skb, const struct ilb_service *svc)
{
	if (nla_put_u8(skb, ILB_SVC_A_PROTO, svc->proto) ||
	    nla_put_be32(skb, ILB_SVC_A_ADDR, svc->addr) ||
	    nla_put_be16(skb, ILB_SVC_A_PORT, svc->port))
		return -EMSGSIZE;
	return 0;
}

static int ilb_fill_service(struct sk_buff *skb, struct ilb_service *svc,
			    u32 portid, u32 seq, int flags)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ilb_genl_family, flags,
			  ILB_CMD_SERVICE_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, ILB_A_SERVICE);
	if (!nest || ilb_put_svc_key(skb, svc) ||
	    nla_put_u8(skb, ILB_SVC_A_SCHED, READ_ONCE(svc->sched)) ||
	    nla_put_u8(skb, ILB_SVC_A_FWD, READ_ONCE(svc->fwd)) ||
	    nla_put_u32(skb, ILB_SVC_A_NSERVERS, READ_ONCE(svc->nservers)) ||
	    nla_put_u32(skb, ILB_SVC_A_PERSIST, READ_ONCE(svc->persist)) ||
	    nla_put_u8(skb, ILB_SVC_A_NETMASK, READ_ONCE(svc->plen)) ||
	    nla_put_be16(skb, ILB_SVC_A_GROUP, READ_ONCE(svc->group)) ||
	    ilb_put_tcnt(skb, ILB_SVC_A_STATS, svc->cnt))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int ilb_fill_server(struct sk_buff *skb, struct ilb_server *srv,
			   u32 portid, u32 seq, int flags)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ilb_genl_family, flags,
			  ILB_CMD_SERVER_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, ILB_A_SERVICE);
	if (!nest || ilb_put_svc_key(skb, srv->svc))
		goto cancel;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, ILB_A_SERVER);
	if (!nest ||
	    nla_put_be32(skb, ILB_SRV_A_ADDR, srv->addr) ||
	    nla_put_be16(skb, ILB_SRV_A_PORT, srv->port) ||
	    nla_put_u32(skb, ILB_SRV_A_WEIGHT, READ_ONCE(srv->weight)) ||
	    nla_put_u8(skb, ILB_SRV_A_FWD, READ_ONCE(srv->fwd)) ||
	    nla_put_u8(skb, ILB_SRV_A_STATE, READ_ONCE(srv->state)) ||
	    nla_put_u32(skb, ILB_SRV_A_ACTIVE, atomic_read(&srv->active)) ||
	    nla_put_u32(skb, ILB_SRV_A_INACTIVE, atomic_read(&srv->inactive)) ||
	    nla_put_u32(skb, ILB_SRV_A_MAX_CONNS, READ_ONCE(srv->max_conns)) ||
	    nla_put_u32(skb, ILB_SRV_A_MIN_CONNS, READ_ONCE(srv->min_conns)) ||
	    nla_put_u32(skb, ILB_SRV_A_CL_ACTIVE, ilb_server_cl_active(srv)) ||
	    nla_put_u32(skb, ILB_SRV_A_CL_INACTIVE,
			ilb_server_cl_inactive(srv)) ||
	    nla_put_u8(skb, ILB_SRV_A_OVERLOADED,
		       test_bit(ILB_SRV_F_OVERLOAD, &srv->flags)) ||
	    ilb_put_tcnt(skb, ILB_SRV_A_STATS, srv->cnt))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int ilb_service_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_service *svc;
	struct ilb_svc_key k;
	int err;

	err = ilb_parse_service(info->attrs, &k, info->extack);
	if (err)
		return err;
	mutex_lock(&in->cfg_lock);
	if (ilb_service_find(in, k.proto, k.addr, k.port, NULL)) {
		NL_SET_ERR_MSG(info->extack, "service exists");
		err = -EEXIST;
		goto out;
	}
	if (in->nservices >= READ_ONCE(ilb_service_max)) {
		NL_SET_ERR_MSG(info->extack,
			       "the namespace has service_max services already");
		err = -ENOSPC;
		goto out;
	}
	svc = ilb_service_add(in, k.proto, k.addr, k.port,
			      k.sched < 0 ? ILB_SCHED_RR : k.sched,
			      k.fwd < 0 ? ILB_FWD_NAT : k.fwd);
	err = PTR_ERR_OR_ZERO(svc);
	if (!err) {
		err = ilb_persist_configure(svc, k.persist, k.plen, k.group,
					    info->extack);
		if (err)
			ilb_service_del(svc);
	}
	if (!err) {
		err = ilb_hook_sync(in);
		if (err) {
			NL_SET_ERR_MSG(info->extack,
				       "cannot register the netfilter hooks");
			ilb_service_del(svc);
		}
	}
out:
	mutex_unlock(&in->cfg_lock);
	return err;
}

static int ilb_service_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_service *svc;
	struct ilb_cluster *cl;
	struct ilb_svc_key k;
	u64 old, now;
	int err;

	mutex_lock(&in->cfg_lock);
	svc = ilb_get_service(in, info, &k);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	/* checked first: it may refuse, the scheduler change may not */
	old = svc->persist ? (u64)svc->plen << 16 | svc->group : 0;
	err = ilb_persist_configure(svc, k.persist, k.plen, k.group,
				    info->extack);
	now = svc->persist ? (u64)svc->plen << 16 | svc->group : 0;
	cl = rcu_dereference_protected(in->cl, lockdep_is_held(&in->cfg_lock));
	/* its connections' owners changed: they move as in a view change */
	if (!err && old != now && cl)
		ilb_cluster_rewalk(cl);
	if (!err)
		err = ilb_service_set(svc, k.sched, k.fwd);
out:
	mutex_unlock(&in->cfg_lock);
	return err;
}

static int ilb_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_service *svc;
	struct ilb_svc_key k;
	int err = 0;

	mutex_lock(&in->cfg_lock);
	svc = ilb_get_service(in, info, &k);
	if (IS_ERR(svc))
		err = PTR_ERR(svc);
	else
		ilb_service_del(svc);
	ilb_hook_sync(in);
	mutex_unlock(&in->cfg_lock);
	return err;
}

static int ilb_service_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_service *svc;
	struct ilb_svc_key k;
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&in->cfg_lock);
	svc = ilb_get_service(in, info, &k);
	err = IS_ERR(svc) ? PTR_ERR(svc) :
		ilb_fill_service(msg, svc, info->snd_portid, info->snd_seq, 0);
	mutex_unlock(&in->cfg_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Dumps walk the service table: args[0] = bucket, args[1] = index in it. */
static int ilb_service_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct ilb_net *in = ilb_pernet(sock_net(skb->sk));
	unsigned int b, i;
	struct ilb_service *svc;

	mutex_lock(&in->cfg_lock);
	for (b = cb->args[0]; b < ARRAY_SIZE(in->svc_table); b++) {
		i = 0;
		hlist_for_each_entry(svc, &in->svc_table[b], hnode) {
			if (i++ < cb->args[1])
				continue;
			if (ilb_fill_service(skb, svc, NETLINK_CB(cb->skb).portid,
					     cb->nlh->nlmsg_seq, NLM_F_MULTI))
				goto out;
			cb->args[1] = i;
		}
		cb->args[1] = 0;
	}
out:
	cb->args[0] = b;
	mutex_unlock(&in->cfg_lock);
	return skb->len;
}

struct ilb_srv_req {
	__be32 addr;
	__be16 port;
	s64 weight;
	s64 max_conns, min_conns;	/* -1: absent */
	int fwd, state;
	struct nlattr *limit;		/* for extack */
};

static int ilb_parse_server(struct genl_info *info, struct ilb_service *svc,
			    struct ilb_srv_req *r)
{
	struct nlattr *tb[ILB_SRV_A_MAX + 1];
	struct nlattr *nest = info->attrs[ILB_A_SERVER];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing server (ILB_A_SERVER)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ILB_SRV_A_MAX, nest, ilb_srv_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[ILB_SRV_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "server needs an address");
		return -EINVAL;
	}
	r->addr = nla_get_be32(tb[ILB_SRV_A_ADDR]);
	if (ipv4_is_zeronet(r->addr) || ipv4_is_multicast(r->addr) ||
	    ipv4_is_lbcast(r->addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ILB_SRV_A_ADDR],
				    "not a unicast address");
		return -EINVAL;
	}
	r->port = tb[ILB_SRV_A_PORT] ? nla_get_be16(tb[ILB_SRV_A_PORT]) :
				       svc->port;
	if (!r->port) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ILB_SRV_A_PORT], "port 0");
		return -EINVAL;
	}
	r->weight = tb[ILB_SRV_A_WEIGHT] ?
		    (s64)nla_get_u32(tb[ILB_SRV_A_WEIGHT]) : -1;
	r->fwd = tb[ILB_SRV_A_FWD] ? nla_get_u8(tb[ILB_SRV_A_FWD]) : -1;
	r->state = tb[ILB_SRV_A_STATE] ? nla_get_u8(tb[ILB_SRV_A_STATE]) : -1;
	r->max_conns = tb[ILB_SRV_A_MAX_CONNS] ?
		       (s64)nla_get_u32(tb[ILB_SRV_A_MAX_CONNS]) : -1;
	r->min_conns = tb[ILB_SRV_A_MIN_CONNS] ?
		       (s64)nla_get_u32(tb[ILB_SRV_A_MIN_CONNS]) : -1;
	r->limit = tb[ILB_SRV_A_MIN_CONNS] ?: tb[ILB_SRV_A_MAX_CONNS];
	if (r->fwd == ILB_FWD_DR && r->port != svc->port) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ILB_SRV_A_PORT],
				    "direct routing cannot change the port");
		return -EINVAL;
	}
	return 0;
}

static int ilb_server_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	struct ilb_service *svc;
	struct ilb_server *srv;
	struct ilb_srv_req r;
	struct ilb_svc_key k;
	int err;

	mutex_lock(&in->cfg_lock);
	svc = ilb_get_service(in, info, &k);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	err = ilb_parse_server(info, svc, &r);
	if (err)
		goto out;
	srv = ilb_server_find(svc, r.addr, r.port);
	if (cmd != ILB_CMD_SERVER_DEL) {
		/* the limits the server would have */
		s64 max = r.max_conns >= 0 ? r.max_conns :
			  srv ? srv->max_conns : 0;
		s64 min = r.min_conns >= 0 ? r.min_conns :
			  srv ? srv->min_conns : 0;

		if (max && min >= max) {
			NL_SET_ERR_MSG_ATTR(info->extack, r.limit,
					    "min-conns must be below max-conns");
			err = -ERANGE;
			goto out;
		}
	}
	if (cmd == ILB_CMD_SERVER_NEW) {
		if (srv) {
			NL_SET_ERR_MSG(info->extack, "server exists");
			err = -EEXIST;
			goto out;
		}
		if (r.fwd < 0 && svc->fwd == ILB_FWD_DR && r.port != svc->port) {
			NL_SET_ERR_MSG(info->extack,
				       "direct routing cannot change the port");
			err = -EINVAL;
			goto out;
		}
		if (in->nservers >= READ_ONCE(ilb_server_max)) {
			NL_SET_ERR_MSG(info->extack,
				       "the namespace has server_max servers already");
			err = -ENOSPC;
			goto out;
		}
		srv = ilb_server_add(svc, r.addr, r.port,
				     r.weight < 0 ? 1 : r.weight,
				     r.fwd < 0 ? svc->fwd : r.fwd,
				     r.state < 0 ? ILB_SERVER_UP : r.state);
		err = PTR_ERR_OR_ZERO(srv);
		if (!err)
			err = ilb_server_set_limits(srv, r.max_conns,
						    r.min_conns);
		goto out;
	}
	if (!srv) {
		NL_SET_ERR_MSG(info->extack, "no such server");
		err = -ENOENT;
		goto out;
	}
	if (cmd == ILB_CMD_SERVER_DEL)
		ilb_server_del(srv);
	else
		err = ilb_server_set(srv, r.weight, r.fwd, r.state) ?:
		      ilb_server_set_limits(srv, r.max_conns, r.min_conns);
out:
	mutex_unlock(&in->cfg_lock);
	return err;
}

/*
 * A dump request's attributes, parsed from the request against the family's
 * policy: the copy that genetlink keeps for dumps moved between kernel lines
 * (struct genl_dumpit_info, 6.2), this reads the same on all of them.
 */
int ilb_dump_parse(struct netlink_callback *cb, struct nlattr **attrs)
{
	return genlmsg_parse(cb->nlh, &ilb_genl_family, attrs, ILB_A_MAX,
			     ilb_policy, cb->extack);
}

static int ilb_server_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct ilb_net *in = ilb_pernet(sock_net(skb->sk));
	struct nlattr *attrs[ILB_A_MAX + 1];
	struct genl_info info = { .attrs = attrs, .extack = cb->extack };
	struct ilb_service *svc;
	struct ilb_server *srv;
	struct ilb_svc_key k;
	unsigned int i = 0;
	int err;

	err = ilb_dump_parse(cb, attrs);
	if (err)
		return err;
	mutex_lock(&in->cfg_lock);
	svc = ilb_get_service(in, &info, &k);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	list_for_each_entry(srv, &svc->servers, list) {
		if (i++ < cb->args[0])
			continue;
		if (ilb_fill_server(skb, srv, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		cb->args[0] = i;
	}
out:
	mutex_unlock(&in->cfg_lock);
	return err ? err : skb->len;
}

static int ilb_fill_conn(struct sk_buff *skb, struct ilb_conn *cp,
			 u32 portid, u32 seq)
{
	long left = (long)(READ_ONCE(cp->expires) - jiffies);
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ilb_genl_family, NLM_F_MULTI,
			  ILB_CMD_CONN_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, ILB_A_CONN);
	if (!nest ||
	    nla_put_u8(skb, ILB_CONN_A_PROTO, cp->proto) ||
	    nla_put_be32(skb, ILB_CONN_A_CADDR, cp->caddr) ||
	    nla_put_be16(skb, ILB_CONN_A_CPORT, cp->cport) ||
	    nla_put_be32(skb, ILB_CONN_A_VADDR, cp->vaddr) ||
	    nla_put_be16(skb, ILB_CONN_A_VPORT, cp->vport) ||
	    nla_put_be32(skb, ILB_CONN_A_RADDR, cp->raddr) ||
	    nla_put_be16(skb, ILB_CONN_A_RPORT, cp->rport) ||
	    nla_put_u8(skb, ILB_CONN_A_FWD, cp->fwd) ||
	    nla_put_u8(skb, ILB_CONN_A_STATE, READ_ONCE(cp->state)) ||
	    nla_put_u32(skb, ILB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    (cp->role != ILB_ROLE_LOCAL &&
	     (nla_put_u8(skb, ILB_CONN_A_ROLE, READ_ONCE(cp->role)) ||
	      nla_put_u32(skb, ILB_CONN_A_PRIMARY, READ_ONCE(cp->primary)) ||
	      nla_put_u32(skb, ILB_CONN_A_BACKUP, READ_ONCE(cp->backup))))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The connection dump walks the table: args[0] = bucket, args[1] = entries
 * of that bucket already sent. Entries added or removed between two pages
 * can be missed or repeated, as with any table that keeps changing.
 */
static int ilb_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ilb_net *in = ilb_pernet(sock_net(skb->sk));
	struct nlattr *attrs[ILB_A_MAX + 1];
	struct genl_info info = { .attrs = attrs, .extack = cb->extack };
	struct ilb_service *svc = NULL;
	struct ilb_conn_table *t;
	struct ilb_svc_key k;
	struct ilb_conn *cp;
	unsigned int b, i;
	int err;

	err = ilb_dump_parse(cb, attrs);
	if (err)
		return err;
	if (attrs[ILB_A_SERVICE]) {
		err = ilb_parse_service(attrs, &k, cb->extack);
		if (err)
			return err;
	}
	rcu_read_lock();
	t = rcu_dereference(in->conns);
	if (!t)
		goto out;
	if (attrs[ILB_A_SERVICE]) {
		svc = ilb_service_find(in, k.proto, k.addr, k.port, NULL);
		if (!svc) {
			NL_SET_ERR_MSG(info.extack, "no such service");
			err = -ENOENT;
			goto out;
		}
	}
	for (b = cb->args[0]; b < (1U << t->bits); b++) {
		i = 0;
		hlist_for_each_entry_rcu(cp, &t->orig[b], node[0]) {
			if (i++ < cb->args[1])
				continue;
			if (READ_ONCE(cp->state) == ILB_CS_GONE ||
			    (svc && cp->srv->svc != svc)) {
				cb->args[1] = i;
				continue;
			}
			if (ilb_fill_conn(skb, cp, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq))
				goto full;
			cb->args[1] = i;
		}
		cb->args[1] = 0;
	}
full:
	cb->args[0] = b;
out:
	rcu_read_unlock();
	return err ? err : skb->len;
}

/* A reply to @info carrying one nest @attr, or NULL without memory. */
struct sk_buff *ilb_reply_new(struct genl_info *info, u8 cmd, int attr,
			      void **hdr, struct nlattr **nest)
{
	struct sk_buff *msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &ilb_genl_family, 0, cmd);
	*nest = *hdr ? nla_nest_start(msg, attr) : NULL;
	if (!*nest) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int ilb_reply_send(struct sk_buff *msg, void *hdr, struct nlattr *nest,
		   struct genl_info *info)
{
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ilb_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const int map[__ILB_STAT_MAX] = {
		[ILB_STAT_INSPECTED] = ILB_STATS_A_INSPECTED,
		[ILB_STAT_MALFORMED] = ILB_STATS_A_MALFORMED,
		[ILB_STAT_NO_SERVICE] = ILB_STATS_A_NO_SERVICE,
		[ILB_STAT_NO_SERVER] = ILB_STATS_A_NO_SERVER,
		[ILB_STAT_TABLE_FULL] = ILB_STATS_A_TABLE_FULL,
		[ILB_STAT_XMIT_ERR] = ILB_STATS_A_XMIT_ERR,
		[ILB_STAT_NO_CONN] = ILB_STATS_A_NO_CONN,
		[ILB_STAT_EARLY_DROP] = ILB_STATS_A_EARLY_DROP,
		[ILB_STAT_BAD_ACK] = ILB_STATS_A_BAD_ACK,
		[ILB_STAT_PERSIST_FULL] = ILB_STATS_A_PERSIST_FULL,
		[ILB_STAT_OVERLOAD] = ILB_STATS_A_OVERLOAD,
	};
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	u64 v[__ILB_STAT_MAX];
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = ilb_reply_new(info, ILB_CMD_STATS_GET, ILB_A_STATS, &hdr, &nest);
	if (!msg)
		return -ENOMEM;
	ilb_stats_sum(in, v);
	if (nla_put_u64_64bit(msg, ILB_STATS_A_CONNS, atomic_read(&in->nconns),
			      ILB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, ILB_STATS_A_CONN_MAX, READ_ONCE(ilb_conn_max),
			      ILB_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, ILB_STATS_A_PERSIST, ilb_persist_count(in),
			      ILB_STATS_A_PAD))
		goto nomem;
	for (i = 0; i < __ILB_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, map[i], v[i], ILB_STATS_A_PAD))
			goto nomem;
	return ilb_reply_send(msg, hdr, nest, info);
nomem:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int ilb_timeout_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct nlattr *tb[ILB_TIMEOUT_A_MAX + 1];
	int err, i;

	if (!info->attrs[ILB_A_TIMEOUTS]) {
		NL_SET_ERR_MSG(info->extack, "missing ILB_A_TIMEOUTS");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ILB_TIMEOUT_A_MAX, info->attrs[ILB_A_TIMEOUTS],
			       ilb_timeout_policy, info->extack);
	if (err)
		return err;
	mutex_lock(&in->cfg_lock);
	for (i = 1; i <= ILB_TIMEOUT_A_MAX; i++)
		if (tb[i])
			WRITE_ONCE(in->timeout[i], nla_get_u32(tb[i]));
	mutex_unlock(&in->cfg_lock);
	return 0;
}

static int ilb_timeout_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = ilb_reply_new(info, ILB_CMD_TIMEOUT_GET, ILB_A_TIMEOUTS, &hdr,
			    &nest);
	if (!msg)
		return -ENOMEM;
	for (i = 1; i <= ILB_TIMEOUT_A_MAX; i++)
		if (nla_put_u32(msg, i, READ_ONCE(in->timeout[i]))) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
	return ilb_reply_send(msg, hdr, nest, info);
}

static int ilb_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));

	mutex_lock(&in->cfg_lock);
	ilb_service_flush(in);
	ilb_hook_sync(in);
	mutex_unlock(&in->cfg_lock);
	return 0;
}

/*
 * Every op needs CAP_NET_ADMIN in the initial user namespace, as IPVS's do.
 * With userns=1, ilb_genl_init() relaxes them to CAP_NET_ADMIN in the user
 * namespace that owns the caller's network namespace: what such a namespace
 * makes the kernel allocate is charged to its memory cgroup and capped by
 * the per-namespace limits.
 */
static struct genl_ops ilb_genl_ops[] __ro_after_init = {
	{
		.cmd = ILB_CMD_SERVICE_NEW,
		.doit = ilb_service_new_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVICE_SET,
		.doit = ilb_service_set_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVICE_DEL,
		.doit = ilb_service_del_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVICE_GET,
		.doit = ilb_service_get_doit,
		.dumpit = ilb_service_get_dumpit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVER_NEW,
		.doit = ilb_server_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVER_SET,
		.doit = ilb_server_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVER_DEL,
		.doit = ilb_server_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_SERVER_GET,
		.dumpit = ilb_server_get_dumpit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_CONN_GET,
		.dumpit = ilb_conn_get_dumpit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_STATS_GET,
		.doit = ilb_stats_get_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_TIMEOUT_SET,
		.doit = ilb_timeout_set_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_TIMEOUT_GET,
		.doit = ilb_timeout_get_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_FLUSH,
		.doit = ilb_flush_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_CLUSTER_JOIN,
		.doit = ilb_cluster_join_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_CLUSTER_LEAVE,
		.doit = ilb_cluster_leave_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_CLUSTER_SET,
		.doit = ilb_cluster_set_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_CLUSTER_GET,
		.doit = ilb_cluster_get_doit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_PERSIST_GET,
		.dumpit = ilb_persist_get_dumpit,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ILB_CMD_PERSIST_FLUSH,
		.doit = ilb_persist_flush_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family ilb_genl_family __ro_after_init = {
	.name = ILB_GENL_NAME,
	.version = ILB_GENL_VERSION,
	.maxattr = ILB_A_MAX,
	.policy = ilb_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ilb_genl_ops,
	.n_ops = ARRAY_SIZE(ilb_genl_ops),
	.resv_start_op = __ILB_CMD_MAX,
};

int __init ilb_genl_init(void)
{
	unsigned int i;

	if (ilb_userns) {
		for (i = 0; i < ARRAY_SIZE(ilb_genl_ops); i++)
			ilb_genl_ops[i].flags = GENL_UNS_ADMIN_PERM;
		pr_info("configurable from user namespaces (userns=1)\n");
	}
	return genl_register_family(&ilb_genl_family);
}

void ilb_genl_exit(void)
{
	genl_unregister_family(&ilb_genl_family);
}
