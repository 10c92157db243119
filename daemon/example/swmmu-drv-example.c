// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-drv-example: a device driver's page-table code, prototyped in userspace against the model.
 *
 *   swmmu-drv-example [--check off|report|strict] [--forget-invalidation] [--pause]
 *
 * The program is the driver of an imaginary DMA device behind an x86-64-style IOMMU. Like a real
 * driver it owns the page tables: it writes every PML4, PDPT, PD and PT entry itself, by hand,
 * into DMA memory the device walks (nothing of libswmmu is used; only linux/swmmu.h). Step by
 * step:
 *   1. buffers: one contiguous buffer for the page tables, three data buffers (the source, and
 *      destinations A and B); each is exported (SWMMU_BUF_EXPORT) and mmap()ed, so the CPU
 *      sees what the device reads and writes;
 *   2. tables: the source at IOVA 0x100000 and destination A at 0x200000, 4 KiB pages;
 *   3. the context: a SWMMU_AS_DRIVER_TABLES address space programmed with SWMMU_CTX_SET (the
 *      context registers: format, root, ASID, enable, checker mode), a DMA queue on it, and a
 *      fault queue opened with SWMMU_FAULT_QUEUE_EVENTS for faults and checker reports;
 *   4. DMA FILL of the source, CRC32 of it, COPY to the destination, each checked by the CPU;
 *   5. remap: the destination IOVA now points at buffer B: the old PTEs are cleared, the TLB
 *      invalidated for the range (SWMMU_INV_VA, leaf entries), the new PTEs written; a COPY
 *      must land in B. --forget-invalidation skips the invalidation: the device keeps using
 *      its cached translations (data lands in the old buffer A, as on real hardware) and the
 *      checker reports each stale use; the example then shows the fix;
 *   6. a page-table page is freed: its PDE cleared, SWMMU_INV_VA_WALK (leaf and walk-cache
 *      entries), then the page reused; a DMA there now faults (not present);
 *   7. the context's counters (SWMMU_CTX_INFO), then the teardown in the order the buffer
 *      lifetime rule asks for: disable the context, unmap, close, destroy.
 * --pause waits for Enter before the teardown, to look at the context with `swmmuctl ctx list`.
 *
 * Exit status: 0 when the run went as it should: the data checks passed and the checker was
 * silent, or with --forget-invalidation, the mistake was visible (a report, or stale data with
 * --check off); 1 otherwise; 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/swmmu.h>

#define PAGE		4096ULL
#define NR_PAGES	16u			/* pages per data buffer */
#define DATA_LEN	(NR_PAGES * PAGE)
#define TABLE_PAGES	16			/* the page-table pool: 64 KiB */
#define SRC_IOVA	0x100000ULL
#define DST_IOVA	0x200000ULL
#define ASID		1u
#define PATTERN		0x0123456789abcdefULL

/* x86-64 paging entry bits (Intel SDM Vol. 3A, Tables 4-15 to 4-20). */
#define X86_P		(1ULL << 0)
#define X86_RW		(1ULL << 1)
#define X86_US		(1ULL << 2)
#define X86_A		(1ULL << 5)
#define X86_D		(1ULL << 6)
#define X86_ADDR	0x000ffffffffff000ULL	/* bits 12..51 */

static const char *prog = "swmmu-drv-example";
static int dev = -1;

#define die(...) do { fprintf(stderr, "%s: ", prog); fprintf(stderr, __VA_ARGS__); \
		      fputc('\n', stderr); exit(1); } while (0)

static void xioctl(unsigned long req, void *arg, const char *what)
{
	if (ioctl(dev, req, arg))
		die("%s: %s", what, strerror(errno));
}

/* ---- buffers ------------------------------------------------------------------------------- */

/* A DMA buffer: its ID, its pieces (DMA addresses), and the CPU mapping of its export. */
struct buf {
	const char *name;
	uint32_t id;
	int export_fd;
	uint8_t *cpu;
	uint64_t len;
	struct swmmu_buf_seg *segs;
	uint32_t nr_segs;
};

