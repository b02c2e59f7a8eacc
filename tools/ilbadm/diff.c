// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm apply: configurations as values and the changes between two.
 *
 * FILE is read as restore would run it on a node with no service and in
 * no cluster (ilbadm_cfg_cmd() runs each command on a model); the node is
 * read as save reads it (apply.c). ilbadm_diff() then lists the changes,
 * each with the commands that undo it, in phases:
 *
 *   1. service add        new services, before their servers
 *   2. service set        scheduler and forwarding in place
 *   3. server add         new servers, before the old ones go
 *   4. server set         weight, forwarding, state, limits in place
 *   5. server del         servers gone from services that stay
 *   6. service del        services gone, with their servers: one line
 *   7. timeout set        what FILE gives that differs
 *   8. cluster set        sync, cache, weight, max-weight in place
 *   9. cluster set key    a new key: a rolling rotation, as by hand
 *  10. cluster leave      FILE has no join, or one that cannot be made
 *                         in place
 *  11. cluster join       FILE joins and the node is not (or just left)
 *
 * A service's servers never drop below what FILE gives while it changes
 * (servers are added before others are deleted), and the cluster comes
 * last, as in save: the node takes its share of the connections with its
 * services in place, and the steps that cannot be wholly undone (a key
 * rotation, a leave) are the last ones, so that a step that fails before
 * them is undone completely.
 *
 * A new kind of object (health checks, say) is a model here, its lines in
 * ilbadm_cfg_cmd(), and its phases in the table at the end: an add before
 * what refers to it, a del after.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "diff.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KEY_STR		48	/* "udp 255.255.255.255:65535" */
#define AP_STR		32	/* "255.255.255.255:65535" */

/* The module's defaults for a join (kmod/netlink_cluster.c). */
#define CL_DEF_WEIGHT	1
#define CL_DEF_HELLO_MS	100
#define CL_DEF_CLUSTER	1

void ilbadm_cfg_init(struct ilbadm_cfg *c)
{
	memset(c, 0, sizeof(*c));
}

static void svcs_free(struct ilbadm_cfg *c)
{
	size_t i;

	for (i = 0; i < c->nsvc; i++)
		free(c->svc[i].srv);
	free(c->svc);
	c->svc = NULL;
	c->nsvc = 0;
	c->cap = 0;
}

void ilbadm_cfg_free(struct ilbadm_cfg *c)
{
	svcs_free(c);
	ilbadm_cfg_init(c);
}

static int key_cmp(const struct ilbadm_svc_key *a,
		   const struct ilbadm_svc_key *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->addr != b->addr)
		return ntohl(a->addr) < ntohl(b->addr) ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

static int srv_cmp(uint32_t a1, uint16_t p1, uint32_t a2, uint16_t p2)
{
	if (a1 != a2)
		return ntohl(a1) < ntohl(a2) ? -1 : 1;
	if (p1 != p2)
		return p1 < p2 ? -1 : 1;
	return 0;
}

