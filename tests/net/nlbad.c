// SPDX-License-Identifier: GPL-2.0
/*
 * nlbad: send malformed requests to the "ilb" generic netlink family and
 * check that each one is rejected.
 *
 * Deliberately raw (no libnl): the messages are built byte by byte so that
 * they can be wrong in ways a library would not allow. Each case is one
 * request with NLM_F_REQUEST | NLM_F_ACK; it passes if the answer is an
 * NLMSG_ERROR (or, for a dump, an NLMSG_DONE) carrying an error < 0.
 *
 *   nlbad [-q]       run as root in a netns where ilb.ko is loaded
 *
 * Output is TAP:  ok N - <case>: <errno name> "<extack message>"
 *             not ok N - <case>: accepted
 * Exit 0 if every case was rejected, 1 if one was not, 2 if the test could
 * not run (no socket, no "ilb" family, fixture service not created).
 *
 * The cases use addresses from the documentation ranges: a fixture service
 * tcp 192.0.2.1:8080 is created first (so that a bad server attribute is
 * not merely reported as "no such service") and deleted at the end, with
 * anything a wrongly accepted request created.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "uapi/linux/ilb.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define REQ_SIZE	1024
#define RECV_SIZE	65536
#define RECV_TIMEOUT_S	5

#define FIX_PROTO	IPPROTO_TCP
#define FIX_ADDR	0xc0000201U	/* 192.0.2.1, the fixture service */
#define FIX_PORT	8080
#define MISSING_ADDR	0xc0000202U	/* 192.0.2.2, never a service */
#define SRV_ADDR	0xcb007101U	/* 203.0.113.1, a real server */

struct req {
	union {
		struct nlmsghdr nlh;
		uint8_t buf[REQ_SIZE];
	} u;
	size_t len;
};

struct answer {
	bool answered;		/* an ACK, error or end of dump came */
	int error;		/* 0 (accepted) or a negative errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	long offs;		/* NLMSGERR_ATTR_OFFS, -1 if absent */
	const char *why;	/* why there is no answer */
};

/* Called with each data message answering a request. */
typedef void (*reply_fn)(const struct nlmsghdr *nlh, void *arg);

static int nl_fd = -1;
static uint16_t family;
static uint32_t seq;
static bool quiet;

/* --- building messages ------------------------------------------------ */

static void req_init(struct req *r, uint16_t type, uint8_t cmd,
		     uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->u.nlh.nlmsg_type = type;
	r->u.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->u.nlh.nlmsg_seq = ++seq;
	r->u.nlh.nlmsg_pid = 0;
	g = (struct genlmsghdr *)(r->u.buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = ILB_GENL_VERSION;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->u.nlh.nlmsg_len = (uint32_t)r->len;
}

/* An ilb request: family, command, NLM_F_DUMP or 0. */
static void ilb_req(struct req *r, uint8_t cmd, uint16_t flags)
{
	req_init(r, family, cmd, flags);
}

/* One attribute; the payload is padded with zeros to NLA_ALIGNTO. */
static struct nlattr *put(struct req *r, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->u.buf + r->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (r->len + total > sizeof(r->u.buf)) {
		fprintf(stderr, "nlbad: request too large\n");
		exit(2);
	}
	memset(a, 0, total);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	r->len += total;
	r->u.nlh.nlmsg_len = (uint32_t)r->len;
	return a;
}

static struct nlattr *put_u8(struct req *r, uint16_t type, uint8_t v)
{
	return put(r, type, &v, sizeof(v));
}

static struct nlattr *put_u16(struct req *r, uint16_t type, uint16_t v)
{
	return put(r, type, &v, sizeof(v));
}

static struct nlattr *put_u32(struct req *r, uint16_t type, uint32_t v)
{
	return put(r, type, &v, sizeof(v));
}

static struct nlattr *nest_start(struct req *r, uint16_t type)
{
	return put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)(r->u.buf + r->len - (uint8_t *)nest);
}

/* PROTO, ADDR, PORT; addr in host order here, network order on the wire. */
static void put_key(struct req *r, uint8_t proto, uint32_t addr,
		    uint16_t port)
{
	put_u8(r, ILB_SVC_A_PROTO, proto);
	put_u32(r, ILB_SVC_A_ADDR, htonl(addr));
	put_u16(r, ILB_SVC_A_PORT, htons(port));
}

static void put_svc(struct req *r, uint8_t proto, uint32_t addr,
		    uint16_t port)
{
	struct nlattr *n = nest_start(r, ILB_A_SERVICE);

	put_key(r, proto, addr, port);
	nest_end(r, n);
}

static void put_fixture(struct req *r)
{
	put_svc(r, FIX_PROTO, FIX_ADDR, FIX_PORT);
}

/* --- talking to the kernel -------------------------------------------- */

