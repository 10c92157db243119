/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu page-table library: public API.
 *
 * An address space (struct swmmu_as) is one tree of tables of one format (swmmu_format.h). The
 * caller owns the struct and passes the memory callbacks; the library has no global state.
 *
 * Concurrency contract:
 * - The caller serialises operations on overlapping VA ranges (a range lock, or one lock for the
 *   whole address space). Operations on disjoint ranges may run concurrently: a new table is
 *   published with a fully ordered compare-and-swap on its parent item after it was zeroed, and the
 *   loser of a race frees its table and uses the winner's.
 * - Lock-free readers (swmmu_query(), swmmu_translate(), swmmu_walk()) may run at any time, like
 *   an emulated device walking its tables: every item is read once with READ_ONCE() and written
 *   with WRITE_ONCE(); a reader sees either the old or the new value of each item.
 * - A table unlinked by an operation (split, freeing empty tables) is put on the invalidation
 *   gather and freed only after swmmu_gather_flush() has called the caller's flush callback.
 * - The single-page paths (query, translate, one-page map and unmap) find the level-0 table
 *   through a per-address-space cache (struct swmmu_as.pwc) that every unlinking of a table
 *   or change of a table entry's permissions invalidates before the operation returns; a table it
 *   still pointed at is, like any table a concurrent walker read, freed only after the flush.
 *   Tables must only be changed through this API (foreign address spaces do not use the cache).
 * - swmmu_as_destroy() requires that nothing walks the tables any more.
 *
 * Ranges: VA ranges are (va, len) with len > 0; va + len may wrap to 0 at the top of the VA space.
 * On formats with SWMMU_FMT_SIGN_EXTEND, VAs are canonical (sign-extended) and a range may not
 * cross the non-canonical hole. Out-of-format VAs or OAs give -ERANGE; a range whose last byte
 * would lie beyond 2^64 - 1 gives -EOVERFLOW.
 *
 * Errors (negative errno): -EINVAL bad argument or alignment, or a range that starts or ends
 * inside a larger leaf; -EEXIST overlap with an existing mapping; -ENOENT nothing mapped;
 * -ERANGE VA or OA outside the format; -EOVERFLOW a range that wraps past 2^64; -ENOMEM allocation failure; -EOPNOTSUPP a permission,
 * memory type or page size the format cannot express. A failed operation leaves the tables
 * exactly as they were.
 */
#ifndef SWMMU_PT_H
#define SWMMU_PT_H

#include "swmmu_platform.h"
#include "swmmu_format.h"

/**
 * struct swmmu_mem_ops - table memory provided by the caller
 * @alloc: allocate @size bytes aligned to @align (both powers of two); store the table address
 *         (physical or DMA address, as written into entries) in *@addr and return the CPU
 *         pointer, or NULL on failure. The memory need not be zeroed.
 * @free: free memory returned by @alloc
 * @to_cpu: translate a table or page address into a CPU pointer; NULL means the linear form
 *          cpu = addr + swmmu_mem.cpu_offset
 */
struct swmmu_mem_ops {
	void *(*alloc)(void *ctx, size_t size, size_t align, u64 *addr);
	void (*free)(void *ctx, void *cpu, u64 addr, size_t size);
	void *(*to_cpu)(void *ctx, u64 addr);
};

/**
 * struct swmmu_mem - the caller's allocator and address translation
 * @ops: callbacks
 * @ctx: passed to every callback
 * @cpu_offset: linear translation used when @ops->to_cpu is NULL (cpu = addr + cpu_offset)
 */
struct swmmu_mem {
	const struct swmmu_mem_ops *ops;
	void *ctx;
	unsigned long cpu_offset;
};

#define SWMMU_MAX_LINKS	8

/*
 * Software paging-structure cache: slots of struct swmmu_as.pwc (a power of two), direct-mapped
 * by the span of a level-1 item. 512 slots cover 1 GiB of 4K pages (512 level-0 tables) without
 * a conflict: a random single-page operation over that much finds its table without a walk.
 */
