// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated paging device of an open file: DMA engine queues bound to address spaces, the
 * commands (COPY, FILL, CRC32, COMPARE, FENCE), their execution through the IOTLB in steps, and
 * submission (SUBMIT here, io_uring jobs queued by swmmu_uring.c and run by a work item).
 */
#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>


#include "swmmu_device.h"

/* Bytes one step moves at most: bounds how long an invalidation waits for a step. */
#define SWMMU_STEP_MAX		(256 * 1024)

/**
 * swmmu_dev_open() - give a new open file its device
 * @file: the file
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int swmmu_dev_open(struct swmmu_file *file)
{
	struct swmmu_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);

	if (!dev)
		return -ENOMEM;
	if (swmmu_tlb_init(&dev->tlb, swmmu_iotlb_entries)) {
		kfree(dev);
		return -ENOMEM;
	}
	dev->file = file;
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->queues);
	spin_lock_init(&dev->fq_lock);
	file->dev = dev;
	return 0;
}

/**
 * swmmu_dev_release() - free the device of a file being released
 * @file: the file; its queues are gone (swmmu_file_destroy_all())
 *
 * Context: file release.
 */
void swmmu_dev_release(struct swmmu_file *file)
{
	struct swmmu_dev *dev = file->dev;

	if (!dev)
		return;
	swmmu_fq_put(dev->fq);
	swmmu_tlb_destroy(&dev->tlb);
	mutex_destroy(&dev->lock);
	kfree(dev);
	file->dev = NULL;
}

static struct swmmu_queue *swmmu_queue_get(struct swmmu_file *file, u32 id)
{
	struct swmmu_obj *obj = swmmu_obj_get(file, id, SWMMU_OBJ_QUEUE);

	return obj ? container_of(obj, struct swmmu_queue, obj) : NULL;
}

static bool swmmu_queue_exists(struct swmmu_file *file, u32 id)
{
	struct swmmu_queue *q = swmmu_queue_get(file, id);

	if (q)
		swmmu_obj_put(&q->obj);
	return q;
}

/* ---- execution -------------------------------------------------------------------------------- */

/* Enter a step: publish the epoch it runs under before translating (see swmmu_device.h). */
static void swmmu_step_begin(struct swmmu_exec *x)
{
	x->epoch = atomic64_read_acquire(&x->q->as->dev.epoch);
	WRITE_ONCE(x->q->busy, x->epoch + 1);
	/* Pairs with the barrier in swmmu_as_dev_invalidate(). */
	smp_mb();
}

static void swmmu_step_end(struct swmmu_exec *x)
{
	/* The step's accesses are done before an invalidation can see the queue idle. */
	smp_store_release(&x->q->busy, 0);
	if (wq_has_sleeper(&x->q->wq))
		wake_up_all(&x->q->wq);
}

/*
 * The engine's data mover for non-overlapping ranges: 32 bytes per iteration with 8-byte moves.
 * Under QEMU's TCG (the VM lane), the string instructions memcpy() uses on CPUs with ERMS/FSRM are
 * emulated a byte at a time, several times slower than this; on hardware both run at memory speed.
 */
static void swmmu_copy_words(u8 *d, const u8 *s, size_t n)
{
	while (n >= 32) {
		u64 a = get_unaligned((const u64 *)s), b = get_unaligned((const u64 *)(s + 8));
		u64 c = get_unaligned((const u64 *)(s + 16)), e = get_unaligned((const u64 *)(s + 24));

		put_unaligned(a, (u64 *)d);
		put_unaligned(b, (u64 *)(d + 8));
		put_unaligned(c, (u64 *)(d + 16));
		put_unaligned(e, (u64 *)(d + 24));
		s += 32;
		d += 32;
		n -= 32;
		/* Keeps the compiler from turning the loop back into a memcpy() call. */
		barrier();
	}
	while (n--)
		*d++ = *s++;
}