static void buf_create(struct buf *b, const char *name, uint64_t len, uint32_t flags)
{
	struct swmmu_buf_alloc ba = { .size = sizeof(ba), .flags = flags, .length = len };
	struct swmmu_buf_info bi = { .size = sizeof(bi) };
	struct swmmu_buf_export be = { .size = sizeof(be) };

	b->name = name;
	b->len = len;
	xioctl(SWMMU_BUF_ALLOC, &ba, "BUF_ALLOC");
	b->id = ba.out_buf_id;
	/* First ask how many pieces, then fetch them. */
	bi.buf_id = b->id;
	if (ioctl(dev, SWMMU_BUF_INFO, &bi) && errno != EMSGSIZE)
		die("BUF_INFO: %s", strerror(errno));
	b->segs = calloc(bi.nr_segs, sizeof(*b->segs));
	if (!b->segs)
		die("out of memory");
	bi.segs_uptr = (uintptr_t)b->segs;
	xioctl(SWMMU_BUF_INFO, &bi, "BUF_INFO");
	b->nr_segs = bi.nr_segs;
	/* The CPU's view: an export descriptor, mmap()ed shared. */
	be.buf_id = b->id;
	xioctl(SWMMU_BUF_EXPORT, &be, "BUF_EXPORT");
	b->export_fd = be.out_fd;
	b->cpu = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->export_fd, 0);
	if (b->cpu == MAP_FAILED)
		die("mmap of the %s buffer: %s", name, strerror(errno));
}

/* The DMA address of byte @off of the buffer. */
static uint64_t buf_dma(const struct buf *b, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < b->nr_segs; i++) {
		if (off < b->segs[i].length)
			return b->segs[i].dma_addr + off;
		off -= b->segs[i].length;
	}
	die("offset outside the %s buffer", b->name);
}

/* Destroy it the way the lifetime rule asks: no mapping, no export, no enabled context. */
static void buf_destroy(struct buf *b)
{
	struct swmmu_destroy d = { .size = sizeof(d), .id = b->id };

	munmap(b->cpu, b->len);
	close(b->export_fd);
	xioctl(SWMMU_DESTROY, &d, "DESTROY of a buffer");
	free(b->segs);
}

/* ---- the page tables, written by hand ---------------------------------------------------------- */

/*
 * The table pool: TABLE_PAGES pages of one contiguous buffer, page 0 the PML4 (the root). The
 * CPU address of a table is the mapping plus its offset in the buffer.
 */
static struct buf tables;
static bool table_used[TABLE_PAGES];

static uint64_t table_alloc(void)
{
	unsigned int i;

	for (i = 0; i < TABLE_PAGES; i++) {
		if (table_used[i])
			continue;
		table_used[i] = true;
		/* A new table has no present entry: zero it before linking it in. */
		memset(tables.cpu + i * PAGE, 0, PAGE);
		return buf_dma(&tables, i * PAGE);
	}
	die("out of page-table pages");
}

static void table_free(uint64_t dma)
{
	table_used[(dma - tables.segs[0].dma_addr) / PAGE] = false;
}

static volatile uint64_t *table_cpu(uint64_t dma)
{
	return (volatile uint64_t *)(tables.cpu + (dma - tables.segs[0].dma_addr));
}

/* One 64-bit store, as the device reads it: never a torn entry. */
static void pte_write(volatile uint64_t *pte, uint64_t val)
{
	__atomic_store_n(pte, val, __ATOMIC_RELEASE);
}

static unsigned int pt_index(uint64_t iova, int level)
{
	return (iova >> (12 + 9 * level)) & 511;
}

