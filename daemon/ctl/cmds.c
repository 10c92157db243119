// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmuctl subcommands: formats, named address spaces, map/unmap/protect/query/dump/stats,
 * monitor and draw.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "swdraw.h"
#include "swmmu_format.h"

/* ---- argument helpers -------------------------------------------------------------------------- */

/* "key value" pairs after the positional arguments. */
struct ctl_kv {
	const char *key;
	const char *val;
};

static int ctl_kvs(int argc, char **argv, const char *const *keys, struct ctl_kv *out)
{
	int i, k;

	for (i = 0; i < argc; i += 2) {
		for (k = 0; keys[k]; k++)
			if (!strcmp(argv[i], keys[k]))
				break;
		if (!keys[k])
			return ctl_usage("unknown argument \"%s\"", argv[i]);
		if (i + 1 >= argc)
			return ctl_usage("\"%s\" needs a value", argv[i]);
		out[k].key = keys[k];
		out[k].val = argv[i + 1];
	}
	return 0;
}

static int ctl_u64(const char *what, const char *s, uint64_t *v)
{
	if (swnl_parse_u64(s, v))
		return ctl_usage("invalid %s \"%s\"", what, s);
	return 0;
}

static int ctl_lg2(uint64_t v)
{
	int b = 0;

	if (!v || (v & (v - 1)))
		return -1;
	while (v >>= 1)
		b++;
	return b;
}

/* ---- info -------------------------------------------------------------------------------------- */

static int ctl_info_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	uint32_t ver = tb[SWMMU_A_VERSION] ? nla_get_u32(tb[SWMMU_A_VERSION]) : 0;
	uint64_t seq = tb[SWMMU_A_EVENT_SEQ] ? nla_get_u64(tb[SWMMU_A_EVENT_SEQ]) : 0;
	uint32_t nr = tb[SWMMU_A_NR_AS] ? nla_get_u32(tb[SWMMU_A_NR_AS]) : 0;
	uint32_t max = tb[SWMMU_A_MAX_AS] ? nla_get_u32(tb[SWMMU_A_MAX_AS]) : 0;

	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "version", ver);
		jsonw_u64(&c->j, "event_seq", seq);
		jsonw_u64(&c->j, "address_spaces", nr);
		jsonw_u64(&c->j, "max_address_spaces", max);
		jsonw_obj_close(&c->j);
	} else {
		printf("swmmu netlink family version %u\n", ver);
		printf("named address spaces: %u of %u\n", nr, max);
		printf("last event sequence number: %" PRIu64 "\n", seq);
	}
	return 0;
}

int ctl_info(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return ctl_usage("info takes no arguments");
	if (swnl_request(&c->nl, swnl_msg(&c->nl, SWMMU_NL_CMD_GET_INFO, 0), ctl_info_cb, c))
		return ctl_fail(c, "info");
	return 0;
}

/* ---- formats ----------------------------------------------------------------------------------- */

static void ctl_pgsizes(uint64_t pg, char *buf, size_t len)
{
	size_t off = 0;
	int b;

	buf[0] = 0;
	for (b = 0; b < 64 && off < len; b++) {
		char s[24];

		if (!(pg & (1ULL << b)))
			continue;
		swnl_size_str(1ULL << b, s, sizeof(s));
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "", s);
	}
}

static int ctl_format_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	const char *name = tb[SWMMU_A_NAME] ? nla_get_string(tb[SWMMU_A_NAME]) : "?";
	unsigned int lv = tb[SWMMU_A_NR_LEVELS] ? nla_get_u8(tb[SWMMU_A_NR_LEVELS]) : 0;
	unsigned int va = tb[SWMMU_A_VA_BITS] ? nla_get_u8(tb[SWMMU_A_VA_BITS]) : 0;
	unsigned int oa = tb[SWMMU_A_OA_BITS] ? nla_get_u8(tb[SWMMU_A_OA_BITS]) : 0;
	uint64_t pg = tb[SWMMU_A_PGSIZES] ? nla_get_u64(tb[SWMMU_A_PGSIZES]) : 0;
	bool rt = tb[SWMMU_A_FORMAT_RUNTIME];
	char sizes[128];

	ctl_pgsizes(pg, sizes, sizeof(sizes));
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_str(&c->j, "name", name);
		jsonw_u64(&c->j, "levels", lv);
		jsonw_u64(&c->j, "va_bits", va);
		jsonw_u64(&c->j, "oa_bits", oa);
		jsonw_u64(&c->j, "pgsizes", pg);
		jsonw_bool(&c->j, "runtime", rt);
		if (tb[SWMMU_A_FORMAT_TEXT])
			jsonw_str(&c->j, "text", nla_get_string(tb[SWMMU_A_FORMAT_TEXT]));
		jsonw_obj_close(&c->j);
	} else {
		printf("%-16s levels %u va-bits %-2u oa-bits %-2u pages %s%s\n", name, lv, va, oa,
		       sizes, rt ? " (runtime)" : "");
		if (tb[SWMMU_A_FORMAT_TEXT])
			printf("%s", nla_get_string(tb[SWMMU_A_FORMAT_TEXT]));
	}
	return 0;
}

static char *ctl_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, SWMMU_NL_FORMAT_TEXT_LEN + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, SWMMU_NL_FORMAT_TEXT_LEN, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

