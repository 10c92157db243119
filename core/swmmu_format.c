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

/* Record what is wrong (if @err) and fail. */
static int swmmu_bad(struct swmmu_format_error *err, int lvl, const char *stmt, const char *why)
{
	if (err) {
		err->level = lvl;
		err->stmt = stmt;
		err->why = why;
	}
	return -EINVAL;
}

/*
 * The entry bits of the output-address field that can hold a 1 for an address aligned to
 * 2^@align_lg2: the field's bits below that alignment always read 0, so encodings may use them.
 */
static u64 swmmu_oa_live_bits(const struct swmmu_format *f, unsigned int align_lg2)
{
	unsigned int lo = align_lg2 > f->oa_lo ? align_lg2 : f->oa_lo;
	unsigned int hi = f->oa_bits < f->oa_lo + f->oa_width ? f->oa_bits :
								 f->oa_lo + f->oa_width;

	if (lo >= hi)
		return 0;
	return pt_lowmask(hi - f->oa_lo + f->oa_pte_lo) & ~pt_lowmask(lo - f->oa_lo + f->oa_pte_lo);
}

/*
 * No bit the engine writes or tests beside an address may fall where that address can have a
 * 1: the entry would point elsewhere (a table entry at memory that is not the table), or read as
 * another kind. Leaves of a level are aligned to its size, tables to their table alignment. The
 * present bits are left out: every leaf and table value holds one of them already, so an address
 * bit among them cannot turn an entry into a hole (nv-gp100 counts PRIV, bit 5, as present).
 */
static int swmmu_level_overlap_check(const struct swmmu_format *f, unsigned int lvl,
				     struct swmmu_format_error *err)
{
	const struct swmmu_level *l = &f->level[lvl];
	u64 enc;

	if (l->flags & SWMMU_LVL_LEAF) {
		enc = pt_perm_mask(pt_lperm(f, lvl)) | l->leaf_mask | l->mt_mask | f->leaf_set |
		      f->accessed | f->dirty | f->null_mask | (l->contig ? f->contig_mask : 0);
		if (enc & swmmu_oa_live_bits(f, l->shift))
			return swmmu_bad(err, (int)lvl, "level",
					 "a leaf encoding bit is an address bit");
	}
	if (lvl && (l->flags & SWMMU_LVL_TABLE)) {
		enc = pt_perm_mask(&f->table_perm) | l->table_mask | f->table_set;
		if (enc & swmmu_oa_live_bits(f, f->level[lvl - 1].table_align_lg2))
			return swmmu_bad(err, (int)lvl, "level",
					 "a table-entry encoding bit is an address bit");
	}
	return 0;
}

static int swmmu_level_check(const struct swmmu_format *f, unsigned int lvl,
			     struct swmmu_format_error *err)
{
	const struct swmmu_level *l = &f->level[lvl];
	unsigned int items_lg2 = l->index_bits, mt;
	int L = (int)lvl;

