/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu internal primitives shared by the engine instances and the slow-path operations:
 * item load/store/compare-and-swap, classification, output-address and permission encoding,
 * VA range checks, table allocation and the gather. Every helper takes the format first so that an
 * engine instance compiled over a constant descriptor folds them (see swmmu_engine.h).
 */
#ifndef SWMMU_INTERNAL_H
#define SWMMU_INTERNAL_H

#include "swmmu_platform.h"
#include "swmmu_format.h"
#include "swmmu_pt.h"

/* Arguments of one map call, shared by the contiguous and the scatter variant. */
struct swmmu_map_req {
	u64 va;
	const struct swmmu_seg *segs;
	unsigned int nr_segs;
	u32 prot;
	const struct swmmu_map_opts *opts;
};

/*
 * Specialised per-format entry points (the hot operations). The public functions in swmmu_pt.c
 * dispatch to fmt->ops, or to swmmu_generic_ops for run-time formats.
 */
struct swmmu_pt_ops {
	int (*map)(struct swmmu_as *as, const struct swmmu_map_req *req);
	int (*map1)(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot);
	int (*unmap)(struct swmmu_as *as, u64 va, u64 len, u32 flags, struct swmmu_gather *g,
		     u64 *unmapped);
	int (*protect)(struct swmmu_as *as, u64 va, u64 len, u32 prot, u32 flags,
		       struct swmmu_gather *g);
	int (*query)(const struct swmmu_as *as, u64 va, struct swmmu_xlate *out);
	int (*query_pa)(const struct swmmu_as *as, u64 va, u64 *pa);
	int (*translate)(struct swmmu_as *as, u64 va, u32 access, bool set_ad,
			 struct swmmu_xlate *out);
};

extern const struct swmmu_pt_ops swmmu_generic_ops;

/*
 * The engine's helpers are inlined whole into every specialised instance (the files that include
 * swmmu_engine.h with a constant descriptor: SWMMU_ENGINE_HOT), where they fold away, and loops
 * over levels, permissions and memory types have constant trip counts there, so unrolling them
 * ("#pragma GCC unroll PT_UNROLL": the pragma takes a constant expression, hence an enum) lets
 * every descriptor read fold to a constant. Everywhere else the descriptor is read at run time
 * (the cold paths in core/swmmu_generic.c, the walkers in core/swmmu_walk.c and
 * core/swmmu_hwwalk.c): folding gains nothing there, so the compiler chooses what to inline and
 * nothing is unrolled, which keeps each of those single copies small.
 */
#ifdef SWMMU_ENGINE_HOT
#define pt_inline	__always_inline
enum { PT_UNROLL = 8 };
#else
#define pt_inline	inline
enum { PT_UNROLL = 1 };
#endif

static pt_inline u64 pt_bit(unsigned int n)
{
	return n >= 64 ? 0 : 1ULL << n;
}