static void parse_extack(struct answer *a, const uint8_t *p, long len)
{
	const struct nlattr *attr;
	size_t n;

	while (len >= NLA_HDRLEN) {
		attr = (const struct nlattr *)p;
		if (attr->nla_len < NLA_HDRLEN || attr->nla_len > len)
			return;
		switch (attr->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			n = strnlen((const char *)p + NLA_HDRLEN,
				    attr->nla_len - NLA_HDRLEN);
			if (n >= sizeof(a->msg))
				n = sizeof(a->msg) - 1;
			memcpy(a->msg, p + NLA_HDRLEN, n);
			a->msg[n] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (attr->nla_len >= NLA_HDRLEN + 4) {
				uint32_t off;

				memcpy(&off, p + NLA_HDRLEN, sizeof(off));
				a->offs = off;
			}
			break;
		}
		len -= NLA_ALIGN(attr->nla_len);
		p += NLA_ALIGN(attr->nla_len);
	}
}

/* NLMSG_ERROR: struct nlmsgerr, the request unless capped, then TLVs. */
static void on_error(const struct nlmsghdr *nlh, struct answer *a)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	long off = sizeof(*e), len;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		a->why = "truncated NLMSG_ERROR";
		return;
	}
	a->answered = true;
	a->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	len = (long)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	if (len > 0)
		parse_extack(a, (const uint8_t *)e + off, len);
}

/* NLMSG_DONE: the dump's result as an int, then TLVs. */
static void on_done(const struct nlmsghdr *nlh, struct answer *a)
{
	const uint8_t *p = NLMSG_DATA(nlh);
	long off = NLMSG_ALIGN(sizeof(int)), len;
	int error = 0;

	a->answered = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&error, p, sizeof(error));
	a->error = error;
	len = (long)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0)
		parse_extack(a, p + off, len);
}

/* Sends r and reads until its ACK, error or end of dump. */
static void transact(struct req *r, reply_fn fn, void *arg, struct answer *a)
{
	static uint8_t buf[RECV_SIZE] __attribute__((aligned(4)));
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	memset(a, 0, sizeof(*a));
	a->offs = -1;
	if (sendto(nl_fd, r->u.buf, r->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		a->why = strerror(errno);
		return;
	}
	while (!a->answered) {
		n = recv(nl_fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			a->why = errno == EAGAIN ? "no answer" :
						   strerror(errno);
			return;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != r->u.nlh.nlmsg_seq)
				continue;	/* late, for a past case */
			if (nlh->nlmsg_type == NLMSG_ERROR)
				on_error(nlh, a);
			else if (nlh->nlmsg_type == NLMSG_DONE)
				on_done(nlh, a);
			else if (fn)
				fn(nlh, arg);
			if (a->answered)
				break;
		}
	}
}

static void resolve_reply(const struct nlmsghdr *nlh, void *arg)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	long len = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *a;
	uint32_t *version = arg;

	while (len >= NLA_HDRLEN) {
		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len >= NLA_HDRLEN + 2)
			memcpy(&family, p + NLA_HDRLEN, sizeof(family));
		if (a->nla_type == CTRL_ATTR_VERSION &&
		    a->nla_len >= NLA_HDRLEN + 4)
			memcpy(version, p + NLA_HDRLEN, sizeof(*version));
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

static int resolve_family(void)
{
	uint32_t version = 0;
	struct answer a;
	struct req r;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put(&r, CTRL_ATTR_FAMILY_NAME, ILB_GENL_NAME, sizeof(ILB_GENL_NAME));
	transact(&r, resolve_reply, &version, &a);
	if (!a.answered || a.error || !family) {
		printf("Bail out! no generic netlink family \"%s\" (%s)\n",
		       ILB_GENL_NAME, a.answered ? strerror(-a.error) :
		       a.why ? a.why : "no id");
		return -1;
	}
	if (!quiet)
		printf("# family %s: id %u, version %u\n", ILB_GENL_NAME,
		       family, version);
	return 0;
}

/* --- the cases ------------------------------------------------------- */

/* Which errors a case is expected to give; others get a "# note". */
#define X_INVAL		(1U << 0)	/* EINVAL or ERANGE */
#define X_NOENT		(1U << 1)
#define X_NOTSUP	(1U << 2)
#define X_EXIST		(1U << 3)

struct tcase {
	const char *name;
	void (*build)(struct req *r);
	unsigned int expect;
	/* a service a wrong acceptance may have created, to delete */
	uint8_t undo_proto;
	uint32_t undo_addr;
	uint16_t undo_port;
};

static void c_unknown_top(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	put_fixture(r);
	put_u32(r, ILB_A_MAX + 1, 0);
}

static void c_unspec_top(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	put_fixture(r);
	put_u32(r, ILB_A_UNSPEC, 0);
}

