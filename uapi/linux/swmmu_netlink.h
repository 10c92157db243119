/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * swmmu - the generic netlink family "swmmu": the control plane of named address spaces.
 *
 * Documented as a netlink spec in docs/netlink/swmmu.yaml.
 *
 * A named address space belongs to the module, not to an open file of /dev/swmmu: the control
 * plane (usually swmmud) creates it, maps fixed regions into it with memory the module allocates
 * for it (zeroed DMA pages), sets its owner (uid, gid, mode) and its fault mode. An application
 * then opens /dev/swmmu and ATTACHes to it by name (struct swmmu_attach in linux/swmmu.h).
 *
 * Conventions:
 * - Every request is validated strictly against a per-command policy: unknown attributes, wrong
 *   lengths, out-of-range values and a non-zero genlmsghdr.reserved are rejected (EINVAL or
 *   ERANGE) with an extended ACK message naming the problem. A missing mandatory attribute is
 *   EINVAL with the missing type in the extended ACK (NLMSGERR_ATTR_MISS_TYPE) and a message.
 * - Every command that changes state needs CAP_NET_ADMIN (EPERM). QUERY and REGION_GET show DMA
 *   addresses and need it too; GET_INFO, FORMAT_GET and AS_GET do not.
 * - Changes are announced on the multicast group "events" (SWMMU_NL_CMD_EVENT) with a sequence
 *   number (SWMMU_A_EVENT_SEQ) that grows by one per event. A listener that misses events (a gap
 *   in the sequence, or ENOBUFS on its socket) resynchronises with AS_GET and FORMAT_GET dumps;
 *   GET_INFO tells the sequence number of the last event sent.
 *
 * Errno values:
 *   EPERM       the sender lacks CAP_NET_ADMIN
 *   EINVAL      a malformed request (see the extended ACK)
 *   ERANGE      a value outside its range, or a VA range outside the address space's format
 *   ENOENT      no address space / format of that name; nothing mapped there
 *   EEXIST      the name is taken; the range overlaps a mapping
 *   EBUSY       the address space is attached or in use; the format is used by an address space
 *   ENOSPC      the limit of named address spaces or runtime formats, or a memory limit
 *   EOPNOTSUPP  a request the format cannot express (page size, permissions)
 */
#ifndef _UAPI_LINUX_SWMMU_NETLINK_H
#define _UAPI_LINUX_SWMMU_NETLINK_H

#define SWMMU_GENL_NAME			"swmmu"
#define SWMMU_GENL_VERSION		1
#define SWMMU_GENL_MCGRP_EVENTS		"events"

/* Longest name of an address space or a format, including the NUL. */
#define SWMMU_NL_NAME_LEN		32
/* Longest runtime format description, including the NUL. */
#define SWMMU_NL_FORMAT_TEXT_LEN	8192

enum swmmu_nl_cmd {
	SWMMU_NL_CMD_UNSPEC,
	SWMMU_NL_CMD_GET_INFO,		/* do: version, limits, last event sequence number */
	SWMMU_NL_CMD_FORMAT_GET,	/* do (NAME) or dump: the formats */
	SWMMU_NL_CMD_FORMAT_NEW,	/* admin: define a runtime format (NAME, FORMAT_TEXT) */
	SWMMU_NL_CMD_FORMAT_DEL,	/* admin: remove an unused runtime format (NAME) */
	SWMMU_NL_CMD_AS_NEW,		/* admin: create a named address space */
	SWMMU_NL_CMD_AS_DEL,		/* admin: delete a named address space (not attached) */
	SWMMU_NL_CMD_AS_SET,		/* admin: owner, mode, fault mode, fault quota */
	SWMMU_NL_CMD_AS_GET,		/* do (AS) or dump: the named address spaces */
	SWMMU_NL_CMD_MAP,		/* admin: map zeroed module memory at a VA range */
	SWMMU_NL_CMD_UNMAP,		/* admin: unmap whole mappings in a VA range */
	SWMMU_NL_CMD_PROTECT,		/* admin: change the permissions of a VA range */
	SWMMU_NL_CMD_QUERY,		/* admin: translate one VA */
	SWMMU_NL_CMD_REGION_GET,	/* admin, dump: the mapped regions, in VA order */
	SWMMU_NL_CMD_STATS_GET,		/* do: counters and table occupancy per level */
	SWMMU_NL_CMD_EVENT,		/* notification on the "events" group */
	SWMMU_NL_CMD_FAULT_RESOLVE,	/* admin: answer a stalled fault (AS, FAULT_ID, FAULT_RESP) */
	SWMMU_NL_CMD_CTX_GET,		/* admin, do (CTX) or dump: driver-managed contexts */

