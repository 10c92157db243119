// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated device's DMA engine: every command (COPY, FILL, CRC32, COMPARE, FENCE) on every
 * built-in format, checked against the bytes read back through SWMMU_RW and a CRC computed here;
 * IOTLB statistics; accessed/dirty bits set by the engine's walks; 2 MiB leaves; and the uAPI
 * rules of QUEUE_ALLOC, SUBMIT, FAULT_QUEUE, FAULT_CONFIG and IOTLB.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

/* ---- every command on every format ---------------------------------------------------------- */

FIXTURE(eng) {
	int fd;
	struct swmmu_format_info fi;
	uint64_t gran;
	uint32_t flags;		/* of the buffers */
	uint32_t as_id, q;
	uint32_t buf_a, buf_b;
	uint64_t len;		/* bytes of each buffer */
	uint64_t va_a, va_b;	/* where they are mapped */
	uint8_t *a, *b;		/* host copies */
};

FIXTURE_VARIANT(eng) {
	uint32_t format_id;
};

#define SWMMU_FORMAT(id)				\
	FIXTURE_VARIANT_ADD(eng, id) {			\
		.format_id = FMT_##id,			\
	};
#include "swmmu_formats.def"
#undef SWMMU_FORMAT

FIXTURE_SETUP(eng)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(FMT_COUNT, swmmu_get_format(self->fd, variant->format_id, &self->fi));
	self->gran = swmmu_granule(&self->fi);
	self->len = 4 * self->gran;
	test_cmd_as_alloc(self->fi.format_id, 0, &self->as_id, NULL);
	/* Pages are 4 KiB: a larger granule needs contiguous memory. */
	self->flags = self->gran > SZ_4K ? SWMMU_BUF_CONTIG : 0;
	test_cmd_buf_alloc(self->len, self->flags, &self->buf_a);
	test_cmd_buf_alloc(self->len, self->flags, &self->buf_b);
	test_cmd_map(self->as_id, self->buf_a, 0, self->len, 0, PROT_RW, &self->va_a);
	test_cmd_map(self->as_id, self->buf_b, 0, self->len, 0, PROT_RW, &self->va_b);
	test_cmd_queue_alloc(self->as_id, &self->q);
	self->a = malloc(self->len);
	self->b = malloc(self->len);
	ASSERT_NE(NULL, self->a);
	ASSERT_NE(NULL, self->b);
	swmmu_fill(self->a, self->len, variant->format_id + 1);
	swmmu_fill(self->b, self->len, variant->format_id + 100);
	test_cmd_rw(self->as_id, self->va_a, self->a, self->len, true);
	test_cmd_rw(self->as_id, self->va_b, self->b, self->len, true);
}

FIXTURE_TEARDOWN(eng)
{
	free(self->a);
	free(self->b);
	close(self->fd);
	test_no_leaks();
}

TEST_F(eng, copy)
{
	/* Unaligned ends, crossing every page of both buffers. */
	uint64_t so = 100, dof = 333, n = self->len - 1000;
	struct swmmu_dma_cmd c;

	c = test_cmd_dma(self->q, swmmu_cmd_copy(self->va_a + so, self->va_b + dof, n));
	ASSERT_EQ(n, c.out_result);
	ASSERT_EQ(0, c.out_fault_seq);
	memmove(self->b + dof, self->a + so, n);
	memset(self->a, 0, self->len);
	test_cmd_rw(self->as_id, self->va_b, self->a, self->len, false);
	ASSERT_EQ(0, memcmp(self->a, self->b, self->len));
}

/*
 * COPY between overlapping ranges of one buffer: the result inside the destination is
 * undefined (include/uapi/linux/swmmu.h, as a DMA engine's), but the command completes and no
 * byte outside the destination changes, whichever way the ranges overlap.
 */
