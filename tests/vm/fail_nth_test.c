// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail-nth sweeps, as iommufd's fail_nth selftest does them: for every ioctl of linux/swmmu.h,
 * the io_uring passthrough commands and every command of the "swmmu" generic netlink family,
 * write n to /proc/self/task/<tid>/fail-nth, make the call, and repeat with n + 1 until the call
 * no longer reaches the n-th fault-injection point. The n-th failslab / fail_page_alloc /
 * fail_usercopy check of this task fails (fail-nth is per task; other tasks are not affected):
 * an allocation, or a copy_from_user()/copy_to_user() (FAULT_INJECTION_USERCOPY; get_user() and
 * put_user() are not injection points on x86).
 *
 * Every call that hit an injected failure must either return the result of an undisturbed call
 * (a fallback absorbed the failure, e.g. kmemleak's metadata pool; read-only commands must then
 * return the same data) or fail with an allocation errno (EFAULT for a user copy) and leave
 * everything as it was: the
 * module's live counters (debugfs), STATS and DUMP of every address space, what CTX_SET
 * programmed into every driver-managed context (CTX_INFO), BUF_INFO of every buffer, and for
 * netlink STATS_GET and REGION_GET of the named address space. Driver-managed contexts are swept
 * over a table written by hand: AS_ALLOC(DRIVER_TABLES), BUF_EXPORT, CTX_SET, CTX_INFO,
 * INVALIDATE (ioctl and io_uring) and DMA through the device's own walk. A SWMMU_MAP_BATCH
 * that fails after k operations must leave exactly what an undisturbed batch of its first k
 * operations leaves (compared in the canonical form). After each call the file is closed and
 * every counter must be back to zero. A splat anywhere fails the VM run
 * (panic_on_warn, KASAN panics, kmemleak scan at the end of the suite).
 *
 * Needs CONFIG_FAULT_INJECTION (fail-nth) with FAILSLAB, FAIL_PAGE_ALLOC and their debugfs knobs:
 * the debug kernel of `make check-debug`. Debian's kernel has none of them: every sweep SKIPs.
 * FAULT_INJECTION_USERCOPY is optional (without it, allocations only). Prints "# CMD: N
 * injection points (U user copies, A absorbed)" per command.
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"
#include "swmmu_drv.h"
#include "swmmu_nl.h"

#define MAX_POINTS	4000
#define NL_AS		"fnth-as"
#define NL_FMT		"fnth-fmt"
#define FS_DIR		"/sys/kernel/debug/failslab/"
#define FPA_DIR		"/sys/kernel/debug/fail_page_alloc/"
#define FUC_DIR		"/sys/kernel/debug/fail_usercopy/"
#define NR_AS		3
#define NR_BUF		3
#define NR_REGIONS	160
#define VA_HI		0x40000000ULL	/* 1 GiB: needs fresh tables in x86_64 */

/* ---- fail-nth and the fault-injection knobs ------------------------------------------------ */

static int fnth_fd = -1;

static int fnth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	fnth_fd = open(path, O_RDWR | O_CLOEXEC);
	return fnth_fd;
}

static int fnth_set(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	return pwrite(fnth_fd, b, len, 0) == len ? 0 : -1;
}

/*
 * With usercopy injection, reading and writing the fail-nth file are injection points of their
 * own: the copy_to_user() of the read consumes one of what is left, and fails when it is the
 * last one (EFAULT). The number was taken before, so a failed read means that one was left.
 */
static long fnth_get(void)
{
	char b[16] = "";
	ssize_t r = pread(fnth_fd, b, sizeof(b) - 1, 0);

	if (r < 0 && errno == EFAULT)
		return 1;
	if (r <= 0)
		return -1;
	b[r] = 0;
	return strtol(b, NULL, 10);
}

/* The same for the write of 0: if its copy_from_user() took the last point, 0 is left anyway. */
static int fnth_clear(void)
{
	return fnth_set(0) && (errno != EFAULT || fnth_set(0)) ? -1 : 0;
}

/* A debugfs knob and its value before the test, restored in teardown. */
struct knob {
	const char *path;
	const char *value;
	bool optional;		/* fail_usercopy: kernels without FAULT_INJECTION_USERCOPY */
	char saved[32];
	bool set;
};

/*
 * fail_usercopy's "times" counts down at each failure it injects (fail-nth ones included), and
 * probability 0 keeps it from doing anything else: its drop over a call tells whether the
 * injected failure was a copy_from_user()/copy_to_user() one. The start value only has to
 * outlast the run.
 */
#define FUC_TIMES	FUC_DIR "times"
#define FUC_START	"1000000000"
static bool usercopy_on;

static struct knob knobs[] = {
	/* GFP_KERNEL allocations are exempt from injection by default: include them. */
	{ .path = FS_DIR "ignore-gfp-wait", .value = "N" },
	{ .path = FPA_DIR "ignore-gfp-wait", .value = "N" },
	/* Single pages too (the default spares order 0). */
	{ .path = FPA_DIR "min-order", .value = "0" },
	/* No "FAULT_INJECTION: forcing a failure" and stack dump per injection. */
	{ .path = FS_DIR "verbose", .value = "0" },
	{ .path = FPA_DIR "verbose", .value = "0" },
	/*
	 * Probability stays 0, so only fail-nth injects; the task filter makes sure that even a
	 * probability set by someone else would only hit tasks that ask for it (make-it-fail).
	 */
	{ .path = FS_DIR "task-filter", .value = "Y" },
	{ .path = FPA_DIR "task-filter", .value = "Y" },
	{ .path = FUC_DIR "verbose", .value = "0", .optional = true },
	{ .path = FUC_DIR "task-filter", .value = "Y", .optional = true },
	{ .path = FUC_TIMES, .value = FUC_START, .optional = true },
};

static int knob_rw(const char *path, char *buf, size_t len, const char *val)
{
	int fd = open(path, val ? O_WRONLY : O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	if (val) {
		r = write(fd, val, strlen(val));
	} else {
		r = read(fd, buf, len - 1);
		if (r >= 0) {
			buf[r] = 0;
			buf[strcspn(buf, "\n")] = 0;
		}
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

static int knobs_set(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		if (knobs[i].optional && access(knobs[i].path, W_OK))
			continue;
		if (knob_rw(knobs[i].path, knobs[i].saved, sizeof(knobs[i].saved), NULL))
			return -1;
		if (knob_rw(knobs[i].path, NULL, 0, knobs[i].value))
			return -1;
		knobs[i].set = true;
	}
	return 0;
}

/* fail_usercopy's failures so far (counting down), or 0 without usercopy injection. */
static long usercopy_times(void)
{
	char v[32] = "";

	if (!usercopy_on || knob_rw(FUC_TIMES, v, sizeof(v), NULL))
		return 0;
	return strtol(v, NULL, 10);
}

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knobs[i].set)
			knob_rw(knobs[i].path, NULL, 0, knobs[i].saved);
}

/* ---- the objects a command works on ------------------------------------------------------- */

struct ctx {
	int fd;
	struct swmmu_format_info fi;
	uint32_t as[NR_AS];
	unsigned int nr_as;
	uint32_t buf[NR_BUF];
	unsigned int nr_buf;
	uint32_t q;
	int out_fd;		/* a descriptor the call created */
	uint32_t out_id;	/* an object the call created */
	struct io_uring ring;
	bool ring_up;
	struct nlt nl;
	bool nl_up;
	/* Reference output of a read-only command, to compare with a call that absorbed a fault. */
	void *ref;
	size_t ref_len;
	void *out;
	/* A batch (F_PARTIAL): how many of its operations to run (0: all), how many completed. */
	uint32_t limit;
	uint32_t done;
	/* A driver-managed context's table buffer, exported and mapped (setup_drv_tables()). */
	struct swmmu_dbuf tb;
	uint8_t data[16 * 4096];
};

