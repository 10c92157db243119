// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hardware walker (swmmu_hwwalk.h): one generic descent over the format descriptor, for
 * tables the library did not write. It is not an engine instance: it reads the descriptor at
 * run time and classifies every item it meets so that a fault says what is wrong and where.
 */
#include "swmmu_internal.h"
#include "swmmu_hwwalk.h"

/* Bytes of the table of a level (the root of a derived format is smaller). */
static u64 hw_table_bytes(const struct swmmu_format *f, unsigned int lvl)
{
	return pt_bit(pt_table_lg2(f, lvl));
}

/**
 * swmmu_hw_root_bytes() - size of a format's root table
 * @f: the format
 *
 * Context: any.
 * Return: bytes of the root table; its address must be aligned to this (or to the table
 * alignment of the top level, whichever is smaller).
 */
u64 swmmu_hw_root_bytes(const struct swmmu_format *f)
{
	return hw_table_bytes(f, f->nr_levels - 1);
}

/*
 * A reserved item at a level without leaves that matches the leaf encoding of a lower level is
 * "a leaf where the level cannot hold one" (x86 PS=1 in a PML4E, Intel SDM Vol. 3A 4.5.4 table
 * 4-15; an AArch64 block descriptor at level 0 of the 4K granule, Arm ARM D8.3.1).
 */
static bool hw_misplaced_leaf(const struct swmmu_format *f, unsigned int lvl, u64 pte)
{
	unsigned int l;

	if (f->level[lvl].flags & SWMMU_LVL_LEAF)
		return false;
	for (l = 0; l < lvl; l++)
		if ((f->level[l].flags & SWMMU_LVL_LEAF) &&
		    (pte & f->level[l].leaf_mask) == f->level[l].leaf_val)
			return true;
	return false;
}

/*
 * With SWMMU_FMT_RSVD_LOW_OA, the output-address bits below a large leaf's size that carry no
 * other field are reserved and fault when set (x86-64: bits 20:13 of a 2 MiB PDE and 29:13 of a
 * 1 GiB PDPTE, Intel SDM Vol. 3A 4.5.4 tables 4-17 and 4-15).
 */
static bool hw_low_oa_reserved(const struct swmmu_format *f, unsigned int lvl, unsigned int sz,
			       u64 pte)
{
	u64 field, low;

	if (!(f->flags & SWMMU_FMT_RSVD_LOW_OA) || sz <= f->oa_lo)
		return false;
	field = pt_lowmask(f->oa_width) << f->oa_pte_lo;
	low = field & pt_lowmask(sz - f->oa_lo + f->oa_pte_lo);
	low &= ~(f->level[lvl].mt_mask | pt_perm_mask(pt_lperm(f, lvl)) | f->contig_mask);
	return pte & low;
}

static int hw_fault(struct swmmu_hw_xlate *out, u32 why, unsigned int lvl, u64 pte, u64 item)
{
	out->fault = why;
	out->level = (u8)lvl;
	out->pte = pte;
	out->item = item;
	return -EFAULT;
}

/* Read the table at @addr of level @lvl through the caller's window onto memory. */
static void *hw_table(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, u64 addr,
		      unsigned int lvl)
{
	return mem->map(mem->ctx, addr, hw_table_bytes(f, lvl));
}

/*
 * The leaf found at @lvl: decode it, check what the architecture checks, set accessed/dirty.
 * Returns 0, -EFAULT with out->fault set, or -EAGAIN when the item changed under a CAS.
 */
