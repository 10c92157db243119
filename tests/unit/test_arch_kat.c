// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-answer tests for the formats beyond x86_64 and aarch64-4k: aarch64-4k-39, aarch64-16k,
 * aarch64-64k, aarch64-s2-4k, riscv-sv39/48/57, loongarch64, amd-v1, vtd-ss, vtd-ss-39,
 * vtd-ss-57, mali-lpae, gpu-xe, gpu-amd, nv-gp100.
 *
 * Every expected raw value below was computed by hand from the document cited with it (the same
 * documents the descriptors in arch/ cite); the test never derives an expected value from the
 * descriptor. Three kinds of case:
 * - encode: map, then check the exact raw leaf item(s), every table entry on the path (flag bits
 *   given here, table address read from the walk) and a query inside the entry;
 * - decode: write raw items by hand over a mapped path, then query them;
 * - reject: a request the format cannot express fails with the given errno and changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_pt.h"

static struct test_mem tm;

#define B(n)		(1ULL << (n))
#define R		SWMMU_PROT_R
#define W		SWMMU_PROT_W
#define X		SWMMU_PROT_X
#define U		SWMMU_PROT_U
#define G		SWMMU_PROT_G
#define NUL		SWMMU_PROT_NULL
#define MT(m)		SWMMU_PROT_MT(SWMMU_MT_##m)
#define K		(1ULL << 10)
#define M		(1ULL << 20)
#define GB		(1ULL << 30)

/*
 * Table entries of a format: flag bits of a table entry at each level (besides the address of
 * the table it points at) and how the address is placed in the entry (right shift: RISC-V holds
 * PPN = addr >> 12 at bit 10, i.e. addr >> 2).
 */
struct kat_fmt {
	const char *name;
	u64 tbits[SWMMU_MAX_LEVELS];
	unsigned int addr_shr;
};

/* Arm ARM DDI 0487J.a §D8.3: table descriptor = next-level table address | 0b11. */
#define ARM_T		{ 0, 3, 3, 3, 3 }
/* AMD 48882 §2.2.3: PDE = PR | NextLevel (= level pointed at) | IR | IW. */
#define AMD_T(l)	(B(0) | ((u64)(l) << 9) | B(61) | B(62))

static const struct kat_fmt kat_fmts[] = {
	{ "aarch64-4k-39", ARM_T, 0 },
	{ "aarch64-16k", ARM_T, 0 },
	{ "aarch64-64k", ARM_T, 0 },
	{ "aarch64-s2-4k", ARM_T, 0 },
	/* Priv. spec §4.3.1: non-leaf PTE = V with R = W = X = 0 (and U, A, D clear). */
	{ "riscv-sv39", { 0, 1, 1 }, 2 },
	{ "riscv-sv48", { 0, 1, 1, 1 }, 2 },
	{ "riscv-sv57", { 0, 1, 1, 1, 1 }, 2 },
	/* LoongArch Vol. 1, LDDIR: a directory entry is the next table's base address, no flags. */
	{ "loongarch64", { 0, 0, 0, 0 }, 0 },
	{ "amd-v1", { 0, AMD_T(1), AMD_T(2), AMD_T(3) }, 0 },
	/* VT-d §9.8: non-leaf entries R|W (PS = 0). */
	{ "vtd-ss", { 0, 3, 3, 3 }, 0 },
	{ "vtd-ss-39", { 0, 3, 3 }, 0 },
	{ "vtd-ss-57", { 0, 3, 3, 3, 3 }, 0 },
	/* io-pgtable-arm.c: ARM_LPAE_PTE_TYPE_TABLE (0b11). */
	{ "mali-lpae", ARM_T, 0 },
	/* xe_vm.c xelp_pde_encode_bo(): XE_PAGE_PRESENT | XE_PAGE_RW. */
	{ "gpu-xe", { 0, 3, 3, 3 }, 0 },
	/* amdgpu_vm_pt.c / gmc_v9_0_get_vm_pde(): PDE = address | AMDGPU_PTE_VALID. */
	{ "gpu-amd", { 0, 1, 1, 1 }, 0 },
	/*
	 * NVIDIA Pascal MMU format, dev_mmu.h NV_MMU_VER2_PDE_*: IS_PTE[0] = 0, APERTURE[2:1] =
	 * SYSTEM_COHERENT_MEMORY (2), VOL[3], ADDRESS_SYS[53:8] = addr >> 12 (nouveau
	 * gp100_vmm_pde(): "addr >> 4"); PD0 word 0 is the dual PDE's big half, whose
	 * ADDRESS_BIG_SYS[53:4] holds addr >> 8: addr >> 4 as well.
	 */
	{ "nv-gp100", { 0, 0, 0xc, 0xc, 0xc, 0xc }, 4 },
};

static const struct kat_fmt *kat_fmt(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(kat_fmts) / sizeof(kat_fmts[0]); i++)
		if (!strcmp(kat_fmts[i].name, name))
			return &kat_fmts[i];
	return NULL;
}

/* encode: map [va, va + len) -> pa; one entry of n items at level lvl, item i = pte + i * step */
struct kat_enc {
	const char *fmt, *ref;
	u64 va, pa, len;
	u32 prot;
	u64 pgsize;
	unsigned int lvl, n;
	u64 pte, step;
};

/* decode: n raw items written at level lvl from va; query va + off */
struct kat_dec {
	const char *fmt, *ref;
	u64 va;
	unsigned int lvl, n;
	u64 raw, step, off;
	u64 pa;
	u32 prot;
	unsigned int size_lg2;
	bool accessed, dirty;
};

/* reject: the map fails with err and the tables are unchanged */
struct kat_rej {
	const char *fmt, *ref;
	u64 va, pa, len;
	u32 prot;
	u64 pgsize;
	int err;
};

#define CONT_ARM	B(52)
#define XN_ARM		(B(53) | B(54))

