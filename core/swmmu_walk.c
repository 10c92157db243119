// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic walk with callbacks (read-only and modifying), and the operations built on it or
 * next to it: region iteration and dump, accessed/dirty read-and-clear, freeing empty tables,
 * table entry permissions, linking subtrees between address spaces, and the empty tables a
 * map's leaf replaces. These are not hot paths: they read the descriptor at run time. (The
 * helpers above the API, swmmu_allocate_range() and swmmu_copy(), are in swmmu_helpers.c.)
 */
#include "swmmu_internal.h"

struct pt_walk {
	struct swmmu_as *as;
	const struct swmmu_walk_ops *ops;
	void *ctx;
	struct swmmu_gather *g;
	bool mut;
};

static bool pt_table_empty(const struct swmmu_format *f, unsigned int lvl, const void *tbl)
{
	unsigned int i, n = 1u << f->level[lvl].index_bits;

	for (i = 0; i < n; i++) {
		u64 pte = pt_load(f, lvl, tbl, i);
		enum swmmu_item_kind k = pt_is_dual(f, lvl) ?
					 pt_dual_kind(f, pte, pt_load2(f, tbl, i)) :
					 pt_kind(f, lvl, pte);

		if (k != SWMMU_ITEM_HOLE)
			return false;
	}
	return true;
}

/**
 * swmmu_descend() - the one single-address descent
 * @as: the address space
 * @p: where to start (its current item) and the address to descend toward (p->va)
 * @floor: do not go below this level
 * @at: set to the AND and OR of the table entries followed
 *
 * Shared by every operation that needs the item covering one address: from the current item of
 * @p, enter the tables that table entries point at (pt_pos_enter()) while the level is above
 * @floor, stopping at the first item that is not a table entry (a leaf, a hole, a reserved item)
 * or that is a dual directory's (SWMMU_LVL_DUAL: its two words need their own handling). @p is
 * left at that item (table p->tbl[p->lvl], level p->lvl). Every entry is read once.
 *
 * Context: lock-free readers and writers holding the range alike. Internal to the library.
 * Return: the value of the item where the descent stopped.
 */
u64 swmmu_descend(const struct swmmu_as *as, struct pt_pos *p, unsigned int floor,
		  struct pt_path *at)
{
	const struct swmmu_format *f = as->fmt;
	u64 all = ~0ULL, any = 0, pte;

	for (;;) {
		pte = pt_pos_load(f, p);
		if (p->lvl <= floor || pt_is_dual(f, p->lvl) ||
		    pt_kind(f, p->lvl, pte) != SWMMU_ITEM_TABLE)
			break;
		all &= pte;
		any |= pte;
		pt_pos_enter(f, as, p, pte);
	}
	at->all = all;
	at->any = any;
	return pte;
}

/* Last internal address of the span of the level-@lvl table that holds @ia. */
static u64 pt_table_last(const struct swmmu_format *f, unsigned int lvl, u64 ia)
{
	return ia | pt_lowmask(f->level[lvl].shift + f->level[lvl].index_bits);
}

/* Uncount a table nothing reaches any more and free it (through @g after its flush, or now). */
static void pt_drop_table(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			  void *tbl, u64 addr)
{
	swmmu_table_account(as, lvl, -1);
	swmmu_gather_add_table(g, as, lvl, tbl, addr);
}

/*
 * Word 1 of a dual item (SWMMU_LVL_DUAL) points at a level-0 table, which has no tables below:
 * dropped on its own, after the subtree of word 0 (the order the tables were always freed in).
 */
static void pt_drop_dual_small(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			       const void *tbl, u64 ia)
{
	const struct swmmu_format *f = as->fmt;
	u64 w1 = pt_load2(f, tbl, pt_index(f, lvl, ia));

	if (pt_kind2(f, w1) == SWMMU_ITEM_TABLE)
		pt_drop_table(as, g, 0, pt_child(f, as, w1), pt_oa_dec(f, w1));
}

/**
 * swmmu_free_subtree() - free a whole unlinked subtree: a table and every table below it
 * @as: the address space that owned it
 * @g: gather to free through (after its flush), or NULL to free at once
 * @lvl: level of the table's items
 * @tbl: CPU pointer of the table
 * @addr: its table address
 * @ia: internal address of the first byte its span covers
 *
 * The one teardown walk: for a table an operation unlinked (through the gather) and for the
 * whole tree at swmmu_as_destroy() (at once). Subtrees linked from another address space are
 * skipped; every table freed is uncounted.
 *
 * Context: nothing reaches the subtree any more, or @g defers the frees. Internal to the library.
 */
void swmmu_free_subtree(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			void *tbl, u64 addr, u64 ia)
{
	const struct swmmu_format *f = as->fmt;
	u64 taddr[SWMMU_MAX_LEVELS];
	struct pt_pos p;

	/* A table is freed after the tables it holds: when the walk climbs out of it. */
	pt_pos_init(&p, tbl, lvl, ia, pt_table_last(f, lvl, ia));
	taddr[lvl] = addr;
	for (;;) {
		u64 ilast = p.last[p.lvl];

		if (p.lvl) {
			const void *t = p.tbl[p.lvl];
			u64 pte = pt_load(f, p.lvl, t, pt_index(f, p.lvl, p.va));
			bool linked = swmmu_is_link(as, p.va, p.lvl);

			ilast = pt_pos_ilast(f, &p);
			if (!linked && pt_kind(f, p.lvl, pte) == SWMMU_ITEM_TABLE) {
				taddr[p.lvl - 1] = pt_oa_dec(f, pte);
				pt_pos_enter(f, as, &p, pte);
				continue;
			}
			if (!linked && pt_is_dual(f, p.lvl))
				pt_drop_dual_small(as, g, p.lvl, t, p.va);
		}
		/* Past the item; every table it ends is done, and so is its parent's item. */
		while (ilast == p.last[p.lvl]) {
			pt_drop_table(as, g, p.lvl, p.tbl[p.lvl], taddr[p.lvl]);
			if (p.lvl == p.base)
				return;
			p.lvl++;
			if (pt_is_dual(f, p.lvl))
				pt_drop_dual_small(as, g, p.lvl, p.tbl[p.lvl], p.va);
		}
		p.va = ilast + 1;
	}
}

