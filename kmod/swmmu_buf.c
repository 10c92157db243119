// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA buffers and the file's "bus": the DMA address ranges of the file's buffers. A device access
 * (RW, a CPU fault through mmap) turns the output address its walk produced into memory only
 * through the bus, so a device page table can only ever reach the caller's own buffers.
 */
#include <linux/anon_inodes.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_priv.h"

/*
 * Take the chunks off the bus, then free them. A driver-managed context's walk looks a chunk up
 * and reads its buffer's dead flag without a reference (swmmu_dctx_chunk()), under the context's
 * spinlock: a walk that found a chunk just before it left the bus may still read it. While any
 * context of the file is enabled (counted under the file lock, so no walk escapes the count),
 * wait for such walks to end: a spinlock-held section is an RCU read-side critical section.
 */
static void swmmu_buf_release_chunks(struct swmmu_buf *buf)
{
	struct swmmu_file *file = buf->file;
	bool walkers;
	unsigned int i;

	for (i = 0; i < buf->nr_chunks; i++) {
		struct swmmu_chunk *c = &buf->chunks[i];

		swmmu_mt_erase(&file->bus, c->dma, c->dma + c->size - 1);
	}
	mutex_lock(&file->lock);
	walkers = file->nr_dctx_enabled;
	mutex_unlock(&file->lock);
	if (walkers)
		synchronize_rcu();
	for (i = 0; i < buf->nr_chunks; i++) {
		struct swmmu_chunk *c = &buf->chunks[i];

		dma_free_pages(swmmu_dma_dev, c->size, c->page, c->dma, DMA_BIDIRECTIONAL);
		/* A buffer can have max_buf_bytes / PAGE_SIZE chunks: no soft lockup. */
		cond_resched();
	}
	buf->nr_chunks = 0;
}

/**
 * swmmu_buf_free() - free a buffer removed from its file's ID table
 * @buf: the buffer; nothing maps it any more
 *
 * Context: process context, may sleep.
 */
void swmmu_buf_free(struct swmmu_buf *buf)
{
	struct swmmu_file *file = buf->file;

	swmmu_buf_release_chunks(buf);
	mutex_lock(&file->lock);
	file->buf_bytes -= buf->length;
	mutex_unlock(&file->lock);
	atomic_long_sub(buf->length, &swmmu_total_buf_bytes);
	atomic_long_dec(&swmmu_cnt.bufs);
	atomic_long_sub(buf->length, &swmmu_cnt.buf_bytes);
	kvfree(buf->chunks);
	kfree(buf);
}

/*
 * Reserve @len bytes against max_total_buf_bytes, the limit across all files: false past it.
 * The limit may be lowered at run time; what is reserved stays until it is freed.
 */
static bool swmmu_total_reserve(u64 len)
{
	unsigned long max = READ_ONCE(swmmu_max_total_buf_bytes);

	if (len > max)
		return false;
	if ((unsigned long)atomic_long_add_return(len, &swmmu_total_buf_bytes) > max) {
		atomic_long_sub(len, &swmmu_total_buf_bytes);
		return false;
	}
	return true;
}

/* Allocate one zeroed chunk of @size bytes and put it on the bus. */
static int swmmu_chunk_alloc(struct swmmu_buf *buf, struct swmmu_chunk *c, u64 offset, u64 size)
{
	int ret;

	c->buf = buf;
	c->offset = offset;
	c->size = size;
	/* __GFP_ACCOUNT charges the pages to the caller's memory cgroup. */
	c->page = dma_alloc_pages(swmmu_dma_dev, size, &c->dma, DMA_BIDIRECTIONAL,
				  GFP_KERNEL | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!c->page)
		return -ENOMEM;
	/*
	 * Never true for a page we got, but 6.1's DMA API debugging records dma_alloc_pages() as a
	 * dma_map_page() and reports a "failed to check map error" when the pages are freed.
	 */
	if (dma_mapping_error(swmmu_dma_dev, c->dma)) {
		dma_free_pages(swmmu_dma_dev, size, c->page, c->dma, DMA_BIDIRECTIONAL);
		return -ENOMEM;
	}
	/* dma_alloc_pages() zeroes today; a buffer must never show old data, so make sure. */
	memset(page_address(c->page), 0, size);
	ret = mtree_insert_range(&buf->file->bus, c->dma, c->dma + size - 1, c,
				 GFP_KERNEL_ACCOUNT);
	if (ret) {
		dma_free_pages(swmmu_dma_dev, size, c->page, c->dma, DMA_BIDIRECTIONAL);
		return ret == -EEXIST ? -EIO : ret;
	}
	return 0;
}

