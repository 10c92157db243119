/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu walk engine: map, unmap, protect, query and translate.
 *
 * This header is the one engine, in two parts. The hot paths (single-page map and unmap, the full
 * and the address-only query, each served from the paging-structure cache) are instantiated per
 * format with SWMMU_ENGINE_INSTANCE() by the files in arch/: every call passes the same constant
 * descriptor, so the item helpers fold to constants. One instance serves every VA width of a
 * format: the hot paths take the width from the address space (struct swmmu_as.va_mask) and
 * never walk from the root. Everything else, the cold paths, is compiled once in
 * core/swmmu_generic.c with the descriptor read at run time (the swmmu_cold_*() functions):
 * range map, unmap and protect, the walks behind a cache miss, translate, splitting and the
 * empty-table handling. Formats parsed from a text description use the cold paths alone.
 *
 * Every walk moves with one position (struct pt_pos, swmmu_internal.h) and goes down a level
 * with pt_pos_enter(): the single-address descent (swmmu_descend(), core/swmmu_walk.c), the
 * range operations here, and the teardown, the vacancy check and the callback walker of
 * core/swmmu_walk.c. A range is processed table by table, and runs of leaves inside one table
 * are written with "pte += step" because the output-address field is linear.
 *
 * Map is two-phase so that a failure changes nothing: a read-only pass checks for overlap
 * (-EEXIST) and counts the tables the commit pass will need, those are allocated up front
 * (-ENOMEM), and the commit pass cannot fail. Unmap and protect check the two range boundaries
 * first (-EINVAL when they cut a leaf) and pre-allocate the tables a split needs the same way.
 */
#ifndef SWMMU_ENGINE_H
#define SWMMU_ENGINE_H

/* A specialised instance unless the includer compiles the cold paths (see swmmu_internal.h). */
#ifndef SWMMU_ENGINE_COLD
#ifdef SWMMU_INTERNAL_H
#error "include swmmu_engine.h before swmmu_internal.h: it decides how the helpers are inlined"
#endif
#define SWMMU_ENGINE_HOT
#endif
#include "swmmu_internal.h"

#define PT_NO_LEAF	(-1)

struct pt_ctx {
	struct swmmu_as *as;
	u64 attr[SWMMU_MAX_LEVELS];	/* leaf bits per level, without output address */
	u64 tattr[SWMMU_MAX_LEVELS];	/* table entry bits per level, without table address */
	u64 tadd_set;			/* SWMMU_MAP_TABLE_ADD: bits to set in existing table entries */
	u64 tadd_clr;			/* ... and bits to clear */
	int forced_lvl;			/* forced page size: level, or -1 for automatic sizes */
	unsigned int forced_k;		/* forced page size: lg2 of items per entry */
	bool null;			/* mapping null/sparse entries */
	bool table_add;
	bool replace;			/* a leaf may replace empty tables (a gather frees them) */
	int err;
	struct swmmu_gather *g;
	unsigned int need[SWMMU_MAX_LEVELS];	/* tables to pre-allocate per level */
	void *pre[SWMMU_MAX_LEVELS];		/* pre-allocated tables, linked through word 0 */
};

static pt_inline unsigned int pt_top(const struct swmmu_format *f)
{
	return f->nr_levels - 1u;
}

/* True if [start, last] lies inside the span of one level-0 table. */
static pt_inline bool pt_in_l0(const struct swmmu_format *f, u64 start, u64 last)
{
	return f->nr_levels < 2 || !((start ^ last) >> f->level[1].shift);
}

/*
 * Single-address walk: the table holding the item that translates ia, its level, and the
 * permission mask of the table entries above it (see pt_path_prot()). The level-0 table comes
 * from the paging-structure cache when it can; a walk from the root (swmmu_descend()) stops at the
 * first item that is not a table entry, and a walk that reaches level 0 caches its table
 * (replacing a live slot only if @replace). Lock-free. Only the cold paths walk (f is the
 * address space's own format there): a specialised instance serves several VA widths.
 */
static pt_inline void *pt_walk_to(const struct swmmu_format *f, const struct swmmu_as *as,
				  u64 ia, bool replace, unsigned int *plvl, u32 *peff)
{
	u64 gen = pt_pwc_gen(as);
	struct pt_path at;
	struct pt_pos p;
	void *tbl;

	if (pt_pwc_lookup(f, as, gen, ia, &tbl, peff)) {
		*plvl = 0;
		return tbl;
	}
	pt_descend_root(as, &p, ia, 0, &at);
	*plvl = p.lvl;
	*peff = p.lvl < pt_top(f) ? pt_path_prot(f, at.all, at.any) : ~0u;
	if (!p.lvl)
		pt_pwc_fill(f, as, gen, ia, p.tbl[0], at.all, at.any, replace);
	return p.tbl[p.lvl];
}

/*
 * The level-0 table holding ia: walked if @walk, else from the paging-structure cache only
 * (NULL on a miss), so that the inline part of a single-page operation stays small.
 */
static pt_inline void *pt_l0_table(const struct swmmu_format *f, const struct swmmu_as *as,
					 u64 ia, bool walk, u32 *peff)
{
	unsigned int lvl;
	void *tbl;

	if (!walk)
		return pt_pwc_lookup(f, as, pt_pwc_gen(as), ia, &tbl, peff) ? tbl : NULL;
	tbl = pt_walk_to(f, as, ia, true, &lvl, peff);
	return lvl ? NULL : tbl;
}

/* Write n items of one leaf run: v for the first, v + step for the next, ... */
static pt_cold void pt_fill(const struct swmmu_format *f, unsigned int lvl, void *tbl,
				    unsigned int idx, unsigned int n, u64 v, u64 step)
{
	unsigned int i;

	if (pt_esz(f, lvl) == 3 && !(f->flags & SWMMU_FMT_BIG_ENDIAN)) {
		u64 *p = (u64 *)tbl + idx, s2 = 2 * step;

		/* Two items per step and two chains of adds: the loop runs at store speed. */
		for (i = 0; i + 1 < n; i += 2, v += s2) {
			WRITE_ONCE(p[i], v);
			WRITE_ONCE(p[i + 1], v + step);
		}
		if (i < n)
			WRITE_ONCE(p[i], v);
		return;
	}
	for (i = 0; i < n; i++, v += step) {
		if (pt_has_ext(f, lvl))
			pt_store_ext(f, tbl, idx + i, f->ext_leaf);
		pt_store(f, lvl, tbl, idx + i, v);
	}
}

/*
 * pt_fill() into a table no walker can reach yet (not linked): plain stores, which the compiler
 * may unroll or vectorise; the link that publishes the table orders them (pt_link_new()).
 */
static pt_cold void pt_fill_unpublished(const struct swmmu_format *f, unsigned int lvl,
						void *tbl, unsigned int n, u64 v, u64 step)
{
	unsigned int i;

	if (pt_esz(f, lvl) == 3 && !(f->flags & SWMMU_FMT_BIG_ENDIAN) && !(n & 3)) {
		u64 *p = tbl, s2 = 2 * step, s4 = 4 * step;

		/* Four stores per step and two chains of adds: the loop runs at store speed. */
		for (i = 0; i < n; i += 4, v += s4) {
			p[i] = v;
			p[i + 1] = v + step;
			p[i + 2] = v + s2;
			p[i + 3] = v + s2 + step;
		}
		return;
	}
	pt_fill(f, lvl, tbl, 0, n, v, step);
}

static pt_cold bool pt_all_holes(const struct swmmu_format *f, unsigned int lvl,
					 const void *tbl, unsigned int idx, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pt_kind(f, lvl, pt_load(f, lvl, tbl, idx + i)) != SWMMU_ITEM_HOLE)
			return false;
	return true;
}

/*
 * True if items [idx, last] of a level-0 table are all holes. Zero is a hole in every valid format,
 * so a run of 8-byte items is first OR-reduced (plain loads are fine: the caller holds the range).
 */
static pt_cold bool pt_l0_holes(const struct swmmu_format *f, const void *tbl,
					unsigned int idx, unsigned int last)
{
	unsigned int i;

	if (pt_esz(f, 0) == 3) {
		const u64 *p = (const u64 *)tbl;
		u64 acc = 0;

		for (i = idx; i <= last; i++)
			acc |= p[i];
		if (!acc)
			return true;
	}
	for (i = idx; i <= last; i++)
		if (pt_kind(f, 0, pt_load(f, 0, tbl, i)) != SWMMU_ITEM_HOLE)
			return false;
	return true;
}

/*
 * Count the leaves among 8-byte level-0 items [idx, last] when the level has no table entries:
 * then an item is a hole without the present bit, a leaf with its leaf bits (or a null entry).
 * Branch-free, with the descriptor's fields hoisted, so the loop runs at load speed even when the
 * format is read at run time. False when some item is neither (a contiguous or reserved one):
 * the caller then classifies each item.
 */
static pt_cold bool pt_l0_count_plain(const struct swmmu_format *f, const u64 *p,
					      unsigned int idx, unsigned int last,
					      unsigned int *cnt)
{
	const struct swmmu_level *l = &f->level[0];
	u64 present = f->present, lmask = l->leaf_mask, lval = l->leaf_val;
	u64 nmask = f->null_mask, nval = f->null_val;
	unsigned int i, leaves = 0, holes = 0;
	bool has_null = nmask != 0;

	if ((l->flags & SWMMU_LVL_TABLE) || !(l->flags & SWMMU_LVL_LEAF))
		return false;
	/* The common cases first, three operations an item: a run of leaves, or of zeros. */
	if (lval & present) {
		u64 diff = 0, d2 = 0;

		/* Two chains of ORs: the loop runs at load speed. */
		for (i = idx; i + 1 <= last; i += 2) {
			diff |= (p[i] & lmask) ^ lval;
			d2 |= (p[i + 1] & lmask) ^ lval;
		}
		if (i <= last)
			diff |= (p[i] & lmask) ^ lval;
		diff |= d2;
		if (!diff) {
			*cnt = last - idx + 1;
			return true;
		}
	}
	for (i = idx; i <= last; i++) {
		u64 pte = p[i];
		bool null = has_null && (pte & nmask) == nval;
		bool here = pte & present;

		leaves += null || (here && (pte & lmask) == lval);
		holes += !null && !here;
	}
	*cnt = leaves;
	return leaves + holes == last - idx + 1;
}

