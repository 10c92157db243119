// SPDX-License-Identifier: GPL-2.0-only
/*
 * Format descriptors: every built-in validates and survives print -> parse as an identical
 * descriptor (the built-ins are expressible in the run-time description language); the registry;
 * page-size sets; parser errors and validation failures.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

static char buf[16384];

static void test_roundtrip(void)
{
	unsigned int i, n = swmmu_format_count();

	TAP_CHECK(n >= 3, "registry has the built-in formats (%u)", n);
	for (i = 0; i < n; i++) {
		const struct swmmu_format *f = swmmu_format_get(i);
		struct swmmu_format g;
		unsigned int line;
		int len;

		TAP_EQ(swmmu_format_validate(f), 0, "%s: descriptor validates", f->name);
		TAP_CHECK(swmmu_format_find(f->name) == f, "%s: found by name", f->name);
		len = swmmu_format_print(f, buf, sizeof(buf));
		TAP_CHECK(len > 0 && (size_t)len < sizeof(buf), "%s: printed (%d bytes)", f->name, len);
		TAP_EQ(swmmu_format_parse(buf, (size_t)len, &g, &line), 0,
		       "%s: text parses back (line %u)", f->name, line);
		TAP_CHECK(swmmu_format_equal(f, &g), "%s: parsed descriptor is identical", f->name);
		TAP_CHECK(g.ops == NULL, "%s: parsed descriptor runs on the generic engine", f->name);
	}
	TAP_CHECK(swmmu_format_get(n) == NULL, "registry: index past the end is NULL");
	TAP_CHECK(swmmu_format_find("no-such-format") == NULL, "registry: unknown name is NULL");
}

static void test_pgsizes(void)
{
	TAP_EQ(swmmu_format_pgsizes(swmmu_format_find("x86_64")), (1ULL << 12) | (1ULL << 21) |
	       (1ULL << 30), "x86_64 page sizes 4K 2M 1G");
	TAP_EQ(swmmu_format_pgsizes(swmmu_format_find("x86_64-la57")), (1ULL << 12) | (1ULL << 21) |
	       (1ULL << 30), "x86_64-la57 page sizes 4K 2M 1G");
	TAP_EQ(swmmu_format_pgsizes(swmmu_format_find("aarch64-4k")), (1ULL << 12) | (1ULL << 16) |
	       (1ULL << 21) | (1ULL << 25) | (1ULL << 30),
	       "aarch64-4k page sizes 4K 64K(contig) 2M 32M(contig) 1G");
}

static const char good[] =
	"# a tiny 2-level format with 4-byte entries and no present bit but R|W\n"
	"name tiny\nlevels 2\nentry-bytes 4\nva-bits 32\noa-bits 32\noa-field 12 12 20\n"
	"flags none\nmemtypes wb\nneed-any rw\npresent 0x3\n"
	"leaf-perm r set 0x1\nleaf-perm w set 0x2\n"
	"table-perm r implied\ntable-perm w implied\n"
	"level 0 shift 12 bits 10 align 12 leaf 0x0 0x0\n"
	"level 1 shift 22 bits 10 align 12 leaf 0x80 0x80 table 0x80 0x0\n"
	"table-set 0x3\n";

static void test_parse(void)
{
	struct swmmu_format f;
	unsigned int line;
	char bad[sizeof(good) + 64];

	TAP_EQ(swmmu_format_parse(good, strlen(good), &f, &line), 0, "parse a run-time format");
	TAP_CHECK(!strcmp(f.name, "tiny") && f.entry_lg2 == 2 && f.nr_levels == 2 &&
		  f.level[1].shift == 22, "parsed fields");
	TAP_EQ(swmmu_format_pgsizes(&f), (1ULL << 12) | (1ULL << 22), "tiny: 4K and 4M pages");
	snprintf(bad, sizeof(bad), "%sbogus-key 1\n", good);
	TAP_EQ(swmmu_format_parse(bad, strlen(bad), &f, &line), -EINVAL, "unknown statement");
	{
		unsigned int nl = 0;
		const char *c;

		for (c = good; *c; c++)
			nl += *c == '\n';
		TAP_EQ(line, nl + 1, "error line reported");
	}
	snprintf(bad, sizeof(bad), "%s", good);
	memcpy(strstr(bad, "va-bits 32"), "va-bits 33", 10);
	TAP_EQ(swmmu_format_parse(bad, strlen(bad), &f, &line), -EINVAL,
	       "levels not covering va-bits exactly: invalid");
	TAP_EQ(line, 5, "a validation error reports the line it concerns (va-bits)");
	snprintf(bad, sizeof(bad), "%s", good);
	memcpy(strstr(bad, "entry-bytes 4"), "entry-bytes 5", 13);
	TAP_EQ(swmmu_format_parse(bad, strlen(bad), &f, &line), -EINVAL, "entry-bytes 5 rejected");
	snprintf(bad, sizeof(bad), "%s", good);
	*strstr(bad, "level 1") = '#';
	TAP_EQ(swmmu_format_parse(bad, strlen(bad), &f, &line), -EINVAL, "missing level rejected");
	TAP_EQ(swmmu_format_parse("name x\nlevels 0x1G\n", 19, &f, &line), -EINVAL,
	       "number too large for the field");
}

/* Parse @text and compare the error text with @want ("" for success). */
static void expect_error(const char *text, const char *want, const char *what)
{
	struct swmmu_format_error err;
	struct swmmu_format f;
	char msg[160] = "";

	if (swmmu_format_parse_err(text, strlen(text), &f, &err))
		swmmu_format_strerror(&err, msg, sizeof(msg));
	TAP_CHECK(!strcmp(msg, want), "%s: \"%s\"", what, msg);
	if (strcmp(msg, want))
		tap_diag("want \"%s\"", want);
}

