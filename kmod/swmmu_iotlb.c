// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device's software IOTLB: a set-associative cache of leaves keyed by address space, VA page
 * and page size; on a miss, a lock-free walk of the device tables as the hardware does it (the
 * core's swmmu_translate(), which sets accessed/dirty bits with compare-and-swap); and the
 * invalidation an UNMAP or PROTECT sends through the core's gather (range, whole address space,
 * all), including the wait for accesses still using an old translation. The protocol is
 * described in swmmu_device.h.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "swmmu_device.h"

/* Above this many probes a range invalidation scans the whole IOTLB instead. */
#define SWMMU_TLB_MAX_PROBES	64

unsigned int swmmu_iotlb_entries = 256;
module_param_named(iotlb_entries, swmmu_iotlb_entries, uint, 0644);
MODULE_PARM_DESC(iotlb_entries, "Default IOTLB entries of a device (power of two, 4..65536)");

/**
 * swmmu_tlb_init() - allocate an empty IOTLB
 * @tlb: the IOTLB (zeroed, or a live one to resize: the caller then frees the old array)
 * @nr: entries; rounded to a power of two within the uAPI limits
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int swmmu_tlb_init(struct swmmu_tlb *tlb, unsigned int nr)
{
	nr = clamp_t(unsigned int, nr, SWMMU_IOTLB_MIN_ENTRIES, SWMMU_IOTLB_MAX_ENTRIES);
	nr = rounddown_pow_of_two(nr);
	spin_lock_init(&tlb->lock);
	tlb->e = kvcalloc(nr, sizeof(*tlb->e), GFP_KERNEL_ACCOUNT);
	if (!tlb->e)
		return -ENOMEM;
	tlb->nr = nr;
	return 0;
}

/**
 * swmmu_tlb_destroy() - free an IOTLB
 * @tlb: the IOTLB; nothing uses it any more
 *
 * Context: process context.
 */
void swmmu_tlb_destroy(struct swmmu_tlb *tlb)
{
	kvfree(tlb->e);
	tlb->e = NULL;
}

/* The ways of the set that holds {asid, vpn, size}. */
static struct swmmu_tlbe *swmmu_tlb_set(struct swmmu_tlb *tlb, u32 asid, u64 vpn, unsigned int s)
{
	unsigned int sets = tlb->nr / SWMMU_TLB_WAYS, set = 0;

	if (sets > 1)
		set = hash_64(vpn ^ ((u64)asid << 40) ^ ((u64)s << 58), ilog2(sets));
	return &tlb->e[set * SWMMU_TLB_WAYS];
}

static bool swmmu_tlbe_overlaps(const struct swmmu_tlbe *e, u64 start, u64 last)
{
	u64 first = e->vpn << e->size_lg2;

	return first <= last && start <= first + ((1ULL << e->size_lg2) - 1);
}

/* Drop the entries of @asid that overlap [start, last]; the caller holds tlb->lock. */
static void swmmu_tlb_inval_range(struct swmmu_tlb *tlb, u32 asid, u64 sizes, u64 start, u64 last)
{
	u64 probes = 0, m;
	unsigned int i, w, s;

	for (m = sizes; m; m &= m - 1) {
		s = __ffs64(m);
		probes += (last >> s) - (start >> s) + 1;
		if (probes > SWMMU_TLB_MAX_PROBES)
			break;
	}
	if (probes > SWMMU_TLB_MAX_PROBES) {
		for (i = 0; i < tlb->nr; i++) {
			struct swmmu_tlbe *e = &tlb->e[i];

			if (e->asid == asid && swmmu_tlbe_overlaps(e, start, last))
				e->asid = 0;
		}
		return;
	}
	for (m = sizes; m; m &= m - 1) {
		u64 vpn;

		s = __ffs64(m);
		for (vpn = start >> s; vpn <= last >> s; vpn++) {
			struct swmmu_tlbe *e = swmmu_tlb_set(tlb, asid, vpn, s);

			for (w = 0; w < SWMMU_TLB_WAYS; w++)
				if (e[w].asid == asid && e[w].size_lg2 == s && e[w].vpn == vpn)
					e[w].asid = 0;
			if (vpn == U64_MAX)
				break;
		}
	}
}

/**
 * swmmu_tlb_inval_as() - drop every entry of one address space
 * @tlb: the IOTLB
 * @asid: the address space's debug_id
 *
 * Context: any context that may take a spinlock.
 */
