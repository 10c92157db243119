// SPDX-License-Identifier: GPL-2.0-only
/*
 * VTD_CHECK: walk a real Intel VT-d second-stage page table with the core's "vtd-ss" format and
 * compare it with the kernel's own view (iommu_iova_to_phys()) and with the device's DMA.
 *
 * A small PCI driver binds QEMU's "edu" device (1234:11e8), whose DMA goes through the IOMMU the
 * VM was booted with. VTD_CHECK maps pages for it with the DMA API, then finds the table the
 * IOMMU hardware uses, the way the hardware does (VT-d spec §3.4.2 legacy mode, §9.1 root entry,
 * §9.3 context entry):
 *   ACPI DMAR table -> the DRHD unit of the device -> its RTADDR_REG (root table)
 *   -> root entry [bus] -> context table -> context entry [devfn] -> SLPTPTR, AW
 * and walks the second-stage table from SLPTPTR with as many levels as AW says (3 for the 39-bit
 * width QEMU gives by default, 4 for 48 bits).
 *
 * Locking: the Intel driver changes a domain's tables only in map/unmap calls for the domain's
 * devices. The edu device's only user is this driver and every map/unmap it makes happens under
 * swmmu_vtd_lock, in this same call, so the tables are stable while we walk them; the IOMMU
 * (hardware, or QEMU) only reads them in legacy mode (no accessed/dirty updates). The root and
 * context tables do not change while the device stays attached, which holding the device
 * reference and the lock (remove() takes it) guarantees. All of these tables are kernel pages:
 * they are read through the direct map after checking that the address is RAM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/bitfield.h>
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

#include "swmmu_priv.h"

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

/* VT-d registers (spec §11.4) */
#define VTD_REG_CAP		0x08
#define VTD_REG_ECAP		0x10
#define VTD_REG_GSTS		0x1c
#define VTD_REG_RTADDR		0x20
#define VTD_GSTS_TES		BIT(31)
#define VTD_RTADDR_TTM		GENMASK_ULL(11, 10)	/* 00 legacy, 01 scalable, 11 abort */
#define VTD_CAP_SLLPS_2M	BIT_ULL(34)
#define VTD_CAP_SLLPS_1G	BIT_ULL(35)
#define VTD_ADDR_MASK		GENMASK_ULL(63, 12)
/* Root entry (§9.1) and context entry (§9.3), legacy mode. */
#define VTD_RE_P		BIT_ULL(0)
#define VTD_CE_P		BIT_ULL(0)
#define VTD_CE_TT		GENMASK_ULL(3, 2)	/* 0, 1: translated; 2: pass-through */
#define VTD_CE_TT_PT		2
#define VTD_CE_AW		GENMASK_ULL(2, 0)	/* in the upper word */
#define VTD_CE_DID		GENMASK_ULL(23, 8)	/* in the upper word */

/**
 * struct swmmu_edu - the bound edu device
 * @pdev: the PCI device
 * @bar: its MMIO registers
 */
struct swmmu_edu {
	struct pci_dev *pdev;
	void __iomem *bar;
};

/* Serialises VTD_CHECK calls with each other and with probe/remove. */
static DEFINE_MUTEX(swmmu_vtd_lock);
static struct swmmu_edu *swmmu_edu;

/**
 * struct swmmu_vtd_page - one 4 KiB page the check mapped
 * @iova: its IOVA
 * @phys: the physical address mapped there
 * @prot: SWMMU_PROT_READ/WRITE the DMA direction asks for
 */
struct swmmu_vtd_page {
	dma_addr_t iova;
	phys_addr_t phys;
	u32 prot;
};

