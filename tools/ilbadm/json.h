/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ilbadm: a tiny streaming JSON writer. Commas and nesting are tracked for
 * the caller; strings are escaped per RFC 8259. Output is one line.
 */
#ifndef ILBADM_JSON_H
#define ILBADM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define ILBADM_JSON_DEPTH	16

struct ilbadm_json {
	FILE *f;
	int depth;
	bool first[ILBADM_JSON_DEPTH];	/* no element yet at this level */
	bool after_key;			/* a value completes a "key": */
};

void ilbadm_json_init(struct ilbadm_json *j, FILE *f);
void ilbadm_json_obj_open(struct ilbadm_json *j);
void ilbadm_json_obj_close(struct ilbadm_json *j);
void ilbadm_json_arr_open(struct ilbadm_json *j);
void ilbadm_json_arr_close(struct ilbadm_json *j);
void ilbadm_json_key(struct ilbadm_json *j, const char *key);
void ilbadm_json_str(struct ilbadm_json *j, const char *s);
void ilbadm_json_uint(struct ilbadm_json *j, uint64_t v);
void ilbadm_json_bool(struct ilbadm_json *j, bool v);
/* v thousandths as a number with three decimals: 331 is 0.331. */
void ilbadm_json_milli(struct ilbadm_json *j, uint64_t v);
/* Ends the document with a newline (after the outermost close). */
void ilbadm_json_end(struct ilbadm_json *j);

/* "key": value shorthands inside an object. */
void ilbadm_json_kv_str(struct ilbadm_json *j, const char *key,
			const char *s);
void ilbadm_json_kv_uint(struct ilbadm_json *j, const char *key, uint64_t v);
void ilbadm_json_kv_bool(struct ilbadm_json *j, const char *key, bool v);
void ilbadm_json_kv_milli(struct ilbadm_json *j, const char *key, uint64_t v);

/* Writes s as a quoted, escaped JSON string. */
void ilbadm_json_write_string(FILE *f, const char *s);

#endif /* ILBADM_JSON_H */