void swmmu_tlb_inval_as(struct swmmu_tlb *tlb, u32 asid)
{
	unsigned int i;

	spin_lock(&tlb->lock);
	tlb->invalidations++;
	for (i = 0; i < tlb->nr; i++)
		if (tlb->e[i].asid == asid)
			tlb->e[i].asid = 0;
	spin_unlock(&tlb->lock);
}

/**
 * swmmu_as_dev_init() - initialise the DMA engine state of a new address space
 * @as: the address space
 *
 * Context: process context.
 */
void swmmu_as_dev_init(struct swmmu_as_obj *as)
{
	mutex_init(&as->dev.lock);
	INIT_LIST_HEAD(&as->dev.queues);
	spin_lock_init(&as->dev.inval_lock);
	atomic64_set(&as->dev.epoch, 0);
	as->dev.fault_mode = SWMMU_FAULT_MODE_TERMINATE;
}

static bool swmmu_queue_drained(struct swmmu_queue *q, u64 epoch)
{
	u64 busy = READ_ONCE(q->busy);

	return !busy || busy > epoch;
}

/**
 * swmmu_as_dev_invalidate() - invalidate what a gather says changed, and wait for old accesses
 * @as: the address space
 * @g: the gather being flushed
 *
 * Drops the affected entries from the IOTLB of every device with a queue bound to @as, then
 * waits until no queue of @as is in a step that began before: when this returns, no DMA access
 * uses a translation the operation removed.
 *
 * Context: process context, may sleep; called from the gather's flush with a range of @as held.
 */
void swmmu_as_dev_invalidate(struct swmmu_as_obj *as, const struct swmmu_gather *g)
{
	struct swmmu_queue *q;
	unsigned int i;
	u64 epoch;

	if (!g->flush_all && !g->nr_ranges)
		return;
	mutex_lock(&as->dev.lock);
	if (list_empty(&as->dev.queues))
		goto out;
	spin_lock(&as->dev.inval_lock);
	list_for_each_entry(q, &as->dev.queues, as_node) {
		struct swmmu_tlb *tlb = &q->dev->tlb;

		spin_lock(&tlb->lock);
		tlb->invalidations++;
		for (i = 0; i < tlb->nr && g->flush_all; i++)
			if (tlb->e[i].asid == as->debug_id)
				tlb->e[i].asid = 0;
		for (i = 0; i < g->nr_ranges && !g->flush_all; i++)
			swmmu_tlb_inval_range(tlb, as->debug_id, as->dev.tlb_sizes,
					      g->range[i].start, g->range[i].last);
		spin_unlock(&tlb->lock);
	}
	epoch = atomic64_inc_return(&as->dev.epoch);
	spin_unlock(&as->dev.inval_lock);
	/* Pairs with the barrier in swmmu_step_begin(): see its busy word, or it sees our epoch. */
	smp_mb();
	list_for_each_entry(q, &as->dev.queues, as_node)
		wait_event(q->wq, swmmu_queue_drained(q, epoch));
out:
	mutex_unlock(&as->dev.lock);
}

struct swmmu_hole {
	unsigned int level;
};

static int swmmu_hole_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_hole *h = ctx;

	h->level = it->level;
	return SWMMU_WALK_STOP;
}

static const struct swmmu_walk_ops swmmu_hole_ops = {
	.leaf = swmmu_hole_cb,
	.hole = swmmu_hole_cb,
};

/* The level where a walk of @va stops (the core's translate does not say). */
static unsigned int swmmu_fault_level(struct swmmu_as_obj *as, u64 va)
{
	struct swmmu_hole h = { .level = as->fmt->nr_levels - 1 };

	swmmu_walk(&as->pt, va, 1, &swmmu_hole_ops, &h);
	return h.level;
}

static int swmmu_fault_fill(struct swmmu_fault_info *fi, u64 va, u32 access, u32 reason,
			    u32 level)
{
	*fi = (struct swmmu_fault_info){
		.iova = va, .access = access, .reason = reason, .level = level,
	};
	return swmmu_fault_errno(reason);
}

static bool swmmu_chunk_covers(const struct swmmu_chunk *c, u64 pa, u64 len)
{
	return c->dma <= pa && len <= c->size && pa - c->dma <= c->size - len;
}

