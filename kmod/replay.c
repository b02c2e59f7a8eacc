// SPDX-License-Identifier: GPL-2.0
/*
 * Sliding replay window (RFC 6479): a ring of bitmap words that moves
 * forward a word at a time, so a jump ahead clears only the words it
 * passes. Runs in softirq in the module, under the sender's lock.
 */
#include "replay.h"

#define RING_MASK	(ILB_REPLAY_WORDS - 1)

void ilb_replay_init(struct ilb_replay *w)
{
	unsigned int i;

	w->top = 0;
	for (i = 0; i < ILB_REPLAY_WORDS; i++)
		w->bitmap[i] = 0;
}

static unsigned int word_of(__u64 seq)
{
	return (unsigned int)(seq / ILB_REPLAY_BITS) & RING_MASK;
}

static __u64 bit_of(__u64 seq)
{
	return 1ULL << (seq % ILB_REPLAY_BITS);
}

void ilb_replay_start(struct ilb_replay *w, __u64 seq)
{
	unsigned int i;

	w->top = seq;
	for (i = 0; i < ILB_REPLAY_WORDS; i++)
		w->bitmap[i] = ~0ULL;
	/* in its own word, the numbers above it are still to come */
	w->bitmap[word_of(seq)] = (bit_of(seq) << 1) - 1;
}

int ilb_replay_check(const struct ilb_replay *w, __u64 seq)
{
	if (!seq)
		return 0;
	if (seq > w->top)
		return 1;
	if (w->top - seq > ILB_REPLAY_WINDOW)
		return 0;	/* too old to tell: refused */
	return !(w->bitmap[word_of(seq)] & bit_of(seq));
}

int ilb_replay_update(struct ilb_replay *w, __u64 seq)
{
	__u64 cur, next, n;
	unsigned int i;

	if (!ilb_replay_check(w, seq))
		return 0;
	if (seq > w->top) {
		cur = w->top / ILB_REPLAY_BITS;
		next = seq / ILB_REPLAY_BITS;
		n = next - cur;
		if (n > ILB_REPLAY_WORDS)
			n = ILB_REPLAY_WORDS;
		/* the words passed over hold numbers never seen */
		for (i = 1; i <= n; i++)
			w->bitmap[(cur + i) & RING_MASK] = 0;
		w->top = seq;
	}
	w->bitmap[word_of(seq)] |= bit_of(seq);
	return 1;
}
