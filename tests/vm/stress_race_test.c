// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetime and range races, each for a bounded time (RACE_SECONDS, default 3 s per test):
 * - map_unmap_vs_users: one thread maps, protects and unmaps the same device range over and over
 *   (4 KiB and 2 MiB leaves) while others touch it through mmap(), read and write it with RW,
 *   run DMA on it and QUERY it. Every access either works or fails the documented way (SIGBUS,
 *   SIGSEGV; ENXIO, EACCES, ENOENT), and the data is right once the race ends.
 * - close_vs_everything: a file is closed while threads are inside ioctls, CPU faults and
 *   io_uring commands on it; its mmap() outlives it. Everything is freed once the last user is
 *   gone (debugfs counters back to zero).
 * - rmmod_while_busy: delete_module() of swmmu must fail (EWOULDBLOCK or EBUSY) while a file is
 *   open, while only an mmap() of a closed file remains, and while io_uring commands are queued.
 * The number of iterations of each actor is printed.
 */
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

#define VA	SZ_4M

static unsigned int race_seconds(void)
{
	const char *v = getenv("RACE_SECONDS");

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : 3;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int try_rmmod(void)
{
	return (int)syscall(SYS_delete_module, "swmmu", O_NONBLOCK);
}

/* ---- map/unmap/protect racing CPU faults, RW, DMA and QUERY on the same range -------------- */

struct shared {
	int fd;
	uint32_t as, buf, q;
	uint64_t len;
	uint8_t *cpu;
	volatile int stop;
	/* per actor: iterations, successes, and the first unexpected errno (or signal) */
	uint64_t it[5], ok[5];
	int bad[5];
};

enum { A_MAPPER, A_TOUCH, A_RW, A_DMA, A_QUERY };
static const char *const actor[] = { "map/protect/unmap", "CPU touch", "RW", "DMA", "QUERY" };

static void note_bad(struct shared *s, int a, int e)
{
	if (!s->bad[a])
		s->bad[a] = e;
}

static void *mapper(void *arg)
{
	struct shared *s = arg;
	uint64_t iova, un;

	while (!s->stop) {
		unsigned int n = (unsigned int)s->it[A_MAPPER]++;
		uint32_t pg = n & 1 ? 21 : 12;

		iova = VA;
		if (_test_map(s->fd, s->as, s->buf, 0, s->len, SWMMU_MAP_FIXED_IOVA, PROT_RW, pg,
			      &iova)) {
			note_bad(s, A_MAPPER, errno);
			continue;
		}
		if (n % 3 == 0 && _test_protect(s->fd, s->as, VA, s->len, SWMMU_PROT_READ))
			note_bad(s, A_MAPPER, errno);
		usleep(n % 7 * 100);
		if (_test_unmap(s->fd, s->as, VA, s->len, &un) || un != s->len)
			note_bad(s, A_MAPPER, errno ? errno : -1);
		else
			s->ok[A_MAPPER]++;
	}
	return NULL;
}

static void *toucher(void *arg)
{
	struct shared *s = arg;

	while (!s->stop) {
		uint64_t off = (s->it[A_TOUCH]++ * 4099) % s->len;
		bool write = s->it[A_TOUCH] & 1;
		int sig = swmmu_probe(s->cpu + off, write, 0x5a, NULL);

		if (!sig)
			s->ok[A_TOUCH]++;
		else if (sig != SIGBUS && sig != SIGSEGV)
			note_bad(s, A_TOUCH, sig);
	}
	return NULL;
}

static void *rw_actor(void *arg)
{
	struct shared *s = arg;
	uint8_t buf[3 * 4096];

	while (!s->stop) {
		uint64_t off = (s->it[A_RW]++ * 8191) % (s->len - sizeof(buf));
		bool write = s->it[A_RW] & 1;

		if (!_test_rw(s->fd, s->as, VA + off, buf, sizeof(buf), write))
			s->ok[A_RW]++;
		else if (errno != ENXIO && errno != EACCES)
			note_bad(s, A_RW, errno);
	}
	return NULL;
}

static void *dma_actor(void *arg)
{
	struct shared *s = arg;

	while (!s->stop) {
		uint64_t n = s->it[A_DMA]++;
		struct swmmu_dma_cmd c = n & 1 ? swmmu_cmd_fill(VA, 2 * SZ_4K, n) :
				swmmu_cmd_copy(VA, VA + s->len / 2, 2 * SZ_4K);
		int st = swmmu_run1(s->fd, s->q, c, NULL);

		if (!st)
			s->ok[A_DMA]++;
		else if (st != -ENXIO && st != -EACCES)
			note_bad(s, A_DMA, -st);
	}
	return NULL;
}

static void *query_actor(void *arg)
{
	struct shared *s = arg;
	struct swmmu_query q;

	while (!s->stop) {
		s->it[A_QUERY]++;
		if (!_test_query(s->fd, s->as, VA + (s->it[A_QUERY] * 4096) % s->len, &q))
			s->ok[A_QUERY]++;
		else if (errno != ENOENT)
			note_bad(s, A_QUERY, errno);
	}
	return NULL;
}

TEST(map_unmap_vs_users)
{
	void *(*fn[])(void *) = { mapper, toucher, rw_actor, dma_actor, query_actor };
	struct swmmu_format_info fi;
	struct shared *s = calloc(1, sizeof(*s));
	uint64_t off, iova = VA;
	pthread_t th[5];
	unsigned int i;
	uint8_t *chk;
	double end;

	ASSERT_NE(NULL, s);
	s->len = SZ_2M;
	s->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, s->fd);
	ASSERT_EQ(0, swmmu_format_by_name(s->fd, "x86_64", &fi));
	ASSERT_EQ(0, _test_as_alloc(s->fd, fi.format_id, 0, &s->as, &off));
	ASSERT_EQ(0, _test_buf_alloc(s->fd, s->len, SWMMU_BUF_CONTIG, &s->buf));
	ASSERT_EQ(0, _test_queue_alloc(s->fd, s->as, &s->q));
	s->cpu = mmap(NULL, s->len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, off + VA);
	ASSERT_NE(MAP_FAILED, s->cpu);

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fn[i], s));
	end = now() + race_seconds();
	while (now() < end)
		usleep(50000);
	s->stop = 1;
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	for (i = 0; i < 5; i++) {
		printf("# %-18s %8llu iterations, %8llu succeeded\n", actor[i],
		       (unsigned long long)s->it[i], (unsigned long long)s->ok[i]);
		if (s->bad[i])
			TH_LOG("%s: unexpected %s (%d)", actor[i], strerror(s->bad[i]), s->bad[i]);
		EXPECT_EQ(0, s->bad[i]);
	}
	EXPECT_LT(0, s->ok[A_MAPPER]);

	/* Quiet again: the tables, the CPU view and the device view agree. */
	ASSERT_EQ(0, _test_map(s->fd, s->as, s->buf, 0, s->len, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,
			       &iova));
	chk = malloc(s->len);
	ASSERT_NE(NULL, chk);
	swmmu_fill(chk, s->len, 77);
	ASSERT_EQ(0, _test_rw(s->fd, s->as, VA, chk, s->len, true));
	EXPECT_TRUE(swmmu_check(s->cpu, s->len, 77));
	swmmu_fill(s->cpu, s->len, 78);
	ASSERT_EQ(0, _test_rw(s->fd, s->as, VA, chk, s->len, false));
	EXPECT_TRUE(swmmu_check(chk, s->len, 78));
	free(chk);
	munmap(s->cpu, s->len);
	close(s->fd);
	free(s);
	test_no_leaks();
}

