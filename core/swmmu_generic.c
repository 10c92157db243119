// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's cold paths and the generic instance: compiled once, reading the descriptor at run
 * time (as->fmt). Every format's instance calls the cold paths here; formats parsed from a text
 * description use them for every operation.
 */
#define SWMMU_ENGINE_COLD
#include "swmmu_engine.h"

/**
 * swmmu_cold_map() - the general map of a request (any sizes, segments and options)
 * @as: the address space
 * @req: the request, validated as swmmu_map_ext() documents
 *
 * Context: the caller holds the range; lock-free readers may run. Internal to the library.
 * Return: 0 or the errno of swmmu_map_ext(); on error nothing changed.
 */
int swmmu_cold_map(struct swmmu_as *as, const struct swmmu_map_req *req)
{
	return pt_map(as->fmt, as, req);
}

/**
 * swmmu_cold_map1() - map of one segment that the cached single-page path did not take
 * @as: the address space
 * @va: first address
 * @pa: first output address
 * @len: length in bytes
 * @prot: SWMMU_PROT_* of the leaves
 *
 * Tries the walked single-page path and the one-table run before the general map.
 *
 * Context: as swmmu_cold_map(). Internal to the library.
 * Return: as swmmu_cold_map().
 */
int swmmu_cold_map1(struct swmmu_as *as, u64 va, u64 pa, u64 len, u32 prot)
{
	const struct swmmu_format *f = as->fmt;
	struct swmmu_seg seg = { .pa = pa, .len = len };
	struct swmmu_map_req req = { .va = va, .segs = &seg, .nr_segs = 1, .prot = prot };
	int ret = len == pt_bit(f->level[0].shift) ? pt_map_one(f, as, va, pa, prot, true) :
		  pt_map_fast(f, as, va, pa, len, prot);

	return ret != PT_SLOW ? ret : pt_map(f, as, &req);
}

/**
 * swmmu_cold_unmap() - unmap that the cached single-page path did not take
 * @as: the address space
 * @va: first address
 * @len: length in bytes
 * @flags: SWMMU_UNMAP_* flags
 * @g: gather of the invalidations and of the tables to free, or NULL
 * @unmapped: set to the bytes unmapped, or NULL
 *
 * Context: as swmmu_cold_map(). Internal to the library.
 * Return: 0 or the errno of swmmu_unmap_ext(); on error nothing changed.
 */
int swmmu_cold_unmap(struct swmmu_as *as, u64 va, u64 len, u32 flags, struct swmmu_gather *g,
		     u64 *unmapped)
{
	const struct swmmu_format *f = as->fmt;
	int ret = !flags && len == pt_bit(f->level[0].shift) &&
		  !(va & pt_lowmask(f->level[0].shift)) ?
		  pt_unmap_one(f, as, va, g, unmapped, true) :
		  pt_unmap_fast(f, as, va, len, flags, g, unmapped);

	return ret != PT_SLOW ? ret : pt_unmap(f, as, va, len, flags, g, unmapped);
}

/**
 * swmmu_cold_protect() - change the permissions of a range
 * @as: the address space
 * @va: first address
 * @len: length in bytes
 * @prot: new SWMMU_PROT_* of the leaves
 * @flags: SWMMU_PROTECT_* flags
 * @g: gather of the invalidations, or NULL
 *
 * Context: as swmmu_cold_map(). Internal to the library.
 * Return: 0 or the errno of swmmu_protect_ext(); on error nothing changed.
 */
int swmmu_cold_protect(struct swmmu_as *as, u64 va, u64 len, u32 prot, u32 flags,
		       struct swmmu_gather *g)
{
	return pt_protect(as->fmt, as, va, len, prot, flags, g);
}

/**
 * swmmu_cold_query_walk() - the walk of a query whose cached path missed
 * @as: the address space
 * @ia: the internal address (already checked)
 * @out: the translation
 *
 * Context: lock-free. Internal to the library.
 * Return: 0, or -ENOENT if nothing is mapped at @ia.
 */
int swmmu_cold_query_walk(const struct swmmu_as *as, u64 ia, struct swmmu_xlate *out)
{
	return pt_query_walk(as->fmt, as, ia, out);
}

/**
 * swmmu_cold_query_pa_walk() - the walk of an address-only query whose cached path missed
 * @as: the address space
 * @ia: the internal address (already checked)
 * @pa: set to the output address
 *
 * Context: lock-free. Internal to the library.
 * Return: 0, or -ENOENT if nothing is mapped at @ia.
 */
int swmmu_cold_query_pa_walk(const struct swmmu_as *as, u64 ia, u64 *pa)
{
	struct swmmu_xlate x;
	int ret = pt_query_walk(as->fmt, as, ia, &x);

	if (!ret)
		*pa = x.pa;
	return ret;
}

/**
 * swmmu_cold_translate() - a device access: translate, check and set accessed/dirty
 * @as: the address space
 * @va: the address
 * @access: SWMMU_PROT_R/W/X/U of the access
 * @set_ad: set the accessed (and for writes dirty) bits as the hardware would
 * @out: the translation
 *
 * Context: lock-free. Internal to the library.
 * Return: as swmmu_translate().
 */
int swmmu_cold_translate(struct swmmu_as *as, u64 va, u32 access, bool set_ad,
			 struct swmmu_xlate *out)
{
	return pt_translate(as->fmt, as, va, access, set_ad, out);
}

/* A full query of a format read at run time: the walk itself tries the cache first. */
static int swmmu_generic_query(const struct swmmu_as *as, u64 va, struct swmmu_xlate *out)
{
	unsigned int lvl;
	void *tbl;
	u64 ia;

	if (!pt_va_to_ia(as->fmt, va, &ia))
		return -ERANGE;
	return pt_lookup_fill(as->fmt, as, ia, true, &tbl, &lvl, out);
}

static int swmmu_generic_query_pa(const struct swmmu_as *as, u64 va, u64 *pa)
{
	struct swmmu_xlate x;
	int ret = swmmu_generic_query(as, va, &x);

	if (!ret)
		*pa = x.pa;
	return ret;
}

/*
 * The generic instance, for formats parsed from a text description: the cold paths serve every
 * operation (a hot path specialised on a descriptor read at run time would only copy them).
 */
const struct swmmu_pt_ops swmmu_generic_ops = {
	.map = swmmu_cold_map,
	.map1 = swmmu_cold_map1,
	.unmap = swmmu_cold_unmap,
	.protect = swmmu_cold_protect,
	.query = swmmu_generic_query,
	.query_pa = swmmu_generic_query_pa,
	.translate = swmmu_cold_translate,
};

/**
 * swmmu_split_edges() - split the leaves an unmap or protect range cuts at its two ends
 * @c: the operation's context: @c->as, @c->g and the tables counted in @c->need
 * @start: first internal address of the range
 * @last: last internal address of the range (inclusive)
 *
 * The cold half of every engine instance's range preamble (pt_edges()): compiled once, reading
 * the format at run time. Tables are pre-allocated first, so a failure changes nothing.
 *
 * Context: the caller holds the range; lock-free readers may run. Internal to the library.
 * Return: 0, -EOPNOTSUPP if a table entry cannot be encoded, -ENOMEM.
 */
int swmmu_split_edges(struct pt_ctx *c, u64 start, u64 last)
{
	return pt_split_edges(c->as->fmt, c, start, last);
}
