// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ilbadm apply's configurations and their differences
 * (tools/ilbadm/diff.c): FILE's commands on a model, the changes between
 * two configurations, their order and their undo, and commands as text.
 * Configurations are written as the commands save prints, parsed by
 * tools/ilbadm/parse.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "diff.h"
#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char err[ILBADM_ERRLEN];

/*
 * Parses one line (no netlink, no key files read) into c, which may point
 * into the line (apply's file) until the next call.
 */
static void parse_line(const char *line, struct ilbadm_cmd *c)
{
	static char buf[1024];
	char *argv[ILBADM_MAX_ARGS + 1];
	int argc, r;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = ilbadm_split_line(buf, argv, ILBADM_MAX_ARGS);
	assert_true(argc > 0);
	r = ilbadm_parse_cmd(argc, argv, c, err, sizeof(err));
	if (r != ILBADM_OK)
		print_error("\"%s\": %s\n", line, err);
	assert_int_equal(r, ILBADM_OK);
}

/*
 * Runs text (lines separated by '\n', numbered from 1) on cfg. Returns the
 * line that failed (err holds why), or 0.
 */
static unsigned int run_text(struct ilbadm_cfg *cfg, const char *text)
{
	char line[1024], *argv[ILBADM_MAX_ARGS + 1];
	const char *p = text, *nl;
	struct ilbadm_cmd c;
	unsigned int n = 0;
	int argc, skip;
	size_t len;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		assert_true(len < sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		n++;
		argc = ilbadm_split_line(line, argv, ILBADM_MAX_ARGS);
		assert_true(argc >= 0);
		/* as restore and apply read a line: "ilbadm" may start it */
		skip = argc && !strcmp(argv[0], "ilbadm");
		if (argc == skip)
			continue;
		if (ilbadm_parse_cmd(argc - skip, argv + skip, &c, err,
				     sizeof(err)) != ILBADM_OK)
			return n;
		if (ilbadm_cfg_cmd(cfg, &c, n, err, sizeof(err)))
			return n;
	}
	return 0;
}

static void build(struct ilbadm_cfg *cfg, const char *text)
{
	unsigned int bad;

	ilbadm_cfg_init(cfg);
	bad = run_text(cfg, text);
	if (bad)
		print_error("line %u: %s\n", bad, err);
	assert_int_equal(bad, 0);
}

/* The changes from node to file, as text lines; n of them expected. */
static void diff_text(const char *node_text, const char *file_text,
		      struct ilbadm_changes *ch)
{
	struct ilbadm_cfg node, file;

	build(&node, node_text);
	build(&file, file_text);
	assert_int_equal(ilbadm_diff(&node, &file, ch), 0);
	ilbadm_cfg_free(&node);
	ilbadm_cfg_free(&file);
}

static const char *fmt(const struct ilbadm_cmd *c)
{
	static char buf[ILBADM_CMD_LEN];

	assert_int_equal(ilbadm_cmd_format(c, buf, sizeof(buf)), 0);
	return buf;
}

/* Every change's command, in order, is want[i]. */
static void assert_changes(const struct ilbadm_changes *ch,
			   const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		print_message("# change %zu: %s\n", i, fmt(&ch->v[i].cmd));
	assert_int_equal(ch->n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(fmt(&ch->v[i].cmd), want[i]);
}

static const char base[] =
	"service add tcp 198.51.100.1:80 sched rr fwd nat\n"
	"service add udp 198.51.100.1:53 sched mh fwd dr\n"
	"server add tcp 198.51.100.1:80 198.18.3.101:80 weight 1 fwd nat state up\n"
	"server add tcp 198.51.100.1:80 198.18.3.102:80 weight 1 fwd nat state up\n"
	"server add tcp 198.51.100.1:80 198.18.3.103:80 weight 0 fwd nat state down\n"
	"server add udp 198.51.100.1:53 198.18.3.101:53 weight 1 fwd dr state up\n"
	"timeout set tcp 900 tcpfin 120 udp 300\n";

static void test_identical(void **state)
{
	struct ilbadm_changes ch;

	(void)state;
	diff_text(base, base, &ch);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);

	/* the same configuration written another way is still equal */
	diff_text(base,
		  "# comments, defaults left out, another order\n"
		  "\n"
		  "ilbadm service add udp 198.51.100.1:53 fwd dr sched mh\n"
		  "service add tcp 198.51.100.1:80\n"
		  "server add udp 198.51.100.1:53 198.18.3.101\n"
		  "server add tcp 198.51.100.1:80 198.18.3.103 state down weight 0\n"
		  "server add tcp 198.51.100.1:80 198.18.3.102\n"
		  "server add tcp 198.51.100.1:80 198.18.3.101:80 weight 7\n"
		  "server set tcp 198.51.100.1:80 198.18.3.101 weight 1\n"
		  "timeout set udp 300\n", &ch);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);

	/* timeouts FILE does not give are left alone */
	diff_text(base,
		  "service add tcp 198.51.100.1:80 sched rr fwd nat\n"
		  "service add udp 198.51.100.1:53 sched mh fwd dr\n"
		  "server add tcp 198.51.100.1:80 198.18.3.101:80\n"
		  "server add tcp 198.51.100.1:80 198.18.3.102:80\n"
		  "server add tcp 198.51.100.1:80 198.18.3.103:80 weight 0 state down\n"
		  "server add udp 198.51.100.1:53 198.18.3.101:53\n", &ch);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);
}

