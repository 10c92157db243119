// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_uring passthrough (IORING_OP_URING_CMD) on /dev/swmmu, through liburing: DMA commands
 * queued asynchronously and completed in order, their results in the CQE's extra word, MAP /
 * UNMAP / PROTECT batches, the size and argument rules, and cancellation of outstanding commands
 * when the device descriptor is closed.
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

#define SZ_1G	0x40000000ULL

FIXTURE(ur) {
	int fd;
	struct io_uring ring;
	uint32_t as_id, q, buf;
	uint64_t va;
};

FIXTURE_SETUP(ur)
{
	struct swmmu_format_info fi;

	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, io_uring_queue_init(256, &self->ring, IORING_SETUP_SQE128 |
					 IORING_SETUP_CQE32));
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	test_cmd_as_alloc(fi.format_id, 0, &self->as_id, NULL);
	test_cmd_buf_alloc(SZ_1M, 0, &self->buf);
	self->va = 0;
	test_cmd_map_fixed(self->as_id, self->buf, 0, SZ_1M, self->va);
	test_cmd_queue_alloc(self->as_id, &self->q);
}

FIXTURE_TEARDOWN(ur)
{
	if (self->fd >= 0)
		close(self->fd);
	io_uring_queue_exit(&self->ring);
	test_no_leaks();
}

/* Fill the next SQE with a passthrough command. */
static void prep_cmd(struct io_uring *ring, int fd, uint32_t op, const void *payload, size_t len,
		     uint64_t user_data)
{
	swmmu_prep_uring_cmd(io_uring_get_sqe(ring), fd, op, payload, len, user_data);
}

static void prep_dma(struct io_uring *ring, int fd, uint32_t q, struct swmmu_dma_cmd c,
		     uint64_t user_data)
{
	struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = q, .cmd = c };

	prep_cmd(ring, fd, SWMMU_URING_DMA, &u, sizeof(u), user_data);
}

struct result {
	int res;
	uint64_t res2;
};

/* Submit what is prepared and collect @n completions into out[user_data]. */
static int reap(struct io_uring *ring, unsigned int n, struct result *out, unsigned int max,
		int timeout_ms)
{
	struct __kernel_timespec ts = { .tv_sec = timeout_ms / 1000,
					.tv_nsec = (timeout_ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	unsigned int i;

	if (io_uring_submit(ring) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (io_uring_wait_cqe_timeout(ring, &cqe, &ts))
			return -1;
		if (cqe->user_data < max) {
			out[cqe->user_data].res = cqe->res;
			out[cqe->user_data].res2 = cqe->big_cqe[0];
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return 0;
}

TEST_F(ur, dma_in_order)
{
	enum { N = 64 };
	struct result r[2 * N + 2];
	uint64_t slots[N], i;
	uint8_t *data = malloc(SZ_64K);

	ASSERT_NE(NULL, data);
	/* FILL the page with i, then COPY its first 8 bytes to slot i: every slot sees its i. */
	for (i = 0; i < N; i++) {
		prep_dma(&self->ring, self->fd, self->q,
			 swmmu_cmd_fill(self->va, SZ_4K, i * 0x0101010101010101ULL), 2 * i);
		prep_dma(&self->ring, self->fd, self->q,
			 swmmu_cmd_copy(self->va, self->va + SZ_64K + i * 8, 8), 2 * i + 1);
	}
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_crc32(self->va, SZ_4K), 2 * N);
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_compare(self->va, self->va, 100),
		 2 * N + 1);
	memset(r, 0x55, sizeof(r));
	ASSERT_EQ(0, reap(&self->ring, 2 * N + 2, r, 2 * N + 2, 10000));
	for (i = 0; i < 2 * N + 2; i++)
		ASSERT_EQ(0, r[i].res);
	ASSERT_EQ(SZ_4K, r[0].res2);
	ASSERT_EQ(8, r[1].res2);
	test_cmd_rw(self->as_id, self->va + SZ_64K, slots, sizeof(slots), false);
	for (i = 0; i < N; i++)
		ASSERT_EQ(i * 0x0101010101010101ULL, slots[i]);
	memset(data, N - 1, SZ_4K);
	ASSERT_EQ(swmmu_crc32(data, SZ_4K), r[2 * N].res2);
	ASSERT_EQ(100, r[2 * N + 1].res2);
	free(data);
}

TEST_F(ur, dma_errors)
{
	struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = self->q,
				     .cmd = swmmu_cmd_fill(self->va, 8, 1) };
	struct {
		struct swmmu_uring_dma u;
		uint8_t tail[8];
	} big = { .u = u };
	struct result r[8];

	prep_dma(&self->ring, self->fd, 999, swmmu_cmd_fill(self->va, 8, 1), 0);
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_fill(self->va, 0, 1), 1);
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_fill(~0ULL - 3, 8, 1), 2);
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_fill(SZ_1G, 8, 1), 3);
	u.size = sizeof(u) - 1;
	prep_cmd(&self->ring, self->fd, SWMMU_URING_DMA, &u, sizeof(u), 4);
	big.u.size = sizeof(big);
	big.tail[7] = 1;
	prep_cmd(&self->ring, self->fd, SWMMU_URING_DMA, &big, sizeof(big), 5);
	big.tail[7] = 0;
	prep_cmd(&self->ring, self->fd, SWMMU_URING_DMA, &big, sizeof(big), 6);
	prep_cmd(&self->ring, self->fd, 0x12345678, &u, sizeof(u), 7);
	ASSERT_EQ(0, reap(&self->ring, 8, r, 8, 10000));
	ASSERT_EQ(-ENOENT, r[0].res);
	ASSERT_EQ(-EINVAL, r[1].res);
	ASSERT_EQ(-EOVERFLOW, r[2].res);
	ASSERT_EQ(-ENXIO, r[3].res);
	ASSERT_EQ(-EINVAL, r[4].res);
	ASSERT_EQ(-E2BIG, r[5].res);
	ASSERT_EQ(0, r[6].res);
	ASSERT_EQ(-EOPNOTSUPP, r[7].res);
}

