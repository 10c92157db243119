/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny TAP (version 13) producer for the host unit tests. The plan ("1..N") is printed by
 * tap_done() after the last test, which TAP allows; the exit status is non-zero if any test
 * failed.
 */
#ifndef SWMMU_TAP_H
#define SWMMU_TAP_H

#include <stdbool.h>

__attribute__((format(printf, 2, 3))) bool tap_ok(bool cond, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void tap_skip(const char *why, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...);
int tap_done(void);
int tap_failures(void);

/* ok/not ok with the failing expression and location as diagnostics. */
#define TAP_CHECK(cond, ...) ({							\
	bool __c = (cond);							\
	if (!tap_ok(__c, __VA_ARGS__))						\
		tap_diag("  failed: %s at %s:%d", #cond, __FILE__, __LINE__);	\
	__c;									\
})

/* Compare two integers; diagnostics show both values. */
#define TAP_EQ(got, want, ...) ({						\
	unsigned long long __g = (unsigned long long)(got);			\
	unsigned long long __w = (unsigned long long)(want);			\
	if (!tap_ok(__g == __w, __VA_ARGS__))					\
		tap_diag("  %s = 0x%llx (%lld), want %s = 0x%llx (%lld) at %s:%d",	\
			 #got, __g, (long long)__g, #want, __w, (long long)__w,	\
			 __FILE__, __LINE__);					\
	__g == __w;								\
})

#endif /* SWMMU_TAP_H */