static void c_unknown_svc_attr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, FIX_PROTO, FIX_ADDR, FIX_PORT);
	put_u32(r, ILB_SVC_A_MAX + 1, 0);
	nest_end(r, n);
}

static void c_unknown_srv_attr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_fixture(r);
	n = nest_start(r, ILB_A_SERVER);
	put_u32(r, ILB_SRV_A_ADDR, htonl(SRV_ADDR));
	put_u16(r, ILB_SRV_A_PORT, htons(80));
	put_u32(r, ILB_SRV_A_MAX + 1, 0);
	nest_end(r, n);
}

static void c_unknown_timeout_attr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_TIMEOUT_SET, 0);
	n = nest_start(r, ILB_A_TIMEOUTS);
	put_u32(r, ILB_TIMEOUT_A_MAX + 1, 60);
	nest_end(r, n);
}

static void c_short_addr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, FIX_PROTO);
	put_u16(r, ILB_SVC_A_ADDR, 0x00c0);	/* 2 bytes of an IPv4 address */
	put_u16(r, ILB_SVC_A_PORT, htons(FIX_PORT));
	nest_end(r, n);
}

static void c_long_port(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, FIX_PROTO);
	put_u32(r, ILB_SVC_A_ADDR, htonl(FIX_ADDR));
	put_u32(r, ILB_SVC_A_PORT, htonl(FIX_PORT));	/* 4 bytes */
	nest_end(r, n);
}

static void c_long_proto(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u16(r, ILB_SVC_A_PROTO, FIX_PROTO);	/* 2 bytes */
	put_u32(r, ILB_SVC_A_ADDR, htonl(FIX_ADDR));
	put_u16(r, ILB_SVC_A_PORT, htons(FIX_PORT));
	nest_end(r, n);
}

static void c_short_weight(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_fixture(r);
	n = nest_start(r, ILB_A_SERVER);
	put_u32(r, ILB_SRV_A_ADDR, htonl(SRV_ADDR));
	put_u16(r, ILB_SRV_A_PORT, htons(80));
	put_u8(r, ILB_SRV_A_WEIGHT, 1);		/* 1 byte of a u32 */
	nest_end(r, n);
}

/* SERVICE_NEW at 192.0.2.x:port with one extra u8 attribute. */
static void svc_new_u8(struct req *r, uint8_t proto, uint32_t addr,
		       uint16_t port, uint16_t type, uint8_t v)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_NEW, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, proto, addr, port);
	if (type)
		put_u8(r, type, v);
	nest_end(r, n);
}

/* service set on the fixture with one attribute of @len bytes */
static void svc_set_attr(struct req *r, uint16_t type, uint32_t v, int len)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_SET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, FIX_PROTO, FIX_ADDR, FIX_PORT);
	if (len == 4)
		put_u32(r, type, v);
	else if (len == 2)
		put_u16(r, type, (uint16_t)v);
	else
		put_u8(r, type, (uint8_t)v);
	nest_end(r, n);
}

static void c_persist_max(struct req *r)
{
	svc_set_attr(r, ILB_SVC_A_PERSIST, ILB_PERSIST_MAX + 1, 4);
}

static void c_persist_short(struct req *r)
{
	svc_set_attr(r, ILB_SVC_A_PERSIST, 300, 2);
}

static void c_netmask_0(struct req *r)
{
	svc_set_attr(r, ILB_SVC_A_NETMASK, 0, 1);
}

static void c_netmask_33(struct req *r)
{
	svc_set_attr(r, ILB_SVC_A_NETMASK, 33, 1);
}

static void c_group_0(struct req *r)
{
	svc_set_attr(r, ILB_SVC_A_GROUP, 0, 2);
}

static void c_persist_dump_missing(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_PERSIST_GET, NLM_F_DUMP);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, FIX_PROTO, MISSING_ADDR, FIX_PORT);
	nest_end(r, n);
}

static void c_persist_flush_missing(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_PERSIST_FLUSH, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, FIX_PROTO, MISSING_ADDR, FIX_PORT);
	nest_end(r, n);
}

static void c_persist_attr_in_request(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_PERSIST_FLUSH, 0);
	n = nest_start(r, ILB_A_PERSIST);
	put_u8(r, ILB_PST_A_PROTO, IPPROTO_TCP);
	nest_end(r, n);
}

static void c_sched_99(struct req *r)
{
	svc_new_u8(r, IPPROTO_TCP, 0xc000020a, 80, ILB_SVC_A_SCHED, 99);
}

static void c_svc_fwd_9(struct req *r)
{
	svc_new_u8(r, IPPROTO_TCP, 0xc000020b, 80, ILB_SVC_A_FWD, 9);
}

static void c_proto_1(struct req *r)
{
	svc_new_u8(r, IPPROTO_ICMP, 0xc000020c, 80, 0, 0);
}