int ctl_format(struct ctl *c, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret;

	if (!argc || !strcmp(argv[0], "list")) {
		if (argc > 1)
			return ctl_usage("format list takes no arguments");
		if (c->json)
			jsonw_arr_open(&c->j, NULL);
		ret = swnl_request(&c->nl, swnl_msg(&c->nl, SWMMU_NL_CMD_FORMAT_GET, NLM_F_DUMP),
				   ctl_format_cb, c);
		if (c->json)
			jsonw_arr_close(&c->j);
		return ret ? ctl_fail(c, "format list") : 0;
	}
	if (!strcmp(argv[0], "show") && argc == 2) {
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_FORMAT_GET, 0);
		if (msg)
			nla_put_string(msg, SWMMU_A_NAME, argv[1]);
		if (swnl_request(&c->nl, msg, ctl_format_cb, c))
			return ctl_fail(c, "format show");
		return 0;
	}
	if (!strcmp(argv[0], "add") && argc == 3) {
		char *text = ctl_read_file(argv[2]);

		if (!text) {
			fprintf(stderr, "swmmuctl: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		struct swmmu_format_error ferr;
		struct swmmu_format f;
		const char *m;
		char why[160];

		/* The kernel's parser, here first: FILE:LINE on every kernel (swmmu-format(5)). */
		if (swmmu_format_parse_err(text, strlen(text), &f, &ferr)) {
			swmmu_format_strerror(&ferr, why, sizeof(why));
			fprintf(stderr, "swmmuctl: %s:%s\n", argv[2], why);
			free(text);
			return 1;
		}
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_FORMAT_NEW, 0);
		if (msg) {
			nla_put_string(msg, SWMMU_A_NAME, argv[1]);
			nla_put_string(msg, SWMMU_A_FORMAT_TEXT, text);
		}
		free(text);
		if (!swnl_request(&c->nl, msg, NULL, NULL))
			return 0;
		/* "format description: LINE: ..." from the kernel reads as FILE:LINE: ... */
		m = c->nl.errmsg;
		if (!strncmp(m, "format description: ", 20) && m[20] >= '0' && m[20] <= '9') {
			fprintf(stderr, "swmmuctl: %s:%s\n", argv[2], m + 20);
			return 1;
		}
		return ctl_fail(c, "format add");
	}
	if (!strcmp(argv[0], "del") && argc == 2) {
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_FORMAT_DEL, 0);
		if (msg)
			nla_put_string(msg, SWMMU_A_NAME, argv[1]);
		if (swnl_request(&c->nl, msg, NULL, NULL))
			return ctl_fail(c, "format del");
		return 0;
	}
	return ctl_usage("format { list | show NAME | add NAME FILE | del NAME }");
}

/* ---- address spaces ---------------------------------------------------------------------------- */

struct ctl_stats {
	uint64_t tables, table_bytes, mappings, mapped_bytes, invalidations, cpu_faults, dma_bytes;
};

static void ctl_parse_stats(struct nlattr *nest, struct ctl_stats *st)
{
	struct nlattr *tb[SWMMU_A_STATS_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (!nest || swnl_parse_nested(tb, SWMMU_A_STATS_MAX, nest))
		return;
#define CTL_GET(a, f) do { if (tb[a]) st->f = nla_get_u64(tb[a]); } while (0)
	CTL_GET(SWMMU_A_STATS_TABLES, tables);
	CTL_GET(SWMMU_A_STATS_TABLE_BYTES, table_bytes);
	CTL_GET(SWMMU_A_STATS_MAPPINGS, mappings);
	CTL_GET(SWMMU_A_STATS_MAPPED_BYTES, mapped_bytes);
	CTL_GET(SWMMU_A_STATS_INVALIDATIONS, invalidations);
	CTL_GET(SWMMU_A_STATS_CPU_FAULTS, cpu_faults);
	CTL_GET(SWMMU_A_STATS_DMA_BYTES, dma_bytes);
#undef CTL_GET
}

static void ctl_json_stats(struct ctl *c, const struct ctl_stats *st)
{
	jsonw_obj_open(&c->j, "stats");
	jsonw_u64(&c->j, "tables", st->tables);
	jsonw_u64(&c->j, "table_bytes", st->table_bytes);
	jsonw_u64(&c->j, "mappings", st->mappings);
	jsonw_u64(&c->j, "mapped_bytes", st->mapped_bytes);
	jsonw_u64(&c->j, "invalidations", st->invalidations);
	jsonw_u64(&c->j, "cpu_faults", st->cpu_faults);
	jsonw_u64(&c->j, "dma_bytes", st->dma_bytes);
	jsonw_obj_close(&c->j);
}

/*
 * The pids of the attached files (SWMMU_A_ATTACHED), as a JSON array or as text after a space
 * each; returns how many.
 */
static unsigned int ctl_attached_pids(struct ctl *c, struct nlattr *attached, FILE *out)
{
	unsigned int nr = 0;
	struct nlattr *a;
	int rem;

	if (!attached)
		return 0;
	nla_for_each_nested(a, attached, rem) {
		if (nla_type(a) != SWMMU_A_ATTACHED_PID || nla_len(a) < 4)
			continue;
		if (out)
			fprintf(out, " %u", nla_get_u32(a));
		else
			jsonw_u64(&c->j, NULL, nla_get_u32(a));
		nr++;
	}
	return nr;
}

static int ctl_as_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	const char *name = tb[SWMMU_A_AS] ? nla_get_string(tb[SWMMU_A_AS]) : "?";
	const char *fmt = tb[SWMMU_A_FORMAT] ? nla_get_string(tb[SWMMU_A_FORMAT]) : "?";
	unsigned int va = tb[SWMMU_A_VA_BITS] ? nla_get_u8(tb[SWMMU_A_VA_BITS]) : 0;
	unsigned int lv = tb[SWMMU_A_NR_LEVELS] ? nla_get_u8(tb[SWMMU_A_NR_LEVELS]) : 0;
	uint32_t uid = tb[SWMMU_A_OWNER_UID] ? nla_get_u32(tb[SWMMU_A_OWNER_UID]) : 0;
	uint32_t gid = tb[SWMMU_A_OWNER_GID] ? nla_get_u32(tb[SWMMU_A_OWNER_GID]) : 0;
	unsigned int mode = tb[SWMMU_A_MODE] ? nla_get_u16(tb[SWMMU_A_MODE]) : 0;
	unsigned int fm = tb[SWMMU_A_FAULT_MODE] ? nla_get_u8(tb[SWMMU_A_FAULT_MODE]) : 0;
	uint64_t quota = tb[SWMMU_A_FAULT_QUOTA] ? nla_get_u64(tb[SWMMU_A_FAULT_QUOTA]) : 0;
	uint32_t nr = tb[SWMMU_A_NR_ATTACHED] ? nla_get_u32(tb[SWMMU_A_NR_ATTACHED]) : 0;
	struct ctl_stats st;
	char q[24], mb[24];

	ctl_parse_stats(tb[SWMMU_A_STATS], &st);
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_str(&c->j, "name", name);
		jsonw_str(&c->j, "format", fmt);
		jsonw_u64(&c->j, "va_bits", va);
		jsonw_u64(&c->j, "levels", lv);
		jsonw_u64(&c->j, "owner", uid);
		jsonw_u64(&c->j, "group", gid);
		/* Octal, as it is given and shown everywhere else (JSON has no octal numbers). */
		snprintf(q, sizeof(q), "%04o", mode);
		jsonw_str(&c->j, "mode", q);
		jsonw_str(&c->j, "fault", swnl_fault_mode_name(fm));
		jsonw_u64(&c->j, "quota", quota);
		jsonw_u64(&c->j, "nr_attached", nr);
		jsonw_arr_open(&c->j, "attached_pids");
		ctl_attached_pids(c, tb[SWMMU_A_ATTACHED], NULL);
		jsonw_arr_close(&c->j);
		ctl_json_stats(c, &st);
		jsonw_obj_close(&c->j);
		return 0;
	}
	swnl_size_str(quota, q, sizeof(q));
	swnl_size_str(st.mapped_bytes, mb, sizeof(mb));
	printf("%s: format %s va-bits %u levels %u owner %u group %u mode %04o fault %s "
	       "quota %s\n", name, fmt, va, lv, uid, gid, mode, swnl_fault_mode_name(fm), q);
	printf("    %" PRIu64 " mappings, %s mapped, %" PRIu64 " tables (%" PRIu64 " bytes), "
	       "%" PRIu64 " invalidations, ", st.mappings, mb, st.tables, st.table_bytes,
	       st.invalidations);
	if (!nr) {
		printf("not attached\n");
		return 0;
	}
	printf("%u attached\n    attached by pid", nr);
	ctl_attached_pids(c, tb[SWMMU_A_ATTACHED], stdout);
	printf("\n");
	return 0;
}

