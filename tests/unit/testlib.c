// SPDX-License-Identifier: GPL-2.0-only
/* Shared helpers of the host unit tests (see testlib.h). */
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "testlib.h"
#include "swmmu_internal.h"

static void *test_alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	struct test_mem *m = ctx;
	unsigned int lg2 = 4;
	void *p = NULL;

	while ((1UL << lg2) < size || (1UL << lg2) < align)
		lg2++;
	pthread_mutex_lock(&m->lock);
	m->allocs++;
	if (m->fail_at && m->allocs == m->fail_at) {
		m->failed++;
		pthread_mutex_unlock(&m->lock);
		return NULL;
	}
	if (m->free_list[lg2]) {
		p = m->free_list[lg2];
		m->free_list[lg2] = *(void **)p;
	} else {
		size_t off = (m->used + (1UL << lg2) - 1) & ~((1UL << lg2) - 1);

		if (off + (1UL << lg2) <= m->size) {
			p = m->base + off;
			m->used = off + (1UL << lg2);
		}
	}
	if (p && align > size) {
		if (m->nr_over == sizeof(m->over) / sizeof(m->over[0]))
			abort();
		m->over[m->nr_over].p = p;
		m->over[m->nr_over++].lg2 = lg2;
	}
	if (p) {
		m->live++;
		m->live_bytes += 1L << lg2;
		/* Hand out dirty memory: the library must not rely on zeroed allocations. */
		memset(p, 0xa5, 16);
		*addr = (u64)((char *)p - m->base) + TEST_BUS_BASE;
	}
	pthread_mutex_unlock(&m->lock);
	return p;
}

static void test_free(void *ctx, void *cpu, u64 addr, size_t size)
{
	struct test_mem *m = ctx;
	unsigned int lg2 = 4, i;

	while ((1UL << lg2) < size)
		lg2++;

	pthread_mutex_lock(&m->lock);
	if ((char *)cpu != m->base + (addr - TEST_BUS_BASE))
		abort();
	/* An over-aligned block goes back to the class it was taken from. */
	for (i = 0; i < m->nr_over; i++) {
		if (m->over[i].p == cpu) {
			lg2 = m->over[i].lg2;
			m->over[i] = m->over[--m->nr_over];
			break;
		}
	}
	/* Poison: a walker still using a freed table reads garbage translations. */
	memset(cpu, 0xa5, 1UL << lg2);
	*(void **)cpu = m->free_list[lg2];
	m->free_list[lg2] = cpu;
	m->live--;
	m->live_bytes -= 1L << lg2;
	pthread_mutex_unlock(&m->lock);
}

static const struct swmmu_mem_ops test_mem_ops = {
	.alloc = test_alloc,
	.free = test_free,
};

int test_mem_init(struct test_mem *m, size_t size)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m->base == MAP_FAILED)
		return -1;
	m->size = size;
	m->mem.ops = &test_mem_ops;
	m->mem.ctx = m;
	m->mem.cpu_offset = (unsigned long)m->base - TEST_BUS_BASE;
	return 0;
}

void test_mem_fini(struct test_mem *m)
{
	munmap(m->base, m->size);
	pthread_mutex_destroy(&m->lock);
}

struct test_snap {
	const struct swmmu_as *as;
	u64 h;
};

static void test_hash(struct test_snap *s, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--) {
		s->h ^= *b++;
		s->h *= 0x100000001b3ULL;
	}
}

static int test_snap_table(void *ctx, struct swmmu_walk_item *it)
{
	struct test_snap *s = ctx;
	const struct swmmu_format *f = s->as->fmt;
	unsigned int cl = it->level - 1;

	test_hash(s, &it->level, sizeof(it->level));
	test_hash(s, &it->index, sizeof(it->index));
	if (pt_is_dual(f, it->level)) {
		/* Both tables of a dual item, where present. */
		if (pt_kind(f, 2, it->pte) == SWMMU_ITEM_TABLE)
			test_hash(s, pt_child(f, s->as, it->pte), (size_t)1 << pt_table_lg2(f, 1));
		if (pt_kind2(f, it->pte2) == SWMMU_ITEM_TABLE)
			test_hash(s, pt_child(f, s->as, it->pte2), (size_t)1 << pt_table_lg2(f, 0));
		return SWMMU_WALK_DESCEND;
	}
	test_hash(s, pt_child(f, s->as, it->pte), (size_t)1 << pt_table_lg2(f, cl));
	return SWMMU_WALK_DESCEND;
}

u64 test_snapshot(const struct swmmu_as *as)
{
	static const struct swmmu_walk_ops ops = { .pre_table = test_snap_table };
	const struct swmmu_format *f = as->fmt;
	struct test_snap s = { .as = as, .h = 0xcbf29ce484222325ULL };
	u64 start = (f->flags & SWMMU_FMT_SIGN_EXTEND) ? pt_canon(f, pt_bit(f->va_bits - 1)) : 0;

	test_hash(&s, as->root_cpu, (size_t)1 << pt_table_lg2(f, f->nr_levels - 1));
	if (f->flags & SWMMU_FMT_SIGN_EXTEND) {
		swmmu_walk(as, 0, pt_bit(f->va_bits - 1), &ops, &s);
		swmmu_walk(as, start, -start, &ops, &s);
	} else {
		swmmu_walk(as, 0, pt_ia_last(f) + 1 ? pt_ia_last(f) + 1 : ~0ULL, &ops, &s);
	}
	return s.h;
}

double test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *test_errname(int err)
{
	switch (err) {
	case 0: return "OK";
	case -EINVAL: return "EINVAL";
	case -EEXIST: return "EEXIST";
	case -ENOENT: return "ENOENT";
	case -ERANGE: return "ERANGE";
	case -ENOMEM: return "ENOMEM";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	case -EACCES: return "EACCES";
	case -EMSGSIZE: return "EMSGSIZE";
	case -ENOSPC: return "ENOSPC";
	}
	return "E?";
}

void test_prot_str(u32 prot, char *buf)
{
	static const char l[] = "rwxug";
	int i, n = 0;

	for (i = 0; i < 5; i++)
		if (prot & (1u << i))
			buf[n++] = l[i];
	if (SWMMU_PROT_GET_MT(prot) == SWMMU_MT_DEVICE)
		buf[n++] = 'd';
	if (prot & SWMMU_PROT_NULL)
		buf[n++] = 'n';
	buf[n] = 0;
}
