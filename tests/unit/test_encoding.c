// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-answer tests: the raw entries swmmu writes for x86_64, x86_64-la57 and aarch64-4k, each
 * expected value computed by hand from the manual section cited next to it.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_pt.h"

static struct test_mem tm;

struct path {
	u64 pte[SWMMU_MAX_LEVELS];
	unsigned int idx[SWMMU_MAX_LEVELS];
	int kind[SWMMU_MAX_LEVELS];
	u64 table[SWMMU_MAX_LEVELS];
};

static int path_item(void *ctx, struct swmmu_walk_item *it)
{
	struct path *p = ctx;

	p->pte[it->level] = it->pte;
	p->idx[it->level] = it->index;
	p->kind[it->level] = it->kind;
	p->table[it->level] = it->table;
	return SWMMU_WALK_DESCEND;
}

static void get_path(struct swmmu_as *as, u64 va, struct path *p)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = path_item, .hole = path_item, .pre_table = path_item,
	};

	memset(p, 0, sizeof(*p));
	swmmu_walk(as, va, 1, &ops, p);
}

/* The table address held by the entry at level l (the table of level l - 1). */
static u64 child_of(const struct path *p, unsigned int l)
{
	return p->table[l - 1];
}

static void test_x86_64(void)
{
	const struct swmmu_format *f = swmmu_format_find("x86_64");
	struct swmmu_map_opts o2m = { .pgsize = 2ULL << 20 };
	struct swmmu_as as;
	struct path p;
	u64 va = 0x00007f1234567000ULL, pa = 0x123456789000ULL;

	TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "x86_64: create");
	/* SDM Vol. 3A §4.5 Table 4-20: PTE 4K: P(0) R/W(1) U/S(2) addr[51:12], XD(63) clear. */
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X |
			 SWMMU_PROT_U), 0, "x86_64: map 4K rwxu");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x7, "x86_64: 4K PTE = addr | P|RW|US (Table 4-20)");
	TAP_EQ(p.idx[3], (va >> 39) & 511, "x86_64: PML4 index = VA[47:39] (§4.5.4)");
	TAP_EQ(p.idx[2], (va >> 30) & 511, "x86_64: PDPT index = VA[38:30]");
	TAP_EQ(p.idx[1], (va >> 21) & 511, "x86_64: PD index = VA[29:21]");
	TAP_EQ(p.idx[0], (va >> 12) & 511, "x86_64: PT index = VA[20:12]");
	/* Tables 4-15, 4-17, 4-19: table entries P|R/W|U/S, PS(7) = 0, addr of next table. */
	TAP_EQ(p.pte[1], child_of(&p, 1) | 0x7, "x86_64: PDE -> PT = addr | P|RW|US (Table 4-19)");
	TAP_EQ(p.pte[3], child_of(&p, 3) | 0x7, "x86_64: PML4E = addr | P|RW|US (Table 4-15)");
	TAP_EQ(swmmu_unmap(&as, va, 4096, 0, NULL, NULL), 0, "x86_64: unmap 4K");

	/* Table 4-20: read-only, supervisor, XD(63), G(8). */
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_G), 0, "x86_64: map r g");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x1 | 0x100 | (1ULL << 63), "x86_64: 4K r,g = P|G|XD");
	swmmu_unmap(&as, va, 4096, 0, NULL, NULL);

	/* §4.9.2 + Linux PAT (idx 7 = WT): 4K PTE PAT is bit 7; PCD(4) PWT(3). */
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_MT(SWMMU_MT_WT)), 0,
	       "x86_64: map WT 4K");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x1 | 0x80 | 0x10 | 0x8 | (1ULL << 63), "x86_64: 4K WT = PAT(7)|PCD|PWT");
	swmmu_unmap(&as, va, 4096, 0, NULL, NULL);
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_X |
			 SWMMU_PROT_MT(SWMMU_MT_DEVICE)), 0, "x86_64: map device 4K");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x1 | 0x10 | 0x8, "x86_64: 4K device (UC, PAT idx 3) = PCD|PWT");
	swmmu_unmap(&as, va, 4096, 0, NULL, NULL);

	/* Table 4-18: 2M leaf: PS(7) = 1, PAT at bit 12, addr[51:21]. */
	va = 0x40000000ULL;
	pa = 0x80200000ULL;
	TAP_EQ(swmmu_map_ext(&as, va, pa, 2 << 20, SWMMU_PROT_R | SWMMU_PROT_W |
			     SWMMU_PROT_MT(SWMMU_MT_WT), &o2m), 0, "x86_64: map 2M WT");
	get_path(&as, va, &p);
	TAP_EQ(p.kind[1], SWMMU_ITEM_LEAF, "x86_64: 2M leaf at level 1");
	TAP_EQ(p.pte[1], pa | 0x1 | 0x2 | 0x80 | 0x1000 | 0x18 | (1ULL << 63),
	       "x86_64: 2M WT = P|RW|PS|PAT(12)|PCD|PWT|XD (Table 4-18)");
	/* Table 4-16: 1G leaf. */
	TAP_EQ(swmmu_map(&as, 0x80000000ULL, 0xc0000000ULL, 1 << 30, SWMMU_PROT_R | SWMMU_PROT_X),
	       0, "x86_64: map 1G automatic");
	get_path(&as, 0x80000000ULL, &p);
	TAP_EQ(p.kind[2], SWMMU_ITEM_LEAF, "x86_64: automatic size chose a 1G leaf");
	TAP_EQ(p.pte[2], 0xc0000000ULL | 0x81, "x86_64: 1G leaf = addr | P|PS (Table 4-16)");

	/* §4.5.4 canonical addresses: upper half indexes PML4 slot 256.. */
	va = 0xffff800000000000ULL;
	TAP_EQ(swmmu_map(&as, va, 0x1000, 4096, SWMMU_PROT_R), 0, "x86_64: map canonical upper half");
	get_path(&as, va, &p);
	TAP_EQ(p.idx[3], 256, "x86_64: 0xffff800000000000 uses PML4 index 256");
	TAP_EQ(swmmu_map(&as, 0x0000800000000000ULL, 0x1000, 4096, SWMMU_PROT_R), -ERANGE,
	       "x86_64: non-canonical VA -> ERANGE");
	TAP_EQ(swmmu_map(&as, 0, 1ULL << 52, 4096, SWMMU_PROT_R), -ERANGE,
	       "x86_64: PA beyond 52 bits -> ERANGE");
	TAP_EQ(swmmu_map(&as, 0x5000, 0x1000, 4096, SWMMU_PROT_W), -EOPNOTSUPP,
	       "x86_64: write-only is inexpressible -> EOPNOTSUPP");
	TAP_EQ(swmmu_map(&as, 0x5000, 0x1000, 4096, SWMMU_PROT_NULL), -EOPNOTSUPP,
	       "x86_64: no null/sparse entries -> EOPNOTSUPP");
	TAP_EQ(swmmu_map(&as, 0x5000, 0x1000, 4096, SWMMU_PROT_R | SWMMU_PROT_NULL), -EINVAL,
	       "x86_64: NULL combined with permissions -> EINVAL");
	TAP_EQ(swmmu_map(&as, 0x5000, 0x1000, 4096, SWMMU_PROT_R | 0x80), -EINVAL,
	       "x86_64: unknown prot bit -> EINVAL");
	swmmu_as_destroy(&as);
}

