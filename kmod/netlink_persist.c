// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink: showing and flushing the persistence records.
 */
#include <net/sock.h>

#include "netlink.h"
#include "persist.h"
#include "service.h"

static int ilb_fill_persist(struct sk_buff *skb, struct ilb_persist *pr,
			    u32 portid, u32 seq)
{
	long left = (long)(READ_ONCE(pr->expires) - jiffies);
	u32 conns = refcount_read(&pr->refcnt);
	struct nlattr *nest;
	void *hdr;

	/* the table's reference is not a connection's */
	conns = conns ? conns - 1 : 0;
	hdr = genlmsg_put(skb, portid, seq, &ilb_genl_family, NLM_F_MULTI,
			  ILB_CMD_PERSIST_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, ILB_A_PERSIST);
	if (!nest ||
	    nla_put_u8(skb, ILB_PST_A_PROTO, pr->proto) ||
	    nla_put_be32(skb, ILB_PST_A_CADDR, pr->caddr) ||
	    nla_put_u8(skb, ILB_PST_A_NETMASK, pr->plen) ||
	    nla_put_be32(skb, ILB_PST_A_VADDR, pr->vaddr) ||
	    nla_put_be16(skb, ILB_PST_A_GROUP, pr->group) ||
	    nla_put_be32(skb, ILB_PST_A_RADDR, READ_ONCE(pr->raddr)) ||
	    nla_put_u32(skb, ILB_PST_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u32(skb, ILB_PST_A_CONNS, conns) ||
	    (pr->role != ILB_ROLE_LOCAL &&
	     (nla_put_u8(skb, ILB_PST_A_ROLE, pr->role) ||
	      nla_put_u32(skb, ILB_PST_A_PRIMARY, pr->primary) ||
	      nla_put_u32(skb, ILB_PST_A_BACKUP, pr->backup)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The dump walks the table as the connection dump does: args[0] = bucket,
 * args[1] = records of that bucket already sent. With a service, only the
 * records of its group.
 */
int ilb_persist_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ilb_net *in = ilb_pernet(sock_net(skb->sk));
	struct nlattr *attrs[ILB_A_MAX + 1];
	struct ilb_service *svc = NULL;
	struct ilb_persist_table *pt;
	struct ilb_persist *pr;
	struct ilb_svc_key k;
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
	if (attrs[ILB_A_SERVICE]) {
		svc = ilb_service_find(in, k.proto, k.addr, k.port, NULL);
		if (!svc) {
			NL_SET_ERR_MSG(cb->extack, "no such service");
			err = -ENOENT;
			goto out;
		}
	}
	pt = rcu_dereference(in->persist);
	if (!pt)
		goto out;
	for (b = cb->args[0]; b < (1U << pt->bits); b++) {
		i = 0;
		hlist_for_each_entry_rcu(pr, &pt->buckets[b], node) {
			if (i++ < cb->args[1])
				continue;
			if (ilb_persist_expired(pr) ||
			    (svc && (pr->vaddr != svc->addr ||
				     pr->proto != svc->proto ||
				     pr->group != READ_ONCE(svc->group)))) {
				cb->args[1] = i;
				continue;
			}
			if (ilb_fill_persist(skb, pr,
					     NETLINK_CB(cb->skb).portid,
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

int ilb_persist_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ilb_net *in = ilb_pernet(genl_info_net(info));
	struct ilb_service *svc = NULL;
	struct ilb_svc_key k;
	int err;

	mutex_lock(&in->cfg_lock);
	if (info->attrs[ILB_A_SERVICE]) {
		err = ilb_parse_service(info->attrs, &k, info->extack);
		if (err)
			goto out;
		svc = ilb_service_find(in, k.proto, k.addr, k.port, NULL);
		if (!svc) {
			NL_SET_ERR_MSG(info->extack, "no such service");
			err = -ENOENT;
			goto out;
		}
	}
	ilb_persist_flush(in, svc);
	err = 0;
out:
	mutex_unlock(&in->cfg_lock);
	return err;
}
