/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debugfs: module counters, driver-managed contexts, and a page-table dump per address
 * space (swmmu_debugfs.c).
 */
#ifndef SWMMU_DEBUGFS_H
#define SWMMU_DEBUGFS_H

#include "swmmu_as.h"

/* debugfs (swmmu_debugfs.c). */
void swmmu_debugfs_init(void);
void swmmu_debugfs_exit(void);
void swmmu_debugfs_as_add(struct swmmu_as_obj *as);
void swmmu_debugfs_as_remove(struct swmmu_as_obj *as);

#endif /* SWMMU_DEBUGFS_H */
