// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "swmmu" (uapi/linux/swmmu_netlink.h) and SWMMU_ATTACH: strict
 * validation with errno and extended ACK text for missing, oversized, wrongly typed, unknown and
 * unexpected attributes, a non-zero reserved header byte and an unprivileged sender; named
 * address spaces, their memory, dumps that span many messages, events with sequence numbers,
 * runtime formats, and an application attaching (owner/mode checks), mapping its own buffers,
 * reading through the device path and mmap(), and detaching. Leaves no state behind.
 */
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_nl.h"
#include "swmmu_test.h"

#define AS_NAME		"nltest"
#define PROT_R		SWMMU_PROT_READ

FIXTURE(nl) {
	struct nlt n;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, nlt_open(&self->n));
	/* A previous failed run may have left it. */
	nlt_as_del(&self->n, AS_NAME);
	ASSERT_EQ(0, nlt_as_new(&self->n, AS_NAME, "x86_64"));
}

FIXTURE_TEARDOWN(nl)
{
	nlt_as_del(&self->n, AS_NAME);
	nlt_close(&self->n);
}

/* The request fails with errno and the extended ACK says exactly msg. */
#define EXPECT_NLERR(n, errno_, msg) do {					\
	EXPECT_EQ(-(errno_), (n)->err);						\
	EXPECT_STREQ(msg, (n)->extack);						\
} while (0)

TEST_F(nl, get_info)
{
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_NE(NULL, nlt_attr(&self->n, SWMMU_A_VERSION));
	EXPECT_EQ(SWMMU_GENL_VERSION, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_VERSION)));
	EXPECT_EQ(1, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_NR_AS)));
	ASSERT_NE(NULL, nlt_attr(&self->n, SWMMU_A_EVENT_SEQ));
}

TEST_F(nl, missing_attributes)
{
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing address space name (SWMMU_A_AS)");
	EXPECT_EQ(SWMMU_A_AS, self->n.miss_type);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing length (SWMMU_A_LENGTH)");
	EXPECT_EQ(SWMMU_A_LENGTH, self->n.miss_type);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_REGION_GET, NLM_F_DUMP);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing address space name (SWMMU_A_AS)");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "nothing to change");
}

TEST_F(nl, oversized_attributes)
{
	struct nlt_msg m;

	/* A name longer than SWMMU_NL_NAME_LEN - 1. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "a-name-that-is-much-longer-than-thirty-one");
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "Attribute failed policy validation");

	/* Values past their policy's range. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u16(&m, SWMMU_A_MODE, 01000);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "integer out of range");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 1ULL << 31);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "integer out of range");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u8(&m, SWMMU_A_FAULT_MODE, SWMMU_FAULT_MODE_MAX + 1);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "integer out of range");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4K);
	nlt_put_u32(&m, SWMMU_A_PROT, 0x80000000u);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "reserved bit set");
}

TEST_F(nl, wrongly_typed_attributes)
{
	struct nlt_msg m;

	/* A u16 sent as a u32, a u64 as a u32, a string without NUL. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_MODE, 0600);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "invalid attribute length");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_QUERY, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_IOVA, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "invalid attribute length");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_DEL, 0);
	nlt_put(&m, SWMMU_A_AS, "nonul", 5);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "Attribute failed policy validation");

	/* A nested flag on a plain attribute. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_DEL, 0);
	nlt_put_str(&m, SWMMU_A_AS | NLA_F_NESTED, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "NLA_F_NESTED not expected");
}

TEST_F(nl, unknown_and_unexpected_attributes)
{
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_MAX + 5, 1);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "Unknown attribute type");

	/* A valid attribute of the family that this command does not take. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_DEL, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "Unsupported attribute");

	/* Padding is no request attribute either. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_GET_INFO, 0);
	nlt_put_u32(&m, SWMMU_A_PAD, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "Unsupported attribute");

	/* Nothing of that was applied: the address space is still there, unchanged. */
	ASSERT_EQ(0, nlt_as_get(&self->n, AS_NAME));
	EXPECT_EQ(0600, *(const uint16_t *)((const char *)nlt_attr(&self->n, SWMMU_A_MODE) +
					    NLA_HDRLEN));
}

