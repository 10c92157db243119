/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * swmmu - a software MMU/IOMMU model: the /dev/swmmu ioctl interface.
 *
 * Each open file of /dev/swmmu is an isolated context: objects (address spaces and DMA buffers)
 * live in a per-file ID table and are never reachable from another file. Closing the file frees
 * everything it owns.
 *
 * Conventions, in the manner of iommufd:
 * - Every command struct starts with "__u32 size", which userspace sets to sizeof() of the struct
 *   it was compiled with. The kernel knows a minimum size per command (the end of its last
 *   mandatory field). A size below it fails with EINVAL. A larger size is accepted if the bytes
 *   the kernel does not know are all zero (they are treated as absent); if any of them is non-zero
 *   the call fails with E2BIG. On return the kernel writes back at most the size it knows.
 * - Unknown bits in "flags" fail with EOPNOTSUPP; "__reserved" fields must be zero (EOPNOTSUPP).
 * - User pointers are carried in __aligned_u64 fields.
 * - Device virtual addresses ("iova") are canonical for the address space's format (sign-extended
 *   where the format says so). A range is (iova, length): length must be non-zero and
 *   iova + length - 1 must not wrap past 2^64 - 1 (EOVERFLOW).
 * - Output arrays: the caller passes a capacity; if it is too small the call fails with EMSGSIZE
 *   and the count field holds the number of elements needed (the struct is still written back).
 *
 * Errno values common to every command:
 *   ENOTTY      unknown command
 *   EFAULT      a user pointer could not be read or written
 *   EINVAL      size below the minimum, or a field with an invalid value (documented per command)
 *   E2BIG       size larger than known with a non-zero byte in the unknown tail
 *   EOPNOTSUPP  an unknown flag, a non-zero reserved field, or a request the format cannot express
 *   ENOENT      no object with that ID in this file, or an object of another type
 *   ENOMEM      the kernel ran out of memory (or the caller's memory cgroup limit was hit)
 *   ENOSPC      a per-file limit (module parameters max_as, max_buf_bytes, max_table_bytes)
 *               or the limit on all files' buffers together (max_total_buf_bytes)
 *   EINTR       a fatal signal interrupted a long allocation
 */
#ifndef _UAPI_LINUX_SWMMU_H
#define _UAPI_LINUX_SWMMU_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SWMMU_TYPE		'S'

enum {
	SWMMU_CMD_BASE = 0xa0,
	SWMMU_CMD_DESTROY = SWMMU_CMD_BASE,
	SWMMU_CMD_GET_INFO,
	SWMMU_CMD_AS_ALLOC,
	SWMMU_CMD_BUF_ALLOC,
	SWMMU_CMD_BUF_INFO,
	SWMMU_CMD_MAP,
	SWMMU_CMD_UNMAP,
	SWMMU_CMD_PROTECT,
	SWMMU_CMD_QUERY,
	SWMMU_CMD_DUMP,
	SWMMU_CMD_RW,
	SWMMU_CMD_STATS,
	SWMMU_CMD_ATTACH,
	SWMMU_CMD_CPU_WALK,
	SWMMU_CMD_VTD_CHECK,
	SWMMU_CMD_QUEUE_ALLOC,
	SWMMU_CMD_SUBMIT,
	SWMMU_CMD_FAULT_QUEUE,
	SWMMU_CMD_FAULT_CONFIG,
	SWMMU_CMD_IOTLB,
	SWMMU_CMD_AMD_CHECK,
	SWMMU_CMD_MAP_BATCH,
	SWMMU_CMD_CTX_SET,
	SWMMU_CMD_INVALIDATE,
	SWMMU_CMD_CTX_INFO,
	SWMMU_CMD_BUF_EXPORT,
};

/* Permission and memory-type word of MAP, PROTECT, QUERY and DUMP. */
#define SWMMU_PROT_READ		0x01	/* the device may read */
#define SWMMU_PROT_WRITE	0x02	/* the device may write */
#define SWMMU_PROT_EXEC		0x04	/* instruction fetch allowed */
#define SWMMU_PROT_USER		0x08	/* user / unprivileged access */
#define SWMMU_PROT_GLOBAL	0x10	/* not tagged by an address-space ID */
#define SWMMU_PROT_MEMTYPE_SHIFT	8	/* bits 8..10: memory type */
#define SWMMU_PROT_MT_WB	(0 << SWMMU_PROT_MEMTYPE_SHIFT)	/* write-back (default) */
#define SWMMU_PROT_MT_WT	(1 << SWMMU_PROT_MEMTYPE_SHIFT)	/* write-through */
#define SWMMU_PROT_MT_UC	(2 << SWMMU_PROT_MEMTYPE_SHIFT)	/* non-cacheable */
#define SWMMU_PROT_MT_DEVICE	(3 << SWMMU_PROT_MEMTYPE_SHIFT)	/* device memory */
#define SWMMU_PROT_MEMTYPE_MASK	(7 << SWMMU_PROT_MEMTYPE_SHIFT)

/**
 * struct swmmu_destroy - ioctl(SWMMU_DESTROY)
 * @size: sizeof(struct swmmu_destroy)
 * @id: the object (address space or buffer) to destroy
 *
 * Destroys any object. Destroying an address space also removes all of its mappings.
 * ENOENT: no such object. EBUSY: the object is in use: a buffer that is mapped in an address
 * space, an address space that is mmap()ed, or an object another thread is using in a concurrent
 * call.
 */
struct swmmu_destroy {
	__u32 size;
	__u32 id;
};
#define SWMMU_DESTROY		_IO(SWMMU_TYPE, SWMMU_CMD_DESTROY)

#define SWMMU_NAME_LEN		32
#define SWMMU_INFO_LEVELS	8

/* struct swmmu_format_info.flags */
#define SWMMU_FORMAT_SIGN_EXTEND	0x1	/* VAs are sign-extended from bit va_bits - 1 */
#define SWMMU_FORMAT_BIG_ENDIAN		0x2	/* entries are big-endian in table memory */

/* struct swmmu_format_info.level_flags[] */
#define SWMMU_LEVEL_LEAF	0x1	/* the level may hold leaves */
#define SWMMU_LEVEL_TABLE	0x2	/* the level may point at lower tables */

/**
 * struct swmmu_format_info - one built-in page-table format (output of GET_INFO)
 * @name: NUL-terminated name, e.g. "x86_64"
 * @format_id: the value to pass in swmmu_as_alloc.format_id
 * @flags: SWMMU_FORMAT_*
 * @nr_levels: number of levels; level 0 is the leaf level
 * @va_bits: translated VA bits
 * @oa_bits: output (DMA) address bits
 * @entry_size: bytes per page-table entry
 * @min_va_bits: the smallest va_bits AS_ALLOC accepts for this format (== @va_bits if the VA size
 *               cannot be reduced)
 * @__reserved8: zero
 * @pgsizes: bitmap of the leaf sizes (bit n set: 2^n-byte leaves)
 * @level_shift: per level (index 0 = leaf level), lg2 of the VA span of one entry
 * @level_index_bits: per level, lg2 of the number of entries of one table
 * @level_flags: per level, SWMMU_LEVEL_*
 * @__reserved: zero
 */
struct swmmu_format_info {
	char name[SWMMU_NAME_LEN];
	__u32 format_id;
	__u32 flags;
	__u8 nr_levels;
	__u8 va_bits;
	__u8 oa_bits;
	__u8 entry_size;
	__u8 min_va_bits;
	__u8 __reserved8[3];
	__aligned_u64 pgsizes;
	__u8 level_shift[SWMMU_INFO_LEVELS];
	__u8 level_index_bits[SWMMU_INFO_LEVELS];
	__u8 level_flags[SWMMU_INFO_LEVELS];
	__aligned_u64 __reserved[2];
};

/**
 * struct swmmu_get_info - ioctl(SWMMU_GET_INFO)
 * @size: sizeof(struct swmmu_get_info)
 * @flags: must be 0
 * @nr_formats: in: capacity of the @formats_uptr array; out: number of formats. EMSGSIZE if the
 *              capacity is too small (the limits below are still filled in).
 * @__reserved: must be 0
 * @formats_uptr: user pointer to an array of struct swmmu_format_info
 * @out_max_as: per-file limit of address spaces
 * @out_page_size: CPU page size; buffer sizes and offsets are multiples of it
 * @out_max_buf_bytes: per-file limit of buffer bytes
 * @out_max_table_bytes: per-file limit of page-table bytes
 * @out_mmap_window_shift: lg2 of the mmap window of one address space (see mmap below)
 * @__reserved2: zero on output
 */
struct swmmu_get_info {
	__u32 size;
	__u32 flags;
	__u32 nr_formats;
	__u32 __reserved;
	__aligned_u64 formats_uptr;
	__u32 out_max_as;
	__u32 out_page_size;
	__aligned_u64 out_max_buf_bytes;
	__aligned_u64 out_max_table_bytes;
	__u32 out_mmap_window_shift;
	__u32 __reserved2;
};
#define SWMMU_GET_INFO		_IO(SWMMU_TYPE, SWMMU_CMD_GET_INFO)

/* mmap() of an address space: see struct swmmu_as_alloc. */
#define SWMMU_MMAP_WINDOW_SHIFT	57
#define SWMMU_MMAP_OFFSET_NONE	(~0ULL)

/* struct swmmu_as_alloc.flags */
#define SWMMU_AS_DRIVER_TABLES	0x1	/* a device context over tables the caller writes */

/**
 * struct swmmu_as_alloc - ioctl(SWMMU_AS_ALLOC)
 * @size: sizeof(struct swmmu_as_alloc)
 * @flags: SWMMU_AS_*
 * @format_id: a format_id from GET_INFO (ENOENT if unknown)
 * @va_bits: 0 for the format's VA size, or a smaller VA size in [min_va_bits, va_bits]: the root
 *           table shrinks and top levels are dropped (EINVAL outside that range, EOPNOTSUPP for a
 *           format whose VA size cannot be changed)
 * @out_as_id: ID of the new address space
 * @out_va_bits: VA bits of the address space
 * @out_nr_levels: levels of the address space
 * @out_mmap_offset: the mmap() offset of device VA 0, or SWMMU_MMAP_OFFSET_NONE if this address
 *                   space has no mmap window (more than 64 address spaces in the file)
 *
 * ENOSPC: the file has max_as address spaces already.
 *
 * mmap(): mapping the file at offset out_mmap_offset + (iova & (2^min(va_bits, 57) - 1)) gives a
 * CPU view of the device address space at iova. The mapping must be MAP_SHARED (EINVAL) and lie
 * inside the window and the VA space (EINVAL). A CPU access faults in the device page tables:
 * an unmapped device VA raises SIGBUS; a write where the device mapping is not writable, or any
 * access where it is not readable, raises SIGSEGV. Device leaves of 2 MiB whose CPU address is
 * 2 MiB aligned are mapped with one PMD. UNMAP and PROTECT remove the affected CPU mappings
 * before they return. An address space is busy (EBUSY on DESTROY) while it is mmap()ed.
 *
 * SWMMU_AS_DRIVER_TABLES makes a driver-managed address space: a device context whose page
 * tables belong to the caller, who writes them into the file's DMA buffers (SWMMU_BUF_EXPORT
 * gives a CPU mapping of a buffer). The context starts disabled; SWMMU_CTX_SET programs it like
 * the hardware's context registers (format, root table, ASID, enable), and DMA queues bound to it
 * walk the caller's tables through a TLB that only SWMMU_INVALIDATE empties. format_id and
 * va_bits are the context's initial format. MAP, UNMAP, PROTECT, MAP_BATCH, QUERY, DUMP and RW
 * fail with EOPNOTSUPP on it (the tables are not swmmu's), it has no mmap window
 * (out_mmap_offset is SWMMU_MMAP_OFFSET_NONE) and STATS reports no tables.
 */
struct swmmu_as_alloc {
	__u32 size;
	__u32 flags;
	__u32 format_id;
	__u32 va_bits;
	__u32 out_as_id;
	__u32 out_va_bits;
	__u32 out_nr_levels;
	__u32 __reserved;
	__aligned_u64 out_mmap_offset;
};
#define SWMMU_AS_ALLOC		_IO(SWMMU_TYPE, SWMMU_CMD_AS_ALLOC)

/* struct swmmu_buf_alloc.flags */
#define SWMMU_BUF_CONTIG	0x1	/* one physically and DMA contiguous, naturally aligned block */

/**
 * struct swmmu_buf_alloc - ioctl(SWMMU_BUF_ALLOC)
 * @size: sizeof(struct swmmu_buf_alloc)
 * @flags: SWMMU_BUF_*; without SWMMU_BUF_CONTIG the buffer is made of separately allocated pages
 * @length: bytes; a non-zero multiple of the CPU page size (EINVAL). A contiguous buffer is at most
 *          the largest block the page allocator gives (4 MiB on x86-64; ENOMEM above).
 * @out_buf_id: ID of the new buffer
 * @__reserved: must be 0
 *
 * The memory comes from the DMA API on the module's own device (64-bit DMA mask), is zeroed and
 * is charged to the caller's memory cgroup. ENOSPC: the file would exceed max_buf_bytes.
 */
struct swmmu_buf_alloc {
	__u32 size;
	__u32 flags;
	__aligned_u64 length;
	__u32 out_buf_id;
	__u32 __reserved;
};
#define SWMMU_BUF_ALLOC		_IO(SWMMU_TYPE, SWMMU_CMD_BUF_ALLOC)

/**
 * struct swmmu_buf_seg - one DMA-contiguous piece of a buffer
 * @dma_addr: DMA address of the piece
 * @length: bytes
 */
struct swmmu_buf_seg {
	__aligned_u64 dma_addr;
	__aligned_u64 length;
};

/**
 * struct swmmu_buf_info - ioctl(SWMMU_BUF_INFO)
 * @size: sizeof(struct swmmu_buf_info)
 * @buf_id: the buffer
 * @flags: must be 0
 * @nr_segs: in: capacity of @segs_uptr; out: number of pieces (EMSGSIZE if too small)
 * @segs_uptr: user pointer to an array of struct swmmu_buf_seg, in buffer order
 * @out_length: buffer bytes
 * @out_flags: the SWMMU_BUF_* flags it was allocated with
 * @__reserved: zero on output
 */
struct swmmu_buf_info {
	__u32 size;
	__u32 buf_id;
	__u32 flags;
	__u32 nr_segs;
	__aligned_u64 segs_uptr;
	__aligned_u64 out_length;
	__u32 out_flags;
	__u32 __reserved;
};
#define SWMMU_BUF_INFO		_IO(SWMMU_TYPE, SWMMU_CMD_BUF_INFO)

/**
 * struct swmmu_buf_export - ioctl(SWMMU_BUF_EXPORT): a descriptor to mmap() a buffer with
 * @size: sizeof(struct swmmu_buf_export)
 * @flags: must be 0
 * @buf_id: the buffer
 * @out_fd: a new file descriptor (O_RDWR | O_CLOEXEC); mmap() of it with MAP_SHARED (EINVAL
 *          otherwise) at offset 0..length maps the buffer's pages, so that the CPU writes what
 *          the device reads: the way a driver writes its page tables into memory the device walks
 *
 * The descriptor and its mappings hold the buffer: DESTROY of the buffer fails with EBUSY until
 * both are gone. A buffer is also busy while a driver-managed context of the file is enabled
 * (SWMMU_CTX_SET): the device may hold translations into any buffer of the file in its TLB, so
 * a context is disabled (which drops its TLB) before the memory it reached is freed.
 */
struct swmmu_buf_export {
	__u32 size;
	__u32 flags;
	__u32 buf_id;
	__s32 out_fd;
};
#define SWMMU_BUF_EXPORT	_IO(SWMMU_TYPE, SWMMU_CMD_BUF_EXPORT)

/* struct swmmu_map.flags */
#define SWMMU_MAP_FIXED_IOVA	0x1	/* map at @iova; otherwise the kernel picks a free VA */

/**
 * struct swmmu_map - ioctl(SWMMU_MAP)
 * @size: sizeof(struct swmmu_map)
 * @flags: SWMMU_MAP_*
 * @as_id: the address space
 * @buf_id: the buffer to map
 * @buf_offset: first byte of the buffer slice
 * @length: bytes to map
 * @iova: in (SWMMU_MAP_FIXED_IOVA): the device VA; out: the device VA used
 * @prot: SWMMU_PROT_* (unknown bits: EOPNOTSUPP; a combination the format cannot encode exactly:
 *        EOPNOTSUPP)
 * @pgsize_lg2: 0 to let the kernel pick the largest leaves alignment allows, or lg2 of the one
 *              leaf size to use (EOPNOTSUPP if the format has no such leaf)
 *
 * @buf_offset, @length and @iova must be multiples of the format's smallest leaf and of the CPU
 * page size (EINVAL); the slice must lie inside the buffer (EINVAL). A kernel-chosen VA is aligned
 * so that large leaves can be used. Errors: ERANGE the VA range or a DMA address is outside the
 * format; EEXIST the range overlaps a mapping; ENOSPC no free VA range or max_table_bytes reached.
 * On any error the page tables are unchanged. A buffer is busy while mapped.
 */
struct swmmu_map {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 buf_id;
	__aligned_u64 buf_offset;
	__aligned_u64 length;
	__aligned_u64 iova;
	__u32 prot;
	__u32 pgsize_lg2;
};
#define SWMMU_MAP		_IO(SWMMU_TYPE, SWMMU_CMD_MAP)

/**
 * struct swmmu_unmap - ioctl(SWMMU_UNMAP)
 * @size: sizeof(struct swmmu_unmap)
 * @flags: must be 0
 * @as_id: the address space
 * @__reserved: must be 0
 * @iova: first byte of the range
 * @length: bytes
 * @out_unmapped: bytes that were mapped in the range and are now unmapped
 *
 * Removes every mapping inside the range; a range may span several mappings and the holes between
 * them, but must not cut one (EINVAL). ENOENT: nothing is mapped in the range. ERANGE: the range
 * is outside the format. Device and CPU (mmap) views of the range are gone when the call returns.
 */
struct swmmu_unmap {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 out_unmapped;
};
#define SWMMU_UNMAP		_IO(SWMMU_TYPE, SWMMU_CMD_UNMAP)

/**
 * struct swmmu_protect - ioctl(SWMMU_PROTECT)
 * @size: sizeof(struct swmmu_protect)
 * @flags: must be 0
 * @as_id: the address space
 * @prot: the new SWMMU_PROT_* word
 * @iova: first byte of the range
 * @length: bytes
 *
 * Changes the permissions of every mapping inside the range, with the same range rules and errors
 * as UNMAP; EOPNOTSUPP for a @prot the format cannot encode (nothing changes then). CPU mappings of
 * the range are removed before the call returns and fault back in with the new permissions.
 */
struct swmmu_protect {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 prot;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define SWMMU_PROTECT		_IO(SWMMU_TYPE, SWMMU_CMD_PROTECT)

/* struct swmmu_map_batch_op.op */
enum {
	SWMMU_BATCH_MAP = 1,	/* SWMMU_MAP */
	SWMMU_BATCH_UNMAP = 2,	/* SWMMU_UNMAP */
};

/**
 * struct swmmu_map_batch_op - one operation of SWMMU_MAP_BATCH
 * @op: SWMMU_BATCH_* (EOPNOTSUPP otherwise)
 * @flags: MAP: SWMMU_MAP_*; UNMAP: must be 0 (EOPNOTSUPP)
 * @buf_id: MAP: the buffer; UNMAP: must be 0 (EOPNOTSUPP)
 * @prot: MAP: SWMMU_PROT_*; UNMAP: must be 0 (EOPNOTSUPP)
 * @buf_offset: MAP: first byte of the buffer slice; UNMAP: must be 0 (EOPNOTSUPP)
 * @iova: MAP with SWMMU_MAP_FIXED_IOVA, and UNMAP: first device VA (MAP without the flag ignores
 *        it, as SWMMU_MAP does)
 * @length: bytes
 * @pgsize_lg2: MAP: as in struct swmmu_map; UNMAP: must be 0 (EOPNOTSUPP)
 * @__reserved: must be 0 (EOPNOTSUPP)
 * @out_iova: MAP: the device VA used (the fixed one, or the one the kernel chose); UNMAP: 0
 * @out_unmapped: UNMAP: bytes that were mapped in the range and are now unmapped; MAP: 0
 *
 * The fields mean what they mean in struct swmmu_map and struct swmmu_unmap, with the same rules
 * and errnos. The out_ fields are ignored on input.
 */
struct swmmu_map_batch_op {
	__u32 op;
	__u32 flags;
	__u32 buf_id;
	__u32 prot;
	__aligned_u64 buf_offset;
	__aligned_u64 iova;
	__aligned_u64 length;
	__u32 pgsize_lg2;
	__u32 __reserved;
	__aligned_u64 out_iova;
	__aligned_u64 out_unmapped;
};

#define SWMMU_MAP_BATCH_MAX_OPS		1024	/* operations per call */
#define SWMMU_MAP_BATCH_MAX_OP_SIZE	4096	/* largest op_size accepted */

/**
 * struct swmmu_map_batch - ioctl(SWMMU_MAP_BATCH): MAP and UNMAP operations on one address space
 * @size: sizeof(struct swmmu_map_batch)
 * @flags: must be 0
 * @as_id: the address space
 * @nr_ops: entries of @ops_uptr, 1 to SWMMU_MAP_BATCH_MAX_OPS (EINVAL)
 * @op_size: sizeof(struct swmmu_map_batch_op) as the caller knows it: the stride of @ops_uptr.
 *           Each entry follows the size rules of the command structs: below the size of the
 *           kernel's struct (64 bytes in this version) or above SWMMU_MAP_BATCH_MAX_OP_SIZE is
 *           EINVAL; a non-zero byte past the kernel's struct is E2BIG (nothing ran then).
 * @out_nr_done: operations that completed (written back on failure too, once the struct passed
 *               the size rules)
 * @ops_uptr: user pointer to an array of @nr_ops entries of @op_size bytes
 *
 * The operations run in array order, each exactly as the single SWMMU_MAP or SWMMU_UNMAP ioctl
 * would run it at that point, so the call does what the same sequence of ioctls would do, at a
 * fraction of the cost: the array is read once, the address space and buffers are looked up once,
 * the VA range is locked once, and the device invalidation of all the UNMAPs is flushed once.
 *
 * The first operation that fails stops the call: it returns that operation's errno, operations
 * [0, out_nr_done) stay done, operation out_nr_done (the failing one) left the tables exactly as
 * they were, and the later ones did not run. Errors of the call itself (size rules, @flags,
 * @nr_ops, @op_size, ENOENT for @as_id, EFAULT reading the array, ENOMEM) run nothing and report
 * out_nr_done 0. After the operations ran, the out_ fields of entries [0, out_nr_done) are
 * written back to the array (nothing else is written); if that write faults the call fails with
 * EFAULT, and the operations stay done.
 *
 * When the call returns (or its io_uring completion is posted) every device and CPU view of what
 * its UNMAPs removed is gone, as after SWMMU_UNMAP. A MAP that reuses VAs an earlier UNMAP of the
 * same call freed does not let a device see the old translation.
 *
 * While it runs, the call holds the VA range from its lowest to its highest address (the whole
 * VA space if it has a MAP without SWMMU_MAP_FIXED_IOVA): other calls on that range wait, device
 * accesses (DMA) do not. The buffers it maps are busy (EBUSY on DESTROY) until it returns.
 */
struct swmmu_map_batch {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 nr_ops;
	__u32 op_size;
	__u32 out_nr_done;
	__aligned_u64 ops_uptr;
};
#define SWMMU_MAP_BATCH		_IO(SWMMU_TYPE, SWMMU_CMD_MAP_BATCH)

/* struct swmmu_query.out_flags */
#define SWMMU_QUERY_ACCESSED	0x1	/* the leaf's accessed bit is set (a device used it) */
#define SWMMU_QUERY_DIRTY	0x2	/* the leaf's dirty bit is set (a device wrote through it) */

/**
 * struct swmmu_query - ioctl(SWMMU_QUERY): translate one device VA by walking the tables
 * @size: sizeof(struct swmmu_query)
 * @flags: must be 0
 * @as_id: the address space
 * @__reserved: must be 0
 * @iova: the device VA
 * @out_dma_addr: the DMA address @iova translates to
 * @out_entry_iova: first device VA of the leaf entry holding @iova
 * @out_page_size: bytes of that leaf entry
 * @out_prot: SWMMU_PROT_* of the leaf, restricted by the table entries above it
 * @out_level: level of the leaf (0 = leaf level)
 * @out_buf_id: the buffer that holds @out_dma_addr
 * @out_flags: SWMMU_QUERY_* state bits of the leaf (zero for formats without them)
 * @out_buf_offset: offset of @out_dma_addr in that buffer
 *
 * ENOENT: @iova is not mapped. ERANGE: @iova is outside the format.
 */
struct swmmu_query {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 out_dma_addr;
	__aligned_u64 out_entry_iova;
	__aligned_u64 out_page_size;
	__u32 out_prot;
	__u32 out_level;
	__u32 out_buf_id;
	__u32 out_flags;
	__aligned_u64 out_buf_offset;
};
#define SWMMU_QUERY		_IO(SWMMU_TYPE, SWMMU_CMD_QUERY)

/**
 * struct swmmu_dump_region - one run of leaves of one size, contiguous in VA and DMA address
 * @iova: first device VA
 * @dma_addr: first DMA address
 * @length: bytes
 * @prot: SWMMU_PROT_* of the leaves
 * @page_size_lg2: lg2 of the leaf size
 */
struct swmmu_dump_region {
	__aligned_u64 iova;
	__aligned_u64 dma_addr;
	__aligned_u64 length;
	__u32 prot;
	__u32 page_size_lg2;
};

/**
 * struct swmmu_dump - ioctl(SWMMU_DUMP): the mapped regions of a range, from the tables
 * @size: sizeof(struct swmmu_dump)
 * @flags: must be 0
 * @as_id: the address space
 * @nr_regions: in: capacity of @regions_uptr; out: number of regions (EMSGSIZE if too small)
 * @iova: first byte of the range
 * @length: bytes; 0 means the whole VA space (with @iova 0)
 * @regions_uptr: user pointer to an array of struct swmmu_dump_region, in VA order
 */
struct swmmu_dump {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 nr_regions;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 regions_uptr;
};
#define SWMMU_DUMP		_IO(SWMMU_TYPE, SWMMU_CMD_DUMP)

/* struct swmmu_rw.flags */
#define SWMMU_RW_WRITE		0x1	/* write @data_uptr to the device VA; otherwise read */

/**
 * struct swmmu_rw - ioctl(SWMMU_RW): access memory through a device VA, as the device would
 * @size: sizeof(struct swmmu_rw)
 * @flags: SWMMU_RW_*
 * @as_id: the address space
 * @__reserved: must be 0
 * @iova: first device VA
 * @length: bytes (any alignment; at most 64 MiB per call, EINVAL above)
 * @data_uptr: user buffer of @length bytes
 *
 * Every page is translated through the device page tables. ENXIO: a page of the range is not
 * mapped. EACCES: the mapping does not allow the access. On an error the bytes before the
 * failing page may have been transferred.
 */
struct swmmu_rw {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 data_uptr;
};
#define SWMMU_RW		_IO(SWMMU_TYPE, SWMMU_CMD_RW)

/**
 * struct swmmu_as_stats - ioctl(SWMMU_STATS)
 * @size: sizeof(struct swmmu_as_stats)
 * @flags: must be 0
 * @as_id: the address space
 * @out_nr_tables: page-table pages (tables) of the address space
 * @out_table_bytes: bytes of those tables
 * @out_nr_mappings: mappings (MAP calls not yet unmapped)
 * @out_mapped_bytes: bytes mapped
 * @out_invalidations: invalidations (gather flushes) so far
 * @out_cpu_faults: CPU page faults served through mmap()
 * @out_cpu_pmd_faults: of those, faults that mapped a whole 2 MiB PMD
 * @out_debug_id: name of this address space's directory under /sys/kernel/debug/swmmu/as/
 */
struct swmmu_as_stats {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 out_debug_id;
	__aligned_u64 out_nr_tables;
	__aligned_u64 out_table_bytes;
	__aligned_u64 out_nr_mappings;
	__aligned_u64 out_mapped_bytes;
	__aligned_u64 out_invalidations;
	__aligned_u64 out_cpu_faults;
	__aligned_u64 out_cpu_pmd_faults;
};
#define SWMMU_STATS		_IO(SWMMU_TYPE, SWMMU_CMD_STATS)

/**
 * struct swmmu_attach - ioctl(SWMMU_ATTACH): use a named address space in this file
 * @size: sizeof(struct swmmu_attach)
 * @flags: must be 0
 * @name: NUL-terminated name of an address space the control plane created (generic netlink
 *        family "swmmu", see linux/swmmu_netlink.h); EINVAL if not NUL-terminated or empty
 * @out_as_id: ID of the attachment; use it as the as_id of MAP, UNMAP, PROTECT, QUERY, DUMP,
 *             RW, STATS and mmap() like an address space of the file. DESTROY of this ID
 *             detaches: every mapping of this file's buffers in the address space is removed
 *             (EBUSY while the address space is mmap()ed, has a queue or is used by a
 *             concurrent call, of this file or of any other attached one).
 * @out_va_bits: VA bits of the address space
 * @out_nr_levels: levels of the address space
 * @__reserved: zero on output
 * @out_mmap_offset: the mmap() offset of device VA 0 in this file (as in struct
 *                   swmmu_as_alloc), or SWMMU_MMAP_OFFSET_NONE
 *
 * The caller needs read and write permission under the address space's owner uid, gid and mode,
 * checked like a file's (the owner bits if the caller's fsuid is the owner uid, else the group
 * bits if it is in the group, else the other bits; CAP_DAC_OVERRIDE overrides): EACCES otherwise.
 * ENOENT: no address space of that name. EBUSY: this file is attached to it already. ENOSPC: 64
 * files are attached to it (or the file's max_as is reached). Several files, of one process or
 * of several, may be attached at once: mappings made through an attachment map that file's own
 * buffers, and every attached file's device and mmap() see all of them, and the regions the
 * control plane mapped (QUERY reports out_buf_id 0 for another file's buffer). An UNMAP or
 * PROTECT by any of them removes the CPU view of the range in every attached file. Closing the
 * file detaches it, and only it.
 */
struct swmmu_attach {
	__u32 size;
	__u32 flags;
	char name[SWMMU_NAME_LEN];
	__u32 out_as_id;
	__u32 out_va_bits;
	__u32 out_nr_levels;
	__u32 __reserved;
	__aligned_u64 out_mmap_offset;
};
#define SWMMU_ATTACH		_IO(SWMMU_TYPE, SWMMU_CMD_ATTACH)

/* struct swmmu_cpu_pte.flags */
#define SWMMU_CPU_PTE_PRESENT	0x1	/* a leaf the MMU translates */
#define SWMMU_CPU_PTE_ACCESSED	0x2	/* the accessed bit is set (leaves only) */
#define SWMMU_CPU_PTE_DIRTY	0x4	/* the dirty bit is set (leaves only) */
#define SWMMU_CPU_PTE_RESERVED	0x8	/* a present item with a reserved encoding */

/**
 * struct swmmu_cpu_pte - one item of the CPU page tables (output of CPU_WALK)
 * @va: first VA of the item; the whole item, even where the asked range covers only part of it
 * @pa: physical address of @va for a leaf (SWMMU_CPU_PTE_PRESENT); 0 otherwise
 * @pte: the raw item as the MMU reads it
 * @page_size: bytes the item spans (4 KiB, 2 MiB, 1 GiB for leaves)
 * @prot: for a leaf, SWMMU_PROT_* encoded in the leaf itself (READ is implied on x86, EXEC
 *        means the NX bit is clear, USER the U/S bit, GLOBAL the G bit) and its memory type
 * @eff_prot: for a leaf, @prot restricted by the table entries above it: what the MMU allows
 * @level: level of the item, 0 = 4 KiB PTE, 1 = PMD, 2 = PUD, ...
 * @flags: SWMMU_CPU_PTE_*
 *
 * An item without SWMMU_CPU_PTE_PRESENT is one the MMU does not translate but that is not zero:
 * Linux keeps PROT_NONE pages, swap and migration entries in such items (x86: present bit clear).
 * Zero (empty) items are not reported.
 */
struct swmmu_cpu_pte {
	__aligned_u64 va;
	__aligned_u64 pa;
	__aligned_u64 pte;
	__aligned_u64 page_size;
	__u32 prot;
	__u32 eff_prot;
	__u32 level;
	__u32 flags;
};

/* Most entries one CPU_WALK call returns. */
#define SWMMU_CPU_WALK_MAX_ENTRIES	65536

/* struct swmmu_cpu_walk.out_flags */
#define SWMMU_CPU_WALK_LA57	0x1	/* 5-level paging is on: the format is "x86_64-la57" */
#define SWMMU_CPU_WALK_PTI	0x2	/* page-table isolation is on: the walk started at the
					 * user-mode copy of the top table, the one the MMU uses
					 * while the process runs in user mode
					 */

/**
 * struct swmmu_cpu_walk - ioctl(SWMMU_CPU_WALK): the calling process's own CPU page tables
 * @size: sizeof(struct swmmu_cpu_walk)
 * @flags: must be 0
 * @nr_entries: in: capacity of @entries_uptr (at most SWMMU_CPU_WALK_MAX_ENTRIES, EINVAL above);
 *              out: number of items in the range. EMSGSIZE if the capacity is too small (the
 *              first @nr_entries items are written and the struct is written back).
 * @out_format_id: the format used ("x86_64" or "x86_64-la57"), a format_id of GET_INFO
 * @va: first byte of the range (user addresses)
 * @length: bytes; non-zero (EINVAL), the range must not wrap (EOVERFLOW) and must lie inside the
 *          user address space (ERANGE)
 * @entries_uptr: user pointer to an array of struct swmmu_cpu_pte, in VA order
 * @out_flags: SWMMU_CPU_WALK_*
 * @out_nr_levels: levels of the format
 * @out_root: physical address of the top-level table walked
 *
 * The tables of the calling process's mm are walked with the core's x86-64 format, read-only,
 * under mmap_read_lock() and, inside each page table, its page-table lock. Only addresses that
 * lie inside a mapping (VMA) of the process are walked: that is the rule the kernel itself walks
 * user page tables by (a page table is freed only after the mappings it served are gone).
 *
 * Requires CAP_SYS_ADMIN (EPERM): the result holds physical addresses, as /proc/self/pagemap
 * does. EOPNOTSUPP: not an x86-64 kernel. EINTR: a fatal signal. EIO: a table entry points
 * outside RAM (the walk did not follow it). EAGAIN: a large leaf kept changing under the walk.
 */
struct swmmu_cpu_walk {
	__u32 size;
	__u32 flags;
	__u32 nr_entries;
	__u32 out_format_id;
	__aligned_u64 va;
	__aligned_u64 length;
	__aligned_u64 entries_uptr;
	__u32 out_flags;
	__u32 out_nr_levels;
	__aligned_u64 out_root;
};
#define SWMMU_CPU_WALK		_IO(SWMMU_TYPE, SWMMU_CMD_CPU_WALK)

/* Limits of struct swmmu_iommu_check's inputs. */
#define SWMMU_IOMMU_MAX_SINGLE		256	/* single pages */
#define SWMMU_IOMMU_MAX_SG_PAGES	1024	/* pages of the scatterlist */
#define SWMMU_IOMMU_MAX_ORDER		10	/* contiguous buffer: at most 4 MiB */
#define SWMMU_IOMMU_MAX_DEVICE_DMA	16	/* device round trips */
/* Entries of struct swmmu_iommu_check.out_leaves: leaf sizes 4 KiB (index 0) to 2 GiB. */
#define SWMMU_IOMMU_LEAF_SIZES		20

/**
 * struct swmmu_iommu_check - the part VTD_CHECK and AMD_CHECK share: workload and verdict
 * @nr_single: in: single pages to map with dma_map_page() (<= SWMMU_IOMMU_MAX_SINGLE),
 *             alternately DMA_TO_DEVICE and DMA_FROM_DEVICE
 * @nr_sg_pages: in: separately allocated pages to map with one dma_map_sg() call
 *               (<= SWMMU_IOMMU_MAX_SG_PAGES), bidirectional
 * @contig_order: in: 0, or the order (2^order pages, <= SWMMU_IOMMU_MAX_ORDER) of one physically
 *                contiguous buffer to map bidirectionally with dma_map_page(), so that large
 *                pages can be used
 * @nr_device_dma: in: round trips the device itself makes through the mappings
 *                 (<= SWMMU_IOMMU_MAX_DEVICE_DMA): it reads one mapped page the walk says is
 *                 readable into its own buffer and writes that into one the walk says is
 *                 writable, and the kernel checks the bytes at the physical addresses the walk
 *                 gave for the two IOVAs
 * @regions_uptr: user pointer to an array of struct swmmu_dump_region: the leaves of the
 *                device's domain found by the first walk, in IOVA order, one per leaf entry
 * @nr_regions: in: capacity of @regions_uptr (at most SWMMU_CPU_WALK_MAX_ENTRIES); out: leaves
 *              found by the first walk (EMSGSIZE if the capacity is too small; the counters
 *              and the first @nr_regions leaves are still written)
 * @out_bdf: PCI bus/device/function of the device ((bus << 8) | devfn)
 * @out_addr_width: input address width of the IOMMU's table (VT-d: 39, 48; AMD: 12 + 9 * levels)
 * @out_nr_levels: levels of the table (VT-d: from the context entry's AW; AMD: the DTE's Mode)
 * @out_pgsizes: bitmap of the leaf sizes found by the first walk (bit n: 2^n bytes)
 * @out_leaves: leaves (entries; an AMD NextLevel=7 page is one leaf however many items hold it)
 *              found by the first walk: [i] counts leaves of 2^(12 + i) bytes
 * @out_pages_compared: 4 KiB pages of those leaves, each compared with iommu_iova_to_phys()
 * @out_mapped_pages: 4 KiB pages of the module's own mappings, each checked to be found by the
 *                    walk at the physical address the module mapped there
 * @out_mismatches: pages where the walk and the kernel (or the mapped address) disagree, and
 *                  items of one large entry that do not repeat it
 * @out_bad_iova: IOVA of the first mismatch
 * @out_bad_walk: what the walk gave there (~0 if not mapped)
 * @out_bad_kernel: what the kernel gave (or the address mapped) there
 * @out_reserved_items: items of the table the format does not define (neither a hole, a leaf nor
 *                      a pointer to the next level, e.g. an AMD PDE that skips levels); the walk
 *                      cannot follow them, so a correct check finds none
 * @out_large_lg2: lg2 of the largest page size both the IOMMU and its driver offer that fits in
 *                 the contiguous buffer (0 if none)
 * @out_large_expected: blocks of that size in the contiguous buffer whose IOVA and physical
 *                      address are both aligned to it
 * @out_large_found: of those, blocks the walk found mapped by one leaf of that size
 * @out_device_dma_ok: device round trips whose bytes arrived where the walk said
 * @out_left_after_unmap: 4 KiB pages of the module's mappings still translated by the walk
 *                        after they were all unmapped (the tables must be clear)
 * @out_prot_narrower: pages of the module's mappings whose effective permission (leaf, the
 *                     entries above it and, for AMD, the DTE) lacks one their DMA direction needs
 *                     (read for DMA_TO_DEVICE, write for DMA_FROM_DEVICE)
 * @out_prot_wider: pages whose effective permission grants more than their DMA direction asks
 *                  for. Linux 6.1 sets bit 0 in every VT-d second-stage leaf (__domain_mapping()
 *                  ORs in DMA_FL_PTE_PRESENT, the first-stage present bit, which is the
 *                  second-stage read bit), so DMA_FROM_DEVICE pages are readable there.
 *
 * The kernel maps the workload for QEMU's edu device (PCI 1234:11e8, bound to swmmu's PCI
 * driver) with the DMA API, then finds the table the IOMMU uses for the device from the IOMMU's
 * own registers, walks it with the core's format for that IOMMU while the mappings are live,
 * unmaps everything and walks again. Every mapping is undone before the call returns.
 */
struct swmmu_iommu_check {
	__u32 nr_single;
	__u32 nr_sg_pages;
	__u32 contig_order;
	__u32 nr_device_dma;
	__aligned_u64 regions_uptr;
	__u32 nr_regions;
	__u32 out_bdf;
	__u32 out_addr_width;
	__u32 out_nr_levels;
	__aligned_u64 out_pgsizes;
	__aligned_u64 out_leaves[SWMMU_IOMMU_LEAF_SIZES];
	__aligned_u64 out_pages_compared;
	__aligned_u64 out_mapped_pages;
	__aligned_u64 out_mismatches;
	__aligned_u64 out_bad_iova;
	__aligned_u64 out_bad_walk;
	__aligned_u64 out_bad_kernel;
	__aligned_u64 out_reserved_items;
	__u32 out_large_lg2;
	__u32 out_large_expected;
	__u32 out_large_found;
	__u32 out_device_dma_ok;
	__aligned_u64 out_left_after_unmap;
	__aligned_u64 out_prot_narrower;
	__aligned_u64 out_prot_wider;
};

/* struct swmmu_vtd_check.out_flags */
#define SWMMU_VTD_SUPERPAGE_2M	0x1	/* the IOMMU reports 2 MiB second-stage pages (CAP.SLLPS) */
#define SWMMU_VTD_SUPERPAGE_1G	0x2	/* the IOMMU reports 1 GiB second-stage pages */

/**
 * struct swmmu_vtd_check - ioctl(SWMMU_VTD_CHECK): walk a real VT-d second-stage table
 * @size: sizeof(struct swmmu_vtd_check)
 * @flags: must be 0
 * @check: the workload and the verdict (struct swmmu_iommu_check)
 * @out_rtaddr: the root-table address register
 * @out_cap: the capability register
 * @out_ecap: the extended capability register
 * @out_domain_id: the domain ID in the device's context entry
 * @out_flags: SWMMU_VTD_*
 *
 * Needs the edu device translated by an Intel IOMMU in legacy (not scalable) mode in a DMA
 * domain. The kernel finds the IOMMU unit of the device in the ACPI DMAR table, reads its
 * root-table address register, follows the root entry of the device's bus and the context entry
 * of its devfn to the second-stage table and walks that with the core's "vtd-ss" format (reduced
 * to 3 levels for a 39-bit width).
 *
 * Requires CAP_SYS_ADMIN (EPERM). ENODEV: no edu device is bound. EOPNOTSUPP: the device is not
 * translated (no IOMMU, identity or blocked domain, pass-through context), the IOMMU is in
 * scalable mode, or its width has no format in the core; the kernel log says which. ENOENT: no
 * DMAR unit, root or context entry for the device. EIO: the device's DMA engine timed out, or a
 * table is not in RAM. EINVAL: an input above its limit.
 */
struct swmmu_vtd_check {
	__u32 size;
	__u32 flags;
	struct swmmu_iommu_check check;
	__aligned_u64 out_rtaddr;
	__aligned_u64 out_cap;
	__aligned_u64 out_ecap;
	__u32 out_domain_id;
	__u32 out_flags;
};
#define SWMMU_VTD_CHECK		_IO(SWMMU_TYPE, SWMMU_CMD_VTD_CHECK)

/**
 * struct swmmu_amd_check - ioctl(SWMMU_AMD_CHECK): walk a real AMD IOMMU v1 host page table
 * @size: sizeof(struct swmmu_amd_check)
 * @flags: must be 0
 * @check: the workload and the verdict (struct swmmu_iommu_check)
 * @out_mmio_base: the IOMMU's register base, from the IVHD block of the ACPI IVRS table that
 *                 lists the device
 * @out_dev_table: the Device Table Base Address Register (MMIO offset 0x0000)
 * @out_control: the IOMMU Control Register (MMIO offset 0x0018)
 * @out_efr: the Extended Feature Register (MMIO offset 0x0030)
 * @out_dte: the device's 256-bit device table entry, [0] bits 63:0
 * @out_domain_id: the DTE's DomainID
 * @out_iommu_bdf: the IOMMU's own PCI bus/device/function (IVHD DeviceID)
 *
 * Needs the edu device translated by an AMD IOMMU with v1 (host) page tables in a DMA domain.
 * The kernel finds the IOMMU in the IVRS table, reads its device table base register, reads the
 * device's entry (AMD IOMMU spec 48882 §2.2.2), checks V, TV and GV = 0 and walks the table at
 * its Page Table Root Pointer with the core's "amd-v1" format reduced to Mode levels (§2.2.3).
 *
 * Requires CAP_SYS_ADMIN (EPERM). ENODEV: no edu device is bound. EOPNOTSUPP: the device is not
 * translated (no IOMMU, identity or blocked domain, DTE Mode 0, guest (v2) tables, translation
 * disabled in the control register) or its Mode has no format in the core; the kernel log says
 * which. ENOENT: no IVRS table, no IVHD block listing the device, a device ID beyond the device
 * table, or a DTE without V and TV. EIO: the device's DMA engine timed out, or a table is not in
 * RAM. EINVAL: an input above its limit.
 */
struct swmmu_amd_check {
	__u32 size;
	__u32 flags;
	struct swmmu_iommu_check check;
	__aligned_u64 out_mmio_base;
	__aligned_u64 out_dev_table;
	__aligned_u64 out_control;
	__aligned_u64 out_efr;
	__aligned_u64 out_dte[4];
	__u32 out_domain_id;
	__u32 out_iommu_bdf;
};
#define SWMMU_AMD_CHECK		_IO(SWMMU_TYPE, SWMMU_CMD_AMD_CHECK)

/*
 * The DMA engine of the emulated device.
 *
 * A queue is an execution context of the device's DMA engine bound to one address space: every
 * device VA a command names is translated through the device's IOTLB and, on a miss, by a walk of
 * that address space's tables (setting accessed/dirty bits where the format has them), and the
 * output address must be one of the file's buffers. A file may have several queues; commands of
 * one queue run one after the other in submission order (SUBMIT and io_uring alike), queues run
 * concurrently. After UNMAP or PROTECT returns, no command of any queue uses a translation they
 * removed: the IOTLB entries of the range are invalidated and in-flight accesses are waited for.
 *
 * A translation that fails is a fault (struct swmmu_fault). In the address space's terminate mode
 * (the default) the command fails with the fault's errno:
 *   ENXIO   not present: nothing is mapped at the VA
 *   EACCES  permission: the mapping does not allow the access
 *   ERANGE  address size: the VA is outside the address space's format
 *   EIO     bad output address: the translation points outside the file's buffers
 * In stall mode (SWMMU_FAULT_CONFIG) the command waits until userspace answers the fault through
 * the fault queue: SWMMU_FAULT_RESP_RETRY replays the translation (typically after a MAP),
 * SWMMU_FAULT_RESP_FAIL fails the command with the fault's errno. The wait ends with ETIMEDOUT
 * after the address space's timeout; a fault stalls only while the device file has an open fault
 * queue with room for the record, otherwise it terminates.
 * A sparse (null) leaf reads as zeros and drops writes, as the format says.
 */
#define SWMMU_MAX_QUEUES	64	/* queues per open file */

/**
 * struct swmmu_queue_alloc - ioctl(SWMMU_QUEUE_ALLOC): a DMA engine queue
 * @size: sizeof(struct swmmu_queue_alloc)
 * @flags: must be 0
 * @as_id: the address space the queue's commands translate through; it is busy (EBUSY on
 *         DESTROY) while the queue exists
 * @out_queue_id: ID of the new queue (destroyed with DESTROY; EBUSY while it has commands in
 *                flight)
 *
 * ENOENT: no such address space. ENOSPC: the file has SWMMU_MAX_QUEUES queues.
 */
struct swmmu_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 out_queue_id;
};
#define SWMMU_QUEUE_ALLOC	_IO(SWMMU_TYPE, SWMMU_CMD_QUEUE_ALLOC)

/* struct swmmu_dma_cmd.opcode */
enum {
	SWMMU_DMA_COPY = 1,	/* copy @length bytes from @src to @dst */
	SWMMU_DMA_FILL = 2,	/* fill @length bytes at @dst with the 8-byte pattern @value */
	SWMMU_DMA_CRC32 = 3,	/* CRC-32 (IEEE 802.3, as zlib's crc32()) of @length bytes at @src */
	SWMMU_DMA_COMPARE = 4,	/* compare @length bytes at @src and @dst */
	SWMMU_DMA_FENCE = 5,	/* write-immediate: store the low @length (4 or 8) bytes of @value
				 * at @dst (aligned to @length) once every earlier command of the
				 * queue has completed
				 */
};

#define SWMMU_DMA_MAX_LENGTH	(1ULL << 30)	/* bytes per command */

/**
 * struct swmmu_dma_cmd - one DMA engine command
 * @opcode: SWMMU_DMA_* (EINVAL otherwise)
 * @flags: must be 0
 * @src: source device VA (COPY, CRC32, COMPARE; must be 0 otherwise)
 * @dst: destination device VA (COPY, FILL, COMPARE, FENCE; must be 0 otherwise)
 * @length: bytes, 1 to SWMMU_DMA_MAX_LENGTH; no range may wrap past 2^64 - 1 (EOVERFLOW)
 * @value: FILL: byte i of the range gets byte (i % 8) of @value in little-endian order;
 *         FENCE: the value written; must be 0 otherwise
 * @out_status: 0, or the negative errno the command failed with (the fault errnos above,
 *              ETIMEDOUT a stall timed out, ECANCELED cancelled, EINTR a fatal signal)
 * @__reserved: must be 0
 * @out_result: COPY, FILL: bytes done; CRC32: the CRC; COMPARE: bytes equal before the first
 *              difference (@length if the ranges are equal); FENCE: 0
 * @out_fault_seq: sequence number of the last fault the command took, or 0
 *
 * A command's VAs are checked only by translation: an unmapped or out-of-format VA is a fault.
 * COPY between overlapping ranges gives an undefined result (as a DMA engine would).
 */
struct swmmu_dma_cmd {
	__u32 opcode;
	__u32 flags;
	__aligned_u64 src;
	__aligned_u64 dst;
	__aligned_u64 length;
	__aligned_u64 value;
	__s32 out_status;
	__u32 __reserved;
	__aligned_u64 out_result;
	__aligned_u64 out_fault_seq;
};

#define SWMMU_SUBMIT_MAX_CMDS	256

/**
 * struct swmmu_submit - ioctl(SWMMU_SUBMIT): run commands on a queue and wait for them
 * @size: sizeof(struct swmmu_submit)
 * @flags: must be 0
 * @queue_id: the queue
 * @nr_cmds: entries of @cmds_uptr, 1 to SWMMU_SUBMIT_MAX_CMDS (EINVAL)
 * @cmds_uptr: user pointer to an array of struct swmmu_dma_cmd; the out_ fields are written back
 * @out_nr_done: commands that succeeded; if it is below @nr_cmds, command @out_nr_done failed
 *               (see its out_status) and the commands after it did not run
 * @__reserved: must be 0
 *
 * The commands run after every command queued earlier on the queue (io_uring). Every command is
 * validated before the first one runs (EINVAL, EOPNOTSUPP, EOVERFLOW as described for struct
 * swmmu_dma_cmd; nothing ran then). Once they run, a failing command does not fail the ioctl:
 * it returns 0 and reports the failure in @out_nr_done and the command's out_status.
 * ENOENT: no such queue.
 */
struct swmmu_submit {
	__u32 size;
	__u32 flags;
	__u32 queue_id;
	__u32 nr_cmds;
	__aligned_u64 cmds_uptr;
	__u32 out_nr_done;
	__u32 __reserved;
};
#define SWMMU_SUBMIT		_IO(SWMMU_TYPE, SWMMU_CMD_SUBMIT)

/* struct swmmu_fault.reason */
enum {
	SWMMU_FAULT_NOT_PRESENT = 1,	/* no leaf translates the VA (ENXIO) */
	SWMMU_FAULT_PERMISSION = 2,	/* the leaf or a table above it forbids the access (EACCES) */
	SWMMU_FAULT_ADDRESS_SIZE = 3,	/* the VA is outside the format's VA size (ERANGE) */
	SWMMU_FAULT_BAD_OUTPUT = 4,	/* the output address is no buffer of the file (EIO) */
	/* Driver-managed contexts only (SWMMU_AS_DRIVER_TABLES): the caller's tables are wrong. */
	SWMMU_FAULT_TABLE_OUTSIDE = 5,	/* a table address is no buffer of the file (EIO) */
	SWMMU_FAULT_RESERVED = 6,	/* an item has a reserved encoding or a reserved bit set
					 * (EBADMSG)
					 */
	SWMMU_FAULT_LEAF_LEVEL = 7,	/* a leaf at a level that cannot hold one (EBADMSG) */
	SWMMU_FAULT_OA_SIZE = 8,	/* an output or table address above the format's output
					 * size (ERANGE)
					 */
	SWMMU_FAULT_ACCESS_FLAG = 9,	/* the leaf's accessed (or, for a write, dirty) bit is clear
					 * and the context does not set it (EACCES)
					 */
	SWMMU_FAULT_DISABLED = 10,	/* the context is not enabled (ENODEV) */
};

/* struct swmmu_fault.flags */
#define SWMMU_FAULT_STALLED	0x1	/* the command waits for a response with @seq */
#define SWMMU_FAULT_CHECK	0x2	/* a checker report (struct swmmu_event), not a fault */

/**
 * struct swmmu_fault - one fault record, as read() from a fault queue returns them
 * @as_id: the address space (its ID in the file of the faulting queue)
 * @queue_id: the queue whose command faulted
 * @iova: the device VA that failed to translate
 * @access: SWMMU_PROT_READ, SWMMU_PROT_WRITE or SWMMU_PROT_EXEC: the access attempted
 * @reason: SWMMU_FAULT_*
 * @level: the level of the table item where the walk stopped (0 = leaf level; for an
 *         address-size fault, the top level)
 * @flags: SWMMU_FAULT_*
 * @seq: sequence number, per device file, starting at 1
 * @lost: records dropped because the queue was full since the previous record was queued
 */
struct swmmu_fault {
	__u32 as_id;
	__u32 queue_id;
	__aligned_u64 iova;
	__u32 access;
	__u32 reason;
	__u32 level;
	__u32 flags;
	__aligned_u64 seq;
	__aligned_u64 lost;
};

/* struct swmmu_fault_response.code */
enum {
	SWMMU_FAULT_RESP_RETRY = 1,	/* the fault is resolved: translate again */
	SWMMU_FAULT_RESP_FAIL = 2,	/* fail the command with the fault's errno */
};

/**
 * struct swmmu_fault_response - one response, as write() to a fault queue takes them
 * @seq: the seq of a record with SWMMU_FAULT_STALLED
 * @code: SWMMU_FAULT_RESP_*
 * @__reserved: must be 0
 */
struct swmmu_fault_response {
	__aligned_u64 seq;
	__u32 code;
	__u32 __reserved;
};

#define SWMMU_FAULT_QUEUE_MAX_DEPTH	4096

/* struct swmmu_event.class: what a driver did wrong (checker reports, SWMMU_FAULT_CHECK) */
enum {
	SWMMU_CHECK_STALE = 1,		/* the device used a cached translation whose entry changed
					 * or was cleared, and no invalidation covered it
					 */
	SWMMU_CHECK_BBM = 2,		/* a valid leaf was replaced by a different valid leaf
					 * without an invalid entry and an invalidation between
					 * (break-before-make; formats whose architecture needs it)
					 */
	SWMMU_CHECK_TABLE_REUSE = 3,	/* a table the walk cache still uses was unlinked or its
					 * slot rewritten, without a walk-cache invalidation
					 */
};

/**
 * struct swmmu_event - one record of a fault queue opened with SWMMU_FAULT_QUEUE_EVENTS
 * @fault: the fault record; for a checker report @fault.flags has SWMMU_FAULT_CHECK, @fault.reason
 *         is 0, @fault.iova the VA, @fault.level the level of the cached item
 * @class: SWMMU_CHECK_* for a checker report, 0 for a fault
 * @asid: the ASID the cached translation was tagged with (checker), or the context's ASID
 * @cached_pte: the item the device cached (checker), or the item where the walk stopped (fault)
 * @current_pte: the item in the tables now (checker), 0 for a fault
 * @cached_pa: the output address the cached translation gives for @fault.iova
 * @current_pa: the output address the tables give now (~0 when they do not translate it)
 */
struct swmmu_event {
	struct swmmu_fault fault;
	__u32 class;
	__u32 asid;
	__aligned_u64 cached_pte;
	__aligned_u64 current_pte;
	__aligned_u64 cached_pa;
	__aligned_u64 current_pa;
};

/* struct swmmu_fault_queue_alloc.flags */
#define SWMMU_FAULT_QUEUE_EVENTS	0x1	/* records are struct swmmu_event and include the
						 * checker's reports
						 */

/**
 * struct swmmu_fault_queue_alloc - ioctl(SWMMU_FAULT_QUEUE): open the device's fault queue
 * @size: sizeof(struct swmmu_fault_queue_alloc)
 * @flags: SWMMU_FAULT_QUEUE_*; without SWMMU_FAULT_QUEUE_EVENTS the records are struct
 *         swmmu_fault and checker reports are not queued
 * @depth: records the queue holds, 1 to SWMMU_FAULT_QUEUE_MAX_DEPTH (EINVAL)
 * @out_fd: a new file descriptor (O_RDWR | O_CLOEXEC) of the fault queue
 *
 * Every fault of the file's queues is recorded there. read() returns whole records: as many as
 * fit in the buffer (EINVAL if it cannot hold one), waiting for one unless the descriptor is
 * O_NONBLOCK (EAGAIN). poll() reports EPOLLIN while records are queued. A record that finds the
 * queue full is dropped and counted (struct swmmu_fault.lost, SWMMU_IOTLB out_faults_lost); a
 * stalling fault that is dropped terminates its command. write() takes an array of struct
 * swmmu_fault_response (EINVAL if the length is not a multiple of its size, or for a bad code or
 * reserved field; ENOENT for a seq that is not stalled - unknown, answered or timed out) and
 * returns the bytes of the responses applied before the first error.
 * Closing it fails every stalled command with its fault's errno.
 * EBUSY: the file has an open fault queue already.
 */
struct swmmu_fault_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 depth;
	__s32 out_fd;
};
#define SWMMU_FAULT_QUEUE	_IO(SWMMU_TYPE, SWMMU_CMD_FAULT_QUEUE)

