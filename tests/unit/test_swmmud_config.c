// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud's configuration parser (daemon/swmmud/config.c) on the host, without a kernel: the
 * shipped daemon/swmmud.conf, every key and default, and many broken files, each rejected at
 * the exact line and column the message names. The positions below are counted by hand from
 * the texts (lines and columns from 1, columns in characters, as editors show them).
 *
 * Run from the top of the tree (scripts/check.sh does) so that daemon/swmmud.conf is found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "swmmud.h"

#define NAME	"t.yaml"
#define SHIPPED	"daemon/swmmud.conf"

static char err[1024];

static struct cfg *parse(const char *text)
{
	err[0] = 0;
	return cfg_parse(NAME, text, strlen(text), err, sizeof(err));
}

/*
 * @text (@len bytes) must be rejected with "t.yaml:@where: ..." and @says in the message. The
 * test's name carries the whole message, so the log shows what users see.
 */
static void rejects_bytes(const char *what, const char *text, size_t len, const char *where,
			  const char *says)
{
	char prefix[64];
	struct cfg *c;
	bool ok;

	err[0] = 0;
	c = cfg_parse(NAME, text, len, err, sizeof(err));
	snprintf(prefix, sizeof(prefix), NAME ":%s: ", where);
	ok = !c && !strncmp(err, prefix, strlen(prefix)) && strstr(err + strlen(prefix), says);
	if (!tap_ok(ok, "%s: %s", what, c ? "accepted" : err))
		tap_diag("  want \"%s...%s...\"", prefix, says);
	cfg_free(c);
}

static void rejects(const char *what, const char *text, const char *where, const char *says)
{
	rejects_bytes(what, text, strlen(text), where, says);
}

/* A broken file: what it shows, its text, where the error is and what it says. */
struct reject_case {
	const char *what, *text, *where, *says;
};

static void rejects_all(const struct reject_case *cases, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		rejects(cases[i].what, cases[i].text, cases[i].where, cases[i].says);
}

#define REJECTS_ALL(cases)	rejects_all(cases, sizeof(cases) / sizeof(cases[0]))

/* An address space "a" of format x86_64 with @extra lines (indented by 4) after its name. */
#define AS_WITH(extra)	"address_spaces:\n  - name: a\n    format: x86_64\n" extra

static void test_shipped(void)
{
	struct cfg *c = cfg_load(SHIPPED, err, sizeof(err));
	const struct cfg_as *demo, *gpu;

	if (!tap_ok(c != NULL, "the shipped " SHIPPED " parses"))
		tap_diag("  %s", err);
	if (!c)
		return;
	TAP_EQ(c->nr_as, 2, "shipped: two address spaces");
	TAP_EQ(c->nr_fmts, 0, "shipped: no runtime formats");
	demo = cfg_find_as(c, "demo");
	gpu = cfg_find_as(c, "gpu0");
	if (TAP_CHECK(demo && gpu, "shipped: demo and gpu0 are there")) {
		TAP_CHECK(!strcmp(demo->format, "x86_64"), "demo: format x86_64");
		TAP_EQ(demo->mode, 0660, "demo: mode 0660 read as octal");
		TAP_EQ(demo->fault, SWMMU_FAULT_MODE_SERVE, "demo: fault serve");
		TAP_EQ(demo->quota, 1 << 20, "demo: fault_quota 1M");
		TAP_EQ(demo->nr_regions, 2, "demo: two regions");
		if (demo->nr_regions == 2) {
			TAP_EQ(demo->regions[0].iova, 0x100000, "demo region 0: iova");
			TAP_EQ(demo->regions[0].size, 64 << 10, "demo region 0: size 64K");
			TAP_EQ(demo->regions[0].prot, SWMMU_PROT_READ | SWMMU_PROT_WRITE,
			       "demo region 0: prot rw");
			TAP_EQ(demo->regions[0].pgsize, 0, "demo region 0: no pgsize");
			TAP_EQ(demo->regions[1].iova, 0x400000, "demo region 1: iova");
			TAP_EQ(demo->regions[1].prot, SWMMU_PROT_READ, "demo region 1: prot r");
			TAP_EQ(demo->regions[1].pgsize, 2 << 20, "demo region 1: pgsize 2M");
		}
		TAP_EQ(gpu->mode, 0600, "gpu0: mode 0600");
		TAP_EQ(gpu->fault, SWMMU_FAULT_MODE_LOG, "gpu0: fault log");
		TAP_EQ(gpu->nr_regions, 1, "gpu0: one region");
		if (gpu->nr_regions == 1)
			TAP_EQ(gpu->regions[0].iova, 0x80000000, "gpu0 region: iova");
	}
	cfg_free(c);
}

