// SPDX-License-Identifier: GPL-2.0-only
/* TAP producer for the host unit tests (see tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include "tap.h"

static int tap_n, tap_failed;
static bool tap_started;
static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;

static void tap_start(void)
{
	if (!tap_started) {
		printf("TAP version 13\n");
		tap_started = true;
	}
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&tap_lock);
	tap_start();
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return cond;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&tap_lock);
	tap_start();
	tap_n++;
	printf("ok %d - ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	pthread_mutex_unlock(&tap_lock);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&tap_lock);
	tap_start();
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	pthread_mutex_unlock(&tap_lock);
}

int tap_failures(void)
{
	return tap_failed;
}

int tap_done(void)
{
	tap_start();
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d tests failed\n", tap_failed, tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