/**
 * struct swmmu_vtd_ctx - one VTD_CHECK in progress
 * @cmd: the command
 * @in: the command as the caller passed it
 * @dev: the edu device
 * @edu: its registers
 * @dom: its IOMMU domain
 * @as: the core's view of the domain's second-stage table
 * @fmt_own: the derived 3-level format for a 39-bit width
 * @regions: leaves of the first walk (kernel copy), @cap entries
 * @cap: capacity of @regions
 * @bad_table: a table address was not RAM
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
struct swmmu_vtd_ctx {
	struct swmmu_vtd_check *cmd;
	struct swmmu_vtd_check in;
	struct device *dev;
	void __iomem *edu;
	struct iommu_domain *dom;
	struct swmmu_as as;
	struct swmmu_format fmt_own;
	struct swmmu_dump_region *regions;
	u32 cap;
	bool bad_table;
	struct swmmu_vtd_page *pages;
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

/* ---- finding the table ------------------------------------------------------------------- */

/* Does a DRHD device scope list @pdev itself (an endpoint with a one-element path)? */
static bool swmmu_drhd_lists(struct acpi_dmar_hardware_unit *u, struct pci_dev *pdev)
{
	void *p = (void *)(u + 1), *end = (void *)u + u->header.length;

	while (p + sizeof(struct acpi_dmar_device_scope) <= end) {
		struct acpi_dmar_device_scope *s = p;
		struct acpi_dmar_pci_path *path = (void *)(s + 1);

		if (s->length < sizeof(*s) || p + s->length > end)
			break;
		if (s->entry_type == ACPI_DMAR_SCOPE_TYPE_ENDPOINT &&
		    s->length == sizeof(*s) + sizeof(*path) && s->bus == pdev->bus->number &&
		    path->device == PCI_SLOT(pdev->devfn) &&
		    path->function == PCI_FUNC(pdev->devfn))
			return true;
		p += s->length;
	}
	return false;
}

/* Register base of the DMAR unit translating @pdev, from the ACPI DMAR table. */
static int swmmu_vtd_unit(struct pci_dev *pdev, u64 *base)
{
	struct acpi_table_header *hdr;
	struct acpi_dmar_header *h;
	void *end;
	u64 all = 0;
	int ret = -ENOENT;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table(ACPI_SIG_DMAR, 0, &hdr)))
		return -ENOENT;
	end = (void *)hdr + hdr->length;
	for (h = (void *)((struct acpi_table_dmar *)hdr + 1); (void *)(h + 1) <= end;
	     h = (void *)h + h->length) {
		struct acpi_dmar_hardware_unit *u = (void *)h;

		if (h->length < sizeof(*h) || (void *)h + h->length > end)
			break;
		if (h->type != ACPI_DMAR_TYPE_HARDWARE_UNIT || h->length < sizeof(*u) ||
		    u->segment != pci_domain_nr(pdev->bus))
			continue;
		if (swmmu_drhd_lists(u, pdev)) {
			*base = u->address;
			ret = 0;
			break;
		}
		if (u->flags & ACPI_DMAR_INCLUDE_ALL)
			all = u->address;
	}
	if (ret && all) {
		*base = all;
		ret = 0;
	}
	acpi_put_table(hdr);
	return ret;
}

/* Read 16 bytes of a root or context table: [0] lower word, [1] upper word. */
static int swmmu_vtd_read_entry(u64 table, unsigned int index, u64 e[2])
{
	u64 *p;

	if (!pfn_valid(PHYS_PFN(table)))
		return -EIO;
	p = memremap(table, PAGE_SIZE, MEMREMAP_WB);
	if (!p)
		return -ENOMEM;
	e[0] = READ_ONCE(p[2 * index]);
	e[1] = READ_ONCE(p[2 * index + 1]);
	memunmap(p);
	return 0;
}

