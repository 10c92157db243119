// SPDX-License-Identifier: GPL-2.0-only
/*
 * SWMMU_MAP_BATCH, by ioctl and through io_uring: batches of MAPs and UNMAPs checked with QUERY,
 * STATS and DUMP; a batch does what the same sequence of single ioctls does, up to and including
 * the operation that stops it; every argument rule; one device invalidation per batch (one more
 * where a MAP reuses VAs whose invalidation is pending) and no stale IOTLB entry after it; faults
 * on the array; the largest batch; a batch that io_uring still holds when the descriptor is
 * closed; batches beside single ioctls of other threads.
 */
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

#define SZ_1G		0x40000000ULL
#define SENTINEL	0x5a5a5a5a5a5a5a5aULL

FIXTURE(batch) {
	int fd;
	struct io_uring ring;
	uint32_t fmt, as_id, as2, buf;
};

FIXTURE_SETUP(batch)
{
	struct swmmu_format_info fi;

	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, io_uring_queue_init(16, &self->ring, IORING_SETUP_SQE128 |
					 IORING_SETUP_CQE32));
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	self->fmt = fi.format_id;
	test_cmd_as_alloc(self->fmt, 0, &self->as_id, NULL);
	test_cmd_as_alloc(self->fmt, 0, &self->as2, NULL);
	/* 256 separately allocated pages. */
	test_cmd_buf_alloc(SZ_1M, 0, &self->buf);
}

FIXTURE_TEARDOWN(batch)
{
	if (self->fd >= 0)
		close(self->fd);
	io_uring_queue_exit(&self->ring);
	test_no_leaks();
}

static struct swmmu_as_stats stats(int fd, uint32_t as)
{
	struct swmmu_as_stats st = { 0 };

	if (_test_stats(fd, as, &st))
		st.out_nr_mappings = ~0ULL;
	return st;
}

static void poison_out(struct swmmu_map_batch_op *ops, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		ops[i].out_iova = ops[i].out_unmapped = SENTINEL;
}

/* One SWMMU_MAP_BATCH SQE (with @sqe_flags), submitted and reaped: cqe->res, big_cqe[0]. */
static int uring_batch(struct io_uring *ring, int fd, const struct swmmu_map_batch *b,
		       size_t len, uint8_t sqe_flags, uint64_t *res2)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	swmmu_prep_uring_cmd(sqe, fd, SWMMU_MAP_BATCH, b, len, 7);
	sqe->flags |= sqe_flags;
	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return -1000;
	res = cqe->res;
	*res2 = cqe->big_cqe[0];
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static struct swmmu_map_batch batch_cmd(uint32_t as, struct swmmu_map_batch_op *ops, uint32_t nr)
{
	struct swmmu_map_batch b = {
		.size = sizeof(b), .as_id = as, .nr_ops = nr, .op_size = sizeof(*ops),
		.ops_uptr = (uintptr_t)ops,
	};

	return b;
}

/*
 * N one-page MAPs at fixed VAs 64 KiB apart above 1 GiB, then M four-page MAPs wherever the
 * kernel puts them; the matching UNMAPs follow in @unmaps.
 */
enum { N = 64, M = 8 };

static void build_map_unmap(uint32_t buf, struct swmmu_map_batch_op *maps)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		maps[i] = swmmu_bop_map(buf, i * SZ_4K, SZ_4K, SZ_1G + i * SZ_64K, PROT_RW);
	for (i = 0; i < M; i++)
		maps[N + i] = swmmu_bop_map(buf, N * SZ_4K + i * 4 * SZ_4K, 4 * SZ_4K,
					    SWMMU_ANY_IOVA, SWMMU_PROT_READ);
	poison_out(maps, N + M);
}

/* Check the result of build_map_unmap()'s MAPs and build the UNMAPs of what they mapped. */
static void check_maps(struct __test_metadata *_metadata, int fd, uint32_t as, uint32_t buf,
		       const struct swmmu_map_batch_op *maps, struct swmmu_map_batch_op *unmaps)
{
	struct swmmu_as_stats st = stats(fd, as);
	struct swmmu_query q;
	unsigned int i;

	for (i = 0; i < N + M; i++) {
		ASSERT_EQ(0, maps[i].out_unmapped);
		if (i < N)
			ASSERT_EQ(SZ_1G + i * SZ_64K, maps[i].out_iova);
		ASSERT_EQ(0, maps[i].out_iova & (SZ_4K - 1));
		ASSERT_EQ(0, _test_query(fd, as, maps[i].out_iova + maps[i].length - SZ_4K, &q));
		ASSERT_EQ(buf, q.out_buf_id);
		ASSERT_EQ(maps[i].buf_offset + maps[i].length - SZ_4K, q.out_buf_offset);
		ASSERT_EQ(maps[i].prot, q.out_prot & PROT_RW);
		unmaps[i] = swmmu_bop_unmap(maps[i].out_iova, maps[i].length);
	}
	/* The kernel's VAs do not overlap each other (nor the fixed ones: QUERY found them). */
	for (i = 1; i < M; i++)
		ASSERT_NE(maps[N + i - 1].out_iova, maps[N + i].out_iova);
	ASSERT_EQ(N + M, st.out_nr_mappings);
	ASSERT_EQ(N * SZ_4K + M * 4 * SZ_4K, st.out_mapped_bytes);
	poison_out(unmaps, N + M);
}

