// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink: joining, leaving, tuning and showing the cluster.
 */
#include <linux/netdevice.h>

#include "cluster.h"
#include "hook.h"
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
	[ILB_CL_A_KEY] = NLA_POLICY_EXACT_LEN(ILB_CLUSTER_KEY_LEN),
	[ILB_CL_A_KEY_FILE] = { .type = NLA_NUL_STRING,
				.len = ILB_CLUSTER_KEY_FILE_MAX - 1 },
	[ILB_CL_A_INSECURE] = { .type = NLA_FLAG },
	[ILB_CL_A_KEY_ID] = { .type = NLA_REJECT },
	[ILB_CL_A_KEY_NEXT_ID] = { .type = NLA_REJECT },
	[ILB_CL_A_KEY_STATE] = { .type = NLA_REJECT },
	[ILB_CL_A_MAX_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &ilb_cl_weight_range),
	[ILB_CL_A_INCARNATION] = { .type = NLA_REJECT },
};

/* The counters' enum is the netlink one minus one (ilb_put_cl_stats). */
static_assert(ILB_CLS_RECLAIMED + 1 == ILB_CLS_A_RECLAIMED);
static_assert(__ILB_CLS_MAX + 1 == ILB_CLS_A_PAD);

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
	c.max_weight = ilb_nla_u32(tb[ILB_CL_A_MAX_WEIGHT],
				   ILB_MEMBER_WEIGHT_MAX);
	if (c.weight > c.max_weight) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_WEIGHT],
				    "weight is above max-weight");
		return -EINVAL;
	}
	/* nobody runs an unauthenticated cluster by accident */
	if (!tb[ILB_CL_A_KEY] && !tb[ILB_CL_A_INSECURE]) {
		NL_SET_ERR_MSG(extack, "join needs a key, or insecure for a cluster without authentication");
		return -EINVAL;
	}
	if (tb[ILB_CL_A_KEY] && tb[ILB_CL_A_INSECURE]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_INSECURE],
				    "key and insecure exclude each other");
		return -EINVAL;
	}
	if (tb[ILB_CL_A_KEY_FILE] && !tb[ILB_CL_A_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ILB_CL_A_KEY_FILE],
				    "a key file comes with its key");
		return -EINVAL;
	}
	if (tb[ILB_CL_A_KEY])
		c.key = nla_data(tb[ILB_CL_A_KEY]);
	if (tb[ILB_CL_A_KEY_FILE])
		c.key_file = nla_data(tb[ILB_CL_A_KEY_FILE]);
	mutex_lock(&in->cfg_lock);
	err = ilb_cluster_join(in, &c, extack);
	if (!err) {
		err = ilb_hook_sync(in);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "cannot register the netfilter hooks");
			ilb_cluster_leave(in);
		}
	}
	mutex_unlock(&in->cfg_lock);
	return err;
}

int ilb_cluster_leave_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	int err;

	mutex_lock(&in->cfg_lock);
	err = ilb_cluster_leave(in);
	ilb_hook_sync(in);
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
	u32 max_weight;
	int err, i;

	err = ilb_cl_parse(info, tb);
	if (err)
		return err;
	for (i = 1; i <= ILB_CL_A_MAX; i++)
		if (tb[i] && i != ILB_CL_A_SYNC && i != ILB_CL_A_CACHE &&
		    i != ILB_CL_A_WEIGHT && i != ILB_CL_A_KEY &&
		    i != ILB_CL_A_KEY_FILE && i != ILB_CL_A_MAX_WEIGHT) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "only sync, cache, weight, key and max-weight change: leave and join for the rest");
			return -EOPNOTSUPP;
		}
	if (tb[ILB_CL_A_KEY_FILE] && !tb[ILB_CL_A_KEY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ILB_CL_A_KEY_FILE],
				    "a key file comes with its key");
		return -EINVAL;
	}
	mutex_lock(&in->cfg_lock);
	cl = rcu_dereference_protected(in->cl, lockdep_is_held(&in->cfg_lock));
	if (!cl) {
		mutex_unlock(&in->cfg_lock);
		NL_SET_ERR_MSG(info->extack, "not in a cluster");
		return -ENOENT;
	}
	/* checks first: a refused request changes nothing */
	max_weight = tb[ILB_CL_A_MAX_WEIGHT] ?
		     nla_get_u32(tb[ILB_CL_A_MAX_WEIGHT]) : cl->max_weight;
	if ((tb[ILB_CL_A_WEIGHT] ? nla_get_u32(tb[ILB_CL_A_WEIGHT]) :
				   cl->weight) > max_weight) {
		mutex_unlock(&in->cfg_lock);
		NL_SET_ERR_MSG(info->extack, "weight is above max-weight");
		return -EINVAL;
	}
	if (tb[ILB_CL_A_KEY]) {
		const char *msg = NULL;

		err = ilb_auth_set_key(cl, nla_data(tb[ILB_CL_A_KEY]), &msg);
		if (err) {
			mutex_unlock(&in->cfg_lock);
			/* msg is one of ilb_auth_set_key()'s static strings */
			info->extack->_msg = msg;
			NL_SET_BAD_ATTR(info->extack, tb[ILB_CL_A_KEY]);
			return err;
		}
		if (tb[ILB_CL_A_KEY_FILE])
			nla_strscpy(cl->key_file, tb[ILB_CL_A_KEY_FILE],
				    sizeof(cl->key_file));
		else
			cl->key_file[0] = 0;
	}
	if (tb[ILB_CL_A_MAX_WEIGHT])
		WRITE_ONCE(cl->max_weight, max_weight);
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