/* Replace the first @from in good[] by @to, into @buf. */
static const char *edit(char *buf, size_t size, const char *from, const char *to)
{
	const char *at = strstr(good, from);

	snprintf(buf, size, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	return buf;
}

/* Errors that teach: the line of the statement at fault and what is wrong with it. */
static void test_parse_errors(void)
{
	struct swmmu_format_error err;
	struct swmmu_format f;
	char b[sizeof(good) + 128], msg[160];

	expect_error(good, "", "the good description parses");
	/* Syntax. */
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\nbogus-key 1\n"),
		     "19: unknown statement: \"bogus-key\"", "unknown statement");
	expect_error(edit(b, sizeof(b), "level 0 shift", "level 0 shfit"),
		     "16: level: not a level field, or its values are missing: \"shfit\"",
		     "misspelt level field");
	expect_error(edit(b, sizeof(b), "oa-bits 32", "oa-bits 3x"),
		     "6: oa-bits: not a number: \"3x\"", "not a number");
	expect_error(edit(b, sizeof(b), "oa-bits 32", "oa-bits 300"),
		     "6: oa-bits: number out of range: \"300\"", "number out of range");
	expect_error(edit(b, sizeof(b), "va-bits 32", "va-bits 32 33"),
		     "5: va-bits: takes one value", "too many values");
	expect_error(edit(b, sizeof(b), "need-any rw", "need-any rq"),
		     "10: need-any: permissions are letters of rwxug: \"rq\"", "bad permission");
	expect_error(edit(b, sizeof(b), "level 1 shift", "level 0 shift"),
		     "17: level: this level was given before: \"0\"", "level given twice");
	/* Validation: the statement concerned, its line, the field and level. */
	expect_error(edit(b, sizeof(b), "level 1 shift 22 bits 10", "level 1 shift 22 bits 11"),
		     "5: va-bits: the top level's shift plus bits must equal va-bits",
		     "index bits past va-bits");
	expect_error(edit(b, sizeof(b), "level 1 shift", "#evel 1 shift"),
		     "3: level 1: a level from 0 to levels - 1 is missing",
		     "a missing level line");
	expect_error(edit(b, sizeof(b), "level 1 shift 22", "level 1 shift 21"),
		     "17: level 1: shift must be the shift plus the bits of the level below",
		     "levels that do not tile");
	expect_error(edit(b, sizeof(b), "present 0x3", "present 0"),
		     "11: present: a present bit is needed (non-zero BITS)", "no present bit");
	expect_error(edit(b, sizeof(b), "leaf 0x80 0x80 table", "leaf 0x80 0x180 table"),
		     "17: level 1: leaf VAL has bits outside its MASK", "leaf value outside mask");
	expect_error("name x\nlevels 1\nlevel 0 shift 12 bits 9 align 12 leaf 0 0\n",
		     "3: entry-bytes: entry-bytes must be 4, 8 or 16",
		     "a statement not given: the last line");
	expect_error("", "1: levels: levels must be given, 1 to 6", "an empty description");
	/* Each statement's own refusals, with the word at fault. */
	expect_error(edit(b, sizeof(b), "flags none", "flags bogus"),
		     "8: flags: unknown flag: \"bogus\"", "unknown flag");
	expect_error(edit(b, sizeof(b), "memtypes wb", "memtypes wc"),
		     "9: memtypes: not one of wb wt uc device: \"wc\"", "unknown memory type");
	expect_error(edit(b, sizeof(b), "leaf-perm r set 0x1\n", "leaf-perm\n"),
		     "12: leaf-perm: a permission letter (r w x u g) is missing",
		     "permission letter missing");
	expect_error(edit(b, sizeof(b), "leaf-perm r set", "leaf-perm q set"),
		     "12: leaf-perm: not one of r w x u g: \"q\"", "unknown permission letter");
	expect_error(edit(b, sizeof(b), "leaf-perm r set", "leaf-perm r put"),
		     "12: leaf-perm: expected set BITS, clr BITS or implied: \"put\"",
		     "unknown permission keyword");
	expect_error(edit(b, sizeof(b), "leaf-perm r set 0x1", "leaf-perm r set 0xZ"),
		     "12: leaf-perm: not a number: \"0xZ\"", "a bad hex digit");
	expect_error(edit(b, sizeof(b), "leaf-perm w set 0x2", "leaf-perm w clr 0x"),
		     "13: leaf-perm: not a number: \"0x\"", "a prefix without digits");
	expect_error(edit(b, sizeof(b), "oa-bits 32", "oa-bits 99999999999999999999"),
		     "6: oa-bits: not a number: \"99999999999999999999\"", "a number past 64 bits");
	expect_error(edit(b, sizeof(b), "oa-bits 32", "oa-bits 0X2F"), "",
		     "upper-case hex digits and prefix");
	expect_error(edit(b, sizeof(b), "level 0 shift 12 bits 10 align 12 leaf 0x0 0x0", "level"),
		     "16: level: the level number is missing", "level number missing");
	expect_error(edit(b, sizeof(b), "level 0 shift", "level 6 shift"),
		     "16: level: the level number must be 0 to 5: \"6\"", "level number too large");
	expect_error(edit(b, sizeof(b), "level 1 shift 22", "level 1 entry-bytes 12 shift 22"),
		     "17: level: a level's entry-bytes is 8 or 16: \"12\"", "a level's entry size");
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\nlevel-perm 0\n"),
		     "19: level-perm: expected level-perm L P [set BITS] ...", "level-perm too short");
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\nlevel-perm 9 r implied\n"),
		     "19: level-perm: the level number must be 0 to 5: \"9\"", "level-perm level");
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\ncontig bogus 0x1 0x1\n"),
		     "19: contig: not none, hint, napot, napot-ones or fragment: \"bogus\"",
		     "unknown contig kind");
	expect_error(edit(b, sizeof(b), "name tiny", "name abcdefghijklmnopqrstuvwxyz012345"),
		     "2: name: a name has at most 31 characters: \"abcdefghijklmnopqrstuvw\"",
		     "a name too long (the word shown truncated)");
	/* A level's fields and the statements that take several values: the word at fault. */
	expect_error(edit(b, sizeof(b), "level 0 shift 12", "level 0 shift 1x"),
		     "16: level: not a number: \"1x\"", "level shift not a number");
	expect_error(edit(b, sizeof(b), "level 0 shift 12 bits 10", "level 0 shift 12 bits 300"),
		     "16: level: number out of range: \"300\"", "level bits out of range");
	expect_error(edit(b, sizeof(b), "bits 10 align 12 leaf 0x0", "bits 10 align q leaf 0x0"),
		     "16: level: not a number: \"q\"", "level align not a number");
	expect_error(edit(b, sizeof(b), "align 12 leaf 0x0 0x0", "align 12 contig 0x100000000 leaf 0x0 0x0"),
		     "16: level: number out of range: \"0x100000000\"", "level contig out of range");
	expect_error(edit(b, sizeof(b), "align 12 leaf 0x0 0x0", "align 12 mt-mask 0xZ leaf 0x0 0x0"),
		     "16: level: not a number: \"0xZ\"", "level mt-mask not a number");
	expect_error(edit(b, sizeof(b), "leaf 0x0 0x0", "leaf 0x0 0xq"),
		     "16: level: not a number: \"0xq\"", "level leaf value not a number");
	expect_error(edit(b, sizeof(b), "table 0x80 0x0", "table 0xg 0x0"),
		     "17: level: not a number: \"0xg\"", "level table mask not a number");
	expect_error(edit(b, sizeof(b), "align 12 leaf 0x0 0x0", "align 12 mt 0 0 0 x leaf 0x0 0x0"),
		     "16: level: not a number: \"x\"", "level memory-type value not a number");
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\nlevel 2 shift 32 bits 0 align 12 leaf 0 0\n"),
		     "19: level 2: a level at or above levels", "a level at or above levels");
	expect_error(edit(b, sizeof(b), "name tiny", "name"), "2: name: takes one value",
		     "name without its value");
	expect_error(edit(b, sizeof(b), "entry-bytes 4", "entry-bytes"),
		     "4: entry-bytes: takes one value", "entry-bytes without its value");
	expect_error(edit(b, sizeof(b), "table-set 0x3\n", "table-set 0x3\ncontig hint 0x1\n"),
		     "19: contig: takes three values", "contig with too few values");
	expect_error(edit(b, sizeof(b), "need-any rw", "need-any -"),
		     "10: need-any: at least one of rwxug is needed", "need-any - (the empty set)");
	/* swmmu_format_check() alone: no line, the level and what. */
	f = *swmmu_format_find("x86_64");
	f.level[0].flags |= SWMMU_LVL_TABLE;
	TAP_EQ(swmmu_format_check(&f, &err), -EINVAL, "check: level 0 with tables");
	swmmu_format_strerror(&err, msg, sizeof(msg));
	TAP_CHECK(!strcmp(msg, "level 0: level 0 holds leaves only (no table)"), "check: %s", msg);
}

