// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks of real IOMMU tables (VTD_CHECK, AMD_CHECK): walk the table an IOMMU uses for a device
 * with the core's format for that IOMMU and compare it with the kernel's own view
 * (iommu_iova_to_phys()), with what was mapped and with the device's DMA.
 *
 * A small PCI driver binds QEMU's "edu" device (1234:11e8), whose DMA goes through the IOMMU the
 * VM was booted with. A check maps pages for it with the DMA API; then the IOMMU-specific part
 * (swmmu_vtd.c, swmmu_amd.c) finds the table the IOMMU hardware uses, the way the hardware does,
 * from the IOMMU's registers; this file walks the whole IOVA space of that table, compares every
 * 4 KiB page of every leaf with iommu_iova_to_phys() and every mapped page with the address and
 * permission it was mapped with, lets the device copy bytes through the walked translations,
 * unmaps, and checks that no mapped IOVA still translates.
 *
 * The table is found after the mappings are made: a map may change it (the AMD driver adds
 * levels above the root when an IOVA does not fit, and rewrites the DTE).
 *
 * Locking: the IOMMU drivers change a domain's tables only in map/unmap calls for the domain's
 * devices. The edu device's only user is this driver and every map/unmap it makes happens under
 * swmmu_iommu_lock, in this same call, so the tables are stable while we walk them; the IOMMU
 * (hardware, or QEMU) only reads them (no accessed/dirty updates: VT-d legacy mode, AMD DTE
 * HAD = 0). The root, context and device tables do not change while the device stays attached,
 * which holding the device and the lock (remove() takes it) guarantees. All of these tables are
 * kernel pages: they are read through the direct map after checking that the address is RAM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu_iommu.h"

#define PCI_VENDOR_ID_QEMU_EDU	0x1234
#define PCI_DEVICE_ID_QEMU_EDU	0x11e8

/* edu registers (QEMU docs/specs/edu.txt) */
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_RUN		0x1
#define EDU_DMA_TO_RAM		0x2
#define EDU_BUF_ADDR		0x40000
/*
 * The device's buffer is 4096 bytes, but QEMU 7.2's range check wants the end of a transfer
 * strictly below the end of the buffer (and aborts QEMU otherwise): move half a page.
 */
#define EDU_DMA_LEN		2048
/* The device drops DMA address bits above 28 ("dma_mask" property, default 28). */
#define EDU_DMA_BITS		28

#define SWMMU_PROT_RW		(SWMMU_PROT_READ | SWMMU_PROT_WRITE)

/**
 * struct swmmu_edu - the bound edu device
 * @pdev: the PCI device
 * @bar: its MMIO registers
 */
struct swmmu_edu {
	struct pci_dev *pdev;
	void __iomem *bar;
};

/* Serialises the checks with each other and with probe/remove. */
static DEFINE_MUTEX(swmmu_iommu_lock);
static struct swmmu_edu *swmmu_edu;

/**
 * struct swmmu_iommu_page - one 4 KiB page the check mapped
 * @iova: its IOVA
 * @phys: the physical address mapped there
 * @prot: SWMMU_PROT_READ/WRITE the DMA direction asks for
 */
struct swmmu_iommu_page {
	dma_addr_t iova;
	phys_addr_t phys;
	u32 prot;
};

/**
 * struct swmmu_iommu_ctx - one check in progress
 * @chk: the command's common part
 * @find_table: the IOMMU-specific part
 * @arg: its argument (the command)
 * @dev: the edu device
 * @edu: its registers
 * @dom: its IOMMU domain
 * @tbl: the table find_table() found
 * @entry: the leaf entry of the last leaf item the walk reported
 * @entry_prot: its permissions (swmmu_iommu_prot())
 * @regions: leaves of the first walk (kernel copy), @cap entries
 * @cap: capacity of @regions
 * @pages: every page mapped, @nr_pages of them
 * @walk_prot: for each of @pages, the read/write permission the walk found (0 if unmapped)
 * @nr_pages: entries of @pages
 * @single: single pages (struct page), @nr_single of them, with their DMA addresses @single_dma
 * @nr_single: entries of @single
 * @single_dma: DMA address of each single page, 0 if not mapped
 * @sgt: the scatterlist (its pages are @sg_pages)
 * @sg_pages: pages of @sgt
 * @sg_mapped: @sgt is mapped
 * @contig: the contiguous block, or NULL
 * @contig_dma: its DMA address, 0 if not mapped
 */
