// SPDX-License-Identifier: GPL-2.0-only
/*
 * LoongArch64 page tables, 4K pages, 4 levels, 48-bit virtual addresses, as data.
 *
 * LoongArch Reference Manual Volume 1 (v1.10):
 * - §5.4 "Page Table Mapping Storage Management": the TLB entry (and so the page table entry the
 *   software walker loads into it) holds V[0] valid, D[1] dirty (a store to a page with D = 0
 *   takes a page-modify exception, so D is the hardware write permission), PLV[3:2] privilege
 *   level, MAT[5:4] memory access type (0 SUC strongly-ordered uncached, 1 CC coherent cached,
 *   2 WUC weakly-ordered uncached), G[6] global, PPN[PALEN-1:12], NR[61] no read, NX[62] no
 *   execute, RPLV[63] restricted privilege level.
 * - The page walk instructions LDDIR / LDPTE (Vol. 1, privileged instructions; used by the TLB
 *   refill handler, §5.4 "TLB refill exception"): a directory entry holds only the
 *   base address of the next-level table (no flag bits); a directory entry with bit 6 set is a
 *   huge page (H), whose global bit then moves to bit 12 (HG), below its page size.
 * Linux (arch/loongarch/include/asm/pgtable-bits.h) adds software bits the walker ignores: P[7]
 * present and W[8] writable, set with V and with D respectively (PAGE_KERNEL, __WRITEABLE).
 *
 * How this is expressed:
 * - Directory entries: SWMMU_FMT_TABLE_ADDR (a table entry is any item with H = 0 and a non-zero
 *   address; zero is a hole, where Linux points at invalid_pmd_table). No table permissions.
 * - Leaves: every leaf has V and P; R is "NR clear", X "NX clear", W sets D and W, U sets
 *   PLV = 3 (kernel pages PLV 0), G is bit 6 in a 4K leaf and bit 12 (HG) in a huge leaf, so
 *   levels 1 and 2 carry their own permission encoding (SWMMU_LVL_OWN_PERM). RPLV is not
 *   modelled and always written as 0.
 * - Huge pages: 2M (level 1) and 1G (level 2) leaves with H = 1; none at the top level.
 * - Memory types: CC = write-back, WUC = non-cacheable (UC), SUC = device; no write-through.
 * - VA[63:48] must equal VA[47] (the low half walks PGDL, the high half PGDH; one root here).
 * There is no hardware accessed bit and D is a permission, so neither is reported as A/D.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define LA_V		SWMMU_B(0)
#define LA_D		SWMMU_B(1)
#define LA_PLV3		(SWMMU_B(2) | SWMMU_B(3))
#define LA_MAT(m)	((u64)(m) << 4)
#define LA_G		SWMMU_B(6)
#define LA_H		SWMMU_B(6)
#define LA_P		SWMMU_B(7)
#define LA_W		SWMMU_B(8)
#define LA_HG		SWMMU_B(12)
#define LA_NR		SWMMU_B(61)
#define LA_NX		SWMMU_B(62)

#define LA_MT {								\
	[SWMMU_MT_WB] = LA_MAT(1),					\
	[SWMMU_MT_UC] = LA_MAT(2),					\
	[SWMMU_MT_DEVICE] = LA_MAT(0),					\
}

/* Leaf permissions with the global bit at @g. */
#define LA_PERM(g) {							\
	.set = {							\
		[SWMMU_PI_W] = LA_D | LA_W, [SWMMU_PI_U] = LA_PLV3,	\
		[SWMMU_PI_G] = (g),					\
	},								\
	.clr = { [SWMMU_PI_R] = LA_NR, [SWMMU_PI_X] = LA_NX },		\
}

/* Level 0: PTEs, every valid entry is a 4K page. */
#define LA_LEVEL_PTE {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF,					\
	.mt_mask = LA_MAT(3), .mt = LA_MT,				\
}

/* Levels 1 and 2: directory entries (address only, H = 0) or huge pages (H = 1). */
#define LA_LEVEL_DIR(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE | SWMMU_LVL_OWN_PERM,	\
	.leaf_mask = LA_H, .leaf_val = LA_H,				\
	.table_mask = LA_H, .table_val = 0,				\
	.mt_mask = LA_MAT(3), .mt = LA_MT,				\
	.leaf_perm = LA_PERM(LA_HG),					\
}

/* Level 3: directory entries only. */
#define LA_LEVEL_TOP(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = LA_H, .table_val = 0,				\
}

static const struct swmmu_pt_ops loongarch64_ops;

const struct swmmu_format swmmu_fmt_loongarch64 = {
	.name = "loongarch64",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 48,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 36,
	.flags = SWMMU_FMT_SIGN_EXTEND | SWMMU_FMT_TABLE_ADDR,
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC) | (1u << SWMMU_MT_DEVICE),
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X,
	.present = LA_V,
	.leaf_set = LA_V | LA_P,
	.leaf_perm = LA_PERM(LA_G),
	.table_perm = {
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		LA_LEVEL_PTE,
		LA_LEVEL_DIR(21),
		LA_LEVEL_DIR(30),
		LA_LEVEL_TOP(39),
	},
	.ops = &loongarch64_ops,
};

SWMMU_ENGINE_INSTANCE(static, loongarch64_ops, &swmmu_fmt_loongarch64);
