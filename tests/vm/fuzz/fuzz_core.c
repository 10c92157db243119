// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uAPI fuzzer of /dev/swmmu: see fuzz_core.h.
 *
 * Every thread draws operations from its own PRNG (seeded from the run's seed and its index), so
 * a seed names a sequence per thread; the interleaving of threads is not reproducible. IDs, VAs
 * and mmap offsets come from small pools the threads fill with what the kernel returned, so
 * that most calls reach deep code; every struct is then corrupted with some probability (size,
 * flags, reserved fields, IDs, ranges, user pointers and capacities). The fuzzer must never let
 * the kernel write into its own state: after the corruptions, every range the kernel may write
 * (pointer and capacity) is fenced into the thread's scratch buffer and the PROT_NONE guard
 * behind it, or to addresses where nothing of the process is mapped (fence_cmd()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcov.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_core.h"
#include "swmmu_dev.h"
#include "swmmu_drv.h"
#include "swmmu_nl.h"
#include "swmmu_test.h"

const char *const fuzz_op_names[FZ_NR_OPS] = {
	[FZ_IOCTL] = "ioctl", [FZ_BADIOCTL] = "bad-ioctl", [FZ_MMAP] = "mmap",
	[FZ_MUNMAP] = "munmap", [FZ_TOUCH] = "touch", [FZ_URING] = "io_uring",
	[FZ_FAULTQ] = "fault-queue", [FZ_NETLINK] = "netlink", [FZ_REOPEN] = "close/open",
	[FZ_DRIVER] = "driver-ctx",
};

#define MAX_FILES	8
#define POOL		16
#define MAX_MAPS	8
#define SCRATCH		(1 << 20)
#define GUARD		(1 << 20)	/* PROT_NONE, right behind each thread's scratch buffer */
#define NL_NAMES	3
#define MAX_EXPORTS	4	/* export descriptors a thread keeps */
#define DRV_TB		SZ_64K	/* the table buffer of a thread's driver-managed context */
#define BAD_PTR		0x10ULL		/* never mapped (below mmap_min_addr) */
#define KERNEL_PTR	0xffff888000000000ULL
/*
 * Nothing of the process is mapped below LOW_HOLE (mmap() without a hint never returns it, a
 * non-PIE x86-64 program loads at 4 MiB) or at USER_TOP and above (nothing maps with a hint).
 */
#define LOW_HOLE	0x100000ULL
#define USER_TOP	(1ULL << 47)

/* What the threads share: the files, and pools of IDs and offsets the kernel gave out. */
struct shared {
	int fd[MAX_FILES];
	unsigned int nr_files;
	uint32_t as_ids[POOL], buf_ids[POOL], q_ids[POOL];
	uint64_t mmap_offs[POOL];
	uint64_t dmas[POOL];		/* DMA addresses of buffers (BUF_INFO), for CTX_SET roots */
	uint32_t format_ids[64];
	unsigned int nr_formats;
	volatile bool stop;
	bool netlink;
	/* cfg->coverage: the module PCs and edges seen (struct cov_set), under cov_lock. */
	struct cov_set *pcs, *edges;
	/* cfg->guided: the corpus, under cov_lock. */
	struct fuzz_input *corpus;
	unsigned int nr_corpus, nr_corpus_start;
	uint64_t inputs, corpus_new;
	const char *corpus_dir;
	bool kcov_failed;
};

struct map {
	void *addr;
	size_t len;
};

struct thread {
	struct shared *sh;
	uint64_t rng;
	unsigned int index;
	uint8_t *scratch;
	struct map maps[MAX_MAPS];
	struct io_uring ring;
	bool ring_up;
	struct nlt nl;
	bool nl_up;
	int fq;			/* a fault queue descriptor of this thread, or -1 */
	int efd[MAX_EXPORTS];	/* export descriptors (BUF_EXPORT) of this thread, or -1 */
	/*
	 * This thread's driver-managed context (FZ_DRIVER), on whatever file it was built on: a
	 * table buffer the thread writes random tables into, a data buffer, a queue.
	 */
	struct {
		int fd;			/* the file (a dup: REOPEN may close the number) or -1 */
		uint32_t as_id, q, format_id;
		struct swmmu_dbuf tb, db;
	} drv;
	uint64_t iterations, ok, signals, ops[FZ_NR_OPS];
	/* KCOV of this thread (cfg->coverage): the descriptor and the trace buffer, or -1. */
	int kcov_fd;
	uint64_t *kcov;
};

static uint64_t rnd(struct thread *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct thread *t, uint64_t n)
{
	return n ? rnd(t) % n : 0;
}

/* True with probability pct %. */
static bool chance(struct thread *t, unsigned int pct)
{
	return below(t, 100) < pct;
}

static int pick_fd(struct thread *t)
{
	return __atomic_load_n(&t->sh->fd[below(t, t->sh->nr_files)], __ATOMIC_RELAXED);
}

static uint32_t pick_id(struct thread *t, const uint32_t *pool)
{
	if (chance(t, 8))
		return chance(t, 50) ? (uint32_t)rnd(t) : (uint32_t)below(t, 64);
	return __atomic_load_n(&pool[below(t, POOL)], __ATOMIC_RELAXED);
}

static void put_id(struct thread *t, uint32_t *pool, uint32_t id)
{
	__atomic_store_n(&pool[below(t, POOL)], id, __ATOMIC_RELAXED);
}

/* A page-aligned length: mostly small, sometimes large, rarely anything. */
static uint64_t pick_len(struct thread *t)
{
	unsigned int r = below(t, 100);

	if (r < 70)
		return (below(t, 16) + 1) * SZ_4K;
	if (r < 85)
		return chance(t, 50) ? SZ_2M : SZ_4M;
	if (r < 95)
		return below(t, 1024) * SZ_4K;
	return rnd(t);
}

/* A device VA: mostly low and aligned, sometimes a boundary or garbage. */
static uint64_t pick_va(struct thread *t)
{
	unsigned int r = below(t, 100);

	if (r < 60)
		return below(t, 64) * SZ_4K;
	if (r < 75)
		return below(t, 8) * SZ_2M;
	if (r < 85)
		return (1ULL << below(t, 64)) - (chance(t, 50) ? SZ_4K : 0);
	if (r < 92)
		return 0xffff800000000000ULL + below(t, 16) * SZ_4K;
	return rnd(t);
}

static uint32_t pick_prot(struct thread *t)
{
	if (chance(t, 10))
		return (uint32_t)rnd(t);
	return (uint32_t)below(t, 0x20) | (chance(t, 10) ? (uint32_t)below(t, 8) << 8 : 0);
}

/* A user pointer for an output array of @cap elements of @elem bytes. */
static uint64_t out_ptr(struct thread *t, uint32_t *cap, size_t elem)
{
	unsigned int r = below(t, 100);

	if (r < 80) {
		if (*cap > SCRATCH / elem)
			*cap = SCRATCH / elem;
		return (uintptr_t)t->scratch;
	}
	return r < 90 ? BAD_PTR : (r < 95 ? 0 : KERNEL_PTR);
}

/* ---- ioctls ------------------------------------------------------------------------------- */

/* Room for every command struct of the shared list, by the list's names. */
union cmd_buf {
#define SWMMU_IOCTL(_ioctl, _struct, _name)	struct _struct _name;
#include "swmmu/ioctl_list.h"
	uint8_t raw[256];
};

/* A DMA command with VAs near what is mapped. */
static void fill_dma_cmd(struct thread *t, struct swmmu_dma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = (uint32_t)below(t, 7);
	c->length = chance(t, 80) ? below(t, 4 * SZ_4K) + 1 : pick_len(t);
	switch (c->opcode) {
	case SWMMU_DMA_COPY:
	case SWMMU_DMA_COMPARE:
		c->src = pick_va(t);
		c->dst = pick_va(t);
		break;
	case SWMMU_DMA_CRC32:
		c->src = pick_va(t);
		break;
	case SWMMU_DMA_FILL:
		c->dst = pick_va(t);
		c->value = rnd(t);
		break;
	case SWMMU_DMA_FENCE:
		c->dst = pick_va(t) & ~7ULL;
		c->length = chance(t, 50) ? 4 : 8;
		c->value = rnd(t);
		break;
	}
	if (chance(t, 5))
		c->flags = (uint32_t)rnd(t);
	if (chance(t, 5))
		c->__reserved = 1;
}

/* A MAP or UNMAP of a batch, near what is mapped; sometimes an unknown op or a bad field. */
static void fill_batch_op(struct thread *t, struct swmmu_map_batch_op *op)
{
	memset(op, 0, sizeof(*op));
	if (chance(t, 90))
		op->op = chance(t, 55) ? SWMMU_BATCH_MAP : SWMMU_BATCH_UNMAP;
	else
		op->op = (uint32_t)below(t, 5);
	op->iova = pick_va(t);
	op->length = chance(t, 80) ? (below(t, 16) + 1) * SZ_4K : pick_len(t);
	if (op->op == SWMMU_BATCH_MAP) {
		op->buf_id = pick_id(t, t->sh->buf_ids);
		op->buf_offset = chance(t, 70) ? 0 : below(t, 16) * SZ_4K;
		op->flags = chance(t, 70) ? SWMMU_MAP_FIXED_IOVA : 0;
		op->prot = chance(t, 70) ? PROT_RW : pick_prot(t);
		if (chance(t, 10))
			op->pgsize_lg2 = chance(t, 50) ? 21 : (uint32_t)below(t, 70);
	}
	if (chance(t, 3))
		op->flags ^= 1u << below(t, 32);
	if (chance(t, 3))
		op->__reserved = 1;
}

struct cmd_desc {
	unsigned long nr;
	size_t size;
};

/* Every command of the shared list (include/swmmu/ioctl_list.h). */
static const struct cmd_desc cmds[] = {
#define SWMMU_IOCTL(_ioctl, _struct, _name)	{ _ioctl, sizeof(struct _struct) },
#include "swmmu/ioctl_list.h"
};

/*
 * Commands op_ioctl() leaves out: SWMMU_VTD_CHECK and SWMMU_AMD_CHECK drive a real PCI device
 * and take seconds.
 */
static bool cmd_skipped(unsigned long nr)
{
	return nr == SWMMU_VTD_CHECK || nr == SWMMU_AMD_CHECK;
}

/* The index of @nr in cmds[] (every caller names a command the table has). */
static unsigned int cmd_index(unsigned long nr)
{
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].nr == nr)
			return i;
	abort();
}

