// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud's configuration file, parsed with libconfig (Debian's libconfig9; see
 * docs/control-plane.md for why). Syntax errors come with the line libconfig reports; errors in
 * the values come with the line and the column of the setting in the file.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swmmud.h"

struct cfg_ctx {
	const char *path;
	char *err;
	size_t errlen;
	char **lines;	/* the file, for columns */
	unsigned int nr_lines;
};

static void cfg_read_lines(struct cfg_ctx *x)
{
	FILE *f = fopen(x->path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char **n = realloc(x->lines, (x->nr_lines + 1) * sizeof(*n));

		if (!n)
			break;
		x->lines = n;
		x->lines[x->nr_lines] = strdup(line);
		if (!x->lines[x->nr_lines])
			break;
		x->nr_lines++;
	}
	free(line);
	fclose(f);
}

/* Column (1-based) of a setting: where its name, or else its value, starts on its line. */
static unsigned int cfg_column(const struct cfg_ctx *x, const config_setting_t *s)
{
	unsigned int line = config_setting_source_line(s);
	const char *name = config_setting_name(s), *l, *p;

	if (!line || line > x->nr_lines)
		return 0;
	l = x->lines[line - 1];
	p = name ? strstr(l, name) : NULL;
	if (!p)
		for (p = l; *p == ' ' || *p == '\t'; p++)
			;
	return (unsigned int)(p - l) + 1;
}

static int cfg_fail(struct cfg_ctx *x, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfg_fail(struct cfg_ctx *x, const config_setting_t *s, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(x->err, x->errlen, "%s:%u:%u: ", x->path,
			     s ? config_setting_source_line(s) : 0, s ? cfg_column(x, s) : 0);
	if (n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A number: an integer setting, or a string with 0x / K M G T suffixes. */
static int cfg_u64(struct cfg_ctx *x, const config_setting_t *s, uint64_t *v)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(s) < 0)
			return cfg_fail(x, s, "%s must not be negative", config_setting_name(s));
		*v = (uint64_t)config_setting_get_int64(s);
		return 0;
	case CONFIG_TYPE_STRING:
		if (swnl_parse_u64(config_setting_get_string(s), v))
			return cfg_fail(x, s, "%s: \"%s\" is not a size or address",
					config_setting_name(s), config_setting_get_string(s));
		return 0;
	default:
		return cfg_fail(x, s, "%s must be a number or a string like \"64K\"",
				config_setting_name(s));
	}
}

static int cfg_name(struct cfg_ctx *x, const config_setting_t *grp, const char *key, char *out,
		    bool required)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	const char *v;

	if (!s) {
		if (required)
			return cfg_fail(x, grp, "missing \"%s\"", key);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(x, s, "%s must be a string", key);
	v = config_setting_get_string(s);
	if (!*v || strlen(v) >= SWMMU_NL_NAME_LEN)
		return cfg_fail(x, s, "%s must have 1 to %d characters", key,
				SWMMU_NL_NAME_LEN - 1);
	strcpy(out, v);
	return 0;
}

static int cfg_check_keys(struct cfg_ctx *x, const config_setting_t *grp,
			  const char *const *keys)
{
	unsigned int i, k;

	for (i = 0; i < (unsigned int)config_setting_length(grp); i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);

		for (k = 0; keys[k]; k++)
			if (name && !strcmp(name, keys[k]))
				break;
		if (!keys[k])
			return cfg_fail(x, s, "unknown setting \"%s\"", name ? name : "?");
	}
	return 0;
}

static int cfg_region(struct cfg_ctx *x, const config_setting_t *g, struct cfg_region *r)
{
	static const char *const keys[] = { "iova", "size", "prot", "pgsize", NULL };
	const config_setting_t *s;
	int ret;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_fail(x, g, "a region is a group { iova = ...; size = ...; }");
	ret = cfg_check_keys(x, g, keys);
	if (ret)
		return ret;
	s = config_setting_get_member(g, "iova");
	if (!s)
		return cfg_fail(x, g, "region: missing \"iova\"");
	if (cfg_u64(x, s, &r->iova))
		return -EINVAL;
	s = config_setting_get_member(g, "size");
	if (!s)
		return cfg_fail(x, g, "region: missing \"size\"");
	if (cfg_u64(x, s, &r->size))
		return -EINVAL;
	if (!r->size || (r->size & 4095) || (r->iova & 4095))
		return cfg_fail(x, s, "region: iova and size must be multiples of 4K, size > 0");
	r->prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE;
	s = config_setting_get_member(g, "prot");
	if (s && (config_setting_type(s) != CONFIG_TYPE_STRING ||
		  swnl_prot_parse(config_setting_get_string(s), &r->prot)))
		return cfg_fail(x, s, "prot is a string of r w x u g, or \"none\"");
	s = config_setting_get_member(g, "pgsize");
	if (s) {
		if (cfg_u64(x, s, &r->pgsize))
			return -EINVAL;
		if (r->pgsize < 4096 || (r->pgsize & (r->pgsize - 1)))
			return cfg_fail(x, s, "pgsize must be a power of two of at least 4K");
	}
	return 0;
}

