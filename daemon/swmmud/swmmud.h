/* SPDX-License-Identifier: GPL-2.0-only */
/* swmmud: the configuration model, its parser and the code that applies it. */
#ifndef SWMMUD_H
#define SWMMUD_H

#include <stdbool.h>
#include <stdint.h>

#include "swnl.h"

struct cfg_region {
	uint64_t iova;
	uint64_t size;
	uint64_t pgsize;	/* 0: the kernel picks */
	uint32_t prot;
};

/* fault_quota when an address space serves faults and does not name one. */
#define CFG_DEFAULT_SERVE_QUOTA	(16ULL << 20)

struct cfg_as {
	char name[SWMMU_NL_NAME_LEN];
	char format[SWMMU_NL_NAME_LEN];
	unsigned int va_bits;	/* 0: the format's */
	uint32_t uid;
	uint32_t gid;
	unsigned int mode;
	unsigned int fault;	/* enum swmmu_nl_fault_mode */
	uint64_t quota;		/* bytes the daemon maps to serve faults */
	bool quota_given;	/* fault_quota was in the file (else 16M for serve, 0 otherwise) */
	struct cfg_region *regions;
	unsigned int nr_regions;
};

struct cfg_fmt {
	char name[SWMMU_NL_NAME_LEN];
	char *text;
};

struct cfg {
	struct cfg_fmt *fmts;
	unsigned int nr_fmts;
	struct cfg_as *as;
	unsigned int nr_as;
};

/*
 * Parse a YAML config file; on error, NULL is returned and *err holds "FILE:LINE:COLUMN: message"
 * ("FILE: cannot read: ..." if it cannot be read).
 */
struct cfg *cfg_load(const char *path, char *err, size_t errlen);
/* The same for a file already in memory; @name stands for FILE in messages. */
struct cfg *cfg_parse(const char *name, const char *text, size_t len, char *err, size_t errlen);
void cfg_free(struct cfg *c);
const struct cfg_as *cfg_find_as(const struct cfg *c, const char *name);

/* Fault serving state per address space, kept across reloads. */
struct served {
	char name[SWMMU_NL_NAME_LEN];
	uint64_t bytes;
	uint64_t granule;
};

struct daemon {
	struct swnl nl;		/* requests */
	struct swnl ev;		/* the "events" group */
	bool connected;
	uint64_t last_seq;
	const char *config_path;
	struct cfg *applied;	/* what the kernel has from us; NULL: nothing known */
	struct cfg *pending;	/* to apply when the module is there */
	unsigned int gen;	/* connection generation, tags the events poll */
	struct served *served;
	unsigned int nr_served;
};

/*
 * Make the kernel match @want. With d->applied == NULL (start, reconnect, resync) everything is
 * applied and what exists already is adopted; otherwise only the difference from d->applied.
 * Returns the number of operations that failed (each is logged).
 */
int apply_config(struct daemon *d, const struct cfg *want);
/* Serve a fault event of an address space in "serve" mode, or log it. */
void serve_fault(struct daemon *d, struct nlattr **tb);

void dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* SWMMUD_H */
