// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-answer tests of the hardware walker (core/swmmu_hwwalk.c) over tables written by hand,
 * as a driver would write them: translations, every fault reason with its level, accessed and
 * dirty updates, walk-cache starts, containment and loops. Every raw value is written from the
 * manual cited beside it, never derived from the format descriptor.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "swmmu_hwwalk.h"

#define B(n)	(1ULL << (n))
/* Intel SDM Vol. 3A 4.5 tables 4-14..4-20: P, R/W, U/S, A, D, PS, XD. */
#define X86_P	B(0)
#define X86_RW	B(1)
#define X86_US	B(2)
#define X86_A	B(5)
#define X86_D	B(6)
#define X86_PS	B(7)
/* Arm ARM DDI 0487J.a D8.3: valid, table/page, AF (bit 10), AP[2] read-only (bit 7). */
#define ARM_V	B(0)
#define ARM_T	B(1)
#define ARM_AF	B(10)
/* Mali LPAE (Linux io-pgtable-arm.c, arm_lpae_prot_to_pte() for ARM_MALI_LPAE): HAP read, bit 6. */
#define MALI_R	B(6)

#define ARENA_BASE	0x40000000ULL	/* the "DMA address" of the arena */
#define ARENA_PAGES	16

static u64 arena[ARENA_PAGES][512] __attribute__((aligned(4096)));

/* Only the arena is memory the device may reach. */
static void *arena_map(void *ctx, u64 addr, u64 bytes)
{
	(void)ctx;
	if (addr < ARENA_BASE || bytes > sizeof(arena) || addr - ARENA_BASE > sizeof(arena) - bytes)
		return NULL;
	return (char *)arena + (addr - ARENA_BASE);
}

static const struct swmmu_hw_mem mem = { .map = arena_map };

static u64 pg(unsigned int i)
{
	return ARENA_BASE + i * 4096ULL;
}

/* x86-64: VA 0x40201000 -> PML4[0] -> PDPT[1] -> PD[1] -> PT[1]; tables in pages 0..3. */
static void x86_tables(void)
{
	memset(arena, 0, sizeof(arena));
	arena[0][0] = pg(1) | X86_P | X86_RW | X86_US;
	arena[1][1] = pg(2) | X86_P | X86_RW | X86_US;
	arena[2][1] = pg(3) | X86_P | X86_RW | X86_US;
	arena[3][1] = pg(8) | X86_P | X86_RW | X86_US;
}

#define VA	0x40201000ULL

