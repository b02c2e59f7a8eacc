/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ilb: clustered layer-4 load balancer - user/kernel and wire ABI.
 */
#ifndef _UAPI_LINUX_ILB_H
#define _UAPI_LINUX_ILB_H

#include <linux/types.h>

#define ILB_GENL_NAME		"ilb"
#define ILB_GENL_VERSION	1

/* How members score a connection to pick its primary and backup owner. */
enum ilb_score_mode {
	ILB_SCORE_HRW32,	/* keyed SipHash-1-3, weighted rendezvous */
	ILB_SCORE_CRC8,		/* CRC-8 (poly 0x07) of quad || ID, x weight */
	__ILB_SCORE_MAX,
};

/* Largest member weight; 0 means the member never owns a connection. */
#define ILB_MEMBER_WEIGHT_MAX	65535

/*
 * Generic netlink family ILB_GENL_NAME, version ILB_GENL_VERSION.
 *
 * Every request carries at most one of each top-level attribute. Objects are
 * nested: a service is ILB_A_SERVICE { proto, addr, port, ... }, a real
 * server is ILB_A_SERVICE (its service's key) plus ILB_A_SERVER { addr,
 * port, ... }. Addresses and ports are in network byte order. Every command,
 * reads included (connections reveal clients), needs CAP_NET_ADMIN in the
 * netns's user namespace.
 */
enum ilb_cmd {
	ILB_CMD_UNSPEC,
	ILB_CMD_SERVICE_NEW,	/* A_SERVICE: key + optional sched, fwd */
	ILB_CMD_SERVICE_SET,	/* A_SERVICE: key + what changes */
	ILB_CMD_SERVICE_DEL,	/* A_SERVICE: key */
	ILB_CMD_SERVICE_GET,	/* do: A_SERVICE key; dump: all services */
	ILB_CMD_SERVER_NEW,	/* A_SERVICE key + A_SERVER */
	ILB_CMD_SERVER_SET,	/* A_SERVICE key + A_SERVER key + changes */
	ILB_CMD_SERVER_DEL,	/* A_SERVICE key + A_SERVER key */
	ILB_CMD_SERVER_GET,	/* dump: A_SERVICE key; servers of it */
	ILB_CMD_CONN_GET,	/* dump; A_SERVICE key optional filter */
	ILB_CMD_STATS_GET,	/* do: node counters in A_STATS */
	ILB_CMD_TIMEOUT_SET,	/* A_TIMEOUTS */
	ILB_CMD_TIMEOUT_GET,	/* do: A_TIMEOUTS */
	ILB_CMD_FLUSH,		/* delete every service and connection */
	ILB_CMD_CLUSTER_JOIN,	/* A_CLUSTER: id, addr, ifindex + options */
	ILB_CMD_CLUSTER_LEAVE,	/* no attributes */
	ILB_CMD_CLUSTER_SET,	/* A_CLUSTER: sync, cache, weight */
	ILB_CMD_CLUSTER_GET,	/* do: A_CLUSTER with members and counters */
	ILB_CMD_PERSIST_GET,	/* dump: A_PERSIST records; A_SERVICE filter */
	ILB_CMD_PERSIST_FLUSH,	/* A_SERVICE optional: its group's records */
	__ILB_CMD_MAX,
};
#define ILB_CMD_MAX (__ILB_CMD_MAX - 1)

enum ilb_attr {
	ILB_A_UNSPEC,
	ILB_A_SERVICE,		/* nest: enum ilb_svc_attr */
	ILB_A_SERVER,		/* nest: enum ilb_srv_attr */
	ILB_A_CONN,		/* nest: enum ilb_conn_attr */
	ILB_A_STATS,		/* nest: enum ilb_stats_attr */
	ILB_A_TIMEOUTS,		/* nest: enum ilb_timeout_attr */
	ILB_A_PAD,
	ILB_A_CLUSTER,		/* nest: enum ilb_cl_attr */
	ILB_A_PERSIST,		/* nest: enum ilb_pst_attr, reply only */
	__ILB_A_MAX,
};
#define ILB_A_MAX (__ILB_A_MAX - 1)