static const char *const ctl_as_keys[] = {
	"format", "va-bits", "owner", "group", "mode", "fault", "quota", NULL
};

enum { K_FORMAT, K_VA_BITS, K_OWNER, K_GROUP, K_MODE, K_FAULT, K_QUOTA };

static int ctl_as_attrs(struct nl_msg *msg, const struct ctl_kv *kv)
{
	uint64_t v;
	char *end;

	if (kv[K_OWNER].val) {
		if (ctl_u64("owner", kv[K_OWNER].val, &v) || v > 0xfffffffeULL)
			return ctl_usage("invalid owner \"%s\"", kv[K_OWNER].val);
		nla_put_u32(msg, SWMMU_A_OWNER_UID, (uint32_t)v);
	}
	if (kv[K_GROUP].val) {
		if (ctl_u64("group", kv[K_GROUP].val, &v) || v > 0xfffffffeULL)
			return ctl_usage("invalid group \"%s\"", kv[K_GROUP].val);
		nla_put_u32(msg, SWMMU_A_OWNER_GID, (uint32_t)v);
	}
	if (kv[K_MODE].val) {
		v = strtoul(kv[K_MODE].val, &end, 8);
		if (*end || end == kv[K_MODE].val || v > 0777)
			return ctl_usage("invalid mode \"%s\" (octal, at most 0777)",
					 kv[K_MODE].val);
		nla_put_u16(msg, SWMMU_A_MODE, (uint16_t)v);
	}
	if (kv[K_FAULT].val) {
		int m = swnl_fault_mode_parse(kv[K_FAULT].val);

		if (m < 0)
			return ctl_usage("fault mode is fail, log or serve");
		nla_put_u8(msg, SWMMU_A_FAULT_MODE, (uint8_t)m);
	}
	if (kv[K_QUOTA].val) {
		if (ctl_u64("quota", kv[K_QUOTA].val, &v))
			return 2;
		nla_put_u64(msg, SWMMU_A_FAULT_QUOTA, v);
	}
	return 0;
}

int ctl_as(struct ctl *c, int argc, char **argv)
{
	struct ctl_kv kv[8] = {};
	struct nl_msg *msg;
	int ret;

	if (!argc || !strcmp(argv[0], "list")) {
		if (c->json)
			jsonw_arr_open(&c->j, NULL);
		ret = swnl_request(&c->nl, swnl_msg(&c->nl, SWMMU_NL_CMD_AS_GET, NLM_F_DUMP),
				   ctl_as_cb, c);
		if (c->json)
			jsonw_arr_close(&c->j);
		return ret ? ctl_fail(c, "as list") : 0;
	}
	if (argc < 2)
		return ctl_usage("as %s needs a NAME", argv[0]);
	if (!strcmp(argv[0], "show") && argc == 2) {
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_AS_GET, 0);
		if (msg)
			nla_put_string(msg, SWMMU_A_AS, argv[1]);
		return swnl_request(&c->nl, msg, ctl_as_cb, c) ? ctl_fail(c, "as show") : 0;
	}
	if (!strcmp(argv[0], "del") && argc == 2) {
		msg = swnl_msg(&c->nl, SWMMU_NL_CMD_AS_DEL, 0);
		if (msg)
			nla_put_string(msg, SWMMU_A_AS, argv[1]);
		return swnl_request(&c->nl, msg, NULL, NULL) ? ctl_fail(c, "as del") : 0;
	}
	if (!strcmp(argv[0], "add") || !strcmp(argv[0], "set")) {
		bool add = argv[0][0] == 'a';
		uint64_t v;

		ret = ctl_kvs(argc - 2, argv + 2, ctl_as_keys, kv);
		if (ret)
			return ret;
		if (add && !kv[K_FORMAT].val)
			return ctl_usage("as add NAME format FORMAT ...");
		if (!add && (kv[K_FORMAT].val || kv[K_VA_BITS].val))
			return ctl_usage("format and va-bits cannot change: delete and add again");
		msg = swnl_msg(&c->nl, add ? SWMMU_NL_CMD_AS_NEW : SWMMU_NL_CMD_AS_SET, 0);
		if (!msg)
			return 1;
		nla_put_string(msg, SWMMU_A_AS, argv[1]);
		if (add)
			nla_put_string(msg, SWMMU_A_FORMAT, kv[K_FORMAT].val);
		if (kv[K_VA_BITS].val) {
			if (ctl_u64("va-bits", kv[K_VA_BITS].val, &v) || v > 255) {
				nlmsg_free(msg);
				return 2;
			}
			nla_put_u8(msg, SWMMU_A_VA_BITS, (uint8_t)v);
		}
		ret = ctl_as_attrs(msg, kv);
		if (ret) {
			nlmsg_free(msg);
			return ret;
		}
		return swnl_request(&c->nl, msg, NULL, NULL) ?
		       ctl_fail(c, add ? "as add" : "as set") : 0;
	}
	return ctl_usage("as { list | show NAME | add NAME format F ... | set NAME ... | del NAME }");
}

