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
 *     interleaved rounds per path;
 *   - DMA COPY through page tables a driver wrote (x86-64, written here by hand into an exported
 *     buffer, a SWMMU_AS_DRIVER_TABLES context) vs through swmmu's own tables (MAP), same
 *     buffers: 4 KiB leaves over 8 MiB (every page a TLB miss) and over 512 KiB (TLB hits), and
 *     2 MiB leaves; the ratio, target within 10%; and the TLB checker's cost, REPORT vs OFF on
 *     the driver's tables (a fresh walk per TLB hit), target under 2x. Best of DRV_ROUNDS
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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/swmmu.h>

#include "swmmu_dev.h"
#include "swmmu_test.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_4M		0x400000ULL
#define COPY_ROUNDS	48
#define MAP_OPS		4096
#define BATCH		64
#define VEC		256	/* operations per SWMMU_MAP_BATCH */
#define MAP_ROUNDS	5	/* best of, per path */
#define DRV_ROUNDS	5	/* best of, per copy path of the driver-tables comparison */

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
	unsigned int nr = 0, i;
	struct swmmu_format_info *fi = swmmu_get_formats(fd, &nr);
	uint32_t id = ~0u;

	for (i = 0; fi && i < nr; i++)
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

/* ---- driver-written tables vs swmmu's tables -------------------------------------------------- */

#define X86_P		(1ULL << 0)
#define X86_RW		(1ULL << 1)
#define X86_US		(1ULL << 2)
#define X86_PS		(1ULL << 7)
#define X86_ADDR	0x000ffffffffff000ULL
#define DRV_TABLE_PAGES	16

/* The driver's table pool: one exported, mmap()ed contiguous buffer; page 0 is the PML4. */
struct drv_tables {
	uint8_t *cpu;
	uint64_t dma;
	unsigned int used;
};

static uint64_t buf_dma0(uint32_t buf)
{
	struct swmmu_buf_seg seg = { 0 };
	struct swmmu_buf_info bi = {
		.size = sizeof(bi), .buf_id = buf, .nr_segs = 1, .segs_uptr = (uintptr_t)&seg,
	};

	xioctl(SWMMU_BUF_INFO, &bi, "BUF_INFO (a contiguous buffer)");
	return seg.dma_addr;
}

static uint64_t drv_table_alloc(struct drv_tables *t)
{
	if (t->used == DRV_TABLE_PAGES)
		die("out of driver table pages");
	return t->dma + SZ_4K * t->used++;
}

static uint64_t *drv_table_cpu(struct drv_tables *t, uint64_t dma)
{
	return (uint64_t *)(t->cpu + (dma - t->dma));
}

/* Map [iova, iova + len) to DMA address @pa with leaves of 2^pg_lg2 bytes (12 or 21). */
static void drv_map(struct drv_tables *t, uint64_t root, uint64_t iova, uint64_t pa, uint64_t len,
		    uint32_t pg_lg2)
{
	int leaf_level = pg_lg2 == 21 ? 1 : 0;
	uint64_t off;

	for (off = 0; off < len; off += 1ULL << pg_lg2) {
		uint64_t table = root, *e;
		int level;

		for (level = 3; level > leaf_level; level--) {
			e = drv_table_cpu(t, table) + ((iova + off) >> (12 + 9 * level) & 511);
			if (!(*e & X86_P))
				*e = drv_table_alloc(t) | X86_P | X86_RW | X86_US;
			table = *e & X86_ADDR;
		}
		e = drv_table_cpu(t, table) + ((iova + off) >> (12 + 9 * leaf_level) & 511);
		*e = (pa + off) | X86_P | X86_RW | X86_US | (leaf_level ? X86_PS : 0);
	}
}

static uint32_t copy_queue(uint32_t as)
{
	struct swmmu_queue_alloc qa = { .size = sizeof(qa), .as_id = as };

	xioctl(SWMMU_QUEUE_ALLOC, &qa, "QUEUE_ALLOC");
	return qa.out_queue_id;
}

/*
 * Copies of @len bytes from VA 0 to VA 4 MiB on queue @q, 8 per SUBMIT, COPY_ROUNDS x 4 MiB in
 * all: MB/s.
 */