/* What CTX_SET programmed into a driver-managed context (CTX_INFO), not its counters. */
struct ctx_state {
	int rc;
	uint32_t flags, format_id, va_bits, asid, check;
	uint64_t root;
};

struct as_state {
	int rc;
	struct ctx_state ctx;
	struct swmmu_as_stats st;
	uint32_t nr;
	struct swmmu_dump_region r[NR_REGIONS];
};

struct buf_state {
	int rc;
	uint64_t length;
	uint32_t nr_segs;
};

struct nl_state {
	int rc;
	uint64_t mappings, mapped, tables;
	unsigned int regions;
	uint64_t region_bytes;
};

struct state {
	struct swmmu_counters cnt;
	struct as_state as[NR_AS];
	struct buf_state buf[NR_BUF];
	struct nl_state nl;
};

static char fmt_text[SWMMU_NL_FORMAT_TEXT_LEN];

static void nl_region_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct nl_state *s = arg;
	const struct nlattr *r = nlt_find(attrs, len, SWMMU_A_REGION), *l;

	if (!r)
		return;
	s->regions++;
	l = nlt_find((const struct nlattr *)((const char *)r + NLA_HDRLEN),
		     r->nla_len - NLA_HDRLEN, SWMMU_A_LENGTH);
	if (l)
		s->region_bytes += nlt_get_u64(l);
}

