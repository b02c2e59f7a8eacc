/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster wire protocol, version 2: encoding and parsing of every
 * message ILBs exchange over UDP. Pure C, shared by the module and
 * userspace (unit tests, fuzzing); allocates nothing, trusts nothing.
 * Documentation/cluster-protocol.rst describes the format; this file and
 * wire.c are its reference.
 *
 * Every message starts with a 28-byte header, then a 16-byte tag when the
 * cluster is keyed (key_id != 0), then the body:
 *
 *   0      1      2      3
 *   +------+------+------+------+
 *   | ver  | type | flags|key_id|   ver = ILB_WIRE_VERSION (2)
 *   +------+------+------+------+
 *   |         cluster ID        |
 *   +---------------------------+
 *   |         sender ID         |
 *   +---------------------------+
 *   |   sender's incarnation    |   grows across restarts and rejoins
 *   +---------------------------+
 *   |   message sequence (64)   |   per sender, every message: replay
 *   |                           |   window of the receiver
 *   +---------------------------+
 *   |     sender's view epoch   |
 *   +---------------------------+
 *   |   tag (16, if key_id)     |   keyed BLAKE2s-128 over the rest
 *   +---------------------------+   and the receiver's member ID
 *   |   body: a fixed part by type, then typed records (TLV) ...
 *
 * Records are type(1) length(1) value(length). A parser skips and counts
 * a record of a type it does not know; a known type is checked in full.
 * Addresses carry a family (4 or 6) and are 4 or 16 bytes long.
 *
 * All multi-byte fields are big-endian.
 */
#ifndef _ILB_WIRE_H
#define _ILB_WIRE_H

#include <linux/types.h>

#define ILB_WIRE_VERSION	2
#define ILB_WIRE_HDR_LEN	28	/* header without the tag */
#define ILB_WIRE_TAG_LEN	16	/* keyed BLAKE2s, 128-bit tag */
#define ILB_WIRE_KEY_LEN	32	/* a cluster key: 256 bits */
#define ILB_WIRE_TAG_OFF	ILB_WIRE_HDR_LEN
#define ILB_WIRE_HDR_MAX	(ILB_WIRE_HDR_LEN + ILB_WIRE_TAG_LEN)
#define ILB_WIRE_TLV_HDR	2	/* record type and length */

#define ILB_WIRE_HELLO_LEN	14	/* hello fixed part */
#define ILB_WIRE_SYNC_LEN	8	/* sync fixed part */
#define ILB_WIRE_ACK_LEN	9	/* ack fixed part */
/* Largest control message, header and tag included: fits 1500 with IP
 * and UDP headers.
 */
#define ILB_WIRE_MAX_LEN	1400

#define ILB_WIRE_AF_INET	4	/* address families on the wire */
#define ILB_WIRE_AF_INET6	6

enum ilb_msg_type {
	ILB_MSG_HELLO = 1,	/* heartbeat: the seed's ID message */
	ILB_MSG_SYNC = 2,	/* reliable batch of records */
	ILB_MSG_ACK = 3,	/* cumulative ack (or nak) of sync messages */
	ILB_MSG_FWD = 4,	/* an IPv4 packet forwarded to its owner */
	__ILB_MSG_MAX,
};

/* Header flags: none defined in version 2; a set bit is refused. */
#define ILB_WIRE_F_KNOWN	0x00

/* Record types. */
enum ilb_rec_type {
	ILB_RT_ADDR = 1,	/* hello: the sender's cluster address */
	ILB_RT_KEYS = 2,	/* hello: key ids the sender accepts (1..2) */
	ILB_RT_CONN = 3,	/* sync: a connection's association */
	ILB_RT_ACK = 4,		/* sync: an ack riding on it (ACK's 9 bytes) */
	ILB_RT_PERSIST = 5,	/* sync: a persistence record */
	ILB_RT_COUNT = 6,	/* sync: a server's connections, one member's */
	ILB_RT_HEALTH = 7,	/* reserved: a server's health verdict (ilbd);
				 * until it is defined, skipped as unknown
				 */
	__ILB_RT_MAX,
};

/* Hello flags. */
#define ILB_HELLO_F_LEAVING	0x01	/* sender is leaving: drop it now */
#define ILB_HELLO_F_NOCACHE	0x02	/* sender keeps no cache: never teach it */
#define ILB_HELLO_F_KNOWN	(ILB_HELLO_F_LEAVING | ILB_HELLO_F_NOCACHE)

/* Ack flags. */
#define ILB_ACK_F_NAK		0x01	/* not in your session: restart it */
#define ILB_ACK_F_KNOWN		ILB_ACK_F_NAK

