// SPDX-License-Identifier: GPL-2.0-only
/*
 * An address space as an SVG picture (see swdraw.h).
 *
 * The VA strip: a device VA space is huge (2^39..2^57 bytes) and what is mapped is tiny, so the
 * strip is compressed: runs of adjacent regions ("clusters") are drawn to scale against the
 * mapped total, with a minimum width so every region stays visible, and the holes between
 * clusters are drawn as fixed-width breaks labelled with their size. The strip wraps into rows.
 * Colour = leaf size, shade = permissions (solid: writable, light: read-only, hatched: no read),
 * a dark top edge = executable. Every shape has a <title>: hover for the exact numbers.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "swdraw.h"

#define W		1000	/* picture width */
#define MARGIN		20
#define STRIP_H		28	/* height of one row of the VA strip */
#define ROW_GAP		26	/* space under a row for labels */
#define BREAK_W		22	/* width of a hole */
#define MIN_W		3	/* minimum width of a region */
#define MAX_ROWS	24
#define MAX_FAULTS	12

struct swdraw_size_colour {
	unsigned int lg2;
	const char *colour;
	const char *label;
};

static const struct swdraw_size_colour swdraw_colours[] = {
	{ 12, "#4e79a7", "4K" },
	{ 14, "#76b7b2", "16K" },
	{ 16, "#59a14f", "64K" },
	{ 21, "#f28e2b", "2M" },
	{ 25, "#edc948", "32M" },
	{ 29, "#ff9da7", "512M" },
	{ 30, "#e15759", "1G" },
};

static const char *swdraw_colour(unsigned int lg2)
{
	size_t i;

	for (i = 0; i < sizeof(swdraw_colours) / sizeof(swdraw_colours[0]); i++)
		if (swdraw_colours[i].lg2 == lg2)
			return swdraw_colours[i].colour;
	return "#b07aa1";
}

static void swdraw_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;
	double d = (double)v;

	while (d >= 1024 && u < sizeof(units) - 2) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else if (d == (double)(uint64_t)d)
		snprintf(buf, len, "%" PRIu64 " %ciB", (uint64_t)d, units[u]);
	else
		snprintf(buf, len, "%.1f %ciB", d, units[u]);
}

static void swdraw_prot(uint32_t p, char *buf, size_t len)
{
	snprintf(buf, len, "%c%c%c%c", p & SWDRAW_R ? 'r' : '-', p & SWDRAW_W ? 'w' : '-',
		 p & SWDRAW_X ? 'x' : '-', p & SWDRAW_U ? 'u' : '-');
}

static void swdraw_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '"')
			fputs("&quot;", out);
		else
			fputc(*s, out);
	}
}

/* One piece of the strip: a region or a hole. */
struct swdraw_piece {
	bool hole;
	size_t region;		/* index, if not a hole */
	uint64_t va, len;	/* a hole's extent */
	int x, row, w;
};

static int swdraw_layout(const struct swdraw_as *as, struct swdraw_piece *p, size_t *nr,
			 int *rows)
{
	const int usable = W - 2 * MARGIN;
	uint64_t total = as->mapped_bytes;
	size_t i, n = 0;
	int x = 0, row = 0;

	if (!total)
		for (i = 0; i < as->nr_regions; i++)
			total += as->regions[i].len;
	for (i = 0; i < as->nr_regions; i++) {
		const struct swdraw_region *r = &as->regions[i];
		double share = total ? (double)r->len / (double)total : 0;
		int w;

		if (i && as->regions[i - 1].iova + as->regions[i - 1].len != r->iova) {
			const struct swdraw_region *q = &as->regions[i - 1];

			if (x + BREAK_W > usable) {
				x = 0;
				row++;
			}
			p[n] = (struct swdraw_piece){ .hole = true, .va = q->iova + q->len,
						      .len = r->iova - (q->iova + q->len),
						      .x = x, .row = row, .w = BREAK_W };
			n++;
			x += BREAK_W;
		}
		w = (int)(share * (usable - BREAK_W * 4));
		if (w < MIN_W)
			w = MIN_W;
		if (w > usable)
			w = usable;
		if (x + w > usable) {
			x = 0;
			row++;
		}
		p[n] = (struct swdraw_piece){ .region = i, .x = x, .row = row, .w = w };
		n++;
		x += w;
	}
	*nr = n;
	*rows = as->nr_regions ? row + 1 : 0;
	return 0;
}

