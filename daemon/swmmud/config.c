// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud's configuration file: YAML, read with Debian's libyaml (libyaml-0-2; see
 * docs/control-plane.md for why). libyaml's event parser hands over the file as a stream of
 * events (mapping start, scalar, sequence end, ...), each with the line and column where it
 * starts; the readers below follow the schema along that stream. So every rejection, a syntax
 * error from libyaml or a value we do not accept, is "FILE:LINE:COLUMN: message" with the exact
 * place, and the first error in the file is the one reported.
 *
 * Every scalar is taken as text and typed here: YAML 1.1's implicit types would read mode 0600
 * as the decimal 384 and fault: no as false. Anchors, aliases and tags are refused: nothing here
 * needs them, and an alias can multiply a small file into a huge configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "swmmud.h"

struct cfg_reader {
	yaml_parser_t parser;
	const char *path;	/* the file's name, for messages */
	const char *text;	/* the file, to place reader errors (they come as an offset) */
	size_t len;
	char *err;
	size_t errlen;
};

static int reject(struct cfg_reader *r, yaml_mark_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COLUMN: message" into r->err (libyaml counts from 0, editors from 1). */
static int reject(struct cfg_reader *r, yaml_mark_t at, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(r->err, r->errlen, "%s:%zu:%zu: ", r->path, at.line + 1,
			     at.column + 1);
	if (n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The line and column of a byte offset: the reader's errors (bad UTF-8, control characters). */
static yaml_mark_t mark_of_offset(const struct cfg_reader *r, size_t offset)
{
	yaml_mark_t m = { .index = offset };
	size_t i;

	for (i = 0; i < offset && i < r->len; i++) {
		if (r->text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)r->text[i] & 0xc0) != 0x80) {
			m.column++;	/* columns count characters, as libyaml's marks do */
		}
	}
	return m;
}

static int reject_syntax(struct cfg_reader *r)
{
	const yaml_parser_t *p = &r->parser;
	const char *problem = p->problem ? p->problem : "cannot parse";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return reject(r, p->problem_mark, "out of memory");
	case YAML_READER_ERROR:
		if (p->problem_value < 0)
			return reject(r, mark_of_offset(r, p->problem_offset), "%s", problem);
		return reject(r, mark_of_offset(r, p->problem_offset), "%s (0x%02x)", problem,
			      (unsigned int)p->problem_value);
	default:
		if (!p->context)
			return reject(r, p->problem_mark, "syntax error: %s", problem);
		if (p->context_mark.index == p->problem_mark.index)
			return reject(r, p->problem_mark, "syntax error: %s (%s)", problem,
				      p->context);
		return reject(r, p->problem_mark, "syntax error: %s (%s at line %zu, column %zu)",
			      problem, p->context, p->context_mark.line + 1,
			      p->context_mark.column + 1);
	}
}

/*
 * The next event, or a syntax error. Anchors, aliases and tags are rejected here, at their mark;
 * on any error *ev holds nothing to delete.
 */
static int next_event(struct cfg_reader *r, yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	int ret = 0;

	if (!yaml_parser_parse(&r->parser, ev))
		return reject_syntax(r);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		ret = reject(r, ev->start_mark, "aliases (*%s) are not supported",
			     (const char *)ev->data.alias.anchor);
		break;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		ret = reject(r, ev->start_mark, "anchors (&%s) are not supported",
			     (const char *)anchor);
	else if (tag)
		ret = reject(r, ev->start_mark, "tags (%s) are not supported: every value is read "
			     "as text", (const char *)tag);
	if (ret)
		yaml_event_delete(ev);
	return ret;
}

/* An empty or ~/null plain scalar is YAML's null: "key:" with nothing after it. */
static bool scalar_is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
		!strcmp(v, "NULL"));
}

/* What a value that has the wrong type is, for messages. */
static const char *event_kind(const yaml_event_t *ev)
{
	if (ev->type == YAML_MAPPING_START_EVENT)
		return "a mapping";
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return "a list";
	return scalar_is_null(ev) ? "empty" : "a single value";
}

/* ---- typed getters: a scalar value, checked, or a rejection at its mark ------------------- */

