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

/**
 * struct swmmu_as_alloc - ioctl(SWMMU_AS_ALLOC)
 * @size: sizeof(struct swmmu_as_alloc)
 * @flags: must be 0
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
 * @__reserved2: zero on output
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
	__u32 __reserved2;
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

#endif /* _UAPI_LINUX_SWMMU_H */
