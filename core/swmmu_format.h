/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swmmu page-table format descriptor: a page-table format is data.
 *
 * Vocabulary (used the same way everywhere in swmmu):
 *
 * level     Levels are numbered from the leaf upwards: level 0 is the leaf level (4K pages on
 *           x86-64 and AArch64-4K), level nr_levels - 1 is the root. Architecture manuals number
 *           the other way round (AArch64 "level 3" is our level 0; x86 PML4 is our level 3).
 * table     One page-table page: 2^index_bits items of one level.
 * item      One slot of a table (one 4, 8 or 16 byte PTE in memory).
 * entry     One translation. An entry is usually one item, but a contiguous entry (ARM
 *           contiguous bit, RISC-V Svnapot, AMD v1 page-size encoding, GPU fragments) spans
 *           2^k aligned items of the same level that together map 2^k * item size bytes.
 * leaf      An entry that translates (page or block); "table entry" points at a lower table.
 * hole      An item that is neither a leaf nor a table pointer (not present).
 * va, len   A range as the API takes it: the first byte and a length in bytes (len > 0). va +
 *           len may be 2^64 (wrap to 0) at the top of a 64-bit VA space; a range whose last
 *           byte would lie beyond 2^64 - 1 is -EOVERFLOW everywhere (the library, the uAPI); a
 *           range outside the format is -ERANGE.
 * start/last  The one range convention inside the library: inclusive, last is the last byte (or
 *           the last index, for runs of items), so the top of a 64-bit VA space is expressible.
 *           Every (va, len) becomes a start/last pair once, at the API (pt_range()); the walk
 *           engine's position keeps the last address of the range at each level. No range is
 *           given as a half-open start/end pair.
 * ia        Internal address: a VA with the sign extension of SWMMU_FMT_SIGN_EXTEND formats
 *           removed (bits va_bits and up clear): what the tables index. pt_va_to_ia() checks a
 *           VA and converts it, pt_canon() converts back; ranges reported to callers (gather,
 *           walk items, query results) are canonical VAs.
 * _lg2      A log2: shift_lg2 = 12 means 4096.
 * VA / OA   Input (virtual / IO virtual) address and output (physical / DMA) address.
 *
 * Encoding model. An item's value is read as a 64-bit integer in CPU byte order (4-byte items are
 * zero-extended; for 16-byte items the first 8-byte word is the primary word and the second word
 * is written with the constants ext_leaf/ext_table). Classification of an item at level L:
 *   - a null (sparse) leaf if null_mask != 0, L may hold leaves and (pte & null_mask) == null_val;
 *   - with SWMMU_FMT_TABLE_ADDR, a table entry if L may point at tables, (pte & table_mask) ==
 *     table_val and the output-address field is non-zero;
 *   - a hole if no bit of @present is set;
 *   - a table entry if L may point at tables and (pte & table_mask) == table_val;
 *   - a leaf if L may hold leaves and (pte & leaf_mask) == leaf_val, or if the format has a
 *     contiguous encoding and (pte & contig_mask) == contig_val;
 *   - otherwise a reserved (bad) encoding, which the engine treats as occupied and never parses.
 * The output-address field holds OA bits [oa_lo + oa_width - 1 : oa_lo] at entry bits
 * [oa_pte_lo + oa_width - 1 : oa_pte_lo]; a leaf of size 2^s decodes its OA with bits below s
 * cleared (that is how x86 keeps the PAT bit at bit 12 of large leaves).
 *
 * Permissions are expressed per permission bit of the swmmu prot word (SWMMU_PROT_R/W/X/U/G):
 * set[p] is OR-ed in when p is granted, clr[p] is OR-ed in when p is not granted (a "no-execute"
 * bit is a clr bit). A permission with neither set nor clr bits is either implied (always granted,
 * listed in @implied) or not expressible. A request that the format cannot encode exactly fails
 * with -EOPNOTSUPP: permissions are never silently widened or narrowed.
 *
 * How the families are expressed:
 * - x86-64: PS bit in per-level leaf/table masks; PAT moves between bit 7 and bit 12, hence
 *   per-level memory type encodings (mt_mask/mt); XD is a clr bit; sign-extended VAs.
 * - AArch64 granules: per-level shift/index_bits (16K: 1-bit level 0; 64K: 6-bit top level);
 *   stage 2 S2AP: set bits for R and W (write-only expressible), no implied R.
 * - ARM contiguous bit: SWMMU_CONTIG_HINT with the allowed run lengths in each level's contig.
 * - RISC-V: oa_pte_lo = 10 (PPN at bit 10); table entries are "V and no RWX" (table_mask = RWX,
 *   table_val = 0; tables are classified first), leaves any RWX; SWMMU_FMT_W_NEEDS_R;
 *   Svnapot: SWMMU_CONTIG_NAPOT with the N bit as contig_mask.
 * - AMD IOMMU v1: NextLevel as per-level table_val; size in address bits: SWMMU_CONTIG_NAPOT_ONES.
 * - VT-d second stage: present = R|W, need_any = R|W.
 * - Mali LPAE: leaf_val 0b01 at every level, including level 0.
 * - GPU: 4-byte items (entry_lg2 = 2), 16-byte items (entry_lg2 = 4, second word ext_leaf /
 *   ext_table), NULL/sparse entries (null_mask/null_val, also when not present), fragment fields
 *   (SWMMU_CONTIG_FRAGMENT).
 * - Per-level item sizes (SWMMU_FMT_LEVEL_ENTRY): a level's entry_lg2 (8 or 16 bytes) overrides
 *   the format's (NVIDIA Pascal: 16-byte PD0 items between 8-byte levels).
 * - Dual directories (SWMMU_LVL_DUAL, level 2 only): a 16-byte item of level 2 is two table
 *   entries side by side, both encoded as level-2 table entries. Word 0 points at a level-1 table
 *   and word 1 at a level-0 table; both tables cover the item's whole span, and levels 1 and 0
 *   hold only leaves (level 1 the larger pages). For a given address the level-1 item decides
 *   when it is not a hole (a leaf, a null leaf or a reserved item); a hole there defers to the
 *   level-0 table. Word 0 may also be a leaf of level 2 (then word 1 is zero). This is the
 *   big/small page table pair of NVIDIA GPUs (PD0 of the Pascal MMU format, and the PDE of
 *   Fermi..Maxwell); swmmu's tree of one child per item is the special case without the flag.
 * - Big-endian tables: SWMMU_FMT_BIG_ENDIAN.
 * - LoongArch: directory entries hold only the next table's address (SWMMU_FMT_TABLE_ADDR: a
 *   table entry is present when its address is non-zero); the global bit moves from bit 6 of a
 *   4K leaf to bit 12 of a huge leaf (per-level leaf permissions, SWMMU_LVL_OWN_PERM).
 */
