// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm apply FILE [dry-run]: make the node's configuration equal to
 * FILE, changing only what differs.
 *
 * FILE is read, checked and turned into a configuration (diff.c) before
 * any netlink I/O: its interface and key files are looked up here too, so
 * that an error in FILE changes nothing. Then the node is read as save
 * reads it, the changes listed (ilbadm_diff()) and made one by one with
 * the commands' own code (ilbadm_run()). If one fails, those made are
 * undone in reverse order and the error is reported with its line of
 * FILE. The changes are printed once they are all made (or, dry-run,
 * instead of making them): one command a line, or with -j a JSON array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "ilbadm.h"
#include "diff.h"

/* The module parameter behind a join's default cache. */
#define CACHE_MAX_PARAM	"/sys/module/ilb/parameters/cache_max"

/* FILE's join: its interface's index, its key's absolute name and id. */
static int resolve_cluster(struct ilbadm_cfg_cluster *cl)
{
	char abs[ILB_CLUSTER_KEY_FILE_MAX], why[ILBADM_ERRLEN];
	uint8_t key[ILB_CLUSTER_KEY_LEN], id = 0;
	unsigned int cache;
	FILE *f;
	int r;

	errno = 0;
	cl->ifindex = if_nametoindex(cl->dev);
	if (!cl->ifindex) {
		fprintf(stderr, "ilbadm: apply: line %u: cluster join: dev %s: %s\n",
			cl->line, cl->dev,
			errno && errno != ENODEV && errno != ENXIO ?
			strerror(errno) : "no such device");
		return -1;
	}
	if (!cl->insecure) {
		r = ilbadm_key_read(cl->key_file, key, abs, why, sizeof(why));
		if (!r && ilbadm_key_id(key, &id)) {
			r = ilbadm_fail(why, sizeof(why),
				 "key file \"%.64s\": no BLAKE2s in OpenSSL to compare it",
				 cl->key_file);
		}
		explicit_bzero(key, sizeof(key));
		if (r) {
			fprintf(stderr, "ilbadm: apply: line %u: %s\n",
				cl->key_line, why);
			return -1;
		}
		memcpy(cl->key_file, abs, sizeof(cl->key_file));
		cl->key_id = id;
	}
	/* A join without cache gets the module's: compare with that. */
	if (!cl->has_cache) {
		f = fopen(CACHE_MAX_PARAM, "re");
		if (f && fscanf(f, "%u", &cache) == 1) {
			cl->has_cache = true;
			cl->cache = cache;
		}
		if (f)
			fclose(f);
	}
	return 0;
}

int ilbadm_apply_read(const struct ilbadm_cmd *c, struct ilbadm_cfg *want)
{
	struct ilbadm_script s;
	char err[ILBADM_ERRLEN];
	bool in = !strcmp(c->file, "-");
	size_t i;
	FILE *f;
	int r;

	ilbadm_cfg_init(want);
	f = in ? stdin : fopen(c->file, "re");
	if (!f) {
		fprintf(stderr, "ilbadm: apply: %s: %s\n", c->file,
			strerror(errno));
		return ILBADM_ERR;
	}
	r = ilbadm_script_read(f, "apply", &s);
	if (!in)
		fclose(f);
	if (r != ILBADM_OK)
		return ILBADM_ERR;
	for (i = 0; i < s.n; i++) {
		if (ilbadm_cfg_cmd(want, &s.cmd[i], s.line[i], err,
				   sizeof(err))) {
			fprintf(stderr, "ilbadm: apply: line %u: %s\n",
				s.line[i], err);
			ilbadm_script_free(&s);
			ilbadm_cfg_free(want);
			return ILBADM_ERR;
		}
	}
	ilbadm_script_free(&s);
	if (want->cl.joined && resolve_cluster(&want->cl)) {
		ilbadm_cfg_free(want);
		return ILBADM_ERR;
	}
	return ILBADM_OK;
}

