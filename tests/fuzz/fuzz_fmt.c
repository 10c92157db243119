// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the run-time format parser and validator (core/swmmu_fmt_text.c,
 * core/swmmu_format.c). The input is a text description. One that parses must validate, print
 * and parse back to an equal descriptor (swmmu_format_print() promises it); then swmmu-sim loads
 * it, twice (a live loaded format replaced), maps, walks, frees and saves and reads an image with
 * it, and a failed load must leave the state alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swmmu_pt.h"
#include "sim_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char script[] =
	"load f\n"
	"map 0 0 64K rw\n"
	"map 0x200000 0x200000 2M r\n"
	"map 0x40000000 0x40000000 1G rwx\n"
	"walk 0x201000\n"
	"query 0x10000\n"
	"translate 0x1000 w\n"
	"protect 0x1000 4K r split\n"
	"dump\n"
	"image-save s\n"
	"unmap 0 64K split\n"
	"free\n"
	"stats\n"
	"draw -\n"
	"load f\n"
	"map 0x1000 0x1000 4K r\n"
	"load empty\n"
	"image s\n"
	"dump\n"
	"walk 0x201000\n"
	"format x86_64\n"
	"image s\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct swmmu_format f, g;
	static char text[16384];
	unsigned int line;
	char *copy = malloc(size ? size : 1);
	int n;

	if (!copy)
		abort();
	memcpy(copy, data, size);	/* exactly @size bytes: any over-read is caught */
	if (!swmmu_format_parse(copy, size, &f, &line)) {
		if (swmmu_format_validate(&f)) {
			fprintf(stderr, "fuzz_fmt: a parsed format does not validate\n");
			abort();
		}
		n = swmmu_format_print(&f, text, sizeof(text));
		if (n < 0 || (size_t)n >= sizeof(text) || swmmu_format_parse(text, n, &g, &line) ||
		    !swmmu_format_equal(&f, &g)) {
			fprintf(stderr, "fuzz_fmt: print/parse round trip differs (line %u):\n%s", line,
				text);
			abort();
		}
	}
	harness_begin();
	harness_file("f", copy, size);
	harness_file("empty", "", 0);
	harness_script(script, sizeof(script) - 1);
	free(copy);
	return 0;
}
