// SPDX-License-Identifier: GPL-2.0-only
/*
 * NVIDIA GPU MMU, Pascal and later ("version 2" page tables, GP100 .. TU102): PD3 -> PD2 -> PD1
 * -> PD0 -> PT, 49-bit GPU virtual addresses, as data.
 *
 * Public sources: NVIDIA open-gpu-doc "Pascal MMU format" (pascal/gp100-mmu-format.pdf) and the
 * NV_MMU_VER2_* fields of dev_mmu.h (hwref/pascal/gp100); Linux nouveau
 * nvkm/subdev/mmu/vmmgp100.c (gp100_vmm_desc_12/16, gp100_vmm_pde(), gp100_vmm_pd0_*(),
 * gp100_vmm_valid(), *_sparse(), gp100_vmm_lpt_invalid()).
 * - VA: PD3 [48:47] (4 entries), PD2 [46:38], PD1 [37:29], PD0 [28:21], then a big-page table
 *   [20:16] (32 entries, 64 KiB pages, 256 bytes) and a small-page table [20:12] (512 entries,
 *   4 KiB pages). PD0 items are 16 bytes, every other item 8 bytes.
 * - PTE (NV_MMU_VER2_PTE_*): VALID[0], APERTURE[2:1] (0 video memory, 1 peer, 2 system
 *   coherent, 3 system non-coherent), VOL[3], ENCRYPTED[4], PRIVILEGE[5], READ_ONLY[6],
 *   ATOMIC_DISABLE[7], ADDRESS_SYS[53:8] = address >> 12, KIND[63:56].
 * - PDE (NV_MMU_VER2_PDE_*): IS_PTE[0] = 0, APERTURE[2:1] (0 invalid, 1 video, 2 system
 *   coherent, 3 system non-coherent), VOL[3], NO_ATS[5], ADDRESS_SYS[53:8] = address >> 12.
 * - Dual PDE of PD0 (NV_MMU_VER2_DUAL_PDE_*): bits 63:0 point at the big-page table with
 *   APERTURE_BIG[2:1], VOL_BIG[3] and ADDRESS_BIG_SYS[53:4] = address >> 8 (ADDRESS_BIG_SHIFT
 *   is 8: the 256-byte table is 256-byte aligned); bits 127:64 point at the small-page table
 *   with APERTURE_SMALL[66:65], VOL_SMALL[67], ADDRESS_SMALL_SYS[117:72] = address >> 12.
 *   With IS_PTE[0] set, bits 63:0 are a PTE of a 2 MiB page instead.
 * - The big-page PTE decides: a valid or sparse big PTE maps its 64 KiB; a zero big PTE defers
 *   to the 16 small PTEs below it; an invalid big PTE with PRIVILEGE set hides them (nouveau
 *   gp100_vmm_lpt_invalid(), "VALID_FALSE + PRIV tells the MMU to ignore corresponding SPTEs").
 *   That is swmmu's dual directory (SWMMU_LVL_DUAL): level 2 is PD0, level 1 the big-page table,
 *   level 0 the small-page table.
 * - Sparse: VALID = 0 with VOL = 1 (nouveau gp100_vmm_pgt_sparse(), gp100_vmm_pd0_sparse():
 *   "VALID_FALSE + VOL tells the MMU to treat the PTE as sparse"); reads return zero and writes
 *   are dropped. swmmu writes sparse entries at PT, big PT and PD0 (2 MiB).
 *
 * How swmmu uses it:
 * - All output addresses and tables are system memory (DMA addresses): a PDE is written with
 *   APERTURE = system coherent and VOL = 1 (as nouveau does for host-memory tables). The address
 *   field is described once as entry bits [53:4] holding address bits [57:8]; for 4 KiB aligned
 *   tables and pages bits [7:4] stay zero, so it is ADDRESS_SYS at [53:8] as well.
 * - Memory types: write-back = system coherent, cached (VOL = 0); non-cacheable = system
 *   coherent, VOL = 1; device = system non-coherent, VOL = 1. Video and peer memory apertures
 *   are not produced (they decode as write-back).
 * - Permissions: every valid PTE is readable; W clear sets READ_ONLY; U clear sets PRIVILEGE
 *   (privileged-only access). The page tables have no execute or global permission (as gpu-xe,
 *   X and G are not expressible). ATOMIC_DISABLE, ENCRYPTED, KIND (0: pitch) and compression
 *   tags stay zero (atomics allowed).
 * - Pascal has no valid PTEs at PD1..PD3 (nouveau: page shifts 29..47 are sparse-only), so those
 *   levels hold tables only; sparse PD1..PD3 entries are not modelled.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define NV_VALID	SWMMU_B(0)		/* PTE VALID, PDE IS_PTE */
