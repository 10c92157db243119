// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input bytes drive the reference-model operation generator of the unit
 * tests (tests/unit/refmodel.c). Byte 0 picks the format, byte 1 the VA window, the rest decide
 * every operation and argument. Any disagreement with the model, or a table left allocated after
 * destroy, aborts. Build with clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE and
 * -Icore -Iarch -Itests/unit, linking tests/unit/{refmodel,testlib,tap}.c and every core and arch
 * source file.
 */
#include <stdlib.h>
#include "refmodel.h"
#include "swmmu_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct test_mem tm;
	static struct model m;
	static bool ready;
	const struct swmmu_format *f;
	u64 g, top, npages = 1024, base;

	if (!ready) {
		if (test_mem_init(&tm, 1UL << 33))
			abort();
		ready = true;
	}
	if (size < 2)
		return 0;
	f = swmmu_format_get(data[0] % swmmu_format_count());
	g = (u64)__builtin_ctzll(swmmu_format_pgsizes(f));
	top = pt_ia_last(f) + 1;
	switch (data[1] % 4) {
	case 0:
		base = 0;
		break;
	case 1:
		base = (1ULL << 30) - ((npages / 2) << g);	/* around a 1G boundary */
		break;
	case 2:
		base = top - (npages << g);			/* end of the VA space */
		break;
	default:
		base = (top >> 1) - ((npages / 2) << g);	/* canonical hole / middle */
		break;
	}
	if (model_init(&m, f, &tm, base, npages, 0))
		abort();
	m.data = data + 2;
	m.size = size - 2;
	while (m.pos < m.size && !m.failed) {
		model_step(&m);
		if (m.ops % 16 == 0)
			model_check_all(&m);
	}
	model_check_all(&m);
	if (m.failed)
		abort();
	model_fini(&m);
	if (tm.live)
		abort();
	return 0;
}
