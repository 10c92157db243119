/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the VM tests of /dev/swmmu, in the style of iommufd's selftests:
 *   _test_x(...)            does the call, returns 0 or -1 with errno set
 *   test_cmd_x(...)         asserts that it succeeds
 *   test_err_x(errno, ...)  asserts that it fails with that errno
 * The test_* macros need the harness's _metadata and a fixture "self" with an "fd" member.
 */
#ifndef SWMMU_TEST_H
#define SWMMU_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include <linux/swmmu.h>

#define SWMMU_DEV	"/dev/swmmu"
#define SWMMU_COUNTERS	"/sys/kernel/debug/swmmu/counters"

#ifndef offsetofend
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#endif

#define SZ_4K	0x1000ULL
#define SZ_64K	0x10000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_4M	0x400000ULL

#define PROT_RW		(SWMMU_PROT_READ | SWMMU_PROT_WRITE)

/* Expect a call returning -1 with errno set. */
#define EXPECT_ERRNO(expected, cmd)					\
	({								\
		int __rc = (cmd);					\
		ASSERT_EQ(-1, __rc);					\
		ASSERT_EQ(expected, errno);				\
	})

/* Module-wide live counters from debugfs. */
struct swmmu_counters {
	long files, address_spaces, buffers, buffer_bytes, tables, table_bytes, mappings, vmas;
	long queues, dma_jobs, fault_queues;
};

int swmmu_read_counters(struct swmmu_counters *c);
bool swmmu_counters_zero(const struct swmmu_counters *c);
int swmmu_read_counters_settled(struct swmmu_counters *c);

/* GET_INFO: the formats (malloc()ed, *nr set) or NULL with errno. */
struct swmmu_format_info *swmmu_get_formats(int fd, unsigned int *nr);

/* Built-in format IDs, in the order of arch/swmmu_formats.def (the module's format_id). */
enum {
#define SWMMU_FORMAT(id) FMT_##id,
#include "swmmu_formats.def"
#undef SWMMU_FORMAT
	FMT_COUNT
};

/*
 * Copy the GET_INFO record of format @id into @out. Returns the number of formats the module
 * reports (so a caller can check it against FMT_COUNT), or -1 if GET_INFO failed or @id is out
 * of range.
 */
int swmmu_get_format(int fd, uint32_t id, struct swmmu_format_info *out);
int swmmu_format_by_name(int fd, const char *name, struct swmmu_format_info *out);
/* Smallest leaf of a format, never below the CPU page size. */
uint64_t swmmu_granule(const struct swmmu_format_info *fi);

int _test_destroy(int fd, uint32_t id);
int _test_as_alloc(int fd, uint32_t format_id, uint32_t va_bits, uint32_t *as_id,
		   uint64_t *mmap_offset);
int _test_buf_alloc(int fd, uint64_t length, uint32_t flags, uint32_t *buf_id);
/* BUF_INFO into a malloc()ed segment array. */
int _test_buf_segs(int fd, uint32_t buf_id, struct swmmu_buf_seg **segs, uint32_t *nr);
/* DMA address of a byte of a buffer, from BUF_INFO; 0 on failure. */
uint64_t swmmu_buf_dma(int fd, uint32_t buf_id, uint64_t offset);
int _test_map(int fd, uint32_t as_id, uint32_t buf_id, uint64_t offset, uint64_t length,
	      uint32_t flags, uint32_t prot, uint32_t pgsize_lg2, uint64_t *iova);
int _test_unmap(int fd, uint32_t as_id, uint64_t iova, uint64_t length, uint64_t *unmapped);
int _test_protect(int fd, uint32_t as_id, uint64_t iova, uint64_t length, uint32_t prot);
int _test_query(int fd, uint32_t as_id, uint64_t iova, struct swmmu_query *out);
int _test_rw(int fd, uint32_t as_id, uint64_t iova, void *data, uint64_t length, bool write);
int _test_stats(int fd, uint32_t as_id, struct swmmu_as_stats *out);
int _test_dump(int fd, uint32_t as_id, uint64_t iova, uint64_t length,
	       struct swmmu_dump_region *regions, uint32_t *nr);
