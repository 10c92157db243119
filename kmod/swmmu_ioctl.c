// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctl dispatcher, in the manner of iommufd: one table of commands, checked at build time
 * against the shared list (include/swmmu/ioctl_list.h); one prologue with the size rules, for a
 * struct in user memory (ioctl) or kernel memory (io_uring); and the result written back before
 * a new object becomes visible. And GET_INFO.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_as.h"
#include "swmmu_dctx.h"
#include "swmmu_device.h"
#include "swmmu_iommu.h"
#include "swmmu_named.h"

static int swmmu_cmd_get_info(struct swmmu_file *file, void *data)
{
	struct swmmu_get_info *cmd = data;
	struct swmmu_format_info __user *uarr = u64_to_user_ptr(cmd->formats_uptr);
	unsigned int i, n = swmmu_format_count(), cap = cmd->nr_formats;
	struct swmmu_format_info *fi;
	int ret = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	cmd->nr_formats = n;
	cmd->out_max_as = swmmu_max_as;
	cmd->out_page_size = PAGE_SIZE;
	cmd->out_max_buf_bytes = swmmu_max_buf_bytes;
	cmd->out_max_table_bytes = swmmu_max_table_bytes;
	cmd->out_mmap_window_shift = SWMMU_MMAP_WINDOW_SHIFT;
	cmd->__reserved2 = 0;
	if (cap < n)
		return -EMSGSIZE;

	fi = kzalloc(sizeof(*fi), GFP_KERNEL);
	if (!fi)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		const struct swmmu_format *f = swmmu_format_get(i);
		unsigned int l;

		memset(fi, 0, sizeof(*fi));
		strscpy(fi->name, f->name, sizeof(fi->name));
		fi->format_id = i;
		if (f->flags & SWMMU_FMT_SIGN_EXTEND)
			fi->flags |= SWMMU_FORMAT_SIGN_EXTEND;
		if (f->flags & SWMMU_FMT_BIG_ENDIAN)
			fi->flags |= SWMMU_FORMAT_BIG_ENDIAN;
		fi->nr_levels = f->nr_levels;
		fi->va_bits = f->va_bits;
		fi->oa_bits = f->oa_bits;
		fi->entry_size = 1u << f->entry_lg2;
		fi->min_va_bits = swmmu_format_min_va_bits(f);
		if (!fi->min_va_bits) {
			ret = -ENOMEM;
			break;
		}
		fi->pgsizes = swmmu_format_pgsizes(f);
		for (l = 0; l < f->nr_levels && l < SWMMU_INFO_LEVELS; l++) {
			fi->level_shift[l] = f->level[l].shift;
			fi->level_index_bits[l] = f->level[l].index_bits;
			if (f->level[l].flags & SWMMU_LVL_LEAF)
				fi->level_flags[l] |= SWMMU_LEVEL_LEAF;
			if (f->level[l].flags & SWMMU_LVL_TABLE)
				fi->level_flags[l] |= SWMMU_LEVEL_TABLE;
		}
		if (copy_to_user(&uarr[i], fi, sizeof(*fi)))
			ret = -EFAULT;
	}
	kfree(fi);
	return ret;
}

/* The kernel copy of a command's struct; some handlers extend it with kernel-only fields. */
union swmmu_ucmd_buffer {
	struct swmmu_destroy destroy;
	struct swmmu_get_info get_info;
	struct swmmu_as_alloc as_alloc;
	struct swmmu_buf_alloc buf_alloc;
	struct swmmu_buf_info buf_info;
	struct swmmu_map map;
	struct swmmu_unmap unmap;
	struct swmmu_protect protect;
	struct swmmu_query query;
	struct swmmu_dump dump;
	struct swmmu_rw rw;
	struct swmmu_as_stats stats;
	struct swmmu_attach attach;
	struct swmmu_cpu_walk cpu_walk;
	struct swmmu_vtd_check vtd_check;
	struct swmmu_queue_alloc queue_alloc;
	struct swmmu_submit submit;
	struct swmmu_fault_queue_kcmd fault_queue;
	struct swmmu_fault_config fault_config;
	struct swmmu_iotlb iotlb;
	struct swmmu_amd_check amd_check;
	struct swmmu_map_batch map_batch;
	struct swmmu_ctx_set ctx_set;
	struct swmmu_invalidate invalidate;
	struct swmmu_ctx_info ctx_info;
	struct swmmu_buf_export_kcmd buf_export;
};

