// SPDX-License-Identifier: GPL-2.0-only
/*
 * A strict JSON recognizer (RFC 8259: objects, arrays, strings with escapes, numbers, true,
 * false, null), recursive descent over the grammar. It builds nothing: it says whether text is
 * JSON, which is what the tests of `swmmuctl -j` need.
 */
#include <string.h>

#include "json_check.h"

struct jc {
	const char *s;
	size_t len, i;
	int depth;
};

static int jc_value(struct jc *j);

static void jc_ws(struct jc *j)
{
	while (j->i < j->len && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

static int jc_peek(struct jc *j)
{
	return j->i < j->len ? (unsigned char)j->s[j->i] : -1;
}

static int jc_lit(struct jc *j, const char *w)
{
	size_t n = strlen(w);

	if (j->len - j->i < n || memcmp(j->s + j->i, w, n))
		return -1;
	j->i += n;
	return 0;
}

static int jc_string(struct jc *j)
{
	int k;

	if (jc_peek(j) != '"')
		return -1;
	j->i++;
	while (j->i < j->len) {
		unsigned char c = (unsigned char)j->s[j->i++];

		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		c = (unsigned char)jc_peek(j);
		j->i++;
		if (c == 'u') {
			for (k = 0; k < 4; k++, j->i++)
				if (jc_peek(j) <= 0 || !strchr("0123456789abcdefABCDEF", jc_peek(j)))
					return -1;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return -1;
		}
	}
	return -1;
}

static int jc_digits(struct jc *j)
{
	size_t start = j->i;

	while (jc_peek(j) >= '0' && jc_peek(j) <= '9')
		j->i++;
	return j->i > start ? 0 : -1;
}

static int jc_number(struct jc *j)
{
	if (jc_peek(j) == '-')
		j->i++;
	if (jc_peek(j) == '0')
		j->i++;
	else if (jc_digits(j))
		return -1;
	if (jc_peek(j) == '.') {
		j->i++;
		if (jc_digits(j))
			return -1;
	}
	if (jc_peek(j) == 'e' || jc_peek(j) == 'E') {
		j->i++;
		if (jc_peek(j) == '+' || jc_peek(j) == '-')
			j->i++;
		if (jc_digits(j))
			return -1;
	}
	return 0;
}

/* An object ('{' ... '}') or array ('[' ... ']'); @obj says which. */
static int jc_container(struct jc *j, int obj)
{
	int close = obj ? '}' : ']';

	if (++j->depth > 64)
		return -1;
	j->i++;
	jc_ws(j);
	if (jc_peek(j) == close) {
		j->i++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jc_ws(j);
		if (obj) {
			if (jc_string(j))
				return -1;
			jc_ws(j);
			if (jc_peek(j) != ':')
				return -1;
			j->i++;
		}
		if (jc_value(j))
			return -1;
		jc_ws(j);
		if (jc_peek(j) == ',') {
			j->i++;
			continue;
		}
		if (jc_peek(j) != close)
			return -1;
		j->i++;
		j->depth--;
		return 0;
	}
}

static int jc_value(struct jc *j)
{
	int c;

	jc_ws(j);
	c = jc_peek(j);
	if (c == '{' || c == '[')
		return jc_container(j, c == '{');
	if (c == '"')
		return jc_string(j);
	if (c == 't')
		return jc_lit(j, "true");
	if (c == 'f')
		return jc_lit(j, "false");
	if (c == 'n')
		return jc_lit(j, "null");
	return jc_number(j);
}

int json_check_object(const char *s, size_t len, size_t *at)
{
	struct jc j = { .s = s, .len = len };
	int ret;

	jc_ws(&j);
	ret = jc_peek(&j) == '{' ? jc_value(&j) : -1;
	if (!ret) {
		jc_ws(&j);
		ret = j.i == len ? 0 : -1;
	}
	if (at)
		*at = j.i;
	return ret;
}
