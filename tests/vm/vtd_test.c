// SPDX-License-Identifier: GPL-2.0-only
/*
 * VTD_CHECK: the module maps pages for QEMU's edu device (1234:11e8) with the DMA API, finds the
 * Intel IOMMU's own second-stage table of the device from the hardware registers (RTADDR_REG ->
 * root entry -> context entry, VT-d spec §3.4.2, §9.1, §9.3), walks it with the core's "vtd-ss"
 * format and compares every 4 KiB page of every leaf with the kernel's iommu_iova_to_phys(),
 * every mapped page with the address it was mapped to and the permission its DMA direction
 * implies (§9.8: R bit 0, W bit 1), lets the device copy bytes through the walked translations,
 * and checks that nothing is left after unmapping.
 *
 * Needs the VM booted with "-device intel-iommu -device edu" and intel_iommu=on (scripts/vm.sh
 * does that by default). Skipped with the reason in a VM booted otherwise; a failure when the VM
 * says it was booted with the Intel IOMMU (SWMMU_VM_IOMMU=intel) and the check cannot run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iommu_check.h"

FIXTURE(vtd) {
	int fd;
};

FIXTURE_SETUP(vtd)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(vtd)
{
	close(self->fd);
}

#define SKIP_UNLESS_VTD(_rc)	\
	IOMMU_SKIP_UNLESS(_rc, "intel", "no DMAR unit / context entry for edu (no intel-iommu?)")

static void print_vtd(const struct swmmu_vtd_check *v)
{
	printf("# VT-d: RTADDR %#llx CAP %#llx ECAP %#llx, domain %u%s\n",
	       (unsigned long long)v->out_rtaddr, (unsigned long long)v->out_cap,
	       (unsigned long long)v->out_ecap, v->out_domain_id,
	       v->out_flags & SWMMU_VTD_SUPERPAGE_2M ? ", 2M pages" : "");
	iommu_check_print(&v->check);
}

TEST_F(vtd, walk_agrees_with_kernel_and_device)
{
	struct swmmu_dump_region *r = calloc(IOMMU_NR_REGIONS, sizeof(*r));
	const struct swmmu_iommu_check *c;
	struct iommu_prot_count pc;
	struct swmmu_vtd_check v;
	bool gpt = iommu_tables_by_generic_pt("vtdss");
	int rc;

	ASSERT_NE(NULL, r);
	rc = IOMMU_CHECK(self->fd, SWMMU_VTD_CHECK, &v, IOMMU_NR_SINGLE, IOMMU_NR_SG,
			 IOMMU_CONTIG_ORDER, IOMMU_NR_DMA, r, IOMMU_NR_REGIONS);
	SKIP_UNLESS_VTD(rc);
	ASSERT_EQ(0, rc);
	c = &v.check;
	print_vtd(&v);
	iommu_check_print_leaves(c, r, 8);

	/* The table geometry is what the context entry says (AW 1: 39 bits, 3 levels). */
	ASSERT_TRUE(c->out_addr_width == 39 || c->out_addr_width == 48);
	ASSERT_EQ(c->out_addr_width == 39 ? 3 : 4, c->out_nr_levels);
	/* Second-stage leaves are 4K, 2M or 1G (§9.8). */
	ASSERT_EQ(0, c->out_pgsizes & ~((1ULL << 12) | (1ULL << 21) | (1ULL << 30)));
	iommu_check_verify(_metadata, c, r, IOMMU_NR_PAGES, IOMMU_NR_DMA, &pc);
	/*
	 * No entry lacks what its DMA direction needs. The driver's own table code sets bit 0 (the
	 * second-stage read bit) in every leaf it writes (DMA_FL_PTE_PRESENT in __domain_mapping()),
	 * so exactly the DMA_FROM_DEVICE pages are wider than asked: readable as well as writable.
	 * generic_pt's VT-d format writes exactly the permission asked for.
	 */
	ASSERT_EQ(0, c->out_prot_narrower);
	ASSERT_EQ(gpt ? 0 : IOMMU_NR_SINGLE / 2, c->out_prot_wider);
	/* DMA_TO_DEVICE pages are read-only; DMA_FROM_DEVICE ones write-only or, above, read-write. */
	ASSERT_EQ(IOMMU_NR_SINGLE / 2, pc.ro);
	ASSERT_EQ(gpt ? IOMMU_NR_SINGLE / 2 : 0, pc.wo);
	/* With 2 MiB pages (CAP.SLLPS), the 4 MiB block is two 2 MiB leaves where aligned. */
	if (v.out_flags & SWMMU_VTD_SUPERPAGE_2M) {
		ASSERT_EQ(21, c->out_large_lg2);
		ASSERT_EQ(c->out_large_found, c->out_leaves[9]);
	}
	free(r);
}

TEST_F(vtd, empty_domain)
{
	struct swmmu_vtd_check v;
	int rc = IOMMU_CHECK(self->fd, SWMMU_VTD_CHECK, &v, 0, 0, 0, 0, NULL, 0);

	SKIP_UNLESS_VTD(rc);
	ASSERT_EQ(0, rc);
	print_vtd(&v);
	iommu_check_empty(_metadata, &v.check);
}

/* Single pages only: one 4K leaf each, capacity rules of the region array. */
TEST_F(vtd, single_pages_and_capacity)
{
	struct swmmu_dump_region r[4];
	struct swmmu_vtd_check v;
	int rc = IOMMU_CHECK(self->fd, SWMMU_VTD_CHECK, &v, 10, 0, 0, 0, r, 4);

	SKIP_UNLESS_VTD(rc);
	print_vtd(&v);
	/* DMA_FROM_DEVICE pages are readable too where the driver wrote the tables (see above). */
	iommu_check_single_pages(_metadata, rc, &v.check, r,
				 iommu_tables_by_generic_pt("vtdss") ? 0 : 5);
}

TEST_F(vtd, errors)
{
	struct swmmu_vtd_check v;

	iommu_check_errors(_metadata, self->fd, SWMMU_VTD_CHECK, &v, sizeof(v), &v.check);
}

TEST_HARNESS_MAIN
