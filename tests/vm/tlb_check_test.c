// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TLB of a driver-managed context and its checker: the test is a driver that writes its
 * tables with the core library and forgets invalidations on purpose.
 *
 * With the checker off the device is hardware-faithful: a missing invalidation returns the old
 * page, and the invalidation brings the new one. With SWMMU_CHECK_REPORT each injected driver
 * bug is reported exactly once, with its VA and class, in the fault queue (opened with
 * SWMMU_FAULT_QUEUE_EVENTS) and in the CTX_INFO counters: no invalidation after an unmap or a
 * permission downgrade (STALE), a remap to another page without one (STALE on x86-64, which
 * needs no break-before-make; BBM on AArch64), a valid leaf replaced by another valid leaf on
 * AArch64 even when an invalidation follows (BBM, Arm ARM D8.14 "Break-before-make"), and a
 * table page reused while the walk cache still holds it (TABLE_REUSE: the level-0 table is
 * unlinked, only a leaf invalidation follows, and the page becomes the table of another VA).
 * SWMMU_CHECK_STRICT reports the same and uses the fresh walk. A correct driver doing 10^5
 * random map / unmap / protect / remap operations with DMA in between gets no report at all, and
 * only current translations, in every mode.
 *
 * Mutation check: every bug test runs in the three checker modes (fixture variants) and asserts
 * that the reports and the counters move only when the checker is on: the OFF variant must see
 * the stale data and zero reports, the REPORT and STRICT variants exactly one report. A kernel
 * whose checker is disabled (or reports nothing) therefore fails every REPORT and STRICT
 * variant, and one that reports without being asked fails every OFF variant; a checker that
 * reports correct drivers fails correct_driver.
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"
#include "swmmu_drv_pt.h"
#include "swmmu_nl.h"

#define TB_LEN		SZ_4M
#define DB_LEN		SZ_4M
#define ASID		7
#define EVENTS		256
#define NO_PA		(~0ULL)

FIXTURE(tlb) {
	int fd, fq;
	struct swmmu_format_info fi;
	const struct swmmu_format *f;
	uint32_t as_id, q;
	struct swmmu_dbuf tb, db;
	struct drv_pt *pt;
	uint64_t va, pg;
	/* Checker reports and faults read so far. */
	struct swmmu_event rep[EVENTS];
	unsigned int nrep, nfault;
	struct swmmu_event fault[EVENTS];
	bool torn;
};

FIXTURE_VARIANT(tlb) {
	unsigned int fmt;
	uint32_t check;
	bool bbm;		/* the architecture needs break-before-make */
};

FIXTURE_VARIANT_ADD(tlb, x86_64_off) { .fmt = FMT_x86_64, .check = SWMMU_CHECK_OFF };
FIXTURE_VARIANT_ADD(tlb, x86_64_report) { .fmt = FMT_x86_64, .check = SWMMU_CHECK_REPORT };
FIXTURE_VARIANT_ADD(tlb, x86_64_strict) { .fmt = FMT_x86_64, .check = SWMMU_CHECK_STRICT };
FIXTURE_VARIANT_ADD(tlb, aarch64_4k_off) {
	.fmt = FMT_aarch64_4k, .check = SWMMU_CHECK_OFF, .bbm = true };
FIXTURE_VARIANT_ADD(tlb, aarch64_4k_report) {
	.fmt = FMT_aarch64_4k, .check = SWMMU_CHECK_REPORT, .bbm = true };
FIXTURE_VARIANT_ADD(tlb, aarch64_4k_strict) {
	.fmt = FMT_aarch64_4k, .check = SWMMU_CHECK_STRICT, .bbm = true };

FIXTURE_SETUP(tlb)
{
	unsigned int l;

	self->fq = -1;
	self->tb.efd = self->db.efd = -1;
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_LE(FMT_COUNT, swmmu_get_format(self->fd, variant->fmt, &self->fi));
	self->f = swmmu_format_get(variant->fmt);
	ASSERT_NE(NULL, self->f);
	ASSERT_STREQ(self->f->name, self->fi.name);
	ASSERT_EQ(0, _test_drv_as_alloc(self->fd, self->fi.format_id, 0, &self->as_id, NULL));
	ASSERT_EQ(0, swmmu_dbuf_new(self->fd, TB_LEN, &self->tb));
	ASSERT_EQ(0, swmmu_dbuf_new(self->fd, DB_LEN, &self->db));
	swmmu_fill(self->db.cpu, DB_LEN, 3);
	ASSERT_EQ(0, _test_queue_alloc(self->fd, self->as_id, &self->q));
	ASSERT_EQ(0, _test_fault_queue_events(self->fd, SWMMU_FAULT_QUEUE_MAX_DEPTH, &self->fq));
	self->pt = calloc(1, sizeof(*self->pt));
	ASSERT_NE(NULL, self->pt);
	ASSERT_EQ(0, drv_pt_init(self->pt, self->f, &self->tb, 0, TB_LEN, self->fd, self->as_id,
				 ASID));
	self->pg = 1ULL << self->f->level[0].shift;
	/* Index 1 at every level below the root: no VA the tests use shares its tables. */
	for (self->va = 0, l = 0; l + 1u < self->f->nr_levels; l++)
		self->va += 1ULL << self->f->level[l].shift;
	ASSERT_EQ(0, _test_ctx_set(self->fd, swmmu_ctx(self->as_id, SWMMU_CTX_ENABLE,
						       self->fi.format_id, self->pt->as.root, ASID,
						       variant->check)));
}

FIXTURE_TEARDOWN(tlb)
{
	/*
	 * The 6.1 harness runs the teardown again when an assertion fails in it, and after a
	 * failed assertion in the test every assertion in the teardown fails: run it once.
	 */
	if (self->torn)
		return;
	self->torn = true;
	swmmu_dbuf_release(&self->tb);
	swmmu_dbuf_release(&self->db);
	if (self->fq >= 0)
		close(self->fq);
	close(self->fd);
	free(self->pt);
	test_no_leaks();
}

static uint64_t page_dma(FIXTURE_DATA(tlb) *self, unsigned int i)
{
	return self->db.dma + i * self->pg;
}

