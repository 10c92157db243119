// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dual directories (nv-gp100 PD0: a 16-byte item whose word 0 points at the big-page table or is
 * a 2M leaf, and whose word 1 points at the small-page table; swmmu_format.h "Dual directories")
 * through the public API: lookups under one word, walks and the levels of the tables an item
 * points at, a reserved small half, TABLE_ADD over both words, splitting a 2M leaf down to a 4K
 * page, freeing everything back to the root. Then the walk paths every format shares that the
 * other tests leave out: post_table STOP, an item a device changes under a modifying walk, a
 * table entry rewritten in place, a linked entry cleared by a walk, the errors of regions, dump,
 * read_clear_ad and link.
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
#define K4	0x1000ULL
#define K64	0x10000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL

static struct test_mem tm;

static bool mk(struct swmmu_as *as, const char *name)
{
	return TAP_EQ(swmmu_as_init(as, swmmu_format_find(name), &tm.mem), 0, "create %s", name);
}

static u64 *item_cpu(u64 table, unsigned int idx, unsigned int esz)
{
	return (u64 *)((char *)(uintptr_t)(table + tm.mem.cpu_offset) + (size_t)idx * esz);
}

static u64 nr_tables(const struct swmmu_as *as)
{
	struct swmmu_stats st;

	swmmu_as_stats(as, &st);
	return st.nr_tables;
}

/* What a walk saw under one dual item. */
struct dctx {
	const struct swmmu_format *f;
	int leaves[3], holes[3], bad;
	u64 leaf_va[4];
	unsigned int leaf_lg2[4];
	/* swmmu_item_child_tables() of the level-2 items, by PD0 index (first 4) */
	unsigned int nchild[4], child[4][2];
	unsigned int leaf_children;
	u64 l2_pte[4], l2_pte2[4], l2_table;
};

static int d_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct dctx *d = ctx;
	unsigned int lv[2];
	int n = d->leaves[0] + d->leaves[1] + d->leaves[2];

	if (n < 4) {
		d->leaf_va[n] = it->va;
		d->leaf_lg2[n] = (unsigned int)__builtin_ctzll(it->last - it->va + 1);
	}
	d->leaves[it->level]++;
	/* A level-0 item has no level below it: it points at no table. */
	if (!it->level)
		d->leaf_children += swmmu_item_child_tables(d->f, it, lv);
	return SWMMU_WALK_DESCEND;
}

static int d_hole(void *ctx, struct swmmu_walk_item *it)
{
	struct dctx *d = ctx;

	if (it->kind == SWMMU_ITEM_BAD)
		d->bad++;
	else
		d->holes[it->level]++;
	return SWMMU_WALK_DESCEND;
}