struct swmmu_iommu_ctx {
	struct swmmu_iommu_check *chk;
	swmmu_find_table_t find_table;
	void *arg;
	struct device *dev;
	void __iomem *edu;
	struct iommu_domain *dom;
	struct swmmu_iommu_table tbl;
	struct swmmu_xlate entry;
	u32 entry_prot;
	struct swmmu_dump_region *regions;
	u32 cap;
	struct swmmu_iommu_page *pages;
	u32 *walk_prot;
	unsigned int nr_pages;
	struct page **single;
	unsigned int nr_single;
	dma_addr_t *single_dma;
	struct sg_table sgt;
	struct page **sg_pages;
	bool sg_mapped;
	struct page *contig;
	dma_addr_t contig_dma;
};

/* ---- reading the IOMMU's tables ---------------------------------------------------------- */

/**
 * swmmu_acpi_find() - find a subtable of an ACPI table
 * @sig: the table's signature (ACPI_SIG_DMAR, ACPI_SIG_IVRS)
 * @first: offset of the first subtable (the size of the table's own header)
 * @match: called with each whole subtable and its length, until it returns true
 * @ctx: passed to @match
 *
 * For the tables that list IOMMUs, whose subtables carry their 16-bit length at offset 2 (DMAR
 * remapping structures, IVRS IVHD and IVMD blocks). A subtable running past the end of the
 * table ends the search.
 *
 * Context: process context.
 * Return: 0 if @match accepted a subtable, -ENOENT if none did or there is no such table.
 */
int swmmu_acpi_find(char *sig, size_t first, bool (*match)(const void *sub, u16 len, void *ctx),
		    void *ctx)
{
	struct acpi_table_header *hdr;
	const u8 *p, *end;
	int ret = -ENOENT;
	u16 len;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table(sig, 0, &hdr)))
		return -ENOENT;
	end = (const u8 *)hdr + hdr->length;
	for (p = (const u8 *)hdr + first; p + 4 <= end; p += len) {
		len = get_unaligned_le16(p + 2);
		if (len < 4 || p + len > end)
			break;
		if (match(p, len, ctx)) {
			ret = 0;
			break;
		}
	}
	acpi_put_table(hdr);
	return ret;
}

/**
 * swmmu_iommu_read_phys() - read 64-bit words of an IOMMU table in RAM
 * @addr: physical address, 8-byte aligned; the words must not cross a page
 * @words: where the words go
 * @nr: how many
 *
 * For the entries the hardware reads to find a table (VT-d root and context entries, AMD device
 * table entries): each word is read once.
 *
 * Context: process context.
 * Return: 0, -EINVAL for a misaligned or page-crossing request, -EIO if @addr is not RAM,
 * -ENOMEM if it could not be mapped.
 */
int swmmu_iommu_read_phys(u64 addr, u64 *words, unsigned int nr)
{
	unsigned int i;
	u64 *p;

	if (!nr || (addr & 7) || offset_in_page(addr) + nr * sizeof(u64) > PAGE_SIZE)
		return -EINVAL;
	if (!pfn_valid(PHYS_PFN(addr)))
		return -EIO;
	p = memremap(addr & PAGE_MASK, PAGE_SIZE, MEMREMAP_WB);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		words[i] = READ_ONCE(p[offset_in_page(addr) / sizeof(u64) + i]);
	memunmap(p);
	return 0;
}