static uint32_t page_crc(FIXTURE_DATA(tlb) *self, unsigned int i, uint64_t len)
{
	return swmmu_crc32(self->db.cpu + i * self->pg, len);
}

/* Read what the queue holds into the report and fault lists. */
static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self)
{
	struct swmmu_event ev[64];
	int n, i;

	while ((n = swmmu_read_events(self->fq, ev, 64)) > 0) {
		for (i = 0; i < n; i++) {
			if (ev[i].fault.flags & SWMMU_FAULT_CHECK) {
				ASSERT_GT(EVENTS, self->nrep);
				self->rep[self->nrep++] = ev[i];
			} else {
				ASSERT_GT(EVENTS, self->nfault);
				self->fault[self->nfault++] = ev[i];
			}
		}
	}
	ASSERT_EQ(0, n);
}

/* A command: 0 or -errno; the records it caused are drained. */
static int dma(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self,
	       struct swmmu_dma_cmd c, uint64_t *result)
{
	struct swmmu_dma_cmd o;
	int st = swmmu_run1(self->fd, self->q, c, &o);

	/* Not the ioctl itself failing (swmmu_run1() returns -1000 - errno then). */
	ASSERT_LT(-1000, st);
	drain(_metadata, self);
	if (result)
		*result = o.out_result;
	return st;
}

static int crc(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self, uint64_t va,
	       uint64_t len, uint32_t *out)
{
	uint64_t r = 0;
	int st = dma(_metadata, self, swmmu_cmd_crc32(va, len), &r);

	*out = (uint32_t)r;
	return st;
}

static void inv(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self,
		struct swmmu_inval_cmd c)
{
	ASSERT_EQ(0, swmmu_inv1(self->fd, c));
	drain(_metadata, self);
}

/*
 * The reports so far: none with the checker off; otherwise exactly one, of class @cls, for a VA
 * in [@lo, @hi], whose cached and current output addresses are @cached and @current (NO_PA: the
 * tables do not translate it), matching the context's counters.
 */
static void expect_report(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self,
			  const FIXTURE_VARIANT(tlb) *variant, uint32_t cls, uint64_t lo,
			  uint64_t hi, uint64_t cached, uint64_t current)
{
	struct swmmu_ctx_info ci;
	const struct swmmu_event *e = &self->rep[0];

	drain(_metadata, self);
	ASSERT_EQ(0, _test_ctx_info(self->fd, self->as_id, &ci));
	if (variant->check == SWMMU_CHECK_OFF) {
		ASSERT_EQ(0, self->nrep);
		EXPECT_EQ(0, ci.out_stale + ci.out_bbm + ci.out_table_reuse);
		EXPECT_EQ(0, ci.out_checks);
		return;
	}
	if (self->nrep != 1)
		TH_LOG("%s: %u reports (first: class %u iova %#llx)", self->fi.name, self->nrep,
		       self->nrep ? self->rep[0].class : 0,
		       self->nrep ? (unsigned long long)self->rep[0].fault.iova : 0ULL);
	ASSERT_EQ(1, self->nrep);
	if (e->class != cls || e->fault.iova < lo || e->fault.iova > hi)
		TH_LOG("%s: report class %u iova %#llx level %u cached_pa %#llx current_pa %#llx",
		       self->fi.name, e->class, (unsigned long long)e->fault.iova, e->fault.level,
		       (unsigned long long)e->cached_pa, (unsigned long long)e->current_pa);
	EXPECT_EQ(cls, e->class);
	EXPECT_LE(lo, e->fault.iova);
	EXPECT_GE(hi, e->fault.iova);
	EXPECT_EQ(0, e->fault.reason);
	EXPECT_EQ(self->as_id, e->fault.as_id);
	EXPECT_EQ(ASID, e->asid);
	/* What was cached is not what the tables hold now; a leaf is cached at the leaf level. */
	EXPECT_NE(e->cached_pte, e->current_pte);
	if (cls != SWMMU_CHECK_TABLE_REUSE)
		EXPECT_EQ(0, e->fault.level);
	if (cached != NO_PA)
		EXPECT_EQ(cached, e->cached_pa);
	if (current != NO_PA || cls == SWMMU_CHECK_STALE)
		EXPECT_EQ(current, e->current_pa);
	EXPECT_EQ(cls == SWMMU_CHECK_STALE, ci.out_stale);
	EXPECT_EQ(cls == SWMMU_CHECK_BBM, ci.out_bbm);
	EXPECT_EQ(cls == SWMMU_CHECK_TABLE_REUSE, ci.out_table_reuse);
	EXPECT_LT(0, ci.out_checks);
}

/* Map @va to data page @page, one granule, read-write. */
static void map1(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self, uint64_t va,
		 unsigned int page, uint32_t prot)
{
	ASSERT_EQ(0, drv_pt_map(self->pt, va, page_dma(self, page), self->pg, prot, self->pg));
}

/* A second mapping in the same leaf table, so that unmapping @va frees no table. */
static void keeper(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self)
{
	map1(_metadata, self, self->va + 8 * self->pg, 30, PROT_RW);
}

/* Unmap, invalidating as the tree's current mode says. */
static void unmap1(struct __test_metadata *_metadata, FIXTURE_DATA(tlb) *self, uint64_t va,
		   enum drv_inv how)
{
	self->pt->inv = how;
	ASSERT_EQ(0, drv_pt_unmap(self->pt, va, self->pg));
	ASSERT_EQ(0, self->pt->inv_err);
	self->pt->inv = DRV_INV_CORRECT;
	drain(_metadata, self);
}

/* No invalidation after an unmap: the old page stays reachable until one. */
TEST_F(tlb, unmap_without_invalidation)
{
	uint64_t va = self->va, pg = self->pg;
	uint32_t c;
	int i, st;

	keeper(_metadata, self);
	map1(_metadata, self, va, 1, PROT_RW);
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(page_crc(self, 1, pg), c);
	unmap1(_metadata, self, va, DRV_INV_NONE);
	/* Twice: one report per cached entry. */
	for (i = 0; i < 2; i++) {
		st = crc(_metadata, self, va, pg, &c);
		if (variant->check == SWMMU_CHECK_STRICT) {
			ASSERT_EQ(-ENXIO, st);
		} else {
			ASSERT_EQ(0, st);
			ASSERT_EQ(page_crc(self, 1, pg), c);
		}
	}
	expect_report(_metadata, self, variant, SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), NO_PA);
	/* The driver's invalidation ends it, and is not reported. */
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va, pg));
	ASSERT_EQ(-ENXIO, crc(_metadata, self, va, pg, &c));
	expect_report(_metadata, self, variant, SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), NO_PA);
}

