// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: generic netlink requests over one libnl socket.
 *
 * Errors: the kernel's errno comes in NLMSG_ERROR (or, for a dump that fails
 * after it started, in NLMSG_DONE). With NETLINK_EXT_ACK set, both carry
 * NLMSGERR_ATTR_* TLVs (flag NLM_F_ACK_TLVS); in NLMSG_ERROR they follow
 * struct nlmsgerr and, unless NLM_F_CAPPED, a copy of the request's payload.
 * libnl 3.7 has no nl_socket_set_ext_ack(), so the socket options are set on
 * its file descriptor.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "out.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const struct nla_policy top_policy[ILB_A_MAX + 1] = {
	[ILB_A_SERVICE] = { .type = NLA_NESTED },
	[ILB_A_SERVER] = { .type = NLA_NESTED },
	[ILB_A_CONN] = { .type = NLA_NESTED },
	[ILB_A_STATS] = { .type = NLA_NESTED },
	[ILB_A_TIMEOUTS] = { .type = NLA_NESTED },
	[ILB_A_CLUSTER] = { .type = NLA_NESTED },
};

int ilbadm_nl_open(struct ilbadm_nl *nl, struct ilbadm_nlerr *e)
{
	int one = 1, fd, r;

	memset(e, 0, sizeof(*e));
	e->miss_type = -1;
	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		e->err = ENOMEM;
		return -1;
	}
	r = nl_connect(nl->sk, NETLINK_GENERIC);
	if (r < 0)
		goto fail;
	fd = nl_socket_get_fd(nl->sk);
	/* Best effort: older kernels only lose the extra detail. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Dump messages may exceed a page: peek at each one's size first. */
	nl_socket_enable_msg_peek(nl->sk);
	r = genl_ctrl_resolve(nl->sk, ILB_GENL_NAME);
	if (r < 0)
		goto fail;
	nl->family = r;
	return 0;
fail:
	e->nlerr = -r;
	e->no_family = r == -NLE_OBJ_NOTFOUND;
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void ilbadm_nl_close(struct ilbadm_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *ilbadm_nl_msg(struct ilbadm_nl *nl, uint8_t cmd, bool dump)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		return NULL;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, ILB_GENL_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

void ilbadm_nl_msg_free(struct nl_msg *m)
{
	struct nlmsghdr *nlh;

	if (!m)
		return;
	nlh = nlmsg_hdr(m);
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(m);
}

struct nlattr *ilbadm_nl_put_svc_key(struct nl_msg *m,
				     const struct ilbadm_svc_key *k)
{
	struct nlattr *n = nla_nest_start(m, ILB_A_SERVICE | NLA_F_NESTED);

	if (!n || nla_put_u8(m, ILB_SVC_A_PROTO, k->proto) ||
	    nla_put_u32(m, ILB_SVC_A_ADDR, k->addr) ||
	    nla_put_u16(m, ILB_SVC_A_PORT, htons(k->port)))
		return NULL;
	return n;
}

struct run_ctx {
	ilbadm_nl_handler h;
	void *arg;
	struct ilbadm_nlerr *e;
	bool done;
	bool intr;
};

/* Extended ACK TLVs at tlv, len bytes (len may be <= 0). */
static void parse_extack(struct ilbadm_nlerr *e, void *tlv, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *a;
	size_t n;

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, tlv, len, NULL) < 0)
		return;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0) {
		n = strnlen(nla_data(a), (size_t)nla_len(a));
		if (n >= sizeof(e->msg))
			n = sizeof(e->msg) - 1;
		memcpy(e->msg, nla_data(a), n);
		e->msg[n] = '\0';
	}
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && nla_len(a) >= 4)
		e->miss_type = (int)nla_get_u32(a);
}