#define SWMMU_PWC_SLOTS_LG2	9
#define SWMMU_PWC_SLOTS		(1u << SWMMU_PWC_SLOTS_LG2)

/**
 * struct swmmu_pwc_slot - one cached leaf table (private to the library)
 * @tag: generation and span of the entry (0: empty, ~0: being written)
 * @tbl: CPU pointer of the level-0 table, low 4 bits: permissions of the table entries above it
 */
struct swmmu_pwc_slot {
	u64 tag;
	unsigned long tbl;
};

/**
 * struct swmmu_as - an address space; fields are private to the library
 * @fmt: the format
 * @ops: the engine instance of @fmt (its specialised one, or the generic one), looked up once
 * @mem: memory callbacks
 * @to_cpu: copy of @mem.ops->to_cpu (one load less on every walk step)
 * @root: table address of the root table
 * @va_mask: mask of an internal address: the low va_bits bits
 * @va_bias: half the VA space for a sign-extended format, else 0: a VA is inside the format
 *           exactly when va + @va_bias <= @va_mask, one compare for the hot paths whichever VA
 *           width their instance serves (pt_as_va_to_ia())
 * @root_cpu: CPU pointer of the root table
 * @table_prot: permissions written into new table entries (default R|W|X|U)
 * @leaf_memo: the level-0 leaf bits of the prot last mapped by a one-page or one-table map,
 *             that prot in the output-address field (see pt_leaf_memo_get())
 * @prot_memo: the prot last decoded from a level-0 leaf by a query, beside the leaf bits it
 *             was decoded from
 * @nr_tables: live tables owned by this address space
 * @table_bytes: bytes of live tables owned by this address space
 * @nr_links: number of entries in @links
 * @links: items linked from another address space (not owned, never freed here)
 * @foreign: the tables belong to someone else (swmmu_as_init_foreign())
 * @pwc_off: the paging-structure cache is not used (SWMMU_PWC_OFF_*)
 * @pwc_gen: generation of the paging-structure cache; every operation that unlinks a table or
 *           changes a table entry's permissions increments it, which invalidates every slot;
 *           it also carries a constant while @pwc_off is non-zero, and stops growing at a
 *           limit: then no lookup's tag matches a slot (see core/swmmu_internal.h)
 * @pwc: the paging-structure cache: level-0 tables by the span of their level-1 item, used by
 *       the single-page paths (query, translate, small map and unmap). Like a hardware walk
 *       cache it is filled by walks and made stale by the generation, never by a table write:
 *       a stale slot is never used, and a table a slot points at is freed only after the
 *       gather flush that follows its unlinking, as for any lock-free walker.
 */
struct swmmu_as {
	const struct swmmu_format *fmt;
	const struct swmmu_pt_ops *ops;
	u64 va_mask;
	u64 va_bias;
	struct swmmu_mem mem;
	void *(*to_cpu)(void *ctx, u64 addr);
	u64 root;
	void *root_cpu;
	u32 table_prot;
	u64 leaf_memo;
	u64 prot_memo;
	swmmu_counter nr_tables;
	swmmu_counter table_bytes;
	unsigned int nr_links;
	struct {
		u64 va;
		u8 level;
	} links[SWMMU_MAX_LINKS];
	bool foreign;
	u8 pwc_off;
	swmmu_counter pwc_gen;
	struct swmmu_pwc_slot pwc[SWMMU_PWC_SLOTS];
};

/**
 * swmmu_as_root() - the table address of an address space's root table
 * @as: the address space
 *
 * What a driver programs into its hardware's context (TTBR, CR3, root pointer).
 *
 * Context: any.
 * Return: the address, as written into table entries (physical or DMA address).
 */
static inline u64 swmmu_as_root(const struct swmmu_as *as)
{
	return as->root;
}

