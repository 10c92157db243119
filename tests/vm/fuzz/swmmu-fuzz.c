// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-fuzz: the /dev/swmmu uAPI fuzzer as a program (`make fuzz-kernel DURATION=...` runs it in
 * the VM on the debug kernel).
 *
 *   swmmu-fuzz [-s SEED] [-d SECONDS] [-t THREADS] [-f FILES] [-n]
 *
 * -n: no generic netlink requests. The fuzzer runs in a child process (fuzz_run_isolated()).
 * Prints TAP: whether it ran to the end (and if not, the signal it died of), the iterations as
 * diagnostics, then whether the module's debugfs counters were back to zero after everything was
 * closed. Exit status 0 on pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_core.h"

int main(int argc, char **argv)
{
	struct fuzz_config cfg = { .seed = 1, .seconds = 60, .threads = 4, .files = 3,
				   .netlink = true };
	struct fuzz_result r;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "s:d:t:f:n")) != -1) {
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
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-d SECONDS] [-t THREADS] [-f FILES] [-n]\n",
				argv[0]);
			return 2;
		}
	}
	printf("TAP version 13\n1..2\n");
	if (fuzz_run_isolated(&cfg, &r)) {
		printf("not ok 1 - fuzzer started (is swmmu.ko loaded?)\nnot ok 2 - # SKIP\n");
		return 1;
	}
	printf("# seed %llu, %u s, %u threads, %u files\n", (unsigned long long)cfg.seed,
	       cfg.seconds, cfg.threads, cfg.files);
	printf("# iterations %llu, succeeded %llu, CPU access signals %llu\n",
	       (unsigned long long)r.iterations, (unsigned long long)r.ok,
	       (unsigned long long)r.signals);
	for (i = 0; i < FZ_NR_OPS; i++)
		printf("#   %-12s %llu\n", fuzz_op_names[i], (unsigned long long)r.ops[i]);
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
