// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/swmmu ioctl contract (uapi/linux/swmmu.h): size rules of every command, bad IDs,
 * unknown flags and reserved fields, range rules, overlap, double unmap, busy objects, limits,
 * isolation between files, and that closing a file returns every counter to zero.
 * Runs in the VM with swmmu.ko loaded. The address space is x86-64 (4 levels, 48-bit
 * sign-extended VA; 4K, 2M and 1G leaves - Intel SDM Vol. 3A 4.5).
 */
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

/* IDs the TEST_LENGTH initialisers use (they take only the struct). */
static uint32_t g_as, g_buf;

FIXTURE(swmmu) {
	int fd;
	struct swmmu_format_info x86;
	struct swmmu_format_info arm;
	uint32_t as_id;
	uint32_t buf_id;
	uint64_t mmap_offset;
};

FIXTURE_SETUP(swmmu)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &self->x86));
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "aarch64-4k", &self->arm));
	test_cmd_as_alloc(self->x86.format_id, 0, &self->as_id, &self->mmap_offset);
	test_cmd_buf_alloc(16 * SZ_4K, 0, &self->buf_id);
	g_as = self->as_id;
	g_buf = self->buf_id;
}

FIXTURE_TEARDOWN(swmmu)
{
	close(self->fd);
	test_no_leaks();
}

static void init_destroy(struct swmmu_destroy *c) { c->id = 0xdead; }
static void init_get_info(struct swmmu_get_info *c) { (void)c; }
static void init_as_alloc(struct swmmu_as_alloc *c) { c->format_id = 0; }
static void init_buf_alloc(struct swmmu_buf_alloc *c) { c->length = SZ_4K; }
static void init_buf_info(struct swmmu_buf_info *c) { c->buf_id = g_buf; }
static void init_map(struct swmmu_map *c)
{
	c->as_id = g_as;
	c->buf_id = g_buf;
	c->length = SZ_4K;
	c->prot = PROT_RW;
}
static void init_unmap(struct swmmu_unmap *c)
{
	c->as_id = g_as;
	c->iova = 0x7f0000000000ULL;
	c->length = SZ_4K;
}
static void init_protect(struct swmmu_protect *c)
{
	c->as_id = g_as;
	c->iova = 0x7f0000000000ULL;
	c->length = SZ_4K;
	c->prot = SWMMU_PROT_READ;
}
static void init_query(struct swmmu_query *c) { c->as_id = g_as; c->iova = 0x7f0000000000ULL; }
static void init_dump(struct swmmu_dump *c) { c->as_id = g_as; c->nr_regions = 1000; }
static void init_rw(struct swmmu_rw *c) { c->as_id = g_as; c->iova = 0x7f0000000000ULL; }
static void init_stats(struct swmmu_as_stats *c) { c->as_id = g_as; }

TEST_F(swmmu, size_rules_every_ioctl)
{
	TEST_LENGTH(swmmu_destroy, SWMMU_DESTROY, id, init_destroy);
	TEST_LENGTH(swmmu_get_info, SWMMU_GET_INFO, __reserved2, init_get_info);
	TEST_LENGTH(swmmu_as_alloc, SWMMU_AS_ALLOC, out_mmap_offset, init_as_alloc);
	TEST_LENGTH(swmmu_buf_alloc, SWMMU_BUF_ALLOC, __reserved, init_buf_alloc);
	TEST_LENGTH(swmmu_buf_info, SWMMU_BUF_INFO, __reserved, init_buf_info);
	TEST_LENGTH(swmmu_map, SWMMU_MAP, pgsize_lg2, init_map);
	TEST_LENGTH(swmmu_unmap, SWMMU_UNMAP, out_unmapped, init_unmap);
	TEST_LENGTH(swmmu_protect, SWMMU_PROTECT, length, init_protect);
	TEST_LENGTH(swmmu_query, SWMMU_QUERY, out_buf_offset, init_query);
	TEST_LENGTH(swmmu_dump, SWMMU_DUMP, regions_uptr, init_dump);
	TEST_LENGTH(swmmu_rw, SWMMU_RW, data_uptr, init_rw);
	TEST_LENGTH(swmmu_as_stats, SWMMU_STATS, out_cpu_pmd_faults, init_stats);
}

TEST_F(swmmu, long_zero_tail_output_matches)
{
	struct {
		struct swmmu_query q;
		uint8_t extra[16];
	} b;
	struct swmmu_query exact;
	uint64_t iova = 0;

	test_cmd_map(self->as_id, self->buf_id, 0, SZ_4K, 0, PROT_RW, &iova);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, iova, &exact));
	memset(&b, 0, sizeof(b));
	b.q.size = sizeof(b);
	b.q.as_id = self->as_id;
	b.q.iova = iova;
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_QUERY, &b));
	b.q.size = exact.size;
	ASSERT_EQ(0, memcmp(&exact, &b.q, sizeof(exact)));
}

TEST_F(swmmu, unknown_ioctl)
{
	uint32_t buf[64] = { sizeof(buf) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(SWMMU_TYPE, SWMMU_CMD_BASE - 1), buf));
	/* Past the last command (commands are appended, so no enum value marks the end). */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(SWMMU_TYPE, 0xff), buf));
	/* The right number with another direction/size encoding is another ioctl. */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IOW(SWMMU_TYPE, SWMMU_CMD_DESTROY, uint32_t), buf));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_DESTROY, NULL));
}

/* The commands of the shared list (include/swmmu/ioctl_list.h), the kernel's and the fuzzer's. */
static const struct {
	const char *name;
	unsigned long nr;
	size_t size;
} listed[] = {
#define SWMMU_IOCTL(_ioctl, _struct, _name)	{ #_ioctl, _ioctl, sizeof(struct _struct) },
#include "swmmu/ioctl_list.h"
};