static int swmmu_buf_fill(struct swmmu_buf *buf)
{
	u64 off = 0, chunk = buf->flags & SWMMU_BUF_CONTIG ? buf->length : PAGE_SIZE;
	int ret;

	while (off < buf->length) {
		if (fatal_signal_pending(current))
			return -EINTR;
		ret = swmmu_chunk_alloc(buf, &buf->chunks[buf->nr_chunks], off, chunk);
		if (ret)
			return ret;
		buf->nr_chunks++;
		off += chunk;
		cond_resched();
	}
	return 0;
}

/* Reachable by driver-managed contexts (through the bus) only while finalized in the table. */
static void swmmu_buf_obj_publish(struct swmmu_file *file, struct swmmu_obj *obj)
{
	WRITE_ONCE(container_of(obj, struct swmmu_buf, obj)->dead, false);
}

static void swmmu_buf_obj_unpublish(struct swmmu_file *file, struct swmmu_obj *obj)
{
	WRITE_ONCE(container_of(obj, struct swmmu_buf, obj)->dead, true);
}

/* An enabled driver-managed context may hold any buffer's pages in its TLB. */
static bool swmmu_buf_obj_busy(struct swmmu_file *file, struct swmmu_obj *obj)
{
	return file->nr_dctx_enabled;
}

static void swmmu_buf_obj_free(struct swmmu_obj *obj)
{
	swmmu_buf_free(container_of(obj, struct swmmu_buf, obj));
}

static const struct swmmu_obj_ops swmmu_buf_obj_ops = {
	.type = SWMMU_OBJ_BUF,
	.publish = swmmu_buf_obj_publish,
	.busy = swmmu_buf_obj_busy,
	.unpublish = swmmu_buf_obj_unpublish,
	.free = swmmu_buf_obj_free,
};

/**
 * swmmu_buf_create() - allocate a DMA buffer of a file
 * @file: the file
 * @length: bytes, a multiple of the page size
 * @flags: SWMMU_BUF_CONTIG for one physically contiguous piece (a power of two of pages)
 * @out: the new buffer, reserved in the file's ID table (its ID set): swmmu_obj_finalize() makes
 *       it visible, swmmu_obj_abort() frees it
 *
 * Context: process context, may sleep.
 * Return: 0, or -EOPNOTSUPP, -EINVAL, -ENOSPC (max_buf_bytes for the file, max_total_buf_bytes
 * for all files together), -ENOMEM, -EINTR.
 */
int swmmu_buf_create(struct swmmu_file *file, u64 length, u32 flags, struct swmmu_buf **out)
{
	struct swmmu_buf *buf;
	u64 n;
	int ret;

	if (flags & ~SWMMU_BUF_CONTIG)
		return -EOPNOTSUPP;
	if (!length || !PAGE_ALIGNED(length))
		return -EINVAL;
	if (length > swmmu_max_buf_bytes)
		return -ENOSPC;
	if ((flags & SWMMU_BUF_CONTIG) && !is_power_of_2(length >> PAGE_SHIFT))
		return -EINVAL;

	mutex_lock(&file->lock);
	if (file->buf_bytes + length > swmmu_max_buf_bytes) {
		mutex_unlock(&file->lock);
		return -ENOSPC;
	}
	file->buf_bytes += length;
	mutex_unlock(&file->lock);
	ret = -ENOSPC;
	if (!swmmu_total_reserve(length))
		goto err_quota;

	ret = -ENOMEM;
	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		goto err_quota;
	buf->file = file;
	buf->length = length;
	buf->flags = flags;
	/* On the bus from its first chunk, but contexts reach it only once it is finalized. */
	buf->dead = true;
	n = flags & SWMMU_BUF_CONTIG ? 1 : length >> PAGE_SHIFT;
	buf->chunks = kvcalloc(n, sizeof(*buf->chunks), GFP_KERNEL_ACCOUNT);
	if (!buf->chunks)
		goto err_buf;
	ret = swmmu_buf_fill(buf);
	if (ret)
		goto err_chunks;
	atomic_long_inc(&swmmu_cnt.bufs);
	atomic_long_add(buf->length, &swmmu_cnt.buf_bytes);
	ret = swmmu_obj_reserve(file, &buf->obj, &swmmu_buf_obj_ops);
	if (ret) {
		swmmu_buf_free(buf);
		return ret;
	}
	*out = buf;
	return 0;

err_chunks:
	swmmu_buf_release_chunks(buf);
	kvfree(buf->chunks);
err_buf:
	kfree(buf);
	atomic_long_sub(length, &swmmu_total_buf_bytes);
err_quota:
	mutex_lock(&file->lock);
	file->buf_bytes -= length;
	mutex_unlock(&file->lock);
	return ret;
}