static void test_x86(void)
{
	const struct swmmu_format *f = swmmu_format_find("x86_64");
	struct swmmu_hw_start st;
	struct swmmu_hw_xlate xl;
	int ret;

	x86_tables();
	ret = swmmu_hw_walk(f, &mem, pg(0), VA + 0x10, SWMMU_PROT_R, SWMMU_HW_SET_AD, NULL, &xl);
	TAP_EQ(ret, 0, "x86-64: a 4K leaf translates");
	TAP_EQ(xl.entry_pa, pg(8), "x86-64: output address of the PTE");
	TAP_EQ(xl.size_lg2, 12, "x86-64: 4K page");
	TAP_EQ(xl.nr_steps, 3, "x86-64: three table items above the leaf");
	TAP_EQ(xl.item, pg(3) + 8, "x86-64: the leaf item's address");
	/* SDM 4.8: the processor sets A on any access, D on a write. */
	TAP_EQ(arena[3][1] & (X86_A | X86_D), X86_A, "x86-64: a read sets A, not D");
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, SWMMU_HW_SET_AD, NULL, &xl);
	TAP_EQ(arena[3][1] & (X86_A | X86_D), X86_A | X86_D, "x86-64: a write sets D");
	TAP_CHECK(xl.ad_set && xl.dirty, "x86-64: the walk says it set D");
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(!ret && !xl.ad_set, "x86-64: a side-effect free walk sets nothing");

	/* SDM 4.6.1: R/W = 0 in a PDE makes everything below it read-only. */
	arena[2][1] &= ~X86_RW;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_PERMISSION,
		  "x86-64: a read-only PDE denies a write below it");
	arena[2][1] |= X86_RW;

	/* A walk-cache start at the PD skips the upper levels. */
	st = (struct swmmu_hw_start){ .table = pg(0), .level = 3, .all = ~0ULL, .any = 0 };
	ret = swmmu_hw_walk(f, &mem, 0, VA, SWMMU_PROT_R, 0, &st, &xl);
	TAP_CHECK(ret == -EINVAL, "x86-64: a walk-cache start at the root level is refused");
	st = (struct swmmu_hw_start){ .table = pg(3), .level = 0, .all = ~0ULL, .any = 0 };
	ret = swmmu_hw_walk(f, &mem, 0, VA, SWMMU_PROT_R, 0, &st, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8) && !xl.nr_steps,
		  "x86-64: a walk from a cached PDE reads the PT alone");
	st = (struct swmmu_hw_start){ .table = pg(2), .level = 1, .all = ~0ULL, .any = 0 };
	ret = swmmu_hw_walk(f, &mem, 0xdead000, VA, SWMMU_PROT_R, 0, &st, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8) && xl.nr_steps == 1,
		  "x86-64: a walk from a cached PD reads the PD and the PT only");

	/* Faults, each at its level. */
	arena[3][1] = 0;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_NOT_PRESENT && xl.level == 0,
		  "x86-64: P = 0 in the PTE: not present at level 0");
	x86_tables();
	/* SDM table 4-15: PS is reserved in a PML4E (must be 0). */
	arena[0][0] |= X86_PS;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_LEAF_LEVEL && xl.level == 3,
		  "x86-64: PS in a PML4E: a leaf where the level holds none, level 3");
	x86_tables();
	/* SDM table 4-18: a 2 MiB PDE has bits 20:13 reserved. */
	arena[2][1] = 0x40200000ULL | X86_P | X86_RW | X86_PS | B(13);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 1,
		  "x86-64: bit 13 of a 2 MiB PDE is reserved, level 1");
	arena[2][1] &= ~B(13);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.size_lg2 == 21 && xl.entry_pa == 0x40200000ULL,
		  "x86-64: the same PDE without it is a 2 MiB leaf");
	x86_tables();
	arena[1][1] = 0x7f000000ULL | X86_P | X86_RW;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_TABLE_OUTSIDE && xl.level == 1,
		  "x86-64: a PD outside the device's memory is never read: table outside, level 1");
	ret = swmmu_hw_walk(f, &mem, 0x123000, VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_TABLE_OUTSIDE && xl.level == 3,
		  "x86-64: a root outside the device's memory: table outside, level 3");
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x0000900000000000ULL, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_ADDRESS_SIZE,
		  "x86-64: a non-canonical VA is an address-size fault");

	/* A PML4E pointing at its own table: four steps at most, whatever the loop. */
	memset(arena, 0, sizeof(arena));
	arena[0][0] = pg(0) | X86_P | X86_RW;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(0) && xl.nr_steps == 3,
		  "x86-64: a self-referencing PML4E ends after four levels at the table itself");
}

/* AArch64 4K (Arm ARM D8.3, D8.4.4): AF = 0 is an Access flag fault unless TCR.HA is set. */
static void test_aarch64(void)
{
	const struct swmmu_format *f = swmmu_format_find("aarch64-4k");
	struct swmmu_hw_xlate xl;
	int ret;

	memset(arena, 0, sizeof(arena));
	arena[0][0] = pg(1) | ARM_V | ARM_T;
	arena[1][1] = pg(2) | ARM_V | ARM_T;
	arena[2][1] = pg(3) | ARM_V | ARM_T;
	arena[3][1] = pg(8) | ARM_V | ARM_T;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, SWMMU_HW_AD_FAULT, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_ACCESS_FLAG && xl.level == 0,
		  "aarch64-4k: AF = 0 without hardware update: access flag fault");
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, SWMMU_HW_SET_AD, NULL, &xl);
	TAP_CHECK(!ret && (arena[3][1] & ARM_AF), "aarch64-4k: with TCR.HA the walk sets AF");
	/* D8.3.1: a level-0 (our level 3) descriptor 0b01 would be a block: level 0 has none. */
	arena[0][0] = 0x0 | ARM_V;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_LEAF_LEVEL && xl.level == 3,
		  "aarch64-4k: a block descriptor at level 0 of the 4K granule");
}