static void test_validate(void)
{
	struct swmmu_format f = *swmmu_format_find("x86_64");

	f.level[0].flags |= SWMMU_LVL_TABLE;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "level 0 pointing at tables is invalid");
	f = *swmmu_format_find("x86_64");
	f.level[1].leaf_val = 0x100;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "leaf value outside its mask is invalid");
	f = *swmmu_format_find("x86_64");
	f.present = 0;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "no present bits is invalid");
	f = *swmmu_format_find("x86_64");
	f.level[2].shift = 31;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "levels must tile the VA");
	f = *swmmu_format_find("x86_64");
	f.level[0].contig = 1u << 4;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "contiguous entries need a contiguous encoding");

	/* Per-level item sizes and dual directories (nv-gp100 is the valid example). */
	f = *swmmu_format_find("nv-gp100");
	TAP_EQ(swmmu_format_validate(&f), 0, "dual directory at level 2 with 16-byte items is valid");
	f.flags &= ~SWMMU_FMT_LEVEL_ENTRY;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "a level's entry size needs the level-entry flag");
	f = *swmmu_format_find("nv-gp100");
	f.level[2].entry_lg2 = 3;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "a dual directory needs 16-byte items");
	f = *swmmu_format_find("nv-gp100");
	f.level[3].entry_lg2 = 2;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "a level's entry size is 8 or 16 bytes");
	f = *swmmu_format_find("nv-gp100");
	f.level[3].flags |= SWMMU_LVL_DUAL;
	f.level[3].entry_lg2 = 4;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "only level 2 can be a dual directory");
	f = *swmmu_format_find("nv-gp100");
	f.level[1].flags |= SWMMU_LVL_TABLE;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "level 1 under a dual directory holds leaves only");
	f = *swmmu_format_find("nv-gp100");
	f.level[0].index_bits = 8;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "level 0 must span the dual item as well");
	f = *swmmu_format_find("nv-gp100");
	f.level[2].flags &= ~SWMMU_LVL_DUAL;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "without the dual flag, level 1 must tile level 0");
	f = *swmmu_format_find("nv-gp100");
	f.ext_leaf = 1;
	TAP_EQ(swmmu_format_validate(&f), -EINVAL, "no ext words without a plain 16-byte level");
	f = *swmmu_format_find("x86_64");
	f.flags |= SWMMU_FMT_LEVEL_ENTRY;
	f.level[3].entry_lg2 = 4;
	f.level[3].index_bits = 9;
	TAP_EQ(swmmu_format_validate(&f), 0, "x86_64 with a 16-byte top level validates");
}