static void test_every_key(void)
{
	static const char text[] =
		"# every key, block and flow style, plain and quoted\n"
		"formats:\n"
		"  - name: tiny\n"
		"    text: |\n"
		"      name tiny\n"
		"      levels 2\n"
		"address_spaces:\n"
		"  - name: \"full\"\n"
		"    format: 'tiny'\n"
		"    va_bits: 39\n"
		"    owner: 65534\n"
		"    group: 0x10\n"
		"    mode: \"0640\"\n"
		"    fault: serve\n"
		"    fault_quota: 16M\n"
		"    regions:\n"
		"      - iova: 0x1000\n"
		"        size: \"8K\"\n"
		"        prot: rwxug\n"
		"        pgsize: 4096\n"
		"      - { iova: 1G, size: 1T, prot: none }\n"
		"  - { name: defaults, format: x86_64 }\n"
		"  - { name: octal, format: x86_64, mode: 644, regions: [] }\n"
		"  - { name: serve-default, format: x86_64, fault: serve }\n"
		"  - { name: serve-zero, format: x86_64, fault: serve, fault_quota: 0 }\n";
	struct cfg *c = parse(text);
	const struct cfg_as *a;

	if (!tap_ok(c != NULL, "every key: parses"))
		tap_diag("  %s", err);
	if (!c)
		return;
	TAP_EQ(c->nr_fmts, 1, "one format");
	TAP_CHECK(!strcmp(c->fmts[0].name, "tiny") &&
		  !strcmp(c->fmts[0].text, "name tiny\nlevels 2\n"),
		  "format text from a literal block, line breaks kept");
	TAP_EQ(c->nr_as, 5, "five address spaces");
	a = cfg_find_as(c, "full");
	if (TAP_CHECK(a != NULL, "double-quoted name")) {
		TAP_CHECK(!strcmp(a->format, "tiny"), "single-quoted format");
		TAP_EQ(a->va_bits, 39, "va_bits");
		TAP_EQ(a->uid, 65534, "owner");
		TAP_EQ(a->gid, 16, "group in hex");
		TAP_EQ(a->mode, 0640, "quoted mode");
		TAP_EQ(a->fault, SWMMU_FAULT_MODE_SERVE, "fault");
		TAP_EQ(a->quota, 16 << 20, "fault_quota 16M");
		TAP_EQ(a->nr_regions, 2, "two regions");
		if (a->nr_regions == 2) {
			TAP_EQ(a->regions[0].size, 8192, "quoted size 8K");
			TAP_EQ(a->regions[0].prot, SWMMU_PROT_READ | SWMMU_PROT_WRITE |
			       SWMMU_PROT_EXEC | SWMMU_PROT_USER | SWMMU_PROT_GLOBAL, "prot rwxug");
			TAP_EQ(a->regions[0].pgsize, 4096, "pgsize 4096");
			TAP_EQ(a->regions[1].iova, 1ULL << 30, "flow region: iova 1G");
			TAP_EQ(a->regions[1].size, 1ULL << 40, "flow region: size 1T");
			TAP_EQ(a->regions[1].prot, 0, "flow region: prot none");
		}
	}
	a = cfg_find_as(c, "defaults");
	if (TAP_CHECK(a != NULL, "flow-style address space")) {
		TAP_EQ(a->mode, 0600, "default mode 0600");
		TAP_EQ(a->fault, SWMMU_FAULT_MODE_FAIL, "default fault fail");
		TAP_EQ(a->va_bits, 0, "default va_bits: the format's");
		TAP_EQ(a->uid + a->gid + a->quota + a->nr_regions, 0,
		       "default owner, group, quota 0, no regions");
	}
	a = cfg_find_as(c, "octal");
	if (TAP_CHECK(a != NULL, "address space with an empty region list"))
		TAP_EQ(a->mode, 0644, "plain mode 644 is octal too");
	/* daemon/swmmud.conf and swmmud(8): serve without fault_quota serves up to 16M. */
	a = cfg_find_as(c, "serve-default");
	if (TAP_CHECK(a != NULL, "fault: serve without a quota"))
		TAP_EQ(a->quota, 16 << 20, "fault: serve: default fault_quota 16M");
	a = cfg_find_as(c, "serve-zero");
	if (TAP_CHECK(a != NULL, "fault: serve with fault_quota 0"))
		TAP_EQ(a->quota, 0, "an explicit fault_quota 0 stays 0");
	cfg_free(c);
}

