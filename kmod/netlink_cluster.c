// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink: joining, leaving, tuning and showing the cluster.
 */
#include <linux/netdevice.h>

#include "cluster.h"
#include "netlink.h"

static struct netlink_range_validation ilb_cl_id_range __ro_after_init = {
	.min = 1,
	.max = U32_MAX,
};

static struct netlink_range_validation ilb_cl_weight_range __ro_after_init = {
	.max = ILB_MEMBER_WEIGHT_MAX,
};

static struct netlink_range_validation ilb_cl_hello_range __ro_after_init = {
	.min = ILB_HELLO_MS_MIN,
	.max = ILB_HELLO_MS_MAX,
};

static struct netlink_range_validation ilb_cl_dead_range __ro_after_init = {
	.min = ILB_HELLO_MS_MIN + 1,
	.max = ILB_DEAD_MS_MAX,
};

static struct netlink_range_validation ilb_cl_ifindex_range __ro_after_init = {
	.min = 1,
	.max = INT_MAX,
};

static const struct nla_policy ilb_cl_peer_policy[ILB_CL_A_PEER + 1] = {
	[ILB_CL_A_PEER] = { .type = NLA_BE32 },
};

const struct nla_policy ilb_cl_policy[ILB_CL_A_MAX + 1] = {
	[ILB_CL_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_cl_id_range),
	[ILB_CL_A_ADDR] = { .type = NLA_BE32 },
	[ILB_CL_A_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32,
						   &ilb_cl_ifindex_range),
	[ILB_CL_A_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						  &ilb_cl_weight_range),
	[ILB_CL_A_SCORE] = NLA_POLICY_MAX(NLA_U8, __ILB_SCORE_MAX - 1),
	[ILB_CL_A_HELLO_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						    &ilb_cl_hello_range),
	[ILB_CL_A_DEAD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ilb_cl_dead_range),
	[ILB_CL_A_PORT] = { .type = NLA_BE16 },
	[ILB_CL_A_PEERS] = NLA_POLICY_NESTED(ilb_cl_peer_policy),
	[ILB_CL_A_PEER] = { .type = NLA_REJECT },
	[ILB_CL_A_CLUSTER] = { .type = NLA_U32 },
	[ILB_CL_A_SYNC] = NLA_POLICY_MAX(NLA_U8, __ILB_SYNC_MAX - 1),
	[ILB_CL_A_CACHE] = { .type = NLA_U32 },
	[ILB_CL_A_EPOCH] = { .type = NLA_REJECT },
	[ILB_CL_A_MEMBERS] = { .type = NLA_REJECT },
	[ILB_CL_A_MEMBER] = { .type = NLA_REJECT },
	[ILB_CL_A_STATS] = { .type = NLA_REJECT },
	[ILB_CL_A_GROUP] = { .type = NLA_REJECT },
	[ILB_CL_A_VIEW_AGE_MS] = { .type = NLA_REJECT },
	[ILB_CL_A_PAD] = { .type = NLA_REJECT },
};

static bool ilb_unicast(__be32 a)
{
	return !ipv4_is_zeronet(a) && !ipv4_is_multicast(a) &&
	       !ipv4_is_lbcast(a) && !ipv4_is_loopback(a);
}

static int ilb_cl_parse(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[ILB_A_CLUSTER];

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing ILB_A_CLUSTER");
		return -EINVAL;
	}
	return nla_parse_nested(tb, ILB_CL_A_MAX, nest, ilb_cl_policy,
				info->extack);
}

static u32 ilb_nla_u32(struct nlattr *a, u32 def)
{
	return a ? nla_get_u32(a) : def;
}

static int ilb_cl_parse_peers(struct nlattr *nest, struct ilb_cl_config *c,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	unsigned int i;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		__be32 addr;

		if (nla_type(a) != ILB_CL_A_PEER) {
			NL_SET_ERR_MSG_ATTR(extack, a, "peers hold only PEER");
			return -EINVAL;
		}
		addr = nla_get_be32(a);
		if (!ilb_unicast(addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "peer not unicast");
			return -EINVAL;
		}
		if (c->npeers == ILB_CLUSTER_MAX_PEERS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many peers");
			return -E2BIG;
		}
		for (i = 0; i < c->npeers; i++)
			if (c->peers[i] == addr) {
				NL_SET_ERR_MSG_ATTR(extack, a, "duplicate peer");
				return -EINVAL;
			}
		c->peers[c->npeers++] = addr;
	}
	return 0;
}

