/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: command-line parsing. Pure C, no netlink: everything here turns
 * words into a struct ilbadm_cmd (or an error message) and is unit-tested by
 * tests/unit/test_ilbadm_parse.c.
 */
#ifndef ILBADM_PARSE_H
#define ILBADM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/linux/ilb.h"

/* Return values of ilbadm_parse_cmd(); also ilbadm's exit codes. */
#define ILBADM_OK		0
#define ILBADM_ERR		1	/* bad argument, or the kernel said no */
#define ILBADM_USAGE		2	/* missing or unknown object or verb */

#define ILBADM_ERRLEN		256
#define ILBADM_MAX_ARGS		64	/* words on one restore line */
#define ILBADM_IFNAMSIZ		16	/* IFNAMSIZ: names of 1..15 bytes */

enum ilbadm_obj {
	ILBADM_OBJ_NONE,
	ILBADM_OBJ_SERVICE,
	ILBADM_OBJ_SERVER,
	ILBADM_OBJ_CONN,
	ILBADM_OBJ_STATS,
	ILBADM_OBJ_TIMEOUT,
	ILBADM_OBJ_FLUSH,
	ILBADM_OBJ_SAVE,
	ILBADM_OBJ_RESTORE,
	ILBADM_OBJ_CLUSTER,
	ILBADM_OBJ_APPLY,
	ILBADM_OBJ_PERSIST,
};

enum ilbadm_verb {
	ILBADM_VERB_NONE,	/* flush, save, restore take no verb */
	ILBADM_VERB_ADD,
	ILBADM_VERB_SET,
	ILBADM_VERB_DEL,
	ILBADM_VERB_SHOW,
	ILBADM_VERB_JOIN,	/* cluster */
	ILBADM_VERB_LEAVE,	/* cluster */
	ILBADM_VERB_GENKEY,	/* cluster */
	ILBADM_VERB_FLUSH,	/* persist */
};

/* A service's key. addr is in network byte order, port in host order. */
struct ilbadm_svc_key {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t addr;
	uint16_t port;
};

/*
 * One parsed command. The has_* flags say which optional values are to be
 * sent to the kernel: "add" fills in the defaults (service: sched rr, fwd
 * nat; server: weight 1, but no max-conns or min-conns: the kernel's 0 is
 * no limit), "set" only what the user gave. "cluster join" sends only what
 * the user gave too: the kernel has the defaults.
 */
struct ilbadm_cmd {
	enum ilbadm_obj obj;
	enum ilbadm_verb verb;

	bool has_svc;			/* svc is valid */
	struct ilbadm_svc_key svc;

	bool has_sched;
	uint8_t sched;			/* enum ilb_sched */
	bool has_fwd;
	uint8_t fwd;			/* enum ilb_fwd: service's or server's */
	/* service: persistence (seed 001) */
	bool has_persist;
	uint32_t persist;		/* seconds, 0 = off */
	bool has_netmask;
	uint8_t netmask;		/* prefix length, 1..32 */
	bool has_group;
	uint16_t group;			/* host byte order */

	/* server: RIP[:RPORT]; rport defaults to svc.port */
	uint32_t raddr;			/* network byte order */
	uint16_t rport;			/* host byte order */
	bool has_weight;
	uint32_t weight;		/* a server's, or (cluster) the member's */
	bool has_state;
	uint8_t state;			/* enum ilb_server_state */
	/* server: connection limits, 0..ILB_SERVER_CONNS_MAX */
	bool has_max_conns;
	uint32_t max_conns;		/* 0 = no limit */
	bool has_min_conns;
	uint32_t min_conns;		/* 0 = 3/4 of max_conns */

	/* timeout set */
	bool has_tcp, has_tcpfin, has_udp;
	uint32_t tcp, tcpfin, udp;	/* seconds */

	/* cluster join, set */
	bool has_cl_id;
	uint32_t cl_id;			/* member ID, 1..2^32-1 */
	bool has_cl_addr;
	uint32_t cl_addr;		/* network byte order */
	char cl_dev[ILBADM_IFNAMSIZ];	/* "" if not given; resolved when run */
	bool has_score;
	uint8_t score;			/* enum ilb_score_mode */
	bool has_hello_ms, has_dead_ms;
	uint32_t hello_ms, dead_ms;
	bool has_cl_port;
	uint16_t cl_port;		/* host byte order */
	uint32_t peers[ILB_CLUSTER_MAX_PEERS];	/* network order, as given */
	unsigned int npeers;
	bool has_cluster;
	uint32_t cluster;		/* cluster ID */
	bool has_sync;
	uint8_t sync;			/* enum ilb_sync_mode */
	bool has_cache;
	uint32_t cache;
	bool has_max_weight;
	uint32_t max_weight;		/* 0..ILB_MEMBER_WEIGHT_MAX */
	/* The key file as given: read (keyfile.c) only when the command runs. */
	bool has_key;
	char key_file[ILB_CLUSTER_KEY_FILE_MAX];
	bool insecure;			/* join: no key, no MAC */