static void test_la57(void)
{
	const struct swmmu_format *f = swmmu_format_find("x86_64-la57");
	struct swmmu_as as;
	struct path p;
	u64 va = 0x00ff123456789000ULL;

	TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "la57: create");
	TAP_EQ(swmmu_map(&as, va, 0x2000, 4096, SWMMU_PROT_R | SWMMU_PROT_W), 0, "la57: map");
	get_path(&as, va, &p);
	/* SDM §4.5.1: PML5 index = VA[56:48] (Table 4-14 entry = addr | P|RW|US). */
	TAP_EQ(p.idx[4], (va >> 48) & 511, "la57: PML5 index = VA[56:48]");
	TAP_EQ(p.pte[4], child_of(&p, 4) | 0x7, "la57: PML5E = addr | P|RW|US (Table 4-14)");
	TAP_EQ(p.pte[0], 0x2000 | 0x3 | (1ULL << 63), "la57: PTE = addr | P|RW|XD");
	TAP_EQ(swmmu_map(&as, 0xff00000000000000ULL, 0x2000, 4096, SWMMU_PROT_R), 0,
	       "la57: canonical upper half at bit 56");
	TAP_EQ(swmmu_map(&as, 0x0100000000000000ULL, 0x2000, 4096, SWMMU_PROT_R), -ERANGE,
	       "la57: bit 56 set without sign extension -> ERANGE");
	swmmu_as_destroy(&as);
}

