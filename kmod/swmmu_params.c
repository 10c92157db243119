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
