// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver-managed contexts (SWMMU_AS_DRIVER_TABLES): the device walks page tables the test wrote,
 * as a driver would write them for its IOMMU. The tables are built in an exported contiguous
 * buffer, mostly with the core library in userspace (so every built-in format is covered the same
 * way), and for the known-answer tests by hand from the architecture manuals, so that nothing
 * depends on the core writing them.
 *
 * For every built-in format (one fixture variant each, from arch/swmmu_formats.def, so none can
 * be left out; a format the kernel refuses fails its variant): translations through the DMA
 * engine (FILL, COPY, CRC32, checked in the CPU view of the buffers), large and contiguous leaves,
 * not-present faults at every level, table and page addresses outside the file's buffers, output
 * addresses above the format's size, permissions, the accessed/dirty bits (always set by the
 * device on x86-64, VT-d and AMD; on AArch64 and RISC-V only with SWMMU_CTX_HW_AD, an access-flag
 * fault otherwise), a disabled context, context switches (one ASID re-pointed, two ASIDs), and
 * hostile tables (random items, loops, pointers outside) that may only ever fault.
 * Then the argument rules of CTX_SET, INVALIDATE, CTX_INFO and BUF_EXPORT, the rules of a
 * driver-managed address space, and what keeps a buffer alive.
 *
 * Levels are swmmu's (0 = leaf level): x86-64 PML4 = 3 ... PT = 0, AArch64 level 3 = 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_dev.h"
#include "swmmu_drv_pt.h"

#define TB_LEN		SZ_1M	/* tables: sixteen 64K tables (the AArch64 64K granule) */
#define DB_LEN		SZ_4M	/* data: 4 MiB aligned, so that 2 MiB leaves fit */
#define VB_LEN		SZ_64K	/* the victim: a buffer of another file */
#define ASID		1
#define EVENTS		64

/* Fault reasons a walk of the caller's tables may end with (all but DISABLED). */
#define WALK_REASONS	((1u << SWMMU_FAULT_NOT_PRESENT) | (1u << SWMMU_FAULT_PERMISSION) |	\
			 (1u << SWMMU_FAULT_ADDRESS_SIZE) | (1u << SWMMU_FAULT_BAD_OUTPUT) |	\
			 (1u << SWMMU_FAULT_TABLE_OUTSIDE) | (1u << SWMMU_FAULT_RESERVED) |	\
			 (1u << SWMMU_FAULT_LEAF_LEVEL) | (1u << SWMMU_FAULT_OA_SIZE) |	\
			 (1u << SWMMU_FAULT_ACCESS_FLAG))

/*
 * One driver-managed context and its memory: the table buffer, the data buffer, a DMA queue
 * bound to the context and the file's fault queue (with checker events).
 */
struct rig {
	int fd, fq;
	struct swmmu_format_info fi;
	const struct swmmu_format *f;
	uint32_t as_id, q;
	struct swmmu_dbuf tb, db;
	unsigned int top;	/* the root level */
	uint64_t pg;		/* the smallest leaf */
};

/* Open the device and build a rig for built-in format @id. */
static void rig_open(struct __test_metadata *_metadata, struct rig *r, unsigned int id)
{
	int nr;

	memset(r, 0, sizeof(*r));
	r->fq = -1;
	r->tb.efd = r->db.efd = -1;
	r->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r->fd);
	nr = swmmu_get_format(r->fd, id, &r->fi);
	ASSERT_LE(FMT_COUNT, nr);
	/* The core's registry and the module's format IDs are the same list. */
	r->f = swmmu_format_get(id);
	ASSERT_NE(NULL, r->f);
	ASSERT_STREQ(r->f->name, r->fi.name);
	ASSERT_EQ(id, r->fi.format_id);
	r->top = r->f->nr_levels - 1u;
	r->pg = 1ULL << r->f->level[0].shift;
	if (_test_drv_as_alloc(r->fd, id, 0, &r->as_id, NULL)) {
		TH_LOG("%s: AS_ALLOC(SWMMU_AS_DRIVER_TABLES) failed: %s", r->fi.name,
		       strerror(errno));
		ASSERT_TRUE(false);
	}
	ASSERT_EQ(0, swmmu_dbuf_new(r->fd, TB_LEN, &r->tb));
	ASSERT_EQ(0, swmmu_dbuf_new(r->fd, DB_LEN, &r->db));
	swmmu_fill(r->db.cpu, DB_LEN, id + 1);
	ASSERT_EQ(0, _test_queue_alloc(r->fd, r->as_id, &r->q));
	ASSERT_EQ(0, _test_fault_queue_events(r->fd, EVENTS, &r->fq));
}

static void rig_close(struct rig *r)
{
	swmmu_dbuf_release(&r->tb);
	swmmu_dbuf_release(&r->db);
	if (r->fq >= 0)
		close(r->fq);
	if (r->fd >= 0)
		close(r->fd);
	r->fq = r->fd = -1;
}

static int rig_ctx(struct rig *r, uint32_t flags, uint64_t root, uint32_t asid, uint32_t check)
{
	return _test_ctx_set(r->fd, swmmu_ctx(r->as_id, flags, r->fi.format_id, root, asid, check));
}

/* One DMA command on the rig's queue: 0 or -errno (see swmmu_run1()). */
static int rig_dma(struct rig *r, struct swmmu_dma_cmd c, struct swmmu_dma_cmd *out)
{
	return swmmu_run1(r->fd, r->q, c, out);
}

static uint32_t rig_crc(struct __test_metadata *_metadata, struct rig *r, uint64_t va,
			uint64_t len)
{
	struct swmmu_dma_cmd o;
	int st = rig_dma(r, swmmu_cmd_crc32(va, len), &o);

	if (st)
		TH_LOG("%s: CRC32 of %#llx+%#llx failed: %d", r->fi.name, (unsigned long long)va,
		       (unsigned long long)len, st);
	ASSERT_EQ(0, st);
	return (uint32_t)o.out_result;
}

#define test_cmd_inv_r(r, c)	ASSERT_EQ(0, swmmu_inv1((r)->fd, c))

static int rig_events(struct rig *r, struct swmmu_event *ev)
{
	return swmmu_read_events(r->fq, ev, EVENTS);
}

/* The last command left exactly one fault record (and no checker report): check it. */
static void expect_fault(struct __test_metadata *_metadata, struct rig *r, uint32_t reason,
			 int level, uint64_t iova, uint32_t access)
{
	struct swmmu_event ev[EVENTS];
	int n = rig_events(r, ev);

	ASSERT_EQ(1, n);
	if (ev[0].fault.reason != reason || (level >= 0 && ev[0].fault.level != (uint32_t)level))
		TH_LOG("%s: fault at %#llx: reason %u level %u, expected reason %u level %d",
		       r->fi.name, (unsigned long long)ev[0].fault.iova, ev[0].fault.reason,
		       ev[0].fault.level, reason, level);
	ASSERT_EQ(0, ev[0].fault.flags & SWMMU_FAULT_CHECK);
	ASSERT_EQ(0, ev[0].class);
	EXPECT_EQ(r->as_id, ev[0].fault.as_id);
	EXPECT_EQ(r->q, ev[0].fault.queue_id);
	EXPECT_EQ(reason, ev[0].fault.reason);
	if (level >= 0)
		EXPECT_EQ((uint32_t)level, ev[0].fault.level);
	EXPECT_EQ(iova, ev[0].fault.iova);
	EXPECT_EQ(access, ev[0].fault.access);
}

/* A command that must fault with @reason at @level (-1: any level) on @iova. */
static void dma_fault(struct __test_metadata *_metadata, struct rig *r, struct swmmu_dma_cmd c,
		      uint32_t reason, int level, uint64_t iova, uint32_t access)
{
	struct swmmu_dma_cmd o;
	int st = rig_dma(r, c, &o);

	if (st != -swmmu_fault_errno(reason))
		TH_LOG("%s: command at %#llx gave %d, expected %d (fault reason %u)", r->fi.name,
		       (unsigned long long)iova, st, -swmmu_fault_errno(reason), reason);
	ASSERT_EQ(-swmmu_fault_errno(reason), st);
	expect_fault(_metadata, r, reason, level, iova, access);
}

/* No checker report and no fault was queued, and the context counted none. */
static void expect_no_reports(struct __test_metadata *_metadata, struct rig *r)
{
	struct swmmu_event ev[EVENTS];
	struct swmmu_ctx_info ci;
	int n = rig_events(r, ev);

	if (n > 0)
		TH_LOG("%s: unexpected record: flags %#x class %u reason %u iova %#llx level %u",
		       r->fi.name, ev[0].fault.flags, ev[0].class, ev[0].fault.reason,
		       (unsigned long long)ev[0].fault.iova, ev[0].fault.level);
	ASSERT_EQ(0, n);
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_EQ(0, ci.out_stale);
	EXPECT_EQ(0, ci.out_bbm);
	EXPECT_EQ(0, ci.out_table_reuse);
}

/* A VA with index 1 at every level below the root and index 0 in the root. */
static uint64_t base_va(const struct swmmu_format *f)
{
	uint64_t va = 0;
	unsigned int l;

	for (l = 0; l + 1u < f->nr_levels; l++)
		va += 1ULL << f->level[l].shift;
	return va;
}

static bool has_dual(const struct swmmu_format *f)
{
	unsigned int l;

	for (l = 0; l < f->nr_levels; l++)
		if (f->level[l].flags & SWMMU_LVL_DUAL)
			return true;
	return false;
}

/* ---- every built-in format ----------------------------------------------------------------- */

FIXTURE(drv) {
	struct rig r;
	struct drv_pt pt;
	uint64_t va;
	uint32_t hw_ad;
	int vfd;		/* another file: its buffer is real memory outside this file's */
	struct swmmu_dbuf vb;
	uint8_t *vsave;
	bool torn;
};

FIXTURE_VARIANT(drv) {
	unsigned int fmt;
};

#define SWMMU_FORMAT(id) FIXTURE_VARIANT_ADD(drv, id) { .fmt = FMT_##id };
#include "swmmu_formats.def"
#undef SWMMU_FORMAT

FIXTURE_SETUP(drv)
{
	self->vfd = -1;
	self->vb.efd = -1;
	rig_open(_metadata, &self->r, variant->fmt);
	ASSERT_EQ(0, drv_pt_init(&self->pt, self->r.f, &self->r.tb, 0, TB_LEN, self->r.fd,
				 self->r.as_id, ASID));
	self->va = base_va(self->r.f);
	/* Where the device may set A/D only when told to, tell it (translation tests). */
	self->hw_ad = self->r.f->accessed ? SWMMU_CTX_HW_AD : 0;
	self->vfd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->vfd);
	ASSERT_EQ(0, swmmu_dbuf_new(self->vfd, VB_LEN, &self->vb));
	swmmu_fill(self->vb.cpu, VB_LEN, 99);
	self->vsave = malloc(VB_LEN);
	ASSERT_NE(NULL, self->vsave);
}

