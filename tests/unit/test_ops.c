// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each operation's edge cases: boundary addresses, top of the VA space, canonical addresses,
 * errnos, page-size choice, rollback, split, protect, query/translate, walk actions, modifying
 * walks, accessed/dirty, regions and dump, freeing empty tables through the gather, table entry
 * permissions, linking subtrees, memory types, backing-page allocation and copying.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

#define R	SWMMU_PROT_R
#define W	SWMMU_PROT_W
#define X	SWMMU_PROT_X
#define U	SWMMU_PROT_U
#define G	SWMMU_PROT_G
#define K4	0x1000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL

static struct test_mem tm;

static void mk(struct swmmu_as *as, const char *name)
{
	if (swmmu_as_init(as, swmmu_format_find(name), &tm.mem))
		tap_ok(false, "create %s", name);
}

static u8 qsize(struct swmmu_as *as, u64 va)
{
	struct swmmu_xlate x;

	return swmmu_query(as, va, &x) ? 0 : x.size_lg2;
}

static u64 qpa(struct swmmu_as *as, u64 va)
{
	struct swmmu_xlate x;

	return swmmu_query(as, va, &x) ? ~0ULL : x.pa;
}

static void test_map_edges(void)
{
	struct swmmu_as as;
	struct swmmu_map_opts o = { .pgsize = 0x10000 };
	struct swmmu_stats st0, st1;
	u64 top = 0xfffffffffffff000ULL, snap, u;

	mk(&as, "x86_64");
	TAP_EQ(swmmu_map(&as, 0, 0, K4, R), 0, "map VA 0");
	TAP_EQ(swmmu_map(&as, top, 0xffffffffff000ULL, K4, R | W), 0,
	       "map the last page of the VA space (top OA page)");
	TAP_EQ(qpa(&as, 0xffffffffffffffffULL), 0xfffffffffffffULL, "query the last byte");
	TAP_EQ(swmmu_map(&as, top - K4, 0, 2 * K4, R), -EEXIST, "overlap with the last page");
	TAP_EQ(swmmu_map(&as, top, 0, 2 * K4, R), -EOVERFLOW,
	       "range wrapping past 2^64 -> EOVERFLOW, as swmmu_format_range() and the uAPI");
	TAP_EQ(swmmu_map(&as, 0x00007ffffffff000ULL, 0, 2 * K4, R), -ERANGE,
	       "range crossing the canonical hole -> ERANGE");
	TAP_EQ(swmmu_map(&as, 0x00007ffffffff000ULL, 0, K4, R), 0, "last lower-half page");
	TAP_EQ(swmmu_map(&as, 0x2000, 0x3000, 0, R), -EINVAL, "len 0 -> EINVAL");
	TAP_EQ(swmmu_map(&as, 0x2001, 0x3000, K4, R), -EINVAL, "unaligned VA -> EINVAL");
	TAP_EQ(swmmu_map(&as, 0x2000, 0x3001, K4, R), -EINVAL, "unaligned PA -> EINVAL");
	TAP_EQ(swmmu_map(&as, 0x2000, 0x3000, 0x1800, R), -EINVAL, "unaligned length -> EINVAL");
	TAP_EQ(swmmu_map_ext(&as, 0x10000, 0x10000, 0x10000, R, &o), -EOPNOTSUPP,
	       "x86_64 has no 64K page -> EOPNOTSUPP (never silently 4K)");
	o.pgsize = 0x3000;
	TAP_EQ(swmmu_map_ext(&as, 0x10000, 0x10000, 0x3000, R, &o), -EINVAL,
	       "page size not a power of two -> EINVAL");
	o.pgsize = M2;
	TAP_EQ(swmmu_map_ext(&as, M2 + K4, M2, M2, R, &o), -EINVAL, "forced 2M, unaligned VA");
	TAP_EQ(swmmu_map(&as, 0x2000, 0xffffffffff000ULL, 2 * K4, R), -ERANGE,
	       "OA range past 52 bits -> ERANGE");
	TAP_EQ(swmmu_map(&as, 0x2000, 0x3000, K4, X), -EOPNOTSUPP, "execute-only -> EOPNOTSUPP");

	/* Automatic sizes: 4K up to 2M alignment, 2M up to 1G, one 1G, then 2M and 4K tails. */
	TAP_EQ(swmmu_map(&as, G1 - M2 - K4, 8 * G1 - M2 - K4, G1 + 2 * M2 + 3 * K4, R | W), 0,
	       "map a range that needs 4K, 2M, 1G, 2M, 4K");
	TAP_CHECK(qsize(&as, G1 - M2 - K4) == 12 && qsize(&as, G1 - M2) == 21 &&
		  qsize(&as, G1) == 30 && qsize(&as, 2 * G1) == 21 && qsize(&as, 2 * G1 + M2) == 12,
		  "largest aligned size chosen at each step");
	TAP_EQ(qpa(&as, G1 + 0x123456), 8 * G1 + 0x123456, "translation inside the 1G leaf");

	/* Overlap anywhere in a long range: -EEXIST and nothing changes. */
	TAP_EQ(swmmu_map(&as, 100 * G1, 0, 3 * G1 + K4, R), 0, "map far away");
	swmmu_as_stats(&as, &st0);
	snap = test_snapshot(&as);
	TAP_EQ(swmmu_map(&as, 96 * G1 + K4, 0, 4 * G1, R), -EEXIST,
	       "map whose last page overlaps, after tables it would create -> EEXIST");
	swmmu_as_stats(&as, &st1);
	TAP_CHECK(test_snapshot(&as) == snap && st0.nr_tables == st1.nr_tables,
		  "failed map left tables byte-identical (%llu tables)",
		  (unsigned long long)st1.nr_tables);
	swmmu_unmap(&as, 100 * G1, 3 * G1 + K4, 0, NULL, &u);
	TAP_EQ(u, 3 * G1 + K4, "unmapped byte count");
	swmmu_as_destroy(&as);
}

