// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-gpu: a sample prototype GPU driver on swmmu's in-kernel API (include/swmmu/kapi.h).
 *
 * It looks like the VM part of a small GPU driver: one GPU address space in the Xe PPGTT format
 * (4 levels, 48-bit GPU VAs, 64 KiB pages made of 16 PTEs with PS64 - swmmu's "gpu-xe"), buffer
 * objects bound into it and unbound again, the TLB invalidations a real driver issues after an
 * unbind (leaf only, or with the page-directory cache when page tables were freed), and copy/fill
 * work run by the emulated device's DMA engine through the GPU page tables.
 *
 * The page tables live in a table pool the device can reach (one swmmu buffer) and are written
 * either with swmmu's page-table library (the default: the library allocates tables from the
 * pool and gathers what to invalidate) or by hand (by_hand=1: the PTE encoding written out
 * below, as a driver without a library writes it).
 *
 * Control through debugfs, /sys/kernel/debug/swmmu_gpu/:
 *   control  write "run N"     N rounds of bind, fill, checksum (device vs CPU), unbind
 *                  "bug NAME"  one deliberate driver bug the checker must report:
 *                              no-inval-unbind, rebind-no-inval, table-reuse
 *                  "reset"     an engine reset: the queue and the context are destroyed (in
 *                              the order swmmu requires) and made again on the same tables
 *   status   read: counters, one "name value" per line
 * Module parameters: by_hand (bool), check (the context's checker mode), leak (bool: keep the
 * swmmu handle open at unload, to show that swmmu reclaims it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/crc32.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "swmmu/kapi.h"

MODULE_IMPORT_NS(SWMMU_NS);

static bool by_hand;
module_param(by_hand, bool, 0444);
MODULE_PARM_DESC(by_hand, "Write the page tables by hand instead of with swmmu's library");

static uint check = SWMMU_CHECK_REPORT;
module_param(check, uint, 0444);
MODULE_PARM_DESC(check, "The context's checker: 0 off, 1 report (default), 2 strict");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Leave the swmmu handle open at unload (swmmu reclaims it)");

/* Xe PPGTT encoding (drivers/gpu/drm/xe/regs/xe_gtt_defs.h): what by_hand writes. */
#define XE_PRESENT	BIT_ULL(0)
#define XE_RW		BIT_ULL(1)
#define XE_PS64		BIT_ULL(8)
#define XE_ADDR		GENMASK_ULL(51, 12)

#define SZ_PT		SZ_4K			/* every Xe page table is 512 8-byte entries */
#define POOL_SIZE	SZ_4M			/* the table pool */
#define NR_BOS		4
#define BO_SIZE		SZ_256K
#define VA_BASE		0x100000000ULL		/* bind slots: one 2 MiB region per slot */
#define VA_SLOT		SZ_2M

/**
 * struct sgpu - the sample's one GPU
 * @c: swmmu handle
 * @fmt: the page-table format
 * @fmt_id: its ID, to make the context again after a reset
 * @ctx: device context (the GPU's address space as the hardware sees it)
 * @queue: DMA queue on @ctx (the copy engine)
 * @pool: table memory
 * @pt_free: bitmap of free 4 KiB table pages in @pool
 * @root: DMA address of the top-level table
 * @as: the library's view of the tables (when !by_hand)
 * @bo: buffer objects
 * @lock: serialises everything (one debugfs writer at a time)
 * @dir: debugfs directory
 * @st: counters shown in status
 * @dma_mask_bits: width of the device's DMA mask (status)
 */
struct sgpu {
	struct swmmu_client *c;
	const struct swmmu_format *fmt;
	u32 fmt_id;
	u32 ctx;
	u32 queue;
	struct swmmu_client_buf pool;
	DECLARE_BITMAP(pt_free, POOL_SIZE / SZ_PT);
	u64 root;
	struct swmmu_as as;
	struct swmmu_client_buf bo[NR_BOS];
	struct mutex lock;
	struct dentry *dir;
	struct {
		atomic64_t binds, unbinds, dma_ok, dma_bad, faults, invalidations;
		atomic64_t stale, bbm, table_reuse, resets;
	} st;
	int dma_mask_bits;
};

static struct sgpu gpu;

/* ---- table memory: 4 KiB pages of the pool -------------------------------------------------- */

static void *sgpu_pt_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	unsigned long i;

	if (size > SZ_PT || align > SZ_PT)
		return NULL;
	i = find_first_bit(gpu.pt_free, POOL_SIZE / SZ_PT);
	if (i >= POOL_SIZE / SZ_PT)
		return NULL;
	clear_bit(i, gpu.pt_free);
	*addr = gpu.pool.dma + i * SZ_PT;
	return gpu.pool.cpu + i * SZ_PT;
}