	if (!l->index_bits || l->index_bits > 16)
		return swmmu_bad(err, L, "level", "bits must be 1 to 16");
	if (l->shift >= 64)
		return swmmu_bad(err, L, "level", "shift must be below 64");
	if (l->entry_lg2 && (!(f->flags & SWMMU_FMT_LEVEL_ENTRY) || f->entry_lg2 < 3 ||
			     (l->entry_lg2 != 3 && l->entry_lg2 != 4)))
		return swmmu_bad(err, L, "level",
				 "entry-bytes needs 8 or 16 and a format of 8- or 16-byte items");
	if (pt_table_lg2(f, lvl) < 4)
		return swmmu_bad(err, L, "level", "a table must be at least 16 bytes");
	if (l->table_align_lg2 < f->oa_lo)
		return swmmu_bad(err, L, "level", "align is below the lowest OA bit (oa-field)");
	if (l->table_align_lg2 > 30)
		return swmmu_bad(err, L, "level", "align must be 30 or less");
	if (!(l->flags & (SWMMU_LVL_LEAF | SWMMU_LVL_TABLE)) || (l->flags & ~SWMMU_LVL_ALL))
		return swmmu_bad(err, L, "level", "needs leaf MASK VAL or table MASK VAL");
	if (!(l->flags & SWMMU_LVL_OWN_PERM) &&
	    (l->leaf_perm.implied | pt_perm_mask(&l->leaf_perm)))
		return swmmu_bad(err, L, "level-perm", "a level's own encoding without the flag");
	/* A level's own encoding is for leaves and expresses something (it prints as text). */
	if ((l->flags & SWMMU_LVL_OWN_PERM) && !(l->flags & SWMMU_LVL_LEAF))
		return swmmu_bad(err, L, "level-perm", "the level holds no leaves");
	if ((l->flags & SWMMU_LVL_OWN_PERM) &&
	    ((l->leaf_perm.implied & ~SWMMU_PROT_PERMS) ||
	     !(l->leaf_perm.implied | pt_perm_mask(&l->leaf_perm))))
		return swmmu_bad(err, L, "level-perm", "encodes nothing (give set, clr or implied)");
	if (lvl == 1 && pt_dual(f)) {
		/* Level 1 under a dual directory holds only leaves and tiles level 2, not level 0. */
		if ((l->flags & ~SWMMU_LVL_OWN_PERM) != SWMMU_LVL_LEAF || l->contig)
			return swmmu_bad(err, L, "level",
					 "under a dual directory: leaves only, no contig");
		if (l->shift <= f->level[0].shift)
			return swmmu_bad(err, L, "level",
					 "under a dual directory: shift must be above level 0's");
	} else if (lvl == 0 && (l->flags & ~SWMMU_LVL_OWN_PERM) != SWMMU_LVL_LEAF) {
		return swmmu_bad(err, L, "level", "level 0 holds leaves only (no table)");
	} else if (lvl && !(l->flags & SWMMU_LVL_TABLE)) {
		return swmmu_bad(err, L, "level", "levels above 0 need table MASK VAL");
	} else if (lvl && l->shift != f->level[lvl - 1].shift + f->level[lvl - 1].index_bits) {
		return swmmu_bad(err, L, "level",
				 "shift must be the shift plus the bits of the level below");
	}
	/* A dual directory: level 2, 16-byte items, level 0 tiling it too, no contiguous leaves. */
	if ((l->flags & SWMMU_LVL_DUAL) && (lvl != 2 || pt_esz(f, 2) != 4))
		return swmmu_bad(err, L, "level", "dual: level 2 only, with entry-bytes 16");
	if ((l->flags & SWMMU_LVL_DUAL) &&
	    (f->level[0].contig || f->level[0].shift + f->level[0].index_bits != l->shift))
		return swmmu_bad(err, L, "level",
				 "dual: level 0 must tile it (shift + bits) without contig");
	if (!swmmu_bits_in(l->leaf_val, l->leaf_mask))
		return swmmu_bad(err, L, "level", "leaf VAL has bits outside its MASK");
	if (!swmmu_bits_in(l->table_val, l->table_mask))
		return swmmu_bad(err, L, "level", "table VAL has bits outside its MASK");
	/* Table entries must be present, by a present bit or (TABLE_ADDR) by their address. */
	if ((l->flags & SWMMU_LVL_TABLE) && !(f->flags & SWMMU_FMT_TABLE_ADDR) &&
	    !((l->table_val | f->table_set) & f->present))
		return swmmu_bad(err, L, "level",
				 "table entries would not be present (table VAL, table-set)");
	if ((l->flags & SWMMU_LVL_LEAF) && l->shift < f->oa_lo)
		return swmmu_bad(err, L, "level", "leaves below the lowest OA bit (oa-field)");
	if (l->contig & 1)
		return swmmu_bad(err, L, "level", "contig bit 0 is not a contiguous size");
	if (l->contig && !(l->flags & SWMMU_LVL_LEAF))
		return swmmu_bad(err, L, "level", "contig on a level without leaves");
	if (l->contig && !f->contig_kind)
		return swmmu_bad(err, L, "level", "contig needs a contig statement (not none)");
	if (l->contig && 31 - __builtin_clz(l->contig) > (int)items_lg2)
		return swmmu_bad(err, L, "level", "contig larger than a table");
	if (f->contig_kind == SWMMU_CONTIG_HINT && l->contig & (l->contig - 1))
		return swmmu_bad(err, L, "level", "contig hint allows one size only");
	if (l->contig && l->shift + 31 - __builtin_clz(l->contig) >= 64)
		return swmmu_bad(err, L, "level", "contig size past 64 bits");
	for (mt = 0; mt < SWMMU_MT_NR; mt++)
		if (!swmmu_bits_in(l->mt[mt], l->mt_mask))
			return swmmu_bad(err, L, "level", "mt value has bits outside mt-mask");
	return swmmu_level_overlap_check(f, lvl, err);
}

/**
 * swmmu_format_check() - check that a descriptor is consistent, and say why not
 * @f: the descriptor
 * @err: if not NULL, on failure: the level and statement concerned and what is wrong
 *
 * Checks ranges of every field, that levels tile the VA space exactly (each level's shift is the
 * one below plus its index bits, the root covers va_bits), that level 0 holds only leaves and
 * every higher level may point at tables, that type values lie inside their masks, that table
 * entries are present, the contiguous-entry and memory-type encodings, and that no bit written
 * beside an address is one of that address's bits (a run-time format from userspace must not
 * make the engine follow a table entry to memory that is not the table).
 *
 * Context: any.
 * Return: 0 if valid, -EINVAL otherwise.
 */