/**
 * struct swmmu_ioctl_op - one command
 * @size: sizeof() of the struct the kernel knows
 * @min_size: end of its last mandatory field
 * @ioctl_num: the full ioctl number
 * @respond: the struct has output fields to write back
 * @respond_err: write them back after any error of the handler too (a count of what was done)
 * @execute: the handler, working on the kernel copy
 * @create: instead of @execute, the handler of a command that creates an object: it leaves the
 *          object reserved (swmmu_obj_reserve()) in *obj, and the dispatcher finalizes it once
 *          the result is written back, or aborts it
 * @revert: for a command that changes state, undoes the change if writing the result back failed
 * @install: for a command that returns a new file descriptor, called after a successful
 *           execute with whether the result was written back: installs the descriptor only then
 */
struct swmmu_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	bool respond;
	bool respond_err;
	int (*execute)(struct swmmu_file *file, void *cmd);
	int (*create)(struct swmmu_file *file, void *cmd, struct swmmu_obj **obj);
	void (*revert)(struct swmmu_file *file, void *cmd);
	void (*install)(void *cmd, bool ok);
};

/*
 * One entry of swmmu_ops[]; more fields (respond_err, create, revert, install) may follow. The
 * struct must fit the buffer the dispatcher copies it into.
 */
#define SWMMU_OP(_ioctl, _fn, _struct, _last, _respond, ...)				\
	[_IOC_NR(_ioctl) - SWMMU_CMD_BASE] = {						\
		.size = sizeof(struct _struct) +					\
			BUILD_BUG_ON_ZERO(sizeof(struct _struct) >			\
					  sizeof(union swmmu_ucmd_buffer)),		\
		.min_size = offsetofend(struct _struct, _last),				\
		.ioctl_num = _ioctl,							\
		.respond = _respond,							\
		.execute = _fn,								\
		__VA_ARGS__								\
	}

static const struct swmmu_ioctl_op swmmu_ops[] = {
	SWMMU_OP(SWMMU_DESTROY, swmmu_cmd_destroy, swmmu_destroy, id, false),
	SWMMU_OP(SWMMU_GET_INFO, swmmu_cmd_get_info, swmmu_get_info, __reserved2, true),
	SWMMU_OP(SWMMU_AS_ALLOC, NULL, swmmu_as_alloc, out_mmap_offset, true,
		 .create = swmmu_cmd_as_alloc),
	SWMMU_OP(SWMMU_BUF_ALLOC, NULL, swmmu_buf_alloc, __reserved, true,
		 .create = swmmu_cmd_buf_alloc),
	SWMMU_OP(SWMMU_BUF_INFO, swmmu_cmd_buf_info, swmmu_buf_info, __reserved, true),
	SWMMU_OP(SWMMU_MAP, swmmu_cmd_map, swmmu_map, pgsize_lg2, true,
		 .revert = swmmu_map_revert),
	SWMMU_OP(SWMMU_UNMAP, swmmu_cmd_unmap, swmmu_unmap, out_unmapped, true),
	SWMMU_OP(SWMMU_PROTECT, swmmu_cmd_protect, swmmu_protect, length, false),
	SWMMU_OP(SWMMU_QUERY, swmmu_cmd_query, swmmu_query, out_buf_offset, true),
	SWMMU_OP(SWMMU_DUMP, swmmu_cmd_dump, swmmu_dump, regions_uptr, true),
	SWMMU_OP(SWMMU_RW, swmmu_cmd_rw, swmmu_rw, data_uptr, false),
	SWMMU_OP(SWMMU_STATS, swmmu_cmd_stats, swmmu_as_stats, out_cpu_pmd_faults, true),
	SWMMU_OP(SWMMU_ATTACH, NULL, swmmu_attach, out_mmap_offset, true,
		 .create = swmmu_cmd_attach),
	SWMMU_OP(SWMMU_CPU_WALK, swmmu_cmd_cpu_walk, swmmu_cpu_walk, out_root, true),
	SWMMU_OP(SWMMU_VTD_CHECK, swmmu_cmd_vtd_check, swmmu_vtd_check, out_flags, true),
	SWMMU_OP(SWMMU_QUEUE_ALLOC, NULL, swmmu_queue_alloc, out_queue_id, true,
		 .create = swmmu_cmd_queue_alloc),
	SWMMU_OP(SWMMU_SUBMIT, swmmu_cmd_submit, swmmu_submit, __reserved, true),
	SWMMU_OP(SWMMU_FAULT_QUEUE, swmmu_cmd_fault_queue, swmmu_fault_queue_alloc, out_fd, true,
		 .install = swmmu_fault_queue_install),
	SWMMU_OP(SWMMU_FAULT_CONFIG, swmmu_cmd_fault_config, swmmu_fault_config, __reserved,
		 false),
	SWMMU_OP(SWMMU_IOTLB, swmmu_cmd_iotlb, swmmu_iotlb, out_invalidations, true),
	SWMMU_OP(SWMMU_AMD_CHECK, swmmu_cmd_amd_check, swmmu_amd_check, out_iommu_bdf, true),
	SWMMU_OP(SWMMU_MAP_BATCH, swmmu_cmd_map_batch, swmmu_map_batch, ops_uptr, true,
		 .respond_err = true),
	SWMMU_OP(SWMMU_CTX_SET, swmmu_cmd_ctx_set, swmmu_ctx_set, __reserved, false),
	SWMMU_OP(SWMMU_INVALIDATE, swmmu_cmd_invalidate, swmmu_invalidate, __reserved2, true),
	SWMMU_OP(SWMMU_CTX_INFO, swmmu_cmd_ctx_info, swmmu_ctx_info, out_table_reuse, true),
	SWMMU_OP(SWMMU_BUF_EXPORT, swmmu_cmd_buf_export, swmmu_buf_export, out_fd, true,
		 .install = swmmu_buf_export_install),
};