/* Connection record operations. */
enum ilb_rec_op {
	ILB_REC_ADD = 1,	/* association (new, transfer or refresh) */
	ILB_REC_END = 2,	/* FIN or RST seen: connection closing */
	__ILB_REC_MAX,
};

/* Parse errors (negative return values), counted by the module. */
enum ilb_wire_err {
	ILB_WIRE_OK = 0,
	ILB_WIRE_ESHORT = -1,	/* shorter than its header or body */
	ILB_WIRE_EVERSION = -2,	/* unknown version */
	ILB_WIRE_ETYPE = -3,	/* unknown message type */
	ILB_WIRE_ELEN = -4,	/* length does not match the contents */
	ILB_WIRE_EFIELD = -5,	/* a field out of range */
	ILB_WIRE_EMAC = -6,	/* tag missing or not acceptable */
};

/* The header, in host byte order. */
struct ilb_msg_hdr {
	__u8 version;
	__u8 type;
	__u8 flags;
	__u8 key_id;		/* 0: no tag (an insecure cluster) */
	__u32 cluster;
	__u32 sender;		/* non-zero */
	__u32 incarnation;	/* non-zero */
	__u64 seq;		/* non-zero */
	__u32 epoch;
	const __u8 *tag;	/* parse: the tag in the buffer, NULL if none */
};

/* An address of either family; the other bytes of a are zero. */
struct ilb_wire_addr {
	__u8 family;		/* ILB_WIRE_AF_INET or ILB_WIRE_AF_INET6 */
	__u8 a[16];		/* network order; 4 bytes used for INET */
};

/*
 * Hello fixed part (14 bytes): weight(2) hello_ms(2) dead_ms(2)
 * nmembers(2) owned(4) mode(1) flags(1); then records: exactly one ADDR,
 * at most one KEYS, unknown ones skipped.
 */
struct ilb_msg_hello {
	__u16 weight;		/* 0..65535 */
	__u16 hello_ms;		/* ILB_HELLO_MS_MIN..ILB_HELLO_MS_MAX */
	__u16 dead_ms;		/* > hello_ms, <= ILB_DEAD_MS_MAX */
	__u16 nmembers;		/* members in its view, 1..MAX_MEMBERS */
	__u32 owned;		/* connections the sender owns */
	__u8 mode;		/* enum ilb_score_mode, < __ILB_SCORE_MAX */
	__u8 flags;		/* ILB_HELLO_F_* */
	struct ilb_wire_addr addr;	/* unicast, not 0 */
	__u8 nkeys;		/* 0 (no KEYS record) .. 2 */
	__u8 keys[2];		/* non-zero key ids */
};

/*
 * Ack fixed part (9 bytes): session(4) ack(4) flags(1): every seq <= ack
 * of the receiver's session arrived. With ILB_ACK_F_NAK the receiver is
 * not in the sender's session: it names its own, the sender starts a new
 * one above it.
 */
struct ilb_msg_ack {
	__u32 session;
	__u32 ack;
	__u8 flags;		/* ILB_ACK_F_* */
};

/*
 * Sync fixed part (8 bytes): session(4) seq(4); then at least one record.
 * At most one ACK record acknowledges what the receiver sent us, so that
 * a channel busy both ways needs no ACK messages.
 * A session only grows within the sender's incarnation; seq counts from
 * 1 within a session.
 */
struct ilb_msg_sync {
	__u32 session;		/* non-zero */
	__u32 seq;		/* non-zero */
	__u16 nconn;		/* CONN records (checked) */
	__u16 npersist;		/* PERSIST records (checked) */
	__u16 ncount;		/* COUNT records (checked) */
	__u16 nunknown;		/* records of unknown types (skipped) */
	const __u8 *recs;	/* the records: rlen bytes */
	__u32 rlen;
	__u8 has_ack;		/* one ACK record: ack below */
	struct ilb_msg_ack ack;
};


/*
 * Connection record (type ILB_RT_CONN), value: op(1) proto(1) state(1)
 * fwd(1) family(1) idle(2) cport(2) vport(2) rport(2) primary(4)
 * backup(4), then caddr, vaddr, raddr (4 bytes each for family 4, 16 for
 * family 6): 33 or 69 bytes. Ports stay in network byte order.
 * idle says how fresh the sender's copy is: of two copies that disagree,
 * the more recently used one wins.
 */
#define ILB_WIRE_CONN_FIXED	21
#define ILB_WIRE_CONN4_LEN	(ILB_WIRE_CONN_FIXED + 3 * 4)
#define ILB_WIRE_CONN6_LEN	(ILB_WIRE_CONN_FIXED + 3 * 16)