static int d_pre(void *ctx, struct swmmu_walk_item *it)
{
	struct dctx *d = ctx;

	if (it->level == 2 && it->index < 4) {
		d->nchild[it->index] = swmmu_item_child_tables(d->f, it, d->child[it->index]);
		d->l2_pte[it->index] = it->pte;
		d->l2_pte2[it->index] = it->pte2;
		d->l2_table = it->table;
	}
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops d_ops = { .leaf = d_leaf, .hole = d_hole, .pre_table = d_pre };

static void d_walk(const struct swmmu_as *as, u64 va, u64 len, struct dctx *d)
{
	memset(d, 0, sizeof(*d));
	d->f = as->fmt;
	if (swmmu_walk(as, va, len, &d_ops, d))
		tap_ok(false, "walk 0x%llx", (unsigned long long)va);
}

static void test_dual_items(void)
{
	struct swmmu_map_opts o = { .flags = SWMMU_MAP_TABLE_PROT | SWMMU_MAP_TABLE_ADD,
				    .table_prot = R | W | X | U };
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct dctx d;
	u64 w0, w1, *p;

	if (!mk(&as, "nv-gp100"))
		return;
	/* The root (PD3) alone. */
	TAP_EQ(nr_tables(&as), 1, "nv-gp100: a new space has its root table only");
	/* PD0 item 0: both tables; item 1: the big-page table only; item 2: the small one only. */
	TAP_EQ(swmmu_map(&as, 0x1000, 0x1001000, K4, R | W), 0, "item 0: a 4K page");
	TAP_EQ(swmmu_map(&as, K64, 0x1010000, K64, R | W), 0, "item 0: a 64K page");
	TAP_EQ(swmmu_map(&as, M2 + K64, 0x1210000, K64, R), 0, "item 1: a 64K page only");
	TAP_EQ(swmmu_map(&as, 2 * M2 + 0x3000, 0x1403000, K4, R), 0, "item 2: a 4K page only");
	/* PD2, PD1, PD0 above, then item 0's two tables, item 1's big and item 2's small one. */
	TAP_EQ(nr_tables(&as), 1 + 3 + 2 + 1 + 1, "eight tables");

	/*
	 * Lookups (the big-page PTE decides unless it is a hole, then the small one: the format's
	 * "Dual directories" rule): a hole in the big table defers to the small table.
	 */
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && x.level == 0 && x.size_lg2 == 12 &&
		  x.pa == 0x1001000, "item 0: the 4K page through word 1");
	TAP_CHECK(!swmmu_query(&as, K64 + 0x5000, &x) && x.level == 1 && x.size_lg2 == 16 &&
		  x.pa == 0x1015000, "item 0: inside the 64K page through word 0");
	TAP_EQ(swmmu_query(&as, 0x2000, &x), -ENOENT, "item 0: big hole, small hole");
	TAP_EQ(swmmu_query(&as, 0x20000, &x), -ENOENT, "item 0: a big hole over a small hole");
	TAP_EQ(swmmu_query(&as, M2, &x), -ENOENT, "item 1: big hole, no small table");
	TAP_CHECK(!swmmu_query(&as, M2 + K64, &x) && x.prot == R && x.size_lg2 == 16,
		  "item 1: the big page");
	TAP_EQ(swmmu_query(&as, 2 * M2, &x), -ENOENT, "item 2: no big table, small hole");
	TAP_CHECK(!swmmu_query(&as, 2 * M2 + 0x3000, &x) && x.pa == 0x1403000 && x.level == 0,
		  "item 2: the small page, word 0 a hole");

	/*
	 * The walk (swmmu_pt.h, struct swmmu_walk_item): a dual item is a table when either word
	 * points at one; under it each level-1 item that is not a hole, and the level-0 items
	 * under the level-1 holes (a level-1 hole where there is no level-0 table).
	 */
	d_walk(&as, 0, 3 * M2, &d);
	TAP_EQ(d.leaves[0], 2, "walk: two 4K leaves");
	TAP_EQ(d.leaves[1], 2, "walk: two 64K leaves");
	TAP_CHECK(d.leaf_va[0] == 0x1000 && d.leaf_va[1] == K64 && d.leaf_va[2] == M2 + K64 &&
		  d.leaf_va[3] == 2 * M2 + 0x3000, "walk: leaves in VA order");
	TAP_CHECK(d.leaf_lg2[0] == 12 && d.leaf_lg2[1] == 16 && d.leaf_lg2[2] == 16 &&
		  d.leaf_lg2[3] == 12, "walk: each leaf with its span");
	/* item 0: 15 small holes + 30 big holes * 16; item 1: 31 big holes; item 2: 511. */
	TAP_EQ(d.holes[0], 15 + 30 * 16 + 511, "walk: level-0 holes under big holes");
	TAP_EQ(d.holes[1], 31, "walk: level-1 holes of item 1 (no small table)");
	TAP_EQ(d.bad, 0, "walk: nothing reserved");
	/* swmmu_item_child_tables(): word 0 at level - 1, word 1 at level - 2. */
	TAP_CHECK(d.nchild[0] == 2 && d.child[0][0] == 1 && d.child[0][1] == 0,
		  "child tables of item 0: levels 1 and 0");
	TAP_CHECK(d.nchild[1] == 1 && d.child[1][0] == 1, "child tables of item 1: level 1");
	TAP_CHECK(d.nchild[2] == 1 && d.child[2][0] == 0, "child tables of item 2: level 0");
	TAP_EQ(d.leaf_children, 0, "child tables of a level-0 leaf: none");

	/*
	 * SWMMU_MAP_TABLE_ADD adds table_prot to the existing entries on the way; nv-gp100's
	 * table entries carry no permission bits (table-perm all implied), so neither word of the
	 * dual item changes.
	 */
	w0 = d.l2_pte[0];
	w1 = d.l2_pte2[0];
	TAP_EQ(swmmu_map_ext(&as, 0x2000, 0x1002000, K4, R, &o), 0, "TABLE_ADD map into item 0");
	d_walk(&as, 0, M2, &d);
	TAP_CHECK(d.l2_pte[0] == w0 && d.l2_pte2[0] == w1, "TABLE_ADD: both words unchanged");
	TAP_CHECK(!swmmu_query(&as, 0x2000, &x) && x.pa == 0x1002000 && x.eff_prot == R,
		  "TABLE_ADD: the page is mapped");

	/*
	 * A reserved small half: "a valid bit in a dual PDE's small half is reserved" (word 1 is a
	 * table entry or a hole). Another owner of the tables writes one: a foreign view sees the
	 * item as reserved, the owner's map treats it as occupied (swmmu_format.h: "a reserved
	 * encoding, which the engine treats as occupied and never parses").
	 */
	d_walk(&as, 2 * M2, M2, &d);
	p = item_cpu(d.l2_table, 2, 16);
	w1 = p[1];
	p[1] = w1 | 1;
	{
		struct swmmu_as fv;

		/* Zeroed for cppcheck, which cannot see that the walk needs the init to succeed. */
		memset(&fv, 0, sizeof(fv));
		if (TAP_EQ(swmmu_as_init_foreign(&fv, as.fmt, &tm.mem, swmmu_as_root(&as),
						 as.root_cpu), 0, "foreign view of the tables")) {
			d_walk(&fv, 2 * M2, M2, &d);
			TAP_EQ(d.bad, 1, "reserved small half: the item is reported as reserved");
			TAP_EQ(d.leaves[0] + d.holes[0], 0, "reserved small half: nothing below");
			TAP_EQ(swmmu_query(&fv, 2 * M2 + 0x3000, &x), -ENOENT,
			       "reserved small half: no translation");
			swmmu_as_destroy(&fv);
		}
	}
	TAP_EQ(swmmu_map(&as, 2 * M2 + 0x4000, 0x1404000, K4, R), -EEXIST,
	       "reserved small half: map there -> EEXIST");
	p[1] = w1;
	TAP_CHECK(!swmmu_query(&as, 2 * M2 + 0x3000, &x) && x.pa == 0x1403000,
		  "small half restored: the page translates again");

	/* Unmap everything and free the empty tables: back to the root alone. */
	TAP_EQ(swmmu_unmap(&as, 0, 3 * M2, 0, NULL, NULL), 0, "unmap the three items");
	d_walk(&as, 0, 3 * M2, &d);
	TAP_EQ(d.leaves[0] + d.leaves[1], 0, "no leaf left");
	TAP_EQ(swmmu_free_empty(&as, 0, 1ULL << 49, NULL), 7, "free_empty frees seven tables");
	TAP_EQ(nr_tables(&as), 1, "only the root is left");
	swmmu_as_destroy(&as);
}