/* ---- map, unmap, protect, query ---------------------------------------------------------------- */

static const char *const ctl_range_keys[] = { "iova", "len", "prot", "pgsize", NULL };

enum { R_IOVA, R_LEN, R_PROT, R_PGSIZE };

static int ctl_range_args(int argc, char **argv, struct ctl_kv *kv, uint64_t *iova,
			  uint64_t *len, uint32_t *prot)
{
	int ret = ctl_kvs(argc, argv, ctl_range_keys, kv);

	if (ret)
		return ret;
	if (kv[R_IOVA].val && ctl_u64("iova", kv[R_IOVA].val, iova))
		return 2;
	if (kv[R_LEN].val && ctl_u64("len", kv[R_LEN].val, len))
		return 2;
	if (kv[R_PROT].val && swnl_prot_parse(kv[R_PROT].val, prot))
		return ctl_usage("invalid prot \"%s\" (letters r w x u g, or none)",
				 kv[R_PROT].val);
	return 0;
}

static int ctl_map_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	uint64_t iova = tb[SWMMU_A_IOVA] ? nla_get_u64(tb[SWMMU_A_IOVA]) : 0;
	uint64_t len = tb[SWMMU_A_LENGTH] ? nla_get_u64(tb[SWMMU_A_LENGTH]) : 0;

	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "iova", iova);
		jsonw_u64(&c->j, "length", len);
		jsonw_obj_close(&c->j);
	} else {
		printf("mapped %#" PRIx64 " .. %#" PRIx64 "\n", iova, iova + len - 1);
	}
	return 0;
}

int ctl_map(struct ctl *c, int argc, char **argv)
{
	struct ctl_kv kv[4] = {};
	uint64_t iova = 0, len = 0, pg = 0;
	uint32_t prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE;
	struct nl_msg *msg;
	int ret;

	if (argc < 1)
		return ctl_usage("map AS len BYTES [iova VA] [prot P] [pgsize BYTES]");
	ret = ctl_range_args(argc - 1, argv + 1, kv, &iova, &len, &prot);
	if (ret)
		return ret;
	if (!kv[R_LEN].val)
		return ctl_usage("map needs len");
	if (kv[R_PGSIZE].val && (ctl_u64("pgsize", kv[R_PGSIZE].val, &pg) || ctl_lg2(pg) < 0))
		return ctl_usage("pgsize must be a power of two");
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_MAP, 0);
	if (!msg)
		return 1;
	nla_put_string(msg, SWMMU_A_AS, argv[0]);
	nla_put_u64(msg, SWMMU_A_LENGTH, len);
	if (kv[R_IOVA].val)
		nla_put_u64(msg, SWMMU_A_IOVA, iova);
	nla_put_u32(msg, SWMMU_A_PROT, prot);
	if (pg)
		nla_put_u8(msg, SWMMU_A_PGSIZE_LG2, (uint8_t)ctl_lg2(pg));
	return swnl_request(&c->nl, msg, ctl_map_cb, c) ? ctl_fail(c, "map") : 0;
}

static int ctl_unmap_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	uint64_t n = tb[SWMMU_A_UNMAPPED] ? nla_get_u64(tb[SWMMU_A_UNMAPPED]) : 0;

	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "unmapped", n);
		jsonw_obj_close(&c->j);
	} else {
		printf("unmapped %" PRIu64 " bytes\n", n);
	}
	return 0;
}

int ctl_unmap(struct ctl *c, int argc, char **argv)
{
	struct ctl_kv kv[4] = {};
	uint64_t iova = 0, len = 0;
	uint32_t prot = 0;
	struct nl_msg *msg;
	int ret;

	if (argc < 1)
		return ctl_usage("unmap AS iova VA len BYTES");
	ret = ctl_range_args(argc - 1, argv + 1, kv, &iova, &len, &prot);
	if (ret)
		return ret;
	if (!kv[R_IOVA].val || !kv[R_LEN].val || kv[R_PROT].val || kv[R_PGSIZE].val)
		return ctl_usage("unmap AS iova VA len BYTES");
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_UNMAP, 0);
	if (!msg)
		return 1;
	nla_put_string(msg, SWMMU_A_AS, argv[0]);
	nla_put_u64(msg, SWMMU_A_IOVA, iova);
	nla_put_u64(msg, SWMMU_A_LENGTH, len);
	return swnl_request(&c->nl, msg, ctl_unmap_cb, c) ? ctl_fail(c, "unmap") : 0;
}

int ctl_protect(struct ctl *c, int argc, char **argv)
{
	struct ctl_kv kv[4] = {};
	uint64_t iova = 0, len = 0;
	uint32_t prot = 0;
	struct nl_msg *msg;
	char p[8];
	int ret;

	if (argc < 1)
		return ctl_usage("protect AS iova VA len BYTES prot P");
	ret = ctl_range_args(argc - 1, argv + 1, kv, &iova, &len, &prot);
	if (ret)
		return ret;
	if (!kv[R_IOVA].val || !kv[R_LEN].val || !kv[R_PROT].val || kv[R_PGSIZE].val)
		return ctl_usage("protect AS iova VA len BYTES prot P");
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_PROTECT, 0);
	if (!msg)
		return 1;
	nla_put_string(msg, SWMMU_A_AS, argv[0]);
	nla_put_u64(msg, SWMMU_A_IOVA, iova);
	nla_put_u64(msg, SWMMU_A_LENGTH, len);
	nla_put_u32(msg, SWMMU_A_PROT, prot);
	if (swnl_request(&c->nl, msg, NULL, NULL))
		return ctl_fail(c, "protect");
	/* Say what changed, like map and unmap do. */
	swnl_prot_str(prot, p, sizeof(p));
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "iova", iova);
		jsonw_u64(&c->j, "length", len);
		jsonw_str(&c->j, "prot", p);
		jsonw_obj_close(&c->j);
	} else {
		printf("protected 0x%" PRIx64 "-0x%" PRIx64 " %s\n", iova, iova + len - 1, p);
	}
	return 0;
}

