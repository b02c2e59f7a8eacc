// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ownership (seed 000, figures 2 and 3).
 *
 * Every member scores the connection quadruple against every member ID; the
 * best score is the primary owner, the second best the backup. Scores rank
 * by value, then by ID (higher wins), which is exactly the seed's tie rule:
 * a tie for best makes the highest ID primary and the next highest backup,
 * and a tie for second best makes the highest of those IDs backup.
 *
 * crc8:  score = CRC-8(quad || ID) * weight.
 * hrw32: h = SipHash-1-3(key, quad || ID) truncated to 32 bits (the kernel's
 *        hsiphash on 64-bit). With equal weights the highest h wins; with
 *        unequal weights the smallest -log2(u) / weight wins, u = (2h+1)/2^33
 *        (logarithmic weighted rendezvous: member i wins with probability
 *        w_i / sum(w)).
 */
#include "owner.h"
#include "hash.h"

/* log2(1 + i/256) in Q32, i = 0..256 (checked against libm by the tests). */
static const __u64 ilb_log2_tab[257] = {
	0x000000000ULL, 0x001709c47ULL, 0x002dfca17ULL, 0x0044d8c46ULL,
	0x005b9e5a1ULL, 0x00724d8efULL, 0x0088e68ebULL, 0x009f6984aULL,
	0x00b5d69bbULL, 0x00cc2dfe2ULL, 0x00e26fd5dULL, 0x00f89c4c2ULL,
	0x010eb38a0ULL, 0x0124b5b7eULL, 0x013aa2fddULL, 0x01507b836ULL,
	0x01663f6fbULL, 0x017beee97ULL, 0x01918a16eULL, 0x01a7111dfULL,
	0x01bc84241ULL, 0x01d1e34e3ULL, 0x01e72ec11ULL, 0x01fc66a0fULL,
	0x02118b11aULL, 0x02269c369ULL, 0x023b9a32fULL, 0x025085296ULL,
	0x02655d3c5ULL, 0x027a228dbULL, 0x028ed53f3ULL, 0x02a375721ULL,
	0x02b803474ULL, 0x02cc7edf6ULL, 0x02e0e85aaULL, 0x02f53fd90ULL,
	0x0309857a0ULL, 0x031db95d0ULL, 0x0331dba0fULL, 0x0345ec646ULL,
	0x0359ebc5bULL, 0x036dd9e2fULL, 0x0381b6d9cULL, 0x039582c79ULL,
	0x03a93dc98ULL, 0x03bce7fc7ULL, 0x03d0817cfULL, 0x03e40a672ULL,
	0x03f782d72ULL, 0x040aeae89ULL, 0x041e42b6fULL, 0x04318a5d5ULL,
	0x0444c1f6bULL, 0x0457e99dbULL, 0x046b016caULL, 0x047e097dbULL,
	0x049101eacULL, 0x04a3eacd7ULL, 0x04b6c43f1ULL, 0x04c98e58eULL,
	0x04dc4933bULL, 0x04eef4e83ULL, 0x0501918ecULL, 0x05141f3fbULL,
	0x05269e12fULL, 0x05390e204ULL, 0x054b6f7f1ULL, 0x055dc246dULL,
	0x0570068e8ULL, 0x05823c6d1ULL, 0x059463f92ULL, 0x05a67d492ULL,
	0x05b888736ULL, 0x05ca858dfULL, 0x05dc74aeaULL, 0x05ee55eb1ULL,
	0x06002958cULL, 0x0611ef0cfULL, 0x0623a71ccULL, 0x0635519cfULL,
	0x0646eea24ULL, 0x06587e415ULL, 0x066a008e4ULL, 0x067b759d6ULL,
	0x068cdd82aULL, 0x069e3851cULL, 0x06af861e6ULL, 0x06c0c6fc0ULL,
	0x06d1fafddULL, 0x06e322370ULL, 0x06f43cba8ULL, 0x07054a9b1ULL,
	0x07164beb5ULL, 0x072740bdbULL, 0x073829249ULL, 0x074905320ULL,
	0x0759d4f81ULL, 0x076a98888ULL, 0x077b4ff51ULL, 0x078bfb4f4ULL,
	0x079c9aa88ULL, 0x07ad2e11fULL, 0x07bdb59cdULL, 0x07ce3159fULL,
	0x07dea15a3ULL, 0x07ef05ae4ULL, 0x07ff5e66aULL, 0x080fab93cULL,
	0x081fed45dULL, 0x0830238d0ULL, 0x08404e794ULL, 0x08506e1a8ULL,
	0x086082807ULL, 0x08708bbaaULL, 0x088089d8bULL, 0x08907ce9dULL,
	0x08a064fd5ULL, 0x08b042225ULL, 0x08c01467cULL, 0x08cfdbdc8ULL,
	0x08df988f5ULL, 0x08ef4a8edULL, 0x08fef1e98ULL, 0x090e8eadeULL,
	0x091e20ea1ULL, 0x092da8ac6ULL, 0x093d2602cULL, 0x094c98fb4ULL,
	0x095c01a3aULL, 0x096b6009bULL, 0x097ab43afULL, 0x0989fe451ULL,
	0x09993e356ULL, 0x09a874193ULL, 0x09b79ffdbULL, 0x09c6c1f01ULL,
	0x09d5d9fd5ULL, 0x09e4e8325ULL, 0x09f3ec9bdULL, 0x0a02e746aULL,
	0x0a11d83f5ULL, 0x0a20bf926ULL, 0x0a2f9d4c5ULL, 0x0a3e71797ULL,
	0x0a4d3c25eULL, 0x0a5bfd5dfULL, 0x0a6ab52daULL, 0x0a7963a0dULL,
	0x0a8808c38ULL, 0x0a96a4a17ULL, 0x0aa537465ULL, 0x0ab3c0bdcULL,
	0x0ac241135ULL, 0x0ad0b8526ULL, 0x0adf26866ULL, 0x0aed8bba8ULL,
	0x0afbe7fa1ULL, 0x0b0a3b502ULL, 0x0b1885c7bULL, 0x0b26c76bcULL,
	0x0b3500472ULL, 0x0b433064bULL, 0x0b5157cf3ULL, 0x0b5f76913ULL,
	0x0b6d8cb54ULL, 0x0b7b9a45eULL, 0x0b899f4d9ULL, 0x0b979bd69ULL,
	0x0ba58feb2ULL, 0x0bb37b959ULL, 0x0bc15edffULL, 0x0bcf39d45ULL,
	0x0bdd0c7caULL, 0x0bead6e2dULL, 0x0bf89910cULL, 0x0c0653103ULL,
	0x0c1404eaeULL, 0x0c21aeaa6ULL, 0x0c2f50586ULL, 0x0c3ce9fe4ULL,
	0x0c4a7ba58ULL, 0x0c5805579ULL, 0x0c65871daULL, 0x0c7301011ULL,
	0x0c80730b0ULL, 0x0c8ddd449ULL, 0x0c9b3fb6dULL, 0x0ca89a6acULL,
	0x0cb5ed695ULL, 0x0cc338bb7ULL, 0x0cd07c69eULL, 0x0cddb87d6ULL,
	0x0ceaecfebULL, 0x0cf819f66ULL, 0x0d053f6d2ULL, 0x0d125d6b7ULL,
	0x0d1f73f9cULL, 0x0d2c83209ULL, 0x0d398ae81ULL, 0x0d468b58cULL,
	0x0d53847acULL, 0x0d6076565ULL, 0x0d6d60f39ULL, 0x0d7a445a9ULL,
	0x0d8720936ULL, 0x0d93f5a60ULL, 0x0da0c39a5ULL, 0x0dad8a784ULL,
	0x0dba4a47bULL, 0x0dc703104ULL, 0x0dd3b4d9dULL, 0x0de05fac0ULL,
	0x0ded038e6ULL, 0x0df9a088aULL, 0x0e0636a24ULL, 0x0e12c5e2bULL,
	0x0e1f4e517ULL, 0x0e2bcff5eULL, 0x0e384ad75ULL, 0x0e44befd0ULL,
	0x0e512c6e5ULL, 0x0e5d93326ULL, 0x0e69f3506ULL, 0x0e764ccf7ULL,
	0x0e829fb69ULL, 0x0e8eec0ceULL, 0x0e9b31d94ULL, 0x0ea77122bULL,
	0x0eb3a9f02ULL, 0x0ebfdc485ULL, 0x0ecc08322ULL, 0x0ed82db45ULL,
	0x0ee44cd5aULL, 0x0ef0659ccULL, 0x0efc78104ULL, 0x0f088436dULL,
	0x0f148a170ULL, 0x0f2089b75ULL, 0x0f2c831e4ULL, 0x0f3876524ULL,
	0x0f446359bULL, 0x0f504a3afULL, 0x0f5c2afc6ULL, 0x0f6805a44ULL,
	0x0f73da38eULL, 0x0f7fa8c05ULL, 0x0f8b7140fULL, 0x0f9733c0cULL,
	0x0fa2f045eULL, 0x0faea6d67ULL, 0x0fba57787ULL, 0x0fc60231eULL,
	0x0fd1a708cULL, 0x0fdd4602eULL, 0x0fe8df264ULL, 0x0ff47278bULL,
	0x100000000ULL,
};

