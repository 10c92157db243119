// SPDX-License-Identifier: GPL-2.0-only
/*
 * A short run of the uAPI fuzzer (tests/vm/fuzz/fuzz_core.c) as a VM suite: several threads over
 * several open files for SWMMU_FUZZ_SECONDS (default 30) seconds, seed SWMMU_FUZZ_SEED (default
 * 1). Passes when the fuzzer ran and every debugfs counter is back to zero after everything was
 * closed; a splat fails the VM run. `make fuzz-kernel DURATION=...` runs the same fuzzer longer
 * on the debug kernel (build/bin/swmmu-fuzz).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fuzz/fuzz_core.c"

static unsigned int env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : dflt;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, uapi, 600)
{
	struct fuzz_config cfg = {
		.seed = env_uint("SWMMU_FUZZ_SEED", 1),
		.seconds = env_uint("SWMMU_FUZZ_SECONDS", 30),
		.threads = 4,
		.files = 3,
		.netlink = geteuid() == 0,
	};
	struct fuzz_result r;
	unsigned int i;

	ASSERT_EQ(0, fuzz_run(&cfg, &r));
	printf("# seed %llu, %u s, %u threads, %u files: %llu iterations, %llu succeeded, "
	       "%llu CPU access signals\n", (unsigned long long)cfg.seed, cfg.seconds,
	       cfg.threads, cfg.files, (unsigned long long)r.iterations,
	       (unsigned long long)r.ok, (unsigned long long)r.signals);
	for (i = 0; i < FZ_NR_OPS; i++)
		printf("#   %-12s %llu\n", fuzz_op_names[i], (unsigned long long)r.ops[i]);
	ASSERT_LT(0, r.iterations);
	if (!r.counters_zero)
		TH_LOG("debugfs counters not zero after close: %s", r.leftover);
	ASSERT_TRUE(r.counters_zero);
}

TEST_HARNESS_MAIN
