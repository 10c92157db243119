// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU_WALK: the module walks this process's own x86-64 page tables with the core's "x86_64" /
 * "x86_64-la57" format; every 4 KiB page of each test region is compared with
 * /proc/self/pagemap (Documentation/admin-guide/mm/pagemap.rst: bit 63 present, bits 0-54 PFN)
 * and with what the process itself set up and can observe (its mapping's permissions, the bytes
 * it wrote). Regions: ordinary anonymous pages, transparent huge pages (madvise), read-only
 * pages (the shared zero page, and written pages made read-only), PROT_NONE pages, a shared file
 * mapping and a private read-only file mapping.
 *
 * x86 facts the comparison relies on (Intel SDM Vol. 3A §4.5, Tables 4-18 and 4-20): a leaf's
 * R/W bit 1, U/S bit 2, A bit 5, D bit 6, PS bit 7 (PMD), XD bit 63. Linux's PROT_NONE PTE has
 * the present bit clear and _PAGE_PROTNONE (bit 8) set, and its PFN field stored inverted (the
 * L1TF mitigation, arch/x86/include/asm/pgtable-invert.h), so the MMU does not translate it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

#define X86_PTE_P		(1ULL << 0)
#define X86_PTE_PROTNONE	(1ULL << 8)
#define X86_PTE_PFN_MASK	0x000ffffffffff000ULL
#define X86_PTE_W		(1ULL << 1)
/*
 * Linux 6.6 and later keep the dirty state of a read-only PTE in software bit 58
 * (_PAGE_SAVED_DIRTY): Write=0 Dirty=1 is the shadow-stack encoding of the Intel SDM (Vol. 3A,
 * 4.6.1), so pte_wrprotect() moves Dirty there. The MMU sees a clean entry.
 */
#define X86_PTE_SAVED_DIRTY	(1ULL << 58)

/* Dirty as far as the kernel is concerned: in the hardware bit or, read-only, in the saved one. */
static bool pte_dirty(const struct swmmu_cpu_pte *w)
{
	return (w->flags & SWMMU_CPU_PTE_DIRTY) ||
	       (!(w->pte & X86_PTE_W) && (w->pte & X86_PTE_SAVED_DIRTY));
}

#define PM_PRESENT		(1ULL << 63)
#define PM_SWAP			(1ULL << 62)
#define PM_FILE			(1ULL << 61)
#define PM_PFN_MASK		((1ULL << 55) - 1)

/* What the process set up for a region, and so what every translation must agree with. */
struct expect {
	int vma_prot;		/* PROT_* of the mapping */
	bool written;		/* every page was written (and keeps its bytes) */
	bool fill;		/* the pages hold fill_byte(va) */
	bool protnone;		/* mapped PROT_NONE after being written */
	bool file;		/* a file mapping */
};

/* Tallies printed by every test. */
struct tally {
	unsigned long pages;		/* 4 KiB pages compared */
	unsigned long leaves[3];	/* leaves seen: 4K, 2M, 1G */
	unsigned long nonpresent;	/* non-zero non-present items (PROT_NONE) */
	unsigned long absent;		/* pages neither pagemap nor the walk have */
};

static uint8_t fill_byte(uintptr_t va)
{
	return (uint8_t)((va >> 12) * 37 + 11);
}

/* CPU_WALK of [va, va + len) into a malloc()ed array, growing it on EMSGSIZE. */
static int cpu_walk(int fd, uintptr_t va, uint64_t len, struct swmmu_cpu_pte **out,
		    uint32_t *nr, struct swmmu_cpu_walk *res)
{
	uint32_t cap = 64;

	for (;;) {
		struct swmmu_cpu_walk w = {
			.size = sizeof(w), .va = va, .length = len, .nr_entries = cap,
		};
		struct swmmu_cpu_pte *e = calloc(cap, sizeof(*e));

		if (!e)
			return -1;
		w.entries_uptr = (uintptr_t)e;
		if (!ioctl(fd, SWMMU_CPU_WALK, &w)) {
			*out = e;
			*nr = w.nr_entries;
			if (res)
				*res = w;
			return 0;
		}
		free(e);
		if (errno != EMSGSIZE || w.nr_entries <= cap)
			return -1;
		cap = w.nr_entries + 16;
	}
}

