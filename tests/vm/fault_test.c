// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device faults: the records (address space, queue, VA, access, reason, level, sequence), the
 * terminate and stall modes (a stalled command resolved by a second thread that maps the page,
 * or failed, or timing out), the fault-queue descriptor (read, poll, write, overflow), and its
 * argument rules. The levels are x86-64's (Intel SDM vol. 3A 4.5: PML4 = level 3 ... PT = 0).
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

FIXTURE(flt) {
	int fd, fq;
	uint32_t as_id, q, buf, buf2;
	uint64_t va;
};

FIXTURE_SETUP(flt)
{
	struct swmmu_format_info fi;

	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	test_cmd_as_alloc(fi.format_id, 0, &self->as_id, NULL);
	test_cmd_buf_alloc(SZ_64K, 0, &self->buf);
	test_cmd_buf_alloc(SZ_64K, 0, &self->buf2);
	self->va = 0;
	test_cmd_map_fixed(self->as_id, self->buf, 0, SZ_64K, self->va);
	test_cmd_queue_alloc(self->as_id, &self->q);
	ASSERT_EQ(0, _test_fault_queue(self->fd, 16, &self->fq));
}

FIXTURE_TEARDOWN(flt)
{
	close(self->fq);
	close(self->fd);
	test_no_leaks();
}

/* Read exactly one record, waiting at most @ms. */
static int read_fault(int fq, struct swmmu_fault *f, int ms)
{
	struct pollfd p = { .fd = fq, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return read(fq, f, sizeof(*f)) == sizeof(*f) ? 0 : -1;
}

static int respond(int fq, uint64_t seq, uint32_t code)
{
	struct swmmu_fault_response r = { .seq = seq, .code = code };

	return write(fq, &r, sizeof(r)) == sizeof(r) ? 0 : -1;
}

TEST_F(flt, terminate_records)
{
	/* VA -> level where the x86-64 walk finds no entry, given tables exist for VA 0. */
	static const struct { uint64_t va; uint32_t level; } t[] = {
		{ SZ_1M, 0 }, { SZ_2M, 1 }, { 1ULL << 30, 2 }, { 1ULL << 39, 3 },
	};
	struct swmmu_dma_cmd c;
	struct swmmu_fault f;
	uint64_t seq = 0;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		c = test_err_dma(ENXIO, self->q, swmmu_cmd_copy(t[i].va + 8, self->va, 64));
		ASSERT_EQ(0, c.out_result);
		ASSERT_EQ(0, read_fault(self->fq, &f, 1000));
		ASSERT_EQ(self->as_id, f.as_id);
		ASSERT_EQ(self->q, f.queue_id);
		ASSERT_EQ(t[i].va + 8, f.iova);
		ASSERT_EQ(SWMMU_PROT_READ, f.access);
		ASSERT_EQ(SWMMU_FAULT_NOT_PRESENT, f.reason);
		ASSERT_EQ(t[i].level, f.level);
		ASSERT_EQ(0, f.flags);
		ASSERT_EQ(0, f.lost);
		ASSERT_EQ(c.out_fault_seq, f.seq);
		if (seq)
			ASSERT_EQ(seq + 1, f.seq);
		seq = f.seq;
	}

	/* A write where the mapping is read-only: a permission fault on the leaf. */
	test_cmd_map_fixed(self->as_id, self->buf2, 0, SZ_64K, SZ_1M);
	test_cmd_protect(self->as_id, SZ_1M, SZ_64K, SWMMU_PROT_READ);
	c = test_err_dma(EACCES, self->q, swmmu_cmd_fill(SZ_1M + SZ_4K, 100, 7));
	ASSERT_EQ(0, read_fault(self->fq, &f, 1000));
	ASSERT_EQ(SZ_1M + SZ_4K, f.iova);
	ASSERT_EQ(SWMMU_PROT_WRITE, f.access);
	ASSERT_EQ(SWMMU_FAULT_PERMISSION, f.reason);
	ASSERT_EQ(0, f.level);
	/* Reading it is allowed. */
	test_cmd_dma(self->q, swmmu_cmd_crc32(SZ_1M, SZ_64K));

	/* A copy that faults half way: the bytes before the fault were copied. */
	c = test_err_dma(ENXIO, self->q, swmmu_cmd_copy(SZ_1M + SZ_64K - SZ_4K, self->va, 3 * SZ_4K));
	ASSERT_EQ(SZ_4K, c.out_result);
	ASSERT_EQ(0, read_fault(self->fq, &f, 1000));
	ASSERT_EQ(SZ_1M + SZ_64K, f.iova);

	/* Outside the 48-bit canonical VA space: an address-size fault at the top level. */
	c = test_err_dma(ERANGE, self->q, swmmu_cmd_fill(1ULL << 47, 8, 1));
	ASSERT_EQ(0, read_fault(self->fq, &f, 1000));
	ASSERT_EQ(SWMMU_FAULT_ADDRESS_SIZE, f.reason);
	ASSERT_EQ(SWMMU_PROT_WRITE, f.access);
	ASSERT_EQ(3, f.level);
}

