// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page-granular reference model of an address space and a random operation generator checked
 * against it (see refmodel.h). Used by test_random (seeded) and by the fuzz target (driven by the
 * fuzzer's bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "refmodel.h"
#include "swmmu_internal.h"


static u64 canon(struct model *m, u64 ia)
{
	return pt_canon(m->f, ia);
}

/* Model lookup of an internal address inside the window. */
static struct mpage *mp(struct model *m, u64 ia)
{
	if (ia < m->base || ((ia - m->base) >> m->g) >= m->npages)
		return NULL;
	return &m->pg[(ia - m->base) >> m->g];
}

/*
 * Expected result of the VA range checks shared by all operations: -EOVERFLOW for a range past
 * 2^64 - 1, -ERANGE outside the format (swmmu_format.h, "va, len"), else 0.
 */
static int model_range(struct model *m, u64 va, u64 len, u64 *start, u64 *last)
{
	const struct swmmu_format *f = m->f;
	u64 vl = va + len - 1;

	if (vl < va)
		return -EOVERFLOW;
	if (!pt_va_to_ia(f, va, start) || !pt_va_to_ia(f, vl, last) || *last < *start)
		return -ERANGE;
	return 0;
}

static void check_query(struct model *m, u64 ia)
{
	struct mpage *p = mp(m, ia);
	struct swmmu_xlate x;
	int ret = swmmu_query(&m->as, canon(m, ia), &x), pret;
	u64 pa = ~0ULL;

	/* The address-only query answers as the full one. */
	pret = swmmu_query_pa(&m->as, canon(m, ia), &pa);
	if (pret != ret || (!ret && pa != x.pa))
		FAILF(m, "%s: query_pa 0x%llx: %s pa 0x%llx, query %s pa 0x%llx", m->where,
		      (unsigned long long)canon(m, ia), test_errname(pret), (unsigned long long)pa,
		      test_errname(ret), (unsigned long long)x.pa);
	if (!p)
		return;
	if (!p->mapped) {
		if (ret != -ENOENT)
			FAILF(m, "%s: query 0x%llx: %s, model unmapped", m->where,
			      (unsigned long long)canon(m, ia), test_errname(ret));
		return;
	}
	if (ret || x.pa != ((p->prot & SWMMU_PROT_NULL) ? 0 : p->pa + (ia & pt_lowmask(m->g))) ||
	    x.prot != p->prot ||
	    x.size_lg2 != p->size_lg2 || x.entry_va != canon(m, p->entry_ia))
		FAILF(m, "%s: query 0x%llx: %s pa 0x%llx prot 0x%x size %u entry 0x%llx; model pa 0x%llx prot 0x%x size %u entry 0x%llx",
		      m->where, (unsigned long long)canon(m, ia), test_errname(ret),
		      (unsigned long long)x.pa, x.prot, x.size_lg2, (unsigned long long)x.entry_va,
		      (unsigned long long)p->pa, p->prot, p->size_lg2,
		      (unsigned long long)canon(m, p->entry_ia));
}

/* After a successful map of [start, last] at pa: learn and validate the entries chosen. */
static void observe(struct model *m, u64 start, u64 last, u64 pa, u32 prot, u64 forced)
{
	u64 ia = start;

	while (!m->failed) {
		struct swmmu_xlate x;
		u64 e, el, i;
		int ret = swmmu_query(&m->as, canon(m, ia), &x);

		e = ret ? 0 : x.entry_va & pt_lowmask(m->f->va_bits);
		el = ret ? 0 : e + pt_lowmask(x.size_lg2);
		if (ret || x.prot != prot || !(m->pgsizes & (1ULL << x.size_lg2)) || e < start ||
		    el > last || (e & pt_lowmask(x.size_lg2)) || e != ia ||
		    ((prot & SWMMU_PROT_NULL) ? x.entry_pa != 0 : x.entry_pa != pa + (e - start)) ||
		    (forced && (1ULL << x.size_lg2) != forced)) {
			FAILF(m, "%s: after map, query 0x%llx: %s prot 0x%x size %u entry 0x%llx pa 0x%llx (map 0x%llx..0x%llx pa 0x%llx prot 0x%x)",
			      m->where, (unsigned long long)canon(m, ia), test_errname(ret), x.prot,
			      x.size_lg2, (unsigned long long)x.entry_va,
			      (unsigned long long)x.entry_pa, (unsigned long long)canon(m, start),
			      (unsigned long long)canon(m, last), (unsigned long long)pa, prot);
			return;
		}
		for (i = e; i <= el && i >= e; i += 1ULL << m->g) {
			struct mpage *p = mp(m, i);

			p->mapped = true;
			p->prot = prot;
			p->size_lg2 = x.size_lg2;
			p->pa = (prot & SWMMU_PROT_NULL) ? 0 : pa + (i - start);
			p->entry_ia = e;
		}
		if (el >= last)
			return;
		ia = el + 1;
	}
}

/* Re-learn the entries of pages that a split left mapped (sizes may have shrunk). */
static void relearn(struct model *m, u64 lo, u64 hi)
{
	u64 ia;

	for (ia = lo; ia <= hi && ia >= lo; ia += 1ULL << m->g) {
		struct mpage *p = mp(m, ia);
		struct swmmu_xlate x;

		if (!p || !p->mapped)
			continue;
		if (swmmu_query(&m->as, canon(m, ia), &x) || x.pa != p->pa + 0 ||
		    x.prot != p->prot) {
			FAILF(m, "%s: split changed the translation of 0x%llx", m->where,
			      (unsigned long long)canon(m, ia));
			return;
		}
		p->size_lg2 = x.size_lg2;
		p->entry_ia = x.entry_va & pt_lowmask(m->f->va_bits);
	}
}

/* A random number below n: from the fuzzer's bytes if there are any, else from the seed. */
static u64 rnd(struct model *m, u64 n)
{
	u64 v = 0;
	unsigned int i;

	if (!n)
		return 0;
	if (!m->data)
		return test_rand(&m->seed) % n;
	for (i = 0; i < 8 && (n - 1) >> (8 * i); i++)
		v |= (u64)(m->pos < m->size ? m->data[m->pos++] : 0) << (8 * i);
	return v % n;
}

/* A VA (internal) mostly inside the window, aligned to the granule. */
static u64 rnd_ia(struct model *m)
{
	u64 w = m->npages << m->g;

	if (rnd(m, 50) == 0)
		return m->base + w - (rnd(m, 4) << m->g);	/* at or just past the end */
	return m->base + (rnd(m, m->npages) << m->g);
}

static u64 rnd_len(struct model *m, u64 align)
{
	u64 r = rnd(m, 100), n;

	if (r < 3)
		return r == 0 ? 0 : align + (1ULL << (m->g - 1));	/* zero or unaligned */
	n = r < 60 ? 1 + rnd(m, 8) : r < 90 ? 1 + rnd(m, 600) : 1 + rnd(m, m->npages / 2 + 1);
	return n * align;
}

/* A size to align to: mostly the granule, sometimes a larger page size of the format. */
static u64 rnd_align(struct model *m)
{
	u64 sizes = m->pgsizes & pt_lowmask(63 - __builtin_clzll(m->npages << m->g) - 1);
	int n = __builtin_popcountll(sizes), k = (int)rnd(m, (u64)n * 3);

	if (!sizes)
		return 1ULL << m->g;

	if (k >= n)
		return 1ULL << m->g;
	while (k--)
		sizes &= sizes - 1;
	return sizes & -sizes;
}

/*
 * Keep [ia, ia + len) inside the window unless the window ends at the end of the VA space (or at
 * the canonical hole), where running past the end must fail with -ERANGE (-EOVERFLOW past 2^64).
 * Returns false to skip.
 */
static bool fit(struct model *m, u64 ia, u64 *len, u64 align)
{
	u64 end = m->base + (m->npages << m->g);
	bool edge = end == pt_ia_last(m->f) + 1 ||
		    ((m->f->flags & SWMMU_FMT_SIGN_EXTEND) && end == 1ULL << (m->f->va_bits - 1));

	if (ia >= end)
		return edge;
	if (ia + *len <= end || edge || *len < align || (*len % align) != 0)
		return true;
	*len = ((end - ia) / align) * align;
	return *len != 0;
}

static u32 rnd_prot(struct model *m)
{
	u64 r = rnd(m, 40);

	if (r == 0)
		return SWMMU_PROT_R | 0x80;		/* invalid bit */
	if (r == 1)
		return SWMMU_PROT_MT(7) | SWMMU_PROT_R;	/* invalid memory type */
	if (r < 6)
		return (u32)rnd(m, 0x40) | SWMMU_PROT_MT(rnd(m, SWMMU_MT_NR));
	return m->prots[rnd(m, m->nprots)];
}

static bool prot_expressible(struct model *m, u32 prot)
{
	struct swmmu_as as;
	u64 g = 1ULL << m->g;
	bool ok;

	if (swmmu_as_init(&as, m->f, &m->tm->mem))
		return false;
	ok = !swmmu_map(&as, 0, 0, g, prot);
	swmmu_as_destroy(&as);
	return ok;
}

static int expect_prot(struct model *m, u32 prot)
{
	if (prot & ~SWMMU_PROT_VALID || SWMMU_PROT_GET_MT(prot) >= SWMMU_MT_NR ||
	    ((prot & SWMMU_PROT_NULL) && prot != SWMMU_PROT_NULL))
		return -EINVAL;
	return prot_expressible(m, prot) ? 0 : -EOPNOTSUPP;
}

static bool table_in_range(struct model *m, u64 start, u64 last, unsigned int lvl);

static void op_map(struct model *m, bool sg)
{
	u64 align = rnd_align(m), va_ia = rnd_ia(m) & ~(align - 1), len = rnd_len(m, align);
	u64 pa = (rnd(m, 1ULL << 20) << m->g) & ~(align - 1), forced = 0, start, last, i;
	u32 prot = rnd_prot(m);
	struct swmmu_map_opts o = { 0 };
	struct swmmu_seg segs[3];
	unsigned int nseg = 1;
	int want, got, r;

	if (!fit(m, va_ia, &len, align))
		return;
	if (rnd(m, 4) == 0)
		forced = rnd(m, 10) ? rnd_align(m) : 3 * (1ULL << m->g);	/* or not a power of 2 */
	if (rnd(m, 30) == 0)
		pa = (1ULL << m->f->oa_bits) - (1ULL << m->g);	/* OA at the top */
	if (rnd(m, 40) == 0)
		pa |= 1ULL << (m->g - 1);			/* unaligned OA */
	o.pgsize = forced;
	segs[0].pa = pa;
	segs[0].len = len;
	if (sg && len >= 2 * align && !(len % align)) {
		u64 half = (len / align / 2) * align;

		nseg = 2;
		segs[0].len = half;
		segs[1].pa = ((rnd(m, 1ULL << 20) << m->g) & ~(align - 1)) + (1ULL << 32);
		segs[1].len = len - half;
	}
	/* Expected result, in the documented order. */
	want = expect_prot(m, prot);
	if (!want && forced) {
		if (forced & (forced - 1))
			want = -EINVAL;
		else if (!(m->pgsizes & forced))
			want = -EOPNOTSUPP;
	}
	if (!want) {
		u64 gran = forced ? forced : 1ULL << m->g, total = 0;

		for (i = 0; i < nseg && !want; i++) {
			if (!segs[i].len || (segs[i].len & (gran - 1)) ||
			    (!(prot & SWMMU_PROT_NULL) && (segs[i].pa & (gran - 1))))
				want = -EINVAL;
			total += segs[i].len;
		}
		if (!want && (canon(m, va_ia) & (gran - 1)))
			want = -EINVAL;
		if (!want)
			want = model_range(m, canon(m, va_ia), total, &start, &last);
		for (i = 0; i < nseg && !want && !(prot & SWMMU_PROT_NULL); i++)
			if (segs[i].pa + segs[i].len - 1 < segs[i].pa ||
			    !pt_oa_ok(m->f, segs[i].pa + segs[i].len - 1))
				want = -ERANGE;
		for (i = start; !want && i <= last && i >= start; i += 1ULL << m->g) {
			struct mpage *p = mp(m, i);

			if (p && p->mapped)
				want = -EEXIST;
		}
	}
	if (nseg == 1 && !forced && rnd(m, 2))
		got = swmmu_map(&m->as, canon(m, va_ia), pa, len, prot);
	else
		got = swmmu_map_sg(&m->as, canon(m, va_ia), segs, nseg, prot, forced ? &o : NULL);
	snprintf(m->where, sizeof(m->where), "%s map%s va 0x%llx len 0x%llx pa 0x%llx prot 0x%x size 0x%llx",
		 m->f->name, sg ? "_sg" : "", (unsigned long long)canon(m, va_ia),
		 (unsigned long long)len, (unsigned long long)pa, prot, (unsigned long long)forced);
	/* A forced size may meet a table left by earlier maps where its leaf must go. */
	if (!want && got == -EEXIST && forced)
		for (r = 0; r < m->f->nr_levels; r++)
			if ((1ULL << m->f->level[r].shift) <= forced &&
			    table_in_range(m, start, last, r + 1))
				want = -EEXIST;
	m->errors_checked += want != 0;
	if (got != want) {
		FAILF(m, "%s: got %s want %s", m->where, test_errname(got), test_errname(want));
		return;
	}
	if (got)
		return;
	for (i = 0, start = va_ia; i < nseg; i++) {
		observe(m, start, start + segs[i].len - 1, segs[i].pa, prot, forced);
		start += segs[i].len;
	}
}

struct tbl_find {
	unsigned int lvl;
	bool found;
};

static int tbl_find_cb(void *ctx, struct swmmu_walk_item *it)
{
	struct tbl_find *t = ctx;

	if (it->level == t->lvl)
		t->found = true;
	return SWMMU_WALK_DESCEND;
}

/* True if a table entry of level lvl lies in [start, last]. */
static bool table_in_range(struct model *m, u64 start, u64 last, unsigned int lvl)
{
	static const struct swmmu_walk_ops ops = { .pre_table = tbl_find_cb };
	struct tbl_find t = { .lvl = lvl };

	swmmu_walk(&m->as, canon(m, start), last - start + 1, &ops, &t);
	return t.found;
}

/* unmap (prot == ~0) or protect: shared range rules. */
static void op_range(struct model *m, bool unmap)
{
	u64 align = rnd_align(m), va_ia = rnd_ia(m) & ~(align - 1), len = rnd_len(m, align);
	u32 flags = rnd(m, 3) == 0 ? SWMMU_UNMAP_SPLIT : 0, prot = unmap ? 0 : rnd_prot(m);
	u64 start = 0, last = 0, i, bytes = 0, got_bytes = 0, lo_cut = 0, hi_cut = 0;
	u64 lo_end = 0, hi_start = 0;
	struct mpage *ps, *pl;
	bool cut = false;
	int want = 0, got;

	if (!fit(m, va_ia, &len, align))
		return;
	if (unmap && rnd(m, 8) == 0)
		flags |= SWMMU_UNMAP_FREE_EMPTY;
	if (rnd(m, 50) == 0)
		flags |= 0x40;
	if (!unmap) {
		if (prot & SWMMU_PROT_NULL)
			want = -EINVAL;
		else
			want = expect_prot(m, prot);
		if (!want && (flags & SWMMU_UNMAP_FREE_EMPTY))
			want = -EINVAL;
	}
	if (!want && (flags & ~(SWMMU_UNMAP_SPLIT | SWMMU_UNMAP_FREE_EMPTY)))
		want = -EINVAL;
	if (!want && (!len || ((canon(m, va_ia) | len) & pt_lowmask(m->g))))
		want = -EINVAL;
	if (!want)
		want = model_range(m, canon(m, va_ia), len, &start, &last);
	if (!want) {
		ps = mp(m, start);
		pl = mp(m, last);
		/* A split rewrites the whole cut entry, inside and outside the range. */
		if (ps && ps->mapped && ps->entry_ia < start) {
			cut = true;
			lo_cut = ps->entry_ia;
			lo_end = ps->entry_ia + pt_lowmask(ps->size_lg2);
		}
		if (pl && pl->mapped && pl->entry_ia + pt_lowmask(pl->size_lg2) > last) {
			cut = true;
			hi_start = pl->entry_ia;
			hi_cut = pl->entry_ia + pt_lowmask(pl->size_lg2);
		}
		if (cut && !(flags & SWMMU_UNMAP_SPLIT))
			want = -EINVAL;
	}
	if (!want) {
		for (i = start; i <= last && i >= start; i += 1ULL << m->g) {
			struct mpage *p = mp(m, i);

			if (p && p->mapped)
				bytes += 1ULL << m->g;
		}
		if (!bytes)
			want = -ENOENT;
	}
	if (unmap)
		got = swmmu_unmap(&m->as, canon(m, va_ia), len, flags, NULL, &got_bytes);
	else
		got = swmmu_protect(&m->as, canon(m, va_ia), len, prot, flags, NULL);
	snprintf(m->where, sizeof(m->where), "%s %s va 0x%llx len 0x%llx flags 0x%x prot 0x%x",
		 m->f->name, unmap ? "unmap" : "protect", (unsigned long long)canon(m, va_ia),
		 (unsigned long long)len, flags, prot);
	m->errors_checked += want != 0;
	if (got != want) {
		FAILF(m, "%s: got %s want %s", m->where, test_errname(got), test_errname(want));
		return;
	}
	if (unmap && got_bytes != (got ? 0 : bytes))
		FAILF(m, "%s: unmapped 0x%llx bytes, model 0x%llx", m->where,
		      (unsigned long long)got_bytes, (unsigned long long)bytes);
	if (got)
		return;
	/* Protect leaves NULL (sparse) pages unchanged. */
	for (i = start; i <= last && i >= start; i += 1ULL << m->g) {
		struct mpage *p = mp(m, i);

		if (!p || !p->mapped)
			continue;
		if (unmap)
			p->mapped = false;
		else if (!(p->prot & SWMMU_PROT_NULL))
			p->prot = prot;
	}
	if (lo_end)
		relearn(m, lo_cut, lo_end);
	if (hi_cut)
		relearn(m, hi_start, hi_cut);
}

static void op_query(struct model *m)
{
	u64 ia = rnd_ia(m);

	if (rnd(m, 20) == 0 && (m->f->flags & SWMMU_FMT_SIGN_EXTEND)) {
		u64 bad = 1ULL << (m->f->va_bits - 1);	/* non-canonical */
		struct swmmu_xlate x;
		int ret = swmmu_query(&m->as, bad, &x);

		if (ret != -ERANGE)
			FAILF(m, "%s: query of non-canonical 0x%llx: %s", m->f->name,
			      (unsigned long long)bad, test_errname(ret));
		return;
	}
	check_query(m, ia + rnd(m, 1ULL << m->g));
}

void model_check_all(struct model *m)
{
	u64 i;

	for (i = 0; i < m->npages && !m->failed; i++)
		check_query(m, m->base + (i << m->g));
}

void model_step(struct model *m)
{
	u64 r = rnd(m, 100);

	m->ops++;
	if (r < 35)
		op_map(m, r < 8);
	else if (r < 60)
		op_range(m, true);
	else if (r < 72)
		op_range(m, false);
	else if (r < 74)
		swmmu_free_empty(&m->as, canon(m, m->base), m->npages << m->g, NULL);
	else
		op_query(m);
}

int model_init(struct model *m, const struct swmmu_format *f, struct test_mem *tm, u64 base,
	       u64 npages, u64 seed)
{
	static const u32 cand[] = {
		SWMMU_PROT_R, SWMMU_PROT_R | SWMMU_PROT_W, SWMMU_PROT_R | SWMMU_PROT_X,
		SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_U | SWMMU_PROT_G, SWMMU_PROT_W,
		SWMMU_PROT_X, SWMMU_PROT_R | SWMMU_PROT_MT(SWMMU_MT_DEVICE),
		SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_MT(SWMMU_MT_WT),
		SWMMU_PROT_R | SWMMU_PROT_MT(SWMMU_MT_UC), SWMMU_PROT_NULL,
		SWMMU_PROT_R | SWMMU_PROT_W | SWMMU_PROT_X | SWMMU_PROT_U,
	};
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->f = f;
	m->tm = tm;
	m->base = base;
	m->npages = npages;
	m->seed = seed;
	m->pgsizes = swmmu_format_pgsizes(f);
	m->g = (unsigned int)__builtin_ctzll(m->pgsizes);
	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		m->prots[m->nprots++] = cand[i];
	m->pg = calloc(npages, sizeof(*m->pg));
	if (!m->pg)
		return -ENOMEM;
	if (swmmu_as_init(&m->as, f, &tm->mem)) {
		free(m->pg);
		return -ENOMEM;
	}
	return 0;
}

void model_fini(struct model *m)
{
	swmmu_as_destroy(&m->as);
	free(m->pg);
}