static const struct kat_enc kat_enc[] = {
	/* ---- aarch64-4k-39: DDI 0487J.a §D8.3, MAIR layout of arch/aarch64.h ---- */
	{ "aarch64-4k-39", "D8.3 page: OA|0b11|SH=IS|AF|nG, AP=RW EL1, executable",
	  0x1234567000ULL, 0x87654000ULL, 4 * K, R | W | X, 0, 0, 1, 0x87654f03ULL, 0 },
	{ "aarch64-4k-39", "D8.3 2M block: 0b01|AttrIndx=3|AP[2:1]=0b11|AF|UXN|PXN, global",
	  0x4000200000ULL, 0x140200000ULL, 2 * M, R | U | G | MT(DEVICE), 0, 1, 1,
	  0x00600001402004cdULL, 0 },
	{ "aarch64-4k-39", "D8.3 1G block at level 1 (the root): AttrIndx=1 (WT), XN",
	  0x40000000ULL, 0xc0000000ULL, GB, R | W | MT(WT), 0, 2, 1, 0x00600000c0000f05ULL, 0 },
	{ "aarch64-4k-39", "Contiguous bit: 16 x 4K at level 3, each item its own OA",
	  0x10000ULL, 0x200010000ULL, 64 * K, R | W | X, 0, 0, 16,
	  CONT_ARM | 0x200010f03ULL, 4 * K },
	{ "aarch64-4k-39", "Contiguous bit: 16 x 2M at level 2 (32M), read-only XN",
	  0x2000000ULL, 0x82000000ULL, 32 * M, R, 0, 1, 16,
	  CONT_ARM | XN_ARM | 0x82000f81ULL, 2 * M },
	/* ---- aarch64-16k ---- */
	{ "aarch64-16k", "D8.3 16K page: OA[47:14], top of VA and OA",
	  0x7fffffffc000ULL, 0xffffffffc000ULL, 16 * K, R | W, 0, 0, 1,
	  XN_ARM | 0xffffffffcf03ULL, 0 },
	{ "aarch64-16k", "D8.3 32M block at level 2: 0b01|AP[2] (RO)|SH|AF|nG",
	  0x2000000ULL, 0x4000000ULL, 32 * M, R | X, 0, 1, 1, 0x4000f81ULL, 0 },
	{ "aarch64-16k", "Contiguous bit: 128 x 16K at level 3 (2M)",
	  0x600000ULL, 0x100600000ULL, 2 * M, R | W | X, 0, 0, 128,
	  CONT_ARM | 0x100600f03ULL, 16 * K },
	{ "aarch64-16k", "Contiguous bit: 32 x 32M at level 2 (1G)",
	  0x40000000ULL, 0x80000000ULL, GB, R | W | X, 0, 1, 32,
	  CONT_ARM | 0x80000f01ULL, 32 * M },
	/* ---- aarch64-64k ---- */
	{ "aarch64-64k", "D8.3 64K page: OA[47:16], AP[1] (EL0), global, executable",
	  0x10000ULL, 0xabcd0000ULL, 64 * K, R | W | X | U | G, 0, 0, 1, 0xabcd0743ULL, 0 },
	{ "aarch64-64k", "D8.3 512M block at level 2",
	  0x20000000ULL, 0x40000000ULL, 512 * M, R | W, 0, 1, 1, XN_ARM | 0x40000f01ULL, 0 },
	{ "aarch64-64k", "Contiguous bit: 32 x 64K at level 3 (2M)",
	  0x200000ULL, 0x800000ULL, 2 * M, R | W | X, 0, 0, 32, CONT_ARM | 0x800f03ULL, 64 * K },
	{ "aarch64-64k", "Contiguous bit: 32 x 512M at level 2 (16G)",
	  16 * GB, 32 * GB, 16 * GB, R | W | X, 0, 1, 32, CONT_ARM | 0x800000f01ULL, 512 * M },
	/* ---- aarch64-s2-4k: stage 2 MemAttr[5:2], S2AP[7:6], XN[54:53] ---- */
	{ "aarch64-s2-4k", "stage 2 page: MemAttr=0b1111 (WB), S2AP=0b11, SH=IS, AF",
	  0x1000ULL, 0x5000ULL, 4 * K, R | W | X, 0, 0, 1, 0x57ffULL, 0 },
	{ "aarch64-s2-4k", "stage 2 2M block: MemAttr=0b0001 (Device-nGnRE), S2AP=0b01, XN=0b10",
	  0x200000ULL, 0x40000000ULL, 2 * M, R | MT(DEVICE), 0, 1, 1, B(54) | 0x40000445ULL, 0 },
	{ "aarch64-s2-4k", "stage 2 1G block: write-only S2AP=0b10, MemAttr=0b0101 (NC)",
	  0x40000000ULL, 0x80000000ULL, GB, W | X | MT(UC), 0, 2, 1, 0x80000795ULL, 0 },
	{ "aarch64-s2-4k", "stage 2 Contiguous bit: 16 x 4K",
	  0x30000ULL, 0x70000ULL, 64 * K, R | W, 0, 0, 16, CONT_ARM | B(54) | 0x707ffULL, 4 * K },
	/* ---- RISC-V: Priv. v1.12 §4.3.1, §4.4-4.6, Svpbmt, Svnapot ---- */
	{ "riscv-sv39", "§4.3.1 4K leaf: PPN<<10 | V|R|W|X|U|G, A/D clear, PBMT=0 (PMA)",
	  0x1000ULL, 0x80200000ULL, 4 * K, R | W | X | U | G, 0, 0, 1, 0x2008003fULL, 0 },
	{ "riscv-sv39", "§4.4 megapage in the sign-extended upper half, Svpbmt IO (2)",
	  0xffffffc000200000ULL, 0x80400000ULL, 2 * M, R | MT(DEVICE), 0, 1, 1,
	  0x4000000020100003ULL, 0 },
	{ "riscv-sv39", "§4.4 gigapage, R|X, Svpbmt NC (1)",
	  0x40000000ULL, 0x100000000ULL, GB, R | X | MT(UC), 0, 2, 1, 0x200000004000000bULL, 0 },
	{ "riscv-sv39", "Svnapot: 16 identical PTEs, N=1, ppn[3:0]=0b1000",
	  0x10000ULL, 0x81230000ULL, 64 * K, R | W, 0, 0, 16, 0x800000002048e007ULL, 0 },
	{ "riscv-sv48", "§4.5 4K leaf at the top of the upper half (index 511 everywhere)",
	  0xfffffffffffff000ULL, 0x3000ULL, 4 * K, R | W, 0, 0, 1, 0xc07ULL, 0 },
	{ "riscv-sv48", "§4.5 terapage (512G) at level 3",
	  512 * GB, 1024 * GB, 512 * GB, R | W, 0, 3, 1, 0x4000000007ULL, 0 },
	{ "riscv-sv57", "§4.6 petapage (256T) at level 4",
	  1ULL << 48, 1ULL << 48, 1ULL << 48, R | W | X, 0, 4, 1, 0x40000000000fULL, 0 },
	{ "riscv-sv57", "§4.6 4K leaf below a 5-level path",
	  0x00ff000000001000ULL, 0x4000ULL, 4 * K, R, 0, 0, 1, 0x1003ULL, 0 },
	/* ---- loongarch64: LoongArch Vol. 1 §5.4 TLB entry, LDDIR huge pages; Linux P[7] W[8] ---- */
	{ "loongarch64", "§5.4 4K PTE: V|D|MAT=CC|G[6]|P|W, PLV0, NR=NX=0",
	  0x1000ULL, 0x12345000ULL, 4 * K, R | W | X | G, 0, 0, 1, 0x123451d3ULL, 0 },
	{ "loongarch64", "§5.4 4K PTE, user read-only no-exec, MAT=SUC (device): V|PLV=3|P|NX",
	  0xffff800000002000ULL, 0x40000000ULL, 4 * K, R | U | MT(DEVICE), 0, 0, 1,
	  B(62) | 0x4000008dULL, 0 },
	{ "loongarch64", "LDDIR huge 2M: H[6]|HG[12] (global moves), MAT=WUC, V|D|P|W, NX",
	  0x200000ULL, 0x80200000ULL, 2 * M, R | W | G | MT(UC), 0, 1, 1,
	  B(62) | 0x802011e3ULL, 0 },
	{ "loongarch64", "LDDIR huge 1G at level 2: H|PLV=3|MAT=CC|V|P, executable, not global",
	  0x40000000ULL, 0x100000000ULL, GB, R | X | U, 0, 2, 1, 0x1000000ddULL, 0 },
	{ "loongarch64", "§5.4 write-only 4K: NR[61] set, D|W",
	  0x3000ULL, 0x7000ULL, 4 * K, W, 0, 0, 1, B(61) | B(62) | 0x7193ULL, 0 },
	/* ---- amd-v1: 48882 §2.2.3 ---- */
	{ "amd-v1", "4K PTE: PR|NextLevel=0|addr|FC|IR|IW",
	  0x1000ULL, 0x12345000ULL, 4 * K, R | W, 0, 0, 1, 0x7000000012345001ULL, 0 },
	{ "amd-v1", "2M PTE in a level 2 entry (NextLevel=0), IR only",
	  0x200000ULL, 0x40000000ULL, 2 * M, R, 0, 1, 1, 0x3000000040000001ULL, 0 },
	{ "amd-v1", "1G PTE in a level 3 entry, IW only",
	  0x40000000ULL, 0x80000000ULL, GB, W, 0, 2, 1, 0x5000000080000001ULL, 0 },
	{ "amd-v1", "Table 14: 64K = NextLevel 7, address bits[15:12]=0b0111, 16 identical",
	  0x10000ULL, 0x23450000ULL, 64 * K, R | W, 0, 0, 16, 0x7000000023457e01ULL, 0 },
	{ "amd-v1", "Table 14: 8K = NextLevel 7, address bit 12 = 0",
	  0x2000ULL, 0x4000ULL, 8 * K, R | W, 0, 0, 2, 0x7000000000004e01ULL, 0 },
	{ "amd-v1", "Table 14: 4M = NextLevel 7 in level 2, address bits[20:12] ones, bit 21 zero",
	  0x400000ULL, 0x800000ULL, 4 * M, R | W, 0, 1, 2, 0x70000000009ffe01ULL, 0 },
	{ "amd-v1", "Table 14: 2G = NextLevel 7 in level 3, address bits[29:12] ones",
	  0x80000000ULL, 0x100000000ULL, 2 * GB, R, 0, 2, 2, 0x300000013ffffe01ULL, 0 },
	/* ---- vtd-ss: VT-d §9.8 ---- */
	{ "vtd-ss", "SS-PTE: R|W|SNP (write-back, snooped)",
	  0x1000ULL, 0xabc000ULL, 4 * K, R | W, 0, 0, 1, 0xabc803ULL, 0 },
	{ "vtd-ss", "SS-PDE 2M: R|PS, not snooped (UC)",
	  0x200000ULL, 0x600000ULL, 2 * M, R | MT(UC), 0, 1, 1, 0x600081ULL, 0 },
	{ "vtd-ss", "SS-PDPE 1G: write-only W|PS|SNP",
	  0x40000000ULL, 0xc0000000ULL, GB, W, 0, 2, 1, 0xc0000882ULL, 0 },
	{ "vtd-ss-39", "§3.7 AGAW 39: SS-PTE under a 3-level path (SS-PDPE table is the root)",
	  0x7ffffff000ULL, 0xabc000ULL, 4 * K, R | W, 0, 0, 1, 0xabc803ULL, 0 },
	{ "vtd-ss-39", "SS-PDPE 1G leaf in the root table", 0x4000000000ULL - GB,
	  0x40000000ULL, GB, R | W, 0, 2, 1, 0x40000883ULL, 0 },
	{ "vtd-ss-57", "§3.7 AGAW 57: SS-PTE under a 5-level path",
	  0x1ff000000001000ULL, 0x5000ULL, 4 * K, R, 0, 0, 1, 0x5801ULL, 0 },
	/* ---- mali-lpae: io-pgtable-arm.c ARM_MALI_LPAE ---- */
	{ "mali-lpae", "4K leaf type 0b01, IDX_CACHE, HAP R|W, SH=OS, no AF",
	  0x1000ULL, 0x10000000ULL, 4 * K, R | W | X, 0, 0, 1, 0x100002c5ULL, 0 },
	{ "mali-lpae", "2M leaf, IDX_DEV, read-only, XN (bits 54:53)",
	  0x200000ULL, 0x20000000ULL, 2 * M, R | MT(DEVICE), 0, 1, 1, XN_ARM | 0x20000249ULL, 0 },
	{ "mali-lpae", "1G leaf, IDX_NC, write-only, executable",
	  0x40000000ULL, 0x80000000ULL, GB, W | X | MT(UC), 0, 2, 1, 0x80000281ULL, 0 },
	/* ---- gpu-xe: xe_gtt_defs.h, xe_vm.c, xe_pat.c (xelp) ---- */
	{ "gpu-xe", "4K PTE: PRESENT|RW, PAT index 0 (WB)",
	  0x1000ULL, 0x20000000ULL, 4 * K, R | W, 0, 0, 1, 0x20000003ULL, 0 },
	{ "gpu-xe", "4K PTE, PAT index 2 (WT) = PAT1 (bit 4), read-only",
	  0x5000ULL, 0x21000000ULL, 4 * K, R | MT(WT), 0, 0, 1, 0x21000011ULL, 0 },
	{ "gpu-xe", "2M PDE leaf: PS(7), PAT index 1 (WC) = PAT0 (bit 3), read-only",
	  0x200000ULL, 0x40000000ULL, 2 * M, R | MT(UC), 0, 1, 1, 0x40000089ULL, 0 },
	{ "gpu-xe", "1G PDPE leaf: PS(7), PAT index 3 (UC) = PAT0|PAT1",
	  0x40000000ULL, 0x80000000ULL, GB, R | W | MT(DEVICE), 0, 2, 1, 0x8000009bULL, 0 },
	{ "gpu-xe", "64K page: XE_PTE_PS64 on 16 PTEs, each its own address",
	  0x10000ULL, 0x300010000ULL, 64 * K, R | W, 0, 0, 16, 0x300010103ULL, 4 * K },
	{ "gpu-xe", "NULL 4K PTE: PRESENT|XE_PTE_NULL, no address",
	  0x80000ULL, 0, 4 * K, NUL, 0, 0, 1, 0x201ULL, 0 },
	{ "gpu-xe", "NULL 2M PDE: PRESENT|XE_PTE_NULL|PS",
	  0x600000ULL, 0, 2 * M, NUL, 0, 1, 1, 0x281ULL, 0 },
	/* ---- gpu-amd: amdgpu_vm.h (GFX9 layout), vega10 MTYPE ---- */
	{ "gpu-amd", "PTB 4K: VALID|SYSTEM|SNOOPED|EXEC|READ|WRITE, MTYPE_NC, FRAG=0",
	  0x1000ULL, 0x10000000ULL, 4 * K, R | W | X, 0, 0, 1, 0x10000077ULL, 0 },
	{ "gpu-amd", "PDB0 PDE-as-PTE 2M: PDE_PTE(54), MTYPE_WC (1), read-only",
	  0x200000ULL, 0x40000000ULL, 2 * M, R | MT(UC), 0, 1, 1, 0x0240000040000023ULL, 0 },
	{ "gpu-amd", "PTB fragment 4 (64K): FRAG(4) on 16 PTEs, each its own address",
	  0x10000ULL, 0x20010000ULL, 64 * K, R | W, 0, 0, 16, 0x20010267ULL, 4 * K },
	{ "gpu-amd", "PDB0 fragment 10 (4M) on two 2M PDE-as-PTEs, MTYPE_UC",
	  0x400000ULL, 0x800000ULL, 4 * M, R | MT(DEVICE), 0, 1, 2, 0x0640000000800523ULL, 2 * M },
	{ "gpu-amd", "PRT 4K: PRT(51) set, VALID clear",
	  0x80000ULL, 0, 4 * K, NUL, 0, 0, 1, B(51), 0 },
	{ "gpu-amd", "PRT 2M: PRT|PDE_PTE, VALID clear",
	  0x600000ULL, 0, 2 * M, NUL, 0, 1, 1, B(51) | B(54), 0 },
	/*
	 * ---- nv-gp100: Pascal MMU format, dev_mmu.h NV_MMU_VER2_PTE_*: VALID[0], APERTURE[2:1]
	 * (2 system coherent, 3 system non-coherent), VOL[3], PRIVILEGE[5], READ_ONLY[6],
	 * ADDRESS_SYS[53:8] = addr >> 12 ----
	 */
	{ "nv-gp100", "big PTE 64K: VALID|APERTURE=SYS_COH|VOL (uncached), user, writable",
	  0x10000ULL, 0x40010000ULL, 64 * K, R | W | U | MT(UC), 0, 1, 1, 0x400100dULL, 0 },
	{ "nv-gp100", "PD0 2M PTE (IS_PTE): APERTURE=SYS_NONCOH|VOL|PRIVILEGE|READ_ONLY",
	  0, 0x80000000ULL, 2 * M, R | MT(DEVICE), 0, 2, 1, 0x800006fULL, 0 },
	{ "nv-gp100", "sparse big PTE: VALID=0, VOL=1 (gp100_vmm_pgt_sparse)",
	  0x30000ULL, 0, 64 * K, NUL, 0, 1, 1, B(3), 0 },
	{ "nv-gp100", "sparse PD0 2M: VALID=0, VOL_BIG=1 (gp100_vmm_pd0_sparse)",
	  0x20000000ULL, 0, 2 * M, NUL, 0, 2, 1, B(3), 0 },
};