/*
 * The 6.1 harness runs the teardown again when an assertion fails in it, and after a failed
 * assertion in the test every assertion in the teardown fails: run it once.
 */
#define TEARDOWN_ONCE()					\
	do {						\
		if (self->torn)				\
			return;				\
		self->torn = true;			\
	} while (0)

FIXTURE_TEARDOWN(drv)
{
	TEARDOWN_ONCE();
	/* The tables may be hostile: the core never walks them again (no swmmu_as_destroy()). */
	rig_close(&self->r);
	swmmu_dbuf_release(&self->vb);
	if (self->vfd >= 0)
		close(self->vfd);
	free(self->vsave);
	test_no_leaks();
}

static int drv_enable(FIXTURE_DATA(drv) *self, uint32_t check)
{
	return rig_ctx(&self->r, SWMMU_CTX_ENABLE | self->hw_ad, self->pt.as.root, ASID, check);
}

static uint64_t db_dma(FIXTURE_DATA(drv) *self, uint64_t page)
{
	return self->r.db.dma + page * self->r.pg;
}

static uint8_t *db_cpu(FIXTURE_DATA(drv) *self, uint64_t page)
{
	return self->r.db.cpu + page * self->r.pg;
}

/*
 * The debugfs file `contexts` (root only) shows the context on a line of its own, with what
 * CTX_INFO reports: the process that made it, the format by name, its root and the TLB's use.
 */
static void expect_debugfs_context(struct __test_metadata *_metadata, struct rig *r,
				   const struct swmmu_ctx_info *ci)
{
	char want[256], line[512];
	bool found = false;
	FILE *f;

	snprintf(want, sizeof(want),
		 " pid %d format %s va_bits %u asid %u root 0x%llx flags 0x%x check %u tlb %u/%u walk ",
		 (int)getpid(), r->fi.name, ci->out_va_bits, ci->out_asid,
		 (unsigned long long)ci->out_root, ci->out_flags, ci->out_check, ci->out_tlb_used,
		 ci->out_tlb_entries);
	f = fopen("/sys/kernel/debug/swmmu/contexts", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "ctx ", 4) && strstr(line, want))
			found = true;
	fclose(f);
	if (!found)
		TH_LOG("no line of /sys/kernel/debug/swmmu/contexts has \"%s\"", want);
	EXPECT_TRUE(found);
}

/* Translations of the core's tables, through every kind of DMA command; no report. */
TEST_F(drv, translate)
{
	struct rig *r = &self->r;
	uint64_t pg = r->pg, va = self->va, v = 0x0123456789abcdefULL;
	uint8_t *p5 = db_cpu(self, 5), *p2 = db_cpu(self, 2), *tmp = malloc(2 * pg);
	struct swmmu_ctx_info ci;
	struct swmmu_dma_cmd o;

	ASSERT_NE(NULL, tmp);
	/* Out of order in the buffer, so that only a walk finds the pages. */
	ASSERT_EQ(0, drv_pt_map(&self->pt, va, db_dma(self, 5), pg, PROT_RW, pg));
	ASSERT_EQ(0, drv_pt_map(&self->pt, va + pg, db_dma(self, 2), pg, PROT_RW, pg));
	ASSERT_EQ(0, drv_enable(self, SWMMU_CHECK_REPORT));

	EXPECT_EQ(swmmu_crc32(p5, pg), rig_crc(_metadata, r, va, pg));
	/* Across the two leaves. */
	memcpy(tmp, p5 + pg / 2, pg / 2);
	memcpy(tmp + pg / 2, p2, pg / 2);
	EXPECT_EQ(swmmu_crc32(tmp, pg), rig_crc(_metadata, r, va + pg / 2, pg));
	/* FILL lands in page 2 of the buffer, bytes outside the range stay. */
	memcpy(tmp, p2, pg);
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va + pg + 8, pg - 16, v), &o));
	EXPECT_EQ(pg - 16, o.out_result);
	EXPECT_TRUE(swmmu_filled(p2 + 8, pg - 16, v));
	EXPECT_EQ(0, memcmp(tmp, p2, 8));
	EXPECT_EQ(0, memcmp(tmp + pg - 8, p2 + pg - 8, 8));
	/* COPY from one translation to the other. */
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_copy(va, va + pg, pg), &o));
	EXPECT_EQ(0, memcmp(p5, p2, pg));
	/* The CPU's writes into the exported buffer are what the device reads. */
	p5[7] ^= 0xff;
	EXPECT_EQ(swmmu_crc32(p5, pg), rig_crc(_metadata, r, va, pg));

	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_EQ(SWMMU_CTX_ENABLE | self->hw_ad, ci.out_flags);
	EXPECT_EQ(r->fi.format_id, ci.out_format_id);
	EXPECT_EQ(r->fi.va_bits, ci.out_va_bits);
	EXPECT_EQ(ASID, ci.out_asid);
	EXPECT_EQ(SWMMU_CHECK_REPORT, ci.out_check);
	EXPECT_EQ(self->pt.as.root, ci.out_root);
	EXPECT_EQ(256, ci.out_tlb_entries);
	EXPECT_EQ(64, ci.out_walk_entries);
	EXPECT_LT(0, ci.out_walks);
	EXPECT_LT(0, ci.out_misses);
	EXPECT_LT(0, ci.out_hits);
	EXPECT_LT(0, ci.out_tlb_used);
	EXPECT_LT(0, ci.out_checks);
	EXPECT_EQ(0, ci.out_faults);
	expect_no_reports(_metadata, r);
	expect_debugfs_context(_metadata, r, &ci);
	free(tmp);
}

/* Leaves larger than the granule, and contiguous entries, as the core picks them. */
TEST_F(drv, large)
{
	struct rig *r = &self->r;
	uint64_t va = 1ULL << r->f->level[r->top].shift, v = 0x55aa55aa11223344ULL;
	uint8_t *half = r->db.cpu + SZ_2M;
	struct swmmu_xlate x;
	struct swmmu_dma_cmd o;

	/* 2 MiB at a 2 MiB-aligned DMA address, then 256 KiB: the largest leaves that fit. */
	ASSERT_EQ(0, drv_pt_map(&self->pt, va, r->db.dma + SZ_2M, SZ_2M, PROT_RW, 0));
	ASSERT_EQ(0, drv_pt_map(&self->pt, va + SZ_4M, r->db.dma + 4 * SZ_64K, 4 * SZ_64K,
				PROT_RW, 0));
	ASSERT_EQ(0, swmmu_query(&self->pt.as, va, &x));
	TH_LOG("%s: 2 MiB mapped with %llu-byte leaves", r->fi.name, 1ULL << x.size_lg2);
	ASSERT_EQ(0, drv_enable(self, SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(half, SZ_2M), rig_crc(_metadata, r, va, SZ_2M));
	EXPECT_EQ(swmmu_crc32(r->db.cpu + 4 * SZ_64K, 4 * SZ_64K),
		  rig_crc(_metadata, r, va + SZ_4M, 4 * SZ_64K));
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va + SZ_1M - 3 * SZ_4K, 5 * SZ_4K, v), &o));
	EXPECT_TRUE(swmmu_filled(half + SZ_1M - 3 * SZ_4K, 5 * SZ_4K, v));
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_copy(va + SZ_4M + 8, va + 100, 3 * SZ_64K), &o));
	EXPECT_EQ(0, memcmp(r->db.cpu + 4 * SZ_64K + 8, half + 100, 3 * SZ_64K));
	expect_no_reports(_metadata, r);
}

/*
 * A hole at each level: with one page mapped at a VA of index 1 at every level below the root,
 * VA + the span of one item of level l differs in the index of level l only, so the walk shares
 * the tables above and finds a hole at level l. And a VA outside the format.
 */
TEST_F(drv, not_present)
{
	struct rig *r = &self->r;
	unsigned int l;
	uint64_t va;

	ASSERT_EQ(0, drv_pt_map(&self->pt, self->va, db_dma(self, 1), r->pg, PROT_RW, r->pg));
	ASSERT_EQ(0, drv_enable(self, SWMMU_CHECK_REPORT));
	rig_crc(_metadata, r, self->va, 64);
	for (l = 0; l <= r->top; l++) {
		va = self->va + (1ULL << r->f->level[l].shift) + 8;
		/* A dual directory defers a hole in its big-page table to the small one. */
		dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_NOT_PRESENT,
			  has_dual(r->f) ? -1 : (int)l, va, SWMMU_PROT_READ);
		dma_fault(_metadata, r, swmmu_cmd_fill(va, 64, 1), SWMMU_FAULT_NOT_PRESENT,
			  has_dual(r->f) ? -1 : (int)l, va, SWMMU_PROT_WRITE);
	}
	if (r->fi.va_bits < 64) {
		va = 1ULL << r->fi.va_bits;
		dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_ADDRESS_SIZE, r->top,
			  va, SWMMU_PROT_READ);
	}
	expect_no_reports(_metadata, r);
}

/*
 * Addresses outside the file's buffers: a table entry naming a table in another file's buffer,
 * a leaf naming a page there, a root there. The other file's buffer holds a copy of the real
 * table, so a device that walked it would succeed: only the buffer check makes these fault. And
 * output or table addresses above the format's output size, where the entry can hold one.
 */
