// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-vmbench: the emulated device measured inside the VM (`make bench` runs it after the host
 * core benchmark), with its baselines taken in the same run:
 *   - DMA COPY throughput through the IOTLB and device tables, with 4 KiB and with 2 MiB leaves,
 *     as a ratio of plain memcpy() between two buffers of the same size (target: >= 70% with
 *     2 MiB leaves);
 *   - the IOTLB hit rate of those copies and of a working set that fits the IOTLB;
 *   - MAP+UNMAP operations per second, one ioctl per operation vs io_uring batches: SQEs that
 *     each carry VEC operations (SWMMU_MAP_BATCH), target >= 3x; as context, one SQE per operation
 *     (BATCH SQEs per io_uring_enter()) and SWMMU_MAP_BATCH by ioctl. Best of MAP_ROUNDS
 *     interleaved rounds per path.
 * Figures only: nothing here asserts a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/swmmu.h>

#include "swmmu_dev.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_4M		0x400000ULL
#define COPY_ROUNDS	48
#define MAP_OPS		4096
#define BATCH		64
#define VEC		256	/* operations per SWMMU_MAP_BATCH */
#define MAP_ROUNDS	5	/* best of, per path */

static int fd;

#define die(...) do { fprintf(stderr, "swmmu-vmbench: " __VA_ARGS__); fputc('\n', stderr); \
		      exit(1); } while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void xioctl(unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg))
		die("%s: %s", what, strerror(errno));
}

static uint32_t format_id(const char *name)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	struct swmmu_format_info *fi;
	uint32_t i, id = ~0u;

	if (ioctl(fd, SWMMU_GET_INFO, &gi) && errno != EMSGSIZE)
		die("GET_INFO: %s", strerror(errno));
	fi = calloc(gi.nr_formats, sizeof(*fi));
	if (!fi)
		die("out of memory");
	gi.formats_uptr = (uintptr_t)fi;
	xioctl(SWMMU_GET_INFO, &gi, "GET_INFO");
	for (i = 0; i < gi.nr_formats; i++)
		if (!strcmp(fi[i].name, name))
			id = fi[i].format_id;
	free(fi);
	if (id == ~0u)
		die("no format %s", name);
	return id;
}

static uint32_t as_alloc(uint32_t fmt)
{
	struct swmmu_as_alloc a = { .size = sizeof(a), .format_id = fmt };

	xioctl(SWMMU_AS_ALLOC, &a, "AS_ALLOC");
	return a.out_as_id;
}

static uint32_t buf_alloc(uint64_t len, uint32_t flags)
{
	struct swmmu_buf_alloc b = { .size = sizeof(b), .length = len, .flags = flags };

	xioctl(SWMMU_BUF_ALLOC, &b, "BUF_ALLOC");
	return b.out_buf_id;
}

static void map(uint32_t as, uint32_t buf, uint64_t off, uint64_t len, uint64_t iova,
		uint32_t pg_lg2)
{
	struct swmmu_map m = {
		.size = sizeof(m), .flags = SWMMU_MAP_FIXED_IOVA, .as_id = as, .buf_id = buf,
		.buf_offset = off, .length = len, .iova = iova,
		.prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE, .pgsize_lg2 = pg_lg2,
	};

	xioctl(SWMMU_MAP, &m, "MAP");
}

static struct swmmu_iotlb iotlb(uint32_t flags)
{
	struct swmmu_iotlb t = { .size = sizeof(t), .flags = flags };

	xioctl(SWMMU_IOTLB, &t, "IOTLB");
	return t;
}

static double hit_rate(const struct swmmu_iotlb *t)
{
	return t->out_hits + t->out_misses ?
	       100.0 * t->out_hits / (t->out_hits + t->out_misses) : 0;
}

/* Plain memcpy() of the same size, the same number of times: the baseline. */
static double memcpy_mbs(void)
{
	uint8_t *a = malloc(SZ_4M), *b = malloc(SZ_4M);
	double t0, t;
	int i;

	if (!a || !b)
		die("out of memory");
	memset(a, 1, SZ_4M);
	memset(b, 2, SZ_4M);
	t0 = now();
	for (i = 0; i < COPY_ROUNDS; i++) {
		memcpy(b, a, SZ_4M);
		__asm__ volatile("" : : "r"(b) : "memory");
	}
	t = now() - t0;
	free(a);
	free(b);
	return COPY_ROUNDS * (SZ_4M / 1048576.0) / t;
}