/**
 * swmmu_iommu_use_table() - set up the core's view of the table find_table() found
 * @t: the table
 * @pdev: the device (for the log)
 * @name: the core's built-in format for the IOMMU's widest table of this kind
 * @va_bits: the input address width the IOMMU uses for the device
 * @nr_levels: the levels the IOMMU walks for it
 * @root: physical address of the root table
 *
 * A narrower width than the built-in format's is the same format with its top levels dropped
 * (swmmu_format_derive()), as VT-d's AW and AMD's DTE Mode select.
 *
 * Context: process context.
 * Return: 0, -EOPNOTSUPP if the core has no such format (logged), -EIO if @root is not RAM.
 */
int swmmu_iommu_use_table(struct swmmu_iommu_table *t, struct pci_dev *pdev, const char *name,
			  unsigned int va_bits, unsigned int nr_levels, u64 root)
{
	const struct swmmu_format *fmt = swmmu_format_find(name);
	struct swmmu_mem mem = { .ops = &swmmu_foreign_mem_ops, .ctx = &t->bad_table };

	if (!fmt || swmmu_format_derive(fmt, va_bits, &t->fmt) || t->fmt.nr_levels != nr_levels) {
		pci_info(pdev, "swmmu: the core has no %u-level, %u-bit %s format\n", nr_levels,
			 va_bits, name);
		return -EOPNOTSUPP;
	}
	if (!pfn_valid(PHYS_PFN(root)))
		return -EIO;
	return swmmu_as_init_foreign(&t->as, &t->fmt, &mem, root, phys_to_virt(root));
}

/* ---- the mappings ------------------------------------------------------------------------ */

static void swmmu_iommu_add_page(struct swmmu_iommu_ctx *c, dma_addr_t iova, phys_addr_t phys,
				 u32 prot)
{
	c->pages[c->nr_pages].iova = iova;
	c->pages[c->nr_pages].phys = phys;
	c->pages[c->nr_pages].prot = prot;
	c->nr_pages++;
}

static void swmmu_iommu_unmap_all(struct swmmu_iommu_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_single; i++) {
		if (c->single_dma[i])
			dma_unmap_page(c->dev, c->single_dma[i], PAGE_SIZE,
				       i & 1 ? DMA_FROM_DEVICE : DMA_TO_DEVICE);
		c->single_dma[i] = 0;
	}
	if (c->sg_mapped)
		dma_unmap_sgtable(c->dev, &c->sgt, DMA_BIDIRECTIONAL, 0);
	c->sg_mapped = false;
	if (c->contig_dma)
		dma_unmap_page(c->dev, c->contig_dma, PAGE_SIZE << c->chk->contig_order,
			       DMA_BIDIRECTIONAL);
	c->contig_dma = 0;
}

static void swmmu_iommu_free_all(struct swmmu_iommu_ctx *c)
{
	unsigned int i;

	swmmu_iommu_unmap_all(c);
	for (i = 0; c->single && i < c->nr_single; i++)
		if (c->single[i])
			__free_page(c->single[i]);
	if (c->sgt.sgl)
		sg_free_table(&c->sgt);
	for (i = 0; c->sg_pages && i < c->chk->nr_sg_pages; i++)
		if (c->sg_pages[i])
			__free_page(c->sg_pages[i]);
	if (c->contig)
		__free_pages(c->contig, c->chk->contig_order);
	kvfree(c->single);
	kvfree(c->single_dma);
	kvfree(c->sg_pages);
	kvfree(c->pages);
	kvfree(c->walk_prot);
}

/*
 * Single pages alternate DMA_TO_DEVICE (the IOMMU entry must not be writable) and
 * DMA_FROM_DEVICE (must be writable); the scatterlist and the contiguous block are bidirectional.
 */
