// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-sim: raw page-table images (docs/page-table-image.md).
 *
 *   image FILE        replace the address space with the tables of FILE, walked in place
 *   image-save FILE   write the current address space's tables to FILE
 *
 * An image is a set of tables, each at the table address the entries above it hold, plus the
 * root's address and the format's name: tables captured elsewhere (a kernel, a device, another
 * tool) can be inspected offline with query, walk, translate and dump. Table addresses are looked
 * up in the image; an entry pointing at a table the image does not hold reads as an empty table
 * and is reported once ("image: missing table 0x...").
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

struct img_table {
	u64 addr;
	u64 size;
	void *data;
};

/* The loaded image: tables sorted by address. */
static struct {
	struct img_table *t;
	unsigned int nr;
	void *zero;
	bool warned;
} img;

static int img_cmp(const void *a, const void *b)
{
	const struct img_table *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void *img_to_cpu(void *ctx, u64 addr)
{
	unsigned int lo = 0, hi = img.nr;

	(void)ctx;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct img_table *t = &img.t[mid];

		if (addr < t->addr)
			hi = mid;
		else if (addr - t->addr >= t->size)
			lo = mid + 1;
		else
			return (char *)t->data + (addr - t->addr);
	}
	if (!img.warned)
		printf("image: missing table 0x%llx\n", (unsigned long long)addr);
	img.warned = true;
	return img.zero;
}

/* An image is walked in place: the address space never allocates or frees a table. */
static const struct swmmu_mem_ops img_mem_ops = { .to_cpu = img_to_cpu };
static const struct swmmu_mem img_mem = { .ops = &img_mem_ops };

/* The format of a loaded image whose header records a reduced VA size. */
static struct swmmu_format img_fmt;