static int ctl_query_cb(struct nlattr **tb, void *arg)
{
	struct ctl *c = arg;
	uint64_t iova = tb[SWMMU_A_IOVA] ? nla_get_u64(tb[SWMMU_A_IOVA]) : 0;
	uint64_t dma = tb[SWMMU_A_DMA_ADDR] ? nla_get_u64(tb[SWMMU_A_DMA_ADDR]) : 0;
	uint64_t entry = tb[SWMMU_A_ENTRY_IOVA] ? nla_get_u64(tb[SWMMU_A_ENTRY_IOVA]) : 0;
	uint64_t size = tb[SWMMU_A_PAGE_SIZE] ? nla_get_u64(tb[SWMMU_A_PAGE_SIZE]) : 0;
	uint32_t prot = tb[SWMMU_A_PROT] ? nla_get_u32(tb[SWMMU_A_PROT]) : 0;
	unsigned int level = tb[SWMMU_A_LEAF_LEVEL] ? nla_get_u8(tb[SWMMU_A_LEAF_LEVEL]) : 0;
	char p[8], s[24];

	swnl_prot_str(prot, p, sizeof(p));
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "iova", iova);
		jsonw_u64(&c->j, "dma_addr", dma);
		jsonw_u64(&c->j, "entry_iova", entry);
		jsonw_u64(&c->j, "page_size", size);
		jsonw_str(&c->j, "prot", p);
		jsonw_u64(&c->j, "level", level);
		jsonw_obj_close(&c->j);
	} else {
		swnl_size_str(size, s, sizeof(s));
		printf("%#" PRIx64 " -> dma %#" PRIx64 " (%s leaf at %#" PRIx64 ", level %u, %s)\n",
		       iova, dma, s, entry, level, p);
	}
	return 0;
}

int ctl_query(struct ctl *c, int argc, char **argv)
{
	uint64_t iova;
	struct nl_msg *msg;

	if (argc != 3 || strcmp(argv[1], "iova"))
		return ctl_usage("query AS iova VA");
	if (ctl_u64("iova", argv[2], &iova))
		return 2;
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_QUERY, 0);
	if (!msg)
		return 1;
	nla_put_string(msg, SWMMU_A_AS, argv[0]);
	nla_put_u64(msg, SWMMU_A_IOVA, iova);
	return swnl_request(&c->nl, msg, ctl_query_cb, c) ? ctl_fail(c, "query") : 0;
}

/* ---- dump, stats ------------------------------------------------------------------------------- */

struct ctl_regions {
	struct swdraw_region *r;
	size_t nr, cap;
};