TEST_F(drv, outside)
{
	struct rig *r = &self->r;
	const struct swmmu_format *f = r->f;
	volatile uint64_t *top, *leaf;
	uint64_t va = self->va, t, lv, tsize;
	struct swmmu_event ev[EVENTS];
	int n;

	ASSERT_EQ(0, drv_pt_map(&self->pt, va, db_dma(self, 1), r->pg, PROT_RW, r->pg));
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | self->hw_ad, self->pt.as.root, ASID,
			     SWMMU_CHECK_OFF));
	rig_crc(_metadata, r, va, 64);
	top = drv_pt_item_cpu(&self->pt, va, r->top);
	leaf = drv_pt_item_cpu(&self->pt, va, 0);
	ASSERT_NE(NULL, top);
	ASSERT_NE(NULL, leaf);
	t = *top;
	lv = *leaf;

	/* A table outside: the root's item names the other file's copy of its table. */
	tsize = (uint64_t)drv_item_bytes(f, r->top - 1) << f->level[r->top - 1].index_bits;
	ASSERT_GE(VB_LEN, tsize);
	memcpy(self->vb.cpu, swmmu_dbuf_cpu(&r->tb, drv_pte_oa(f, t)), tsize);
	memcpy(self->vsave, self->vb.cpu, VB_LEN);
	*top = drv_pte_set_oa(f, t, self->vb.dma);
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	ASSERT_EQ(-EIO, rig_dma(r, swmmu_cmd_crc32(va, 64), NULL));
	n = rig_events(r, ev);
	ASSERT_EQ(1, n);
	EXPECT_EQ(SWMMU_FAULT_TABLE_OUTSIDE, ev[0].fault.reason);
	/* The walk stops at the table it cannot read, one level below the root. */
	EXPECT_EQ(r->top - 1, ev[0].fault.level);
	ASSERT_EQ(-EIO, rig_dma(r, swmmu_cmd_fill(va, 64, 0), NULL));
	rig_events(r, ev);
	EXPECT_EQ(0, memcmp(self->vsave, self->vb.cpu, VB_LEN));
	*top = t;
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	rig_crc(_metadata, r, va, 64);

	/* A page outside. */
	memcpy(self->vsave, self->vb.cpu, VB_LEN);
	*leaf = drv_pte_set_oa(f, lv, self->vb.dma);
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	dma_fault(_metadata, r, swmmu_cmd_fill(va, 64, 0), SWMMU_FAULT_BAD_OUTPUT, 0, va,
		  SWMMU_PROT_WRITE);
	dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_BAD_OUTPUT, 0, va,
		  SWMMU_PROT_READ);
	EXPECT_EQ(0, memcmp(self->vsave, self->vb.cpu, VB_LEN));
	*leaf = lv;

	/* The root outside (the other file's buffer holds a copy of the real root). */
	memcpy(self->vb.cpu, self->pt.as.root_cpu,
	       (uint64_t)drv_item_bytes(f, r->top) << f->level[r->top].index_bits);
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | self->hw_ad, self->vb.dma, ASID,
			     SWMMU_CHECK_OFF));
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_TABLE_OUTSIDE, r->top, va,
		  SWMMU_PROT_READ);
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | self->hw_ad, self->pt.as.root, ASID,
			     SWMMU_CHECK_OFF));
	rig_crc(_metadata, r, va, 64);

	/* Output sizes: only where the entry's address field is wider than the format's OA. */
	if (f->oa_lo + f->oa_width <= f->oa_bits) {
		TH_LOG("%s: the address field holds exactly %u bits: no OA above them to test",
		       r->fi.name, f->oa_bits);
		return;
	}
	*leaf = drv_pte_set_oa(f, lv, 1ULL << f->oa_bits);
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_OA_SIZE, 0, va,
		  SWMMU_PROT_READ);
	*leaf = lv;
	*top = drv_pte_set_oa(f, t, 1ULL << f->oa_bits);
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	ASSERT_EQ(-ERANGE, rig_dma(r, swmmu_cmd_crc32(va, 64), NULL));
	n = rig_events(r, ev);
	ASSERT_EQ(1, n);
	/* Here the item itself is wrong: the fault is at its level (as Arm's address size fault). */
	EXPECT_EQ(SWMMU_FAULT_OA_SIZE, ev[0].fault.reason);
	EXPECT_EQ(r->top, ev[0].fault.level);
	*top = t;
}

/* Permissions: a read-only leaf, and a table entry that takes write away below it. */
TEST_F(drv, permission)
{
	struct rig *r = &self->r;
	uint64_t va = self->va, pg = r->pg;
	struct swmmu_gather g;
	int ret;

	ASSERT_EQ(0, drv_pt_map(&self->pt, va, db_dma(self, 1), pg, SWMMU_PROT_READ, pg));
	ASSERT_EQ(0, drv_pt_map(&self->pt, va + pg, db_dma(self, 2), pg, PROT_RW, pg));
	ASSERT_EQ(0, drv_enable(self, SWMMU_CHECK_REPORT));
	dma_fault(_metadata, r, swmmu_cmd_fill(va + 16, 8, 1), SWMMU_FAULT_PERMISSION, 0,
		  va + 16, SWMMU_PROT_WRITE);
	EXPECT_EQ(swmmu_crc32(db_cpu(self, 1), pg), rig_crc(_metadata, r, va, pg));
	/* The COPY reads fine and faults on its write. */
	dma_fault(_metadata, r, swmmu_cmd_copy(va + pg, va, 64), SWMMU_FAULT_PERMISSION, 0, va,
		  SWMMU_PROT_WRITE);
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va + pg, 8, 7), NULL));

	/* Hierarchical: the level-1 table entry above both allows reading only. */
	swmmu_gather_init(&g, drv_pt_flush, &self->pt);
	ret = swmmu_set_table_prot(&self->pt.as, va, 1, SWMMU_PROT_R, &g);
	swmmu_gather_flush(&g);
	ASSERT_EQ(0, self->pt.inv_err);
	if (ret == -EOPNOTSUPP) {
		TH_LOG("%s: table entries carry no permissions", r->fi.name);
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(-EACCES, rig_dma(r, swmmu_cmd_fill(va + pg, 8, 7), NULL));
		{
			struct swmmu_event ev[EVENTS];
			int n = rig_events(r, ev);

			ASSERT_EQ(1, n);
			EXPECT_EQ(SWMMU_FAULT_PERMISSION, ev[0].fault.reason);
			EXPECT_EQ(va + pg, ev[0].fault.iova);
		}
		rig_crc(_metadata, r, va + pg, 64);
	}
	expect_no_reports(_metadata, r);
}

enum ad_kind { AD_NONE, AD_ALWAYS, AD_OPTIONAL };

/*
 * Who sets accessed/dirty: x86-64 (Intel SDM vol. 3A 4.8), VT-d second stage and AMD v1 always;
 * AArch64 only with hardware AF management (Arm ARM D8.5, TCR.HA) and RISC-V only with Svadu
 * (privileged spec 12.3.1 "the A and D bits"; without it an access with A clear, or a write
 * with D clear, raises a page fault); the others have no such bits.
 */
static enum ad_kind ad_kind(const struct swmmu_format *f)
{
	if (!f->accessed)
		return AD_NONE;
	if (!strncmp(f->name, "aarch64", 7) || !strncmp(f->name, "riscv", 5))
		return AD_OPTIONAL;
	return AD_ALWAYS;
}

TEST_F(drv, accessed_dirty)
{
	struct rig *r = &self->r;
	const struct swmmu_format *f = r->f;
	uint64_t va = self->va, pg = r->pg, A = f->accessed, D = f->dirty;
	enum ad_kind k = ad_kind(f);
	volatile uint64_t *leaf;
	struct swmmu_ctx_info ci;

	ASSERT_EQ(0, drv_pt_map(&self->pt, va, db_dma(self, 1), pg, PROT_RW, pg));
	leaf = drv_pt_item_cpu(&self->pt, va, 0);
	ASSERT_NE(NULL, leaf);
	if (k == AD_NONE) {
		ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, self->pt.as.root, ASID,
				     SWMMU_CHECK_REPORT));
		rig_crc(_metadata, r, va, 64);
		ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va, 64, 3), NULL));
		expect_no_reports(_metadata, r);
		return;
	}
	*leaf &= ~(A | D);
	/* Without SWMMU_CTX_HW_AD. */
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, self->pt.as.root, ASID, SWMMU_CHECK_REPORT));
	if (k == AD_OPTIONAL) {
		dma_fault(_metadata, r, swmmu_cmd_crc32(va, 64), SWMMU_FAULT_ACCESS_FLAG, 0, va,
			  SWMMU_PROT_READ);
		EXPECT_EQ(0, *leaf & A);
		if (D) {
			/* Accessed but clean: a write faults on D (RISC-V). */
			*leaf |= A;
			test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
			rig_crc(_metadata, r, va, 64);
			dma_fault(_metadata, r, swmmu_cmd_fill(va, 64, 3), SWMMU_FAULT_ACCESS_FLAG,
				  0, va, SWMMU_PROT_WRITE);
			EXPECT_EQ(0, *leaf & D);
		}
		*leaf &= ~(A | D);
		test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
		ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | SWMMU_CTX_HW_AD, self->pt.as.root, ASID,
				     SWMMU_CHECK_REPORT));
	}
	/* The device sets A on a read, D on a write through the entry it cached clean. */
	rig_crc(_metadata, r, va, 64);
	EXPECT_EQ(A, *leaf & A);
	if (D)
		EXPECT_EQ(0, *leaf & D);
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va, 64, 3), NULL));
	if (D)
		EXPECT_EQ(D, *leaf & D);
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_LE(D ? 2 : 1, ci.out_ad_updates);
	expect_no_reports(_metadata, r);
}

/* A context that is not enabled faults (DISABLED) and holds no translation. */
TEST_F(drv, disabled)
{
	struct rig *r = &self->r;
	struct swmmu_ctx_info ci;

	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_EQ(0, ci.out_flags);
	EXPECT_EQ(r->fi.format_id, ci.out_format_id);
	EXPECT_EQ(r->fi.va_bits, ci.out_va_bits);
	EXPECT_EQ(0, ci.out_tlb_used);
	ASSERT_EQ(0, drv_pt_map(&self->pt, self->va, db_dma(self, 1), r->pg, PROT_RW, r->pg));
	dma_fault(_metadata, r, swmmu_cmd_crc32(self->va, 64), SWMMU_FAULT_DISABLED, -1, self->va,
		  SWMMU_PROT_READ);
	ASSERT_EQ(0, drv_enable(self, SWMMU_CHECK_OFF));
	rig_crc(_metadata, r, self->va, 64);
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_LT(0, ci.out_tlb_used);
	/* Disabling drops the TLB and the walk cache. */
	ASSERT_EQ(0, rig_ctx(r, self->hw_ad, self->pt.as.root, ASID, SWMMU_CHECK_OFF));
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &ci));
	EXPECT_EQ(0, ci.out_tlb_used);
	EXPECT_EQ(0, ci.out_walk_used);
	EXPECT_EQ(0, ci.out_flags & SWMMU_CTX_ENABLE);
	dma_fault(_metadata, r, swmmu_cmd_fill(self->va, 64, 0), SWMMU_FAULT_DISABLED, -1,
		  self->va, SWMMU_PROT_WRITE);
}

/*
 * Context switches: two trees map the same VA to different pages. Re-pointing the context with
 * the same ASID keeps the TLB (the old translation is used until SWMMU_INV_ASID), as the
 * hardware does; with an ASID per tree, each tree's translations are its own.
 */
