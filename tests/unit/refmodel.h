/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-granular reference model: one address space under test and, for every page of a window of
 * its VA space, what must be mapped there. model_step() performs one random operation (map,
 * scatter map, unmap, protect, free_empty or query, with random and deliberately invalid
 * arguments), predicts its result and errno from the model, compares, and learns the page sizes
 * the implementation chose after validating them.
 */
#ifndef SWMMU_REFMODEL_H
#define SWMMU_REFMODEL_H

#include "testlib.h"

struct mpage {
	bool mapped;
	u8 size_lg2;
	u32 prot;
	u64 pa;
	u64 entry_ia;
};

struct model {
	struct test_mem *tm;
	const u8 *data;		/* fuzzer input, or NULL to use the seed */
	size_t size, pos;
	const struct swmmu_format *f;
	struct swmmu_as as;
	u64 base;		/* internal address of the window */
	u64 npages;
	unsigned int g;		/* lg2 of the granule (smallest page) */
	u64 pgsizes;
	struct mpage *pg;
	u32 prots[16];
	unsigned int nprots;
	u64 seed;
	long ops, errors_checked;
	bool failed;
	char where[160];
};

#define FAILF(m, ...) do {							\
	if (!(m)->failed)							\
		tap_diag(__VA_ARGS__);						\
	(m)->failed = true;							\
} while (0)

int model_init(struct model *m, const struct swmmu_format *f, struct test_mem *tm, u64 base,
	       u64 npages, u64 seed);
void model_step(struct model *m);
void model_check_all(struct model *m);
void model_fini(struct model *m);

#endif /* SWMMU_REFMODEL_H */