static const struct kat_dec kat_dec[] = {
	{ "aarch64-4k-39", "D8.3 page AttrIndx=2, AP[2:1]=0b11 (RO, EL0), PXN only: R|U, not X",
	  0x7000ULL, 0, 1, 0x00200000deadbfcbULL, 0, 0x123, 0xdeadb123ULL, R | U | MT(UC), 12,
	  true, false },
	{ "aarch64-16k", "Contiguous bit: 128 hand-written 16K items decode as one 2M entry",
	  0x200000ULL, 0, 128, CONT_ARM | 0x40000f03ULL, 16 * K, 0x12345, 0x40012345ULL,
	  R | W | X, 21, true, false },
	{ "aarch64-s2-4k", "stage 2: MemAttr=0b1010 (WT), S2AP=0b01, XN[1]",
	  0x3000ULL, 0, 1, 0x004000001234576bULL, 0, 0x10, 0x12345010ULL, R | MT(WT), 12,
	  true, false },
	{ "riscv-sv39", "Svnapot 64K with A and D set, sixteen identical PTEs",
	  0x20000ULL, 0, 16, 0x800000002048e0c7ULL, 0, 0x5123, 0x81235123ULL, R | W, 16,
	  true, true },
	{ "loongarch64", "huge 2M with HG[12] set: global, bit 12 is not an address bit",
	  0x200000ULL, 1, 1, 0x6000000081a011d3ULL, 0, 0x1234, 0x81a01234ULL, W | G, 21,
	  false, false },
	{ "loongarch64", "4K PTE with G[6], RPLV[63] ignored, MAT=SUC",
	  0x5000ULL, 0, 1, 0x80000000abcde1cfULL, 0, 0x10, 0xabcde010ULL,
	  R | W | X | U | G | MT(DEVICE), 12, false, false },
	{ "amd-v1", "Table 14: 32K (bits[14:12]=0b011), IR only, no FC",
	  0x8000ULL, 0, 8, 0x200000005555be01ULL, 0, 0x1234, 0x55559234ULL, R, 15,
	  false, false },
	{ "amd-v1", "4K PTE with A(5) and D(6)",
	  0x1000ULL, 0, 1, 0x6000000000abc061ULL, 0, 0x8, 0xabc008ULL, R | W, 12, true, true },
	{ "vtd-ss", "2M SS-PDE R|W|PS|A|D, SNP clear",
	  0x200000ULL, 1, 1, 0x123400383ULL, 0, 0x1234, 0x123401234ULL, R | W | MT(UC), 21,
	  true, true },
	{ "mali-lpae", "2M leaf 0b01, IDX_CACHE, HAP W only, XN",
	  0x200000ULL, 1, 1, XN_ARM | 0x60000285ULL, 0, 0x777, 0x60000777ULL, W, 21,
	  false, false },
	{ "gpu-xe", "4K PTE, PAT index 2 (WT), read-only",
	  0x4000ULL, 0, 1, 0x12345011ULL, 0, 0x42, 0x12345042ULL, R | MT(WT), 12, false, false },
	{ "gpu-amd", "FRAG(4) on 16 PTEs: one 64K entry",
	  0x30000ULL, 0, 16, 0x50000267ULL, 4 * K, 0x4321, 0x50004321ULL, R | W, 16,
	  false, false },
	{ "nv-gp100", "NV_MMU_VER2_PTE 4K: VALID|SYS_COH|READ_ONLY, ADDRESS_SYS = 0x12345",
	  0x5000ULL, 0, 1, 0x1234545ULL, 0, 0x123, 0x12345123ULL, R | U, 12, false, false },
	{ "nv-gp100", "NV_MMU_VER2_PTE 64K: VALID|SYS_NONCOH|VOL|PRIVILEGE (kernel only)",
	  0x50000ULL, 1, 1, 0x500002fULL, 0, 0x8123, 0x50008123ULL, R | W | MT(DEVICE), 16,
	  false, false },
};

