/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one home of every kernel API that differs between the trees swmmu builds against
 * (Debian's 6.1, 6.12 LTS and the newest 7.x; see README.md, "Kernels").
 *
 * kmod/conftest.sh probes the tree being built against and writes swmmu_compat_gen.h, a list of
 * SWMMU_HAVE_* macros; this header turns each into one wrapper, and the other files call only
 * the wrappers. There is no LINUX_VERSION_CODE test anywhere: distributions backport APIs (Debian's
 * 6.1 has 6.3's io_uring_cmd_done(), not 6.3's vm_flags_set()), so only a probe tells.
 *
 * To support a new kernel: build against it, add a probe to conftest.sh for each API that broke,
 * and a branch here. The file that uses the API does not change.
 */
#ifndef SWMMU_COMPAT_H
#define SWMMU_COMPAT_H

#include "swmmu_compat_gen.h"

#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <net/genetlink.h>

#ifdef SWMMU_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#ifdef SWMMU_HAVE_IO_URING_CMD_H
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif

#ifndef SWMMU_HAVE_VMF_INSERT_PFN_PMD_RAW
#include <linux/pfn_t.h>
#endif

/**
 * swmmu_uring_cmd_payload() - the command area of an io_uring command's SQE
 * @ucmd: the command, during its ->uring_cmd() issue
 *
 * Context: the ->uring_cmd() call that received @ucmd; the area is not stable afterwards.
 * Return: the 80 bytes of command area of a 128-byte SQE.
 */
static inline const void *swmmu_uring_cmd_payload(const struct io_uring_cmd *ucmd)
{
#ifdef SWMMU_HAVE_IO_URING_CMD_SQE
	return ucmd->sqe->cmd;
#else
	return ucmd->cmd;
#endif
}

/**
 * swmmu_uring_cmd_done() - complete an io_uring command with a result and a second result
 * @ucmd: the command
 * @ret: the CQE's result
 * @res2: the second result, seen in a 32-byte CQE (IORING_SETUP_CQE32)
 * @issue_flags: the issue flags io_uring passed to the caller
 *
 * Context: the ->uring_cmd() call or a task-work callback (SWMMU_URING_TASK_CB()).
 */
static inline void swmmu_uring_cmd_done(struct io_uring_cmd *ucmd, int ret, u64 res2,
					unsigned int issue_flags)
{
#ifdef SWMMU_HAVE_IO_URING_CMD_DONE32
	io_uring_cmd_done32(ucmd, ret, res2, issue_flags);
#else
	io_uring_cmd_done(ucmd, ret, res2, issue_flags);
#endif
}

/*
 * SWMMU_URING_TASK_CB(name, fn) defines @name, a task-work callback for
 * io_uring_cmd_complete_in_task() that calls void fn(struct io_uring_cmd *, unsigned int
 * issue_flags) in the submitter's task, whatever shape this kernel gives callbacks.
 */
#ifdef SWMMU_HAVE_IO_URING_TW_REQ
#define SWMMU_URING_TASK_CB(name, fn)						\
static void name(struct io_tw_req tw_req, io_tw_token_t tw)			\
{										\
	fn(io_uring_cmd_from_tw(tw_req), IO_URING_CMD_TASK_WORK_ISSUE_FLAGS);	\
}
#else
#define SWMMU_URING_TASK_CB(name, fn)						\
static void name(struct io_uring_cmd *ucmd, unsigned int issue_flags)		\
{										\
	fn(ucmd, issue_flags);							\
}
#endif

/**
 * swmmu_vm_flags_set() - set flags of a VMA being created
 * @vma: the VMA, in its ->mmap() call
 * @flags: VM_* flags to set
 *
 * Context: ->mmap(), mmap_lock held for writing.
 */
static inline void swmmu_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef SWMMU_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/**
 * swmmu_vmf_insert_pfn_pmd() - map a 2 MiB block of PFNs with one PMD on a fault
 * @vmf: the fault, PMD-aligned and inside its VMA
 * @pfn: the first PFN, PMD-aligned
 * @prot: the protection the block may have (vm_get_page_prot() of the VMA's flags, without
 *        VM_WRITE for a read-only device leaf)
 * @write_fault: the fault is a write
 *
 * Kernels without a protection argument map with the VMA's own protection, which for our VMAs is
 * read-only until a write (they have pfn_mkwrite, so the kernel write-notifies), and make the
 * entry writable and dirty on a write fault. That is @prot exactly, or narrower (a read fault on
 * a writable leaf; the first write splits the PMD and faults again). Anything else - a VMA whose
 * protection is neither - falls back to PTEs, which take a protection everywhere.
 *
 * Where pfn_t exists the entry is a "devmap" PMD: lockless GUP checks a huge entry only for that
 * bit there, finds no dev_pagemap for our pages and falls back to the slow path, which refuses
 * VM_PFNMAP. Without pfn_t the kernel marks the PMD special, which lockless GUP refuses too.
 *
 * Context: ->fault() with the PMD empty, mmap_lock (or the VMA lock) held for reading.
 * Return: VM_FAULT_NOPAGE when mapped, VM_FAULT_FALLBACK to map with PTEs instead, or an error.
 */
static inline vm_fault_t swmmu_vmf_insert_pfn_pmd(struct vm_fault *vmf, unsigned long pfn,
						  pgprot_t prot, bool write_fault)
{
#ifdef SWMMU_HAVE_VMF_INSERT_PFN_PMD_PROT
	return vmf_insert_pfn_pmd_prot(vmf, __pfn_to_pfn_t(pfn, PFN_DEV | PFN_MAP), prot, false);
#else
	struct vm_area_struct *vma = vmf->vma;
	pgprot_t ro = vm_get_page_prot(vma->vm_flags & ~VM_WRITE);
	pgprot_t rw = vm_get_page_prot(vma->vm_flags);
	bool write = false;

	if (pgprot_val(vma->vm_page_prot) != pgprot_val(prot)) {
		if (pgprot_val(vma->vm_page_prot) != pgprot_val(ro))
			return VM_FAULT_FALLBACK;
		write = write_fault && pgprot_val(prot) == pgprot_val(rw);
	}
#ifdef SWMMU_HAVE_VMF_INSERT_PFN_PMD_RAW
	return vmf_insert_pfn_pmd(vmf, pfn, write);
#else
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV | PFN_MAP), write);
#endif
#endif
}