static void test_weight_change(void **state)
{
	static const char *const want[] = {
		"server set tcp 198.51.100.1:80 198.18.3.101:80 weight 3",
	};
	struct ilbadm_changes ch;
	char file[2048];

	(void)state;
	snprintf(file, sizeof(file), "%s%s", base,
		 "server set tcp 198.51.100.1:80 198.18.3.101 weight 3\n");
	diff_text(base, file, &ch);
	assert_changes(&ch, want, ARRAY_SIZE(want));
	/* the line of FILE that asked for it, and the way back */
	assert_int_equal(ch.v[0].line, 8);
	assert_int_equal(ch.v[0].nundo, 1);
	assert_null(ch.v[0].no_undo);
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 weight 1");
	ilbadm_changes_free(&ch);
}

static void test_server_added_removed(void **state)
{
	static const char *const want[] = {
		"server add tcp 198.51.100.1:80 198.18.3.104:8080 weight 2 fwd nat state up",
		"server del tcp 198.51.100.1:80 198.18.3.103:80",
	};
	struct ilbadm_changes ch;
	char file[2048];

	(void)state;
	snprintf(file, sizeof(file), "%s%s", base,
		 "server del tcp 198.51.100.1:80 198.18.3.103\n"
		 "server add tcp 198.51.100.1:80 198.18.3.104:8080 weight 2\n");
	diff_text(base, file, &ch);
	assert_changes(&ch, want, ARRAY_SIZE(want));
	assert_int_equal(ch.v[0].line, 9);
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "server del tcp 198.51.100.1:80 198.18.3.104:8080");
	/* a deletion has no line; its undo adds the server back as it was */
	assert_int_equal(ch.v[1].line, 0);
	assert_int_equal(ch.v[1].nundo, 1);
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "server add tcp 198.51.100.1:80 198.18.3.103:80 weight 0 fwd nat state down");
	ilbadm_changes_free(&ch);
}

