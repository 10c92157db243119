// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: swmmu-sim's page-table image loader (daemon/sim/image.c). The input is an
 * image, optionally preceded by a run-time format description it names:
 *
 *   %%fmt\n DESCRIPTION \n%%img\n IMAGE-BYTES
 *
 * The image is loaded over an address space with one mapping (a failed load must leave it as it
 * was), then walked, queried, translated, dumped, drawn, saved and read back: the dump of the
 * copy must equal the dump of the image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void line(const char *l)
{
	harness_line(l, strlen(l));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"walk 0", "walk 0x1000", "walk 0x200000", "walk 0x40000000", "walk 0x7ffffffff000",
		"walk 0xffff800000000000", "walk 0xfffffffffffff000", "query 0x1000",
		"query 0x40000123", "translate 0x1000 w", "translate 0x200000 rwx",
		"protect 0x1000 4K r", "unmap 0x200000 2M", "map 0x3000 0x3000 4K r",
	};
	const char *p = (const char *)data, *img = p;
	size_t isize = size, alen, blen;
	char *a, *b;
	unsigned int i;

	harness_begin();
	if (size > 6 && !memcmp(p, "%%fmt\n", 6)) {
		const char *m = memmem(p, size, "\n%%img\n", 7);

		if (m) {
			harness_file("f", p + 6, m - (p + 6));
			line("load f");
			img = m + 7;
			isize = size - (img - p);
		}
	}
	line("map 0x1000 0x5000 4K rw");
	harness_file("img", img, isize);
	if (harness_line("image img", 9))
		return 0;
	line("dump");
	line("image-save copy");
	a = harness_snapshot(&alen);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		line(probes[i]);
	line("draw -");
	line("free");
	line("stats");
	/* The probes above may have changed the image's tables (A/D bits, protect, unmap). */
	if (!harness_line("image copy", 10)) {
		b = harness_snapshot(&blen);
		if (alen != blen || memcmp(a, b, alen)) {
			fprintf(stderr, "fuzz_image: the saved copy differs\n--- image\n%s--- copy\n%s",
				a, b);
			abort();
		}
		free(b);
	} else {
		fprintf(stderr, "fuzz_image: the saved copy of a loaded image does not load\n");
		abort();
	}
	free(a);
	return 0;
}