#ifndef SWMMU_FORMAT_H
#define SWMMU_FORMAT_H

#include "swmmu_platform.h"

#define SWMMU_MAX_LEVELS	6
#define SWMMU_NAME_MAX		32

/* Permission bits of a prot word; see also swmmu_pt.h. */
#define SWMMU_PROT_R		0x01u	/* read */
#define SWMMU_PROT_W		0x02u	/* write */
#define SWMMU_PROT_X		0x04u	/* execute */
#define SWMMU_PROT_U		0x08u	/* user / unprivileged (EL0) */
#define SWMMU_PROT_G		0x10u	/* global (not tagged by ASID/PCID) */
#define SWMMU_PROT_NULL		0x20u	/* sparse/NULL entry: reads return zero, writes dropped;
					 * only valid alone (no other bit)
					 */
#define SWMMU_PROT_PERMS	0x1fu	/* the permissions with a per-format encoding */
#define SWMMU_NR_PERMS		5	/* R, W, X, U, G: index = bit number in the prot word */

/* Memory types, stored in bits 8..10 of a prot word (SWMMU_PROT_MT()). */
enum swmmu_memtype {
	SWMMU_MT_WB = 0,	/* normal memory, write-back cacheable */
	SWMMU_MT_WT = 1,	/* normal memory, write-through */
	SWMMU_MT_UC = 2,	/* normal memory, non-cacheable */
	SWMMU_MT_DEVICE = 3,	/* device memory (strongly ordered / uncached, no speculation) */
	SWMMU_MT_NR = 4,
};