/* A table root for CTX_SET: mostly inside a buffer the kernel gave out, 4 KiB aligned. */
static uint64_t pick_root(struct thread *t)
{
	uint64_t d = __atomic_load_n(&t->sh->dmas[below(t, POOL)], __ATOMIC_RELAXED);

	if (chance(t, 10))
		return chance(t, 50) ? rnd(t) : rnd(t) & ~(SZ_4K - 1);
	return d + below(t, 16) * SZ_4K;
}

/* Invalidation commands near what the threads use; sometimes any values at all. */
static void fill_inval_cmd(struct thread *t, struct swmmu_inval_cmd *c, uint32_t as_id)
{
	memset(c, 0, sizeof(*c));
	c->opcode = chance(t, 95) ? (uint32_t)below(t, 5) + 1 : (uint32_t)rnd(t);
	if (c->opcode != SWMMU_INV_ALL)
		c->as_id = chance(t, 80) ? as_id : pick_id(t, t->sh->as_ids);
	if (c->opcode >= SWMMU_INV_ASID)
		c->asid = chance(t, 90) ? (uint32_t)below(t, 4) : (uint32_t)rnd(t);
	if (c->opcode >= SWMMU_INV_VA) {
		c->iova = pick_va(t);
		c->length = chance(t, 80) ? (below(t, 16) + 1) * SZ_4K : pick_len(t);
	}
	if (chance(t, 3))
		c->flags = (uint32_t)rnd(t);
	if (chance(t, 3))
		c->iova ^= rnd(t);
}

/* Build a mostly valid struct for command @i. */
static void build_cmd(struct thread *t, unsigned int i, union cmd_buf *b)
{
	struct shared *sh = t->sh;

	memset(b, 0, sizeof(*b));
	switch (cmds[i].nr) {
	case SWMMU_DESTROY:
		b->destroy.id = pick_id(t, chance(t, 40) ? sh->buf_ids :
					 chance(t, 50) ? sh->as_ids : sh->q_ids);
		break;
	case SWMMU_GET_INFO:
		b->get_info.nr_formats = (uint32_t)below(t, 80);
		b->get_info.formats_uptr = out_ptr(t, &b->get_info.nr_formats,
						   sizeof(struct swmmu_format_info));
		break;
	case SWMMU_AS_ALLOC:
		b->as_alloc.format_id = chance(t, 90) && sh->nr_formats ?
					sh->format_ids[below(t, sh->nr_formats)] : (uint32_t)rnd(t);
		if (chance(t, 30))
			b->as_alloc.va_bits = (uint32_t)below(t, 70);
		if (chance(t, 30))
			b->as_alloc.flags = SWMMU_AS_DRIVER_TABLES;
		break;
	case SWMMU_BUF_ALLOC:
		b->buf_alloc.length = pick_len(t);
		if (chance(t, 30))
			b->buf_alloc.flags = SWMMU_BUF_CONTIG;
		break;
	case SWMMU_BUF_INFO:
		b->buf_info.buf_id = pick_id(t, sh->buf_ids);
		b->buf_info.nr_segs = (uint32_t)below(t, 2048);
		b->buf_info.segs_uptr = out_ptr(t, &b->buf_info.nr_segs,
						sizeof(struct swmmu_buf_seg));
		break;
	case SWMMU_MAP:
		b->map.as_id = pick_id(t, sh->as_ids);
		b->map.buf_id = pick_id(t, sh->buf_ids);
		b->map.buf_offset = chance(t, 70) ? 0 : below(t, 16) * SZ_4K;
		b->map.length = chance(t, 70) ? (below(t, 16) + 1) * SZ_4K : pick_len(t);
		b->map.iova = pick_va(t);
		b->map.flags = chance(t, 70) ? SWMMU_MAP_FIXED_IOVA : 0;
		b->map.prot = chance(t, 70) ? PROT_RW : pick_prot(t);
		if (chance(t, 20))
			b->map.pgsize_lg2 = chance(t, 50) ? 21 : (uint32_t)below(t, 70);
		break;
	case SWMMU_UNMAP:
		b->unmap.as_id = pick_id(t, sh->as_ids);
		b->unmap.iova = chance(t, 30) ? 0 : pick_va(t);
		b->unmap.length = chance(t, 30) ? ~0ULL - b->unmap.iova + 1 : pick_len(t);
		break;
	case SWMMU_PROTECT:
		b->protect.as_id = pick_id(t, sh->as_ids);
		b->protect.iova = pick_va(t);
		b->protect.length = pick_len(t);
		b->protect.prot = pick_prot(t);
		break;
	case SWMMU_QUERY:
		b->query.as_id = pick_id(t, sh->as_ids);
		b->query.iova = pick_va(t) + below(t, SZ_4K);
		break;
	case SWMMU_DUMP:
		b->dump.as_id = pick_id(t, sh->as_ids);
		if (chance(t, 50)) {
			b->dump.iova = pick_va(t);
			b->dump.length = pick_len(t);
		}
		b->dump.nr_regions = (uint32_t)below(t, 4096);
		b->dump.regions_uptr = out_ptr(t, &b->dump.nr_regions,
					       sizeof(struct swmmu_dump_region));
		break;
	case SWMMU_RW: {
		uint32_t len = (uint32_t)(below(t, 3 * SZ_4K) + 1);

		b->rw.as_id = pick_id(t, sh->as_ids);
		b->rw.iova = pick_va(t) + below(t, SZ_4K);
		b->rw.flags = chance(t, 50) ? SWMMU_RW_WRITE : 0;
		b->rw.length = len;
		b->rw.data_uptr = out_ptr(t, &len, 1);
		if (chance(t, 3))
			b->rw.length = rnd(t);	/* the kernel must refuse it, not trust it */
		break;
	}
	case SWMMU_STATS:
		b->stats.as_id = pick_id(t, sh->as_ids);
		break;
	case SWMMU_ATTACH:
		snprintf(b->attach.name, sizeof(b->attach.name), "fz%u",
			 (unsigned int)below(t, NL_NAMES + 1));
		if (chance(t, 5))
			memset(b->attach.name, 'x', sizeof(b->attach.name));
		break;
	case SWMMU_CPU_WALK:
		b->cpu_walk.va = chance(t, 70) ? (uintptr_t)t->scratch : rnd(t);
		b->cpu_walk.length = chance(t, 70) ? (below(t, 64) + 1) * SZ_4K : rnd(t);
		b->cpu_walk.nr_entries = (uint32_t)below(t, 1024);
		b->cpu_walk.entries_uptr = out_ptr(t, &b->cpu_walk.nr_entries,
						   sizeof(struct swmmu_cpu_pte));
		break;
	case SWMMU_QUEUE_ALLOC:
		b->queue_alloc.as_id = pick_id(t, sh->as_ids);
		break;
	case SWMMU_SUBMIT: {
		struct swmmu_dma_cmd *c = (struct swmmu_dma_cmd *)t->scratch;
		uint32_t n = (uint32_t)below(t, 8) + 1, i;

		for (i = 0; i < n; i++)
			fill_dma_cmd(t, &c[i]);
		b->submit.queue_id = pick_id(t, sh->q_ids);
		b->submit.nr_cmds = chance(t, 5) ? (uint32_t)below(t, 1000) : n;
		b->submit.cmds_uptr = out_ptr(t, &b->submit.nr_cmds, sizeof(*c));
		break;
	}
	case SWMMU_FAULT_QUEUE:
		b->fault_queue.depth = chance(t, 80) ? (uint32_t)below(t, 64) + 1 :
				       (uint32_t)rnd(t);
		break;
	case SWMMU_FAULT_CONFIG:
		b->fault_config.as_id = pick_id(t, sh->as_ids);
		b->fault_config.mode = (uint32_t)below(t, 3);
		/* Short stalls: a thread must not sit in a stalled command for long. */
		b->fault_config.timeout_ms = chance(t, 90) ? (uint32_t)below(t, 50) + 1 :
					     (uint32_t)rnd(t);
		break;
	case SWMMU_IOTLB:
		b->iotlb.flags = (uint32_t)below(t, 8);
		if (b->iotlb.flags & SWMMU_IOTLB_RESIZE)
			b->iotlb.nr_entries = chance(t, 80) ? 1U << below(t, 17) : (uint32_t)rnd(t);
		break;
	case SWMMU_MAP_BATCH: {
		/* Sometimes wider entries (zero tails), sometimes any entry size at all. */
		uint32_t stride = sizeof(struct swmmu_map_batch_op), n = (uint32_t)below(t, 16) + 1;
		uint32_t i;

		if (chance(t, 10))
			stride += (uint32_t)below(t, 9) * 8;
		memset(t->scratch, 0, (size_t)n * stride);
		for (i = 0; i < n; i++)
			fill_batch_op(t, (struct swmmu_map_batch_op *)(t->scratch + i * stride));
		b->map_batch.as_id = pick_id(t, sh->as_ids);
		b->map_batch.op_size = chance(t, 5) ? (uint32_t)below(t, 8192) : stride;
		b->map_batch.nr_ops = chance(t, 5) ? (uint32_t)below(t, 2000) : n;
		/* The capacity told is the truth: nr_ops entries of op_size fit the scratch. */
		b->map_batch.ops_uptr = out_ptr(t, &b->map_batch.nr_ops,
						b->map_batch.op_size ? b->map_batch.op_size : 1);
		break;
	}
	case SWMMU_CTX_SET:
		b->ctx_set.as_id = pick_id(t, sh->as_ids);
		b->ctx_set.flags = chance(t, 90) ? (uint32_t)below(t, 4) : (uint32_t)rnd(t);
		b->ctx_set.format_id = chance(t, 90) && sh->nr_formats ?
				       sh->format_ids[below(t, sh->nr_formats)] : (uint32_t)rnd(t);
		if (chance(t, 20))
			b->ctx_set.va_bits = (uint32_t)below(t, 70);
		b->ctx_set.asid = chance(t, 90) ? (uint32_t)below(t, 4) : (uint32_t)rnd(t);
		b->ctx_set.root = pick_root(t);
		b->ctx_set.check = (uint32_t)below(t, chance(t, 95) ? 3 : 8);
		break;
	case SWMMU_INVALIDATE: {
		struct swmmu_inval_cmd *c = (struct swmmu_inval_cmd *)t->scratch;
		uint32_t n = (uint32_t)below(t, 8) + 1, i;
		uint32_t as = pick_id(t, sh->as_ids);

		for (i = 0; i < n; i++)
			fill_inval_cmd(t, &c[i], as);
		b->invalidate.nr_cmds = chance(t, 5) ? (uint32_t)below(t, 1000) : n;
		b->invalidate.cmds_uptr = out_ptr(t, &b->invalidate.nr_cmds, sizeof(*c));
		break;
	}
	case SWMMU_CTX_INFO:
		b->ctx_info.as_id = pick_id(t, sh->as_ids);
		break;
	case SWMMU_BUF_EXPORT:
		b->buf_export.buf_id = pick_id(t, sh->buf_ids);
		break;
	}
}