/* A miss: walk the tables, validate the output, fill the IOTLB unless an invalidation raced. */
static int swmmu_tlb_walk(struct swmmu_exec *x, u64 va, u32 access, struct swmmu_tlbe *te,
			  struct swmmu_fault_info *fi)
{
	struct swmmu_as_obj *as = x->q->as;
	struct swmmu_tlb *tlb = &x->q->dev->tlb;
	unsigned int top = as->fmt->nr_levels - 1, lvl = 0, levels = 0;
	struct swmmu_tlbe *set, *slot = NULL;
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	unsigned int w;
	int ret;

	rcu_read_lock();
	ret = swmmu_translate(&as->pt, va, access, true, &xl);
	if (ret == -ENOENT)
		lvl = swmmu_fault_level(as, va);
	rcu_read_unlock();
	if (!ret || ret == -EACCES)
		levels = top + 1 - xl.level;
	else if (ret == -ENOENT)
		levels = top + 1 - lvl;

	spin_lock(&tlb->lock);
	tlb->walks++;
	tlb->levels += levels;
	spin_unlock(&tlb->lock);

	if (ret == -ENOENT)
		return swmmu_fault_fill(fi, va, access, SWMMU_FAULT_NOT_PRESENT, lvl);
	if (ret == -EACCES)
		return swmmu_fault_fill(fi, va, access, SWMMU_FAULT_PERMISSION, xl.level);
	if (ret)
		return swmmu_fault_fill(fi, va, access, SWMMU_FAULT_ADDRESS_SIZE, top);

	te->asid = as->debug_id;
	te->size_lg2 = xl.size_lg2;
	te->vpn = va >> xl.size_lg2;
	te->pa = xl.entry_pa;
	te->chunk = NULL;
	te->dirty = xl.dirty || !as->fmt->dirty;
	if (xl.prot & SWMMU_PROT_NULL) {
		te->prot = SWMMU_PROT_NULL;
	} else {
		te->prot = xl.eff_prot;
		c = swmmu_as_bus_lookup(as, xl.pa);
		if (!c)
			return swmmu_fault_fill(fi, va, access, SWMMU_FAULT_BAD_OUTPUT, xl.level);
		if (swmmu_chunk_covers(c, xl.entry_pa, 1ULL << xl.size_lg2))
			te->chunk = c;
	}

	spin_lock(&as->dev.inval_lock);
	if (atomic64_read(&as->dev.epoch) == x->epoch) {
		WRITE_ONCE(as->dev.tlb_sizes, as->dev.tlb_sizes | BIT_ULL(te->size_lg2));
		spin_lock(&tlb->lock);
		set = swmmu_tlb_set(tlb, te->asid, te->vpn, te->size_lg2);
		for (w = 0; w < SWMMU_TLB_WAYS && !slot; w++)
			if (!set[w].asid || (set[w].asid == te->asid &&
					     set[w].size_lg2 == te->size_lg2 && set[w].vpn == te->vpn))
				slot = &set[w];
		if (!slot)
			slot = &set[tlb->victim++ % SWMMU_TLB_WAYS];
		*slot = *te;
		spin_unlock(&tlb->lock);
	}
	spin_unlock(&as->dev.inval_lock);
	return 0;
}

/**
 * swmmu_tlb_translate() - translate one device access of a DMA command
 * @x: the command; the caller is inside a step (swmmu_queue.busy is set for @x->epoch)
 * @va: the device VA
 * @access: SWMMU_PROT_R or SWMMU_PROT_W
 * @out: the kernel address and how many bytes from @va on it covers
 * @fi: filled on a fault
 *
 * An IOTLB hit needs the cached permissions to allow @access and, for a write on a format with
 * dirty bits, the entry to know the dirty bit is set (else the walk sets it, as hardware does).
 *
 * Context: any context that may take a spinlock; does not sleep.
 * Return: 0, or the fault's errno (-ENXIO, -EACCES, -ERANGE, -EIO) with @fi filled.
 */
int swmmu_tlb_translate(struct swmmu_exec *x, u64 va, u32 access, struct swmmu_dxl *out,
			struct swmmu_fault_info *fi)
{
	struct swmmu_as_obj *as = x->q->as;
	struct swmmu_tlb *tlb = &x->q->dev->tlb;
	u64 sizes = READ_ONCE(as->dev.tlb_sizes), off, pa, m;
	struct swmmu_tlbe te, *e;
	struct swmmu_chunk *c;
	bool found = false;
	unsigned int w, s;
	int ret;