static void test_accepted_forms(void)
{
	struct cfg *c;
	char *big;
	size_t len, i;

	c = parse("{}\n");
	TAP_CHECK(c && !c->nr_as && !c->nr_fmts, "{} is an empty configuration");
	cfg_free(c);
	c = parse("address_spaces: []\nformats: []\n");
	TAP_CHECK(c && !c->nr_as && !c->nr_fmts, "empty lists");
	cfg_free(c);
	c = parse("---\naddress_spaces:\r\n  - name: a\r\n    format: x86_64\r\n...\n");
	TAP_CHECK(c && c->nr_as == 1, "explicit document markers and CRLF line ends");
	cfg_free(c);
	c = parse("address_spaces:\n- name: yes\n  format: x86_64\n  fault: log\n");
	TAP_CHECK(c && c->nr_as == 1 && !strcmp(c->as[0].name, "yes"),
		  "unindented list; \"yes\" is a name, not a boolean");
	cfg_free(c);
	c = parse("address_spaces:\n  - name: a\n    format: x86_64\n"
		  "    regions:\n      - { iova: 0, size: 64KiB }\n"
		  "      - { iova: 1M, size: 2MB }\n");
	TAP_CHECK(c && c->nr_as == 1 && c->as[0].nr_regions == 2 &&
		  c->as[0].regions[0].size == 64 << 10 && c->as[0].regions[1].size == 2 << 20,
		  "size suffixes KiB and MB");
	cfg_free(c);

	/* 2000 regions: lists grow one item at a time. */
	len = 64 + 2000 * 48;
	big = malloc(len);
	if (!big)
		return;
	i = (size_t)snprintf(big, len, "address_spaces:\n- name: big\n  format: x86_64\n"
			     "  regions:\n");
	for (unsigned int r = 0; r < 2000; r++)
		i += (size_t)snprintf(big + i, len - i, "  - {iova: 0x%x, size: 4K}\n",
				      r * 0x2000);
	c = parse(big);
	TAP_CHECK(c && c->as[0].nr_regions == 2000 && c->as[0].regions[1999].iova == 1999 * 0x2000,
		  "2000 regions");
	cfg_free(c);
	free(big);
}