static void nl_snapshot(struct ctx *c, struct nl_state *s)
{
	struct nlt_msg m;
	const struct nlattr *st, *a;

	memset(s, 0, sizeof(*s));
	if (!c->nl_up)
		return;
	nlt_start(&c->nl, &m, SWMMU_NL_CMD_STATS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	s->rc = nlt_request(&c->nl, &m, NULL, NULL);
	st = nlt_attr(&c->nl, SWMMU_A_STATS);
	if (!s->rc && st) {
		const struct nlattr *in = (const struct nlattr *)((const char *)st + NLA_HDRLEN);
		int len = st->nla_len - NLA_HDRLEN;

		a = nlt_find(in, len, SWMMU_A_STATS_MAPPINGS);
		s->mappings = a ? nlt_get_u64(a) : ~0ULL;
		a = nlt_find(in, len, SWMMU_A_STATS_MAPPED_BYTES);
		s->mapped = a ? nlt_get_u64(a) : ~0ULL;
		a = nlt_find(in, len, SWMMU_A_STATS_TABLES);
		s->tables = a ? nlt_get_u64(a) : ~0ULL;
	}
	nlt_start(&c->nl, &m, SWMMU_NL_CMD_REGION_GET, NLM_F_DUMP);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	if (nlt_request(&c->nl, &m, nl_region_cb, s))
		s->regions = ~0U;
}

static void snapshot(struct ctx *c, struct state *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	swmmu_read_counters(&s->cnt);
	for (i = 0; i < c->nr_as; i++) {
		struct as_state *a = &s->as[i];

		a->rc = _test_stats(c->fd, c->as[i], &a->st) ? errno : 0;
		/* Counters of events, not state. */
		a->st.out_invalidations = 0;
		a->st.out_cpu_faults = 0;
		a->st.out_cpu_pmd_faults = 0;
		a->nr = NR_REGIONS;
		if (_test_dump(c->fd, c->as[i], 0, 0, a->r, &a->nr))
			a->nr = ~0U;
		{
			struct swmmu_ctx_info ci;

			a->ctx.rc = _test_ctx_info(c->fd, c->as[i], &ci) ? errno : 0;
			a->ctx.flags = ci.out_flags;
			a->ctx.format_id = ci.out_format_id;
			a->ctx.va_bits = ci.out_va_bits;
			a->ctx.asid = ci.out_asid;
			a->ctx.check = ci.out_check;
			/*
			 * The root is a DMA address of this setup's table buffer: another setup
			 * gets another buffer, so compare its offset in the buffer.
			 */
			a->ctx.root = ci.out_root && c->tb.dma ? ci.out_root - c->tb.dma :
				      ci.out_root;
		}
	}
	for (i = 0; i < c->nr_buf; i++) {
		struct swmmu_buf_info bi = { .size = sizeof(bi), .buf_id = c->buf[i] };

		s->buf[i].rc = ioctl(c->fd, SWMMU_BUF_INFO, &bi) && errno != EMSGSIZE ? errno : 0;
		s->buf[i].length = bi.out_length;
		s->buf[i].nr_segs = bi.nr_segs;
	}
	nl_snapshot(c, &s->nl);
}

/* ---- setup helpers (no injection armed) ---------------------------------------------------- */

static int add_as(struct ctx *c)
{
	if (_test_as_alloc(c->fd, c->fi.format_id, 0, &c->as[c->nr_as], NULL))
		return -1;
	c->nr_as++;
	return 0;
}

static int add_buf(struct ctx *c, uint64_t len, uint32_t flags)
{
	if (_test_buf_alloc(c->fd, len, flags, &c->buf[c->nr_buf]))
		return -1;
	c->nr_buf++;
	return 0;
}

static int map_fixed(struct ctx *c, uint32_t as, uint32_t buf, uint64_t off, uint64_t len,
		     uint64_t iova)
{
	return _test_map(c->fd, as, buf, off, len, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova);
}

/*
 * A driver-managed context (as[0], not enabled) over an x86-64 4-level table written by hand
 * (Intel SDM vol. 3A 4.5) into an exported contiguous buffer (buf[0]): PML4E, PDPTE, PDE and 16
 * PTEs mapping VA 0..64K to a second contiguous buffer (buf[1]).
 */
static int setup_drv_tables(struct ctx *c)
{
	uint64_t *t, data;
	unsigned int i;

	if (_test_drv_as_alloc(c->fd, c->fi.format_id, 0, &c->as[0], NULL))
		return -1;
	c->nr_as = 1;
	if (swmmu_dbuf_new(c->fd, SZ_64K, &c->tb))
		return -1;
	c->buf[c->nr_buf++] = c->tb.id;
	if (add_buf(c, SZ_64K, SWMMU_BUF_CONTIG))
		return -1;
	data = swmmu_buf_dma(c->fd, c->buf[1], 0);
	t = (uint64_t *)c->tb.cpu;
	t[0] = (c->tb.dma + SZ_4K) | 0x7;
	t[512] = (c->tb.dma + 2 * SZ_4K) | 0x7;
	t[1024] = (c->tb.dma + 3 * SZ_4K) | 0x7;
	for (i = 0; i < 16; i++)
		t[1536 + i] = (data + i * SZ_4K) | 0x3;
	return 0;
}

static int drv_enable(struct ctx *c)
{
	return _test_ctx_set(c->fd, swmmu_ctx(c->as[0], SWMMU_CTX_ENABLE, c->fi.format_id,
					      c->tb.dma, 1, SWMMU_CHECK_REPORT));
}

/* The same, enabled, with a queue on it. */
static int setup_drv(struct ctx *c)
{
	if (setup_drv_tables(c) || drv_enable(c))
		return -1;
	return _test_queue_alloc(c->fd, c->as[0], &c->q);
}

/* The same, with the TLB and walk cache filled by a DMA command. */
static int setup_drv_warm(struct ctx *c)
{
	struct swmmu_dma_cmd cmd = swmmu_cmd_crc32(0, 16 * SZ_4K);
	uint32_t done = 0;

	if (setup_drv(c) || _test_submit(c->fd, c->q, &cmd, 1, &done))
		return -1;
	return done == 1 ? 0 : -1;
}

static int setup_drv_ring(struct ctx *c)
{
	if (setup_drv_warm(c))
		return -1;
	if (io_uring_queue_init(8, &c->ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
		return -1;
	c->ring_up = true;
	return 0;
}

/* An address space, a 16-page buffer, its first half mapped at VA 0. */
static int setup_base(struct ctx *c)
{
	if (add_as(c) || add_buf(c, 16 * SZ_4K, 0))
		return -1;
	return map_fixed(c, c->as[0], c->buf[0], 0, 8 * SZ_4K, 0);
}

static int setup_queue(struct ctx *c)
{
	if (setup_base(c))
		return -1;
	return _test_queue_alloc(c->fd, c->as[0], &c->q);
}

static int setup_ring(struct ctx *c)
{
	if (setup_queue(c))
		return -1;
	if (io_uring_queue_init(8, &c->ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
		return -1;
	c->ring_up = true;
	return 0;
}

static int setup_nl(struct ctx *c)
{
	if (nlt_open(&c->nl))
		return -1;
	c->nl_up = true;
	/* A request that goes wrong must not hang the sweep. */
	return nlt_set_timeout(&c->nl, 5);
}

static int setup_named(struct ctx *c)
{
	if (setup_nl(c) || nlt_as_new(&c->nl, NL_AS, "x86_64"))
		return -1;
	return nlt_map(&c->nl, NL_AS, 0, 8 * SZ_4K, PROT_RW);
}

/*
 * The named address space with another file (out_fd) attached and a buffer of its own mapped
 * in it: ATTACH then joins an address space that is in use.
 */
static int setup_named_attached(struct ctx *c)
{
	struct swmmu_attach a = { .size = sizeof(a) };
	uint64_t iova = 16 * SZ_4K;
	uint32_t buf;

	if (setup_named(c))
		return -1;
	c->out_fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	if (c->out_fd < 0)
		return -1;
	snprintf(a.name, sizeof(a.name), "%s", NL_AS);
	if (ioctl(c->out_fd, SWMMU_ATTACH, &a) || _test_buf_alloc(c->out_fd, 4 * SZ_4K, 0, &buf))
		return -1;
	return _test_map(c->out_fd, a.out_as_id, buf, 0, 4 * SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW,
			 0, &iova);
}

/* ---- the calls under test: 0 or a positive errno ------------------------------------------ */

static int rc_errno(int rc)
{
	return rc ? errno : 0;
}

static int call_get_info(struct ctx *c)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };

	memset(c->out, 0xa5, c->ref_len);
	gi.nr_formats = c->ref_len / sizeof(struct swmmu_format_info);
	gi.formats_uptr = (uintptr_t)c->out;
	return rc_errno(ioctl(c->fd, SWMMU_GET_INFO, &gi));
}

static int call_as_alloc(struct ctx *c)
{
	return rc_errno(_test_as_alloc(c->fd, c->fi.format_id, 0, &c->out_id, NULL));
}

/* A format whose VA size can be reduced: AS_ALLOC derives a format of its own. */
static struct swmmu_format_info small_fi;

static int call_as_alloc_va_bits(struct ctx *c)
{
	return rc_errno(_test_as_alloc(c->fd, small_fi.format_id, small_fi.min_va_bits,
				       &c->out_id, NULL));
}

static int call_buf_alloc(struct ctx *c)
{
	return rc_errno(_test_buf_alloc(c->fd, 4 * SZ_4K, 0, &c->out_id));
}

static int call_buf_alloc_contig(struct ctx *c)
{
	return rc_errno(_test_buf_alloc(c->fd, 4 * SZ_4K, SWMMU_BUF_CONTIG, &c->out_id));
}

static int call_buf_info(struct ctx *c)
{
	struct swmmu_buf_info bi = { .size = sizeof(bi), .buf_id = c->buf[0], .nr_segs = 16,
				     .segs_uptr = (uintptr_t)c->data };

	return rc_errno(ioctl(c->fd, SWMMU_BUF_INFO, &bi));
}

static int call_map(struct ctx *c)
{
	/* The second half of the buffer at 1 GiB: new tables below the root. */
	return rc_errno(map_fixed(c, c->as[0], c->buf[0], 8 * SZ_4K, 8 * SZ_4K, VA_HI));
}

static int call_map_any(struct ctx *c)
{
	uint64_t iova = 0;

	return rc_errno(_test_map(c->fd, c->as[0], c->buf[0], 8 * SZ_4K, 8 * SZ_4K, 0, PROT_RW,
				  0, &iova));
}

static int setup_two_maps(struct ctx *c)
{
	if (setup_base(c))
		return -1;
	return map_fixed(c, c->as[0], c->buf[0], 8 * SZ_4K, 4 * SZ_4K, VA_HI);
}

static int call_unmap(struct ctx *c)
{
	return rc_errno(_test_unmap(c->fd, c->as[0], VA_HI, 4 * SZ_4K, NULL));
}

static int call_unmap_two(struct ctx *c)
{
	/* Both mappings and the hole between them. */
	return rc_errno(_test_unmap(c->fd, c->as[0], 0, VA_HI + 4 * SZ_4K, NULL));
}

/* 64 one-page mappings with holes between them: a mapping record tree of several nodes. */
static int setup_many_maps(struct ctx *c)
{
	unsigned int i;

	if (setup_base(c))
		return -1;
	for (i = 0; i < 64; i++)
		if (map_fixed(c, c->as[0], c->buf[0], 15 * SZ_4K, SZ_4K, VA_HI + 2 * i * SZ_4K))
			return -1;
	return 0;
}

static int call_unmap_middle(struct ctx *c)
{
	return rc_errno(_test_unmap(c->fd, c->as[0], VA_HI + 2 * 31 * SZ_4K, SZ_4K, NULL));
}

static int call_unmap_some(struct ctx *c)
{
	return rc_errno(_test_unmap(c->fd, c->as[0], VA_HI + 2 * 20 * SZ_4K, 2 * 20 * SZ_4K, NULL));
}

static int call_protect(struct ctx *c)
{
	return rc_errno(_test_protect(c->fd, c->as[0], 0, 8 * SZ_4K, SWMMU_PROT_READ));
}

static int call_query(struct ctx *c)
{
	struct swmmu_query *q = c->out;

	memset(q, 0, sizeof(*q));
	return rc_errno(_test_query(c->fd, c->as[0], 3 * SZ_4K + 5, q));
}

static int call_dump(struct ctx *c)
{
	uint32_t nr = 16;

	memset(c->out, 0, c->ref_len);
	return rc_errno(_test_dump(c->fd, c->as[0], 0, 0, c->out, &nr));
}

static int call_rw_write(struct ctx *c)
{
	return rc_errno(_test_rw(c->fd, c->as[0], SZ_4K - 3, c->data, 3 * SZ_4K, true));
}

static int call_rw_read(struct ctx *c)
{
	return rc_errno(_test_rw(c->fd, c->as[0], SZ_4K - 3, c->data, 3 * SZ_4K, false));
}

static int call_stats(struct ctx *c)
{
	struct swmmu_as_stats st;

	return rc_errno(_test_stats(c->fd, c->as[0], &st));
}

static int setup_destroy_buf(struct ctx *c)
{
	if (setup_base(c) || add_buf(c, 4 * SZ_4K, 0))
		return -1;
	return 0;
}

static int call_destroy_buf(struct ctx *c)
{
	return rc_errno(_test_destroy(c->fd, c->buf[1]));
}

static int setup_destroy_as(struct ctx *c)
{
	/* A second address space with two mappings of the buffer. */
	if (setup_base(c) || add_as(c))
		return -1;
	if (map_fixed(c, c->as[1], c->buf[0], 0, 4 * SZ_4K, 0))
		return -1;
	return map_fixed(c, c->as[1], c->buf[0], 0, 4 * SZ_4K, VA_HI);
}

static int call_destroy_as(struct ctx *c)
{
	return rc_errno(_test_destroy(c->fd, c->as[1]));
}

static int call_destroy_queue(struct ctx *c)
{
	return rc_errno(_test_destroy(c->fd, c->q));
}

static int call_attach(struct ctx *c)
{
	struct swmmu_attach a = { .size = sizeof(a) };

	snprintf(a.name, sizeof(a.name), "%s", NL_AS);
	return rc_errno(ioctl(c->fd, SWMMU_ATTACH, &a));
}

static int call_cpu_walk(struct ctx *c)
{
	struct swmmu_cpu_walk w = {
		.size = sizeof(w),
		.nr_entries = 64,
		.va = (uintptr_t)c->data,
		.length = sizeof(c->data),
		.entries_uptr = (uintptr_t)c->out,
	};

	return rc_errno(ioctl(c->fd, SWMMU_CPU_WALK, &w));
}

static int call_vtd_check(struct ctx *c)
{
	struct swmmu_vtd_check v = {
		.size = sizeof(v),
		.check = {
			.nr_single = 2,
			.nr_sg_pages = 2,
			.nr_device_dma = 1,
			.nr_regions = 64,
			.regions_uptr = (uintptr_t)c->out,
		},
	};

	return rc_errno(ioctl(c->fd, SWMMU_VTD_CHECK, &v));
}

static int call_queue_alloc(struct ctx *c)
{
	return rc_errno(_test_queue_alloc(c->fd, c->as[0], &c->out_id));
}

static int call_submit(struct ctx *c)
{
	struct swmmu_dma_cmd cmds[3] = {
		swmmu_cmd_fill(0, 2 * SZ_4K, 0x1122334455667788ULL),
		swmmu_cmd_copy(0, 4 * SZ_4K, 2 * SZ_4K),
		swmmu_cmd_crc32(4 * SZ_4K, 2 * SZ_4K),
	};
	uint32_t done = 0;
	int rc = _test_submit(c->fd, c->q, cmds, 3, &done);

	if (rc)
		return errno;
	/* A command that failed reports it in its status. */
	return done == 3 ? 0 : -cmds[done].out_status;
}

static int call_fault_queue(struct ctx *c)
{
	return rc_errno(_test_fault_queue(c->fd, 16, &c->out_fd));
}

static int call_fault_config(struct ctx *c)
{
	return rc_errno(_test_fault_config(c->fd, c->as[0], SWMMU_FAULT_MODE_STALL, 100));
}

static int call_iotlb_resize(struct ctx *c)
{
	struct swmmu_iotlb t;

	return rc_errno(_test_iotlb(c->fd, SWMMU_IOTLB_RESIZE, 64, &t));
}

static int call_iotlb_read(struct ctx *c)
{
	struct swmmu_iotlb t;

	return rc_errno(_test_iotlb(c->fd, SWMMU_IOTLB_FLUSH, 0, &t));
}

static int call_as_alloc_drv(struct ctx *c)
{
	return rc_errno(_test_drv_as_alloc(c->fd, c->fi.format_id, 0, &c->out_id, NULL));
}

static int call_buf_export(struct ctx *c)
{
	return rc_errno(_test_buf_export(c->fd, c->buf[0], 0, &c->out_fd));
}

static int call_ctx_set(struct ctx *c)
{
	return rc_errno(drv_enable(c));
}

/*
 * A driver-managed context (as[0], not enabled) of the format that allows a smaller VA width
 * (small_fi), and a buffer for its root: programming it walks nothing.
 */
static int setup_drv_small(struct ctx *c)
{
	if (_test_drv_as_alloc(c->fd, small_fi.format_id, 0, &c->as[0], NULL))
		return -1;
	c->nr_as = 1;
	if (swmmu_dbuf_new(c->fd, SZ_64K, &c->tb))
		return -1;
	c->buf[c->nr_buf++] = c->tb.id;
	return 0;
}

/* CTX_SET with the format's smallest VA width: the module derives a format for it. */
static int call_ctx_set_va_bits(struct ctx *c)
{
	struct swmmu_ctx_set s = swmmu_ctx(c->as[0], SWMMU_CTX_ENABLE, small_fi.format_id,
					   c->tb.dma, 1, SWMMU_CHECK_REPORT);

	s.va_bits = small_fi.min_va_bits;
	return rc_errno(_test_ctx_set(c->fd, s));
}

static int call_ctx_info(struct ctx *c)
{
	return rc_errno(_test_ctx_info(c->fd, c->as[0], c->out));
}

/* Every kind of invalidation, over entries the TLB and walk cache hold. */
static const struct swmmu_inval_cmd *drv_invals(struct ctx *c, uint32_t *nr)
{
	static struct swmmu_inval_cmd cmds[5];

	cmds[0] = swmmu_inv_va(c->as[0], 1, 0, SZ_4K);
	cmds[1] = swmmu_inv_va_walk(c->as[0], 1, SZ_4K, 2 * SZ_4K);
	cmds[2] = swmmu_inv_asid(c->as[0], 1);
	cmds[3] = swmmu_inv_ctx(c->as[0]);
	cmds[4] = swmmu_inv_all();
	*nr = 5;
	return cmds;
}

static int call_invalidate(struct ctx *c)
{
	uint32_t nr, done = 0;
	const struct swmmu_inval_cmd *cmds = drv_invals(c, &nr);
	int rc = _test_invalidate(c->fd, cmds, nr, &done);

	return rc ? errno : (done == nr ? 0 : EPROTO);
}

/* The device walking the driver's tables: a miss per page, A and D set, data moved. */
static int call_submit_drv(struct ctx *c)
{
	/* The same commands as call_submit(): c->q is bound to the driver-managed context. */
	return call_submit(c);
}

/* io_uring: one passthrough command, submitted and reaped by this task. */
static int uring_one(struct ctx *c, uint32_t op, const void *payload, size_t len)
{
	struct io_uring_cqe *cqe;
	int rc;

	swmmu_prep_uring_cmd(io_uring_get_sqe(&c->ring), c->fd, op, payload, len, 0);
	rc = io_uring_submit(&c->ring);
	if (rc < 0)
		return -rc;
	if (rc != 1)
		return EAGAIN;
	rc = io_uring_wait_cqe(&c->ring, &cqe);
	if (rc < 0)
		return -rc;
	rc = cqe->res < 0 ? -cqe->res : 0;
	/* The second result: what SWMMU_MAP_BATCH reports as out_nr_done. */
	c->done = (uint32_t)cqe->big_cqe[0];
	io_uring_cqe_seen(&c->ring, cqe);
	return rc;
}

/*
 * SWMMU_MAP_BATCH over setup_base's state: a kernel-chosen VA, an UNMAP of the base mapping, new
 * tables at 1 GiB (so that injected failures hit after two operations), a MAP reusing the VAs of
 * the UNMAP (a flush before it), an UNMAP at 1 GiB (its tables go). The first c->limit
 * operations only, if set.
 */
#define BATCH_OPS	5

static uint32_t batch_ops(struct ctx *c, struct swmmu_map_batch_op *ops)
{
	ops[0] = swmmu_bop_map(c->buf[0], 12 * SZ_4K, 4 * SZ_4K, SWMMU_ANY_IOVA, PROT_RW);
	ops[1] = swmmu_bop_unmap(0, 8 * SZ_4K);
	ops[2] = swmmu_bop_map(c->buf[0], 8 * SZ_4K, 8 * SZ_4K, VA_HI, PROT_RW);
	ops[3] = swmmu_bop_map(c->buf[0], 0, 4 * SZ_4K, 0, SWMMU_PROT_READ);
	ops[4] = swmmu_bop_unmap(VA_HI, 8 * SZ_4K);
	return c->limit ? c->limit : BATCH_OPS;
}

static int call_map_batch(struct ctx *c)
{
	struct swmmu_map_batch_op *ops = (struct swmmu_map_batch_op *)c->data;
	uint32_t nr = batch_ops(c, ops);

	return rc_errno(_test_map_batch(c->fd, c->as[0], ops, nr, &c->done));
}

static int call_uring_map_batch(struct ctx *c)
{
	struct swmmu_map_batch_op *ops = (struct swmmu_map_batch_op *)c->data;
	struct swmmu_map_batch b = {
		.size = sizeof(b), .as_id = c->as[0], .nr_ops = batch_ops(c, ops),
		.op_size = sizeof(*ops), .ops_uptr = (uintptr_t)ops,
	};

	return uring_one(c, SWMMU_MAP_BATCH, &b, sizeof(b));
}

static int call_uring_invalidate(struct ctx *c)
{
	uint32_t nr;
	const struct swmmu_inval_cmd *cmds = drv_invals(c, &nr);
	struct swmmu_invalidate iv = { .size = sizeof(iv), .nr_cmds = nr,
				       .cmds_uptr = (uintptr_t)cmds };
	int rc = uring_one(c, SWMMU_INVALIDATE, &iv, sizeof(iv));

	return rc ? rc : (c->done == nr ? 0 : EPROTO);
}

static int call_uring_dma(struct ctx *c)
{
	struct swmmu_uring_dma u = {
		.size = sizeof(u),
		.queue_id = c->q,
		.cmd = swmmu_cmd_fill(SZ_4K, 2 * SZ_4K, 0x0102030405060708ULL),
	};

	return uring_one(c, SWMMU_URING_DMA, &u, sizeof(u));
}

static int call_uring_map(struct ctx *c)
{
	struct swmmu_map m = {
		.size = sizeof(m), .flags = SWMMU_MAP_FIXED_IOVA, .as_id = c->as[0],
		.buf_id = c->buf[0], .buf_offset = 8 * SZ_4K, .length = 8 * SZ_4K,
		.iova = VA_HI, .prot = PROT_RW,
	};

	return uring_one(c, SWMMU_MAP, &m, sizeof(m));
}

static int call_uring_unmap(struct ctx *c)
{
	struct swmmu_unmap u = { .size = sizeof(u), .as_id = c->as[0], .iova = 0,
				 .length = 8 * SZ_4K };

	return uring_one(c, SWMMU_UNMAP, &u, sizeof(u));
}

static int call_uring_protect(struct ctx *c)
{
	struct swmmu_protect p = { .size = sizeof(p), .as_id = c->as[0], .prot = SWMMU_PROT_READ,
				   .iova = 0, .length = 8 * SZ_4K };

	return uring_one(c, SWMMU_PROTECT, &p, sizeof(p));
}

/* Netlink: one request on the fresh socket of this iteration. */
static int nl_call(struct ctx *c, struct nlt_msg *m)
{
	return -nlt_request(&c->nl, m, NULL, NULL);
}

static int call_nl_get_info(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_GET_INFO, 0);
	return nl_call(c, &m);
}

static int call_nl_format_get(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	return nl_call(c, &m);
}

static int call_nl_format_dump(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_FORMAT_GET, NLM_F_DUMP);
	return nl_call(c, &m);
}

static int call_nl_format_new(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, NL_FMT);
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, fmt_text);
	return nl_call(c, &m);
}