/* Where a VA lands on the strip: the piece that holds it, or -1. */
static long swdraw_find(const struct swdraw_as *as, const struct swdraw_piece *p, size_t n,
			uint64_t va, int *x)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t start, len;

		if (p[i].hole) {
			start = p[i].va;
			len = p[i].len;
		} else {
			start = as->regions[p[i].region].iova;
			len = as->regions[p[i].region].len;
		}
		if (va >= start && va - start < len) {
			*x = p[i].x + (int)((double)(va - start) / (double)len * p[i].w);
			return (long)i;
		}
	}
	return -1;
}

static void swdraw_strip(FILE *out, const struct swdraw_as *as, const struct swdraw_piece *p,
			 size_t n, int top)
{
	char a[32], b[32], c[32];
	size_t i;

	for (i = 0; i < n; i++) {
		int y = top + p[i].row * (STRIP_H + ROW_GAP);
		int x = MARGIN + p[i].x;

		if (p[i].row >= MAX_ROWS)
			break;
		if (p[i].hole) {
			swdraw_size(p[i].len, a, sizeof(a));
			fprintf(out, "<g><title>hole: %#" PRIx64 " .. %#" PRIx64 " (%s)</title>"
				"<path d=\"M%d %d l%d %d l%d %d l%d %d\" stroke=\"#999\" fill=\"none\"/>"
				"<text x=\"%d\" y=\"%d\" font-size=\"8\" fill=\"#777\" "
				"text-anchor=\"middle\">%s</text></g>\n",
				p[i].va, p[i].va + p[i].len - 1, a, x + 2, y + STRIP_H / 2,
				(BREAK_W - 4) / 3, -8, (BREAK_W - 4) / 3, 16, (BREAK_W - 4) / 3, -8,
				x + BREAK_W / 2, y + STRIP_H + 9, a);
			continue;
		}
		{
			const struct swdraw_region *r = &as->regions[p[i].region];
			const char *fill = swdraw_colour(r->pgsize_lg2);
			double op = r->prot & SWDRAW_W ? 1.0 : 0.5;

			swdraw_size(r->len, a, sizeof(a));
			swdraw_size(1ULL << r->pgsize_lg2, b, sizeof(b));
			swdraw_prot(r->prot, c, sizeof(c));
			fprintf(out, "<g><title>%#" PRIx64 " .. %#" PRIx64 ": %s in %s leaves, %s, "
				"DMA %#" PRIx64 "</title>"
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
				"fill-opacity=\"%.2f\" stroke=\"#fff\" stroke-width=\"0.5\"/>",
				r->iova, r->iova + r->len - 1, a, b, c, r->dma, x, y, p[i].w, STRIP_H,
				fill, op);
			if (!(r->prot & SWDRAW_R))
				fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					"fill=\"url(#hatch)\"/>", x, y, p[i].w, STRIP_H);
			if (r->prot & SWDRAW_X)
				fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"4\" "
					"fill=\"#222\"/>", x, y, p[i].w);
			fputs("</g>\n", out);
			/* Label the start of each cluster. */
			if (!i || p[i - 1].hole || p[i].row != p[i - 1].row)
				fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"9\" "
					"fill=\"#333\">%#" PRIx64 "</text>\n", x, y + STRIP_H + 18,
					r->iova);
		}
	}
}

/* The leaf sizes of the legend: the format's, and any a region uses (there should be none else). */
static uint64_t swdraw_sizes(const struct swdraw_as *as)
{
	uint64_t sizes = as->pgsizes;
	size_t i;

	for (i = 0; i < as->nr_regions; i++)
		if (as->regions[i].pgsize_lg2 < 64)
			sizes |= 1ULL << as->regions[i].pgsize_lg2;
	return sizes;
}

