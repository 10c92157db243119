// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu address spaces: lifetime, table memory, statistics, and the public entry points of the
 * hot operations, which dispatch to the format's specialised engine instance.
 */
#include "swmmu_internal.h"

/* The engine instance of a format: its specialised one, or the generic one. */
static const struct swmmu_pt_ops *swmmu_fmt_ops(const struct swmmu_format *fmt)
{
	return fmt->ops ? fmt->ops : &swmmu_generic_ops;
}

/* Looked up once, at init: every operation saves two dependent loads. */
static const struct swmmu_pt_ops *swmmu_ops(const struct swmmu_as *as)
{
	return as->ops;
}

/* True if len is the size of a single level-0 leaf, the smallest page of the format. */
static bool swmmu_is_min_page(const struct swmmu_format *f, u64 len)
{
	return (f->level[0].flags & SWMMU_LVL_LEAF) && len == pt_bit(f->level[0].shift);
}

/*
 * The range check lives with the operations that run it first (every map, unmap, protect and
 * query, the module's one-page MAP and UNMAP included), compiled for speed like them: the
 * module builds the format descriptions in swmmu_format.c for size, and there the helpers below
 * stay out of line.
 */

/**
 * swmmu_format_range() - check a (va, len) range against a format
 * @f: a valid descriptor
 * @va: first VA
 * @len: bytes
 * @last: set to the last VA of the range (va + len - 1) when the range is valid
 *
 * The same check every range operation of the library makes first: both ends inside the VA
 * space and, for sign-extended formats, in the same half (not across the non-canonical hole).
 * A range may end exactly at the top of the 64-bit address space.
 *
 * Context: any.
 * Return: 0, -EINVAL for @len 0, -EOVERFLOW if va + len - 1 wraps, -ERANGE outside the format.
 */
int swmmu_format_range(const struct swmmu_format *f, u64 va, u64 len, u64 *last)
{
	u64 start, ilast;
	int ret;

	if (!len)
		return -EINVAL;
	if (va + (len - 1) < va)
		return -EOVERFLOW;
	ret = pt_range(f, va, len, &start, &ilast);
	if (ret)
		return ret;
	*last = va + (len - 1);
	return 0;
}

/**
 * swmmu_table_alloc() - allocate (not zero, not count) the memory of one table
 * @as: the address space
 * @lvl: level of the table's items
 * @addr: set to the table address
 *
 * Context: as the caller's alloc callback. Internal to the library.
 * Return: the CPU pointer, or NULL if allocation failed or the address cannot be held in a table
 * entry.
 */
void *swmmu_table_alloc(struct swmmu_as *as, unsigned int lvl, u64 *addr)
{
	const struct swmmu_format *f = as->fmt;
	size_t size = (size_t)1 << pt_table_lg2(f, lvl);
	size_t align = (size_t)1 << f->level[lvl].table_align_lg2;
	void *cpu;

	if (!as->mem.ops->alloc)
		return NULL;	/* foreign tables: never allocate */
	cpu = as->mem.ops->alloc(as->mem.ctx, size, align, addr);
	if (!cpu)
		return NULL;
	/* The table address must be representable in a table entry. */
	/* With TABLE_ADDR, an entry pointing at table address 0 would read as a hole. */
	if ((*addr & pt_lowmask(f->oa_lo)) || !pt_oa_ok(f, *addr + size - 1) ||
	    pt_oa_dec(f, pt_oa_enc(f, *addr)) != *addr ||
	    ((f->flags & SWMMU_FMT_TABLE_ADDR) && !*addr && lvl != f->nr_levels - 1u)) {
		as->mem.ops->free(as->mem.ctx, cpu, *addr, size);
		return NULL;
	}
	return cpu;
}

/**
 * swmmu_table_free() - return the memory of one table to the caller's allocator
 * @as: the address space
 * @lvl: level of the table's items
 * @cpu: CPU pointer
 * @addr: table address
 *
 * Context: as the caller's free callback. Internal to the library.
 */