TEST_F(eng, copy_overlapping)
{
	static const int64_t shift[] = { 64, -64, 1, -1 };
	uint64_t so = 1000, n = 2000;
	struct swmmu_dma_cmd c;
	unsigned int i;

	for (i = 0; i < sizeof(shift) / sizeof(shift[0]); i++) {
		uint64_t dof = so + shift[i];

		test_cmd_rw(self->as_id, self->va_a, self->a, self->len, true);
		c = test_cmd_dma(self->q, swmmu_cmd_copy(self->va_a + so, self->va_a + dof, n));
		ASSERT_EQ(n, c.out_result);
		test_cmd_rw(self->as_id, self->va_a, self->b, self->len, false);
		EXPECT_EQ(0, memcmp(self->a, self->b, dof));
		EXPECT_EQ(0, memcmp(self->a + dof + n, self->b + dof + n, self->len - dof - n));
	}
}

TEST_F(eng, fill)
{
	uint64_t pat = 0x0123456789abcdefULL, off = 5, n = self->len - 17, i;
	struct swmmu_dma_cmd c;

	c = test_cmd_dma(self->q, swmmu_cmd_fill(self->va_b + off, n, pat));
	ASSERT_EQ(n, c.out_result);
	for (i = 0; i < n; i++)
		self->b[off + i] = pat >> (8 * (i % 8));
	test_cmd_rw(self->as_id, self->va_b, self->a, self->len, false);
	ASSERT_EQ(0, memcmp(self->a, self->b, self->len));
}

TEST_F(eng, crc32)
{
	struct swmmu_dma_cmd c;

	c = test_cmd_dma(self->q, swmmu_cmd_crc32(self->va_a + 7, self->len - 7));
	ASSERT_EQ(swmmu_crc32(self->a + 7, self->len - 7), c.out_result);
	/* Known answer: CRC-32 of "123456789" is 0xcbf43926 (the check value of the CRC). */
	test_cmd_rw(self->as_id, self->va_a, "123456789", 9, true);
	c = test_cmd_dma(self->q, swmmu_cmd_crc32(self->va_a, 9));
	ASSERT_EQ(0xcbf43926u, c.out_result);
}

TEST_F(eng, compare)
{
	uint64_t at = self->len / 2 + 3;
	struct swmmu_dma_cmd c;
	uint8_t x;

	test_cmd_rw(self->as_id, self->va_b, self->a, self->len, true);
	c = test_cmd_dma(self->q, swmmu_cmd_compare(self->va_a, self->va_b, self->len));
	ASSERT_EQ(self->len, c.out_result);
	x = self->a[at] ^ 0x5a;
	test_cmd_rw(self->as_id, self->va_b + at, &x, 1, true);
	c = test_cmd_dma(self->q, swmmu_cmd_compare(self->va_a, self->va_b, self->len));
	ASSERT_EQ(at, c.out_result);
}

TEST_F(eng, fence)
{
	uint64_t v8 = 0;
	uint32_t v4 = 0;

	/* A COPY then a FENCE in one SUBMIT: the fence value lands after the copied bytes. */
	struct swmmu_dma_cmd cmds[2] = {
		swmmu_cmd_copy(self->va_a, self->va_b, self->gran),
		swmmu_cmd_fence(self->va_b + self->gran + 8, 0x1122334455667788ULL, 8),
	};
	uint32_t done = 0;

	ASSERT_EQ(0, _test_submit(self->fd, self->q, cmds, 2, &done));
	ASSERT_EQ(2, done);
	ASSERT_EQ(0, cmds[1].out_status);
	test_cmd_rw(self->as_id, self->va_b + self->gran + 8, &v8, 8, false);
	ASSERT_EQ(0x1122334455667788ULL, v8);
	test_cmd_dma(self->q, swmmu_cmd_fence(self->va_b + 4, 0xdeadbeefcafef00dULL, 4));
	test_cmd_rw(self->as_id, self->va_b + 4, &v4, 4, false);
	ASSERT_EQ(0xcafef00du, v4);
	test_cmd_rw(self->as_id, self->va_b + self->gran, self->b, self->gran - 4, false);
	test_cmd_rw(self->as_id, self->va_b, self->b + self->gran, 4, false);
	ASSERT_EQ(0, memcmp(self->b + self->gran, self->a, 4));
}

