/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb: what the generic netlink files share.
 */
#ifndef _ILB_NETLINK_H
#define _ILB_NETLINK_H

#include <net/genetlink.h>

#include "ilb.h"

extern struct genl_family ilb_genl_family;
extern const struct nla_policy ilb_cl_policy[ILB_CL_A_MAX + 1];

struct sk_buff *ilb_reply_new(struct genl_info *info, u8 cmd, int attr,
			      void **hdr, struct nlattr **nest);
int ilb_reply_send(struct sk_buff *msg, void *hdr, struct nlattr *nest,
		   struct genl_info *info);

/* A request's service: its key and what it sets (-1: not given). */
struct ilb_svc_key {
	u8 proto;
	__be32 addr;
	__be16 port;
	int sched, fwd;
	s64 persist;
	int plen, group;
};

int ilb_parse_service(struct nlattr **attrs, struct ilb_svc_key *k,
		      struct netlink_ext_ack *extack);
int ilb_dump_parse(struct netlink_callback *cb, struct nlattr **attrs);

int ilb_genl_init(void);
void ilb_genl_exit(void);

/* netlink_cluster.c */
int ilb_cluster_join_doit(struct sk_buff *skb, struct genl_info *info);
int ilb_cluster_leave_doit(struct sk_buff *skb, struct genl_info *info);
int ilb_cluster_set_doit(struct sk_buff *skb, struct genl_info *info);
int ilb_cluster_get_doit(struct sk_buff *skb, struct genl_info *info);

/* netlink_persist.c */
int ilb_persist_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ilb_persist_flush_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _ILB_NETLINK_H */