/* Registers -> root entry -> context entry -> the second-stage table and its geometry. */
static int swmmu_vtd_find_table(struct swmmu_vtd_ctx *c, struct pci_dev *pdev)
{
	struct swmmu_vtd_check *cmd = c->cmd;
	const struct swmmu_format *fmt;
	struct swmmu_mem mem = { .ops = &swmmu_foreign_mem_ops, .ctx = &c->bad_table };
	void __iomem *regs;
	u64 base, root[2], ctx[2], slpt;
	unsigned int aw;
	u32 gsts;
	int ret;

	ret = swmmu_vtd_unit(pdev, &base);
	if (ret) {
		pci_info(pdev, "swmmu: no DMAR unit for the device in the ACPI DMAR table\n");
		return ret;
	}
	regs = ioremap(base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	cmd->out_cap = readq(regs + VTD_REG_CAP);
	cmd->out_ecap = readq(regs + VTD_REG_ECAP);
	cmd->out_rtaddr = readq(regs + VTD_REG_RTADDR);
	gsts = readl(regs + VTD_REG_GSTS);
	iounmap(regs);

	if (!(gsts & VTD_GSTS_TES)) {
		pci_info(pdev, "swmmu: DMA remapping is not enabled (GSTS %#x)\n", gsts);
		return -EOPNOTSUPP;
	}
	if (cmd->out_rtaddr & VTD_RTADDR_TTM) {
		/* Scalable mode: root -> scalable context -> PASID directory -> PASID entry. */
		pci_info(pdev, "swmmu: IOMMU in scalable mode (RTADDR %#llx): only legacy mode is walked\n",
			 cmd->out_rtaddr);
		return -EOPNOTSUPP;
	}
	if (cmd->out_cap & VTD_CAP_SLLPS_2M)
		cmd->out_flags |= SWMMU_VTD_SUPERPAGE_2M;
	if (cmd->out_cap & VTD_CAP_SLLPS_1G)
		cmd->out_flags |= SWMMU_VTD_SUPERPAGE_1G;

	ret = swmmu_vtd_read_entry(cmd->out_rtaddr & VTD_ADDR_MASK, pdev->bus->number, root);
	if (ret)
		return ret;
	if (!(root[0] & VTD_RE_P)) {
		pci_info(pdev, "swmmu: root entry of bus %u not present\n", pdev->bus->number);
		return -ENOENT;
	}
	ret = swmmu_vtd_read_entry(root[0] & VTD_ADDR_MASK, pdev->devfn, ctx);
	if (ret)
		return ret;
	if (!(ctx[0] & VTD_CE_P)) {
		pci_info(pdev, "swmmu: context entry not present\n");
		return -ENOENT;
	}
	if (FIELD_GET(VTD_CE_TT, ctx[0]) == VTD_CE_TT_PT) {
		pci_info(pdev, "swmmu: context entry is pass-through: no second-stage table\n");
		return -EOPNOTSUPP;
	}
	aw = FIELD_GET(VTD_CE_AW, ctx[1]);
	cmd->out_domain_id = FIELD_GET(VTD_CE_DID, ctx[1]);
	cmd->out_addr_width = 30 + 9 * aw;
	cmd->out_nr_levels = aw + 2;
	slpt = ctx[0] & VTD_ADDR_MASK;

	/* AGAW 57: the 5-level built-in; 39: the 4-level format derived (vtd-ss-39's engine). */
	fmt = swmmu_format_find(cmd->out_addr_width == 57 ? "vtd-ss-57" : "vtd-ss");
	if (!fmt)
		return -EOPNOTSUPP;
	if (cmd->out_addr_width < fmt->va_bits) {
		/* 39 bits: the 4-level format with its top level dropped. */
		ret = swmmu_format_derive(fmt, cmd->out_addr_width, &c->fmt_own);
		if (ret || c->fmt_own.nr_levels != cmd->out_nr_levels) {
			pci_info(pdev, "swmmu: no %u-bit vtd-ss variant\n", cmd->out_addr_width);
			return -EOPNOTSUPP;
		}
		fmt = &c->fmt_own;
	} else if (cmd->out_addr_width != fmt->va_bits) {
		pci_info(pdev, "swmmu: the core has no %u-level vtd-ss format (AW %u)\n",
			 cmd->out_nr_levels, aw);
		return -EOPNOTSUPP;
	}
	if (!pfn_valid(PHYS_PFN(slpt)))
		return -EIO;
	return swmmu_as_init_foreign(&c->as, fmt, &mem, slpt, phys_to_virt(slpt));
}

/* ---- the mappings ------------------------------------------------------------------------ */

static void swmmu_vtd_add_page(struct swmmu_vtd_ctx *c, dma_addr_t iova, phys_addr_t phys,
			       u32 prot)
{
	c->pages[c->nr_pages].iova = iova;
	c->pages[c->nr_pages].phys = phys;
	c->pages[c->nr_pages].prot = prot;
	c->nr_pages++;
}

static void swmmu_vtd_unmap_all(struct swmmu_vtd_ctx *c)
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
		dma_unmap_page(c->dev, c->contig_dma, PAGE_SIZE << c->cmd->contig_order,
			       DMA_BIDIRECTIONAL);
	c->contig_dma = 0;
}

