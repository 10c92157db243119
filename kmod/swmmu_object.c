// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-file object table (see swmmu_object.h): reserve, finalize or abort, lookups, and the
 * one DESTROY of every object type; and swmmu_file_init(), the base state of a file that every
 * layer uses (its objects, its bus, its lock).
 *
 * A reserved ID holds XA_ZERO_ENTRY, which xa_load() and xa_for_each() skip: until it is
 * finalized an object cannot be looked up, destroyed or reached through what its type's
 * publish() makes reachable (its mmap window, a buffer's memory), so aborting it frees memory
 * nothing else has seen.
 */
#include <linux/fs.h>
#include <linux/xarray.h>

#include "swmmu_priv.h"

/**
 * swmmu_obj_reserve() - take an ID for an object that is not complete yet
 * @file: the file
 * @obj: the object; its operations, type, ID and the table's reference are set here
 * @ops: its type's operations
 *
 * Lookups do not find @obj until swmmu_obj_finalize(); swmmu_obj_abort() frees it instead.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM / -EBUSY (ID space exhausted) from the xarray.
 */
int swmmu_obj_reserve(struct swmmu_file *file, struct swmmu_obj *obj,
		      const struct swmmu_obj_ops *ops)
{
	obj->ops = ops;
	obj->type = ops->type;
	refcount_set(&obj->users, 1);
	return xa_alloc(&file->objs, &obj->id, XA_ZERO_ENTRY, xa_limit_31b, GFP_KERNEL_ACCOUNT);
}

/**
 * swmmu_obj_finalize() - make a reserved object visible
 * @file: the file
 * @obj: the object, complete, reserved by swmmu_obj_reserve()
 *
 * Its type's publish() and the ID become visible together under the file's lock (mmap() looks
 * windows up under it). Cannot fail: the ID's slot exists, so storing into it allocates nothing.
 *
 * Context: process context, takes @file->lock.
 */
void swmmu_obj_finalize(struct swmmu_file *file, struct swmmu_obj *obj)
{
	void *old;

	mutex_lock(&file->lock);
	if (obj->ops->publish)
		obj->ops->publish(file, obj);
	old = xa_store(&file->objs, obj->id, obj, GFP_KERNEL);
	mutex_unlock(&file->lock);
	/* The reserved entry reads back as NULL; anything else is a table bug. */
	WARN_ON_ONCE(old);
}

/**
 * swmmu_obj_abort() - free a reserved object that was never finalized, and its ID
 * @file: the file
 * @obj: the object, reserved by swmmu_obj_reserve()
 *
 * Nothing can have looked @obj up, so the table's reference is the only one and it is freed at
 * once, whatever its type's DESTROY rules (a busy attachment, an enabled context) would say.
 *
 * Context: process context, may sleep.
 */
void swmmu_obj_abort(struct swmmu_file *file, struct swmmu_obj *obj)
{
	mutex_lock(&file->lock);
	xa_erase(&file->objs, obj->id);
	if (obj->ops->unpublish)
		obj->ops->unpublish(file, obj);
	mutex_unlock(&file->lock);
	WARN_ON_ONCE(!refcount_dec_if_one(&obj->users));
	obj->ops->free(obj);
}

/**
 * swmmu_obj_get() - look up an object by ID and take a users reference
 * @file: the file
 * @id: the ID
 * @type: the expected type
 *
 * An object of another type may stand for one of @type (an attachment for its named address
 * space): its type's resolve() says which.
 *
 * Context: any context that may take a spinlock.
 * Return: the object, or NULL if there is none of that type with that ID (or it is being
 * destroyed, or not finalized yet).
 */
struct swmmu_obj *swmmu_obj_get(struct swmmu_file *file, u32 id, enum swmmu_obj_type type)
{
	struct swmmu_obj *obj;

	xa_lock(&file->objs);
	obj = xa_load(&file->objs, id);
	if (obj && obj->type != type && obj->ops->resolve)
		obj = obj->ops->resolve(obj, type);
	if (obj && (obj->type != type || !refcount_inc_not_zero(&obj->users)))
		obj = NULL;
	xa_unlock(&file->objs);
	return obj;
}

/**
 * swmmu_obj_put() - drop a reference taken by swmmu_obj_get() or by a long-term user
 * @obj: the object
 *
 * The ID table's own reference keeps the count above zero; only DESTROY or closing the file free
 * an object.
 *
 * Context: any.
 */
void swmmu_obj_put(struct swmmu_obj *obj)
{
	refcount_dec(&obj->users);
}

/*
 * Remove @id from the table if nobody else uses it and its type does not keep it (busy(): an
 * attachment whose address space is in use, a buffer while a driver-managed context is enabled);
 * the caller then owns and frees it. The file lock keeps mmap() from finding it meanwhile.
 * @force (file release) skips busy(): no call or VMA of the file exists any more.
 */
static struct swmmu_obj *swmmu_obj_remove(struct swmmu_file *file, u32 id, int *err, bool force)
{
	struct swmmu_obj *obj;

	mutex_lock(&file->lock);
	xa_lock(&file->objs);
	obj = xa_load(&file->objs, id);
	if (!obj) {
		*err = -ENOENT;
	} else if ((!force && obj->ops->busy && obj->ops->busy(file, obj)) ||
		   !refcount_dec_if_one(&obj->users)) {
		*err = -EBUSY;
		obj = NULL;
	} else {
		__xa_erase(&file->objs, id);
	}
	xa_unlock(&file->objs);
	if (obj && obj->ops->unpublish)
		obj->ops->unpublish(file, obj);
	mutex_unlock(&file->lock);
	return obj;
}

/**
 * swmmu_file_destroy_all() - free every object of a file being released
 * @file: the file
 *
 * Queues go first (they hold their address space), then attachments and address spaces: their
 * mappings hold references on buffers. No object is reserved: reserving and finalizing or
 * aborting happen within one call of the file.
 *
 * Context: file release; no ioctl or VMA of the file exists any more.
 */
void swmmu_file_destroy_all(struct swmmu_file *file)
{
	enum swmmu_obj_type pass[] = { SWMMU_OBJ_QUEUE, SWMMU_OBJ_ATTACH, SWMMU_OBJ_AS,
				       SWMMU_OBJ_BUF };
	struct swmmu_obj *obj;
	unsigned long id;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(pass); i++) {
		xa_for_each(&file->objs, id, obj) {
			if (obj->type != pass[i])
				continue;
			obj = swmmu_obj_remove(file, id, &err, true);
			if (WARN_ON_ONCE(!obj))
				continue;
			obj->ops->free(obj);
		}
	}
}