/*
 * Every listed command is one the kernel dispatches, with its size rules and nothing else run:
 * size 0 is below every minimum (EINVAL, not ENOTTY), a non-zero byte past the listed struct is
 * E2BIG (so the kernel's struct is the listed one); the number after the last is unknown.
 */
TEST_F(swmmu, every_listed_ioctl_is_dispatched)
{
	uint8_t buf[1024];
	unsigned int i;

	for (i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		uint32_t size = 0;

		ASSERT_GT(sizeof(buf), listed[i].size + 8);
		TH_LOG("%s", listed[i].name);
		ASSERT_EQ((unsigned long)SWMMU_CMD_BASE + i, _IOC_NR(listed[i].nr));
		memset(buf, 0, sizeof(buf));
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, listed[i].nr, buf));
		size = (uint32_t)listed[i].size + 8;
		memcpy(buf, &size, sizeof(size));
		buf[listed[i].size + 7] = 1;
		EXPECT_ERRNO(E2BIG, ioctl(self->fd, listed[i].nr, buf));
	}
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(SWMMU_TYPE, SWMMU_CMD_BASE + i), buf));
}

TEST_F(swmmu, bad_ids)
{
	struct swmmu_query q;
	struct swmmu_as_stats st;
	uint8_t data[16];
	uint32_t nr = 0;
	uint64_t iova = 0;
	uint32_t bad[] = { 0, 0xdead, 0x7fffffff, 0xffffffff };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_err_destroy(ENOENT, bad[i]);
		EXPECT_ERRNO(ENOENT, _test_map(self->fd, bad[i], self->buf_id, 0, SZ_4K, 0,
					       PROT_RW, 0, &iova));
		EXPECT_ERRNO(ENOENT, _test_map(self->fd, self->as_id, bad[i], 0, SZ_4K, 0,
					       PROT_RW, 0, &iova));
		test_err_unmap(ENOENT, bad[i], 0, SZ_4K);
		test_err_protect(ENOENT, bad[i], 0, SZ_4K, PROT_RW);
		EXPECT_ERRNO(ENOENT, _test_query(self->fd, bad[i], 0, &q));
		EXPECT_ERRNO(ENOENT, _test_dump(self->fd, bad[i], 0, 0, NULL, &nr));
		test_err_rw(ENOENT, bad[i], 0, data, sizeof(data), false);
		EXPECT_ERRNO(ENOENT, _test_stats(self->fd, bad[i], &st));
	}
	/* An ID of the other type is no better. */
	EXPECT_ERRNO(ENOENT, _test_map(self->fd, self->buf_id, self->buf_id, 0, SZ_4K, 0,
				       PROT_RW, 0, &iova));
	EXPECT_ERRNO(ENOENT, _test_map(self->fd, self->as_id, self->as_id, 0, SZ_4K, 0,
				       PROT_RW, 0, &iova));
	EXPECT_ERRNO(ENOENT, _test_stats(self->fd, self->buf_id, &st));
	EXPECT_ERRNO(ENOENT, _test_as_alloc(self->fd, 100000, 0, NULL, NULL));
}

TEST_F(swmmu, unknown_flags_and_reserved)
{
	struct swmmu_as_alloc aa = { .size = sizeof(aa) };
	struct swmmu_buf_alloc ba = { .size = sizeof(ba), .length = SZ_4K };
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	struct swmmu_unmap um = { .size = sizeof(um), .as_id = self->as_id, .length = SZ_4K };
	struct swmmu_query q = { .size = sizeof(q), .as_id = self->as_id };
	struct swmmu_rw rw = { .size = sizeof(rw), .as_id = self->as_id, .length = 1 };
	uint64_t iova = 0;
	unsigned int bit;

	for (bit = 1; bit < 32; bit++) {
		EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_4K,
						   1u << bit, PROT_RW, 0, &iova));
		EXPECT_ERRNO(EOPNOTSUPP, _test_buf_alloc(self->fd, SZ_4K, 1u << bit, NULL));
		rw.flags = 1u << bit;
		EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_RW, &rw));
	}
	/* Every flag AS_ALLOC does not know (SWMMU_AS_DRIVER_TABLES is the one it does). */
	for (bit = 0; bit < 32; bit++) {
		if ((1u << bit) == SWMMU_AS_DRIVER_TABLES)
			continue;
		aa.flags = 1u << bit;
		EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	}
	aa.flags = 0;
	aa.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	ba.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_BUF_ALLOC, &ba));
	gi.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	gi.flags = 0;
	gi.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	um.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_UNMAP, &um));
	um.flags = 0;
	um.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_UNMAP, &um));
	q.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_QUERY, &q));
	rw.flags = 0;
	rw.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_RW, &rw));
	/* Unknown prot bits, and a leaf size the format does not have. */
	EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_4K, 0,
					   PROT_RW | 0x20, 0, &iova));
	EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_4K, 0,
					   PROT_RW | 0x8000, 0, &iova));
	EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_64K, 0,
					   PROT_RW, 16, &iova));
	EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_64K, 0,
					   PROT_RW, 200, &iova));
	test_err_protect(EOPNOTSUPP, self->as_id, 0, SZ_4K, PROT_RW | 0x40);
	/* Nothing was created by any of these. */
	{
		struct swmmu_as_stats st;

		ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st));
		ASSERT_EQ(0, st.out_nr_mappings);
	}
}

