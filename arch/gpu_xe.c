// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel Xe GPU per-process GTT (PPGTT), Xe_LP style: 4 levels of 512 8-byte entries, 48-bit
 * GPU virtual addresses, as data.
 *
 * Public sources: Linux drivers/gpu/drm/xe/regs/xe_gtt_defs.h (bit definitions), xe_vm.c
 * (xelp_pte_encode_*(), xelp_pde_encode_bo(), pte_encode_ps()), xe_pt.c (64K and NULL
 * bindings), xe_pat.c (xelp_pat_table) and xe_pt_walk.c:
 * - XE_PAGE_PRESENT[0], XE_PAGE_RW[1] (write enable; reads are always allowed), address
 *   bits[51:12].
 * - 2M and 1G leaves: XE_PDE_PS_2M / XE_PDPE_PS_1G[7] in a PDE / PDPE; the top level (PML4)
 *   holds table entries only. Table entries are PRESENT | RW.
 * - PAT index bits: PAT0[3] and PAT1[4] in every leaf, PAT2 at bit 7 in a 4K PTE and at bit 12
 *   (XE_PPGTT_PDE_PDPE_PAT2) in a 2M/1G leaf. xelp_pat_table: index 0 WB, 1 WC, 2 WT, 3 UC,
 *   which swmmu maps to write-back, non-cacheable (WC), write-through and device (UC).
 * - 64K pages: XE_PTE_PS64[8] set on each of 16 aligned 4K PTEs that map a 64K-aligned,
 *   physically contiguous 64K page (each PTE keeps its own address).
 * - NULL PTE for sparse bindings: XE_PTE_NULL[9] with PRESENT and no backing address; reads
 *   return zero and writes are dropped. It can be a 4K, 2M or 1G leaf.
 * The GPU has no execute, user or global permission in its page tables.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define XE_P		SWMMU_B(0)
#define XE_RW		SWMMU_B(1)
#define XE_PAT0		SWMMU_B(3)
#define XE_PAT1		SWMMU_B(4)
#define XE_PAT2_PTE	SWMMU_B(7)
#define XE_PS		SWMMU_B(7)
#define XE_PS64		SWMMU_B(8)
#define XE_NULL		SWMMU_B(9)
#define XE_PAT2_PDE	SWMMU_B(12)

#define XE_MT {								\
	[SWMMU_MT_WB] = 0,						\
	[SWMMU_MT_UC] = XE_PAT0,					\
	[SWMMU_MT_WT] = XE_PAT1,					\
	[SWMMU_MT_DEVICE] = XE_PAT0 | XE_PAT1,				\
}

/* Level 0: PTEs (4K, or one 16th of a 64K page with PS64). */
#define XE_LEVEL_PTE {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF, .contig = 1u << 4,			\
	.leaf_mask = XE_P, .leaf_val = XE_P,				\
	.mt_mask = XE_PAT0 | XE_PAT1 | XE_PAT2_PTE, .mt = XE_MT,	\
}

/* Levels 1 and 2: PDE / PDPE, PS selects a 2M / 1G leaf. */
#define XE_LEVEL_PS(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE,			\
	.leaf_mask = XE_P | XE_PS, .leaf_val = XE_P | XE_PS,		\
	.table_mask = XE_P | XE_PS, .table_val = XE_P,			\
	.mt_mask = XE_PAT0 | XE_PAT1 | XE_PAT2_PDE, .mt = XE_MT,	\
}

/* Level 3: PML4E. */
#define XE_LEVEL_TOP(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = XE_P | XE_PS, .table_val = XE_P,			\
}

static const struct swmmu_pt_ops gpu_xe_ops;

const struct swmmu_format swmmu_fmt_gpu_xe = {
	.name = "gpu-xe",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 52,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 40,
	.contig_kind = SWMMU_CONTIG_HINT, .contig_mask = XE_PS64, .contig_val = XE_PS64,
	.mt_valid = 0xf,
	.need_any = SWMMU_PROT_R,
	.present = XE_P,
	.null_mask = XE_P | XE_NULL, .null_val = XE_P | XE_NULL,
	.leaf_perm = {
		.set = { [SWMMU_PI_W] = XE_RW },
		.implied = SWMMU_PROT_R,
	},
	.table_perm = {
		.set = { [SWMMU_PI_W] = XE_RW },
		.implied = SWMMU_PROT_R | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		XE_LEVEL_PTE,
		XE_LEVEL_PS(21),
		XE_LEVEL_PS(30),
		XE_LEVEL_TOP(39),
	},
	.ops = &gpu_xe_ops,
};

SWMMU_ENGINE_INSTANCE(static, gpu_xe_ops, &swmmu_fmt_gpu_xe);