#define SWMMU_PROT_MT_SHIFT	8
#define SWMMU_PROT_MT_MASK	(0x7u << SWMMU_PROT_MT_SHIFT)
#define SWMMU_PROT_MT(mt)	((u32)(mt) << SWMMU_PROT_MT_SHIFT)
#define SWMMU_PROT_GET_MT(p)	(((p) & SWMMU_PROT_MT_MASK) >> SWMMU_PROT_MT_SHIFT)
/* Every bit a caller may pass in a prot word. */
#define SWMMU_PROT_VALID	(SWMMU_PROT_PERMS | SWMMU_PROT_NULL | SWMMU_PROT_MT_MASK)

/* struct swmmu_level.flags */
#define SWMMU_LVL_LEAF		0x01	/* items of this level may be leaves */
#define SWMMU_LVL_TABLE		0x02	/* items of this level may point at a lower table */
#define SWMMU_LVL_OWN_PERM	0x04	/* leaves of this level use the level's leaf_perm */
#define SWMMU_LVL_DUAL		0x08	/* level 2 only: items point at a level-1 and a level-0
					 * table at once (see "Dual directories" above)
					 */
#define SWMMU_LVL_ALL		0x0f

/* struct swmmu_format.flags */
#define SWMMU_FMT_SIGN_EXTEND	0x01	/* VAs are sign-extended from bit va_bits - 1 (x86) */
#define SWMMU_FMT_BIG_ENDIAN	0x02	/* items are stored big-endian in table memory */
#define SWMMU_FMT_W_NEEDS_R	0x04	/* write without read is reserved (RISC-V) */
#define SWMMU_FMT_A_ON_MAP	0x08	/* map sets the accessed bit (AArch64 AF, no HW AF) */
#define SWMMU_FMT_TABLE_ADDR	0x10	/* an item matching a level's table bits is a table entry
					 * iff its address field is non-zero; table entries need
					 * no bit of @present (LoongArch directory entries)
					 */
#define SWMMU_FMT_LEVEL_ENTRY	0x20	/* levels with a non-zero entry_lg2 use that item size */
#define SWMMU_FMT_BBM		0x40	/* replacing a valid leaf by a different valid leaf needs
					 * break-before-make (Arm ARM D8.16.1): an invalid entry and
					 * an invalidation between them
					 */
#define SWMMU_FMT_AD_OPTIONAL	0x80	/* the hardware sets accessed/dirty bits only when enabled
					 * (AArch64 TCR.HA/HD, RISC-V Svadu); otherwise a clear bit
					 * faults
					 */
#define SWMMU_FMT_RSVD_LOW_OA	0x100	/* OA bits below a large leaf's size that hold no other
					 * field are reserved and fault when set (x86-64)
					 */
#define SWMMU_FMT_ALL		0x1ff

/* struct swmmu_format.contig_kind: how a contiguous entry of 2^k items is encoded. */
enum swmmu_contig_kind {
	SWMMU_CONTIG_NONE = 0,
	SWMMU_CONTIG_HINT = 1,		/* every item keeps its own OA and has contig_val set (ARM) */
	SWMMU_CONTIG_NAPOT = 2,		/* every item: entry OA with item-granule OA bit k-1 set,
					 * plus contig_val (RISC-V Svnapot)
					 */
	SWMMU_CONTIG_NAPOT_ONES = 3,	/* every item: entry OA with OA bits [lg2(entry bytes) - 2 :
					 * level[0].shift] set, plus contig_val (AMD IOMMU v1
					 * NextLevel=7: the first zero above bit 12 gives the size)
					 */
	SWMMU_CONTIG_FRAGMENT = 4,	/* every item keeps its own OA; the field contig_mask holds
					 * lg2(entry bytes) - level[0].shift (AMD GPU fragment)
					 */
	SWMMU_CONTIG_NR = 5,
};

