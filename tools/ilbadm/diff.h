/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm apply: a configuration as a value (what save prints), read from
 * the commands of a file or from the node, and the changes that turn one
 * into another. Pure C, no netlink (apply.c is the glue), so that the
 * whole comparison is unit-tested by tests/unit/test_ilbadm_diff.c.
 */
#ifndef ILBADM_DIFF_H
#define ILBADM_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* A real server. In FILE, line is the line that last changed it. */
struct ilbadm_cfg_srv {
	uint32_t addr;			/* network byte order */
	uint16_t port;			/* host byte order */
	uint32_t weight;
	uint8_t fwd;			/* enum ilb_fwd */
	uint8_t state;			/* enum ilb_server_state */
	uint32_t max_conns;		/* 0: no limit */
	uint32_t min_conns;		/* 0: 3/4 of max_conns; 0 if no limit */
	uint32_t conns;			/* node: active + inactive; FILE: 0 */
	unsigned int line;
};

struct ilbadm_cfg_svc {
	struct ilbadm_svc_key key;
	uint8_t sched;			/* enum ilb_sched */
	uint8_t fwd;			/* enum ilb_fwd */
	uint32_t persist;		/* seconds, 0 = off */
	uint8_t netmask;		/* prefix length (32) */
	uint16_t group;			/* host order (the port) */
	struct ilbadm_cfg_srv *srv;	/* sorted by address, port */
	size_t nsrv, cap;
	unsigned int line;
};

/*
 * The cluster membership. A join of FILE has every value filled in, with
 * the module's defaults for what the line does not give (has_cache says
 * whether cache is known: the module's default is a module parameter).
 */
struct ilbadm_cfg_cluster {
	bool joined;
	uint32_t id;
	uint32_t addr;			/* network byte order */
	uint32_t ifindex;		/* 0: not resolved (dev compares) */
	char dev[ILBADM_IFNAMSIZ];	/* "": unknown (the interface is gone) */
	uint32_t weight;
	uint8_t score;			/* enum ilb_score_mode */
	uint32_t hello_ms, dead_ms;
	uint16_t port;			/* host byte order */
	uint32_t peers[ILB_CLUSTER_MAX_PEERS];	/* network order, sorted */
	size_t npeers;
	uint32_t cluster;		/* cluster ID */
	uint8_t sync;			/* enum ilb_sync_mode */
	bool has_cache;
	uint32_t cache;
	uint32_t max_weight;
	bool insecure;
	/*
	 * FILE: the key file as given, made absolute by apply.c; node: as the
	 * module reports it, "" if none. key_id: the id of that key (FILE),
	 * or of the key the node sends with or rotates to (node); 0 unknown.
	 */
	char key_file[ILB_CLUSTER_KEY_FILE_MAX];
	uint8_t key_id;
	unsigned int line;		/* of the join */
	unsigned int set_line;		/* last to give sync, cache, weights */
	unsigned int key_line;		/* last to give the key */
};

struct ilbadm_cfg {
	struct ilbadm_cfg_svc *svc;	/* sorted by protocol, address, port */
	size_t nsvc, cap;
	/* FILE: only what a timeout line gave; the node: all three */
	bool has_tcp, has_tcpfin, has_udp;
	uint32_t tcp, tcpfin, udp;
	unsigned int timeout_line;
	struct ilbadm_cfg_cluster cl;
};

void ilbadm_cfg_init(struct ilbadm_cfg *c);
void ilbadm_cfg_free(struct ilbadm_cfg *c);

struct ilbadm_cfg_svc *ilbadm_cfg_svc_find(const struct ilbadm_cfg *c,
					   const struct ilbadm_svc_key *k);
/* A new service k (not there yet), in its place; NULL: out of memory. */
struct ilbadm_cfg_svc *ilbadm_cfg_svc_add(struct ilbadm_cfg *c,
					  const struct ilbadm_svc_key *k);
struct ilbadm_cfg_srv *ilbadm_cfg_srv_find(const struct ilbadm_cfg_svc *s,
					   uint32_t addr, uint16_t port);
struct ilbadm_cfg_srv *ilbadm_cfg_srv_add(struct ilbadm_cfg_svc *s,
					  uint32_t addr, uint16_t port);

/*
 * Runs one command of FILE on c, as the module would run it on a node
 * that had c: 0, or -1 with err (without "line N: "). What only shows
 * (show, save, conn, stats) or is not configuration (genkey, restore,
 * apply) is refused.
 */
int ilbadm_cfg_cmd(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		   unsigned int line, char *err, size_t len);

/*
 * One change: the command that makes it (run as "ilbadm CMD" would), the
 * line of FILE it comes from (0 for a deletion: FILE has no line for what
 * it does not have), and the commands that undo it, run in their order.
 * no_undo says why it cannot be undone (then nundo is 0).
 */
struct ilbadm_change {
	struct ilbadm_cmd cmd;
	unsigned int line;
	struct ilbadm_cmd *undo;
	size_t nundo;
	const char *no_undo;
};

struct ilbadm_changes {
	struct ilbadm_change *v;
	size_t n, cap;
};

/*
 * The changes that make node equal to file, in the order to make them;
 * none if they are equal. 0, or -1 when out of memory (out is empty).
 */
int ilbadm_diff(const struct ilbadm_cfg *node, const struct ilbadm_cfg *file,
		struct ilbadm_changes *out);
void ilbadm_changes_free(struct ilbadm_changes *ch);

/* Room for any command ilbadm_cmd_format() writes. */
#define ILBADM_CMD_LEN	1024

/*
 * A command as one line in the syntax it is parsed from (without
 * "ilbadm"), values in save's order, only those the command has (has_*);
 * always numeric. 0, or -1 if it did not fit in len.
 */
int ilbadm_cmd_format(const struct ilbadm_cmd *c, char *buf, size_t len);

#endif /* ILBADM_DIFF_H */