static const struct kat_rej kat_rej[] = {
	{ "aarch64-16k", "no 64G level 1 block without FEAT_LPA2", 0, 0, 1ULL << 36, R,
	  1ULL << 36, -EOPNOTSUPP },
	{ "aarch64-64k", "no 4T level 1 block without FEAT_LPA", 0, 0, 1ULL << 42, R,
	  1ULL << 42, -EOPNOTSUPP },
	{ "aarch64-64k", "no 4K pages with the 64K granule", 0x10000, 0x10000, 4 * K, R, 0,
	  -EINVAL },
	{ "aarch64-4k-39", "VA beyond 39 bits", 1ULL << 39, 0, 4 * K, R, 0, -ERANGE },
	{ "aarch64-s2-4k", "stage 2 has no AP[1]: user", 0, 0, 4 * K, R | U, 0, -EOPNOTSUPP },
	{ "aarch64-s2-4k", "stage 2 has no nG: global", 0, 0, 4 * K, R | G, 0, -EOPNOTSUPP },
	{ "aarch64-s2-4k", "stage 2 execute-only", 0, 0, 4 * K, X, 0, -EOPNOTSUPP },
	{ "riscv-sv39", "Table 4.5: W without R is reserved", 0, 0, 4 * K, W, 0, -EOPNOTSUPP },
	{ "riscv-sv39", "R=W=X=0 would be a pointer, not a leaf", 0, 0, 4 * K, U | G, 0,
	  -EOPNOTSUPP },
	{ "riscv-sv39", "Svpbmt has no write-through type", 0, 0, 4 * K, R | MT(WT), 0,
	  -EOPNOTSUPP },
	{ "riscv-sv39", "Svnapot defines 64K only (no 32K)", 0, 0, 32 * K, R, 32 * K, -EOPNOTSUPP },
	{ "riscv-sv39", "VA in the non-canonical hole", 1ULL << 38, 0, 4 * K, R, 0, -ERANGE },
	{ "riscv-sv39", "PA beyond 56 bits", 0, 1ULL << 56, 4 * K, R, 0, -ERANGE },
	{ "loongarch64", "no huge page at the top level (512G)", 0, 0, 512 * GB, R, 512 * GB,
	  -EOPNOTSUPP },
	{ "loongarch64", "MAT has no write-through type", 0, 0, 4 * K, R | MT(WT), 0,
	  -EOPNOTSUPP },
	{ "loongarch64", "PA beyond PALEN 48", 0, 1ULL << 48, 4 * K, R, 0, -ERANGE },
	{ "loongarch64", "VA in the non-canonical hole", 1ULL << 47, 0, 4 * K, R, 0, -ERANGE },
	{ "amd-v1", "no execute permission", 0, 0, 4 * K, R | X, 0, -EOPNOTSUPP },
	{ "amd-v1", "no user/supervisor", 0, 0, 4 * K, R | U, 0, -EOPNOTSUPP },
	{ "amd-v1", "FC forced: write-back only", 0, 0, 4 * K, R | MT(UC), 0, -EOPNOTSUPP },
	{ "amd-v1", "a PTE must grant IR or IW", 0, 0, 4 * K, 0, 0, -EOPNOTSUPP },
	{ "vtd-ss", "execute requests are not supported", 0, 0, 4 * K, R | X, 0, -EOPNOTSUPP },
	{ "vtd-ss", "no present bit: R or W needed", 0, 0, 4 * K, 0, 0, -EOPNOTSUPP },
	{ "vtd-ss", "SNP only: no device type", 0, 0, 4 * K, R | MT(DEVICE), 0, -EOPNOTSUPP },
	{ "vtd-ss", "no null entries", 0, 0, 4 * K, NUL, 0, -EOPNOTSUPP },
	{ "vtd-ss-39", "AGAW 39: IOVA beyond 39 bits", 1ULL << 39, 0, 4 * K, R, 0, -ERANGE },
	{ "vtd-ss-57", "no 512G superpage (SS-PML4E PS reserved)", 0, 0, 512 * GB, R, 512 * GB,
	  -EOPNOTSUPP },
	{ "mali-lpae", "OA beyond 40 bits", 0, 1ULL << 40, 4 * K, R, 0, -ERANGE },
	{ "mali-lpae", "no write-through attribute index", 0, 0, 4 * K, R | MT(WT), 0,
	  -EOPNOTSUPP },
	{ "mali-lpae", "stage-2-style permissions: no user", 0, 0, 4 * K, R | U, 0, -EOPNOTSUPP },
	{ "gpu-xe", "reads always allowed: write-only", 0, 0, 4 * K, W, 0, -EOPNOTSUPP },
	{ "gpu-xe", "no execute permission", 0, 0, 4 * K, R | X, 0, -EOPNOTSUPP },
	{ "gpu-amd", "no write-through MTYPE", 0, 0, 4 * K, R | MT(WT), 0, -EOPNOTSUPP },
	{ "gpu-amd", "no global bit", 0, 0, 4 * K, R | G, 0, -EOPNOTSUPP },
	{ "gpu-amd", "no 1G fragments at PDB1", 0, 0, 2 * GB, R, 2 * GB, -EOPNOTSUPP },
	{ "nv-gp100", "no write-through", 0, 0, 4 * K, R | MT(WT), 0, -EOPNOTSUPP },
	{ "nv-gp100", "no execute permission bit", 0, 0, 4 * K, R | X, 0, -EOPNOTSUPP },
	{ "nv-gp100", "no global bit", 0, 0, 4 * K, R | G, 0, -EOPNOTSUPP },
	{ "nv-gp100", "no valid 1G PTE at PD1 (sparse only on Pascal)", 0, 0, GB, R, GB,
	  -EOPNOTSUPP },
	{ "nv-gp100", "64K page at a 4K-aligned VA", 0x1000, 0x1000, 64 * K, R, 64 * K, -EINVAL },
};

