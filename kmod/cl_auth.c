// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster authentication (Documentation/cluster-protocol.rst): every
 * message carries a keyed BLAKE2s-128 tag over all its bytes but the tag
 * and over the ID of the member it is for, computed with the kernel's
 * lib/crypto BLAKE2s and compared in constant time. Keys rotate without loss: a new key is accepted at once, sent with
 * once every live member accepts it, and the old one is forgotten once
 * every live member sends with the new one. Signing and verifying run in
 * any context; the rotation steps in the view worker.
 */
#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <linux/slab.h>

#include "cluster.h"

/* The MAC of the pure core (wire.h): BLAKE2s, 32-byte key, 16-byte tag. */
void ilb_wire_mac(u8 tag[ILB_WIRE_TAG_LEN], const u8 key[ILB_WIRE_KEY_LEN],
		  const void *hdr, u32 receiver, const void *body, u32 body_len)
{
	u8 prefix[ILB_WIRE_MAC_PREFIX];
	struct blake2s_state s;

	ilb_wire_mac_prefix(prefix, hdr, receiver);
	blake2s_init_key(&s, ILB_WIRE_TAG_LEN, key, ILB_WIRE_KEY_LEN);
	blake2s_update(&s, prefix, sizeof(prefix));
	if (body_len)
		blake2s_update(&s, body, body_len);
	blake2s_final(&s, tag);
}

struct ilb_cl_keys *ilb_auth_keys_new(const u8 *key, gfp_t gfp)
{
	struct ilb_cl_keys *ks = kzalloc(sizeof(*ks), gfp);

	if (!ks)
		return NULL;
	ks->state = ILB_KEY_STABLE;
	ks->n = 1;
	memcpy(ks->key[0].k, key, ILB_WIRE_KEY_LEN);
	ks->key[0].id = ilb_wire_key_id(key);
	return ks;
}

void ilb_auth_keys_free(struct ilb_cl_keys *ks)
{
	kfree_sensitive(ks);
}

static void ilb_auth_keys_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct ilb_cl_keys, rcu));
}

void ilb_auth_keys_free_rcu(struct ilb_cl_keys *ks)
{
	if (ks)
		call_rcu(&ks->rcu, ilb_auth_keys_rcu);
}

unsigned int ilb_auth_key_ids(const struct ilb_cl_keys *ks, u8 ids[2])
{
	unsigned int i;

	if (!ks)
		return 0;
	for (i = 0; i < ks->n; i++)
		ids[i] = ks->key[i].id;
	return ks->n;
}

/*
 * The tag of the message at @off of @skb for member @receiver: header,
 * receiver, then the body.
 */
static void ilb_auth_tag(const struct ilb_cl_key *key,
			 const struct sk_buff *skb, unsigned int off,
			 u32 receiver, u8 tag[ILB_WIRE_TAG_LEN])
{
	unsigned int from = off + ILB_WIRE_HDR_MAX, done = 0, n;
	u8 prefix[ILB_WIRE_MAC_PREFIX];
	struct blake2s_state s;
	struct skb_seq_state st;
	const u8 *data;

	ilb_wire_mac_prefix(prefix, skb->data + off, receiver);
	blake2s_init_key(&s, ILB_WIRE_TAG_LEN, key->k, ILB_WIRE_KEY_LEN);
	blake2s_update(&s, prefix, sizeof(prefix));
	if (skb->len > from) {
		/* the body may sit in fragments (forwarded packets) */
		skb_prepare_seq_read((struct sk_buff *)skb, from, skb->len,
				     &st);
		while ((n = skb_seq_read(done, &data, &st)) != 0) {
			blake2s_update(&s, data, n);
			done += n;
		}
	}
	blake2s_final(&s, tag);
	memzero_explicit(&s, sizeof(s));
}

void ilb_auth_sign(const struct ilb_cl_key *key, struct sk_buff *skb,
		   unsigned int off, u32 receiver)
{
	ilb_auth_tag(key, skb, off, receiver,
		     skb->data + off + ILB_WIRE_TAG_OFF);
}

int ilb_auth_verify(const struct ilb_cl_keys *ks, u8 key_id,
		    const struct sk_buff *skb, unsigned int off, u32 receiver)
{
	const u8 *want = skb->data + off + ILB_WIRE_TAG_OFF;
	u8 tag[ILB_WIRE_TAG_LEN];
	int i, err = -ENOKEY;

	for (i = 0; i < ks->n; i++) {
		if (ks->key[i].id != key_id)
			continue;
		/* two keys may share an id: either may verify */
		ilb_auth_tag(&ks->key[i], skb, off, receiver, tag);
		if (!crypto_memneq(tag, want, ILB_WIRE_TAG_LEN))
			return 0;
		err = -EBADMSG;
	}
	return err;
}