/* The text of a scalar: not a list or mapping, not null, not "", no NUL inside. */
static int get_text(struct cfg_reader *r, const char *key, const yaml_event_t *ev,
		    const char **text)
{
	if (ev->type != YAML_SCALAR_EVENT)
		return reject(r, ev->start_mark, "%s must be a single value, not %s", key,
			      event_kind(ev));
	if (scalar_is_null(ev) || !ev->data.scalar.length)
		return reject(r, ev->start_mark, "%s is empty", key);
	/* "\0" in a double-quoted string: C strings would silently cut it there. */
	if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length)
		return reject(r, ev->start_mark, "%s contains a NUL character", key);
	*text = (const char *)ev->data.scalar.value;
	return 0;
}

/* A name of an address space or format: what the netlink family takes. */
static int get_name(struct cfg_reader *r, const char *key, const yaml_event_t *ev,
		    char name[SWMMU_NL_NAME_LEN])
{
	const char *text;
	int ret = get_text(r, key, ev, &text);

	if (ret)
		return ret;
	if (strlen(text) >= SWMMU_NL_NAME_LEN)
		return reject(r, ev->start_mark, "%s: \"%s\" is longer than %d characters", key,
			      text, SWMMU_NL_NAME_LEN - 1);
	strcpy(name, text);
	return 0;
}

