// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-soak: one round of the soak `make soak DURATION=...` runs in the debug VM
 * (scripts/soak.sh unloads and reloads swmmu.ko between rounds and scans dmesg and kmemleak).
 *
 *   swmmu-soak [-d SECONDS] [-p PROCESSES] [-t THREADS] [-s SEED] [-D SWMMUD]
 *
 * PROCESSES worker processes, each with one /dev/swmmu file, two address spaces (the second in
 * stall mode), a fault-queue server thread, a netlink thread and THREADS threads that mix MAP,
 * UNMAP, PROTECT, QUERY, RW, MAP_BATCH, io_uring MAP/UNMAP, DMA copies through SUBMIT and
 * io_uring whose data is checked (pattern and CRC-32) after every copy, copies that fault and are
 * left stalled until the server maps the page, and copies that fault and fail. One more process
 * listens to the netlink events. swmmud (SWMMUD, if that file exists) is started, restarted half
 * way and stopped. At the end every process must have exited cleanly, every copy verified, and
 * the module's debugfs counters be back to zero. Prints the round's figures; exit status 0 on
 * pass, 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "swmmu_dev.h"
#include "swmmu_nl.h"
#include "swmmu_test.h"

#define MAX_PROCS	16
#define MAX_THREADS	16
#define BUF_LEN		SZ_64K
/* Every thread works in its own 64 MiB window of each address space. */
#define WIN(t)		(((uint64_t)(t) + 1) << 26)
#define OFF_DST		(1 * SZ_1M)
#define OFF_SCRATCH	(4 * SZ_1M)
#define OFF_BATCH	(8 * SZ_1M)
#define OFF_URING	(12 * SZ_1M)
#define OFF_STALL	(32 * SZ_1M)	/* unmapped until the fault server maps it */
#define OFF_HOLE	(48 * SZ_1M)	/* never mapped: terminate faults */
/* A stalled copy waits this long for the server before failing with ETIMEDOUT. */
#define STALL_TIMEOUT_MS 20000
/* Processes get this long after the deadline to finish. */
#define GRACE_S		60
#define DAEMON_AS	"soakd"
#define DAEMON_CONF	"/tmp/swmmu-soak.conf"
#define DAEMON_LOG	"/tmp/swmmu-soak-swmmud.log"

enum { OP_MAPCYCLE, OP_BATCH, OP_URING_MAP, OP_COPY, OP_URING_COPY, OP_STALL, OP_TERMINATE,
	NR_OPS };
static const char *const op_names[NR_OPS] = {
	"map-cycle", "map-batch", "uring-map", "copy", "uring-copy", "stall-copy", "term-fault",
};

/* Figures of the round, in shared memory so that every process adds to them. */
struct shared {
	atomic_ullong ops[NR_OPS];
	atomic_ullong bytes_verified, copies, faults_served, faults_terminated, nl_ops, events;
	atomic_ullong events_lost;
	atomic_int failures, stop;
	char first_failure[512];
	atomic_flag failure_taken;
};

static struct shared *sh;
static struct timespec deadline;

static void fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atomic_fetch_add(&sh->failures, 1);
	if (!atomic_flag_test_and_set(&sh->failure_taken))
		memcpy(sh->first_failure, msg, sizeof(msg));
	/* One write per line, so that lines of several processes do not mix. */
	dprintf(2, "# FAIL [pid %d]: %s\n", getpid(), msg);
}

static bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

/* xorshift64*: each thread has its own stream from the seed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct proc;

struct worker {
	struct proc *p;
	unsigned int idx;
	pthread_t th;
	uint64_t seed;
	uint32_t src, dst, scratch, stallbuf, q[2];
	struct io_uring ring;
	uint8_t *data, *back;
};

struct proc {
	int fd, fq;
	unsigned int nr, id;
	uint32_t as[2];
	struct worker w[MAX_THREADS];
};

/* One io_uring passthrough command; returns cqe->res and big_cqe[0] in *extra. */
static int uring_cmd(struct worker *w, uint32_t op, const void *payload, size_t len,
		     uint64_t *extra)
{
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 30 };
	int res;

	swmmu_prep_uring_cmd(io_uring_get_sqe(&w->ring), w->p->fd, op, payload, len, 1);
	if (io_uring_submit(&w->ring) != 1)
		return -1000;
	if (io_uring_wait_cqe_timeout(&w->ring, &cqe, &ts))
		return -1001;
	res = cqe->res;
	if (extra)
		*extra = cqe->big_cqe[0];
	io_uring_cqe_seen(&w->ring, cqe);
	return res;
}

