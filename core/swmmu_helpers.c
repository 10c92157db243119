// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers above the page-table API: backing a VA range with newly allocated pages and copying
 * bytes through a translation. They are built on the public operations (swmmu_walk(),
 * swmmu_map(), swmmu_query(), swmmu_unmap()) like any user of the library, and nothing below
 * the API calls them.
 */
#include "swmmu_internal.h"

struct pt_any {
	bool found;
};

static int pt_any_leaf(void *ctx, struct swmmu_walk_item *it)
{
	((struct pt_any *)ctx)->found = it->kind == SWMMU_ITEM_LEAF;
	return SWMMU_WALK_STOP;
}

static void *pt_page_cpu(const struct swmmu_mem *m, u64 addr)
{
	if (m->ops->to_cpu)
		return m->ops->to_cpu(m->ctx, addr);
	return (void *)(unsigned long)(addr + m->cpu_offset);
}

/**
 * swmmu_allocate_range() - back a VA range with newly allocated, zeroed pages
 * @as: the address space
 * @va: first VA, aligned to the smallest page size
 * @len: bytes, a multiple of the smallest page size
 * @prot: SWMMU_PROT_* for the mappings
 * @pages: allocator for the pages (alloc/free with the page size as size and alignment)
 *
 * The range must be entirely unmapped. Pages are mapped one by one with the smallest page size.
 * On failure every page allocated by this call is unmapped and freed (tables created for it stay,
 * empty; swmmu_free_empty() removes them).
 *
 * Context: the caller holds the range; may sleep if the callbacks sleep.
 * Return: 0, errors of swmmu_map(), -EEXIST if something is mapped in the range, -ENOMEM.
 */
int swmmu_allocate_range(struct swmmu_as *as, u64 va, u64 len, u32 prot,
			 const struct swmmu_mem *pages)
{
	static const struct swmmu_walk_ops ops = { .leaf = pt_any_leaf };
	u64 gran = pt_bit(pt_min_leaf_shift(as->fmt)), done, start, last;
	struct pt_any any = { .found = false };
	int ret;

	if (!len || ((va | len) & (gran - 1)))
		return -EINVAL;
	ret = pt_leaf_prot_ok(as->fmt, prot);
	if (!ret)
		ret = pt_range(as->fmt, va, len, &start, &last);
	if (!ret)
		ret = swmmu_walk(as, va, len, &ops, &any);
	if (ret)
		return ret;
	if (any.found)
		return -EEXIST;
	for (done = 0; done < len; done += gran) {
		u64 addr;
		void *cpu = pages->ops->alloc(pages->ctx, gran, gran, &addr);

		if (!cpu) {
			ret = -ENOMEM;
			break;
		}
		memset(cpu, 0, gran);
		ret = swmmu_map(as, va + done, addr, gran, prot);
		if (ret) {
			pages->ops->free(pages->ctx, cpu, addr, gran);
			break;
		}
	}
	if (!ret)
		return 0;
	while (done) {
		struct swmmu_xlate x;

		done -= gran;
		if (!swmmu_query(as, va + done, &x)) {
			swmmu_unmap(as, va + done, gran, 0, NULL, NULL);
			pages->ops->free(pages->ctx, pt_page_cpu(pages, x.pa), x.pa, gran);
		}
	}
	return ret;
}

/**
 * swmmu_copy() - copy bytes between a buffer and memory mapped at a VA range
 * @as: the address space
 * @va: first VA
 * @buf: the buffer
 * @len: bytes
 * @to_va: true to write @buf into the mapped memory, false to read it
 *
 * Output addresses are turned into CPU pointers with @as's memory callbacks (to_cpu or the linear
 * offset). Permissions are not checked. Null (sparse) leaves read as zero and drop writes.
 *
 * Context: lock-free; the caller keeps the range mapped.
 * Return: 0, -ERANGE, -ENOENT if a byte of the range is not mapped (bytes before it were copied).
 */
int swmmu_copy(const struct swmmu_as *as, u64 va, void *buf, size_t len, bool to_va)
{
	char *b = buf;

	while (len) {
		struct swmmu_xlate x;
		u64 chunk;
		int ret = swmmu_query(as, va, &x);

		if (ret)
			return ret;
		chunk = pt_lowmask(x.size_lg2) - (x.pa - x.entry_pa) + 1;
		if (!chunk || chunk > len)
			chunk = len;
		if (x.prot & SWMMU_PROT_NULL) {
			if (!to_va)
				memset(b, 0, chunk);
		} else if (to_va) {
			memcpy(pt_cpu(as, x.pa), b, chunk);
		} else {
			memcpy(b, pt_cpu(as, x.pa), chunk);
		}
		b += chunk;
		len -= chunk;
		va += chunk;
	}
	return 0;
}