static double copy_run(uint32_t q, uint64_t len)
{
	struct swmmu_dma_cmd cmds[8];
	struct swmmu_submit s = {
		.size = sizeof(s), .queue_id = q, .nr_cmds = 8, .cmds_uptr = (uintptr_t)cmds,
	};
	uint64_t i, submits = COPY_ROUNDS * (SZ_4M / len) / 8;
	double t0;

	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < 8; i++) {
		cmds[i].opcode = SWMMU_DMA_COPY;
		cmds[i].dst = SZ_4M;
		cmds[i].length = len;
	}
	t0 = now();
	for (i = 0; i < submits; i++) {
		xioctl(SWMMU_SUBMIT, &s, "SUBMIT");
		if (s.out_nr_done != 8)
			die("copy failed: %s", strerror(-cmds[s.out_nr_done].out_status));
	}
	return COPY_ROUNDS * (SZ_4M / 1048576.0) / (now() - t0);
}

static struct swmmu_ctx_info ctx_info(uint32_t as)
{
	struct swmmu_ctx_info ci = { .size = sizeof(ci), .as_id = as };

	xioctl(SWMMU_CTX_INFO, &ci, "CTX_INFO");
	return ci;
}

enum { P_MAP, P_DRV_OFF, P_DRV_REPORT, NR_PATHS };

/* The copies compared: leaf size and bytes per copy. */
static const struct drv_config {
	const char *name;
	uint32_t pg_lg2;
	uint64_t len;
} drv_configs[] = {
	{ "4 KiB leaves, 2 x 4 MiB (TLB misses)", 12, SZ_4M },
	{ "4 KiB leaves, 2 x 256 KiB (TLB hits)", 12, 64 * SZ_4K },
	{ "2 MiB leaves, 2 x 4 MiB", 21, SZ_4M },
};

#define NR_CONFIGS	(sizeof(drv_configs) / sizeof(drv_configs[0]))

struct drv_result {
	double mbs[NR_CONFIGS][NR_PATHS];		/* best of DRV_ROUNDS */
	struct swmmu_ctx_info report_info[NR_CONFIGS];	/* the REPORT contexts, afterwards */
};

/*
 * The same two 4 MiB contiguous buffers, mapped at VA 0 and 4 MiB in address spaces of each
 * configuration: swmmu's tables (MAP), and driver-managed contexts with the checker OFF and
 * REPORT over tables written here (one set of tables per leaf size, shared by all its contexts).
 */
