// SPDX-License-Identifier: GPL-2.0-only
/*
 * Format descriptor checks: validation (every descriptor, built-in or parsed, goes through it
 * before use), equality and derived properties.
 */
#include "swmmu_internal.h"

static bool swmmu_bits_in(u64 val, u64 mask)
{
	return !(val & ~mask);
}

static int swmmu_level_validate(const struct swmmu_format *f, unsigned int lvl)
{
	const struct swmmu_level *l = &f->level[lvl];
	unsigned int items_lg2 = l->index_bits, mt;

	if (!l->index_bits || l->index_bits > 16 || l->shift >= 64)
		return -EINVAL;
	if (l->entry_lg2 && (!(f->flags & SWMMU_FMT_LEVEL_ENTRY) || f->entry_lg2 < 3 ||
			     (l->entry_lg2 != 3 && l->entry_lg2 != 4)))
		return -EINVAL;
	if (pt_table_lg2(f, lvl) < 4 || l->table_align_lg2 < f->oa_lo || l->table_align_lg2 > 30)
		return -EINVAL;
	if (!(l->flags & (SWMMU_LVL_LEAF | SWMMU_LVL_TABLE)) || (l->flags & ~SWMMU_LVL_ALL))
		return -EINVAL;
	if (!(l->flags & SWMMU_LVL_OWN_PERM) &&
	    (l->leaf_perm.implied | pt_perm_mask(&l->leaf_perm)))
		return -EINVAL;
	/* A level's own encoding is for leaves and expresses something (it prints as text). */
	if ((l->flags & SWMMU_LVL_OWN_PERM) &&
	    (!(l->flags & SWMMU_LVL_LEAF) || (l->leaf_perm.implied & ~SWMMU_PROT_PERMS) ||
	     !(l->leaf_perm.implied | pt_perm_mask(&l->leaf_perm))))
		return -EINVAL;
	if (lvl == 1 && pt_dual(f)) {
		/* Level 1 under a dual directory holds only leaves and tiles level 2, not level 0. */
		if ((l->flags & ~SWMMU_LVL_OWN_PERM) != SWMMU_LVL_LEAF || l->contig ||
		    l->shift <= f->level[0].shift)
			return -EINVAL;
	} else if (lvl == 0 ? (l->flags & ~SWMMU_LVL_OWN_PERM) != SWMMU_LVL_LEAF :
			      !(l->flags & SWMMU_LVL_TABLE)) {
		return -EINVAL;
	} else if (lvl && l->shift != f->level[lvl - 1].shift + f->level[lvl - 1].index_bits) {
		return -EINVAL;
	}
	/* A dual directory: level 2, 16-byte items, level 0 tiling it too, no contiguous leaves. */
	if ((l->flags & SWMMU_LVL_DUAL) &&
	    (lvl != 2 || pt_esz(f, 2) != 4 || f->level[0].contig ||
	     f->level[0].shift + f->level[0].index_bits != l->shift))
		return -EINVAL;
	if (!swmmu_bits_in(l->leaf_val, l->leaf_mask) || !swmmu_bits_in(l->table_val, l->table_mask))
		return -EINVAL;
	/* Table entries must be present, by a present bit or (TABLE_ADDR) by their address. */
	if ((l->flags & SWMMU_LVL_TABLE) && !(f->flags & SWMMU_FMT_TABLE_ADDR) &&
	    !((l->table_val | f->table_set) & f->present))
		return -EINVAL;
	if ((l->flags & SWMMU_LVL_LEAF) && l->shift < f->oa_lo)
		return -EINVAL;
	if (l->contig & 1 || (l->contig && (!(l->flags & SWMMU_LVL_LEAF) || !f->contig_kind)))
		return -EINVAL;
	if (l->contig && 31 - __builtin_clz(l->contig) > (int)items_lg2)
		return -EINVAL;
	if (f->contig_kind == SWMMU_CONTIG_HINT && l->contig & (l->contig - 1))
		return -EINVAL;
	if (l->contig && l->shift + 31 - __builtin_clz(l->contig) >= 64)
		return -EINVAL;
	for (mt = 0; mt < SWMMU_MT_NR; mt++)
		if (!swmmu_bits_in(l->mt[mt], l->mt_mask))
			return -EINVAL;
	return 0;
}

/**
 * swmmu_format_validate() - check that a descriptor is consistent
 * @f: the descriptor
 *
 * Checks ranges of every field, that levels tile the VA space exactly (each level's shift is the
 * one below plus its index bits, the root covers va_bits), that level 0 holds only leaves and
 * every higher level may point at tables, that type values lie inside their masks, that table
 * entries are present, and the contiguous-entry and memory-type encodings.
 *
 * Context: any.
 * Return: 0 if valid, -EINVAL otherwise.
 */
