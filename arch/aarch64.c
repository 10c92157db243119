// SPDX-License-Identifier: GPL-2.0-only
/*
 * AArch64 VMSAv8-64 stage 1, 4K granule, 48-bit input addresses (TTBR0 region, T0SZ = 16), as data.
 * Descriptor bits and the MAIR layout: arch/aarch64.h.
 *
 * Arm ARM (DDI 0487J.a) §D8.3 "Translation table descriptor formats": §D8.3.1 table descriptor
 * (bits[1:0] = 0b11 at levels 0-2, next-level table address bits[47:12]), block descriptor
 * (bits[1:0] = 0b01 at levels 1-2: 1G and 2M), page descriptor (bits[1:0] = 0b11 at level 3);
 * §D8.3.2 attributes; "The Contiguous bit": 16 entries at levels 3 and 2 (64K, 32M).
 * swmmu level 0 is Arm level 3. AF is set by map (no hardware access flag management is
 * assumed); there is no dirty state.
 */
#include "aarch64.h"
#include "swmmu_engine.h"

const struct swmmu_format swmmu_fmt_aarch64_4k = {
	.name = "aarch64-4k",
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 48,
	.oa_lo = 12,
	.oa_pte_lo = 12,
	.oa_width = 36,
	.contig_kind = SWMMU_CONTIG_HINT,
	.contig_mask = ARM_CONT,
	.contig_val = ARM_CONT,
	.flags = SWMMU_FMT_A_ON_MAP | SWMMU_FMT_BBM | SWMMU_FMT_AD_OPTIONAL,
	.mt_valid = 0xf,
	.need_any = SWMMU_PROT_R,
	.present = ARM_VALID,
	.accessed = ARM_AF,
	.leaf_perm = ARM_S1_LEAF_PERM,
	.table_perm = ARM_S1_TABLE_PERM,
	.level = {
		ARM_LVL_PAGE(12, 9, 12, 1u << 4, ARM_MT_MASK, ARM_MT),
		ARM_LVL_BLOCK(21, 9, 12, 1u << 4, ARM_MT_MASK, ARM_MT),
		ARM_LVL_BLOCK(30, 9, 12, 0, ARM_MT_MASK, ARM_MT),
		ARM_LVL_TABLE(39, 9, 12),
	},
	.ops = &swmmu_aarch64_4k_ops,
};

SWMMU_ENGINE_INSTANCE(, swmmu_aarch64_4k_ops, &swmmu_fmt_aarch64_4k);