/* Index of k, or where it would go (*found false). */
static size_t svc_index(const struct ilbadm_cfg *c,
			const struct ilbadm_svc_key *k, bool *found)
{
	size_t lo = 0, hi = c->nsvc, mid;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = key_cmp(&c->svc[mid].key, k);
		if (!r) {
			*found = true;
			return mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static size_t srv_index(const struct ilbadm_cfg_svc *s, uint32_t addr,
			uint16_t port, bool *found)
{
	size_t lo = 0, hi = s->nsrv, mid;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = srv_cmp(s->srv[mid].addr, s->srv[mid].port, addr, port);
		if (!r) {
			*found = true;
			return mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct ilbadm_cfg_svc *ilbadm_cfg_svc_find(const struct ilbadm_cfg *c,
					   const struct ilbadm_svc_key *k)
{
	bool found;
	size_t i = svc_index(c, k, &found);

	return found ? &c->svc[i] : NULL;
}

struct ilbadm_cfg_svc *ilbadm_cfg_svc_add(struct ilbadm_cfg *c,
					  const struct ilbadm_svc_key *k)
{
	struct ilbadm_cfg_svc *v;
	bool found;
	size_t i = svc_index(c, k, &found);

	if (found)
		return NULL;
	if (c->nsvc == c->cap) {
		v = realloc(c->svc, (c->cap ? 2 * c->cap : 16) * sizeof(*v));
		if (!v)
			return NULL;
		c->svc = v;
		c->cap = c->cap ? 2 * c->cap : 16;
	}
	memmove(&c->svc[i + 1], &c->svc[i], (c->nsvc - i) * sizeof(*c->svc));
	c->nsvc++;
	memset(&c->svc[i], 0, sizeof(c->svc[i]));
	c->svc[i].key = *k;
	return &c->svc[i];
}

static void svc_del(struct ilbadm_cfg *c, struct ilbadm_cfg_svc *s)
{
	size_t i = (size_t)(s - c->svc);

	free(s->srv);
	memmove(&c->svc[i], &c->svc[i + 1],
		(c->nsvc - i - 1) * sizeof(*c->svc));
	c->nsvc--;
}

struct ilbadm_cfg_srv *ilbadm_cfg_srv_find(const struct ilbadm_cfg_svc *s,
					   uint32_t addr, uint16_t port)
{
	bool found;
	size_t i = srv_index(s, addr, port, &found);

	return found ? &s->srv[i] : NULL;
}

struct ilbadm_cfg_srv *ilbadm_cfg_srv_add(struct ilbadm_cfg_svc *s,
					  uint32_t addr, uint16_t port)
{
	struct ilbadm_cfg_srv *v;
	bool found;
	size_t i = srv_index(s, addr, port, &found);

	if (found)
		return NULL;
	if (s->nsrv == s->cap) {
		v = realloc(s->srv, (s->cap ? 2 * s->cap : 8) * sizeof(*v));
		if (!v)
			return NULL;
		s->srv = v;
		s->cap = s->cap ? 2 * s->cap : 8;
	}
	memmove(&s->srv[i + 1], &s->srv[i], (s->nsrv - i) * sizeof(*s->srv));
	s->nsrv++;
	memset(&s->srv[i], 0, sizeof(s->srv[i]));
	s->srv[i].addr = addr;
	s->srv[i].port = port;
	return &s->srv[i];
}

static void srv_del(struct ilbadm_cfg_svc *s, struct ilbadm_cfg_srv *r)
{
	size_t i = (size_t)(r - s->srv);

	memmove(&s->srv[i], &s->srv[i + 1],
		(s->nsrv - i - 1) * sizeof(*s->srv));
	s->nsrv--;
}

/* "tcp 198.51.100.1:80" */
static const char *key_str(const struct ilbadm_svc_key *k, char *buf,
			   size_t len)
{
	const char *p = ilbadm_proto_name(k->proto);
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s %s:%u", p ? p : "?",
		 ilbadm_fmt_ipv4(k->addr, a, sizeof(a)), k->port);
	return buf;
}

/* "198.18.3.101:80" */
static const char *ap_str(uint32_t addr, uint16_t port, char *buf,
			  size_t len)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s:%u", ilbadm_fmt_ipv4(addr, a, sizeof(a)), port);
	return buf;
}

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = ntohl(*(const uint32_t *)x);
	uint32_t b = ntohl(*(const uint32_t *)y);

	return a < b ? -1 : a > b;
}

/* --- FILE's commands on the model ----------------------------------------- */

static int cfg_service(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		       unsigned int line, char *err, size_t len)
{
	struct ilbadm_cfg_svc *s = ilbadm_cfg_svc_find(c, &cmd->svc);
	char k[KEY_STR];

	key_str(&cmd->svc, k, sizeof(k));
	if (cmd->verb == ILBADM_VERB_ADD) {
		if (s)
			return ilbadm_fail(err, len,
				    "service %s: already exists (line %u)", k,
				    s->line);
		s = ilbadm_cfg_svc_add(c, &cmd->svc);
		if (!s)
			return ilbadm_fail(err, len, "out of memory");
		s->sched = cmd->sched;		/* the parser's defaults */
		s->fwd = cmd->fwd;
		s->persist = cmd->has_persist ? cmd->persist : 0;
		s->netmask = cmd->has_netmask ? cmd->netmask : 32;
		s->group = cmd->has_group ? cmd->group : cmd->svc.port;
		s->line = line;
		return 0;
	}
	if (!s)
		return ilbadm_fail(err, len, "service %s: no such service", k);
	if (cmd->verb == ILBADM_VERB_DEL) {
		svc_del(c, s);
		return 0;
	}
	if (cmd->has_sched)
		s->sched = cmd->sched;
	if (cmd->has_fwd)
		s->fwd = cmd->fwd;
	if (cmd->has_persist)
		s->persist = cmd->persist;
	if (cmd->has_netmask)
		s->netmask = cmd->netmask;
	if (cmd->has_group)
		s->group = cmd->group;
	s->line = line;
	return 0;
}

static int cfg_server(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		      unsigned int line, char *err, size_t len)
{
	struct ilbadm_cfg_svc *s = ilbadm_cfg_svc_find(c, &cmd->svc);
	char k[KEY_STR], a[AP_STR];
	struct ilbadm_cfg_srv *r;
	uint32_t max, min;
	uint8_t fwd;

	key_str(&cmd->svc, k, sizeof(k));
	if (!s)
		return ilbadm_fail(err, len, "service %s: no such service", k);
	ap_str(cmd->raddr, cmd->rport, a, sizeof(a));
	r = ilbadm_cfg_srv_find(s, cmd->raddr, cmd->rport);
	if (cmd->verb == ILBADM_VERB_ADD && r)
		return ilbadm_fail(err, len,
			    "server %s %s: already exists (line %u)", k, a,
			    r->line);
	if (cmd->verb != ILBADM_VERB_ADD && !r)
		return ilbadm_fail(err, len, "server %s %s: no such server", k,
			    a);
	if (cmd->verb == ILBADM_VERB_DEL) {
		srv_del(s, r);
		return 0;
	}
	/* A server without fwd takes its service's when it is added. */
	fwd = cmd->has_fwd ? cmd->fwd : r ? r->fwd : s->fwd;
	/* The module's rule (ilb_parse_server()), checked before it runs. */
	if (fwd == ILB_FWD_DR && cmd->rport != s->key.port &&
	    (cmd->has_fwd || !r))
		return ilbadm_fail(err, len,
			    "server %s %s: direct routing cannot change the port",
			    k, a);
	/*
	 * And ilb_server_set_limits()'s: what a set does not give stays the
	 * server's (a new one has none); a min-conns must be below a limit,
	 * and without one (max-conns 0) it is 0.
	 */
	max = cmd->has_max_conns ? cmd->max_conns : r ? r->max_conns : 0;
	min = cmd->has_min_conns ? cmd->min_conns : r ? r->min_conns : 0;
	if (max && min >= max)
		return ilbadm_fail(err, len,
			    "server %s %s: min-conns %u must be less than max-conns %u",
			    k, a, min, max);
	if (!r) {
		r = ilbadm_cfg_srv_add(s, cmd->raddr, cmd->rport);
		if (!r)
			return ilbadm_fail(err, len, "out of memory");
		r->weight = 1;
		r->state = ILB_SERVER_UP;
	}
	if (cmd->has_weight)
		r->weight = cmd->weight;
	if (cmd->has_state)
		r->state = cmd->state;
	r->max_conns = max;
	r->min_conns = max ? min : 0;
	r->fwd = fwd;
	r->line = line;
	return 0;
}

static int cfg_timeout(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		       unsigned int line)
{
	if (cmd->has_tcp) {
		c->has_tcp = true;
		c->tcp = cmd->tcp;
	}
	if (cmd->has_tcpfin) {
		c->has_tcpfin = true;
		c->tcpfin = cmd->tcpfin;
	}
	if (cmd->has_udp) {
		c->has_udp = true;
		c->udp = cmd->udp;
	}
	c->timeout_line = line;
	return 0;
}

static int cfg_join(struct ilbadm_cfg_cluster *cl,
		    const struct ilbadm_cmd *cmd, unsigned int line,
		    char *err, size_t len)
{
	uint32_t dead;

	if (cl->joined)
		return ilbadm_fail(err, len,
			    "cluster join: already in a cluster (line %u): leave it first",
			    cl->line);
	memset(cl, 0, sizeof(*cl));
	cl->joined = true;
	cl->addr = cmd->cl_addr;
	cl->id = cmd->has_cl_id ? cmd->cl_id : ntohl(cmd->cl_addr);
	memcpy(cl->dev, cmd->cl_dev, sizeof(cl->dev));
	cl->weight = cmd->has_weight ? cmd->weight : CL_DEF_WEIGHT;
	cl->score = cmd->has_score ? cmd->score : ILB_SCORE_HRW32;
	cl->hello_ms = cmd->has_hello_ms ? cmd->hello_ms : CL_DEF_HELLO_MS;
	/* as the module computes it: detection within 3 heartbeats */
	dead = 3 * cl->hello_ms - cl->hello_ms / 4;
	if (dead > ILB_DEAD_MS_MAX)
		dead = ILB_DEAD_MS_MAX;
	cl->dead_ms = cmd->has_dead_ms ? cmd->dead_ms : dead;
	if (cl->dead_ms <= cl->hello_ms) {
		cl->joined = false;
		return ilbadm_fail(err, len,
			    "cluster join: dead-ms %u must be greater than hello-ms %u",
			    cl->dead_ms, cl->hello_ms);
	}
	cl->port = cmd->has_cl_port ? cmd->cl_port : ILB_CLUSTER_PORT;
	memcpy(cl->peers, cmd->peers, cmd->npeers * sizeof(cmd->peers[0]));
	cl->npeers = cmd->npeers;
	qsort(cl->peers, cl->npeers, sizeof(cl->peers[0]), u32_cmp);
	cl->cluster = cmd->has_cluster ? cmd->cluster : CL_DEF_CLUSTER;
	cl->sync = cmd->has_sync ? cmd->sync : ILB_SYNC_TARGETED;
	cl->has_cache = cmd->has_cache;
	cl->cache = cmd->cache;
	cl->max_weight = cmd->has_max_weight ? cmd->max_weight :
			 ILB_MEMBER_WEIGHT_MAX;
	if (cl->weight > cl->max_weight) {
		cl->joined = false;
		return ilbadm_fail(err, len,
			    "cluster join: weight %u is above max-weight %u",
			    cl->weight, cl->max_weight);
	}
	cl->insecure = cmd->insecure;
	if (cmd->has_key)
		memcpy(cl->key_file, cmd->key_file, sizeof(cl->key_file));
	cl->line = cl->set_line = cl->key_line = line;
	return 0;
}

static int cfg_cluster_set(struct ilbadm_cfg_cluster *cl,
			   const struct ilbadm_cmd *cmd, unsigned int line,
			   char *err, size_t len)
{
	uint32_t w = cmd->has_weight ? cmd->weight : cl->weight;
	uint32_t mw = cmd->has_max_weight ? cmd->max_weight : cl->max_weight;

	if (!cl->joined)
		return ilbadm_fail(err, len, "cluster set: not in a cluster");
	if (cmd->has_key && cl->insecure)
		return ilbadm_fail(err, len,
			    "cluster set: joined insecure (line %u): leave and join with a key",
			    cl->line);
	if (w > mw)
		return ilbadm_fail(err, len,
			    "cluster set: weight %u is above max-weight %u", w,
			    mw);
	cl->weight = w;
	cl->max_weight = mw;
	if (cmd->has_sync)
		cl->sync = cmd->sync;
	if (cmd->has_cache) {
		cl->has_cache = true;
		cl->cache = cmd->cache;
	}
	if (cmd->has_sync || cmd->has_cache || cmd->has_weight ||
	    cmd->has_max_weight)
		cl->set_line = line;
	if (cmd->has_key) {
		memcpy(cl->key_file, cmd->key_file, sizeof(cl->key_file));
		cl->key_id = 0;
		cl->key_line = line;
	}
	return 0;
}

static int cfg_cluster(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		       unsigned int line, char *err, size_t len)
{
	switch (cmd->verb) {
	case ILBADM_VERB_JOIN:
		return cfg_join(&c->cl, cmd, line, err, len);
	case ILBADM_VERB_SET:
		return cfg_cluster_set(&c->cl, cmd, line, err, len);
	case ILBADM_VERB_LEAVE:
		if (!c->cl.joined)
			return ilbadm_fail(err, len,
				    "cluster leave: not in a cluster");
		memset(&c->cl, 0, sizeof(c->cl));
		return 0;
	default:
		return ilbadm_fail(err, len, "%s: not a configuration",
			    ilbadm_cmd_name(cmd));
	}
}

int ilbadm_cfg_cmd(struct ilbadm_cfg *c, const struct ilbadm_cmd *cmd,
		   unsigned int line, char *err, size_t len)
{
	switch (cmd->obj) {
	case ILBADM_OBJ_SERVICE:
		if (cmd->verb == ILBADM_VERB_SHOW)
			break;
		return cfg_service(c, cmd, line, err, len);
	case ILBADM_OBJ_SERVER:
		return cfg_server(c, cmd, line, err, len);
	case ILBADM_OBJ_TIMEOUT:
		if (cmd->verb == ILBADM_VERB_SHOW)
			break;
		return cfg_timeout(c, cmd, line);
	case ILBADM_OBJ_FLUSH:
		/* services only: timeouts and the cluster stay (the module) */
		svcs_free(c);
		return 0;
	case ILBADM_OBJ_CLUSTER:
		return cfg_cluster(c, cmd, line, err, len);
	default:
		break;
	}
	return ilbadm_fail(err, len, "%s: not a configuration",
		    ilbadm_cmd_name(cmd));
}

/* --- the changes ---------------------------------------------------------- */

void ilbadm_changes_free(struct ilbadm_changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		free(ch->v[i].undo);
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}

struct diff {
	const struct ilbadm_cfg *node, *file;
	struct ilbadm_changes *out;
	bool rejoin;		/* the cluster changes what a set cannot */
};

static struct ilbadm_change *emit(struct diff *d, const struct ilbadm_cmd *c,
				  unsigned int line)
{
	struct ilbadm_changes *o = d->out;
	struct ilbadm_change *v;

	if (o->n == o->cap) {
		v = realloc(o->v, (o->cap ? 2 * o->cap : 16) * sizeof(*v));
		if (!v)
			return NULL;
		o->v = v;
		o->cap = o->cap ? 2 * o->cap : 16;
	}
	v = &o->v[o->n++];
	memset(v, 0, sizeof(*v));
	v->cmd = *c;
	v->line = line;
	return v;
}

static int undo(struct ilbadm_change *ch, const struct ilbadm_cmd *c)
{
	struct ilbadm_cmd *v = realloc(ch->undo, (ch->nundo + 1) * sizeof(*v));

	if (!v)
		return -1;
	ch->undo = v;
	v[ch->nundo++] = *c;
	return 0;
}

/* A change and its one undo; -1 when out of memory. */
static int emit1(struct diff *d, const struct ilbadm_cmd *c,
		 unsigned int line, const struct ilbadm_cmd *u)
{
	struct ilbadm_change *ch = emit(d, c, line);

	return ch && !undo(ch, u) ? 0 : -1;
}

static void cmd_init(struct ilbadm_cmd *c, enum ilbadm_obj obj,
		     enum ilbadm_verb verb)
{
	memset(c, 0, sizeof(*c));
	c->obj = obj;
	c->verb = verb;
}

static void cmd_svc(struct ilbadm_cmd *c, enum ilbadm_verb verb,
		    const struct ilbadm_svc_key *k)
{
	cmd_init(c, ILBADM_OBJ_SERVICE, verb);
	c->has_svc = true;
	c->svc = *k;
}

/* service add with every value, as save prints it */
static void cmd_svc_add(struct ilbadm_cmd *c, const struct ilbadm_cfg_svc *s)
{
	cmd_svc(c, ILBADM_VERB_ADD, &s->key);
	c->has_sched = c->has_fwd = true;
	c->sched = s->sched;
	c->fwd = s->fwd;
	/* persistence: what differs from the defaults */
	c->has_persist = s->persist != 0;
	c->persist = s->persist;
	c->has_netmask = s->netmask != 32;
	c->netmask = s->netmask;
	c->has_group = s->group != s->key.port;
	c->group = s->group;
}

static void cmd_srv(struct ilbadm_cmd *c, enum ilbadm_verb verb,
		    const struct ilbadm_svc_key *k,
		    const struct ilbadm_cfg_srv *r)
{
	cmd_init(c, ILBADM_OBJ_SERVER, verb);
	c->has_svc = true;
	c->svc = *k;
	c->raddr = r->addr;
	c->rport = r->port;
}

static void cmd_srv_add(struct ilbadm_cmd *c, const struct ilbadm_svc_key *k,
			const struct ilbadm_cfg_srv *r)
{
	cmd_srv(c, ILBADM_VERB_ADD, k, r);
	c->has_weight = c->has_fwd = c->has_state = true;
	c->weight = r->weight;
	c->fwd = r->fwd;
	c->state = r->state;
	/* limits: as save, only a limit there is */
	c->has_max_conns = r->max_conns != 0;
	c->max_conns = r->max_conns;
	c->has_min_conns = r->max_conns && r->min_conns;
	c->min_conns = r->min_conns;
}

static int ph_svc_add(struct diff *d)
{
	const struct ilbadm_cfg_svc *s;
	struct ilbadm_cmd c, u;
	size_t i;

	for (i = 0; i < d->file->nsvc; i++) {
		s = &d->file->svc[i];
		if (ilbadm_cfg_svc_find(d->node, &s->key))
			continue;
		cmd_svc_add(&c, s);
		cmd_svc(&u, ILBADM_VERB_DEL, &s->key);
		if (emit1(d, &c, s->line, &u))
			return -1;
	}
	return 0;
}

static int ph_svc_set(struct diff *d)
{
	const struct ilbadm_cfg_svc *s, *n;
	struct ilbadm_cmd c, u;
	size_t i;

	for (i = 0; i < d->file->nsvc; i++) {
		s = &d->file->svc[i];
		n = ilbadm_cfg_svc_find(d->node, &s->key);
		if (!n || (n->sched == s->sched && n->fwd == s->fwd &&
			   n->persist == s->persist &&
			   n->netmask == s->netmask && n->group == s->group))
			continue;
		cmd_svc(&c, ILBADM_VERB_SET, &s->key);
		cmd_svc(&u, ILBADM_VERB_SET, &s->key);
		if (n->sched != s->sched) {
			c.has_sched = u.has_sched = true;
			c.sched = s->sched;
			u.sched = n->sched;
		}
		if (n->fwd != s->fwd) {
			c.has_fwd = u.has_fwd = true;
			c.fwd = s->fwd;
			u.fwd = n->fwd;
		}
		if (n->persist != s->persist) {
			c.has_persist = u.has_persist = true;
			c.persist = s->persist;
			u.persist = n->persist;
		}
		if (n->netmask != s->netmask) {
			c.has_netmask = u.has_netmask = true;
			c.netmask = s->netmask;
			u.netmask = n->netmask;
		}
		if (n->group != s->group) {
			c.has_group = u.has_group = true;
			c.group = s->group;
			u.group = n->group;
		}
		if (emit1(d, &c, s->line, &u))
			return -1;
	}
	return 0;
}

static int ph_srv_add(struct diff *d)
{
	const struct ilbadm_cfg_svc *s, *n;
	const struct ilbadm_cfg_srv *r;
	struct ilbadm_cmd c, u;
	size_t i, j;

	for (i = 0; i < d->file->nsvc; i++) {
		s = &d->file->svc[i];
		n = ilbadm_cfg_svc_find(d->node, &s->key);
		for (j = 0; j < s->nsrv; j++) {
			r = &s->srv[j];
			if (n && ilbadm_cfg_srv_find(n, r->addr, r->port))
				continue;
			cmd_srv_add(&c, &s->key, r);
			cmd_srv(&u, ILBADM_VERB_DEL, &s->key, r);
			if (emit1(d, &c, r->line, &u))
				return -1;
		}
	}
	return 0;
}

static int ph_srv_set(struct diff *d)
{
	const struct ilbadm_cfg_srv *r, *o;
	const struct ilbadm_cfg_svc *s, *n;
	struct ilbadm_cmd c, u;
	size_t i, j;

	for (i = 0; i < d->file->nsvc; i++) {
		s = &d->file->svc[i];
		n = ilbadm_cfg_svc_find(d->node, &s->key);
		for (j = 0; n && j < s->nsrv; j++) {
			r = &s->srv[j];
			o = ilbadm_cfg_srv_find(n, r->addr, r->port);
			if (!o || (o->weight == r->weight && o->fwd == r->fwd &&
				   o->state == r->state &&
				   o->max_conns == r->max_conns &&
				   o->min_conns == r->min_conns))
				continue;
			cmd_srv(&c, ILBADM_VERB_SET, &s->key, r);
			cmd_srv(&u, ILBADM_VERB_SET, &s->key, r);
			if (o->weight != r->weight) {
				c.has_weight = u.has_weight = true;
				c.weight = r->weight;
				u.weight = o->weight;
			}
			if (o->fwd != r->fwd) {
				c.has_fwd = u.has_fwd = true;
				c.fwd = r->fwd;
				u.fwd = o->fwd;
			}
			if (o->state != r->state) {
				c.has_state = u.has_state = true;
				c.state = r->state;
				u.state = o->state;
			}
			/*
			 * The limits together, in one request: the module
			 * checks min-conns against the new max-conns, and a
			 * max-conns 0 (no limit) goes with min-conns 0.
			 */
			if (o->max_conns != r->max_conns ||
			    o->min_conns != r->min_conns) {
				c.has_max_conns = u.has_max_conns = true;
				c.has_min_conns = u.has_min_conns = true;
				c.max_conns = r->max_conns;
				c.min_conns = r->min_conns;
				u.max_conns = o->max_conns;
				u.min_conns = o->min_conns;
			}
			if (emit1(d, &c, r->line, &u))
				return -1;
		}
	}
	return 0;
}

static int ph_srv_del(struct diff *d)
{
	const struct ilbadm_cfg_svc *s, *n;
	const struct ilbadm_cfg_srv *o;
	struct ilbadm_cmd c, u;
	size_t i, j;

	for (i = 0; i < d->file->nsvc; i++) {
		s = &d->file->svc[i];
		n = ilbadm_cfg_svc_find(d->node, &s->key);
		for (j = 0; n && j < n->nsrv; j++) {
			o = &n->srv[j];
			if (ilbadm_cfg_srv_find(s, o->addr, o->port))
				continue;
			cmd_srv(&c, ILBADM_VERB_DEL, &s->key, o);
			cmd_srv_add(&u, &s->key, o);
			if (emit1(d, &c, 0, &u))
				return -1;
		}
	}
	return 0;
}

static int ph_svc_del(struct diff *d)
{
	const struct ilbadm_cfg_svc *n;
	struct ilbadm_change *ch;
	struct ilbadm_cmd c, u;
	size_t i, j;

	for (i = 0; i < d->node->nsvc; i++) {
		n = &d->node->svc[i];
		if (ilbadm_cfg_svc_find(d->file, &n->key))
			continue;
		cmd_svc(&c, ILBADM_VERB_DEL, &n->key);
		ch = emit(d, &c, 0);
		if (!ch)
			return -1;
		/* its connections go with it: undo brings back the rest */
		cmd_svc_add(&u, n);
		if (undo(ch, &u))
			return -1;
		for (j = 0; j < n->nsrv; j++) {
			cmd_srv_add(&u, &n->key, &n->srv[j]);
			if (undo(ch, &u))
				return -1;
		}
	}
	return 0;
}

static int ph_timeout(struct diff *d)
{
	const struct ilbadm_cfg *f = d->file, *n = d->node;
	struct ilbadm_cmd c, u;

	cmd_init(&c, ILBADM_OBJ_TIMEOUT, ILBADM_VERB_SET);
	cmd_init(&u, ILBADM_OBJ_TIMEOUT, ILBADM_VERB_SET);
	if (f->has_tcp && (!n->has_tcp || n->tcp != f->tcp)) {
		c.has_tcp = true;
		c.tcp = f->tcp;
		u.has_tcp = n->has_tcp;
		u.tcp = n->tcp;
	}
	if (f->has_tcpfin && (!n->has_tcpfin || n->tcpfin != f->tcpfin)) {
		c.has_tcpfin = true;
		c.tcpfin = f->tcpfin;
		u.has_tcpfin = n->has_tcpfin;
		u.tcpfin = n->tcpfin;
	}
	if (f->has_udp && (!n->has_udp || n->udp != f->udp)) {
		c.has_udp = true;
		c.udp = f->udp;
		u.has_udp = n->has_udp;
		u.udp = n->udp;
	}
	if (!c.has_tcp && !c.has_tcpfin && !c.has_udp)
		return 0;
	if (!u.has_tcp && !u.has_tcpfin && !u.has_udp) {
		/* the node reported none of them: nothing to go back to */
		struct ilbadm_change *ch = emit(d, &c, f->timeout_line);

		if (!ch)
			return -1;
		ch->no_undo = "the node reported no timeouts";
		return 0;
	}
	return emit1(d, &c, f->timeout_line, &u);
}

/* Whether the cluster differs in what only leaving and joining changes. */
static bool cl_rejoin(const struct ilbadm_cfg_cluster *n,
		      const struct ilbadm_cfg_cluster *f)
{
	bool same_dev = n->ifindex && f->ifindex ? n->ifindex == f->ifindex :
			!strcmp(n->dev, f->dev);

	return n->id != f->id || n->addr != f->addr || !same_dev ||
	       n->score != f->score || n->hello_ms != f->hello_ms ||
	       n->dead_ms != f->dead_ms || n->port != f->port ||
	       n->npeers != f->npeers ||
	       memcmp(n->peers, f->peers, n->npeers * sizeof(n->peers[0])) ||
	       n->cluster != f->cluster || n->insecure != f->insecure;
}

static int ph_cl_set(struct diff *d)
{
	const struct ilbadm_cfg_cluster *n = &d->node->cl, *f = &d->file->cl;
	struct ilbadm_cmd c, u;

	if (!n->joined || !f->joined || d->rejoin)
		return 0;
	cmd_init(&c, ILBADM_OBJ_CLUSTER, ILBADM_VERB_SET);
	cmd_init(&u, ILBADM_OBJ_CLUSTER, ILBADM_VERB_SET);
	if (n->sync != f->sync) {
		c.has_sync = u.has_sync = true;
		c.sync = f->sync;
		u.sync = n->sync;
	}
	if (f->has_cache && n->has_cache && n->cache != f->cache) {
		c.has_cache = u.has_cache = true;
		c.cache = f->cache;
		u.cache = n->cache;
	}
	if (n->weight != f->weight) {
		c.has_weight = u.has_weight = true;
		c.weight = f->weight;
		u.weight = n->weight;
	}
	/* one request: the module checks weight against the new max-weight */
	if (n->max_weight != f->max_weight) {
		c.has_max_weight = u.has_max_weight = true;
		c.max_weight = f->max_weight;
		u.max_weight = n->max_weight;
	}
	if (!c.has_sync && !c.has_cache && !c.has_weight && !c.has_max_weight)
		return 0;
	return emit1(d, &c, f->set_line, &u);
}

/* The key a keyed node has (file and id) is not FILE's. */
static bool cl_key_differs(const struct ilbadm_cfg_cluster *n,
			   const struct ilbadm_cfg_cluster *f)
{
	return strcmp(n->key_file, f->key_file) ||
	       (f->key_id && n->key_id != f->key_id);
}

static int ph_cl_key(struct diff *d)
{
	const struct ilbadm_cfg_cluster *n = &d->node->cl, *f = &d->file->cl;
	struct ilbadm_change *ch;
	struct ilbadm_cmd c, u;

	if (!n->joined || !f->joined || d->rejoin || f->insecure ||
	    !cl_key_differs(n, f))
		return 0;
	cmd_init(&c, ILBADM_OBJ_CLUSTER, ILBADM_VERB_SET);
	c.has_key = true;
	memcpy(c.key_file, f->key_file, sizeof(c.key_file));
	ch = emit(d, &c, f->key_line);
	if (!ch)
		return -1;
	if (!n->key_file[0]) {
		ch->no_undo = "the node's key was not given by a file";
		return 0;
	}
	/* back to the old key: calls the rotation off while it is pending */
	cmd_init(&u, ILBADM_OBJ_CLUSTER, ILBADM_VERB_SET);
	u.has_key = true;
	memcpy(u.key_file, n->key_file, sizeof(u.key_file));
	return undo(ch, &u);
}

/* cluster join with every value, as save prints it */
static void cmd_join(struct ilbadm_cmd *c, const struct ilbadm_cfg_cluster *cl)
{
	cmd_init(c, ILBADM_OBJ_CLUSTER, ILBADM_VERB_JOIN);
	c->has_cl_id = c->has_cl_addr = c->has_weight = c->has_score = true;
	c->has_hello_ms = c->has_dead_ms = c->has_cl_port = true;
	c->has_cluster = c->has_sync = true;
	c->cl_id = cl->id;
	c->cl_addr = cl->addr;
	memcpy(c->cl_dev, cl->dev, sizeof(c->cl_dev));
	c->weight = cl->weight;
	c->score = cl->score;
	c->hello_ms = cl->hello_ms;
	c->dead_ms = cl->dead_ms;
	c->cl_port = cl->port;
	memcpy(c->peers, cl->peers, cl->npeers * sizeof(cl->peers[0]));
	c->npeers = (unsigned int)cl->npeers;
	c->cluster = cl->cluster;
	c->sync = cl->sync;
	c->has_cache = cl->has_cache;
	c->cache = cl->cache;
	/* as save: the default (no limit) is not spelled out */
	c->has_max_weight = cl->max_weight != ILB_MEMBER_WEIGHT_MAX;
	c->max_weight = cl->max_weight;
	c->insecure = cl->insecure;
	if (!cl->insecure) {
		c->has_key = true;
		memcpy(c->key_file, cl->key_file, sizeof(c->key_file));
	}
}

static int ph_cl_leave(struct diff *d)
{
	const struct ilbadm_cfg_cluster *n = &d->node->cl, *f = &d->file->cl;
	struct ilbadm_change *ch;
	struct ilbadm_cmd c, u;

	if (!n->joined || (f->joined && !d->rejoin))
		return 0;
	cmd_init(&c, ILBADM_OBJ_CLUSTER, ILBADM_VERB_LEAVE);
	ch = emit(d, &c, f->joined ? f->line : 0);
	if (!ch)
		return -1;
	if (!n->insecure && !n->key_file[0]) {
		ch->no_undo = "the node's key was not given by a file";
		return 0;
	}
	if (!n->dev[0]) {
		ch->no_undo = "the node's cluster interface is gone";
		return 0;
	}
	cmd_join(&u, n);
	return undo(ch, &u);
}

static int ph_cl_join(struct diff *d)
{
	const struct ilbadm_cfg_cluster *n = &d->node->cl, *f = &d->file->cl;
	struct ilbadm_cmd c, u;

	if (!f->joined || (n->joined && !d->rejoin))
		return 0;
	cmd_join(&c, f);
	cmd_init(&u, ILBADM_OBJ_CLUSTER, ILBADM_VERB_LEAVE);
	return emit1(d, &c, f->line, &u);
}

/* The phases, in the order their changes are made (see the top). */
static int (*const phases[])(struct diff *d) = {
	ph_svc_add,
	ph_svc_set,
	ph_srv_add,
	ph_srv_set,
	ph_srv_del,
	ph_svc_del,
	ph_timeout,
	ph_cl_set,
	ph_cl_key,
	ph_cl_leave,
	ph_cl_join,
};

int ilbadm_diff(const struct ilbadm_cfg *node, const struct ilbadm_cfg *file,
		struct ilbadm_changes *out)
{
	struct diff d = { .node = node, .file = file, .out = out };
	size_t i;

	memset(out, 0, sizeof(*out));
	d.rejoin = node->cl.joined && file->cl.joined &&
		   cl_rejoin(&node->cl, &file->cl);
	for (i = 0; i < ARRAY_SIZE(phases); i++) {
		if (phases[i](&d)) {
			ilbadm_changes_free(out);
			return -1;
		}
	}
	return 0;
}

/* --- commands as text ----------------------------------------------------- */

struct fmt {
	char *buf;
	size_t len, off;
	bool over;
};

__attribute__((format(printf, 2, 3)))
static void put(struct fmt *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->buf + f->off, f->len - f->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= f->len - f->off)
		f->over = true;
	else
		f->off += (size_t)n;
}