/* Splitting a 2M leaf of PD0 word 0 down to one 4K page (unmap and protect). */
static void test_dual_split(void)
{
	struct swmmu_as as;
	struct swmmu_xlate x;
	struct swmmu_gather g;
	struct dctx d;
	u64 unmapped = 0;

	if (!mk(&as, "nv-gp100"))
		return;
	TAP_EQ(swmmu_map(&as, M2, 0x40000000, M2, R | W), 0, "a 2M-aligned 2M range");
	TAP_CHECK(!swmmu_query(&as, M2, &x) && x.level == 2 && x.size_lg2 == 21,
		  "mapped as one PD0 leaf (IS_PTE)");
	TAP_EQ(nr_tables(&as), 4, "root, PD2, PD1, PD0");
	/* swmmu_pt.h: -EINVAL for a range that starts or ends inside a larger leaf. */
	TAP_EQ(swmmu_unmap(&as, M2 + K4, K4, 0, NULL, NULL), -EINVAL,
	       "unmap 4K inside the 2M leaf without SPLIT -> EINVAL");
	TAP_CHECK(!swmmu_query(&as, M2 + K4, &x) && x.size_lg2 == 21, "the leaf is untouched");
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_unmap(&as, M2 + K4, K4, SWMMU_UNMAP_SPLIT, &g, &unmapped), 0,
	       "unmap 4K inside the 2M leaf with SPLIT");
	swmmu_gather_flush(&g);
	TAP_EQ(unmapped, K4, "4K unmapped");
	/* The 2M leaf became 32 big pages, the first of them 16 small pages, one of them gone. */
	TAP_EQ(nr_tables(&as), 6, "a big-page and a small-page table were made");
	TAP_EQ(swmmu_query(&as, M2 + K4, &x), -ENOENT, "the page is gone");
	TAP_CHECK(!swmmu_query(&as, M2, &x) && x.level == 0 && x.pa == 0x40000000 &&
		  x.prot == (R | W), "its neighbour below: a 4K page, same PA and prot");
	TAP_CHECK(!swmmu_query(&as, M2 + 0xf000, &x) && x.level == 0 && x.pa == 0x4000f000,
		  "the last small page of the first 64K");
	TAP_CHECK(!swmmu_query(&as, M2 + K64, &x) && x.level == 1 && x.pa == 0x40010000,
		  "the second 64K stays a big page");
	TAP_CHECK(!swmmu_query(&as, 2 * M2 - 1, &x) && x.level == 1 && x.pa == 0x401fffff,
		  "the last byte: a big page, its PA");
	d_walk(&as, M2, M2, &d);
	TAP_EQ(d.leaves[0], 15, "walk: 15 small leaves");
	TAP_EQ(d.leaves[1], 31, "walk: 31 big leaves");
	TAP_EQ(d.holes[0], 1, "walk: one small hole");

	/* Protect 4K inside another 2M leaf: the same split, one page changes. */
	TAP_EQ(swmmu_map(&as, 2 * M2, 0x40200000, M2, R | W), 0, "a second 2M leaf");
	TAP_EQ(swmmu_protect(&as, 2 * M2 + 0x21000, K4, R, SWMMU_UNMAP_SPLIT, NULL), 0,
	       "protect 4K inside it to read-only (SPLIT)");
	TAP_CHECK(!swmmu_query(&as, 2 * M2 + 0x21000, &x) && x.prot == R && x.level == 0 &&
		  x.pa == 0x40221000, "the page is read-only, 4K, same PA");
	TAP_CHECK(!swmmu_query(&as, 2 * M2 + 0x22000, &x) && x.prot == (R | W) && x.level == 0,
		  "its neighbour in the same 64K: a small page, still rw");
	TAP_CHECK(!swmmu_query(&as, 2 * M2 + 0x30000, &x) && x.prot == (R | W) && x.level == 1,
		  "the next 64K: a big page, still rw");

	/* Everything away, then the empty tables: the root alone (destroy frees the rest too). */
	TAP_EQ(swmmu_unmap(&as, M2, 2 * M2, SWMMU_UNMAP_FREE_EMPTY, NULL, &unmapped), 0,
	       "unmap both 2M ranges");
	TAP_EQ(unmapped, 2 * M2 - K4, "every byte still mapped was unmapped");
	/*
	 * FREE_EMPTY frees the tables whose whole span the range covers: both PD0 items' big and
	 * small tables; PD0 and above span more and stay until free_empty over the whole space.
	 */
	TAP_EQ(nr_tables(&as), 4, "FREE_EMPTY: the four page tables of the two items are freed");
	TAP_EQ(swmmu_free_empty(&as, 0, 1ULL << 49, NULL), 3, "free_empty frees PD0, PD1, PD2");
	TAP_EQ(nr_tables(&as), 1, "back to the root");
	swmmu_as_destroy(&as);
}