static void drv_compare(uint32_t fmt, struct drv_result *r)
{
	uint32_t b1 = buf_alloc(SZ_4M, SWMMU_BUF_CONTIG), b2 = buf_alloc(SZ_4M, SWMMU_BUF_CONTIG);
	uint32_t tb = buf_alloc(DRV_TABLE_PAGES * SZ_4K, SWMMU_BUF_CONTIG);
	struct swmmu_buf_export be = { .size = sizeof(be), .buf_id = tb };
	uint64_t pa1 = buf_dma0(b1), pa2 = buf_dma0(b2), root[2];
	uint32_t q[NR_CONFIGS][NR_PATHS], as[NR_CONFIGS][NR_PATHS];
	struct drv_tables t = { .dma = buf_dma0(tb) };
	unsigned int c, l, p, round;

	xioctl(SWMMU_BUF_EXPORT, &be, "BUF_EXPORT");
	t.cpu = mmap(NULL, DRV_TABLE_PAGES * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, be.out_fd, 0);
	if (t.cpu == MAP_FAILED)
		die("mmap of the exported table buffer: %s", strerror(errno));
	for (l = 0; l < 2; l++) {
		root[l] = drv_table_alloc(&t);
		drv_map(&t, root[l], 0, pa1, SZ_4M, l ? 21 : 12);
		drv_map(&t, root[l], SZ_4M, pa2, SZ_4M, l ? 21 : 12);
	}
	for (c = 0; c < NR_CONFIGS; c++) {
		const struct drv_config *cf = &drv_configs[c];

		as[c][P_MAP] = as_alloc(fmt);
		map(as[c][P_MAP], b1, 0, SZ_4M, 0, cf->pg_lg2);
		map(as[c][P_MAP], b2, 0, SZ_4M, SZ_4M, cf->pg_lg2);
		for (p = P_DRV_OFF; p <= P_DRV_REPORT; p++) {
			struct swmmu_as_alloc a = {
				.size = sizeof(a), .flags = SWMMU_AS_DRIVER_TABLES, .format_id = fmt,
			};
			struct swmmu_ctx_set cs = {
				.size = sizeof(cs), .flags = SWMMU_CTX_ENABLE, .format_id = fmt,
				.asid = 1, .root = root[cf->pg_lg2 == 21],
				.check = p == P_DRV_REPORT ? SWMMU_CHECK_REPORT : SWMMU_CHECK_OFF,
			};

			xioctl(SWMMU_AS_ALLOC, &a, "AS_ALLOC (driver tables)");
			as[c][p] = cs.as_id = a.out_as_id;
			xioctl(SWMMU_CTX_SET, &cs, "CTX_SET");
		}
		for (p = 0; p < NR_PATHS; p++) {
			q[c][p] = copy_queue(as[c][p]);
			copy_run(q[c][p], cf->len);	/* warm: first walks, A/D bits */
			r->mbs[c][p] = 0;
		}
	}
	/* Interleaved, best of DRV_ROUNDS: a slow stretch of the shared host hits every path. */
	for (round = 0; round < DRV_ROUNDS; round++)
		for (c = 0; c < NR_CONFIGS; c++)
			for (p = 0; p < NR_PATHS; p++)
				r->mbs[c][p] = best(r->mbs[c][p],
						    copy_run(q[c][p], drv_configs[c].len));
	for (c = 0; c < NR_CONFIGS; c++)
		r->report_info[c] = ctx_info(as[c][P_DRV_REPORT]);
}

struct map_figures {
	double ioctl, uring, batch_ioctl, uring_batch;
};

/*
 * Warm every MAP+UNMAP path once, then measure them in turn MAP_ROUNDS times and keep each one's
 * best: other work on the machine (the VM runs under TCG on shared cores) slows single rounds
 * down, and interleaving keeps a slow stretch from falling on one path only.
 */
static void map_measure(uint32_t fmt, struct map_figures *m)
{
	uint32_t as = as_alloc(fmt), buf = buf_alloc(SZ_4K, 0);
	int i;

	map_ioctl_ops(as, buf);
	map_uring_ops(as, buf);
	map_batch_ioctl_ops(as, buf);
	map_uring_batch_ops(as, buf);
	memset(m, 0, sizeof(*m));
	for (i = 0; i < MAP_ROUNDS; i++) {
		m->ioctl = best(m->ioctl, map_ioctl_ops(as, buf));
		m->uring = best(m->uring, map_uring_ops(as, buf));
		m->batch_ioctl = best(m->batch_ioctl, map_batch_ioctl_ops(as, buf));
		m->uring_batch = best(m->uring_batch, map_uring_batch_ops(as, buf));
	}
}

static void map_print(const struct map_figures *m)
{
	printf("MAP+UNMAP, one ioctl each  %9.0f ops/s\n", m->ioctl);
	printf("MAP+UNMAP, io_uring, 1 op per SQE, %d SQEs per enter  %9.0f ops/s  %5.2fx\n", BATCH,
	       m->uring, m->uring / m->ioctl);
	printf("MAP+UNMAP, MAP_BATCH ioctl, %d ops per call  %9.0f ops/s  %5.2fx\n", VEC,
	       m->batch_ioctl, m->batch_ioctl / m->ioctl);
	printf("MAP+UNMAP, io_uring batches, %d ops per SQE  %9.0f ops/s  %5.2fx  target >= 3x\n",
	       VEC, m->uring_batch, m->uring_batch / m->ioctl);
}

/*
 * One MAP and one UNMAP of a page, for an instruction count (scripts/module-insns.sh): warm the
 * path with a few pairs, say READY, give the debugger @wait_s seconds to set its breakpoint, then
 * run the pair that is counted.
 */
