/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the VM tests of VTD_CHECK and AMD_CHECK share (vtd_test.c, amd_test.c): the call, the
 * skip-or-fail rule, the printout and the assertions on struct swmmu_iommu_check that hold for
 * every IOMMU. Include after kselftest_harness.h; the helpers take the harness's _metadata.
 *
 * Both commands start with { size, flags, struct swmmu_iommu_check check }; the helpers take the
 * command, its size and its @check member.
 */
#ifndef SWMMU_IOMMU_CHECK_H
#define SWMMU_IOMMU_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swmmu_test.h"

/* The workload of the main test: single pages, a scatterlist and a 4 MiB contiguous block. */
#define IOMMU_NR_SINGLE		64
#define IOMMU_NR_SG		256
#define IOMMU_CONTIG_ORDER	10
#define IOMMU_NR_DMA		6
#define IOMMU_NR_REGIONS	4096
#define IOMMU_NR_PAGES		(IOMMU_NR_SINGLE + IOMMU_NR_SG + (1u << IOMMU_CONTIG_ORDER))

/* Fill and issue one check; every output starts from what the kernel writes. */
static inline int iommu_check(int fd, unsigned long nr, void *cmd, size_t size,
			      struct swmmu_iommu_check *c, uint32_t single, uint32_t sg,
			      uint32_t order, uint32_t dma, struct swmmu_dump_region *r,
			      uint32_t nr_regions)
{
	memset(cmd, 0, size);
	*(uint32_t *)cmd = size;
	*c = (struct swmmu_iommu_check){
		.nr_single = single, .nr_sg_pages = sg, .contig_order = order,
		.nr_device_dma = dma, .nr_regions = nr_regions, .regions_uptr = (uintptr_t)r,
	};
	return ioctl(fd, nr, cmd);
}

#define IOMMU_CHECK(fd, nr, cmd, ...)	\
	iommu_check(fd, nr, cmd, sizeof(*(cmd)), &(cmd)->check, __VA_ARGS__)

/* The IOMMU the VM was booted with (scripts/vm.sh exports SWMMU_VM_IOMMU), or "". */
static inline const char *swmmu_vm_iommu(void)
{
	const char *v = getenv("SWMMU_VM_IOMMU");

	return v ? v : "";
}

/*
 * The reasons a VM cannot run a check: a skip with the reason when the VM was booted without
 * that IOMMU, a failure (the assertion on @_rc that follows) when it was booted with it.
 */
#define IOMMU_SKIP_UNLESS(_rc, _kind, _no_iommu)					\
	do {										\
		if (!(_rc) || (errno != ENODEV && errno != EOPNOTSUPP &&		\
			       errno != ENOENT))					\
			break;								\
		if (!strcmp(swmmu_vm_iommu(), _kind)) {					\
			TH_LOG("%s, although the VM was booted with the %s IOMMU "	\
			       "(see dmesg)", strerror(errno), _kind);			\
			break;								\
		}									\
		if (errno == ENODEV)							\
			SKIP(return, "no edu device (1234:11e8) bound to swmmu: "	\
			     "boot with -device edu");					\
		if (errno == EOPNOTSUPP)						\
			SKIP(return, "edu is not translated by a %s IOMMU table in a "	\
			     "DMA domain (VM booted with '%s'; see dmesg)", _kind,	\
			     swmmu_vm_iommu());						\
		if (errno == ENOENT)							\
			SKIP(return, "%s (VM booted with '%s')", _no_iommu,		\
			     swmmu_vm_iommu());						\
	} while (0)

/* The outputs every IOMMU has: geometry, leaves by size, what was compared and found. */
/*
 * Which code wrote the IOMMU's page tables the check compared: Linux's generic page-table code
 * (drivers/iommu/generic_pt, "iommupt"; the VT-d and AMD drivers use it from 6.18 on) or the
 * driver's own (Linux 6.1 and 6.12). The generic code compiles one set of functions per format,
 * named pt_iommu_<format>_*, so the kernel's symbols tell. @format is generic_pt's name of the
 * format: "vtdss" (VT-d second stage) or "amdv1". Printed, so every run's log says it.
 */
static inline bool iommu_tables_by_generic_pt(const char *format)
{
	char line[256], want[64];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	snprintf(want, sizeof(want), " pt_iommu_%s_", format);
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	if (f)
		fclose(f);
	printf("# %s tables built by %s\n", format,
	       found ? "Linux's generic page-table code (generic_pt, iommupt)" :
		       "the IOMMU driver's own page-table code");
	return found;
}