enum ilb_svc_attr {
	ILB_SVC_A_UNSPEC,
	ILB_SVC_A_PROTO,	/* u8: IPPROTO_TCP or IPPROTO_UDP */
	ILB_SVC_A_ADDR,		/* be32: virtual IP */
	ILB_SVC_A_PORT,		/* be16: 1..65535 */
	ILB_SVC_A_SCHED,	/* u8: enum ilb_sched (default rr) */
	ILB_SVC_A_FWD,		/* u8: enum ilb_fwd, its servers' default (nat) */
	ILB_SVC_A_NSERVERS,	/* u32, reply only */
	ILB_SVC_A_STATS,	/* nest: enum ilb_cnt_attr, reply only */
	ILB_SVC_A_PAD,
	ILB_SVC_A_PERSIST,	/* u32: persistence timeout, s; 0 = off */
	ILB_SVC_A_NETMASK,	/* u8: persistence prefix length, 1..32 (32) */
	ILB_SVC_A_GROUP,	/* be16: persistence group, default the port */
	__ILB_SVC_A_MAX,
};
#define ILB_SVC_A_MAX (__ILB_SVC_A_MAX - 1)

enum ilb_srv_attr {
	ILB_SRV_A_UNSPEC,
	ILB_SRV_A_ADDR,		/* be32: real server IP */
	ILB_SRV_A_PORT,		/* be16: 1..65535, default the service's port */
	ILB_SRV_A_WEIGHT,	/* u32: 0..ILB_SERVER_WEIGHT_MAX (default 1) */
	ILB_SRV_A_FWD,		/* u8: enum ilb_fwd (default the service's) */
	ILB_SRV_A_STATE,	/* u8: enum ilb_server_state (default up) */
	ILB_SRV_A_ACTIVE,	/* u32: established connections, reply only */
	ILB_SRV_A_INACTIVE,	/* u32: other connections, reply only */
	ILB_SRV_A_STATS,	/* nest: enum ilb_cnt_attr, reply only */
	ILB_SRV_A_PAD,
	ILB_SRV_A_MAX_CONNS,	/* u32: 0 (default) or the cluster-wide
				 * connections (active + inactive) at which
				 * it takes no new ones, as IPVS's -x
				 */
	ILB_SRV_A_MIN_CONNS,	/* u32: below it, it takes them again: IPVS's
				 * -y; 0 (default): 3/4 of max-conns
				 */
	ILB_SRV_A_CL_ACTIVE,	/* u32: established connections across the
				 * cluster (owned here and reported by the
				 * other members), reply only
				 */
	ILB_SRV_A_CL_INACTIVE,	/* u32: the others, the same way, reply only */
	ILB_SRV_A_OVERLOADED,	/* u8: 1 while at max-conns, reply only */
	__ILB_SRV_A_MAX,
};
#define ILB_SRV_A_MAX (__ILB_SRV_A_MAX - 1)

/* Traffic counters of a service or a real server (all u64). */
enum ilb_cnt_attr {
	ILB_CNT_A_UNSPEC,
	ILB_CNT_A_CONNS,	/* connections scheduled */
	ILB_CNT_A_PKTS_IN,	/* client to server */
	ILB_CNT_A_PKTS_OUT,	/* server to client (seen by NAT) */
	ILB_CNT_A_BYTES_IN,
	ILB_CNT_A_BYTES_OUT,
	ILB_CNT_A_PAD,
	__ILB_CNT_A_MAX,
};
#define ILB_CNT_A_MAX (__ILB_CNT_A_MAX - 1)