static int swmmu_iommu_map_all(struct swmmu_iommu_ctx *c)
{
	struct swmmu_iommu_check *chk = c->chk;
	unsigned int i, n = chk->nr_single + chk->nr_sg_pages;
	struct sg_dma_page_iter dit;
	int ret;

	if (chk->contig_order)
		n += 1u << chk->contig_order;
	c->pages = kvcalloc(max(n, 1u), sizeof(*c->pages), GFP_KERNEL);
	c->walk_prot = kvcalloc(max(n, 1u), sizeof(*c->walk_prot), GFP_KERNEL);
	c->single = kvcalloc(max(chk->nr_single, 1u), sizeof(*c->single), GFP_KERNEL);
	c->single_dma = kvcalloc(max(chk->nr_single, 1u), sizeof(*c->single_dma), GFP_KERNEL);
	c->sg_pages = kvcalloc(max(chk->nr_sg_pages, 1u), sizeof(*c->sg_pages), GFP_KERNEL);
	if (!c->pages || !c->walk_prot || !c->single || !c->single_dma || !c->sg_pages)
		return -ENOMEM;

	for (i = 0; i < chk->nr_single; i++) {
		bool to_dev = !(i & 1);
		dma_addr_t d;

		c->single[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		c->nr_single = i + 1;
		if (!c->single[i])
			return -ENOMEM;
		d = dma_map_page(c->dev, c->single[i], 0, PAGE_SIZE,
				 to_dev ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
		if (dma_mapping_error(c->dev, d))
			return -ENOMEM;
		c->single_dma[i] = d;
		swmmu_iommu_add_page(c, d, page_to_phys(c->single[i]),
				     to_dev ? SWMMU_PROT_READ : SWMMU_PROT_WRITE);
	}

	if (chk->nr_sg_pages) {
		for (i = 0; i < chk->nr_sg_pages; i++) {
			c->sg_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!c->sg_pages[i])
				return -ENOMEM;
		}
		ret = sg_alloc_table_from_pages(&c->sgt, c->sg_pages, chk->nr_sg_pages, 0,
						(unsigned long)chk->nr_sg_pages << PAGE_SHIFT,
						GFP_KERNEL);
		if (ret)
			return ret;
		ret = dma_map_sgtable(c->dev, &c->sgt, DMA_BIDIRECTIONAL, 0);
		if (ret)
			return ret;
		c->sg_mapped = true;
		/* The DMA pages enumerate the same bytes as the CPU pages, in the same order. */
		i = 0;
		for_each_sgtable_dma_page(&c->sgt, &dit, 0) {
			if (i >= chk->nr_sg_pages)
				return -EIO;
			swmmu_iommu_add_page(c, sg_page_iter_dma_address(&dit),
					     page_to_phys(c->sg_pages[i]), SWMMU_PROT_RW);
			i++;
		}
		if (i != chk->nr_sg_pages)
			return -EIO;
	}

	if (chk->contig_order) {
		dma_addr_t d;

		c->contig = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, chk->contig_order);
		if (!c->contig)
			return -ENOMEM;
		d = dma_map_page(c->dev, c->contig, 0, PAGE_SIZE << chk->contig_order,
				 DMA_BIDIRECTIONAL);
		if (dma_mapping_error(c->dev, d))
			return -ENOMEM;
		c->contig_dma = d;
		for (i = 0; i < 1u << chk->contig_order; i++)
			swmmu_iommu_add_page(c, d + ((dma_addr_t)i << PAGE_SHIFT),
					     page_to_phys(c->contig) + ((phys_addr_t)i << PAGE_SHIFT),
					     SWMMU_PROT_RW);
	}
	return 0;
}

/* ---- the comparisons --------------------------------------------------------------------- */

static void swmmu_iommu_mismatch(struct swmmu_iommu_check *chk, u64 iova, u64 walk, u64 kernel)
{
	if (!chk->out_mismatches++) {
		chk->out_bad_iova = iova;
		chk->out_bad_walk = walk;
		chk->out_bad_kernel = kernel;
	}
}

/* Permissions of a leaf as the device gets them: the entries above it and the root's. */
static u32 swmmu_iommu_prot(const struct swmmu_iommu_ctx *c, const struct swmmu_xlate *xl)
{
	return swmmu_prot_to_user(xl->eff_prot) & (~SWMMU_PROT_RW | c->tbl.root_prot);
}