static void img_release(void)
{
	unsigned int i;

	for (i = 0; i < img.nr; i++)
		free(img.t[i].data);
	free(img.t);
	free(img.zero);
	memset(&img, 0, sizeof(img));
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

int sim_image_load(const char *path, struct swmmu_as *as, bool *have_as)
{
	unsigned char hdr[IMG_HDR_SIZE], rec[16];
	const struct swmmu_format *f;
	static struct swmmu_format tmp;
	char name[SWMMU_NAME_MAX + 1];
	unsigned int i, nr, version, va_bits;
	u64 root;
	int ret = -EINVAL;
	FILE *fp = fopen(path, "rb");

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
	memcpy(name, hdr + 24, SWMMU_NAME_MAX);
	name[SWMMU_NAME_MAX] = 0;
	f = swmmu_format_find(name);
	if (!f) {
		printf("image: unknown format '%s'\n", name);
		ret = -ENOENT;
		goto out;
	}
	if (!nr || nr > IMG_MAX_TABLES || va_bits > 64 ||
	    (va_bits && va_bits != f->va_bits && swmmu_format_derive(f, va_bits, &tmp)))
		goto out;

	if (*have_as)
		swmmu_as_destroy(as);
	*have_as = false;
	img_release();
	if (va_bits && va_bits != f->va_bits) {
		img_fmt = tmp;
		f = &img_fmt;
	}
	img.t = calloc(nr, sizeof(*img.t));
	img.zero = calloc(1, IMG_MAX_TABLE);
	if (!img.t || !img.zero) {
		ret = -ENOMEM;
		goto out_release;
	}
	for (i = 0; i < nr; i++) {
		struct img_table *t = &img.t[i];

		if (rd(fp, rec, sizeof(rec)))
			goto out_release;
		t->addr = le64(rec);
		t->size = le64(rec + 8);
		img.nr = i + 1;
		if (!t->size || t->size > IMG_MAX_TABLE || (t->size & (t->size - 1)) ||
		    (t->addr & (t->size - 1)))
			goto out_release;
		t->data = malloc(t->size);
		if (!t->data) {
			ret = -ENOMEM;
			goto out_release;
		}
		if (rd(fp, t->data, t->size))
			goto out_release;
	}
	qsort(img.t, img.nr, sizeof(*img.t), img_cmp);
	for (i = 1; i < img.nr; i++)
		if (img.t[i].addr < img.t[i - 1].addr + img.t[i - 1].size)
			goto out_release;	/* overlapping tables */
	ret = swmmu_as_init_foreign(as, f, &img_mem, root, NULL);
	if (ret)
		goto out_release;
	ret = -EINVAL;
	if (as->root_cpu == img.zero) {
		ret = -ENOENT;
		goto out_release;
	}
	*have_as = true;
	printf("image: %s, %u tables, root 0x%llx", f->name, img.nr, (unsigned long long)root);
	printf(f == &img_fmt ? ", %u-bit VA\n" : "\n", f->va_bits);
	ret = 0;
	goto out;

out_release:
	img_release();
out:
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

static int img_save_item(void *ctx, struct swmmu_walk_item *it)
{
	struct img_save *s = ctx;
	const struct swmmu_format *f = s->as->fmt;
	struct swmmu_xlate x;
	int ret = img_note(s, it->table, it->level);

	/* A dual entry: both of its tables, even one the walk does not enter. */
	if (!ret && it->kind == SWMMU_ITEM_TABLE && (f->level[it->level].flags & SWMMU_LVL_DUAL)) {
		if (swmmu_decode_item(f, it->level, it->va, it->pte, &x) == SWMMU_ITEM_TABLE)
			ret = img_note(s, x.pa, it->level - 1);
		if (!ret && swmmu_decode_item(f, it->level, it->va, it->pte2, &x) ==
		    SWMMU_ITEM_TABLE)
			ret = img_note(s, x.pa, it->level - 2);
	}
	return ret ? ret : SWMMU_WALK_DESCEND;
}

/* lg2 of the item size of a level (a level may override the format's). */
static unsigned int img_entry_lg2(const struct swmmu_format *f, unsigned int lvl)
{
	if ((f->flags & SWMMU_FMT_LEVEL_ENTRY) && f->level[lvl].entry_lg2)
		return f->level[lvl].entry_lg2;
	return f->entry_lg2;
}

static void *img_cpu(const struct swmmu_as *as, u64 addr)
{
	if (as->to_cpu)
		return as->to_cpu(as->mem.ctx, addr);
	return (void *)(unsigned long)(addr + as->mem.cpu_offset);
}

int sim_image_save(const char *path, const struct swmmu_as *as)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = img_save_item, .hole = img_save_item, .pre_table = img_save_item,
	};
	const struct swmmu_format *f = as->fmt, *base = swmmu_format_find(f->name);
	bool derived = base && base->va_bits != f->va_bits;
	struct img_save s = { .as = as };
	unsigned char hdr[IMG_HDR_SIZE] = { 0 }, rec[16];
	size_t hdr_size = derived ? IMG_HDR_SIZE : IMG_HDR_V1;
	unsigned int i;
	u64 half;
	int ret;
	FILE *fp;

	ret = img_note(&s, as->root, f->nr_levels - 1);
	if (!ret && (f->flags & SWMMU_FMT_SIGN_EXTEND)) {
		half = 1ULL << (f->va_bits - 1);
		ret = swmmu_walk(as, 0, half, &ops, &s);
		if (!ret)
			ret = swmmu_walk(as, -half, half, &ops, &s);
	} else if (!ret) {
		u64 last = swmmu_format_va_size_last(f);

		ret = swmmu_walk(as, 0, last + 1 ? last + 1 : ~0ULL, &ops, &s);
	}
	if (ret)
		goto out;
	fp = fopen(path, "wb");
	if (!fp) {
		ret = -ENOENT;
		goto out;
	}
	memcpy(hdr, IMG_MAGIC, 8);
	put32(hdr + 8, derived ? IMG_VERSION : 1);
	put32(hdr + 12, s.nr);
	put64(hdr + 16, as->root);
	strncpy((char *)hdr + 24, f->name, SWMMU_NAME_MAX);
	if (derived)
		put32(hdr + IMG_HDR_V1, f->va_bits);
	if (fwrite(hdr, 1, hdr_size, fp) != hdr_size)
		ret = -EIO;
	for (i = 0; !ret && i < s.nr; i++) {
		u64 size = 1ULL << (f->level[s.lvl[i]].index_bits + img_entry_lg2(f, s.lvl[i]));

		put64(rec, s.addr[i]);
		put64(rec + 8, size);
		if (fwrite(rec, 1, sizeof(rec), fp) != sizeof(rec) ||
		    fwrite(img_cpu(as, s.addr[i]), 1, size, fp) != size)
			ret = -EIO;
	}
	if (fclose(fp))
		ret = -EIO;
	if (!ret)
		printf("image: saved %u tables\n", s.nr);
out:
	free(s.addr);
	free(s.lvl);
	return ret;
}