/* struct swmmu_fault_config.mode */
enum {
	SWMMU_FAULT_MODE_TERMINATE = 0,
	SWMMU_FAULT_MODE_STALL = 1,
};

#define SWMMU_FAULT_MAX_TIMEOUT_MS	60000

/**
 * struct swmmu_fault_config - ioctl(SWMMU_FAULT_CONFIG): fault mode of an address space
 * @size: sizeof(struct swmmu_fault_config)
 * @flags: must be 0
 * @as_id: the address space
 * @mode: SWMMU_FAULT_MODE_* (EINVAL otherwise)
 * @timeout_ms: how long a stalled command waits for a response: 0 for the module default
 *              (parameter fault_timeout_ms), at most SWMMU_FAULT_MAX_TIMEOUT_MS (EINVAL)
 * @__reserved: must be 0
 *
 * Applies to faults taken from now on.
 */
struct swmmu_fault_config {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 mode;
	__u32 timeout_ms;
	__u32 __reserved;
};
#define SWMMU_FAULT_CONFIG	_IO(SWMMU_TYPE, SWMMU_CMD_FAULT_CONFIG)

/* struct swmmu_iotlb.flags */
#define SWMMU_IOTLB_RESIZE	0x1	/* use @nr_entries entries (drops every entry) */
#define SWMMU_IOTLB_FLUSH	0x2	/* invalidate every entry */
#define SWMMU_IOTLB_RESET_STATS	0x4	/* zero the counters after reading them */

