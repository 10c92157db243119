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
 * does that); skipped with the reason otherwise.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

#define NR_SINGLE	64
#define NR_SG		256
#define CONTIG_ORDER	10	/* 4 MiB: two 2 MiB blocks */
#define NR_DMA		6
#define NR_REGIONS	4096

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

static int vtd_check(int fd, struct swmmu_vtd_check *c, uint32_t single, uint32_t sg,
		     uint32_t order, uint32_t dma, struct swmmu_dump_region *r, uint32_t nr)
{
	*c = (struct swmmu_vtd_check){
		.size = sizeof(*c), .nr_single = single, .nr_sg_pages = sg, .contig_order = order,
		.nr_device_dma = dma, .nr_regions = nr, .regions_uptr = (uintptr_t)r,
	};
	return ioctl(fd, SWMMU_VTD_CHECK, c);
}

/* The reasons a VM cannot run the check; a skip, never a pass. */
#define SKIP_UNLESS_VTD(_rc)							\
	do {									\
		if ((_rc) && errno == ENODEV)					\
			SKIP(return, "no edu device (1234:11e8) bound to swmmu: boot with -device edu"); \
		if ((_rc) && errno == EOPNOTSUPP)				\
			SKIP(return, "edu is not translated by a legacy-mode VT-d IOMMU in a DMA domain (see dmesg)"); \
		if ((_rc) && errno == ENOENT)					\
			SKIP(return, "no DMAR unit / context entry for edu (no intel-iommu?)"); \
	} while (0)

static void print_check(const struct swmmu_vtd_check *c)
{
	printf("# edu %02x:%02x.%x: RTADDR %#llx CAP %#llx ECAP %#llx, domain %u, %u-bit "
	       "second stage, %u levels%s\n", c->out_bdf >> 8, (c->out_bdf >> 3) & 0x1f,
	       c->out_bdf & 7, (unsigned long long)c->out_rtaddr, (unsigned long long)c->out_cap,
	       (unsigned long long)c->out_ecap, c->out_domain_id, c->out_addr_width,
	       c->out_nr_levels, c->out_flags & SWMMU_VTD_SUPERPAGE_2M ? ", 2M pages" : "");
	printf("# walk: leaves 4K %llu, 2M %llu, 1G %llu; %llu pages compared with "
	       "iommu_iova_to_phys(); %llu mapped pages checked; %llu mismatches; permissions "
	       "narrower than the DMA direction %llu, wider %llu\n",
	       (unsigned long long)c->out_leaves[0], (unsigned long long)c->out_leaves[1],
	       (unsigned long long)c->out_leaves[2], (unsigned long long)c->out_pages_compared,
	       (unsigned long long)c->out_mapped_pages, (unsigned long long)c->out_mismatches,
	       (unsigned long long)c->out_prot_narrower, (unsigned long long)c->out_prot_wider);
	printf("# 2M blocks expected %u found %u; device round trips ok %u; pages left after "
	       "unmap %llu\n", c->out_large_expected, c->out_large_found, c->out_device_dma_ok,
	       (unsigned long long)c->out_left_after_unmap);
	if (c->out_mismatches)
		printf("# first mismatch: iova %#llx walk %#llx kernel %#llx\n",
		       (unsigned long long)c->out_bad_iova, (unsigned long long)c->out_bad_walk,
		       (unsigned long long)c->out_bad_kernel);
}