/*
 * Run-time dual formats (docs/format-language.md, level field "dual"): nv-gp100's encoding with
 * a table permission bit (table-perm w clr: a table entry with bit 62, above the address field,
 * denies writes below it) and leaves allowed at level 3 (512M).
 * dual64 has the same levels over a 64-bit VA (level 3 10 bits, the root 16 bits).
 */
#define DUAL_COMMON							\
	"entry-bytes 8\n"						\
	"oa-bits 58\n"							\
	"oa-field 8 4 50\n"						\
	"flags level-entry\n"						\
	"memtypes wb uc device\n"					\
	"need-any r\n"							\
	"present 0x27\n"						\
	"table-set 0x8\n"						\
	"null 0xf 0x8\n"						\
	"leaf-perm r implied\n"						\
	"leaf-perm w clr 0x40\n"					\
	"leaf-perm u clr 0x20\n"					\
	"table-perm r implied\n"					\
	"table-perm w clr 0x4000000000000000\n"					\
	"table-perm x implied\n"					\
	"table-perm u implied\n"					\
	"level 0 shift 12 bits 9 align 12 leaf 0x1 0x1 mt-mask 0xe mt 0x4 0x0 0xc 0xe\n"	\
	"level 1 shift 16 bits 5 align 8 leaf 0x1 0x1 mt-mask 0xe mt 0x4 0x0 0xc 0xe\n"	\
	"level 2 shift 21 bits 8 align 12 leaf 0x1 0x1 table 0x7 0x4 mt-mask 0xe "		\
	"mt 0x4 0x0 0xc 0xe entry-bytes 16 dual\n"
static const char dualx_text[] =
	"name dualx\n" "levels 6\n" "va-bits 49\n" DUAL_COMMON
	"level 3 shift 29 bits 9 align 12 leaf 0x1 0x1 table 0x7 0x4 mt-mask 0xe "
	"mt 0x4 0x0 0xc 0xe\n"
	"level 4 shift 38 bits 9 align 12 table 0x7 0x4\n"
	"level 5 shift 47 bits 2 align 12 table 0x7 0x4\n";
static const char dual64_text[] =
	"name dual64\n" "levels 6\n" "va-bits 64\n" DUAL_COMMON
	"level 3 shift 29 bits 10 align 13 table 0x7 0x4\n"
	"level 4 shift 39 bits 9 align 12 table 0x7 0x4\n"
	"level 5 shift 48 bits 16 align 19 table 0x7 0x4\n";
static struct swmmu_format dualx_fmt, dual64_fmt;