TEST_F(nl, reserved_header_and_bad_command)
{
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_GET_INFO, 0);
	nlt_set_reserved(&m, 1);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "genlmsghdr.reserved field is not 0");

	nlt_start(&self->n, &m, 200, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_EQ(-EOPNOTSUPP, self->n.err);

	/* EVENT is a notification, not a request. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_EVENT, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_EQ(-EOPNOTSUPP, self->n.err);
}

TEST_F(nl, semantic_errors)
{
	struct nlt_msg m;

	EXPECT_EQ(-EINVAL, nlt_as_new(&self->n, "bad/name", "x86_64"));
	EXPECT_STREQ("invalid name: use letters, digits, _ - .", self->n.extack);
	EXPECT_EQ(-ENOENT, nlt_as_new(&self->n, "x", "no-such-format"));
	EXPECT_STREQ("no format of that name", self->n.extack);
	EXPECT_EQ(-EEXIST, nlt_as_new(&self->n, AS_NAME, "x86_64"));
	EXPECT_STREQ("an address space of that name exists", self->n.extack);
	EXPECT_EQ(-ENOENT, nlt_as_del(&self->n, "nope"));
	EXPECT_STREQ("no address space of that name", self->n.extack);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "vabits");
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	nlt_put_u8(&m, SWMMU_A_VA_BITS, 40);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EOPNOTSUPP, "VA size not supported by the format");

	/* Overlap, unaligned, not mapped, a cut. */
	ASSERT_EQ(0, nlt_map(&self->n, AS_NAME, 0x100000, 4 * SZ_4K, PROT_RW));
	EXPECT_EQ(-EEXIST, nlt_map(&self->n, AS_NAME, 0x102000, SZ_4K, PROT_RW));
	EXPECT_STREQ("range overlaps an existing mapping", self->n.extack);
	EXPECT_EQ(-EINVAL, nlt_map(&self->n, AS_NAME, 0x200800, SZ_4K, PROT_RW));
	EXPECT_EQ(-ERANGE, nlt_map(&self->n, AS_NAME, 1ULL << 47, SZ_4K, PROT_RW));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x100000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4K);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL,
		     "IOVA or length not page aligned, or range cuts a mapping");
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, 0x500000, NULL));
	EXPECT_STREQ("IOVA not mapped", self->n.extack);

	/* Built-in formats stay. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "x86_64");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EPERM, "a built-in format cannot be deleted");
}

/* Run fn in a child without CAP_NET_ADMIN (uid/gid nobody); returns its exit status. */
static int as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* 0 if every change is refused with EPERM and reading works. */
static int unprivileged_calls(void)
{
	static struct nlt n;
	struct nlt_msg m;

	if (nlt_open(&n))
		return 1;
	if (nlt_as_new(&n, "evil", "x86_64") != -EPERM)
		return 2;
	if (nlt_as_del(&n, AS_NAME) != -EPERM)
		return 3;
	if (nlt_map(&n, AS_NAME, 0, SZ_4K, PROT_RW) != -EPERM)
		return 4;
	if (nlt_query(&n, AS_NAME, 0, NULL) != -EPERM)
		return 5;
	nlt_start(&n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u16(&m, SWMMU_A_MODE, 0666);
	if (nlt_request(&n, &m, NULL, NULL) != -EPERM)
		return 6;
	/* Reading needs no privilege. */
	if (nlt_as_get(&n, AS_NAME))
		return 7;
	nlt_start(&n, &m, SWMMU_NL_CMD_FORMAT_GET, NLM_F_DUMP);
	if (nlt_request(&n, &m, NULL, NULL) || n.nr_replies < 5)
		return 8;
	return 0;
}

TEST_F(nl, unprivileged_sender)
{
	ASSERT_EQ(0, as_nobody(unprivileged_calls));
	/* Still there, still 0600. */
	ASSERT_EQ(0, nlt_as_get(&self->n, AS_NAME));
	EXPECT_EQ(0600, *(const uint16_t *)((const char *)nlt_attr(&self->n, SWMMU_A_MODE) +
					    NLA_HDRLEN));
}

struct region_walk {
	uint64_t next_va;
	int count;
	int bad;
};

static void region_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct region_walk *w = arg;
	const struct nlattr *va = nlt_find(attrs, len, SWMMU_A_IOVA);
	const struct nlattr *l = nlt_find(attrs, len, SWMMU_A_LENGTH);
	const struct nlattr *p = nlt_find(attrs, len, SWMMU_A_PROT);

	if (!va || !l || !p || nlt_get_u64(va) != w->next_va || nlt_get_u64(l) != SZ_4K ||
	    nlt_get_u32(p) != ((w->count & 1) ? PROT_R : PROT_RW))
		w->bad++;
	w->next_va = (va ? nlt_get_u64(va) : 0) + 2 * SZ_4K;
	w->count++;
}

