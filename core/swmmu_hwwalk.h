/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu hardware walker: translate one access through tables somebody else wrote, the way the
 * hardware of the format would, and say exactly why it fails.
 *
 * The tables are hostile input: every table is reached only through the caller's @map callback,
 * which refuses what lies outside the memory the device may read (a table outside it is a
 * fault, never a read), each level is read once with READ_ONCE(), a walk has at most nr_levels
 * steps whatever the items say (a table pointing at itself or an ancestor just walks it again,
 * one level lower), and accessed/dirty bits are set with compare-and-swap on the item the walk
 * read, as a hardware walker does (Intel SDM Vol. 3A 4.8; Arm ARM D8.4.4 with FEAT_HAFDBS;
 * RISC-V privileged spec 12.3.2 step 7 with Svadu).
 */
#ifndef SWMMU_HWWALK_H
#define SWMMU_HWWALK_H

#include "swmmu_platform.h"
#include "swmmu_format.h"

/* enum swmmu_hw_fault: why a hardware walk failed (the uAPI's SWMMU_FAULT_* numbers) */
enum swmmu_hw_fault {
	SWMMU_HWF_NONE = 0,
	SWMMU_HWF_NOT_PRESENT = 1,	/* a hole */
	SWMMU_HWF_PERMISSION = 2,	/* the leaf or a table entry above it denies the access */
	SWMMU_HWF_ADDRESS_SIZE = 3,	/* the VA is outside the format */
	SWMMU_HWF_BAD_OUTPUT = 4,	/* (for the caller: the page is outside its memory) */
	SWMMU_HWF_TABLE_OUTSIDE = 5,	/* @map refused a table */
	SWMMU_HWF_RESERVED = 6,		/* a reserved encoding or reserved bit */
	SWMMU_HWF_LEAF_LEVEL = 7,	/* a leaf encoding at a level without leaves */
	SWMMU_HWF_OA_SIZE = 8,		/* a table or output address above oa_bits */
	SWMMU_HWF_ACCESS_FLAG = 9,	/* A (or D for a write) clear and not to be set */
};

/* swmmu_hw_walk() flags */
#define SWMMU_HW_SET_AD		0x1	/* set accessed/dirty bits like the hardware */
#define SWMMU_HW_AD_FAULT	0x2	/* a clear accessed/dirty bit is an access-flag fault */

/**
 * struct swmmu_hw_mem - the memory a hardware walk may read
 * @map: CPU pointer of [addr, addr + bytes) when all of it lies in memory the walker may read
 *       and write, else NULL
 * @ctx: passed to @map
 */
struct swmmu_hw_mem {
	void *(*map)(void *ctx, u64 addr, u64 bytes);
	void *ctx;
};

/**
 * struct swmmu_hw_step - one table item a walk read above the leaf
 * @table: address of the table holding the item
 * @cpu: CPU address of the item (through the walker's @map)
 * @pte: the item's value (primary word)
 * @child: table address it points at
 * @va: first VA of the item's span (canonical)
 * @level: level of the item
 * @all: AND of the table items from the root down to this one (inclusive)
 * @any: OR of the same
 */
struct swmmu_hw_step {
	u64 table;
	void *cpu;
	u64 pte;
	u64 child;
	u64 va;
	u64 all;
	u64 any;
	u8 level;
};

/**
 * struct swmmu_hw_start - where a walk starts when a walk cache already knows the upper levels
 * @table: address of the table to read next
 * @level: its level
 * @all: AND of the table items above it
 * @any: OR of the table items above it
 */
struct swmmu_hw_start {
	u64 table;
	u8 level;
	u64 all;
	u64 any;
};

/**
 * struct swmmu_hw_xlate - the result of a hardware walk
 * @entry_va: first VA of the leaf entry (canonical)
 * @entry_pa: output address of @entry_va
 * @pte: the leaf item (or, on a fault, the item where the walk stopped)
 * @item: address of that item
 * @item_cpu: CPU address of the leaf item (NULL on a fault)
 * @prot: permissions and memory type of the leaf (SWMMU_PROT_*; SWMMU_PROT_NULL for a null leaf)
 * @eff_prot: @prot restricted by the table entries above it
 * @fault: enum swmmu_hw_fault
 * @size_lg2: lg2 of the leaf entry's size
 * @level: level of the leaf, or where the walk stopped
 * @accessed: the accessed bit is set (after the walk's own update)
 * @dirty: the dirty bit is set, or the format has none
 * @ad_set: the walk set an accessed or dirty bit
 * @dual: the walk went through a dual directory, whose items @step does not record
 * @nr_steps: entries of @step
 * @step: the table items read, from the start level down (dual directories are not recorded)
 */
struct swmmu_hw_xlate {
	u64 entry_va;
	u64 entry_pa;
	u64 pte;
	u64 item;
	void *item_cpu;
	u32 prot;
	u32 eff_prot;
	u32 fault;
	u8 size_lg2;
	u8 level;
	bool accessed;
	bool dirty;
	bool ad_set;
	bool dual;
	u8 nr_steps;
	struct swmmu_hw_step step[SWMMU_MAX_LEVELS];
};

int swmmu_hw_walk(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, u64 root,
		  u64 va, u32 access, u32 flags, const struct swmmu_hw_start *start,
		  struct swmmu_hw_xlate *out);
u64 swmmu_hw_root_bytes(const struct swmmu_format *f);
u64 swmmu_hw_item_load(const struct swmmu_format *f, unsigned int level, const void *item);
int swmmu_hw_read_item(const struct swmmu_format *f, const struct swmmu_hw_mem *mem, u64 table,
		       unsigned int level, u64 va, u64 *pte);

#endif /* SWMMU_HWWALK_H */