/* Mali LPAE (40-bit output): an output address above bit 39 is an address-size fault. */
static void test_oa_size(void)
{
	const struct swmmu_format *f = swmmu_format_find("mali-lpae");
	struct swmmu_hw_xlate xl;
	int ret;

	memset(arena, 0, sizeof(arena));
	arena[0][0] = pg(1) | ARM_V | ARM_T;
	arena[1][1] = pg(2) | ARM_V | ARM_T;
	arena[2][1] = B(45) | pg(3) | ARM_V | ARM_T;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_OA_SIZE && xl.level == 1,
		  "mali-lpae: a table address above 40 bits is an address-size fault");
	ret = swmmu_hw_walk(f, &mem, B(45) | pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_OA_SIZE && xl.nr_steps == 0,
		  "mali-lpae: a root above 40 bits is an address-size fault before any read");
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R | (1u << 7), 0, NULL, &xl);
	TAP_EQ(ret, -EINVAL, "an access with a bit other than R, W, X, U is refused");

	/*
	 * The same 40-bit limit on a leaf's output address (Linux io-pgtable-arm.c
	 * arm_mali_lpae_alloc_pgtable(): oas 40): a 4K leaf (type 0b01 at the last level, HAP read
	 * bit 6) with output address bit 45 set faults at the leaf, level 0.
	 */
	arena[2][1] = pg(3) | ARM_V | ARM_T;
	arena[3][1] = B(45) | pg(8) | ARM_V | MALI_R;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_OA_SIZE && xl.level == 0 &&
		  xl.item == pg(3) + 8 && xl.pte == (B(45) | pg(8) | ARM_V | MALI_R),
		  "mali-lpae: a 4K leaf with output address bit 45: address-size fault at the leaf");
	arena[3][1] &= ~B(45);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8) && xl.size_lg2 == 12,
		  "mali-lpae: the same leaf below 40 bits translates");

	/*
	 * arch/mali_lpae.c (Linux io-pgtable-arm.c: Mali has no page descriptor type 0b11): a leaf
	 * is 0b01 at every level, so 0b11 at the last level is a reserved encoding. The level
	 * holds leaves, so it is not "a leaf where the level cannot hold one".
	 */
	arena[3][1] = pg(8) | ARM_V | ARM_T | MALI_R;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 0 &&
		  xl.item == pg(3) + 8, "mali-lpae: type 0b11 at the last level is reserved, level 0");
}

/*
 * AMD IOMMU v1 (AMD IOMMU spec #48882, 2.2.3 "I/O Page Tables for Host Translations"): PR[0],
 * NextLevel[11:9], address[51:12], IR[61], IW[62]. With DTE Mode 4 the root is level 4, and a
 * PDE's NextLevel is the level of the table it points at (3, 2, 1); NextLevel 0 makes an entry
 * a PTE, which the top level cannot hold (Table 15 "Page Table Level Parameters").
 */
#define AMD_PR		B(0)
#define AMD_NL(n)	((u64)(n) << 9)
#define AMD_IR		B(61)
#define AMD_IW		B(62)

static void amd_tables(void)
{
	memset(arena, 0, sizeof(arena));
	arena[0][0] = pg(1) | AMD_PR | AMD_NL(3) | AMD_IR | AMD_IW;
	arena[1][1] = pg(2) | AMD_PR | AMD_NL(2) | AMD_IR | AMD_IW;
	arena[2][1] = pg(3) | AMD_PR | AMD_NL(1) | AMD_IR | AMD_IW;
	arena[3][1] = pg(8) | AMD_PR | AMD_NL(0) | AMD_IR | AMD_IW;
}