int swmmu_format_validate(const struct swmmu_format *f)
{
	unsigned int lvl, top, ebits;
	int ret;

	if (!f || !f->name[0] || !memchr(f->name, 0, SWMMU_NAME_MAX))
		return -EINVAL;
	if (!f->nr_levels || f->nr_levels > SWMMU_MAX_LEVELS)
		return -EINVAL;
	if (f->entry_lg2 < 2 || f->entry_lg2 > 4)
		return -EINVAL;
	ebits = f->entry_lg2 == 2 ? 32 : 64;
	if (!f->va_bits || f->va_bits > 64 || !f->oa_bits || f->oa_bits > 64)
		return -EINVAL;
	if (!f->oa_width || f->oa_pte_lo + f->oa_width > ebits || f->oa_lo + f->oa_width > 64)
		return -EINVAL;
	if (f->flags & ~SWMMU_FMT_ALL || !f->mt_valid || f->mt_valid & ~0xfu)
		return -EINVAL;
	if (!f->need_any || f->need_any & ~SWMMU_PROT_PERMS || !f->present)
		return -EINVAL;
	if (ebits == 32 && (f->present | f->leaf_set | f->table_set | f->accessed | f->dirty |
			    f->contig_mask | f->null_mask) >> 32)
		return -EINVAL;
	if (f->contig_kind >= SWMMU_CONTIG_NR ||
	    (f->contig_kind && !f->contig_mask) || !swmmu_bits_in(f->contig_val, f->contig_mask))
		return -EINVAL;
	if (!swmmu_bits_in(f->null_val, f->null_mask) || (f->null_mask && !f->null_val))
		return -EINVAL;
	if (f->ext_leaf || f->ext_table) {
		/* Only meaningful with a 16-byte level that is not a dual directory. */
		for (lvl = 0; lvl < f->nr_levels; lvl++)
			if (pt_has_ext(f, lvl))
				break;
		if (lvl == f->nr_levels)
			return -EINVAL;
	}
	if ((f->leaf_perm.implied | f->table_perm.implied) & ~SWMMU_PROT_PERMS)
		return -EINVAL;
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		ret = swmmu_level_validate(f, lvl);
		if (ret)
			return ret;
	}
	top = f->nr_levels - 1u;
	if (f->level[top].shift + f->level[top].index_bits != f->va_bits)
		return -EINVAL;
	return 0;
}

static bool swmmu_perm_equal(const struct swmmu_perm_enc *a, const struct swmmu_perm_enc *b)
{
	unsigned int p;

	for (p = 0; p < SWMMU_NR_PERMS; p++)
		if (a->set[p] != b->set[p] || a->clr[p] != b->clr[p])
			return false;
	return a->implied == b->implied;
}

static bool swmmu_level_equal(const struct swmmu_level *a, const struct swmmu_level *b)
{
	unsigned int mt;

	for (mt = 0; mt < SWMMU_MT_NR; mt++)
		if (a->mt[mt] != b->mt[mt])
			return false;
	return swmmu_perm_equal(&a->leaf_perm, &b->leaf_perm) && a->shift == b->shift &&
	       a->index_bits == b->index_bits && a->entry_lg2 == b->entry_lg2 &&
	       a->table_align_lg2 == b->table_align_lg2 && a->flags == b->flags &&
	       a->contig == b->contig && a->leaf_mask == b->leaf_mask &&
	       a->leaf_val == b->leaf_val && a->table_mask == b->table_mask &&
	       a->table_val == b->table_val && a->mt_mask == b->mt_mask;
}

/**
 * swmmu_format_equal() - compare two descriptors field by field
 * @a: first descriptor
 * @b: second descriptor
 *
 * Every field that the text description carries is compared (not the engine instance pointer);
 * levels beyond nr_levels are ignored.
 *
 * Context: any.
 * Return: true if they describe the same format.
 */
bool swmmu_format_equal(const struct swmmu_format *a, const struct swmmu_format *b)
{
	unsigned int lvl;

	if (strncmp(a->name, b->name, SWMMU_NAME_MAX) || a->nr_levels != b->nr_levels)
		return false;
	for (lvl = 0; lvl < a->nr_levels && lvl < SWMMU_MAX_LEVELS; lvl++)
		if (!swmmu_level_equal(&a->level[lvl], &b->level[lvl]))
			return false;
	return a->entry_lg2 == b->entry_lg2 && a->va_bits == b->va_bits &&
	       a->oa_bits == b->oa_bits && a->oa_lo == b->oa_lo && a->oa_pte_lo == b->oa_pte_lo &&
	       a->oa_width == b->oa_width && a->contig_kind == b->contig_kind &&
	       a->flags == b->flags && a->mt_valid == b->mt_valid && a->need_any == b->need_any &&
	       a->present == b->present && a->leaf_set == b->leaf_set &&
	       a->table_set == b->table_set && a->accessed == b->accessed &&
	       a->dirty == b->dirty && a->contig_mask == b->contig_mask &&
	       a->contig_val == b->contig_val && a->null_mask == b->null_mask &&
	       a->null_val == b->null_val && a->ext_leaf == b->ext_leaf &&
	       a->ext_table == b->ext_table && swmmu_perm_equal(&a->leaf_perm, &b->leaf_perm) &&
	       swmmu_perm_equal(&a->table_perm, &b->table_perm);
}