/* One member as cluster show lists it. */
struct ilb_mbr_info {
	u32 id, weight, heard, owned, epoch, incarnation;
	__be32 addr;
	u8 state, key_id;
};

static int ilb_put_member(struct sk_buff *msg, const struct ilb_mbr_info *m)
{
	struct nlattr *nest = nla_nest_start(msg, ILB_CL_A_MEMBER);

	if (!nest ||
	    nla_put_u32(msg, ILB_MBR_A_ID, m->id) ||
	    nla_put_be32(msg, ILB_MBR_A_ADDR, m->addr) ||
	    nla_put_u32(msg, ILB_MBR_A_WEIGHT, m->weight) ||
	    nla_put_u8(msg, ILB_MBR_A_STATE, m->state) ||
	    nla_put_u32(msg, ILB_MBR_A_HEARD_MS, m->heard) ||
	    nla_put_u32(msg, ILB_MBR_A_OWNED, m->owned) ||
	    nla_put_u32(msg, ILB_MBR_A_EPOCH, m->epoch) ||
	    nla_put_u32(msg, ILB_MBR_A_INCARNATION, m->incarnation) ||
	    nla_put_u8(msg, ILB_MBR_A_KEY_ID, m->key_id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int ilb_put_members(struct sk_buff *msg, struct ilb_cluster *cl)
{
	struct nlattr *nest = nla_nest_start(msg, ILB_CL_A_MEMBERS);
	const struct ilb_cl_key *key;
	unsigned long now = jiffies;
	struct ilb_mbr_info m = {
		.id = cl->id, .addr = cl->addr, .weight = READ_ONCE(cl->weight),
		.state = ILB_MEMBER_SELF, .owned = ilb_cluster_owned(cl->in),
		.epoch = READ_ONCE(cl->epoch), .incarnation = cl->incarnation,
	};
	unsigned int i;
	int err;

	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	key = ilb_auth_tx_key(rcu_dereference(cl->keys));
	m.key_id = key ? key->id : 0;
	rcu_read_unlock();
	err = ilb_put_member(msg, &m);
	spin_lock_bh(&cl->lock);
	for (i = 0; i < cl->nmbr && !err; i++) {
		struct ilb_peer *p = cl->mbr[i];

		m = (struct ilb_mbr_info){
			.id = p->id, .addr = p->addr, .weight = p->weight,
			.state = p->state,
			.heard = jiffies_to_msecs(now - p->last_heard),
			.owned = p->owned, .epoch = p->epoch,
			.incarnation = p->incarnation, .key_id = p->key_id,
		};
		err = ilb_put_member(msg, &m);
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

/* Which keys: never the keys themselves. */
static int ilb_put_keys(struct sk_buff *msg, struct ilb_cluster *cl)
{
	const struct ilb_cl_keys *ks;
	u8 state = ILB_KEY_NONE, id = 0, next = 0;

	rcu_read_lock();
	ks = rcu_dereference(cl->keys);
	if (ks) {
		state = ks->state;
		id = ks->key[ks->tx].id;
		if (ks->n > 1)
			next = ks->key[!ks->tx].id;
	}
	rcu_read_unlock();
	if (nla_put_u8(msg, ILB_CL_A_KEY_STATE, state) ||
	    nla_put_u8(msg, ILB_CL_A_KEY_ID, id) ||
	    (next && nla_put_u8(msg, ILB_CL_A_KEY_NEXT_ID, next)) ||
	    (cl->key_file[0] &&
	     nla_put_string(msg, ILB_CL_A_KEY_FILE, cl->key_file)))
		return -EMSGSIZE;
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
	    nla_put_u32(msg, ILB_CL_A_VIEW_AGE_MS, jiffies_to_msecs(age)) ||
	    nla_put_u32(msg, ILB_CL_A_MAX_WEIGHT, READ_ONCE(cl->max_weight)) ||
	    nla_put_u32(msg, ILB_CL_A_INCARNATION, cl->incarnation))
		return -EMSGSIZE;
	return ilb_put_keys(msg, cl) ?: ilb_put_peers(msg, cl) ?:
	       ilb_put_members(msg, cl) ?:
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
