/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated paging device: DMA engine queues, the software IOTLB and the fault queue. Shared by
 * swmmu_device.c (queues, commands, submission), swmmu_iotlb.c (translation, invalidation),
 * swmmu_fault.c (fault records, stalls, the fault-queue file) and swmmu_uring.c (io_uring).
 *
 * How an access stays coherent with UNMAP/PROTECT (the "invalidation wait" of an IOMMU): a DMA
 * command works in steps. A step publishes the address space's invalidation epoch it starts
 * under in its queue's @busy word (epoch + 1; 0 while idle), then translates (IOTLB or walk) and
 * moves the bytes. An invalidation removes the IOTLB entries of its ranges and bumps the epoch
 * under the address space's inval_lock, then waits until no queue bound to the address space is
 * in a step begun under an older epoch. A walk that began before an invalidation cannot refill
 * the IOTLB after it: the fill happens under inval_lock only if the epoch did not move.
 *
 * Locking, outermost first (after the address-space range lock of swmmu_priv.h):
 *   swmmu_queue.exec (mutex: one executor per queue; held across a stall)
 *   swmmu_as_dev.lock (mutex: the queues of an AS, invalidation waits)
 *   swmmu_dev.lock (mutex: the queues of a file)
 *   swmmu_as_dev.inval_lock -> swmmu_tlb.lock (spinlocks)
 *   swmmu_dev.fq_lock -> swmmu_fq.lock, swmmu_queue.lock (spinlocks)
 */
#ifndef SWMMU_DEVICE_H
#define SWMMU_DEVICE_H

#include <linux/kref.h>
#include <linux/workqueue.h>

#include "swmmu_as.h"

#define SWMMU_TLB_WAYS		4

/**
 * struct swmmu_tlbe - one IOTLB entry: a cached leaf
 * @vpn: VA >> @size_lg2 (canonical VA)
 * @pa: output address of the leaf's first byte
 * @chunk: the buffer chunk holding the whole leaf, or NULL (the leaf spans chunks, or is null)
 * @asid: debug_id of the address space; 0 marks a free entry
 * @prot: effective SWMMU_PROT_* of the leaf (SWMMU_PROT_NULL for a sparse leaf)
 * @size_lg2: lg2 of the leaf size
 * @dirty: the leaf's dirty bit is known to be set (or the format has none)
 */
struct swmmu_tlbe {
	u64 vpn;
	u64 pa;
	struct swmmu_chunk *chunk;
	u32 asid;
	u32 prot;
	u8 size_lg2;
	bool dirty;
};

/**
 * struct swmmu_tlb - a device's IOTLB, set associative
 * @lock: protects everything below
 * @e: the entries, @nr of them, SWMMU_TLB_WAYS per set
 * @nr: entries
 * @victim: round-robin replacement counter
 * @hits: translations served from an entry
 * @misses: lookups that found none
 * @walks: table walks
 * @levels: table items the walks read
 * @invalidations: invalidation requests that reached this IOTLB
 */
struct swmmu_tlb {
	spinlock_t lock;
	struct swmmu_tlbe *e;
	unsigned int nr;
	unsigned int victim;
	u64 hits;
	u64 misses;
	u64 walks;
	u64 levels;
	u64 invalidations;
};

struct swmmu_fq;

/**
 * struct swmmu_dev - the emulated device of one open file
 * @file: the file
 * @lock: protects @queues and @nr_queues
 * @queues: the file's queues (struct swmmu_queue.dev_node)
 * @nr_queues: entries of @queues
 * @tlb: the IOTLB, shared by the queues
 * @faults: faults taken
 * @faults_lost: fault records dropped on a full fault queue
 * @bytes: bytes processed by commands
 * @cmds: commands run
 * @fault_seq: last fault sequence number
 * @fq_lock: protects @fq
 * @fq: the fault queue, or NULL (holds a reference)
 * @event_cb: an in-kernel client's callback for every fault and checker report, or NULL; called
 *            in process context (the executor of the command, or the invalidating thread), with
 *            no swmmu lock held. Set before the client creates its first queue.
 * @event_arg: passed to @event_cb
 */
struct swmmu_dev {
	struct swmmu_file *file;
	struct mutex lock;
	struct list_head queues;
	unsigned int nr_queues;
	struct swmmu_tlb tlb;
	atomic64_t faults;
	atomic64_t faults_lost;
	atomic64_t bytes;
	atomic64_t cmds;
	atomic64_t fault_seq;
	spinlock_t fq_lock;
	struct swmmu_fq *fq;
	void (*event_cb)(void *arg, const struct swmmu_event *ev);
	void *event_arg;
};

struct swmmu_job;

/**
 * struct swmmu_queue - a DMA engine queue bound to one address space
 * @obj: object header
 * @dev: the device (file) it belongs to
 * @as: the address space (holds a users reference)
 * @as_id: the ID @as was named by at QUEUE_ALLOC (what fault records report)
 * @dev_node: in swmmu_dev.queues
 * @as_node: in swmmu_as_dev.queues
 * @exec: held by whoever executes the queue's commands
 * @lock: protects @pending and @running
 * @pending: io_uring jobs not started yet, in submission order
 * @running: the io_uring job being executed, or NULL
 * @work: runs @pending on system_unbound_wq
 * @busy: invalidation epoch + 1 of the step in flight, 0 when idle (see swmmu_device.h)
 * @wq: invalidations waiting for @busy, and stalled commands waiting for a response
 * @pattern: a page of the current FILL pattern
 */
