// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for the emulated device's VM tests; see swmmu_dev.h. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/io_uring.h>

#include "swmmu_dev.h"

void swmmu_prep_uring_cmd(struct io_uring_sqe *sqe, int fd, uint32_t op, const void *payload,
			  size_t len, uint64_t user_data)
{
	/* An SQE128 entry is 128 bytes; the compiler only knows struct io_uring_sqe's 64. */
	uint8_t *raw = (uint8_t *)sqe;

	__asm__("" : "+r"(raw));
	memset(raw, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	memcpy(raw + offsetof(struct io_uring_sqe, cmd), payload, len);
	sqe->user_data = user_data;
}

int _test_queue_alloc(int fd, uint32_t as_id, uint32_t *queue_id)
{
	struct swmmu_queue_alloc cmd = { .size = sizeof(cmd), .as_id = as_id };
	int ret = ioctl(fd, SWMMU_QUEUE_ALLOC, &cmd);

	if (!ret && queue_id)
		*queue_id = cmd.out_queue_id;
	return ret;
}

int _test_submit(int fd, uint32_t queue_id, struct swmmu_dma_cmd *cmds, uint32_t nr,
		 uint32_t *done)
{
	struct swmmu_submit cmd = {
		.size = sizeof(cmd),
		.queue_id = queue_id,
		.nr_cmds = nr,
		.cmds_uptr = (uintptr_t)cmds,
	};
	int ret = ioctl(fd, SWMMU_SUBMIT, &cmd);

	if (!ret && done)
		*done = cmd.out_nr_done;
	return ret;
}

int _test_fault_queue(int fd, uint32_t depth, int *qfd)
{
	struct swmmu_fault_queue_alloc cmd = { .size = sizeof(cmd), .depth = depth };
	int ret = ioctl(fd, SWMMU_FAULT_QUEUE, &cmd);

	if (!ret && qfd)
		*qfd = cmd.out_fd;
	return ret;
}

int _test_fault_config(int fd, uint32_t as_id, uint32_t mode, uint32_t timeout_ms)
{
	struct swmmu_fault_config cmd = {
		.size = sizeof(cmd),
		.as_id = as_id,
		.mode = mode,
		.timeout_ms = timeout_ms,
	};

	return ioctl(fd, SWMMU_FAULT_CONFIG, &cmd);
}

int _test_iotlb(int fd, uint32_t flags, uint32_t nr_entries, struct swmmu_iotlb *out)
{
	struct swmmu_iotlb cmd = { .size = sizeof(cmd), .flags = flags, .nr_entries = nr_entries };
	int ret = ioctl(fd, SWMMU_IOTLB, &cmd);

	if (!ret && out)
		*out = cmd;
	return ret;
}

struct swmmu_dma_cmd swmmu_cmd_copy(uint64_t src, uint64_t dst, uint64_t len)
{
	return (struct swmmu_dma_cmd){ .opcode = SWMMU_DMA_COPY, .src = src, .dst = dst,
				       .length = len };
}

struct swmmu_dma_cmd swmmu_cmd_fill(uint64_t dst, uint64_t len, uint64_t pattern)
{
	return (struct swmmu_dma_cmd){ .opcode = SWMMU_DMA_FILL, .dst = dst, .length = len,
				       .value = pattern };
}

struct swmmu_dma_cmd swmmu_cmd_crc32(uint64_t src, uint64_t len)
{
	return (struct swmmu_dma_cmd){ .opcode = SWMMU_DMA_CRC32, .src = src, .length = len };
}

struct swmmu_dma_cmd swmmu_cmd_compare(uint64_t a, uint64_t b, uint64_t len)
{
	return (struct swmmu_dma_cmd){ .opcode = SWMMU_DMA_COMPARE, .src = a, .dst = b,
				       .length = len };
}

struct swmmu_dma_cmd swmmu_cmd_fence(uint64_t dst, uint64_t value, uint32_t bytes)
{
	return (struct swmmu_dma_cmd){ .opcode = SWMMU_DMA_FENCE, .dst = dst, .length = bytes,
				       .value = value };
}

int swmmu_run1(int fd, uint32_t queue_id, struct swmmu_dma_cmd cmd, struct swmmu_dma_cmd *out)
{
	uint32_t done = 0;

	if (_test_submit(fd, queue_id, &cmd, 1, &done))
		return -1000 - errno;
	if (out)
		*out = cmd;
	if (done == 1 && cmd.out_status == 0)
		return 0;
	/* A failed command reports a negative errno; done == 0 with status 0 is a bug. */
	return cmd.out_status ? cmd.out_status : -2000;
}

uint32_t swmmu_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = ~0u;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}
