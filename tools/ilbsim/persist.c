// SPDX-License-Identifier: GPL-2.0
/*
 * ilbsim persist: the balance cost of owning a persistent service's
 * connections by their record's key (masked client, VIP, group) instead of
 * by the whole connection. Connections come from client networks whose
 * sizes follow a Zipf law (a few large NATs and proxies, many small
 * networks); every connection of one network, or of one host with
 * netmask /32, then lands on one owner. Prints, for each member count, the
 * busiest owner's load over the mean for the three keys.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "owner.h"
#include "sim.h"

#define PS_DEF_CONNS	1000000UL
#define PS_DEF_NETS	2000U
#define PS_DEF_ZIPF	1.0
#define PS_DEF_NLIST	"3,8,16,64"
#define PS_HOSTS	254U	/* hosts of a /24 */

static void ps_usage(FILE *f)
{
	fprintf(f,
"usage: ilbsim persist [-c CONNS] [-p NETS] [-z S] [-n LIST] [-s SEED]\n"
"  -c CONNS  connections (default %lu)\n"
"  -p NETS   client /24 networks (default %u)\n"
"  -z S      Zipf exponent of the networks' sizes (default %.1f)\n"
"  -n LIST   member counts (default %s)\n"
"  -s SEED   splitmix64 seed (default 1)\n"
"Columns: the busiest member's primary count over the mean, with the\n"
"ownership key of a connection (its 4-tuple), of a persistence record\n"
"with netmask /32 (a host) and with netmask /24 (a network).\n",
		PS_DEF_CONNS, PS_DEF_NETS, PS_DEF_ZIPF, PS_DEF_NLIST);
}

/* The cumulative Zipf weights of ranks 1..n, normalised to 1. */
static double *ps_zipf_cdf(unsigned int n, double s)
{
	double *c = malloc(n * sizeof(*c)), sum = 0;
	unsigned int i;

	if (!c) {
		perror("ilbsim");
		exit(1);
	}
	for (i = 0; i < n; i++)
		c[i] = (sum += pow(i + 1, -s));
	for (i = 0; i < n; i++)
		c[i] /= sum;
	return c;
}

static unsigned int ps_pick(const double *cdf, unsigned int n, double u)
{
	unsigned int lo = 0, hi = n - 1;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int ps_nlist(const char *arg, unsigned int **nv, unsigned int *nn)
{
	const char *p = arg;
	unsigned int cnt = 1;
	char *end;

	for (; *p; p++)
		cnt += *p == ',';
	*nv = calloc(cnt, sizeof(**nv));
	if (!*nv)
		return -1;
	*nn = 0;
	for (p = arg; ; p = end + 1) {
		unsigned long v;

		if (*p < '0' || *p > '9')
			return -1;
		v = strtoul(p, &end, 10);
		if ((*end && *end != ',') || v < 1 || v >= ILB_OWNER_MAX_MEMBERS)
			return -1;
		(*nv)[(*nn)++] = (unsigned int)v;
		if (!*end)
			return 0;
	}
}

int sim_persist_main(int argc, char **argv)
{
	unsigned long conns = PS_DEF_CONNS, i;
	unsigned int nets = PS_DEF_NETS, *nv = NULL, nn = 0, k, m, key;
	const char *nlist = PS_DEF_NLIST;
	double zipf = PS_DEF_ZIPF, *cdf;
	__u64 seed = 1, s;
	struct ilb_tuple *t;
	__u32 *net_of;
	int opt;

	while ((opt = getopt(argc, argv, "c:p:z:n:s:h")) != -1) {
		switch (opt) {
		case 'c':
			conns = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			nets = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'z':
			zipf = strtod(optarg, NULL);
			break;
		case 'n':
			nlist = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			ps_usage(stdout);
			return 0;
		default:
			ps_usage(stderr);
			return 2;
		}
	}
	if (!conns || conns > 100000000UL || !nets || nets > 1U << 20 ||
	    zipf < 0 || zipf > 4 || ps_nlist(nlist, &nv, &nn)) {
		ps_usage(stderr);
		return 2;
	}
	cdf = ps_zipf_cdf(nets, zipf);
	t = malloc(conns * sizeof(*t));
	net_of = malloc(conns * sizeof(*net_of));
	if (!t || !net_of) {
		perror("ilbsim");
		return 1;
	}
	s = seed;
	for (i = 0; i < conns; i++) {
		double u = (double)(sim_rand(&s) >> 11) / (double)(1ULL << 53);
		__u32 net = ps_pick(cdf, nets, u);

		net_of[i] = net;
		/* network 10.(net >> 8).(net & 255).0/24, a random host */
		t[i].saddr = htonl(0x0a000000U | net << 8 |
				   (1 + sim_below(&s, PS_HOSTS)));
		t[i].daddr = htonl(SIM_VIP);
		t[i].sport = htons((__u16)(1024 + sim_below(&s, 64512)));
		t[i].dport = htons(SIM_VPORT);
	}
	printf("ilbsim persist -c %lu -p %u -z %.2f -n %s -s %llu\n", conns,
	       nets, zipf, nlist, (unsigned long long)seed);
	printf("busiest network: %.1f%% of the connections\n",
	       100.0 * cdf[0]);
	printf("%5s  %14s  %12s  %12s\n", "N", "per-connection", "persist /32",
	       "persist /24");
	for (k = 0; k < nn; k++) {
		unsigned int n = nv[k];
		struct ilb_member *mb = calloc(n, sizeof(*mb));
		unsigned long *cnt = calloc(n, sizeof(*cnt));
		struct ilb_owner_set set = { 0 };
		__u64 ks = seed ^ SIM_KEY_SALT;
		double ratio[3];

		if (!mb || !cnt) {
			perror("ilbsim");
			return 1;
		}
		for (m = 0; m < n; m++) {
			mb[m].id = SIM_ID_BASE + m;
			mb[m].weight = 1;
		}
		set.members = mb;
		set.n = n;
		set.mode = ILB_SCORE_HRW32;
		set.key[0] = sim_rand(&ks);
		set.key[1] = sim_rand(&ks);
		if (ilb_owner_prepare(&set)) {
			fprintf(stderr, "ilbsim: bad view of %u members\n", n);
			return 1;
		}
		for (key = 0; key < 3; key++) {
			unsigned long max = 0;

			memset(cnt, 0, n * sizeof(*cnt));
			for (i = 0; i < conns; i++) {
				struct ilb_tuple pt = t[i];
				struct ilb_owners o;

				if (key)
					ilb_persist_tuple(t[i].saddr,
							  key == 1 ? 32 : 24,
							  t[i].daddr,
							  t[i].dport, &pt);
				ilb_owner_lookup(&set, &pt, &o);
				cnt[o.primary]++;
			}
			for (m = 0; m < n; m++)
				if (cnt[m] > max)
					max = cnt[m];
			ratio[key] = (double)max * n / conns;
		}
		printf("%5u  %14.3f  %12.3f  %12.3f\n", n, ratio[0], ratio[1],
		       ratio[2]);
		free(cnt);
		free(mb);
	}
	free(net_of);
	free(t);
	free(cdf);
	free(nv);
	return 0;
}
