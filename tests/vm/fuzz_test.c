// SPDX-License-Identifier: GPL-2.0-only
/*
 * A short run of the uAPI fuzzer (tests/vm/fuzz/fuzz_core.c) as a VM suite: several threads over
 * several open files for SWMMU_FUZZ_SECONDS (default 30) seconds, seed SWMMU_FUZZ_SEED (default
 * 1). The fuzzer runs in a child process; this one cleans up after it whatever happened to it
 * (named address spaces, the module parameter it lowers), so that a fuzzer that dies fails this
 * suite only. Passes when the fuzzer ran to the end and every debugfs counter is back to zero
 * after everything was closed; a splat fails the VM run. `make fuzz-kernel DURATION=...` runs the
 * same fuzzer longer on the debug kernel (build/bin/swmmu-fuzz).
 *
 * The guided mode's input files must read back as written, and malformed ones be refused. On a
 * kernel with KCOV (the debug kernel), a short guided run must reach module code and grow its
 * corpus directory; elsewhere a guided run must refuse to start.
 */
#include <dirent.h>
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

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* An input file reads back as written; a file that is not one is refused. */
TEST_F(fuzz, input_file)
{
	const char *path = "/tmp/swmmu-fuzz-input";
	struct fuzz_input in = { 0 }, back;
	char big[64 * (FUZZ_INPUT_OPS + 2)] = "swmmu-fuzz input 1\n";
	unsigned int i;

	for (i = 0; i < FUZZ_INPUT_OPS; i++) {
		in.ops[i].op = (uint8_t)(i % FZ_NR_OPS);
		in.ops[i].seed = 0x8000000000000001ULL * (i + 1) ^ (uint64_t)i << 20;
	}
	in.nr = FUZZ_INPUT_OPS;
	ASSERT_EQ(0, fuzz_input_write(path, &in));
	ASSERT_EQ(0, fuzz_input_read(path, &back));
	ASSERT_EQ(in.nr, back.nr);
	for (i = 0; i < in.nr; i++) {
		EXPECT_EQ(in.ops[i].op, back.ops[i].op);
		EXPECT_EQ(in.ops[i].seed, back.ops[i].seed);
	}
	write_text(path, "swmmu-fuzz input 2\nioctl 0x1\n");
	EXPECT_EQ(-1, fuzz_input_read(path, &back));
	write_text(path, "swmmu-fuzz input 1\nnot-an-op 0x1\n");
	EXPECT_EQ(-1, fuzz_input_read(path, &back));
	write_text(path, "swmmu-fuzz input 1\n");
	EXPECT_EQ(-1, fuzz_input_read(path, &back));
	/* One operation more than an input holds. */
	for (i = 0; i <= FUZZ_INPUT_OPS; i++)
		strcat(big, "netlink 0x2\n");
	write_text(path, big);
	EXPECT_EQ(-1, fuzz_input_read(path, &back));
	unlink(path);
}

/* The guided mode: KCOV sees module code, and the corpus directory receives new inputs. */
TEST_F_TIMEOUT(fuzz, guided, 300)
{
	const char *dir = "/tmp/swmmu-fuzz-corpus";
	struct fuzz_config cfg = {
		.seed = 3, .seconds = 10, .threads = 2, .files = 2, .netlink = geteuid() == 0,
		.guided = true, .corpus_dir = dir,
	};
	struct fuzz_input in = { .nr = 2, .ops = { { FZ_IOCTL, 1 }, { FZ_DRIVER, 2 } } }, back;
	char path[300];
	struct fuzz_result r;
	unsigned int files = 0;
	struct dirent *e;
	DIR *d;

	if (!fuzz_kcov_available()) {
		/* Without KCOV the threads cannot start: the run must say it did not. */
		cfg.seconds = 1;
		cfg.corpus_dir = NULL;
		ASSERT_EQ(-1, fuzz_run_isolated(&cfg, &r));
		SKIP(return, "no /sys/kernel/debug/kcov (CONFIG_KCOV): only the refusal is tested");
	}
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/seed", dir);
	ASSERT_EQ(0, fuzz_input_write(path, &in));
	ASSERT_EQ(0, fuzz_run_isolated(&cfg, &r));
	EXPECT_EQ(0, r.signal);
	EXPECT_TRUE(r.counters_zero);
	printf("# guided, %u s: %llu inputs, %llu module PCs, %llu edges, corpus %llu (%llu new)\n",
	       cfg.seconds, (unsigned long long)r.inputs, (unsigned long long)r.pcs,
	       (unsigned long long)r.edges, (unsigned long long)r.corpus,
	       (unsigned long long)r.corpus_new);
	EXPECT_LT(0, r.inputs);
	/* Any ioctl runs instrumented module code; an edge needs two PCs in a row. */
	EXPECT_LT(0, r.pcs);
	EXPECT_LE(r.pcs, r.edges);
	/* The first inputs after the seed always reach something new. */
	EXPECT_LT(0, r.corpus_new);
	EXPECT_EQ(r.corpus, r.corpus_new + 1);
	/* Every new input is a file there (a name per content: duplicates share one). */
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		EXPECT_EQ(0, fuzz_input_read(path, &back));
		unlink(path);
		files++;
	}
	closedir(d);
	rmdir(dir);
	EXPECT_LT(1, files);
	EXPECT_GE(r.corpus_new + 1, files);
}

TEST_HARNESS_MAIN