static int ctl_region_collect(struct nlattr **tb, void *arg)
{
	struct ctl_regions *rs = arg;
	struct swdraw_region *r;

	if (rs->nr == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct swdraw_region *n = realloc(rs->r, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rs->r = n;
		rs->cap = cap;
	}
	r = &rs->r[rs->nr++];
	r->iova = tb[SWMMU_A_IOVA] ? nla_get_u64(tb[SWMMU_A_IOVA]) : 0;
	r->dma = tb[SWMMU_A_DMA_ADDR] ? nla_get_u64(tb[SWMMU_A_DMA_ADDR]) : 0;
	r->len = tb[SWMMU_A_LENGTH] ? nla_get_u64(tb[SWMMU_A_LENGTH]) : 0;
	r->prot = tb[SWMMU_A_PROT] ? nla_get_u32(tb[SWMMU_A_PROT]) : 0;
	r->pgsize_lg2 = tb[SWMMU_A_PGSIZE_LG2] ? nla_get_u8(tb[SWMMU_A_PGSIZE_LG2]) : 0;
	return 0;
}

static int ctl_get_regions(struct ctl *c, const char *as, struct ctl_regions *rs)
{
	struct nl_msg *msg = swnl_msg(&c->nl, SWMMU_NL_CMD_REGION_GET, NLM_F_DUMP);

	memset(rs, 0, sizeof(*rs));
	if (msg)
		nla_put_string(msg, SWMMU_A_AS, as);
	return swnl_request(&c->nl, msg, ctl_region_collect, rs);
}

int ctl_dump(struct ctl *c, int argc, char **argv)
{
	struct ctl_regions rs;
	size_t i;

	if (argc != 1)
		return ctl_usage("dump AS");
	if (ctl_get_regions(c, argv[0], &rs)) {
		free(rs.r);
		return ctl_fail(c, "dump");
	}
	if (c->json)
		jsonw_arr_open(&c->j, NULL);
	else if (rs.nr)
		printf("%-37s    %-14s %-5s %5s %s\n", "IOVA (first-last)", "DMA ADDRESS", "PROT",
		       "PAGE", "LENGTH");
	for (i = 0; i < rs.nr; i++) {
		const struct swdraw_region *r = &rs.r[i];
		char p[8], s[24], l[24];

		swnl_prot_str(r->prot, p, sizeof(p));
		if (c->json) {
			jsonw_obj_open(&c->j, NULL);
			jsonw_u64(&c->j, "iova", r->iova);
			jsonw_u64(&c->j, "dma_addr", r->dma);
			jsonw_u64(&c->j, "length", r->len);
			jsonw_str(&c->j, "prot", p);
			jsonw_u64(&c->j, "page_size", 1ULL << r->pgsize_lg2);
			jsonw_obj_close(&c->j);
			continue;
		}
		swnl_size_str(1ULL << r->pgsize_lg2, s, sizeof(s));
		swnl_size_str(r->len, l, sizeof(l));
		printf("0x%016" PRIx64 "-0x%016" PRIx64 " -> 0x%012" PRIx64 " %-5s %5s pages %s\n",
		       r->iova, r->iova + r->len - 1, r->dma, p, s, l);
	}
	if (c->json)
		jsonw_arr_close(&c->j);
	else if (!rs.nr)
		printf("(nothing mapped)\n");
	free(rs.r);
	return 0;
}

struct ctl_view {
	struct ctl_stats st;
	char format[SWMMU_NL_NAME_LEN];
	unsigned int va_bits, nr_levels;
	struct swdraw_level lv[8];
	size_t nr_lv;
	struct swdraw_fault faults[SWMMU_NL_RECENT_FAULTS];
	size_t nr_faults;
	uint64_t total_faults;
};

static const char *ctl_fault_reason(uint32_t r)
{
	switch (r) {
	case SWMMU_FAULT_NOT_PRESENT:
		return "not present";
	case SWMMU_FAULT_PERMISSION:
		return "permission";
	case SWMMU_FAULT_ADDRESS_SIZE:
		return "address size";
	case SWMMU_FAULT_BAD_OUTPUT:
		return "bad output address";
	case SWMMU_FAULT_TABLE_OUTSIDE:
		return "table outside the buffers";
	case SWMMU_FAULT_RESERVED:
		return "reserved bits";
	case SWMMU_FAULT_LEAF_LEVEL:
		return "leaf at a table-only level";
	case SWMMU_FAULT_OA_SIZE:
		return "output address size";
	case SWMMU_FAULT_ACCESS_FLAG:
		return "access flag";
	case SWMMU_FAULT_DISABLED:
		return "context disabled";
	default:
		return "unknown";
	}
}

static int ctl_view_as_cb(struct nlattr **tb, void *arg)
{
	struct ctl_view *v = arg;

	if (tb[SWMMU_A_FORMAT])
		snprintf(v->format, sizeof(v->format), "%s", nla_get_string(tb[SWMMU_A_FORMAT]));
	v->va_bits = tb[SWMMU_A_VA_BITS] ? nla_get_u8(tb[SWMMU_A_VA_BITS]) : 0;
	v->nr_levels = tb[SWMMU_A_NR_LEVELS] ? nla_get_u8(tb[SWMMU_A_NR_LEVELS]) : 0;
	return 0;
}

static int ctl_view_stats_cb(struct nlattr **tb, void *arg)
{
	struct ctl_view *v = arg;
	struct nlattr *st[SWMMU_A_STATS_MAX + 1], *pos;
	int rem;

	ctl_parse_stats(tb[SWMMU_A_STATS], &v->st);
	if (!tb[SWMMU_A_STATS] || swnl_parse_nested(st, SWMMU_A_STATS_MAX, tb[SWMMU_A_STATS]))
		return 0;
	if (st[SWMMU_A_STATS_FAULTS])
		v->total_faults = nla_get_u64(st[SWMMU_A_STATS_FAULTS]);
	nla_for_each_nested(pos, tb[SWMMU_A_STATS], rem) {
		struct nlattr *l[SWMMU_A_LEVEL_MAX + 1];
		struct swdraw_level *d;

		if (nla_type(pos) == SWMMU_A_STATS_FAULT && v->nr_faults < SWMMU_NL_RECENT_FAULTS &&
		    !swnl_parse_nested(l, SWMMU_A_FREC_MAX, pos)) {
			struct swdraw_fault *f = &v->faults[v->nr_faults++];

			f->iova = l[SWMMU_A_FREC_IOVA] ? nla_get_u64(l[SWMMU_A_FREC_IOVA]) : 0;
			f->access = l[SWMMU_A_FREC_ACCESS] ?
				    nla_get_u32(l[SWMMU_A_FREC_ACCESS]) : 0;
			f->what = ctl_fault_reason(l[SWMMU_A_FREC_REASON] ?
						   nla_get_u32(l[SWMMU_A_FREC_REASON]) : 0);
			continue;
		}
		if (nla_type(pos) != SWMMU_A_STATS_LEVEL || v->nr_lv == 8 ||
		    swnl_parse_nested(l, SWMMU_A_LEVEL_MAX, pos))
			continue;
		d = &v->lv[v->nr_lv++];
		d->level = l[SWMMU_A_LEVEL_INDEX] ? nla_get_u8(l[SWMMU_A_LEVEL_INDEX]) : 0;
		d->shift = l[SWMMU_A_LEVEL_SHIFT] ? nla_get_u8(l[SWMMU_A_LEVEL_SHIFT]) : 0;
		d->tables = l[SWMMU_A_LEVEL_TABLES] ? nla_get_u64(l[SWMMU_A_LEVEL_TABLES]) : 0;
		d->leaves = l[SWMMU_A_LEVEL_LEAVES] ? nla_get_u64(l[SWMMU_A_LEVEL_LEAVES]) : 0;
		d->pointers = l[SWMMU_A_LEVEL_POINTERS] ?
			      nla_get_u64(l[SWMMU_A_LEVEL_POINTERS]) : 0;
		d->items = l[SWMMU_A_LEVEL_ITEMS] ? nla_get_u64(l[SWMMU_A_LEVEL_ITEMS]) : 0;
	}
	return 0;
}

static int ctl_get_view(struct ctl *c, const char *as, struct ctl_view *v)
{
	struct nl_msg *msg;

	memset(v, 0, sizeof(*v));
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_AS_GET, 0);
	if (msg)
		nla_put_string(msg, SWMMU_A_AS, as);
	if (swnl_request(&c->nl, msg, ctl_view_as_cb, v))
		return -1;
	msg = swnl_msg(&c->nl, SWMMU_NL_CMD_STATS_GET, 0);
	if (msg)
		nla_put_string(msg, SWMMU_A_AS, as);
	return swnl_request(&c->nl, msg, ctl_view_stats_cb, v) ? -1 : 0;
}