/**
 * swmmu_format_pgsizes() - page sizes a format can map
 * @f: a valid descriptor
 *
 * Context: any.
 * Return: bitmap with bit n set if a leaf entry of 2^n bytes exists (single or contiguous).
 */
u64 swmmu_format_pgsizes(const struct swmmu_format *f)
{
	u64 sizes = 0;
	unsigned int lvl, k;

	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		const struct swmmu_level *l = &f->level[lvl];

		if (!(l->flags & SWMMU_LVL_LEAF))
			continue;
		sizes |= pt_bit(l->shift);
		for (k = 1; k < 32; k++)
			if (l->contig & (1u << k))
				sizes |= pt_bit(l->shift + k);
	}
	return sizes;
}

/**
 * swmmu_format_va_size_last() - last byte of the internal VA space
 * @f: a valid descriptor
 *
 * Context: any.
 * Return: 2^va_bits - 1 (for sign-extended formats, VAs are the two halves around this space).
 */
u64 swmmu_format_va_size_last(const struct swmmu_format *f)
{
	return pt_ia_last(f);
}

/* Equal descriptors apart from the name and the engine instance. */
static bool swmmu_format_same_geometry(const struct swmmu_format *a, const struct swmmu_format *b)
{
	struct swmmu_format t = *b;

	memcpy(t.name, a->name, SWMMU_NAME_MAX);
	return swmmu_format_equal(a, &t);
}

/**
 * swmmu_format_derive() - a format with a smaller VA size
 * @f: the format
 * @va_bits: the VA size wanted (at most @f->va_bits)
 * @out: the derived format (keeps @f's name)
 *
 * The levels above the one that covers @va_bits are dropped and that level's table shrinks (what
 * AArch64 TnSZ or a smaller VT-d AGAW does). Sign-extended formats keep their size: their
 * canonical form depends on it. If a built-in format has the derived geometry (e.g. "vtd-ss-39"
 * for vtd-ss at 39 bits), its specialised engine serves the derived format; otherwise the
 * generic engine does.
 *
 * Context: any.
 * Return: 0, -EOPNOTSUPP for a sign-extended format, -EINVAL if no valid format has that size.
 */
int swmmu_format_derive(const struct swmmu_format *f, unsigned int va_bits,
			struct swmmu_format *out)
{
	unsigned int n, i;

	if (swmmu_format_validate(f))
		return -EINVAL;
	if (va_bits == f->va_bits) {
		*out = *f;
		return 0;
	}
	if (f->flags & SWMMU_FMT_SIGN_EXTEND)
		return -EOPNOTSUPP;
	if (!va_bits || va_bits > f->va_bits)
		return -EINVAL;
	for (n = 1; n <= f->nr_levels; n++)
		if (va_bits <= f->level[n - 1].shift + f->level[n - 1].index_bits)
			break;
	if (n > f->nr_levels || va_bits <= f->level[n - 1].shift)
		return -EINVAL;
	*out = *f;
	out->nr_levels = (u8)n;
	out->va_bits = (u8)va_bits;
	out->level[n - 1].index_bits = (u8)(va_bits - f->level[n - 1].shift);
	memset(&out->level[n], 0, sizeof(out->level[0]) * (SWMMU_MAX_LEVELS - n));
	/* The specialised engine instance of @f assumes its geometry. */
	out->ops = NULL;
	if (swmmu_format_validate(out))
		return -EINVAL;
	for (i = 0; i < swmmu_format_count(); i++) {
		const struct swmmu_format *b = swmmu_format_get(i);

		if (b->ops && swmmu_format_same_geometry(out, b)) {
			out->ops = b->ops;
			break;
		}
	}
	return 0;
}

/**
 * swmmu_format_va_ok() - is a VA inside a format's VA space?
 * @f: a valid descriptor
 * @va: the VA (canonical, i.e. sign-extended, for SWMMU_FMT_SIGN_EXTEND formats)
 *
 * Context: any.
 * Return: true if @va can be translated by an address space of @f.
 */
bool swmmu_format_va_ok(const struct swmmu_format *f, u64 va)
{
	u64 ia;

	return pt_va_to_ia(f, va, &ia);
}

/**
 * swmmu_format_range() - check a (va, len) range against a format
 * @f: a valid descriptor
 * @va: first VA
 * @len: bytes
 * @last: set to the last VA of the range (va + len - 1) when the range is valid
 *
 * The same check every range operation of the library makes first: both ends inside the VA
 * space and, for sign-extended formats, in the same half (not across the non-canonical hole).
 * A range may end exactly at the top of the 64-bit address space.
 *
 * Context: any.
 * Return: 0, -EINVAL for @len 0, -EOVERFLOW if va + len - 1 wraps, -ERANGE outside the format.
 */
int swmmu_format_range(const struct swmmu_format *f, u64 va, u64 len, u64 *last)
{
	u64 start, ilast;
	int ret;

	if (!len)
		return -EINVAL;
	if (va + (len - 1) < va)
		return -EOVERFLOW;
	ret = pt_range(f, va, len, &start, &ilast);
	if (ret)
		return ret;
	*last = va + (len - 1);
	return 0;
}