enum ilb_conn_attr {
	ILB_CONN_A_UNSPEC,
	ILB_CONN_A_PROTO,	/* u8 */
	ILB_CONN_A_CADDR,	/* be32: client */
	ILB_CONN_A_CPORT,	/* be16 */
	ILB_CONN_A_VADDR,	/* be32: virtual IP */
	ILB_CONN_A_VPORT,	/* be16 */
	ILB_CONN_A_RADDR,	/* be32: real server */
	ILB_CONN_A_RPORT,	/* be16 */
	ILB_CONN_A_FWD,		/* u8: enum ilb_fwd */
	ILB_CONN_A_STATE,	/* u8: enum ilb_conn_state */
	ILB_CONN_A_EXPIRES,	/* u32: milliseconds until it expires */
	ILB_CONN_A_ROLE,	/* u8: enum ilb_conn_role */
	ILB_CONN_A_PRIMARY,	/* u32: primary owner's member ID (cluster) */
	ILB_CONN_A_BACKUP,	/* u32: backup owner's member ID, 0 if none */
	__ILB_CONN_A_MAX,
};
#define ILB_CONN_A_MAX (__ILB_CONN_A_MAX - 1)

/* Node counters (all u64). */
enum ilb_stats_attr {
	ILB_STATS_A_UNSPEC,
	ILB_STATS_A_CONNS,	/* connections in the table now */
	ILB_STATS_A_CONN_MAX,	/* the table's cap (module parameter) */
	ILB_STATS_A_INSPECTED,	/* IPv4 packets examined */
	ILB_STATS_A_MALFORMED,	/* bad headers to a service, dropped */
	ILB_STATS_A_NO_SERVICE,	/* to a VIP, but no service on that port */
	ILB_STATS_A_NO_SERVER,	/* new connection, no server available */
	ILB_STATS_A_TABLE_FULL,	/* new connection refused: table full */
	ILB_STATS_A_XMIT_ERR,	/* forwarding failed (no route, ...) */
	ILB_STATS_A_NO_CONN,	/* TCP non-SYN to a service, no entry: dropped */
	ILB_STATS_A_PAD,
	ILB_STATS_A_EARLY_DROP,	/* embryonic entries dropped for new ones */
	ILB_STATS_A_BAD_ACK,	/* client ACKs that did not establish */
	ILB_STATS_A_PERSIST,	/* persistence records now */
	ILB_STATS_A_PERSIST_FULL, /* connections made without a record: full */
	ILB_STATS_A_OVERLOAD,	/* new connection refused: every server at
				 * its max-conns (also counted as no_server)
				 */
	__ILB_STATS_A_MAX,
};
#define ILB_STATS_A_MAX (__ILB_STATS_A_MAX - 1)

enum ilb_timeout_attr {
	ILB_TIMEOUT_A_UNSPEC,
	ILB_TIMEOUT_A_TCP,	/* u32 seconds: established TCP idle */
	ILB_TIMEOUT_A_TCP_FIN,	/* u32 seconds: after FIN or RST */
	ILB_TIMEOUT_A_UDP,	/* u32 seconds: UDP idle */
	__ILB_TIMEOUT_A_MAX,
};
#define ILB_TIMEOUT_A_MAX (__ILB_TIMEOUT_A_MAX - 1)
#define ILB_TIMEOUT_MAX		(7 * 24 * 3600)
#define ILB_PERSIST_MAX		ILB_TIMEOUT_MAX

/*
 * A persistence record (seed 001): the services of one VIP, protocol and
 * group send a client network's new connections to one real server.
 */
enum ilb_pst_attr {
	ILB_PST_A_UNSPEC,
	ILB_PST_A_PROTO,	/* u8 */
	ILB_PST_A_CADDR,	/* be32: client network (masked) */
	ILB_PST_A_NETMASK,	/* u8: its prefix length */
	ILB_PST_A_VADDR,	/* be32: virtual IP */
	ILB_PST_A_GROUP,	/* be16: persistence group */
	ILB_PST_A_RADDR,	/* be32: the real server */
	ILB_PST_A_EXPIRES,	/* u32: ms left once unused, 0 if expired */
	ILB_PST_A_CONNS,	/* u32: connections using it now */
	ILB_PST_A_ROLE,		/* u8: enum ilb_conn_role */
	ILB_PST_A_PRIMARY,	/* u32: primary owner's member ID (cluster) */
	ILB_PST_A_BACKUP,	/* u32: backup owner's member ID, 0 if none */
	__ILB_PST_A_MAX,
};
#define ILB_PST_A_MAX (__ILB_PST_A_MAX - 1)

