/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMSAv8-64 descriptor bits shared by the AArch64 formats (stage 1 and stage 2, every granule)
 * and by the Mali LPAE format, which reuses the LPAE descriptor layout.
 *
 * Arm ARM (DDI 0487J.a) §D8.3 "Translation table descriptor formats": bits[1:0] are 0b11 for a
 * table descriptor (levels 0-2) and a page descriptor (level 3), 0b01 for a block descriptor.
 * §D8.3.2 stage 1 attributes: AttrIndx[4:2], AP[7:6], SH[9:8], AF[10], nG[11], Contiguous[52],
 * PXN[53], UXN[54]; table descriptor PXNTable[59], UXNTable[60], APTable[62:61] (§D8.4.2).
 * Stage 2 attributes: MemAttr[5:2], S2AP[7:6] (bit 6 read, bit 7 write), SH[9:8], AF[10],
 * Contiguous[52], XN[54:53] (XN[0] only with FEAT_XNX); stage 2 table descriptors carry no
 * attributes.
 */
#ifndef SWMMU_ARCH_AARCH64_H
#define SWMMU_ARCH_AARCH64_H

#include "swmmu_arch.h"

#define ARM_VALID	SWMMU_B(0)
#define ARM_TYPE	(SWMMU_B(0) | SWMMU_B(1))
#define ARM_BLOCK	SWMMU_B(0)
#define ARM_ATTR(i)	((u64)(i) << 2)		/* stage 1 AttrIndx[2:0] */
#define ARM_AP_EL0	SWMMU_B(6)		/* AP[1] */
#define ARM_AP_RO	SWMMU_B(7)		/* AP[2] */
#define ARM_SH_OS	SWMMU_B(9)		/* SH = 0b10 */
#define ARM_SH_IS	(SWMMU_B(8) | SWMMU_B(9))	/* SH = 0b11 */
#define ARM_AF		SWMMU_B(10)
#define ARM_NG		SWMMU_B(11)
#define ARM_CONT	SWMMU_B(52)
#define ARM_PXN		SWMMU_B(53)
#define ARM_UXN		SWMMU_B(54)
#define ARM_PXNT	SWMMU_B(59)
#define ARM_UXNT	SWMMU_B(60)
#define ARM_APT_EL0	SWMMU_B(61)		/* APTable[0]: no EL0 access below */
#define ARM_APT_RO	SWMMU_B(62)		/* APTable[1]: no write access below */

#define ARM_S2_MEMATTR(a)	((u64)(a) << 2)	/* stage 2 MemAttr[3:0] */
#define ARM_S2AP_R	SWMMU_B(6)
#define ARM_S2AP_W	SWMMU_B(7)
#define ARM_S2_XN	SWMMU_B(54)		/* XN[1]: XN = 0b10, no execution at EL1 or EL0 */

/*
 * Stage 1 memory types index MAIR_ELx = 0x000000000444bbff (programmed by the caller): Attr0 =
 * 0xff normal WB, Attr1 = 0xbb normal WT, Attr2 = 0x44 normal non-cacheable, Attr3 = 0x04
 * Device-nGnRE. Normal memory is inner shareable.
 */
#define ARM_MT {							\
	[SWMMU_MT_WB] = ARM_ATTR(0) | ARM_SH_IS,			\
	[SWMMU_MT_WT] = ARM_ATTR(1) | ARM_SH_IS,			\
	[SWMMU_MT_UC] = ARM_ATTR(2) | ARM_SH_IS,			\
	[SWMMU_MT_DEVICE] = ARM_ATTR(3),				\
}
#define ARM_MT_MASK	(ARM_ATTR(7) | ARM_SH_IS)

/*
 * Stage 2 memory types (FEAT_S2FWB not used), §D8.5.5: MemAttr[3:2] outer, [1:0] inner;
 * 0b1111 normal WB, 0b1010 normal WT, 0b0101 normal non-cacheable, 0b0001 Device-nGnRE.
 */
#define ARM_S2_MT {							\
	[SWMMU_MT_WB] = ARM_S2_MEMATTR(0xf) | ARM_SH_IS,		\
	[SWMMU_MT_WT] = ARM_S2_MEMATTR(0xa) | ARM_SH_IS,		\
	[SWMMU_MT_UC] = ARM_S2_MEMATTR(0x5) | ARM_SH_IS,		\
	[SWMMU_MT_DEVICE] = ARM_S2_MEMATTR(0x1),			\
}
#define ARM_S2_MT_MASK	(ARM_S2_MEMATTR(0xf) | ARM_SH_IS)

/* Stage 1 permissions: R always granted, AP[2] read-only, AP[1] EL0, UXN|PXN, nG. */
#define ARM_S1_LEAF_PERM {						\
	.set = { [SWMMU_PI_U] = ARM_AP_EL0 },				\
	.clr = {							\
		[SWMMU_PI_W] = ARM_AP_RO,				\
		[SWMMU_PI_X] = ARM_UXN | ARM_PXN,			\
		[SWMMU_PI_G] = ARM_NG,					\
	},								\
	.implied = SWMMU_PROT_R,					\
}

/* Stage 1 hierarchical permissions in table descriptors (§D8.4.2). */
#define ARM_S1_TABLE_PERM {						\
	.clr = {							\
		[SWMMU_PI_W] = ARM_APT_RO,				\
		[SWMMU_PI_X] = ARM_UXNT | ARM_PXNT,			\
		[SWMMU_PI_U] = ARM_APT_EL0,				\
	},								\
	.implied = SWMMU_PROT_R,					\
}

/*
 * Level 3 (swmmu level 0): page descriptors; @g: table alignment, @c: contiguous bitmap,
 * @mtm/@mte: memory type mask and encodings.
 */
#define ARM_LVL_PAGE(s, b, g, c, mtm, mte) {				\
	.shift = (s), .index_bits = (b), .table_align_lg2 = (g),	\
	.flags = SWMMU_LVL_LEAF, .contig = (c),				\
	.leaf_mask = ARM_TYPE, .leaf_val = ARM_TYPE,			\
	.mt_mask = (mtm), .mt = mte,					\
}

/* Levels with block and table descriptors. */
#define ARM_LVL_BLOCK(s, b, g, c, mtm, mte) {				\
	.shift = (s), .index_bits = (b), .table_align_lg2 = (g),	\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE, .contig = (c),	\
	.leaf_mask = ARM_TYPE, .leaf_val = ARM_BLOCK,			\
	.table_mask = ARM_TYPE, .table_val = ARM_TYPE,			\
	.mt_mask = (mtm), .mt = mte,					\
}

/* Levels with table descriptors only. */
#define ARM_LVL_TABLE(s, b, g) {					\
	.shift = (s), .index_bits = (b), .table_align_lg2 = (g),	\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = ARM_TYPE, .table_val = ARM_TYPE,			\
}

/* The 4K-granule stage-1 engine instance, shared by every VA width of that format. */
extern const struct swmmu_pt_ops swmmu_aarch64_4k_ops;

#endif /* SWMMU_ARCH_AARCH64_H */