static void test_scheduler_change(void **state)
{
	static const char *const want[] = {
		"service set tcp 198.51.100.1:80 sched wlc",
	};
	struct ilbadm_changes ch;
	char file[2048];
	size_t i;

	(void)state;
	snprintf(file, sizeof(file), "%s%s", base,
		 "service set tcp 198.51.100.1:80 sched wlc\n");
	diff_text(base, file, &ch);
	/* in place: the service and its servers (and connections) stay */
	assert_changes(&ch, want, ARRAY_SIZE(want));
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "service set tcp 198.51.100.1:80 sched rr");
	ilbadm_changes_free(&ch);

	/* every attribute of services and servers changes in place */
	snprintf(file, sizeof(file), "%s%s", base,
		 "service set tcp 198.51.100.1:80 sched sh fwd local\n"
		 "service set udp 198.51.100.1:53 fwd nat\n"
		 "server set tcp 198.51.100.1:80 198.18.3.101 weight 9 fwd dr state down\n"
		 "server set tcp 198.51.100.1:80 198.18.3.103 state up\n");
	diff_text(base, file, &ch);
	assert_int_equal(ch.n, 4);
	for (i = 0; i < ch.n; i++)
		assert_int_equal(ch.v[i].cmd.verb, ILBADM_VERB_SET);
	assert_string_equal(fmt(&ch.v[2].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 weight 9 fwd dr state down");
	assert_string_equal(fmt(&ch.v[2].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 weight 1 fwd nat state up");
	ilbadm_changes_free(&ch);
}

/*
 * Connection limits change in place, max-conns and min-conns together (the
 * module checks one against the other); max-conns 0 removes a limit.
 */
static void test_conns_limits(void **state)
{
	static const char limited[] =
		"service add tcp 198.51.100.1:80 sched wlc fwd nat\n"
		"server add tcp 198.51.100.1:80 198.18.3.101:80 weight 1 fwd nat state up max-conns 100 min-conns 80\n"
		"server add tcp 198.51.100.1:80 198.18.3.102:80 weight 1 fwd nat state up max-conns 50\n"
		"server add tcp 198.51.100.1:80 198.18.3.103:80 weight 1 fwd nat state up\n";
	struct ilbadm_changes ch;
	char file[2048];

	(void)state;
	/* the same limits written another way: no change */
	diff_text(limited,
		  "service add tcp 198.51.100.1:80 sched wlc\n"
		  "server add tcp 198.51.100.1:80 198.18.3.101 max-conns 7\n"
		  "server set tcp 198.51.100.1:80 198.18.3.101 max-conns 100 min-conns 80\n"
		  "server add tcp 198.51.100.1:80 198.18.3.102 min-conns 0 max-conns 50\n"
		  "server add tcp 198.51.100.1:80 198.18.3.103 max-conns 0\n", &ch);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);

	/* a limit set: both values, the undo sets both back (no limit) */
	snprintf(file, sizeof(file), "%s%s", limited,
		 "server set tcp 198.51.100.1:80 198.18.3.103 max-conns 10\n");
	diff_text(limited, file, &ch);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.103:80 max-conns 10 min-conns 0");
	assert_int_equal(ch.v[0].line, 5);
	assert_int_equal(ch.v[0].nundo, 1);
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.103:80 max-conns 0 min-conns 0");
	ilbadm_changes_free(&ch);

	/* min-conns alone changes: still one request with both */
	snprintf(file, sizeof(file), "%s%s", limited,
		 "server set tcp 198.51.100.1:80 198.18.3.101 min-conns 0\n"
		 "server set tcp 198.51.100.1:80 198.18.3.102 min-conns 49 weight 2\n");
	diff_text(limited, file, &ch);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 max-conns 100 min-conns 0");
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 max-conns 100 min-conns 80");
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.102:80 weight 2 max-conns 50 min-conns 49");
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.102:80 weight 1 max-conns 50 min-conns 0");
	ilbadm_changes_free(&ch);

	/* limits removed: max-conns 0 (and min-conns 0), undone */
	snprintf(file, sizeof(file), "%s%s", limited,
		 "server set tcp 198.51.100.1:80 198.18.3.101 max-conns 0\n"
		 "server set tcp 198.51.100.1:80 198.18.3.102 max-conns 0\n");
	diff_text(limited, file, &ch);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 max-conns 0 min-conns 0");
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.101:80 max-conns 100 min-conns 80");
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "server set tcp 198.51.100.1:80 198.18.3.102:80 max-conns 0 min-conns 0");
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "server set tcp 198.51.100.1:80 198.18.3.102:80 max-conns 50 min-conns 0");
	ilbadm_changes_free(&ch);

	/* a new server with limits is added with them, as save prints it;
	 * one deleted is added back with its own
	 */
	snprintf(file, sizeof(file), "%s%s", limited,
		 "server del tcp 198.51.100.1:80 198.18.3.101\n"
		 "server add tcp 198.51.100.1:80 198.18.3.104 max-conns 30 min-conns 20\n");
	diff_text(limited, file, &ch);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "server add tcp 198.51.100.1:80 198.18.3.104:80 weight 1 fwd nat state up max-conns 30 min-conns 20");
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "server del tcp 198.51.100.1:80 198.18.3.101:80");
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "server add tcp 198.51.100.1:80 198.18.3.101:80 weight 1 fwd nat state up max-conns 100 min-conns 80");
	ilbadm_changes_free(&ch);

	/* a service deleted comes back with its servers' limits */
	diff_text(limited, "", &ch);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].nundo, 4);
	assert_string_equal(fmt(&ch.v[0].undo[1]),
			    "server add tcp 198.51.100.1:80 198.18.3.101:80 weight 1 fwd nat state up max-conns 100 min-conns 80");
	assert_string_equal(fmt(&ch.v[0].undo[2]),
			    "server add tcp 198.51.100.1:80 198.18.3.102:80 weight 1 fwd nat state up max-conns 50");
	assert_string_equal(fmt(&ch.v[0].undo[3]),
			    "server add tcp 198.51.100.1:80 198.18.3.103:80 weight 1 fwd nat state up");
	ilbadm_changes_free(&ch);
}