/* Check the UNMAPs: everything gone, with one device invalidation for the whole batch. */
static void check_unmaps(struct __test_metadata *_metadata, int fd, uint32_t as,
			 const struct swmmu_map_batch_op *unmaps, uint64_t inval_before)
{
	struct swmmu_as_stats st = stats(fd, as);
	struct swmmu_query q;
	unsigned int i;

	for (i = 0; i < N + M; i++) {
		ASSERT_EQ(unmaps[i].length, unmaps[i].out_unmapped);
		ASSERT_EQ(0, unmaps[i].out_iova);
		EXPECT_ERRNO(ENOENT, _test_query(fd, as, unmaps[i].iova, &q));
	}
	ASSERT_EQ(0, st.out_nr_mappings);
	ASSERT_EQ(0, st.out_mapped_bytes);
	ASSERT_EQ(inval_before + 1, st.out_invalidations);
}

TEST_F(batch, map_unmap_ioctl)
{
	struct swmmu_map_batch_op maps[N + M], unmaps[N + M];
	uint64_t inval;
	uint32_t done;

	build_map_unmap(self->buf, maps);
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, maps, N + M, &done));
	ASSERT_EQ(N + M, done);
	check_maps(_metadata, self->fd, self->as_id, self->buf, maps, unmaps);
	inval = stats(self->fd, self->as_id).out_invalidations;
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, unmaps, N + M, &done));
	ASSERT_EQ(N + M, done);
	check_unmaps(_metadata, self->fd, self->as_id, unmaps, inval);
}

TEST_F(batch, map_unmap_uring)
{
	struct swmmu_map_batch_op maps[N + M], unmaps[N + M];
	struct swmmu_map_batch b;
	uint64_t inval, res2;

	build_map_unmap(self->buf, maps);
	b = batch_cmd(self->as_id, maps, N + M);
	ASSERT_EQ(0, uring_batch(&self->ring, self->fd, &b, sizeof(b), 0, &res2));
	ASSERT_EQ(N + M, res2);
	check_maps(_metadata, self->fd, self->as_id, self->buf, maps, unmaps);
	inval = stats(self->fd, self->as_id).out_invalidations;
	b = batch_cmd(self->as_id, unmaps, N + M);
	/* Through an io-wq worker this time. */
	ASSERT_EQ(0, uring_batch(&self->ring, self->fd, &b, sizeof(b), IOSQE_ASYNC, &res2));
	ASSERT_EQ(N + M, res2);
	check_unmaps(_metadata, self->fd, self->as_id, unmaps, inval);
}

/* The same failure through io_uring: the errno in res, the count in the extra word. */
TEST_F(batch, uring_errors)
{
	struct swmmu_map_batch_op ops[3] = {
		swmmu_bop_map(self->buf, 0, SZ_4K, 0, PROT_RW),
		swmmu_bop_map(self->buf, SZ_4K, SZ_4K, SZ_4K, PROT_RW),
		swmmu_bop_map(self->buf, 0, SZ_4K, SZ_4K, PROT_RW),
	};
	struct {
		struct swmmu_map_batch b;
		uint8_t tail[8];
	} big = { .b = batch_cmd(self->as_id, ops, 3) };
	uint64_t res2;

	ASSERT_EQ(-EEXIST, uring_batch(&self->ring, self->fd, &big.b, sizeof(big.b), 0, &res2));
	ASSERT_EQ(2, res2);
	ASSERT_EQ(2, stats(self->fd, self->as_id).out_nr_mappings);
	/* Size rules; nothing runs, the count is 0. */
	big.b.size = offsetofend(struct swmmu_map_batch, ops_uptr) - 1;
	ASSERT_EQ(-EINVAL, uring_batch(&self->ring, self->fd, &big.b, sizeof(big), 0, &res2));
	ASSERT_EQ(0, res2);
	big.b.size = sizeof(big);
	big.tail[3] = 1;
	ASSERT_EQ(-E2BIG, uring_batch(&self->ring, self->fd, &big.b, sizeof(big), 0, &res2));
	ASSERT_EQ(0, res2);
	big.b.size = 81;
	ASSERT_EQ(-EINVAL, uring_batch(&self->ring, self->fd, &big.b, sizeof(big), 0, &res2));
	big.b = batch_cmd(999, ops, 1);
	ASSERT_EQ(-ENOENT, uring_batch(&self->ring, self->fd, &big.b, sizeof(big.b), 0, &res2));
	ASSERT_EQ(0, res2);
	ASSERT_EQ(2, stats(self->fd, self->as_id).out_nr_mappings);
}

