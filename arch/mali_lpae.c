// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Mali GPU "LPAE" MMU format (Midgard/Bifrost, AS_TRANSTAB in LPAE mode), as data.
 *
 * Linux drivers/iommu/io-pgtable-arm.c, format ARM_MALI_LPAE (arm_mali_lpae_alloc_pgtable(),
 * __arm_lpae_init_pte(), iopte_leaf(), arm_lpae_prot_to_pte()), which follows the VMSAv8-64
 * long descriptor layout (Arm ARM DDI 0487J.a §D8.3, bits in arch/aarch64.h) with these
 * differences:
 * - 4K granule only, 48-bit input and 40-bit output addresses; 4K, 2M and 1G pages.
 * - A leaf is type 0b01 at every level, the last level included (Mali has no page descriptor
 *   type 0b11 there); a table is 0b11. A 0b11 entry at the last level is therefore reserved.
 * - Stage-1-style attributes with stage-2-style permissions: bit 6 read, bit 7 write, XN (bits
 *   54:53) when not executable; no user/privileged or global distinction.
 * - No access flag (AF is never set), and shareability is always outer shareable (SH = 0b10),
 *   which is the GPU-external domain on Mali.
 * - Memory attribute indices as programmed by arm_mali_lpae_alloc_pgtable(): 0 non-cacheable
 *   (IDX_NC), 1 write-back write-allocate (IDX_CACHE), 2 device (IDX_DEV); no write-through.
 */
#include "aarch64.h"
#include "swmmu_engine.h"

#define MALI_HAP_R	SWMMU_B(6)
#define MALI_HAP_W	SWMMU_B(7)
#define MALI_XN		(ARM_PXN | ARM_UXN)

#define MALI_MT {							\
	[SWMMU_MT_WB] = ARM_ATTR(1),					\
	[SWMMU_MT_UC] = ARM_ATTR(0),					\
	[SWMMU_MT_DEVICE] = ARM_ATTR(2),				\
}

/* Level 0: leaves only, type 0b01. */
#define MALI_LEVEL_PAGE {						\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF,					\
	.leaf_mask = ARM_TYPE, .leaf_val = ARM_BLOCK,			\
	.mt_mask = ARM_ATTR(7), .mt = MALI_MT,				\
}

#define MALI_LEVEL_BLOCK(s)						\
	ARM_LVL_BLOCK(s, 9, 12, 0, ARM_ATTR(7), MALI_MT)

static const struct swmmu_pt_ops mali_lpae_ops;

const struct swmmu_format swmmu_fmt_mali_lpae = {
	.name = "mali-lpae",
	.flags = SWMMU_FMT_BBM,
	.nr_levels = 4,
	.entry_lg2 = 3,
	.va_bits = 48,
	.oa_bits = 40,
	.oa_lo = 12, .oa_pte_lo = 12, .oa_width = 36,
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC) | (1u << SWMMU_MT_DEVICE),
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W,
	.present = ARM_VALID,
	.leaf_set = ARM_SH_OS,
	.leaf_perm = {
		.set = { [SWMMU_PI_R] = MALI_HAP_R, [SWMMU_PI_W] = MALI_HAP_W },
		.clr = { [SWMMU_PI_X] = MALI_XN },
	},
	.table_perm = {
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	},
	.level = {
		MALI_LEVEL_PAGE,
		MALI_LEVEL_BLOCK(21),
		MALI_LEVEL_BLOCK(30),
		ARM_LVL_TABLE(39, 9, 12),
	},
	.ops = &mali_lpae_ops,
};

SWMMU_ENGINE_INSTANCE(static, mali_lpae_ops, &swmmu_fmt_mali_lpae);