/* The level-0 PTE of @iova, allocating the PDPT, PD and PT on the way if @alloc. */
static volatile uint64_t *pte_of(uint64_t root, uint64_t iova, bool alloc)
{
	uint64_t table = root;
	int level;

	for (level = 3; level > 0; level--) {
		volatile uint64_t *e = table_cpu(table) + pt_index(iova, level);
		uint64_t v = *e;

		if (!(v & X86_P)) {
			if (!alloc)
				return NULL;
			/* Table entries allow everything; the leaf decides. */
			v = table_alloc() | X86_P | X86_RW | X86_US;
			pte_write(e, v);
		}
		table = v & X86_ADDR;
	}
	return table_cpu(table) + pt_index(iova, 0);
}

/* Map @len bytes of buffer @b at @iova with 4 KiB leaves (A and D left to the device). */
static void map_range(uint64_t root, uint64_t iova, const struct buf *b, uint64_t len)
{
	uint64_t off;

	for (off = 0; off < len; off += PAGE)
		pte_write(pte_of(root, iova + off, true),
			  buf_dma(b, off) | X86_P | X86_RW | X86_US);
}

/* Clear the leaves of [iova, iova + len). The TLB may still hold them: invalidate next. */
static void unmap_range(uint64_t root, uint64_t iova, uint64_t len)
{
	uint64_t off;

	for (off = 0; off < len; off += PAGE) {
		volatile uint64_t *pte = pte_of(root, iova + off, false);

		if (pte)
			pte_write(pte, 0);
	}
}

/* ---- the device: invalidation, DMA, the fault queue ------------------------------------------ */

static uint32_t as_id, queue_id;
static int fault_fd = -1;

static void invalidate(uint32_t opcode, uint64_t iova, uint64_t len)
{
	struct swmmu_inval_cmd cmd = {
		.opcode = opcode, .as_id = as_id, .asid = ASID, .iova = iova, .length = len,
	};
	struct swmmu_invalidate inv = {
		.size = sizeof(inv), .nr_cmds = 1, .cmds_uptr = (uintptr_t)&cmd,
	};

	xioctl(SWMMU_INVALIDATE, &inv, "INVALIDATE");
}

/* Run one DMA command; returns its status (0 or -errno) and fills @result. */
static int dma(uint32_t opcode, uint64_t src, uint64_t dst, uint64_t len, uint64_t value,
	       uint64_t *result)
{
	struct swmmu_dma_cmd c = {
		.opcode = opcode, .src = src, .dst = dst, .length = len, .value = value,
	};
	struct swmmu_submit s = {
		.size = sizeof(s), .queue_id = queue_id, .nr_cmds = 1, .cmds_uptr = (uintptr_t)&c,
	};

	xioctl(SWMMU_SUBMIT, &s, "SUBMIT");
	if (result)
		*result = c.out_result;
	return c.out_status;
}

static const char *reason_name(uint32_t r)
{
	static const char *const names[] = {
		[SWMMU_FAULT_NOT_PRESENT] = "not present",
		[SWMMU_FAULT_PERMISSION] = "permission",
		[SWMMU_FAULT_ADDRESS_SIZE] = "address size",
		[SWMMU_FAULT_BAD_OUTPUT] = "bad output address",
		[SWMMU_FAULT_TABLE_OUTSIDE] = "table outside the buffers",
		[SWMMU_FAULT_RESERVED] = "reserved bit or encoding",
		[SWMMU_FAULT_LEAF_LEVEL] = "leaf at a table-only level",
		[SWMMU_FAULT_OA_SIZE] = "address above the output size",
		[SWMMU_FAULT_ACCESS_FLAG] = "accessed/dirty bit clear",
		[SWMMU_FAULT_DISABLED] = "context disabled",
	};

	return r < sizeof(names) / sizeof(names[0]) && names[r] ? names[r] : "unknown";
}

static const char *class_name(uint32_t c)
{
	switch (c) {
	case SWMMU_CHECK_STALE:
		return "stale";
	case SWMMU_CHECK_BBM:
		return "break-before-make";
	case SWMMU_CHECK_TABLE_REUSE:
		return "table reuse";
	default:
		return "unknown";
	}
}