struct path {
	u64 pte[SWMMU_MAX_LEVELS];
	u64 table[SWMMU_MAX_LEVELS];
	unsigned int idx[SWMMU_MAX_LEVELS];
	int kind[SWMMU_MAX_LEVELS];
};

static int path_item(void *ctx, struct swmmu_walk_item *it)
{
	struct path *p = ctx;

	p->pte[it->level] = it->pte;
	p->table[it->level] = it->table;
	p->idx[it->level] = it->index;
	p->kind[it->level] = it->kind;
	return SWMMU_WALK_DESCEND;
}

static void get_path(const struct swmmu_as *as, u64 va, struct path *p)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = path_item, .hole = path_item, .pre_table = path_item,
	};

	memset(p, 0, sizeof(*p));
	swmmu_walk(as, va, 1, &ops, p);
}

/* CPU pointer of item idx of the table at bus address table (8-byte items). */
static u64 *item_ptr(u64 table, unsigned int idx)
{
	return (u64 *)(tm.base + (table - TEST_BUS_BASE)) + idx;
}

static void run_enc(const struct kat_enc *c)
{
	const struct swmmu_format *f = swmmu_format_find(c->fmt);
	const struct kat_fmt *kf = kat_fmt(c->fmt);
	struct swmmu_map_opts o = { .pgsize = c->pgsize };
	unsigned int i, l;
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;
	u64 off = c->len / 2 + 0x18;
	bool ok = true;

	if (!TAP_CHECK(f && kf && !swmmu_as_init(&as, f, &tm.mem), "%s: create", c->fmt))
		return;
	if (!TAP_EQ(swmmu_map_ext(&as, c->va, c->pa, c->len, c->prot, &o), 0, "%s: map (%s)",
		    c->fmt, c->ref))
		goto out;
	get_path(&as, c->va, &p);
	TAP_EQ(p.kind[c->lvl], SWMMU_ITEM_LEAF, "%s: leaf at level %u", c->fmt, c->lvl);
	for (i = 0; i < c->n; i++) {
		u64 got = *item_ptr(p.table[c->lvl], p.idx[c->lvl] + i);

		if (got != c->pte + i * c->step) {
			tap_diag("  item %u = 0x%llx, want 0x%llx", i, (unsigned long long)got,
				 (unsigned long long)(c->pte + i * c->step));
			ok = false;
		}
	}
	TAP_CHECK(ok, "%s: raw leaf 0x%llx x%u: %s", c->fmt, (unsigned long long)c->pte, c->n,
		  c->ref);
	for (l = c->lvl + 1; l < f->nr_levels; l++)
		TAP_EQ(p.pte[l], kf->tbits[l] | (p.table[l - 1] >> kf->addr_shr),
		       "%s: table entry at level %u = flags 0x%llx | next table", c->fmt, l,
		       (unsigned long long)kf->tbits[l]);
	if (TAP_EQ(swmmu_query(&as, c->va + off, &x), 0, "%s: query inside the entry", c->fmt)) {
		TAP_EQ(x.pa, (c->prot & NUL) ? 0 : c->pa + off, "%s: query pa", c->fmt);
		TAP_EQ(x.size_lg2, __builtin_ctzll(c->len), "%s: query size", c->fmt);
		TAP_EQ(x.level, c->lvl, "%s: query level", c->fmt);
		TAP_EQ(x.prot, c->prot, "%s: query prot round trip", c->fmt);
	}
out:
	swmmu_as_destroy(&as);
}

static void run_dec(const struct kat_dec *c)
{
	const struct swmmu_format *f = swmmu_format_find(c->fmt);
	u64 item = f ? 1ULL << f->level[c->lvl].shift : 0;
	struct swmmu_map_opts o = { .pgsize = item };
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;
	unsigned int i;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "%s: create", c->fmt))
		return;
	/* Build the path with plain items of the level, then overwrite them by hand. */
	if (!TAP_EQ(swmmu_map_ext(&as, c->va, 0, item * c->n, R | W, &o), 0,
		    "%s: map scaffold for decode", c->fmt))
		goto out;
	get_path(&as, c->va, &p);
	for (i = 0; i < c->n; i++)
		*item_ptr(p.table[c->lvl], p.idx[c->lvl] + i) = c->raw + i * c->step;
	if (TAP_EQ(swmmu_query(&as, c->va + c->off, &x), 0, "%s: decode query (%s)", c->fmt,
		   c->ref)) {
		TAP_EQ(x.pa, c->pa, "%s: decoded pa of raw 0x%llx", c->fmt,
		       (unsigned long long)c->raw);
		TAP_EQ(x.prot, c->prot, "%s: decoded prot", c->fmt);
		TAP_EQ(x.size_lg2, c->size_lg2, "%s: decoded size", c->fmt);
		TAP_EQ(x.level, c->lvl, "%s: decoded level", c->fmt);
		TAP_EQ(x.accessed, c->accessed, "%s: decoded accessed", c->fmt);
		TAP_EQ(x.dirty, c->dirty, "%s: decoded dirty", c->fmt);
	}
	/* Unmap clears the hand-written items through the same decoding. */
	TAP_EQ(swmmu_unmap(&as, c->va, item * c->n, 0, NULL, NULL), 0, "%s: unmap decoded entry",
	       c->fmt);
out:
	swmmu_as_destroy(&as);
}