static void sgpu_pt_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	set_bit((addr - gpu.pool.dma) / SZ_PT, gpu.pt_free);
}

static const struct swmmu_mem_ops sgpu_mem_ops = {
	.alloc = sgpu_pt_alloc,
	.free = sgpu_pt_free,
};

static u64 *sgpu_pt_cpu(u64 addr)
{
	return gpu.pool.cpu + (addr - gpu.pool.dma);
}

/* ---- the device ------------------------------------------------------------------------------ */

static void sgpu_event(void *priv, const struct swmmu_event *ev)
{
	if (!(ev->fault.flags & SWMMU_FAULT_CHECK)) {
		atomic64_inc(&gpu.st.faults);
		return;
	}
	if (ev->class == SWMMU_CHECK_STALE)
		atomic64_inc(&gpu.st.stale);
	else if (ev->class == SWMMU_CHECK_BBM)
		atomic64_inc(&gpu.st.bbm);
	else
		atomic64_inc(&gpu.st.table_reuse);
	pr_info("checker: class %u va 0x%llx cached pte 0x%llx now 0x%llx\n", ev->class,
		ev->fault.iova, ev->cached_pte, ev->current_pte);
}

static const struct swmmu_client_ops sgpu_ops = {
	.event = sgpu_event,
};

/* The TLB invalidation a driver sends after changing live PTEs (or freeing page tables). */
static int sgpu_invalidate(u64 va, u64 len, bool walk_caches)
{
	struct swmmu_inval_cmd cmd = {
		.opcode = walk_caches ? SWMMU_INV_VA_WALK : SWMMU_INV_VA,
		.as_id = gpu.ctx, .asid = 1, .iova = va, .length = len,
	};

	atomic64_inc(&gpu.st.invalidations);
	return swmmu_client_invalidate(gpu.c, &cmd, 1);
}

/* The library's gather flush: invalidate what changed, with the walk caches if tables went. */
static void sgpu_gather_flush(void *ctx, const struct swmmu_gather *g)
{
	unsigned int i;

	for (i = 0; i < g->nr_ranges; i++)
		sgpu_invalidate(g->range[i].start, g->range[i].last - g->range[i].start + 1,
				g->range[i].levels & ~1u);
}

static int sgpu_dma(u32 opcode, u64 dst, u64 src, u64 len, u64 value, u64 *result)
{
	struct swmmu_dma_cmd cmd = {
		.opcode = opcode, .dst = dst, .src = src, .length = len, .value = value,
	};
	unsigned int done;
	int ret = swmmu_client_submit(gpu.c, gpu.queue, &cmd, 1, &done);

	if (!ret && !done)
		ret = cmd.out_status;
	if (result)
		*result = cmd.out_result;
	return ret;
}

/* A fill submitted asynchronously, as a driver queues work and waits on its fence. */
struct sgpu_fence {
	struct completion done;
	int status;
};

static void sgpu_fence_signal(void *arg, const struct swmmu_dma_cmd *cmd)
{
	struct sgpu_fence *f = arg;

	f->status = cmd->out_status;
	complete(&f->done);
}

static int sgpu_fill_async(u64 va, u64 len, u64 value)
{
	struct swmmu_dma_cmd cmd = {
		.opcode = SWMMU_DMA_FILL, .dst = va, .length = len, .value = value,
	};
	struct sgpu_fence f = { .status = 0 };
	int ret;

	init_completion(&f.done);
	ret = swmmu_client_submit_async(gpu.c, gpu.queue, &cmd, sgpu_fence_signal, &f);
	if (ret)
		return ret;
	wait_for_completion(&f.done);
	return f.status;
}

/* ---- page tables by hand: the Xe PPGTT walk written out ----------------------------------- */