static inline void iommu_check_print(const struct swmmu_iommu_check *c)
{
	unsigned int i;

	printf("# edu %02x:%02x.%x: %u-bit table, %u levels\n", c->out_bdf >> 8,
	       (c->out_bdf >> 3) & 0x1f, c->out_bdf & 7, c->out_addr_width, c->out_nr_levels);
	printf("# leaves by page size:");
	for (i = 0; i < SWMMU_IOMMU_LEAF_SIZES; i++)
		if (c->out_leaves[i])
			printf(" %lluK x %llu", 4ULL << i, (unsigned long long)c->out_leaves[i]);
	printf(" (page-size bitmap %#llx)\n", (unsigned long long)c->out_pgsizes);
	printf("# %llu pages compared with iommu_iova_to_phys(); %llu mapped pages checked; %llu "
	       "mismatches; %llu reserved items; permissions narrower than the DMA direction %llu, "
	       "wider %llu\n", (unsigned long long)c->out_pages_compared,
	       (unsigned long long)c->out_mapped_pages, (unsigned long long)c->out_mismatches,
	       (unsigned long long)c->out_reserved_items,
	       (unsigned long long)c->out_prot_narrower, (unsigned long long)c->out_prot_wider);
	printf("# %lluK blocks of the contiguous buffer expected %u found %u; device round trips "
	       "ok %u; pages left after unmap %llu\n",
	       c->out_large_lg2 ? (1ULL << c->out_large_lg2) >> 10 : 0ULL, c->out_large_expected,
	       c->out_large_found, c->out_device_dma_ok,
	       (unsigned long long)c->out_left_after_unmap);
	if (c->out_mismatches)
		printf("# first mismatch: iova %#llx walk %#llx kernel %#llx\n",
		       (unsigned long long)c->out_bad_iova, (unsigned long long)c->out_bad_walk,
		       (unsigned long long)c->out_bad_kernel);
}

/* The first @max leaves of the list. */
static inline void iommu_check_print_leaves(const struct swmmu_iommu_check *c,
					    const struct swmmu_dump_region *r, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < c->nr_regions && i < max; i++)
		printf("# leaf %u: iova %#llx -> %#llx, %lluK, prot %#x\n", i,
		       (unsigned long long)r[i].iova, (unsigned long long)r[i].dma_addr,
		       (unsigned long long)r[i].length >> 10, r[i].prot);
}

/* Permission counts of the leaves listed. */
struct iommu_prot_count {
	unsigned int rw, ro, wo;
};

/*
 * What holds for every IOMMU after a check of @pages mapped pages with @dma round trips: the walk
 * and the kernel agree on every page of every leaf, the leaf list is consistent with the counts,
 * large pages are used where they can be, the device's DMA went where the walk said, and
 * nothing is left after the unmap.
 */
static inline void iommu_check_verify(struct __test_metadata *_metadata,
				      const struct swmmu_iommu_check *c,
				      const struct swmmu_dump_region *r, uint64_t pages,
				      uint32_t dma, struct iommu_prot_count *pc)
{
	uint64_t covered = 0, by_size = 0, leaves = 0, seen[SWMMU_IOMMU_LEAF_SIZES] = { 0 };
	unsigned int i;

	ASSERT_EQ(12 + 9 * c->out_nr_levels < 64 ? 12 + 9 * c->out_nr_levels : 64,
		  c->out_addr_width);
	ASSERT_EQ(0, c->out_mismatches);
	ASSERT_EQ(0, c->out_reserved_items);
	ASSERT_EQ(pages, c->out_mapped_pages);
	ASSERT_LE(pages, c->out_pages_compared);
	for (i = 0; i < SWMMU_IOMMU_LEAF_SIZES; i++) {
		ASSERT_EQ(!!c->out_leaves[i], !!(c->out_pgsizes & (1ULL << (12 + i))));
		by_size += c->out_leaves[i] << i;
		leaves += c->out_leaves[i];
	}
	/* No leaf of a size the counts cannot hold. */
	ASSERT_EQ(0, c->out_pgsizes & ~(((1ULL << SWMMU_IOMMU_LEAF_SIZES) - 1) << 12));
	ASSERT_EQ(by_size, c->out_pages_compared);
	ASSERT_EQ(leaves, c->nr_regions);
	/* The leaves as listed: in IOVA order, not overlapping, sizes as counted. */
	memset(pc, 0, sizeof(*pc));
	for (i = 0; i < c->nr_regions; i++) {
		ASSERT_EQ(1ULL << r[i].page_size_lg2, r[i].length);
		ASSERT_EQ(0, r[i].iova & (r[i].length - 1));
		ASSERT_EQ(0, r[i].dma_addr & (r[i].length - 1));
		if (i)
			ASSERT_LE(r[i - 1].iova + r[i - 1].length, r[i].iova);
		ASSERT_LE(12, r[i].page_size_lg2);
		ASSERT_GT(12 + SWMMU_IOMMU_LEAF_SIZES, r[i].page_size_lg2);
		seen[r[i].page_size_lg2 - 12]++;
		covered += r[i].length / SZ_4K;
		switch (r[i].prot & PROT_RW) {
		case PROT_RW: pc->rw++; break;
		case SWMMU_PROT_READ: pc->ro++; break;
		case SWMMU_PROT_WRITE: pc->wo++; break;
		default: ASSERT_TRUE(0);
		}
	}
	ASSERT_EQ(c->out_pages_compared, covered);
	ASSERT_EQ(0, memcmp(seen, c->out_leaves, sizeof(seen)));
	printf("# leaves by permission: read-write %u, read-only %u, write-only %u\n", pc->rw,
	       pc->ro, pc->wo);
	/*
	 * Where both addresses are aligned to the largest page size the IOMMU and its driver offer
	 * that the block can hold, the driver used it and the walk saw it.
	 */
	ASSERT_EQ(c->out_large_expected, c->out_large_found);
	/* The device's own DMA went where the walk said. */
	ASSERT_EQ(dma, c->out_device_dma_ok);
	/* Unmapped means gone from the table. */
	ASSERT_EQ(0, c->out_left_after_unmap);
}

