// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-sim "draw FILE": the simulated address space as the same SVG picture swmmuctl draws of a
 * kernel one (daemon/common/swdraw.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "swdraw.h"

struct sim_draw {
	const struct swmmu_format *f;
	struct swdraw_region *r;
	size_t nr, cap;
	struct swdraw_level lv[SWMMU_MAX_LEVELS];
	int err;
};

static int sim_draw_region(void *ctx, const struct swmmu_region *rg)
{
	struct sim_draw *d = ctx;

	if (d->nr == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct swdraw_region *n = realloc(d->r, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		d->r = n;
		d->cap = cap;
	}
	d->r[d->nr++] = (struct swdraw_region){
		.iova = rg->va, .dma = rg->pa, .len = rg->len,
		.prot = rg->prot & (SWDRAW_R | SWDRAW_W | SWDRAW_X | SWDRAW_U),
		.pgsize_lg2 = rg->size_lg2,
	};
	return 0;
}

static int sim_draw_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct sim_draw *d = ctx;

	d->lv[it->level].leaves++;
	return SWMMU_WALK_DESCEND;
}

static int sim_draw_table(void *ctx, struct swmmu_walk_item *it)
{
	struct sim_draw *d = ctx;

	unsigned int lv[2], n, i;

	d->lv[it->level].pointers++;
	n = swmmu_item_child_tables(d->f, it, lv);
	for (i = 0; i < n; i++)
		d->lv[lv[i]].tables++;
	return SWMMU_WALK_DESCEND;
}

int sim_draw(const char *path, const struct swmmu_as *as)
{
	static const struct swmmu_walk_ops ops = {
		.leaf = sim_draw_leaf, .pre_table = sim_draw_table,
	};
	const struct swmmu_format *f = as->fmt;
	struct sim_draw d = { .f = f };
	struct swdraw_as pic = { .name = "swmmu-sim", .format = f->name,
				 .pgsizes = swmmu_format_pgsizes(f) };
	struct swmmu_stats st;
	u64 va[2], len[2], mapped = 0;
	unsigned int spans, i;
	FILE *out;
	int ret = 0;

	/* The whole VA space: both halves of a sign-extended or 64-bit one. */
	spans = sim_va_spans(f, va, len);
	for (i = 0; i < spans && !ret; i++)
		ret = swmmu_for_each_region(as, va[i], len[i], sim_draw_region, &d);
	for (i = 0; i < spans && !ret; i++)
		ret = swmmu_walk(as, va[i], len[i], &ops, &d);
	if (ret)
		goto out;
	d.lv[f->nr_levels - 1].tables = 1;
	for (i = 0; i < f->nr_levels; i++) {
		d.lv[i].level = i;
		d.lv[i].shift = f->level[i].shift;
		d.lv[i].items = d.lv[i].tables << f->level[i].index_bits;
	}
	for (i = 0; i < d.nr; i++)
		mapped += d.r[i].len;
	swmmu_as_stats(as, &st);
	pic.va_bits = f->va_bits;
	pic.nr_levels = f->nr_levels;
	pic.mappings = d.nr;
	pic.mapped_bytes = mapped;
	pic.tables = st.nr_tables;
	pic.table_bytes = st.table_bytes;
	pic.regions = d.r;
	pic.nr_regions = d.nr;
	pic.levels = d.lv;
	pic.nr_levels_occ = f->nr_levels;
	out = strcmp(path, "-") ? sim_fopen(path, "w") : sim_out;
	if (!out) {
		ret = errno ? -errno : -ENOENT;
		goto out;
	}
	ret = swdraw_svg(out, &pic) ? -EIO : 0;
	if (out != sim_out && fclose(out))
		ret = -EIO;
out:
	free(d.r);
	return ret;
}