struct resolver {
	int fd, fq;
	uint32_t as_id, buf, code;
	bool map;
	struct swmmu_fault f;
	int ret;
};

/* The second thread: wait for a stalled fault, map the page, answer. */
static void *resolve(void *arg)
{
	struct resolver *r = arg;
	uint64_t iova;

	r->ret = -1;
	if (read_fault(r->fq, &r->f, 5000))
		return NULL;
	if (!(r->f.flags & SWMMU_FAULT_STALLED))
		return NULL;
	iova = r->f.iova & ~(SZ_64K - 1);
	if (r->map && _test_map(r->fd, r->as_id, r->buf, 0, SZ_64K, SWMMU_MAP_FIXED_IOVA, PROT_RW,
				0, &iova))
		return NULL;
	r->ret = respond(r->fq, r->f.seq, r->code);
	return NULL;
}

TEST_F(flt, stall_resolved_by_thread)
{
	struct resolver r = { .fd = self->fd, .fq = self->fq, .as_id = self->as_id,
			      .buf = self->buf2, .code = SWMMU_FAULT_RESP_RETRY, .map = true };
	uint8_t *data = malloc(SZ_64K), *back = malloc(SZ_64K);
	struct swmmu_dma_cmd c;
	pthread_t th;

	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, back);
	swmmu_fill(data, SZ_64K, 5);
	test_cmd_rw(self->as_id, self->va, data, SZ_64K, true);
	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_STALL, 10000);
	ASSERT_EQ(0, pthread_create(&th, NULL, resolve, &r));
	/* The destination is not mapped until the other thread maps it. */
	c = test_cmd_dma(self->q, swmmu_cmd_copy(self->va, SZ_4M + 100, SZ_64K - 100));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(SZ_4M + 100, r.f.iova);
	ASSERT_EQ(SWMMU_PROT_WRITE, r.f.access);
	ASSERT_EQ(r.f.seq, c.out_fault_seq);
	ASSERT_EQ(SZ_64K - 100, c.out_result);
	test_cmd_rw(self->as_id, SZ_4M + 100, back, SZ_64K - 100, false);
	ASSERT_EQ(0, memcmp(data, back, SZ_64K - 100));
	/* Answered: a second answer finds nothing. */
	EXPECT_ERRNO(ENOENT, respond(self->fq, r.f.seq, SWMMU_FAULT_RESP_RETRY));
	free(data);
	free(back);
}

TEST_F(flt, stall_failed_by_thread)
{
	struct resolver r = { .fd = self->fd, .fq = self->fq, .code = SWMMU_FAULT_RESP_FAIL };
	pthread_t th;

	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_STALL, 10000);
	ASSERT_EQ(0, pthread_create(&th, NULL, resolve, &r));
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 64));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, r.ret);
	ASSERT_EQ(SWMMU_FAULT_NOT_PRESENT, r.f.reason);
}

TEST_F(flt, stall_timeout)
{
	struct swmmu_fault f;

	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_STALL, 200);
	test_err_dma(ETIMEDOUT, self->q, swmmu_cmd_crc32(SZ_4M, 64));
	ASSERT_EQ(0, read_fault(self->fq, &f, 0));
	ASSERT_EQ(SWMMU_FAULT_STALLED, f.flags);
	/* Too late. */
	EXPECT_ERRNO(ENOENT, respond(self->fq, f.seq, SWMMU_FAULT_RESP_RETRY));
	/* Terminate mode again: no wait. */
	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_TERMINATE, 0);
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 64));
	ASSERT_EQ(0, read_fault(self->fq, &f, 0));
	ASSERT_EQ(0, f.flags);
}

static void *close_later(void *arg)
{
	int *fq = arg;

	usleep(200 * 1000);
	close(*fq);
	*fq = -1;
	return NULL;
}

TEST_F(flt, stall_queue_closed)
{
	pthread_t th;
	int fq2;

	test_cmd_fault_config(self->as_id, SWMMU_FAULT_MODE_STALL, 20000);
	ASSERT_EQ(0, pthread_create(&th, NULL, close_later, &self->fq));
	/* Closing the fault queue fails the stalled command at once. */
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 64));
	ASSERT_EQ(0, pthread_join(th, NULL));
	/* Without a fault queue, stall mode terminates. */
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 64));
	/* A new one can be opened now. */
	ASSERT_EQ(0, _test_fault_queue(self->fd, 4, &fq2));
	self->fq = fq2;
}

