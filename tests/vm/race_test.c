// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invalidation races: DMA writers keep filling a buffer through one address space while the main
 * thread unmaps (or write-protects) it there. The buffer is also mapped in a second address
 * space, which the main thread reads right after UNMAP/PROTECT returns and again later: any byte
 * that changed in between is a late write through a translation that should have been gone.
 * Runs with 4 KiB and with 2 MiB leaves, with one and with two writer queues; the UNMAP also as
 * a SWMMU_MAP_BATCH of one UNMAP per leaf (one invalidation at its end), and as a batch that
 * also maps a decoy buffer at the same VAs: the writers go on in the decoy, and the buffer must
 * see nothing of them once the batch has returned.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"

#define ITERATIONS	40
#define VA		SZ_4M

FIXTURE(race) {
	int fd;
	uint32_t as_id, witness, buf, decoy, q[2];
	uint64_t len;
	uint8_t *s1, *s2;
};

FIXTURE_VARIANT(race) {
	uint32_t pgsize_lg2;
	unsigned int writers;
};

FIXTURE_VARIANT_ADD(race, leaf_4k) {
	.pgsize_lg2 = 12,
	.writers = 1,
};

FIXTURE_VARIANT_ADD(race, leaf_2m) {
	.pgsize_lg2 = 21,
	.writers = 1,
};

FIXTURE_VARIANT_ADD(race, leaf_4k_two_queues) {
	.pgsize_lg2 = 12,
	.writers = 2,
};

FIXTURE_SETUP(race)
{
	struct swmmu_format_info fi;
	uint64_t wva = 0;
	unsigned int i;

	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, "x86_64", &fi));
	test_cmd_as_alloc(fi.format_id, 0, &self->as_id, NULL);
	test_cmd_as_alloc(fi.format_id, 0, &self->witness, NULL);
	self->len = variant->pgsize_lg2 == 21 ? SZ_2M : 16 * SZ_4K;
	test_cmd_buf_alloc(self->len, SWMMU_BUF_CONTIG, &self->buf);
	test_cmd_buf_alloc(self->len, SWMMU_BUF_CONTIG, &self->decoy);
	ASSERT_EQ(0, _test_map(self->fd, self->witness, self->buf, 0, self->len, 0, PROT_RW, 0,
			       &wva));
	ASSERT_EQ(0, wva);
	for (i = 0; i < variant->writers; i++)
		test_cmd_queue_alloc(self->as_id, &self->q[i]);
	self->s1 = malloc(self->len);
	self->s2 = malloc(self->len);
	ASSERT_NE(NULL, self->s1);
	ASSERT_NE(NULL, self->s2);
}

FIXTURE_TEARDOWN(race)
{
	free(self->s1);
	free(self->s2);
	close(self->fd);
	test_no_leaks();
}

struct writer {
	int fd;
	uint32_t q;
	uint64_t len, seed, count;
	int status;
	volatile int *go;
};

/* Fill the whole range with a new value until a command fails. */
static void *writer(void *arg)
{
	struct writer *w = arg;

	while (!*w->go)
		;
	for (;;) {
		uint64_t v = (w->seed << 48) | ++w->count;
		struct swmmu_dma_cmd c = swmmu_cmd_fill(VA, w->len, v);

		w->status = swmmu_run1(w->fd, w->q, c, NULL);
		if (w->status)
			return NULL;
	}
}

enum race_mode {
	RACE_UNMAP,		/* SWMMU_UNMAP */
	RACE_PROTECT,		/* SWMMU_PROTECT read-only */
	RACE_BATCH_UNMAP,	/* SWMMU_MAP_BATCH: an UNMAP per leaf */
	RACE_BATCH_REMAP,	/* the same, then MAPs of the decoy at the same VAs */
};

/*
 * A batch of @op over the buffer's VAs, one entry per leaf of @pg bytes: MAPs of @buf (or, for
 * @remap, UNMAPs followed by MAPs of @buf).
 */
