// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster's decision rules (rules.h): roles and transfers.
 */
#include "rules.h"

__u8 ilb_rule_role(__u32 me, __u32 primary, __u32 backup, int cacheable)
{
	if (primary == me)
		return ILB_ROLE_OWNED;
	if (backup == me)
		return ILB_ROLE_BACKUP;
	return cacheable ? ILB_ROLE_CACHE : ILB_ROLE_LOCAL;
}

int ilb_rule_take_copy(int local_in_use, __u32 local_idle,
		       __u32 remote_idle)
{
	return !local_in_use && remote_idle <= local_idle;
}

void ilb_xfer_plan(struct ilb_xfer *x)
{
	__u32 p0 = x->old_role == ILB_ROLE_LOCAL ? x->me : x->p0;
	__u32 b0 = x->old_role == ILB_ROLE_LOCAL ? 0 : x->b0;
	int p0_holds = p0 == x->me || x->p0_holds;
	int b0_holds = b0 && (b0 == x->me || x->b0_holds);

	x->to[0] = 0;
	x->to[1] = 0;
	x->send = p0 == x->me ||
		  (b0 == x->me && !p0_holds) ||
		  (x->old_role == ILB_ROLE_CACHE && !p0_holds && !b0_holds);
	if (!x->send)
		return;
	/* a new owner that held it before, and still does, needs nothing */
	if (x->primary && x->primary != x->me &&
	    !((x->primary == p0 && p0_holds) ||
	      (x->primary == b0 && b0_holds)))
		x->to[0] = x->primary;
	if (x->backup && x->backup != x->me &&
	    !((x->backup == p0 && p0_holds) ||
	      (x->backup == b0 && b0_holds)))
		x->to[1] = x->backup;
}

int ilb_rule_overloaded(int was, __u32 n, __u32 max, __u32 min)
{
	if (!max)
		return 0;
	if (!was)
		return n >= max;
	return n >= (min ? min : max - max / 4);
}
