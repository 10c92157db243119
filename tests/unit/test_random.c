// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential random testing: random map / map_sg / unmap / protect / free_empty / query on every
 * built-in format (and on the x86_64 description parsed at run time, which runs the generic
 * engine), checked against a page-granular reference model. Every return value and errno, and
 * every query of the window, is compared. Seeded (SWMMU_SEED overrides), time-bounded per format
 * (SWMMU_RANDOM_SECONDS, default 1.5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "refmodel.h"
#include "swmmu_internal.h"

static struct test_mem tm;
static long check_every = 64;

static void run(const struct swmmu_format *f, const char *wname, u64 base, u64 npages, double secs,
		u64 seed)
{
	static struct model m;
	double t0 = test_now();
	long live0 = tm.live;

	if (model_init(&m, f, &tm, base, npages, seed)) {
		tap_ok(false, "%s %s: setup", f->name, wname);
		return;
	}
	while (!m.failed && test_now() - t0 < secs) {
		model_step(&m);
		if (m.ops % check_every == 0)
			model_check_all(&m);
	}
	model_check_all(&m);
	tap_ok(!m.failed, "%s %s window: %ld random ops (%ld errors checked) agree with the model (seed %llu)",
	       f->name, wname, m.ops, m.errors_checked, (unsigned long long)seed);
	model_fini(&m);
	TAP_EQ(tm.live, live0, "%s %s: every table freed by destroy", f->name, wname);
}

static void run_format(const struct swmmu_format *f, double secs, u64 seed)
{
	u64 g = __builtin_ctzll(swmmu_format_pgsizes(f)), top = pt_ia_last(f) + 1;
	u64 small = 16384, big_pages = (4ULL << 30) >> g;

	if (big_pages > (1 << 20))
		big_pages = 1 << 20;
	run(f, "low", 0, small, secs * 0.35, seed);
	run(f, "large", 1ULL << 30, big_pages, secs * 0.25, seed + 1);
	run(f, "top", top - (small << g), small, secs * 0.2, seed + 2);
	if (f->flags & SWMMU_FMT_SIGN_EXTEND)
		run(f, "canonical-hole", (top >> 1) - ((small / 2) << g), small, secs * 0.2,
		    seed + 3);
	else
		run(f, "mid", (top >> 1) - ((small / 2) << g), small, secs * 0.2, seed + 3);
}

int main(void)
{
	const char *env = getenv("SWMMU_RANDOM_SECONDS"), *senv = getenv("SWMMU_SEED");
	double secs = env ? atof(env) : 1.5;

	if (getenv("SWMMU_CHECK_EVERY"))
		check_every = atol(getenv("SWMMU_CHECK_EVERY"));
	u64 seed = senv ? strtoull(senv, NULL, 0) : 20240611;
	static struct swmmu_format rt;
	static char text[8192];
	unsigned int i;

	if (test_mem_init(&tm, 8UL << 30))
		return 1;
	for (i = 0; i < swmmu_format_count(); i++)
		run_format(swmmu_format_get(i), secs, seed + 16 * i);
	/* The generic (run-time) engine instance on a parsed description. */
	swmmu_format_print(swmmu_format_find("x86_64"), text, sizeof(text));
	if (!swmmu_format_parse(text, strlen(text), &rt, NULL)) {
		snprintf(rt.name, sizeof(rt.name), "x86_64 (run-time)");
		run_format(&rt, secs, seed + 999);
	} else {
		tap_ok(false, "parse x86_64 description");
	}
	TAP_EQ(tm.live, 0, "no table leaked");
	return tap_done();
}