/**
 * swmmu_obj_destroy() - free an object of a file that nobody else uses
 * @file: the file
 * @id: the object's ID
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT (no such object, or one not finalized yet), -EBUSY (in use).
 */
int swmmu_obj_destroy(struct swmmu_file *file, u32 id)
{
	struct swmmu_obj *obj;
	int err;

	obj = swmmu_obj_remove(file, id, &err, false);
	if (!obj)
		return err;
	obj->ops->free(obj);
	return 0;
}

/**
 * swmmu_cmd_destroy() - SWMMU_DESTROY
 * @file: the file
 * @data: struct swmmu_destroy
 *
 * Context: process context, may sleep.
 * Return: as swmmu_obj_destroy().
 */
int swmmu_cmd_destroy(struct swmmu_file *file, void *data)
{
	struct swmmu_destroy *cmd = data;

	return swmmu_obj_destroy(file, cmd->id);
}

/* The file's own address_space has no page cache; it only tracks the file's VMAs. */
static const struct address_space_operations swmmu_aops = {};

/**
 * swmmu_file_init() - initialise a zeroed struct swmmu_file
 * @file: the file (an open file's, or the home of a named address space)
 *
 * Context: any context that may sleep.
 */
void swmmu_file_init(struct swmmu_file *file)
{
	xa_init_flags(&file->objs, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	/* The device path looks buffers up while others are added or freed. */
	mt_init_flags(&file->bus, MT_FLAGS_USE_RCU);
	mutex_init(&file->lock);
	atomic64_set(&file->table_bytes, 0);
	address_space_init_once(&file->mapping);
	file->mapping.a_ops = &swmmu_aops;
}
