// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-sim: the command interpreter over the swmmu core (main.c is the command-line program).
 *
 * The state is one address space (as), the format it was made with when that is not a built-in
 * one (as_fmt: parsed with load or derived with format va-bits=), and the image memory it walks
 * (as_img, after image). A command that replaces them builds the new ones first and installs
 * them only when everything worked, so a failed command leaves the state exactly as before and a
 * format always outlives its address space.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "swmmu_pt.h"
#include "sim.h"

#define MAX_WORDS	8
#define ARENA_SIZE	(1UL << 32)

FILE *sim_out;
FILE *(*sim_fopen)(const char *path, const char *mode) = fopen;
size_t sim_arena_limit = ARENA_SIZE;

static void *sim_alloc(void *ctx, size_t size, size_t align, u64 *addr);
static void sim_free(void *ctx, void *cpu, u64 addr, size_t size);

static const struct swmmu_mem_ops sim_mem_ops = { .alloc = sim_alloc, .free = sim_free };

/* Table memory: an arena addressed from 0x1000 up, so addresses fit every format. */
static struct {
	char *base;
	size_t used;
	void *free_list[32];
} arena;

static struct swmmu_mem mem = { .ops = &sim_mem_ops };
static struct swmmu_as as;
static bool have_as;
static struct swmmu_format *as_fmt;
static struct sim_image *as_img;

static void *sim_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	unsigned int c = 4;
	void *p;

	(void)ctx;
	while ((1UL << c) < size || (1UL << c) < align)
		c++;
	p = arena.free_list[c];
	if (p) {
		arena.free_list[c] = *(void **)p;
	} else {
		size_t off = (arena.used + (1UL << c) - 1) & ~((1UL << c) - 1);

		if (off + (1UL << c) > sim_arena_limit || off + (1UL << c) > ARENA_SIZE)
			return NULL;
		p = arena.base + off;
		arena.used = off + (1UL << c);
	}
	*addr = (u64)((char *)p - arena.base);
	return p;
}

static void sim_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	unsigned int c = 4;

	(void)ctx;
	(void)addr;
	while ((1UL << c) < size)
		c++;
	*(void **)cpu = arena.free_list[c];
	arena.free_list[c] = cpu;
}

const char *sim_errname(int err)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{ EINVAL, "EINVAL" }, { EEXIST, "EEXIST" }, { ENOENT, "ENOENT" },
		{ ERANGE, "ERANGE" }, { ENOMEM, "ENOMEM" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EACCES, "EACCES" }, { EMSGSIZE, "EMSGSIZE" }, { ENOSPC, "ENOSPC" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -err)
			return names[i].n;
	return "EIO";
}

static int parse_num(const char *s, u64 *v)
{
	return swmmu_parse_u64(s, strlen(s), v);
}

static int parse_perms(const char *s, u32 *prot)
{
	static const char letters[] = "rwxugd";
	u32 p = 0;

	if (!strcmp(s, "null")) {
		*prot = SWMMU_PROT_NULL;
		return 0;
	}
	if (!strcmp(s, "-")) {
		*prot = 0;
		return 0;
	}
	for (; *s; s++) {
		const char *c = strchr(letters, *s);

		if (!c)
			return -EINVAL;
		if (*c == 'd')
			p |= SWMMU_PROT_MT(SWMMU_MT_DEVICE);
		else
			p |= 1u << (c - letters);
	}
	*prot = p;
	return 0;
}

static void perms_str(u32 prot, char *buf)
{
	static const char letters[] = "rwxug";
	unsigned int mt = SWMMU_PROT_GET_MT(prot);
	int i, n = 0;

	if (prot & SWMMU_PROT_NULL) {
		strcpy(buf, "null");
		return;
	}
	for (i = 0; i < 5; i++)
		if (prot & (1u << i))
			buf[n++] = letters[i];
	if (mt == SWMMU_MT_DEVICE)
		buf[n++] = 'd';
	if (!n)
		buf[n++] = '-';
	buf[n] = 0;
	if (mt == SWMMU_MT_WT)
		strcat(buf, ",wt");
	else if (mt == SWMMU_MT_UC)
		strcat(buf, ",uc");
}

