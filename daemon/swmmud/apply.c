// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud: make the kernel match the configuration (only the difference on a reload), and serve
 * faults.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "swmmud.h"

static const struct cfg_fmt *find_fmt(const struct cfg *c, const char *name)
{
	unsigned int i;

	for (i = 0; c && i < c->nr_fmts; i++)
		if (!strcmp(c->fmts[i].name, name))
			return &c->fmts[i];
	return NULL;
}

static bool region_eq(const struct cfg_region *a, const struct cfg_region *b)
{
	return a->iova == b->iova && a->size == b->size && a->pgsize == b->pgsize;
}

static const struct cfg_region *find_region(const struct cfg_as *a, const struct cfg_region *r)
{
	unsigned int i;

	for (i = 0; a && i < a->nr_regions; i++)
		if (region_eq(&a->regions[i], r))
			return &a->regions[i];
	return NULL;
}

static struct served *served_get(struct daemon *d, const char *name)
{
	struct served *s;
	unsigned int i;

	for (i = 0; i < d->nr_served; i++)
		if (!strcmp(d->served[i].name, name))
			return &d->served[i];
	s = realloc(d->served, (d->nr_served + 1) * sizeof(*s));
	if (!s)
		return NULL;
	d->served = s;
	s = &d->served[d->nr_served++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->granule = 4096;
	return s;
}

/* One request; logs a failure with the kernel's extended ACK text. Returns 0 or -errno. */
static int req(struct daemon *d, struct nl_msg *msg, swnl_reply_fn fn, void *arg,
	       const char *what, const char *name, int quiet_err)
{
	int ret = swnl_request(&d->nl, msg, fn, arg);

	if (ret && ret != quiet_err)
		dlog(LOG_ERR, "%s %s: %s", what, name, swnl_strerror(&d->nl));
	return ret;
}

static int fmt_new(struct daemon *d, const struct cfg_fmt *f)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_FORMAT_NEW, 0);
	int ret;

	if (msg) {
		nla_put_string(msg, SWMMU_A_NAME, f->name);
		nla_put_string(msg, SWMMU_A_FORMAT_TEXT, f->text);
	}
	ret = req(d, msg, NULL, NULL, "define format", f->name, -EEXIST);
	if (ret == -EEXIST) {
		dlog(LOG_INFO, "format %s: already defined, adopted", f->name);
		return 0;
	}
	if (!ret)
		dlog(LOG_INFO, "format %s: defined", f->name);
	return ret;
}

static int fmt_del(struct daemon *d, const char *name)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_FORMAT_DEL, 0);
	int ret;

	if (msg)
		nla_put_string(msg, SWMMU_A_NAME, name);
	ret = req(d, msg, NULL, NULL, "delete format", name, -ENOENT);
	if (!ret)
		dlog(LOG_INFO, "format %s: deleted", name);
	return ret == -ENOENT ? 0 : ret;
}

static void put_attrs(struct nl_msg *msg, const struct cfg_as *a)
{
	nla_put_u32(msg, SWMMU_A_OWNER_UID, a->uid);
	nla_put_u32(msg, SWMMU_A_OWNER_GID, a->gid);
	nla_put_u16(msg, SWMMU_A_MODE, (uint16_t)a->mode);
	nla_put_u8(msg, SWMMU_A_FAULT_MODE, (uint8_t)a->fault);
	nla_put_u64(msg, SWMMU_A_FAULT_QUOTA, a->quota);
}

static int as_set(struct daemon *d, const struct cfg_as *a)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_AS_SET, 0);
	int ret;

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, a->name);
		put_attrs(msg, a);
	}
	ret = req(d, msg, NULL, NULL, "configure address space", a->name, 0);
	if (!ret)
		dlog(LOG_INFO, "address space %s: owner %u group %u mode %04o fault %s quota %"
		     PRIu64, a->name, a->uid, a->gid, a->mode, swnl_fault_mode_name(a->fault),
		     a->quota);
	return ret;
}

struct as_info {
	char format[SWMMU_NL_NAME_LEN];
	unsigned int va_bits;
	uint64_t pgsizes;
};

