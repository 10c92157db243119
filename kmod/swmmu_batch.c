// SPDX-License-Identifier: GPL-2.0-only
/*
 * SWMMU_MAP_BATCH: MAP and UNMAP operations on one address space for the price of one call.
 *
 * Every operation runs through the code of its single ioctl (swmmu_map_*() and
 * swmmu_as_unmap_gather() in swmmu_as.c). What the batch shares is what is not the operation's
 * own: the copy of the array, the address-space and buffer lookups, the range lock (the hull of
 * the operations' ranges, taken once) and the device invalidation (one flush at the end, or
 * before a MAP reuses VAs whose invalidation is still pending).
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_as.h"
#include "swmmu_maps.h"

/**
 * struct swmmu_batch_run - one SWMMU_MAP_BATCH call being executed
 * @file: the calling file (the buffers are its own)
 * @as: the address space (a users reference)
 * @ug: the UNMAPs whose device invalidation is not flushed yet
 * @buf: the buffer looked up last (a users reference), or NULL
 * @records: mapping records allocated in one go, one per MAP of the batch
 * @nr_records: entries of @records
 * @used: records handed out so far
 */
struct swmmu_batch_run {
	struct swmmu_file *file;
	struct swmmu_as_obj *as;
	struct swmmu_unmap_gather ug;
	struct swmmu_buf *buf;
	struct swmmu_mapping **records;
	u32 nr_records;
	u32 used;
};

/**
 * swmmu_batch_copy_in() - read the caller's array of operations
 * @ops: kernel copy, room for cmd->nr_ops entries
 * @cmd: the call
 *
 * Entries of the kernel's size are read with 8-byte loads: copy_from_user() moves them with a
 * string instruction, which QEMU's TCG (the VM lane) emulates a byte at a time; on hardware both
 * run at memory speed. Larger entries go one by one, with the size rules.
 *
 * Context: process context, may fault; no range lock held.
 * Return: 0, -EFAULT, or -E2BIG (a non-zero byte past the kernel's struct in an entry).
 */