static void run_rej(const struct kat_rej *c)
{
	const struct swmmu_format *f = swmmu_format_find(c->fmt);
	struct swmmu_map_opts o = { .pgsize = c->pgsize };
	struct swmmu_stats s0, s1;
	struct swmmu_as as;
	u64 h0, nva = 8 * M;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "%s: create", c->fmt))
		return;
	/* Something mapped nearby (outside the range), so "unchanged" covers existing tables. */
	if (c->va <= nva && nva - c->va < c->len)
		nva = c->va + c->len;
	TAP_EQ(swmmu_map(&as, nva, nva, 1ULL << f->level[0].shift, R | W), 0,
	       "%s: map a neighbour page", c->fmt);
	h0 = test_snapshot(&as);
	swmmu_as_stats(&as, &s0);
	TAP_EQ(swmmu_map_ext(&as, c->va, c->pa, c->len, c->prot, &o), c->err, "%s: %s -> %s",
	       c->fmt, c->ref, test_errname(c->err));
	swmmu_as_stats(&as, &s1);
	TAP_CHECK(test_snapshot(&as) == h0 && s0.nr_tables == s1.nr_tables,
		  "%s: tables unchanged after the refused map", c->fmt);
	swmmu_as_destroy(&as);
}

/* VT-d §9.8: W in a non-leaf entry restricts the pages below; R always set. */
static void test_vtd_table_prot(void)
{
	const struct swmmu_format *f = swmmu_format_find("vtd-ss");
	struct swmmu_map_opts o = { .flags = SWMMU_MAP_TABLE_PROT, .table_prot = R | X | U };
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;
	unsigned int l;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "vtd-ss: create"))
		return;
	TAP_EQ(swmmu_map_ext(&as, 0x1000, 0x2000, 4 * K, R | W, &o), 0,
	       "vtd-ss: map with read-only table entries");
	get_path(&as, 0x1000, &p);
	for (l = 1; l < 4; l++)
		TAP_EQ(p.pte[l], p.table[l - 1] | 0x1, "vtd-ss: level %u table entry = addr | R", l);
	TAP_EQ(swmmu_query(&as, 0x1000, &x), 0, "vtd-ss: query");
	TAP_EQ(x.eff_prot & (R | W), R, "vtd-ss: W in the leaf is masked by the tables");
	swmmu_as_destroy(&as);
}

/*
 * AMD 48882 §2.2.2.1 (DTE Mode) and §2.2.3: Mode n selects an n-level table whose root is a
 * level n table, so the root's PDEs say NextLevel n - 1 and it may hold PTEs of its level's size.
 * amd-v1 reduced to 12 + 9n bits (swmmu_format_derive()) is that table; AMD_CHECK walks Linux
 * 6.1's Mode 3 tables (DEFAULT_PGTABLE_LEVEL) with it.
 */
static void test_amd_modes(void)
{
	const struct swmmu_format *f = swmmu_format_find("amd-v1");
	struct swmmu_format d;
	struct swmmu_as as;
	struct path p;
	unsigned int mode;

	if (!TAP_CHECK(f, "amd-v1: registered"))
		return;
	for (mode = 1; mode <= 4; mode++) {
		TAP_EQ(swmmu_format_derive(f, 12 + 9 * mode, &d), 0, "amd-v1: Mode %u derives", mode);
		TAP_EQ(d.nr_levels, mode, "amd-v1: Mode %u: a %u-level table", mode, mode);
	}
	if (!TAP_CHECK(!swmmu_format_derive(f, 39, &d) && !swmmu_as_init(&as, &d, &tm.mem),
		       "amd-v1 Mode 3: create"))
		return;
	TAP_EQ(swmmu_map(&as, 0x1000, 0x12345000, 4 * K, R | W), 0, "amd-v1 Mode 3: map 4K");
	get_path(&as, 0x1000, &p);
	TAP_EQ(*item_ptr(p.table[0], p.idx[0]), 0x7000000012345001ULL,
	       "amd-v1 Mode 3: 4K PTE PR|NextLevel=0|addr|FC|IR|IW");
	TAP_EQ(p.pte[1], AMD_T(1) | p.table[0], "amd-v1 Mode 3: level 2 PDE, NextLevel 1");
	TAP_EQ(p.pte[2], AMD_T(2) | p.table[1], "amd-v1 Mode 3: root (level 3) PDE, NextLevel 2");
	TAP_EQ(swmmu_map(&as, 0x40000000, 0x80000000, GB, W), 0, "amd-v1 Mode 3: map 1G");
	get_path(&as, 0x40000000, &p);
	TAP_CHECK(p.kind[2] == SWMMU_ITEM_LEAF && p.pte[2] == 0x5000000080000001ULL,
		  "amd-v1 Mode 3: 1G PTE (NextLevel 0, IW) in the root table");
	TAP_EQ(swmmu_map(&as, 0x80000000, 0x100000000ULL, 2 * GB, R), 0, "amd-v1 Mode 3: map 2G");
	get_path(&as, 0x80000000, &p);
	TAP_CHECK(p.kind[2] == SWMMU_ITEM_LEAF && p.pte[2] == 0x300000013ffffe01ULL &&
		  *item_ptr(p.table[2], p.idx[2] + 1) == 0x300000013ffffe01ULL,
		  "amd-v1 Mode 3: 2G = NextLevel 7 in two root items, address bits[29:12] ones");
	TAP_EQ(swmmu_map(&as, 1ULL << 39, 0, 4 * K, R), -ERANGE,
	       "amd-v1 Mode 3: no IOVA beyond 39 bits");
	swmmu_as_destroy(&as);
}

/*
 * §2.2.3: a PDE whose NextLevel is below its own level minus one skips levels (the IOVA bits of
 * the skipped levels must be zero). The core does not model skipping: such a PDE is a reserved
 * item, never followed and occupied for map, which is how AMD_CHECK finds and counts one. Linux
 * 6.1 never writes them (fetch_pte(): "No level skipping support yet").
 */
static void test_amd_skip_reserved(void)
{
	const struct swmmu_format *f = swmmu_format_find("amd-v1");
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;
	u64 *root, saved;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "amd-v1: create"))
		return;
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, 4 * K, R | W), 0, "amd-v1: map 4K");
	get_path(&as, 0x1000, &p);
	root = item_ptr(p.table[3], p.idx[3]);
	saved = *root;
	/* Level 4 PDE straight to the level 2 table: NextLevel 2, level 3 skipped. */
	*root = AMD_T(2) | p.table[1];
	get_path(&as, 0x1000, &p);
	TAP_EQ(p.kind[3], SWMMU_ITEM_BAD, "amd-v1: a level-skipping PDE is a reserved item");
	TAP_CHECK(swmmu_query(&as, 0x1000, &x) != 0, "amd-v1: the walk does not follow it");
	TAP_EQ(swmmu_map(&as, 0x3000, 0x2000, 4 * K, R), -EEXIST,
	       "amd-v1: a level-skipping PDE is occupied for map");
	*root = saved;
	TAP_EQ(swmmu_query(&as, 0x1000, &x), 0, "amd-v1: translates again with NextLevel 3");
	swmmu_as_destroy(&as);
}

/* Mali: 0b11 at the last level is not a page (iopte_leaf() for ARM_MALI_LPAE). */
static void test_mali_reserved(void)
{
	const struct swmmu_format *f = swmmu_format_find("mali-lpae");
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "mali-lpae: create"))
		return;
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, 4 * K, R), 0, "mali-lpae: map 4K");
	get_path(&as, 0x1000, &p);
	*item_ptr(p.table[0], p.idx[0]) = 0x2000 | 0x3 | 0x40 | 0x200;
	get_path(&as, 0x1000, &p);
	TAP_EQ(p.kind[0], SWMMU_ITEM_BAD, "mali-lpae: type 0b11 at level 3 is reserved");
	TAP_CHECK(swmmu_query(&as, 0x1000, &x) != 0, "mali-lpae: reserved entry does not translate");
	TAP_EQ(swmmu_map(&as, 0x1000, 0x2000, 4 * K, R), -EEXIST,
	       "mali-lpae: reserved entry is occupied for map");
	*item_ptr(p.table[0], p.idx[0]) = 0;
	swmmu_as_destroy(&as);
}

