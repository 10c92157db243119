/*
 * swmmu-sim: raw page-table images (docs/page-table-image.md).
 *
 *   image FILE        replace the address space with the tables of FILE, walked in place
 *   image-save FILE   write the current address space's tables to FILE
 *
 * An image is a set of tables, each at the table address the entries above it hold, plus the
 * root's address and the format's name: tables captured elsewhere (a kernel, a device, another
 * tool) can be inspected offline with query, walk, translate and dump.
 *
 * An image is hostile input. Before it replaces the address space, every table reachable from
 * the root is checked by a walk over the whole VA space: a table must lie inside the image's
 * records (contiguous records are one piece of memory), must not be an ancestor of itself (a
 * loop) nor be used at two levels, and tables shared by several entries must not make a walk
 * visit more than IMG_MAX_VISITS tables beyond the image's own. An entry pointing at an address
 * the image does not hold reads as an empty table of its own and is reported. Every table
 * pointer the walk engine gets is followed by at least a largest-table's worth of readable
 * memory, so even a table the check missed cannot make it read outside the image.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define IMG_MAGIC	"SWMMUIMG"
#define IMG_VERSION	2
#define IMG_MAX_TABLES	(1u << 20)
#define IMG_MAX_TABLE	(1u << 20)
/* Table visits a full walk may make beyond one per table, through shared tables. */
#define IMG_MAX_VISITS	(1u << 16)
/* Memory for missing tables (each reads as an empty table of its own). */
#define IMG_MAX_MISSING_BYTES	(64u << 20)

/* Contiguous table memory of the image, or (size 1) a missing table read as empty. */
struct img_ext {
	u64 addr;
	u64 size;
	unsigned char *data;	/* size bytes (table bytes for a missing one), then pad zeros */
	bool missing;
};

struct sim_image {
	struct img_ext *ext;	/* sorted by address, not overlapping */
	unsigned int nr, cap;
	size_t pad;		/* the largest table of the format */
	unsigned char *zero;	/* pad zeros: what an address outside the image reads */
};

static struct img_ext *img_find(const struct sim_image *img, u64 addr, unsigned int *pos)
{
	unsigned int lo = 0, hi = img->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct img_ext *e = &img->ext[mid];

		if (addr < e->addr)
			hi = mid;
		else if (addr - e->addr >= e->size)
			lo = mid + 1;
		else
			return e;
	}
	if (pos)
		*pos = lo;
	return NULL;
}

static void *img_to_cpu(void *ctx, u64 addr)
{
	struct sim_image *img = ctx;
	struct img_ext *e = img_find(img, addr, NULL);

	return e ? e->data + (addr - e->addr) : img->zero;
}

/* An image is walked in place: the address space never allocates or frees a table. */
static const struct swmmu_mem_ops img_mem_ops = { .to_cpu = img_to_cpu };

void sim_image_free(struct sim_image *img)
{
	unsigned int i;

	if (!img)
		return;
	for (i = 0; i < img->nr; i++)
		free(img->ext[i].data);
	free(img->ext);
	free(img->zero);
	free(img);
}