__cold int swmmu_format_check(const struct swmmu_format *f, struct swmmu_format_error *err)
{
	unsigned int lvl, top, ebits;
	int ret;

	if (err) {
		memset(err, 0, sizeof(*err));
		err->level = -1;
	}
	if (!f || !f->name[0] || !memchr(f->name, 0, SWMMU_NAME_MAX))
		return swmmu_bad(err, -1, "name", "a name of 1 to 31 characters is needed");
	if (!f->nr_levels || f->nr_levels > SWMMU_MAX_LEVELS)
		return swmmu_bad(err, -1, "levels", "levels must be 1 to 6");
	if (f->entry_lg2 < 2 || f->entry_lg2 > 4)
		return swmmu_bad(err, -1, "entry-bytes", "entry-bytes must be 4, 8 or 16");
	ebits = f->entry_lg2 == 2 ? 32 : 64;
	if (!f->va_bits || f->va_bits > 64)
		return swmmu_bad(err, -1, "va-bits", "va-bits must be 1 to 64");
	if (!f->oa_bits || f->oa_bits > 64)
		return swmmu_bad(err, -1, "oa-bits", "oa-bits must be 1 to 64");
	if (!f->oa_width)
		return swmmu_bad(err, -1, "oa-field", "WIDTH must not be 0");
	if (f->oa_pte_lo + f->oa_width > ebits)
		return swmmu_bad(err, -1, "oa-field", "the field goes past the entry (PTE_LO + WIDTH)");
	if (f->oa_lo + f->oa_width > 64)
		return swmmu_bad(err, -1, "oa-field", "OA_LO + WIDTH goes past bit 63");
	if (f->flags & ~SWMMU_FMT_ALL)
		return swmmu_bad(err, -1, "flags", "unknown flag");
	if (!f->mt_valid || f->mt_valid & ~0xfu)
		return swmmu_bad(err, -1, "memtypes", "at least one memory type is needed");
	if (!f->need_any || f->need_any & ~SWMMU_PROT_PERMS)
		return swmmu_bad(err, -1, "need-any", "at least one of rwxug is needed");
	if (!f->present)
		return swmmu_bad(err, -1, "present", "a present bit is needed (non-zero BITS)");
	if (ebits == 32 && (f->present | f->leaf_set | f->table_set | f->accessed | f->dirty |
			    f->contig_mask | f->null_mask) >> 32)
		return swmmu_bad(err, -1, "entry-bytes", "4-byte entries: a bit above 31 is used");
	if (f->contig_kind >= SWMMU_CONTIG_NR ||
	    (f->contig_kind && !f->contig_mask) || !swmmu_bits_in(f->contig_val, f->contig_mask))
		return swmmu_bad(err, -1, "contig", "MASK must be non-zero and contain VAL");
	if (!swmmu_bits_in(f->null_val, f->null_mask) || (f->null_mask && !f->null_val))
		return swmmu_bad(err, -1, "null", "VAL must be non-zero and inside MASK");
	if (f->ext_leaf || f->ext_table) {
		/* Only meaningful with a 16-byte level that is not a dual directory. */
		for (lvl = 0; lvl < f->nr_levels; lvl++)
			if (pt_has_ext(f, lvl))
				break;
		if (lvl == f->nr_levels)
			return swmmu_bad(err, -1, "ext",
					 "no level has 16-byte items (that is not dual)");
	}
	if (f->leaf_perm.implied & ~SWMMU_PROT_PERMS)
		return swmmu_bad(err, -1, "leaf-perm", "unknown permission");
	if (f->table_perm.implied & ~SWMMU_PROT_PERMS)
		return swmmu_bad(err, -1, "table-perm", "unknown permission");
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		ret = swmmu_level_check(f, lvl, err);
		if (ret)
			return ret;
	}
	top = f->nr_levels - 1u;
	if (f->level[top].shift + f->level[top].index_bits != f->va_bits)
		return swmmu_bad(err, -1, "va-bits",
				 "the top level's shift plus bits must equal va-bits");
	return 0;
}

/**
 * swmmu_format_validate() - check that a descriptor is consistent
 * @f: the descriptor
 *
 * swmmu_format_check() without the reason.
 *
 * Context: any.
 * Return: 0 if valid, -EINVAL otherwise.
 */
__cold int swmmu_format_validate(const struct swmmu_format *f)
{
	return swmmu_format_check(f, NULL);
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
__cold bool swmmu_format_equal(const struct swmmu_format *a, const struct swmmu_format *b)
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
SWMMU_EXPORT(swmmu_format_pgsizes);

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

/**
 * swmmu_format_derive() - a format with a smaller VA size
 * @f: the format
 * @va_bits: the VA size wanted (at most @f->va_bits)
 * @out: the derived format (keeps @f's name)
 *
 * The levels above the one that covers @va_bits are dropped and that level's table shrinks (what
 * AArch64 TnSZ or a smaller VT-d AGAW does). Sign-extended formats keep their size: their
 * canonical form depends on it. When the new top level is whole (e.g. vtd-ss at 39 bits, the
 * geometry of "vtd-ss-39"), @f's specialised engine instance serves the derived format: an
 * instance takes the VA width from its address space. A shrunk top level runs on the generic
 * engine.
 *
 * Context: any.
 * Return: 0, -EOPNOTSUPP for a sign-extended format, -EINVAL if no valid format has that size.
 */
__cold int swmmu_format_derive(const struct swmmu_format *f, unsigned int va_bits,
			struct swmmu_format *out)
{
	unsigned int n;

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
	if (out->level[n - 1].index_bits != f->level[n - 1].index_bits)
		out->ops = NULL;
	if (swmmu_format_validate(out))
		return -EINVAL;
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