/**
 * swmmu_vacant_items() - may a leaf take the place of these items?
 * @as: the address space
 * @lvl: level of the items
 * @tbl: the table holding them
 * @n: number of items
 * @ia: internal address of the first item
 *
 * Every item of the subtrees below is looked at, by one iterative walk (struct pt_pos).
 *
 * Context: the caller holds the items' span. Internal to the library (map's page size choice).
 * Return: true if each item is a hole or points at a table whose subtree holds only holes (an
 * empty table an unmap left behind; never a subtree linked from another address space). A dual
 * item (SWMMU_LVL_DUAL) qualifies when each table it points at does.
 */
bool swmmu_vacant_items(const struct swmmu_as *as, unsigned int lvl, const void *tbl,
			unsigned int n, u64 ia)
{
	const struct swmmu_format *f = as->fmt;
	struct pt_pos p;

	if (!n)
		return true;
	pt_pos_init(&p, (void *)tbl, lvl, ia, ia + ((u64)n << f->level[lvl].shift) - 1);
	for (;;) {
		const void *t = p.tbl[p.lvl];
		u64 pte = pt_load(f, p.lvl, t, pt_index(f, p.lvl, p.va)), ilast = pt_pos_ilast(f, &p);
		enum swmmu_item_kind k = pt_kind(f, p.lvl, pte);

		if (k != SWMMU_ITEM_HOLE && k != SWMMU_ITEM_TABLE)
			return false;
		if (pt_is_dual(f, p.lvl)) {
			/* Vacant if each table it points at is: word 0's (level 1), word 1's (level 0). */
			u64 w1 = pt_load2(f, t, pt_index(f, p.lvl, p.va));
			enum swmmu_item_kind k1 = pt_kind2(f, w1);

			if (k1 == SWMMU_ITEM_BAD)
				return false;
			if ((k == SWMMU_ITEM_TABLE || k1 == SWMMU_ITEM_TABLE) &&
			    swmmu_is_link(as, p.va, p.lvl))
				return false;
			if (k1 == SWMMU_ITEM_TABLE && !pt_table_empty(f, 0, pt_child(f, as, w1)))
				return false;
		} else if (k == SWMMU_ITEM_TABLE && (!p.lvl || swmmu_is_link(as, p.va, p.lvl))) {
			return false;
		}
		if (k == SWMMU_ITEM_TABLE) {
			pt_pos_enter(f, as, &p, pte);
			continue;
		}
		if (!pt_pos_next(&p, ilast))
			return true;
	}
}

/**
 * swmmu_unlink_vacant() - unlink the empty tables among items a leaf is about to take
 * @as: the address space
 * @g: the map's gather: records the changed items and frees the tables after its flush
 * @lvl: level of the items
 * @tbl: the table holding them
 * @idx: index of the first
 * @n: number of items (swmmu_vacant_items() said yes for them)
 * @ia: internal address of the first item
 *
 * Each table entry becomes a hole first (to a walker, an empty table and a hole translate
 * alike), then the caller writes the leaf over the holes. A dual item (SWMMU_LVL_DUAL) loses
 * both of its tables: both words are cleared, so the leaf written into word 0 leaves word 1 zero.
 *
 * Context: the caller holds the items' span; lock-free readers may run. Internal to the library.
 */
void swmmu_unlink_vacant(struct swmmu_as *as, struct swmmu_gather *g, unsigned int lvl,
			 void *tbl, unsigned int idx, unsigned int n, u64 ia)
{
	const struct swmmu_format *f = as->fmt;
	u64 m = pt_lowmask(f->level[lvl].shift);
	bool dual = pt_is_dual(f, lvl);
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 pte = pt_load(f, lvl, tbl, idx + i), cia = ia + ((u64)i << f->level[lvl].shift);
		u64 w1 = dual ? pt_load2(f, tbl, idx + i) : 0;
		bool t0 = pt_kind(f, lvl, pte) == SWMMU_ITEM_TABLE;
		bool t1 = dual && pt_kind2(f, w1) == SWMMU_ITEM_TABLE;

		if (!t0 && !t1)
			continue;
		/* Both words of a 16-byte item. */
		pt_clear(f, lvl, tbl, idx + i);
		/* Walks cached through the entry are stale before the table can be freed. */
		swmmu_pwc_invalidate(as);
		swmmu_gather_add(g, as, pt_canon(f, cia), pt_canon(f, cia | m), 1u << lvl);
		/* A dual item's word 0 points at level 1 (lvl - 1), its word 1 at level 0. */
		if (t0)
			swmmu_free_subtree(as, g, lvl - 1, pt_child(f, as, pte), pt_oa_dec(f, pte),
					   cia);
		if (t1)
			swmmu_free_subtree(as, g, 0, pt_child(f, as, w1), pt_oa_dec(f, w1), cia);
	}
}

static void pt_forget_link(struct swmmu_as *as, u64 ia, unsigned int lvl)
{
	unsigned int i, s = as->fmt->level[lvl].shift;

	for (i = 0; i < as->nr_links; i++) {
		if (as->links[i].level == lvl && (as->links[i].va >> s) == (ia >> s)) {
			as->links[i] = as->links[--as->nr_links];
			if (!as->nr_links)
				swmmu_pwc_set_off(as, SWMMU_PWC_OFF_LINKS, false);
			return;
		}
	}
}

/*
 * Write back an item a modifying walk callback changed. Returns false if the item changed
 * meanwhile (the callback is then called again with the new value).
 */