/* struct swmmu_as.pwc_off */
#define SWMMU_PWC_OFF_STATIC	0x1	/* foreign tables, or a geometry the cache cannot tag */
#define SWMMU_PWC_OFF_LINKS	0x2	/* subtrees of another address space are linked in */

#define SWMMU_GATHER_RANGES	4
#define SWMMU_GATHER_TABLES	16

/**
 * struct swmmu_gather_range - VAs whose cached translations must be dropped
 * @start: first VA (canonical)
 * @last: last VA (inclusive, canonical)
 * @levels: bitmap of levels whose cached items changed (bit 0 = leaf level); bits above 0 mean a
 *          walk (table) cache must be invalidated as well
 */
struct swmmu_gather_range {
	u64 start;
	u64 last;
	u32 levels;
};

/**
 * struct swmmu_gather - invalidation gather with a deferred table free list
 * @flush: called by swmmu_gather_flush() (and when the gather is full) to invalidate every range
 *         in @range; may be NULL when nothing caches translations
 * @ctx: passed to @flush
 * @as: address space whose tables are on the free list (set by the first operation)
 * @nr_ranges: valid entries of @range
 * @flush_all: a range had to be widened over VAs that did not change (the ranges are still
 *             correct); a consumer may prefer to invalidate everything
 * @range: the ranges; only the first @nr_ranges hold anything (swmmu_gather_init() leaves the
 *         rest as they were)
 * @nr_tables: tables waiting to be freed
 * @tables: CPU pointer, address and size of each table waiting to be freed (the first
 *          @nr_tables)
 */
struct swmmu_gather {
	void (*flush)(void *ctx, const struct swmmu_gather *g);
	void *ctx;
	struct swmmu_as *as;
	unsigned int nr_ranges;
	bool flush_all;
	struct swmmu_gather_range range[SWMMU_GATHER_RANGES];
	unsigned int nr_tables;
	struct {
		void *cpu;
		u64 addr;
		u32 size;
	} tables[SWMMU_GATHER_TABLES];
};

/**
 * struct swmmu_xlate - result of a query or translation
 * @va: the VA asked (canonical)
 * @pa: its output address
 * @entry_va: first VA of the leaf entry (canonical)
 * @entry_pa: output address of @entry_va
 * @pte: raw value of the leaf item (primary word, CPU byte order)
 * @prot: permissions and memory type of the leaf (SWMMU_PROT_*)
 * @eff_prot: @prot restricted by the permissions of the table entries above it
 * @size_lg2: lg2 of the entry size in bytes
 * @level: level of the leaf
 * @accessed: the accessed bit is set
 * @dirty: the dirty bit is set
 */
struct swmmu_xlate {
	u64 va;
	u64 pa;
	u64 entry_va;
	u64 entry_pa;
	u64 pte;
	u32 prot;
	u32 eff_prot;
	u8 size_lg2;
	u8 level;
	bool accessed;
	bool dirty;
};

/**
 * struct swmmu_seg - one physically contiguous segment of a scatter map
 * @pa: output address
 * @len: bytes
 */
struct swmmu_seg {
	u64 pa;
	u64 len;
};

/* struct swmmu_map_opts.flags */
#define SWMMU_MAP_TABLE_PROT	0x1	/* write opts->table_prot into new table entries */
#define SWMMU_MAP_TABLE_ADD	0x2	/* also add opts->table_prot to existing table entries */

/**
 * struct swmmu_map_opts - optional map parameters
 * @pgsize: 0 to choose page sizes automatically, or the one page size to use (bytes)
 * @flags: SWMMU_MAP_*
 * @table_prot: permissions for table entries (SWMMU_PROT_R/W/X/U)
 * @gather: records table entries widened by SWMMU_MAP_TABLE_ADD, and with automatic sizes
 *          the empty tables a larger leaf replaces (freed after its flush); may be NULL
 */
