// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mapping records: what each MAP mapped (VA range, buffer slice, permissions), in an rbtree per
 * address space ordered by VA, allocated from a cache of their own. The operations a MAP or an
 * UNMAP runs once each are inline in swmmu_maps.h.
 */
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <linux/overflow.h>

#include "swmmu_maps.h"

/* The records; a cache of their own so that SWMMU_MAP_BATCH can allocate many at once. */
struct kmem_cache *swmmu_mapping_cache;

/**
 * swmmu_maps_init() - create the cache of mapping records
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int swmmu_maps_init(void)
{
	swmmu_mapping_cache = KMEM_CACHE(swmmu_mapping, SLAB_ACCOUNT);
	return swmmu_mapping_cache ? 0 : -ENOMEM;
}

/**
 * swmmu_maps_exit() - destroy the cache of mapping records
 *
 * Context: module exit, after the last address space is gone.
 */
void swmmu_maps_exit(void)
{
	kmem_cache_destroy(swmmu_mapping_cache);
}

/**
 * swmmu_mappings_alloc() - allocate zeroed mapping records in bulk
 * @nr: how many
 * @m: filled with @nr records
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM (none allocated).
 */
int swmmu_mappings_alloc(unsigned int nr, struct swmmu_mapping **m)
{
	return kmem_cache_alloc_bulk(swmmu_mapping_cache, GFP_KERNEL_ACCOUNT | __GFP_ZERO, nr,
				     (void **)m) ? 0 : -ENOMEM;
}

/**
 * swmmu_mappings_free() - free records swmmu_mappings_alloc() gave and nothing used
 * @nr: how many
 * @m: the records
 *
 * Context: any context that may free memory.
 */
void swmmu_mappings_free(unsigned int nr, struct swmmu_mapping **m)
{
	if (nr)
		kmem_cache_free_bulk(swmmu_mapping_cache, nr, (void **)m);
}

/**
 * swmmu_maps_find() - the first mapping record that overlaps a VA range
 * @as: the address space
 * @first: first VA
 * @last: last VA (inclusive)
 *
 * Context: any context that may take a spinlock; the record stays valid while the caller holds
 * a range of @as->range over it.
 * Return: the record with the lowest VA that overlaps [first, last], or NULL.
 */
struct swmmu_mapping *swmmu_maps_find(struct swmmu_as_obj *as, u64 first, u64 last)
{
	struct swmmu_mapping *m;

	spin_lock(&as->maps_lock);
	m = __swmmu_maps_find(as, first, last);
	spin_unlock(&as->maps_lock);
	return m;
}

/**
 * swmmu_maps_next() - the record after one, if it still overlaps a VA range
 * @as: the address space
 * @m: a record in the tree
 * @last: last VA (inclusive) of the range being walked
 *
 * Context: as swmmu_maps_find(); the caller holds a range over @m.
 * Return: the next record by VA if it begins at or below @last, or NULL.
 */
struct swmmu_mapping *swmmu_maps_next(struct swmmu_as_obj *as, struct swmmu_mapping *m, u64 last)
{
	spin_lock(&as->maps_lock);
	m = __swmmu_maps_next(m, last);
	spin_unlock(&as->maps_lock);
	return m;
}

/**
 * swmmu_maps_free_range() - the lowest VA range no record overlaps
 * @as: the address space
 * @len: bytes wanted
 * @align: alignment of the range (a power of two)
 * @out: first VA of the range found
 *
 * Searches the lower half of the VA space. The answer may be stale by the time the caller locks
 * it; the caller retries on -EEXIST.
 *
 * Context: any context that may take a spinlock.
 * Return: 0, or -ENOSPC.
 */
int swmmu_maps_free_range(struct swmmu_as_obj *as, u64 len, u64 align, u64 *out)
{
	u64 hi = swmmu_as_va_last(as), cand = 0, end;
	struct swmmu_mapping *m;

	for (;;) {
		if (cand & (align - 1)) {
			if (check_add_overflow(cand | (align - 1), 1ULL, &cand))
				return -ENOSPC;
		}
		if (cand > hi || hi - cand < len - 1)
			return -ENOSPC;
		/* Without the range, a record may go at any time: read its end under the lock. */
		spin_lock(&as->maps_lock);
		m = __swmmu_maps_find(as, cand, cand + len - 1);
		end = m ? m->last : 0;
		spin_unlock(&as->maps_lock);
		if (!m) {
			*out = cand;
			return 0;
		}
		if (end == U64_MAX)
			return -ENOSPC;
		cand = end + 1;
	}
}