static void set_kernel_err(struct ilbadm_nlerr *e, int error)
{
	e->err = error < 0 ? -error : error;
	e->kernel = true;
	e->msg[0] = '\0';
	e->miss_type = -1;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct run_ctx *c = arg;
	int off = (int)sizeof(*err);

	(void)who;
	set_kernel_err(c->e, err->error);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    err->msg.nlmsg_len > NLMSG_HDRLEN)
			off += NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN);
		parse_extack(c->e, (char *)err + off,
			     (int)nlh->nlmsg_len - NLMSG_HDRLEN - off);
	}
	c->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct run_ctx *c = arg;

	(void)msg;
	c->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: an int with the dump's result, then extack TLVs. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct run_ctx *c = arg;
	int *error = nlmsg_data(nlh);
	int off = NLMSG_ALIGN(sizeof(int));

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) && *error < 0) {
		set_kernel_err(c->e, *error);
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			parse_extack(c->e, (char *)error + off,
				     (int)nlh->nlmsg_len - NLMSG_HDRLEN - off);
	}
	c->done = true;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct run_ctx *c = arg;

	(void)msg;
	c->intr = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ILB_A_MAX + 1];
	struct run_ctx *c = arg;
	int r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ILB_A_MAX, top_policy) < 0) {
		r = -EPROTO;
	} else {
		r = c->h ? c->h(tb, c->arg) : 0;
	}
	if (r < 0 && !c->e->err)
		c->e->err = -r;
	return NL_OK;
}

int ilbadm_nl_run(struct ilbadm_nl *nl, struct nl_msg *m,
		  ilbadm_nl_handler h, void *arg, struct ilbadm_nlerr *e)
{
	struct run_ctx c = { .h = h, .arg = arg, .e = e };
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct nl_cb *cb;
	int r;

	memset(e, 0, sizeof(*e));
	e->miss_type = -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		ilbadm_nl_msg_free(m);
		e->err = ENOMEM;
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &c);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &c);

	/* A "do" request is acknowledged; a dump ends with NLMSG_DONE and
	 * gets no ACK, so do not ask for one (each request must end with
	 * exactly one ACK, error or DONE to keep libnl's sequence check).
	 */
	nl_complete_msg(nl->sk, m);
	if (nlh->nlmsg_flags & NLM_F_DUMP)
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	r = nl_send(nl->sk, m);
	ilbadm_nl_msg_free(m);
	if (r < 0) {
		e->nlerr = -r;
		nl_cb_put(cb);
		return -1;
	}
	while (!c.done) {
		r = nl_recvmsgs(nl->sk, cb);
		if (r < 0) {
			if (!e->kernel)
				e->nlerr = -r;
			break;
		}
	}
	nl_cb_put(cb);
	if (c.intr && !e->kernel && !e->nlerr)
		e->nlerr = NLE_DUMP_INTR;
	return e->err || e->nlerr ? -1 : 0;
}

static const char *errno_text(int err, enum ilbadm_what what)
{
	switch (err) {
	case ENOENT:
		if (what == ILBADM_WHAT_SERVICE)
			return "no such service";
		if (what == ILBADM_WHAT_SERVER)
			return "no such server";
		if (what == ILBADM_WHAT_CLUSTER)
			return "not in a cluster";
		break;
	case EEXIST:
		return "already exists";
	case EPERM:
	case EACCES:
		return "permission denied (needs CAP_NET_ADMIN)";
	case EOPNOTSUPP:
		return "not supported by this ilb module";
	}
	return strerror(err);
}

void ilbadm_nl_perror(const char *ctx, enum ilbadm_what what,
		      const struct ilbadm_nlerr *e)
{
	const char *text;
	char buf[64];

	if (e->no_family) {
		fprintf(stderr,
			"ilbadm: %silb module not loaded (no generic netlink family \"%s\")\n",
			ilbadm_err_prefix, ILB_GENL_NAME);
		return;
	}
	if (e->kernel || e->err) {
		text = e->kernel ? errno_text(e->err, what) :
		       e->err == EPROTO ? "malformed reply from the kernel" :
		       strerror(e->err);
	} else if (e->nlerr == NLE_DUMP_INTR) {
		text = "the table changed during the dump, try again";
	} else {
		snprintf(buf, sizeof(buf), "netlink: %s", nl_geterror(e->nlerr));
		text = buf;
	}
	fprintf(stderr, "ilbadm: %s%s%s%s", ilbadm_err_prefix,
		ctx ? ctx : "", ctx ? ": " : "", text);
	/* The kernel's own words, unless they only repeat ours. */
	if (e->msg[0] && strcasecmp(e->msg, text))
		fprintf(stderr, " (%s)", e->msg);
	else if (e->kernel && e->miss_type >= 0)
		fprintf(stderr, " (missing attribute %d)", e->miss_type);
	fputc('\n', stderr);
}
