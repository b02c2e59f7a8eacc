// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ownership core (kmod/owner.c, kmod/hash.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "owner.h"
#include "hash.h"

static uint64_t rng_state = 0x1234567;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct ilb_tuple rnd_tuple(void)
{
	struct ilb_tuple t = {
		.saddr = (uint32_t)rnd(),
		.daddr = htonl(0xc6336401),	/* 198.51.100.1 */
		.sport = (uint16_t)rnd(),
		.dport = htons(80),
	};
	return t;
}

static const __u64 test_key[2] = { 0x0706050403020100ULL,
				      0x0f0e0d0c0b0a0908ULL };

static void set_init(struct ilb_owner_set *s, struct ilb_member *m,
		     unsigned int n, unsigned int mode)
{
	memset(s, 0, sizeof(*s));
	s->members = m;
	s->n = n;
	s->mode = mode;
	s->key[0] = 0x243f6a8885a308d3ULL;
	s->key[1] = 0x13198a2e03707344ULL;
	assert_int_equal(ilb_owner_prepare(s), 0);
}

static void members_seq(struct ilb_member *m, unsigned int n, uint32_t w)
{
	unsigned int i;

	memset(m, 0, sizeof(*m) * n);
	for (i = 0; i < n; i++) {
		m[i].id = 0x0a000001 + i;
		m[i].weight = w;
	}
}

static void test_crc8_check_value(void **state)
{
	(void)state;
	assert_int_equal(ilb_crc8_update(0, (const __u8 *)"123456789", 9), 0xf4);
}

static void test_siphash_vectors(void **state)
{
	/* Reference vectors of SipHash-2-4 and of the kernel's 64-bit
	 * hsiphash (SipHash-1-3, 32-bit output): key 00..0f, input 00..len-1.
	 */
	static const struct { uint32_t len; uint64_t sip24; uint32_t hsip; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL, 0x050fc4dc },
		{ 1, 0x74f839c593dc67fdULL, 0x7d57ca93 },
		{ 7, 0xab0200f58b01d137ULL, 0x9bb11140 },
		{ 8, 0x93f5f5799a932462ULL, 0x8d299a8e },
		{ 15, 0xa129ca6149be45e5ULL, 0x2a519956 },
		{ 16, 0x3f2acc7f57c29bdbULL, 0x7d908b66 },
	};
	__u8 in[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ilb_siphash(test_key, in, v[i].len, 2, 4), v[i].sip24);
		assert_int_equal((uint32_t)ilb_siphash(test_key, in, v[i].len, 1, 3),
				 v[i].hsip);
	}
}

static void test_neglog2(void **state)
{
	double worst = 0;
	uint64_t prev = UINT64_MAX;
	unsigned int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		uint32_t h = i < 100000 ? (uint32_t)rnd() : (uint32_t)(i * 42949u);
		double want = -log2((2.0 * h + 1) / 8589934592.0);
		double got = ilb_neglog2_q32(h) / 4294967296.0;

		if (fabs(got - want) > worst)
			worst = fabs(got - want);
	}
	print_message("# max |error| of -log2 in Q32: %.3g\n", worst);
	assert_true(worst < 1e-5);
	/* monotone non-increasing in h */
	for (i = 0; i < 1u << 20; i++) {
		uint64_t c = ilb_neglog2_q32(i * 4096u);

		assert_true(c <= prev);
		prev = c;
	}
	assert_true(ilb_neglog2_q32(0) == 33ULL << 32);
}

/* Reference ranking straight from the definitions, no shared fast path. */
static void ref_owner(const struct ilb_owner_set *s, const struct ilb_tuple *t,
		      struct ilb_owners *o)
{
	double best = 0, second = 0;
	unsigned int i;

	o->primary = o->backup = -1;
	for (i = 0; i < s->n; i++) {
		const struct ilb_member *m = &s->members[i];
		double sc;

		if (!m->weight)
			continue;
		if (s->mode == ILB_SCORE_CRC8)
			sc = (double)ilb_score_crc8(t, m->id) * m->weight;
		else if (s->uniform)
			sc = ilb_score_hrw32(s->key, t, m->id);
		else	/* higher is better: w / cost */
			sc = (double)m->weight /
			     (double)ilb_neglog2_q32(ilb_score_hrw32(s->key, t, m->id));
#define BETTER(a, ida, b, idb) ((a) > (b) || ((a) == (b) && (ida) > (idb)))
		if (o->primary < 0 ||
		    BETTER(sc, m->id, best, s->members[o->primary].id)) {
			o->backup = o->primary;
			second = best;
			o->primary = i;
			best = sc;
		} else if (o->backup < 0 ||
			   BETTER(sc, m->id, second, s->members[o->backup].id)) {
			o->backup = i;
			second = sc;
		}
	}
}