TEST_F(vtd, walk_agrees_with_kernel_and_device)
{
	struct swmmu_dump_region *r = calloc(NR_REGIONS, sizeof(*r));
	struct swmmu_vtd_check c;
	uint64_t covered = 0, pages = NR_SINGLE + NR_SG + (1u << CONTIG_ORDER);
	unsigned int i, rw = 0, ro = 0, wo = 0;
	int rc;

	ASSERT_NE(NULL, r);
	rc = vtd_check(self->fd, &c, NR_SINGLE, NR_SG, CONTIG_ORDER, NR_DMA, r, NR_REGIONS);
	SKIP_UNLESS_VTD(rc);
	ASSERT_EQ(0, rc);
	print_check(&c);
	for (i = 0; i < c.nr_regions && i < 8; i++)
		printf("# leaf %u: iova %#llx -> %#llx, %#llx bytes, prot %#x\n", i,
		       (unsigned long long)r[i].iova, (unsigned long long)r[i].dma_addr,
		       (unsigned long long)r[i].length, r[i].prot);

	/* The table geometry is what the context entry says (AW 1: 39 bits, 3 levels). */
	ASSERT_TRUE(c.out_addr_width == 39 || c.out_addr_width == 48);
	ASSERT_EQ(c.out_addr_width == 39 ? 3 : 4, c.out_nr_levels);
	/* Every leaf of the domain agrees with the kernel, page by page. */
	ASSERT_EQ(0, c.out_mismatches);
	/*
	 * No entry lacks what its DMA direction needs. Linux 6.1 sets bit 0 (the second-stage read
	 * bit) in every leaf it writes (DMA_FL_PTE_PRESENT in __domain_mapping()), so exactly the
	 * DMA_FROM_DEVICE pages are wider than asked: readable as well as writable.
	 */
	ASSERT_EQ(0, c.out_prot_narrower);
	ASSERT_EQ(NR_SINGLE / 2, c.out_prot_wider);
	ASSERT_EQ(pages, c.out_mapped_pages);
	ASSERT_LE(pages, c.out_pages_compared);
	ASSERT_EQ(c.out_leaves[0] + 512 * c.out_leaves[1] + 512 * 512 * c.out_leaves[2],
		  c.out_pages_compared);
	ASSERT_EQ(c.out_leaves[0] + c.out_leaves[1] + c.out_leaves[2], c.nr_regions);
	/* The leaves as listed: in IOVA order, not overlapping, sizes as counted. */
	for (i = 0; i < c.nr_regions; i++) {
		ASSERT_EQ(1ULL << r[i].page_size_lg2, r[i].length);
		ASSERT_EQ(0, r[i].iova & (r[i].length - 1));
		if (i)
			ASSERT_LE(r[i - 1].iova + r[i - 1].length, r[i].iova);
		covered += r[i].length / SZ_4K;
		switch (r[i].prot & (SWMMU_PROT_READ | SWMMU_PROT_WRITE)) {
		case SWMMU_PROT_READ | SWMMU_PROT_WRITE: rw++; break;
		case SWMMU_PROT_READ: ro++; break;
		case SWMMU_PROT_WRITE: wo++; break;
		default: ASSERT_TRUE(0);
		}
	}
	ASSERT_EQ(c.out_pages_compared, covered);
	printf("# leaves by permission: read-write %u, read-only %u, write-only %u\n", rw, ro, wo);
	/* DMA_TO_DEVICE pages are read-only; DMA_FROM_DEVICE ones read-write on 6.1 (above). */
	ASSERT_EQ(NR_SINGLE / 2, ro);
	ASSERT_EQ(0, wo);
	/* Where both addresses are 2 MiB aligned and the IOMMU has 2 MiB pages, the driver used
	 * them and the walk saw them.
	 */
	ASSERT_EQ(c.out_large_expected, c.out_large_found);
	if (c.out_flags & SWMMU_VTD_SUPERPAGE_2M)
		ASSERT_EQ(c.out_large_found, c.out_leaves[1]);
	/* The device's own DMA went where the walk said. */
	ASSERT_EQ(NR_DMA, c.out_device_dma_ok);
	/* Unmapped means gone from the table. */
	ASSERT_EQ(0, c.out_left_after_unmap);
	free(r);
}

/* Without mappings of ours the device's domain has no live DMA mappings at all. */
TEST_F(vtd, empty_domain)
{
	struct swmmu_vtd_check c;
	int rc = vtd_check(self->fd, &c, 0, 0, 0, 0, NULL, 0);

	SKIP_UNLESS_VTD(rc);
	ASSERT_EQ(0, rc);
	print_check(&c);
	ASSERT_EQ(0, c.nr_regions);
	ASSERT_EQ(0, c.out_pages_compared);
	ASSERT_EQ(0, c.out_mapped_pages);
}

/* Single pages only: one 4K leaf each, capacity rules of the region array. */
TEST_F(vtd, single_pages_and_capacity)
{
	struct swmmu_dump_region r[4];
	struct swmmu_vtd_check c;
	int rc = vtd_check(self->fd, &c, 10, 0, 0, 0, r, 4);

	SKIP_UNLESS_VTD(rc);
	ASSERT_EQ(-1, rc);
	ASSERT_EQ(EMSGSIZE, errno);
	print_check(&c);
	ASSERT_EQ(10, c.nr_regions);
	ASSERT_EQ(10, c.out_leaves[0]);
	ASSERT_EQ(10, c.out_pages_compared);
	ASSERT_EQ(0, c.out_mismatches);
	ASSERT_EQ(0, c.out_prot_narrower);
	ASSERT_EQ(5, c.out_prot_wider);
	ASSERT_EQ(0, c.out_left_after_unmap);
	ASSERT_EQ(4096, r[3].length);
}

TEST_F(vtd, errors)
{
	struct swmmu_vtd_check c;
	pid_t pid;
	int st;

	EXPECT_ERRNO(EINVAL, vtd_check(self->fd, &c, SWMMU_VTD_MAX_SINGLE + 1, 0, 0, 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, vtd_check(self->fd, &c, 0, SWMMU_VTD_MAX_SG_PAGES + 1, 0, 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, vtd_check(self->fd, &c, 0, 0, SWMMU_VTD_MAX_ORDER + 1, 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, vtd_check(self->fd, &c, 0, 0, 0, SWMMU_VTD_MAX_DEVICE_DMA + 1, NULL,
				       0));
	c = (struct swmmu_vtd_check){ .size = sizeof(c), .flags = 1 };
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_VTD_CHECK, &c));
	c = (struct swmmu_vtd_check){ .size = offsetof(struct swmmu_vtd_check, out_prot_wider) };
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_VTD_CHECK, &c));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(vtd_check(self->fd, &c, 0, 0, 0, 0, NULL, 0) == -1 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