void swmmu_table_free(struct swmmu_as *as, unsigned int lvl, void *cpu, u64 addr)
{
	if (as->mem.ops->free)
		as->mem.ops->free(as->mem.ctx, cpu, addr, (size_t)1 << pt_table_lg2(as->fmt, lvl));
}

/**
 * swmmu_pwc_invalidate() - invalidate every slot of the paging-structure cache
 * @as: the address space
 *
 * Called after a table entry was unlinked or its permissions changed (the entry is written
 * first). Concurrent calls from operations on disjoint ranges each increment the generation.
 *
 * Context: any (one atomic increment between full barriers). Internal to the library.
 */
void swmmu_pwc_invalidate(struct swmmu_as *as)
{
	/* The unlinking entry write is ordered before the bump a walker reads (pt_pwc_gen()). */
	smp_mb();
	/*
	 * A generation at the limit retires the cache for good: no walk fills a slot again, and the
	 * counter stays below 2^32 (pt_pwc_tag() keeps its low 32 bits). Concurrent callers may
	 * each pass the test: the limit is overshot by at most their number.
	 */
	if (((u64)swmmu_counter_read(&as->pwc_gen) & (PT_PWC_GEN_OFF - 1)) < PT_PWC_GEN_LIMIT)
		swmmu_counter_add(&as->pwc_gen, 1);
	/* And the bump before the caller's later writes (a new table in the same span). */
	smp_mb();
}

/**
 * swmmu_pwc_set_off() - turn the paging-structure cache off or on for one reason
 * @as: the address space
 * @why: a SWMMU_PWC_OFF_* bit
 * @off: true to set it, false to clear it
 *
 * The cache is used while no reason is set: struct swmmu_as.pwc_gen carries PT_PWC_GEN_OFF for
 * as long as one is, so that a walker tests a single word. The caller invalidates the cache
 * (swmmu_pwc_invalidate()) around the change that made the reason.
 *
 * Context: the caller serialises changes of @as's links. Internal to the library.
 */
void swmmu_pwc_set_off(struct swmmu_as *as, u8 why, bool off)
{
	u8 was = as->pwc_off, now = off ? was | why : was & ~why;

	if (!was == !now)
		return;
	WRITE_ONCE(as->pwc_off, now);
	swmmu_counter_add(&as->pwc_gen, now ? (long)PT_PWC_GEN_OFF : -(long)PT_PWC_GEN_OFF);
}

/**
 * swmmu_table_account() - count tables linked into or unlinked from an address space
 * @as: the address space
 * @lvl: level of the tables' items
 * @n: number of tables, negative when unlinked
 *
 * Context: any (atomic counters). Internal to the library.
 */
void swmmu_table_account(struct swmmu_as *as, unsigned int lvl, long n)
{
	/* A foreign address space owns no tables: unlinking one must not count it. */
	if (as->foreign)
		return;
	swmmu_counter_add(&as->nr_tables, n);
	swmmu_counter_add(&as->table_bytes, n * (long)((size_t)1 << pt_table_lg2(as->fmt, lvl)));
}

/**
 * swmmu_is_link() - is an item a subtree linked from another address space?
 * @as: the address space
 * @ia: internal (non-sign-extended) address inside the item's span
 * @lvl: level of the item
 *
 * Context: the caller holds the span. Internal to the library.
 * Return: true if @as must not free the table the item points at.
 */
bool swmmu_is_link(const struct swmmu_as *as, u64 ia, unsigned int lvl)
{
	unsigned int i, s = as->fmt->level[lvl].shift;

	for (i = 0; i < as->nr_links; i++)
		if (as->links[i].level == lvl && (as->links[i].va >> s) == (ia >> s))
			return true;
	return false;
}