/* Persistence changes in place, and a new service keeps its settings. */
static void test_persistence(void **state)
{
	/* new services first: each change is one the kernel takes */
	static const char *const want[] = {
		"service add tcp 198.51.100.1:443 sched rr fwd nat persist 300 netmask /24 group 80",
		"service set tcp 198.51.100.1:80 persist 300 netmask /24",
	};
	struct ilbadm_changes ch;
	char file[2048];

	(void)state;
	snprintf(file, sizeof(file), "%s%s", base,
		 "service set tcp 198.51.100.1:80 persist 300 netmask /24\n"
		 "service add tcp 198.51.100.1:443 persist 300 netmask 255.255.255.0 group 80\n");
	diff_text(base, file, &ch);
	assert_changes(&ch, want, ARRAY_SIZE(want));
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "service set tcp 198.51.100.1:80 persist 0 netmask /32");
	ilbadm_changes_free(&ch);

	/* and back */
	diff_text(file, base, &ch);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "service set tcp 198.51.100.1:80 persist 0 netmask /32");
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "service del tcp 198.51.100.1:443");
	ilbadm_changes_free(&ch);
}

static void test_service_removed(void **state)
{
	static const char *const want[] = { "service del udp 198.51.100.1:53" };
	static const char *const undo[] = {
		"service add udp 198.51.100.1:53 sched mh fwd dr",
		"server add udp 198.51.100.1:53 198.18.3.101:53 weight 1 fwd dr state up",
	};
	struct ilbadm_changes ch;
	char file[2048];
	size_t i;

	(void)state;
	snprintf(file, sizeof(file), "%s%s", base,
		 "service del udp 198.51.100.1:53\n");
	diff_text(base, file, &ch);
	/* one line: its servers go with it */
	assert_changes(&ch, want, ARRAY_SIZE(want));
	assert_int_equal(ch.v[0].nundo, ARRAY_SIZE(undo));
	for (i = 0; i < ARRAY_SIZE(undo); i++)
		assert_string_equal(fmt(&ch.v[0].undo[i]), undo[i]);
	ilbadm_changes_free(&ch);

	/* flush in FILE: what follows it is all there is */
	diff_text(base, "flush\nservice add tcp 198.51.100.9:80\n", &ch);
	assert_int_equal(ch.n, 3);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "service add tcp 198.51.100.9:80 sched rr fwd nat");
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "service del tcp 198.51.100.9:80");
	assert_string_equal(fmt(&ch.v[1].cmd), "service del tcp 198.51.100.1:80");
	assert_int_equal(ch.v[1].nundo, 4);
	assert_string_equal(fmt(&ch.v[2].cmd), "service del udp 198.51.100.1:53");
	ilbadm_changes_free(&ch);
}

/* Every phase at once: the order of the changes. */
static void test_ordering(void **state)
{
	static const char node[] =
		"service add tcp 198.51.100.1:80 sched rr fwd nat\n"
		"service add tcp 198.51.100.2:80 sched rr fwd nat\n"
		"server add tcp 198.51.100.1:80 198.18.3.101 weight 1\n"
		"server add tcp 198.51.100.1:80 198.18.3.102 weight 1\n"
		"server add tcp 198.51.100.2:80 198.18.3.101 weight 1\n"
		"timeout set tcp 900 tcpfin 120 udp 300\n"
		"cluster join id 1 addr 198.18.4.1 dev eth2 sync targeted cache 100 key /k/a\n";
	static const char file[] =
		"service add udp 198.51.100.3:53 sched mh\n"		/* 1 */
		"service add tcp 198.51.100.1:80 sched wlc\n"		/* 2 */
		"server add udp 198.51.100.3:53 198.18.3.105\n"		/* 3 */
		"server add tcp 198.51.100.1:80 198.18.3.102 weight 4\n" /* 4 */
		"server add tcp 198.51.100.1:80 198.18.3.100\n"		/* 5 */
		"timeout set tcpfin 60\n"				/* 6 */
		"cluster join id 1 addr 198.18.4.1 dev eth2 sync broadcast cache 100 key /k/b\n";
	static const char *const want[] = {
		"service add udp 198.51.100.3:53 sched mh fwd nat",
		"service set tcp 198.51.100.1:80 sched wlc",
		"server add tcp 198.51.100.1:80 198.18.3.100:80 weight 1 fwd nat state up",
		"server add udp 198.51.100.3:53 198.18.3.105:53 weight 1 fwd nat state up",
		"server set tcp 198.51.100.1:80 198.18.3.102:80 weight 4",
		"server del tcp 198.51.100.1:80 198.18.3.101:80",
		"service del tcp 198.51.100.2:80",
		"timeout set tcpfin 60",
		"cluster set sync broadcast",
		"cluster set key /k/b",
	};
	static const unsigned int lines[] = { 1, 2, 5, 3, 4, 0, 0, 6, 7, 7 };
	struct ilbadm_changes ch;
	size_t i;

	(void)state;
	diff_text(node, file, &ch);
	assert_changes(&ch, want, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		assert_int_equal(ch.v[i].line, lines[i]);
	assert_string_equal(fmt(&ch.v[7].undo[0]), "timeout set tcpfin 120");
	assert_string_equal(fmt(&ch.v[8].undo[0]), "cluster set sync targeted");
	ilbadm_changes_free(&ch);
}

static void cluster_cfg(struct ilbadm_cfg *c, const char *text,
			uint32_t ifindex, uint8_t key_id)
{
	build(c, text);
	c->cl.ifindex = ifindex;
	c->cl.key_id = key_id;
}

static void test_cluster_key(void **state)
{
	static const char a[] =
		"cluster join id 1 addr 198.18.4.1 dev eth2 cache 10 key /k/a\n";
	static const char b[] =
		"cluster join id 1 addr 198.18.4.1 dev eth2 cache 10 key /k/b\n";
	struct ilbadm_cfg node, file;
	struct ilbadm_changes ch;

	(void)state;
	/* another key file: one rolling rotation, undone by the old file */
	cluster_cfg(&node, a, 4, 0x3a);
	cluster_cfg(&file, b, 4, 0x7c);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd), "cluster set key /k/b");
	assert_int_equal(ch.v[0].line, 1);
	assert_int_equal(ch.v[0].nundo, 1);
	assert_string_equal(fmt(&ch.v[0].undo[0]), "cluster set key /k/a");
	ilbadm_changes_free(&ch);

	/* the same file with another key in it */
	file.cl.key_id = 0x11;
	memcpy(file.cl.key_file, "/k/a", 5);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd), "cluster set key /k/a");
	ilbadm_changes_free(&ch);

	/* the same file and key: nothing */
	file.cl.key_id = 0x3a;
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);

	/* a key not given by a file cannot be set back */
	node.cl.key_file[0] = '\0';
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].nundo, 0);
	assert_non_null(ch.v[0].no_undo);
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&node);
	ilbadm_cfg_free(&file);
}