/*
 * nv-gp100 PD0 dual entry. Pascal MMU format, dev_mmu.h NV_MMU_VER2_DUAL_PDE_*: bits 63:0 point
 * at the big-page table (IS_PTE[0] = 0, APERTURE_BIG[2:1], VOL_BIG[3], ADDRESS_BIG_SYS[53:4] =
 * addr >> ADDRESS_BIG_SHIFT (8)), bits 127:64 at the small-page table (APERTURE_SMALL[66:65],
 * VOL_SMALL[67], ADDRESS_SMALL_SYS[117:72] = addr >> 12). A zero big PTE defers to the small
 * PTEs below it; VALID = 0 with PRIVILEGE = 1 hides them (nouveau gp100_vmm_lpt_invalid(),
 * open-gpu-kernel-modules uvm_pascal_mmu.c unmapped_pte_pascal()). Every expected word is built
 * from those field positions here, not from the descriptor.
 */
#define NV_PTE(pa, bits)	(((u64)(pa) >> 12) << 8 | (bits))
#define NV_V_COH		0x5ULL		/* VALID | APERTURE = SYSTEM_COHERENT (2) */

struct nv_leaves {
	unsigned int n;
	unsigned int level[8];
	u64 va[8];
	u64 pte, pte2;
};

static int nv_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct nv_leaves *l = ctx;

	if (l->n < 8) {
		l->level[l->n] = it->level;
		l->va[l->n] = it->va;
	}
	l->n++;
	return SWMMU_WALK_DESCEND;
}

static int nv_pd0(void *ctx, struct swmmu_walk_item *it)
{
	struct nv_leaves *l = ctx;

	if (it->level == 2) {
		l->pte = it->pte;
		l->pte2 = it->pte2;
	}
	return SWMMU_WALK_DESCEND;
}

static void test_nv_dual(void)
{
	static const struct swmmu_walk_ops ops = { .leaf = nv_leaf, .pre_table = nv_pd0 };
	const struct swmmu_format *f = swmmu_format_find("nv-gp100");
	const u64 r = 0x200000;		/* PD0 item 1 of the first PD1 entry */
	u64 *pd0, big, small, h, i, want;
	struct swmmu_stats st;
	struct nv_leaves lv;
	struct swmmu_xlate x;
	struct swmmu_as as;
	struct path p;
	bool ok;

	if (!TAP_CHECK(f && !swmmu_as_init(&as, f, &tm.mem), "nv-gp100: create (dual)"))
		return;
	TAP_EQ(swmmu_map(&as, r + 0x10000, 0x40010000, 64 * K, R | W | U), 0,
	       "nv-gp100: map 64K at a 64K-aligned VA");
	TAP_EQ(swmmu_map(&as, r + 0x1000, 0x30001000, 8 * K, R | W | U), 0,
	       "nv-gp100: map 8K in the same 2M region");
	get_path(&as, r + 0x10000, &p);
	big = p.table[1];
	TAP_EQ(p.kind[1], SWMMU_ITEM_LEAF, "nv-gp100: the 64K mapping is a big PTE");
	get_path(&as, r + 0x1000, &p);
	small = p.table[0];
	TAP_EQ(p.kind[0], SWMMU_ITEM_LEAF, "nv-gp100: the 4K mapping is a small PTE");
	pd0 = item_ptr(p.table[2], 2 * p.idx[2]);
	TAP_EQ(p.idx[2], 1, "nv-gp100: PD0 index of VA 0x200000 is 1 (VA[28:21])");
	TAP_EQ(pd0[0], (2ULL << 1) | B(3) | ((big >> 8) << 4),
	       "nv-gp100: dual PDE bits 63:0 = APERTURE_BIG SYS_COH | VOL_BIG | big table >> 8 at 4");
	TAP_EQ(pd0[1], (2ULL << (65 - 64)) | B(67 - 64) | ((small >> 12) << (72 - 64)),
	       "nv-gp100: dual PDE bits 127:64 = APERTURE_SMALL SYS_COH | VOL_SMALL | small table >> 12 at 72");
	TAP_EQ(*item_ptr(big, 1), NV_PTE(0x40010000, NV_V_COH),
	       "nv-gp100: big PTE 1 = VALID|SYS_COH|0x40010 at ADDRESS_SYS[53:8]");
	TAP_EQ(*item_ptr(small, 1), NV_PTE(0x30001000, NV_V_COH), "nv-gp100: small PTE 1");
	TAP_EQ(*item_ptr(small, 2), NV_PTE(0x30002000, NV_V_COH), "nv-gp100: small PTE 2");
	TAP_CHECK(!swmmu_query(&as, r + 0x18123, &x) && x.pa == 0x40018123 && x.level == 1 &&
		  x.size_lg2 == 16, "nv-gp100: query through the big half");
	TAP_CHECK(!swmmu_query(&as, r + 0x1abc, &x) && x.pa == 0x30001abc && x.level == 0 &&
		  x.size_lg2 == 12, "nv-gp100: query through the small half");
	TAP_EQ(swmmu_query(&as, r + 0x3000, &x), -ENOENT, "nv-gp100: small hole is unmapped");

	/* The walk shows both halves and both tables, in VA order. */
	memset(&lv, 0, sizeof(lv));
	swmmu_walk(&as, r, 2 * M, &ops, &lv);
	TAP_CHECK(lv.pte == pd0[0] && lv.pte2 == pd0[1], "nv-gp100: walk reports both PD0 words");
	TAP_CHECK(lv.n == 3 && lv.level[0] == 0 && lv.va[0] == r + 0x1000 && lv.level[1] == 0 &&
		  lv.level[2] == 1 && lv.va[2] == r + 0x10000,
		  "nv-gp100: walk leaves: two small, then the big one (%u leaves)", lv.n);

	/* A valid big PTE hides the small PTEs below it. */
	*item_ptr(small, 0x18) = NV_PTE(0x77718000, NV_V_COH);
	TAP_CHECK(!swmmu_query(&as, r + 0x18000, &x) && x.pa == 0x40018000,
		  "nv-gp100: big PTE decides over a small PTE below it");
	*item_ptr(small, 0x18) = 0;
	/* VALID = 0 with PRIVILEGE = 1 in a big PTE: the small PTEs are ignored (fault). */
	*item_ptr(big, 2) = B(5);
	*item_ptr(small, 0x20) = NV_PTE(0x77720000, NV_V_COH);
	TAP_EQ(swmmu_query(&as, r + 0x20000, &x), -ENOENT,
	       "nv-gp100: big PTE VALID=0 PRIVILEGE=1 hides the small PTEs");
	*item_ptr(big, 2) = 0;
	TAP_CHECK(!swmmu_query(&as, r + 0x20000, &x) && x.pa == 0x77720000 && x.level == 0,
		  "nv-gp100: a zero big PTE defers to the small PTE");
	*item_ptr(small, 0x20) = 0;

	/* Overlaps are refused and change nothing. */
	h = test_snapshot(&as);
	TAP_EQ(swmmu_map(&as, r + 0x11000, 0x50000000, 4 * K, R), -EEXIST,
	       "nv-gp100: 4K under a big page -> EEXIST");
	TAP_EQ(swmmu_map(&as, r, 0x50000000, 64 * K, R), -EEXIST,
	       "nv-gp100: 64K over small pages -> EEXIST");
	TAP_EQ(swmmu_map(&as, r, 0x50000000, 2 * M, R), -EEXIST,
	       "nv-gp100: 2M over the dual entry -> EEXIST");
	TAP_EQ(swmmu_unmap(&as, r + 0x14000, 4 * K, 0, NULL, NULL), -EINVAL,
	       "nv-gp100: unmap of 4K inside a big page without split -> EINVAL");
	TAP_EQ(test_snapshot(&as), h, "nv-gp100: tables unchanged after the refusals");

	/* Split: the big page becomes 16 small PTEs (one of them then unmapped). */
	TAP_EQ(swmmu_unmap(&as, r + 0x14000, 4 * K, SWMMU_UNMAP_SPLIT, NULL, NULL), 0,
	       "nv-gp100: unmap 4K inside the big page with split");
	TAP_EQ(*item_ptr(big, 1), 0, "nv-gp100: big PTE cleared by the split");
	ok = true;
	for (i = 0; i < 16; i++) {
		want = i == 4 ? 0 : NV_PTE(0x40010000 + i * 4 * K, NV_V_COH);
		ok &= *item_ptr(small, 16 + i) == want;
	}
	TAP_CHECK(ok, "nv-gp100: small PTEs 16..31 = the big page's 4K pieces, 20 unmapped");
	TAP_CHECK(!swmmu_query(&as, r + 0x1f010, &x) && x.pa == 0x4001f010 && x.level == 0,
		  "nv-gp100: query after the split");

	/* Protect covers both halves. */
	TAP_EQ(swmmu_map(&as, r + 0x30000, 0x40030000, 64 * K, R | W | U), 0,
	       "nv-gp100: map another big page");
	TAP_EQ(swmmu_protect(&as, r, 2 * M, R | U, 0, NULL), 0, "nv-gp100: protect the region R");
	TAP_EQ(*item_ptr(big, 3), NV_PTE(0x40030000, NV_V_COH | B(6)),
	       "nv-gp100: big PTE gets READ_ONLY");
	TAP_EQ(*item_ptr(small, 1), NV_PTE(0x30001000, NV_V_COH | B(6)),
	       "nv-gp100: small PTE gets READ_ONLY");

	/* Automatic sizes inside one 2M region: small, big where 64K alignment allows, small. */
	TAP_EQ(swmmu_map(&as, 0x803000, 0x10803000, 0x40000, R | W | U), 0,
	       "nv-gp100: map 256K at a 4K-aligned VA");
	ok = true;
	for (i = 0x803000; i < 0x843000; i += 4 * K) {
		unsigned int want_lvl = i >= 0x810000 && i < 0x840000;

		ok &= !swmmu_query(&as, i, &x) && x.level == want_lvl && x.pa == i + 0x10000000;
	}
	TAP_CHECK(ok, "nv-gp100: 13 small pages, 3 big pages, 3 small pages");

	/* 2M leaf: word 1 stays zero. Sparse 4K: VALID=0, VOL=1, reads zero. */
	TAP_EQ(swmmu_map(&as, 0x400000, 0x60000000, 2 * M, R | W | U), 0, "nv-gp100: map 2M");
	get_path(&as, 0x400000, &p);
	pd0 = item_ptr(p.table[2], 2 * p.idx[2]);
	TAP_CHECK(pd0[0] == NV_PTE(0x60000000, NV_V_COH) && pd0[1] == 0,
		  "nv-gp100: PD0 2M PTE in bits 63:0, bits 127:64 zero");
	TAP_EQ(swmmu_map(&as, 0x601000, 0, 4 * K, NUL), 0, "nv-gp100: map a sparse 4K page");
	get_path(&as, 0x601000, &p);
	TAP_EQ(*item_ptr(p.table[0], p.idx[0]), B(3), "nv-gp100: sparse small PTE = VOL only");
	{
		char buf[16] = "xxxxxxxxxxxxxxx";

		TAP_CHECK(!swmmu_copy(&as, 0x601008, buf, sizeof(buf), false) && !buf[0] &&
			  !buf[15], "nv-gp100: a sparse page reads as zeros");
	}

	/* Everything goes, and every table but the root is freed. */
	TAP_EQ(swmmu_unmap(&as, 0, 16 * M, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL), 0,
	       "nv-gp100: unmap all, freeing empty tables");
	swmmu_as_stats(&as, &st);
	/* PD0, PD1 and PD2 tables span more than the range: they stay, with the root. */
	TAP_EQ(st.nr_tables, 4, "nv-gp100: both halves of every dual entry freed");
	TAP_EQ(swmmu_free_empty(&as, 0, B(49), NULL), 3, "nv-gp100: free_empty of the VA space");
	swmmu_as_stats(&as, &st);
	TAP_EQ(st.nr_tables, 1, "nv-gp100: only the root table is left");
	swmmu_as_destroy(&as);
}