static int setup_rtfmt(struct ctx *c)
{
	return setup_nl(c) || call_nl_format_new(c) ? -1 : 0;
}

static int call_nl_format_del(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, NL_FMT);
	return nl_call(c, &m);
}

static int call_nl_as_new(struct ctx *c)
{
	return -nlt_as_new(&c->nl, NL_AS, "x86_64");
}

static int call_nl_as_new_rt(struct ctx *c)
{
	return -nlt_as_new(&c->nl, NL_AS, NL_FMT);
}

static int call_nl_as_del(struct ctx *c)
{
	return -nlt_as_del(&c->nl, NL_AS);
}

static int call_nl_as_set(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	nlt_put_u32(&m, SWMMU_A_OWNER_UID, 1000);
	nlt_put_u16(&m, SWMMU_A_MODE, 0660);
	nlt_put_u8(&m, SWMMU_A_FAULT_MODE, SWMMU_FAULT_MODE_LOG);
	return nl_call(c, &m);
}

static int call_nl_as_get(struct ctx *c)
{
	return -nlt_as_get(&c->nl, NL_AS);
}

static int call_nl_as_dump(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_AS_GET, NLM_F_DUMP);
	return nl_call(c, &m);
}

static int call_nl_map(struct ctx *c)
{
	return -nlt_map(&c->nl, NL_AS, VA_HI, 4 * SZ_4K, PROT_RW);
}

