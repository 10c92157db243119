// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver-managed contexts (SWMMU_AS_DRIVER_TABLES): the device walks page tables the caller
 * wrote, like the hardware, caches what it walked until the caller invalidates it, and - the
 * part no hardware model has - tells the caller what it got wrong.
 *
 * A context is a set of registers (format, root, ASID, enable, check mode) and a TLB of its own:
 * leaf entries in a set-associative array, and a small fully associative walk cache of table
 * items (levels >= 1), both tagged with the ASID programmed when they were filled. Nothing but
 * SWMMU_INVALIDATE, disabling the context or capacity eviction drops an entry, so a driver that
 * forgets an invalidation sees the old translation, as on the hardware.
 *
 * Every table and page is reached through the file's bus (swmmu_dctx_map()): whatever the
 * tables hold, the device only touches the file's own live buffers. A buffer cannot be
 * destroyed while a context of its file is enabled (swmmu_obj_remove()), so the chunk pointers
 * the TLB keeps stay valid; disabling drops them and waits for the accesses using them.
 *
 * The checker compares, on each TLB or walk-cache hit and on each invalidation, what the device
 * cached with what the tables say now (a side-effect free walk), and reports each cached entry's
 * violation once: a fault-queue record (struct swmmu_event), a netlink event, counters.
 *
 * Locking: swmmu_dctx.lock (spinlock) protects the registers, the TLB and the counters; a
 * translation holds it from the lookup through the walk to the fill, so an invalidation never
 * races with a fill. It nests inside nothing and takes only the fault-queue locks (reports are
 * sent after it is dropped). The file lock orders enabling against buffer destruction.
 */
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_dctx.h"
#include "swmmu_device.h"
#include "swmmu_hwwalk.h"

#define SWMMU_DTLB_ENTRIES	256
#define SWMMU_DTLB_WAYS		4
#define SWMMU_DWALK_ENTRIES	64
#define SWMMU_DWALK_WAYS	4
/* Reports one translation can produce before it drops the lock to send them. */
#define SWMMU_DCTX_MAX_REPORTS	4

/**
 * struct swmmu_dpath - the items a cached translation was walked through, root first
 * @n: entries (0: unknown, e.g. through a dual directory: the checker walks afresh)
 * @level: level of each item
 * @cpu: CPU address of each item (inside a buffer of the file: buffers outlive an enabled
 *       context, and disabling drops every entry)
 * @val: each item's value when it was cached
 *
 * A cached translation is still what the tables say exactly when none of these items changed
 * (but for the accessed and dirty bits the device itself sets): the checker's fast test.
 */
struct swmmu_dpath {
	u8 n;
	u8 level[SWMMU_MAX_LEVELS];
	void *cpu[SWMMU_MAX_LEVELS];
	u64 val[SWMMU_MAX_LEVELS];
};

/**
 * struct swmmu_dtlbe - a cached leaf
 * @vpn: entry VA >> @size_lg2 (canonical VA)
 * @pa: output address of the entry's first byte
 * @pte: the leaf item when it was cached
 * @chunk: the buffer chunk holding the whole entry, or NULL (spans chunks, or null leaf)
 * @prot: effective permissions (SWMMU_PROT_NULL for a null leaf)
 * @asid: the ASID it was filled under
 * @size_lg2: lg2 of the entry size
 * @level: level of the leaf
 * @valid: the entry holds a translation
 * @dirty: the dirty bit is known set (or the format has none)
 * @reported: the checker reported this entry already
 * @path: the items from the root to the leaf
 */
struct swmmu_dtlbe {
	u64 vpn;
	u64 pa;
	u64 pte;
	struct swmmu_chunk *chunk;
	u32 prot;
	u16 asid;
	u8 size_lg2;
	u8 level;
	bool valid;
	bool dirty;
	bool reported;
	struct swmmu_dpath path;
};

/**
 * struct swmmu_dwalke - a cached table item (walk cache)
 * @va: first VA of the item's span (canonical)
 * @table: address of the table holding the item
 * @pte: the item when it was cached
 * @child: the table it points at
 * @all: AND of the items from the root down to this one
 * @any: OR of the same
 * @asid: the ASID it was filled under
 * @level: level of the item (>= 1)
 * @valid: the entry is in use
 * @reported: the checker reported this entry already
 * @path: the items from the root down to this one
 */
struct swmmu_dwalke {
	u64 va;
	u64 table;
	u64 pte;
	u64 child;
	u64 all;
	u64 any;
	u16 asid;
	u8 level;
	bool valid;
	bool reported;
	struct swmmu_dpath path;
};

/**
 * struct swmmu_dctx - a driver-managed context
 * @lock: protects everything below but @node
 * @as: the address space object it belongs to
 * @fmt: the programmed format (a built-in one, or @fmt_own for a smaller VA size)
 * @fmt_own: storage for a derived format
 * @format_id: programmed format ID
 * @flags: SWMMU_CTX_*
 * @asid: programmed ASID
 * @check: SWMMU_CHECK_*
 * @root: programmed root table
 * @sizes: lg2 bitmap of the entry sizes in @tlb
 * @last_chunk: the buffer chunk the last table or page was found in (tables cluster), or NULL;
 *              reset when the context is disabled, before any buffer may be freed
 * @last_data: the same for the pages translations point at
 * @victim: replacement counter of @tlb
 * @wvictim: replacement counter of @walk
 * @st: counters (struct swmmu_ctx_info's out_ fields)
 * @tlb: leaf entries, SWMMU_DTLB_WAYS per set
 * @walk: walk-cache entries, SWMMU_DWALK_WAYS per set (keyed by level and span)
 * @node: in swmmu_dctx_list
 * @pid: thread group that created it
 */
