/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: what the command modules share.
 */
#ifndef ILBADM_H
#define ILBADM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"
#include "keyfile.h"
#include "nl.h"
#include "out.h"

#define ILBADM_VERSION	"0.2"

struct ilbadm_srv {
	uint32_t addr;			/* network byte order */
	uint16_t port;			/* host byte order */
	uint32_t weight;
	uint8_t fwd;
	uint8_t state;
	uint32_t active;
	uint32_t inactive;
	/*
	 * An older module reports none of these: no limit (0), not
	 * overloaded, and the cluster's counts are the node's own.
	 */
	uint32_t max_conns;		/* 0: no limit */
	uint32_t min_conns;		/* 0: 3/4 of max_conns */
	uint32_t cl_active;		/* across the cluster: own + others' */
	uint32_t cl_inactive;
	bool overloaded;		/* at max_conns: no new connections */
	struct ilbadm_cnt st;
};

struct ilbadm_svc {
	struct ilbadm_svc_key key;
	uint8_t sched;
	uint8_t fwd;
	uint32_t persist;		/* seconds, 0 = off */
	uint8_t netmask;		/* prefix length */
	uint16_t group;			/* host byte order */
	uint32_t nservers;
	struct ilbadm_cnt st;
	struct ilbadm_srv *srv;		/* sorted by address, port */
	size_t nsrv;
	size_t cap;
	bool gone;			/* deleted while being listed */
};

struct ilbadm_svc_list {
	struct ilbadm_svc *v;		/* sorted by proto, address, port */
	size_t n;
	size_t cap;
};

struct ilbadm_timeouts {
	bool has_tcp, has_tcpfin, has_udp;
	uint32_t tcp, tcpfin, udp;
};

/* One member of the cluster's view, as CLUSTER_GET reports it. */
struct ilbadm_member {
	uint32_t id;
	uint32_t addr;			/* network byte order */
	uint32_t weight;
	uint8_t state;			/* enum ilb_member_state */
	uint32_t heard_ms;
	uint32_t owned;
	uint32_t epoch;
	bool has_incarnation, has_key_id;	/* newer modules only */
	uint32_t incarnation;
	uint8_t key_id;			/* of its last heartbeat, 0 none */
};

/* This node's cluster membership (CLUSTER_GET). */
struct ilbadm_cluster {
	uint32_t cluster;		/* cluster ID */
	uint32_t id;			/* this member's ID */
	uint32_t addr;			/* network byte order */
	uint32_t ifindex;
	uint32_t weight;
	uint8_t score;			/* enum ilb_score_mode */
	uint32_t hello_ms, dead_ms;
	uint16_t port;			/* host byte order */
	uint32_t group;			/* network byte order */
	uint8_t sync;			/* enum ilb_sync_mode */
	uint32_t cache;
	uint32_t peers[ILB_CLUSTER_MAX_PEERS];	/* network order, sorted */
	size_t npeers;
	uint32_t epoch;
	uint32_t view_age_ms;
	struct ilbadm_member *mbr;	/* sorted by ID */
	size_t nmbr;
	size_t cap;
	uint64_t st[ILB_CLS_A_MAX + 1];	/* enum ilb_cl_stats_attr, 0 if absent */
	/* Reported by newer modules only: each has_* says it was. */
	bool has_incarnation, has_max_weight;
	bool has_key_state, has_key_id, has_key_next_id;
	uint32_t incarnation;
	uint32_t max_weight;
	uint8_t key_state;		/* enum ilb_key_state */
	uint8_t key_id;			/* the key this node sends with */
	uint8_t key_next_id;		/* the other key accepted, 0 none */
	char key_file[ILB_CLUSTER_KEY_FILE_MAX];	/* "" if not reported */
	bool seen;
};

/* Runs one parsed command; ILBADM_OK or ILBADM_ERR (error printed). */
int ilbadm_run(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);