static bool pt_walk_write(struct pt_walk *w, unsigned int lvl, void *tbl, unsigned int idx,
			  u64 old, u64 new, u64 istart, u64 ilast)
{
	const struct swmmu_format *f = w->as->fmt;
	enum swmmu_item_kind ok = pt_kind(f, lvl, old), nk = pt_kind(f, lvl, new);

	if (pt_has_ext(f, lvl) && nk != SWMMU_ITEM_HOLE)
		pt_store_ext(f, tbl, idx, nk == SWMMU_ITEM_TABLE ? f->ext_table : f->ext_leaf);
	if (!pt_cas(f, lvl, tbl, idx, old, new))
		return false;
	if (pt_has_ext(f, lvl) && nk == SWMMU_ITEM_HOLE)
		pt_store_ext(f, tbl, idx, 0);
	if (pt_is_dual(f, lvl) && nk == SWMMU_ITEM_HOLE) {
		/* A hole written into a dual item clears both words: unlink the level-0 table. */
		u64 w1 = pt_load2(f, tbl, idx);

		pt_store_ext(f, tbl, idx, 0);
		if (pt_kind2(f, w1) == SWMMU_ITEM_TABLE) {
			swmmu_pwc_invalidate(w->as);
			swmmu_free_subtree(w->as, w->g, 0, pt_child(f, w->as, w1), pt_oa_dec(f, w1),
					istart);
		}
	}
	/* A table entry changed: cached walks through it are stale. */
	if (ok == SWMMU_ITEM_TABLE)
		swmmu_pwc_invalidate(w->as);
	swmmu_gather_add(w->g, w->as, pt_canon(f, istart), pt_canon(f, ilast), 1u << lvl);
	if (ok == SWMMU_ITEM_TABLE && (nk != SWMMU_ITEM_TABLE ||
				       pt_oa_dec(f, new) != pt_oa_dec(f, old))) {
		if (swmmu_is_link(w->as, istart, lvl))
			pt_forget_link(w->as, istart, lvl);
		else
			swmmu_free_subtree(w->as, w->g, lvl - 1, pt_child(f, w->as, old),
					pt_oa_dec(f, old), istart);
	}
	return true;
}

/* Fill a walk item from item idx of a table of level lvl (both words of a 16-byte item). */
static void pt_walk_item(const struct swmmu_format *f, struct swmmu_walk_item *it,
			 unsigned int lvl, const void *tbl, unsigned int idx, u64 taddr, u64 istart,
			 u64 ilast)
{
	u64 pte = pt_load(f, lvl, tbl, idx);

	it->va = pt_canon(f, istart);
	it->last = pt_canon(f, ilast);
	it->level = lvl;
	it->index = idx;
	it->pte2 = pt_esz(f, lvl) == 4 ? pt_load2(f, tbl, idx) : 0;
	it->kind = pt_is_dual(f, lvl) ? pt_dual_kind(f, pte, it->pte2) : pt_kind(f, lvl, pte);
	it->pte = pte;
	it->table = taddr;
}

/*
 * Report the item at the current position again after the walk of its table (post_table).
 * Returns 0 to go on, 1 after STOP, or a negative errno.
 */
static int pt_walk_post(struct pt_walk *w, const struct pt_pos *p, u64 taddr)
{
	const struct swmmu_format *f = w->as->fmt;
	unsigned int lvl = p->lvl, idx = pt_index(f, lvl, p->va);
	u64 im = pt_lowmask(f->level[lvl].shift), istart = p->va & ~im, ilast = p->va | im, pte;
	struct swmmu_walk_item it;
	int act;

	if (!w->ops->post_table)
		return 0;
	pt_walk_item(f, &it, lvl, p->tbl[lvl], idx, taddr, istart, ilast);
	pte = it.pte;
	act = w->ops->post_table(w->ctx, &it);
	if (act < 0)
		return act;
	if (w->mut && it.pte != pte)
		pt_walk_write(w, lvl, p->tbl[lvl], idx, pte, it.pte, istart, ilast);
	return act == SWMMU_WALK_STOP;
}

/*
 * The walker behind swmmu_walk(), swmmu_walk_mut() and the empty-table freeing: items in VA order,
 * tables before (pre_table) and after (post_table) their descent, moving with a struct pt_pos
 * (no recursion). Under a dual directory's item (SWMMU_LVL_DUAL) the position's level 1 is the
 * item's big table: each level-1 span is walked there, or, where the big table has a hole (or
 * there is none), in the item's small table, entered as level 0 for that span alone.
 * Returns 0 to go on, 1 after STOP, or a negative errno.
 */
