/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks of real IOMMU tables (VTD_CHECK, AMD_CHECK): what swmmu_iommu.c shares with the files
 * that know one kind of IOMMU (swmmu_vtd.c, swmmu_amd.c).
 *
 * swmmu_iommu.c binds QEMU's edu device, maps the caller's workload for it with the DMA API and,
 * after the IOMMU-specific find_table() has found the table the IOMMU uses for the device and
 * set up the core's view of it (swmmu_iommu_use_table()), walks and compares it.
 */
#ifndef SWMMU_IOMMU_H
#define SWMMU_IOMMU_H

#include <linux/types.h>

#include "swmmu_as.h"

struct pci_dev;
struct swmmu_iommu_ctx;

/**
 * struct swmmu_iommu_table - what find_table() found
 * @as: the core's read-only view of the table (set by swmmu_iommu_use_table())
 * @fmt: the format @as uses: a built-in one, or one derived with fewer levels
 * @large_sizes: bitmap of the page sizes above 4 KiB that the IOMMU and its driver offer for
 *               the device (for struct swmmu_iommu_check.out_large_*)
 * @root_prot: SWMMU_PROT_READ/WRITE granted above the table's root (AMD: the DTE's IR and IW;
 *             VT-d: both); the walk's permissions are restricted by it
 * @bad_table: a table address was not RAM (the walk read zeroes there)
 */
struct swmmu_iommu_table {
	struct swmmu_as as;
	struct swmmu_format fmt;
	u64 large_sizes;
	u32 root_prot;
	bool bad_table;
};

/**
 * typedef swmmu_find_table_t - find the table an IOMMU uses for a device
 * @t: to fill (swmmu_iommu_use_table(), @large_sizes, @root_prot)
 * @chk: the common outputs (out_addr_width, out_nr_levels)
 * @pdev: the device
 * @arg: the command's own struct, for its IOMMU-specific outputs
 *
 * Context: process context, with the device's mappings in place, under the check's lock.
 * Return: 0, or a negative errno (logged with the reason).
 */
typedef int (*swmmu_find_table_t)(struct swmmu_iommu_table *t, struct swmmu_iommu_check *chk,
				  struct pci_dev *pdev, void *arg);

int swmmu_iommu_check(struct swmmu_iommu_check *chk, swmmu_find_table_t find_table, void *arg);
int swmmu_iommu_use_table(struct swmmu_iommu_table *t, struct pci_dev *pdev, const char *name,
			  unsigned int va_bits, unsigned int nr_levels, u64 root);
int swmmu_iommu_read_phys(u64 addr, u64 *words, unsigned int nr);
int swmmu_acpi_find(char *sig, size_t first, bool (*match)(const void *sub, u16 len, void *ctx),
		    void *ctx);

/*
 * Walking tables built by someone else with swmmu_as_init_foreign(): the CPU's
 * (swmmu_introspect.c) and real IOMMUs' (swmmu_iommu.c, swmmu_vtd.c, swmmu_amd.c).
 */
u32 swmmu_format_id(const struct swmmu_format *f);
extern const struct swmmu_mem_ops swmmu_foreign_mem_ops;	/* ctx: bool *bad_table */
int swmmu_cmd_cpu_walk(struct swmmu_file *file, void *cmd);
int swmmu_cmd_vtd_check(struct swmmu_file *file, void *cmd);
int swmmu_cmd_amd_check(struct swmmu_file *file, void *cmd);
int swmmu_iommu_init(void);
void swmmu_iommu_exit(void);

#endif /* SWMMU_IOMMU_H */