/* Mask of the low n bits, n in 0..64. */
static pt_inline u64 pt_lowmask(unsigned int n)
{
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* lg2 of the item size of a level (SWMMU_FMT_LEVEL_ENTRY: the level may override the format's). */
static pt_inline unsigned int pt_esz(const struct swmmu_format *f, unsigned int lvl)
{
	if ((f->flags & SWMMU_FMT_LEVEL_ENTRY) && f->level[lvl].entry_lg2)
		return f->level[lvl].entry_lg2;
	return f->entry_lg2;
}

/* True if level 2 is a dual directory (SWMMU_LVL_DUAL; see swmmu_format.h). */
static pt_inline bool pt_dual(const struct swmmu_format *f)
{
	return f->nr_levels > 2 && (f->level[2].flags & SWMMU_LVL_DUAL);
}

static pt_inline bool pt_is_dual(const struct swmmu_format *f, unsigned int lvl)
{
	return pt_dual(f) && lvl == 2;
}

/* True if a 16-byte item of this level carries the constant second word ext_leaf/ext_table. */
static pt_inline bool pt_has_ext(const struct swmmu_format *f, unsigned int lvl)
{
	return pt_esz(f, lvl) == 4 && !pt_is_dual(f, lvl);
}

static pt_inline unsigned int pt_table_lg2(const struct swmmu_format *f, unsigned int lvl)
{
	return f->level[lvl].index_bits + pt_esz(f, lvl);
}

static pt_inline unsigned int pt_index(const struct swmmu_format *f, unsigned int lvl, u64 ia)
{
	const struct swmmu_level *l = &f->level[lvl];

	return (unsigned int)((ia >> l->shift) & pt_lowmask(l->index_bits));
}

/* Last internal (non-sign-extended) address of the VA space. */
static inline u64 pt_ia_last(const struct swmmu_format *f)
{
	return pt_lowmask(f->va_bits);
}

/*
 * Canonical VA -> internal address in an address space's own VA width, with one add and one
 * compare (struct swmmu_as.va_bias): the check of the hot paths. False outside the format.
 */
static pt_inline bool pt_as_va_to_ia(const struct swmmu_as *as, u64 va, u64 *ia)
{
	if (va + as->va_bias > as->va_mask)
		return false;
	*ia = va & as->va_mask;
	return true;
}

/* Internal address -> canonical VA. */
static pt_inline u64 pt_canon(const struct swmmu_format *f, u64 ia)
{
	if ((f->flags & SWMMU_FMT_SIGN_EXTEND) && f->va_bits < 64 && (ia >> (f->va_bits - 1)) & 1)
		return ia | ~pt_lowmask(f->va_bits);
	return ia;
}

/* Canonical VA -> internal address; false if the VA is outside the format. */
static pt_inline bool pt_va_to_ia(const struct swmmu_format *f, u64 va, u64 *ia)
{
	u64 top;

	if (f->va_bits >= 64) {
		*ia = va;
		return true;
	}
	top = va >> (f->va_bits - 1);
	if (f->flags & SWMMU_FMT_SIGN_EXTEND) {
		if (top != 0 && top != (~0ULL >> (f->va_bits - 1)))
			return false;
	} else if (va >> f->va_bits) {
		return false;
	}
	*ia = va & pt_lowmask(f->va_bits);
	return true;
}

/*
 * Check a (va, len) range: -EINVAL for len 0, -EOVERFLOW past 2^64 - 1, -ERANGE outside the
 * format or across the hole.
 */
static pt_inline int pt_range(const struct swmmu_format *f, u64 va, u64 len, u64 *start, u64 *last)
{
	u64 vlast = va + (len - 1);

	if (!len)
		return -EINVAL;
	if (vlast < va)
		return -EOVERFLOW;
	if (!pt_va_to_ia(f, va, start) || !pt_va_to_ia(f, vlast, last) || *last < *start)
		return -ERANGE;
	/* Both ends canonical but in different halves: the range crosses the hole. */
	if ((f->flags & SWMMU_FMT_SIGN_EXTEND) && f->va_bits < 64 && ((va ^ vlast) >> 63))
		return -ERANGE;
	return 0;
}

/* Item access: values are 64-bit in CPU byte order. */
static pt_inline u64 pt_load(const struct swmmu_format *f, unsigned int lvl, const void *tbl,
				   unsigned int i)
{
	u64 v;

	if (f->entry_lg2 == 2) {
		u32 w = READ_ONCE(((const u32 *)tbl)[i]);

		v = (f->flags & SWMMU_FMT_BIG_ENDIAN) ? swab32(w) : w;
	} else {
		v = READ_ONCE(((const u64 *)tbl)[(size_t)i << (pt_esz(f, lvl) - 3)]);
		if (f->flags & SWMMU_FMT_BIG_ENDIAN)
			v = swab64(v);
	}
	return v;
}

static pt_inline u64 pt_to_mem(const struct swmmu_format *f, u64 v)
{
	if (f->flags & SWMMU_FMT_BIG_ENDIAN)
		return f->entry_lg2 == 2 ? swab32((u32)v) : swab64(v);
	return v;
}

/* The second word of a 16-byte item. */
static pt_inline u64 pt_load2(const struct swmmu_format *f, const void *tbl, unsigned int i)
{
	u64 v = READ_ONCE(((const u64 *)tbl)[(size_t)i * 2 + 1]);

	return (f->flags & SWMMU_FMT_BIG_ENDIAN) ? swab64(v) : v;
}

/* Store the second word of a 16-byte item (before its primary word is published). */
static inline void pt_store_ext(const struct swmmu_format *f, void *tbl, unsigned int i, u64 ext)
{
	WRITE_ONCE(((u64 *)tbl)[(size_t)i * 2 + 1], pt_to_mem(f, ext));
}

static pt_inline void pt_store(const struct swmmu_format *f, unsigned int lvl, void *tbl,
				     unsigned int i, u64 v)
{
	if (f->entry_lg2 == 2)
		WRITE_ONCE(((u32 *)tbl)[i], (u32)pt_to_mem(f, v));
	else
		WRITE_ONCE(((u64 *)tbl)[(size_t)i << (pt_esz(f, lvl) - 3)], pt_to_mem(f, v));
}

static pt_inline void pt_clear(const struct swmmu_format *f, unsigned int lvl, void *tbl,
				     unsigned int idx)
{
	pt_store(f, lvl, tbl, idx, 0);
	if (pt_esz(f, lvl) == 4)
		pt_store_ext(f, tbl, idx, 0);
}

/* Compare-and-swap of one item (primary word); true on success. */
static pt_inline bool pt_cas(const struct swmmu_format *f, unsigned int lvl, void *tbl,
				   unsigned int i, u64 old, u64 new)
{
	if (f->entry_lg2 == 2) {
		u32 *p = &((u32 *)tbl)[i];
		u32 o = (u32)pt_to_mem(f, old);

		return swmmu_cmpxchg(p, o, (u32)pt_to_mem(f, new)) == o;
	}
	{
		u64 *p = &((u64 *)tbl)[(size_t)i << (pt_esz(f, lvl) - 3)];
		u64 o = pt_to_mem(f, old);

		return swmmu_cmpxchg(p, o, pt_to_mem(f, new)) == o;
	}
}

/* Compare-and-swap of the second word of a 16-byte item; true on success. */
static pt_inline bool pt_cas2(const struct swmmu_format *f, void *tbl, unsigned int i,
				    u64 old, u64 new)
{
	u64 *p = &((u64 *)tbl)[(size_t)i * 2 + 1];
	u64 o = pt_to_mem(f, old);

	return swmmu_cmpxchg(p, o, pt_to_mem(f, new)) == o;
}

static pt_inline bool pt_is_null(const struct swmmu_format *f, unsigned int lvl, u64 pte)
{
	return f->null_mask && (f->level[lvl].flags & SWMMU_LVL_LEAF) &&
	       (pte & f->null_mask) == f->null_val;
}

static pt_inline enum swmmu_item_kind pt_kind(const struct swmmu_format *f,
						    unsigned int lvl, u64 pte)
{
	const struct swmmu_level *l = &f->level[lvl];

	if (pt_is_null(f, lvl, pte))
		return SWMMU_ITEM_LEAF;
	if ((f->flags & SWMMU_FMT_TABLE_ADDR) && (l->flags & SWMMU_LVL_TABLE) &&
	    (pte & l->table_mask) == l->table_val &&
	    ((pte >> f->oa_pte_lo) & pt_lowmask(f->oa_width)))
		return SWMMU_ITEM_TABLE;
	if (!(pte & f->present))
		return SWMMU_ITEM_HOLE;
	if (!(f->flags & SWMMU_FMT_TABLE_ADDR) && (l->flags & SWMMU_LVL_TABLE) &&
	    (pte & l->table_mask) == l->table_val)
		return SWMMU_ITEM_TABLE;
	if (l->flags & SWMMU_LVL_LEAF) {
		if ((pte & l->leaf_mask) == l->leaf_val)
			return SWMMU_ITEM_LEAF;
		if (f->contig_kind && f->contig_kind != SWMMU_CONTIG_FRAGMENT && l->contig &&
		    (pte & f->contig_mask) == f->contig_val)
			return SWMMU_ITEM_LEAF;
	}
	return SWMMU_ITEM_BAD;
}

/* Kind of word 1 of a dual item: a table entry, a hole (zero or not present), else reserved. */
static pt_inline enum swmmu_item_kind pt_kind2(const struct swmmu_format *f, u64 w1)
{
	enum swmmu_item_kind k;

	if (!w1)
		return SWMMU_ITEM_HOLE;
	k = pt_kind(f, 2, w1);
	return k == SWMMU_ITEM_TABLE || k == SWMMU_ITEM_HOLE ? k : SWMMU_ITEM_BAD;
}

/*
 * Kind of a whole dual item: a leaf of level 2 in word 0 (word 1 is then ignored), a table when
 * either word points at a table, a hole when neither holds anything, else reserved.
 */
static pt_inline enum swmmu_item_kind pt_dual_kind(const struct swmmu_format *f, u64 w0,
							 u64 w1)
{
	enum swmmu_item_kind k0 = pt_kind(f, 2, w0), k1;

	if (k0 == SWMMU_ITEM_LEAF || k0 == SWMMU_ITEM_BAD)
		return k0;
	k1 = pt_kind2(f, w1);
	if (k1 == SWMMU_ITEM_BAD)
		return k1;
	return k0 == SWMMU_ITEM_TABLE || k1 == SWMMU_ITEM_TABLE ? SWMMU_ITEM_TABLE :
								 SWMMU_ITEM_HOLE;
}

static pt_inline u64 pt_oa_enc(const struct swmmu_format *f, u64 oa)
{
	return ((oa >> f->oa_lo) & pt_lowmask(f->oa_width)) << f->oa_pte_lo;
}

static pt_inline u64 pt_oa_dec(const struct swmmu_format *f, u64 pte)
{
	return ((pte >> f->oa_pte_lo) & pt_lowmask(f->oa_width)) << f->oa_lo;
}

/* True if an output address (or the last byte of a range) is representable. */
static pt_inline bool pt_oa_ok(const struct swmmu_format *f, u64 oa)
{
	return f->oa_bits >= 64 || !(oa >> f->oa_bits);
}

static pt_inline void *pt_cpu(const struct swmmu_as *as, u64 addr)
{
	if (as->to_cpu)
		return as->to_cpu(as->mem.ctx, addr);
	return (void *)(unsigned long)(addr + as->mem.cpu_offset);
}

/* Table address held by a table entry. */
static pt_inline void *pt_child(const struct swmmu_format *f, const struct swmmu_as *as,
				     u64 pte)
{
	return pt_cpu(as, pt_oa_dec(f, pte));
}

/*
 * Functions other than the hot paths (pt_inline: the single-page map and unmap, the two cached
 * queries and the walk they share) run only in the cold paths, compiled once (core/swmmu_generic.c,
 * core/swmmu_walk.c): no inlining hint, the compiler decides there. A specialised instance does
 * not use them.
 */
#define pt_cold		__maybe_unused

/*
 * Position of a walk: the table and the last address of the walk's range at every level from the
 * starting level down, and the address it is at. Every walk moves with it: a single-address
 * descent is a walk over one address (swmmu_descend()); the range operations, the teardown, the
 * vacancy check and the callback walker move over many items. pt_pos_enter() goes down into the
 * table an item's entry points at (the one step down of every walk over linked tables), next
 * moves past an item and climbs out of the tables it finishes. Iterative (depth <=
 * SWMMU_MAX_LEVELS), so no recursion in the kernel.
 */
struct pt_pos {
	void *tbl[SWMMU_MAX_LEVELS];
	u64 last[SWMMU_MAX_LEVELS];
	unsigned int lvl;
	unsigned int base;
	u64 va;
};

static pt_cold void pt_pos_init(struct pt_pos *p, void *tbl, unsigned int lvl, u64 va,
				u64 last)
{
	p->lvl = lvl;
	p->base = lvl;
	p->tbl[lvl] = tbl;
	p->last[lvl] = last;
	p->va = va;
}

/*
 * Descend into a table for the current item, which covers up to ilast: one the item links
 * (pt_pos_enter()), or one a map is about to link there.
 */
static pt_cold void pt_pos_push(struct pt_pos *p, void *child, u64 ilast)
{
	p->lvl--;
	p->tbl[p->lvl] = child;
	p->last[p->lvl] = ilast;
}

/* Move past an item ending at ilast, climbing out of finished tables; false when done. */
static pt_cold bool pt_pos_next(struct pt_pos *p, u64 ilast)
{
	while (ilast == p->last[p->lvl]) {
		if (p->lvl == p->base)
			return false;
		p->lvl++;
	}
	p->va = ilast + 1;
	return true;
}

/* Item span at the current position, clipped to the range. */
static pt_cold u64 pt_pos_ilast(const struct swmmu_format *f, const struct pt_pos *p)
{
	u64 il = p->va | pt_lowmask(f->level[p->lvl].shift);

	return il < p->last[p->lvl] ? il : p->last[p->lvl];
}

/* The current item's value (word 0 of a 16-byte item). */
static pt_cold u64 pt_pos_load(const struct swmmu_format *f, const struct pt_pos *p)
{
	return pt_load(f, p->lvl, p->tbl[p->lvl], pt_index(f, p->lvl, p->va));
}

/* Go down into the table that pte, the current item's table entry, points at. */
static pt_cold void pt_pos_enter(const struct swmmu_format *f, const struct swmmu_as *as,
				 struct pt_pos *p, u64 pte)
{
	pt_pos_push(p, pt_child(f, as, pte), pt_pos_ilast(f, p));
}

/*
 * struct pt_path - the table entries a single-address descent followed (swmmu_descend())
 * @all: AND of them (~0 if none)
 * @any: OR of them (0 if none): pt_path_prot() turns both into the path's permissions
 */
struct pt_path {
	u64 all;
	u64 any;
};

/*
 * The one single-address descent (core/swmmu_walk.c), compiled once: only the cold paths walk
 * from the root, with the address space's own format.
 */
u64 swmmu_descend(const struct swmmu_as *as, struct pt_pos *p, unsigned int floor,
		  struct pt_path *at);

/* A single-address descent from the root: @p starts there, over the one address @ia. */
static inline u64 pt_descend_root(const struct swmmu_as *as, struct pt_pos *p, u64 ia,
				  unsigned int floor, struct pt_path *at)
{
	pt_pos_init(p, as->root_cpu, as->fmt->nr_levels - 1u, ia, ia);
	return swmmu_descend(as, p, floor, at);
}

static pt_inline u32 pt_contig_field_shift(const struct swmmu_format *f)
{
	return f->contig_mask ? (u32)__builtin_ctzll(f->contig_mask) : 0;
}

/*
 * lg2 of the number of items of the leaf entry that holds this leaf item (0 for a single item).
 * Reserved or inconsistent contiguous encodings decode as a single item.
 */
static pt_inline unsigned int pt_leaf_k(const struct swmmu_format *f, unsigned int lvl,
					      u64 pte)
{
	const struct swmmu_level *l = &f->level[lvl];
	unsigned int k = 0;
	u64 ia;

	if (!f->contig_kind || !l->contig)
		return 0;
	if (f->contig_kind == SWMMU_CONTIG_FRAGMENT) {
		k = (unsigned int)((pte & f->contig_mask) >> pt_contig_field_shift(f));
		k = k && k + f->level[0].shift >= l->shift ? k + f->level[0].shift - l->shift : 0;
	} else if ((pte & f->contig_mask) != f->contig_val) {
		return 0;
	} else if (f->contig_kind == SWMMU_CONTIG_HINT) {
		k = (unsigned int)__builtin_ctz(l->contig);
	} else if (f->contig_kind == SWMMU_CONTIG_NAPOT) {
		ia = pt_oa_dec(f, pte) >> l->shift;
		k = ia ? (unsigned int)__builtin_ctzll(ia) + 1 : 0;
	} else {
		/* The ones run from the level-0 granule up to below the entry's size. */
		ia = pt_oa_dec(f, pte) >> f->level[0].shift;
		k = f->level[0].shift + (~ia ? (unsigned int)__builtin_ctzll(~ia) : 64) + 1;
		k = k > l->shift ? k - l->shift : 0;
	}
	if (k >= 32 || !(l->contig & (1u << k)))
		return 0;
	return k;
}

/* Bits of a contiguous entry of 2^k items (k >= 1): OA pattern and marker. */
static pt_inline u64 pt_contig_bits(const struct swmmu_format *f, unsigned int lvl, unsigned int k)
{
	unsigned int s = f->level[lvl].shift;

	switch (f->contig_kind) {
	case SWMMU_CONTIG_HINT:
		return f->contig_val;
	case SWMMU_CONTIG_NAPOT:
		return f->contig_val | pt_oa_enc(f, pt_bit(s + k - 1));
	case SWMMU_CONTIG_NAPOT_ONES:
		return f->contig_val | pt_oa_enc(f, pt_lowmask(s + k - 1) &
						 ~pt_lowmask(f->level[0].shift));
	case SWMMU_CONTIG_FRAGMENT:
		return (u64)(k + s - f->level[0].shift) << pt_contig_field_shift(f);
	}
	return 0;
}

/* True if consecutive items of a contiguous entry each carry their own output address. */
static pt_inline bool pt_contig_steps(const struct swmmu_format *f)
{
	return f->contig_kind != SWMMU_CONTIG_NAPOT && f->contig_kind != SWMMU_CONTIG_NAPOT_ONES;
}

/* Permission encoding of a prot word; -EOPNOTSUPP if a permission cannot be expressed. */
static pt_inline int pt_perm_bits(const struct swmmu_perm_enc *e, u32 prot, u64 *bits)
{
	u64 v = 0;
	unsigned int p;

#pragma GCC unroll PT_UNROLL
	for (p = 0; p < SWMMU_NR_PERMS; p++) {
		bool want = prot & (1u << p);

		if (e->implied & (1u << p)) {
			if (!want)
				return -EOPNOTSUPP;
			continue;
		}
		if (want) {
			if (!e->set[p] && !e->clr[p])
				return -EOPNOTSUPP;
			v |= e->set[p];
		} else {
			v |= e->clr[p];
		}
	}
	*bits = v;
	return 0;
}

/*
 * Permissions granted by every one of several entries: @all is the AND of the entries (for set
 * bits), @any their OR (for clr bits). With one entry, both are that entry.
 */
static pt_inline u32 pt_perm_decode2(const struct swmmu_perm_enc *e, u64 all, u64 any)
{
	u32 prot = e->implied;
	unsigned int p;

#pragma GCC unroll PT_UNROLL
	for (p = 0; p < SWMMU_NR_PERMS; p++) {
		if ((e->implied & (1u << p)) || (!e->set[p] && !e->clr[p]))
			continue;
		if ((all & e->set[p]) == e->set[p] && !(any & e->clr[p]))
			prot |= 1u << p;
	}
	return prot;
}

static pt_inline u32 pt_perm_decode(const struct swmmu_perm_enc *e, u64 pte)
{
	return pt_perm_decode2(e, pte, pte);
}

/* Permission encoding of leaves of a level. */
static pt_inline const struct swmmu_perm_enc *pt_lperm(const struct swmmu_format *f,
							     unsigned int lvl)
{
	return (f->level[lvl].flags & SWMMU_LVL_OWN_PERM) ? &f->level[lvl].leaf_perm :
							    &f->leaf_perm;
}

/* All bits that encode permissions in entries using @e. */
static pt_inline u64 pt_perm_mask(const struct swmmu_perm_enc *e)
{
	u64 m = 0;
	unsigned int p;

#pragma GCC unroll PT_UNROLL
	for (p = 0; p < SWMMU_NR_PERMS; p++)
		m |= e->set[p] | e->clr[p];
	return m;
}

/* Validate a leaf prot word against the format. */
static pt_inline int pt_leaf_prot_ok(const struct swmmu_format *f, u32 prot)
{
	u32 mt = SWMMU_PROT_GET_MT(prot);

	if (prot & ~SWMMU_PROT_VALID || mt >= SWMMU_MT_NR)
		return -EINVAL;
	if (prot & SWMMU_PROT_NULL)
		return prot != SWMMU_PROT_NULL ? -EINVAL : f->null_mask ? 0 : -EOPNOTSUPP;
	if (!(f->mt_valid & (1u << mt)) || !(prot & f->need_any))
		return -EOPNOTSUPP;
	if ((f->flags & SWMMU_FMT_W_NEEDS_R) && (prot & SWMMU_PROT_W) && !(prot & SWMMU_PROT_R))
		return -EOPNOTSUPP;
	return 0;
}

/* Leaf bits of a level without the output address (and without contiguous marker). */
static pt_inline int pt_leaf_attr(const struct swmmu_format *f, unsigned int lvl, u32 prot,
					u64 *attr)
{
	const struct swmmu_level *l = &f->level[lvl];
	u64 bits;
	int ret;

	if (prot & SWMMU_PROT_NULL) {
		*attr = f->null_val | (l->leaf_val & ~f->null_mask);
		return 0;
	}
	ret = pt_perm_bits(pt_lperm(f, lvl), prot & SWMMU_PROT_PERMS, &bits);
	if (ret)
		return ret;
	bits |= l->leaf_val | f->leaf_set | l->mt[SWMMU_PROT_GET_MT(prot)];
	if (f->flags & SWMMU_FMT_A_ON_MAP)
		bits |= f->accessed;
	*attr = bits;
	return 0;
}

/* Table entry bits of a level without the table address. */
static pt_inline int pt_table_attr(const struct swmmu_format *f, unsigned int lvl, u32 tprot,
				u64 *attr)
{
	u64 bits;
	int ret = pt_perm_bits(&f->table_perm, tprot & SWMMU_PROT_PERMS, &bits);

	if (ret)
		return ret;
	*attr = bits | f->level[lvl].table_val | f->table_set;
	return 0;
}

/* Prot word (permissions, memory type, NULL) of a leaf item. */
static pt_inline u32 pt_leaf_prot(const struct swmmu_format *f, unsigned int lvl, u64 pte)
{
	const struct swmmu_level *l = &f->level[lvl];
	unsigned int mt;

	if (pt_is_null(f, lvl, pte))
		return SWMMU_PROT_NULL;
#pragma GCC unroll PT_UNROLL
	for (mt = 0; mt < SWMMU_MT_NR; mt++)
		if ((f->mt_valid & (1u << mt)) && (pte & l->mt_mask) == l->mt[mt])
			break;
	if (mt == SWMMU_MT_NR)
		mt = SWMMU_MT_WB;
	return pt_perm_decode(pt_lperm(f, lvl), pte) | SWMMU_PROT_MT(mt);
}

/* Permissions of a table entry that restrict what is below it (R/W/X/U). */
static pt_inline u32 pt_table_prot(const struct swmmu_format *f, u64 pte)
{
	return pt_perm_decode(&f->table_perm, pte) | SWMMU_PROT_G;
}

/*
 * Permissions of a path of table entries (AND and OR of their values) restricting what is below
 * it, as a mask: the bits of R/W/X/U a path denies are clear, every other bit is set.
 */
static pt_inline u32 pt_path_prot(const struct swmmu_format *f, u64 all, u64 any)
{
	return pt_perm_decode2(&f->table_perm, all, any) | ~(u32)(SWMMU_PROT_R | SWMMU_PROT_W |
								   SWMMU_PROT_X | SWMMU_PROT_U);
}

/* Lowest level that may hold leaves: its item size is the smallest page size. */
static pt_inline unsigned int pt_min_leaf_shift(const struct swmmu_format *f)
{
	unsigned int lvl;

#pragma GCC unroll PT_UNROLL
	for (lvl = 0; lvl < f->nr_levels; lvl++)
		if (f->level[lvl].flags & SWMMU_LVL_LEAF)
			return f->level[lvl].shift;
	return 64;
}

/*
 * One-word memos of the prot last encoded into (struct swmmu_as.leaf_memo) and decoded from
 * (.prot_memo) a level-0 leaf, so that a run of single-page operations with one prot encodes
 * and decodes it once. The word holds the leaf bits and, in 12 bits of the output-address field,
 * the prot plus PT_MEMO_VALID (every valid prot is below it). A memo is written and read as one
 * word: operations on disjoint ranges and lock-free readers see one whole memo or another. Off
 * (field 0) where the output-address field is narrower than 12 bits.
 */
#define PT_MEMO_VALID	0x800u

static pt_inline u64 pt_memo_field(const struct swmmu_format *f)
{
	return f->oa_width >= 12 && f->oa_pte_lo <= 52 ? 0xfffULL << f->oa_pte_lo : 0;
}

/* The level-0 leaf bits (pt_leaf_attr()) of a prot that was memoised, if it is this one. */
static pt_inline bool pt_leaf_memo_get(const struct swmmu_format *f,
					     const struct swmmu_as *as, u32 prot, u64 *attr)
{
	u64 fld = pt_memo_field(f), w;

	if (!fld)
		return false;
	w = READ_ONCE(as->leaf_memo);
	if ((w & fld) >> f->oa_pte_lo != (u64)prot + PT_MEMO_VALID)
		return false;
	*attr = w & ~fld;
	return true;
}

/* Memoise a valid prot's level-0 leaf bits (when they leave the memo's field free). */
static pt_inline void pt_leaf_memo_put(const struct swmmu_format *f, struct swmmu_as *as,
					     u32 prot, u64 attr)
{
	u64 fld = pt_memo_field(f);

	if (fld && !(attr & fld) && prot < PT_MEMO_VALID)
		WRITE_ONCE(as->leaf_memo, attr | ((u64)prot + PT_MEMO_VALID) << f->oa_pte_lo);
}

/* Every bit pt_leaf_prot() reads in a level-0 leaf. */
static pt_inline u64 pt_l0_prot_bits(const struct swmmu_format *f)
{
	return f->null_mask | f->level[0].mt_mask | pt_perm_mask(pt_lperm(f, 0));
}

/* pt_leaf_prot() of a level-0 leaf, through struct swmmu_as.prot_memo. */
static pt_inline u32 pt_l0_prot(const struct swmmu_format *f, const struct swmmu_as *as,
				      u64 pte)
{
	u64 fld = pt_memo_field(f), dm = pt_l0_prot_bits(f), key, w;
	u32 prot;

	if (!fld || (dm & fld))
		return pt_leaf_prot(f, 0, pte);
	key = pte & dm;
	w = READ_ONCE(as->prot_memo);
	if ((w & ~fld) == key && (w & ((u64)PT_MEMO_VALID << f->oa_pte_lo)))
		return (u32)((w & fld) >> f->oa_pte_lo) - PT_MEMO_VALID;
	prot = pt_leaf_prot(f, 0, pte);
	/* A cache like the walk cache: written by lock-free readers too. */
	WRITE_ONCE(((struct swmmu_as *)as)->prot_memo,
		   key | ((u64)prot + PT_MEMO_VALID) << f->oa_pte_lo);
	return prot;
}

/*
 * Fill a query result from a leaf whose prot word is known (pt_leaf_prot()); va is ia's canonical
 * form. Clearing the offset bits of va gives the entry's canonical VA: an entry spans less than
 * half the VA space (at least the root level lies above it).
 */
static pt_inline void pt_fill_xlate_prot(const struct swmmu_format *f, unsigned int lvl, u64 va,
					 u64 ia, u64 pte, u32 eff, u32 prot,
					 struct swmmu_xlate *out)
{
	unsigned int sz = f->level[lvl].shift + pt_leaf_k(f, lvl, pte);
	u64 m = pt_lowmask(sz);

	out->va = va;
	out->entry_va = va & ~m;
	out->pte = pte;
	out->prot = prot;
	out->eff_prot = out->prot & (eff | ~(u32)(SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X |
						   SWMMU_PROT_U));
	if (out->prot & SWMMU_PROT_NULL) {
		out->entry_pa = 0;
		out->pa = 0;
	} else {
		out->entry_pa = pt_oa_dec(f, pte) & ~m;
		out->pa = out->entry_pa + (ia & m);
	}
	out->size_lg2 = (u8)sz;
	out->level = (u8)lvl;
	out->accessed = f->accessed && (pte & f->accessed) == f->accessed;
	out->dirty = f->dirty && (pte & f->dirty) == f->dirty;
}

static pt_inline void pt_fill_xlate(const struct swmmu_format *f, unsigned int lvl, u64 ia,
					  u64 pte, u32 eff, struct swmmu_xlate *out)
{
	pt_fill_xlate_prot(f, lvl, pt_canon(f, ia), ia, pte, eff, pt_leaf_prot(f, lvl, pte), out);
}

/*
 * Software paging-structure cache (struct swmmu_as.pwc): the level-0 table under each level-1 item,
 * tagged with the item's span (key = ia >> level[1].shift) and the cache generation.
 *
 * - A slot is written by a walk that found the table: claimed with compare-and-swap (tag ~0),
 *   the pointer written, then the tag (generation read before the walk | key above the slot
 *   index). Walkers that lose the claim do not cache; readers only fill empty or stale slots.
 * - A slot is used only if its tag equals the current generation and key, read before and after
 *   the pointer (the pointer of one tag never changes: within one generation, a span holds one
 *   table, since unlinking it increments the generation).
 * - Unlinking a table (or changing a table entry's permissions, which the slot also caches)
 *   increments the generation after the entry was written: a walker that read the old
 *   generation may still use the table, exactly like a walker that read the old entry, so the
 *   deferred free (gather flush) protects both.
 * The cache is off for foreign tables (changed behind the library's back), while subtrees of
 * another address space are linked in (their owner unlinks tables without our generation), for
 * geometries whose key does not fit beside a 32-bit generation, and after 2^30 generations.
 */
#define PT_PWC_BUSY	(~0ULL)

/*
 * Bits of the key above the slot index: the low half of the tag (the generation is the high
 * half), so that the tag does not depend on the VA width. swmmu_as_init() leaves the cache off
 * for a format whose key does not fit (swmmu_pwc_fits()).
 */
#define PT_PWC_KB	32

/*
 * Added to the generation for as long as the cache is off (struct swmmu_as.pwc_off). The
 * generation itself stops growing at PT_PWC_GEN_LIMIT (swmmu_pwc_invalidate()), so the counter
 * stays below 2^32 and a tag's high half (pt_pwc_tag()) never wraps: a tag made while the cache
 * is off or retired has a high half no fill ever writes, and a lookup needs no test of its own.
 */
#define PT_PWC_GEN_OFF		(1ULL << 31)
#define PT_PWC_GEN_LIMIT	(1ULL << 30)

/*
 * The counter (generation, plus PT_PWC_GEN_OFF while the cache is off), read before the walk
 * whose result is cached.
 */
static pt_inline u64 pt_pwc_gen(const struct swmmu_as *as)
{
	u64 gen = (u64)swmmu_counter_read(&as->pwc_gen);

	/* Pairs with swmmu_pwc_invalidate(): the walk reads entries written before the bump. */
	smp_rmb();
	return gen;
}

/* May a walk that read gen fill a slot? 1 .. PT_PWC_GEN_LIMIT - 1 in one compare. */
static pt_inline bool pt_pwc_gen_ok(u64 gen)
{
	return gen - 1 < PT_PWC_GEN_LIMIT - 1;
}

static pt_inline u64 pt_pwc_tag(const struct swmmu_format *f, u64 gen, u64 ia)
{
	/* Two shifts: level[1].shift + SWMMU_PWC_SLOTS_LG2 may reach 64. */
	return gen << PT_PWC_KB | (ia >> f->level[1].shift) >> SWMMU_PWC_SLOTS_LG2;
}

static pt_inline struct swmmu_pwc_slot *pt_pwc_slot(const struct swmmu_format *f,
							   const struct swmmu_as *as, u64 ia)
{
	unsigned int sh = f->level[1].shift;

	/* The byte offset of the slot in one shift and one mask (16-byte slots). */
	if (sizeof(struct swmmu_pwc_slot) == 16 && sh >= 4)
		return (struct swmmu_pwc_slot *)((char *)as->pwc +
			((ia >> (sh - 4)) & ((u64)(SWMMU_PWC_SLOTS - 1) << 4)));
	return (struct swmmu_pwc_slot *)&as->pwc[(ia >> sh) & (SWMMU_PWC_SLOTS - 1)];
}

/*
 * The cached level-0 table holding ia (in *tbl) and the permission mask of its path; false on a
 * miss. A slot whose tag matches always holds a table (pt_pwc_fill() never caches NULL).
 */
static pt_inline bool pt_pwc_lookup(const struct swmmu_format *f,
					  const struct swmmu_as *as, u64 gen, u64 ia, void **tbl,
					  u32 *eff)
{
	const struct swmmu_pwc_slot *s;
	unsigned long p;
	u64 t;

	/* A dual directory has two level-0 spans per level-1 item: never cached. */
	if (pt_dual(f))
		return false;
	s = pt_pwc_slot(f, as, ia);
	t = READ_ONCE(s->tag);
	if (t != pt_pwc_tag(f, gen, ia))
		return false;
	/* Tag, pointer, tag again: pairs with the smp_wmb() of pt_pwc_fill(). */
	smp_rmb();
	p = READ_ONCE(s->tbl);
	smp_rmb();	/* the second tag read comes after the pointer read */
	if (READ_ONCE(s->tag) != t)
		return false;
	*eff = (u32)(p & 0xf) | ~0xfu;
	*tbl = (void *)(p & ~0xfUL);
	return true;
}

/*
 * Cache a level-0 table found by a walk that started at generation gen (see above); all and any
 * are the AND and OR of the table entries of the path.
 */
static pt_inline void pt_pwc_fill(const struct swmmu_format *f, const struct swmmu_as *as,
					u64 gen, u64 ia, void *tbl, u64 all, u64 any, bool replace)
{
	struct swmmu_pwc_slot *s = pt_pwc_slot(f, as, ia);
	unsigned long p = (unsigned long)tbl;
	u64 want = pt_pwc_tag(f, gen, ia), old;

	if (!pt_pwc_gen_ok(gen) || !p || (p & 0xf))
		return;
	old = READ_ONCE(s->tag);
	if (old == want || old == PT_PWC_BUSY || (!replace && old >> PT_PWC_KB == gen))
		return;
	if (swmmu_cmpxchg(&s->tag, old, PT_PWC_BUSY) != old)
		return;
	WRITE_ONCE(s->tbl, p | (pt_path_prot(f, all, any) & 0xf));
	/* The pointer is visible before the tag that makes it usable (pt_pwc_lookup()). */
	smp_wmb();
	WRITE_ONCE(s->tag, want);
}

void swmmu_pwc_invalidate(struct swmmu_as *as);
void swmmu_pwc_set_off(struct swmmu_as *as, u8 why, bool off);

/* Table memory (core/swmmu_pt.c). The tables are not zeroed and not counted. */
void *swmmu_table_alloc(struct swmmu_as *as, unsigned int lvl, u64 *addr);
void swmmu_table_free(struct swmmu_as *as, unsigned int lvl, void *cpu, u64 addr);
void swmmu_table_account(struct swmmu_as *as, unsigned int lvl, long n);
bool swmmu_is_link(const struct swmmu_as *as, u64 ia, unsigned int lvl);

/* Teardown and empty tables: freed by unmap, replaced by a map's leaf (core/swmmu_walk.c). */
void swmmu_free_subtree(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			void *tbl, u64 addr, u64 ia);
int swmmu_free_empty_ia(struct swmmu_as *as, u64 start, u64 last, u64 hstart, u64 hlast,
			struct swmmu_gather *g);
bool swmmu_vacant_items(const struct swmmu_as *as, unsigned int lvl, const void *tbl,
			unsigned int n, u64 ia);
void swmmu_unlink_vacant(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			 void *tbl, unsigned int idx, unsigned int n, u64 ia);

/* Gather (core/swmmu_gather.c). */
void swmmu_gather_add(struct swmmu_gather *g, struct swmmu_as *as, u64 start, u64 last,
		      u32 levels);
static pt_inline void pt_gather_add(struct swmmu_gather *g, struct swmmu_as *as, u64 start,
					  u64 last, u32 levels)
{
	if (g)
		swmmu_gather_add(g, as, start, last, levels);
}

void swmmu_gather_add_table(struct swmmu_gather *g, struct swmmu_as *as, unsigned int lvl,
			    void *cpu, u64 addr);

#endif /* SWMMU_INTERNAL_H */
