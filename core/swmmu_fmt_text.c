// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text description language for page-table formats. The built-in formats print to it and parse
 * back to identical descriptors, so a run-time format is written in the same words.
 *
 * One statement per line, '#' starts a comment, words are separated by blanks, numbers are
 * decimal or 0x-hex with an optional K/M/G/T suffix (powers of two). Statements:
 *
 *   name NAME                     levels N            entry-bytes 4|8|16
 *   va-bits N                     oa-bits N           oa-field OA_LO PTE_LO WIDTH
 *   flags [sign-extend] [big-endian] [w-needs-r] [a-on-map] [table-addr] [level-entry] [bbm]
 *         [ad-optional] [rsvd-low-oa]
 *   memtypes [wb] [wt] [uc] [device]                  need-any PERMS (letters of rwxug)
 *   present BITS    leaf-set BITS    table-set BITS    accessed BITS    dirty BITS
 *   contig none|hint|napot|napot-ones|fragment MASK VAL
 *   null MASK VAL                 ext LEAF_WORD TABLE_WORD
 *   leaf-perm P [set BITS] [clr BITS] [implied]       (P one of r w x u g; same for table-perm)
 *   level-perm L P [set BITS] [clr BITS] [implied]    (leaves of level L use their own encoding)
 *   level L shift S bits B align A [leaf MASK VAL] [table MASK VAL] [contig BITMAP]
 *         [mt-mask BITS] [mt WB WT UC DEVICE] [entry-bytes 8|16] [dual]
 *
 * A level's entry-bytes overrides the format's item size (and sets the level-entry flag); dual
 * makes level 2 a dual directory (SWMMU_LVL_DUAL: its items point at a level-1 and a level-0
 * table at once).
 *
 * Every level 0 .. N-1 must be given; fields not given are zero. The result is validated with
 * swmmu_format_check(). An error, of syntax or validation, comes with the line of the statement
 * at fault and what is wrong with it (swmmu_format_parse_err(), swmmu_format_strerror()).
 * docs/format-language.md and swmmu-format(5) document the language with a worked example.
 */
#include "swmmu_internal.h"

#define SWMMU_MAX_WORDS	28

static const char *const swmmu_flag_names[] = {
	"sign-extend", "big-endian", "w-needs-r", "a-on-map", "table-addr", "level-entry", "bbm",
	"ad-optional", "rsvd-low-oa",
};

static const char *const swmmu_mt_names[SWMMU_MT_NR] = { "wb", "wt", "uc", "device" };

static const char *const swmmu_contig_names[SWMMU_CONTIG_NR] = {
	"none", "hint", "napot", "napot-ones", "fragment",
};

static const char swmmu_perm_letters[SWMMU_NR_PERMS + 1] = "rwxug";

struct swmmu_word {
	const char *s;
	size_t n;
};

static bool swmmu_word_is(const struct swmmu_word *w, const char *s)
{
	return strlen(s) == w->n && !memcmp(w->s, s, w->n);
}

/**
 * swmmu_parse_u64() - parse a number
 * @s: text (not necessarily NUL-terminated)
 * @len: length of @s
 * @out: the value
 *
 * Decimal or 0x-prefixed hex, optionally followed by one of K, M, G, T (binary multiples).
 *
 * Context: any.
 * Return: 0, or -EINVAL if @s is not a number or the value does not fit in 64 bits.
 */
