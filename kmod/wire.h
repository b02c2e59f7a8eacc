/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster wire protocol: encoding and parsing of every message ILBs
 * exchange over UDP. Pure C, shared by the module and userspace (unit tests,
 * fuzzing); allocates nothing, trusts nothing. Documentation/cluster-protocol.rst
 * describes the format; this file and wire.c are its reference.
 *
 * Every message starts with a 16-byte header:
 *
 *   0      1      2      3
 *   +------+------+------+------+
 *   | ver  | type | flags|maclen|   ver = ILB_WIRE_VERSION
 *   +------+------+------+------+
 *   |         cluster ID        |
 *   +---------------------------+
 *   |         sender ID         |
 *   +---------------------------+
 *   |     sender's view epoch   |
 *   +---------------------------+
 *   |   body (by type) ...      |
 *   |   MAC trailer (maclen)    |   reserved: rejected until keys exist
 *
 * All multi-byte fields are big-endian.
 */
#ifndef _ILB_WIRE_H
#define _ILB_WIRE_H

#include <linux/types.h>

#define ILB_WIRE_VERSION	1
#define ILB_WIRE_HDR_LEN	16
#define ILB_WIRE_HELLO_LEN	28	/* hello body */
#define ILB_WIRE_SYNC_LEN	12	/* sync body before its records */
#define ILB_WIRE_REC_LEN	32	/* one association record */
#define ILB_WIRE_ACK_LEN	8	/* ack body */
#define ILB_WIRE_MAX_RECS	40	/* records in one sync message */
/* Largest control message: header + sync body + records (fits 1500). */
#define ILB_WIRE_MAX_LEN	(ILB_WIRE_HDR_LEN + ILB_WIRE_SYNC_LEN + \
				 ILB_WIRE_MAX_RECS * ILB_WIRE_REC_LEN)

enum ilb_msg_type {
	ILB_MSG_HELLO = 1,	/* heartbeat: the seed's ID message */
	ILB_MSG_SYNC = 2,	/* reliable batch of association records */
	ILB_MSG_ACK = 3,	/* cumulative ack of sync messages */
	ILB_MSG_FWD = 4,	/* an IPv4 packet forwarded to its owner */
	__ILB_MSG_MAX,
};

/* Header flags. */
#define ILB_WIRE_F_MAC		0x01	/* a MAC trailer of maclen bytes */
#define ILB_WIRE_F_KNOWN	ILB_WIRE_F_MAC

/* Hello flags. */
#define ILB_HELLO_F_LEAVING	0x01	/* sender is leaving: drop it now */
#define ILB_HELLO_F_NOCACHE	0x02	/* sender keeps no cache: never teach it */
#define ILB_HELLO_F_KNOWN	(ILB_HELLO_F_LEAVING | ILB_HELLO_F_NOCACHE)

/* Record operations. */
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
	ILB_WIRE_EMAC = -6,	/* MAC flag or length not acceptable */
};

/* The header, in host byte order. */
struct ilb_msg_hdr {
	__u8 version;
	__u8 type;
	__u8 flags;
	__u8 mac_len;
	__u32 cluster;
	__u32 sender;
	__u32 epoch;
};

/*
 * Hello body (28 bytes): addr(4) weight(2) mode(1) flags(1) hello_ms(2)
 * dead_ms(2) owned(4) nmembers(2) rsvd(2) incarnation(4) seq(4).
 */
struct ilb_msg_hello {
	__be32 addr;		/* sender's cluster address (network order) */
	__u16 weight;		/* 0..65535 */
	__u8 mode;		/* enum ilb_score_mode, < __ILB_SCORE_MAX */
	__u8 flags;		/* ILB_HELLO_F_* */
	__u16 hello_ms;		/* ILB_HELLO_MS_MIN..ILB_HELLO_MS_MAX */
	__u16 dead_ms;		/* > hello_ms, <= ILB_DEAD_MS_MAX */
	__u32 owned;		/* connections the sender owns */
	__u16 nmembers;		/* members in its view, 1..MAX_MEMBERS */
	__u32 incarnation;	/* random per join; non-zero */
	__u32 seq;		/* heartbeat number */
};

/*
 * Sync body (12 bytes): session(4) seq(4) count(2) rsvd(2), then count
 * records. Sequence numbers count from 1 within a session; a new session
 * (random, non-zero) restarts them.
 */
struct ilb_msg_sync {
	__u32 session;
	__u32 seq;
	__u16 count;		/* 1..ILB_WIRE_MAX_RECS */
	const __u8 *recs;	/* count * ILB_WIRE_REC_LEN bytes */
};

/* Ack body (8 bytes): session(4) ack(4): every seq <= ack arrived. */
struct ilb_msg_ack {
	__u32 session;
	__u32 ack;
};

/*
 * Association record (32 bytes): op(1) proto(1) state(1) fwd(1)
 * caddr(4) vaddr(4) raddr(4) cport(2) vport(2) rport(2) idle(2)
 * primary(4) backup(4). Addresses and ports stay in network byte order.
 * idle says how fresh the sender's copy is: of two copies that disagree,
 * the more recently used one wins.
 */
struct ilb_rec {
	__u8 op;		/* enum ilb_rec_op */
	__u8 proto;		/* IPPROTO_TCP (6) or IPPROTO_UDP (17) */
	__u8 state;		/* enum ilb_conn_state */
	__u8 fwd;		/* enum ilb_fwd */
	__be32 caddr, vaddr, raddr;	/* non-zero */
	__be16 cport, vport, rport;	/* non-zero */
	__u16 idle;		/* seconds since its last packet (saturates) */
	__u32 primary;		/* non-zero member ID */
	__u32 backup;		/* member ID, 0 if none; != primary */
};

/* A parsed message. Pointers point into the parsed buffer. */
struct ilb_msg {
	struct ilb_msg_hdr hdr;
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
 * Parse @len bytes at @buf. Checks the version, type, lengths and every
 * field's range; for FWD only that an IPv4 header (version 4, ihl >= 5,
 * total length within the buffer) follows. Returns ILB_WIRE_OK or a
 * negative enum ilb_wire_err. Records of a sync message are checked too.
 */
int ilb_wire_parse(const void *buf, __u32 len, struct ilb_msg *m);

/* Decode record @i (< m->sync.count) of a parsed sync message. */
void ilb_wire_rec_get(const struct ilb_msg *m, unsigned int i,
		      struct ilb_rec *r);

/* Is this record acceptable? (parse calls it for every record) */
int ilb_wire_rec_check(const struct ilb_rec *r);

/*
 * Encoders write at @buf and return the bytes written. The caller gives
 * room: ILB_WIRE_HDR_LEN for the header, *_LEN for bodies and records.
 */
unsigned int ilb_wire_put_hdr(void *buf, const struct ilb_msg_hdr *h);
unsigned int ilb_wire_put_hello(void *buf, const struct ilb_msg_hello *h);
unsigned int ilb_wire_put_sync(void *buf, __u32 session, __u32 seq,
			       __u16 count);
unsigned int ilb_wire_put_rec(void *buf, const struct ilb_rec *r);
unsigned int ilb_wire_put_ack(void *buf, const struct ilb_msg_ack *a);

/* Name of a parse error, for logs and tests. */
const char *ilb_wire_strerror(int err);

#endif /* _ILB_WIRE_H */