/* 1500 regions (alternating permissions, with holes): the dump spans many messages. */
TEST_F(nl, large_region_dump)
{
	struct region_walk w = { .next_va = 0x40000000 };
	struct nlt_msg m;
	int i;

	for (i = 0; i < 1500; i++)
		ASSERT_EQ(0, nlt_map(&self->n, AS_NAME, 0x40000000 + 2 * SZ_4K * i, SZ_4K,
				     (i & 1) ? PROT_R : PROT_RW));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_REGION_GET, NLM_F_DUMP);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	ASSERT_EQ(0, nlt_request(&self->n, &m, region_cb, &w));
	EXPECT_EQ(1500, w.count);
	EXPECT_EQ(0, w.bad);

	/* Stats: 1500 mappings, 1500 leaves at level 0. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_STATS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	{
		const struct nlattr *st = nlt_attr(&self->n, SWMMU_A_STATS), *a, *lv;
		const struct nlattr *in;
		int rem, leaves0 = -1;

		ASSERT_NE(NULL, st);
		in = (const struct nlattr *)((const char *)st + NLA_HDRLEN);
		a = nlt_find(in, st->nla_len - NLA_HDRLEN, SWMMU_A_STATS_MAPPINGS);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(1500, nlt_get_u64(a));
		for (lv = in, rem = st->nla_len - NLA_HDRLEN; rem >= NLA_HDRLEN;
		     rem -= (lv->nla_len + 3) & ~3,
		     lv = (const struct nlattr *)((const char *)lv + ((lv->nla_len + 3) & ~3))) {
			const struct nlattr *x = (const struct nlattr *)((const char *)lv +
									  NLA_HDRLEN);
			const struct nlattr *idx, *lf;

			if ((lv->nla_type & NLA_TYPE_MASK) != SWMMU_A_STATS_LEVEL)
				continue;
			idx = nlt_find(x, lv->nla_len - NLA_HDRLEN, SWMMU_A_LEVEL_INDEX);
			lf = nlt_find(x, lv->nla_len - NLA_HDRLEN, SWMMU_A_LEVEL_LEAVES);
			if (idx && lf && !nlt_get_u8(idx))
				leaves0 = (int)nlt_get_u64(lf);
		}
		EXPECT_EQ(1500, leaves0);
	}
}

TEST_F(nl, map_query_protect_unmap_and_events)
{
	const struct nlattr *attrs, *a;
	struct nlt ev;
	struct nlt_msg m;
	static char buf[8192];
	uint64_t seq0 = 0, dma;
	int len, i;
	static const uint8_t expect[] = {
		SWMMU_EVENT_MAP, SWMMU_EVENT_PROTECT, SWMMU_EVENT_UNMAP, SWMMU_EVENT_AS_DEL,
	};

	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_subscribe(&ev));

	nlt_start(&self->n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_2M);
	nlt_put_u8(&m, SWMMU_A_PGSIZE_LG2, 21);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	a = nlt_attr(&self->n, SWMMU_A_IOVA);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, nlt_get_u64(a) & (SZ_2M - 1));
	ASSERT_EQ(0, nlt_query(&self->n, AS_NAME, nlt_get_u64(a) + 0x1234, &dma));
	EXPECT_EQ(SZ_2M, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_PAGE_SIZE)));
	EXPECT_EQ(1, nlt_get_u8(nlt_attr(&self->n, SWMMU_A_LEAF_LEVEL)));
	EXPECT_EQ(0x234, dma & 0xfff);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_PROTECT, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4M);
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_R);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, nlt_query(&self->n, AS_NAME, 0x1000, NULL));
	EXPECT_EQ(PROT_R, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_PROT)) & 0x1f);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4M);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	EXPECT_EQ(SZ_2M, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_UNMAPPED)));
	ASSERT_EQ(0, nlt_as_del(&self->n, AS_NAME));

	/* The events, in order, with consecutive sequence numbers. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, nlt_event(&ev, 2000, buf, sizeof(buf), &attrs, &len));
		a = nlt_find(attrs, len, SWMMU_A_EVENT_TYPE);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(expect[i], nlt_get_u8(a));
		a = nlt_find(attrs, len, SWMMU_A_EVENT_SEQ);
		ASSERT_NE(NULL, a);
		if (!i)
			seq0 = nlt_get_u64(a);
		EXPECT_EQ(seq0 + i, nlt_get_u64(a));
		a = nlt_find(attrs, len, SWMMU_A_AS);
		ASSERT_NE(NULL, a);
		EXPECT_STREQ(AS_NAME, nlt_get_str(a));
	}
	/* GET_INFO reports the last sequence number. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	EXPECT_EQ(seq0 + 3, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_EVENT_SEQ)));
	nlt_close(&ev);
}

TEST_F(nl, runtime_format)
{
	static char text[SWMMU_NL_FORMAT_TEXT_LEN];
	const struct nlattr *a;
	struct nlt_msg m;

	/* The text of a built-in format defines a runtime one. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	a = nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT);
	ASSERT_NE(NULL, a);
	snprintf(text, sizeof(text), "%s", nlt_get_str(a));

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, "name x\nlevels 4\nthis is not a keyword\n");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "format description: syntax error at line 3");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EEXIST, "a format of that name exists");

	ASSERT_EQ(0, nlt_as_new(&self->n, "rtas", "rt-arm"));
	ASSERT_EQ(0, nlt_map(&self->n, "rtas", 0x200000, 16 * SZ_4K, PROT_RW));
	ASSERT_EQ(0, nlt_query(&self->n, "rtas", 0x20f000, NULL));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EBUSY, "format is used by an address space");
	ASSERT_EQ(0, nlt_as_del(&self->n, "rtas"));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
}

static int attach(int fd, const char *name, struct swmmu_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	snprintf(a->name, sizeof(a->name), "%s", name);
	return ioctl(fd, SWMMU_ATTACH, a);
}

/* 0 if attaching as nobody fails with EACCES. */
static int attach_denied(void)
{
	struct swmmu_attach a;
	int fd = open(SWMMU_DEV, O_RDWR);

	if (fd < 0)
		return 1;
	if (attach(fd, AS_NAME, &a) != -1 || errno != EACCES)
		return 2;
	close(fd);
	return 0;
}