static int pt_walk_ia(struct pt_walk *w, u64 start, u64 last)
{
	const struct swmmu_format *f = w->as->fmt;
	u64 taddr[SWMMU_MAX_LEVELS], small_addr = 0;
	bool in_small = false;	/* level 0 is a span of the small table, not a table entry's */
	void *small = NULL;	/* the small table of the dual item the walk is in */
	struct pt_pos p;
	int ret;

	pt_pos_init(&p, w->as->root_cpu, f->nr_levels - 1u, start, last);
	taddr[p.lvl] = w->as->root;
	for (;;) {
		unsigned int lvl = p.lvl, idx = pt_index(f, lvl, p.va);
		u64 im = pt_lowmask(f->level[lvl].shift), istart = p.va & ~im, ilast = p.va | im;
		u64 clip = pt_pos_ilast(f, &p), pte, pte2;
		void *tbl = p.tbl[lvl];
		enum swmmu_item_kind kind;
		struct swmmu_walk_item it;
		int act;

		if (lvl < p.base && pt_is_dual(f, lvl + 1) &&
		    (!tbl || (small && pt_kind(f, lvl, pt_load(f, lvl, tbl, idx)) ==
					SWMMU_ITEM_HOLE))) {
			/* A level-1 span of a dual item that the big table does not hold. */
			if (small) {
				taddr[0] = small_addr;
				in_small = true;
				pt_pos_push(&p, small, clip);
				continue;
			}
			ilast = p.last[lvl];	/* neither table: nothing below */
			goto next;
		}
		do {
			int (*cb)(void *ctx, struct swmmu_walk_item *it);

			pt_walk_item(f, &it, lvl, tbl, idx, taddr[lvl], istart, ilast);
			/*
			 * What the descent follows is read here, not from @it after the callback:
			 * only it.pte is the callback's to change (and only in a modifying walk).
			 */
			pte = it.pte;
			pte2 = it.pte2;
			kind = it.kind;
			cb = kind == SWMMU_ITEM_LEAF ? w->ops->leaf :
			     kind == SWMMU_ITEM_TABLE ? w->ops->pre_table : w->ops->hole;
			act = cb ? cb(w->ctx, &it) : SWMMU_WALK_DESCEND;
			if (act < 0)
				return act;
			if (w->mut && it.pte != pte &&
			    !pt_walk_write(w, lvl, tbl, idx, pte, it.pte, istart, ilast))
				act = SWMMU_WALK_RETRY;
		} while (act == SWMMU_WALK_RETRY);
		if (act == SWMMU_WALK_STOP)
			return 1;
		if (act == SWMMU_WALK_DESCEND && kind == SWMMU_ITEM_TABLE &&
		    (!w->mut || it.pte == pte)) {
			taddr[lvl - 1] = pt_oa_dec(f, pte);
			if (pt_is_dual(f, lvl)) {
				/* Word 0 points at the big table (level 1), word 1 at the small one. */
				small = pt_kind2(f, pte2) == SWMMU_ITEM_TABLE ?
					pt_child(f, w->as, pte2) : NULL;
				small_addr = pt_oa_dec(f, pte2);
				pt_pos_push(&p, pt_kind(f, lvl, pte) == SWMMU_ITEM_TABLE ?
						pt_child(f, w->as, pte) : NULL, clip);
			} else {
				pt_pos_enter(f, w->as, &p, pte);
			}
			continue;
		}
		ilast = clip;
next:
		/* Past this item; back in each item whose table it finishes, report that item again. */
		while (ilast == p.last[p.lvl]) {
			if (p.lvl == p.base)
				return 0;
			p.lvl++;
			if (in_small) {
				in_small = false;	/* a span, not an item: nothing to report */
				continue;
			}
			ret = pt_walk_post(w, &p, taddr[p.lvl]);
			if (ret)
				return ret;
		}
		p.va = ilast + 1;
	}
}

static int pt_walk_range(struct pt_walk *w, u64 va, u64 len)
{
	const struct swmmu_format *f = w->as->fmt;
	u64 start, last;
	int ret = pt_range(f, va, len, &start, &last);

	if (ret)
		return ret;
	ret = pt_walk_ia(w, start, last);
	return ret < 0 ? ret : 0;
}

/**
 * swmmu_walk() - walk a VA range with callbacks, read-only
 * @as: the address space
 * @va: first VA
 * @len: bytes (> 0)
 * @ops: callbacks for leaves, holes (and reserved items), tables before and after descent
 * @ctx: passed to the callbacks
 *
 * Items are visited in VA order; an item is reported with its whole span even where the range
 * covers part of it. A callback returns an enum swmmu_walk_action: DESCEND (go on / descend),
 * SKIP (do not descend into this table), RETRY (read the item again and call again), STOP; or a
 * negative errno that ends the walk. Changes to the item are ignored.
 *
 * Context: lock-free; the callbacks run in the caller's context.
 * Return: 0 (also after STOP), -EINVAL/-ERANGE for the range, or a callback's errno.
 */
__cold int swmmu_walk(const struct swmmu_as *as, u64 va, u64 len, const struct swmmu_walk_ops *ops,
	       void *ctx)
{
	struct pt_walk w = {
		.as = (struct swmmu_as *)as, .ops = ops, .ctx = ctx, .mut = false,
	};

	return pt_walk_range(&w, va, len);
}
SWMMU_EXPORT(swmmu_walk);

/**
 * swmmu_walk_mut() - walk a VA range with callbacks that may change items
 * @as: the address space
 * @va: first VA
 * @len: bytes (> 0)
 * @ops: callbacks, as for swmmu_walk()
 * @ctx: passed to the callbacks
 * @g: gather recording every changed item (and freeing unlinked subtrees), or NULL
 *
 * A callback changes an item by changing it->pte; the walk writes it with compare-and-swap and, if
 * the item changed meanwhile (e.g. a device set the accessed bit), calls the callback again with
 * the new value. Replacing a table entry unlinks its subtree, which is freed through @g (not
 * freed if it was linked from another address space). A changed table entry is not descended.
 *
 * Context: the caller holds the range; lock-free readers may run.
 * Return: as swmmu_walk().
 */
__cold int swmmu_walk_mut(struct swmmu_as *as, u64 va, u64 len, const struct swmmu_walk_ops *ops,
		   void *ctx, struct swmmu_gather *g)
{
	struct pt_walk w = { .as = as, .ops = ops, .ctx = ctx, .g = g, .mut = true };

	return pt_walk_range(&w, va, len);
}

/* Region iteration. */
struct pt_regions {
	const struct swmmu_as *as;
	u64 start, last;		/* internal addresses */
	struct swmmu_region cur;
	u64 cur_ia;
	bool have;
	bool stopped;
	int (*fn)(void *ctx, const struct swmmu_region *r);
	void *ctx;
};

static int pt_region_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct pt_regions *r = ctx;
	const struct swmmu_format *f = r->as->fmt;
	u64 ia = it->va & pt_lowmask(f->va_bits), ilast = it->last & pt_lowmask(f->va_bits);
	struct swmmu_xlate x;
	u64 len;
	int ret;

	if (ia < r->start)
		ia = r->start;
	if (ilast > r->last)
		ilast = r->last;
	len = ilast - ia + 1;
	pt_fill_xlate(f, it->level, ia, it->pte, ~0u, &x);
	if (r->have && r->cur_ia + r->cur.len == ia && r->cur.prot == x.prot &&
	    r->cur.size_lg2 == x.size_lg2 &&
	    ((x.prot & SWMMU_PROT_NULL) || r->cur.pa + r->cur.len == x.pa)) {
		r->cur.len += len;
		return SWMMU_WALK_DESCEND;
	}
	if (r->have) {
		ret = r->fn(r->ctx, &r->cur);
		if (ret) {
			r->stopped = true;
			return ret < 0 ? ret : SWMMU_WALK_STOP;
		}
	}
	r->have = true;
	r->cur_ia = ia;
	r->cur.va = x.va;
	r->cur.pa = x.pa;
	r->cur.len = len;
	r->cur.prot = x.prot;
	r->cur.size_lg2 = x.size_lg2;
	return SWMMU_WALK_DESCEND;
}

