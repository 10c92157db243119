// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leaf sizes and table counts under random interleavings of map, unmap and protect.
 *
 * swmmu_map() documents its page-size choice: at each step the largest page size for which VA
 * and PA are aligned and which fits in the rest of the range. Walking a map in VA order, that is
 * the largest size s in swmmu_format_pgsizes() with va and pa aligned to s and va + s - 1 inside
 * the range (a contiguous entry of a lower level counts as its whole size). This test checks every
 * leaf of every successful map against that rule while the window holds no empty table: after an
 * explicit swmmu_free_empty() of the window, and until the next unmap (map and protect never
 * leave a table empty; an unmap with or without SWMMU_UNMAP_FREE_EMPTY may, where the range
 * does not cover a whole table's span). Unmaps take SWMMU_UNMAP_FREE_EMPTY at random.
 *
 * A second run maps through swmmu_map_ext() with a gather: a leaf then takes the place of the
 * empty tables in its slot (they are freed through the gather), so the rule holds whatever the
 * history and every map is checked, without explicit frees.
 *
 * At the end everything is unmapped with SWMMU_UNMAP_FREE_EMPTY, the rest of the VA space is
 * freed explicitly, and the address space must be back to its minimum: the root table alone.
 *
 * Dual directories (SWMMU_LVL_DUAL) run the same: nv-gp100, whose PD0 item is a 2M leaf or a
 * big-page (64K) and a small-page (4K) table at once, and the same format with 512M leaves at
 * the level above (where a leaf takes the place of a table of dual items). Their runs send a third
 * of the operations back to where the last unmap started, so that large leaves meet the tables
 * unmaps leave empty. Known cases come first: leaves over dual items whose tables an unmap left
 * empty, and a split of a leaf into a table of dual items.
 *
 * Seeded (SWMMU_SEED overrides); SWMMU_LEAF_OPS operations per format (default 3000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

#define RW	(SWMMU_PROT_R | SWMMU_PROT_W)

static struct test_mem tm;

struct lt {
	struct swmmu_as as;
	const struct swmmu_format *f;
	u64 pgsizes, base, size, gran, seed;
	bool clean;		/* no empty table in the window */
	bool gather;		/* map with a gather (empty tables are replaced) */
	bool revisit;		/* a third of the operations start where the last unmap did */
	u64 recent;		/* where the last unmap started */
	struct swmmu_gather g;
	long maps, checked, unmaps, frees, protects;
	bool failed;
};

/* The size the greedy rule gives at va (pa the output address of va; last inclusive). */
static u64 greedy_size(const struct lt *t, u64 va, u64 pa, u64 last)
{
	u64 s, best = 0;

	for (s = t->gran; s; s <<= 1) {
		if (!(t->pgsizes & s))
			continue;
		if (((va | pa) & (s - 1)) || last - va < s - 1)
			break;
		best = s;
	}
	return best;
}

/* Every leaf of a map that succeeded follows the greedy rule (va, last internal = canonical). */
static void check_greedy(struct lt *t, u64 va, u64 pa, u64 len)
{
	u64 last = va + len - 1, cur = va;

	while (!t->failed) {
		struct swmmu_xlate x;
		u64 want = greedy_size(t, cur, pa + (cur - va), last);

		if (swmmu_query(&t->as, cur, &x) || x.entry_va != cur || x.pa != pa + (cur - va) ||
		    (1ULL << x.size_lg2) != want) {
			t->failed = true;
			tap_diag("%s: map 0x%llx+0x%llx at 0x%llx: leaf at 0x%llx of 2^%u, greedy rule 0x%llx",
				 t->f->name, (unsigned long long)va, (unsigned long long)len,
				 (unsigned long long)pa, (unsigned long long)cur, x.size_lg2,
				 (unsigned long long)want);
			return;
		}
		t->checked++;
		if (last - cur < want)
			return;
		cur += want;
		if (cur > last)
			return;
	}
}

/* A random size: mostly small, sometimes one of the format's large page sizes. */
static u64 rnd_len(struct lt *t)
{
	u64 r = test_rand(&t->seed), s;

	if (r % 4)
		return t->gran * (1 + test_rand(&t->seed) % 64);
	/* A random page size of the format, times 1..3, plus a random small tail. */
	do {
		s = 1ULL << (test_rand(&t->seed) % 64);
	} while (!(t->pgsizes & s) || s > t->size / 4);
	return s * (1 + test_rand(&t->seed) % 3) + (r & 8 ? t->gran * (test_rand(&t->seed) % 8) : 0);
}

/* A random start: aligned to a random page size of the format (so large leaves can fit). */
static u64 rnd_va(struct lt *t, u64 len)
{
	u64 s, off;

	do {
		s = 1ULL << (test_rand(&t->seed) % 64);
	} while (!(t->pgsizes & s) || s > t->size / 4);
	if (len >= t->size)
		return t->base;
	off = test_rand(&t->seed) % (t->size - len + 1);
	off &= ~(s - 1);
	return t->base + off;
}

/*
 * Back where the last unmap started (t->revisit): a random page size of the format, times 1..3,
 * from there aligned down to it, so that a leaf as large as the tables the unmap may have left
 * empty meets them.
 */
static void revisit_range(struct lt *t, u64 *va, u64 *len)
{
	u64 s;

	do {
		s = 1ULL << (test_rand(&t->seed) % 64);
	} while (!(t->pgsizes & s) || s > t->size / 4);
	*len = s * (1 + test_rand(&t->seed) % 3);
	*va = t->base + ((t->recent - t->base) & ~(s - 1));
	if (*va + *len > t->base + t->size)
		*len = t->base + t->size - *va;
}

static void step(struct lt *t)
{
	u64 r = test_rand(&t->seed) % 16, len, va, pa;
	int ret;

	if (t->revisit && t->unmaps && test_rand(&t->seed) % 3 == 0) {
		revisit_range(t, &va, &len);
	} else {
		len = rnd_len(t);
		va = rnd_va(t, len);
	}
	if (len > t->size)
		len = t->size;
	if (r < 8) {
		/* PA congruent with VA modulo a large size half of the time, so large leaves fit. */
		pa = (test_rand(&t->seed) & 1) ? va + (1ULL << 33) :
						 (test_rand(&t->seed) % (1ULL << 20)) * t->gran;
		if (t->gather) {
			struct swmmu_map_opts o = { .gather = &t->g };

			ret = swmmu_map_ext(&t->as, va, pa, len, RW, &o);
			swmmu_gather_flush(&t->g);
		} else {
			ret = swmmu_map(&t->as, va, pa, len, RW);
		}
		if (!ret) {
			t->maps++;
			if (t->clean || t->gather)
				check_greedy(t, va, pa, len);
		} else if (ret != -EEXIST) {
			t->failed = true;
			tap_diag("%s: map 0x%llx+0x%llx: %s", t->f->name, (unsigned long long)va,
				 (unsigned long long)len, test_errname(ret));
		}
	} else if (r < 13) {
		u32 flags = SWMMU_UNMAP_SPLIT | ((r & 1) ? SWMMU_UNMAP_FREE_EMPTY : 0);

		ret = swmmu_unmap(&t->as, va, len, flags, NULL, NULL);
		t->recent = va;
		if (ret && ret != -ENOENT) {
			t->failed = true;
			tap_diag("%s: unmap 0x%llx+0x%llx: %s", t->f->name, (unsigned long long)va,
				 (unsigned long long)len, test_errname(ret));
		}
		t->unmaps++;
		t->clean = false;
	} else if (r < 15) {
		ret = swmmu_protect(&t->as, va, len, (r & 1) ? SWMMU_PROT_R : RW, SWMMU_UNMAP_SPLIT,
				    NULL);
		if (ret && ret != -ENOENT) {
			t->failed = true;
			tap_diag("%s: protect 0x%llx+0x%llx: %s", t->f->name,
				 (unsigned long long)va, (unsigned long long)len, test_errname(ret));
		}
		t->protects++;
	} else if (!t->gather) {
		ret = swmmu_free_empty(&t->as, t->base, t->size, NULL);
		if (ret < 0) {
			t->failed = true;
			tap_diag("%s: free_empty: %s", t->f->name, test_errname(ret));
		}
		t->frees++;
		t->clean = true;
	}
}

static void run_fmt(const struct swmmu_format *f, bool gather, bool revisit, u64 base, u64 size,
		    long ops, u64 seed)
{
	static struct lt t;
	struct swmmu_stats st;
	long i, live0 = tm.live;
	const char *name = f->name;
	u64 top;
	int ret;

	memset(&t, 0, sizeof(t));
	t.f = f;
	if (swmmu_as_init(&t.as, t.f, &tm.mem)) {
		tap_ok(false, "%s: setup", name);
		return;
	}
	t.pgsizes = swmmu_format_pgsizes(t.f);
	t.gran = t.pgsizes & -t.pgsizes;
	t.base = base;
	t.size = size;
	t.seed = seed;
	t.clean = true;
	t.gather = gather;
	t.revisit = revisit;
	swmmu_gather_init(&t.g, NULL, NULL);
	for (i = 0; i < ops && !t.failed; i++)
		step(&t);
	tap_ok(!t.failed, "%s%s: %ld maps (%ld leaves checked against the greedy rule), %ld unmaps, %ld protects, %ld explicit frees (seed %llu)",
	       name, gather ? " with a gather" : "", t.maps, t.checked, t.unmaps, t.protects,
	       t.frees, (unsigned long long)seed);
	TAP_CHECK(t.checked > 0, "%s: the greedy rule was checked", name);

	/* Everything unmapped, tables freed with it: then only tables spanning more remain. */
	ret = swmmu_unmap(&t.as, base, size, SWMMU_UNMAP_SPLIT | SWMMU_UNMAP_FREE_EMPTY, NULL,
			  NULL);
	TAP_CHECK(!ret || ret == -ENOENT, "%s: unmap the whole window", name);
	/* The lower half of the VA space (the whole of it would cross x86's canonical hole). */
	top = 1ULL << (t.f->va_bits - 1);
	ret = swmmu_free_empty(&t.as, 0, top, NULL);
	TAP_CHECK(ret >= 0, "%s: free the rest of the VA space", name);
	swmmu_as_stats(&t.as, &st);
	TAP_EQ(st.nr_tables, 1, "%s: the root table alone after unmapping everything", name);
	TAP_EQ(st.table_bytes, 1ULL << pt_table_lg2(t.f, t.f->nr_levels - 1u),
	       "%s: table bytes back to the root's", name);
	swmmu_as_destroy(&t.as);
	TAP_EQ(tm.live, live0, "%s: every table freed by destroy", name);
}

static void run(const char *name, bool gather, bool revisit, u64 base, u64 size, long ops,
		u64 seed)
{
	const struct swmmu_format *f = swmmu_format_find(name);

	if (!f) {
		tap_ok(false, "%s: setup", name);
		return;
	}
	run_fmt(f, gather, revisit, base, size, ops, seed);
}

/*
 * nv-gp100 with leaves at level 3 (512M, NV_VALID set), run by the generic engine: a leaf there
 * takes the place of a whole table of dual items.
 */
static struct swmmu_format nv_l3;

static const struct swmmu_format *nv_l3_fmt(void)
{
	const struct swmmu_format *nv = swmmu_format_find("nv-gp100");
	struct swmmu_level *l = &nv_l3.level[3];

	if (!nv)
		return NULL;
	nv_l3 = *nv;
	snprintf(nv_l3.name, sizeof(nv_l3.name), "nv-gp100-l3");
	nv_l3.ops = NULL;
	l->flags |= SWMMU_LVL_LEAF;
	l->leaf_mask = nv->level[2].leaf_mask;
	l->leaf_val = nv->level[2].leaf_val;
	l->mt_mask = nv->level[2].mt_mask;
	memcpy(l->mt, nv->level[2].mt, sizeof(l->mt));
	return swmmu_format_validate(&nv_l3) ? NULL : &nv_l3;
}

#define K4	0x1000ULL
#define K64	0x10000ULL
#define M2	0x200000ULL
#define M512	0x20000000ULL

static u64 nr_tables(const struct swmmu_as *as)
{
	struct swmmu_stats st;

	swmmu_as_stats(as, &st);
	return st.nr_tables;
}

/* The leaf translating va: its size, where it starts and what it maps va to. */
static bool leaf_is(const struct swmmu_as *as, u64 va, unsigned int lg2, u64 entry_va, u64 pa)
{
	struct swmmu_xlate x;

	return !swmmu_query(as, va, &x) && x.size_lg2 == lg2 && x.entry_va == entry_va &&
	       x.pa == pa;
}

/* True if the gather holds [va, va + len) with the level-lvl bit among its changed levels. */
static bool gathered(const struct swmmu_gather *g, u64 va, u64 len, unsigned int lvl)
{
	unsigned int i;

	for (i = 0; i < g->nr_ranges; i++)
		if (g->range[i].start <= va && g->range[i].last >= va + len - 1 &&
		    (g->range[i].levels & (1u << lvl)))
			return true;
	return false;
}

/*
 * A map with a gather where a larger leaf fits over a dual item whose tables an unmap left empty
 * (unmap without SWMMU_UNMAP_FREE_EMPTY): the leaf replaces the item, and its tables are freed
 * through the gather, after the flush. A dual item is empty when each table it points at is: a 2M
 * leaf over a small-page table (nv-gp100: map 4K, unmap, map 2M, which gave 64K leaves and six
 * tables), over a big-page table, over both; a 64K leaf over the empty small-page items below
 * it (the big-page item decides: it goes into the big-page table whatever the small-page table
 * holds elsewhere); nothing when a table still holds a leaf.
 */
static void dual_cases(void)
{
	const struct swmmu_format *f = swmmu_format_find("nv-gp100"), *f3 = nv_l3_fmt();
	u64 b = 1ULL << 39, pa = 0x40000000, live;
	struct swmmu_map_opts o;
	struct swmmu_gather g;
	struct swmmu_as as;

	swmmu_gather_init(&g, NULL, NULL);
	memset(&o, 0, sizeof(o));
	o.gather = &g;
	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "nv-gp100: setup"))
		return;

	/* The small-page table left empty: root, PD2, PD1, PD0 and the small-page table. */
	TAP_EQ(swmmu_map(&as, b + K4, 0x5000, K4, RW), 0, "nv-gp100: map 4K");
	TAP_EQ(swmmu_unmap(&as, b + K4, K4, 0, NULL, NULL), 0, "nv-gp100: unmap it, tables kept");
	TAP_EQ(nr_tables(&as), 5, "nv-gp100: five tables, the small-page table empty");
	live = tm.live;
	TAP_EQ(swmmu_map_ext(&as, b, pa, M2, RW, &o), 0, "nv-gp100: map 2M with a gather");
	TAP_CHECK(leaf_is(&as, b + 0x123456, 21, b, pa + 0x123456),
		  "nv-gp100: one 2M leaf over the empty small-page table");
	TAP_EQ(nr_tables(&as), 4, "nv-gp100: its table unlinked: root to PD0");
	TAP_EQ(tm.live, live, "nv-gp100: not freed before the flush");
	TAP_CHECK(gathered(&g, b, M2, 2), "nv-gp100: the gather holds the 2M span, level 2");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 1, "nv-gp100: freed by the flush");

	/* Both tables of the next dual item left empty. */
	TAP_EQ(swmmu_map(&as, b + M2 + K64, 0x10000, K64, RW), 0, "nv-gp100: map 64K");
	TAP_EQ(swmmu_map(&as, b + M2 + 2 * K64 + K4, 0x5000, K4, RW), 0, "nv-gp100: map 4K");
	TAP_EQ(swmmu_unmap(&as, b + M2, M2, 0, NULL, NULL), 0, "nv-gp100: unmap both");
	TAP_EQ(nr_tables(&as), 6, "nv-gp100: big- and small-page tables empty");
	live = tm.live;
	TAP_EQ(swmmu_map_ext(&as, b + M2, pa + M2, M2, RW, &o), 0,
	       "nv-gp100: map 2M with a gather over both");
	TAP_CHECK(leaf_is(&as, b + M2 + K64, 21, b + M2, pa + M2 + K64),
		  "nv-gp100: one 2M leaf over both");
	TAP_EQ(nr_tables(&as), 4, "nv-gp100: both unlinked");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 2, "nv-gp100: both freed by the flush");

	/* The big-page table alone left empty. */
	TAP_EQ(swmmu_map(&as, b + 2 * M2 + 3 * K64, 0x30000, K64, RW), 0, "nv-gp100: map 64K");
	TAP_EQ(swmmu_unmap(&as, b + 2 * M2 + 3 * K64, K64, 0, NULL, NULL), 0,
	       "nv-gp100: unmap it");
	TAP_EQ(swmmu_map_ext(&as, b + 2 * M2, pa + 2 * M2, M2, RW, &o), 0,
	       "nv-gp100: map 2M with a gather over the big-page table");
	swmmu_gather_flush(&g);
	TAP_CHECK(leaf_is(&as, b + 2 * M2, 21, b + 2 * M2, pa + 2 * M2),
		  "nv-gp100: one 2M leaf over the big-page table");
	TAP_EQ(nr_tables(&as), 4, "nv-gp100: it is unlinked");

	/* 64K over empty small-page items: the leaf goes into a new big-page table. */
	TAP_EQ(swmmu_map(&as, b + 3 * M2 + K64 + K4, 0x5000, K4, RW), 0, "nv-gp100: map 4K");
	TAP_EQ(swmmu_map(&as, b + 3 * M2 + 8 * K64, 0x5000, K4, RW), 0,
	       "nv-gp100: map 4K in another 64K");
	TAP_EQ(swmmu_unmap(&as, b + 3 * M2 + K64 + K4, K4, 0, NULL, NULL), 0,
	       "nv-gp100: unmap the first");
	TAP_EQ(swmmu_map_ext(&as, b + 3 * M2 + K64, pa + K64, K64 + K4, RW, &o), 0,
	       "nv-gp100: map 64K + 4K with a gather");
	swmmu_gather_flush(&g);
	TAP_CHECK(leaf_is(&as, b + 3 * M2 + K64 + K4, 16, b + 3 * M2 + K64, pa + K64 + K4),
		  "nv-gp100: a 64K leaf over the empty small-page items");
	TAP_CHECK(leaf_is(&as, b + 3 * M2 + 2 * K64, 12, b + 3 * M2 + 2 * K64, pa + 2 * K64),
		  "nv-gp100: then a 4K leaf");
	TAP_EQ(nr_tables(&as), 6, "nv-gp100: the small-page table stays (it holds a page)");

	/* A table that still holds a leaf is not replaced. */
	TAP_EQ(swmmu_map_ext(&as, b + 3 * M2, pa, M2, RW, &o), -EEXIST,
	       "nv-gp100: map 2M over a page: EEXIST");
	TAP_EQ(g.nr_tables, 0, "nv-gp100: no table freed");
	TAP_EQ(nr_tables(&as), 6, "nv-gp100: nothing changed");
	swmmu_gather_flush(&g);

	/* Nor a dual item whose big-page word is a hole and whose small-page table holds a page. */
	TAP_EQ(swmmu_map(&as, b + 4 * M2 + K4, 0x5000, K4, RW), 0, "nv-gp100: map 4K alone");
	TAP_EQ(swmmu_map_ext(&as, b + 4 * M2, pa, M2, RW, &o), -EEXIST,
	       "nv-gp100: map 2M over the small-page table's page: EEXIST");
	TAP_EQ(g.nr_tables, 0, "nv-gp100: no table freed");
	TAP_CHECK(leaf_is(&as, b + 4 * M2 + K4, 12, b + 4 * M2 + K4, 0x5000),
		  "nv-gp100: the 4K page is still there");
	swmmu_gather_flush(&g);

	TAP_EQ(swmmu_unmap(&as, b, 5 * M2, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL), 0,
	       "nv-gp100: unmap everything");
	swmmu_free_empty(&as, 0, 1ULL << 48, NULL);
	TAP_EQ(nr_tables(&as), 1, "nv-gp100: the root alone");
	swmmu_as_destroy(&as);

	/* 512M over a table of dual items, one of them with empty tables. */
	if (!TAP_CHECK(f3 && !swmmu_as_init(&as, f3, &tm.mem), "nv-gp100-l3: setup"))
		return;
	TAP_EQ(swmmu_map(&as, b + K64, 0x10000, K64, RW), 0, "nv-gp100-l3: map 64K");
	TAP_EQ(swmmu_map(&as, b + M2 * 7 + K4, 0x5000, K4, RW), 0,
	       "nv-gp100-l3: map 4K in another dual item");
	TAP_EQ(swmmu_unmap(&as, b, M512, 0, NULL, NULL), 0, "nv-gp100-l3: unmap both");
	TAP_EQ(nr_tables(&as), 6, "nv-gp100-l3: root to PD0, big- and small-page tables");
	live = tm.live;
	TAP_EQ(swmmu_map_ext(&as, b, pa, M512, RW, &o), 0,
	       "nv-gp100-l3: map 512M with a gather");
	TAP_CHECK(leaf_is(&as, b + M2 * 7 + K4, 29, b, pa + M2 * 7 + K4),
		  "nv-gp100-l3: one 512M leaf over the table of dual items");
	TAP_EQ(nr_tables(&as), 3, "nv-gp100-l3: PD0 and both tables below it unlinked");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 3, "nv-gp100-l3: all three freed by the flush");
	/*
	 * A 512M leaf split by a protect becomes a table of dual items, each a 2M leaf in word 0:
	 * word 1 must be zero there (the new table is reused memory), or splitting a 2M leaf
	 * further makes the item reserved, and what it maps is lost.
	 */
	b += M512;
	TAP_EQ(swmmu_map(&as, b, pa, M512, RW), 0, "nv-gp100-l3: map 512M");
	TAP_CHECK(leaf_is(&as, b + K4, 29, b, pa + K4), "nv-gp100-l3: one 512M leaf");
	TAP_EQ(swmmu_protect(&as, b + 2 * M2 + K64 + K4, K4, SWMMU_PROT_R, SWMMU_UNMAP_SPLIT, NULL),
	       0, "nv-gp100-l3: protect 4K inside it, split");
	TAP_CHECK(leaf_is(&as, b + 2 * M2 + K64 + K4, 12, b + 2 * M2 + K64 + K4,
			  pa + 2 * M2 + K64 + K4), "nv-gp100-l3: a 4K leaf there");
	TAP_CHECK(leaf_is(&as, b + 2 * M2 + 5 * K64, 16, b + 2 * M2 + 5 * K64, pa + 2 * M2 + 5 * K64),
		  "nv-gp100-l3: 64K leaves beside it");
	TAP_CHECK(leaf_is(&as, b + 9 * M2 + K4, 21, b + 9 * M2, pa + 9 * M2 + K4) &&
		  leaf_is(&as, b + M512 - K4, 21, b + M512 - M2, pa + M512 - K4),
		  "nv-gp100-l3: 2M leaves in the other dual items");
	TAP_EQ(nr_tables(&as), 6, "nv-gp100-l3: root to PD0, the dual item's two tables");
	TAP_EQ(swmmu_unmap(&as, b - M512, 2 * M512, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL), 0,
	       "nv-gp100-l3: unmap both 512M");
	swmmu_free_empty(&as, 0, 1ULL << 48, NULL);
	TAP_EQ(nr_tables(&as), 1, "nv-gp100-l3: the root alone");
	swmmu_as_destroy(&as);
}