/* service.c */
int ilbadm_service(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
int ilbadm_flush(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
/* "tcp 198.51.100.1:80", always numeric (buf of ILBADM_KEY_LEN) */
#define ILBADM_KEY_LEN	48
const char *ilbadm_key_str(const struct ilbadm_svc_key *k, char *buf,
			   size_t len);
/*
 * The service key (or, key NULL, every service) with its servers, sorted.
 * Prints errors under ctx; returns ILBADM_OK or ILBADM_ERR.
 */
int ilbadm_svc_load(struct ilbadm_nl *nl, const struct ilbadm_svc_key *key,
		    struct ilbadm_svc_list *l, const char *ctx);
void ilbadm_svc_list_free(struct ilbadm_svc_list *l);

/* server.c */
int ilbadm_server(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
/* Fills s->srv from a SERVER_GET dump; 0 or -1 with e. */
int ilbadm_srv_dump(struct ilbadm_nl *nl, struct ilbadm_svc *s,
		    struct ilbadm_nlerr *e);

/* conn.c */
int ilbadm_conn(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
int ilbadm_persist(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
/*
 * Send @cmd (a dump if @dump) with @c's service key if it has one; @h
 * prints each reply, given the JSON writer (NULL: plain) as its arg, all
 * in one JSON array with -j. NULL @h: nothing printed. Errors printed.
 */
int ilbadm_dump_list(struct ilbadm_nl *nl, const struct ilbadm_cmd *c,
		     uint8_t cmd, bool dump, ilbadm_nl_handler h);

/* stats.c */
int ilbadm_stats(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
/* ILB_*_A_STATS nest (enum ilb_cnt_attr) into c; 0 or -EPROTO. */
int ilbadm_cnt_parse(struct nlattr *nest, struct ilbadm_cnt *c);

/* timeout.c */
int ilbadm_timeout(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
int ilbadm_timeout_get(struct ilbadm_nl *nl, struct ilbadm_timeouts *t,
		       struct ilbadm_nlerr *e);

/* cluster.c */
int ilbadm_cluster(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);
/* cluster genkey: needs no netlink (nor the module). */
int ilbadm_cluster_genkey(void);
/*
 * CLUSTER_GET into cl (free it with ilbadm_cluster_free()); 0 or -1 with e.
 * Not in a cluster: -1, e->kernel and e->err == ENOENT.
 */
int ilbadm_cluster_get(struct ilbadm_nl *nl, struct ilbadm_cluster *cl,
		       struct ilbadm_nlerr *e);
void ilbadm_cluster_free(struct ilbadm_cluster *cl);

/* save.c */
int ilbadm_save(struct ilbadm_nl *nl, const struct ilbadm_cmd *cmd);

/* restore.c: a script read and parsed before any netlink I/O. */
struct ilbadm_script {
	struct ilbadm_cmd *cmd;
	unsigned int *line;
	size_t n;
};

/*
 * Reads and checks every line of f (errors: "ilbadm: WHAT: line N: ...");
 * restore and apply lines are refused. ILBADM_OK or ILBADM_ERR.
 */
int ilbadm_script_read(FILE *f, const char *what, struct ilbadm_script *s);
int ilbadm_restore_read(FILE *f, struct ilbadm_script *s);
int ilbadm_restore_run(struct ilbadm_nl *nl, const struct ilbadm_script *s);
void ilbadm_script_free(struct ilbadm_script *s);

/* apply.c (the diff itself is diff.c's) */
struct ilbadm_cfg;
/*
 * Reads FILE (c->file, "-" for standard input), checks every line and
 * builds its configuration into want, before any netlink I/O; errors are
 * printed ("ilbadm: apply: line N: ..."). Free want with ilbadm_cfg_free().
 */
int ilbadm_apply_read(const struct ilbadm_cmd *c, struct ilbadm_cfg *want);
/* Makes the node equal to want, or with c->dry_run says what it would do. */
int ilbadm_apply(struct ilbadm_nl *nl, const struct ilbadm_cmd *c,
		 const struct ilbadm_cfg *want);

#endif /* ILBADM_H */