/* name, or the number (a value this ilbadm does not know) */
static void put_name(struct fmt *f, const char *kw, const char *name,
		     unsigned int v)
{
	if (name)
		put(f, " %s %s", kw, name);
	else
		put(f, " %s %u", kw, v);
}

static void fmt_cluster(struct fmt *f, const struct ilbadm_cmd *c)
{
	char a[INET_ADDRSTRLEN];
	unsigned int i;

	if (c->has_cl_id)
		put(f, " id %u", c->cl_id);
	if (c->has_cl_addr)
		put(f, " addr %s", ilbadm_fmt_ipv4(c->cl_addr, a, sizeof(a)));
	if (c->cl_dev[0])
		put(f, " dev %s", c->cl_dev);
	if (c->verb == ILBADM_VERB_SET && c->has_sync)
		put_name(f, "sync", ilbadm_sync_name(c->sync), c->sync);
	if (c->verb == ILBADM_VERB_SET && c->has_cache)
		put(f, " cache %u", c->cache);
	if (c->has_weight)
		put(f, " weight %u", c->weight);
	if (c->has_score)
		put_name(f, "score", ilbadm_score_name(c->score), c->score);
	if (c->has_hello_ms)
		put(f, " hello-ms %u", c->hello_ms);
	if (c->has_dead_ms)
		put(f, " dead-ms %u", c->dead_ms);
	if (c->has_cl_port)
		put(f, " port %u", c->cl_port);
	for (i = 0; i < c->npeers; i++)
		put(f, " peer %s", ilbadm_fmt_ipv4(c->peers[i], a, sizeof(a)));
	if (c->has_cluster)
		put(f, " cluster %u", c->cluster);
	if (c->verb != ILBADM_VERB_SET && c->has_sync)
		put_name(f, "sync", ilbadm_sync_name(c->sync), c->sync);
	if (c->verb != ILBADM_VERB_SET && c->has_cache)
		put(f, " cache %u", c->cache);
	if (c->has_max_weight)
		put(f, " max-weight %u", c->max_weight);
	if (c->has_key)
		put(f, " key %s", c->key_file);
	if (c->insecure)
		put(f, " insecure");
}

