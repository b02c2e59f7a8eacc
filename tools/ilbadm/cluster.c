// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm cluster join|leave|set|show|genkey: this node's cluster membership.
 *
 * The interface of "join" is named on the command line and resolved to its
 * index here, when the command runs (restore parses every line first); so
 * is its key file read, here, and the key wiped once it is in the request.
 *
 * Attributes newer than the first cluster module (keys, incarnations, max
 * weight) are optional in replies: an older module works, without them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/stat.h>

#include <netlink/genl/genl.h>

#include "ilbadm.h"

static const struct nla_policy cl_policy[ILB_CL_A_MAX + 1] = {
	[ILB_CL_A_ID] = { .type = NLA_U32 },
	[ILB_CL_A_ADDR] = { .type = NLA_U32 },
	[ILB_CL_A_IFINDEX] = { .type = NLA_U32 },
	[ILB_CL_A_WEIGHT] = { .type = NLA_U32 },
	[ILB_CL_A_SCORE] = { .type = NLA_U8 },
	[ILB_CL_A_HELLO_MS] = { .type = NLA_U32 },
	[ILB_CL_A_DEAD_MS] = { .type = NLA_U32 },
	[ILB_CL_A_PORT] = { .type = NLA_U16 },
	[ILB_CL_A_PEERS] = { .type = NLA_NESTED },
	[ILB_CL_A_PEER] = { .type = NLA_U32 },
	[ILB_CL_A_CLUSTER] = { .type = NLA_U32 },
	[ILB_CL_A_SYNC] = { .type = NLA_U8 },
	[ILB_CL_A_CACHE] = { .type = NLA_U32 },
	[ILB_CL_A_EPOCH] = { .type = NLA_U32 },
	[ILB_CL_A_MEMBERS] = { .type = NLA_NESTED },
	[ILB_CL_A_MEMBER] = { .type = NLA_NESTED },
	[ILB_CL_A_STATS] = { .type = NLA_NESTED },
	[ILB_CL_A_GROUP] = { .type = NLA_U32 },
	[ILB_CL_A_VIEW_AGE_MS] = { .type = NLA_U32 },
	/* ILB_CL_A_KEY_FILE: a string, checked by hand (key_file_get()). */
	[ILB_CL_A_KEY_ID] = { .type = NLA_U8 },
	[ILB_CL_A_KEY_NEXT_ID] = { .type = NLA_U8 },
	[ILB_CL_A_KEY_STATE] = { .type = NLA_U8 },
	[ILB_CL_A_MAX_WEIGHT] = { .type = NLA_U32 },
	[ILB_CL_A_INCARNATION] = { .type = NLA_U32 },
};

/* The configuration: what save prints, so the reply must have it all. */
static const int cl_required[] = {
	ILB_CL_A_ID, ILB_CL_A_ADDR, ILB_CL_A_IFINDEX, ILB_CL_A_WEIGHT,
	ILB_CL_A_SCORE, ILB_CL_A_HELLO_MS, ILB_CL_A_DEAD_MS, ILB_CL_A_PORT,
	ILB_CL_A_CLUSTER, ILB_CL_A_SYNC, ILB_CL_A_CACHE,
};

static const struct nla_policy mbr_policy[ILB_MBR_A_MAX + 1] = {
	[ILB_MBR_A_ID] = { .type = NLA_U32 },
	[ILB_MBR_A_ADDR] = { .type = NLA_U32 },
	[ILB_MBR_A_WEIGHT] = { .type = NLA_U32 },
	[ILB_MBR_A_STATE] = { .type = NLA_U8 },
	[ILB_MBR_A_HEARD_MS] = { .type = NLA_U32 },
	[ILB_MBR_A_OWNED] = { .type = NLA_U32 },
	[ILB_MBR_A_EPOCH] = { .type = NLA_U32 },
	[ILB_MBR_A_INCARNATION] = { .type = NLA_U32 },
	[ILB_MBR_A_KEY_ID] = { .type = NLA_U8 },
};