TEST_F(flt, overflow)
{
	struct swmmu_fault f[8];
	struct swmmu_iotlb st;
	unsigned int i;
	int fd2, fq2;
	ssize_t n;

	close(self->fq);
	self->fq = -1;
	/* The fixture's queue is on another file: make a device with a 4-record queue. */
	fd2 = self->fd;
	ASSERT_EQ(0, _test_iotlb(fd2, SWMMU_IOTLB_RESET_STATS, 0, NULL));
	EXPECT_ERRNO(EINVAL, _test_fault_queue(fd2, 0, NULL));
	EXPECT_ERRNO(EINVAL, _test_fault_queue(fd2, SWMMU_FAULT_QUEUE_MAX_DEPTH + 1, NULL));
	ASSERT_EQ(0, _test_fault_queue(fd2, 4, &fq2));
	for (i = 0; i < 10; i++)
		test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M + i * SZ_4K, 1));
	n = read(fq2, f, sizeof(f));
	ASSERT_EQ(4 * sizeof(f[0]), n);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(SZ_4M + i * SZ_4K, f[i].iova);
		ASSERT_EQ(0, f[i].lost);
	}
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 1));
	ASSERT_EQ(sizeof(f[0]), read(fq2, f, sizeof(f)));
	ASSERT_EQ(6, f[0].lost);
	ASSERT_EQ(f[0].seq, f[3].seq + 7);
	ASSERT_EQ(0, _test_iotlb(fd2, 0, 0, &st));
	ASSERT_EQ(11, st.out_faults);
	ASSERT_EQ(6, st.out_faults_lost);
	close(fq2);
}

/* An address nothing is mapped at, hidden from the compiler's bounds checks. */
static void *volatile bad_ptr = (void *)8;

TEST_F(flt, queue_fd_rules)
{
	struct swmmu_fault_response r[2] = {};
	struct pollfd p = { .fd = self->fq, .events = POLLIN };
	struct swmmu_fault f;
	char small[8];
	int fq2;

	/* One fault queue per device. */
	EXPECT_ERRNO(EBUSY, _test_fault_queue(self->fd, 4, &fq2));
	ASSERT_EQ(0, poll(&p, 1, 0));
	EXPECT_ERRNO(EINVAL, read(self->fq, small, sizeof(small)));
	ASSERT_EQ(0, fcntl(self->fq, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(EAGAIN, read(self->fq, &f, sizeof(f)));
	EXPECT_ERRNO(EINVAL, write(self->fq, r, sizeof(r[0]) - 1));
	EXPECT_ERRNO(EINVAL, write(self->fq, r, 0));
	r[0].seq = 1;
	r[0].code = 3;
	EXPECT_ERRNO(EINVAL, write(self->fq, r, sizeof(r[0])));
	r[0].code = SWMMU_FAULT_RESP_RETRY;
	r[0].__reserved = 1;
	EXPECT_ERRNO(EINVAL, write(self->fq, r, sizeof(r[0])));
	r[0].__reserved = 0;
	EXPECT_ERRNO(ENOENT, write(self->fq, r, sizeof(r)));
	EXPECT_ERRNO(EFAULT, write(self->fq, bad_ptr, sizeof(r[0])));
	test_err_dma(ENXIO, self->q, swmmu_cmd_crc32(SZ_4M, 1));
	ASSERT_EQ(1, poll(&p, 1, 0));
	ASSERT_EQ(POLLIN, p.revents & POLLIN);
	EXPECT_ERRNO(EFAULT, read(self->fq, bad_ptr, sizeof(f)));
}

/*
 * The result of FAULT_QUEUE cannot be written back: no descriptor may be left installed with its
 * number lost, and the queue is gone as if it had been closed.
 */
TEST_F(flt, queue_result_lost)
{
	struct swmmu_fault_queue_alloc *cmd;
	int lowest;

	ASSERT_EQ(0, close(self->fq));
	cmd = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, cmd);
	cmd->size = sizeof(*cmd);
	cmd->depth = 4;
	ASSERT_EQ(0, mprotect(cmd, 4096, PROT_READ));
	/* The number the kernel reserves: the lowest free one. */
	lowest = dup(self->fd);
	ASSERT_LE(0, lowest);
	ASSERT_EQ(0, close(lowest));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_FAULT_QUEUE, cmd));
	EXPECT_ERRNO(EBADF, fcntl(lowest, F_GETFD));
	ASSERT_EQ(0, munmap(cmd, 4096));
	ASSERT_EQ(0, _test_fault_queue(self->fd, 4, &self->fq));
	EXPECT_EQ(lowest, self->fq);
}

TEST_HARNESS_MAIN
