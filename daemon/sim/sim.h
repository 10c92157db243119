/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu-sim: the command interpreter (sim.c) and the commands implemented outside it. main.c is
 * the command-line program; the fuzz targets of tests/fuzz drive the same interpreter.
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stdio.h>

#include "swmmu_pt.h"

/*
 * sim.c: the interpreter. One address space at a time; every command either succeeds or leaves
 * the address space, its format and its tables exactly as they were.
 */
/* Where commands print (stdout unless changed). */
extern FILE *sim_out;
/* How commands open files (fopen unless changed: the fuzz targets keep files in memory). */
extern FILE *(*sim_fopen)(const char *path, const char *mode);
/* Bytes of table memory the simulator may use (at most 4 GiB). */
extern size_t sim_arena_limit;

/* Start with a built-in format (@name) or a description file (@desc, if not NULL). */
int sim_start(const char *name, const char *desc);
/* Run one command line (comments and blank lines are fine); *@cmd is its first word or NULL. */
int sim_line(char *line, const char **cmd);
/* Drop the address space, its format and its image; table memory starts empty again. */
void sim_reset(void);
/* "EINVAL", "ENOENT", ... for a negative errno. */
const char *sim_errname(int err);
/* What the last failed sim_start() or sim_line() had to say beyond its errno ("" if nothing). */
const char *sim_why(void);

/*
 * The whole VA space of @f as at most two (va, len) spans: both halves of a sign-extended format,
 * and two halves of a 64-bit one (a length cannot be 2^64). Returns the number of spans.
 */
unsigned int sim_va_spans(const struct swmmu_format *f, u64 va[2], u64 len[2]);

/* image.c: raw page-table images (docs/page-table-image.md). */
struct sim_image;
/*
 * Read the image at @path into a new read-only address space *@as over a new struct sim_image
 * (*@img) and, for a derived or run-time format, a new format (*@fmt, else NULL). @cur is the
 * format of the current address space: an image of a run-time format names it. Nothing is
 * changed on failure. Return 0 or a negative errno.
 */
int sim_image_load(const char *path, const struct swmmu_format *cur, struct swmmu_as *as,
		   struct sim_image **img, struct swmmu_format **fmt);
void sim_image_free(struct sim_image *img);
int sim_image_save(const char *path, const struct swmmu_as *as);
/* draw.c: the address space as an SVG picture (daemon/common/swdraw.c); "-" is sim_out. */
int sim_draw(const char *path, const struct swmmu_as *as);

#endif /* SIM_H */
