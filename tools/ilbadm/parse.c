// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: command-line parsing into struct ilbadm_cmd. No netlink here, so
 * that every rule can be unit-tested; everything the kernel would reject for
 * a syntactic reason is rejected here first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "parse.h"

struct word {
	const char *name;
	int val;
};

static const struct word objects[] = {
	{ "service", ILBADM_OBJ_SERVICE },
	{ "svc", ILBADM_OBJ_SERVICE },
	{ "server", ILBADM_OBJ_SERVER },
	{ "srv", ILBADM_OBJ_SERVER },
	{ "conn", ILBADM_OBJ_CONN },
	{ "connection", ILBADM_OBJ_CONN },
	{ "stats", ILBADM_OBJ_STATS },
	{ "timeout", ILBADM_OBJ_TIMEOUT },
	{ "flush", ILBADM_OBJ_FLUSH },
	{ "save", ILBADM_OBJ_SAVE },
	{ "restore", ILBADM_OBJ_RESTORE },
	{ "cluster", ILBADM_OBJ_CLUSTER },
	{ "apply", ILBADM_OBJ_APPLY },
	{ "persist", ILBADM_OBJ_PERSIST },
	{ "persistence", ILBADM_OBJ_PERSIST },
	{ NULL, 0 }
};

static const struct word verbs[] = {
	{ "add", ILBADM_VERB_ADD },
	{ "set", ILBADM_VERB_SET },
	{ "del", ILBADM_VERB_DEL },
	{ "delete", ILBADM_VERB_DEL },
	{ "show", ILBADM_VERB_SHOW },
	{ "list", ILBADM_VERB_SHOW },
	{ "ls", ILBADM_VERB_SHOW },
	{ "join", ILBADM_VERB_JOIN },
	{ "leave", ILBADM_VERB_LEAVE },
	{ "genkey", ILBADM_VERB_GENKEY },
	{ "flush", ILBADM_VERB_FLUSH },
	{ NULL, 0 }
};

/*
 * Keywords that take one value (insecure: none, a flag); all but peer at
 * most once.
 */
#define KW_SCHED	(1U << 0)
#define KW_FWD		(1U << 1)
#define KW_WEIGHT	(1U << 2)
#define KW_STATE	(1U << 3)
#define KW_TCP		(1U << 4)
#define KW_TCPFIN	(1U << 5)
#define KW_UDP		(1U << 6)
#define KW_ID		(1U << 7)
#define KW_ADDR		(1U << 8)
#define KW_DEV		(1U << 9)
#define KW_SCORE	(1U << 10)
#define KW_HELLO_MS	(1U << 11)
#define KW_DEAD_MS	(1U << 12)
#define KW_PORT		(1U << 13)
#define KW_PEER		(1U << 14)
#define KW_CLUSTER	(1U << 15)
#define KW_SYNC		(1U << 16)
#define KW_CACHE	(1U << 17)
#define KW_MAX_WEIGHT	(1U << 18)
#define KW_KEY		(1U << 19)
#define KW_INSECURE	(1U << 20)
#define KW_PERSIST	(1U << 21)
#define KW_NETMASK	(1U << 22)
#define KW_GROUP	(1U << 23)
#define KW_MAX_CONNS	(1U << 24)
#define KW_MIN_CONNS	(1U << 25)

static const struct word keywords[] = {
	{ "sched", KW_SCHED },
	{ "fwd", KW_FWD },
	{ "weight", KW_WEIGHT },
	{ "state", KW_STATE },
	{ "tcp", KW_TCP },
	{ "tcpfin", KW_TCPFIN },
	{ "udp", KW_UDP },
	{ "id", KW_ID },
	{ "addr", KW_ADDR },
	{ "dev", KW_DEV },
	{ "score", KW_SCORE },
	{ "hello-ms", KW_HELLO_MS },
	{ "dead-ms", KW_DEAD_MS },
	{ "port", KW_PORT },
	{ "peer", KW_PEER },
	{ "cluster", KW_CLUSTER },
	{ "sync", KW_SYNC },
	{ "cache", KW_CACHE },
	{ "max-weight", KW_MAX_WEIGHT },
	{ "key", KW_KEY },
	{ "insecure", KW_INSECURE },
	{ "persist", KW_PERSIST },
	{ "netmask", KW_NETMASK },
	{ "group", KW_GROUP },
	{ "max-conns", KW_MAX_CONNS },
	{ "min-conns", KW_MIN_CONNS },
	{ NULL, 0 }
};

static const char *const sched_names[__ILB_SCHED_MAX] = {
	[ILB_SCHED_RR] = "rr",
	[ILB_SCHED_WRR] = "wrr",
	[ILB_SCHED_LC] = "lc",
	[ILB_SCHED_WLC] = "wlc",
	[ILB_SCHED_SH] = "sh",
	[ILB_SCHED_MH] = "mh",
};

static const char *const fwd_names[__ILB_FWD_MAX] = {
	[ILB_FWD_NAT] = "nat",
	[ILB_FWD_DR] = "dr",
	[ILB_FWD_LOCAL] = "local",
};

