// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces: the core's page tables in DMA-able memory, the VA range lock, the mapping
 * records, and the commands that change or read the tables (MAP, UNMAP, PROTECT, QUERY, DUMP,
 * RW, STATS).
 */
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "swmmu_priv.h"

/* The whole VA space as a range-lock range. */
#define SWMMU_ALL_FIRST		0ULL
#define SWMMU_ALL_LAST		U64_MAX

/* RW moves at most this much per call. */
#define SWMMU_RW_MAX		(64ULL << 20)

static atomic_t swmmu_as_serial = ATOMIC_INIT(0);

/* ---- VA range lock ---------------------------------------------------------------------------- */

static void swmmu_range_lock_init(struct swmmu_range_lock *rl)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	static struct lock_class_key key;

	lockdep_init_map(&rl->dep_map, "swmmu_as_range", &key, 0);
#endif
	spin_lock_init(&rl->lock);
	INIT_LIST_HEAD(&rl->held);
	init_waitqueue_head(&rl->wq);
}

static bool swmmu_range_try(struct swmmu_range_lock *rl, struct swmmu_range *r)
{
	struct swmmu_range *h;

	spin_lock(&rl->lock);
	list_for_each_entry(h, &rl->held, node) {
		if (h->start <= r->last && r->start <= h->last) {
			spin_unlock(&rl->lock);
			return false;
		}
	}
	list_add(&r->node, &rl->held);
	spin_unlock(&rl->lock);
	return true;
}

/**
 * swmmu_range_lock() - lock [start, last] of an address space's VA space
 * @rl: the range lock
 * @r: caller-provided node describing the range (usually on the stack)
 * @start: first VA
 * @last: last VA (inclusive)
 *
 * Waits until no held range overlaps. Disjoint ranges are held concurrently; the core's
 * concurrency contract needs exactly this from its caller. A thread holds at most one range.
 *
 * Context: process context, may sleep; no user copy while held.
 */
void swmmu_range_lock(struct swmmu_range_lock *rl, struct swmmu_range *r, u64 start, u64 last)
{
	might_sleep();
	r->start = start;
	r->last = last;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_acquire(&rl->dep_map);
#endif
	wait_event(rl->wq, swmmu_range_try(rl, r));
}

/**
 * swmmu_range_unlock() - release a range locked with swmmu_range_lock()
 * @rl: the range lock
 * @r: the node passed to swmmu_range_lock()
 *
 * Context: any context that may take a spinlock.
 */
void swmmu_range_unlock(struct swmmu_range_lock *rl, struct swmmu_range *r)
{
	spin_lock(&rl->lock);
	list_del(&r->node);
	spin_unlock(&rl->lock);
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_release(&rl->dep_map);
#endif
	/*
	 * Most unlocks have no waiter: skip the wait queue's lock then. The barrier in
	 * wq_has_sleeper() pairs with the one in prepare_to_wait(): either a waiter sees our
	 * list_del() when it tries again, or we see it queued.
	 */
	if (wq_has_sleeper(&rl->wq))
		wake_up_all(&rl->wq);
}

/* ---- table memory ----------------------------------------------------------------------------- */

/**
 * struct swmmu_table - one page-table allocation
 * @cpu: CPU address
 * @dma: DMA address (what table entries hold)
 * @bytes: allocated bytes (a power of two, at least a page, aligned to itself)
 * @as: owner, for the deferred free
 * @rwork: the deferred free, run after an RCU grace period
 */
struct swmmu_table {
	void *cpu;
	dma_addr_t dma;
	size_t bytes;
	struct swmmu_as_obj *as;
	struct rcu_work rwork;
};

/* Runs the deferred table frees; destroyed (so drained) at module exit. */
static struct workqueue_struct *swmmu_tbl_wq;

/*
 * Tables are coherent DMA memory of the module's device, so a real device could walk them without
 * cache maintenance. Every page of a table is indexed by its DMA page number; that index is also
 * the core's table address -> CPU pointer translation, valid whatever the DMA API maps.
 */
static void *swmmu_tbl_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	struct swmmu_as_obj *as = ctx;
	struct swmmu_file *file = as->file;
	struct swmmu_table *t;
	size_t bytes = roundup_pow_of_two(max3(size, align, (size_t)PAGE_SIZE));
	unsigned long i, pfn;

	if (atomic64_add_return(bytes, &file->table_bytes) > swmmu_max_table_bytes) {
		WRITE_ONCE(as->quota_hit, true);
		goto err_quota;
	}
	t = kmalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		goto err_quota;
	t->bytes = bytes;
	t->cpu = dma_alloc_coherent(swmmu_dma_dev, bytes, &t->dma,
				    GFP_KERNEL | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!t->cpu)
		goto err_t;
	pfn = t->dma >> PAGE_SHIFT;
	for (i = 0; i < bytes >> PAGE_SHIFT; i++)
		if (xa_err(xa_store(&as->tables, pfn + i, t, GFP_KERNEL_ACCOUNT)))
			goto err_xa;
	atomic_long_inc(&swmmu_cnt.tables);
	atomic_long_add(bytes, &swmmu_cnt.table_bytes);
	*addr = t->dma;
	return t->cpu;

err_xa:
	while (i--)
		xa_erase(&as->tables, pfn + i);
	dma_free_coherent(swmmu_dma_dev, bytes, t->cpu, t->dma);
err_t:
	kfree(t);
err_quota:
	atomic64_sub(bytes, &file->table_bytes);
	return NULL;
}

/* Give a table's memory back; its to_cpu() index goes with it. */
static void swmmu_tbl_release(struct swmmu_as_obj *as, struct swmmu_table *t)
{
	unsigned long i, pfn = t->dma >> PAGE_SHIFT;

	for (i = 0; i < t->bytes >> PAGE_SHIFT; i++)
		xa_erase(&as->tables, pfn + i);
	dma_free_coherent(swmmu_dma_dev, t->bytes, t->cpu, t->dma);
	kfree(t);
}

static void swmmu_tbl_free_work(struct work_struct *work)
{
	struct swmmu_table *t = container_of(to_rcu_work(work), struct swmmu_table, rwork);
	struct swmmu_as_obj *as = t->as;

	swmmu_tbl_release(as, t);
	atomic_long_dec(&swmmu_cnt.tables_freeing);
	/* The last access to @as: swmmu_as_free() may free it as soon as this reaches zero. */
	if (atomic_dec_and_test(&as->tbl_pending))
		wake_up_var(&as->tbl_pending);
}

/*
 * The core calls this only after the gather's flush (swmmu_as_flush()) has invalidated the
 * device's caches, so no new walk can reach the table. Walks that began before, lock-free
 * under rcu_read_lock() (the DMA engine's IOTLB miss, QUERY, RW), may still read it, and
 * to_cpu() must still find it: memory and index go after a grace period, in process context
 * because dma_free_coherent() and the xarray's lock need it. Waiting for the grace period here
 * instead (synchronize_rcu()) would stall every UNMAP that empties a table.
 */