int ilbadm_cmd_format(const struct ilbadm_cmd *c, char *buf, size_t len)
{
	struct fmt f = { .buf = buf, .len = len };
	char k[KEY_STR], a[AP_STR];

	if (!len)
		return -1;
	buf[0] = '\0';
	put(&f, "%s", ilbadm_cmd_name(c));
	if (c->has_svc)
		put(&f, " %s", key_str(&c->svc, k, sizeof(k)));
	switch (c->obj) {
	case ILBADM_OBJ_SERVICE:
		if (c->has_sched)
			put_name(&f, "sched", ilbadm_sched_name(c->sched),
				 c->sched);
		if (c->has_fwd)
			put_name(&f, "fwd", ilbadm_fwd_name(c->fwd), c->fwd);
		if (c->has_persist)
			put(&f, " persist %u", c->persist);
		if (c->has_netmask)
			put(&f, " netmask /%u", c->netmask);
		if (c->has_group)
			put(&f, " group %u", c->group);
		break;
	case ILBADM_OBJ_SERVER:
		put(&f, " %s", ap_str(c->raddr, c->rport, a, sizeof(a)));
		if (c->has_weight)
			put(&f, " weight %u", c->weight);
		if (c->has_fwd)
			put_name(&f, "fwd", ilbadm_fwd_name(c->fwd), c->fwd);
		if (c->has_state)
			put_name(&f, "state", ilbadm_state_name(c->state),
				 c->state);
		if (c->has_max_conns)
			put(&f, " max-conns %u", c->max_conns);
		if (c->has_min_conns)
			put(&f, " min-conns %u", c->min_conns);
		break;
	case ILBADM_OBJ_TIMEOUT:
		if (c->has_tcp)
			put(&f, " tcp %u", c->tcp);
		if (c->has_tcpfin)
			put(&f, " tcpfin %u", c->tcpfin);
		if (c->has_udp)
			put(&f, " udp %u", c->udp);
		break;
	case ILBADM_OBJ_CLUSTER:
		fmt_cluster(&f, c);
		break;
	case ILBADM_OBJ_APPLY:
		if (c->file)
			put(&f, " %s", c->file);
		if (c->dry_run)
			put(&f, " dry-run");
		break;
	default:
		break;
	}
	if (f.over) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