__cold int swmmu_parse_u64(const char *s, size_t len, u64 *out)
{
	unsigned int base = 10, shift = 0;
	size_t i = 0;
	u64 v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (len && (s[len - 1] == 'K' || s[len - 1] == 'M' || s[len - 1] == 'G' ||
		    s[len - 1] == 'T')) {
		shift = s[len - 1] == 'K' ? 10 : s[len - 1] == 'M' ? 20 :
			s[len - 1] == 'G' ? 30 : 40;
		len--;
	}
	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (shift && v >> (64 - shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

struct swmmu_out {
	char *buf;
	size_t size;
	size_t len;
};

static void swmmu_out(struct swmmu_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* The parser's state: where it is, and what went wrong. */
struct swmmu_pctx {
	struct swmmu_format_error *err;
	const struct swmmu_word *bad;	/* the word at fault, if any */
	const char *why;		/* what is wrong with it (static) */
};

/* Record the word at fault and why, and fail. */
static int swmmu_pbad(struct swmmu_pctx *c, const struct swmmu_word *w, const char *why)
{
	c->bad = w;
	c->why = why;
	return -EINVAL;
}

static int swmmu_num(struct swmmu_pctx *c, const struct swmmu_word *w, u64 max, u64 *out)
{
	if (swmmu_parse_u64(w->s, w->n, out))
		return swmmu_pbad(c, w, "not a number");
	return *out > max ? swmmu_pbad(c, w, "number out of range") : 0;
}

static int swmmu_num8(struct swmmu_pctx *c, const struct swmmu_word *w, u8 *out)
{
	u64 v;
	int ret = swmmu_num(c, w, 255, &v);

	*out = (u8)v;
	return ret;
}

static int swmmu_perm_word(struct swmmu_pctx *c, const struct swmmu_word *w, u32 *out)
{
	size_t i;
	u32 p = 0;

	if (swmmu_word_is(w, "-")) {
		*out = 0;
		return 0;
	}
	for (i = 0; i < w->n; i++) {
		const char *l = memchr(swmmu_perm_letters, w->s[i], SWMMU_NR_PERMS);

		if (!l)
			return swmmu_pbad(c, w, "permissions are letters of rwxug");
		p |= 1u << (l - swmmu_perm_letters);
	}
	*out = p;
	return 0;
}

static int swmmu_name_index(const struct swmmu_word *w, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (swmmu_word_is(w, names[i]))
			return (int)i;
	return -EINVAL;
}

static int swmmu_parse_perm(struct swmmu_pctx *c, struct swmmu_perm_enc *e,
			    const struct swmmu_word *w, unsigned int nw)
{
	const char *l;
	unsigned int i, p;

	if (nw < 2)
		return swmmu_pbad(c, NULL, "a permission letter (r w x u g) is missing");
	l = w[1].n == 1 ? memchr(swmmu_perm_letters, w[1].s[0], SWMMU_NR_PERMS) : NULL;
	if (!l)
		return swmmu_pbad(c, &w[1], "not one of r w x u g");
	p = (unsigned int)(l - swmmu_perm_letters);
	for (i = 2; i < nw; i++) {
		if (swmmu_word_is(&w[i], "implied")) {
			e->implied |= 1u << p;
		} else if (i + 1 < nw && swmmu_word_is(&w[i], "set")) {
			if (swmmu_num(c, &w[++i], ~0ULL, &e->set[p]))
				return -EINVAL;
		} else if (i + 1 < nw && swmmu_word_is(&w[i], "clr")) {
			if (swmmu_num(c, &w[++i], ~0ULL, &e->clr[p]))
				return -EINVAL;
		} else {
			return swmmu_pbad(c, &w[i], "expected set BITS, clr BITS or implied");
		}
	}
	return 0;
}

static int swmmu_parse_level(struct swmmu_pctx *c, struct swmmu_format *f,
			     const struct swmmu_word *w, unsigned int nw, u32 *seen)
{
	struct swmmu_level *l;
	unsigned int i, mt;
	u64 v;

	if (nw < 2)
		return swmmu_pbad(c, NULL, "the level number is missing");
	if (swmmu_num(c, &w[1], SWMMU_MAX_LEVELS - 1, &v))
		return swmmu_pbad(c, &w[1], "the level number must be 0 to 5");
	if (*seen & (1u << v))
		return swmmu_pbad(c, &w[1], "this level was given before");
	*seen |= 1u << v;
	l = &f->level[v];
	for (i = 2; i < nw; i++) {
		const struct swmmu_word *k = &w[i];

		if (i + 1 < nw && swmmu_word_is(k, "shift")) {
			if (swmmu_num8(c, &w[++i], &l->shift))
				return -EINVAL;
		} else if (i + 1 < nw && swmmu_word_is(k, "bits")) {
			if (swmmu_num8(c, &w[++i], &l->index_bits))
				return -EINVAL;
		} else if (i + 1 < nw && swmmu_word_is(k, "align")) {
			if (swmmu_num8(c, &w[++i], &l->table_align_lg2))
				return -EINVAL;
		} else if (i + 1 < nw && swmmu_word_is(k, "contig")) {
			if (swmmu_num(c, &w[++i], 0xffffffffULL, &v))
				return -EINVAL;
			l->contig = (u32)v;
		} else if (i + 1 < nw && swmmu_word_is(k, "mt-mask")) {
			if (swmmu_num(c, &w[++i], ~0ULL, &l->mt_mask))
				return -EINVAL;
		} else if (i + 2 < nw && swmmu_word_is(k, "leaf")) {
			l->flags |= SWMMU_LVL_LEAF;
			if (swmmu_num(c, &w[i + 1], ~0ULL, &l->leaf_mask) ||
			    swmmu_num(c, &w[i + 2], ~0ULL, &l->leaf_val))
				return -EINVAL;
			i += 2;
		} else if (i + 2 < nw && swmmu_word_is(k, "table")) {
			l->flags |= SWMMU_LVL_TABLE;
			if (swmmu_num(c, &w[i + 1], ~0ULL, &l->table_mask) ||
			    swmmu_num(c, &w[i + 2], ~0ULL, &l->table_val))
				return -EINVAL;
			i += 2;
		} else if (i + 1 < nw && swmmu_word_is(k, "entry-bytes")) {
			if (swmmu_num(c, &w[++i], 16, &v) || (v != 8 && v != 16))
				return swmmu_pbad(c, &w[i], "a level's entry-bytes is 8 or 16");
			l->entry_lg2 = v == 8 ? 3 : 4;
			f->flags |= SWMMU_FMT_LEVEL_ENTRY;
		} else if (swmmu_word_is(k, "dual")) {
			l->flags |= SWMMU_LVL_DUAL;
		} else if (i + SWMMU_MT_NR < nw && swmmu_word_is(k, "mt")) {
			for (mt = 0; mt < SWMMU_MT_NR; mt++)
				if (swmmu_num(c, &w[++i], ~0ULL, &l->mt[mt]))
					return -EINVAL;
		} else {
			return swmmu_pbad(c, k, "not a level field, or its values are missing");
		}
	}
	return 0;
}

/* Statements that take a fixed number of words, with what to say when the count is wrong. */
static int swmmu_nwords(struct swmmu_pctx *c, unsigned int nw, unsigned int want)
{
	if (nw == want)
		return 0;
	return swmmu_pbad(c, NULL, want == 2 ? "takes one value" :
				   want == 3 ? "takes two values" : "takes three values");
}

static int swmmu_parse_line(struct swmmu_pctx *c, struct swmmu_format *f,
			    const struct swmmu_word *w, unsigned int nw, u32 *seen)
{
	const struct swmmu_word *a = &w[1];
	unsigned int i;
	u64 v;
	int r;

	if (swmmu_word_is(w, "level"))
		return swmmu_parse_level(c, f, w, nw, seen);
	if (swmmu_word_is(w, "leaf-perm"))
		return swmmu_parse_perm(c, &f->leaf_perm, w, nw);
	if (swmmu_word_is(w, "table-perm"))
		return swmmu_parse_perm(c, &f->table_perm, w, nw);
	if (swmmu_word_is(w, "level-perm")) {
		if (nw < 3)
			return swmmu_pbad(c, NULL, "expected level-perm L P [set BITS] ...");
		if (swmmu_num(c, a, SWMMU_MAX_LEVELS - 1, &v))
			return swmmu_pbad(c, a, "the level number must be 0 to 5");
		f->level[v].flags |= SWMMU_LVL_OWN_PERM;
		return swmmu_parse_perm(c, &f->level[v].leaf_perm, w + 1, nw - 1);
	}
	if (swmmu_word_is(w, "flags") || swmmu_word_is(w, "memtypes")) {
		bool fl = swmmu_word_is(w, "flags");

		for (i = 1; i < nw; i++) {
			if (swmmu_word_is(&w[i], "none"))
				continue;
			r = fl ? swmmu_name_index(&w[i], swmmu_flag_names,
						  ARRAY_SIZE(swmmu_flag_names)) :
				 swmmu_name_index(&w[i], swmmu_mt_names, SWMMU_MT_NR);
			if (r < 0)
				return swmmu_pbad(c, &w[i], fl ? "unknown flag" :
							 "not one of wb wt uc device");
			if (fl)
				f->flags |= 1u << r;
			else
				f->mt_valid |= 1u << r;
		}
		return 0;
	}
	if (swmmu_word_is(w, "name")) {
		if (swmmu_nwords(c, nw, 2))
			return -EINVAL;
		if (a->n >= SWMMU_NAME_MAX)
			return swmmu_pbad(c, a, "a name has at most 31 characters");
		memcpy(f->name, a->s, a->n);
		f->name[a->n] = 0;
		return 0;
	}
	if (swmmu_word_is(w, "need-any"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_perm_word(c, a, &f->need_any);
	if (swmmu_word_is(w, "levels"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num8(c, a, &f->nr_levels);
	if (swmmu_word_is(w, "entry-bytes")) {
		if (swmmu_nwords(c, nw, 2))
			return -EINVAL;
		r = swmmu_num(c, a, 16, &v);
		if (r || (v != 4 && v != 8 && v != 16))
			return swmmu_pbad(c, a, "entry-bytes is 4, 8 or 16");
		f->entry_lg2 = v == 4 ? 2 : v == 8 ? 3 : 4;
		return 0;
	}
	if (swmmu_word_is(w, "va-bits"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num8(c, a, &f->va_bits);
	if (swmmu_word_is(w, "oa-bits"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num8(c, a, &f->oa_bits);
	if (swmmu_word_is(w, "oa-field"))
		return swmmu_nwords(c, nw, 4) ?: swmmu_num8(c, &w[1], &f->oa_lo) ?:
		       swmmu_num8(c, &w[2], &f->oa_pte_lo) ?: swmmu_num8(c, &w[3], &f->oa_width);
	if (swmmu_word_is(w, "present"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num(c, a, ~0ULL, &f->present);
	if (swmmu_word_is(w, "leaf-set"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num(c, a, ~0ULL, &f->leaf_set);
	if (swmmu_word_is(w, "table-set"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num(c, a, ~0ULL, &f->table_set);
	if (swmmu_word_is(w, "accessed"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num(c, a, ~0ULL, &f->accessed);
	if (swmmu_word_is(w, "dirty"))
		return swmmu_nwords(c, nw, 2) ?: swmmu_num(c, a, ~0ULL, &f->dirty);
	if (swmmu_word_is(w, "contig")) {
		if (swmmu_nwords(c, nw, 4))
			return -EINVAL;
		r = swmmu_name_index(a, swmmu_contig_names, SWMMU_CONTIG_NR);
		if (r < 0)
			return swmmu_pbad(c, a, "not none, hint, napot, napot-ones or fragment");
		f->contig_kind = (u8)r;
		return swmmu_num(c, &w[2], ~0ULL, &f->contig_mask) ?:
		       swmmu_num(c, &w[3], ~0ULL, &f->contig_val);
	}
	if (swmmu_word_is(w, "null"))
		return swmmu_nwords(c, nw, 3) ?: swmmu_num(c, &w[1], ~0ULL, &f->null_mask) ?:
		       swmmu_num(c, &w[2], ~0ULL, &f->null_val);
	if (swmmu_word_is(w, "ext"))
		return swmmu_nwords(c, nw, 3) ?: swmmu_num(c, &w[1], ~0ULL, &f->ext_leaf) ?:
		       swmmu_num(c, &w[2], ~0ULL, &f->ext_table);
	return swmmu_pbad(c, w, "unknown statement");
}

/* Every statement, for the error of a line (err->stmt must be a static string). */
static const char *const swmmu_all_stmts[] = {
	"name", "levels", "entry-bytes", "va-bits", "oa-bits", "oa-field", "flags", "memtypes",
	"need-any", "present", "leaf-set", "table-set", "accessed", "dirty", "contig", "null",
	"ext", "leaf-perm", "table-perm", "level-perm", "level",
};

static const char *swmmu_stmt_name(const struct swmmu_word *w)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(swmmu_all_stmts); i++)
		if (swmmu_word_is(w, swmmu_all_stmts[i]))
			return swmmu_all_stmts[i];
	return NULL;
}

static void swmmu_bad_stmt(struct swmmu_format_error *err, const char *stmt, const char *why)
{
	err->level = -1;
	err->stmt = stmt;
	err->why = why;
}

/* Where each statement the validator may blame was given: the line of its last occurrence. */
static const char *const swmmu_stmts[] = {
	"name", "levels", "entry-bytes", "va-bits", "oa-bits", "oa-field", "flags", "memtypes",
	"need-any", "present", "contig", "null", "ext", "leaf-perm", "table-perm",
};

struct swmmu_lines {
	unsigned int stmt[ARRAY_SIZE(swmmu_stmts)];
	unsigned int level[SWMMU_MAX_LEVELS];
	unsigned int level_perm[SWMMU_MAX_LEVELS];
	unsigned int last;
};

static void swmmu_note_line(struct swmmu_lines *ln, const struct swmmu_word *w, unsigned int nw,
			    unsigned int line)
{
	unsigned int i;
	u64 v;

	if (nw >= 2 && !swmmu_parse_u64(w[1].s, w[1].n, &v) && v < SWMMU_MAX_LEVELS) {
		if (swmmu_word_is(w, "level"))
			ln->level[v] = line;
		else if (swmmu_word_is(w, "level-perm"))
			ln->level_perm[v] = line;
	}
	for (i = 0; i < ARRAY_SIZE(swmmu_stmts); i++)
		if (swmmu_word_is(w, swmmu_stmts[i]))
			ln->stmt[i] = line;
}

/* The line of the statement a validation error blames; the last line if it was not given. */
static unsigned int swmmu_blame_line(const struct swmmu_lines *ln,
				     const struct swmmu_format_error *err)
{
	unsigned int i, line = 0;

	if (err->level >= 0 && err->level < SWMMU_MAX_LEVELS && err->stmt)
		line = !strcmp(err->stmt, "level-perm") ? ln->level_perm[err->level] :
			ln->level[err->level];
	else
		for (i = 0; i < ARRAY_SIZE(swmmu_stmts); i++)
			if (err->stmt && !strcmp(err->stmt, swmmu_stmts[i]))
				line = ln->stmt[i];
	return line ? line : ln->last;
}

static void swmmu_set_word(struct swmmu_format_error *err, const struct swmmu_word *w)
{
	size_t n = 0;

	if (w) {
		n = w->n < sizeof(err->word) - 1 ? w->n : sizeof(err->word) - 1;
		memcpy(err->word, w->s, n);
	}
	err->word[n] = 0;
}

/**
 * swmmu_format_parse_err() - parse a text format description, saying what is wrong
 * @text: the description (need not be NUL-terminated)
 * @len: its length
 * @out: the descriptor (its ops pointer is NULL: the generic engine serves it)
 * @err: on failure: the line at fault (the statement a validation error concerns, or the last
 *       line for a statement that is missing), the statement, level, word and what is wrong;
 *       swmmu_format_strerror() makes a line of text of it
 *
 * Context: any; does not allocate.
 * Return: 0, or -EINVAL for a syntax error, a missing level or an invalid descriptor.
 */
__cold int swmmu_format_parse_err(const char *text, size_t len, struct swmmu_format *out,
			   struct swmmu_format_error *err)
{
	struct swmmu_word w[SWMMU_MAX_WORDS];
	struct swmmu_pctx c = { .err = err };
	struct swmmu_lines ln;
	unsigned int line = 0, nw, lvl;
	size_t pos = 0;
	u32 seen = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&ln, 0, sizeof(ln));
	err->level = -1;
	while (pos < len) {
		size_t eol = pos;

		while (eol < len && text[eol] != '\n')
			eol++;
		line++;
		nw = 0;
		while (pos < eol && text[pos] != '#') {
			if (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r') {
				pos++;
				continue;
			}
			if (nw == SWMMU_MAX_WORDS) {
				swmmu_pbad(&c, NULL, "too many words");
				goto bad;
			}
			w[nw].s = &text[pos];
			while (pos < eol && text[pos] != ' ' && text[pos] != '\t' &&
			       text[pos] != '\r' && text[pos] != '#')
				pos++;
			w[nw].n = (size_t)(&text[pos] - w[nw].s);
			nw++;
		}
		if (nw && swmmu_parse_line(&c, out, w, nw, &seen))
			goto bad;
		if (nw)
			swmmu_note_line(&ln, w, nw, line);
		pos = eol + 1;
	}
	ln.last = line ? line : 1;
	if (!out->nr_levels || out->nr_levels > SWMMU_MAX_LEVELS) {
		swmmu_bad_stmt(err, "levels", "levels must be given, 1 to 6");
		err->line = ln.stmt[1] ? ln.stmt[1] : ln.last;	/* swmmu_stmts[1]: levels */
		return -EINVAL;
	}
	for (lvl = 0; lvl < SWMMU_MAX_LEVELS; lvl++) {
		if (lvl < out->nr_levels && !(seen & (1u << lvl))) {
			swmmu_bad_stmt(err, "levels", "a level from 0 to levels - 1 is missing");
			err->level = (int)lvl;
			err->line = ln.stmt[1] ? ln.stmt[1] : ln.last;
			return -EINVAL;
		}
		if (lvl >= out->nr_levels && (seen & (1u << lvl))) {
			swmmu_bad_stmt(err, "level", "a level at or above levels");
			err->level = (int)lvl;
			err->line = ln.level[lvl];
			return -EINVAL;
		}
	}
	ret = swmmu_format_check(out, err);
	if (ret)
		err->line = swmmu_blame_line(&ln, err);
	return ret;
bad:
	err->line = line;
	err->stmt = NULL;
	err->why = c.why;
	swmmu_set_word(err, c.bad);
	/* The statement, unless the word at fault is the statement itself. */
	if (nw && c.bad != &w[0])
		err->stmt = swmmu_stmt_name(&w[0]);
	return -EINVAL;
}
SWMMU_EXPORT(swmmu_format_parse_err);

/**
 * swmmu_format_parse() - parse a text format description
 * @text: the description (need not be NUL-terminated)
 * @len: its length
 * @out: the descriptor (its ops pointer is NULL: the generic engine serves it)
 * @err_line: if not NULL, set to the 1-based line of the first error (for a validation error,
 *            the line of the statement concerned; see swmmu_format_parse_err())
 *
 * Context: any; does not allocate.
 * Return: 0, or -EINVAL for a syntax error, a missing level or an invalid descriptor.
 */
__cold int swmmu_format_parse(const char *text, size_t len, struct swmmu_format *out,
		       unsigned int *err_line)
{
	struct swmmu_format_error err;
	int ret = swmmu_format_parse_err(text, len, out, &err);

	if (err_line)
		*err_line = ret ? err.line : 0;
	return ret;
}

/**
 * swmmu_format_strerror() - a format error as one line of text
 * @err: the error of swmmu_format_parse_err() or swmmu_format_check()
 * @buf: output buffer (may be NULL if @size is 0)
 * @size: size of @buf
 *
 * "LINE: level L: STATEMENT: what is wrong: \"WORD\"", leaving out what is not known (no line
 * from swmmu_format_check() alone). Like snprintf(), the output is truncated to @size.
 *
 * Context: any.
 * Return: the length of the full text (excluding the NUL).
 */
__cold int swmmu_format_strerror(const struct swmmu_format_error *err, char *buf, size_t size)
{
	struct swmmu_out o = { .buf = buf, .size = size, .len = 0 };

	if (buf && size)
		buf[0] = 0;
	if (err->line)
		swmmu_out(&o, "%u: ", err->line);
	if (err->level >= 0)
		swmmu_out(&o, "level %d: ", err->level);
	if (err->stmt && (err->level < 0 || !strcmp(err->stmt, "level-perm")))
		swmmu_out(&o, "%s: ", err->stmt);
	swmmu_out(&o, "%s", err->why ? err->why : "invalid");
	if (err->word[0])
		swmmu_out(&o, ": \"%s\"", err->word);
	return (int)o.len;
}
SWMMU_EXPORT(swmmu_format_strerror);

static void swmmu_print_perms(struct swmmu_out *o, const char *what,
			      const struct swmmu_perm_enc *e)
{
	unsigned int p;

	for (p = 0; p < SWMMU_NR_PERMS; p++) {
		if (!e->set[p] && !e->clr[p] && !(e->implied & (1u << p)))
			continue;
		swmmu_out(o, "%s %c", what, swmmu_perm_letters[p]);
		if (e->set[p])
			swmmu_out(o, " set 0x%llx", (unsigned long long)e->set[p]);
		if (e->clr[p])
			swmmu_out(o, " clr 0x%llx", (unsigned long long)e->clr[p]);
		if (e->implied & (1u << p))
			swmmu_out(o, " implied");
		swmmu_out(o, "\n");
	}
}

/**
 * swmmu_format_print() - print a descriptor as a text description
 * @f: the descriptor
 * @buf: output buffer (may be NULL if @size is 0)
 * @size: size of @buf
 *
 * The output parses back with swmmu_format_parse() to an equal descriptor. Like snprintf(), the
 * output is truncated (and NUL-terminated) if @buf is too small.
 *
 * Context: any.
 * Return: the length of the full description (excluding the NUL).
 */
__cold int swmmu_format_print(const struct swmmu_format *f, char *buf, size_t size)
{
	struct swmmu_out o = { .buf = buf, .size = size, .len = 0 };
	unsigned int i, lvl, p;

	if (buf && size)
		buf[0] = 0;
	swmmu_out(&o, "name %s\nlevels %u\nentry-bytes %u\nva-bits %u\noa-bits %u\n", f->name,
		  f->nr_levels, 1u << f->entry_lg2, f->va_bits, f->oa_bits);
	swmmu_out(&o, "oa-field %u %u %u\nflags", f->oa_lo, f->oa_pte_lo, f->oa_width);
	for (i = 0; i < ARRAY_SIZE(swmmu_flag_names); i++)
		if (f->flags & (1u << i))
			swmmu_out(&o, " %s", swmmu_flag_names[i]);
	swmmu_out(&o, "%s\nmemtypes", f->flags ? "" : " none");
	for (i = 0; i < SWMMU_MT_NR; i++)
		if (f->mt_valid & (1u << i))
			swmmu_out(&o, " %s", swmmu_mt_names[i]);
	swmmu_out(&o, "\nneed-any ");
	for (p = 0; p < SWMMU_NR_PERMS; p++)
		if (f->need_any & (1u << p))
			swmmu_out(&o, "%c", swmmu_perm_letters[p]);
	swmmu_out(&o, "\npresent 0x%llx\nleaf-set 0x%llx\ntable-set 0x%llx\n",
		  (unsigned long long)f->present, (unsigned long long)f->leaf_set,
		  (unsigned long long)f->table_set);
	swmmu_out(&o, "accessed 0x%llx\ndirty 0x%llx\ncontig %s 0x%llx 0x%llx\n",
		  (unsigned long long)f->accessed, (unsigned long long)f->dirty,
		  f->contig_kind < SWMMU_CONTIG_NR ? swmmu_contig_names[f->contig_kind] : "?",
		  (unsigned long long)f->contig_mask, (unsigned long long)f->contig_val);
	swmmu_out(&o, "null 0x%llx 0x%llx\next 0x%llx 0x%llx\n",
		  (unsigned long long)f->null_mask, (unsigned long long)f->null_val,
		  (unsigned long long)f->ext_leaf, (unsigned long long)f->ext_table);
	swmmu_print_perms(&o, "leaf-perm", &f->leaf_perm);
	swmmu_print_perms(&o, "table-perm", &f->table_perm);
	for (lvl = 0; lvl < f->nr_levels && lvl < SWMMU_MAX_LEVELS; lvl++) {
		const struct swmmu_level *l = &f->level[lvl];

		swmmu_out(&o, "level %u shift %u bits %u align %u", lvl, l->shift, l->index_bits,
			  l->table_align_lg2);
		if (l->flags & SWMMU_LVL_LEAF)
			swmmu_out(&o, " leaf 0x%llx 0x%llx", (unsigned long long)l->leaf_mask,
				  (unsigned long long)l->leaf_val);
		if (l->flags & SWMMU_LVL_TABLE)
			swmmu_out(&o, " table 0x%llx 0x%llx", (unsigned long long)l->table_mask,
				  (unsigned long long)l->table_val);
		swmmu_out(&o, " contig 0x%x mt-mask 0x%llx mt", l->contig,
			  (unsigned long long)l->mt_mask);
		for (i = 0; i < SWMMU_MT_NR; i++)
			swmmu_out(&o, " 0x%llx", (unsigned long long)l->mt[i]);
		if (l->entry_lg2)
			swmmu_out(&o, " entry-bytes %u", 1u << l->entry_lg2);
		if (l->flags & SWMMU_LVL_DUAL)
			swmmu_out(&o, " dual");
		swmmu_out(&o, "\n");
	}
	for (lvl = 0; lvl < f->nr_levels && lvl < SWMMU_MAX_LEVELS; lvl++) {
		char what[24];

		if (!(f->level[lvl].flags & SWMMU_LVL_OWN_PERM))
			continue;
		snprintf(what, sizeof(what), "level-perm %u", lvl);
		swmmu_print_perms(&o, what, &f->level[lvl].leaf_perm);
	}
	return (int)o.len;
}