/* A number in min..max: decimal, 0x hex or 0 octal, with an optional K/M/G/T suffix. */
static int get_number(struct cfg_reader *r, const char *key, const yaml_event_t *ev,
		      uint64_t min, uint64_t max, uint64_t *value)
{
	const char *text;
	int ret = get_text(r, key, ev, &text);

	if (ret)
		return ret;
	ret = swnl_parse_u64(text, value);
	if (ret == -ERANGE)
		return reject(r, ev->start_mark, "%s: %s does not fit in 64 bits", key, text);
	if (ret)
		return reject(r, ev->start_mark, "%s: \"%s\" is not a number (like 4096, 0x1000 "
			      "or 64K)", key, text);
	if (*value < min || *value > max)
		return reject(r, ev->start_mark, "%s: %s is out of range (%llu to %llu)", key, text,
			      (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* A file mode: octal digits only, "0660" or 660, at most 0777. */
static int get_mode(struct cfg_reader *r, const char *key, const yaml_event_t *ev,
		    unsigned int *mode)
{
	const char *text, *c;
	unsigned int v = 0;
	int ret = get_text(r, key, ev, &text);

	if (ret)
		return ret;
	for (c = text; *c >= '0' && *c <= '7' && v <= 0777; c++)
		v = v * 8 + (unsigned int)(*c - '0');
	if (*c || v > 0777)
		return reject(r, ev->start_mark, "%s: \"%s\" is not an octal mode 0000..0777 "
			      "(like 0660)", key, text);
	*mode = v;
	return 0;
}

/* One of the names name_of(0..count-1). */
static int get_enum(struct cfg_reader *r, const char *key, const yaml_event_t *ev,
		    const char *(*name_of)(unsigned int), unsigned int count, unsigned int *value)
{
	char choices[128] = "";
	const char *text;
	unsigned int i;
	int ret = get_text(r, key, ev, &text);

	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		if (!strcmp(text, name_of(i))) {
			*value = i;
			return 0;
		}
		snprintf(choices + strlen(choices), sizeof(choices) - strlen(choices), "%s%s",
			 i ? (i + 1 < count ? ", " : " or ") : "", name_of(i));
	}
	return reject(r, ev->start_mark, "%s: \"%s\" is not %s", key, text, choices);
}

/* ---- mappings and lists ------------------------------------------------------------------ */

struct cfg_key {
	const char *name;
	bool required;
};

/* Called with the index of a key in the mapping's table and the first event of its value. */
typedef int (*cfg_field_fn)(struct cfg_reader *r, unsigned int key, const yaml_event_t *value,
			    void *obj);

struct cfg_mapping {
	const char *what;		/* "an address space", for messages */
	const struct cfg_key *keys;	/* ends with { NULL } */
	cfg_field_fn field;
};

/* Keys a mapping may have: a bit each in read_mapping()'s "seen" mask. */
#define CFG_MAX_KEYS	16

/*
 * A mapping whose start is @start: each key must be a known one, given once; each value goes
 * to m->field(). At the end, a required key that was not given is rejected at the mapping.
 */
static int read_mapping(struct cfg_reader *r, const yaml_event_t *start,
			const struct cfg_mapping *m, void *obj)
{
	yaml_mark_t first_seen[CFG_MAX_KEYS];
	unsigned int seen = 0, k;
	yaml_event_t key, value;
	int ret;

	if (start->type != YAML_MAPPING_START_EVENT)
		return reject(r, start->start_mark, "%s must be a mapping (key: value), not %s",
			      m->what, event_kind(start));
	for (;;) {
		ret = next_event(r, &key);
		if (ret || key.type == YAML_MAPPING_END_EVENT)
			break;
		if (key.type != YAML_SCALAR_EVENT) {
			ret = reject(r, key.start_mark, "a key must be a single word, not %s",
				     event_kind(&key));
			break;
		}
		for (k = 0; m->keys[k].name; k++)
			if (!strcmp((const char *)key.data.scalar.value, m->keys[k].name))
				break;
		if (!m->keys[k].name) {
			char known[160] = "";
			unsigned int i;

			for (i = 0; m->keys[i].name; i++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known),
					 "%s%s", i ? ", " : "", m->keys[i].name);
			ret = reject(r, key.start_mark, "unknown key \"%s\" in %s (known: %s)",
				     (const char *)key.data.scalar.value, m->what, known);
			break;
		}
		if (seen & (1u << k)) {
			ret = reject(r, key.start_mark, "duplicate key \"%s\" (first at line "
				     "%zu, column %zu)", m->keys[k].name, first_seen[k].line + 1,
				     first_seen[k].column + 1);
			break;
		}
		seen |= 1u << k;
		first_seen[k] = key.start_mark;
		yaml_event_delete(&key);
		ret = next_event(r, &value);
		if (!ret)
			ret = m->field(r, k, &value, obj);
		yaml_event_delete(&value);
		if (ret)
			return ret;
	}
	yaml_event_delete(&key);
	if (ret)
		return ret;
	for (k = 0; m->keys[k].name; k++)
		if (m->keys[k].required && !(seen & (1u << k)))
			return reject(r, start->start_mark, "%s needs \"%s\"", m->what,
				      m->keys[k].name);
	return 0;
}

/* Called with the first event of each item of a list. */
typedef int (*cfg_item_fn)(struct cfg_reader *r, const yaml_event_t *item, void *obj);

static int read_list(struct cfg_reader *r, const char *key, const yaml_event_t *start,
		     cfg_item_fn item_fn, void *obj)
{
	yaml_event_t item;
	int ret;

	if (start->type != YAML_SEQUENCE_START_EVENT)
		return reject(r, start->start_mark, "%s must be a list (lines starting with "
			      "\"- \", or [ ]), not %s", key, event_kind(start));
	for (;;) {
		ret = next_event(r, &item);
		if (!ret && item.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&item);
			return 0;
		}
		if (!ret)
			ret = item_fn(r, &item, obj);
		yaml_event_delete(&item);
		if (ret)
			return ret;
	}
}

/* @array of @nr items of @size bytes, with room for one more, zeroed; NULL: out of memory. */
static void *grow(void *array, unsigned int nr, size_t size)
{
	char *bigger = realloc(array, (nr + 1) * size);

	if (bigger)
		memset(bigger + nr * size, 0, size);
	return bigger;
}

/* A new zeroed item at the end of @array (counted by @nr), or NULL if out of memory. */
#define APPEND(array, nr) ({							\
	__typeof__(array) bigger_ = grow(array, nr, sizeof(*(array)));		\
										\
	if (bigger_)								\
		(array) = bigger_;						\
	bigger_ ? &bigger_[(nr)++] : NULL;					\
})