static int hw_leaf(const struct swmmu_format *f, void *tbl, u64 table, unsigned int lvl,
		   unsigned int idx, u64 ia, u64 pte, u64 all, u64 any, bool below_table,
		   u32 access, u32 flags, struct swmmu_hw_xlate *out)
{
	u64 item = table + ((u64)idx << pt_esz(f, lvl)), need, m, oa;
	unsigned int sz;

	out->pte = pte;
	out->item = item;
	out->item_cpu = (char *)tbl + ((size_t)idx << pt_esz(f, lvl));
	out->level = (u8)lvl;
	if (pt_is_null(f, lvl, pte)) {
		sz = f->level[lvl].shift;
		out->size_lg2 = (u8)sz;
		out->entry_va = pt_canon(f, ia & ~pt_lowmask(sz));
		out->prot = SWMMU_PROT_NULL;
		out->eff_prot = SWMMU_PROT_NULL;
		out->dirty = true;
		return 0;
	}
	sz = f->level[lvl].shift + pt_leaf_k(f, lvl, pte);
	m = pt_lowmask(sz);
	oa = pt_oa_dec(f, pte) & ~m;
	if (hw_low_oa_reserved(f, lvl, sz, pte))
		return hw_fault(out, SWMMU_HWF_RESERVED, lvl, pte, item);
	if (!pt_oa_ok(f, oa + m))
		return hw_fault(out, SWMMU_HWF_OA_SIZE, lvl, pte, item);
	out->size_lg2 = (u8)sz;
	out->entry_va = pt_canon(f, ia & ~m);
	out->entry_pa = oa;
	out->prot = pt_leaf_prot(f, lvl, pte);
	out->eff_prot = out->prot;
	/* RISC-V privileged spec 12.3.2 step 3: a leaf with W and without R is reserved. */
	if ((f->flags & SWMMU_FMT_W_NEEDS_R) &&
	    (out->prot & (SWMMU_PROT_R | SWMMU_PROT_W)) == SWMMU_PROT_W)
		return hw_fault(out, SWMMU_HWF_RESERVED, lvl, pte, item);
	if (below_table)
		out->eff_prot &= pt_path_prot(f, all, any);
	/*
	 * A present leaf that grants none of need_any allows no access at all: a permission
	 * fault like any other denied access, not a hole (AMD IOMMU PR = 1 with IR = IW = 0:
	 * IO_PAGE_FAULT with PR and PE set; Arm stage 2 S2AP = 0b00: a Permission fault). Formats
	 * whose presence is those permissions (VT-d: R or W) see such an item as a hole earlier.
	 */
	if ((f->need_any && !(out->prot & f->need_any)) || (access & ~out->eff_prot))
		return hw_fault(out, SWMMU_HWF_PERMISSION, lvl, pte, item);
	need = f->accessed | ((access & SWMMU_PROT_W) ? f->dirty : 0);
	if ((pte & need) != need) {
		if (flags & SWMMU_HW_AD_FAULT)
			return hw_fault(out, SWMMU_HWF_ACCESS_FLAG, lvl, pte, item);
		if (flags & SWMMU_HW_SET_AD) {
			if (!pt_cas(f, lvl, tbl, idx, pte, pte | need))
				return -EAGAIN;
			pte |= need;
			out->pte = pte;
			out->ad_set = true;
		}
	}
	out->accessed = !f->accessed || (pte & f->accessed) == f->accessed;
	out->dirty = !f->dirty || (pte & f->dirty) == f->dirty;
	return 0;
}

/*
 * A dual directory item (SWMMU_LVL_DUAL): word 0 points at the level-1 table, word 1 at the
 * level-0 table; the level-1 item decides unless it is a hole.
 */
static int hw_dual(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, void *tbl,
		   u64 table, unsigned int idx, u64 ia, u64 all, u64 any, u32 access, u32 flags,
		   struct swmmu_hw_xlate *out)
{
	u64 w0 = pt_load(f, 2, tbl, idx), w1 = pt_load2(f, tbl, idx), item, child, pte;
	enum swmmu_item_kind k0 = pt_kind(f, 2, w0), k1 = pt_kind2(f, w1), k;
	unsigned int lvl, i;
	void *t;

