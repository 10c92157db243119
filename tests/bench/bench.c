// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-bench: speed of the page-table core. Every figure is the median of several runs and is
 * printed beside a baseline measured in the same run:
 * - bulk operations: the same work done one page per call, so every page walks from the root
 *   (how per-page mappers work);
 * - single map+unmap and random query: the same operation on the generic engine instance (the
 *   format read at run time from its text description) instead of the specialised one.
 * Then the text size of the kernel module, if it was built (the part of it that is engine copies
 * grows with every format instance).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <time.h>
#include <elf.h>
#include <sys/mman.h>
#include "swmmu_pt.h"

#define RUNS	5
/*
 * Single operations and queries: more, shorter runs, so that a burst of load from elsewhere on
 * the machine moves the median less.
 */
#define SRUNS	15
#define GIB	(1ULL << 30)
#define PAGE	4096ULL

/* Table memory: a bump arena with one free stack per size class; addresses are arena offsets. */
struct arena {
	char *base;
	size_t size, used;
	void *stack[32];
};

static void *arena_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	struct arena *a = ctx;
	unsigned int c = 4;
	void *p;

	while ((1UL << c) < size || (1UL << c) < align)
		c++;
	p = a->stack[c];
	if (p) {
		a->stack[c] = *(void **)p;
	} else {
		size_t off = (a->used + (1UL << c) - 1) & ~((1UL << c) - 1);

		if (off + (1UL << c) > a->size)
			return NULL;
		p = a->base + off;
		a->used = off + (1UL << c);
	}
	*addr = (u64)((char *)p - a->base);
	return p;
}

static void arena_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	struct arena *a = ctx;
	unsigned int c = 4;

	(void)addr;
	while ((1UL << c) < size)
		c++;
	*(void **)cpu = a->stack[c];
	a->stack[c] = cpu;
}

static const struct swmmu_mem_ops arena_ops = { .alloc = arena_alloc, .free = arena_free };
static struct arena arena;
static struct swmmu_mem mem;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what, int ret)
{
	fprintf(stderr, "swmmu-bench: %s failed: %d\n", what, ret);
	exit(1);
}

static void report(const char *name, const char *unit, double v, double base, const char *target)
{
	printf("%-34s %8.2f %-9s baseline %8.2f  ratio %6.1fx  %s\n", name, v, unit, base, base / v,
	       target);
}

#define RW (SWMMU_PROT_R | SWMMU_PROT_W)

/*
 * ns per page for: one bulk call vs one call per page; both followed by an untimed cleanup that
 * also frees the tables (fresh) or keeps them (maps then reuse existing empty tables).
 */
static double bench_bulk(struct swmmu_as *as, const char *name, int op, u64 va, u64 pa,
			 u64 pgsize, u64 bstep, bool fresh, const char *target)
{
	u32 uflags = fresh ? SWMMU_UNMAP_FREE_EMPTY : 0;
	struct swmmu_map_opts o = { .pgsize = pgsize };
	u64 pages = GIB / PAGE, step = bstep, i;
	double v[RUNS], b[RUNS], t;
	int r, ret;

	for (r = 0; r < RUNS; r++) {
		/* bulk */
		if (op != 0) {
			ret = swmmu_map_ext(as, va, pa, GIB, RW, &o);
			if (ret)
				die("map", ret);
		}
		t = now();
		if (op == 0)
			ret = swmmu_map_ext(as, va, pa, GIB, RW, &o);
		else if (op == 1)
			ret = swmmu_unmap(as, va, GIB, 0, NULL, NULL);
		else
			ret = swmmu_protect(as, va, GIB, SWMMU_PROT_R, 0, NULL);
		v[r] = (now() - t) / pages;
		if (ret)
			die(name, ret);
		if (op != 1 || fresh)
			swmmu_unmap(as, va, GIB, uflags, NULL, NULL);
		/* per page */
		if (op != 0) {
			ret = swmmu_map_ext(as, va, pa, GIB, RW, &o);
			if (ret)
				die("map", ret);
		}
		t = now();
		for (i = 0; i < GIB; i += step) {
			if (op == 0)
				ret = swmmu_map_ext(as, va + i, pa + i, step, RW, NULL);
			else if (op == 1)
				ret = swmmu_unmap(as, va + i, step, 0, NULL, NULL);
			else
				ret = swmmu_protect(as, va + i, step, SWMMU_PROT_R, 0, NULL);
			if (ret)
				die(name, ret);
		}
		b[r] = (now() - t) / pages;
		if (op != 1 || fresh)
			swmmu_unmap(as, va, GIB, uflags, NULL, NULL);
	}
	t = median(v, RUNS);
	report(name, "ns/4K", t, median(b, RUNS), target);
	return t;
}

