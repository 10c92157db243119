// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap() of a device address space: a CPU view of what the device sees.
 *
 * The VMA is VM_PFNMAP: it has no page cache and holds no page references, and GUP refuses it, so
 * no CPU mapping of a buffer page can outlive the device mapping it came from. A fault walks the
 * device tables with the core, resolves the output address on the file's bus and inserts that
 * page - or the whole 2 MiB block as one PMD when the device leaf is at least 2 MiB and the CPU
 * address is 2 MiB aligned. UNMAP and PROTECT zap the CPU mappings of their range while they hold
 * the range, and a fault holds the same range from its walk to its insert, so no fault can install
 * a translation that an UNMAP has already removed.
 *
 * PMDs are inserted so that lockless GUP refuses them on every kernel (swmmu_vmf_insert_pfn_pmd()
 * in swmmu_compat.h says how), and the slow path refuses VM_PFNMAP.
 */
#include "swmmu_as.h"
#include "swmmu_mmap.h"
#include "swmmu_named.h"

/**
 * swmmu_vma_va() - the device VA shown at a CPU address of a VMA
 * @as: the address space the VMA shows
 * @vma: the VMA
 * @addr: a CPU address in @vma
 *
 * The offset within the window is the VA: a window starts at a multiple of its size, and a VMA
 * never leaves its window (swmmu_mmap()). Taken from the offset rather than from the address
 * space, because a named address space is seen through a different window in each attached file.
 *
 * Context: any.
 * Return: the device VA, sign-extended for formats that want it.
 */
static u64 swmmu_vma_va(const struct swmmu_as_obj *as, const struct vm_area_struct *vma,
			unsigned long addr)
{
	const struct swmmu_format *f = as->fmt;
	u64 idx = (((u64)vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start)) &
		  (BIT_ULL(SWMMU_MMAP_WINDOW_SHIFT) - 1);

	if ((f->flags & SWMMU_FMT_SIGN_EXTEND) && f->va_bits < 64 &&
	    ((idx >> (f->va_bits - 1)) & 1))
		idx |= ~((1ULL << f->va_bits) - 1);
	return idx;
}

static pgprot_t swmmu_vma_prot(const struct vm_area_struct *vma, const struct swmmu_xlate *xl)
{
	unsigned long flags = vma->vm_flags;

	/* Only a device mapping that allows writes gets a writable CPU entry. */
	if (!(xl->eff_prot & SWMMU_PROT_W))
		flags &= ~VM_WRITE;
	return vm_get_page_prot(flags);
}

static unsigned long swmmu_pfn(const struct swmmu_chunk *c, u64 pa)
{
	return page_to_pfn(c->page) + (unsigned long)((pa - c->dma) >> PAGE_SHIFT);
}

static vm_fault_t swmmu_fault_pmd(struct vm_fault *vmf, struct swmmu_as_obj *as, u32 access)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long haddr = vmf->address & PMD_MASK, pfn;
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	struct swmmu_range r;
	vm_fault_t ret = VM_FAULT_FALLBACK;
	u64 va;

	if (haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	/* A PTE table is there already (part of the block was mapped with PTEs). */
	if (!pmd_none(READ_ONCE(*vmf->pmd)))
		return VM_FAULT_FALLBACK;
	va = swmmu_vma_va(as, vma, haddr);
	if (va & (PMD_SIZE - 1))
		return VM_FAULT_FALLBACK;

	swmmu_range_lock(&as->range, &r, va, va + PMD_SIZE - 1);
	if (swmmu_as_lookup(as, va, access, false, &xl, &c) || xl.size_lg2 < PMD_SHIFT)
		goto out;
	/* The leaf is aligned to its size, so the block's output is aligned; check it all the same. */
	if ((xl.pa & (PMD_SIZE - 1)) || xl.pa + PMD_SIZE - 1 > c->dma + c->size - 1)
		goto out;
	pfn = swmmu_pfn(c, xl.pa);
	if (pfn & (PTRS_PER_PMD - 1))
		goto out;
	ret = swmmu_vmf_insert_pfn_pmd(vmf, pfn, swmmu_vma_prot(vma, &xl),
				       access & SWMMU_PROT_W);
	if (ret == VM_FAULT_NOPAGE)
		atomic64_inc(&as->cpu_pmd_faults);
out:
	swmmu_range_unlock(&as->range, &r);
	return ret;
}

static vm_fault_t swmmu_errno_to_fault(int err)
{
	/* Not mapped: like a file hole past EOF. Not permitted: like a protection fault. */
	return err == -EACCES ? VM_FAULT_SIGSEGV : VM_FAULT_SIGBUS;
}

static vm_fault_t swmmu_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct swmmu_as_obj *as = vma->vm_private_data;
	u32 access = vmf->flags & FAULT_FLAG_WRITE ? SWMMU_PROT_W : SWMMU_PROT_R;
	unsigned long addr = vmf->address & PAGE_MASK;
	u64 va = swmmu_vma_va(as, vma, addr);
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	struct swmmu_range r;
	vm_fault_t ret;
	int err;

	atomic64_inc(&as->cpu_faults);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && has_transparent_hugepage()) {
		ret = swmmu_fault_pmd(vmf, as, access);
		if (ret != VM_FAULT_FALLBACK)
			return ret;
	}

	swmmu_range_lock(&as->range, &r, va, va + PAGE_SIZE - 1);
	err = swmmu_as_lookup(as, va, access, false, &xl, &c);
	if (err)
		ret = swmmu_errno_to_fault(err);
	else
		ret = vmf_insert_pfn_prot(vma, addr, swmmu_pfn(c, xl.pa), swmmu_vma_prot(vma, &xl));
	swmmu_range_unlock(&as->range, &r);
	return ret;
}