static void swdraw_legend(FILE *out, const struct swdraw_as *as, int y)
{
	uint64_t sizes = swdraw_sizes(as);
	unsigned int b;
	int x = MARGIN;

	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">leaf size:</text>\n",
		x, y + 11);
	x += 60;
	for (b = 0; b < 64 && x < W - 330; b++) {
		char label[16];

		if (!(sizes & (1ULL << b)))
			continue;
		swdraw_size(1ULL << b, label, sizeof(label));
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n", x, y,
			swdraw_colour(b), x + 18, y + 11, label);
		x += 58;
	}
	x += 10;
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#4e79a7\"/>"
		"<text x=\"%d\" y=\"%d\" font-size=\"11\">rw</text>\n", x, y, x + 18, y + 11);
	x += 44;
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#4e79a7\" "
		"fill-opacity=\"0.5\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">read-only</text>\n",
		x, y, x + 18, y + 11);
	x += 84;
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#4e79a7\"/>"
		"<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"#222\"/>"
		"<text x=\"%d\" y=\"%d\" font-size=\"11\">exec</text>\n", x, y, x, y, x + 18, y + 11);
	x += 54;
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"url(#hatch)\" "
		"stroke=\"#999\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">no read</text>\n",
		x, y, x + 18, y + 11);
}

static int swdraw_level_cmp(const void *a, const void *b)
{
	const struct swdraw_level *x = a, *y = b;

	return (int)y->level - (int)x->level;
}

static int swdraw_levels(FILE *out, const struct swdraw_as *as, int y)
{
	struct swdraw_level *lv;
	/* Each level's label on a line of its own above its bar: a long one is never cut. */
	const int bar_x = MARGIN, bar_w = W - MARGIN - bar_x;
	size_t i;

	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">"
		"Page-table occupancy per level (root first)</text>\n", MARGIN, y);
	y += 12;
	if (!as->nr_levels_occ) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#777\">"
			"no table information</text>\n", MARGIN, y + 12);
		return y + 24;
	}
	lv = calloc(as->nr_levels_occ, sizeof(*lv));
	if (!lv)
		return -1;
	memcpy(lv, as->levels, as->nr_levels_occ * sizeof(*lv));
	qsort(lv, as->nr_levels_occ, sizeof(*lv), swdraw_level_cmp);
	for (i = 0; i < as->nr_levels_occ; i++) {
		const struct swdraw_level *l = &lv[i];
		uint64_t used = l->leaves + l->pointers;
		double fl = l->items ? (double)l->leaves / (double)l->items : 0;
		double fp = l->items ? (double)l->pointers / (double)l->items : 0;
		char span[32];

		swdraw_size(1ULL << l->shift, span, sizeof(span));
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">level %u (%s per item): "
			"%" PRIu64 " table%s, %" PRIu64 " of %" PRIu64 " items used (%.2f%%)</text>\n",
			MARGIN, y + 11, l->level, span, l->tables, l->tables == 1 ? "" : "s", used,
			l->items, l->items ? 100.0 * (double)used / (double)l->items : 0.0);
		y += 15;
		fprintf(out, "<g><title>level %u: %" PRIu64 " leaves, %" PRIu64 " table pointers, "
			"%" PRIu64 " empty</title>"
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#eee\" "
			"stroke=\"#ccc\"/>", l->level, l->leaves, l->pointers, l->items - used,
			bar_x, y, bar_w);
		if (fl > 0)
			fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" "
				"fill=\"%s\"/>", bar_x, y, fl * bar_w > 1 ? fl * bar_w : 1,
				swdraw_colour(l->shift));
		if (fp > 0)
			fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
				"fill=\"#888\"/>", bar_x + fl * bar_w, y,
				fp * bar_w > 1 ? fp * bar_w : 1);
		fputs("</g>\n", out);
		y += 22;
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#777\">bar: leaves "
		"(coloured by size), table pointers (grey), empty (light)</text>\n", bar_x, y + 8);
	free(lv);
	return y + 20;
}

