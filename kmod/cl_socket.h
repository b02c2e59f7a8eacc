/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilb cluster socket: the one path every cluster message is sent by
 * (header, sequence number, tag) and the one path every datagram to the
 * cluster port is received and verified by.
 */
#ifndef _ILB_CL_SOCKET_H
#define _ILB_CL_SOCKET_H

#include <linux/skbuff.h>
#include <net/netlink.h>

struct ilb_cluster;
struct net;

/* Room to leave in front of a message body for the headers. */
#define ILB_CL_HEADROOM	(LL_MAX_HEADER + sizeof(struct iphdr) + \
			 sizeof(struct udphdr) + ILB_WIRE_HDR_MAX)

/*
 * Send the body at @skb->data as a message of @type to member @to at
 * @daddr (and @oif if set): the header goes in front, then the tag, which
 * only @to can verify (0: every member, for heartbeats). Consumes @skb.
 * BHs disabled.
 */
int ilb_cl_xmit(struct ilb_cluster *cl, struct sk_buff *skb, u8 type,
		u32 epoch, u32 to, __be32 daddr, int oif, __be16 sport,
		u8 tos);

/* The same for a body in a buffer. Any context. */
int ilb_cl_send(struct ilb_cluster *cl, u8 type, u32 to, __be32 daddr,
		int oif, const void *body, unsigned int len);

/*
 * A new skb holding @len bytes of @body with room for the headers in
 * front and for an ACK record after it.
 */
struct sk_buff *ilb_cl_skb(const void *body, unsigned int len);

int ilb_cl_socket_open(struct ilb_cluster *cl, struct net *net,
		       struct netlink_ext_ack *extack);
void ilb_cl_socket_close(struct ilb_cluster *cl);

#endif /* _ILB_CL_SOCKET_H */