/*
 * Run @ops one SWMMU_MAP or SWMMU_UNMAP ioctl at a time on @as until one fails, filling the out_
 * fields as the batch does: returns 0 or the errno of the failing one, *done the count before it.
 */
static int run_single(int fd, uint32_t as, struct swmmu_map_batch_op *ops, uint32_t nr,
		      uint32_t *done)
{
	uint32_t i;

	for (i = 0; i < nr; i++) {
		struct swmmu_map_batch_op *op = &ops[i];
		uint64_t iova = op->iova, bytes = 0;
		int ret;

		if (op->op == SWMMU_BATCH_MAP)
			ret = _test_map(fd, as, op->buf_id, op->buf_offset, op->length, op->flags,
					op->prot, op->pgsize_lg2, &iova);
		else
			ret = _test_unmap(fd, as, op->iova, op->length, &bytes);
		op->out_iova = op->op == SWMMU_BATCH_MAP ? iova : 0;
		op->out_unmapped = bytes;
		if (ret) {
			*done = i;
			return errno;
		}
	}
	*done = nr;
	return 0;
}

#define MAX_REGIONS	256

/* The DUMP of a whole address space into @r (MAX_REGIONS); returns the count or -1. */
static int dump_all(int fd, uint32_t as, struct swmmu_dump_region *r)
{
	uint32_t nr = MAX_REGIONS;

	return _test_dump(fd, as, 0, 0, r, &nr) ? -1 : (int)nr;
}

/*
 * A batch on as_id and the same operations as single ioctls on as2 give the same errno, count,
 * out_ fields of the completed operations (the others are left alone), STATS and DUMP.
 */
static void same_as_single(struct __test_metadata *_metadata, FIXTURE_DATA(batch) *self,
			   const struct swmmu_map_batch_op *seq, uint32_t nr, int want_err,
			   uint32_t want_done)
{
	struct swmmu_map_batch_op a[16], b[16];
	static struct swmmu_dump_region ra[MAX_REGIONS], rb[MAX_REGIONS];
	struct swmmu_as_stats sa, sb;
	uint32_t done_a, done_b, i;
	int err_a, err_b, na;

	ASSERT_GE(16, nr);
	memcpy(a, seq, nr * sizeof(*seq));
	memcpy(b, seq, nr * sizeof(*seq));
	poison_out(a, nr);
	err_a = _test_map_batch(self->fd, self->as_id, a, nr, &done_a) ? errno : 0;
	err_b = run_single(self->fd, self->as2, b, nr, &done_b);
	ASSERT_EQ(want_err, err_a);
	ASSERT_EQ(want_err, err_b);
	ASSERT_EQ(want_done, done_a);
	ASSERT_EQ(want_done, done_b);
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(i < done_a ? b[i].out_iova : SENTINEL, a[i].out_iova);
		ASSERT_EQ(i < done_a ? b[i].out_unmapped : SENTINEL, a[i].out_unmapped);
	}
	sa = stats(self->fd, self->as_id);
	sb = stats(self->fd, self->as2);
	ASSERT_EQ(sb.out_nr_mappings, sa.out_nr_mappings);
	ASSERT_EQ(sb.out_mapped_bytes, sa.out_mapped_bytes);
	ASSERT_EQ(sb.out_nr_tables, sa.out_nr_tables);
	ASSERT_EQ(sb.out_table_bytes, sa.out_table_bytes);
	na = dump_all(self->fd, self->as_id, ra);
	ASSERT_LE(0, na);
	ASSERT_EQ(na, dump_all(self->fd, self->as2, rb));
	ASSERT_EQ(0, memcmp(ra, rb, na * sizeof(ra[0])));
}