/* MAP a buffer at a fixed IOVA, QUERY inside it, PROTECT read-only and back, RW, UNMAP. */
static int op_map_cycle(struct worker *w, int as)
{
	struct proc *p = w->p;
	/* A piece of the buffer: offset 0-12K, length 4K up to the rest of the buffer. */
	uint64_t off = SZ_4K * (rnd(&w->seed) % 4), len = SZ_4K * (1 + rnd(&w->seed) % (16 - off / SZ_4K));
	uint64_t iova = WIN(w->idx) + OFF_SCRATCH, un = 0, at;
	struct swmmu_query qr;

	if (_test_map(p->fd, p->as[as], w->scratch, off, len, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,
		      &iova))
		return fail("map-cycle: MAP %#llx+%#llx: %s", (unsigned long long)iova,
			    (unsigned long long)len, strerror(errno)), -1;
	at = iova + SZ_4K * (rnd(&w->seed) % (len / SZ_4K)) + 8;
	if (_test_query(p->fd, p->as[as], at, &qr) || qr.out_buf_id != w->scratch ||
	    qr.out_buf_offset != off + (at - iova))
		return fail("map-cycle: QUERY %#llx gives buffer %u offset %#llx (%s)",
			    (unsigned long long)at, qr.out_buf_id,
			    (unsigned long long)qr.out_buf_offset, strerror(errno)), -1;
	if (_test_protect(p->fd, p->as[as], iova, len, SWMMU_PROT_READ))
		return fail("map-cycle: PROTECT r: %s", strerror(errno)), -1;
	/* A write through the device path must now be refused. */
	if (!_test_rw(p->fd, p->as[as], iova, w->data, 64, true) || errno != EACCES)
		return fail("map-cycle: RW write to a read-only mapping: %s", strerror(errno)), -1;
	if (_test_protect(p->fd, p->as[as], iova, len, PROT_RW))
		return fail("map-cycle: PROTECT rw: %s", strerror(errno)), -1;
	swmmu_fill(w->data, len, w->seed);
	if (_test_rw(p->fd, p->as[as], iova, w->data, len, true) ||
	    _test_rw(p->fd, p->as[as], iova, w->back, len, false) ||
	    !swmmu_check(w->back, len, w->seed))
		return fail("map-cycle: RW of %llu bytes does not read back", (unsigned long long)len),
			-1;
	atomic_fetch_add(&sh->bytes_verified, len);
	if (_test_unmap(p->fd, p->as[as], iova, len, &un) || un != len)
		return fail("map-cycle: UNMAP gives %llu of %llu (%s)", (unsigned long long)un,
			    (unsigned long long)len, strerror(errno)), -1;
	return 0;
}

/* MAP_BATCH of 4K pages at fixed IOVAs, then one batch that unmaps them all. */
static int op_batch(struct worker *w, int as)
{
	struct swmmu_map_batch_op ops[16];
	uint64_t base = WIN(w->idx) + OFF_BATCH;
	uint32_t nr = 1 + rnd(&w->seed) % 16, i, done = 0;

	for (i = 0; i < nr; i++)
		ops[i] = swmmu_bop_map(w->scratch, SZ_4K * i, SZ_4K, base + 2 * SZ_4K * i,
				       PROT_RW);
	if (_test_map_batch(w->p->fd, w->p->as[as], ops, nr, &done) || done != nr)
		return fail("map-batch: %u of %u maps done (%s)", done, nr, strerror(errno)), -1;
	for (i = 0; i < nr; i++)
		ops[i] = swmmu_bop_unmap(base + 2 * SZ_4K * i, SZ_4K);
	if (_test_map_batch(w->p->fd, w->p->as[as], ops, nr, &done) || done != nr)
		return fail("map-batch: %u of %u unmaps done (%s)", done, nr, strerror(errno)), -1;
	return 0;
}

