// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu - a software MMU/IOMMU model.
 *
 * Module entry: registers the /dev/swmmu misc device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static int swmmu_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int swmmu_release(struct inode *inode, struct file *file)
{
	return 0;
}

static long swmmu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations swmmu_fops = {
	.owner = THIS_MODULE,
	.open = swmmu_open,
	.release = swmmu_release,
	.unlocked_ioctl = swmmu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice swmmu_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "swmmu",
	.fops = &swmmu_fops,
	.mode = 0666,
};

static int __init swmmu_init(void)
{
	int ret;

	ret = misc_register(&swmmu_misc);
	if (ret)
		return ret;
	pr_info("loaded, /dev/%s ready\n", swmmu_misc.name);
	return 0;
}

static void __exit swmmu_exit(void)
{
	misc_deregister(&swmmu_misc);
	pr_info("unloaded\n");
}

module_init(swmmu_init);
module_exit(swmmu_exit);

MODULE_DESCRIPTION("Software MMU/IOMMU model");
MODULE_LICENSE("GPL");