static void one_op(uint32_t fmt, unsigned int wait_s)
{
	uint32_t as = as_alloc(fmt), buf = buf_alloc(SZ_4K, 0);
	struct swmmu_unmap u = { .size = sizeof(u), .as_id = as, .length = SZ_4K };
	int i;

	for (i = 1; i <= 8; i++) {
		map(as, buf, 0, SZ_4K, (uint64_t)i * SZ_4K, 0);
		u.iova = (uint64_t)i * SZ_4K;
		xioctl(SWMMU_UNMAP, &u, "UNMAP");
	}
	printf("READY\n");
	fflush(stdout);
	sleep(wait_s);
	map(as, buf, 0, SZ_4K, 16 * SZ_4K, 0);
	u.iova = 16 * SZ_4K;
	xioctl(SWMMU_UNMAP, &u, "UNMAP");
	printf("DONE\n");
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: swmmu-vmbench [--map-only | --one-op SECONDS]\n"
		"Measures the emulated device of the loaded swmmu.ko (needs /dev/swmmu).\n"
		"  --map-only        only the MAP+UNMAP figures (what scripts/module-ab.sh compares)\n"
		"  --one-op SECONDS  print READY, wait SECONDS, then run one MAP and one UNMAP of a\n"
		"                    page (what scripts/module-insns.sh counts under a debugger)\n"
		"  --help            this text\n");
}

int main(int argc, char **argv)
{
	struct swmmu_iotlb st4k, st2m;
	struct drv_result drv;
	struct map_figures mf;
	double base, c4k, c2m, fit;
	bool map_only = false;
	int one_op_wait = -1;
	uint32_t fmt;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--map-only")) {
			map_only = true;
		} else if (!strcmp(argv[i], "--one-op") && i + 1 < argc) {
			char *end;
			long secs = strtol(argv[++i], &end, 10);

			if (end == argv[i] || *end || secs < 0 || secs > 3600) {
				fprintf(stderr, "swmmu-vmbench: --one-op wants 0..3600 seconds, not '%s'\n",
					argv[i]);
				return 2;
			}
			one_op_wait = (int)secs;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "swmmu-vmbench: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	fd = open("/dev/swmmu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/swmmu: %s", strerror(errno));
	fmt = format_id("x86_64");
	if (one_op_wait >= 0) {
		one_op(fmt, one_op_wait);
		close(fd);
		return 0;
	}
	if (map_only) {
		map_measure(fmt, &mf);
		map_print(&mf);
		close(fd);
		return 0;
	}

	base = memcpy_mbs();
	c4k = dma_copy_mbs(fmt, 12, &st4k);
	c2m = dma_copy_mbs(fmt, 21, &st2m);
	fit = fitting_hit_rate(fmt);
	drv_compare(fmt, &drv);
	map_measure(fmt, &mf);
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
	map_print(&mf);
	printf("# driver-written tables (SWMMU_AS_DRIVER_TABLES, x86-64 tables written by hand) vs "
	       "swmmu's tables (MAP), same buffers, best of %d\n", DRV_ROUNDS);
	for (i = 0; i < (int)NR_CONFIGS; i++) {
		const double *m = drv.mbs[i];
		const struct swmmu_ctx_info *ci = &drv.report_info[i];

		printf("DMA COPY, %s\n", drv_configs[i].name);
		printf("  swmmu tables (MAP)            %9.1f MB/s\n", m[P_MAP]);
		printf("  driver tables, check off      %9.1f MB/s  %5.1f%% of MAP  target >= 90%%\n",
		       m[P_DRV_OFF], 100 * m[P_DRV_OFF] / m[P_MAP]);
		printf("  driver tables, check report   %9.1f MB/s  checker cost %.2fx  target < 2x  "
		       "(TLB hit rate %.1f%%, %llu compared, %llu reports)\n", m[P_DRV_REPORT],
		       m[P_DRV_OFF] / m[P_DRV_REPORT], ci->out_hits + ci->out_misses ?
		       100.0 * ci->out_hits / (ci->out_hits + ci->out_misses) : 0,
		       (unsigned long long)ci->out_checks,
		       (unsigned long long)(ci->out_stale + ci->out_bbm + ci->out_table_reuse));
	}
	close(fd);
	return 0;
}
