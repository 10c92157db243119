/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu-sim: commands implemented outside sim.c.
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>

#include "swmmu_pt.h"

/* image.c: raw page-table images (docs/page-table-image.md). Return 0 or a negative errno. */
int sim_image_load(const char *path, struct swmmu_as *as, bool *have_as);
int sim_image_save(const char *path, const struct swmmu_as *as);
/* draw.c: the address space as an SVG picture (daemon/common/swdraw.c); "-" is stdout. */
int sim_draw(const char *path, const struct swmmu_as *as);

#endif /* SIM_H */
