// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrency contract: several threads map, unmap (freeing empty tables through a gather) and
 * protect disjoint ranges of one address space whose upper tables they share, while a lock-free
 * reader translates addresses of every range. Each thread's mappings follow pa = va + OFFSET, so
 * every translation the reader ever sees must satisfy it. Freed tables are poisoned by the test
 * allocator, and the gather flush waits for the reader to finish its current walk (as an IOTLB
 * flush would), so a table freed too early shows up as a wrong translation.
 */
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <stdbool.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

#define NTHREADS	4
#define OFFSET		(1ULL << 40)
#define CHUNK		(2ULL << 20)
#define CHUNKS		64	/* per thread, interleaved: thread t owns chunks t, t + N, ... */

static struct test_mem tm;
static struct swmmu_mem slow_mem;
static struct swmmu_mem_ops slow_ops;
static __thread bool in_reader;
static struct swmmu_as as;
static u64 base;
static volatile int stop;
static volatile u64 current_va[NTHREADS];	/* the chunk each writer works on */
static volatile unsigned long reader_seq, reader_busy;
static long bad_reads, good_reads, thread_errors;
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

static void thread_error(const char *what, int ret, u64 va)
{
	pthread_mutex_lock(&err_lock);
	if (thread_errors++ < 5)
		tap_diag("%s at 0x%llx: %s", what, (unsigned long long)va, test_errname(ret));
	pthread_mutex_unlock(&err_lock);
}

/* Wait until the reader is not inside a walk it started before the flush. */
static void flush_wait(void *ctx, const struct swmmu_gather *g)
{
	unsigned long seq = __atomic_load_n(&reader_seq, __ATOMIC_SEQ_CST);

	(void)ctx;
	(void)g;
	while (__atomic_load_n(&reader_busy, __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&reader_seq, __ATOMIC_SEQ_CST) == seq)
		;
}

/*
 * Callback form of to_cpu: in the reader it spins after resolving a table address, widening the
 * window between reading a table pointer and reading the table it points at.
 */
static void *slow_to_cpu(void *ctx, u64 addr)
{
	struct test_mem *m = ctx;
	volatile int i;

	if (in_reader)
		for (i = 0; i < 300; i++)
			;
	return m->base + (addr - TEST_BUS_BASE);
}

static u64 chunk_va(int t, int c)
{
	return base + (u64)(c * NTHREADS + t) * CHUNK;
}

static void *writer(void *arg)
{
	int t = (int)(long)arg, round;
	u64 seed = 1234 + t;
	struct swmmu_gather g;

	swmmu_gather_init(&g, flush_wait, NULL);
	double t0 = test_now();

	for (round = 0; test_now() - t0 < 0.5; round++) {
		int c = (int)(test_rand(&seed) % CHUNKS);
		u64 va = chunk_va(t, c), off = (test_rand(&seed) % 256) * 4096;
		u64 len = 4096 * (1 + test_rand(&seed) % (512 - off / 4096));
		struct swmmu_xlate x;
		int ret;

		__atomic_store_n(&current_va[t], va, __ATOMIC_RELAXED);
		if (test_rand(&seed) % 4 == 0) {
			off = 0;
			len = CHUNK;	/* a 2M leaf */
		}
		ret = swmmu_map(&as, va + off, va + off + OFFSET, len, SWMMU_PROT_R | SWMMU_PROT_W);
		if (ret && ret != -EEXIST)
			thread_error("map", ret, va + off);
		if (!ret && (swmmu_query(&as, va + off + len - 4096, &x) ||
			     x.pa != va + off + len - 4096 + OFFSET))
			thread_error("own query", -1, va + off);
		if (test_rand(&seed) % 3 == 0) {
			ret = swmmu_protect(&as, va, CHUNK, SWMMU_PROT_R, SWMMU_UNMAP_SPLIT, &g);
			if (ret && ret != -ENOENT)
				thread_error("protect", ret, va);
		}
		if (test_rand(&seed) % 2 == 0) {
			ret = swmmu_unmap(&as, va, CHUNK, SWMMU_UNMAP_FREE_EMPTY, &g, NULL);
			if (ret && ret != -ENOENT)
				thread_error("unmap", ret, va);
			swmmu_gather_flush(&g);
		}
	}
	swmmu_unmap(&as, chunk_va(t, 0), CHUNK, 0, &g, NULL);
	for (round = 0; round < CHUNKS; round++)
		swmmu_unmap(&as, chunk_va(t, round), CHUNK, SWMMU_UNMAP_FREE_EMPTY, &g, NULL);
	swmmu_gather_flush(&g);
	return NULL;
}

static void *reader(void *arg)
{
	u64 seed = 99, span = (u64)CHUNKS * NTHREADS * CHUNK;

	(void)arg;
	in_reader = true;
	while (!stop) {
		u64 r = test_rand(&seed), va;

		/* Mostly where a writer is working right now, else anywhere. */
		if (r % 4)
			va = __atomic_load_n(&current_va[r % NTHREADS], __ATOMIC_RELAXED) +
			     ((r >> 8) % CHUNK & ~4095ULL);
		else
			va = base + ((r >> 8) % span & ~4095ULL);
		struct swmmu_xlate x;
		int ret;

		__atomic_store_n(&reader_busy, 1, __ATOMIC_SEQ_CST);
		ret = swmmu_translate(&as, va, SWMMU_PROT_R, false, &x);
		__atomic_store_n(&reader_busy, 0, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&reader_seq, 1, __ATOMIC_SEQ_CST);
		if (ret == 0) {
			if (x.pa != va + OFFSET || !(x.prot & SWMMU_PROT_R))
				bad_reads++;
			else
				good_reads++;
		} else if (ret != -ENOENT) {
			bad_reads++;
		}
	}
	return NULL;
}

/* max_tables: the tables above the chunks, which stay (their span is larger than a chunk). */
static void run(const char *fmt, u64 max_tables)
{
	pthread_t w[NTHREADS], r;
	struct swmmu_stats st;
	long i;

	stop = 0;
	bad_reads = good_reads = thread_errors = 0;
	base = 1ULL << 39;	/* shared level-3/level-2 tables, one level-1 item per chunk */
	slow_ops = *tm.mem.ops;
	slow_ops.to_cpu = slow_to_cpu;
	slow_mem = tm.mem;
	slow_mem.ops = &slow_ops;
	if (swmmu_as_init(&as, swmmu_format_find(fmt), &slow_mem)) {
		tap_ok(false, "%s: setup", fmt);
		return;
	}
	pthread_create(&r, NULL, reader, NULL);
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&w[i], NULL, writer, (void *)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(w[i], NULL);
	stop = 1;
	pthread_join(r, NULL);
	TAP_EQ(thread_errors, 0, "%s: %d writers on disjoint ranges: every op as expected", fmt,
	       NTHREADS);
	TAP_CHECK(good_reads > 0, "%s: the lock-free reader saw %ld mapped translations", fmt,
		  good_reads);
	TAP_EQ(bad_reads, 0, "%s: no torn, stale or freed-table translation seen", fmt);
	swmmu_as_stats(&as, &st);
	TAP_CHECK(st.nr_tables <= max_tables, "%s: empty tables freed (%llu left)", fmt,
		  (unsigned long long)st.nr_tables);
	swmmu_as_destroy(&as);
	TAP_EQ(tm.live, 0, "%s: no table leaked", fmt);
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 30))
		return 1;
	run("x86_64", 3);
	run("aarch64-4k", 3);
	/* Dual PD0 entries: big and small pages, each chunk one PD0 item; PD3..PD0 stay. */
	run("nv-gp100", 4);
	return tap_done();
}
