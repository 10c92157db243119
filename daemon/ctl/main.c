// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmuctl - control named swmmu address spaces over generic netlink, iproute2 style:
 *   swmmuctl [-j] OBJECT [COMMAND] [ARGS]
 * It talks to the kernel directly, so it works with or without swmmud running.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static const struct ctl_cmd ctl_cmds[] = {
	{ "info", ctl_info, "info" },
	{ "format", ctl_format, "format { list | show NAME | add NAME FILE | del NAME }" },
	{ "as", ctl_as, "as { list | show NAME | del NAME |\n"
	  "               add NAME format FORMAT [va-bits N] [ATTRS] | set NAME ATTRS }\n"
	  "         ATTRS := [owner UID] [group GID] [mode OCTAL] [fault fail|log|serve]"
	  " [quota BYTES]" },
	{ "map", ctl_map, "map AS len BYTES [iova VA] [prot rwxug] [pgsize BYTES]" },
	{ "unmap", ctl_unmap, "unmap AS iova VA len BYTES" },
	{ "protect", ctl_protect, "protect AS iova VA len BYTES prot rwxug|none" },
	{ "query", ctl_query, "query AS iova VA" },
	{ "dump", ctl_dump, "dump AS" },
	{ "stats", ctl_stats, "stats AS" },
	{ "monitor", ctl_monitor, "monitor" },
	{ "draw", ctl_draw, "draw AS > as.svg" },
	{ "cpu-walk", ctl_cpu_walk, "cpu-walk [VA LEN]" },
	{ "vtd-check", ctl_vtd_check, "vtd-check" },
	{ "amd-check", ctl_amd_check, "amd-check" },
	{ "ctx", ctl_ctx, "ctx { list | show ID }" },
};

#define CTL_NR_CMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

/*
 * Is argv[i] a name (of an address space or a format)? The word after the object for the
 * commands on one address space, after list/show/add/del/set for "as" and "format".
 */
static bool ctl_is_name_arg(char **argv, int i)
{
	static const char *const on_as[] = { "map", "unmap", "protect", "query", "dump", "stats",
					     "draw" };
	size_t k;

	for (k = 0; k < sizeof(on_as) / sizeof(on_as[0]); k++)
		if (!strcmp(argv[0], on_as[k]))
			return i == 1;
	if (!strcmp(argv[0], "as") || !strcmp(argv[0], "format"))
		return i == 2 || (i == 4 && !strcmp(argv[0], "as") && !strcmp(argv[3], "format"));
	return false;
}

static void ctl_help(FILE *out)
{
	size_t i;

	fprintf(out, "usage: swmmuctl [-j|--json] OBJECT ...\n"
		"       swmmuctl -h|--help | -V|--version\n");
	for (i = 0; i < CTL_NR_CMDS; i++)
		fprintf(out, "  swmmuctl %s\n", ctl_cmds[i].usage);
	fprintf(out, "  -j, --json: JSON output (monitor: one object per line).\n"
		"  ctx: the driver-managed contexts (tables written by a driver); monitor shows\n"
		"  their TLB checker's reports as \"check\" events.\n"
		"  Sizes and addresses take 0x.., K, M, G, T.  See swmmuctl(8).\n");
}

int ctl_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("swmmuctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try swmmuctl help)\n", stderr);
	return 2;
}

int ctl_fail(struct ctl *c, const char *what)
{
	fprintf(stderr, "swmmuctl: %s: %s\n", what, swnl_strerror(&c->nl));
	return 1;
}

int ctl_connect(struct ctl *c)
{
	int ret;

	if (c->nl.sk)
		return 0;
	ret = swnl_open(&c->nl);
	if (ret == -ENOENT) {
		fprintf(stderr, "swmmuctl: the swmmu generic netlink family is not there: "
			"is swmmu.ko loaded?\n");
		return 1;
	}
	if (ret) {
		fprintf(stderr, "swmmuctl: netlink: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl c = { .json = false };
	size_t i, len;
	int opt, ret;

	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "+jhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'h':
			ctl_help(stdout);
			return 0;
		case 'V':
			printf("swmmuctl " SWMMU_VERSION "\n");
			return 0;
		default:
			ctl_help(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc || !strcmp(argv[0], "help")) {
		ctl_help(argc ? stdout : stderr);
		return argc ? 0 : 2;
	}
	jsonw_init(&c.j, stdout);
	/* Like ip(8): an unambiguous prefix of an object name is enough. */
	len = strlen(argv[0]);
	for (i = 0; i < CTL_NR_CMDS; i++)
		if (!strncmp(ctl_cmds[i].name, argv[0], len))
			break;
	if (i == CTL_NR_CMDS)
		return ctl_usage("unknown object \"%s\"", argv[0]);
	/* A name the kernel's policy would refuse with only "Attribute failed policy validation". */
	for (len = 1; (int)len < argc; len++)
		if (strlen(argv[len]) >= SWMMU_NL_NAME_LEN && ctl_is_name_arg(argv, (int)len))
			return ctl_usage("name \"%.40s...\" is too long: at most %d characters",
					 argv[len], SWMMU_NL_NAME_LEN - 1);
	if (ctl_connect(&c))
		return 1;
	ret = ctl_cmds[i].fn(&c, argc - 1, argv + 1);
	swnl_close(&c.nl);
	if (fflush(stdout))
		return 1;
	return ret;
}