/**
 * swmmu_regions() - iterate over coalesced runs of leaves (also spelt swmmu_for_each_region())
 * @as: the address space
 * @va: first VA
 * @len: bytes (> 0)
 * @fn: called for each region (clipped to the range) in VA order; a non-zero return stops the
 *      iteration (a negative value is returned)
 * @ctx: passed to @fn
 *
 * Adjacent leaves are merged when VA and output addresses continue and the prot and the entry
 * size are equal.
 *
 * Context: lock-free.
 * Return: 0, range errors as swmmu_walk(), or @fn's negative return.
 */
__cold int swmmu_regions(const struct swmmu_as *as, u64 va, u64 len,
		  int (*fn)(void *ctx, const struct swmmu_region *r), void *ctx)
{
	static const struct swmmu_walk_ops ops = { .leaf = pt_region_leaf };
	struct pt_regions r = { .as = as, .fn = fn, .ctx = ctx };
	int ret;

	ret = pt_range(as->fmt, va, len, &r.start, &r.last);
	if (ret)
		return ret;
	ret = swmmu_walk(as, va, len, &ops, &r);
	if (ret)
		return ret;
	if (r.have && !r.stopped) {
		ret = fn(ctx, &r.cur);
		if (ret < 0)
			return ret;
	}
	return 0;
}
SWMMU_EXPORT(swmmu_regions);

struct pt_dump {
	struct swmmu_region *out;
	unsigned int max, n;
};

static int pt_dump_one(void *ctx, const struct swmmu_region *r)
{
	struct pt_dump *d = ctx;

	if (d->n < d->max)
		d->out[d->n] = *r;
	d->n++;
	return 0;
}

/**
 * swmmu_dump() - copy the coalesced regions of a range into an array
 * @as: the address space
 * @va: first VA
 * @len: bytes (> 0)
 * @out: array of @max regions
 * @max: capacity of @out
 * @needed: set to the number of regions in the range
 *
 * Context: lock-free.
 * Return: 0, -EMSGSIZE if @max is too small (@out holds the first @max, @needed the count),
 * or range errors as swmmu_walk().
 */
__cold int swmmu_dump(const struct swmmu_as *as, u64 va, u64 len, struct swmmu_region *out,
	       unsigned int max, unsigned int *needed)
{
	struct pt_dump d = { .out = out, .max = max };
	int ret = swmmu_regions(as, va, len, pt_dump_one, &d);

	if (needed)
		*needed = d.n;
	if (ret)
		return ret;
	return d.n > max ? -EMSGSIZE : 0;
}

/* Accessed/dirty read-and-clear. */
struct pt_ad {
	const struct swmmu_format *f;
	u64 start, last, bits;
	unsigned int granule_lg2;
	unsigned long *bitmap;
	bool clear;
};

static int pt_ad_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct pt_ad *a = ctx;
	u64 lo = it->va & pt_lowmask(a->f->va_bits), hi = it->last & pt_lowmask(a->f->va_bits);
	u64 b, bl;

	if (!(it->pte & a->bits) || pt_is_null(a->f, it->level, it->pte))
		return SWMMU_WALK_DESCEND;
	if (lo < a->start)
		lo = a->start;
	if (hi > a->last)
		hi = a->last;
	bl = (hi - a->start) >> a->granule_lg2;
	for (b = (lo - a->start) >> a->granule_lg2; b <= bl; b++)
		a->bitmap[b / (8 * sizeof(long))] |= 1UL << (b % (8 * sizeof(long)));
	if (a->clear)
		it->pte &= ~a->bits;
	return SWMMU_WALK_DESCEND;
}

/**
 * swmmu_read_clear_ad() - report (and optionally clear) accessed or dirty leaves
 * @as: the address space
 * @va: first VA, aligned to 2^@granule_lg2
 * @len: bytes, a multiple of 2^@granule_lg2
 * @flags: SWMMU_AD_ACCESSED and/or SWMMU_AD_DIRTY (which bits to look at), SWMMU_AD_CLEAR
 * @granule_lg2: one bitmap bit per 2^@granule_lg2 bytes, starting at @va
 * @bitmap: bits are set (never cleared) for granules covered by a leaf with a selected bit set
 * @g: records cleared items, or NULL
 *
 * Clearing uses compare-and-swap so a bit a device sets concurrently is never lost.
 *
 * Context: the caller holds the range when clearing; lock-free otherwise.
 * Return: 0, -EINVAL for bad flags or alignment, -ERANGE, -EOPNOTSUPP if the format has no such
 * bit.
 */
int swmmu_read_clear_ad(struct swmmu_as *as, u64 va, u64 len, u32 flags,
			unsigned int granule_lg2, unsigned long *bitmap, struct swmmu_gather *g)
{
	static const struct swmmu_walk_ops ops = { .leaf = pt_ad_leaf };
	const struct swmmu_format *f = as->fmt;
	struct pt_ad a = { .f = f, .granule_lg2 = granule_lg2, .bitmap = bitmap };
	int ret;

	if (!(flags & (SWMMU_AD_ACCESSED | SWMMU_AD_DIRTY)) ||
	    (flags & ~(SWMMU_AD_ACCESSED | SWMMU_AD_DIRTY | SWMMU_AD_CLEAR)) ||
	    granule_lg2 >= 64 || ((va | len) & pt_lowmask(granule_lg2)))
		return -EINVAL;
	if (((flags & SWMMU_AD_ACCESSED) && !f->accessed) || ((flags & SWMMU_AD_DIRTY) && !f->dirty))
		return -EOPNOTSUPP;
	a.bits = ((flags & SWMMU_AD_ACCESSED) ? f->accessed : 0) |
		 ((flags & SWMMU_AD_DIRTY) ? f->dirty : 0);
	a.clear = flags & SWMMU_AD_CLEAR;
	ret = pt_range(f, va, len, &a.start, &a.last);
	if (ret)
		return ret;
	if (a.clear)
		return swmmu_walk_mut(as, va, len, &ops, &a, g);
	return swmmu_walk(as, va, len, &ops, &a);
}