static const char *const state_names[__ILB_SERVER_STATE_MAX] = {
	[ILB_SERVER_UP] = "up",
	[ILB_SERVER_DOWN] = "down",
};

static const char *const conn_state_names[__ILB_CS_MAX] = {
	[ILB_CS_SYN] = "SYN",
	[ILB_CS_ESTABLISHED] = "ESTABLISHED",
	[ILB_CS_FIN] = "FIN",
	[ILB_CS_CLOSE] = "CLOSE",
	[ILB_CS_UDP] = "UDP",
	[ILB_CS_SYN_RECV] = "SYN_RECV",
	[ILB_CS_UDP_STREAM] = "UDP_STREAM",
};

static const char *const score_names[__ILB_SCORE_MAX] = {
	[ILB_SCORE_HRW32] = "hrw32",
	[ILB_SCORE_CRC8] = "crc8",
};

static const char *const sync_names[__ILB_SYNC_MAX] = {
	[ILB_SYNC_TARGETED] = "targeted",
	[ILB_SYNC_BROADCAST] = "broadcast",
};

static const char *const member_state_names[__ILB_MEMBER_STATE_MAX] = {
	[ILB_MEMBER_SELF] = "self",
	[ILB_MEMBER_ALIVE] = "alive",
	[ILB_MEMBER_DEAD] = "dead",
};

static const char *const key_state_names[__ILB_KEY_STATE_MAX] = {
	[ILB_KEY_NONE] = "none",
	[ILB_KEY_STABLE] = "stable",
	[ILB_KEY_PENDING] = "pending",
	[ILB_KEY_DRAINING] = "draining",
};

static const char *const role_names[__ILB_ROLE_MAX] = {
	[ILB_ROLE_LOCAL] = "local",
	[ILB_ROLE_OWNED] = "owned",
	[ILB_ROLE_BACKUP] = "backup",
	[ILB_ROLE_CACHE] = "cache",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int ilbadm_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int lookup(const struct word *w, const char *s)
{
	for (; w->name; w++)
		if (!strcmp(w->name, s))
			return w->val;
	return -1;
}

static int lookup_name(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *ilbadm_proto_name(unsigned int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	}
	return NULL;
}

const char *ilbadm_sched_name(unsigned int v)
{
	return v < ARRAY_SIZE(sched_names) ? sched_names[v] : NULL;
}

const char *ilbadm_fwd_name(unsigned int v)
{
	return v < ARRAY_SIZE(fwd_names) ? fwd_names[v] : NULL;
}

const char *ilbadm_state_name(unsigned int v)
{
	return v < ARRAY_SIZE(state_names) ? state_names[v] : NULL;
}

const char *ilbadm_conn_state_name(unsigned int v)
{
	return v < ARRAY_SIZE(conn_state_names) ? conn_state_names[v] : NULL;
}

const char *ilbadm_score_name(unsigned int v)
{
	return v < ARRAY_SIZE(score_names) ? score_names[v] : NULL;
}

const char *ilbadm_sync_name(unsigned int v)
{
	return v < ARRAY_SIZE(sync_names) ? sync_names[v] : NULL;
}

const char *ilbadm_member_state_name(unsigned int v)
{
	return v < ARRAY_SIZE(member_state_names) ? member_state_names[v] :
						     NULL;
}

const char *ilbadm_key_state_name(unsigned int v)
{
	return v < ARRAY_SIZE(key_state_names) ? key_state_names[v] : NULL;
}

const char *ilbadm_role_name(unsigned int v)
{
	return v < ARRAY_SIZE(role_names) ? role_names[v] : NULL;
}

const char *ilbadm_fmt_ipv4(uint32_t addr, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = addr };

	if (!inet_ntop(AF_INET, &a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

int ilbadm_parse_proto(const char *s, uint8_t *proto, char *err, size_t len)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else
		return ilbadm_fail(err, len, "bad protocol \"%s\" (tcp or udp)", s);
	return 0;
}

int ilbadm_parse_ipv4(const char *s, uint32_t *addr, char *err, size_t len)
{
	struct in_addr a;
	uint32_t h;

	/* inet_pton() takes exactly four decimal octets: no "1.2.3", no
	 * "0x7f.1", no "256.1.1.1", no leading or trailing junk.
	 */
	if (inet_pton(AF_INET, s, &a) != 1)
		return ilbadm_fail(err, len, "bad address \"%s\" (IPv4 a.b.c.d)", s);
	h = ntohl(a.s_addr);
	if ((h & 0xff000000U) == 0)
		return ilbadm_fail(err, len, "bad address \"%s\" (0.0.0.0/8)", s);
	if ((h & 0xf0000000U) == 0xe0000000U)
		return ilbadm_fail(err, len, "bad address \"%s\" (multicast)", s);
	if (h == 0xffffffffU)
		return ilbadm_fail(err, len, "bad address \"%s\" (broadcast)", s);
	*addr = a.s_addr;
	return 0;
}

int ilbadm_parse_u32(const char *s, const char *what, uint32_t min,
		     uint32_t max, uint32_t *v, char *err, size_t len)
{
	unsigned long long x = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s >= 10)
			break;
		x = x * 10 + (unsigned int)(*p - '0');
	}
	if (!*s || *p || x < min || x > max)
		return ilbadm_fail(err, len, "bad %s \"%s\" (%u..%u)", what, s, min,
			    max);
	*v = (uint32_t)x;
	return 0;
}

