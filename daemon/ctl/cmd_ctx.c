// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmuctl ctx: the driver-managed contexts of the module (SWMMU_AS_DRIVER_TABLES address spaces
 * of every open /dev/swmmu file) over netlink CTX_GET:
 *   swmmuctl ctx list        every context (a dump)
 *   swmmuctl ctx show ID     one context by its module-wide ID (the ID monitor's check events
 *                            name)
 * Each shows the context registers as the driver programmed them (SWMMU_CTX_SET), the occupancy
 * of its TLB and walk cache, and its counters. Needs CAP_NET_ADMIN (the root is a DMA address).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

struct ctl_ctx_stats {
	uint64_t v[SWMMU_A_CTX_STATS_MAX + 1];
};

/* JSON keys of the SWMMU_A_CTX_STATS_* attributes, in attribute order. */
static const char *const ctl_ctx_stat_keys[SWMMU_A_CTX_STATS_MAX + 1] = {
	[SWMMU_A_CTX_STATS_TLB_ENTRIES] = "tlb_entries",
	[SWMMU_A_CTX_STATS_TLB_USED] = "tlb_used",
	[SWMMU_A_CTX_STATS_WALK_ENTRIES] = "walk_entries",
	[SWMMU_A_CTX_STATS_WALK_USED] = "walk_used",
	[SWMMU_A_CTX_STATS_HITS] = "hits",
	[SWMMU_A_CTX_STATS_MISSES] = "misses",
	[SWMMU_A_CTX_STATS_WALKS] = "walks",
	[SWMMU_A_CTX_STATS_FAULTS] = "faults",
	[SWMMU_A_CTX_STATS_AD_UPDATES] = "ad_updates",
	[SWMMU_A_CTX_STATS_INVALIDATIONS] = "invalidations",
	[SWMMU_A_CTX_STATS_INVAL_DROPPED] = "inval_dropped",
	[SWMMU_A_CTX_STATS_CHECKS] = "checks",
	[SWMMU_A_CTX_STATS_STALE] = "stale",
	[SWMMU_A_CTX_STATS_BBM] = "bbm",
	[SWMMU_A_CTX_STATS_TABLE_REUSE] = "table_reuse",
};

