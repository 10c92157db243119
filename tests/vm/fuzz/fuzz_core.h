/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A seeded random sequence generator for the /dev/swmmu uAPI: ioctls with valid and corrupted
 * structs, mmap/munmap and CPU accesses through the mappings, io_uring passthrough commands,
 * fault queues, generic netlink requests, and close/open of the files other threads use, from
 * several threads over several open files. Used by the standalone tool (swmmu-fuzz.c) and by
 * the VM suite (tests/vm/fuzz_test.c).
 */
#ifndef SWMMU_FUZZ_CORE_H
#define SWMMU_FUZZ_CORE_H

#include <stdbool.h>
#include <stdint.h>

enum fuzz_op {
	FZ_IOCTL,	/* a command struct, valid or corrupted */
	FZ_BADIOCTL,	/* an unknown or malformed ioctl number */
	FZ_MMAP,
	FZ_MUNMAP,
	FZ_TOUCH,	/* CPU read/write through a mapping (SIGBUS/SIGSEGV expected at times) */
	FZ_URING,
	FZ_FAULTQ,	/* fault queue read/write/poll */
	FZ_NETLINK,
	FZ_REOPEN,	/* close a file others use and open a new one in its place */
	FZ_NR_OPS
};

struct fuzz_config {
	uint64_t seed;
	unsigned int seconds;
	unsigned int threads;
	unsigned int files;
	bool netlink;		/* send generic netlink requests (needs CAP_NET_ADMIN) */
	bool verbose;
};

struct fuzz_result {
	uint64_t iterations;
	uint64_t ops[FZ_NR_OPS];
	uint64_t ok;		/* calls that succeeded */
	uint64_t signals;	/* SIGBUS/SIGSEGV taken on CPU accesses */
	bool counters_zero;	/* debugfs counters back to zero after everything was closed */
	char leftover[256];	/* the counters otherwise */
};

extern const char *const fuzz_op_names[FZ_NR_OPS];

/* Run the fuzzer; returns 0, or -1 if it could not start (no /dev/swmmu). */
int fuzz_run(const struct fuzz_config *cfg, struct fuzz_result *res);

#endif /* SWMMU_FUZZ_CORE_H */