/* The least restrictive table entry permissions a format can express (R/W/X/U). */
static u32 swmmu_default_table_prot(const struct swmmu_format *fmt)
{
	const struct swmmu_perm_enc *e = &fmt->table_perm;
	unsigned int p;
	u32 prot = 0;

	for (p = 0; p < 4; p++)
		if ((e->implied & (1u << p)) || e->set[p] || e->clr[p])
			prot |= 1u << p;
	return prot;
}

/* The VA range check of the hot paths (struct swmmu_as.va_mask, .va_bias). */
static void swmmu_as_set_va_range(struct swmmu_as *as, const struct swmmu_format *f)
{
	as->va_mask = pt_lowmask(f->va_bits);
	as->va_bias = (f->flags & SWMMU_FMT_SIGN_EXTEND) ? pt_bit(f->va_bits - 1) : 0;
}

/*
 * Can the paging-structure cache serve this format? It caches the level-0 table under a level-1
 * item, so it needs two levels and no dual directory (two level-0 spans per item), and the span
 * key above the slot index must fit the low half of a tag (PT_PWC_KB).
 */
static bool swmmu_pwc_fits(const struct swmmu_format *f)
{
	unsigned int key;

	if (f->nr_levels < 2 || pt_dual(f) || f->va_bits <= f->level[1].shift)
		return false;
	key = f->va_bits - f->level[1].shift;
	return key <= SWMMU_PWC_SLOTS_LG2 + PT_PWC_KB;
}

/**
 * swmmu_as_init() - create an empty address space
 * @as: caller-owned structure to initialise
 * @fmt: the format (built-in or parsed; must outlive @as)
 * @mem: table memory callbacks (copied)
 *
 * Allocates the root table. New table entries get the least restrictive table permissions the
 * format can express.
 *
 * Context: may sleep if @mem's alloc callback sleeps.
 * Return: 0, -EINVAL for an invalid format or memory callbacks, -ENOMEM if the root table cannot
 * be allocated.
 */
int swmmu_as_init(struct swmmu_as *as, const struct swmmu_format *fmt,
		  const struct swmmu_mem *mem)
{
	unsigned int top;
	u64 addr;

	if (!mem || !mem->ops || !mem->ops->alloc || !mem->ops->free ||
	    swmmu_format_validate(fmt))
		return -EINVAL;
	memset(as, 0, sizeof(*as));
	as->fmt = fmt;
	as->ops = swmmu_fmt_ops(fmt);
	swmmu_as_set_va_range(as, fmt);
	as->mem = *mem;
	as->to_cpu = mem->ops->to_cpu;
	if (swmmu_pwc_fits(fmt)) {
		swmmu_counter_set(&as->pwc_gen, 1);
	} else {
		as->pwc_off = SWMMU_PWC_OFF_STATIC;
		swmmu_counter_set(&as->pwc_gen, 1 + PT_PWC_GEN_OFF);
	}
	as->table_prot = swmmu_default_table_prot(fmt);
	top = fmt->nr_levels - 1u;
	as->root_cpu = swmmu_table_alloc(as, top, &addr);
	if (!as->root_cpu)
		return -ENOMEM;
	as->root = addr;
	memset(as->root_cpu, 0, (size_t)1 << pt_table_lg2(fmt, top));
	swmmu_table_account(as, top, 1);
	return 0;
}
SWMMU_EXPORT(swmmu_as_init);

/**
 * swmmu_as_init_foreign() - a read-only address space over tables someone else built
 * @as: caller-owned structure to initialise
 * @fmt: the format of the tables (must outlive @as)
 * @mem: memory callbacks (copied); only to_cpu (or cpu_offset) is needed, alloc and free may be
 *       NULL, in which case no operation ever allocates or frees a table
 * @root: table address of the root table
 * @root_cpu: CPU pointer of the root table, or NULL to translate @root with @mem
 *
 * For walking tables captured or owned elsewhere (a process's page tables, an IOMMU's tables, a
 * saved image) with swmmu_query(), swmmu_translate(), swmmu_walk(), swmmu_regions() and
 * swmmu_dump(). The tables are not counted and swmmu_as_destroy() frees none of them. The
 * paging-structure cache is off: the owner may change the tables at any time. Operations that
 * change items work only on tables the owner does not change meanwhile and never allocate
 * unless @mem has an alloc callback.
 *
 * Context: any; does not allocate.
 * Return: 0, -EINVAL for an invalid format or missing memory callbacks.
 */