	__SWMMU_NL_CMD_MAX,
	SWMMU_NL_CMD_MAX = __SWMMU_NL_CMD_MAX - 1
};

/* SWMMU_A_FAULT_MODE: what the control plane does with a fault in the address space. */
enum swmmu_nl_fault_mode {
	SWMMU_FAULT_MODE_FAIL,	/* the access fails (terminate); the fault is reported */
	SWMMU_FAULT_MODE_LOG,	/* the access fails; the daemon logs the fault */
	SWMMU_FAULT_MODE_SERVE,	/* the access waits (FAULT_STALLED) until FAULT_RESOLVE or a
				 * timeout; the daemon maps zeroed memory up to a quota
				 */

	__SWMMU_FAULT_MODE_MAX,
	SWMMU_FAULT_MODE_MAX = __SWMMU_FAULT_MODE_MAX - 1
};

/* SWMMU_A_FAULT_RESP */
enum swmmu_nl_fault_resp {
	SWMMU_NL_FAULT_RETRY = 1,	/* resolved (e.g. mapped): translate again */
	SWMMU_NL_FAULT_FAIL = 2,	/* fail the access */
};

/* SWMMU_A_EVENT_TYPE */
enum swmmu_nl_event {
	SWMMU_EVENT_UNSPEC,
	SWMMU_EVENT_AS_NEW,	/* AS, FORMAT */
	SWMMU_EVENT_AS_DEL,	/* AS */
	SWMMU_EVENT_AS_SET,	/* AS (query it with AS_GET for the new values) */
	SWMMU_EVENT_ATTACH,	/* AS, PID */
	SWMMU_EVENT_DETACH,	/* AS, PID */
	SWMMU_EVENT_MAP,	/* AS, IOVA, LENGTH, PROT */
	SWMMU_EVENT_UNMAP,	/* AS, IOVA, LENGTH */
	SWMMU_EVENT_PROTECT,	/* AS, IOVA, LENGTH, PROT */
	SWMMU_EVENT_FORMAT_NEW,	/* NAME */
	SWMMU_EVENT_FORMAT_DEL,	/* NAME */
	SWMMU_EVENT_FAULT,	/* AS, IOVA, FAULT_ACCESS, FAULT_REASON, LEAF_LEVEL, FAULT_ID,
				 * FAULT_STALLED, ATTACHED_PID: a device access of an attached
				 * file failed to translate
				 */
	SWMMU_EVENT_CHECK,	/* CTX, ATTACHED_PID, IOVA, CHECK_CLASS, ASID, LEAF_LEVEL,
				 * CACHED_PTE, CURRENT_PTE, CACHED_PA, CURRENT_PA: the TLB checker
				 * of a driver-managed context found a violation
				 */

	__SWMMU_EVENT_MAX,
	SWMMU_EVENT_MAX = __SWMMU_EVENT_MAX - 1
};

/* SWMMU_A_MAP_FLAGS */
#define SWMMU_NL_MAP_FIXED	0x1	/* map at SWMMU_A_IOVA; otherwise the kernel picks a VA */