/* SWMMU_MAP_BATCH of @nr entries; *done gets out_nr_done (on failure too). */
int _test_map_batch(int fd, uint32_t as_id, struct swmmu_map_batch_op *ops, uint32_t nr,
		    uint32_t *done);
/* Batch entries: a MAP (at @iova with SWMMU_MAP_FIXED_IOVA, or anywhere if @iova is
 * SWMMU_ANY_IOVA) and an UNMAP.
 */
#define SWMMU_ANY_IOVA	(~0ULL)
struct swmmu_map_batch_op swmmu_bop_map(uint32_t buf_id, uint64_t offset, uint64_t length,
					uint64_t iova, uint32_t prot);
struct swmmu_map_batch_op swmmu_bop_unmap(uint64_t iova, uint64_t length);

/*
 * Touch one byte; returns 0, or the signal (SIGBUS, SIGSEGV) the access raised. The value read
 * goes to *val when val is not NULL; a write stores wval.
 */
int swmmu_probe(volatile uint8_t *p, bool write, uint8_t wval, uint8_t *val);

/*
 * Start swmmud in the foreground (-f) with configuration conf, its stderr appended to log; the
 * child's exit status is 126 if the log cannot be opened, 127 if swmmud cannot be run.
 */
pid_t swmmu_daemon_start(const char *path, const char *conf, const char *log);

/* Fill / check a pattern that depends on the byte's position and a seed. */
void swmmu_fill(void *buf, size_t len, uint64_t seed);
bool swmmu_check(const void *buf, size_t len, uint64_t seed);

#define test_cmd_as_alloc(fmt, va_bits, as_id, off)					\
	ASSERT_EQ(0, _test_as_alloc(self->fd, fmt, va_bits, as_id, off))
#define test_err_as_alloc(_errno, fmt, va_bits, as_id)					\
	EXPECT_ERRNO(_errno, _test_as_alloc(self->fd, fmt, va_bits, as_id, NULL))
#define test_cmd_buf_alloc(len, flags, buf_id)						\
	ASSERT_EQ(0, _test_buf_alloc(self->fd, len, flags, buf_id))
#define test_err_buf_alloc(_errno, len, flags, buf_id)					\
	EXPECT_ERRNO(_errno, _test_buf_alloc(self->fd, len, flags, buf_id))
#define test_cmd_map(as, buf, off, len, flags, prot, iova)				\
	ASSERT_EQ(0, _test_map(self->fd, as, buf, off, len, flags, prot, 0, iova))
#define test_cmd_map_fixed(as, buf, off, len, iova)					\
	({										\
		uint64_t __iova = (iova);						\
		ASSERT_EQ(0, _test_map(self->fd, as, buf, off, len,			\
				       SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &__iova));	\
	})
#define test_err_map_fixed(_errno, as, buf, off, len, iova)				\
	({										\
		uint64_t __iova = (iova);						\
		EXPECT_ERRNO(_errno, _test_map(self->fd, as, buf, off, len,		\
					       SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,	\
					       &__iova));				\
	})
#define test_cmd_unmap(as, iova, len, expect_bytes)					\
	({										\
		uint64_t __un = 0;							\
		ASSERT_EQ(0, _test_unmap(self->fd, as, iova, len, &__un));		\
		ASSERT_EQ((uint64_t)(expect_bytes), __un);				\
	})
#define test_err_unmap(_errno, as, iova, len)						\
	EXPECT_ERRNO(_errno, _test_unmap(self->fd, as, iova, len, NULL))
#define test_cmd_protect(as, iova, len, prot)						\
	ASSERT_EQ(0, _test_protect(self->fd, as, iova, len, prot))