struct swmmu_dctx {
	spinlock_t lock;
	struct swmmu_as_obj *as;
	const struct swmmu_format *fmt;
	struct swmmu_format fmt_own;
	u32 format_id;
	u32 flags;
	u32 asid;
	u32 check;
	u64 root;
	u64 sizes;
	struct swmmu_chunk *last_chunk;
	struct swmmu_chunk *last_data;
	unsigned int victim;
	unsigned int wvictim;
	struct {
		u64 hits, misses, walks, faults, ad_updates, invalidations, inval_dropped;
		u64 checks, stale, bbm, table_reuse;
	} st;
	struct swmmu_dtlbe tlb[SWMMU_DTLB_ENTRIES];
	struct swmmu_dwalke walk[SWMMU_DWALK_ENTRIES];
	struct list_head node;
	pid_t pid;
};

/* Every context of the module, for netlink CTX_GET and debugfs. */
static LIST_HEAD(swmmu_dctx_list);
static DEFINE_MUTEX(swmmu_dctx_list_lock);

/**
 * struct swmmu_dreport - a checker report collected under the lock, sent after it
 * @ev: the record (fault.as_id/queue_id filled by the sender)
 */
struct swmmu_dreport {
	struct swmmu_event ev;
};

/**
 * struct swmmu_dwork - state of one translation or invalidation
 * @ctx: the context
 * @nr: reports collected
 * @rep: the reports
 */
struct swmmu_dwork {
	struct swmmu_dctx *ctx;
	unsigned int nr;
	struct swmmu_dreport rep[SWMMU_DCTX_MAX_REPORTS];
};

/* ---- memory: the file's bus only ----------------------------------------------------------- */

/*
 * The CPU address of [addr, addr + bytes) when one live buffer chunk of the file holds all of it.
 * A buffer being destroyed is dead before it leaves the bus (swmmu_obj_remove()), and its chunks
 * are freed only after the walks that may have found them (swmmu_buf_release_chunks()).
 */
static struct swmmu_chunk *swmmu_dctx_chunk(struct swmmu_file *file, u64 addr, u64 bytes)
{
	struct swmmu_chunk *c = swmmu_bus_lookup(file, addr);

	if (!c || READ_ONCE(c->buf->dead))
		return NULL;
	if (bytes > c->size || addr - c->dma > c->size - bytes)
		return NULL;
	return c;
}

/*
 * swmmu_dctx_chunk() through a one-entry cache (@slot): tables cluster in a few buffers, and
 * so do pages. The context's lock is held and the context is enabled, so no buffer of the file
 * can be freed (swmmu_obj_remove()); disabling clears the caches.
 */
static struct swmmu_chunk *swmmu_dctx_cached_chunk(struct swmmu_dctx *d,
						   struct swmmu_chunk **slot, u64 addr, u64 bytes)
{
	struct swmmu_chunk *c = *slot;

	if (c && addr >= c->dma && bytes <= c->size && addr - c->dma <= c->size - bytes)
		return c;
	c = swmmu_dctx_chunk(d->as->file, addr, bytes);
	if (c)
		*slot = c;
	return c;
}

/* The walker's window on memory; the context's lock is held. */
static void *swmmu_dctx_map(void *ctx, u64 addr, u64 bytes)
{
	struct swmmu_dctx *d = ctx;
	struct swmmu_chunk *c = swmmu_dctx_cached_chunk(d, &d->last_chunk, addr, bytes);

	return c ? page_address(c->page) + (addr - c->dma) : NULL;
}

/* ---- the TLB ------------------------------------------------------------------------------- */

static struct swmmu_dtlbe *swmmu_dtlb_set(struct swmmu_dctx *d, u32 asid, u64 vpn, unsigned int s)
{
	unsigned int set = hash_64(vpn ^ ((u64)asid << 40) ^ ((u64)s << 58),
				   ilog2(SWMMU_DTLB_ENTRIES / SWMMU_DTLB_WAYS));

	return &d->tlb[set * SWMMU_DTLB_WAYS];
}

static struct swmmu_dtlbe *swmmu_dtlb_find(struct swmmu_dctx *d, u64 va)
{
	u64 m;

	for (m = d->sizes; m; m &= m - 1) {
		unsigned int s = __ffs64(m), w;
		struct swmmu_dtlbe *e = swmmu_dtlb_set(d, d->asid, va >> s, s);

		for (w = 0; w < SWMMU_DTLB_WAYS; w++)
			if (e[w].valid && e[w].asid == d->asid && e[w].size_lg2 == s &&
			    e[w].vpn == va >> s)
				return &e[w];
	}
	return NULL;
}

static struct swmmu_dwalke *swmmu_dwalk_set(struct swmmu_dctx *d, unsigned int level, u64 va)
{
	u64 key = (va >> d->fmt->level[level].shift) ^ ((u64)level << 56) ^ ((u64)d->asid << 40);
	unsigned int set = hash_64(key, ilog2(SWMMU_DWALK_ENTRIES / SWMMU_DWALK_WAYS));

	return &d->walk[set * SWMMU_DWALK_WAYS];
}

/* The deepest walk-cache entry of the current ASID whose span holds @va. */
static struct swmmu_dwalke *swmmu_dwalk_find(struct swmmu_dctx *d, u64 va)
{
	unsigned int lvl, w;

	for (lvl = 1; lvl < d->fmt->nr_levels; lvl++) {
		struct swmmu_dwalke *e = swmmu_dwalk_set(d, lvl, va);
		u64 span = 1ULL << d->fmt->level[lvl].shift;

		for (w = 0; w < SWMMU_DWALK_WAYS; w++)
			if (e[w].valid && e[w].asid == d->asid && e[w].level == lvl &&
			    va >= e[w].va && va - e[w].va < span)
				return &e[w];
	}
	return NULL;
}

/* Record the path of a walk: the prefix a walk-cache start skipped, then its own steps. */
static void swmmu_dpath_build(struct swmmu_dpath *p, const struct swmmu_dpath *prefix,
			      const struct swmmu_hw_xlate *xl, unsigned int nr_steps, bool leaf)
{
	unsigned int i;

	p->n = 0;
	if (xl->dual || (prefix && !prefix->n))
		return;
	if (prefix)
		*p = *prefix;
	for (i = 0; i < nr_steps && p->n < SWMMU_MAX_LEVELS; i++) {
		p->level[p->n] = xl->step[i].level;
		p->cpu[p->n] = xl->step[i].cpu;
		p->val[p->n++] = xl->step[i].pte;
	}
	if (leaf && p->n < SWMMU_MAX_LEVELS) {
		p->level[p->n] = xl->level;
		p->cpu[p->n] = xl->item_cpu;
		p->val[p->n++] = xl->pte;
	}
}

