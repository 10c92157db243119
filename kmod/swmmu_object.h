/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-file object table (swmmu_object.c): the IDs userspace names address spaces, buffers,
 * attachments and queues by.
 *
 * An object enters the table in two steps, as in iommufd: swmmu_obj_reserve() takes its ID with a
 * placeholder that every lookup skips, and swmmu_obj_finalize() makes it visible once it is
 * complete - for an ioctl, only after its ID reached the caller (swmmu_dispatch()). If the result
 * cannot be written back, swmmu_obj_abort() frees it instead: no other call can have found it,
 * guessed ID or not. Kernel callers (named address spaces, in-kernel clients) finalize at once.
 *
 * Every object holds one reference ("users") for the table; every other user holds one more (see
 * swmmu_priv.h for the object model). DESTROY succeeds only when the table's is the last.
 *
 * The table is part of the base layer (kmod/README.md): what it does with an object of a type it
 * does not know - make it reachable besides its ID, free it - comes from the type's struct
 * swmmu_obj_ops, which the creator passes to swmmu_obj_reserve().
 */
#ifndef SWMMU_OBJECT_H
#define SWMMU_OBJECT_H

#include <linux/refcount.h>
#include <linux/types.h>

struct swmmu_file;
struct swmmu_obj;

enum swmmu_obj_type {
	SWMMU_OBJ_AS = 1,
	SWMMU_OBJ_BUF = 2,
	SWMMU_OBJ_ATTACH = 3,	/* struct swmmu_attach_obj: a named address space in this file */
	SWMMU_OBJ_QUEUE = 4,	/* struct swmmu_queue: a DMA engine queue (swmmu_device.c) */
};

/**
 * struct swmmu_obj_ops - what the object table does with the objects of one type
 * @type: enum swmmu_obj_type
 * @publish: swmmu_obj_finalize(), with the file's lock held: make reachable what reaches the
 *           object besides its ID (an mmap window, a buffer's memory), or NULL
 * @resolve: swmmu_obj_get() of another type: the object this one stands for, or NULL; under the
 *           table's spinlock, or NULL
 * @busy: DESTROY, with the file's lock and the table's lock held: whether the object must stay
 *        although no other call holds a reference, or NULL
 * @unpublish: the object left the table (DESTROY, file release, abort), with the file's lock
 *             held: undo @publish, or what the creator reserved for it, or NULL
 * @free: free an object that is out of the table and that nothing uses
 */
struct swmmu_obj_ops {
	enum swmmu_obj_type type;
	void (*publish)(struct swmmu_file *file, struct swmmu_obj *obj);
	struct swmmu_obj *(*resolve)(struct swmmu_obj *obj, enum swmmu_obj_type type);
	bool (*busy)(struct swmmu_file *file, struct swmmu_obj *obj);
	void (*unpublish)(struct swmmu_file *file, struct swmmu_obj *obj);
	void (*free)(struct swmmu_obj *obj);
};

/**
 * struct swmmu_obj - header of every object in a file's ID table
 * @ops: its type's operations
 * @type: @ops->type, for lookups
 * @id: the ID userspace sees
 * @users: one for the ID table plus one per user (see the object model in swmmu_priv.h)
 */
struct swmmu_obj {
	const struct swmmu_obj_ops *ops;
	enum swmmu_obj_type type;
	u32 id;
	refcount_t users;
};

int swmmu_obj_reserve(struct swmmu_file *file, struct swmmu_obj *obj,
		      const struct swmmu_obj_ops *ops);
void swmmu_obj_finalize(struct swmmu_file *file, struct swmmu_obj *obj);
void swmmu_obj_abort(struct swmmu_file *file, struct swmmu_obj *obj);
struct swmmu_obj *swmmu_obj_get(struct swmmu_file *file, u32 id, enum swmmu_obj_type type);
void swmmu_obj_put(struct swmmu_obj *obj);
int swmmu_obj_destroy(struct swmmu_file *file, u32 id);
int swmmu_cmd_destroy(struct swmmu_file *file, void *cmd);
void swmmu_file_destroy_all(struct swmmu_file *file);

/* One more users reference on an object the caller holds one on already. */
static inline void swmmu_obj_hold(struct swmmu_obj *obj)
{
	refcount_inc(&obj->users);
}

#endif /* SWMMU_OBJECT_H */