enum ilb_sched {
	ILB_SCHED_RR,		/* round robin */
	ILB_SCHED_WRR,		/* weighted round robin */
	ILB_SCHED_LC,		/* least connections */
	ILB_SCHED_WLC,		/* weighted least connections */
	ILB_SCHED_SH,		/* source hash */
	ILB_SCHED_MH,		/* Maglev hash */
	__ILB_SCHED_MAX,
};

enum ilb_fwd {
	ILB_FWD_NAT,		/* rewrite destination, replies back through us */
	ILB_FWD_DR,		/* keep the VIP, send to the server's MAC */
	ILB_FWD_LOCAL,		/* this node serves the connection itself */
	__ILB_FWD_MAX,
};

enum ilb_server_state {
	ILB_SERVER_UP,
	ILB_SERVER_DOWN,	/* no new connections */
	__ILB_SERVER_STATE_MAX,
};

enum ilb_conn_state {
	ILB_CS_SYN,		/* TCP: SYN seen, not yet established */
	ILB_CS_ESTABLISHED,	/* TCP: handshake complete */
	ILB_CS_FIN,		/* TCP: FIN seen */
	ILB_CS_CLOSE,		/* TCP: RST seen or both FINs */
	ILB_CS_UDP,		/* UDP: new flow, no reply yet (short timeout) */
	ILB_CS_SYN_RECV,	/* TCP: the server's SYN-ACK seen (NAT, local) */
	ILB_CS_UDP_STREAM,	/* UDP: replied (DR: a second datagram) */
	__ILB_CS_MAX,
};

#define ILB_SERVER_WEIGHT_MAX	65535
#define ILB_SERVER_CONNS_MAX	(1U << 24)	/* max-conns, min-conns */

/* What this node's entry of a connection is for. */
enum ilb_conn_role {
	ILB_ROLE_LOCAL,		/* no cluster: this node alone */
	ILB_ROLE_OWNED,		/* primary owner: in the LTOC, scheduled here */
	ILB_ROLE_BACKUP,	/* backup owner: in the LTOC, takes over */
	ILB_ROLE_CACHE,		/* someone else's, cached (LRU) */
	__ILB_ROLE_MAX,
};

/*
 * Cluster membership (ILB_CMD_CLUSTER_*), nested in ILB_A_CLUSTER.
 * JOIN needs ADDR and IFINDEX; ID defaults to ADDR as a host-order number.
 * GET replies with the configuration, EPOCH, MEMBERS and STATS.
 */