struct ilb_rec {
	__u8 op;		/* enum ilb_rec_op */
	__u8 proto;		/* IPPROTO_TCP (6) or IPPROTO_UDP (17) */
	__u8 state;		/* enum ilb_conn_state */
	__u8 fwd;		/* enum ilb_fwd */
	__u8 family;		/* ILB_WIRE_AF_INET or ILB_WIRE_AF_INET6 */
	__be16 cport, vport, rport;	/* non-zero */
	__u16 idle;		/* seconds since its last packet (saturates) */
	__u32 primary;		/* non-zero member ID */
	__u32 backup;		/* member ID, 0 if none; != primary */
	__u8 caddr[16], vaddr[16], raddr[16];	/* non-zero; 4 used for INET */
};

/*
 * Persistence record (type ILB_RT_PERSIST), value: op(1) proto(1)
 * plen(1) family(1) group(2) idle(2) ttl(4) primary(4) backup(4), then
 * caddr (the client network, its host bits zero), vaddr, raddr: 32 or 68
 * bytes. ADD creates or refreshes the receiver's copy, END deletes it.
 * ttl is the service's persistence timeout; idle is 0 while connections
 * use the record, else the seconds since the last of them ended: the copy
 * expires ttl - idle seconds after it arrives unless refreshed.
 */
#define ILB_WIRE_PERSIST_FIXED	20
#define ILB_WIRE_PERSIST4_LEN	(ILB_WIRE_PERSIST_FIXED + 3 * 4)
#define ILB_WIRE_PERSIST6_LEN	(ILB_WIRE_PERSIST_FIXED + 3 * 16)
#define ILB_WIRE_PERSIST_TTL_MAX	(7 * 24 * 3600)
struct ilb_prec {
	__u8 op;		/* ILB_REC_ADD or ILB_REC_END */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 plen;		/* 1..32 (family 4), 1..128 (family 6) */
	__u8 family;
	__be16 group;		/* non-zero */
	__u16 idle;		/* seconds; <= ttl */
	__u32 ttl;		/* 1..ILB_WIRE_PERSIST_TTL_MAX */
	__u32 primary;		/* non-zero member ID */
	__u32 backup;		/* member ID, 0 if none; != primary */
	__u8 caddr[16], vaddr[16], raddr[16];	/* vaddr, raddr non-zero */
};

/*
 * Connection count record (type ILB_RT_COUNT), value: proto(1) family(1)
 * vport(2) rport(2) active(4) inactive(4), then vaddr, raddr: 22 or 46
 * bytes. The sender's own connections to one server (those it owns, or
 * serves alone): established ones and the others. Absolute values, sent
 * when they change, at most once per heartbeat interval, and all of them
 * again now and then; the receiver keeps the last of each member's.
 */
#define ILB_WIRE_COUNT_FIXED	14
#define ILB_WIRE_COUNT4_LEN	(ILB_WIRE_COUNT_FIXED + 2 * 4)
#define ILB_WIRE_COUNT6_LEN	(ILB_WIRE_COUNT_FIXED + 2 * 16)
#define ILB_WIRE_COUNT_MAX	(1U << 24)	/* active, inactive: at most */
struct ilb_crec {
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;
	__be16 vport, rport;	/* non-zero */
	__u32 active;		/* 0..ILB_WIRE_COUNT_MAX */
	__u32 inactive;		/* 0..ILB_WIRE_COUNT_MAX */
	__u8 vaddr[16], raddr[16];	/* non-zero; 4 used for INET */
};

/* A parsed message. Pointers point into the parsed buffer. */
struct ilb_msg {
	struct ilb_msg_hdr hdr;
	const __u8 *body;	/* after the header and tag */
	__u32 body_len;
	union {
		struct ilb_msg_hello hello;
		struct ilb_msg_sync sync;
		struct ilb_msg_ack ack;
		struct {
			const __u8 *pkt;	/* the inner IPv4 packet */
			__u32 len;
		} fwd;
	};
};

/*
 * Parse the header of the @len bytes at @buf: version, type, flags,
 * non-zero sender, incarnation and seq, and room for the tag when
 * key_id is set. Returns the header length (ILB_WIRE_HDR_LEN, or
 * ILB_WIRE_HDR_MAX with a tag) or a negative enum ilb_wire_err. Nothing
 * after the header is read.
 */
int ilb_wire_parse_hdr(const void *buf, __u32 len, struct ilb_msg_hdr *h);

/*
 * Parse the body of a message whose header @m->hdr was parsed: the
 * @len bytes at @body. Checks lengths and every field's range, every
 * record of a known type; for FWD an IPv4 header without options whose
 * checksum holds and whose total length fits. Returns ILB_WIRE_OK or a
 * negative enum ilb_wire_err.
 */
int ilb_wire_parse_body(const void *body, __u32 len, struct ilb_msg *m);

/* Both, for a linear message: what tests and the fuzzer use. The tag is
 * not verified here (see ilb_wire_mac()).
 */