/* MAP and UNMAP through io_uring. */
static int op_uring_map(struct worker *w, int as)
{
	uint64_t len = SZ_4K * (1 + rnd(&w->seed) % 16), iova = WIN(w->idx) + OFF_URING, extra = 0;
	struct swmmu_map m = { .size = sizeof(m), .flags = SWMMU_MAP_FIXED_IOVA,
			       .as_id = w->p->as[as], .buf_id = w->scratch, .length = len,
			       .iova = iova, .prot = PROT_RW };
	struct swmmu_unmap u = { .size = sizeof(u), .as_id = w->p->as[as], .iova = iova,
				 .length = len };
	int r;

	r = uring_cmd(w, SWMMU_MAP, &m, sizeof(m), &extra);
	if (r || extra != iova)
		return fail("uring-map: MAP gives %d, iova %#llx", r, (unsigned long long)extra),
			-1;
	r = uring_cmd(w, SWMMU_UNMAP, &u, sizeof(u), &extra);
	if (r || extra != len)
		return fail("uring-map: UNMAP gives %d, %llu of %llu bytes", r,
			    (unsigned long long)extra, (unsigned long long)len), -1;
	return 0;
}

/*
 * Fill the source buffer with a fresh pattern (through the CPU path), have the device check its
 * CRC-32 against the one computed here, and return the length.
 */
static uint64_t load_source(struct worker *w, int as, uint64_t *seed, uint32_t *crc)
{
	uint64_t len = 1 + rnd(&w->seed) % BUF_LEN;
	struct swmmu_dma_cmd o;
	int r;

	*seed = rnd(&w->seed);
	swmmu_fill(w->data, len, *seed);
	*crc = swmmu_crc32(w->data, len);
	if (_test_rw(w->p->fd, w->p->as[as], WIN(w->idx), w->data, len, true))
		return fail("copy: RW write of the source: %s", strerror(errno)), 0;
	r = swmmu_run1(w->p->fd, w->q[as], swmmu_cmd_crc32(WIN(w->idx), len), &o);
	if (r || o.out_result != *crc)
		return fail("copy: the device's CRC-32 of the source is %#llx (status %d), not %#x",
			    (unsigned long long)o.out_result, r, *crc), 0;
	return len;
}

/* Read @len bytes back at @iova and check the pattern and the CRC-32. */
static int verify(struct worker *w, int as, uint64_t iova, uint64_t len, uint64_t seed,
		  uint32_t crc, const char *what)
{
	memset(w->back, 0, len);
	if (_test_rw(w->p->fd, w->p->as[as], iova, w->back, len, false))
		return fail("%s: RW read of the destination: %s", what, strerror(errno)), -1;
	if (!swmmu_check(w->back, len, seed) || swmmu_crc32(w->back, len) != crc)
		return fail("%s: %llu bytes at %#llx differ from what was copied", what,
			    (unsigned long long)len, (unsigned long long)iova), -1;
	atomic_fetch_add(&sh->bytes_verified, len);
	atomic_fetch_add(&sh->copies, 1);
	return 0;
}