static void check_against_ref(unsigned int mode, int weighted)
{
	struct ilb_member m[40];
	struct ilb_owner_set s;
	unsigned int i, k;

	for (k = 0; k < 50; k++) {
		unsigned int n = 1 + rnd() % 40;

		members_seq(m, n, 1);
		for (i = 0; i < n; i++) {
			m[i].id = (uint32_t)rnd() | 1;
			if (weighted)
				m[i].weight = rnd() % 5 ? 1 + rnd() % 1000 : 0;
		}
		set_init(&s, m, n, mode);
		for (i = 0; i < 2000; i++) {
			struct ilb_tuple t = rnd_tuple();
			struct ilb_owners a, b;

			ilb_owner_lookup(&s, &t, &a);
			ref_owner(&s, &t, &b);
			assert_int_equal(a.primary, b.primary);
			assert_int_equal(a.backup, b.backup);
		}
	}
}

static void test_fast_path_matches_reference(void **state)
{
	(void)state;
	check_against_ref(ILB_SCORE_CRC8, 0);
	check_against_ref(ILB_SCORE_CRC8, 1);
	check_against_ref(ILB_SCORE_HRW32, 0);
	check_against_ref(ILB_SCORE_HRW32, 1);
}

/* The seed's tie rules, on ties built on purpose with crc8 scores. */
static void test_tie_for_best(void **state)
{
	struct ilb_tuple t = rnd_tuple();
	uint32_t tied[8], low = 0, id;
	struct ilb_member m[8];
	struct ilb_owner_set s;
	struct ilb_owners o;
	unsigned int nt = 0, i;
	__u8 top = 0;

	(void)state;
	for (id = 1; id < 4000; id++)
		if (ilb_score_crc8(&t, id) > top)
			top = ilb_score_crc8(&t, id);
	for (id = 1; id < 4000 && nt < 3; id++)
		if (ilb_score_crc8(&t, id) == top)
			tied[nt++] = id;
	for (id = 1; id < 4000 && !low; id++)
		if (ilb_score_crc8(&t, id) < top / 2)
			low = id;
	assert_int_equal(nt, 3);
	assert_true(low != 0);
	/* lowest tied ID first, so position does not decide */
	memset(m, 0, sizeof(m));
	m[0].id = low;
	for (i = 0; i < 3; i++)
		m[1 + i].id = tied[i];
	for (i = 0; i < 4; i++)
		m[i].weight = 1;
	set_init(&s, m, 4, ILB_SCORE_CRC8);
	assert_int_equal(ilb_owner_lookup(&s, &t, &o), 2);
	assert_int_equal(m[o.primary].id, tied[2]);	/* highest ID */
	assert_int_equal(m[o.backup].id, tied[1]);	/* next highest */
}

static void test_tie_for_second(void **state)
{
	struct ilb_tuple t = rnd_tuple();
	uint32_t tied[3], best = 0, id;
	struct ilb_member m[4];
	struct ilb_owner_set s;
	struct ilb_owners o;
	unsigned int nt = 0, i;
	__u8 top = 0, sec;

	(void)state;
	for (id = 1; id < 4000; id++)
		if (ilb_score_crc8(&t, id) > top) {
			top = ilb_score_crc8(&t, id);
			best = id;
		}
	sec = top - 1;
	for (;; sec--) {
		for (nt = 0, id = 1; id < 4000 && nt < 3; id++)
			if (ilb_score_crc8(&t, id) == sec)
				tied[nt++] = id;
		if (nt == 3)
			break;
	}
	memset(m, 0, sizeof(m));
	for (i = 0; i < 3; i++)
		m[i].id = tied[2 - i];	/* highest tied ID first */
	m[3].id = best;
	for (i = 0; i < 4; i++)
		m[i].weight = 1;
	set_init(&s, m, 4, ILB_SCORE_CRC8);
	assert_int_equal(ilb_owner_lookup(&s, &t, &o), 2);
	assert_int_equal(m[o.primary].id, best);
	assert_int_equal(m[o.backup].id, tied[2]);	/* highest of the tie */
}