/* ---- close racing everything ---------------------------------------------------------------- */

struct closer {
	int fd;			/* the number the users use; closed under them */
	uint32_t as, q;
	uint8_t *cpu;
	uint64_t len;
	volatile int stop;
	uint64_t calls, ebadf, touches, uring;
	struct io_uring ring;
};

static void *close_user(void *arg)
{
	struct closer *c = arg;
	uint8_t buf[4096];

	while (!c->stop) {
		c->calls++;
		if (_test_rw(c->fd, c->as, VA, buf, sizeof(buf), c->calls & 1) && errno == EBADF)
			c->ebadf++;
		swmmu_run1(c->fd, c->q, swmmu_cmd_fill(VA, SZ_4K, c->calls), NULL);
	}
	return NULL;
}

static void *close_toucher(void *arg)
{
	struct closer *c = arg;

	while (!c->stop) {
		/* The mapping keeps the file alive after close(): these must keep working. */
		swmmu_probe(c->cpu + (c->touches * 4096) % c->len, c->touches & 1, 1, NULL);
		c->touches++;
	}
	return NULL;
}

/* Queue DMA commands through io_uring and leave some outstanding when the file goes. */
static void close_uring(struct closer *c)
{
	struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = c->q };
	unsigned int i;
	int rc;

	for (i = 0; i < 16; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);
		uint8_t *raw = (uint8_t *)sqe;

		if (!sqe)
			break;
		__asm__("" : "+r"(raw));
		memset(raw, 0, 128);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = c->fd;
		sqe->cmd_op = SWMMU_URING_DMA;
		u.cmd = swmmu_cmd_fill(VA, c->len, i);
		memcpy(raw + offsetof(struct io_uring_sqe, cmd), &u, sizeof(u));
	}
	rc = io_uring_submit(&c->ring);
	if (rc > 0)
		c->uring += rc;
}

