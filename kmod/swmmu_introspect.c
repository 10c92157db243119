// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU_WALK: walk the calling process's own x86-64 page tables with the core's "x86_64" or
 * "x86_64-la57" format, read-only, and report what the MMU would translate.
 *
 * Locking (the rules mm/pagewalk.c follows for user page tables):
 * - mmap_read_lock() for the whole walk, and only addresses inside a VMA found under it are
 *   walked. Page tables are freed by free_pgtables() only for address ranges whose VMAs are
 *   already detached from the tree (munmap may do that under a downgraded read lock, which is why
 *   the VMA bound matters and the lock alone is not enough); khugepaged's retract_page_tables()
 *   and collapse need the mmap write lock on 6.1. So every table reachable inside a VMA stays a
 *   page table for as long as we hold the read lock, and a PMD that points at a page table keeps
 *   pointing at it (a PMD leaf can appear or go away, a PMD table cannot go away).
 * - Each page table (level 0) is read under its split page-table lock, taken in the walk's
 *   pre_table callback for the PMD that points at it, around a nested walk of that page table:
 *   the PTEs are a consistent snapshot, like pte_offset_map_lock() gives. PMD and PUD leaves (THP, hugetlb) are
 *   single 64-bit items read once with READ_ONCE() by the core, like GUP-fast reads them; a racing
 *   split shows either the old leaf or the new table, each decoded consistently, and the query
 *   that decodes a leaf is retried if the item changed under it.
 * - Nothing sleeps while a page-table lock is held; results go to a kernel buffer and are copied
 *   to user space after mmap_read_unlock() (a fault on the user buffer takes mmap_lock).
 * Tables are reached through the kernel's direct map (__va()): every page-table page is RAM.
 */
#include <linux/capability.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_iommu.h"

/**
 * swmmu_format_id() - GET_INFO format_id of a built-in format
 * @f: the format
 *
 * Context: any.
 * Return: the index of @f in the registry, or U32_MAX if @f is not built in.
 */
u32 swmmu_format_id(const struct swmmu_format *f)
{
	unsigned int i;

	for (i = 0; i < swmmu_format_count(); i++)
		if (swmmu_format_get(i) == f)
			return i;
	return U32_MAX;
}

/* A walk that stumbled on a table address outside RAM reads this (zero) page instead. */
static void *swmmu_foreign_to_cpu(void *ctx, u64 addr)
{
	bool *bad_table = ctx;

	if (unlikely(!pfn_valid(PHYS_PFN(addr)))) {
		*bad_table = true;
		return page_address(ZERO_PAGE(0));
	}
	return phys_to_virt(addr);
}

/*
 * Tables someone else built in RAM, read through the direct map; the context is a bool that is
 * set when a table address is not RAM.
 */
const struct swmmu_mem_ops swmmu_foreign_mem_ops = {
	.to_cpu = swmmu_foreign_to_cpu,
};

#ifdef CONFIG_X86_64

/**
 * struct swmmu_cpu_ctx - one CPU_WALK in progress
 * @as: the core's view of the process's tables
 * @mm: the process's mm
 * @out: kernel copy of the result, @cap entries
 * @cap: capacity of @out
 * @count: items found so far
 * @next: items starting below this VA were already reported (VMAs can share a table item)
 * @start: first VA of the VMA part being walked
 * @last: last VA of the VMA part being walked
 * @in_pte: a page table is being walked under its lock
 * @bad_table: a table address was outside RAM
 * @retries: leaves decoded again because they changed under the walk
 */
struct swmmu_cpu_ctx {
	struct swmmu_as as;
	struct mm_struct *mm;
	struct swmmu_cpu_pte *out;
	u32 cap;
	u32 count;
	u64 next;
	u64 start;
	u64 last;
	bool in_pte;
	bool bad_table;
	unsigned int retries;
};

static struct swmmu_cpu_pte *swmmu_cpu_slot(struct swmmu_cpu_ctx *c, u64 va)
{
	struct swmmu_cpu_pte *e = NULL;

	if (c->count && va < c->next)
		return NULL;
	if (c->count < c->cap)
		e = &c->out[c->count];
	c->count++;
	return e ? e : ERR_PTR(-EMSGSIZE);
}