static uint64_t pagemap_entry(int pm, uintptr_t va)
{
	uint64_t v = 0;

	if (pread(pm, &v, sizeof(v), (off_t)(va / SZ_4K) * sizeof(v)) != sizeof(v))
		return ~0ULL;
	return v;
}

static const struct swmmu_cpu_pte *find_entry(const struct swmmu_cpu_pte *e, uint32_t nr,
					      uintptr_t va)
{
	uint32_t i;

	for (i = 0; i < nr; i++)
		if (va >= e[i].va && va - e[i].va < e[i].page_size)
			return &e[i];
	return NULL;
}

static int leaf_idx(uint64_t size)
{
	return size == SZ_4K ? 0 : size == SZ_2M ? 1 : size == (1ULL << 30) ? 2 : -1;
}

/*
 * The comparison, page by page. Returns the number of disagreements, each printed; fills @t.
 * Leaves are counted once each, by the page at their start (or the first page of the region).
 */
static int compare_region(int fd, void *base, size_t len, const struct expect *x,
			  struct tally *t)
{
	uintptr_t start = (uintptr_t)base, va;
	struct swmmu_cpu_pte *e = NULL;
	const struct swmmu_cpu_pte *last = NULL;
	uint32_t nr = 0, i;
	int pm, bad = 0;

	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || cpu_walk(fd, start, len, &e, &nr, NULL)) {
		printf("# pagemap or CPU_WALK failed: %s\n", strerror(errno));
		if (pm >= 0)
			close(pm);
		return 1;
	}
	/* Entries come in VA order and lie inside the range (items may extend past it). */
	for (i = 0; i < nr; i++) {
		if ((i && e[i].va < e[i - 1].va + e[i - 1].page_size) ||
		    e[i].va + e[i].page_size <= start || e[i].va >= start + len) {
			printf("# entry %u at %#llx+%#llx out of order or outside the range\n", i,
			       (unsigned long long)e[i].va, (unsigned long long)e[i].page_size);
			bad++;
		}
		if (e[i].flags & SWMMU_CPU_PTE_RESERVED) {
			printf("# reserved encoding at %#llx: %#llx\n",
			       (unsigned long long)e[i].va, (unsigned long long)e[i].pte);
			bad++;
		}
	}

	for (va = start; va < start + len; va += SZ_4K) {
		uint64_t p = pagemap_entry(pm, va), pfn = p & PM_PFN_MASK;
		const struct swmmu_cpu_pte *w = find_entry(e, nr, va);
		uint64_t off = w ? va - w->va : 0;

		t->pages++;
		if (!(p & PM_PRESENT)) {
			if (w) {
				printf("# %#lx: pagemap %#llx not present, walk has pte %#llx\n", va,
				       (unsigned long long)p, (unsigned long long)w->pte);
				bad++;
			} else {
				t->absent++;
			}
			continue;
		}
		if (!!(p & PM_FILE) != x->file && !(p & PM_SWAP)) {
			/* Not a walk disagreement: the setup is not what the test believes. */
			printf("# %#lx: pagemap file bit %d, expected %d\n", va, !!(p & PM_FILE),
			       x->file);
			bad++;
		}
		if (!w) {
			printf("# %#lx: pagemap present pfn %#llx, the walk found nothing\n", va,
			       (unsigned long long)pfn);
			bad++;
			continue;
		}
		if (!(w->flags & SWMMU_CPU_PTE_PRESENT)) {
			/* PROT_NONE: not translated by the MMU; the PFN is stored inverted. */
			uint64_t inv = ((~w->pte & X86_PTE_PFN_MASK) >> 12) + off / SZ_4K;

			if (!x->protnone || (w->pte & X86_PTE_P) || !(w->pte & X86_PTE_PROTNONE) ||
			    inv != pfn) {
				printf("# %#lx: non-present pte %#llx (inverted pfn %#llx), pagemap pfn %#llx\n",
				       va, (unsigned long long)w->pte, (unsigned long long)inv,
				       (unsigned long long)pfn);
				bad++;
			}
			if (w != last)
				t->nonpresent++;
			last = w;
			continue;
		}
		if (x->protnone) {
			printf("# %#lx: PROT_NONE page is translated by the MMU (pte %#llx)\n", va,
			       (unsigned long long)w->pte);
			bad++;
		}
		if ((w->pa + off) / SZ_4K != pfn) {
			printf("# %#lx: walk pa %#llx, pagemap pfn %#llx\n", va,
			       (unsigned long long)(w->pa + off), (unsigned long long)pfn);
			bad++;
		}
		if (w != last && leaf_idx(w->page_size) >= 0)
			t->leaves[leaf_idx(w->page_size)]++;
		last = w;

		/* The process's own view: its mapping's permissions bound the MMU's. */
		if (!(w->eff_prot & SWMMU_PROT_USER) || !(w->eff_prot & SWMMU_PROT_READ) ||
		    ((w->eff_prot & SWMMU_PROT_WRITE) && !(x->vma_prot & PROT_WRITE)) ||
		    (!!(w->eff_prot & SWMMU_PROT_EXEC) != !!(x->vma_prot & PROT_EXEC)) ||
		    (x->written && (x->vma_prot & PROT_WRITE) &&
		     !(w->eff_prot & SWMMU_PROT_WRITE)) ||
		    (x->written && !pte_dirty(w)) ||
		    !(w->flags & SWMMU_CPU_PTE_ACCESSED) || (w->prot & ~w->eff_prot)) {
			printf("# %#lx: prot %#x eff %#x flags %#x, mapping PROT %#x written %d\n",
			       va, w->prot, w->eff_prot, w->flags, x->vma_prot, x->written);
			bad++;
		}
		if (x->fill && *(volatile uint8_t *)va != fill_byte(va)) {
			printf("# %#lx: the process reads %#x, wrote %#x\n", va,
			       *(volatile uint8_t *)va, fill_byte(va));
			bad++;
		}
	}
	free(e);
	close(pm);
	return bad;
}

