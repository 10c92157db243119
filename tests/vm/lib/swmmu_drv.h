/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the VM tests of driver-managed contexts (SWMMU_AS_DRIVER_TABLES): the test plays
 * the driver, writes page tables into exported buffers, programs the context (CTX_SET), issues
 * invalidations and reads the checker's reports. uAPI only: linked into every VM test. Building
 * tables with the core library is in swmmu_drv_pt.h, which only the tests linking libswmmu.a
 * include.
 *
 * Style of swmmu_test.h: _test_x returns 0 or -1 with errno, test_cmd_x / test_err_x assert.
 */
#ifndef SWMMU_DRV_H
#define SWMMU_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/swmmu.h>

/*
 * A SWMMU_BUF_CONTIG buffer, exported and mapped MAP_SHARED: the CPU view a driver has of the
 * memory its device walks. A contiguous buffer has a single DMA segment, so a DMA address d of
 * it is at cpu + (d - dma).
 */
struct swmmu_dbuf {
	uint32_t id;
	int efd;		/* the export descriptor, or -1 */
	uint64_t len;
	uint64_t dma;
	uint8_t *cpu;		/* the mapping, or NULL */
};

/* BUF_ALLOC(SWMMU_BUF_CONTIG), BUF_INFO, BUF_EXPORT and mmap(); 0 or -1 with errno. */
int swmmu_dbuf_new(int fd, uint64_t len, struct swmmu_dbuf *b);
/* Drop the CPU mapping and the export descriptor (the buffer stays; DESTROY may then work). */
void swmmu_dbuf_release(struct swmmu_dbuf *b);
/* CPU pointer of DMA address @dma inside @b, or NULL if it is outside. */
void *swmmu_dbuf_cpu(const struct swmmu_dbuf *b, uint64_t dma);
/* True if [dma, dma + len) lies inside @b. */
bool swmmu_dbuf_has(const struct swmmu_dbuf *b, uint64_t dma, uint64_t len);

/* AS_ALLOC with SWMMU_AS_DRIVER_TABLES; @out (may be NULL) gets the command back. */
int _test_drv_as_alloc(int fd, uint32_t format_id, uint32_t va_bits, uint32_t *as_id,
		       struct swmmu_as_alloc *out);
int _test_buf_export(int fd, uint32_t buf_id, uint32_t flags, int *efd);

/* A CTX_SET command; va_bits 0. */
struct swmmu_ctx_set swmmu_ctx(uint32_t as_id, uint32_t flags, uint32_t format_id,
			       uint64_t root, uint32_t asid, uint32_t check);
int _test_ctx_set(int fd, struct swmmu_ctx_set c);
int _test_ctx_info(int fd, uint32_t as_id, struct swmmu_ctx_info *out);

/* SWMMU_INVALIDATE of @nr commands; *done (may be NULL) gets out_nr_done, on failure too. */
int _test_invalidate(int fd, const struct swmmu_inval_cmd *cmds, uint32_t nr, uint32_t *done);
/* One command. */
int swmmu_inv1(int fd, struct swmmu_inval_cmd c);

struct swmmu_inval_cmd swmmu_inv_all(void);
struct swmmu_inval_cmd swmmu_inv_ctx(uint32_t as_id);
struct swmmu_inval_cmd swmmu_inv_asid(uint32_t as_id, uint32_t asid);
struct swmmu_inval_cmd swmmu_inv_va(uint32_t as_id, uint32_t asid, uint64_t iova, uint64_t len);
struct swmmu_inval_cmd swmmu_inv_va_walk(uint32_t as_id, uint32_t asid, uint64_t iova,
					 uint64_t len);

/* A fault queue opened with SWMMU_FAULT_QUEUE_EVENTS (records are struct swmmu_event). */
int _test_fault_queue_events(int fd, uint32_t depth, int *qfd);

/*
 * Every record queued now (the kernel queues them before the call that caused them returns),
 * at most @max; the count, or -1 with errno. Never waits.
 */
int swmmu_read_events(int qfd, struct swmmu_event *ev, unsigned int max);

/* The errno a fault reason fails a DMA command with (linux/swmmu.h), 0 if unknown. */
int swmmu_fault_errno(uint32_t reason);

#define test_cmd_ctx_set(c)		ASSERT_EQ(0, _test_ctx_set(self->fd, c))
#define test_err_ctx_set(_errno, c)	EXPECT_ERRNO(_errno, _test_ctx_set(self->fd, c))
#define test_cmd_inv(c)			ASSERT_EQ(0, swmmu_inv1(self->fd, c))
#define test_err_inv(_errno, c)		EXPECT_ERRNO(_errno, swmmu_inv1(self->fd, c))

/* True if [p, p + len) holds what SWMMU_DMA_FILL with value @v writes. */
bool swmmu_filled(const uint8_t *p, uint64_t len, uint64_t v);

#endif /* SWMMU_DRV_H */
