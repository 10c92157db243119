/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu platform layer: the only place core/ and arch/ reach the kernel or libc.
 *
 * Everything else in core/ and arch/ is freestanding C that uses just what this header provides:
 * fixed-width integer types, errno values, memset/memcpy/strcmp/snprintf, READ_ONCE/WRITE_ONCE,
 * a fully ordered compare-and-swap, memory barriers and a small atomic counter.
 */
#ifndef SWMMU_PLATFORM_H
#define SWMMU_PLATFORM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/swab.h>
#include <linux/stdarg.h>
#include <asm/barrier.h>
#include <linux/export.h>
/* SWMMU_HAVE_*: what kmod/conftest.sh found in the kernel tree being built against. */
#include "swmmu_compat_gen.h"

/*
 * The library's functions that kernel modules may call (include/swmmu/kapi.h), in the SWMMU
 * symbol namespace. The namespace argument became a string literal in 6.13; before, it was a
 * bare token the macros stringified. Both forms expand from SWMMU_NS.
 */
#ifdef SWMMU_HAVE_NS_TOKEN
#define SWMMU_NS		SWMMU
#else
#define SWMMU_NS		"SWMMU"
#endif
#define SWMMU_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, SWMMU_NS)

#define swmmu_cmpxchg(ptr, old, new)	cmpxchg(ptr, old, new)
#define swmmu_counter			atomic_long_t
#define swmmu_counter_add(c, v)		atomic_long_add(v, c)
#define swmmu_counter_read(c)		atomic_long_read(c)
#define swmmu_counter_set(c, v)		atomic_long_set(c, v)

#else /* userspace */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>

#define u8	uint8_t
#define u16	uint16_t
#define u32	uint32_t
#define u64	uint64_t
#define s32	int32_t
#define s64	int64_t

/* __always_inline and __attribute_noinline__ come from glibc's <sys/cdefs.h>. */
#ifndef noinline
#define noinline	__attribute_noinline__
#endif
#ifndef __maybe_unused
#define __maybe_unused	__attribute_maybe_unused__
#endif
/* The kernel build optimises cold control-plane functions for size; userspace keeps -O2. */
#ifndef __cold
#define __cold
#endif
#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef READ_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define swab32(x)	__builtin_bswap32(x)
#define swab64(x)	__builtin_bswap64(x)
/* The kernel's barriers, as C11 fences: release orders stores, acquire orders loads. */
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
/* Orders loads before later loads. */
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Full barrier. */
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

/* Fully ordered compare-and-swap returning the previous value, like the kernel's cmpxchg(). */
#define swmmu_cmpxchg(ptr, old, new) ({						\
	__typeof__(*(ptr)) __swmmu_old = (old);					\
	__atomic_compare_exchange_n((ptr), &__swmmu_old, (new), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	__swmmu_old;								\
})

struct swmmu_counter_s {
	long v;
};

#define swmmu_counter			struct swmmu_counter_s
#define swmmu_counter_add(c, val)	__atomic_fetch_add(&(c)->v, (val), __ATOMIC_RELAXED)
#define swmmu_counter_read(c)		__atomic_load_n(&(c)->v, __ATOMIC_RELAXED)
#define swmmu_counter_set(c, val)	__atomic_store_n(&(c)->v, (val), __ATOMIC_RELAXED)

/* Nothing to export in userspace; a declaration, so the line stays valid C at file scope. */
#define SWMMU_EXPORT(sym)	struct swmmu_export_##sym

#endif /* __KERNEL__ */

#endif /* SWMMU_PLATFORM_H */
