// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm restore: read commands (as save prints them) from a file, check
 * them all, then run them in order over one socket, stopping at the first
 * error. Blank lines and '#' comments are skipped; a line may start with
 * the word "ilbadm". Key files are read when their lines are checked too
 * (and again when they run), so a bad one changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilbadm.h"

void ilbadm_script_free(struct ilbadm_script *s)
{
	free(s->cmd);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

static int append(struct ilbadm_script *s, size_t *cap,
		  const struct ilbadm_cmd *c, unsigned int line)
{
	struct ilbadm_cmd *cmd;
	unsigned int *ln;

	if (s->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		cmd = realloc(s->cmd, *cap * sizeof(*cmd));
		if (!cmd)
			return -1;
		s->cmd = cmd;
		ln = realloc(s->line, *cap * sizeof(*ln));
		if (!ln)
			return -1;
		s->line = ln;
	}
	s->cmd[s->n] = *c;
	s->line[s->n] = line;
	s->n++;
	return 0;
}

int ilbadm_script_read(FILE *f, const char *what, struct ilbadm_script *s)
{
	char *argv[ILBADM_MAX_ARGS + 1], err[ILBADM_ERRLEN];
	struct ilbadm_cmd c;
	unsigned int line = 0;
	size_t cap = 0, bufsz = 0;
	char *buf = NULL;
	int argc, skip;

	memset(s, 0, sizeof(*s));
	while (getline(&buf, &bufsz, f) >= 0) {
		line++;
		argc = ilbadm_split_line(buf, argv, ILBADM_MAX_ARGS);
		if (argc < 0) {
			snprintf(err, sizeof(err), "too many words");
			goto bad;
		}
		skip = argc > 0 && !strcmp(argv[0], "ilbadm");
		if (argc - skip == 0)
			continue;
		if (ilbadm_parse_cmd(argc - skip, argv + skip, &c, err,
				     sizeof(err)) != ILBADM_OK)
			goto bad;
		if (c.obj == ILBADM_OBJ_RESTORE || c.obj == ILBADM_OBJ_APPLY) {
			snprintf(err, sizeof(err), "%s cannot be nested",
				 ilbadm_cmd_name(&c));
			goto bad;
		}
		if (c.obj == ILBADM_OBJ_CLUSTER &&
		    c.verb == ILBADM_VERB_GENKEY) {
			snprintf(err, sizeof(err),
				 "cluster genkey is not a configuration");
			goto bad;
		}
		if (ilbadm_key_check(&c, err, sizeof(err)))
			goto bad;
		if (append(s, &cap, &c, line)) {
			snprintf(err, sizeof(err), "%s", strerror(ENOMEM));
			goto bad;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "ilbadm: %s: %s\n", what, strerror(errno));
		goto fail;
	}
	free(buf);
	return ILBADM_OK;
bad:
	fprintf(stderr, "ilbadm: %s: line %u: %s\n", what, line, err);
fail:
	free(buf);
	ilbadm_script_free(s);
	return ILBADM_ERR;
}

int ilbadm_restore_read(FILE *f, struct ilbadm_script *s)
{
	return ilbadm_script_read(f, "restore", s);
}

int ilbadm_restore_run(struct ilbadm_nl *nl, const struct ilbadm_script *s)
{
	char prefix[48];
	size_t i;
	int r = ILBADM_OK;

	for (i = 0; i < s->n && r == ILBADM_OK; i++) {
		snprintf(prefix, sizeof(prefix), "restore: line %u: ",
			 s->line[i]);
		ilbadm_err_prefix = prefix;
		r = ilbadm_run(nl, &s->cmd[i]);
		fflush(stdout);
	}
	ilbadm_err_prefix = "";
	return r;
}