/* Output names, in output order; also the JSON keys. */
static const char *const cls_names[ILB_CLS_A_MAX + 1] = {
	[ILB_CLS_A_HELLO_TX] = "hello_tx",
	[ILB_CLS_A_HELLO_RX] = "hello_rx",
	[ILB_CLS_A_SYNC_TX] = "sync_tx",
	[ILB_CLS_A_SYNC_TX_BYTES] = "sync_tx_bytes",
	[ILB_CLS_A_SYNC_RX] = "sync_rx",
	[ILB_CLS_A_RECS_TX] = "recs_tx",
	[ILB_CLS_A_RECS_RX] = "recs_rx",
	[ILB_CLS_A_ACK_TX] = "ack_tx",
	[ILB_CLS_A_ACK_RX] = "ack_rx",
	[ILB_CLS_A_RETRANS] = "retrans",
	[ILB_CLS_A_SYNC_DROP] = "sync_drop",
	[ILB_CLS_A_FWD_TX] = "fwd_tx",
	[ILB_CLS_A_FWD_RX] = "fwd_rx",
	[ILB_CLS_A_FWD_LOOP] = "fwd_loop",
	[ILB_CLS_A_FWD_ADOPT] = "fwd_adopt",
	[ILB_CLS_A_DIRECT] = "direct",
	[ILB_CLS_A_BAD_MSG] = "bad_msg",
	[ILB_CLS_A_FOREIGN] = "foreign",
	[ILB_CLS_A_VIEW_CHANGES] = "view_changes",
	[ILB_CLS_A_PROMOTED] = "promoted",
	[ILB_CLS_A_TRANSFERRED] = "transferred",
	[ILB_CLS_A_CACHE_EVICT] = "cache_evict",
	[ILB_CLS_A_EPOCH_MISMATCH] = "epoch_mismatch",
	[ILB_CLS_A_CTRL_TX_BYTES] = "ctrl_tx_bytes",
	[ILB_CLS_A_MAC_FAIL] = "mac_fail",
	[ILB_CLS_A_REPLAY] = "replay",
	[ILB_CLS_A_STALE_INCARNATION] = "stale_incarnation",
	[ILB_CLS_A_UNKNOWN_KEY] = "unknown_key",
	[ILB_CLS_A_NOT_FOR_US] = "not_for_us",
	[ILB_CLS_A_TTL] = "ttl",
	[ILB_CLS_A_REC_UNKNOWN] = "rec_unknown",
	[ILB_CLS_A_SESSION_RESET] = "session_reset",
	[ILB_CLS_A_KEY_SWITCH] = "key_switch",
	[ILB_CLS_A_RECLAIMED] = "reclaimed",
};

void ilbadm_cluster_free(struct ilbadm_cluster *cl)
{
	free(cl->mbr);
	memset(cl, 0, sizeof(*cl));
}

static int addr_cmp(const void *x, const void *y)
{
	uint32_t a = ntohl(*(const uint32_t *)x), b = ntohl(*(const uint32_t *)y);

	return a < b ? -1 : a > b;
}