/*
 * Clear the leaf items among items [idx, last] of a level-0 table; returns how many there were. Runs without reserved items are cleared with one memset (each
 * aligned 8-byte item is written whole, as with the kernel's memset64 users).
 */
static pt_cold unsigned int pt_l0_clear(const struct swmmu_format *f, void *tbl,
						unsigned int idx, unsigned int last)
{
	unsigned int i, cnt = 0, bad = 0;

	if (pt_esz(f, 0) == 3 && !(f->flags & SWMMU_FMT_BIG_ENDIAN)) {
		const u64 *p = (const u64 *)tbl;

		if (!pt_l0_count_plain(f, p, idx, last, &cnt)) {
			for (i = idx, cnt = 0; i <= last; i++) {
				enum swmmu_item_kind k = pt_kind(f, 0, p[i]);

				cnt += k == SWMMU_ITEM_LEAF;
				bad += k == SWMMU_ITEM_BAD;
			}
		}
		if (!bad) {
			if (cnt && last - idx >= 8)
				memset((u64 *)tbl + idx, 0, (size_t)(last - idx + 1) * 8);
			else if (cnt)
				for (i = idx; i <= last; i++)
					WRITE_ONCE(((u64 *)tbl)[i], 0);
			return cnt;
		}
		cnt = 0;
	}
	for (i = idx; i <= last; i++) {
		if (pt_kind(f, 0, pt_load(f, 0, tbl, i)) == SWMMU_ITEM_LEAF) {
			pt_clear(f, 0, tbl, i);
			cnt++;
		}
	}
	return cnt;
}

/*
 * Descend from the root while [start, last] lies inside one item that points at a table: the
 * lowest table that holds the whole range. Every range operation starts there. The range lies
 * inside one item of every level above the highest one whose index differs at its ends, so that
 * level bounds the descent (swmmu_descend()).
 */
static pt_cold void *pt_descend_common(const struct swmmu_format *f,
				       const struct swmmu_as *as, u64 start, u64 last,
				       unsigned int floor, unsigned int *plvl)
{
	struct pt_path at;
	struct pt_pos p;
	unsigned int lvl;

	/* Below a dual directory the range walkers do not use the position stack. */
	if (pt_dual(f) && floor < 2)
		floor = 2;
	for (lvl = pt_top(f); lvl > floor; lvl--)
		if ((start >> f->level[lvl].shift) != (last >> f->level[lvl].shift))
			break;
	pt_descend_root(as, &p, start, lvl, &at);
	*plvl = p.lvl;
	return p.tbl[p.lvl];
}

/*
 * True if a leaf may take items [idx, idx + n): all holes, or (when the map has a gather to free
 * them through) holes and empty tables, which the commit pass unlinks first.
 */
static pt_cold bool pt_free_items(const struct swmmu_format *f, const struct pt_ctx *c,
					  unsigned int lvl, const void *tbl, unsigned int idx,
					  unsigned int n, u64 va)
{
	if (pt_all_holes(f, lvl, tbl, idx, n))
		return true;
	return c->replace && swmmu_vacant_items(c->as, lvl, tbl, n, va);
}

/*
 * Page size choice: the largest entry at this level for which va and pa are aligned, which fits
 * in [va, last] and (for a contiguous entry) whose items are all holes. Returns lg2 of the number
 * of items, or PT_NO_LEAF to descend.
 */
static pt_cold int pt_pick(const struct swmmu_format *f, const struct pt_ctx *c,
				   unsigned int lvl, const void *tbl, unsigned int idx, u64 va,
				   u64 last, u64 pa)
{
	const struct swmmu_level *l = &f->level[lvl];
	u64 align = va | pa;
	int k;

	if (c->forced_lvl >= 0)
		return (int)lvl == c->forced_lvl ? (int)c->forced_k : PT_NO_LEAF;
	if (!(l->flags & SWMMU_LVL_LEAF))
		return PT_NO_LEAF;
	for (k = l->contig ? 31 - __builtin_clz(l->contig) : 0; k >= 0; k--) {
		u64 m = pt_lowmask(l->shift + k);

		if (k && !(l->contig & (1u << k)))
			continue;
		if ((align & m) || last - va < m)
			continue;
		if (k && tbl && !pt_free_items(f, c, lvl, tbl, idx, 1u << k, va))
			continue;
		return k;
	}
	return PT_NO_LEAF;
}

/* True if level 0 of this walk is written as one run (no per-item page size choice). */
static pt_cold bool pt_l0_run(const struct swmmu_format *f, const struct pt_ctx *c)
{
	return c->forced_lvl >= 0 ? !c->forced_lvl && !c->forced_k : !f->level[0].contig;
}

/*
 * Dual directories (SWMMU_LVL_DUAL, see swmmu_format.h): a level-2 item holds a table entry for a
 * level-1 table (word 0) and one for a level-0 table (word 1), both spanning the whole item. The
 * range walkers never push below level 2 of such a format: the helpers below do everything under
 * one level-2 item. A level-1 item that is not a hole hides the level-0 items under it, so a
 * level-1 leaf is only written over level-0 holes and the other way round.
 */
struct pt_dual {
	u64 w0;
	u64 w1;
	void *big;	/* level-1 table (word 0), or NULL */
	void *small;	/* level-0 table (word 1), or NULL */
};

/* Read a dual item (tbl NULL: an item of a table still to be made, all holes). */
static pt_cold void pt_dual_get(const struct swmmu_format *f, const struct swmmu_as *as,
					const void *tbl, unsigned int idx, struct pt_dual *d)
{
	d->w0 = tbl ? pt_load(f, 2, tbl, idx) : 0;
	d->w1 = tbl ? pt_load2(f, tbl, idx) : 0;
	d->big = pt_kind(f, 2, d->w0) == SWMMU_ITEM_TABLE ? pt_child(f, as, d->w0) : NULL;
	d->small = pt_kind2(f, d->w1) == SWMMU_ITEM_TABLE ? pt_child(f, as, d->w1) : NULL;
}

/*
 * Does the piece of a map starting at va (ending at e, at most one level-1 item) become a level-1
 * leaf? A forced size decides; otherwise a whole, aligned level-1 item does.
 */
static pt_cold bool pt_dual_big(const struct swmmu_format *f, const struct pt_ctx *c,
					u64 va, u64 e, u64 pa)
{
	u64 m = pt_lowmask(f->level[1].shift);

	if (c->forced_lvl >= 0)
		return c->forced_lvl == 1;
	return !((va | pa) & m) && e - va == m;
}

/* Map pass 1 for [va, last] inside one dual item that is a hole or a table. */
static pt_cold int pt_dual_map_check(const struct swmmu_format *f, struct pt_ctx *c,
					     const struct pt_dual *d, u64 va, u64 last, u64 delta)
{
	bool nbig = false, nsmall = false;

	for (;;) {
		u64 be = va | pt_lowmask(f->level[1].shift), e = be < last ? be : last;
		unsigned int bi = pt_index(f, 1, va);

		if (d->big && pt_kind(f, 1, pt_load(f, 1, d->big, bi)) != SWMMU_ITEM_HOLE)
			return -EEXIST;
		if (d->small && !pt_l0_holes(f, d->small, pt_index(f, 0, va), pt_index(f, 0, e)))
			return -EEXIST;
		if (pt_dual_big(f, c, va, e, va + delta))
			nbig |= !d->big;
		else
			nsmall |= !d->small;
		if (e == last)
			break;
		va = e + 1;
	}
	c->need[1] += nbig;
	c->need[0] += nsmall;
	return 0;
}

/*
 * A table entry where automatic sizes would put a leaf: the leaf's lg2 item count if the map
 * may replace empty tables and every item the leaf takes is a hole or an empty table (the
 * largest leaf whatever the history), else PT_NO_LEAF to descend. Out of line: maps with a
 * gather that meet a table are rare next to the walks around them.
 */
static noinline int pt_replace_pick_slow(const struct swmmu_format *f, const struct pt_ctx *c,
					 unsigned int lvl, const void *tbl, unsigned int idx,
					 u64 va, u64 last, u64 pa)
{
	int k = pt_pick(f, c, lvl, tbl, idx, va, last, pa);
	/* pt_pick() looked at the items of a contiguous entry, not at a single one. */
	if (k == 0 && !swmmu_vacant_items(c->as, lvl, tbl, 1, va))
		return PT_NO_LEAF;
	return k;
}

static pt_cold int pt_replace_pick(const struct swmmu_format *f, const struct pt_ctx *c,
					   unsigned int lvl, const void *tbl, unsigned int idx,
					   u64 va, u64 last, u64 pa)
{
	if (!c->replace || !tbl)
		return PT_NO_LEAF;
	return pt_replace_pick_slow(f, c, lvl, tbl, idx, va, last, pa);
}

/*
 * Whole runs of leaves above level 0: how many items from idx become leaves of one item each
 * (va and pa aligned to the item size, no contiguous entry to choose), lie whole inside
 * [va, last] and this table, and are zero now (zero is a hole in every valid format). 0 if the
 * per-item path decides. A NULL table is one still to be made, all holes. The per-item path
 * would choose the same leaves one by one (pt_pick()); the run writes them with one pt_fill().
 */
static pt_cold unsigned int pt_leaf_run(const struct swmmu_format *f,
						const struct pt_ctx *c, unsigned int lvl,
						const void *tbl, unsigned int idx, u64 va, u64 last,
						u64 pa)
{
	const struct swmmu_level *l = &f->level[lvl];
	u64 im = pt_lowmask(l->shift), whole;
	unsigned int n, max;
	const u64 *q;

	if (!lvl || pt_is_dual(f, lvl) || pt_esz(f, lvl) != 3 || ((va | pa) & im) || last - va < im)
		return 0;
	if (c->forced_lvl >= 0 ? c->forced_lvl != (int)lvl || c->forced_k :
				 !(l->flags & SWMMU_LVL_LEAF) || l->contig)
		return 0;
	max = (1u << l->index_bits) - idx;
	whole = ((last - va) >> l->shift) + (((last - va) & im) == im);
	if (whole < max)
		max = (unsigned int)whole;
	if (!tbl)
		return max;
	/* Zero in either byte order; plain loads: the caller holds the range (pt_l0_holes()). */
	q = (const u64 *)tbl + idx;
	for (n = 0; n + 8 <= max && !(q[n] | q[n + 1] | q[n + 2] | q[n + 3] | q[n + 4] |
				       q[n + 5] | q[n + 6] | q[n + 7]); n += 8)
		;
	while (n < max && !q[n])
		n++;
	return n;
}