/* Keep an export descriptor, closing the one it replaces. */
static void keep_export(struct thread *t, int efd)
{
	unsigned int i = (unsigned int)below(t, MAX_EXPORTS);

	if (t->efd[i] >= 0)
		close(t->efd[i]);
	t->efd[i] = efd;
}

/* Remember what the kernel created. */
static void harvest(struct thread *t, unsigned int i, const union cmd_buf *b, int fd)
{
	struct shared *sh = t->sh;

	switch (cmds[i].nr) {
	case SWMMU_AS_ALLOC:
		put_id(t, sh->as_ids, b->as_alloc.out_as_id);
		if (b->as_alloc.out_mmap_offset != SWMMU_MMAP_OFFSET_NONE)
			__atomic_store_n(&sh->mmap_offs[below(t, POOL)],
					 b->as_alloc.out_mmap_offset, __ATOMIC_RELAXED);
		break;
	case SWMMU_ATTACH:
		put_id(t, sh->as_ids, b->attach.out_as_id);
		break;
	case SWMMU_BUF_ALLOC: {
		struct swmmu_buf_seg seg;
		struct swmmu_buf_info bi = { .size = sizeof(bi), .buf_id = b->buf_alloc.out_buf_id,
					     .nr_segs = 1, .segs_uptr = (uintptr_t)&seg };

		put_id(t, sh->buf_ids, b->buf_alloc.out_buf_id);
		/* Its first DMA address: the roots CTX_SET is given point into buffers. */
		if (ioctl(fd, SWMMU_BUF_INFO, &bi) == 0 || errno == EMSGSIZE)
			__atomic_store_n(&sh->dmas[below(t, POOL)], seg.dma_addr,
					 __ATOMIC_RELAXED);
		break;
	}
	case SWMMU_BUF_EXPORT:
		keep_export(t, b->buf_export.out_fd);
		break;
	case SWMMU_QUEUE_ALLOC:
		put_id(t, sh->q_ids, b->queue_alloc.out_queue_id);
		break;
	case SWMMU_FAULT_QUEUE:
		if (t->fq >= 0)
			close(t->fq);
		t->fq = b->fault_queue.out_fd;
		break;
	}
}

/*
 * Fence a user pointer the kernel writes through (or reads from and writes back to), @bytes
 * long, after the corruptions: a flipped bit in a pointer or a capacity must not turn it into
 * one the kernel would rightly write through into memory the fuzzer uses (the thread array,
 * io_uring rings, other threads' buffers). A range that stays in this thread's scratch buffer
 * and guard, or lies where nothing is mapped, is kept; any other moves into the scratch buffer,
 * keeping its offset in the page, or to a kernel address if it does not fit.
 */
static void fence_uptr(struct thread *t, __u64 *uptr, uint64_t bytes)
{
	uint64_t p = *uptr, lo = (uintptr_t)t->scratch, hi = lo + SCRATCH + GUARD;

	if (p >= USER_TOP || (p < LOW_HOLE && bytes <= LOW_HOLE - p) ||
	    (p >= lo && p < hi && bytes <= hi - p))
		return;
	p &= SZ_4K - 1;
	*uptr = bytes <= hi - lo - p ? lo + p : KERNEL_PTR + p;
}