static void test_unmap_protect(void)
{
	struct swmmu_as as;
	struct swmmu_stats st0, st1;
	struct swmmu_xlate x;
	u64 snap, u = 1;

	mk(&as, "x86_64");
	swmmu_map(&as, G1, 4 * G1, G1, R | W);
	swmmu_map(&as, 3 * G1, 5 * G1, 2 * M2, R | W | X);
	swmmu_as_stats(&as, &st0);
	snap = test_snapshot(&as);
	TAP_EQ(swmmu_unmap(&as, G1 + K4, K4, 0, NULL, &u), -EINVAL,
	       "unmap inside a 1G leaf -> EINVAL");
	TAP_EQ(u, 0, "nothing unmapped");
	TAP_EQ(swmmu_unmap(&as, G1 - K4, 2 * K4, 0, NULL, NULL), -EINVAL,
	       "unmap ending inside a 1G leaf -> EINVAL");
	TAP_EQ(swmmu_protect(&as, 2 * G1 - K4, 2 * K4, R, 0, NULL), -EINVAL,
	       "protect starting inside a 1G leaf -> EINVAL");
	TAP_CHECK(test_snapshot(&as) == snap, "refused operations changed nothing");
	TAP_EQ(swmmu_unmap(&as, 7 * G1, G1, 0, NULL, &u), -ENOENT, "unmap of nothing -> ENOENT");
	TAP_EQ(swmmu_protect(&as, 7 * G1, G1, R, 0, NULL), -ENOENT, "protect of nothing -> ENOENT");
	TAP_EQ(swmmu_unmap(&as, 2 * G1, G1 + 2 * M2, 0, NULL, &u), 0, "unmap skips holes");
	TAP_EQ(u, 2 * M2, "only the mapped bytes are counted");
	TAP_EQ(swmmu_unmap(&as, G1 + M2 + K4, K4, SWMMU_UNMAP_SPLIT, NULL, &u), 0,
	       "unmap one 4K page out of a 1G leaf with split");
	swmmu_as_stats(&as, &st1);
	TAP_EQ(st1.nr_tables, st0.nr_tables + 2, "split built a 2M table and a 4K table");
	TAP_CHECK(qsize(&as, G1) == 21 && qsize(&as, G1 + M2) == 12 &&
		  qpa(&as, G1 + M2 + K4) == ~0ULL && qpa(&as, G1 + M2 + 2 * K4) == 4 * G1 + M2 + 2 * K4 &&
		  qpa(&as, 2 * G1 - 1) == 5 * G1 - 1, "translations around the hole preserved");
	TAP_EQ(swmmu_protect(&as, G1, K4, R, SWMMU_UNMAP_SPLIT, NULL), 0,
	       "protect one page of a 2M leaf with split");
	TAP_CHECK(!swmmu_query(&as, G1, &x) && x.prot == R && x.size_lg2 == 12 &&
		  !swmmu_query(&as, G1 + K4, &x) && x.prot == (R | W), "only that page changed");
	TAP_EQ(swmmu_protect(&as, G1, K4, W, 0, NULL), -EOPNOTSUPP,
	       "protect write-only -> EOPNOTSUPP");
	TAP_EQ(swmmu_protect(&as, G1, K4, SWMMU_PROT_NULL, 0, NULL), -EINVAL, "protect to NULL");
	TAP_EQ(swmmu_unmap(&as, G1, K4, 0x80, NULL, NULL), -EINVAL, "unknown unmap flag -> EINVAL");
	/* Accessed/dirty survive protect. */
	TAP_EQ(swmmu_translate(&as, G1 + 2 * K4, R | W, true, &x), 0, "device write access");
	TAP_CHECK(x.accessed && x.dirty, "translate set accessed and dirty");
	swmmu_protect(&as, G1 + 2 * K4, K4, R, 0, NULL);
	TAP_CHECK(!swmmu_query(&as, G1 + 2 * K4, &x) && x.accessed && x.dirty && x.prot == R,
		  "protect kept accessed and dirty");
	swmmu_as_destroy(&as);
}

static void test_query_translate(void)
{
	struct swmmu_as as;
	struct swmmu_xlate x;
	struct swmmu_map_opts o = { .flags = SWMMU_MAP_TABLE_PROT, .table_prot = R | W | X };

	mk(&as, "x86_64");
	TAP_EQ(swmmu_map(&as, 0xffff800000200000ULL, 0x40000000, M2, R | W | U | G), 0,
	       "map 2M in the upper half");
	TAP_EQ(swmmu_query(&as, 0xffff800000212345ULL, &x), 0, "query");
	TAP_CHECK(x.va == 0xffff800000212345ULL && x.entry_va == 0xffff800000200000ULL &&
		  x.pa == 0x40012345 && x.entry_pa == 0x40000000 && x.level == 1 &&
		  x.size_lg2 == 21 && x.prot == (R | W | U | G) && x.eff_prot == (R | W | U | G),
		  "query fields (canonical VAs, entry, level, size, prot)");
	TAP_EQ(swmmu_query(&as, 0x0000800000000000ULL, &x), -ERANGE, "non-canonical -> ERANGE");
	TAP_EQ(swmmu_query(&as, 0x1000, &x), -ENOENT, "unmapped -> ENOENT");
	TAP_EQ(swmmu_translate(&as, 0xffff800000200000ULL, X, false, &x), -EACCES,
	       "execute of an NX page -> EACCES");
	TAP_EQ(swmmu_translate(&as, 0xffff800000200000ULL, R, true, &x), 0, "read access");
	TAP_CHECK(x.accessed && !x.dirty, "read sets accessed only");
	TAP_EQ(swmmu_translate(&as, 0xffff800000200000ULL, 0x40, true, &x), -EINVAL,
	       "bad access bits");
	/* Table entry permissions restrict what lies below. */
	TAP_EQ(swmmu_map_ext(&as, 0x40000000000ULL, 0, K4, R | W | X | U, &o), 0,
	       "map with table entries lacking U");
	TAP_CHECK(!swmmu_query(&as, 0x40000000000ULL, &x) && x.prot == (R | W | X | U) &&
		  x.eff_prot == (R | W | X), "effective permissions lack U");
	TAP_EQ(swmmu_translate(&as, 0x40000000000ULL, R | U, false, &x), -EACCES,
	       "user access through a supervisor table entry -> EACCES");
	o.flags = SWMMU_MAP_TABLE_PROT | SWMMU_MAP_TABLE_ADD;
	o.table_prot = R | W | X | U;
	TAP_EQ(swmmu_map_ext(&as, 0x40000001000ULL, 0, K4, R | U, &o), 0,
	       "map adding U to existing table entries");
	TAP_CHECK(!swmmu_query(&as, 0x40000000000ULL, &x) && x.eff_prot == (R | W | X | U),
		  "existing table entries widened");
	TAP_EQ(swmmu_set_table_prot(&as, 0x40000000000ULL, 3, R | X | U, NULL), 0,
	       "set_table_prot: read-only PML4 entry");
	TAP_CHECK(!swmmu_query(&as, 0x40000000000ULL, &x) && x.eff_prot == (R | X | U),
		  "effective permissions lose W");
	TAP_EQ(swmmu_translate(&as, 0x40000000000ULL, W, false, &x), -EACCES, "write -> EACCES");
	TAP_EQ(swmmu_set_table_prot(&as, 0x40000000000ULL, 0, R, NULL), -EINVAL,
	       "set_table_prot level 0 -> EINVAL");
	TAP_EQ(swmmu_set_table_prot(&as, 0x50000000000ULL, 2, R, NULL), -ENOENT,
	       "set_table_prot where there is no table -> ENOENT");
	TAP_EQ(swmmu_set_table_prot(&as, 0x40000000000ULL, 3, W, NULL), -EOPNOTSUPP,
	       "table entry without R -> EOPNOTSUPP");
	TAP_EQ(swmmu_set_table_prot(&as, 0x40000000000ULL, 4, R, NULL), -EINVAL,
	       "set_table_prot above the root level -> EINVAL");
	TAP_EQ(swmmu_set_table_prot(&as, 0x40000000000ULL, 3, R | SWMMU_PROT_G, NULL), -EINVAL,
	       "set_table_prot with a bit beyond R/W/X/U -> EINVAL");
	TAP_EQ(swmmu_set_table_prot(&as, 0x0000800000000000ULL, 3, R, NULL), -ERANGE,
	       "set_table_prot at a non-canonical VA -> ERANGE");
	TAP_EQ(swmmu_map(&as, 0x60000000000ULL, 0x200000, M2, R), 0, "a 2M leaf");
	TAP_EQ(swmmu_set_table_prot(&as, 0x60000000000ULL, 1, R, NULL), -ENOENT,
	       "set_table_prot on a leaf, not a table entry -> ENOENT");
	swmmu_as_destroy(&as);

	/* A dual directory's item holds two table entries: not one set_table_prot can change. */
	mk(&as, "nv-gp100");
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, K4, R | W), 0, "nv-gp100: a small page");
	TAP_EQ(swmmu_set_table_prot(&as, 0x1000, 2, R, NULL), -EOPNOTSUPP,
	       "set_table_prot of a dual item -> EOPNOTSUPP");
	swmmu_as_destroy(&as);

	mk(&as, "aarch64-4k");
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, K4, R | W | SWMMU_PROT_MT(SWMMU_MT_WT)), 0, "arm: WT");
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && x.prot == (R | W | SWMMU_PROT_MT(SWMMU_MT_WT)) &&
		  x.accessed && !x.dirty, "arm: WT kept, AF set by map, no dirty state");
	TAP_EQ(swmmu_translate(&as, 0x1000, R | W, true, &x), 0, "arm: write access");
	TAP_CHECK(!x.dirty, "arm: no hardware dirty bit to set");
	swmmu_as_destroy(&as);
}

