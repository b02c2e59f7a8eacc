// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the replay window (kmod/replay.c): in order, duplicates,
 * out of order within the window, too old, jumps that clear the ring,
 * sequence 0, wrap-around of the ring over many words and of the 64-bit
 * sequence space's top, and a randomized comparison with a reference
 * model (a set of accepted numbers and the highest) over a million
 * operations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay.h"

#define W ILB_REPLAY_WINDOW
#define MODEL_OPS 1000000

static uint64_t rng_state = 0x7e91a7;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * check() predicts update(), and never changes the window; an accepted
 * number is refused from then on.
 */
static int accept_at(struct ilb_replay *w, uint64_t seq, int line)
{
	struct ilb_replay before = *w;
	int c = ilb_replay_check(w, seq), u;

	if (memcmp(&before, w, sizeof(before)))
		fail_msg("line %d: check(%llu) changed the window", line,
			 (unsigned long long)seq);
	u = ilb_replay_update(w, seq);
	if (c != u)
		fail_msg("line %d: check(%llu) = %d but update = %d", line,
			 (unsigned long long)seq, c, u);
	if (!u && memcmp(&before, w, sizeof(before)))
		fail_msg("line %d: refused %llu changed the window", line,
			 (unsigned long long)seq);
	if (u && (ilb_replay_check(w, seq) || ilb_replay_update(w, seq)))
		fail_msg("line %d: %llu accepted twice", line,
			 (unsigned long long)seq);
	return u;
}

#define ACCEPT(w, seq) assert_true(accept_at(w, seq, __LINE__))
#define REFUSE(w, seq) assert_false(accept_at(w, seq, __LINE__))

static void test_init(void **state)
{
	struct ilb_replay w;
	unsigned int i;

	(void)state;
	memset(&w, 0xa5, sizeof(w));
	ilb_replay_init(&w);
	assert_true(w.top == 0);
	for (i = 0; i < ILB_REPLAY_WORDS; i++)
		assert_true(w.bitmap[i] == 0);
	assert_int_equal(ilb_replay_check(&w, 1), 1);
	assert_int_equal(ilb_replay_check(&w, W), 1);
	assert_int_equal(ilb_replay_check(&w, ~0ULL), 1);
	assert_int_equal(ilb_replay_check(&w, 0), 0);
	/* the ring is whole words, the window one word less */
	assert_int_equal(ILB_REPLAY_WORDS & (ILB_REPLAY_WORDS - 1), 0);
	assert_int_equal(W, (ILB_REPLAY_WORDS - 1) * ILB_REPLAY_BITS);
}

static void test_in_order(void **state)
{
	struct ilb_replay w;
	uint64_t s;

	(void)state;
	ilb_replay_init(&w);
	for (s = 1; s <= 100000; s++) {
		ACCEPT(&w, s);
		assert_true(w.top == s);
		REFUSE(&w, s);
		if (s > 1)
			REFUSE(&w, s - 1);
	}
	/* every other number, in order */
	ilb_replay_init(&w);
	for (s = 2; s <= 100000; s += 2)
		ACCEPT(&w, s);
}

static void test_duplicates(void **state)
{
	struct ilb_replay w;
	uint64_t s;

	(void)state;
	ilb_replay_init(&w);
	ACCEPT(&w, 5);
	REFUSE(&w, 5);
	ACCEPT(&w, 7);
	REFUSE(&w, 5);
	REFUSE(&w, 7);
	ACCEPT(&w, 6);
	REFUSE(&w, 6);
	/* duplicates stay refused while the window moves over them */
	for (s = 8; s < 8 + 3 * W; s++) {
		ACCEPT(&w, s);
		REFUSE(&w, s - 1);
		REFUSE(&w, s - (s - 5 < W ? s - 5 : W));
	}
}