static void size_str(unsigned int lg2, char *buf)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (u < 5 && lg2 >= 10 * (unsigned int)(u + 2))
		u++;
	if (u < 0)
		sprintf(buf, "%llu", 1ULL << lg2);
	else
		sprintf(buf, "%llu%c", 1ULL << (lg2 - 10 * (u + 1)), units[u]);
}

/* Drop the current state: address space, then its image memory and its format. */
static void drop_state(void)
{
	if (have_as)
		swmmu_as_destroy(&as);
	have_as = false;
	sim_image_free(as_img);
	as_img = NULL;
	free(as_fmt);
	as_fmt = NULL;
}

/* Make a new address space the current one, with the format and image memory it owns. */
static void install(const struct swmmu_as *n, struct swmmu_format *fmt, struct sim_image *img)
{
	drop_state();
	as = *n;
	have_as = true;
	as_fmt = fmt;
	as_img = img;
}

/* A new empty address space of @f; @owned (@f or NULL) is freed if that fails. */
static int new_as(const struct swmmu_format *f, struct swmmu_format *owned)
{
	struct swmmu_as n;
	int ret = swmmu_as_init(&n, f, &mem);

	if (ret) {
		free(owned);
		return ret;
	}
	install(&n, owned, NULL);
	return 0;
}

/* What a failed command has to say beyond its errno ("" if nothing); see fail(). */
static char why[512];

static int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err;
}

static int load_file(const char *path)
{
	static char text[65536];
	struct swmmu_format_error err;
	struct swmmu_format *f;
	char msg[160];
	size_t n;
	FILE *fp = sim_fopen(path, "r");
	int ret;

	if (!fp)
		return fail(-ENOENT, "cannot open %s: %s", path, strerror(errno));
	n = fread(text, 1, sizeof(text), fp);
	fclose(fp);
	if (n == sizeof(text))
		return fail(-EINVAL, "%s: a description is smaller than %zu bytes", path,
			    sizeof(text));
	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	ret = swmmu_format_parse_err(text, n, f, &err);
	if (ret) {
		free(f);
		swmmu_format_strerror(&err, msg, sizeof(msg));
		return fail(ret, "%s:%s", path, msg);
	}
	return new_as(f, f);
}

unsigned int sim_va_spans(const struct swmmu_format *f, u64 va[2], u64 len[2])
{
	u64 half;

	if (!(f->flags & SWMMU_FMT_SIGN_EXTEND) && f->va_bits < 64) {
		va[0] = 0;
		len[0] = swmmu_format_va_size_last(f) + 1;
		return 1;
	}
	half = 1ULL << (f->va_bits >= 64 ? 63 : f->va_bits - 1);
	va[0] = 0;
	len[0] = half;
	va[1] = -half;
	len[1] = half;
	return 2;
}

static void print_formats(void)
{
	unsigned int i, b;

	for (i = 0; i < swmmu_format_count(); i++) {
		const struct swmmu_format *f = swmmu_format_get(i);
		u64 sizes = swmmu_format_pgsizes(f);
		char s[16];
		bool first = true;

		fprintf(sim_out, "%s levels=%u va=%u oa=%u sizes=", f->name, f->nr_levels, f->va_bits,
		       f->oa_bits);
		for (b = 0; b < 64; b++) {
			if (!(sizes & (1ULL << b)))
				continue;
			size_str(b, s);
			fprintf(sim_out, "%s%s", first ? "" : ",", s);
			first = false;
		}
		fprintf(sim_out, "\n");
	}
}