/*
 * swmmu_ops[] and the buffer against the shared list (include/swmmu/ioctl_list.h): each listed
 * command has its entry, with the listed struct, and there is no other entry; the buffer's member
 * of that name holds the struct (or extends it). The table is const, so the compiler folds each
 * check to a constant and emits no code for it.
 */
#define SWMMU_OP_LISTED(_ioctl, _struct, _name)						\
	({										\
		BUILD_BUG_ON(_IOC_NR(_ioctl) - SWMMU_CMD_BASE >= ARRAY_SIZE(swmmu_ops));	\
		BUILD_BUG_ON(swmmu_ops[_IOC_NR(_ioctl) - SWMMU_CMD_BASE].ioctl_num !=	\
			     (_ioctl) ||						\
			     swmmu_ops[_IOC_NR(_ioctl) - SWMMU_CMD_BASE].size !=	\
			     sizeof(struct _struct));					\
		BUILD_BUG_ON(sizeof_field(union swmmu_ucmd_buffer, _name) <		\
			     sizeof(struct _struct));					\
		0;									\
	})

static inline void swmmu_ops_check(void)
{
	int listed[] = {
#define SWMMU_IOCTL(_ioctl, _struct, _name)	SWMMU_OP_LISTED(_ioctl, _struct, _name),
#include "swmmu/ioctl_list.h"
	};

	BUILD_BUG_ON(ARRAY_SIZE(listed) != ARRAY_SIZE(swmmu_ops));
}

/**
 * struct swmmu_ucmd - one call being executed: where its struct comes from and goes back to
 * @ubuffer: the caller's struct in user memory (ioctl), when @kbuffer is NULL
 * @kbuffer: the caller's struct in kernel memory (io_uring's SQE), or NULL
 * @avail: bytes readable at @kbuffer; U32_MAX for a user struct (its size field is the limit)
 * @user_size: the caller's size field, once read
 * @cmd: the kernel copy
 */
struct swmmu_ucmd {
	void __user *ubuffer;
	const void *kbuffer;
	u32 avail;
	u32 user_size;
	union swmmu_ucmd_buffer *cmd;
};

/**
 * swmmu_ioctl_op() - the command an ioctl number names
 * @cmd: the ioctl number
 *
 * Context: any.
 * Return: its entry of swmmu_ops[], or NULL for a number that is not a command.
 */
static const struct swmmu_ioctl_op *swmmu_ioctl_op(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct swmmu_ioctl_op *op;

	swmmu_ops_check();
	if (nr < SWMMU_CMD_BASE || nr - SWMMU_CMD_BASE >= ARRAY_SIZE(swmmu_ops))
		return NULL;
	op = &swmmu_ops[nr - SWMMU_CMD_BASE];
	return op->ioctl_num == cmd ? op : NULL;
}

/**
 * swmmu_ucmd_fetch() - the size rules, and the caller's struct into the kernel copy
 * @ucmd: the call; @ubuffer or @kbuffer and @avail set, @user_size and @cmd filled here
 * @op: its command
 *
 * The prologue of every command, whichever way it came: a size below the command's minimum (or
 * beyond what is readable) is -EINVAL; a larger size than the kernel knows is accepted when the
 * tail the kernel does not know is zero, -E2BIG otherwise. The copy is zero past the caller's
 * size, up to the command's. Inlined into its two callers, where @ucmd says which way the
 * struct came: the other way's branch folds away, and a one-page MAP or UNMAP saves a call.
 *
 * Context: process context, may fault in the caller's memory.
 * Return: 0, -EFAULT, -EINVAL or -E2BIG.
 */
