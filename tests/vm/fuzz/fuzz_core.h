/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A seeded random sequence generator for the /dev/swmmu uAPI: ioctls with valid and corrupted
 * structs, mmap/munmap and CPU accesses through the mappings (address-space windows and exported
 * buffers), driver-managed contexts walking random tables, io_uring passthrough commands,
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
	FZ_DRIVER,	/* a driver-managed context: random tables in an exported buffer, random
			 * CTX_SET values and invalidations, DMA through it
			 */
	FZ_NR_OPS
};

struct fuzz_config {
	uint64_t seed;
	unsigned int seconds;
	unsigned int threads;
	unsigned int files;
	bool netlink;		/* send generic netlink requests (needs CAP_NET_ADMIN) */
	bool verbose;
	bool die_at_end;	/* for the test of fuzz_run_isolated(): at the end of the run,
				 * make sure "fz0" exists, then die of SIGSEGV
				 */
	/*
	 * KCOV (the module's PCs, CONFIG_KCOV): count the distinct PCs and edges the threads
	 * reach (coverage), and with guided, run inputs (struct fuzz_input) instead of one long
	 * random sequence: new ones and mutations of a corpus, which keeps the inputs that reached
	 * new edges. corpus_dir (may be NULL) is read at the start and receives the new inputs.
	 */
	bool coverage;
	bool guided;
	const char *corpus_dir;
};

/*
 * An input of the guided mode: a short sequence of operations, each an operation kind and the
 * seed of the PRNG that draws everything else about it (the thread's PRNG is reset to it before
 * the operation). As a file (fuzz_input_write()): the line "swmmu-fuzz input 1", then one line
 * per operation, its name (fuzz_op_names) and its seed in hex: "ioctl 0x1234abcd5678ef00".
 * Replaying an input repeats its operations; what they do also depends on the objects the
 * threads created before (the pools of IDs), so an input is a starting point, not a
 * reproducer.
 */
#define FUZZ_INPUT_OPS	32

struct fuzz_input {
	unsigned int nr;
	struct {
		uint8_t op;		/* enum fuzz_op */
		uint64_t seed;
	} ops[FUZZ_INPUT_OPS];
};

/* Parse an input file; 0 or -1 (not an input). */
int fuzz_input_read(const char *path, struct fuzz_input *in);

/* Write an input file; 0 or -1. */
int fuzz_input_write(const char *path, const struct fuzz_input *in);

/* Whether KCOV can be used (the fuzzer's coverage and guided modes need it). */
bool fuzz_kcov_available(void);

struct fuzz_result {
	uint64_t iterations;
	uint64_t ops[FZ_NR_OPS];
	uint64_t ok;		/* calls that succeeded */
	uint64_t signals;	/* SIGBUS/SIGSEGV taken on CPU accesses */
	bool counters_zero;	/* debugfs counters back to zero after everything was closed */
	char leftover[256];	/* the counters otherwise */
	/* fuzz_run_isolated() only: */
	int signal;		/* the fuzzer process died of this signal (0: it did not) */
	bool timed_out;		/* it did not finish in time and was killed */
	/* cfg->coverage: distinct module PCs and edges (pairs of successive PCs) reached. */
	uint64_t pcs, edges;
	/* cfg->guided: inputs run, corpus size at the end, inputs the run added to it. */
	uint64_t inputs, corpus, corpus_new;
};

/* How long fuzz_run_isolated() waits beyond the run's seconds before it kills the fuzzer. */
#define FUZZ_GRACE_SECONDS	120

extern const char *const fuzz_op_names[FZ_NR_OPS];

/* Run the fuzzer; returns 0, or -1 if it could not start (no /dev/swmmu). */
int fuzz_run(const struct fuzz_config *cfg, struct fuzz_result *res);

/*
 * Run the fuzzer in a child process; in this one, whatever happened to the child (it finished,
 * died of a signal, or hung and was killed), delete the named address spaces it may have
 * created, restore the module parameter it changed and wait for the module's counters to come
 * back to zero (res->counters_zero). A child that died leaves the other counts at zero. Returns
 * 0, or -1 if the fuzzer could not start.
 */
int fuzz_run_isolated(const struct fuzz_config *cfg, struct fuzz_result *res);

/* Delete the named address spaces the fuzzer creates (fz0, ...); -1 if netlink is not there. */
int fuzz_del_names(void);

/* Wait (up to 10 s) for the module's debugfs counters to be zero; record them in @res. */
void fuzz_check_counters(struct fuzz_result *res);

#endif /* SWMMU_FUZZ_CORE_H */
