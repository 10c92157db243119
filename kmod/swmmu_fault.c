// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device faults: the record a failed translation produces, the per-address-space terminate and
 * stall modes (a stalled command waits for userspace to answer, like a GPU's replayable fault or
 * a PCIe page request), and the fault-queue file a process reads records from and writes its
 * responses to.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_device.h"
#include "swmmu_named.h"

unsigned int swmmu_fault_timeout_ms = 10000;
module_param_named(fault_timeout_ms, swmmu_fault_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fault_timeout_ms, "Default wait of a stalled command for a response (ms)");

/**
 * struct swmmu_fq - a fault queue
 * @ref: one for the device file's pointer, one for the open fault-queue file
 * @lock: protects everything below
 * @wq: readers and pollers
 * @depth: capacity of @rec
 * @head: index of the oldest record
 * @count: records queued
 * @lost: records dropped since the last one queued
 * @closed: the fault-queue file was released: nobody reads or answers any more
 * @events: opened with SWMMU_FAULT_QUEUE_EVENTS: read() returns struct swmmu_event records and
 *          the checker's reports are queued too
 * @stalled: stalled faults waiting for a response (struct swmmu_stall)
 * @rec: the records (read() returns only their struct swmmu_fault part without @events)
 */
struct swmmu_fq {
	struct kref ref;
	spinlock_t lock;
	wait_queue_head_t wq;
	unsigned int depth;
	unsigned int head;
	unsigned int count;
	u64 lost;
	bool closed;
	bool events;
	struct list_head stalled;
	struct swmmu_event rec[];
};

enum {
	SWMMU_STALL_WAITING = 0,
	SWMMU_STALL_RETRY,
	SWMMU_STALL_FAIL,
};

/**
 * struct swmmu_stall - a stalled fault, on the stack of the command waiting for it
 * @node: in swmmu_fq.stalled, or empty once answered
 * @seq: the record's sequence number
 * @state: SWMMU_STALL_*
 * @q: the queue whose wq the answer wakes
 */
struct swmmu_stall {
	struct list_head node;
	u64 seq;
	int state;
	struct swmmu_queue *q;
};

static void swmmu_fq_release_ref(struct kref *ref)
{
	struct swmmu_fq *fq = container_of(ref, struct swmmu_fq, ref);

	atomic_long_dec(&swmmu_cnt.fault_queues);
	kfree(fq);
}

/**
 * swmmu_fq_put() - drop a fault queue reference
 * @fq: the fault queue, or NULL
 *
 * Context: any.
 */
void swmmu_fq_put(struct swmmu_fq *fq)
{
	if (fq)
		kref_put(&fq->ref, swmmu_fq_release_ref);
}

/**
 * swmmu_exec_stopped() - must a command stop?
 * @x: the command
 *
 * Context: any.
 * Return: true if its io_uring job was cancelled or its SUBMIT caller got a fatal signal.
 */
bool swmmu_exec_stopped(struct swmmu_exec *x)
{
	return x->job ? READ_ONCE(x->job->canceled) : fatal_signal_pending(current);
}

static bool swmmu_exec_stopped_cb(void *x)
{
	return swmmu_exec_stopped(x);
}

static int swmmu_stall_wait(struct swmmu_exec *x, struct swmmu_stall *st, unsigned long timeout)
{
	long left;

	if (!x->job) {
		left = wait_event_killable_timeout(x->q->wq, READ_ONCE(st->state), timeout);
		return left < 0 ? -EINTR : (left ? 0 : -ETIMEDOUT);
	}
	left = wait_event_timeout(x->q->wq, READ_ONCE(st->state) || READ_ONCE(x->job->canceled),
				  timeout);
	if (READ_ONCE(st->state))
		return 0;
	return left ? -ECANCELED : -ETIMEDOUT;
}

/**
 * swmmu_fault_errno() - the errno a command fails with for a fault reason
 * @reason: SWMMU_FAULT_*
 *
 * Context: any.
 * Return: the negative errno documented in uapi/linux/swmmu.h (-EIO for an unknown reason).
 */
