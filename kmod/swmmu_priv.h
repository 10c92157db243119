/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu kernel module: internal objects shared by the kmod/ files.
 *
 * Object model. Every open file of /dev/swmmu is a struct swmmu_file. Its objects (address spaces
 * and DMA buffers) live in the file's ID xarray (swmmu_object.h: reserved, then made visible once
 * complete) and hold one reference ("users") for the table.
 * Every other user holds one more: an ioctl working on the object (short term), a mapping holding
 * a buffer, an mmap() VMA holding an address space (long term). DESTROY succeeds only when the
 * table's reference is the last one (EBUSY otherwise), so an object is never freed under a user.
 *
 * Locking, outermost first:
 *   mmap_lock (CPU faults)
 *   swmmu_as.range (a VA range lock; see swmmu_as.c) - held by every operation that changes the
 *     device tables of a range and by every device access (RW, CPU fault, QUERY) of a range, so an
 *     access never uses a translation that an UNMAP/PROTECT of the same range has removed
 *   file->mapping i_mmap_rwsem, page-table locks (unmap_mapping_range(), vmf_insert_*())
 *   swmmu_as.maps_lock (the mapping records), the maple trees' and xarrays' internal spinlocks
 * Table memory unlinked by an operation is freed after an RCU grace period (lock-free walkers run
 * under rcu_read_lock()). No user copy happens while a range is locked: a fault on our own mmap()
 * would take the same range.
 */
#ifndef SWMMU_PRIV_H
#define SWMMU_PRIV_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "swmmu_compat.h"
#include "swmmu_object.h"
#include "swmmu_pt.h"
#include <linux/swmmu.h>

struct device;
struct swmmu_as_obj;
struct swmmu_dev;
struct swmmu_named;
struct swmmu_region;
struct seq_file;
struct swmmu_nl_event_args;
struct swmmu_event;

/* Module parameters (per-file limits). */
extern unsigned int swmmu_max_as;
extern unsigned long swmmu_max_buf_bytes;
extern unsigned long swmmu_max_table_bytes;
/* The module-wide limit on DMA buffers and the bytes reserved against it. */
extern unsigned long swmmu_max_total_buf_bytes;
extern atomic_long_t swmmu_total_buf_bytes;

/* The module's own DMA device (64-bit mask); all buffers and tables come from it. */
extern struct device *swmmu_dma_dev;

/**
 * struct swmmu_counters - module-wide live counters, shown in debugfs
 * @files: open files
 * @as: address spaces
 * @bufs: DMA buffers
 * @buf_bytes: bytes of DMA buffers
 * @tables: page-table allocations
 * @table_bytes: bytes of page-table allocations
 * @tables_freeing: unlinked page tables waiting for an RCU grace period to be freed
 * @mappings: device mappings
 * @vmas: mmap() VMAs of address spaces
 * @queues: DMA engine queues
 * @dma_jobs: io_uring DMA commands queued or running
 * @fault_queues: fault queues (open, or referenced by their device file)
 */
struct swmmu_counters {
	atomic_long_t files;
	atomic_long_t as;
	atomic_long_t bufs;
	atomic_long_t buf_bytes;
	atomic_long_t tables;
	atomic_long_t table_bytes;
	atomic_long_t tables_freeing;
	atomic_long_t mappings;
	atomic_long_t vmas;
	atomic_long_t queues;
	atomic_long_t dma_jobs;
	atomic_long_t fault_queues;
};

extern struct swmmu_counters swmmu_cnt;

/**
 * struct swmmu_file - one open file of /dev/swmmu
 * @objs: ID table (XA_FLAGS_ALLOC1), objects by ID
 * @bus: DMA address ranges of this file's buffers -> struct swmmu_chunk, the "bus" a device
 *       access goes through: a device can only reach the file's own buffers
 * @mapping: the file's own address_space, so unmap_mapping_range() zaps only this file's VMAs
 * @lock: serialises the per-file limits and the mmap window bitmap
 * @nr_as: address spaces
 * @buf_bytes: bytes of buffers
 * @table_bytes: bytes of page tables (all address spaces)
 * @mmap_windows: bitmap of the mmap windows in use
 * @windows: address space of each mmap window, RCU-free lookup from mmap()
 * @filp: the open file (no reference: it lives exactly as long as this struct)
 * @nr_dctx_enabled: enabled driver-managed contexts (under @lock): buffers are busy while any is
 * @dev: the emulated device of an open file: queues, IOTLB, fault queue (swmmu_device.c); NULL
 *       for the home file of named address spaces
 */