static void test_runtime_dual(void)
{
	/* R, X and U are implied in table entries: a table_prot must grant them (swmmu_format.h). */
	struct swmmu_map_opts o = { .flags = SWMMU_MAP_TABLE_PROT, .table_prot = R | X | U };
	struct swmmu_gather g;
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct dctx d;
	unsigned int i, bad;

	if (!TAP_EQ(swmmu_format_parse(dualx_text, strlen(dualx_text), &dualx_fmt, NULL), 0,
		    "dualx parses") ||
	    !TAP_EQ(swmmu_as_init(&as, &dualx_fmt, &tm.mem), 0, "dualx: create"))
		return;

	/* New table entries with table_prot R: bit 6 set in both words of the dual item. */
	TAP_EQ(swmmu_map_ext(&as, 0x1000, 0x1001000, K4, R | W, &o), 0, "dualx: 4K, tables r");
	TAP_EQ(swmmu_map_ext(&as, K64, 0x1010000, K64, R | W, &o), 0, "dualx: 64K, tables r");
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && x.prot == (R | W) && !(x.eff_prot & W),
		  "dualx: the small page's tables deny the write");
	TAP_CHECK(!swmmu_query(&as, K64, &x) && x.prot == (R | W) && !(x.eff_prot & W),
		  "dualx: the big page's tables deny the write");
	d_walk(&as, 0, M2, &d);
	TAP_CHECK((d.l2_pte[0] >> 62 & 1) && (d.l2_pte2[0] >> 62 & 1),
		  "dualx: both words carry bit 62");
	/* SWMMU_MAP_TABLE_ADD with table_prot R|W widens the existing entries on the way. */
	o.flags = SWMMU_MAP_TABLE_PROT | SWMMU_MAP_TABLE_ADD;
	o.table_prot = R | W | X | U;
	o.gather = &g;
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_map_ext(&as, 0x2000, 0x1002000, K4, R | W, &o), 0, "dualx: TABLE_ADD r|w");
	bad = 0;
	for (i = 0; i < g.nr_ranges; i++)
		bad += g.range[i].start > 0x2000 || g.range[i].last < 0x2fff;
	TAP_CHECK(g.nr_ranges >= 1 && !bad && (g.range[0].levels & (1u << 2)),
		  "dualx: the gather holds the widened entries' spans, level 2 among them");
	swmmu_gather_flush(&g);
	d_walk(&as, 0, M2, &d);
	TAP_CHECK(!(d.l2_pte[0] >> 62 & 1) && !(d.l2_pte2[0] >> 62 & 1),
		  "dualx: bit 62 gone from both");
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && (x.eff_prot & W),
		  "dualx: the small page is writable through its tables now");
	TAP_CHECK(!swmmu_query(&as, K64, &x) && (x.eff_prot & W),
		  "dualx: so is the big page (word 0 widened too)");
	TAP_EQ(swmmu_unmap(&as, 0, M2, 0, NULL, NULL), 0, "dualx: unmap");

	/*
	 * A map with a gather over an empty dual table, where a 512M leaf would fit: whatever
	 * leaves it chooses, every byte translates to its output address with the prot asked.
	 */
	TAP_EQ(swmmu_map(&as, 0x20000000, 0x1000, K4, R), 0, "dualx: a page in the second 512M");
	TAP_EQ(swmmu_unmap(&as, 0x20000000, K4, 0, NULL, NULL), 0, "dualx: unmapped, tables kept");
	o.flags = 0;
	o.gather = &g;
	TAP_EQ(swmmu_map_ext(&as, 0x20000000, 0x40000000, 0x20000000, R, &o), 0,
	       "dualx: map 512M with a gather over the empty tables");
	swmmu_gather_flush(&g);
	bad = 0;
	for (i = 0; i < 64; i++) {
		u64 va = 0x20000000 + (u64)i * 0x801000;

		bad += swmmu_query(&as, va, &x) || x.pa != va + 0x20000000 || x.prot != R;
	}
	TAP_EQ(bad, 0, "dualx: 64 probes translate to va + 512M, read-only");
	TAP_EQ(swmmu_unmap(&as, 0x20000000, 0x20000000, 0, NULL, NULL), 0, "dualx: unmap 512M");
	swmmu_free_empty(&as, 0, 1ULL << 49, NULL);
	TAP_EQ(nr_tables(&as), 1, "dualx: back to the root");
	swmmu_as_destroy(&as);

	/* The last dual item of a 64-bit VA space: the walk ends with the address space. */
	if (!TAP_EQ(swmmu_format_parse(dual64_text, strlen(dual64_text), &dual64_fmt, NULL), 0,
		    "dual64 parses") ||
	    !TAP_EQ(swmmu_as_init(&as, &dual64_fmt, &tm.mem), 0, "dual64: create"))
		return;
	TAP_EQ(swmmu_map(&as, ~0ULL - K4 + 1, 0x5000, K4, R), 0, "dual64: the last 4K page");
	TAP_EQ(swmmu_map(&as, ~0ULL - M2 + 1 + K64, 0x10000, K64, R), 0,
	       "dual64: a 64K page in the last 2M");
	/* va + len is 2^64: "may wrap to 0 at the top of the VA space" (swmmu_pt.h). */
	d_walk(&as, ~0ULL - M2 + 1, M2, &d);
	TAP_CHECK(d.leaves[0] == 1 && d.leaves[1] == 1, "dual64: both leaves walked");
	TAP_CHECK(d.leaf_va[0] == ~0ULL - M2 + 1 + K64 && d.leaf_va[1] == ~0ULL - K4 + 1,
		  "dual64: in VA order, the last at 2^64 - 4K");
	/* Span 0 and spans 2..30: 16 small holes each; span 31: 15 and the page. */
	TAP_EQ(d.holes[0], 16 + 29 * 16 + 15, "dual64: the small holes under the big holes");
	TAP_CHECK(!swmmu_query(&as, ~0ULL, &x) && x.pa == 0x5fff, "dual64: the last byte");
	swmmu_as_destroy(&as);
}