/**
 * swmmu_cmd_buf_alloc() - SWMMU_BUF_ALLOC
 * @file: the file
 * @data: struct swmmu_buf_alloc
 * @obj: out: the new buffer, reserved (the caller finalizes or aborts it)
 *
 * Context: process context, may sleep.
 * Return: 0, or an errno of swmmu_buf_create(); -EOPNOTSUPP for an unknown flag or a reserved
 * field set.
 */
int swmmu_cmd_buf_alloc(struct swmmu_file *file, void *data, struct swmmu_obj **obj)
{
	struct swmmu_buf_alloc *cmd = data;
	struct swmmu_buf *buf;
	int ret;

	if (cmd->flags & ~SWMMU_BUF_CONTIG || cmd->__reserved)
		return -EOPNOTSUPP;
	ret = swmmu_buf_create(file, cmd->length, cmd->flags, &buf);
	if (ret)
		return ret;
	*obj = &buf->obj;
	cmd->out_buf_id = buf->obj.id;
	return 0;
}

/**
 * swmmu_cmd_buf_info() - SWMMU_BUF_INFO
 * @file: the file
 * @data: struct swmmu_buf_info
 *
 * Context: process context, may sleep.
 * Return: 0, or -EOPNOTSUPP, -ENOENT, -EMSGSIZE (capacity too small), -EFAULT.
 */
int swmmu_cmd_buf_info(struct swmmu_file *file, void *data)
{
	struct swmmu_buf_info *cmd = data;
	struct swmmu_buf_seg __user *useg = u64_to_user_ptr(cmd->segs_uptr);
	struct swmmu_buf *buf;
	unsigned int i, cap = cmd->nr_segs;
	int ret = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	buf = swmmu_buf_get(file, cmd->buf_id);
	if (!buf)
		return -ENOENT;
	cmd->nr_segs = buf->nr_chunks;
	cmd->out_length = buf->length;
	cmd->out_flags = buf->flags;
	cmd->__reserved = 0;
	if (cap < buf->nr_chunks) {
		ret = -EMSGSIZE;
		goto out;
	}
	for (i = 0; i < buf->nr_chunks; i++) {
		struct swmmu_buf_seg seg = {
			.dma_addr = buf->chunks[i].dma,
			.length = buf->chunks[i].size,
		};

		if (copy_to_user(&useg[i], &seg, sizeof(seg))) {
			ret = -EFAULT;
			break;
		}
	}
out:
	swmmu_obj_put(&buf->obj);
	return ret;
}

/**
 * swmmu_bus_lookup() - the buffer memory at a DMA address of this file
 * @file: the file
 * @dma: a DMA address a device access produced
 *
 * Context: any; the caller guarantees the chunk stays alive (it holds the range lock over a VA
 * whose live mapping references the buffer).
 * Return: the chunk holding @dma, or NULL if no buffer of @file holds it.
 */
struct swmmu_chunk *swmmu_bus_lookup(struct swmmu_file *file, u64 dma)
{
	if (dma > ULONG_MAX)
		return NULL;
	return mtree_load(&file->bus, (unsigned long)dma);
}