int swmmu_as_init_foreign(struct swmmu_as *as, const struct swmmu_format *fmt,
			  const struct swmmu_mem *mem, u64 root, void *root_cpu)
{
	if (!mem || !mem->ops || swmmu_format_validate(fmt))
		return -EINVAL;
	memset(as, 0, sizeof(*as));
	as->fmt = fmt;
	as->ops = swmmu_fmt_ops(fmt);
	swmmu_as_set_va_range(as, fmt);
	as->mem = *mem;
	as->to_cpu = mem->ops->to_cpu;
	as->root = root;
	as->root_cpu = root_cpu ? root_cpu : pt_cpu(as, root);
	as->table_prot = swmmu_default_table_prot(fmt);
	as->foreign = true;
	as->pwc_off = SWMMU_PWC_OFF_STATIC;
	swmmu_counter_set(&as->pwc_gen, 1 + PT_PWC_GEN_OFF);
	return 0;
}
SWMMU_EXPORT(swmmu_as_init_foreign);

/**
 * swmmu_as_destroy() - free every table of an address space
 * @as: the address space
 *
 * Subtrees linked from another address space with swmmu_link() are not freed (their owner frees
 * them), nor the tables of an address space made with swmmu_as_init_foreign(). Nothing may walk
 * the tables any more: no invalidation is gathered. Destroying it again does nothing.
 *
 * Context: exclusive access to @as; may sleep if the free callback sleeps.
 */
void swmmu_as_destroy(struct swmmu_as *as)
{
	unsigned int top = as->fmt->nr_levels - 1u;

	if (!as->root_cpu)
		return;
	if (as->foreign) {
		as->root_cpu = NULL;
		return;
	}
	swmmu_free_subtree(as, NULL, top, as->root_cpu, as->root, 0);
	as->root_cpu = NULL;
	as->nr_links = 0;
}
SWMMU_EXPORT(swmmu_as_destroy);

/**
 * swmmu_as_stats() - table statistics of an address space
 * @as: the address space
 * @st: filled with the number and bytes of live tables owned by @as
 *
 * Context: any; lock-free (values are a snapshot).
 */
void swmmu_as_stats(const struct swmmu_as *as, struct swmmu_stats *st)
{
	st->nr_tables = (u64)swmmu_counter_read(&as->nr_tables);
	st->table_bytes = (u64)swmmu_counter_read(&as->table_bytes);
}
SWMMU_EXPORT(swmmu_as_stats);

/**
 * swmmu_map() - map a physically contiguous range with automatic page sizes
 * @as: the address space
 * @va: first VA, aligned to the smallest page size
 * @pa: first output address, aligned to the smallest page size
 * @len: bytes, a multiple of the smallest page size
 * @prot: SWMMU_PROT_* permissions and memory type
 *
 * Each step uses the largest page size allowed at that level for which VA and PA are aligned and
 * which fits in the remaining length; existing (even empty) tables are descended into.
 *
 * Context: the caller holds the range [@va, @va + @len) against other updates; lock-free
 * readers may run. May sleep if the alloc callback sleeps.
 * Return: 0; errors are checked in this order and nothing is changed on failure:
 * -EINVAL invalid prot bits, -EOPNOTSUPP inexpressible permission or memory type,
 * -EINVAL zero or unaligned length/VA/PA, -ERANGE VA or PA outside the format,
 * -EOVERFLOW a range that wraps past 2^64,
 * -EEXIST overlap with an existing leaf, -ENOMEM table allocation failed.
 */
int swmmu_map(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot)
{
	return swmmu_ops(as)->map1(as, va, pa, len, prot);
}
SWMMU_EXPORT(swmmu_map);