struct wctx {
	int leaves, tables, posts, holes, retries;
	int stop_after;
	u64 first_va;
};

static int w_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct wctx *w = ctx;

	if (!w->leaves++)
		w->first_va = it->va;
	if (w->stop_after && w->leaves == w->stop_after)
		return SWMMU_WALK_STOP;
	if (w->retries == 0 && it->level == 0) {
		w->retries++;
		return SWMMU_WALK_RETRY;
	}
	return SWMMU_WALK_DESCEND;
}

static int w_pre(void *ctx, struct swmmu_walk_item *it)
{
	struct wctx *w = ctx;

	w->tables++;
	return it->level == 1 && it->va == 0x400000 ? SWMMU_WALK_SKIP : SWMMU_WALK_DESCEND;
}

static int w_post(void *ctx, struct swmmu_walk_item *it)
{
	(void)it;
	((struct wctx *)ctx)->posts++;
	return SWMMU_WALK_DESCEND;
}

static int w_hole(void *ctx, struct swmmu_walk_item *it)
{
	(void)it;
	((struct wctx *)ctx)->holes++;
	return SWMMU_WALK_DESCEND;
}

static int w_err(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	(void)it;
	return -EIO;
}

/* Modifying walk: make every leaf read-only. */
static int w_ro(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	it->pte &= ~0x2ULL;
	return SWMMU_WALK_DESCEND;
}

/* Modifying walk: drop a whole subtree by clearing its table entry. */
static int w_cut(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	if (it->level == 1 && it->va == 0x600000)
		it->pte = 0;
	return SWMMU_WALK_DESCEND;
}

/* Modifying walk on nv-gp100: clear the dual item (PD0, level 2) that covers VA 0. */
static int w_cut_dual(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	if (it->level == 2 && it->va == 0)
		it->pte = 0;
	return SWMMU_WALK_DESCEND;
}

static int flushes;
static struct swmmu_gather_range last_range;

static void count_flush(void *ctx, const struct swmmu_gather *g)
{
	(void)ctx;
	flushes++;
	last_range = g->range[0];
}

static void test_walk(void)
{
	struct swmmu_walk_ops ops = { .leaf = w_leaf, .pre_table = w_pre, .post_table = w_post };
	struct swmmu_walk_ops hole_ops = { .hole = w_hole };
	struct swmmu_walk_ops err_ops = { .leaf = w_err };
	struct swmmu_walk_ops ro_ops = { .leaf = w_ro }, cut_ops = { .pre_table = w_cut };
	struct wctx w = { 0 };
	struct swmmu_gather g;
	struct swmmu_as as;
	struct swmmu_xlate x;
	long live;

	mk(&as, "x86_64");
	swmmu_map(&as, 0x200000, 0x10000000, 8 * K4, R | W);	/* level-0 table A */
	swmmu_map(&as, 0x400000, 0x10000000, 4 * K4, R | W);	/* table B (skipped) */
	swmmu_map(&as, 0x600000, 0x10000000, 2 * K4, R | W);	/* table C */
	TAP_EQ(swmmu_walk(&as, 0, G1, &ops, &w), 0, "walk");
	TAP_EQ(w.leaves, 8 + 2 + 1, "leaf callbacks: all but the skipped table, plus one RETRY");
	TAP_EQ(w.retries, 1, "RETRY called the callback again for the same item");
	TAP_EQ(w.first_va, 0x200000, "first leaf VA");
	TAP_EQ(w.tables, 3 + 2, "pre_table for each table entry on the way");
	TAP_EQ(w.posts, 2 + 2, "post_table only after descended tables");
	memset(&w, 0, sizeof(w));
	w.retries = 1;
	w.stop_after = 3;
	TAP_EQ(swmmu_walk(&as, 0, G1, &ops, &w), 0, "walk with STOP");
	TAP_EQ(w.leaves, 3, "STOP ended the walk");
	memset(&w, 0, sizeof(w));
	TAP_EQ(swmmu_walk(&as, 0x200000, M2, &hole_ops, &w), 0, "walk holes");
	TAP_EQ(w.holes, 512 - 8, "hole callbacks for the empty items of the table");
	TAP_EQ(swmmu_walk(&as, 0, G1, &err_ops, &w), -EIO, "callback errno ends the walk");
	TAP_EQ(swmmu_walk(&as, 0, 0, &ops, &w), -EINVAL, "walk len 0 -> EINVAL");

	swmmu_gather_init(&g, count_flush, NULL);
	TAP_EQ(swmmu_walk_mut(&as, 0x200000, M2, &ro_ops, NULL, &g), 0, "modifying walk");
	TAP_CHECK(!swmmu_query(&as, 0x203000, &x) && x.prot == R, "leaves became read-only");
	TAP_CHECK(g.nr_ranges == 1 && g.range[0].start == 0x200000 &&
		  g.range[0].last == 0x207fff && g.range[0].levels == 1,
		  "gather holds the changed range (merged) and level 0");
	live = tm.live;
	TAP_EQ(swmmu_walk_mut(&as, 0, G1, &cut_ops, NULL, &g), 0, "modifying walk clears a table entry");
	TAP_EQ(qpa(&as, 0x600000), ~0ULL, "subtree gone");
	TAP_EQ(tm.live, live, "its table is not freed before the flush");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 1, "freed after the flush");
	TAP_CHECK(flushes == 1 && g.nr_ranges == 0 && g.nr_tables == 0, "flush callback ran once, gather reset");
	swmmu_as_destroy(&as);

	/*
	 * A hole written into a dual item clears both of its words: the big-page table and the
	 * small-page table under it go, through the gather.
	 */
	mk(&as, "nv-gp100");
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, K4, R | W), 0, "nv-gp100: a small page");
	TAP_EQ(swmmu_map(&as, 0x10000, 0x100000, 0x10000, R | W), 0, "nv-gp100: a 64K big page");
	live = tm.live;
	TAP_EQ(swmmu_walk_mut(&as, 0, M2, &(struct swmmu_walk_ops){ .pre_table = w_cut_dual }, NULL,
			      &g), 0, "modifying walk clears a dual item");
	TAP_CHECK(qpa(&as, 0x1000) == ~0ULL && qpa(&as, 0x10000) == ~0ULL,
		  "both the small and the big page are gone");
	TAP_EQ(tm.live, live, "the two tables are not freed before the flush");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 2, "both tables freed after the flush");
	swmmu_as_destroy(&as);
}

static int region_cb_count;

static int region_cb(void *ctx, const struct swmmu_region *r)
{
	(void)ctx;
	(void)r;
	return ++region_cb_count == 2 ? 1 : 0;
}