TEST_F(swmmu, get_info)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	struct swmmu_format_info *fi;
	unsigned int nr = 0, i;

	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	ASSERT_LT(10, gi.nr_formats);
	ASSERT_EQ(sysconf(_SC_PAGESIZE), gi.out_page_size);
	ASSERT_LT(0, gi.out_max_as);
	ASSERT_LT(0, gi.out_max_buf_bytes);
	ASSERT_EQ(SWMMU_MMAP_WINDOW_SHIFT, gi.out_mmap_window_shift);
	/* A capacity one short is still too small. */
	fi = calloc(gi.nr_formats, sizeof(*fi));
	ASSERT_NE(NULL, fi);
	gi.formats_uptr = (uintptr_t)fi;
	gi.nr_formats--;
	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	gi.formats_uptr = 8;
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	free(fi);

	fi = swmmu_get_formats(self->fd, &nr);
	ASSERT_NE(NULL, fi);
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(i, fi[i].format_id);
		ASSERT_NE(0, fi[i].name[0]);
		ASSERT_LT(0, fi[i].nr_levels);
		ASSERT_NE(0, fi[i].pgsizes);
		ASSERT_LE(fi[i].min_va_bits, fi[i].va_bits);
		ASSERT_EQ(SWMMU_LEVEL_LEAF, fi[i].level_flags[0]);
	}
	free(fi);
	/* x86-64: 48 VA bits, 4 levels, 4K/2M/1G, sign-extended (SDM Vol. 3A 4.5). */
	ASSERT_EQ(48, self->x86.va_bits);
	ASSERT_EQ(4, self->x86.nr_levels);
	ASSERT_EQ((1ULL << 12) | (1ULL << 21) | (1ULL << 30), self->x86.pgsizes);
	ASSERT_EQ(SWMMU_FORMAT_SIGN_EXTEND, self->x86.flags & SWMMU_FORMAT_SIGN_EXTEND);
	ASSERT_EQ(self->x86.va_bits, self->x86.min_va_bits);
}

TEST_F(swmmu, as_alloc_va_bits)
{
	struct swmmu_as_alloc aa = { .size = sizeof(aa), .format_id = self->arm.format_id };

	/* AArch64 with a 39-bit VA starts at level 1: 3 levels (ARM ARM D8.2, TnSZ). */
	aa.va_bits = 39;
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	ASSERT_EQ(39, aa.out_va_bits);
	ASSERT_EQ(3, aa.out_nr_levels);
	aa.va_bits = 40;
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	ASSERT_EQ(4, aa.out_nr_levels);
	aa.va_bits = self->arm.va_bits + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	aa.va_bits = 200;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	if (self->arm.min_va_bits > 1) {
		aa.va_bits = self->arm.min_va_bits - 1;
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	}
	/* x86-64's canonical form depends on its size. */
	aa.format_id = self->x86.format_id;
	aa.va_bits = 39;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	aa.va_bits = 48;
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
}

TEST_F(swmmu, as_alloc_limit_and_mmap_windows)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	uint32_t ids[512], n = 1, i;
	uint64_t off;

	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	ASSERT_GE(512, gi.out_max_as);
	while (n < gi.out_max_as) {
		test_cmd_as_alloc(self->x86.format_id, 0, &ids[n], &off);
		/* The first 64 address spaces of a file get distinct windows. */
		if (n < 64)
			ASSERT_EQ(0, off & ((1ULL << SWMMU_MMAP_WINDOW_SHIFT) - 1));
		n++;
	}
	test_err_as_alloc(ENOSPC, self->x86.format_id, 0, &ids[0]);
	for (i = 1; i < n; i++)
		test_cmd_destroy(ids[i]);
	test_cmd_as_alloc(self->x86.format_id, 0, &ids[0], &off);
}

TEST_F(swmmu, buf_alloc_rules)
{
	struct swmmu_buf_seg *segs;
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	uint32_t id, nr, i;

	test_err_buf_alloc(EINVAL, 0, 0, &id);
	test_err_buf_alloc(EINVAL, 100, 0, &id);
	test_err_buf_alloc(EINVAL, SZ_4K + 1, 0, &id);
	test_err_buf_alloc(EINVAL, 3 * SZ_4K, SWMMU_BUF_CONTIG, &id);
	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_GET_INFO, &gi));
	test_err_buf_alloc(ENOSPC, gi.out_max_buf_bytes + SZ_4K, 0, &id);
	test_err_buf_alloc(ENOSPC, 1ULL << 62, 0, &id);
	/* Larger than the page allocator's largest block. */
	test_err_buf_alloc(ENOMEM, 64 * SZ_1M, SWMMU_BUF_CONTIG, &id);

	/* Contiguous: one piece, aligned to its size. */
	test_cmd_buf_alloc(SZ_2M, SWMMU_BUF_CONTIG, &id);
	ASSERT_EQ(0, _test_buf_segs(self->fd, id, &segs, &nr));
	ASSERT_EQ(1, nr);
	ASSERT_EQ(SZ_2M, segs[0].length);
	ASSERT_EQ(0, segs[0].dma_addr & (SZ_2M - 1));
	free(segs);
	/* Scattered: one page per piece, all distinct. */
	ASSERT_EQ(0, _test_buf_segs(self->fd, self->buf_id, &segs, &nr));
	ASSERT_EQ(16, nr);
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(SZ_4K, segs[i].length);
		ASSERT_EQ(0, segs[i].dma_addr & (SZ_4K - 1));
		if (i)
			ASSERT_NE(segs[i - 1].dma_addr, segs[i].dma_addr);
	}
	free(segs);
}

