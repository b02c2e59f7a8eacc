// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm save: the configuration as commands that restore reads back.
 *
 * The output is canonical, so that two saves of one configuration are
 * byte-identical: services sorted by protocol, address and port, then every
 * server sorted by service, address and port, then the timeouts; every
 * value spelled out (sched and fwd of services; weight, fwd and state of
 * servers) and always numeric.
 */
#include <stdio.h>

#include "ilbadm.h"

int ilbadm_save(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	char k[ILBADM_KEY_LEN], a[ILBADM_ADDRPORT_LEN], n1[12], n2[12];
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
	for (i = 0; i < l.n; i++) {
		s = &l.v[i];
		printf("service add %s sched %s fwd %s\n",
		       ilbadm_key_str(&s->key, k, sizeof(k)),
		       ilbadm_name_or_num(ilbadm_sched_name(s->sched),
					  s->sched, n1),
		       ilbadm_name_or_num(ilbadm_fwd_name(s->fwd), s->fwd, n2));
	}
	for (i = 0; i < l.n; i++) {
		s = &l.v[i];
		ilbadm_key_str(&s->key, k, sizeof(k));
		for (j = 0; j < s->nsrv; j++) {
			r = &s->srv[j];
			printf("server add %s %s weight %u fwd %s state %s\n", k,
			       ilbadm_fmt_addrport(r->addr, r->port,
						   s->key.proto, false, a,
						   sizeof(a)),
			       r->weight,
			       ilbadm_name_or_num(ilbadm_fwd_name(r->fwd),
						  r->fwd, n1),
			       ilbadm_name_or_num(ilbadm_state_name(r->state),
						  r->state, n2));
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
	ilbadm_svc_list_free(&l);
	return ILBADM_OK;
}