static int walk_item(void *ctx, struct swmmu_walk_item *it)
{
	static const char *const kinds[] = { "invalid", "leaf", "table", "invalid" };
	const struct swmmu_format *f = ctx;
	const struct swmmu_level *l = &f->level[it->level];
	int width = f->entry_lg2 == 2 ? 8 : 16;
	struct swmmu_xlate x;

	fprintf(sim_out, "L%u idx=%u pte=0x%0*llx", it->level, it->index, width,
		(unsigned long long)it->pte);
	/* 16-byte items: the second word too; a dual entry: the table of each half. */
	if (((f->flags & SWMMU_FMT_LEVEL_ENTRY) && l->entry_lg2 ? l->entry_lg2 : f->entry_lg2) == 4)
		fprintf(sim_out, " pte2=0x%016llx", (unsigned long long)it->pte2);
	fprintf(sim_out, " %s", kinds[it->kind]);
	if ((l->flags & SWMMU_LVL_DUAL) && it->kind == SWMMU_ITEM_TABLE) {
		if (swmmu_decode_item(f, it->level, it->va, it->pte, &x) == SWMMU_ITEM_TABLE)
			fprintf(sim_out, " L%u=0x%llx", it->level - 1, (unsigned long long)x.pa);
		if (swmmu_decode_item(f, it->level, it->va, it->pte2, &x) == SWMMU_ITEM_TABLE)
			fprintf(sim_out, " L%u=0x%llx", it->level - 2, (unsigned long long)x.pa);
	}
	fprintf(sim_out, "\n");
	return SWMMU_WALK_DESCEND;
}

static void print_region(const struct swmmu_region *r)
{
	char p[16], s[16];

	perms_str(r->prot, p);
	size_str(r->size_lg2, s);
	fprintf(sim_out, "0x%llx-0x%llx -> 0x%llx %s %s\n", (unsigned long long)r->va,
		(unsigned long long)(r->va + r->len - 1), (unsigned long long)r->pa, p, s);
}

/*
 * Regions are printed one behind: the whole VA space is walked as two spans (sim_va_spans()), and
 * a region the core reports as two because it crosses from the first span into the second (the
 * middle of a 64-bit VA space) prints as one.
 */
struct dump_state {
	struct swmmu_region prev;
	bool have;
};

static int dump_region(void *ctx, const struct swmmu_region *r)
{
	struct dump_state *d = ctx;

	if (d->have && r->va == d->prev.va + d->prev.len && r->pa == d->prev.pa + d->prev.len &&
	    r->prot == d->prev.prot && r->size_lg2 == d->prev.size_lg2) {
		d->prev.len += r->len;
		return 0;
	}
	if (d->have)
		print_region(&d->prev);
	d->prev = *r;
	d->have = true;
	return 0;
}

static int cmd_dump(void)
{
	struct dump_state d = { .have = false };
	unsigned int i, n;
	u64 va[2], len[2];
	int ret = 0;

	n = sim_va_spans(as.fmt, va, len);
	for (i = 0; i < n && !ret; i++)
		ret = swmmu_for_each_region(&as, va[i], len[i], dump_region, &d);
	if (!ret && d.have)
		print_region(&d.prev);
	return ret;
}

/* Free the empty tables of the whole VA space; returns how many, or a negative errno. */
static int cmd_free(void)
{
	unsigned int i, n;
	u64 va[2], len[2];
	int ret, freed = 0;

	n = sim_va_spans(as.fmt, va, len);
	for (i = 0; i < n; i++) {
		ret = swmmu_free_empty(&as, va[i], len[i], NULL);
		if (ret < 0)
			return ret;
		freed += ret;
	}
	return freed;
}

/* Optional trailing words: "split" and "size=SIZE". */
static int opt_words(char **w, int n, int first, u32 *flags, u64 *size)
{
	int i;

	for (i = first; i < n; i++) {
		if (flags && !strcmp(w[i], "split"))
			*flags |= SWMMU_UNMAP_SPLIT;
		else if (size && !strncmp(w[i], "size=", 5) && !parse_num(w[i] + 5, size))
			continue;
		else
			return -EINVAL;
	}
	return 0;
}

/* The commands and their arguments, for usage errors and the list of an unknown one. */
static const struct {
	const char *name;
	const char *args;
} commands[] = {
	{ "format", "NAME [va-bits=N]" }, { "load", "FILE" }, { "formats", "" },
	{ "describe", "" }, { "map", "VA PA LEN PERMS [size=SIZE]" },
	{ "unmap", "VA LEN [split]" }, { "protect", "VA LEN PERMS [split]" }, { "query", "VA" },
	{ "translate", "VA ACCESS" }, { "walk", "VA" }, { "dump", "" }, { "free", "" },
	{ "stats", "" }, { "image", "FILE" }, { "image-save", "FILE" }, { "draw", "FILE" },
};