TEST_F(drv, ctx_switch)
{
	struct rig *r = &self->r;
	struct drv_pt *b = malloc(sizeof(*b));
	uint64_t va = self->va, pg = r->pg, ra = self->pt.as.root, rb;
	uint32_t crc_a = swmmu_crc32(db_cpu(self, 1), pg), crc_b = swmmu_crc32(db_cpu(self, 2), pg);
	uint32_t fl = SWMMU_CTX_ENABLE | self->hw_ad;
	struct swmmu_ctx_info c0, c1;

	ASSERT_NE(NULL, b);
	ASSERT_NE(crc_a, crc_b);
	/* The first tree takes the first half of the table buffer, the second the rest. */
	self->pt.hi = self->pt.lo + TB_LEN / 2;
	ASSERT_GE(self->pt.hi, self->pt.next);
	ASSERT_EQ(0, drv_pt_init(b, r->f, &r->tb, TB_LEN / 2, TB_LEN / 2, r->fd, r->as_id, ASID));
	rb = b->as.root;
	ASSERT_EQ(0, drv_pt_map(&self->pt, va, db_dma(self, 1), pg, PROT_RW, pg));
	ASSERT_EQ(0, drv_pt_map(b, va, db_dma(self, 2), pg, PROT_RW, pg));

	/* One ASID, hardware-faithful (no checker). */
	ASSERT_EQ(0, rig_ctx(r, fl, ra, 1, SWMMU_CHECK_OFF));
	EXPECT_EQ(crc_a, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, rig_ctx(r, fl, rb, 1, SWMMU_CHECK_OFF));
	EXPECT_EQ(crc_a, rig_crc(_metadata, r, va, pg));
	test_cmd_inv_r(r, swmmu_inv_asid(r->as_id, 1));
	EXPECT_EQ(crc_b, rig_crc(_metadata, r, va, pg));

	/* Two ASIDs, checked: switching back and forth is correct and hits the TLB. */
	test_cmd_inv_r(r, swmmu_inv_ctx(r->as_id));
	ASSERT_EQ(0, rig_ctx(r, fl, ra, 1, SWMMU_CHECK_REPORT));
	EXPECT_EQ(crc_a, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, rig_ctx(r, fl, rb, 2, SWMMU_CHECK_REPORT));
	EXPECT_EQ(crc_b, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &c0));
	ASSERT_EQ(0, rig_ctx(r, fl, ra, 1, SWMMU_CHECK_REPORT));
	EXPECT_EQ(crc_a, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, rig_ctx(r, fl, rb, 2, SWMMU_CHECK_REPORT));
	EXPECT_EQ(crc_b, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &c1));
	EXPECT_LT(c0.out_hits, c1.out_hits);
	EXPECT_EQ(c0.out_misses, c1.out_misses);
	/* ASID 1 only: ASID 2's entries stay. */
	test_cmd_inv_r(r, swmmu_inv_asid(r->as_id, 1));
	EXPECT_EQ(crc_b, rig_crc(_metadata, r, va, pg));
	ASSERT_EQ(0, _test_ctx_info(r->fd, r->as_id, &c0));
	EXPECT_EQ(c1.out_misses, c0.out_misses);
	expect_no_reports(_metadata, r);
	free(b);
}

static uint64_t rnd64(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/*
 * A table that points at itself: the root's item 0 names the root. x86-64 allows it (Intel SDM
 * vol. 3A 4.5: any paging-structure entry may reference any 4-KByte frame, which is how a
 * recursive mapping works): VA 0 then walks the root four times and the PTE maps the root's own
 * page. Elsewhere the walk must end, with a translation or a fault.
 */
TEST_F(drv, self_reference)
{
	struct rig *r = &self->r;
	const struct swmmu_format *f = r->f;
	volatile uint64_t *top;
	struct swmmu_event ev[EVENTS];
	struct swmmu_dma_cmd o;
	uint64_t rsize = (uint64_t)drv_item_bytes(f, r->top) << f->level[r->top].index_bits;
	int st, n, i;

	ASSERT_EQ(0, drv_pt_map(&self->pt, self->va, db_dma(self, 1), r->pg, PROT_RW, r->pg));
	top = drv_pt_item_cpu(&self->pt, self->va, r->top);
	ASSERT_NE(NULL, top);
	*(volatile uint64_t *)self->pt.as.root_cpu = drv_pte_set_oa(f, *top, self->pt.as.root);
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | self->hw_ad, self->pt.as.root, ASID,
			     SWMMU_CHECK_OFF));
	st = rig_dma(r, swmmu_cmd_crc32(0, 64), &o);
	n = rig_events(r, ev);
	if (!strcmp(f->name, "x86_64")) {
		ASSERT_EQ(0, st);
		EXPECT_EQ(swmmu_crc32(self->pt.as.root_cpu, 64), (uint32_t)o.out_result);
		EXPECT_GE(rsize, 64);
	} else if (st) {
		ASSERT_EQ(1, n);
		EXPECT_TRUE(WALK_REASONS & (1u << ev[0].fault.reason));
		EXPECT_EQ(-swmmu_fault_errno(ev[0].fault.reason), st);
	}
	/* An item naming its own table at every index of the root. */
	for (i = 1; i < (int)(rsize / drv_item_bytes(f, r->top)) && i < 8; i++) {
		uint64_t va = (uint64_t)i << f->level[r->top].shift;

		if ((f->flags & SWMMU_FMT_SIGN_EXTEND) && (va >> (r->fi.va_bits - 1)))
			break;
		((volatile uint64_t *)self->pt.as.root_cpu)[i * drv_item_bytes(f, r->top) / 8] =
			drv_pte_set_oa(f, *top, self->pt.as.root);
		st = rig_dma(r, swmmu_cmd_crc32(va, 64), &o);
		n = rig_events(r, ev);
		if (st) {
			ASSERT_EQ(1, n);
			EXPECT_TRUE(WALK_REASONS & (1u << ev[0].fault.reason));
		}
	}
}

/*
 * Hostile tables: a valid tree from the core, then random items (random bits, bit flips, items
 * copied elsewhere, pointers to any table of the tree, to itself or an ancestor, to another
 * file's buffer), a random root, random invalidations and checker modes, and DMA at VAs near
 * the mappings. Every command must either succeed or fault with a walk reason; the other file's
 * buffer (which holds valid-looking items too) must never be touched.
 */
TEST_F_TIMEOUT(drv, hostile, 300)
{
	struct rig *r = &self->r;
	const struct swmmu_format *f = r->f;
	uint64_t s = 0x9e3779b97f4a7c15ULL * (variant->fmt + 1), ok = 0, faults = 0;
	uint64_t tmin = 1ULL << f->level[0].table_align_lg2, ralign;
	unsigned int round, i, l;
	struct swmmu_event ev[EVENTS];

	/* Valid-looking tables in the other file: a copy of a real tree. */
	ASSERT_EQ(0, drv_pt_map(&self->pt, self->va, db_dma(self, 1), r->pg, PROT_RW, r->pg));
	memcpy(self->vb.cpu, swmmu_dbuf_cpu(&r->tb, self->pt.lo), VB_LEN);
	memcpy(self->vsave, self->vb.cpu, VB_LEN);
	ralign = 1ULL << f->level[r->top].table_align_lg2;
	for (l = 0; l < f->nr_levels; l++)
		if ((1ULL << f->level[l].table_align_lg2) < tmin)
			tmin = 1ULL << f->level[l].table_align_lg2;

	for (round = 0; round < 64; round++) {
		uint64_t span, root, base, va, a, v;
		unsigned int nm = 1 + rnd64(&s) % 8;
		int st;

		/* A fresh valid tree, over the garbage the previous rounds left. */
		ASSERT_EQ(0, drv_pt_init(&self->pt, f, &r->tb, 0, TB_LEN, r->fd, r->as_id, ASID));
		for (i = 0; i < 6; i++) {
			va = self->va + (rnd64(&s) % 4) * r->pg +
			     (1ULL << f->level[rnd64(&s) % r->top].shift) * (rnd64(&s) % 3);
			drv_pt_map(&self->pt, va, db_dma(self, rnd64(&s) % 16), r->pg,
				   rnd64(&s) % 2 ? PROT_RW : SWMMU_PROT_READ, r->pg);
		}
		span = self->pt.next - self->pt.lo;
		base = self->pt.lo;
		for (i = 0; i < nm; i++) {
			volatile uint64_t *it;
			uint64_t w;

			a = base + (rnd64(&s) % (span / 8)) * 8;
			it = swmmu_dbuf_cpu(&r->tb, a);
			w = *it;
			switch (rnd64(&s) % 6) {
			case 0:
				w = rnd64(&s);
				break;
			case 1:
				w ^= 1ULL << (rnd64(&s) % 64);
				break;
			case 2:
				w = *(volatile uint64_t *)swmmu_dbuf_cpu(&r->tb, base +
					(rnd64(&s) % (span / 8)) * 8);
				break;
			case 3:
				/* Any table of the tree: itself, an ancestor, a sibling. */
				w = drv_pte_set_oa(f, w, base + (rnd64(&s) % (span / tmin)) * tmin);
				break;
			case 4:
				w = drv_pte_set_oa(f, w, self->vb.dma + (rnd64(&s) % 2) * SZ_4K);
				break;
			default:
				w = 0;
				break;
			}
			*it = w;
		}
		root = self->pt.as.root;
		if (rnd64(&s) % 8 == 0)
			root = base + (rnd64(&s) % (span / ralign ? span / ralign : 1)) * ralign;
		ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE | (rnd64(&s) % 2 ? SWMMU_CTX_HW_AD : 0),
				     root, rnd64(&s) % 4, rnd64(&s) % 3));
		test_cmd_inv_r(r, swmmu_inv_all());
		for (i = 0; i < 12; i++) {
			struct swmmu_dma_cmd o;

			va = self->va + (rnd64(&s) % 8) * r->pg + (rnd64(&s) % 64) * 8;
			if (rnd64(&s) % 2)
				va += (1ULL << f->level[rnd64(&s) % r->fi.nr_levels].shift) *
				      (rnd64(&s) % 3);
			v = rnd64(&s);
			st = rig_dma(r, rnd64(&s) % 2 ? swmmu_cmd_crc32(va, 64) :
				     swmmu_cmd_fill(va, 64, v), &o);
			if (!st) {
				ok++;
				continue;
			}
			faults++;
			if (st != -ENXIO && st != -EACCES && st != -ERANGE && st != -EIO &&
			    st != -EBADMSG)
				TH_LOG("%s: round %u: command at %#llx gave %d", r->fi.name, round,
				       (unsigned long long)va, st);
			ASSERT_TRUE(st == -ENXIO || st == -EACCES || st == -ERANGE || st == -EIO ||
				    st == -EBADMSG);
		}
		/* Every record: a walk fault with the errno its reason says, or a checker report. */
		while ((st = rig_events(r, ev)) > 0) {
			for (i = 0; i < (unsigned int)st; i++) {
				if (ev[i].fault.flags & SWMMU_FAULT_CHECK) {
					EXPECT_LE(SWMMU_CHECK_STALE, ev[i].class);
					EXPECT_GE(SWMMU_CHECK_TABLE_REUSE, ev[i].class);
					continue;
				}
				EXPECT_EQ(0, ev[i].class);
				if (!(WALK_REASONS & (1u << ev[i].fault.reason)))
					TH_LOG("%s: fault reason %u", r->fi.name,
					       ev[i].fault.reason);
				EXPECT_TRUE(WALK_REASONS & (1u << ev[i].fault.reason));
			}
		}
		ASSERT_LE(0, st);
		ASSERT_EQ(0, memcmp(self->vsave, self->vb.cpu, VB_LEN));
	}
	TH_LOG("%s: %llu commands translated, %llu faulted", r->fi.name,
	       (unsigned long long)ok, (unsigned long long)faults);
	EXPECT_LT(0, faults);
}