/* Without mappings of ours the device's domain has no live DMA mappings at all. */
static inline void iommu_check_empty(struct __test_metadata *_metadata,
				     const struct swmmu_iommu_check *c)
{
	ASSERT_EQ(0, c->nr_regions);
	ASSERT_EQ(0, c->out_pages_compared);
	ASSERT_EQ(0, c->out_mapped_pages);
	ASSERT_EQ(0, c->out_pgsizes);
}

/*
 * Ten single pages and room for four leaves: one 4K leaf each, found and compared, EMSGSIZE with
 * the count and the first four leaves; @wider pages grant more than their DMA direction.
 */
static inline void iommu_check_single_pages(struct __test_metadata *_metadata, int rc,
					    const struct swmmu_iommu_check *c,
					    const struct swmmu_dump_region *r, uint64_t wider)
{
	ASSERT_EQ(-1, rc);
	ASSERT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(10, c->nr_regions);
	ASSERT_EQ(10, c->out_leaves[0]);
	ASSERT_EQ(1ULL << 12, c->out_pgsizes);
	ASSERT_EQ(10, c->out_pages_compared);
	ASSERT_EQ(0, c->out_mismatches);
	ASSERT_EQ(0, c->out_prot_narrower);
	ASSERT_EQ(wider, c->out_prot_wider);
	ASSERT_EQ(0, c->out_left_after_unmap);
	ASSERT_EQ(4096, r[3].length);
}

/*
 * Bad arguments, before any device is looked at: inputs above their limits (EINVAL), flags
 * (EOPNOTSUPP), a size short of the command (EINVAL), and no CAP_SYS_ADMIN (EPERM).
 */
static inline void iommu_check_errors(struct __test_metadata *_metadata, int fd,
				      unsigned long nr, void *cmd, size_t size,
				      struct swmmu_iommu_check *c)
{
	pid_t pid;
	int st;

	EXPECT_ERRNO(EINVAL, iommu_check(fd, nr, cmd, size, c, SWMMU_IOMMU_MAX_SINGLE + 1, 0, 0,
					 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, iommu_check(fd, nr, cmd, size, c, 0, SWMMU_IOMMU_MAX_SG_PAGES + 1, 0,
					 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, iommu_check(fd, nr, cmd, size, c, 0, 0, SWMMU_IOMMU_MAX_ORDER + 1,
					 0, NULL, 0));
	EXPECT_ERRNO(EINVAL, iommu_check(fd, nr, cmd, size, c, 0, 0, 0,
					 SWMMU_IOMMU_MAX_DEVICE_DMA + 1, NULL, 0));
	EXPECT_ERRNO(EINVAL, iommu_check(fd, nr, cmd, size, c, 0, 0, 0, 0, NULL,
					 SWMMU_CPU_WALK_MAX_ENTRIES + 1));
	memset(cmd, 0, size);
	*(uint32_t *)cmd = size;
	((uint32_t *)cmd)[1] = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, nr, cmd));
	memset(cmd, 0, size);
	*(uint32_t *)cmd = size - 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, nr, cmd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(iommu_check(fd, nr, cmd, size, c, 0, 0, 0, 0, NULL, 0) == -1 &&
		      errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
}

#endif /* SWMMU_IOMMU_CHECK_H */
