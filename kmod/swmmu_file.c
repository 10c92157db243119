// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device files: what open() of /dev/swmmu makes and close() frees, and what an in-kernel client
 * (swmmu_client.c) or a named address space's home (swmmu_named.c) is made of. Kept apart from
 * the module's entry (swmmu_main.c) so that those users do not depend on it.
 */
#include <linux/fs.h>
#include <linux/slab.h>

#include "swmmu_device.h"

/**
 * swmmu_file_create() - a new device file: objects, bus, the emulated device
 *
 * What open() of /dev/swmmu makes, and what an in-kernel client gets (swmmu_client.c).
 *
 * Context: process context, may sleep.
 * Return: the file, or NULL on allocation failure.
 */
struct swmmu_file *swmmu_file_create(void)
{
	struct swmmu_file *file = kzalloc(sizeof(*file), GFP_KERNEL_ACCOUNT);

	if (!file)
		return NULL;
	swmmu_file_init(file);
	if (swmmu_dev_open(file)) {
		kfree(file);
		return NULL;
	}
	atomic_long_inc(&swmmu_cnt.files);
	return file;
}

/**
 * swmmu_file_free() - free a device file and every object it still owns
 * @file: the file; nothing else uses it (no ioctl, VMA, exported buffer or client call)
 *
 * Context: process context, may sleep.
 */
void swmmu_file_free(struct swmmu_file *file)
{
	swmmu_file_destroy_all(file);
	swmmu_dev_release(file);
	mtree_destroy(&file->bus);
	xa_destroy(&file->objs);
	mutex_destroy(&file->lock);
	kfree(file);
	atomic_long_dec(&swmmu_cnt.files);
}