TEST_F(swmmu, buffers_are_zeroed)
{
	uint8_t *data = malloc(16 * SZ_4K);
	uint64_t iova = 0;
	size_t i;

	ASSERT_NE(NULL, data);
	memset(data, 0xa5, 16 * SZ_4K);
	test_cmd_map(self->as_id, self->buf_id, 0, 16 * SZ_4K, 0, PROT_RW, &iova);
	test_cmd_rw(self->as_id, iova, data, 16 * SZ_4K, false);
	for (i = 0; i < 16 * SZ_4K; i++)
		ASSERT_EQ(0, data[i]);
	free(data);
}

TEST_F(swmmu, destroy_busy)
{
	uint64_t iova = 0;
	void *p;

	test_cmd_map(self->as_id, self->buf_id, 0, SZ_4K, 0, PROT_RW, &iova);
	test_err_destroy(EBUSY, self->buf_id);
	test_cmd_unmap(self->as_id, iova, SZ_4K, SZ_4K);
	test_cmd_destroy(self->buf_id);
	test_err_destroy(ENOENT, self->buf_id);

	p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, self->fd, self->mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	test_err_destroy(EBUSY, self->as_id);
	ASSERT_EQ(0, munmap(p, SZ_4K));
	test_cmd_destroy(self->as_id);
	test_err_destroy(ENOENT, self->as_id);
}

TEST_F(swmmu, destroy_as_with_mappings)
{
	uint64_t iova = 0;

	test_cmd_map(self->as_id, self->buf_id, 0, 8 * SZ_4K, 0, PROT_RW, &iova);
	test_cmd_destroy(self->as_id);
	/* The mapping went with the address space: the buffer is free again. */
	test_cmd_destroy(self->buf_id);
}

TEST_F(swmmu, ranges)
{
	const uint64_t base = 0x100000000ULL;

	/* Alignment. */
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 0, SZ_4K, base + 1);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 0, SZ_4K, base + 0x800);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 1, SZ_4K, base);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 0, SZ_4K + 1, base);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 0, 0, base);
	/* The slice must be inside the buffer. */
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 0, 17 * SZ_4K, base);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, 16 * SZ_4K, SZ_4K, base);
	test_err_map_fixed(EINVAL, self->as_id, self->buf_id, -SZ_4K, 2 * SZ_4K, base);
	/* Wrapping past 2^64. */
	test_err_map_fixed(EOVERFLOW, self->as_id, self->buf_id, 0, 2 * SZ_4K, -SZ_4K);
	test_err_unmap(EOVERFLOW, self->as_id, -SZ_4K, 2 * SZ_4K);
	test_err_unmap(EOVERFLOW, self->as_id, 2, -1ULL);
	/* Ending exactly at the last byte is no overflow, just outside this format. */
	test_err_unmap(ERANGE, self->as_id, 1, -1ULL);
	test_err_protect(EOVERFLOW, self->as_id, -SZ_4K, 2 * SZ_4K, PROT_RW);
	test_err_unmap(EINVAL, self->as_id, base, 0);
	/* Outside the 48-bit canonical VA space, and across its hole. */
	test_err_map_fixed(ERANGE, self->as_id, self->buf_id, 0, SZ_4K, 1ULL << 47);
	test_err_map_fixed(ERANGE, self->as_id, self->buf_id, 0, SZ_4K, 0x0001000000000000ULL);
	test_err_map_fixed(ERANGE, self->as_id, self->buf_id, 0, 2 * SZ_4K, (1ULL << 47) - SZ_4K);
	test_err_unmap(ERANGE, self->as_id, 1ULL << 47, SZ_4K);
	{
		struct swmmu_query q;

		EXPECT_ERRNO(ERANGE, _test_query(self->fd, self->as_id, 1ULL << 47, &q));
	}
	/* The top page of each canonical half is fine. */
	test_cmd_map_fixed(self->as_id, self->buf_id, 0, SZ_4K, (1ULL << 47) - SZ_4K);
	test_cmd_map_fixed(self->as_id, self->buf_id, SZ_4K, SZ_4K, -SZ_4K);
	test_cmd_map_fixed(self->as_id, self->buf_id, 2 * SZ_4K, SZ_4K, 0xffff800000000000ULL);
	test_cmd_unmap(self->as_id, -SZ_4K, SZ_4K, SZ_4K);
	test_cmd_unmap(self->as_id, 0xffff800000000000ULL, SZ_4K, SZ_4K);
	test_cmd_unmap(self->as_id, (1ULL << 47) - SZ_4K, SZ_4K, SZ_4K);
}

TEST_F(swmmu, overlap_leaves_tables_unchanged)
{
	const uint64_t base = 0x40000000ULL;
	struct swmmu_query q;
	struct swmmu_as_stats st0, st1;

	test_cmd_map_fixed(self->as_id, self->buf_id, 0, 4 * SZ_4K, base);
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st0));
	test_err_map_fixed(EEXIST, self->as_id, self->buf_id, 8 * SZ_4K, SZ_4K, base + SZ_4K);
	test_err_map_fixed(EEXIST, self->as_id, self->buf_id, 8 * SZ_4K, 2 * SZ_4K, base - SZ_4K);
	test_err_map_fixed(EEXIST, self->as_id, self->buf_id, 8 * SZ_4K, 8 * SZ_4K,
			   base - 2 * SZ_4K);
	test_err_map_fixed(EEXIST, self->as_id, self->buf_id, 8 * SZ_4K, SZ_4K, base + 3 * SZ_4K);
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st1));
	ASSERT_EQ(st0.out_nr_tables, st1.out_nr_tables);
	ASSERT_EQ(1, st1.out_nr_mappings);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, base + SZ_4K, &q));
	ASSERT_EQ(swmmu_buf_dma(self->fd, self->buf_id, SZ_4K), q.out_dma_addr);
	EXPECT_ERRNO(ENOENT, _test_query(self->fd, self->as_id, base - SZ_4K, &q));
	EXPECT_ERRNO(ENOENT, _test_query(self->fd, self->as_id, base + 4 * SZ_4K, &q));
	/* Adjacent on both sides is fine. */
	test_cmd_map_fixed(self->as_id, self->buf_id, 8 * SZ_4K, SZ_4K, base - SZ_4K);
	test_cmd_map_fixed(self->as_id, self->buf_id, 9 * SZ_4K, SZ_4K, base + 4 * SZ_4K);
}