TEST_F(eng, iotlb_stats)
{
	struct swmmu_iotlb st;
	uint64_t pages = self->len / self->gran;

	ASSERT_EQ(0, _test_iotlb(self->fd, SWMMU_IOTLB_FLUSH | SWMMU_IOTLB_RESET_STATS, 0, NULL));
	test_cmd_dma(self->q, swmmu_cmd_crc32(self->va_a, self->len));
	ASSERT_EQ(0, _test_iotlb(self->fd, 0, 0, &st));
	/* A cold IOTLB: one miss and one walk per leaf; a walk reads at least one item. */
	ASSERT_LE(1, st.out_misses);
	ASSERT_GE(pages, st.out_misses);
	ASSERT_EQ(st.out_misses, st.out_walks);
	ASSERT_LE(st.out_walks, st.out_levels);
	ASSERT_GE(st.out_walks * self->fi.nr_levels, st.out_levels);
	ASSERT_EQ(self->len, st.out_bytes);
	ASSERT_EQ(1, st.out_cmds);
	ASSERT_EQ(0, st.out_faults);
	/* The same range again: every translation hits. */
	test_cmd_dma(self->q, swmmu_cmd_crc32(self->va_a, self->len));
	ASSERT_EQ(0, _test_iotlb(self->fd, SWMMU_IOTLB_RESET_STATS, 0, &st));
	ASSERT_EQ(st.out_walks, st.out_misses);
	ASSERT_LE(pages - st.out_misses, st.out_hits);
	ASSERT_EQ(2 * self->len, st.out_bytes);
	ASSERT_EQ(0, _test_iotlb(self->fd, 0, 0, &st));
	ASSERT_EQ(0, st.out_hits | st.out_misses | st.out_bytes | st.out_cmds);
}

TEST_F(eng, iotlb_small)
{
	struct swmmu_iotlb st;

	/* A 4-entry IOTLB thrashes but stays correct. */
	ASSERT_EQ(0, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 4, &st));
	ASSERT_EQ(4, st.nr_entries);
	ASSERT_EQ(4, st.out_ways);
	test_cmd_dma(self->q, swmmu_cmd_copy(self->va_a, self->va_b, self->len));
	test_cmd_rw(self->as_id, self->va_b, self->b, self->len, false);
	ASSERT_EQ(0, memcmp(self->a, self->b, self->len));
}

/* The engine's walks set accessed/dirty bits exactly as a device access through RW does. */
TEST_F(eng, accessed_dirty)
{
	struct swmmu_query qa = {}, qb = {}, qr = {}, qw = {};
	uint32_t buf_r, buf_w;
	uint64_t va_r, va_w;
	uint8_t x = 1;

	test_cmd_buf_alloc(self->gran, self->flags, &buf_r);
	test_cmd_buf_alloc(self->gran, self->flags, &buf_w);
	test_cmd_map(self->as_id, buf_r, 0, self->gran, 0, PROT_RW, &va_r);
	test_cmd_map(self->as_id, buf_w, 0, self->gran, 0, PROT_RW, &va_w);
	/* Fresh leaves: the engine reads one and writes the other; RW reads and writes two more. */
	test_cmd_buf_alloc(self->gran, self->flags, &self->buf_a);
	test_cmd_buf_alloc(self->gran, self->flags, &self->buf_b);
	test_cmd_map(self->as_id, self->buf_a, 0, self->gran, 0, PROT_RW, &self->va_a);
	test_cmd_map(self->as_id, self->buf_b, 0, self->gran, 0, PROT_RW, &self->va_b);
	test_cmd_dma(self->q, swmmu_cmd_copy(self->va_a, self->va_b, 1));
	test_cmd_rw(self->as_id, va_r, &x, 1, false);
	test_cmd_rw(self->as_id, va_w, &x, 1, true);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, self->va_a, &qa));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, self->va_b, &qb));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, va_r, &qr));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, va_w, &qw));
	ASSERT_EQ(qr.out_flags, qa.out_flags);
	ASSERT_EQ(qw.out_flags, qb.out_flags);
	ASSERT_EQ(0, qa.out_flags & SWMMU_QUERY_DIRTY);
	/* Intel SDM vol. 3A 4.8: the walk sets A on every access, D on a write to the page. */
	if (variant->format_id == FMT_x86_64) {
		ASSERT_EQ(SWMMU_QUERY_ACCESSED, qa.out_flags);
		ASSERT_EQ(SWMMU_QUERY_ACCESSED | SWMMU_QUERY_DIRTY, qb.out_flags);
	}
}