static int swmmu_cpu_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_cpu_ctx *c = ctx;
	struct swmmu_cpu_pte *e;
	struct swmmu_xlate xl;
	int ret;

	/* Decode with the core's query; the item must be the one the walk saw. */
	ret = swmmu_query(&c->as, it->va, &xl);
	if (ret || xl.pte != it->pte || xl.level != it->level) {
		/* Only a PMD/PUD leaf can change here (PTEs are locked): a THP split or zap. */
		if (++c->retries > 1000)
			return -EAGAIN;
		return SWMMU_WALK_RETRY;
	}
	e = swmmu_cpu_slot(c, xl.entry_va);
	if (!e)
		return SWMMU_WALK_DESCEND;
	c->next = xl.entry_va + (1ULL << xl.size_lg2);
	if (IS_ERR(e))
		return SWMMU_WALK_DESCEND;
	e->va = xl.entry_va;
	e->pa = xl.entry_pa;
	e->pte = xl.pte;
	e->page_size = 1ULL << xl.size_lg2;
	e->prot = swmmu_prot_to_user(xl.prot);
	e->eff_prot = swmmu_prot_to_user(xl.eff_prot);
	e->level = xl.level;
	e->flags = SWMMU_CPU_PTE_PRESENT;
	if (xl.accessed)
		e->flags |= SWMMU_CPU_PTE_ACCESSED;
	if (xl.dirty)
		e->flags |= SWMMU_CPU_PTE_DIRTY;
	return SWMMU_WALK_DESCEND;
}