struct swmmu_map_opts {
	u64 pgsize;
	u32 flags;
	u32 table_prot;
	struct swmmu_gather *gather;
};

/* unmap / protect flags */
#define SWMMU_UNMAP_SPLIT	0x1	/* split leaves cut by the range instead of -EINVAL */
#define SWMMU_UNMAP_FREE_EMPTY	0x2	/* unmap: also free tables left empty (via the gather) */

/* Walk callbacks: item kinds and actions. */
enum swmmu_item_kind {
	SWMMU_ITEM_HOLE = 0,
	SWMMU_ITEM_LEAF = 1,
	SWMMU_ITEM_TABLE = 2,
	SWMMU_ITEM_BAD = 3,	/* reserved encoding */
};

enum swmmu_walk_action {
	SWMMU_WALK_DESCEND = 0,	/* continue: descend into a table / go to the next item */
	SWMMU_WALK_SKIP = 1,	/* do not descend into this table */
	SWMMU_WALK_RETRY = 2,	/* read the item again and call the callback again */
	SWMMU_WALK_STOP = 3,	/* end the walk; swmmu_walk() returns 0 */
};

/**
 * struct swmmu_walk_item - one item passed to a walk callback
 * @va: first VA of the item's span (canonical)
 * @last: last VA of the item's span (inclusive, canonical)
 * @level: level of the item
 * @index: index of the item in its table
 * @kind: enum swmmu_item_kind
 * @pte: raw value (primary word, CPU byte order); a modifying walk writes a changed value back
 * @pte2: second word of a 16-byte item (read-only; for an item of a dual directory, the table
 *        entry of its level-0 table), 0 for smaller items
 * @table: table address of the table holding the item
 *
 * In a dual directory (SWMMU_LVL_DUAL) the walk reports the level-2 item as a table when either
 * word points at a table, then, in VA order, each level-1 item that is not a hole, and the
 * level-0 items below the level-1 holes (or a level-1 hole where there is no level-0 table).
 */
struct swmmu_walk_item {
	u64 va;
	u64 last;
	unsigned int level;
	unsigned int index;
	enum swmmu_item_kind kind;
	u64 pte;
	u64 pte2;
	u64 table;
};

/**
 * struct swmmu_walk_ops - walk callbacks; each may be NULL
 * @leaf: a leaf item in the range
 * @hole: a hole item in the range
 * @pre_table: a table item, before descending (SKIP to not descend)
 * @post_table: a table item, after its subtree was walked
 *
 * Each returns an enum swmmu_walk_action or a negative errno that ends the walk.
 */
struct swmmu_walk_ops {
	int (*leaf)(void *ctx, struct swmmu_walk_item *it);
	int (*hole)(void *ctx, struct swmmu_walk_item *it);
	int (*pre_table)(void *ctx, struct swmmu_walk_item *it);
	int (*post_table)(void *ctx, struct swmmu_walk_item *it);
};

/**
 * struct swmmu_region - a coalesced run of leaves
 * @va: first VA (canonical)
 * @pa: first output address
 * @len: bytes
 * @prot: permissions and memory type
 * @size_lg2: lg2 of the leaf entry size (all leaves of a region have one size)
 */
struct swmmu_region {
	u64 va;
	u64 pa;
	u64 len;
	u32 prot;
	u8 size_lg2;
};

/**
 * struct swmmu_stats - address space statistics
 * @nr_tables: live tables owned by the address space
 * @table_bytes: bytes of those tables
 */
struct swmmu_stats {
	u64 nr_tables;
	u64 table_bytes;
};

/* SWMMU_AD_* for swmmu_read_clear_ad() */
#define SWMMU_AD_ACCESSED	0x1
#define SWMMU_AD_DIRTY		0x2
#define SWMMU_AD_CLEAR		0x4

/* Address space lifetime. */
int swmmu_as_init(struct swmmu_as *as, const struct swmmu_format *fmt,
		  const struct swmmu_mem *mem);