/* -log2((2h + 1) / 2^33) in Q32: the hrw32 cost, always < 33 << 32. */
__u64 ilb_neglog2_q32(__u32 h)
{
	__u64 x = 2ULL * h + 1;
	unsigned int k = 63 - __builtin_clzll(x);
	__u64 r = x << (63 - k);
	__u32 i = (r >> 55) & 0xff;
	__u64 t = (r >> 23) & 0xffffffffULL;
	__u64 lo = ilb_log2_tab[i], hi = ilb_log2_tab[i + 1];
	__u64 frac = lo + (((hi - lo) * t) >> 32);

	return (33ULL << 32) - (((__u64)k << 32) + frac);
}

void ilb_tuple_quad(const struct ilb_tuple *t, __u8 q[12])
{
	const __u8 *sa = (const __u8 *)&t->saddr, *da = (const __u8 *)&t->daddr;
	const __u8 *sp = (const __u8 *)&t->sport, *dp = (const __u8 *)&t->dport;
	int i;

	for (i = 0; i < 4; i++) {
		q[i] = sa[i];
		q[6 + i] = da[i];
	}
	q[4] = sp[0];
	q[5] = sp[1];
	q[10] = dp[0];
	q[11] = dp[1];
}

static void ilb_id_bytes(__u32 id, __u8 b[4])
{
	b[0] = id >> 24;
	b[1] = id >> 16;
	b[2] = id >> 8;
	b[3] = id;
}

