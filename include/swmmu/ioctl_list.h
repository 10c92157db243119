/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The commands of /dev/swmmu (linux/swmmu.h) as one list: each ioctl number with the struct it
 * takes and a short name (the member of a union of the structs), in command order. The kernel's dispatch table is checked against it (kmod/swmmu_ioctl.c:
 * an entry for a command not listed here, or a listed command without an entry, does not build),
 * and the uAPI fuzzer and the VM tests build their tables of commands from it (tests/vm), so a
 * new command is added here once and reaches all of them.
 *
 * Included once per use, like arch/swmmu_formats.def, with SWMMU_IOCTL(ioctl, struct tag, name)
 * defined to what one entry expands to; the list undefines it at its end. For example:
 *
 *	#define SWMMU_IOCTL(_ioctl, _struct, _name)	{ _ioctl, sizeof(struct _struct) },
 *	static const struct { unsigned long nr; size_t size; } cmds[] = {
 *	#include "swmmu/ioctl_list.h"
 *	};
 *
 * A project header, not part of the installed uAPI: it adds no type and no ABI.
 */
#include <linux/swmmu.h>

#ifndef SWMMU_IOCTL
#error "define SWMMU_IOCTL(ioctl, struct, name) before including swmmu/ioctl_list.h"
#endif

SWMMU_IOCTL(SWMMU_DESTROY, swmmu_destroy, destroy)
SWMMU_IOCTL(SWMMU_GET_INFO, swmmu_get_info, get_info)
SWMMU_IOCTL(SWMMU_AS_ALLOC, swmmu_as_alloc, as_alloc)
SWMMU_IOCTL(SWMMU_BUF_ALLOC, swmmu_buf_alloc, buf_alloc)
SWMMU_IOCTL(SWMMU_BUF_INFO, swmmu_buf_info, buf_info)
SWMMU_IOCTL(SWMMU_MAP, swmmu_map, map)
SWMMU_IOCTL(SWMMU_UNMAP, swmmu_unmap, unmap)
SWMMU_IOCTL(SWMMU_PROTECT, swmmu_protect, protect)
SWMMU_IOCTL(SWMMU_QUERY, swmmu_query, query)
SWMMU_IOCTL(SWMMU_DUMP, swmmu_dump, dump)
SWMMU_IOCTL(SWMMU_RW, swmmu_rw, rw)
SWMMU_IOCTL(SWMMU_STATS, swmmu_as_stats, stats)
SWMMU_IOCTL(SWMMU_ATTACH, swmmu_attach, attach)
SWMMU_IOCTL(SWMMU_CPU_WALK, swmmu_cpu_walk, cpu_walk)
SWMMU_IOCTL(SWMMU_VTD_CHECK, swmmu_vtd_check, vtd_check)
SWMMU_IOCTL(SWMMU_QUEUE_ALLOC, swmmu_queue_alloc, queue_alloc)
SWMMU_IOCTL(SWMMU_SUBMIT, swmmu_submit, submit)
SWMMU_IOCTL(SWMMU_FAULT_QUEUE, swmmu_fault_queue_alloc, fault_queue)
SWMMU_IOCTL(SWMMU_FAULT_CONFIG, swmmu_fault_config, fault_config)
SWMMU_IOCTL(SWMMU_IOTLB, swmmu_iotlb, iotlb)
SWMMU_IOCTL(SWMMU_AMD_CHECK, swmmu_amd_check, amd_check)
SWMMU_IOCTL(SWMMU_MAP_BATCH, swmmu_map_batch, map_batch)
SWMMU_IOCTL(SWMMU_CTX_SET, swmmu_ctx_set, ctx_set)
SWMMU_IOCTL(SWMMU_INVALIDATE, swmmu_invalidate, invalidate)
SWMMU_IOCTL(SWMMU_CTX_INFO, swmmu_ctx_info, ctx_info)
SWMMU_IOCTL(SWMMU_BUF_EXPORT, swmmu_buf_export, buf_export)

#undef SWMMU_IOCTL