/* 2 MiB leaves, where the format has them: one walk per leaf, the rest IOTLB hits. */
TEST_F(eng, copy_2m)
{
	uint32_t b1, b2;
	uint64_t v1, v2, len = SZ_2M;
	struct swmmu_query qi = {};
	struct swmmu_iotlb st;
	uint8_t *x, *y;

	if (!(self->fi.pgsizes & SZ_2M))
		SKIP(return, "format %s has no 2 MiB leaves", self->fi.name);
	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b1);
	test_cmd_buf_alloc(len, SWMMU_BUF_CONTIG, &b2);
	ASSERT_EQ(0, _test_map(self->fd, self->as_id, b1, 0, len, 0, PROT_RW, 21, &v1));
	ASSERT_EQ(0, _test_map(self->fd, self->as_id, b2, 0, len, 0, PROT_RW, 21, &v2));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, v1 + 12345, &qi));
	ASSERT_EQ(SZ_2M, qi.out_page_size);
	x = malloc(len);
	y = malloc(len);
	ASSERT_NE(NULL, x);
	ASSERT_NE(NULL, y);
	swmmu_fill(x, len, 77);
	test_cmd_rw(self->as_id, v1, x, len, true);
	ASSERT_EQ(0, _test_iotlb(self->fd, SWMMU_IOTLB_FLUSH | SWMMU_IOTLB_RESET_STATS, 0, NULL));
	test_cmd_dma(self->q, swmmu_cmd_copy(v1, v2, len));
	ASSERT_EQ(0, _test_iotlb(self->fd, 0, 0, &st));
	ASSERT_EQ(2, st.out_walks);
	ASSERT_LE(2, st.out_hits);
	test_cmd_rw(self->as_id, v2, y, len, false);
	ASSERT_EQ(0, memcmp(x, y, len));
	free(x);
	free(y);
}

/* ---- the uAPI rules --------------------------------------------------------------------------- */

FIXTURE(dev) {
	int fd;
	uint32_t as_id, q, buf;
	uint64_t va;
};

FIXTURE_SETUP(dev)
{
	struct swmmu_format_info fi;

	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	test_cmd_as_alloc(fi.format_id, 0, &self->as_id, NULL);
	test_cmd_buf_alloc(SZ_64K, 0, &self->buf);
	test_cmd_map(self->as_id, self->buf, 0, SZ_64K, 0, PROT_RW, &self->va);
	test_cmd_queue_alloc(self->as_id, &self->q);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
	test_no_leaks();
}

static uint32_t g_as, g_q;
static struct swmmu_dma_cmd g_cmd;

static void init_queue_alloc(struct swmmu_queue_alloc *c)
{
	c->as_id = g_as;
}

static void init_submit(struct swmmu_submit *c)
{
	c->queue_id = g_q;
	c->nr_cmds = 1;
	c->cmds_uptr = (uintptr_t)&g_cmd;
}

static void init_fault_queue(struct swmmu_fault_queue_alloc *c)
{
	/* depth 0 is invalid: every size variant fails the same way, no descriptor is made. */
	c->depth = 0;
}

static void init_fault_config(struct swmmu_fault_config *c)
{
	c->as_id = g_as;
	c->mode = SWMMU_FAULT_MODE_TERMINATE;
}

static void init_iotlb(struct swmmu_iotlb *c)
{
	c->flags = 0;
}

TEST_F(dev, size_rules)
{
	g_as = self->as_id;
	g_q = self->q;
	g_cmd = swmmu_cmd_fill(self->va, 64, 1);
	TEST_LENGTH(swmmu_queue_alloc, SWMMU_QUEUE_ALLOC, out_queue_id, init_queue_alloc);
	TEST_LENGTH(swmmu_submit, SWMMU_SUBMIT, __reserved, init_submit);
	TEST_LENGTH(swmmu_fault_queue_alloc, SWMMU_FAULT_QUEUE, out_fd, init_fault_queue);
	TEST_LENGTH(swmmu_fault_config, SWMMU_FAULT_CONFIG, __reserved, init_fault_config);
	TEST_LENGTH(swmmu_iotlb, SWMMU_IOTLB, out_invalidations, init_iotlb);
}

