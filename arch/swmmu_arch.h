/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations of the built-in format descriptors (arch/swmmu_formats.def) and helpers for
 * writing them.
 */
#ifndef SWMMU_ARCH_H
#define SWMMU_ARCH_H

#include "swmmu_format.h"

/* One declaration listing every built-in descriptor (the last declarator only ends the list). */
#define SWMMU_FORMAT(id) swmmu_fmt_##id,
extern const struct swmmu_format
#include "swmmu_formats.def"
	swmmu_fmt_list_end;
#undef SWMMU_FORMAT

/* Bit n of an entry. */
#define SWMMU_B(n)	(1ULL << (n))

/* Permission indices for designated initialisers of struct swmmu_perm_enc. */
#define SWMMU_PI_R	0
#define SWMMU_PI_W	1
#define SWMMU_PI_X	2
#define SWMMU_PI_U	3
#define SWMMU_PI_G	4

#endif /* SWMMU_ARCH_H */
