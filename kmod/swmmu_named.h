/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Named address spaces: owned by the module, configured over generic netlink (swmmu_genl.c),
 * used by applications through SWMMU_ATTACH (swmmu_named.c).
 *
 * Each named address space has a home: a struct swmmu_file of its own, with no struct file
 * behind it. The address space object lives in the home's ID table, and the memory the control
 * plane maps into it (SWMMU_NL_CMD_MAP) is made of buffers in the home, so the ioctl-side code
 * (swmmu_as.c, swmmu_buf.c) serves both.
 *
 * Several files may be attached at once (up to SWMMU_NAMED_MAX_USERS), as processes share a GPU
 * VM or an IOMMU domain. Each attachment (struct swmmu_attach_obj) has its own mmap window in its
 * file. While attached, a file's buffers are reachable by the address space's device accesses,
 * an UNMAP or PROTECT by anyone zaps the CPU view in every attached file's window, and detaching
 * one file removes only the mappings of that file's buffers.
 *
 * Locking: swmmu_named_lock (a mutex) protects the registry, the runtime formats and each named
 * address space's attributes and attach state; it is taken before an address space's range lock.
 * The list of attachments changes only with both swmmu_named_lock and the whole VA range held,
 * so a holder of either (or of any range, as UNMAP's zap does) sees it stable; device accesses
 * walk it under RCU, and an attachment is freed only after a grace period.
 */
#ifndef SWMMU_NAMED_H
#define SWMMU_NAMED_H

#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include "swmmu_as.h"
#include <linux/swmmu_netlink.h>

#define SWMMU_NAMED_MAX		256	/* named address spaces */
#define SWMMU_RTFMT_MAX		64	/* runtime formats */
/*
 * Files attached to one named address space. Bounded because a device access that misses the
 * home's buffers looks its output address up in each attached file's bus in turn.
 */
#define SWMMU_NAMED_MAX_USERS	64

/**
 * struct swmmu_rtfmt - a runtime format defined with SWMMU_NL_CMD_FORMAT_NEW
 * @id: index in swmmu_rtfmts
 * @users: named address spaces using it
 * @fmt: the validated descriptor
 */
struct swmmu_rtfmt {
	u32 id;
	unsigned int users;
	struct swmmu_format fmt;
};

/**
 * struct swmmu_named - a named address space
 * @id: index in swmmu_nameds (dump order)
 * @name: its name
 * @home: the home file (ID table and buffers of the control plane's memory)
 * @as: the address space (held by @home's ID table)
 * @rtfmt: the runtime format it uses, or NULL for a built-in one
 * @uid: owner
 * @gid: group
 * @mode: permission bits
 * @fault_mode: enum swmmu_nl_fault_mode
 * @fault_quota: bytes the control plane may map to serve faults
 * @dma_bytes: bytes of module memory mapped by the control plane
 * @users: the attachments (struct swmmu_attach_obj.node), oldest first
 * @nr_users: entries of @users
 * @fault_lock: protects @recent and @nr_faults
 * @nr_faults: device faults so far
 * @recent: the last SWMMU_NL_RECENT_FAULTS faults, a ring indexed by @nr_faults
 */
struct swmmu_named {
	u32 id;
	char name[SWMMU_NL_NAME_LEN];
	struct swmmu_file *home;
	struct swmmu_as_obj *as;
	struct swmmu_rtfmt *rtfmt;
	kuid_t uid;
	kgid_t gid;
	u16 mode;
	u8 fault_mode;
	u64 fault_quota;
	u64 dma_bytes;
	struct list_head users;
	unsigned int nr_users;
	spinlock_t fault_lock;
	u64 nr_faults;
	struct swmmu_named_frec {
		u64 iova;
		u32 access;
		u32 reason;
		u64 id;
	} recent[SWMMU_NL_RECENT_FAULTS];
};

extern struct mutex swmmu_named_lock;
extern struct xarray swmmu_nameds;
extern struct xarray swmmu_rtfmts;

struct swmmu_named *swmmu_named_find(const char *name);
int swmmu_named_create(const char *name, const struct swmmu_format *f, struct swmmu_rtfmt *rt,
		       unsigned int va_bits, struct swmmu_named **out);
int swmmu_named_delete(struct swmmu_named *n);
int swmmu_named_map(struct swmmu_named *n, struct swmmu_as_map_args *args);
int swmmu_named_unmap(struct swmmu_named *n, u64 iova, u64 length, u64 *unmapped);
bool swmmu_name_valid(const char *name);
int swmmu_named_resolve(struct swmmu_named *n, u64 id, bool retry);

/* swmmu_genl.c: an event on the "events" group. */
struct swmmu_nl_event_args {
	u8 type;
	const char *as;
	const char *name;
	u64 iova;
	u64 length;
	u32 prot;
	u32 pid;
	bool fault;
	bool stalled;
	u32 access;
	u32 reason;
	u32 level;
	u64 fault_id;
};


/* Named address spaces and ATTACH (swmmu_named.c), the netlink family (swmmu_genl.c). */
int swmmu_cmd_attach(struct swmmu_file *file, void *cmd, struct swmmu_obj **obj);
struct swmmu_chunk *swmmu_named_bus_lookup(struct swmmu_as_obj *as, u64 dma);
int swmmu_named_fault(struct swmmu_as_obj *as, struct swmmu_file *file, u64 iova, u32 access,
		      u32 reason, u32 level, int err, bool (*stopped)(void *arg), void *arg);
void swmmu_named_zap(struct swmmu_as_obj *as, u64 iova, u64 last);

void swmmu_named_exit(void);
int swmmu_genl_init(void);
void swmmu_genl_exit(void);

#endif /* SWMMU_NAMED_H */