/**
 * swmmu_item_child_tables() - the levels of the tables a walked table item points at
 * @f: the format
 * @it: a table item, as a walk's pre_table or post_table callback receives it
 * @levels: filled with the level of each table it points at
 *
 * An item points at one table one level down, except in a dual directory (SWMMU_LVL_DUAL),
 * where each of its two words may point at a table: the first at level - 1, the second at
 * level - 2. Occupancy counts (swmmu-sim's draw, the netlink stats) use this so that they count
 * every table whatever the format.
 *
 * Context: any; pure function of its arguments.
 * Return: the number of levels written to @levels (0, 1 or 2).
 */
__cold unsigned int swmmu_item_child_tables(const struct swmmu_format *f,
				     const struct swmmu_walk_item *it, unsigned int levels[2])
{
	struct swmmu_xlate x;
	unsigned int n = 0;

	if (!it->level || it->level >= f->nr_levels)
		return 0;
	if (!(f->level[it->level].flags & SWMMU_LVL_DUAL) || it->level < 2) {
		levels[0] = it->level - 1;
		return 1;
	}
	if (swmmu_decode_item(f, it->level, it->va, it->pte, &x) == SWMMU_ITEM_TABLE)
		levels[n++] = it->level - 1;
	if (swmmu_decode_item(f, it->level, it->va, it->pte2, &x) == SWMMU_ITEM_TABLE)
		levels[n++] = it->level - 2;
	return n;
}

/**
 * swmmu_decode_item() - decode one raw item of a format
 * @f: the format
 * @level: level of the item
 * @va: a VA inside the item's span (canonical); a walk callback passes it->va
 * @pte: the raw item (primary word, CPU byte order), e.g. it->pte of a walk callback
 * @out: for a leaf, filled as swmmu_query() would for @va (with eff_prot = prot: the table
 *       entries above are not known here); for a table entry, pa and entry_pa are the address of
 *       the table it points at, prot the permissions it allows below it and size_lg2 its span;
 *       for a hole or reserved item, only va, pte, level and size_lg2 (the item's span)
 *
 * Lets walk callbacks interpret items without querying every leaf again.
 *
 * Context: any; pure function of its arguments.
 * Return: the enum swmmu_item_kind of the item, -EINVAL for a bad level, -ERANGE if @va is
 * outside the format.
 */
__cold int swmmu_decode_item(const struct swmmu_format *f, unsigned int level, u64 va, u64 pte,
		      struct swmmu_xlate *out)
{
	enum swmmu_item_kind kind;
	u64 ia, m;

	if (level >= f->nr_levels)
		return -EINVAL;
	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	kind = pt_kind(f, level, pte);
	memset(out, 0, sizeof(*out));
	if (kind == SWMMU_ITEM_LEAF) {
		pt_fill_xlate(f, level, ia, pte, ~0u, out);
		return kind;
	}
	m = pt_lowmask(f->level[level].shift);
	out->va = pt_canon(f, ia);
	out->entry_va = pt_canon(f, ia & ~m);
	out->pte = pte;
	out->size_lg2 = f->level[level].shift;
	out->level = (u8)level;
	if (kind == SWMMU_ITEM_TABLE) {
		out->pa = pt_oa_dec(f, pte);
		out->entry_pa = out->pa;
		out->prot = pt_table_prot(f, pte) & ~SWMMU_PROT_G;
		out->eff_prot = out->prot;
	}
	return kind;
}

/* Freeing empty tables. */
struct pt_fe {
	struct swmmu_as *as;
	struct swmmu_gather *g;
	u64 start, last;	/* tables whose whole span lies inside may be freed */
	int freed;
};

/* Unlink and free each empty table of a dual item (word 0: level 1, word 1: level 0). */
static int pt_fe_dual(struct pt_fe *fe, struct swmmu_walk_item *it)
{
	const struct swmmu_format *f = fe->as->fmt;
	void *tbl = pt_cpu(fe->as, it->table);
	unsigned int cl;

	for (cl = 0; cl < 2; cl++) {
		u64 w = cl ? it->pte : it->pte2;
		void *child;
		bool ok;

		if ((cl ? pt_kind(f, 2, w) : pt_kind2(f, w)) != SWMMU_ITEM_TABLE)
			continue;
		child = pt_child(f, fe->as, w);
		if (!pt_table_empty(f, cl, child))
			continue;
		ok = cl ? pt_cas(f, 2, tbl, it->index, w, 0) : pt_cas2(f, tbl, it->index, w, 0);
		if (!ok)
			continue;
		swmmu_pwc_invalidate(fe->as);
		swmmu_gather_add(fe->g, fe->as, it->va, it->last, 1u << 2);
		swmmu_table_account(fe->as, cl, -1);
		swmmu_gather_add_table(fe->g, fe->as, cl, child, pt_oa_dec(f, w));
		fe->freed++;
	}
	return SWMMU_WALK_DESCEND;
}