/* A write to a CPU entry inserted read-only: allowed only if the device mapping allows it now. */
static vm_fault_t swmmu_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct swmmu_as_obj *as = vma->vm_private_data;
	u64 va = swmmu_vma_va(as, vma, vmf->address & PAGE_MASK);
	struct swmmu_xlate xl;
	struct swmmu_chunk *c;
	struct swmmu_range r;
	int err;

	swmmu_range_lock(&as->range, &r, va, va + PAGE_SIZE - 1);
	err = swmmu_as_lookup(as, va, SWMMU_PROT_W, false, &xl, &c);
	swmmu_range_unlock(&as->range, &r);
	return err ? swmmu_errno_to_fault(err) : 0;
}

static void swmmu_vm_open(struct vm_area_struct *vma)
{
	struct swmmu_as_obj *as = vma->vm_private_data;

	/* A VMA split or copied: the new VMA holds its own reference. */
	refcount_inc(&as->obj.users);
	atomic_inc(&as->nr_vmas);
	atomic_long_inc(&swmmu_cnt.vmas);
}

static void swmmu_vm_close(struct vm_area_struct *vma)
{
	struct swmmu_as_obj *as = vma->vm_private_data;

	atomic_long_dec(&swmmu_cnt.vmas);
	atomic_dec(&as->nr_vmas);
	swmmu_obj_put(&as->obj);
}

static const struct vm_operations_struct swmmu_vm_ops = {
	.open = swmmu_vm_open,
	.close = swmmu_vm_close,
	.fault = swmmu_vm_fault,
	.pfn_mkwrite = swmmu_vm_pfn_mkwrite,
};

/**
 * swmmu_mmap() - mmap() of an address space window
 * @filp: the file
 * @vma: the new VMA; vm_pgoff selects the window and the device VA
 *
 * Context: mmap_lock held for writing.
 * Return: 0, or -EINVAL (not MAP_SHARED, no address space at that window, outside its VA space).
 */
int swmmu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct swmmu_file *file = filp->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start, idx, idx_last;
	unsigned long window = (unsigned long)(off >> SWMMU_MMAP_WINDOW_SHIFT);
	struct swmmu_as_obj *as = NULL;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (window >= BITS_PER_LONG)
		return -EINVAL;
	mutex_lock(&file->lock);
	if (file->windows[window] && refcount_inc_not_zero(&file->windows[window]->obj.users))
		as = file->windows[window];
	mutex_unlock(&file->lock);
	if (!as)
		return -EINVAL;
	idx = off - ((u64)window << SWMMU_MMAP_WINDOW_SHIFT);
	if (check_add_overflow(idx, len - 1, &idx_last) || idx_last > as->window_mask) {
		swmmu_obj_put(&as->obj);
		return -EINVAL;
	}
	swmmu_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &swmmu_vm_ops;
	vma->vm_private_data = as;
	atomic_inc(&as->nr_vmas);
	atomic_long_inc(&swmmu_cnt.vmas);
	return 0;
}

/**
 * swmmu_zap_window() - remove the CPU mappings of a device VA range from one file's window
 * @as: the address space
 * @file: a file that shows @as through a window
 * @mmap_offset: the mmap() offset of device VA 0 in @file
 * @iova: first device VA
 * @last: last device VA (inclusive)
 *
 * Context: process context; the caller holds [iova, last] of @as->range.
 */
void swmmu_zap_window(struct swmmu_as_obj *as, struct swmmu_file *file, u64 mmap_offset,
		      u64 iova, u64 last)
{
	u64 mask = as->window_mask, first;

	if (as->fmt->va_bits > SWMMU_MMAP_WINDOW_SHIFT) {
		/* Only the bottom of a larger VA space is reachable through the window. */
		if (iova > mask)
			return;
		last = min(last, mask);
	}
	first = iova & mask;
	last &= mask;
	unmap_mapping_range(&file->mapping, mmap_offset + first, last - first + 1, 1);
}

/**
 * swmmu_as_zap() - remove the CPU mappings of a device VA range
 * @as: the address space
 * @iova: first device VA
 * @last: last device VA (inclusive)
 *
 * Without a VMA of @as there is nothing to zap: a VMA's CPU entries are gone before its close()
 * drops the count, and a new one gets entries only from faults, which take the range the caller
 * holds (and were ordered before the caller took it). A named address space has no window of
 * its own: its views are in the windows of the attached files (swmmu_named_zap()).
 *
 * Context: process context; the caller holds [iova, last] of @as->range.
 */
void swmmu_as_zap(struct swmmu_as_obj *as, u64 iova, u64 last)
{
	if (!atomic_read(&as->nr_vmas))
		return;
	if (as->window >= 0)
		swmmu_zap_window(as, as->file, as->mmap_offset, iova, last);
}