/*
 * Map pass 1: overlap check and table count for [va, last] mapped at pa. A NULL table stands for
 * a table still to be made (all holes).
 */
static pt_cold int pt_map_check(const struct swmmu_format *f, struct pt_ctx *c,
					unsigned int lvl0, void *tbl0, u64 start, u64 last,
					u64 pa0)
{
	u64 delta = pa0 - start;
	struct pt_pos p;

	pt_pos_init(&p, tbl0, lvl0, start, last);
	for (;;) {
		unsigned int lvl = p.lvl;
		const struct swmmu_level *l = &f->level[lvl];
		const void *tbl = p.tbl[lvl];
		u64 va = p.va, pa = va + delta, tlast = p.last[lvl], im = pt_lowmask(l->shift);
		u64 ilast = tlast, pte;
		unsigned int idx = pt_index(f, lvl, va);
		enum swmmu_item_kind kind;
		unsigned int n;
		int k;

		n = pt_leaf_run(f, c, lvl, tbl, idx, va, tlast, pa);
		if (n) {
			ilast = va + (((u64)n << l->shift) - 1);
			goto next;
		}
		if (!tbl) {
			/* An empty table: only tables below need counting. */
			if (c->forced_lvl == (int)lvl || !lvl ||
			    (c->forced_lvl < 0 && (l->flags & SWMMU_LVL_LEAF) && !((va | pa) & im) &&
			     (tlast & im) == im))
				goto next;
		} else if (!lvl && pt_l0_run(f, c)) {
			if (!pt_l0_holes(f, tbl, idx, pt_index(f, 0, tlast)))
				return -EEXIST;
			goto next;
		}
		ilast = pt_pos_ilast(f, &p);
		pte = tbl ? pt_load(f, lvl, tbl, idx) : 0;
		kind = tbl ? pt_kind(f, lvl, pte) : SWMMU_ITEM_HOLE;
		if (pt_is_dual(f, lvl)) {
			struct pt_dual d;
			int ret;

			pt_dual_get(f, c->as, tbl, idx, &d);
			kind = pt_dual_kind(f, d.w0, d.w1);
			if (kind == SWMMU_ITEM_TABLE && c->forced_lvl == (int)lvl)
				return -EEXIST;
			/*
			 * A leaf of this level over a hole, or over an item whose tables are all
			 * empty (the largest leaf whatever the history), else the leaves below it.
			 * Other kinds are refused below, as at any level.
			 */
			k = kind == SWMMU_ITEM_TABLE ?
			    pt_replace_pick(f, c, lvl, tbl, idx, va, tlast, pa) :
			    kind == SWMMU_ITEM_HOLE ? pt_pick(f, c, lvl, tbl, idx, va, tlast, pa) : 0;
			if (k < 0) {
				ret = pt_dual_map_check(f, c, &d, va, ilast, delta);
				if (ret)
					return ret;
				goto next;
			}
			if (kind == SWMMU_ITEM_TABLE) {
				/* The commit pass unlinks the empty tables: nothing to count. */
				ilast = va + ((1ULL << (l->shift + k)) - 1);
				goto next;
			}
		}
		if (kind == SWMMU_ITEM_TABLE) {
			if (c->forced_lvl == (int)lvl)
				return -EEXIST;
			k = pt_replace_pick(f, c, lvl, tbl, idx, va, tlast, pa);
			if (k >= 0) {
				/* The commit pass unlinks the empty tables: nothing to count. */
				ilast = va + ((1ULL << (l->shift + k)) - 1);
				goto next;
			}
			pt_pos_enter(f, c->as, &p, pte);
			continue;
		}
		if (kind != SWMMU_ITEM_HOLE)
			return -EEXIST;
		k = pt_pick(f, c, lvl, tbl, idx, va, tlast, pa);
		if (k > 0 && tbl && !pt_free_items(f, c, lvl, tbl, idx, 1u << k, va))
			return -EEXIST;
		if (k < 0) {
			c->need[lvl - 1]++;
			pt_pos_push(&p, NULL, ilast);
			continue;
		}
		ilast = va + ((1ULL << (l->shift + k)) - 1);
next:
		if (!pt_pos_next(&p, ilast))
			return 0;
	}
}

static pt_cold void pt_write_leaf(const struct swmmu_format *f, const struct pt_ctx *c,
					  unsigned int lvl, void *tbl, unsigned int idx,
					  unsigned int k, u64 pa, unsigned int n)
{
	u64 v = c->attr[lvl], step = 0;

	if (!c->null) {
		v |= pt_oa_enc(f, pa);
		if (!k || pt_contig_steps(f))
			step = pt_oa_enc(f, pt_bit(f->level[lvl].shift));
	}
	if (k)
		v |= pt_contig_bits(f, lvl, k);
	pt_fill(f, lvl, tbl, idx, n, v, step);
}

/*
 * Take a pre-allocated table, initialise it and link it at tbl[idx] (which held the hole old).
 * With fill, the new table is a level-0 table entirely covered by the map: it is written with
 * its leaves (mapping pa) before it is published, and *filled says so.
 */
static pt_cold void *pt_link_new(const struct swmmu_format *f, struct pt_ctx *c,
					 unsigned int lvl, void *tbl, unsigned int idx, u64 old,
					 bool fill, u64 pa, bool *filled)
{
	void *child = c->pre[lvl - 1];
	u64 addr, pte;

	*filled = false;
	if (!child) {
		c->err = -ENOMEM;
		return NULL;
	}
	c->pre[lvl - 1] = *(void **)child;
	addr = ((u64 *)child)[1];
	if (fill)
		pt_fill_unpublished(f, 0, child, 1u << f->level[0].index_bits,
				    c->attr[0] | (c->null ? 0 : pt_oa_enc(f, pa)),
				    c->null ? 0 : pt_oa_enc(f, pt_bit(f->level[0].shift)));
	else
		memset(child, 0, (size_t)1 << pt_table_lg2(f, lvl - 1));
	if (pt_has_ext(f, lvl))
		pt_store_ext(f, tbl, idx, f->ext_table);
	/* The compare-and-swap is fully ordered: the table contents are visible before the link. */
	if (pt_cas(f, lvl, tbl, idx, old, c->tattr[lvl] | pt_oa_enc(f, addr))) {
		swmmu_table_account(c->as, lvl - 1, 1);
		*filled = fill;
		return child;
	}
	/* Lost a race with an operation on a disjoint range: use the winner's table. */
	*(void **)child = c->pre[lvl - 1];
	((u64 *)child)[1] = addr;
	c->pre[lvl - 1] = child;
	pte = pt_load(f, lvl, tbl, idx);
	if (pt_kind(f, lvl, pte) != SWMMU_ITEM_TABLE) {
		c->err = -EEXIST;
		return NULL;
	}
	return pt_child(f, c->as, pte);
}

/* Widen an existing table entry (SWMMU_MAP_TABLE_ADD). */
static void pt_table_widen(const struct swmmu_format *f, struct pt_ctx *c, unsigned int lvl,
			   void *tbl, unsigned int idx, u64 pte, u64 va, u64 last)
{
	u64 npte = (pte & ~c->tadd_clr) | c->tadd_set;

	if (npte == pte)
		return;
	pt_store(f, lvl, tbl, idx, npte);
	swmmu_pwc_invalidate(c->as);
	pt_gather_add(c->g, c->as, pt_canon(f, va), pt_canon(f, last), 1u << lvl);
}

/*
 * Link a pre-allocated, zeroed table of level cl (1: word 0, 0: word 1) into the dual item
 * tbl[idx], which held old in that word. Returns the table, or NULL with c->err set.
 */
static pt_cold void *pt_dual_link(const struct swmmu_format *f, struct pt_ctx *c,
					  void *tbl, unsigned int idx, unsigned int cl, u64 old)
{
	void *child = c->pre[cl];
	u64 addr, v, now;
	bool ok;

	if (!child) {
		c->err = -ENOMEM;
		return NULL;
	}
	c->pre[cl] = *(void **)child;
	addr = ((u64 *)child)[1];
	memset(child, 0, (size_t)1 << pt_table_lg2(f, cl));
	v = c->tattr[2] | pt_oa_enc(f, addr);
	/* Fully ordered: the zeroed table is visible before the link. */
	ok = cl ? pt_cas(f, 2, tbl, idx, old, v) : pt_cas2(f, tbl, idx, old, v);
	if (ok) {
		swmmu_table_account(c->as, cl, 1);
		return child;
	}
	/* Lost a race with an operation on a disjoint range: use the winner's table. */
	*(void **)child = c->pre[cl];
	((u64 *)child)[1] = addr;
	c->pre[cl] = child;
	now = cl ? pt_load(f, 2, tbl, idx) : pt_load2(f, tbl, idx);
	if ((cl ? pt_kind(f, 2, now) : pt_kind2(f, now)) != SWMMU_ITEM_TABLE) {
		c->err = -EEXIST;
		return NULL;
	}
	return pt_child(f, c->as, now);
}

/* Map pass 2 for [va, last] inside one dual item (checked by pt_dual_map_check()). */
static void pt_dual_map_commit(const struct swmmu_format *f, struct pt_ctx *c, void *tbl,
			       unsigned int idx, struct pt_dual *d, u64 va, u64 last, u64 delta)
{
	if (c->table_add) {
		if (d->big)
			pt_table_widen(f, c, 2, tbl, idx, d->w0, va, last);
		if (d->small && ((d->w1 & ~c->tadd_clr) | c->tadd_set) != d->w1) {
			pt_store_ext(f, tbl, idx, (d->w1 & ~c->tadd_clr) | c->tadd_set);
			swmmu_pwc_invalidate(c->as);
			pt_gather_add(c->g, c->as, pt_canon(f, va), pt_canon(f, last), 1u << 2);
		}
	}
	for (;;) {
		u64 be = va | pt_lowmask(f->level[1].shift), e = be < last ? be : last;
		u64 pa = va + delta;

		if (pt_dual_big(f, c, va, e, pa)) {
			if (!d->big)
				d->big = pt_dual_link(f, c, tbl, idx, 1, d->w0);
			if (!d->big)
				return;
			pt_write_leaf(f, c, 1, d->big, pt_index(f, 1, va), 0, pa, 1);
		} else {
			if (!d->small)
				d->small = pt_dual_link(f, c, tbl, idx, 0, d->w1);
			if (!d->small)
				return;
			pt_write_leaf(f, c, 0, d->small, pt_index(f, 0, va), 0, pa,
				      (unsigned int)((e - va) >> f->level[0].shift) + 1);
		}
		if (e == last)
			return;
		va = e + 1;
	}
}