int swmmu_fault_errno(u32 reason)
{
	static const int err[] = {
		[SWMMU_FAULT_NOT_PRESENT] = -ENXIO,
		[SWMMU_FAULT_PERMISSION] = -EACCES,
		[SWMMU_FAULT_ADDRESS_SIZE] = -ERANGE,
		[SWMMU_FAULT_BAD_OUTPUT] = -EIO,
		[SWMMU_FAULT_TABLE_OUTSIDE] = -EIO,
		[SWMMU_FAULT_RESERVED] = -EBADMSG,
		[SWMMU_FAULT_LEAF_LEVEL] = -EBADMSG,
		[SWMMU_FAULT_OA_SIZE] = -ERANGE,
		[SWMMU_FAULT_ACCESS_FLAG] = -EACCES,
		[SWMMU_FAULT_DISABLED] = -ENODEV,
	};

	return reason < ARRAY_SIZE(err) && err[reason] ? err[reason] : -EIO;
}

/**
 * swmmu_fault_check_event() - queue a checker report on the device's fault queue
 * @dev: the device (file) whose context made the report
 * @ev: the record; fault.seq is assigned here
 *
 * Only a fault queue opened with SWMMU_FAULT_QUEUE_EVENTS takes it; a full queue counts it lost.
 *
 * Context: process context or any context that may take a spinlock.
 */
void swmmu_fault_check_event(struct swmmu_dev *dev, struct swmmu_event *ev)
{
	bool queued = false;
	struct swmmu_fq *fq;

	ev->fault.seq = atomic64_inc_return(&dev->fault_seq);
	if (dev->event_cb)
		dev->event_cb(dev->event_arg, ev);
	spin_lock(&dev->fq_lock);
	fq = dev->fq;
	if (fq)
		kref_get(&fq->ref);
	spin_unlock(&dev->fq_lock);
	if (!fq)
		return;
	spin_lock(&fq->lock);
	if (fq->events && !fq->closed && fq->count < fq->depth) {
		struct swmmu_event *e = &fq->rec[(fq->head + fq->count) % fq->depth];

		*e = *ev;
		e->fault.lost = fq->lost;
		fq->lost = 0;
		fq->count++;
		queued = true;
	} else if (fq->events && !fq->closed) {
		fq->lost++;
		atomic64_inc(&dev->faults_lost);
	}
	spin_unlock(&fq->lock);
	if (queued)
		wake_up_interruptible_poll(&fq->wq, EPOLLIN | EPOLLRDNORM);
	swmmu_fq_put(fq);
}

/**
 * swmmu_fault_raise() - report a fault of a command and apply the address space's mode
 * @x: the command; the caller is not inside a step
 * @fi: the fault
 *
 * Queues a record on the device's fault queue (or counts it lost). In terminate mode, or when the
 * record could not be queued, the command fails. In stall mode it waits for the response, the
 * timeout, a cancellation or (SUBMIT) a fatal signal.
 *
 * Context: process context (a SUBMIT caller or the queue's worker), may sleep.
 * Return: 0 to replay the translation, or the errno the command fails with.
 */
