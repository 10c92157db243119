// SPDX-License-Identifier: GPL-2.0-only
/*
 * AArch64 VMSAv8-64 formats beyond aarch64-4k, as data: the 39-bit 4K stage 1, the 16K and 64K
 * granules (48-bit) and a 4K stage 2 (48-bit IPA). Descriptor bits: arch/aarch64.h.
 *
 * Arm ARM (DDI 0487J.a) chapter D8, "The AArch64 Virtual Memory System Architecture" (chapter D4
 * in issues before H), cited by section title:
 * - "Translation granule" / "Translation process": index bits per granule (4K: 9 per level, 16K:
 *   11 with a 1-bit level 0 at 48 bits, 64K: 13 with a 6-bit level 1 at 48 bits).
 * - "Translation table descriptor formats" (§D8.3): block descriptors are 1G (level 1) and 2M
 *   (level 2) with the 4K granule; 32M (level 2) only with the 16K granule, whose level 1 block
 *   needs FEAT_LPA2 with TCR_ELx.DS = 1 (52-bit OA); 512M (level 2) only with the 64K granule,
 *   whose 4T level 1 block needs FEAT_LPA (52-bit OA). These formats have a 48-bit OA, so those
 *   blocks are not offered. Output and table addresses are bits[47:n], 2^n = granule.
 * - "The Contiguous bit": 4K granule 16 entries at levels 3 and 2 (64K, 32M); 16K granule 128
 *   entries at level 3 (2M) and 32 at level 2 (1G); 64K granule 32 entries at levels 3 and 2
 *   (2M, 16G). Every item of a contiguous run keeps its own output address.
 * - Stage 2: "Stage 2 memory type and Cacheability attributes" (MemAttr[5:2], FEAT_S2FWB off),
 *   "Stage 2 data access permissions" (S2AP[7:6]), "Stage 2 instruction execution permissions"
 *   (XN[54:53]); stage 2 table descriptors carry no hierarchical attributes.
 * swmmu level 0 is Arm level 3. Stage 1 memory types and permissions follow aarch64-4k (MAIR
 * layout in arch/aarch64.h). AF is set by map (no hardware access flag management assumed).
 */
#include "aarch64.h"
#include "swmmu_engine.h"

/* Contiguous runs (§D8.6.1), as a bitmap of lg2(items). */
#define ARM_C16		(1u << 4)
#define ARM_C32		(1u << 5)
#define ARM_C128	(1u << 7)

#define ARM_S1_COMMON							\
	.entry_lg2 = 3, .oa_bits = 48,					\
	.contig_kind = SWMMU_CONTIG_HINT, .contig_mask = ARM_CONT, .contig_val = ARM_CONT,	\
	.flags = SWMMU_FMT_A_ON_MAP | SWMMU_FMT_BBM | SWMMU_FMT_AD_OPTIONAL, .mt_valid = 0xf, .need_any = SWMMU_PROT_R,	\
	.present = ARM_VALID, .accessed = ARM_AF,			\
	.leaf_perm = ARM_S1_LEAF_PERM, .table_perm = ARM_S1_TABLE_PERM

#define ARM_S1_PAGE(s, b, c)	ARM_LVL_PAGE(s, b, s, c, ARM_MT_MASK, ARM_MT)
#define ARM_S1_BLOCK(s, b, g, c) ARM_LVL_BLOCK(s, b, g, c, ARM_MT_MASK, ARM_MT)

static const struct swmmu_pt_ops aarch64_16k_ops;
static const struct swmmu_pt_ops aarch64_64k_ops;
static const struct swmmu_pt_ops aarch64_s2_4k_ops;

/* 4K granule, T0SZ = 25: levels 1-3, 1G/2M blocks, 4K pages. */
const struct swmmu_format swmmu_fmt_aarch64_4k_39 = {
	.name = "aarch64-4k-39",
	.nr_levels = 3,
	.va_bits = 39,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 36,
	ARM_S1_COMMON,
	.level = {
		ARM_S1_PAGE(12, 9, ARM_C16),
		ARM_S1_BLOCK(21, 9, 12, ARM_C16),
		ARM_S1_BLOCK(30, 9, 12, 0),
	},
	.ops = &swmmu_aarch64_4k_ops,	/* the 48-bit format's instance serves 39 bits */
};