static void test_amd_v1(void)
{
	const struct swmmu_format *f = swmmu_format_find("amd-v1");
	struct swmmu_hw_xlate xl;
	int ret;

	amd_tables();
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8) && xl.size_lg2 == 12 && xl.nr_steps == 3,
		  "amd-v1: PDEs with NextLevel 3, 2, 1 and a PTE with NextLevel 0 map 4K");

	/* A PTE (NextLevel 0) in the level-4 table: a leaf where the level holds none. */
	arena[0][0] = pg(1) | AMD_PR | AMD_NL(0) | AMD_IR | AMD_IW;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_LEAF_LEVEL && xl.level == 3 &&
		  xl.item == pg(0), "amd-v1: NextLevel 0 in a level-4 entry: leaf level, level 3");

	/*
	 * NextLevel 5 in a level-4 entry points at no level below it, and is no PTE encoding of
	 * any lower level either (those are NextLevel 0 and 7): a reserved encoding.
	 */
	arena[0][0] = pg(1) | AMD_PR | AMD_NL(5) | AMD_IR | AMD_IW;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 3 &&
		  xl.item == pg(0), "amd-v1: NextLevel 5 in a level-4 entry is reserved, level 3");

	/* NextLevel 2 in a level-2 entry (it may only be 1, 0 or 7): reserved at a leaf level. */
	amd_tables();
	arena[2][1] = pg(3) | AMD_PR | AMD_NL(2) | AMD_IR | AMD_IW;
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 1 &&
		  xl.item == pg(2) + 8, "amd-v1: NextLevel 2 in a level-2 entry is reserved, level 1");

	/*
	 * A present PTE with IR = IW = 0 permits no access: every access faults at the PTE, as a
	 * permission fault (the IO_PAGE_FAULT event carries PR = 1, present, and PE = 1).
	 */
	amd_tables();
	arena[3][1] = pg(8) | AMD_PR | AMD_NL(0);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_PERMISSION && xl.level == 0 &&
		  xl.item == pg(3) + 8 && xl.pte == (pg(8) | AMD_PR),
		  "amd-v1: a PTE with IR = IW = 0 denies a read: permission fault at the PTE");
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_PERMISSION && xl.level == 0 &&
		  xl.item == pg(3) + 8, "amd-v1: and a write");
}

/* RISC-V privileged spec 12.3.2 step 3: a leaf with W=1 and R=0 is reserved (PPN at bit 10). */
static void test_riscv(void)
{
	const struct swmmu_format *f = swmmu_format_find("riscv-sv39");
	struct swmmu_hw_xlate xl;
	int ret;

	memset(arena, 0, sizeof(arena));
	/* Sv39 VA 0x40201000: VPN[2] = 1, VPN[1] = 1, VPN[0] = 1. */
	arena[0][1] = (pg(1) >> 2) | B(0);
	arena[1][1] = (pg(2) >> 2) | B(0);
	arena[2][1] = (pg(8) >> 2) | B(0) | B(2) | B(6) | B(7);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 0,
		  "riscv-sv39: W without R in a leaf is reserved");
	arena[2][1] |= B(1);
	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8), "riscv-sv39: with R too it is a read-write leaf");
}

/*
 * What the module's TLB checker reads between walks (kmod/swmmu_dctx.c): one item of a table
 * that holds a VA, and an item again at the CPU address a walk recorded; and the root table's
 * size a driver-managed context aligns its root to.
 */
static void test_read_item(void)
{
	const struct swmmu_format *f = swmmu_format_find("x86_64");
	struct swmmu_hw_xlate xl;
	u64 pte = 0;
	int ret;

	/* SDM 4.5: a PML4 is one 4 KiB page of 512 8-byte entries. */
	TAP_EQ(swmmu_hw_root_bytes(f), 4096, "x86-64: the root table is 4 KiB");
	x86_tables();
	ret = swmmu_hw_read_item(f, &mem, pg(3), 0, VA, &pte);
	TAP_CHECK(!ret && pte == (pg(8) | X86_P | X86_RW | X86_US),
		  "x86-64: read_item of the PT at the VA is PT[1]");
	ret = swmmu_hw_read_item(f, &mem, pg(2), 1, VA + 0x1000, &pte);
	TAP_CHECK(!ret && pte == (pg(3) | X86_P | X86_RW | X86_US),
		  "x86-64: read_item of the PD at the next page is still PD[1]");
	TAP_EQ(swmmu_hw_read_item(f, &mem, 0x123000, 0, VA, &pte), -EFAULT,
	       "x86-64: read_item of a table outside the device's memory");
	TAP_EQ(swmmu_hw_read_item(f, &mem, pg(3), 0, 0x0000900000000000ULL, &pte), -ERANGE,
	       "x86-64: read_item of a non-canonical VA");
	TAP_EQ(swmmu_hw_read_item(f, &mem, pg(0), 4, VA, &pte), -EINVAL,
	       "x86-64: read_item at a level the format does not have");

	ret = swmmu_hw_walk(f, &mem, pg(0), VA, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.nr_steps == 3, "x86-64: the walk records three table items");
	if (!ret && xl.nr_steps == 3) {
		arena[2][1] |= X86_A;
		TAP_EQ(swmmu_hw_item_load(f, 1, xl.step[2].cpu), pg(3) | X86_P | X86_RW | X86_US | X86_A,
		       "x86-64: item_load at the recorded PDE sees a later change");
	}
}

