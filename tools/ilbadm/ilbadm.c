// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: configure ilb over generic netlink.
 *
 *   ilbadm [-j] [-s] [-n] [-h] [-V] OBJECT VERB ...
 *
 * Everything is parsed and checked (parse.c) before the one netlink socket
 * of the run is opened (nl.c); each object's commands live in their own
 * file. See Documentation/ilbadm.rst.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "ilbadm.h"
#include "diff.h"

static void usage(FILE *f)
{
	fputs(
"Usage: ilbadm [-j] [-s] [-n] [-h] [-V] OBJECT VERB ...\n"
"  ilbadm service add|set PROTO VIP:PORT [sched SCHED] [fwd FWD]\n"
"                         [persist SEC0] [netmask MASK] [group PORT]\n"
"  ilbadm service del PROTO VIP:PORT\n"
"  ilbadm service show [PROTO VIP:PORT]\n"
"  ilbadm server add|set PROTO VIP:PORT RIP[:RPORT] [weight N] [fwd FWD]\n"
"                        [state up|down] [max-conns CONNS] [min-conns CONNS]\n"
"  ilbadm server del PROTO VIP:PORT RIP[:RPORT]\n"
"  ilbadm conn show [PROTO VIP:PORT]\n"
"  ilbadm persist show|flush [PROTO VIP:PORT]\n"
"  ilbadm stats show\n"
"  ilbadm timeout set [tcp SEC] [tcpfin SEC] [udp SEC]\n"
"  ilbadm timeout show\n"
"  ilbadm cluster join [id ID] addr ADDR dev IFNAME [weight N] [score SCORE]\n"
"                      [hello-ms MS] [dead-ms MS] [port PORT] [peer ADDR]...\n"
"                      [cluster U32] [sync SYNC] [cache U32] [max-weight N]\n"
"                      key FILE | insecure\n"
"  ilbadm cluster set [sync SYNC] [cache U32] [weight N] [max-weight N]\n"
"                     [key FILE]\n"
"  ilbadm cluster leave\n"
"  ilbadm cluster [show]\n"
"  ilbadm cluster genkey\n"
"  ilbadm flush\n"
"  ilbadm save\n"
"  ilbadm restore < FILE\n"
"  ilbadm apply FILE|- [dry-run]\n"
"where PROTO := tcp | udp    SCHED := rr | wrr | lc | wlc | sh | mh\n"
"      FWD := nat | dr | local    N := 0..65535    SEC := 1..604800\n"
"      SEC0 := 0 (off) | SEC    MASK := /1../32 | A.B.C.D\n"
"      CONNS := 0..16777216, cluster-wide; max-conns 0: no limit,\n"
"               min-conns 0: 3/4 of max-conns, else below max-conns\n"
"      ID := 1..4294967295 | 0xHEX | A.B.C.D    SCORE := hrw32 | crc8\n"
"      SYNC := targeted | broadcast    U32 := 0..4294967295\n"
"      hello-ms: 10..10000   dead-ms: 11..60000, above hello-ms   peers: 16\n"
"      FILE: a key from \"cluster genkey\", mode 0600 (no group or others)\n"
"  -j  JSON output            -s  with counters\n"
"  -n  numeric ports          -h  this help    -V  version\n", f);
}

int ilbadm_run(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	switch (c->obj) {
	case ILBADM_OBJ_SERVICE:
		return ilbadm_service(nl, c);
	case ILBADM_OBJ_SERVER:
		return ilbadm_server(nl, c);
	case ILBADM_OBJ_CONN:
		return ilbadm_conn(nl, c);
	case ILBADM_OBJ_STATS:
		return ilbadm_stats(nl, c);
	case ILBADM_OBJ_TIMEOUT:
		return ilbadm_timeout(nl, c);
	case ILBADM_OBJ_FLUSH:
		return ilbadm_flush(nl, c);
	case ILBADM_OBJ_SAVE:
		return ilbadm_save(nl, c);
	case ILBADM_OBJ_CLUSTER:
		return ilbadm_cluster(nl, c);
	case ILBADM_OBJ_PERSIST:
		return ilbadm_persist(nl, c);
	default:
		fprintf(stderr, "ilbadm: %s%s: not allowed here\n",
			ilbadm_err_prefix, ilbadm_cmd_name(c));
		return ILBADM_ERR;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ilbadm_script script = { 0 };
	struct ilbadm_cfg want;
	char err[ILBADM_ERRLEN];
	struct ilbadm_nlerr e;
	struct ilbadm_nl nl;
	struct ilbadm_cmd c;
	int opt, r;

	/* '+': options only before the object, as in ip(8). */
	while ((opt = getopt_long(argc, argv, "+jsnhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ilbadm_opts.json = true;
			break;
		case 's':
			ilbadm_opts.stats = true;
			break;
		case 'n':
			ilbadm_opts.numeric = true;
			break;
		case 'h':
			usage(stdout);
			return ILBADM_OK;
		case 'V':
			printf("ilbadm %s (generic netlink family \"%s\" version %d)\n",
			       ILBADM_VERSION, ILB_GENL_NAME, ILB_GENL_VERSION);
			return ILBADM_OK;
		default:
			usage(stderr);
			return ILBADM_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return ILBADM_USAGE;
	}

	r = ilbadm_parse_cmd(argc - optind, argv + optind, &c, err,
			     sizeof(err));
	if (r != ILBADM_OK) {
		fprintf(stderr, "ilbadm: %s\n", err);
		if (r == ILBADM_USAGE)
			usage(stderr);
		return r;
	}
	if (c.obj == ILBADM_OBJ_CLUSTER && c.verb == ILBADM_VERB_GENKEY)
		return ilbadm_cluster_genkey();
	if (c.obj == ILBADM_OBJ_RESTORE &&
	    ilbadm_restore_read(stdin, &script) != ILBADM_OK)
		return ILBADM_ERR;
	ilbadm_cfg_init(&want);
	if (c.obj == ILBADM_OBJ_APPLY &&
	    ilbadm_apply_read(&c, &want) != ILBADM_OK)
		return ILBADM_ERR;
	if (ilbadm_key_check(&c, err, sizeof(err))) {
		fprintf(stderr, "ilbadm: %s\n", err);
		return ILBADM_ERR;
	}

	/* Only now, with everything checked, talk to the kernel. */
	if (ilbadm_nl_open(&nl, &e)) {
		ilbadm_nl_perror(NULL, ILBADM_WHAT_OTHER, &e);
		ilbadm_script_free(&script);
		ilbadm_cfg_free(&want);
		return ILBADM_ERR;
	}
	if (c.obj == ILBADM_OBJ_RESTORE)
		r = ilbadm_restore_run(&nl, &script);
	else if (c.obj == ILBADM_OBJ_APPLY)
		r = ilbadm_apply(&nl, &c, &want);
	else
		r = ilbadm_run(&nl, &c);
	ilbadm_nl_close(&nl);
	ilbadm_script_free(&script);
	ilbadm_cfg_free(&want);
	if (fflush(stdout) || ferror(stdout)) {
		perror("ilbadm: stdout");
		r = ILBADM_ERR;
	}
	return r;
}