static int mbr_cmp(const void *x, const void *y)
{
	const struct ilbadm_member *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* ILB_CL_A_PEERS: ILB_CL_A_PEER addresses, sorted. */
static int peers_parse(struct nlattr *nest, struct ilbadm_cluster *cl)
{
	struct nlattr *p;
	int rem;

	nla_for_each_nested(p, nest, rem) {
		if (nla_type(p) != ILB_CL_A_PEER)
			continue;
		if (nla_len(p) < (int)sizeof(uint32_t) ||
		    cl->npeers >= ILB_CLUSTER_MAX_PEERS)
			return -EPROTO;
		cl->peers[cl->npeers++] = nla_get_u32(p);
	}
	qsort(cl->peers, cl->npeers, sizeof(cl->peers[0]), addr_cmp);
	return 0;
}

/* ILB_CL_A_MEMBERS: ILB_CL_A_MEMBER nests, sorted by ID. */
static int members_parse(struct nlattr *nest, struct ilbadm_cluster *cl)
{
	struct nlattr *a[ILB_MBR_A_MAX + 1];
	struct ilbadm_member *m, *v;
	struct nlattr *p;
	int rem;

	nla_for_each_nested(p, nest, rem) {
		if (nla_type(p) != ILB_CL_A_MEMBER)
			continue;
		if (nla_parse_nested(a, ILB_MBR_A_MAX, p, mbr_policy) < 0 ||
		    !a[ILB_MBR_A_ID] || !a[ILB_MBR_A_ADDR] ||
		    !a[ILB_MBR_A_STATE])
			return -EPROTO;
		if (cl->nmbr == cl->cap) {
			cl->cap = cl->cap ? 2 * cl->cap : 16;
			v = realloc(cl->mbr, cl->cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			cl->mbr = v;
		}
		m = &cl->mbr[cl->nmbr++];
		m->id = nla_get_u32(a[ILB_MBR_A_ID]);
		m->addr = nla_get_u32(a[ILB_MBR_A_ADDR]);
		m->state = nla_get_u8(a[ILB_MBR_A_STATE]);
		m->weight = a[ILB_MBR_A_WEIGHT] ?
			    nla_get_u32(a[ILB_MBR_A_WEIGHT]) : 1;
		m->heard_ms = a[ILB_MBR_A_HEARD_MS] ?
			      nla_get_u32(a[ILB_MBR_A_HEARD_MS]) : 0;
		m->owned = a[ILB_MBR_A_OWNED] ?
			   nla_get_u32(a[ILB_MBR_A_OWNED]) : 0;
		m->epoch = a[ILB_MBR_A_EPOCH] ?
			   nla_get_u32(a[ILB_MBR_A_EPOCH]) : 0;
		m->has_incarnation = a[ILB_MBR_A_INCARNATION] != NULL;
		m->incarnation = m->has_incarnation ?
				 nla_get_u32(a[ILB_MBR_A_INCARNATION]) : 0;
		m->has_key_id = a[ILB_MBR_A_KEY_ID] != NULL;
		m->key_id = m->has_key_id ?
			    nla_get_u8(a[ILB_MBR_A_KEY_ID]) : 0;
	}
	if (cl->nmbr)
		qsort(cl->mbr, cl->nmbr, sizeof(*cl->mbr), mbr_cmp);
	return 0;
}

/*
 * The counters, each a u64. Not parsed against a policy: a module older
 * than the key counters numbered ILB_CLS_A_PAD as ILB_CLS_A_MAC_FAIL is now,
 * and its pads (empty) must not fail the reply, so what is not 8 bytes is
 * skipped.
 */
static void cls_parse(struct nlattr *nest, struct ilbadm_cluster *cl)
{
	struct nlattr *p;
	int rem, t;

	nla_for_each_nested(p, nest, rem) {
		t = nla_type(p);
		if (t <= ILB_CLS_A_MAX && cls_names[t] &&
		    nla_len(p) == (int)sizeof(uint64_t))
			cl->st[t] = nla_get_u64(p);
	}
}

/* ILB_CL_A_KEY_FILE: a NUL-terminated string shorter than the maximum. */
static int key_file_get(struct nlattr *a, struct ilbadm_cluster *cl)
{
	size_t n = strnlen(nla_data(a), (size_t)nla_len(a));

	if (n >= sizeof(cl->key_file))
		return -EPROTO;
	memcpy(cl->key_file, nla_data(a), n);
	cl->key_file[n] = '\0';
	return 0;
}

/* The one ILB_A_CLUSTER of a CLUSTER_GET reply. */
static int cl_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *a[ILB_CL_A_MAX + 1];
	struct ilbadm_cluster *cl = arg;
	size_t i;
	int r;

	ilbadm_cluster_free(cl);
	if (!tb[ILB_A_CLUSTER] ||
	    nla_parse_nested(a, ILB_CL_A_MAX, tb[ILB_A_CLUSTER],
			     cl_policy) < 0)
		return -EPROTO;
	for (i = 0; i < sizeof(cl_required) / sizeof(cl_required[0]); i++)
		if (!a[cl_required[i]])
			return -EPROTO;
	cl->id = nla_get_u32(a[ILB_CL_A_ID]);
	cl->addr = nla_get_u32(a[ILB_CL_A_ADDR]);
	cl->ifindex = nla_get_u32(a[ILB_CL_A_IFINDEX]);
	cl->weight = nla_get_u32(a[ILB_CL_A_WEIGHT]);
	cl->score = nla_get_u8(a[ILB_CL_A_SCORE]);
	cl->hello_ms = nla_get_u32(a[ILB_CL_A_HELLO_MS]);
	cl->dead_ms = nla_get_u32(a[ILB_CL_A_DEAD_MS]);
	cl->port = ntohs(nla_get_u16(a[ILB_CL_A_PORT]));
	cl->cluster = nla_get_u32(a[ILB_CL_A_CLUSTER]);
	cl->sync = nla_get_u8(a[ILB_CL_A_SYNC]);
	cl->cache = nla_get_u32(a[ILB_CL_A_CACHE]);
	cl->group = a[ILB_CL_A_GROUP] ? nla_get_u32(a[ILB_CL_A_GROUP]) :
					htonl(ILB_CLUSTER_GROUP);
	cl->epoch = a[ILB_CL_A_EPOCH] ? nla_get_u32(a[ILB_CL_A_EPOCH]) : 0;
	cl->view_age_ms = a[ILB_CL_A_VIEW_AGE_MS] ?
			  nla_get_u32(a[ILB_CL_A_VIEW_AGE_MS]) : 0;
	cl->has_incarnation = a[ILB_CL_A_INCARNATION] != NULL;
	cl->incarnation = cl->has_incarnation ?
			  nla_get_u32(a[ILB_CL_A_INCARNATION]) : 0;
	cl->has_max_weight = a[ILB_CL_A_MAX_WEIGHT] != NULL;
	cl->max_weight = cl->has_max_weight ?
			 nla_get_u32(a[ILB_CL_A_MAX_WEIGHT]) : 0;
	cl->has_key_state = a[ILB_CL_A_KEY_STATE] != NULL;
	cl->key_state = cl->has_key_state ?
			nla_get_u8(a[ILB_CL_A_KEY_STATE]) : ILB_KEY_NONE;
	cl->has_key_id = a[ILB_CL_A_KEY_ID] != NULL;
	cl->key_id = cl->has_key_id ? nla_get_u8(a[ILB_CL_A_KEY_ID]) : 0;
	cl->has_key_next_id = a[ILB_CL_A_KEY_NEXT_ID] != NULL;
	cl->key_next_id = cl->has_key_next_id ?
			  nla_get_u8(a[ILB_CL_A_KEY_NEXT_ID]) : 0;
	if (a[ILB_CL_A_KEY_FILE] && key_file_get(a[ILB_CL_A_KEY_FILE], cl))
		return -EPROTO;
	if (a[ILB_CL_A_PEERS] && peers_parse(a[ILB_CL_A_PEERS], cl))
		return -EPROTO;
	if (a[ILB_CL_A_MEMBERS]) {
		r = members_parse(a[ILB_CL_A_MEMBERS], cl);
		if (r)
			return r;
	}
	if (a[ILB_CL_A_STATS])
		cls_parse(a[ILB_CL_A_STATS], cl);
	cl->seen = true;
	return 0;
}

int ilbadm_cluster_get(struct ilbadm_nl *nl, struct ilbadm_cluster *cl,
		       struct ilbadm_nlerr *e)
{
	struct nl_msg *m;

	memset(cl, 0, sizeof(*cl));
	m = ilbadm_nl_msg(nl, ILB_CMD_CLUSTER_GET, false);
	if (!m) {
		memset(e, 0, sizeof(*e));
		e->err = ENOMEM;
		e->miss_type = -1;
		return -1;
	}
	if (ilbadm_nl_run(nl, m, cl_reply, cl, e))
		goto fail;
	if (!cl->seen) {
		e->err = EPROTO;
		goto fail;
	}
	return 0;
fail:
	ilbadm_cluster_free(cl);
	return -1;
}

/* "40ms", "2.31s", "125s" */
static const char *fmt_ms(uint32_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "%ums", ms);
	else if (ms < 100000)
		snprintf(buf, len, "%u.%02us", ms / 1000, ms % 1000 / 10);
	else
		snprintf(buf, len, "%us", ms / 1000);
	return buf;
}