static int call_nl_unmap(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 8 * SZ_4K);
	return nl_call(c, &m);
}

static int call_nl_protect(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_PROTECT, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 8 * SZ_4K);
	nlt_put_u32(&m, SWMMU_A_PROT, SWMMU_PROT_READ);
	return nl_call(c, &m);
}

static int call_nl_query(struct ctx *c)
{
	return -nlt_query(&c->nl, NL_AS, 2 * SZ_4K, NULL);
}

static int call_nl_region_dump(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_REGION_GET, NLM_F_DUMP);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	return nl_call(c, &m);
}

static int call_nl_stats(struct ctx *c)
{
	struct nlt_msg m;

	nlt_start(&c->nl, &m, SWMMU_NL_CMD_STATS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	return nl_call(c, &m);
}

static int call_nl_fault_resolve(struct ctx *c)
{
	struct nlt_msg m;

	/* No fault is stalled: the answer is ENOENT once every allocation worked. */
	nlt_start(&c->nl, &m, SWMMU_NL_CMD_FAULT_RESOLVE, 0);
	nlt_put_str(&m, SWMMU_A_AS, NL_AS);
	nlt_put_u64(&m, SWMMU_A_FAULT_ID, 12345);
	nlt_put_u8(&m, SWMMU_A_FAULT_RESP, SWMMU_NL_FAULT_RETRY);
	return nl_call(c, &m);
}

/* ---- the sweep ----------------------------------------------------------------------------- */

#define FCASE(_name, _setup, _call, ...)						\
	{ .name = _name, .setup = _setup, .call = _call, __VA_ARGS__ }

/* Case flags. */
#define F_READONLY	0x1	/* output compared with an undisturbed call's */
#define F_NL		0x2	/* a netlink request: ENOBUFS may also mean the ACK was lost */
#define F_PARTIAL	0x4	/* a batch of nr_ops: a failure keeps the operations before it */
/*
 * Work that cannot be undone (mappings removed, a batch run), then its result written back: a
 * failure of that last copy_to_user() is EFAULT with the work done, as with a lost netlink ACK.
 */
#define F_REPORT	0x8

struct fcase {
	const char *name;
	int (*setup)(struct ctx *c);
	int (*call)(struct ctx *c);
	int want;		/* errno of the undisturbed call (usually 0) */
	unsigned int flags;
	size_t out_len;		/* output buffer compared for F_READONLY */
	uint32_t nr_ops;	/* F_PARTIAL: operations of the batch */
};

static int ctx_open(struct ctx *c, const struct fcase *fc)
{
	memset(c, 0, offsetof(struct ctx, data));
	c->out_fd = -1;
	c->tb.efd = -1;
	c->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	if (c->fd < 0 || swmmu_format_by_name(c->fd, "x86_64", &c->fi))
		return -1;
	c->ref_len = fc->out_len;
	if (c->ref_len) {
		c->out = calloc(1, c->ref_len);
		c->ref = calloc(1, c->ref_len);
		if (!c->out || !c->ref)
			return -1;
	}
	/* Touch what the kernel writes to, so no page fault allocates during the call. */
	memset(c->data, 0x5a, sizeof(c->data));
	return fc->setup ? fc->setup(c) : 0;
}

static void ctx_close(struct ctx *c)
{
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->ring_up)
		io_uring_queue_exit(&c->ring);
	/* The export and its mapping hold the buffer: gone before the file. */
	swmmu_dbuf_release(&c->tb);
	if (c->fd >= 0)
		close(c->fd);
	if (c->nl_up) {
		/* Whatever the setup or the call created; ENOENT where there is none. */
		nlt_as_del(&c->nl, NL_AS);
		call_nl_format_del(c);
		nlt_close(&c->nl);
	}
	free(c->out);
	free(c->ref);
	c->out = c->ref = NULL;
}

