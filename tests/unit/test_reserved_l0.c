// SPDX-License-Identifier: GPL-2.0-only
/*
 * A reserved item among the leaves of a level-0 table, under unmap and protect. The item is
 * written by hand, as a driver or a stray write would leave it: AArch64 4K granule, a level 3
 * descriptor with bits[1:0] = 0b01, which Arm ARM DDI 0487J.a D8.3.1 defines only at levels 0..2
 * (block); at level 3 the encoding is reserved. swmmu_pt.h calls such an item SWMMU_ITEM_BAD,
 * "reserved encoding": it is neither a leaf nor a hole.
 *
 * swmmu_unmap() "remove[s] every leaf in a range" and swmmu_protect() changes "every leaf in a
 * range" (core/swmmu_pt.c kernel-doc): the leaves around the reserved item are unmapped or
 * rewritten, the reserved item itself is left exactly as it was, and the byte count is the
 * leaves'.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"

#define R	SWMMU_PROT_R
#define W	SWMMU_PROT_W
#define K4	0x1000ULL
#define NPAGES	16
#define BADIDX	5
/* Arm ARM D8.3.1: bit 1 of a level 3 descriptor is 1 for a page; AP[2] (bit 7): read-only. */
#define ARM_PAGE_BIT	(1ULL << 1)
#define ARM_AP2		(1ULL << 7)

static struct test_mem tm;

struct where {
	u64 va, table;
	unsigned int index;
	int found;
};

static int find_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct where *w = ctx;

	if (it->level == 0 && it->va == w->va) {
		w->table = it->table;
		w->index = it->index;
		w->found = 1;
	}
	return SWMMU_WALK_DESCEND;
}

/* CPU view of the level-0 table holding va (first item: va's), NULL if no leaf is there. */
static u64 *l0_items(struct swmmu_as *as, u64 va)
{
	static const struct swmmu_walk_ops ops = { .leaf = find_cb };
	struct where w = { .va = va };

	if (swmmu_walk(as, va, K4, &ops, &w) || !w.found)
		return NULL;
	return (u64 *)(uintptr_t)(w.table + tm.mem.cpu_offset) + w.index;
}

/* Map NPAGES 4K pages rw at va (one size forced: no contiguous hint) and mark item BADIDX. */
static u64 *setup(struct swmmu_as *as, u64 va, u64 pa, u64 saved[NPAGES])
{
	struct swmmu_map_opts o = { .pgsize = K4 };
	u64 *p;

	if (!TAP_EQ(swmmu_map_ext(as, va, pa, NPAGES * K4, R | W, &o), 0, "map 16 pages rw"))
		return NULL;
	p = l0_items(as, va);
	if (!TAP_CHECK(p != NULL, "the walk finds the first leaf"))
		return NULL;
	p[BADIDX] &= ~ARM_PAGE_BIT;
	memcpy(saved, p, NPAGES * sizeof(u64));
	return p;
}

static void test_unmap(struct swmmu_as *as)
{
	const u64 va = 0x40000000ULL, pa = 0x80000000ULL;
	u64 saved[NPAGES], unmapped = 0;
	struct swmmu_xlate x;
	unsigned int i, bad = 0;
	u64 *p;

	p = setup(as, va, pa, saved);
	if (!p)
		return;
	TAP_EQ(saved[BADIDX] & 3, 1, "unmap: item 5 is a level 3 descriptor of type 0b01");
	TAP_EQ(swmmu_unmap(as, va, NPAGES * K4, 0, NULL, &unmapped), 0,
	       "unmap: a range with a reserved item in it");
	TAP_EQ(unmapped, (NPAGES - 1) * K4, "unmap: the 15 leaves' bytes are unmapped");
	TAP_EQ(p[BADIDX], saved[BADIDX], "unmap: the reserved item is left as it was");
	for (i = 0; i < NPAGES; i++)
		bad += i != BADIDX && p[i];
	TAP_EQ(bad, 0, "unmap: every leaf item is zero");
	TAP_EQ(swmmu_query(as, va + 4 * K4, &x), -ENOENT, "unmap: the page before it is gone");
	TAP_EQ(swmmu_query(as, va + 6 * K4, &x), -ENOENT, "unmap: the page after it is gone");
	TAP_EQ(swmmu_unmap(as, va, NPAGES * K4, 0, NULL, &unmapped), -ENOENT,
	       "unmap: again: no leaf is left in the range (a reserved item is none)");
	p[BADIDX] = 0;
}

static void test_protect(struct swmmu_as *as)
{
	const u64 va = 0x40200000ULL, pa = 0x90000000ULL;
	u64 saved[NPAGES];
	struct swmmu_xlate x;
	unsigned int i, bad = 0, badq = 0;
	u64 *p;

	p = setup(as, va, pa, saved);
	if (!p)
		return;
	TAP_EQ(swmmu_protect(as, va, NPAGES * K4, R, 0, NULL), 0,
	       "protect: a range with a reserved item in it, to read-only");
	TAP_EQ(p[BADIDX], saved[BADIDX], "protect: the reserved item is left as it was");
	/* Arm ARM D8.4.1.2: AP[2] = 1 is read-only; output address, AF and attributes are kept. */
	for (i = 0; i < NPAGES; i++) {
		if (i == BADIDX)
			continue;
		bad += p[i] != (saved[i] | ARM_AP2);
		badq += swmmu_query(as, va + i * K4, &x) || x.prot != R || x.pa != pa + i * K4;
	}
	TAP_EQ(bad, 0, "protect: each of the 15 leaves gained AP[2] and nothing else");
	TAP_EQ(badq, 0, "protect: query reads each of them back read-only at its address");
	p[BADIDX] = 0;
	TAP_EQ(swmmu_unmap(as, va, NPAGES * K4, 0, NULL, NULL), 0, "protect: clean up");
}

int main(void)
{
	struct swmmu_as as;

	if (test_mem_init(&tm, 1UL << 24))
		return 1;
	if (TAP_EQ(swmmu_as_init(&as, swmmu_format_find("aarch64-4k"), &tm.mem), 0,
		   "aarch64-4k: create")) {
		test_unmap(&as);
		test_protect(&as);
		swmmu_as_destroy(&as);
	}
	TAP_EQ(tm.live, 0, "nothing leaked");
	test_mem_fini(&tm);
	return tap_done();
}