static void swmmu_vtd_free_all(struct swmmu_vtd_ctx *c)
{
	unsigned int i;

	swmmu_vtd_unmap_all(c);
	for (i = 0; c->single && i < c->nr_single; i++)
		if (c->single[i])
			__free_page(c->single[i]);
	if (c->sgt.sgl)
		sg_free_table(&c->sgt);
	for (i = 0; c->sg_pages && i < c->cmd->nr_sg_pages; i++)
		if (c->sg_pages[i])
			__free_page(c->sg_pages[i]);
	if (c->contig)
		__free_pages(c->contig, c->cmd->contig_order);
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
static int swmmu_vtd_map_all(struct swmmu_vtd_ctx *c)
{
	struct swmmu_vtd_check *cmd = c->cmd;
	unsigned int i, n = cmd->nr_single + cmd->nr_sg_pages;
	struct sg_dma_page_iter dit;
	int ret;

	if (cmd->contig_order)
		n += 1u << cmd->contig_order;
	c->pages = kvcalloc(max(n, 1u), sizeof(*c->pages), GFP_KERNEL);
	c->walk_prot = kvcalloc(max(n, 1u), sizeof(*c->walk_prot), GFP_KERNEL);
	c->single = kvcalloc(max(cmd->nr_single, 1u), sizeof(*c->single), GFP_KERNEL);
	c->single_dma = kvcalloc(max(cmd->nr_single, 1u), sizeof(*c->single_dma), GFP_KERNEL);
	c->sg_pages = kvcalloc(max(cmd->nr_sg_pages, 1u), sizeof(*c->sg_pages), GFP_KERNEL);
	if (!c->pages || !c->walk_prot || !c->single || !c->single_dma || !c->sg_pages)
		return -ENOMEM;

	for (i = 0; i < cmd->nr_single; i++) {
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
		swmmu_vtd_add_page(c, d, page_to_phys(c->single[i]),
				   to_dev ? SWMMU_PROT_READ : SWMMU_PROT_WRITE);
	}

	if (cmd->nr_sg_pages) {
		for (i = 0; i < cmd->nr_sg_pages; i++) {
			c->sg_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!c->sg_pages[i])
				return -ENOMEM;
		}
		ret = sg_alloc_table_from_pages(&c->sgt, c->sg_pages, cmd->nr_sg_pages, 0,
						(unsigned long)cmd->nr_sg_pages << PAGE_SHIFT,
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
			if (i >= cmd->nr_sg_pages)
				return -EIO;
			swmmu_vtd_add_page(c, sg_page_iter_dma_address(&dit),
					   page_to_phys(c->sg_pages[i]),
					   SWMMU_PROT_READ | SWMMU_PROT_WRITE);
			i++;
		}
		if (i != cmd->nr_sg_pages)
			return -EIO;
	}

	if (cmd->contig_order) {
		dma_addr_t d;

		c->contig = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, cmd->contig_order);
		if (!c->contig)
			return -ENOMEM;
		d = dma_map_page(c->dev, c->contig, 0, PAGE_SIZE << cmd->contig_order,
				 DMA_BIDIRECTIONAL);
		if (dma_mapping_error(c->dev, d))
			return -ENOMEM;
		c->contig_dma = d;
		for (i = 0; i < 1u << cmd->contig_order; i++)
			swmmu_vtd_add_page(c, d + ((dma_addr_t)i << PAGE_SHIFT),
					   page_to_phys(c->contig) + ((phys_addr_t)i << PAGE_SHIFT),
					   SWMMU_PROT_READ | SWMMU_PROT_WRITE);
	}
	return 0;
}

