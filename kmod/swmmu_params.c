// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module-wide state every layer reads: the limits (module parameters), the live counters, and
 * the DMA device buffers and tables come from (registered by swmmu_main.c). Defined apart from
 * the module's entry so that the lower layers depend on this, not on the code that uses them.
 */
#include <linux/module.h>

#include "swmmu_priv.h"

unsigned int swmmu_max_as = 64;
module_param_named(max_as, swmmu_max_as, uint, 0644);
MODULE_PARM_DESC(max_as, "Address spaces per open file (default 64)");

unsigned long swmmu_max_buf_bytes = 512UL << 20;
module_param_named(max_buf_bytes, swmmu_max_buf_bytes, ulong, 0644);
MODULE_PARM_DESC(max_buf_bytes, "Bytes of DMA buffers per open file (default 512 MiB)");

/* 0 at load: half of RAM. Buffers past it fail with ENOSPC, however many files hold them. */
unsigned long swmmu_max_total_buf_bytes;
module_param_named(max_total_buf_bytes, swmmu_max_total_buf_bytes, ulong, 0644);
MODULE_PARM_DESC(max_total_buf_bytes,
		 "Bytes of DMA buffers across all files (0 at load: half of RAM)");
atomic_long_t swmmu_total_buf_bytes = ATOMIC_LONG_INIT(0);

unsigned long swmmu_max_table_bytes = 64UL << 20;
module_param_named(max_table_bytes, swmmu_max_table_bytes, ulong, 0644);
MODULE_PARM_DESC(max_table_bytes, "Bytes of page tables per open file (default 64 MiB)");

struct swmmu_counters swmmu_cnt;
struct device *swmmu_dma_dev;

/* The netlink family once it is up (struct swmmu_event_sink); NULL before: nobody listens. */
static const struct swmmu_event_sink *swmmu_sink;

/**
 * swmmu_events_set_sink() - install where events go
 * @sink: every member set; must outlive the module's other code
 *
 * Context: module init, before the first event.
 */
void swmmu_events_set_sink(const struct swmmu_event_sink *sink)
{
	WRITE_ONCE(swmmu_sink, sink);
}

/**
 * swmmu_events_listening() - whether anybody listens to the events
 *
 * Context: any.
 * Return: true if the sink has a listener.
 */
bool swmmu_events_listening(void)
{
	const struct swmmu_event_sink *s = READ_ONCE(swmmu_sink);

	return s && s->listening();
}

/**
 * swmmu_events_send() - announce a change
 * @ev: what to announce
 *
 * Context: process context.
 */
void swmmu_events_send(const struct swmmu_nl_event_args *ev)
{
	const struct swmmu_event_sink *s = READ_ONCE(swmmu_sink);

	if (s)
		s->event(ev);
}

/**
 * swmmu_events_check() - announce a checker report of a driver-managed context
 * @ctx_id: the context
 * @pid: the thread group that created it
 * @ev: the report
 *
 * Context: process context.
 */
void swmmu_events_check(u32 ctx_id, pid_t pid, const struct swmmu_event *ev)
{
	const struct swmmu_event_sink *s = READ_ONCE(swmmu_sink);

	if (s)
		s->check_event(ctx_id, pid, ev);
}
