/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu kernel module: internal objects shared by the kmod/ files.
 *
 * Object model. Every open file of /dev/swmmu is a struct swmmu_file. Its objects (address spaces
 * and DMA buffers) live in the file's ID xarray and hold one reference ("users") for the table.
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
#include "swmmu_pt.h"
#include <linux/swmmu.h>

struct device;
struct swmmu_dev;
struct swmmu_named;

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

enum swmmu_obj_type {
	SWMMU_OBJ_AS = 1,
	SWMMU_OBJ_BUF = 2,
	SWMMU_OBJ_ATTACH = 3,	/* struct swmmu_attach_obj: a named address space in this file */
	SWMMU_OBJ_QUEUE = 4,	/* struct swmmu_queue: a DMA engine queue (swmmu_device.c) */
};

/**
 * struct swmmu_obj - header of every object in a file's ID table
 * @type: enum swmmu_obj_type
 * @id: the ID userspace sees
 * @users: one for the ID table plus one per user (see the object model above)
 */
struct swmmu_obj {
	enum swmmu_obj_type type;
	u32 id;
	refcount_t users;
};

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
 * @dead: removed from the ID table and being freed: driver-managed contexts no longer reach it
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
 * struct swmmu_range_lock - exclusive lock over VA ranges; disjoint ranges do not contend
 * @lock: protects @held
 * @held: the locked ranges (struct swmmu_range)
 * @wq: waiters for a range that overlaps a held one
 * @dep_map: lockdep's view: one lock class, acquired exclusively
 */