static u64 *sgpu_hand_pte(u64 va, bool alloc)
{
	u64 table = gpu.root, *e;
	int lvl;

	for (lvl = 3; lvl > 0; lvl--) {
		e = sgpu_pt_cpu(table) + ((va >> (12 + 9 * lvl)) & 511);
		if (!(READ_ONCE(*e) & XE_PRESENT)) {
			u64 addr;
			void *cpu;

			if (!alloc)
				return NULL;
			cpu = sgpu_pt_alloc(NULL, SZ_PT, SZ_PT, &addr);
			if (!cpu)
				return NULL;
			memset(cpu, 0, SZ_PT);
			/* The table is complete before the device can see it. */
			wmb();
			WRITE_ONCE(*e, addr | XE_PRESENT | XE_RW);
		}
		table = READ_ONCE(*e) & XE_ADDR;
	}
	return sgpu_pt_cpu(table) + ((va >> 12) & 511);
}

/* 64 KiB pages: 16 PTEs, each with its own address and PS64 (xe_pt.c). */
static int sgpu_hand_bind(u64 va, u64 dma, u64 len)
{
	u64 off;

	for (off = 0; off < len; off += SZ_4K) {
		u64 *pte = sgpu_hand_pte(va + off, true);

		if (!pte)
			return -ENOMEM;
		WRITE_ONCE(*pte, ((dma + off) & XE_ADDR) | XE_PRESENT | XE_RW | XE_PS64);
	}
	return 0;
}

static void sgpu_hand_unbind(u64 va, u64 len)
{
	u64 off;

	for (off = 0; off < len; off += SZ_4K) {
		u64 *pte = sgpu_hand_pte(va + off, false);

		if (pte)
			WRITE_ONCE(*pte, 0);
	}
}

/* ---- bind and unbind ----------------------------------------------------------------------- */

static int sgpu_bind(u64 va, unsigned int bo)
{
	int ret;

	if (by_hand)
		ret = sgpu_hand_bind(va, gpu.bo[bo].dma, BO_SIZE);
	else
		ret = swmmu_map(&gpu.as, va, gpu.bo[bo].dma, BO_SIZE,
				SWMMU_PROT_R | SWMMU_PROT_W);
	if (!ret)
		atomic64_inc(&gpu.st.binds);
	return ret;
}

/*
 * Unbind: clear the PTEs, then invalidate. @free_tables also frees the page tables left empty,
 * which needs the page-directory cache invalidated as well; @inval false is the bug of
 * forgetting the invalidation, @walk_inval false the bug of invalidating leaves only.
 */
static int sgpu_unbind(u64 va, bool free_tables, bool inval, bool walk_inval)
{
	struct swmmu_gather g;
	int ret;

	atomic64_inc(&gpu.st.unbinds);
	if (by_hand) {
		sgpu_hand_unbind(va, BO_SIZE);
		return inval ? sgpu_invalidate(va, BO_SIZE, false) : 0;
	}
	swmmu_gather_init(&g, inval ? sgpu_gather_flush : NULL, NULL);
	ret = swmmu_unmap(&gpu.as, va, BO_SIZE, 0, &g, NULL);
	/* The slot is empty now: give its page table back to the pool. */
	if (!ret && free_tables) {
		int n = swmmu_free_empty(&gpu.as, va & ~((u64)VA_SLOT - 1), VA_SLOT, &g);

		if (n < 0)
			ret = n;
	}
	if (!walk_inval) {
		/* The bug: a leaf-only invalidation although a page table was freed. */
		sgpu_invalidate(va, BO_SIZE, false);
		g.flush = NULL;
	}
	swmmu_gather_flush(&g);
	return ret;
}

/* ---- the workload and the bugs -------------------------------------------------------------- */

/* Bind, fill through the GPU, checksum through the GPU and on the CPU, unbind, touch after. */
static int sgpu_round(unsigned int slot, unsigned int bo)
{
	u64 va = VA_BASE + slot * VA_SLOT, crc = 0;
	u64 pattern = get_random_u64();
	int ret;

	ret = sgpu_bind(va, bo);
	if (ret)
		return ret;
	/* Odd rounds wait on a completion callback, even ones on the synchronous submit. */
	if (bo & 1)
		ret = sgpu_fill_async(va, BO_SIZE, pattern);
	else
		ret = sgpu_dma(SWMMU_DMA_FILL, va, 0, BO_SIZE, pattern, NULL);
	if (!ret)
		ret = sgpu_dma(SWMMU_DMA_CRC32, 0, va, BO_SIZE, 0, &crc);
	if (!ret && crc != (~crc32_le(~0U, gpu.bo[bo].cpu, BO_SIZE) & 0xffffffff))
		ret = -EIO;
	if (ret)
		atomic64_inc(&gpu.st.dma_bad);
	else
		atomic64_inc(&gpu.st.dma_ok);
	sgpu_unbind(va, slot & 1, true, true);
	/* After a correct unbind the GPU faults there. */
	if (sgpu_dma(SWMMU_DMA_CRC32, 0, va, SZ_4K, 0, NULL) != -ENXIO)
		atomic64_inc(&gpu.st.dma_bad);
	return ret;
}