static void test_cluster_in_place_or_rejoin(void **state)
{
	static const char j[] =
		"cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 cache 10 insecure\n";
	struct ilbadm_cfg node, file;
	struct ilbadm_changes ch;

	(void)state;
	/* weight and max-weight in one request: the module checks both */
	cluster_cfg(&node, j, 4, 0);
	cluster_cfg(&file,
		    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 cache 10 insecure\n"
		    "cluster set weight 5 max-weight 8 cache 0\n", 4, 0);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd),
			    "cluster set cache 0 weight 5 max-weight 8");
	assert_int_equal(ch.v[0].line, 2);
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "cluster set cache 10 weight 2 max-weight 65535");
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);

	/* hello-ms cannot change in place: leave, then join as FILE says */
	cluster_cfg(&file,
		    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 hello-ms 50 cache 10 insecure\n",
		    4, 0);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd), "cluster leave");
	assert_string_equal(fmt(&ch.v[0].undo[0]),
			    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 score hrw32 hello-ms 100 dead-ms 275 port 7219 cluster 1 sync targeted cache 10 insecure");
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 score hrw32 hello-ms 50 dead-ms 138 port 7219 cluster 1 sync targeted cache 10 insecure");
	assert_string_equal(fmt(&ch.v[1].undo[0]), "cluster leave");
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);

	/* another interface (by index), peers, or a key for an insecure one */
	cluster_cfg(&file, j, 5, 0);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 2);
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);
	cluster_cfg(&file,
		    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 cache 10 peer 198.18.4.2 insecure\n",
		    4, 0);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[1].cmd),
			    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 score hrw32 hello-ms 100 dead-ms 275 port 7219 peer 198.18.4.2 cluster 1 sync targeted cache 10 insecure");
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);
	cluster_cfg(&file,
		    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 cache 10 key /k/a\n",
		    4, 0x3a);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 2);
	assert_string_equal(fmt(&ch.v[0].cmd), "cluster leave");
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);

	/* no join in FILE: the node leaves; none on the node: it joins */
	build(&file, "");
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd), "cluster leave");
	assert_int_equal(ch.v[0].line, 0);
	ilbadm_changes_free(&ch);
	assert_int_equal(ilbadm_diff(&file, &node, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].cmd.verb, ILBADM_VERB_JOIN);
	assert_string_equal(fmt(&ch.v[0].undo[0]), "cluster leave");
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);

	/* a join without cache when the module's default is unknown */
	cluster_cfg(&file,
		    "cluster join id 1 addr 198.18.4.1 dev eth2 weight 2 insecure\n",
		    4, 0);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&file);
	ilbadm_cfg_free(&node);
}