/* 0 if attaching as nobody works and a buffer of its own can be mapped and read back. */
static int attach_allowed(void)
{
	uint8_t out[16] = "nobody was here", in[16] = { 0 };
	struct swmmu_attach a;
	uint32_t buf;
	uint64_t iova = 0x300000;
	int fd = open(SWMMU_DEV, O_RDWR);

	if (fd < 0)
		return 1;
	if (attach(fd, AS_NAME, &a))
		return 2;
	if (_test_buf_alloc(fd, SZ_4K, 0, &buf) ||
	    _test_map(fd, a.out_as_id, buf, 0, SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova))
		return 3;
	if (_test_rw(fd, a.out_as_id, iova, out, sizeof(out), true) ||
	    _test_rw(fd, a.out_as_id, iova, in, sizeof(in), false) || memcmp(in, out, 16))
		return 4;
	close(fd);
	return 0;
}

TEST_F(nl, attach_owner_mode)
{
	struct swmmu_attach a;
	struct nlt_msg m;
	int fd, fd2;

	fd = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, attach(fd, "no-such-as", &a));
	EXPECT_EQ(ENOENT, errno);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	memset(a.name, 'x', sizeof(a.name));
	EXPECT_EQ(-1, ioctl(fd, SWMMU_ATTACH, &a));
	EXPECT_EQ(EINVAL, errno);

	/* Root-owned 0600: nobody may not; owned by nobody: it may. */
	ASSERT_EQ(0, as_nobody(attach_denied));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_OWNER_UID, 65534);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, as_nobody(attach_allowed));
	/* Its mapping went away when its file closed. */
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, 0x300000, NULL));
	/* Group bits: gid nobody with mode 0060 (owner root again). */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_OWNER_UID, 0);
	nlt_put_u32(&m, SWMMU_A_OWNER_GID, 65534);
	nlt_put_u16(&m, SWMMU_A_MODE, 0060);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, as_nobody(attach_allowed));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u16(&m, SWMMU_A_MODE, 0040);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, as_nobody(attach_denied));

	/* Size rules: short, long with a non-zero tail, long with a zero tail. */
	{
		struct { struct swmmu_attach a; uint64_t tail; } big;

		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "%s", AS_NAME);
		a.size = offsetof(struct swmmu_attach, out_mmap_offset);
		EXPECT_EQ(-1, ioctl(fd, SWMMU_ATTACH, &a));
		EXPECT_EQ(EINVAL, errno);
		memset(&big, 0, sizeof(big));
		big.a.size = sizeof(big);
		snprintf(big.a.name, sizeof(big.a.name), "%s", AS_NAME);
		big.tail = 1;
		EXPECT_EQ(-1, ioctl(fd, SWMMU_ATTACH, &big));
		EXPECT_EQ(E2BIG, errno);
		big.tail = 0;
		big.a.flags = 1;
		EXPECT_EQ(-1, ioctl(fd, SWMMU_ATTACH, &big));
		EXPECT_EQ(EOPNOTSUPP, errno);
		big.a.flags = 0;
		ASSERT_EQ(0, ioctl(fd, SWMMU_ATTACH, &big));
		ASSERT_EQ(0, _test_destroy(fd, big.a.out_as_id));
	}

	/* One file at a time. */
	ASSERT_EQ(0, attach(fd, AS_NAME, &a));
	fd2 = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, attach(fd2, AS_NAME, &a));
	EXPECT_EQ(EBUSY, errno);
	close(fd2);
	EXPECT_EQ(-EBUSY, nlt_as_del(&self->n, AS_NAME));
	EXPECT_STREQ("address space is attached or in use", self->n.extack);
	close(fd);
}