static void test_out_of_order(void **state)
{
	static uint64_t perm[W + 1];
	struct ilb_replay w;
	uint64_t top = 10000, t;
	unsigned int i, j;

	(void)state;
	ilb_replay_init(&w);
	ACCEPT(&w, top);
	/* every number of the window, in a random order, once */
	for (i = 0; i <= W; i++)
		perm[i] = top - i;
	for (i = W; i > 0; i--) {
		j = rnd() % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i <= W; i++) {
		if (perm[i] == top)
			REFUSE(&w, perm[i]);
		else
			ACCEPT(&w, perm[i]);
	}
	for (i = 0; i <= W; i++)
		REFUSE(&w, perm[i]);
	assert_true(w.top == top);

	/* swapped pairs, and numbers just below a new top */
	ilb_replay_init(&w);
	for (t = 2; t < 20000; t += 2) {
		ACCEPT(&w, t + 1);
		ACCEPT(&w, t);
		REFUSE(&w, t + 1);
	}
}

static void test_too_old(void **state)
{
	struct ilb_replay w;
	uint64_t top, b;
	unsigned int k;

	(void)state;
	/* the window's edge at every offset of top within its word */
	for (k = 0; k < 2 * ILB_REPLAY_BITS; k++) {
		top = 10 * W + k;
		ilb_replay_init(&w);
		ACCEPT(&w, top);
		REFUSE(&w, top - W - 1);	/* never seen, too old */
		REFUSE(&w, 1);
		assert_int_equal(ilb_replay_check(&w, top - W), 1);
		ACCEPT(&w, top - W + 2);
		ACCEPT(&w, top - 1);
		assert_true(w.top == top);
		/* one step ahead: the edge moves with top */
		ACCEPT(&w, top + 1);
		REFUSE(&w, top - W);		/* never seen, too old now */
		ACCEPT(&w, top + 1 - W);	/* W below: still inside */
		REFUSE(&w, top - W + 2);
		ACCEPT(&w, top + 2 - W + 1);
	}
	/* a low top: nothing is too old yet */
	ilb_replay_init(&w);
	ACCEPT(&w, W);
	for (b = 1; b < W; b++)
		ACCEPT(&w, b);
	ACCEPT(&w, W + 1);
	REFUSE(&w, 1);
}

static void test_jumps(void **state)
{
	static const uint64_t jumps[] = {
		1, 63, 64, 65, W - 1, W, W + 1, W + 64, 2 * W, 100 * W,
		1ULL << 40,
	};
	struct ilb_replay w;
	uint64_t top, s, j, edge;
	unsigned int i, k;

	(void)state;
	for (i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		for (k = 0; k < 3; k++) {
			j = jumps[i];
			ilb_replay_init(&w);
			/* a full window below top, every number seen */
			top = 5 * W + k * 37;
			for (s = top - W; s <= top; s++)
				ACCEPT(&w, s);
			ACCEPT(&w, top + j);
			/* the seen ones are refused: seen, or too old now */
			for (s = top - W; s <= top; s++)
				REFUSE(&w, s);
			/* never seen: accepted in the new window, not below */
			edge = top + j - W;
			for (s = top + 1; s < top + j; s++) {
				if (j > W && s < edge) {
					REFUSE(&w, s);
					if (s == top + 100 && edge > s + 100)
						s = edge - 100;
					continue;
				}
				ACCEPT(&w, s);
			}
		}
	}

	/* a jump far ahead leaves a clear ring behind the new top */
	ilb_replay_init(&w);
	for (s = 1; s <= 5000; s++)
		ACCEPT(&w, s);
	ACCEPT(&w, 5000 + 2 * W);
	for (i = 0, k = 0; i < ILB_REPLAY_WORDS; i++)
		k += w.bitmap[i] != 0;
	assert_int_equal(k, 1);
	for (s = 5000 + W; s < 5000 + 2 * W; s++)
		ACCEPT(&w, s);
	REFUSE(&w, 5000 + W - 1);
}