static void print_tally(const char *what, const struct tally *t)
{
	printf("# %s: %lu pages compared with pagemap: leaves 4K %lu, 2M %lu, 1G %lu; "
	       "non-present (PROT_NONE) %lu; unpopulated %lu\n", what, t->pages, t->leaves[0],
	       t->leaves[1], t->leaves[2], t->nonpresent, t->absent);
}

static void fill_pages(void *base, size_t len)
{
	uintptr_t va;

	for (va = (uintptr_t)base; va < (uintptr_t)base + len; va += SZ_4K)
		memset((void *)va, fill_byte(va), SZ_4K);
}

/* A 2 MiB aligned anonymous region of @len bytes (inside a larger reservation). */
static void *map_aligned(size_t len, int prot)
{
	uint8_t *p = mmap(NULL, len + SZ_2M, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((void *)(a + len), (uintptr_t)p + len + SZ_2M - (a + len));
	return (void *)a;
}

FIXTURE(cpu) {
	int fd;
};

FIXTURE_SETUP(cpu)
{
	self->fd = open(SWMMU_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(cpu)
{
	close(self->fd);
}

/* The format matches the paging mode the CPU runs in. */
TEST_F(cpu, format_matches_paging_mode)
{
	struct swmmu_format_info fi;
	struct swmmu_cpu_walk w;
	struct swmmu_cpu_pte *e = NULL;
	uint32_t nr;
	char line[4096];
	bool la57 = false;
	FILE *f = fopen("/proc/cpuinfo", "r");
	void *p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " la57"))
			la57 = true;
	fclose(f);
	ASSERT_EQ(0, cpu_walk(self->fd, (uintptr_t)p, SZ_4K, &e, &nr, &w));
	free(e);
	ASSERT_EQ(0, swmmu_format_by_name(self->fd, la57 ? "x86_64-la57" : "x86_64", &fi));
	printf("# CPU la57 flag %d; walked with format %u (%s), %u levels, PTI %s, root %#llx\n",
	       la57, w.out_format_id, fi.name, w.out_nr_levels,
	       w.out_flags & SWMMU_CPU_WALK_PTI ? "on (user copy)" : "off",
	       (unsigned long long)w.out_root);
	/* The kernel uses 5 levels only when the CPU has LA57 (and no no5lvl); a CPU flag alone
	 * does not force it, but 5-level paging without the flag is impossible.
	 */
	if (w.out_flags & SWMMU_CPU_WALK_LA57)
		ASSERT_TRUE(la57);
	ASSERT_EQ(fi.format_id, w.out_format_id);
	ASSERT_EQ(fi.nr_levels, w.out_nr_levels);
	ASSERT_EQ(!!(w.out_flags & SWMMU_CPU_WALK_LA57), fi.nr_levels == 5);
	munmap(p, SZ_4K);
}

TEST_F(cpu, anonymous_4k_pages)
{
	const size_t len = 64 * SZ_4K;
	struct expect x = { .vma_prot = PROT_READ | PROT_WRITE, .written = true, .fill = true };
	struct tally t = {};
	uint8_t *p = map_aligned(len, PROT_READ | PROT_WRITE);
	size_t i;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, len, MADV_NOHUGEPAGE));
	fill_pages(p, len);
	/* Leave holes: pages never touched must be absent in both views. */
	for (i = 0; i < len; i += 8 * SZ_4K)
		ASSERT_EQ(0, madvise(p + i, SZ_4K, MADV_DONTNEED));
	x.fill = false;		/* the dropped pages read back as zero */
	ASSERT_EQ(0, compare_region(self->fd, p, len, &x, &t));
	print_tally("anonymous", &t);
	ASSERT_EQ(len / SZ_4K - len / (8 * SZ_4K), t.leaves[0]);
	ASSERT_EQ(len / (8 * SZ_4K), t.absent);
	munmap(p, len);
}