/* No invalidation after read-only: writes still go through the cached entry until one. */
TEST_F(tlb, protect_without_invalidation)
{
	uint64_t va = self->va, pg = self->pg;
	uint8_t *p = self->db.cpu + pg;
	int st;

	map1(_metadata, self, va, 1, PROT_RW);
	ASSERT_EQ(0, dma(_metadata, self, swmmu_cmd_fill(va, 64, 0x1111111111111111ULL), NULL));
	ASSERT_EQ(0x11, p[0]);
	self->pt->inv = DRV_INV_NONE;
	ASSERT_EQ(0, drv_pt_protect(self->pt, va, pg, SWMMU_PROT_READ));
	self->pt->inv = DRV_INV_CORRECT;
	st = dma(_metadata, self, swmmu_cmd_fill(va, 64, 0x2222222222222222ULL), NULL);
	if (variant->check == SWMMU_CHECK_STRICT) {
		ASSERT_EQ(-EACCES, st);
		ASSERT_EQ(0x11, p[0]);
	} else {
		ASSERT_EQ(0, st);
		ASSERT_EQ(0x22, p[0]);
	}
	expect_report(_metadata, self, variant, SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), page_dma(self, 1));
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va, pg));
	ASSERT_EQ(-EACCES, dma(_metadata, self, swmmu_cmd_fill(va, 64, 3), NULL));
	ASSERT_LT(0, self->nfault);
	EXPECT_EQ(SWMMU_FAULT_PERMISSION, self->fault[self->nfault - 1].fault.reason);
	expect_report(_metadata, self, variant, SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), page_dma(self, 1));
}

/*
 * A remap to another page without invalidation: the old page is used until the invalidation,
 * then the new one. x86-64 may rewrite a present entry (only a stale TLB entry results); AArch64
 * needs break-before-make for a change of output address, and an unmap that was never
 * invalidated does not count as the break.
 */
TEST_F(tlb, remap_without_invalidation)
{
	uint64_t va = self->va, pg = self->pg;
	uint32_t c;

	keeper(_metadata, self);
	map1(_metadata, self, va, 1, PROT_RW);
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	unmap1(_metadata, self, va, DRV_INV_NONE);
	map1(_metadata, self, va, 2, PROT_RW);
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(variant->check == SWMMU_CHECK_STRICT ? page_crc(self, 2, pg) :
		  page_crc(self, 1, pg), c);
	ASSERT_EQ(0, crc(_metadata, self, va + pg / 2, 64, &c));
	expect_report(_metadata, self, variant,
		      variant->bbm ? SWMMU_CHECK_BBM : SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), page_dma(self, 2));
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va, pg));
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(page_crc(self, 2, pg), c);
	/* Reported once, at the access; the invalidation did not report it again. */
	expect_report(_metadata, self, variant,
		      variant->bbm ? SWMMU_CHECK_BBM : SWMMU_CHECK_STALE, va, va + pg - 1,
		      page_dma(self, 1), page_dma(self, 2));
}

/*
 * A valid leaf rewritten in place to another page, then invalidated before any access: correct
 * on x86-64 (Intel SDM vol. 3A 4.10.4.1: software changes the entry, then invalidates), a
 * break-before-make violation on AArch64 (Arm ARM D8.14), reported when the invalidation drops
 * the entry. Break-before-make done right (invalid entry, invalidation, new entry, invalidation)
 * is never reported.
 */
TEST_F(tlb, rewrite_then_invalidate)
{
	uint64_t va = self->va, pg = self->pg;
	volatile uint64_t *leaf;
	uint64_t old;
	uint32_t c;

	keeper(_metadata, self);
	map1(_metadata, self, va, 1, PROT_RW);
	map1(_metadata, self, va + pg, 3, PROT_RW);
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(0, crc(_metadata, self, va + pg, pg, &c));

	/* The right way first, on va + pg: break, invalidate, make, invalidate. */
	leaf = drv_pt_item_cpu(self->pt, va + pg, 0);
	ASSERT_NE(NULL, leaf);
	old = *leaf;
	*leaf = 0;
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va + pg, pg));
	*leaf = drv_pte_set_oa(self->f, old, page_dma(self, 4));
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va + pg, pg));
	ASSERT_EQ(0, crc(_metadata, self, va + pg, pg, &c));
	ASSERT_EQ(page_crc(self, 4, pg), c);
	drain(_metadata, self);
	ASSERT_EQ(0, self->nrep);

	/* Then in place on va. */
	leaf = drv_pt_item_cpu(self->pt, va, 0);
	ASSERT_NE(NULL, leaf);
	*leaf = drv_pte_set_oa(self->f, *leaf, page_dma(self, 2));
	inv(_metadata, self, swmmu_inv_va(self->as_id, ASID, va, pg));
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(page_crc(self, 2, pg), c);
	if (!variant->bbm) {
		drain(_metadata, self);
		ASSERT_EQ(0, self->nrep);
		return;
	}
	expect_report(_metadata, self, variant, SWMMU_CHECK_BBM, va, va + pg - 1,
		      page_dma(self, 1), page_dma(self, 2));
}

/*
 * A table page reused while the walk cache holds it: the driver unmaps the only page of a leaf
 * table and frees the table, but invalidates only the leaf (SWMMU_INV_VA, like a TLBI VA with
 * Leaf=1); the freed page becomes the leaf table of a VA 2 MiB away, with a leaf at the same
 * index. The device's cached table entry for the first VA still names that page, so the first VA
 * now reaches the second VA's page: what a walk-cache invalidation (SWMMU_INV_VA_WALK) prevents.
 */