enum swmmu_nl_attr {
	SWMMU_A_UNSPEC,
	SWMMU_A_PAD,
	SWMMU_A_VERSION,		/* u32: SWMMU_GENL_VERSION */
	SWMMU_A_EVENT_SEQ,		/* u64: sequence number of an event / of the last event */
	SWMMU_A_EVENT_TYPE,		/* u8: enum swmmu_nl_event */
	SWMMU_A_MAX_AS,			/* u32: limit of named address spaces */
	SWMMU_A_NR_AS,			/* u32: named address spaces now */
	SWMMU_A_NAME,			/* string: a format name (FORMAT_*) */
	SWMMU_A_AS,			/* string: an address space name */
	SWMMU_A_FORMAT,			/* string: the format of an address space */
	SWMMU_A_FORMAT_TEXT,		/* string: a runtime format description */
	SWMMU_A_FORMAT_RUNTIME,		/* flag: the format was defined at run time */
	SWMMU_A_VA_BITS,		/* u8: VA bits (0 or absent: the format's) */
	SWMMU_A_OA_BITS,		/* u8 */
	SWMMU_A_NR_LEVELS,		/* u8 */
	SWMMU_A_PGSIZES,		/* u64: bitmap of leaf sizes */
	SWMMU_A_LEVEL,			/* nest (SWMMU_A_LEVEL_*), one per level, leaf level first */
	SWMMU_A_OWNER_UID,		/* u32: uid allowed to attach with the owner bits */
	SWMMU_A_OWNER_GID,		/* u32: gid allowed to attach with the group bits */
	SWMMU_A_MODE,			/* u16: permission bits (0..0777); attaching needs rw */
	SWMMU_A_FAULT_MODE,		/* u8: enum swmmu_nl_fault_mode */
	SWMMU_A_FAULT_QUOTA,		/* u64: bytes the daemon may map to serve faults */
	/* u32: a process that attached; in events the one attaching, detaching or faulting */
	SWMMU_A_ATTACHED_PID,
	SWMMU_A_IOVA,			/* u64: device VA */
	SWMMU_A_LENGTH,			/* u64: bytes */
	SWMMU_A_PROT,			/* u32: SWMMU_PROT_* */
	SWMMU_A_PGSIZE_LG2,		/* u8: lg2 of the one leaf size to use */
	SWMMU_A_MAP_FLAGS,		/* u32: SWMMU_NL_MAP_* */
	SWMMU_A_DMA_ADDR,		/* u64 */
	SWMMU_A_ENTRY_IOVA,		/* u64: first VA of the leaf entry */
	SWMMU_A_PAGE_SIZE,		/* u64: bytes of the leaf entry */
	SWMMU_A_UNMAPPED,		/* u64: bytes unmapped */
	SWMMU_A_REGION,			/* nest (IOVA, DMA_ADDR, LENGTH, PROT, PGSIZE_LG2) */
	SWMMU_A_STATS,			/* nest (SWMMU_A_STATS_*) */
	SWMMU_A_FAULT_ACCESS,		/* u32: SWMMU_PROT_READ/WRITE/EXEC of a faulting access */
	SWMMU_A_FAULT_REASON,		/* u32: reason code of the device (see linux/swmmu.h) */
	SWMMU_A_FAULT_ID,		/* u64: the device's fault sequence number */
	SWMMU_A_LEAF_LEVEL,		/* u8: level of a leaf (0 = leaf level) */
	SWMMU_A_FAULT_RESP,		/* u8: enum swmmu_nl_fault_resp */
	SWMMU_A_FAULT_STALLED,		/* flag: the access waits for FAULT_RESOLVE */
	SWMMU_A_NR_ATTACHED,		/* u32: files attached now (AS_GET) */
	/*
	 * nest (AS_GET): one ATTACHED_PID per attached file, oldest first; a process attached
	 * through two files appears twice. Empty when none is attached.
	 */
	SWMMU_A_ATTACHED,
	SWMMU_A_CTX,			/* u32: module-wide ID of a driver-managed context */
	SWMMU_A_ASID,			/* u32 */
	SWMMU_A_ROOT,			/* u64: DMA address of a context's root table */
	SWMMU_A_CTX_FLAGS,		/* u32: SWMMU_CTX_* of linux/swmmu.h */
	SWMMU_A_CHECK_MODE,		/* u32: SWMMU_CHECK_OFF/REPORT/STRICT of linux/swmmu.h */
	SWMMU_A_CHECK_CLASS,		/* u32: SWMMU_CHECK_STALE/BBM/TABLE_REUSE */
	SWMMU_A_CACHED_PTE,		/* u64: the item the device cached */
	SWMMU_A_CURRENT_PTE,		/* u64: the item in the tables now */
	SWMMU_A_CACHED_PA,		/* u64: the output address the cached translation gives */
	SWMMU_A_CURRENT_PA,		/* u64: the one the tables give now, ~0 if none */
	SWMMU_A_CTX_STATS,		/* nest (SWMMU_A_CTX_STATS_*) */

	__SWMMU_A_MAX,
	SWMMU_A_MAX = __SWMMU_A_MAX - 1
};