TEST_F(swmmu, unmap_rules)
{
	const uint64_t base = 0x80000000ULL;
	struct swmmu_query q;

	test_cmd_map_fixed(self->as_id, self->buf_id, 0, 2 * SZ_4K, base);
	test_cmd_map_fixed(self->as_id, self->buf_id, 2 * SZ_4K, 4 * SZ_4K, base + 4 * SZ_4K);
	/* Cutting a mapping is refused, and changes nothing. */
	test_err_unmap(EINVAL, self->as_id, base, SZ_4K);
	test_err_unmap(EINVAL, self->as_id, base + SZ_4K, 4 * SZ_4K);
	test_err_unmap(EINVAL, self->as_id, base, 6 * SZ_4K);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, base, &q));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, base + 7 * SZ_4K, &q));
	/* Nothing there. */
	test_err_unmap(ENOENT, self->as_id, base + 2 * SZ_4K, 2 * SZ_4K);
	test_err_unmap(ENOENT, self->as_id, 0, SZ_4K);
	/* One call over both mappings and the hole between them. */
	test_cmd_unmap(self->as_id, base - SZ_1M, 2 * SZ_1M, 6 * SZ_4K);
	EXPECT_ERRNO(ENOENT, _test_query(self->fd, self->as_id, base, &q));
	EXPECT_ERRNO(ENOENT, _test_query(self->fd, self->as_id, base + 4 * SZ_4K, &q));
	/* Double unmap. */
	test_err_unmap(ENOENT, self->as_id, base, 2 * SZ_4K);
	test_err_unmap(ENOENT, self->as_id, base - SZ_1M, 2 * SZ_1M);
}

TEST_F(swmmu, unmap_frees_tables)
{
	struct swmmu_as_stats st0, st1, st2;
	uint64_t iova = 0x500000000000ULL;
	uint32_t big;

	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st0));
	ASSERT_EQ(1, st0.out_nr_tables);
	ASSERT_EQ(SZ_4K, st0.out_table_bytes);
	/* 2 MiB of 4K leaves: a new PDPT, PD and PT below the root (SDM Vol. 3A 4.5). */
	test_cmd_buf_alloc(SZ_2M, SWMMU_BUF_CONTIG, &big);
	ASSERT_EQ(0, _test_map(self->fd, self->as_id, big, 0, SZ_2M, SWMMU_MAP_FIXED_IOVA,
			       PROT_RW, 12, &iova));
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st1));
	ASSERT_EQ(4, st1.out_nr_tables);
	ASSERT_EQ(4 * SZ_4K, st1.out_table_bytes);
	/* Unmapping the PT's whole span frees the PT (after the invalidation); the PD and PDPT
	 * span more than the range and stay.
	 */
	test_cmd_unmap(self->as_id, iova, SZ_2M, SZ_2M);
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st2));
	ASSERT_EQ(3, st2.out_nr_tables);
	ASSERT_LT(st1.out_invalidations, st2.out_invalidations);
}

/*
 * A result that cannot be written back (the struct is in a read-only page: the kernel reads it,
 * its copy_to_user() fails): EFAULT, and what the command made is undone, the tables MAP added
 * for it included, as if it had not run. Allocating commands destroy their new object, and a
 * fault queue leaves the device.
 */
TEST_F(swmmu, unwritable_result_undone)
{
	struct swmmu_as_stats st0, st1;
	struct swmmu_counters c0, c1;
	struct swmmu_map *m;
	struct swmmu_as_alloc *a;
	struct swmmu_fault_queue_alloc *fq;
	void *page = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int i;

	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st0));
	ASSERT_EQ(0, swmmu_read_counters(&c0));
	/* At a fixed VA that needs new tables, then anywhere. */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ | PROT_WRITE));
		m = page;
		*m = (struct swmmu_map){
			.size = sizeof(*m), .flags = i ? 0 : SWMMU_MAP_FIXED_IOVA,
			.as_id = self->as_id, .buf_id = self->buf_id, .length = 4 * SZ_4K,
			.iova = i ? 0 : 0x500000000000ULL, .prot = PROT_RW,
		};
		ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ));
		EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_MAP, m));
		ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st1));
		EXPECT_EQ(st0.out_nr_mappings, st1.out_nr_mappings);
		EXPECT_EQ(st0.out_mapped_bytes, st1.out_mapped_bytes);
		EXPECT_EQ(st0.out_nr_tables, st1.out_nr_tables);
	}
	ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ | PROT_WRITE));
	a = page;
	*a = (struct swmmu_as_alloc){ .size = sizeof(*a), .format_id = self->x86.format_id };
	ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_AS_ALLOC, a));
	/* A fault queue whose descriptor number was lost: not left on the device either. */
	ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ | PROT_WRITE));
	fq = page;
	*fq = (struct swmmu_fault_queue_alloc){ .size = sizeof(*fq), .depth = 16 };
	ASSERT_EQ(0, mprotect(page, SZ_4K, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_FAULT_QUEUE, fq));
	ASSERT_EQ(0, swmmu_read_counters(&c1));
	EXPECT_EQ(c0.address_spaces, c1.address_spaces);
	EXPECT_EQ(c0.tables, c1.tables);
	EXPECT_EQ(c0.mappings, c1.mappings);
	EXPECT_EQ(c0.fault_queues, c1.fault_queues);
	munmap(page, SZ_4K);
}

