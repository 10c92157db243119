// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu - a software MMU/IOMMU model.
 *
 * Module entry: the module parameters, the DMA device every buffer and table is allocated from,
 * the /dev/swmmu misc device with its file operations, and the wiring of the address-space
 * layer's events to the layers above it (struct swmmu_as_hooks).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "swmmu_as.h"
#include "swmmu_dctx.h"
#include "swmmu_debugfs.h"
#include "swmmu_device.h"
#include "swmmu_iommu.h"
#include "swmmu_maps.h"
#include "swmmu_mmap.h"
#include "swmmu_named.h"

static struct platform_device *swmmu_pdev;

static int swmmu_open(struct inode *inode, struct file *filp)
{
	struct swmmu_file *file = swmmu_file_create();

	if (!file)
		return -ENOMEM;
	/*
	 * A private address_space per open file: unmap_mapping_range() on it zaps exactly the VMAs
	 * of this file, while the device inode's mapping is shared by every opener.
	 */
	file->mapping.host = inode;
	filp->f_mapping = &file->mapping;
	filp->private_data = file;
	file->filp = filp;
	return 0;
}

static int swmmu_release(struct inode *inode, struct file *filp)
{
	struct swmmu_file *file = filp->private_data;

	/* No ioctl runs and no VMA exists any more: each of them holds a file reference. */
	swmmu_file_free(file);
	return 0;
}

/* close() of a descriptor: cancels the io_uring commands the closing process has queued. */
static int swmmu_flush(struct file *filp, fl_owner_t id)
{
	return swmmu_dev_flush(filp->private_data, id);
}

static long swmmu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	return swmmu_dispatch(filp->private_data, cmd, (void __user *)arg);
}

static const struct file_operations swmmu_fops = {
	.owner = THIS_MODULE,
	.open = swmmu_open,
	.release = swmmu_release,
	.flush = swmmu_flush,
	.unlocked_ioctl = swmmu_ioctl,
	.uring_cmd = swmmu_uring_cmd,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = swmmu_mmap,
	/* Places a mapping so that its 2 MiB blocks line up with the device VAs they show. */
	.get_unmapped_area = thp_get_unmapped_area,
	.llseek = noop_llseek,
};

static struct miscdevice swmmu_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "swmmu",
	.fops = &swmmu_fops,
	/* Root only by default; the udev rule of `make install` grants the swmmu group 0660. */
	.mode = 0600,
};

/*
 * What the layers above the address spaces do when one is created or freed: a driver-managed
 * context's TLB and checker (swmmu_dctx.c), the debugfs directory.
 */
static int swmmu_as_publish(struct swmmu_as_obj *as, bool driver_tables, u32 format_id)
{
	int ret;

	if (driver_tables) {
		ret = swmmu_dctx_create(as, format_id);
		if (ret)
			return ret;
	}
	swmmu_debugfs_as_add(as);
	return 0;
}

/*
 * The CPU views of a changed range: in the windows of the attached files for a named space. The
 * address-space layer calls this only while a VMA of @as exists.
 */
static void swmmu_as_unmapped(struct swmmu_as_obj *as, u64 iova, u64 last)
{
	if (as->named)
		swmmu_named_zap(as, iova, last);
	else
		swmmu_as_zap(as, iova, last);
}

static void swmmu_as_unpublish(struct swmmu_as_obj *as)
{
	swmmu_debugfs_as_remove(as);
	swmmu_dctx_destroy(as);
}

/*
 * The address-space layer's events, wired to the layers above it: the DMA engine's state and
 * IOTLB invalidation (swmmu_iotlb.c), the CPU views (swmmu_mmap.c), and the buffers of the files
 * attached to a named address space (swmmu_named.c).
 */
static const struct swmmu_as_hooks swmmu_as_hooks = {
	.init = swmmu_as_dev_init,
	.publish = swmmu_as_publish,
	.unpublish = swmmu_as_unpublish,
	.invalidate = swmmu_as_dev_invalidate,
	.unmapped = swmmu_as_unmapped,
	.bus_lookup = swmmu_named_bus_lookup,
	.named_fault = swmmu_named_fault,
};

static int __init swmmu_init(void)
{
	int ret;

	/*
	 * A device of our own for the DMA API: buffers and page tables are memory a real device
	 * behind this (emulated) IOMMU-less bus could reach, with a 64-bit mask.
	 */
	swmmu_pdev = platform_device_register_simple("swmmu", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(swmmu_pdev))
		return PTR_ERR(swmmu_pdev);
	swmmu_dma_dev = &swmmu_pdev->dev;
	if (!swmmu_max_total_buf_bytes)
		swmmu_max_total_buf_bytes = (totalram_pages() << PAGE_SHIFT) / 2;
	ret = dma_set_mask_and_coherent(swmmu_dma_dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_pdev;
	swmmu_as_set_hooks(&swmmu_as_hooks);
	ret = swmmu_tbl_init();
	if (ret)
		goto err_pdev;
	ret = swmmu_maps_init();
	if (ret)
		goto err_tbl;
	swmmu_debugfs_init();
	ret = swmmu_iommu_init();
	if (ret)
		goto err_debugfs;
	ret = misc_register(&swmmu_misc);
	if (ret)
		goto err_iommu;
	ret = swmmu_genl_init();
	if (ret)
		goto err_misc;
	ret = swmmu_client_init();
	if (ret)
		goto err_genl;
	pr_info("loaded, /dev/%s ready\n", swmmu_misc.name);
	return 0;

err_genl:
	swmmu_genl_exit();
err_misc:
	misc_deregister(&swmmu_misc);
err_iommu:
	swmmu_iommu_exit();
err_debugfs:
	swmmu_debugfs_exit();
	swmmu_maps_exit();
err_tbl:
	swmmu_tbl_exit();
err_pdev:
	platform_device_unregister(swmmu_pdev);
	return ret;
}

static void __exit swmmu_exit(void)
{
	/* No netlink request runs after this; no file is open (the module is not in use). */
	swmmu_client_exit();
	swmmu_genl_exit();
	misc_deregister(&swmmu_misc);
	swmmu_iommu_exit();
	swmmu_named_exit();
	swmmu_debugfs_exit();
	swmmu_maps_exit();
	/* After the last address space: its table frees are done, or waited for here. */
	swmmu_tbl_exit();
	platform_device_unregister(swmmu_pdev);
	pr_info("unloaded\n");
}

module_init(swmmu_init);
module_exit(swmmu_exit);

MODULE_DESCRIPTION("Software MMU/IOMMU model");
MODULE_LICENSE("GPL");
