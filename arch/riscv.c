// SPDX-License-Identifier: GPL-2.0-only
/*
 * RISC-V Sv39, Sv48 and Sv57 page-based virtual memory, as data.
 *
 * RISC-V Privileged Architecture v1.12:
 * - §4.3.1 (Sv32 PTE, shared by every SvNN): V[0], R[1], W[2], X[3], U[4], G[5], A[6], D[7],
 *   RSW[9:8]. A PTE with R = W = X = 0 points at the next level table; any of R/W/X makes it a
 *   leaf ("Table 4.5: Encoding of PTE R/W/X fields"), and W = 1 with R = 0 is reserved. For
 *   non-leaf PTEs D, A and U are reserved and must be zero.
 * - §4.4 Sv39: 3 levels of 512 8-byte PTEs, PPN at bits[53:10] (56-bit physical addresses),
 *   bits[60:54] reserved; gigapages, megapages and 4K pages may be leaves at any level. VA bits
 *   [63:39] must equal bit 38. §4.5 Sv48 adds a level (512G terapages), §4.6 Sv57 another
 *   (256T petapages).
 * - Chapter 12 "Svpbmt": PBMT[62:61]: 0 PMA (the memory's native attributes, cacheable for main
 *   memory), 1 NC (non-cacheable, idempotent, weakly ordered), 2 IO (non-cacheable,
 *   non-idempotent, strongly ordered); there is no write-through type. Reserved in non-leaf PTEs.
 * - Chapter 11 "Svnapot": N[63] in a level-0 leaf with ppn[3:0] = 0b1000 marks one of 16 PTEs
 *   of a naturally aligned 64K page; every PTE of the run holds the same encoding.
 * A and D are left to the walker (hardware update, Svadu); map does not preset them.
 */
#include "swmmu_arch.h"
#include "swmmu_engine.h"

#define RV_V		SWMMU_B(0)
#define RV_R		SWMMU_B(1)
#define RV_W		SWMMU_B(2)
#define RV_X		SWMMU_B(3)
#define RV_U		SWMMU_B(4)
#define RV_G		SWMMU_B(5)
#define RV_A		SWMMU_B(6)
#define RV_D		SWMMU_B(7)
#define RV_PBMT(v)	((u64)(v) << 61)
#define RV_N		SWMMU_B(63)
#define RV_RWX		(RV_R | RV_W | RV_X)

#define RV_MT {								\
	[SWMMU_MT_WB] = RV_PBMT(0),					\
	[SWMMU_MT_UC] = RV_PBMT(1),					\
	[SWMMU_MT_DEVICE] = RV_PBMT(2),					\
}

/*
 * Every level may hold leaves and (except level 0) tables: a table entry is V with R = W = X = 0;
 * every other valid PTE is taken as a leaf (leaf_mask = V), the reserved W-without-R encoding
 * included, which map never writes (SWMMU_FMT_W_NEEDS_R). Level 0 (4K PTEs, Svnapot 64K):
 */
#define RV_LEAF0 {							\
	.shift = 12, .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF, .contig = 1u << 4,			\
	.leaf_mask = RV_V, .leaf_val = RV_V,				\
	.mt_mask = RV_PBMT(3), .mt = RV_MT,				\
}
#define RV_UPPER(s) {							\
	.shift = (s), .index_bits = 9, .table_align_lg2 = 12,		\
	.flags = SWMMU_LVL_LEAF | SWMMU_LVL_TABLE,			\
	.leaf_mask = RV_V, .leaf_val = RV_V,				\
	.table_mask = RV_V | RV_RWX, .table_val = RV_V,			\
	.mt_mask = RV_PBMT(3), .mt = RV_MT,				\
}

#define RV_COMMON							\
	.entry_lg2 = 3, .oa_bits = 56, .oa_lo = 12, .oa_pte_lo = 10, .oa_width = 44,	\
	.flags = SWMMU_FMT_SIGN_EXTEND | SWMMU_FMT_W_NEEDS_R | SWMMU_FMT_AD_OPTIONAL,\
	.mt_valid = (1u << SWMMU_MT_WB) | (1u << SWMMU_MT_UC) | (1u << SWMMU_MT_DEVICE),	\
	.need_any = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X,		\
	.present = RV_V, .accessed = RV_A, .dirty = RV_D,		\
	.contig_kind = SWMMU_CONTIG_NAPOT, .contig_mask = RV_N, .contig_val = RV_N,	\
	.leaf_perm = {							\
		.set = {						\
			[SWMMU_PI_R] = RV_R, [SWMMU_PI_W] = RV_W, [SWMMU_PI_X] = RV_X,	\
			[SWMMU_PI_U] = RV_U, [SWMMU_PI_G] = RV_G,	\
		},							\
	},								\
	.table_perm = {							\
		.implied = SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,	\
	}

/* One engine instance for Sv39/48/57: the hot paths take the VA width from the AS. */
static const struct swmmu_pt_ops riscv_ops;

const struct swmmu_format swmmu_fmt_riscv_sv39 = {
	.name = "riscv-sv39",
	.nr_levels = 3,
	.va_bits = 39,
	RV_COMMON,
	.level = { RV_LEAF0, RV_UPPER(21), RV_UPPER(30) },
	.ops = &riscv_ops,
};

const struct swmmu_format swmmu_fmt_riscv_sv48 = {
	.name = "riscv-sv48",
	.nr_levels = 4,
	.va_bits = 48,
	RV_COMMON,
	.level = { RV_LEAF0, RV_UPPER(21), RV_UPPER(30), RV_UPPER(39) },
	.ops = &riscv_ops,
};

const struct swmmu_format swmmu_fmt_riscv_sv57 = {
	.name = "riscv-sv57",
	.nr_levels = 5,
	.va_bits = 57,
	RV_COMMON,
	.level = { RV_LEAF0, RV_UPPER(21), RV_UPPER(30), RV_UPPER(39), RV_UPPER(48) },
	.ops = &riscv_ops,
};

SWMMU_ENGINE_INSTANCE(static, riscv_ops, &swmmu_fmt_riscv_sv48);