TEST_F(batch, same_as_single_ioctls)
{
	const uint32_t bf = self->buf;
	/* Maps, an unmap, a reuse of the freed VAs, then an overlap stops it: the rest never runs. */
	const struct swmmu_map_batch_op s1[] = {
		swmmu_bop_map(bf, 0, 4 * SZ_4K, 0, PROT_RW),
		swmmu_bop_map(bf, 16 * SZ_4K, 8 * SZ_4K, SWMMU_ANY_IOVA, SWMMU_PROT_READ),
		swmmu_bop_map(bf, 4 * SZ_4K, SZ_4K, SZ_1G, PROT_RW),
		swmmu_bop_unmap(0, 4 * SZ_4K),
		swmmu_bop_map(bf, 8 * SZ_4K, 2 * SZ_4K, 0, PROT_RW),
		swmmu_bop_map(bf, 32 * SZ_4K, 4 * SZ_4K, SZ_4K, PROT_RW),
		swmmu_bop_map(bf, 40 * SZ_4K, SZ_4K, 2 * SZ_1G, PROT_RW),
	};
	/* An UNMAP of a hole; then one that would cut a mapping. */
	const struct swmmu_map_batch_op s2[] = {
		swmmu_bop_unmap(SZ_1G, SZ_4K),
		swmmu_bop_map(bf, 64 * SZ_4K, 64 * SZ_4K, SWMMU_ANY_IOVA, PROT_RW),
		swmmu_bop_unmap(3 * SZ_1G, SZ_1M),
		swmmu_bop_map(bf, 0, SZ_4K, 3 * SZ_1G, PROT_RW),
	};
	const struct swmmu_map_batch_op s3[] = {
		swmmu_bop_map(bf, 0, 2 * SZ_4K, 4 * SZ_1G, PROT_RW),
		swmmu_bop_unmap(0, SZ_4K),
		swmmu_bop_map(bf, 0, SZ_4K, 5 * SZ_1G, PROT_RW),
	};
	/* Everything that is left, in one UNMAP spanning mappings and holes. */
	const struct swmmu_map_batch_op s4[] = {
		swmmu_bop_unmap(0, 8 * SZ_1G),
	};

	same_as_single(_metadata, self, s1, 7, EEXIST, 5);
	same_as_single(_metadata, self, s2, 4, ENOENT, 2);
	same_as_single(_metadata, self, s3, 3, EINVAL, 1);
	same_as_single(_metadata, self, s4, 1, 0, 1);
	ASSERT_EQ(0, stats(self->fd, self->as_id).out_nr_mappings);
}

/* The struct's size rules: an UNMAP of nothing fails the same way whatever the size. */
static uint32_t g_as;
static struct swmmu_map_batch_op g_op;

static void init_batch(struct swmmu_map_batch *c)
{
	c->as_id = g_as;
	c->nr_ops = 1;
	c->op_size = sizeof(g_op);
	c->ops_uptr = (uintptr_t)&g_op;
}

TEST_F(batch, size_rules)
{
	g_as = self->as_id;
	g_op = swmmu_bop_unmap(0, SZ_4K);
	TEST_LENGTH(swmmu_map_batch, SWMMU_MAP_BATCH, ops_uptr, init_batch);
}

/* Errors of the call itself: nothing runs, the count is 0. */
TEST_F(batch, call_errors)
{
	struct swmmu_map_batch_op ops[2] = {
		swmmu_bop_map(self->buf, 0, SZ_4K, 0, PROT_RW),
		swmmu_bop_map(self->buf, 0, SZ_4K, SZ_4K, PROT_RW),
	};
	struct {
		struct swmmu_map_batch_op op;
		uint8_t tail[32];
	} wide[2] = { { .op = ops[0] }, { .op = ops[1] } };
	struct swmmu_map_batch b;
	void *none;

#define CALL_ERR(_errno)								\
	({										\
		b.out_nr_done = 77;							\
		EXPECT_ERRNO(_errno, ioctl(self->fd, SWMMU_MAP_BATCH, &b));		\
		ASSERT_EQ(0, b.out_nr_done);						\
		ASSERT_EQ(0, stats(self->fd, self->as_id).out_nr_mappings);		\
		b = batch_cmd(self->as_id, ops, 2);					\
	})
	b = batch_cmd(self->as_id, ops, 2);
	b.flags = 1;
	CALL_ERR(EOPNOTSUPP);
	b.flags = 0x80000000;
	CALL_ERR(EOPNOTSUPP);
	b.nr_ops = 0;
	CALL_ERR(EINVAL);
	b.nr_ops = SWMMU_MAP_BATCH_MAX_OPS + 1;
	CALL_ERR(EINVAL);
	b.op_size = sizeof(ops[0]) - 8;
	CALL_ERR(EINVAL);
	b.op_size = 0;
	CALL_ERR(EINVAL);
	b.op_size = SWMMU_MAP_BATCH_MAX_OP_SIZE + 8;
	CALL_ERR(EINVAL);
	b.as_id = 999;
	CALL_ERR(ENOENT);
	b.as_id = self->buf;
	CALL_ERR(ENOENT);
	b.ops_uptr = 0;
	CALL_ERR(EFAULT);
	b.ops_uptr = 8;
	CALL_ERR(EFAULT);
	/* The second entry is the one past a readable page: nothing runs, not even the first. */
	none = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ASSERT_EQ(0, munmap((uint8_t *)none + SZ_4K, SZ_4K));
	memcpy((uint8_t *)none + SZ_4K - sizeof(ops[0]), ops, sizeof(ops[0]));
	b.ops_uptr = (uintptr_t)none + SZ_4K - sizeof(ops[0]);
	CALL_ERR(EFAULT);
	ASSERT_EQ(0, munmap(none, SZ_4K));
	/* Wider entries: a non-zero byte past the kernel's struct in any entry. */
	b = batch_cmd(self->as_id, &wide[0].op, 2);
	b.op_size = sizeof(wide[0]);
	wide[1].tail[31] = 1;
	CALL_ERR(E2BIG);
	wide[1].tail[31] = 0;
	wide[0].tail[0] = 0x80;
	b = batch_cmd(self->as_id, &wide[0].op, 2);
	b.op_size = sizeof(wide[0]);
	CALL_ERR(E2BIG);
#undef CALL_ERR
}