static void test_regions_ad(void)
{
	struct swmmu_region reg[4];
	unsigned long bm[2];
	unsigned int n;
	struct swmmu_as as;
	struct swmmu_xlate x;

	mk(&as, "x86_64");
	swmmu_map(&as, 0x10000, 0x80000, 3 * K4, R | W);
	swmmu_map(&as, 0x13000, 0x83000, K4, R);		/* prot differs */
	swmmu_map(&as, 0x14000, 0x90000, K4, R);		/* PA not contiguous */
	swmmu_map(&as, 0x15000, 0x91000, K4, R);
	swmmu_map(&as, 0x200000, 0x400000, M2, R);		/* size differs */
	TAP_EQ(swmmu_dump(&as, 0, G1, reg, 4, &n), 0, "dump");
	TAP_EQ(n, 4, "four coalesced regions");
	TAP_CHECK(reg[0].va == 0x10000 && reg[0].len == 3 * K4 && reg[0].pa == 0x80000 &&
		  reg[1].va == 0x13000 && reg[1].len == K4 && reg[2].va == 0x14000 &&
		  reg[2].len == 2 * K4 && reg[3].len == M2 && reg[3].size_lg2 == 21,
		  "regions split on prot, PA discontinuity and page size");
	TAP_EQ(swmmu_dump(&as, 0, G1, reg, 2, &n), -EMSGSIZE, "dump into a short array");
	TAP_EQ(n, 4, "needed count reported");
	TAP_EQ(swmmu_dump(&as, 0x11000, 0x200000, reg, 4, &n), 0, "dump a sub-range");
	TAP_CHECK(n == 4 && reg[0].va == 0x11000 && reg[0].pa == 0x81000 && reg[0].len == 2 * K4 &&
		  reg[3].va == 0x200000 && reg[3].len == 0x11000, "regions clipped to the range");
	region_cb_count = 0;
	TAP_EQ(swmmu_for_each_region(&as, 0, G1, region_cb, NULL), 0,
	       "iteration stopped by the callback");
	TAP_EQ(region_cb_count, 2, "two callbacks before stopping");

	swmmu_translate(&as, 0x11000, W, true, &x);
	swmmu_translate(&as, 0x201000, R, true, &x);
	memset(bm, 0, sizeof(bm));
	TAP_EQ(swmmu_read_clear_ad(&as, 0x10000, 64 * K4, SWMMU_AD_DIRTY, 12, bm, NULL), 0,
	       "read dirty");
	TAP_EQ(bm[0], 1UL << 1, "one dirty page");
	memset(bm, 0, sizeof(bm));
	TAP_EQ(swmmu_read_clear_ad(&as, 0, 4 * M2, SWMMU_AD_ACCESSED | SWMMU_AD_CLEAR, 21, bm, NULL),
	       0, "read and clear accessed at 2M granularity");
	TAP_EQ(bm[0], 0x3UL, "granules 0 and 1 accessed");
	memset(bm, 0, sizeof(bm));
	swmmu_read_clear_ad(&as, 0, 4 * M2, SWMMU_AD_ACCESSED, 21, bm, NULL);
	TAP_EQ(bm[0], 0, "cleared");
	TAP_CHECK(!swmmu_query(&as, 0x11000, &x) && x.dirty && x.prot == (R | W),
		  "clearing accessed kept dirty and permissions");
	TAP_EQ(swmmu_read_clear_ad(&as, 0x10001, K4, SWMMU_AD_DIRTY, 12, bm, NULL), -EINVAL,
	       "unaligned -> EINVAL");
	swmmu_as_destroy(&as);
	mk(&as, "aarch64-4k");
	TAP_EQ(swmmu_read_clear_ad(&as, 0, K4, SWMMU_AD_DIRTY, 12, bm, NULL), -EOPNOTSUPP,
	       "aarch64-4k has no dirty state -> EOPNOTSUPP");
	swmmu_as_destroy(&as);
}

static void test_free_gather(void)
{
	struct swmmu_gather g;
	struct swmmu_as as;
	struct swmmu_stats st;
	long live;
	int i;

	mk(&as, "x86_64");
	swmmu_map(&as, 0x40000000, 0, 6 * M2, R);
	swmmu_map(&as, 0x40c00000, 0, 2 * K4, R);
	swmmu_unmap(&as, 0x40000000, 8 * M2, 0, NULL, NULL);
	swmmu_as_stats(&as, &st);
	TAP_EQ(st.nr_tables, 4, "unmap keeps tables (root, PDPT, PD, PT)");
	TAP_EQ(st.table_bytes, 4 * 4096, "table bytes");
	swmmu_gather_init(&g, count_flush, NULL);
	flushes = 0;
	live = tm.live;
	TAP_EQ(swmmu_free_empty(&as, 0x40000000, M2, &g), 0, "free_empty: PT span not inside range");
	TAP_EQ(swmmu_free_empty(&as, 0, 1ULL << 47, &g), 3, "free_empty frees PT, PD, PDPT");
	TAP_EQ(tm.live, live, "tables stay allocated until the flush");
	TAP_CHECK(g.nr_tables == 3 && g.nr_ranges >= 1, "gather holds 3 tables");
	swmmu_gather_flush(&g);
	TAP_CHECK(tm.live == live - 3 && flushes == 1, "flushed then freed");
	/* Many disjoint ranges: the gather widens instead of overflowing. */
	for (i = 0; i < 10; i++)
		swmmu_map(&as, (u64)i * 4 * M2, 0, K4, R);
	for (i = 0; i < 10; i++)
		swmmu_unmap(&as, (u64)i * 4 * M2, K4, 0, &g, NULL);
	TAP_CHECK(g.nr_ranges == SWMMU_GATHER_RANGES &&
		  g.range[SWMMU_GATHER_RANGES - 1].last == 9 * 4 * M2 + K4 - 1,
		  "gather keeps %d ranges, the last one widened", SWMMU_GATHER_RANGES);
	TAP_CHECK(g.flush_all, "widening is reported (flush_all)");
	swmmu_gather_flush(&g);
	swmmu_as_destroy(&as);
}

static void test_link(void)
{
	struct swmmu_as kern, a, b;
	u64 khalf = 0xffff800000000000ULL;
	struct swmmu_xlate x;

	mk(&kern, "x86_64");
	mk(&a, "x86_64");
	mk(&b, "x86_64");
	swmmu_map(&kern, khalf, 0x100000, 4 * K4, R | W | G);
	TAP_EQ(swmmu_link(&a, &kern, khalf, 3), 0, "link the kernel PML4 entry into A");
	TAP_EQ(swmmu_link(&b, &kern, khalf, 3), 0, "and into B");
	TAP_EQ(qpa(&a, khalf + K4), 0x101000, "A sees the kernel mapping");
	swmmu_map(&kern, khalf + M2, 0x200000, K4, R);
	TAP_EQ(qpa(&b, khalf + M2), 0x200000, "a later kernel mapping shows in B (shared subtree)");
	TAP_EQ(swmmu_link(&a, &kern, khalf, 3), -EEXIST, "link again -> EEXIST");
	TAP_EQ(swmmu_link(&a, &kern, 0x1000, 3), -ENOENT, "link of nothing -> ENOENT");
	TAP_EQ(swmmu_free_empty(&a, khalf, 1ULL << 39, NULL), 0, "free_empty leaves links alone");
	swmmu_map(&a, 0x1000, 0x5000, K4, R);
	TAP_EQ(swmmu_unlink(&b, khalf, 3, NULL), 0, "unlink from B");
	TAP_EQ(swmmu_query(&b, khalf, &x), -ENOENT, "B no longer sees it");
	TAP_EQ(swmmu_unlink(&b, khalf, 3, NULL), -ENOENT, "unlink twice -> ENOENT");
	swmmu_as_destroy(&a);
	TAP_EQ(qpa(&kern, khalf), 0x100000, "destroying A left the shared subtree");
	swmmu_as_destroy(&b);
	swmmu_as_destroy(&kern);
	TAP_EQ(tm.live, 0, "each table freed exactly once (live count 0)");
}

