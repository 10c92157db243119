// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVG of swmmuctl draw and swmmu-sim draw (daemon/common/swdraw.c): the legend lists the
 * format's page sizes, not a fixed list, and each level's label has a line of its own instead
 * of running under its bar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swdraw.h"
#include "tap.h"

static char *draw(const struct swdraw_as *as)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (swdraw_svg(f, as)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* The y of the first element of @tag whose text or attributes contain @what; -1 if none. */
static int y_of(const char *svg, const char *tag, const char *what)
{
	const char *p = svg;

	while ((p = strstr(p, tag))) {
		const char *end = strchr(p, '\n'), *y = strstr(p, " y=\"");

		if (end && y && y < end && memmem(p, (size_t)(end - p), what, strlen(what)))
			return atoi(y + 4);
		p++;
	}
	return -1;
}

int main(void)
{
	static const struct swdraw_region r[] = {
		{ .iova = 0x100000, .dma = 0x80000000, .len = 0x2000, .prot = 3, .pgsize_lg2 = 12 },
	};
	static const struct swdraw_level lv[] = {
		{ .level = 0, .shift = 12, .tables = 1, .leaves = 2, .items = 512 },
		{ .level = 1, .shift = 21, .tables = 1, .pointers = 1, .items = 512 },
		{ .level = 2, .shift = 30, .tables = 1, .pointers = 1, .items = 1024 },
	};
	struct swdraw_as as = {
		.name = "t", .format = "toy-gpu", .va_bits = 40, .nr_levels = 3, .mappings = 1,
		.mapped_bytes = 0x2000, .tables = 3, .table_bytes = 0x4000, .regions = r,
		.nr_regions = 1, .levels = lv, .nr_levels_occ = 3,
		.pgsizes = (1ULL << 12) | (1ULL << 21),
	};
	char *svg = draw(&as);
	int label, bar;

	if (!TAP_CHECK(svg != NULL, "the picture is drawn"))
		return tap_done();
	TAP_CHECK(strstr(svg, ">4 KiB</text>") && strstr(svg, ">2 MiB</text>"),
		  "legend: the format's sizes 4K and 2M");
	TAP_CHECK(!strstr(svg, ">1 GiB</text>") && !strstr(svg, ">16 KiB</text>") &&
		  !strstr(svg, ">64 KiB</text>") && !strstr(svg, ">32 MiB</text>") &&
		  !strstr(svg, ">512 MiB</text>"), "legend: no size the format does not have");
	label = y_of(svg, "<text", ">level 2 (1 GiB per item)");
	bar = y_of(svg, "<g><title>level 2:", "<rect");
	TAP_CHECK(label > 0 && bar > 0 && label <= bar,
		  "level label above its bar (label y %d, bar y %d)", label, bar);
	TAP_CHECK(!strstr(svg, "<rect x=\"320\""), "no bar starts mid-line, under a label");
	free(svg);

	/* Without the format's sizes: those of the regions. */
	as.pgsizes = 0;
	svg = draw(&as);
	TAP_CHECK(svg && strstr(svg, ">4 KiB</text>") && !strstr(svg, ">2 MiB</text>"),
		  "legend without the format's sizes: the regions' 4K");
	free(svg);
	return tap_done();
}