TEST_F(cpu, transparent_huge_pages)
{
	const size_t len = 4 * SZ_2M;
	struct expect x = { .vma_prot = PROT_READ | PROT_WRITE, .written = true, .fill = true };
	struct tally t = {};
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	uint8_t *p;

	if (!f)
		SKIP(return, "no transparent huge pages in this kernel");
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = 0;
	fclose(f);
	if (strstr(mode, "[never]"))
		SKIP(return, "transparent huge pages are disabled: %s", mode);
	p = map_aligned(len, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, len, MADV_HUGEPAGE));
	fill_pages(p, len);
	ASSERT_EQ(0, compare_region(self->fd, p, len, &x, &t));
	print_tally("THP (madvise)", &t);
	/* A fresh VM has free 2 MiB blocks: the faults must have used PMD leaves. */
	ASSERT_LT(0, t.leaves[1]);
	ASSERT_EQ(len, t.leaves[1] * SZ_2M + t.leaves[0] * SZ_4K);
	munmap(p, len);
}

TEST_F(cpu, read_only_pages)
{
	const size_t len = 32 * SZ_4K;
	struct expect zero = { .vma_prot = PROT_READ };
	struct expect ro = { .vma_prot = PROT_READ, .written = true, .fill = true };
	struct tally t = {};
	uint8_t *z = map_aligned(len, PROT_READ);
	uint8_t *w = map_aligned(len, PROT_READ | PROT_WRITE);
	uint64_t zero_pfn = 0;
	volatile uint8_t sink = 0;
	size_t i;
	int pm;

	ASSERT_NE(NULL, z);
	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, madvise(z, len, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(w, len, MADV_NOHUGEPAGE));
	/* Reads of a private anonymous mapping map the shared zero page, read-only. */
	for (i = 0; i < len; i += SZ_4K)
		sink += z[i];
	(void)sink;
	ASSERT_EQ(0, compare_region(self->fd, z, len, &zero, &t));
	pm = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_LE(0, pm);
	for (i = 0; i < len; i += SZ_4K) {
		uint64_t pfn = pagemap_entry(pm, (uintptr_t)z + i) & PM_PFN_MASK;

		if (!i)
			zero_pfn = pfn;
		ASSERT_EQ(zero_pfn, pfn);
	}
	close(pm);
	/* Written pages made read-only keep their frames and dirty bits, lose write permission. */
	fill_pages(w, len);
	ASSERT_EQ(0, mprotect(w, len, PROT_READ));
	ASSERT_EQ(0, compare_region(self->fd, w, len, &ro, &t));
	print_tally("read-only (zero page, mprotect)", &t);
	printf("# the shared zero page is pfn %#llx\n", (unsigned long long)zero_pfn);
	ASSERT_EQ(2 * len / SZ_4K, t.leaves[0]);
	munmap(z, len);
	munmap(w, len);
}