/**
 * struct swmmu_perm_enc - how permissions are encoded in one kind of entry
 * @set: bits OR-ed in when permission p (bit p of the prot word) is granted
 * @clr: bits OR-ed in when permission p is not granted (e.g. x86 NX, ARM UXN|PXN)
 * @implied: permissions granted by every present entry without encoding (x86 and ARM stage 1 R)
 */
struct swmmu_perm_enc {
	u64 set[SWMMU_NR_PERMS];
	u64 clr[SWMMU_NR_PERMS];
	u32 implied;
};

/**
 * struct swmmu_level - one level of a format (index 0 = leaf level)
 * @shift: lg2 of the VA span of one item at this level (12 for 4K leaves)
 * @index_bits: lg2 of the number of items in a table of this level
 * @table_align_lg2: lg2 of the alignment of a table of this level (>= its size in practice)
 * @flags: SWMMU_LVL_LEAF and/or SWMMU_LVL_TABLE, SWMMU_LVL_OWN_PERM, SWMMU_LVL_DUAL
 * @entry_lg2: with SWMMU_FMT_LEVEL_ENTRY, lg2 of this level's item size (3 or 4); 0 means the
 *             format's entry_lg2
 * @contig: bitmap; bit k (k >= 1) set means a contiguous leaf entry of 2^k items is allowed
 * @leaf_mask: bits that identify a leaf at this level ...
 * @leaf_val: ... and their value (written into every leaf of this level)
 * @table_mask: bits that identify a table entry at this level ...
 * @table_val: ... and their value (written into every table entry of this level)
 * @mt_mask: bits holding the memory type in a leaf of this level
 * @mt: encoding of each memory type in a leaf of this level (x86: the PAT bit moves)
 * @leaf_perm: with SWMMU_LVL_OWN_PERM, the permission encoding of leaves of this level instead
 *             of the format's (LoongArch: G is bit 6 in a 4K leaf, bit 12 in a huge leaf)
 */
struct swmmu_level {
	u8 shift;
	u8 index_bits;
	u8 table_align_lg2;
	u8 flags;
	u8 entry_lg2;
	u32 contig;
	u64 leaf_mask;
	u64 leaf_val;
	u64 table_mask;
	u64 table_val;
	u64 mt_mask;
	u64 mt[SWMMU_MT_NR];
	struct swmmu_perm_enc leaf_perm;
};

struct swmmu_pt_ops;

/**
 * struct swmmu_format - a complete page-table format
 * @name: NUL-terminated name ("x86_64", "aarch64-4k", ...)
 * @nr_levels: number of levels, 1..SWMMU_MAX_LEVELS
 * @entry_lg2: lg2 of the item size in bytes: 2, 3 or 4 (levels may override it, see
 *             SWMMU_FMT_LEVEL_ENTRY)
 * @va_bits: number of translated VA bits (the root level covers exactly this)
 * @oa_bits: number of OA bits; a larger OA fails with -ERANGE
 * @oa_lo: lowest OA bit held in an entry
 * @oa_pte_lo: entry bit that holds OA bit @oa_lo
 * @oa_width: number of OA bits in the entry field
 * @contig_kind: enum swmmu_contig_kind
 * @flags: SWMMU_FMT_*
 * @mt_valid: bitmap of the enum swmmu_memtype values this format can encode
 * @need_any: a leaf must grant at least one of these permissions (x86: R; VT-d: R|W, which is
 *            how VT-d second stage, lacking a present bit, tells a leaf from a hole)
 * @present: an item is present if any of these bits is set
 * @leaf_set: constant bits in every leaf (besides the level's leaf_val)
 * @table_set: constant bits in every table entry (besides the level's table_val)
 * @accessed: accessed bit of a leaf, 0 if none
 * @dirty: dirty bit of a leaf, 0 if none
 * @contig_mask: marker of a contiguous entry (bit or field) ...
 * @contig_val: ... and its value
 * @null_mask: bits identifying a null/sparse leaf, 0 if the format has none ...
 * @null_val: ... and their value
 * @ext_leaf: second 64-bit word of a 16-byte leaf item
 * @ext_table: second 64-bit word of a 16-byte table item
 * @leaf_perm: permission encoding in leaves (of the levels without SWMMU_LVL_OWN_PERM)
 * @table_perm: permission encoding in table entries (hierarchical restrictions)
 * @level: the levels, index 0 = leaf level
 * @ops: specialised engine instance for a built-in format, NULL for run-time formats (the
 *       generic instance is used). Not part of the text description.
 */