static int pt_fe_post(void *ctx, struct swmmu_walk_item *it)
{
	struct pt_fe *fe = ctx;
	const struct swmmu_format *f = fe->as->fmt;
	u64 lo = it->va & pt_lowmask(f->va_bits), hi = it->last & pt_lowmask(f->va_bits);

	if (it->kind != SWMMU_ITEM_TABLE || lo < fe->start || hi > fe->last ||
	    swmmu_is_link(fe->as, lo, it->level))
		return SWMMU_WALK_DESCEND;
	if (pt_is_dual(f, it->level))
		return pt_fe_dual(fe, it);
	if (!pt_table_empty(f, it->level - 1, pt_child(f, fe->as, it->pte)))
		return SWMMU_WALK_DESCEND;
	it->pte = 0;
	fe->freed++;
	return SWMMU_WALK_DESCEND;
}

/**
 * swmmu_free_empty() - unlink and free tables that hold no leaf
 * @as: the address space
 * @va: first VA
 * @len: bytes (> 0)
 * @g: gather; the tables are freed when it is flushed (NULL frees at once)
 *
 * Only tables whose whole span lies inside the range are freed (the caller holds only that range),
 * bottom-up, so a table whose children all become free is freed too. The root is never freed, nor
 * subtrees linked from another address space.
 *
 * Context: the caller holds the range; lock-free readers may run if @g is not NULL.
 * Return: the number of tables freed, or -EINVAL/-ERANGE for the range.
 */
int swmmu_free_empty(struct swmmu_as *as, u64 va, u64 len, struct swmmu_gather *g)
{
	return swmmu_free_empty_held(as, va, len, va, len, g);
}
SWMMU_EXPORT(swmmu_free_empty);

/**
 * swmmu_free_empty_held() - free empty tables around a range, up to a span the caller holds
 * @as: the address space
 * @va: first VA of the range whose tables are looked at (e.g. what was just unmapped)
 * @len: bytes (> 0)
 * @held_va: first VA of the range the caller holds (contains [@va, @va + @len))
 * @held_len: bytes (> 0)
 * @g: gather; the tables are freed when it is flushed (NULL frees at once)
 *
 * Like swmmu_free_empty() on [@va, @va + @len), except that a table may be freed when its whole
 * span lies inside the held range rather than inside [@va, @va + @len): after a small unmap,
 * the tables it left empty are freed up to the size of what the caller locked (a whole mapping
 * record, a range-lock granule), instead of staying until destroy.
 *
 * Context: the caller holds [@held_va, @held_va + @held_len); lock-free readers may run if @g is
 * not NULL.
 * Return: the number of tables freed, or -EINVAL/-ERANGE for the ranges (-EINVAL also if the
 * held range does not contain the range).
 */
int swmmu_free_empty_held(struct swmmu_as *as, u64 va, u64 len, u64 held_va, u64 held_len,
			  struct swmmu_gather *g)
{
	u64 start, last, hstart, hlast;
	int ret = pt_range(as->fmt, va, len, &start, &last);

	if (!ret)
		ret = pt_range(as->fmt, held_va, held_len, &hstart, &hlast);
	if (ret)
		return ret;
	if (start < hstart || last > hlast)
		return -EINVAL;
	return swmmu_free_empty_ia(as, start, last, hstart, hlast, g);
}

/**
 * swmmu_free_empty_ia() - swmmu_free_empty_held() on ranges already checked
 * @as: the address space
 * @start: first internal address of the range whose tables are looked at
 * @last: its last internal address (inclusive)
 * @hstart: first internal address of the range the caller holds (contains the range)
 * @hlast: its last internal address (inclusive)
 * @g: gather; the tables are freed when it is flushed (NULL frees at once)
 *
 * For the engine (unmap with SWMMU_UNMAP_FREE_EMPTY), which does not call back into the API.
 *
 * Context: as swmmu_free_empty_held(). Internal to the library.
 * Return: the number of tables freed, or a negative errno.
 */
int swmmu_free_empty_ia(struct swmmu_as *as, u64 start, u64 last, u64 hstart, u64 hlast,
			struct swmmu_gather *g)
{
	static const struct swmmu_walk_ops ops = { .post_table = pt_fe_post };
	struct pt_fe fe = { .as = as, .g = g, .start = hstart, .last = hlast };
	struct pt_walk w = { .as = as, .ops = &ops, .ctx = &fe, .g = g, .mut = true };
	int ret = pt_walk_ia(&w, start, last);

	return ret < 0 ? ret : fe.freed;
}

/* Find the item of level lvl covering ia: every item above must be a table. */
static int pt_find_item(const struct swmmu_as *as, u64 ia, unsigned int lvl, void **ptbl,
			unsigned int *pidx)
{
	const struct swmmu_format *f = as->fmt;
	struct pt_path at;
	struct pt_pos p;

	pt_descend_root(as, &p, ia, lvl, &at);
	if (p.lvl != lvl)
		return -ENOENT;
	*ptbl = p.tbl[lvl];
	*pidx = pt_index(f, lvl, ia);
	return 0;
}

/**
 * swmmu_set_table_prot() - change the permissions of an existing table entry
 * @as: the address space
 * @va: a VA inside the entry's span
 * @level: level of the table entry (1 .. nr_levels - 1; it points at a level - 1 table)
 * @prot: SWMMU_PROT_R/W/X/U the entry allows below it
 * @g: records the change (walk caches of @level must be invalidated), or NULL
 *
 * Context: the caller holds the entry's span; lock-free readers may run.
 * Return: 0, -EINVAL for a bad level or prot bits, -ERANGE, -ENOENT if there is no table entry
 * there, -EOPNOTSUPP if the format cannot express @prot in a table entry, or @level is a dual
 * directory (SWMMU_LVL_DUAL).
 */
__cold int swmmu_set_table_prot(struct swmmu_as *as, u64 va, unsigned int level, u32 prot,
			 struct swmmu_gather *g)
{
	const struct swmmu_format *f = as->fmt;
	unsigned int idx;
	u64 ia, pte, bits;
	void *tbl;
	int ret;