static int bad_usage(const char *cmd)
{
	char list[256] = "";
	unsigned int i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmd, commands[i].name))
			return fail(-EINVAL, "usage: %s%s%s", cmd, commands[i].args[0] ? " " : "",
				    commands[i].args);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 commands[i].name);
	return fail(-EINVAL, "unknown command \"%s\"; the commands are %s (swmmu-sim -h)", cmd,
		    list);
}

/* A number argument: 0, or -EINVAL saying which argument is not a number. */
static int num_arg(const char *what, const char *s, u64 *v)
{
	if (!parse_num(s, v))
		return 0;
	return fail(-EINVAL, "%s \"%s\" is not a number (decimal or 0x-hex, optional K M G T)",
		    what, s);
}

static int perms_arg(const char *s, u32 *prot)
{
	if (!parse_perms(s, prot))
		return 0;
	return fail(-EINVAL, "PERMS \"%s\" is not letters of rwxugd, - or null", s);
}

/* Optional trailing words, each "split" (if @flags) or "size=SIZE" (if @size). */
static int opt_args(char **w, int n, int first, u32 *flags, u64 *size)
{
	int i;

	for (i = first; i < n; i++)
		if (opt_words(w, i + 1, i, flags, size))
			return fail(-EINVAL, "unexpected \"%s\": only %s may follow", w[i],
				    flags ? "split" : "size=SIZE");
	return 0;
}

static void sizes_str(u64 sizes, char *buf, size_t len)
{
	char s[16];
	unsigned int b;

	buf[0] = 0;
	for (b = 0; b < 64; b++) {
		if (!(sizes & (1ULL << b)))
			continue;
		size_str(b, s);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " " : "", s);
	}
}

static int first_region(void *ctx, const struct swmmu_region *r)
{
	*(struct swmmu_region *)ctx = *r;
	return -ECANCELED;	/* the first is enough: stop */
}

/*
 * Why a map, unmap or protect of [va, va + len) failed with @err: which argument, and what is
 * wrong with it (the alignment it needs, the range it overlaps, the leaf it cuts). Returns @err.
 */