/* Whether the name of the last item of @array (@nr items) is one an earlier item has. */
#define LAST_NAME_REPEATED(array, nr) ({					\
	unsigned int i_ = 0;							\
										\
	while (i_ + 1 < (nr) && strcmp((array)[i_].name, (array)[(nr) - 1].name))	\
		i_++;								\
	i_ + 1 < (nr);								\
})

/* ---- the schema ---------------------------------------------------------------------------- */

enum { REGION_IOVA, REGION_SIZE, REGION_PROT, REGION_PGSIZE };

static const struct cfg_key region_keys[] = {
	[REGION_IOVA] = { "iova", true },
	[REGION_SIZE] = { "size", true },
	[REGION_PROT] = { "prot", false },
	[REGION_PGSIZE] = { "pgsize", false },
	{ NULL, false }
};

static int region_field(struct cfg_reader *r, unsigned int key, const yaml_event_t *value,
			void *obj)
{
	struct cfg_region *region = obj;
	const char *name = region_keys[key].name, *text;
	int ret;

	switch (key) {
	case REGION_IOVA:
		ret = get_number(r, name, value, 0, UINT64_MAX, &region->iova);
		if (!ret && (region->iova & 4095))
			return reject(r, value->start_mark, "iova must be a multiple of 4K");
		return ret;
	case REGION_SIZE:
		ret = get_number(r, name, value, 0, UINT64_MAX, &region->size);
		if (!ret && (!region->size || (region->size & 4095)))
			return reject(r, value->start_mark, "size must be a non-zero multiple of "
				      "4K");
		return ret;
	case REGION_PROT:
		ret = get_text(r, name, value, &text);
		if (!ret && swnl_prot_parse(text, &region->prot))
			return reject(r, value->start_mark, "prot: \"%s\" is not letters of r w x "
				      "u g, or none", text);
		return ret;
	default:
		ret = get_number(r, name, value, 0, UINT64_MAX, &region->pgsize);
		if (!ret && (region->pgsize < 4096 || (region->pgsize & (region->pgsize - 1))))
			return reject(r, value->start_mark, "pgsize must be a power of two of at "
				      "least 4K");
		return ret;
	}
}

static const struct cfg_mapping region_mapping = {
	"a region", region_keys, region_field
};

static int region_item(struct cfg_reader *r, const yaml_event_t *item, void *obj)
{
	struct cfg_as *as = obj;
	struct cfg_region *region = APPEND(as->regions, as->nr_regions);

	if (!region)
		return reject(r, item->start_mark, "out of memory");
	region->prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE;
	return read_mapping(r, item, &region_mapping, region);
}

enum { AS_NAME, AS_FORMAT, AS_VA_BITS, AS_OWNER, AS_GROUP, AS_MODE, AS_FAULT, AS_FAULT_QUOTA,
	AS_REGIONS };

static const struct cfg_key as_keys[] = {
	[AS_NAME] = { "name", true },
	[AS_FORMAT] = { "format", true },
	[AS_VA_BITS] = { "va_bits", false },
	[AS_OWNER] = { "owner", false },
	[AS_GROUP] = { "group", false },
	[AS_MODE] = { "mode", false },
	[AS_FAULT] = { "fault", false },
	[AS_FAULT_QUOTA] = { "fault_quota", false },
	[AS_REGIONS] = { "regions", false },
	{ NULL, false }
};
_Static_assert(sizeof(as_keys) / sizeof(as_keys[0]) <= CFG_MAX_KEYS, "the most keys a mapping has");

/* uid_t and gid_t: (uid_t)-1 means "no change" to the kernel, so it is not an id. */
#define CFG_MAX_ID	0xfffffffeULL