/* A copy through SUBMIT (or, @uring, SWMMU_URING_DMA), checked. */
static int op_copy(struct worker *w, int as, bool uring)
{
	uint64_t seed, len, dst = WIN(w->idx) + OFF_DST, extra = 0;
	uint32_t crc;
	struct swmmu_dma_cmd o;
	int r;

	len = load_source(w, as, &seed, &crc);
	if (!len)
		return -1;
	if (uring) {
		struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = w->q[as],
					     .cmd = swmmu_cmd_copy(WIN(w->idx), dst, len) };

		r = uring_cmd(w, SWMMU_URING_DMA, &u, sizeof(u), &extra);
	} else {
		r = swmmu_run1(w->p->fd, w->q[as], swmmu_cmd_copy(WIN(w->idx), dst, len), &o);
		extra = o.out_result;
	}
	if (r || extra != len)
		return fail("%s: status %d, %llu of %llu bytes", uring ? "uring-copy" : "copy", r,
			    (unsigned long long)extra, (unsigned long long)len), -1;
	return verify(w, as, dst, len, seed, crc, uring ? "uring-copy" : "copy");
}

/*
 * A copy into an unmapped page of the stall-mode address space: it waits until the process's
 * fault server maps the page and answers RETRY, then completes and is checked.
 */
static int op_stall(struct worker *w)
{
	uint64_t seed, len, dst = WIN(w->idx) + OFF_STALL, un = 0;
	uint32_t crc;
	struct swmmu_dma_cmd o;
	int r;

	len = load_source(w, 1, &seed, &crc);
	if (!len)
		return -1;
	r = swmmu_run1(w->p->fd, w->q[1], swmmu_cmd_copy(WIN(w->idx), dst, len), &o);
	if (r || o.out_result != len || !o.out_fault_seq)
		return fail("stall-copy: status %d, %llu of %llu bytes, fault seq %llu", r,
			    (unsigned long long)o.out_result, (unsigned long long)len,
			    (unsigned long long)o.out_fault_seq), -1;
	if (verify(w, 1, dst, len, seed, crc, "stall-copy"))
		return -1;
	if (_test_unmap(w->p->fd, w->p->as[1], dst, BUF_LEN, &un) || un != BUF_LEN)
		return fail("stall-copy: UNMAP of the served page gives %llu (%s)",
			    (unsigned long long)un, strerror(errno)), -1;
	return 0;
}

/* A read of a hole of the terminate-mode address space: ENXIO at once. */
static int op_terminate(struct worker *w)
{
	struct swmmu_dma_cmd o;
	int r = swmmu_run1(w->p->fd, w->q[0], swmmu_cmd_crc32(WIN(w->idx) + OFF_HOLE, 64), &o);

	if (r != -ENXIO)
		return fail("term-fault: status %d, not -ENXIO", r), -1;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t iova;
	int as, r = 0;

	for (as = 0; as < 2; as++) {
		iova = WIN(w->idx);
		if (_test_map(w->p->fd, w->p->as[as], w->src, 0, BUF_LEN, SWMMU_MAP_FIXED_IOVA,
			      PROT_RW, 0, &iova))
			return fail("worker: MAP of the source: %s", strerror(errno)), NULL;
		iova = WIN(w->idx) + OFF_DST;
		if (_test_map(w->p->fd, w->p->as[as], w->dst, 0, BUF_LEN, SWMMU_MAP_FIXED_IOVA,
			      PROT_RW, 0, &iova))
			return fail("worker: MAP of the destination: %s", strerror(errno)), NULL;
	}
	while (!r && !past_deadline() && !atomic_load(&sh->stop)) {
		unsigned int op = rnd(&w->seed) % NR_OPS;

		as = rnd(&w->seed) % 2;
		switch (op) {
		case OP_MAPCYCLE:
			r = op_map_cycle(w, as);
			break;
		case OP_BATCH:
			r = op_batch(w, as);
			break;
		case OP_URING_MAP:
			r = op_uring_map(w, as);
			break;
		case OP_COPY:
			r = op_copy(w, as, false);
			break;
		case OP_URING_COPY:
			r = op_copy(w, as, true);
			break;
		case OP_STALL:
			r = op_stall(w);
			break;
		default:
			r = op_terminate(w);
			break;
		}
		if (!r)
			atomic_fetch_add(&sh->ops[op], 1);
	}
	return NULL;
}

/*
 * The fault server: a stalled fault is left waiting for 0-9 ms, then the page is mapped (the
 * faulting thread's buffer, found from the window the IOVA is in) and the fault answered RETRY.
 * Terminate-mode records are only counted. Runs until @stop.
 */