/*
 * A call stalled inside its write back: the result page is write-protected with userfaultfd, so
 * the kernel's copy_to_user() waits for stall_handler(), which looks for the new object from
 * this thread, then makes the page read-only and lets the copy fail.
 */
struct stall {
	int fd;
	int uffd;
	void *page;
	unsigned long probe;	/* SWMMU_STATS (an address space) or SWMMU_BUF_INFO */
	uint32_t id;		/* the ID the stalled call takes */
	uint64_t mmap_offset;	/* its mmap window, or SWMMU_MMAP_OFFSET_NONE */
	int faults;		/* write-protect faults on the result page */
	int probe_rc, probe_errno;
	bool mapped;		/* mmap() of the new window succeeded */
};

static void *stall_handler(void *arg)
{
	struct stall *s = arg;
	struct pollfd pfd = { .fd = s->uffd, .events = POLLIN };
	struct uffdio_range wake = { .start = (uintptr_t)s->page, .len = SZ_4K };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 10000) != 1 || read(s->uffd, &msg, sizeof(msg)) != sizeof(msg))
		return NULL;
	if (msg.event != UFFD_EVENT_PAGEFAULT || !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP))
		return NULL;
	s->faults++;
	if (s->probe == SWMMU_STATS) {
		struct swmmu_as_stats st = { .size = sizeof(st), .as_id = s->id };

		s->probe_rc = ioctl(s->fd, SWMMU_STATS, &st);
	} else {
		/* No room for segments: EMSGSIZE for a buffer that exists. */
		struct swmmu_buf_info bi = { .size = sizeof(bi), .buf_id = s->id };

		s->probe_rc = ioctl(s->fd, SWMMU_BUF_INFO, &bi);
	}
	s->probe_errno = errno;
	if (s->mmap_offset != SWMMU_MMAP_OFFSET_NONE) {
		void *p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
			       (off_t)s->mmap_offset);

		s->mapped = p != MAP_FAILED;
		if (s->mapped)
			munmap(p, SZ_4K);
	}
	/* The copy is retried after the wake-up and finds the page read-only. */
	mprotect(s->page, SZ_4K, PROT_READ);
	ioctl(s->uffd, UFFDIO_WAKE, &wake);
	return NULL;
}

/*
 * An object becomes visible only once its ID reached the caller. While AS_ALLOC and BUF_ALLOC
 * write their result back, another thread finds neither the new ID (whose number is predictable:
 * the lowest free one) nor the new address space's mmap window; when the write back then fails
 * (EFAULT) nothing is left, and the next allocation gets the same ID.
 */
TEST_F(swmmu, new_object_hidden_until_result_written)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct swmmu_counters c0, c1;
	unsigned int i;
	int uffd;

	uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "no userfaultfd (%s)", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	if (!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP)) {
		close(uffd);
		SKIP(return, "no userfaultfd write-protect");
	}
	for (i = 0; i < 2; i++) {
		struct stall s = { .fd = self->fd, .uffd = uffd, .probe_rc = 1,
				   .mmap_offset = SWMMU_MMAP_OFFSET_NONE };
		struct uffdio_writeprotect wp = { .mode = UFFDIO_WRITEPROTECT_MODE_WP };
		struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
		unsigned long cmd = i ? SWMMU_BUF_ALLOC : SWMMU_AS_ALLOC;
		uint32_t again;
		pthread_t th;

		/* The ID (and window) the next allocation takes: the lowest free ones. */
		if (i) {
			test_cmd_buf_alloc(SZ_4K, 0, &s.id);
			s.probe = SWMMU_BUF_INFO;
		} else {
			test_cmd_as_alloc(self->x86.format_id, 0, &s.id, &s.mmap_offset);
			s.probe = SWMMU_STATS;
		}
		test_cmd_destroy(s.id);
		ASSERT_EQ(0, swmmu_read_counters(&c0));

		s.page = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
		ASSERT_NE(MAP_FAILED, s.page);
		if (i)
			*(struct swmmu_buf_alloc *)s.page = (struct swmmu_buf_alloc){
				.size = sizeof(struct swmmu_buf_alloc), .length = SZ_4K,
			};
		else
			*(struct swmmu_as_alloc *)s.page = (struct swmmu_as_alloc){
				.size = sizeof(struct swmmu_as_alloc),
				.format_id = self->x86.format_id,
			};
		reg.range.start = (uintptr_t)s.page;
		reg.range.len = SZ_4K;
		ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
		wp.range = reg.range;
		ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));

		ASSERT_EQ(0, pthread_create(&th, NULL, stall_handler, &s));
		EXPECT_ERRNO(EFAULT, ioctl(self->fd, cmd, s.page));
		ASSERT_EQ(0, pthread_join(th, NULL));
		ASSERT_EQ(1, s.faults);
		/* Not visible by its ID, nor by its window, while the call was still running. */
		EXPECT_EQ(-1, s.probe_rc);
		EXPECT_EQ(ENOENT, s.probe_errno);
		EXPECT_FALSE(s.mapped);
		/* Nothing left, and the ID is free again. */
		ASSERT_EQ(0, swmmu_read_counters(&c1));
		EXPECT_EQ(c0.address_spaces, c1.address_spaces);
		EXPECT_EQ(c0.buffers, c1.buffers);
		EXPECT_EQ(c0.tables, c1.tables);
		if (i) {
			test_cmd_buf_alloc(SZ_4K, 0, &again);
		} else {
			test_cmd_as_alloc(self->x86.format_id, 0, &again, NULL);
		}
		EXPECT_EQ(s.id, again);
		test_cmd_destroy(again);
		munmap(s.page, SZ_4K);
	}
	close(uffd);
}

