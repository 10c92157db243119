// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run-time (text) formats whose items are not plain little-endian 8-byte words, driven through
 * the generic engine: a big-endian format ("flags big-endian": entries stored big-endian,
 * docs/format-language.md) and a format of 16-byte items whose second word is the constant of
 * the "ext LEAF TABLE" statement ("the second 64-bit word of 16-byte leaf and table entries").
 * Each check reads the raw table memory next to what the API reports.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

#define R	SWMMU_PROT_R
#define W	SWMMU_PROT_W
#define K4	0x1000ULL
#define M1	0x100000ULL
#define M2	0x200000ULL

static struct test_mem tm;

/*
 * docs/examples/toy-gpu.fmt (the worked example of docs/format-language.md), big-endian, and with
 * table entries that restrict nothing ("table-perm P implied"): without them a table entry grants
 * no permission below it and every translation is a permission fault.
 */
static const char be_text[] =
	"name toy-gpu-be\n"
	"levels 3\n"
	"entry-bytes 8\n"
	"va-bits 40\n"
	"oa-bits 52\n"
	"oa-field 12 12 40\n"
	"flags big-endian\n"
	"memtypes wb uc\n"
	"present 0x1\n"
	"leaf-set 0x1\n"
	"table-set 0x1\n"
	"accessed 0x40\n"
	"dirty 0x80\n"
	"need-any r\n"
	"leaf-perm r implied\n"
	"leaf-perm w clr 0x4\n"
	"leaf-perm x clr 0x8\n"
	"table-perm r implied\n"
	"table-perm w implied\n"
	"table-perm x implied\n"
	"table-perm u implied\n"
	"level 0 shift 12 bits 9 align 12 leaf 0x2 0x2 mt-mask 0x30 mt 0x0 0x0 0x10 0x0\n"
	"level 1 shift 21 bits 9 align 12 leaf 0x2 0x2 table 0x2 0x0 mt-mask 0x30 mt 0x0 0x0 0x10 0x0\n"
	"level 2 shift 30 bits 10 align 13 table 0x2 0x0\n";

/*
 * The same entry bits in 16-byte items (256 per 4K table, so 8 index bits a level: 12 + 8 + 8 +
 * 8 = 36 VA bits), with the second words 0x1111 in leaves and 0x2222 in table entries.
 */
#define EXT_LEAF	0x1111ULL
#define EXT_TABLE	0x2222ULL
static const char ext_text[] =
	"name ext16\n"
	"levels 3\n"
	"entry-bytes 16\n"
	"va-bits 36\n"
	"oa-bits 48\n"
	"oa-field 12 12 36\n"
	"flags none\n"
	"memtypes wb\n"
	"present 0x1\n"
	"leaf-set 0x1\n"
	"table-set 0x1\n"
	"accessed 0x40\n"
	"dirty 0x80\n"
	"need-any r\n"
	"leaf-perm r implied\n"
	"leaf-perm w clr 0x4\n"
	"leaf-perm x clr 0x8\n"
	"ext 0x1111 0x2222\n"
	"level 0 shift 12 bits 8 align 12 leaf 0x2 0x2\n"
	"level 1 shift 20 bits 8 align 12 leaf 0x2 0x2 table 0x2 0x0\n"
	"level 2 shift 28 bits 8 align 12 table 0x2 0x0\n";

static struct swmmu_format be_fmt, ext_fmt;

/* The raw bytes of item idx of a table (table address as walk items carry it). */
static const u8 *raw_item(u64 table, unsigned int idx, unsigned int esz)
{
	return (const u8 *)(uintptr_t)(table + tm.mem.cpu_offset) + (size_t)idx * esz;
}