static void swmmu_tbl_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	struct swmmu_as_obj *as = ctx;
	struct swmmu_table *t = xa_load(&as->tables, addr >> PAGE_SHIFT);

	if (WARN_ON_ONCE(!t || t->cpu != cpu))
		return;
	/*
	 * The table is no longer the address space's: the file's limit and the live counters
	 * drop now, so that an UNMAP followed by a MAP does not fail on memory that only waits
	 * for a grace period (still charged to the memcg, counted in tables_freeing), and a
	 * failed operation leaves the counters as they were.
	 */
	atomic64_sub(t->bytes, &as->file->table_bytes);
	atomic_long_dec(&swmmu_cnt.tables);
	atomic_long_sub(t->bytes, &swmmu_cnt.table_bytes);
	if (!READ_ONCE(as->tbl_defer)) {
		swmmu_tbl_release(as, t);
		return;
	}
	t->as = as;
	atomic_inc(&as->tbl_pending);
	atomic_long_inc(&swmmu_cnt.tables_freeing);
	INIT_RCU_WORK(&t->rwork, swmmu_tbl_free_work);
	queue_rcu_work(swmmu_tbl_wq, &t->rwork);
}

static void *swmmu_tbl_to_cpu(void *ctx, u64 addr)
{
	struct swmmu_as_obj *as = ctx;
	struct swmmu_table *t = xa_load(&as->tables, addr >> PAGE_SHIFT);

	/* Table entries are written only by the core from our own allocations. */
	if (WARN_ON_ONCE(!t))
		return NULL;
	return t->cpu + (addr - t->dma);
}

static const struct swmmu_mem_ops swmmu_tbl_ops = {
	.alloc = swmmu_tbl_alloc,
	.free = swmmu_tbl_free,
	.to_cpu = swmmu_tbl_to_cpu,
};

/*
 * Invalidation: the core calls this once the tables no longer reach what an operation removed,
 * before it frees unlinked tables. This is where a software IOTLB is invalidated (per range and
 * level, as the gather says). Lock-free walkers run under rcu_read_lock(), so the unlinked
 * tables are handed back only after a grace period, without waiting here (swmmu_tbl_free()).
 */
static void swmmu_as_flush(void *ctx, const struct swmmu_gather *g)
{
	struct swmmu_as_obj *as = ctx;

	atomic64_inc(&as->invalidations);
	/* The device's IOTLBs, and DMA accesses still using an old translation. */
	swmmu_as_dev_invalidate(as, g);
}

/**
 * swmmu_tbl_init() - set up the deferred freeing of page tables
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int swmmu_tbl_init(void)
{
	swmmu_tbl_wq = alloc_workqueue("swmmu_tbl_free", WQ_UNBOUND, 0);
	return swmmu_tbl_wq ? 0 : -ENOMEM;
}

/**
 * swmmu_tbl_exit() - tear down the deferred freeing of page tables
 *
 * Every address space is gone, and swmmu_as_free() waited for its tables; destroying the
 * workqueue also waits until the last free work has returned from module code.
 *
 * Context: module exit.
 */
void swmmu_tbl_exit(void)
{
	destroy_workqueue(swmmu_tbl_wq);
}

/* ---- formats ---------------------------------------------------------------------------------- */

/**
 * swmmu_format_min_va_bits() - smallest VA size AS_ALLOC accepts for a format
 * @f: a built-in format
 *
 * Context: process context (uses a temporary allocation).
 * Return: the smallest valid va_bits, or f->va_bits if the size cannot change; 0 if the
 * temporary allocation failed (a guess would be a wrong answer).
 */
unsigned int swmmu_format_min_va_bits(const struct swmmu_format *f)
{
	struct swmmu_format *tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	unsigned int v;

	if (!tmp)
		return 0;
	for (v = 1; v < f->va_bits; v++)
		if (!swmmu_format_derive(f, v, tmp))
			break;
	kfree(tmp);
	return v;
}

/**
 * swmmu_as_va_last() - last device VA of the lower (or only) half of the VA space
 * @as: the address space
 *
 * Context: any.
 * Return: the VA.
 */
u64 swmmu_as_va_last(const struct swmmu_as_obj *as)
{
	const struct swmmu_format *f = as->fmt;
	unsigned int bits = f->va_bits - !!(f->flags & SWMMU_FMT_SIGN_EXTEND);

	return bits >= 64 ? U64_MAX : (1ULL << bits) - 1;
}

/* Smallest leaf of the format, and never below a CPU page: buffers are made of pages. */
static u64 swmmu_as_granule(const struct swmmu_as_obj *as)
{
	u64 pg = as->pgsizes;

	return max_t(u64, pg & -pg, PAGE_SIZE);
}

/* ---- mapping records --------------------------------------------------------------------------- */

/* The records; a cache of their own so that SWMMU_MAP_BATCH can allocate many at once. */
static struct kmem_cache *swmmu_mapping_cache;

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
static struct swmmu_mapping *__swmmu_maps_find(struct swmmu_as_obj *as, u64 first, u64 last)
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
static struct swmmu_mapping *__swmmu_maps_next(struct swmmu_mapping *m, u64 last)
{
	struct rb_node *n = rb_next(&m->node);

	m = n ? rb_entry(n, struct swmmu_mapping, node) : NULL;
	return m && m->iova <= last ? m : NULL;
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
 * swmmu_maps_insert() - insert a mapping record
 * @as: the address space
 * @m: the record, iova and last set
 *
 * Context: any context that may take a spinlock; the caller holds the record's range.
 * Return: 0, or -EEXIST if it overlaps a record.
 */
static int swmmu_maps_insert(struct swmmu_as_obj *as, struct swmmu_mapping *m)
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
static void swmmu_maps_erase(struct swmmu_as_obj *as, struct swmmu_mapping *m)
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
static u64 swmmu_maps_take(struct swmmu_as_obj *as, u64 first, u64 last, struct list_head *dead)
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

/* ---- life cycle ------------------------------------------------------------------------------- */

/**
 * swmmu_cmd_as_alloc() - SWMMU_AS_ALLOC
 * @file: the file
 * @data: struct swmmu_as_alloc
 *
 * Context: process context, may sleep.
 * Return: 0, or -EOPNOTSUPP, -ENOENT (format), -EINVAL (va_bits), -ENOSPC (max_as), -ENOMEM.
 */
int swmmu_cmd_as_alloc(struct swmmu_file *file, void *data)
{
	struct swmmu_as_alloc *cmd = data;
	const struct swmmu_format *f;

	if (cmd->flags & ~SWMMU_AS_DRIVER_TABLES || cmd->__reserved)
		return -EOPNOTSUPP;
	f = swmmu_format_get(cmd->format_id);
	if (!f)
		return -ENOENT;
	return swmmu_as_create(file, f, cmd);
}

/**
 * swmmu_file_reserve_as() - count an address space against a file's limit and take an mmap window
 * @file: the file
 * @window: out: the mmap window taken, or -1 when all are in use
 *
 * Context: process context, takes @file->lock.
 * Return: 0, or -ENOSPC (max_as).
 */
int swmmu_file_reserve_as(struct swmmu_file *file, int *window)
{
	int w;

	mutex_lock(&file->lock);
	if (file->nr_as >= swmmu_max_as) {
		mutex_unlock(&file->lock);
		return -ENOSPC;
	}
	file->nr_as++;
	w = find_first_zero_bit(&file->mmap_windows, BITS_PER_LONG);
	if (w < BITS_PER_LONG)
		__set_bit(w, &file->mmap_windows);
	else
		w = -1;
	mutex_unlock(&file->lock);
	*window = w;
	return 0;
}

/**
 * swmmu_as_create() - create an address space of a format in a file's ID table
 * @file: the file
 * @f: the format (a built-in one, or a runtime format that outlives the address space)
 * @cmd: struct swmmu_as_alloc: va_bits in, the out_* fields out (format_id is not used)
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (va_bits), -EOPNOTSUPP, -ENOSPC (max_as), -ENOMEM.
 */
int swmmu_as_create(struct swmmu_file *file, const struct swmmu_format *f,
		    struct swmmu_as_alloc *cmd)
{
	struct swmmu_mem mem = { .ops = &swmmu_tbl_ops };
	struct swmmu_as_obj *as;
	int ret, window;