/*
 * Every leaf of the domain: record it, and compare each of its 4 KiB pages with the kernel. A
 * large entry held by several items (AMD NextLevel 7, 48882 §2.2.3: every item repeats the PTE)
 * is counted once, at its first item; the others must decode to the same entry.
 */
static int swmmu_iommu_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_iommu_ctx *c = ctx;
	struct swmmu_iommu_check *chk = c->chk;
	struct swmmu_xlate xl;
	u64 off, n;
	u32 prot;
	int ret;

	ret = swmmu_query(&c->tbl.as, it->va, &xl);
	if (ret || xl.pte != it->pte)
		return ret ? ret : -EIO;
	prot = swmmu_iommu_prot(c, &xl);
	if (xl.entry_va != it->va) {
		if (xl.entry_va != c->entry.entry_va || xl.entry_pa != c->entry.entry_pa ||
		    xl.size_lg2 != c->entry.size_lg2 || prot != c->entry_prot)
			swmmu_iommu_mismatch(chk, it->va, xl.pa,
					     c->entry.entry_pa + (it->va - c->entry.entry_va));
		return SWMMU_WALK_DESCEND;
	}
	c->entry = xl;
	c->entry_prot = prot;
	if (chk->nr_regions < c->cap) {
		struct swmmu_dump_region *r = &c->regions[chk->nr_regions];

		r->iova = xl.entry_va;
		r->dma_addr = xl.entry_pa;
		r->length = 1ULL << xl.size_lg2;
		r->prot = prot;
		r->page_size_lg2 = xl.size_lg2;
	}
	chk->nr_regions++;
	chk->out_pgsizes |= BIT_ULL(xl.size_lg2);
	if (xl.size_lg2 >= 12 && xl.size_lg2 - 12 < SWMMU_IOMMU_LEAF_SIZES)
		chk->out_leaves[xl.size_lg2 - 12]++;
	n = 1ULL << xl.size_lg2;
	for (off = 0; off < n; off += SZ_4K) {
		phys_addr_t k = iommu_iova_to_phys(c->dom, xl.entry_va + off);

		chk->out_pages_compared++;
		if (k != xl.entry_pa + off)
			swmmu_iommu_mismatch(chk, xl.entry_va + off, xl.entry_pa + off, k);
	}
	return SWMMU_WALK_DESCEND;
}

