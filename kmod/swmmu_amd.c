// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD_CHECK: find the AMD IOMMU v1 host page table of the edu device the way the hardware does
 * and hand it to the common check (swmmu_iommu.c), which walks it with the core's "amd-v1"
 * format. AMD I/O Virtualization Technology (IOMMU) Specification, #48882 rev 3.x:
 *   ACPI IVRS table -> the IVHD block listing the device ("IVHD device entries") -> the IOMMU's
 *   registers -> Device Table Base Address Register (MMIO offset 0000h, §3.4)
 *   -> device table entry [DeviceID] (§2.2.2.1: V, TV, Mode, Page Table Root Pointer, GV, IR, IW)
 *   -> the host page table: Mode levels, root at level Mode (§2.2.3)
 * The core's amd-v1 format is the 4-level (Mode 4, 48-bit) table; Mode 1..3 use it with its top
 * levels dropped (swmmu_format_derive()), which is what the hardware does: the root table of a
 * Mode n table is a level n table. Linux 6.1 starts every v1 domain at Mode 3 and adds levels
 * only for IOVAs beyond 2^39 (increase_address_space()).
 *
 * What the format models of §2.2.3: NextLevel in every PDE (a PDE at level n must say n - 1),
 * PTEs at any level (NextLevel 0) and page sizes encoded in the address (NextLevel 7, every item
 * of the page repeating the PTE). Not modelled: PDEs that skip levels (NextLevel below n - 1);
 * the walk reports them as reserved items (struct swmmu_iommu_check.out_reserved_items), so they
 * fail the check instead of going unseen. Linux 6.1 never writes them (fetch_pte(): "No level
 * skipping support yet").
 *
 * The DeviceID is the device's own requester ID (bus, devfn): Linux programs the DTE of the
 * device itself even when the device also has an alias.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "swmmu_iommu.h"

/* IOMMU MMIO registers (§3.4) */
#define AMD_REG_DEV_TABLE	0x0000
#define AMD_REG_CONTROL		0x0018
#define AMD_REG_EFR		0x0030
#define AMD_DEV_TABLE_BASE	GENMASK_ULL(51, 12)
#define AMD_DEV_TABLE_SIZE	GENMASK_ULL(8, 0)	/* 4 KiB units, minus one */
#define AMD_CONTROL_IOMMU_EN	BIT_ULL(0)

/* Device table entry (§2.2.2.1): 256 bits, [0] bits 63:0 */
#define AMD_DTE_SIZE		32
#define AMD_DTE_V		BIT_ULL(0)
#define AMD_DTE_TV		BIT_ULL(1)
#define AMD_DTE_MODE		GENMASK_ULL(11, 9)
#define AMD_DTE_PT_ROOT		GENMASK_ULL(51, 12)
#define AMD_DTE_GV		BIT_ULL(55)
#define AMD_DTE_IR		BIT_ULL(61)
#define AMD_DTE_IW		BIT_ULL(62)
#define AMD_DTE_DOMAIN_ID	GENMASK_ULL(15, 0)	/* in [1] */

/* Length of an IVHD device entry: the type's top two bits (4, 8 bytes), or the HID entry's. */
static unsigned int swmmu_ivhd_entry_len(const u8 *p, const u8 *end)
{
	const struct acpi_ivrs_device_hid *hid = (const void *)p;

	if (*p < 0x80)
		return 4u << (*p >> 6);
	if (*p == ACPI_IVRS_TYPE_HID && p + sizeof(*hid) <= end)
		return sizeof(*hid) + hid->uid_length;
	return 0;	/* a type of unknown length: the rest cannot be parsed */
}

/* Does an IVHD block's device entry list [p, end) name @devid? */
static bool swmmu_ivhd_lists(const u8 *p, const u8 *end, u16 devid)
{
	u32 start = U32_MAX;

	while (p + sizeof(struct acpi_ivrs_de_header) <= end) {
		const struct acpi_ivrs_de_header *e = (const void *)p;
		unsigned int len = swmmu_ivhd_entry_len(p, end);

		if (!len || p + len > end)
			break;
		switch (e->type) {
		case ACPI_IVRS_TYPE_ALL:
			return true;
		case ACPI_IVRS_TYPE_SELECT:
		case ACPI_IVRS_TYPE_ALIAS_SELECT:
		case ACPI_IVRS_TYPE_EXT_SELECT:
			if (e->id == devid)
				return true;
			break;
		case ACPI_IVRS_TYPE_START:
		case ACPI_IVRS_TYPE_ALIAS_START:
		case ACPI_IVRS_TYPE_EXT_START:
			start = e->id;
			break;
		case ACPI_IVRS_TYPE_END:
			if (start <= devid && devid <= e->id)
				return true;
			start = U32_MAX;
			break;
		}
		p += len;
	}
	return false;
}

/**
 * struct swmmu_ivhd_find - looking for the IOMMU of a device
 * @pdev: the device
 * @devid: its DeviceID
 * @base: register base of the IOMMU whose IVHD block lists it
 * @iommu_bdf: the IOMMU's own DeviceID
 */
struct swmmu_ivhd_find {
	struct pci_dev *pdev;
	u16 devid;
	u64 base;
	u16 iommu_bdf;
};

static bool swmmu_ivhd_match(const void *sub, u16 len, void *ctx)
{
	const struct acpi_ivrs_hardware_10 *u = sub;
	struct swmmu_ivhd_find *f = ctx;
	unsigned int hlen;

	/* IVHD types 10h, 11h and 40h; 11h and 40h have a longer header. */
	if (u->header.type == ACPI_IVRS_TYPE_HARDWARE1)
		hlen = sizeof(struct acpi_ivrs_hardware_10);
	else if (u->header.type == ACPI_IVRS_TYPE_HARDWARE2 ||
		 u->header.type == ACPI_IVRS_TYPE_HARDWARE3)
		hlen = sizeof(struct acpi_ivrs_hardware_11);
	else
		return false;
	if (len < hlen || u->pci_segment_group != pci_domain_nr(f->pdev->bus) ||
	    !swmmu_ivhd_lists((const u8 *)sub + hlen, (const u8 *)sub + len, f->devid))
		return false;
	f->base = u->base_address;
	f->iommu_bdf = u->header.device_id;
	return true;
}

/* Registers -> device table entry -> the host page table and its geometry. */
static int swmmu_amd_find_table(struct swmmu_iommu_table *t, struct swmmu_iommu_check *chk,
				struct pci_dev *pdev, void *arg)
{
	struct swmmu_ivhd_find f = { .pdev = pdev, .devid = pci_dev_id(pdev) };
	struct swmmu_amd_check *cmd = arg;
	void __iomem *regs;
	unsigned int mode;
	u64 devtab;
	int ret;

	ret = swmmu_acpi_find(ACPI_SIG_IVRS, sizeof(struct acpi_table_ivrs), swmmu_ivhd_match, &f);
	if (ret) {
		pci_info(pdev, "swmmu: no IVHD block lists the device in the ACPI IVRS table\n");
		return ret;
	}
	cmd->out_mmio_base = f.base;
	cmd->out_iommu_bdf = f.iommu_bdf;
	regs = ioremap(cmd->out_mmio_base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	cmd->out_dev_table = readq(regs + AMD_REG_DEV_TABLE);
	cmd->out_control = readq(regs + AMD_REG_CONTROL);
	cmd->out_efr = readq(regs + AMD_REG_EFR);
	iounmap(regs);

	if (!(cmd->out_control & AMD_CONTROL_IOMMU_EN)) {
		pci_info(pdev, "swmmu: the IOMMU is not enabled (control %#llx)\n",
			 cmd->out_control);
		return -EOPNOTSUPP;
	}
	if ((FIELD_GET(AMD_DEV_TABLE_SIZE, cmd->out_dev_table) + 1) * SZ_4K <=
	    (u64)f.devid * AMD_DTE_SIZE) {
		pci_info(pdev, "swmmu: device ID %#x beyond the device table (%#llx)\n", f.devid,
			 cmd->out_dev_table);
		return -ENOENT;
	}
	devtab = cmd->out_dev_table & AMD_DEV_TABLE_BASE;
	ret = swmmu_iommu_read_phys(devtab + (u64)f.devid * AMD_DTE_SIZE, cmd->out_dte,
				    ARRAY_SIZE(cmd->out_dte));
	if (ret)
		return ret;
	cmd->out_domain_id = FIELD_GET(AMD_DTE_DOMAIN_ID, cmd->out_dte[1]);
	if (!(cmd->out_dte[0] & AMD_DTE_V) || !(cmd->out_dte[0] & AMD_DTE_TV)) {
		pci_info(pdev, "swmmu: DTE %#llx: no valid translation information (V, TV)\n",
			 cmd->out_dte[0]);
		return -ENOENT;
	}
	if (cmd->out_dte[0] & AMD_DTE_GV) {
		pci_info(pdev, "swmmu: DTE %#llx: guest (v2) page tables are not walked\n",
			 cmd->out_dte[0]);
		return -EOPNOTSUPP;
	}
	mode = FIELD_GET(AMD_DTE_MODE, cmd->out_dte[0]);
	if (!mode || mode == 7) {
		pci_info(pdev, "swmmu: DTE %#llx: Mode %u, no host page table\n", cmd->out_dte[0],
			 mode);
		return -EOPNOTSUPP;
	}
	chk->out_nr_levels = mode;
	chk->out_addr_width = min(12 + 9 * mode, 64u);
	t->root_prot = (cmd->out_dte[0] & AMD_DTE_IR ? SWMMU_PROT_READ : 0) |
		       (cmd->out_dte[0] & AMD_DTE_IW ? SWMMU_PROT_WRITE : 0);
	ret = swmmu_iommu_use_table(t, pdev, "amd-v1", chk->out_addr_width, mode,
				    cmd->out_dte[0] & AMD_DTE_PT_ROOT);
	if (ret)
		return ret;
	/* Every size from 8K (§2.2.3, NextLevel 7) that the driver's domain also offers. */
	t->large_sizes = swmmu_format_pgsizes(&t->fmt) &
			 iommu_get_domain_for_dev(&pdev->dev)->pgsize_bitmap & ~(u64)SZ_4K;
	return 0;
}

/**
 * swmmu_cmd_amd_check() - AMD_CHECK: walk the edu device's AMD IOMMU v1 table and compare
 * @file: the file (unused: the check concerns the edu device, not the file's objects)
 * @data: struct swmmu_amd_check
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (see struct swmmu_amd_check).
 */
int swmmu_cmd_amd_check(struct swmmu_file *file, void *data)
{
	struct swmmu_amd_check *cmd = data;

	if (cmd->flags)
		return -EOPNOTSUPP;
	memset_startat(cmd, 0, out_mmio_base);
	return swmmu_iommu_check(&cmd->check, swmmu_amd_find_table, cmd);
}