/* COPY 4 MiB between two buffers through the device, @pg_lg2 leaves. */
static double dma_copy_mbs(uint32_t fmt, uint32_t pg_lg2, struct swmmu_iotlb *st)
{
	struct swmmu_dma_cmd cmds[8];
	uint32_t as = as_alloc(fmt), q, i, rounds;
	uint32_t b1 = buf_alloc(SZ_4M, SWMMU_BUF_CONTIG), b2 = buf_alloc(SZ_4M, SWMMU_BUF_CONTIG);
	struct swmmu_queue_alloc qa = { .size = sizeof(qa), .as_id = as };
	struct swmmu_submit s = { .size = sizeof(s), .nr_cmds = 8, .cmds_uptr = (uintptr_t)cmds };
	double t0, t;

	map(as, b1, 0, SZ_4M, 0, pg_lg2);
	map(as, b2, 0, SZ_4M, SZ_4M, pg_lg2);
	xioctl(SWMMU_QUEUE_ALLOC, &qa, "QUEUE_ALLOC");
	q = qa.out_queue_id;
	s.queue_id = q;
	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < 8; i++) {
		cmds[i].opcode = SWMMU_DMA_COPY;
		cmds[i].src = 0;
		cmds[i].dst = SZ_4M;
		cmds[i].length = SZ_4M;
	}
	/* Warm up (first-touch walks, A/D bits), then measure. */
	xioctl(SWMMU_SUBMIT, &s, "SUBMIT");
	iotlb(SWMMU_IOTLB_RESET_STATS);
	t0 = now();
	for (rounds = 0; rounds < COPY_ROUNDS / 8; rounds++) {
		xioctl(SWMMU_SUBMIT, &s, "SUBMIT");
		if (s.out_nr_done != 8)
			die("copy failed: %d", cmds[s.out_nr_done].out_status);
	}
	t = now() - t0;
	*st = iotlb(SWMMU_IOTLB_RESET_STATS);
	return COPY_ROUNDS * (SZ_4M / 1048576.0) / t;
}

/* CRC over 64 pages again and again: a working set that fits the IOTLB. */
static double fitting_hit_rate(uint32_t fmt)
{
	struct swmmu_dma_cmd c = { .opcode = SWMMU_DMA_CRC32, .src = 0, .length = 64 * SZ_4K };
	uint32_t as = as_alloc(fmt), b = buf_alloc(64 * SZ_4K, 0);
	struct swmmu_queue_alloc qa = { .size = sizeof(qa), .as_id = as };
	struct swmmu_submit s = { .size = sizeof(s), .nr_cmds = 1, .cmds_uptr = (uintptr_t)&c };
	struct swmmu_iotlb st;
	int i;

	map(as, b, 0, 64 * SZ_4K, 0, 12);
	xioctl(SWMMU_QUEUE_ALLOC, &qa, "QUEUE_ALLOC");
	s.queue_id = qa.out_queue_id;
	iotlb(SWMMU_IOTLB_FLUSH | SWMMU_IOTLB_RESET_STATS);
	for (i = 0; i < 100; i++)
		xioctl(SWMMU_SUBMIT, &s, "SUBMIT");
	st = iotlb(SWMMU_IOTLB_RESET_STATS);
	return hit_rate(&st);
}

/* MAP then UNMAP MAP_OPS single pages, one ioctl each. */
static double map_ioctl_ops(uint32_t as, uint32_t buf)
{
	struct swmmu_unmap u = { .size = sizeof(u), .as_id = as, .length = SZ_4K };
	double t0 = now();
	int i;

	for (i = 0; i < MAP_OPS; i++)
		map(as, buf, 0, SZ_4K, (uint64_t)i * SZ_4K, 0);
	for (i = 0; i < MAP_OPS; i++) {
		u.iova = (uint64_t)i * SZ_4K;
		xioctl(SWMMU_UNMAP, &u, "UNMAP");
	}
	return 2.0 * MAP_OPS / (now() - t0);
}

static void prep(struct io_uring *ring, uint32_t op, const void *payload, size_t len, int i)
{
	swmmu_prep_uring_cmd(io_uring_get_sqe(ring), fd, op, payload, len, i);
}