TEST_F(ur, map_unmap_batch)
{
	enum { N = 32 };
	struct result r[N + 4];
	struct swmmu_query qr;
	unsigned int i;

	for (i = 0; i < N; i++) {
		struct swmmu_map m = {
			.size = sizeof(m), .flags = SWMMU_MAP_FIXED_IOVA, .as_id = self->as_id,
			.buf_id = self->buf, .buf_offset = i * SZ_4K, .length = SZ_4K,
			.iova = SZ_1G + i * SZ_64K, .prot = PROT_RW,
		};

		prep_cmd(&self->ring, self->fd, SWMMU_MAP, &m, sizeof(m), i);
	}
	ASSERT_EQ(0, reap(&self->ring, N, r, N, 10000));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, r[i].res);
		ASSERT_EQ(SZ_1G + i * SZ_64K, r[i].res2);
		ASSERT_EQ(0, _test_query(self->fd, self->as_id, SZ_1G + i * SZ_64K, &qr));
		ASSERT_EQ(i * SZ_4K, qr.out_buf_offset);
	}
	/* The engine sees them; a kernel-chosen VA comes back in the extra word. */
	test_cmd_dma(self->q, swmmu_cmd_copy(self->va, SZ_1G + 5 * SZ_64K, 64));
	{
		struct swmmu_map m = { .size = sizeof(m), .as_id = self->as_id, .buf_id = self->buf,
				       .length = SZ_64K, .prot = PROT_RW };
		struct swmmu_unmap un = { .size = sizeof(un), .as_id = self->as_id,
					  .iova = SZ_1G, .length = N * SZ_64K };
		struct swmmu_protect pr = { .size = sizeof(pr), .as_id = self->as_id,
					    .prot = SWMMU_PROT_READ, .iova = self->va,
					    .length = SZ_1M };
		struct swmmu_as_alloc aa = { .size = sizeof(aa) };

		prep_cmd(&self->ring, self->fd, SWMMU_MAP, &m, sizeof(m), 0);
		prep_cmd(&self->ring, self->fd, SWMMU_UNMAP, &un, sizeof(un), 1);
		prep_cmd(&self->ring, self->fd, SWMMU_PROTECT, &pr, sizeof(pr), 2);
		/* Commands that create objects are refused. */
		prep_cmd(&self->ring, self->fd, SWMMU_AS_ALLOC, &aa, sizeof(aa), 3);
		ASSERT_EQ(0, reap(&self->ring, 4, r, 4, 10000));
		ASSERT_EQ(0, r[0].res);
		ASSERT_NE(0, r[0].res2);
		ASSERT_EQ(0, _test_query(self->fd, self->as_id, r[0].res2, &qr));
		ASSERT_EQ(0, r[1].res);
		ASSERT_EQ(N * SZ_4K, r[1].res2);
		ASSERT_EQ(0, r[2].res);
		ASSERT_EQ(-EOPNOTSUPP, r[3].res);
		/* Size rules, as for the ioctl. */
		un.size = offsetofend(struct swmmu_unmap, out_unmapped) - 1;
		prep_cmd(&self->ring, self->fd, SWMMU_UNMAP, &un, sizeof(un), 0);
		un.size = 81;
		prep_cmd(&self->ring, self->fd, SWMMU_UNMAP, &un, sizeof(un), 1);
		un.size = sizeof(un);
		un.as_id = 999;
		prep_cmd(&self->ring, self->fd, SWMMU_UNMAP, &un, sizeof(un), 2);
		un.as_id = self->as_id;
		prep_cmd(&self->ring, self->fd, SWMMU_UNMAP, &un, sizeof(un), 3);
		ASSERT_EQ(0, reap(&self->ring, 4, r, 4, 10000));
		ASSERT_EQ(-EINVAL, r[0].res);
		ASSERT_EQ(-EINVAL, r[1].res);
		ASSERT_EQ(-ENOENT, r[2].res);
		ASSERT_EQ(-ENOENT, r[3].res);
	}
	/* PROTECT read-only reached the engine. */
	test_err_dma(EACCES, self->q, swmmu_cmd_fill(self->va, 8, 1));
}

