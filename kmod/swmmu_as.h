/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The address-space layer: the core's page tables over DMA memory, with the VA range lock
 * (swmmu_range.c), table memory (swmmu_table.c) and mapping records (swmmu_maps.c) under it, and
 * typed operations over it (swmmu_as.c) that do the locking, invalidation gathering, CPU-view
 * zapping and notification in one place. The ioctl (swmmu_as_cmd.c), netlink, MAP_BATCH,
 * io_uring and named-space code are adapters above it: they parse, call, and format.
 *
 * Calls go downwards only. What an upper layer must hear of (a changed range whose CPU views
 * must go, a gather whose device TLBs must be invalidated, an address space created or freed)
 * reaches it through struct swmmu_as_hooks, which the module's init installs.
 */
#ifndef SWMMU_AS_H
#define SWMMU_AS_H

#include "swmmu_priv.h"

struct seq_file;

/* swmmu_as_rw() moves at most this much per call. */
#define SWMMU_RW_MAX		(64ULL << 20)

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
 * struct swmmu_as_map_req - one map from its checks to its end (swmmu_as_map(), MAP_BATCH)
 * @args: what to map
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
struct swmmu_as_map_req {
	const struct swmmu_as_map_args *args;
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
 * struct swmmu_as_map_args - what swmmu_as_map() maps: a slice of a buffer at a device VA
 * @buf: the buffer (the caller holds a users reference on it)
 * @buf_offset: first byte of the slice in @buf
 * @length: bytes
 * @iova: with @fixed the VA to map at; otherwise set to the VA chosen on success
 * @prot: SWMMU_PROT_* permissions and memory type (the uAPI's layout)
 * @pgsize_lg2: lg2 of the one page size to use, or 0 to choose sizes automatically
 * @fixed: map at @iova instead of a free range the layer picks
 */
struct swmmu_as_map_args {
	struct swmmu_buf *buf;
	u64 buf_offset;
	u64 length;
	u64 iova;
	u32 prot;
	u8 pgsize_lg2;
	bool fixed;
};

/**
 * struct swmmu_as_query_res - what swmmu_as_query() found at a device VA
 * @dma_addr: output address of the VA
 * @entry_iova: first VA of the leaf holding it
 * @page_size: bytes the leaf spans
 * @prot: effective SWMMU_PROT_* (the uAPI's layout)
 * @level: level of the leaf (0 = smallest pages)
 * @accessed: the leaf's accessed flag is set
 * @dirty: the leaf's dirty flag is set
 * @buf_file: file owning the buffer behind @dma_addr (for telling its ID to that file only)
 * @buf_id: that buffer's ID in @buf_file
 * @buf_offset: offset of @dma_addr in that buffer
 */
struct swmmu_as_query_res {
	u64 dma_addr;
	u64 entry_iova;
	u64 page_size;
	u32 prot;
	u8 level;
	bool accessed;
	bool dirty;
	struct swmmu_file *buf_file;
	u32 buf_id;
	u64 buf_offset;
};

/**
 * struct swmmu_as_counts - an address space's counters (swmmu_as_counts())
 * @debug_id: global serial (debugfs directory name)
 * @nr_tables: tables swmmu allocated for it (0 for a driver-managed context)
 * @table_bytes: their bytes
 * @nr_mappings: live mappings
 * @mapped_bytes: bytes mapped
 * @invalidations: gather flushes
 * @cpu_faults: CPU faults served through mmap()
 * @cpu_pmd_faults: those that mapped a PMD
 */
struct swmmu_as_counts {
	u32 debug_id;
	u64 nr_tables;
	u64 table_bytes;
	u64 nr_mappings;
	u64 mapped_bytes;
	u64 invalidations;
	u64 cpu_faults;
	u64 cpu_pmd_faults;
};

/**
 * struct swmmu_as_hooks - how the address-space layer tells the layers above it
 * @init: a new address space before its tables exist (the DMA engine's state)
 * @publish: its tables exist: set up what it needs above (a driver-managed context when
 *           @driver_tables, the debugfs directory); an error fails the creation
 * @unpublish: it is being freed: undo @publish
 * @invalidate: a gather is flushed: invalidate device TLBs and wait for accesses still using
 *              what it removed (called with a range of the address space held)
 * @unmapped: [iova, last] changed or went away in the tables: remove its CPU views; called only
 *            while an mmap() of the address space exists (@nr_vmas)
 * @bus_lookup: the buffer memory at a DMA address that is not a buffer of the address space's
 *              own file (a named address space reaches the buffers of its attached files), or
 *              NULL
 * @named_fault: a device access of a named address space failed to translate: its control
 *               plane decides (swmmu_named_fault()); for the DMA engine's fault path, which
 *               sits below the named spaces
 *
 * Context: as the operation that calls them; installed once by swmmu_as_set_hooks() at module
 * init, before any address space exists.
 */
struct swmmu_as_hooks {
	void (*init)(struct swmmu_as_obj *as);
	int (*publish)(struct swmmu_as_obj *as, bool driver_tables, u32 format_id);
	void (*unpublish)(struct swmmu_as_obj *as);
	void (*invalidate)(struct swmmu_as_obj *as, const struct swmmu_gather *g);
	void (*unmapped)(struct swmmu_as_obj *as, u64 iova, u64 last);
	struct swmmu_chunk *(*bus_lookup)(struct swmmu_as_obj *as, u64 dma);
	int (*named_fault)(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
			   u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg);
};

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

/**
 * swmmu_as_va_last() - last device VA of the lower (or only) half of the VA space
 * @as: the address space
 *
 * Context: any.
 * Return: the VA.
 */
static inline u64 swmmu_as_va_last(const struct swmmu_as_obj *as)
{
	const struct swmmu_format *f = as->fmt;
	unsigned int bits = f->va_bits - !!(f->flags & SWMMU_FMT_SIGN_EXTEND);

	return bits >= 64 ? U64_MAX : (1ULL << bits) - 1;
}

/* VA range lock (swmmu_range.c). */
void swmmu_range_lock_init(struct swmmu_range_lock *rl);
void swmmu_range_lock(struct swmmu_range_lock *rl, struct swmmu_range *r, u64 start, u64 last);
void swmmu_range_unlock(struct swmmu_range_lock *rl, struct swmmu_range *r);

/* Table memory (swmmu_table.c). */
extern const struct swmmu_mem_ops swmmu_tbl_ops;
int swmmu_tbl_init(void);
void swmmu_tbl_exit(void);

/* Mapping records: swmmu_maps.h. */

/* Life cycle (swmmu_as.c). */
void swmmu_as_set_hooks(const struct swmmu_as_hooks *hooks);
int swmmu_as_named_fault(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
			 u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg);
int swmmu_as_create(struct swmmu_file *file, const struct swmmu_format *f, unsigned int va_bits,
		    bool driver_tables, u32 format_id, struct swmmu_as_obj **out);
int swmmu_file_reserve_as(struct swmmu_file *file, int *window);
void swmmu_as_free(struct swmmu_as_obj *as);
unsigned int swmmu_format_min_va_bits(const struct swmmu_format *f);
unsigned int swmmu_format_spans(const struct swmmu_format *f, u64 *va, u64 *len);

/* Typed operations (swmmu_as.c). */
int swmmu_as_map(struct swmmu_as_obj *as, struct swmmu_as_map_args *args);
int swmmu_as_unmap(struct swmmu_as_obj *as, u64 iova, u64 length, u64 *unmapped);
int swmmu_as_protect(struct swmmu_as_obj *as, u64 iova, u64 length, u32 prot);
int swmmu_as_query(struct swmmu_as_obj *as, u64 iova, struct swmmu_as_query_res *res);
int swmmu_as_rw(struct swmmu_as_obj *as, u64 iova, void __user *ubuf, u64 length, bool write);
int swmmu_as_dump(struct swmmu_as_obj *as, u64 iova, u64 length, struct swmmu_region **regs,
		  unsigned int *nr);
void swmmu_as_counts(struct swmmu_as_obj *as, struct swmmu_as_counts *c);
int swmmu_as_dump_seq(struct swmmu_as_obj *as, struct seq_file *m);
int swmmu_as_lookup(struct swmmu_as_obj *as, u64 va, u32 access, bool set_ad,
		    struct swmmu_xlate *xl, struct swmmu_chunk **chunk);
struct swmmu_chunk *swmmu_as_bus_lookup(struct swmmu_as_obj *as, u64 dma);
void swmmu_as_map_revert(struct swmmu_as_obj *as, u64 iova, u64 length);

/* The steps of a map, for MAP_BATCH, which shares locks and records between many (swmmu_as.c). */

/**
 * swmmu_as_map_check() - the checks of a map request that need no address space
 * @args: the request
 *
 * Context: any.
 * Return: 0, or -EOPNOTSUPP for an unknown prot bit or page size.
 */
static inline int swmmu_as_map_check(const struct swmmu_as_map_args *args)
{
	if (args->prot & ~SWMMU_UPROT_VALID)
		return -EOPNOTSUPP;
	if (args->pgsize_lg2 >= 64)
		return -EOPNOTSUPP;
	return 0;
}

int swmmu_as_map_prepare(struct swmmu_as_map_req *req, struct swmmu_as_obj *as,
			 const struct swmmu_as_map_args *args, struct swmmu_mapping *m);
int swmmu_as_map_pick(struct swmmu_as_map_req *req);
int swmmu_as_map_locked(struct swmmu_as_map_req *req);
void swmmu_as_map_finish(struct swmmu_as_map_req *req);

/* Unmaps whose invalidation is collected and flushed once (swmmu_as.c). */
int swmmu_as_unmap_locked(struct swmmu_as_obj *as, u64 iova, u64 last, u64 *bytes);
void swmmu_unmap_gather_init(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug);
bool swmmu_unmap_gather_pending(const struct swmmu_unmap_gather *ug, u64 first, u64 last);
void swmmu_unmap_gather_flush(struct swmmu_as_obj *as, struct swmmu_unmap_gather *ug);
int swmmu_as_unmap_gather(struct swmmu_as_obj *as, u64 iova, u64 last,
			  struct swmmu_unmap_gather *ug, u64 *bytes);

/* The ioctl adapters (swmmu_as_cmd.c). */
int swmmu_cmd_as_alloc(struct swmmu_file *file, void *cmd, struct swmmu_obj **obj);
int swmmu_cmd_map(struct swmmu_file *file, void *cmd);
void swmmu_map_revert(struct swmmu_file *file, void *cmd);
int swmmu_cmd_unmap(struct swmmu_file *file, void *cmd);
int swmmu_cmd_protect(struct swmmu_file *file, void *cmd);
int swmmu_cmd_query(struct swmmu_file *file, void *cmd);
int swmmu_cmd_dump(struct swmmu_file *file, void *cmd);
int swmmu_cmd_rw(struct swmmu_file *file, void *cmd);
int swmmu_cmd_stats(struct swmmu_file *file, void *cmd);
int swmmu_cmd_map_batch(struct swmmu_file *file, void *cmd);

#endif /* SWMMU_AS_H */
