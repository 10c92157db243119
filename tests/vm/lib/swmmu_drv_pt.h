/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test as a driver that builds its device's page tables with the core library (libswmmu.a),
 * the way a kernel driver would use io-pgtable: the tables live in an exported SWMMU_BUF_CONTIG
 * buffer (struct swmmu_dbuf), whose CPU mapping the library writes through a linear
 * cpu_offset; output addresses are DMA addresses of the file's buffers. Unmapping does not
 * invalidate anything in the device by itself: the gather's flush callback issues
 * SWMMU_INVALIDATE as a driver's tlb_flush_walk / tlb_add_page would, or, to inject a driver
 * bug, a leaf-only invalidation or none at all.
 *
 * Only the tests that link libswmmu.a include this header (its functions are static for that
 * reason: tests/vm/lib/ *.c are linked into every VM test, and most do not link the library).
 */
#ifndef SWMMU_DRV_PT_H
#define SWMMU_DRV_PT_H

#include <errno.h>
#include <string.h>

#include "swmmu_pt.h"
#include "swmmu_drv.h"

#define DRV_PT_FREE	512

/* How the gather flush invalidates (struct drv_pt.inv). */
enum drv_inv {
	DRV_INV_CORRECT = 0,	/* SWMMU_INV_VA_WALK where a table changed, SWMMU_INV_VA else */
	DRV_INV_LEAF_ONLY = 1,	/* the bug: SWMMU_INV_VA even after tables were unlinked */
	DRV_INV_NONE = 2,	/* the bug: no invalidation at all */
};

/**
 * struct drv_pt - one tree of tables a "driver" writes with the core library
 * @as: the core's address space
 * @f: its format
 * @tb: the table buffer
 * @lo: first DMA address of the part of @tb this tree allocates from
 * @hi: end of that part
 * @next: bump pointer
 * @nr_free: entries of @free
 * @free: freed tables, reused last-in first-out (so that a freed table page comes back soon,
 *        as with a driver's page allocator)
 * @live: tables allocated and not freed
 * @fd: the device file, for the invalidations
 * @as_id: the context to invalidate
 * @asid: the ASID the context tags this tree's translations with
 * @inv: enum drv_inv
 * @flushes: gather flushes that invalidated something
 * @inv_err: errno of the first failed invalidation, 0 if none
 */
struct drv_pt {
	struct swmmu_as as;
	const struct swmmu_format *f;
	struct swmmu_dbuf *tb;
	uint64_t lo, hi, next;
	unsigned int nr_free;
	struct {
		uint64_t addr;
		uint32_t size;
	} free[DRV_PT_FREE];
	unsigned long live;
	int fd;
	uint32_t as_id, asid;
	enum drv_inv inv;
	unsigned int flushes;
	int inv_err;
};

static inline void *drv_pt_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	struct drv_pt *p = ctx;
	unsigned int i;
	uint64_t a;

	for (i = p->nr_free; i-- > 0;) {
		if (p->free[i].size == size && !(p->free[i].addr & (align - 1))) {
			a = p->free[i].addr;
			p->free[i] = p->free[--p->nr_free];
			goto found;
		}
	}
	a = (p->next + align - 1) & ~(uint64_t)(align - 1);
	if (a < p->next || a + size > p->hi)
		return NULL;
	p->next = a + size;
found:
	p->live++;
	*addr = a;
	memset(swmmu_dbuf_cpu(p->tb, a), 0, size);
	return swmmu_dbuf_cpu(p->tb, a);
}

static inline void drv_pt_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	struct drv_pt *p = ctx;

	(void)cpu;
	p->live--;
	if (p->nr_free < DRV_PT_FREE) {
		p->free[p->nr_free].addr = addr;
		p->free[p->nr_free].size = (uint32_t)size;
		p->nr_free++;
	}
}

static const struct swmmu_mem_ops drv_pt_mem_ops = {
	.alloc = drv_pt_alloc,
	.free = drv_pt_free,
};

/*
 * A tree whose tables come from [off, off + len) of @tb. 0 or a negative errno (the root table
 * did not fit).
 */
static inline int drv_pt_init(struct drv_pt *p, const struct swmmu_format *f,
			      struct swmmu_dbuf *tb, uint64_t off, uint64_t len, int fd,
			      uint32_t as_id, uint32_t asid)
{
	struct swmmu_mem mem = {
		.ops = &drv_pt_mem_ops,
		.ctx = p,
		.cpu_offset = (unsigned long)((uintptr_t)tb->cpu - tb->dma),
	};

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->tb = tb;
	p->lo = tb->dma + off;
	p->hi = p->lo + len;
	p->next = p->lo;
	p->fd = fd;
	p->as_id = as_id;
	p->asid = asid;
	return swmmu_as_init(&p->as, f, &mem);
}

static inline void drv_pt_destroy(struct drv_pt *p)
{
	swmmu_as_destroy(&p->as);
}