int ilb_cluster_join_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[ILB_CL_A_MAX + 1];
	struct ilb_cl_config c = {};
	struct net_device *dev;
	int err;

	err = ilb_cl_parse(info, tb);
	if (err)
		return err;
	if (!tb[ILB_CL_A_ADDR] || !tb[ILB_CL_A_IFINDEX]) {
		NL_SET_ERR_MSG(extack, "join needs addr and dev");
		return -EINVAL;
	}
	c.addr = nla_get_be32(tb[ILB_CL_A_ADDR]);
	if (!ilb_unicast(c.addr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_ADDR],
				    "addr must be a unicast address");
		return -EINVAL;
	}
	c.ifindex = nla_get_u32(tb[ILB_CL_A_IFINDEX]);
	dev = dev_get_by_index(genl_info_net(info), c.ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_IFINDEX],
				    "no such device");
		return -ENODEV;
	}
	dev_put(dev);
	c.id = ilb_nla_u32(tb[ILB_CL_A_ID], ntohl(c.addr));
	c.weight = ilb_nla_u32(tb[ILB_CL_A_WEIGHT], 1);
	c.mode = tb[ILB_CL_A_SCORE] ? nla_get_u8(tb[ILB_CL_A_SCORE]) :
				      ILB_SCORE_HRW32;
	c.hello_ms = ilb_nla_u32(tb[ILB_CL_A_HELLO_MS], 100);
	/* detection (dead-ms, plus a jiffy) within 3 heartbeats */
	c.dead_ms = ilb_nla_u32(tb[ILB_CL_A_DEAD_MS],
				min(3 * c.hello_ms - c.hello_ms / 4,
				    (u32)ILB_DEAD_MS_MAX));
	if (c.dead_ms <= c.hello_ms) {
		NL_SET_ERR_MSG(extack, "dead-ms must be more than hello-ms");
		return -EINVAL;
	}
	c.port = tb[ILB_CL_A_PORT] ? nla_get_be16(tb[ILB_CL_A_PORT]) :
				     htons(ILB_CLUSTER_PORT);
	if (!c.port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_PORT], "port 0");
		return -EINVAL;
	}
	c.cluster_id = ilb_nla_u32(tb[ILB_CL_A_CLUSTER], 1);
	c.sync = tb[ILB_CL_A_SYNC] ? nla_get_u8(tb[ILB_CL_A_SYNC]) :
				     ILB_SYNC_TARGETED;
	c.cache_max = ilb_nla_u32(tb[ILB_CL_A_CACHE], READ_ONCE(ilb_cache_max));
	if (tb[ILB_CL_A_PEERS]) {
		err = ilb_cl_parse_peers(tb[ILB_CL_A_PEERS], &c, extack);
		if (err)
			return err;
	}
	mutex_lock(&in->cfg_lock);
	err = ilb_cluster_join(in, &c, extack);
	mutex_unlock(&in->cfg_lock);
	return err;
}

int ilb_cluster_leave_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	int err;

	mutex_lock(&in->cfg_lock);
	err = ilb_cluster_leave(in);
	mutex_unlock(&in->cfg_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "not in a cluster");
	return err;
}

int ilb_cluster_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct nlattr *tb[ILB_CL_A_MAX + 1];
	struct ilb_cluster *cl;
	int err, i;

	err = ilb_cl_parse(info, tb);
	if (err)
		return err;
	for (i = 1; i <= ILB_CL_A_MAX; i++)
		if (tb[i] && i != ILB_CL_A_SYNC && i != ILB_CL_A_CACHE &&
		    i != ILB_CL_A_WEIGHT) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "only sync, cache and weight change: leave and join for the rest");
			return -EOPNOTSUPP;
		}
	mutex_lock(&in->cfg_lock);
	cl = rcu_dereference_protected(in->cl, lockdep_is_held(&in->cfg_lock));
	if (!cl) {
		mutex_unlock(&in->cfg_lock);
		NL_SET_ERR_MSG(info->extack, "not in a cluster");
		return -ENOENT;
	}
	if (tb[ILB_CL_A_SYNC])
		WRITE_ONCE(cl->sync, nla_get_u8(tb[ILB_CL_A_SYNC]));
	if (tb[ILB_CL_A_CACHE])
		WRITE_ONCE(cl->cache_max, nla_get_u32(tb[ILB_CL_A_CACHE]));
	if (tb[ILB_CL_A_WEIGHT]) {
		WRITE_ONCE(cl->weight, nla_get_u32(tb[ILB_CL_A_WEIGHT]));
		spin_lock_bh(&cl->lock);
		cl->view_dirty = true;
		spin_unlock_bh(&cl->lock);
		ilb_cluster_kick(cl);
	}
	mutex_unlock(&in->cfg_lock);
	return 0;
}

