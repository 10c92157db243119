/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver-managed contexts: the device walks the caller's own tables through its TLB, and a
 * checker compares them with what the caller said (swmmu_dctx.c).
 */
#ifndef SWMMU_DCTX_H
#define SWMMU_DCTX_H

#include "swmmu_as.h"

/* swmmu_dctx.c: driver-managed contexts */
struct swmmu_dctx;
int swmmu_dctx_create(struct swmmu_as_obj *as, u32 format_id);
void swmmu_dctx_destroy(struct swmmu_as_obj *as);
bool swmmu_file_dctx_enabled(struct swmmu_file *file);

/**
 * struct swmmu_dctx_regs - what a driver programs into a context (swmmu_dctx_program())
 * @flags: SWMMU_CTX_ENABLE, SWMMU_CTX_HW_AD
 * @format_id: the format of its tables
 * @va_bits: VA width, 0 for the format's own
 * @asid: ASID, 0 to SWMMU_ASID_MAX
 * @check: SWMMU_CHECK_OFF, _REPORT or _STRICT
 * @root: DMA address of the root table, in one of the file's buffers
 */
struct swmmu_dctx_regs {
	u32 flags;
	u32 format_id;
	u32 va_bits;
	u32 asid;
	u32 check;
	u64 root;
};

int swmmu_dctx_program(struct swmmu_file *file, u32 as_id, const struct swmmu_dctx_regs *r);
int swmmu_dctx_info(struct swmmu_file *file, u32 as_id, struct swmmu_ctx_info *out);
int swmmu_cmd_ctx_set(struct swmmu_file *file, void *cmd);
int swmmu_cmd_invalidate(struct swmmu_file *file, void *cmd);
int swmmu_cmd_ctx_info(struct swmmu_file *file, void *cmd);

/**
 * struct swmmu_dctx_snap - a copy of a context's state, for netlink and debugfs
 * @id: module-wide ID (the address space's debug_id)
 * @pid: thread group that created it
 * @format: name of the programmed format
 * @info: state and counters as SWMMU_CTX_INFO reports them
 */
struct swmmu_dctx_snap {
	u32 id;
	pid_t pid;
	char format[SWMMU_NAME_MAX];
	struct swmmu_ctx_info info;
};

int swmmu_dctx_for_each(int (*fn)(void *arg, const struct swmmu_dctx_snap *s), void *arg,
			u32 from);

int swmmu_invalidate_kernel(struct swmmu_file *file, const struct swmmu_inval_cmd *cmds,
			    unsigned int nr);

#endif /* SWMMU_DCTX_H */
