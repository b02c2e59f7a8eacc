// SPDX-License-Identifier: GPL-2.0
/*
 * ilbsim: userspace simulator for the connection ownership core.
 *
 * Generates random TCP flows towards one VIP service (198.51.100.1:80, random
 * source address and port) and runs them through kmod/owner.c for each member
 * count and score mode. It reports how evenly primary ownership is spread,
 * how that compares with the noise floor of a perfectly fair random
 * assignment, how many flows move when a member leaves or joins, how closely
 * a weighted view follows its weights and what a lookup costs.
 *
 * Runs are reproducible: flows, the hrw32 cluster key and the noise floor all
 * come from splitmix64 streams derived from the seed (-s).
 *
 * The owners mode (ilbsim owners -h) instead reads connection tuples from
 * stdin and prints each one's primary and backup owner in a given view, as
 * every member of that cluster computes them; the VM tests compare it with
 * what the nodes report.
 *
 * Build: make build/ilbsim
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ctype.h>
#include <arpa/inet.h>

#include "owner.h"
#include "sim.h"

#define SIM_DEF_FLOWS		1000000UL
#define SIM_MAX_FLOWS		100000000UL
#define SIM_DEF_NLIST		"2,3,4,8,16,64,256"
#define SIM_MAX_N		(ILB_OWNER_MAX_MEMBERS - 1) /* + the joiner */
#define SIM_FLOOR_TRIALS	5
#define SIM_WARMUP		20000	/* untimed lookups per pass */
#define SIM_FLOOR_SALT		0x666c6f6f722d2d21ULL	/* "floor--!" */

#define SIM_MODE_HRW32		(1U << ILB_SCORE_HRW32)
#define SIM_MODE_CRC8		(1U << ILB_SCORE_CRC8)

struct sim_opts {
	unsigned long flows;
	unsigned int *nv;	/* member counts */
	unsigned int nn;
	unsigned int modes;	/* SIM_MODE_* */
	__u64 seed;
	int json;
};

/* Invariant counters, summed over every view of a row. */
struct sim_check {
	unsigned long long bkp_eq_pri;	/* backup == primary */
	unsigned long long no_bkp;	/* no backup in a view of >= 2 members */
	unsigned long long no_pri;	/* no primary in a non-empty view */
	__u64 sum;			/* lookup checksum, keeps the loop */
};

struct sim_row {
	const char *mode;
	unsigned int n;
	double max_mean, min_mean, floor, max_floor, chi2_df;
	double leave, leave_ideal, join, join_ideal, werr, ns;
	struct sim_check chk;
};

static const char *const sim_mode_name[__ILB_SCORE_MAX] = {
	[ILB_SCORE_HRW32] = "hrw32",
	[ILB_SCORE_CRC8] = "crc8",
};


static double sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *sim_alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "ilbsim: out of memory\n");
		exit(1);
	}
	return p;
}