/* The interface's name, or "ifN" if it is gone. */
static const char *dev_name(uint32_t ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

static bool in_view(const struct ilbadm_member *m)
{
	return m->state == ILB_MEMBER_SELF || m->state == ILB_MEMBER_ALIVE;
}

/* Owned connections of the view's members. */
static uint64_t owned_sum(const struct ilbadm_cluster *cl)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < cl->nmbr; i++)
		if (in_view(&cl->mbr[i]))
			sum += cl->mbr[i].owned;
	return sum;
}

/*
 * A member's share of the view's owned connections, in thousandths,
 * rounded; 0 for a member out of the view (its count is its last word).
 */
static unsigned int share_milli(const struct ilbadm_member *m, uint64_t sum)
{
	if (!sum || !in_view(m))
		return 0;
	return (unsigned int)(((uint64_t)m->owned * 1000 + sum / 2) / sum);
}

/* Whether any member's incarnation or key id was reported: two columns. */
static bool mbr_keys(const struct ilbadm_cluster *cl)
{
	size_t i;

	for (i = 0; i < cl->nmbr; i++)
		if (cl->mbr[i].has_incarnation || cl->mbr[i].has_key_id)
			return true;
	return false;
}

/* "  key stable id 0x3a file /etc/ilb/cluster.key", "  key none (...)" */
static void show_key(const struct ilbadm_cluster *cl)
{
	char n[12];

	if (!cl->has_key_state)
		return;
	if (cl->key_state == ILB_KEY_NONE) {
		puts("  key none (insecure: no authentication)");
		return;
	}
	printf("  key %s", ilbadm_name_or_num(
		ilbadm_key_state_name(cl->key_state), cl->key_state, n));
	if (cl->has_key_id)
		printf(" id 0x%02x", cl->key_id);
	if (cl->key_next_id)
		printf(" next 0x%02x", cl->key_next_id);
	if (cl->key_file[0])
		printf(" file %s", cl->key_file);
	putchar('\n');
}