#define SWMMU_IOTLB_MIN_ENTRIES	4
#define SWMMU_IOTLB_MAX_ENTRIES	65536

/**
 * struct swmmu_iotlb - ioctl(SWMMU_IOTLB): the device's IOTLB and engine statistics
 * @size: sizeof(struct swmmu_iotlb)
 * @flags: SWMMU_IOTLB_*
 * @nr_entries: in (SWMMU_IOTLB_RESIZE): a power of two in [SWMMU_IOTLB_MIN_ENTRIES,
 *              SWMMU_IOTLB_MAX_ENTRIES] (EINVAL); otherwise must be 0. Out: entries.
 * @out_ways: associativity (entries per set)
 * @out_hits: translations served by the IOTLB
 * @out_misses: translations that missed
 * @out_walks: table walks (misses, and writes through a clean entry that set the dirty bit)
 * @out_levels: table items read by those walks
 * @out_faults: faults taken (every record, queued or not)
 * @out_faults_lost: fault records dropped because the fault queue was full
 * @out_bytes: bytes the commands processed
 * @out_cmds: commands run (successful or not)
 * @out_invalidations: invalidation requests (range, address space or all) that reached the IOTLB
 *
 * The IOTLB is per open file (the device) and shared by its queues; an entry is keyed by address
 * space, VA page and page size, and caches a leaf's output address and permissions. The default
 * size is the module parameter iotlb_entries.
 */