/*
 * Wider entries with zero tails work; the kernel reads and writes them at the caller's stride and
 * writes nothing but the out_ fields.
 */
TEST_F(batch, wide_entries)
{
	struct {
		struct swmmu_map_batch_op op;
		uint64_t tail[3];
	} w[3];
	struct swmmu_map_batch b;
	unsigned int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 3; i++) {
		w[i].op = swmmu_bop_map(self->buf, i * SZ_4K, SZ_4K, SWMMU_ANY_IOVA, PROT_RW);
		w[i].op.iova = 0x1234000;	/* ignored without SWMMU_MAP_FIXED_IOVA */
		w[i].op.out_unmapped = SENTINEL;
	}
	b = batch_cmd(self->as_id, &w[0].op, 3);
	b.op_size = sizeof(w[0]);
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_MAP_BATCH, &b));
	ASSERT_EQ(3, b.out_nr_done);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(i * SZ_4K, w[i].op.out_iova);
		ASSERT_EQ(0, w[i].op.out_unmapped);
		ASSERT_EQ(0x1234000, w[i].op.iova);
		ASSERT_EQ(0, w[i].tail[0] | w[i].tail[1] | w[i].tail[2]);
	}
	ASSERT_EQ(3, stats(self->fd, self->as_id).out_nr_mappings);
}

/*
 * Errors of one operation: a good MAP first, then the bad one. The call fails with its errno,
 * the count is 1, the first MAP stays, the bad one changed nothing.
 */