static void c_svc_port_0(struct req *r)
{
	svc_new_u8(r, IPPROTO_TCP, 0xc000020d, 0, 0, 0);
}

/* SERVER_NEW on the fixture: 203.0.113.1:port plus one attribute. */
static void srv_new(struct req *r, uint16_t port, uint16_t type, uint32_t v,
		    size_t vlen)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_fixture(r);
	n = nest_start(r, ILB_A_SERVER);
	put_u32(r, ILB_SRV_A_ADDR, htonl(SRV_ADDR));
	put_u16(r, ILB_SRV_A_PORT, htons(port));
	if (vlen == 1)
		put_u8(r, type, (uint8_t)v);
	else if (vlen == 4)
		put_u32(r, type, v);
	nest_end(r, n);
}

static void c_weight_70000(struct req *r)
{
	srv_new(r, 80, ILB_SRV_A_WEIGHT, 70000, 4);
}

static void c_srv_fwd_9(struct req *r)
{
	srv_new(r, 81, ILB_SRV_A_FWD, 9, 1);
}

static void c_srv_state_7(struct req *r)
{
	srv_new(r, 82, ILB_SRV_A_STATE, 7, 1);
}

static void c_srv_port_0(struct req *r)
{
	srv_new(r, 0, 0, 0, 0);
}

static void c_no_service(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVICE_NEW, 0);
}

static void c_key_no_addr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_NEW, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, IPPROTO_TCP);
	put_u16(r, ILB_SVC_A_PORT, htons(80));
	nest_end(r, n);
}

static void c_key_no_proto(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_DEL, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u32(r, ILB_SVC_A_ADDR, htonl(FIX_ADDR));
	put_u16(r, ILB_SVC_A_PORT, htons(FIX_PORT));
	nest_end(r, n);
}

static void c_key_no_port(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, FIX_PROTO);
	put_u32(r, ILB_SVC_A_ADDR, htonl(FIX_ADDR));
	nest_end(r, n);
}

static void c_no_server(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_fixture(r);
}

static void c_server_no_addr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_fixture(r);
	n = nest_start(r, ILB_A_SERVER);
	put_u16(r, ILB_SRV_A_PORT, htons(80));
	put_u32(r, ILB_SRV_A_WEIGHT, 1);
	nest_end(r, n);
}

static void c_server_dump_no_key(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVER_GET, NLM_F_DUMP);
}

static void c_timeouts_missing(struct req *r)
{
	ilb_req(r, ILB_CMD_TIMEOUT_SET, 0);
}

static void c_attr_past_message(struct req *r)
{
	struct nlattr *a;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	put_fixture(r);
	a = put_u32(r, ILB_A_SERVER | NLA_F_NESTED, 0);
	a->nla_len = 64;	/* says 64, the message ends after 8 */
}

static void c_attr_past_nest(struct req *r)
{
	struct nlattr *n, *a;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, FIX_PROTO);
	put_u32(r, ILB_SVC_A_ADDR, htonl(FIX_ADDR));
	a = put_u16(r, ILB_SVC_A_PORT, htons(FIX_PORT));
	nest_end(r, n);
	a->nla_len = 40;	/* runs past the end of its nest */
	put_u32(r, ILB_A_PAD, 0);	/* ... into this */
}

static void c_nest_flag_missing(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	n = nest_start(r, ILB_A_SERVICE);
	put_key(r, FIX_PROTO, FIX_ADDR, FIX_PORT);
	nest_end(r, n);
	n->nla_type &= (uint16_t)~NLA_F_NESTED;
}

static void c_nest_is_scalar(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVICE_GET, 0);
	put_u32(r, ILB_A_SERVICE | NLA_F_NESTED, htonl(FIX_ADDR));
}

static void c_cmd_max_plus_1(struct req *r)
{
	ilb_req(r, ILB_CMD_MAX + 1, 0);
	put_fixture(r);
}

static void c_cmd_255(struct req *r)
{
	ilb_req(r, 255, 0);
}

static void c_cmd_unspec(struct req *r)
{
	ilb_req(r, ILB_CMD_UNSPEC, 0);
}

static void c_genl_hdr_short(struct req *r)
{
	ilb_req(r, ILB_CMD_STATS_GET, 0);
	r->len = NLMSG_HDRLEN + 2;
	r->u.nlh.nlmsg_len = (uint32_t)r->len;
}

static void c_server_missing_service(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_SERVER_NEW, 0);
	put_svc(r, IPPROTO_TCP, MISSING_ADDR, FIX_PORT);
	n = nest_start(r, ILB_A_SERVER);
	put_u32(r, ILB_SRV_A_ADDR, htonl(SRV_ADDR));
	put_u16(r, ILB_SRV_A_PORT, htons(80));
	nest_end(r, n);
}

