// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-fuzz: the /dev/swmmu uAPI fuzzer as a program (`make fuzz-kernel DURATION=...` runs it in
 * the VM on the debug kernel). See usage() and man/swmmu-fuzz.1.
 *
 * The fuzzer runs in a child process (fuzz_run_isolated()). Prints TAP: whether it ran to the
 * end (and if not, the signal it died of), the iterations (and with --coverage-report the module
 * PCs and edges KCOV saw) as diagnostics, then whether the module's debugfs counters were back
 * to zero after everything was closed. Exit status 0 on pass, 2 on a usage error or a missing
 * KCOV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_core.h"

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-s SEED] [-d SECONDS] [-t THREADS] [-f FILES] [-n] [-g] [-c DIR] [-C]\n"
		"Fuzz the /dev/swmmu uAPI (ioctls, mmap, io_uring, fault queues, netlink) from\n"
		"several threads; swmmu.ko must be loaded. Options:\n"
		"  -s, --seed SEED         seed of the threads' PRNGs (default 1)\n"
		"  -d, --duration SECONDS  how long to run (default 60)\n"
		"  -t, --threads N         fuzzing threads (default 4)\n"
		"  -f, --files N           open files of /dev/swmmu the threads share (default 3)\n"
		"  -n, --no-netlink        no generic netlink requests\n"
		"  -g, --guided            coverage-guided: run short inputs, new ones and mutations\n"
		"                          of a corpus, and keep those that reach new module code\n"
		"                          (edges); needs KCOV (/sys/kernel/debug/kcov)\n"
		"  -c, --corpus DIR        with -g: read the corpus from DIR and write new inputs\n"
		"                          into it (one file per input)\n"
		"  -C, --coverage-report   print the distinct module PCs and edges reached (KCOV)\n"
		"  -h, --help              this text\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "files", required_argument, NULL, 'f' },
		{ "no-netlink", no_argument, NULL, 'n' },
		{ "guided", no_argument, NULL, 'g' },
		{ "corpus", required_argument, NULL, 'c' },
		{ "coverage-report", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fuzz_config cfg = { .seed = 1, .seconds = 60, .threads = 4, .files = 3,
				   .netlink = true };
	struct fuzz_result r;
	unsigned int i;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:d:t:f:ngc:Ch", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		case 'd':
			cfg.seconds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 't':
			cfg.threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'f':
			cfg.files = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			cfg.netlink = false;
			break;
		case 'g':
			cfg.guided = true;
			break;
		case 'c':
			cfg.corpus_dir = optarg;
			break;
		case 'C':
			cfg.coverage = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc || (cfg.corpus_dir && !cfg.guided)) {
		usage(stderr, argv[0]);
		return 2;
	}
	if ((cfg.guided || cfg.coverage) && !fuzz_kcov_available()) {
		fprintf(stderr, "%s: %s needs KCOV: no /sys/kernel/debug/kcov (a kernel built with "
			"CONFIG_KCOV, debugfs mounted, and a module built with KCOV_INSTRUMENT, as "
			"`make debug-module` does); the random mode works without it\n", argv[0],
			cfg.guided ? "--guided" : "--coverage-report");
		return 2;
	}
	printf("TAP version 13\n1..2\n");
	if (fuzz_run_isolated(&cfg, &r)) {
		printf("not ok 1 - fuzzer started (is swmmu.ko loaded?)\nnot ok 2 - # SKIP\n");
		return 1;
	}
	printf("# seed %llu, %u s, %u threads, %u files, %s mode\n", (unsigned long long)cfg.seed,
	       cfg.seconds, cfg.threads, cfg.files, cfg.guided ? "guided" : "random");
	printf("# iterations %llu, succeeded %llu, CPU access signals %llu\n",
	       (unsigned long long)r.iterations, (unsigned long long)r.ok,
	       (unsigned long long)r.signals);
	for (i = 0; i < FZ_NR_OPS; i++)
		printf("#   %-12s %llu\n", fuzz_op_names[i], (unsigned long long)r.ops[i]);
	if (cfg.guided)
		printf("# inputs %llu, corpus %llu inputs (%llu new)\n",
		       (unsigned long long)r.inputs, (unsigned long long)r.corpus,
		       (unsigned long long)r.corpus_new);
	if (cfg.guided || cfg.coverage)
		printf("# coverage: %llu module PCs, %llu edges\n", (unsigned long long)r.pcs,
		       (unsigned long long)r.edges);
	if (r.signal)
		printf("not ok 1 - the fuzzer died of signal %d (%s), seed %llu\n", r.signal,
		       strsignal(r.signal), (unsigned long long)cfg.seed);
	else if (r.timed_out)
		printf("not ok 1 - the fuzzer did not finish in %u s, seed %llu\n",
		       cfg.seconds + FUZZ_GRACE_SECONDS, (unsigned long long)cfg.seed);
	else
		printf("%sok 1 - fuzzer ran %llu iterations\n", r.iterations ? "" : "not ",
		       (unsigned long long)r.iterations);
	printf("%sok 2 - debugfs counters back to zero after close%s%s\n",
	       r.counters_zero ? "" : "not ", r.counters_zero ? "" : ": ",
	       r.counters_zero ? "" : r.leftover);
	return r.iterations && r.counters_zero ? 0 : 1;
}