struct server {
	struct proc *p;
	atomic_int stop;
	uint64_t seed;
};

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct proc *p = s->p;
	struct pollfd pf = { .fd = p->fq, .events = POLLIN };
	struct swmmu_fault f;

	while (!atomic_load(&s->stop)) {
		struct swmmu_fault_response resp = { .code = SWMMU_FAULT_RESP_RETRY };
		uint64_t t, iova;

		if (poll(&pf, 1, 100) != 1)
			continue;
		if (read(p->fq, &f, sizeof(f)) != sizeof(f)) {
			fail("server: read of the fault queue: %s", strerror(errno));
			return NULL;
		}
		if (f.lost) {
			fail("server: %u fault records lost", f.lost);
			return NULL;
		}
		if (!(f.flags & SWMMU_FAULT_STALLED)) {
			atomic_fetch_add(&sh->faults_terminated, 1);
			continue;
		}
		t = (f.iova >> 26) - 1;
		if (f.as_id != p->as[1] || t >= p->nr ||
		    (f.iova & ((1ULL << 26) - 1)) - OFF_STALL >= BUF_LEN) {
			fail("server: a stalled fault at %#llx of AS %u that no thread caused",
			     (unsigned long long)f.iova, f.as_id);
			resp.code = SWMMU_FAULT_RESP_FAIL;
		} else {
			sleep_ms(rnd(&s->seed) % 10);
			iova = WIN(t) + OFF_STALL;
			if (_test_map(p->fd, p->as[1], p->w[t].stallbuf, 0, BUF_LEN,
				      SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova)) {
				fail("server: MAP at %#llx: %s", (unsigned long long)iova,
				     strerror(errno));
				resp.code = SWMMU_FAULT_RESP_FAIL;
			}
		}
		resp.seq = f.seq;
		if (write(p->fq, &resp, sizeof(resp)) != sizeof(resp)) {
			fail("server: response to fault %llu: %s", (unsigned long long)f.seq,
			     strerror(errno));
			return NULL;
		}
		if (resp.code == SWMMU_FAULT_RESP_RETRY)
			atomic_fetch_add(&sh->faults_served, 1);
	}
	return NULL;
}

/* Named address spaces through generic netlink: create, map, query, delete. */
static void *netlink_main(void *arg)
{
	struct proc *p = arg;
	struct nlt n;
	char name[32];
	unsigned int gen = 0, i;
	uint64_t dma;
	int r;

	r = nlt_open(&n);
	if (r)
		return fail("netlink: open: %s", strerror(-r)), NULL;
	while (!past_deadline() && !atomic_load(&sh->stop)) {
		snprintf(name, sizeof(name), "soak-%u-%u", p->id, gen++);
		r = nlt_as_new(&n, name, "x86_64");
		if (r) {
			fail("netlink: AS_NEW %s: %s (%s)", name, strerror(-r), n.extack);
			break;
		}
		for (i = 0; i < 8 && !r; i++) {
			r = nlt_map(&n, name, SZ_64K * i, SZ_4K * (1 + i), PROT_RW);
			if (r) {
				fail("netlink: MAP in %s: %s (%s)", name, strerror(-r), n.extack);
				break;
			}
			dma = 0;
			r = nlt_query(&n, name, SZ_64K * i + SZ_4K * i, &dma);
			if (r || !dma)
				fail("netlink: QUERY in %s: %s, dma %#llx", name, strerror(-r),
				     (unsigned long long)dma), r = r ? r : -EIO;
		}
		atomic_fetch_add(&sh->nl_ops, 2 * i + 2);
		if (nlt_as_del(&n, name)) {
			fail("netlink: AS_DEL %s: %s", name, strerror(-n.err));
			break;
		}
		if (r)
			break;
	}
	nlt_close(&n);
	return NULL;
}

static int buf_alloc(int fd, uint32_t *id)
{
	if (_test_buf_alloc(fd, BUF_LEN, 0, id))
		return fail("BUF_ALLOC: %s", strerror(errno)), -1;
	return 0;
}