/* Reports printed in full per drain; the rest are counted (one comes per page). */
#define SHOW_REPORTS	4

/* Read and print what the fault queue holds; returns the number of checker reports. */
static unsigned int drain_fault_queue(const char *indent)
{
	struct swmmu_event ev[16];
	unsigned int reports = 0;
	ssize_t n, i;

	while ((n = read(fault_fd, ev, sizeof(ev))) > 0) {
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			const struct swmmu_event *e = &ev[i];

			if (e->fault.flags & SWMMU_FAULT_CHECK) {
				if (++reports > SHOW_REPORTS)
					continue;
				printf("%schecker: %s translation used at iova %#llx (asid %u, level %u):"
				       " cached pte %#llx -> pa %#llx, tables now pte %#llx -> ",
				       indent, class_name(e->class),
				       (unsigned long long)e->fault.iova, e->asid, e->fault.level,
				       (unsigned long long)e->cached_pte,
				       (unsigned long long)e->cached_pa,
				       (unsigned long long)e->current_pte);
				if (e->current_pa == ~0ULL)
					printf("no translation\n");
				else
					printf("pa %#llx\n", (unsigned long long)e->current_pa);
			} else {
				printf("%sfault: %s at iova %#llx, level %u (item %#llx)\n", indent,
				       reason_name(e->fault.reason),
				       (unsigned long long)e->fault.iova, e->fault.level,
				       (unsigned long long)e->cached_pte);
			}
			if (e->fault.lost)
				printf("%s(%llu records lost: the queue was full)\n", indent,
				       (unsigned long long)e->fault.lost);
		}
	}
	if (n < 0 && errno != EAGAIN)
		die("read of the fault queue: %s", strerror(errno));
	if (reports > SHOW_REPORTS)
		printf("%s... and %u more checker reports like these (%u in all: one per cached "
		       "page)\n", indent, reports - SHOW_REPORTS, reports);
	return reports;
}

/* ---- CPU-side checks ----------------------------------------------------------------------- */

/* CRC-32 as zlib's crc32() computes it (the DMA engine's CRC32). */
static uint32_t crc32_ieee(const uint8_t *p, uint64_t len)
{
	uint32_t crc = ~0u;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static bool has_pattern(const uint8_t *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(PATTERN >> (8 * (i % 8))))
			return false;
	return true;
}