/* Fence every user pointer of command @i (see fence_uptr()). */
static void fence_cmd(struct thread *t, unsigned int i, union cmd_buf *b)
{
	switch (cmds[i].nr) {
	case SWMMU_GET_INFO:
		fence_uptr(t, &b->get_info.formats_uptr,
			   (uint64_t)b->get_info.nr_formats * sizeof(struct swmmu_format_info));
		break;
	case SWMMU_BUF_INFO:
		fence_uptr(t, &b->buf_info.segs_uptr,
			   (uint64_t)b->buf_info.nr_segs * sizeof(struct swmmu_buf_seg));
		break;
	case SWMMU_DUMP:
		fence_uptr(t, &b->dump.regions_uptr,
			   (uint64_t)b->dump.nr_regions * sizeof(struct swmmu_dump_region));
		break;
	case SWMMU_RW:
		fence_uptr(t, &b->rw.data_uptr, b->rw.length);
		break;
	case SWMMU_CPU_WALK:
		fence_uptr(t, &b->cpu_walk.entries_uptr,
			   (uint64_t)b->cpu_walk.nr_entries * sizeof(struct swmmu_cpu_pte));
		break;
	case SWMMU_SUBMIT:
		fence_uptr(t, &b->submit.cmds_uptr,
			   (uint64_t)b->submit.nr_cmds * sizeof(struct swmmu_dma_cmd));
		break;
	case SWMMU_INVALIDATE:
		/* Read only, but a flipped capacity must not make the read reach far. */
		fence_uptr(t, &b->invalidate.cmds_uptr,
			   (uint64_t)b->invalidate.nr_cmds * sizeof(struct swmmu_inval_cmd));
		break;
	case SWMMU_MAP_BATCH:
		/* The kernel writes out_iova/out_unmapped back into the ops. */
		fence_uptr(t, &b->map_batch.ops_uptr,
			   (uint64_t)b->map_batch.nr_ops * b->map_batch.op_size);
		break;
	}
}

static void op_ioctl(struct thread *t)
{
	union cmd_buf b;
	unsigned int i;
	uint32_t size;
	int fd = pick_fd(t);

	do
		i = (unsigned int)below(t, sizeof(cmds) / sizeof(cmds[0]));
	while (cmd_skipped(cmds[i].nr));
	size = (uint32_t)cmds[i].size;

	build_cmd(t, i, &b);
	/* Corruptions: the size rules, reserved fields and flags, random bytes. */
	switch (below(t, 12)) {
	case 0:
		size = (uint32_t)below(t, size);
		break;
	case 1:
		size += (uint32_t)below(t, 64) + 1;	/* a zero tail */
		break;
	case 2:
		size += (uint32_t)below(t, 64) + 1;
		b.raw[size - 1] = (uint8_t)(rnd(t) | 1);	/* a non-zero tail */
		break;
	case 3:
		b.raw[4 + below(t, cmds[i].size - 4)] ^= (uint8_t)(1U << below(t, 8));
		break;
	case 4:
		if (cmds[i].nr == SWMMU_MAP || cmds[i].nr == SWMMU_UNMAP ||
		    cmds[i].nr == SWMMU_PROTECT || cmds[i].nr == SWMMU_DUMP ||
		    cmds[i].nr == SWMMU_QUERY || cmds[i].nr == SWMMU_IOTLB ||
		    cmds[i].nr == SWMMU_FAULT_CONFIG || cmds[i].nr == SWMMU_STATS ||
		    cmds[i].nr == SWMMU_MAP_BATCH || cmds[i].nr == SWMMU_CTX_SET ||
		    cmds[i].nr == SWMMU_INVALIDATE)
			b.raw[4 + below(t, cmds[i].size - 4)] = (uint8_t)rnd(t);
		break;
	default:
		break;
	}
	memcpy(b.raw, &size, sizeof(size));
	fence_cmd(t, i, &b);
	if (ioctl(fd, cmds[i].nr, chance(t, 2) ? (void *)BAD_PTR : (void *)&b) == 0) {
		t->ok++;
		harvest(t, i, &b, fd);
	}
}

static void op_badioctl(struct thread *t)
{
	unsigned long nr;
	/* Larger than any command struct: the kernel writes back up to the size it knows. */
	uint8_t buf[512] = { 0 };

	switch (below(t, 3)) {
	case 0:
		nr = _IO(SWMMU_TYPE, below(t, 256));
		break;
	case 1:
		nr = _IOWR(SWMMU_TYPE, 0xa0 + below(t, 32), uint64_t);
		break;
	default:
		nr = (unsigned long)rnd(t) & 0xffffffffUL;
		break;
	}
	/* Only our own command range: other numbers could be generic file ioctls (FIONBIO...). */
	if (_IOC_TYPE(nr) != SWMMU_TYPE)
		nr = _IO(SWMMU_TYPE, _IOC_NR(nr));
	if (cmd_skipped(nr))
		return;
	buf[0] = (uint8_t)below(t, 256);
	if (ioctl(pick_fd(t), nr, buf) == 0) {
		t->ok++;
		/* A descriptor it made (BUF_EXPORT of a zero ID that exists) is not leaked. */
		if (nr == SWMMU_BUF_EXPORT)
			keep_export(t, ((struct swmmu_buf_export *)buf)->out_fd);
	}
}

/* ---- mmap and CPU accesses --------------------------------------------------------------------- */

static __thread sigjmp_buf probe_env;
static __thread volatile int probing;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	char msg[128];
	int n;

	(void)uc;
	if (probing) {
		probing = 0;
		siglongjmp(probe_env, sig);
	}
	/* A fault outside a probe is a bug of the fuzzer: say where, then die of it. */
	n = snprintf(msg, sizeof(msg), "# swmmu-fuzz: signal %d (code %d) at %p outside a probe\n",
		     sig, si->si_code, si->si_addr);
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void op_mmap(struct thread *t)
{
	struct map *m = &t->maps[below(t, MAX_MAPS)];
	uint64_t off = __atomic_load_n(&t->sh->mmap_offs[below(t, POOL)], __ATOMIC_RELAXED);
	size_t len = chance(t, 80) ? (below(t, 16) + 1) * SZ_4K : (chance(t, 50) ? SZ_2M : SZ_4M);
	int prot = chance(t, 80) ? PROT_READ | PROT_WRITE : PROT_READ;
	void *p;

	int efd = t->efd[below(t, MAX_EXPORTS)];

	if (m->addr)
		return;
	off += chance(t, 80) ? below(t, 64) * SZ_4K : pick_va(t) & ~(SZ_4K - 1);
	if (efd >= 0 && chance(t, 30)) {
		/* An exported buffer: what the CPU writes there, driver contexts may walk. */
		off = chance(t, 90) ? below(t, 16) * SZ_4K : pick_va(t) & ~(SZ_4K - 1);
		len = chance(t, 90) ? (below(t, 16) + 1) * SZ_4K : pick_len(t) & ~(SZ_4K - 1);
		p = mmap(NULL, len ? len : SZ_4K, prot, chance(t, 95) ? MAP_SHARED : MAP_PRIVATE,
			 efd, (off_t)off);
		if (p != MAP_FAILED) {
			m->addr = p;
			m->len = len ? len : SZ_4K;
			t->ok++;
		}
		return;
	}
	p = mmap(NULL, len, prot, chance(t, 95) ? MAP_SHARED : MAP_PRIVATE, pick_fd(t),
		 (off_t)off);
	if (p != MAP_FAILED) {
		m->addr = p;
		m->len = len;
		t->ok++;
	}
}

static void op_munmap(struct thread *t)
{
	struct map *m = &t->maps[below(t, MAX_MAPS)];

	if (!m->addr)
		return;
	if (munmap(m->addr, m->len) == 0)
		t->ok++;
	m->addr = NULL;
}

/* One CPU access; -1 if it raised SIGBUS or SIGSEGV. */
static __attribute__((noinline)) int probe(volatile uint8_t *p, bool write, uint8_t v)
{
	probing = 1;
	if (sigsetjmp(probe_env, 1))
		return -1;
	if (write)
		*p = v;
	else
		(void)*p;
	probing = 0;
	return 0;
}

static void op_touch(struct thread *t)
{
	struct map *m = &t->maps[below(t, MAX_MAPS)];
	unsigned int n = (unsigned int)below(t, 8) + 1, i;
	bool write = chance(t, 50);

	if (!m->addr)
		return;
	for (i = 0; i < n; i++) {
		if (probe((volatile uint8_t *)m->addr + below(t, m->len), write, (uint8_t)i))
			t->signals++;
		else
			t->ok++;
	}
}

/* ---- io_uring ---------------------------------------------------------------------------------- */