struct swmmu_file {
	struct xarray objs;
	struct maple_tree bus;
	struct address_space mapping;
	struct mutex lock;
	unsigned int nr_as;
	u64 buf_bytes;
	atomic64_t table_bytes;
	unsigned long mmap_windows;
	struct swmmu_as_obj *windows[BITS_PER_LONG];
	struct swmmu_dev *dev;
	unsigned int nr_dctx_enabled;
	struct file *filp;
};

/**
 * struct swmmu_chunk - one DMA allocation of a buffer
 * @buf: the buffer
 * @page: first page
 * @dma: DMA address
 * @offset: offset of the chunk in the buffer
 * @size: bytes (a power-of-two number of pages)
 */
struct swmmu_chunk {
	struct swmmu_buf *buf;
	struct page *page;
	dma_addr_t dma;
	u64 offset;
	u64 size;
};

/**
 * struct swmmu_buf - a DMA buffer object
 * @obj: object header
 * @file: owner
 * @length: bytes
 * @flags: SWMMU_BUF_*
 * @dead: not finalized in the ID table yet, or removed from it and being freed: driver-managed
 *        contexts do not reach it
 * @nr_chunks: entries of @chunks
 * @chunks: the allocations, in buffer order
 */
struct swmmu_buf {
	struct swmmu_obj obj;
	struct swmmu_file *file;
	u64 length;
	u32 flags;
	bool dead;
	unsigned int nr_chunks;
	struct swmmu_chunk *chunks;
};

/**
 * struct swmmu_attach_obj - a named address space attached to a file (SWMMU_ATTACH)
 * @obj: object header; swmmu_obj_get() of type SWMMU_OBJ_AS resolves it to @as
 * @file: the attached file
 * @as: the named address space (the attachments hold one users reference between them)
 * @node: in swmmu_named.users (RCU: the device path walks it without locks)
 * @window: the mmap window of @as in @file, or -1
 * @mmap_offset: mmap() offset of device VA 0 in @file, or SWMMU_MMAP_OFFSET_NONE
 * @pid: thread group of the process that attached
 */
struct swmmu_attach_obj {
	struct swmmu_obj obj;
	struct swmmu_file *file;
	struct swmmu_as_obj *as;
	struct list_head node;
	int window;
	u64 mmap_offset;
	pid_t pid;
};

/*
 * The uAPI prot word has the core's layout (R, W, X, U, G in bits 0..4, memory type in bits
 * 8..10); converting is checked at build time and is the identity.
 */
static inline u32 swmmu_prot_from_user(u32 prot)
{
	BUILD_BUG_ON((SWMMU_PROT_READ ^ SWMMU_PROT_R) | (SWMMU_PROT_WRITE ^ SWMMU_PROT_W) |
		     (SWMMU_PROT_EXEC ^ SWMMU_PROT_X) | (SWMMU_PROT_USER ^ SWMMU_PROT_U) |
		     (SWMMU_PROT_GLOBAL ^ SWMMU_PROT_G) |
		     (SWMMU_PROT_MEMTYPE_MASK ^ SWMMU_PROT_MT_MASK) |
		     (SWMMU_PROT_MT_WT ^ SWMMU_PROT_MT(SWMMU_MT_WT)) |
		     (SWMMU_PROT_MT_UC ^ SWMMU_PROT_MT(SWMMU_MT_UC)) |
		     (SWMMU_PROT_MT_DEVICE ^ SWMMU_PROT_MT(SWMMU_MT_DEVICE)));
	return prot;
}

static inline u32 swmmu_prot_to_user(u32 prot)
{
	return prot & (SWMMU_PROT_PERMS | SWMMU_PROT_MT_MASK);
}

/* Every bit a caller may set in a uAPI prot word. */
#define SWMMU_UPROT_VALID	(SWMMU_PROT_READ | SWMMU_PROT_WRITE | SWMMU_PROT_EXEC |	\
				 SWMMU_PROT_USER | SWMMU_PROT_GLOBAL | SWMMU_PROT_MEMTYPE_MASK)

