#!/usr/bin/env python3
# Writes the hostile page-table images of tests/sim/image-hostile.sim (x86_64 format,
# docs/page-table-image.md). Run from the top of the tree to regenerate them; the images are
# committed so that the tests need no Python.
import struct

T = 0x3          # present | write: a table entry (and, at level 0, a leaf)
LEAF2M = 0x83    # present | write | page size: a 2M leaf at level 1


def image(path, root, tables, nr=None, name=b"x86_64"):
    """tables: list of (address, bytes) records, in file order."""
    out = b"SWMMUIMG" + struct.pack("<IIQ", 1, len(tables) if nr is None else nr, root)
    out += name.ljust(32, b"\0")
    for addr, data in tables:
        out += struct.pack("<QQ", addr, len(data)) + data
    with open(path, "wb") as f:
        f.write(out)


def table(entries, size=4096):
    """entries: {index: raw 64-bit value}"""
    b = bytearray(size)
    for i, v in entries.items():
        b[8 * i:8 * i + 8] = struct.pack("<Q", v)
    return bytes(b)


d = "tests/sim/img/"
# Bug 2: a 16-byte record at the root address, shorter than the 4K root table.
image(d + "short-root.img", 0x1000, [(0x1000, table({0: 0x2000 | T}, 16))])
# A level-2 table whose record (2K) is shorter than a table.
image(d + "short-table.img", 0x1000,
      [(0x1000, table({0: 0x2000 | T})), (0x2000, table({0: 0x1234000 | T}, 2048))])
# The root's table is given as two contiguous 2K records: one table, read whole.
root = table({0: 0x4000 | T})
image(d + "split-root.img", 0x1000,
      [(0x1800, root[2048:]), (0x1000, root[:2048]), (0x4000, table({3: 0x40000000 | LEAF2M}))])
# A table address the image does not hold: reads as an empty table, reported.
image(d + "missing.img", 0x1000, [(0x1000, table({0: 0x2000 | T, 5: 0x9000 | T})),
                                   (0x2000, table({1: 0x40000000 | LEAF2M}))])
# Loops: the root points at itself; a level-2 table points back at the root.
image(d + "self-loop.img", 0x1000, [(0x1000, table({0: 0x1000 | T}))])
image(d + "ancestor-loop.img", 0x1000,
      [(0x1000, table({0: 0x2000 | T})), (0x2000, table({7: 0x1000 | T}))])
# One table used at two levels (level 2 under the root, level 1 under another table).
image(d + "two-levels.img", 0x1000,
      [(0x1000, table({0: 0x2000 | T, 1: 0x3000 | T})), (0x3000, table({0: 0x2000 | T})),
       (0x2000, table({}))])
# Shared tables: every entry of every table points at the same next table (512^3 level-0
# tables in a walk from 4 tables).
image(d + "shared-bomb.img", 0x1000,
      [(0x1000, table({i: 0x2000 | T for i in range(256)})),
       (0x2000, table({i: 0x3000 | T for i in range(512)})),
       (0x3000, table({i: 0x4000 | T for i in range(512)})),
       (0x4000, table({i: (0x100000 + 0x1000 * i) | T for i in range(512)}))])
# A little sharing is fine: two root entries share one subtree.
image(d + "shared.img", 0x1000,
      [(0x1000, table({0: 0x2000 | T, 1: 0x2000 | T})), (0x2000, table({0: 0x3000 | T})),
       (0x3000, table({2: 0x80000000 | LEAF2M}))])
# Overlapping records; a record cut short; more records announced than present.
image(d + "overlap.img", 0x1000, [(0x1000, table({})), (0x1800, table({}, 16))])
image(d + "truncated.img", 0x1000, [(0x1000, table({}))], nr=2)
# A root inside a record but not aligned to its size, spanning two records, with a missing
# table below it: loads, and image-save writes aligned records that read back to the same dump
# (found by fuzz_image).
mem = bytearray(8192)
mem[4:12] = struct.pack("<Q", 0x5000 | T)           # root entry 0: a missing table
mem[4 + 8:12 + 8] = struct.pack("<Q", 0x3000 | T)   # root entry 1
image(d + "unaligned-root.img", 0x1004,
      [(0x1000, bytes(mem[:4096])), (0x2000, bytes(mem[4096:])),
       (0x3000, table({0: 0x7000 | T})), (0x7000, table({5: 0x40000000 | LEAF2M}))])
# A missing table that runs into a record: partly in the image.
image(d + "partly-missing.img", 0x1000,
      [(0x1000, table({0: 0x3000 | T})), (0x3800, table({}, 2048))])
# Every entry of 17 level-2 tables points at a table the image lacks: 8704 missing tables, each
# read as an empty table of its own (8 KiB with the padding), would take more than the 64 MiB
# an image may use for them.
image(d + "missing-bomb.img", 0x1000,
      [(0x1000, table({i: (0x100000 + 0x1000 * i) | T for i in range(17)}))] +
      [(0x100000 + 0x1000 * i, table({j: (0x40000000 + 0x1000 * (512 * i + j)) | T
                                       for j in range(512)})) for i in range(17)])