struct swmmu_iotlb {
	__u32 size;
	__u32 flags;
	__u32 nr_entries;
	__u32 out_ways;
	__aligned_u64 out_hits;
	__aligned_u64 out_misses;
	__aligned_u64 out_walks;
	__aligned_u64 out_levels;
	__aligned_u64 out_faults;
	__aligned_u64 out_faults_lost;
	__aligned_u64 out_bytes;
	__aligned_u64 out_cmds;
	__aligned_u64 out_invalidations;
};
#define SWMMU_IOTLB		_IO(SWMMU_TYPE, SWMMU_CMD_IOTLB)

/* struct swmmu_ctx_set.flags */
#define SWMMU_CTX_ENABLE	0x1	/* translate; while disabled every access faults (DISABLED) */
#define SWMMU_CTX_HW_AD		0x2	/* the device sets accessed and dirty bits where the
					 * architecture makes it optional (AArch64 TCR.HA/HD, RISC-V
					 * Svadu); formats whose hardware always sets them (x86-64,
					 * VT-d, AMD) get them regardless
					 */

/* struct swmmu_ctx_set.check: the TLB checker of a driver-managed context */
enum {
	SWMMU_CHECK_OFF = 0,		/* hardware-faithful: stale translations are used silently */
	SWMMU_CHECK_REPORT = 1,		/* report each violation once, keep using the TLB */
	SWMMU_CHECK_STRICT = 2,		/* report, and use the fresh walk instead of the TLB */
};