/* Holes are fine; an item the format does not define is counted (the walk cannot follow it). */
static int swmmu_iommu_hole(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_iommu_ctx *c = ctx;

	if (it->kind == SWMMU_ITEM_BAD && !c->chk->out_reserved_items++)
		dev_info(c->dev, "swmmu: reserved item at level %u, iova %#llx: %#llx\n",
			 it->level, it->va, it->pte);
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops swmmu_iommu_walk_ops = {
	.leaf = swmmu_iommu_leaf,
	.hole = swmmu_iommu_hole,
};

/*
 * Where both addresses are aligned to the largest page size that the IOMMU and its driver offer
 * and that the contiguous buffer can hold, the driver must have used one leaf of that size.
 */
static void swmmu_iommu_check_large(struct swmmu_iommu_ctx *c)
{
	struct swmmu_iommu_check *chk = c->chk;
	u64 len = PAGE_SIZE << chk->contig_order, sizes = c->tbl.large_sizes & (2 * len - 1);
	struct swmmu_xlate xl;
	unsigned int lg2;
	u64 off;

	if (!c->contig_dma || !sizes)
		return;
	lg2 = __fls(sizes);
	chk->out_large_lg2 = lg2;
	for (off = 0; off + BIT_ULL(lg2) <= len; off += BIT_ULL(lg2)) {
		u64 iova = c->contig_dma + off, phys = page_to_phys(c->contig) + off;

		if (!IS_ALIGNED(iova, BIT_ULL(lg2)) || !IS_ALIGNED(phys, BIT_ULL(lg2)))
			continue;
		chk->out_large_expected++;
		if (!swmmu_query(&c->tbl.as, iova, &xl) && xl.size_lg2 == lg2 &&
		    xl.entry_va == iova)
			chk->out_large_found++;
	}
}

/* Every page the check mapped must be found by the walk, where and as it was mapped. */
static void swmmu_iommu_check_pages(struct swmmu_iommu_ctx *c)
{
	struct swmmu_iommu_check *chk = c->chk;
	struct swmmu_xlate xl;
	unsigned int i;

	for (i = 0; i < c->nr_pages; i++) {
		const struct swmmu_iommu_page *p = &c->pages[i];
		u32 rw;

		chk->out_mapped_pages++;
		if (swmmu_query(&c->tbl.as, p->iova, &xl)) {
			swmmu_iommu_mismatch(chk, p->iova, ~0ULL, p->phys);
			continue;
		}
		if (xl.pa != p->phys) {
			swmmu_iommu_mismatch(chk, p->iova, xl.pa, p->phys);
			continue;
		}
		rw = swmmu_iommu_prot(c, &xl) & SWMMU_PROT_RW;
		c->walk_prot[i] = rw;
		if (p->prot & ~rw)
			chk->out_prot_narrower++;
		if (rw & ~p->prot)
			chk->out_prot_wider++;
	}
	swmmu_iommu_check_large(c);
}

/* One edu DMA between its buffer and an IOVA; waits for the device (100 ms in QEMU). */
static int swmmu_edu_dma(void __iomem *bar, u64 iova, bool to_ram)
{
	unsigned int i;

	writeq(to_ram ? EDU_BUF_ADDR : iova, bar + EDU_DMA_SRC);
	writeq(to_ram ? iova : EDU_BUF_ADDR, bar + EDU_DMA_DST);
	writeq(EDU_DMA_LEN, bar + EDU_DMA_CNT);
	writeq(EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0), bar + EDU_DMA_CMD);
	for (i = 0; i < 200; i++) {
		if (!(readq(bar + EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		msleep(20);
	}
	return -EIO;
}

/*
 * Device round trips: fill a device-readable page at the physical address the walk gave, let the
 * device copy it into its buffer and from there into a device-writable page, and look for the
 * bytes at the physical address the walk gave for that page. Only the walk's addresses are used,
 * so a wrong walk shows up as wrong or missing bytes. x86 DMA is cache coherent, which is why the
 * CPU accesses need no dma_sync_*() here.
 */
static int swmmu_iommu_device_dma(struct swmmu_iommu_ctx *c)
{
	struct swmmu_iommu_check *chk = c->chk;
	unsigned int i, nr = 0, nw = 0, *rd, *wr;
	int ret = 0;

	if (!chk->nr_device_dma || !c->nr_pages)
		return 0;
	rd = kcalloc(c->nr_pages, sizeof(*rd), GFP_KERNEL);
	wr = kcalloc(c->nr_pages, sizeof(*wr), GFP_KERNEL);
	if (!rd || !wr) {
		ret = -ENOMEM;
		goto out;
	}
	/* What the walk says the device may do, not what the DMA direction asked for. */
	for (i = 0; i < c->nr_pages; i++) {
		if (c->walk_prot[i] & SWMMU_PROT_READ)
			rd[nr++] = i;
		if (c->walk_prot[i] & SWMMU_PROT_WRITE)
			wr[nw++] = i;
	}
	for (i = 0; i < chk->nr_device_dma && nr && nw; i++) {
		const struct swmmu_iommu_page *a = &c->pages[rd[(i * 7) % nr]];
		const struct swmmu_iommu_page *b = &c->pages[wr[(i * 13 + 1) % nw]];
		struct swmmu_xlate xa, xb;
		u64 *pa, *pb;
		unsigned int k;

		if (a == b || swmmu_query(&c->tbl.as, a->iova, &xa) ||
		    swmmu_query(&c->tbl.as, b->iova, &xb))
			continue;
		if (!pfn_valid(PHYS_PFN(xa.pa)) || !pfn_valid(PHYS_PFN(xb.pa)))
			continue;
		pa = phys_to_virt(xa.pa);
		pb = phys_to_virt(xb.pa);
		for (k = 0; k < PAGE_SIZE / 8; k++) {
			pa[k] = ((u64)i << 48) ^ ((u64)a->iova + k * 8) ^ 0x5a5a0000;
			pb[k] = 0;
		}
		ret = swmmu_edu_dma(c->edu, a->iova, false);
		if (!ret)
			ret = swmmu_edu_dma(c->edu, b->iova, true);
		if (ret) {
			dev_info(c->dev, "swmmu: edu DMA timed out\n");
			break;
		}
		if (!memcmp(pa, pb, EDU_DMA_LEN))
			chk->out_device_dma_ok++;
	}
out:
	kfree(rd);
	kfree(wr);
	return ret;
}

/* After everything is unmapped, none of the check's IOVAs may translate any more. */
static void swmmu_iommu_check_unmapped(struct swmmu_iommu_ctx *c)
{
	struct swmmu_xlate xl;
	unsigned int i;

	for (i = 0; i < c->nr_pages; i++)
		if (!swmmu_query(&c->tbl.as, c->pages[i].iova, &xl))
			c->chk->out_left_after_unmap++;
}

static int swmmu_iommu_run(struct swmmu_iommu_ctx *c, struct pci_dev *pdev)
{
	struct swmmu_iommu_check *chk = c->chk;
	u32 cap = chk->nr_regions;
	int ret;

	c->dom = iommu_get_domain_for_dev(&pdev->dev);
	if (!c->dom || !(c->dom->type & __IOMMU_DOMAIN_PAGING)) {
		pci_info(pdev, "swmmu: the device is not in a translating IOMMU domain (type %#x)\n",
			 c->dom ? c->dom->type : 0);
		return -EOPNOTSUPP;
	}
	if (cap) {
		c->regions = kvcalloc(cap, sizeof(*c->regions), GFP_KERNEL_ACCOUNT);
		if (!c->regions)
			return -ENOMEM;
	}
	c->cap = cap;

	ret = swmmu_iommu_map_all(c);
	if (ret)
		return ret;
	c->tbl.root_prot = SWMMU_PROT_RW;
	ret = c->find_table(&c->tbl, chk, pdev, c->arg);
	if (ret)
		return ret;
	chk->nr_regions = 0;
	ret = swmmu_walk(&c->tbl.as, 0, 1ULL << c->tbl.as.fmt->va_bits, &swmmu_iommu_walk_ops, c);
	if (!ret && c->tbl.bad_table)
		ret = -EIO;
	if (ret)
		return ret;
	swmmu_iommu_check_pages(c);
	ret = swmmu_iommu_device_dma(c);
	if (ret)
		return ret;
	swmmu_iommu_unmap_all(c);
	swmmu_iommu_check_unmapped(c);
	return c->tbl.bad_table ? -EIO : 0;
}

/**
 * swmmu_iommu_check() - run a check of the edu device's IOMMU table
 * @chk: the common part of the command (inputs; outputs are written)
 * @find_table: finds the table the IOMMU uses for the device
 * @arg: passed to @find_table (the command, for its own outputs)
 *
 * Context: process context, may sleep; takes swmmu_iommu_lock.
 * Return: 0 or a negative errno (see struct swmmu_iommu_check): -EPERM without CAP_SYS_ADMIN,
 * -EINVAL for an input above its limit, -ENODEV without an edu device, -EMSGSIZE if the region
 * array was too small, or what @find_table, the DMA API, the walk or the device returned.
 */
int swmmu_iommu_check(struct swmmu_iommu_check *chk, swmmu_find_table_t find_table, void *arg)
{
	struct swmmu_dump_region __user *uarr = u64_to_user_ptr(chk->regions_uptr);
	struct swmmu_iommu_ctx *c;
	struct pci_dev *pdev;
	u32 cap = chk->nr_regions;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (chk->nr_single > SWMMU_IOMMU_MAX_SINGLE || chk->nr_sg_pages > SWMMU_IOMMU_MAX_SG_PAGES ||
	    chk->contig_order > SWMMU_IOMMU_MAX_ORDER ||
	    chk->nr_device_dma > SWMMU_IOMMU_MAX_DEVICE_DMA || cap > SWMMU_CPU_WALK_MAX_ENTRIES)
		return -EINVAL;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	/* Outputs start from zero whatever the caller left in them. */
	memset_startat(chk, 0, out_bdf);
	c->chk = chk;
	c->find_table = find_table;
	c->arg = arg;

	mutex_lock(&swmmu_iommu_lock);
	if (!swmmu_edu) {
		ret = -ENODEV;
		goto out_unlock;
	}
	pdev = swmmu_edu->pdev;
	c->dev = &pdev->dev;
	c->edu = swmmu_edu->bar;
	chk->out_bdf = pci_dev_id(pdev);
	ret = swmmu_iommu_run(c, pdev);
	swmmu_iommu_free_all(c);
	if (!ret && chk->nr_regions > cap)
		ret = -EMSGSIZE;
out_unlock:
	mutex_unlock(&swmmu_iommu_lock);
	if ((!ret || ret == -EMSGSIZE) && cap && c->regions &&
	    copy_to_user(uarr, c->regions, min(cap, chk->nr_regions) * sizeof(*c->regions)))
		ret = -EFAULT;
	kvfree(c->regions);
	kfree(c);
	return ret;
}

/* ---- the PCI driver ---------------------------------------------------------------------- */

static int swmmu_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct swmmu_edu *edu;
	int ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_region(pdev, 0, "swmmu-edu");
	if (ret)
		goto err_disable;
	edu->bar = pci_iomap(pdev, 0, 0);
	if (!edu->bar) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS));
	if (ret)
		goto err_unmap;
	pci_set_master(pdev);
	edu->pdev = pdev;
	pci_set_drvdata(pdev, edu);

	mutex_lock(&swmmu_iommu_lock);
	if (swmmu_edu) {
		mutex_unlock(&swmmu_iommu_lock);
		/* One device is enough for the checks. */
		ret = -EBUSY;
		goto err_master;
	}
	swmmu_edu = edu;
	mutex_unlock(&swmmu_iommu_lock);
	pci_info(pdev, "swmmu: edu bound for VTD_CHECK and AMD_CHECK\n");
	return 0;

err_master:
	pci_clear_master(pdev);
err_unmap:
	pci_iounmap(pdev, edu->bar);
err_release:
	pci_release_region(pdev, 0);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(edu);
	return ret;
}