/* A rotation under way toward FILE's key is not a change. */
static void test_cluster_key_pending(void **state)
{
	static const char a[] =
		"cluster join id 1 addr 198.18.4.1 dev eth2 cache 10 key /k/b\n";
	struct ilbadm_cfg node, file;
	struct ilbadm_changes ch;

	(void)state;
	/* apply.c gives a pending node the id of the key it rotates to */
	cluster_cfg(&node, a, 4, 0x7c);
	cluster_cfg(&file, a, 4, 0x7c);
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);
	/* FILE's key unknown (id 0): the file names it */
	file.cl.key_id = 0;
	assert_int_equal(ilbadm_diff(&node, &file, &ch), 0);
	assert_int_equal(ch.n, 0);
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&node);
	ilbadm_cfg_free(&file);
}

static void test_timeouts(void **state)
{
	struct ilbadm_changes ch;

	(void)state;
	diff_text("timeout set tcp 900 tcpfin 120 udp 300\n",
		  "timeout set tcp 900\ntimeout set udp 30 tcp 600\n", &ch);
	assert_int_equal(ch.n, 1);
	assert_string_equal(fmt(&ch.v[0].cmd), "timeout set tcp 600 udp 30");
	assert_int_equal(ch.v[0].line, 2);
	assert_string_equal(fmt(&ch.v[0].undo[0]), "timeout set tcp 900 udp 300");
	ilbadm_changes_free(&ch);
}

/* What the module would refuse, or what is not a configuration, fails
 * with the line it is on, before anything changes.
 */
static void test_file_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *err;
	} bad[] = {
		{ "service add tcp 1.2.3.4:80\nservice add tcp 1.2.3.4:80 sched wlc\n",
		  2, "service tcp 1.2.3.4:80: already exists (line 1)" },
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.5:80 10.0.0.1\n",
		  2, "service tcp 1.2.3.5:80: no such service" },
		{ "service set tcp 1.2.3.4:80 sched wlc\n",
		  1, "service tcp 1.2.3.4:80: no such service" },
		{ "service add tcp 1.2.3.4:80\nserver set tcp 1.2.3.4:80 10.0.0.1 weight 2\n",
		  2, "server tcp 1.2.3.4:80 10.0.0.1:80: no such server" },
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.4:80 10.0.0.1\n\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1:80 weight 3\n",
		  4, "server tcp 1.2.3.4:80 10.0.0.1:80: already exists (line 2)" },
		{ "service add tcp 1.2.3.4:80 fwd dr\nserver add tcp 1.2.3.4:80 10.0.0.1:8080\n",
		  2, "server tcp 1.2.3.4:80 10.0.0.1:8080: direct routing cannot change the port" },
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.4:80 10.0.0.1:8080\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1:8080 fwd dr\n",
		  3, "server tcp 1.2.3.4:80 10.0.0.1:8080: direct routing cannot change the port" },
		{ "service add tcp 1.2.3.4:80\nflush\nserver add tcp 1.2.3.4:80 10.0.0.1\n",
		  3, "service tcp 1.2.3.4:80: no such service" },
		{ "cluster join addr 10.0.0.1 dev eth0 insecure\n"
		  "cluster join addr 10.0.0.1 dev eth0 insecure\n",
		  2, "cluster join: already in a cluster (line 1): leave it first" },
		{ "cluster set weight 2\n", 1, "cluster set: not in a cluster" },
		{ "cluster leave\n", 1, "cluster leave: not in a cluster" },
		{ "cluster join addr 10.0.0.1 dev eth0 weight 9 max-weight 5 insecure\n",
		  1, "cluster join: weight 9 is above max-weight 5" },
		{ "cluster join addr 10.0.0.1 dev eth0 insecure\ncluster set max-weight 0\n",
		  2, "cluster set: weight 1 is above max-weight 0" },
		{ "cluster join addr 10.0.0.1 dev eth0 dead-ms 90 insecure\n",
		  1, "cluster join: dead-ms 90 must be greater than hello-ms 100" },
		{ "cluster join addr 10.0.0.1 dev eth0 insecure\ncluster set key /k\n",
		  2, "cluster set: joined insecure (line 1): leave and join with a key" },
		{ "service add tcp 1.2.3.4:80\nservice show\n",
		  2, "service show: not a configuration" },
		{ "timeout show\n", 1, "timeout show: not a configuration" },
		{ "save\n", 1, "save: not a configuration" },
		{ "cluster show\n", 1, "cluster show: not a configuration" },
		{ "conn show\n", 1, "conn show: not a configuration" },
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.4:80 10.0.0.1 weight 70000\n",
		  2, "bad weight \"70000\" (0..65535)" },
		/* connection limits: min-conns below max-conns, as the
		 * module has them after the line
		 */
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.4:80 10.0.0.1 max-conns 10 min-conns 10\n",
		  2, "server add: min-conns 10 must be less than max-conns 10" },
		{ "service add tcp 1.2.3.4:80\nserver add tcp 1.2.3.4:80 10.0.0.1 max-conns 16777217\n",
		  2, "bad max-conns \"16777217\" (0..16777216)" },
		{ "service add tcp 1.2.3.4:80\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1 max-conns 100 min-conns 50\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 max-conns 50\n",
		  3, "server tcp 1.2.3.4:80 10.0.0.1:80: min-conns 50 must be less than max-conns 50" },
		{ "service add tcp 1.2.3.4:80\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1 max-conns 100\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 min-conns 100\n",
		  3, "server tcp 1.2.3.4:80 10.0.0.1:80: min-conns 100 must be less than max-conns 100" },
	};
	struct ilbadm_cfg c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ilbadm_cfg_init(&c);
		assert_int_equal(run_text(&c, bad[i].text), bad[i].line);
		assert_string_equal(err, bad[i].err);
		ilbadm_cfg_free(&c);
	}
}