static int set_param(const char *name, unsigned long v)
{
	char path[96];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/swmmu/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%lu\n", v) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

TEST_F(swmmu, table_limit_leaves_tables_unchanged)
{
	struct swmmu_as_stats st0, st1;
	uint64_t iova = 0x600000000000ULL;

	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st0));
	/* Room for the root and two more tables: a first map needs three more. */
	ASSERT_EQ(0, set_param("max_table_bytes", 3 * SZ_4K));
	EXPECT_ERRNO(ENOSPC, _test_map(self->fd, self->as_id, self->buf_id, 0, SZ_4K,
				       SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova));
	ASSERT_EQ(0, set_param("max_table_bytes", 64UL << 20));
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st1));
	ASSERT_EQ(st0.out_nr_tables, st1.out_nr_tables);
	ASSERT_EQ(0, st1.out_nr_mappings);
	test_cmd_map_fixed(self->as_id, self->buf_id, 0, SZ_4K, iova);
}

TEST_F(swmmu, protect_rules)
{
	const uint64_t base = 0xc0000000ULL;
	uint8_t data[64] = { 1, 2, 3 };
	struct swmmu_query q;

	test_cmd_map_fixed(self->as_id, self->buf_id, 0, 2 * SZ_4K, base);
	test_cmd_rw(self->as_id, base, data, sizeof(data), true);
	test_cmd_protect(self->as_id, base, 2 * SZ_4K, SWMMU_PROT_READ);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, base, &q));
	ASSERT_EQ(0, q.out_prot & SWMMU_PROT_WRITE);
	test_err_rw(EACCES, self->as_id, base, data, sizeof(data), true);
	memset(data, 0, sizeof(data));
	test_cmd_rw(self->as_id, base, data, sizeof(data), false);
	ASSERT_EQ(3, data[2]);
	test_err_protect(EINVAL, self->as_id, base, SZ_4K, PROT_RW);
	test_err_protect(ENOENT, self->as_id, base + SZ_1M, SZ_4K, PROT_RW);
	test_cmd_protect(self->as_id, base, 2 * SZ_4K, PROT_RW);
	test_cmd_rw(self->as_id, base, data, sizeof(data), true);
}

TEST_F(swmmu, query_fields)
{
	struct swmmu_query q;
	uint64_t iova = 0;
	uint32_t big;

	test_cmd_map(self->as_id, self->buf_id, 4 * SZ_4K, 8 * SZ_4K, 0, SWMMU_PROT_READ, &iova);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, iova + 3 * SZ_4K + 5, &q));
	ASSERT_EQ(swmmu_buf_dma(self->fd, self->buf_id, 7 * SZ_4K) + 5, q.out_dma_addr);
	ASSERT_EQ(iova + 3 * SZ_4K, q.out_entry_iova);
	ASSERT_EQ(SZ_4K, q.out_page_size);
	ASSERT_EQ(0, q.out_level);
	ASSERT_EQ(self->buf_id, q.out_buf_id);
	ASSERT_EQ(7 * SZ_4K + 5, q.out_buf_offset);
	ASSERT_EQ(SWMMU_PROT_READ, q.out_prot & (SWMMU_PROT_READ | SWMMU_PROT_WRITE));

	/* A 2 MiB contiguous buffer at a kernel-chosen VA: one 2 MiB leaf at level 1. */
	test_cmd_buf_alloc(SZ_2M, SWMMU_BUF_CONTIG, &big);
	iova = 0;
	test_cmd_map(self->as_id, big, 0, SZ_2M, 0, PROT_RW, &iova);
	ASSERT_EQ(0, iova & (SZ_2M - 1));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, iova + SZ_1M, &q));
	ASSERT_EQ(SZ_2M, q.out_page_size);
	ASSERT_EQ(1, q.out_level);
	ASSERT_EQ(swmmu_buf_dma(self->fd, big, SZ_1M), q.out_dma_addr);
}

TEST_F(swmmu, dump_regions)
{
	struct swmmu_dump_region r[8];
	uint32_t nr = 0;
	const uint64_t base = 0x10000000ULL;

	ASSERT_EQ(0, _test_dump(self->fd, self->as_id, 0, 0, NULL, &nr));
	ASSERT_EQ(0, nr);
	test_cmd_map_fixed(self->as_id, self->buf_id, 0, SZ_4K, base);
	test_cmd_map_fixed(self->as_id, self->buf_id, 8 * SZ_4K, SZ_4K, base + SZ_1M);
	test_cmd_map_fixed(self->as_id, self->buf_id, 9 * SZ_4K, SZ_4K, -SZ_4K);
	nr = 1;
	EXPECT_ERRNO(EMSGSIZE, _test_dump(self->fd, self->as_id, 0, 0, r, &nr));
	ASSERT_EQ(3, nr);
	ASSERT_EQ(0, _test_dump(self->fd, self->as_id, 0, 0, r, &nr));
	ASSERT_EQ(3, nr);
	ASSERT_EQ(base, r[0].iova);
	ASSERT_EQ(swmmu_buf_dma(self->fd, self->buf_id, 0), r[0].dma_addr);
	ASSERT_EQ(SZ_4K, r[0].length);
	ASSERT_EQ(12, r[0].page_size_lg2);
	ASSERT_EQ(base + SZ_1M, r[1].iova);
	ASSERT_EQ(-SZ_4K, r[2].iova);
	/* A sub-range. */
	nr = 8;
	ASSERT_EQ(0, _test_dump(self->fd, self->as_id, base, 2 * SZ_1M, r, &nr));
	ASSERT_EQ(2, nr);
	nr = 8;
	EXPECT_ERRNO(EINVAL, _test_dump(self->fd, self->as_id, base, 0, r, &nr));
	nr = 8;
	EXPECT_ERRNO(EFAULT, _test_dump(self->fd, self->as_id, 0, 0, (void *)8, &nr));
}