static void ctl_ctx_parse_stats(struct nlattr *nest, struct ctl_ctx_stats *st)
{
	struct nlattr *tb[SWMMU_A_CTX_STATS_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (!nest || swnl_parse_nested(tb, SWMMU_A_CTX_STATS_MAX, nest))
		return;
	for (i = SWMMU_A_CTX_STATS_TLB_ENTRIES; i <= SWMMU_A_CTX_STATS_MAX; i++)
		if (tb[i] && nla_len(tb[i]) >= 8)
			st->v[i] = nla_get_u64(tb[i]);
}

struct ctl_ctx_list {
	struct ctl *c;
	unsigned int nr;
};

static int ctl_ctx_cb(struct nlattr **tb, void *arg)
{
	struct ctl_ctx_list *l = arg;
	struct ctl *c = l->c;
	uint32_t id = tb[SWMMU_A_CTX] ? nla_get_u32(tb[SWMMU_A_CTX]) : 0;
	uint32_t pid = tb[SWMMU_A_ATTACHED_PID] ? nla_get_u32(tb[SWMMU_A_ATTACHED_PID]) : 0;
	const char *fmt = tb[SWMMU_A_FORMAT] ? nla_get_string(tb[SWMMU_A_FORMAT]) : "?";
	unsigned int va = tb[SWMMU_A_VA_BITS] ? nla_get_u8(tb[SWMMU_A_VA_BITS]) : 0;
	uint32_t asid = tb[SWMMU_A_ASID] ? nla_get_u32(tb[SWMMU_A_ASID]) : 0;
	uint64_t root = tb[SWMMU_A_ROOT] ? nla_get_u64(tb[SWMMU_A_ROOT]) : 0;
	uint32_t flags = tb[SWMMU_A_CTX_FLAGS] ? nla_get_u32(tb[SWMMU_A_CTX_FLAGS]) : 0;
	uint32_t check = tb[SWMMU_A_CHECK_MODE] ? nla_get_u32(tb[SWMMU_A_CHECK_MODE]) : 0;
	struct ctl_ctx_stats st;
	const uint64_t *v = st.v;
	int i;

	ctl_ctx_parse_stats(tb[SWMMU_A_CTX_STATS], &st);
	l->nr++;
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "ctx", id);
		jsonw_u64(&c->j, "pid", pid);
		jsonw_str(&c->j, "format", fmt);
		jsonw_u64(&c->j, "va_bits", va);
		jsonw_u64(&c->j, "asid", asid);
		jsonw_u64(&c->j, "root", root);
		jsonw_bool(&c->j, "enabled", flags & SWMMU_CTX_ENABLE);
		jsonw_bool(&c->j, "hw_ad", flags & SWMMU_CTX_HW_AD);
		jsonw_str(&c->j, "check", swnl_check_mode_name(check));
		jsonw_obj_open(&c->j, "stats");
		for (i = SWMMU_A_CTX_STATS_TLB_ENTRIES; i <= SWMMU_A_CTX_STATS_MAX; i++)
			if (ctl_ctx_stat_keys[i])
				jsonw_u64(&c->j, ctl_ctx_stat_keys[i], v[i]);
		jsonw_obj_close(&c->j);
		jsonw_obj_close(&c->j);
		return 0;
	}
	printf("ctx %u: pid %u format %s va-bits %u asid %u root %#" PRIx64 " %s%s check %s\n",
	       id, pid, fmt, va, asid, root, flags & SWMMU_CTX_ENABLE ? "enabled" : "disabled",
	       flags & SWMMU_CTX_HW_AD ? " hw-ad" : "", swnl_check_mode_name(check));
	printf("    TLB %" PRIu64 "/%" PRIu64 " entries used, walk cache %" PRIu64 "/%" PRIu64 "\n",
	       v[SWMMU_A_CTX_STATS_TLB_USED], v[SWMMU_A_CTX_STATS_TLB_ENTRIES],
	       v[SWMMU_A_CTX_STATS_WALK_USED], v[SWMMU_A_CTX_STATS_WALK_ENTRIES]);
	printf("    %" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64 " walks, %" PRIu64 " faults, %"
	       PRIu64 " A/D updates\n", v[SWMMU_A_CTX_STATS_HITS], v[SWMMU_A_CTX_STATS_MISSES],
	       v[SWMMU_A_CTX_STATS_WALKS], v[SWMMU_A_CTX_STATS_FAULTS],
	       v[SWMMU_A_CTX_STATS_AD_UPDATES]);
	printf("    %" PRIu64 " invalidations (%" PRIu64 " entries dropped), %" PRIu64 " checks: %"
	       PRIu64 " stale, %" PRIu64 " bbm, %" PRIu64 " table reuse\n",
	       v[SWMMU_A_CTX_STATS_INVALIDATIONS], v[SWMMU_A_CTX_STATS_INVAL_DROPPED],
	       v[SWMMU_A_CTX_STATS_CHECKS], v[SWMMU_A_CTX_STATS_STALE], v[SWMMU_A_CTX_STATS_BBM],
	       v[SWMMU_A_CTX_STATS_TABLE_REUSE]);
	return 0;
}

/**
 * ctl_ctx() - "swmmuctl ctx { list | show ID }"
 * @c: the context
 * @argc: arguments after the object name
 * @argv: the arguments
 *
 * Return: 0, 1 on failure, 2 on bad usage.
 */
int ctl_ctx(struct ctl *c, int argc, char **argv)
{
	struct ctl_ctx_list l = { .c = c };
	struct nl_msg *msg;
	uint64_t id;
	int ret;

	if (!argc || !strcmp(argv[0], "list")) {
		if (argc > 1)
			return ctl_usage("ctx list takes no arguments");
		if (c->json)
			jsonw_arr_open(&c->j, NULL);
		ret = swnl_request(&c->nl, swnl_msg(&c->nl, SWMMU_NL_CMD_CTX_GET, NLM_F_DUMP),
				   ctl_ctx_cb, &l);
		if (c->json)
			jsonw_arr_close(&c->j);
		else if (!ret && !l.nr)
			printf("(no driver-managed contexts)\n");
		return ret ? ctl_fail(c, "ctx list") : 0;
	}
	if (!strcmp(argv[0], "show") && argc == 2) {
		if (swnl_parse_u64(argv[1], &id) || id > UINT32_MAX)
			return ctl_usage("invalid context ID \"%s\" (a number, as ctx list shows)",
					 argv[1]);
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_CTX_GET, 0);
		if (msg)
			nla_put_u32(msg, SWMMU_A_CTX, (uint32_t)id);
		if (swnl_request(&c->nl, msg, ctl_ctx_cb, &l))
			return ctl_fail(c, "ctx show");
		return 0;
	}
	return ctl_usage("ctx { list | show ID }");
}