static void test_zero(void **state)
{
	struct ilb_replay w, before;
	uint64_t s;

	(void)state;
	ilb_replay_init(&w);
	REFUSE(&w, 0);
	assert_true(w.top == 0);
	for (s = 1; s < 100; s++) {
		ACCEPT(&w, s);
		before = w;
		REFUSE(&w, 0);
		assert_memory_equal(&before, &w, sizeof(w));
	}
	/* near the top of the sequence space, 0 is still not next */
	ACCEPT(&w, ~0ULL);
	REFUSE(&w, 0);
	REFUSE(&w, ~0ULL);
}

/* The ring wraps many times: gaps filled late are accepted once. */
static void test_wrap(void **state)
{
	static const uint64_t n = 200ULL * ILB_REPLAY_WORDS * ILB_REPLAY_BITS;
	static uint64_t gaps[1 << 16];
	unsigned int ng, g, keep, pass;
	struct ilb_replay w;
	uint64_t s, i, base;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		/* from 1, and up to the very last sequence number */
		base = pass ? ~0ULL - n : 0;
		ilb_replay_init(&w);
		if (base)
			ACCEPT(&w, base);
		ng = 0;
		for (i = 1; i <= n; i++) {
			s = base + i;
			if (s % 7 == 3 || s % 61 == 0)
				gaps[ng++] = s;		/* later */
			else
				ACCEPT(&w, s);
			if (s % ILB_REPLAY_BITS || ng < 64)
				continue;
			/* fill gaps: inside the window once, older never */
			for (g = 0, keep = 0; g < ng; g++) {
				if (gaps[g] < w.top && w.top - gaps[g] > W) {
					REFUSE(&w, gaps[g]);
				} else if (gaps[g] % 2) {
					ACCEPT(&w, gaps[g]);
				} else {
					gaps[keep++] = gaps[g];
				}
			}
			ng = keep;
			assert_true(ng < 1000);
		}
		assert_true(w.top == base + n);
		for (g = 0; g < ng; g++) {
			if (gaps[g] < w.top && w.top - gaps[g] > W)
				REFUSE(&w, gaps[g]);
			else
				ACCEPT(&w, gaps[g]);
		}
	}
	assert_true(w.top == ~0ULL);
	REFUSE(&w, ~0ULL);
	REFUSE(&w, ~0ULL - 1);
	REFUSE(&w, 0);
}

/* --- the model ---------------------------------------------------------- */

#define SET_BITS 22	/* slots of the reference set */

struct model {
	uint64_t top;
	uint64_t *slot;		/* open addressing, 0: empty */
	unsigned long n;
};

static unsigned long slot_of(uint64_t s)
{
	return (unsigned long)((s * 0x9e3779b97f4a7c15ULL) >> (64 - SET_BITS));
}

static int model_seen(const struct model *m, uint64_t s)
{
	unsigned long i;

	for (i = slot_of(s); m->slot[i]; i = (i + 1) & ((1UL << SET_BITS) - 1))
		if (m->slot[i] == s)
			return 1;
	return 0;
}

/* The reference: new, non-zero, and not more than W below the highest. */
static int model_update(struct model *m, uint64_t s)
{
	unsigned long i;

	if (!s || model_seen(m, s))
		return 0;
	if (s < m->top && m->top - s > W)
		return 0;
	assert_true(m->n < (1UL << SET_BITS) / 2);
	for (i = slot_of(s); m->slot[i]; i = (i + 1) & ((1UL << SET_BITS) - 1))
		;
	m->slot[i] = s;
	m->n++;
	if (s > m->top)
		m->top = s;
	return 1;
}