TEST_F(batch, op_errors)
{
	const uint32_t bf = self->buf;
	struct bad {
		int err;
		struct swmmu_map_batch_op op;
	} bad[] = {
		{ EOPNOTSUPP, { .op = 0, .iova = SZ_1G, .length = SZ_4K } },
		{ EOPNOTSUPP, { .op = 3, .iova = SZ_1G, .length = SZ_4K } },
		{ EOPNOTSUPP, { .op = ~0u, .iova = SZ_1G, .length = SZ_4K } },
		/* MAP: the rules of SWMMU_MAP. */
		{ EOPNOTSUPP, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G, PROT_RW) },	/* __reserved */
		{ EOPNOTSUPP, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G, PROT_RW) },	/* flags */
		{ EOPNOTSUPP, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G, 0x20) },
		{ EOPNOTSUPP, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G, PROT_RW) },	/* pgsize 64 */
		{ EOPNOTSUPP, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G, PROT_RW) },	/* pgsize 13 */
		{ ENOENT, swmmu_bop_map(999, 0, SZ_4K, SZ_1G, PROT_RW) },
		{ ENOENT, swmmu_bop_map(self->as_id, 0, SZ_4K, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, 0, 0, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, 0, SZ_4K + 1, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, 8, SZ_4K, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, 0, SZ_4K, SZ_1G + 8, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, SZ_1M, SZ_4K, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, SZ_4K, SZ_1M, SZ_1G, PROT_RW) },
		{ EINVAL, swmmu_bop_map(bf, ~0ULL - SZ_4K + 1, SZ_4K, SZ_1G, PROT_RW) },
		{ EOVERFLOW, swmmu_bop_map(bf, 0, 2 * SZ_4K, ~0ULL - SZ_4K + 1, PROT_RW) },
		{ ERANGE, swmmu_bop_map(bf, 0, SZ_4K, 1ULL << 47, PROT_RW) },
		{ EEXIST, swmmu_bop_map(bf, 0, 2 * SZ_4K, 0, PROT_RW) },
		/* UNMAP: the rules of SWMMU_UNMAP, and no MAP field. */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* flags */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* buf_id */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* prot */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* buf_offset */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* pgsize_lg2 */
		{ EOPNOTSUPP, swmmu_bop_unmap(0, SZ_4K) },			/* __reserved */
		{ EINVAL, swmmu_bop_unmap(0, 0) },
		{ EOVERFLOW, swmmu_bop_unmap(~0ULL - SZ_4K + 1, 2 * SZ_4K) },
		{ ERANGE, swmmu_bop_unmap(1ULL << 47, SZ_4K) },
		{ ENOENT, swmmu_bop_unmap(SZ_1G, SZ_4K) },
		{ EINVAL, swmmu_bop_unmap(SZ_4K, SZ_4K) },
	};
	struct swmmu_map_batch_op ops[2];
	struct swmmu_query q;
	unsigned int i;
	uint32_t done;
	int rc, err;

	bad[3].op.__reserved = 1;
	bad[4].op.flags |= 0x100;
	bad[6].op.pgsize_lg2 = 64;
	bad[7].op.pgsize_lg2 = 13;
	bad[20].op.flags = SWMMU_MAP_FIXED_IOVA;
	bad[21].op.buf_id = bf;
	bad[22].op.prot = SWMMU_PROT_READ;
	bad[23].op.buf_offset = SZ_4K;
	bad[24].op.pgsize_lg2 = 12;
	bad[25].op.__reserved = 0x100;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Two pages at VA 0: the bad UNMAPs above cut it or find it. */
		ops[0] = swmmu_bop_map(bf, 0, 2 * SZ_4K, 0, PROT_RW);
		ops[1] = bad[i].op;
		poison_out(ops, 2);
		rc = _test_map_batch(self->fd, self->as_id, ops, 2, &done);
		err = errno;
		if (rc != -1 || err != bad[i].err)
			TH_LOG("entry %u: rc %d, %s", i, rc, strerror(err));
		ASSERT_EQ(-1, rc);
		ASSERT_EQ(bad[i].err, err);
		ASSERT_EQ(1, done);
		ASSERT_EQ(0, ops[0].out_iova);
		ASSERT_EQ(SENTINEL, ops[1].out_iova);
		ASSERT_EQ(SENTINEL, ops[1].out_unmapped);
		ASSERT_EQ(1, stats(self->fd, self->as_id).out_nr_mappings);
		EXPECT_ERRNO(ENOENT, _test_query(self->fd, self->as_id, SZ_1G, &q));
		test_cmd_unmap(self->as_id, 0, 2 * SZ_4K, 2 * SZ_4K);
	}
}

/* The largest batch: SWMMU_MAP_BATCH_MAX_OPS one-page MAPs of one page, then their UNMAPs. */
TEST_F(batch, max_ops)
{
	struct swmmu_map_batch_op *ops = calloc(SWMMU_MAP_BATCH_MAX_OPS, sizeof(*ops));
	uint32_t i, done;

	ASSERT_NE(NULL, ops);
	for (i = 0; i < SWMMU_MAP_BATCH_MAX_OPS; i++)
		ops[i] = swmmu_bop_map(self->buf, 0, SZ_4K, (uint64_t)i * SZ_4K, PROT_RW);
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, ops, SWMMU_MAP_BATCH_MAX_OPS, &done));
	ASSERT_EQ(SWMMU_MAP_BATCH_MAX_OPS, done);
	ASSERT_EQ(SWMMU_MAP_BATCH_MAX_OPS, stats(self->fd, self->as_id).out_nr_mappings);
	for (i = 0; i < SWMMU_MAP_BATCH_MAX_OPS; i++)
		ops[i] = swmmu_bop_unmap((uint64_t)i * SZ_4K, SZ_4K);
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, ops, SWMMU_MAP_BATCH_MAX_OPS, &done));
	ASSERT_EQ(SWMMU_MAP_BATCH_MAX_OPS, done);
	ASSERT_EQ(0, stats(self->fd, self->as_id).out_nr_mappings);
	free(ops);
}