TEST_F(tlb, table_reuse)
{
	uint64_t va = self->va, pg = self->pg, span = 1ULL << self->f->level[1].shift;
	uint64_t va2 = va + span, t1, leaf1;
	uint32_t c;
	int st;

	ASSERT_TRUE(self->f->level[0].shift == 12 && span == SZ_2M);
	/* Keep the level-1 table: another leaf table under it. */
	map1(_metadata, self, va + 4 * span, 30, PROT_RW);
	map1(_metadata, self, va, 1, PROT_RW);
	ASSERT_EQ(0, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(page_crc(self, 1, pg), c);
	leaf1 = drv_pt_item(self->pt, va, 0);
	ASSERT_NE(0, leaf1);
	t1 = leaf1 & ~(SZ_4K - 1);

	unmap1(_metadata, self, va, DRV_INV_LEAF_ONLY);
	ASSERT_LT(0, self->pt->flushes);
	/* The freed table comes back for va2, with a leaf at va's index. */
	map1(_metadata, self, va2, 2, PROT_RW);
	ASSERT_EQ(leaf1, drv_pt_item(self->pt, va2, 0));
	ASSERT_EQ(t1, drv_pte_oa(self->f, *drv_pt_item_cpu(self->pt, va2, 1)));

	st = crc(_metadata, self, va, pg, &c);
	if (variant->check == SWMMU_CHECK_STRICT) {
		ASSERT_EQ(-ENXIO, st);
	} else {
		/* The hazard itself: va reads va2's page through the cached table entry. */
		ASSERT_EQ(0, st);
		ASSERT_EQ(page_crc(self, 2, pg), c);
	}
	ASSERT_EQ(0, crc(_metadata, self, va2, pg, &c));
	ASSERT_EQ(page_crc(self, 2, pg), c);
	/* Reported once: at the leaf-only invalidation or at the access, not both. */
	expect_report(_metadata, self, variant, SWMMU_CHECK_TABLE_REUSE, va & ~(span - 1),
		      (va | (span - 1)), NO_PA, NO_PA);
	if (self->nrep)
		EXPECT_EQ(1, self->rep[0].fault.level);
	/* The walk-cache invalidation the driver forgot ends it. */
	inv(_metadata, self, swmmu_inv_va_walk(self->as_id, ASID, va, pg));
	ASSERT_EQ(-ENXIO, crc(_metadata, self, va, pg, &c));
	ASSERT_EQ(0, crc(_metadata, self, va2, pg, &c));
	ASSERT_EQ(page_crc(self, 2, pg), c);
	expect_report(_metadata, self, variant, SWMMU_CHECK_TABLE_REUSE, va & ~(span - 1),
		      (va | (span - 1)), NO_PA, NO_PA);
}

/* ---- a correct driver ---------------------------------------------------------------------- */

#define SLOTS		2048
#define REGION		512	/* slots per leaf table */
#define NR_PAGES	(DB_LEN / SZ_4K)

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned int env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : dflt;
}

/*
 * The VA of a slot: four leaf tables, two of them under another level-1 table, so that the
 * driver's unmaps free leaf tables and level-1 tables and its maps reuse them.
 */
static uint64_t slot_va(FIXTURE_DATA(tlb) *self, unsigned int slot)
{
	unsigned int r = slot / REGION;

	return self->va + (uint64_t)(slot % REGION) * self->pg +
	       (uint64_t)(r & 1) * (SZ_2M << 1) + (uint64_t)(r >> 1) * (1ULL << 30);
}

TEST_F_TIMEOUT(tlb, correct_driver, 900)
{
	unsigned int ops = env_uint("SWMMU_TLB_OPS", 100000), op, i, n, slot;
	int16_t *page = malloc(SLOTS * sizeof(*page));
	uint8_t *prot = malloc(SLOTS);
	uint64_t s = 0x1234567 + variant->fmt, dmas = 0, faults = 0, maps = 0;
	struct swmmu_ctx_info ci;

	ASSERT_NE(NULL, page);
	ASSERT_NE(NULL, prot);
	memset(page, 0xff, SLOTS * sizeof(*page));
	for (op = 0; op < ops; op++) {
		slot = rnd(&s) % SLOTS;
		n = 1 + (rnd(&s) % 4 == 0 ? rnd(&s) % 16 : 0);
		if (slot % REGION + n > REGION)
			n = REGION - slot % REGION;
		switch (rnd(&s) % 4) {
		case 0:		/* map the holes of a run */
			for (i = slot; i < slot + n; i++) {
				if (page[i] >= 0)
					continue;
				page[i] = (int16_t)(rnd(&s) % NR_PAGES);
				prot[i] = rnd(&s) % 4 ? PROT_RW : SWMMU_PROT_READ;
				ASSERT_EQ(0, drv_pt_map(self->pt, slot_va(self, i),
							page_dma(self, page[i]), self->pg, prot[i],
							self->pg));
				maps++;
			}
			break;
		case 1:		/* unmap a run (holes included) */
		{
			int ret = drv_pt_unmap(self->pt, slot_va(self, slot), n * self->pg);

			/* ENOENT: nothing was mapped in the run. */
			ASSERT_TRUE(ret == 0 || ret == -ENOENT);
		}
			for (i = slot; i < slot + n; i++)
				page[i] = -1;
			break;
		case 2:		/* change the permissions of what is mapped */
			for (i = slot; i < slot + n; i++) {
				if (page[i] < 0)
					continue;
				prot[i] = prot[i] == PROT_RW ? SWMMU_PROT_READ : PROT_RW;
				ASSERT_EQ(0, drv_pt_protect(self->pt, slot_va(self, i), self->pg,
							    prot[i]));
			}
			break;
		default:	/* remap to another page: unmap, invalidate, map */
			if (page[slot] < 0)
				break;
			ASSERT_EQ(0, drv_pt_unmap(self->pt, slot_va(self, slot), self->pg));
			page[slot] = (int16_t)(rnd(&s) % NR_PAGES);
			ASSERT_EQ(0, drv_pt_map(self->pt, slot_va(self, slot),
						page_dma(self, page[slot]), self->pg, prot[slot],
						self->pg));
			break;
		}
		ASSERT_EQ(0, self->pt->inv_err);
		if (op % 8)
			continue;
		/* The device between the operations: every translation is the current one. */
		for (i = 0; i < 3; i++) {
			unsigned int sl = rnd(&s) % SLOTS;
			uint64_t va = slot_va(self, sl), len = 1 + rnd(&s) % self->pg, v = rnd(&s);
			uint32_t c;
			int st;

			dmas++;
			if (page[sl] >= 0 && prot[sl] == PROT_RW && rnd(&s) % 4 == 0) {
				ASSERT_EQ(0, dma(_metadata, self, swmmu_cmd_fill(va, len, v), NULL));
				ASSERT_TRUE(swmmu_filled(self->db.cpu + page[sl] * self->pg, len, v));
				continue;
			}
			if (page[sl] >= 0 && prot[sl] != PROT_RW && rnd(&s) % 4 == 0) {
				ASSERT_EQ(-EACCES, dma(_metadata, self,
						       swmmu_cmd_fill(va, len, v), NULL));
				faults++;
				continue;
			}
			st = crc(_metadata, self, va, len, &c);
			if (page[sl] < 0) {
				ASSERT_EQ(-ENXIO, st);
				faults++;
				continue;
			}
			ASSERT_EQ(0, st);
			ASSERT_EQ(page_crc(self, page[sl], len), c);
		}
		if (self->nrep)
			TH_LOG("op %u: report class %u iova %#llx", op, self->rep[0].class,
			       (unsigned long long)self->rep[0].fault.iova);
		ASSERT_EQ(0, self->nrep);
		self->nfault = 0;
	}
	drain(_metadata, self);
	ASSERT_EQ(0, self->nrep);
	ASSERT_EQ(0, _test_ctx_info(self->fd, self->as_id, &ci));
	TH_LOG("%s: %u operations (%llu maps), %llu DMA checks (%llu faults), %llu invalidation "
	       "commands, %llu TLB hits compared", self->fi.name, ops,
	       (unsigned long long)maps, (unsigned long long)dmas, (unsigned long long)faults,
	       (unsigned long long)ci.out_invalidations, (unsigned long long)ci.out_checks);
	EXPECT_EQ(0, ci.out_stale);
	EXPECT_EQ(0, ci.out_bbm);
	EXPECT_EQ(0, ci.out_table_reuse);
	/*
	 * With the checker on it did compare (a correct driver is judged, not ignored); off, it
	 * compared nothing and the same driver still saw only current translations.
	 */
	if (variant->check == SWMMU_CHECK_OFF) {
		EXPECT_EQ(0, ci.out_checks);
	} else {
		EXPECT_LT(0, ci.out_checks);
	}
	EXPECT_LT(0, ci.out_hits);
	EXPECT_LT(0, ci.out_invalidations);
	free(page);
	free(prot);
}