int ilbadm_parse_port(const char *s, uint16_t *port, char *err, size_t len)
{
	uint32_t v;

	if (ilbadm_parse_u32(s, "port", 1, 65535, &v, err, len))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int ilbadm_parse_addrport(const char *s, bool port_optional, uint32_t *addr,
			  uint16_t *port, bool *has_port, char *err,
			  size_t len)
{
	char buf[64];
	char *colon;

	if (strlen(s) >= sizeof(buf))
		return ilbadm_fail(err, len, "bad address \"%.*s...\" (too long)",
			    16, s);
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (colon)
		*colon = '\0';
	else if (!port_optional)
		return ilbadm_fail(err, len,
			    "bad address \"%s\" (ADDR:PORT, port missing)", s);
	if (ilbadm_parse_ipv4(buf, addr, err, len))
		return -1;
	if (colon && ilbadm_parse_port(colon + 1, port, err, len))
		return -1;
	if (has_port)
		*has_port = colon != NULL;
	return 0;
}

int ilbadm_parse_sched(const char *s, uint8_t *v, char *err, size_t len)
{
	int i = lookup_name(sched_names, ARRAY_SIZE(sched_names), s);

	if (i < 0)
		return ilbadm_fail(err, len,
			    "bad sched \"%s\" (rr, wrr, lc, wlc, sh, mh)", s);
	*v = (uint8_t)i;
	return 0;
}

int ilbadm_parse_netmask(const char *s, uint8_t *plen, char *err, size_t len)
{
	const char *given = s;
	uint32_t v, m;

	if (strchr(s, '.')) {
		struct in_addr ia;

		if (inet_pton(AF_INET, s, &ia) != 1)
			goto bad;
		m = ntohl(ia.s_addr);
		/* contiguous ones from the top, at least one */
		if (!m || (~m & (~m + 1)))
			goto bad;
		*plen = (uint8_t)__builtin_popcount(m);
		return 0;
	}
	if (*s == '/')
		s++;
	if (ilbadm_parse_u32(s, "netmask", 1, 32, &v, NULL, 0))
		goto bad;
	*plen = (uint8_t)v;
	return 0;
bad:
	return ilbadm_fail(err, len,
		    "bad netmask \"%s\" (/1../32 or a dotted mask such as 255.255.255.0)",
		    given);
}

int ilbadm_parse_fwd(const char *s, uint8_t *v, char *err, size_t len)
{
	int i = lookup_name(fwd_names, ARRAY_SIZE(fwd_names), s);

	if (i < 0)
		return ilbadm_fail(err, len, "bad fwd \"%s\" (nat, dr, local)", s);
	*v = (uint8_t)i;
	return 0;
}

int ilbadm_parse_state(const char *s, uint8_t *v, char *err, size_t len)
{
	int i = lookup_name(state_names, ARRAY_SIZE(state_names), s);

	if (i < 0)
		return ilbadm_fail(err, len, "bad state \"%s\" (up, down)", s);
	*v = (uint8_t)i;
	return 0;
}

int ilbadm_parse_score(const char *s, uint8_t *v, char *err, size_t len)
{
	int i = lookup_name(score_names, ARRAY_SIZE(score_names), s);

	if (i < 0)
		return ilbadm_fail(err, len, "bad score \"%s\" (hrw32, crc8)", s);
	*v = (uint8_t)i;
	return 0;
}

int ilbadm_parse_sync(const char *s, uint8_t *v, char *err, size_t len)
{
	int i = lookup_name(sync_names, ARRAY_SIZE(sync_names), s);

	if (i < 0)
		return ilbadm_fail(err, len, "bad sync \"%s\" (targeted, broadcast)",
			    s);
	*v = (uint8_t)i;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ilbadm_parse_member_id(const char *s, uint32_t *v, char *err, size_t len)
{
	unsigned long long x = 0;
	struct in_addr a;
	const char *p;
	int d;

	if (strchr(s, '.')) {
		/* Four decimal octets, as inet_pton() takes them. */
		if (inet_pton(AF_INET, s, &a) != 1)
			goto bad;
		x = ntohl(a.s_addr);
	} else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		p = s + 2;
		if (!*p)
			goto bad;
		for (; *p; p++) {
			d = hex_digit(*p);
			if (d < 0)
				goto bad;
			x = x * 16 + (unsigned int)d;
			if (x > UINT32_MAX)
				goto bad;
		}
	} else {
		for (p = s; *p; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			x = x * 10 + (unsigned int)(*p - '0');
			if (x > UINT32_MAX)
				goto bad;
		}
		if (p == s)
			goto bad;
	}
	if (x < 1)
		goto bad;
	*v = (uint32_t)x;
	return 0;
bad:
	return ilbadm_fail(err, len,
		    "bad id \"%s\" (1..4294967295, 0x1..0xffffffff or a.b.c.d)",
		    s);
}

int ilbadm_parse_ifname(const char *s, char dev[ILBADM_IFNAMSIZ], char *err,
			size_t len)
{
	size_t n = strlen(s);

	/* The kernel's dev_valid_name(). */
	if (n >= ILBADM_IFNAMSIZ)
		return ilbadm_fail(err, len, "bad dev \"%s\" (at most %d characters)",
			    s, ILBADM_IFNAMSIZ - 1);
	if (!n || !strcmp(s, ".") || !strcmp(s, "..") ||
	    strpbrk(s, "/: \t\n\v\f\r"))
		return ilbadm_fail(err, len, "bad dev \"%s\" (interface name)", s);
	memcpy(dev, s, n + 1);
	return 0;
}

int ilbadm_parse_key_file(const char *s, char file[ILB_CLUSTER_KEY_FILE_MAX],
			  char *err, size_t len)
{
	size_t n = strlen(s), i;

	if (!n)
		return ilbadm_fail(err, len, "bad key file \"\" (a file name)");
	if (n >= ILB_CLUSTER_KEY_FILE_MAX)
		return ilbadm_fail(err, len,
			    "bad key file \"%.16s...\" (at most %d bytes)", s,
			    ILB_CLUSTER_KEY_FILE_MAX - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return ilbadm_fail(err, len,
				    "bad key file (a control character in its name)");
	memcpy(file, s, n + 1);
	return 0;
}

const char *ilbadm_cmd_name(const struct ilbadm_cmd *cmd)
{
	static const char *const names[][9] = {
		[ILBADM_OBJ_SERVICE] = { "service", "service add",
					 "service set", "service del",
					 "service show" },
		[ILBADM_OBJ_SERVER] = { "server", "server add", "server set",
					"server del", "server show" },
		[ILBADM_OBJ_CONN] = { "conn", NULL, NULL, NULL, "conn show" },
		[ILBADM_OBJ_STATS] = { "stats", NULL, NULL, NULL,
				       "stats show" },
		[ILBADM_OBJ_TIMEOUT] = { "timeout", NULL, "timeout set", NULL,
					 "timeout show" },
		[ILBADM_OBJ_FLUSH] = { "flush" },
		[ILBADM_OBJ_SAVE] = { "save" },
		[ILBADM_OBJ_RESTORE] = { "restore" },
		[ILBADM_OBJ_CLUSTER] = { "cluster", NULL, "cluster set", NULL,
					 "cluster show", "cluster join",
					 "cluster leave", "cluster genkey" },
		[ILBADM_OBJ_APPLY] = { "apply" },
		[ILBADM_OBJ_PERSIST] = { "persist", NULL, NULL, NULL,
					 "persist show", NULL, NULL, NULL,
					 "persist flush" },
	};
	const char *n = NULL;

	if ((size_t)cmd->obj < ARRAY_SIZE(names) &&
	    (size_t)cmd->verb < ARRAY_SIZE(names[0]))
		n = names[cmd->obj][cmd->verb];
	return n ? n : "ilbadm";
}

/* PROTO VIP:PORT at argv[*i]; advances *i past them. */
static int parse_svc_key(int argc, char *const argv[], int *i,
			 struct ilbadm_cmd *c, char *err, size_t len)
{
	const char *name = ilbadm_cmd_name(c);

	if (*i >= argc)
		return ilbadm_fail(err, len, "%s: missing PROTO VIP:PORT", name);
	if (ilbadm_parse_proto(argv[*i], &c->svc.proto, err, len))
		return -1;
	if (*i + 1 >= argc)
		return ilbadm_fail(err, len, "%s: missing VIP:PORT after \"%s\"",
			    name, argv[*i]);
	if (ilbadm_parse_addrport(argv[*i + 1], false, &c->svc.addr,
				  &c->svc.port, NULL, err, len))
		return -1;
	c->has_svc = true;
	*i += 2;
	return 0;
}

/* A member's or a peer's address: unicast, and not loopback either. */
static int parse_member_addr(const char *s, uint32_t *addr, char *err,
			     size_t len)
{
	if (ilbadm_parse_ipv4(s, addr, err, len))
		return -1;
	if ((ntohl(*addr) & 0xff000000U) == 0x7f000000U)
		return ilbadm_fail(err, len, "bad address \"%s\" (loopback)", s);
	return 0;
}

/* RIP[:RPORT] at argv[*i]; RPORT defaults to the service's port. */
static int parse_server_key(int argc, char *const argv[], int *i,
			    struct ilbadm_cmd *c, char *err, size_t len)
{
	bool has_port;

	if (*i >= argc)
		return ilbadm_fail(err, len, "%s: missing RIP[:RPORT]",
			    ilbadm_cmd_name(c));
	if (ilbadm_parse_addrport(argv[*i], true, &c->raddr, &c->rport,
				  &has_port, err, len))
		return -1;
	if (!has_port)
		c->rport = c->svc.port;
	(*i)++;
	return 0;
}

static int parse_keywords(int argc, char *const argv[], int i,
			  unsigned int allowed, struct ilbadm_cmd *c,
			  char *err, size_t len)
{
	const char *name = ilbadm_cmd_name(c);
	unsigned int seen = 0, n;
	const char *v;
	int kw, r = 0, step;

	for (; i < argc; i += step) {
		kw = lookup(keywords, argv[i]);
		if (kw < 0 || !((unsigned int)kw & allowed))
			return ilbadm_fail(err, len, "%s: unknown argument \"%s\"",
				    name, argv[i]);
		if ((seen & (unsigned int)kw) && kw != KW_PEER)
			return ilbadm_fail(err, len, "%s: \"%s\" given twice", name,
				    argv[i]);
		seen |= (unsigned int)kw;
		step = 1;
		if (kw == KW_INSECURE) {	/* a flag: no value */
			c->insecure = true;
			continue;
		}
		step = 2;
		if (i + 1 >= argc)
			return ilbadm_fail(err, len, "%s: missing value after \"%s\"",
				    name, argv[i]);
		v = argv[i + 1];
		switch (kw) {
		case KW_SCHED:
			r = ilbadm_parse_sched(v, &c->sched, err, len);
			c->has_sched = true;
			break;
		case KW_FWD:
			r = ilbadm_parse_fwd(v, &c->fwd, err, len);
			c->has_fwd = true;
			break;
		case KW_WEIGHT:
			r = ilbadm_parse_u32(v, "weight", 0,
					     c->obj == ILBADM_OBJ_CLUSTER ?
					     ILB_MEMBER_WEIGHT_MAX :
					     ILB_SERVER_WEIGHT_MAX, &c->weight,
					     err, len);
			c->has_weight = true;
			break;
		case KW_STATE:
			r = ilbadm_parse_state(v, &c->state, err, len);
			c->has_state = true;
			break;
		case KW_MAX_CONNS:
			r = ilbadm_parse_u32(v, "max-conns", 0,
					     ILB_SERVER_CONNS_MAX,
					     &c->max_conns, err, len);
			c->has_max_conns = true;
			break;
		case KW_MIN_CONNS:
			r = ilbadm_parse_u32(v, "min-conns", 0,
					     ILB_SERVER_CONNS_MAX,
					     &c->min_conns, err, len);
			c->has_min_conns = true;
			break;
		case KW_TCP:
			r = ilbadm_parse_u32(v, "tcp timeout", 1,
					     ILB_TIMEOUT_MAX, &c->tcp, err,
					     len);
			c->has_tcp = true;
			break;
		case KW_TCPFIN:
			r = ilbadm_parse_u32(v, "tcpfin timeout", 1,
					     ILB_TIMEOUT_MAX, &c->tcpfin, err,
					     len);
			c->has_tcpfin = true;
			break;
		case KW_UDP:
			r = ilbadm_parse_u32(v, "udp timeout", 1,
					     ILB_TIMEOUT_MAX, &c->udp, err,
					     len);
			c->has_udp = true;
			break;
		case KW_ID:
			r = ilbadm_parse_member_id(v, &c->cl_id, err, len);
			c->has_cl_id = true;
			break;
		case KW_ADDR:
			r = parse_member_addr(v, &c->cl_addr, err, len);
			c->has_cl_addr = true;
			break;
		case KW_DEV:
			r = ilbadm_parse_ifname(v, c->cl_dev, err, len);
			break;
		case KW_SCORE:
			r = ilbadm_parse_score(v, &c->score, err, len);
			c->has_score = true;
			break;
		case KW_HELLO_MS:
			r = ilbadm_parse_u32(v, "hello-ms", ILB_HELLO_MS_MIN,
					     ILB_HELLO_MS_MAX, &c->hello_ms,
					     err, len);
			c->has_hello_ms = true;
			break;
		case KW_DEAD_MS:
			/* More than the shortest hello-ms, checked below. */
			r = ilbadm_parse_u32(v, "dead-ms", ILB_HELLO_MS_MIN + 1,
					     ILB_DEAD_MS_MAX, &c->dead_ms, err,
					     len);
			c->has_dead_ms = true;
			break;
		case KW_PORT:
			r = ilbadm_parse_port(v, &c->cl_port, err, len);
			c->has_cl_port = true;
			break;
		case KW_PEER:
			if (c->npeers >= ILB_CLUSTER_MAX_PEERS)
				return ilbadm_fail(err, len,
					    "%s: too many peers (at most %d)",
					    name, ILB_CLUSTER_MAX_PEERS);
			if (parse_member_addr(v, &c->peers[c->npeers], err,
					      len))
				return -1;
			for (n = 0; n < c->npeers; n++)
				if (c->peers[n] == c->peers[c->npeers])
					return ilbadm_fail(err, len,
						    "%s: peer \"%s\" given twice",
						    name, v);
			c->npeers++;
			break;
		case KW_CLUSTER:
			r = ilbadm_parse_u32(v, "cluster", 0, UINT32_MAX,
					     &c->cluster, err, len);
			c->has_cluster = true;
			break;
		case KW_SYNC:
			r = ilbadm_parse_sync(v, &c->sync, err, len);
			c->has_sync = true;
			break;
		case KW_CACHE:
			r = ilbadm_parse_u32(v, "cache", 0, UINT32_MAX,
					     &c->cache, err, len);
			c->has_cache = true;
			break;
		case KW_MAX_WEIGHT:
			r = ilbadm_parse_u32(v, "max-weight", 0,
					     ILB_MEMBER_WEIGHT_MAX,
					     &c->max_weight, err, len);
			c->has_max_weight = true;
			break;
		case KW_KEY:
			r = ilbadm_parse_key_file(v, c->key_file, err, len);
			c->has_key = true;
			break;
		case KW_PERSIST:
			r = ilbadm_parse_u32(v, "persist", 0, ILB_PERSIST_MAX,
					     &c->persist, err, len);
			c->has_persist = true;
			break;
		case KW_NETMASK:
			r = ilbadm_parse_netmask(v, &c->netmask, err, len);
			c->has_netmask = true;
			break;
		case KW_GROUP:
			r = ilbadm_parse_port(v, &c->group, err, len);
			if (r)
				ilbadm_fail(err, len,
					    "bad group \"%s\" (1..65535: a port of the VIP)",
					    v);
			c->has_group = true;
			break;
		}
		if (r)
			return -1;
	}
	return 0;
}

static int no_more(int argc, char *const argv[], int i,
		   const struct ilbadm_cmd *c, char *err, size_t len)
{
	if (i < argc)
		return ilbadm_fail(err, len, "%s: unexpected argument \"%s\"",
			    ilbadm_cmd_name(c), argv[i]);
	return 0;
}

static int parse_service(int argc, char *const argv[], int i,
			 struct ilbadm_cmd *c, char *err, size_t len)
{
	switch (c->verb) {
	case ILBADM_VERB_ADD:
	case ILBADM_VERB_SET:
		if (parse_svc_key(argc, argv, &i, c, err, len) ||
		    parse_keywords(argc, argv, i,
				   KW_SCHED | KW_FWD | KW_PERSIST | KW_NETMASK |
				   KW_GROUP, c, err, len))
			return -1;
		if (c->verb == ILBADM_VERB_SET && !c->has_sched &&
		    !c->has_fwd && !c->has_persist && !c->has_netmask &&
		    !c->has_group)
			return ilbadm_fail(err, len,
				    "service set: nothing to change (sched, fwd, persist, netmask, group)");
		if (c->verb == ILBADM_VERB_ADD && !c->has_sched) {
			c->has_sched = true;
			c->sched = ILB_SCHED_RR;
		}
		if (c->verb == ILBADM_VERB_ADD && !c->has_fwd) {
			c->has_fwd = true;
			c->fwd = ILB_FWD_NAT;
		}
		return 0;
	case ILBADM_VERB_DEL:
		if (parse_svc_key(argc, argv, &i, c, err, len))
			return -1;
		return no_more(argc, argv, i, c, err, len);
	case ILBADM_VERB_SHOW:
		if (i < argc && parse_svc_key(argc, argv, &i, c, err, len))
			return -1;
		return no_more(argc, argv, i, c, err, len);
	default:
		return -1;
	}
}

/*
 * A non-zero min-conns must be below max-conns: that of the command, or on
 * add the default 0. Without a limit (max-conns 0) the module would keep
 * min-conns 0 without a word: refused here instead. A set without
 * max-conns is checked by the module against the server's.
 */
static int check_conns(const struct ilbadm_cmd *c, char *err, size_t len)
{
	const char *name = ilbadm_cmd_name(c);

	if (!c->has_min_conns || !c->min_conns ||
	    (!c->has_max_conns && c->verb != ILBADM_VERB_ADD))
		return 0;
	if (!c->has_max_conns || !c->max_conns)
		return ilbadm_fail(err, len,
			    "%s: min-conns %u needs a max-conns above it (max-conns 0: no limit)",
			    name, c->min_conns);
	if (c->min_conns >= c->max_conns)
		return ilbadm_fail(err, len,
			    "%s: min-conns %u must be less than max-conns %u",
			    name, c->min_conns, c->max_conns);
	return 0;
}

#define KW_SERVER (KW_WEIGHT | KW_FWD | KW_STATE | KW_MAX_CONNS | KW_MIN_CONNS)

static int parse_server(int argc, char *const argv[], int i,
			struct ilbadm_cmd *c, char *err, size_t len)
{
	if (parse_svc_key(argc, argv, &i, c, err, len) ||
	    parse_server_key(argc, argv, &i, c, err, len))
		return -1;
	switch (c->verb) {
	case ILBADM_VERB_ADD:
	case ILBADM_VERB_SET:
		if (parse_keywords(argc, argv, i, KW_SERVER, c, err, len))
			return -1;
		if (c->verb == ILBADM_VERB_SET && !c->has_weight &&
		    !c->has_fwd && !c->has_state && !c->has_max_conns &&
		    !c->has_min_conns)
			return ilbadm_fail(err, len,
				    "server set: nothing to change (weight, fwd, state, max-conns, min-conns)");
		if (check_conns(c, err, len))
			return -1;
		if (c->verb == ILBADM_VERB_ADD && !c->has_weight) {
			c->has_weight = true;
			c->weight = 1;
		}
		return 0;
	case ILBADM_VERB_DEL:
		return no_more(argc, argv, i, c, err, len);
	default:
		return -1;
	}
}

static int parse_timeout(int argc, char *const argv[], int i,
			 struct ilbadm_cmd *c, char *err, size_t len)
{
	if (c->verb == ILBADM_VERB_SHOW)
		return no_more(argc, argv, i, c, err, len);
	if (parse_keywords(argc, argv, i, KW_TCP | KW_TCPFIN | KW_UDP, c, err,
			   len))
		return -1;
	if (!c->has_tcp && !c->has_tcpfin && !c->has_udp)
		return ilbadm_fail(err, len,
			    "timeout set: nothing to change (tcp, tcpfin, udp)");
	return 0;
}

#define KW_JOIN	(KW_ID | KW_ADDR | KW_DEV | KW_WEIGHT | KW_SCORE | \
		 KW_HELLO_MS | KW_DEAD_MS | KW_PORT | KW_PEER | KW_CLUSTER | \
		 KW_SYNC | KW_CACHE | KW_MAX_WEIGHT | KW_KEY | KW_INSECURE)
#define KW_CL_SET (KW_SYNC | KW_CACHE | KW_WEIGHT | KW_MAX_WEIGHT | KW_KEY)

static int parse_cluster(int argc, char *const argv[], int i,
			 struct ilbadm_cmd *c, char *err, size_t len)
{
	switch (c->verb) {
	case ILBADM_VERB_JOIN:
		if (parse_keywords(argc, argv, i, KW_JOIN, c, err, len))
			return -1;
		if (!c->has_cl_addr)
			return ilbadm_fail(err, len, "cluster join: missing addr ADDR");
		if (!c->cl_dev[0])
			return ilbadm_fail(err, len, "cluster join: missing dev IFNAME");
		if (c->has_hello_ms && c->has_dead_ms &&
		    c->dead_ms <= c->hello_ms)
			return ilbadm_fail(err, len,
				    "cluster join: dead-ms %u must be greater than hello-ms %u",
				    c->dead_ms, c->hello_ms);
		if (c->has_key && c->insecure)
			return ilbadm_fail(err, len,
				    "cluster join: \"key\" and \"insecure\" exclude each other");
		if (!c->has_key && !c->insecure)
			return ilbadm_fail(err, len,
				    "cluster join needs \"key FILE\" (see \"ilbadm cluster genkey\"), or \"insecure\" for a cluster without authentication");
		return 0;
	case ILBADM_VERB_SET:
		if (parse_keywords(argc, argv, i, KW_CL_SET, c, err, len))
			return -1;
		if (!c->has_sync && !c->has_cache && !c->has_weight &&
		    !c->has_max_weight && !c->has_key)
			return ilbadm_fail(err, len,
				    "cluster set: nothing to change (sync, cache, weight, max-weight, key)");
		return 0;
	default:	/* leave, show, genkey */
		return no_more(argc, argv, i, c, err, len);
	}
}

/*
 * apply FILE [dry-run]. "dry-run" is a word after the file, as "insecure"
 * is one of "cluster join": options (-j) come before the object.
 */
static int parse_apply(int argc, char *const argv[], int i,
		       struct ilbadm_cmd *c, char *err, size_t len)
{
	if (i >= argc)
		return ilbadm_fail(err, len,
			    "apply: missing FILE (a file name, or - for standard input)");
	c->file = argv[i++];
	if (!c->file[0])
		return ilbadm_fail(err, len,
			    "apply: bad FILE \"\" (a file name, or - for standard input)");
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "dry-run")) {
			if (c->dry_run)
				return ilbadm_fail(err, len,
					    "apply: \"dry-run\" given twice");
			c->dry_run = true;
			continue;
		}
		if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-d"))
			return ilbadm_fail(err, len,
				    "apply: unknown argument \"%s\" (say \"apply FILE dry-run\")",
				    argv[i]);
		return ilbadm_fail(err, len, "apply: unexpected argument \"%s\"",
			    argv[i]);
	}
	return 0;
}