static void swmmu_edu_remove(struct pci_dev *pdev)
{
	struct swmmu_edu *edu = pci_get_drvdata(pdev);

	mutex_lock(&swmmu_iommu_lock);
	if (swmmu_edu == edu)
		swmmu_edu = NULL;
	mutex_unlock(&swmmu_iommu_lock);
	pci_clear_master(pdev);
	pci_iounmap(pdev, edu->bar);
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
	kfree(edu);
}

static const struct pci_device_id swmmu_edu_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_QEMU_EDU, PCI_DEVICE_ID_QEMU_EDU) },
	{ }
};
/* No MODULE_DEVICE_TABLE: an edu device must not make udev load swmmu. */

static struct pci_driver swmmu_edu_driver = {
	.name = "swmmu-edu",
	.id_table = swmmu_edu_ids,
	.probe = swmmu_edu_probe,
	.remove = swmmu_edu_remove,
};

/**
 * swmmu_iommu_init() - register the PCI driver for QEMU's edu device
 *
 * Context: module init.
 * Return: 0 or a negative errno from pci_register_driver().
 */
int swmmu_iommu_init(void)
{
	return pci_register_driver(&swmmu_edu_driver);
}

/**
 * swmmu_iommu_exit() - unregister the PCI driver (unbinds the device)
 *
 * Context: module exit.
 */
void swmmu_iommu_exit(void)
{
	pci_unregister_driver(&swmmu_edu_driver);
}