/*
 * One map of 1 GiB at a 2M-aligned (not 1G-aligned) VA, so that it is written as 512 2M leaves
 * under two new level-1 tables: the median of REPS maps (each followed by an untimed unmap that
 * frees the tables), in ns per map. The bulk table's "2M pages chosen" row times one such map
 * right after the per-page baseline has evicted the tables and the code from the caches; this is
 * the operation itself, as the single-operation figures are.
 */
static double map_2m_leaves(struct swmmu_as *as)
{
	enum { REPS = 101 };
	static double t[REPS];
	u64 va = GIB + (2 << 20);
	int r, ret;

	for (r = 0; r < REPS; r++) {
		double s = now();

		ret = swmmu_map(as, va, 2 * GIB, GIB, RW);
		t[r] = now() - s;
		if (ret)
			die("map of 2M leaves", ret);
		ret = swmmu_unmap(as, va, GIB, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL);
		if (ret)
			die("unmap of 2M leaves", ret);
	}
	return median(t, REPS);
}

/* n map+unmap pairs of one 4K page; ext: map with swmmu_map_ext() and the page size forced. */
static double single_pair(struct swmmu_as *as, int n, bool ext)
{
	static const struct swmmu_map_opts o = { .pgsize = PAGE };
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		if ((ext ? swmmu_map_ext(as, 0x7000000000ULL, 0x5000, PAGE, RW, &o) :
			   swmmu_map(as, 0x7000000000ULL, 0x5000, PAGE, RW)) ||
		    swmmu_unmap(as, 0x7000000000ULL, PAGE, 0, NULL, NULL))
			die("single map/unmap", -1);
	}
	return (now() - t) / n;
}

static double queries(struct swmmu_as *as, const u64 *va, int n)
{
	struct swmmu_xlate x;
	u64 sum = 0;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		if (swmmu_query(as, va[i], &x))
			die("query", -1);
		sum += x.pa;
	}
	t = (now() - t) / n;
	if (sum == 1)
		printf("\n");
	return t;
}

/* The same with the address-only query. */
static double queries_pa(struct swmmu_as *as, const u64 *va, int n)
{
	u64 sum = 0, pa;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		if (swmmu_query_pa(as, va[i], &pa))
			die("query_pa", -1);
		sum += pa;
	}
	t = (now() - t) / n;
	if (sum == 1)
		printf("\n");
	return t;
}

/*
 * Text size of an ELF64 object as size(1) counts it: every allocated section that is not
 * writable (code and read-only data); *code: the executable sections alone. 0 if the file is
 * missing or not ELF64.
 */
