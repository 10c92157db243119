// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "swmmu" (uapi/linux/swmmu_netlink.h) and SWMMU_ATTACH: strict
 * validation with errno and extended ACK text for missing, oversized, wrongly typed, unknown and
 * unexpected attributes, a non-zero reserved header byte and an unprivileged sender; named
 * address spaces, their memory, dumps that span many messages, events with sequence numbers,
 * runtime formats, and an application attaching (owner/mode checks), mapping its own buffers,
 * reading through the device path and mmap(), and detaching; several files and processes
 * attached to one address space at once (device copies between their buffers, each one's CPU
 * view of the others', zaps reaching every view, detach of one, the attach limit); threads that
 * each send requests on their own socket at the same time. Leaves no state behind.
 */
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_dev.h"
#include "swmmu_nl.h"
#include "swmmu_test.h"
#include "json_check.h"

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

/* The full message, or on kernels whose extack holds only static strings, its static part. */
#define EXPECT_NLERR_ANY(n, errno_, full, part) do {				\
	EXPECT_EQ(-(errno_), (n)->err);						\
	TH_LOG("extack: %s", (n)->extack);					\
	EXPECT_TRUE(!strcmp(full, (n)->extack) || !strcmp(part, (n)->extack));	\
} while (0)

/* The attributes each command needs, and values the policy lets through but the command not. */
TEST_F(nl, command_refusals)
{
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4K);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing IOVA (SWMMU_A_IOVA)");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x100000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4K);
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_RW);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "UNMAP takes no permissions");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_PROTECT, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x100000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, SZ_4K);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing permissions (SWMMU_A_PROT)");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_QUERY, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing IOVA (SWMMU_A_IOVA)");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FAULT_RESOLVE, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing fault ID (SWMMU_A_FAULT_ID)");

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "no-such-format");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ENOENT, "no format of that name");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "bad name!");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, "name x\n");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "invalid name: use letters, digits, _ - .");

	/* (uid_t)-1 and (gid_t)-1 are the "no ID" values: the policy's range leaves them out. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_OWNER_UID, 0xffffffffu);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "integer out of range");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_OWNER_GID, 0xffffffffu);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "integer out of range");
}

/*
 * The module's limits (kmod/swmmu_named.h: SWMMU_RTFMT_MAX 64 runtime formats, SWMMU_NAMED_MAX
 * 256 named address spaces): the next one is refused with ENOSPC and says why.
 */
TEST_F_TIMEOUT(nl, limits, 300)
{
	static char text[SWMMU_NL_FORMAT_TEXT_LEN];
	char name[32];
	struct nlt_msg m;
	uint32_t nr_as;
	int i, made;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "x86_64");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_NE(NULL, nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT));
	snprintf(text, sizeof(text), "%s", nlt_get_str(nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT)));
	for (made = 0; made <= 64; made++) {
		snprintf(name, sizeof(name), "limit-fmt-%d", made);
		nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
		nlt_put_str(&m, SWMMU_A_NAME, name);
		nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
		if (nlt_request(&self->n, &m, NULL, NULL))
			break;
	}
	EXPECT_EQ(64, made);
	EXPECT_NLERR(&self->n, ENOSPC, "too many runtime formats");
	for (i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "limit-fmt-%d", i);
		nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
		nlt_put_str(&m, SWMMU_A_NAME, name);
		EXPECT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	}

	nlt_start(&self->n, &m, SWMMU_NL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	nr_as = nlt_get_u32(nlt_attr(&self->n, SWMMU_A_NR_AS));
	for (made = 0; made <= 256; made++) {
		snprintf(name, sizeof(name), "limit-as-%d", made);
		if (nlt_as_new(&self->n, name, "x86_64"))
			break;
	}
	EXPECT_EQ(256 - (int)nr_as, made);
	EXPECT_NLERR(&self->n, ENOSPC, "too many named address spaces");
	for (i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "limit-as-%d", i);
		EXPECT_EQ(0, nlt_as_del(&self->n, name));
	}
}

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

/*
 * A do request of @cmd with @as as SWMMU_A_AS (none if NULL); the caller adds the rest, sends it
 * with nlt_request() or ack_bad_attr().
 */
static void start_on(struct nlt *n, struct nlt_msg *m, uint8_t cmd, const char *as)
{
	nlt_start(n, m, cmd, 0);
	if (as)
		nlt_put_str(m, SWMMU_A_AS, as);
}

/* Every command that works on a named address space, with all the other attributes it needs. */
static void start_named(struct nlt *n, struct nlt_msg *m, uint8_t cmd, const char *as)
{
	start_on(n, m, cmd, as);
	switch (cmd) {
	case SWMMU_NL_CMD_AS_SET:
		nlt_put_u16(m, SWMMU_A_MODE, 0600);
		break;
	case SWMMU_NL_CMD_MAP:
		nlt_put_u64(m, SWMMU_A_LENGTH, SZ_4K);
		break;
	case SWMMU_NL_CMD_PROTECT:
		nlt_put_u32(m, SWMMU_A_PROT, PROT_R);
		/* fall through */
	case SWMMU_NL_CMD_UNMAP:
		nlt_put_u64(m, SWMMU_A_LENGTH, SZ_4K);
		/* fall through */
	case SWMMU_NL_CMD_QUERY:
		nlt_put_u64(m, SWMMU_A_IOVA, 0x100000);
		break;
	case SWMMU_NL_CMD_FAULT_RESOLVE:
		nlt_put_u64(m, SWMMU_A_FAULT_ID, 1);
		nlt_put_u8(m, SWMMU_A_FAULT_RESP, SWMMU_NL_FAULT_RETRY);
		break;
	}
}

/*
 * Every command on a named address space refuses a request without SWMMU_A_AS or with an unknown
 * one, after the checks of its own attributes; the refusals of each command's own attributes
 * and operations say what is wrong.
 */