int swdraw_svg(FILE *out, const struct swdraw_as *as)
{
	struct swdraw_piece *p = NULL;
	size_t n = 0, i, first;
	int rows = 0, strip_top, y, height;
	char a[32], b[32];

	if (as->nr_regions) {
		p = calloc(as->nr_regions * 2, sizeof(*p));
		if (!p)
			return -1;
		swdraw_layout(as, p, &n, &rows);
	}
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;
	strip_top = 110;
	y = strip_top + (rows ? rows : 1) * (STRIP_H + ROW_GAP) + 10;
	height = y + 60 + 37 * (int)(as->nr_levels_occ + 2) +
		 16 * (int)(as->nr_faults > MAX_FAULTS ? MAX_FAULTS : as->nr_faults) + 80;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-width=\"3\"/>"
		"</pattern></defs>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		W, height, W, height);
	fprintf(out, "<text x=\"%d\" y=\"30\" font-size=\"20\" font-weight=\"bold\">"
		"Address space ", MARGIN);
	swdraw_text(out, as->name);
	fputs("</text>\n", out);
	swdraw_size(as->mapped_bytes, a, sizeof(a));
	swdraw_size(as->table_bytes, b, sizeof(b));
	fprintf(out, "<text x=\"%d\" y=\"52\" font-size=\"12\" fill=\"#333\">format ", MARGIN);
	swdraw_text(out, as->format);
	fprintf(out, ", %u VA bits, %u levels; %" PRIu64 " mapping%s, %s mapped in %zu "
		"region%s; %" PRIu64 " table%s (%s)</text>\n", as->va_bits, as->nr_levels,
		as->mappings, as->mappings == 1 ? "" : "s", a, as->nr_regions,
		as->nr_regions == 1 ? "" : "s", as->tables, as->tables == 1 ? "" : "s", b);
	swdraw_legend(out, as, 64);
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">"
		"Mapped regions in VA order (holes compressed)</text>\n", MARGIN, strip_top - 8);
	if (!as->nr_regions)
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#777\">nothing is "
			"mapped</text>\n", MARGIN, strip_top + 18);
	swdraw_strip(out, as, p, n, strip_top);
	if (n && p[n - 1].row >= MAX_ROWS)
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#a00\">(more regions "
			"than fit: the strip is cut)</text>\n", MARGIN, y - 6);

	/* Faults: a marker on the strip where the VA lands, and a list. */
	first = as->nr_faults > MAX_FAULTS ? as->nr_faults - MAX_FAULTS : 0;
	for (i = first; i < as->nr_faults; i++) {
		int x;
		long k = swdraw_find(as, p, n, as->faults[i].iova, &x);

		if (k < 0 || p[k].row >= MAX_ROWS)
			continue;
		fprintf(out, "<g><title>fault at %#" PRIx64 "</title><path d=\"M%d %d l-5 -9 l10 0 "
			"z\" fill=\"#d00\"/></g>\n", as->faults[i].iova, MARGIN + x,
			strip_top + p[k].row * (STRIP_H + ROW_GAP));
	}
	y = swdraw_levels(out, as, y + 10);
	if (y < 0) {
		free(p);
		return -1;
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">Recent faults"
		"</text>\n", MARGIN, y + 10);
	y += 28;
	if (!as->nr_faults)
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#777\">none</text>\n",
			MARGIN, y);
	for (i = first; i < as->nr_faults; i++, y += 16) {
		char acc[8];

		swdraw_prot(as->faults[i].access, acc, sizeof(acc));
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#a00\">"
			"&#9660; %#" PRIx64 "  access %s  ", MARGIN, y, as->faults[i].iova, acc);
		swdraw_text(out, as->faults[i].what ? as->faults[i].what : "");
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
	free(p);
	return ferror(out) ? -1 : 0;
}