static void op_uring(struct thread *t)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	union cmd_buf b;
	uint8_t *raw;
	unsigned int n = (unsigned int)below(t, 4) + 1, i;

	if (!t->ring_up)
		return;
	for (i = 0; i < n; i++) {
		sqe = io_uring_get_sqe(&t->ring);
		if (!sqe)
			break;
		raw = (uint8_t *)sqe;
		__asm__("" : "+r"(raw));
		memset(raw, 0, 128);
		memset(&b, 0, sizeof(b));
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = pick_fd(t);
		switch (below(t, 7)) {
		case 0:
		case 1: {
			struct swmmu_uring_dma *u = (struct swmmu_uring_dma *)b.raw;

			u->size = sizeof(*u);
			u->queue_id = pick_id(t, t->sh->q_ids);
			fill_dma_cmd(t, &u->cmd);
			sqe->cmd_op = SWMMU_URING_DMA;
			break;
		}
		case 2:
			build_cmd(t, cmd_index(SWMMU_MAP), &b);
			b.map.size = sizeof(b.map);
			sqe->cmd_op = SWMMU_MAP;
			break;
		case 3:
			build_cmd(t, cmd_index(SWMMU_UNMAP), &b);
			b.unmap.size = sizeof(b.unmap);
			sqe->cmd_op = SWMMU_UNMAP;
			break;
		case 4:
			build_cmd(t, cmd_index(SWMMU_MAP_BATCH), &b);
			b.map_batch.size = sizeof(b.map_batch);
			sqe->cmd_op = SWMMU_MAP_BATCH;
			break;
		case 5:
			build_cmd(t, cmd_index(SWMMU_INVALIDATE), &b);
			b.invalidate.size = sizeof(b.invalidate);
			sqe->cmd_op = SWMMU_INVALIDATE;
			break;
		default:
			b.raw[0] = (uint8_t)below(t, 96);
			sqe->cmd_op = (uint32_t)rnd(t);
			break;
		}
		if (chance(t, 10))
			b.raw[below(t, 80)] ^= 0xff;
		/* As in op_ioctl(): the corruption may have moved the ops the kernel writes back. */
		if (sqe->cmd_op == SWMMU_MAP_BATCH)
			fence_cmd(t, cmd_index(SWMMU_MAP_BATCH), &b);
		if (sqe->cmd_op == SWMMU_INVALIDATE)
			fence_cmd(t, cmd_index(SWMMU_INVALIDATE), &b);
		memcpy(raw + offsetof(struct io_uring_sqe, cmd), b.raw, 80);
	}
	io_uring_submit(&t->ring);
	/* Reap what completed; a stalled or long command is reaped on a later turn or at exit. */
	while (io_uring_peek_cqe(&t->ring, &cqe) == 0) {
		if (cqe->res >= 0)
			t->ok++;
		io_uring_cqe_seen(&t->ring, cqe);
	}
}

/* ---- fault queues ------------------------------------------------------------------------------ */

static void op_faultq(struct thread *t)
{
	struct swmmu_fault_response resp[4];
	struct pollfd pfd;
	unsigned int i;

	if (t->fq < 0)
		return;
	switch (below(t, 4)) {
	case 0:
		pfd.fd = t->fq;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) >= 0)
			t->ok++;
		break;
	case 1: {
		/* Non-blocking read of whatever is there. */
		int fl = fcntl(t->fq, F_GETFL);

		if (fl >= 0 && !(fl & O_NONBLOCK))
			fcntl(t->fq, F_SETFL, fl | O_NONBLOCK);
		if (read(t->fq, t->scratch, below(t, 4096)) >= 0)
			t->ok++;
		break;
	}
	case 2:
		for (i = 0; i < 4; i++) {
			resp[i].seq = below(t, 64);
			resp[i].code = (uint32_t)below(t, 4);
			resp[i].__reserved = chance(t, 5);
		}
		if (write(t->fq, resp, chance(t, 90) ? sizeof(resp[0]) * (below(t, 4) + 1) :
			  below(t, sizeof(resp))) >= 0)
			t->ok++;
		break;
	default:
		close(t->fq);
		t->fq = -1;
		break;
	}
}

/* ---- netlink ----------------------------------------------------------------------------------- */

/*
 * A socket of the fuzzer waits at most NL_TIMEOUT_S for an answer: one that never comes must not
 * keep the fuzzer from ending, or from dying when it is told to.
 */
#define NL_TIMEOUT_S	2

static void op_netlink(struct thread *t)
{
	struct nlt_msg *m = (struct nlt_msg *)t->scratch;
	char name[8];
	uint8_t cmd;

	if (!t->nl_up)
		return;
	snprintf(name, sizeof(name), "fz%u", (unsigned int)below(t, NL_NAMES));
	cmd = (uint8_t)below(t, SWMMU_NL_CMD_MAX + 2);
	nlt_start(&t->nl, m, cmd, cmd == SWMMU_NL_CMD_AS_GET || cmd == SWMMU_NL_CMD_REGION_GET ||
		  cmd == SWMMU_NL_CMD_FORMAT_GET ? (chance(t, 50) ? NLM_F_DUMP : 0) : 0);
	if (chance(t, 90))
		nlt_put_str(m, SWMMU_A_AS, name);
	switch (cmd) {
	case SWMMU_NL_CMD_AS_NEW:
		nlt_put_str(m, SWMMU_A_FORMAT, chance(t, 80) ? "x86_64" : "aarch64-4k");
		break;
	case SWMMU_NL_CMD_AS_SET:
		nlt_put_u32(m, SWMMU_A_OWNER_UID, 0);
		nlt_put_u16(m, SWMMU_A_MODE, (uint16_t)below(t, 01000));
		nlt_put_u8(m, SWMMU_A_FAULT_MODE, (uint8_t)below(t, 4));
		if (chance(t, 50))
			nlt_put_u64(m, SWMMU_A_FAULT_QUOTA, below(t, 1 << 22));
		break;
	case SWMMU_NL_CMD_MAP:
	case SWMMU_NL_CMD_UNMAP:
	case SWMMU_NL_CMD_PROTECT:
	case SWMMU_NL_CMD_QUERY:
		nlt_put_u64(m, SWMMU_A_IOVA, pick_va(t));
		if (cmd != SWMMU_NL_CMD_QUERY)
			nlt_put_u64(m, SWMMU_A_LENGTH, chance(t, 80) ? (below(t, 8) + 1) * SZ_4K :
				    pick_len(t));
		if (cmd == SWMMU_NL_CMD_MAP || cmd == SWMMU_NL_CMD_PROTECT)
			nlt_put_u32(m, SWMMU_A_PROT, pick_prot(t));
		if (cmd == SWMMU_NL_CMD_MAP && chance(t, 70))
			nlt_put_u32(m, SWMMU_A_MAP_FLAGS, SWMMU_NL_MAP_FIXED);
		break;
	case SWMMU_NL_CMD_FAULT_RESOLVE:
		nlt_put_u64(m, SWMMU_A_FAULT_ID, below(t, 64));
		nlt_put_u8(m, SWMMU_A_FAULT_RESP, (uint8_t)below(t, 4));
		break;
	default:
		break;
	}
	/* A random attribute of a random type now and then. */
	if (chance(t, 10)) {
		uint64_t junk = rnd(t);

		nlt_put(m, (uint16_t)below(t, SWMMU_A_MAX + 3), &junk, below(t, 9));
	}
	if (nlt_request(&t->nl, m, NULL, NULL) == 0)
		t->ok++;
}

/* ---- driver-managed contexts ---------------------------------------------------------------- */

static void drv_drop(struct thread *t)
{
	swmmu_dbuf_release(&t->drv.tb);
	swmmu_dbuf_release(&t->drv.db);
	if (t->drv.fd >= 0)
		close(t->drv.fd);
	t->drv.fd = -1;
}

/*
 * A driver-managed context on one of the files: a table buffer and a data buffer, both
 * contiguous, exported and mapped, and a queue. The file is dup()ed: REOPEN may close the
 * number, the context's file lives on until the next rebuild.
 */
static int drv_build(struct thread *t)
{
	struct shared *sh = t->sh;
	int fd = dup(pick_fd(t));

	t->drv.fd = fd;
	if (fd < 0 || !sh->nr_formats)
		return -1;
	t->drv.format_id = sh->format_ids[below(t, sh->nr_formats)];
	if (_test_drv_as_alloc(fd, t->drv.format_id, 0, &t->drv.as_id, NULL) ||
	    swmmu_dbuf_new(fd, DRV_TB, &t->drv.tb) || swmmu_dbuf_new(fd, DRV_TB, &t->drv.db) ||
	    _test_queue_alloc(fd, t->drv.as_id, &t->drv.q))
		return -1;
	/* Other threads' commands reach them too. */
	put_id(t, sh->as_ids, t->drv.as_id);
	put_id(t, sh->buf_ids, t->drv.tb.id);
	put_id(t, sh->q_ids, t->drv.q);
	__atomic_store_n(&sh->dmas[below(t, POOL)], t->drv.tb.dma, __ATOMIC_RELAXED);
	return 0;
}

/*
 * An item for the tables: random bits, or an address in the table or data buffer with random
 * low bits (in the x86/Arm layout, or shifted as RISC-V's PPN), or a hole.
 */
