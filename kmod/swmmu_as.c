// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces: their life cycle and the typed operations on them (map, unmap, protect, query,
 * rw, dump), each doing its locking, invalidation gathering, CPU-view zapping and notification
 * here, once, for every caller: the ioctls (swmmu_as_cmd.c), netlink, MAP_BATCH, io_uring and
 * the named address spaces. See swmmu_as.h for the layers.
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

#include "swmmu_as.h"
#include "swmmu_maps.h"

/* The whole VA space as a range-lock range. */
#define SWMMU_ALL_FIRST		0ULL
#define SWMMU_ALL_LAST		U64_MAX

static atomic_t swmmu_as_serial = ATOMIC_INIT(0);

/* The layers above, told of what happens here (struct swmmu_as_hooks); set at module init. */
static const struct swmmu_as_hooks *swmmu_hooks;

/**
 * swmmu_as_set_hooks() - install how the layers above hear of address-space events
 * @hooks: every member set; must outlive every address space
 *
 * Context: module init, before the first address space is created.
 */
void swmmu_as_set_hooks(const struct swmmu_as_hooks *hooks)
{
	swmmu_hooks = hooks;
}

/*
 * [iova, last] changed or went away in the tables: its CPU views must go. There are none unless
 * an mmap() of the address space is open, and most address spaces are never mapped by a CPU, so
 * the hook is not called then (a MAP+UNMAP pair saves the call).
 */
static void swmmu_as_cpu_views_stale(struct swmmu_as_obj *as, u64 iova, u64 last)
{
	if (atomic_read(&as->nr_vmas))
		swmmu_hooks->unmapped(as, iova, last);
}

/**
 * swmmu_as_named_fault() - hand a failed device access of a named address space to its owner
 * @as: the named address space
 * @file: the file whose device made the access
 * @iova: the VA
 * @access: SWMMU_PROT_R, _W or _X
 * @reason: SWMMU_FAULT_* of linux/swmmu.h
 * @level: level where the walk stopped
 * @err: the errno the access fails with if the fault is not resolved
 * @stopped: tells whether the access was cancelled meanwhile
 * @arg: passed to @stopped
 *
 * The DMA engine sits below the named spaces: this goes through struct swmmu_as_hooks.
 *
 * Context: process context, may sleep; no range lock of @as held.
 * Return: 0 to translate again, or @err (swmmu_named_fault()).
 */
int swmmu_as_named_fault(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
			 u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg)
{
	return swmmu_hooks->named_fault(as, file, iova, access, reason, level, err, stopped, arg);
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

/* Smallest leaf of the format, and never below a CPU page: buffers are made of pages. */
static u64 swmmu_as_granule(const struct swmmu_as_obj *as)
{
	u64 pg = as->pgsizes;

	return max_t(u64, pg & -pg, PAGE_SIZE);
}

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
	swmmu_hooks->invalidate(as, g);
}

/* ---- life cycle ------------------------------------------------------------------------------- */

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

/* mmap() finds an address space through its window only once it is finalized in the table. */
static void swmmu_as_obj_publish(struct swmmu_file *file, struct swmmu_obj *obj)
{
	struct swmmu_as_obj *as = container_of(obj, struct swmmu_as_obj, obj);

	if (as->window >= 0)
		file->windows[as->window] = as;
}

static void swmmu_as_obj_free(struct swmmu_obj *obj)
{
	swmmu_as_free(container_of(obj, struct swmmu_as_obj, obj));
}

static const struct swmmu_obj_ops swmmu_as_obj_ops = {
	.type = SWMMU_OBJ_AS,
	.publish = swmmu_as_obj_publish,
	.free = swmmu_as_obj_free,
};

/**
 * swmmu_as_create() - create an address space of a format in a file's ID table
 * @file: the file
 * @f: the format (a built-in one, or a runtime format that outlives the address space)
 * @va_bits: VA size, or 0 for the format's own
 * @driver_tables: the device walks the caller's tables (a driver-managed context, swmmu_dctx.c)
 *                 instead of swmmu's
 * @format_id: the built-in format's ID, for a driver-managed context
 * @out: the address space, reserved in the ID table (its ID set): swmmu_obj_finalize() makes it
 *       visible (and mmap()able), swmmu_obj_abort() frees it
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (va_bits), -EOPNOTSUPP, -ENOSPC (max_as), -ENOMEM.
 */