static void c_server_dump_missing_service(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVER_GET, NLM_F_DUMP);
	put_svc(r, IPPROTO_TCP, MISSING_ADDR, FIX_PORT);
}

static void c_del_missing_service(struct req *r)
{
	ilb_req(r, ILB_CMD_SERVICE_DEL, 0);
	put_svc(r, IPPROTO_TCP, MISSING_ADDR, FIX_PORT);
}

static void c_set_missing_service(struct req *r)
{
	svc_new_u8(r, IPPROTO_TCP, MISSING_ADDR, FIX_PORT, ILB_SVC_A_SCHED,
		   ILB_SCHED_WRR);
	((struct genlmsghdr *)NLMSG_DATA(&r->u.nlh))->cmd = ILB_CMD_SERVICE_SET;
}

static void c_del_missing_server(struct req *r)
{
	srv_new(r, 9, 0, 0, 0);
	((struct genlmsghdr *)NLMSG_DATA(&r->u.nlh))->cmd = ILB_CMD_SERVER_DEL;
}

static void c_service_twice(struct req *r)
{
	svc_new_u8(r, FIX_PROTO, FIX_ADDR, FIX_PORT, 0, 0);
}

static void timeout_set(struct req *r, uint16_t type, uint32_t v)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_TIMEOUT_SET, 0);
	n = nest_start(r, ILB_A_TIMEOUTS);
	put_u32(r, type, v);
	nest_end(r, n);
}

static void c_timeout_tcp_0(struct req *r)
{
	timeout_set(r, ILB_TIMEOUT_A_TCP, 0);
}

static void c_timeout_udp_max(struct req *r)
{
	timeout_set(r, ILB_TIMEOUT_A_UDP, ILB_TIMEOUT_MAX + 1);
}

static void c_timeout_fin_huge(struct req *r)
{
	timeout_set(r, ILB_TIMEOUT_A_TCP_FIN, UINT32_MAX);
}

static void c_conn_filter_short_addr(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_CONN_GET, NLM_F_DUMP);
	n = nest_start(r, ILB_A_SERVICE);
	put_u8(r, ILB_SVC_A_PROTO, FIX_PROTO);
	put_u16(r, ILB_SVC_A_ADDR, 0x00c0);
	put_u16(r, ILB_SVC_A_PORT, htons(FIX_PORT));
	nest_end(r, n);
}

/* --- cluster --------------------------------------------------------- */

/* A join with everything valid but what @bad changes. */
static void cl_join(struct req *r, int bad)
{
	struct nlattr *n, *p;

	ilb_req(r, ILB_CMD_CLUSTER_JOIN, 0);
	n = nest_start(r, ILB_A_CLUSTER);
	if (bad != 1)
		put_u32(r, ILB_CL_A_ADDR, htonl(0xc0000201));	/* 192.0.2.1 */
	put_u32(r, ILB_CL_A_IFINDEX, 1);
	put_u32(r, ILB_CL_A_ID, bad == 2 ? 0 : 7);
	put_u32(r, ILB_CL_A_WEIGHT, bad == 3 ? ILB_MEMBER_WEIGHT_MAX + 1 : 1);
	put_u32(r, ILB_CL_A_HELLO_MS, bad == 4 ? ILB_HELLO_MS_MIN - 1 : 100);
	put_u32(r, ILB_CL_A_DEAD_MS, bad == 5 ? 100 : 300);
	put_u16(r, ILB_CL_A_PORT, bad == 6 ? 0 : htons(7219));
	if (bad == 7)
		put_u32(r, ILB_CL_A_EPOCH, 1);
	if (bad == 8) {
		p = nest_start(r, ILB_CL_A_PEERS);
		put_u32(r, ILB_CL_A_ID, 3);
		nest_end(r, p);
	}
	if (bad == 9)
		put_u8(r, ILB_CL_A_SCORE, __ILB_SCORE_MAX);
	if (bad == 10)
		put_u8(r, ILB_CL_A_SYNC, __ILB_SYNC_MAX);
	/* a valid join has a key or says insecure: 11 has neither */
	if (bad == 12 || bad == 13 || bad == 14) {
		uint8_t key[ILB_CLUSTER_KEY_LEN + 1] = { 1 };

		put(r, ILB_CL_A_KEY, key, bad == 13 ? ILB_CLUSTER_KEY_LEN - 1 :
					  ILB_CLUSTER_KEY_LEN);
		if (bad == 14)	/* a key file name without its NUL */
			put(r, ILB_CL_A_KEY_FILE, "/etc/ilb/k", 10);
	}
	if (bad != 11 && bad != 13 && bad != 14)
		put(r, ILB_CL_A_INSECURE, NULL, 0);
	if (bad == 15)
		put_u8(r, ILB_CL_A_KEY_STATE, ILB_KEY_STABLE);
	if (bad == 16)
		put_u32(r, ILB_CL_A_MAX_WEIGHT, ILB_MEMBER_WEIGHT_MAX + 1);
	if (bad == 17)
		put_u32(r, ILB_CL_A_MAX_WEIGHT, 0);	/* below weight 1 */
	nest_end(r, n);
}

