// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs: /sys/kernel/debug/swmmu/counters (module-wide live counters; all zero when no file is
 * open), /sys/kernel/debug/swmmu/contexts (driver-managed contexts and their checker counters) and
 * /sys/kernel/debug/swmmu/as/<debug_id>/pagetable (a page-table dump per address space).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "swmmu_as.h"
#include "swmmu_dctx.h"
#include "swmmu_debugfs.h"

static struct dentry *swmmu_debugfs_root;
static struct dentry *swmmu_debugfs_as_dir;

static int counters_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "files %ld\n", atomic_long_read(&swmmu_cnt.files));
	seq_printf(m, "address_spaces %ld\n", atomic_long_read(&swmmu_cnt.as));
	seq_printf(m, "buffers %ld\n", atomic_long_read(&swmmu_cnt.bufs));
	seq_printf(m, "buffer_bytes %ld\n", atomic_long_read(&swmmu_cnt.buf_bytes));
	seq_printf(m, "tables %ld\n", atomic_long_read(&swmmu_cnt.tables));
	seq_printf(m, "table_bytes %ld\n", atomic_long_read(&swmmu_cnt.table_bytes));
	seq_printf(m, "tables_freeing %ld\n", atomic_long_read(&swmmu_cnt.tables_freeing));
	seq_printf(m, "mappings %ld\n", atomic_long_read(&swmmu_cnt.mappings));
	seq_printf(m, "vmas %ld\n", atomic_long_read(&swmmu_cnt.vmas));
	seq_printf(m, "queues %ld\n", atomic_long_read(&swmmu_cnt.queues));
	seq_printf(m, "dma_jobs %ld\n", atomic_long_read(&swmmu_cnt.dma_jobs));
	seq_printf(m, "fault_queues %ld\n", atomic_long_read(&swmmu_cnt.fault_queues));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int swmmu_contexts_one(void *arg, const struct swmmu_dctx_snap *s)
{
	struct seq_file *m = arg;
	const struct swmmu_ctx_info *i = &s->info;

	seq_printf(m, "ctx %u pid %d format %s va_bits %u asid %u root 0x%llx flags 0x%x check %u",
		   s->id, s->pid, s->format, i->out_va_bits, i->out_asid, i->out_root,
		   i->out_flags, i->out_check);
	seq_printf(m, " tlb %u/%u walk %u/%u hits %llu misses %llu walks %llu faults %llu",
		   i->out_tlb_used, i->out_tlb_entries, i->out_walk_used, i->out_walk_entries,
		   i->out_hits, i->out_misses, i->out_walks, i->out_faults);
	seq_printf(m, " ad_updates %llu invalidations %llu dropped %llu checks %llu",
		   i->out_ad_updates, i->out_invalidations, i->out_inval_dropped, i->out_checks);
	seq_printf(m, " stale %llu bbm %llu table_reuse %llu\n", i->out_stale, i->out_bbm,
		   i->out_table_reuse);
	return 0;
}

/* Driver-managed contexts: state, TLB occupancy and checker counters, one line each. */
static int contexts_show(struct seq_file *m, void *unused)
{
	return swmmu_dctx_for_each(swmmu_contexts_one, m, 0);
}
DEFINE_SHOW_ATTRIBUTE(contexts);

static int pagetable_show(struct seq_file *m, void *unused)
{
	return swmmu_as_dump_seq(m->private, m);
}
DEFINE_SHOW_ATTRIBUTE(pagetable);

/**
 * swmmu_debugfs_init() - create the module's debugfs directory
 *
 * debugfs errors are not fatal: the module works without it.
 *
 * Context: module init.
 */
void swmmu_debugfs_init(void)
{
	swmmu_debugfs_root = debugfs_create_dir("swmmu", NULL);
	debugfs_create_file("counters", 0444, swmmu_debugfs_root, NULL, &counters_fops);
	/* Root only: the lines show DMA addresses. */
	debugfs_create_file("contexts", 0400, swmmu_debugfs_root, NULL, &contexts_fops);
	swmmu_debugfs_as_dir = debugfs_create_dir("as", swmmu_debugfs_root);
}

/**
 * swmmu_debugfs_exit() - remove the module's debugfs directory
 *
 * Context: module exit (or init failure).
 */
void swmmu_debugfs_exit(void)
{
	debugfs_remove(swmmu_debugfs_root);
}

/**
 * swmmu_debugfs_as_add() - create the debugfs directory of an address space
 * @as: the address space, with its debug_id set
 *
 * Context: process context.
 */
void swmmu_debugfs_as_add(struct swmmu_as_obj *as)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", as->debug_id);
	as->debugfs = debugfs_create_dir(name, swmmu_debugfs_as_dir);
	debugfs_create_file("pagetable", 0400, as->debugfs, as, &pagetable_fops);
}

/**
 * swmmu_debugfs_as_remove() - remove it again
 * @as: the address space
 *
 * Waits for readers of the dump to finish, so @as may be freed afterwards.
 *
 * Context: process context; the caller holds no range of @as.
 */
void swmmu_debugfs_as_remove(struct swmmu_as_obj *as)
{
	debugfs_remove(as->debugfs);
	as->debugfs = NULL;
}