int swmmu_as_init_foreign(struct swmmu_as *as, const struct swmmu_format *fmt,
			  const struct swmmu_mem *mem, u64 root, void *root_cpu);
void swmmu_as_destroy(struct swmmu_as *as);
void swmmu_as_stats(const struct swmmu_as *as, struct swmmu_stats *st);

/* Mapping operations. */
int swmmu_map(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot);
int swmmu_map_ext(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot,
		  const struct swmmu_map_opts *opts);
int swmmu_map_sg(struct swmmu_as *as, u64 va, const struct swmmu_seg *segs, unsigned int nr,
		 u32 prot, const struct swmmu_map_opts *opts);
int swmmu_unmap(struct swmmu_as *as, u64 va, u64 len, u32 flags, struct swmmu_gather *g,
		u64 *unmapped);
int swmmu_protect(struct swmmu_as *as, u64 va, u64 len, u32 prot, u32 flags,
		  struct swmmu_gather *g);
int swmmu_query(const struct swmmu_as *as, u64 va, struct swmmu_xlate *out);
int swmmu_query_pa(const struct swmmu_as *as, u64 va, u64 *pa);
int swmmu_translate(struct swmmu_as *as, u64 va, u32 access, bool set_ad,
		    struct swmmu_xlate *out);

/* Walks, dumps, accessed/dirty. */
int swmmu_walk(const struct swmmu_as *as, u64 va, u64 len, const struct swmmu_walk_ops *ops,
	       void *ctx);
int swmmu_walk_mut(struct swmmu_as *as, u64 va, u64 len, const struct swmmu_walk_ops *ops,
		   void *ctx, struct swmmu_gather *g);
int swmmu_regions(const struct swmmu_as *as, u64 va, u64 len,
		  int (*fn)(void *ctx, const struct swmmu_region *r), void *ctx);
/* The same, under a name that reads like the kernel's iterators. */
#define swmmu_for_each_region(as, va, len, fn, ctx)	swmmu_regions(as, va, len, fn, ctx)
int swmmu_dump(const struct swmmu_as *as, u64 va, u64 len, struct swmmu_region *out,
	       unsigned int max, unsigned int *needed);
unsigned int swmmu_item_child_tables(const struct swmmu_format *f,
				     const struct swmmu_walk_item *it, unsigned int levels[2]);
int swmmu_decode_item(const struct swmmu_format *f, unsigned int level, u64 va, u64 pte,
		      struct swmmu_xlate *out);
int swmmu_read_clear_ad(struct swmmu_as *as, u64 va, u64 len, u32 flags,
			unsigned int granule_lg2, unsigned long *bitmap, struct swmmu_gather *g);

/* Tables. */
int swmmu_free_empty(struct swmmu_as *as, u64 va, u64 len, struct swmmu_gather *g);
int swmmu_free_empty_held(struct swmmu_as *as, u64 va, u64 len, u64 held_va, u64 held_len,
			  struct swmmu_gather *g);
int swmmu_set_table_prot(struct swmmu_as *as, u64 va, unsigned int level, u32 prot,
			 struct swmmu_gather *g);
int swmmu_link(struct swmmu_as *dst, const struct swmmu_as *src, u64 va, unsigned int level);
int swmmu_unlink(struct swmmu_as *dst, u64 va, unsigned int level, struct swmmu_gather *g);

/* Backing pages and data access through a translation. */
int swmmu_allocate_range(struct swmmu_as *as, u64 va, u64 len, u32 prot,
			 const struct swmmu_mem *pages);
int swmmu_copy(const struct swmmu_as *as, u64 va, void *buf, size_t len, bool to_va);

/* Invalidation gather. */
void swmmu_gather_init(struct swmmu_gather *g,
		       void (*flush)(void *ctx, const struct swmmu_gather *g), void *ctx);
void swmmu_gather_flush(struct swmmu_gather *g);

#endif /* SWMMU_PT_H */
