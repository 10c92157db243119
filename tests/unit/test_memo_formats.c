// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one-word prot memos of core/swmmu_internal.h ("One-word memos of the prot last encoded
 * into (struct swmmu_as.leaf_memo) and decoded from (.prot_memo) a level-0 leaf") where they
 * cannot hold: "Off (field 0) where the output-address field is narrower than 12 bits"
 * (pt_leaf_memo_get() finds nothing), and "when they leave the memo's field free" only
 * (pt_leaf_memo_put(): a format whose level-0 leaf bits of a prot lie in the memo's 12 bits of the
 * output-address field is not memoised). Two run-time formats (docs/format-language.md) in
 * those cases; a run of maps and queries with alternating prots must give each page its own
 * prot and raw bits.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "testlib.h"
#include "swmmu_internal.h"

#define R	SWMMU_PROT_R
#define W	SWMMU_PROT_W
#define U	SWMMU_PROT_U
#define K4	0x1000ULL
#define M1	0x100000ULL

static struct test_mem tm;

/*
 * 1 MiB pages only, physical addresses of 31 bits: the address field is 11 bits (entry bits
 * 20..30 hold address bits 20..30), so tables are 1 MiB aligned too. Entry bits as toy-gpu
 * (docs/examples/toy-gpu.fmt): VALID 0x1, PTE 0x2, READ_ONLY 0x4, NO_EXEC 0x8.
 */
static const char narrow_text[] =
	"name narrow-oa\n"
	"levels 2\n"
	"entry-bytes 8\n"
	"va-bits 32\n"
	"oa-bits 31\n"
	"oa-field 20 20 11\n"
	"flags none\n"
	"memtypes wb\n"
	"present 0x1\n"
	"leaf-set 0x1\n"
	"table-set 0x1\n"
	"need-any r\n"
	"leaf-perm r implied\n"
	"leaf-perm w clr 0x4\n"
	"leaf-perm x clr 0x8\n"
	"table-perm r implied\n"
	"table-perm w implied\n"
	"table-perm x implied\n"
	"table-perm u implied\n"
	"level 0 shift 20 bits 9 align 20 leaf 0x2 0x2\n"
	"level 1 shift 29 bits 3 align 20 table 0x2 0x0\n";

/*
 * nv-gp100's PTE and PDE bits (arch/nv_gp100.c: VALID[0], APERTURE[2:1], VOL[3], PRIVILEGE[5],
 * READ_ONLY[6], address >> 8 from bit 4) without the dual directory: PRIVILEGE and READ_ONLY
 * are entry bits 5 and 6, inside the output-address field's low 12 bits (entry bits 4..15),
 * where a 4 KiB leaf holds no address bits.
 */
static const char lowperm_text[] =
	"name nv-flat\n"
	"levels 4\n"
	"entry-bytes 8\n"
	"va-bits 48\n"
	"oa-bits 58\n"
	"oa-field 8 4 50\n"
	"flags none\n"
	"memtypes wb uc device\n"
	"present 0x7\n"
	"table-set 0x8\n"
	"need-any r\n"
	"leaf-perm r implied\n"
	"leaf-perm w clr 0x40\n"
	"leaf-perm u clr 0x20\n"
	"table-perm r implied\n"
	"table-perm w implied\n"
	"table-perm x implied\n"
	"table-perm u implied\n"
	"level 0 shift 12 bits 9 align 12 leaf 0x1 0x1 mt-mask 0xe mt 0x4 0x0 0xc 0xe\n"
	"level 1 shift 21 bits 9 align 12 table 0x7 0x4\n"
	"level 2 shift 30 bits 9 align 12 table 0x7 0x4\n"
	"level 3 shift 39 bits 9 align 12 table 0x7 0x4\n";

static struct swmmu_format narrow_fmt, lowperm_fmt;

