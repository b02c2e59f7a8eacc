// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ilbadm's command-line parser (tools/ilbadm/parse.c) and
 * of its cluster keys (tools/ilbadm/keyfile.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "parse.h"
#include "keyfile.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char line_buf[1024];
static char *words[ILBADM_MAX_ARGS + 1];
static char err[ILBADM_ERRLEN];

/* Parse a command given as one string of blank-separated words. */
static int parse(const char *line, struct ilbadm_cmd *c)
{
	int argc;

	snprintf(line_buf, sizeof(line_buf), "%s", line);
	argc = ilbadm_split_line(line_buf, words, ILBADM_MAX_ARGS);
	assert_true(argc >= 0);
	return ilbadm_parse_cmd(argc, words, c, err, sizeof(err));
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void expect_ok(const char *line, struct ilbadm_cmd *c)
{
	int r = parse(line, c);

	if (r != ILBADM_OK)
		print_error("\"%s\": %s\n", line, err);
	assert_int_equal(r, ILBADM_OK);
	assert_string_equal(err, "");
}

static void assert_key(const struct ilbadm_cmd *c, uint8_t proto,
		       const char *addr, uint16_t port)
{
	assert_true(c->has_svc);
	assert_int_equal(c->svc.proto, proto);
	assert_int_equal(c->svc.addr, ip(addr));
	assert_int_equal(c->svc.port, port);
}

static void test_service_add_defaults(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("service add tcp 198.51.100.1:80", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_SERVICE);
	assert_int_equal(c.verb, ILBADM_VERB_ADD);
	assert_key(&c, IPPROTO_TCP, "198.51.100.1", 80);
	assert_true(c.has_sched);
	assert_int_equal(c.sched, ILB_SCHED_RR);
	assert_true(c.has_fwd);
	assert_int_equal(c.fwd, ILB_FWD_NAT);
	assert_false(c.has_weight);
	assert_false(c.has_state);
	assert_string_equal(ilbadm_cmd_name(&c), "service add");
}

static void test_service_add_options(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("service add udp 10.0.0.1:53 sched mh fwd dr", &c);
	assert_key(&c, IPPROTO_UDP, "10.0.0.1", 53);
	assert_int_equal(c.sched, ILB_SCHED_MH);
	assert_int_equal(c.fwd, ILB_FWD_DR);

	/* Keyword order does not matter. */
	expect_ok("svc add tcp 10.0.0.1:65535 fwd local sched wlc", &c);
	assert_key(&c, IPPROTO_TCP, "10.0.0.1", 65535);
	assert_int_equal(c.sched, ILB_SCHED_WLC);
	assert_int_equal(c.fwd, ILB_FWD_LOCAL);
}

static void test_every_sched_and_fwd(void **state)
{
	static const char *const sched[] = { "rr", "wrr", "lc", "wlc", "sh",
					     "mh" };
	static const char *const fwd[] = { "nat", "dr", "local" };
	struct ilbadm_cmd c;
	char line[128];
	size_t i;

	(void)state;
	assert_int_equal(ARRAY_SIZE(sched), __ILB_SCHED_MAX);
	assert_int_equal(ARRAY_SIZE(fwd), __ILB_FWD_MAX);
	for (i = 0; i < ARRAY_SIZE(sched); i++) {
		snprintf(line, sizeof(line),
			 "service add tcp 1.2.3.4:80 sched %s", sched[i]);
		expect_ok(line, &c);
		assert_int_equal(c.sched, i);
		assert_string_equal(ilbadm_sched_name((unsigned int)i),
				    sched[i]);
	}
	for (i = 0; i < ARRAY_SIZE(fwd); i++) {
		snprintf(line, sizeof(line),
			 "service add tcp 1.2.3.4:80 fwd %s", fwd[i]);
		expect_ok(line, &c);
		assert_int_equal(c.fwd, i);
		assert_string_equal(ilbadm_fwd_name((unsigned int)i), fwd[i]);
	}
	assert_null(ilbadm_sched_name(__ILB_SCHED_MAX));
	assert_null(ilbadm_fwd_name(__ILB_FWD_MAX));
	assert_null(ilbadm_state_name(__ILB_SERVER_STATE_MAX));
	assert_null(ilbadm_conn_state_name(__ILB_CS_MAX));
	assert_string_equal(ilbadm_state_name(ILB_SERVER_DOWN), "down");
	assert_string_equal(ilbadm_conn_state_name(ILB_CS_ESTABLISHED),
			    "ESTABLISHED");
	assert_string_equal(ilbadm_proto_name(IPPROTO_TCP), "tcp");
	assert_string_equal(ilbadm_proto_name(IPPROTO_UDP), "udp");
	assert_null(ilbadm_proto_name(IPPROTO_ICMP));
}

static void test_service_set_sends_only_given(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("service set tcp 1.2.3.4:80 sched lc", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_true(c.has_sched);
	assert_int_equal(c.sched, ILB_SCHED_LC);
	assert_false(c.has_fwd);

	expect_ok("service set tcp 1.2.3.4:80 fwd dr", &c);
	assert_false(c.has_sched);
	assert_true(c.has_fwd);
	assert_int_equal(c.fwd, ILB_FWD_DR);
}

static void test_service_persist(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("service add tcp 1.2.3.4:443 persist 300 netmask /24 group 80",
		  &c);
	assert_true(c.has_persist && c.has_netmask && c.has_group);
	assert_int_equal(c.persist, 300);
	assert_int_equal(c.netmask, 24);
	assert_int_equal(c.group, 80);
	expect_ok("service set tcp 1.2.3.4:80 netmask 255.255.240.0", &c);
	assert_false(c.has_persist || c.has_group || c.has_sched);
	assert_int_equal(c.netmask, 20);
	expect_ok("service set tcp 1.2.3.4:80 netmask 32", &c);
	assert_int_equal(c.netmask, 32);
	expect_ok("service set tcp 1.2.3.4:80 netmask 255.255.255.255", &c);
	assert_int_equal(c.netmask, 32);
	expect_ok("service set tcp 1.2.3.4:80 persist 0", &c);
	assert_true(c.has_persist);
	assert_int_equal(c.persist, 0);
	expect_ok("persist show", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_PERSIST);
	assert_int_equal(c.verb, ILBADM_VERB_SHOW);
	assert_false(c.has_svc);
	expect_ok("persist flush udp 1.2.3.4:53", &c);
	assert_int_equal(c.verb, ILBADM_VERB_FLUSH);
	assert_key(&c, IPPROTO_UDP, "1.2.3.4", 53);
}

static void test_service_del_show(void **state)
{
	static const char *const del[] = { "del", "delete" };
	static const char *const show[] = { "show", "list", "ls" };
	struct ilbadm_cmd c;
	char line[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(del); i++) {
		snprintf(line, sizeof(line), "service %s udp 9.9.9.9:4000",
			 del[i]);
		expect_ok(line, &c);
		assert_int_equal(c.verb, ILBADM_VERB_DEL);
		assert_key(&c, IPPROTO_UDP, "9.9.9.9", 4000);
		assert_false(c.has_sched);
		assert_false(c.has_fwd);
	}
	for (i = 0; i < ARRAY_SIZE(show); i++) {
		snprintf(line, sizeof(line), "service %s", show[i]);
		expect_ok(line, &c);
		assert_int_equal(c.verb, ILBADM_VERB_SHOW);
		assert_false(c.has_svc);
	}
	expect_ok("service show tcp 198.51.100.1:443", &c);
	assert_key(&c, IPPROTO_TCP, "198.51.100.1", 443);
}

static void test_server_add_defaults(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("server add tcp 198.51.100.1:80 198.18.3.101", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_SERVER);
	assert_int_equal(c.verb, ILBADM_VERB_ADD);
	assert_key(&c, IPPROTO_TCP, "198.51.100.1", 80);
	assert_int_equal(c.raddr, ip("198.18.3.101"));
	assert_int_equal(c.rport, 80);		/* the service's port */
	assert_true(c.has_weight);
	assert_int_equal(c.weight, 1);
	assert_false(c.has_fwd);		/* the kernel uses the service's */
	assert_false(c.has_state);
	assert_false(c.has_sched);
	/* no limit: nothing sent, the kernel's 0 */
	assert_false(c.has_max_conns);
	assert_false(c.has_min_conns);
}

static void test_server_add_options(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("srv add udp 10.0.0.1:53 10.1.0.1:5353 weight 0 fwd dr state down",
		  &c);
	assert_key(&c, IPPROTO_UDP, "10.0.0.1", 53);
	assert_int_equal(c.raddr, ip("10.1.0.1"));
	assert_int_equal(c.rport, 5353);
	assert_int_equal(c.weight, 0);
	assert_true(c.has_fwd);
	assert_int_equal(c.fwd, ILB_FWD_DR);
	assert_true(c.has_state);
	assert_int_equal(c.state, ILB_SERVER_DOWN);

	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 weight 65535 state up",
		  &c);
	assert_int_equal(c.weight, ILB_SERVER_WEIGHT_MAX);
	assert_int_equal(c.state, ILB_SERVER_UP);
}

static void test_server_set_del(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("server set tcp 1.2.3.4:80 5.6.7.8:8080 weight 7", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_int_equal(c.rport, 8080);
	assert_true(c.has_weight);
	assert_int_equal(c.weight, 7);
	assert_false(c.has_fwd);
	assert_false(c.has_state);

	expect_ok("server set tcp 1.2.3.4:80 5.6.7.8 state down", &c);
	assert_false(c.has_weight);
	assert_true(c.has_state);
	assert_int_equal(c.rport, 80);

	expect_ok("server set tcp 1.2.3.4:80 5.6.7.8 fwd local", &c);
	assert_true(c.has_fwd);
	assert_int_equal(c.fwd, ILB_FWD_LOCAL);

	expect_ok("server del tcp 1.2.3.4:80 5.6.7.8:81", &c);
	assert_int_equal(c.verb, ILBADM_VERB_DEL);
	assert_int_equal(c.raddr, ip("5.6.7.8"));
	assert_int_equal(c.rport, 81);
	assert_false(c.has_weight);

	expect_ok("server delete udp 1.2.3.4:53 5.6.7.8", &c);
	assert_int_equal(c.rport, 53);
}

/* Connection limits: max-conns, min-conns below it (IPVS's -x, -y). */
static void test_server_conns(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 max-conns 100 min-conns 80",
		  &c);
	assert_int_equal(c.verb, ILBADM_VERB_ADD);
	assert_true(c.has_max_conns);
	assert_int_equal(c.max_conns, 100);
	assert_true(c.has_min_conns);
	assert_int_equal(c.min_conns, 80);
	assert_true(c.has_weight);		/* the defaults still there */
	assert_int_equal(c.weight, 1);

	/* any order, among the other keywords */
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 min-conns 99 weight 2 max-conns 100 state down",
		  &c);
	assert_int_equal(c.min_conns, 99);
	assert_int_equal(c.max_conns, 100);
	assert_int_equal(c.weight, 2);
	assert_int_equal(c.state, ILB_SERVER_DOWN);

	/* max-conns alone: min-conns left to the kernel (3/4) */
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 max-conns 16777216", &c);
	assert_true(c.has_max_conns);
	assert_int_equal(c.max_conns, ILB_SERVER_CONNS_MAX);
	assert_false(c.has_min_conns);
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 max-conns 1 min-conns 0",
		  &c);
	assert_true(c.has_min_conns);
	assert_int_equal(c.min_conns, 0);
	/* max-conns 0 is no limit; min-conns 0 is the default */
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 max-conns 0 min-conns 0",
		  &c);
	assert_true(c.has_max_conns && c.has_min_conns);
	assert_int_equal(c.max_conns, 0);

	/* set: only what is given; a limit alone is something to change */
	expect_ok("server set tcp 1.2.3.4:80 5.6.7.8 max-conns 0", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_true(c.has_max_conns);
	assert_int_equal(c.max_conns, 0);
	assert_false(c.has_min_conns);
	assert_false(c.has_weight || c.has_fwd || c.has_state);
	/* min-conns alone: checked against the server's by the kernel */
	expect_ok("server set tcp 1.2.3.4:80 5.6.7.8 min-conns 16777216", &c);
	assert_false(c.has_max_conns);
	assert_true(c.has_min_conns);
	assert_int_equal(c.min_conns, ILB_SERVER_CONNS_MAX);
	expect_ok("srv set udp 1.2.3.4:53 5.6.7.8:5353 max-conns 10 min-conns 9",
		  &c);
	assert_int_equal(c.rport, 5353);
	assert_int_equal(c.max_conns, 10);
	assert_int_equal(c.min_conns, 9);
}

