// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap() of device address spaces with 2 MiB device leaves: the CPU view maps each such leaf
 * with one PMD. Evidence from the kernel itself: touching all 512 pages of the block costs one
 * minor fault (getrusage), and the module counts one PMD fault; with 4K device leaves the same
 * touches cost 512 faults. Then unmap and protect on a PMD-mapped block.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Touch every CPU page of [p, p + len); returns the minor faults it took. */
static long touch_pages(volatile uint8_t *p, uint64_t len)
{
	long before = minflt();
	uint64_t o;

	for (o = 0; o < len; o += SZ_4K)
		(void)p[o];
	return minflt() - before;
}

FIXTURE(pmd) {
	int fd;
};

FIXTURE_SETUP(pmd)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(pmd)
{
	close(self->fd);
	test_no_leaks();
}

static void one_format(struct __test_metadata *_metadata, int fd,
		       const struct swmmu_format_info *fi)
{
	struct swmmu_as_stats st0, st1;
	uint64_t off, iova = 0, iova4k = 0;
	uint32_t as, buf;
	uint8_t *cpu, *cpu4k, v = 0;
	uint8_t data[64];
	long faults;

	ASSERT_EQ(0, _test_as_alloc(fd, fi->format_id, 0, &as, &off));
	ASSERT_EQ(0, _test_buf_alloc(fd, SZ_2M, SWMMU_BUF_CONTIG, &buf));
	ASSERT_EQ(0, _test_map(fd, as, buf, 0, SZ_2M, 0, PROT_RW, 0, &iova));
	ASSERT_EQ(0, iova & (SZ_2M - 1));
	cpu = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off + iova);
	ASSERT_NE(MAP_FAILED, cpu);
	/* get_unmapped_area lines the CPU address up with the device VA. */
	ASSERT_EQ(0, (uintptr_t)cpu & (SZ_2M - 1));

	ASSERT_EQ(0, _test_stats(fd, as, &st0));
	faults = touch_pages(cpu, SZ_2M);
	ASSERT_EQ(0, _test_stats(fd, as, &st1));
	TH_LOG("%s: 2M leaf: %ld minor faults for 512 pages", fi->name, faults);
	ASSERT_EQ(1, st1.out_cpu_pmd_faults - st0.out_cpu_pmd_faults);
	ASSERT_GE(2, faults);
	/* Coherent with the device path across the whole block. */
	cpu[SZ_2M - 1] = 0xee;
	cpu[SZ_1M + 3] = 0xdd;
	ASSERT_EQ(0, _test_rw(fd, as, iova + SZ_2M - 1, &v, 1, false));
	ASSERT_EQ(0xee, v);
	ASSERT_EQ(0, _test_rw(fd, as, iova + SZ_1M + 3, &v, 1, false));
	ASSERT_EQ(0xdd, v);

	/* Read-only: the writable PMD goes, reads come back, writes are refused. */
	ASSERT_EQ(0, _test_protect(fd, as, iova, SZ_2M, SWMMU_PROT_READ));
	ASSERT_EQ(0, swmmu_probe(cpu + SZ_1M + 3, false, 0, &v));
	ASSERT_EQ(0xdd, v);
	ASSERT_EQ(SIGSEGV, swmmu_probe(cpu + 5, true, 1, NULL));
	ASSERT_EQ(0, _test_protect(fd, as, iova, SZ_2M, PROT_RW));
	ASSERT_EQ(0, swmmu_probe(cpu + 5, true, 0x42, NULL));

	/* The same buffer with forced granule leaves: one CPU fault per page, no PMD. */
	ASSERT_EQ(0, _test_map(fd, as, buf, 0, SZ_2M, 0, PROT_RW,
			       __builtin_ctzll(swmmu_granule(fi)), &iova4k));
	cpu4k = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off + iova4k);
	ASSERT_NE(MAP_FAILED, cpu4k);
	ASSERT_EQ(0, _test_stats(fd, as, &st0));
	faults = touch_pages(cpu4k, SZ_2M);
	ASSERT_EQ(0, _test_stats(fd, as, &st1));
	TH_LOG("%s: granule leaves: %ld minor faults for 512 pages", fi->name, faults);
	ASSERT_EQ(0, st1.out_cpu_pmd_faults - st0.out_cpu_pmd_faults);
	ASSERT_LE(512, faults);
	/* Both views show the same memory. */
	ASSERT_EQ(0x42, cpu4k[5]);
	memcpy(data, cpu + SZ_1M, sizeof(data));
	ASSERT_EQ(0, memcmp(data, cpu4k + SZ_1M, sizeof(data)));

	/* Unmap of the 2M leaf: every page of the PMD is gone at once. */
	ASSERT_EQ(0, _test_unmap(fd, as, iova, SZ_2M, NULL));
	ASSERT_EQ(SIGBUS, swmmu_probe(cpu, false, 0, NULL));
	ASSERT_EQ(SIGBUS, swmmu_probe(cpu + SZ_2M - SZ_4K, false, 0, NULL));
	ASSERT_EQ(0, swmmu_probe(cpu4k + SZ_2M - 1, false, 0, &v));
	ASSERT_EQ(0xee, v);

	ASSERT_EQ(0, munmap(cpu, SZ_2M));
	ASSERT_EQ(0, munmap(cpu4k, SZ_2M));
	ASSERT_EQ(0, _test_destroy(fd, as));
	ASSERT_EQ(0, _test_destroy(fd, buf));
}

TEST_F(pmd, every_format_with_2m_leaves)
{
	struct swmmu_format_info *fi;
	unsigned int nr = 0, i, done = 0;

	fi = swmmu_get_formats(self->fd, &nr);
	ASSERT_NE(NULL, fi);
	for (i = 0; i < nr; i++) {
		if (!(fi[i].pgsizes & SZ_2M))
			continue;
		one_format(_metadata, self->fd, &fi[i]);
		done++;
	}
	free(fi);
	/* x86-64, AArch64 4K, RISC-V, AMD and Intel IOMMUs at least. */
	ASSERT_LE(5, done);
}

TEST_F(pmd, unaligned_cpu_address_uses_ptes)
{
	struct swmmu_format_info fi;
	struct swmmu_as_stats st;
	uint64_t off, iova = 0;
	uint32_t as, buf;
	uint8_t *area, *cpu;

	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	ASSERT_EQ(0, _test_as_alloc(self->fd, fi.format_id, 0, &as, &off));
	ASSERT_EQ(0, _test_buf_alloc(self->fd, SZ_2M, SWMMU_BUF_CONTIG, &buf));
	ASSERT_EQ(0, _test_map(self->fd, as, buf, 0, SZ_2M, 0, PROT_RW, 0, &iova));
	/* Place the CPU view 4K off a 2M boundary: no PMD can line up. */
	area = mmap(NULL, 2 * SZ_4M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	cpu = (uint8_t *)(((uintptr_t)area + SZ_2M - 1) & ~(SZ_2M - 1)) + SZ_4K;
	cpu = mmap(cpu, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, self->fd,
		   off + iova);
	ASSERT_NE(MAP_FAILED, cpu);
	ASSERT_LE(512, touch_pages(cpu, SZ_2M));
	ASSERT_EQ(0, _test_stats(self->fd, as, &st));
	ASSERT_EQ(0, st.out_cpu_pmd_faults);
	cpu[SZ_2M - 1] = 9;
	ASSERT_EQ(0, munmap(area, 2 * SZ_4M));
}

TEST_HARNESS_MAIN