/**
 * struct swmmu_buf_export_file - what a SWMMU_BUF_EXPORT descriptor holds
 * @buf: the buffer (a users reference: DESTROY is EBUSY while it exists)
 * @dev_filp: the /dev/swmmu file (a reference: the file outlives the buffer reference)
 */
struct swmmu_buf_export_file {
	struct swmmu_buf *buf;
	struct file *dev_filp;
};

static int swmmu_buf_export_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct swmmu_buf_export_file *x = filp->private_data;
	struct swmmu_buf *buf = x->buf;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT, len = vma->vm_end - vma->vm_start, end;
	unsigned int i;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (check_add_overflow(off, len, &end) || end > buf->length)
		return -EINVAL;
	swmmu_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	/* Every chunk the window covers, at its place: pages stay put while the buffer lives. */
	for (i = 0; i < buf->nr_chunks; i++) {
		const struct swmmu_chunk *c = &buf->chunks[i];
		u64 first = max(off, c->offset), last = min(end, c->offset + c->size);

		if (first >= last)
			continue;
		ret = remap_pfn_range(vma, vma->vm_start + (first - off),
				      page_to_pfn(c->page) + ((first - c->offset) >> PAGE_SHIFT),
				      last - first, vma->vm_page_prot);
		if (ret)
			return ret;
	}
	return 0;
}

static int swmmu_buf_export_release(struct inode *inode, struct file *filp)
{
	struct swmmu_buf_export_file *x = filp->private_data;

	swmmu_obj_put(&x->buf->obj);
	fput(x->dev_filp);
	kfree(x);
	return 0;
}

static const struct file_operations swmmu_buf_export_fops = {
	.owner = THIS_MODULE,
	.mmap = swmmu_buf_export_mmap,
	.release = swmmu_buf_export_release,
	.llseek = noop_llseek,
};

/**
 * swmmu_cmd_buf_export() - SWMMU_BUF_EXPORT
 * @file: the file
 * @data: struct swmmu_buf_export_kcmd
 *
 * Reserves the descriptor and makes the file; swmmu_buf_export_install() installs it once the
 * dispatcher wrote the result back.
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP, -ENOENT, -ENOMEM, -EMFILE.
 */
int swmmu_cmd_buf_export(struct swmmu_file *file, void *data)
{
	struct swmmu_buf_export_kcmd *k = data;
	struct swmmu_buf_export *cmd = &k->cmd;
	struct swmmu_buf_export_file *x;
	struct swmmu_buf *buf;
	struct file *f;
	int fd;

	if (cmd->flags)
		return -EOPNOTSUPP;
	/* An in-kernel client's file has no struct file: it has kernel addresses instead. */
	if (!file->filp)
		return -EOPNOTSUPP;
	buf = swmmu_buf_get(file, cmd->buf_id);
	if (!buf)
		return -ENOENT;
	x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	if (!x) {
		swmmu_obj_put(&buf->obj);
		return -ENOMEM;
	}
	x->buf = buf;
	x->dev_filp = get_file(file->filp);
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		f = ERR_PTR(fd);
		goto err;
	}
	f = anon_inode_getfile("[swmmu-buf]", &swmmu_buf_export_fops, x, O_RDWR | O_CLOEXEC);
	if (IS_ERR(f)) {
		put_unused_fd(fd);
		goto err;
	}
	k->filp = f;
	cmd->out_fd = fd;
	return 0;
err:
	fput(x->dev_filp);
	kfree(x);
	swmmu_obj_put(&buf->obj);
	return PTR_ERR(f);
}

/**
 * swmmu_buf_export_install() - finish a successful SWMMU_BUF_EXPORT
 * @data: struct swmmu_buf_export_kcmd that swmmu_cmd_buf_export() filled
 * @ok: the result, with the descriptor number, reached userspace
 *
 * Context: process context, may sleep.
 */
void swmmu_buf_export_install(void *data, bool ok)
{
	struct swmmu_buf_export_kcmd *k = data;

	if (ok) {
		fd_install(k->cmd.out_fd, k->filp);
		return;
	}
	put_unused_fd(k->cmd.out_fd);
	fput(k->filp);
}
