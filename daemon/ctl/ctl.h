/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmuctl: the command table and what every subcommand shares. A subcommand in a file of its
 * own declares its handler here and adds one line to ctl_cmds[] in main.c.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>

#include "jsonw.h"
#include "swnl.h"

struct ctl {
	struct swnl nl;
	bool json;
	struct jsonw j;
};

struct ctl_cmd {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *usage;
};

/* Print "swmmuctl: WHAT: <extended ACK text> (<errno text>)" for the last request; returns 1. */
int ctl_fail(struct ctl *c, const char *what);
/* Print a usage error; returns 2. */
int ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Open the netlink socket on first use; returns 0 or prints why not and returns 1. */
int ctl_connect(struct ctl *c);

int ctl_info(struct ctl *c, int argc, char **argv);
int ctl_format(struct ctl *c, int argc, char **argv);
int ctl_as(struct ctl *c, int argc, char **argv);
int ctl_map(struct ctl *c, int argc, char **argv);
int ctl_unmap(struct ctl *c, int argc, char **argv);
int ctl_protect(struct ctl *c, int argc, char **argv);
int ctl_query(struct ctl *c, int argc, char **argv);
int ctl_dump(struct ctl *c, int argc, char **argv);
int ctl_stats(struct ctl *c, int argc, char **argv);
int ctl_monitor(struct ctl *c, int argc, char **argv);
int ctl_draw(struct ctl *c, int argc, char **argv);
int ctl_cpu_walk(struct ctl *c, int argc, char **argv);
int ctl_vtd_check(struct ctl *c, int argc, char **argv);
int ctl_amd_check(struct ctl *c, int argc, char **argv);
int ctl_ctx(struct ctl *c, int argc, char **argv);

#endif /* CTL_H */