__u8 ilb_score_crc8(const struct ilb_tuple *t, __u32 id)
{
	__u8 q[12], b[4];

	ilb_tuple_quad(t, q);
	ilb_id_bytes(id, b);
	return ilb_crc8_update(ilb_crc8_update(0, q, 12), b, 4);
}

__u32 ilb_score_hrw32(const __u64 key[2], const struct ilb_tuple *t, __u32 id)
{
	__u8 m[16];

	ilb_tuple_quad(t, m);
	ilb_id_bytes(id, m + 12);
	return (__u32)ilb_siphash(key, m, 16, 1, 3);
}

int ilb_owner_prepare(struct ilb_owner_set *set)
{
	__u32 i, j, w = 0;
	__u8 b[4];

	if (set->mode >= __ILB_SCORE_MAX || set->n > ILB_OWNER_MAX_MEMBERS ||
	    (set->n && !set->members))
		return ILB_OWNER_ERR_INVAL;
	set->uniform = 1;
	for (i = 0; i < set->n; i++) {
		struct ilb_member *m = &set->members[i];

		if (!m->id || m->weight > ILB_MEMBER_WEIGHT_MAX)
			return ILB_OWNER_ERR_INVAL;
		for (j = 0; j < i; j++)
			if (set->members[j].id == m->id)
				return ILB_OWNER_ERR_INVAL;
		ilb_id_bytes(m->id, b);
		m->sip_id = (__u32)b[0] | (__u32)b[1] << 8 |
			    (__u32)b[2] << 16 | (__u32)b[3] << 24;
		m->crc_id = ilb_crc8_update(0, b, 4);
		if (m->weight) {
			if (w && m->weight != w)
				set->uniform = 0;
			w = m->weight;
		}
	}
	return 0;
}

/*
 * Is candidate a (score ka) ahead of b (score kb)? Keys rank higher-first;
 * in weighted hrw32 the score is a cost and cost / weight ranks lower-first.
 * Equal ranks go to the higher ID.
 */
