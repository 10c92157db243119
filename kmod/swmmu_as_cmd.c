// SPDX-License-Identifier: GPL-2.0-only
/*
 * The address-space ioctls: each checks the uAPI struct's flags and reserved fields, looks the
 * objects up by ID, calls the typed operation of swmmu_as.c and writes the answer into the
 * struct. Nothing here touches tables, locks or invalidations.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_as.h"

/**
 * swmmu_cmd_as_alloc() - SWMMU_AS_ALLOC
 * @file: the file
 * @data: struct swmmu_as_alloc
 * @obj: out: the new address space, reserved (the caller finalizes or aborts it)
 *
 * Context: process context, may sleep.
 * Return: 0, or -EOPNOTSUPP, -ENOENT (format), -EINVAL (va_bits), -ENOSPC (max_as), -ENOMEM.
 */
int swmmu_cmd_as_alloc(struct swmmu_file *file, void *data, struct swmmu_obj **obj)
{
	struct swmmu_as_alloc *cmd = data;
	const struct swmmu_format *f;
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags & ~SWMMU_AS_DRIVER_TABLES || cmd->__reserved)
		return -EOPNOTSUPP;
	f = swmmu_format_get(cmd->format_id);
	if (!f)
		return -ENOENT;
	ret = swmmu_as_create(file, f, cmd->va_bits, cmd->flags & SWMMU_AS_DRIVER_TABLES,
			      cmd->format_id, &as);
	if (ret)
		return ret;
	*obj = &as->obj;
	cmd->out_as_id = as->obj.id;
	cmd->out_va_bits = as->fmt->va_bits;
	cmd->out_nr_levels = as->fmt->nr_levels;
	cmd->out_mmap_offset = as->mmap_offset;
	return 0;
}

/**
 * swmmu_cmd_map() - SWMMU_MAP
 * @file: the file
 * @data: struct swmmu_map
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h; the tables are unchanged on
 * error.
 */
int swmmu_cmd_map(struct swmmu_file *file, void *data)
{
	struct swmmu_map *cmd = data;
	struct swmmu_as_map_args args = {
		.buf_offset = cmd->buf_offset,
		.length = cmd->length,
		.iova = cmd->iova,
		.prot = cmd->prot,
		.pgsize_lg2 = cmd->pgsize_lg2,
		.fixed = cmd->flags & SWMMU_MAP_FIXED_IOVA,
	};
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags & ~SWMMU_MAP_FIXED_IOVA)
		return -EOPNOTSUPP;
	ret = swmmu_as_map_check(&args);
	if (ret)
		return ret;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	args.buf = swmmu_buf_get(file, cmd->buf_id);
	if (!args.buf) {
		swmmu_obj_put(&as->obj);
		return -ENOENT;
	}
	ret = swmmu_as_map(as, &args);
	if (!ret)
		cmd->iova = args.iova;
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_map_revert() - remove what SWMMU_MAP mapped, its result could not be written back
 * @file: the file
 * @data: struct swmmu_map after swmmu_cmd_map() succeeded
 *
 * Context: process context, may sleep.
 */
void swmmu_map_revert(struct swmmu_file *file, void *data)
{
	struct swmmu_map *cmd = data;
	struct swmmu_as_obj *as;

	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return;
	swmmu_as_map_revert(as, cmd->iova, cmd->length);
	swmmu_obj_put(&as->obj);
}

/**
 * swmmu_cmd_unmap() - SWMMU_UNMAP
 * @file: the file
 * @data: struct swmmu_unmap
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_unmap(struct swmmu_file *file, void *data)
{
	struct swmmu_unmap *cmd = data;
	struct swmmu_as_obj *as;
	u64 bytes;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_as_unmap(as, cmd->iova, cmd->length, &bytes);
	if (!ret)
		cmd->out_unmapped = bytes;
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_protect() - SWMMU_PROTECT
 * @file: the file
 * @data: struct swmmu_protect
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_protect(struct swmmu_file *file, void *data)
{
	struct swmmu_protect *cmd = data;
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->prot & ~SWMMU_UPROT_VALID)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_as_protect(as, cmd->iova, cmd->length, cmd->prot);
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_query() - SWMMU_QUERY
 * @file: the file
 * @data: struct swmmu_query
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT (bad ID or not mapped), -ERANGE, -EOPNOTSUPP.
 */