static int explain(int err, const char *op, u64 va, u64 pa, u64 len, u32 prot, u64 size)
{
	const struct swmmu_format *f = as.fmt;
	u64 sizes = swmmu_format_pgsizes(f), min = sizes & -sizes, last = va + len - 1, al;
	struct swmmu_region r;
	struct swmmu_xlate x;
	char buf[128], p[16];

	sizes_str(sizes, buf, sizeof(buf));
	switch (-err) {
	case EINVAL:
		if (!len)
			return fail(err, "LEN must not be 0");
		al = size ? size : min;
		size_str(__builtin_ctzll(al), p);
		if (va & (al - 1))
			return fail(err, "VA 0x%llx is not aligned to %s (%s)", (unsigned long long)va,
				    p, size ? "size=" : "the smallest page");
		if (pa & (al - 1) && !strcmp(op, "map"))
			return fail(err, "PA 0x%llx is not aligned to %s (%s)", (unsigned long long)pa,
				    p, size ? "size=" : "the smallest page");
		if (len & (al - 1))
			return fail(err, "LEN 0x%llx is not a multiple of %s (%s)",
				    (unsigned long long)len, p, size ? "size=" : "the smallest page");
		if (last < va)
			return fail(err, "VA + LEN wraps past 2^64");
		if ((!swmmu_query(&as, va, &x) && (va & ((1ULL << x.size_lg2) - 1))) ||
		    (!swmmu_query(&as, last, &x) && ~last & ((1ULL << x.size_lg2) - 1))) {
			u64 base = x.va & ~((1ULL << x.size_lg2) - 1);

			size_str(x.size_lg2, p);
			return fail(err, "the range cuts the %s leaf 0x%llx-0x%llx: add split, or "
				    "cover the whole leaf", p, (unsigned long long)base,
				    (unsigned long long)(base + (1ULL << x.size_lg2) - 1));
		}
		return fail(err, "invalid range 0x%llx-0x%llx", (unsigned long long)va,
			    (unsigned long long)last);
	case EEXIST:
		if (swmmu_for_each_region(&as, va, len, first_region, &r) == -ECANCELED &&
		    !swmmu_query(&as, r.va, &x)) {
			u64 base = r.va & ~((1ULL << x.size_lg2) - 1);

			perms_str(x.prot, p);
			size_str(x.size_lg2, buf);
			return fail(err, "0x%llx-0x%llx overlaps the %s leaf 0x%llx-0x%llx -> 0x%llx "
				    "%s (unmap it first)", (unsigned long long)va,
				    (unsigned long long)last, buf, (unsigned long long)base,
				    (unsigned long long)(base + (1ULL << x.size_lg2) - 1),
				    (unsigned long long)(x.pa - (r.va - base)), p);
		}
		return fail(err, "0x%llx-0x%llx overlaps a mapping", (unsigned long long)va,
			    (unsigned long long)last);
	case ERANGE:
		if (!swmmu_format_va_ok(f, va) || !swmmu_format_va_ok(f, last) || last < va)
			return fail(err, "VA range 0x%llx-0x%llx is outside the %u-bit VA space of %s%s",
				    (unsigned long long)va, (unsigned long long)last, f->va_bits,
				    f->name, f->flags & SWMMU_FMT_SIGN_EXTEND ?
				    " (canonical, sign-extended addresses, not across the hole)" : "");
		return fail(err, "PA range 0x%llx-0x%llx is past the %u-bit output addresses of %s",
			    (unsigned long long)pa, (unsigned long long)(pa + len - 1), f->oa_bits,
			    f->name);
	case EOPNOTSUPP:
		if (size && !(sizes & size))
			return fail(err, "size=0x%llx is not a page size of %s (%s)",
				    (unsigned long long)size, f->name, buf);
		perms_str(prot, p);
		return fail(err, "%s cannot express PERMS %s%s", f->name, p,
			    prot && !(prot & f->need_any) ? " (every leaf needs one of its need-any)" :
			    (f->flags & SWMMU_FMT_W_NEEDS_R) && (prot & SWMMU_PROT_W) &&
			    !(prot & SWMMU_PROT_R) ? " (write needs read)" : "");
	case ENOENT:
		return fail(err, "nothing is mapped in 0x%llx-0x%llx", (unsigned long long)va,
			    (unsigned long long)last);
	case ENOMEM:
		return fail(err, "out of page-table memory");
	}
	(void)op;
	return err;
}