struct swmmu_format {
	char name[SWMMU_NAME_MAX];
	u8 nr_levels;
	u8 entry_lg2;
	u8 va_bits;
	u8 oa_bits;
	u8 oa_lo;
	u8 oa_pte_lo;
	u8 oa_width;
	u8 contig_kind;
	u32 flags;
	u32 mt_valid;
	u32 need_any;
	u64 present;
	u64 leaf_set;
	u64 table_set;
	u64 accessed;
	u64 dirty;
	u64 contig_mask;
	u64 contig_val;
	u64 null_mask;
	u64 null_val;
	u64 ext_leaf;
	u64 ext_table;
	struct swmmu_perm_enc leaf_perm;
	struct swmmu_perm_enc table_perm;
	struct swmmu_level level[SWMMU_MAX_LEVELS];
	const struct swmmu_pt_ops *ops;
};

/*
 * Built-in format registry: defined in arch/swmmu_registry.c over arch/swmmu_formats.def, for the
 * library's users. core/ never calls it: the layers point one way, core/ below arch/.
 */
const struct swmmu_format *swmmu_format_find(const char *name);
const struct swmmu_format *swmmu_format_get(unsigned int i);
unsigned int swmmu_format_count(void);

/**
 * struct swmmu_format_error - what is wrong with a format description or descriptor
 * @line: 1-based line of the statement at fault (0 when a descriptor was validated alone)
 * @level: the level concerned, or -1
 * @stmt: the statement (its first word) concerned, or NULL
 * @why: what is wrong: a static string, so it outlives the call
 * @word: the offending word of a syntax error, truncated, or ""
 */
struct swmmu_format_error {
	unsigned int line;
	int level;
	const char *stmt;
	const char *why;
	char word[24];
};

/* Descriptor checks and helpers (core/swmmu_format.c). */
int swmmu_format_validate(const struct swmmu_format *f);
int swmmu_format_check(const struct swmmu_format *f, struct swmmu_format_error *err);
int swmmu_format_derive(const struct swmmu_format *f, unsigned int va_bits,
			struct swmmu_format *out);
bool swmmu_format_va_ok(const struct swmmu_format *f, u64 va);
/* In core/swmmu_pt.c, with the operations that run it first. */
int swmmu_format_range(const struct swmmu_format *f, u64 va, u64 len, u64 *last);
bool swmmu_format_equal(const struct swmmu_format *a, const struct swmmu_format *b);
u64 swmmu_format_pgsizes(const struct swmmu_format *f);
u64 swmmu_format_va_size_last(const struct swmmu_format *f);

/* Text description language (core/swmmu_fmt_text.c). */
int swmmu_format_parse(const char *text, size_t len, struct swmmu_format *out,
		       unsigned int *err_line);
int swmmu_format_parse_err(const char *text, size_t len, struct swmmu_format *out,
			   struct swmmu_format_error *err);
int swmmu_format_strerror(const struct swmmu_format_error *err, char *buf, size_t size);
int swmmu_format_print(const struct swmmu_format *f, char *buf, size_t size);
int swmmu_parse_u64(const char *s, size_t len, u64 *out);

#endif /* SWMMU_FORMAT_H */