/* ---- walk paths shared by every format (x86_64) ---- */

struct wctx {
	int leaves, posts, calls;
	u64 seen[2];
};

static int w_leaf(void *ctx, struct swmmu_walk_item *it)
{
	(void)it;
	((struct wctx *)ctx)->leaves++;
	return SWMMU_WALK_DESCEND;
}

static int w_post_stop(void *ctx, struct swmmu_walk_item *it)
{
	(void)it;
	((struct wctx *)ctx)->posts++;
	return SWMMU_WALK_STOP;
}

/*
 * A device sets the accessed bit (x86 A, bit 5) between the walk's read and its write: the
 * write's compare-and-swap fails and the callback is called again with the new value
 * (swmmu_walk_mut(): "if the item changed meanwhile (e.g. a device set the accessed bit)").
 */
static int w_race(void *ctx, struct swmmu_walk_item *it)
{
	struct wctx *w = ctx;

	if (w->calls < 2)
		w->seen[w->calls] = it->pte;
	if (!w->calls++)
		*item_cpu(it->table, it->index, 8) |= 0x20;
	it->pte &= ~0x2ULL;	/* clear R/W */
	return SWMMU_WALK_DESCEND;
}

/* Clear R/W (bit 1) of the level-1 table entry (PDE) over 0x200000: a table entry rewritten. */
static int w_pde_ro(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	if (it->level == 1 && it->va == M2)
		it->pte &= ~0x2ULL;
	return SWMMU_WALK_DESCEND;
}

/* Clear the level-2 table entry over 1G (a linked one in the test). */
static int w_cut_l2(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	if (it->level == 2 && it->va == G1)
		it->pte = 0;
	return SWMMU_WALK_DESCEND;
}

static int r_fail(void *ctx, const struct swmmu_region *r)
{
	(void)r;
	((struct wctx *)ctx)->calls++;
	return -E2BIG;
}