static void show_plain(const struct ilbadm_cluster *cl)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], dev[IF_NAMESIZE];
	char n1[12], n2[12], n3[12], t[32], share[16], mw[24];
	uint64_t sum = owned_sum(cl);
	const struct ilbadm_member *m;
	bool keys = mbr_keys(cl);
	unsigned int s;
	size_t i;

	printf("cluster %u member %u addr %s dev %s port %u group %s",
	       cl->cluster, cl->id, ilbadm_fmt_ipv4(cl->addr, a, sizeof(a)),
	       dev_name(cl->ifindex, dev), cl->port,
	       ilbadm_fmt_ipv4(cl->group, g, sizeof(g)));
	if (cl->has_incarnation)
		printf(" incarnation %u", cl->incarnation);
	putchar('\n');
	mw[0] = '\0';
	if (cl->has_max_weight)
		snprintf(mw, sizeof(mw), " max-weight %u", cl->max_weight);
	printf("  score %s weight %u%s hello %ums dead %ums sync %s cache %u\n",
	       ilbadm_name_or_num(ilbadm_score_name(cl->score), cl->score, n1),
	       cl->weight, mw, cl->hello_ms, cl->dead_ms,
	       ilbadm_name_or_num(ilbadm_sync_name(cl->sync), cl->sync, n2),
	       cl->cache);
	show_key(cl);
	if (cl->npeers) {
		fputs("  peers", stdout);
		for (i = 0; i < cl->npeers; i++)
			printf(" %s", ilbadm_fmt_ipv4(cl->peers[i], a,
						      sizeof(a)));
		putchar('\n');
	}
	printf("  view epoch 0x%08x members %zu changed %s ago\n", cl->epoch,
	       cl->nmbr, fmt_ms(cl->view_age_ms, t, sizeof(t)));
	printf("%-11s %-13s %-6s %-7s %-7s %-7s %-6s ", "ID", "ADDR",
	       "STATE", "WEIGHT", "HEARD", "OWNED", "SHARE");
	if (keys)
		printf("%-10s %-11s %s\n", "EPOCH", "INC", "KEY");
	else
		puts("EPOCH");
	for (i = 0; i < cl->nmbr; i++) {
		m = &cl->mbr[i];
		s = share_milli(m, sum);
		snprintf(share, sizeof(share), "%u.%u%%", s / 10, s % 10);
		snprintf(n1, sizeof(n1), "%u", m->id);
		snprintf(n2, sizeof(n2), "%u", m->weight);
		printf("%-11s %-13s %-6s %-7s ", n1,
		       ilbadm_fmt_ipv4(m->addr, a, sizeof(a)),
		       ilbadm_name_or_num(ilbadm_member_state_name(m->state),
					  m->state, n3), n2);
		snprintf(n2, sizeof(n2), "%u", m->owned);
		printf("%-7s %-7s %-6s 0x%08x",
		       m->state == ILB_MEMBER_SELF ? "-" :
		       fmt_ms(m->heard_ms, t, sizeof(t)), n2, share, m->epoch);
		if (keys) {
			snprintf(n1, sizeof(n1), "%u", m->incarnation);
			snprintf(n2, sizeof(n2), "0x%02x", m->key_id);
			printf(" %-11s %s", m->has_incarnation ? n1 : "-",
			       m->key_id ? n2 : "-");
		}
		putchar('\n');
	}
	if (!ilbadm_opts.stats)
		return;
	for (i = 0; i <= ILB_CLS_A_MAX; i++)
		if (cls_names[i])
			printf("%s %" PRIu64 "\n", cls_names[i], cl->st[i]);
}

