// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel API (include/swmmu/kapi.h): the page-table library's exports, and client
 * handles - device files of the kernel's own - over the same objects and commands /dev/swmmu
 * offers. A handle is a struct swmmu_file without a struct file: every call goes to the command
 * function the ioctl would reach, with a kernel struct instead of a user one, so one code path
 * validates and executes both.
 *
 * Lifetimes: swmmu_clients lists every open handle with the module that opened it. A module
 * notifier reclaims the handles of a module that goes away with them still open, after its
 * exit function ran (its code is still mapped then, so a pending async callback may finish).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "swmmu_dctx.h"
#include "swmmu_device.h"
#include "swmmu/kapi.h"

/**
 * struct swmmu_client - an in-kernel client's handle
 * @file: its device file
 * @owner: the module that opened it
 * @ops: its callbacks, or NULL
 * @priv: passed to @ops
 * @wq: ordered workqueue of swmmu_client_submit_async(): commands run in submission order
 * @node: in swmmu_clients
 */
struct swmmu_client {
	struct swmmu_file *file;
	struct module *owner;
	const struct swmmu_client_ops *ops;
	void *priv;
	struct workqueue_struct *wq;
	struct list_head node;
};

static LIST_HEAD(swmmu_clients);
static DEFINE_MUTEX(swmmu_clients_lock);

static void swmmu_client_event(void *arg, const struct swmmu_event *ev)
{
	struct swmmu_client *c = arg;

	c->ops->event(c->priv, ev);
}

/**
 * swmmu_client_open() - open a handle on the emulated device
 * @owner: the calling module (THIS_MODULE); its unloading reclaims a handle left open
 * @ops: callbacks, or NULL
 * @priv: passed to the callbacks
 *
 * Context: process context, may sleep.
 * Return: the handle, or ERR_PTR(-EINVAL) (no @owner), ERR_PTR(-ENOMEM).
 */