static int swmmu_batch_copy_in(struct swmmu_map_batch_op *ops, const struct swmmu_map_batch *cmd)
{
	const u8 __user *uops = u64_to_user_ptr(cmd->ops_uptr);
	const u64 __user *src = (const u64 __user *)uops;
	size_t i, n = array_size(cmd->nr_ops, sizeof(*ops)) / sizeof(u64);
	u64 *dst = (u64 *)ops;
	int ret;

	BUILD_BUG_ON(sizeof(*ops) % sizeof(u64));
	if (cmd->op_size != sizeof(*ops)) {
		for (i = 0; i < cmd->nr_ops; i++) {
			/* The bytes past the kernel's struct must be zero (E2BIG). */
			ret = copy_struct_from_user(&ops[i], sizeof(*ops),
						    uops + i * cmd->op_size, cmd->op_size);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (!user_access_begin(src, n * sizeof(u64)))
		return -EFAULT;
	for (i = 0; i < n; i++)
		unsafe_get_user(dst[i], &src[i], efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/**
 * swmmu_batch_copy_out() - write the out_ fields of the completed operations back
 * @ops: kernel copy
 * @cmd: the call
 * @nr: completed operations
 *
 * Context: process context, may fault; no range lock held.
 * Return: 0 or -EFAULT.
 */
static int swmmu_batch_copy_out(const struct swmmu_map_batch_op *ops,
				const struct swmmu_map_batch *cmd, u32 nr)
{
	u8 __user *uops = u64_to_user_ptr(cmd->ops_uptr);
	u32 i;

	if (!nr)
		return 0;
	if (!user_access_begin(uops, (size_t)nr * cmd->op_size))
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		struct swmmu_map_batch_op __user *u = (void __user *)(uops + (size_t)i * cmd->op_size);

		unsafe_put_user(ops[i].out_iova, &u->out_iova, efault);
		unsafe_put_user(ops[i].out_unmapped, &u->out_unmapped, efault);
	}
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/**
 * swmmu_batch_hull() - the VA range every operation of a batch stays inside
 * @ops: the operations
 * @nr: entries of @ops
 * @first: out: first VA
 * @last: out: last VA (inclusive)
 *
 * The hull of the ranges given, or the whole space when a MAP lets the kernel choose. An
 * operation whose range is malformed (empty, wrapping) fails its checks before it touches
 * anything, so it needs no part of the hull.
 *
 * Context: any.
 */
static void swmmu_batch_hull(const struct swmmu_map_batch_op *ops, u32 nr, u64 *first,
			     u64 *last)
{
	u64 lo = U64_MAX, hi = 0, end;
	u32 i;

	for (i = 0; i < nr; i++) {
		const struct swmmu_map_batch_op *op = &ops[i];

		if (op->op == SWMMU_BATCH_MAP && !(op->flags & SWMMU_MAP_FIXED_IOVA)) {
			lo = 0;
			hi = U64_MAX;
			break;
		}
		if (!op->length || check_add_overflow(op->iova, op->length - 1, &end))
			continue;
		lo = min(lo, op->iova);
		hi = max(hi, end);
	}
	if (lo > hi)
		lo = hi = 0;
	*first = lo;
	*last = hi;
}

/**
 * swmmu_batch_buf() - a buffer of the calling file, looked up once per run of the same ID
 * @b: the batch; keeps its own reference on the last buffer it looked up
 * @id: the buffer ID
 *
 * Context: any context that may take a spinlock.
 * Return: the buffer with a users reference for the caller, or NULL (no such buffer).
 */
static struct swmmu_buf *swmmu_batch_buf(struct swmmu_batch_run *b, u32 id)
{
	struct swmmu_buf *buf;

	if (!b->buf || b->buf->obj.id != id) {
		buf = swmmu_buf_get(b->file, id);
		if (!buf)
			return NULL;
		if (b->buf)
			swmmu_obj_put(&b->buf->obj);
		b->buf = buf;
	}
	swmmu_obj_hold(&b->buf->obj);
	return b->buf;
}

/**
 * swmmu_batch_map() - one MAP of a batch, as SWMMU_MAP runs it
 * @b: the batch
 * @op: the operation; out_iova is set on success
 *
 * Context: process context, may sleep; the batch's range is held.
 * Return: 0 or the errno SWMMU_MAP would return; the tables are unchanged on error.
 */
static int swmmu_batch_map(struct swmmu_batch_run *b, struct swmmu_map_batch_op *op)
{
	struct swmmu_as_map_args args = {
		.buf_offset = op->buf_offset,
		.length = op->length,
		.iova = op->iova,
		.prot = op->prot,
		.pgsize_lg2 = op->pgsize_lg2,
		.fixed = op->flags & SWMMU_MAP_FIXED_IOVA,
	};
	struct swmmu_as_map_req req;
	int ret;

	if (op->flags & ~SWMMU_MAP_FIXED_IOVA)
		return -EOPNOTSUPP;
	ret = swmmu_as_map_check(&args);
	if (ret)
		return ret;
	args.buf = swmmu_batch_buf(b, op->buf_id);
	if (!args.buf)
		return -ENOENT;
	ret = swmmu_as_map_prepare(&req, b->as, &args, b->records[b->used++]);
	if (!ret)
		ret = swmmu_as_map_pick(&req);
	if (!ret) {
		/* A device may still hold the old translation of VAs an earlier UNMAP freed. */
		if (swmmu_unmap_gather_pending(&b->ug, req.iova, req.last))
			swmmu_unmap_gather_flush(b->as, &b->ug);
		ret = swmmu_as_map_locked(&req);
		/*
		 * Tables earlier UNMAPs unlinked are still charged to the file until the flush
		 * frees them; a sequence of ioctls would not have hit the limit.
		 */
		if (ret == -ENOSPC && b->ug.g.nr_tables) {
			swmmu_unmap_gather_flush(b->as, &b->ug);
			ret = swmmu_as_map_locked(&req);
		}
	}
	if (!ret)
		op->out_iova = req.iova;
	swmmu_as_map_finish(&req);
	return ret;
}

/**
 * swmmu_batch_unmap() - one UNMAP of a batch, its invalidation gathered
 * @b: the batch
 * @op: the operation; out_unmapped is set
 *
 * Context: process context, may sleep; the batch's range is held.
 * Return: 0 or the errno SWMMU_UNMAP would return (-EOPNOTSUPP for a MAP field set); the tables
 * are unchanged on error.
 */
static int swmmu_batch_unmap(struct swmmu_batch_run *b, struct swmmu_map_batch_op *op)
{
	u64 last;
	int ret;

	if (op->flags || op->buf_id || op->prot || op->buf_offset || op->pgsize_lg2)
		return -EOPNOTSUPP;
	ret = swmmu_format_range(b->as->fmt, op->iova, op->length, &last);
	if (ret)
		return ret;
	return swmmu_as_unmap_gather(b->as, op->iova, last, &b->ug, &op->out_unmapped);
}

/**
 * swmmu_batch_run_ops() - run the operations in order until one fails
 * @b: the batch
 * @ops: the operations
 * @nr: entries of @ops
 * @err: out: 0, or the errno of the failing operation
 *
 * Context: process context, may sleep; the batch's range is held.
 * Return: the number of operations that completed.
 */
static u32 swmmu_batch_run_ops(struct swmmu_batch_run *b, struct swmmu_map_batch_op *ops, u32 nr,
			       int *err)
{
	u32 i;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		struct swmmu_map_batch_op *op = &ops[i];

		op->out_iova = 0;
		op->out_unmapped = 0;
		if (op->__reserved)
			ret = -EOPNOTSUPP;
		else if (op->op == SWMMU_BATCH_MAP)
			ret = swmmu_batch_map(b, op);
		else if (op->op == SWMMU_BATCH_UNMAP)
			ret = swmmu_batch_unmap(b, op);
		else
			ret = -EOPNOTSUPP;
		if (ret)
			break;
		cond_resched();
	}
	*err = ret;
	return i;
}

/**
 * swmmu_cmd_map_batch() - SWMMU_MAP_BATCH
 * @file: the file
 * @data: struct swmmu_map_batch; out_nr_done is set whatever the result
 *
 * Context: process context, may sleep; the array is copied in before the range is locked and
 * written back after it is released (a fault on an mmap() of this address space takes the range).
 * Return: 0, or the errno of the call or of the failing operation, as documented in
 * uapi/linux/swmmu.h.
 */
int swmmu_cmd_map_batch(struct swmmu_file *file, void *data)
{
	struct swmmu_map_batch *cmd = data;
	struct swmmu_batch_run b = { .file = file };
	struct swmmu_map_batch_op *ops;
	struct swmmu_range r;
	u64 first, last;
	int ret, err;
	u32 i;

	cmd->out_nr_done = 0;
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!cmd->nr_ops || cmd->nr_ops > SWMMU_MAP_BATCH_MAX_OPS)
		return -EINVAL;
	if (cmd->op_size < sizeof(*ops) || cmd->op_size > SWMMU_MAP_BATCH_MAX_OP_SIZE)
		return -EINVAL;
	b.as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(b.as))
		return PTR_ERR(b.as);
	ret = -ENOMEM;
	ops = kvmalloc_array(cmd->nr_ops, sizeof(*ops), GFP_KERNEL_ACCOUNT);
	if (!ops)
		goto out_as;
	ret = swmmu_batch_copy_in(ops, cmd);
	if (ret)
		goto out_ops;
	for (i = 0; i < cmd->nr_ops; i++)
		b.nr_records += ops[i].op == SWMMU_BATCH_MAP;
	if (b.nr_records) {
		ret = -ENOMEM;
		b.records = kvmalloc_array(b.nr_records, sizeof(*b.records), GFP_KERNEL_ACCOUNT);
		if (!b.records)
			goto out_ops;
		ret = swmmu_mappings_alloc(b.nr_records, b.records);
		if (ret)
			goto out_ops;
	}

	swmmu_batch_hull(ops, cmd->nr_ops, &first, &last);
	swmmu_unmap_gather_init(b.as, &b.ug);
	swmmu_range_lock(&b.as->range, &r, first, last);
	cmd->out_nr_done = swmmu_batch_run_ops(&b, ops, cmd->nr_ops, &ret);
	swmmu_unmap_gather_flush(b.as, &b.ug);
	swmmu_range_unlock(&b.as->range, &r);
	if (b.buf)
		swmmu_obj_put(&b.buf->obj);
	swmmu_mappings_free(b.nr_records - b.used, b.records + b.used);

	err = swmmu_batch_copy_out(ops, cmd, cmd->out_nr_done);
	if (err)
		ret = err;
out_ops:
	kvfree(b.records);
	kvfree(ops);
out_as:
	swmmu_obj_put(&b.as->obj);
	return ret;
}