/* Names the first difference between two states, or NULL. */
static const char *state_diff(const struct state *a, const struct state *b)
{
	static char why[160];
	unsigned int i, j;

	if (memcmp(&a->cnt, &b->cnt, sizeof(a->cnt))) {
		snprintf(why, sizeof(why), "debugfs counters (tables %ld/%ld, mappings %ld/%ld, "
			 "buffers %ld/%ld, as %ld/%ld)", a->cnt.tables, b->cnt.tables,
			 a->cnt.mappings, b->cnt.mappings, a->cnt.buffers, b->cnt.buffers,
			 a->cnt.address_spaces, b->cnt.address_spaces);
		return why;
	}
	for (i = 0; i < NR_AS; i++) {
		const struct as_state *x = &a->as[i], *y = &b->as[i];

		if (memcmp(&x->ctx, &y->ctx, sizeof(x->ctx))) {
			snprintf(why, sizeof(why), "CTX_INFO of address space %u (rc %d/%d, flags "
				 "%#x/%#x, root %#llx/%#llx)", i, x->ctx.rc, y->ctx.rc, x->ctx.flags,
				 y->ctx.flags, (unsigned long long)x->ctx.root,
				 (unsigned long long)y->ctx.root);
			return why;
		}
		if (x->rc != y->rc || memcmp(&x->st, &y->st, sizeof(x->st))) {
			snprintf(why, sizeof(why), "STATS of address space %u (rc %d/%d, tables "
				 "%llu/%llu, mappings %llu/%llu, bytes %llu/%llu)", i, x->rc, y->rc,
				 (unsigned long long)x->st.out_nr_tables,
				 (unsigned long long)y->st.out_nr_tables,
				 (unsigned long long)x->st.out_nr_mappings,
				 (unsigned long long)y->st.out_nr_mappings,
				 (unsigned long long)x->st.out_mapped_bytes,
				 (unsigned long long)y->st.out_mapped_bytes);
			return why;
		}
		if (x->nr != y->nr) {
			snprintf(why, sizeof(why), "DUMP of address space %u (%u/%u regions)", i,
				 x->nr, y->nr);
			return why;
		}
		for (j = 0; j < NR_REGIONS; j++) {
			const struct swmmu_dump_region *r = &x->r[j], *q = &y->r[j];

			if (memcmp(r, q, sizeof(*r))) {
				snprintf(why, sizeof(why), "DUMP of address space %u, region %u "
					 "(iova %#llx/%#llx len %#llx/%#llx prot %#x/%#x pg %u/%u)",
					 i, j, (unsigned long long)r->iova,
					 (unsigned long long)q->iova,
					 (unsigned long long)r->length,
					 (unsigned long long)q->length, r->prot, q->prot,
					 r->page_size_lg2, q->page_size_lg2);
				return why;
			}
		}
	}
	for (i = 0; i < NR_BUF; i++)
		if (memcmp(&a->buf[i], &b->buf[i], sizeof(a->buf[i])))
			return "BUF_INFO of a buffer";
	if (memcmp(&a->nl, &b->nl, sizeof(a->nl)))
		return "STATS_GET/REGION_GET of the named address space";
	return NULL;
}

/*
 * DMA addresses differ from one iteration's buffers to the next, and so do debug IDs and the way
 * leaves merge into regions: the canonical form of a state to compare across iterations.
 */
static void canonical(struct state *s)
{
	unsigned int i, j;

	for (i = 0; i < NR_AS; i++) {
		struct as_state *a = &s->as[i];
		struct swmmu_dump_region pages[NR_REGIONS];
		unsigned int n = 0;

		/* A global serial: every address space gets a new one. */
		a->st.out_debug_id = 0;
		/*
		 * A region is a run contiguous in VA and DMA address: how runs split depends on
		 * where the buffer pages landed. Compare leaf by leaf.
		 */
		for (j = 0; a->nr != ~0U && j < a->nr; j++) {
			const struct swmmu_dump_region *r = &a->r[j];
			uint64_t pg = 1ULL << r->page_size_lg2, off;

			for (off = 0; off < r->length && n < NR_REGIONS; off += pg, n++) {
				pages[n] = *r;
				pages[n].iova = r->iova + off;
				pages[n].length = pg;
				pages[n].dma_addr = 0;
			}
		}
		if (a->nr != ~0U) {
			memset(a->r, 0, sizeof(a->r));
			memcpy(a->r, pages, n * sizeof(pages[0]));
			a->nr = n;
		}
	}
}

static bool alloc_errno(int e)
{
	return e == ENOMEM || e == ENOBUFS || e == EAGAIN;
}

FIXTURE(fnth) {
	int dummy;
};

