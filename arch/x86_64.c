// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86-64 4-level and 5-level (LA57) paging, as data.
 *
 * Intel SDM Vol. 3A, §4.5 "4-Level Paging and 5-Level Paging": Table 4-14 (PML5E), 4-15 (PML4E),
 * 4-16 (PDPTE mapping a 1-GByte page), 4-17 (PDPTE referencing a page directory), 4-18 (PDE
 * mapping a 2-MByte page), 4-19 (PDE referencing a page table), 4-20 (PTE mapping a 4-KByte page).
 * Memory types use the PAT layout Linux programs (arch/x86/mm/pat/memtype.c): index 0 WB,
 * 2 UC-, 3 UC, 7 WT; the index is PAT:PCD:PWT where PAT is bit 7 in a 4K PTE and bit 12 in a
 * 2M/1G leaf (SDM §4.9.2), which is why the memory type encoding is given per level.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define X86_P		SWMMU_B(0)
#define X86_RW		SWMMU_B(1)
#define X86_US		SWMMU_B(2)
#define X86_PWT		SWMMU_B(3)
#define X86_PCD		SWMMU_B(4)
#define X86_A		SWMMU_B(5)
#define X86_D		SWMMU_B(6)
#define X86_PS		SWMMU_B(7)
#define X86_PAT_4K	SWMMU_B(7)
#define X86_G		SWMMU_B(8)
#define X86_PAT_LARGE	SWMMU_B(12)
#define X86_XD		SWMMU_B(63)

#define X86_MT(pat) {							\
	[SWMMU_MT_WB] = 0,						\
	[SWMMU_MT_WT] = (pat) | X86_PCD | X86_PWT,			\
	[SWMMU_MT_UC] = X86_PCD,					\
	[SWMMU_MT_DEVICE] = X86_PCD | X86_PWT,				\
}

/* Level 0: page table, 4K pages (Table 4-20). */
#define X86_LEVEL_PT {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF,					\
	.leaf_mask = X86_P, .leaf_val = X86_P,				\
	.mt_mask = X86_PAT_4K | X86_PCD | X86_PWT, .mt = X86_MT(X86_PAT_4K),	\
}

/* Levels 1 and 2: PD and PDPT, 2M/1G leaves with PS=1 (Tables 4-16..4-19). */
#define X86_LEVEL_LARGE(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE,			\
	.leaf_mask = X86_P | X86_PS, .leaf_val = X86_P | X86_PS,	\
	.table_mask = X86_P | X86_PS, .table_val = X86_P,		\
	.mt_mask = X86_PAT_LARGE | X86_PCD | X86_PWT, .mt = X86_MT(X86_PAT_LARGE),	\
}

/* PML4 and PML5: table entries only, PS reserved (Tables 4-14, 4-15). */
#define X86_LEVEL_TOP(s) {						\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_TABLE,					\
	.table_mask = X86_P | X86_PS, .table_val = X86_P,		\
}

#define X86_COMMON							\
	.entry_lg2 = 3, .oa_bits = 52, .oa_lo = 12, .oa_pte_lo = 12, .oa_width = 40,	\
	.flags = SWMMU_FMT_SIGN_EXTEND | SWMMU_FMT_RSVD_LOW_OA,		\
	.mt_valid = 0xf, .need_any = SWMMU_PROT_R, .present = X86_P,	\
	.accessed = X86_A, .dirty = X86_D,				\
	.leaf_perm = {							\
		.set = { [SWMMU_PI_W] = X86_RW, [SWMMU_PI_U] = X86_US, [SWMMU_PI_G] = X86_G },	\
		.clr = { [SWMMU_PI_X] = X86_XD },			\
		.implied = SWMMU_PROT_R,				\
	},								\
	.table_perm = {							\
		.set = { [SWMMU_PI_W] = X86_RW, [SWMMU_PI_U] = X86_US },	\
		.clr = { [SWMMU_PI_X] = X86_XD },			\
		.implied = SWMMU_PROT_R,				\
	}

/* One engine instance for 4 and 5 levels: the hot paths take the VA width from the AS. */
static const struct swmmu_pt_ops x86_64_ops;

const struct swmmu_format swmmu_fmt_x86_64 = {
	.name = "x86_64",
	.nr_levels = 4,
	.va_bits = 48,
	X86_COMMON,
	.level = {
		X86_LEVEL_PT, X86_LEVEL_LARGE(21), X86_LEVEL_LARGE(30), X86_LEVEL_TOP(39),
	},
	.ops = &x86_64_ops,
};

const struct swmmu_format swmmu_fmt_x86_64_la57 = {
	.name = "x86_64-la57",
	.nr_levels = 5,
	.va_bits = 57,
	X86_COMMON,
	.level = {
		X86_LEVEL_PT, X86_LEVEL_LARGE(21), X86_LEVEL_LARGE(30), X86_LEVEL_TOP(39),
		X86_LEVEL_TOP(48),
	},
	.ops = &x86_64_ops,
};

SWMMU_ENGINE_INSTANCE(static, x86_64_ops, &swmmu_fmt_x86_64);