static void swmmu_dwalk_fill(struct swmmu_dctx *d, const struct swmmu_hw_xlate *xl,
			     unsigned int i, const struct swmmu_dpath *prefix)
{
	const struct swmmu_hw_step *s = &xl->step[i];
	struct swmmu_dwalke *set = swmmu_dwalk_set(d, s->level, s->va), *slot = NULL;
	unsigned int w;

	for (w = 0; w < SWMMU_DWALK_WAYS && !slot; w++)
		if (!set[w].valid || (set[w].asid == d->asid && set[w].level == s->level &&
				      set[w].va == s->va))
			slot = &set[w];
	if (!slot)
		slot = &set[d->wvictim++ % SWMMU_DWALK_WAYS];
	*slot = (struct swmmu_dwalke){
		.va = s->va, .table = s->table, .pte = s->pte, .child = s->child,
		.all = s->all, .any = s->any, .asid = (u16)d->asid, .level = s->level,
		.valid = true,
	};
	swmmu_dpath_build(&slot->path, prefix, xl, i + 1, false);
}

static struct swmmu_dtlbe *swmmu_dtlb_fill(struct swmmu_dctx *d,
					   const struct swmmu_hw_xlate *xl, struct swmmu_chunk *c,
					   const struct swmmu_dpath *prefix)
{
	u64 vpn = xl->entry_va >> xl->size_lg2;
	struct swmmu_dtlbe *set = swmmu_dtlb_set(d, d->asid, vpn, xl->size_lg2), *slot = NULL;
	unsigned int w, i;

	for (w = 0; w < SWMMU_DTLB_WAYS && !slot; w++)
		if (!set[w].valid || (set[w].asid == d->asid && set[w].size_lg2 == xl->size_lg2 &&
				      set[w].vpn == vpn))
			slot = &set[w];
	if (!slot)
		slot = &set[d->victim++ % SWMMU_DTLB_WAYS];
	*slot = (struct swmmu_dtlbe){
		.vpn = vpn, .pa = xl->entry_pa, .pte = xl->pte, .chunk = c, .prot = xl->eff_prot,
		.asid = (u16)d->asid, .size_lg2 = xl->size_lg2, .level = xl->level, .valid = true,
		.dirty = xl->dirty,
	};
	swmmu_dpath_build(&slot->path, prefix, xl, xl->nr_steps, true);
	d->sizes |= BIT_ULL(xl->size_lg2);
	/*
	 * The walk's table items: what the next miss may skip. An item pointing at a dual
	 * directory is not cached: the walk of a dual item needs both of its words.
	 */
	for (i = 0; i < xl->nr_steps; i++) {
		u8 child = xl->step[i].level - 1;

		if (!(child == 2 && (d->fmt->level[2].flags & SWMMU_LVL_DUAL)))
			swmmu_dwalk_fill(d, xl, i, prefix);
	}
	return slot;
}

/* ---- the checker --------------------------------------------------------------------------- */

static u32 swmmu_dctx_walk_flags(const struct swmmu_dctx *d)
{
	const struct swmmu_format *f = d->fmt;

	if (!f->accessed && !f->dirty)
		return 0;
	if ((f->flags & SWMMU_FMT_AD_OPTIONAL) && !(d->flags & SWMMU_CTX_HW_AD))
		return SWMMU_HW_AD_FAULT;
	return SWMMU_HW_SET_AD;
}

/* A side-effect free walk of the tables as they are now. */
static int swmmu_dctx_fresh(struct swmmu_dctx *d, u64 va, struct swmmu_hw_xlate *xl)
{
	struct swmmu_hw_mem mem = { .map = swmmu_dctx_map, .ctx = d };

	return swmmu_hw_walk(d->fmt, &mem, d->root, va, 0, 0, NULL, xl);
}

static void swmmu_dctx_add_report(struct swmmu_dwork *w, u32 class, u64 va, u32 level,
				  u64 cached_pte, u64 current_pte, u64 cached_pa, u64 current_pa,
				  u32 asid)
{
	struct swmmu_dctx *d = w->ctx;
	struct swmmu_event *ev;

	if (class == SWMMU_CHECK_STALE)
		d->st.stale++;
	else if (class == SWMMU_CHECK_BBM)
		d->st.bbm++;
	else
		d->st.table_reuse++;
	if (w->nr == SWMMU_DCTX_MAX_REPORTS)
		return;
	ev = &w->rep[w->nr++].ev;
	memset(ev, 0, sizeof(*ev));
	ev->fault.iova = va;
	ev->fault.level = level;
	ev->fault.flags = SWMMU_FAULT_CHECK;
	ev->class = class;
	ev->asid = asid;
	ev->cached_pte = cached_pte;
	ev->current_pte = current_pte;
	ev->cached_pa = cached_pa;
	ev->current_pa = current_pa;
}

static bool swmmu_dctx_bbm_change(const struct swmmu_dctx *d, const struct swmmu_dtlbe *e,
				  const struct swmmu_hw_xlate *now, int ret)
{
	bool now_valid = !ret || now->fault == SWMMU_HWF_PERMISSION;

	return (d->fmt->flags & SWMMU_FMT_BBM) && now_valid &&
	       !(e->prot & SWMMU_PROT_NULL) && !(now->prot & SWMMU_PROT_NULL) &&
	       (now->entry_pa != e->pa || now->size_lg2 != e->size_lg2);
}

/*
 * Did any item of a recorded path change (but for the accessed and dirty bits the device sets)?
 * True also when the path is unknown: the caller then compares with a fresh walk.
 */
static bool swmmu_dpath_changed(const struct swmmu_dctx *d, const struct swmmu_dpath *p)
{
	u64 ad = d->fmt->accessed | d->fmt->dirty;
	unsigned int i;

	if (!p->n)
		return true;
	for (i = 0; i < p->n; i++)
		if ((swmmu_hw_item_load(d->fmt, p->level[i], p->cpu[i]) ^ p->val[i]) & ~ad)
			return true;
	return false;
}

