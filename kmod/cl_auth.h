/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb cluster authentication: the keys a node sends and accepts, the MAC
 * of every message (keyed BLAKE2s from lib/crypto) and the rolling key
 * rotation. Replay windows live with each member (cluster.h).
 */
#ifndef _ILB_CL_AUTH_H
#define _ILB_CL_AUTH_H

#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include "wire.h"

struct ilb_cluster;

struct ilb_cl_key {
	u8 id;				/* ilb_wire_key_id(), never 0 */
	u8 k[ILB_WIRE_KEY_LEN];
};

/*
 * The keys of a node, replaced as a whole (RCU) and wiped when freed.
 * STABLE: key[0] only. PENDING: key[0] sends, key[1] is accepted and
 * advertised. DRAINING: key[1] sends, key[0] is still accepted.
 */
struct ilb_cl_keys {
	struct rcu_head rcu;
	u8 state;			/* enum ilb_key_state, not NONE */
	u8 n;				/* 1 or 2 */
	u8 tx;				/* index of the sending key */
	struct ilb_cl_key key[2];
};

struct ilb_cl_keys *ilb_auth_keys_new(const u8 *key, gfp_t gfp);
void ilb_auth_keys_free(struct ilb_cl_keys *ks);
void ilb_auth_keys_free_rcu(struct ilb_cl_keys *ks);

/* The sending key (NULL: insecure) and its id (0: insecure). */
static inline const struct ilb_cl_key *
ilb_auth_tx_key(const struct ilb_cl_keys *ks)
{
	return ks ? &ks->key[ks->tx] : NULL;
}

/*
 * Write the tag of the message at @skb->data + @off (header there) for
 * member @receiver (0: a heartbeat, to all).
 */
void ilb_auth_sign(const struct ilb_cl_key *key, struct sk_buff *skb,
		   unsigned int off, u32 receiver);

/*
 * Does the tag of the message at @skb->data + @off (header and tag
 * linear) verify for @receiver under an accepted key of id @key_id?
 * Returns 0, or -ENOKEY (no such key) or -EBADMSG (no key verifies it).
 */
int ilb_auth_verify(const struct ilb_cl_keys *ks, u8 key_id,
		    const struct sk_buff *skb, unsigned int off, u32 receiver);

/* Configuration: a new key for cluster set (process context). */
int ilb_auth_set_key(struct ilb_cluster *cl, const u8 *key,
		     const char *msg[]);

/* A rotation step if every live member is ready (view worker). */
void ilb_auth_rotate(struct ilb_cluster *cl);

/* Accepted key ids, for the heartbeat (RCU read side). */
unsigned int ilb_auth_key_ids(const struct ilb_cl_keys *ks, u8 ids[2]);

#endif /* _ILB_CL_AUTH_H */