	item = table + ((u64)idx << pt_esz(f, 2));
	out->dual = true;
	if (k0 == SWMMU_ITEM_LEAF)
		return hw_leaf(f, tbl, table, 2, idx, ia, w0, all, any, true, access, flags, out);
	if (k0 == SWMMU_ITEM_BAD || k1 == SWMMU_ITEM_BAD)
		return hw_fault(out, SWMMU_HWF_RESERVED, 2, k0 == SWMMU_ITEM_BAD ? w0 : w1, item);
	for (lvl = 1; ; lvl = 0) {
		u64 w = lvl ? w0 : w1;

		if (lvl ? k0 == SWMMU_ITEM_TABLE : k1 == SWMMU_ITEM_TABLE) {
			child = pt_oa_dec(f, w);
			if (!pt_oa_ok(f, child))
				return hw_fault(out, SWMMU_HWF_OA_SIZE, 2, w, item);
			t = hw_table(f, mem, child, lvl);
			if (!t)
				return hw_fault(out, SWMMU_HWF_TABLE_OUTSIDE, lvl, w, item);
			i = pt_index(f, lvl, ia);
			pte = pt_load(f, lvl, t, i);
			k = pt_kind(f, lvl, pte);
			if (k == SWMMU_ITEM_LEAF)
				return hw_leaf(f, t, child, lvl, i, ia, pte, all & w, any | w, true,
					       access, flags, out);
			if (k != SWMMU_ITEM_HOLE)
				return hw_fault(out, SWMMU_HWF_RESERVED, lvl, pte,
						child + ((u64)i << pt_esz(f, lvl)));
		}
		if (!lvl)
			return hw_fault(out, SWMMU_HWF_NOT_PRESENT, 0, w1, item);
	}
}

/**
 * swmmu_hw_walk() - translate one access through tables someone else wrote, like the hardware
 * @f: the format
 * @mem: the only memory the walk may touch
 * @root: address of the root table (ignored with @start)
 * @va: the VA (canonical)
 * @access: SWMMU_PROT_R, _W, _X, with _U for an unprivileged access
 * @flags: SWMMU_HW_SET_AD to set accessed/dirty bits as the hardware does, SWMMU_HW_AD_FAULT to
 *         fault on a clear one instead (architectures where the update is optional and off);
 *         neither: a side-effect free lookup (what a checker compares with)
 * @start: continue below a walk-cache entry instead of at the root, or NULL
 * @out: the translation, or on -EFAULT why and where it failed
 *
 * Context: any; does not sleep. Safe against concurrent writers of the tables: each item is read
 * once, and an accessed/dirty update that loses a race re-walks (at most a few times, then the
 * translation is returned without the update, as if the write happened just after the walk).
 * Return: 0, -EFAULT (a fault: @out->fault, @out->level, @out->pte, @out->item), -EINVAL
 * (@access or @start out of range).
 */
int swmmu_hw_walk(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, u64 root,
		  u64 va, u32 access, u32 flags, const struct swmmu_hw_start *start,
		  struct swmmu_hw_xlate *out)
{
	unsigned int top = f->nr_levels - 1, lvl, idx, tries = 0, first;
	u64 ia, table, pte, all, any;
	enum swmmu_item_kind kind;
	void *tbl;
	int ret;