static void test_narrow(void)
{
	static const u32 prots[4] = { R | W, R, R, R | W };
	/* READ_ONLY for R, NO_EXEC for both (X not asked for). */
	static const u64 bits[4] = { 0xb, 0xf, 0xf, 0xb };
	struct swmmu_as as;
	struct swmmu_xlate x;
	unsigned int i;

	if (!TAP_EQ(swmmu_format_parse(narrow_text, strlen(narrow_text), &narrow_fmt, NULL), 0,
		    "narrow-oa parses"))
		return;
	TAP_EQ(narrow_fmt.oa_width, 11, "narrow-oa: an 11-bit output-address field");
	if (!TAP_EQ(swmmu_as_init(&as, &narrow_fmt, &tm.mem), 0, "narrow-oa: create"))
		return;
	for (i = 0; i < 4; i++)
		TAP_EQ(swmmu_map(&as, (u64)(i + 1) * M1, 0x40000000ULL + i * M1, M1, prots[i]), 0,
		       "narrow-oa: map 1M page %u", i);
	for (i = 0; i < 4; i++) {
		if (!TAP_EQ(swmmu_query(&as, (u64)(i + 1) * M1 + 0x1234, &x), 0,
			    "narrow-oa: query page %u", i))
			continue;
		TAP_EQ(x.prot, prots[i], "narrow-oa: page %u has its own prot", i);
		TAP_EQ(x.pte, (0x40000000ULL + i * M1) | bits[i], "narrow-oa: page %u's leaf", i);
		TAP_EQ(x.pa, 0x40000000ULL + i * M1 + 0x1234, "narrow-oa: page %u's address", i);
	}
	TAP_EQ(swmmu_protect(&as, M1, M1, R, 0, NULL), 0, "narrow-oa: protect page 0 to r");
	TAP_CHECK(!swmmu_query(&as, M1, &x) && x.prot == R && x.pte == (0x40000000ULL | 0xf),
		  "narrow-oa: page 0 is read-only");
	TAP_CHECK(!swmmu_query(&as, 4 * M1, &x) && x.prot == (R | W),
		  "narrow-oa: page 3 is still rw");
	TAP_EQ(swmmu_unmap(&as, M1, 4 * M1, 0, NULL, NULL), 0, "narrow-oa: unmap");
	swmmu_as_destroy(&as);
}

static void test_lowperm(void)
{
	/* Everything here is readable; W clear sets READ_ONLY[6], U clear sets PRIVILEGE[5]. */
	static const u32 prots[6] = { R | W | U, R, R | U, R | W, R | W | U, R };
	static const u64 bits[6] = { 0x0, 0x60, 0x40, 0x20, 0x0, 0x60 };
	struct swmmu_as as;
	struct swmmu_xlate x;
	unsigned int i, pass;

	if (!TAP_EQ(swmmu_format_parse(lowperm_text, strlen(lowperm_text), &lowperm_fmt, NULL), 0,
		    "nv-flat parses"))
		return;
	if (!TAP_EQ(swmmu_as_init(&as, &lowperm_fmt, &tm.mem), 0, "nv-flat: create"))
		return;
	for (i = 0; i < 6; i++)
		TAP_EQ(swmmu_map(&as, 0x10000ULL + i * K4, 0x80000000ULL + i * K4, K4, prots[i]), 0,
		       "nv-flat: map page %u", i);
	/* Twice: the second pass would read a memo the first wrote. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < 6; i++) {
			if (!TAP_EQ(swmmu_query(&as, 0x10000ULL + i * K4, &x), 0,
				    "nv-flat: pass %u: query page %u", pass, i))
				continue;
			TAP_EQ(x.prot, prots[i], "nv-flat: pass %u: page %u has its own prot",
			       pass, i);
			/* VALID | APERTURE 2 (system coherent, write-back) | ADDRESS_SYS[53:8]. */
			TAP_EQ(x.pte, (((0x80000000ULL + i * K4) >> 12) << 8) | 0x5 | bits[i],
			       "nv-flat: pass %u: page %u's PTE", pass, i);
		}
	TAP_EQ(swmmu_unmap(&as, 0x10000ULL, 6 * K4, 0, NULL, NULL), 0, "nv-flat: unmap");
	swmmu_as_destroy(&as);
}

int main(void)
{
	if (test_mem_init(&tm, 1UL << 26))
		return 1;
	test_narrow();
	test_lowperm();
	TAP_EQ(tm.live, 0, "nothing leaked");
	test_mem_fini(&tm);
	return tap_done();
}