static int as_field(struct cfg_reader *r, unsigned int key, const yaml_event_t *value, void *obj)
{
	struct cfg_as *as = obj;
	const char *name = as_keys[key].name;
	uint64_t v = 0;
	int ret;

	switch (key) {
	case AS_NAME:
		return get_name(r, name, value, as->name);
	case AS_FORMAT:
		return get_name(r, name, value, as->format);
	case AS_VA_BITS:
		ret = get_number(r, name, value, 1, 64, &v);
		as->va_bits = (unsigned int)v;
		return ret;
	case AS_OWNER:
		ret = get_number(r, name, value, 0, CFG_MAX_ID, &v);
		as->uid = (uint32_t)v;
		return ret;
	case AS_GROUP:
		ret = get_number(r, name, value, 0, CFG_MAX_ID, &v);
		as->gid = (uint32_t)v;
		return ret;
	case AS_MODE:
		return get_mode(r, name, value, &as->mode);
	case AS_FAULT:
		return get_enum(r, name, value, swnl_fault_mode_name, SWMMU_FAULT_MODE_MAX + 1,
				&as->fault);
	case AS_FAULT_QUOTA:
		as->quota_given = true;
		return get_number(r, name, value, 0, UINT64_MAX, &as->quota);
	default:
		return read_list(r, name, value, region_item, as);
	}
}

static const struct cfg_mapping as_mapping = { "an address space", as_keys, as_field };

static int as_item(struct cfg_reader *r, const yaml_event_t *item, void *obj)
{
	struct cfg *c = obj;
	struct cfg_as *as = APPEND(c->as, c->nr_as);
	int ret;

	if (!as)
		return reject(r, item->start_mark, "out of memory");
	as->mode = 0600;
	ret = read_mapping(r, item, &as_mapping, as);
	/* Serving faults with no quota would fail every fault: serve has a default of its own. */
	if (!ret && as->fault == SWMMU_FAULT_MODE_SERVE && !as->quota_given)
		as->quota = CFG_DEFAULT_SERVE_QUOTA;
	if (!ret && LAST_NAME_REPEATED(c->as, c->nr_as))
		return reject(r, item->start_mark, "address space \"%s\" is defined twice",
			      as->name);
	return ret;
}

enum { FMT_NAME, FMT_TEXT, FMT_FILE };

static const struct cfg_key fmt_keys[] = {
	[FMT_NAME] = { "name", true },
	[FMT_TEXT] = { "text", false },
	[FMT_FILE] = { "file", false },
	{ NULL, false }
};

/*
 * The description in a file of its own, as the kernel takes it: at most LEN - 1 bytes. A relative
 * path is relative to the configuration file's directory, not to wherever the daemon runs.
 */
static int read_format_file(struct cfg_reader *r, const yaml_event_t *value, const char *path,
			    char **text)
{
	const char *slash = strrchr(r->path, '/');
	char *full = NULL;
	FILE *f = NULL;
	size_t n = 0;
	int ret = 0;

	if (path[0] != '/' && slash) {
		if (asprintf(&full, "%.*s/%s", (int)(slash - r->path), r->path, path) < 0)
			return reject(r, value->start_mark, "out of memory");
		path = full;
	}
	*text = malloc(SWMMU_NL_FORMAT_TEXT_LEN);
	if (*text)
		f = fopen(path, "r");
	if (f) {
		n = fread(*text, 1, SWMMU_NL_FORMAT_TEXT_LEN, f);
		fclose(f);
	}
	if (!*text)
		ret = reject(r, value->start_mark, "out of memory");
	else if (!f)
		ret = reject(r, value->start_mark, "file: %s: %s", path, strerror(errno));
	else if (n >= SWMMU_NL_FORMAT_TEXT_LEN)
		ret = reject(r, value->start_mark, "file: %s is longer than %d bytes", path,
			     SWMMU_NL_FORMAT_TEXT_LEN - 1);
	else if (memchr(*text, 0, n))
		ret = reject(r, value->start_mark, "file: %s contains a NUL byte", path);
	else
		(*text)[n] = 0;
	free(full);
	return ret;
}

static int fmt_field(struct cfg_reader *r, unsigned int key, const yaml_event_t *value,
		     void *obj)
{
	struct cfg_fmt *fmt = obj;
	const char *name = fmt_keys[key].name, *text;
	int ret;

	if (key == FMT_NAME)
		return get_name(r, name, value, fmt->name);
	if (fmt->text)
		return reject(r, value->start_mark, "a format has either \"text\" or \"file\", "
			      "not both");
	ret = get_text(r, name, value, &text);
	if (ret)
		return ret;
	if (key == FMT_FILE)
		return read_format_file(r, value, text, &fmt->text);
	if (strlen(text) >= SWMMU_NL_FORMAT_TEXT_LEN)
		return reject(r, value->start_mark, "text is longer than %d bytes",
			      SWMMU_NL_FORMAT_TEXT_LEN - 1);
	fmt->text = strdup(text);
	return fmt->text ? 0 : reject(r, value->start_mark, "out of memory");
}