static void test_format_file(void)
{
	char path[] = "/tmp/swmmud-config-test-XXXXXX", text[256];
	struct cfg *c;
	int fd = mkstemp(path);

	if (!TAP_CHECK(fd >= 0, "temporary format file"))
		return;
	TAP_CHECK(write(fd, "name f\nlevels 1\n", 16) == 16, "format file written");
	close(fd);
	snprintf(text, sizeof(text), "formats:\n  - name: f\n    file: %s\n", path);
	c = parse(text);
	TAP_CHECK(c && c->nr_fmts == 1 && !strcmp(c->fmts[0].text, "name f\nlevels 1\n"),
		  "format read from its file");
	cfg_free(c);

	/* A relative name is looked up beside the configuration file, wherever the daemon runs. */
	snprintf(text, sizeof(text), "formats:\n  - name: f\n    file: %s\n", path + 5);
	c = cfg_parse("/tmp/swmmud.conf", text, strlen(text), err, sizeof(err));
	TAP_CHECK(c && c->nr_fmts == 1 && !strcmp(c->fmts[0].text, "name f\nlevels 1\n"),
		  "relative format file read beside the configuration: %s", c ? "" : err);
	cfg_free(c);
	c = cfg_parse("/nonexistent/swmmud.conf", text, strlen(text), err, sizeof(err));
	TAP_CHECK(!c && strstr(err, "file: /nonexistent/swmmud-config-test-"),
		  "relative format file not looked up in the working directory: %s", err);
	cfg_free(c);
	unlink(path);
	snprintf(text, sizeof(text), "formats:\n  - name: f\n    file: %s\n", path);
	rejects("format file missing", text, "3:11", "No such file or directory");
}

static const struct reject_case syntax_errors[] = {
	{ "empty file", "", "1:1", "the file has no configuration" },
	{ "comments only", "# nothing\n# here\n", "3:1", "the file has no configuration" },
	{ "tab indentation", "address_spaces:\n\t- name: a\n", "2:1",
	  "syntax error: found character that cannot start any token" },
	{ "tab after a key's indentation", AS_WITH("    \tfault: log\n"), "4:5",
	  "syntax error: found a tab character that violates indentation (while scanning a "
	  "plain scalar at line 3, column 13)" },
	{ "key indented too far", "address_spaces:\n  - name: dtest\n     format: x86_64\n",
	  "3:12", "syntax error: mapping values are not allowed in this context" },
	{ "key indented too little", AS_WITH("   fault: log\n"), "4:4",
	  "syntax error: did not find expected '-' indicator (while parsing a block "
	  "collection at line 2, column 3)" },
	{ "unterminated double quote", AS_WITH("    fault: \"log\n"), "5:1",
	  "syntax error: found unexpected end of stream (while scanning a quoted scalar at "
	  "line 4, column 12)" },
	{ "unterminated single quote", "address_spaces:\n  - name: 'a\n    format: b\n",
	  "4:1", "while scanning a quoted scalar at line 2, column 11" },
	{ "unclosed flow list", "address_spaces: [ { name: a, format: x86_64 }\n", "2:1",
	  "syntax error: did not find expected ',' or ']' (while parsing a flow sequence at "
	  "line 1, column 17)" },
	{ "unclosed flow mapping", "address_spaces:\n  - { name: a, format: x86_64\n",
	  "3:1", "syntax error: did not find expected ',' or '}'" },
	{ "missing colon", AS_WITH("    fault log\n    mode: 0600\n"), "5:5",
	  "syntax error: could not find expected ':' (while scanning a simple key at line 4, "
	  "column 5)" },
	{ "top-level key without its colon", "address_spaces\n  - name: a\n", "1:1",
	  "the top level must be a mapping (key: value), not a single value" },
	{ "bad escape", AS_WITH("    fault: \"\\q\"\n"), "4:13",
	  "syntax error: found unknown escape character" },
	{ "second document", "formats: []\n---\naddress_spaces: []\n", "2:1",
	  "a second document" },
	{ "alias", "formats: []\naddress_spaces:\n  - name: a\n    format: x86_64\n"
	  "  - name: b\n    format: x86_64\n    regions: *r\n", "7:14",
	  "aliases (*r) are not supported" },
	{ "anchor", AS_WITH("    regions: &r []\n"), "4:14",
	  "anchors (&r) are not supported" },
	{ "tag", AS_WITH("    mode: !!int 0600\n"), "4:11",
	  "tags (tag:yaml.org,2002:int) are not supported" },
};