static void c_join_no_addr(struct req *r) { cl_join(r, 1); }
static void c_join_id_0(struct req *r) { cl_join(r, 2); }
static void c_join_weight(struct req *r) { cl_join(r, 3); }
static void c_join_hello(struct req *r) { cl_join(r, 4); }
static void c_join_dead(struct req *r) { cl_join(r, 5); }
static void c_join_port_0(struct req *r) { cl_join(r, 6); }
static void c_join_epoch(struct req *r) { cl_join(r, 7); }
static void c_join_peers_id(struct req *r) { cl_join(r, 8); }
static void c_join_score(struct req *r) { cl_join(r, 9); }
static void c_join_sync(struct req *r) { cl_join(r, 10); }
static void c_join_not_local(struct req *r) { cl_join(r, 0); }
static void c_join_no_key(struct req *r) { cl_join(r, 11); }
static void c_join_key_insecure(struct req *r) { cl_join(r, 12); }
static void c_join_key_31(struct req *r) { cl_join(r, 13); }
static void c_join_key_file_nul(struct req *r) { cl_join(r, 14); }
static void c_join_key_state(struct req *r) { cl_join(r, 15); }
static void c_join_max_weight(struct req *r) { cl_join(r, 16); }
static void c_join_above_max(struct req *r) { cl_join(r, 17); }

static void c_cluster_set_id(struct req *r)
{
	struct nlattr *n;

	ilb_req(r, ILB_CMD_CLUSTER_SET, 0);
	n = nest_start(r, ILB_A_CLUSTER);
	put_u32(r, ILB_CL_A_ID, 9);
	nest_end(r, n);
}

static void c_cluster_leave(struct req *r)
{
	ilb_req(r, ILB_CMD_CLUSTER_LEAVE, 0);
}

#define TEST_NET(x)	(0xc0000200U | (x))

#define CASE(n, f, x)	{ .name = n, .build = f, .expect = x }
#define CASE_UNDO(n, f, x, p, a, port) \
	{ .name = n, .build = f, .expect = x, .undo_proto = p, \
	  .undo_addr = a, .undo_port = port }