static int batch_leaves(int fd, uint32_t as, uint32_t buf, uint64_t len, uint32_t pg_lg2,
			bool unmap, bool remap)
{
	struct swmmu_map_batch_op ops[64];
	uint64_t pg = 1ULL << pg_lg2, off;
	uint32_t n = 0, done;

	for (off = 0; unmap && off < len; off += pg)
		ops[n++] = swmmu_bop_unmap(VA + off, pg);
	for (off = 0; (!unmap || remap) && off < len; off += pg) {
		ops[n] = swmmu_bop_map(buf, off, pg, VA + off, PROT_RW);
		ops[n++].pgsize_lg2 = pg_lg2;
	}
	return _test_map_batch(fd, as, ops, n, &done);
}

static void run_race(struct __test_metadata *_metadata, FIXTURE_DATA(race) *self,
		     const FIXTURE_VARIANT(race) *variant, enum race_mode mode)
{
	bool protect = mode == RACE_PROTECT, batch = mode >= RACE_BATCH_UNMAP;
	struct writer w[2];
	pthread_t th[2];
	unsigned int it, i, late = 0;
	uint64_t total = 0;
	volatile int go;

	for (it = 0; it < ITERATIONS; it++) {
		if (batch) {
			ASSERT_EQ(0, batch_leaves(self->fd, self->as_id, self->buf, self->len,
						  variant->pgsize_lg2, false, false));
		} else {
			ASSERT_EQ(0, _test_map(self->fd, self->as_id, self->buf, 0, self->len,
					       SWMMU_MAP_FIXED_IOVA, PROT_RW, variant->pgsize_lg2,
					       &(uint64_t){ VA }));
		}
		go = 0;
		for (i = 0; i < variant->writers; i++) {
			w[i] = (struct writer){ .fd = self->fd, .q = self->q[i], .len = self->len,
						.seed = i + 1, .go = &go };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, writer, &w[i]));
		}
		go = 1;
		/* Let the writers run for a varying while, so the invalidation hits mid-copy. */
		usleep(500 + (it * 397) % 3000);
		if (protect) {
			test_cmd_protect(self->as_id, VA, self->len, SWMMU_PROT_READ);
		} else if (batch) {
			ASSERT_EQ(0, batch_leaves(self->fd, self->as_id, self->decoy, self->len,
						  variant->pgsize_lg2, true,
						  mode == RACE_BATCH_REMAP));
		} else {
			test_cmd_unmap(self->as_id, VA, self->len, self->len);
		}
		test_cmd_rw(self->witness, 0, self->s1, self->len, false);
		usleep(20000);
		test_cmd_rw(self->witness, 0, self->s2, self->len, false);
		if (memcmp(self->s1, self->s2, self->len))
			late++;
		/* The writers fill the decoy now; unmapping it stops them. */
		if (mode == RACE_BATCH_REMAP) {
			test_cmd_unmap(self->as_id, VA, self->len, self->len);
		}
		for (i = 0; i < variant->writers; i++) {
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			ASSERT_EQ(protect ? -EACCES : -ENXIO, w[i].status);
			total += w[i].count;
		}
		if (protect) {
			test_cmd_unmap(self->as_id, VA, self->len, self->len);
		}
	}
	TH_LOG("%u iterations, %llu fills, %u with late writes", ITERATIONS,
	       (unsigned long long)total, late);
	ASSERT_EQ(0, late);
}

TEST_F(race, unmap_vs_dma)
{
	run_race(_metadata, self, variant, RACE_UNMAP);
}

TEST_F(race, protect_vs_dma)
{
	run_race(_metadata, self, variant, RACE_PROTECT);
}

TEST_F(race, batch_unmap_vs_dma)
{
	run_race(_metadata, self, variant, RACE_BATCH_UNMAP);
}

TEST_F(race, batch_remap_vs_dma)
{
	run_race(_metadata, self, variant, RACE_BATCH_REMAP);
}

TEST_HARNESS_MAIN
