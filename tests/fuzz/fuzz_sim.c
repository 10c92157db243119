// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: swmmu-sim's command interpreter on whole scripts. The input is a script,
 * optionally followed by files its commands read (load, image), each introduced by a line
 * "%%file NAME":
 *
 *   load f
 *   map 0 0 4K rw
 *   %%file f
 *   name tiny
 *   ...
 *
 * Files that image-save and draw write stay in memory and can be read back. Any crash or
 * sanitizer report is a finding, and so is a failed load, format or image that changes dump,
 * stats or describe (sim_harness.c).
 */
#include <string.h>

#include "sim_harness.h"

#define MARK	"\n%%file "

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *m = memmem(p, size, MARK, strlen(MARK));
	size_t script = m ? (size_t)(m - p) : size;

	harness_begin();
	/* The files first: the script may read any of them. */
	while (m) {
		const char *name = m + strlen(MARK), *nl = memchr(name, '\n', end - name);
		const char *body = nl ? nl + 1 : end, *next;
		char fname[256];
		size_t nlen = (nl ? nl : end) - name;

		next = memmem(body, end - body, MARK, strlen(MARK));
		if (nlen < sizeof(fname)) {
			memcpy(fname, name, nlen);
			fname[nlen] = 0;
			harness_file(fname, body, (next ? next : end) - body);
		}
		m = next;
	}
	harness_script(p, script);
	return 0;
}