static int sgpu_bug(const char *name)
{
	u64 va = VA_BASE + 8 * VA_SLOT;
	int ret;

	ret = sgpu_bind(va, 0);
	if (ret)
		return ret;
	/* The device caches the translation and the page tables above it. */
	sgpu_dma(SWMMU_DMA_CRC32, 0, va, SZ_4K, 0, NULL);
	if (!strcmp(name, "no-inval-unbind")) {
		sgpu_unbind(va, false, false, true);
		sgpu_dma(SWMMU_DMA_CRC32, 0, va, SZ_4K, 0, NULL);
		sgpu_invalidate(va, BO_SIZE, true);
	} else if (!strcmp(name, "rebind-no-inval")) {
		if (by_hand) {
			sgpu_hand_bind(va, gpu.bo[1].dma, BO_SIZE);
		} else {
			struct swmmu_gather g;

			swmmu_gather_init(&g, NULL, NULL);
			swmmu_unmap(&gpu.as, va, BO_SIZE, 0, &g, NULL);
			swmmu_gather_flush(&g);
			swmmu_map(&gpu.as, va, gpu.bo[1].dma, BO_SIZE, SWMMU_PROT_R | SWMMU_PROT_W);
		}
		sgpu_dma(SWMMU_DMA_CRC32, 0, va, SZ_4K, 0, NULL);
		sgpu_unbind(va, false, true, true);
	} else if (!strcmp(name, "table-reuse") && !by_hand) {
		sgpu_unbind(va, true, true, false);
		/* The freed page table serves another binding now. */
		sgpu_bind(VA_BASE + 9 * VA_SLOT, 2);
		sgpu_dma(SWMMU_DMA_CRC32, 0, va, SZ_4K, 0, NULL);
		sgpu_unbind(VA_BASE + 9 * VA_SLOT, true, true, true);
		sgpu_invalidate(va, VA_SLOT, true);
	} else {
		sgpu_unbind(va, false, true, true);
		return -EINVAL;
	}
	return 0;
}

/* The context and its queue on the page tables the driver keeps. */
static int sgpu_engine_start(u32 fmt_id)
{
	int ret = swmmu_client_ctx_create(gpu.c, fmt_id, 0, &gpu.ctx);

	if (!ret)
		ret = swmmu_client_ctx_program(gpu.c, gpu.ctx, SWMMU_CTX_ENABLE, gpu.root, 1,
					       check);
	if (!ret)
		ret = swmmu_client_queue_create(gpu.c, gpu.ctx, &gpu.queue);
	return ret;
}

/*
 * An engine reset, as a driver recovers a hung engine: destroy the queue, then the context, and
 * make both again over the same page tables. Before that, the refusals swmmu_client_destroy()
 * documents: a context with a queue on it, and a buffer while an enabled context may hold its
 * pages in the TLB, are busy; a destroyed queue is gone. -EPROTO when swmmu broke a rule.
 */
static int sgpu_reset(void)
{
	int ret;

	if (swmmu_client_destroy(gpu.c, gpu.ctx) != -EBUSY ||
	    swmmu_client_destroy(gpu.c, gpu.bo[0].id) != -EBUSY)
		return -EPROTO;
	ret = swmmu_client_destroy(gpu.c, gpu.queue);
	if (ret)
		return ret;
	if (swmmu_client_destroy(gpu.c, gpu.queue) != -ENOENT)
		return -EPROTO;
	ret = swmmu_client_destroy(gpu.c, gpu.ctx);
	if (ret)
		return ret;
	ret = sgpu_engine_start(gpu.fmt_id);
	if (!ret)
		atomic64_inc(&gpu.st.resets);
	return ret;
}

/* ---- debugfs --------------------------------------------------------------------------------- */

static ssize_t sgpu_control_write(struct file *f, const char __user *ubuf, size_t len,
				  loff_t *ppos)
{
	char buf[64], name[32];
	unsigned int n, i;
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	mutex_lock(&gpu.lock);
	if (sscanf(buf, "run %u", &n) == 1 && n <= 100000) {
		for (i = 0; i < n && !ret; i++)
			ret = sgpu_round(i % 8, i % NR_BOS);
	} else if (sscanf(buf, "bug %31s", name) == 1) {
		ret = sgpu_bug(name);
	} else if (!strcmp(buf, "reset") || !strcmp(buf, "reset\n")) {
		ret = sgpu_reset();
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&gpu.lock);
	return ret ? ret : len;
}