struct swmmu_range_lock {
	spinlock_t lock;
	struct list_head held;
	wait_queue_head_t wq;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

/**
 * struct swmmu_range - one held range of a struct swmmu_range_lock (on the holder's stack)
 * @node: in swmmu_range_lock.held
 * @start: first VA
 * @last: last VA (inclusive)
 */
struct swmmu_range {
	struct list_head node;
	u64 start;
	u64 last;
};

/**
 * struct swmmu_mapping - one MAP call's record
 * @node: in swmmu_as_obj.maps, by VA (records never overlap)
 * @dead: on a list of unmapped records waiting for their invalidation to be flushed
 * @iova: first device VA
 * @last: last device VA (inclusive)
 * @buf: the buffer (holds a users reference)
 * @buf_offset: offset of @iova in @buf
 * @prot: SWMMU_PROT_* as mapped or last protected
 */
struct swmmu_mapping {
	struct rb_node node;
	struct list_head dead;
	u64 iova;
	u64 last;
	struct swmmu_buf *buf;
	u64 buf_offset;
	u32 prot;
};

/* Buffers of at most this many chunks need no allocation for their segments in MAP. */
#define SWMMU_MAP_SEGS_ONSTACK	4

/**
 * struct swmmu_map_req - one MAP from its checks to its end (SWMMU_MAP and SWMMU_MAP_BATCH)
 * @cmd: the request
 * @as: the address space
 * @buf: the buffer while the request holds its users reference (NULL once the record has it)
 * @m: the record while the request owns it (NULL once it is in the address space)
 * @opts: options for the core's map
 * @iova: first VA (the fixed one, or the one swmmu_map_pick() chose)
 * @last: last VA (inclusive)
 * @raced: the record insert found the range taken (a stale free-VA search)
 * @nr_segs: entries of @segs
 * @segs: DMA segments of the buffer slice: @onstack, or an allocation
 * @onstack: room for the segments of small buffers
 */
struct swmmu_map_req {
	const struct swmmu_map *cmd;
	struct swmmu_as_obj *as;
	struct swmmu_buf *buf;
	struct swmmu_mapping *m;
	struct swmmu_map_opts opts;
	u64 iova;
	u64 last;
	bool raced;
	unsigned int nr_segs;
	struct swmmu_seg *segs;
	struct swmmu_seg onstack[SWMMU_MAP_SEGS_ONSTACK];
};

/**
 * struct swmmu_unmap_gather - unmaps whose device invalidation is not flushed yet
 * @g: the core's gather: VA ranges to invalidate, unlinked tables to free after that
 * @dead: the unmapped records (struct swmmu_mapping.dead), freed after the flush: they keep
 *        their buffers' pages alive while a device may still reach them
 */
struct swmmu_unmap_gather {
	struct swmmu_gather g;
	struct list_head dead;
};

/**
 * struct swmmu_as_dev - the DMA engine's state of an address space (swmmu_device.c)
 * @lock: serialises @queues and the waits of invalidations (taken under a range of the AS)
 * @queues: DMA queues bound to the address space (struct swmmu_queue.as_node)
 * @inval_lock: orders IOTLB fills against invalidations
 * @epoch: invalidations so far; an IOTLB fill whose walk began before one is dropped
 * @tlb_sizes: lg2 bitmap of the page sizes IOTLBs may hold for this address space
 * @fault_mode: SWMMU_FAULT_MODE_*
 * @fault_timeout_ms: stall timeout, 0 for the module default
 */
struct swmmu_as_dev {
	struct mutex lock;
	struct list_head queues;
	spinlock_t inval_lock;
	atomic64_t epoch;
	u64 tlb_sizes;
	u32 fault_mode;
	u32 fault_timeout_ms;
};

/**
 * struct swmmu_as_obj - an address space object
 * @obj: object header
 * @file: owner
 * @pt: the core's address space
 * @fmt: the format (a built-in one, or @fmt_own)
 * @fmt_own: a derived format with a reduced VA size, or NULL
 * @pgsizes: swmmu_format_pgsizes() of @fmt
 * @tables: table DMA page number -> CPU address of that page, for the core's to_cpu callback
 * @range: the VA range lock
 * @maps_lock: protects the shape of @maps; a record itself is stable while its range is held
 * @maps: mapping records by device VA range (struct swmmu_mapping.node)
 * @window: mmap window index in @file, or -1 (always -1 for a named address space: each
 *          attached file has a window of its own, struct swmmu_attach_obj)
 * @mmap_offset: mmap() offset of device VA 0 in @file, or SWMMU_MMAP_OFFSET_NONE
 * @nr_vmas: mmap() VMAs of this address space (each also holds a users reference)
 * @window_mask: device VA bits reachable through the mmap window
 * @debug_id: global serial, name of the debugfs directory
 * @debugfs: debugfs directory
 * @nr_mappings: live mappings
 * @mapped_bytes: bytes mapped
 * @invalidations: gather flushes
 * @cpu_faults: CPU faults served
 * @cpu_pmd_faults: CPU faults that mapped a PMD
 * @quota_hit: a table allocation failed on max_table_bytes (turns the core's -ENOMEM into -ENOSPC)
 * @tbl_defer: free unlinked tables after an RCU grace period (set while the tables are in use)
 * @tbl_pending: tables waiting for their deferred free; swmmu_as_free() waits for zero
 * @named: the named (control-plane owned) address space this is, or NULL; @file is then the
 *         module's home file of the named address space (swmmu_named.c)
 * @dev: the DMA engine's state (queues bound to it, IOTLB invalidation, fault mode)
 * @dctx: a driver-managed context (SWMMU_AS_DRIVER_TABLES): the device walks the caller's
 *        tables through its own TLB (swmmu_dctx.c); NULL when swmmu writes the tables (@pt)
 */
struct swmmu_as_obj {
	struct swmmu_obj obj;
	struct swmmu_file *file;
	struct swmmu_as pt;
	const struct swmmu_format *fmt;
	struct swmmu_format *fmt_own;
	u64 pgsizes;
	struct xarray tables;
	struct swmmu_range_lock range;
	spinlock_t maps_lock;
	struct rb_root maps;
	int window;
	u64 mmap_offset;
	atomic_t nr_vmas;
	u64 window_mask;
	u32 debug_id;
	struct dentry *debugfs;
	atomic64_t nr_mappings;
	atomic64_t mapped_bytes;
	atomic64_t invalidations;
	atomic64_t cpu_faults;
	atomic64_t cpu_pmd_faults;
	bool quota_hit;
	bool tbl_defer;
	atomic_t tbl_pending;
	struct swmmu_named *named;
	struct swmmu_as_dev dev;
	struct swmmu_dctx *dctx;
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

/* Objects (swmmu_ioctl.c). */
int swmmu_obj_insert(struct swmmu_file *file, struct swmmu_obj *obj, enum swmmu_obj_type type);
struct swmmu_obj *swmmu_obj_get(struct swmmu_file *file, u32 id, enum swmmu_obj_type type);
void swmmu_obj_put(struct swmmu_obj *obj);

/* One more users reference on an object the caller holds one on already. */
static inline void swmmu_obj_hold(struct swmmu_obj *obj)
{
	refcount_inc(&obj->users);
}

static inline struct swmmu_as_obj *swmmu_as_get(struct swmmu_file *file, u32 id)
{
	struct swmmu_obj *obj = swmmu_obj_get(file, id, SWMMU_OBJ_AS);

	return obj ? container_of(obj, struct swmmu_as_obj, obj) : NULL;
}

/*
 * An address space whose tables swmmu writes: ERR_PTR(-ENOENT) for no such address space,
 * ERR_PTR(-EOPNOTSUPP) for a driver-managed context (its tables are the caller's).
 */
static inline struct swmmu_as_obj *swmmu_as_get_tables(struct swmmu_file *file, u32 id)
{
	struct swmmu_as_obj *as = swmmu_as_get(file, id);

	if (!as)
		return ERR_PTR(-ENOENT);
	if (as->dctx) {
		swmmu_obj_put(&as->obj);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return as;
}

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

unsigned int swmmu_format_spans(const struct swmmu_format *f, u64 *va, u64 *len);
long swmmu_dispatch(struct swmmu_file *file, unsigned int cmd, void __user *arg);
void swmmu_file_destroy_all(struct swmmu_file *file);

/* Buffers and the bus (swmmu_buf.c). */
int swmmu_cmd_destroy(struct swmmu_file *file, void *cmd);
int swmmu_cmd_buf_alloc(struct swmmu_file *file, void *cmd);
int swmmu_cmd_buf_info(struct swmmu_file *file, void *cmd);
void swmmu_buf_free(struct swmmu_buf *buf);
struct swmmu_chunk *swmmu_bus_lookup(struct swmmu_file *file, u64 dma);

/* Address spaces (swmmu_as.c). */
int swmmu_cmd_as_alloc(struct swmmu_file *file, void *cmd);
int swmmu_as_create(struct swmmu_file *file, const struct swmmu_format *f,
		    struct swmmu_as_alloc *cmd);
int swmmu_as_unmap_locked(struct swmmu_as_obj *as, u64 iova, u64 last, u64 *bytes);
void swmmu_unmap_gather_init(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug);
bool swmmu_unmap_gather_pending(const struct swmmu_unmap_gather *ug, u64 first, u64 last);
void swmmu_unmap_gather_flush(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug);
int swmmu_as_unmap_gather(struct swmmu_as_obj *as, u64 iova, u64 last,
			  struct swmmu_unmap_gather *ug, u64 *bytes);
struct swmmu_mapping *swmmu_maps_find(struct swmmu_as_obj *as, u64 first, u64 last);
struct swmmu_mapping *swmmu_maps_next(struct swmmu_as_obj *as, struct swmmu_mapping *m, u64 last);
struct swmmu_chunk *swmmu_as_bus_lookup(struct swmmu_as_obj *as, u64 dma);
int swmmu_cmd_map(struct swmmu_file *file, void *cmd);
void swmmu_map_revert(struct swmmu_file *file, void *cmd);
int swmmu_map_check(const struct swmmu_map *cmd);
int swmmu_map_prepare(struct swmmu_map_req *req, struct swmmu_as_obj *as, struct swmmu_buf *buf,
		      const struct swmmu_map *cmd, struct swmmu_mapping *m);
int swmmu_mappings_alloc(unsigned int nr, struct swmmu_mapping **m);
void swmmu_mappings_free(unsigned int nr, struct swmmu_mapping **m);
int swmmu_maps_init(void);
void swmmu_maps_exit(void);
int swmmu_map_pick(struct swmmu_map_req *req);
int swmmu_map_locked(struct swmmu_map_req *req);
void swmmu_map_finish(struct swmmu_map_req *req);
int swmmu_cmd_unmap(struct swmmu_file *file, void *cmd);
int swmmu_cmd_protect(struct swmmu_file *file, void *cmd);
int swmmu_cmd_map_batch(struct swmmu_file *file, void *cmd);
int swmmu_cmd_query(struct swmmu_file *file, void *cmd);
int swmmu_cmd_dump(struct swmmu_file *file, void *cmd);
int swmmu_cmd_rw(struct swmmu_file *file, void *cmd);
int swmmu_cmd_stats(struct swmmu_file *file, void *cmd);
void swmmu_as_free(struct swmmu_as_obj *as);
int swmmu_tbl_init(void);
void swmmu_tbl_exit(void);
void swmmu_range_lock(struct swmmu_range_lock *rl, struct swmmu_range *r, u64 start, u64 last);
void swmmu_range_unlock(struct swmmu_range_lock *rl, struct swmmu_range *r);
int swmmu_as_lookup(struct swmmu_as_obj *as, u64 va, u32 access, bool set_ad,
		    struct swmmu_xlate *xl, struct swmmu_chunk **chunk);
unsigned int swmmu_format_min_va_bits(const struct swmmu_format *f);
u64 swmmu_as_va_last(const struct swmmu_as_obj *as);
int swmmu_as_dump_seq(struct swmmu_as_obj *as, struct seq_file *m);

/*
 * Walking tables built by someone else with swmmu_as_init_foreign(): the CPU's
 * (swmmu_introspect.c) and real IOMMUs' (swmmu_iommu.c, swmmu_vtd.c, swmmu_amd.c).
 */
u32 swmmu_format_id(const struct swmmu_format *f);
extern const struct swmmu_mem_ops swmmu_foreign_mem_ops;	/* ctx: bool *bad_table */
int swmmu_cmd_cpu_walk(struct swmmu_file *file, void *cmd);
int swmmu_cmd_vtd_check(struct swmmu_file *file, void *cmd);
int swmmu_cmd_amd_check(struct swmmu_file *file, void *cmd);
int swmmu_iommu_init(void);
void swmmu_iommu_exit(void);

/* mmap (swmmu_mmap.c). */
int swmmu_mmap(struct file *filp, struct vm_area_struct *vma);
void swmmu_as_zap(struct swmmu_as_obj *as, u64 iova, u64 last);
void swmmu_zap_window(struct swmmu_as_obj *as, struct swmmu_file *file, u64 mmap_offset,
		      u64 iova, u64 last);

/* Named address spaces and ATTACH (swmmu_named.c), the netlink family (swmmu_genl.c). */
int swmmu_cmd_attach(struct swmmu_file *file, void *cmd);
bool swmmu_attach_idle(struct swmmu_obj *obj);
void swmmu_attach_unpublish(struct swmmu_file *file, struct swmmu_obj *obj);
void swmmu_attach_free(struct swmmu_attach_obj *h);
struct swmmu_chunk *swmmu_named_bus_lookup(struct swmmu_as_obj *as, u64 dma);
int swmmu_named_fault(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
		      u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg);
void swmmu_named_zap(struct swmmu_as_obj *as, u64 iova, u64 last);
void swmmu_file_init(struct swmmu_file *file);
struct swmmu_file *swmmu_file_create(void);
void swmmu_file_free(struct swmmu_file *file);

/* swmmu_client.c: the in-kernel API (include/swmmu/kapi.h) */
int swmmu_client_init(void);
void swmmu_client_exit(void);
int swmmu_invalidate_kernel(struct swmmu_file *file, const struct swmmu_inval_cmd *cmds,
			    unsigned int nr);
int swmmu_file_reserve_as(struct swmmu_file *file, int *window);
void swmmu_named_exit(void);
int swmmu_genl_init(void);
void swmmu_genl_exit(void);

/* The emulated device: queues, DMA engine, IOTLB, faults, io_uring (swmmu_device.c etc.). */
int swmmu_dev_open(struct swmmu_file *file);
void swmmu_dev_release(struct swmmu_file *file);
int swmmu_dev_flush(struct swmmu_file *file, fl_owner_t id);
void swmmu_as_dev_init(struct swmmu_as_obj *as);
void swmmu_as_dev_invalidate(struct swmmu_as_obj *as, const struct swmmu_gather *g);
int swmmu_cmd_queue_alloc(struct swmmu_file *file, void *cmd);
int swmmu_cmd_submit(struct swmmu_file *file, void *cmd);
int swmmu_submit_kernel(struct swmmu_file *file, u32 queue_id, struct swmmu_dma_cmd *cmds,
			unsigned int nr, unsigned int *done);
int swmmu_cmd_fault_queue(struct swmmu_file *file, void *cmd);
void swmmu_fault_queue_install(void *cmd, bool ok);
int swmmu_cmd_fault_config(struct swmmu_file *file, void *cmd);
int swmmu_cmd_iotlb(struct swmmu_file *file, void *cmd);

/* swmmu_dctx.c: driver-managed contexts */
struct swmmu_dctx;
int swmmu_dctx_create(struct swmmu_as_obj *as, u32 format_id);
void swmmu_dctx_destroy(struct swmmu_as_obj *as);
bool swmmu_file_dctx_enabled(struct swmmu_file *file);
int swmmu_cmd_ctx_set(struct swmmu_file *file, void *cmd);
int swmmu_cmd_invalidate(struct swmmu_file *file, void *cmd);
int swmmu_cmd_ctx_info(struct swmmu_file *file, void *cmd);
int swmmu_cmd_buf_export(struct swmmu_file *file, void *cmd);
void swmmu_buf_export_install(void *data, bool ok);

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
void swmmu_genl_check_event(u32 ctx_id, pid_t pid, const struct swmmu_event *ev);

/**
 * struct swmmu_buf_export_kcmd - SWMMU_BUF_EXPORT's struct with the kernel's own part
 * @cmd: the uAPI struct
 * @filp: the new file, installed as @cmd.out_fd once the write back succeeded
 */
struct swmmu_buf_export_kcmd {
	struct swmmu_buf_export cmd;
	struct file *filp;
};
void swmmu_queue_obj_free(struct swmmu_obj *obj);
int swmmu_as_set_fault_mode(struct swmmu_as_obj *as, u32 mode, u32 timeout_ms);
int swmmu_dispatch_kernel(struct swmmu_file *file, unsigned int cmd, const void *data,
			  u32 avail, void *out, size_t out_size);
struct io_uring_cmd;
int swmmu_uring_cmd(struct io_uring_cmd *ucmd, unsigned int issue_flags);

/* debugfs (swmmu_debugfs.c). */
void swmmu_debugfs_init(void);
void swmmu_debugfs_exit(void);
void swmmu_debugfs_as_add(struct swmmu_as_obj *as);
void swmmu_debugfs_as_remove(struct swmmu_as_obj *as);

#endif /* SWMMU_PRIV_H */