/* Every refusal of swmmu_link() and swmmu_unlink(), each leaving both address spaces usable. */
static void test_link_errors(void)
{
	struct swmmu_as kern, a, arm, nva, nvb, many;
	u64 khalf = 0xffff800000000000ULL, bad = 0x0000900000000000ULL, P = 1ULL << 39;
	unsigned int i;

	mk(&kern, "x86_64");
	mk(&a, "x86_64");
	mk(&arm, "aarch64-4k");
	swmmu_map(&kern, khalf, 0x100000, K4, R);
	TAP_EQ(swmmu_link(&a, &arm, 0x1000, 3), -EINVAL, "link: another format -> EINVAL");
	TAP_EQ(swmmu_link(&a, &kern, khalf, 0), -EINVAL, "link: level 0 -> EINVAL");
	TAP_EQ(swmmu_link(&a, &kern, khalf, 4), -EINVAL, "link: past the top level -> EINVAL");
	TAP_EQ(swmmu_link(&a, &kern, bad, 3), -ERANGE, "link: non-canonical VA -> ERANGE");
	/* A 1 GiB leaf in A where a PD entry of the kernel would be linked. */
	TAP_EQ(swmmu_map(&a, khalf, 0x40000000, G1, R), 0, "A maps a 1 GiB leaf there");
	TAP_EQ(swmmu_link(&a, &kern, khalf, 1), -EEXIST, "link under A's leaf -> EEXIST");
	TAP_EQ(swmmu_unmap(&a, khalf, G1, 0, NULL, NULL), 0, "unmap the leaf");
	TAP_EQ(swmmu_link(&a, &kern, khalf, 1), 0, "then the PD entry links (tables made above it)");
	TAP_EQ(qpa(&a, khalf), 0x100000, "A sees the kernel's page through the link");
	TAP_EQ(swmmu_unlink(&a, bad, 1, NULL), -ERANGE, "unlink: non-canonical VA -> ERANGE");
	TAP_EQ(swmmu_unlink(&a, khalf, 4, NULL), -ENOENT, "unlink: past the top level -> ENOENT");
	TAP_EQ(swmmu_unlink(&a, khalf, 1, NULL), 0, "unlink the PD entry");

	/* SWMMU_MAX_LINKS links per address space, then ENOSPC. */
	mk(&many, "x86_64");
	for (i = 0; i <= SWMMU_MAX_LINKS; i++)
		swmmu_map(&kern, khalf + i * P, 0x100000, K4, R);
	for (i = 0; i < SWMMU_MAX_LINKS; i++)
		if (swmmu_link(&many, &kern, khalf + i * P, 3))
			break;
	TAP_EQ(i, SWMMU_MAX_LINKS, "%d links into one address space", SWMMU_MAX_LINKS);
	TAP_EQ(swmmu_link(&many, &kern, khalf + SWMMU_MAX_LINKS * P, 3), -ENOSPC,
	       "one more -> ENOSPC");
	swmmu_as_destroy(&many);

	/* A dual directory (nv-gp100 PD0, level 2) holds two tables per item: no link there. */
	mk(&nva, "nv-gp100");
	mk(&nvb, "nv-gp100");
	swmmu_map(&nva, 0x200000, 0x100000, K4, R);
	TAP_EQ(swmmu_link(&nvb, &nva, 0x200000, 2), -EOPNOTSUPP, "link at a dual level -> EOPNOTSUPP");
	TAP_EQ(swmmu_link(&nvb, &nva, 0x200000, 3), 0, "the PD1 entry above it links");
	TAP_EQ(qpa(&nvb, 0x200000), 0x100000, "and shows the small page");
	TAP_EQ(swmmu_unlink(&nvb, 0x200000, 3, NULL), 0, "unlink it");
	swmmu_as_destroy(&nvb);
	swmmu_as_destroy(&nva);
	swmmu_as_destroy(&arm);
	swmmu_as_destroy(&a);
	swmmu_as_destroy(&kern);
	TAP_EQ(tm.live, 0, "each table freed exactly once (live count 0)");
}

static void test_pages_copy(void)
{
	struct swmmu_as as;
	char in[10000], out[10000];
	struct swmmu_xlate x;
	unsigned int i;

	mk(&as, "aarch64-4k");
	TAP_EQ(swmmu_allocate_range(&as, 0x100000, 4 * K4, R | W, &tm.mem), 0, "allocate 4 pages");
	TAP_CHECK(!swmmu_query(&as, 0x103000, &x) && x.prot == (R | W) && x.size_lg2 == 12,
		  "backing pages mapped");
	TAP_EQ(swmmu_allocate_range(&as, 0x0fe000, 4 * K4, R, &tm.mem), -EEXIST,
	       "allocate over mapped pages -> EEXIST");
	TAP_EQ(swmmu_allocate_range(&as, 0x200800, 4 * K4, R, &tm.mem), -EINVAL,
	       "allocate at an unaligned VA -> EINVAL");
	TAP_EQ(swmmu_allocate_range(&as, 0x200000, 0, R, &tm.mem), -EINVAL,
	       "allocate nothing -> EINVAL");
	TAP_EQ(swmmu_allocate_range(&as, 0x200000, K4, R | (1u << 30), &tm.mem), -EINVAL,
	       "allocate with an unknown prot bit -> EINVAL");
	TAP_EQ(swmmu_allocate_range(&as, 1ULL << 48, K4, R, &tm.mem), -ERANGE,
	       "allocate outside the VA space -> ERANGE");
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7);
	TAP_EQ(swmmu_copy(&as, 0x100800, in, sizeof(in), true), 0, "copy into the VA range");
	memset(out, 0, sizeof(out));
	TAP_EQ(swmmu_copy(&as, 0x100800, out, sizeof(out), false), 0, "copy back");
	TAP_CHECK(!memcmp(in, out, sizeof(in)), "bytes match across page boundaries");
	TAP_EQ(swmmu_copy(&as, 0x103800, out, 8192, false), -ENOENT, "copy past the mapping");
	swmmu_copy(&as, 0x100000, out, 16, false);
	TAP_CHECK(!out[0] && !out[15], "fresh pages were zeroed");
	/* Allocation failure inside allocate_range: pages freed again. */
	{
		long live = tm.live;
		u64 a = 0x200000;

		tm.allocs = 0;
		tm.fail_at = 3;
		TAP_EQ(swmmu_allocate_range(&as, a, 8 * K4, R, &tm.mem), -ENOMEM,
		       "allocate_range with a failing allocation -> ENOMEM");
		tm.fail_at = 0;
		TAP_EQ(swmmu_query(&as, a, &x), -ENOENT, "no page left mapped");
		swmmu_free_empty(&as, a, M2, NULL);
		TAP_EQ(tm.live, live, "no page or table leaked");
	}
	for (i = 0; i < 4; i++) {
		swmmu_query(&as, 0x100000 + i * K4, &x);
		tm.mem.ops->free(tm.mem.ctx, (void *)(unsigned long)(x.pa + tm.mem.cpu_offset), x.pa,
				 K4);
	}
	swmmu_as_destroy(&as);
}