static const struct tcase cases[] = {
	CASE("unknown top-level attribute", c_unknown_top, X_INVAL),
	CASE("top-level attribute of type 0", c_unspec_top, X_INVAL),
	CASE("unknown service attribute", c_unknown_svc_attr, X_INVAL),
	CASE("unknown server attribute", c_unknown_srv_attr, X_INVAL),
	CASE("unknown timeout attribute", c_unknown_timeout_attr, X_INVAL),
	CASE("2-byte service ADDR", c_short_addr, X_INVAL),
	CASE("4-byte service PORT", c_long_port, X_INVAL),
	CASE("2-byte service PROTO", c_long_proto, X_INVAL),
	CASE("1-byte server WEIGHT", c_short_weight, X_INVAL),
	CASE_UNDO("service sched 99", c_sched_99, X_INVAL,
		  IPPROTO_TCP, TEST_NET(10), 80),
	CASE_UNDO("service fwd 9", c_svc_fwd_9, X_INVAL,
		  IPPROTO_TCP, TEST_NET(11), 80),
	CASE_UNDO("service proto 1 (ICMP)", c_proto_1, X_INVAL,
		  IPPROTO_ICMP, TEST_NET(12), 80),
	CASE_UNDO("service port 0", c_svc_port_0, X_INVAL,
		  IPPROTO_TCP, TEST_NET(13), 0),
	CASE("server weight 70000", c_weight_70000, X_INVAL),
	CASE("server fwd 9", c_srv_fwd_9, X_INVAL),
	CASE("server state 7", c_srv_state_7, X_INVAL),
	CASE("server port 0", c_srv_port_0, X_INVAL),
	CASE("service new without ILB_A_SERVICE", c_no_service, X_INVAL),
	CASE("service key without ADDR", c_key_no_addr, X_INVAL),
	CASE("service key without PROTO", c_key_no_proto, X_INVAL),
	CASE("service key without PORT", c_key_no_port, X_INVAL),
	CASE("server new without ILB_A_SERVER", c_no_server, X_INVAL),
	CASE("server without ADDR", c_server_no_addr, X_INVAL),
	CASE("server dump without a service key",
	     c_server_dump_no_key, X_INVAL),
	CASE("timeout set without ILB_A_TIMEOUTS", c_timeouts_missing, X_INVAL),
	CASE("nla_len beyond the message", c_attr_past_message, X_INVAL),
	CASE("nla_len beyond its nest", c_attr_past_nest, X_INVAL),
	CASE("ILB_A_SERVICE without NLA_F_NESTED",
	     c_nest_flag_missing, X_INVAL),
	CASE("ILB_A_SERVICE holding a u32", c_nest_is_scalar, X_INVAL),
	CASE("unknown command ILB_CMD_MAX + 1", c_cmd_max_plus_1, X_NOTSUP),
	CASE("unknown command 255", c_cmd_255, X_NOTSUP),
	CASE("command ILB_CMD_UNSPEC", c_cmd_unspec, X_NOTSUP),
	CASE("genetlink header cut short", c_genl_hdr_short, X_INVAL),
	CASE("server for a missing service", c_server_missing_service, X_NOENT),
	CASE("server dump of a missing service",
	     c_server_dump_missing_service, X_NOENT),
	CASE("delete a missing service", c_del_missing_service, X_NOENT),
	CASE("set a missing service", c_set_missing_service, X_NOENT),
	CASE("delete a missing server", c_del_missing_server, X_NOENT),
	CASE("add an existing service", c_service_twice, X_EXIST),
	CASE("timeout tcp 0", c_timeout_tcp_0, X_INVAL),
	CASE("service persist ILB_PERSIST_MAX + 1", c_persist_max, X_INVAL),
	CASE("2-byte service PERSIST", c_persist_short, X_INVAL),
	CASE("service netmask /0", c_netmask_0, X_INVAL),
	CASE("service netmask /33", c_netmask_33, X_INVAL),
	CASE("service persistence group 0", c_group_0, X_INVAL),
	CASE("persist dump of a missing service", c_persist_dump_missing,
	     X_NOENT),
	CASE("persist flush of a missing service", c_persist_flush_missing,
	     X_NOENT),
	CASE("ILB_A_PERSIST in a request", c_persist_attr_in_request, X_INVAL),
	CASE("timeout udp ILB_TIMEOUT_MAX + 1", c_timeout_udp_max, X_INVAL),
	CASE("timeout tcpfin 4294967295", c_timeout_fin_huge, X_INVAL),
	CASE("conn dump filter with a 2-byte ADDR",
	     c_conn_filter_short_addr, X_INVAL),
	CASE("cluster join without ADDR", c_join_no_addr, X_INVAL),
	CASE("cluster join id 0", c_join_id_0, X_INVAL),
	CASE("cluster join weight 65536", c_join_weight, X_INVAL),
	CASE("cluster join hello-ms 9", c_join_hello, X_INVAL),
	CASE("cluster join dead-ms = hello-ms", c_join_dead, X_INVAL),
	CASE("cluster join port 0", c_join_port_0, X_INVAL),
	CASE("cluster join with reply-only EPOCH", c_join_epoch, X_INVAL),
	CASE("cluster join PEERS holding an ID", c_join_peers_id, X_INVAL),
	CASE("cluster join score 2", c_join_score, X_INVAL),
	CASE("cluster join sync 2", c_join_sync, X_INVAL),
	CASE("cluster join addr not of this node", c_join_not_local, X_INVAL),
	CASE("cluster join with neither KEY nor INSECURE", c_join_no_key,
	     X_INVAL),
	CASE("cluster join with KEY and INSECURE", c_join_key_insecure, X_INVAL),
	CASE("cluster join with a 31-byte KEY", c_join_key_31, X_INVAL),
	CASE("cluster join KEY_FILE without NUL", c_join_key_file_nul, X_INVAL),
	CASE("cluster join with reply-only KEY_STATE", c_join_key_state,
	     X_INVAL),
	CASE("cluster join max-weight 65536", c_join_max_weight, X_INVAL),
	CASE("cluster join weight above max-weight", c_join_above_max,
	     X_INVAL),
	CASE("cluster set ID", c_cluster_set_id, X_NOTSUP),
	CASE("cluster leave, not joined", c_cluster_leave, X_NOENT),
};

static bool expected(unsigned int expect, int err)
{
	switch (err) {
	case EINVAL:
	case ERANGE:
	case EADDRNOTAVAIL:
		return expect & X_INVAL;
	case ENOENT:
		return expect & X_NOENT;
	case EOPNOTSUPP:
		return expect & X_NOTSUP;
	case EEXIST:
		return expect & X_EXIST;
	}
	return false;
}

static const char *errno_name(int err, char *buf, size_t len)
{
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, len, "errno %d", err);	/* e.g. kernel-only ENOTSUPP */
	return buf;
}

static int svc_request(uint8_t cmd, uint8_t proto, uint32_t addr,
		       uint16_t port, struct answer *a)
{
	struct req r;

	ilb_req(&r, cmd, 0);
	put_svc(&r, proto, addr, port);
	transact(&r, NULL, NULL, a);
	return a->answered ? a->error : -ETIMEDOUT;
}