/*
 * Compare a cached leaf with the tables for @va; report and return true if they differ.
 * On a hit (@on_hit) any difference is a violation (stale or BBM); on an invalidation only a
 * valid-to-different-valid replacement on a BBM format is (the invalidation fixes the rest).
 */
static bool swmmu_dctx_check_leaf(struct swmmu_dwork *w, struct swmmu_dtlbe *e, u64 va,
				  bool on_hit)
{
	struct swmmu_dctx *d = w->ctx;
	u64 off = va & ((1ULL << e->size_lg2) - 1), now_pa;
	struct swmmu_hw_xlate now;
	bool differs, bbm;
	int ret;

	if (e->reported)
		return false;
	d->st.checks++;
	/* The fast test: the same items, so the same translation. */
	if (!swmmu_dpath_changed(d, &e->path))
		return false;
	ret = swmmu_dctx_fresh(d, va, &now);
	bbm = swmmu_dctx_bbm_change(d, e, &now, ret);
	differs = ret || now.entry_pa != e->pa || now.size_lg2 != e->size_lg2 ||
		  now.eff_prot != e->prot;
	if (!(on_hit ? differs : bbm))
		return false;
	e->reported = true;
	now_pa = ret && now.fault != SWMMU_HWF_PERMISSION ? ~0ULL :
		 now.entry_pa + (va & ((1ULL << now.size_lg2) - 1));
	swmmu_dctx_add_report(w, bbm ? SWMMU_CHECK_BBM : SWMMU_CHECK_STALE, va, e->level, e->pte,
			      now.pte, e->pa + off, now_pa, e->asid);
	return true;
}

/*
 * Does the table item a walk-cache entry copied, or any item above it, still hold what it did?
 * @cur is the entry's own item now.
 */
static bool swmmu_dctx_walk_changed(struct swmmu_dctx *d, const struct swmmu_dwalke *we,
				    u64 *cur)
{
	struct swmmu_hw_mem mem = { .map = swmmu_dctx_map, .ctx = d };

	d->st.checks++;
	if (swmmu_hw_read_item(d->fmt, &mem, we->table, we->level, we->va, cur)) {
		*cur = 0;
		return true;
	}
	/* The accessed bit of a table item is the hardware's to set: not a change. */
	if ((*cur & ~d->fmt->accessed) != (we->pte & ~d->fmt->accessed))
		return true;
	return we->path.n && swmmu_dpath_changed(d, &we->path);
}

/*
 * Has a walk-cache entry's table item (or one above it) changed? Reported once per entry, but
 * answered every time: strict mode must stop using the entry after the report too.
 */
static bool swmmu_dctx_check_walk(struct swmmu_dwork *w, struct swmmu_dwalke *we, u64 va)
{
	u64 cur;

	if (!swmmu_dctx_walk_changed(w->ctx, we, &cur))
		return false;
	if (!we->reported) {
		we->reported = true;
		swmmu_dctx_add_report(w, SWMMU_CHECK_TABLE_REUSE, va, we->level, we->pte, cur,
				      we->child, ~0ULL, we->asid);
	}
	return true;
}

/* Send the collected reports: fault queue, netlink. The context's lock is not held. */
static void swmmu_dctx_send(struct swmmu_dwork *w, struct swmmu_queue *q)
{
	struct swmmu_as_obj *as = w->ctx->as;
	unsigned int i;

	for (i = 0; i < w->nr; i++) {
		struct swmmu_event *ev = &w->rep[i].ev;

		ev->fault.as_id = as->obj.id;
		ev->fault.queue_id = q ? q->obj.id : 0;
		if (as->file->dev)
			swmmu_fault_check_event(as->file->dev, ev);
		swmmu_events_check(as->debug_id, w->ctx->pid, ev);
	}
}

/* ---- translation --------------------------------------------------------------------------- */

static int swmmu_dctx_fault(struct swmmu_dctx *d, struct swmmu_fault_info *fi, u64 va,
			    u32 access, u32 reason, u32 level, u64 pte)
{
	d->st.faults++;
	fi->iova = va;
	fi->access = access;
	fi->reason = reason;
	fi->level = level;
	fi->pte = pte;
	fi->asid = d->asid;
	return swmmu_fault_errno(reason);
}

static void swmmu_dctx_out(const struct swmmu_dtlbe *e, u64 va, struct swmmu_dxl *out,
			   struct swmmu_chunk *c)
{
	u64 off = va & ((1ULL << e->size_lg2) - 1), pa = e->pa + off;

	out->avail = (1ULL << e->size_lg2) - off;
	if (e->prot & SWMMU_PROT_NULL) {
		out->cpu = NULL;
		return;
	}
	out->avail = min(out->avail, c->size - (pa - c->dma));
	out->cpu = page_address(c->page) + (pa - c->dma);
}

/* A hit that may serve @access (a write needs the dirty bit known set). */
static bool swmmu_dtlbe_serves(const struct swmmu_dtlbe *e, u32 access)
{
	if (e->prot & SWMMU_PROT_NULL)
		return true;
	return !(access & ~e->prot) && (!(access & SWMMU_PROT_W) || e->dirty);
}

/* Walk (from the walk cache when it can) and fill; the context's lock is held. */
static int swmmu_dctx_miss(struct swmmu_dwork *w, u64 va, u32 access, struct swmmu_dtlbe **pe,
			   struct swmmu_fault_info *fi)
{
	struct swmmu_dctx *d = w->ctx;
	struct swmmu_hw_mem mem = { .map = swmmu_dctx_map, .ctx = d };
	struct swmmu_hw_start start, *sp = NULL;
	struct swmmu_dwalke *we = swmmu_dwalk_find(d, va);
	struct swmmu_hw_xlate xl;
	struct swmmu_chunk *c = NULL;
	u64 pa_last;
	int ret;