static __always_inline int swmmu_ucmd_fetch(struct swmmu_ucmd *ucmd,
					     const struct swmmu_ioctl_op *op)
{
	u32 size;

	if (!ucmd->kbuffer) {
		if (get_user(size, (u32 __user *)ucmd->ubuffer))
			return -EFAULT;
	} else {
		if (ucmd->avail < sizeof(u32))
			return -EINVAL;
		memcpy(&size, ucmd->kbuffer, sizeof(size));
	}
	if (size < op->min_size || size > ucmd->avail)
		return -EINVAL;
	ucmd->user_size = size;
	if (!ucmd->kbuffer)
		return copy_struct_from_user(ucmd->cmd, op->size, ucmd->ubuffer, size);
	if (size > op->size && memchr_inv(ucmd->kbuffer + op->size, 0, size - op->size))
		return -E2BIG;
	memset(ucmd->cmd, 0, sizeof(*ucmd->cmd));
	memcpy(ucmd->cmd, ucmd->kbuffer, min(size, op->size));
	return 0;
}

/* Write the command struct back: at most the size both sides know. */
static int swmmu_respond(struct swmmu_ucmd *ucmd, size_t len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, min_t(size_t, ucmd->user_size, len)))
		return -EFAULT;
	return 0;
}

/**
 * swmmu_respond_on() - whether a command's struct is written back
 * @op: the command
 * @ret: what its handler returned
 *
 * Context: any.
 * Return: true to write the struct back.
 */
static bool swmmu_respond_on(const struct swmmu_ioctl_op *op, int ret)
{
	return op->respond && (!ret || ret == -EMSGSIZE || op->respond_err);
}

/**
 * swmmu_dispatch() - run one ioctl
 * @file: the file
 * @cmd: the ioctl number
 * @arg: the user's struct
 *
 * Applies the size rules (swmmu_ucmd_fetch()), runs the command and writes its struct back. A
 * command whose result could not be written back is undone: a new object is aborted (it was
 * never visible: it is finalized only after the write back), a change reverted, a new file
 * descriptor not installed.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see uapi/linux/swmmu.h).
 */
long swmmu_dispatch(struct swmmu_file *file, unsigned int cmd, void __user *arg)
{
	const struct swmmu_ioctl_op *op = swmmu_ioctl_op(cmd);
	union swmmu_ucmd_buffer buf;
	struct swmmu_ucmd ucmd = { .ubuffer = arg, .avail = U32_MAX, .cmd = &buf };
	struct swmmu_obj *obj = NULL;
	int ret;

	if (!op)
		return -ENOTTY;
	ret = swmmu_ucmd_fetch(&ucmd, op);
	if (ret)
		return ret;

	if (op->create)
		ret = op->create(file, &buf, &obj);
	else
		ret = op->execute(file, &buf);
	if (swmmu_respond_on(op, ret)) {
		int err = swmmu_respond(&ucmd, op->size);

		if (err) {
			if (!ret && op->revert)
				op->revert(file, &buf);
			if (!ret && op->install)
				op->install(&buf, false);
			ret = err;
		} else if (!ret && op->install) {
			op->install(&buf, true);
		}
	}
	/* A handler that failed reserved nothing. */
	if (obj) {
		if (ret)
			swmmu_obj_abort(file, obj);
		else
			swmmu_obj_finalize(file, obj);
	}
	return ret;
}

/**
 * swmmu_dispatch_kernel() - run one command whose struct is in kernel memory (io_uring)
 * @file: the file
 * @cmd: the ioctl number
 * @data: the struct, as userspace laid it out
 * @avail: bytes readable at @data
 * @out: where the struct is written back after the command ran
 * @out_size: bytes at @out
 *
 * The prologue of swmmu_dispatch(), with @avail as the limit of what the caller could send
 * (a larger size is -EINVAL). Commands that create objects or file descriptors are refused:
 * nothing could undo them if the result were lost.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see uapi/linux/swmmu.h).
 */
int swmmu_dispatch_kernel(struct swmmu_file *file, unsigned int cmd, const void *data,
			  u32 avail, void *out, size_t out_size)
{
	const struct swmmu_ioctl_op *op = swmmu_ioctl_op(cmd);
	union swmmu_ucmd_buffer buf;
	struct swmmu_ucmd ucmd = { .kbuffer = data, .avail = avail, .cmd = &buf };
	int ret;

	if (!op || op->create || op->install)
		return -EOPNOTSUPP;
	if (out_size < op->size)
		return -EINVAL;
	ret = swmmu_ucmd_fetch(&ucmd, op);
	if (ret)
		return ret;
	ret = op->execute(file, &buf);
	memcpy(out, &buf, op->size);
	return ret;
}