TEST_F(cpu, prot_none_pages)
{
	const size_t len = 16 * SZ_4K;
	struct expect x = { .vma_prot = PROT_NONE, .written = true, .protnone = true };
	struct tally t = {};
	uint8_t *p = map_aligned(len, PROT_READ | PROT_WRITE);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, len, MADV_NOHUGEPAGE));
	fill_pages(p, len);
	ASSERT_EQ(0, mprotect(p, len, PROT_NONE));
	ASSERT_EQ(0, compare_region(self->fd, p, len, &x, &t));
	print_tally("PROT_NONE", &t);
	ASSERT_EQ(len / SZ_4K, t.nonpresent);
	ASSERT_EQ(0, t.leaves[0]);
	/* And back: the same frames become translated again. */
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	x = (struct expect){ .vma_prot = PROT_READ | PROT_WRITE, .written = true, .fill = true };
	memset(&t, 0, sizeof(t));
	ASSERT_EQ(0, compare_region(self->fd, p, len, &x, &t));
	ASSERT_EQ(len / SZ_4K, t.leaves[0]);
	munmap(p, len);
}

TEST_F(cpu, file_mappings)
{
	const size_t len = 16 * SZ_4K;
	struct expect shared = { .vma_prot = PROT_READ | PROT_WRITE, .written = true, .fill = true,
				 .file = true };
	struct expect priv = { .vma_prot = PROT_READ, .fill = true, .file = true };
	struct tally t = {};
	char path[] = "/tmp/swmmu-introspect-XXXXXX";
	volatile uint8_t sink = 0;
	uint8_t *s, *r;
	size_t i;
	int f = mkstemp(path);

	ASSERT_LE(0, f);
	unlink(path);
	ASSERT_EQ(0, ftruncate(f, len));
	s = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	ASSERT_NE(MAP_FAILED, s);
	fill_pages(s, len);
	ASSERT_EQ(0, compare_region(self->fd, s, len, &shared, &t));
	/* A second, private read-only mapping of the same file maps the same page-cache frames. */
	r = mmap(NULL, len, PROT_READ, MAP_PRIVATE, f, 0);
	ASSERT_NE(MAP_FAILED, r);
	for (i = 0; i < len; i += SZ_4K)
		sink += r[i];
	(void)sink;
	/* fill_byte() depends on the VA: compare the bytes through the first mapping instead. */
	priv.fill = false;
	ASSERT_EQ(0, compare_region(self->fd, r, len, &priv, &t));
	ASSERT_EQ(0, memcmp(s, r, len));
	{
		int pm = open("/proc/self/pagemap", O_RDONLY);

		ASSERT_LE(0, pm);
		for (i = 0; i < len; i += SZ_4K)
			ASSERT_EQ(pagemap_entry(pm, (uintptr_t)s + i) & PM_PFN_MASK,
				  pagemap_entry(pm, (uintptr_t)r + i) & PM_PFN_MASK);
		close(pm);
	}
	print_tally("file (shared rw + private ro)", &t);
	ASSERT_EQ(2 * len / SZ_4K, t.leaves[0] + 512 * t.leaves[1]);
	munmap(s, len);
	munmap(r, len);
	close(f);
}