static void test_memtypes(void)
{
	const char *names[] = { "x86_64", "aarch64-4k" };
	unsigned int i, mt;

	for (i = 0; i < 2; i++) {
		struct swmmu_as as;
		struct swmmu_xlate x;
		bool ok = true;

		mk(&as, names[i]);
		for (mt = 0; mt < SWMMU_MT_NR; mt++) {
			u32 p = R | SWMMU_PROT_MT(mt);

			ok &= !swmmu_map(&as, mt * M2, mt * M2, K4, p);
			ok &= !swmmu_map(&as, (8 + mt) * M2, mt * M2, M2, p);
			ok &= !swmmu_query(&as, mt * M2, &x) && x.prot == p;
			ok &= !swmmu_query(&as, (8 + mt) * M2, &x) && x.prot == p && x.size_lg2 == 21;
		}
		TAP_CHECK(ok, "%s: WB/WT/UC/device round-trip in 4K and 2M leaves", names[i]);
		swmmu_as_destroy(&as);
	}
}

/* The public range checks, derived formats and the foreign (read-only) constructor. */
static void test_format_api(void)
{
	const struct swmmu_format *x86 = swmmu_format_find("x86_64");
	const struct swmmu_format *vtd = swmmu_format_find("vtd-ss");
	const struct swmmu_format *vtd39 = swmmu_format_find("vtd-ss-39");
	struct swmmu_format d;
	struct swmmu_as as, fa;
	struct swmmu_mem fm = tm.mem;
	struct swmmu_mem_ops fops = { .to_cpu = NULL };
	struct swmmu_stats st;
	struct swmmu_xlate x;
	u64 last = 0;

	TAP_CHECK(swmmu_format_va_ok(x86, 0xffff800000000000ULL) &&
		  !swmmu_format_va_ok(x86, 0x0000800000000000ULL) &&
		  swmmu_format_va_ok(vtd, 0xffffffffffffULL) && !swmmu_format_va_ok(vtd, 1ULL << 48),
		  "va_ok: canonical halves, non-canonical hole, top of a zero-extended space");
	TAP_EQ(swmmu_format_range(x86, 0x1000, 0, &last), -EINVAL, "range: empty");
	TAP_EQ(swmmu_format_range(x86, ~0xfffULL, 0x2000, &last), -EOVERFLOW, "range: wraps");
	TAP_EQ(swmmu_format_range(x86, 0x00007ffffffff000ULL, 0xffff000000002000ULL, &last),
	       -ERANGE, "range: both ends canonical but across the hole");
	TAP_EQ(swmmu_format_range(x86, ~0xfffULL, 0x1000, &last), 0, "range: ends at 2^64 - 1");
	TAP_EQ(last, ~0ULL, "range: last byte");

	TAP_EQ(swmmu_format_derive(vtd, 39, &d), 0, "derive vtd-ss at 39 bits");
	TAP_CHECK(d.nr_levels == 3 && d.va_bits == 39 && !strcmp(d.name, "vtd-ss") &&
		  d.ops == vtd39->ops, "derived: 3 levels, keeps its name, vtd-ss-39's engine");
	TAP_EQ(swmmu_format_derive(vtd, 36, &d), 0, "derive vtd-ss at 36 bits (root of 64)");
	TAP_CHECK(d.nr_levels == 3 && d.level[2].index_bits == 6 && d.ops == NULL,
		  "derived 36 bits: shrunk root, generic engine");
	TAP_EQ(swmmu_format_derive(vtd, 49, &d), -EINVAL, "derive: larger than the format");
	TAP_EQ(swmmu_format_derive(vtd, 12, &d), -EINVAL, "derive: no level boundary fits");
	TAP_EQ(swmmu_format_derive(x86, 39, &d), -EOPNOTSUPP, "derive: sign-extended format");

	/* A foreign address space over tables built by another one. */
	mk(&as, "x86_64");
	TAP_EQ(swmmu_map(&as, 0x400000, 0x9000, K4, R | W), 0, "foreign: build tables");
	fops.to_cpu = NULL;
	fm.ops = &fops;
	TAP_EQ(swmmu_as_init_foreign(&fa, x86, &fm, as.root, NULL), 0, "foreign: init");
	TAP_CHECK(!swmmu_query(&fa, 0x400123, &x) && x.pa == 0x9123 && x.prot == (R | W),
		  "foreign: query through the other's tables");
	TAP_EQ(swmmu_map(&fa, 0x40000000, 0, K4, R), -ENOMEM, "foreign: never allocates");
	swmmu_as_stats(&fa, &st);
	TAP_EQ(st.nr_tables, 0, "foreign: owns no tables");
	swmmu_as_destroy(&fa);
	TAP_EQ(swmmu_unmap(&as, 0x400000, K4, 0, NULL, NULL), 0, "foreign: owner unmaps");
	swmmu_as_destroy(&as);
}

/* swmmu_decode_item() on leaves, tables and holes, as a walk callback uses it. */
struct dec_ctx {
	const struct swmmu_format *f;
	int leaves, tables, bad;
};

static int dec_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct dec_ctx *c = ctx;
	struct swmmu_xlate x;
	int k = swmmu_decode_item(c->f, it->level, it->va, it->pte, &x);

	if (k != (int)it->kind)
		c->bad++;
	if (k == SWMMU_ITEM_LEAF) {
		c->leaves++;
		if (it->level == 1 ? x.pa != 0x40000000 + (it->va - 0x200000) || x.size_lg2 != 21 ||
				     x.prot != (R | X) :
				     x.pa != 0x7000 || x.size_lg2 != 12 || x.prot != (R | W | U))
			c->bad++;
	} else if (k == SWMMU_ITEM_TABLE) {
		c->tables++;
		if (x.pa != it->pte - 0x7 || x.size_lg2 != 9 * it->level + 12 ||
		    x.prot != (R | W | X | U))
			c->bad++;
	}
	return SWMMU_WALK_DESCEND;
}

static void test_decode(void)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = dec_cb, .pre_table = dec_cb, .hole = dec_cb,
	};
	struct dec_ctx c = { .f = swmmu_format_find("x86_64") };
	struct swmmu_map_opts o = { .flags = SWMMU_MAP_TABLE_PROT, .table_prot = R | W | X | U };
	struct swmmu_xlate x;
	struct swmmu_as as;

	mk(&as, "x86_64");
	TAP_EQ(swmmu_map_ext(&as, 0x1000, 0x7000, K4, R | W | U, &o), 0, "decode: map 4K");
	TAP_EQ(swmmu_map(&as, 0x200000, 0x40000000, M2, R | X), 0, "decode: map 2M");
	TAP_EQ(swmmu_walk(&as, 0, 0x400000, &ops, &c), 0, "decode: walk");
	TAP_CHECK(c.leaves == 2 && c.tables == 3 && !c.bad,
		  "decode: every leaf and table item decodes as the walk classified it (%d %d %d)",
		  c.leaves, c.tables, c.bad);
	TAP_EQ(swmmu_decode_item(c.f, 4, 0, 0, &x), -EINVAL, "decode: bad level");
	TAP_EQ(swmmu_decode_item(c.f, 0, 1ULL << 47, 0, &x), -ERANGE, "decode: bad VA");
	TAP_EQ(swmmu_decode_item(c.f, 0, 0, 0, &x), SWMMU_ITEM_HOLE, "decode: zero is a hole");
	swmmu_as_destroy(&as);
}

