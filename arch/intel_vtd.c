// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel VT-d second-stage (second-level) paging, as data: 4 levels with 48-bit input addresses
 * ("vtd-ss", AGAW 48), 3 levels with 39 bits ("vtd-ss-39", AGAW 39) and 5 levels with 57 bits
 * ("vtd-ss-57", AGAW 57; §3.7: the context entry's AW field selects 3-, 4- or 5-level tables).
 *
 * Intel Virtualization Technology for Directed I/O Architecture Specification (rev 4.x),
 * §3.7 "Second-Stage Translation" and §9.8 "Second-Stage Paging Entries":
 * - Every entry: R[0] read, W[1] write, A[8] accessed (when second-stage A/D is enabled),
 *   address bits[51:12] (up to the host address width). There is no present bit: an entry is
 *   not present when R and W are both 0, so a leaf must grant read or write.
 * - SS-PDPE and SS-PDE: PS[7] = 1 makes the entry a 1G or 2M page (SLLPS capability), else it
 *   references the next table. SS-PML4E: PS reserved.
 * - Leaves: D[9] dirty, SNP[11] snoop (the access snoops processor caches).
 * - R and W of non-leaf entries restrict the pages below: R is always set in table entries (an
 *   entry with neither is not present), W follows the table permissions (set by default, as
 *   Linux does).
 * Execute permission is not modelled (bit 2 is left clear, as Linux and generic_pt vtdss.h do;
 * execute-requested DMA is not supported), so a request for it fails.
 * Memory types: SNP = 1 is coherent write-back memory, SNP = 0 a non-snooped (non-cacheable)
 * access; the EMT/IPAT fields are not used.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define VTD_R		SWMMU_B(0)
#define VTD_W		SWMMU_B(1)
#define VTD_PS		SWMMU_B(7)
#define VTD_A		SWMMU_B(8)
#define VTD_D		SWMMU_B(9)
#define VTD_SNP		SWMMU_B(11)

#define VTD_MT {							\
	[SWMMU_MT_WB] = VTD_SNP,					\
	[SWMMU_MT_UC] = 0,						\
}

/* Level 0: SS-PTE, every present entry is a 4K page. */
#define VTD_LEVEL_PTE {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF,					\
	.mt_mask = VTD_SNP, .mt = VTD_MT,				\
}

/* Levels 1 and 2: SS-PDE / SS-PDPE, PS selects a 2M / 1G page. */
#define VTD_LEVEL_PS(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE,			\
	.leaf_mask = VTD_PS, .leaf_val = VTD_PS,			\
	.table_mask = VTD_PS, .table_val = 0,				\
	.mt_mask = VTD_SNP, .mt = VTD_MT,				\
}

/* Level 3: SS-PML4E (and level 4: SS-PML5E), PS reserved. */
#define VTD_LEVEL_TOP(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = VTD_PS, .table_val = 0,				\
}

#define VTD_COMMON							\
	.entry_lg2 = 3,							\
	.oa_bits = 52,							\
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 40,			\
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC),		\
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W,			\
	.present = VTD_R | VTD_W,					\
	.table_set = VTD_R,						\
	.accessed = VTD_A,						\
	.dirty = VTD_D,							\
	.leaf_perm = {							\
		.set = { [SWMMU_PI_R] = VTD_R, [SWMMU_PI_W] = VTD_W },	\
	},								\
	.table_perm = {							\
		.set = { [SWMMU_PI_W] = VTD_W },			\
		.implied = SWMMU_PROT_R | SWMMU_PROT_X | SWMMU_PROT_U,	\
	}

/* One engine instance for the three AGAWs: the hot paths take the VA width from the AS. */
static const struct swmmu_pt_ops vtd_ss_ops;

const struct swmmu_format swmmu_fmt_vtd_ss = {
	.name = "vtd-ss",
	.nr_levels = 4,
	.va_bits = 48,
	VTD_COMMON,
	.level = {
		VTD_LEVEL_PTE,
		VTD_LEVEL_PS(21),
		VTD_LEVEL_PS(30),
		VTD_LEVEL_TOP(39),
	},
	.ops = &vtd_ss_ops,
};

/* AGAW 39: the SS-PDPE table is the root (the 4-level format with its top level dropped). */
const struct swmmu_format swmmu_fmt_vtd_ss_39 = {
	.name = "vtd-ss-39",
	.nr_levels = 3,
	.va_bits = 39,
	VTD_COMMON,
	.level = {
		VTD_LEVEL_PTE,
		VTD_LEVEL_PS(21),
		VTD_LEVEL_PS(30),
	},
	.ops = &vtd_ss_ops,
};

/* AGAW 57: an SS-PML5E table above the SS-PML4E table. */
const struct swmmu_format swmmu_fmt_vtd_ss_57 = {
	.name = "vtd-ss-57",
	.nr_levels = 5,
	.va_bits = 57,
	VTD_COMMON,
	.level = {
		VTD_LEVEL_PTE,
		VTD_LEVEL_PS(21),
		VTD_LEVEL_PS(30),
		VTD_LEVEL_TOP(39),
		VTD_LEVEL_TOP(48),
	},
	.ops = &vtd_ss_ops,
};

SWMMU_ENGINE_INSTANCE(static, vtd_ss_ops, &swmmu_fmt_vtd_ss);
