// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD IOMMU v1 host I/O page table (4 levels, 48-bit IOVA: DTE Mode = 4), as data.
 *
 * AMD I/O Virtualization Technology (IOMMU) Specification, #48882 rev 3.x, §2.2.3 "I/O Page
 * Tables for Host Translations":
 * - PDE and PTE: PR[0] present, A[5] accessed, NextLevel[11:9], address bits[51:12], IR[61] read
 *   and IW[62] write permission. PTE only: D[6] dirty, U[59], FC[60] force coherent.
 * - A PDE's NextLevel is the level of the table it points at (1..6), so it differs per level.
 *   NextLevel = 0 in an entry of level n (n > 1) makes it a PTE for the level's natural page size
 *   (2M, 1G); NextLevel = 7 makes it a PTE whose page size is encoded in the address: with the
 *   4K granule, a run of ones starting at address bit 12 ends below the size bit, e.g. 8K: bit
 *   12 = 0, 16K: bits[13:12] = 0b01, 64K: bits[15:12] = 0b0111 ("Table 14: Example Page Size
 *   Encodings"). Every 4K-or-larger item the page covers holds the same PTE. Every power of two
 *   from 4K is a page size, except 512G (a hardware erratum noted by Linux generic_pt amdv1.h),
 *   and the top level holds no PTEs ("Table 15: Page Table Level Parameters").
 * - IR/IW in a PDE restrict everything below it (they are ANDed along the walk).
 * There is no execute permission, no user/supervisor and no global bit. FC is set in every PTE
 * (coherent DMA, as Linux does), so the only memory type is write-back.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define AMD_PR		SWMMU_B(0)
#define AMD_A		SWMMU_B(5)
#define AMD_D		SWMMU_B(6)
#define AMD_NL(n)	((u64)(n) << 9)
#define AMD_FC		SWMMU_B(60)
#define AMD_IR		SWMMU_B(61)
#define AMD_IW		SWMMU_B(62)

/* Contiguous (NextLevel = 7) entries of 2..256 items: 8K..512K, 4M..512M, 2G..256G. */
#define AMD_CONTIG	0x1feu

/* Level 0: PTEs only. */
#define AMD_LEVEL_PTE {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF, .contig = AMD_CONTIG,			\
	.leaf_mask = AMD_PR | AMD_NL(7), .leaf_val = AMD_PR | AMD_NL(0),	\
}

/* Levels 1 and 2: PDEs pointing at level n - 1 (NextLevel = n), or PTEs. */
#define AMD_LEVEL_PDE(s, n) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE, .contig = AMD_CONTIG,	\
	.leaf_mask = AMD_PR | AMD_NL(7), .leaf_val = AMD_PR | AMD_NL(0),	\
	.table_mask = AMD_PR | AMD_NL(7), .table_val = AMD_PR | AMD_NL(n),	\
}

/* Level 3 (root): PDEs only. */
#define AMD_LEVEL_TOP(s, n) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = AMD_PR | AMD_NL(7), .table_val = AMD_PR | AMD_NL(n),	\
}

static const struct swmmu_pt_ops amd_v1_ops;

const struct swmmu_format swmmu_fmt_amd_v1 = {
	.name = "amd-v1",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 52,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 40,
	.contig_kind = SWMMU_CONTIG_NAPOT_ONES,
	.contig_mask = AMD_NL(7), .contig_val = AMD_NL(7),
	.mt_valid = 1u << SWMMU_MT_WB,
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W,
	.present = AMD_PR,
	.leaf_set = AMD_FC,
	.accessed = AMD_A,
	.dirty = AMD_D,
	.leaf_perm = {
		.set = { [SWMMU_PI_R] = AMD_IR, [SWMMU_PI_W] = AMD_IW },
	},
	.table_perm = {
		.set = { [SWMMU_PI_R] = AMD_IR, [SWMMU_PI_W] = AMD_IW },
		.implied = SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		AMD_LEVEL_PTE,
		AMD_LEVEL_PDE(21, 1),
		AMD_LEVEL_PDE(30, 2),
		AMD_LEVEL_TOP(39, 3),
	},
	.ops = &amd_v1_ops,
};

SWMMU_ENGINE_INSTANCE(static, amd_v1_ops, &swmmu_fmt_amd_v1);