TEST_F(ur, needs_sqe128)
{
	struct io_uring small;
	struct io_uring_cqe *cqe;
	struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = self->q };

	ASSERT_EQ(0, io_uring_queue_init(4, &small, 0));
	prep_cmd(&small, self->fd, SWMMU_URING_DMA, &u, 16, 1);
	ASSERT_EQ(1, io_uring_submit(&small));
	ASSERT_EQ(0, io_uring_wait_cqe(&small, &cqe));
	ASSERT_EQ(-EINVAL, cqe->res);
	io_uring_cqe_seen(&small, cqe);
	io_uring_queue_exit(&small);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A stalled command and commands queued behind it complete with ECANCELED on close(). */
TEST_F(ur, cancel_on_close)
{
	enum { N = 6 };
	struct result r[N];
	struct swmmu_iotlb st;
	double t0;
	int fq, i;

	ASSERT_EQ(0, _test_fault_queue(self->fd, 16, &fq));
	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_STALL, SWMMU_FAULT_MAX_TIMEOUT_MS);
	prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_crc32(SZ_1G, 64), 0);
	for (i = 1; i < N; i++)
		prep_dma(&self->ring, self->fd, self->q, swmmu_cmd_fill(self->va, SZ_4K, i), i);
	ASSERT_EQ(N, io_uring_submit(&self->ring));
	/* Wait until the first one stalls; the queue is busy meanwhile. */
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, _test_iotlb(self->fd, 0, 0, &st));
		if (st.out_faults)
			break;
		usleep(10000);
	}
	ASSERT_EQ(1, st.out_faults);
	test_err_destroy(EBUSY, self->q);
	t0 = now();
	close(self->fd);
	self->fd = -1;
	memset(r, 0, sizeof(r));
	ASSERT_EQ(0, reap(&self->ring, N, r, N, 5000));
	for (i = 0; i < N; i++)
		ASSERT_EQ(-ECANCELED, r[i].res);
	/* Long before the 60 s stall timeout. */
	ASSERT_GT(5.0, now() - t0);
	close(fq);
}

TEST_HARNESS_MAIN
