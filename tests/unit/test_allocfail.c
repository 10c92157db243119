// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocation failure at every allocation point: each operation is run with its Nth allocation
 * failing, N = 1, 2, ... until it succeeds. Every failed attempt must return -ENOMEM, leave the
 * tables byte-identical (snapshot hash over every table) and leak nothing; the successful attempt
 * must produce the right translations; destroy must bring the live table count back to zero.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

static struct test_mem tm;

#define RW (SWMMU_PROT_R | SWMMU_PROT_W)

enum op { OP_MAP, OP_MAP_SG, OP_MAP_FORCED, OP_UNMAP_SPLIT, OP_PROTECT_SPLIT, OP_LINK };

struct sweep {
	const char *name;
	enum op op;
	u64 va, len, pa;
};

static struct swmmu_as other;

static int run_op(struct swmmu_as *as, const struct sweep *s)
{
	struct swmmu_seg segs[3] = {
		{ s->pa, s->len / 4 }, { s->pa + (7ULL << 30), s->len / 2 },
		{ s->pa + (3ULL << 32), s->len / 4 },
	};
	struct swmmu_map_opts o = { .pgsize = 2 << 20 };

	switch (s->op) {
	case OP_MAP:
		return swmmu_map(as, s->va, s->pa, s->len, RW);
	case OP_MAP_SG:
		return swmmu_map_sg(as, s->va, segs, 3, RW, NULL);
	case OP_MAP_FORCED:
		return swmmu_map_ext(as, s->va, s->pa, s->len, RW, &o);
	case OP_UNMAP_SPLIT:
		return swmmu_unmap(as, s->va, s->len, SWMMU_UNMAP_SPLIT, NULL, NULL);
	case OP_PROTECT_SPLIT:
		return swmmu_protect(as, s->va, s->len, SWMMU_PROT_R, SWMMU_UNMAP_SPLIT, NULL);
	case OP_LINK:
		return swmmu_link(as, &other, s->va, 2);
	}
	return -EINVAL;
}

/* Pre-existing state: a 1G leaf at 4G, a 2M leaf at 6G + 2M, 4K pages around 8G. */
static void populate(struct swmmu_as *as)
{
	swmmu_map(as, 4ULL << 30, 1ULL << 40, 1ULL << 30, RW);
	swmmu_map(as, (6ULL << 30) + (2 << 20), 1ULL << 41, 2 << 20, RW);
	swmmu_map(as, (8ULL << 30) - (64 << 10), 1ULL << 42, 256 << 10, RW);
}

static bool verify(struct swmmu_as *as, const struct sweep *s)
{
	struct swmmu_xlate x;
	u64 off;

	for (off = 0; off < s->len; off += s->len / 64 + 4096) {
		int ret = swmmu_query(as, s->va + off, &x);

		switch (s->op) {
		case OP_MAP:
		case OP_MAP_FORCED:
			if (ret || x.pa != s->pa + off || x.prot != RW)
				return false;
			break;
		case OP_MAP_SG:
			if (ret || x.prot != RW)
				return false;
			break;
		case OP_UNMAP_SPLIT:
			if (ret != -ENOENT)
				return false;
			break;
		case OP_PROTECT_SPLIT:
			if ((ret && ret != -ENOENT) || (!ret && x.prot != SWMMU_PROT_R))
				return false;
			break;
		case OP_LINK:
			if (ret || x.pa != (1ULL << 43) + off)
				return false;
			break;
		}
	}
	return true;
}

