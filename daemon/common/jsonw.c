// SPDX-License-Identifier: GPL-2.0-only
/* A minimal streaming JSON writer (see jsonw.h). */
#include <inttypes.h>

#include "jsonw.h"

void jsonw_init(struct jsonw *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

void jsonw_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void jsonw_key(struct jsonw *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (key) {
		jsonw_quote(j->out, key);
		fputc(':', j->out);
	}
}

static void jsonw_open(struct jsonw *j, const char *key, char c)
{
	jsonw_key(j, key);
	fputc(c, j->out);
	if (j->depth < JSONW_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void jsonw_close(struct jsonw *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
	if (!j->depth)
		fputc('\n', j->out);
}

void jsonw_obj_open(struct jsonw *j, const char *key)
{
	jsonw_open(j, key, '{');
}

void jsonw_obj_close(struct jsonw *j)
{
	jsonw_close(j, '}');
}

void jsonw_arr_open(struct jsonw *j, const char *key)
{
	jsonw_open(j, key, '[');
}

void jsonw_arr_close(struct jsonw *j)
{
	jsonw_close(j, ']');
}

void jsonw_str(struct jsonw *j, const char *key, const char *v)
{
	jsonw_key(j, key);
	jsonw_quote(j->out, v);
}

void jsonw_u64(struct jsonw *j, const char *key, uint64_t v)
{
	jsonw_key(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void jsonw_bool(struct jsonw *j, const char *key, bool v)
{
	jsonw_key(j, key);
	fputs(v ? "true" : "false", j->out);
}

void jsonw_null(struct jsonw *j, const char *key)
{
	jsonw_key(j, key);
	fputs("null", j->out);
}