#define SWMMU_ASID_MAX		0xffff

/**
 * struct swmmu_ctx_set - ioctl(SWMMU_CTX_SET): program a driver-managed context
 * @size: sizeof(struct swmmu_ctx_set)
 * @flags: SWMMU_CTX_*
 * @as_id: an address space made with SWMMU_AS_DRIVER_TABLES (EINVAL for another one)
 * @format_id: the table format (ENOENT if unknown; runtime formats are not accepted: EINVAL)
 * @va_bits: 0 for the format's VA size, or a smaller one as in SWMMU_AS_ALLOC (EINVAL)
 * @asid: the ASID the TLB tags this context's translations with, 0..SWMMU_ASID_MAX (EINVAL)
 * @root: DMA address of the root table, aligned to the root table's size (EINVAL). Not checked
 *        against the buffers here: a root outside them faults (TABLE_OUTSIDE) on use, as on the
 *        hardware.
 * @check: SWMMU_CHECK_OFF, _REPORT or _STRICT (EINVAL otherwise)
 * @__reserved: must be 0
 *
 * Like a write of the hardware's context registers. Re-pointing an enabled context at another
 * root (a context switch) keeps its TLB: translations are tagged by ASID, so a driver that reuses
 * an ASID for other tables invalidates it first (SWMMU_INV_ASID). Clearing SWMMU_CTX_ENABLE drops
 * the context's TLB and walk cache; only then may the file's buffers be destroyed.
 */