	if (we && d->check != SWMMU_CHECK_OFF && swmmu_dctx_check_walk(w, we, va) &&
	    d->check == SWMMU_CHECK_STRICT) {
		we->valid = false;
		we = NULL;
	}
	if (we) {
		start = (struct swmmu_hw_start){ .table = we->child, .level = we->level - 1,
						 .all = we->all, .any = we->any };
		sp = &start;
	}
	d->st.misses++;
	d->st.walks++;
	ret = swmmu_hw_walk(d->fmt, &mem, d->root, va, access, swmmu_dctx_walk_flags(d), sp, &xl);
	if (ret == -EINVAL && sp) {
		/* A cached entry of a level the format no longer has: walk from the root. */
		we->valid = false;
		ret = swmmu_hw_walk(d->fmt, &mem, d->root, va, access, swmmu_dctx_walk_flags(d),
				    NULL, &xl);
	}
	if (ret)
		return swmmu_dctx_fault(d, fi, va, access, ret == -EFAULT ? xl.fault :
					SWMMU_FAULT_PERMISSION, xl.level, xl.pte);
	if (xl.ad_set)
		d->st.ad_updates++;
	if (!(xl.prot & SWMMU_PROT_NULL)) {
		pa_last = xl.entry_pa + ((1ULL << xl.size_lg2) - 1);
		c = swmmu_dctx_cached_chunk(d, &d->last_data, xl.entry_pa, 1ULL << xl.size_lg2);
		if (!c) {
			/* The entry spans chunks: the page itself must still be inside one. */
			u64 pa = xl.entry_pa + (va & ((1ULL << xl.size_lg2) - 1));

			if (!swmmu_dctx_chunk(d->as->file, pa, 1) || pa_last < xl.entry_pa)
				return swmmu_dctx_fault(d, fi, va, access, SWMMU_FAULT_BAD_OUTPUT,
							xl.level, xl.pte);
		}
	}
	*pe = swmmu_dtlb_fill(d, &xl, c, we ? &we->path : NULL);
	return 0;
}

/**
 * swmmu_dctx_translate() - translate one device access through a driver-managed context
 * @x: the command; the caller is inside a step
 * @va: the device VA
 * @access: SWMMU_PROT_R or SWMMU_PROT_W
 * @out: the kernel address and how many bytes from @va on it covers
 * @fi: filled on a fault
 *
 * Context: process context (the step's executor); takes the context's lock, does not sleep
 * under it.
 * Return: 0, or the fault's negative errno with @fi filled.
 */
int swmmu_dctx_translate(struct swmmu_exec *x, u64 va, u32 access, struct swmmu_dxl *out,
			 struct swmmu_fault_info *fi)
{
	struct swmmu_dctx *d = x->q->as->dctx;
	struct swmmu_dtlbe *e;
	struct swmmu_chunk *c;
	struct swmmu_dwork w;
	int ret = 0;

	/* Not zeroed: only the first w.nr reports are ever read. */
	w.ctx = d;
	w.nr = 0;
	spin_lock(&d->lock);
	if (!(d->flags & SWMMU_CTX_ENABLE)) {
		ret = swmmu_dctx_fault(d, fi, va, access, SWMMU_FAULT_DISABLED,
				       d->fmt->nr_levels - 1, 0);
		goto out;
	}
	e = swmmu_dtlb_find(d, va);
	if (e && swmmu_dtlbe_serves(e, access)) {
		if (d->check != SWMMU_CHECK_OFF && swmmu_dctx_check_leaf(&w, e, va, true) &&
		    d->check == SWMMU_CHECK_STRICT) {
			e->valid = false;
			e = NULL;
		}
	} else {
		e = NULL;
	}
	if (e) {
		d->st.hits++;
	} else {
		ret = swmmu_dctx_miss(&w, va, access, &e, fi);
		if (ret)
			goto out;
	}
	c = e->chunk;
	if (!c && !(e->prot & SWMMU_PROT_NULL)) {
		/* An entry that spans chunks: resolve the page at this VA. */
		u64 pa = e->pa + (va & ((1ULL << e->size_lg2) - 1));

		c = swmmu_dctx_chunk(d->as->file, pa, 1);
		if (!c) {
			ret = swmmu_dctx_fault(d, fi, va, access, SWMMU_FAULT_BAD_OUTPUT, e->level,
					       e->pte);
			goto out;
		}
	}
	swmmu_dctx_out(e, va, out, c);
out:
	spin_unlock(&d->lock);
	if (w.nr)
		swmmu_dctx_send(&w, x->q);
	return ret;
}

/* ---- commands ------------------------------------------------------------------------------ */

static struct swmmu_as_obj *swmmu_dctx_get(struct swmmu_file *file, u32 id, int *err)
{
	struct swmmu_as_obj *as = swmmu_as_get(file, id);

	*err = -ENOENT;
	if (!as)
		return NULL;
	if (!as->dctx) {
		swmmu_obj_put(&as->obj);
		*err = -EINVAL;
		return NULL;
	}
	return as;
}

/*
 * Wait until no queue of @as is in a step begun before now: the accesses still using a dropped
 * translation have finished (the sync of an invalidation command queue).
 */
static void swmmu_dctx_sync(struct swmmu_as_obj *as)
{
	struct swmmu_queue *q;
	u64 epoch;

	mutex_lock(&as->dev.lock);
	spin_lock(&as->dev.inval_lock);
	epoch = atomic64_inc_return(&as->dev.epoch);
	spin_unlock(&as->dev.inval_lock);
	/* Pairs with the barrier in swmmu_step_begin(). */
	smp_mb();
	list_for_each_entry(q, &as->dev.queues, as_node)
		wait_event(q->wq, !READ_ONCE(q->busy) || READ_ONCE(q->busy) > epoch);
	mutex_unlock(&as->dev.lock);
}