static int proc_main(unsigned int id, unsigned int threads, uint64_t seed)
{
	static struct proc p;
	struct server srv = { .p = &p, .seed = seed ^ 0x5eed };
	struct swmmu_format_info fi;
	pthread_t st, nt;
	unsigned int i, started = 0;
	int as, rc = 1;

	p.id = id;
	p.nr = threads;
	p.fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	if (p.fd < 0)
		return fail("open %s: %s", SWMMU_DEV, strerror(errno)), 1;
	if (swmmu_format_by_name(p.fd, "x86_64", &fi))
		return fail("no x86_64 format"), 1;
	for (as = 0; as < 2; as++)
		if (_test_as_alloc(p.fd, fi.format_id, 0, &p.as[as], NULL))
			return fail("AS_ALLOC: %s", strerror(errno)), 1;
	if (_test_fault_queue(p.fd, 256, &p.fq) ||
	    _test_fault_config(p.fd, p.as[1], SWMMU_FAULT_MODE_STALL, STALL_TIMEOUT_MS))
		return fail("fault queue / FAULT_CONFIG: %s", strerror(errno)), 1;
	for (i = 0; i < threads; i++) {
		struct worker *w = &p.w[i];

		w->p = &p;
		w->idx = i;
		w->seed = seed * 1000003 + i + 1;
		w->data = malloc(BUF_LEN);
		w->back = malloc(BUF_LEN);
		if (!w->data || !w->back)
			return fail("out of memory"), 1;
		if (buf_alloc(p.fd, &w->src) || buf_alloc(p.fd, &w->dst) ||
		    buf_alloc(p.fd, &w->scratch) || buf_alloc(p.fd, &w->stallbuf))
			return 1;
		for (as = 0; as < 2; as++)
			if (_test_queue_alloc(p.fd, p.as[as], &w->q[as]))
				return fail("QUEUE_ALLOC: %s", strerror(errno)), 1;
		if (io_uring_queue_init(8, &w->ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
			return fail("io_uring_queue_init failed"), 1;
	}
	if (pthread_create(&st, NULL, server_main, &srv))
		return fail("pthread_create"), 1;
	if (pthread_create(&nt, NULL, netlink_main, &p)) {
		fail("pthread_create");
		goto out_server;
	}
	for (i = 0; i < threads; i++, started++)
		if (pthread_create(&p.w[i].th, NULL, worker_main, &p.w[i])) {
			fail("pthread_create");
			atomic_store(&sh->stop, 1);
			break;
		}
	for (i = 0; i < started; i++)
		pthread_join(p.w[i].th, NULL);
	pthread_join(nt, NULL);
	rc = 0;
out_server:
	atomic_store(&srv.stop, 1);
	pthread_join(st, NULL);
	for (i = 0; i < threads; i++) {
		io_uring_queue_exit(&p.w[i].ring);
		free(p.w[i].data);
		free(p.w[i].back);
	}
	close(p.fq);
	close(p.fd);
	return rc;
}

/* The netlink monitor: every event counted, sequence numbers always increasing. */
static int monitor_main(void)
{
	static char buf[NLT_BUF];
	const struct nlattr *attrs, *a;
	struct nlt n;
	uint64_t last = 0, seq;
	int len, r;

	r = nlt_open(&n);
	if (!r)
		r = nlt_subscribe(&n);
	if (r)
		return fail("monitor: netlink: %s", strerror(-r)), 1;
	while (!atomic_load(&sh->stop)) {
		r = nlt_event(&n, 200, buf, sizeof(buf), &attrs, &len);
		if (r == -ETIMEDOUT)
			continue;
		if (r == -ENOBUFS) {
			/* The socket's buffer overflowed: events were dropped, not reordered. */
			atomic_fetch_add(&sh->events_lost, 1);
			continue;
		}
		if (r) {
			fail("monitor: %s", strerror(-r));
			break;
		}
		a = nlt_find(attrs, len, SWMMU_A_EVENT_SEQ);
		if (!a) {
			fail("monitor: an event without a sequence number");
			break;
		}
		seq = nlt_get_u64(a);
		if (last && seq <= last) {
			fail("monitor: event sequence %llu after %llu", (unsigned long long)seq,
			     (unsigned long long)last);
			break;
		}
		last = seq;
		atomic_fetch_add(&sh->events, 1);
	}
	nlt_close(&n);
	return 0;
}

/* swmmud: started with a configuration that creates DAEMON_AS. */
static pid_t daemon_start(const char *path)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(DAEMON_LOG, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(path, "swmmud", "-f", "-c", DAEMON_CONF, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* SIGTERM and wait (bounded): 0 if it exited with status 0. */
static int daemon_stop(pid_t pid)
{
	int status, i;

	if (kill(pid, SIGTERM))
		return -1;
	for (i = 0; i < 150; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
		sleep_ms(100);
	}
	fail("swmmud did not exit 15 s after SIGTERM");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Wait (up to 15 s) until swmmud has created its address space. */
static int daemon_ready(struct nlt *n)
{
	int i;

	for (i = 0; i < 150; i++) {
		if (!nlt_as_get(n, DAEMON_AS))
			return 0;
		sleep_ms(100);
	}
	return fail("swmmud did not create %s in 15 s (log: %s)", DAEMON_AS, DAEMON_LOG), -1;
}

/* Delete the daemon's address space (it stays in the kernel when swmmud exits). */
static void daemon_as_del(struct nlt *n)
{
	if (nlt_as_del(n, DAEMON_AS))
		fail("AS_DEL %s: %s", DAEMON_AS, strerror(-n->err));
}

static int write_daemon_conf(void)
{
	static const char conf[] =
		"address_spaces:\n"
		"  - name: " DAEMON_AS "\n"
		"    format: x86_64\n"
		"    regions:\n"
		"      - { iova: 0x100000, size: 64K, prot: rw }\n";
	FILE *f = fopen(DAEMON_CONF, "w");

	if (!f || fputs(conf, f) < 0 || fclose(f))
		return fail("%s: %s", DAEMON_CONF, strerror(errno)), -1;
	return 0;
}

/* Wait for a child until @limit (CLOCK_MONOTONIC seconds); kill it if it is late. */
static int reap(pid_t pid, const char *what, time_t limit)
{
	struct timespec now;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (r < 0 || now.tv_sec > limit) {
			fail("%s (pid %d) still running %d s after the deadline: killed", what, pid,
			     GRACE_S);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sleep_ms(50);
	}
	if (WIFSIGNALED(status))
		return fail("%s died of signal %d (%s)", what, WTERMSIG(status),
			    strsignal(WTERMSIG(status))), -1;
	if (WEXITSTATUS(status))
		return fail("%s exited with status %d", what, WEXITSTATUS(status)), -1;
	return 0;
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s [-d SECONDS] [-p PROCESSES] [-t THREADS] [-s SEED] [-D SWMMUD]\n"
		"One soak round on a loaded swmmu.ko (see scripts/soak.sh). Defaults: 30 s, 3\n"
		"processes, 4 threads, seed 1, swmmud /opt/swmmu/bin/swmmud.\n", argv0);
}

int main(int argc, char **argv)
{
	const char *swmmud = "/opt/swmmu/bin/swmmud";
	unsigned int secs = 30, procs = 3, threads = 4, i;
	pid_t pids[MAX_PROCS], mon, dpid = -1;
	struct swmmu_counters c = { 0 };
	uint64_t seed = 1;
	struct nlt n;
	bool zero = false;
	int opt;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout, argv[0]);
		return 0;
	}
	while ((opt = getopt(argc, argv, "d:p:t:s:D:h")) != -1) {
		switch (opt) {
		case 'd':
			secs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			procs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'D':
			swmmud = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (!procs || procs > MAX_PROCS || !threads || threads > MAX_THREADS || !seed) {
		usage(stderr, argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += secs;
	if (nlt_open(&n)) {
		fprintf(stderr, "swmmu-soak: no swmmu netlink family (is swmmu.ko loaded?)\n");
		return 1;
	}
	if (access(swmmud, X_OK)) {
		printf("# note: %s not found: swmmud is not restarted in this round\n", swmmud);
		swmmud = NULL;
	} else if (!write_daemon_conf()) {
		dpid = daemon_start(swmmud);
		if (dpid < 0 || daemon_ready(&n))
			swmmud = NULL;
	}
	mon = fork();
	if (!mon)
		_exit(monitor_main());
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(proc_main(i, threads, seed * 7919 + i));
		if (pids[i] < 0) {
			fail("fork: %s", strerror(errno));
			procs = i;
			break;
		}
	}
	/* Half way: restart swmmud; its address space must come back. */
	if (swmmud && dpid > 0) {
		sleep(secs / 2);
		if (daemon_stop(dpid))
			fail("swmmud did not exit cleanly on SIGTERM (log: %s)", DAEMON_LOG);
		daemon_as_del(&n);
		dpid = daemon_start(swmmud);
		if (daemon_ready(&n))
			swmmud = NULL;
		else
			printf("# swmmud restarted, %s back\n", DAEMON_AS);
	}
	for (i = 0; i < procs; i++) {
		char what[32];

		snprintf(what, sizeof(what), "worker process %u", i);
		reap(pids[i], what, deadline.tv_sec + GRACE_S);
	}
	atomic_store(&sh->stop, 1);
	reap(mon, "netlink monitor", deadline.tv_sec + GRACE_S);
	if (dpid > 0) {
		if (daemon_stop(dpid))
			fail("swmmud did not exit cleanly on SIGTERM (log: %s)", DAEMON_LOG);
		daemon_as_del(&n);
	}
	nlt_close(&n);
	/* io_uring drops its file references asynchronously: give the counters up to 10 s. */
	for (i = 0; i < 100 && !zero; i++) {
		if (swmmu_read_counters(&c)) {
			fail("%s: %s", SWMMU_COUNTERS, strerror(errno));
			break;
		}
		zero = swmmu_counters_zero(&c);
		if (!zero)
			sleep_ms(100);
	}
	if (!zero)
		fail("counters not back to zero: files %ld as %ld bufs %ld (%ld B) tables %ld "
		     "(%ld B) mappings %ld vmas %ld queues %ld jobs %ld fault queues %ld", c.files,
		     c.address_spaces, c.buffers, c.buffer_bytes, c.tables, c.table_bytes,
		     c.mappings, c.vmas, c.queues, c.dma_jobs, c.fault_queues);

	printf("# round: %u s, %u processes x %u threads, seed %llu\n", secs, procs, threads,
	       (unsigned long long)seed);
	{
		unsigned long long total = 0;

		for (i = 0; i < NR_OPS; i++) {
			total += sh->ops[i];
			printf("#   %-11s %llu\n", op_names[i], (unsigned long long)sh->ops[i]);
		}
		printf("# operations %llu (+ netlink %llu), copies %llu, bytes verified %llu, "
		       "faults served %llu, faults terminated %llu, events %llu (overruns %llu), "
		       "counters zero %s, failures %d\n", total,
		       (unsigned long long)sh->nl_ops, (unsigned long long)sh->copies,
		       (unsigned long long)sh->bytes_verified,
		       (unsigned long long)sh->faults_served,
		       (unsigned long long)sh->faults_terminated,
		       (unsigned long long)sh->events, (unsigned long long)sh->events_lost,
		       zero ? "yes" : "no", sh->failures);
		if (!total || !sh->copies || !sh->faults_served)
			fail("the round did no work (operations %llu, copies %llu, faults served %llu)",
			     total, (unsigned long long)sh->copies,
			     (unsigned long long)sh->faults_served);
	}
	if (sh->failures) {
		printf("# FAILED: %d failures, the first: %s\n", sh->failures, sh->first_failure);
		return 1;
	}
	return 0;
}