/* Map pass 2: write leaves and link new tables. Cannot fail within the locking contract. */
static pt_cold void pt_map_commit(const struct swmmu_format *f, struct pt_ctx *c,
					  unsigned int lvl0, void *tbl0, u64 start, u64 last,
					  u64 pa0)
{
	u64 delta = pa0 - start;
	struct pt_pos p;

	pt_pos_init(&p, tbl0, lvl0, start, last);
	for (;;) {
		unsigned int lvl = p.lvl;
		const struct swmmu_level *l = &f->level[lvl];
		void *tbl = p.tbl[lvl];
		u64 va = p.va, pa = va + delta, tlast = p.last[lvl], ilast = tlast, pte;
		unsigned int idx = pt_index(f, lvl, va), n;
		enum swmmu_item_kind kind;
		int k;

		if (!lvl && pt_l0_run(f, c)) {
			/* Pass 1 saw only holes here and the caller holds the range. */
			pt_write_leaf(f, c, 0, tbl, idx, 0, pa,
				      (unsigned int)((tlast - va) >> l->shift) + 1);
			goto next;
		}
		n = pt_leaf_run(f, c, lvl, tbl, idx, va, tlast, pa);
		if (n) {
			pt_write_leaf(f, c, lvl, tbl, idx, 0, pa, n);
			ilast = va + (((u64)n << l->shift) - 1);
			goto next;
		}
		ilast = pt_pos_ilast(f, &p);
		pte = pt_load(f, lvl, tbl, idx);
		kind = pt_kind(f, lvl, pte);
		if (pt_is_dual(f, lvl)) {
			struct pt_dual d;

			pt_dual_get(f, c->as, tbl, idx, &d);
			kind = pt_dual_kind(f, d.w0, d.w1);
			/* As pass 1 chose (pt_map_check()). */
			k = kind == SWMMU_ITEM_TABLE ?
			    pt_replace_pick(f, c, lvl, tbl, idx, va, tlast, pa) :
			    kind == SWMMU_ITEM_HOLE ? pt_pick(f, c, lvl, tbl, idx, va, tlast, pa) : 0;
			if (k < 0) {
				pt_dual_map_commit(f, c, tbl, idx, &d, va, ilast, delta);
				if (c->err)
					return;
				goto next;
			}
			/* Empty tables that the leaf replaces (pass 1 checked them). */
			if (kind == SWMMU_ITEM_TABLE)
				goto leaf;
		}
		if (kind == SWMMU_ITEM_TABLE) {
			k = pt_replace_pick(f, c, lvl, tbl, idx, va, tlast, pa);
			if (k >= 0)
				goto leaf;
			if (c->table_add)
				pt_table_widen(f, c, lvl, tbl, idx, pte, va, ilast);
			pt_pos_enter(f, c->as, &p, pte);
			continue;
		}
		if (kind != SWMMU_ITEM_HOLE) {
			c->err = -EEXIST;	/* only when the caller broke the locking contract */
			return;
		}
		k = pt_pick(f, c, lvl, tbl, idx, va, tlast, pa);
		if (k < 0) {
			bool fill = lvl == 1 && pt_l0_run(f, c) && !(va & pt_lowmask(l->shift)) &&
				    (ilast & pt_lowmask(l->shift)) == pt_lowmask(l->shift), filled;
			void *child = pt_link_new(f, c, lvl, tbl, idx, pte, fill, pa, &filled);

			if (!child)
				return;
			if (filled)
				goto next;
			pt_pos_push(&p, child, ilast);
			continue;
		}
leaf:
		ilast = va + ((1ULL << (l->shift + k)) - 1);
		if (c->replace && (kind == SWMMU_ITEM_TABLE || k))
			swmmu_unlink_vacant(c->as, c->g, lvl, tbl, idx, 1u << k, va);
		pt_write_leaf(f, c, lvl, tbl, idx, k, pa, 1u << k);
next:
		if (!pt_pos_next(&p, ilast))
			return;
	}
}

static pt_cold void pt_free_pre(const struct swmmu_format *f, struct pt_ctx *c)
{
	unsigned int lvl;

#pragma GCC unroll PT_UNROLL
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		while (c->pre[lvl]) {
			void *t = c->pre[lvl];

			c->pre[lvl] = *(void **)t;
			swmmu_table_free(c->as, lvl, t, ((u64 *)t)[1]);
		}
	}
}

/* Allocate the tables counted in c->need; on failure nothing is left allocated. */
static pt_cold int pt_alloc_pre(const struct swmmu_format *f, struct pt_ctx *c)
{
	unsigned int lvl;

#pragma GCC unroll PT_UNROLL
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		for (; c->need[lvl]; c->need[lvl]--) {
			u64 addr;
			void *t = swmmu_table_alloc(c->as, lvl, &addr);

			if (!t) {
				pt_free_pre(f, c);
				return -ENOMEM;
			}
			*(void **)t = c->pre[lvl];
			((u64 *)t)[1] = addr;
			c->pre[lvl] = t;
		}
	}
	return 0;
}