TEST_F(nl, refusals_of_every_command)
{
	static const uint8_t named[] = {
		SWMMU_NL_CMD_AS_DEL, SWMMU_NL_CMD_AS_SET, SWMMU_NL_CMD_AS_GET, SWMMU_NL_CMD_MAP,
		SWMMU_NL_CMD_UNMAP, SWMMU_NL_CMD_PROTECT, SWMMU_NL_CMD_QUERY,
		SWMMU_NL_CMD_STATS_GET, SWMMU_NL_CMD_FAULT_RESOLVE,
	};
	static const struct {
		uint8_t cmd;
		uint16_t has[2];	/* attributes sent besides SWMMU_A_AS (0: none) */
		uint16_t miss;
		const char *msg;
	} missing[] = {
		{ SWMMU_NL_CMD_UNMAP, { SWMMU_A_IOVA }, SWMMU_A_LENGTH,
		  "missing length (SWMMU_A_LENGTH)" },
		{ SWMMU_NL_CMD_PROTECT, { SWMMU_A_LENGTH, SWMMU_A_PROT }, SWMMU_A_IOVA,
		  "missing IOVA (SWMMU_A_IOVA)" },
		{ SWMMU_NL_CMD_PROTECT, { SWMMU_A_IOVA, SWMMU_A_PROT }, SWMMU_A_LENGTH,
		  "missing length (SWMMU_A_LENGTH)" },
		{ SWMMU_NL_CMD_FAULT_RESOLVE, { SWMMU_A_FAULT_ID }, SWMMU_A_FAULT_RESP,
		  "missing response (SWMMU_A_FAULT_RESP)" },
	};
	struct nlt_msg m;
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(named); i++) {
		TH_LOG("command %u", named[i]);
		start_named(&self->n, &m, named[i], NULL);
		nlt_request(&self->n, &m, NULL, NULL);
		EXPECT_NLERR(&self->n, EINVAL, "missing address space name (SWMMU_A_AS)");
		EXPECT_EQ(SWMMU_A_AS, self->n.miss_type);
		start_named(&self->n, &m, named[i], "no-such-as");
		nlt_request(&self->n, &m, NULL, NULL);
		EXPECT_NLERR(&self->n, ENOENT, "no address space of that name");
	}
	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		start_on(&self->n, &m, missing[i].cmd, AS_NAME);
		for (k = 0; k < 2 && missing[i].has[k]; k++) {
			if (missing[i].has[k] == SWMMU_A_PROT)
				nlt_put_u32(&m, SWMMU_A_PROT, PROT_R);
			else if (missing[i].has[k] == SWMMU_A_FAULT_RESP)
				nlt_put_u8(&m, SWMMU_A_FAULT_RESP, SWMMU_NL_FAULT_RETRY);
			else
				nlt_put_u64(&m, missing[i].has[k], SZ_4K);
		}
		nlt_request(&self->n, &m, NULL, NULL);
		EXPECT_NLERR(&self->n, EINVAL, missing[i].msg);
		EXPECT_EQ(missing[i].miss, self->n.miss_type);
	}

	/* The commands that take names, and CTX_GET. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-new");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing format name (SWMMU_A_FORMAT)");
	EXPECT_EQ(SWMMU_A_FORMAT, self->n.miss_type);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing format name (SWMMU_A_NAME)");
	EXPECT_EQ(SWMMU_A_NAME, self->n.miss_type);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing format name (SWMMU_A_NAME)");
	EXPECT_EQ(SWMMU_A_NAME, self->n.miss_type);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, "name x\n");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing format name (SWMMU_A_NAME)");
	EXPECT_EQ(SWMMU_A_NAME, self->n.miss_type);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-x");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing format description (SWMMU_A_FORMAT_TEXT)");
	EXPECT_EQ(SWMMU_A_FORMAT_TEXT, self->n.miss_type);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_CTX_GET, 0);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing context ID (SWMMU_A_CTX)");
	EXPECT_EQ(SWMMU_A_CTX, self->n.miss_type);

	/* A command's own attributes are checked before the address space is looked up. */
	start_on(&self->n, &m, SWMMU_NL_CMD_PROTECT, "no-such-as");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing IOVA (SWMMU_A_IOVA)");
	start_on(&self->n, &m, SWMMU_NL_CMD_MAP, NULL);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "missing length (SWMMU_A_LENGTH)");
	start_named(&self->n, &m, SWMMU_NL_CMD_UNMAP, "no-such-as");
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_R);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "UNMAP takes no permissions");
	start_on(&self->n, &m, SWMMU_NL_CMD_AS_SET, "no-such-as");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "nothing to change");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "bad name");
	nlt_put_str(&m, SWMMU_A_FORMAT, "no-such-format");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EINVAL, "invalid name: use letters, digits, _ - .");

	/* What the operations refuse. */
	start_named(&self->n, &m, SWMMU_NL_CMD_FAULT_RESOLVE, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ENOENT, "no access waits on that fault (answered or timed out)");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "no-such-format");
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ENOENT, "no runtime format of that name");
	EXPECT_EQ(-EINVAL, nlt_map(&self->n, AS_NAME, 0x200800, SZ_4K, PROT_RW));
	EXPECT_STREQ("IOVA or length not page aligned, or range cuts a mapping", self->n.extack);
	EXPECT_EQ(-ERANGE, nlt_map(&self->n, AS_NAME, 1ULL << 47, SZ_4K, PROT_RW));
	EXPECT_STREQ("VA range or address outside the address space's format", self->n.extack);
	EXPECT_EQ(-ERANGE, nlt_query(&self->n, AS_NAME, 1ULL << 47, NULL));
	EXPECT_STREQ("VA range or address outside the address space's format", self->n.extack);
	start_named(&self->n, &m, SWMMU_NL_CMD_PROTECT, AS_NAME);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ENOENT, "nothing mapped in the range");
	start_named(&self->n, &m, SWMMU_NL_CMD_UNMAP, AS_NAME);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 1ULL << 48);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, ERANGE, "VA range or address outside the address space's format");
}

/*
 * Send @m and read its ACK, as nlt_request() does for a request without a reply: the type of
 * the request's attribute that the extended ACK points at (NLMSGERR_ATTR_OFFS), or -1.
 */
