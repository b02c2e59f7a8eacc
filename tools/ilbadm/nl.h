/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: the generic netlink side. One libnl socket per run; requests are
 * sent and their replies, errors and extended ACKs collected here.
 */
#ifndef ILBADM_NL_H
#define ILBADM_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "parse.h"

struct ilbadm_nl {
	struct nl_sock *sk;
	int family;		/* generic netlink id of "ilb" */
};

/* Why a request failed. */
struct ilbadm_nlerr {
	int err;		/* errno; from the kernel if kernel is set */
	bool kernel;		/* err came in an NLMSG_ERROR or NLMSG_DONE */
	bool no_family;		/* the "ilb" family is not registered */
	int nlerr;		/* libnl error (NLE_*, positive), err == 0 */
	char msg[256];		/* extended ACK message, "" if none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
};

/* What a request was about, to name ENOENT precisely. */
enum ilbadm_what {
	ILBADM_WHAT_OTHER,
	ILBADM_WHAT_SERVICE,	/* ENOENT: no such service */
	ILBADM_WHAT_SERVER,	/* ENOENT: no such server (or service) */
	ILBADM_WHAT_CLUSTER,	/* ENOENT: not in a cluster */
};

/*
 * Called for each reply message with its top-level attributes (tb has
 * ILB_A_MAX + 1 entries). Returns 0, or a negative errno for a reply it
 * cannot use (the rest of the reply is still read).
 */
typedef int (*ilbadm_nl_handler)(struct nlattr **tb, void *arg);

int ilbadm_nl_open(struct ilbadm_nl *nl, struct ilbadm_nlerr *e);
void ilbadm_nl_close(struct ilbadm_nl *nl);

/* A request for cmd, NLM_F_DUMP if dump; NULL when out of memory. */
struct nl_msg *ilbadm_nl_msg(struct ilbadm_nl *nl, uint8_t cmd, bool dump);

/*
 * Wipes (a request may hold a cluster key) and frees m; NULL is a no-op.
 * ilbadm_nl_run() frees its message so.
 */
void ilbadm_nl_msg_free(struct nl_msg *m);

/* Opens ILB_A_SERVICE and puts the key; close it with nla_nest_end(). */
struct nlattr *ilbadm_nl_put_svc_key(struct nl_msg *m,
				     const struct ilbadm_svc_key *k);

/*
 * Sends m (and frees it), reads every reply until the ACK, the end of the
 * dump or an error. Returns 0, or -1 with e filled in.
 */
int ilbadm_nl_run(struct ilbadm_nl *nl, struct nl_msg *m,
		  ilbadm_nl_handler h, void *arg, struct ilbadm_nlerr *e);

/* Prints "ilbadm: <prefix><ctx>: <message> (<extack>)". */
void ilbadm_nl_perror(const char *ctx, enum ilbadm_what what,
		      const struct ilbadm_nlerr *e);

/* Attribute getters for nests parsed against a policy. */
static inline uint64_t ilbadm_nla_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

#endif /* ILBADM_NL_H */