/* FILE as the module would run it: a server without fwd takes its
 * service's when it is added, and keeps it.
 */
static void test_model(void **state)
{
	const struct ilbadm_cfg_svc *s;
	struct ilbadm_svc_key k = { .proto = IPPROTO_TCP };
	struct ilbadm_cfg c;

	(void)state;
	build(&c, "service add tcp 1.2.3.4:80 fwd local\n"
		  "server add tcp 1.2.3.4:80 10.0.0.2\n"
		  "service set tcp 1.2.3.4:80 fwd nat\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1\n"
		  "service add tcp 1.2.3.3:80\n"
		  "cluster join addr 10.0.0.1 dev eth0 peer 10.0.0.9 peer 10.0.0.3 hello-ms 4000 insecure\n");
	assert_int_equal(c.nsvc, 2);
	assert_int_equal(c.svc[0].key.addr, inet_addr("1.2.3.3"));
	k.addr = inet_addr("1.2.3.4");
	k.port = 80;
	s = ilbadm_cfg_svc_find(&c, &k);
	assert_non_null(s);
	assert_int_equal(s->nsrv, 2);
	assert_int_equal(s->srv[0].addr, inet_addr("10.0.0.1"));
	assert_int_equal(s->srv[0].fwd, ILB_FWD_NAT);
	assert_int_equal(s->srv[1].fwd, ILB_FWD_LOCAL);
	assert_int_equal(s->srv[1].line, 2);
	/* the join's defaults, as the module's */
	assert_true(c.cl.joined);
	assert_int_equal(c.cl.id, ntohl(inet_addr("10.0.0.1")));
	assert_int_equal(c.cl.dead_ms, 11000);
	assert_int_equal(c.cl.port, 7219);
	assert_int_equal(c.cl.max_weight, 65535);
	assert_false(c.cl.has_cache);
	assert_int_equal(c.cl.npeers, 2);
	assert_int_equal(c.cl.peers[0], inet_addr("10.0.0.3"));
	ilbadm_cfg_free(&c);

	build(&c, "cluster join addr 10.0.0.1 dev eth0 hello-ms 10000 insecure\n");
	assert_int_equal(c.cl.dead_ms, 27500);
	ilbadm_cfg_free(&c);

	/*
	 * limits as the module keeps them: 0 when added without; a set
	 * without one keeps it; no limit (max-conns 0) drops min-conns, and
	 * a min-conns without a limit is 0
	 */
	build(&c, "service add tcp 1.2.3.4:80\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1\n"
		  "server add tcp 1.2.3.4:80 10.0.0.2 max-conns 40 min-conns 30\n"
		  "server add tcp 1.2.3.4:80 10.0.0.3\n"
		  "server set tcp 1.2.3.4:80 10.0.0.2 weight 3\n"
		  "server set tcp 1.2.3.4:80 10.0.0.2 max-conns 60\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 max-conns 5 min-conns 4\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 max-conns 0\n"
		  "server set tcp 1.2.3.4:80 10.0.0.3 min-conns 7\n");
	s = ilbadm_cfg_svc_find(&c, &k);
	assert_non_null(s);
	assert_int_equal(s->nsrv, 3);
	assert_int_equal(s->srv[0].max_conns, 0);
	assert_int_equal(s->srv[0].min_conns, 0);
	assert_int_equal(s->srv[0].line, 8);
	assert_int_equal(s->srv[1].weight, 3);
	assert_int_equal(s->srv[1].max_conns, 60);
	assert_int_equal(s->srv[1].min_conns, 30);
	assert_int_equal(s->srv[2].max_conns, 0);
	assert_int_equal(s->srv[2].min_conns, 0);
	ilbadm_cfg_free(&c);

	/* the limit back: min-conns is not what it was before max-conns 0 */
	build(&c, "service add tcp 1.2.3.4:80\n"
		  "server add tcp 1.2.3.4:80 10.0.0.1 max-conns 100 min-conns 90\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 max-conns 0\n"
		  "server set tcp 1.2.3.4:80 10.0.0.1 max-conns 50\n");
	s = ilbadm_cfg_svc_find(&c, &k);
	assert_non_null(s);
	assert_int_equal(s->srv[0].max_conns, 50);
	assert_int_equal(s->srv[0].min_conns, 0);
	ilbadm_cfg_free(&c);
}