/* Freeing empty tables up to a held span, and the paging-structure cache across it. */
static void test_free_held(void)
{
	struct swmmu_gather g;
	struct swmmu_stats st0, st1;
	struct swmmu_region r;
	struct swmmu_as as;
	struct swmmu_xlate x;
	unsigned int n = 0;

	mk(&as, "x86_64");
	swmmu_as_stats(&as, &st0);
	TAP_EQ(swmmu_map(&as, 0x40201000, 0x5000, K4, R), 0, "held: map one page");
	TAP_EQ(qpa(&as, 0x40201000), 0x5000, "held: query (caches the leaf table)");
	TAP_EQ(swmmu_unmap(&as, 0x40201000, K4, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL), 0,
	       "held: small unmap with FREE_EMPTY");
	swmmu_as_stats(&as, &st1);
	TAP_EQ(st1.nr_tables, st0.nr_tables + 3, "held: FREE_EMPTY of 4K frees no table");
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_free_empty_held(&as, 0x40201000, K4, 0x40000000, G1, &g), 2,
	       "held: PD and PT freed up to the held 1G span");
	swmmu_as_stats(&as, &st1);
	TAP_EQ(st1.nr_tables, st0.nr_tables + 1, "held: only the PDPT is left");
	TAP_EQ(swmmu_free_empty_held(&as, 0x40201000, K4, 0x40201000, K4 - 1, NULL), -EINVAL,
	       "held: the held range must contain the range");
	/*
	 * The leaf table the cache held is unlinked (and not yet freed: the gather holds it, so the
	 * new table is elsewhere): the single-page paths must find the new one.
	 */
	TAP_EQ(swmmu_map(&as, 0x40202000, 0x6000, K4, R), 0, "held: map in a new leaf table");
	TAP_CHECK(swmmu_query(&as, 0x40201000, &x) == -ENOENT && qpa(&as, 0x40202000) == 0x6000,
		  "held: queries see the new table, not the unlinked one");
	TAP_CHECK(!swmmu_dump(&as, 0x40000000, G1, &r, 1, &n) && n == 1 && r.va == 0x40202000 &&
		  r.pa == 0x6000, "held: the walk from the root (no cache) finds the same mapping");
	TAP_EQ(swmmu_unmap(&as, 0x40202000, K4, 0, NULL, NULL), 0, "held: unmap in the new table");
	TAP_EQ(qpa(&as, 0x40202000), ~0ULL, "held: and it is gone");
	swmmu_gather_flush(&g);
	swmmu_as_destroy(&as);
}

/* Slots of the paging-structure cache whose tag a lookup at the current counter would take. */
static unsigned int pwc_usable(const struct swmmu_as *as)
{
	u64 gen = (u64)swmmu_counter_read(&as->pwc_gen);
	unsigned int i, n = 0;

	for (i = 0; i < SWMMU_PWC_SLOTS; i++)
		n += as->pwc[i].tag != 0 && as->pwc[i].tag != PT_PWC_BUSY &&
		     as->pwc[i].tag >> PT_PWC_KB == gen;
	return n;
}

/*
 * The paging-structure cache's generation (core/swmmu_internal.h, "Software paging-structure
 * cache"): a lookup compares tags only, so a counter that is off or retired must give tags no
 * slot holds. Off: PT_PWC_GEN_OFF moves the tag's high half out of the range fills use, even for
 * a slot filled just before (no invalidation in between). Retired: the counter stops at
 * PT_PWC_GEN_LIMIT, so it never wraps back into that range, and nothing is filled there.
 */
static void test_pwc_generation(void)
{
	const struct swmmu_format *f;
	struct swmmu_as as;
	u64 before;
	void *tbl;
	u32 eff;

	mk(&as, "x86_64");
	f = as.fmt;
	TAP_EQ(swmmu_map(&as, 0x40201000, 0x5000, K4, R), 0, "pwc: map one page");
	TAP_EQ(qpa(&as, 0x40201000), 0x5000, "pwc: query fills a slot");
	TAP_EQ(pwc_usable(&as), 1, "pwc: one slot usable");
	TAP_CHECK(pt_pwc_lookup(f, &as, pt_pwc_gen(&as), 0x40201000, &tbl, &eff),
		  "pwc: a lookup takes it");
	swmmu_pwc_set_off(&as, SWMMU_PWC_OFF_LINKS, true);
	TAP_CHECK(!pt_pwc_lookup(f, &as, pt_pwc_gen(&as), 0x40201000, &tbl, &eff),
		  "pwc: off: the slot filled before is not used");
	TAP_EQ(qpa(&as, 0x40201000), 0x5000, "pwc: off: the query walks");
	TAP_EQ(pwc_usable(&as), 0, "pwc: off: nothing filled");
	swmmu_pwc_set_off(&as, SWMMU_PWC_OFF_LINKS, false);
	TAP_CHECK(pt_pwc_lookup(f, &as, pt_pwc_gen(&as), 0x40201000, &tbl, &eff),
		  "pwc: on again: the slot of the same generation is used");

	swmmu_counter_set(&as.pwc_gen, PT_PWC_GEN_LIMIT - 1);
	TAP_EQ(qpa(&as, 0x40201000), 0x5000, "pwc: last generation: query");
	TAP_EQ(pwc_usable(&as), 1, "pwc: last generation: still filled");
	swmmu_pwc_invalidate(&as);
	swmmu_pwc_invalidate(&as);
	swmmu_pwc_invalidate(&as);
	TAP_EQ((u64)swmmu_counter_read(&as.pwc_gen), PT_PWC_GEN_LIMIT,
	       "pwc: retired: the counter stops at the limit");
	TAP_EQ(qpa(&as, 0x40201000), 0x5000, "pwc: retired: query walks");
	TAP_EQ(pwc_usable(&as), 0, "pwc: retired: nothing filled");
	swmmu_pwc_set_off(&as, SWMMU_PWC_OFF_LINKS, true);
	before = (u64)swmmu_counter_read(&as.pwc_gen);
	TAP_CHECK(before >> 32 == 0 && before - PT_PWC_GEN_OFF == PT_PWC_GEN_LIMIT,
		  "pwc: retired and off: below 2^32, off on top of the limit");
	swmmu_pwc_invalidate(&as);
	TAP_EQ((u64)swmmu_counter_read(&as.pwc_gen), before, "pwc: retired and off: no growth");
	swmmu_pwc_set_off(&as, SWMMU_PWC_OFF_LINKS, false);
	TAP_EQ(swmmu_unmap(&as, 0x40201000, K4, 0, NULL, NULL), 0, "pwc: retired: unmap");
	TAP_EQ(qpa(&as, 0x40201000), ~0ULL, "pwc: retired: gone");
	swmmu_as_destroy(&as);
}

/*
 * One engine instance serves every VA width of a format: the built-in formats that share an
 * instance must agree on everything but the geometry above level 1 (the instance's constant
 * descriptor gives the leaf level and the cache's key), and on each of them the hot paths must
 * take the VA width from the address space: the last page of the VA space maps, is found by both
 * queries and unmaps through the cached path, and one page above it is out of range.
 */