FIXTURE_SETUP(fnth)
{
	struct nlt n;
	struct nlt_msg m;
	const struct nlattr *a;

	if (fnth_open() < 0)
		SKIP(return, "no /proc/self/task/<tid>/fail-nth: kernel without CONFIG_FAULT_INJECTION");
	if (access(FS_DIR "ignore-gfp-wait", W_OK) || access(FPA_DIR "min-order", W_OK))
		SKIP(return, "no failslab/fail_page_alloc debugfs knobs (FAULT_INJECTION_DEBUG_FS)");
	ASSERT_EQ(0, knobs_set());
	usercopy_on = !access(FUC_TIMES, W_OK);
	if (!usercopy_on)
		printf("# no fail_usercopy (FAULT_INJECTION_USERCOPY): allocation failures only\n");
	/* Leftovers of an earlier failed run. */
	ASSERT_EQ(0, nlt_open(&n));
	nlt_as_del(&n, NL_AS);
	nlt_start(&n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, NL_FMT);
	nlt_request(&n, &m, NULL, NULL);
	/* A runtime format: the text of a built-in one. */
	nlt_start(&n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	ASSERT_EQ(0, nlt_request(&n, &m, NULL, NULL));
	a = nlt_attr(&n, SWMMU_A_FORMAT_TEXT);
	ASSERT_NE(NULL, a);
	snprintf(fmt_text, sizeof(fmt_text), "%s", nlt_get_str(a));
	nlt_close(&n);
}

FIXTURE_TEARDOWN(fnth)
{
	if (fnth_fd >= 0) {
		fnth_clear();
		close(fnth_fd);
	}
	knobs_restore();
}

/* What a sweep saw besides the injection points. */
struct sweep_counts {
	unsigned int usercopy;	/* injection points that were copy_{from,to}_user() */
	unsigned int absorbed;	/* failures the call absorbed */
	unsigned int lost;	/* F_REPORT: the work done, its result not written back */
	unsigned int partial;	/* F_PARTIAL: failures after some of the batch's operations */
};

/*
 * Sweep one case; returns the number of injection points, or -1 after a failed assertion (the
 * harness has recorded it).
 */
static int sweep(struct __test_metadata *_metadata, const struct fcase *fc,
		 struct sweep_counts *cnt)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct state before, after, ref_after, *prefix = NULL;
	struct swmmu_counters z;
	unsigned int n;
	int err;

	ASSERT_NE(NULL, c);
	memset(cnt, 0, sizeof(*cnt));
	/*
	 * A batch that fails after k operations must leave what its first k operations leave,
	 * undisturbed: the state after each prefix, for comparison.
	 */
	if (fc->flags & F_PARTIAL) {
		prefix = calloc(fc->nr_ops, sizeof(*prefix));
		ASSERT_NE(NULL, prefix);
		for (n = 1; n < fc->nr_ops; n++) {
			ASSERT_EQ(0, ctx_open(c, fc));
			c->limit = n;
			ASSERT_EQ(0, fc->call(c));
			ASSERT_EQ(n, c->done);
			snapshot(c, &prefix[n]);
			canonical(&prefix[n]);
			ctx_close(c);
		}
	}
	/* The undisturbed call. */
	ASSERT_EQ(0, ctx_open(c, fc));
	err = fc->call(c);
	if (err != fc->want)
		TH_LOG("%s: undisturbed call gave %s", fc->name, strerror(err));
	ASSERT_EQ(fc->want, err);
	/* What a call that absorbs a failure must leave behind, too. */
	snapshot(c, &ref_after);
	canonical(&ref_after);
	ctx_close(c);

	for (n = 1; n < MAX_POINTS; n++) {
		long left, uc;
		const char *diff;

		ASSERT_EQ(0, ctx_open(c, fc));
		/* A read-only command's output from the same state, undisturbed. */
		if (fc->flags & F_READONLY) {
			ASSERT_EQ(0, fc->call(c));
			memcpy(c->ref, c->out, c->ref_len);
		}
		snapshot(c, &before);
		uc = usercopy_times();
		ASSERT_EQ(0, fnth_set(n));
		err = fc->call(c);
		left = fnth_get();
		ASSERT_EQ(0, fnth_clear());
		ASSERT_LE(0, left);
		/* Whether the n-th point was a user copy: fail_usercopy counted a failure. */
		uc = left ? 0 : uc - usercopy_times();
		ASSERT_LE(0, uc);
		ASSERT_GE(1, uc);
		cnt->usercopy += uc;
		if (left) {
			/* n is past the last injection point: the call ran undisturbed. */
			if (err != fc->want)
				TH_LOG("%s: n=%u not consumed (left %ld) but gave %s", fc->name, n,
				       left, strerror(err));
			ASSERT_EQ(fc->want, err);
			ctx_close(c);
			break;
		}
		if (err == fc->want) {
			cnt->absorbed++;
			snapshot(c, &after);
			canonical(&after);
			diff = state_diff(&ref_after, &after);
			if (diff)
				TH_LOG("%s: fault %u absorbed, but the %s differs from an undisturbed "
				       "call's", fc->name, n, diff);
			ASSERT_EQ(NULL, diff);
			if ((fc->flags & F_READONLY) && !err && memcmp(c->ref, c->out, c->ref_len)) {
				TH_LOG("%s: fault %u absorbed, but the output differs from an "
				       "undisturbed call's", fc->name, n);
				ASSERT_TRUE(false);
			}
		} else {
			/* A failed user copy is EFAULT; a failed allocation an allocation errno. */
			if (uc ? err != EFAULT : !alloc_errno(err))
				TH_LOG("%s: fault %u (%s) gave %s, not %s", fc->name, n,
				       uc ? "user copy" : "allocation", strerror(err),
				       uc ? "EFAULT" : "an allocation errno");
			ASSERT_TRUE(uc ? err == EFAULT : alloc_errno(err));
			snapshot(c, &after);
			/* ~0: _test_map_batch()'s initial count, the kernel could not write it back. */
			if ((fc->flags & F_PARTIAL) && c->done && c->done != ~0U) {
				ASSERT_GT(fc->nr_ops, c->done);
				cnt->partial++;
				canonical(&after);
				diff = state_diff(&prefix[c->done], &after);
			} else {
				diff = state_diff(&before, &after);
			}
			if (diff && uc && (fc->flags & F_REPORT)) {
				cnt->lost++;
				canonical(&after);
				diff = state_diff(&ref_after, &after);
			}
			if (diff && (fc->flags & F_NL) && (err == ENOBUFS || err == EFAULT)) {
				/*
				 * The request was done but its ACK could not be allocated, or
				 * could not be copied to the receive buffer (the message is
				 * dropped).
				 */
				cnt->absorbed++;
				canonical(&after);
				diff = state_diff(&ref_after, &after);
			}
			if (diff)
				TH_LOG("%s: fault %u (%s) changed the %s", fc->name, n,
				       strerror(err), diff);
			ASSERT_EQ(NULL, diff);
		}
		ctx_close(c);
		ASSERT_EQ(0, swmmu_read_counters(&z));
		if (!swmmu_counters_zero(&z))
			TH_LOG("%s: fault %u: leak after close: as %ld bufs %ld tables %ld "
			       "mappings %ld queues %ld jobs %ld fault queues %ld", fc->name, n,
			       z.address_spaces, z.buffers, z.tables, z.mappings, z.queues,
			       z.dma_jobs, z.fault_queues);
		ASSERT_TRUE(swmmu_counters_zero(&z));
	}
	ASSERT_GT(MAX_POINTS, n);
	/* The batch is built so that operations after the first allocate: some must fail. */
	if (fc->flags & F_PARTIAL)
		ASSERT_LT(0, cnt->partial);
	free(prefix);
	free(c);
	return n - 1;
}

/* DMA API debugging turns itself off for good when one of its own allocations fails. */
static bool dma_debug_off(void)
{
	char v[8] = "";

	knob_rw("/sys/kernel/debug/dma-api/disabled", v, sizeof(v), NULL);
	return v[0] == 'Y';
}

static void run_cases(struct __test_metadata *_metadata, const struct fcase *cases,
		      unsigned int nr)
{
	struct sweep_counts cnt;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		bool dbg_off = dma_debug_off();
		int points = sweep(_metadata, &cases[i], &cnt);

		ASSERT_LE(0, points);
		printf("# %s: %d injection points (%u user copies, %u absorbed", cases[i].name,
		       points, cnt.usercopy, cnt.absorbed);
		if (cases[i].flags & F_PARTIAL)
			printf(", %u failed after some operations", cnt.partial);
		if (cnt.lost)
			printf(", %u done but the result not written back", cnt.lost);
		printf(")\n");
		if (!dbg_off && dma_debug_off())
			printf("# %s: an injected failure inside DMA API debugging disabled it\n",
			       cases[i].name);
		fflush(stdout);
	}
}

#define FORMATS_LEN	(64 * sizeof(struct swmmu_format_info))