static void sim_usage(FILE *f)
{
	fprintf(f,
"usage: ilbsim [-f FLOWS] [-n LIST] [-m MODE] [-s SEED] [-j] [-h]\n"
"       ilbsim owners [-m hrw32|crc8] [-c CLUSTER] MEMBERS  (ilbsim owners -h)\n"
"       ilbsim persist [...]  persistence's balance cost (ilbsim persist -h)\n"
"  -f FLOWS  random TCP flows to 198.51.100.1:80 (default %lu, max %lu)\n"
"  -n LIST   comma-separated member counts, 1..%d (default %s)\n"
"  -m MODE   hrw32, crc8 or both (default both)\n"
"  -s SEED   splitmix64 seed (default 1); the hrw32 key is the first two\n"
"            outputs of splitmix64 seeded with SEED ^ 0x%016llx\n"
"  -j        JSON output instead of the table\n"
"  -h        this help\n"
"Members are 10.0.0.1, 10.0.0.2, ... with weight 1. Columns:\n"
"  max/mean, min/mean  largest/smallest primary count over the mean\n"
"  floor      mean max/mean of a fair uniform random assignment (%d trials)\n"
"  max/floor  max/mean divided by floor\n"
"  chi2/df    Pearson chi-square of the primary counts vs uniform / (N-1)\n"
"  leave      share of flows whose primary changes when the member at\n"
"             index N/2 leaves (ideal 1/N)\n"
"  join       share of flows whose primary changes when member N+1\n"
"             joins (ideal 1/(N+1))\n"
"  wErr%%      max |share/expected - 1| with weights 1 + (i %% 4)\n"
"  ns/lookup  wall-clock ns per ilb_owner_lookup(), equal weights\n"
"  bkp==pri   flows with backup == primary, all views (must be 0)\n"
"  nobkp      flows without backup, all views of >= 2 members (must be 0)\n",
		SIM_DEF_FLOWS, SIM_MAX_FLOWS, SIM_MAX_N, SIM_DEF_NLIST,
		(unsigned long long)SIM_KEY_SALT, SIM_FLOOR_TRIALS);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
sim_bad(const char *fmt, ...)
{
	va_list ap;

	fputs("ilbsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try -h)\n", stderr);
	exit(2);
}

static int sim_parse_u64(const char *s, int base, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

static void sim_parse_nlist(struct sim_opts *o, const char *arg)
{
	const char *p = arg;
	unsigned int cnt = 1;
	char *end;

	for (p = arg; *p; p++)
		cnt += *p == ',';
	free(o->nv);
	o->nv = sim_alloc(cnt, sizeof(*o->nv));
	o->nn = 0;
	for (p = arg; ; p = end + 1) {
		unsigned long v;

		if (*p < '0' || *p > '9')
			sim_bad("bad -n list '%s': want numbers 1..%d", arg,
				SIM_MAX_N);
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || (*end && *end != ',') || v < 1 || v > SIM_MAX_N)
			sim_bad("bad -n list '%s': want numbers 1..%d", arg,
				SIM_MAX_N);
		o->nv[o->nn++] = v;
		if (!*end)
			break;
	}
}

static void sim_parse(struct sim_opts *o, int argc, char **argv)
{
	unsigned long long v;
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, ":f:n:m:s:jh")) != -1) {
		switch (c) {
		case 'f':
			if (sim_parse_u64(optarg, 10, &v) || !v ||
			    v > SIM_MAX_FLOWS)
				sim_bad("bad -f '%s': want 1..%lu", optarg,
					SIM_MAX_FLOWS);
			o->flows = v;
			break;
		case 'n':
			sim_parse_nlist(o, optarg);
			break;
		case 'm':
			if (!strcmp(optarg, "hrw32"))
				o->modes = SIM_MODE_HRW32;
			else if (!strcmp(optarg, "crc8"))
				o->modes = SIM_MODE_CRC8;
			else if (!strcmp(optarg, "both"))
				o->modes = SIM_MODE_HRW32 | SIM_MODE_CRC8;
			else
				sim_bad("bad -m '%s': want hrw32, crc8 or both",
					optarg);
			break;
		case 's':
			if (sim_parse_u64(optarg, 0, &v))
				sim_bad("bad -s '%s': want an unsigned 64-bit number",
					optarg);
			o->seed = v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			sim_usage(stdout);
			free(o->nv);
			exit(0);
		case ':':
			sim_bad("option -%c needs an argument", optopt);
		default:
			sim_bad("unknown option -%c", optopt);
		}
	}
	if (optind < argc)
		sim_bad("unexpected argument '%s'", argv[optind]);
}

/* The flows: random source address and port, one VIP service. */
static struct ilb_tuple *sim_flows(unsigned long nf, __u64 seed)
{
	struct ilb_tuple *t = sim_alloc(nf, sizeof(*t));
	__u64 s = seed;
	unsigned long i;

	for (i = 0; i < nf; i++) {
		__u64 r = sim_rand(&s);

		t[i].saddr = htonl((__u32)r);
		t[i].sport = htons((__u16)(r >> 32));
		t[i].daddr = htonl(SIM_VIP);
		t[i].dport = htons(SIM_VPORT);
	}
	return t;
}

/* Mean max/mean of FLOWS flows thrown uniformly at random on n members. */
static double sim_floor(unsigned long nf, unsigned int n, __u64 seed)
{
	unsigned long *cnt = sim_alloc(n, sizeof(*cnt));
	__u64 s = seed ^ SIM_FLOOR_SALT ^ ((__u64)n << 32);
	double sum = 0;
	unsigned long i, max;
	int trial;

	for (trial = 0; trial < SIM_FLOOR_TRIALS; trial++) {
		memset(cnt, 0, n * sizeof(*cnt));
		for (i = 0; i < nf; i++)
			cnt[sim_below(&s, n)]++;
		for (max = 0, i = 0; i < n; i++)
			if (cnt[i] > max)
				max = cnt[i];
		sum += max / ((double)nf / n);
	}
	free(cnt);
	return sum / SIM_FLOOR_TRIALS;
}

