/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu in-kernel API: what a kernel module (a driver being prototyped) uses of swmmu.ko.
 *
 * Two parts, both exported in the SWMMU symbol namespace (MODULE_IMPORT_NS(SWMMU_NS)):
 *
 * 1. The page-table library (core/swmmu_pt.h, core/swmmu_format.h, core/swmmu_hwwalk.h), the
 *    same code swmmu uses itself: find a built-in format or parse a run-time one from its text
 *    description, build and change tables in memory the caller provides (struct swmmu_mem),
 *    walk and query them, gather invalidations. The library has no global state: every call
 *    works on the caller's struct swmmu_as, under the caller's locking (see swmmu_pt.h).
 *
 * 2. The emulated device, through a client handle (struct swmmu_client): a device file of the
 *    kernel's own, with the objects of /dev/swmmu - DMA buffers (contiguous, with a kernel
 *    address), driver-managed contexts (SWMMU_AS_DRIVER_TABLES: the client writes the tables,
 *    the device walks them through its TLB), DMA queues, invalidation commands, and a callback
 *    for faults and checker reports. IDs, structs and errnos are those of uapi/linux/swmmu.h.
 *
 * Lifetimes: a client module depends on swmmu.ko's symbols, so swmmu.ko cannot be unloaded
 * while a client module is loaded. swmmu_client_close() frees every object of the client; a
 * client module unloaded with a handle still open has it reclaimed by swmmu when the module goes
 * away, with one line in the kernel log ("reclaimed ... objects of module ...").
 *
 * Every function validates its arguments and returns a negative errno for what a buggy client
 * can get wrong (a NULL handle or pointer, an unknown ID, a misaligned address, a closed handle
 * where that is detectable); none of them WARNs on bad input.
 */
#ifndef SWMMU_KAPI_H
#define SWMMU_KAPI_H

#include <linux/module.h>
#include <linux/types.h>

#include <linux/swmmu.h>
#include "swmmu_pt.h"
#include "swmmu_hwwalk.h"

struct swmmu_client;
struct device;

/**
 * struct swmmu_client_ops - callbacks of a client
 * @event: a fault of one of the client's queues or a checker report of one of its contexts
 *         (@ev->fault.flags has SWMMU_FAULT_CHECK for a report). Called in process context -
 *         the thread that ran the command or the invalidation - with no swmmu lock held; it may
 *         not call back into swmmu for the same client. May be NULL.
 */
struct swmmu_client_ops {
	void (*event)(void *priv, const struct swmmu_event *ev);
};

/**
 * struct swmmu_client_buf - a DMA buffer of a client
 * @id: its ID (for swmmu_client_destroy())
 * @cpu: kernel address of its first byte
 * @dma: DMA address of its first byte: what the client writes into page tables
 * @size: bytes
 */
struct swmmu_client_buf {
	u32 id;
	void *cpu;
	dma_addr_t dma;
	size_t size;
};

struct swmmu_client *swmmu_client_open(struct module *owner, const struct swmmu_client_ops *ops,
				       void *priv);
void swmmu_client_close(struct swmmu_client *c);
struct device *swmmu_client_dma_device(struct swmmu_client *c);
int swmmu_client_buf_alloc(struct swmmu_client *c, size_t size, struct swmmu_client_buf *out);
int swmmu_client_ctx_create(struct swmmu_client *c, u32 format_id, u32 va_bits, u32 *ctx_id);
int swmmu_client_ctx_program(struct swmmu_client *c, u32 ctx_id, u32 flags, u64 root, u32 asid,
			     u32 check);
int swmmu_client_ctx_info(struct swmmu_client *c, u32 ctx_id, struct swmmu_ctx_info *info);
int swmmu_client_queue_create(struct swmmu_client *c, u32 ctx_id, u32 *queue_id);
int swmmu_client_submit(struct swmmu_client *c, u32 queue_id, struct swmmu_dma_cmd *cmds,
			unsigned int nr, unsigned int *done);
int swmmu_client_submit_async(struct swmmu_client *c, u32 queue_id,
			      const struct swmmu_dma_cmd *cmd,
			      void (*done)(void *arg, const struct swmmu_dma_cmd *cmd), void *arg);
int swmmu_client_invalidate(struct swmmu_client *c, const struct swmmu_inval_cmd *cmds,
			    unsigned int nr);
int swmmu_client_destroy(struct swmmu_client *c, u32 id);
int swmmu_client_format_id(const char *name, u32 *format_id);

#endif /* SWMMU_KAPI_H */