int ilb_wire_parse(const void *buf, __u32 len, struct ilb_msg *m);

/*
 * Iterate the CONN records of a parsed sync message: *@off starts at 0;
 * returns 1 with @r filled, 0 at the end. Unknown record types are
 * skipped.
 */
int ilb_wire_conn_next(const struct ilb_msg *m, __u32 *off,
		       struct ilb_rec *r);

/* Iterate the PERSIST records, as ilb_wire_conn_next() the CONN ones. */
int ilb_wire_persist_next(const struct ilb_msg *m, __u32 *off,
			  struct ilb_prec *r);
/* Is this persistence record acceptable? */
int ilb_wire_prec_check(const struct ilb_prec *r);
unsigned int ilb_wire_persist_size(const struct ilb_prec *r);
unsigned int ilb_wire_put_persist(void *buf, const struct ilb_prec *r);

/* Iterate the COUNT records, as ilb_wire_conn_next() the CONN ones. */
int ilb_wire_count_next(const struct ilb_msg *m, __u32 *off,
			struct ilb_crec *r);
int ilb_wire_crec_check(const struct ilb_crec *r);
unsigned int ilb_wire_put_count(void *buf, const struct ilb_crec *r);

/* Is this record acceptable? (parse calls it for every CONN record) */
int ilb_wire_rec_check(const struct ilb_rec *r);

/* Bytes a record takes on the wire, its type and length included. */
unsigned int ilb_wire_conn_size(const struct ilb_rec *r);

/*
 * Encoders write at @buf and return the bytes written; the caller gives
 * room. put_hdr writes ILB_WIRE_HDR_LEN bytes and, with a key id, a zero
 * tag after them (ILB_WIRE_HDR_MAX in all): the sender computes the tag
 * over the finished message and writes it at ILB_WIRE_TAG_OFF.
 */
unsigned int ilb_wire_put_hdr(void *buf, const struct ilb_msg_hdr *h);
/* Hello fixed part and its ADDR and (nkeys > 0) KEYS records. */
unsigned int ilb_wire_put_hello(void *buf, const struct ilb_msg_hello *h);
unsigned int ilb_wire_put_sync(void *buf, __u32 session, __u32 seq);
unsigned int ilb_wire_put_conn(void *buf, const struct ilb_rec *r);
unsigned int ilb_wire_put_ack(void *buf, const struct ilb_msg_ack *a);
/* An ACK record for a sync message: ILB_WIRE_ACK_REC_LEN bytes. */
#define ILB_WIRE_ACK_REC_LEN	(ILB_WIRE_TLV_HDR + ILB_WIRE_ACK_LEN)
unsigned int ilb_wire_put_ack_rec(void *buf, const struct ilb_msg_ack *a);

/* Header length for a key id: ILB_WIRE_HDR_LEN plus the tag if keyed. */
static inline unsigned int ilb_wire_hdr_len(__u8 key_id)
{
	return key_id ? ILB_WIRE_HDR_MAX : ILB_WIRE_HDR_LEN;
}

/*
 * The MAC: keyed BLAKE2s (RFC 7693) with a 32-byte key and a 16-byte
 * output, over the message's first ILB_WIRE_HDR_LEN bytes, then the
 * receiver's member ID (4 bytes, big-endian; 0 for a heartbeat, which
 * goes to every member), then everything after the tag. The receiver is
 * not sent: a message recorded on its way to one member does not verify
 * at another. wire.c does not implement BLAKE2s: the module uses
 * lib/crypto's blake2s, userspace OpenSSL's BLAKE2SMAC. ilb_wire_mac()
 * is given by whoever links wire.c; ilb_wire_mac_prefix() writes the 32
 * bytes that come before the body.
 */
#define ILB_WIRE_MAC_PREFIX	(ILB_WIRE_HDR_LEN + 4)

void ilb_wire_mac(__u8 tag[ILB_WIRE_TAG_LEN],
		  const __u8 key[ILB_WIRE_KEY_LEN],
		  const void *hdr, __u32 receiver,
		  const void *body, __u32 body_len);

void ilb_wire_mac_prefix(__u8 out[ILB_WIRE_MAC_PREFIX], const void *hdr,
			 __u32 receiver);

/*
 * A key's id: the first byte of ilb_wire_mac() under the key of a
 * 28-byte header holding "ilb key id v2" then zeros, receiver 0, with no
 * body; 1 if that byte is 0. Members agree on it without configuration;
 * 0 means no key.
 */
__u8 ilb_wire_key_id(const __u8 key[ILB_WIRE_KEY_LEN]);

/* Name of a parse error, for logs and tests. */
const char *ilb_wire_strerror(int err);

#endif /* _ILB_WIRE_H */