static void sim_view(struct ilb_owner_set *set, struct ilb_member *m,
		     unsigned int n, unsigned int mode, const __u64 key[2])
{
	set->members = m;
	set->n = n;
	set->mode = mode;
	set->key[0] = key[0];
	set->key[1] = key[1];
	if (ilb_owner_prepare(set) < 0) {
		fprintf(stderr, "ilbsim: ilb_owner_prepare(n=%u) failed\n", n);
		exit(1);
	}
}

/*
 * Look every flow up in one view; primaries go to pri[]. Returns the
 * wall-clock time of the lookup loop alone, in ns.
 */
static double sim_pass(const struct ilb_owner_set *set,
		       const struct ilb_tuple *t, unsigned long nf,
		       __s16 *pri, __s16 *bkp, struct sim_check *chk)
{
	struct ilb_owners o;
	__u64 sum = 0;
	unsigned long i;
	double t0, t1;

	/* Untimed warm-up: caches, branch predictors, CPU clock. */
	for (i = 0; i < nf && i < SIM_WARMUP; i++)
		sum += ilb_owner_lookup(set, &t[i], &o);
	t0 = sim_now_ns();
	for (i = 0; i < nf; i++) {
		sum += ilb_owner_lookup(set, &t[i], &o) + o.primary;
		pri[i] = o.primary;
		bkp[i] = o.backup;
	}
	t1 = sim_now_ns();
	chk->sum += sum;

	for (i = 0; i < nf; i++) {
		if (pri[i] >= 0 && bkp[i] == pri[i])
			chk->bkp_eq_pri++;
		if (set->n >= 2 && bkp[i] < 0)
			chk->no_bkp++;
		if (set->n >= 1 && pri[i] < 0)
			chk->no_pri++;
	}
	return t1 - t0;
}

static __u32 sim_id(const struct ilb_member *m, int idx)
{
	return idx < 0 ? 0 : m[idx].id;
}

static void sim_row(struct sim_row *r, unsigned int mode, unsigned int n,
		    double floor, const struct ilb_tuple *t, unsigned long nf,
		    const __u64 key[2], __s16 *pri, __s16 *p2, __s16 *bkp)
{
	struct ilb_member *eq = sim_alloc(n, sizeof(*eq));
	struct ilb_member *lv = sim_alloc(n, sizeof(*lv));
	struct ilb_member *jn = sim_alloc(n + 1, sizeof(*jn));
	struct ilb_member *wt = sim_alloc(n, sizeof(*wt));
	unsigned long *cnt = sim_alloc(n, sizeof(*cnt));
	unsigned long i, max, min, moved, wsum = 0;
	struct ilb_owner_set set;
	double mean, chi2 = 0, werr = 0;
	unsigned int j, gone = n / 2;

	memset(r, 0, sizeof(*r));
	memset(&set, 0, sizeof(set));
	r->mode = sim_mode_name[mode];
	r->n = n;
	r->floor = floor;
	for (j = 0; j <= n; j++) {
		jn[j].id = SIM_ID_BASE + j;
		jn[j].weight = 1;
		if (j == n)
			break;
		eq[j] = jn[j];
		wt[j].id = eq[j].id;
		wt[j].weight = 1 + j % 4;
		wsum += wt[j].weight;
		if (j != gone)
			lv[j - (j > gone)] = eq[j];
	}

	/* Equal weights: balance and lookup cost. */
	sim_view(&set, eq, n, mode, key);
	r->ns = sim_pass(&set, t, nf, pri, bkp, &r->chk) / nf;
	for (i = 0; i < nf; i++)
		if (pri[i] >= 0)
			cnt[pri[i]]++;
	mean = (double)nf / n;
	max = 0;
	min = nf;
	for (j = 0; j < n; j++) {
		if (cnt[j] > max)
			max = cnt[j];
		if (cnt[j] < min)
			min = cnt[j];
		chi2 += (cnt[j] - mean) * (cnt[j] - mean) / mean;
	}
	r->max_mean = max / mean;
	r->min_mean = min / mean;
	r->max_floor = r->max_mean / floor;
	r->chi2_df = n > 1 ? chi2 / (n - 1) : NAN;

	/* The member at index n/2 leaves. */
	sim_view(&set, lv, n - 1, mode, key);
	sim_pass(&set, t, nf, p2, bkp, &r->chk);
	for (moved = 0, i = 0; i < nf; i++)
		moved += sim_id(eq, pri[i]) != sim_id(lv, p2[i]);
	r->leave = (double)moved / nf;
	r->leave_ideal = 1.0 / n;

	/* Member n+1 joins. */
	sim_view(&set, jn, n + 1, mode, key);
	sim_pass(&set, t, nf, p2, bkp, &r->chk);
	for (moved = 0, i = 0; i < nf; i++)
		moved += sim_id(eq, pri[i]) != sim_id(jn, p2[i]);
	r->join = (double)moved / nf;
	r->join_ideal = 1.0 / (n + 1);

	/* Weights 1, 2, 3, 4, 1, ...: proportionality. */
	sim_view(&set, wt, n, mode, key);
	sim_pass(&set, t, nf, p2, bkp, &r->chk);
	memset(cnt, 0, n * sizeof(*cnt));
	for (i = 0; i < nf; i++)
		if (p2[i] >= 0)
			cnt[p2[i]]++;
	for (j = 0; j < n; j++) {
		double share = (double)cnt[j] / nf;
		double exp = (double)wt[j].weight / wsum;
		double e = fabs(share / exp - 1);

		if (e > werr)
			werr = e;
	}
	r->werr = 100 * werr;

	free(cnt);
	free(wt);
	free(jn);
	free(lv);
	free(eq);
}

