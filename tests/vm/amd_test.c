// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD_CHECK: the module maps pages for QEMU's edu device (1234:11e8) with the DMA API, finds the
 * AMD IOMMU's own host page table of the device from the hardware (AMD IOMMU spec 48882: ACPI
 * IVRS -> Device Table Base Address Register, MMIO 0000h -> device table entry, §2.2.2.1), walks
 * it with the core's "amd-v1" format reduced to the DTE's Mode levels (§2.2.3) and compares every
 * 4 KiB page of every leaf with the kernel's iommu_iova_to_phys(), every mapped page with the
 * address it was mapped to and the permission its DMA direction implies (IR bit 61, IW bit 62,
 * in the PTE, every PDE above it and the DTE), lets the device copy bytes through the walked
 * translations, and checks that nothing is left after unmapping.
 *
 * Needs the VM booted with "-device amd-iommu -device edu" (VM_IOMMU=amd scripts/vm.sh; `make
 * check` boots it once for this test). Skipped with the reason in a VM booted otherwise; a
 * failure when the VM says it was booted with the AMD IOMMU (SWMMU_VM_IOMMU=amd) and the check
 * cannot run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iommu_check.h"

/* Device table entry fields (§2.2.2.1), [0] bits 63:0. */
#define DTE_V		(1ULL << 0)
#define DTE_TV		(1ULL << 1)
#define DTE_MODE(d)	(((d) >> 9) & 7)
#define DTE_GV		(1ULL << 55)
#define DTE_IR		(1ULL << 61)
#define DTE_IW		(1ULL << 62)

FIXTURE(amd) {
	int fd;
};

FIXTURE_SETUP(amd)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(amd)
{
	close(self->fd);
}

#define SKIP_UNLESS_AMD(_rc)	\
	IOMMU_SKIP_UNLESS(_rc, "amd", "no IVRS table / IVHD block / valid DTE for edu (no amd-iommu?)")

static void print_amd(const struct swmmu_amd_check *a)
{
	printf("# AMD IOMMU %02x:%02x.%x at %#llx: device table %#llx, control %#llx, EFR %#llx\n",
	       a->out_iommu_bdf >> 8, (a->out_iommu_bdf >> 3) & 0x1f, a->out_iommu_bdf & 7,
	       (unsigned long long)a->out_mmio_base, (unsigned long long)a->out_dev_table,
	       (unsigned long long)a->out_control, (unsigned long long)a->out_efr);
	printf("# DTE %#llx %#llx %#llx %#llx: domain %u, Mode %llu\n",
	       (unsigned long long)a->out_dte[0], (unsigned long long)a->out_dte[1],
	       (unsigned long long)a->out_dte[2], (unsigned long long)a->out_dte[3],
	       a->out_domain_id, (unsigned long long)DTE_MODE(a->out_dte[0]));
	iommu_check_print(&a->check);
}

/* What the registers and the DTE say, as the table walk used them. */
static void verify_dte(struct __test_metadata *_metadata, const struct swmmu_amd_check *a)
{
	/* IommuEn (control bit 0); a device table at a 4K boundary. */
	ASSERT_EQ(1, a->out_control & 1);
	ASSERT_NE(0, a->out_dev_table & ~0xfffULL);
	/* V, TV, no guest table; Linux sets IR and IW in the DTE (set_dte_entry()). */
	ASSERT_EQ(DTE_V | DTE_TV | DTE_IR | DTE_IW,
		  a->out_dte[0] & (DTE_V | DTE_TV | DTE_GV | DTE_IR | DTE_IW));
	ASSERT_EQ(DTE_MODE(a->out_dte[0]), a->check.out_nr_levels);
	ASSERT_EQ(a->out_dte[1] & 0xffff, a->out_domain_id);
	ASSERT_NE(0, a->out_domain_id);
}

