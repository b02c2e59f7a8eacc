// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm save: the configuration as commands that restore reads back.
 *
 * The output is canonical, so that two saves of one configuration are
 * byte-identical: services sorted by protocol, address and port, then every
 * server sorted by service, address and port, then the timeouts, then the
 * cluster membership if the node has joined one; every value spelled out
 * (sched and fwd of services; weight, fwd and state of servers, and their
 * max-conns and min-conns only if they are not 0; every option of the join
 * but peers, which appear sorted and only if there are some, and
 * max-weight, only if it is not the largest) and always numeric.
 * The join comes last so that a restored node takes its share of the
 * connections only once it has its services.
 *
 * The cluster key is never printed: the join names the key file the module
 * was given ("key FILE"), or says "insecure". A key the module has not from
 * a file that restore can name leaves a comment instead of the join.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "ilbadm.h"

/* The cluster, or cl->seen false if the node is in none. */
static int cluster_load(struct ilbadm_nl *nl, struct ilbadm_cluster *cl)
{
	struct ilbadm_nlerr e;

	if (!ilbadm_cluster_get(nl, cl, &e))
		return ILBADM_OK;
	/* Not in a cluster; or an ilb module without clusters. */
	if (e.kernel && (e.err == ENOENT || e.err == EOPNOTSUPP))
		return ILBADM_OK;
	ilbadm_nl_perror("save", ILBADM_WHAT_OTHER, &e);
	return ILBADM_ERR;
}

/*
 * Whether restore can read the key file's name back as one word: not empty,
 * no blanks, no '#' (a comment), no control characters.
 */
static bool key_file_savable(const char *f)
{
	const unsigned char *p;

	if (!*f)
		return false;
	for (p = (const unsigned char *)f; *p; p++)
		if (*p <= ' ' || *p == '#' || *p == 0x7f)
			return false;
	return true;
}

static void cluster_print(const struct ilbadm_cluster *cl, const char *dev)
{
	char a[ILBADM_ADDRPORT_LEN], n1[12], n2[12];
	bool keyed = cl->has_key_state && cl->key_state != ILB_KEY_NONE;
	size_t i;

	if (keyed && !cl->key_file[0]) {
		puts("# cluster key was not given by a file: join it by hand");
		fprintf(stderr,
			"ilbadm: %ssave: warning: the cluster key was not given by a file: no cluster join line\n",
			ilbadm_err_prefix);
		return;
	}
	if (keyed && !key_file_savable(cl->key_file)) {
		puts("# cluster key file name has blanks, '#' or control characters: join it by hand");
		fprintf(stderr,
			"ilbadm: %ssave: warning: the cluster key file name cannot be restored: no cluster join line\n",
			ilbadm_err_prefix);
		return;
	}

	printf("cluster join id %u addr %s dev %s weight %u score %s hello-ms %u dead-ms %u port %u",
	       cl->id, ilbadm_fmt_ipv4(cl->addr, a, sizeof(a)), dev,
	       cl->weight,
	       ilbadm_name_or_num(ilbadm_score_name(cl->score), cl->score, n1),
	       cl->hello_ms, cl->dead_ms, cl->port);
	for (i = 0; i < cl->npeers; i++)
		printf(" peer %s", ilbadm_fmt_ipv4(cl->peers[i], a, sizeof(a)));
	printf(" cluster %u sync %s cache %u", cl->cluster,
	       ilbadm_name_or_num(ilbadm_sync_name(cl->sync), cl->sync, n2),
	       cl->cache);
	if (cl->has_max_weight && cl->max_weight != ILB_MEMBER_WEIGHT_MAX)
		printf(" max-weight %u", cl->max_weight);
	/* A module without keys reports no state: it is insecure too. */
	if (keyed)
		printf(" key %s\n", cl->key_file);
	else
		puts(" insecure");
}

int ilbadm_save(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	char k[ILBADM_KEY_LEN], a[ILBADM_ADDRPORT_LEN], n1[12], n2[12];
	char dev[IF_NAMESIZE];
	struct ilbadm_cluster cl;
	const struct ilbadm_svc *s;
	const struct ilbadm_srv *r;
	struct ilbadm_svc_list l;
	struct ilbadm_timeouts t;
	struct ilbadm_nlerr e;
	size_t i, j;

	(void)c;
	if (ilbadm_svc_load(nl, NULL, &l, "save"))
		return ILBADM_ERR;
	if (ilbadm_timeout_get(nl, &t, &e)) {
		ilbadm_nl_perror("save", ILBADM_WHAT_OTHER, &e);
		ilbadm_svc_list_free(&l);
		return ILBADM_ERR;
	}
	if (cluster_load(nl, &cl)) {
		ilbadm_svc_list_free(&l);
		return ILBADM_ERR;
	}
	/* A join names its interface: one that is gone cannot be saved. */
	if (cl.seen && !if_indextoname(cl.ifindex, dev)) {
		fprintf(stderr, "ilbadm: %ssave: cluster ifindex %u: no such device\n",
			ilbadm_err_prefix, cl.ifindex);
		ilbadm_cluster_free(&cl);
		ilbadm_svc_list_free(&l);
		return ILBADM_ERR;
	}
	for (i = 0; i < l.n; i++) {
		s = &l.v[i];
		printf("service add %s sched %s fwd %s",
		       ilbadm_key_str(&s->key, k, sizeof(k)),
		       ilbadm_name_or_num(ilbadm_sched_name(s->sched),
					  s->sched, n1),
		       ilbadm_name_or_num(ilbadm_fwd_name(s->fwd), s->fwd, n2));
		if (s->persist)
			printf(" persist %u", s->persist);
		if (s->netmask != 32)
			printf(" netmask /%u", s->netmask);
		if (s->group != s->key.port)
			printf(" group %u", s->group);
		printf("\n");
	}
	for (i = 0; i < l.n; i++) {
		s = &l.v[i];
		ilbadm_key_str(&s->key, k, sizeof(k));
		for (j = 0; j < s->nsrv; j++) {
			r = &s->srv[j];
			printf("server add %s %s weight %u fwd %s state %s", k,
			       ilbadm_fmt_addrport(r->addr, r->port,
						   s->key.proto, false, a,
						   sizeof(a)),
			       r->weight,
			       ilbadm_name_or_num(ilbadm_fwd_name(r->fwd),
						  r->fwd, n1),
			       ilbadm_name_or_num(ilbadm_state_name(r->state),
						  r->state, n2));
			/* a min-conns means nothing without a limit */
			if (r->max_conns)
				printf(" max-conns %u", r->max_conns);
			if (r->max_conns && r->min_conns)
				printf(" min-conns %u", r->min_conns);
			putchar('\n');
		}
	}
	if (t.has_tcp || t.has_tcpfin || t.has_udp) {
		fputs("timeout set", stdout);
		if (t.has_tcp)
			printf(" tcp %u", t.tcp);
		if (t.has_tcpfin)
			printf(" tcpfin %u", t.tcpfin);
		if (t.has_udp)
			printf(" udp %u", t.udp);
		putchar('\n');
	}
	if (cl.seen)
		cluster_print(&cl, dev);
	ilbadm_cluster_free(&cl);
	ilbadm_svc_list_free(&l);
	return ILBADM_OK;
}