static int as_info_cb(struct nlattr **tb, void *arg)
{
	struct as_info *i = arg;

	if (tb[SWMMU_A_FORMAT])
		snprintf(i->format, sizeof(i->format), "%s", nla_get_string(tb[SWMMU_A_FORMAT]));
	i->va_bits = tb[SWMMU_A_VA_BITS] ? nla_get_u8(tb[SWMMU_A_VA_BITS]) : 0;
	i->pgsizes = tb[SWMMU_A_PGSIZES] ? nla_get_u64(tb[SWMMU_A_PGSIZES]) : 0;
	return 0;
}

static int as_get(struct daemon *d, const char *name, struct as_info *i)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_AS_GET, 0);

	memset(i, 0, sizeof(*i));
	if (msg)
		nla_put_string(msg, SWMMU_A_AS, name);
	return swnl_request(&d->nl, msg, as_info_cb, i);
}

static int region_map(struct daemon *d, const struct cfg_as *a, const struct cfg_region *r,
		      bool adopt)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_MAP, 0);
	int ret;
	int b;

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, a->name);
		nla_put_u64(msg, SWMMU_A_IOVA, r->iova);
		nla_put_u64(msg, SWMMU_A_LENGTH, r->size);
		nla_put_u32(msg, SWMMU_A_PROT, r->prot);
		if (r->pgsize) {
			for (b = 0; (1ULL << b) != r->pgsize; b++)
				;
			nla_put_u8(msg, SWMMU_A_PGSIZE_LG2, (uint8_t)b);
		}
	}
	ret = req(d, msg, NULL, NULL, "map a region of", a->name, adopt ? -EEXIST : 0);
	if (ret == -EEXIST && adopt)
		return 0;
	if (!ret)
		dlog(LOG_INFO, "address space %s: mapped %#" PRIx64 " + %#" PRIx64, a->name,
		     r->iova, r->size);
	return ret;
}

static int region_unmap(struct daemon *d, const struct cfg_as *a, const struct cfg_region *r)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_UNMAP, 0);
	int ret;

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, a->name);
		nla_put_u64(msg, SWMMU_A_IOVA, r->iova);
		nla_put_u64(msg, SWMMU_A_LENGTH, r->size);
	}
	ret = req(d, msg, NULL, NULL, "unmap a region of", a->name, 0);
	if (!ret)
		dlog(LOG_INFO, "address space %s: unmapped %#" PRIx64 " + %#" PRIx64, a->name,
		     r->iova, r->size);
	return ret;
}

static int region_protect(struct daemon *d, const struct cfg_as *a, const struct cfg_region *r)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_PROTECT, 0);
	char p[8];
	int ret;

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, a->name);
		nla_put_u64(msg, SWMMU_A_IOVA, r->iova);
		nla_put_u64(msg, SWMMU_A_LENGTH, r->size);
		nla_put_u32(msg, SWMMU_A_PROT, r->prot);
	}
	ret = req(d, msg, NULL, NULL, "protect a region of", a->name, 0);
	swnl_prot_str(r->prot, p, sizeof(p));
	if (!ret)
		dlog(LOG_INFO, "address space %s: %#" PRIx64 " + %#" PRIx64 " is now %s", a->name,
		     r->iova, r->size, p);
	return ret;
}

static int as_new(struct daemon *d, const struct cfg_as *a, bool adopt)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_AS_NEW, 0);
	struct served *s;
	struct as_info info;
	unsigned int i;
	int ret, fails = 0;

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, a->name);
		nla_put_string(msg, SWMMU_A_FORMAT, a->format);
		if (a->va_bits)
			nla_put_u8(msg, SWMMU_A_VA_BITS, (uint8_t)a->va_bits);
		put_attrs(msg, a);
	}
	ret = req(d, msg, NULL, NULL, "create address space", a->name, adopt ? -EEXIST : 0);
	if (ret == -EEXIST) {
		/* It survived a daemon restart: keep it if it is the same kind. */
		if (as_get(d, a->name, &info) || strcmp(info.format, a->format) ||
		    (a->va_bits && info.va_bits != a->va_bits)) {
			dlog(LOG_ERR, "address space %s exists with another format; "
			     "delete it or rename it in the configuration", a->name);
			return 1;
		}
		dlog(LOG_INFO, "address space %s: exists, adopted", a->name);
		if (as_set(d, a))
			fails++;
	} else if (ret) {
		return 1;
	} else {
		dlog(LOG_INFO, "address space %s: created (format %s)", a->name, a->format);
	}
	if (!as_get(d, a->name, &info) && info.pgsizes && (s = served_get(d, a->name)))
		s->granule = info.pgsizes & -info.pgsizes;
	for (i = 0; i < a->nr_regions; i++)
		if (region_map(d, a, &a->regions[i], adopt))
			fails++;
	return fails;
}

