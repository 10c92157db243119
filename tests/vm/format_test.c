// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every built-in format, through the module: map DMA buffers, read and write through device VAs,
 * QUERY against the buffers' DMA addresses, and the CPU view through mmap(): coherence with the
 * device path, SIGBUS after unmap, a refused write after PROTECT read-only. One fixture variant
 * per line of arch/swmmu_formats.def (registry order = format_id).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

FIXTURE(fmt) {
	int fd;
	struct swmmu_format_info fi;
	uint64_t gran;
	uint32_t as_id;
	uint64_t mmap_offset;
};

FIXTURE_VARIANT(fmt) {
	uint32_t format_id;
};

#define SWMMU_FORMAT(id)				\
	FIXTURE_VARIANT_ADD(fmt, id) {			\
		.format_id = FMT_##id,			\
	};
#include "swmmu_formats.def"
#undef SWMMU_FORMAT

FIXTURE_SETUP(fmt)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	/* The module registers exactly the formats of the .def the variants came from. */
	ASSERT_EQ(FMT_COUNT, swmmu_get_format(self->fd, variant->format_id, &self->fi));
	self->gran = swmmu_granule(&self->fi);
	test_cmd_as_alloc(self->fi.format_id, 0, &self->as_id, &self->mmap_offset);
	TH_LOG("format %s: %u levels, %u VA bits, pgsizes %#llx", self->fi.name,
	       self->fi.nr_levels, self->fi.va_bits, (unsigned long long)self->fi.pgsizes);
}

FIXTURE_TEARDOWN(fmt)
{
	close(self->fd);
	test_no_leaks();
}

/* Last byte + 1 of the lower (or only) half of the VA space; 0 means 2^64. */
static uint64_t va_top(const struct swmmu_format_info *fi)
{
	unsigned int bits = fi->va_bits - !!(fi->flags & SWMMU_FORMAT_SIGN_EXTEND);

	return bits >= 64 ? 0 : 1ULL << bits;
}

/* Check every granule of [iova, iova + len) against the buffer's DMA addresses. */
static void check_query(struct __test_metadata *_metadata, int fd, uint32_t as_id,
			uint32_t buf_id, uint64_t iova, uint64_t buf_off, uint64_t len,
			uint64_t gran)
{
	struct swmmu_query q;
	uint64_t o;

	for (o = 0; o < len; o += gran) {
		ASSERT_EQ(0, _test_query(fd, as_id, iova + o + 8, &q));
		ASSERT_EQ(swmmu_buf_dma(fd, buf_id, buf_off + o) + 8, q.out_dma_addr);
		ASSERT_EQ(buf_id, q.out_buf_id);
		ASSERT_EQ(buf_off + o + 8, q.out_buf_offset);
		ASSERT_LE(gran, q.out_page_size);
		ASSERT_EQ(SWMMU_PROT_WRITE, q.out_prot & SWMMU_PROT_WRITE);
	}
}

static void check_rw(struct __test_metadata *_metadata, int fd, uint32_t as_id, uint64_t iova,
		     uint64_t len, uint64_t seed)
{
	uint8_t *a = malloc(len), *b = malloc(len);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	swmmu_fill(a, len, seed);
	ASSERT_EQ(0, _test_rw(fd, as_id, iova, a, len, true));
	ASSERT_EQ(0, _test_rw(fd, as_id, iova, b, len, false));
	ASSERT_TRUE(swmmu_check(b, len, seed));
	free(a);
	free(b);
}

TEST_F(fmt, map_rw_query)
{
	uint64_t len = 4 * self->gran, iova = 0, top = va_top(&self->fi);
	uint32_t contig, scat;
	struct swmmu_as_stats st;

	/* A contiguous buffer at a kernel-chosen VA. */
	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &contig);
	test_cmd_map(self->as_id, contig, 0, len, 0, PROT_RW, &iova);
	ASSERT_EQ(0, iova & (self->gran - 1));
	check_rw(_metadata, self->fd, self->as_id, iova, len, 1);
	check_query(_metadata, self->fd, self->as_id, contig, iova, 0, len, self->gran);

	/* The same buffer again, at the very top of the VA space. */
	iova = top - len;
	test_cmd_map_fixed(self->as_id, contig, 0, len, iova);
	check_query(_metadata, self->fd, self->as_id, contig, iova, 0, len, self->gran);
	if (self->fi.flags & SWMMU_FORMAT_SIGN_EXTEND) {
		/* And at the top of the upper half. */
		test_cmd_map_fixed(self->as_id, contig, 0, len, -len);
		check_query(_metadata, self->fd, self->as_id, contig, -len, 0, len, self->gran);
		check_rw(_metadata, self->fd, self->as_id, -len, len, 3);
	}

	/* Scattered pages: only formats with a leaf as small as a CPU page can map them. */
	test_cmd_buf_alloc(len, 0, &scat);
	iova = 0x40000000ULL;
	if (self->gran == SZ_4K) {
		test_cmd_map_fixed(self->as_id, scat, SZ_4K, len - SZ_4K, iova);
		check_query(_metadata, self->fd, self->as_id, scat, iova, SZ_4K, len - SZ_4K,
			    SZ_4K);
		check_rw(_metadata, self->fd, self->as_id, iova, len - SZ_4K, 2);
		test_cmd_unmap(self->as_id, iova, len - SZ_4K, len - SZ_4K);
	} else {
		test_err_map_fixed(EINVAL, self->as_id, scat, 0, len, iova);
	}

	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st));
	ASSERT_EQ(self->fi.flags & SWMMU_FORMAT_SIGN_EXTEND ? 3 : 2, st.out_nr_mappings);
	test_cmd_unmap(self->as_id, top - len, len, len);
	test_err_unmap(ENOENT, self->as_id, top - len, len);
}