/*
 * NVIDIA Pascal (open-gpu-doc gp100-mmu-format, dev_mmu.h NV_MMU_VER2_*): PD3 -> PD2 -> PD1 ->
 * PD0, whose 16-byte dual PDE points at a big-page (64 KiB) table in bits 63:0 and a small-page
 * (4 KiB) table in bits 127:64. PDE: APERTURE[2:1] = 2 (system coherent), ADDRESS_SYS[53:8] =
 * address >> 12; big: ADDRESS_BIG_SYS[53:4] = address >> 8; small: ADDRESS_SMALL_SYS[117:72];
 * PTE: VALID[0], APERTURE[2:1], VOL[3], ADDRESS_SYS[53:8]. A zero big PTE defers to the small
 * table.
 */
#define NV_VALID	B(0)
#define NV_SYS_COH	(2ULL << 1)
#define NV_VOL		B(3)
#define NV_PRIV		B(5)

/*
 * VA 0x201000: PD3, PD2, PD1 index 0, PD0 index 1 (VA[28:21]), big 0, small 1; tables in pages
 * 0..4, no big-page table, the 4 KiB page at pg(8).
 */
static void nv_tables(void)
{
	memset(arena, 0, sizeof(arena));
	arena[0][0] = ((pg(1) >> 12) << 8) | NV_SYS_COH;
	arena[1][0] = ((pg(2) >> 12) << 8) | NV_SYS_COH;
	arena[2][0] = ((pg(3) >> 12) << 8) | NV_SYS_COH;
	/* PD0[1]: bytes 16..31 of the table, words 2 (big) and 3 (small). */
	arena[3][3] = ((pg(4) >> 12) << 8) | NV_SYS_COH;
	arena[4][1] = ((pg(8) >> 12) << 8) | NV_SYS_COH | NV_VALID;
}

static void test_nv_dual(void)
{
	const struct swmmu_format *f = swmmu_format_find("nv-gp100");
	struct swmmu_hw_xlate xl;
	int ret;

	nv_tables();
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.dual && xl.entry_pa == pg(8) && xl.size_lg2 == 12,
		  "nv-gp100: no big-page table: the small PTE maps 4 KiB");

	/* Big-page table at pg(5) (256 bytes); VA 0x210000 is big index 1 (VA[20:16]). */
	arena[3][2] = ((pg(5) >> 8) << 4) | NV_SYS_COH;
	arena[5][1] = ((0x40010000ULL >> 12) << 8) | NV_SYS_COH | NV_VALID;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x210000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.dual && xl.entry_pa == 0x40010000ULL && xl.size_lg2 == 16,
		  "nv-gp100: a valid big PTE maps 64 KiB");
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8) && xl.size_lg2 == 12,
		  "nv-gp100: a zero big PTE defers to the small PTE");
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x202000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_NOT_PRESENT && xl.level == 0,
		  "nv-gp100: zero big and small PTEs: not present at level 0");

	/*
	 * nouveau gp100_vmm_lpt_invalid(): "VALID_FALSE + PRIV tells the MMU to ignore
	 * corresponding SPTEs". A big PTE of PRIVILEGE[5] alone is occupied but no leaf: the level-1
	 * item decides when it is not a hole (swmmu_format.h, dual directories), so the valid small
	 * PTE below it is not used and the walk faults on a reserved item in the big-page table.
	 */
	arena[5][0] = NV_PRIV;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 1 &&
		  xl.item == pg(5) && xl.pte == NV_PRIV,
		  "nv-gp100: an invalid big PTE with PRIV hides the small PTE: reserved, level 1");
	arena[5][0] = 0;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.entry_pa == pg(8), "nv-gp100: a zero big PTE there again defers");

	/*
	 * Sparse (nouveau gp100_vmm_pgt_sparse(): "VALID_FALSE + VOL tells the MMU to treat the PTE
	 * as sparse"): a translation with no pages behind it, reads zero and writes dropped.
	 */
	arena[4][1] = NV_VOL;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_W, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.prot == SWMMU_PROT_NULL && xl.size_lg2 == 12 && xl.level == 0,
		  "nv-gp100: a sparse small PTE translates to the null mapping, even for a write");
	arena[4][1] = ((pg(8) >> 12) << 8) | NV_SYS_COH | NV_VALID;

	/*
	 * Bits 127:64 of a dual PDE only ever point at a small-page table (dev_mmu.h defines no
	 * IS_PTE there): bit 64 set is a reserved encoding, reported at PD0 whatever the big half.
	 */
	arena[3][3] |= NV_VALID;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_RESERVED && xl.level == 2,
		  "nv-gp100: a valid bit in the small half of a dual PDE is reserved, level 2");
	arena[3][3] &= ~NV_VALID;

	/* A small-page table outside the device's memory is never read. */
	arena[3][3] = ((0x7f000000ULL >> 12) << 8) | NV_SYS_COH;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_TABLE_OUTSIDE && xl.level == 0,
		  "nv-gp100: a small-page table outside the device's memory: table outside, level 0");

	/* IS_PTE (bit 0) in bits 63:0 of the dual PDE: a 2 MiB page, the small word ignored. */
	arena[3][2] = ((0x40200000ULL >> 12) << 8) | NV_SYS_COH | NV_VALID;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.dual && xl.entry_pa == 0x40200000ULL && xl.size_lg2 == 21,
		  "nv-gp100: IS_PTE in the dual PDE maps 2 MiB");
}

