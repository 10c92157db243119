/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU views of device address spaces through mmap() of /dev/swmmu (swmmu_mmap.c).
 */
#ifndef SWMMU_MMAP_H
#define SWMMU_MMAP_H

#include "swmmu_as.h"

/* mmap (swmmu_mmap.c). */
int swmmu_mmap(struct file *filp, struct vm_area_struct *vma);
void swmmu_as_zap(struct swmmu_as_obj *as, u64 iova, u64 last);
void swmmu_zap_window(struct swmmu_as_obj *as, struct swmmu_file *file, u64 mmap_offset,
		      u64 iova, u64 last);

#endif /* SWMMU_MMAP_H */