TEST_F(dev, bad_args)
{
	struct swmmu_dma_cmd c, many[SWMMU_SUBMIT_MAX_CMDS + 1];
	struct swmmu_submit s = { .size = sizeof(s), .queue_id = self->q, .nr_cmds = 1 };
	struct swmmu_queue_alloc qa = { .size = sizeof(qa), .as_id = self->as_id, .flags = 1 };
	uint32_t done;

	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_QUEUE_ALLOC, &qa));
	test_err_queue_alloc(ENOENT, 999);
	test_err_queue_alloc(ENOENT, self->buf);
	/* Queue IDs are not address spaces and the other way round. */
	test_err_queue_alloc(ENOENT, self->q);
	EXPECT_ERRNO(ENOENT, _test_fault_config(self->fd, self->q, 0, 0));
	c = swmmu_cmd_fill(self->va, 64, 1);
	EXPECT_ERRNO(ENOENT, _test_submit(self->fd, self->as_id, &c, 1, NULL));
	EXPECT_ERRNO(ENOENT, _test_submit(self->fd, 12345, &c, 1, NULL));
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 0, NULL));
	memset(many, 0, sizeof(many));
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, many, SWMMU_SUBMIT_MAX_CMDS + 1, NULL));
	s.cmds_uptr = 8;
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_SUBMIT, &s));
	s.cmds_uptr = (uintptr_t)&c;
	s.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_SUBMIT, &s));
	s.flags = 0;
	s.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_SUBMIT, &s));

	/* Per command; nothing runs when one command of the batch is invalid. */
	c.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(self->va, 64, 1);
	c.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(self->va, 64, 1);
	c.opcode = 0;
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c.opcode = 99;
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(self->va, 0, 1);
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(self->va, SWMMU_DMA_MAX_LENGTH + 1, 1);
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(~0ULL - 10, 64, 1);
	EXPECT_ERRNO(EOVERFLOW, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_copy(~0ULL - 10, self->va, 64);
	EXPECT_ERRNO(EOVERFLOW, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fill(self->va, 64, 1);
	c.src = self->va + 4096;
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_copy(self->va, self->va + 64, 64);
	c.value = 1;
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_crc32(self->va, 64);
	c.dst = self->va + 4096;
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fence(self->va + 4, 1, 8);
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	c = swmmu_cmd_fence(self->va, 1, 2);
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, &c, 1, NULL));
	many[0] = swmmu_cmd_fill(self->va, 64, 0xff);
	many[1] = swmmu_cmd_fill(self->va, 0, 1);
	EXPECT_ERRNO(EINVAL, _test_submit(self->fd, self->q, many, 2, NULL));
	c = swmmu_cmd_compare(self->va, self->va + 64, 64);
	test_cmd_dma(self->q, c);
	/* The invalid batch above did not run its valid first command: the bytes are still 0. */
	c = test_cmd_dma(self->q, swmmu_cmd_compare(self->va, self->va + 64, 64));
	ASSERT_EQ(64, c.out_result);

	/* A batch stops at the first failing command. */
	many[0] = swmmu_cmd_fill(self->va, 64, 1);
	many[1] = swmmu_cmd_fill(self->va + SZ_1M * 64, 64, 1);
	many[2] = swmmu_cmd_fill(self->va + 64, 64, 2);
	many[2].out_status = 12345;
	done = 99;
	ASSERT_EQ(0, _test_submit(self->fd, self->q, many, 3, &done));
	ASSERT_EQ(1, done);
	ASSERT_EQ(0, many[0].out_status);
	ASSERT_EQ(-ENXIO, many[1].out_status);
	ASSERT_EQ(12345, many[2].out_status);
}