static inline int ilb_better(int cost, __u64 ka, const struct ilb_member *a,
			     __u64 kb, const struct ilb_member *b)
{
	if (cost) {
		__u64 x = ka * b->weight, y = kb * a->weight;

		return x < y || (x == y && a->id > b->id);
	}
	return ka > kb || (ka == kb && a->id > b->id);
}

int ilb_owner_lookup(const struct ilb_owner_set *set,
		     const struct ilb_tuple *t, struct ilb_owners *o)
{
	const struct ilb_member *m = set->members;
	int crc = set->mode == ILB_SCORE_CRC8;
	int cost = !crc && !set->uniform;
	__u64 k, kp = 0, kb = 0, m1 = 0;
	struct ilb_sip s0, s;
	__u8 q[12], c = 0;
	int i;

	o->primary = -1;
	o->backup = -1;
	ilb_tuple_quad(t, q);
	if (crc) {
		static const __u8 zero[4];

		/* CRC is linear: crc(q || id) = shift4(crc(q)) ^ crc(id). */
		c = ilb_crc8_update(ilb_crc8_update(0, q, 12), zero, 4);
	} else {
		ilb_sip_init(&s0, set->key);
		ilb_sip_compress(&s0, ilb_le64(q), 1);
		m1 = (__u64)q[8] | (__u64)q[9] << 8 | (__u64)q[10] << 16 |
		     (__u64)q[11] << 24;
	}

	for (i = 0; i < (int)set->n; i++) {
		if (!m[i].weight)
			continue;
		if (crc) {
			k = (__u64)(__u8)(c ^ m[i].crc_id) * m[i].weight;
		} else {
			s = s0;
			ilb_sip_compress(&s, m1 | (__u64)m[i].sip_id << 32, 1);
			k = (__u32)ilb_sip_final(&s, 16ULL << 56, 1, 3);
			if (cost)
				k = ilb_neglog2_q32(k);
		}
		if (o->primary < 0 || ilb_better(cost, k, &m[i], kp, &m[o->primary])) {
			o->backup = o->primary;
			kb = kp;
			o->primary = i;
			kp = k;
		} else if (o->backup < 0 ||
			   ilb_better(cost, k, &m[i], kb, &m[o->backup])) {
			o->backup = i;
			kb = k;
		}
	}
	return (o->primary >= 0) + (o->backup >= 0);
}

#define ILB_KEY_SALT0	0x696c622d636c7573ULL	/* "ilb-clus" */
#define ILB_KEY_SALT1	0x7465722d6b657921ULL	/* "ter-key!" */

void ilb_owner_cluster_key(__u32 cluster, __u64 key[2])
{
	key[0] = ILB_KEY_SALT0 ^ cluster;
	key[1] = ILB_KEY_SALT1 ^ ((__u64)cluster << 32);
}

__u32 ilb_view_epoch(const struct ilb_member *members, __u32 n, __u32 mode)
{
	static const __u64 key[2] = { ILB_KEY_SALT1, ILB_KEY_SALT0 };
	struct ilb_sip s;
	__u32 i, e;

	ilb_sip_init(&s, key);
	ilb_sip_compress(&s, (__u64)mode << 32 | n, 1);
	for (i = 0; i < n; i++)
		ilb_sip_compress(&s, (__u64)members[i].id << 32 |
				 members[i].weight, 1);
	e = (__u32)ilb_sip_final(&s, (__u64)(n + 1) << 59, 1, 3);
	return e ? e : 1;
}

__be32 ilb_prefix_mask(__u8 plen)
{
	__u32 m = plen >= 32 ? 0xffffffffU : plen ? ~0U << (32 - plen) : 0;
	__u8 b[4] = { m >> 24, m >> 16, m >> 8, m };
	__be32 r;

	__builtin_memcpy(&r, b, sizeof(r));
	return r;
}

void ilb_persist_tuple(__be32 caddr, __u8 plen, __be32 vaddr, __be16 group,
		       struct ilb_tuple *t)
{
	t->saddr = caddr & ilb_prefix_mask(plen);
	t->daddr = vaddr;
	t->sport = 0;
	t->dport = group;
}