/*
 * Every rejection of swmmu_format_check(), one field at a time on a valid built-in format: the
 * run-time format parser (and so FORMAT_NEW) relies on it to refuse what the engine cannot walk,
 * and the text of each reason is what a user reads.
 */
enum { CK_GLOBAL = -1 };
struct check_case {
	const char *base;	/* the valid format changed */
	int level;		/* the level the reason names, or CK_GLOBAL */
	const char *why;
};

static const struct check_case check_cases[] = {
	{ "x86_64", CK_GLOBAL, "a name of 1 to 31 characters is needed" },
	{ "x86_64", CK_GLOBAL, "levels must be 1 to 6" },
	{ "x86_64", CK_GLOBAL, "entry-bytes must be 4, 8 or 16" },
	{ "x86_64", CK_GLOBAL, "va-bits must be 1 to 64" },
	{ "x86_64", CK_GLOBAL, "oa-bits must be 1 to 64" },
	{ "x86_64", CK_GLOBAL, "WIDTH must not be 0" },
	{ "x86_64", CK_GLOBAL, "the field goes past the entry (PTE_LO + WIDTH)" },
	{ "x86_64", CK_GLOBAL, "OA_LO + WIDTH goes past bit 63" },
	{ "x86_64", CK_GLOBAL, "unknown flag" },
	{ "x86_64", CK_GLOBAL, "at least one memory type is needed" },
	{ "x86_64", CK_GLOBAL, "at least one of rwxug is needed" },
	{ "x86_64", CK_GLOBAL, "4-byte entries: a bit above 31 is used" },
	{ "x86_64", CK_GLOBAL, "MASK must be non-zero and contain VAL" },
	{ "x86_64", CK_GLOBAL, "VAL must be non-zero and inside MASK" },
	{ "x86_64", CK_GLOBAL, "no level has 16-byte items (that is not dual)" },
	{ "x86_64", CK_GLOBAL, "unknown permission" },	/* leaf-perm */
	{ "x86_64", CK_GLOBAL, "unknown permission" },	/* table-perm */
	{ "x86_64", 1, "bits must be 1 to 16" },
	{ "x86_64", 1, "shift must be below 64" },
	{ "x86_64", 1, "entry-bytes needs 8 or 16 and a format of 8- or 16-byte items" },
	{ "x86_64", 0, "a table must be at least 16 bytes" },
	{ "x86_64", 1, "align is below the lowest OA bit (oa-field)" },
	{ "x86_64", 1, "align must be 30 or less" },
	{ "x86_64", 1, "needs leaf MASK VAL or table MASK VAL" },
	{ "x86_64", 1, "a level's own encoding without the flag" },
	{ "x86_64", 3, "the level holds no leaves" },
	{ "x86_64", 1, "encodes nothing (give set, clr or implied)" },
	{ "x86_64", 2, "levels above 0 need table MASK VAL" },
	{ "nv-gp100", 1, "under a dual directory: shift must be above level 0's" },
	{ "x86_64", 1, "table VAL has bits outside its MASK" },
	{ "x86_64", 1, "table entries would not be present (table VAL, table-set)" },
	{ "x86_64", 0, "leaves below the lowest OA bit (oa-field)" },
	{ "x86_64", 0, "contig bit 0 is not a contiguous size" },
	{ "x86_64", 3, "contig on a level without leaves" },
	{ "x86_64", 0, "contig needs a contig statement (not none)" },
	{ "aarch64-4k", 0, "contig larger than a table" },
	{ "aarch64-4k", 0, "contig hint allows one size only" },
	{ "x86_64", 0, "mt value has bits outside mt-mask" },
	{ "x86_64", CK_GLOBAL, "the top level's shift plus bits must equal va-bits" },
	/* SDM 4.5: a 4 KiB PTE holds address bits 51:12, a PDE its page table's 51:12. */
	{ "x86_64", 0, "a leaf encoding bit is an address bit" },
	{ "x86_64", 1, "a table-entry encoding bit is an address bit" },
	/* gp100: a dual PDE's big-page table is 256-byte aligned, its address from entry bit 4. */
	{ "nv-gp100", 2, "a table-entry encoding bit is an address bit" },
};