static void test_backup_differs_and_deterministic(void **state)
{
	struct ilb_member m[64], p[64];
	struct ilb_owner_set s, sp;
	unsigned int mode, i, k;

	(void)state;
	for (mode = 0; mode < __ILB_SCORE_MAX; mode++) {
		for (k = 0; k < 20; k++) {
			unsigned int n = 2 + rnd() % 63;

			members_seq(m, n, 1);
			for (i = 0; i < n; i++)
				m[i].weight = 1 + (k & 1) * (rnd() % 9);
			/* the same view, listed in another order */
			memcpy(p, m, sizeof(m[0]) * n);
			for (i = n - 1; i > 0; i--) {
				unsigned int j = rnd() % (i + 1);
				struct ilb_member x = p[i];

				p[i] = p[j];
				p[j] = x;
			}
			set_init(&s, m, n, mode);
			set_init(&sp, p, n, mode);
			for (i = 0; i < 5000; i++) {
				struct ilb_tuple t = rnd_tuple();
				struct ilb_owners a, b, c;

				assert_int_equal(ilb_owner_lookup(&s, &t, &a), 2);
				ilb_owner_lookup(&s, &t, &b);
				ilb_owner_lookup(&sp, &t, &c);
				assert_true(a.primary >= 0 && a.backup >= 0);
				assert_int_not_equal(a.primary, a.backup);
				assert_int_equal(a.primary, b.primary);
				assert_int_equal(a.backup, b.backup);
				assert_int_equal(m[a.primary].id, p[c.primary].id);
				assert_int_equal(m[a.backup].id, p[c.backup].id);
			}
		}
	}
}

static void test_weight_zero_never_owns(void **state)
{
	struct ilb_member m[8];
	struct ilb_owner_set s;
	struct ilb_owners o;
	unsigned int mode, i;

	(void)state;
	for (mode = 0; mode < __ILB_SCORE_MAX; mode++) {
		members_seq(m, 8, 3);
		m[2].weight = 0;
		m[5].weight = 0;
		m[7].weight = 0;
		set_init(&s, m, 8, mode);
		for (i = 0; i < 100000; i++) {
			struct ilb_tuple t = rnd_tuple();

			assert_int_equal(ilb_owner_lookup(&s, &t, &o), 2);
			assert_int_not_equal(m[o.primary].weight, 0);
			assert_int_not_equal(m[o.backup].weight, 0);
		}
		/* one member with weight: owns everything, no backup */
		members_seq(m, 3, 0);
		m[1].weight = 7;
		set_init(&s, m, 3, mode);
		for (i = 0; i < 1000; i++) {
			struct ilb_tuple t = rnd_tuple();

			assert_int_equal(ilb_owner_lookup(&s, &t, &o), 1);
			assert_int_equal(o.primary, 1);
			assert_int_equal(o.backup, -1);
		}
		members_seq(m, 3, 0);
		set_init(&s, m, 3, mode);
		assert_int_equal(ilb_owner_lookup(&s, &(struct ilb_tuple){0}, &o), 0);
		assert_int_equal(o.primary, -1);
	}
}

static void test_single_and_empty(void **state)
{
	struct ilb_member m[1];
	struct ilb_owner_set s;
	struct ilb_owners o;
	unsigned int mode, i;

	(void)state;
	for (mode = 0; mode < __ILB_SCORE_MAX; mode++) {
		members_seq(m, 1, 1);
		set_init(&s, m, 1, mode);
		for (i = 0; i < 1000; i++) {
			struct ilb_tuple t = rnd_tuple();

			assert_int_equal(ilb_owner_lookup(&s, &t, &o), 1);
			assert_int_equal(o.primary, 0);
			assert_int_equal(o.backup, -1);
		}
		set_init(&s, NULL, 0, mode);
		assert_int_equal(ilb_owner_lookup(&s, &(struct ilb_tuple){0}, &o), 0);
	}
}