/* Drop every entry (disable, INV_CTX, INV_ALL); the lock is held. */
static u64 swmmu_dctx_drop_all(struct swmmu_dctx *d, struct swmmu_dwork *w, bool check)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < SWMMU_DTLB_ENTRIES; i++) {
		struct swmmu_dtlbe *e = &d->tlb[i];

		if (!e->valid)
			continue;
		if (check && d->check != SWMMU_CHECK_OFF && e->asid == d->asid)
			swmmu_dctx_check_leaf(w, e, e->vpn << e->size_lg2, false);
		e->valid = false;
		n++;
	}
	for (i = 0; i < SWMMU_DWALK_ENTRIES; i++) {
		n += d->walk[i].valid;
		d->walk[i].valid = false;
	}
	d->sizes = 0;
	return n;
}

static void swmmu_dctx_count_inval(struct swmmu_dctx *d, u64 dropped)
{
	d->st.invalidations++;
	d->st.inval_dropped += dropped;
}

/**
 * swmmu_dctx_invalidate() - run one invalidation command on a context
 * @as: the context's address space
 * @c: the command (validated)
 *
 * Context: process context, may sleep (waits for the accesses using dropped entries).
 */
static void swmmu_dctx_invalidate(struct swmmu_as_obj *as, const struct swmmu_inval_cmd *c)
{
	struct swmmu_dctx *d = as->dctx;
	struct swmmu_dwork w = { .ctx = d };
	u64 last = c->iova + c->length - 1, n = 0;
	unsigned int i;

	spin_lock(&d->lock);
	switch (c->opcode) {
	case SWMMU_INV_ALL:
	case SWMMU_INV_CTX:
		n = swmmu_dctx_drop_all(d, &w, true);
		break;
	case SWMMU_INV_ASID:
		for (i = 0; i < SWMMU_DTLB_ENTRIES; i++) {
			struct swmmu_dtlbe *e = &d->tlb[i];

			if (!e->valid || e->asid != c->asid)
				continue;
			if (d->check != SWMMU_CHECK_OFF && e->asid == d->asid)
				swmmu_dctx_check_leaf(&w, e, e->vpn << e->size_lg2, false);
			e->valid = false;
			n++;
		}
		for (i = 0; i < SWMMU_DWALK_ENTRIES; i++) {
			if (d->walk[i].valid && d->walk[i].asid == c->asid) {
				d->walk[i].valid = false;
				n++;
			}
		}
		break;
	case SWMMU_INV_VA:
	case SWMMU_INV_VA_WALK:
		for (i = 0; i < SWMMU_DTLB_ENTRIES; i++) {
			struct swmmu_dtlbe *e = &d->tlb[i];
			u64 first = e->vpn << e->size_lg2;
			u64 elast = first + ((1ULL << e->size_lg2) - 1);

			if (!e->valid || e->asid != c->asid || elast < c->iova || first > last)
				continue;
			if (d->check != SWMMU_CHECK_OFF && e->asid == d->asid)
				swmmu_dctx_check_leaf(&w, e, max(first, c->iova), false);
			e->valid = false;
			n++;
		}
		for (i = 0; i < SWMMU_DWALK_ENTRIES; i++) {
			struct swmmu_dwalke *we = &d->walk[i];
			u64 wlast;

			if (!we->valid || we->asid != c->asid || we->level >= d->fmt->nr_levels)
				continue;
			wlast = we->va + ((1ULL << d->fmt->level[we->level].shift) - 1);
			if (wlast < c->iova || we->va > last)
				continue;
			if (c->opcode == SWMMU_INV_VA_WALK) {
				we->valid = false;
				n++;
			} else if (d->check != SWMMU_CHECK_OFF && we->asid == d->asid) {
				/* Leaf-only, yet the table item above the range changed. */
				swmmu_dctx_check_walk(&w, we, max(we->va, c->iova));
			}
		}
		break;
	}
	swmmu_dctx_count_inval(d, n);
	spin_unlock(&d->lock);
	swmmu_dctx_send(&w, NULL);
	swmmu_dctx_sync(as);
}

static int swmmu_inval_validate(const struct swmmu_inval_cmd *c)
{
	u64 last;

	if (c->flags)
		return -EOPNOTSUPP;
	switch (c->opcode) {
	case SWMMU_INV_ALL:
		if (c->as_id || c->asid || c->iova || c->length)
			return -EINVAL;
		return 0;
	case SWMMU_INV_CTX:
		if (c->asid || c->iova || c->length)
			return -EINVAL;
		return 0;
	case SWMMU_INV_ASID:
		if (c->asid > SWMMU_ASID_MAX || c->iova || c->length)
			return -EINVAL;
		return 0;
	case SWMMU_INV_VA:
	case SWMMU_INV_VA_WALK:
		if (c->asid > SWMMU_ASID_MAX || !c->length)
			return -EINVAL;
		if (check_add_overflow(c->iova, c->length - 1, &last))
			return -EOVERFLOW;
		return 0;
	}
	return -EINVAL;
}

/* INV_ALL: every driver-managed context of the file. */
static void swmmu_dctx_invalidate_all(struct swmmu_file *file, const struct swmmu_inval_cmd *c)
{
	struct swmmu_obj *obj;
	unsigned long id;

	xa_for_each(&file->objs, id, obj) {
		struct swmmu_as_obj *as;
		int err;

		if (obj->type != SWMMU_OBJ_AS)
			continue;
		as = swmmu_dctx_get(file, (u32)id, &err);
		if (!as)
			continue;
		swmmu_dctx_invalidate(as, c);
		swmmu_obj_put(&as->obj);
	}
}

/**
 * swmmu_invalidate_kernel() - run invalidation commands, in order
 * @file: the file
 * @cmds: the commands, in kernel memory
 * @nr: entries of @cmds, 1 to SWMMU_INVALIDATE_MAX_CMDS
 *
 * Every command is validated, and every context it names found, before the first one runs.
 * Used by SWMMU_INVALIDATE (ioctl, io_uring) and by in-kernel clients.
 *
 * Context: process context, may sleep.
 * Return: 0 (all ran), -EOPNOTSUPP, -EINVAL, -EOVERFLOW, -ENOENT (no such context), -ENOMEM.
 */