/* The node's services and servers, as service show lists them. */
static int node_services(struct ilbadm_nl *nl, struct ilbadm_cfg *node)
{
	const struct ilbadm_srv *r;
	struct ilbadm_cfg_srv *cr;
	struct ilbadm_cfg_svc *cs;
	struct ilbadm_svc_list l;
	const struct ilbadm_svc *s;
	size_t i, j;

	if (ilbadm_svc_load(nl, NULL, &l, "apply"))
		return -1;
	for (i = 0; i < l.n; i++) {
		s = &l.v[i];
		cs = ilbadm_cfg_svc_add(node, &s->key);
		if (!cs)
			goto nomem;
		cs->sched = s->sched;
		cs->fwd = s->fwd;
		cs->persist = s->persist;
		cs->netmask = s->netmask;
		cs->group = s->group;
		for (j = 0; j < s->nsrv; j++) {
			r = &s->srv[j];
			cr = ilbadm_cfg_srv_add(cs, r->addr, r->port);
			if (!cr)
				goto nomem;
			cr->weight = r->weight;
			cr->fwd = r->fwd;
			cr->state = r->state;
			/* as save: a min-conns without a limit is none */
			cr->max_conns = r->max_conns;
			cr->min_conns = r->max_conns ? r->min_conns : 0;
			cr->conns = r->active + r->inactive;
		}
	}
	ilbadm_svc_list_free(&l);
	return 0;
nomem:
	ilbadm_svc_list_free(&l);
	fprintf(stderr, "ilbadm: apply: %s\n", strerror(ENOMEM));
	return -1;
}

static void node_cluster(const struct ilbadm_cluster *cl,
			 struct ilbadm_cfg_cluster *c)
{
	char dev[IF_NAMESIZE];

	memset(c, 0, sizeof(*c));
	c->joined = true;
	c->id = cl->id;
	c->addr = cl->addr;
	c->ifindex = cl->ifindex;
	if (if_indextoname(cl->ifindex, dev) && strlen(dev) < sizeof(c->dev))
		memcpy(c->dev, dev, strlen(dev) + 1);
	c->weight = cl->weight;
	c->score = cl->score;
	c->hello_ms = cl->hello_ms;
	c->dead_ms = cl->dead_ms;
	c->port = cl->port;
	memcpy(c->peers, cl->peers, cl->npeers * sizeof(cl->peers[0]));
	c->npeers = cl->npeers;		/* sorted as diff.c sorts them */
	c->cluster = cl->cluster;
	c->sync = cl->sync;
	c->has_cache = true;
	c->cache = cl->cache;
	c->max_weight = cl->has_max_weight ? cl->max_weight :
			ILB_MEMBER_WEIGHT_MAX;
	/* A module without keys reports no state: it is insecure too. */
	c->insecure = !cl->has_key_state || cl->key_state == ILB_KEY_NONE;
	memcpy(c->key_file, cl->key_file, sizeof(c->key_file));
	/* the key it moves to: the new one while a rotation is pending */
	if (cl->key_state == ILB_KEY_PENDING && cl->key_next_id)
		c->key_id = cl->key_next_id;
	else
		c->key_id = cl->key_id;
}

/* The node's configuration, everything save prints. */
static int node_load(struct ilbadm_nl *nl, struct ilbadm_cfg *node)
{
	struct ilbadm_timeouts t;
	struct ilbadm_cluster cl;
	struct ilbadm_nlerr e;

	ilbadm_cfg_init(node);
	if (node_services(nl, node))
		goto fail;
	if (ilbadm_timeout_get(nl, &t, &e)) {
		ilbadm_nl_perror("apply", ILBADM_WHAT_OTHER, &e);
		goto fail;
	}
	node->has_tcp = t.has_tcp;
	node->tcp = t.tcp;
	node->has_tcpfin = t.has_tcpfin;
	node->tcpfin = t.tcpfin;
	node->has_udp = t.has_udp;
	node->udp = t.udp;
	if (!ilbadm_cluster_get(nl, &cl, &e)) {
		node_cluster(&cl, &node->cl);
		ilbadm_cluster_free(&cl);
	} else if (!e.kernel || (e.err != ENOENT && e.err != EOPNOTSUPP)) {
		/* not in a cluster, or a module without: not joined */
		ilbadm_nl_perror("apply", ILBADM_WHAT_OTHER, &e);
		goto fail;
	}
	return 0;
fail:
	ilbadm_cfg_free(node);
	return -1;
}