/* Non-zero items the MMU does not translate (PROT_NONE, swap, migration) and reserved ones. */
static int swmmu_cpu_hole(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_cpu_ctx *c = ctx;
	struct swmmu_cpu_pte *e;

	if (!it->pte)
		return SWMMU_WALK_DESCEND;
	e = swmmu_cpu_slot(c, it->va);
	if (!e)
		return SWMMU_WALK_DESCEND;
	c->next = it->last + 1;
	if (IS_ERR(e))
		return SWMMU_WALK_DESCEND;
	memset(e, 0, sizeof(*e));
	e->va = it->va;
	e->pte = it->pte;
	e->page_size = it->last - it->va + 1;
	e->level = it->level;
	if (it->kind == SWMMU_ITEM_BAD)
		e->flags = SWMMU_CPU_PTE_RESERVED;
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops swmmu_cpu_walk_ops;

/*
 * A PMD that points at a page table: walk that page table's part of the range here, under its
 * page-table lock, and tell the outer walk to skip it. The nested walk starts at the root again;
 * the upper levels are stable (see the top of the file) and lead to the same page table, whose
 * PMD item the nested walk passes through (c->in_pte is set then).
 */
static int swmmu_cpu_pre_table(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_cpu_ctx *c = ctx;
	spinlock_t *ptl;
	pmd_t *pmd;
	u64 s, l;
	int ret;

	if (it->level != 1 || c->in_pte)
		return SWMMU_WALK_DESCEND;
	if (c->bad_table)
		return SWMMU_WALK_SKIP;
	s = max(it->va, c->start);
	l = min(it->last, c->last);
	/* it->table is the PMD table holding the item: RAM, reached through the direct map. */
	pmd = (pmd_t *)__va(it->table) + it->index;
	ptl = pte_lockptr(c->mm, pmd);
	spin_lock(ptl);
	c->in_pte = true;
	ret = swmmu_walk(&c->as, s, l - s + 1, &swmmu_cpu_walk_ops, c);
	c->in_pte = false;
	spin_unlock(ptl);
	return ret < 0 ? ret : SWMMU_WALK_SKIP;
}

static const struct swmmu_walk_ops swmmu_cpu_walk_ops = {
	.leaf = swmmu_cpu_leaf,
	.hole = swmmu_cpu_hole,
	.pre_table = swmmu_cpu_pre_table,
};

/* Walk [start, last] of the process's VMAs; mmap_read_lock is held. */
static int swmmu_cpu_walk_vmas(struct swmmu_cpu_ctx *c, u64 start, u64 last)
{
	struct vm_area_struct *vma;
	int ret = 0;

	VMA_ITERATOR(vmi, c->mm, start);

	for_each_vma_range(vmi, vma, last + 1) {
		u64 s = max_t(u64, vma->vm_start, start);
		u64 l = min_t(u64, vma->vm_end - 1, last);

		c->start = s;
		c->last = l;
		ret = swmmu_walk(&c->as, s, l - s + 1, &swmmu_cpu_walk_ops, c);
		if (ret)
			break;
		if (c->bad_table) {
			ret = -EIO;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	return ret;
}

/**
 * swmmu_cmd_cpu_walk() - CPU_WALK: the caller's own CPU page tables
 * @file: the file (unused: the walk concerns the calling process, not the file's objects)
 * @data: struct swmmu_cpu_walk
 *
 * Context: process context, may sleep; takes mmap_read_lock of current->mm and page-table locks.
 * Return: 0 or a negative errno (see struct swmmu_cpu_walk).
 */
int swmmu_cmd_cpu_walk(struct swmmu_file *file, void *data)
{
	struct swmmu_cpu_walk *cmd = data;
	struct swmmu_cpu_pte __user *uarr = u64_to_user_ptr(cmd->entries_uptr);
	const struct swmmu_format *fmt;
	struct swmmu_mem mem = { .ops = &swmmu_foreign_mem_ops };
	struct swmmu_cpu_ctx *c;
	struct mm_struct *mm;
	pgd_t *pgd;
	u64 last;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!cmd->length || cmd->nr_entries > SWMMU_CPU_WALK_MAX_ENTRIES)
		return -EINVAL;
	if (check_add_overflow(cmd->va, cmd->length - 1, &last))
		return -EOVERFLOW;
	if (last >= TASK_SIZE)
		return -ERANGE;
	mm = current->mm;
	if (!mm)
		return -EOPNOTSUPP;

	fmt = swmmu_format_find(pgtable_l5_enabled() ? "x86_64-la57" : "x86_64");
	if (!fmt)
		return -EOPNOTSUPP;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	if (cmd->nr_entries) {
		c->out = kvcalloc(cmd->nr_entries, sizeof(*c->out), GFP_KERNEL_ACCOUNT);
		if (!c->out) {
			ret = -ENOMEM;
			goto out_free;
		}
	}
	c->cap = cmd->nr_entries;
	c->mm = mm;
	mem.ctx = &c->bad_table;

	cmd->out_flags = pgtable_l5_enabled() ? SWMMU_CPU_WALK_LA57 : 0;
	pgd = mm->pgd;
#ifdef CONFIG_PAGE_TABLE_ISOLATION
	/*
	 * With PTI the MMU runs user code on the user copy of the top table; the kernel copy has NX
	 * set in the entries of the user half (pti_set_user_pgtbl()), so only the user copy tells
	 * what user mode may execute. Both point at the same lower tables.
	 */
	if (static_cpu_has(X86_FEATURE_PTI)) {
		pgd = kernel_to_user_pgdp(pgd);
		cmd->out_flags |= SWMMU_CPU_WALK_PTI;
	}
#endif
	ret = swmmu_as_init_foreign(&c->as, fmt, &mem, __pa(pgd), pgd);
	if (ret)
		goto out_free;
	cmd->out_format_id = swmmu_format_id(fmt);
	cmd->out_nr_levels = fmt->nr_levels;
	cmd->out_root = __pa(pgd);

	ret = mmap_read_lock_killable(mm);
	if (ret)
		goto out_free;
	ret = swmmu_cpu_walk_vmas(c, cmd->va, last);
	mmap_read_unlock(mm);
	if (ret)
		goto out_free;

	cmd->nr_entries = c->count;
	if (c->count > c->cap) {
		ret = -EMSGSIZE;
		if (c->cap && copy_to_user(uarr, c->out, c->cap * sizeof(*c->out)))
			ret = -EFAULT;
	} else if (c->count && copy_to_user(uarr, c->out, c->count * sizeof(*c->out))) {
		ret = -EFAULT;
	}
out_free:
	kvfree(c->out);
	kfree(c);
	return ret;
}

#else /* !CONFIG_X86_64 */

int swmmu_cmd_cpu_walk(struct swmmu_file *file, void *data)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_X86_64 */