static void show_json(const struct ilbadm_cluster *cl)
{
	char a[INET_ADDRSTRLEN], dev[IF_NAMESIZE], n[12];
	uint64_t sum = owned_sum(cl);
	const struct ilbadm_member *m;
	struct ilbadm_json j;
	size_t i;

	ilbadm_json_init(&j, stdout);
	ilbadm_json_obj_open(&j);
	ilbadm_json_kv_uint(&j, "cluster", cl->cluster);
	ilbadm_json_kv_uint(&j, "id", cl->id);
	ilbadm_json_kv_str(&j, "addr", ilbadm_fmt_ipv4(cl->addr, a,
						       sizeof(a)));
	ilbadm_json_kv_str(&j, "dev", dev_name(cl->ifindex, dev));
	ilbadm_json_kv_uint(&j, "ifindex", cl->ifindex);
	ilbadm_json_kv_uint(&j, "port", cl->port);
	ilbadm_json_kv_str(&j, "group", ilbadm_fmt_ipv4(cl->group, a,
							sizeof(a)));
	ilbadm_json_kv_str(&j, "score",
			   ilbadm_name_or_num(ilbadm_score_name(cl->score),
					      cl->score, n));
	ilbadm_json_kv_uint(&j, "weight", cl->weight);
	ilbadm_json_kv_uint(&j, "hello_ms", cl->hello_ms);
	ilbadm_json_kv_uint(&j, "dead_ms", cl->dead_ms);
	ilbadm_json_kv_str(&j, "sync",
			   ilbadm_name_or_num(ilbadm_sync_name(cl->sync),
					      cl->sync, n));
	ilbadm_json_kv_uint(&j, "cache", cl->cache);
	if (cl->has_max_weight)
		ilbadm_json_kv_uint(&j, "max_weight", cl->max_weight);
	if (cl->has_incarnation)
		ilbadm_json_kv_uint(&j, "incarnation", cl->incarnation);
	if (cl->has_key_state)
		ilbadm_json_kv_str(&j, "key_state", ilbadm_name_or_num(
			ilbadm_key_state_name(cl->key_state), cl->key_state,
			n));
	if (cl->has_key_id)
		ilbadm_json_kv_uint(&j, "key_id", cl->key_id);
	if (cl->has_key_next_id)
		ilbadm_json_kv_uint(&j, "key_next_id", cl->key_next_id);
	if (cl->key_file[0])
		ilbadm_json_kv_str(&j, "key_file", cl->key_file);
	ilbadm_json_key(&j, "peers");
	ilbadm_json_arr_open(&j);
	for (i = 0; i < cl->npeers; i++)
		ilbadm_json_str(&j, ilbadm_fmt_ipv4(cl->peers[i], a,
						    sizeof(a)));
	ilbadm_json_arr_close(&j);
	ilbadm_json_kv_uint(&j, "epoch", cl->epoch);
	ilbadm_json_kv_uint(&j, "view_age_ms", cl->view_age_ms);
	ilbadm_json_key(&j, "members");
	ilbadm_json_arr_open(&j);
	for (i = 0; i < cl->nmbr; i++) {
		m = &cl->mbr[i];
		ilbadm_json_obj_open(&j);
		ilbadm_json_kv_uint(&j, "id", m->id);
		ilbadm_json_kv_str(&j, "addr", ilbadm_fmt_ipv4(m->addr, a,
							       sizeof(a)));
		ilbadm_json_kv_str(&j, "state", ilbadm_name_or_num(
			ilbadm_member_state_name(m->state), m->state, n));
		ilbadm_json_kv_uint(&j, "weight", m->weight);
		ilbadm_json_kv_uint(&j, "heard_ms", m->heard_ms);
		ilbadm_json_kv_uint(&j, "owned", m->owned);
		ilbadm_json_kv_milli(&j, "share", share_milli(m, sum));
		ilbadm_json_kv_uint(&j, "epoch", m->epoch);
		if (m->has_incarnation)
			ilbadm_json_kv_uint(&j, "incarnation", m->incarnation);
		if (m->has_key_id)
			ilbadm_json_kv_uint(&j, "key_id", m->key_id);
		ilbadm_json_obj_close(&j);
	}
	ilbadm_json_arr_close(&j);
	ilbadm_json_key(&j, "stats");
	ilbadm_json_obj_open(&j);
	for (i = 0; i <= ILB_CLS_A_MAX; i++)
		if (cls_names[i])
			ilbadm_json_kv_uint(&j, cls_names[i], cl->st[i]);
	ilbadm_json_obj_close(&j);
	ilbadm_json_obj_close(&j);
	ilbadm_json_end(&j);
}