/* The out_ fields cannot be written back: EFAULT, and the operations stay done. */
TEST_F(batch, write_back_fault)
{
	struct swmmu_map_batch_op *ro;
	struct swmmu_map_batch b;
	struct swmmu_query q;

	ro = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ro[0] = swmmu_bop_map(self->buf, 0, SZ_4K, SZ_1G, PROT_RW);
	ro[1] = swmmu_bop_map(self->buf, SZ_4K, SZ_4K, 2 * SZ_1G, PROT_RW);
	ASSERT_EQ(0, mprotect(ro, SZ_4K, PROT_READ));
	b = batch_cmd(self->as_id, ro, 2);
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_MAP_BATCH, &b));
	ASSERT_EQ(2, b.out_nr_done);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, SZ_1G, &q));
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, 2 * SZ_1G, &q));
	ASSERT_EQ(SZ_4K, q.out_buf_offset);
	ASSERT_EQ(0, munmap(ro, SZ_4K));
}

/*
 * The device invalidation: none for MAPs alone, one for a batch of UNMAPs, and one more before a
 * MAP that reuses VAs whose invalidation is pending.
 */
TEST_F(batch, one_invalidation)
{
	const uint32_t bf = self->buf;
	struct swmmu_map_batch_op maps[4] = {
		swmmu_bop_map(bf, 0, SZ_4K, 0, PROT_RW),
		swmmu_bop_map(bf, 0, SZ_4K, 2 * SZ_4K, PROT_RW),
		swmmu_bop_map(bf, 0, SZ_4K, 4 * SZ_4K, PROT_RW),
		swmmu_bop_map(bf, 0, SZ_4K, 6 * SZ_4K, PROT_RW),
	};
	/* Two UNMAPs and a MAP between them: nothing pending there. */
	struct swmmu_map_batch_op apart[3] = {
		swmmu_bop_unmap(0, SZ_4K),
		swmmu_bop_unmap(4 * SZ_4K, SZ_4K),
		swmmu_bop_map(bf, SZ_4K, SZ_4K, 2 * SZ_4K + SZ_4K, PROT_RW),
	};
	/* An UNMAP, a MAP of the same VA, another UNMAP. */
	struct swmmu_map_batch_op reuse[3] = {
		swmmu_bop_unmap(2 * SZ_4K, SZ_4K),
		swmmu_bop_map(bf, SZ_4K, SZ_4K, 2 * SZ_4K, PROT_RW),
		swmmu_bop_unmap(6 * SZ_4K, SZ_4K),
	};
	uint64_t inval = stats(self->fd, self->as_id).out_invalidations;
	struct swmmu_query q;
	uint32_t done;

	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, maps, 4, &done));
	ASSERT_EQ(inval, stats(self->fd, self->as_id).out_invalidations);
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, apart, 3, &done));
	ASSERT_EQ(inval + 1, stats(self->fd, self->as_id).out_invalidations);
	ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, reuse, 3, &done));
	ASSERT_EQ(inval + 3, stats(self->fd, self->as_id).out_invalidations);
	ASSERT_EQ(0, _test_query(self->fd, self->as_id, 2 * SZ_4K, &q));
	ASSERT_EQ(SZ_4K, q.out_buf_offset);
	ASSERT_EQ(2, stats(self->fd, self->as_id).out_nr_mappings);
}

/*
 * The DMA engine caches a translation in its IOTLB; a batch unmaps the VA and maps it to another
 * page. After the batch the engine reads the new page, never the old one through a stale entry.
 */
TEST_F(batch, no_stale_iotlb)
{
	const uint32_t bf = self->buf;
	uint8_t a[64], b[64];
	unsigned int round;
	uint32_t q, done;

	test_cmd_queue_alloc(self->as_id, &q);
	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	test_cmd_map_fixed(self->as_id, bf, 0, SZ_4K, SZ_1G);
	test_cmd_map_fixed(self->as_id, bf, SZ_4K, SZ_4K, 2 * SZ_1G);
	test_cmd_rw(self->as_id, SZ_1G, a, sizeof(a), true);
	test_cmd_rw(self->as_id, 2 * SZ_1G, b, sizeof(b), true);
	for (round = 0; round < 4; round++) {
		uint64_t off = round & 1 ? 0 : SZ_4K;
		struct swmmu_map_batch_op ops[2] = {
			swmmu_bop_unmap(SZ_1G, SZ_4K),
			swmmu_bop_map(bf, off, SZ_4K, SZ_1G, PROT_RW),
		};
		struct swmmu_dma_cmd c;

		/* The engine's IOTLB now holds SZ_1G -> the page at offset off ^ 4K. */
		c = test_cmd_dma(q, swmmu_cmd_crc32(SZ_1G, sizeof(a)));
		ASSERT_EQ(swmmu_crc32(round & 1 ? b : a, sizeof(a)), c.out_result);
		ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, ops, 2, &done));
		c = test_cmd_dma(q, swmmu_cmd_crc32(SZ_1G, sizeof(a)));
		ASSERT_EQ(swmmu_crc32(round & 1 ? a : b, sizeof(a)), c.out_result);
	}
}