int ctl_stats(struct ctl *c, int argc, char **argv)
{
	struct ctl_view v;
	size_t i;

	if (argc != 1)
		return ctl_usage("stats AS");
	if (ctl_get_view(c, argv[0], &v))
		return ctl_fail(c, "stats");
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_str(&c->j, "name", argv[0]);
		ctl_json_stats(c, &v.st);
		jsonw_arr_open(&c->j, "levels");
		for (i = 0; i < v.nr_lv; i++) {
			jsonw_obj_open(&c->j, NULL);
			jsonw_u64(&c->j, "level", v.lv[i].level);
			jsonw_u64(&c->j, "shift", v.lv[i].shift);
			jsonw_u64(&c->j, "tables", v.lv[i].tables);
			jsonw_u64(&c->j, "leaves", v.lv[i].leaves);
			jsonw_u64(&c->j, "pointers", v.lv[i].pointers);
			jsonw_u64(&c->j, "items", v.lv[i].items);
			jsonw_obj_close(&c->j);
		}
		jsonw_arr_close(&c->j);
		jsonw_u64(&c->j, "faults", v.total_faults);
		jsonw_arr_open(&c->j, "recent_faults");
		for (i = 0; i < v.nr_faults; i++) {
			char acc[8];

			swnl_prot_str(v.faults[i].access, acc, sizeof(acc));
			jsonw_obj_open(&c->j, NULL);
			jsonw_u64(&c->j, "iova", v.faults[i].iova);
			jsonw_str(&c->j, "access", acc);
			jsonw_str(&c->j, "reason", v.faults[i].what);
			jsonw_obj_close(&c->j);
		}
		jsonw_arr_close(&c->j);
		jsonw_obj_close(&c->j);
		return 0;
	}
	printf("%s: %" PRIu64 " mappings, %" PRIu64 " bytes mapped (%" PRIu64 " of them module "
	       "memory), %" PRIu64 " tables (%" PRIu64 " bytes), %" PRIu64 " invalidations, "
	       "%" PRIu64 " CPU faults\n", argv[0], v.st.mappings, v.st.mapped_bytes,
	       v.st.dma_bytes, v.st.tables, v.st.table_bytes, v.st.invalidations,
	       v.st.cpu_faults);
	for (i = v.nr_lv; i-- > 0;)
		printf("  level %u: %" PRIu64 " tables, %" PRIu64 " leaves, %" PRIu64
		       " table pointers, %" PRIu64 " items\n", v.lv[i].level, v.lv[i].tables,
		       v.lv[i].leaves, v.lv[i].pointers, v.lv[i].items);
	printf("  %" PRIu64 " device faults%s\n", v.total_faults, v.nr_faults ? ", recent:" : "");
	for (i = 0; i < v.nr_faults; i++) {
		char acc[8];

		swnl_prot_str(v.faults[i].access, acc, sizeof(acc));
		printf("    %#" PRIx64 " %s %s\n", v.faults[i].iova, acc, v.faults[i].what);
	}
	return 0;
}

/* ---- draw -------------------------------------------------------------------------------------- */

static int ctl_pgsizes_cb(struct nlattr **tb, void *arg)
{
	if (tb[SWMMU_A_PGSIZES])
		*(uint64_t *)arg = nla_get_u64(tb[SWMMU_A_PGSIZES]);
	return 0;
}

int ctl_draw(struct ctl *c, int argc, char **argv)
{
	struct swdraw_as d = { .name = argc ? argv[0] : "" };
	struct ctl_regions rs;
	struct ctl_view v;
	int ret;

	if (argc != 1)
		return ctl_usage("draw AS > as.svg");
	if (ctl_get_view(c, argv[0], &v))
		return ctl_fail(c, "draw");
	if (ctl_get_regions(c, argv[0], &rs)) {
		free(rs.r);
		return ctl_fail(c, "draw");
	}
	d.format = v.format;
	d.va_bits = v.va_bits;
	d.nr_levels = v.nr_levels;
	d.mappings = v.st.mappings;
	d.mapped_bytes = v.st.mapped_bytes;
	d.tables = v.st.tables;
	d.table_bytes = v.st.table_bytes;
	d.regions = rs.r;
	d.nr_regions = rs.nr;
	d.levels = v.lv;
	d.nr_levels_occ = v.nr_lv;
	d.faults = v.faults;
	d.nr_faults = v.nr_faults;
	/* The legend lists the format's page sizes (without them, those the regions use). */
	{
		struct nl_msg *msg = swnl_msg(&c->nl, SWMMU_NL_CMD_FORMAT_GET, 0);

		if (msg) {
			nla_put_string(msg, SWMMU_A_NAME, v.format);
			if (swnl_request(&c->nl, msg, ctl_pgsizes_cb, &d.pgsizes))
				d.pgsizes = 0;
		}
	}
	ret = swdraw_svg(stdout, &d);
	free(rs.r);
	if (ret) {
		fprintf(stderr, "swmmuctl: draw: writing the picture failed\n");
		return 1;
	}
	return 0;
}

/* ---- monitor ----------------------------------------------------------------------------------- */

struct ctl_mon {
	struct ctl *c;
	uint64_t last_seq;
};

/*
 * A TLB checker report of a driver-managed context: what the device had cached for the VA and
 * what the tables hold now. CURRENT_PA is ~0 when the tables no longer translate the VA.
 */
static void ctl_check_event(struct ctl *c, struct nlattr **tb, uint64_t seq)
{
#define CTL_U64(a) (tb[a] ? nla_get_u64(tb[a]) : 0)
#define CTL_U32(a) (tb[a] ? nla_get_u32(tb[a]) : 0)
	unsigned int level = tb[SWMMU_A_LEAF_LEVEL] ? nla_get_u8(tb[SWMMU_A_LEAF_LEVEL]) : 0;
	const char *cls = swnl_check_class_name(CTL_U32(SWMMU_A_CHECK_CLASS));
	uint64_t cur_pa = tb[SWMMU_A_CURRENT_PA] ? nla_get_u64(tb[SWMMU_A_CURRENT_PA]) : ~0ULL;

	if (c->json) {
		jsonw_init(&c->j, stdout);
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "seq", seq);
		jsonw_str(&c->j, "event", "check");
		jsonw_str(&c->j, "class", cls);
		jsonw_u64(&c->j, "ctx", CTL_U32(SWMMU_A_CTX));
		if (tb[SWMMU_A_ATTACHED_PID])
			jsonw_u64(&c->j, "pid", CTL_U32(SWMMU_A_ATTACHED_PID));
		jsonw_u64(&c->j, "asid", CTL_U32(SWMMU_A_ASID));
		jsonw_u64(&c->j, "iova", CTL_U64(SWMMU_A_IOVA));
		jsonw_u64(&c->j, "level", level);
		jsonw_u64(&c->j, "cached_pte", CTL_U64(SWMMU_A_CACHED_PTE));
		jsonw_u64(&c->j, "cached_pa", CTL_U64(SWMMU_A_CACHED_PA));
		jsonw_u64(&c->j, "current_pte", CTL_U64(SWMMU_A_CURRENT_PTE));
		if (cur_pa == ~0ULL)
			jsonw_null(&c->j, "current_pa");
		else
			jsonw_u64(&c->j, "current_pa", cur_pa);
		jsonw_obj_close(&c->j);
		return;
	}
	printf("[%" PRIu64 "] check %s ctx %u", seq, cls, CTL_U32(SWMMU_A_CTX));
	if (tb[SWMMU_A_ATTACHED_PID])
		printf(" pid %u", CTL_U32(SWMMU_A_ATTACHED_PID));
	printf(" asid %u iova %#" PRIx64 " level %u: cached pte %#" PRIx64 " pa %#" PRIx64
	       ", now pte %#" PRIx64, CTL_U32(SWMMU_A_ASID), CTL_U64(SWMMU_A_IOVA), level,
	       CTL_U64(SWMMU_A_CACHED_PTE), CTL_U64(SWMMU_A_CACHED_PA),
	       CTL_U64(SWMMU_A_CURRENT_PTE));
	if (cur_pa == ~0ULL)
		printf(" (no translation)\n");
	else
		printf(" pa %#" PRIx64 "\n", cur_pa);