int swmmu_invalidate_kernel(struct swmmu_file *file, const struct swmmu_inval_cmd *cmds,
			    unsigned int nr)
{
	struct swmmu_as_obj **as;
	unsigned int i;
	int ret = 0;

	if (!nr || nr > SWMMU_INVALIDATE_MAX_CMDS)
		return -EINVAL;
	as = kvcalloc(nr, sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return -ENOMEM;
	for (i = 0; i < nr && !ret; i++) {
		ret = swmmu_inval_validate(&cmds[i]);
		if (ret || cmds[i].opcode == SWMMU_INV_ALL)
			continue;
		as[i] = swmmu_dctx_get(file, cmds[i].as_id, &ret);
		if (as[i])
			ret = 0;
	}
	for (i = 0; i < nr && !ret; i++) {
		if (cmds[i].opcode == SWMMU_INV_ALL)
			swmmu_dctx_invalidate_all(file, &cmds[i]);
		else
			swmmu_dctx_invalidate(as[i], &cmds[i]);
	}
	for (i = 0; i < nr; i++)
		if (as[i])
			swmmu_obj_put(&as[i]->obj);
	kvfree(as);
	return ret;
}

/**
 * swmmu_cmd_invalidate() - SWMMU_INVALIDATE (ioctl and io_uring)
 * @file: the file
 * @data: struct swmmu_invalidate
 *
 * Context: process context, may sleep.
 * Return: as swmmu_invalidate_kernel(), and -EFAULT.
 */
int swmmu_cmd_invalidate(struct swmmu_file *file, void *data)
{
	struct swmmu_invalidate *cmd = data;
	struct swmmu_inval_cmd *cmds;
	int ret;

	cmd->out_nr_done = 0;
	if (cmd->flags || cmd->__reserved || cmd->__reserved2)
		return -EOPNOTSUPP;
	if (!cmd->nr_cmds || cmd->nr_cmds > SWMMU_INVALIDATE_MAX_CMDS)
		return -EINVAL;
	cmds = kvmalloc_array(cmd->nr_cmds, sizeof(*cmds), GFP_KERNEL_ACCOUNT);
	if (!cmds)
		return -ENOMEM;
	ret = -EFAULT;
	if (!copy_from_user(cmds, u64_to_user_ptr(cmd->cmds_uptr),
			    array_size(cmd->nr_cmds, sizeof(*cmds))))
		ret = swmmu_invalidate_kernel(file, cmds, cmd->nr_cmds);
	if (!ret)
		cmd->out_nr_done = cmd->nr_cmds;
	kvfree(cmds);
	return ret;
}

/**
 * swmmu_dctx_program() - write a driver-managed context's registers
 * @file: the file
 * @as_id: the context
 * @r: the values; every field is checked
 *
 * Enabling makes the device walk the tables at @r->root; disabling drops what the context
 * cached and waits until no access uses it.
 *
 * Context: process context, may sleep (disabling waits for the accesses in flight).
 * Return: 0, -EOPNOTSUPP (unknown flag), -EINVAL (ASID, check level, VA width or a misaligned
 * root), -ENOENT (no such format or context), -ENOMEM (no memory to derive the format of a
 * smaller VA width in).
 */
__cold int swmmu_dctx_program(struct swmmu_file *file, u32 as_id, const struct swmmu_dctx_regs *r)
{
	/* A format is 1.4 KB: allocated only when one is derived, not in this frame. */
	struct swmmu_format *derived = NULL;
	const struct swmmu_format *f;
	struct swmmu_dwork w;
	struct swmmu_as_obj *as;
	struct swmmu_dctx *d;
	bool was, now;
	u64 align;
	int ret;

	if (r->flags & ~(SWMMU_CTX_ENABLE | SWMMU_CTX_HW_AD))
		return -EOPNOTSUPP;
	if (r->asid > SWMMU_ASID_MAX || r->check > SWMMU_CHECK_STRICT)
		return -EINVAL;
	f = swmmu_format_get(r->format_id);
	if (!f)
		return -ENOENT;
	if (r->va_bits && r->va_bits != f->va_bits) {
		if (r->va_bits > 64)
			return -EINVAL;
		derived = kmalloc(sizeof(*derived), GFP_KERNEL);
		if (!derived)
			return -ENOMEM;
		if (swmmu_format_derive(f, r->va_bits, derived)) {
			kfree(derived);
			return -EINVAL;
		}
	}
	as = swmmu_dctx_get(file, as_id, &ret);
	if (!as)
		goto out_free;
	d = as->dctx;
	w.ctx = d;
	w.nr = 0;
	ret = 0;
	align = swmmu_hw_root_bytes(derived ? derived : f);
	align = min_t(u64, align, 1ULL << f->level[f->nr_levels - 1].table_align_lg2);
	if (r->root & (align - 1)) {
		ret = -EINVAL;
		goto out;
	}

	/* Enabling is ordered against buffer destruction by the file lock (swmmu_obj_remove()). */
	mutex_lock(&file->lock);
	spin_lock(&d->lock);
	was = d->flags & SWMMU_CTX_ENABLE;
	now = r->flags & SWMMU_CTX_ENABLE;
	if (derived) {
		d->fmt_own = *derived;
		d->fmt = &d->fmt_own;
	} else {
		d->fmt = f;
	}
	d->format_id = r->format_id;
	d->flags = r->flags;
	d->asid = r->asid;
	d->root = r->root;
	d->check = r->check;
	if (!now) {
		swmmu_dctx_drop_all(d, &w, false);
		d->last_chunk = NULL;
		d->last_data = NULL;
	}
	spin_unlock(&d->lock);
	if (now && !was)
		file->nr_dctx_enabled++;
	mutex_unlock(&file->lock);
	if (was && !now) {
		/* The buffers stay busy until no access uses the dropped translations. */
		swmmu_dctx_sync(as);
		mutex_lock(&file->lock);
		file->nr_dctx_enabled--;
		mutex_unlock(&file->lock);
	}
out:
	swmmu_obj_put(&as->obj);
out_free:
	kfree(derived);
	return ret;
}

/**
 * swmmu_cmd_ctx_set() - SWMMU_CTX_SET
 * @file: the file
 * @data: struct swmmu_ctx_set
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP (a reserved field), or as swmmu_dctx_program().
 */
int swmmu_cmd_ctx_set(struct swmmu_file *file, void *data)
{
	const struct swmmu_ctx_set *cmd = data;
	const struct swmmu_dctx_regs r = {
		.flags = cmd->flags, .format_id = cmd->format_id, .va_bits = cmd->va_bits,
		.asid = cmd->asid, .check = cmd->check, .root = cmd->root,
	};

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	return swmmu_dctx_program(file, cmd->as_id, &r);
}

static void swmmu_dctx_fill_info(struct swmmu_dctx *d, struct swmmu_ctx_info *o)
{
	unsigned int i;

	spin_lock(&d->lock);
	o->out_flags = d->flags;
	o->out_format_id = d->format_id;
	o->out_va_bits = d->fmt->va_bits;
	o->out_asid = d->asid;
	o->out_check = d->check;
	o->out_root = d->root;
	o->out_tlb_entries = SWMMU_DTLB_ENTRIES;
	o->out_walk_entries = SWMMU_DWALK_ENTRIES;
	o->out_tlb_used = 0;
	o->out_walk_used = 0;
	for (i = 0; i < SWMMU_DTLB_ENTRIES; i++)
		o->out_tlb_used += d->tlb[i].valid;
	for (i = 0; i < SWMMU_DWALK_ENTRIES; i++)
		o->out_walk_used += d->walk[i].valid;
	o->out_hits = d->st.hits;
	o->out_misses = d->st.misses;
	o->out_walks = d->st.walks;
	o->out_faults = d->st.faults;
	o->out_ad_updates = d->st.ad_updates;
	o->out_invalidations = d->st.invalidations;
	o->out_inval_dropped = d->st.inval_dropped;
	o->out_checks = d->st.checks;
	o->out_stale = d->st.stale;
	o->out_bbm = d->st.bbm;
	o->out_table_reuse = d->st.table_reuse;
	spin_unlock(&d->lock);
}

/**
 * swmmu_dctx_info() - a driver-managed context's state and counters
 * @file: the file
 * @as_id: the context
 * @out: its out_ fields are written, nothing else
 *
 * Context: process context.
 * Return: 0, -ENOENT, -EINVAL (not a driver-managed context).
 */
__cold int swmmu_dctx_info(struct swmmu_file *file, u32 as_id, struct swmmu_ctx_info *out)
{
	struct swmmu_as_obj *as;
	int ret;

	as = swmmu_dctx_get(file, as_id, &ret);
	if (!as)
		return ret;
	swmmu_dctx_fill_info(as->dctx, out);
	swmmu_obj_put(&as->obj);
	return 0;
}

/**
 * swmmu_cmd_ctx_info() - SWMMU_CTX_INFO
 * @file: the file
 * @data: struct swmmu_ctx_info
 *
 * Context: process context.
 * Return: 0, -EOPNOTSUPP, or as swmmu_dctx_info().
 */
int swmmu_cmd_ctx_info(struct swmmu_file *file, void *data)
{
	struct swmmu_ctx_info *cmd = data;

	if (cmd->flags)
		return -EOPNOTSUPP;
	return swmmu_dctx_info(file, cmd->as_id, cmd);
}

/**
 * swmmu_dctx_create() - make an address space a driver-managed context
 * @as: the new address space, not published yet; @as->fmt is its initial format
 * @format_id: the format ID it was created with
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int swmmu_dctx_create(struct swmmu_as_obj *as, u32 format_id)
{
	struct swmmu_dctx *d = kvzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);

	if (!d)
		return -ENOMEM;
	spin_lock_init(&d->lock);
	d->as = as;
	if (as->fmt_own) {
		d->fmt_own = *as->fmt_own;
		d->fmt = &d->fmt_own;
	} else {
		d->fmt = as->fmt;
	}
	d->format_id = format_id;
	d->pid = task_tgid_nr(current);
	as->dctx = d;
	mutex_lock(&swmmu_dctx_list_lock);
	list_add_tail(&d->node, &swmmu_dctx_list);
	mutex_unlock(&swmmu_dctx_list_lock);
	return 0;
}

/**
 * swmmu_dctx_destroy() - free the context of an address space being freed
 * @as: the address space; no queue is bound to it any more
 *
 * Context: process context, may sleep.
 */
void swmmu_dctx_destroy(struct swmmu_as_obj *as)
{
	struct swmmu_dctx *d = as->dctx;

	if (!d)
		return;
	mutex_lock(&swmmu_dctx_list_lock);
	list_del(&d->node);
	mutex_unlock(&swmmu_dctx_list_lock);
	if (d->flags & SWMMU_CTX_ENABLE) {
		mutex_lock(&as->file->lock);
		as->file->nr_dctx_enabled--;
		mutex_unlock(&as->file->lock);
	}
	as->dctx = NULL;
	kvfree(d);
}

/**
 * swmmu_dctx_for_each() - call @fn for every driver-managed context of the module
 * @fn: called with a snapshot of each context (its module-wide ID, owner, format and counters)
 * @arg: passed to @fn
 * @from: first context ID to report (for resumable netlink dumps)
 *
 * Context: process context, may sleep; @fn must not sleep for long (the list lock is held).
 * Return: 0, or the first non-zero value @fn returned (the walk stops there).
 */
int swmmu_dctx_for_each(int (*fn)(void *arg, const struct swmmu_dctx_snap *s), void *arg,
			u32 from)
{
	struct swmmu_dctx_snap s;
	struct swmmu_dctx *d;
	int ret = 0;

	mutex_lock(&swmmu_dctx_list_lock);
	list_for_each_entry(d, &swmmu_dctx_list, node) {
		if (d->as->debug_id < from)
			continue;
		memset(&s, 0, sizeof(s));
		s.id = d->as->debug_id;
		s.pid = d->pid;
		swmmu_dctx_fill_info(d, &s.info);
		strscpy(s.format, d->fmt->name, sizeof(s.format));
		ret = fn(arg, &s);
		if (ret)
			break;
	}
	mutex_unlock(&swmmu_dctx_list_lock);
	return ret;
}