static int show(struct ilbadm_nl *nl)
{
	struct ilbadm_cluster cl;
	struct ilbadm_nlerr e;

	if (ilbadm_cluster_get(nl, &cl, &e)) {
		ilbadm_nl_perror("cluster show", ILBADM_WHAT_CLUSTER, &e);
		return ILBADM_ERR;
	}
	if (ilbadm_opts.json)
		show_json(&cl);
	else
		show_plain(&cl);
	ilbadm_cluster_free(&cl);
	return ILBADM_OK;
}

/*
 * ILB_A_CLUSTER of a JOIN (ifindex resolved) or a SET: what was given; the
 * key (read from its file) and the file's absolute name if c->has_key.
 */
static int put_cluster(struct nl_msg *m, const struct ilbadm_cmd *c,
		       uint32_t ifindex, const uint8_t *key,
		       const char *key_file)
{
	struct nlattr *n, *p;
	unsigned int i;

	n = nla_nest_start(m, ILB_A_CLUSTER | NLA_F_NESTED);
	if (!n || (c->has_cl_id && nla_put_u32(m, ILB_CL_A_ID, c->cl_id)) ||
	    (c->has_cl_addr && nla_put_u32(m, ILB_CL_A_ADDR, c->cl_addr)) ||
	    (ifindex && nla_put_u32(m, ILB_CL_A_IFINDEX, ifindex)) ||
	    (c->has_weight && nla_put_u32(m, ILB_CL_A_WEIGHT, c->weight)) ||
	    (c->has_score && nla_put_u8(m, ILB_CL_A_SCORE, c->score)) ||
	    (c->has_hello_ms &&
	     nla_put_u32(m, ILB_CL_A_HELLO_MS, c->hello_ms)) ||
	    (c->has_dead_ms && nla_put_u32(m, ILB_CL_A_DEAD_MS, c->dead_ms)) ||
	    (c->has_cl_port &&
	     nla_put_u16(m, ILB_CL_A_PORT, htons(c->cl_port))))
		return -1;
	if (c->npeers) {
		p = nla_nest_start(m, ILB_CL_A_PEERS | NLA_F_NESTED);
		if (!p)
			return -1;
		for (i = 0; i < c->npeers; i++)
			if (nla_put_u32(m, ILB_CL_A_PEER, c->peers[i]))
				return -1;
		nla_nest_end(m, p);
	}
	if ((c->has_cluster && nla_put_u32(m, ILB_CL_A_CLUSTER, c->cluster)) ||
	    (c->has_sync && nla_put_u8(m, ILB_CL_A_SYNC, c->sync)) ||
	    (c->has_cache && nla_put_u32(m, ILB_CL_A_CACHE, c->cache)) ||
	    (c->has_max_weight &&
	     nla_put_u32(m, ILB_CL_A_MAX_WEIGHT, c->max_weight)) ||
	    (c->insecure && nla_put_flag(m, ILB_CL_A_INSECURE)))
		return -1;
	if (c->has_key &&
	    (nla_put(m, ILB_CL_A_KEY, ILB_CLUSTER_KEY_LEN, key) ||
	     nla_put_string(m, ILB_CL_A_KEY_FILE, key_file)))
		return -1;
	nla_nest_end(m, n);
	return 0;
}