#define NV_APER(a)	((u64)(a) << 1)		/* APERTURE[2:1] */
#define NV_APER_MASK	NV_APER(3)
#define NV_VOL		SWMMU_B(3)
#define NV_PRIV		SWMMU_B(5)
#define NV_RO		SWMMU_B(6)

#define NV_PTE_SYS_COH		NV_APER(2)
#define NV_PTE_SYS_NONCOH	NV_APER(3)
#define NV_PDE_SYS_COH		NV_APER(2)

#define NV_MT {								\
	[SWMMU_MT_WB] = NV_PTE_SYS_COH,					\
	[SWMMU_MT_UC] = NV_PTE_SYS_COH | NV_VOL,			\
	[SWMMU_MT_DEVICE] = NV_PTE_SYS_NONCOH | NV_VOL,			\
}
#define NV_MT_MASK	(NV_APER_MASK | NV_VOL)

/* Leaf levels: PT (4K), big PT (64K). */
#define NV_LEVEL_PT(s, b, a) {						\
	.shift = (s), .index_bits = (b), .table_align_lg2 = (a),	\
	.flags = SWMMU_LVL_LEAF,					\
	.leaf_mask = NV_VALID, .leaf_val = NV_VALID,			\
	.mt_mask = NV_MT_MASK, .mt = NV_MT,				\
}

/* PD1..PD3: PDEs only. */
#define NV_LEVEL_PD(s, b) {						\
	.shift = (s), .index_bits = (b), .table_align_lg2 = 12,	\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = NV_VALID | NV_APER_MASK, .table_val = NV_PDE_SYS_COH,	\
}

static const struct swmmu_pt_ops nv_gp100_ops;

const struct swmmu_format swmmu_fmt_nv_gp100 = {
	.name = "nv-gp100",
	.nr_levels = 6,
	.entry_lg2 = 3,
	.va_bits = 49,
	.oa_bits = 58,
	.oa_lo = 8, .oa_pte_lo = 4, .oa_width = 50,
	.flags = SWMMU_FMT_LEVEL_ENTRY,
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC) | (1u << SWMMU_MT_DEVICE),
	.need_any = SWMMU_PROT_R,
	/* PRIVILEGE alone makes a big PTE "invalid, hide the small PTEs": occupied. */
	.present = NV_VALID | NV_APER_MASK | NV_PRIV,
	.table_set = NV_VOL,
	.null_mask = NV_VALID | NV_APER_MASK | NV_VOL, .null_val = NV_VOL,
	.leaf_perm = {
		.clr = { [SWMMU_PI_W] = NV_RO, [SWMMU_PI_U] = NV_PRIV },
		.implied = SWMMU_PROT_R,
	},
	.table_perm = {
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		NV_LEVEL_PT(12, 9, 12),
		NV_LEVEL_PT(16, 5, 8),
		{
			/* PD0: dual PDE (big | small page table) or a 2M PTE, 16 bytes. */
			.shift = 21, .index_bits = 8, .table_align_lg2 = 12, .entry_lg2 = 4,
			.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE | SWMMU_LVL_DUAL,
			.leaf_mask = NV_VALID, .leaf_val = NV_VALID,
			.table_mask = NV_VALID | NV_APER_MASK, .table_val = NV_PDE_SYS_COH,
			.mt_mask = NV_MT_MASK, .mt = NV_MT,
		},
		NV_LEVEL_PD(29, 9),
		NV_LEVEL_PD(38, 9),
		NV_LEVEL_PD(47, 2),
	},
	.ops = &nv_gp100_ops,
};

SWMMU_ENGINE_INSTANCE(static, nv_gp100_ops, &swmmu_fmt_nv_gp100);