TEST_F(nl, attached_application)
{
	struct swmmu_as_stats st = { .size = sizeof(st) };
	struct swmmu_attach a;
	struct swmmu_query q;
	uint8_t data[64], zero[64] = { 0 };
	uint64_t iova = 0x800000, dma;
	volatile uint8_t *p;
	uint32_t buf;
	int fd;

	/* The control plane's region, then the application's own buffer next to it. */
	ASSERT_EQ(0, nlt_map(&self->n, AS_NAME, 0x700000, 4 * SZ_4K, PROT_RW));
	fd = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, attach(fd, AS_NAME, &a));
	EXPECT_EQ(48, a.out_va_bits);
	EXPECT_EQ(4, a.out_nr_levels);
	ASSERT_NE(SWMMU_MMAP_OFFSET_NONE, a.out_mmap_offset);
	ASSERT_EQ(0, _test_buf_alloc(fd, 4 * SZ_4K, 0, &buf));
	ASSERT_EQ(0, _test_map(fd, a.out_as_id, buf, 0, 4 * SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW,
			       0, &iova));

	/* The control plane's memory reads as zeros through the device path and has no ID. */
	ASSERT_EQ(0, _test_rw(fd, a.out_as_id, 0x700000, data, sizeof(data), false));
	EXPECT_EQ(0, memcmp(data, zero, sizeof(data)));
	ASSERT_EQ(0, _test_query(fd, a.out_as_id, 0x701000, &q));
	EXPECT_EQ(0, q.out_buf_id);
	ASSERT_EQ(0, _test_query(fd, a.out_as_id, 0x801000, &q));
	EXPECT_EQ(buf, q.out_buf_id);
	/* The control plane sees the application's mapping too. */
	ASSERT_EQ(0, nlt_query(&self->n, AS_NAME, 0x801000, &dma));
	EXPECT_EQ(q.out_dma_addr, dma);

	/* mmap: write through the CPU view, read through the device path. */
	p = mmap(NULL, 4 * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(a.out_mmap_offset + 0x800000));
	ASSERT_NE(MAP_FAILED, p);
	p[5] = 0xa5;
	ASSERT_EQ(0, _test_rw(fd, a.out_as_id, 0x800005, data, 1, false));
	EXPECT_EQ(0xa5, data[0]);
	/* Busy while mapped; the control plane's unmap removes the CPU view of its region. */
	EXPECT_EQ(-1, _test_destroy(fd, a.out_as_id));
	EXPECT_EQ(EBUSY, errno);
	munmap((void *)p, 4 * SZ_4K);
	ASSERT_EQ(0, _test_stats(fd, a.out_as_id, &st));
	EXPECT_EQ(2, st.out_nr_mappings);

	/* Detach: the application's mapping goes, the control plane's stays. */
	ASSERT_EQ(0, _test_destroy(fd, a.out_as_id));
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, 0x801000, NULL));
	EXPECT_EQ(0, nlt_query(&self->n, AS_NAME, 0x701000, NULL));
	/* Attach again, then close without detaching. */
	ASSERT_EQ(0, attach(fd, AS_NAME, &a));
	iova = 0x900000;
	ASSERT_EQ(0, _test_map(fd, a.out_as_id, buf, 0, SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,
			       &iova));
	close(fd);
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, 0x900000, NULL));
	ASSERT_EQ(0, nlt_as_del(&self->n, AS_NAME));
}

/* After every named address space is gone, the module's counters are back to zero. */
TEST(no_leaks)
{
	struct swmmu_counters c;
	struct nlt n;

	ASSERT_EQ(0, nlt_open(&n));
	nlt_as_del(&n, AS_NAME);
	nlt_close(&n);
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_TRUE(swmmu_counters_zero(&c));
}

TEST_HARNESS_MAIN