/*
 * Checker reports go only to a fault queue opened with SWMMU_FAULT_QUEUE_EVENTS, whose records
 * are struct swmmu_event; a plain queue keeps its struct swmmu_fault records and gets faults
 * only. The counters count the report either way.
 */
TEST(report_records)
{
	const struct swmmu_format *f = swmmu_format_get(FMT_x86_64);
	struct drv_pt *pt = calloc(1, sizeof(*pt));
	struct swmmu_dbuf tb, db;
	struct swmmu_ctx_info ci;
	struct swmmu_fault fr[4];
	struct swmmu_event ev[4];
	struct swmmu_dma_cmd o;
	uint32_t as, q;
	int fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC), fq, n;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, pt);
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &tb));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &db));
	ASSERT_EQ(0, _test_drv_as_alloc(fd, FMT_x86_64, 0, &as, NULL));
	ASSERT_EQ(0, _test_queue_alloc(fd, as, &q));
	ASSERT_EQ(0, drv_pt_init(pt, f, &tb, 0, SZ_1M, fd, as, 1));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M + SZ_64K, db.dma, SZ_4K, PROT_RW, SZ_4K));
	/* Keeps every table: the only driver bugs here are the two missing leaf invalidations. */
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M + SZ_1M, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, _test_ctx_set(fd, swmmu_ctx(as, SWMMU_CTX_ENABLE, FMT_x86_64, pt->as.root, 1,
						 SWMMU_CHECK_REPORT)));
	ASSERT_EQ(0, _test_fault_queue(fd, 4, &fq));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, 64), &o));
	pt->inv = DRV_INV_NONE;
	ASSERT_EQ(0, drv_pt_unmap(pt, SZ_2M, SZ_4K));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, 64), &o));
	ASSERT_EQ(0, _test_ctx_info(fd, as, &ci));
	EXPECT_EQ(1, ci.out_stale);
	/* Nothing queued for the report: EAGAIN on the empty queue. */
	ASSERT_EQ(0, fcntl(fq, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(EAGAIN, read(fq, fr, sizeof(fr)));
	/* A fault is queued as ever, as a struct swmmu_fault. */
	ASSERT_EQ(-ENXIO, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_1M, 64), &o));
	EXPECT_EQ(sizeof(fr[0]), read(fq, fr, sizeof(fr)));
	EXPECT_EQ(SWMMU_FAULT_NOT_PRESENT, fr[0].reason);
	EXPECT_EQ(SZ_1M, fr[0].iova);
	close(fq);

	/* With events: the next report (another entry) and a fault, as struct swmmu_event. */
	ASSERT_EQ(0, _test_fault_queue_events(fd, 4, &fq));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M + SZ_64K, 64), &o));
	ASSERT_EQ(0, drv_pt_unmap(pt, SZ_2M + SZ_64K, SZ_4K));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M + SZ_64K, 64), &o));
	ASSERT_EQ(-ENXIO, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_1M, 64), &o));
	/* A buffer that cannot hold one record. */
	EXPECT_ERRNO(EINVAL, read(fq, ev, sizeof(struct swmmu_fault)));
	n = swmmu_read_events(fq, ev, 4);
	for (int i = 0; n != 2 && i < n; i++)
		TH_LOG("record %d: flags %#x class %u reason %u iova %#llx level %u", i,
		       ev[i].fault.flags, ev[i].class, ev[i].fault.reason,
		       (unsigned long long)ev[i].fault.iova, ev[i].fault.level);
	ASSERT_EQ(2, n);
	EXPECT_EQ(SWMMU_FAULT_CHECK, ev[0].fault.flags & SWMMU_FAULT_CHECK);
	EXPECT_EQ(SWMMU_CHECK_STALE, ev[0].class);
	EXPECT_EQ(SZ_2M + SZ_64K, ev[0].fault.iova);
	EXPECT_EQ(db.dma, ev[0].cached_pa);
	EXPECT_EQ(~0ULL, ev[0].current_pa);
	EXPECT_EQ(1, ev[0].asid);
	EXPECT_EQ(0, ev[1].fault.flags & SWMMU_FAULT_CHECK);
	EXPECT_EQ(0, ev[1].class);
	EXPECT_EQ(SWMMU_FAULT_NOT_PRESENT, ev[1].fault.reason);
	EXPECT_EQ(1, ev[1].asid);
	ASSERT_EQ(0, _test_ctx_info(fd, as, &ci));
	EXPECT_EQ(2, ci.out_stale);
	close(fq);
	swmmu_dbuf_release(&tb);
	swmmu_dbuf_release(&db);
	close(fd);
	free(pt);
	test_no_leaks();
}