static void test_prepare_rejects_bad_views(void **state)
{
	struct ilb_member m[3];
	struct ilb_owner_set s = { .members = m, .n = 3 };

	(void)state;
	members_seq(m, 3, 1);
	m[2].id = m[0].id;
	assert_int_equal(ilb_owner_prepare(&s), ILB_OWNER_ERR_INVAL);
	members_seq(m, 3, 1);
	m[1].id = 0;
	assert_int_equal(ilb_owner_prepare(&s), ILB_OWNER_ERR_INVAL);
	members_seq(m, 3, 1);
	m[1].weight = ILB_MEMBER_WEIGHT_MAX + 1;
	assert_int_equal(ilb_owner_prepare(&s), ILB_OWNER_ERR_INVAL);
	members_seq(m, 3, 1);
	s.mode = __ILB_SCORE_MAX;
	assert_int_equal(ilb_owner_prepare(&s), ILB_OWNER_ERR_INVAL);
	s.mode = ILB_SCORE_HRW32;
	s.n = ILB_OWNER_MAX_MEMBERS + 1;
	assert_int_equal(ilb_owner_prepare(&s), ILB_OWNER_ERR_INVAL);
	s.n = 3;
	assert_int_equal(ilb_owner_prepare(&s), 0);
}

/* hrw32 is balanced (chi-square near its degrees of freedom); crc8 is not. */
static void test_balance(void **state)
{
	unsigned int cnt[2][8] = { { 0 } }, mode, i, n = 8, flows = 200000;
	struct ilb_member m[8];
	struct ilb_owner_set s;
	double chi2[2] = { 0 };
	unsigned int maxc[2] = { 0 };

	(void)state;
	for (mode = 0; mode < __ILB_SCORE_MAX; mode++) {
		members_seq(m, n, 1);
		set_init(&s, m, n, mode);
		for (i = 0; i < flows; i++) {
			struct ilb_tuple t = rnd_tuple();
			struct ilb_owners o;

			ilb_owner_lookup(&s, &t, &o);
			cnt[mode][o.primary]++;
		}
		for (i = 0; i < n; i++) {
			double d = cnt[mode][i] - (double)flows / n;

			chi2[mode] += d * d / ((double)flows / n);
			if (cnt[mode][i] > maxc[mode])
				maxc[mode] = cnt[mode][i];
		}
		print_message("# %s N=8: chi2/df %.2f, busiest share %.3f\n",
			      mode == ILB_SCORE_CRC8 ? "crc8" : "hrw32",
			      chi2[mode] / (n - 1), (double)maxc[mode] / flows);
	}
	/* p(chi2/7 > 4) is about 1e-4 for a fair assignment */
	assert_true(chi2[ILB_SCORE_HRW32] / (n - 1) < 4);
	assert_true((double)maxc[ILB_SCORE_CRC8] / flows > 0.4);
}

static void test_weights_proportional(void **state)
{
	unsigned int cnt[4] = { 0 }, i, flows = 400000, sumw = 10;
	struct ilb_member m[4];
	struct ilb_owner_set s;

	(void)state;
	members_seq(m, 4, 1);
	for (i = 0; i < 4; i++)
		m[i].weight = i + 1;
	set_init(&s, m, 4, ILB_SCORE_HRW32);
	for (i = 0; i < flows; i++) {
		struct ilb_tuple t = rnd_tuple();
		struct ilb_owners o;

		ilb_owner_lookup(&s, &t, &o);
		cnt[o.primary]++;
	}
	for (i = 0; i < 4; i++) {
		double want = (double)flows * m[i].weight / sumw;

		print_message("# weight %u: %u flows, expected %.0f\n",
			      m[i].weight, cnt[i], want);
		assert_true(fabs(cnt[i] / want - 1) < 0.02);
	}
}

