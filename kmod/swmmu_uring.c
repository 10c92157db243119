// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_uring passthrough (IORING_OP_URING_CMD): DMA commands queued asynchronously on a queue, and
 * MAP / UNMAP / PROTECT / MAP_BATCH run at submission so that many of them cost one
 * io_uring_enter().
 * The payload is the 80-byte command area of a 128-byte SQE (IORING_SETUP_SQE128).
 */
#include "swmmu_device.h"

/* The command area of an SQE128 entry (uring_cmd_pdu_size(1) in 6.1's io_uring). */
#define SWMMU_URING_PDU		80

static int swmmu_uring_dma(struct swmmu_file *file, struct io_uring_cmd *ucmd)
{
	struct swmmu_uring_dma u;
	const u8 *data = swmmu_uring_cmd_payload(ucmd);
	u32 size;

	BUILD_BUG_ON(sizeof(u) > SWMMU_URING_PDU);
	memcpy(&size, data, sizeof(size));
	if (size < sizeof(u) || size > SWMMU_URING_PDU)
		return -EINVAL;
	if (memchr_inv(data + sizeof(u), 0, size - sizeof(u)))
		return -E2BIG;
	memcpy(&u, data, sizeof(u));
	return swmmu_queue_submit_async(file, ucmd, &u);
}

/**
 * swmmu_uring_cmd() - file_operations.uring_cmd of /dev/swmmu
 * @ucmd: the command
 * @issue_flags: IO_URING_F_*
 *
 * Context: process context (io_uring submission or its worker), may sleep.
 * Return: -EIOCBQUEUED when the command completes through io_uring_cmd_done(), or a negative
 * errno for the CQE (see uapi/linux/swmmu.h).
 */
int swmmu_uring_cmd(struct io_uring_cmd *ucmd, unsigned int issue_flags)
{
	struct swmmu_file *file = ucmd->file->private_data;
	union {
		struct swmmu_map map;
		struct swmmu_unmap unmap;
		struct swmmu_protect protect;
		struct swmmu_map_batch map_batch;
		struct swmmu_invalidate invalidate;
	} out = {};
	u64 res2 = 0;
	int ret;

	if (!(issue_flags & IO_URING_F_SQE128))
		return -EINVAL;
	switch (ucmd->cmd_op) {
	case SWMMU_URING_DMA:
		return swmmu_uring_dma(file, ucmd);
	case SWMMU_MAP:
	case SWMMU_UNMAP:
	case SWMMU_PROTECT:
	case SWMMU_MAP_BATCH:
	case SWMMU_INVALIDATE:
		ret = swmmu_dispatch_kernel(file, ucmd->cmd_op, swmmu_uring_cmd_payload(ucmd),
					    SWMMU_URING_PDU, &out,
					    sizeof(out));
		if (!ret && ucmd->cmd_op == SWMMU_MAP)
			res2 = out.map.iova;
		else if (!ret && ucmd->cmd_op == SWMMU_UNMAP)
			res2 = out.unmap.out_unmapped;
		/* A batch reports its count on failure too. */
		else if (ucmd->cmd_op == SWMMU_MAP_BATCH)
			res2 = out.map_batch.out_nr_done;
		else if (ucmd->cmd_op == SWMMU_INVALIDATE)
			res2 = out.invalidate.out_nr_done;
		/* Complete here, with the second result for a CQE32 ring. */
		swmmu_uring_cmd_done(ucmd, ret, res2, issue_flags);
		return -EIOCBQUEUED;
	default:
		return -EOPNOTSUPP;
	}
}