/* The general map of one segment (out of line: the one-page path needs no frame). */
static noinline int swmmu_map_req1(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot,
				   const struct swmmu_map_opts *opts)
{
	struct swmmu_seg seg = { .pa = pa, .len = len };
	struct swmmu_map_req req = {
		.va = va, .segs = &seg, .nr_segs = 1, .prot = prot, .opts = opts,
	};

	return swmmu_ops(as)->map(as, &req);
}

/**
 * swmmu_map_ext() - map with options: forced page size, table entry permissions
 * @as: the address space
 * @va: first VA
 * @pa: first output address
 * @len: bytes
 * @prot: SWMMU_PROT_* permissions and memory type
 * @opts: options, or NULL (same as swmmu_map())
 *
 * With @opts->pgsize every leaf has exactly that size: -EOPNOTSUPP if the format has no such page
 * size, -EINVAL if @va, @pa or @len is not aligned to it, -EEXIST if a table already occupies a
 * slot where such a leaf must go. SWMMU_MAP_TABLE_PROT writes @opts->table_prot into new table
 * entries; SWMMU_MAP_TABLE_ADD also adds those permissions to existing table entries on the way
 * (recorded in @opts->gather). With @opts->gather and automatic sizes, a leaf takes the place of
 * tables that hold nothing (left by earlier unmaps): the largest leaf the alignment allows,
 * whatever the history; those tables are freed after the gather's flush. Without a gather such
 * a table is kept and mapped into, as by swmmu_map(): lock-free walkers may be inside it.
 *
 * Context: as swmmu_map().
 * Return: as swmmu_map().
 */
int swmmu_map_ext(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot,
		  const struct swmmu_map_opts *opts)
{
	/*
	 * Options that change nothing, or one page of the smallest size forced: the same as
	 * swmmu_map(), whose one-page path skips the request set-up of the general one. (A
	 * gather changes the choice of sizes: empty tables give way to larger leaves.)
	 */
	if (!opts || (!opts->flags && !opts->gather &&
		      (!opts->pgsize || (opts->pgsize == len && swmmu_is_min_page(as->fmt, len)))))
		return swmmu_ops(as)->map1(as, va, pa, len, prot);
	return swmmu_map_req1(as, va, pa, len, prot, opts);
}
SWMMU_EXPORT(swmmu_map_ext);

/**
 * swmmu_map_sg() - map a list of physical segments at consecutive VAs
 * @as: the address space
 * @va: first VA
 * @segs: segments; each length and address aligned to the page granule
 * @nr: number of segments (>= 1)
 * @prot: SWMMU_PROT_* permissions and memory type
 * @opts: options as for swmmu_map_ext(), or NULL
 *
 * All or nothing: the whole VA range is checked and every table it needs is allocated before the
 * first entry is written.
 *
 * Context: as swmmu_map().
 * Return: as swmmu_map().
 */
int swmmu_map_sg(struct swmmu_as *as, u64 va, const struct swmmu_seg *segs, unsigned int nr,
		 u32 prot, const struct swmmu_map_opts *opts)
{
	struct swmmu_map_req req = {
		.va = va, .segs = segs, .nr_segs = nr, .prot = prot, .opts = opts,
	};

	return swmmu_ops(as)->map(as, &req);
}

/**
 * swmmu_unmap() - remove every leaf in a range
 * @as: the address space
 * @va: first VA
 * @len: bytes
 * @flags: SWMMU_UNMAP_SPLIT to split leaves the range cuts, SWMMU_UNMAP_FREE_EMPTY to free the
 *         tables left empty inside the range (through @g)
 * @g: invalidation gather, or NULL when nothing caches translations
 * @unmapped: if not NULL, set to the number of bytes unmapped
 *
 * Holes are skipped. Tables are not freed unless asked for. A split replaces a leaf by a fully
 * built table of smaller leaves with one item write.
 *
 * Context: the caller holds the range; lock-free readers may run.
 * Return: 0; -EINVAL for bad flags, zero or unaligned @va/@len, or a range that starts or ends
 * inside a larger leaf (without SWMMU_UNMAP_SPLIT); -ERANGE outside the format; -EOVERFLOW a
 * range that wraps past 2^64; -ENOMEM if a split table cannot be allocated; -ENOENT if nothing
 * was mapped. Nothing changes on failure.
 */