static void test_conn_stats_timeout(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("conn show", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_CONN);
	assert_int_equal(c.verb, ILBADM_VERB_SHOW);
	assert_false(c.has_svc);

	expect_ok("conn list udp 198.51.100.1:53", &c);
	assert_key(&c, IPPROTO_UDP, "198.51.100.1", 53);

	expect_ok("stats show", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_STATS);
	assert_int_equal(c.verb, ILBADM_VERB_SHOW);

	expect_ok("timeout show", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_TIMEOUT);
	assert_int_equal(c.verb, ILBADM_VERB_SHOW);

	expect_ok("timeout set tcp 900 tcpfin 120 udp 300", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_true(c.has_tcp && c.has_tcpfin && c.has_udp);
	assert_int_equal(c.tcp, 900);
	assert_int_equal(c.tcpfin, 120);
	assert_int_equal(c.udp, 300);

	expect_ok("timeout set udp 604800", &c);
	assert_false(c.has_tcp);
	assert_false(c.has_tcpfin);
	assert_true(c.has_udp);
	assert_int_equal(c.udp, ILB_TIMEOUT_MAX);

	expect_ok("timeout set tcpfin 1", &c);
	assert_true(c.has_tcpfin);
	assert_int_equal(c.tcpfin, 1);
}

static void test_no_verb_objects(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("flush", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_FLUSH);
	assert_int_equal(c.verb, ILBADM_VERB_NONE);
	assert_string_equal(ilbadm_cmd_name(&c), "flush");
	expect_ok("save", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_SAVE);
	expect_ok("restore", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_RESTORE);
}

/* What save prints must parse back as the same command. */
static void test_save_lines_round_trip(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("service add tcp 198.51.100.1:80 sched wrr fwd nat", &c);
	assert_int_equal(c.sched, ILB_SCHED_WRR);
	expect_ok("server add tcp 198.51.100.1:80 198.18.3.101:8080 weight 3 fwd nat state up",
		  &c);
	assert_int_equal(c.rport, 8080);
	assert_int_equal(c.weight, 3);
	assert_true(c.has_fwd && c.has_state);
	assert_false(c.has_max_conns || c.has_min_conns);
	expect_ok("server add tcp 198.51.100.1:80 198.18.3.102:80 weight 1 fwd dr state down max-conns 1000 min-conns 800",
		  &c);
	assert_true(c.has_max_conns && c.has_min_conns);
	assert_int_equal(c.max_conns, 1000);
	assert_int_equal(c.min_conns, 800);
	assert_int_equal(c.state, ILB_SERVER_DOWN);
	expect_ok("server add tcp 198.51.100.1:80 198.18.3.103:80 weight 1 fwd nat state up max-conns 5",
		  &c);
	assert_true(c.has_max_conns);
	assert_false(c.has_min_conns);
	assert_int_equal(c.max_conns, 5);
	expect_ok("timeout set tcp 900 tcpfin 120 udp 300", &c);
	expect_ok("cluster join id 1 addr 198.18.4.1 dev eth2 weight 1 score hrw32 hello-ms 100 dead-ms 300 port 7219 cluster 1 sync targeted cache 65536 insecure",
		  &c);
	assert_true(c.has_cl_id && c.has_weight && c.has_score &&
		    c.has_hello_ms && c.has_dead_ms && c.has_cl_port &&
		    c.has_cluster && c.has_sync && c.has_cache && c.insecure);
	assert_false(c.has_key);
	assert_false(c.has_max_weight);
	assert_int_equal(c.npeers, 0);
	expect_ok("cluster join id 1 addr 198.18.4.1 dev eth2 weight 1 score hrw32 hello-ms 100 dead-ms 300 port 7219 cluster 1 sync targeted cache 65536 max-weight 100 key /etc/ilb/cluster.key",
		  &c);
	assert_true(c.has_max_weight && c.has_key);
	assert_false(c.insecure);
	assert_int_equal(c.max_weight, 100);
	assert_string_equal(c.key_file, "/etc/ilb/cluster.key");
	/* The longest line: every option, 16 peers, "ilbadm" in front. */
	expect_ok("cluster join id 4294967295 addr 198.18.4.1 dev eth2 weight 65535 score crc8 hello-ms 10000 dead-ms 60000 port 65535 peer 198.18.4.2 peer 198.18.4.3 peer 198.18.4.4 peer 198.18.4.5 peer 198.18.4.6 peer 198.18.4.7 peer 198.18.4.8 peer 198.18.4.9 peer 198.18.4.10 peer 198.18.4.11 peer 198.18.4.12 peer 198.18.4.13 peer 198.18.4.14 peer 198.18.4.15 peer 198.18.4.16 peer 198.18.4.17 cluster 4294967295 sync broadcast cache 4294967295 max-weight 65534 key /etc/ilb/cluster.key",
		  &c);
	assert_int_equal(c.npeers, ILB_CLUSTER_MAX_PEERS);
	assert_true(1 + 60 <= ILBADM_MAX_ARGS);
}

static void test_cluster_join_minimal(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("cluster join addr 198.18.4.1 dev eth2 insecure", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_CLUSTER);
	assert_int_equal(c.verb, ILBADM_VERB_JOIN);
	assert_string_equal(ilbadm_cmd_name(&c), "cluster join");
	assert_true(c.has_cl_addr);
	assert_int_equal(c.cl_addr, ip("198.18.4.1"));
	assert_string_equal(c.cl_dev, "eth2");
	/* Nothing else is sent: the kernel has the defaults (ID = ADDR). */
	assert_false(c.has_cl_id);
	assert_false(c.has_weight);
	assert_false(c.has_score);
	assert_false(c.has_hello_ms);
	assert_false(c.has_dead_ms);
	assert_false(c.has_cl_port);
	assert_int_equal(c.npeers, 0);
	assert_false(c.has_cluster);
	assert_false(c.has_sync);
	assert_false(c.has_cache);
	assert_false(c.has_max_weight);
	assert_false(c.has_key);
	assert_true(c.insecure);
	assert_false(c.has_svc);

	/* Keyword order does not matter; a 15-byte name is the longest. */
	expect_ok("cluster join key k dev abcdefghijklmno addr 10.0.0.1", &c);
	assert_string_equal(c.cl_dev, "abcdefghijklmno");
	assert_int_equal(c.cl_addr, ip("10.0.0.1"));
}

static void test_cluster_join_every_option(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("cluster join id 7 addr 198.18.4.1 dev eth2 weight 65535 score crc8 hello-ms 50 dead-ms 51 port 7300 peer 198.18.4.2 cluster 4294967295 sync broadcast cache 0 max-weight 65535 key /k",
		  &c);
	assert_true(c.has_cl_id);
	assert_int_equal(c.cl_id, 7);
	assert_int_equal(c.cl_addr, ip("198.18.4.1"));
	assert_string_equal(c.cl_dev, "eth2");
	assert_true(c.has_weight);
	assert_int_equal(c.weight, ILB_MEMBER_WEIGHT_MAX);
	assert_true(c.has_score);
	assert_int_equal(c.score, ILB_SCORE_CRC8);
	assert_true(c.has_hello_ms);
	assert_int_equal(c.hello_ms, 50);
	assert_true(c.has_dead_ms);
	assert_int_equal(c.dead_ms, 51);
	assert_true(c.has_cl_port);
	assert_int_equal(c.cl_port, 7300);
	assert_int_equal(c.npeers, 1);
	assert_int_equal(c.peers[0], ip("198.18.4.2"));
	assert_true(c.has_cluster);
	assert_int_equal(c.cluster, UINT32_MAX);
	assert_true(c.has_sync);
	assert_int_equal(c.sync, ILB_SYNC_BROADCAST);
	assert_true(c.has_cache);
	assert_int_equal(c.cache, 0);
	assert_true(c.has_max_weight);
	assert_int_equal(c.max_weight, ILB_MEMBER_WEIGHT_MAX);
	assert_true(c.has_key);
	assert_string_equal(c.key_file, "/k");
	assert_false(c.insecure);

	/* The other ends of the ranges. */
	expect_ok("cluster join addr 10.0.0.1 dev lo weight 0 score hrw32 hello-ms 10 dead-ms 60000 port 1 cluster 0 sync targeted cache 4294967295 max-weight 0 insecure",
		  &c);
	assert_true(c.has_max_weight);
	assert_int_equal(c.max_weight, 0);
	assert_true(c.has_weight);
	assert_int_equal(c.weight, 0);
	assert_int_equal(c.score, ILB_SCORE_HRW32);
	assert_int_equal(c.hello_ms, ILB_HELLO_MS_MIN);
	assert_int_equal(c.dead_ms, ILB_DEAD_MS_MAX);
	assert_int_equal(c.cl_port, 1);
	assert_true(c.has_cluster);
	assert_int_equal(c.cluster, 0);
	assert_int_equal(c.sync, ILB_SYNC_TARGETED);
	assert_int_equal(c.cache, UINT32_MAX);
	expect_ok("cluster join addr 10.0.0.1 dev lo hello-ms 10000 port 65535 insecure",
		  &c);
	assert_int_equal(c.hello_ms, ILB_HELLO_MS_MAX);
	assert_false(c.has_dead_ms);
	assert_int_equal(c.cl_port, 65535);
	/* dead-ms alone: checked against the default hello by the kernel. */
	expect_ok("cluster join addr 10.0.0.1 dev lo dead-ms 11 insecure", &c);
	assert_int_equal(c.dead_ms, 11);
}

static void test_cluster_join_ids(void **state)
{
	static const struct {
		const char *id;
		uint32_t v;
	} ids[] = {
		{ "1", 1 },
		{ "007", 7 },
		{ "3323069441", 0xc6120401U },
		{ "0xc6120401", 0xc6120401U },
		{ "0XC6120401", 0xc6120401U },
		{ "0x1", 1 },
		{ "0x00000000ff", 0xff },
		{ "198.18.4.1", 0xc6120401U },	/* the address as a number */
		{ "0.0.0.1", 1 },
		{ "4294967295", UINT32_MAX },
		{ "0xffffffff", UINT32_MAX },
		{ "255.255.255.255", UINT32_MAX },
	};
	struct ilbadm_cmd c;
	char line[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		snprintf(line, sizeof(line),
			 "cluster join id %s addr 198.18.4.1 dev eth2 insecure",
			 ids[i].id);
		expect_ok(line, &c);
		assert_true(c.has_cl_id);
		if (c.cl_id != ids[i].v)
			print_error("id %s: %u\n", ids[i].id, c.cl_id);
		assert_int_equal(c.cl_id, ids[i].v);
	}
}

static void test_cluster_join_peers(void **state)
{
	struct ilbadm_cmd c;
	char line[1024];
	size_t n, i;

	(void)state;
	expect_ok("cluster join addr 198.18.4.1 peer 198.18.4.3 dev eth2 peer 10.9.0.2 peer 198.18.4.2 insecure",
		  &c);
	assert_int_equal(c.npeers, 3);
	/* In the order given. */
	assert_int_equal(c.peers[0], ip("198.18.4.3"));
	assert_int_equal(c.peers[1], ip("10.9.0.2"));
	assert_int_equal(c.peers[2], ip("198.18.4.2"));

	n = (size_t)snprintf(line, sizeof(line),
			     "cluster join addr 10.0.0.1 dev eth0 insecure");
	for (i = 1; i <= ILB_CLUSTER_MAX_PEERS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      " peer 10.1.0.%zu", i);
	expect_ok(line, &c);
	assert_int_equal(c.npeers, ILB_CLUSTER_MAX_PEERS);
	assert_int_equal(c.peers[15], ip("10.1.0.16"));

	/* One more is too many. */
	snprintf(line + n, sizeof(line) - n, " peer 10.1.0.17");
	assert_int_equal(parse(line, &c), ILBADM_ERR);
	assert_string_equal(err, "cluster join: too many peers (at most 16)");
}

static void test_cluster_set_leave_show(void **state)
{
	static const char *const show[] = { "cluster", "cluster show",
					    "cluster list", "cluster ls" };
	struct ilbadm_cmd c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(show); i++) {
		expect_ok(show[i], &c);
		assert_int_equal(c.obj, ILBADM_OBJ_CLUSTER);
		assert_int_equal(c.verb, ILBADM_VERB_SHOW);
		assert_string_equal(ilbadm_cmd_name(&c), "cluster show");
	}
	expect_ok("cluster leave", &c);
	assert_int_equal(c.verb, ILBADM_VERB_LEAVE);
	assert_string_equal(ilbadm_cmd_name(&c), "cluster leave");

	expect_ok("cluster set sync broadcast", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_string_equal(ilbadm_cmd_name(&c), "cluster set");
	assert_true(c.has_sync);
	assert_int_equal(c.sync, ILB_SYNC_BROADCAST);
	assert_false(c.has_cache);
	assert_false(c.has_weight);

	expect_ok("cluster set cache 0", &c);
	assert_false(c.has_sync);
	assert_true(c.has_cache);
	assert_int_equal(c.cache, 0);

	expect_ok("cluster set weight 65535 cache 4294967295 sync targeted",
		  &c);
	assert_true(c.has_weight && c.has_cache && c.has_sync);
	assert_int_equal(c.weight, ILB_MEMBER_WEIGHT_MAX);
	assert_int_equal(c.cache, UINT32_MAX);
	assert_int_equal(c.sync, ILB_SYNC_TARGETED);
}

static void test_cluster_names(void **state)
{
	(void)state;
	assert_string_equal(ilbadm_score_name(ILB_SCORE_HRW32), "hrw32");
	assert_string_equal(ilbadm_score_name(ILB_SCORE_CRC8), "crc8");
	assert_null(ilbadm_score_name(__ILB_SCORE_MAX));
	assert_string_equal(ilbadm_sync_name(ILB_SYNC_TARGETED), "targeted");
	assert_string_equal(ilbadm_sync_name(ILB_SYNC_BROADCAST), "broadcast");
	assert_null(ilbadm_sync_name(__ILB_SYNC_MAX));
	assert_string_equal(ilbadm_member_state_name(ILB_MEMBER_SELF), "self");
	assert_string_equal(ilbadm_member_state_name(ILB_MEMBER_ALIVE),
			    "alive");
	assert_string_equal(ilbadm_member_state_name(ILB_MEMBER_DEAD), "dead");
	assert_null(ilbadm_member_state_name(__ILB_MEMBER_STATE_MAX));
	assert_string_equal(ilbadm_role_name(ILB_ROLE_LOCAL), "local");
	assert_string_equal(ilbadm_role_name(ILB_ROLE_OWNED), "owned");
	assert_string_equal(ilbadm_role_name(ILB_ROLE_BACKUP), "backup");
	assert_string_equal(ilbadm_role_name(ILB_ROLE_CACHE), "cache");
	assert_null(ilbadm_role_name(__ILB_ROLE_MAX));
	assert_string_equal(ilbadm_key_state_name(ILB_KEY_NONE), "none");
	assert_string_equal(ilbadm_key_state_name(ILB_KEY_STABLE), "stable");
	assert_string_equal(ilbadm_key_state_name(ILB_KEY_PENDING), "pending");
	assert_string_equal(ilbadm_key_state_name(ILB_KEY_DRAINING),
			    "draining");
	assert_null(ilbadm_key_state_name(__ILB_KEY_STATE_MAX));
}

struct bad {
	const char *line;
	int rc;
	const char *msg;	/* substring of the error */
};

static const struct bad bad_inputs[] = {
	/* addresses */
	{ "service add tcp 1.2.3:80", ILBADM_ERR, "bad address \"1.2.3\"" },
	{ "service add tcp 256.1.1.1:80", ILBADM_ERR, "bad address" },
	{ "service add tcp 1.2.3.4.5:80", ILBADM_ERR, "bad address" },
	{ "service add tcp 1.2.3.-4:80", ILBADM_ERR, "bad address" },
	{ "service add tcp a.b.c.d:80", ILBADM_ERR, "bad address" },
	{ "service add tcp example.com:80", ILBADM_ERR, "bad address" },
	{ "service add tcp 0x7f.0.0.1:80", ILBADM_ERR, "bad address" },
	{ "service add tcp :80", ILBADM_ERR, "bad address" },
	{ "service add tcp 0.0.0.0:80", ILBADM_ERR, "(0.0.0.0/8)" },
	{ "server add tcp 1.2.3.4:80 0.1.2.3", ILBADM_ERR, "(0.0.0.0/8)" },
	{ "service add tcp 224.0.0.1:80", ILBADM_ERR, "multicast" },
	{ "service add tcp 255.255.255.255:80", ILBADM_ERR, "broadcast" },
	{ "service add tcp 2001:db8::1:80", ILBADM_ERR, "bad address" },
	{ "service add tcp 1.2.3.4", ILBADM_ERR, "port missing" },
	{ "server add tcp 1.2.3.4:80 1.2.3", ILBADM_ERR, "bad address" },
	{ "server add tcp 1.2.3.4:80 999.2.3.4:80", ILBADM_ERR,
	  "bad address" },
	/* ports */
	{ "service add tcp 1.2.3.4:0", ILBADM_ERR, "bad port \"0\" (1..65535)" },
	{ "service add tcp 1.2.3.4:65536", ILBADM_ERR, "bad port \"65536\"" },
	{ "service add tcp 1.2.3.4:abc", ILBADM_ERR, "bad port \"abc\"" },
	{ "service add tcp 1.2.3.4:", ILBADM_ERR, "bad port \"\"" },
	{ "service add tcp 1.2.3.4:-1", ILBADM_ERR, "bad port" },
	{ "service add tcp 1.2.3.4:+80", ILBADM_ERR, "bad port" },
	{ "service add tcp 1.2.3.4:0x50", ILBADM_ERR, "bad port" },
	{ "service add tcp 1.2.3.4:99999999999999999999", ILBADM_ERR,
	  "bad port" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8:0", ILBADM_ERR, "bad port \"0\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8:65536", ILBADM_ERR, "bad port" },
	{ "server del tcp 1.2.3.4:80 5.6.7.8:x", ILBADM_ERR, "bad port" },
	/* weights */
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight -1", ILBADM_ERR,
	  "bad weight \"-1\" (0..65535)" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight 65536", ILBADM_ERR,
	  "bad weight \"65536\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight abc", ILBADM_ERR,
	  "bad weight \"abc\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight 1.5", ILBADM_ERR,
	  "bad weight" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight 4294967297", ILBADM_ERR,
	  "bad weight" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 weight", ILBADM_ERR,
	  "missing value after \"weight\"" },
	/* connection limits */
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 16777217", ILBADM_ERR,
	  "bad max-conns \"16777217\" (0..16777216)" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conns 4294967296", ILBADM_ERR,
	  "bad max-conns \"4294967296\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns -1", ILBADM_ERR,
	  "bad max-conns \"-1\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 1k", ILBADM_ERR,
	  "bad max-conns \"1k\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 0x10", ILBADM_ERR,
	  "bad max-conns" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conns 10 min-conns 16777217",
	  ILBADM_ERR, "bad min-conns \"16777217\" (0..16777216)" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 min-conns x", ILBADM_ERR,
	  "bad min-conns \"x\"" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conns", ILBADM_ERR,
	  "server set: missing value after \"max-conns\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 10 min-conns", ILBADM_ERR,
	  "server add: missing value after \"min-conns\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 10 min-conns 10",
	  ILBADM_ERR, "server add: min-conns 10 must be less than max-conns 10" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 min-conns 11 max-conns 10",
	  ILBADM_ERR, "server set: min-conns 11 must be less than max-conns 10" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conns 16777216 min-conns 16777216",
	  ILBADM_ERR, "min-conns 16777216 must be less than max-conns 16777216" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 min-conns 5", ILBADM_ERR,
	  "server add: min-conns 5 needs a max-conns above it (max-conns 0: no limit)" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 0 min-conns 5", ILBADM_ERR,
	  "server add: min-conns 5 needs a max-conns above it" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conns 0 min-conns 1", ILBADM_ERR,
	  "server set: min-conns 1 needs a max-conns above it" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max-conns 1 max-conns 2", ILBADM_ERR,
	  "server add: \"max-conns\" given twice" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 min-conns 1 max-conns 9 min-conns 2",
	  ILBADM_ERR, "server set: \"min-conns\" given twice" },
	{ "server del tcp 1.2.3.4:80 5.6.7.8 max-conns 1", ILBADM_ERR,
	  "server del: unexpected argument \"max-conns\"" },
	{ "service add tcp 1.2.3.4:80 max-conns 5", ILBADM_ERR,
	  "service add: unknown argument \"max-conns\"" },
	{ "service set tcp 1.2.3.4:80 min-conns 5", ILBADM_ERR,
	  "unknown argument \"min-conns\"" },
	{ "cluster set max-conns 5", ILBADM_ERR,
	  "cluster set: unknown argument \"max-conns\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 max_conns 5", ILBADM_ERR,
	  "unknown argument \"max_conns\"" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 max-conn 5", ILBADM_ERR,
	  "unknown argument \"max-conn\"" },
	/* protocols */
	{ "service add icmp 1.2.3.4:80", ILBADM_ERR,
	  "bad protocol \"icmp\" (tcp or udp)" },
	{ "service add TCP 1.2.3.4:80", ILBADM_ERR, "bad protocol" },
	{ "service add 6 1.2.3.4:80", ILBADM_ERR, "bad protocol" },
	{ "service add 1.2.3.4:80", ILBADM_ERR, "bad protocol" },
	{ "server add sctp 1.2.3.4:80 5.6.7.8", ILBADM_ERR, "bad protocol" },
	{ "conn show ip 1.2.3.4:80", ILBADM_ERR, "bad protocol" },
	/* enums */
	{ "service add tcp 1.2.3.4:80 sched fifo", ILBADM_ERR,
	  "bad sched \"fifo\"" },
	{ "service add tcp 1.2.3.4:80 fwd tun", ILBADM_ERR, "bad fwd \"tun\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 state drain", ILBADM_ERR,
	  "bad state \"drain\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 fwd NAT", ILBADM_ERR, "bad fwd" },
	/* keywords */
	{ "service add tcp 1.2.3.4:80 weight 3", ILBADM_ERR,
	  "unknown argument \"weight\"" },
	{ "service add tcp 1.2.3.4:80 foo bar", ILBADM_ERR,
	  "unknown argument \"foo\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 sched rr", ILBADM_ERR,
	  "unknown argument \"sched\"" },
	{ "timeout set tcp 10 weight 1", ILBADM_ERR, "unknown argument" },
	{ "service add tcp 1.2.3.4:80 sched", ILBADM_ERR,
	  "missing value after \"sched\"" },
	{ "service add tcp 1.2.3.4:80 sched rr sched wrr", ILBADM_ERR,
	  "\"sched\" given twice" },
	{ "service add tcp 1.2.3.4:80 fwd nat fwd nat", ILBADM_ERR,
	  "given twice" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 weight 1 weight 2", ILBADM_ERR,
	  "\"weight\" given twice" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8 state up state down", ILBADM_ERR,
	  "given twice" },
	{ "timeout set tcp 10 tcp 20", ILBADM_ERR, "\"tcp\" given twice" },
	/* persistence */
	{ "service add tcp 1.2.3.4:80 persist 604801", ILBADM_ERR,
	  "bad persist \"604801\"" },
	{ "service add tcp 1.2.3.4:80 persist 300 netmask /33", ILBADM_ERR,
	  "bad netmask \"/33\"" },
	{ "service add tcp 1.2.3.4:80 netmask 0", ILBADM_ERR, "bad netmask" },
	{ "service add tcp 1.2.3.4:80 netmask 255.0.255.0", ILBADM_ERR,
	  "bad netmask \"255.0.255.0\"" },
	{ "service add tcp 1.2.3.4:80 netmask 0.0.0.0", ILBADM_ERR,
	  "bad netmask" },
	{ "service set tcp 1.2.3.4:80 group 0", ILBADM_ERR, "bad group \"0\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 persist 5", ILBADM_ERR,
	  "unknown argument \"persist\"" },
	{ "persist", ILBADM_USAGE, "missing verb (show, flush)" },
	{ "persist add", ILBADM_USAGE, "unknown verb" },
	{ "persist show tcp", ILBADM_ERR, "missing VIP:PORT" },
	{ "persist flush tcp 1.2.3.4:80 now", ILBADM_ERR,
	  "persist flush: unexpected argument \"now\"" },
	/* missing arguments */
	{ "service add", ILBADM_ERR, "missing PROTO VIP:PORT" },
	{ "service add tcp", ILBADM_ERR, "missing VIP:PORT" },
	{ "service del", ILBADM_ERR, "missing PROTO VIP:PORT" },
	{ "service show tcp", ILBADM_ERR, "missing VIP:PORT" },
	{ "server add tcp 1.2.3.4:80", ILBADM_ERR, "missing RIP[:RPORT]" },
	{ "server del udp 1.2.3.4:80", ILBADM_ERR, "missing RIP" },
	{ "server add", ILBADM_ERR, "missing PROTO" },
	{ "conn show tcp", ILBADM_ERR, "missing VIP:PORT" },
	/* nothing to do, or too much */
	{ "service set tcp 1.2.3.4:80", ILBADM_ERR, "nothing to change" },
	{ "server set tcp 1.2.3.4:80 5.6.7.8", ILBADM_ERR,
	  "server set: nothing to change (weight, fwd, state, max-conns, min-conns)" },
	{ "timeout set", ILBADM_ERR, "nothing to change" },
	{ "service del tcp 1.2.3.4:80 sched rr", ILBADM_ERR,
	  "unexpected argument \"sched\"" },
	{ "server del tcp 1.2.3.4:80 5.6.7.8 weight 1", ILBADM_ERR,
	  "unexpected argument" },
	{ "service show tcp 1.2.3.4:80 extra", ILBADM_ERR,
	  "unexpected argument" },
	{ "stats show now", ILBADM_ERR, "unexpected argument \"now\"" },
	{ "timeout show tcp", ILBADM_ERR, "unexpected argument" },
	{ "flush all", ILBADM_ERR, "flush: unexpected argument \"all\"" },
	{ "save x", ILBADM_ERR, "unexpected argument" },
	/* timeouts */
	{ "timeout set tcp 0", ILBADM_ERR, "bad tcp timeout \"0\" (1..604800)" },
	{ "timeout set udp 604801", ILBADM_ERR, "bad udp timeout" },
	{ "timeout set tcpfin x", ILBADM_ERR, "bad tcpfin timeout" },
	{ "timeout set tcp -5", ILBADM_ERR, "bad tcp timeout" },
	{ "timeout set udp", ILBADM_ERR, "missing value after \"udp\"" },
	/* objects and verbs: usage errors */
	{ "", ILBADM_USAGE, "missing object" },
	{ "bogus", ILBADM_USAGE, "unknown object \"bogus\"" },
	{ "Service show", ILBADM_USAGE, "unknown object" },
	{ "service", ILBADM_USAGE, "missing verb" },
	{ "service frob", ILBADM_USAGE, "unknown verb \"frob\"" },
	{ "server show", ILBADM_USAGE, "unknown verb" },
	{ "conn add", ILBADM_USAGE, "unknown verb" },
	{ "stats", ILBADM_USAGE, "missing verb" },
	{ "stats del", ILBADM_USAGE, "unknown verb" },
	{ "timeout", ILBADM_USAGE, "missing verb" },
	{ "timeout add tcp 5", ILBADM_USAGE, "unknown verb" },
	/* cluster: required arguments */
	{ "cluster join", ILBADM_ERR, "cluster join: missing addr ADDR" },
	{ "cluster join dev eth2", ILBADM_ERR, "cluster join: missing addr ADDR" },
	{ "cluster join addr 198.18.4.1", ILBADM_ERR,
	  "cluster join: missing dev IFNAME" },
	{ "cluster join id 1 addr 198.18.4.1 weight 1", ILBADM_ERR,
	  "missing dev IFNAME" },
	/* cluster: IDs */
	{ "cluster join id 0 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id \"0\" (1..4294967295, 0x1..0xffffffff or a.b.c.d)" },
	{ "cluster join id 0x0 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id \"0x0\"" },
	{ "cluster join id 0.0.0.0 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id \"0.0.0.0\"" },
	{ "cluster join id 4294967296 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id \"4294967296\"" },
	{ "cluster join id 0x100000000 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id \"0x100000000\"" },
	{ "cluster join id 99999999999999999999 addr 198.18.4.1 dev eth2",
	  ILBADM_ERR, "bad id" },
	{ "cluster join id 256.1.1.1 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id" },
	{ "cluster join id 1.2.3 addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id" },
	{ "cluster join id 0x addr 198.18.4.1 dev eth2", ILBADM_ERR, "bad id" },
	{ "cluster join id 0xfg addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "bad id" },
	{ "cluster join id -1 addr 198.18.4.1 dev eth2", ILBADM_ERR, "bad id" },
	{ "cluster join id 1a addr 198.18.4.1 dev eth2", ILBADM_ERR, "bad id" },
	/* cluster: values */
	{ "cluster join addr 198.18.4.1 dev eth2 weight 65536", ILBADM_ERR,
	  "bad weight \"65536\" (0..65535)" },
	{ "cluster join addr 198.18.4.1 dev eth2 hello-ms 9", ILBADM_ERR,
	  "bad hello-ms \"9\" (10..10000)" },
	{ "cluster join addr 198.18.4.1 dev eth2 hello-ms 10001", ILBADM_ERR,
	  "bad hello-ms" },
	{ "cluster join addr 198.18.4.1 dev eth2 dead-ms 60001", ILBADM_ERR,
	  "bad dead-ms \"60001\" (11..60000)" },
	{ "cluster join addr 198.18.4.1 dev eth2 dead-ms 10", ILBADM_ERR,
	  "bad dead-ms" },
	{ "cluster join addr 198.18.4.1 dev eth2 hello-ms 100 dead-ms 100",
	  ILBADM_ERR,
	  "cluster join: dead-ms 100 must be greater than hello-ms 100" },
	{ "cluster join addr 198.18.4.1 dev eth2 dead-ms 200 hello-ms 500",
	  ILBADM_ERR, "dead-ms 200 must be greater than hello-ms 500" },
	{ "cluster join addr 198.18.4.1 dev eth2 port 0", ILBADM_ERR,
	  "bad port \"0\" (1..65535)" },
	{ "cluster join addr 198.18.4.1 dev eth2 port 65536", ILBADM_ERR,
	  "bad port" },
	{ "cluster join addr 198.18.4.1 dev eth2 cluster 4294967296", ILBADM_ERR,
	  "bad cluster \"4294967296\" (0..4294967295)" },
	{ "cluster join addr 198.18.4.1 dev eth2 cache -1", ILBADM_ERR,
	  "bad cache \"-1\" (0..4294967295)" },
	{ "cluster join addr 198.18.4.1 dev eth2 score crc32", ILBADM_ERR,
	  "bad score \"crc32\" (hrw32, crc8)" },
	{ "cluster join addr 198.18.4.1 dev eth2 score HRW32", ILBADM_ERR,
	  "bad score" },
	{ "cluster join addr 198.18.4.1 dev eth2 sync all", ILBADM_ERR,
	  "bad sync \"all\" (targeted, broadcast)" },
	{ "cluster set sync Targeted", ILBADM_ERR, "bad sync" },
	{ "cluster join addr 239.255.76.66 dev eth2", ILBADM_ERR, "multicast" },
	{ "cluster join addr 198.18.4 dev eth2", ILBADM_ERR, "bad address" },
	{ "cluster join addr 127.0.0.1 dev lo", ILBADM_ERR,
	  "bad address \"127.0.0.1\" (loopback)" },
	{ "cluster join addr 198.18.4.1 dev eth2 peer 127.1.2.3", ILBADM_ERR,
	  "(loopback)" },
	{ "cluster join addr 198.18.4.1 dev eth2 peer 0.0.0.1", ILBADM_ERR,
	  "(0.0.0.0/8)" },
	{ "cluster join addr 198.18.4.1 dev eth2 peer 198.18.4.2:7219",
	  ILBADM_ERR, "bad address" },
	{ "cluster join addr 198.18.4.1 dev abcdefghijklmnop", ILBADM_ERR,
	  "bad dev \"abcdefghijklmnop\" (at most 15 characters)" },
	{ "cluster join addr 198.18.4.1 dev a/b", ILBADM_ERR,
	  "bad dev \"a/b\" (interface name)" },
	{ "cluster join addr 198.18.4.1 dev eth0:1", ILBADM_ERR, "bad dev" },
	{ "cluster join addr 198.18.4.1 dev ..", ILBADM_ERR, "bad dev" },
	{ "cluster set weight 65536", ILBADM_ERR, "bad weight \"65536\"" },
	{ "cluster set cache x", ILBADM_ERR, "bad cache" },
	/* cluster: peers, repeated keywords */
	{ "cluster join addr 198.18.4.1 dev eth2 peer 198.18.4.2 peer 198.18.4.3 peer 198.18.4.2",
	  ILBADM_ERR, "cluster join: peer \"198.18.4.2\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 addr 198.18.4.2", ILBADM_ERR,
	  "cluster join: \"addr\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 dev eth3", ILBADM_ERR,
	  "\"dev\" given twice" },
	{ "cluster join id 1 addr 198.18.4.1 dev eth2 id 1", ILBADM_ERR,
	  "\"id\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 cache 1 cache 1", ILBADM_ERR,
	  "\"cache\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 sync targeted sync targeted",
	  ILBADM_ERR, "\"sync\" given twice" },
	{ "cluster set weight 1 weight 2", ILBADM_ERR,
	  "cluster set: \"weight\" given twice" },
	/* cluster: nothing to do, trailing junk, keywords out of place */
	{ "cluster set", ILBADM_ERR,
	  "cluster set: nothing to change (sync, cache, weight, max-weight, key)" },
	{ "cluster join addr 198.18.4.1 dev eth2 junk", ILBADM_ERR,
	  "cluster join: unknown argument \"junk\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 peer", ILBADM_ERR,
	  "missing value after \"peer\"" },
	{ "cluster join addr 198.18.4.1 dev", ILBADM_ERR,
	  "missing value after \"dev\"" },
	{ "cluster set sync targeted extra", ILBADM_ERR,
	  "cluster set: unknown argument \"extra\"" },
	{ "cluster set addr 198.18.4.1", ILBADM_ERR,
	  "cluster set: unknown argument \"addr\"" },
	{ "cluster set peer 198.18.4.1", ILBADM_ERR, "unknown argument" },
	{ "cluster leave now", ILBADM_ERR,
	  "cluster leave: unexpected argument \"now\"" },
	{ "cluster show all", ILBADM_ERR,
	  "cluster show: unexpected argument \"all\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 state up", ILBADM_ERR,
	  "unknown argument \"state\"" },
	{ "service add tcp 1.2.3.4:80 peer 1.2.3.5", ILBADM_ERR,
	  "unknown argument \"peer\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 cache 1", ILBADM_ERR,
	  "unknown argument \"cache\"" },
	/* cluster: keys and max-weight */
	{ "cluster join addr 198.18.4.1 dev eth2", ILBADM_ERR,
	  "cluster join needs \"key FILE\" (see \"ilbadm cluster genkey\"), or \"insecure\" for a cluster without authentication" },
	{ "cluster join id 1 addr 198.18.4.1 dev eth2 weight 1 cache 0",
	  ILBADM_ERR, "cluster join needs \"key FILE\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 key /k insecure", ILBADM_ERR,
	  "cluster join: \"key\" and \"insecure\" exclude each other" },
	{ "cluster join insecure addr 198.18.4.1 key /k dev eth2", ILBADM_ERR,
	  "exclude each other" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure insecure", ILBADM_ERR,
	  "cluster join: \"insecure\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 key /a key /b", ILBADM_ERR,
	  "cluster join: \"key\" given twice" },
	{ "cluster join addr 198.18.4.1 dev eth2 key", ILBADM_ERR,
	  "missing value after \"key\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure yes", ILBADM_ERR,
	  "cluster join: unknown argument \"yes\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure max-weight 65536",
	  ILBADM_ERR, "bad max-weight \"65536\" (0..65535)" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure max-weight -1",
	  ILBADM_ERR, "bad max-weight \"-1\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure max-weight 0x10",
	  ILBADM_ERR, "bad max-weight" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure max-weight",
	  ILBADM_ERR, "missing value after \"max-weight\"" },
	{ "cluster join addr 198.18.4.1 dev eth2 insecure max-weight 1 max-weight 1",
	  ILBADM_ERR, "\"max-weight\" given twice" },
	{ "cluster set insecure", ILBADM_ERR,
	  "cluster set: unknown argument \"insecure\"" },
	{ "cluster set max-weight 65536", ILBADM_ERR,
	  "bad max-weight \"65536\" (0..65535)" },
	{ "cluster set max-weight", ILBADM_ERR,
	  "missing value after \"max-weight\"" },
	{ "cluster set key", ILBADM_ERR, "missing value after \"key\"" },
	{ "cluster set key /a key /a", ILBADM_ERR,
	  "cluster set: \"key\" given twice" },
	{ "cluster genkey x", ILBADM_ERR,
	  "cluster genkey: unexpected argument \"x\"" },
	{ "cluster leave key /k", ILBADM_ERR,
	  "cluster leave: unexpected argument \"key\"" },
	{ "cluster show insecure", ILBADM_ERR, "unexpected argument" },
	{ "service add tcp 1.2.3.4:80 insecure", ILBADM_ERR,
	  "unknown argument \"insecure\"" },
	{ "server add tcp 1.2.3.4:80 5.6.7.8 key /k", ILBADM_ERR,
	  "unknown argument \"key\"" },
	{ "timeout set max-weight 1", ILBADM_ERR,
	  "unknown argument \"max-weight\"" },
	/* cluster: usage errors */
	{ "cluster frob", ILBADM_USAGE,
	  "cluster: unknown verb \"frob\" (join, leave, set, show, genkey)" },
	{ "cluster add", ILBADM_USAGE, "unknown verb" },
	{ "cluster del", ILBADM_USAGE, "unknown verb" },
	{ "service join tcp 1.2.3.4:80", ILBADM_USAGE, "unknown verb" },
	{ "timeout leave", ILBADM_USAGE, "unknown verb" },
	{ "stats", ILBADM_USAGE, "missing verb" },
};