static void test_walk_paths(void)
{
	struct swmmu_as as, dst;
	struct swmmu_xlate x;
	struct swmmu_gather g;
	struct swmmu_region reg[2];
	struct wctx w;
	unsigned long bm[1];
	unsigned int needed = 99;
	long live;
	u64 n;

	if (!mk(&as, "x86_64"))
		return;
	TAP_EQ(swmmu_map(&as, M2, 0x10000000, K4, R | W), 0, "a page in one level-0 table");
	TAP_EQ(swmmu_map(&as, 2 * M2, 0x20000000, K4, R | W), 0, "a page in the next one");

	/* post_table returns STOP: "end the walk; swmmu_walk() returns 0". */
	memset(&w, 0, sizeof(w));
	TAP_EQ(swmmu_walk(&as, 0, G1, &(struct swmmu_walk_ops){ .leaf = w_leaf,
			  .post_table = w_post_stop }, &w), 0, "post_table STOP: walk returns 0");
	TAP_EQ(w.posts, 1, "post_table STOP: called once, after the first level-0 table");
	TAP_EQ(w.leaves, 1, "post_table STOP: the second table's leaf was not visited");

	/* A device changes the item under the modifying walk: the callback runs again. */
	memset(&w, 0, sizeof(w));
	TAP_EQ(swmmu_walk_mut(&as, M2, K4, &(struct swmmu_walk_ops){ .leaf = w_race }, &w, NULL), 0,
	       "modifying walk with a concurrent accessed-bit write");
	TAP_EQ(w.calls, 2, "the callback was called again after the failed write");
	TAP_CHECK(!(w.seen[0] & 0x20) && (w.seen[1] & 0x20),
		  "the second call saw the device's accessed bit");
	TAP_CHECK(!swmmu_query(&as, M2, &x) && x.prot == R && x.accessed,
		  "both changes landed: read-only and accessed");

	/* A table entry rewritten in place (same table): its subtree stays, the walk's gather. */
	live = tm.live;
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_walk_mut(&as, M2, M2, &(struct swmmu_walk_ops){ .pre_table = w_pde_ro }, NULL,
			      &g), 0, "modifying walk clears R/W of a PDE");
	TAP_CHECK(g.nr_ranges == 1 && g.range[0].start == M2 && g.range[0].last == 2 * M2 - 1 &&
		  g.range[0].levels == 2, "gather: the PDE's span at level 1");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live, "no table freed");
	TAP_CHECK(!swmmu_query(&as, M2, &x) && x.prot == R && !(x.eff_prot & W),
		  "below the PDE: no write (eff_prot)");
	TAP_CHECK(!swmmu_query(&as, 2 * M2, &x) && (x.eff_prot & W), "the other PDE still allows W");

	/* Regions and dump: range errors and the callback's errno. */
	memset(&w, 0, sizeof(w));
	TAP_EQ(swmmu_regions(&as, 0, 0, r_fail, &w), -EINVAL, "regions len 0 -> EINVAL");
	TAP_EQ(swmmu_regions(&as, 0, G1, r_fail, &w), -E2BIG,
	       "regions: fn's negative return is returned");
	TAP_EQ(w.calls, 1, "regions: fn not called after it failed");
	TAP_EQ(swmmu_dump(&as, 0, 0, reg, 2, &needed), -EINVAL, "dump len 0 -> EINVAL");
	TAP_EQ(needed, 0, "dump: no region counted");

	/* Accessed/dirty of a 2M leaf read over part of it: the bitmap covers only the range. */
	TAP_EQ(swmmu_map(&as, 4 * M2, 0x40000000, M2, R | W), 0, "a 2M leaf");
	TAP_CHECK(!swmmu_translate(&as, 4 * M2 + 0x5000, R | W, true, &x) && x.dirty,
		  "a write through the 2M leaf sets its dirty bit");
	bm[0] = 0;
	TAP_EQ(swmmu_read_clear_ad(&as, 4 * M2 + 0x1000, 0x3000, SWMMU_AD_DIRTY, 12, bm, NULL), 0,
	       "read dirty over 12K inside the leaf");
	TAP_EQ(bm[0], 0x7, "one bit per 4K granule of the range, none past it");
	TAP_EQ(swmmu_read_clear_ad(&as, 0x800000000000ULL, K4, SWMMU_AD_DIRTY, 12, bm, NULL), -ERANGE,
	       "read_clear_ad at a non-canonical VA -> ERANGE");

	/* swmmu_link(): -ENOENT without a table entry in src; -ENOMEM changes nothing. */
	if (!mk(&dst, "x86_64"))
		goto out;
	TAP_EQ(swmmu_link(&dst, &as, 8 * G1, 1), -ENOENT,
	       "link where src has no tables -> ENOENT");
	TAP_EQ(swmmu_map(&as, G1, 0x50000000, K4, R), 0, "src: a page at 1G");
	live = tm.live;
	n = nr_tables(&dst);
	tm.fail_at = tm.allocs + 2;
	TAP_EQ(swmmu_link(&dst, &as, G1, 1), -ENOMEM,
	       "link needing two dst tables, the second allocation fails -> ENOMEM");
	tm.fail_at = 0;
	TAP_EQ(tm.live, live, "ENOMEM: the first table was freed again");
	TAP_EQ(nr_tables(&dst), n, "ENOMEM: dst's table count unchanged");
	TAP_EQ(swmmu_query(&dst, G1, &x), -ENOENT, "ENOMEM: nothing linked");

	/* A modifying walk clears a linked entry: the link is forgotten, the subtree kept. */
	TAP_EQ(swmmu_link(&dst, &as, G1, 2), 0, "link src's level-2 entry over 1G");
	TAP_CHECK(!swmmu_query(&dst, G1, &x) && x.pa == 0x50000000, "dst translates through it");
	live = tm.live;
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_walk_mut(&dst, G1, G1, &(struct swmmu_walk_ops){ .pre_table = w_cut_l2 }, NULL,
			      &g), 0, "modifying walk clears the linked entry");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live, "the linked subtree is not freed (its owner frees it)");
	TAP_EQ(swmmu_query(&dst, G1, &x), -ENOENT, "dst: gone");
	TAP_CHECK(!swmmu_query(&as, G1, &x) && x.pa == 0x50000000, "src: still mapped");
	TAP_EQ(swmmu_unlink(&dst, G1, 2, NULL), -ENOENT, "unlink: no such link any more -> ENOENT");
	swmmu_as_destroy(&dst);
out:
	swmmu_as_destroy(&as);
}

/* A callback that writes the fields swmmu_pt.h says are the walk's own, not the callback's. */
static int scribble_table(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	it->pte2 = 0;
	it->kind = SWMMU_ITEM_HOLE;
	return SWMMU_WALK_DESCEND;
}

/*
 * A read-only walk follows the tables it read, whatever its callbacks write into the item: a
 * dual item's small-page word cleared, a table called a hole, change nothing of the descent.
 */
