// SPDX-License-Identifier: GPL-2.0-only
/*
 * VTD_CHECK: find the Intel VT-d second-stage table of the edu device the way the hardware does
 * and hand it to the common check (swmmu_iommu.c), which walks it with the core's "vtd-ss"
 * format. VT-d spec §3.4.2 legacy mode, §9.1 root entry, §9.3 context entry:
 *   ACPI DMAR table -> the DRHD unit of the device -> its RTADDR_REG (root table)
 *   -> root entry [bus] -> context table -> context entry [devfn] -> SLPTPTR, AW
 * The second-stage table has as many levels as AW says (3 for the 39-bit width QEMU gives by
 * default, 4 for 48 bits).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "swmmu_iommu.h"

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
/* Root entry (§9.1) and context entry (§9.3), legacy mode: 16 bytes each. */
#define VTD_ENTRY_SIZE		16
#define VTD_RE_P		BIT_ULL(0)
#define VTD_CE_P		BIT_ULL(0)
#define VTD_CE_TT		GENMASK_ULL(3, 2)	/* 0, 1: translated; 2: pass-through */
#define VTD_CE_TT_PT		2
#define VTD_CE_AW		GENMASK_ULL(2, 0)	/* in the upper word */
#define VTD_CE_DID		GENMASK_ULL(23, 8)	/* in the upper word */

/* Does a DRHD device scope list @pdev itself (an endpoint with a one-element path)? */
static bool swmmu_drhd_lists(const struct acpi_dmar_hardware_unit *u, struct pci_dev *pdev)
{
	const void *p = u + 1, *end = (const void *)u + u->header.length;

	while (p + sizeof(struct acpi_dmar_device_scope) <= end) {
		const struct acpi_dmar_device_scope *s = p;
		const struct acpi_dmar_pci_path *path = (const void *)(s + 1);

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

/**
 * struct swmmu_drhd_find - looking for the DMAR unit of a device
 * @pdev: the device
 * @base: register base of the unit whose device scope lists it
 * @all: register base of the unit of the segment with INCLUDE_PCI_ALL, or 0
 */
struct swmmu_drhd_find {
	struct pci_dev *pdev;
	u64 base;
	u64 all;
};

static bool swmmu_drhd_match(const void *sub, u16 len, void *ctx)
{
	const struct acpi_dmar_hardware_unit *u = sub;
	struct swmmu_drhd_find *f = ctx;

	if (u->header.type != ACPI_DMAR_TYPE_HARDWARE_UNIT || len < sizeof(*u) ||
	    u->segment != pci_domain_nr(f->pdev->bus))
		return false;
	if (swmmu_drhd_lists(u, f->pdev)) {
		f->base = u->address;
		return true;
	}
	if (u->flags & ACPI_DMAR_INCLUDE_ALL)
		f->all = u->address;
	return false;
}

/* Register base of the DMAR unit translating @pdev, from the ACPI DMAR table. */
static int swmmu_vtd_unit(struct pci_dev *pdev, u64 *base)
{
	struct swmmu_drhd_find f = { .pdev = pdev };

	if (!swmmu_acpi_find(ACPI_SIG_DMAR, sizeof(struct acpi_table_dmar), swmmu_drhd_match, &f))
		*base = f.base;
	else if (f.all)
		*base = f.all;
	else
		return -ENOENT;
	return 0;
}

/* Registers -> root entry -> context entry -> the second-stage table and its geometry. */
static int swmmu_vtd_find_table(struct swmmu_iommu_table *t, struct swmmu_iommu_check *chk,
				struct pci_dev *pdev, void *arg)
{
	struct swmmu_vtd_check *cmd = arg;
	void __iomem *regs;
	u64 base, root[2], ctx[2];
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
	if (cmd->out_cap & VTD_CAP_SLLPS_2M) {
		cmd->out_flags |= SWMMU_VTD_SUPERPAGE_2M;
		t->large_sizes |= SZ_2M;
	}
	if (cmd->out_cap & VTD_CAP_SLLPS_1G) {
		cmd->out_flags |= SWMMU_VTD_SUPERPAGE_1G;
		t->large_sizes |= SZ_1G;
	}

	ret = swmmu_iommu_read_phys((cmd->out_rtaddr & VTD_ADDR_MASK) +
				    pdev->bus->number * VTD_ENTRY_SIZE, root, 2);
	if (ret)
		return ret;
	if (!(root[0] & VTD_RE_P)) {
		pci_info(pdev, "swmmu: root entry of bus %u not present\n", pdev->bus->number);
		return -ENOENT;
	}
	ret = swmmu_iommu_read_phys((root[0] & VTD_ADDR_MASK) + pdev->devfn * VTD_ENTRY_SIZE,
				    ctx, 2);
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
	chk->out_addr_width = 30 + 9 * aw;
	chk->out_nr_levels = aw + 2;

	/* AGAW 57: the 5-level built-in; 39 and 48: the 4-level one (39: its top level dropped). */
	return swmmu_iommu_use_table(t, pdev, chk->out_addr_width == 57 ? "vtd-ss-57" : "vtd-ss",
				     chk->out_addr_width, chk->out_nr_levels,
				     ctx[0] & VTD_ADDR_MASK);
}

/**
 * swmmu_cmd_vtd_check() - VTD_CHECK: walk the edu device's VT-d table and compare
 * @file: the file (unused: the check concerns the edu device, not the file's objects)
 * @data: struct swmmu_vtd_check
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see struct swmmu_vtd_check).
 */
int swmmu_cmd_vtd_check(struct swmmu_file *file, void *data)
{
	struct swmmu_vtd_check *cmd = data;

	if (cmd->flags)
		return -EOPNOTSUPP;
	memset_startat(cmd, 0, out_rtaddr);
	return swmmu_iommu_check(&cmd->check, swmmu_vtd_find_table, cmd);
}