struct swmmu_ctx_set {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 format_id;
	__u32 va_bits;
	__u32 asid;
	__aligned_u64 root;
	__u32 check;
	__u32 __reserved;
};
#define SWMMU_CTX_SET		_IO(SWMMU_TYPE, SWMMU_CMD_CTX_SET)

/* struct swmmu_inval_cmd.opcode: the shape of an IOMMU's invalidation commands */
enum {
	SWMMU_INV_ALL = 1,	/* every entry of every driver-managed context of the file
				 * (SMMU CMD_TLBI_NSNH_ALL, VT-d global IOTLB invalidation)
				 */
	SWMMU_INV_CTX = 2,	/* every entry of one context, any ASID (SMMU CMD_CFGI_CD +
				 * TLBI, VT-d domain-selective)
				 */
	SWMMU_INV_ASID = 3,	/* the entries of one ASID in a context (CMD_TLBI_NH_ASID,
				 * VT-d PASID-selective)
				 */
	SWMMU_INV_VA = 4,	/* leaf entries of an ASID in [iova, iova + length) (CMD_TLBI_NH_VA
				 * with Leaf=1, VT-d page-selective with IH=1)
				 */
	SWMMU_INV_VA_WALK = 5,	/* leaf and walk-cache entries of an ASID covering the range
				 * (CMD_TLBI_NH_VA with Leaf=0, VT-d page-selective, GPU TLB
				 * invalidate with page-directory cache)
				 */
};

