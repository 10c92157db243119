/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mapping records (swmmu_maps.c): what each MAP mapped, in an rbtree per address space. The
 * address-space layer keeps them; MAP_BATCH allocates them in bulk, module init makes their cache
 * and named spaces walk them. The operations every MAP and UNMAP runs once each (insert, coverage
 * check, take, release) are inline here: out of line they cost a call and a return each on the
 * one-page path that `make bench` times (scripts/module-ab.sh compares two builds).
 */
#ifndef SWMMU_MAPS_H
#define SWMMU_MAPS_H

#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "swmmu_as.h"

extern struct kmem_cache *swmmu_mapping_cache;

int swmmu_maps_init(void);
void swmmu_maps_exit(void);
int swmmu_mappings_alloc(unsigned int nr, struct swmmu_mapping **m);
void swmmu_mappings_free(unsigned int nr, struct swmmu_mapping **m);
struct swmmu_mapping *swmmu_maps_find(struct swmmu_as_obj *as, u64 first, u64 last);
struct swmmu_mapping *swmmu_maps_next(struct swmmu_as_obj *as, struct swmmu_mapping *m, u64 last);
int swmmu_maps_free_range(struct swmmu_as_obj *as, u64 len, u64 align, u64 *out);

/*
 * The records of an address space are an rbtree ordered by VA; they never overlap, so ordering by
 * first VA also orders them by last VA. maps_lock guards only the tree's shape: a caller that holds
 * the range lock over a record may use the record after dropping maps_lock, because only a holder
 * of that range inserts or removes it.
 */

/**
 * __swmmu_maps_find() - the first record that overlaps a VA range
 * @as: the address space
 * @first: first VA
 * @last: last VA (inclusive)
 *
 * Context: @as->maps_lock held.
 * Return: the record with the lowest VA that overlaps [first, last], or NULL.
 */
static inline struct swmmu_mapping *__swmmu_maps_find(struct swmmu_as_obj *as, u64 first, u64 last)
{
	struct rb_node *n = as->maps.rb_node;
	struct swmmu_mapping *found = NULL;

	while (n) {
		struct swmmu_mapping *m = rb_entry(n, struct swmmu_mapping, node);

		if (m->last < first) {
			n = n->rb_right;
		} else {
			found = m;
			n = n->rb_left;
		}
	}
	return found && found->iova <= last ? found : NULL;
}

/**
 * __swmmu_maps_next() - the record after one, if it begins at or below a VA
 * @m: a record in the tree
 * @last: last VA (inclusive) of the range being walked
 *
 * Context: the tree's maps_lock held.
 * Return: the next record, or NULL.
 */
static inline struct swmmu_mapping *__swmmu_maps_next(struct swmmu_mapping *m, u64 last)
{
	struct rb_node *n = rb_next(&m->node);

	m = n ? rb_entry(n, struct swmmu_mapping, node) : NULL;
	return m && m->iova <= last ? m : NULL;
}

/**
 * swmmu_maps_insert() - insert a mapping record
 * @as: the address space
 * @m: the record, iova and last set
 *
 * Context: any context that may take a spinlock; the caller holds the record's range.
 * Return: 0, or -EEXIST if it overlaps a record.
 */
static inline int swmmu_maps_insert(struct swmmu_as_obj *as, struct swmmu_mapping *m)
{
	struct rb_node **p = &as->maps.rb_node, *parent = NULL;

	spin_lock(&as->maps_lock);
	while (*p) {
		struct swmmu_mapping *e = rb_entry(*p, struct swmmu_mapping, node);

		parent = *p;
		if (m->last < e->iova) {
			p = &parent->rb_left;
		} else if (m->iova > e->last) {
			p = &parent->rb_right;
		} else {
			spin_unlock(&as->maps_lock);
			return -EEXIST;
		}
	}
	rb_link_node(&m->node, parent, p);
	rb_insert_color(&m->node, &as->maps);
	spin_unlock(&as->maps_lock);
	return 0;
}

