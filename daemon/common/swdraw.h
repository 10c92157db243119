/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An address space as an SVG picture: mapped regions by page size and permissions on a
 * compressed VA strip, page-table occupancy per level, and recent faults. Plain data in, no
 * dependency on the kernel or the core: swmmuctl and swmmu-sim draw the same picture.
 */
#ifndef SWDRAW_H
#define SWDRAW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Permission bits of struct swdraw_region.prot (the swmmu prot word). */
#define SWDRAW_R	0x01u
#define SWDRAW_W	0x02u
#define SWDRAW_X	0x04u
#define SWDRAW_U	0x08u

struct swdraw_region {
	uint64_t iova;
	uint64_t dma;
	uint64_t len;
	uint32_t prot;
	unsigned int pgsize_lg2;
};

struct swdraw_level {
	unsigned int level;	/* 0 = leaf level */
	unsigned int shift;	/* lg2 of the VA span of one item */
	uint64_t tables;	/* tables of this level */
	uint64_t leaves;	/* leaf items in them */
	uint64_t pointers;	/* table-pointer items in them */
	uint64_t items;		/* item slots in them */
};

struct swdraw_fault {
	uint64_t iova;
	uint32_t access;	/* SWDRAW_R / SWDRAW_W / SWDRAW_X */
	const char *what;	/* short reason ("not present", "permission", ...) */
};

struct swdraw_as {
	const char *name;
	const char *format;
	unsigned int va_bits;
	unsigned int nr_levels;
	uint64_t mappings;
	uint64_t mapped_bytes;
	uint64_t tables;
	uint64_t table_bytes;
	const struct swdraw_region *regions;	/* in VA order */
	size_t nr_regions;
	const struct swdraw_level *levels;	/* any order */
	size_t nr_levels_occ;
	const struct swdraw_fault *faults;	/* most recent last */
	size_t nr_faults;
	uint64_t pgsizes;	/* the format's leaf sizes (bit n: 2^n); 0: those of the regions */
};

/* Write the picture; returns 0, or -1 if writing failed. */
int swdraw_svg(FILE *out, const struct swdraw_as *as);

#endif /* SWDRAW_H */