	as = kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return -ENOMEM;
	as->file = file;
	as->fmt = f;
	if (cmd->va_bits && cmd->va_bits != f->va_bits) {
		ret = -EINVAL;
		if (cmd->va_bits > 64)
			goto err_as;
		ret = -ENOMEM;
		as->fmt_own = kmalloc(sizeof(*as->fmt_own), GFP_KERNEL_ACCOUNT);
		if (!as->fmt_own)
			goto err_as;
		ret = swmmu_format_derive(f, cmd->va_bits, as->fmt_own);
		if (ret)
			goto err_fmt;
		as->fmt = as->fmt_own;
	}

	/* MAP asks for these every time; the loop over the levels is not free. */
	as->pgsizes = swmmu_format_pgsizes(as->fmt);

	ret = swmmu_file_reserve_as(file, &window);
	if (ret)
		goto err_fmt;
	/* A driver-managed context has no CPU view of swmmu's tables: no mmap window. */
	if ((cmd->flags & SWMMU_AS_DRIVER_TABLES) && window >= 0) {
		mutex_lock(&file->lock);
		__clear_bit(window, &file->mmap_windows);
		mutex_unlock(&file->lock);
		window = -1;
	}
	as->window = window;

	xa_init(&as->tables);
	spin_lock_init(&as->maps_lock);
	as->maps = RB_ROOT;
	swmmu_range_lock_init(&as->range);
	swmmu_as_dev_init(as);
	mem.ctx = as;
	ret = swmmu_as_init(&as->pt, as->fmt, &mem);
	if (ret)
		goto err_limits;
	/* Published from here on: tables the operations unlink may still be walked. */
	as->tbl_defer = true;
	if (cmd->flags & SWMMU_AS_DRIVER_TABLES) {
		ret = swmmu_dctx_create(as, cmd->format_id);
		if (ret) {
			as->tbl_defer = false;
			swmmu_as_destroy(&as->pt);
			goto err_limits;
		}
	}

	as->debug_id = (u32)atomic_inc_return(&swmmu_as_serial);
	as->window_mask = (1ULL << min_t(unsigned int, as->fmt->va_bits,
					 SWMMU_MMAP_WINDOW_SHIFT)) - 1;
	as->mmap_offset = window < 0 ? SWMMU_MMAP_OFFSET_NONE :
			  (u64)window << SWMMU_MMAP_WINDOW_SHIFT;
	atomic_long_inc(&swmmu_cnt.as);
	swmmu_debugfs_as_add(as);

	ret = swmmu_obj_insert(file, &as->obj, SWMMU_OBJ_AS);
	if (ret) {
		swmmu_as_free(as);
		return ret;
	}
	/* Only now can mmap() find it: the object is complete and has an ID. */
	if (window >= 0) {
		mutex_lock(&file->lock);
		file->windows[window] = as;
		mutex_unlock(&file->lock);
	}
	cmd->out_as_id = as->obj.id;
	cmd->out_va_bits = as->fmt->va_bits;
	cmd->out_nr_levels = as->fmt->nr_levels;
	cmd->out_mmap_offset = as->mmap_offset;
	return 0;

err_limits:
	mutex_lock(&file->lock);
	file->nr_as--;
	if (window >= 0)
		__clear_bit(window, &file->mmap_windows);
	mutex_unlock(&file->lock);
	xa_destroy(&as->tables);
err_fmt:
	kfree(as->fmt_own);
err_as:
	kfree(as);
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
static void swmmu_mappings_gone(struct swmmu_as_obj *as, long nr, u64 bytes)
{
	atomic64_sub(nr, &as->nr_mappings);
	atomic64_sub(bytes, &as->mapped_bytes);
	atomic_long_sub(nr, &swmmu_cnt.mappings);
}

/**
 * swmmu_mapping_release() - free a record that is out of the tree
 * @m: the record; drops its buffer reference
 *
 * Context: any context that may free memory.
 */
static void swmmu_mapping_release(struct swmmu_mapping *m)
{
	swmmu_obj_put(&m->buf->obj);
	kmem_cache_free(swmmu_mapping_cache, m);
}

/**
 * swmmu_as_free() - free an address space removed from its file's ID table
 * @as: the address space; no ioctl uses it and no VMA maps it
 *
 * Drops every mapping (and its buffer reference) and frees every table.
 *
 * Context: process context, may sleep.
 */
void swmmu_as_free(struct swmmu_as_obj *as)
{
	struct swmmu_file *file = as->file;
	struct swmmu_mapping *m, *n;

	swmmu_debugfs_as_remove(as);
	swmmu_dctx_destroy(as);
	mutex_lock(&file->lock);
	if (as->window >= 0) {
		file->windows[as->window] = NULL;
		__clear_bit(as->window, &file->mmap_windows);
	}
	file->nr_as--;
	mutex_unlock(&file->lock);

	rbtree_postorder_for_each_entry_safe(m, n, &as->maps, node) {
		swmmu_mappings_gone(as, 1, m->last - m->iova + 1);
		swmmu_mapping_release(m);
	}
	as->maps = RB_ROOT;
	/*
	 * Nothing walks the tables any more: no VMA, no ioctl, no debugfs reader. So the rest are
	 * freed at once, and the tables unlinked earlier are waited for: they still use @as and
	 * are counted in the module's counters.
	 */
	as->tbl_defer = false;
	swmmu_as_destroy(&as->pt);
	wait_var_event(&as->tbl_pending, !atomic_read(&as->tbl_pending));
	WARN_ON_ONCE(!xa_empty(&as->tables));
	xa_destroy(&as->tables);
	atomic_long_dec(&swmmu_cnt.as);
	kfree(as->fmt_own);
	kfree(as);
}

/* ---- MAP -------------------------------------------------------------------------------------- */

/*
 * The DMA segments of buf[off, off + len), adjacent pieces merged, in @onstack (room for
 * SWMMU_MAP_SEGS_ONSTACK) when the buffer's chunks fit, else in an allocation.
 */
static int swmmu_buf_segs(struct swmmu_buf *buf, u64 off, u64 len, struct swmmu_seg *onstack,
			  struct swmmu_seg **psegs, unsigned int *pnr)
{
	struct swmmu_seg *segs = onstack;
	unsigned int i, nr = 0;
	u64 end = off + len;