static void run_model(uint64_t base, uint64_t seed)
{
	unsigned long ops, acc = 0, dup = 0, old = 0, ooo = 0;
	uint64_t recent[64] = { 0 }, s, t, d;
	struct ilb_replay w;
	struct model m = { 0 };
	unsigned int r;
	int want, got;

	rng_state = seed;
	m.slot = calloc(1UL << SET_BITS, sizeof(*m.slot));
	assert_non_null(m.slot);
	ilb_replay_init(&w);
	if (base) {
		assert_int_equal(model_update(&m, base), 1);
		ACCEPT(&w, base);
	}
	for (ops = 0; ops < MODEL_OPS; ops++) {
		t = m.top;
		r = rnd() % 1000;
		if (r < 400) {			/* mostly in order */
			s = t + 1 + rnd() % 4;
		} else if (r < 600) {		/* late, about the window */
			d = rnd() % (W + 200);
			s = d < t ? t - d : rnd() % 4;
		} else if (r < 700) {		/* at the edge */
			d = W - 2 + rnd() % 5;
			s = d < t ? t - d : 1 + rnd() % 4;
		} else if (r < 800) {		/* a duplicate */
			s = recent[rnd() % 64];
		} else if (r < 820) {		/* a jump */
			s = t + rnd() % (3 * W);
		} else if (r < 821) {		/* a long jump */
			s = t + rnd() % (1000 * W);
		} else if (r < 822) {
			s = 0;
		} else if (r < 900) {		/* just below top */
			d = rnd() % 130;
			s = d < t ? t - d : 1;
		} else {			/* anything older */
			s = t ? t - rnd() % t : 1;
		}
		if (s < t && s >= base)
			ooo++;
		want = model_update(&m, s);
		got = ilb_replay_update(&w, s);
		if (want != got)
			fail_msg("op %lu: seq %llu (top %llu): window %d, model %d",
				 ops, (unsigned long long)s,
				 (unsigned long long)t, got, want);
		assert_true(w.top == m.top);
		if (want) {
			acc++;
			recent[rnd() % 64] = s;
		} else if (s && model_seen(&m, s)) {
			dup++;
		} else if (s) {
			old++;
		}
	}
	print_message("# model from %llu: %lu ops, %lu accepted, %lu duplicates, %lu too old, %lu late\n",
		      (unsigned long long)base, ops, acc, dup, old, ooo);
	assert_true(acc > MODEL_OPS / 4);
	assert_true(dup > MODEL_OPS / 20);
	assert_true(old > MODEL_OPS / 50);
	free(m.slot);
}

static void test_model(void **state)
{
	(void)state;
	run_model(0, 0x5eed);
}

static void test_model_high(void **state)
{
	(void)state;
	/* far from 0: the long jumps stay below 2^64 */
	run_model(~0ULL - (1ULL << 40), 0xb16);
}

/*
 * A window started at a sender's first number refuses every number below
 * it (a capture made before the receiver listened), takes the first one,
 * and takes the numbers above it once each, in any order.
 */
static void test_start(void **state)
{
	struct ilb_replay w;
	uint64_t s, base;

	(void)state;
	for (base = 1; base < 200000; base = base * 3 + 7) {
		ilb_replay_start(&w, base);
		assert_int_equal(ilb_replay_check(&w, base), 0);
		for (s = base > 3000 ? base - 3000 : 1; s < base; s++)
			assert_int_equal(ilb_replay_check(&w, s), 0);
		/* above: every one once, backwards within a few words */
		for (s = base + 200; s > base; s--)
			assert_int_equal(ilb_replay_update(&w, s), 1);
		for (s = base + 200; s > base; s--)
			assert_int_equal(ilb_replay_update(&w, s), 0);
		assert_int_equal(ilb_replay_update(&w, base + 201), 1);
	}
	/* the last number of a word, and a window starting at 2^64 - 1 */
	ilb_replay_start(&w, 127);
	assert_int_equal(ilb_replay_update(&w, 128), 1);
	assert_int_equal(ilb_replay_update(&w, 126), 0);
	ilb_replay_start(&w, UINT64_MAX);
	assert_int_equal(ilb_replay_check(&w, UINT64_MAX), 0);
	assert_int_equal(ilb_replay_check(&w, UINT64_MAX - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_too_old),
		cmocka_unit_test(test_jumps),
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_model_high),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