static int ilb_put_member(struct sk_buff *msg, u32 id, __be32 addr,
			  u32 weight, u8 state, u32 heard, u32 owned,
			  u32 epoch)
{
	struct nlattr *nest = nla_nest_start(msg, ILB_CL_A_MEMBER);

	if (!nest ||
	    nla_put_u32(msg, ILB_MBR_A_ID, id) ||
	    nla_put_be32(msg, ILB_MBR_A_ADDR, addr) ||
	    nla_put_u32(msg, ILB_MBR_A_WEIGHT, weight) ||
	    nla_put_u8(msg, ILB_MBR_A_STATE, state) ||
	    nla_put_u32(msg, ILB_MBR_A_HEARD_MS, heard) ||
	    nla_put_u32(msg, ILB_MBR_A_OWNED, owned) ||
	    nla_put_u32(msg, ILB_MBR_A_EPOCH, epoch))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ilb_put_members(struct sk_buff *msg, struct ilb_cluster *cl)
{
	struct nlattr *nest = nla_nest_start(msg, ILB_CL_A_MEMBERS);
	unsigned long now = jiffies;
	unsigned int i;
	int err;

	if (!nest)
		return -EMSGSIZE;
	err = ilb_put_member(msg, cl->id, cl->addr, READ_ONCE(cl->weight),
			     ILB_MEMBER_SELF, 0, ilb_cluster_owned(cl->in),
			     READ_ONCE(cl->epoch));
	spin_lock_bh(&cl->lock);
	for (i = 0; i < cl->nmbr && !err; i++) {
		struct ilb_peer *p = cl->mbr[i];

		err = ilb_put_member(msg, p->id, p->addr, p->weight, p->state,
				     jiffies_to_msecs(now - p->last_heard),
				     p->owned, p->epoch);
	}
	spin_unlock_bh(&cl->lock);
	if (err)
		return err;
	nla_nest_end(msg, nest);
	return 0;
}

static int ilb_put_cl_stats(struct sk_buff *msg, struct ilb_cluster *cl)
{
	struct nlattr *nest = nla_nest_start(msg, ILB_CL_A_STATS);
	u64 v[__ILB_CLS_MAX];
	int i;

	if (!nest)
		return -EMSGSIZE;
	ilb_cluster_stats_sum(cl, v);
	/* enum ilb_cls is enum ilb_cl_stats_attr minus one */
	for (i = 0; i < __ILB_CLS_MAX; i++)
		if (nla_put_u64_64bit(msg, i + 1, v[i], ILB_CLS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ilb_put_peers(struct sk_buff *msg, struct ilb_cluster *cl)
{
	struct nlattr *nest;
	unsigned int i;

	if (!cl->npeers)
		return 0;
	nest = nla_nest_start(msg, ILB_CL_A_PEERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < cl->npeers; i++)
		if (nla_put_be32(msg, ILB_CL_A_PEER, cl->peers[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ilb_cl_fill(struct sk_buff *msg, struct ilb_cluster *cl)
{
	unsigned long age = jiffies - READ_ONCE(cl->view_changed);

	if (nla_put_u32(msg, ILB_CL_A_ID, cl->id) ||
	    nla_put_be32(msg, ILB_CL_A_ADDR, cl->addr) ||
	    nla_put_u32(msg, ILB_CL_A_IFINDEX, cl->ifindex) ||
	    nla_put_u32(msg, ILB_CL_A_WEIGHT, READ_ONCE(cl->weight)) ||
	    nla_put_u8(msg, ILB_CL_A_SCORE, cl->mode) ||
	    nla_put_u32(msg, ILB_CL_A_HELLO_MS, cl->hello_ms) ||
	    nla_put_u32(msg, ILB_CL_A_DEAD_MS, cl->dead_ms) ||
	    nla_put_be16(msg, ILB_CL_A_PORT, cl->port) ||
	    nla_put_u32(msg, ILB_CL_A_CLUSTER, cl->cluster_id) ||
	    nla_put_u8(msg, ILB_CL_A_SYNC, READ_ONCE(cl->sync)) ||
	    nla_put_u32(msg, ILB_CL_A_CACHE, READ_ONCE(cl->cache_max)) ||
	    nla_put_u32(msg, ILB_CL_A_EPOCH, READ_ONCE(cl->epoch)) ||
	    nla_put_be32(msg, ILB_CL_A_GROUP, htonl(ILB_CLUSTER_GROUP)) ||
	    nla_put_u32(msg, ILB_CL_A_VIEW_AGE_MS, jiffies_to_msecs(age)))
		return -EMSGSIZE;
	return ilb_put_peers(msg, cl) ?: ilb_put_members(msg, cl) ?:
	       ilb_put_cl_stats(msg, cl);
}

int ilb_cluster_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_cluster *cl;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(16384, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ilb_genl_family, 0,
				ILB_CMD_CLUSTER_GET);
	nest = hdr ? nla_nest_start(msg, ILB_A_CLUSTER) : NULL;
	if (!nest) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_lock(&in->cfg_lock);
	cl = rcu_dereference_protected(in->cl, lockdep_is_held(&in->cfg_lock));
	err = cl ? ilb_cl_fill(msg, cl) : -ENOENT;
	mutex_unlock(&in->cfg_lock);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "not in a cluster");
		return err;
	}
	return ilb_reply_send(msg, hdr, nest, info);
}