#define test_err_protect(_errno, as, iova, len, prot)					\
	EXPECT_ERRNO(_errno, _test_protect(self->fd, as, iova, len, prot))
#define test_cmd_rw(as, iova, data, len, write)						\
	ASSERT_EQ(0, _test_rw(self->fd, as, iova, data, len, write))
#define test_err_rw(_errno, as, iova, data, len, write)					\
	EXPECT_ERRNO(_errno, _test_rw(self->fd, as, iova, data, len, write))
#define test_cmd_destroy(id)								\
	ASSERT_EQ(0, _test_destroy(self->fd, id))
#define test_err_destroy(_errno, id)							\
	EXPECT_ERRNO(_errno, _test_destroy(self->fd, id))

/*
 * After the fixture's file is closed, every module-wide counter must be back to zero (once the
 * releases the kernel defers have run: swmmu_read_counters_settled()).
 */
#define test_no_leaks()									\
	({										\
		struct swmmu_counters __c;						\
		ASSERT_EQ(0, swmmu_read_counters_settled(&__c));			\
		if (!swmmu_counters_zero(&__c))						\
			TH_LOG("leak: files %ld as %ld bufs %ld (%ld B) tables %ld "	\
			       "(%ld B) mappings %ld vmas %ld queues %ld jobs %ld "	\
			       "fault queues %ld", __c.files,				\
			       __c.address_spaces, __c.buffers, __c.buffer_bytes,	\
			       __c.tables, __c.table_bytes, __c.mappings, __c.vmas,	\
			       __c.queues, __c.dma_jobs, __c.fault_queues);		\
		EXPECT_TRUE(swmmu_counters_zero(&__c));					\
	})

/*
 * The size rules of one ioctl, with @init filling a command (a valid one where possible):
 * one byte short is EINVAL; one byte long with a non-zero tail is E2BIG; long with a zero tail
 * gives exactly the result of the exact size.
 */
#define TEST_LENGTH(_struct, _ioctl, _last, init)					\
	({										\
		struct {								\
			struct _struct cmd;						\
			uint8_t extra[8];						\
		} __b;									\
		int __rc, __err;							\
											\
		memset(&__b, 0, sizeof(__b));						\
		init(&__b.cmd);								\
		__b.cmd.size = offsetofend(struct _struct, _last) - 1;			\
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, _ioctl, &__b));			\
		__b.cmd.size = 0;							\
		EXPECT_ERRNO(EINVAL, ioctl(self->fd, _ioctl, &__b));			\
		__b.cmd.size = sizeof(struct _struct) + 1;				\
		__b.extra[0] = 0xff;							\
		EXPECT_ERRNO(E2BIG, ioctl(self->fd, _ioctl, &__b));			\
		__b.extra[0] = 0;							\
		__b.extra[7] = 1;							\
		__b.cmd.size = sizeof(struct _struct) + 8;				\
		EXPECT_ERRNO(E2BIG, ioctl(self->fd, _ioctl, &__b));			\
		__b.extra[7] = 0;							\
		memset(&__b, 0, sizeof(__b));						\
		init(&__b.cmd);								\
		__b.cmd.size = sizeof(struct _struct);					\
		__rc = ioctl(self->fd, _ioctl, &__b);					\
		__err = errno;								\
		memset(&__b, 0, sizeof(__b));						\
		init(&__b.cmd);								\
		__b.cmd.size = sizeof(struct _struct) + 8;				\
		if (__rc)								\
			EXPECT_ERRNO(__err, ioctl(self->fd, _ioctl, &__b));		\
		else									\
			ASSERT_EQ(0, ioctl(self->fd, _ioctl, &__b));			\
		/* The tail the kernel does not know is left alone. */			\
		ASSERT_EQ(0, __b.extra[0] | __b.extra[7]);				\
	})

#endif /* SWMMU_TEST_H */