static void sweep(const struct swmmu_format *f, const struct sweep *s)
{
	struct swmmu_as as;
	long live0, n, failures = 0;
	u64 snap;
	int ret = -ENOMEM;
	bool identical = true, noleak = true, errno_ok = true;

	if (swmmu_as_init(&as, f, &tm.mem))
		return;
	populate(&as);
	if (s->op == OP_LINK) {
		swmmu_as_init(&other, f, &tm.mem);
		swmmu_map(&other, s->va, 1ULL << 43, s->len, RW);
	}
	snap = test_snapshot(&as);
	live0 = tm.live;
	for (n = 1; n < 64 && ret == -ENOMEM; n++) {
		tm.allocs = 0;
		tm.fail_at = n;
		ret = run_op(&as, s);
		tm.fail_at = 0;
		if (ret == -ENOMEM) {
			failures++;
			identical &= test_snapshot(&as) == snap;
			noleak &= tm.live == live0;
		} else if (ret) {
			errno_ok = false;
		}
	}
	TAP_CHECK(failures > 0, "%s %s: failed %ld times before succeeding", f->name, s->name,
		  failures);
	TAP_CHECK(errno_ok && !ret, "%s %s: every failure is -ENOMEM, then success", f->name,
		  s->name);
	TAP_CHECK(identical, "%s %s: tables byte-identical after every failure", f->name, s->name);
	TAP_CHECK(noleak, "%s %s: no table leaked by a failure", f->name, s->name);
	TAP_CHECK(!ret && verify(&as, s), "%s %s: translations right after success", f->name,
		  s->name);
	swmmu_as_destroy(&as);
	if (s->op == OP_LINK)
		swmmu_as_destroy(&other);
	TAP_EQ(tm.live, 0, "%s %s: live tables back to zero after destroy", f->name, s->name);
}

static const struct sweep sweeps[] = {
	{ "map 1G+ of 4K pages across tables", OP_MAP, (12ULL << 30) - (8 << 20), (1ULL << 30) + (16 << 20) + 4096 * 3, 1ULL << 44 },
	{ "map next to existing tables", OP_MAP, (8ULL << 30) + (192 << 10), 6 << 20, 1ULL << 44 },
	{ "scatter map of 3 segments", OP_MAP_SG, (20ULL << 30) + (1 << 20), 64 << 20, 1ULL << 44 },
	{ "forced 2M pages", OP_MAP_FORCED, 30ULL << 30, 1ULL << 30, 1ULL << 44 },
	{ "unmap splitting a 1G leaf", OP_UNMAP_SPLIT, (4ULL << 30) + (2 << 20) + 4096, 3 << 20, 0 },
	{ "protect splitting 1G and 2M leaves", OP_PROTECT_SPLIT, (5ULL << 30) - (4 << 20) + 4096,
	  (1ULL << 30) + (6 << 20), 0 },
	{ "link a subtree (dst tables allocated)", OP_LINK, 1ULL << 40, 8 << 20, 0 },
};

/*
 * A dual-directory format (nv-gp100: no 1G leaves, so populate() made 2M ones; no link of a
 * dual entry): the sweeps above but link, plus both tables of a dual entry.
 */
static const struct sweep dual_sweeps[] = {
	{ "map big and small pages in one 2M region", OP_MAP, (40ULL << 30) + 0x3000, 0x40000,
	  (1ULL << 44) + 0x3000 },
	{ "unmap splitting a big page into small ones", OP_UNMAP_SPLIT, (8ULL << 30) + 0x4000,
	  0x1000, 0 },
	{ "protect splitting 2M and 64K leaves", OP_PROTECT_SPLIT, (6ULL << 30) + (3 << 20) + 0x1000,
	  (2 << 20) + 0x10000, 0 },
};

int main(void)
{
	const char *names[] = { "x86_64", "x86_64-la57", "aarch64-4k" };
	struct swmmu_as as;
	unsigned int i, j;

	if (test_mem_init(&tm, 4UL << 30))
		return 1;
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(sweeps) / sizeof(sweeps[0]); j++)
			sweep(swmmu_format_find(names[i]), &sweeps[j]);
	for (j = 0; j < sizeof(sweeps) / sizeof(sweeps[0]); j++)
		if (sweeps[j].op != OP_LINK)
			sweep(swmmu_format_find("nv-gp100"), &sweeps[j]);
	for (j = 0; j < sizeof(dual_sweeps) / sizeof(dual_sweeps[0]); j++)
		sweep(swmmu_format_find("nv-gp100"), &dual_sweeps[j]);
	tm.allocs = 0;
	tm.fail_at = 1;
	TAP_EQ(swmmu_as_init(&as, swmmu_format_find("x86_64"), &tm.mem), -ENOMEM,
	       "as_init: root allocation failure -> ENOMEM");
	tm.fail_at = 0;
	TAP_EQ(tm.live, 0, "as_init failure leaks nothing");
	return tap_done();
}