static int cfg_as(struct cfg_ctx *x, const config_setting_t *g, struct cfg_as *a)
{
	static const char *const keys[] = {
		"name", "format", "va_bits", "owner", "group", "mode", "fault", "fault_quota",
		"regions", NULL
	};
	const config_setting_t *s;
	uint64_t v;
	unsigned int i;
	int ret;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_fail(x, g, "an address space is a group { name = ...; ... }");
	ret = cfg_check_keys(x, g, keys);
	if (!ret)
		ret = cfg_name(x, g, "name", a->name, true);
	if (!ret)
		ret = cfg_name(x, g, "format", a->format, true);
	if (ret)
		return ret;
	a->mode = 0600;
	if ((s = config_setting_get_member(g, "va_bits"))) {
		if (cfg_u64(x, s, &v))
			return -EINVAL;
		if (v < 1 || v > 64)
			return cfg_fail(x, s, "va_bits must be 1..64");
		a->va_bits = (unsigned int)v;
	}
	if ((s = config_setting_get_member(g, "owner"))) {
		if (cfg_u64(x, s, &v) || v > 0xfffffffeULL)
			return cfg_fail(x, s, "owner must be a uid");
		a->uid = (uint32_t)v;
	}
	if ((s = config_setting_get_member(g, "group"))) {
		if (cfg_u64(x, s, &v) || v > 0xfffffffeULL)
			return cfg_fail(x, s, "group must be a gid");
		a->gid = (uint32_t)v;
	}
	if ((s = config_setting_get_member(g, "mode"))) {
		char *end;

		if (config_setting_type(s) == CONFIG_TYPE_STRING) {
			v = strtoul(config_setting_get_string(s), &end, 8);
			if (*end || end == config_setting_get_string(s))
				v = 01000;
		} else if (config_setting_type(s) == CONFIG_TYPE_INT) {
			v = (uint64_t)config_setting_get_int(s);
		} else {
			v = 01000;
		}
		if (v > 0777)
			return cfg_fail(x, s, "mode must be octal 0000..0777, e.g. \"0660\"");
		a->mode = (unsigned int)v;
	}
	if ((s = config_setting_get_member(g, "fault"))) {
		int m = config_setting_type(s) == CONFIG_TYPE_STRING ?
			swnl_fault_mode_parse(config_setting_get_string(s)) : -1;

		if (m < 0)
			return cfg_fail(x, s, "fault must be \"fail\", \"log\" or \"serve\"");
		a->fault = (unsigned int)m;
	}
	if ((s = config_setting_get_member(g, "fault_quota")) && cfg_u64(x, s, &a->quota))
		return -EINVAL;
	s = config_setting_get_member(g, "regions");
	if (!s)
		return 0;
	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return cfg_fail(x, s, "regions is a list ( { ... }, { ... } )");
	a->nr_regions = (unsigned int)config_setting_length(s);
	a->regions = calloc(a->nr_regions ? a->nr_regions : 1, sizeof(*a->regions));
	if (!a->regions)
		return cfg_fail(x, s, "out of memory");
	for (i = 0; i < a->nr_regions; i++) {
		ret = cfg_region(x, config_setting_get_elem(s, i), &a->regions[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int cfg_fmt(struct cfg_ctx *x, const config_setting_t *g, struct cfg_fmt *f)
{
	static const char *const keys[] = { "name", "text", "file", NULL };
	const config_setting_t *s;
	int ret;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_fail(x, g, "a format is a group { name = ...; text = ...; }");
	ret = cfg_check_keys(x, g, keys);
	if (!ret)
		ret = cfg_name(x, g, "name", f->name, true);
	if (ret)
		return ret;
	if ((s = config_setting_get_member(g, "text"))) {
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return cfg_fail(x, s, "text must be a string");
		f->text = strdup(config_setting_get_string(s));
	} else if ((s = config_setting_get_member(g, "file"))) {
		FILE *fp;
		size_t n;

		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return cfg_fail(x, s, "file must be a string");
		fp = fopen(config_setting_get_string(s), "r");
		if (!fp)
			return cfg_fail(x, s, "%s: %s", config_setting_get_string(s),
					strerror(errno));
		f->text = calloc(1, SWMMU_NL_FORMAT_TEXT_LEN);
		n = f->text ? fread(f->text, 1, SWMMU_NL_FORMAT_TEXT_LEN - 1, fp) : 0;
		fclose(fp);
		if (f->text)
			f->text[n] = 0;
	} else {
		return cfg_fail(x, g, "format: give \"text\" or \"file\"");
	}
	if (!f->text)
		return cfg_fail(x, g, "out of memory");
	if (strlen(f->text) >= SWMMU_NL_FORMAT_TEXT_LEN)
		return cfg_fail(x, s, "format description longer than %d bytes",
				SWMMU_NL_FORMAT_TEXT_LEN - 1);
	return 0;
}

void cfg_free(struct cfg *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->nr_fmts; i++)
		free(c->fmts[i].text);
	for (i = 0; i < c->nr_as; i++)
		free(c->as[i].regions);
	free(c->fmts);
	free(c->as);
	free(c);
}

const struct cfg_as *cfg_find_as(const struct cfg *c, const char *name)
{
	unsigned int i;

	for (i = 0; c && i < c->nr_as; i++)
		if (!strcmp(c->as[i].name, name))
			return &c->as[i];
	return NULL;
}

static int cfg_parse(struct cfg_ctx *x, config_t *cf, struct cfg *c)
{
	static const char *const keys[] = { "formats", "address_spaces", NULL };
	config_setting_t *root = config_root_setting(cf), *s;
	unsigned int i, j;
	int ret;

	ret = cfg_check_keys(x, root, keys);
	if (ret)
		return ret;
	if ((s = config_setting_get_member(root, "formats"))) {
		if (!config_setting_is_list(s))
			return cfg_fail(x, s, "formats is a list ( { ... } )");
		c->nr_fmts = (unsigned int)config_setting_length(s);
		c->fmts = calloc(c->nr_fmts ? c->nr_fmts : 1, sizeof(*c->fmts));
		if (!c->fmts)
			return cfg_fail(x, s, "out of memory");
		for (i = 0; i < c->nr_fmts; i++) {
			ret = cfg_fmt(x, config_setting_get_elem(s, i), &c->fmts[i]);
			if (ret)
				return ret;
			for (j = 0; j < i; j++)
				if (!strcmp(c->fmts[j].name, c->fmts[i].name))
					return cfg_fail(x, config_setting_get_elem(s, i),
							"format \"%s\" defined twice",
							c->fmts[i].name);
		}
	}
	if ((s = config_setting_get_member(root, "address_spaces"))) {
		if (!config_setting_is_list(s))
			return cfg_fail(x, s, "address_spaces is a list ( { ... } )");
		c->nr_as = (unsigned int)config_setting_length(s);
		c->as = calloc(c->nr_as ? c->nr_as : 1, sizeof(*c->as));
		if (!c->as)
			return cfg_fail(x, s, "out of memory");
		for (i = 0; i < c->nr_as; i++) {
			ret = cfg_as(x, config_setting_get_elem(s, i), &c->as[i]);
			if (ret)
				return ret;
			for (j = 0; j < i; j++)
				if (!strcmp(c->as[j].name, c->as[i].name))
					return cfg_fail(x, config_setting_get_elem(s, i),
							"address space \"%s\" defined twice",
							c->as[i].name);
		}
	}
	return 0;
}

struct cfg *cfg_load(const char *path, char *err, size_t errlen)
{
	struct cfg_ctx x = { .path = path, .err = err, .errlen = errlen };
	struct cfg *c = calloc(1, sizeof(*c));
	config_t cf;
	unsigned int i;
	int ret;

	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s:%d: %s", config_error_file(&cf) ?
				 config_error_file(&cf) : path, config_error_line(&cf),
				 config_error_text(&cf));
		config_destroy(&cf);
		free(c);
		return NULL;
	}
	cfg_read_lines(&x);
	ret = cfg_parse(&x, &cf, c);
	config_destroy(&cf);
	for (i = 0; i < x.nr_lines; i++)
		free(x.lines[i]);
	free(x.lines);
	if (ret) {
		cfg_free(c);
		return NULL;
	}
	return c;
}