/*
 * nv-gp100's encoding as a run-time format (tests/unit/test_dual.c dualx without its extras) but
 * with a 48-bit output size: oa_bits bounds the tables a dual PDE points at as well
 * (swmmu_hwwalk.h: SWMMU_HWF_OA_SIZE, "a table or output address above oa_bits"). The built-in
 * nv-gp100 cannot reach this: its field holds exactly its 58 bits.
 */
static const char nv48_text[] =
	"name nv48\n" "levels 6\n" "va-bits 49\n"
	"entry-bytes 8\n" "oa-bits 48\n" "oa-field 8 4 50\n" "flags level-entry\n"
	"memtypes wb uc device\n" "need-any r\n" "present 0x27\n" "table-set 0x8\n"
	"null 0xf 0x8\n" "leaf-perm r implied\n" "leaf-perm w clr 0x40\n"
	"leaf-perm u clr 0x20\n" "table-perm r implied\n" "table-perm w implied\n"
	"table-perm x implied\n" "table-perm u implied\n"
	"level 0 shift 12 bits 9 align 12 leaf 0x1 0x1 mt-mask 0xe mt 0x4 0x0 0xc 0xe\n"
	"level 1 shift 16 bits 5 align 8 leaf 0x1 0x1 mt-mask 0xe mt 0x4 0x0 0xc 0xe\n"
	"level 2 shift 21 bits 8 align 12 leaf 0x1 0x1 table 0x7 0x4 mt-mask 0xe "
	"mt 0x4 0x0 0xc 0xe entry-bytes 16 dual\n"
	"level 3 shift 29 bits 9 align 12 table 0x7 0x4\n"
	"level 4 shift 38 bits 9 align 12 table 0x7 0x4\n"
	"level 5 shift 47 bits 2 align 12 table 0x7 0x4\n";
static struct swmmu_format nv48_fmt;

static void test_dual_oa_size(void)
{
	const struct swmmu_format *f = &nv48_fmt;
	struct swmmu_hw_xlate xl;
	u64 w1;
	int ret;

	if (!TAP_EQ(swmmu_format_parse(nv48_text, strlen(nv48_text), &nv48_fmt, NULL), 0,
		    "nv48 parses"))
		return;
	nv_tables();
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(!ret && xl.dual && xl.entry_pa == pg(8) && xl.size_lg2 == 12,
		  "nv48: the small PTE maps 4 KiB");
	/* ADDRESS_SMALL_SYS = address >> 12 with address bit 50 set: above 48 bits. */
	w1 = (((B(50) | pg(4)) >> 12) << 8) | NV_SYS_COH;
	arena[3][3] = w1;
	ret = swmmu_hw_walk(f, &mem, pg(0), 0x201000, SWMMU_PROT_R, 0, NULL, &xl);
	TAP_CHECK(ret == -EFAULT && xl.fault == SWMMU_HWF_OA_SIZE && xl.level == 2 &&
		  xl.pte == w1 && xl.item == pg(3) + 16,
		  "nv48: a small-page table above 48 bits: address-size fault at the dual PDE");
}

int main(void)
{
	test_x86();
	test_read_item();
	test_aarch64();
	test_oa_size();
	test_riscv();
	test_amd_v1();
	test_nv_dual();
	test_dual_oa_size();
	return tap_done();
}