	if (as->dctx)
		return swmmu_dctx_translate(x, va, access, out, fi);
	spin_lock(&tlb->lock);
	for (m = sizes; m && !found; m &= m - 1) {
		s = __ffs64(m);
		e = swmmu_tlb_set(tlb, as->debug_id, va >> s, s);
		for (w = 0; w < SWMMU_TLB_WAYS; w++) {
			if (e[w].asid != as->debug_id || e[w].size_lg2 != s || e[w].vpn != va >> s)
				continue;
			if (!(e[w].prot & SWMMU_PROT_NULL) &&
			    ((access & ~e[w].prot) || ((access & SWMMU_PROT_W) && !e[w].dirty)))
				break;
			te = e[w];
			found = true;
			break;
		}
	}
	if (found)
		tlb->hits++;
	else
		tlb->misses++;
	spin_unlock(&tlb->lock);

	if (!found) {
		ret = swmmu_tlb_walk(x, va, access, &te, fi);
		if (ret)
			return ret;
	}

	off = va & ((1ULL << te.size_lg2) - 1);
	out->avail = (1ULL << te.size_lg2) - off;
	if (te.prot & SWMMU_PROT_NULL) {
		out->cpu = NULL;
		return 0;
	}
	pa = te.pa + off;
	c = te.chunk;
	if (!c) {
		c = swmmu_as_bus_lookup(as, pa);
		if (!c)
			return swmmu_fault_fill(fi, va, access, SWMMU_FAULT_BAD_OUTPUT, 0);
	}
	out->avail = min(out->avail, c->size - (pa - c->dma));
	out->cpu = page_address(c->page) + (pa - c->dma);
	return 0;
}

/**
 * swmmu_cmd_iotlb() - SWMMU_IOTLB
 * @file: the file
 * @data: struct swmmu_iotlb
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP (flags), -EINVAL (nr_entries), -ENOMEM.
 */
int swmmu_cmd_iotlb(struct swmmu_file *file, void *data)
{
	struct swmmu_iotlb *cmd = data;
	struct swmmu_dev *dev = file->dev;
	struct swmmu_tlb *tlb = &dev->tlb;
	struct swmmu_tlbe *old = NULL, *e = NULL;
	unsigned int i;

	if (cmd->flags & ~(SWMMU_IOTLB_RESIZE | SWMMU_IOTLB_FLUSH | SWMMU_IOTLB_RESET_STATS))
		return -EOPNOTSUPP;
	if (cmd->flags & SWMMU_IOTLB_RESIZE) {
		if (!is_power_of_2(cmd->nr_entries) || cmd->nr_entries < SWMMU_IOTLB_MIN_ENTRIES ||
		    cmd->nr_entries > SWMMU_IOTLB_MAX_ENTRIES)
			return -EINVAL;
		e = kvcalloc(cmd->nr_entries, sizeof(*e), GFP_KERNEL_ACCOUNT);
		if (!e)
			return -ENOMEM;
	} else if (cmd->nr_entries) {
		return -EINVAL;
	}

	spin_lock(&tlb->lock);
	if (e) {
		old = tlb->e;
		tlb->e = e;
		tlb->nr = cmd->nr_entries;
	}
	if (cmd->flags & SWMMU_IOTLB_FLUSH) {
		tlb->invalidations++;
		for (i = 0; i < tlb->nr; i++)
			tlb->e[i].asid = 0;
	}
	cmd->nr_entries = tlb->nr;
	cmd->out_ways = SWMMU_TLB_WAYS;
	cmd->out_hits = tlb->hits;
	cmd->out_misses = tlb->misses;
	cmd->out_walks = tlb->walks;
	cmd->out_levels = tlb->levels;
	cmd->out_invalidations = tlb->invalidations;
	if (cmd->flags & SWMMU_IOTLB_RESET_STATS) {
		tlb->hits = 0;
		tlb->misses = 0;
		tlb->walks = 0;
		tlb->levels = 0;
		tlb->invalidations = 0;
	}
	spin_unlock(&tlb->lock);
	kvfree(old);

	cmd->out_faults = atomic64_read(&dev->faults);
	cmd->out_faults_lost = atomic64_read(&dev->faults_lost);
	cmd->out_bytes = atomic64_read(&dev->bytes);
	cmd->out_cmds = atomic64_read(&dev->cmds);
	if (cmd->flags & SWMMU_IOTLB_RESET_STATS) {
		atomic64_set(&dev->faults, 0);
		atomic64_set(&dev->faults_lost, 0);
		atomic64_set(&dev->bytes, 0);
		atomic64_set(&dev->cmds, 0);
	}
	return 0;
}