static uint64_t drv_item(struct thread *t)
{
	uint64_t a = (chance(t, 60) ? t->drv.tb.dma : t->drv.db.dma) + below(t, 16) * SZ_4K;

	switch (below(t, 5)) {
	case 0:
		return rnd(t);
	case 1:
		return 0;
	case 2:
		return (a >> 2) | below(t, 1024);
	default:
		return a | below(t, 4096) | (chance(t, 10) ? rnd(t) & ~((1ULL << 52) - 1) : 0);
	}
}

static void op_driver(struct thread *t)
{
	volatile uint64_t *tb;
	unsigned int n, i;

	if (t->drv.fd < 0 || chance(t, 2)) {
		drv_drop(t);
		if (drv_build(t)) {
			drv_drop(t);
			return;
		}
	}
	tb = (volatile uint64_t *)t->drv.tb.cpu;
	switch (below(t, 6)) {
	case 0:
		/* Random items anywhere in the tables. */
		for (n = (unsigned int)below(t, 64) + 1, i = 0; i < n; i++)
			tb[below(t, DRV_TB / 8)] = drv_item(t);
		t->ok++;
		break;
	case 1:
		/*
		 * A chain from the first table page down through pages 1..3 to data pages, the
		 * low bits present/table/page/accessed in the x86 and Arm layouts: deep walks that
		 * translate, in the formats where that means something.
		 */
		for (i = 0; i < 3; i++)
			tb[i * 512] = (t->drv.tb.dma + (i + 1) * SZ_4K) | 0x407;
		for (i = 0; i < 16; i++)
			tb[3 * 512 + i] = (t->drv.db.dma + below(t, 16) * SZ_4K) | 0x467 |
					  (chance(t, 5) ? rnd(t) & 0xfff0000000000ff8ULL : 0);
		t->ok++;
		break;
	case 2: {
		struct swmmu_ctx_set c = {
			.size = sizeof(c),
			.flags = chance(t, 90) ? SWMMU_CTX_ENABLE | (uint32_t)below(t, 2) * 2 :
				 (uint32_t)below(t, 8),
			.as_id = t->drv.as_id,
			.format_id = chance(t, 90) ? t->drv.format_id :
				     t->sh->format_ids[below(t, t->sh->nr_formats)],
			.asid = (uint32_t)below(t, 4),
			.root = chance(t, 90) ? t->drv.tb.dma + below(t, 16) * SZ_4K : pick_root(t),
			.check = (uint32_t)below(t, 3),
		};

		if (_test_ctx_set(t->drv.fd, c) == 0)
			t->ok++;
		break;
	}
	case 3: {
		struct swmmu_inval_cmd c[4];

		for (n = (unsigned int)below(t, 4) + 1, i = 0; i < n; i++)
			fill_inval_cmd(t, &c[i], t->drv.as_id);
		if (_test_invalidate(t->drv.fd, c, n, NULL) == 0)
			t->ok++;
		break;
	}
	default: {
		struct swmmu_dma_cmd c[4];
		uint32_t done = 0;

		for (n = (unsigned int)below(t, 4) + 1, i = 0; i < n; i++) {
			fill_dma_cmd(t, &c[i]);
			/* The chain above maps VA 0..64K on the formats it suits. */
			if (chance(t, 50)) {
				c[i].src = c[i].src ? below(t, 16) * SZ_4K + below(t, 64) : 0;
				c[i].dst = c[i].dst ? below(t, 16) * SZ_4K + below(t, 64) : 0;
				if (c[i].length > SZ_4K)
					c[i].length = below(t, SZ_4K) + 1;
			}
		}
		if (_test_submit(t->drv.fd, t->drv.q, c, n, &done) == 0)
			t->ok++;
		break;
	}
	}
}

/* ---- close racing everything ------------------------------------------------------------------- */

static void op_reopen(struct thread *t)
{
	unsigned int i = (unsigned int)below(t, t->sh->nr_files);
	int nfd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	int old;

	if (nfd < 0)
		return;
	old = __atomic_exchange_n(&t->sh->fd[i], nfd, __ATOMIC_ACQ_REL);
	/*
	 * Other threads may be in a call on the old descriptor, or about to use its number: the
	 * file stays alive for the calls that hold it, the number may name the new file.
	 */
	close(old);
	t->ok++;
}

/* ---- threads ----------------------------------------------------------------------------------- */

/* An operation kind, drawn with these relative weights. */
static unsigned int pick_op(struct thread *t)
{
	static const unsigned int weight[FZ_NR_OPS] = {
		[FZ_IOCTL] = 60, [FZ_BADIOCTL] = 3, [FZ_MMAP] = 4, [FZ_MUNMAP] = 3,
		[FZ_TOUCH] = 8, [FZ_URING] = 6, [FZ_FAULTQ] = 3, [FZ_NETLINK] = 4,
		[FZ_REOPEN] = 1, [FZ_DRIVER] = 8,
	};
	unsigned int total = 0, i, r;

	for (i = 0; i < FZ_NR_OPS; i++)
		total += weight[i];
	r = (unsigned int)below(t, total);
	for (i = 0; r >= weight[i]; i++)
		r -= weight[i];
	return i;
}

static void run_op(struct thread *t, unsigned int i)
{
	t->ops[i]++;
	t->iterations++;
	switch (i) {
	case FZ_IOCTL:
		op_ioctl(t);
		break;
	case FZ_BADIOCTL:
		op_badioctl(t);
		break;
	case FZ_MMAP:
		op_mmap(t);
		break;
	case FZ_MUNMAP:
		op_munmap(t);
		break;
	case FZ_TOUCH:
		op_touch(t);
		break;
	case FZ_URING:
		op_uring(t);
		break;
	case FZ_FAULTQ:
		op_faultq(t);
		break;
	case FZ_NETLINK:
		op_netlink(t);
		break;
	case FZ_DRIVER:
		op_driver(t);
		break;
	default:
		op_reopen(t);
		break;
	}
}

/* ---- coverage (KCOV) and the guided mode ------------------------------------------------------ */

/*
 * KCOV_TRACE_PC records the PC of every basic block of instrumented code the thread runs: with
 * KCOV_INSTRUMENT_ALL off, the module only (kmod/Kbuild instruments it in the debug lane).
 */
#define KCOV_PATH	"/sys/kernel/debug/kcov"
#define KCOV_WORDS	(1UL << 18)	/* trace entries per thread; more are dropped */

/* A set of 64-bit values (PCs, edge hashes): open addressing, 0 means empty. */
struct cov_set {
	unsigned int bits;
	uint64_t count;
	uint64_t slot[];
};

static pthread_mutex_t cov_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cov_set *cov_new(unsigned int bits)
{
	struct cov_set *c = calloc(1, sizeof(*c) + (sizeof(uint64_t) << bits));

	if (c)
		c->bits = bits;
	return c;
}

/* Add @v (non-zero); true if it is new. A full set takes nothing more. */
static bool cov_add(struct cov_set *c, uint64_t v)
{
	uint64_t mask = (1ULL << c->bits) - 1, i = (v * 0x9e3779b97f4a7c15ULL) >> (64 - c->bits);

	if (c->count >= mask)
		return false;
	for (;; i = (i + 1) & mask) {
		if (c->slot[i] == v)
			return false;
		if (!c->slot[i]) {
			c->slot[i] = v;
			c->count++;
			return true;
		}
	}
}