static void test_walk_ignores_callback_writes(void)
{
	const struct swmmu_walk_ops ops = { .leaf = w_leaf, .pre_table = scribble_table };
	struct wctx w = { 0 };
	struct swmmu_as as;

	if (!mk(&as, "nv-gp100"))
		return;
	/* One dual item: a 4K page through the small-page word, a 64K page through the big one. */
	TAP_EQ(swmmu_map(&as, M2 + K4, 0x1000000, K4, R), 0, "nv-gp100: a 4K page");
	TAP_EQ(swmmu_map(&as, M2 + K64, 0x1010000, K64, R), 0, "nv-gp100: a 64K page");
	TAP_EQ(swmmu_walk(&as, 0, 2 * M2, &ops, &w), 0, "walk with scribbling callbacks");
	TAP_EQ(w.leaves, 2, "both leaves visited: the walk used what it read");
	swmmu_as_destroy(&as);
}

/* Refusals the kernel-doc of each function documents. */
static void test_refusals(void)
{
	struct swmmu_map_opts bad = { .flags = 0x80 };
	struct swmmu_seg seg = { .pa = 0x10000000, .len = K4 };
	struct swmmu_as as;
	struct swmmu_xlate x;

	/*
	 * swmmu_translate(): "A null (sparse) leaf translates with prot SWMMU_PROT_NULL" (nv-gp100
	 * sparse: VALID = 0, VOL = 1), whatever the access.
	 */
	if (mk(&as, "nv-gp100")) {
		TAP_EQ(swmmu_map(&as, K64, 0, K64, SWMMU_PROT_NULL), 0, "nv-gp100: a sparse 64K");
		TAP_CHECK(!swmmu_translate(&as, K64 + 0x100, R | W, true, &x) &&
			  x.prot == SWMMU_PROT_NULL, "a write to it translates as NULL");
		/*
		 * nv-gp100 table entries imply R, W, X and U (no permission bits in a PDE): a
		 * table_prot without W cannot be expressed (swmmu_pt.h: -EOPNOTSUPP "a permission
		 * ... the format cannot express"; swmmu_format.h: never silently widened).
		 */
		TAP_EQ(swmmu_map_ext(&as, 4 * K64, 0x1000000, K4, R,
				     &(struct swmmu_map_opts){ .flags = SWMMU_MAP_TABLE_PROT,
							       .table_prot = R | X | U }),
		       -EOPNOTSUPP, "nv-gp100: table_prot without W -> EOPNOTSUPP");
		TAP_EQ(swmmu_query(&as, 4 * K64, &x), -ENOENT, "nothing mapped");
		swmmu_as_destroy(&as);
	}
	/* swmmu_as_init(), swmmu_as_init_foreign(): -EINVAL for missing memory callbacks. */
	TAP_EQ(swmmu_as_init(&as, swmmu_format_find("x86_64"), NULL), -EINVAL,
	       "as_init without memory callbacks -> EINVAL");
	TAP_EQ(swmmu_as_init_foreign(&as, swmmu_format_find("x86_64"), NULL, 0x100000, NULL),
	       -EINVAL, "as_init_foreign without memory callbacks -> EINVAL");
	if (!mk(&as, "x86_64"))
		return;
	/* swmmu_pt.h: -EINVAL bad argument (an unknown SWMMU_MAP_* flag); @nr >= 1. */
	TAP_EQ(swmmu_map_ext(&as, 0, 0x10000000, K4, R, &bad), -EINVAL,
	       "map_ext with an unknown flag -> EINVAL");
	TAP_EQ(swmmu_map_sg(&as, 0, &seg, 0, R, NULL), -EINVAL, "map_sg of no segment -> EINVAL");
	/* swmmu_pt.h: -EOVERFLOW a range that wraps past 2^64 (two segments of 2^63). */
	TAP_EQ(swmmu_map_sg(&as, 0, (struct swmmu_seg[]){ { .pa = 0, .len = 1ULL << 63 },
							  { .pa = 0, .len = 1ULL << 63 } },
			    2, R, NULL),
	       -EOVERFLOW, "map_sg of segments adding up past 2^64 -> EOVERFLOW");
	TAP_EQ(nr_tables(&as), 1, "the refused maps made no table");
	/* swmmu_protect(): @flags 0 or SWMMU_UNMAP_SPLIT; swmmu_translate(): -ERANGE outside. */
	TAP_EQ(swmmu_map(&as, 0, 0x10000000, K4, R), 0, "a page at 0");
	TAP_EQ(swmmu_protect(&as, 0, K4, R, SWMMU_UNMAP_FREE_EMPTY, NULL), -EINVAL,
	       "protect with FREE_EMPTY -> EINVAL");
	TAP_EQ(swmmu_translate(&as, 0x800000000000ULL, R, false, &x), -ERANGE,
	       "translate at a non-canonical VA -> ERANGE");
	TAP_EQ(swmmu_unmap(&as, 0, K4, 0, NULL, NULL), 0, "unmap it");
	swmmu_as_destroy(&as);
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 28))
		return 1;
	test_dual_items();
	test_dual_split();
	test_walk_ignores_callback_writes();
	test_runtime_dual();
	test_walk_paths();
	test_refusals();
	TAP_EQ(tm.live, 0, "nothing leaked");
	test_mem_fini(&tm);
	return tap_done();
}
