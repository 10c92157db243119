// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD GPU VM (GMC v9, "Vega10" layout): PDB2 -> PDB1 -> PDB0 -> PTB, 9 index bits each, 48-bit
 * GPU virtual addresses, as data.
 *
 * Public sources: Linux drivers/gpu/drm/amd/amdgpu/amdgpu_vm.h (AMDGPU_PTE_* / AMDGPU_PDE_*
 * bits), amdgpu_vm_pt.c (page table walk, huge pages, fragments), gmc_v9_0.c
 * (gmc_v9_0_get_vm_pde(), gmc_v9_0_get_vm_pte(): PRT) and vega10_enum.h (MTYPE values):
 * - VALID[0], SYSTEM[1] (system memory, as every swmmu output address is), SNOOPED[2],
 *   EXECUTABLE[4], READABLE[5], WRITEABLE[6], FRAG[11:7], address bits[47:12],
 *   MTYPE[58:57] (0 NC, 1 WC, 2 CC, 3 UC).
 * - A PDE is the table address with VALID. PDE_PTE[54] in a PDB0 or PDB1 entry makes it a
 *   2M or 1G leaf ("PDE-as-PTE"); PDB2 holds table entries only.
 * - FRAG = f tells the TLB that the naturally aligned 2^(12 + f) bytes around the page are
 *   contiguous with identical attributes, so it caches one entry; each PTE keeps its own
 *   address. swmmu uses fragments of 2..256 items at the PTB and PDB0 levels.
 * - A PRT (partially resident texture) entry has PRT[51] set and VALID clear: reads return zero
 *   and writes are dropped.
 * Memory types: write-back is snooped MTYPE_NC (cached, coherent through the snoop), non-cacheable
 * is MTYPE_WC, device is MTYPE_UC; there is no write-through.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define AGPU_VALID	SWMMU_B(0)
#define AGPU_SYSTEM	SWMMU_B(1)
#define AGPU_SNOOPED	SWMMU_B(2)
#define AGPU_EXEC	SWMMU_B(4)
#define AGPU_READ	SWMMU_B(5)
#define AGPU_WRITE	SWMMU_B(6)
#define AGPU_FRAG_MASK	(0x1fULL << 7)
#define AGPU_PRT	SWMMU_B(51)
#define AGPU_PDE_PTE	SWMMU_B(54)
#define AGPU_MTYPE(m)	((u64)(m) << 57)

#define AGPU_MT {							\
	[SWMMU_MT_WB] = AGPU_MTYPE(0) | AGPU_SNOOPED,			\
	[SWMMU_MT_UC] = AGPU_MTYPE(1),					\
	[SWMMU_MT_DEVICE] = AGPU_MTYPE(3),				\
}
#define AGPU_MT_MASK	(AGPU_MTYPE(3) | AGPU_SNOOPED)

/* Fragments of 2..256 items. */
#define AGPU_FRAGS	0x1feu

/* Level 0: PTB entries. */
#define AGPU_LEVEL_PTB {						\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF, .contig = AGPU_FRAGS,			\
	.leaf_mask = AGPU_VALID | AGPU_PDE_PTE, .leaf_val = AGPU_VALID,	\
	.mt_mask = AGPU_MT_MASK, .mt = AGPU_MT,				\
}

/* PDB0 and PDB1: PDEs, or PDE-as-PTE leaves. */
#define AGPU_LEVEL_PDB(s, c) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE, .contig = (c),	\
	.leaf_mask = AGPU_VALID | AGPU_PDE_PTE,				\
	.leaf_val = AGPU_VALID | AGPU_PDE_PTE,				\
	.table_mask = AGPU_VALID | AGPU_PDE_PTE, .table_val = AGPU_VALID,	\
	.mt_mask = AGPU_MT_MASK, .mt = AGPU_MT,				\
}

/* PDB2: PDEs only. */
#define AGPU_LEVEL_TOP(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = AGPU_VALID | AGPU_PDE_PTE, .table_val = AGPU_VALID,	\
}

static const struct swmmu_pt_ops gpu_amd_ops;

const struct swmmu_format swmmu_fmt_gpu_amd = {
	.name = "gpu-amd",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 48,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 36,
	.contig_kind = SWMMU_CONTIG_FRAGMENT, .contig_mask = AGPU_FRAG_MASK,
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC) | (1u << SWMMU_MT_DEVICE),
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X,
	.present = AGPU_VALID,
	.leaf_set = AGPU_SYSTEM,
	.null_mask = AGPU_VALID | AGPU_PRT, .null_val = AGPU_PRT,
	.leaf_perm = {
		.set = {
			[SWMMU_PI_R] = AGPU_READ, [SWMMU_PI_W] = AGPU_WRITE,
			[SWMMU_PI_X] = AGPU_EXEC,
		},
	},
	.table_perm = {
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		AGPU_LEVEL_PTB,
		AGPU_LEVEL_PDB(21, AGPU_FRAGS),
		AGPU_LEVEL_PDB(30, 0),
		AGPU_LEVEL_TOP(39),
	},
	.ops = &gpu_amd_ops,
};

SWMMU_ENGINE_INSTANCE(static, gpu_amd_ops, &swmmu_fmt_gpu_amd);