enum ilb_cl_attr {
	ILB_CL_A_UNSPEC,
	ILB_CL_A_ID,		/* u32: this member's ID, 1..2^32-1 */
	ILB_CL_A_ADDR,		/* be32: this member's cluster address */
	ILB_CL_A_IFINDEX,	/* u32: interface for multicast heartbeats */
	ILB_CL_A_WEIGHT,	/* u32: 0..ILB_MEMBER_WEIGHT_MAX (default 1) */
	ILB_CL_A_SCORE,		/* u8: enum ilb_score_mode (default hrw32) */
	ILB_CL_A_HELLO_MS,	/* u32: heartbeat interval (default 100) */
	ILB_CL_A_DEAD_MS,	/* u32: silence that removes a member (275) */
	ILB_CL_A_PORT,		/* be16: UDP port of the cluster (default) */
	ILB_CL_A_PEERS,		/* nest of ILB_CL_A_PEER: unicast peers */
	ILB_CL_A_PEER,		/* be32: one peer address, inside A_PEERS */
	ILB_CL_A_CLUSTER,	/* u32: cluster ID, must match (default 1) */
	ILB_CL_A_SYNC,		/* u8: enum ilb_sync_mode (default targeted) */
	ILB_CL_A_CACHE,		/* u32: most cached associations, 0 = none */
	ILB_CL_A_EPOCH,		/* u32: view epoch, reply only */
	ILB_CL_A_MEMBERS,	/* nest of ILB_CL_A_MEMBER, reply only */
	ILB_CL_A_MEMBER,	/* nest: enum ilb_mbr_attr, reply only */
	ILB_CL_A_STATS,		/* nest: enum ilb_cl_stats_attr, reply only */
	ILB_CL_A_GROUP,		/* be32: multicast group, reply only */
	ILB_CL_A_VIEW_AGE_MS,	/* u32: ms since the view last changed, reply */
	ILB_CL_A_PAD,
	ILB_CL_A_KEY,		/* binary, ILB_CLUSTER_KEY_LEN: the cluster key;
				 * write only, never in a reply
				 */
	ILB_CL_A_KEY_FILE,	/* string: where the key came from (for save) */
	ILB_CL_A_INSECURE,	/* flag: join without a key (no MAC) */
	ILB_CL_A_KEY_ID,	/* u8: id of the key this node sends with, reply */
	ILB_CL_A_KEY_NEXT_ID,	/* u8: id of the other key accepted, reply */
	ILB_CL_A_KEY_STATE,	/* u8: enum ilb_key_state, reply only */
	ILB_CL_A_MAX_WEIGHT,	/* u32: largest weight a member may claim */
	ILB_CL_A_INCARNATION,	/* u32: this node's incarnation, reply only */
	__ILB_CL_A_MAX,
};
#define ILB_CL_A_MAX (__ILB_CL_A_MAX - 1)

#define ILB_CLUSTER_PORT	7219		/* default UDP port */
#define ILB_CLUSTER_KEY_LEN	32		/* bytes of a cluster key */
#define ILB_CLUSTER_KEY_FILE_MAX 256		/* ILB_CL_A_KEY_FILE, NUL incl. */
#define ILB_CLUSTER_GROUP	0xefff4c42	/* 239.255.76.66, TTL 255 (GTSM) */
#define ILB_CLUSTER_MAX_MEMBERS	64
#define ILB_CLUSTER_MAX_PEERS	16
#define ILB_HELLO_MS_MIN	10
#define ILB_HELLO_MS_MAX	10000
#define ILB_DEAD_MS_MAX		60000

enum ilb_sync_mode {
	ILB_SYNC_TARGETED,	/* backup + the ingress of the first packet */
	ILB_SYNC_BROADCAST,	/* every member */
	__ILB_SYNC_MAX,
};

/*
 * Key rotation (ILB_CMD_CLUSTER_SET with ILB_CL_A_KEY): the new key is
 * accepted at once and sent with once every live member accepts it; the
 * old one is accepted until every live member sends with the new one.
 */
enum ilb_key_state {
	ILB_KEY_NONE,		/* insecure: no key, no MAC */
	ILB_KEY_STABLE,		/* one key */
	ILB_KEY_PENDING,	/* sending with the old key, new one accepted */
	ILB_KEY_DRAINING,	/* sending with the new key, old one accepted */
	__ILB_KEY_STATE_MAX,
};

enum ilb_member_state {
	ILB_MEMBER_SELF,
	ILB_MEMBER_ALIVE,	/* in the view */
	ILB_MEMBER_DEAD,	/* silent for dead-ms: out of the view */
	__ILB_MEMBER_STATE_MAX,
};