/*
 * -f N: add services tcp 10.0.0.1:80, 10.0.0.2:80 ... over one socket until
 * N are added or the kernel refuses one (a limit, a memory cgroup's cap);
 * no memory of its own grows meanwhile. Exit 0 if all N were added.
 */
static int fill(unsigned long n)
{
	struct answer a;
	unsigned long i;
	int err = 0;

	/* under a memory cgroup's cap, the kernel's charges must hit it, not
	 * a fault of this program's own pages back in after their reclaim
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		printf("# mlockall: %s\n", strerror(errno));
	for (i = 0; i < n; i++) {
		err = svc_request(ILB_CMD_SERVICE_NEW, IPPROTO_TCP,
				  0x0a000001U + (uint32_t)i, 80, &a);
		if (err)
			break;
	}
	printf("fill: added %lu of %lu services", i, n);
	if (i < n)
		printf("; then %s (errno %d)%s%s",
		       a.answered ? strerror(-err) : a.why, -err,
		       a.msg[0] ? ": " : "", a.msg);
	printf("\n");
	return i < n ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nlbad [-q] | nlbad -f N\n"
		"  Sends malformed requests to the \"%s\" generic netlink family;\n"
		"  exits 0 if all are rejected, 1 if not, 2 if it cannot run.\n"
		"  -q  print only failures\n"
		"  -f N  add N services instead, stopping at the first refusal\n",
		ILB_GENL_NAME);
}

int main(int argc, char **argv)
{
	const size_t ncases = sizeof(cases) / sizeof(cases[0]);
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	bool own_fixture, accepted[sizeof(cases) / sizeof(cases[0])];
	unsigned int failed = 0;
	char ebuf[32];
	struct answer a;
	struct req r;
	unsigned long nfill = 0;
	int opt, one = 1, err;
	size_t i;

	while ((opt = getopt(argc, argv, "qf:h")) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'f':
			nfill = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0) {
		printf("Bail out! netlink socket: %s\n", strerror(errno));
		return 2;
	}
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (nfill) {
		if (resolve_family())
			return 2;
		return fill(nfill);
	}
	if (!quiet)
		printf("1..%zu\n", ncases);
	if (resolve_family())
		return 2;

	err = svc_request(ILB_CMD_SERVICE_NEW, FIX_PROTO, FIX_ADDR, FIX_PORT,
			  &a);
	if (err && err != -EEXIST) {
		printf("Bail out! fixture service tcp 192.0.2.1:%u: %s%s%s\n",
		       FIX_PORT, a.answered ? strerror(-err) : a.why,
		       a.msg[0] ? ": " : "", a.msg);
		return 2;
	}
	own_fixture = !err;

	for (i = 0; i < ncases; i++) {
		cases[i].build(&r);
		transact(&r, NULL, NULL, &a);
		accepted[i] = a.answered && a.error >= 0;
		if (!a.answered) {
			printf("not ok %zu - %s: %s\n", i + 1, cases[i].name,
			       a.why ? a.why : "no answer");
			failed++;
		} else if (a.error >= 0) {
			printf("not ok %zu - %s: accepted\n", i + 1,
			       cases[i].name);
			failed++;
		} else if (!quiet) {
			printf("ok %zu - %s: %s", i + 1, cases[i].name,
			       errno_name(-a.error, ebuf, sizeof(ebuf)));
			if (a.msg[0])
				printf(" \"%s\"", a.msg);
			putchar('\n');
			if (!expected(cases[i].expect, -a.error))
				printf("# note: %s gave %s, expected %s\n",
				       cases[i].name,
				       errno_name(-a.error, ebuf, sizeof(ebuf)),
				       cases[i].expect & X_NOENT ? "ENOENT" :
				       cases[i].expect & X_NOTSUP ?
				       "EOPNOTSUPP" :
				       cases[i].expect & X_EXIST ? "EEXIST" :
				       "EINVAL or ERANGE");
		}
	}

	/* Clean up what wrong acceptances created, then the fixture. */
	for (i = 0; i < ncases; i++)
		if (accepted[i] && cases[i].undo_addr)
			svc_request(ILB_CMD_SERVICE_DEL, cases[i].undo_proto,
				    cases[i].undo_addr, cases[i].undo_port, &a);
	if (own_fixture &&
	    svc_request(ILB_CMD_SERVICE_DEL, FIX_PROTO, FIX_ADDR, FIX_PORT,
			&a) && !quiet)
		printf("# could not delete the fixture service: %s\n",
		       a.answered ? strerror(-a.error) : a.why);
	if (!quiet)
		printf("# %zu rejected, %u not\n", ncases - failed, failed);
	close(nl_fd);
	return failed ? 1 : 0;
}