/* Case @i of check_cases[] applied to @f (a copy of its base format). */
static void check_case_apply(struct swmmu_format *f, unsigned int i)
{
	switch (i) {
	case 0: f->name[0] = 0; break;
	case 1: f->nr_levels = 0; break;
	case 2: f->entry_lg2 = 5; break;
	case 3: f->va_bits = 0; break;
	case 4: f->oa_bits = 65; break;
	case 5: f->oa_width = 0; break;
	case 6: f->oa_pte_lo = 60; break;
	case 7: f->oa_lo = 30; break;
	case 8: f->flags |= 0x200; break;
	case 9: f->mt_valid = 0; break;
	case 10: f->need_any = 0; break;
	/* 4-byte items: the OA field made to fit, then a bit above 31 used. */
	case 11: f->entry_lg2 = 2; f->oa_width = 20; f->dirty = 1ULL << 40; break;
	case 12: f->contig_kind = SWMMU_CONTIG_NR; break;
	case 13: f->null_val = 1; break;
	case 14: f->ext_leaf = 1; break;
	case 15: f->leaf_perm.implied |= 0x80000000u; break;
	case 16: f->table_perm.implied |= 0x80000000u; break;
	case 17: f->level[1].index_bits = 0; break;
	case 18: f->level[1].shift = 64; break;
	case 19: f->level[1].entry_lg2 = 4; break;
	/* 4-byte items and one index bit: an 8-byte table. */
	case 20: f->entry_lg2 = 2; f->oa_width = 20; f->level[0].index_bits = 1; break;
	case 21: f->level[1].table_align_lg2 = 4; break;
	case 22: f->level[1].table_align_lg2 = 31; break;
	case 23: f->level[1].flags = 0; break;
	case 24: f->level[1].leaf_perm.implied = SWMMU_PROT_R; break;
	case 25: f->level[3].flags |= SWMMU_LVL_OWN_PERM;
		 f->level[3].leaf_perm.implied = SWMMU_PROT_R; break;
	case 26: f->level[1].flags |= SWMMU_LVL_OWN_PERM; break;
	case 27: f->level[2].flags = SWMMU_LVL_LEAF; break;
	case 28: f->level[1].shift = 12; break;
	case 29: f->level[1].table_val |= 1ULL << 50; break;
	case 30: f->level[1].table_val = 0; f->level[1].table_mask = 0; break;
	case 31: f->level[0].shift = 11; break;
	case 32: f->level[0].contig = 1; break;
	case 33: f->level[3].contig = 2; break;
	case 34: f->level[0].contig = 16; break;
	case 35: f->level[0].contig = 1u << 10; break;
	case 36: f->level[0].contig = 16 | 32; break;
	case 37: f->level[0].mt[SWMMU_MT_WB] = ~0ULL; break;
	case 38: f->va_bits = 47; break;
	case 39: f->accessed = 1ULL << 20; break;
	case 40: f->table_set |= 1ULL << 12; break;
	/* Bit 6 (READ_ONLY in a PTE) as the W bit of a PDE: address bit 10 of a big-page table. */
	case 41: f->table_perm.clr[__builtin_ctz(SWMMU_PROT_W)] = 1ULL << 6; break;
	}
}