/* Publish @ks as the node's keys; cl->lock held. */
static void ilb_auth_publish(struct ilb_cluster *cl, struct ilb_cl_keys *ks)
{
	struct ilb_cl_keys *old;

	old = rcu_dereference_protected(cl->keys, lockdep_is_held(&cl->lock));
	rcu_assign_pointer(cl->keys, ks);
	ilb_auth_keys_free_rcu(old);
	ilb_cls_inc(cl, ILB_CLS_KEY_SWITCH);
}

int ilb_auth_set_key(struct ilb_cluster *cl, const u8 *key, const char *msg[])
{
	struct ilb_cl_keys *ks, *cur;
	u8 id = ilb_wire_key_id(key);
	int err = 0;

	ks = kzalloc(sizeof(*ks), GFP_KERNEL_ACCOUNT);
	if (!ks)
		return -ENOMEM;
	spin_lock_bh(&cl->lock);
	cur = rcu_dereference_protected(cl->keys, lockdep_is_held(&cl->lock));
	if (!cur) {
		*msg = "joined insecure: leave and join with a key";
		err = -EINVAL;
	} else if (cur->state == ILB_KEY_DRAINING) {
		*msg = "a key rotation is under way: wait until cluster show says stable";
		err = -EBUSY;
	} else if (!memcmp(cur->key[0].k, key, ILB_WIRE_KEY_LEN)) {
		/* the key in use: nothing to do, or a pending one dropped */
		err = cur->state == ILB_KEY_PENDING ? 2 : 1;
	} else if (id == cur->key[0].id) {
		*msg = "the new key has the id of the key in use: generate another";
		err = -EINVAL;
	}
	if (err == 2) {
		/* back to the key in use alone: the rotation is called off */
		ks->state = ILB_KEY_STABLE;
		ks->n = 1;
		ks->key[0] = cur->key[0];
		ilb_auth_publish(cl, ks);
		spin_unlock_bh(&cl->lock);
		return 0;
	}
	if (err) {
		spin_unlock_bh(&cl->lock);
		kfree(ks);
		return err > 0 ? 0 : err;
	}
	/* sending with the old key, accepting both (a pending key replaced) */
	ks->state = ILB_KEY_PENDING;
	ks->n = 2;
	ks->tx = 0;
	ks->key[0] = cur->key[0];
	ks->key[1].id = id;
	memcpy(ks->key[1].k, key, ILB_WIRE_KEY_LEN);
	ilb_auth_publish(cl, ks);
	spin_unlock_bh(&cl->lock);
	ilb_cluster_kick_rotate(cl);
	return 0;
}

/* Does every live member accept key @id (@sends: send with it)? */
static bool ilb_auth_all(struct ilb_cluster *cl, u8 id, bool sends)
{
	unsigned int i;

	for (i = 0; i < cl->nmbr; i++) {
		struct ilb_peer *p = cl->mbr[i];

		if (p->state != ILB_MEMBER_ALIVE)
			continue;
		if (sends ? p->key_id != id :
			    p->key_adv[0] != id && p->key_adv[1] != id)
			return false;
	}
	return true;
}

void ilb_auth_rotate(struct ilb_cluster *cl)
{
	struct ilb_cl_keys *cur, *ks;

	ks = kzalloc(sizeof(*ks), GFP_KERNEL_ACCOUNT);
	if (!ks)
		return;
	spin_lock_bh(&cl->lock);
	cur = rcu_dereference_protected(cl->keys, lockdep_is_held(&cl->lock));
	if (!cur || cur->state == ILB_KEY_STABLE) {
		spin_unlock_bh(&cl->lock);
		kfree(ks);
		return;
	}
	*ks = *cur;
	if (cur->state == ILB_KEY_PENDING &&
	    ilb_auth_all(cl, cur->key[1].id, false)) {
		/* every member accepts the new key: send with it */
		ks->state = ILB_KEY_DRAINING;
		ks->tx = 1;
	} else if (cur->state == ILB_KEY_DRAINING &&
		   ilb_auth_all(cl, cur->key[1].id, true)) {
		/* every member sends with it: forget the old one */
		ks->state = ILB_KEY_STABLE;
		ks->n = 1;
		ks->tx = 0;
		ks->key[0] = cur->key[1];
		memzero_explicit(&ks->key[1], sizeof(ks->key[1]));
	} else {
		spin_unlock_bh(&cl->lock);
		kfree_sensitive(ks);
		return;
	}
	ilb_auth_publish(cl, ks);
	spin_unlock_bh(&cl->lock);
}