static unsigned long elf_text_size(const char *path, unsigned long *code)
{
	FILE *fp = fopen(path, "rb");
	unsigned long text = 0;
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	unsigned int i;

	*code = 0;
	if (!fp)
		return 0;
	if (fread(&eh, sizeof(eh), 1, fp) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(sh))
		goto out;
	for (i = 0; i < eh.e_shnum; i++) {
		if (fseek(fp, (long)(eh.e_shoff + (u64)i * sizeof(sh)), SEEK_SET) ||
		    fread(&sh, sizeof(sh), 1, fp) != 1) {
			text = 0;
			goto out;
		}
		if ((sh.sh_flags & SHF_ALLOC) && !(sh.sh_flags & SHF_WRITE))
			text += sh.sh_size;
		if ((sh.sh_flags & SHF_ALLOC) && (sh.sh_flags & SHF_EXECINSTR))
			*code += sh.sh_size;
	}
out:
	fclose(fp);
	return text;
}

int main(int argc, char **argv)
{
	const struct swmmu_format *f = swmmu_format_find(argc > 1 ? argv[1] : "x86_64");
	static struct swmmu_format rt;
	static char text[8192];
	struct swmmu_as as, gas;
	double v[SRUNS], b[SRUNS], m2m, m2m_warm, m4k, pair, pair_ext, q1g, q64m, qpa1g, qpa64m;
	const char *ko = getenv("SWMMU_BENCH_KO");
	u64 *qva, seed = 88172645463325252ULL;
	int r, i, nq = 1 << 20;
	unsigned long ko_text, ko_code;

	if (!f) {
		fprintf(stderr, "usage: swmmu-bench [FORMAT]\n");
		return 2;
	}
	arena.size = 256UL << 20;
	arena.base = mmap(NULL, arena.size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena.base == MAP_FAILED)
		return 1;
	/* Kernel table memory sits in the huge-page direct map; back the arena the same way. */
	madvise(arena.base, arena.size, MADV_HUGEPAGE);
	mem.ops = &arena_ops;
	mem.ctx = &arena;
	mem.cpu_offset = (unsigned long)arena.base;
	swmmu_format_print(f, text, sizeof(text));
	if (swmmu_format_parse(text, strlen(text), &rt, NULL) || swmmu_as_init(&as, f, &mem) ||
	    swmmu_as_init(&gas, &rt, &mem))
		die("setup", -1);

	printf("swmmu-bench: format %s, medians of %d runs (single operations: %d), 1 GiB = 262144 4K pages\n",
	       f->name, RUNS, SRUNS);
	printf("bulk baselines: one call per page; single/query baselines: generic engine\n\n");
	m4k = bench_bulk(&as, "map 1 GiB 4K, fresh VA", 0, GIB, 2 * GIB, PAGE, PAGE, true,
			 "(target <= 1.5, >= 10x)");
	bench_bulk(&as, "map 1 GiB 4K, reusing empty tables", 0, GIB, 2 * GIB, PAGE, PAGE, false,
		   "(target <= 1.5, >= 10x)");
	bench_bulk(&as, "unmap 1 GiB of 4K pages", 1, GIB, 2 * GIB, PAGE, PAGE, false,
		   "(target <= 1.0)");
	m2m = bench_bulk(&as, "map 1 GiB, 2M pages chosen", 0, GIB + (2 << 20), 2 * GIB, 0, PAGE,
			 true, "(baseline: 4K per call)");
	bench_bulk(&as, "unmap 1 GiB of 2M pages", 1, GIB + (2 << 20), 2 * GIB, 0, 2 << 20, true,
		   "(baseline: 2M per call)");
	bench_bulk(&as, "map 1 GiB, 1G page chosen", 0, GIB, 2 * GIB, 0, PAGE, true,
		   "(baseline: 4K per call)");
	bench_bulk(&as, "protect 1 GiB of 4K pages", 2, GIB, 2 * GIB, PAGE, PAGE, false, "");

	m2m_warm = map_2m_leaves(&as);
	report("map 1 GiB as 512 2M leaves, warm", "ns/map", m2m_warm, m2m * (GIB / PAGE),
	       "(target <= 1000; baseline: the row above)");
	for (r = 0; r < SRUNS; r++) {
		v[r] = single_pair(&as, 1 << 20, false);
		b[r] = single_pair(&gas, 1 << 20, false);
	}
	pair = median(v, SRUNS);
	report("single 4K map+unmap pair", "ns/pair", pair, median(b, SRUNS), "(target <= 7.5)");
	for (r = 0; r < SRUNS; r++) {
		v[r] = single_pair(&as, 1 << 20, true);
		b[r] = single_pair(&gas, 1 << 20, true);
	}
	pair_ext = median(v, SRUNS);
	report("single 4K map_ext(4K)+unmap pair", "ns/pair", pair_ext, median(b, SRUNS), "");

	qva = malloc(sizeof(*qva) * nq);
	if (!qva || swmmu_map_ext(&as, GIB, 2 * GIB, GIB, RW, &(struct swmmu_map_opts){
		.pgsize = PAGE }) || swmmu_map_ext(&gas, GIB, 2 * GIB, GIB, RW,
		&(struct swmmu_map_opts){ .pgsize = PAGE }))
		die("query setup", -1);
	for (i = 0; i < nq; i++) {
		seed ^= seed >> 12;
		seed ^= seed << 25;
		seed ^= seed >> 27;
		qva[i] = GIB + ((seed * 0x2545F4914F6CDD1DULL) % GIB);
	}
	for (r = 0; r < SRUNS; r++) {
		v[r] = queries(&as, qva, nq);
		b[r] = queries(&gas, qva, nq);
	}
	q1g = median(v, SRUNS);
	report("query, random in 1 GiB of 4K pages", "ns/query", q1g, median(b, SRUNS),
	       "(target <= 4.75)");
	for (r = 0; r < SRUNS; r++) {
		v[r] = queries_pa(&as, qva, nq);
		b[r] = queries_pa(&gas, qva, nq);
	}
	qpa1g = median(v, SRUNS);
	report("query_pa, random in 1 GiB", "ns/query", qpa1g, median(b, SRUNS), "(target <= 4.75)");
	for (i = 0; i < nq; i++)
		qva[i] = GIB + (qva[i] & ((64 << 20) - 1));
	for (r = 0; r < SRUNS; r++) {
		v[r] = queries(&as, qva, nq);
		b[r] = queries(&gas, qva, nq);
	}
	q64m = median(v, SRUNS);
	report("query, random in 64 MiB of 4K pages", "ns/query", q64m, median(b, SRUNS),
	       "(target <= 2.55)");
	for (r = 0; r < SRUNS; r++) {
		v[r] = queries_pa(&as, qva, nq);
		b[r] = queries_pa(&gas, qva, nq);
	}
	qpa64m = median(v, SRUNS);
	report("query_pa, random in 64 MiB", "ns/query", qpa64m, median(b, SRUNS),
	       "(target <= 2.55)");
	free(qva);

	printf("\nsingle operations (medians):\n");
	printf("  query, random VA in 1 GiB        %7.2f ns (address only %.2f ns)\n", q1g, qpa1g);
	printf("  query, random VA in 64 MiB       %7.2f ns (address only %.2f ns)\n", q64m, qpa64m);
	printf("  4K map+unmap pair                %7.2f ns (swmmu_map_ext() %.2f ns)\n", pair,
	       pair_ext);
	printf("  1 GiB as 512 aligned 2M leaves   %7.2f us (one map after the per-page baseline: %.2f us)\n",
	       m2m_warm / 1000, m2m * (GIB / PAGE) / 1000);
	printf("  bulk 4K map, fresh tables        %7.2f ns/page\n", m4k);
	if (!ko)
		ko = "build/kmod-6.1/kmod/swmmu.ko";
	ko_text = elf_text_size(ko, &ko_code);
	if (ko_text)
		printf("  module text (size(1); code)      %7lu bytes (%lu of code, %s)\n", ko_text,
		       ko_code, ko);
	else
		printf("  module text: %s not built\n", ko);
	swmmu_as_destroy(&as);
	swmmu_as_destroy(&gas);
	return 0;
}