/* ---- the driver-managed address space and its commands -------------------------------------- */

FIXTURE(api) {
	int fd;
	struct rig r;
	uint32_t plain;		/* an ordinary address space */
	bool torn;
};

FIXTURE_SETUP(api)
{
	rig_open(_metadata, &self->r, FMT_x86_64);
	self->fd = self->r.fd;
	ASSERT_EQ(0, _test_as_alloc(self->fd, FMT_x86_64, 0, &self->plain, NULL));
}

FIXTURE_TEARDOWN(api)
{
	TEARDOWN_ONCE();
	rig_close(&self->r);
	test_no_leaks();
}

/* The driver-managed address space the size rules use. */
static uint32_t size_as;

static void init_ctx_set(struct swmmu_ctx_set *c)
{
	*c = swmmu_ctx(size_as, 0, FMT_x86_64, 0, 0, 0);
}

static struct swmmu_inval_cmd size_inv = { .opcode = SWMMU_INV_ALL };

static void init_invalidate(struct swmmu_invalidate *c)
{
	c->nr_cmds = 1;
	c->cmds_uptr = (uintptr_t)&size_inv;
}

static void init_ctx_info(struct swmmu_ctx_info *c)
{
	c->as_id = size_as;
}

static void init_buf_export(struct swmmu_buf_export *c)
{
	/* No such buffer: a successful export would hold a descriptor the test never closes. */
	c->buf_id = 99999;
}

/*
 * CTX_SET with a VA size the format derives (VT-d: a 3-level, 39-bit second stage of the 48-bit
 * format, VT-d spec 3.6 "the number of page-table levels"): tables a driver wrote for 39 bits
 * translate as they do under the built-in vtd-ss-39.
 */
TEST(ctx_set_va_size_of_the_format)
{
	struct swmmu_ctx_info ci;
	struct swmmu_ctx_set c;
	struct drv_pt pt;
	struct rig r;
	uint64_t va;

	rig_open(_metadata, &r, FMT_vtd_ss_39);
	ASSERT_EQ(0, drv_pt_init(&pt, r.f, &r.tb, 0, TB_LEN, r.fd, r.as_id, ASID));
	va = base_va(r.f);
	ASSERT_EQ(0, drv_pt_map(&pt, va, r.db.dma + 3 * r.pg, r.pg, PROT_RW, r.pg));
	c = swmmu_ctx(r.as_id, SWMMU_CTX_ENABLE | SWMMU_CTX_HW_AD, FMT_vtd_ss, pt.as.root, ASID,
		      SWMMU_CHECK_REPORT);
	c.va_bits = 39;
	ASSERT_EQ(0, _test_ctx_set(r.fd, c));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 3 * r.pg, r.pg), rig_crc(_metadata, &r, va, r.pg));
	ASSERT_EQ(0, _test_ctx_info(r.fd, r.as_id, &ci));
	EXPECT_EQ(FMT_vtd_ss, ci.out_format_id);
	EXPECT_EQ(39, ci.out_va_bits);
	/* A VA size no level boundary of the format fits is refused. */
	c.va_bits = 12;
	EXPECT_ERRNO(EINVAL, _test_ctx_set(r.fd, c));
	rig_close(&r);
	test_no_leaks();
}

/*
 * Sparse leaves (include/uapi/linux/swmmu.h: "a sparse (null) leaf reads as zeros and drops
 * writes"; Xe PTE NULL bit, gp100 VALID = 0 with VOL = 1): the DMA engine's CRC32 of one reads
 * zeros, a COPY into one is dropped, a COPY out of one writes zeros.
 */
TEST(sparse_leaves_read_zeros_and_drop_writes)
{
	static const unsigned int fmts[] = { FMT_gpu_xe, FMT_nv_gp100 };
	struct swmmu_dma_cmd o;
	unsigned int i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct drv_pt pt;
		uint8_t *zero;
		struct rig r;
		uint64_t va;

		rig_open(_metadata, &r, fmts[i]);
		zero = calloc(1, r.pg);
		ASSERT_NE(NULL, zero);
		ASSERT_EQ(0, drv_pt_init(&pt, r.f, &r.tb, 0, TB_LEN, r.fd, r.as_id, ASID));
		va = base_va(r.f);
		ASSERT_EQ(0, drv_pt_map(&pt, va, 0, r.pg, SWMMU_PROT_NULL, r.pg));
		ASSERT_EQ(0, drv_pt_map(&pt, va + r.pg, r.db.dma + 2 * r.pg, r.pg, PROT_RW, r.pg));
		ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE | (r.f->accessed ? SWMMU_CTX_HW_AD : 0),
				     pt.as.root, ASID, SWMMU_CHECK_REPORT));
		EXPECT_EQ(swmmu_crc32(zero, r.pg), rig_crc(_metadata, &r, va, r.pg));
		ASSERT_EQ(0, rig_dma(&r, swmmu_cmd_copy(va + r.pg, va, r.pg), &o));
		EXPECT_EQ(r.pg, o.out_result);
		EXPECT_EQ(swmmu_crc32(zero, r.pg), rig_crc(_metadata, &r, va, r.pg));
		ASSERT_EQ(0, rig_dma(&r, swmmu_cmd_copy(va, va + r.pg, r.pg), &o));
		EXPECT_EQ(r.pg, o.out_result);
		EXPECT_EQ(0, memcmp(zero, r.db.cpu + 2 * r.pg, r.pg)) {
			TH_LOG("%s: a COPY out of a sparse page did not write zeros", r.fi.name);
		}
		free(zero);
		rig_close(&r);
	}
	test_no_leaks();
}

/*
 * BUF_EXPORT in a process out of file descriptors: EMFILE (get_unused_fd_flags()), nothing
 * left behind, and the same export works once a descriptor is free.
 */
TEST(buf_export_without_a_free_descriptor)
{
	struct rlimit old, lim;
	int fd, free_fd, efd = -1;
	uint32_t buf;

	fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, _test_buf_alloc(fd, SZ_4K, SWMMU_BUF_CONTIG, &buf));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	/* The lowest free descriptor becomes the limit: none is left to hand out. */
	free_fd = dup(fd);
	ASSERT_LE(0, free_fd);
	close(free_fd);
	lim = old;
	lim.rlim_cur = (rlim_t)free_fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	EXPECT_ERRNO(EMFILE, _test_buf_export(fd, buf, 0, &efd));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0, _test_buf_export(fd, buf, 0, &efd));
	EXPECT_LE(0, efd);
	if (efd >= 0)
		close(efd);
	close(fd);
	test_no_leaks();
}

TEST_F(api, size_rules)
{
	size_as = self->r.as_id;
	TEST_LENGTH(swmmu_ctx_set, SWMMU_CTX_SET, __reserved, init_ctx_set);
	TEST_LENGTH(swmmu_invalidate, SWMMU_INVALIDATE, __reserved2, init_invalidate);
	TEST_LENGTH(swmmu_ctx_info, SWMMU_CTX_INFO, out_table_reuse, init_ctx_info);
	TEST_LENGTH(swmmu_buf_export, SWMMU_BUF_EXPORT, out_fd, init_buf_export);
}

TEST_F(api, driver_as)
{
	struct swmmu_as_alloc aa;
	struct swmmu_as_stats st;
	struct swmmu_query qr;
	struct swmmu_map_batch_op op = swmmu_bop_map(self->r.db.id, 0, SZ_4K, 0, PROT_RW);
	uint32_t as, done;
	uint64_t iova = 0;
	uint8_t b[16];

	ASSERT_EQ(0, _test_drv_as_alloc(self->fd, FMT_x86_64, 0, &as, &aa));
	EXPECT_EQ(SWMMU_MMAP_OFFSET_NONE, aa.out_mmap_offset);
	EXPECT_EQ(48, aa.out_va_bits);
	EXPECT_EQ(4, aa.out_nr_levels);
	/* Unknown AS_ALLOC flags. */
	aa.flags = 0x2;
	aa.size = sizeof(aa);
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_AS_ALLOC, &aa));
	/* The tables are the caller's: swmmu's own table operations do not apply. */
	EXPECT_ERRNO(EOPNOTSUPP, _test_map(self->fd, as, self->r.db.id, 0, SZ_4K,
					    SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova));
	EXPECT_ERRNO(EOPNOTSUPP, _test_unmap(self->fd, as, 0, SZ_4K, NULL));
	EXPECT_ERRNO(EOPNOTSUPP, _test_protect(self->fd, as, 0, SZ_4K, SWMMU_PROT_READ));
	EXPECT_ERRNO(EOPNOTSUPP, _test_map_batch(self->fd, as, &op, 1, &done));
	EXPECT_ERRNO(EOPNOTSUPP, _test_query(self->fd, as, 0, &qr));
	done = 4;
	{
		struct swmmu_dump_region rg[4];

		EXPECT_ERRNO(EOPNOTSUPP, _test_dump(self->fd, as, 0, 0, rg, &done));
	}
	EXPECT_ERRNO(EOPNOTSUPP, _test_rw(self->fd, as, 0, b, sizeof(b), false));
	ASSERT_EQ(0, _test_stats(self->fd, as, &st));
	EXPECT_EQ(0, st.out_nr_tables);
	/* The buffer was never mapped in it: DESTROY works. */
	test_cmd_destroy(as);
}

