// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic engine instance: reads the descriptor at run time. Used for formats parsed from a
 * text description and for any format without a specialised instance, and for the cold parts
 * every instance shares (swmmu_split_edges()).
 */
#include "swmmu_engine.h"

SWMMU_ENGINE_INSTANCE(, swmmu_generic_ops, as->fmt);

/**
 * swmmu_split_edges() - split the leaves an unmap or protect range cuts at its two ends
 * @c: the operation's context: @c->as, @c->g and the tables counted in @c->need
 * @start: first internal address of the range
 * @last: last internal address of the range (inclusive)
 *
 * The cold half of every engine instance's range preamble (pt_edges()): compiled once, reading
 * the format at run time. Tables are pre-allocated first, so a failure changes nothing.
 *
 * Context: the caller holds the range; lock-free readers may run. Internal to the library.
 * Return: 0, -EOPNOTSUPP if a table entry cannot be encoded, -ENOMEM.
 */
int swmmu_split_edges(struct pt_ctx *c, u64 start, u64 last)
{
	return pt_split_edges(c->as->fmt, c, start, last);
}