/* ---- the comparisons --------------------------------------------------------------------- */

static void swmmu_vtd_mismatch(struct swmmu_vtd_check *cmd, u64 iova, u64 walk, u64 kernel)
{
	if (!cmd->out_mismatches++) {
		cmd->out_bad_iova = iova;
		cmd->out_bad_walk = walk;
		cmd->out_bad_kernel = kernel;
	}
}

/* Every leaf of the domain: record it, and compare each of its 4 KiB pages with the kernel. */
static int swmmu_vtd_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_vtd_ctx *c = ctx;
	struct swmmu_vtd_check *cmd = c->cmd;
	struct swmmu_xlate xl;
	u64 off, n;
	int ret;

	ret = swmmu_query(&c->as, it->va, &xl);
	if (ret || xl.pte != it->pte)
		return ret ? ret : -EIO;
	if (cmd->nr_regions < c->cap) {
		struct swmmu_dump_region *r = &c->regions[cmd->nr_regions];

		r->iova = xl.entry_va;
		r->dma_addr = xl.entry_pa;
		r->length = 1ULL << xl.size_lg2;
		r->prot = swmmu_prot_to_user(xl.eff_prot);
		r->page_size_lg2 = xl.size_lg2;
	}
	cmd->nr_regions++;
	if (xl.size_lg2 == 12)
		cmd->out_leaves[0]++;
	else if (xl.size_lg2 == 21)
		cmd->out_leaves[1]++;
	else if (xl.size_lg2 == 30)
		cmd->out_leaves[2]++;
	n = 1ULL << xl.size_lg2;
	for (off = 0; off < n; off += SZ_4K) {
		phys_addr_t k = iommu_iova_to_phys(c->dom, xl.entry_va + off);

		cmd->out_pages_compared++;
		if (k != xl.entry_pa + off)
			swmmu_vtd_mismatch(cmd, xl.entry_va + off, xl.entry_pa + off, k);
	}
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops swmmu_vtd_walk_ops = {
	.leaf = swmmu_vtd_leaf,
};