	if (buf->nr_chunks > SWMMU_MAP_SEGS_ONSTACK) {
		segs = kvcalloc(buf->nr_chunks, sizeof(*segs), GFP_KERNEL_ACCOUNT);
		if (!segs)
			return -ENOMEM;
	}
	for (i = 0; i < buf->nr_chunks; i++) {
		struct swmmu_chunk *c = &buf->chunks[i];
		u64 s = max(off, c->offset), e = min(end, c->offset + c->size);
		u64 pa = c->dma + (s - c->offset);

		if (s >= e)
			continue;
		if (nr && segs[nr - 1].pa + segs[nr - 1].len == pa) {
			segs[nr - 1].len += e - s;
			continue;
		}
		segs[nr].pa = pa;
		segs[nr].len = e - s;
		nr++;
	}
	*psegs = segs;
	*pnr = nr;
	return 0;
}

/*
 * Lowest free VA range of @len bytes aligned to @align in the lower half of the VA space. The
 * answer may be stale by the time the caller locks it; the caller retries on -EEXIST.
 */
static int swmmu_find_free(struct swmmu_as_obj *as, u64 len, u64 align, u64 *out)
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

/* Alignment for a kernel-chosen VA: the largest leaf the length and the DMA address allow. */
static u64 swmmu_map_align(struct swmmu_as_obj *as, u64 len, u64 pa)
{
	u64 sizes = as->pgsizes, align = swmmu_as_granule(as);
	unsigned int b;

	for (b = 0; b < 64; b++) {
		u64 s = 1ULL << b;

		if (!(sizes & s) || s > len || (pa & (s - 1)))
			continue;
		align = max(align, s);
	}
	return align;
}

/**
 * swmmu_map_check() - the checks of a MAP request that need no object
 * @cmd: the request
 *
 * Context: any.
 * Return: 0, or -EOPNOTSUPP for an unknown flag, prot bit or page size.
 */
int swmmu_map_check(const struct swmmu_map *cmd)
{
	if (cmd->flags & ~SWMMU_MAP_FIXED_IOVA)
		return -EOPNOTSUPP;
	if (cmd->prot & ~SWMMU_UPROT_VALID)
		return -EOPNOTSUPP;
	if (cmd->pgsize_lg2 >= 64)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * swmmu_map_prepare() - check a MAP request against its objects and set up its record
 * @req: the request in progress; swmmu_map_finish() ends it whatever this returns
 * @as: the address space
 * @buf: the buffer; the caller's users reference passes to @req
 * @cmd: the request, already through swmmu_map_check()
 * @m: a zeroed record from swmmu_mappings_alloc() that passes to @req, or NULL to allocate one
 *
 * Context: process context, may sleep; no range need be held.
 * Return: 0, or -EOPNOTSUPP (page size), -EINVAL (alignment, slice), -EOVERFLOW / -ERANGE (the
 * fixed VA range), -ENOMEM.
 */
int swmmu_map_prepare(struct swmmu_map_req *req, struct swmmu_as_obj *as, struct swmmu_buf *buf,
		      const struct swmmu_map *cmd, struct swmmu_mapping *m)
{
	u64 gran, end;
	int ret;

	memset(req, 0, offsetof(struct swmmu_map_req, onstack));
	req->cmd = cmd;
	req->as = as;
	req->buf = buf;
	req->m = m;
	if (cmd->pgsize_lg2 && !(as->pgsizes & (1ULL << cmd->pgsize_lg2)))
		return -EOPNOTSUPP;
	req->opts.pgsize = cmd->pgsize_lg2 ? 1ULL << cmd->pgsize_lg2 : 0;
	gran = swmmu_as_granule(as);
	if (!cmd->length || (cmd->buf_offset | cmd->length) & (gran - 1))
		return -EINVAL;
	if (check_add_overflow(cmd->buf_offset, cmd->length, &end) || end > buf->length)
		return -EINVAL;
	if (cmd->flags & SWMMU_MAP_FIXED_IOVA) {
		if (cmd->iova & (gran - 1))
			return -EINVAL;
		ret = swmmu_format_range(as->fmt, cmd->iova, cmd->length, &req->last);
		if (ret)
			return ret;
		req->iova = cmd->iova;
	}
	ret = swmmu_buf_segs(buf, cmd->buf_offset, cmd->length, req->onstack, &req->segs,
			     &req->nr_segs);
	if (ret)
		return ret;
	if (!req->m)
		req->m = kmem_cache_zalloc(swmmu_mapping_cache, GFP_KERNEL_ACCOUNT);
	if (!req->m)
		return -ENOMEM;
	req->m->buf = buf;
	req->m->buf_offset = cmd->buf_offset;
	req->m->prot = cmd->prot;
	return 0;
}

/**
 * swmmu_map_pick() - choose the VA of a prepared MAP request
 * @req: the request
 *
 * A fixed request keeps its VA; otherwise the lowest free range that large leaves can use is
 * taken. Without a lock over that range the answer may be stale (swmmu_map_locked() then fails
 * with @req->raced set).
 *
 * Context: process context.
 * Return: 0 with @req->iova and @req->last set, or -ENOSPC.
 */
int swmmu_map_pick(struct swmmu_map_req *req)
{
	const struct swmmu_map *cmd = req->cmd;
	int ret;

	if (cmd->flags & SWMMU_MAP_FIXED_IOVA)
		return 0;
	ret = swmmu_find_free(req->as, cmd->length,
			      swmmu_map_align(req->as, cmd->length, req->segs[0].pa), &req->iova);
	if (!ret)
		req->last = req->iova + cmd->length - 1;
	return ret;
}

/**
 * swmmu_map_locked() - map a prepared request at its VA
 * @req: the request, through swmmu_map_pick()
 *
 * Inserts the record and writes the tables; on success the record owns the buffer reference.
 *
 * Context: process context, may sleep; the caller holds [req->iova, req->last] (or more) of
 * the address space's range lock, and no invalidation of that range is pending.
 * Return: 0, or -EEXIST (overlap; @req->raced says it was found by the record insert),
 * -ERANGE, -ENOSPC (max_table_bytes), -ENOMEM, or another error of the core. The tables are
 * unchanged on error.
 */
int swmmu_map_locked(struct swmmu_map_req *req)
{
	struct swmmu_as_obj *as = req->as;
	struct swmmu_mapping *m = req->m;
	int ret;

	m->iova = req->iova;
	m->last = req->last;
	ret = swmmu_maps_insert(as, m);
	if (ret) {
		req->raced = true;
		return ret;
	}
	/* One DMA-contiguous piece with automatic sizes: the core's fast paths take it. */
	if (req->nr_segs == 1 && !req->opts.pgsize)
		ret = swmmu_map(&as->pt, req->iova, req->segs[0].pa, req->segs[0].len,
				swmmu_prot_from_user(req->cmd->prot));
	else
		ret = swmmu_map_sg(&as->pt, req->iova, req->segs, req->nr_segs,
				   swmmu_prot_from_user(req->cmd->prot), &req->opts);
	/* The core's "no memory for a table" is the per-file table limit when that was hit. */
	if (ret == -ENOMEM && READ_ONCE(as->quota_hit)) {
		WRITE_ONCE(as->quota_hit, false);
		ret = -ENOSPC;
	}
	if (ret) {
		swmmu_maps_erase(as, m);
		return ret;
	}
	atomic64_inc(&as->nr_mappings);
	atomic64_add(req->cmd->length, &as->mapped_bytes);
	atomic_long_inc(&swmmu_cnt.mappings);
	req->m = NULL;
	req->buf = NULL;
	return 0;
}

/**
 * swmmu_map_finish() - release what a MAP request still holds
 * @req: the request, after swmmu_map_prepare() whatever it returned
 *
 * After a failure that is the record and the buffer reference; after a success, nothing but a
 * segment array.
 *
 * Context: process context.
 */
void swmmu_map_finish(struct swmmu_map_req *req)
{
	if (req->segs != req->onstack)
		kvfree(req->segs);
	if (req->m)
		kmem_cache_free(swmmu_mapping_cache, req->m);
	if (req->buf)
		swmmu_obj_put(&req->buf->obj);
}

/**
 * swmmu_cmd_map() - SWMMU_MAP
 * @file: the file
 * @data: struct swmmu_map
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h; the tables are unchanged on
 * error.
 */
int swmmu_cmd_map(struct swmmu_file *file, void *data)
{
	struct swmmu_map *cmd = data;
	struct swmmu_map_req req;
	struct swmmu_as_obj *as;
	struct swmmu_buf *buf;
	struct swmmu_range r;
	int ret;

	ret = swmmu_map_check(cmd);
	if (ret)
		return ret;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	buf = swmmu_buf_get(file, cmd->buf_id);
	if (!buf) {
		swmmu_obj_put(&as->obj);
		return -ENOENT;
	}
	ret = swmmu_map_prepare(&req, as, buf, cmd, NULL);
	while (!ret) {
		ret = swmmu_map_pick(&req);
		if (ret)
			break;
		swmmu_range_lock(&as->range, &r, req.iova, req.last);
		ret = swmmu_map_locked(&req);
		swmmu_range_unlock(&as->range, &r);
		/* Another thread took the free range first: look again. */
		if (ret != -EEXIST || !req.raced || (cmd->flags & SWMMU_MAP_FIXED_IOVA))
			break;
		req.raced = false;
		ret = 0;
	}
	if (!ret)
		cmd->iova = req.iova;
	swmmu_map_finish(&req);
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_map_revert() - remove what SWMMU_MAP mapped, its result could not be written back
 * @file: the file
 * @data: struct swmmu_map after swmmu_cmd_map() succeeded
 *
 * Unmaps the mapping and frees the tables left empty up to a child of the root: those MAP
 * allocated for it (and any other empty one in that span), so that the tables are as before.
 *
 * Context: process context, may sleep.
 */
void swmmu_map_revert(struct swmmu_file *file, void *data)
{
	struct swmmu_map *cmd = data;
	u64 last = cmd->iova + cmd->length - 1, first = cmd->iova, held_last = last, bytes;
	const struct swmmu_format *f;
	struct swmmu_unmap_gather ug;
	struct swmmu_as_obj *as;
	struct swmmu_range r;
	unsigned int lg2;

	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return;
	f = as->fmt;
	if (f->nr_levels >= 2) {
		lg2 = min_t(unsigned int, f->va_bits,
			    f->level[f->nr_levels - 2].shift + f->level[f->nr_levels - 2].index_bits);
		if (lg2 < 64) {
			first = round_down(cmd->iova, 1ULL << lg2);
			held_last = round_down(last, 1ULL << lg2) + (1ULL << lg2) - 1;
		}
	}
	swmmu_range_lock(&as->range, &r, first, held_last);
	swmmu_unmap_gather_init(as, &ug);
	/* An error means another thread unmapped it first: nothing is left to remove. */
	if (!swmmu_as_unmap_gather(as, cmd->iova, last, &ug, &bytes))
		swmmu_free_empty_held(&as->pt, cmd->iova, cmd->length, first,
				      held_last - first + 1, &ug.g);
	swmmu_unmap_gather_flush(as, &ug);
	swmmu_range_unlock(&as->range, &r);
	swmmu_obj_put(&as->obj);
}

/* ---- UNMAP, PROTECT --------------------------------------------------------------------------- */

/*
 * Check that [iova, last] holds at least one mapping and cuts none. The caller holds the range,
 * so records overlapping it cannot change.
 */
static int swmmu_covered(struct swmmu_as_obj *as, u64 iova, u64 last)
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

/*
 * SWMMU_UNMAP_FREE_EMPTY frees only the tables whose whole span lies inside the range, and it
 * costs the core a walk of the range and its general unmap path. A range that holds no aligned
 * span of the smallest table (a leaf-level one) cannot free any: without the flag, the core's
 * one-page and one-table fast paths run.
 */
static u32 swmmu_unmap_flags(const struct swmmu_as_obj *as, u64 iova, u64 last)
{
	const struct swmmu_format *f = as->fmt;
	unsigned int span_lg2 = f->level[0].shift + f->level[0].index_bits;
	u64 span, first;

	/* A single-level format has only the root, which is never freed. */
	if (f->nr_levels < 2)
		return 0;
	if (span_lg2 >= 64)
		return SWMMU_UNMAP_FREE_EMPTY;
	span = 1ULL << span_lg2;
	first = round_up(iova, span);
	if (first < iova || first > last || last - first < span - 1)
		return 0;
	return SWMMU_UNMAP_FREE_EMPTY;
}

/**
 * swmmu_unmap_gather_init() - start collecting the invalidations of one or more unmaps
 * @as: the address space
 * @ug: the collection
 *
 * Context: any.
 */
void swmmu_unmap_gather_init(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug)
{
	swmmu_gather_init(&ug->g, swmmu_as_flush, as);
	INIT_LIST_HEAD(&ug->dead);
}

/**
 * swmmu_unmap_gather_pending() - whether a VA range has an invalidation not flushed yet
 * @ug: the collection
 * @first: first VA
 * @last: last VA (inclusive)
 *
 * Context: any.
 * Return: true if a device may still hold a translation of [first, last] that an unmap
 * collected in @ug removed.
 */
bool swmmu_unmap_gather_pending(const struct swmmu_unmap_gather *ug, u64 first, u64 last)
{
	unsigned int i;

	if (ug->g.flush_all)
		return true;
	for (i = 0; i < ug->g.nr_ranges; i++)
		if (ug->g.range[i].start <= last && first <= ug->g.range[i].last)
			return true;
	return false;
}

/**
 * swmmu_unmap_gather_flush() - invalidate what the collection holds, then free its records
 * @as: the address space
 * @ug: the collection; empty afterwards, ready for more
 *
 * When this returns no device access uses a translation the collected unmaps removed, and the
 * records drop their buffer references (the pages may go).
 *
 * Context: process context, may sleep; the caller still holds the ranges of the collected
 * unmaps.
 */
void swmmu_unmap_gather_flush(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug)
{
	struct swmmu_mapping *m, *n;
	u64 bytes = 0;
	long nr = 0;

	swmmu_gather_flush(&ug->g);
	list_for_each_entry_safe(m, n, &ug->dead, dead) {
		nr++;
		bytes += m->last - m->iova + 1;
		swmmu_mapping_release(m);
	}
	if (nr)
		swmmu_mappings_gone(as, nr, bytes);
	INIT_LIST_HEAD(&ug->dead);
}

/**
 * swmmu_as_unmap_gather() - remove the mappings inside a range, invalidation deferred
 * @as: the address space
 * @iova: first VA
 * @last: last VA (inclusive); the range must hold a mapping and cut none
 * @ug: collects the device invalidation and the records, for swmmu_unmap_gather_flush()
 * @bytes: bytes unmapped
 *
 * The tables no longer hold the range and its CPU (mmap) views are gone on return; devices may
 * use cached translations of it until @ug is flushed, and the records keep the pages until then.
 *
 * Context: process context, may sleep; the caller holds [iova, last] (or more) of @as->range
 * until it has flushed @ug.
 * Return: 0, -ENOENT (nothing mapped), -EINVAL (a mapping is cut), or an error of the core (the
 * tables are unchanged then).
 */
int swmmu_as_unmap_gather(struct swmmu_as_obj *as, u64 iova, u64 last,
			  struct swmmu_unmap_gather *ug, u64 *bytes)
{
	u64 unmapped = 0;
	int ret;

	*bytes = 0;
	ret = swmmu_covered(as, iova, last);
	if (ret)
		return ret;
	ret = swmmu_unmap(&as->pt, iova, last - iova + 1, swmmu_unmap_flags(as, iova, last),
			  &ug->g, &unmapped);
	if (ret)
		return ret;
	/* The tables no longer reach the pages; now the CPU views of them. */
	swmmu_as_zap(as, iova, last);
	*bytes = swmmu_maps_take(as, iova, last, &ug->dead);
	WARN_ON_ONCE(*bytes != unmapped);
	return 0;
}

/**
 * swmmu_as_unmap_locked() - remove the mappings inside a range whose lock the caller holds
 * @as: the address space
 * @iova: first VA
 * @last: last VA (inclusive); the range must hold a mapping and cut none
 * @bytes: bytes unmapped
 *
 * Device and CPU views of the range are gone on return; the mapping records drop their buffer
 * references.
 *
 * Context: process context; the caller holds [iova, last] (or more) of @as->range.
 * Return: 0, -ENOENT (nothing mapped), -EINVAL (a mapping is cut), or an error of the core.
 */
int swmmu_as_unmap_locked(struct swmmu_as_obj *as, u64 iova, u64 last, u64 *bytes)
{
	struct swmmu_unmap_gather ug;
	int ret;

	swmmu_unmap_gather_init(as, &ug);
	ret = swmmu_as_unmap_gather(as, iova, last, &ug, bytes);
	swmmu_unmap_gather_flush(as, &ug);
	return ret;
}

/**
 * swmmu_cmd_unmap() - SWMMU_UNMAP
 * @file: the file
 * @data: struct swmmu_unmap
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_unmap(struct swmmu_file *file, void *data)
{
	struct swmmu_unmap *cmd = data;
	struct swmmu_as_obj *as;
	struct swmmu_range r;
	u64 last, bytes = 0;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_format_range(as->fmt, cmd->iova, cmd->length, &last);
	if (ret)
		goto out;

	swmmu_range_lock(&as->range, &r, cmd->iova, last);
	ret = swmmu_as_unmap_locked(as, cmd->iova, last, &bytes);
	if (!ret)
		cmd->out_unmapped = bytes;
	swmmu_range_unlock(&as->range, &r);
out:
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_protect() - SWMMU_PROTECT
 * @file: the file
 * @data: struct swmmu_protect
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_protect(struct swmmu_file *file, void *data)
{
	struct swmmu_protect *cmd = data;
	struct swmmu_as_obj *as;
	struct swmmu_mapping *m;
	struct swmmu_gather g;
	struct swmmu_range r;
	u64 last;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->prot & ~SWMMU_UPROT_VALID)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_format_range(as->fmt, cmd->iova, cmd->length, &last);
	if (ret)
		goto out;

	swmmu_range_lock(&as->range, &r, cmd->iova, last);
	ret = swmmu_covered(as, cmd->iova, last);
	if (ret)
		goto out_unlock;
	swmmu_gather_init(&g, swmmu_as_flush, as);
	ret = swmmu_protect(&as->pt, cmd->iova, cmd->length, swmmu_prot_from_user(cmd->prot), 0,
			    &g);
	if (!ret)
		swmmu_as_zap(as, cmd->iova, last);
	swmmu_gather_flush(&g);
	if (ret)
		goto out_unlock;
	for (m = swmmu_maps_find(as, cmd->iova, last); m; m = swmmu_maps_next(as, m, last))
		m->prot = cmd->prot;
out_unlock:
	swmmu_range_unlock(&as->range, &r);
out:
	swmmu_obj_put(&as->obj);
	return ret;
}

/* ---- device accesses -------------------------------------------------------------------------- */

/**
 * swmmu_as_lookup() - translate a device access and find the memory behind it
 * @as: the address space
 * @va: the device VA
 * @access: SWMMU_PROT_R and/or SWMMU_PROT_W, as the device asks
 * @set_ad: set accessed/dirty bits (a device access; not for the CPU view through mmap())
 * @xl: the translation
 * @chunk: the buffer chunk that holds xl->pa
 *
 * Walks the tables like the device and resolves the output address on the file's bus. An address that is not one of the file's buffers
 * cannot come out of tables only we write; it is refused all the same.
 *
 * Context: the caller holds a range over @va of @as->range.
 * Return: 0, -ENOENT not mapped, -ERANGE outside the format, -EACCES permission, -EIO no buffer.
 */
int swmmu_as_lookup(struct swmmu_as_obj *as, u64 va, u32 access, bool set_ad,
		    struct swmmu_xlate *xl, struct swmmu_chunk **chunk)
{
	int ret;

	rcu_read_lock();
	ret = swmmu_translate(&as->pt, va, access, set_ad, xl);
	rcu_read_unlock();
	if (ret)
		return ret;
	if (xl->prot & SWMMU_PROT_NULL)
		return -ENOENT;
	*chunk = swmmu_as_bus_lookup(as, xl->pa);
	if (!*chunk) {
		pr_warn_ratelimited("swmmu: as %u va %#llx: output %#llx is no buffer of the file\n",
				    as->debug_id, va, xl->pa);
		return -EIO;
	}
	return 0;
}

/**
 * swmmu_as_bus_lookup() - the buffer memory at a DMA address an address space may reach
 * @as: the address space
 * @dma: an output address of its tables
 *
 * The buffers of the address space's file and, for a named address space, of every attached file.
 *
 * Context: as swmmu_bus_lookup().
 * Return: the chunk, or NULL.
 */
struct swmmu_chunk *swmmu_as_bus_lookup(struct swmmu_as_obj *as, u64 dma)
{
	struct swmmu_chunk *c = swmmu_bus_lookup(as->file, dma);

	if (!c && as->named)
		c = swmmu_named_bus_lookup(as, dma);
	return c;
}

/**
 * swmmu_cmd_query() - SWMMU_QUERY
 * @file: the file
 * @data: struct swmmu_query
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT (bad ID or not mapped), -ERANGE, -EOPNOTSUPP.
 */
int swmmu_cmd_query(struct swmmu_file *file, void *data)
{
	struct swmmu_query *cmd = data;
	struct swmmu_as_obj *as;
	struct swmmu_chunk *c;
	struct swmmu_xlate xl;
	struct swmmu_range r;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	if (!swmmu_format_va_ok(as->fmt, cmd->iova)) {
		ret = -ERANGE;
		goto out;
	}
	swmmu_range_lock(&as->range, &r, cmd->iova, cmd->iova);
	rcu_read_lock();
	ret = swmmu_query(&as->pt, cmd->iova, &xl);
	rcu_read_unlock();
	c = ret ? NULL : swmmu_as_bus_lookup(as, xl.pa);
	if (!ret && (xl.prot & SWMMU_PROT_NULL || !c))
		ret = -ENOENT;
	if (!ret) {
		cmd->out_dma_addr = xl.pa;
		cmd->out_entry_iova = xl.entry_va;
		cmd->out_page_size = 1ULL << xl.size_lg2;
		cmd->out_prot = swmmu_prot_to_user(xl.eff_prot);
		cmd->out_level = xl.level;
		/* A buffer of another file (the control plane's, in a named space) has no ID here. */
		cmd->out_buf_id = c->buf->file == file ? c->buf->obj.id : 0;
		cmd->out_flags = (xl.accessed ? SWMMU_QUERY_ACCESSED : 0) |
				 (xl.dirty ? SWMMU_QUERY_DIRTY : 0);
		cmd->out_buf_offset = c->offset + (xl.pa - c->dma);
	}
	swmmu_range_unlock(&as->range, &r);
out:
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_rw() - SWMMU_RW
 * @file: the file
 * @data: struct swmmu_rw
 *
 * Moves data a CPU page of device VA at a time through a bounce page, so no user copy happens
 * while a range is locked (the user buffer may be an mmap() of this very address space).
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_rw(struct swmmu_file *file, void *data)
{
	struct swmmu_rw *cmd = data;
	bool write = cmd->flags & SWMMU_RW_WRITE;
	u8 __user *ubuf = u64_to_user_ptr(cmd->data_uptr);
	struct swmmu_as_obj *as;
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	struct swmmu_range r;
	u64 done = 0, last;
	void *bounce;
	int ret;

	if (cmd->flags & ~SWMMU_RW_WRITE || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->length > SWMMU_RW_MAX)
		return -EINVAL;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_format_range(as->fmt, cmd->iova, cmd->length, &last);
	if (ret)
		goto out;
	ret = -ENOMEM;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		goto out;

	ret = 0;
	while (done < cmd->length) {
		u64 va = cmd->iova + done;
		size_t n = min_t(u64, cmd->length - done, PAGE_SIZE - offset_in_page(va));
		void *cpu;

		if (write && copy_from_user(bounce, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		swmmu_range_lock(&as->range, &r, va, va + n - 1);
		ret = swmmu_as_lookup(as, va, write ? SWMMU_PROT_W : SWMMU_PROT_R, true, &xl, &c);
		if (!ret && xl.pa + n - 1 > c->dma + c->size - 1)
			ret = -EIO;
		if (!ret) {
			cpu = page_address(c->page) + (xl.pa - c->dma);
			if (write)
				memcpy(cpu, bounce, n);
			else
				memcpy(bounce, cpu, n);
		}
		swmmu_range_unlock(&as->range, &r);
		if (ret) {
			if (ret == -ENOENT)
				ret = -ENXIO;
			break;
		}
		if (!write && copy_to_user(ubuf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kfree(bounce);
out:
	swmmu_obj_put(&as->obj);
	return ret;
}

/* ---- DUMP, STATS ------------------------------------------------------------------------------ */

/**
 * swmmu_format_spans() - the whole VA space of a format as ranges the core accepts
 * @f: the format
 * @va: first VA of each range (two entries)
 * @len: length of each range (two entries)
 *
 * Each canonical half of a sign-extended space, and a 64-bit space as two halves because no
 * length says 2^64.
 *
 * Context: any.
 * Return: the number of ranges, 1 or 2.
 */
unsigned int swmmu_format_spans(const struct swmmu_format *f, u64 *va, u64 *len)
{
	u64 half;

	if (f->va_bits >= 64 || (f->flags & SWMMU_FMT_SIGN_EXTEND)) {
		half = 1ULL << (f->va_bits >= 64 ? 63 : f->va_bits - 1);
		va[0] = 0;
		len[0] = half;
		va[1] = -half;
		len[1] = half;
		return 2;
	}
	va[0] = 0;
	len[0] = 1ULL << f->va_bits;
	return 1;
}

/* Whole-space dump through the core. */
static int swmmu_as_dump_all(struct swmmu_as_obj *as, struct swmmu_region *out,
			     unsigned int max, unsigned int *needed)
{
	u64 va[2], len[2];
	unsigned int i, n = 0, got, spans = swmmu_format_spans(as->fmt, va, len);
	int ret;

	for (i = 0; i < spans; i++) {
		unsigned int at = min(n, max);

		ret = swmmu_dump(&as->pt, va[i], len[i], out ? out + at : NULL, max - at, &got);
		if (ret && ret != -EMSGSIZE)
			return ret;
		n += got;
	}
	*needed = n;
	return n > max ? -EMSGSIZE : 0;
}

/**
 * swmmu_cmd_dump() - SWMMU_DUMP
 * @file: the file
 * @data: struct swmmu_dump
 *
 * Context: process context, may sleep.
 * Return: 0, -EMSGSIZE with nr_regions set to the count needed, or another negative errno.
 */
int swmmu_cmd_dump(struct swmmu_file *file, void *data)
{
	struct swmmu_dump *cmd = data;
	struct swmmu_dump_region __user *uarr = u64_to_user_ptr(cmd->regions_uptr);
	struct swmmu_region *regs = NULL;
	struct swmmu_as_obj *as;
	struct swmmu_range r;
	unsigned int needed = 0, i;
	u64 last;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	if (cmd->length)
		ret = swmmu_format_range(as->fmt, cmd->iova, cmd->length, &last);
	else
		ret = cmd->iova ? -EINVAL : 0;
	if (ret)
		goto out;

	/* A consistent picture: nothing changes the tables while we count and copy. */
	for (;;) {
		swmmu_range_lock(&as->range, &r, SWMMU_ALL_FIRST, SWMMU_ALL_LAST);
		if (cmd->length)
			ret = swmmu_dump(&as->pt, cmd->iova, cmd->length, NULL, 0, &needed);
		else
			ret = swmmu_as_dump_all(as, NULL, 0, &needed);
		swmmu_range_unlock(&as->range, &r);
		if (ret && ret != -EMSGSIZE)
			goto out;
		if (needed > cmd->nr_regions) {
			cmd->nr_regions = needed;
			ret = -EMSGSIZE;
			goto out;
		}
		kvfree(regs);
		regs = kvcalloc(max(needed, 1u), sizeof(*regs), GFP_KERNEL_ACCOUNT);
		ret = -ENOMEM;
		if (!regs)
			goto out;
		swmmu_range_lock(&as->range, &r, SWMMU_ALL_FIRST, SWMMU_ALL_LAST);
		if (cmd->length)
			ret = swmmu_dump(&as->pt, cmd->iova, cmd->length, regs, needed, &i);
		else
			ret = swmmu_as_dump_all(as, regs, needed, &i);
		swmmu_range_unlock(&as->range, &r);
		/* The tables changed between the two walks: count again. */
		if (ret == -EMSGSIZE)
			continue;
		if (ret)
			goto out;
		needed = i;
		break;
	}
	cmd->nr_regions = needed;
	for (i = 0; i < needed; i++) {
		struct swmmu_dump_region ur = {
			.iova = regs[i].va,
			.dma_addr = regs[i].pa,
			.length = regs[i].len,
			.prot = swmmu_prot_to_user(regs[i].prot),
			.page_size_lg2 = regs[i].size_lg2,
		};

		if (copy_to_user(&uarr[i], &ur, sizeof(ur))) {
			ret = -EFAULT;
			break;
		}
	}
out:
	kvfree(regs);
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_stats() - SWMMU_STATS
 * @file: the file
 * @data: struct swmmu_stats
 *
 * Context: process context; lock-free snapshot.
 * Return: 0, -EOPNOTSUPP, -ENOENT.
 */
int swmmu_cmd_stats(struct swmmu_file *file, void *data)
{
	struct swmmu_as_stats *cmd = data;
	struct swmmu_as_obj *as;
	struct swmmu_stats st;

	if (cmd->flags)
		return -EOPNOTSUPP;
	as = swmmu_as_get(file, cmd->as_id);
	if (!as)
		return -ENOENT;
	swmmu_as_stats(&as->pt, &st);
	cmd->out_debug_id = as->debug_id;
	/* A driver-managed context's tables are the caller's; swmmu's own root is not shown. */
	cmd->out_nr_tables = as->dctx ? 0 : st.nr_tables;
	cmd->out_table_bytes = as->dctx ? 0 : st.table_bytes;
	cmd->out_nr_mappings = atomic64_read(&as->nr_mappings);
	cmd->out_mapped_bytes = atomic64_read(&as->mapped_bytes);
	cmd->out_invalidations = atomic64_read(&as->invalidations);
	cmd->out_cpu_faults = atomic64_read(&as->cpu_faults);
	cmd->out_cpu_pmd_faults = atomic64_read(&as->cpu_pmd_faults);
	swmmu_obj_put(&as->obj);
	return 0;
}

static int swmmu_seq_region(void *ctx, const struct swmmu_region *rg)
{
	static const char *const mt_names[SWMMU_MT_NR] = { "wb", "wt", "uc", "device" };
	unsigned int mt = SWMMU_PROT_GET_MT(rg->prot);
	struct seq_file *m = ctx;

	seq_printf(m, "0x%016llx-0x%016llx -> 0x%012llx %c%c%c%c%c %-6s %uK\n", rg->va,
		   rg->va + rg->len - 1, rg->pa,
		   rg->prot & SWMMU_PROT_R ? 'r' : '-', rg->prot & SWMMU_PROT_W ? 'w' : '-',
		   rg->prot & SWMMU_PROT_X ? 'x' : '-', rg->prot & SWMMU_PROT_U ? 'u' : '-',
		   rg->prot & SWMMU_PROT_G ? 'g' : '-', mt < SWMMU_MT_NR ? mt_names[mt] : "?",
		   (unsigned int)(1ULL << rg->size_lg2 >> 10));
	return 0;
}

/**
 * swmmu_as_dump_seq() - the debugfs page-table dump of an address space
 * @as: the address space
 * @m: the seq_file
 *
 * Context: process context (debugfs read); takes the whole range.
 * Return: 0 or a negative errno from the walk.
 */
int swmmu_as_dump_seq(struct swmmu_as_obj *as, struct seq_file *m)
{
	struct swmmu_stats st;
	struct swmmu_range r;
	u64 va[2], len[2];
	unsigned int spans, i;
	int ret = 0;

	swmmu_as_stats(&as->pt, &st);
	seq_printf(m, "format %s, %u levels, %u VA bits, root %#llx, %llu tables (%llu bytes)\n",
		   as->fmt->name, as->fmt->nr_levels, as->fmt->va_bits, as->pt.root,
		   st.nr_tables, st.table_bytes);
	/* The columns: memory type is wb (write-back), wt, uc (uncached) or device. */
	seq_printf(m, "%-37s    %-14s %-5s %-6s %s\n", "# IOVA (first-last)", "DMA ADDRESS",
		   "PROT", "MEMORY", "PAGE");
	spans = swmmu_format_spans(as->fmt, va, len);
	swmmu_range_lock(&as->range, &r, SWMMU_ALL_FIRST, SWMMU_ALL_LAST);
	for (i = 0; i < spans && !ret; i++)
		ret = swmmu_for_each_region(&as->pt, va[i], len[i], swmmu_seq_region, m);
	swmmu_range_unlock(&as->range, &r);
	return ret;
}