/**
 * swmmu_genl_dump_attrs() - the parsed attributes of a netlink dump request
 * @di: genl_dumpit_info(cb) of the dump
 *
 * Context: a genetlink dumpit callback.
 * Return: the attribute table, indexed by SWMMU_A_*.
 */
static inline struct nlattr **swmmu_genl_dump_attrs(const struct genl_dumpit_info *di)
{
#ifdef SWMMU_HAVE_GENL_DUMPIT_INFO_INFO
	return di->info.attrs;
#else
	return di->attrs;
#endif
}

/**
 * swmmu_extack_msg() - set an extack message made at run time
 * @extack: the request's extack, or NULL
 * @msg: the message; copied, and cut to what the extack holds (NETLINK_MAX_FMTMSG_LEN - 1)
 * @fallback: a static message, for trees whose extack only keeps a pointer to one (before 6.2)
 *
 * Context: a genetlink doit callback.
 */
static inline void swmmu_extack_msg(struct netlink_ext_ack *extack, const char *msg,
				    const char *fallback)
{
#ifdef SWMMU_HAVE_NL_SET_ERR_MSG_FMT
	char buf[NETLINK_MAX_FMTMSG_LEN];

	strscpy(buf, msg, sizeof(buf));
	NL_SET_ERR_MSG_FMT(extack, "%s", buf);
#else
	if (extack)
		extack->_msg = fallback;
#endif
}

#endif /* SWMMU_COMPAT_H */