/**
 * struct swmmu_inval_cmd - one invalidation command
 * @opcode: SWMMU_INV_* (EINVAL otherwise)
 * @flags: must be 0
 * @as_id: the context (a SWMMU_AS_DRIVER_TABLES address space; must be 0 for SWMMU_INV_ALL)
 * @asid: the ASID (SWMMU_INV_ASID, _VA, _VA_WALK; must be 0 otherwise)
 * @iova: first VA (SWMMU_INV_VA, _VA_WALK; must be 0 otherwise)
 * @length: bytes, non-zero, no wrap (EOVERFLOW) (SWMMU_INV_VA, _VA_WALK; must be 0 otherwise)
 */
struct swmmu_inval_cmd {
	__u32 opcode;
	__u32 flags;
	__u32 as_id;
	__u32 asid;
	__aligned_u64 iova;
	__aligned_u64 length;
};

#define SWMMU_INVALIDATE_MAX_CMDS	256

/**
 * struct swmmu_invalidate - ioctl(SWMMU_INVALIDATE): run invalidation commands, in order
 * @size: sizeof(struct swmmu_invalidate)
 * @flags: must be 0
 * @nr_cmds: entries of @cmds_uptr, 1 to SWMMU_INVALIDATE_MAX_CMDS (EINVAL)
 * @__reserved: must be 0
 * @cmds_uptr: user pointer to an array of struct swmmu_inval_cmd
 * @out_nr_done: commands completed; every command is validated before the first runs
 *
 * When a command completes, no DMA access that starts afterwards uses an entry it dropped, and
 * every access that was using one has finished (the sync of a command queue). With the checker
 * on, each dropped entry is compared with the tables first: a valid leaf that was replaced by a
 * different valid leaf on a break-before-make format, or a walk-cache entry whose table was
 * unlinked while a leaf-only invalidation (SWMMU_INV_VA) was used, is reported. Invalidating
 * more than needed is never reported; the context counts its invalidations (SWMMU_CTX_INFO).
 * ENOENT: no such context.
 */