static void test_check_reasons(void)
{
	struct swmmu_format_error err;
	struct swmmu_format f;
	unsigned int i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		int ret;

		f = *swmmu_format_find(c->base);
		TAP_EQ(swmmu_format_check(&f, &err), 0, "check %u: %s is valid", i, c->base);
		check_case_apply(&f, i);
		ret = swmmu_format_check(&f, &err);
		TAP_CHECK(ret == -EINVAL && err.why && !strcmp(err.why, c->why) &&
			  err.level == c->level, "check %u: %s: level %d: %s", i, c->base,
			  c->level, c->why);
		if (ret != -EINVAL || !err.why || strcmp(err.why, c->why) || err.level != c->level)
			tap_diag("got %d, level %d: %s", ret, err.level, err.why ? err.why : "(none)");
	}
}

/* A run-time format with a 16-byte middle level between 8-byte levels: maps and walks. */
static void test_level_entry(void)
{
	static const char text[] =
		"name mixed\nlevels 3\nentry-bytes 8\nva-bits 39\noa-bits 48\n"
		"oa-field 12 12 36\nmemtypes wb\nneed-any r\npresent 1\n"
		"leaf-perm r implied\nleaf-perm w set 2\ntable-perm r implied\n"
		"table-perm w implied\n"
		"level 0 shift 12 bits 9 align 12 leaf 1 1\n"
		"level 1 shift 21 bits 9 align 13 leaf 0x81 0x81 table 0x81 1 entry-bytes 16\n"
		"level 2 shift 30 bits 9 align 12 table 1 1\n";
	struct swmmu_format f = { .flags = 0 };
	struct test_mem tm;
	struct swmmu_as as;
	struct swmmu_xlate x;
	struct swmmu_stats st;

	if (!TAP_EQ(swmmu_format_parse(text, strlen(text), &f, NULL), 0,
		    "mixed: 'entry-bytes 16' on level 1 parses"))
		return;
	test_mem_init(&tm, 64 << 20);
	TAP_CHECK((f.flags & SWMMU_FMT_LEVEL_ENTRY) && f.level[1].entry_lg2 == 4,
		  "mixed: level 1 has 16-byte items");
	TAP_EQ(swmmu_as_init(&as, &f, &tm.mem), 0, "mixed: address space");
	TAP_EQ(swmmu_map(&as, 0x40200000, 0x1000000, 0x400000, SWMMU_PROT_R), 0,
	       "mixed: two 2M leaves in the 16-byte level");
	TAP_EQ(swmmu_map(&as, 0x40001000, 0x2001000, 0x1000, SWMMU_PROT_R | SWMMU_PROT_W), 0,
	       "mixed: a 4K leaf below item 0");
	TAP_CHECK(!swmmu_query(&as, 0x40400123, &x) && x.pa == 0x1200123 && x.size_lg2 == 21 &&
		  x.pte == (0x1200000 | 0x81), "mixed: 16-byte leaf item 2");
	TAP_CHECK(((u64 *)pt_child(&f, &as, ((u64 *)as.root_cpu)[1]))[4] == (0x1200000 | 0x81),
		  "mixed: item 2 of the 16-byte table is at byte offset 32");
	TAP_CHECK(!swmmu_query(&as, 0x40001008, &x) && x.pa == 0x2001008 && x.size_lg2 == 12,
		  "mixed: query below the 16-byte table entry");
	swmmu_as_stats(&as, &st);
	TAP_EQ(st.table_bytes, 4096 + 8192 + 4096, "mixed: the 16-byte table is 8K");
	TAP_EQ(swmmu_unmap(&as, 0x40000000, 0x40000000, SWMMU_UNMAP_FREE_EMPTY, NULL, NULL), 0,
	       "mixed: unmap all");
	swmmu_as_destroy(&as);
	TAP_EQ(tm.live, 0, "mixed: all tables freed");
	test_mem_fini(&tm);
}