static int run_with_prefix(struct ilbadm_nl *nl, const struct ilbadm_cmd *c,
			   const char *prefix)
{
	int r;

	ilbadm_err_prefix = prefix;
	r = ilbadm_run(nl, c);
	ilbadm_err_prefix = "";
	return r;
}

/*
 * Undoes the first done changes, last first. Each failure is reported;
 * then one line says how many changes stay made.
 */
static void rollback(struct ilbadm_nl *nl, const struct ilbadm_changes *ch,
		     size_t done)
{
	const struct ilbadm_change *x;
	char text[ILBADM_CMD_LEN];
	size_t j, failed = 0;

	while (done--) {
		x = &ch->v[done];
		if (x->no_undo) {
			ilbadm_cmd_format(&x->cmd, text, sizeof(text));
			fprintf(stderr, "ilbadm: apply: cannot undo \"%s\": %s\n",
				text, x->no_undo);
			failed++;
			continue;
		}
		for (j = 0; j < x->nundo; j++) {
			if (run_with_prefix(nl, &x->undo[j], "apply: undo: ")) {
				failed++;
				break;
			}
		}
	}
	if (failed)
		fprintf(stderr,
			"ilbadm: apply: %zu change%s not undone: the node has part of FILE (see ilbadm save)\n",
			failed, failed == 1 ? "" : "s");
}

static void print_changes(const struct ilbadm_changes *ch)
{
	char text[ILBADM_CMD_LEN], name[32], *verb;
	const struct ilbadm_change *x;
	struct ilbadm_json j;
	size_t i;

	if (ilbadm_opts.json) {
		ilbadm_json_init(&j, stdout);
		ilbadm_json_arr_open(&j);
	}
	for (i = 0; i < ch->n; i++) {
		x = &ch->v[i];
		ilbadm_cmd_format(&x->cmd, text, sizeof(text));
		if (!ilbadm_opts.json) {
			puts(text);
			continue;
		}
		/* "server set": object "server", verb "set" */
		snprintf(name, sizeof(name), "%s", ilbadm_cmd_name(&x->cmd));
		verb = strchr(name, ' ');
		if (verb)
			*verb++ = '\0';
		ilbadm_json_obj_open(&j);
		ilbadm_json_kv_str(&j, "object", name);
		ilbadm_json_kv_str(&j, "verb", verb ? verb : "");
		ilbadm_json_kv_uint(&j, "line", x->line);
		ilbadm_json_kv_str(&j, "command", text);
		ilbadm_json_obj_close(&j);
	}
	if (ilbadm_opts.json) {
		ilbadm_json_arr_close(&j);
		ilbadm_json_end(&j);
	}
}

int ilbadm_apply(struct ilbadm_nl *nl, const struct ilbadm_cmd *c,
		 const struct ilbadm_cfg *want)
{
	struct ilbadm_changes ch;
	struct ilbadm_cfg node;
	char prefix[48];
	size_t i;
	int r = ILBADM_OK;

	if (node_load(nl, &node))
		return ILBADM_ERR;
	if (ilbadm_diff(&node, want, &ch)) {
		fprintf(stderr, "ilbadm: apply: %s\n", strerror(ENOMEM));
		ilbadm_cfg_free(&node);
		return ILBADM_ERR;
	}
	for (i = 0; !c->dry_run && i < ch.n; i++) {
		if (ch.v[i].line)
			snprintf(prefix, sizeof(prefix), "apply: line %u: ",
				 ch.v[i].line);
		else
			snprintf(prefix, sizeof(prefix), "apply: ");
		if (run_with_prefix(nl, &ch.v[i].cmd, prefix)) {
			rollback(nl, &ch, i);
			r = ILBADM_ERR;
			break;
		}
	}
	if (r == ILBADM_OK)
		print_changes(&ch);
	ilbadm_changes_free(&ch);
	ilbadm_cfg_free(&node);
	return r;
}