struct swmmu_invalidate {
	__u32 size;
	__u32 flags;
	__u32 nr_cmds;
	__u32 __reserved;
	__aligned_u64 cmds_uptr;
	__u32 out_nr_done;
	__u32 __reserved2;
};
#define SWMMU_INVALIDATE	_IO(SWMMU_TYPE, SWMMU_CMD_INVALIDATE)

/**
 * struct swmmu_ctx_info - ioctl(SWMMU_CTX_INFO): the state of a driver-managed context
 * @size: sizeof(struct swmmu_ctx_info)
 * @flags: must be 0
 * @as_id: the context
 * @out_flags: SWMMU_CTX_* as programmed
 * @out_format_id: the programmed format
 * @out_va_bits: its VA bits
 * @out_asid: the programmed ASID
 * @out_check: SWMMU_CHECK_*
 * @out_root: the programmed root table
 * @out_tlb_entries: capacity of the context's TLB (leaf entries)
 * @out_tlb_used: leaf entries valid now
 * @out_walk_entries: capacity of its walk cache (table entries)
 * @out_walk_used: walk-cache entries valid now
 * @out_hits: translations served from the TLB
 * @out_misses: translations that needed a walk
 * @out_walks: table walks
 * @out_faults: faults of the context
 * @out_ad_updates: accessed/dirty bits the device set
 * @out_invalidations: invalidation commands that named the context (ALL counts for every one)
 * @out_inval_dropped: entries those commands dropped
 * @out_checks: cached translations the checker compared with the tables
 * @out_stale: SWMMU_CHECK_STALE reports
 * @out_bbm: SWMMU_CHECK_BBM reports
 * @out_table_reuse: SWMMU_CHECK_TABLE_REUSE reports
 */
struct swmmu_ctx_info {
	__u32 size;
	__u32 flags;
	__u32 as_id;
	__u32 out_flags;
	__u32 out_format_id;
	__u32 out_va_bits;
	__u32 out_asid;
	__u32 out_check;
	__aligned_u64 out_root;
	__u32 out_tlb_entries;
	__u32 out_tlb_used;
	__u32 out_walk_entries;
	__u32 out_walk_used;
	__aligned_u64 out_hits;
	__aligned_u64 out_misses;
	__aligned_u64 out_walks;
	__aligned_u64 out_faults;
	__aligned_u64 out_ad_updates;
	__aligned_u64 out_invalidations;
	__aligned_u64 out_inval_dropped;
	__aligned_u64 out_checks;
	__aligned_u64 out_stale;
	__aligned_u64 out_bbm;
	__aligned_u64 out_table_reuse;
};
#define SWMMU_CTX_INFO		_IO(SWMMU_TYPE, SWMMU_CMD_CTX_INFO)

/*
 * io_uring passthrough (IORING_OP_URING_CMD on a /dev/swmmu descriptor). The ring must be set up
 * with IORING_SETUP_SQE128 (EINVAL otherwise): the command's payload is the 80-byte sqe->cmd area.
 * With IORING_SETUP_CQE32 the completion's first extra word (big_cqe[0]) carries a second result.
 *
 * - sqe->cmd_op SWMMU_URING_DMA: payload struct swmmu_uring_dma, one DMA engine command queued on
 *   a queue, executed asynchronously in order with the queue's other commands. cqe->res: 0 or the
 *   command's negative errno (out_status); big_cqe[0]: the command's out_result. Argument errors
 *   complete at once with EINVAL, EOPNOTSUPP, EOVERFLOW, ENOENT.
 * - sqe->cmd_op SWMMU_MAP, SWMMU_UNMAP, SWMMU_PROTECT: payload the ioctl's struct, with the same
 *   size rules and errnos, run at submission. cqe->res: 0 or the negative errno; big_cqe[0]: MAP's
 *   iova, UNMAP's out_unmapped.
 * - sqe->cmd_op SWMMU_MAP_BATCH: payload struct swmmu_map_batch, the same rules and errnos, run at
 *   submission (in the submitting task, or an io-wq worker for IOSQE_ASYNC); the out_ fields of
 *   the operations are written back to the array as by the ioctl. cqe->res: 0 or the failing
 *   operation's negative errno; big_cqe[0]: out_nr_done. One SQE carries up to
 *   SWMMU_MAP_BATCH_MAX_OPS operations: the cheapest way to change many mappings.
 * - sqe->cmd_op SWMMU_INVALIDATE: payload struct swmmu_invalidate, the same rules and errnos, run
 *   at submission. cqe->res: 0 or the negative errno; big_cqe[0]: out_nr_done.
 * - any other cmd_op: EOPNOTSUPP.
 * Closing a /dev/swmmu descriptor cancels the outstanding SWMMU_URING_DMA commands the closing
 * process submitted on that file (they complete with ECANCELED; a running one stops at its next
 * step or stall), as a lock is dropped on close(). MAP, UNMAP, PROTECT and MAP_BATCH are never
 * cancelled: one that runs when the descriptor is closed completes (io_uring holds its own
 * reference to the file).
 */
#define SWMMU_URING_DMA		_IO(SWMMU_TYPE, 0x80)

/**
 * struct swmmu_uring_dma - payload of SWMMU_URING_DMA
 * @size: sizeof(struct swmmu_uring_dma) (the size rules of the ioctls; at most 80)
 * @queue_id: the queue
 * @cmd: the command; its out_ fields are ignored
 */
struct swmmu_uring_dma {
	__u32 size;
	__u32 queue_id;
	struct swmmu_dma_cmd cmd;
};

#endif /* _UAPI_LINUX_SWMMU_H */