TEST_F(dev, iotlb_args)
{
	struct swmmu_iotlb st;

	EXPECT_ERRNO(EOPNOTSUPP, _test_iotlb(self->fd, 0x8, 0, NULL));
	EXPECT_ERRNO(EINVAL, _test_iotlb(self->fd, 0, 16, NULL));
	EXPECT_ERRNO(EINVAL, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 0, NULL));
	EXPECT_ERRNO(EINVAL, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 2, NULL));
	EXPECT_ERRNO(EINVAL, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 24, NULL));
	EXPECT_ERRNO(EINVAL, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 131072, NULL));
	ASSERT_EQ(0, _test_iotlb(self->fd, SWMMU_IOTLB_RESIZE, 65536, &st));
	ASSERT_EQ(65536, st.nr_entries);
	ASSERT_EQ(0, _test_iotlb(self->fd, 0, 0, &st));
	ASSERT_EQ(65536, st.nr_entries);
}

TEST_F(dev, fault_config_args)
{
	struct swmmu_fault_config c = { .size = sizeof(c), .as_id = self->as_id };

	EXPECT_ERRNO(ENOENT, _test_fault_config(self->fd, 999, 0, 0));
	EXPECT_ERRNO(EINVAL, _test_fault_config(self->fd, self->as_id, 2, 0));
	EXPECT_ERRNO(EINVAL, _test_fault_config(self->fd, self->as_id, 1,
						SWMMU_FAULT_MAX_TIMEOUT_MS + 1));
	c.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_FAULT_CONFIG, &c));
	c.flags = 0;
	c.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_FAULT_CONFIG, &c));
	ASSERT_EQ(0, _test_fault_config(self->fd, self->as_id, SWMMU_FAULT_MODE_STALL, 100));
	ASSERT_EQ(0, _test_fault_config(self->fd, self->as_id, SWMMU_FAULT_MODE_TERMINATE, 0));
}

TEST_F(dev, busy_and_destroy)
{
	uint32_t q2, i, ids[SWMMU_MAX_QUEUES];

	/* The queue holds its address space. */
	test_err_destroy(EBUSY, self->as_id);
	test_cmd_queue_alloc(self->as_id, &q2);
	test_cmd_destroy(q2);
	test_err_destroy(ENOENT, q2);
	test_cmd_destroy(self->q);
	for (i = 0; i < SWMMU_MAX_QUEUES; i++)
		test_cmd_queue_alloc(self->as_id, &ids[i]);
	test_err_queue_alloc(ENOSPC, self->as_id);
	for (i = 0; i < SWMMU_MAX_QUEUES; i++)
		test_cmd_destroy(ids[i]);
	test_cmd_destroy(self->as_id);
}

/* Commands of several queues of one file, on two address spaces, interleaved. */
TEST_F(dev, several_queues)
{
	struct swmmu_format_info fi;
	uint32_t as2, q2, buf2;
	uint64_t va2, crc_a, crc_b;
	struct swmmu_dma_cmd c;

	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "riscv-sv39", &fi));
	test_cmd_as_alloc(fi.format_id, 0, &as2, NULL);
	test_cmd_buf_alloc(SZ_64K, 0, &buf2);
	test_cmd_map(as2, buf2, 0, SZ_64K, 0, PROT_RW, &va2);
	test_cmd_queue_alloc(as2, &q2);
	test_cmd_dma(self->q, swmmu_cmd_fill(self->va, SZ_64K, 0x1111111111111111ULL));
	test_cmd_dma(q2, swmmu_cmd_fill(va2, SZ_64K, 0x2222222222222222ULL));
	c = test_cmd_dma(self->q, swmmu_cmd_crc32(self->va, SZ_64K));
	crc_a = c.out_result;
	c = test_cmd_dma(q2, swmmu_cmd_crc32(va2, SZ_64K));
	crc_b = c.out_result;
	ASSERT_NE(crc_a, crc_b);
	/* The same VA in two address spaces must not alias in the shared IOTLB. */
	if (va2 == self->va)
		TH_LOG("same VA in both address spaces");
	c = test_cmd_dma(self->q, swmmu_cmd_crc32(self->va, SZ_64K));
	ASSERT_EQ(crc_a, c.out_result);
}

TEST_HARNESS_MAIN