struct swmmu_client *swmmu_client_open(struct module *owner, const struct swmmu_client_ops *ops,
				       void *priv)
{
	struct swmmu_client *c;

	if (!owner)
		return ERR_PTR(-EINVAL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->wq = alloc_ordered_workqueue("swmmu-client-%s", 0, owner->name);
	c->file = swmmu_file_create();
	if (!c->wq || !c->file) {
		if (c->wq)
			destroy_workqueue(c->wq);
		if (c->file)
			swmmu_file_free(c->file);
		kfree(c);
		return ERR_PTR(-ENOMEM);
	}
	c->owner = owner;
	c->ops = ops;
	c->priv = priv;
	if (ops && ops->event) {
		c->file->dev->event_arg = c;
		c->file->dev->event_cb = swmmu_client_event;
	}
	mutex_lock(&swmmu_clients_lock);
	list_add_tail(&c->node, &swmmu_clients);
	mutex_unlock(&swmmu_clients_lock);
	return c;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_open, SWMMU_NS);

/* Objects a handle still owns (for the reclaim message). */
static unsigned int swmmu_client_nr_objs(struct swmmu_client *c)
{
	struct swmmu_obj *obj;
	unsigned long id;
	unsigned int n = 0;

	xa_for_each(&c->file->objs, id, obj)
		n++;
	return n;
}

/* Free a handle that is off the list: async commands first, then every object. */
static void swmmu_client_free(struct swmmu_client *c)
{
	destroy_workqueue(c->wq);
	swmmu_file_free(c->file);
	kfree(c);
}

/**
 * swmmu_client_close() - close a handle and free every object it still owns
 * @c: the handle, or NULL (nothing happens)
 *
 * Waits for the commands submitted with swmmu_client_submit_async() (their callbacks run).
 *
 * Context: process context, may sleep; not from a callback of @c.
 */
void swmmu_client_close(struct swmmu_client *c)
{
	if (IS_ERR_OR_NULL(c))
		return;
	mutex_lock(&swmmu_clients_lock);
	list_del(&c->node);
	mutex_unlock(&swmmu_clients_lock);
	swmmu_client_free(c);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_close, SWMMU_NS);

/**
 * swmmu_client_dma_device() - the device swmmu allocates buffers and tables with
 * @c: the handle
 *
 * A client may use it with the DMA API for memory of its own; the emulated device reaches only
 * the client's swmmu buffers, though.
 *
 * Context: any.
 * Return: the device, or NULL for a NULL handle.
 */
struct device *swmmu_client_dma_device(struct swmmu_client *c)
{
	return IS_ERR_OR_NULL(c) ? NULL : swmmu_dma_dev;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_dma_device, SWMMU_NS);

/**
 * swmmu_client_buf_alloc() - allocate a zeroed, physically contiguous DMA buffer
 * @c: the handle
 * @size: bytes: a multiple of PAGE_SIZE, at most the largest contiguous block (4 MiB on x86-64)
 * @out: the buffer's ID, kernel address and DMA address
 *
 * Page tables the client writes for a driver-managed context, and the data its DMA commands
 * move, live in such buffers: the device reaches nothing else.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (NULL argument, size 0 or not page aligned), -ENOMEM, -ENOSPC (limits).
 */
int swmmu_client_buf_alloc(struct swmmu_client *c, size_t size, struct swmmu_client_buf *out)
{
	struct swmmu_buf *buf;
	int ret;

	if (IS_ERR_OR_NULL(c) || !out || !size || !PAGE_ALIGNED(size))
		return -EINVAL;
	ret = swmmu_buf_create(c->file, size, SWMMU_BUF_CONTIG, &buf);
	if (ret)
		return ret;
	out->id = buf->obj.id;
	out->cpu = page_address(buf->chunks[0].page);
	out->dma = buf->chunks[0].dma;
	out->size = size;
	/* The ID goes back by return: visible at once. */
	swmmu_obj_finalize(c->file, &buf->obj);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_buf_alloc, SWMMU_NS);

/**
 * swmmu_client_ctx_create() - create a driver-managed context (disabled)
 * @c: the handle
 * @format_id: its initial format (a built-in format's ID, see swmmu_client_format_id())
 * @va_bits: 0 for the format's VA size, or a smaller one
 * @ctx_id: out: its ID
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL, -ENOENT (format), -ENOSPC, -ENOMEM.
 */
int swmmu_client_ctx_create(struct swmmu_client *c, u32 format_id, u32 va_bits, u32 *ctx_id)
{
	const struct swmmu_format *f;
	struct swmmu_as_obj *as;
	int ret;

	if (IS_ERR_OR_NULL(c) || !ctx_id)
		return -EINVAL;
	f = swmmu_format_get(format_id);
	if (!f)
		return -ENOENT;
	ret = swmmu_as_create(c->file, f, va_bits, true, format_id, &as);
	if (ret)
		return ret;
	*ctx_id = as->obj.id;
	swmmu_obj_finalize(c->file, &as->obj);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_ctx_create, SWMMU_NS);

/**
 * swmmu_client_ctx_program() - write a context's registers (SWMMU_CTX_SET)
 * @c: the handle
 * @ctx_id: the context
 * @flags: SWMMU_CTX_ENABLE, SWMMU_CTX_HW_AD
 * @root: DMA address of the root table (in one of the client's buffers)
 * @asid: ASID, 0..SWMMU_ASID_MAX
 * @check: SWMMU_CHECK_OFF, _REPORT or _STRICT
 *
 * The format stays the one the context was created with.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (bad value, misaligned root, not a context), -EOPNOTSUPP, -ENOENT,
 * -ENOMEM.
 */
int swmmu_client_ctx_program(struct swmmu_client *c, u32 ctx_id, u32 flags, u64 root, u32 asid,
			     u32 check)
{
	struct swmmu_dctx_regs r = { .flags = flags, .asid = asid, .check = check, .root = root };
	struct swmmu_ctx_info info;
	int ret;

	if (IS_ERR_OR_NULL(c))
		return -EINVAL;
	ret = swmmu_dctx_info(c->file, ctx_id, &info);
	if (ret)
		return ret;
	r.format_id = info.out_format_id;
	r.va_bits = info.out_va_bits;
	return swmmu_dctx_program(c->file, ctx_id, &r);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_ctx_program, SWMMU_NS);

/**
 * swmmu_client_ctx_info() - a context's state and counters (SWMMU_CTX_INFO)
 * @c: the handle
 * @ctx_id: the context
 * @info: out
 *
 * Context: process context.
 * Return: 0, -EINVAL, -ENOENT.
 */
int swmmu_client_ctx_info(struct swmmu_client *c, u32 ctx_id, struct swmmu_ctx_info *info)
{
	if (IS_ERR_OR_NULL(c) || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->as_id = ctx_id;
	return swmmu_dctx_info(c->file, ctx_id, info);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_ctx_info, SWMMU_NS);

/**
 * swmmu_client_queue_create() - a DMA queue that translates through a context
 * @c: the handle
 * @ctx_id: the context
 * @queue_id: out: the queue's ID
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL, -ENOENT, -ENOSPC, -EBUSY (ID space exhausted), -ENOMEM.
 */
int swmmu_client_queue_create(struct swmmu_client *c, u32 ctx_id, u32 *queue_id)
{
	struct swmmu_queue *q;
	int ret;

	if (IS_ERR_OR_NULL(c) || !queue_id)
		return -EINVAL;
	ret = swmmu_queue_create(c->file, ctx_id, &q);
	if (ret)
		return ret;
	*queue_id = q->obj.id;
	swmmu_obj_finalize(c->file, &q->obj);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_queue_create, SWMMU_NS);

/**
 * swmmu_client_submit() - run DMA commands on a queue and wait for them
 * @c: the handle
 * @queue_id: the queue
 * @cmds: the commands; their out_ fields are written
 * @nr: entries of @cmds, 1 to SWMMU_SUBMIT_MAX_CMDS
 * @done: out: commands that succeeded
 *
 * Context: process context, may sleep.
 * Return: 0 (see *@done and the failed command's out_status), -EINVAL, -EOPNOTSUPP,
 * -EOVERFLOW (a bad command; nothing ran), -ENOENT, -EINTR.
 */
int swmmu_client_submit(struct swmmu_client *c, u32 queue_id, struct swmmu_dma_cmd *cmds,
			unsigned int nr, unsigned int *done)
{
	if (IS_ERR_OR_NULL(c) || !cmds || !done)
		return -EINVAL;
	return swmmu_submit_kernel(c->file, queue_id, cmds, nr, done);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_submit, SWMMU_NS);

/**
 * struct swmmu_client_job - one swmmu_client_submit_async() command
 * @work: on the client's ordered workqueue
 * @c: the handle
 * @queue_id: the queue
 * @cmd: the command
 * @done: the completion callback
 * @arg: passed to @done
 */
struct swmmu_client_job {
	struct work_struct work;
	struct swmmu_client *c;
	u32 queue_id;
	struct swmmu_dma_cmd cmd;
	void (*done)(void *arg, const struct swmmu_dma_cmd *cmd);
	void *arg;
};

static void swmmu_client_job_run(struct work_struct *work)
{
	struct swmmu_client_job *j = container_of(work, struct swmmu_client_job, work);
	unsigned int n;
	int ret;

	ret = swmmu_submit_kernel(j->c->file, j->queue_id, &j->cmd, 1, &n);
	if (ret)
		j->cmd.out_status = ret;
	j->done(j->arg, &j->cmd);
	kfree(j);
}

/**
 * swmmu_client_submit_async() - queue one DMA command; a callback reports its completion
 * @c: the handle
 * @queue_id: the queue
 * @cmd: the command (copied)
 * @done: called with the completed command (out_status, out_result) from a worker thread
 * @arg: passed to @done
 *
 * Commands of one handle run in submission order. swmmu_client_close() waits for them.
 *
 * Context: process context (GFP_KERNEL allocation).
 * Return: 0 (@done will be called), -EINVAL (NULL argument or a bad command), -EOPNOTSUPP,
 * -EOVERFLOW, -ENOMEM. A queue that is gone by then completes with out_status -ENOENT.
 */
int swmmu_client_submit_async(struct swmmu_client *c, u32 queue_id,
			      const struct swmmu_dma_cmd *cmd,
			      void (*done)(void *arg, const struct swmmu_dma_cmd *cmd), void *arg)
{
	struct swmmu_client_job *j;
	int ret;

	if (IS_ERR_OR_NULL(c) || !cmd || !done)
		return -EINVAL;
	ret = swmmu_dma_validate(cmd);
	if (ret)
		return ret;
	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return -ENOMEM;
	INIT_WORK(&j->work, swmmu_client_job_run);
	j->c = c;
	j->queue_id = queue_id;
	j->cmd = *cmd;
	j->done = done;
	j->arg = arg;
	queue_work(c->wq, &j->work);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_submit_async, SWMMU_NS);

/**
 * swmmu_client_invalidate() - run invalidation commands (SWMMU_INVALIDATE)
 * @c: the handle
 * @cmds: the commands
 * @nr: entries of @cmds, 1 to SWMMU_INVALIDATE_MAX_CMDS
 *
 * When it returns, no DMA access uses an entry the commands dropped.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EOVERFLOW, -ENOENT, -ENOMEM.
 */
int swmmu_client_invalidate(struct swmmu_client *c, const struct swmmu_inval_cmd *cmds,
			    unsigned int nr)
{
	if (IS_ERR_OR_NULL(c) || !cmds)
		return -EINVAL;
	return swmmu_invalidate_kernel(c->file, cmds, nr);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_invalidate, SWMMU_NS);

/**
 * swmmu_client_destroy() - destroy an object (buffer, context, queue) of a handle
 * @c: the handle
 * @id: the object
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL, -ENOENT (no such object: destroyed already, or never made), -EBUSY (in
 * use: a queue on a context, a buffer while a context is enabled).
 */
int swmmu_client_destroy(struct swmmu_client *c, u32 id)
{
	if (IS_ERR_OR_NULL(c))
		return -EINVAL;
	return swmmu_obj_destroy(c->file, id);
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_destroy, SWMMU_NS);

/**
 * swmmu_client_format_id() - the ID of a built-in format, by name
 * @name: "x86_64", "gpu-xe", ...
 * @format_id: out
 *
 * Context: any.
 * Return: 0, -EINVAL (NULL), -ENOENT (no built-in format of that name).
 */
int swmmu_client_format_id(const char *name, u32 *format_id)
{
	unsigned int i;

	if (!name || !format_id)
		return -EINVAL;
	for (i = 0; i < swmmu_format_count(); i++) {
		if (!strcmp(swmmu_format_get(i)->name, name)) {
			*format_id = i;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(swmmu_client_format_id, SWMMU_NS);

/* A module going away with handles open: reclaim them, say so once per handle. */
static int swmmu_client_module_event(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	struct swmmu_client *c, *tmp;
	LIST_HEAD(gone);

	if (state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&swmmu_clients_lock);
	list_for_each_entry_safe(c, tmp, &swmmu_clients, node)
		if (c->owner == mod)
			list_move_tail(&c->node, &gone);
	mutex_unlock(&swmmu_clients_lock);
	list_for_each_entry_safe(c, tmp, &gone, node) {
		pr_info("module %s unloaded with a client handle open: reclaimed %u objects\n",
			mod->name, swmmu_client_nr_objs(c));
		list_del(&c->node);
		swmmu_client_free(c);
	}
	return NOTIFY_DONE;
}

static struct notifier_block swmmu_client_nb = {
	.notifier_call = swmmu_client_module_event,
};

/**
 * swmmu_client_init() - watch for client modules going away
 *
 * Context: module init.
 * Return: 0 or the notifier's error.
 */
int swmmu_client_init(void)
{
	return register_module_notifier(&swmmu_client_nb);
}

/**
 * swmmu_client_exit() - stop watching
 *
 * No handle is open: every client module, which holds swmmu's symbols, is gone.
 *
 * Context: module exit.
 */
void swmmu_client_exit(void)
{
	unregister_module_notifier(&swmmu_client_nb);
}