int swmmu_cmd_query(struct swmmu_file *file, void *data)
{
	struct swmmu_query *cmd = data;
	struct swmmu_as_query_res res;
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_as_query(as, cmd->iova, &res);
	if (!ret) {
		cmd->out_dma_addr = res.dma_addr;
		cmd->out_entry_iova = res.entry_iova;
		cmd->out_page_size = res.page_size;
		cmd->out_prot = res.prot;
		cmd->out_level = res.level;
		/* A buffer of another file (the control plane's, in a named space) has no ID here. */
		cmd->out_buf_id = res.buf_file == file ? res.buf_id : 0;
		cmd->out_flags = (res.accessed ? SWMMU_QUERY_ACCESSED : 0) |
				 (res.dirty ? SWMMU_QUERY_DIRTY : 0);
		cmd->out_buf_offset = res.buf_offset;
	}
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_rw() - SWMMU_RW
 * @file: the file
 * @data: struct swmmu_rw
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno as documented in uapi/linux/swmmu.h.
 */
int swmmu_cmd_rw(struct swmmu_file *file, void *data)
{
	struct swmmu_rw *cmd = data;
	struct swmmu_as_obj *as;
	int ret;

	if (cmd->flags & ~SWMMU_RW_WRITE || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->length > SWMMU_RW_MAX)
		return -EINVAL;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_as_rw(as, cmd->iova, u64_to_user_ptr(cmd->data_uptr), cmd->length,
			  cmd->flags & SWMMU_RW_WRITE);
	swmmu_obj_put(&as->obj);
	return ret;
}

/**
 * swmmu_cmd_dump() - SWMMU_DUMP
 * @file: the file
 * @data: struct swmmu_dump
 *
 * Context: process context, may sleep.
 * Return: 0, -EMSGSIZE with nr_regions set to the count needed, or another negative errno.
 */
int swmmu_cmd_dump(struct swmmu_file *file, void *data)
{
	struct swmmu_dump *cmd = data;
	struct swmmu_dump_region __user *uarr = u64_to_user_ptr(cmd->regions_uptr);
	struct swmmu_region *regs;
	struct swmmu_as_obj *as;
	unsigned int nr = cmd->nr_regions, i;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	as = swmmu_as_get_tables(file, cmd->as_id);
	if (IS_ERR(as))
		return PTR_ERR(as);
	ret = swmmu_as_dump(as, cmd->iova, cmd->length, &regs, &nr);
	swmmu_obj_put(&as->obj);
	if (ret == -EMSGSIZE)
		cmd->nr_regions = nr;
	if (ret)
		return ret;
	cmd->nr_regions = nr;
	for (i = 0; i < nr; i++) {
		struct swmmu_dump_region ur = {
			.iova = regs[i].va,
			.dma_addr = regs[i].pa,
			.length = regs[i].len,
			.prot = swmmu_prot_to_user(regs[i].prot),
			.page_size_lg2 = regs[i].size_lg2,
		};

		if (copy_to_user(&uarr[i], &ur, sizeof(ur))) {
			ret = -EFAULT;
			break;
		}
	}
	kvfree(regs);
	return ret;
}

/**
 * swmmu_cmd_stats() - SWMMU_STATS
 * @file: the file
 * @data: struct swmmu_as_stats
 *
 * Context: process context; lock-free snapshot.
 * Return: 0, -EOPNOTSUPP, -ENOENT.
 */
int swmmu_cmd_stats(struct swmmu_file *file, void *data)
{
	struct swmmu_as_stats *cmd = data;
	struct swmmu_as_counts c;
	struct swmmu_as_obj *as;

	if (cmd->flags)
		return -EOPNOTSUPP;
	as = swmmu_as_get(file, cmd->as_id);
	if (!as)
		return -ENOENT;
	swmmu_as_counts(as, &c);
	swmmu_obj_put(&as->obj);
	cmd->out_debug_id = c.debug_id;
	cmd->out_nr_tables = c.nr_tables;
	cmd->out_table_bytes = c.table_bytes;
	cmd->out_nr_mappings = c.nr_mappings;
	cmd->out_mapped_bytes = c.mapped_bytes;
	cmd->out_invalidations = c.invalidations;
	cmd->out_cpu_faults = c.cpu_faults;
	cmd->out_cpu_pmd_faults = c.cpu_pmd_faults;
	return 0;
}
