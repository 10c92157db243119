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

static void step(struct lt *t)
{
	u64 r = test_rand(&t->seed) % 16, len = rnd_len(t), va = rnd_va(t, len), pa;
	int ret;

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

static void run(const char *name, bool gather, u64 base, u64 size, long ops, u64 seed)
{
	static struct lt t;
	struct swmmu_stats st;
	long i, live0 = tm.live;
	u64 top;
	int ret;

	memset(&t, 0, sizeof(t));
	t.f = swmmu_format_find(name);
	if (!t.f || swmmu_as_init(&t.as, t.f, &tm.mem)) {
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

int main(void)
{
	const char *senv = getenv("SWMMU_SEED"), *oenv = getenv("SWMMU_LEAF_OPS");
	u64 seed = senv ? strtoull(senv, NULL, 0) : 20261207;
	long ops = oenv ? atol(oenv) : 3000;

	if (test_mem_init(&tm, 4UL << 30))
		return 1;
	/* Windows of whole top-level spans below, so 1G leaves (and AArch64's 32M runs) fit. */
	run("x86_64", false, 1ULL << 39, 8ULL << 30, ops, seed);
	run("aarch64-4k", false, 1ULL << 39, 8ULL << 30, ops, seed + 1);
	run("riscv-sv48", false, 1ULL << 39, 8ULL << 30, ops, seed + 2);
	run("x86_64", true, 1ULL << 39, 8ULL << 30, ops, seed + 3);
	run("aarch64-4k", true, 1ULL << 39, 8ULL << 30, ops, seed + 4);
	run("riscv-sv48", true, 1ULL << 39, 8ULL << 30, ops, seed + 5);
	test_mem_fini(&tm);
	return tap_done();
}