/* Each change's text parses back to the same command. */
static void test_format_round_trip(void **state)
{
	static const char node[] =
		"service add tcp 198.51.100.1:80\n"
		"server add tcp 198.51.100.1:80 198.18.3.101 weight 2 fwd dr state down max-conns 16777216 min-conns 16777215\n"
		"cluster join id 0x2a addr 198.18.4.1 dev eth2 weight 3 score crc8 hello-ms 50 dead-ms 200 port 7000 peer 198.18.4.2 peer 198.18.4.3 cluster 9 sync broadcast cache 5 max-weight 7 key /etc/ilb/k\n";
	struct ilbadm_cmd back;
	struct ilbadm_changes ch;
	const struct ilbadm_cmd *c;
	char small[8];
	size_t i, j;

	(void)state;
	diff_text(node, "", &ch);
	assert_int_equal(ch.n, 2);
	for (i = 0; i < ch.n; i++) {
		for (j = 0; j <= ch.v[i].nundo; j++) {
			c = j ? &ch.v[i].undo[j - 1] : &ch.v[i].cmd;
			parse_line(fmt(c), &back);
			assert_string_equal(fmt(&back), fmt(c));
			assert_int_equal(back.obj, c->obj);
			assert_int_equal(back.verb, c->verb);
		}
	}
	/* as save prints it */
	assert_string_equal(fmt(&ch.v[0].undo[1]),
			    "server add tcp 198.51.100.1:80 198.18.3.101:80 weight 2 fwd dr state down max-conns 16777216 min-conns 16777215");
	assert_string_equal(fmt(&ch.v[1].undo[0]),
			    "cluster join id 42 addr 198.18.4.1 dev eth2 weight 3 score crc8 hello-ms 50 dead-ms 200 port 7000 peer 198.18.4.2 peer 198.18.4.3 cluster 9 sync broadcast cache 5 max-weight 7 key /etc/ilb/k");
	/* too small a buffer: -1 and an empty string, never half a line */
	assert_int_equal(ilbadm_cmd_format(&ch.v[0].cmd, small, sizeof(small)),
			 -1);
	assert_string_equal(small, "");
	ilbadm_changes_free(&ch);

	parse_line("apply new.conf dry-run", &back);
	assert_int_equal(back.obj, ILBADM_OBJ_APPLY);
	assert_true(back.dry_run);
	assert_string_equal(fmt(&back), "apply new.conf dry-run");
}

static void test_apply_parse(void **state)
{
	static const char *const bad[] = {
		"apply", "apply x --dry-run", "apply x dry-run dry-run",
		"apply x y",
	};
	char buf[128], *argv[ILBADM_MAX_ARGS + 1];
	struct ilbadm_cmd c;
	size_t i;
	int argc;

	(void)state;
	parse_line("apply -", &c);
	assert_string_equal(c.file, "-");
	assert_false(c.dry_run);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		argc = ilbadm_split_line(buf, argv, ILBADM_MAX_ARGS);
		assert_int_equal(ilbadm_parse_cmd(argc, argv, &c, err,
						  sizeof(err)), ILBADM_ERR);
	}
	assert_string_equal(err, "apply: unexpected argument \"y\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_weight_change),
		cmocka_unit_test(test_server_added_removed),
		cmocka_unit_test(test_scheduler_change),
		cmocka_unit_test(test_conns_limits),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_service_removed),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_cluster_key),
		cmocka_unit_test(test_cluster_in_place_or_rejoin),
		cmocka_unit_test(test_cluster_key_pending),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_apply_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
