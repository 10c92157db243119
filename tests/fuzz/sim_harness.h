/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the libFuzzer targets that drive swmmu-sim's interpreter (daemon/sim/sim.c): files
 * kept in memory, scripts run line by line, and the check that a failed load, format or image
 * leaves the state as it was.
 */
#ifndef SIM_HARNESS_H
#define SIM_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Start a run: no files, a fresh x86_64 address space, output discarded. */
void harness_begin(void);
/* A file named @name with @size bytes of @data (replacing one of that name). */
void harness_file(const char *name, const void *data, size_t size);
/*
 * Run one command line (at most 4095 bytes are used, like swmmu-sim's line buffer). A failed
 * load, format or image must leave dump, stats and describe as they were: abort() otherwise.
 * Returns the command's result.
 */
int harness_line(const char *line, size_t len);
/* Run every line of @script. */
void harness_script(const char *script, size_t len);
/* dump, stats and describe of the current state, in a malloc()ed string (*@len bytes). */
char *harness_snapshot(size_t *len);

#endif /* SIM_HARNESS_H */