/* 16K granule, T0SZ = 16: levels 0-3 (level 0 has 2 entries), 32M blocks, 16K pages. */
const struct swmmu_format swmmu_fmt_aarch64_16k = {
	.name = "aarch64-16k",
	.nr_levels = 4,
	.va_bits = 48,
	.oa_lo = 14, .oa_pte_lo = 14, .oa_width = 34,
	ARM_S1_COMMON,
	.level = {
		ARM_S1_PAGE(14, 11, ARM_C128),
		ARM_S1_BLOCK(25, 11, 14, ARM_C32),
		ARM_LVL_TABLE(36, 11, 14),
		ARM_LVL_TABLE(47, 1, 14),
	},
	.ops = &aarch64_16k_ops,
};

/* 64K granule, T0SZ = 16: levels 1-3 (level 1 has 64 entries), 512M blocks, 64K pages. */
const struct swmmu_format swmmu_fmt_aarch64_64k = {
	.name = "aarch64-64k",
	.nr_levels = 3,
	.va_bits = 48,
	.oa_lo = 16, .oa_pte_lo = 16, .oa_width = 32,
	ARM_S1_COMMON,
	.level = {
		ARM_S1_PAGE(16, 13, ARM_C32),
		ARM_S1_BLOCK(29, 13, 16, ARM_C32),
		ARM_LVL_TABLE(42, 6, 16),
	},
	.ops = &aarch64_64k_ops,
};

/*
 * Stage 2, 4K granule, 48-bit IPA starting at level 0 (VTCR_EL2.SL0 = 2). S2AP grants read and
 * write separately, XN[1] denies execution; there is no EL0/EL1 distinction (no AP[1]) and no
 * ASID tagging (no nG), so U and G cannot be expressed. Execute-only (S2AP = 0b00) is refused.
 */
#define ARM_S2_PAGE(s, b, c)	ARM_LVL_PAGE(s, b, s, c, ARM_S2_MT_MASK, ARM_S2_MT)
#define ARM_S2_BLOCK(s, b, c)	ARM_LVL_BLOCK(s, b, 12, c, ARM_S2_MT_MASK, ARM_S2_MT)

const struct swmmu_format swmmu_fmt_aarch64_s2_4k = {
	.name = "aarch64-s2-4k",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 48,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 36,
	.contig_kind = SWMMU_CONTIG_HINT, .contig_mask = ARM_CONT, .contig_val = ARM_CONT,
	.flags = SWMMU_FMT_A_ON_MAP | SWMMU_FMT_BBM | SWMMU_FMT_AD_OPTIONAL,
	.mt_valid = 0xf,
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W,
	.present = ARM_VALID,
	.accessed = ARM_AF,
	.leaf_perm = {
		.set = { [SWMMU_PI_R] = ARM_S2AP_R, [SWMMU_PI_W] = ARM_S2AP_W },
		.clr = { [SWMMU_PI_X] = ARM_S2_XN },
	},
	.table_perm = {
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		ARM_S2_PAGE(12, 9, ARM_C16),
		ARM_S2_BLOCK(21, 9, ARM_C16),
		ARM_S2_BLOCK(30, 9, 0),
		ARM_LVL_TABLE(39, 9, 12),
	},
	.ops = &aarch64_s2_4k_ops,
};

SWMMU_ENGINE_INSTANCE(static, aarch64_16k_ops, &swmmu_fmt_aarch64_16k);
SWMMU_ENGINE_INSTANCE(static, aarch64_64k_ops, &swmmu_fmt_aarch64_64k);
SWMMU_ENGINE_INSTANCE(static, aarch64_s2_4k_ops, &swmmu_fmt_aarch64_s2_4k);