/**
 * struct swmmu_fault_queue_kcmd - SWMMU_FAULT_QUEUE's struct with the kernel's own part
 * @cmd: the uAPI struct, written back to userspace
 * @filp: the new file: swmmu_fault_queue_install() installs it as @cmd.out_fd only once the
 *        write back succeeded, so that a descriptor is never installed with its number lost
 */
struct swmmu_fault_queue_kcmd {
	struct swmmu_fault_queue_alloc cmd;
	struct file *filp;
	struct swmmu_dev *dev;
};

/* Typed lookups in the object table (swmmu_object.h). */
static inline struct swmmu_buf *swmmu_buf_get(struct swmmu_file *file, u32 id)
{
	struct swmmu_obj *obj = swmmu_obj_get(file, id, SWMMU_OBJ_BUF);

	return obj ? container_of(obj, struct swmmu_buf, obj) : NULL;
}

/*
 * Erase [first, last] (exactly one entry's range) from a maple tree whose entry the caller frees
 * next. Erasing may need a new node, and when that allocation fails 6.1's mtree_erase() silently
 * leaves the entry in the tree (a use after free later); so this waits for memory instead.
 */
static inline void swmmu_mt_erase(struct maple_tree *mt, unsigned long first, unsigned long last)
{
	mtree_store_range(mt, first, last, NULL, GFP_KERNEL | __GFP_NOFAIL);
}

long swmmu_dispatch(struct swmmu_file *file, unsigned int cmd, void __user *arg);

/* Buffers and the bus (swmmu_buf.c). */
int swmmu_buf_create(struct swmmu_file *file, u64 length, u32 flags, struct swmmu_buf **out);
int swmmu_cmd_buf_alloc(struct swmmu_file *file, void *cmd, struct swmmu_obj **obj);
int swmmu_cmd_buf_info(struct swmmu_file *file, void *cmd);
void swmmu_buf_free(struct swmmu_buf *buf);
struct swmmu_chunk *swmmu_bus_lookup(struct swmmu_file *file, u64 dma);
int swmmu_cmd_buf_export(struct swmmu_file *file, void *cmd);
void swmmu_buf_export_install(void *data, bool ok);

/**
 * struct swmmu_buf_export_kcmd - SWMMU_BUF_EXPORT's struct with the kernel's own part
 * @cmd: the uAPI struct
 * @filp: the new file, installed as @cmd.out_fd once the write back succeeded
 */
struct swmmu_buf_export_kcmd {
	struct swmmu_buf_export cmd;
	struct file *filp;
};
int swmmu_dispatch_kernel(struct swmmu_file *file, unsigned int cmd, const void *data,
			  u32 avail, void *out, size_t out_size);

/* The files of /dev/swmmu (swmmu_file_init(): swmmu_object.c; the rest: swmmu_file.c). */
void swmmu_file_init(struct swmmu_file *file);
struct swmmu_file *swmmu_file_create(void);
void swmmu_file_free(struct swmmu_file *file);

/* swmmu_client.c: the in-kernel API (include/swmmu/kapi.h) */
int swmmu_client_init(void);
void swmmu_client_exit(void);

/**
 * struct swmmu_event_sink - where the features send what listeners hear of
 * @listening: whether anybody listens
 * @event: announce a change of a named address space, a format, or a fault
 * @check_event: announce a checker report of a driver-managed context
 *
 * The netlink family (swmmu_genl.c) installs itself as the sink at init, so that the features
 * below it (named spaces, driver-managed contexts) do not call it. Context: as the callers'.
 */
struct swmmu_event_sink {
	bool (*listening)(void);
	void (*event)(const struct swmmu_nl_event_args *ev);
	void (*check_event)(u32 ctx_id, pid_t pid, const struct swmmu_event *ev);
};

/* Module-wide state (swmmu_params.c). */
void swmmu_events_set_sink(const struct swmmu_event_sink *sink);
bool swmmu_events_listening(void);
void swmmu_events_send(const struct swmmu_nl_event_args *ev);
void swmmu_events_check(u32 ctx_id, pid_t pid, const struct swmmu_event *ev);

#endif /* SWMMU_PRIV_H */
