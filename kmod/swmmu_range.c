// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VA range lock of an address space: disjoint ranges are held concurrently, which is what the
 * core's concurrency contract asks of its caller. Nothing here knows what the ranges protect.
 */
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "swmmu_as.h"

/**
 * swmmu_range_lock_init() - set up a range lock with no range held
 * @rl: the range lock
 *
 * Context: any.
 */
void swmmu_range_lock_init(struct swmmu_range_lock *rl)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	static struct lock_class_key key;

	lockdep_init_map(&rl->dep_map, "swmmu_as_range", &key, 0);
#endif
	spin_lock_init(&rl->lock);
	INIT_LIST_HEAD(&rl->held);
	init_waitqueue_head(&rl->wq);
}

static bool swmmu_range_try(struct swmmu_range_lock *rl, struct swmmu_range *r)
{
	struct swmmu_range *h;

	spin_lock(&rl->lock);
	list_for_each_entry(h, &rl->held, node) {
		if (h->start <= r->last && r->start <= h->last) {
			spin_unlock(&rl->lock);
			return false;
		}
	}
	list_add(&r->node, &rl->held);
	spin_unlock(&rl->lock);
	return true;
}

/**
 * swmmu_range_lock() - lock [start, last] of an address space's VA space
 * @rl: the range lock
 * @r: caller-provided node describing the range (usually on the stack)
 * @start: first VA
 * @last: last VA (inclusive)
 *
 * Waits until no held range overlaps. Disjoint ranges are held concurrently; the core's
 * concurrency contract needs exactly this from its caller. A thread holds at most one range.
 *
 * Context: process context, may sleep; no user copy while held.
 */
void swmmu_range_lock(struct swmmu_range_lock *rl, struct swmmu_range *r, u64 start, u64 last)
{
	might_sleep();
	r->start = start;
	r->last = last;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_acquire(&rl->dep_map);
#endif
	wait_event(rl->wq, swmmu_range_try(rl, r));
}

/**
 * swmmu_range_unlock() - release a range locked with swmmu_range_lock()
 * @rl: the range lock
 * @r: the node passed to swmmu_range_lock()
 *
 * Context: any context that may take a spinlock.
 */
void swmmu_range_unlock(struct swmmu_range_lock *rl, struct swmmu_range *r)
{
	spin_lock(&rl->lock);
	list_del(&r->node);
	spin_unlock(&rl->lock);
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_release(&rl->dep_map);
#endif
	/*
	 * Most unlocks have no waiter: skip the wait queue's lock then. The barrier in
	 * wq_has_sleeper() pairs with the one in prepare_to_wait(): either a waiter sees our
	 * list_del() when it tries again, or we see it queued.
	 */
	if (wq_has_sleeper(&rl->wq))
		wake_up_all(&rl->wq);
}