/* CTX_GET dump callback: the entry of one context. */
struct ctx_seen {
	uint32_t id;
	bool found;
	uint64_t stale;
	uint32_t asid;
	uint64_t root;
	char format[32];
};

static void ctx_dump_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct ctx_seen *c = arg;
	const struct nlattr *a = nlt_find(attrs, len, SWMMU_A_CTX), *st, *v;

	if (!a || nlt_get_u32(a) != c->id)
		return;
	c->found = true;
	if ((a = nlt_find(attrs, len, SWMMU_A_ASID)))
		c->asid = nlt_get_u32(a);
	if ((a = nlt_find(attrs, len, SWMMU_A_ROOT)))
		c->root = nlt_get_u64(a);
	if ((a = nlt_find(attrs, len, SWMMU_A_FORMAT)))
		snprintf(c->format, sizeof(c->format), "%s", nlt_get_str(a));
	st = nlt_find(attrs, len, SWMMU_A_CTX_STATS);
	if (st) {
		v = nlt_find((const struct nlattr *)((const char *)st + NLA_HDRLEN),
			     st->nla_len - NLA_HDRLEN, SWMMU_A_CTX_STATS_STALE);
		if (v)
			c->stale = nlt_get_u64(v);
	}
}

/* CTX_GET dump callback: count this process's contexts, and each ID once. */
struct ctx_count {
	uint32_t ids[160];
	unsigned int nr, dup;
};

static void ctx_count_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *pid = nlt_find(attrs, len, SWMMU_A_ATTACHED_PID);
	const struct nlattr *id = nlt_find(attrs, len, SWMMU_A_CTX);
	struct ctx_count *c = arg;
	unsigned int i;

	if (!pid || !id || nlt_get_u32(pid) != (uint32_t)getpid())
		return;
	for (i = 0; i < c->nr; i++)
		if (c->ids[i] == nlt_get_u32(id))
			c->dup++;
	if (c->nr < sizeof(c->ids) / sizeof(c->ids[0]))
		c->ids[c->nr++] = nlt_get_u32(id);
}

/*
 * A CTX_GET dump of more contexts than one message holds (each entry is about 400 bytes, a
 * dump message at most 32 KiB): the dump resumes where it stopped, every context once.
 */
TEST(ctx_dump_across_messages)
{
	struct ctx_count *seen = calloc(1, sizeof(*seen));
	struct nlt req = {};
	struct nlt_msg m;
	int fd[3], f, i;
	uint32_t as;

	ASSERT_NE(NULL, seen);
	for (f = 0; f < 3; f++) {
		fd[f] = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd[f]);
		for (i = 0; i < 50; i++)
			ASSERT_EQ(0, _test_drv_as_alloc(fd[f], FMT_x86_64, 0, &as, NULL));
	}
	ASSERT_EQ(0, nlt_open(&req));
	nlt_start(&req, &m, SWMMU_NL_CMD_CTX_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nlt_request(&req, &m, ctx_count_cb, seen));
	EXPECT_EQ(150, seen->nr);
	EXPECT_EQ(0, seen->dup);
	nlt_close(&req);
	for (f = 0; f < 3; f++)
		close(fd[f]);
	free(seen);
	test_no_leaks();
}

/*
 * The checker's report on the netlink "events" group (SWMMU_EVENT_CHECK, what swmmuctl monitor
 * shows), and the context in a CTX_GET dump and do (what swmmuctl ctx shows); an unknown
 * context is ENOENT with an extended ACK.
 */
