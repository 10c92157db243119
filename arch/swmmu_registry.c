// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registry of the built-in formats listed in swmmu_formats.def.
 */
#include "swmmu_arch.h"

static const struct swmmu_format *const swmmu_builtin[] = {
#define SWMMU_FORMAT(id) (&swmmu_fmt_##id),
#include "swmmu_formats.def"
#undef SWMMU_FORMAT
};

/**
 * swmmu_format_count() - number of built-in formats
 *
 * Context: any.
 * Return: the number of formats swmmu_format_get() returns.
 */
unsigned int swmmu_format_count(void)
{
	return ARRAY_SIZE(swmmu_builtin);
}
SWMMU_EXPORT(swmmu_format_count);

/**
 * swmmu_format_get() - built-in format by position
 * @i: index, 0 .. swmmu_format_count() - 1
 *
 * Context: any.
 * Return: the descriptor, or NULL if @i is out of range.
 */
const struct swmmu_format *swmmu_format_get(unsigned int i)
{
	return i < swmmu_format_count() ? swmmu_builtin[i] : NULL;
}
SWMMU_EXPORT(swmmu_format_get);

/**
 * swmmu_format_find() - built-in format by name
 * @name: format name, e.g. "x86_64" or "aarch64-4k"
 *
 * Context: any.
 * Return: the descriptor, or NULL if there is no such format.
 */
const struct swmmu_format *swmmu_format_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < swmmu_format_count(); i++)
		if (!strcmp(swmmu_builtin[i]->name, name))
			return swmmu_builtin[i];
	return NULL;
}
SWMMU_EXPORT(swmmu_format_find);