static void swmmu_dma_copy(u8 *d, const u8 *s, size_t n)
{
	if (d + n <= s || s + n <= d)
		swmmu_copy_words(d, s, n);
	else
		memmove(d, s, n);
}

static void swmmu_fill_pattern(u8 *pat, u64 value)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i++)
		pat[i] = value >> (8 * (i & 7));
}

/* Write the FILL pattern to @dst for command bytes [off, off + n). */
static void swmmu_do_fill(const u8 *pat, u8 *dst, u64 n, u64 off)
{
	while (n) {
		size_t k = min_t(u64, n, PAGE_SIZE - 8);

		swmmu_copy_words(dst, pat + (off & 7), k);
		dst += k;
		off += k;
		n -= k;
	}
}

static size_t swmmu_first_diff(const u8 *a, const u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

/**
 * swmmu_dma_validate() - check a command before it is queued or run
 * @c: the command
 *
 * Context: any.
 * Return: 0, -EOPNOTSUPP (flags, reserved), -EINVAL (opcode, length, unused field, FENCE size
 * or alignment), -EOVERFLOW (a range wraps).
 */
int swmmu_dma_validate(const struct swmmu_dma_cmd *c)
{
	bool src = false, dst = true;
	u64 last;

	if (c->flags || c->__reserved)
		return -EOPNOTSUPP;
	if (!c->length || c->length > SWMMU_DMA_MAX_LENGTH)
		return -EINVAL;
	switch (c->opcode) {
	case SWMMU_DMA_COPY:
	case SWMMU_DMA_COMPARE:
		if (c->value)
			return -EINVAL;
		src = true;
		break;
	case SWMMU_DMA_FILL:
		if (c->src)
			return -EINVAL;
		break;
	case SWMMU_DMA_CRC32:
		if (c->dst || c->value)
			return -EINVAL;
		src = true;
		dst = false;
		break;
	case SWMMU_DMA_FENCE:
		if (c->src || (c->length != 4 && c->length != 8) || (c->dst & (c->length - 1)))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (src && check_add_overflow(c->src, c->length - 1, &last))
		return -EOVERFLOW;
	if (dst && check_add_overflow(c->dst, c->length - 1, &last))
		return -EOVERFLOW;
	return 0;
}

/*
 * Run one validated command. Each step translates the VAs at the current position (through the
 * IOTLB) and moves at most SWMMU_STEP_MAX bytes, never past a leaf or buffer chunk. A fault ends
 * the step; swmmu_fault_raise() then fails the command or, in stall mode, waits and replays.
 */
static int swmmu_dma_run(struct swmmu_exec *x)
{
	struct swmmu_dma_cmd *c = x->cmd;
	struct swmmu_queue *q = x->q;
	const u8 *zero = page_address(ZERO_PAGE(0));
	bool rd_src = c->opcode == SWMMU_DMA_COPY || c->opcode == SWMMU_DMA_CRC32 ||
		      c->opcode == SWMMU_DMA_COMPARE;
	bool has_dst = c->opcode != SWMMU_DMA_CRC32;
	u32 dst_access = c->opcode == SWMMU_DMA_COMPARE ? SWMMU_PROT_R : SWMMU_PROT_W;
	struct swmmu_fault_info fi = {};
	u32 crc = ~0u;
	u64 done = 0;
	int ret = 0;

	c->out_result = 0;
	c->out_fault_seq = 0;
	if (c->opcode == SWMMU_DMA_FILL)
		swmmu_fill_pattern(q->pattern, c->value);
	atomic64_inc(&q->dev->cmds);

	while (done < c->length) {
		struct swmmu_dxl s = {}, d = {};
		u64 n = min_t(u64, c->length - done, SWMMU_STEP_MAX);
		bool differ = false;

		swmmu_step_begin(x);
		if (rd_src) {
			ret = swmmu_tlb_translate(x, c->src + done, SWMMU_PROT_R, &s, &fi);
			if (ret)
				goto fault;
			n = min(n, s.avail);
		}
		if (has_dst) {
			ret = swmmu_tlb_translate(x, c->dst + done, dst_access, &d, &fi);
			if (ret)
				goto fault;
			n = min(n, d.avail);
		}
		switch (c->opcode) {
		case SWMMU_DMA_COPY:
			/* A sparse source reads zeros; a sparse destination drops the bytes. */
			if (d.cpu && s.cpu)
				swmmu_dma_copy(d.cpu, s.cpu, n);
			else if (d.cpu)
				memset(d.cpu, 0, n);
			break;
		case SWMMU_DMA_FILL:
			if (d.cpu)
				swmmu_do_fill(q->pattern, d.cpu, n, done);
			break;
		case SWMMU_DMA_CRC32:
			if (!s.cpu)
				n = min_t(u64, n, PAGE_SIZE);
			crc = crc32_le(crc, s.cpu ? s.cpu : zero, n);
			break;
		case SWMMU_DMA_COMPARE:
			if (!s.cpu || !d.cpu)
				n = min_t(u64, n, PAGE_SIZE);
			if (memcmp(s.cpu ? s.cpu : zero, d.cpu ? d.cpu : zero, n)) {
				n = swmmu_first_diff(s.cpu ? s.cpu : zero, d.cpu ? d.cpu : zero, n);
				differ = true;
			}
			break;
		case SWMMU_DMA_FENCE:
			/* Everything earlier is complete; make it visible before the value. */
			smp_mb();
			if (d.cpu && n == 8)
				WRITE_ONCE(*(u64 *)d.cpu, c->value);
			else if (d.cpu)
				WRITE_ONCE(*(u32 *)d.cpu, (u32)c->value);
			break;
		}
		swmmu_step_end(x);
		done += n;
		atomic64_add(n, &q->dev->bytes);
		if (differ)
			break;
		if (done < c->length && swmmu_exec_stopped(x)) {
			ret = x->job ? -ECANCELED : -EINTR;
			break;
		}
		cond_resched();
		continue;
fault:
		swmmu_step_end(x);
		ret = swmmu_fault_raise(x, &fi);
		if (ret)
			break;
	}

	switch (c->opcode) {
	case SWMMU_DMA_CRC32:
		c->out_result = ret ? 0 : ~crc;
		break;
	case SWMMU_DMA_FENCE:
		break;
	default:
		c->out_result = done;
	}
	c->out_status = ret;
	return ret;
}

/* ---- io_uring jobs ---------------------------------------------------------------------------- */

static void swmmu_job_done(struct io_uring_cmd *ucmd, unsigned int issue_flags)
{
	struct swmmu_job *job = *(struct swmmu_job **)ucmd->pdu;
	int status = job->cmd.out_status;
	u64 result = job->cmd.out_result;

	kfree(job);
	swmmu_uring_cmd_done(ucmd, status, result, issue_flags);
}

SWMMU_URING_TASK_CB(swmmu_job_done_cb, swmmu_job_done)

/* Complete a job; it and its queue reference are gone afterwards. */
static void swmmu_job_finish(struct swmmu_job *job, int status)
{
	struct swmmu_queue *q = job->q;

	job->cmd.out_status = status;
	atomic_long_dec(&swmmu_cnt.dma_jobs);
	swmmu_obj_put(&q->obj);
	io_uring_cmd_complete_in_task(job->ucmd, swmmu_job_done_cb);
}

/* Run the queue's io_uring jobs in order; the caller holds q->exec. */
static void swmmu_queue_run_pending(struct swmmu_queue *q)
{
	struct swmmu_job *job;
	struct swmmu_exec x;
	int ret;

	lockdep_assert_held(&q->exec);
	for (;;) {
		spin_lock(&q->lock);
		job = list_first_entry_or_null(&q->pending, struct swmmu_job, node);
		if (job) {
			list_del_init(&job->node);
			q->running = job;
		}
		spin_unlock(&q->lock);
		if (!job)
			return;
		x.q = q;
		x.job = job;
		x.cmd = &job->cmd;
		ret = READ_ONCE(job->canceled) ? -ECANCELED : swmmu_dma_run(&x);
		spin_lock(&q->lock);
		q->running = NULL;
		spin_unlock(&q->lock);
		swmmu_job_finish(job, ret);
	}
}

static void swmmu_queue_work(struct work_struct *work)
{
	struct swmmu_queue *q = container_of(work, struct swmmu_queue, work);

	mutex_lock(&q->exec);
	swmmu_queue_run_pending(q);
	mutex_unlock(&q->exec);
}

/* Cancel the jobs of @owner: the queued ones now, the running one at its next step or stall. */
static void swmmu_queue_cancel(struct swmmu_queue *q, fl_owner_t owner)
{
	struct swmmu_job *job, *tmp;
	LIST_HEAD(list);
	bool wake = false;

	spin_lock(&q->lock);
	list_for_each_entry_safe(job, tmp, &q->pending, node)
		if (job->owner == owner)
			list_move_tail(&job->node, &list);
	if (q->running && q->running->owner == owner) {
		WRITE_ONCE(q->running->canceled, true);
		wake = true;
	}
	spin_unlock(&q->lock);
	if (wake)
		wake_up_all(&q->wq);
	list_for_each_entry_safe(job, tmp, &list, node) {
		list_del(&job->node);
		swmmu_job_finish(job, -ECANCELED);
	}
}

/**
 * swmmu_queue_submit_async() - queue one io_uring DMA command
 * @file: the file
 * @ucmd: the io_uring command
 * @u: its payload (a kernel copy)
 *
 * Context: process context (io_uring submission), may sleep.
 * Return: -EIOCBQUEUED (completed later through io_uring_cmd_complete_in_task()), or an errno:
 * -ENOENT (queue), the errnos of swmmu_dma_validate(), -ENOMEM.
 */
int swmmu_queue_submit_async(struct swmmu_file *file, struct io_uring_cmd *ucmd,
			     const struct swmmu_uring_dma *u)
{
	struct swmmu_queue *q;
	struct swmmu_job *job;
	int ret;

	BUILD_BUG_ON(sizeof(job) > sizeof(ucmd->pdu));
	q = swmmu_queue_get(file, u->queue_id);
	if (!q)
		return -ENOENT;
	ret = swmmu_dma_validate(&u->cmd);
	if (ret)
		goto err;
	ret = -ENOMEM;
	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job)
		goto err;
	job->q = q;
	job->ucmd = ucmd;
	job->owner = current->files;
	job->cmd = u->cmd;
	*(struct swmmu_job **)ucmd->pdu = job;
	atomic_long_inc(&swmmu_cnt.dma_jobs);
	spin_lock(&q->lock);
	list_add_tail(&job->node, &q->pending);
	spin_unlock(&q->lock);
	queue_work(system_unbound_wq, &q->work);
	return -EIOCBQUEUED;

err:
	swmmu_obj_put(&q->obj);
	return ret;
}

/**
 * swmmu_dev_flush() - a descriptor of the file is being closed
 * @file: the file
 * @id: the closing process's files_struct
 *
 * Cancels the io_uring DMA commands that process queued on the file's queues: 6.1's io_uring
 * cannot cancel driver commands itself, and would wait for them when the ring is torn down.
 *
 * Context: process context (close()).
 * Return: 0.
 */
int swmmu_dev_flush(struct swmmu_file *file, fl_owner_t id)
{
	struct swmmu_dev *dev = file->dev;
	struct swmmu_queue *q;

	mutex_lock(&dev->lock);
	list_for_each_entry(q, &dev->queues, dev_node)
		swmmu_queue_cancel(q, id);
	mutex_unlock(&dev->lock);
	return 0;
}

/* ---- queues ----------------------------------------------------------------------------------- */

static void swmmu_queue_free(struct swmmu_queue *q)
{
	struct swmmu_dev *dev = q->dev;
	struct swmmu_as_obj *as = q->as;

	/* Only the ID table referenced it: no job is queued; the worker may be finishing. */
	flush_work(&q->work);
	mutex_lock(&as->dev.lock);
	list_del(&q->as_node);
	mutex_unlock(&as->dev.lock);
	mutex_lock(&dev->lock);
	list_del(&q->dev_node);
	dev->nr_queues--;
	mutex_unlock(&dev->lock);
	swmmu_tlb_inval_as(&dev->tlb, as->debug_id);
	swmmu_obj_put(&as->obj);
	free_page((unsigned long)q->pattern);
	mutex_destroy(&q->exec);
	kfree(q);
	atomic_long_dec(&swmmu_cnt.queues);
}

/**
 * swmmu_queue_obj_free() - free a queue removed from its file's ID table
 * @obj: the queue's object header
 *
 * Context: process context, may sleep.
 */
static void swmmu_queue_obj_free(struct swmmu_obj *obj)
{
	swmmu_queue_free(container_of(obj, struct swmmu_queue, obj));
}

static const struct swmmu_obj_ops swmmu_queue_obj_ops = {
	.type = SWMMU_OBJ_QUEUE,
	.free = swmmu_queue_obj_free,
};

/**
 * swmmu_queue_create() - a DMA queue that translates through an address space of the file
 * @file: the file
 * @as_id: the address space (or driver-managed context)
 * @out: the new queue, reserved in the file's ID table (its ID set): swmmu_obj_finalize() makes
 *       it visible, swmmu_obj_abort() frees it
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT (no such address space), -ENOSPC (SWMMU_MAX_QUEUES on the device), -EBUSY
 * (the file's ID space is exhausted), -ENOMEM.
 */
int swmmu_queue_create(struct swmmu_file *file, u32 as_id, struct swmmu_queue **out)
{
	struct swmmu_dev *dev = file->dev;
	struct swmmu_as_obj *as;
	struct swmmu_queue *q;
	int ret;

	as = swmmu_as_get(file, as_id);
	if (!as)
		return -ENOENT;
	ret = -ENOMEM;
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		goto err_as;
	q->pattern = (u8 *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!q->pattern)
		goto err_q;
	q->dev = dev;
	q->as = as;
	q->as_id = as_id;
	mutex_init(&q->exec);
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->pending);
	INIT_WORK(&q->work, swmmu_queue_work);
	init_waitqueue_head(&q->wq);

	mutex_lock(&dev->lock);
	if (dev->nr_queues >= SWMMU_MAX_QUEUES) {
		mutex_unlock(&dev->lock);
		ret = -ENOSPC;
		goto err_page;
	}
	dev->nr_queues++;
	list_add_tail(&q->dev_node, &dev->queues);
	mutex_unlock(&dev->lock);
	mutex_lock(&as->dev.lock);
	list_add_tail(&q->as_node, &as->dev.queues);
	mutex_unlock(&as->dev.lock);
	atomic_long_inc(&swmmu_cnt.queues);

	ret = swmmu_obj_reserve(file, &q->obj, &swmmu_queue_obj_ops);
	if (ret) {
		swmmu_queue_free(q);
		return ret;
	}
	*out = q;
	return 0;

err_page:
	free_page((unsigned long)q->pattern);
	mutex_destroy(&q->exec);
err_q:
	kfree(q);
err_as:
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_queue_alloc() - SWMMU_QUEUE_ALLOC
 * @file: the file
 * @data: struct swmmu_queue_alloc
 * @obj: out: the new queue, reserved (the caller finalizes or aborts it)
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP, or as swmmu_queue_create().
 */
int swmmu_cmd_queue_alloc(struct swmmu_file *file, void *data, struct swmmu_obj **obj)
{
	struct swmmu_queue_alloc *cmd = data;
	struct swmmu_queue *q;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ret = swmmu_queue_create(file, cmd->as_id, &q);
	if (ret)
		return ret;
	*obj = &q->obj;
	cmd->out_queue_id = q->obj.id;
	return 0;
}

/**
 * swmmu_submit_kernel() - run DMA commands on a queue and wait for them
 * @file: the file
 * @queue_id: the queue
 * @cmds: the commands, in kernel memory; their out_ fields are written
 * @nr: entries of @cmds, 1 to SWMMU_SUBMIT_MAX_CMDS
 * @done: out: commands that succeeded (command *@done failed if it is below @nr)
 *
 * Runs the commands in the caller's thread, after the queue's earlier io_uring commands. Every
 * command is validated before the first one runs. Used by SUBMIT and by in-kernel clients.
 *
 * Context: process context, may sleep.
 * Return: 0 (the commands ran; see *@done), -EINVAL, -EOPNOTSUPP, -EOVERFLOW (a bad command,
 * nothing ran), -ENOENT (no such queue), -EINTR (a fatal signal before the first command).
 */
int swmmu_submit_kernel(struct swmmu_file *file, u32 queue_id, struct swmmu_dma_cmd *cmds,
			unsigned int nr, unsigned int *done)
{
	struct swmmu_queue *q;
	struct swmmu_exec x;
	unsigned int i;
	int ret;

	*done = 0;
	if (!nr || nr > SWMMU_SUBMIT_MAX_CMDS)
		return -EINVAL;
	q = swmmu_queue_get(file, queue_id);
	if (!q)
		return -ENOENT;
	for (i = 0; i < nr; i++) {
		ret = swmmu_dma_validate(&cmds[i]);
		if (ret)
			goto out;
	}
	ret = mutex_lock_killable(&q->exec);
	if (ret)
		goto out;
	swmmu_queue_run_pending(q);
	x.q = q;
	x.job = NULL;
	for (i = 0; i < nr; i++) {
		x.cmd = &cmds[i];
		if (swmmu_dma_run(&x))
			break;
	}
	mutex_unlock(&q->exec);
	*done = i;
out:
	swmmu_obj_put(&q->obj);
	return ret;
}

/**
 * swmmu_cmd_submit() - SWMMU_SUBMIT
 * @file: the file
 * @data: struct swmmu_submit
 *
 * Context: process context, may sleep.
 * Return: as swmmu_submit_kernel(), and -EFAULT, -ENOMEM.
 */
int swmmu_cmd_submit(struct swmmu_file *file, void *data)
{
	struct swmmu_submit *cmd = data;
	struct swmmu_dma_cmd __user *ucmds = u64_to_user_ptr(cmd->cmds_uptr);
	struct swmmu_dma_cmd *cmds;
	unsigned int done;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	if (!cmd->nr_cmds || cmd->nr_cmds > SWMMU_SUBMIT_MAX_CMDS)
		return -EINVAL;
	/* A bad queue ID is ENOENT before anything is copied, as it always was. */
	if (!swmmu_queue_exists(file, cmd->queue_id))
		return -ENOENT;
	cmds = kvmalloc_array(cmd->nr_cmds, sizeof(*cmds), GFP_KERNEL_ACCOUNT);
	if (!cmds)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(cmds, ucmds, cmd->nr_cmds * sizeof(*cmds)))
		goto out;
	ret = swmmu_submit_kernel(file, cmd->queue_id, cmds, cmd->nr_cmds, &done);
	if (ret)
		goto out;
	cmd->out_nr_done = done;
	if (copy_to_user(ucmds, cmds, min(done + 1, cmd->nr_cmds) * sizeof(*cmds)))
		ret = -EFAULT;
out:
	kvfree(cmds);
	return ret;
}