static int ack_bad_attr(struct nlt *n, struct nlt_msg *m)
{
	static char buf[NLT_BUF];
	struct nlmsghdr *req = (struct nlmsghdr *)m->buf;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	req->nlmsg_len = (uint32_t)m->len;
	n->err = 0;
	n->extack[0] = 0;
	if (sendto(n->fd, m->buf, m->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -2;
	for (;;) {
		ssize_t r = recv(n->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int len = (int)r;

		if (r < 0)
			return -2;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			const struct nlattr *tlv = (const struct nlattr *)(e + 1), *a;
			int tlen = (int)h->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
			uint32_t off;

			if (h->nlmsg_seq != req->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			n->err = e->error;
			a = nlt_find(tlv, tlen, NLMSGERR_ATTR_MSG);
			if (a)
				snprintf(n->extack, sizeof(n->extack), "%s", nlt_get_str(a));
			a = nlt_find(tlv, tlen, NLMSGERR_ATTR_OFFS);
			if (!a)
				return -1;
			off = nlt_get_u32(a);
			if (off + NLA_HDRLEN > m->len)
				return -3;
			return ((const struct nlattr *)(m->buf + off))->nla_type & NLA_TYPE_MASK;
		}
	}
}

/* The refusals that blame one attribute of the request point the extended ACK at it. */
TEST_F(nl, bad_attribute_markers)
{
	static char text[SWMMU_NL_FORMAT_TEXT_LEN];
	struct nlt_msg m;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_NE(NULL, nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT));
	snprintf(text, sizeof(text), "%s", nlt_get_str(nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT)));

	/* The address space. */
	start_named(&self->n, &m, SWMMU_NL_CMD_MAP, "no-such-as");
	EXPECT_EQ(SWMMU_A_AS, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "no address space of that name");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	nlt_put_str(&m, SWMMU_A_AS, AS_NAME);
	EXPECT_EQ(SWMMU_A_AS, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EEXIST, "an address space of that name exists");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	nlt_put_str(&m, SWMMU_A_AS, "bad/name");
	EXPECT_EQ(SWMMU_A_AS, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EINVAL, "invalid name: use letters, digits, _ - .");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-new");
	nlt_put_str(&m, SWMMU_A_FORMAT, "no-such-format");
	EXPECT_EQ(SWMMU_A_FORMAT, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "no format of that name");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-new");
	nlt_put_u8(&m, SWMMU_A_VA_BITS, 40);
	nlt_put_str(&m, SWMMU_A_FORMAT, "x86_64");
	EXPECT_EQ(SWMMU_A_VA_BITS, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EOPNOTSUPP, "VA size not supported by the format");

	/* The operation's attributes. */
	start_named(&self->n, &m, SWMMU_NL_CMD_QUERY, AS_NAME);
	EXPECT_EQ(SWMMU_A_IOVA, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "IOVA not mapped");
	start_named(&self->n, &m, SWMMU_NL_CMD_UNMAP, AS_NAME);
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_R);
	EXPECT_EQ(SWMMU_A_PROT, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EINVAL, "UNMAP takes no permissions");
	start_named(&self->n, &m, SWMMU_NL_CMD_FAULT_RESOLVE, AS_NAME);
	EXPECT_EQ(SWMMU_A_FAULT_ID, ack_bad_attr(&self->n, &m));
	EXPECT_EQ(-ENOENT, self->n.err);
	nlt_start(&self->n, &m, SWMMU_NL_CMD_CTX_GET, 0);
	nlt_put_u32(&m, SWMMU_A_CTX, 0xfffffff0);
	EXPECT_EQ(SWMMU_A_CTX, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "no driver-managed context with that ID");

	/* Formats. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "no-such-format");
	EXPECT_EQ(SWMMU_A_NAME, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "no format of that name");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "x86_64");
	EXPECT_EQ(SWMMU_A_NAME, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EPERM, "a built-in format cannot be deleted");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "no-such-format");
	EXPECT_EQ(SWMMU_A_NAME, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, ENOENT, "no runtime format of that name");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	nlt_put_str(&m, SWMMU_A_NAME, "x86_64");
	EXPECT_EQ(SWMMU_A_NAME, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EEXIST, "a format of that name exists");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	nlt_put_str(&m, SWMMU_A_NAME, "bad name");
	EXPECT_EQ(SWMMU_A_NAME, ack_bad_attr(&self->n, &m));
	EXPECT_NLERR(&self->n, EINVAL, "invalid name: use letters, digits, _ - .");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-x");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, "name x\nlevels 4\nthis is not a keyword\n");
	EXPECT_EQ(SWMMU_A_FORMAT_TEXT, ack_bad_attr(&self->n, &m));
	EXPECT_EQ(-EINVAL, self->n.err);
}

/* Read the next event: its type; its attributes in *@attrs, *@len; its sequence number in @seq. */
static int next_event(struct nlt *ev, char *buf, size_t size, const struct nlattr **attrs,
		      int *len, uint64_t *seq)
{
	const struct nlattr *a;

	if (nlt_event(ev, 2000, buf, size, attrs, len))
		return -1;
	a = nlt_find(*attrs, *len, SWMMU_A_EVENT_SEQ);
	*seq = a ? nlt_get_u64(a) : 0;
	a = nlt_find(*attrs, *len, SWMMU_A_EVENT_TYPE);
	return a ? nlt_get_u8(a) : -1;
}

/* The string attribute @type of an event, "" if it has none. */
static const char *ev_str(const struct nlattr *attrs, int len, uint16_t type)
{
	const struct nlattr *a = nlt_find(attrs, len, type);

	return a ? nlt_get_str(a) : "";
}

/* The u64 (or u32) attribute @type of an event, ~0 if it has none. */
static uint64_t ev_num(const struct nlattr *attrs, int len, uint16_t type)
{
	const struct nlattr *a = nlt_find(attrs, len, type);

	if (!a)
		return ~0ULL;
	return a->nla_len - NLA_HDRLEN == 8 ? nlt_get_u64(a) : nlt_get_u32(a);
}

/*
 * Each change through netlink announces one event with what changed, in the order of the
 * changes and with consecutive sequence numbers; a refused change announces none.
 */
TEST_F(nl, events_of_every_change)
{
	static char text[SWMMU_NL_FORMAT_TEXT_LEN], buf[8192];
	const struct nlattr *at;
	uint64_t seq, seq0;
	struct nlt_msg m;
	struct nlt ev;
	int len, i;

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_NE(NULL, nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT));
	snprintf(text, sizeof(text), "%s", nlt_get_str(nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT)));
	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_subscribe(&ev));

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-ev");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, nlt_as_new(&self->n, "nltest-ev", "rt-ev"));
	EXPECT_EQ(-EEXIST, nlt_as_new(&self->n, "nltest-ev", "rt-ev"));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_AS_SET, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-ev");
	nlt_put_u16(&m, SWMMU_A_MODE, 0640);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, nlt_map(&self->n, "nltest-ev", 0x200000, 2 * SZ_4K, PROT_R));
	EXPECT_EQ(-EEXIST, nlt_map(&self->n, "nltest-ev", 0x201000, SZ_4K, PROT_RW));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_PROTECT, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-ev");
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x200000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 2 * SZ_4K);
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_RW);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_UNMAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, "nltest-ev");
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x200000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 2 * SZ_4K);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	EXPECT_EQ(2 * SZ_4K, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_UNMAPPED)));
	ASSERT_EQ(0, nlt_as_del(&self->n, "nltest-ev"));
	EXPECT_EQ(-ENOENT, nlt_as_del(&self->n, "nltest-ev"));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-ev");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));

	ASSERT_EQ(SWMMU_EVENT_FORMAT_NEW, next_event(&ev, buf, sizeof(buf), &at, &len, &seq0));
	EXPECT_STREQ("rt-ev", ev_str(at, len, SWMMU_A_NAME));
	EXPECT_EQ(NULL, nlt_find(at, len, SWMMU_A_AS));
	i = 1;
	ASSERT_EQ(SWMMU_EVENT_AS_NEW, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	EXPECT_STREQ("rt-ev", ev_str(at, len, SWMMU_A_NAME));
	ASSERT_EQ(SWMMU_EVENT_AS_SET, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	EXPECT_EQ(NULL, nlt_find(at, len, SWMMU_A_NAME));
	ASSERT_EQ(SWMMU_EVENT_MAP, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	EXPECT_EQ(0x200000, ev_num(at, len, SWMMU_A_IOVA));
	EXPECT_EQ(2 * SZ_4K, ev_num(at, len, SWMMU_A_LENGTH));
	EXPECT_EQ(PROT_R, ev_num(at, len, SWMMU_A_PROT));
	ASSERT_EQ(SWMMU_EVENT_PROTECT, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	EXPECT_EQ(0x200000, ev_num(at, len, SWMMU_A_IOVA));
	EXPECT_EQ(2 * SZ_4K, ev_num(at, len, SWMMU_A_LENGTH));
	EXPECT_EQ(PROT_RW, ev_num(at, len, SWMMU_A_PROT));
	ASSERT_EQ(SWMMU_EVENT_UNMAP, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	EXPECT_EQ(0x200000, ev_num(at, len, SWMMU_A_IOVA));
	EXPECT_EQ(2 * SZ_4K, ev_num(at, len, SWMMU_A_LENGTH));
	EXPECT_EQ(NULL, nlt_find(at, len, SWMMU_A_PROT));
	ASSERT_EQ(SWMMU_EVENT_AS_DEL, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("nltest-ev", ev_str(at, len, SWMMU_A_AS));
	ASSERT_EQ(SWMMU_EVENT_FORMAT_DEL, next_event(&ev, buf, sizeof(buf), &at, &len, &seq));
	EXPECT_EQ(seq0 + i++, seq);
	EXPECT_STREQ("rt-ev", ev_str(at, len, SWMMU_A_NAME));
	EXPECT_EQ(NULL, nlt_find(at, len, SWMMU_A_AS));
	/* Nothing else: the refused AS_NEW, MAP and AS_DEL announced nothing. */
	EXPECT_EQ(-ETIMEDOUT, nlt_event(&ev, 200, buf, sizeof(buf), &at, &len));
	nlt_close(&ev);
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

/* The value of @field (SWMMU_A_LEVEL_*) of @level in the reply of a STATS_GET, or -1. */
static int64_t stats_level_field(struct nlt *n, int level, int field)
{
	const struct nlattr *st = nlt_attr(n, SWMMU_A_STATS), *lv, *in;
	int rem;

	if (!st)
		return -1;
	in = (const struct nlattr *)((const char *)st + NLA_HDRLEN);
	for (lv = in, rem = st->nla_len - NLA_HDRLEN; rem >= NLA_HDRLEN;
	     rem -= (lv->nla_len + 3) & ~3,
	     lv = (const struct nlattr *)((const char *)lv + ((lv->nla_len + 3) & ~3))) {
		const struct nlattr *x = (const struct nlattr *)((const char *)lv + NLA_HDRLEN);
		const struct nlattr *idx, *v;

		if ((lv->nla_type & NLA_TYPE_MASK) != SWMMU_A_STATS_LEVEL)
			continue;
		idx = nlt_find(x, lv->nla_len - NLA_HDRLEN, SWMMU_A_LEVEL_INDEX);
		v = nlt_find(x, lv->nla_len - NLA_HDRLEN, field);
		if (idx && v && nlt_get_u8(idx) == level)
			return (int64_t)nlt_get_u64(v);
	}
	return -1;
}

/*
 * nv-gp100's PD0 entries point at two tables at once (a 64K big-page table and a 4K small-page
 * table): a big page and a small page in one 2 MiB region make one table of each, and the
 * occupancy counts both, one pointer at PD0 and one table per level above.
 */
TEST_F(nl, dual_directory_occupancy)
{
	static const char *name = "nltest-dual";
	struct nlt_msg m;
	int l;

	nlt_as_del(&self->n, name);
	ASSERT_EQ(0, nlt_as_new(&self->n, name, "nv-gp100"));
	/* A 64K big page (asked for: a plain MAP uses the granule) and a 4K small page. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, name);
	nlt_put_u64(&m, SWMMU_A_IOVA, 0x40000000);
	nlt_put_u64(&m, SWMMU_A_LENGTH, 0x10000);
	nlt_put_u32(&m, SWMMU_A_PROT, PROT_RW);
	nlt_put_u8(&m, SWMMU_A_PGSIZE_LG2, 16);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	ASSERT_EQ(0, nlt_map(&self->n, name, 0x40100000, SZ_4K, PROT_RW));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_STATS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, name);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	EXPECT_EQ(1, stats_level_field(&self->n, 0, SWMMU_A_LEVEL_TABLES));
	EXPECT_EQ(1, stats_level_field(&self->n, 0, SWMMU_A_LEVEL_LEAVES));
	EXPECT_EQ(1, stats_level_field(&self->n, 1, SWMMU_A_LEVEL_TABLES));
	EXPECT_EQ(1, stats_level_field(&self->n, 1, SWMMU_A_LEVEL_LEAVES));
	EXPECT_EQ(1, stats_level_field(&self->n, 2, SWMMU_A_LEVEL_POINTERS));
	for (l = 2; l < 6; l++)
		EXPECT_EQ(1, stats_level_field(&self->n, l, SWMMU_A_LEVEL_TABLES));
	EXPECT_EQ(0, nlt_as_del(&self->n, name));
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

/*
 * A hostile description: APTable's W bit (62) of @text moved to bit 12, an address bit of the
 * table an aarch64 table descriptor points at (Arm ARM D8.3.1: next-level table address
 * [47:12]). The engine would follow such an entry to memory beside the table: refused at the
 * level 1 statement, the first level with table entries.
 */
static int rt_formats_seen;

/* FORMAT_GET dump: count the messages of the runtime format "rt-arm". */
static void count_rt_arm(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *name = nlt_find(attrs, len, SWMMU_A_NAME);

	(void)arg;
	if (name && !strcmp(nlt_get_str(name), "rt-arm"))
		rt_formats_seen++;
}

static void expect_table_perm_in_address(struct __test_metadata *_metadata, struct nlt *n,
					 const char *text)
{
	static char bad[SWMMU_NL_FORMAT_TEXT_LEN];
	const char *old = "table-perm w clr 0x4000000000000000";
	char want[256], *at;
	const char *p;
	struct nlt_msg m;
	int line = 1;

	at = strstr(text, old);
	ASSERT_NE(NULL, at);
	snprintf(bad, sizeof(bad), "%.*stable-perm w clr 0x1000%s", (int)(at - text), text,
		 at + strlen(old));
	for (p = bad; p <= strstr(bad, "\nlevel 1 "); p++)
		line += *p == '\n';
	snprintf(want, sizeof(want), "format description: %d: level 1: %s", line,
		 "a table-entry encoding bit is an address bit");
	nlt_start(n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-hostile");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, bad);
	nlt_request(n, &m, NULL, NULL);
	EXPECT_NLERR_ANY(n, EINVAL, want, strstr(want, "a table-entry"));
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
	/*
	 * The message swmmu-sim prints for the same text. Kernels whose extack keeps only a
	 * pointer to a static string (before 6.2) get what is wrong without the line.
	 */
	EXPECT_NLERR_ANY(&self->n, EINVAL,
			 "format description: 3: unknown statement: \"this\"", "unknown statement");
	/* A validation error: the statement concerned, its line, the level. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	memcpy(strstr(text, "\nlevel 1 "), "\n#evel 1 ", 9);
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR_ANY(&self->n, EINVAL,
			 "format description: 2: level 1: a level from 0 to levels - 1 is missing",
			 "a level from 0 to levels - 1 is missing");
	memcpy(strstr(text, "\n#evel 1 "), "\nlevel 1 ", 9);
	expect_table_perm_in_address(_metadata, &self->n, text);

	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_NEW, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	nlt_put_str(&m, SWMMU_A_FORMAT_TEXT, text);
	nlt_request(&self->n, &m, NULL, NULL);
	EXPECT_NLERR(&self->n, EEXIST, "a format of that name exists");

	/* FORMAT_GET finds it by name, and its dump lists it after the built-in ones. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "rt-arm");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	a = nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT);
	ASSERT_NE(NULL, a);
	EXPECT_NE(NULL, strstr(nlt_get_str(a), "levels 4"));
	rt_formats_seen = 0;
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, NLM_F_DUMP);
	ASSERT_EQ(0, nlt_request(&self->n, &m, count_rt_arm, NULL));
	EXPECT_EQ(1, rt_formats_seen);

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

	/*
	 * /dev/swmmu is root's 0600: give nobody's group the access the udev rule gives the swmmu
	 * group, so that what is checked is the address space's own owner and mode.
	 */
	ASSERT_EQ(0, chown(SWMMU_DEV, 0, 65534));
	ASSERT_EQ(0, chmod(SWMMU_DEV, 0660));
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
	ASSERT_EQ(0, chown(SWMMU_DEV, 0, 0));
	ASSERT_EQ(0, chmod(SWMMU_DEV, 0600));

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

	/* Another file may attach too; one file only once; no delete while any is attached. */
	ASSERT_EQ(0, attach(fd, AS_NAME, &a));
	EXPECT_EQ(-1, attach(fd, AS_NAME, &a));
	EXPECT_EQ(EBUSY, errno);
	fd2 = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, attach(fd2, AS_NAME, &a));
	close(fd);
	EXPECT_EQ(-EBUSY, nlt_as_del(&self->n, AS_NAME));
	EXPECT_STREQ("address space is attached or in use", self->n.extack);
	close(fd2);
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

/*
 * AS_GET of AS_NAME: 0 if SWMMU_A_NR_ATTACHED is @nr and SWMMU_A_ATTACHED holds exactly the pids
 * in @pids (in attach order).
 */
static int check_attached(struct nlt *n, unsigned int nr, const pid_t *pids)
{
	const struct nlattr *a, *p;
	unsigned int i = 0;
	int len;

	if (nlt_as_get(n, AS_NAME))
		return 1;
	a = nlt_attr(n, SWMMU_A_NR_ATTACHED);
	if (!a || nlt_get_u32(a) != nr)
		return 2;
	a = nlt_attr(n, SWMMU_A_ATTACHED);
	if (!a)
		return 3;
	len = a->nla_len - NLA_HDRLEN;
	for (p = (const struct nlattr *)((const char *)a + NLA_HDRLEN);
	     len >= NLA_HDRLEN && p->nla_len >= NLA_HDRLEN && p->nla_len <= len;
	     len -= NLA_ALIGN(p->nla_len),
	     p = (const struct nlattr *)((const char *)p + NLA_ALIGN(p->nla_len))) {
		if (p->nla_type != SWMMU_A_ATTACHED_PID || i >= nr ||
		    nlt_get_u32(p) != (uint32_t)pids[i])
			return 4;
		i++;
	}
	return i == nr && !len ? 0 : 5;
}

#define SWMMUCTL	"/opt/swmmu/bin/swmmuctl"

/* 0 if the output of "swmmuctl ARGS as show AS_NAME" contains @want. */
static int ctl_shows(const char *args, const char *want)
{
	char cmd[128], out[4096];
	size_t len;
	FILE *f;

	snprintf(cmd, sizeof(cmd), SWMMUCTL " %s as show " AS_NAME, args);
	f = popen(cmd, "r");
	if (!f)
		return 1;
	len = fread(out, 1, sizeof(out) - 1, f);
	out[len] = 0;
	if (pclose(f))
		return 2;
	return strstr(out, want) ? 0 : 3;
}

/* An attached file with a buffer of its own mapped at a fixed VA and a DMA queue. */
struct user {
	int fd;
	struct swmmu_attach a;
	uint32_t buf;
	uint32_t q;
};

/* 0, or the step that failed: open, attach, buffer, map, fill with @seed, queue. */
static int user_open(struct user *u, uint64_t iova, uint64_t seed)
{
	uint8_t data[4 * SZ_4K];

	u->fd = open(SWMMU_DEV, O_RDWR);
	if (u->fd < 0)
		return 1;
	if (attach(u->fd, AS_NAME, &u->a))
		return 2;
	if (_test_buf_alloc(u->fd, 4 * SZ_4K, 0, &u->buf))
		return 3;
	if (_test_map(u->fd, u->a.out_as_id, u->buf, 0, 4 * SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW,
		      0, &iova))
		return 4;
	swmmu_fill(data, sizeof(data), seed);
	if (_test_rw(u->fd, u->a.out_as_id, iova, data, sizeof(data), true))
		return 5;
	if (_test_queue_alloc(u->fd, u->a.out_as_id, &u->q))
		return 6;
	return 0;
}

/* 0 if the device, through @u's address space, reads @len bytes of @seed's pattern at @iova. */
static int user_expect(struct user *u, uint64_t iova, uint64_t len, uint64_t seed)
{
	uint8_t data[4 * SZ_4K];

	if (len > sizeof(data) || _test_rw(u->fd, u->a.out_as_id, iova, data, len, false))
		return 1;
	return swmmu_check(data, len, seed) ? 0 : 2;
}

#define VA_A	0x800000ULL	/* A's buffer */
#define VA_B	0xa00000ULL	/* B's buffer */
#define VIEW	(VA_B + 4 * SZ_4K - VA_A)	/* a CPU view from VA_A to the end of B's buffer */

/* Two files of one process attached at once. */
TEST_F(nl, two_files_attached)
{
	volatile uint8_t *pa, *pb;
	struct user ua, ub;
	pid_t pids[2] = { getpid(), getpid() };
	uint8_t v;

	ASSERT_EQ(0, user_open(&ua, VA_A, 1));
	ASSERT_EQ(0, user_open(&ub, VA_B, 2));
	ASSERT_EQ(0, check_attached(&self->n, 2, pids));
	{
		char want[96];

		snprintf(want, sizeof(want), "2 attached\n    attached by pid %d %d\n", pids[0],
			 pids[1]);
		EXPECT_EQ(0, ctl_shows("", want));
		snprintf(want, sizeof(want), "\"nr_attached\":2,\"attached_pids\":[%d,%d]", pids[0],
			 pids[1]);
		EXPECT_EQ(0, ctl_shows("-j", want));
	}

	/* Each file's device reaches the other's buffer: B copies B -> A, A copies A -> B. */
	ASSERT_EQ(0, swmmu_run1(ub.fd, ub.q, swmmu_cmd_copy(VA_B, VA_A + SZ_4K, SZ_4K), NULL));
	EXPECT_EQ(0, user_expect(&ua, VA_A + SZ_4K, SZ_4K, 2));
	ASSERT_EQ(0, swmmu_run1(ua.fd, ua.q, swmmu_cmd_copy(VA_A, VA_B, SZ_4K), NULL));
	EXPECT_EQ(0, user_expect(&ub, VA_B, SZ_4K, 1));

	/* Each file's CPU view, through its own window, shows both buffers. */
	pa = mmap(NULL, VIEW, PROT_READ | PROT_WRITE, MAP_SHARED, ua.fd,
		  (off_t)(ua.a.out_mmap_offset + VA_A));
	ASSERT_NE(MAP_FAILED, pa);
	pb = mmap(NULL, VIEW, PROT_READ | PROT_WRITE, MAP_SHARED, ub.fd,
		  (off_t)(ub.a.out_mmap_offset + VA_A));
	ASSERT_NE(MAP_FAILED, pb);
	pb[3] = 0x5a;		/* B writes into A's buffer */
	pa[VA_B - VA_A + 2 * SZ_4K + 7] = 0xa5;	/* A writes into B's buffer */
	EXPECT_EQ(0x5a, pa[3]);
	EXPECT_EQ(0xa5, pb[VA_B - VA_A + 2 * SZ_4K + 7]);
	ASSERT_EQ(0, _test_rw(ub.fd, ub.a.out_as_id, VA_B + 2 * SZ_4K + 7, &v, 1, false));
	EXPECT_EQ(0xa5, v);

	/* B's unmap of its buffer zaps A's CPU view of it too (A had it faulted in). */
	ASSERT_EQ(0, _test_unmap(ub.fd, ub.a.out_as_id, VA_B, 4 * SZ_4K, NULL));
	EXPECT_EQ(SIGBUS, swmmu_probe(pa + (VA_B - VA_A) + 2 * SZ_4K, false, 0, NULL));
	EXPECT_EQ(SIGBUS, swmmu_probe(pb + (VA_B - VA_A) + 2 * SZ_4K, false, 0, NULL));
	EXPECT_EQ(0, swmmu_probe(pa + 3, false, 0, &v));

	/* A's explicit detach waits for the address space to be idle: B's view and queue use it. */
	EXPECT_EQ(-1, _test_destroy(ua.fd, ua.a.out_as_id));
	EXPECT_EQ(EBUSY, errno);
	munmap((void *)pa, VIEW);

	/* Closing A detaches A only: A's mapping is gone for everyone, B's stays. */
	{
		uint64_t iova = VA_B;

		ASSERT_EQ(0, _test_map(ub.fd, ub.a.out_as_id, ub.buf, 0, 4 * SZ_4K,
				       SWMMU_MAP_FIXED_IOVA, PROT_RW, 0, &iova));
	}
	close(ua.fd);
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, VA_A, NULL));
	EXPECT_EQ(0, nlt_query(&self->n, AS_NAME, VA_B, NULL));
	EXPECT_EQ(SIGBUS, swmmu_probe(pb + 3, false, 0, NULL));
	EXPECT_EQ(0, swmmu_probe(pb + (VA_B - VA_A) + 2 * SZ_4K + 7, false, 0, &v));
	EXPECT_EQ(0xa5, v);
	EXPECT_EQ(-ENXIO, swmmu_run1(ub.fd, ub.q, swmmu_cmd_copy(VA_A, VA_B, SZ_4K), NULL));
	EXPECT_EQ(0, swmmu_run1(ub.fd, ub.q, swmmu_cmd_copy(VA_B, VA_B + 3 * SZ_4K, SZ_4K), NULL));
	EXPECT_EQ(0, user_expect(&ub, VA_B + 3 * SZ_4K, SZ_4K, 1));
	ASSERT_EQ(0, check_attached(&self->n, 1, pids));
	EXPECT_EQ(-EBUSY, nlt_as_del(&self->n, AS_NAME));
	munmap((void *)pb, VIEW);
	close(ub.fd);
	ASSERT_EQ(0, check_attached(&self->n, 0, pids));
	EXPECT_EQ(0, ctl_shows("", "not attached\n"));
	EXPECT_EQ(0, ctl_shows("-j", "\"nr_attached\":0,\"attached_pids\":[]"));
	ASSERT_EQ(0, nlt_as_del(&self->n, AS_NAME));
	test_no_leaks();
}

/*
 * The child of two_processes_attached: attaches with its buffer at VA_B, copies the parent's
 * data into it with its device, sees the parent's buffer through its own mmap(), tells the
 * parent (@go[1]), waits for the parent to unmap its buffer (@back[0]), then finds its CPU view
 * of it zapped. 0, or the step that failed.
 */
static int child_user(int go, int back)
{
	volatile uint8_t *p;
	struct user u;
	uint8_t v;
	int ret;

	ret = user_open(&u, VA_B, 2);
	if (ret)
		return 10 + ret;
	if (swmmu_run1(u.fd, u.q, swmmu_cmd_copy(VA_A, VA_B + SZ_4K, SZ_4K), NULL))
		return 20;
	if (user_expect(&u, VA_B + SZ_4K, SZ_4K, 1))
		return 21;
	p = mmap(NULL, VIEW, PROT_READ | PROT_WRITE, MAP_SHARED, u.fd,
		 (off_t)(u.a.out_mmap_offset + VA_A));
	if (p == MAP_FAILED)
		return 22;
	if (swmmu_probe(p + 9, false, 0, &v))
		return 23;
	p[VA_B - VA_A + 5] = v;
	if (write(go, "g", 1) != 1 || read(back, &v, 1) != 1)
		return 24;
	if (swmmu_probe(p + 9, false, 0, NULL) != SIGBUS)
		return 25;
	munmap((void *)p, VIEW);
	close(u.fd);
	return 0;
}

/* Two processes attached at once. */
TEST_F(nl, two_processes_attached)
{
	int go[2], back[2], status;
	uint8_t want[16], got[16];
	struct user ua;
	pid_t pids[2] = { getpid(), 0 };

	ASSERT_EQ(0, user_open(&ua, VA_A, 1));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	pids[1] = fork();
	ASSERT_LE(0, pids[1]);
	if (!pids[1]) {
		close(ua.fd);
		_exit(child_user(go[1], back[0]));
	}
	ASSERT_EQ(1, read(go[0], got, 1));
	EXPECT_EQ(0, check_attached(&self->n, 2, pids));
	/* The child's copy of the parent's data, and its CPU write, as the parent's device sees. */
	EXPECT_EQ(0, user_expect(&ua, VA_B + SZ_4K, SZ_4K, 1));
	swmmu_fill(want, sizeof(want), 1);
	ASSERT_EQ(0, _test_rw(ua.fd, ua.a.out_as_id, VA_B + 5, got, 1, false));
	EXPECT_EQ(want[9], got[0]);
	/* The parent unmaps its buffer: the child's CPU view of it must go. */
	ASSERT_EQ(0, _test_unmap(ua.fd, ua.a.out_as_id, VA_A, 4 * SZ_4K, NULL));
	ASSERT_EQ(1, write(back[1], "b", 1));
	ASSERT_EQ(pids[1], waitpid(pids[1], &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's exit detached it: its mapping is gone, the parent is still attached. */
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, AS_NAME, VA_B, NULL));
	EXPECT_EQ(0, check_attached(&self->n, 1, pids));
	close(go[0]);
	close(go[1]);
	close(back[0]);
	close(back[1]);
	close(ua.fd);
	ASSERT_EQ(0, nlt_as_del(&self->n, AS_NAME));
	test_no_leaks();
}

/* At most SWMMU_NAMED_MAX_USERS (64) files are attached to one address space. */
TEST_F(nl, attach_limit)
{
	struct swmmu_attach a;
	int fds[65], i;

	for (i = 0; i < 65; i++) {
		fds[i] = open(SWMMU_DEV, O_RDWR);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, attach(fds[i], AS_NAME, &a));
	EXPECT_EQ(-1, attach(fds[64], AS_NAME, &a));
	EXPECT_EQ(ENOSPC, errno);
	/* A place frees when one detaches. */
	close(fds[10]);
	EXPECT_EQ(0, attach(fds[64], AS_NAME, &a));
	for (i = 0; i < 65; i++)
		if (i != 10)
			close(fds[i]);
	EXPECT_EQ(0, nlt_as_get(&self->n, AS_NAME));
	EXPECT_EQ(0, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_NR_ATTACHED)));
	ASSERT_EQ(0, nlt_as_del(&self->n, AS_NAME));
	test_no_leaks();
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

/* Run "swmmuctl ARGS" (stderr too) into @out; its exit status, or -1. */
static int ctl_run(const char *args, char *out, size_t size)
{
	char cmd[256];
	size_t len;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), SWMMUCTL " %s 2>&1", args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	len = fread(out, 1, size - 1, f);
	out[len] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* What swmmuctl prints: the small items of issue 16. */
TEST_F(nl, ctl_output)
{
	char out[4096];

	/* The mode as the octal it is everywhere else, not 384. */
	ASSERT_EQ(0, ctl_run("-j as show " AS_NAME, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"mode\":\"0"));
	/* The dump: a header, and VA 0 as 0x0000000000000000. */
	ASSERT_EQ(0, ctl_run("map " AS_NAME " len 4K iova 0 prot rw", out, sizeof(out)));
	ASSERT_EQ(0, ctl_run("dump " AS_NAME, out, sizeof(out)));
	TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "IOVA (first-last)", 17));
	EXPECT_NE(NULL, strstr(out, "\n0x0000000000000000-0x0000000000000fff -> "));
	/* protect says what it did. */
	ASSERT_EQ(0, ctl_run("protect " AS_NAME " iova 0 len 4K prot r", out, sizeof(out)));
	EXPECT_STREQ("protected 0x0-0xfff r----\n", out);
	/* A name too long: swmmuctl says so, not "Attribute failed policy validation". */
	EXPECT_EQ(2, ctl_run("as show aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is too long: at most 31 characters"));
	/* --help: usage on stdout, status 0. */
	EXPECT_EQ(0, ctl_run("--help 2>/dev/null", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "usage: swmmuctl"));
}

/*
 * `swmmuctl -j monitor` is NDJSON: every line one JSON object, checked with a strict JSON
 * recognizer (the second event used to start with a comma). The events are address spaces
 * created and deleted, repeated until the monitor, started in a child, has printed enough.
 */
TEST_F(nl, monitor_ndjson)
{
	char buf[8192], name[32];
	size_t len = 0, at, nr_lines = 0;
	int pipefd[2], i, st;
	char *line, *nl;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execl(SWMMUCTL, SWMMUCTL, "-j", "monitor", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	/* Until 6 lines are in (the monitor may join the group after the first events). */
	for (i = 0; i < 200 && nr_lines < 6; i++) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		ssize_t n;

		snprintf(name, sizeof(name), "ndjson-%d", i);
		ASSERT_EQ(0, nlt_as_new(&self->n, name, "x86_64"));
		ASSERT_EQ(0, nlt_as_del(&self->n, name));
		while (poll(&pfd, 1, 100) > 0 && len < sizeof(buf) - 1) {
			n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		buf[len] = 0;
		nr_lines = 0;
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1)
			nr_lines++;
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	close(pipefd[0]);
	ASSERT_LE(6, nr_lines);
	for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
		int bad;

		at = 0;
		bad = json_check_object(line, (size_t)(nl - line), &at);
		if (bad)
			TH_LOG("not one JSON object at byte %zu: %.*s", at, (int)(nl - line), line);
		EXPECT_EQ(0, bad);
		EXPECT_NE(NULL, memmem(line, (size_t)(nl - line), "\"event\":\"", 9));
	}
	/* Nothing after the last newline: every object ends its line. */
	EXPECT_EQ('\0', *line);
}

/* One thread's side of threads_each_read_their_own_answers. */
struct nl_asker {
	const char *name;
	unsigned int rounds;
	unsigned int wrong;	/* answers that failed or named another space */
	int first_err;
};

static void *nl_ask(void *arg)
{
	struct nl_asker *a = arg;
	const struct nlattr *name;
	struct nlt n;
	unsigned int i;

	a->first_err = nlt_open(&n);
	if (a->first_err) {
		a->wrong = a->rounds;
		return NULL;
	}
	/* An answer read by another thread would otherwise be waited for forever. */
	nlt_set_timeout(&n, 2);
	for (i = 0; i < a->rounds; i++) {
		int err = nlt_as_get(&n, a->name);

		name = err ? NULL : nlt_attr(&n, SWMMU_A_AS);
		if (!name || strcmp(nlt_get_str(name), a->name)) {
			if (!a->wrong++)
				a->first_err = err;
		}
	}
	nlt_close(&n);
	return NULL;
}

/*
 * Threads asking at the same time on their own sockets each read their own answers: the
 * library's buffers are per thread (the uAPI fuzzer's threads and its dying thread do this).
 */
TEST_F(nl, threads_each_read_their_own_answers)
{
	struct nl_asker askers[2] = {
		{ .name = AS_NAME, .rounds = 400 },
		{ .name = AS_NAME "2", .rounds = 400 },
	};
	pthread_t tid[2];
	unsigned int i;

	nlt_as_del(&self->n, AS_NAME "2");
	ASSERT_EQ(0, nlt_as_new(&self->n, AS_NAME "2", "x86_64"));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, nl_ask, &askers[i]));
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	EXPECT_EQ(0, nlt_as_del(&self->n, AS_NAME "2"));
	for (i = 0; i < 2; i++) {
		if (askers[i].wrong)
			TH_LOG("%s: %u of %u answers wrong, the first with error %d", askers[i].name,
			       askers[i].wrong, askers[i].rounds, askers[i].first_err);
		EXPECT_EQ(0, askers[i].wrong);
	}
}

TEST_HARNESS_MAIN