#undef CTL_U64
#undef CTL_U32
}

static int ctl_event_cb(struct nlattr **tb, void *arg)
{
	struct ctl_mon *m = arg;
	struct ctl *c = m->c;
	uint64_t seq = tb[SWMMU_A_EVENT_SEQ] ? nla_get_u64(tb[SWMMU_A_EVENT_SEQ]) : 0;
	unsigned int type = tb[SWMMU_A_EVENT_TYPE] ? nla_get_u8(tb[SWMMU_A_EVENT_TYPE]) : 0;
	const char *as = tb[SWMMU_A_AS] ? nla_get_string(tb[SWMMU_A_AS]) : NULL;
	const char *name = tb[SWMMU_A_NAME] ? nla_get_string(tb[SWMMU_A_NAME]) : NULL;
	char p[8];

	if (m->last_seq && seq != m->last_seq + 1)
		fprintf(stderr, "swmmuctl: monitor: %" PRIu64 " event(s) lost\n",
			seq - m->last_seq - 1);
	m->last_seq = seq;
	if (type == SWMMU_EVENT_CHECK) {
		ctl_check_event(c, tb, seq);
	} else if (c->json) {
		/* NDJSON: one object per line, each a JSON document of its own. */
		jsonw_init(&c->j, stdout);
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "seq", seq);
		jsonw_str(&c->j, "event", swnl_event_name(type));
		if (as)
			jsonw_str(&c->j, "as", as);
		if (name)
			jsonw_str(&c->j, "name", name);
		if (tb[SWMMU_A_IOVA])
			jsonw_u64(&c->j, "iova", nla_get_u64(tb[SWMMU_A_IOVA]));
		if (tb[SWMMU_A_LENGTH])
			jsonw_u64(&c->j, "length", nla_get_u64(tb[SWMMU_A_LENGTH]));
		if (tb[SWMMU_A_PROT]) {
			swnl_prot_str(nla_get_u32(tb[SWMMU_A_PROT]), p, sizeof(p));
			jsonw_str(&c->j, "prot", p);
		}
		if (tb[SWMMU_A_ATTACHED_PID])
			jsonw_u64(&c->j, "pid", nla_get_u32(tb[SWMMU_A_ATTACHED_PID]));
		if (tb[SWMMU_A_FAULT_ACCESS]) {
			swnl_prot_str(nla_get_u32(tb[SWMMU_A_FAULT_ACCESS]), p, sizeof(p));
			jsonw_str(&c->j, "access", p);
		}
		if (tb[SWMMU_A_FAULT_REASON])
			jsonw_str(&c->j, "reason",
				  swnl_fault_reason_name(nla_get_u32(tb[SWMMU_A_FAULT_REASON])));
		if (tb[SWMMU_A_LEAF_LEVEL])
			jsonw_u64(&c->j, "level", nla_get_u8(tb[SWMMU_A_LEAF_LEVEL]));
		if (tb[SWMMU_A_FAULT_ID])
			jsonw_u64(&c->j, "fault_id", nla_get_u64(tb[SWMMU_A_FAULT_ID]));
		jsonw_obj_close(&c->j);
	} else {
		printf("[%" PRIu64 "] %s", seq, swnl_event_name(type));
		if (as)
			printf(" as %s", as);
		if (name)
			printf(" %s %s", type == SWMMU_EVENT_AS_NEW ? "format" : "name", name);
		if (tb[SWMMU_A_IOVA])
			printf(" iova %#" PRIx64, nla_get_u64(tb[SWMMU_A_IOVA]));
		if (tb[SWMMU_A_LENGTH])
			printf(" len %#" PRIx64, nla_get_u64(tb[SWMMU_A_LENGTH]));
		if (tb[SWMMU_A_FAULT_ACCESS]) {
			swnl_prot_str(nla_get_u32(tb[SWMMU_A_FAULT_ACCESS]), p, sizeof(p));
			printf(" access %s", p);
		}
		if (tb[SWMMU_A_FAULT_REASON])
			printf(" reason %s",
			       swnl_fault_reason_name(nla_get_u32(tb[SWMMU_A_FAULT_REASON])));
		if (tb[SWMMU_A_LEAF_LEVEL])
			printf(" level %u", nla_get_u8(tb[SWMMU_A_LEAF_LEVEL]));
		if (tb[SWMMU_A_PROT]) {
			swnl_prot_str(nla_get_u32(tb[SWMMU_A_PROT]), p, sizeof(p));
			printf(" prot %s", p);
		}
		if (tb[SWMMU_A_ATTACHED_PID])
			printf(" pid %u", nla_get_u32(tb[SWMMU_A_ATTACHED_PID]));
		printf("\n");
	}
	fflush(stdout);
	return 0;
}

int ctl_monitor(struct ctl *c, int argc, char **argv)
{
	struct ctl_mon m = { .c = c };
	struct pollfd pfd;
	int ret;

	(void)argv;
	if (argc)
		return ctl_usage("monitor takes no arguments");
	if (swnl_subscribe(&c->nl)) {
		fprintf(stderr, "swmmuctl: cannot join the events group\n");
		return 1;
	}
	pfd.fd = swnl_fd(&c->nl);
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		ret = swnl_read_events(&c->nl, ctl_event_cb, &m);
		if (ret == -ENOBUFS) {
			fprintf(stderr, "swmmuctl: monitor: events lost (socket overrun); "
				"use 'swmmuctl as list' to resynchronise\n");
			m.last_seq = 0;
		} else if (ret) {
			fprintf(stderr, "swmmuctl: monitor: %s\n", strerror(-ret));
			return 1;
		}
	}
}