/* The gather's flush: what a driver's IOMMU ops do after unmapping. */
static inline void drv_pt_flush(void *ctx, const struct swmmu_gather *g)
{
	struct drv_pt *p = ctx;
	struct swmmu_inval_cmd c[SWMMU_GATHER_RANGES];
	unsigned int i, n = 0;

	if (p->inv == DRV_INV_NONE || (!g->nr_ranges && !g->flush_all))
		return;
	for (i = 0; i < g->nr_ranges; i++) {
		const struct swmmu_gather_range *r = &g->range[i];
		uint64_t len = r->last - r->start + 1;
		bool walk = (r->levels & ~1u) && p->inv == DRV_INV_CORRECT;

		if (!len) {
			/* The whole 64-bit space: what a driver does with an ASID flush. */
			n = 0;
			break;
		}
		c[n++] = walk ? swmmu_inv_va_walk(p->as_id, p->asid, r->start, len) :
				swmmu_inv_va(p->as_id, p->asid, r->start, len);
	}
	if (!n)
		c[n++] = swmmu_inv_asid(p->as_id, p->asid);
	if (_test_invalidate(p->fd, c, n, NULL) && !p->inv_err)
		p->inv_err = errno;
	p->flushes++;
}

static inline int drv_pt_map(struct drv_pt *p, uint64_t va, uint64_t pa, uint64_t len,
			     uint32_t prot, uint64_t pgsize)
{
	struct swmmu_map_opts o = { .pgsize = pgsize };

	return swmmu_map_ext(&p->as, va, pa, len, prot, &o);
}

/*
 * Unmap, then free the tables left empty anywhere under the root items the range touches (the
 * driver owns the whole VA space; the core frees only tables whose whole span it is given), then
 * flush the gather: invalidations, then the frees.
 */
static inline int drv_pt_unmap(struct drv_pt *p, uint64_t va, uint64_t len)
{
	uint64_t span = 1ULL << p->f->level[p->f->nr_levels - 1].shift;
	uint64_t lo = va & ~(span - 1), hi = (va + len - 1) | (span - 1);
	struct swmmu_gather g;
	u64 done = 0;
	int ret;

	swmmu_gather_init(&g, drv_pt_flush, p);
	ret = swmmu_unmap(&p->as, va, len, 0, &g, &done);
	if (!ret)
		swmmu_free_empty(&p->as, lo, hi - lo + 1, &g);
	swmmu_gather_flush(&g);
	return ret;
}

static inline int drv_pt_protect(struct drv_pt *p, uint64_t va, uint64_t len, uint32_t prot)
{
	struct swmmu_gather g;
	int ret;

	swmmu_gather_init(&g, drv_pt_flush, p);
	ret = swmmu_protect(&p->as, va, len, prot, 0, &g);
	swmmu_gather_flush(&g);
	return ret;
}

/* Bytes of an item of @level. */
static inline unsigned int drv_item_bytes(const struct swmmu_format *f, unsigned int level)
{
	if ((f->flags & SWMMU_FMT_LEVEL_ENTRY) && f->level[level].entry_lg2)
		return 1u << f->level[level].entry_lg2;
	return 1u << f->entry_lg2;
}

struct drv_item_find {
	const struct drv_pt *p;
	unsigned int level;
	uint64_t addr;		/* DMA address of the item, 0 if not reached */
};

static inline int drv_item_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct drv_item_find *d = ctx;

	if (it->level != d->level)
		return SWMMU_WALK_DESCEND;
	d->addr = it->table + (uint64_t)it->index * drv_item_bytes(d->p->f, it->level);
	return SWMMU_WALK_STOP;
}

/*
 * The DMA address of the item of @level the walk for @va reads (a table entry, leaf or hole),
 * or 0 if the walk does not reach that level. The primary 64-bit word of the item is at
 * drv_pt_item_cpu().
 */
static inline uint64_t drv_pt_item(const struct drv_pt *p, uint64_t va, unsigned int level)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = drv_item_cb, .hole = drv_item_cb, .pre_table = drv_item_cb,
	};
	struct drv_item_find d = { .p = p, .level = level };

	if (swmmu_walk(&p->as, va, 1, &ops, &d))
		return 0;
	return d.addr;
}

static inline volatile uint64_t *drv_pt_item_cpu(const struct drv_pt *p, uint64_t va,
						 unsigned int level)
{
	uint64_t a = drv_pt_item(p, va, level);

	return a ? swmmu_dbuf_cpu(p->tb, a) : NULL;
}

/*
 * The output-address field of an item, for addresses aligned to 4 KiB at least: the bits of the
 * field below that (NVIDIA keeps flags there in a leaf) are left alone.
 */
static inline uint64_t drv_oa_mask(const struct swmmu_format *f)
{
	uint64_t field = f->oa_width >= 64 ? ~0ULL : (1ULL << f->oa_width) - 1;
	unsigned int skip = f->oa_lo < 12 ? 12 - f->oa_lo : 0;

	return (field & ~((1ULL << skip) - 1)) << f->oa_pte_lo;
}

/* @pte with its output-address field replaced by @oa (the encoding of swmmu_format.h). */
static inline uint64_t drv_pte_set_oa(const struct swmmu_format *f, uint64_t pte, uint64_t oa)
{
	uint64_t mask = drv_oa_mask(f);

	return (pte & ~mask) | (((oa >> f->oa_lo) << f->oa_pte_lo) & mask);
}

static inline uint64_t drv_pte_oa(const struct swmmu_format *f, uint64_t pte)
{
	return ((pte & drv_oa_mask(f)) >> f->oa_pte_lo) << f->oa_lo;
}

#endif /* SWMMU_DRV_PT_H */