TEST(netlink_check_event_and_ctx_get)
{
	const struct swmmu_format *f = swmmu_format_get(FMT_x86_64);
	struct drv_pt *pt = calloc(1, sizeof(*pt));
	struct nlt ev = {}, req = {};
	struct swmmu_dbuf tb, db;
	struct swmmu_ctx_info ci;
	struct swmmu_as_stats st = { .size = sizeof(st) };
	struct ctx_seen seen = {};
	const struct nlattr *attrs, *a;
	struct swmmu_dma_cmd o;
	struct nlt_msg m;
	char buf[8192];
	uint32_t as, q, ctx_id;
	int fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC), len, i;
	bool got = false;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, pt);
	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_open(&req));
	ASSERT_EQ(0, nlt_subscribe(&ev));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &tb));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &db));
	ASSERT_EQ(0, _test_drv_as_alloc(fd, FMT_x86_64, 0, &as, NULL));
	ASSERT_EQ(0, _test_queue_alloc(fd, as, &q));
	ASSERT_EQ(0, drv_pt_init(pt, f, &tb, 0, SZ_1M, fd, as, 7));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M + SZ_1M, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, _test_ctx_set(fd, swmmu_ctx(as, SWMMU_CTX_ENABLE, FMT_x86_64, pt->as.root, 7,
						 SWMMU_CHECK_REPORT)));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, 64), &o));
	pt->inv = DRV_INV_NONE;
	ASSERT_EQ(0, drv_pt_unmap(pt, SZ_2M, SZ_4K));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, 64), &o));

	/* The event, among whatever else the group carries. */
	for (i = 0; i < 16 && !got; i++) {
		ASSERT_EQ(0, nlt_event(&ev, 2000, buf, sizeof(buf), &attrs, &len));
		a = nlt_find(attrs, len, SWMMU_A_EVENT_TYPE);
		got = a && nlt_get_u8(a) == SWMMU_EVENT_CHECK;
	}
	ASSERT_TRUE(got);
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_CTX)));
	ctx_id = nlt_get_u32(a);
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_CHECK_CLASS)));
	EXPECT_EQ(SWMMU_CHECK_STALE, nlt_get_u32(a));
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_IOVA)));
	EXPECT_EQ(SZ_2M, nlt_get_u64(a));
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_ASID)));
	EXPECT_EQ(7, nlt_get_u32(a));
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_CACHED_PA)));
	EXPECT_EQ(db.dma, nlt_get_u64(a));
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_CURRENT_PA)));
	EXPECT_EQ(~0ULL, nlt_get_u64(a));
	ASSERT_NE(NULL, (a = nlt_find(attrs, len, SWMMU_A_ATTACHED_PID)));
	EXPECT_EQ((uint32_t)getpid(), nlt_get_u32(a));

	/* The dump lists it, with the report counted. */
	seen.id = ctx_id;
	nlt_start(&req, &m, SWMMU_NL_CMD_CTX_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nlt_request(&req, &m, ctx_dump_cb, &seen));
	ASSERT_TRUE(seen.found);
	EXPECT_EQ(1, seen.stale);
	EXPECT_EQ(7, seen.asid);
	EXPECT_EQ(pt->as.root, seen.root);
	EXPECT_STREQ("x86_64", seen.format);
	ASSERT_EQ(0, _test_ctx_info(fd, as, &ci));
	EXPECT_EQ(1, ci.out_stale);
	/* A do of the same context, then of one that does not exist. */
	nlt_start(&req, &m, SWMMU_NL_CMD_CTX_GET, 0);
	nlt_put_u32(&m, SWMMU_A_CTX, ctx_id);
	ASSERT_EQ(0, nlt_request(&req, &m, NULL, NULL));
	ASSERT_NE(NULL, nlt_attr(&req, SWMMU_A_CTX));
	EXPECT_EQ(ctx_id, nlt_get_u32(nlt_attr(&req, SWMMU_A_CTX)));
	nlt_start(&req, &m, SWMMU_NL_CMD_CTX_GET, 0);
	nlt_put_u32(&m, SWMMU_A_CTX, 0xfffffff0);
	EXPECT_EQ(-ENOENT, nlt_request(&req, &m, NULL, NULL));
	EXPECT_STREQ("no driver-managed context with that ID", req.extack);
	/* STATS on a driver-managed context shows none of swmmu's tables. */
	st.as_id = as;
	ASSERT_EQ(0, ioctl(fd, SWMMU_STATS, &st));
	EXPECT_EQ(0, st.out_nr_tables);

	nlt_close(&ev);
	nlt_close(&req);
	swmmu_dbuf_release(&tb);
	swmmu_dbuf_release(&db);
	close(fd);
	free(pt);
	test_no_leaks();
}

/* The TLB holds at most its capacity; a correct walk-heavy run reports nothing. */
TEST_F(tlb, capacity)
{
	struct swmmu_ctx_info ci;
	unsigned int i;
	uint32_t c;

	for (i = 0; i < 512; i++)
		map1(_metadata, self, self->va + i * self->pg, i % 64, PROT_RW);
	for (i = 0; i < 512; i++) {
		ASSERT_EQ(0, crc(_metadata, self, self->va + i * self->pg, 64, &c));
		ASSERT_EQ(page_crc(self, i % 64, 64), c);
	}
	ASSERT_EQ(0, _test_ctx_info(self->fd, self->as_id, &ci));
	EXPECT_EQ(256, ci.out_tlb_entries);
	EXPECT_GE(ci.out_tlb_entries, ci.out_tlb_used);
	EXPECT_LT(0, ci.out_tlb_used);
	EXPECT_GE(ci.out_walk_entries, ci.out_walk_used);
	EXPECT_LE(512, ci.out_misses);
	ASSERT_EQ(0, self->nrep);
	ASSERT_EQ(0, self->nfault);
}

/* Read a page through a queue: its CRC, or 0 after a failure (asserted elsewhere). */
static uint32_t qcrc(struct __test_metadata *_metadata, int fd, uint32_t q, uint64_t va)
{
	struct swmmu_dma_cmd o;

	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(va, SZ_4K), &o));
	return (uint32_t)o.out_result;
}

/*
 * What each invalidation command drops, and nothing more (check off, so the stale entries the
 * commands must leave are visible as old data): two contexts of one file walk one tree; the
 * leaves of two pages are rewritten in place (x86-64 allows it, the TLB keeps the old ones).
 */