/* Bytes that are not text: libyaml's reader gives only their offset; we turn it into a place. */
static void test_bad_bytes(void)
{
	static const char bad_utf8[] = "address_spaces:\n  - name: d\xffx\n";
	static const char nul_byte[] = "formats: []\naddress_spaces: [\0]\n";

	rejects_bytes("invalid UTF-8", bad_utf8, sizeof(bad_utf8) - 1, "2:12",
		      "invalid leading UTF-8 octet (0xff)");
	rejects_bytes("NUL byte in the file", nul_byte, sizeof(nul_byte) - 1, "2:18",
		      "control characters are not allowed (0x00)");
}

/*
 * Deep nesting is refused at the first level the schema does not expect, long before the end:
 * no recursion follows the file's depth.
 */
static void test_deep_nesting(void)
{
	size_t n = 200000;
	char *deep = malloc(n + 16);

	if (!deep)
		return;
	memcpy(deep, "formats: ", 9);
	memset(deep + 9, '[', n);
	deep[9 + n] = 0;
	rejects("200000 nested lists", deep, "1:11", "a format must be a mapping");
	free(deep);
}

static const struct reject_case structure_errors[] = {
	{ "top level a list", "- name: a\n", "1:1", "the top level must be a mapping" },
	{ "top level a word", "hello\n", "1:1", "the top level must be a mapping" },
	{ "top level empty document", "---\n", "2:1",
	  "the top level must be a mapping (key: value), not empty" },
	{ "unknown top-level key", "formats: []\nadress_spaces: []\n", "2:1",
	  "unknown key \"adress_spaces\" in the top level (known: formats, address_spaces)" },
	{ "duplicate top-level key", "formats: []\naddress_spaces: []\nformats: []\n",
	  "3:1", "duplicate key \"formats\" (first at line 1, column 1)" },
	{ "address_spaces a word", "address_spaces: demo\n", "1:17",
	  "address_spaces must be a list" },
	{ "address_spaces a mapping", "address_spaces:\n  name: a\n", "2:3",
	  "address_spaces must be a list (lines starting with \"- \", or [ ]), not a "
	  "mapping" },
	{ "address_spaces empty", "address_spaces:\nformats: []\n", "1:16",
	  "address_spaces must be a list (lines starting with \"- \", or [ ]), not empty" },
	{ "address space a word", "address_spaces:\n  - demo\n", "2:5",
	  "an address space must be a mapping (key: value), not a single value" },
	{ "address space a list", "address_spaces:\n  - [ a, b ]\n", "2:5",
	  "an address space must be a mapping (key: value), not a list" },
	{ "key a list", "address_spaces:\n  - { [a]: b }\n", "2:7",
	  "a key must be a single word, not a list" },
	{ "unknown key in an address space", "address_spaces:\n"
	  "  - { name: dtest, format: x86_64,\n    colour: blue }\n", "3:5",
	  "unknown key \"colour\" in an address space (known: name, format, va_bits, owner, "
	  "group, mode, fault, fault_quota, regions)" },
	{ "key in the wrong place", AS_WITH("    iova: 0x1000\n"), "4:5",
	  "unknown key \"iova\" in an address space" },
	{ "duplicate key in an address space", AS_WITH("    name: b\n"), "4:5",
	  "duplicate key \"name\" (first at line 2, column 5)" },
	{ "missing name", "address_spaces:\n  - format: x86_64\n", "2:5",
	  "an address space needs \"name\"" },
	{ "missing format", "address_spaces:\n  - name: a\n    mode: 0600\n", "2:5",
	  "an address space needs \"format\"" },
	{ "address space defined twice", "address_spaces:\n  - { name: a, format: x86_64 }\n"
	  "  - { name: b, format: x86_64 }\n  - { name: a, format: x86_64 }\n", "4:5",
	  "address space \"a\" is defined twice" },
	{ "name a list", "address_spaces:\n  - name: [a]\n", "2:11",
	  "name must be a single value, not a list" },
	{ "format a mapping", "address_spaces:\n  - name: a\n    format:\n      x: 1\n",
	  "4:7", "format must be a single value, not a mapping" },
	{ "regions a mapping", AS_WITH("    regions: { iova: 0, size: 4K }\n"), "4:14",
	  "regions must be a list" },
	{ "region a word", AS_WITH("    regions: [ 0x1000 ]\n"), "4:16",
	  "a region must be a mapping (key: value), not a single value" },
	{ "unknown key in a region", AS_WITH("    regions:\n      - iova: 0\n"
	  "        size: 4K\n        perm: rw\n"), "7:9",
	  "unknown key \"perm\" in a region (known: iova, size, prot, pgsize)" },
	{ "duplicate key in a region", AS_WITH("    regions: [ { iova: 0, size: 4K, "
	  "iova: 8K } ]\n"), "4:37", "duplicate key \"iova\" (first at line 4, column 18)" },
	{ "region without size", AS_WITH("    regions:\n      - iova: 0x1000\n"), "5:9",
	  "a region needs \"size\"" },
	{ "region without iova", AS_WITH("    regions: [ { size: 4K } ]\n"), "4:16",
	  "a region needs \"iova\"" },
	{ "format a word", "formats: [ tiny ]\n", "1:12",
	  "a format must be a mapping (key: value), not a single value" },
	{ "unknown key in a format", "formats:\n  - name: f\n    txt: x\n", "3:5",
	  "unknown key \"txt\" in a format (known: name, text, file)" },
	{ "format without text or file", "formats:\n  - name: f\n", "2:5",
	  "a format needs \"text\" or \"file\"" },
	{ "format with text and file", "formats:\n  - name: f\n    text: x\n"
	  "    file: /dev/null\n", "4:11", "either \"text\" or \"file\", not both" },
	{ "format without name", "formats:\n  - text: x\n", "2:5",
	  "a format needs \"name\"" },
	{ "format defined twice", "formats:\n  - { name: f, text: x }\n"
	  "  - { name: f, text: y }\n", "3:5", "format \"f\" is defined twice" },
};