bool fuzz_kcov_available(void)
{
	int fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* KCOV for the calling thread; 0 or -1. */
static int kcov_start(struct thread *t)
{
	void *p;

	t->kcov_fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (t->kcov_fd < 0)
		return -1;
	if (ioctl(t->kcov_fd, KCOV_INIT_TRACE, KCOV_WORDS))
		goto fail;
	p = mmap(NULL, KCOV_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED,
		 t->kcov_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	t->kcov = p;
	if (ioctl(t->kcov_fd, KCOV_ENABLE, KCOV_TRACE_PC)) {
		munmap(p, KCOV_WORDS * sizeof(uint64_t));
		t->kcov = NULL;
		goto fail;
	}
	__atomic_store_n(&t->kcov[0], 0, __ATOMIC_RELAXED);
	return 0;
fail:
	close(t->kcov_fd);
	t->kcov_fd = -1;
	return -1;
}

static void kcov_stop(struct thread *t)
{
	if (t->kcov_fd < 0)
		return;
	ioctl(t->kcov_fd, KCOV_DISABLE, 0);
	munmap(t->kcov, KCOV_WORDS * sizeof(uint64_t));
	close(t->kcov_fd);
	t->kcov_fd = -1;
	t->kcov = NULL;
}

/*
 * Move what the thread's trace holds into the run's sets and empty it; returns the number of
 * new edges. An edge is a pair of successive PCs of the trace (hashed).
 */
static unsigned int kcov_collect(struct thread *t)
{
	uint64_t n = __atomic_load_n(&t->kcov[0], __ATOMIC_RELAXED), i, prev = 0;
	unsigned int fresh = 0;

	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;
	pthread_mutex_lock(&cov_lock);
	for (i = 1; i <= n; i++) {
		uint64_t pc = t->kcov[i];

		cov_add(t->sh->pcs, pc);
		fresh += cov_add(t->sh->edges, ((prev * 0xbf58476d1ce4e5b9ULL) ^ pc) | 1);
		prev = pc;
	}
	pthread_mutex_unlock(&cov_lock);
	__atomic_store_n(&t->kcov[0], 0, __ATOMIC_RELAXED);
	return fresh;
}

int fuzz_input_read(const char *path, struct fuzz_input *in)
{
	FILE *f = fopen(path, "re");
	char line[128], name[32];
	unsigned long long seed;
	unsigned int i;
	int ret = -1;

	if (!f)
		return -1;
	memset(in, 0, sizeof(*in));
	if (!fgets(line, sizeof(line), f) || strcmp(line, "swmmu-fuzz input 1\n"))
		goto out;
	while (fgets(line, sizeof(line), f)) {
		if (in->nr == FUZZ_INPUT_OPS || sscanf(line, "%31s %llx", name, &seed) != 2)
			goto out;
		for (i = 0; i < FZ_NR_OPS && strcmp(name, fuzz_op_names[i]); i++)
			;
		if (i == FZ_NR_OPS)
			goto out;
		in->ops[in->nr].op = (uint8_t)i;
		in->ops[in->nr++].seed = seed;
	}
	ret = in->nr ? 0 : -1;
out:
	fclose(f);
	return ret;
}

int fuzz_input_write(const char *path, const struct fuzz_input *in)
{
	FILE *f = fopen(path, "we");
	unsigned int i;

	if (!f)
		return -1;
	fprintf(f, "swmmu-fuzz input 1\n");
	for (i = 0; i < in->nr; i++)
		fprintf(f, "%s %#018llx\n", fuzz_op_names[in->ops[i].op],
			(unsigned long long)in->ops[i].seed);
	return fclose(f) ? -1 : 0;
}

/* FNV-1a of the input: the name of its file in the corpus directory. */
static uint64_t input_hash(const struct fuzz_input *in)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int i, j;

	for (i = 0; i < in->nr; i++) {
		uint64_t v = in->ops[i].seed ^ ((uint64_t)in->ops[i].op << 56);

		for (j = 0; j < 8; j++)
			h = (h ^ ((v >> (8 * j)) & 0xff)) * 0x100000001b3ULL;
	}
	return h;
}

#define MAX_CORPUS	4096

/* Keep @in in the corpus (and its directory). Called under cov_lock. */
static void corpus_add(struct shared *sh, const struct fuzz_input *in, bool fresh)
{
	char path[4096];

	if (sh->nr_corpus == MAX_CORPUS)
		return;
	sh->corpus[sh->nr_corpus++] = *in;
	if (!fresh)
		return;
	sh->corpus_new++;
	if (sh->corpus_dir) {
		snprintf(path, sizeof(path), "%s/%016llx", sh->corpus_dir,
			 (unsigned long long)input_hash(in));
		fuzz_input_write(path, in);
	}
}

static int corpus_load(struct shared *sh, const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	struct fuzz_input in;
	char path[4096];

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!fuzz_input_read(path, &in))
			corpus_add(sh, &in, false);
	}
	closedir(d);
	return 0;
}

static void random_op(struct thread *t, struct fuzz_input *in, unsigned int k)
{
	in->ops[k].op = (uint8_t)pick_op(t);
	in->ops[k].seed = rnd(t);
}

/* A new input, or a mutation of one of the corpus (or of two: a splice). */
static void make_input(struct thread *t, struct fuzz_input *in)
{
	struct shared *sh = t->sh;
	struct fuzz_input other;
	unsigned int k, n, m;

	pthread_mutex_lock(&cov_lock);
	n = sh->nr_corpus;
	if (n && chance(t, 50)) {
		*in = sh->corpus[below(t, n)];
		other = sh->corpus[below(t, n)];
	} else {
		n = 0;
	}
	pthread_mutex_unlock(&cov_lock);
	if (!n) {
		in->nr = (unsigned int)below(t, 16) + 1;
		for (k = 0; k < in->nr; k++)
			random_op(t, in, k);
		return;
	}
	/* One to three mutations. */
	for (m = (unsigned int)below(t, 3) + 1; m; m--) {
		k = (unsigned int)below(t, in->nr);
		switch (below(t, 6)) {
		case 0:		/* the same operation, drawn again */
			in->ops[k].seed = rnd(t);
			break;
		case 1:		/* the same operation, a nearby draw (one bit of the seed) */
			in->ops[k].seed ^= 1ULL << below(t, 64);
			break;
		case 2:		/* another operation in its place */
			random_op(t, in, k);
			break;
		case 3:		/* a new operation inserted */
			if (in->nr == FUZZ_INPUT_OPS)
				break;
			memmove(&in->ops[k + 1], &in->ops[k], (in->nr - k) * sizeof(in->ops[0]));
			in->nr++;
			random_op(t, in, k);
			break;
		case 4:		/* one removed */
			if (in->nr == 1)
				break;
			memmove(&in->ops[k], &in->ops[k + 1], (in->nr - k - 1) * sizeof(in->ops[0]));
			in->nr--;
			break;
		default:	/* the first k + 1 of this one, then the rest of another */
			n = (unsigned int)below(t, other.nr);
			while (k + 1 < FUZZ_INPUT_OPS && n < other.nr)
				in->ops[++k] = other.ops[n++];
			in->nr = k + 1;
			break;
		}
	}
}

static void run_input(struct thread *t, const struct fuzz_input *in)
{
	uint64_t keep = t->rng;
	unsigned int k;

	for (k = 0; k < in->nr && !__atomic_load_n(&t->sh->stop, __ATOMIC_RELAXED); k++) {
		/* xorshift must not start from 0. */
		t->rng = in->ops[k].seed * 0x9e3779b97f4a7c15ULL | 1;
		run_op(t, in->ops[k].op);
	}
	t->rng = keep;
}

static void *fuzz_thread(void *arg)
{
	struct thread *t = arg;
	struct fuzz_input in;
	bool cov = t->sh->pcs;

	if (cov && kcov_start(t)) {
		__atomic_store_n(&t->sh->kcov_failed, true, __ATOMIC_RELAXED);
		return NULL;
	}
	if (t->sh->corpus) {
		/* The corpus's own inputs first (thread 0), to have their coverage as a base. */
		unsigned int i;

		for (i = 0; !t->index; i++) {
			pthread_mutex_lock(&cov_lock);
			if (i < t->sh->nr_corpus)
				in = t->sh->corpus[i];
			pthread_mutex_unlock(&cov_lock);
			if (i >= t->sh->nr_corpus_start)
				break;
			run_input(t, &in);
			kcov_collect(t);
		}
		while (!__atomic_load_n(&t->sh->stop, __ATOMIC_RELAXED)) {
			make_input(t, &in);
			run_input(t, &in);
			if (kcov_collect(t)) {
				pthread_mutex_lock(&cov_lock);
				corpus_add(t->sh, &in, true);
				pthread_mutex_unlock(&cov_lock);
			}
			__atomic_fetch_add(&t->sh->inputs, 1, __ATOMIC_RELAXED);
		}
	} else {
		while (!__atomic_load_n(&t->sh->stop, __ATOMIC_RELAXED)) {
			run_op(t, pick_op(t));
			if (cov)
				kcov_collect(t);
		}
	}
	kcov_stop(t);
	return NULL;
}

/* Lower the per-file buffer limit for the run, so that a few files cannot exhaust the VM. */
#define MAX_BUF_PARAM	"/sys/module/swmmu/parameters/max_buf_bytes"