enum ilb_mbr_attr {
	ILB_MBR_A_UNSPEC,
	ILB_MBR_A_ID,		/* u32 */
	ILB_MBR_A_ADDR,		/* be32 */
	ILB_MBR_A_WEIGHT,	/* u32 */
	ILB_MBR_A_STATE,	/* u8: enum ilb_member_state */
	ILB_MBR_A_HEARD_MS,	/* u32: milliseconds since last heard */
	ILB_MBR_A_OWNED,	/* u32: connections it owns (its heartbeat) */
	ILB_MBR_A_EPOCH,	/* u32: its view epoch (its heartbeat) */
	ILB_MBR_A_INCARNATION,	/* u32: its incarnation */
	ILB_MBR_A_KEY_ID,	/* u8: key id of its last heartbeat, 0 none */
	__ILB_MBR_A_MAX,
};
#define ILB_MBR_A_MAX (__ILB_MBR_A_MAX - 1)

/* Cluster counters of this node (all u64). */
enum ilb_cl_stats_attr {
	ILB_CLS_A_UNSPEC,
	ILB_CLS_A_HELLO_TX,	/* heartbeats sent */
	ILB_CLS_A_HELLO_RX,	/* heartbeats accepted */
	ILB_CLS_A_SYNC_TX,	/* sync messages sent, retransmits included */
	ILB_CLS_A_SYNC_TX_BYTES, /* their UDP payload bytes */
	ILB_CLS_A_SYNC_RX,	/* sync messages accepted */
	ILB_CLS_A_RECS_TX,	/* association records sent */
	ILB_CLS_A_RECS_RX,	/* association records applied */
	ILB_CLS_A_ACK_TX,
	ILB_CLS_A_ACK_RX,
	ILB_CLS_A_RETRANS,	/* sync messages sent again */
	ILB_CLS_A_SYNC_DROP,	/* records dropped: queue full or peer gone */
	ILB_CLS_A_FWD_TX,	/* packets forwarded to their owner */
	ILB_CLS_A_FWD_RX,	/* forwarded packets received */
	ILB_CLS_A_FWD_LOOP,	/* would be forwarded twice: dropped */
	ILB_CLS_A_FWD_ADOPT,	/* forwarded new connections owned here */
	ILB_CLS_A_DIRECT,	/* packets sent to a server by this node */
	ILB_CLS_A_BAD_MSG,	/* malformed cluster messages */
	ILB_CLS_A_FOREIGN,	/* from another cluster or a non-member */
	ILB_CLS_A_VIEW_CHANGES,
	ILB_CLS_A_PROMOTED,	/* backed-up connections taken over */
	ILB_CLS_A_TRANSFERRED,	/* entries sent to new owners or backups */
	ILB_CLS_A_CACHE_EVICT,	/* cached associations evicted (LRU) */
	ILB_CLS_A_EPOCH_MISMATCH, /* messages from a different view */
	ILB_CLS_A_CTRL_TX_BYTES, /* all cluster bytes sent but forwarded */
	ILB_CLS_A_MAC_FAIL,	/* tag did not verify */
	ILB_CLS_A_REPLAY,	/* sequence number seen or too old */
	ILB_CLS_A_STALE_INCARNATION, /* from an older incarnation */
	ILB_CLS_A_UNKNOWN_KEY,	/* key id not accepted (or no tag) */
	ILB_CLS_A_NOT_FOR_US,	/* not to our address or group, or off the link */
	ILB_CLS_A_TTL,		/* on the cluster link with TTL < 255 (GTSM) */
	ILB_CLS_A_REC_UNKNOWN,	/* records of an unknown type, skipped */
	ILB_CLS_A_SESSION_RESET, /* sync sessions restarted (nak, timeouts) */
	ILB_CLS_A_KEY_SWITCH,	/* key rotation steps taken */
	ILB_CLS_A_RECLAIMED,	/* slots of long-dead members freed */
	ILB_CLS_A_PAD,
	__ILB_CLS_A_MAX,
};
#define ILB_CLS_A_MAX (__ILB_CLS_A_MAX - 1)

#endif /* _UAPI_LINUX_ILB_H */
