// SPDX-License-Identifier: GPL-2.0
/*
 * ilbadm: a tiny streaming JSON writer.
 */
#include <inttypes.h>

#include "json.h"

void ilbadm_json_init(struct ilbadm_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* Before any value or key: the comma that separates it from the last. */
static void sep(struct ilbadm_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

static void j_open(struct ilbadm_json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	if (j->depth < ILBADM_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void j_close(struct ilbadm_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void ilbadm_json_obj_open(struct ilbadm_json *j)
{
	j_open(j, '{');
}

void ilbadm_json_obj_close(struct ilbadm_json *j)
{
	j_close(j, '}');
}

void ilbadm_json_arr_open(struct ilbadm_json *j)
{
	j_open(j, '[');
}

void ilbadm_json_arr_close(struct ilbadm_json *j)
{
	j_close(j, ']');
}

void ilbadm_json_write_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void ilbadm_json_key(struct ilbadm_json *j, const char *key)
{
	sep(j);
	ilbadm_json_write_string(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void ilbadm_json_str(struct ilbadm_json *j, const char *s)
{
	sep(j);
	ilbadm_json_write_string(j->f, s);
}

void ilbadm_json_uint(struct ilbadm_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void ilbadm_json_bool(struct ilbadm_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void ilbadm_json_milli(struct ilbadm_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64 ".%03u", v / 1000, (unsigned int)(v % 1000));
}

void ilbadm_json_end(struct ilbadm_json *j)
{
	fputc('\n', j->f);
}

void ilbadm_json_kv_str(struct ilbadm_json *j, const char *key,
			const char *s)
{
	ilbadm_json_key(j, key);
	ilbadm_json_str(j, s);
}

void ilbadm_json_kv_uint(struct ilbadm_json *j, const char *key, uint64_t v)
{
	ilbadm_json_key(j, key);
	ilbadm_json_uint(j, v);
}

void ilbadm_json_kv_bool(struct ilbadm_json *j, const char *key, bool v)
{
	ilbadm_json_key(j, key);
	ilbadm_json_bool(j, v);
}

void ilbadm_json_kv_milli(struct ilbadm_json *j, const char *key, uint64_t v)
{
	ilbadm_json_key(j, key);
	ilbadm_json_milli(j, v);
}
