// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invalidation gather: the VA ranges (with the levels whose cached items changed) that must be
 * invalidated, and the tables unlinked by an operation, freed only after the caller flushed.
 */
#include "swmmu_internal.h"

/**
 * swmmu_gather_init() - prepare an empty gather
 * @g: the gather
 * @flush: invalidation callback called by swmmu_gather_flush(), or NULL
 * @ctx: passed to @flush
 *
 * Context: any; the gather belongs to one thread.
 */
void swmmu_gather_init(struct swmmu_gather *g,
		       void (*flush)(void *ctx, const struct swmmu_gather *g), void *ctx)
{
	/*
	 * The counts say which slots hold anything, so the arrays (most of the struct) are left
	 * alone: every unmap and protect starts a gather, and clearing a few hundred bytes each
	 * time was a visible part of a one-page unmap.
	 */
	g->flush = flush;
	g->ctx = ctx;
	g->as = NULL;
	g->nr_ranges = 0;
	g->flush_all = false;
	g->nr_tables = 0;
}
SWMMU_EXPORT(swmmu_gather_init);

static bool swmmu_range_touches(const struct swmmu_gather_range *r, u64 start, u64 last)
{
	bool after = start > r->last && start - 1 != r->last;
	bool before = last < r->start && last + 1 != r->start;

	return !after && !before;
}

/**
 * swmmu_gather_add() - record a VA range whose cached translations must be dropped
 * @g: the gather, or NULL
 * @as: the address space
 * @start: first VA (canonical)
 * @last: last VA (inclusive, canonical)
 * @levels: bitmap of levels whose items changed
 *
 * Touching or overlapping ranges merge; when all slots are used the last range is widened.
 *
 * Context: the gather belongs to one thread. Internal to the library.
 */
void swmmu_gather_add(struct swmmu_gather *g, struct swmmu_as *as, u64 start, u64 last,
		      u32 levels)
{
	struct swmmu_gather_range *r;
	unsigned int i;

	if (!g)
		return;
	if (!g->as)
		g->as = as;
	for (i = 0; i < g->nr_ranges; i++) {
		r = &g->range[i];
		if (swmmu_range_touches(r, start, last))
			goto merge;
	}
	if (g->nr_ranges < SWMMU_GATHER_RANGES) {
		r = &g->range[g->nr_ranges++];
		r->start = start;
		r->last = last;
		r->levels = levels;
		return;
	}
	/* Full: widen the last range to cover this one as well (over-invalidation is safe). */
	r = &g->range[SWMMU_GATHER_RANGES - 1];
	g->flush_all = true;
merge:
	if (start < r->start)
		r->start = start;
	if (last > r->last)
		r->last = last;
	r->levels |= levels;
}

/**
 * swmmu_gather_add_table() - free an unlinked table after the next flush
 * @g: the gather, or NULL to free at once
 * @as: the address space that owned the table
 * @lvl: level of the table's items
 * @cpu: CPU pointer
 * @addr: table address
 *
 * A full free list (or a table of another address space) flushes the gather first.
 *
 * Context: may call the flush and free callbacks. Internal to the library.
 */
void swmmu_gather_add_table(struct swmmu_gather *g, struct swmmu_as *as, unsigned int lvl,
			    void *cpu, u64 addr)
{
	if (!g) {
		swmmu_table_free(as, lvl, cpu, addr);
		return;
	}
	if (g->as && g->as != as)
		swmmu_gather_flush(g);
	g->as = as;
	if (g->nr_tables == SWMMU_GATHER_TABLES)
		swmmu_gather_flush(g);
	g->as = as;
	g->tables[g->nr_tables].cpu = cpu;
	g->tables[g->nr_tables].addr = addr;
	g->tables[g->nr_tables].size = 1u << pt_table_lg2(as->fmt, lvl);
	g->nr_tables++;
}

/**
 * swmmu_gather_flush() - invalidate what the gather recorded, then free its tables
 * @g: the gather
 *
 * Calls the flush callback (if any ranges or tables were recorded) and only then returns the
 * unlinked tables to the address space's allocator. The gather is empty afterwards.
 *
 * Context: may sleep if the flush or free callbacks sleep.
 */
void swmmu_gather_flush(struct swmmu_gather *g)
{
	unsigned int i;

	if (g->flush && (g->nr_ranges || g->flush_all || g->nr_tables))
		g->flush(g->ctx, g);
	for (i = 0; i < g->nr_tables && g->as->mem.ops->free; i++)
		g->as->mem.ops->free(g->as->mem.ctx, g->tables[i].cpu, g->tables[i].addr,
				     g->tables[i].size);
	g->nr_tables = 0;
	g->nr_ranges = 0;
	g->flush_all = false;
}
SWMMU_EXPORT(swmmu_gather_flush);