static void test_bad_inputs(void **state)
{
	struct ilbadm_cmd c;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
		const struct bad *b = &bad_inputs[i];

		r = parse(b->line, &c);
		if (r != b->rc || !strstr(err, b->msg) ||
		    strchr(err, '\n'))
			print_error("\"%s\": rc %d (want %d), error \"%s\" (want \"%s\")\n",
				    b->line, r, b->rc, err, b->msg);
		assert_int_equal(r, b->rc);
		assert_non_null(strstr(err, b->msg));
		assert_null(strchr(err, '\n'));
	}
}

static void test_parse_u32(void **state)
{
	uint32_t v = 12345;

	(void)state;
	assert_int_equal(ilbadm_parse_u32("0", "x", 0, 10, &v, err,
					  sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ilbadm_parse_u32("4294967295", "x", 0, UINT32_MAX,
					  &v, err, sizeof(err)), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(ilbadm_parse_u32("007", "x", 0, 10, &v, err,
					  sizeof(err)), 0);
	assert_int_equal(v, 7);
	v = 99;
	assert_int_equal(ilbadm_parse_u32("4294967296", "x", 0, UINT32_MAX,
					  &v, err, sizeof(err)), -1);
	assert_int_equal(ilbadm_parse_u32("11", "x", 0, 10, &v, err,
					  sizeof(err)), -1);
	assert_int_equal(ilbadm_parse_u32("", "x", 0, 10, &v, err,
					  sizeof(err)), -1);
	assert_int_equal(ilbadm_parse_u32(" 1", "x", 0, 10, &v, err,
					  sizeof(err)), -1);
	assert_int_equal(ilbadm_parse_u32("1 ", "x", 0, 10, &v, err,
					  sizeof(err)), -1);
	assert_int_equal(v, 99);	/* untouched on error */
	assert_string_equal(err, "bad x \"1 \" (0..10)");
}

static void test_addrport(void **state)
{
	uint32_t a = 0;
	uint16_t p = 0;
	bool has = true;

	(void)state;
	assert_int_equal(ilbadm_parse_addrport("10.0.0.1", true, &a, &p, &has,
					       err, sizeof(err)), 0);
	assert_false(has);
	assert_int_equal(a, ip("10.0.0.1"));
	assert_int_equal(ilbadm_parse_addrport("10.0.0.2:1", true, &a, &p,
					       &has, err, sizeof(err)), 0);
	assert_true(has);
	assert_int_equal(p, 1);
	assert_int_equal(a, ip("10.0.0.2"));
	assert_int_equal(ilbadm_parse_addrport("10.0.0.1", false, &a, &p,
					       NULL, err, sizeof(err)), -1);
	assert_int_equal(ilbadm_parse_addrport(
		"1111111111111111111111111111111111111111111111111111111111111111111:1",
		true, &a, &p, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

static void test_fmt_ipv4(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(ilbadm_fmt_ipv4(ip("198.51.100.1"), buf,
					    sizeof(buf)), "198.51.100.1");
	assert_string_equal(ilbadm_fmt_ipv4(ip("255.255.255.255"), buf,
					    sizeof(buf)), "255.255.255.255");
}

static void test_split_line(void **state)
{
	char *argv[4];
	char l1[] = "  service  add\ttcp 1.2.3.4:80  # a comment\r\n";
	char l2[] = "# only a comment";
	char l3[] = " \t \n";
	char l4[] = "a b c d e";
	char l5[] = "ilbadm flush";

	(void)state;
	assert_int_equal(ilbadm_split_line(l1, argv, 4), 4);
	assert_string_equal(argv[0], "service");
	assert_string_equal(argv[1], "add");
	assert_string_equal(argv[2], "tcp");
	assert_string_equal(argv[3], "1.2.3.4:80");
	assert_int_equal(ilbadm_split_line(l2, argv, 4), 0);
	assert_int_equal(ilbadm_split_line(l3, argv, 4), 0);
	assert_int_equal(ilbadm_split_line(l4, argv, 4), -1);
	assert_int_equal(ilbadm_split_line(l5, argv, 4), 2);
	assert_string_equal(argv[0], "ilbadm");
}

static void test_parse_resets_cmd(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	expect_ok("server add tcp 1.2.3.4:80 5.6.7.8 fwd dr state down max-conns 9 min-conns 3",
		  &c);
	expect_ok("stats show", &c);
	assert_false(c.has_fwd);
	assert_false(c.has_state);
	assert_false(c.has_svc);
	assert_false(c.has_weight);
	assert_false(c.has_max_conns);
	assert_false(c.has_min_conns);
	assert_int_equal(c.max_conns, 0);
	assert_int_equal(c.min_conns, 0);

	expect_ok("cluster join id 5 addr 1.2.3.4 dev eth0 peer 1.2.3.5 sync broadcast max-weight 9 key /k",
		  &c);
	expect_ok("cluster set cache 1", &c);
	assert_false(c.has_cl_id);
	assert_false(c.has_cl_addr);
	assert_string_equal(c.cl_dev, "");
	assert_int_equal(c.npeers, 0);
	assert_false(c.has_sync);
	assert_false(c.has_max_weight);
	assert_false(c.has_key);
	assert_string_equal(c.key_file, "");
	expect_ok("cluster join addr 1.2.3.4 dev eth0 insecure", &c);
	expect_ok("cluster set weight 1", &c);
	assert_false(c.insecure);
}

static void test_cluster_keys_parse(void **state)
{
	struct ilbadm_cmd c;

	(void)state;
	/* key FILE: the name as given, read only when the command runs. */
	expect_ok("cluster join addr 198.18.4.1 dev eth2 key /etc/ilb/cluster.key",
		  &c);
	assert_true(c.has_key);
	assert_string_equal(c.key_file, "/etc/ilb/cluster.key");
	assert_false(c.insecure);
	assert_false(c.has_max_weight);
	expect_ok("cluster join key ../k addr 198.18.4.1 dev eth2", &c);
	assert_string_equal(c.key_file, "../k");

	/* insecure: a flag, anywhere among the keywords. */
	expect_ok("cluster join insecure addr 198.18.4.1 dev eth2", &c);
	assert_true(c.insecure);
	assert_false(c.has_key);
	expect_ok("cluster join addr 198.18.4.1 insecure dev eth2 weight 2",
		  &c);
	assert_true(c.insecure);
	assert_string_equal(c.cl_dev, "eth2");
	assert_true(c.has_weight);
	assert_int_equal(c.weight, 2);

	/* max-weight: 0..65535 on join and set. */
	expect_ok("cluster join addr 198.18.4.1 dev eth2 insecure max-weight 0",
		  &c);
	assert_true(c.has_max_weight);
	assert_int_equal(c.max_weight, 0);
	expect_ok("cluster join addr 198.18.4.1 dev eth2 max-weight 65535 key k",
		  &c);
	assert_int_equal(c.max_weight, ILB_MEMBER_WEIGHT_MAX);

	/* cluster set key FILE: a rolling rotation; set max-weight N. */
	expect_ok("cluster set key /etc/ilb/new.key", &c);
	assert_int_equal(c.verb, ILBADM_VERB_SET);
	assert_true(c.has_key);
	assert_string_equal(c.key_file, "/etc/ilb/new.key");
	assert_false(c.has_sync || c.has_cache || c.has_weight ||
		     c.has_max_weight || c.insecure);
	expect_ok("cluster set max-weight 100", &c);
	assert_true(c.has_max_weight);
	assert_int_equal(c.max_weight, 100);
	assert_false(c.has_key);
	expect_ok("cluster set max-weight 0", &c);
	assert_int_equal(c.max_weight, 0);
	expect_ok("cluster set max-weight 65535 weight 3 key k cache 1 sync broadcast",
		  &c);
	assert_true(c.has_max_weight && c.has_weight && c.has_key &&
		    c.has_cache && c.has_sync);

	/* cluster genkey: no arguments, no netlink. */
	expect_ok("cluster genkey", &c);
	assert_int_equal(c.obj, ILBADM_OBJ_CLUSTER);
	assert_int_equal(c.verb, ILBADM_VERB_GENKEY);
	assert_string_equal(ilbadm_cmd_name(&c), "cluster genkey");
}

static void test_key_file_names(void **state)
{
	char name[ILB_CLUSTER_KEY_FILE_MAX + 1], file[ILB_CLUSTER_KEY_FILE_MAX];
	char *argv[] = { "cluster", "set", "key", "", NULL };
	struct ilbadm_cmd c;

	(void)state;
	memset(name, 'k', sizeof(name));
	name[ILB_CLUSTER_KEY_FILE_MAX - 1] = '\0';	/* 255 bytes */
	assert_int_equal(ilbadm_parse_key_file(name, file, err, sizeof(err)),
			 0);
	assert_string_equal(file, name);
	name[ILB_CLUSTER_KEY_FILE_MAX - 1] = 'k';
	name[ILB_CLUSTER_KEY_FILE_MAX] = '\0';		/* 256 bytes */
	assert_int_equal(ilbadm_parse_key_file(name, file, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "bad key file \"kkkkkkkkkkkkkkkk...\" (at most 255 bytes)"));
	assert_int_equal(ilbadm_parse_key_file("a\nb", file, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "bad key file (a control character in its name)");
	assert_null(strchr(err, '\n'));
	assert_int_equal(ilbadm_parse_key_file("a\x7f", file, err,
					       sizeof(err)), -1);
	/* Blanks and '#' are fine on a command line (save comments them). */
	assert_int_equal(ilbadm_parse_key_file("my key#1", file, err,
					       sizeof(err)), 0);
	assert_string_equal(file, "my key#1");
	/* An empty word, as a shell can pass one. */
	assert_int_equal(ilbadm_parse_cmd(4, argv, &c, err, sizeof(err)),
			 ILBADM_ERR);
	assert_string_equal(err, "bad key file \"\" (a file name)");
}

/* base64 of n bytes of v, as a key file would hold it. */
static void b64_of(size_t n, uint8_t v, char *out)
{
	uint8_t raw[64];

	assert_true(n <= sizeof(raw));
	memset(raw, v, n);
	EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
}

static void test_genkey(void **state)
{
	char k1[ILBADM_KEY_B64_LEN + 1], k2[ILBADM_KEY_B64_LEN + 1];
	uint8_t key[ILB_CLUSTER_KEY_LEN], raw[48];
	size_t i;

	(void)state;
	assert_int_equal(ILBADM_KEY_B64_LEN, 44);
	memset(k1, '!', sizeof(k1));
	assert_int_equal(ilbadm_genkey(k1, err, sizeof(err)), 0);
	assert_int_equal(strlen(k1), 44);
	/* Standard alphabet, one '=' of padding (32 = 3 * 10 + 2). */
	for (i = 0; i < 43; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
				       k1[i]));
	assert_int_equal(k1[43], '=');
	/* It decodes to 32 bytes, ours and OpenSSL's way. */
	assert_int_equal(ilbadm_key_decode(k1, strlen(k1), key, err,
					   sizeof(err)), 0);
	assert_int_equal(EVP_DecodeBlock(raw, (unsigned char *)k1, 44), 33);
	assert_memory_equal(raw, key, ILB_CLUSTER_KEY_LEN);
	/* Two keys differ. */
	assert_int_equal(ilbadm_genkey(k2, err, sizeof(err)), 0);
	assert_int_equal(strlen(k2), 44);
	assert_string_not_equal(k1, k2);
}

/* The id the module gives a key: cluster-protocol.rst's example. */
static void test_key_id(void **state)
{
	uint8_t key[ILB_CLUSTER_KEY_LEN], id = 0, id2 = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	assert_int_equal(ilbadm_key_id(key, &id), 0);
	assert_int_equal(id, 0xdf);
	key[31] ^= 1;
	assert_int_equal(ilbadm_key_id(key, &id2), 0);
	assert_int_not_equal(id2, 0);
	assert_int_not_equal(id2, 0xdf);
}

static void test_key_decode(void **state)
{
	uint8_t key[ILB_CLUSTER_KEY_LEN], want[ILB_CLUSTER_KEY_LEN];
	char b[160], k[ILBADM_KEY_B64_LEN + 1];
	size_t i;

	(void)state;
	b64_of(ILB_CLUSTER_KEY_LEN, 0xa5, k);
	memset(want, 0xa5, sizeof(want));
	/* Exactly one key; trailing blanks (a newline, CRLF) allowed. */
	snprintf(b, sizeof(b), "%s", k);
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), 0);
	assert_memory_equal(key, want, sizeof(key));
	snprintf(b, sizeof(b), "%s\n", k);
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), 0);
	snprintf(b, sizeof(b), "%s \t\r\n\n", k);
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), 0);
	assert_memory_equal(key, want, sizeof(key));

	/* Not one key. */
	assert_int_equal(ilbadm_key_decode("", 0, key, err, sizeof(err)), -1);
	assert_string_equal(err, "empty, not a key");
	assert_int_equal(ilbadm_key_decode(" \n\n", 3, key, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "empty, not a key");
	snprintf(b, sizeof(b), " %s\n", k);	/* leading blank */
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "not a base64 key of 32 bytes");
	snprintf(b, sizeof(b), "%s\n%s\n", k, k);	/* two keys */
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	snprintf(b, sizeof(b), "%.43s\n", k);	/* no padding */
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "not a base64 key of 32 bytes");
	snprintf(b, sizeof(b), "%.22s %.22s", k, k + 22);	/* inner blank */
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	assert_int_equal(ilbadm_key_decode("not base64 at all!!", 19, key, err,
					   sizeof(err)), -1);
	/* base64url is not the standard alphabet. */
	snprintf(b, sizeof(b), "%s", k);
	b[0] = '-';
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	b[0] = '_';
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	/* Non-canonical: the unused low bits of the last digit set. */
	snprintf(b, sizeof(b), "%s", k);
	assert_int_equal(b[42], 'U');		/* 0xa5 0xa5 -> "paU=" */
	b[42] = 'V';
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "not a base64 key of 32 bytes");
	/* '=' inside. */
	snprintf(b, sizeof(b), "%s", k);
	b[10] = '=';
	assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
					   sizeof(err)), -1);

	/* Base64 of other lengths: named. */
	for (i = 0; i <= 48; i++) {
		if (i == ILB_CLUSTER_KEY_LEN)
			continue;
		b64_of(i, 0x5a, b);
		if (!i)
			continue;	/* "" is empty */
		assert_int_equal(ilbadm_key_decode(b, strlen(b), key, err,
						   sizeof(err)), -1);
		snprintf(k, sizeof(k), "a key of %zu bytes, not 32", i);
		if (strcmp(err, k))
			print_error("%zu bytes: \"%s\"\n", i, err);
		assert_string_equal(err, k);
	}
}

