/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster's decision rules for an entry that members hold copies of (a
 * connection or a persistence record): which role a member gives its copy,
 * and who sends what when the view changes. Pure C, shared by the module
 * and userspace (unit tests, ilbsim); allocates nothing.
 */
#ifndef _ILB_RULES_H
#define _ILB_RULES_H

#include <linux/types.h>
#include "uapi/linux/ilb.h"

/*
 * The role member @me gives an entry whose owners are @primary and
 * @backup: owned, backup, cache (when it may cache the entry) or
 * ILB_ROLE_LOCAL, which here means "not kept".
 */
__u8 ilb_rule_role(__u32 me, __u32 primary, __u32 backup, int cacheable);

/*
 * Which of two copies of a persistence record wins: a member takes the
 * copy it received (idle for @remote_idle seconds at its sender) over its
 * own unless its own is in use by its connections or was used more
 * recently. Returns non-zero to take the received copy.
 */
int ilb_rule_take_copy(int local_in_use, __u32 local_idle,
		       __u32 remote_idle);

/*
 * A server's connection limit, IPVS's thresholds on a count (@n: active
 * and inactive, across the cluster): a server takes no new connection
 * from @max on, and takes them again only once @n falls below @min (3/4
 * of @max when @min is 0); @was says whether it was overloaded. @max 0:
 * no limit. Returns non-zero if it is overloaded now.
 */
int ilb_rule_overloaded(int was, __u32 n, __u32 max, __u32 min);

/* One holder's view of an entry across a view change. */
struct ilb_xfer {
	/* in */
	__u32 me;
	__u8 old_role;		/* enum ilb_conn_role of its copy before */
	__u32 p0, b0;		/* the owners before (0: none) */
	int p0_holds;		/* p0 is in the new view with its table */
	int b0_holds;		/* b0 likewise */
	__u32 primary, backup;	/* the owners in the new view */
	/* out */
	int send;		/* this holder sends the entry ... */
	__u32 to[2];		/* ... to these members (0: nobody) */
};

/*
 * Who sends a moved entry: the old primary if it still holds it, else the
 * old backup, else (both gone) any member that cached it. It sends to each
 * new owner that may not hold it: one that is new to the entry, or one
 * that lost its table (left and came back). A member that held the entry
 * alone (ILB_ROLE_LOCAL, before it joined) counts as its primary.
 */
void ilb_xfer_plan(struct ilb_xfer *x);

#endif /* _ILB_RULES_H */