	if (!level || level >= f->nr_levels ||
	    (prot & ~(SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U)))
		return -EINVAL;
	/* A dual item holds two table entries: not supported here. */
	if (pt_is_dual(f, level))
		return -EOPNOTSUPP;
	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	ret = pt_perm_bits(&f->table_perm, prot, &bits);
	if (ret)
		return ret;
	ret = pt_find_item(as, ia, level, &tbl, &idx);
	if (ret)
		return ret;
	pte = pt_load(f, level, tbl, idx);
	if (pt_kind(f, level, pte) != SWMMU_ITEM_TABLE)
		return -ENOENT;
	pt_store(f, level, tbl, idx, (pte & ~pt_perm_mask(&f->table_perm)) | bits);
	swmmu_pwc_invalidate(as);
	ia &= ~pt_lowmask(f->level[level].shift);
	swmmu_gather_add(g, as, pt_canon(f, ia), pt_canon(f, ia | pt_lowmask(f->level[level].shift)),
			 1u << level);
	return 0;
}

/**
 * swmmu_link() - link a subtree of one address space into another
 * @dst: address space receiving the link
 * @src: owner of the subtree (same format)
 * @va: a VA inside the linked span
 * @level: level of the table entry to copy (1 .. nr_levels - 1)
 *
 * Copies @src's table entry (pointing at a level - 1 table) into @dst, creating the tables above
 * it in @dst as needed, so that both share the subtree (e.g. a kernel half). @dst never frees the
 * subtree: @src frees it exactly once on swmmu_as_destroy(). Unlink (or destroy @dst) first.
 *
 * Context: the caller holds the span in both address spaces.
 * Return: 0, -EINVAL for different formats or a bad level, -ERANGE, -ENOENT if @src has no table
 * entry there, -EEXIST if @dst has something there, -ENOSPC if @dst has SWMMU_MAX_LINKS links,
 * -ENOMEM (nothing changed), -EOPNOTSUPP if @level is a dual directory (SWMMU_LVL_DUAL).
 */
__cold int swmmu_link(struct swmmu_as *dst, const struct swmmu_as *src, u64 va, unsigned int level)
{
	const struct swmmu_format *f = dst->fmt;
	void *tbl, *mk[SWMMU_MAX_LEVELS];
	u64 ia, pte, dst_item, mk_addr[SWMMU_MAX_LEVELS];
	unsigned int idx, l, n = 0, i;
	struct pt_path at;
	struct pt_pos p;
	int ret;

	if ((dst->fmt != src->fmt && !swmmu_format_equal(dst->fmt, src->fmt)) || !level ||
	    level >= f->nr_levels)
		return -EINVAL;
	if (pt_is_dual(f, level))
		return -EOPNOTSUPP;
	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	ret = pt_find_item(src, ia, level, &tbl, &idx);
	if (ret)
		return ret;
	pte = pt_load(f, level, tbl, idx);
	if (pt_kind(f, level, pte) != SWMMU_ITEM_TABLE)
		return -ENOENT;
	if (dst->nr_links == SWMMU_MAX_LINKS)
		return -ENOSPC;
	/* Count and allocate the tables dst lacks above the level, then link. */
	dst_item = pt_descend_root(dst, &p, ia, level, &at);
	tbl = p.tbl[p.lvl];
	l = p.lvl;
	if (pt_kind(f, l, dst_item) != SWMMU_ITEM_HOLE)
		return -EEXIST;
	for (i = l; i > level; i--) {
		mk[n] = swmmu_table_alloc(dst, i - 1, &mk_addr[n]);
		if (!mk[n]) {
			while (n--)
				swmmu_table_free(dst, i + n, mk[n], mk_addr[n]);
			return -ENOMEM;
		}
		memset(mk[n], 0, (size_t)1 << pt_table_lg2(f, i - 1));
		n++;
	}
	for (i = 0; l > level; l--, i++) {
		u64 tattr;
		unsigned int ti = pt_index(f, l, ia);

		if (pt_table_attr(f, l, dst->table_prot, &tattr))
			tattr = f->level[l].table_val | f->table_set;
		if (pt_has_ext(f, l))
			pt_store_ext(f, tbl, ti, f->ext_table);
		pt_store(f, l, tbl, ti, tattr | pt_oa_enc(f, mk_addr[i]));
		swmmu_table_account(dst, l - 1, 1);
		tbl = mk[i];
	}
	idx = pt_index(f, level, ia);
	/* The owner unlinks tables of the subtree without our cache generation. */
	swmmu_pwc_set_off(dst, SWMMU_PWC_OFF_LINKS, true);
	swmmu_pwc_invalidate(dst);
	if (pt_has_ext(f, level))
		pt_store_ext(f, tbl, idx, f->ext_table);
	pt_store(f, level, tbl, idx, pte);
	dst->links[dst->nr_links].va = ia;
	dst->links[dst->nr_links].level = (u8)level;
	dst->nr_links++;
	return 0;
}

/**
 * swmmu_unlink() - remove a subtree linked with swmmu_link()
 * @dst: the address space holding the link
 * @va: a VA inside the linked span
 * @level: the level given to swmmu_link()
 * @g: records the invalidation, or NULL
 *
 * The subtree is not freed (its owner frees it).
 *
 * Context: the caller holds the span.
 * Return: 0, -ERANGE, -ENOENT if there is no such link.
 */
__cold int swmmu_unlink(struct swmmu_as *dst, u64 va, unsigned int level, struct swmmu_gather *g)
{
	const struct swmmu_format *f = dst->fmt;
	unsigned int idx;
	void *tbl;
	u64 ia;

	if (!pt_va_to_ia(f, va, &ia))
		return -ERANGE;
	if (level >= f->nr_levels || !swmmu_is_link(dst, ia, level) ||
	    pt_find_item(dst, ia, level, &tbl, &idx))
		return -ENOENT;
	pt_clear(f, level, tbl, idx);
	swmmu_pwc_invalidate(dst);
	pt_forget_link(dst, ia, level);
	ia &= ~pt_lowmask(f->level[level].shift);
	swmmu_gather_add(g, dst, pt_canon(f, ia), pt_canon(f, ia | pt_lowmask(f->level[level].shift)),
			 1u << level);
	return 0;
}