/* join, leave, set: one request, an ACK or an error. */
static int change(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	char key_file[ILB_CLUSTER_KEY_FILE_MAX], err[ILBADM_ERRLEN];
	const char *ctx = ilbadm_cmd_name(c);
	enum ilbadm_what what = ILBADM_WHAT_CLUSTER;
	uint8_t key[ILB_CLUSTER_KEY_LEN];
	struct ilbadm_nlerr e;
	struct nl_msg *m;
	uint32_t ifindex = 0;
	uint8_t cmd;
	int r;

	switch (c->verb) {
	case ILBADM_VERB_JOIN:
		cmd = ILB_CMD_CLUSTER_JOIN;
		/* ENOENT from a join is not "not in a cluster". */
		what = ILBADM_WHAT_OTHER;
		errno = 0;
		ifindex = if_nametoindex(c->cl_dev);
		if (!ifindex) {
			fprintf(stderr, "ilbadm: %s%s: dev %s: %s\n",
				ilbadm_err_prefix, ctx, c->cl_dev,
				errno && errno != ENODEV && errno != ENXIO ?
				strerror(errno) : "no such device");
			return ILBADM_ERR;
		}
		break;
	case ILBADM_VERB_LEAVE:
		cmd = ILB_CMD_CLUSTER_LEAVE;
		break;
	default:
		cmd = ILB_CMD_CLUSTER_SET;
		break;
	}
	/* Read now, as late as can be: the file may have changed since. */
	if (c->has_key && ilbadm_key_read(c->key_file, key, key_file, err,
					  sizeof(err))) {
		fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
			err);
		return ILBADM_ERR;
	}
	m = ilbadm_nl_msg(nl, cmd, false);
	r = !m || (c->verb != ILBADM_VERB_LEAVE &&
		   put_cluster(m, c, ifindex, key, key_file));
	explicit_bzero(key, sizeof(key));
	if (r) {
		ilbadm_nl_msg_free(m);
		fprintf(stderr, "ilbadm: %s%s: %s\n", ilbadm_err_prefix, ctx,
			strerror(ENOMEM));
		return ILBADM_ERR;
	}
	if (ilbadm_nl_run(nl, m, NULL, NULL, &e)) {
		ilbadm_nl_perror(ctx, what, &e);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}

int ilbadm_cluster_genkey(void)
{
	char b64[ILBADM_KEY_B64_LEN + 1], err[ILBADM_ERRLEN];
	struct stat st;
	int r;

	if (ilbadm_genkey(b64, err, sizeof(err))) {
		fprintf(stderr, "ilbadm: %scluster genkey: %s\n",
			ilbadm_err_prefix, err);
		return ILBADM_ERR;
	}
	/* As wg(8): "join ... key FILE" would refuse such a file. */
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077))
		fprintf(stderr,
			"ilbadm: warning: writing the key to a file that group or others can access (mode %04o): chmod 600 it, or set umask 077 first\n",
			(unsigned int)(st.st_mode & 07777));
	r = printf("%s\n", b64) < 0 || fflush(stdout);
	explicit_bzero(b64, sizeof(b64));
	if (r) {
		perror("ilbadm: stdout");
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}

int ilbadm_cluster(struct ilbadm_nl *nl, const struct ilbadm_cmd *c)
{
	switch (c->verb) {
	case ILBADM_VERB_SHOW:
		return show(nl);
	case ILBADM_VERB_GENKEY:
		return ilbadm_cluster_genkey();
	default:
		return change(nl, c);
	}
}