/* Inside SWMMU_A_STATS. */
enum swmmu_nl_stats_attr {
	SWMMU_A_STATS_UNSPEC,
	SWMMU_A_STATS_PAD,
	SWMMU_A_STATS_TABLES,		/* u64: page-table pages */
	SWMMU_A_STATS_TABLE_BYTES,	/* u64 */
	SWMMU_A_STATS_MAPPINGS,		/* u64: MAP calls not yet unmapped */
	SWMMU_A_STATS_MAPPED_BYTES,	/* u64 */
	SWMMU_A_STATS_INVALIDATIONS,	/* u64 */
	SWMMU_A_STATS_CPU_FAULTS,	/* u64: CPU faults through mmap() */
	SWMMU_A_STATS_DMA_BYTES,	/* u64: bytes of module memory mapped by the control plane */
	SWMMU_A_STATS_LEVEL,		/* nest (SWMMU_A_LEVEL_*), one per level, leaf level first */
	/* nest (SWMMU_A_FREC_*): a recent fault, oldest first, at most SWMMU_NL_RECENT_FAULTS */
	SWMMU_A_STATS_FAULT,
	SWMMU_A_STATS_FAULTS,		/* u64: device faults of the address space */

	__SWMMU_A_STATS_MAX,
	SWMMU_A_STATS_MAX = __SWMMU_A_STATS_MAX - 1
};

/* Inside SWMMU_A_CTX_STATS (CTX_GET): the fields of struct swmmu_ctx_info, all u64. */
enum swmmu_nl_ctx_stats_attr {
	SWMMU_A_CTX_STATS_UNSPEC,
	SWMMU_A_CTX_STATS_PAD,
	SWMMU_A_CTX_STATS_TLB_ENTRIES,
	SWMMU_A_CTX_STATS_TLB_USED,
	SWMMU_A_CTX_STATS_WALK_ENTRIES,
	SWMMU_A_CTX_STATS_WALK_USED,
	SWMMU_A_CTX_STATS_HITS,
	SWMMU_A_CTX_STATS_MISSES,
	SWMMU_A_CTX_STATS_WALKS,
	SWMMU_A_CTX_STATS_FAULTS,
	SWMMU_A_CTX_STATS_AD_UPDATES,
	SWMMU_A_CTX_STATS_INVALIDATIONS,
	SWMMU_A_CTX_STATS_INVAL_DROPPED,
	SWMMU_A_CTX_STATS_CHECKS,
	SWMMU_A_CTX_STATS_STALE,
	SWMMU_A_CTX_STATS_BBM,
	SWMMU_A_CTX_STATS_TABLE_REUSE,

	__SWMMU_A_CTX_STATS_MAX,
	SWMMU_A_CTX_STATS_MAX = __SWMMU_A_CTX_STATS_MAX - 1
};

/* Inside SWMMU_A_LEVEL (FORMAT_GET) and SWMMU_A_STATS_LEVEL (STATS_GET). */
enum swmmu_nl_level_attr {
	SWMMU_A_LEVEL_UNSPEC,
	SWMMU_A_LEVEL_PAD,
	SWMMU_A_LEVEL_INDEX,		/* u8: 0 = leaf level */
	SWMMU_A_LEVEL_SHIFT,		/* u8: lg2 of the VA span of one item */
	SWMMU_A_LEVEL_INDEX_BITS,	/* u8: lg2 of the items per table */
	SWMMU_A_LEVEL_LEAF,		/* flag: may hold leaves */
	SWMMU_A_LEVEL_TABLE,		/* flag: may point at tables */
	SWMMU_A_LEVEL_TABLES,		/* u64: tables of this level (STATS_GET) */
	SWMMU_A_LEVEL_LEAVES,		/* u64: leaf items in them (STATS_GET) */
	SWMMU_A_LEVEL_POINTERS,		/* u64: table-pointer items in them (STATS_GET) */
	SWMMU_A_LEVEL_ITEMS,		/* u64: item slots in them (STATS_GET) */

	__SWMMU_A_LEVEL_MAX,
	SWMMU_A_LEVEL_MAX = __SWMMU_A_LEVEL_MAX - 1
};

/* Recent faults a named address space remembers for STATS_GET. */
#define SWMMU_NL_RECENT_FAULTS	16

/* Inside SWMMU_A_STATS_FAULT. */
enum swmmu_nl_frec_attr {
	SWMMU_A_FREC_UNSPEC,
	SWMMU_A_FREC_PAD,
	SWMMU_A_FREC_IOVA,		/* u64 */
	SWMMU_A_FREC_ACCESS,		/* u32: SWMMU_PROT_READ/WRITE/EXEC */
	SWMMU_A_FREC_REASON,		/* u32: SWMMU_FAULT_* of linux/swmmu.h */
	SWMMU_A_FREC_ID,		/* u64: the fault ID of its event */

	__SWMMU_A_FREC_MAX,
	SWMMU_A_FREC_MAX = __SWMMU_A_FREC_MAX - 1
};

#endif /* _UAPI_LINUX_SWMMU_NETLINK_H */