static char keydir[64];

/* keydir/name with content, then chmod mode (umask does not matter). */
static const char *key_file(const char *name, const char *content,
			    mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", keydir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0 || !*content, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int key_setup(void **state)
{
	(void)state;
	snprintf(keydir, sizeof(keydir), "/tmp/ilbadm-key.XXXXXX");
	return mkdtemp(keydir) ? 0 : -1;
}

static int key_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", keydir);
	return system(cmd) ? -1 : 0;
}

/* ilbadm_key_read(path) fails with an error holding want (and path). */
static void key_refused(const char *path, const char *want)
{
	uint8_t key[ILB_CLUSTER_KEY_LEN];
	char abs[ILB_CLUSTER_KEY_FILE_MAX], head[160];

	memset(abs, 0, sizeof(abs));
	if (ilbadm_key_read(path, key, abs, err, sizeof(err)) != -1)
		print_error("%s: accepted, wanted \"%s\"\n", path, want);
	assert_int_equal(ilbadm_key_read(path, key, abs, err, sizeof(err)),
			 -1);
	snprintf(head, sizeof(head), "key file \"%s\": ", path);
	if (strncmp(err, head, strlen(head)) || !strstr(err, want))
		print_error("%s: \"%s\", wanted \"%s\"\n", path, err, want);
	assert_int_equal(strncmp(err, head, strlen(head)), 0);
	assert_non_null(strstr(err, want));
	assert_null(strchr(err, '\n'));
	assert_string_equal(abs, "");
}