/* Leaf and table bits for every level; -EOPNOTSUPP if a prot cannot be encoded. */
static pt_cold int pt_ctx_attrs(const struct swmmu_format *f, struct pt_ctx *c, u32 prot,
					u32 tprot)
{
	unsigned int lvl;
	int ret;

#pragma GCC unroll PT_UNROLL
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		if (f->level[lvl].flags & SWMMU_LVL_LEAF) {
			ret = pt_leaf_attr(f, lvl, prot, &c->attr[lvl]);
			if (ret)
				return ret;
		}
		if (f->level[lvl].flags & SWMMU_LVL_TABLE) {
			ret = pt_table_attr(f, lvl, tprot, &c->tattr[lvl]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Level and item count of a forced page size. */
static inline int pt_size_level(const struct swmmu_format *f, u64 pgsize, int *plvl,
				unsigned int *pk)
{
	unsigned int lvl, k;

	if (!pgsize || (pgsize & (pgsize - 1)))
		return -EINVAL;
	for (lvl = 0; lvl < f->nr_levels; lvl++) {
		const struct swmmu_level *l = &f->level[lvl];

		if (!(l->flags & SWMMU_LVL_LEAF))
			continue;
		for (k = 0; k < 32; k++) {
			if (k && !(l->contig & (1u << k)))
				continue;
			if (l->shift + k < 64 && pgsize == 1ULL << (l->shift + k)) {
				*plvl = (int)lvl;
				*pk = k;
				return 0;
			}
		}
	}
	return -EOPNOTSUPP;
}

/*
 * Fast path of map: automatic sizes, one segment lying inside one existing leaf-level table.
 * Returns PT_SLOW whenever the general path must decide (including every error but -EEXIST, so
 * errors keep their documented order).
 */
#define PT_SLOW	1

static pt_cold int pt_map_fast(const struct swmmu_format *f, struct swmmu_as *as,
				       u64 va, u64 pa, u64 len, u32 prot)
{
	const struct swmmu_level *l = &f->level[0];
	unsigned int lvl, idx, lidx;
	u64 start, last, attr;
	void *tbl;
	u32 eff;

	/* No contiguous entry fits if len is below the smallest one. */
	if (pt_dual(f) || (l->contig && len >> (l->shift + __builtin_ctz(l->contig))) ||
	    !len || ((va | pa | len) & pt_lowmask(l->shift)) ||
	    pt_range(f, va, len, &start, &last) || pa + (len - 1) < pa ||
	    !pt_oa_ok(f, pa + (len - 1)) || !pt_in_l0(f, start, last))
		return PT_SLOW;
	if (!pt_leaf_memo_get(f, as, prot, &attr)) {
		if ((prot & SWMMU_PROT_NULL) || pt_leaf_prot_ok(f, prot) ||
		    pt_leaf_attr(f, 0, prot, &attr))
			return PT_SLOW;
		pt_leaf_memo_put(f, as, prot, attr);
	}
	tbl = pt_walk_to(f, as, start, true, &lvl, &eff);
	if (lvl)
		return PT_SLOW;
	idx = pt_index(f, 0, start);
	lidx = pt_index(f, 0, last);
	if (!pt_l0_holes(f, tbl, idx, lidx))
		return -EEXIST;
	pt_fill(f, 0, tbl, idx, lidx - idx + 1, attr | pt_oa_enc(f, pa), pt_oa_enc(f, pt_bit(l->shift)));
	return 0;
}

/*
 * Map of exactly one smallest page: validation, one cached or walked descent and one store.
 * PT_SLOW when the general path must decide (as pt_map_fast()).
 */
static pt_inline int pt_map_one(const struct swmmu_format *f, struct swmmu_as *as, u64 va,
				      u64 pa, u32 prot, bool walk)
{
	u64 m = pt_lowmask(f->level[0].shift), ia, attr;
	unsigned int idx;
	void *tbl;
	u32 eff;

	if (pt_dual(f) || ((va | pa) & m) || !pt_as_va_to_ia(as, va, &ia) ||
	    !pt_oa_ok(f, pa | m))
		return PT_SLOW;
	if (!pt_leaf_memo_get(f, as, prot, &attr)) {
		if (!walk || (prot & SWMMU_PROT_NULL) || pt_leaf_prot_ok(f, prot) ||
		    pt_leaf_attr(f, 0, prot, &attr))
			return PT_SLOW;
		pt_leaf_memo_put(f, as, prot, attr);
	}
	tbl = pt_l0_table(f, as, ia, walk, &eff);
	if (!tbl)
		return PT_SLOW;
	idx = pt_index(f, 0, ia);
	if (pt_kind(f, 0, pt_load(f, 0, tbl, idx)) != SWMMU_ITEM_HOLE)
		return -EEXIST;
	if (pt_has_ext(f, 0))
		pt_store_ext(f, tbl, idx, f->ext_leaf);
	pt_store(f, 0, tbl, idx, attr | pt_oa_enc(f, pa));
	return 0;
}

static pt_cold int pt_map(const struct swmmu_format *f, struct swmmu_as *as,
				  const struct swmmu_map_req *req)
{
	const struct swmmu_map_opts *o = req->opts;
	u32 tprot = o && (o->flags & SWMMU_MAP_TABLE_PROT) ? o->table_prot : as->table_prot;
	u64 gran, total = 0, start, last, va, slast;
	struct pt_ctx c;
	unsigned int i, lvl;
	void *tbl;
	int ret;

	ret = pt_leaf_prot_ok(f, req->prot);
	if (ret)
		return ret;
	if (o && (o->flags & ~(SWMMU_MAP_TABLE_PROT | SWMMU_MAP_TABLE_ADD)))
		return -EINVAL;
	c.as = as;
	c.null = req->prot & SWMMU_PROT_NULL;
	c.err = 0;
	c.forced_lvl = -1;
	c.forced_k = 0;
	c.g = o ? o->gather : NULL;
	c.table_add = o && (o->flags & SWMMU_MAP_TABLE_ADD);
	c.tadd_set = 0;
	c.tadd_clr = 0;
#pragma GCC unroll PT_UNROLL
	for (lvl = 0; lvl < SWMMU_MAX_LEVELS; lvl++) {
		c.need[lvl] = 0;
		c.pre[lvl] = NULL;
	}
	ret = pt_ctx_attrs(f, &c, req->prot, tprot);
	if (ret)
		return ret;
	if (c.table_add) {
		ret = pt_perm_bits(&f->table_perm, tprot & SWMMU_PROT_PERMS, &c.tadd_set);
		if (ret)
			return ret;
		for (i = 0; i < SWMMU_NR_PERMS; i++)
			if (tprot & (1u << i))
				c.tadd_clr |= f->table_perm.clr[i];
		c.tadd_set &= ~c.tadd_clr;
	}
	gran = pt_bit(pt_min_leaf_shift(f));
	if (o && o->pgsize) {
		ret = pt_size_level(f, o->pgsize, &c.forced_lvl, &c.forced_k);
		if (ret)
			return ret;
		gran = o->pgsize;
	}
	/* Automatic sizes with a gather to free tables through: the largest leaf, always. */
	c.replace = c.g && c.forced_lvl < 0;
	if (!req->nr_segs)
		return -EINVAL;
	for (i = 0; i < req->nr_segs; i++) {
		const struct swmmu_seg *s = &req->segs[i];

		if (!s->len || (s->len & (gran - 1)) || (!c.null && (s->pa & (gran - 1))))
			return -EINVAL;
		if (total + s->len < total)
			return -EOVERFLOW;	/* the segments add up past 2^64: a wrapping range */
		total += s->len;
	}
	if (req->va & (gran - 1))
		return -EINVAL;
	ret = pt_range(f, req->va, total, &start, &last);
	if (ret)
		return ret;
	for (i = 0; i < req->nr_segs && !c.null; i++) {
		const struct swmmu_seg *s = &req->segs[i];

		if (s->pa + (s->len - 1) < s->pa || !pt_oa_ok(f, s->pa + (s->len - 1)))
			return -ERANGE;
	}

	/* Replacing: a leaf may belong above the lowest table holding the range. */
	if (req->nr_segs == 1 && !c.table_add && !c.replace) {
		/* A forced size must meet any table in its slot: do not descend past its level. */
		tbl = pt_descend_common(f, as, start, last,
					c.forced_lvl < 0 ? 0 : (unsigned int)c.forced_lvl, &lvl);
	} else {
		tbl = as->root_cpu;
		lvl = pt_top(f);
	}
	for (i = 0, va = start; i < req->nr_segs; i++) {
		const struct swmmu_seg *s = &req->segs[i];

		slast = va + (s->len - 1);
		ret = pt_map_check(f, &c, lvl, tbl, va, slast, c.null ? va : s->pa);
		if (ret)
			return ret;
		va = slast + 1;
	}
	ret = pt_alloc_pre(f, &c);
	if (ret)
		return ret;
	for (i = 0, va = start; i < req->nr_segs && !c.err; i++) {
		const struct swmmu_seg *s = &req->segs[i];

		slast = va + (s->len - 1);
		pt_map_commit(f, &c, lvl, tbl, va, slast, c.null ? va : s->pa);
		va = slast + 1;
	}
	pt_free_pre(f, &c);
	return c.err;
}

/* Rewrite the attributes of one leaf item, keeping the bits in keep (and A/D a device sets). */
static pt_cold void pt_protect_one(const struct swmmu_format *f, unsigned int lvl,
					   void *tbl, unsigned int idx, u64 keep, u64 attr)
{
	u64 old = pt_load(f, lvl, tbl, idx), v;

	for (;;) {
		v = (old & keep) | attr;
		if (v == old)
			break;
		if (!(f->accessed | f->dirty)) {
			pt_store(f, lvl, tbl, idx, v);
			break;
		}
		/* Keep accessed/dirty bits a device sets meanwhile. */
		if (pt_cas(f, lvl, tbl, idx, old, v))
			break;
		old = pt_load(f, lvl, tbl, idx);
	}
}

/*
 * Unmap (c NULL) or protect (c the attributes) every leaf under one dual item inside [va, last];
 * no leaf is cut (the edges were split). Returns bytes of leaves seen, ORs the changed levels.
 */
static u64 pt_dual_range(const struct swmmu_format *f, const struct swmmu_as *as,
			 const struct pt_ctx *c, void *tbl, unsigned int idx, u64 va, u64 last,
			 u32 *levels)
{
	unsigned int i, e, lvl;
	struct pt_dual d;
	u64 bytes = 0;

	pt_dual_get(f, as, tbl, idx, &d);
	if (pt_dual_kind(f, d.w0, d.w1) != SWMMU_ITEM_TABLE)
		return 0;
	for (lvl = 0; lvl < 2; lvl++) {
		void *t = lvl ? d.big : d.small;
		u64 keep = pt_oa_enc(f, ~pt_lowmask(f->level[lvl].shift)) | f->accessed | f->dirty;
		u64 attr = c ? c->attr[lvl] & ~(f->accessed | f->dirty) : 0;
		unsigned int n = 0;

		if (!t)
			continue;
		e = pt_index(f, lvl, last);
		if (!c && !lvl) {
			n = pt_l0_clear(f, t, pt_index(f, 0, va), e);
		} else {
			for (i = pt_index(f, lvl, va); i <= e; i++) {
				u64 pte = pt_load(f, lvl, t, i);

				if (pt_kind(f, lvl, pte) != SWMMU_ITEM_LEAF)
					continue;
				n++;
				if (!c)
					pt_clear(f, lvl, t, i);
				else if (!pt_is_null(f, lvl, pte))
					pt_protect_one(f, lvl, t, i, keep, attr);
			}
		}
		if (n)
			*levels |= 1u << lvl;
		bytes += (u64)n << f->level[lvl].shift;
	}
	return bytes;
}

/*
 * Split the level-1 leaf of a dual item that addr cuts into level-0 leaves in the level-0 table
 * (linked from c->pre[0] if there is none). The level-0 leaves are written first, under the
 * level-1 leaf that still hides them; clearing the level-1 leaf then switches a walker over.
 */
static void pt_dual_split(const struct swmmu_format *f, struct pt_ctx *c, void *tbl,
			  unsigned int idx, u64 addr, bool end)
{
	unsigned int s1 = f->level[1].shift, s0 = f->level[0].shift, bi, first, n;
	struct pt_dual d;
	u64 bpte, start;

	pt_dual_get(f, c->as, tbl, idx, &d);
	if (!d.big || !((end ? ~addr : addr) & pt_lowmask(s1)))
		return;
	bi = pt_index(f, 1, addr);
	bpte = pt_load(f, 1, d.big, bi);
	if (pt_kind(f, 1, bpte) != SWMMU_ITEM_LEAF)
		return;
	if (!d.small)
		d.small = pt_dual_link(f, c, tbl, idx, 0, d.w1);
	if (!d.small)
		return;
	start = addr & ~pt_lowmask(s1);
	first = pt_index(f, 0, start);
	n = 1u << (s1 - s0);
	for (;;) {
		u32 prot = pt_leaf_prot(f, 1, bpte);
		u64 attr, ad = bpte & (f->accessed | f->dirty);

		if (pt_leaf_attr(f, 0, prot, &attr)) {
			c->err = -EOPNOTSUPP;
			return;
		}
		if (prot & SWMMU_PROT_NULL)
			pt_fill(f, 0, d.small, first, n, attr, 0);
		else
			pt_fill(f, 0, d.small, first, n, (attr & ~f->accessed) | ad |
				pt_oa_enc(f, pt_oa_dec(f, bpte) & ~pt_lowmask(s1)),
				pt_oa_enc(f, pt_bit(s0)));
		if (pt_cas(f, 1, d.big, bi, bpte, 0))
			break;
		/* The device set accessed/dirty meanwhile: rebuild from the new value. */
		bpte = pt_load(f, 1, d.big, bi);
	}
	pt_gather_add(c->g, c->as, pt_canon(f, start), pt_canon(f, start | pt_lowmask(s1)), 3);
}

/*
 * Boundary check for unmap/protect: does the leaf entry holding addr start before it (!end) or
 * end after it (end)? Counts in need[] the tables a split would take. Returns 1 if cut, 0 if not,
 * -EINVAL if the leaf cannot be split.
 */
static pt_cold int pt_cut_scan(const struct swmmu_format *f, const struct swmmu_as *as, void *tbl,
			       unsigned int lvl, u64 addr, bool end, unsigned int *need)
{
	struct pt_path at;
	struct pt_pos p;
	unsigned int s;
	u64 m, pte;

	pt_pos_init(&p, tbl, lvl, addr, addr);
	pte = swmmu_descend(as, &p, 0, &at);
	lvl = p.lvl;
	if (pt_is_dual(f, lvl)) {
		struct pt_dual d;

		pt_dual_get(f, as, p.tbl[lvl], pt_index(f, lvl, addr), &d);
		if (pt_dual_kind(f, d.w0, d.w1) == SWMMU_ITEM_TABLE) {
			/* Only a level-1 leaf can be cut; it splits into the level-0 table. */
			if (!d.big || !((end ? ~addr : addr) & pt_lowmask(f->level[1].shift)) ||
			    pt_kind(f, 1, pt_load(f, 1, d.big, pt_index(f, 1, addr))) !=
			    SWMMU_ITEM_LEAF)
				return 0;
			need[0] += !d.small;
			return 1;
		}
	}
	if (pt_kind(f, lvl, pte) != SWMMU_ITEM_LEAF)
		return 0;
	m = pt_lowmask(f->level[lvl].shift + pt_leaf_k(f, lvl, pte));
	if (!((end ? ~addr : addr) & m))
		return 0;
	/* Contiguous entries split in place; then whole items into tables. */
	for (s = lvl; s > 0; s--) {
		m = pt_lowmask(f->level[s].shift);
		if (!((end ? ~addr : addr) & m))
			break;
		if (!(f->level[s - 1].flags & SWMMU_LVL_LEAF))
			return -EINVAL;
		need[s - 1]++;
	}
	return 1;
}

/* Replace the leaf item tbl[idx] of level lvl by a table of leaves of level lvl - 1. */
static void pt_split_item(const struct swmmu_format *f, struct pt_ctx *c, unsigned int lvl,
			  void *tbl, unsigned int idx, u64 ia)
{
	unsigned int cl = lvl - 1;
	u64 pte = pt_load(f, lvl, tbl, idx);

	for (;;) {
		u32 prot = pt_leaf_prot(f, lvl, pte);
		void *child = c->pre[cl];
		u64 attr, addr, oa, ad = pte & (f->accessed | f->dirty);

		if (!child || pt_leaf_attr(f, cl, prot, &attr)) {
			c->err = -ENOMEM;
			return;
		}
		c->pre[cl] = *(void **)child;
		addr = ((u64 *)child)[1];
		/*
		 * The fill writes word 0 of a dual item (SWMMU_LVL_DUAL) only; word 1, its level-0
		 * table, must be zero (pre-allocated tables are not zeroed).
		 */
		if (pt_is_dual(f, cl))
			memset(child, 0, (size_t)1 << pt_table_lg2(f, cl));
		oa = pt_oa_dec(f, pte) & ~pt_lowmask(f->level[lvl].shift);
		if (prot & SWMMU_PROT_NULL)
			pt_fill(f, cl, child, 0, 1u << f->level[cl].index_bits, attr, 0);
		else
			pt_fill(f, cl, child, 0, 1u << f->level[cl].index_bits,
				(attr & ~f->accessed) | ad | pt_oa_enc(f, oa),
				pt_oa_enc(f, pt_bit(f->level[cl].shift)));
		if (pt_has_ext(f, lvl))
			pt_store_ext(f, tbl, idx, f->ext_table);
		if (pt_cas(f, lvl, tbl, idx, pte, c->tattr[lvl] | pt_oa_enc(f, addr))) {
			u64 s = ia & ~pt_lowmask(f->level[lvl].shift);

			swmmu_table_account(c->as, cl, 1);
			pt_gather_add(c->g, c->as, pt_canon(f, s),
					 pt_canon(f, s + pt_lowmask(f->level[lvl].shift)),
					 1u << lvl);
			return;
		}
		/* The device set accessed/dirty meanwhile: rebuild from the new value. */
		*(void **)child = c->pre[cl];
		((u64 *)child)[1] = addr;
		c->pre[cl] = child;
		pte = pt_load(f, lvl, tbl, idx);
	}
}

/* Rewrite the contiguous entry holding tbl[idx] as single items. */
static void pt_split_contig(const struct swmmu_format *f, struct pt_ctx *c, unsigned int lvl,
			    void *tbl, unsigned int idx, u64 ia)
{
	const struct swmmu_level *l = &f->level[lvl];
	u64 pte = pt_load(f, lvl, tbl, idx);
	unsigned int k = pt_leaf_k(f, lvl, pte), n = 1u << k, first = idx & ~(n - 1), i;
	u64 oa = pt_oa_dec(f, pte) & ~pt_lowmask(l->shift + k);
	u64 keep = ~(f->contig_mask | f->contig_val | (pt_lowmask(f->oa_width) << f->oa_pte_lo));
	u64 s = ia & ~pt_lowmask(l->shift + k);

	for (i = 0; i < n; i++) {
		u64 v = pt_load(f, lvl, tbl, first + i);
		bool null = pt_is_null(f, lvl, v);

		v &= keep;
		if (!null)
			v |= pt_oa_enc(f, oa + ((u64)i << l->shift));
		if (f->contig_kind == SWMMU_CONTIG_NAPOT_ONES)
			v |= l->leaf_val;
		pt_store(f, lvl, tbl, first + i, v);
	}
	pt_gather_add(c->g, c->as, pt_canon(f, s), pt_canon(f, s + pt_lowmask(l->shift + k)),
			 1u << lvl);
}

/* Split every leaf cut at addr (pre-allocated tables in c->pre). */
static pt_cold void pt_split_at(const struct swmmu_format *f, struct pt_ctx *c, u64 addr, bool end)
{
	struct pt_path at;
	struct pt_pos p;

	pt_pos_init(&p, c->as->root_cpu, pt_top(f), addr, addr);
	while (!c->err) {
		unsigned int idx, lvl;
		u64 k, pte;
		void *tbl;

		/*
		 * Down to the leaf holding addr; a split leaf becomes a table, which the next
		 * descent from the same item enters.
		 */
		pte = swmmu_descend(c->as, &p, 0, &at);
		tbl = p.tbl[p.lvl];
		lvl = p.lvl;
		idx = pt_index(f, lvl, addr);
		if (pt_is_dual(f, lvl) &&
		    pt_dual_kind(f, pte, pt_load2(f, tbl, idx)) == SWMMU_ITEM_TABLE) {
			pt_dual_split(f, c, tbl, idx, addr, end);
			return;
		}
		if (pt_kind(f, lvl, pte) != SWMMU_ITEM_LEAF)
			return;
		k = pt_leaf_k(f, lvl, pte);
		if (k && ((end ? ~addr : addr) & pt_lowmask(f->level[lvl].shift + k)))
			pt_split_contig(f, c, lvl, tbl, idx, addr);
		if (!((end ? ~addr : addr) & pt_lowmask(f->level[lvl].shift)) || lvl == 0)
			return;
		pt_split_item(f, c, lvl, tbl, idx, addr);
	}
}

int swmmu_split_edges(struct pt_ctx *c, u64 start, u64 last);

/* Unmap/protect preamble: range, alignment and boundaries (splitting if asked). */
static pt_cold int pt_edges(const struct swmmu_format *f, struct pt_ctx *c, u64 va,
				    u64 len, u32 flags, u64 *start, u64 *last, void **tbl,
				    unsigned int *lvl)
{
	u64 gran = pt_bit(pt_min_leaf_shift(f));
	unsigned int i;
	int ret, cut;

	if (flags & ~(SWMMU_UNMAP_SPLIT | SWMMU_UNMAP_FREE_EMPTY))
		return -EINVAL;
	if (!len || ((va | len) & (gran - 1)))
		return -EINVAL;
	ret = pt_range(f, va, len, start, last);
	if (ret)
		return ret;
#pragma GCC unroll PT_UNROLL
	for (i = 0; i < SWMMU_MAX_LEVELS; i++) {
		c->need[i] = 0;
		c->pre[i] = NULL;
	}
	c->err = 0;
	*tbl = pt_descend_common(f, c->as, *start, *last, 0, lvl);
	ret = pt_cut_scan(f, c->as, *tbl, *lvl, *start, false, c->need);
	if (ret < 0)
		return ret;
	cut = pt_cut_scan(f, c->as, *tbl, *lvl, *last, true, c->need);
	if (cut < 0)
		return cut;
	if (!ret && !cut)
		return 0;
	if (!(flags & SWMMU_UNMAP_SPLIT))
		return -EINVAL;
	ret = swmmu_split_edges(c, *start, *last);
	if (ret)
		return ret;
	*tbl = pt_descend_common(f, c->as, *start, *last, 0, lvl);
	return 0;
}

/*
 * The splitting part of pt_edges(), compiled once (in swmmu_generic.c) for every format: it
 * reads the format at run time, since a split is rare next to the walks around it.
 */
static pt_cold int pt_split_edges(const struct swmmu_format *f, struct pt_ctx *c,
					  u64 start, u64 last)
{
	unsigned int i;
	int ret;

	for (i = 0; i < f->nr_levels; i++)
		if (f->level[i].flags & SWMMU_LVL_TABLE)
			if (pt_table_attr(f, i, c->as->table_prot, &c->tattr[i]))
				return -EOPNOTSUPP;
	ret = pt_alloc_pre(f, c);
	if (ret)
		return ret;
	pt_split_at(f, c, start, false);
	pt_split_at(f, c, last, true);
	pt_free_pre(f, c);
	return c->err;
}

/* Clear every leaf in [start, last] (no leaf is cut); returns bytes, ORs changed levels. */
static pt_cold u64 pt_unmap_range(const struct swmmu_format *f, struct swmmu_as *as,
					  unsigned int lvl0, void *tbl0, u64 start, u64 last,
					  u32 *levels)
{
	struct pt_pos p;
	u64 bytes = 0;

	pt_pos_init(&p, tbl0, lvl0, start, last);
	for (;;) {
		unsigned int lvl = p.lvl, idx = pt_index(f, lvl, p.va), i, n;
		const struct swmmu_level *l = &f->level[lvl];
		void *tbl = p.tbl[lvl];
		u64 ilast = p.last[lvl], pte;
		enum swmmu_item_kind kind;

		if (!lvl) {
			/* The edges were checked: every leaf entry here lies inside the range. */
			unsigned int cnt = pt_l0_clear(f, tbl, idx, pt_index(f, 0, ilast));

			if (cnt)
				*levels |= 1;
			bytes += (u64)cnt << l->shift;
			goto next;
		}
		ilast = pt_pos_ilast(f, &p);
		pte = pt_load(f, lvl, tbl, idx);
		kind = pt_kind(f, lvl, pte);
		if (pt_is_dual(f, lvl) && kind != SWMMU_ITEM_LEAF) {
			bytes += pt_dual_range(f, as, NULL, tbl, idx, p.va, ilast, levels);
			goto next;
		}
		if (kind == SWMMU_ITEM_TABLE) {
			pt_pos_enter(f, as, &p, pte);
			continue;
		}
		if (kind == SWMMU_ITEM_LEAF) {
			n = 1u << pt_leaf_k(f, lvl, pte);
			for (i = 0; i < n; i++)
				pt_clear(f, lvl, tbl, idx + i);
			ilast = p.va + (((u64)n << l->shift) - 1);
			bytes += (u64)n << l->shift;
			*levels |= 1u << lvl;
		}
next:
		if (!pt_pos_next(&p, ilast))
			return bytes;
	}
}

/*
 * Fast path of unmap: no flags, the range inside one leaf-level table and no contiguous leaf in
 * it (so no leaf can be cut). PT_SLOW otherwise.
 */
/* Unmap of exactly one smallest page at an aligned va, without flags; PT_SLOW as below. */
static pt_inline int pt_unmap_one(const struct swmmu_format *f, struct swmmu_as *as, u64 va,
					struct swmmu_gather *g, u64 *unmapped, bool walk)
{
	u64 m = pt_lowmask(f->level[0].shift), ia, pte;
	unsigned int idx;
	void *tbl;
	u32 eff;

	if (pt_dual(f) || !pt_as_va_to_ia(as, va, &ia))
		return PT_SLOW;
	tbl = pt_l0_table(f, as, ia, walk, &eff);
	if (!tbl)
		return PT_SLOW;
	idx = pt_index(f, 0, ia);
	pte = pt_load(f, 0, tbl, idx);
	if (pt_kind(f, 0, pte) != SWMMU_ITEM_LEAF) {
		if (unmapped)
			*unmapped = 0;
		return -ENOENT;
	}
	/* A contiguous entry would be cut: the general path decides. */
	if (f->level[0].contig && pt_leaf_k(f, 0, pte))
		return PT_SLOW;
	pt_clear(f, 0, tbl, idx);
	if (unmapped)
		*unmapped = m + 1;
	/* va is canonical, and so is the page's last byte. */
	pt_gather_add(g, as, va & ~m, va | m, 1);
	return 0;
}

static pt_cold int pt_unmap_fast(const struct swmmu_format *f, struct swmmu_as *as,
					 u64 va, u64 len, u32 flags, struct swmmu_gather *g,
					 u64 *unmapped)
{
	u64 m = pt_lowmask(f->level[0].shift), start, last;
	unsigned int lvl, n;
	void *tbl;
	u32 eff;

	if (pt_dual(f) || flags || !len || ((va | len) & m) || pt_range(f, va, len, &start, &last) ||
	    !pt_in_l0(f, start, last))
		return PT_SLOW;
	tbl = pt_walk_to(f, as, start, true, &lvl, &eff);
	if (lvl)
		return PT_SLOW;
	if (f->level[0].contig) {
		/* A contiguous entry could be cut: leave those to the general path. */
		unsigned int i;

		for (i = pt_index(f, 0, start); i <= pt_index(f, 0, last); i++) {
			u64 pte = pt_load(f, 0, tbl, i);

			if (pt_kind(f, 0, pte) == SWMMU_ITEM_LEAF && pt_leaf_k(f, 0, pte))
				return PT_SLOW;
		}
	}
	n = pt_l0_clear(f, tbl, pt_index(f, 0, start), pt_index(f, 0, last));
	if (unmapped)
		*unmapped = (u64)n << f->level[0].shift;
	if (!n)
		return -ENOENT;
	pt_gather_add(g, as, pt_canon(f, start), pt_canon(f, last), 1);
	return 0;
}

static pt_cold int pt_unmap(const struct swmmu_format *f, struct swmmu_as *as, u64 va,
				    u64 len, u32 flags, struct swmmu_gather *g, u64 *unmapped)
{
	struct pt_ctx c;
	u64 start, last, bytes;
	u32 levels = 0;
	unsigned int lvl;
	void *tbl;
	int ret;

	if (unmapped)
		*unmapped = 0;
	c.as = as;
	c.g = g;
	ret = pt_edges(f, &c, va, len, flags, &start, &last, &tbl, &lvl);
	if (ret)
		return ret;
	bytes = pt_unmap_range(f, as, lvl, tbl, start, last, &levels);
	if (unmapped)
		*unmapped = bytes;
	if (bytes)
		pt_gather_add(g, as, pt_canon(f, start), pt_canon(f, last), levels);
	if (flags & SWMMU_UNMAP_FREE_EMPTY)
		swmmu_free_empty_ia(as, start, last, start, last, g);
	return bytes ? 0 : -ENOENT;
}

/* Rewrite the permissions of every leaf in [start, last]; returns bytes of leaves seen. */
/*
 * Protect items [idx, e] of a level-0 table when every one is a plain leaf or zero, the common
 * case, with the attributes computed once: the cold path reads the format at run time, and per
 * item that would dominate. False, with nothing changed, when some item is anything else (or the
 * format has null or size-pattern entries): the caller then goes item by item.
 */
static pt_cold bool pt_l0_protect_run(const struct swmmu_format *f, const struct pt_ctx *c,
				      void *tbl, unsigned int idx, unsigned int e, u64 *bytes,
				      u32 *levels)
{
	const struct swmmu_level *l = &f->level[0];
	u64 lmask = l->leaf_mask, lval = l->leaf_val, keep, attr;
	const u64 *p = (const u64 *)tbl;
	unsigned int i, n = 0;

	if (pt_esz(f, 0) != 3 || (f->flags & SWMMU_FMT_BIG_ENDIAN) || (l->flags & SWMMU_LVL_TABLE) ||
	    f->null_mask || !(lval & f->present) ||
	    (f->contig_kind && f->contig_kind != SWMMU_CONTIG_HINT))
		return false;
	for (i = idx; i <= e; i++)
		if (p[i] && (p[i] & lmask) != lval)
			return false;
	/* As pt_protect_range() for a level-0 leaf (a contiguous hint stays as it is). */
	attr = c->attr[0] & ~(f->accessed | f->dirty);
	keep = pt_oa_enc(f, ~pt_lowmask(l->shift)) | f->contig_mask | f->contig_val |
	       f->accessed | f->dirty;
	for (i = idx; i <= e; i++) {
		if (!p[i])
			continue;
		pt_protect_one(f, 0, tbl, i, keep, attr);
		n++;
	}
	*bytes += (u64)n << l->shift;
	if (n)
		*levels |= 1;
	return true;
}

static pt_cold u64 pt_protect_range(const struct swmmu_format *f, const struct pt_ctx *c,
					    unsigned int lvl0, void *tbl0, u64 start, u64 last,
					    u32 *levels)
{
	struct pt_pos p;
	u64 bytes = 0;

	pt_pos_init(&p, tbl0, lvl0, start, last);
	for (;;) {
		unsigned int lvl = p.lvl, idx = pt_index(f, lvl, p.va), i, n;
		const struct swmmu_level *l = &f->level[lvl];
		u64 attr = c->attr[lvl] & ~(f->accessed | f->dirty);
		/* OA bits below the item size are attributes (x86 PAT in large leaves). */
		u64 keep = pt_oa_enc(f, ~pt_lowmask(l->shift)) | f->contig_mask | f->contig_val |
			   f->accessed | f->dirty;
		void *tbl = p.tbl[lvl];
		u64 ilast, pte;
		enum swmmu_item_kind kind;

		if (!lvl && pt_l0_protect_run(f, c, tbl, idx, pt_index(f, 0, p.last[0]), &bytes,
					      levels)) {
			ilast = p.last[0];
			goto next;
		}
		ilast = pt_pos_ilast(f, &p);
		pte = pt_load(f, lvl, tbl, idx);
		kind = pt_kind(f, lvl, pte);

		if (pt_is_dual(f, lvl) && kind != SWMMU_ITEM_LEAF) {
			bytes += pt_dual_range(f, c->as, c, tbl, idx, p.va, ilast, levels);
			goto next;
		}
		if (kind == SWMMU_ITEM_TABLE) {
			pt_pos_enter(f, c->as, &p, pte);
			continue;
		}
		if (kind == SWMMU_ITEM_LEAF) {
			n = 1u << pt_leaf_k(f, lvl, pte);
			/* An AMD-style size pattern lies below the item size: keep it. */
			if (n > 1 && f->contig_kind == SWMMU_CONTIG_NAPOT_ONES)
				keep |= pt_oa_enc(f, ~pt_lowmask(f->level[0].shift));
			for (i = 0; i < n && !pt_is_null(f, lvl, pte); i++)
				pt_protect_one(f, lvl, tbl, idx + i, keep, attr);
			ilast = p.va + (((u64)n << l->shift) - 1);
			bytes += (u64)n << l->shift;
			*levels |= 1u << lvl;
		}
next:
		if (!pt_pos_next(&p, ilast))
			return bytes;
	}
}

static pt_cold int pt_protect(const struct swmmu_format *f, struct swmmu_as *as, u64 va,
				      u64 len, u32 prot, u32 flags, struct swmmu_gather *g)
{
	struct pt_ctx c;
	u64 start, last, bytes;
	u32 levels = 0;
	unsigned int lvl;
	void *tbl;
	int ret;

	if (prot & SWMMU_PROT_NULL)
		return -EINVAL;
	ret = pt_leaf_prot_ok(f, prot);
	if (ret)
		return ret;
	if (flags & SWMMU_UNMAP_FREE_EMPTY)
		return -EINVAL;
	c.as = as;
	c.g = g;
	ret = pt_ctx_attrs(f, &c, prot, as->table_prot);
	if (ret)
		return ret;
	ret = pt_edges(f, &c, va, len, flags, &start, &last, &tbl, &lvl);
	if (ret)
		return ret;
	bytes = pt_protect_range(f, &c, lvl, tbl, start, last, &levels);
	if (!bytes)
		return -ENOENT;
	pt_gather_add(g, as, pt_canon(f, start), pt_canon(f, last), levels);
	return 0;
}

/*
 * Lookup under a dual item: the level-1 item decides unless it is a hole, then the level-0 item
 * does (what the hardware's choice by page size amounts to). all/any: the table entries above.
 */
static int pt_dual_lookup(const struct swmmu_format *f, const struct swmmu_as *as, void *tbl,
			  unsigned int idx, u64 ia, u64 all, u64 any, void **ptbl,
			  unsigned int *plvl, struct swmmu_xlate *out)
{
	unsigned int lvl = 1;
	struct pt_dual d;
	u64 pte = 0, w;
	void *t;

	pt_dual_get(f, as, tbl, idx, &d);
	if (pt_dual_kind(f, d.w0, d.w1) != SWMMU_ITEM_TABLE)
		return -ENOENT;
	t = d.big;
	w = d.w0;
	if (t)
		pte = pt_load(f, 1, t, pt_index(f, 1, ia));
	if (!t || (pt_kind(f, 1, pte) == SWMMU_ITEM_HOLE && d.small)) {
		lvl = 0;
		t = d.small;
		w = d.w1;
		pte = pt_load(f, 0, t, pt_index(f, 0, ia));
	}
	if (pt_kind(f, lvl, pte) != SWMMU_ITEM_LEAF)
		return -ENOENT;
	pt_fill_xlate(f, lvl, ia, pte, pt_path_prot(f, all & w, any | w), out);
	*ptbl = t;
	*plvl = lvl;
	return 0;
}

/*
 * Lock-free lookup of the leaf translating ia: walk (or take the cached level-0 table), then
 * decode the item. The decoding is unrolled over the levels so that every level's descriptor
 * fields are constants in a specialised instance.
 */
static pt_cold int pt_lookup_fill(const struct swmmu_format *f, const struct swmmu_as *as,
					  u64 ia, bool cached, void **ptbl, unsigned int *plvl,
					  struct swmmu_xlate *out)
{
	u64 gen = pt_pwc_gen(as), pte;
	enum swmmu_item_kind kind;
	struct pt_path at;
	struct pt_pos p;
	unsigned int lvl;
	u32 eff;
	void *tbl;

	if (cached && pt_pwc_lookup(f, as, gen, ia, &tbl, &eff)) {
		pte = pt_load(f, 0, tbl, pt_index(f, 0, ia));
		if (pt_kind(f, 0, pte) != SWMMU_ITEM_LEAF)
			return -ENOENT;
		pt_fill_xlate(f, 0, ia, pte, eff, out);
		*ptbl = tbl;
		*plvl = 0;
		return 0;
	}
	pte = pt_descend_root(as, &p, ia, 0, &at);
	lvl = p.lvl;
	tbl = p.tbl[lvl];
	/*
	 * A reader replaces a live slot on one miss in 64 (by page number): the cache follows a
	 * moving working set without a compare-and-swap (a full barrier) on every miss of a
	 * working set larger than the cache.
	 */
	if (!lvl && pt_top(f))
		pt_pwc_fill(f, as, gen, ia, tbl, at.all, at.any,
			    !((ia >> f->level[0].shift) & 63));
	kind = pt_kind(f, lvl, pte);
	if (pt_is_dual(f, lvl) && kind != SWMMU_ITEM_LEAF)
		return pt_dual_lookup(f, as, tbl, pt_index(f, lvl, ia), ia, at.all, at.any,
				      ptbl, plvl, out);
	if (kind != SWMMU_ITEM_LEAF)
		return -ENOENT;
	pt_fill_xlate(f, lvl, ia, pte, lvl < pt_top(f) ? pt_path_prot(f, at.all, at.any) : ~0u,
		      out);
	*ptbl = tbl;
	*plvl = lvl;
	return 0;
}

/*
 * Query through the paging-structure cache only (no walk, few registers): PT_SLOW on a miss or
 * when the item is not a level-0 leaf, so that the walk and its errors stay out of line. The
 * caller checked va and converted it to ia (the one canonical check of a query).
 */
static pt_inline int pt_query_cached(const struct swmmu_format *f,
				     const struct swmmu_as *as, u64 va, u64 ia,
				     struct swmmu_xlate *out)
{
	u64 pte;
	void *tbl;
	u32 eff;

	if (!pt_pwc_lookup(f, as, pt_pwc_gen(as), ia, &tbl, &eff))
		return PT_SLOW;
	pte = pt_load(f, 0, tbl, pt_index(f, 0, ia));
	if (pt_kind(f, 0, pte) != SWMMU_ITEM_LEAF)
		return PT_SLOW;
	pt_fill_xlate_prot(f, 0, va, ia, pte, eff, pt_l0_prot(f, as, pte), out);
	return 0;
}

/* The walk of a query whose cached path missed: ia is already checked. */
static pt_cold int pt_query_walk(const struct swmmu_format *f, const struct swmmu_as *as,
					 u64 ia, struct swmmu_xlate *out)
{
	unsigned int lvl;
	void *tbl;

	return pt_lookup_fill(f, as, ia, false, &tbl, &lvl, out);
}

/*
 * Address-only query through the cache: the output address of a plain level-0 leaf (no
 * contiguous entry, not null), without decoding permissions or building a struct swmmu_xlate.
 * PT_SLOW for everything else, which the full query then answers.
 */
static pt_inline int pt_query_pa_cached(const struct swmmu_format *f,
					      const struct swmmu_as *as, u64 ia, u64 *pa)
{
	u64 m = pt_lowmask(f->level[0].shift), pte;
	void *tbl;
	u32 eff;

	if (f->level[0].contig)
		return PT_SLOW;
	if (!pt_pwc_lookup(f, as, pt_pwc_gen(as), ia, &tbl, &eff))
		return PT_SLOW;
	pte = pt_load(f, 0, tbl, pt_index(f, 0, ia));
	if (pt_kind(f, 0, pte) != SWMMU_ITEM_LEAF || pt_is_null(f, 0, pte))
		return PT_SLOW;
	*pa = (pt_oa_dec(f, pte) & ~m) | (ia & m);
	return 0;
}

static pt_cold int pt_translate(const struct swmmu_format *f, struct swmmu_as *as,
					u64 va, u32 access, bool set_ad, struct swmmu_xlate *out)
{
	unsigned int lvl;
	void *tbl;
	u64 ia, pte, need;
	int ret;

	if (access & ~(SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U))
		return -EINVAL;
	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	for (;;) {
		ret = pt_lookup_fill(f, as, ia, true, &tbl, &lvl, out);
		if (ret)
			return ret;
		if (out->prot & SWMMU_PROT_NULL)
			return 0;
		if (access & ~out->eff_prot)
			return -EACCES;
		pte = out->pte;
		need = f->accessed | ((access & SWMMU_PROT_W) ? f->dirty : 0);
		if (!set_ad || (pte & need) == need)
			return 0;
		if (pt_cas(f, lvl, tbl, pt_index(f, lvl, ia), pte, pte | need)) {
			out->pte = pte | need;
			out->accessed = f->accessed != 0;
			out->dirty = out->dirty || ((access & SWMMU_PROT_W) && f->dirty);
			return 0;
		}
	}
}

/*
 * The cold paths, compiled once in core/swmmu_generic.c and reading the format at run time:
 * the general map, unmap and protect of ranges, single-page operations whose level-0 table is
 * not in the paging-structure cache, the walk of a query that missed it, and translate. An
 * instance reaches them through direct calls (its ops table names them too), so only the hot
 * paths are copied per format.
 */
int swmmu_cold_map(struct swmmu_as *as, const struct swmmu_map_req *req);
int swmmu_cold_map1(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot);
int swmmu_cold_unmap(struct swmmu_as *as, u64 va, u64 len, u32 flags, struct swmmu_gather *g,
		     u64 *unmapped);
int swmmu_cold_protect(struct swmmu_as *as, u64 va, u64 len, u32 prot, u32 flags,
		       struct swmmu_gather *g);
int swmmu_cold_query_walk(const struct swmmu_as *as, u64 ia, struct swmmu_xlate *out);
int swmmu_cold_query_pa_walk(const struct swmmu_as *as, u64 ia, u64 *pa);
int swmmu_cold_translate(struct swmmu_as *as, u64 va, u32 access, bool set_ad,
			 struct swmmu_xlate *out);

/*
 * Instantiate the hot paths of the engine for one format expression (a constant descriptor, or
 * as->fmt for the generic instance): single-page map and unmap and the two queries, each served
 * from the paging-structure cache; everything else is a cold path.
 */
#define SWMMU_ENGINE_INSTANCE(scope, name, FMT)						\
static int name##_map1(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot)		\
{											\
	int ret = len == pt_bit((FMT)->level[0].shift) ?				\
		  pt_map_one(FMT, as, va, pa, prot, false) : PT_SLOW;			\
											\
	return likely(ret != PT_SLOW) ? ret : swmmu_cold_map1(as, va, pa, len, prot);	\
}											\
static int name##_unmap(struct swmmu_as *as, u64 va, u64 len, u32 flags,		\
			struct swmmu_gather *g, u64 *unmapped)				\
{											\
	int ret = !flags && len == pt_bit((FMT)->level[0].shift) &&			\
		  !(va & pt_lowmask((FMT)->level[0].shift)) ?				\
		  pt_unmap_one(FMT, as, va, g, unmapped, false) : PT_SLOW;		\
											\
	return likely(ret != PT_SLOW) ? ret :						\
	       swmmu_cold_unmap(as, va, len, flags, g, unmapped);			\
}											\
static int name##_query(const struct swmmu_as *as, u64 va, struct swmmu_xlate *out)	\
{											\
	u64 ia;										\
	int ret;									\
											\
	if (unlikely(!pt_as_va_to_ia(as, va, &ia)))			\
		return -ERANGE;								\
	ret = pt_query_cached(FMT, as, va, ia, out);					\
	return likely(ret != PT_SLOW) ? ret : swmmu_cold_query_walk(as, ia, out);	\
}											\
static int name##_query_pa(const struct swmmu_as *as, u64 va, u64 *pa)			\
{											\
	u64 ia;										\
	int ret;									\
											\
	if (unlikely(!pt_as_va_to_ia(as, va, &ia)))			\
		return -ERANGE;								\
	ret = pt_query_pa_cached(FMT, as, ia, pa);					\
	return likely(ret != PT_SLOW) ? ret : swmmu_cold_query_pa_walk(as, ia, pa);	\
}											\
scope const struct swmmu_pt_ops name = {						\
	.map = swmmu_cold_map,								\
	.map1 = name##_map1,								\
	.unmap = name##_unmap,								\
	.protect = swmmu_cold_protect,							\
	.query = name##_query,								\
	.query_pa = name##_query_pa,							\
	.translate = swmmu_cold_translate,						\
}

#endif /* SWMMU_ENGINE_H */