int swmmu_fault_raise(struct swmmu_exec *x, const struct swmmu_fault_info *fi)
{
	struct swmmu_queue *q = x->q;
	struct swmmu_dev *dev = q->dev;
	struct swmmu_as_obj *as = q->as;
	bool stall = READ_ONCE(as->dev.fault_mode) == SWMMU_FAULT_MODE_STALL;
	struct swmmu_stall st = { .state = SWMMU_STALL_WAITING, .q = q };
	u32 tmo = READ_ONCE(as->dev.fault_timeout_ms);
	bool queued = false;
	struct swmmu_fq *fq;
	int ret = swmmu_fault_errno(fi->reason);

	atomic64_inc(&dev->faults);
	st.seq = atomic64_inc_return(&dev->fault_seq);
	x->cmd->out_fault_seq = st.seq;
	INIT_LIST_HEAD(&st.node);
	if (dev->event_cb) {
		struct swmmu_event ev = {
			.fault = { .as_id = q->as_id, .queue_id = q->obj.id, .iova = fi->iova,
				   .access = fi->access, .reason = fi->reason, .level = fi->level,
				   .seq = st.seq },
			.asid = fi->asid, .cached_pte = fi->pte, .current_pa = ~0ULL,
		};

		dev->event_cb(dev->event_arg, &ev);
	}
	/* A named address space's faults go to its control plane (swmmu_named.c). */
	if (as->named)
		return swmmu_as_named_fault(as, dev->file, fi->iova, fi->access, fi->reason,
					    fi->level, ret, swmmu_exec_stopped_cb, x);

	spin_lock(&dev->fq_lock);
	fq = dev->fq;
	if (fq)
		kref_get(&fq->ref);
	spin_unlock(&dev->fq_lock);
	if (fq) {
		spin_lock(&fq->lock);
		if (!fq->closed && fq->count < fq->depth) {
			struct swmmu_event *e = &fq->rec[(fq->head + fq->count) % fq->depth];
			struct swmmu_fault *r = &e->fault;

			memset(e, 0, sizeof(*e));
			e->asid = fi->asid;
			e->cached_pte = fi->pte;
			e->current_pa = ~0ULL;
			r->as_id = q->as_id;
			r->queue_id = q->obj.id;
			r->iova = fi->iova;
			r->access = fi->access;
			r->reason = fi->reason;
			r->level = fi->level;
			r->flags = stall ? SWMMU_FAULT_STALLED : 0;
			r->seq = st.seq;
			r->lost = fq->lost;
			fq->lost = 0;
			fq->count++;
			queued = true;
			if (stall)
				list_add_tail(&st.node, &fq->stalled);
		} else if (!fq->closed) {
			fq->lost++;
			atomic64_inc(&dev->faults_lost);
		}
		spin_unlock(&fq->lock);
		if (queued)
			wake_up_interruptible_poll(&fq->wq, EPOLLIN | EPOLLRDNORM);
	}
	if (!stall || !queued)
		goto out;

	ret = swmmu_stall_wait(x, &st, msecs_to_jiffies(tmo ? tmo : swmmu_fault_timeout_ms));
	spin_lock(&fq->lock);
	list_del_init(&st.node);
	spin_unlock(&fq->lock);
	if (!ret)
		ret = st.state == SWMMU_STALL_RETRY ? 0 : swmmu_fault_errno(fi->reason);
	else if (READ_ONCE(st.state))
		ret = st.state == SWMMU_STALL_RETRY ? 0 : swmmu_fault_errno(fi->reason);
out:
	swmmu_fq_put(fq);
	return ret;
}

