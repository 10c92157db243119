// SPDX-License-Identifier: GPL-2.0-only
/*
 * A short run of the uAPI fuzzer (tests/vm/fuzz/fuzz_core.c) as a VM suite: several threads over
 * several open files for SWMMU_FUZZ_SECONDS (default 30) seconds, seed SWMMU_FUZZ_SEED (default
 * 1). The fuzzer runs in a child process; this one cleans up after it whatever happened to it
 * (named address spaces, the module parameter it lowers), so that a fuzzer that dies fails this
 * suite only. Passes when the fuzzer ran to the end and every debugfs counter is back to zero
 * after everything was closed; a splat fails the VM run. `make fuzz-kernel DURATION=...` runs the
 * same fuzzer longer on the debug kernel (build/bin/swmmu-fuzz).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

	ASSERT_EQ(0, fuzz_run_isolated(&cfg, &r));
	if (r.signal)
		TH_LOG("the fuzzer process died of signal %d (%s); seed %llu", r.signal,
		       strsignal(r.signal), (unsigned long long)cfg.seed);
	if (r.timed_out)
		TH_LOG("the fuzzer process did not finish in %u s and was killed; seed %llu",
		       cfg.seconds + FUZZ_GRACE_SECONDS, (unsigned long long)cfg.seed);
	if (!r.counters_zero)
		TH_LOG("debugfs counters not zero after the fuzzer ended: %s", r.leftover);
	EXPECT_EQ(0, r.signal);
	EXPECT_FALSE(r.timed_out);
	EXPECT_TRUE(r.counters_zero);
	if (r.signal || r.timed_out)
		return;
	printf("# seed %llu, %u s, %u threads, %u files: %llu iterations, %llu succeeded, "
	       "%llu CPU access signals\n", (unsigned long long)cfg.seed, cfg.seconds,
	       cfg.threads, cfg.files, (unsigned long long)r.iterations,
	       (unsigned long long)r.ok, (unsigned long long)r.signals);
	for (i = 0; i < FZ_NR_OPS; i++)
		printf("#   %-12s %llu\n", fuzz_op_names[i], (unsigned long long)r.ops[i]);
	ASSERT_LT(0, r.iterations);
}

/* A fuzzer process that dies leaves nothing behind: fuzz_run_isolated() cleans up after it. */
TEST_F_TIMEOUT(fuzz, dies, 300)
{
	struct fuzz_config cfg = {
		.seed = 2, .seconds = 2, .threads = 2, .files = 1, .netlink = true,
		.die_at_end = true,
	};
	char before[32] = "", after[32] = "";
	struct fuzz_result r;
	struct nlt n;

	if (geteuid())
		SKIP(return, "named address spaces need CAP_NET_ADMIN");
	ASSERT_EQ(0, param_rw(MAX_BUF_PARAM, before, sizeof(before), NULL));
	ASSERT_EQ(0, fuzz_run_isolated(&cfg, &r));
	EXPECT_EQ(SIGSEGV, r.signal);
	EXPECT_FALSE(r.timed_out);
	if (!r.counters_zero)
		TH_LOG("debugfs counters not zero after the fuzzer died: %s", r.leftover);
	EXPECT_TRUE(r.counters_zero);
	ASSERT_EQ(0, nlt_open(&n));
	EXPECT_EQ(-ENOENT, nlt_as_get(&n, "fz0"));
	nlt_close(&n);
	ASSERT_EQ(0, param_rw(MAX_BUF_PARAM, after, sizeof(after), NULL));
	EXPECT_STREQ(before, after);
}

TEST_HARNESS_MAIN
