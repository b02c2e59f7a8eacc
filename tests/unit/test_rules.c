// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cluster's decision rules (kmod/rules.c): the role a
 * member gives an entry, which of two persistence copies wins, and who
 * sends what on a view change. The transfer rule is checked as a whole:
 * over random views that lose, gain and restart members, with owners from
 * the real ownership core, every new owner of every entry ends up holding
 * it as long as one holder survives, and one holder sends when it can.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "owner.h"
#include "rules.h"

static uint64_t rng_state = 0x7e57;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void test_role(void **state)
{
	(void)state;
	assert_int_equal(ilb_rule_role(1, 1, 2, 1), ILB_ROLE_OWNED);
	assert_int_equal(ilb_rule_role(2, 1, 2, 1), ILB_ROLE_BACKUP);
	assert_int_equal(ilb_rule_role(3, 1, 2, 1), ILB_ROLE_CACHE);
	assert_int_equal(ilb_rule_role(3, 1, 2, 0), ILB_ROLE_LOCAL);
	assert_int_equal(ilb_rule_role(1, 1, 0, 0), ILB_ROLE_OWNED);
}

static void test_take_copy(void **state)
{
	(void)state;
	/* in use here: ours stays, however fresh the other */
	assert_false(ilb_rule_take_copy(1, 0, 0));
	/* the more recently used copy wins; a tie takes the received one */
	assert_true(ilb_rule_take_copy(0, 10, 3));
	assert_true(ilb_rule_take_copy(0, 3, 3));
	assert_false(ilb_rule_take_copy(0, 3, 10));
}

#define MAXM	10

struct view {
	struct ilb_member m[MAXM];
	unsigned int n;
	struct ilb_owner_set set;
};

static void view_init(struct view *v, const uint32_t *ids, unsigned int n)
{
	unsigned int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < n; i++) {
		v->m[i].id = ids[i];
		v->m[i].weight = 1 + rnd() % 3;
	}
	v->n = n;
	v->set.members = v->m;
	v->set.n = n;
	v->set.mode = ILB_SCORE_HRW32;
	v->set.key[0] = 0x243f6a8885a308d3ULL;
	v->set.key[1] = 0x13198a2e03707344ULL;
	assert_int_equal(ilb_owner_prepare(&v->set), 0);
}

static void owners(const struct view *v, const struct ilb_tuple *t,
		   uint32_t *p, uint32_t *b)
{
	struct ilb_owners o;

	ilb_owner_lookup(&v->set, t, &o);
	*p = o.primary >= 0 ? v->m[o.primary].id : 0;
	*b = o.backup >= 0 ? v->m[o.backup].id : 0;
}

