// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table memory of the address spaces: coherent DMA allocations indexed by DMA page (the core's
 * table address -> CPU pointer translation), charged to the file's table limit, and freed after
 * an RCU grace period once unlinked, because lock-free walkers may still read them.
 */
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "swmmu_as.h"

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

/* The table memory of every address space swmmu allocates tables for. */
const struct swmmu_mem_ops swmmu_tbl_ops = {
	.alloc = swmmu_tbl_alloc,
	.free = swmmu_tbl_free,
	.to_cpu = swmmu_tbl_to_cpu,
};

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