static const struct cfg_mapping fmt_mapping = { "a format", fmt_keys, fmt_field };

static int fmt_item(struct cfg_reader *r, const yaml_event_t *item, void *obj)
{
	struct cfg *c = obj;
	struct cfg_fmt *fmt = APPEND(c->fmts, c->nr_fmts);
	int ret;

	if (!fmt)
		return reject(r, item->start_mark, "out of memory");
	ret = read_mapping(r, item, &fmt_mapping, fmt);
	if (!ret && !fmt->text)
		return reject(r, item->start_mark, "a format needs \"text\" or \"file\"");
	if (!ret && LAST_NAME_REPEATED(c->fmts, c->nr_fmts))
		return reject(r, item->start_mark, "format \"%s\" is defined twice", fmt->name);
	return ret;
}

enum { TOP_FORMATS, TOP_ADDRESS_SPACES };

static const struct cfg_key top_keys[] = {
	[TOP_FORMATS] = { "formats", false },
	[TOP_ADDRESS_SPACES] = { "address_spaces", false },
	{ NULL, false }
};

static int top_field(struct cfg_reader *r, unsigned int key, const yaml_event_t *value,
		     void *obj)
{
	if (key == TOP_FORMATS)
		return read_list(r, top_keys[key].name, value, fmt_item, obj);
	return read_list(r, top_keys[key].name, value, as_item, obj);
}

static const struct cfg_mapping top_mapping = { "the top level", top_keys, top_field };

/*
 * The stream: exactly one document, whose top level is a mapping. libyaml's grammar guarantees
 * the order of the events; only two places have a choice: an empty file ends the stream where
 * a document would start, and another document may start where the stream would end.
 */
static int read_stream(struct cfg_reader *r, struct cfg *c)
{
	enum { STREAM_START, DOCUMENT_START, TOP_LEVEL, DOCUMENT_END, STREAM_END };
	yaml_event_t ev;
	int ret = 0, step;

	for (step = STREAM_START; !ret && step <= STREAM_END; step++) {
		ret = next_event(r, &ev);
		if (ret)
			break;
		if (step == DOCUMENT_START && ev.type == YAML_STREAM_END_EVENT)
			ret = reject(r, ev.start_mark, "the file has no configuration (an empty "
				     "one is written {})");
		else if (step == TOP_LEVEL)
			ret = read_mapping(r, &ev, &top_mapping, c);
		else if (step == STREAM_END && ev.type == YAML_DOCUMENT_START_EVENT)
			ret = reject(r, ev.start_mark, "a second document: the file must hold "
				     "only one");
		yaml_event_delete(&ev);
	}
	return ret;
}

/* ---- the entry points ---------------------------------------------------------------------- */

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

struct cfg *cfg_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct cfg_reader r = { .path = name, .text = text, .len = len, .err = err,
				.errlen = errlen };
	struct cfg *c = calloc(1, sizeof(*c));
	int ret;

	if (!c || !yaml_parser_initialize(&r.parser)) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(c);
		return NULL;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	ret = read_stream(&r, c);
	yaml_parser_delete(&r.parser);
	if (ret) {
		cfg_free(c);
		return NULL;
	}
	return c;
}

/* The whole file in memory: libyaml reports its reader errors as a byte offset into it. */
static char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *text = NULL, *bigger;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			bigger = realloc(text, cap);
			if (!bigger) {
				free(text);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			text = bigger;
		}
		n = fread(text + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f)) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

struct cfg *cfg_load(const char *path, char *err, size_t errlen)
{
	struct cfg *c;
	size_t len;
	char *text = read_whole_file(path, &len);

	if (!text) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	c = cfg_parse(path, text, len, err, errlen);
	free(text);
	return c;
}