static void test_aarch64(void)
{
	const struct swmmu_format *f = swmmu_format_find("aarch64-4k");
	struct swmmu_map_opts o64k = { .pgsize = 64 << 10 };
	struct swmmu_as as;
	struct path p;
	u64 va = 0x0000123456789000ULL, pa = 0x0000abcdef012000ULL;
	unsigned int i;
	bool all = true;

	TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "aarch64-4k: create");
	/*
	 * Arm ARM D8.3.1 page descriptor: bits[1:0] = 0b11, OA[47:12]; D8.3.2: AttrIndx[4:2] = 0
	 * (WB), SH[9:8] = 0b11, AF(10) = 1, AP[2:1] = 0b01 (RW, EL0), nG(11) = 1 (not global),
	 * PXN(53)/UXN(54) clear (executable).
	 */
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X |
			 SWMMU_PROT_U), 0, "aarch64-4k: map 4K rwxu");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x3 | 0x300 | 0x400 | 0x40 | 0x800,
	       "aarch64-4k: page = OA|0b11|SH=IS|AF|AP[1]|nG (D8.3.1, D8.3.2)");
	TAP_EQ(p.idx[3], (va >> 39) & 511, "aarch64-4k: level 0 index = VA[47:39]");
	/* D8.3.1 table descriptor: 0b11 | next-level table address; no hierarchical limits. */
	TAP_EQ(p.pte[1], child_of(&p, 1) | 0x3, "aarch64-4k: table descriptor = addr | 0b11");
	swmmu_unmap(&as, va, 4096, 0, NULL, NULL);
	/* Read-only (AP[2] = 1), execute-never (UXN|PXN), global (nG = 0), device (AttrIndx 3). */
	TAP_EQ(swmmu_map(&as, va, pa, 4096, SWMMU_PROT_R | SWMMU_PROT_G |
			 SWMMU_PROT_MT(SWMMU_MT_DEVICE)), 0, "aarch64-4k: map r g device");
	get_path(&as, va, &p);
	TAP_EQ(p.pte[0], pa | 0x3 | 0xc | 0x400 | 0x80 | (1ULL << 53) | (1ULL << 54),
	       "aarch64-4k: device RO XN page = 0b11|AttrIndx=3|AF|AP[2]|PXN|UXN");
	swmmu_unmap(&as, va, 4096, 0, NULL, NULL);
	/* D8.3.1 block descriptor at level 2 (2M): bits[1:0] = 0b01, OA[47:21]. */
	TAP_EQ(swmmu_map(&as, 0x40200000ULL, 0x80400000ULL, 2 << 20, SWMMU_PROT_R | SWMMU_PROT_W |
			 SWMMU_PROT_X | SWMMU_PROT_G), 0, "aarch64-4k: map 2M");
	get_path(&as, 0x40200000ULL, &p);
	TAP_EQ(p.pte[1], 0x80400000ULL | 0x1 | 0x300 | 0x400, "aarch64-4k: 2M block = OA|0b01|SH|AF");
	/* "The Contiguous bit": 16 aligned pages of one 64K entry, each with its own OA. */
	TAP_EQ(swmmu_map_ext(&as, 0x10000, 0x30000, 64 << 10, SWMMU_PROT_R | SWMMU_PROT_G, &o64k), 0,
	       "aarch64-4k: map 64K contiguous");
	for (i = 0; i < 16; i++) {
		get_path(&as, 0x10000 + i * 4096ULL, &p);
		all &= p.pte[0] == ((0x30000 + i * 4096ULL) | 0x3 | 0x300 | 0x400 | 0x80 |
				    (1ULL << 52) | (3ULL << 53));
	}
	TAP_CHECK(all, "aarch64-4k: 16 items with Contiguous(52) set and consecutive OAs");
	TAP_EQ(swmmu_map(&as, 1ULL << 48, 0, 4096, SWMMU_PROT_R), -ERANGE,
	       "aarch64-4k: VA beyond 48 bits -> ERANGE (no sign extension for TTBR0)");
	TAP_EQ(swmmu_map(&as, 0x5000, 1ULL << 48, 4096, SWMMU_PROT_R), -ERANGE,
	       "aarch64-4k: OA beyond 48 bits -> ERANGE");
	swmmu_as_destroy(&as);
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 30))
		return 1;
	test_x86_64();
	test_la57();
	test_aarch64();
	TAP_EQ(tm.live, 0, "all tables freed");
	return tap_done();
}