static bool all_zero(const uint8_t *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void check(bool ok, const char *what)
{
	if (!ok)
		die("%s: FAILED", what);
}

/* ---- the run ------------------------------------------------------------------------------- */

static uint32_t format_id(const char *name)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	struct swmmu_format_info *fi;
	uint32_t i, id = ~0u;

	if (ioctl(dev, SWMMU_GET_INFO, &gi) && errno != EMSGSIZE)
		die("GET_INFO: %s", strerror(errno));
	fi = calloc(gi.nr_formats, sizeof(*fi));
	if (!fi)
		die("out of memory");
	gi.formats_uptr = (uintptr_t)fi;
	xioctl(SWMMU_GET_INFO, &gi, "GET_INFO");
	for (i = 0; i < gi.nr_formats; i++)
		if (!strcmp(fi[i].name, name))
			id = fi[i].format_id;
	free(fi);
	if (id == ~0u)
		die("the module has no format %s", name);
	return id;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [--check off|report|strict] [--forget-invalidation] [--pause]\n"
		"A driver's page-table code on the swmmu model: writes x86-64 page tables by hand,\n"
		"programs a driver-managed context, runs DMA through it, remaps with invalidations.\n"
		"  --check MODE           the TLB checker: off (silent, like hardware), report\n"
		"                         (default: report each mistake once), strict (report, and\n"
		"                         translate with a fresh walk)\n"
		"  --forget-invalidation  skip the invalidation after the remap, to see the stale\n"
		"                         TLB at work and the checker's report\n"
		"  --pause                wait for Enter before the teardown (swmmuctl ctx list)\n"
		"Needs /dev/swmmu (swmmu.ko). See docs/driver-prototyping.md.\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "forget-invalidation", no_argument, NULL, 'f' },
		{ "pause", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const modes[] = { "off", "report", "strict" };
	struct swmmu_as_alloc aa = { .size = sizeof(aa), .flags = SWMMU_AS_DRIVER_TABLES };
	struct swmmu_queue_alloc qa = { .size = sizeof(qa) };
	struct swmmu_fault_queue_alloc fq = {
		.size = sizeof(fq), .flags = SWMMU_FAULT_QUEUE_EVENTS, .depth = 64,
	};
	struct swmmu_ctx_set cs = { .size = sizeof(cs) };
	struct swmmu_ctx_info ci = { .size = sizeof(ci) };
	uint32_t check_mode = SWMMU_CHECK_REPORT, fmt;
	bool forget = false, do_pause = false, stale_data = false;
	struct buf src, dst_a, dst_b;
	unsigned int reports = 0, i;
	uint64_t root, res, pd_entry;
	volatile uint64_t *pde;
	int opt, st;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			for (i = 0; i < 3 && strcmp(optarg, modes[i]); i++)
				;
			if (i == 3) {
				fprintf(stderr, "%s: --check is off, report or strict\n", prog);
				return 2;
			}
			check_mode = i;
			break;
		case 'f':
			forget = true;
			break;
		case 'p':
			do_pause = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open("/dev/swmmu", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die("/dev/swmmu: %s (is swmmu.ko loaded? are you in the swmmu group?)",
		    strerror(errno));
	fmt = format_id("x86_64");

	printf("1. buffers\n");
	buf_create(&tables, "page-table", TABLE_PAGES * PAGE, SWMMU_BUF_CONTIG);
	buf_create(&src, "source", DATA_LEN, 0);
	buf_create(&dst_a, "destination A", DATA_LEN, 0);
	buf_create(&dst_b, "destination B", DATA_LEN, 0);
	printf("   page tables: %llu KiB contiguous at dma %#llx; data: 3 x %llu KiB in %u, %u, %u "
	       "pieces; all exported and mmap()ed\n", TABLE_PAGES * PAGE / 1024,
	       (unsigned long long)tables.segs[0].dma_addr, DATA_LEN / 1024, src.nr_segs,
	       dst_a.nr_segs, dst_b.nr_segs);

	printf("2. page tables, written by hand\n");
	root = table_alloc();
	map_range(root, SRC_IOVA, &src, DATA_LEN);
	map_range(root, DST_IOVA, &dst_a, DATA_LEN);
	printf("   PML4 at %#llx; source at iova %#llx, destination A at iova %#llx (%u pages "
	       "each, 4 KiB leaves)\n", (unsigned long long)root, SRC_IOVA, DST_IOVA, NR_PAGES);

	printf("3. the context\n");
	aa.format_id = fmt;
	xioctl(SWMMU_AS_ALLOC, &aa, "AS_ALLOC (SWMMU_AS_DRIVER_TABLES)");
	as_id = aa.out_as_id;
	qa.as_id = as_id;
	xioctl(SWMMU_QUEUE_ALLOC, &qa, "QUEUE_ALLOC");
	queue_id = qa.out_queue_id;
	xioctl(SWMMU_FAULT_QUEUE, &fq, "FAULT_QUEUE (SWMMU_FAULT_QUEUE_EVENTS)");
	fault_fd = fq.out_fd;
	fcntl(fault_fd, F_SETFL, fcntl(fault_fd, F_GETFL) | O_NONBLOCK);
	cs.flags = SWMMU_CTX_ENABLE;
	cs.as_id = as_id;
	cs.format_id = fmt;
	cs.asid = ASID;
	cs.root = root;
	cs.check = check_mode;
	xioctl(SWMMU_CTX_SET, &cs, "CTX_SET");
	printf("   address space %u: format x86_64, root %#llx, ASID %u, checker %s: enabled\n",
	       as_id, (unsigned long long)root, ASID, modes[check_mode]);

	printf("4. DMA through the tables\n");
	st = dma(SWMMU_DMA_FILL, 0, SRC_IOVA, DATA_LEN, PATTERN, NULL);
	if (st)
		die("FILL failed: %s", strerror(-st));
	check(has_pattern(src.cpu, DATA_LEN), "the CPU sees the FILL pattern in the source");
	printf("   FILL %#llx+%llu KiB with %#llx: the CPU sees the pattern\n", SRC_IOVA,
	       DATA_LEN / 1024, PATTERN);
	/* Make the source less regular so that a misplaced page would show. */
	for (i = 0; i < NR_PAGES; i++)
		src.cpu[i * PAGE + 7] = (uint8_t)i;
	st = dma(SWMMU_DMA_CRC32, SRC_IOVA, 0, DATA_LEN, 0, &res);
	if (st)
		die("CRC32 failed: %s", strerror(-st));
	check((uint32_t)res == crc32_ieee(src.cpu, DATA_LEN), "the DMA CRC32 matches the CPU's");
	printf("   CRC32 of the source: %#010x, the same as the CPU's\n", (uint32_t)res);
	st = dma(SWMMU_DMA_COPY, SRC_IOVA, DST_IOVA, DATA_LEN, 0, NULL);
	if (st)
		die("COPY failed: %s", strerror(-st));
	check(!memcmp(dst_a.cpu, src.cpu, DATA_LEN), "the copy is in destination A");
	printf("   COPY source -> destination: destination A holds the data\n");

	printf("5. remap: destination iova %#llx -> buffer B\n", DST_IOVA);
	memset(dst_a.cpu, 0, DATA_LEN);		/* to see whether anything still writes A */
	unmap_range(root, DST_IOVA, DATA_LEN);
	if (forget) {
		printf("   cleared %u PTEs; NOT invalidating (--forget-invalidation)\n", NR_PAGES);
	} else {
		invalidate(SWMMU_INV_VA, DST_IOVA, DATA_LEN);
		printf("   cleared %u PTEs, INVALIDATE VA asid %u [%#llx, +%llu KiB) (leaf "
		       "entries)\n", NR_PAGES, ASID, DST_IOVA, DATA_LEN / 1024);
	}
	map_range(root, DST_IOVA, &dst_b, DATA_LEN);
	printf("   wrote %u PTEs pointing at buffer B\n", NR_PAGES);
	st = dma(SWMMU_DMA_COPY, SRC_IOVA, DST_IOVA, DATA_LEN, 0, NULL);
	if (st)
		die("COPY failed: %s", strerror(-st));
	if (!memcmp(dst_b.cpu, src.cpu, DATA_LEN) && all_zero(dst_a.cpu, DATA_LEN)) {
		printf("   COPY source -> destination: buffer B holds the data, A untouched\n");
	} else if (!memcmp(dst_a.cpu, src.cpu, DATA_LEN)) {
		stale_data = true;
		printf("   COPY source -> destination: the data went to the OLD buffer A: the "
		       "device used the translations\n   its TLB still held, as an IOMMU does "
		       "when the driver does not invalidate\n");
	} else {
		die("COPY after the remap: neither buffer holds the data");
	}
	reports += drain_fault_queue("   ");
	if (forget) {
		invalidate(SWMMU_INV_VA, DST_IOVA, DATA_LEN);
		printf("   the fix: INVALIDATE VA asid %u [%#llx, +%llu KiB) after clearing the "
		       "PTEs\n", ASID, DST_IOVA, DATA_LEN / 1024);
		memset(dst_b.cpu, 0, DATA_LEN);
		st = dma(SWMMU_DMA_COPY, SRC_IOVA, DST_IOVA, DATA_LEN, 0, NULL);
		check(!st && !memcmp(dst_b.cpu, src.cpu, DATA_LEN),
		      "after the invalidation, the copy is in buffer B");
		printf("   COPY again: buffer B holds the data\n");
		reports += drain_fault_queue("   ");
	}

	printf("6. free the destination's page table\n");
	unmap_range(root, DST_IOVA, DATA_LEN);
	/* The PD entry that points at the PT of DST_IOVA. */
	pde = table_cpu(table_cpu(table_cpu(root)[pt_index(DST_IOVA, 3)] & X86_ADDR)
			[pt_index(DST_IOVA, 2)] & X86_ADDR) + pt_index(DST_IOVA, 1);
	pd_entry = *pde;
	pte_write(pde, 0);
	/* Leaf AND walk-cache entries: the walk cache may still point into the freed table. */
	invalidate(SWMMU_INV_VA_WALK, DST_IOVA, DATA_LEN);
	table_free(pd_entry & X86_ADDR);
	printf("   cleared %u PTEs and the PDE, INVALIDATE VA_WALK, table page %#llx free again\n",
	       NR_PAGES, (unsigned long long)(pd_entry & X86_ADDR));
	st = dma(SWMMU_DMA_FILL, 0, DST_IOVA, PAGE, 0, NULL);
	if (!st)
		die("a FILL at the unmapped iova %#llx succeeded", DST_IOVA);
	printf("   FILL at %#llx now fails (%s), as it should:\n", DST_IOVA, strerror(-st));
	reports += drain_fault_queue("   ");

	printf("7. counters and teardown\n");
	ci.as_id = as_id;
	xioctl(SWMMU_CTX_INFO, &ci, "CTX_INFO");
	printf("   TLB %u/%u used, walk cache %u/%u; %llu hits, %llu misses, %llu walks, "
	       "%llu faults, %llu A/D updates\n", ci.out_tlb_used, ci.out_tlb_entries,
	       ci.out_walk_used, ci.out_walk_entries, (unsigned long long)ci.out_hits,
	       (unsigned long long)ci.out_misses, (unsigned long long)ci.out_walks,
	       (unsigned long long)ci.out_faults, (unsigned long long)ci.out_ad_updates);
	printf("   %llu invalidations (%llu entries dropped); checker: %llu compared, %llu stale, "
	       "%llu bbm, %llu table reuse\n", (unsigned long long)ci.out_invalidations,
	       (unsigned long long)ci.out_inval_dropped, (unsigned long long)ci.out_checks,
	       (unsigned long long)ci.out_stale, (unsigned long long)ci.out_bbm,
	       (unsigned long long)ci.out_table_reuse);
	if (do_pause) {
		printf("   paused: look at it with `swmmuctl ctx list`; Enter to continue\n");
		getchar();
	}
	/* The lifetime rule: disabling drops the TLB; only then may the memory go. */
	cs.flags = 0;
	xioctl(SWMMU_CTX_SET, &cs, "CTX_SET (disable)");
	buf_destroy(&dst_b);
	buf_destroy(&dst_a);
	buf_destroy(&src);
	buf_destroy(&tables);
	close(fault_fd);
	close(dev);
	printf("   context disabled, buffers unmapped, closed and destroyed\n");

	if (forget) {
		if (reports || stale_data) {
			printf("result: the forgotten invalidation %s\n", reports ?
			       "was reported by the checker" : "gave stale data (checker off)");
			return 0;
		}
		printf("result: the forgotten invalidation went unnoticed\n");
		return 1;
	}
	if (reports) {
		printf("result: data correct, but the checker reported %u problem(s)\n", reports);
		return 1;
	}
	printf("result: data correct, the checker is silent\n");
	return 0;
}