int main(void)
{
	const char *senv = getenv("SWMMU_SEED"), *oenv = getenv("SWMMU_LEAF_OPS");
	u64 seed = senv ? strtoull(senv, NULL, 0) : 20261207;
	long ops = oenv ? atol(oenv) : 3000;

	if (test_mem_init(&tm, 4UL << 30))
		return 1;
	/* Windows of whole top-level spans below, so 1G leaves (and AArch64's 32M runs) fit. */
	run("x86_64", false, false, 1ULL << 39, 8ULL << 30, ops, seed);
	run("aarch64-4k", false, false, 1ULL << 39, 8ULL << 30, ops, seed + 1);
	run("riscv-sv48", false, false, 1ULL << 39, 8ULL << 30, ops, seed + 2);
	run("x86_64", true, false, 1ULL << 39, 8ULL << 30, ops, seed + 3);
	run("aarch64-4k", true, false, 1ULL << 39, 8ULL << 30, ops, seed + 4);
	run("riscv-sv48", true, false, 1ULL << 39, 8ULL << 30, ops, seed + 5);
	/*
	 * Dual directories, going back to where the last unmap started (a 2M map in 8G rarely
	 * meets a dual item an unmap left empty otherwise), and in 64M, where many maps share
	 * each table.
	 */
	dual_cases();
	run("nv-gp100", false, true, 1ULL << 39, 8ULL << 30, ops, seed + 6);
	run("nv-gp100", true, true, 1ULL << 39, 8ULL << 30, ops, seed + 7);
	run("nv-gp100", true, true, 1ULL << 39, 64ULL << 20, ops, seed + 8);
	if (TAP_CHECK(nv_l3_fmt(), "nv-gp100 with 512M leaves at level 3: valid")) {
		run_fmt(&nv_l3, false, true, 1ULL << 39, 8ULL << 30, ops, seed + 9);
		run_fmt(&nv_l3, true, true, 1ULL << 39, 8ULL << 30, ops, seed + 10);
	}
	test_mem_fini(&tm);
	return tap_done();
}