TEST_F(api, ctx_set_args)
{
	struct rig *r = &self->r;
	uint64_t root = r->tb.dma;
	struct swmmu_ctx_set c = swmmu_ctx(r->as_id, SWMMU_CTX_ENABLE, FMT_x86_64, root, 0, 0);
	struct swmmu_ctx_info ci;

	test_cmd_ctx_set(c);
	c.flags = 0x4;
	test_err_ctx_set(EOPNOTSUPP, c);
	c.flags = SWMMU_CTX_ENABLE;
	c.__reserved = 1;
	test_err_ctx_set(EOPNOTSUPP, c);
	c.__reserved = 0;
	c.asid = SWMMU_ASID_MAX + 1;
	test_err_ctx_set(EINVAL, c);
	c.asid = SWMMU_ASID_MAX;
	test_cmd_ctx_set(c);
	c.check = SWMMU_CHECK_STRICT + 1;
	test_err_ctx_set(EINVAL, c);
	c.check = SWMMU_CHECK_STRICT;
	/* The x86-64 root table is 4 KiB. */
	c.root = root + 8;
	test_err_ctx_set(EINVAL, c);
	c.root = root + SZ_4K / 2;
	test_err_ctx_set(EINVAL, c);
	c.root = root;
	c.va_bits = 13;
	test_err_ctx_set(EINVAL, c);
	c.va_bits = 64;
	test_err_ctx_set(EINVAL, c);
	c.va_bits = 0;
	c.format_id = 100000;
	test_err_ctx_set(ENOENT, c);
	c.format_id = FMT_x86_64;
	c.as_id = self->plain;
	test_err_ctx_set(EINVAL, c);
	c.as_id = 99999;
	test_err_ctx_set(ENOENT, c);
	c.as_id = r->db.id;
	test_err_ctx_set(ENOENT, c);
	/* The failed calls changed nothing. */
	ASSERT_EQ(0, _test_ctx_info(self->fd, r->as_id, &ci));
	EXPECT_EQ(SWMMU_CTX_ENABLE, ci.out_flags);
	EXPECT_EQ(SWMMU_ASID_MAX, ci.out_asid);
	EXPECT_EQ(SWMMU_CHECK_OFF, ci.out_check);
	EXPECT_EQ(root, ci.out_root);
	/* Another format on the same context (a root outside the buffers is accepted here). */
	c.as_id = r->as_id;
	c.format_id = FMT_aarch64_4k;
	c.root = 0x1000;
	test_cmd_ctx_set(c);
	ASSERT_EQ(0, _test_ctx_info(self->fd, r->as_id, &ci));
	EXPECT_EQ(FMT_aarch64_4k, ci.out_format_id);
	EXPECT_EQ(0x1000, ci.out_root);
	EXPECT_EQ(SWMMU_CHECK_STRICT, ci.out_check);
}

TEST_F(api, invalidate_args)
{
	struct rig *r = &self->r;
	struct swmmu_inval_cmd c[SWMMU_INVALIDATE_MAX_CMDS + 1], one;
	struct swmmu_invalidate inv = { .size = sizeof(inv), .nr_cmds = 1,
					.cmds_uptr = (uintptr_t)c };
	struct swmmu_ctx_info c0, c1;
	struct drv_pt *pt = malloc(sizeof(*pt));
	uint32_t done, i;

	ASSERT_NE(NULL, pt);
	ASSERT_EQ(0, drv_pt_init(pt, r->f, &r->tb, 0, TB_LEN, self->fd, r->as_id, 5));
	ASSERT_EQ(0, drv_pt_map(pt, 0, r->db.dma, SZ_64K, PROT_RW, SZ_4K));
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, pt->as.root, 5, SWMMU_CHECK_OFF));
	rig_crc(_metadata, r, 0, SZ_64K);

	c[0] = swmmu_inv_all();
	inv.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_INVALIDATE, &inv));
	inv.flags = 0;
	inv.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_INVALIDATE, &inv));
	inv.__reserved = 0;
	inv.nr_cmds = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_INVALIDATE, &inv));
	inv.nr_cmds = SWMMU_INVALIDATE_MAX_CMDS + 1;
	for (i = 0; i <= SWMMU_INVALIDATE_MAX_CMDS; i++)
		c[i] = swmmu_inv_all();
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_INVALIDATE, &inv));
	inv.nr_cmds = 1;
	inv.cmds_uptr = 0x10;
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, SWMMU_INVALIDATE, &inv));

	ASSERT_EQ(0, _test_ctx_info(self->fd, r->as_id, &c0));
	ASSERT_LT(0, c0.out_tlb_used);
	/* Bad commands; each is also preceded by a good one that must not run. */
	{
		struct swmmu_inval_cmd bad[] = {
			{ .opcode = 0 },
			{ .opcode = SWMMU_INV_VA_WALK + 1, .as_id = r->as_id },
			{ .opcode = SWMMU_INV_ALL, .as_id = r->as_id },
			{ .opcode = SWMMU_INV_ALL, .asid = 1 },
			{ .opcode = SWMMU_INV_ALL, .iova = SZ_4K },
			{ .opcode = SWMMU_INV_CTX, .as_id = r->as_id, .asid = 5 },
			{ .opcode = SWMMU_INV_CTX, .as_id = r->as_id, .length = SZ_4K },
			{ .opcode = SWMMU_INV_ASID, .as_id = r->as_id, .asid = 5, .iova = SZ_4K },
			{ .opcode = SWMMU_INV_ASID, .as_id = r->as_id, .asid = SWMMU_ASID_MAX + 1 },
			swmmu_inv_va(r->as_id, 5, 0, 0),
			swmmu_inv_va_walk(r->as_id, SWMMU_ASID_MAX + 1, 0, SZ_4K),
			swmmu_inv_va(self->plain, 5, 0, SZ_4K),
			swmmu_inv_ctx(self->plain),
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			c[0] = swmmu_inv_va(r->as_id, 5, 0, SZ_64K);
			c[1] = bad[i];
			if (_test_invalidate(self->fd, c, 2, &done) == 0 || errno != EINVAL)
				TH_LOG("bad command %u: rc/errno %d", i, errno);
			EXPECT_ERRNO(EINVAL, _test_invalidate(self->fd, c, 2, &done));
			/* Written back as 0, or not at all (the uAPI does not say): none ran. */
			EXPECT_TRUE(done == 0 || done == ~0u);
		}
	}
	one = swmmu_inv_va(r->as_id, 5, 0, SZ_4K);
	one.flags = 1;
	test_err_inv(EOPNOTSUPP, one);
	test_err_inv(EOVERFLOW, swmmu_inv_va(r->as_id, 5, ~0ULL - SZ_4K + 2, SZ_4K));
	test_err_inv(ENOENT, swmmu_inv_ctx(99999));
	test_err_inv(ENOENT, swmmu_inv_va(99999, 5, 0, SZ_4K));
	/* Nothing ran. */
	ASSERT_EQ(0, _test_ctx_info(self->fd, r->as_id, &c1));
	EXPECT_EQ(c0.out_tlb_used, c1.out_tlb_used);
	EXPECT_EQ(c0.out_invalidations, c1.out_invalidations);
	EXPECT_EQ(c0.out_inval_dropped, c1.out_inval_dropped);

	/* Good commands: every one runs and counts. */
	c[0] = swmmu_inv_va(r->as_id, 5, SZ_4K, SZ_4K);
	c[1] = swmmu_inv_va_walk(r->as_id, 5, 2 * SZ_4K, 2 * SZ_4K);
	c[2] = swmmu_inv_asid(r->as_id, 7);
	c[3] = swmmu_inv_ctx(r->as_id);
	c[4] = swmmu_inv_all();
	ASSERT_EQ(0, _test_invalidate(self->fd, c, 5, &done));
	EXPECT_EQ(5, done);
	ASSERT_EQ(0, _test_ctx_info(self->fd, r->as_id, &c1));
	EXPECT_EQ(c0.out_invalidations + 5, c1.out_invalidations);
	EXPECT_LE(c0.out_tlb_used, c1.out_inval_dropped - c0.out_inval_dropped);
	EXPECT_EQ(0, c1.out_tlb_used);
	EXPECT_EQ(0, c1.out_walk_used);
	free(pt);
}

TEST_F(api, ctx_info_args)
{
	struct swmmu_ctx_info ci;

	ASSERT_EQ(0, _test_ctx_info(self->fd, self->r.as_id, &ci));
	ci.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_CTX_INFO, &ci));
	EXPECT_ERRNO(EINVAL, _test_ctx_info(self->fd, self->plain, &ci));
	EXPECT_ERRNO(ENOENT, _test_ctx_info(self->fd, 99999, &ci));
	EXPECT_ERRNO(ENOENT, _test_ctx_info(self->fd, self->r.db.id, &ci));
}

TEST_F(api, buf_export_args)
{
	struct rig *r = &self->r;
	int efd = -1;
	void *p;

	EXPECT_ERRNO(EOPNOTSUPP, _test_buf_export(self->fd, r->db.id, 1, &efd));
	EXPECT_ERRNO(ENOENT, _test_buf_export(self->fd, 99999, 0, &efd));
	EXPECT_ERRNO(ENOENT, _test_buf_export(self->fd, r->as_id, 0, &efd));
	ASSERT_EQ(0, _test_buf_export(self->fd, r->db.id, 0, &efd));
	ASSERT_LE(0, efd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(efd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(efd, F_GETFL) & O_ACCMODE);
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_PRIVATE, efd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* Two exports share the pages. */
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, efd, SZ_64K);
	ASSERT_NE(MAP_FAILED, p);
	((volatile uint8_t *)p)[5] = 0xa5;
	EXPECT_EQ(0xa5, r->db.cpu[SZ_64K + 5]);
	munmap(p, SZ_64K);
	close(efd);
}

/* What holds a buffer: an export descriptor, its mappings, and an enabled context. */
TEST_F(api, buffer_busy)
{
	struct rig *r = &self->r;
	struct swmmu_dbuf b;
	int efd;

	ASSERT_EQ(0, swmmu_dbuf_new(self->fd, SZ_64K, &b));
	efd = b.efd;
	test_err_destroy(EBUSY, b.id);
	/* The mapping alone still holds it. */
	close(efd);
	b.efd = -1;
	test_err_destroy(EBUSY, b.id);
	swmmu_dbuf_release(&b);
	test_cmd_destroy(b.id);

	/* The export descriptor alone. */
	ASSERT_EQ(0, _test_buf_alloc(self->fd, SZ_64K, 0, &b.id));
	ASSERT_EQ(0, _test_buf_export(self->fd, b.id, 0, &efd));
	test_err_destroy(EBUSY, b.id);
	close(efd);
	test_cmd_destroy(b.id);

	/* An enabled context holds every buffer of the file, even one it never reached. */
	ASSERT_EQ(0, _test_buf_alloc(self->fd, SZ_64K, 0, &b.id));
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, r->tb.dma, 0, SWMMU_CHECK_OFF));
	test_err_destroy(EBUSY, b.id);
	/* Re-programmed but still enabled. */
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, r->tb.dma + SZ_4K, 3, SWMMU_CHECK_REPORT));
	test_err_destroy(EBUSY, b.id);
	ASSERT_EQ(0, rig_ctx(r, 0, r->tb.dma, 0, SWMMU_CHECK_OFF));
	test_cmd_destroy(b.id);
	/* The rig's own buffers: free once their exports and mappings are gone. */
	test_err_destroy(EBUSY, r->db.id);
	swmmu_dbuf_release(&r->db);
	test_cmd_destroy(r->db.id);
}