/* Which verbs each object takes, as a bit mask of 1 << verb. */
static unsigned int object_verbs(enum ilbadm_obj obj)
{
	switch (obj) {
	case ILBADM_OBJ_SERVICE:
		return 1U << ILBADM_VERB_ADD | 1U << ILBADM_VERB_SET |
		       1U << ILBADM_VERB_DEL | 1U << ILBADM_VERB_SHOW;
	case ILBADM_OBJ_SERVER:
		return 1U << ILBADM_VERB_ADD | 1U << ILBADM_VERB_SET |
		       1U << ILBADM_VERB_DEL;
	case ILBADM_OBJ_CONN:
	case ILBADM_OBJ_STATS:
		return 1U << ILBADM_VERB_SHOW;
	case ILBADM_OBJ_TIMEOUT:
		return 1U << ILBADM_VERB_SET | 1U << ILBADM_VERB_SHOW;
	case ILBADM_OBJ_CLUSTER:
		return 1U << ILBADM_VERB_JOIN | 1U << ILBADM_VERB_LEAVE |
		       1U << ILBADM_VERB_SET | 1U << ILBADM_VERB_SHOW |
		       1U << ILBADM_VERB_GENKEY;
	case ILBADM_OBJ_PERSIST:
		return 1U << ILBADM_VERB_SHOW | 1U << ILBADM_VERB_FLUSH;
	default:
		return 0;
	}
}

