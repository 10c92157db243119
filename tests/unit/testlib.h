/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared helpers of the host unit tests: a table-memory arena with small bus addresses,
 * allocation-failure injection and live counters; a byte-level snapshot of an address space's
 * tables; a seeded random generator.
 */
#ifndef SWMMU_TESTLIB_H
#define SWMMU_TESTLIB_H

#include <pthread.h>
#include "swmmu_pt.h"

/*
 * Arena: one mmap'ed region; addresses handed out are offsets from its start plus TEST_BUS_BASE
 * (so they fit every format's output-address field); cpu = addr + cpu_offset.
 */
#define TEST_BUS_BASE	0x100000ULL

struct test_mem {
	pthread_mutex_t lock;
	char *base;
	size_t size, used;
	void *free_list[32];	/* per lg2 size */
	long live, live_bytes;	/* blocks handed out and not freed */
	long allocs;		/* allocation calls */
	long fail_at;		/* fail the allocation call with this number (1-based), 0: never */
	long failed;		/* allocation calls failed by injection */
	/*
	 * Live blocks whose alignment exceeded their size (their size class is the alignment's):
	 * free only gets the size, so it looks their class up here.
	 */
	struct {
		void *p;
		unsigned int lg2;
	} over[256];
	unsigned int nr_over;
	struct swmmu_mem mem;
};

int test_mem_init(struct test_mem *m, size_t size);
void test_mem_fini(struct test_mem *m);

/* FNV-1a over the bytes of every table reachable from the root, in walk order. */
u64 test_snapshot(const struct swmmu_as *as);

/* xorshift64* */
static inline u64 test_rand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

double test_now(void);
const char *test_errname(int err);

/* The prot letters rwxugd plus n (null), e.g. "rw-u-" style not used: "rwx" */
void test_prot_str(u32 prot, char *buf);

#endif /* SWMMU_TESTLIB_H */