static char *sim_cmdline(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = sim_alloc(len, 1);
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

enum {
	SIM_COL_MODE, SIM_COL_N, SIM_COL_MAX, SIM_COL_MIN, SIM_COL_FLOOR,
	SIM_COL_MAXFLOOR, SIM_COL_CHI2, SIM_COL_LEAVE, SIM_COL_LEAVEI,
	SIM_COL_JOIN, SIM_COL_JOINI, SIM_COL_WERR, SIM_COL_NS, SIM_COL_BKP,
	SIM_COL_NOBKP, SIM_NCOL
};

static const char *const sim_col_name[SIM_NCOL] = {
	"mode", "N", "max/mean", "min/mean", "floor", "max/floor", "chi2/df",
	"leave", "ideal", "join", "ideal", "wErr%", "ns/lookup", "bkp==pri",
	"nobkp",
};

struct sim_cell {
	char s[SIM_NCOL][32];
};

static void sim_fmt_row(struct sim_cell *cell, const struct sim_row *r)
{
	char (*c)[32] = cell->s;

	snprintf(c[SIM_COL_MODE], 32, "%s", r->mode);
	snprintf(c[SIM_COL_N], 32, "%u", r->n);
	snprintf(c[SIM_COL_MAX], 32, "%.4f", r->max_mean);
	snprintf(c[SIM_COL_MIN], 32, "%.4f", r->min_mean);
	snprintf(c[SIM_COL_FLOOR], 32, "%.4f", r->floor);
	snprintf(c[SIM_COL_MAXFLOOR], 32, "%.4f", r->max_floor);
	if (isnan(r->chi2_df))
		snprintf(c[SIM_COL_CHI2], 32, "-");
	else
		snprintf(c[SIM_COL_CHI2], 32, "%.2f", r->chi2_df);
	snprintf(c[SIM_COL_LEAVE], 32, "%.4f", r->leave);
	snprintf(c[SIM_COL_LEAVEI], 32, "%.4f", r->leave_ideal);
	snprintf(c[SIM_COL_JOIN], 32, "%.4f", r->join);
	snprintf(c[SIM_COL_JOINI], 32, "%.4f", r->join_ideal);
	snprintf(c[SIM_COL_WERR], 32, "%.2f", r->werr);
	snprintf(c[SIM_COL_NS], 32, "%.1f", r->ns);
	snprintf(c[SIM_COL_BKP], 32, "%llu", r->chk.bkp_eq_pri);
	snprintf(c[SIM_COL_NOBKP], 32, "%llu", r->chk.no_bkp);
}

static void sim_print_table(const struct sim_opts *o, const __u64 key[2],
			    const struct sim_row *rows, unsigned int nr,
			    const char *cmd)
{
	struct sim_cell *c = sim_alloc(nr, sizeof(*c));
	int w[SIM_NCOL];
	unsigned int i, k;

	for (k = 0; k < SIM_NCOL; k++)
		w[k] = strlen(sim_col_name[k]);
	for (i = 0; i < nr; i++) {
		sim_fmt_row(&c[i], &rows[i]);
		for (k = 0; k < SIM_NCOL; k++)
			if ((int)strlen(c[i].s[k]) > w[k])
				w[k] = strlen(c[i].s[k]);
	}

	printf("# ilbsim: flows=%lu seed=%llu vip=198.51.100.1:%d "
	       "ids=10.0.0.1.. hrw32-key=%016llx:%016llx floor-trials=%d\n",
	       o->flows, (unsigned long long)o->seed, SIM_VPORT,
	       (unsigned long long)key[0], (unsigned long long)key[1],
	       SIM_FLOOR_TRIALS);
	for (k = 0; k < SIM_NCOL; k++)
		printf(k ? "  %*s" : "%-*s", w[k], sim_col_name[k]);
	putchar('\n');
	for (i = 0; i < nr; i++) {
		for (k = 0; k < SIM_NCOL; k++)
			printf(k ? "  %*s" : "%-*s", w[k], c[i].s[k]);
		putchar('\n');
	}
	printf("# command: %s\n", cmd);
	free(c);
}

static void sim_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void sim_print_json(const struct sim_opts *o, const __u64 key[2],
			   const struct sim_row *rows, unsigned int nr,
			   const char *cmd)
{
	unsigned int i;

	printf("{\n  \"flows\": %lu,\n  \"seed\": %llu,\n"
	       "  \"vip\": \"198.51.100.1:%d\",\n"
	       "  \"hrw32_key\": [\"%016llx\", \"%016llx\"],\n"
	       "  \"floor_trials\": %d,\n  \"command\": ",
	       o->flows, (unsigned long long)o->seed, SIM_VPORT,
	       (unsigned long long)key[0], (unsigned long long)key[1],
	       SIM_FLOOR_TRIALS);
	sim_json_str(cmd);
	printf(",\n  \"rows\": [\n");
	for (i = 0; i < nr; i++) {
		const struct sim_row *r = &rows[i];

		printf("    {\"mode\": \"%s\", \"n\": %u, \"max_mean\": %.6f, "
		       "\"min_mean\": %.6f, \"floor\": %.6f, "
		       "\"max_floor\": %.6f, ",
		       r->mode, r->n, r->max_mean, r->min_mean, r->floor,
		       r->max_floor);
		if (isnan(r->chi2_df))
			printf("\"chi2_df\": null, ");
		else
			printf("\"chi2_df\": %.6f, ", r->chi2_df);
		printf("\"leave\": %.6f, \"leave_ideal\": %.6f, "
		       "\"join\": %.6f, \"join_ideal\": %.6f, "
		       "\"werr_pct\": %.4f, \"ns_per_lookup\": %.2f, "
		       "\"bkp_eq_pri\": %llu, \"no_bkp\": %llu}%s\n",
		       r->leave, r->leave_ideal, r->join, r->join_ideal,
		       r->werr, r->ns, r->chk.bkp_eq_pri, r->chk.no_bkp,
		       i + 1 < nr ? "," : "");
	}
	printf("  ]\n}\n");
}

/* --- owners: the owners of given tuples in a given view ------------------ */

#define OWN_LINE_MAX	256

static void own_usage(FILE *f)
{
	fprintf(f,
"usage: ilbsim owners [-m hrw32|crc8] [-c CLUSTER] MEMBERS < TUPLES\n"
"  MEMBERS     id[:weight],id[:weight],...  IDs 1..2^32-1, decimal or a\n"
"              dotted quad (its host-order number, as ilbadm cluster join\n"
"              derives a default ID); weight 0..%d, default 1\n"
"  -m MODE     score mode, hrw32 (default) or crc8\n"
"  -c CLUSTER  cluster ID whose hrw32 key is used (default 1)\n"
"  -h          this help\n"
"Reads one connection a line, 'CADDR CPORT VADDR VPORT' (dotted quads,\n"
"decimal ports; blank lines and '#' comments are skipped), and prints\n"
"'CADDR CPORT VADDR VPORT PRIMARY BACKUP' with member IDs in decimal (0 if\n"
"none), then 'owner ID N' for every member: the tuples it is primary of.\n"
"The view is what every member computes: members sorted by ID, the key of\n"
"ilb_owner_cluster_key(CLUSTER), ilb_owner_prepare(), ilb_owner_lookup().\n",
		ILB_MEMBER_WEIGHT_MAX);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
own_bad(const char *fmt, ...)
{
	va_list ap;

	fputs("ilbsim owners: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try ilbsim owners -h)\n", stderr);
	exit(2);
}

/* A member ID: 1..2^32-1, decimal or a dotted quad (host-order number). */
static int own_parse_id(const char *s, __u32 *id)
{
	unsigned long long v;
	struct in_addr a;

	if (strchr(s, '.')) {
		if (inet_pton(AF_INET, s, &a) != 1)
			return -1;
		v = ntohl(a.s_addr);
	} else if (sim_parse_u64(s, 10, &v) || v > 0xffffffffULL) {
		return -1;
	}
	if (!v)
		return -1;
	*id = v;
	return 0;
}

static int own_cmp_id(const void *a, const void *b)
{
	const struct ilb_member *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct ilb_member *own_parse_members(const char *arg, __u32 *n)
{
	char *dup = strdup(arg), *tok, *save = NULL;
	struct ilb_member *m;
	unsigned int cnt = 1, i;
	const char *p;

	if (!dup) {
		fprintf(stderr, "ilbsim: out of memory\n");
		exit(1);
	}
	for (p = arg; *p; p++)
		cnt += *p == ',';
	if (cnt > ILB_OWNER_MAX_MEMBERS)
		own_bad("too many members (most %d)", ILB_OWNER_MAX_MEMBERS);
	m = sim_alloc(cnt, sizeof(*m));
	*n = 0;
	for (tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *w = strchr(tok, ':');
		unsigned long long v = 1;

		if (w) {
			*w++ = '\0';
			if (sim_parse_u64(w, 10, &v) || v > ILB_MEMBER_WEIGHT_MAX)
				own_bad("bad weight '%s' of member '%s': want 0..%d",
					w, tok, ILB_MEMBER_WEIGHT_MAX);
		}
		if (own_parse_id(tok, &m[*n].id))
			own_bad("bad member ID '%s': want 1..4294967295 or a dotted quad",
				tok);
		m[*n].weight = v;
		(*n)++;
	}
	/* strtok_r skips empty fields: an empty list or ",," is an error. */
	if (!*n || *n != cnt)
		own_bad("bad member list '%s': want id[:weight],...", arg);
	qsort(m, *n, sizeof(*m), own_cmp_id);
	for (i = 1; i < *n; i++)
		if (m[i].id == m[i - 1].id)
			own_bad("member ID %u given twice", m[i].id);
	free(dup);
	return m;
}

/* "CADDR CPORT VADDR VPORT" -> tuple; 1 for a line to skip, -1 if bad. */
static int own_parse_tuple(char *line, struct ilb_tuple *t, char out[128])
{
	char *f[5], *save = NULL, *h;
	unsigned long long port[2];
	struct in_addr a[2];
	int n = 0, i;

	h = strchr(line, '#');
	if (h)
		*h = '\0';
	for (f[n] = strtok_r(line, " \t\r\n", &save); f[n] && n < 4;
	     f[n] = strtok_r(NULL, " \t\r\n", &save))
		n++;
	if (!n)
		return 1;
	if (n != 4 || f[4])
		return -1;
	for (i = 0; i < 2; i++) {
		if (inet_pton(AF_INET, f[2 * i], &a[i]) != 1 ||
		    !isdigit((unsigned char)*f[2 * i + 1]) ||
		    sim_parse_u64(f[2 * i + 1], 10, &port[i]) ||
		    port[i] > 65535)
			return -1;
	}
	t->saddr = a[0].s_addr;
	t->sport = htons(port[0]);
	t->daddr = a[1].s_addr;
	t->dport = htons(port[1]);
	snprintf(out, 128, "%s %llu %s %llu", f[0], port[0], f[2], port[1]);
	return 0;
}

static int own_main(int argc, char **argv)
{
	unsigned long long v, lineno = 0, *cnt;
	struct ilb_owner_set set;
	struct ilb_member *m;
	unsigned int mode = ILB_SCORE_HRW32;
	__u32 cluster = 1, n, i;
	char line[OWN_LINE_MAX];
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, ":m:c:h")) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "hrw32"))
				mode = ILB_SCORE_HRW32;
			else if (!strcmp(optarg, "crc8"))
				mode = ILB_SCORE_CRC8;
			else
				own_bad("bad -m '%s': want hrw32 or crc8",
					optarg);
			break;
		case 'c':
			if (sim_parse_u64(optarg, 0, &v) || v > 0xffffffffULL)
				own_bad("bad -c '%s': want a 32-bit cluster ID",
					optarg);
			cluster = v;
			break;
		case 'h':
			own_usage(stdout);
			exit(0);
		case ':':
			own_bad("option -%c needs an argument", optopt);
		default:
			own_bad("unknown option -%c", optopt);
		}
	}
	if (optind >= argc)
		own_bad("no MEMBERS given");
	if (optind + 1 < argc)
		own_bad("unexpected argument '%s'", argv[optind + 1]);

	m = own_parse_members(argv[optind], &n);
	cnt = sim_alloc(n, sizeof(*cnt));
	memset(&set, 0, sizeof(set));
	set.members = m;
	set.n = n;
	set.mode = mode;
	ilb_owner_cluster_key(cluster, set.key);
	if (ilb_owner_prepare(&set) < 0) {
		fprintf(stderr, "ilbsim owners: ilb_owner_prepare() refused the view\n");
		exit(1);
	}

	while (fgets(line, sizeof(line), stdin)) {
		struct ilb_tuple t;
		struct ilb_owners o;
		char norm[128];
		int r;

		lineno++;
		if (!strchr(line, '\n') && !feof(stdin))
			own_bad("line %llu is too long", lineno);
		r = own_parse_tuple(line, &t, norm);
		if (r > 0)
			continue;
		if (r < 0)
			own_bad("line %llu: want 'CADDR CPORT VADDR VPORT'",
				lineno);
		ilb_owner_lookup(&set, &t, &o);
		if (o.primary >= 0)
			cnt[o.primary]++;
		printf("%s %u %u\n", norm, sim_id(m, o.primary),
		       sim_id(m, o.backup));
	}
	if (ferror(stdin)) {
		perror("ilbsim owners: stdin");
		exit(1);
	}
	for (i = 0; i < n; i++)
		printf("owner %u %llu\n", m[i].id, cnt[i]);
	free(cnt);
	free(m);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sim_opts o = {
		.flows = SIM_DEF_FLOWS,
		.modes = SIM_MODE_HRW32 | SIM_MODE_CRC8,
		.seed = 1,
	};
	unsigned int i, mode, nr = 0, bad = 0;
	struct ilb_tuple *t;
	struct sim_row *rows;
	__s16 *pri, *p2, *bkp;
	__u64 key[2], ks;
	char *cmd;

	if (argc > 1 && !strcmp(argv[1], "owners"))
		return own_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "persist"))
		return sim_persist_main(argc - 1, argv + 1);
	sim_parse(&o, argc, argv);
	if (!o.nv)
		sim_parse_nlist(&o, SIM_DEF_NLIST);
	cmd = sim_cmdline(argc, argv);

	ks = o.seed ^ SIM_KEY_SALT;
	key[0] = sim_rand(&ks);
	key[1] = sim_rand(&ks);
	t = sim_flows(o.flows, o.seed);
	pri = sim_alloc(o.flows, sizeof(*pri));
	p2 = sim_alloc(o.flows, sizeof(*p2));
	bkp = sim_alloc(o.flows, sizeof(*bkp));
	rows = sim_alloc(o.nn * __ILB_SCORE_MAX, sizeof(*rows));

	for (i = 0; i < o.nn; i++) {
		double floor = sim_floor(o.flows, o.nv[i], o.seed);

		for (mode = 0; mode < __ILB_SCORE_MAX; mode++) {
			struct sim_row *r = &rows[nr];

			if (!(o.modes & (1U << mode)))
				continue;
			sim_row(r, mode, o.nv[i], floor, t, o.flows, key,
				pri, p2, bkp);
			if (r->chk.bkp_eq_pri || r->chk.no_bkp ||
			    r->chk.no_pri)
				bad++;
			nr++;
		}
	}

	if (o.json)
		sim_print_json(&o, key, rows, nr, cmd);
	else
		sim_print_table(&o, key, rows, nr, cmd);
	if (bad)
		fprintf(stderr, "ilbsim: %u row(s) broke an owner invariant\n",
			bad);

	free(rows);
	free(bkp);
	free(p2);
	free(pri);
	free(t);
	free(cmd);
	free(o.nv);
	return bad ? 1 : 0;
}
