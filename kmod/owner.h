/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection ownership: which ILB is primary and which is backup owner of a
 * connection. Pure C, shared by the module and userspace; allocates nothing.
 */
#ifndef _ILB_OWNER_H
#define _ILB_OWNER_H

#include <linux/types.h>
#include "uapi/linux/ilb.h"

#define ILB_OWNER_MAX_MEMBERS	1024
#define ILB_OWNER_ERR_INVAL	(-22)	/* == -EINVAL */

/* A cluster member as the ownership core sees it. */
struct ilb_member {
	__u32 id;		/* unique, non-zero, host byte order */
	__u32 weight;		/* 0..ILB_MEMBER_WEIGHT_MAX, 0 = never owns */
	/* derived by ilb_owner_prepare() */
	__u32 sip_id;		/* ID bytes (network order) as a LE word */
	__u8 crc_id;		/* CRC-8 of the ID bytes from state 0 */
};

/* The connection quadruple; addresses and ports in network byte order. */
struct ilb_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

/* A view of the cluster: everything every member needs to agree on. */
struct ilb_owner_set {
	struct ilb_member *members;
	__u32 n;
	__u32 mode;		/* enum ilb_score_mode */
	__u64 key[2];		/* hrw32 cluster-wide key */
	/* derived by ilb_owner_prepare() */
	__u32 uniform;		/* all positive weights are equal */
};

struct ilb_owners {
	int primary;		/* index into members, -1 if none */
	int backup;		/* index into members, -1 if none */
};

int ilb_owner_prepare(struct ilb_owner_set *set);
int ilb_owner_lookup(const struct ilb_owner_set *set,
		     const struct ilb_tuple *t, struct ilb_owners *o);

/*
 * The hrw32 key every member of cluster @cluster uses (the protocol fixes
 * it: ownership must be computable by anyone holding the view).
 */
void ilb_owner_cluster_key(__u32 cluster, __u64 key[2]);

/*
 * A view's epoch: a digest of its members (ID, weight) and the score mode.
 * Equal views give equal epochs on every member, so an epoch in a message
 * tells whether sender and receiver agree. @members must be sorted by ID.
 * Never 0.
 */
__u32 ilb_view_epoch(const struct ilb_member *members, __u32 n, __u32 mode);

/*
 * The ownership key of a persistent service (seed 001): the client's
 * network (@caddr masked to @plen bits), the VIP and the persistence group,
 * with no client port. Every connection of one client network to one group
 * then has the owners of its persistence record, so the record's
 * read-miss-create runs on one member only. Writes the key as a tuple for
 * ilb_owner_lookup().
 */
void ilb_persist_tuple(__be32 caddr, __u8 plen, __be32 vaddr, __be16 group,
		       struct ilb_tuple *t);
/* The netmask of a prefix length, 0..32, in network byte order. */
__be32 ilb_prefix_mask(__u8 plen);

/* Building blocks, exposed for tests and the simulator. */
void ilb_tuple_quad(const struct ilb_tuple *t, __u8 q[12]);
__u8 ilb_score_crc8(const struct ilb_tuple *t, __u32 id);
__u32 ilb_score_hrw32(const __u64 key[2], const struct ilb_tuple *t, __u32 id);
__u64 ilb_neglog2_q32(__u32 h);

#endif /* _ILB_OWNER_H */