/*
 * x86-64 tables written by hand from Intel SDM vol. 3A 4.5 (Tables 4-15 PML4E, 4-17 PDPTE
 * referencing a PD, 4-18 PDE mapping a 2-MByte page, 4-19 PDE referencing a PT, 4-20 PTE), so
 * that the device's walk is checked against the manual and not against the core that wrote the
 * tables elsewhere. Then the encodings the manual reserves: PS = 1 in a PML4E (Table 4-15: "PS:
 * reserved, must be 0"; a leaf where no leaf may be) and bits 20:13 of a 2-MByte PDE (Table 4-18:
 * reserved, must be 0).
 */
#define X86_P	0x1ULL
#define X86_RW	0x2ULL
#define X86_US	0x4ULL
#define X86_A	0x20ULL
#define X86_D	0x40ULL
#define X86_PS	0x80ULL

TEST_F(api, x86_64_by_hand)
{
	struct rig *r = &self->r;
	uint64_t tb = r->tb.dma, *pml4 = (uint64_t *)r->tb.cpu;
	uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024, *pt = pml4 + 1536;
	/* PML4 index 1, PDPT index 2, PD index 3 (PT below it) and 4 (2 MiB leaf). */
	uint64_t va = (1ULL << 39) | (2ULL << 30) | (3ULL << 21) | (5ULL << 12);
	uint64_t va2m = (1ULL << 39) | (2ULL << 30) | (4ULL << 21);
	uint8_t *big = r->db.cpu + SZ_2M;

	memset(r->tb.cpu, 0, 4 * SZ_4K);
	pml4[1] = (tb + SZ_4K) | X86_P | X86_RW | X86_US;
	pdpt[2] = (tb + 2 * SZ_4K) | X86_P | X86_RW | X86_US;
	pd[3] = (tb + 3 * SZ_4K) | X86_P | X86_RW | X86_US;
	pt[5] = (r->db.dma + 7 * SZ_4K) | X86_P | X86_RW;
	pt[6] = (r->db.dma + 9 * SZ_4K) | X86_P;
	pd[4] = (r->db.dma + SZ_2M) | X86_P | X86_RW | X86_PS;
	ASSERT_EQ(0, rig_ctx(r, SWMMU_CTX_ENABLE, tb, 1, SWMMU_CHECK_REPORT));

	EXPECT_EQ(swmmu_crc32(r->db.cpu + 7 * SZ_4K, SZ_4K), rig_crc(_metadata, r, va, SZ_4K));
	EXPECT_EQ(swmmu_crc32(r->db.cpu + 9 * SZ_4K, SZ_4K),
		  rig_crc(_metadata, r, va + SZ_4K, SZ_4K));
	EXPECT_EQ(swmmu_crc32(big, SZ_2M), rig_crc(_metadata, r, va2m, SZ_2M));
	/* A and D set by the device (SDM 4.8): A on the read, D on the write. */
	EXPECT_EQ(X86_A, pt[5] & X86_A);
	EXPECT_EQ(0, pt[5] & X86_D);
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va + 8, 8, 0x1122334455667788ULL), NULL));
	EXPECT_TRUE(swmmu_filled(r->db.cpu + 7 * SZ_4K + 8, 8, 0x1122334455667788ULL));
	EXPECT_EQ(X86_D, pt[5] & X86_D);
	ASSERT_EQ(0, rig_dma(r, swmmu_cmd_fill(va2m + SZ_1M, 16, 0x99), NULL));
	EXPECT_TRUE(swmmu_filled(big + SZ_1M, 16, 0x99));
	EXPECT_EQ(X86_A | X86_D, pd[4] & (X86_A | X86_D));
	/* R/W = 0 in the PTE: a write faults on the leaf. */
	dma_fault(_metadata, r, swmmu_cmd_fill(va + SZ_4K, 8, 0), SWMMU_FAULT_PERMISSION, 0,
		  va + SZ_4K, SWMMU_PROT_WRITE);
	/* R/W = 0 in the PDPTE above: writes below it fault (SDM 4.6.1), reads work. */
	pdpt[2] &= ~X86_RW;
	test_cmd_inv_r(r, swmmu_inv_va_walk(r->as_id, 1, va, SZ_4K));
	dma_fault(_metadata, r, swmmu_cmd_fill(va, 8, 0), SWMMU_FAULT_PERMISSION, -1, va,
		  SWMMU_PROT_WRITE);
	rig_crc(_metadata, r, va, 64);
	pdpt[2] |= X86_RW;
	test_cmd_inv_r(r, swmmu_inv_va_walk(r->as_id, 1, va, SZ_4K));

	/* Holes at each level (SDM 4.5: P = 0 ends the walk). */
	dma_fault(_metadata, r, swmmu_cmd_crc32(va + 2 * SZ_4K, 8), SWMMU_FAULT_NOT_PRESENT, 0,
		  va + 2 * SZ_4K, SWMMU_PROT_READ);
	dma_fault(_metadata, r, swmmu_cmd_crc32(va + 4 * SZ_2M, 8), SWMMU_FAULT_NOT_PRESENT, 1,
		  va + 4 * SZ_2M, SWMMU_PROT_READ);
	dma_fault(_metadata, r, swmmu_cmd_crc32(va + (1ULL << 30), 8), SWMMU_FAULT_NOT_PRESENT,
		  2, va + (1ULL << 30), SWMMU_PROT_READ);
	dma_fault(_metadata, r, swmmu_cmd_crc32(5ULL << 39, 8), SWMMU_FAULT_NOT_PRESENT, 3,
		  5ULL << 39, SWMMU_PROT_READ);

	/* PS = 1 in a PML4E: no 512-GByte pages. */
	pml4[2] = r->db.dma | X86_P | X86_RW | X86_PS;
	dma_fault(_metadata, r, swmmu_cmd_crc32(2ULL << 39, 8), SWMMU_FAULT_LEAF_LEVEL, 3,
		  2ULL << 39, SWMMU_PROT_READ);
	/* A 2-MByte PDE with bit 13 set (Table 4-18: bits 20:13 reserved). */
	pd[5] = (r->db.dma + SZ_2M) | (1ULL << 13) | X86_P | X86_RW | X86_PS;
	dma_fault(_metadata, r, swmmu_cmd_crc32(va2m + SZ_2M, 8), SWMMU_FAULT_RESERVED, 1,
		  va2m + SZ_2M, SWMMU_PROT_READ);
	/* The same with bit 20. */
	pd[6] = (r->db.dma + SZ_2M) | (1ULL << 20) | X86_P | X86_PS;
	dma_fault(_metadata, r, swmmu_cmd_crc32(va2m + 2 * SZ_2M, 8), SWMMU_FAULT_RESERVED, 1,
		  va2m + 2 * SZ_2M, SWMMU_PROT_READ);
	expect_no_reports(_metadata, r);
}

/*
 * RISC-V Sv39 by hand (privileged spec 12.4, PTE format of 12.3.1): A = 0 (or D = 0 on a write)
 * faults without Svadu, and a PTE with W = 1 and R = 0 is a reserved encoding (12.3.2 step 3:
 * "if pte.r = 0 and pte.w = 1 ... stop and raise a page-fault exception").
 */
#define RV_V	0x1ULL
#define RV_R	0x2ULL
#define RV_W	0x4ULL
#define RV_A	0x40ULL
#define RV_D	0x80ULL
#define RV_PPN(pa)	(((pa) >> 12) << 10)

TEST(riscv_sv39_by_hand)
{
	struct rig r;
	uint64_t *l2, *l1, *l0, va = (1ULL << 30) | (2ULL << 21) | (3ULL << 12);

	rig_open(_metadata, &r, FMT_riscv_sv39);
	l2 = (uint64_t *)r.tb.cpu;
	l1 = l2 + 512;
	l0 = l2 + 1024;
	memset(l2, 0, 3 * SZ_4K);
	/* Non-leaf PTEs: V = 1, R = W = X = 0. */
	l2[1] = RV_PPN(r.tb.dma + SZ_4K) | RV_V;
	l1[2] = RV_PPN(r.tb.dma + 2 * SZ_4K) | RV_V;
	l0[3] = RV_PPN(r.db.dma + 3 * SZ_4K) | RV_V | RV_R | RV_W | RV_A | RV_D;
	l0[4] = RV_PPN(r.db.dma + 4 * SZ_4K) | RV_V | RV_W | RV_A | RV_D;
	l0[5] = RV_PPN(r.db.dma + 5 * SZ_4K) | RV_V | RV_R | RV_W;
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE, r.tb.dma, 0, SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 3 * SZ_4K, SZ_4K), rig_crc(_metadata, &r, va, SZ_4K));
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va + 2 * SZ_4K, 8), SWMMU_FAULT_ACCESS_FLAG, 0,
		  va + 2 * SZ_4K, SWMMU_PROT_READ);
	EXPECT_EQ(0, l0[5] & (RV_A | RV_D));
	/* With Svadu the device sets them. */
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE | SWMMU_CTX_HW_AD, r.tb.dma, 0,
			     SWMMU_CHECK_REPORT));
	ASSERT_EQ(0, rig_dma(&r, swmmu_cmd_fill(va + 2 * SZ_4K, 8, 1), NULL));
	EXPECT_EQ(RV_A | RV_D, l0[5] & (RV_A | RV_D));
	/* Write without read: reserved, not a permission question. */
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va + SZ_4K, 8), SWMMU_FAULT_RESERVED, 0,
		  va + SZ_4K, SWMMU_PROT_READ);
	dma_fault(_metadata, &r, swmmu_cmd_fill(va + SZ_4K, 8, 1), SWMMU_FAULT_RESERVED, 0,
		  va + SZ_4K, SWMMU_PROT_WRITE);
	rig_close(&r);
	test_no_leaks();
}

/*
 * AArch64 4K granule by hand (Arm ARM D8.3: table descriptors 0b11 at levels 0-2, page
 * descriptors 0b11 at level 3; AF is bit 10, and an access through a descriptor with AF = 0 is
 * an Access flag fault unless the hardware manages AF, D8.5).
 */
#define ARM_TBL		0x3ULL
#define ARM_PAGE	0x3ULL
#define ARM_AF		(1ULL << 10)