static int run(char **w, int n)
{
	u64 va, pa, len, size = 0, done;
	u32 prot, flags = 0;
	struct swmmu_xlate x;
	char p[16], s[16];
	int ret;

	if (!strcmp(w[0], "formats") && n == 1) {
		print_formats();
		return 0;
	}
	if (!strcmp(w[0], "format") && (n == 2 || n == 3)) {
		const struct swmmu_format *f = swmmu_format_find(w[1]);
		struct swmmu_format *d;
		u64 bits;

		if (!f)
			return fail(-ENOENT, "no built-in format \"%s\" (the formats command lists "
				    "them; load FILE reads a description)", w[1]);
		if (n == 2)
			return new_as(f, NULL);
		if (strncmp(w[2], "va-bits=", 8) || swmmu_parse_u64(w[2] + 8, strlen(w[2] + 8), &bits) ||
		    bits > 64)
			return fail(-EINVAL, "\"%s\": expected va-bits=N, N at most 64", w[2]);
		d = malloc(sizeof(*d));
		if (!d)
			return -ENOMEM;
		ret = swmmu_format_derive(f, (unsigned int)bits, d);
		if (ret) {
			free(d);
			return fail(ret, "%s cannot have %llu VA bits (it has %u)", f->name,
				    (unsigned long long)bits, f->va_bits);
		}
		return new_as(d, d);
	}
	if (!strcmp(w[0], "load") && n == 2)
		return load_file(w[1]);
	if (!strcmp(w[0], "image") && n == 2) {
		struct swmmu_format *f;
		struct sim_image *img;
		struct swmmu_as n;

		ret = sim_image_load(w[1], have_as ? as.fmt : NULL, &n, &img, &f);
		if (!ret)
			install(&n, f, img);
		else if (ret == -ENOENT && access(w[1], R_OK))
			return fail(ret, "cannot open %s: %s", w[1], strerror(errno));
		else if (ret == -EINVAL)
			return fail(ret, "%s cannot be used as a page-table image "
				    "(docs/page-table-image.md)", w[1]);
		return ret;
	}
	if (!have_as)
		return fail(-ENOENT, "no address space: start one with format or load");
	if (!strcmp(w[0], "image-save") && n == 2)
		return sim_image_save(w[1], &as);
	if (!strcmp(w[0], "draw") && n == 2)
		return sim_draw(w[1], &as);
	if (!strcmp(w[0], "describe") && n == 1) {
		static char text[16384];

		ret = swmmu_format_print(as.fmt, text, sizeof(text));
		if (ret < 0 || (size_t)ret >= sizeof(text))
			return -EMSGSIZE;
		fputs(text, sim_out);
		return 0;
	}
	if (!strcmp(w[0], "map") && n >= 5) {
		struct swmmu_map_opts o = { 0 };

		if (num_arg("VA", w[1], &va) || num_arg("PA", w[2], &pa) ||
		    num_arg("LEN", w[3], &len) || perms_arg(w[4], &prot) ||
		    opt_args(w, n, 5, NULL, &size))
			return -EINVAL;
		o.pgsize = size;
		ret = swmmu_map_ext(&as, va, pa, len, prot, size ? &o : NULL);
		return ret ? explain(ret, "map", va, pa, len, prot, size) : 0;
	}
	if (!strcmp(w[0], "unmap") && n >= 3) {
		if (num_arg("VA", w[1], &va) || num_arg("LEN", w[2], &len) ||
		    opt_args(w, n, 3, &flags, NULL))
			return -EINVAL;
		/* As the module does: the tables the range leaves empty go with it. */
		ret = swmmu_unmap(&as, va, len, flags | SWMMU_UNMAP_FREE_EMPTY, NULL, &done);
		if (!ret)
			fprintf(sim_out, "unmapped 0x%llx\n", (unsigned long long)done);
		return ret ? explain(ret, "unmap", va, 0, len, 0, 0) : 0;
	}
	if (!strcmp(w[0], "protect") && n >= 4) {
		if (num_arg("VA", w[1], &va) || num_arg("LEN", w[2], &len) || perms_arg(w[3], &prot) ||
		    opt_args(w, n, 4, &flags, NULL))
			return -EINVAL;
		ret = swmmu_protect(&as, va, len, prot, flags, NULL);
		return ret ? explain(ret, "protect", va, 0, len, prot, 0) : 0;
	}
	if ((!strcmp(w[0], "query") || !strcmp(w[0], "translate")) && n == 2 + (w[0][0] == 't')) {
		if (num_arg("VA", w[1], &va))
			return -EINVAL;
		if (w[0][0] == 't') {
			if (parse_perms(w[2], &prot) || (prot & ~(SWMMU_PROT_R | SWMMU_PROT_W |
								  SWMMU_PROT_X | SWMMU_PROT_U)))
				return fail(-EINVAL, "ACCESS \"%s\" is not letters of rwxu", w[2]);
			ret = swmmu_translate(&as, va, prot, true, &x);
		} else {
			ret = swmmu_query(&as, va, &x);
		}
		if (ret == -ENOENT && w[0][0] == 'q') {
			fprintf(sim_out, "0x%llx unmapped\n", (unsigned long long)va);
			return 0;
		}
		if (ret == -EACCES) {
			struct swmmu_xlate q;
			char leaf[16], path[16];

			/* The leaf may allow the access and a table entry above it not. */
			if (!swmmu_query(&as, va, &q) && (q.prot & prot) == prot) {
				perms_str(q.prot, leaf);
				perms_str(q.eff_prot, path);
				return fail(ret, "access %s to 0x%llx denied by a table entry above the leaf (the leaf allows %s, the tables on its path only %s: table-perm)",
					    w[2], (unsigned long long)va, leaf, path);
			}
			return fail(ret, "access %s to 0x%llx denied by the leaf's permissions", w[2],
				    (unsigned long long)va);
		}
		if (ret == -ENOENT || ret == -ERANGE)
			return fail(ret, "0x%llx is %s", (unsigned long long)va,
				    ret == -ENOENT ? "not mapped" : "outside the format's VA space");
		if (ret)
			return ret;
		perms_str(x.prot, p);
		size_str(x.size_lg2, s);
		fprintf(sim_out, "0x%llx -> 0x%llx %s %s", (unsigned long long)x.va,
		       (unsigned long long)x.pa, p, s);
		if (w[0][0] == 't')
			fprintf(sim_out, "%s%s", x.accessed ? " accessed" : "", x.dirty ? " dirty" : "");
		fprintf(sim_out, "\n");
		return 0;
	}
	if (!strcmp(w[0], "walk") && n == 2) {
		static const struct swmmu_walk_ops ops = {
			.leaf = walk_item, .hole = walk_item, .pre_table = walk_item,
		};

		if (num_arg("VA", w[1], &va))
			return -EINVAL;
		return swmmu_walk(&as, va, 1, &ops, (void *)as.fmt);
	}
	if (!strcmp(w[0], "dump") && n == 1)
		return cmd_dump();
	if (!strcmp(w[0], "free") && n == 1) {
		ret = cmd_free();
		if (ret >= 0)
			fprintf(sim_out, "freed %d tables\n", ret);
		return ret < 0 ? ret : 0;
	}
	if (!strcmp(w[0], "stats") && n == 1) {
		struct swmmu_stats st;

		swmmu_as_stats(&as, &st);
		fprintf(sim_out, "tables %llu bytes %llu\n", (unsigned long long)st.nr_tables,
		       (unsigned long long)st.table_bytes);
		return 0;
	}
	return bad_usage(w[0]);
}