/* Rendezvous: a leave moves only the leaver's flows, a join only to the joiner. */
static void test_minimal_disruption(void **state)
{
	struct ilb_member m[17], l[15];
	struct ilb_owner_set s, sl, sj;
	unsigned int i, k, moved = 0, flows = 100000;

	(void)state;
	for (k = 0; k < 2; k++) {
		members_seq(m, 17, 1);
		for (i = 0; k && i < 17; i++)
			m[i].weight = 1 + i % 4;
		for (i = 0; i < 15; i++)
			l[i] = m[i < 7 ? i : i + 1];	/* member 7 left */
		set_init(&s, m, 16, ILB_SCORE_HRW32);
		set_init(&sl, l, 15, ILB_SCORE_HRW32);
		set_init(&sj, m, 17, ILB_SCORE_HRW32);	/* member 16 joined */
		for (i = 0; i < flows; i++) {
			struct ilb_tuple t = rnd_tuple();
			struct ilb_owners a, b, c;

			ilb_owner_lookup(&s, &t, &a);
			ilb_owner_lookup(&sl, &t, &b);
			ilb_owner_lookup(&sj, &t, &c);
			if (m[a.primary].id != l[b.primary].id) {
				assert_int_equal(m[a.primary].id, m[7].id);
				/* the backup takes over */
				assert_int_equal(l[b.primary].id, m[a.backup].id);
				moved++;
			}
			if (c.primary != a.primary)
				assert_int_equal(c.primary, 16);
		}
	}
	assert_true(moved > 0);
}

static void test_prefix_mask(void **state)
{
	(void)state;
	assert_int_equal(ntohl(ilb_prefix_mask(0)), 0);
	assert_int_equal(ntohl(ilb_prefix_mask(1)), 0x80000000U);
	assert_int_equal(ntohl(ilb_prefix_mask(24)), 0xffffff00U);
	assert_int_equal(ntohl(ilb_prefix_mask(31)), 0xfffffffeU);
	assert_int_equal(ntohl(ilb_prefix_mask(32)), 0xffffffffU);
}

/*
 * A persistent service's key: every connection of one client network to
 * one group has the same owners whatever its ports; other networks and
 * other groups still spread over the members.
 */
static void test_persist_key(void **state)
{
	unsigned int cnt[8] = { 0 }, i, j, n = 8, nets = 80000;
	struct ilb_member m[8];
	struct ilb_owner_set s;
	double chi2 = 0;

	(void)state;
	members_seq(m, n, 1);
	set_init(&s, m, n, ILB_SCORE_HRW32);
	for (i = 0; i < 200; i++) {
		struct ilb_tuple t0 = rnd_tuple(), t;
		struct ilb_owners o0, o;
		__be32 net24 = t0.saddr & htonl(0xffffff00);

		ilb_persist_tuple(t0.saddr, 24, t0.daddr, htons(80), &t);
		assert_int_equal(t.saddr, net24);
		assert_int_equal(t.sport, 0);
		ilb_owner_lookup(&s, &t, &o0);
		for (j = 0; j < 20; j++) {
			struct ilb_tuple u = rnd_tuple();

			/* another host of the /24, another port */
			u.saddr = net24 | (u.saddr & htonl(0xff));
			ilb_persist_tuple(u.saddr, 24, t0.daddr, htons(80),
					  &t);
			ilb_owner_lookup(&s, &t, &o);
			assert_int_equal(o.primary, o0.primary);
			assert_int_equal(o.backup, o0.backup);
		}
	}
	for (i = 0; i < nets; i++) {
		struct ilb_tuple t0 = rnd_tuple(), t;
		struct ilb_owners o;

		ilb_persist_tuple(t0.saddr, 24, t0.daddr,
				  i & 1 ? htons(80) : htons(443), &t);
		ilb_owner_lookup(&s, &t, &o);
		cnt[o.primary]++;
	}
	for (i = 0; i < n; i++) {
		double d = cnt[i] - (double)nets / n;

		chi2 += d * d / ((double)nets / n);
	}
	print_message("# persistent keys of %u /24 networks over N=8: chi2/df %.2f\n",
		      nets, chi2 / (n - 1));
	assert_true(chi2 / (n - 1) < 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc8_check_value),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_neglog2),
		cmocka_unit_test(test_fast_path_matches_reference),
		cmocka_unit_test(test_tie_for_best),
		cmocka_unit_test(test_tie_for_second),
		cmocka_unit_test(test_backup_differs_and_deterministic),
		cmocka_unit_test(test_weight_zero_never_owns),
		cmocka_unit_test(test_single_and_empty),
		cmocka_unit_test(test_prepare_rejects_bad_views),
		cmocka_unit_test(test_balance),
		cmocka_unit_test(test_weights_proportional),
		cmocka_unit_test(test_minimal_disruption),
		cmocka_unit_test(test_prefix_mask),
		cmocka_unit_test(test_persist_key),
	};

	return cmocka_run_group_tests_name("owner", tests, NULL, NULL);
}