/* Descriptor validation, page sizes and the text description round trip of each format. */
static void test_descriptors(void)
{
	static const struct {
		const char *name;
		u64 sizes;
	} want[] = {
		{ "aarch64-4k-39", B(12) | B(16) | B(21) | B(25) | B(30) },
		{ "aarch64-16k", B(14) | B(21) | B(25) | B(30) },
		{ "aarch64-64k", B(16) | B(21) | B(29) | B(34) },
		{ "aarch64-s2-4k", B(12) | B(16) | B(21) | B(25) | B(30) },
		{ "riscv-sv39", B(12) | B(16) | B(21) | B(30) },
		{ "riscv-sv48", B(12) | B(16) | B(21) | B(30) | B(39) },
		{ "riscv-sv57", B(12) | B(16) | B(21) | B(30) | B(39) | B(48) },
		/* every power of two from 4K to 256G (no 512G) */
		{ "amd-v1", ((B(39) - 1) & ~(B(12) - 1)) },
		{ "vtd-ss", B(12) | B(21) | B(30) },
		{ "mali-lpae", B(12) | B(21) | B(30) },
		{ "gpu-xe", B(12) | B(16) | B(21) | B(30) },
		/* PTB 4K..1M by fragment, PDB0 2M..512M, PDB1 1G */
		{ "gpu-amd", ((B(21) - 1) & ~(B(12) - 1)) | ((B(30) - 1) & ~(B(21) - 1)) | B(30) },
		/* small PT 4K, big PT 64K, PD0 2M */
		{ "nv-gp100", B(12) | B(16) | B(21) },
	};
	static char buf[8192];
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct swmmu_format *f = swmmu_format_find(want[i].name);
		struct swmmu_format parsed;
		unsigned int line = 0;
		int len;

		if (!TAP_CHECK(f, "%s: registered", want[i].name))
			continue;
		TAP_EQ(swmmu_format_validate(f), 0, "%s: descriptor validates", f->name);
		TAP_EQ(swmmu_format_pgsizes(f), want[i].sizes, "%s: page sizes", f->name);
		len = swmmu_format_print(f, buf, sizeof(buf));
		if (!TAP_CHECK(len > 0 && len < (int)sizeof(buf), "%s: text description", f->name))
			continue;
		TAP_EQ(swmmu_format_parse(buf, len, &parsed, &line), 0,
		       "%s: text description parses (line %u)", f->name, line);
		TAP_CHECK(swmmu_format_equal(f, &parsed), "%s: text round trip is exact", f->name);
	}
}

int main(void)
{
	unsigned int i;

	if (test_mem_init(&tm, 1UL << 30))
		return 1;
	test_descriptors();
	for (i = 0; i < sizeof(kat_enc) / sizeof(kat_enc[0]); i++)
		run_enc(&kat_enc[i]);
	for (i = 0; i < sizeof(kat_dec) / sizeof(kat_dec[0]); i++)
		run_dec(&kat_dec[i]);
	for (i = 0; i < sizeof(kat_rej) / sizeof(kat_rej[0]); i++)
		run_rej(&kat_rej[i]);
	test_vtd_table_prot();
	test_amd_modes();
	test_amd_skip_reserved();
	test_mali_reserved();
	test_nv_dual();
	TAP_EQ(tm.live, 0, "all tables freed");
	return tap_done();
}