/* Every page the check mapped must be found by the walk, where and as it was mapped. */
static void swmmu_vtd_check_pages(struct swmmu_vtd_ctx *c)
{
	struct swmmu_vtd_check *cmd = c->cmd;
	struct swmmu_xlate xl;
	unsigned int i;

	for (i = 0; i < c->nr_pages; i++) {
		const struct swmmu_vtd_page *p = &c->pages[i];
		u32 rw;

		cmd->out_mapped_pages++;
		if (swmmu_query(&c->as, p->iova, &xl)) {
			swmmu_vtd_mismatch(cmd, p->iova, ~0ULL, p->phys);
			continue;
		}
		if (xl.pa != p->phys) {
			swmmu_vtd_mismatch(cmd, p->iova, xl.pa, p->phys);
			continue;
		}
		rw = xl.eff_prot & (SWMMU_PROT_READ | SWMMU_PROT_WRITE);
		c->walk_prot[i] = rw;
		if (p->prot & ~rw)
			cmd->out_prot_narrower++;
		if (rw & ~p->prot)
			cmd->out_prot_wider++;
	}

	if (!c->contig_dma || !(cmd->out_flags & SWMMU_VTD_SUPERPAGE_2M))
		return;
	for (i = 0; (u64)(i + 1) * SZ_2M <= PAGE_SIZE << cmd->contig_order; i++) {
		u64 iova = c->contig_dma + (u64)i * SZ_2M;
		u64 phys = page_to_phys(c->contig) + (u64)i * SZ_2M;

		if (!IS_ALIGNED(iova, SZ_2M) || !IS_ALIGNED(phys, SZ_2M))
			continue;
		cmd->out_large_expected++;
		if (!swmmu_query(&c->as, iova, &xl) && xl.size_lg2 == 21 && xl.entry_va == iova)
			cmd->out_large_found++;
	}
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
static int swmmu_vtd_device_dma(struct swmmu_vtd_ctx *c)
{
	struct swmmu_vtd_check *cmd = c->cmd;
	unsigned int i, nr = 0, nw = 0, *rd, *wr;
	int ret = 0;

	if (!cmd->nr_device_dma || !c->nr_pages)
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
	for (i = 0; i < cmd->nr_device_dma && nr && nw; i++) {
		const struct swmmu_vtd_page *a = &c->pages[rd[(i * 7) % nr]];
		const struct swmmu_vtd_page *b = &c->pages[wr[(i * 13 + 1) % nw]];
		struct swmmu_xlate xa, xb;
		u64 *pa, *pb;
		unsigned int k;

		if (a == b || swmmu_query(&c->as, a->iova, &xa) || swmmu_query(&c->as, b->iova, &xb))
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
			pci_info(to_pci_dev(c->dev), "swmmu: edu DMA timed out\n");
			break;
		}
		if (!memcmp(pa, pb, EDU_DMA_LEN))
			cmd->out_device_dma_ok++;
	}
out:
	kfree(rd);
	kfree(wr);
	return ret;
}

/* After everything is unmapped, none of the check's IOVAs may translate any more. */
static void swmmu_vtd_check_unmapped(struct swmmu_vtd_ctx *c)
{
	struct swmmu_xlate xl;
	unsigned int i;

	for (i = 0; i < c->nr_pages; i++)
		if (!swmmu_query(&c->as, c->pages[i].iova, &xl))
			c->cmd->out_left_after_unmap++;
}

static int swmmu_vtd_run(struct swmmu_vtd_ctx *c, struct pci_dev *pdev)
{
	struct swmmu_vtd_check *cmd = c->cmd;
	u32 cap = cmd->nr_regions;
	int ret;

	c->dom = iommu_get_domain_for_dev(&pdev->dev);
	if (!c->dom || !(c->dom->type & __IOMMU_DOMAIN_PAGING)) {
		pci_info(pdev, "swmmu: the device is not in a translating IOMMU domain (type %#x)\n",
			 c->dom ? c->dom->type : 0);
		return -EOPNOTSUPP;
	}
	ret = swmmu_vtd_find_table(c, pdev);
	if (ret)
		return ret;
	if (cap) {
		c->regions = kvcalloc(cap, sizeof(*c->regions), GFP_KERNEL_ACCOUNT);
		if (!c->regions)
			return -ENOMEM;
	}
	c->cap = cap;

	ret = swmmu_vtd_map_all(c);
	if (ret)
		return ret;
	cmd->nr_regions = 0;
	ret = swmmu_walk(&c->as, 0, 1ULL << c->as.fmt->va_bits, &swmmu_vtd_walk_ops, c);
	if (!ret && c->bad_table)
		ret = -EIO;
	if (ret)
		return ret;
	swmmu_vtd_check_pages(c);
	ret = swmmu_vtd_device_dma(c);
	if (ret)
		return ret;
	swmmu_vtd_unmap_all(c);
	swmmu_vtd_check_unmapped(c);
	return c->bad_table ? -EIO : 0;
}