static int in_ids(const uint32_t *ids, unsigned int n, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * Random view changes: from an old view, members leave, join, or restart
 * (in both views, their table lost); entries are held by their old
 * owners and some caches. Every surviving holder runs the plan.
 */
static void test_transfer_plan(void **state)
{
	unsigned long changes = 0, entries = 0, sent = 0, lost = 0;
	unsigned int round;

	(void)state;
	for (round = 0; round < 4000; round++) {
		uint32_t old_ids[MAXM], new_ids[MAXM], reset[MAXM];
		unsigned int n0 = 1 + rnd() % 6, n1 = 0, nreset = 0, i, e;
		struct view v0, v1;

		for (i = 0; i < n0; i++)
			old_ids[i] = 100 + i;
		/* each old member stays (maybe restarted) or leaves */
		for (i = 0; i < n0; i++) {
			unsigned int fate = rnd() % 6;

			if (fate == 0)
				continue;		/* left or died */
			new_ids[n1++] = old_ids[i];
			if (fate == 1)
				reset[nreset++] = old_ids[i];
		}
		/* and some join */
		for (i = rnd() % 3; i > 0 && n1 < MAXM; i--)
			new_ids[n1++] = 200 + round % 50 * 4 + i;
		if (!n1)
			continue;
		view_init(&v0, old_ids, n0);
		view_init(&v1, new_ids, n1);
		changes++;
		for (e = 0; e < 20; e++) {
			struct ilb_tuple t = {
				.saddr = (uint32_t)rnd(),
				.daddr = htonl(0xc6336401),
				.sport = (uint16_t)rnd(),
				.dport = htons(80),
			};
			uint32_t p0, b0, p, b, holders[MAXM], got[2 * MAXM];
			unsigned int nh = 0, ngot = 0, nsend = 0, h, k;
			int any;

			owners(&v0, &t, &p0, &b0);
			owners(&v1, &t, &p, &b);
			/* who holds it now: p0, b0, maybe caches; not the
			 * departed nor the restarted
			 */
			for (i = 0; i < n0; i++) {
				uint32_t id = old_ids[i];
				int held = id == p0 || id == b0 ||
					   rnd() % 3 == 0;

				if (held && in_ids(new_ids, n1, id) &&
				    !in_ids(reset, nreset, id))
					holders[nh++] = id;
			}
			entries++;
			for (h = 0; h < nh; h++) {
				struct ilb_xfer x = {
					.me = holders[h],
					.old_role = holders[h] == p0 ?
						ILB_ROLE_OWNED :
						holders[h] == b0 ?
						ILB_ROLE_BACKUP :
						ILB_ROLE_CACHE,
					.p0 = p0, .b0 = b0,
					.p0_holds = in_ids(holders, nh, p0),
					.b0_holds = b0 && in_ids(holders, nh, b0),
					.primary = p, .backup = b,
				};

				ilb_xfer_plan(&x);
				if (!x.send)
					continue;
				nsend++;
				for (k = 0; k < 2; k++) {
					assert_true(x.to[k] != x.me);
					if (x.to[k]) {
						got[ngot++] = x.to[k];
						sent++;
					}
				}
				/* the old primary sends alone, if it is there */
				if (in_ids(holders, nh, p0))
					assert_int_equal(x.me, p0);
			}
			any = nh > 0;
			if (!any) {
				lost++;	/* nobody left holding it */
				continue;
			}
			assert_true(nsend >= 1);
			if (in_ids(holders, nh, p0) ||
			    (b0 && in_ids(holders, nh, b0)))
				assert_int_equal(nsend, 1);
			/* each new owner holds it, or is sent it */
			assert_true(in_ids(holders, nh, p) ||
				    in_ids(got, ngot, p));
			if (b)
				assert_true(in_ids(holders, nh, b) ||
					    in_ids(got, ngot, b));
		}
	}
	print_message("# %lu view changes, %lu entries: %lu copies sent, %lu entries with no holder left\n",
		      changes, entries, sent, lost);
	assert_true(sent > 0 && lost < entries / 4);
}

/* A member that held an entry alone before it joined sends it to both. */
static void test_transfer_from_standalone(void **state)
{
	struct ilb_xfer x = {
		.me = 1, .old_role = ILB_ROLE_LOCAL,
		.primary = 2, .backup = 3,
	};

	(void)state;
	ilb_xfer_plan(&x);
	assert_true(x.send);
	assert_int_equal(x.to[0], 2);
	assert_int_equal(x.to[1], 3);
	x.primary = 1;
	x.backup = 2;
	ilb_xfer_plan(&x);
	assert_true(x.send);
	assert_int_equal(x.to[0], 0);
	assert_int_equal(x.to[1], 2);
}

/*
 * max-conns: a server's count climbs from 0 past its limit and falls back
 * to 0; it is overloaded from max on and until the count is below min
 * (3/4 of max when min is 0), and never without a limit.
 */
static void test_overloaded(void **state)
{
	static const uint32_t lim[][3] = {	/* max, min, effective min */
		{ 100, 0, 75 }, { 100, 50, 50 }, { 100, 99, 99 }, { 1, 0, 1 },
		{ 4, 0, 3 }, { 16777216, 0, 12582912 },
	};
	unsigned int i;
	uint32_t n, top;
	int was;

	(void)state;
	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		uint32_t max = lim[i][0], min = lim[i][1], eff = lim[i][2];

		top = max + 10;
		was = 0;
		for (n = 0; n <= top; n += max > 1000 ? 4093 : 1) {
			was = ilb_rule_overloaded(was, n, max, min);
			if (was != (n >= max))
				fail_msg("max %u: at %u climbing, overloaded %d",
					 max, n, was);
		}
		was = ilb_rule_overloaded(was, top, max, min);
		assert_true(was);
		for (n = top; ; n -= max > 1000 ? 4093 : 1) {
			was = ilb_rule_overloaded(was, n, max, min);
			if (was != (n >= eff))
				fail_msg("max %u min %u: at %u falling, overloaded %d",
					 max, min, n, was);
			if (n < (max > 1000 ? 4093U : 1U))
				break;
		}
		/* once below min, it stays open on the way up to max */
		was = ilb_rule_overloaded(0, eff, max, min);
		assert_int_equal(was, eff >= max);
	}
	for (n = 0; n < 100; n++) {
		assert_false(ilb_rule_overloaded(0, n * 1000003, 0, 0));
		assert_false(ilb_rule_overloaded(1, n * 1000003, 0, 5));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role),
		cmocka_unit_test(test_take_copy),
		cmocka_unit_test(test_transfer_plan),
		cmocka_unit_test(test_transfer_from_standalone),
		cmocka_unit_test(test_overloaded),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