static const struct reject_case value_errors[] = {
	{ "empty name", "address_spaces:\n  - name:\n    format: x86_64\n", "2:10",
	  "name is empty" },
	{ "empty quoted name", "address_spaces:\n  - name: \"\"\n", "2:11",
	  "name is empty" },
	{ "null name", "address_spaces:\n  - name: ~\n", "2:11", "name is empty" },
	{ "name too long", "address_spaces:\n  - name: abcdefghijabcdefghijabcdefghijab\n",
	  "2:11", "name: \"abcdefghijabcdefghijabcdefghijab\" is longer than 31 characters" },
	{ "NUL in a quoted name", "address_spaces:\n  - name: \"a\\0b\"\n", "2:11",
	  "name contains a NUL character" },
	{ "bad number", AS_WITH("    regions:\n      - { iova: 0x1000, size: 64Q }\n"),
	  "5:31", "size: \"64Q\" is not a number (like 4096, 0x1000 or 64K)" },
	{ "negative number", AS_WITH("    regions: [ { iova: -4096, size: 4K } ]\n"),
	  "4:24", "iova: \"-4096\" is not a number" },
	{ "number with a space", AS_WITH("    fault_quota: 16 M\n"), "4:18",
	  "fault_quota: \"16 M\" is not a number" },
	{ "number a boolean", AS_WITH("    va_bits: true\n"), "4:14",
	  "va_bits: \"true\" is not a number" },
	{ "number past 64 bits", AS_WITH("    fault_quota: 18446744073709551616\n"), "4:18",
	  "fault_quota: 18446744073709551616 does not fit in 64 bits" },
	{ "suffix past 64 bits", AS_WITH("    fault_quota: 16777216T\n"), "4:18",
	  "fault_quota: 16777216T does not fit in 64 bits" },
	{ "hex past 64 bits", AS_WITH("    regions: [ { iova: 0x10000000000000000, "
	  "size: 4K } ]\n"), "4:24", "iova: 0x10000000000000000 does not fit in 64 bits" },
	{ "va_bits 0", AS_WITH("    va_bits: 0\n"), "4:14",
	  "va_bits: 0 is out of range (1 to 64)" },
	{ "va_bits 65", AS_WITH("    va_bits: 65\n"), "4:14",
	  "va_bits: 65 is out of range (1 to 64)" },
	{ "owner -1 as unsigned", AS_WITH("    owner: 4294967295\n"), "4:12",
	  "owner: 4294967295 is out of range (0 to 4294967294)" },
	{ "group past 32 bits", AS_WITH("    group: 0x100000000\n"), "4:12",
	  "group: 0x100000000 is out of range" },
	{ "size 0", AS_WITH("    regions: [ { iova: 0, size: 0 } ]\n"), "4:33",
	  "size must be a non-zero multiple of 4K" },
	{ "size not 4K", AS_WITH("    regions: [ { iova: 0, size: 4097 } ]\n"), "4:33",
	  "size must be a non-zero multiple of 4K" },
	{ "iova not 4K", AS_WITH("    regions: [ { iova: 0x1001, size: 4K } ]\n"), "4:24",
	  "iova must be a multiple of 4K" },
	{ "pgsize below 4K", AS_WITH("    regions: [ { iova: 0, size: 4K, pgsize: 2048 } "
	  "]\n"), "4:45", "pgsize must be a power of two of at least 4K" },
	{ "pgsize not a power of two", AS_WITH("    regions: [ { iova: 0, size: 12K, "
	  "pgsize: 12K } ]\n"), "4:46", "pgsize must be a power of two of at least 4K" },
	{ "bad prot", AS_WITH("    regions: [ { iova: 0, size: 4K, prot: rwz } ]\n"),
	  "4:43", "prot: \"rwz\" is not letters of r w x u g, or none" },
	{ "bad fault mode", AS_WITH("    fault: sometimes\n"), "4:12",
	  "fault: \"sometimes\" is not fail, log or serve" },
	{ "fault mode a boolean", AS_WITH("    fault: no\n"), "4:12",
	  "fault: \"no\" is not fail, log or serve" },
	{ "fault mode in capitals", AS_WITH("    fault: Serve\n"), "4:12",
	  "fault: \"Serve\" is not fail, log or serve" },
	{ "mode with an 8", AS_WITH("    mode: 0680\n"), "4:11",
	  "mode: \"0680\" is not an octal mode 0000..0777 (like 0660)" },
	{ "mode with a sticky bit", AS_WITH("    mode: 1777\n"), "4:11",
	  "mode: \"1777\" is not an octal mode" },
	{ "mode in letters", AS_WITH("    mode: rw-rw----\n"), "4:11",
	  "mode: \"rw-rw----\" is not an octal mode" },
	{ "mode a list", AS_WITH("    mode: [6, 6, 0]\n"), "4:11",
	  "mode must be a single value, not a list" },
	/* Columns count characters: "é" is two bytes and one column. */
	{ "column after a multi-byte character", "address_spaces:\n"
	  "  - { name: café, format: x86_64, mode: 9 }\n", "2:41",
	  "mode: \"9\" is not an octal mode" },
	{ "first error wins", AS_WITH("    mode: 999\n    fault: bad\n"), "4:11",
	  "mode: \"999\"" },
};

int main(void)
{
	test_shipped();
	test_every_key();
	test_accepted_forms();
	test_format_file();
	REJECTS_ALL(syntax_errors);
	test_bad_bytes();
	test_deep_nesting();
	REJECTS_ALL(structure_errors);
	REJECTS_ALL(value_errors);
	{
		struct cfg *c = cfg_load("/nonexistent/swmmud.conf", err, sizeof(err));

		TAP_CHECK(!c && !strcmp(err, "/nonexistent/swmmud.conf: cannot read: No such file "
					 "or directory"), "missing file: %s", err);
		cfg_free(c);
	}
	return tap_done();
}