TEST(close_vs_everything)
{
	struct swmmu_format_info fi;
	struct swmmu_counters cnt;
	unsigned int rounds = 0, i, tries;
	uint64_t calls = 0, ebadf = 0, touches = 0, uring = 0, off;
	double end = now() + race_seconds();
	int fd0 = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd0);
	ASSERT_EQ(0, swmmu_format_by_name(fd0, "x86_64", &fi));
	close(fd0);
	while (now() < end) {
		struct closer *c = calloc(1, sizeof(*c));
		struct io_uring_cqe *cqe;
		pthread_t th[3];
		uint32_t buf;
		uint64_t iova = VA;

		ASSERT_NE(NULL, c);
		c->len = 16 * SZ_4K;
		c->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, c->fd);
		ASSERT_EQ(0, _test_as_alloc(c->fd, fi.format_id, 0, &c->as, &off));
		ASSERT_EQ(0, _test_buf_alloc(c->fd, c->len, 0, &buf));
		ASSERT_EQ(0, _test_map(c->fd, c->as, buf, 0, c->len, SWMMU_MAP_FIXED_IOVA, PROT_RW,
				       0, &iova));
		ASSERT_EQ(0, _test_queue_alloc(c->fd, c->as, &c->q));
		c->cpu = mmap(NULL, c->len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, off + VA);
		ASSERT_NE(MAP_FAILED, c->cpu);
		ASSERT_EQ(0, io_uring_queue_init(32, &c->ring, IORING_SETUP_SQE128 |
						 IORING_SETUP_CQE32));
		ASSERT_EQ(0, pthread_create(&th[0], NULL, close_user, c));
		ASSERT_EQ(0, pthread_create(&th[1], NULL, close_user, c));
		ASSERT_EQ(0, pthread_create(&th[2], NULL, close_toucher, c));
		close_uring(c);
		usleep(1000 + (rounds * 1777) % 20000);
		/* rmmod must fail while the file is open (tested in detail below). */
		EXPECT_EQ(-1, try_rmmod());
		close(c->fd);
		usleep(2000);
		c->stop = 1;
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, pthread_join(th[i], NULL));
		/* Everything queued completes (or is cancelled). */
		for (i = 0; i < c->uring; i++) {
			struct __kernel_timespec ts = { .tv_sec = 10 };

			ASSERT_EQ(0, io_uring_wait_cqe_timeout(&c->ring, &cqe, &ts));
			io_uring_cqe_seen(&c->ring, cqe);
		}
		io_uring_queue_exit(&c->ring);
		ASSERT_EQ(0, munmap(c->cpu, c->len));
		calls += c->calls;
		ebadf += c->ebadf;
		touches += c->touches;
		uring += c->uring;
		free(c);
		rounds++;
	}
	/* The ring's last file references go from a workqueue. */
	for (tries = 0; tries < 100; tries++) {
		ASSERT_EQ(0, swmmu_read_counters(&cnt));
		if (swmmu_counters_zero(&cnt))
			break;
		usleep(50000);
	}
	printf("# %u rounds: %llu ioctl pairs (%llu after close: EBADF), %llu CPU touches, "
	       "%llu io_uring commands\n", rounds, (unsigned long long)calls,
	       (unsigned long long)ebadf, (unsigned long long)touches,
	       (unsigned long long)uring);
	EXPECT_LT(0, rounds);
	test_no_leaks();
}

