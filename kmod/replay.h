/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay window of one sender (RFC 6479, as WireGuard and IPsec keep
 * it): the highest sequence number accepted and a bitmap of the
 * ILB_REPLAY_WINDOW numbers below it. Pure C, shared with userspace tests.
 * The caller serializes calls on one window and calls ilb_replay_update()
 * only for a message whose MAC it verified.
 */
#ifndef _ILB_REPLAY_H
#define _ILB_REPLAY_H

#include <linux/types.h>

#define ILB_REPLAY_BITS		64
#define ILB_REPLAY_WORDS	32	/* 2048 bits of bitmap */
/* Numbers this far below the highest are always accepted once. */
#define ILB_REPLAY_WINDOW	((ILB_REPLAY_WORDS - 1) * ILB_REPLAY_BITS)

struct ilb_replay {
	__u64 top;			/* highest accepted, 0: none yet */
	__u64 bitmap[ILB_REPLAY_WORDS];
};

void ilb_replay_init(struct ilb_replay *w);

/*
 * Start a window at @seq, the first number heard from a sender (or from
 * its new incarnation): @seq is taken, and everything below it counts as
 * seen. A node that starts listening cannot tell the numbers the sender
 * used before from those it has yet to send, so it refuses the former:
 * a capture replayed to a node that joined after it was made is refused.
 */
void ilb_replay_start(struct ilb_replay *w, __u64 seq);

/* Would @seq (non-zero) be accepted? Reads only. */
int ilb_replay_check(const struct ilb_replay *w, __u64 seq);

/* Accept @seq: 1 if it was new (and is now recorded), 0 if a replay. */
int ilb_replay_update(struct ilb_replay *w, __u64 seq);

#endif /* _ILB_REPLAY_H */