int swmmu_unmap(struct swmmu_as *as, u64 va, u64 len, u32 flags, struct swmmu_gather *g,
		u64 *unmapped)
{
	return swmmu_ops(as)->unmap(as, va, len, flags, g, unmapped);
}
SWMMU_EXPORT(swmmu_unmap);

/**
 * swmmu_protect() - change permissions and memory type of every leaf in a range
 * @as: the address space
 * @va: first VA
 * @len: bytes
 * @prot: new SWMMU_PROT_* value (SWMMU_PROT_NULL is not allowed)
 * @flags: 0 or SWMMU_UNMAP_SPLIT
 * @g: invalidation gather, or NULL
 *
 * Output addresses, accessed and dirty bits are kept; holes and null entries are skipped.
 *
 * Context: the caller holds the range; lock-free readers may run.
 * Return: 0; -EINVAL, -EOPNOTSUPP for @prot as in swmmu_map(); range errors as swmmu_unmap();
 * -ENOENT if no leaf is in the range.
 */
int swmmu_protect(struct swmmu_as *as, u64 va, u64 len, u32 prot, u32 flags,
		  struct swmmu_gather *g)
{
	return swmmu_ops(as)->protect(as, va, len, prot, flags, g);
}
SWMMU_EXPORT(swmmu_protect);

/**
 * swmmu_query() - look up one VA
 * @as: the address space
 * @va: the VA (canonical)
 * @out: the translation
 *
 * Context: lock-free; any context.
 * Return: 0, -ERANGE if @va is outside the format, -ENOENT if it is not mapped.
 */
int swmmu_query(const struct swmmu_as *as, u64 va, struct swmmu_xlate *out)
{
	return swmmu_ops(as)->query(as, va, out);
}
SWMMU_EXPORT(swmmu_query);

/**
 * swmmu_query_pa() - the output address of one VA, and nothing else
 * @as: the address space
 * @va: the VA (canonical)
 * @pa: set to the output address @va translates to (0 for a null leaf, as swmmu_query())
 *
 * The address-only form of swmmu_query() (as iommu_iova_to_phys() is of a full walk): neither
 * permissions nor memory type are decoded, so a plain small leaf costs one cached table lookup
 * and one load.
 *
 * Context: lock-free; any context.
 * Return: 0, -ERANGE if @va is outside the format, -ENOENT if it is not mapped.
 */
int swmmu_query_pa(const struct swmmu_as *as, u64 va, u64 *pa)
{
	return swmmu_ops(as)->query_pa(as, va, pa);
}
SWMMU_EXPORT(swmmu_query_pa);

/**
 * swmmu_translate() - translate an access like the device would (IOTLB miss path)
 * @as: the address space
 * @va: the VA
 * @access: SWMMU_PROT_R/W/X (and U for an unprivileged access) wanted
 * @set_ad: set the accessed bit (and dirty bit for a write) with compare-and-swap
 * @out: the translation
 *
 * Permissions are the leaf's restricted by the table entries above it. A null (sparse) leaf
 * translates with prot SWMMU_PROT_NULL: reads return zero, writes are dropped.
 *
 * Context: lock-free; any context.
 * Return: 0, -EINVAL for bad @access bits, -ERANGE outside the format, -ENOENT not mapped,
 * -EACCES permission fault.
 */
int swmmu_translate(struct swmmu_as *as, u64 va, u32 access, bool set_ad,
		    struct swmmu_xlate *out)
{
	return swmmu_ops(as)->translate(as, va, access, set_ad, out);
}