/*
 * io_uring holds a batch of MAPs (an io-wq worker runs it) when the last descriptor of the file
 * is closed: the batch is not cancelled, it completes, and closing the ring frees everything.
 *
 * The ring refers to the file through its registered-file table, not the descriptor: Linux 6.1
 * looks up a plain descriptor of an IOSQE_ASYNC request at submission, but newer kernels look it
 * up when the io-wq worker starts the request, by which time the close() here has run and the
 * request fails with EBADF before it reaches swmmu. A registered file is held by the ring on every
 * kernel, so the requests reach the module after the last descriptor is gone everywhere.
 */
TEST_F(batch, close_while_outstanding)
{
	struct swmmu_map_batch_op *ops = calloc(SWMMU_MAP_BATCH_MAX_OPS, sizeof(*ops));
	struct __kernel_timespec ts = { .tv_sec = 30 };
	struct swmmu_map_batch b;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int i;

	ASSERT_NE(NULL, ops);
	for (i = 0; i < SWMMU_MAP_BATCH_MAX_OPS; i++)
		ops[i] = swmmu_bop_map(self->buf, (i % 256) * SZ_4K, SZ_4K, SWMMU_ANY_IOVA,
				       PROT_RW);
	b = batch_cmd(self->as_id, ops, SWMMU_MAP_BATCH_MAX_OPS);
	ASSERT_EQ(0, io_uring_register_files(&self->ring, &self->fd, 1));
	for (i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&self->ring);
		swmmu_prep_uring_cmd(sqe, 0, SWMMU_MAP_BATCH, &b, sizeof(b), i);
		sqe->flags |= IOSQE_ASYNC | IOSQE_FIXED_FILE;
	}
	ASSERT_EQ(2, io_uring_submit(&self->ring));
	close(self->fd);
	self->fd = -1;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, io_uring_wait_cqe_timeout(&self->ring, &cqe, &ts));
		ASSERT_EQ(0, cqe->res);
		ASSERT_EQ(SWMMU_MAP_BATCH_MAX_OPS, cqe->big_cqe[0]);
		io_uring_cqe_seen(&self->ring, cqe);
	}
	free(ops);
	/*
	 * The requests held the last references to the file; the worker that drops one may run
	 * the release a moment later. Wait for it (the teardown checks for leaks).
	 */
	io_uring_queue_exit(&self->ring);
	ASSERT_EQ(0, io_uring_queue_init(16, &self->ring, IORING_SETUP_SQE128 |
					 IORING_SETUP_CQE32));
	for (i = 0; i < 500; i++) {
		struct swmmu_counters c;

		ASSERT_EQ(0, swmmu_read_counters(&c));
		if (swmmu_counters_zero(&c))
			break;
		usleep(10000);
	}
}

/* Batches on one range of an address space beside single ioctls on another, in two threads. */
struct worker {
	int fd;
	uint32_t as, buf;
	int err;
};

static void *single_worker(void *arg)
{
	struct worker *w = arg;
	unsigned int i;

	for (i = 0; i < 400 && !w->err; i++) {
		uint64_t iova = SZ_1G + (i % 8) * SZ_64K, un = 0;

		if (_test_map(w->fd, w->as, w->buf, 0, SZ_64K, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,
			      &iova) ||
		    _test_unmap(w->fd, w->as, iova, SZ_64K, &un) || un != SZ_64K)
			w->err = errno ? errno : -1;
	}
	return NULL;
}

TEST_F(batch, beside_single_ioctls)
{
	struct worker w = { .fd = self->fd, .as = self->as_id, .buf = self->buf };
	struct swmmu_map_batch_op ops[32];
	unsigned int round, i;
	pthread_t th;
	uint32_t done;

	ASSERT_EQ(0, pthread_create(&th, NULL, single_worker, &w));
	for (round = 0; round < 40; round++) {
		for (i = 0; i < 16; i++) {
			ops[2 * i] = swmmu_bop_map(self->buf, i * SZ_4K, SZ_4K, i * SZ_4K, PROT_RW);
			ops[2 * i + 1] = swmmu_bop_map(self->buf, i * SZ_4K, SZ_4K,
						       SZ_1M + i * SZ_4K, PROT_RW);
		}
		ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, ops, 32, &done));
		for (i = 0; i < 32; i++)
			ops[i] = swmmu_bop_unmap(ops[i].out_iova, SZ_4K);
		ASSERT_EQ(0, _test_map_batch(self->fd, self->as_id, ops, 32, &done));
	}
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, w.err);
	ASSERT_EQ(0, stats(self->fd, self->as_id).out_nr_mappings);
}

TEST_HARNESS_MAIN