TEST_F_TIMEOUT(fnth, ioctls, 900)
{
	const struct fcase cases[] = {
		FCASE("GET_INFO", NULL, call_get_info, .flags = F_READONLY,
		      .out_len = FORMATS_LEN),
		FCASE("AS_ALLOC", NULL, call_as_alloc),
		FCASE("BUF_ALLOC", NULL, call_buf_alloc),
		FCASE("BUF_ALLOC(contig)", NULL, call_buf_alloc_contig),
		FCASE("BUF_INFO", setup_base, call_buf_info),
		FCASE("MAP(fixed)", setup_base, call_map),
		FCASE("MAP(any VA)", setup_base, call_map_any),
		FCASE("UNMAP", setup_two_maps, call_unmap, .flags = F_REPORT),
		FCASE("UNMAP(two mappings)", setup_two_maps, call_unmap_two, .flags = F_REPORT),
		FCASE("UNMAP(1 of 64 mappings)", setup_many_maps, call_unmap_middle,
		      .flags = F_REPORT),
		FCASE("UNMAP(20 of 64 mappings)", setup_many_maps, call_unmap_some,
		      .flags = F_REPORT),
		FCASE("PROTECT", setup_base, call_protect),
		FCASE("MAP_BATCH", setup_base, call_map_batch, .flags = F_PARTIAL | F_REPORT,
		      .nr_ops = BATCH_OPS),
		FCASE("QUERY", setup_base, call_query, .flags = F_READONLY,
		      .out_len = sizeof(struct swmmu_query)),
		FCASE("DUMP", setup_base, call_dump, .flags = F_READONLY,
		      .out_len = 16 * sizeof(struct swmmu_dump_region)),
		FCASE("RW(write)", setup_base, call_rw_write),
		FCASE("RW(read)", setup_base, call_rw_read),
		FCASE("STATS", setup_base, call_stats),
		FCASE("DESTROY(buffer)", setup_destroy_buf, call_destroy_buf),
		FCASE("DESTROY(address space)", setup_destroy_as, call_destroy_as),
		FCASE("DESTROY(queue)", setup_queue, call_destroy_queue),
		FCASE("ATTACH", setup_named, call_attach),
		FCASE("ATTACH(second file)", setup_named_attached, call_attach),
		FCASE("CPU_WALK", NULL, call_cpu_walk, .out_len = 64 * sizeof(struct swmmu_cpu_pte)),
		FCASE("QUEUE_ALLOC", setup_base, call_queue_alloc),
		FCASE("SUBMIT", setup_queue, call_submit),
		FCASE("FAULT_QUEUE", setup_base, call_fault_queue),
		FCASE("FAULT_CONFIG", setup_base, call_fault_config),
		FCASE("IOTLB(resize)", setup_base, call_iotlb_resize),
		FCASE("IOTLB(flush)", setup_base, call_iotlb_read),
		FCASE("AS_ALLOC(DRIVER_TABLES)", NULL, call_as_alloc_drv),
		FCASE("BUF_EXPORT", setup_base, call_buf_export),
		FCASE("CTX_SET", setup_drv_tables, call_ctx_set),
		FCASE("CTX_INFO", setup_drv_warm, call_ctx_info, .flags = F_READONLY,
		      .out_len = sizeof(struct swmmu_ctx_info)),
		FCASE("INVALIDATE", setup_drv_warm, call_invalidate),
		FCASE("SUBMIT(driver tables)", setup_drv, call_submit_drv),
	};
	unsigned int nr, i;
	struct swmmu_format_info *fi;
	int fd;

	if (_metadata->skip)
		return;
	/* AS_ALLOC with a reduced VA size, on the first format that allows one. */
	fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	fi = swmmu_get_formats(fd, &nr);
	ASSERT_NE(NULL, fi);
	ASSERT_GE(64, nr);
	for (i = 0; i < nr; i++) {
		if (fi[i].min_va_bits < fi[i].va_bits) {
			small_fi = fi[i];
			break;
		}
	}
	free(fi);
	close(fd);
	run_cases(_metadata, cases, sizeof(cases) / sizeof(cases[0]));
	if (small_fi.min_va_bits) {
		const struct fcase va[] = {
			FCASE("AS_ALLOC(va_bits)", NULL, call_as_alloc_va_bits),
			FCASE("CTX_SET(va_bits)", setup_drv_small, call_ctx_set_va_bits),
		};

		run_cases(_metadata, va, sizeof(va) / sizeof(va[0]));
	}
}

TEST_F_TIMEOUT(fnth, vtd_check, 600)
{
	const struct fcase vtd = FCASE("VTD_CHECK", NULL, call_vtd_check,
					.out_len = 64 * sizeof(struct swmmu_dump_region));
	struct swmmu_vtd_check v = { .size = sizeof(v) };
	int fd, rc;

	if (_metadata->skip)
		return;
	fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	rc = ioctl(fd, SWMMU_VTD_CHECK, &v);
	close(fd);
	if (rc && (errno == ENODEV || errno == EOPNOTSUPP || errno == ENOENT))
		SKIP(return, "VTD_CHECK unavailable here (%s): no edu device behind a VT-d IOMMU",
		     strerror(errno));
	ASSERT_EQ(0, rc);
	run_cases(_metadata, &vtd, 1);
}

TEST_F_TIMEOUT(fnth, io_uring, 600)
{
	const struct fcase cases[] = {
		FCASE("URING(SWMMU_URING_DMA)", setup_ring, call_uring_dma),
		FCASE("URING(SWMMU_MAP)", setup_ring, call_uring_map),
		FCASE("URING(SWMMU_UNMAP)", setup_ring, call_uring_unmap),
		FCASE("URING(SWMMU_PROTECT)", setup_ring, call_uring_protect),
		FCASE("URING(SWMMU_MAP_BATCH)", setup_ring, call_uring_map_batch, .flags = F_PARTIAL,
		      .nr_ops = BATCH_OPS),
		FCASE("URING(SWMMU_INVALIDATE)", setup_drv_ring, call_uring_invalidate),
	};

	if (_metadata->skip)
		return;
	run_cases(_metadata, cases, sizeof(cases) / sizeof(cases[0]));
}

TEST_F_TIMEOUT(fnth, netlink, 900)
{
	const struct fcase cases[] = {
		FCASE("NL GET_INFO", setup_nl, call_nl_get_info),
		FCASE("NL FORMAT_GET", setup_nl, call_nl_format_get),
		FCASE("NL FORMAT_GET(dump)", setup_nl, call_nl_format_dump),
		FCASE("NL FORMAT_NEW", setup_nl, call_nl_format_new, .flags = F_NL),
		FCASE("NL FORMAT_DEL", setup_rtfmt, call_nl_format_del, .flags = F_NL),
		FCASE("NL AS_NEW", setup_nl, call_nl_as_new, .flags = F_NL),
		FCASE("NL AS_NEW(runtime format)", setup_rtfmt, call_nl_as_new_rt, .flags = F_NL),
		FCASE("NL AS_DEL", setup_named, call_nl_as_del, .flags = F_NL),
		FCASE("NL AS_SET", setup_named, call_nl_as_set, .flags = F_NL),
		FCASE("NL AS_GET", setup_named, call_nl_as_get),
		FCASE("NL AS_GET(dump)", setup_named, call_nl_as_dump),
		FCASE("NL MAP", setup_named, call_nl_map, .flags = F_NL),
		FCASE("NL UNMAP", setup_named, call_nl_unmap, .flags = F_NL),
		FCASE("NL PROTECT", setup_named, call_nl_protect, .flags = F_NL),
		FCASE("NL QUERY", setup_named, call_nl_query),
		FCASE("NL REGION_GET(dump)", setup_named, call_nl_region_dump),
		FCASE("NL STATS_GET", setup_named, call_nl_stats),
		FCASE("NL FAULT_RESOLVE", setup_named, call_nl_fault_resolve, .want = ENOENT,
		      .flags = F_NL),
	};

	if (_metadata->skip)
		return;
	run_cases(_metadata, cases, sizeof(cases) / sizeof(cases[0]));
}

TEST_HARNESS_MAIN