static void test_runtime_engine(void)
{
	struct swmmu_format f;
	struct test_mem tm;
	struct swmmu_as as;
	struct swmmu_xlate x;

	test_mem_init(&tm, 64 << 20);
	swmmu_format_parse(good, strlen(good), &f, NULL);
	TAP_EQ(swmmu_as_init(&as, &f, &tm.mem), 0, "tiny: address space on the generic engine");
	TAP_EQ(swmmu_map(&as, 0x400000, 0x800000, 0x400000, SWMMU_PROT_W), 0,
	       "tiny: write-only 4M leaf (no present bit: W alone is present)");
	TAP_EQ(swmmu_query(&as, 0x512345, &x), 0, "tiny: query");
	TAP_CHECK(x.pa == 0x912345 && x.prot == SWMMU_PROT_W && x.size_lg2 == 22 &&
		  x.pte == (0x800000 | 0x80 | 0x2), "tiny: 4-byte leaf 0x%llx", (unsigned long long)x.pte);
	TAP_EQ(swmmu_map(&as, 0, 0, 4096, SWMMU_PROT_X), -EOPNOTSUPP,
	       "tiny: neither R nor W would be a hole -> EOPNOTSUPP");
	TAP_EQ(swmmu_map(&as, 0xfffff000, 0xfffff000, 4096, SWMMU_PROT_R), 0, "tiny: last page");
	TAP_EQ(swmmu_map(&as, 0xfffff000, 0, 8192, SWMMU_PROT_R), -ERANGE,
	       "tiny: past the 32-bit VA space -> ERANGE");
	swmmu_as_destroy(&as);
	TAP_EQ(tm.live, 0, "tiny: all tables freed");
	test_mem_fini(&tm);
}