static void test_key_files(void **state)
{
	static const mode_t open_modes[] = { 0640, 0604, 0644, 0660, 0606,
					     0610, 0601, 0620, 0602, 0777 };
	uint8_t key[ILB_CLUSTER_KEY_LEN], want[ILB_CLUSTER_KEY_LEN];
	char abs[ILB_CLUSTER_KEY_FILE_MAX], path[160], link[160], cwd[256];
	char k[ILBADM_KEY_B64_LEN + 1], body[160], msg[160], good[160], *rp;
	struct ilbadm_cmd c;
	const char *p;
	size_t i;

	(void)state;
	b64_of(ILB_CLUSTER_KEY_LEN, 0x3c, k);
	memset(want, 0x3c, sizeof(want));
	snprintf(body, sizeof(body), "%s\n", k);

	/* 0600 (and 0400): read, and named by its absolute name. */
	p = key_file("good", body, 0600);
	snprintf(path, sizeof(path), "%s", p);
	memset(key, 0, sizeof(key));
	assert_int_equal(ilbadm_key_read(path, key, abs, err, sizeof(err)),
			 0);
	assert_memory_equal(key, want, sizeof(key));
	rp = realpath(path, NULL);
	assert_non_null(rp);
	snprintf(good, sizeof(good), "%s", rp);
	free(rp);
	assert_string_equal(abs, good);
	assert_int_equal(abs[0], '/');
	p = key_file("readonly", body, 0400);
	assert_int_equal(ilbadm_key_read(p, key, abs, err, sizeof(err)), 0);
	/* A relative name and a symbolic link: the target's absolute name. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(keydir), 0);
	memset(abs, 0, sizeof(abs));
	assert_int_equal(ilbadm_key_read("./good", key, abs, err, sizeof(err)),
			 0);
	assert_string_equal(abs, good);
	snprintf(link, sizeof(link), "%s/link", keydir);
	assert_int_equal(symlink("good", link), 0);
	memset(abs, 0, sizeof(abs));
	assert_int_equal(ilbadm_key_read("link", key, abs, err, sizeof(err)),
			 0);
	assert_string_equal(abs, good);
	assert_int_equal(chdir(cwd), 0);
	/* Trailing blanks. */
	snprintf(body, sizeof(body), "%s  \r\n\n", k);
	p = key_file("blanks", body, 0600);
	assert_int_equal(ilbadm_key_read(p, key, abs, err, sizeof(err)), 0);
	assert_memory_equal(key, want, sizeof(key));

	/* Group or others may access it: refused, the mode named. */
	snprintf(body, sizeof(body), "%s\n", k);
	for (i = 0; i < ARRAY_SIZE(open_modes); i++) {
		p = key_file("open", body, open_modes[i]);
		snprintf(msg, sizeof(msg),
			 "mode %04o, group or others can access it (chmod 600 it)",
			 (unsigned int)open_modes[i]);
		key_refused(p, msg);
	}

	/* Not one key of 32 bytes. */
	key_refused(key_file("empty", "", 0600),
		    "empty, not a key (see \"ilbadm cluster genkey\")");
	key_refused(key_file("blank", "\n", 0600), "empty, not a key");
	key_refused(key_file("bad", "this is not a key!\n", 0600),
		    "not a base64 key of 32 bytes (see \"ilbadm cluster genkey\")");
	b64_of(31, 1, body);
	strcat(body, "\n");
	key_refused(key_file("short", body, 0600), "a key of 31 bytes, not 32");
	b64_of(33, 1, body);
	strcat(body, "\n");
	key_refused(key_file("long", body, 0600), "a key of 33 bytes, not 32");
	snprintf(body, sizeof(body), "%s\n%s\n", k, k);
	key_refused(key_file("two", body, 0600), "not a base64 key");
	memset(body, ' ', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memcpy(body, k, strlen(k));
	p = key_file("big", body, 0600);
	for (i = 0; i < 4; i++) {	/* 640 bytes: more than a key file */
		FILE *f = fopen(p, "a");

		assert_non_null(f);
		fputs(body, f);
		fclose(f);
	}
	key_refused(p, "too long for one key");

	/* Not a regular file, or none. */
	snprintf(path, sizeof(path), "%s/dir", keydir);
	assert_int_equal(mkdir(path, 0700), 0);
	key_refused(path, "not a regular file");
	snprintf(path, sizeof(path), "%s/fifo", keydir);
	assert_int_equal(mkfifo(path, 0600), 0);
	key_refused(path, "not a regular file");	/* and not blocked on */
	key_refused("/dev/null", "not a regular file");
	snprintf(path, sizeof(path), "%s/missing", keydir);
	key_refused(path, "No such file or directory");
	snprintf(link, sizeof(link), "%s/dangling", keydir);
	assert_int_equal(symlink("missing", link), 0);
	key_refused(link, "No such file or directory");

	/* A parsed command: its file checked, the error in its context. */
	snprintf(body, sizeof(body), "cluster join addr 198.18.4.1 dev eth2 key %s/good",
		 keydir);
	expect_ok(body, &c);
	assert_int_equal(ilbadm_key_check(&c, err, sizeof(err)), 0);
	snprintf(body, sizeof(body), "cluster set key %s/open", keydir);
	expect_ok(body, &c);
	assert_int_equal(ilbadm_key_check(&c, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "cluster set: key file \"%s/open\": mode 0777",
		 keydir);
	assert_non_null(strstr(err, msg));
	expect_ok("cluster join addr 198.18.4.1 dev eth2 insecure", &c);
	assert_int_equal(ilbadm_key_check(&c, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_add_defaults),
		cmocka_unit_test(test_service_add_options),
		cmocka_unit_test(test_every_sched_and_fwd),
		cmocka_unit_test(test_service_set_sends_only_given),
		cmocka_unit_test(test_service_persist),
		cmocka_unit_test(test_service_del_show),
		cmocka_unit_test(test_server_add_defaults),
		cmocka_unit_test(test_server_add_options),
		cmocka_unit_test(test_server_set_del),
		cmocka_unit_test(test_server_conns),
		cmocka_unit_test(test_conn_stats_timeout),
		cmocka_unit_test(test_no_verb_objects),
		cmocka_unit_test(test_cluster_join_minimal),
		cmocka_unit_test(test_cluster_join_every_option),
		cmocka_unit_test(test_cluster_join_ids),
		cmocka_unit_test(test_cluster_join_peers),
		cmocka_unit_test(test_cluster_set_leave_show),
		cmocka_unit_test(test_cluster_names),
		cmocka_unit_test(test_save_lines_round_trip),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_addrport),
		cmocka_unit_test(test_fmt_ipv4),
		cmocka_unit_test(test_split_line),
		cmocka_unit_test(test_parse_resets_cmd),
		cmocka_unit_test(test_cluster_keys_parse),
		cmocka_unit_test(test_key_file_names),
		cmocka_unit_test(test_genkey),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test(test_key_decode),
		cmocka_unit_test_setup_teardown(test_key_files, key_setup,
						key_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