int swmmu_as_create(struct swmmu_file *file, const struct swmmu_format *f, unsigned int va_bits,
		    bool driver_tables, u32 format_id, struct swmmu_as_obj **out)
{
	struct swmmu_mem mem = { .ops = &swmmu_tbl_ops };
	struct swmmu_as_obj *as;
	int ret, window;

	as = kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return -ENOMEM;
	as->file = file;
	as->fmt = f;
	if (va_bits && va_bits != f->va_bits) {
		ret = -EINVAL;
		if (va_bits > 64)
			goto err_as;
		ret = -ENOMEM;
		as->fmt_own = kmalloc(sizeof(*as->fmt_own), GFP_KERNEL_ACCOUNT);
		if (!as->fmt_own)
			goto err_as;
		ret = swmmu_format_derive(f, va_bits, as->fmt_own);
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
	if (driver_tables && window >= 0) {
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
	swmmu_hooks->init(as);
	mem.ctx = as;
	ret = swmmu_as_init(&as->pt, as->fmt, &mem);
	if (ret)
		goto err_limits;
	/* Published from here on: tables the operations unlink may still be walked. */
	as->tbl_defer = true;
	as->debug_id = (u32)atomic_inc_return(&swmmu_as_serial);
	as->window_mask = (1ULL << min_t(unsigned int, as->fmt->va_bits,
					 SWMMU_MMAP_WINDOW_SHIFT)) - 1;
	as->mmap_offset = window < 0 ? SWMMU_MMAP_OFFSET_NONE :
			  (u64)window << SWMMU_MMAP_WINDOW_SHIFT;
	ret = swmmu_hooks->publish(as, driver_tables, format_id);
	if (ret) {
		as->tbl_defer = false;
		swmmu_as_destroy(&as->pt);
		goto err_limits;
	}
	atomic_long_inc(&swmmu_cnt.as);

	ret = swmmu_obj_reserve(file, &as->obj, &swmmu_as_obj_ops);
	if (ret) {
		swmmu_as_free(as);
		return ret;
	}
	*out = as;
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

	swmmu_hooks->unpublish(as);
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
 * swmmu_as_map_prepare() - check a map request against its address space and set up its record
 * @req: the request in progress; swmmu_as_map_finish() ends it whatever this returns
 * @as: the address space
 * @args: the request, already through swmmu_as_map_check(); the users reference the caller
 *        holds on @args->buf passes to @req
 * @m: a zeroed record from swmmu_mappings_alloc() that passes to @req, or NULL to allocate one
 *
 * Context: process context, may sleep; no range need be held.
 * Return: 0, or -EOPNOTSUPP (page size), -EINVAL (alignment, slice), -EOVERFLOW / -ERANGE (the
 * fixed VA range), -ENOMEM.
 */
int swmmu_as_map_prepare(struct swmmu_as_map_req *req, struct swmmu_as_obj *as,
			 const struct swmmu_as_map_args *args, struct swmmu_mapping *m)
{
	struct swmmu_buf *buf = args->buf;
	u64 gran, end;
	int ret;

	memset(req, 0, offsetof(struct swmmu_as_map_req, onstack));
	req->args = args;
	req->as = as;
	req->buf = buf;
	req->m = m;
	if (args->pgsize_lg2 && !(as->pgsizes & (1ULL << args->pgsize_lg2)))
		return -EOPNOTSUPP;
	req->opts.pgsize = args->pgsize_lg2 ? 1ULL << args->pgsize_lg2 : 0;
	gran = swmmu_as_granule(as);
	if (!args->length || (args->buf_offset | args->length) & (gran - 1))
		return -EINVAL;
	if (check_add_overflow(args->buf_offset, args->length, &end) || end > buf->length)
		return -EINVAL;
	if (args->fixed) {
		if (args->iova & (gran - 1))
			return -EINVAL;
		ret = swmmu_format_range(as->fmt, args->iova, args->length, &req->last);
		if (ret)
			return ret;
		req->iova = args->iova;
	}
	ret = swmmu_buf_segs(buf, args->buf_offset, args->length, req->onstack, &req->segs,
			     &req->nr_segs);
	if (ret)
		return ret;
	if (!req->m)
		req->m = swmmu_mapping_alloc();
	if (!req->m)
		return -ENOMEM;
	req->m->buf = buf;
	req->m->buf_offset = args->buf_offset;
	req->m->prot = args->prot;
	return 0;
}

/**
 * swmmu_as_map_pick() - choose the VA of a prepared map request
 * @req: the request
 *
 * A fixed request keeps its VA; otherwise the lowest free range that large leaves can use is
 * taken. Without a lock over that range the answer may be stale (swmmu_as_map_locked() then
 * fails with @req->raced set).
 *
 * Context: process context.
 * Return: 0 with @req->iova and @req->last set, or -ENOSPC.
 */
int swmmu_as_map_pick(struct swmmu_as_map_req *req)
{
	const struct swmmu_as_map_args *args = req->args;
	int ret;

	if (args->fixed)
		return 0;
	ret = swmmu_maps_free_range(req->as, args->length,
			      swmmu_map_align(req->as, args->length, req->segs[0].pa), &req->iova);
	if (!ret)
		req->last = req->iova + args->length - 1;
	return ret;
}

/**
 * swmmu_as_map_locked() - map a prepared request at its VA
 * @req: the request, through swmmu_as_map_pick()
 *
 * Inserts the record and writes the tables; on success the record owns the buffer reference.
 *
 * Context: process context, may sleep; the caller holds [req->iova, req->last] (or more) of
 * the address space's range lock, and no invalidation of that range is pending.
 * Return: 0, or -EEXIST (overlap; @req->raced says it was found by the record insert),
 * -ERANGE, -ENOSPC (max_table_bytes), -ENOMEM, or another error of the core. The tables are
 * unchanged on error.
 */
int swmmu_as_map_locked(struct swmmu_as_map_req *req)
{
	struct swmmu_as_obj *as = req->as;
	struct swmmu_mapping *m = req->m;
	u32 prot = swmmu_prot_from_user(req->args->prot);
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
		ret = swmmu_map(&as->pt, req->iova, req->segs[0].pa, req->segs[0].len, prot);
	else
		ret = swmmu_map_sg(&as->pt, req->iova, req->segs, req->nr_segs, prot, &req->opts);
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
	atomic64_add(req->args->length, &as->mapped_bytes);
	atomic_long_inc(&swmmu_cnt.mappings);
	req->m = NULL;
	req->buf = NULL;
	return 0;
}

/**
 * swmmu_as_map_finish() - release what a map request still holds
 * @req: the request, after swmmu_as_map_prepare() whatever it returned
 *
 * After a failure that is the record and the buffer reference; after a success, nothing but a
 * segment array.
 *
 * Context: process context.
 */
void swmmu_as_map_finish(struct swmmu_as_map_req *req)
{
	if (req->segs != req->onstack)
		kvfree(req->segs);
	if (req->m)
		swmmu_mapping_free(req->m);
	if (req->buf)
		swmmu_obj_put(&req->buf->obj);
}

/**
 * swmmu_as_map() - map a slice of a buffer
 * @as: the address space (swmmu writes its tables: not a driver-managed context)
 * @args: the request; @args->iova is set to the VA used on success. The users reference the
 *        caller holds on @args->buf passes to the mapping on success and is dropped on error.
 *
 * A free range is searched for unless @args->fixed; when another thread takes it first, the
 * search runs again.
 *
 * Context: process context, may sleep; takes the range lock over the mapped range.
 * Return: 0 or a negative errno as documented for SWMMU_MAP in uapi/linux/swmmu.h; the tables
 * are unchanged on error.
 */
int swmmu_as_map(struct swmmu_as_obj *as, struct swmmu_as_map_args *args)
{
	struct swmmu_as_map_req req;
	struct swmmu_range r;
	int ret;

	ret = swmmu_as_map_check(args);
	if (ret) {
		swmmu_obj_put(&args->buf->obj);
		return ret;
	}
	ret = swmmu_as_map_prepare(&req, as, args, NULL);
	while (!ret) {
		ret = swmmu_as_map_pick(&req);
		if (ret)
			break;
		swmmu_range_lock(&as->range, &r, req.iova, req.last);
		ret = swmmu_as_map_locked(&req);
		swmmu_range_unlock(&as->range, &r);
		/* Another thread took the free range first: look again. */
		if (ret != -EEXIST || !req.raced || args->fixed)
			break;
		req.raced = false;
		ret = 0;
	}
	if (!ret)
		args->iova = req.iova;
	swmmu_as_map_finish(&req);
	return ret;
}

/**
 * swmmu_as_map_revert() - remove what a successful swmmu_as_map() mapped, tables included
 * @as: the address space
 * @iova: the VA the map used
 * @length: its length
 *
 * Unmaps the mapping and frees the tables left empty up to a child of the root: those the map
 * allocated for it (and any other empty one in that span), so that the tables are as before.
 * For a map whose result could not be told to its caller.
 *
 * Context: process context, may sleep.
 */
void swmmu_as_map_revert(struct swmmu_as_obj *as, u64 iova, u64 length)
{
	u64 last = iova + length - 1, first = iova, held_last = last, bytes;
	const struct swmmu_format *f = as->fmt;
	struct swmmu_unmap_gather ug;
	struct swmmu_range r;
	unsigned int lg2;

	if (f->nr_levels >= 2) {
		lg2 = min_t(unsigned int, f->va_bits,
			    f->level[f->nr_levels - 2].shift + f->level[f->nr_levels - 2].index_bits);
		if (lg2 < 64) {
			first = round_down(iova, 1ULL << lg2);
			held_last = round_down(last, 1ULL << lg2) + (1ULL << lg2) - 1;
		}
	}
	swmmu_range_lock(&as->range, &r, first, held_last);
	swmmu_unmap_gather_init(as, &ug);
	/* An error means another thread unmapped it first: nothing is left to remove. */
	if (!swmmu_as_unmap_gather(as, iova, last, &ug, &bytes))
		swmmu_free_empty_held(&as->pt, iova, length, first, held_last - first + 1, &ug.g);
	swmmu_unmap_gather_flush(as, &ug);
	swmmu_range_unlock(&as->range, &r);
}

/* ---- UNMAP, PROTECT --------------------------------------------------------------------------- */

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
	ret = swmmu_maps_covered(as, iova, last);
	if (ret)
		return ret;
	ret = swmmu_unmap(&as->pt, iova, last - iova + 1, swmmu_unmap_flags(as, iova, last),
			  &ug->g, &unmapped);
	if (ret)
		return ret;
	/* The tables no longer reach the pages; now the CPU views of them. */
	swmmu_as_cpu_views_stale(as, iova, last);
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
 * swmmu_as_unmap() - remove every mapping inside a VA range
 * @as: the address space (swmmu writes its tables)
 * @iova: first VA
 * @length: bytes; the range must hold a mapping and cut none
 * @unmapped: bytes unmapped
 *
 * When this returns, no device access and no CPU view reaches the old pages, and the mapping
 * records have dropped their buffer references.
 *
 * Context: process context, may sleep; takes the range lock over the range.
 * Return: 0 or a negative errno as documented for SWMMU_UNMAP in uapi/linux/swmmu.h.
 */
int swmmu_as_unmap(struct swmmu_as_obj *as, u64 iova, u64 length, u64 *unmapped)
{
	struct swmmu_range r;
	u64 last;
	int ret;

	*unmapped = 0;
	ret = swmmu_format_range(as->fmt, iova, length, &last);
	if (ret)
		return ret;
	swmmu_range_lock(&as->range, &r, iova, last);
	ret = swmmu_as_unmap_locked(as, iova, last, unmapped);
	swmmu_range_unlock(&as->range, &r);
	return ret;
}

/**
 * swmmu_as_protect() - change the permissions of every mapping inside a VA range
 * @as: the address space (swmmu writes its tables)
 * @iova: first VA
 * @length: bytes; the range must hold a mapping and cut none
 * @prot: SWMMU_PROT_* (the uAPI's layout)
 *
 * Device TLBs and CPU views of the range are invalidated before this returns.
 *
 * Context: process context, may sleep; takes the range lock over the range.
 * Return: 0 or a negative errno as documented for SWMMU_PROTECT in uapi/linux/swmmu.h; the
 * tables are unchanged on error.
 */
int swmmu_as_protect(struct swmmu_as_obj *as, u64 iova, u64 length, u32 prot)
{
	struct swmmu_mapping *m;
	struct swmmu_gather g;
	struct swmmu_range r;
	u64 last;
	int ret;

	if (prot & ~SWMMU_UPROT_VALID)
		return -EOPNOTSUPP;
	ret = swmmu_format_range(as->fmt, iova, length, &last);
	if (ret)
		return ret;

	swmmu_range_lock(&as->range, &r, iova, last);
	ret = swmmu_maps_covered(as, iova, last);
	if (ret)
		goto out_unlock;
	swmmu_gather_init(&g, swmmu_as_flush, as);
	ret = swmmu_protect(&as->pt, iova, length, swmmu_prot_from_user(prot), 0, &g);
	if (!ret)
		swmmu_as_cpu_views_stale(as, iova, last);
	swmmu_gather_flush(&g);
	if (ret)
		goto out_unlock;
	for (m = swmmu_maps_find(as, iova, last); m; m = swmmu_maps_next(as, m, last))
		m->prot = prot;
out_unlock:
	swmmu_range_unlock(&as->range, &r);
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
		c = swmmu_hooks->bus_lookup(as, dma);
	return c;
}

/**
 * swmmu_as_query() - what a device VA translates to, and the buffer behind it
 * @as: the address space (swmmu writes its tables)
 * @iova: the VA
 * @res: the answer
 *
 * Context: process context, may sleep; takes the range lock over @iova.
 * Return: 0, -ENOENT (not mapped, or no buffer behind it), -ERANGE (outside the format).
 */
int swmmu_as_query(struct swmmu_as_obj *as, u64 iova, struct swmmu_as_query_res *res)
{
	struct swmmu_chunk *c;
	struct swmmu_xlate xl;
	struct swmmu_range r;
	int ret;

	if (!swmmu_format_va_ok(as->fmt, iova))
		return -ERANGE;
	swmmu_range_lock(&as->range, &r, iova, iova);
	rcu_read_lock();
	ret = swmmu_query(&as->pt, iova, &xl);
	rcu_read_unlock();
	c = ret ? NULL : swmmu_as_bus_lookup(as, xl.pa);
	if (!ret && (xl.prot & SWMMU_PROT_NULL || !c))
		ret = -ENOENT;
	if (!ret) {
		res->dma_addr = xl.pa;
		res->entry_iova = xl.entry_va;
		res->page_size = 1ULL << xl.size_lg2;
		res->prot = swmmu_prot_to_user(xl.eff_prot);
		res->level = xl.level;
		res->accessed = xl.accessed;
		res->dirty = xl.dirty;
		/* Read under the range: the mapping keeps the buffer alive until it is unlocked. */
		res->buf_file = c->buf->file;
		res->buf_id = c->buf->obj.id;
		res->buf_offset = c->offset + (xl.pa - c->dma);
	}
	swmmu_range_unlock(&as->range, &r);
	return ret;
}

/**
 * swmmu_as_rw() - read or write device VA space as a device would, from or to user memory
 * @as: the address space (swmmu writes its tables)
 * @iova: first VA
 * @ubuf: user memory
 * @length: bytes, at most SWMMU_RW_MAX
 * @write: write the device's memory (else read it)
 *
 * Moves data a CPU page of device VA at a time through a bounce page, so no user copy happens
 * while a range is locked (the user buffer may be an mmap() of this very address space).
 * Accessed and dirty bits are set as a device access sets them.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented for SWMMU_RW in uapi/linux/swmmu.h.
 */
int swmmu_as_rw(struct swmmu_as_obj *as, u64 iova, void __user *ubuf, u64 length, bool write)
{
	u8 __user *ubytes = ubuf;
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	struct swmmu_range r;
	u64 done = 0, last;
	void *bounce;
	int ret;

	if (length > SWMMU_RW_MAX)
		return -EINVAL;
	ret = swmmu_format_range(as->fmt, iova, length, &last);
	if (ret)
		return ret;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < length) {
		u64 va = iova + done;
		size_t n = min_t(u64, length - done, PAGE_SIZE - offset_in_page(va));
		void *cpu;

		if (write && copy_from_user(bounce, ubytes + done, n)) {
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
		if (!write && copy_to_user(ubytes + done, bounce, n)) {
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
 * swmmu_as_dump() - the regions of a VA range, or of the whole VA space, as one consistent picture
 * @as: the address space (swmmu writes its tables)
 * @iova: first VA (0 with @length 0: the whole space)
 * @length: bytes, or 0 for the whole space
 * @regs: out: the regions (kvfree() them), or NULL when @nr exceeded @max
 * @nr: in: the most regions wanted; out: how many there are
 *
 * Context: process context, may sleep; takes the whole range lock twice (count, then copy).
 * Return: 0, -EMSGSIZE (more than the *@nr wanted; *@nr is the count needed), -EINVAL (@iova
 * without @length), an error of swmmu_format_range(), or -ENOMEM.
 */
int swmmu_as_dump(struct swmmu_as_obj *as, u64 iova, u64 length, struct swmmu_region **regs,
		  unsigned int *nr)
{
	struct swmmu_region *out = NULL;
	unsigned int needed = 0, got, max = *nr;
	struct swmmu_range r;
	u64 last;
	int ret;

	*regs = NULL;
	if (length)
		ret = swmmu_format_range(as->fmt, iova, length, &last);
	else
		ret = iova ? -EINVAL : 0;
	if (ret)
		return ret;

	/* A consistent picture: nothing changes the tables while we count and copy. */
	for (;;) {
		swmmu_range_lock(&as->range, &r, SWMMU_ALL_FIRST, SWMMU_ALL_LAST);
		if (length)
			ret = swmmu_dump(&as->pt, iova, length, NULL, 0, &needed);
		else
			ret = swmmu_as_dump_all(as, NULL, 0, &needed);
		swmmu_range_unlock(&as->range, &r);
		if (ret && ret != -EMSGSIZE)
			break;
		if (needed > max) {
			*nr = needed;
			ret = -EMSGSIZE;
			break;
		}
		kvfree(out);
		out = kvcalloc(max(needed, 1u), sizeof(*out), GFP_KERNEL_ACCOUNT);
		ret = -ENOMEM;
		if (!out)
			break;
		swmmu_range_lock(&as->range, &r, SWMMU_ALL_FIRST, SWMMU_ALL_LAST);
		if (length)
			ret = swmmu_dump(&as->pt, iova, length, out, needed, &got);
		else
			ret = swmmu_as_dump_all(as, out, needed, &got);
		swmmu_range_unlock(&as->range, &r);
		/* The tables changed between the two walks: count again. */
		if (ret == -EMSGSIZE)
			continue;
		if (ret)
			break;
		*nr = got;
		*regs = out;
		return 0;
	}
	kvfree(out);
	return ret;
}

/**
 * swmmu_as_counts() - a lock-free snapshot of an address space's counters
 * @as: the address space
 * @c: the counters
 *
 * Context: any context that may take a spinlock.
 */
void swmmu_as_counts(struct swmmu_as_obj *as, struct swmmu_as_counts *c)
{
	struct swmmu_stats st;

	swmmu_as_stats(&as->pt, &st);
	c->debug_id = as->debug_id;
	/* A driver-managed context's tables are the caller's; swmmu's own root is not shown. */
	c->nr_tables = as->dctx ? 0 : st.nr_tables;
	c->table_bytes = as->dctx ? 0 : st.table_bytes;
	c->nr_mappings = atomic64_read(&as->nr_mappings);
	c->mapped_bytes = atomic64_read(&as->mapped_bytes);
	c->invalidations = atomic64_read(&as->invalidations);
	c->cpu_faults = atomic64_read(&as->cpu_faults);
	c->cpu_pmd_faults = atomic64_read(&as->cpu_pmd_faults);
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