TEST_F(amd, walk_agrees_with_kernel_and_device)
{
	struct swmmu_dump_region *r = calloc(IOMMU_NR_REGIONS, sizeof(*r));
	const struct swmmu_iommu_check *c;
	struct iommu_prot_count pc;
	struct swmmu_amd_check a;
	unsigned int i;
	int rc;

	ASSERT_NE(NULL, r);
	rc = IOMMU_CHECK(self->fd, SWMMU_AMD_CHECK, &a, IOMMU_NR_SINGLE, IOMMU_NR_SG,
			 IOMMU_CONTIG_ORDER, IOMMU_NR_DMA, r, IOMMU_NR_REGIONS);
	SKIP_UNLESS_AMD(rc);
	ASSERT_EQ(0, rc);
	c = &a.check;
	print_amd(&a);
	iommu_check_print_leaves(c, r, 8);
	for (i = 0; i < c->nr_regions; i++)
		if (r[i].length > SZ_4K)
			printf("# larger leaf: iova %#llx -> %#llx, %lluK, prot %#x\n",
			       (unsigned long long)r[i].iova, (unsigned long long)r[i].dma_addr,
			       (unsigned long long)r[i].length >> 10, r[i].prot);

	verify_dte(_metadata, &a);
	/* Linux 6.1 starts every v1 domain at Mode 3 (DEFAULT_PGTABLE_LEVEL); edu's IOVAs are
	 * below 2^28, so no level is ever added.
	 */
	ASSERT_EQ(3, c->out_nr_levels);
	ASSERT_EQ(39, c->out_addr_width);
	iommu_check_verify(_metadata, c, r, IOMMU_NR_PAGES, IOMMU_NR_DMA, &pc);
	/*
	 * AMD PTEs get exactly IR for DMA_TO_DEVICE and IW for DMA_FROM_DEVICE, whichever code
	 * wrote them (printed for the log).
	 */
	iommu_tables_by_generic_pt("amdv1");
	ASSERT_EQ(0, c->out_prot_narrower);
	ASSERT_EQ(0, c->out_prot_wider);
	ASSERT_EQ(IOMMU_NR_SINGLE / 2, pc.ro);
	ASSERT_EQ(IOMMU_NR_SINGLE / 2, pc.wo);
	/*
	 * Every size from 4K is a v1 page size and the driver offers them all (AMD_IOMMU_PGSIZES):
	 * the 4 MiB block (physically 4M-aligned from the buddy allocator, its IOVA size-aligned by
	 * the IOVA allocator) is one 4M leaf, a NextLevel 7 PTE repeated in two level-2 items.
	 */
	ASSERT_EQ(12 + IOMMU_CONTIG_ORDER, c->out_large_lg2);
	ASSERT_EQ(1, c->out_large_expected);
	ASSERT_LE(1, c->out_leaves[IOMMU_CONTIG_ORDER]);
	free(r);
}

/*
 * One contiguous block of each order 1..10 alone: its IOVA is size-aligned (IOVA allocator) and
 * so is its physical address (buddy allocator), so the driver maps it with one leaf of its own
 * size: 8K..1M are NextLevel 7 PTEs repeated in 2..256 level-1 items, 2M a NextLevel 0 PTE in a
 * level-2 item, 4M a NextLevel 7 PTE in two level-2 items (48882 §2.2.3, "Example Page Size
 * Encodings"). One device round trip reads and writes through each.
 */
TEST_F(amd, page_size_encodings)
{
	struct swmmu_dump_region r[2];
	unsigned int order;

	for (order = 1; order <= IOMMU_CONTIG_ORDER; order++) {
		struct swmmu_amd_check a;
		int rc = IOMMU_CHECK(self->fd, SWMMU_AMD_CHECK, &a, 0, 0, order, 1, r, 2);

		SKIP_UNLESS_AMD(rc);
		ASSERT_EQ(0, rc);
		printf("# order %u: leaf iova %#llx -> %#llx, %lluK, prot %#x; %llu pages compared, "
		       "%llu mismatches, device round trips ok %u\n", order,
		       (unsigned long long)r[0].iova, (unsigned long long)r[0].dma_addr,
		       (unsigned long long)r[0].length >> 10, r[0].prot,
		       (unsigned long long)a.check.out_pages_compared,
		       (unsigned long long)a.check.out_mismatches, a.check.out_device_dma_ok);
		ASSERT_EQ(1, a.check.nr_regions);
		ASSERT_EQ(1ULL << (12 + order), a.check.out_pgsizes);
		ASSERT_EQ(1, a.check.out_leaves[order]);
		ASSERT_EQ(12 + order, a.check.out_large_lg2);
		ASSERT_EQ(1, a.check.out_large_expected);
		ASSERT_EQ(1, a.check.out_large_found);
		ASSERT_EQ(1ULL << order, a.check.out_pages_compared);
		ASSERT_EQ(0, a.check.out_mismatches);
		ASSERT_EQ(0, a.check.out_reserved_items);
		ASSERT_EQ(0, a.check.out_prot_narrower);
		ASSERT_EQ(0, a.check.out_prot_wider);
		ASSERT_EQ(PROT_RW, r[0].prot & PROT_RW);
		ASSERT_EQ(1, a.check.out_device_dma_ok);
		ASSERT_EQ(0, a.check.out_left_after_unmap);
	}
}

TEST_F(amd, empty_domain)
{
	struct swmmu_amd_check a;
	int rc = IOMMU_CHECK(self->fd, SWMMU_AMD_CHECK, &a, 0, 0, 0, 0, NULL, 0);

	SKIP_UNLESS_AMD(rc);
	ASSERT_EQ(0, rc);
	print_amd(&a);
	verify_dte(_metadata, &a);
	iommu_check_empty(_metadata, &a.check);
}

/* Single pages only: one 4K leaf (NextLevel 0) each, capacity rules of the region array. */
TEST_F(amd, single_pages_and_capacity)
{
	struct swmmu_dump_region r[4];
	struct swmmu_amd_check a;
	int rc = IOMMU_CHECK(self->fd, SWMMU_AMD_CHECK, &a, 10, 0, 0, 0, r, 4);

	SKIP_UNLESS_AMD(rc);
	print_amd(&a);
	iommu_check_single_pages(_metadata, rc, &a.check, r, 0);
}

TEST_F(amd, errors)
{
	struct swmmu_amd_check a;

	iommu_check_errors(_metadata, self->fd, SWMMU_AMD_CHECK, &a, sizeof(a), &a.check);
}

TEST_HARNESS_MAIN