	/* apply FILE [dry-run]: file points into argv ("-": stdin) */
	const char *file;
	bool dry_run;
};

/*
 * Parse OBJECT VERB ARGS... (without the program name and options) into cmd.
 * Returns ILBADM_OK, ILBADM_ERR or ILBADM_USAGE; on error err holds one line
 * without the "ilbadm: " prefix.
 */
int ilbadm_parse_cmd(int argc, char *const argv[], struct ilbadm_cmd *cmd,
		     char *err, size_t errlen);

/* The canonical "object verb" of a command, e.g. "service add". */
const char *ilbadm_cmd_name(const struct ilbadm_cmd *cmd);

/* Single values; 0 on success, -1 (err filled in) on failure. */
/* Write the message to @err (@len bytes) if given; returns -1. */
__attribute__((format(printf, 3, 4)))
int ilbadm_fail(char *err, size_t len, const char *fmt, ...);

int ilbadm_parse_proto(const char *s, uint8_t *proto, char *err, size_t len);
int ilbadm_parse_ipv4(const char *s, uint32_t *addr, char *err, size_t len);
int ilbadm_parse_port(const char *s, uint16_t *port, char *err, size_t len);
/* "A.B.C.D:PORT"; with port_optional also "A.B.C.D" (*has_port false). */
int ilbadm_parse_addrport(const char *s, bool port_optional, uint32_t *addr,
			  uint16_t *port, bool *has_port, char *err,
			  size_t len);
/* Decimal digits only, min..max; what names the value in the message. */
int ilbadm_parse_u32(const char *s, const char *what, uint32_t min,
		     uint32_t max, uint32_t *v, char *err, size_t len);
int ilbadm_parse_sched(const char *s, uint8_t *v, char *err, size_t len);
int ilbadm_parse_fwd(const char *s, uint8_t *v, char *err, size_t len);
int ilbadm_parse_state(const char *s, uint8_t *v, char *err, size_t len);
/* A netmask: "/N", "N" (1..32) or a dotted mask of contiguous ones. */
int ilbadm_parse_netmask(const char *s, uint8_t *plen, char *err, size_t len);
int ilbadm_parse_score(const char *s, uint8_t *v, char *err, size_t len);
int ilbadm_parse_sync(const char *s, uint8_t *v, char *err, size_t len);
/* A member ID: 1..4294967295 in decimal, 0x-hex, or a.b.c.d (as a number). */
int ilbadm_parse_member_id(const char *s, uint32_t *v, char *err, size_t len);
/*
 * A key file's name: 1..ILB_CLUSTER_KEY_FILE_MAX - 1 bytes, no control
 * characters (errors and save stay one line); copied into file.
 */
int ilbadm_parse_key_file(const char *s, char file[ILB_CLUSTER_KEY_FILE_MAX],
			  char *err, size_t len);
/* An interface name as the kernel accepts it; copied into dev. */
int ilbadm_parse_ifname(const char *s, char dev[ILBADM_IFNAMSIZ], char *err,
			size_t len);

/*
 * Split a restore line into words in place (blanks separate words, '#'
 * starts a comment). Returns the number of words, or -1 if there are more
 * than max.
 */
int ilbadm_split_line(char *line, char *argv[], int max);

/* Names of enum values; NULL for a value this ilbadm does not know. */
const char *ilbadm_proto_name(unsigned int proto);
const char *ilbadm_sched_name(unsigned int sched);
const char *ilbadm_fwd_name(unsigned int fwd);
const char *ilbadm_state_name(unsigned int state);
const char *ilbadm_conn_state_name(unsigned int state);
const char *ilbadm_score_name(unsigned int score);
const char *ilbadm_sync_name(unsigned int sync);
const char *ilbadm_member_state_name(unsigned int state);
const char *ilbadm_key_state_name(unsigned int state);
const char *ilbadm_role_name(unsigned int role);

/* "198.51.100.1" (buf of at least 16 bytes). addr in network byte order. */
const char *ilbadm_fmt_ipv4(uint32_t addr, char *buf, size_t len);

#endif /* ILBADM_PARSE_H */