TEST_F(swmmu, rw_rules)
{
	uint8_t *data = malloc(4 * SZ_4K), *back = malloc(4 * SZ_4K);
	uint64_t iova = 0;

	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, back);
	test_cmd_map(self->as_id, self->buf_id, 0, 4 * SZ_4K, 0, PROT_RW, &iova);
	/* Unaligned, across scattered pages. */
	swmmu_fill(data, 3 * SZ_4K, 7);
	test_cmd_rw(self->as_id, iova + 100, data, 3 * SZ_4K, true);
	test_cmd_rw(self->as_id, iova + 100, back, 3 * SZ_4K, false);
	ASSERT_TRUE(swmmu_check(back, 3 * SZ_4K, 7));
	/* Past the end of the mapping: the pages before it are done, then ENXIO. */
	test_err_rw(ENXIO, self->as_id, iova + 3 * SZ_4K, data, 2 * SZ_4K, false);
	test_err_rw(ENXIO, self->as_id, iova - SZ_4K, data, 10, true);
	test_err_rw(EFAULT, self->as_id, iova, (void *)8, 10, true);
	test_err_rw(EFAULT, self->as_id, iova, (void *)8, 10, false);
	test_err_rw(EINVAL, self->as_id, iova, data, 0, false);
	test_err_rw(EINVAL, self->as_id, iova, data, 65 * SZ_1M, false);
	test_err_rw(ERANGE, self->as_id, 1ULL << 47, data, 1, false);
	free(data);
	free(back);
}

TEST_F(swmmu, files_are_isolated)
{
	int fd2 = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	uint64_t iova = 0;
	struct swmmu_query q;

	ASSERT_LE(0, fd2);
	test_cmd_map(self->as_id, self->buf_id, 0, SZ_4K, 0, PROT_RW, &iova);
	EXPECT_ERRNO(ENOENT, _test_query(fd2, self->as_id, iova, &q));
	EXPECT_ERRNO(ENOENT, _test_destroy(fd2, self->buf_id));
	EXPECT_ERRNO(ENOENT, _test_map(fd2, self->as_id, self->buf_id, 0, SZ_4K, 0, PROT_RW, 0,
				       &iova));
	/* The other file's window is empty: no address space to mmap. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, fd2, self->mmap_offset));
	close(fd2);
}

TEST_F(swmmu, debugfs_pagetable)
{
	struct swmmu_as_stats st;
	char path[128], line[256];
	uint64_t iova = 0x123456000ULL;
	bool found = false, header = false;
	FILE *f;

	test_cmd_map_fixed(self->as_id, self->buf_id, 0, SZ_4K, iova);
	ASSERT_EQ(0, _test_stats(self->fd, self->as_id, &st));
	snprintf(path, sizeof(path), "/sys/kernel/debug/swmmu/as/%u/pagetable", st.out_debug_id);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		/* The memory type by name (it was an unexplained "mt0"), under a header. */
		if (strstr(line, "0x0000000123456000-") && strstr(line, " wb "))
			found = true;
		if (!strncmp(line, "# IOVA", 6) && strstr(line, "MEMORY"))
			header = true;
	}
	fclose(f);
	ASSERT_TRUE(found);
	ASSERT_TRUE(header);
}

/*
 * A partial munmap() splits the VMA of an address space's window: the new VMA takes its own
 * reference (vm_operations_struct.open), both parts keep their pages, and the count of the
 * module's VMAs follows the VMAs the kernel holds.
 */
TEST_F(swmmu, mmap_split_by_partial_munmap)
{
	struct swmmu_counters c0, c;
	uint64_t iova = 0;
	uint8_t *p;

	test_cmd_map(self->as_id, self->buf_id, 0, 3 * SZ_4K, 0, PROT_RW, &iova);
	ASSERT_EQ(0, swmmu_read_counters(&c0));
	p = mmap(NULL, 3 * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 self->mmap_offset + iova);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 0x11;
	p[2 * SZ_4K] = 0x33;
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_EQ(c0.vmas + 1, c.vmas);
	ASSERT_EQ(0, munmap(p + SZ_4K, SZ_4K));
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_EQ(c0.vmas + 2, c.vmas);
	EXPECT_EQ(0x11, *(volatile uint8_t *)p);
	EXPECT_EQ(0x33, *(volatile uint8_t *)(p + 2 * SZ_4K));
	ASSERT_EQ(0, munmap(p, SZ_4K));
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_EQ(c0.vmas + 1, c.vmas);
	ASSERT_EQ(0, munmap(p + 2 * SZ_4K, SZ_4K));
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_EQ(c0.vmas, c.vmas);
}

TEST_F(swmmu, close_with_everything_live)
{
	uint32_t big;
	uint64_t iova = 0;
	void *p;

	test_cmd_buf_alloc(SZ_2M, SWMMU_BUF_CONTIG, &big);
	test_cmd_map(self->as_id, big, 0, SZ_2M, 0, PROT_RW, &iova);
	test_cmd_map(self->as_id, self->buf_id, 0, 16 * SZ_4K, 0, PROT_RW, &iova);
	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 self->mmap_offset + iova);
	ASSERT_NE(MAP_FAILED, p);
	*(volatile uint8_t *)p = 1;
	ASSERT_EQ(0, munmap(p, SZ_4K));
	/* The teardown closes the file and checks that every counter is back to zero. */
}

TEST_HARNESS_MAIN