static int param_rw(const char *path, char *buf, size_t len, const char *val)
{
	int fd = open(path, val ? O_WRONLY : O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	if (val) {
		r = write(fd, val, strlen(val));
	} else {
		r = read(fd, buf, len - 1);
		if (r >= 0)
			buf[r] = 0;
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

int fuzz_del_names(void)
{
	struct nlt n;
	char name[8];
	unsigned int i, tries;

	if (nlt_open(&n))
		return -1;
	for (i = 0; i < NL_NAMES; i++) {
		snprintf(name, sizeof(name), "fz%u", i);
		/* EBUSY while a file that attached is still being released. */
		for (tries = 0; tries < 100 && nlt_as_del(&n, name) == -EBUSY; tries++)
			usleep(50000);
	}
	nlt_close(&n);
	return 0;
}

void fuzz_check_counters(struct fuzz_result *res)
{
	struct swmmu_counters c = { 0 };
	unsigned int i;

	/* io_uring drops its file references from a workqueue: give it a moment. */
	for (i = 0; i < 100; i++) {
		if (swmmu_read_counters(&c) == 0 && swmmu_counters_zero(&c))
			break;
		usleep(100000);
	}
	res->counters_zero = swmmu_read_counters(&c) == 0 && swmmu_counters_zero(&c);
	snprintf(res->leftover, sizeof(res->leftover),
		 "files %ld as %ld bufs %ld (%ld B) tables %ld mappings %ld vmas %ld queues %ld "
		 "jobs %ld fault queues %ld", c.files, c.address_spaces, c.buffers, c.buffer_bytes,
		 c.tables, c.mappings, c.vmas, c.queues, c.dma_jobs, c.fault_queues);
}

/* cfg->die_at_end: leave a named address space behind and die the way a bug would. */
static void die_holding_names(void)
{
	struct nlt n;

	if (nlt_open(&n) == 0) {
		nlt_set_timeout(&n, NL_TIMEOUT_S);
		nlt_as_new(&n, "fz0", "x86_64");
	}
	raise(SIGSEGV);
}

/* A thread's scratch buffer, with GUARD bytes of PROT_NONE right behind it (fence_uptr()). */
static uint8_t *scratch_alloc(void)
{
	void *p = mmap(NULL, SCRATCH + GUARD, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mmap(p, SCRATCH, PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0) == MAP_FAILED) {
		munmap(p, SCRATCH + GUARD);
		return NULL;
	}
	return p;
}

int fuzz_run(const struct fuzz_config *cfg, struct fuzz_result *res)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	struct thread *th = calloc(cfg->threads, sizeof(*th));
	pthread_t *tid = calloc(cfg->threads, sizeof(*tid));
	struct swmmu_format_info *fi;
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	char saved[32] = "";
	unsigned int i, j, nr;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!sh || !th || !tid || cfg->files < 1 || cfg->threads < 1)
		goto out;
	sh->nr_files = cfg->files > MAX_FILES ? MAX_FILES : cfg->files;
	sh->netlink = cfg->netlink;
	for (i = 0; i < sh->nr_files; i++) {
		sh->fd[i] = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
		if (sh->fd[i] < 0)
			goto out_files;
	}
	fi = swmmu_get_formats(sh->fd[0], &nr);
	if (!fi)
		goto out_files;
	for (i = 0; i < nr && i < 64; i++)
		sh->format_ids[i] = fi[i].format_id;
	sh->nr_formats = i;
	free(fi);
	if (!param_rw(MAX_BUF_PARAM, saved, sizeof(saved), NULL))
		param_rw(MAX_BUF_PARAM, NULL, 0, "33554432");
	if (sh->netlink && fuzz_del_names())
		sh->netlink = false;
	if (cfg->coverage || cfg->guided) {
		/* Far more than the module's PCs; edges a few times that. */
		sh->pcs = cov_new(18);
		sh->edges = cov_new(21);
		if (!sh->pcs || !sh->edges)
			goto out_files;
	}
	if (cfg->guided) {
		sh->corpus = calloc(MAX_CORPUS, sizeof(*sh->corpus));
		if (!sh->corpus)
			goto out_files;
		sh->corpus_dir = cfg->corpus_dir;
		if (sh->corpus_dir)
			corpus_load(sh, sh->corpus_dir);
		sh->nr_corpus_start = sh->nr_corpus;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	for (i = 0; i < cfg->threads; i++) {
		struct thread *t = &th[i];

		t->sh = sh;
		t->index = i;
		t->fq = -1;
		t->kcov_fd = -1;
		t->drv.fd = -1;
		t->drv.tb.efd = t->drv.db.efd = -1;
		for (j = 0; j < MAX_EXPORTS; j++)
			t->efd[j] = -1;
		t->rng = (cfg->seed + 1) * 0x9e3779b97f4a7c15ULL ^ (i + 1) * 0xbf58476d1ce4e5b9ULL;
		t->scratch = scratch_alloc();
		if (!t->scratch)
			goto out_threads;
		t->ring_up = !io_uring_queue_init(32, &t->ring, IORING_SETUP_SQE128 |
						  IORING_SETUP_CQE32);
		if (sh->netlink && nlt_open(&t->nl) == 0) {
			t->nl_up = true;
			nlt_set_timeout(&t->nl, NL_TIMEOUT_S);
		}
	}
	for (i = 0; i < cfg->threads; i++)
		if (pthread_create(&tid[i], NULL, fuzz_thread, &th[i]))
			break;
	sleep(cfg->seconds);
	if (cfg->die_at_end)
		die_holding_names();
	__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
	for (j = 0; j < i; j++)
		pthread_join(tid[j], NULL);
	ret = sh->kcov_failed ? -1 : 0;
	if (sh->pcs) {
		res->pcs = sh->pcs->count;
		res->edges = sh->edges->count;
	}
	res->inputs = sh->inputs;
	res->corpus = sh->nr_corpus;
	res->corpus_new = sh->corpus_new;

out_threads:
	for (i = 0; i < cfg->threads; i++) {
		struct thread *t = &th[i];

		for (j = 0; j < MAX_MAPS; j++)
			if (t->maps[j].addr)
				munmap(t->maps[j].addr, t->maps[j].len);
		if (t->fq >= 0)
			close(t->fq);
		for (j = 0; j < MAX_EXPORTS; j++)
			if (t->efd[j] >= 0)
				close(t->efd[j]);
		drv_drop(t);
		if (t->ring_up)
			io_uring_queue_exit(&t->ring);
		if (t->nl_up)
			nlt_close(&t->nl);
		if (t->scratch)
			munmap(t->scratch, SCRATCH + GUARD);
		res->iterations += t->iterations;
		res->ok += t->ok;
		res->signals += t->signals;
		for (j = 0; j < FZ_NR_OPS; j++)
			res->ops[j] += t->ops[j];
	}
out_files:
	for (i = 0; i < sh->nr_files; i++)
		if (sh->fd[i] > 0)
			close(sh->fd[i]);
	if (sh->netlink)
		fuzz_del_names();
	if (saved[0])
		param_rw(MAX_BUF_PARAM, NULL, 0, saved);
	fuzz_check_counters(res);
out:
	if (sh) {
		free(sh->pcs);
		free(sh->edges);
		free(sh->corpus);
	}
	free(sh);
	free(th);
	free(tid);
	return ret;
}

int fuzz_run_isolated(const struct fuzz_config *cfg, struct fuzz_result *res)
{
	struct fuzz_result *shared;
	char saved[32] = "";
	unsigned int ticks;
	pid_t parent = getpid(), pid;
	int status = 0;

	memset(res, 0, sizeof(*res));
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	param_rw(MAX_BUF_PARAM, saved, sizeof(saved), NULL);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* If the parent is killed (a harness timeout), the fuzzer goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(3);
		_exit(fuzz_run(cfg, shared) ? 2 : 0);
	}
	if (pid < 0) {
		munmap(shared, sizeof(*shared));
		return -1;
	}
	/* The run, the fuzzer's own cleanup (some seconds), and a margin; then it is killed. */
	for (ticks = 0; waitpid(pid, &status, WNOHANG) == 0; ticks++) {
		if (ticks == (cfg->seconds + FUZZ_GRACE_SECONDS) * 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			res->timed_out = true;
			break;
		}
		usleep(100000);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		*res = *shared;
	else if (WIFSIGNALED(status) && !res->timed_out)
		res->signal = WTERMSIG(status);
	munmap(shared, sizeof(*shared));
	/* Whatever happened to it, undo what it may have left behind. */
	if (cfg->netlink)
		fuzz_del_names();
	if (saved[0])
		param_rw(MAX_BUF_PARAM, NULL, 0, saved);
	fuzz_check_counters(res);
	return WIFEXITED(status) && WEXITSTATUS(status) == 2 ? -1 : 0;
}