/**
 * swmmu_cmd_vtd_check() - VTD_CHECK: walk the edu device's VT-d table and compare
 * @file: the file (unused: the check concerns the edu device, not the file's objects)
 * @data: struct swmmu_vtd_check
 *
 * Context: process context, may sleep; takes swmmu_vtd_lock.
 * Return: 0 or a negative errno (see struct swmmu_vtd_check).
 */
int swmmu_cmd_vtd_check(struct swmmu_file *file, void *data)
{
	struct swmmu_vtd_check *cmd = data;
	struct swmmu_dump_region __user *uarr = u64_to_user_ptr(cmd->regions_uptr);
	struct swmmu_vtd_ctx *c;
	struct pci_dev *pdev;
	u32 cap = cmd->nr_regions;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (cmd->nr_single > SWMMU_VTD_MAX_SINGLE || cmd->nr_sg_pages > SWMMU_VTD_MAX_SG_PAGES ||
	    cmd->contig_order > SWMMU_VTD_MAX_ORDER ||
	    cmd->nr_device_dma > SWMMU_VTD_MAX_DEVICE_DMA ||
	    cap > SWMMU_CPU_WALK_MAX_ENTRIES)
		return -EINVAL;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	/* Outputs start from zero whatever the caller left in them. */
	c->in = *cmd;
	memset(cmd, 0, sizeof(*cmd));
	cmd->size = c->in.size;
	cmd->nr_single = c->in.nr_single;
	cmd->nr_sg_pages = c->in.nr_sg_pages;
	cmd->contig_order = c->in.contig_order;
	cmd->nr_device_dma = c->in.nr_device_dma;
	cmd->nr_regions = cap;
	cmd->regions_uptr = c->in.regions_uptr;
	c->cmd = cmd;

	mutex_lock(&swmmu_vtd_lock);
	if (!swmmu_edu) {
		ret = -ENODEV;
		goto out_unlock;
	}
	pdev = swmmu_edu->pdev;
	c->dev = &pdev->dev;
	c->edu = swmmu_edu->bar;
	cmd->out_bdf = PCI_DEVID(pdev->bus->number, pdev->devfn);
	ret = swmmu_vtd_run(c, pdev);
	swmmu_vtd_free_all(c);
	if (!ret && cmd->nr_regions > cap)
		ret = -EMSGSIZE;
out_unlock:
	mutex_unlock(&swmmu_vtd_lock);
	if ((!ret || ret == -EMSGSIZE) && cap && c->regions &&
	    copy_to_user(uarr, c->regions, min(cap, cmd->nr_regions) * sizeof(*c->regions)))
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

	mutex_lock(&swmmu_vtd_lock);
	if (swmmu_edu) {
		mutex_unlock(&swmmu_vtd_lock);
		/* One device is enough for VTD_CHECK. */
		ret = -EBUSY;
		goto err_master;
	}
	swmmu_edu = edu;
	mutex_unlock(&swmmu_vtd_lock);
	pci_info(pdev, "swmmu: edu bound for VTD_CHECK\n");
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

	mutex_lock(&swmmu_vtd_lock);
	if (swmmu_edu == edu)
		swmmu_edu = NULL;
	mutex_unlock(&swmmu_vtd_lock);
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
 * swmmu_vtd_init() - register the PCI driver for QEMU's edu device
 *
 * Context: module init.
 * Return: 0 or a negative errno from pci_register_driver().
 */
int swmmu_vtd_init(void)
{
	return pci_register_driver(&swmmu_edu_driver);
}

/**
 * swmmu_vtd_exit() - unregister the PCI driver (unbinds the device)
 *
 * Context: module exit.
 */
void swmmu_vtd_exit(void)
{
	pci_unregister_driver(&swmmu_edu_driver);
}
