/* SPDX-License-Identifier: GPL-2.0-only */
/* A minimal streaming JSON writer (objects, arrays, strings, numbers) for `swmmuctl -j`. */
#ifndef JSONW_H
#define JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_DEPTH 16

struct jsonw {
	FILE *out;
	int depth;
	bool first[JSONW_DEPTH];
};

void jsonw_init(struct jsonw *j, FILE *out);
void jsonw_obj_open(struct jsonw *j, const char *key);	/* key NULL inside an array / at top */
void jsonw_obj_close(struct jsonw *j);
void jsonw_arr_open(struct jsonw *j, const char *key);
void jsonw_arr_close(struct jsonw *j);
void jsonw_str(struct jsonw *j, const char *key, const char *v);
void jsonw_u64(struct jsonw *j, const char *key, uint64_t v);
void jsonw_bool(struct jsonw *j, const char *key, bool v);
void jsonw_null(struct jsonw *j, const char *key);
/* A JSON string for C string s, written to out (quotes included). */
void jsonw_quote(FILE *out, const char *s);

#endif /* JSONW_H */