TEST_F(fmt, large_leaves)
{
	uint64_t sizes = self->fi.pgsizes, want = 0, iova = 0;
	struct swmmu_query q;
	uint32_t buf;
	unsigned int b;

	/* The largest leaf size above the granule that fits a 4 MiB contiguous buffer. */
	for (b = 0; b < 64; b++)
		if ((sizes & (1ULL << b)) && (1ULL << b) > self->gran && (1ULL << b) <= SZ_4M)
			want = 1ULL << b;
	if (!want) {
		/* Nothing to check for this format: say so, do not count it as passed. */
		SKIP(return, "%s has no leaf between its granule and 4 MiB", self->fi.name);
	}
	test_cmd_buf_alloc(want, SWMMU_BUF_CONTIG, &buf);
	test_cmd_map(self->as_id, buf, 0, want, 0, PROT_RW, &iova);
	ASSERT_EQ(0, iova & (want - 1));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, iova + want / 2, &q));
	/* A leaf larger than the granule, at most the block; the core picks among equal fits. */
	ASSERT_LT(self->gran, q.out_page_size);
	ASSERT_GE(want, q.out_page_size);
	ASSERT_EQ(0, q.out_entry_iova & (q.out_page_size - 1));
	ASSERT_EQ(swmmu_buf_dma(self->fd, buf, want / 2), q.out_dma_addr);
	check_rw(_metadata, self->fd, self->as_id, iova + want / 2 - 100, 200, 4);
	/* Forcing granule leaves gives granule leaves. */
	iova = 0;
	ASSERT_EQ(0, _test_map(self->fd, self->as_id, buf, 0, want, 0, PROT_RW,
			       __builtin_ctzll(self->gran), &iova));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, iova + want / 2, &q));
	ASSERT_EQ(self->gran, q.out_page_size);
}

/* mmap() [iova, iova + len) of the fixture's address space. */
static uint8_t *map_cpu(struct __test_metadata *_metadata, int fd, uint64_t mmap_offset,
			const struct swmmu_format_info *fi, uint64_t iova, uint64_t len)
{
	unsigned int bits = fi->va_bits < SWMMU_MMAP_WINDOW_SHIFT ? fi->va_bits :
			    SWMMU_MMAP_WINDOW_SHIFT;
	uint64_t idx = iova & ((1ULL << bits) - 1);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mmap_offset + idx);

	EXPECT_NE(MAP_FAILED, p);
	return p == MAP_FAILED ? NULL : p;
}

TEST_F(fmt, mmap_coherence)
{
	uint64_t len = 4 * self->gran, iova = 0, o;
	uint8_t *cpu, *buf = malloc(len);
	uint32_t b;

	ASSERT_NE(NULL, buf);
	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b);
	test_cmd_map(self->as_id, b, 0, len, 0, PROT_RW, &iova);
	cpu = map_cpu(_metadata, self->fd, self->mmap_offset, &self->fi, iova, len);
	ASSERT_NE(NULL, cpu);
	/* CPU writes, device reads. */
	swmmu_fill(cpu, len, 11);
	test_cmd_rw(self->as_id, iova, buf, len, false);
	ASSERT_TRUE(swmmu_check(buf, len, 11));
	/* Device writes, CPU reads. */
	swmmu_fill(buf, len, 12);
	test_cmd_rw(self->as_id, iova, buf, len, true);
	ASSERT_TRUE(swmmu_check(cpu, len, 12));
	/* RW into a user buffer that is itself the mmap() of the same address space. */
	test_cmd_rw(self->as_id, iova, cpu + self->gran, 16, false);
	for (o = 0; o < 16; o++)
		ASSERT_EQ(cpu[o], cpu[self->gran + o]);
	ASSERT_EQ(0, munmap(cpu, len));
	free(buf);
}