TEST(invalidation_scope)
{
	const struct swmmu_format *f = swmmu_format_get(FMT_x86_64);
	struct drv_pt *pt = calloc(1, sizeof(*pt));
	struct swmmu_dbuf tb, db;
	uint64_t v0 = SZ_2M, v1 = SZ_2M + SZ_4K;
	uint32_t as[2], q[2], k[8];
	volatile uint64_t *l0, *l1;
	int fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC), i;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, pt);
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &tb));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &db));
	swmmu_fill(db.cpu, SZ_1M, 5);
	for (i = 0; i < 8; i++)
		k[i] = swmmu_crc32(db.cpu + i * SZ_4K, SZ_4K);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, _test_drv_as_alloc(fd, FMT_x86_64, 0, &as[i], NULL));
		ASSERT_EQ(0, _test_queue_alloc(fd, as[i], &q[i]));
	}
	ASSERT_EQ(0, drv_pt_init(pt, f, &tb, 0, SZ_1M, fd, as[0], 1));
	ASSERT_EQ(0, drv_pt_map(pt, v0, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, drv_pt_map(pt, v1, db.dma + SZ_4K, SZ_4K, PROT_RW, SZ_4K));
	l0 = drv_pt_item_cpu(pt, v0, 0);
	l1 = drv_pt_item_cpu(pt, v1, 0);
	ASSERT_NE(NULL, l0);
	ASSERT_NE(NULL, l1);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, _test_ctx_set(fd, swmmu_ctx(as[i], SWMMU_CTX_ENABLE, FMT_x86_64,
							 pt->as.root, 1, SWMMU_CHECK_OFF)));
		ASSERT_EQ(k[0], qcrc(_metadata, fd, q[i], v0));
		ASSERT_EQ(k[1], qcrc(_metadata, fd, q[i], v1));
	}
	*l0 = drv_pte_set_oa(f, *l0, db.dma + 2 * SZ_4K);
	*l1 = drv_pte_set_oa(f, *l1, db.dma + 3 * SZ_4K);
	ASSERT_EQ(k[0], qcrc(_metadata, fd, q[0], v0));

	/* One page of one ASID of one context. */
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_va(as[0], 1, v0, SZ_4K)));
	EXPECT_EQ(k[2], qcrc(_metadata, fd, q[0], v0));
	EXPECT_EQ(k[1], qcrc(_metadata, fd, q[0], v1));
	EXPECT_EQ(k[0], qcrc(_metadata, fd, q[1], v0));
	/* Another ASID, another range: nothing. */
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_asid(as[0], 2)));
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_va_walk(as[0], 1, v1 + SZ_4K, SZ_1M)));
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_va(as[0], 2, v1, SZ_4K)));
	EXPECT_EQ(k[1], qcrc(_metadata, fd, q[0], v1));
	/* The other context as a whole: this one keeps its stale page. */
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_ctx(as[1])));
	EXPECT_EQ(k[2], qcrc(_metadata, fd, q[1], v0));
	EXPECT_EQ(k[3], qcrc(_metadata, fd, q[1], v1));
	EXPECT_EQ(k[1], qcrc(_metadata, fd, q[0], v1));
	/* A range covering both pages. */
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_va_walk(as[0], 1, v0, 2 * SZ_4K)));
	EXPECT_EQ(k[3], qcrc(_metadata, fd, q[0], v1));
	EXPECT_EQ(k[2], qcrc(_metadata, fd, q[0], v0));
	/* Everything, in every context of the file. */
	*l0 = drv_pte_set_oa(f, *l0, db.dma + 4 * SZ_4K);
	*l1 = drv_pte_set_oa(f, *l1, db.dma + 5 * SZ_4K);
	ASSERT_EQ(k[2], qcrc(_metadata, fd, q[0], v0));
	ASSERT_EQ(k[3], qcrc(_metadata, fd, q[1], v1));
	ASSERT_EQ(0, swmmu_inv1(fd, swmmu_inv_all()));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(k[4], qcrc(_metadata, fd, q[i], v0));
		EXPECT_EQ(k[5], qcrc(_metadata, fd, q[i], v1));
	}
	swmmu_dbuf_release(&tb);
	swmmu_dbuf_release(&db);
	close(fd);
	free(pt);
	test_no_leaks();
}

/* SWMMU_INVALIDATE through io_uring (IORING_OP_URING_CMD): the same command, at submission. */
TEST(uring_invalidate)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct swmmu_dbuf tb, db;
	struct drv_pt *pt = calloc(1, sizeof(*pt));
	const struct swmmu_format *f = swmmu_format_get(FMT_x86_64);
	struct swmmu_inval_cmd c;
	struct swmmu_invalidate iv = { .size = sizeof(iv), .nr_cmds = 1,
				       .cmds_uptr = (uintptr_t)&c };
	struct swmmu_dma_cmd o;
	uint32_t as, q;
	int fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, pt);
	ASSERT_EQ(0, io_uring_queue_init(8, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32));
	ASSERT_EQ(0, _test_drv_as_alloc(fd, FMT_x86_64, 0, &as, NULL));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &tb));
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_1M, &db));
	swmmu_fill(db.cpu, SZ_1M, 11);
	ASSERT_EQ(0, _test_queue_alloc(fd, as, &q));
	ASSERT_EQ(0, drv_pt_init(pt, f, &tb, 0, SZ_1M, fd, as, 1));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M, db.dma + SZ_4K, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, drv_pt_map(pt, SZ_2M + SZ_4K, db.dma, SZ_4K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, _test_ctx_set(fd, swmmu_ctx(as, SWMMU_CTX_ENABLE, FMT_x86_64, pt->as.root, 1,
						 SWMMU_CHECK_OFF)));
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, SZ_4K), &o));
	ASSERT_EQ(swmmu_crc32(db.cpu + SZ_4K, SZ_4K), o.out_result);
	/* Rewrite the leaf to page 2 without invalidating: the device still reads page 1. */
	*drv_pt_item_cpu(pt, SZ_2M, 0) = drv_pte_set_oa(f, *drv_pt_item_cpu(pt, SZ_2M, 0),
							db.dma + 2 * SZ_4K);
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, SZ_4K), &o));
	ASSERT_EQ(swmmu_crc32(db.cpu + SZ_4K, SZ_4K), o.out_result);

	/* A bad one first (no command), then the invalidation. */
	c = swmmu_inv_va(as, 1, SZ_2M, SZ_4K);
	iv.nr_cmds = 0;
	swmmu_prep_uring_cmd(io_uring_get_sqe(&ring), fd, SWMMU_INVALIDATE, &iv, sizeof(iv), 0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(-EINVAL, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	iv.nr_cmds = 1;
	swmmu_prep_uring_cmd(io_uring_get_sqe(&ring), fd, SWMMU_INVALIDATE, &iv, sizeof(iv), 1);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(0, cqe->res);
	EXPECT_EQ(1, cqe->big_cqe[0]);
	EXPECT_EQ(1, cqe->user_data);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M, SZ_4K), &o));
	ASSERT_EQ(swmmu_crc32(db.cpu + 2 * SZ_4K, SZ_4K), o.out_result);
	/* The neighbour was not invalidated and still translates. */
	ASSERT_EQ(0, swmmu_run1(fd, q, swmmu_cmd_crc32(SZ_2M + SZ_4K, SZ_4K), &o));
	ASSERT_EQ(swmmu_crc32(db.cpu, SZ_4K), o.out_result);
	io_uring_queue_exit(&ring);
	swmmu_dbuf_release(&tb);
	swmmu_dbuf_release(&db);
	close(fd);
	free(pt);
	test_no_leaks();
}

TEST_HARNESS_MAIN