TEST(aarch64_4k_by_hand)
{
	struct rig r;
	uint64_t *l0, *l1, *l2, *l3, va = (1ULL << 39) | (2ULL << 30) | (3ULL << 21) | (4ULL << 12);

	rig_open(_metadata, &r, FMT_aarch64_4k);
	l0 = (uint64_t *)r.tb.cpu;
	l1 = l0 + 512;
	l2 = l0 + 1024;
	l3 = l0 + 1536;
	memset(l0, 0, 4 * SZ_4K);
	l0[1] = (r.tb.dma + SZ_4K) | ARM_TBL;
	l1[2] = (r.tb.dma + 2 * SZ_4K) | ARM_TBL;
	l2[3] = (r.tb.dma + 3 * SZ_4K) | ARM_TBL;
	l3[4] = (r.db.dma + 6 * SZ_4K) | ARM_PAGE | ARM_AF;
	l3[5] = (r.db.dma + 8 * SZ_4K) | ARM_PAGE;
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE, r.tb.dma, 0, SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 6 * SZ_4K, SZ_4K), rig_crc(_metadata, &r, va, SZ_4K));
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va + SZ_4K, 8), SWMMU_FAULT_ACCESS_FLAG, 0,
		  va + SZ_4K, SWMMU_PROT_READ);
	EXPECT_EQ(0, l3[5] & ARM_AF);
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE | SWMMU_CTX_HW_AD, r.tb.dma, 0,
			     SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 8 * SZ_4K, SZ_4K),
		  rig_crc(_metadata, &r, va + SZ_4K, SZ_4K));
	EXPECT_EQ(ARM_AF, l3[5] & ARM_AF);
	rig_close(&r);
	test_no_leaks();
}

/*
 * VT-d second-stage tables by hand (VT-d spec rev 4.x, 9.8 "Second-Stage Paging Entries"): no
 * present bit, an entry with R = W = 0 is not present whatever its address; PS[7] makes an SS-PDE
 * a 2-MByte page and is reserved in an SS-PML4E; A[8] and D[9] are set by the hardware.
 */
#define VTD_R	0x1ULL
#define VTD_W	0x2ULL
#define VTD_PS	0x80ULL
#define VTD_A	0x100ULL
#define VTD_D	0x200ULL

TEST(vtd_ss_by_hand)
{
	struct rig r;
	uint64_t *l3, *l2, *l1, *l0, va = (1ULL << 39) | (2ULL << 30) | (3ULL << 21) | (4ULL << 12);
	uint64_t va2m = (1ULL << 39) | (2ULL << 30) | (4ULL << 21);

	rig_open(_metadata, &r, FMT_vtd_ss);
	l3 = (uint64_t *)r.tb.cpu;
	l2 = l3 + 512;
	l1 = l3 + 1024;
	l0 = l3 + 1536;
	memset(l3, 0, 4 * SZ_4K);
	l3[1] = (r.tb.dma + SZ_4K) | VTD_R | VTD_W;
	l2[2] = (r.tb.dma + 2 * SZ_4K) | VTD_R | VTD_W;
	l1[3] = (r.tb.dma + 3 * SZ_4K) | VTD_R | VTD_W;
	l1[4] = (r.db.dma + SZ_2M) | VTD_R | VTD_W | VTD_PS;
	l0[4] = (r.db.dma + 6 * SZ_4K) | VTD_R | VTD_W;
	l0[5] = (r.db.dma + 8 * SZ_4K) | VTD_R;
	l0[6] = r.db.dma + 9 * SZ_4K;
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE, r.tb.dma, 0, SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 6 * SZ_4K, SZ_4K), rig_crc(_metadata, &r, va, SZ_4K));
	EXPECT_EQ(VTD_A, l0[4] & (VTD_A | VTD_D));
	ASSERT_EQ(0, rig_dma(&r, swmmu_cmd_fill(va, 16, 0x77), NULL));
	EXPECT_TRUE(swmmu_filled(r.db.cpu + 6 * SZ_4K, 16, 0x77));
	EXPECT_EQ(VTD_A | VTD_D, l0[4] & (VTD_A | VTD_D));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + SZ_2M, SZ_2M), rig_crc(_metadata, &r, va2m, SZ_2M));
	dma_fault(_metadata, &r, swmmu_cmd_fill(va + SZ_4K, 8, 0), SWMMU_FAULT_PERMISSION, 0,
		  va + SZ_4K, SWMMU_PROT_WRITE);
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va + 2 * SZ_4K, 8), SWMMU_FAULT_NOT_PRESENT, 0,
		  va + 2 * SZ_4K, SWMMU_PROT_READ);
	/* W = 0 in the SS-PDPE: no write below it. */
	l2[2] &= ~VTD_W;
	ASSERT_EQ(0, swmmu_inv1(r.fd, swmmu_inv_ctx(r.as_id)));
	dma_fault(_metadata, &r, swmmu_cmd_fill(va, 8, 0), SWMMU_FAULT_PERMISSION, -1, va,
		  SWMMU_PROT_WRITE);
	rig_crc(_metadata, &r, va, 64);
	/* PS in an SS-PML4E. */
	l3[2] = r.db.dma | VTD_R | VTD_W | VTD_PS;
	dma_fault(_metadata, &r, swmmu_cmd_crc32(2ULL << 39, 8), SWMMU_FAULT_LEAF_LEVEL, 3,
		  2ULL << 39, SWMMU_PROT_READ);
	rig_close(&r);
	test_no_leaks();
}

/*
 * AMD IOMMU v1 host tables by hand (AMD IOMMU spec 48882, 2.2.3 "I/O Page Tables for Host
 * Translations"): PR[0], A[5], D[6], NextLevel[11:9] (the level of the table a PDE points at, 0
 * for a PTE: a PTE at the PDE level is a 2-MByte page), IR[61], IW[62]. A PDE whose NextLevel
 * is not below its own level points nowhere the walk can go: a reserved encoding here.
 */
#define AMD_PR		0x1ULL
#define AMD_A		0x20ULL
#define AMD_D		0x40ULL
#define AMD_NL(n)	((uint64_t)(n) << 9)
#define AMD_IR		(1ULL << 61)
#define AMD_IW		(1ULL << 62)

TEST(amd_v1_by_hand)
{
	struct rig r;
	uint64_t *l3, *l2, *l1, *l0, va = (1ULL << 39) | (2ULL << 30) | (3ULL << 21) | (4ULL << 12);
	uint64_t va2m = (1ULL << 39) | (2ULL << 30) | (4ULL << 21), rw = AMD_IR | AMD_IW;

	rig_open(_metadata, &r, FMT_amd_v1);
	l3 = (uint64_t *)r.tb.cpu;
	l2 = l3 + 512;
	l1 = l3 + 1024;
	l0 = l3 + 1536;
	memset(l3, 0, 4 * SZ_4K);
	l3[1] = (r.tb.dma + SZ_4K) | AMD_PR | AMD_NL(3) | rw;
	l2[2] = (r.tb.dma + 2 * SZ_4K) | AMD_PR | AMD_NL(2) | rw;
	l1[3] = (r.tb.dma + 3 * SZ_4K) | AMD_PR | AMD_NL(1) | rw;
	l1[4] = (r.db.dma + SZ_2M) | AMD_PR | AMD_NL(0) | rw;
	l0[4] = (r.db.dma + 6 * SZ_4K) | AMD_PR | rw;
	l0[5] = (r.db.dma + 8 * SZ_4K) | AMD_PR | AMD_IR;
	ASSERT_EQ(0, rig_ctx(&r, SWMMU_CTX_ENABLE, r.tb.dma, 0, SWMMU_CHECK_REPORT));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + 6 * SZ_4K, SZ_4K), rig_crc(_metadata, &r, va, SZ_4K));
	EXPECT_EQ(AMD_A, l0[4] & (AMD_A | AMD_D));
	ASSERT_EQ(0, rig_dma(&r, swmmu_cmd_fill(va, 16, 0x66), NULL));
	EXPECT_TRUE(swmmu_filled(r.db.cpu + 6 * SZ_4K, 16, 0x66));
	EXPECT_EQ(AMD_A | AMD_D, l0[4] & (AMD_A | AMD_D));
	EXPECT_EQ(swmmu_crc32(r.db.cpu + SZ_2M, SZ_2M), rig_crc(_metadata, &r, va2m, SZ_2M));
	dma_fault(_metadata, &r, swmmu_cmd_fill(va + SZ_4K, 8, 0), SWMMU_FAULT_PERMISSION, 0,
		  va + SZ_4K, SWMMU_PROT_WRITE);
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va + 2 * SZ_4K, 8), SWMMU_FAULT_NOT_PRESENT, 0,
		  va + 2 * SZ_4K, SWMMU_PROT_READ);
	/* A PDE of level 2 (ours 1) that names a level-3 table. */
	l1[5] = (r.tb.dma + 3 * SZ_4K) | AMD_PR | AMD_NL(3) | rw;
	dma_fault(_metadata, &r, swmmu_cmd_crc32(va2m + SZ_2M, 8), SWMMU_FAULT_RESERVED, 1,
		  va2m + SZ_2M, SWMMU_PROT_READ);
	rig_close(&r);
	test_no_leaks();
}

/* Every built-in format is accepted as a driver-managed context and as a CTX_SET format. */
TEST(every_format)
{
	struct swmmu_format_info *fi;
	struct swmmu_dbuf tb;
	struct swmmu_ctx_info ci;
	unsigned int nr = 0, i;
	uint32_t as;
	int fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	fi = swmmu_get_formats(fd, &nr);
	ASSERT_NE(NULL, fi);
	ASSERT_LE(FMT_COUNT, nr);
	ASSERT_EQ(FMT_COUNT, swmmu_format_count());
	ASSERT_EQ(0, swmmu_dbuf_new(fd, SZ_64K, &tb));
	for (i = 0; i < FMT_COUNT; i++) {
		if (_test_drv_as_alloc(fd, fi[i].format_id, 0, &as, NULL)) {
			TH_LOG("%s: AS_ALLOC(SWMMU_AS_DRIVER_TABLES): %s", fi[i].name,
			       strerror(errno));
			ASSERT_TRUE(false);
		}
		if (_test_ctx_set(fd, swmmu_ctx(as, SWMMU_CTX_ENABLE, fi[i].format_id, tb.dma, i,
						SWMMU_CHECK_REPORT))) {
			TH_LOG("%s: CTX_SET: %s", fi[i].name, strerror(errno));
			ASSERT_TRUE(false);
		}
		ASSERT_EQ(0, _test_ctx_info(fd, as, &ci));
		EXPECT_EQ(fi[i].format_id, ci.out_format_id);
		EXPECT_EQ(fi[i].va_bits, ci.out_va_bits);
	}
	swmmu_dbuf_release(&tb);
	free(fi);
	close(fd);
	test_no_leaks();
}

TEST_HARNESS_MAIN