static u64 be64_at(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static u64 le64_at(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Every non-hole item a walk reports: level, VA, table address, index, value. */
struct seen {
	unsigned int n;
	struct {
		unsigned int level, index;
		enum swmmu_item_kind kind;
		u64 va, pte, pte2, table;
	} it[64];
};

static int seen_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct seen *s = ctx;

	if (s->n < 64) {
		s->it[s->n].level = it->level;
		s->it[s->n].index = it->index;
		s->it[s->n].kind = it->kind;
		s->it[s->n].va = it->va;
		s->it[s->n].pte = it->pte;
		s->it[s->n].pte2 = it->pte2;
		s->it[s->n].table = it->table;
	}
	s->n++;
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops seen_ops = { .leaf = seen_cb, .pre_table = seen_cb };

static void seen_walk(const struct swmmu_as *as, u64 va, u64 len, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	if (swmmu_walk(as, va, len, &seen_ops, s))
		tap_ok(false, "walk 0x%llx", (unsigned long long)va);
}

/* Find the item of a level holding va in a walk's record (NULL: not reported). */
static int seen_find(const struct seen *s, unsigned int level, u64 va, u64 span_lg2)
{
	unsigned int i;

	for (i = 0; i < s->n && i < 64; i++)
		if (s->it[i].level == level && s->it[i].va == (va & ~((1ULL << span_lg2) - 1)))
			return (int)i;
	return -1;
}

/* Modifying-walk callbacks of the ext format. */
static int set_ro_cb(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	it->pte |= 0x4;		/* leaf-perm w clr 0x4: READ_ONLY */
	return SWMMU_WALK_DESCEND;
}

static int clear_cb(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	it->pte = 0;
	return SWMMU_WALK_DESCEND;
}

static int clear_l1_table_cb(void *ctx, struct swmmu_walk_item *it)
{
	(void)ctx;
	if (it->level == 1)
		it->pte = 0;
	return SWMMU_WALK_DESCEND;
}

static void test_big_endian(void)
{
	struct swmmu_as as;
	struct swmmu_xlate x;
	struct swmmu_stats st;
	struct seen s;
	unsigned long bm[1] = { 0 };
	unsigned int i, bad = 0, swapped = 0;
	u64 unmapped = 0;
	const u8 *p;
	int k;

	if (!TAP_EQ(swmmu_format_parse(be_text, strlen(be_text), &be_fmt, NULL), 0,
		    "big-endian toy-gpu parses"))
		return;
	TAP_CHECK(be_fmt.flags & SWMMU_FMT_BIG_ENDIAN, "flags big-endian sets SWMMU_FMT_BIG_ENDIAN");
	if (!TAP_EQ(swmmu_as_init(&as, &be_fmt, &tm.mem), 0, "big-endian: create"))
		return;

	/* The worked example's first map: "map 0x100000 0x80000000 8K rw". */
	TAP_EQ(swmmu_map(&as, 0x100000, 0x80000000ULL, 2 * K4, R | W), 0, "big-endian: map 8K rw");
	TAP_EQ(swmmu_query(&as, 0x101000, &x), 0, "big-endian: query the second page");
	TAP_EQ(x.pa, 0x80001000ULL, "big-endian: its output address");
	TAP_EQ(x.prot, R | W, "big-endian: rw (X not granted is NO_EXEC, not a prot bit lost)");
	/*
	 * The worked example shows the first leaf as 0x000000008000000b: VALID | PTE | NO_EXEC
	 * with PA 0x80000000 at bits 12..51 (docs/format-language.md, "Try it"); the second page's
	 * has PA 0x80001000.
	 */
	TAP_EQ(x.pte, 0x8000100bULL, "big-endian: query reports the leaf in CPU order");
	seen_walk(&as, 0x100000, 2 * K4, &s);
	k = seen_find(&s, 0, 0x100000, 12);
	if (TAP_CHECK(k >= 0, "big-endian: the walk reports the first leaf")) {
		p = raw_item(s.it[k].table, s.it[k].index, 8);
		TAP_CHECK(p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0 && p[4] == 0x80 &&
			  p[5] == 0 && p[6] == 0 && p[7] == 0x0b,
			  "big-endian: leaf bytes in memory are 00 00 00 00 80 00 00 0b");
	}
	/* Every item the walk reported is stored big-endian, and the order matters for each. */
	for (i = 0; i < s.n && i < 64; i++) {
		p = raw_item(s.it[i].table, s.it[i].index, 8);
		bad += be64_at(p) != s.it[i].pte;
		swapped += le64_at(p) != s.it[i].pte;
	}
	TAP_EQ(s.n, 2 + 2, "big-endian: two table entries and two leaves on the way");
	TAP_EQ(bad, 0, "big-endian: every item's memory, read big-endian, is its value");
	TAP_EQ(swapped, s.n, "big-endian: no item reads the same little-endian");

	/* Protect to read-only: leaf-perm w clr 0x4 sets READ_ONLY, byte 7 becomes 0x0f. */
	TAP_EQ(swmmu_protect(&as, 0x100000, K4, R, 0, NULL), 0, "big-endian: protect a page to r");
	p = raw_item(s.it[k < 0 ? 0 : k].table, s.it[k < 0 ? 0 : k].index, 8);
	TAP_CHECK(k >= 0 && p[7] == 0x0f && p[4] == 0x80, "big-endian: READ_ONLY in the last byte");
	TAP_CHECK(!swmmu_query(&as, 0x100000, &x) && x.prot == R && x.pa == 0x80000000ULL,
		  "big-endian: query reads the read-only leaf back");

	/* A translated write sets accessed (0x40) and dirty (0x80) in the stored big-endian word. */
	TAP_EQ(swmmu_translate(&as, 0x101000, R | W, true, &x), 0, "big-endian: translate a write");
	TAP_CHECK(x.accessed && x.dirty, "big-endian: accessed and dirty set by the walk");
	seen_walk(&as, 0x101000, K4, &s);
	k = seen_find(&s, 0, 0x101000, 12);
	if (TAP_CHECK(k >= 0, "big-endian: the second leaf")) {
		p = raw_item(s.it[k].table, s.it[k].index, 8);
		TAP_EQ(p[7], 0xc0 | 0x0b, "big-endian: A|D land in byte 7 of the stored item");
		TAP_EQ(p[6], 0x10, "big-endian: PA bit 12 in byte 6 (0x80001000)");
	}
	TAP_EQ(swmmu_read_clear_ad(&as, 0x100000, 2 * K4, SWMMU_AD_DIRTY | SWMMU_AD_CLEAR, 12, bm,
				   NULL), 0, "big-endian: read and clear dirty");
	TAP_EQ(bm[0], 0x2, "big-endian: only the second page was dirty");
	TAP_CHECK(k >= 0 && raw_item(s.it[k].table, s.it[k].index, 8)[7] == (0x40 | 0x0b),
		  "big-endian: dirty cleared in memory, accessed kept");

	/* A 2M leaf ("map 0x200000 0x90000000 2M r": 0x000000009000000f in the example). */
	TAP_EQ(swmmu_map(&as, M2, 0x90000000ULL, M2, R), 0, "big-endian: map 2M r");
	seen_walk(&as, M2, M2, &s);
	k = seen_find(&s, 1, M2, 21);
	if (TAP_CHECK(k >= 0 && s.it[k].kind == SWMMU_ITEM_LEAF, "big-endian: a level-1 leaf")) {
		TAP_EQ(s.it[k].pte, 0x9000000fULL, "big-endian: the example's 2M leaf value");
		TAP_EQ(be64_at(raw_item(s.it[k].table, s.it[k].index, 8)), 0x9000000fULL,
		       "big-endian: stored big-endian");
	}
	TAP_EQ(swmmu_unmap(&as, 0x100000, 2 * K4, SWMMU_UNMAP_FREE_EMPTY, NULL, &unmapped), 0,
	       "big-endian: unmap the 8K");
	TAP_EQ(unmapped, 2 * K4, "big-endian: 8K unmapped");
	TAP_EQ(swmmu_unmap(&as, M2, M2, SWMMU_UNMAP_FREE_EMPTY, NULL, &unmapped), 0,
	       "big-endian: unmap the 2M");
	TAP_EQ(swmmu_query(&as, M2, &x), -ENOENT, "big-endian: nothing left");
	/* FREE_EMPTY frees only tables whose whole span the unmap covered: none here. */
	swmmu_as_stats(&as, &st);
	TAP_EQ(st.nr_tables, 3, "big-endian: root, level-1 and level-0 table are left");
	TAP_EQ(swmmu_free_empty(&as, 0, 1ULL << 30, NULL), 2, "big-endian: free the empty tables");
	swmmu_as_stats(&as, &st);
	TAP_EQ(st.nr_tables, 1, "big-endian: only the root is left");
	swmmu_as_destroy(&as);
}

static void test_ext_words(void)
{
	struct swmmu_as as, dst;
	struct swmmu_xlate x;
	struct swmmu_stats st;
	struct swmmu_gather g;
	struct seen s;
	unsigned int i, bad;
	long live;
	int k;

	if (!TAP_EQ(swmmu_format_parse(ext_text, strlen(ext_text), &ext_fmt, NULL), 0,
		    "ext16 parses"))
		return;
	TAP_CHECK(ext_fmt.ext_leaf == EXT_LEAF && ext_fmt.ext_table == EXT_TABLE,
		  "ext LEAF TABLE fills ext_leaf and ext_table");
	if (!TAP_EQ(swmmu_as_init(&as, &ext_fmt, &tm.mem), 0, "ext16: create"))
		return;

	/* One page: the single-page map path writes the leaf's second word. */
	TAP_EQ(swmmu_map(&as, 0x1000, 0x40001000ULL, K4, R | W), 0, "ext16: map one page");
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && x.pa == 0x40001000ULL && x.size_lg2 == 12 &&
		  x.prot == (R | W), "ext16: query the page");
	/* A page of 4 KiB, VALID|PTE|NO_EXEC, PA bits 12.. at bit 12: the primary word only. */
	TAP_EQ(x.pte, 0x40001000ULL | 0xb, "ext16: query reports the primary word");
	seen_walk(&as, 0x1000, K4, &s);
	TAP_EQ(s.n, 3, "ext16: two table entries and the leaf");
	bad = 0;
	for (i = 0; i < s.n && i < 64; i++) {
		const u8 *p = raw_item(s.it[i].table, s.it[i].index, 16);
		u64 want = s.it[i].kind == SWMMU_ITEM_LEAF ? EXT_LEAF : EXT_TABLE;

		bad += le64_at(p) != s.it[i].pte || le64_at(p + 8) != want ||
		       s.it[i].pte2 != want;
	}
	TAP_EQ(bad, 0, "ext16: each item's second word is ext_leaf or ext_table (also as pte2)");
	/* A second page into the level-0 table the first one made (the one-page path). */
	TAP_EQ(swmmu_map(&as, 0x3000, 0x40003000ULL, K4, R), 0, "ext16: map a second page");
	seen_walk(&as, 0x3000, K4, &s);
	k = seen_find(&s, 0, 0x3000, 12);
	TAP_CHECK(k >= 0 && s.it[k].pte == (0x40003000ULL | 0xf) &&
		  le64_at(raw_item(s.it[k].table, s.it[k].index, 16) + 8) == EXT_LEAF,
		  "ext16: the second page is read-only and carries ext_leaf");
	TAP_EQ(swmmu_unmap(&as, 0x3000, K4, 0, NULL, NULL), 0, "ext16: unmap the second page");

	/* A 1M leaf at level 1, then a protect that splits it: the item becomes a table entry. */
	TAP_EQ(swmmu_map(&as, M1, 0x40100000ULL, M1, R | W), 0, "ext16: map a 1M leaf");
	seen_walk(&as, M1, M1, &s);
	k = seen_find(&s, 1, M1, 20);
	TAP_CHECK(k >= 0 && s.it[k].kind == SWMMU_ITEM_LEAF && s.it[k].pte2 == EXT_LEAF,
		  "ext16: the 1M leaf carries ext_leaf");
	TAP_EQ(swmmu_protect(&as, M1 + 0x5000, K4, R, SWMMU_UNMAP_SPLIT, NULL), 0,
	       "ext16: protect one page inside the 1M leaf (split)");
	TAP_CHECK(!swmmu_query(&as, M1 + 0x5000, &x) && x.prot == R && x.size_lg2 == 12 &&
		  x.pa == 0x40105000ULL, "ext16: the page is read-only, 4K");
	TAP_CHECK(!swmmu_query(&as, M1 + 0x6000, &x) && x.prot == (R | W) && x.size_lg2 == 12 &&
		  x.pa == 0x40106000ULL, "ext16: its neighbour kept rw");
	seen_walk(&as, M1, M1, &s);
	k = seen_find(&s, 1, M1, 20);
	if (TAP_CHECK(k >= 0 && s.it[k].kind == SWMMU_ITEM_TABLE, "ext16: level-1 item is a table")) {
		TAP_EQ(le64_at(raw_item(s.it[k].table, s.it[k].index, 16) + 8), EXT_TABLE,
		       "ext16: the split wrote ext_table into the former leaf's second word");
	}
	bad = 0;
	for (i = 0; i < s.n && i < 64; i++)
		if (s.it[i].level == 0)
			bad += le64_at(raw_item(s.it[i].table, s.it[i].index, 16) + 8) != EXT_LEAF;
	TAP_EQ(s.n, 2 + 256, "ext16: the split made 256 level-0 leaves");
	TAP_EQ(bad, 0, "ext16: every split leaf carries ext_leaf");

	/* A modifying walk that changes a leaf writes ext_leaf with it, one that clears it 0. */
	TAP_EQ(swmmu_walk_mut(&as, 0x1000, K4, &(struct swmmu_walk_ops){ .leaf = set_ro_cb }, NULL,
			      NULL), 0, "ext16: modifying walk makes the page read-only");
	TAP_CHECK(!swmmu_query(&as, 0x1000, &x) && x.prot == R, "ext16: query sees read-only");
	seen_walk(&as, 0x1000, K4, &s);
	k = seen_find(&s, 0, 0x1000, 12);
	if (TAP_CHECK(k >= 0, "ext16: the page is still reported")) {
		const u8 *p = raw_item(s.it[k].table, s.it[k].index, 16);

		TAP_EQ(le64_at(p), 0x40001000ULL | 0xf, "ext16: READ_ONLY in the primary word");
		TAP_EQ(le64_at(p + 8), EXT_LEAF, "ext16: second word still ext_leaf");
		TAP_EQ(swmmu_walk_mut(&as, 0x1000, K4,
				      &(struct swmmu_walk_ops){ .leaf = clear_cb }, NULL, NULL), 0,
		       "ext16: modifying walk clears the page");
		TAP_CHECK(le64_at(p) == 0 && le64_at(p + 8) == 0,
			  "ext16: a hole written by a walk clears both words");
		TAP_EQ(swmmu_query(&as, 0x1000, &x), -ENOENT, "ext16: the page is gone");
	}

	/* Clearing the split table's entry frees the table (after the flush) and both words. */
	seen_walk(&as, M1, M1, &s);
	k = seen_find(&s, 1, M1, 20);
	live = tm.live;
	swmmu_gather_init(&g, NULL, NULL);
	TAP_EQ(swmmu_walk_mut(&as, M1, M1, &(struct swmmu_walk_ops){ .pre_table = clear_l1_table_cb },
			      NULL, &g), 0, "ext16: modifying walk clears the level-1 table entry");
	swmmu_gather_flush(&g);
	TAP_EQ(tm.live, live - 1, "ext16: the level-0 table under it is freed after the flush");
	if (k >= 0)
		TAP_EQ(le64_at(raw_item(s.it[k].table, s.it[k].index, 16) + 8), 0,
		       "ext16: its second word is cleared");
	TAP_EQ(swmmu_query(&as, M1 + 0x6000, &x), -ENOENT, "ext16: the range is unmapped");

	/*
	 * swmmu_link() writes the table entries it makes in dst and the linked entry itself: both
	 * carry ext_table.
	 */
	TAP_EQ(swmmu_map(&as, 0x10000000ULL, 0x50000000ULL, 4 * K4, R), 0,
	       "ext16: map 16K in the second 256M");
	if (!TAP_EQ(swmmu_as_init(&dst, &ext_fmt, &tm.mem), 0, "ext16: create a second space"))
		goto out;
	TAP_EQ(swmmu_link(&dst, &as, 0x10000000ULL, 1), 0, "ext16: link src's level-1 entry");
	TAP_CHECK(!swmmu_query(&dst, 0x10003000ULL, &x) && x.pa == 0x50003000ULL,
		  "ext16: dst translates through the link");
	seen_walk(&dst, 0x10000000ULL, K4, &s);
	bad = 0;
	for (i = 0; i < s.n && i < 64; i++) {
		u64 want = s.it[i].kind == SWMMU_ITEM_LEAF ? EXT_LEAF : EXT_TABLE;

		bad += le64_at(raw_item(s.it[i].table, s.it[i].index, 16) + 8) != want;
	}
	TAP_EQ(s.n, 3, "ext16: dst walk: root entry, linked entry, leaf");
	TAP_EQ(bad, 0, "ext16: the entries swmmu_link() wrote carry ext_table");
	swmmu_as_stats(&dst, &st);
	TAP_EQ(st.nr_tables, 2, "ext16: dst owns its root and the table made above the link");
	TAP_EQ(swmmu_unlink(&dst, 0x10000000ULL, 1, NULL), 0, "ext16: unlink");
	swmmu_as_destroy(&dst);
	TAP_CHECK(!swmmu_query(&as, 0x10003000ULL, &x) && x.pa == 0x50003000ULL,
		  "ext16: src keeps its subtree");
out:
	swmmu_as_destroy(&as);
}

/*
 * A map with an explicit 4K page size (struct swmmu_map_opts.pgsize: "the one page size to use")
 * over a whole level-1 span into fresh tables writes a complete level-0 table of leaves. Every one
 * of its items is checked in memory: the big-endian format's 512 words big-endian, the ext16
 * format's 256 items with ext_leaf as their second word.
 */
static void test_full_l0_table(void)
{
	struct swmmu_map_opts o = { .pgsize = K4 };
	struct swmmu_as as;
	struct swmmu_xlate x;
	struct seen s;
	unsigned int i, bad, bad2;
	u64 unmapped = 0, t;
	int k;

	if (!(be_fmt.flags & SWMMU_FMT_BIG_ENDIAN) || ext_fmt.ext_leaf != EXT_LEAF) {
		tap_ok(false, "full level-0 tables: the formats did not parse");
		return;
	}
	if (!TAP_EQ(swmmu_as_init(&as, &be_fmt, &tm.mem), 0, "big-endian full table: create"))
		return;
	TAP_EQ(swmmu_map_ext(&as, M2, 0x80000000ULL, M2, R | W, &o), 0,
	       "big-endian: map 2M at 2M as 4K pages");
	TAP_CHECK(!swmmu_query(&as, M2 + M2 - K4, &x) && x.size_lg2 == 12 && x.level == 0 &&
		  x.pa == 0x80000000ULL + M2 - K4 && x.prot == (R | W),
		  "big-endian: the last page is a 4K leaf at level 0");
	seen_walk(&as, M2, K4, &s);
	k = seen_find(&s, 0, M2, 12);
	if (TAP_CHECK(k >= 0 && s.it[k].index == 0, "big-endian: the first leaf is item 0")) {
		/* VALID | PTE | NO_EXEC, as the worked example's rw leaves (0x...0b), big-endian. */
		t = s.it[k].table;
		for (i = 0, bad = bad2 = 0; i < 512; i++) {
			bad += be64_at(raw_item(t, i, 8)) != ((0x80000000ULL + i * K4) | 0xb);
			bad2 += le64_at(raw_item(t, i, 8)) == ((0x80000000ULL + i * K4) | 0xb);
		}
		TAP_EQ(bad, 0, "big-endian: all 512 items are PA + i * 4K | 0x0b, stored big-endian");
		TAP_EQ(bad2, 0, "big-endian: none of them reads so little-endian");
	}
	TAP_EQ(swmmu_unmap(&as, M2, M2, 0, NULL, &unmapped), 0, "big-endian: unmap the 2M");
	TAP_EQ(unmapped, M2, "big-endian: 512 pages unmapped");
	swmmu_as_destroy(&as);

	if (!TAP_EQ(swmmu_as_init(&as, &ext_fmt, &tm.mem), 0, "ext16 full table: create"))
		return;
	TAP_EQ(swmmu_map_ext(&as, 3 * M1, 0x40300000ULL, M1, R, &o), 0,
	       "ext16: map 1M at 3M as 4K pages");
	TAP_CHECK(!swmmu_query(&as, 3 * M1 + 0x80000, &x) && x.size_lg2 == 12 && x.level == 0 &&
		  x.pa == 0x40380000ULL && x.prot == R, "ext16: a page in the middle is a 4K leaf");
	seen_walk(&as, 3 * M1, K4, &s);
	k = seen_find(&s, 0, 3 * M1, 12);
	if (TAP_CHECK(k >= 0 && s.it[k].index == 0, "ext16: the first leaf is item 0")) {
		/* VALID | PTE | READ_ONLY | NO_EXEC: 0xf; then the ext statement's leaf word. */
		t = s.it[k].table;
		for (i = 0, bad = bad2 = 0; i < 256; i++) {
			bad += le64_at(raw_item(t, i, 16)) != ((0x40300000ULL + i * K4) | 0xf);
			bad2 += le64_at(raw_item(t, i, 16) + 8) != EXT_LEAF;
		}
		TAP_EQ(bad, 0, "ext16: all 256 primary words are PA + i * 4K | 0xf");
		TAP_EQ(bad2, 0, "ext16: all 256 second words are ext_leaf");
	}
	TAP_EQ(swmmu_unmap(&as, 3 * M1, M1, 0, NULL, &unmapped), 0, "ext16: unmap the 1M");
	TAP_EQ(unmapped, M1, "ext16: 256 pages unmapped");
	swmmu_as_destroy(&as);
}

/*
 * toy-gpu with 1G leaves at level 2 and none at level 1 (tables only): a 1G leaf cannot be split,
 * since the level below holds no leaves ("Level 0 holds leaves only; every higher level must be
 * able to point at tables", docs/format-language.md: only level 0 must hold leaves).
 */
static const char nosplit_text[] =
	"name toy-1g\n"
	"levels 3\n"
	"entry-bytes 8\n"
	"va-bits 40\n"
	"oa-bits 52\n"
	"oa-field 12 12 40\n"
	"flags none\n"
	"memtypes wb\n"
	"present 0x1\n"
	"leaf-set 0x1\n"
	"table-set 0x1\n"
	"need-any r\n"
	"leaf-perm r implied\n"
	"leaf-perm w clr 0x4\n"
	"level 0 shift 12 bits 9 align 12 leaf 0x2 0x2\n"
	"level 1 shift 21 bits 9 align 12 table 0x2 0x0\n"
	"level 2 shift 30 bits 10 align 13 leaf 0x2 0x2 table 0x2 0x0\n";
static struct swmmu_format nosplit_fmt;

static void test_unsplittable(void)
{
	struct swmmu_as as;
	struct swmmu_xlate x;
	u64 snap;

	if (!TAP_EQ(swmmu_format_parse(nosplit_text, strlen(nosplit_text), &nosplit_fmt, NULL), 0,
		    "toy-1g parses") ||
	    !TAP_EQ(swmmu_as_init(&as, &nosplit_fmt, &tm.mem), 0, "toy-1g: create"))
		return;
	TAP_EQ(swmmu_map(&as, 1ULL << 30, 1ULL << 31, 1ULL << 30, R | W), 0, "toy-1g: a 1G leaf");
	TAP_CHECK(!swmmu_query(&as, (1ULL << 30) + 0x5000, &x) && x.size_lg2 == 30 && x.level == 2,
		  "toy-1g: mapped as one level-2 leaf");
	snap = test_snapshot(&as);
	/*
	 * swmmu_pt.h: -EINVAL for "a range that starts or ends inside a larger leaf"; with
	 * SWMMU_UNMAP_SPLIT the leaf would have to split into level-1 leaves, which the format
	 * has not. "A failed operation leaves the tables exactly as they were."
	 */
	TAP_EQ(swmmu_unmap(&as, (1ULL << 30) + 0x5000, K4, SWMMU_UNMAP_SPLIT, NULL, NULL), -EINVAL,
	       "toy-1g: unmap starting inside the leaf, SPLIT -> EINVAL");
	TAP_EQ(swmmu_protect(&as, 1ULL << 30, K4, R, SWMMU_UNMAP_SPLIT, NULL), -EINVAL,
	       "toy-1g: protect ending inside the leaf, SPLIT -> EINVAL");
	TAP_EQ(test_snapshot(&as), snap, "toy-1g: the tables are unchanged");
	TAP_CHECK(!swmmu_query(&as, (1ULL << 30) + 0x5000, &x) && x.size_lg2 == 30 &&
		  x.prot == (R | W) && x.pa == (1ULL << 31) + 0x5000, "toy-1g: the leaf translates");
	swmmu_as_destroy(&as);
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 26))
		return 1;
	test_big_endian();
	test_ext_words();
	test_full_l0_table();
	test_unsplittable();
	TAP_EQ(tm.live, 0, "nothing leaked");
	test_mem_fini(&tm);
	return tap_done();
}
