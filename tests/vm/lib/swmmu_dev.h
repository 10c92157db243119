/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the VM tests of the emulated device (DMA engine queues, SUBMIT, faults, IOTLB), in
 * the style of swmmu_test.h: _test_x returns 0 or -1 with errno, test_cmd_x / test_err_x assert.
 */
#ifndef SWMMU_DEV_H
#define SWMMU_DEV_H

#include <stddef.h>
#include <stdint.h>

#include <linux/swmmu.h>

int _test_queue_alloc(int fd, uint32_t as_id, uint32_t *queue_id);
/* SUBMIT of @nr commands; *done gets out_nr_done. */
int _test_submit(int fd, uint32_t queue_id, struct swmmu_dma_cmd *cmds, uint32_t nr,
		 uint32_t *done);
int _test_fault_queue(int fd, uint32_t depth, int *qfd);
int _test_fault_config(int fd, uint32_t as_id, uint32_t mode, uint32_t timeout_ms);
int _test_iotlb(int fd, uint32_t flags, uint32_t nr_entries, struct swmmu_iotlb *out);

struct io_uring_sqe;
/*
 * Fill an SQE of an IORING_SETUP_SQE128 ring with a passthrough command on /dev/swmmu: @len
 * bytes of @payload (at most 80) in its command area (liburing has no helper for non-socket
 * commands).
 */
void swmmu_prep_uring_cmd(struct io_uring_sqe *sqe, int fd, uint32_t op, const void *payload,
			  size_t len, uint64_t user_data);

/* Command builders. */
struct swmmu_dma_cmd swmmu_cmd_copy(uint64_t src, uint64_t dst, uint64_t len);
struct swmmu_dma_cmd swmmu_cmd_fill(uint64_t dst, uint64_t len, uint64_t pattern);
struct swmmu_dma_cmd swmmu_cmd_crc32(uint64_t src, uint64_t len);
struct swmmu_dma_cmd swmmu_cmd_compare(uint64_t a, uint64_t b, uint64_t len);
struct swmmu_dma_cmd swmmu_cmd_fence(uint64_t dst, uint64_t value, uint32_t bytes);

/* One command through SUBMIT; returns its out_status (0 or -errno), or -1000 - errno if the
 * ioctl itself failed. @out gets the command back.
 */
int swmmu_run1(int fd, uint32_t queue_id, struct swmmu_dma_cmd cmd, struct swmmu_dma_cmd *out);

/* Reference CRC-32 (IEEE 802.3, reflected, as zlib's crc32()). */
uint32_t swmmu_crc32(const void *buf, size_t len);

#define test_cmd_queue_alloc(as, qid)	ASSERT_EQ(0, _test_queue_alloc(self->fd, as, qid))
#define test_err_queue_alloc(_errno, as)						\
	EXPECT_ERRNO(_errno, _test_queue_alloc(self->fd, as, NULL))
#define test_cmd_fault_config(as, mode, tmo)						\
	ASSERT_EQ(0, _test_fault_config(self->fd, as, mode, tmo))
/* A command that must succeed. */
#define test_cmd_dma(qid, c)								\
	({										\
		struct swmmu_dma_cmd __o;						\
		ASSERT_EQ(0, swmmu_run1(self->fd, qid, c, &__o));			\
		__o;									\
	})
/* A command that must fail with @_errno (its status, not the ioctl). */
#define test_err_dma(_errno, qid, c)							\
	({										\
		struct swmmu_dma_cmd __o;						\
		ASSERT_EQ(-(_errno), swmmu_run1(self->fd, qid, c, &__o));		\
		__o;									\
	})

#endif /* SWMMU_DEV_H */