/**
 * swmmu_maps_erase() - remove a mapping record from the tree
 * @as: the address space
 * @m: the record
 *
 * Context: any context that may take a spinlock; the caller holds the record's range.
 */
static inline void swmmu_maps_erase(struct swmmu_as_obj *as, struct swmmu_mapping *m)
{
	spin_lock(&as->maps_lock);
	rb_erase(&m->node, &as->maps);
	spin_unlock(&as->maps_lock);
}

/**
 * swmmu_maps_take() - move every record inside a VA range from the tree to a list
 * @as: the address space
 * @first: first VA
 * @last: last VA (inclusive)
 * @dead: the list (struct swmmu_mapping.dead)
 *
 * Context: any context that may take a spinlock; the caller holds the range and checked that
 * no record is cut (swmmu_covered()).
 * Return: the bytes of the records moved.
 */
static inline u64 swmmu_maps_take(struct swmmu_as_obj *as, u64 first, u64 last, struct list_head *dead)
{
	struct swmmu_mapping *m, *next;
	u64 bytes = 0;

	spin_lock(&as->maps_lock);
	for (m = __swmmu_maps_find(as, first, last); m; m = next) {
		next = __swmmu_maps_next(m, last);
		rb_erase(&m->node, &as->maps);
		list_add_tail(&m->dead, dead);
		bytes += m->last - m->iova + 1;
	}
	spin_unlock(&as->maps_lock);
	return bytes;
}

/**
 * swmmu_maps_covered() - whether a VA range holds whole mappings only
 * @as: the address space
 * @iova: first VA
 * @last: last VA (inclusive)
 *
 * Context: any context that may take a spinlock; the caller holds the range, so records
 * overlapping it cannot change.
 * Return: 0 if [iova, last] holds at least one mapping and cuts none, -ENOENT if it holds
 * none, -EINVAL if it cuts one.
 */
static inline int swmmu_maps_covered(struct swmmu_as_obj *as, u64 iova, u64 last)
{
	struct swmmu_mapping *m;
	int ret = -ENOENT;

	spin_lock(&as->maps_lock);
	for (m = __swmmu_maps_find(as, iova, last); m; m = __swmmu_maps_next(m, last)) {
		if (m->iova < iova || m->last > last) {
			ret = -EINVAL;
			break;
		}
		ret = 0;
	}
	spin_unlock(&as->maps_lock);
	return ret;
}

/**
 * swmmu_mappings_gone() - account for records that are gone from an address space
 * @as: the address space
 * @nr: how many
 * @bytes: their bytes in all
 *
 * Context: any.
 */
static inline void swmmu_mappings_gone(struct swmmu_as_obj *as, long nr, u64 bytes)
{
	atomic64_sub(nr, &as->nr_mappings);
	atomic64_sub(bytes, &as->mapped_bytes);
	atomic_long_sub(nr, &swmmu_cnt.mappings);
}

/**
 * swmmu_mapping_alloc() - allocate one zeroed mapping record
 *
 * Context: process context, may sleep.
 * Return: the record, or NULL.
 */
static inline struct swmmu_mapping *swmmu_mapping_alloc(void)
{
	return kmem_cache_zalloc(swmmu_mapping_cache, GFP_KERNEL_ACCOUNT);
}

/**
 * swmmu_mapping_free() - free a record that was never inserted
 * @m: the record; its buffer reference, if any, is the caller's
 *
 * Context: any context that may free memory.
 */
static inline void swmmu_mapping_free(struct swmmu_mapping *m)
{
	kmem_cache_free(swmmu_mapping_cache, m);
}

/**
 * swmmu_mapping_release() - free a record that is out of the tree
 * @m: the record; drops its buffer reference
 *
 * Context: any context that may free memory.
 */
static inline void swmmu_mapping_release(struct swmmu_mapping *m)
{
	swmmu_obj_put(&m->buf->obj);
	kmem_cache_free(swmmu_mapping_cache, m);
}

#endif /* SWMMU_MAPS_H */