static void drain(struct io_uring *ring, unsigned int n)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;

	if (io_uring_submit_and_wait(ring, n) < 0)
		die("io_uring_submit_and_wait");
	while (seen < n) {
		io_uring_for_each_cqe(ring, head, cqe) {
			if (cqe->res)
				die("io_uring op %llu: %s", (unsigned long long)cqe->user_data,
				    strerror(-cqe->res));
			seen++;
		}
		io_uring_cq_advance(ring, seen);
		if (seen < n && io_uring_wait_cqe(ring, &cqe))
			die("io_uring_wait_cqe");
	}
}

/* The same MAP and UNMAP operations, BATCH per io_uring_enter(). */
static double map_uring_ops(uint32_t as, uint32_t buf)
{
	struct io_uring ring;
	double t0;
	int i, j;

	if (io_uring_queue_init(BATCH, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
		die("io_uring_queue_init");
	t0 = now();
	for (i = 0; i < MAP_OPS; i += BATCH) {
		for (j = i; j < i + BATCH; j++) {
			struct swmmu_map m = {
				.size = sizeof(m), .flags = SWMMU_MAP_FIXED_IOVA, .as_id = as,
				.buf_id = buf, .length = SZ_4K, .iova = (uint64_t)j * SZ_4K,
				.prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE,
			};

			prep(&ring, SWMMU_MAP, &m, sizeof(m), j);
		}
		drain(&ring, BATCH);
	}
	for (i = 0; i < MAP_OPS; i += BATCH) {
		for (j = i; j < i + BATCH; j++) {
			struct swmmu_unmap u = { .size = sizeof(u), .as_id = as,
						 .iova = (uint64_t)j * SZ_4K, .length = SZ_4K };

			prep(&ring, SWMMU_UNMAP, &u, sizeof(u), j);
		}
		drain(&ring, BATCH);
	}
	t0 = now() - t0;
	io_uring_queue_exit(&ring);
	return 2.0 * MAP_OPS / t0;
}

/* The operations of MAP_OPS single-page MAPs, then of as many UNMAPs, VEC per array. */
static struct swmmu_map_batch_op *batch_ops(uint32_t buf, bool unmap)
{
	struct swmmu_map_batch_op *ops = calloc(MAP_OPS, sizeof(*ops));
	int i;

	if (!ops)
		die("out of memory");
	for (i = 0; i < MAP_OPS; i++) {
		ops[i].op = unmap ? SWMMU_BATCH_UNMAP : SWMMU_BATCH_MAP;
		ops[i].iova = (uint64_t)i * SZ_4K;
		ops[i].length = SZ_4K;
		if (unmap)
			continue;
		ops[i].flags = SWMMU_MAP_FIXED_IOVA;
		ops[i].buf_id = buf;
		ops[i].prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE;
	}
	return ops;
}

static struct swmmu_map_batch batch_cmd(uint32_t as, struct swmmu_map_batch_op *ops)
{
	struct swmmu_map_batch b = {
		.size = sizeof(b), .as_id = as, .nr_ops = VEC, .op_size = sizeof(*ops),
		.ops_uptr = (uintptr_t)ops,
	};

	return b;
}

/* The same operations, VEC per SWMMU_MAP_BATCH ioctl. */
static double map_batch_ioctl_ops(uint32_t as, uint32_t buf)
{
	struct swmmu_map_batch_op *mops = batch_ops(buf, false), *uops = batch_ops(buf, true);
	struct swmmu_map_batch b;
	double t0 = now();
	int i;

	for (i = 0; i < MAP_OPS; i += VEC) {
		b = batch_cmd(as, mops + i);
		xioctl(SWMMU_MAP_BATCH, &b, "MAP_BATCH");
	}
	for (i = 0; i < MAP_OPS; i += VEC) {
		b = batch_cmd(as, uops + i);
		xioctl(SWMMU_MAP_BATCH, &b, "MAP_BATCH");
	}
	t0 = now() - t0;
	free(mops);
	free(uops);
	return 2.0 * MAP_OPS / t0;
}

/* The same operations, VEC per SQE, all the SQEs of one phase in one io_uring_enter(). */
static double map_uring_batch_ops(uint32_t as, uint32_t buf)
{
	struct swmmu_map_batch_op *mops = batch_ops(buf, false), *uops = batch_ops(buf, true);
	struct swmmu_map_batch b;
	struct io_uring ring;
	double t0;
	int i;

	if (io_uring_queue_init(MAP_OPS / VEC, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
		die("io_uring_queue_init");
	t0 = now();
	for (i = 0; i < MAP_OPS; i += VEC) {
		b = batch_cmd(as, mops + i);
		prep(&ring, SWMMU_MAP_BATCH, &b, sizeof(b), i);
	}
	drain(&ring, MAP_OPS / VEC);
	for (i = 0; i < MAP_OPS; i += VEC) {
		b = batch_cmd(as, uops + i);
		prep(&ring, SWMMU_MAP_BATCH, &b, sizeof(b), i);
	}
	drain(&ring, MAP_OPS / VEC);
	t0 = now() - t0;
	io_uring_queue_exit(&ring);
	free(mops);
	free(uops);
	return 2.0 * MAP_OPS / t0;
}

static double best(double a, double b)
{
	return a > b ? a : b;
}

int main(void)
{
	struct swmmu_iotlb st4k, st2m;
	double base, c4k, c2m, fit, ops_ioctl, ops_uring, ops_bioctl, ops_vec;
	uint32_t fmt, as, buf;
	int i;

	fd = open("/dev/swmmu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/swmmu: %s", strerror(errno));
	fmt = format_id("x86_64");

	base = memcpy_mbs();
	c4k = dma_copy_mbs(fmt, 12, &st4k);
	c2m = dma_copy_mbs(fmt, 21, &st2m);
	fit = fitting_hit_rate(fmt);
	as = as_alloc(fmt);
	buf = buf_alloc(SZ_4K, 0);
	/*
	 * Warm every path once, then measure them in turn MAP_ROUNDS times and keep each one's
	 * best: other work on the machine (the VM runs under TCG on shared cores) slows single
	 * rounds down, and interleaving keeps a slow stretch from falling on one path only.
	 */
	map_ioctl_ops(as, buf);
	map_uring_ops(as, buf);
	map_batch_ioctl_ops(as, buf);
	map_uring_batch_ops(as, buf);
	ops_ioctl = ops_uring = ops_bioctl = ops_vec = 0;
	for (i = 0; i < MAP_ROUNDS; i++) {
		ops_ioctl = best(ops_ioctl, map_ioctl_ops(as, buf));
		ops_uring = best(ops_uring, map_uring_ops(as, buf));
		ops_bioctl = best(ops_bioctl, map_batch_ioctl_ops(as, buf));
		ops_vec = best(ops_vec, map_uring_batch_ops(as, buf));
	}

	printf("# swmmu-vmbench (x86_64 format, %d x 4 MiB copies, %d map+%d unmap, best of %d)\n",
	       COPY_ROUNDS, MAP_OPS, MAP_OPS, MAP_ROUNDS);
	printf("memcpy baseline            %9.1f MB/s\n", base);
	printf("DMA COPY, 4 KiB leaves     %9.1f MB/s  %5.1f%% of memcpy  IOTLB hit rate %5.1f%% "
	       "(%llu walks, %.2f items/walk)\n", c4k, 100 * c4k / base, hit_rate(&st4k),
	       (unsigned long long)st4k.out_walks,
	       st4k.out_walks ? (double)st4k.out_levels / st4k.out_walks : 0);
	printf("DMA COPY, 2 MiB leaves     %9.1f MB/s  %5.1f%% of memcpy  IOTLB hit rate %5.1f%% "
	       "(%llu walks, %.2f items/walk)  target >= 70%%\n", c2m, 100 * c2m / base,
	       hit_rate(&st2m), (unsigned long long)st2m.out_walks,
	       st2m.out_walks ? (double)st2m.out_levels / st2m.out_walks : 0);
	printf("IOTLB hit rate, 64-page working set (%u entries)  %5.1f%%\n", st4k.nr_entries, fit);
	printf("MAP+UNMAP, one ioctl each  %9.0f ops/s\n", ops_ioctl);
	printf("MAP+UNMAP, io_uring, 1 op per SQE, %d SQEs per enter  %9.0f ops/s  %5.2fx\n", BATCH,
	       ops_uring, ops_uring / ops_ioctl);
	printf("MAP+UNMAP, MAP_BATCH ioctl, %d ops per call  %9.0f ops/s  %5.2fx\n", VEC,
	       ops_bioctl, ops_bioctl / ops_ioctl);
	printf("MAP+UNMAP, io_uring batches, %d ops per SQE  %9.0f ops/s  %5.2fx  target >= 3x\n",
	       VEC, ops_vec, ops_vec / ops_ioctl);
	close(fd);
	return 0;
}