/* With 5-level paging, a mapping above 2^47 exercises the fifth level. */
TEST_F(cpu, high_addresses_la57)
{
	struct expect x = { .vma_prot = PROT_READ | PROT_WRITE, .written = true, .fill = true };
	struct tally t = {};
	struct swmmu_cpu_walk w;
	struct swmmu_cpu_pte *e = NULL;
	uint32_t nr;
	void *hint = (void *)(1ULL << 52), *p;

	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, cpu_walk(self->fd, (uintptr_t)p, SZ_4K, &e, &nr, &w));
	free(e);
	munmap(p, SZ_4K);
	if (!(w.out_flags & SWMMU_CPU_WALK_LA57))
		SKIP(return, "4-level paging: no addresses above 2^47");
	p = mmap(hint, 8 * SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_LT(1ULL << 47, (uintptr_t)p);
	fill_pages(p, 8 * SZ_4K);
	ASSERT_EQ(0, compare_region(self->fd, p, 8 * SZ_4K, &x, &t));
	print_tally("above 2^47 (5-level)", &t);
	printf("# mapped at %p\n", p);
	ASSERT_EQ(8, t.leaves[0]);
	munmap(p, 8 * SZ_4K);
}

/* The uAPI rules of CPU_WALK. */
TEST_F(cpu, errors)
{
	struct swmmu_cpu_pte e[4];
	struct swmmu_cpu_walk w;
	struct {
		struct swmmu_cpu_walk w;
		uint64_t tail;
	} big;
	uint8_t *p = map_aligned(8 * SZ_4K, PROT_READ | PROT_WRITE);
	pid_t pid;
	int st;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, 8 * SZ_4K, MADV_NOHUGEPAGE));
	fill_pages(p, 8 * SZ_4K);

#define WALK(_va, _len, _nr) (w = (struct swmmu_cpu_walk){ .size = sizeof(w), .va = (_va),	\
	.length = (_len), .nr_entries = (_nr), .entries_uptr = (uintptr_t)e })
	WALK((uintptr_t)p, 0, 4);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	WALK((uintptr_t)p, SZ_4K, SWMMU_CPU_WALK_MAX_ENTRIES + 1);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	WALK(~0ULL - SZ_4K, 2 * SZ_4K, 4);
	EXPECT_ERRNO(EOVERFLOW, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	WALK(0xffff800000000000ULL, SZ_4K, 4);
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	WALK((uintptr_t)p, SZ_4K, 4);
	w.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	/* Too small: EMSGSIZE, the count needed, and the first entries. */
	WALK((uintptr_t)p, 8 * SZ_4K, 4);
	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	ASSERT_EQ(8, w.nr_entries);
	ASSERT_EQ((uintptr_t)p, e[0].va);
	ASSERT_EQ((uintptr_t)p + 3 * SZ_4K, e[3].va);
	/* Capacity 0 counts. */
	WALK((uintptr_t)p, 8 * SZ_4K, 0);
	EXPECT_ERRNO(EMSGSIZE, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	ASSERT_EQ(8, w.nr_entries);
	/* Nothing mapped: no entries. */
	munmap(p + 4 * SZ_4K, 4 * SZ_4K);
	WALK((uintptr_t)p + 4 * SZ_4K, 4 * SZ_4K, 4);
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	ASSERT_EQ(0, w.nr_entries);
	/* Size rules. */
	WALK((uintptr_t)p, SZ_4K, 4);
	w.size = offsetof(struct swmmu_cpu_walk, out_root);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, SWMMU_CPU_WALK, &w));
	memset(&big, 0, sizeof(big));
	big.w = (struct swmmu_cpu_walk){ .size = sizeof(big), .va = (uintptr_t)p, .length = SZ_4K,
					 .nr_entries = 4, .entries_uptr = (uintptr_t)e };
	ASSERT_EQ(0, ioctl(self->fd, SWMMU_CPU_WALK, &big));
	ASSERT_EQ(1, big.w.nr_entries);
	big.tail = 1;
	EXPECT_ERRNO(E2BIG, ioctl(self->fd, SWMMU_CPU_WALK, &big));
	/* Physical addresses are for CAP_SYS_ADMIN only. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		WALK((uintptr_t)p, SZ_4K, 4);
		_exit(ioctl(self->fd, SWMMU_CPU_WALK, &w) == -1 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
#undef WALK
	munmap(p, 4 * SZ_4K);
}

TEST_HARNESS_MAIN