static ssize_t swmmu_fq_read(struct file *filp, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct swmmu_fq *fq = filp->private_data;
	size_t rsz = fq->events ? sizeof(struct swmmu_event) : sizeof(struct swmmu_fault);
	u8 *tmp;
	size_t n, i;
	int ret;

	if (count < rsz)
		return -EINVAL;
	n = min_t(size_t, count / rsz, fq->depth);
	tmp = kvmalloc_array(n, rsz, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	for (;;) {
		spin_lock(&fq->lock);
		if (fq->count)
			break;
		spin_unlock(&fq->lock);
		ret = -EAGAIN;
		if (filp->f_flags & O_NONBLOCK)
			goto out;
		ret = wait_event_interruptible(fq->wq, READ_ONCE(fq->count));
		if (ret)
			goto out;
	}
	n = min_t(size_t, n, fq->count);
	/* struct swmmu_event starts with the struct swmmu_fault a plain queue returns. */
	for (i = 0; i < n; i++)
		memcpy(tmp + i * rsz, &fq->rec[(fq->head + i) % fq->depth], rsz);
	fq->head = (fq->head + n) % fq->depth;
	fq->count -= n;
	spin_unlock(&fq->lock);
	ret = copy_to_user(ubuf, tmp, n * rsz) ? -EFAULT : 0;
out:
	kvfree(tmp);
	return ret ? ret : n * rsz;
}

static int swmmu_fq_respond(struct swmmu_fq *fq, const struct swmmu_fault_response *r)
{
	struct swmmu_stall *st;
	int ret = -ENOENT;

	if (r->__reserved)
		return -EINVAL;
	if (r->code != SWMMU_FAULT_RESP_RETRY && r->code != SWMMU_FAULT_RESP_FAIL)
		return -EINVAL;
	spin_lock(&fq->lock);
	list_for_each_entry(st, &fq->stalled, node) {
		if (st->seq != r->seq)
			continue;
		WRITE_ONCE(st->state, r->code == SWMMU_FAULT_RESP_RETRY ? SWMMU_STALL_RETRY :
			   SWMMU_STALL_FAIL);
		list_del_init(&st->node);
		/* The waiter leaves only after taking fq->lock: st and its queue are alive. */
		wake_up_all(&st->q->wq);
		ret = 0;
		break;
	}
	spin_unlock(&fq->lock);
	return ret;
}

static ssize_t swmmu_fq_write(struct file *filp, const char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct swmmu_fq *fq = filp->private_data;
	struct swmmu_fault_response r;
	size_t done = 0;
	int ret = 0;

	if (!count || count % sizeof(r))
		return -EINVAL;
	while (done < count) {
		if (copy_from_user(&r, ubuf + done, sizeof(r))) {
			ret = -EFAULT;
			break;
		}
		ret = swmmu_fq_respond(fq, &r);
		if (ret)
			break;
		done += sizeof(r);
	}
	return done ? done : ret;
}

static __poll_t swmmu_fq_poll(struct file *filp, struct poll_table_struct *pt)
{
	struct swmmu_fq *fq = filp->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(filp, &fq->wq, pt);
	if (READ_ONCE(fq->count))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int swmmu_fq_release(struct inode *inode, struct file *filp)
{
	struct swmmu_fq *fq = filp->private_data;
	struct swmmu_stall *st, *tmp;

	spin_lock(&fq->lock);
	fq->closed = true;
	list_for_each_entry_safe(st, tmp, &fq->stalled, node) {
		WRITE_ONCE(st->state, SWMMU_STALL_FAIL);
		list_del_init(&st->node);
		wake_up_all(&st->q->wq);
	}
	spin_unlock(&fq->lock);
	swmmu_fq_put(fq);
	return 0;
}

static const struct file_operations swmmu_fq_fops = {
	.owner = THIS_MODULE,
	.read = swmmu_fq_read,
	.write = swmmu_fq_write,
	.poll = swmmu_fq_poll,
	.release = swmmu_fq_release,
	.llseek = noop_llseek,
};

/**
 * swmmu_cmd_fault_queue() - SWMMU_FAULT_QUEUE
 * @file: the file
 * @data: struct swmmu_fault_queue_kcmd
 *
 * Reserves the descriptor and opens the queue; the descriptor is installed by
 * swmmu_fault_queue_install() once the dispatcher wrote the result back.
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP, -EINVAL (depth), -EBUSY (one is open), -ENOMEM, -EMFILE.
 */
int swmmu_cmd_fault_queue(struct swmmu_file *file, void *data)
{
	struct swmmu_fault_queue_kcmd *k = data;
	struct swmmu_fault_queue_alloc *cmd = &k->cmd;
	struct swmmu_dev *dev = file->dev;
	struct swmmu_fq *fq, *old = NULL;
	struct file *f;
	int fd, ret;

	if (cmd->flags & ~SWMMU_FAULT_QUEUE_EVENTS)
		return -EOPNOTSUPP;
	if (!cmd->depth || cmd->depth > SWMMU_FAULT_QUEUE_MAX_DEPTH)
		return -EINVAL;
	fq = kzalloc(struct_size(fq, rec, cmd->depth), GFP_KERNEL_ACCOUNT);
	if (!fq)
		return -ENOMEM;
	kref_init(&fq->ref);
	spin_lock_init(&fq->lock);
	init_waitqueue_head(&fq->wq);
	INIT_LIST_HEAD(&fq->stalled);
	fq->depth = cmd->depth;
	fq->events = cmd->flags & SWMMU_FAULT_QUEUE_EVENTS;
	atomic_long_inc(&swmmu_cnt.fault_queues);

	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		swmmu_fq_put(fq);
		return fd;
	}
	f = anon_inode_getfile("[swmmu-faults]", &swmmu_fq_fops, fq, O_RDWR | O_CLOEXEC);
	if (IS_ERR(f)) {
		put_unused_fd(fd);
		swmmu_fq_put(fq);
		return PTR_ERR(f);
	}
	/* The file holds the first reference; the device takes a second one. */
	kref_get(&fq->ref);
	spin_lock(&dev->fq_lock);
	if (dev->fq) {
		spin_lock(&dev->fq->lock);
		if (dev->fq->closed)
			old = dev->fq;
		spin_unlock(&dev->fq->lock);
	}
	ret = dev->fq && !old ? -EBUSY : 0;
	if (!ret)
		dev->fq = fq;
	spin_unlock(&dev->fq_lock);
	swmmu_fq_put(old);
	if (ret) {
		swmmu_fq_put(fq);
		put_unused_fd(fd);
		fput(f);
		return ret;
	}
	k->filp = f;
	k->dev = dev;
	cmd->out_fd = fd;
	return 0;
}

/**
 * swmmu_fault_queue_install() - finish a successful SWMMU_FAULT_QUEUE
 * @data: struct swmmu_fault_queue_kcmd that swmmu_cmd_fault_queue() filled
 * @ok: the result, with the descriptor number, reached userspace
 *
 * Installs the descriptor, or, when userspace could not be told its number, gives the number
 * back, takes the queue off the device and closes the file: no queue is left, as if the
 * command had not run.
 *
 * Context: process context, may sleep.
 */
void swmmu_fault_queue_install(void *data, bool ok)
{
	struct swmmu_fault_queue_kcmd *k = data;
	struct swmmu_fq *fq = k->filp->private_data;

	if (ok) {
		fd_install(k->cmd.out_fd, k->filp);
		return;
	}
	put_unused_fd(k->cmd.out_fd);
	spin_lock(&k->dev->fq_lock);
	if (k->dev->fq == fq)
		k->dev->fq = NULL;
	else
		fq = NULL;
	spin_unlock(&k->dev->fq_lock);
	/* The device's reference; the file holds the last one. */
	swmmu_fq_put(fq);
	fput(k->filp);
}

/**
 * swmmu_as_set_fault_mode() - set the fault mode of an address space
 * @as: the address space
 * @mode: SWMMU_FAULT_MODE_*
 * @timeout_ms: stall timeout, 0 for the module default
 *
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int swmmu_as_set_fault_mode(struct swmmu_as_obj *as, u32 mode, u32 timeout_ms)
{
	if (mode != SWMMU_FAULT_MODE_TERMINATE && mode != SWMMU_FAULT_MODE_STALL)
		return -EINVAL;
	if (timeout_ms > SWMMU_FAULT_MAX_TIMEOUT_MS)
		return -EINVAL;
	WRITE_ONCE(as->dev.fault_timeout_ms, timeout_ms);
	WRITE_ONCE(as->dev.fault_mode, mode);
	return 0;
}

/**
 * swmmu_cmd_fault_config() - SWMMU_FAULT_CONFIG
 * @file: the file
 * @data: struct swmmu_fault_config
 *
 * Context: process context.
 * Return: 0, -EOPNOTSUPP, -ENOENT, -EINVAL.
 */
int swmmu_cmd_fault_config(struct swmmu_file *file, void *data)
{
	struct swmmu_fault_config *cmd = data;
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	as = swmmu_as_get(file, cmd->as_id);
	if (!as)
		return -ENOENT;
	ret = swmmu_as_set_fault_mode(as, cmd->mode, cmd->timeout_ms);
	swmmu_obj_put(&as->obj);
	return ret;
}
