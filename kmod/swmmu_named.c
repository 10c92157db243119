// SPDX-License-Identifier: GPL-2.0-only
/*
 * Named address spaces (see swmmu_named.h): the registry, the control plane's memory in them,
 * and SWMMU_ATTACH / detach of an open file.
 */
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "swmmu_named.h"
#include "swmmu_maps.h"
#include "swmmu_mmap.h"

DEFINE_MUTEX(swmmu_named_lock);
DEFINE_XARRAY_ALLOC(swmmu_nameds);
DEFINE_XARRAY_ALLOC(swmmu_rtfmts);

/**
 * swmmu_name_valid() - is a string acceptable as an address space or format name
 * @name: NUL-terminated, at most SWMMU_NL_NAME_LEN - 1 characters (the policy checks that)
 *
 * Letters, digits, '_', '-' and '.', not starting with '.' or '-'.
 *
 * Context: any.
 * Return: true if valid.
 */
bool swmmu_name_valid(const char *name)
{
	const char *p;

	if (!name[0] || name[0] == '.' || name[0] == '-')
		return false;
	for (p = name; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

/**
 * swmmu_named_find() - look up a named address space
 * @name: its name
 *
 * Context: swmmu_named_lock held.
 * Return: the address space, or NULL.
 */
struct swmmu_named *swmmu_named_find(const char *name)
{
	struct swmmu_named *n;
	unsigned long id;

	lockdep_assert_held(&swmmu_named_lock);
	xa_for_each(&swmmu_nameds, id, n)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

/* Free the home's buffers that nothing maps any more (the control plane's memory). */
static void swmmu_named_gc(struct swmmu_named *n)
{
	struct swmmu_file *home = n->home;
	struct swmmu_obj *obj;
	unsigned long id;

	xa_for_each(&home->objs, id, obj) {
		struct swmmu_buf *buf;

		if (obj->type != SWMMU_OBJ_BUF)
			continue;
		xa_lock(&home->objs);
		if (!refcount_dec_if_one(&obj->users)) {
			xa_unlock(&home->objs);
			continue;
		}
		__xa_erase(&home->objs, id);
		xa_unlock(&home->objs);
		buf = container_of(obj, struct swmmu_buf, obj);
		n->dma_bytes -= buf->length;
		swmmu_buf_free(buf);
	}
}

static void swmmu_home_free(struct swmmu_file *home)
{
	mtree_destroy(&home->bus);
	xa_destroy(&home->objs);
	mutex_destroy(&home->lock);
	kfree(home);
}

/**
 * swmmu_named_create() - create a named address space
 * @name: a valid, unused name
 * @f: its format
 * @rt: the runtime format @f belongs to, or NULL (its user count is taken here)
 * @va_bits: 0 for the format's VA size, or a smaller one
 * @out: the new address space
 *
 * The owner is root (uid 0, gid 0, mode 0600), the fault mode SWMMU_FAULT_MODE_FAIL.
 *
 * Context: process context; swmmu_named_lock held.
 * Return: 0, -ENOSPC (SWMMU_NAMED_MAX), or an error of swmmu_as_create().
 */
int swmmu_named_create(const char *name, const struct swmmu_format *f, struct swmmu_rtfmt *rt,
		       unsigned int va_bits, struct swmmu_named **out)
{
	struct swmmu_named *n;
	struct swmmu_as_obj *as;
	int ret;

	lockdep_assert_held(&swmmu_named_lock);
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	ret = -ENOMEM;
	n->home = kzalloc(sizeof(*n->home), GFP_KERNEL_ACCOUNT);
	if (!n->home)
		goto err_n;
	swmmu_file_init(n->home);
	/* No mmap() of the home: every window is taken. */
	n->home->mmap_windows = ~0UL;
	strscpy(n->name, name, sizeof(n->name));
	spin_lock_init(&n->fault_lock);
	INIT_LIST_HEAD(&n->users);
	n->uid = GLOBAL_ROOT_UID;
	n->gid = GLOBAL_ROOT_GID;
	n->mode = 0600;
	n->fault_mode = SWMMU_FAULT_MODE_FAIL;

	ret = xa_alloc(&swmmu_nameds, &n->id, n, XA_LIMIT(0, SWMMU_NAMED_MAX - 1),
		       GFP_KERNEL_ACCOUNT);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_home;
	}
	ret = swmmu_as_create(n->home, f, va_bits, false, 0, &as);
	if (ret)
		goto err_xa;
	/* No result to hand to anyone first: visible at once. */
	swmmu_obj_finalize(n->home, &as->obj);
	n->as = as;
	n->as->named = n;
	n->rtfmt = rt;
	if (rt)
		rt->users++;
	*out = n;
	return 0;

err_xa:
	xa_erase(&swmmu_nameds, n->id);
err_home:
	swmmu_home_free(n->home);
err_n:
	kfree(n);
	return ret;
}

/**
 * swmmu_named_delete() - delete a named address space and the memory mapped into it
 * @n: the address space
 *
 * Context: process context; swmmu_named_lock held.
 * Return: 0, or -EBUSY while any file is attached or a call uses it.
 */
int swmmu_named_delete(struct swmmu_named *n)
{
	struct swmmu_file *home = n->home;
	struct swmmu_as_obj *as = n->as;

	lockdep_assert_held(&swmmu_named_lock);
	if (n->nr_users)
		return -EBUSY;
	xa_lock(&home->objs);
	if (!refcount_dec_if_one(&as->obj.users)) {
		xa_unlock(&home->objs);
		return -EBUSY;
	}
	__xa_erase(&home->objs, as->obj.id);
	xa_unlock(&home->objs);
	swmmu_as_free(as);
	swmmu_named_gc(n);
	WARN_ON_ONCE(!xa_empty(&home->objs));
	swmmu_home_free(home);
	if (n->rtfmt)
		n->rtfmt->users--;
	xa_erase(&swmmu_nameds, n->id);
	kfree(n);
	return 0;
}

/**
 * swmmu_named_map() - map zeroed module memory into a named address space
 * @n: the address space
 * @args: length, iova (with fixed), prot and pgsize_lg2 set; buf and buf_offset are filled in
 *        here; iova is set on return
 *
 * The memory is a buffer of the home: contiguous when a leaf size above the CPU page is asked
 * for (so such leaves can be used), else separate pages. It is freed when it is unmapped.
 *
 * Context: process context; swmmu_named_lock held.
 * Return: 0 or an errno of SWMMU_BUF_ALLOC / SWMMU_MAP.
 */
int swmmu_named_map(struct swmmu_named *n, struct swmmu_as_map_args *args)
{
	struct swmmu_buf *buf;
	int ret;

	lockdep_assert_held(&swmmu_named_lock);
	ret = swmmu_as_map_check(args);
	if (ret)
		return ret;
	ret = swmmu_buf_create(n->home, args->length,
			       args->pgsize_lg2 > PAGE_SHIFT ? SWMMU_BUF_CONTIG : 0, &buf);
	if (ret)
		return ret;
	swmmu_obj_finalize(n->home, &buf->obj);
	n->dma_bytes += args->length;
	/* The mapping's users reference; the ID table keeps its own until the unmap's gc. */
	swmmu_obj_hold(&buf->obj);
	args->buf = buf;
	args->buf_offset = 0;
	ret = swmmu_as_map(n->as, args);
	if (ret)
		swmmu_named_gc(n);
	return ret;
}

/**
 * swmmu_named_unmap() - SWMMU_UNMAP on a named address space, freeing the memory it unmapped
 * @n: the address space
 * @iova: first VA
 * @length: bytes
 * @unmapped: bytes unmapped
 *
 * Context: process context; swmmu_named_lock held.
 * Return: 0 or an errno of SWMMU_UNMAP.
 */
int swmmu_named_unmap(struct swmmu_named *n, u64 iova, u64 length, u64 *unmapped)
{
	int ret;

	lockdep_assert_held(&swmmu_named_lock);
	ret = swmmu_as_unmap(n->as, iova, length, unmapped);
	if (!ret)
		swmmu_named_gc(n);
	return ret;
}

/**
 * swmmu_named_bus_lookup() - the attached files' buffer memory at a DMA address
 * @as: a named address space
 * @dma: the address
 *
 * Each attached file's bus is looked up in turn: DMA addresses are unique, so at most one has
 * it, and there are at most SWMMU_NAMED_MAX_USERS of them (usually one or two), each a maple
 * tree lookup. Cheaper than finding the mapping record by VA, which would take maps_lock.
 *
 * Context: as swmmu_bus_lookup(); the caller keeps the chunk alive by holding a range of @as
 * whose mapping references it (detach removes a file's mappings before the file leaves the list).
 * Return: the chunk, or NULL.
 */
struct swmmu_chunk *swmmu_named_bus_lookup(struct swmmu_as_obj *as, u64 dma)
{
	struct swmmu_attach_obj *h;
	struct swmmu_chunk *c = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(h, &as->named->users, node) {
		c = swmmu_bus_lookup(h->file, dma);
		if (c)
			break;
	}
	rcu_read_unlock();
	return c;
}

/**
 * swmmu_named_zap() - remove the CPU mappings of a device VA range in every attached file
 * @as: a named address space
 * @iova: first device VA
 * @last: last device VA (inclusive)
 *
 * Every attached file may show any mapping (its own buffers, another file's, the home's) through
 * its window, so all of them are zapped.
 *
 * Context: process context; the caller holds [iova, last] of @as->range, which keeps the list of
 * attachments stable (it changes only under the whole range).
 */
void swmmu_named_zap(struct swmmu_as_obj *as, u64 iova, u64 last)
{
	struct swmmu_attach_obj *h;

	/* Not under RCU: unmap_mapping_range() sleeps; the range lock is what keeps @h. */
	list_for_each_entry(h, &as->named->users, node)
		if (h->window >= 0)
			swmmu_zap_window(as, h->file, h->mmap_offset, iova, last);
}

/**
 * swmmu_named_find_user() - the attachment of a file to a named address space
 * @n: the address space
 * @file: the file
 *
 * Context: swmmu_named_lock held (keeps the list).
 * Return: the attachment, or NULL if @file is not attached to @n.
 */
static struct swmmu_attach_obj *swmmu_named_find_user(struct swmmu_named *n,
						      const struct swmmu_file *file)
{
	struct swmmu_attach_obj *h;

	lockdep_assert_held(&swmmu_named_lock);
	list_for_each_entry(h, &n->users, node)
		if (h->file == file)
			return h;
	return NULL;
}

/* Attaching needs rw under the owner/group/other bits, like opening a device node O_RDWR. */
static bool swmmu_named_may_attach(const struct swmmu_named *n)
{
	const struct cred *cred = current_cred();
	unsigned int mode = n->mode;

	if (uid_eq(cred->fsuid, n->uid))
		mode >>= 6;
	else if (in_group_p(n->gid))
		mode >>= 3;
	if ((mode & 6) == 6)
		return true;
	return capable(CAP_DAC_OVERRIDE);
}

/**
 * swmmu_named_detach() - undo an attach
 * @h: the attachment, on its address space's list
 *
 * Removes the mappings of @h's file's buffers (zapping them in every attached file's window,
 * @h's own included), takes @h off the list and waits until no device access can still be
 * looking at @h's bus. The mappings of the other attached files and of the home stay.
 *
 * Context: process context, may sleep; swmmu_named_lock held.
 */
static void swmmu_named_detach(struct swmmu_attach_obj *h)
{
	struct swmmu_as_obj *as = h->as;
	struct swmmu_named *n = as->named;
	struct swmmu_file *file = h->file;
	struct swmmu_mapping *m, *next;
	struct swmmu_range r;
	u64 bytes;

	lockdep_assert_held(&swmmu_named_lock);
	swmmu_range_lock(&as->range, &r, 0, U64_MAX);
	for (m = swmmu_maps_find(as, 0, U64_MAX); m; m = next) {
		/* Found before @m goes: unmapping @m removes only @m's own record. */
		next = swmmu_maps_next(as, m, U64_MAX);
		/* Whole mappings, already covered: unmapping them cannot fail. */
		if (m->buf->file == file)
			WARN_ON_ONCE(swmmu_as_unmap_locked(as, m->iova, m->last, &bytes));
	}
	list_del_rcu(&h->node);
	n->nr_users--;
	swmmu_range_unlock(&as->range, &r);
	/* Lock-free device walkers are done with the file's bus (and @h) before either can go. */
	synchronize_rcu();
	mutex_lock(&file->lock);
	file->nr_as--;
	mutex_unlock(&file->lock);
}

static const struct swmmu_obj_ops swmmu_attach_obj_ops;

/**
 * swmmu_cmd_attach() - SWMMU_ATTACH
 * @file: the file
 * @data: struct swmmu_attach
 * @obj: out: the attachment, reserved (the caller finalizes or aborts it; aborting detaches)
 *
 * Any number of files, up to SWMMU_NAMED_MAX_USERS, may be attached to one named address space;
 * a file is attached to it at most once.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EOPNOTSUPP, -EINVAL, -ENOENT, -EACCES, -EBUSY (this file is attached already),
 * -ENOSPC (SWMMU_NAMED_MAX_USERS files are attached, or the file's max_as), -ENOMEM.
 */
int swmmu_cmd_attach(struct swmmu_file *file, void *data, struct swmmu_obj **obj)
{
	struct swmmu_nl_event_args ev = { .type = SWMMU_EVENT_ATTACH };
	struct swmmu_attach *cmd = data;
	struct swmmu_attach_obj *h;
	struct swmmu_named *n;
	struct swmmu_as_obj *as;
	struct swmmu_range r;
	char name[SWMMU_NL_NAME_LEN];
	int window, ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	if (!cmd->name[0] || !memchr(cmd->name, 0, sizeof(cmd->name)))
		return -EINVAL;
	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return -ENOMEM;

	mutex_lock(&swmmu_named_lock);
	n = swmmu_named_find(cmd->name);
	ret = -ENOENT;
	if (!n)
		goto err_unlock;
	ret = -EACCES;
	if (!swmmu_named_may_attach(n))
		goto err_unlock;
	/* A second attachment of one file would share its bus and window: nothing to gain. */
	ret = -EBUSY;
	if (swmmu_named_find_user(n, file))
		goto err_unlock;
	ret = -ENOSPC;
	if (n->nr_users >= SWMMU_NAMED_MAX_USERS)
		goto err_unlock;
	as = n->as;

	ret = swmmu_file_reserve_as(file, &window);
	if (ret)
		goto err_unlock;

	h->file = file;
	h->as = as;
	h->window = window;
	h->mmap_offset = window < 0 ? SWMMU_MMAP_OFFSET_NONE :
			 (u64)window << SWMMU_MMAP_WINDOW_SHIFT;
	h->pid = task_tgid_vnr(current);
	/*
	 * The attachments hold one reference between them, so that swmmu_attach_idle() can tell
	 * "no call, queue or VMA uses the address space" from a single count.
	 */
	if (!n->nr_users)
		refcount_inc(&as->obj.users);
	swmmu_range_lock(&as->range, &r, 0, U64_MAX);
	list_add_tail_rcu(&h->node, &n->users);
	n->nr_users++;
	swmmu_range_unlock(&as->range, &r);

	ret = swmmu_obj_reserve(file, &h->obj, &swmmu_attach_obj_ops);
	if (ret) {
		swmmu_named_detach(h);
		if (!n->nr_users)
			swmmu_obj_put(&as->obj);
		if (window >= 0) {
			mutex_lock(&file->lock);
			__clear_bit(window, &file->mmap_windows);
			mutex_unlock(&file->lock);
		}
		goto err_unlock;
	}
	/* mmap() finds it through its window once it is finalized. */
	*obj = &h->obj;
	cmd->out_as_id = h->obj.id;
	cmd->out_va_bits = as->fmt->va_bits;
	cmd->out_nr_levels = as->fmt->nr_levels;
	cmd->__reserved = 0;
	cmd->out_mmap_offset = h->mmap_offset;
	strscpy(name, n->name, sizeof(name));
	ev.pid = h->pid;
	mutex_unlock(&swmmu_named_lock);
	ev.as = name;
	swmmu_events_send(&ev);
	return 0;

err_unlock:
	mutex_unlock(&swmmu_named_lock);
	kfree(h);
	return ret;
}

/**
 * swmmu_attach_idle() - may an attachment be removed from its file's ID table
 * @obj: the attachment
 *
 * Idle when its address space has no user besides the home's table and the attachments' one
 * reference: no call is using it, no queue is bound to it and no VMA maps it. That is stricter
 * than needed with several files attached (another file's VMA makes it busy too), but it needs
 * no per-file count on every path that takes the address space; closing the file always
 * detaches.
 *
 * Context: the file's lock and the ID table's lock held.
 * Return: true if idle.
 */
static bool swmmu_attach_idle(struct swmmu_obj *obj)
{
	struct swmmu_attach_obj *h = container_of(obj, struct swmmu_attach_obj, obj);

	return refcount_read(&h->as->obj.users) == 2;
}

/**
 * swmmu_attach_unpublish() - hide an attachment's address space from mmap(), free its window
 * @file: the file
 * @obj: the attachment, removed from the file's ID table (finalized or not: the window is the
 *       attachment's from swmmu_cmd_attach() on, and published only by swmmu_obj_finalize())
 *
 * Context: the file's lock held.
 */
static void swmmu_attach_unpublish(struct swmmu_file *file, struct swmmu_obj *obj)
{
	struct swmmu_attach_obj *h = container_of(obj, struct swmmu_attach_obj, obj);
	int window = h->window;

	lockdep_assert_held(&file->lock);
	if (window >= 0) {
		file->windows[window] = NULL;
		__clear_bit(window, &file->mmap_windows);
	}
}

/**
 * swmmu_attach_free() - detach: free an attachment removed from its file's ID table
 * @h: the attachment
 *
 * Removes every mapping of the file's buffers from the address space (device and CPU views, in
 * every attached file), then, if it was the last attachment, the attachments' reference.
 *
 * Context: process context, may sleep; no VMA of the file maps the address space.
 */
static void swmmu_attach_free(struct swmmu_attach_obj *h)
{
	struct swmmu_nl_event_args ev = { .type = SWMMU_EVENT_DETACH };
	struct swmmu_as_obj *as = h->as;
	char name[SWMMU_NL_NAME_LEN];

	mutex_lock(&swmmu_named_lock);
	ev.pid = h->pid;
	strscpy(name, as->named->name, sizeof(name));
	swmmu_named_detach(h);
	if (!as->named->nr_users)
		swmmu_obj_put(&as->obj);
	mutex_unlock(&swmmu_named_lock);
	ev.as = name;
	swmmu_events_send(&ev);
	kfree(h);
}

/* mmap() finds the address space through the attachment's window once it is finalized. */
static void swmmu_attach_obj_publish(struct swmmu_file *file, struct swmmu_obj *obj)
{
	struct swmmu_attach_obj *h = container_of(obj, struct swmmu_attach_obj, obj);

	if (h->window >= 0)
		file->windows[h->window] = h->as;
}

/* An attachment stands for its named address space (its reference keeps it alive). */
static struct swmmu_obj *swmmu_attach_obj_resolve(struct swmmu_obj *obj,
						  enum swmmu_obj_type type)
{
	if (type != SWMMU_OBJ_AS)
		return NULL;
	return &container_of(obj, struct swmmu_attach_obj, obj)->as->obj;
}

static bool swmmu_attach_obj_busy(struct swmmu_file *file, struct swmmu_obj *obj)
{
	return !swmmu_attach_idle(obj);
}

static void swmmu_attach_obj_free(struct swmmu_obj *obj)
{
	swmmu_attach_free(container_of(obj, struct swmmu_attach_obj, obj));
}

static const struct swmmu_obj_ops swmmu_attach_obj_ops = {
	.type = SWMMU_OBJ_ATTACH,
	.publish = swmmu_attach_obj_publish,
	.resolve = swmmu_attach_obj_resolve,
	.busy = swmmu_attach_obj_busy,
	.unpublish = swmmu_attach_unpublish,
	.free = swmmu_attach_obj_free,
};

/**
 * swmmu_named_exit() - free every named address space and runtime format at module unload
 *
 * Context: module exit; no file is open and the netlink family is gone.
 */
void swmmu_named_exit(void)
{
	struct swmmu_named *n;
	struct swmmu_rtfmt *rt;
	unsigned long id;

	mutex_lock(&swmmu_named_lock);
	xa_for_each(&swmmu_nameds, id, n)
		WARN_ON_ONCE(swmmu_named_delete(n));
	xa_for_each(&swmmu_rtfmts, id, rt) {
		xa_erase(&swmmu_rtfmts, id);
		kfree(rt);
	}
	mutex_unlock(&swmmu_named_lock);
	xa_destroy(&swmmu_nameds);
	xa_destroy(&swmmu_rtfmts);
}

/* ---- faults of named address spaces -------------------------------------------------------- */

/**
 * struct swmmu_named_stall - a device access waiting for the control plane
 * @node: in swmmu_named_stalls
 * @as: the address space
 * @id: the fault ID sent in the event
 * @state: 0 waiting, 1 retry, 2 fail
 */
struct swmmu_named_stall {
	struct list_head node;
	struct swmmu_as_obj *as;
	u64 id;
	int state;
};

static LIST_HEAD(swmmu_named_stalls);
static DEFINE_SPINLOCK(swmmu_named_stall_lock);
static DECLARE_WAIT_QUEUE_HEAD(swmmu_named_wq);
static atomic64_t swmmu_named_fault_id = ATOMIC64_INIT(0);

/* How long an access of a named address space in serve mode waits for the control plane. */
static unsigned int swmmu_named_fault_timeout_ms = 5000;
module_param_named(named_fault_timeout_ms, swmmu_named_fault_timeout_ms, uint, 0644);
MODULE_PARM_DESC(named_fault_timeout_ms,
		 "Wait of a faulting access for the control plane (serve mode), ms (default 5000)");

/**
 * swmmu_named_fault() - a device access of a named address space failed to translate
 * @as: the address space
 * @file: the file whose device made the access (its process is named in the event)
 * @iova: the VA
 * @access: SWMMU_PROT_R, _W or _X
 * @reason: SWMMU_FAULT_* of linux/swmmu.h
 * @level: level where the walk stopped
 * @err: the errno the access fails with if the fault is not resolved
 * @stopped: tells whether the access was cancelled meanwhile
 * @arg: passed to @stopped
 *
 * Announces the fault on the "events" group. In SWMMU_FAULT_MODE_SERVE, with a listener, the
 * access waits until the control plane answers with FAULT_RESOLVE (typically after a MAP), the
 * access is cancelled, or named_fault_timeout_ms passes.
 *
 * Context: process context, may sleep; no range lock of @as held.
 * Return: 0 to translate again, or @err.
 */
int swmmu_named_fault(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
		      u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg)
{
	struct swmmu_named *n = as->named;
	struct swmmu_named_stall st = { .as = as };
	struct swmmu_nl_event_args ev = {
		.type = SWMMU_EVENT_FAULT, .as = n->name, .iova = iova, .fault = true,
		.access = access, .reason = reason, .level = level,
	};
	struct swmmu_attach_obj *h;
	unsigned long deadline;

	/* The queue holds the address space, not the attachment: the file may be detaching. */
	rcu_read_lock();
	list_for_each_entry_rcu(h, &n->users, node) {
		if (h->file == file) {
			ev.pid = h->pid;
			break;
		}
	}
	rcu_read_unlock();

	st.id = atomic64_inc_return(&swmmu_named_fault_id);
	ev.fault_id = st.id;
	spin_lock(&n->fault_lock);
	n->recent[n->nr_faults++ % SWMMU_NL_RECENT_FAULTS] = (struct swmmu_named_frec){
		.iova = iova, .access = access, .reason = reason, .id = st.id,
	};
	spin_unlock(&n->fault_lock);
	if (READ_ONCE(n->fault_mode) != SWMMU_FAULT_MODE_SERVE || !swmmu_events_listening()) {
		swmmu_events_send(&ev);
		return err;
	}
	ev.stalled = true;
	spin_lock(&swmmu_named_stall_lock);
	list_add_tail(&st.node, &swmmu_named_stalls);
	spin_unlock(&swmmu_named_stall_lock);
	swmmu_events_send(&ev);
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(swmmu_named_fault_timeout_ms));
	while (!READ_ONCE(st.state) && !stopped(arg) && time_before(jiffies, deadline))
		wait_event_timeout(swmmu_named_wq, READ_ONCE(st.state), HZ / 20);
	spin_lock(&swmmu_named_stall_lock);
	list_del(&st.node);
	spin_unlock(&swmmu_named_stall_lock);
	return st.state == 1 ? 0 : err;
}

/**
 * swmmu_named_resolve() - answer a stalled fault
 * @n: the address space
 * @id: the fault ID of the event
 * @retry: translate again (true) or fail the access
 *
 * Context: any context that may take a spinlock.
 * Return: 0, or -ENOENT if no access of @n waits with that ID (answered, timed out, cancelled).
 */
int swmmu_named_resolve(struct swmmu_named *n, u64 id, bool retry)
{
	struct swmmu_named_stall *st;
	int ret = -ENOENT;

	spin_lock(&swmmu_named_stall_lock);
	list_for_each_entry(st, &swmmu_named_stalls, node) {
		if (st->id == id && st->as == n->as && !st->state) {
			WRITE_ONCE(st->state, retry ? 1 : 2);
			ret = 0;
			break;
		}
	}
	spin_unlock(&swmmu_named_stall_lock);
	if (!ret)
		wake_up_all(&swmmu_named_wq);
	return ret;
}