/* ---- rmmod while busy ------------------------------------------------------------------------- */

static void expect_rmmod_refused(struct __test_metadata *_metadata, const char *what)
{
	int rc = try_rmmod(), e = errno;

	if (rc == 0)
		TH_LOG("rmmod succeeded while %s", what);
	ASSERT_EQ(-1, rc);
	if (e != EWOULDBLOCK && e != EBUSY)
		TH_LOG("rmmod while %s: %s", what, strerror(e));
	ASSERT_TRUE(e == EWOULDBLOCK || e == EBUSY);
}

struct rmmod_hammer {
	volatile int stop;
	uint64_t tries;
	int unexpected;
};

static void *rmmod_thread(void *arg)
{
	struct rmmod_hammer *h = arg;

	while (!h->stop) {
		h->tries++;
		if (try_rmmod() == 0 || (errno != EWOULDBLOCK && errno != EBUSY))
			h->unexpected = errno ? errno : -1;
	}
	return NULL;
}

TEST(rmmod_while_busy)
{
	struct swmmu_format_info fi;
	struct rmmod_hammer h = { 0 };
	struct io_uring ring;
	uint64_t off, iova = VA, opens = 0;
	uint32_t as, buf, q;
	pthread_t th;
	uint8_t *cpu;
	double end;
	int fd, keep;

	if (geteuid())
		SKIP(return, "delete_module needs CAP_SYS_MODULE");
	/* One file stays open throughout: the module can never really go away in this test. */
	keep = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, keep);
	expect_rmmod_refused(_metadata, "a file is open");

	fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, swmmu_format_by_name(fd, "x86_64", &fi));
	ASSERT_EQ(0, _test_as_alloc(fd, fi.format_id, 0, &as, &off));
	ASSERT_EQ(0, _test_buf_alloc(fd, SZ_64K, 0, &buf));
	ASSERT_EQ(0, _test_map(fd, as, buf, 0, SZ_64K, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova));
	ASSERT_EQ(0, _test_queue_alloc(fd, as, &q));
	cpu = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off + VA);
	ASSERT_NE(MAP_FAILED, cpu);
	close(fd);
	cpu[0] = 1;
	expect_rmmod_refused(_metadata, "an mmap() of a closed file remains");
	ASSERT_EQ(0, munmap(cpu, SZ_64K));

	/* Attempts from another thread while files open and close and commands run. */
	ASSERT_EQ(0, pthread_create(&th, NULL, rmmod_thread, &h));
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32));
	end = now() + race_seconds();
	while (now() < end) {
		fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		opens++;
		if (opens % 4 == 0) {
			struct io_uring_cqe *cqe;
			struct swmmu_uring_dma u = { .size = sizeof(u), .queue_id = 1,
						     .cmd = swmmu_cmd_fill(0, SZ_4K, 1) };

			swmmu_prep_uring_cmd(io_uring_get_sqe(&ring), fd, SWMMU_URING_DMA, &u,
					     sizeof(u), 0);
			ASSERT_EQ(1, io_uring_submit(&ring));
			close(fd);
			ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
			io_uring_cqe_seen(&ring, cqe);
		} else {
			close(fd);
		}
	}
	h.stop = 1;
	ASSERT_EQ(0, pthread_join(th, NULL));
	io_uring_queue_exit(&ring);
	printf("# %llu rmmod attempts refused while %llu files opened and closed\n",
	       (unsigned long long)h.tries, (unsigned long long)opens);
	if (h.unexpected)
		TH_LOG("an rmmod attempt gave %s", strerror(h.unexpected));
	EXPECT_EQ(0, h.unexpected);
	EXPECT_LT(0, h.tries);
	close(keep);
}

TEST_HARNESS_MAIN