	if (access & ~(SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U))
		return -EINVAL;
	if (start && (start->level >= top || pt_is_dual(f, start->level)))
		return -EINVAL;
again:
	memset(out, 0, sizeof(*out));
	if (!pt_va_to_ia(f, va, &ia))
		return hw_fault(out, SWMMU_HWF_ADDRESS_SIZE, top, 0, 0);
	first = start ? start->level : top;
	table = start ? start->table : root;
	all = start ? start->all : ~0ULL;
	any = start ? start->any : 0;
	if (!pt_oa_ok(f, table))
		return hw_fault(out, SWMMU_HWF_OA_SIZE, first, 0, 0);
	for (lvl = first; ; lvl--) {
		tbl = hw_table(f, mem, table, lvl);
		if (!tbl)
			return hw_fault(out, SWMMU_HWF_TABLE_OUTSIDE, lvl, 0, table);
		idx = pt_index(f, lvl, ia);
		if (pt_is_dual(f, lvl)) {
			ret = hw_dual(f, mem, tbl, table, idx, ia, all, any, access, flags, out);
			break;
		}
		pte = pt_load(f, lvl, tbl, idx);
		kind = pt_kind(f, lvl, pte);
		if (kind == SWMMU_ITEM_LEAF) {
			ret = hw_leaf(f, tbl, table, lvl, idx, ia, pte, all, any, lvl != top,
				      access, flags, out);
			break;
		}
		if (kind == SWMMU_ITEM_HOLE)
			return hw_fault(out, SWMMU_HWF_NOT_PRESENT, lvl, pte,
					table + ((u64)idx << pt_esz(f, lvl)));
		if (kind == SWMMU_ITEM_BAD || !lvl)
			return hw_fault(out, hw_misplaced_leaf(f, lvl, pte) ? SWMMU_HWF_LEAF_LEVEL :
					SWMMU_HWF_RESERVED, lvl, pte,
					table + ((u64)idx << pt_esz(f, lvl)));
		all &= pte;
		any |= pte;
		out->step[out->nr_steps++] = (struct swmmu_hw_step){
			.table = table, .pte = pte, .child = pt_oa_dec(f, pte),
			.cpu = (char *)tbl + ((size_t)idx << pt_esz(f, lvl)),
			.va = pt_canon(f, ia & ~pt_lowmask(f->level[lvl].shift)),
			.all = all, .any = any, .level = (u8)lvl,
		};
		table = pt_oa_dec(f, pte);
		if (!pt_oa_ok(f, table))
			return hw_fault(out, SWMMU_HWF_OA_SIZE, lvl, pte,
					out->step[out->nr_steps - 1].table +
					((u64)idx << pt_esz(f, lvl)));
		/* A table of a level below aligns its address down, as the hardware ignores the
		 * low bits (Arm ARM D8.3.1: next-level table address bits below the granule).
		 */
		table &= ~pt_lowmask(pt_table_lg2(f, lvl - 1) < f->level[lvl - 1].table_align_lg2 ?
				      pt_table_lg2(f, lvl - 1) : f->level[lvl - 1].table_align_lg2);
		out->step[out->nr_steps - 1].child = table;
	}
	if (ret == -EAGAIN) {
		if (++tries < 8)
			goto again;
		/* A writer keeps changing the item: give up the update, not the translation. */
		flags &= ~SWMMU_HW_SET_AD;
		goto again;
	}
	return ret;
}
SWMMU_EXPORT(swmmu_hw_walk);

/**
 * swmmu_hw_item_load() - read one item (primary word) at a CPU address, as the walker does
 * @f: the format
 * @level: the item's level (its size may depend on it)
 * @item: CPU address of the item, as a walk recorded it
 *
 * Context: any.
 * Return: the item's value in CPU byte order.
 */
u64 swmmu_hw_item_load(const struct swmmu_format *f, unsigned int level, const void *item)
{
	return pt_load(f, level, item, 0);
}

/**
 * swmmu_hw_read_item() - read the item of a table that holds a VA, through the walker's memory
 * @f: the format
 * @mem: the memory the walker may touch
 * @table: address of a table of level @level
 * @level: its level
 * @va: a VA in the span of the item (canonical)
 * @pte: the item's value (primary word)
 *
 * What a checker uses to see whether a cached table item still holds what it cached.
 *
 * Context: any; does not sleep.
 * Return: 0, -EFAULT (the table is outside @mem), -ERANGE (@va outside the format), -EINVAL.
 */
int swmmu_hw_read_item(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, u64 table,
		       unsigned int level, u64 va, u64 *pte)
{
	void *tbl;
	u64 ia;

	if (level >= f->nr_levels)
		return -EINVAL;
	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	tbl = hw_table(f, mem, table, level);
	if (!tbl)
		return -EFAULT;
	*pte = pt_load(f, level, tbl, pt_index(f, level, ia));
	return 0;
}