TEST_F(fmt, sigbus_after_unmap)
{
	uint64_t len = 2 * self->gran, iova = 0x20000000ULL;
	uint32_t b1, b2;
	uint8_t *cpu, v = 0;

	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b1);
	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b2);
	cpu = map_cpu(_metadata, self->fd, self->mmap_offset, &self->fi, iova, len);
	ASSERT_NE(NULL, cpu);
	/* Nothing mapped yet. */
	ASSERT_EQ(SIGBUS, swmmu_probe(cpu, false, 0, NULL));
	test_cmd_map_fixed(self->as_id, b1, 0, len, iova);
	ASSERT_EQ(0, swmmu_probe(cpu + len - 1, true, 0x5a, NULL));
	ASSERT_EQ(0, swmmu_probe(cpu, true, 0x11, NULL));
	test_cmd_unmap(self->as_id, iova, len, len);
	/* The CPU entries are gone when UNMAP returns. */
	ASSERT_EQ(SIGBUS, swmmu_probe(cpu, false, 0, NULL));
	ASSERT_EQ(SIGBUS, swmmu_probe(cpu + len - 1, true, 1, NULL));
	/* Another buffer at the same VA: the CPU sees it, not the old one. */
	test_cmd_map_fixed(self->as_id, b2, 0, len, iova);
	ASSERT_EQ(0, swmmu_probe(cpu + len - 1, false, 0, &v));
	ASSERT_EQ(0, v);
	test_cmd_unmap(self->as_id, iova, len, len);
	test_cmd_map_fixed(self->as_id, b1, 0, len, iova);
	ASSERT_EQ(0, swmmu_probe(cpu + len - 1, false, 0, &v));
	ASSERT_EQ(0x5a, v);
	ASSERT_EQ(0, munmap(cpu, len));
}

TEST_F(fmt, protect_readonly_refuses_writes)
{
	uint64_t len = self->gran, iova = 0;
	uint8_t *cpu, v = 0;
	uint32_t b;

	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b);
	test_cmd_map(self->as_id, b, 0, len, 0, PROT_RW, &iova);
	cpu = map_cpu(_metadata, self->fd, self->mmap_offset, &self->fi, iova, len);
	ASSERT_NE(NULL, cpu);
	ASSERT_EQ(0, swmmu_probe(cpu + 1, true, 0x77, NULL));
	test_cmd_protect(self->as_id, iova, len, SWMMU_PROT_READ);
	ASSERT_EQ(SIGSEGV, swmmu_probe(cpu + 1, true, 0x78, NULL));
	ASSERT_EQ(0, swmmu_probe(cpu + 1, false, 0, &v));
	ASSERT_EQ(0x77, v);
	/* A read-only device mapping first touched by a read, then written: still refused. */
	test_cmd_unmap(self->as_id, iova, len, len);
	test_cmd_map(self->as_id, b, 0, len, SWMMU_MAP_FIXED_IOVA, SWMMU_PROT_READ, &iova);
	ASSERT_EQ(0, swmmu_probe(cpu + 2, false, 0, NULL));
	ASSERT_EQ(SIGSEGV, swmmu_probe(cpu + 2, true, 1, NULL));
	/* Writable again. */
	test_cmd_protect(self->as_id, iova, len, PROT_RW);
	ASSERT_EQ(0, swmmu_probe(cpu + 1, true, 0x79, NULL));
	test_cmd_rw(self->as_id, iova + 1, &v, 1, false);
	ASSERT_EQ(0x79, v);
	ASSERT_EQ(0, munmap(cpu, len));
}

TEST_F(fmt, mmap_rules)
{
	uint64_t iova = 0x1000000ULL;
	void *p;

	/* Private mappings would copy on write: refused. */
	p = mmap(NULL, SZ_4K, PROT_READ, MAP_PRIVATE, self->fd, self->mmap_offset + iova);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	/* Beyond the VA space of the format (where it is smaller than the window). */
	if (self->fi.va_bits < SWMMU_MMAP_WINDOW_SHIFT) {
		p = mmap(NULL, 2 * SZ_4K, PROT_READ, MAP_SHARED, self->fd,
			 self->mmap_offset + (1ULL << self->fi.va_bits) - SZ_4K);
		ASSERT_EQ(MAP_FAILED, p);
		ASSERT_EQ(EINVAL, errno);
	}
	/* A window no address space owns. */
	p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, self->fd,
		 self->mmap_offset + (1ULL << SWMMU_MMAP_WINDOW_SHIFT));
	ASSERT_EQ(MAP_FAILED, p);
}

TEST_HARNESS_MAIN
