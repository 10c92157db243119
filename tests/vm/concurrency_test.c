// SPDX-License-Identifier: GPL-2.0-only
/*
 * Several threads on one address space: mappers map and unmap disjoint ranges, a device-path
 * thread reads and writes a stable mapping, a CPU thread faults through mmap() both the stable
 * mapping and one that is being mapped and unmapped under it. Every operation must succeed,
 * data must be what was written, and the kernel log must stay clean (the VM lane checks it).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

#define NR_MAPPERS	3
#define ITERS		150
#define CHURN_BASE	0x100000000ULL
#define CHURN_STRIDE	0x40000000ULL
#define STABLE_IOVA	0x7000000000ULL
#define STABLE_LEN	(16 * SZ_4K)

struct ctx {
	int fd;
	uint32_t as;
	uint64_t mmap_offset;
	uint32_t bufs[NR_MAPPERS];
	uint8_t *stable_cpu;
	uint8_t *churn_cpu;
	volatile int stop;
	int errors;
	int cpu_hits, cpu_sigbus;
};

static void fail(struct ctx *c)
{
	__atomic_add_fetch(&c->errors, 1, __ATOMIC_SEQ_CST);
}

struct mapper_arg {
	struct ctx *c;
	int idx;
};

static void *mapper(void *p)
{
	struct mapper_arg *a = p;
	struct ctx *c = a->c;
	uint64_t iova = CHURN_BASE + a->idx * CHURN_STRIDE, un;
	uint8_t w[256], r[256];
	int i;

	for (i = 0; i < ITERS; i++) {
		uint64_t at = iova + (i % 4) * SZ_2M;

		if (_test_map(c->fd, c->as, c->bufs[a->idx], 0, 4 * SZ_4K, SWMMU_MAP_FIXED_IOVA,
			      PROT_RW, 0, &at)) {
			fail(c);
			break;
		}
		memset(w, a->idx + 1, sizeof(w));
		if (_test_rw(c->fd, c->as, at + SZ_4K - 100, w, sizeof(w), true) ||
		    _test_rw(c->fd, c->as, at + SZ_4K - 100, r, sizeof(r), false) ||
		    memcmp(w, r, sizeof(r)))
			fail(c);
		if (_test_unmap(c->fd, c->as, at, 4 * SZ_4K, &un) || un != 4 * SZ_4K)
			fail(c);
	}
	return NULL;
}

static void *device_rw(void *p)
{
	struct ctx *c = p;
	uint8_t *w = malloc(STABLE_LEN), *r = malloc(STABLE_LEN);
	uint64_t seed = 1;

	while (!c->stop && w && r) {
		/* The first page belongs to the CPU thread. */
		swmmu_fill(w, STABLE_LEN - SZ_4K, seed);
		if (_test_rw(c->fd, c->as, STABLE_IOVA + SZ_4K, w, STABLE_LEN - SZ_4K, true) ||
		    _test_rw(c->fd, c->as, STABLE_IOVA + SZ_4K, r, STABLE_LEN - SZ_4K, false) ||
		    !swmmu_check(r, STABLE_LEN - SZ_4K, seed))
			fail(c);
		seed++;
	}
	free(w);
	free(r);
	return NULL;
}

static void *cpu_faults(void *p)
{
	struct ctx *c = p;
	uint8_t v, n = 0, back;
	int sig;

	while (!c->stop) {
		/* Stable: CPU write, device read. */
		c->stable_cpu[n] = n;
		if (_test_rw(c->fd, c->as, STABLE_IOVA + n, &back, 1, false) || back != n)
			fail(c);
		/* Churning: present with the mapper's data (or still zero), or SIGBUS. */
		sig = swmmu_probe(c->churn_cpu + SZ_4K - 100 + (n % 200), false, 0, &v);
		if (sig == SIGBUS)
			c->cpu_sigbus++;
		else if (sig == 0 && (v == 1 || v == 0))
			c->cpu_hits++;
		else
			fail(c);
		n++;
	}
	return NULL;
}

FIXTURE(conc) {
	int fd;
};

FIXTURE_SETUP(conc)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(conc)
{
	close(self->fd);
	test_no_leaks();
}

TEST_F(conc, map_unmap_rw_fault)
{
	struct swmmu_format_info fi;
	struct mapper_arg args[NR_MAPPERS];
	pthread_t mt[NR_MAPPERS], rt, ft;
	struct swmmu_as_stats st;
	struct ctx c = { .fd = self->fd };
	uint32_t stable;
	uint64_t iova = STABLE_IOVA;
	int i;

	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	ASSERT_EQ(0, _test_as_alloc(self->fd, fi.format_id, 0, &c.as, &c.mmap_offset));
	for (i = 0; i < NR_MAPPERS; i++)
		ASSERT_EQ(0, _test_buf_alloc(self->fd, 4 * SZ_4K, 0, &c.bufs[i]));
	ASSERT_EQ(0, _test_buf_alloc(self->fd, STABLE_LEN, 0, &stable));
	test_cmd_map_fixed(c.as, stable, 0, STABLE_LEN, iova);
	c.stable_cpu = mmap(NULL, STABLE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
			    c.mmap_offset + STABLE_IOVA);
	ASSERT_NE(MAP_FAILED, c.stable_cpu);
	c.churn_cpu = mmap(NULL, 4 * SZ_4K, PROT_READ, MAP_SHARED, self->fd,
			   c.mmap_offset + CHURN_BASE);
	ASSERT_NE(MAP_FAILED, c.churn_cpu);

	ASSERT_EQ(0, pthread_create(&rt, NULL, device_rw, &c));
	ASSERT_EQ(0, pthread_create(&ft, NULL, cpu_faults, &c));
	for (i = 0; i < NR_MAPPERS; i++) {
		args[i].c = &c;
		args[i].idx = i;
		ASSERT_EQ(0, pthread_create(&mt[i], NULL, mapper, &args[i]));
	}
	for (i = 0; i < NR_MAPPERS; i++)
		pthread_join(mt[i], NULL);
	c.stop = 1;
	pthread_join(rt, NULL);
	pthread_join(ft, NULL);
	TH_LOG("cpu thread: %d reads of the churning range, %d SIGBUS", c.cpu_hits,
	       c.cpu_sigbus);
	ASSERT_EQ(0, c.errors);
	ASSERT_EQ(0, _test_stats(self->fd, c.as, &st));
	ASSERT_EQ(1, st.out_nr_mappings);
	ASSERT_EQ(0, munmap(c.stable_cpu, STABLE_LEN));
	ASSERT_EQ(0, munmap(c.churn_cpu, 4 * SZ_4K));
}

TEST_HARNESS_MAIN