/* Insert an extent at @pos (from img_find()); takes @data. */
static int img_insert(struct sim_image *img, unsigned int pos, const struct img_ext *e)
{
	if (img->nr == img->cap) {
		unsigned int cap = img->cap ? 2 * img->cap : 16;
		struct img_ext *n = realloc(img->ext, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		img->ext = n;
		img->cap = cap;
	}
	memmove(&img->ext[pos + 1], &img->ext[pos], (img->nr - pos) * sizeof(*e));
	img->ext[pos] = *e;
	img->nr++;
	return 0;
}

static int rd(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : -EINVAL;
}

static u64 le64(const unsigned char *b)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static u32 le32(const unsigned char *b)
{
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static void put64(unsigned char *b, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void put32(unsigned char *b, u32 v)
{
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

/*
 * Header: magic[8] version:u32 nr_tables:u32 root:u64 format[32], and in version 2 va_bits:u32
 * reserved:u32 (a format with a reduced VA size, swmmu_format_derive()); then per table
 * addr:u64 size:u64 bytes[size]. Little-endian. Version 1 is written unless the VA size differs.
 */
#define IMG_HDR_V1	56
#define IMG_HDR_SIZE	64

struct img_rec {
	u64 addr;
	u64 size;
	unsigned char *data;
};

static int img_rec_cmp(const void *a, const void *b)
{
	const struct img_rec *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void recs_free(struct img_rec *r, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		free(r[i].data);
	free(r);
}

/* Read @nr table records; *@recs sorted by address on success. */
static int img_read_records(FILE *fp, unsigned int nr, struct img_rec **recs)
{
	unsigned char rec[16];
	struct img_rec *r = NULL;
	unsigned int i, cap = 0;
	int ret = -EINVAL;

	for (i = 0; i < nr; i++) {
		struct img_rec *t;

		if (i == cap) {
			cap = cap ? 2 * cap : 16;
			t = realloc(r, cap * sizeof(*r));
			if (!t) {
				ret = -ENOMEM;
				goto fail;
			}
			r = t;
		}
		t = &r[i];
		t->data = NULL;
		if (rd(fp, rec, sizeof(rec))) {
			fprintf(sim_out, "image: table record %u of %u is cut short\n", i, nr);
			goto fail;
		}
		t->addr = le64(rec);
		t->size = le64(rec + 8);
		if (!t->size || t->size > IMG_MAX_TABLE || (t->size & (t->size - 1)) ||
		    (t->addr & (t->size - 1))) {
			fprintf(sim_out, "image: table record %u: bad size 0x%llx at 0x%llx (a power of two up to 1M, the address aligned to it)\n",
				i, (unsigned long long)t->size, (unsigned long long)t->addr);
			goto fail;
		}
		t->data = malloc(t->size);
		if (!t->data) {
			ret = -ENOMEM;
			goto fail;
		}
		if (rd(fp, t->data, t->size)) {
			free(t->data);
			fprintf(sim_out, "image: table record %u (0x%llx) is cut short\n", i,
				(unsigned long long)t->addr);
			goto fail;
		}
	}
	qsort(r, nr, sizeof(*r), img_rec_cmp);
	for (i = 1; i < nr; i++)
		if (r[i].addr <= r[i - 1].addr + (r[i - 1].size - 1)) {
			fprintf(sim_out, "image: table records at 0x%llx and 0x%llx overlap\n",
				(unsigned long long)r[i - 1].addr, (unsigned long long)r[i].addr);
			recs_free(r, nr);
			return -EINVAL;
		}
	*recs = r;
	return 0;
fail:
	recs_free(r, i);
	return ret;
}

/* Contiguous records become one extent, followed by img->pad zero bytes. */
static int img_build(struct sim_image *img, struct img_rec *r, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i = j) {
		struct img_ext e = { .addr = r[i].addr, .size = r[i].size };
		u64 off = 0;

		for (j = i + 1; j < nr && r[j - 1].addr + r[j - 1].size == r[j].addr; j++)
			e.size += r[j].size;
		e.data = malloc(e.size + img->pad);
		if (!e.data)
			return -ENOMEM;
		for (; i < j; i++) {
			memcpy(e.data + off, r[i].data, r[i].size);
			off += r[i].size;
		}
		memset(e.data + e.size, 0, img->pad);
		if (img_insert(img, img->nr, &e)) {
			free(e.data);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Tables seen by the check: address -> level and id, open addressing. */
struct img_seen {
	u64 *addr;
	u32 *info;		/* id << 4 | level, 0 = free slot (ids start at 1) */
	unsigned int mask, nr;
};

static u32 *img_seen_slot(struct img_seen *h, u64 addr)
{
	u64 k = addr * 0x9e3779b97f4a7c15ULL;
	unsigned int i = (unsigned int)(k >> 32) & h->mask;

	while (h->info[i] && h->addr[i] != addr)
		i = (i + 1) & h->mask;
	h->addr[i] = addr;
	return &h->info[i];
}

static int img_seen_grow(struct img_seen *h)
{
	struct img_seen n = { .mask = h->mask ? 2 * h->mask + 1 : 255, .nr = h->nr };
	unsigned int i;

	n.addr = calloc(n.mask + 1, sizeof(*n.addr));
	n.info = calloc(n.mask + 1, sizeof(*n.info));
	if (!n.addr || !n.info) {
		free(n.addr);
		free(n.info);
		return -ENOMEM;
	}
	for (i = 0; h->info && i <= h->mask; i++)
		if (h->info[i])
			*img_seen_slot(&n, h->addr[i]) = h->info[i];
	free(h->addr);
	free(h->info);
	*h = n;
	return 0;
}

/* One table entry: parent table id -> child table id. */
struct img_edge {
	u32 parent, child;
};

struct img_check {
	const struct swmmu_format *f;
	struct sim_image *img;
	struct img_seen seen;
	struct img_edge *edge[SWMMU_MAX_LEVELS];	/* by the parent's level */
	unsigned int nr_edge[SWMMU_MAX_LEVELS], cap_edge[SWMMU_MAX_LEVELS];
	u64 path[SWMMU_MAX_LEVELS];	/* the tables the walk is in, by level */
	unsigned int missing;
	u64 missing_bytes;
};

static int img_add_edge(struct img_check *c, unsigned int lvl, u32 parent, u32 child)
{
	if (c->nr_edge[lvl] == c->cap_edge[lvl]) {
		unsigned int cap = c->cap_edge[lvl] ? 2 * c->cap_edge[lvl] : 64;
		struct img_edge *n = realloc(c->edge[lvl], cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->edge[lvl] = n;
		c->cap_edge[lvl] = cap;
	}
	c->edge[lvl][c->nr_edge[lvl]++] = (struct img_edge){ parent, child };
	return 0;
}

/* lg2 of the item size of a level (a level may override the format's). */
static unsigned int img_entry_lg2(const struct swmmu_format *f, unsigned int lvl)
{
	if ((f->flags & SWMMU_FMT_LEVEL_ENTRY) && f->level[lvl].entry_lg2)
		return f->level[lvl].entry_lg2;
	return f->entry_lg2;
}

/* The table at @addr holding items of level @lvl: new (id), or seen (its id); 0 if invalid. */
static int img_table(struct img_check *c, u64 addr, unsigned int lvl, u64 parent, u32 *id)
{
	u64 size = 1ULL << (c->f->level[lvl].index_bits + img_entry_lg2(c->f, lvl));
	struct img_ext *e;
	unsigned int pos;
	u32 *slot;
	int ret;

	if (2 * (c->seen.nr + 1) > c->seen.mask + 1) {
		ret = img_seen_grow(&c->seen);
		if (ret)
			return ret;
	}
	slot = img_seen_slot(&c->seen, addr);
	if (*slot) {
		if ((*slot & 0xf) != lvl) {
			fprintf(sim_out, "image: table 0x%llx is used at levels %u and %u (entry in table 0x%llx)\n",
				(unsigned long long)addr, *slot & 0xf, lvl,
				(unsigned long long)parent);
			return -EINVAL;
		}
		*id = *slot >> 4;
		return 1;
	}
	e = img_find(c->img, addr, &pos);
	if (e && !e->missing && size > e->size - (addr - e->addr)) {
		fprintf(sim_out, "image: table 0x%llx (level %u, 0x%llx bytes) runs past the end of its record at 0x%llx\n",
			(unsigned long long)addr, lvl, (unsigned long long)size,
			(unsigned long long)(e->addr + e->size));
		return -EINVAL;
	}
	if (!e) {
		struct img_ext m = { .addr = addr, .size = 1, .missing = true };
		unsigned int i;

		/* Partly in the image: as a record too short for it. */
		for (i = pos; i < c->img->nr && c->img->ext[i].addr - addr < size; i++) {
			if (c->img->ext[i].missing)
				continue;
			fprintf(sim_out, "image: table 0x%llx (level %u, 0x%llx bytes) is only partly in the image (record at 0x%llx)\n",
				(unsigned long long)addr, lvl, (unsigned long long)size,
				(unsigned long long)c->img->ext[i].addr);
			return -EINVAL;
		}

		if (!c->missing)
			fprintf(sim_out, "image: missing table 0x%llx (level %u, entry in table 0x%llx) reads as empty\n",
				(unsigned long long)addr, lvl, (unsigned long long)parent);
		c->missing++;
		c->missing_bytes += size + c->img->pad;
		if (c->missing_bytes > IMG_MAX_MISSING_BYTES) {
			fprintf(sim_out, "image: %u missing tables: more than %u MiB of empty tables\n",
				c->missing, IMG_MAX_MISSING_BYTES >> 20);
			return -EINVAL;
		}
		m.data = calloc(1, size + c->img->pad);
		if (!m.data)
			return -ENOMEM;
		if (img_insert(c->img, pos, &m)) {
			free(m.data);
			return -ENOMEM;
		}
	}
	c->seen.nr++;
	*id = c->seen.nr;
	*slot = *id << 4 | lvl;
	return 0;
}

/* The edge from table item @it to the table @child of level @clvl: loop check, note, record. */
static int img_check_child(struct img_check *c, struct swmmu_walk_item *it, u64 child_addr,
			   unsigned int clvl)
{
	unsigned int l;
	u32 parent, child;
	int ret;

	for (l = it->level; l < c->f->nr_levels; l++)
		if (c->path[l] == child_addr) {
			fprintf(sim_out, "image: loop: table 0x%llx (level %u) points at 0x%llx, %s\n",
				(unsigned long long)it->table, it->level,
				(unsigned long long)child_addr,
				l == it->level ? "itself" : "a table above it");
			return -EINVAL;
		}
	ret = img_table(c, it->table, it->level, 0, &parent);
	if (ret < 0)
		return ret;
	ret = img_table(c, child_addr, clvl, it->table, &child);
	if (ret < 0)
		return ret;
	if (img_add_edge(c, it->level, parent, child))
		return -ENOMEM;
	return ret;
}

static int img_check_table(void *ctx, struct swmmu_walk_item *it)
{
	struct img_check *c = ctx;
	const struct swmmu_format *f = c->f;
	struct swmmu_xlate x;
	int kind, ret, seen = 1;

	c->path[it->level] = it->table;
	kind = swmmu_decode_item(f, it->level, it->va, it->pte, &x);
	if (!(f->level[it->level].flags & SWMMU_LVL_DUAL)) {
		if (kind != SWMMU_ITEM_TABLE)
			return -EINVAL;
		ret = img_check_child(c, it, x.pa, it->level - 1);
		if (ret < 0)
			return ret;
		/* A shared table was checked when first seen. */
		return ret ? SWMMU_WALK_SKIP : SWMMU_WALK_DESCEND;
	}
	/* A dual entry: a table one level down, one two levels down, or both. */
	if (kind == SWMMU_ITEM_TABLE) {
		ret = img_check_child(c, it, x.pa, it->level - 1);
		if (ret < 0)
			return ret;
		seen &= ret;
	}
	if (swmmu_decode_item(f, it->level, it->va, it->pte2, &x) == SWMMU_ITEM_TABLE) {
		ret = img_check_child(c, it, x.pa, it->level - 2);
		if (ret < 0)
			return ret;
		seen &= ret;
	}
	return seen ? SWMMU_WALK_SKIP : SWMMU_WALK_DESCEND;
}

/* How many table visits a walk of the whole VA space makes (saturating at 2^32). */
static u64 img_visits(struct img_check *c)
{
	u64 *paths = calloc(c->seen.nr + 1, sizeof(*paths)), total = 0;
	unsigned int l, i;

	if (!paths)
		return ~0ULL;
	paths[1] = 1;	/* the root */
	for (l = c->f->nr_levels; l-- > 0;)
		for (i = 0; i < c->nr_edge[l]; i++) {
			const struct img_edge *e = &c->edge[l][i];

			paths[e->child] += paths[e->parent];
			if (paths[e->child] > 1ULL << 32)
				paths[e->child] = 1ULL << 32;
		}
	for (i = 1; i <= c->seen.nr; i++)
		total += paths[i];
	free(paths);
	return total;
}

/* Check every table reachable from the root of @as (see the top of this file). */
static int img_check(struct swmmu_as *as, struct sim_image *img)
{
	static const struct swmmu_walk_ops ops = { .pre_table = img_check_table };
	const struct swmmu_format *f = as->fmt;
	struct img_check c = { .f = f, .img = img };
	unsigned int i, n, l;
	u64 va[2], len[2], visits;
	u32 root;
	int ret;

	for (l = 0; l < SWMMU_MAX_LEVELS; l++)
		c.path[l] = ~0ULL;
	ret = img_table(&c, as->root, f->nr_levels - 1, 0, &root);
	n = sim_va_spans(f, va, len);
	for (i = 0; i < n && !ret; i++)
		ret = swmmu_walk(as, va[i], len[i], &ops, &c);
	if (!ret) {
		visits = img_visits(&c);
		if (visits > (u64)c.seen.nr + IMG_MAX_VISITS) {
			fprintf(sim_out, "image: %u tables shared so often that a walk would visit %llu (limit %u more than there are)\n",
				c.seen.nr, (unsigned long long)visits, IMG_MAX_VISITS);
			ret = -EINVAL;
		}
	}
	if (!ret && c.missing > 1)
		fprintf(sim_out, "image: %u missing tables read as empty\n", c.missing);
	free(c.seen.addr);
	free(c.seen.info);
	for (l = 0; l < SWMMU_MAX_LEVELS; l++)
		free(c.edge[l]);
	return ret;
}

/* Printable format name of a header (hostile bytes are shown as '?'). */
static void img_name(const unsigned char *hdr, char *name)
{
	unsigned int i;

	for (i = 0; i < SWMMU_NAME_MAX && hdr[24 + i]; i++)
		name[i] = hdr[24 + i] >= 0x20 && hdr[24 + i] < 0x7f ? (char)hdr[24 + i] : '?';
	name[i] = 0;
}

/*
 * The format an image names: a built-in one, else the current run-time format of that name;
 * derived to the header's VA size if it records one. *@owned is set when the format is a copy.
 */
static int img_format(const char *name, u32 va_bits, const struct swmmu_format *cur,
		      const struct swmmu_format **f, struct swmmu_format **owned, bool *derived)
{
	const struct swmmu_format *base = swmmu_format_find(name);
	struct swmmu_format *n;
	int ret = 0;

	*owned = NULL;
	*derived = false;
	if (!base && cur && !strncmp(cur->name, name, SWMMU_NAME_MAX))
		base = cur;
	if (!base) {
		fprintf(sim_out, "image: unknown format '%s' (for a run-time format, load its description first)\n",
			name);
		return -ENOENT;
	}
	if (va_bits > 64)
		return -EINVAL;
	*f = base;
	if (base != cur && (!va_bits || va_bits == base->va_bits))
		return 0;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*derived = va_bits && va_bits != base->va_bits;
	if (*derived)
		ret = swmmu_format_derive(base, va_bits, n);
	else
		*n = *base;
	if (ret) {
		fprintf(sim_out, "image: format '%s' cannot have a %u-bit VA\n", name, va_bits);
		free(n);
		return ret;
	}
	*f = *owned = n;
	return 0;
}

int sim_image_load(const char *path, const struct swmmu_format *cur, struct swmmu_as *as,
		   struct sim_image **imgp, struct swmmu_format **fmtp)
{
	unsigned char hdr[IMG_HDR_SIZE];
	const struct swmmu_format *f;
	struct swmmu_format *owned = NULL;
	struct sim_image *img = NULL;
	struct img_rec *recs = NULL;
	char name[SWMMU_NAME_MAX + 1];
	unsigned int nr, version, va_bits, l;
	struct img_ext *e;
	bool derived;
	u64 root;
	int ret = -EINVAL;
	FILE *fp = sim_fopen(path, "rb");

	if (!fp)
		return -ENOENT;
	if (rd(fp, hdr, IMG_HDR_V1) || memcmp(hdr, IMG_MAGIC, 8))
		goto out;
	version = le32(hdr + 8);
	if ((version != 1 && version != IMG_VERSION) ||
	    (version == IMG_VERSION && rd(fp, hdr + IMG_HDR_V1, IMG_HDR_SIZE - IMG_HDR_V1)))
		goto out;
	va_bits = version == IMG_VERSION ? le32(hdr + IMG_HDR_V1) : 0;
	nr = le32(hdr + 12);
	root = le64(hdr + 16);
	img_name(hdr, name);
	if (!nr || nr > IMG_MAX_TABLES)
		goto out;
	ret = img_format(name, va_bits, cur, &f, &owned, &derived);
	if (ret)
		goto out;
	ret = -ENOMEM;
	img = calloc(1, sizeof(*img));
	if (!img)
		goto out;
	for (l = 0; l < f->nr_levels; l++)
		if (img->pad < 1ULL << (f->level[l].index_bits + img_entry_lg2(f, l)))
			img->pad = (size_t)1 << (f->level[l].index_bits + img_entry_lg2(f, l));
	if (img->pad > IMG_MAX_TABLE) {
		fprintf(sim_out, "image: format '%s' has tables larger than an image holds\n", name);
		ret = -EINVAL;
		goto out;
	}
	img->zero = calloc(1, img->pad);
	if (!img->zero)
		goto out;
	ret = img_read_records(fp, nr, &recs);
	if (ret)
		goto out;
	ret = img_build(img, recs, nr);
	recs_free(recs, nr);
	if (ret)
		goto out;
	e = img_find(img, root, NULL);
	if (!e) {
		fprintf(sim_out, "image: no root table 0x%llx in the image\n",
			(unsigned long long)root);
		ret = -ENOENT;
		goto out;
	}
	ret = swmmu_as_init_foreign(as, f, &(struct swmmu_mem){ .ops = &img_mem_ops, .ctx = img },
				    root, NULL);
	if (!ret)
		ret = img_check(as, img);
	if (ret)
		goto out;
	fprintf(sim_out, "image: %s, %u tables, root 0x%llx", f->name, nr,
		(unsigned long long)root);
	fprintf(sim_out, derived ? ", %u-bit VA\n" : "\n", f->va_bits);
	*imgp = img;
	*fmtp = owned;
	img = NULL;
	owned = NULL;
out:
	sim_image_free(img);
	free(owned);
	fclose(fp);
	return ret;
}

struct img_save {
	const struct swmmu_as *as;
	u64 *addr;
	unsigned int *lvl;
	unsigned int nr, cap;
};

static int img_note(struct img_save *s, u64 addr, unsigned int lvl)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->addr[i] == addr)
			return 0;
	if (s->nr == s->cap) {
		unsigned int cap = s->cap ? 2 * s->cap : 64;
		u64 *a = realloc(s->addr, cap * sizeof(*a));
		unsigned int *l;

		if (!a)
			return -ENOMEM;
		s->addr = a;
		l = realloc(s->lvl, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		s->lvl = l;
		s->cap = cap;
	}
	s->addr[s->nr] = addr;
	s->lvl[s->nr++] = lvl;
	return 0;
}

/* A table entry: note the table it points at, once (a shared table is walked once). */
static int img_save_item(void *ctx, struct swmmu_walk_item *it)
{
	struct img_save *s = ctx;
	const struct swmmu_format *f = s->as->fmt;
	struct swmmu_xlate x;
	unsigned int nr = s->nr;
	int kind = swmmu_decode_item(f, it->level, it->va, it->pte, &x), ret = 0;

	if (f->level[it->level].flags & SWMMU_LVL_DUAL) {
		/* A dual entry: both of its tables, even one the walk does not enter. */
		if (kind == SWMMU_ITEM_TABLE)
			ret = img_note(s, x.pa, it->level - 1);
		if (!ret && swmmu_decode_item(f, it->level, it->va, it->pte2, &x) ==
		    SWMMU_ITEM_TABLE)
			ret = img_note(s, x.pa, it->level - 2);
	} else if (kind == SWMMU_ITEM_TABLE) {
		ret = img_note(s, x.pa, it->level - 1);
	} else {
		return -EINVAL;
	}
	if (ret)
		return ret;
	return s->nr == nr ? SWMMU_WALK_SKIP : SWMMU_WALK_DESCEND;
}

static void *img_cpu(const struct swmmu_as *as, u64 addr)
{
	if (as->to_cpu)
		return as->to_cpu(as->mem.ctx, addr);
	return (void *)(unsigned long)(addr + as->mem.cpu_offset);
}

struct img_span {
	u64 addr;
	u64 size;
};

static int img_span_cmp(const void *a, const void *b)
{
	const struct img_span *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One record to write: @size bytes at @addr, from @data. */
struct img_out {
	u64 addr;
	u64 size;
	const unsigned char *data;
};

/*
 * The records of a save: the tables' bytes, where overlapping tables (an image's tables need not
 * be aligned, nor apart) are one range, cut into aligned power-of-two records of at most
 * IMG_MAX_TABLE bytes. Aligned tables that do not overlap (every table the simulator allocates)
 * are one record each. *@bufs holds the memory of the ranges.
 */
static int img_records(const struct swmmu_as *as, const struct img_save *s,
		       struct img_out **outp, unsigned int *nr_out, unsigned char ***bufsp,
		       unsigned int *nr_bufs)
{
	const struct swmmu_format *f = as->fmt;
	struct img_span *t = calloc(s->nr, sizeof(*t));
	unsigned char **bufs = calloc(s->nr, sizeof(*bufs));
	struct img_out *out = NULL;
	unsigned int i, j, k, n = 0, cap = 0, nb = 0;
	int ret = -ENOMEM;

	if (!t || !bufs)
		goto fail;
	for (i = 0; i < s->nr; i++) {
		t[i].addr = s->addr[i];
		t[i].size = 1ULL << (f->level[s->lvl[i]].index_bits + img_entry_lg2(f, s->lvl[i]));
	}
	qsort(t, s->nr, sizeof(*t), img_span_cmp);
	for (i = 0; i < s->nr; i = j) {
		u64 start = t[i].addr, last = t[i].addr + (t[i].size - 1), a;
		unsigned char *buf;

		for (j = i + 1; j < s->nr && t[j].addr <= last; j++)
			if (t[j].addr + (t[j].size - 1) > last)
				last = t[j].addr + (t[j].size - 1);
		if (last - start >= 1ULL << 32) {
			ret = -EMSGSIZE;
			goto fail;
		}
		buf = malloc(last - start + 1);
		if (!buf)
			goto fail;
		bufs[nb++] = buf;
		for (k = i; k < j; k++)
			memcpy(buf + (t[k].addr - start), img_cpu(as, t[k].addr), t[k].size);
		for (a = start;;) {
			u64 size = IMG_MAX_TABLE;

			while ((a & (size - 1)) || a + (size - 1) > last)
				size >>= 1;
			if (n == cap) {
				struct img_out *o;

				cap = cap ? 2 * cap : 64;
				o = realloc(out, cap * sizeof(*o));
				if (!o)
					goto fail;
				out = o;
			}
			out[n++] = (struct img_out){ a, size, buf + (a - start) };
			if (a + (size - 1) == last)
				break;
			a += size;
		}
	}
	ret = n > IMG_MAX_TABLES ? -EMSGSIZE : 0;
	if (ret)
		goto fail;
	free(t);
	*outp = out;
	*nr_out = n;
	*bufsp = bufs;
	*nr_bufs = nb;
	return 0;
fail:
	for (i = 0; bufs && i < nb; i++)
		free(bufs[i]);
	free(bufs);
	free(out);
	free(t);
	return ret;
}

int sim_image_save(const char *path, const struct swmmu_as *as)
{
	static const struct swmmu_walk_ops ops = {
		.pre_table = img_save_item,
	};
	const struct swmmu_format *f = as->fmt, *base = swmmu_format_find(f->name);
	bool derived = base && base->va_bits != f->va_bits;
	struct img_save s = { .as = as };
	unsigned char hdr[IMG_HDR_SIZE] = { 0 }, rec[16], **bufs = NULL;
	size_t hdr_size = derived ? IMG_HDR_SIZE : IMG_HDR_V1;
	struct img_out *out = NULL;
	unsigned int i, n, nr_out = 0, nr_bufs = 0;
	u64 va[2], len[2];
	int ret;
	FILE *fp;

	ret = img_note(&s, as->root, f->nr_levels - 1);
	n = sim_va_spans(f, va, len);
	for (i = 0; i < n && !ret; i++)
		ret = swmmu_walk(as, va[i], len[i], &ops, &s);
	if (!ret)
		ret = img_records(as, &s, &out, &nr_out, &bufs, &nr_bufs);
	if (ret)
		goto out;
	fp = sim_fopen(path, "wb");
	if (!fp) {
		ret = -ENOENT;
		goto out;
	}
	memcpy(hdr, IMG_MAGIC, 8);
	put32(hdr + 8, derived ? IMG_VERSION : 1);
	put32(hdr + 12, nr_out);
	put64(hdr + 16, as->root);
	strncpy((char *)hdr + 24, f->name, SWMMU_NAME_MAX);
	if (derived)
		put32(hdr + IMG_HDR_V1, f->va_bits);
	if (fwrite(hdr, 1, hdr_size, fp) != hdr_size)
		ret = -EIO;
	for (i = 0; !ret && i < nr_out; i++) {
		put64(rec, out[i].addr);
		put64(rec + 8, out[i].size);
		if (fwrite(rec, 1, sizeof(rec), fp) != sizeof(rec) ||
		    fwrite(out[i].data, 1, out[i].size, fp) != out[i].size)
			ret = -EIO;
	}
	if (fclose(fp))
		ret = -EIO;
	if (!ret && nr_out == s.nr)
		fprintf(sim_out, "image: saved %u tables\n", s.nr);
	else if (!ret)
		fprintf(sim_out, "image: saved %u tables as %u records\n", s.nr, nr_out);
out:
	for (i = 0; i < nr_bufs; i++)
		free(bufs[i]);
	free(bufs);
	free(out);
	free(s.addr);
	free(s.lvl);
	return ret;
}