/* Table memory: mapped once, at most 4 GiB, used up to sim_arena_limit. */
static int arena_init(void)
{
	if (arena.base)
		return 0;
	arena.base = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena.base == MAP_FAILED) {
		arena.base = NULL;
		return -ENOMEM;
	}
	arena.used = 0x1000;	/* no table at address 0 */
	mem.cpu_offset = (unsigned long)arena.base;
	return 0;
}

void sim_reset(void)
{
	drop_state();
	if (!arena.base)
		return;
	madvise(arena.base, arena.used, MADV_DONTNEED);
	memset(arena.free_list, 0, sizeof(arena.free_list));
	arena.used = 0x1000;
}

int sim_start(const char *name, const char *desc)
{
	const struct swmmu_format *f;
	int ret;

	if (!sim_out)
		sim_out = stdout;
	why[0] = 0;
	ret = arena_init();
	if (ret)
		return fail(ret, "cannot reserve %lu GiB of address space for page tables: %s "
			    "(is ulimit -v set?)", ARENA_SIZE >> 30, strerror(errno));
	if (desc)
		return load_file(desc);
	f = swmmu_format_find(name);
	return f ? new_as(f, NULL) :
	       fail(-ENOENT, "no built-in format \"%s\" (swmmu-sim prints them with the formats "
		    "command)", name);
}

const char *sim_why(void)
{
	return why;
}

int sim_line(char *line, const char **cmd)
{
	char *w[MAX_WORDS + 1], *hash = strchr(line, '#'), *save = NULL, *tok;
	int n = 0;

	*cmd = NULL;
	if (hash)
		*hash = 0;
	for (tok = strtok_r(line, " \t\r\n", &save); tok && n <= MAX_WORDS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = tok;
	if (!n)
		return 0;
	*cmd = w[0];
	why[0] = 0;
	return n > MAX_WORDS ? fail(-EINVAL, "more than %d words", MAX_WORDS) : run(w, n);
}