static int as_del(struct daemon *d, const char *name)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_AS_DEL, 0);
	struct served *s;
	int ret;

	if (msg)
		nla_put_string(msg, SWMMU_A_AS, name);
	ret = req(d, msg, NULL, NULL, "delete address space", name, -ENOENT);
	if (ret == -ENOENT)
		ret = 0;
	if (!ret) {
		dlog(LOG_INFO, "address space %s: deleted", name);
		s = served_get(d, name);
		if (s)
			s->bytes = 0;
	}
	return ret;
}

static bool as_recreate(const struct cfg_as *o, const struct cfg_as *n, const struct cfg *old,
			const struct cfg *want)
{
	const struct cfg_fmt *of = find_fmt(old, o->format), *nf = find_fmt(want, n->format);

	if (strcmp(o->format, n->format) || o->va_bits != n->va_bits)
		return true;
	/* Its runtime format changes: the address space goes with it. */
	return of && nf && strcmp(of->text, nf->text);
}

int apply_config(struct daemon *d, const struct cfg *want)
{
	const struct cfg *old = d->applied;
	bool adopt = !old;
	unsigned int i, j;
	int fails = 0;

	/* 1. Address spaces that go away or change format. */
	for (i = 0; old && i < old->nr_as; i++) {
		const struct cfg_as *o = &old->as[i], *n = cfg_find_as(want, o->name);

		if (!n || as_recreate(o, n, old, want))
			fails += !!as_del(d, o->name);
	}
	/* 2. Runtime formats that go away or change. */
	for (i = 0; old && i < old->nr_fmts; i++) {
		const struct cfg_fmt *n = find_fmt(want, old->fmts[i].name);

		if (!n || strcmp(n->text, old->fmts[i].text))
			fails += !!fmt_del(d, old->fmts[i].name);
	}
	/* 3. New and changed formats. */
	for (i = 0; i < want->nr_fmts; i++) {
		const struct cfg_fmt *o = find_fmt(old, want->fmts[i].name);

		if (!o || strcmp(o->text, want->fmts[i].text))
			fails += !!fmt_new(d, &want->fmts[i]);
	}
	/* 4. New address spaces; 5. the difference in the others. */
	for (i = 0; i < want->nr_as; i++) {
		const struct cfg_as *n = &want->as[i], *o = cfg_find_as(old, n->name);

		if (!o || as_recreate(o, n, old, want)) {
			fails += as_new(d, n, adopt);
			continue;
		}
		if (o->uid != n->uid || o->gid != n->gid || o->mode != n->mode ||
		    o->fault != n->fault || o->quota != n->quota)
			fails += !!as_set(d, n);
		for (j = 0; j < o->nr_regions; j++) {
			const struct cfg_region *r = find_region(n, &o->regions[j]);

			if (!r)
				fails += !!region_unmap(d, o, &o->regions[j]);
		}
		for (j = 0; j < n->nr_regions; j++) {
			const struct cfg_region *r = find_region(o, &n->regions[j]);

			if (!r)
				fails += !!region_map(d, n, &n->regions[j], false);
			else if (r->prot != n->regions[j].prot)
				fails += !!region_protect(d, n, &n->regions[j]);
		}
	}
	return fails;
}

/* ---- faults ------------------------------------------------------------------------------------- */