struct swmmu_queue {
	struct swmmu_obj obj;
	struct swmmu_dev *dev;
	struct swmmu_as_obj *as;
	u32 as_id;
	struct list_head dev_node;
	struct list_head as_node;
	struct mutex exec;
	spinlock_t lock;
	struct list_head pending;
	struct swmmu_job *running;
	struct work_struct work;
	u64 busy;
	wait_queue_head_t wq;
	u8 *pattern;
};

/**
 * struct swmmu_job - one io_uring DMA command
 * @node: in swmmu_queue.pending
 * @q: the queue (holds a users reference until the job completes)
 * @ucmd: the io_uring command
 * @owner: files_struct of the submitter (what close() cancels by)
 * @canceled: stop at the next step or stall
 * @cmd: the command
 */
struct swmmu_job {
	struct list_head node;
	struct swmmu_queue *q;
	struct io_uring_cmd *ucmd;
	fl_owner_t owner;
	bool canceled;
	struct swmmu_dma_cmd cmd;
};

/**
 * struct swmmu_exec - one command being executed
 * @q: the queue
 * @job: the io_uring job, or NULL for SUBMIT (the caller's own thread)
 * @cmd: the command
 * @epoch: the epoch of the current step
 */
struct swmmu_exec {
	struct swmmu_queue *q;
	struct swmmu_job *job;
	struct swmmu_dma_cmd *cmd;
	u64 epoch;
};

/**
 * struct swmmu_dxl - a translated device access
 * @cpu: kernel address of the byte at the VA, or NULL for a sparse (null) leaf
 * @avail: bytes from the VA on that this translation covers (to the end of the leaf or chunk)
 */
struct swmmu_dxl {
	void *cpu;
	u64 avail;
};

/**
 * struct swmmu_fault_info - why a translation failed
 * @iova: the VA
 * @access: SWMMU_PROT_R, _W or _X
 * @reason: SWMMU_FAULT_*
 * @level: level where the walk stopped
 * @asid: the ASID of a driver-managed context, else 0
 * @pte: the item where the walk stopped (driver-managed contexts), else 0
 */
struct swmmu_fault_info {
	u64 iova;
	u32 access;
	u32 reason;
	u32 level;
	u32 asid;
	u64 pte;
};

extern unsigned int swmmu_iotlb_entries;
extern unsigned int swmmu_fault_timeout_ms;

/* swmmu_iotlb.c */
int swmmu_tlb_init(struct swmmu_tlb *tlb, unsigned int nr);
void swmmu_tlb_destroy(struct swmmu_tlb *tlb);
int swmmu_tlb_translate(struct swmmu_exec *x, u64 va, u32 access, struct swmmu_dxl *out,
			struct swmmu_fault_info *fi);
void swmmu_tlb_inval_as(struct swmmu_tlb *tlb, u32 asid);

/* swmmu_dctx.c */
int swmmu_dctx_translate(struct swmmu_exec *x, u64 va, u32 access, struct swmmu_dxl *out,
			 struct swmmu_fault_info *fi);

/* swmmu_fault.c */
int swmmu_fault_errno(u32 reason);
void swmmu_fault_check_event(struct swmmu_dev *dev, struct swmmu_event *ev);
int swmmu_fault_raise(struct swmmu_exec *x, const struct swmmu_fault_info *fi);
void swmmu_fq_put(struct swmmu_fq *fq);
bool swmmu_exec_stopped(struct swmmu_exec *x);

/* swmmu_device.c */
int swmmu_queue_submit_async(struct swmmu_file *file, struct io_uring_cmd *ucmd,
			     const struct swmmu_uring_dma *u);
int swmmu_dma_validate(const struct swmmu_dma_cmd *c);

/* The emulated device: queues, DMA engine, IOTLB, faults, io_uring (swmmu_device.c etc.). */
int swmmu_dev_open(struct swmmu_file *file);
void swmmu_dev_release(struct swmmu_file *file);
int swmmu_dev_flush(struct swmmu_file *file, fl_owner_t id);
void swmmu_as_dev_init(struct swmmu_as_obj *as);
void swmmu_as_dev_invalidate(struct swmmu_as_obj *as, const struct swmmu_gather *g);
int swmmu_queue_create(struct swmmu_file *file, u32 as_id, struct swmmu_queue **out);
int swmmu_cmd_queue_alloc(struct swmmu_file *file, void *cmd, struct swmmu_obj **obj);
int swmmu_cmd_submit(struct swmmu_file *file, void *cmd);
int swmmu_submit_kernel(struct swmmu_file *file, u32 queue_id, struct swmmu_dma_cmd *cmds,
			unsigned int nr, unsigned int *done);
int swmmu_cmd_fault_queue(struct swmmu_file *file, void *cmd);
void swmmu_fault_queue_install(void *cmd, bool ok);
int swmmu_cmd_fault_config(struct swmmu_file *file, void *cmd);
int swmmu_cmd_iotlb(struct swmmu_file *file, void *cmd);

int swmmu_as_set_fault_mode(struct swmmu_as_obj *as, u32 mode, u32 timeout_ms);
struct io_uring_cmd;
int swmmu_uring_cmd(struct io_uring_cmd *ucmd, unsigned int issue_flags);

#endif /* SWMMU_DEVICE_H */