/* The verb of an object given alone, or ILBADM_VERB_NONE: a usage error. */
static enum ilbadm_verb default_verb(enum ilbadm_obj obj)
{
	return obj == ILBADM_OBJ_CLUSTER ? ILBADM_VERB_SHOW : ILBADM_VERB_NONE;
}

static const char *verb_list(enum ilbadm_obj obj)
{
	switch (obj) {
	case ILBADM_OBJ_SERVICE:
		return "add, set, del, show";
	case ILBADM_OBJ_SERVER:
		return "add, set, del";
	case ILBADM_OBJ_TIMEOUT:
		return "set, show";
	case ILBADM_OBJ_CLUSTER:
		return "join, leave, set, show, genkey";
	case ILBADM_OBJ_PERSIST:
		return "show, flush";
	default:
		return "show";
	}
}

int ilbadm_parse_cmd(int argc, char *const argv[], struct ilbadm_cmd *c,
		     char *err, size_t len)
{
	int obj, verb, i = 1;

	memset(c, 0, sizeof(*c));
	if (err && len)
		err[0] = '\0';
	if (argc < 1) {
		ilbadm_fail(err, len, "missing object");
		return ILBADM_USAGE;
	}
	obj = lookup(objects, argv[0]);
	if (obj < 0) {
		ilbadm_fail(err, len, "unknown object \"%s\"", argv[0]);
		return ILBADM_USAGE;
	}
	c->obj = (enum ilbadm_obj)obj;
	if (object_verbs(c->obj) && argc < 2 &&
	    default_verb(c->obj) != ILBADM_VERB_NONE) {
		c->verb = default_verb(c->obj);
	} else if (object_verbs(c->obj)) {
		if (argc < 2) {
			ilbadm_fail(err, len, "%s: missing verb (%s)", argv[0],
			     verb_list(c->obj));
			return ILBADM_USAGE;
		}
		verb = lookup(verbs, argv[1]);
		if (verb < 0 || !(object_verbs(c->obj) & (1U << verb))) {
			ilbadm_fail(err, len, "%s: unknown verb \"%s\" (%s)", argv[0],
			     argv[1], verb_list(c->obj));
			return ILBADM_USAGE;
		}
		c->verb = (enum ilbadm_verb)verb;
		i = 2;
	}

	switch (c->obj) {
	case ILBADM_OBJ_SERVICE:
		obj = parse_service(argc, argv, i, c, err, len);
		break;
	case ILBADM_OBJ_SERVER:
		obj = parse_server(argc, argv, i, c, err, len);
		break;
	case ILBADM_OBJ_CONN:
	case ILBADM_OBJ_PERSIST:
		if (i < argc && parse_svc_key(argc, argv, &i, c, err, len))
			return ILBADM_ERR;
		obj = no_more(argc, argv, i, c, err, len);
		break;
	case ILBADM_OBJ_TIMEOUT:
		obj = parse_timeout(argc, argv, i, c, err, len);
		break;
	case ILBADM_OBJ_CLUSTER:
		obj = parse_cluster(argc, argv, i, c, err, len);
		break;
	case ILBADM_OBJ_APPLY:
		obj = parse_apply(argc, argv, i, c, err, len);
		break;
	default:	/* stats show, flush, save, restore: nothing more */
		obj = no_more(argc, argv, i, c, err, len);
		break;
	}
	return obj ? ILBADM_ERR : ILBADM_OK;
}

int ilbadm_split_line(char *line, char *argv[], int max)
{
	static const char blanks[] = " \t\r\n\v\f";
	char *p, *hash;
	int n = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	p = line;
	for (;;) {
		p += strspn(p, blanks);
		if (!*p)
			break;
		if (n >= max)
			return -1;
		argv[n++] = p;
		p += strcspn(p, blanks);
		if (*p)
			*p++ = '\0';
	}
	return n;
}