static const struct file_operations sgpu_control_fops = {
	.owner = THIS_MODULE,
	.write = sgpu_control_write,
	.llseek = noop_llseek,
};

static int sgpu_status_show(struct seq_file *m, void *unused)
{
	struct swmmu_ctx_info info;

#define SGPU_ST(x) seq_printf(m, #x " %lld\n", atomic64_read(&gpu.st.x))
	SGPU_ST(binds);
	SGPU_ST(unbinds);
	SGPU_ST(dma_ok);
	SGPU_ST(dma_bad);
	SGPU_ST(faults);
	SGPU_ST(invalidations);
	SGPU_ST(stale);
	SGPU_ST(bbm);
	SGPU_ST(table_reuse);
	SGPU_ST(resets);
#undef SGPU_ST
	seq_printf(m, "dma_mask_bits %d\n", gpu.dma_mask_bits);
	if (!swmmu_client_ctx_info(gpu.c, gpu.ctx, &info))
		seq_printf(m, "tlb_used %u\nchecks %llu\n", info.out_tlb_used, info.out_checks);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgpu_status);

/* ---- load and unload ------------------------------------------------------------------------ */

static int __init sgpu_init(void)
{
	struct swmmu_mem mem = { .ops = &sgpu_mem_ops };
	struct device *dev;
	unsigned int i;
	int ret;

	mutex_init(&gpu.lock);
	ret = swmmu_client_format_id("gpu-xe", &gpu.fmt_id);
	if (ret)
		return ret;
	gpu.fmt = swmmu_format_get(gpu.fmt_id);
	gpu.c = swmmu_client_open(THIS_MODULE, &sgpu_ops, NULL);
	if (IS_ERR(gpu.c))
		return PTR_ERR(gpu.c);
	/* What the device can address decides where a driver may put memory of its own. */
	dev = swmmu_client_dma_device(gpu.c);
	if (!dev) {
		ret = -ENODEV;
		goto err;
	}
	gpu.dma_mask_bits = fls64(dma_get_mask(dev));
	ret = swmmu_client_buf_alloc(gpu.c, POOL_SIZE, &gpu.pool);
	for (i = 0; i < NR_BOS && !ret; i++)
		ret = swmmu_client_buf_alloc(gpu.c, BO_SIZE, &gpu.bo[i]);
	if (ret)
		goto err;
	bitmap_fill(gpu.pt_free, POOL_SIZE / SZ_PT);
	if (by_hand) {
		void *cpu = sgpu_pt_alloc(NULL, SZ_PT, SZ_PT, &gpu.root);

		memset(cpu, 0, SZ_PT);
	} else {
		/* Table addresses are DMA addresses in the pool: the library reads them here. */
		mem.cpu_offset = (unsigned long)gpu.pool.cpu - (unsigned long)gpu.pool.dma;
		ret = swmmu_as_init(&gpu.as, gpu.fmt, &mem);
		if (ret)
			goto err;
		gpu.root = swmmu_as_root(&gpu.as);
	}
	ret = sgpu_engine_start(gpu.fmt_id);
	if (ret)
		goto err_as;
	gpu.dir = debugfs_create_dir("swmmu_gpu", NULL);
	debugfs_create_file("control", 0200, gpu.dir, NULL, &sgpu_control_fops);
	debugfs_create_file("status", 0444, gpu.dir, NULL, &sgpu_status_fops);
	pr_info("ready: gpu-xe context %u, tables %s\n", gpu.ctx,
		by_hand ? "by hand" : "by swmmu's library");
	return 0;

err_as:
	if (!by_hand)
		swmmu_as_destroy(&gpu.as);
err:
	swmmu_client_close(gpu.c);
	return ret;
}

static void __exit sgpu_exit(void)
{
	debugfs_remove(gpu.dir);
	if (!by_hand)
		swmmu_as_destroy(&gpu.as);
	if (!leak)
		swmmu_client_close(gpu.c);
}

module_init(sgpu_init);
module_exit(sgpu_exit);

MODULE_DESCRIPTION("swmmu sample: a prototype GPU VM driver on the emulated device");
MODULE_LICENSE("GPL");