/*
 * swmmu_format_equal() (core/swmmu_format.c kernel-doc): every field the text carries counts,
 * the engine instance and the levels beyond nr_levels do not. swmmu_link() relies on it to
 * accept a subtree of an equal run-time format.
 */
static void test_equal(void)
{
	const struct swmmu_format *x = swmmu_format_find("x86_64");
	struct swmmu_format f = *x;

	TAP_CHECK(swmmu_format_equal(x, &f), "equal: a copy");
	f.ops = NULL;
	f.level[5].shift = 7;
	TAP_CHECK(swmmu_format_equal(x, &f),
		  "equal: the engine instance and a level past nr_levels are not compared");
	f = *x;
	f.level[1].mt[SWMMU_MT_UC] ^= 1ULL << 4;
	TAP_CHECK(!swmmu_format_equal(x, &f), "equal: a level's memory-type value differs");
	f = *x;
	/* The index of a permission is its bit number in the prot word (core/swmmu_format.h). */
	f.level[0].leaf_perm.set[__builtin_ctz(SWMMU_PROT_W)] ^= 1ULL << 9;
	TAP_CHECK(!swmmu_format_equal(x, &f), "equal: a level's permission encoding differs");
	f = *x;
	f.table_perm.implied ^= SWMMU_PROT_X;
	TAP_CHECK(!swmmu_format_equal(x, &f), "equal: the implied table permissions differ");
	f = *x;
	f.level[3].table_val ^= 1ULL << 9;
	TAP_CHECK(!swmmu_format_equal(x, &f), "equal: the top level's table encoding differs");
}

/* swmmu_parse_u64() (core/swmmu_fmt_text.c kernel-doc): decimal or 0x hex, K/M/G/T binary. */
static void test_parse_u64(void)
{
	static const struct {
		const char *s;
		int ret;
		u64 v;
	} cases[] = {
		{ "4096", 0, 4096 },
		{ "0x1F", 0, 0x1f },
		{ "4K", 0, 4096 },
		{ "0x10M", 0, 16ULL << 20 },
		{ "16777215T", 0, 0xffffff0000000000ULL },
		{ "18446744073709551615", 0, ~0ULL },
		{ "", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },		/* a multiple of nothing */
		{ "0xG", -EINVAL, 0 },		/* "0x" and a suffix: no digit */
		{ "0x", -EINVAL, 0 },
		{ "12a", -EINVAL, 0 },		/* hex digits need 0x */
		{ "18446744073709551616", -EINVAL, 0 },	/* 2^64 */
		{ "0x10000000000000000", -EINVAL, 0 },
		{ "16777216T", -EINVAL, 0 },	/* 2^24 << 40 = 2^64 */
		{ "4P", -EINVAL, 0 },		/* not a multiple swmmu knows */
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u64 v = 0;
		int ret = swmmu_parse_u64(cases[i].s, strlen(cases[i].s), &v);

		TAP_CHECK(ret == cases[i].ret && (ret || v == cases[i].v), "parse_u64 \"%s\" -> %s",
			  cases[i].s, cases[i].ret ? "EINVAL" : "its value");
	}
}

int main(void)
{
	test_roundtrip();
	test_pgsizes();
	test_parse();
	test_parse_errors();
	test_validate();
	test_check_reasons();
	test_level_entry();
	test_runtime_engine();
	test_equal();
	test_parse_u64();
	return tap_done();
}