static int fault_resolve(struct daemon *d, const char *as, uint64_t id, uint8_t resp)
{
	struct nl_msg *msg = swnl_msg(&d->nl, SWMMU_NL_CMD_FAULT_RESOLVE, 0);

	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, as);
		nla_put_u64(msg, SWMMU_A_FAULT_ID, id);
		nla_put_u8(msg, SWMMU_A_FAULT_RESP, resp);
	}
	return req(d, msg, NULL, NULL, "answer a fault of", as, -ENOENT);
}

void serve_fault(struct daemon *d, struct nlattr **tb)
{
	const char *as = tb[SWMMU_A_AS] ? nla_get_string(tb[SWMMU_A_AS]) : NULL;
	uint64_t iova = tb[SWMMU_A_IOVA] ? nla_get_u64(tb[SWMMU_A_IOVA]) : 0;
	uint64_t id = tb[SWMMU_A_FAULT_ID] ? nla_get_u64(tb[SWMMU_A_FAULT_ID]) : 0;
	uint32_t access = tb[SWMMU_A_FAULT_ACCESS] ? nla_get_u32(tb[SWMMU_A_FAULT_ACCESS]) : 0;
	uint32_t reason = tb[SWMMU_A_FAULT_REASON] ? nla_get_u32(tb[SWMMU_A_FAULT_REASON]) : 0;
	bool stalled = tb[SWMMU_A_FAULT_STALLED];
	const struct cfg_as *a;
	struct served *s;
	struct nl_msg *msg;
	char acc[8];
	uint64_t page;

	if (!as)
		return;
	swnl_prot_str(access, acc, sizeof(acc));
	a = cfg_find_as(d->applied, as);
	if (!stalled || !a || a->fault != SWMMU_FAULT_MODE_SERVE) {
		dlog(a && a->fault == SWMMU_FAULT_MODE_LOG ? LOG_WARNING : LOG_INFO,
		     "fault in %s at %#" PRIx64 " (access %s, %s)%s", as, iova, acc,
		     swnl_fault_reason_name(reason),
		     stalled ? ", not served" : "");
		if (stalled)
			fault_resolve(d, as, id, SWMMU_NL_FAULT_FAIL);
		return;
	}
	s = served_get(d, as);
	if (!s) {
		fault_resolve(d, as, id, SWMMU_NL_FAULT_FAIL);
		return;
	}
	/* Only a hole can be served: a permission fault stays a fault. */
	if (reason != SWMMU_FAULT_NOT_PRESENT || s->bytes + s->granule > a->quota) {
		dlog(LOG_WARNING, "fault in %s at %#" PRIx64 " (access %s, %s): %s", as,
		     iova, acc, swnl_fault_reason_name(reason), reason != SWMMU_FAULT_NOT_PRESENT ?
		     "not a missing page, failed" : "fault quota used up, failed");
		fault_resolve(d, as, id, SWMMU_NL_FAULT_FAIL);
		return;
	}
	page = iova & ~(s->granule - 1);
	msg = swnl_msg(&d->nl, SWMMU_NL_CMD_MAP, 0);
	if (msg) {
		nla_put_string(msg, SWMMU_A_AS, as);
		nla_put_u64(msg, SWMMU_A_IOVA, page);
		nla_put_u64(msg, SWMMU_A_LENGTH, s->granule);
		nla_put_u32(msg, SWMMU_A_PROT, SWMMU_PROT_READ | SWMMU_PROT_WRITE |
			    (access & SWMMU_PROT_EXEC));
	}
	/* EEXIST: another fault on the same page was served first. */
	if (req(d, msg, NULL, NULL, "serve a fault of", as, -EEXIST) &&
	    d->nl.err != -EEXIST) {
		fault_resolve(d, as, id, SWMMU_NL_FAULT_FAIL);
		return;
	}
	if (!d->nl.err)
		s->bytes += s->granule;
	dlog(LOG_INFO, "fault in %s at %#" PRIx64 " (access %s): served with a zeroed page at %#"
	     PRIx64 " (%" PRIu64 " of %" PRIu64 " bytes of quota used)", as, iova, acc, page,
	     s->bytes, a->quota);
	fault_resolve(d, as, id, SWMMU_NL_FAULT_RETRY);
}