static void test_shared_instances(void)
{
	unsigned int i, j;

	for (i = 0; i < swmmu_format_count(); i++) {
		const struct swmmu_format *a = swmmu_format_get(i);
		u64 top, pa = 7ULL << a->level[0].shift, got = 0, unmapped = 0;
		struct swmmu_xlate x;
		struct swmmu_format t;
		struct swmmu_as as;
		bool sign = a->flags & SWMMU_FMT_SIGN_EXTEND;

		for (j = 0; j < i; j++) {
			const struct swmmu_format *b = swmmu_format_get(j);

			if (!a->ops || a->ops != b->ops)
				continue;
			t = *b;
			memcpy(t.name, a->name, sizeof(t.name));
			t.nr_levels = a->nr_levels;
			t.va_bits = a->va_bits;
			memcpy(&t.level[2], &a->level[2], sizeof(t.level) - 2 * sizeof(t.level[0]));
			TAP_CHECK(swmmu_format_equal(a, &t),
				  "%s shares %s's instance: equal apart from the levels above 1",
				  a->name, b->name);
		}
		if (a->va_bits >= 64 || (a->level[0].flags & SWMMU_LVL_DUAL))
			continue;
		if (swmmu_as_init(&as, a, &tm.mem)) {
			tap_ok(false, "%s: create", a->name);
			continue;
		}
		/* The last page below the (upper half's) top: 2^(va_bits - 1) if sign-extended. */
		top = (1ULL << (a->va_bits - sign)) - (1ULL << a->level[0].shift);
		TAP_EQ(swmmu_map(&as, top, pa, 1ULL << a->level[0].shift, R | W), 0,
		       "%s: map the last page of the lower half or space", a->name);
		TAP_CHECK(!swmmu_query(&as, top, &x) && x.pa == pa && x.va == top,
			  "%s: query finds it", a->name);
		TAP_CHECK(!swmmu_query_pa(&as, top + 1, &got) && got == pa + 1,
			  "%s: query_pa finds it", a->name);
		TAP_EQ(swmmu_query_pa(&as, top + (1ULL << a->level[0].shift), &got), -ERANGE,
		       "%s: one page above is out of range", a->name);
		TAP_EQ(swmmu_map(&as, top + (1ULL << a->level[0].shift), pa,
				 1ULL << a->level[0].shift, R), -ERANGE,
		       "%s: map one page above is out of range", a->name);
		TAP_CHECK(!swmmu_unmap(&as, top, 1ULL << a->level[0].shift, 0, NULL, &unmapped) &&
			  unmapped == 1ULL << a->level[0].shift, "%s: unmap it", a->name);
		swmmu_as_destroy(&as);
	}
}

/*
 * A table allocator whose addresses sit @high_bias above the arena's: past the output-address
 * width of a format they cannot be written into a table entry.
 */
static u64 high_bias;

static void *high_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	void *cpu = tm.mem.ops->alloc(tm.mem.ctx, size, align, addr);

	(void)ctx;
	if (cpu)
		*addr += high_bias;
	return cpu;
}

static void high_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	(void)ctx;
	tm.mem.ops->free(tm.mem.ctx, cpu, addr - high_bias, size);
}

/* The arena's linear translation, given as a callback instead of cpu_offset. */
static int to_cpu_calls;

static void *arena_to_cpu(void *ctx, u64 addr)
{
	(void)ctx;
	to_cpu_calls++;
	return (void *)(unsigned long)(addr + tm.mem.cpu_offset);
}

/* Refusals and unwinding of the API's entry points that the other tests do not reach. */
static void test_api_edges(void)
{
	const struct swmmu_mem_ops high_ops = { .alloc = high_alloc, .free = high_free };
	struct swmmu_mem high = { .ops = &high_ops, .cpu_offset = tm.mem.cpu_offset };
	struct swmmu_mem_ops to_cpu_ops = *tm.mem.ops;
	struct swmmu_mem pages = tm.mem;
	struct swmmu_format bad = *swmmu_format_find("vtd-ss"), d;
	struct swmmu_as as, b;
	struct swmmu_gather g;
	struct swmmu_xlate x;
	long live = tm.live;

	/*
	 * Mali LPAE output addresses are 40 bits (arch/mali_lpae.c): a root table at 2^40 cannot
	 * be pointed at, so swmmu_as_init() gives it back and fails as for no memory.
	 */
	high_bias = 1ULL << 40;
	TAP_EQ(swmmu_as_init(&as, swmmu_format_find("mali-lpae"), &high), -ENOMEM,
	       "as_init: a root table above the format's output addresses -> ENOMEM");
	TAP_EQ(tm.live, live, "as_init: that table was freed again");

	/* A format that does not validate is refused by every entry point that takes one. */
	bad.nr_levels = 0;
	TAP_EQ(swmmu_as_init(&as, &bad, &tm.mem), -EINVAL, "as_init: an invalid format -> EINVAL");
	TAP_EQ(swmmu_as_init_foreign(&as, &bad, &tm.mem, TEST_BUS_BASE, NULL), -EINVAL,
	       "as_init_foreign: an invalid format -> EINVAL");
	TAP_EQ(swmmu_format_derive(&bad, 39, &d), -EINVAL, "derive: an invalid format -> EINVAL");

	/* One gather over two address spaces: a table of the second flushes the first's. */
	mk(&as, "x86_64");
	mk(&b, "x86_64");
	swmmu_map(&as, 0x40000000, 0, K4, R);
	swmmu_map(&b, 0x40000000, 0, K4, R);
	swmmu_unmap(&as, 0x40000000, K4, 0, NULL, NULL);
	swmmu_unmap(&b, 0x40000000, K4, 0, NULL, NULL);
	live = tm.live;
	swmmu_gather_init(&g, count_flush, NULL);
	flushes = 0;
	TAP_EQ(swmmu_free_empty(&as, 0, 1ULL << 47, &g), 3, "gather: first space's 3 tables");
	TAP_CHECK(flushes == 0 && tm.live == live, "gather: held until a flush");
	TAP_EQ(swmmu_free_empty(&b, 0, 1ULL << 47, &g), 3, "gather: second space's 3 tables");
	TAP_CHECK(flushes == 1 && tm.live == live - 3,
		  "gather: the second space's first table flushed and freed the first space's");
	swmmu_gather_flush(&g);
	TAP_CHECK(flushes == 2 && tm.live == live - 6, "gather: the rest at the flush");
	swmmu_as_destroy(&b);

	/*
	 * swmmu_allocate_range() unwinding, with pages translated by a to_cpu callback. In a span
	 * of x86-64 with no table yet, allocation 1 is the first page, 2 to 4 its PDPT, PD and PT,
	 * 5 the second page.
	 */
	to_cpu_ops.to_cpu = arena_to_cpu;
	pages.ops = &to_cpu_ops;
	live = tm.live;
	tm.allocs = 0;
	tm.failed = 0;
	tm.fail_at = 5;
	TAP_EQ(swmmu_allocate_range(&as, 0x7f0000000000ULL, 4 * K4, R, &pages), -ENOMEM,
	       "allocate_range: the second page fails -> ENOMEM");
	TAP_CHECK(tm.failed == 1 && to_cpu_calls == 1,
		  "allocate_range: one failure; the page mapped before it freed through to_cpu");
	TAP_EQ(swmmu_query(&as, 0x7f0000000000ULL, &x), -ENOENT,
	       "allocate_range: the first page unmapped again");
	/* In the next 512 GiB span allocation 2 is the PDPT under the first page: map fails. */
	tm.allocs = 0;
	tm.failed = 0;
	tm.fail_at = 2;
	TAP_EQ(swmmu_allocate_range(&as, 0x7f8000000000ULL, 4 * K4, R, &pages), -ENOMEM,
	       "allocate_range: a table of the first page fails -> ENOMEM");
	tm.fail_at = 0;
	swmmu_free_empty(&as, 0, 1ULL << 47, NULL);
	TAP_EQ(tm.live, live, "allocate_range: every page and table given back");
	swmmu_as_destroy(&as);
	live = tm.live;
	swmmu_as_destroy(&as);
	TAP_EQ(tm.live, live, "as_destroy again does nothing");
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 30))
		return 1;
	test_map_edges();
	test_unmap_protect();
	test_query_translate();
	test_walk();
	test_regions_ad();
	test_free_gather();
	test_link();
	test_link_errors();
	test_pages_copy();
	test_memtypes();
	test_format_api();
	test_decode();
	test_free_held();
	test_pwc_generation();
	test_shared_instances();
	test_api_edges();
	TAP_EQ(tm.live, 0, "nothing leaked");
	return tap_done();
}
