// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud in the VM: the configuration is applied; SIGHUP applies only the difference of a
 * changed file and keeps the running state on a broken one (line/column in the log); a restart
 * adopts what exists; the module unloaded and loaded again gets the configuration back; an
 * application attaches and runs DMA whose faults the daemon serves up to the quota (and a "fail"
 * address space does not get served). The daemon runs in the foreground, its log on stderr.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_nl.h"
#include "swmmu_test.h"

#define SWMMUD		"/opt/swmmu/bin/swmmud"
#define CONF		"/tmp/swmmud-test.conf"
#define LOG		"/tmp/swmmud-test.log"
#define FMTFILE		"/tmp/swmmud-test.fmt"

static const char conf_v1[] =
	"# swmmud test configuration, version 1\n"
	"formats:\n"
	"  - { name: dfmt, file: " FMTFILE " }\n"
	"address_spaces:\n"
	"  - name: dtest\n"
	"    format: x86_64\n"
	"    owner: 65534\n"
	"    group: 0\n"
	"    mode: 0600\n"
	"    fault: serve\n"
	"    fault_quota: 64K\n"
	"    regions:\n"
	"      - { iova: 0x100000, size: 16K, prot: rw }\n"
	"      - { iova: 0x200000, size: 2M, prot: r, pgsize: 2M }\n"
	"  - { name: dtest2, format: dfmt }\n"
	"  - { name: dfail, format: x86_64, fault: fail }\n";

/* v1 -> v2: dtest mode 0660, region 0x100000 gone, 0x400000 new, 0x200000 now rw; dtest2 and
 * its format gone.
 */
static const char conf_v2[] =
	"address_spaces:\n"
	"  - name: dtest\n"
	"    format: x86_64\n"
	"    owner: 65534\n"
	"    group: 0\n"
	"    mode: 0660\n"
	"    fault: serve\n"
	"    fault_quota: 64K\n"
	"    regions:\n"
	"      - { iova: 0x400000, size: 8K }\n"
	"      - { iova: 0x200000, size: 2M, prot: rw, pgsize: 2M }\n"
	"  - { name: dfail, format: x86_64, fault: fail }\n";

/* Broken versions of v1's dtest, each with the exact error swmmud must log. */
#define DTEST_HEAD	"address_spaces:\n  - name: dtest\n    format: x86_64\n"
static const struct {
	const char *text;
	const char *error;
} broken_configs[] = {
	/* "format" indented one column deeper than "name": libyaml's syntax error. */
	{ "address_spaces:\n  - name: dtest\n     format: x86_64\n",
	  CONF ":3:12: syntax error: mapping values are not allowed in this context" },
	{ DTEST_HEAD "    colour: blue\n",
	  CONF ":4:5: unknown key \"colour\" in an address space" },
	{ DTEST_HEAD "    fault_quota: 64Q\n",
	  CONF ":4:18: fault_quota: \"64Q\" is not a number" },
	{ DTEST_HEAD "    fault: sometimes\n",
	  CONF ":4:12: fault: \"sometimes\" is not fail, log or serve" },
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static bool log_has(const char *s)
{
	static char buf[1 << 16];
	FILE *f = fopen(LOG, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, s);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static pid_t start_daemon(void)
{
	return swmmu_daemon_start(SWMMUD, CONF, LOG);
}

static int stop_daemon(pid_t pid)
{
	int status;

	if (kill(pid, SIGTERM) || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Wait (up to 15 s) until cond(arg) holds. */
static bool wait_for(bool (*cond)(const void *arg), const void *arg)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (cond(arg))
			return true;
		sleep_ms(50);
	}
	return false;
}

static bool as_exists(const void *name)
{
	struct nlt n;
	bool ok;

	if (nlt_open(&n))
		return false;
	ok = !nlt_as_get(&n, name);
	nlt_close(&n);
	return ok;
}

static bool as_gone(const void *name)
{
	struct nlt n;
	bool ok;

	if (nlt_open(&n))
		return false;
	ok = nlt_as_get(&n, name) == -ENOENT;
	nlt_close(&n);
	return ok;
}

static bool mapped(const void *va)
{
	struct nlt n;
	bool ok;

	if (nlt_open(&n))
		return false;
	ok = !nlt_query(&n, "dtest", *(const uint64_t *)va, NULL);
	nlt_close(&n);
	return ok;
}

static bool logged(const void *s)
{
	return log_has(s);
}

static uint16_t as_mode(struct nlt *n, const char *name)
{
	const struct nlattr *a;

	if (nlt_as_get(n, name))
		return 0xffff;
	a = nlt_attr(n, SWMMU_A_MODE);
	return a ? *(const uint16_t *)((const char *)a + NLA_HDRLEN) : 0xffff;
}

FIXTURE(d) {
	struct nlt n;
	pid_t pid;
};

FIXTURE_SETUP(d)
{
	static struct nlt_msg m;
	FILE *f;

	ASSERT_EQ(0, access(SWMMUD, X_OK));
	ASSERT_EQ(0, nlt_open(&self->n));
	/* A runtime format: the text of aarch64-4k. */
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_GET, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "aarch64-4k");
	ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
	f = fopen(FMTFILE, "w");
	ASSERT_NE(NULL, f);
	fputs(nlt_get_str(nlt_attr(&self->n, SWMMU_A_FORMAT_TEXT)), f);
	fclose(f);
	unlink(LOG);
	ASSERT_EQ(0, write_file(CONF, conf_v1));
	self->pid = start_daemon();
	ASSERT_LT(0, self->pid);
	ASSERT_TRUE(wait_for(as_exists, "dfail"));
	ASSERT_TRUE(wait_for(logged, "configuration applied"));
}

FIXTURE_TEARDOWN(d)
{
	static struct nlt_msg m;

	if (self->pid > 0)
		stop_daemon(self->pid);
	nlt_as_del(&self->n, "dtest");
	nlt_as_del(&self->n, "dtest2");
	nlt_as_del(&self->n, "dfail");
	nlt_start(&self->n, &m, SWMMU_NL_CMD_FORMAT_DEL, 0);
	nlt_put_str(&m, SWMMU_A_NAME, "dfmt");
	nlt_request(&self->n, &m, NULL, NULL);
	nlt_close(&self->n);
}

TEST_F(d, config_applied)
{
	const struct nlattr *a;

	ASSERT_EQ(0, nlt_as_get(&self->n, "dtest"));
	EXPECT_EQ(65534, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_OWNER_UID)));
	EXPECT_EQ(SWMMU_FAULT_MODE_SERVE, nlt_get_u8(nlt_attr(&self->n, SWMMU_A_FAULT_MODE)));
	EXPECT_EQ(64 * 1024, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_FAULT_QUOTA)));
	EXPECT_EQ(0600, as_mode(&self->n, "dtest"));
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x103000, NULL));
	EXPECT_EQ(PROT_RW, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_PROT)) & 0x1f);
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, NULL));
	EXPECT_EQ(SZ_2M, nlt_get_u64(nlt_attr(&self->n, SWMMU_A_PAGE_SIZE)));
	EXPECT_EQ(SWMMU_PROT_READ, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_PROT)) & 0x1f);
	ASSERT_EQ(0, nlt_as_get(&self->n, "dtest2"));
	a = nlt_attr(&self->n, SWMMU_A_FORMAT);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("dfmt", nlt_get_str(a));
	EXPECT_FALSE(log_has("error"));
}

TEST_F(d, sighup_changed_config)
{
	uint64_t dma_before, dma_after, va = 0x400000;

	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_before));
	ASSERT_EQ(0, write_file(CONF, conf_v2));
	ASSERT_EQ(0, truncate(LOG, 0));
	ASSERT_EQ(0, kill(self->pid, SIGHUP));
	ASSERT_TRUE(wait_for(logged, "configuration reloaded"));
	EXPECT_TRUE(as_gone("dtest2"));
	EXPECT_TRUE(mapped(&va));
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, "dtest", 0x100000, NULL));
	EXPECT_EQ(0660, as_mode(&self->n, "dtest"));
	/* Only the difference: the 2M region was protected in place, not mapped again. */
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_after));
	EXPECT_EQ(dma_before, dma_after);
	EXPECT_EQ(PROT_RW, nlt_get_u32(nlt_attr(&self->n, SWMMU_A_PROT)) & 0x1f);
	EXPECT_TRUE(log_has("format dfmt: deleted"));
	/* dfail did not change: nothing was done to it. */
	EXPECT_FALSE(log_has("dfail"));
	EXPECT_FALSE(log_has("error"));
}

TEST_F(d, sighup_broken_config)
{
	uint64_t dma_before, dma_after;
	unsigned int i;
	bool found;

	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_before));
	for (i = 0; i < ARRAY_SIZE(broken_configs); i++) {
		ASSERT_EQ(0, write_file(CONF, broken_configs[i].text));
		ASSERT_EQ(0, truncate(LOG, 0));
		ASSERT_EQ(0, kill(self->pid, SIGHUP));
		ASSERT_TRUE(wait_for(logged, "keeping the running configuration"));
		found = log_has(broken_configs[i].error);
		if (!found)
			TH_LOG("want \"%s\" in the log", broken_configs[i].error);
		EXPECT_TRUE(found);
	}

	/* Nothing changed, and the daemon still serves a later good reload. */
	EXPECT_EQ(0, kill(self->pid, 0));
	EXPECT_TRUE(as_exists("dtest2"));
	EXPECT_EQ(0600, as_mode(&self->n, "dtest"));
	EXPECT_EQ(0, nlt_query(&self->n, "dtest", 0x100000, NULL));
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_after));
	EXPECT_EQ(dma_before, dma_after);
	ASSERT_EQ(0, write_file(CONF, conf_v2));
	ASSERT_EQ(0, kill(self->pid, SIGHUP));
	ASSERT_TRUE(wait_for(as_gone, "dtest2"));
}

TEST_F(d, restart_adopts)
{
	uint64_t dma_before, dma_after;

	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_before));
	ASSERT_EQ(0, stop_daemon(self->pid));
	self->pid = 0;
	EXPECT_TRUE(log_has("shutting down"));
	/* The address spaces outlive the daemon. */
	EXPECT_TRUE(as_exists("dtest"));
	unlink(LOG);
	self->pid = start_daemon();
	ASSERT_TRUE(wait_for(logged, "configuration applied"));
	EXPECT_TRUE(log_has("address space dtest: exists, adopted"));
	EXPECT_TRUE(log_has("format dfmt: already defined, adopted"));
	EXPECT_FALSE(log_has("error"));
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x200000, &dma_after));
	EXPECT_EQ(dma_before, dma_after);
}

TEST_F(d, module_reload)
{
	uint64_t va = 0x200000;

	nlt_close(&self->n);
	ASSERT_EQ(0, system("rmmod swmmu"));
	ASSERT_TRUE(wait_for(logged, "went away"));
	ASSERT_EQ(0, system("insmod /opt/swmmu/swmmu.ko"));
	ASSERT_TRUE(wait_for(as_exists, "dfail"));
	ASSERT_TRUE(wait_for(mapped, &va));
	EXPECT_TRUE(as_exists("dtest2"));
	EXPECT_TRUE(log_has("connected to the swmmu module"));
	ASSERT_EQ(0, nlt_open(&self->n));
}

/* Attach, put a pattern in a buffer of our own, and copy it with the engine. */
static int dma_copy(int fd, uint32_t as_id, uint32_t queue, uint64_t src, uint64_t dst,
		    uint64_t len, struct swmmu_dma_cmd *c)
{
	struct swmmu_submit s = { .size = sizeof(s), .queue_id = queue, .nr_cmds = 1 };

	memset(c, 0, sizeof(*c));
	c->opcode = SWMMU_DMA_COPY;
	c->src = src;
	c->dst = dst;
	c->length = len;
	s.cmds_uptr = (uintptr_t)c;
	(void)as_id;
	return ioctl(fd, SWMMU_SUBMIT, &s);
}

static int attach_queue(int fd, const char *name, uint32_t *as_id, uint32_t *queue)
{
	struct swmmu_attach a = { .size = sizeof(a) };
	struct swmmu_queue_alloc q = { .size = sizeof(q) };

	snprintf(a.name, sizeof(a.name), "%s", name);
	if (ioctl(fd, SWMMU_ATTACH, &a))
		return -1;
	q.as_id = a.out_as_id;
	if (ioctl(fd, SWMMU_QUEUE_ALLOC, &q))
		return -1;
	*as_id = a.out_as_id;
	*queue = q.out_queue_id;
	return 0;
}

TEST_F(d, faults_served)
{
	static uint8_t pattern[SZ_4K * 2], back[SZ_4K * 2];
	struct swmmu_dma_cmd c;
	uint64_t iova = 0x600000;
	uint32_t as_id, queue, buf;
	unsigned int i;
	int fd;

	fd = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, attach_queue(fd, "dtest", &as_id, &queue));
	ASSERT_EQ(0, _test_buf_alloc(fd, 2 * SZ_4K, 0, &buf));
	ASSERT_EQ(0, _test_map(fd, as_id, buf, 0, 2 * SZ_4K, SWMMU_MAP_FIXED_IOVA, PROT_RW, 0,
			       &iova));
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(0, _test_rw(fd, as_id, 0x600000, pattern, sizeof(pattern), true));

	/* 0x700000 is not mapped: each page faults, the daemon maps a zeroed page, the copy goes
	 * on.
	 */
	ASSERT_EQ(0, dma_copy(fd, as_id, queue, 0x600000, 0x700000, sizeof(pattern), &c));
	EXPECT_EQ(0, c.out_status);
	EXPECT_EQ(sizeof(pattern), c.out_result);
	ASSERT_EQ(0, _test_rw(fd, as_id, 0x700000, back, sizeof(back), false));
	EXPECT_EQ(0, memcmp(pattern, back, sizeof(back)));
	EXPECT_TRUE(log_has("fault in dtest at 0x700000 (access -w---): served"));
	/* The served pages belong to the address space, not to us. */
	ASSERT_EQ(0, nlt_query(&self->n, "dtest", 0x701000, NULL));

	/* The quota is 64K: 8K are used, so a 64K copy fails part way with the fault's errno. */
	ASSERT_EQ(0, dma_copy(fd, as_id, queue, 0x600000, 0x800000, SZ_4K, &c));
	EXPECT_EQ(0, c.out_status);
	for (i = 0; i < 14; i++)
		ASSERT_EQ(0, dma_copy(fd, as_id, queue, 0x600000, 0x900000 + i * SZ_4K, SZ_4K,
				      &c));
	EXPECT_EQ(-ENXIO, c.out_status);
	EXPECT_TRUE(log_has("fault quota used up, failed"));
	close(fd);
	/* STATS_GET counts the faults and remembers the last ones, the failed one last. */
	{
		static struct nlt_msg m;
		const struct nlattr *st, *in, *a, *last = NULL;
		int rem;

		nlt_start(&self->n, &m, SWMMU_NL_CMD_STATS_GET, 0);
		nlt_put_str(&m, SWMMU_A_AS, "dtest");
		ASSERT_EQ(0, nlt_request(&self->n, &m, NULL, NULL));
		st = nlt_attr(&self->n, SWMMU_A_STATS);
		ASSERT_NE(NULL, st);
		in = (const struct nlattr *)((const char *)st + NLA_HDRLEN);
		a = nlt_find(in, st->nla_len - NLA_HDRLEN, SWMMU_A_STATS_FAULTS);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(17, nlt_get_u64(a));
		for (a = in, rem = st->nla_len - NLA_HDRLEN; rem >= NLA_HDRLEN;
		     rem -= (a->nla_len + 3) & ~3,
		     a = (const struct nlattr *)((const char *)a + ((a->nla_len + 3) & ~3)))
			if ((a->nla_type & NLA_TYPE_MASK) == SWMMU_A_STATS_FAULT)
				last = a;
		ASSERT_NE(NULL, last);
		a = nlt_find((const struct nlattr *)((const char *)last + NLA_HDRLEN),
			     last->nla_len - NLA_HDRLEN, SWMMU_A_FREC_IOVA);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(0x90d000, nlt_get_u64(a));
	}

	/* An address space in "fail" mode: the fault is reported, not served. */
	fd = open(SWMMU_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, attach_queue(fd, "dfail", &as_id, &queue));
	ASSERT_EQ(0, dma_copy(fd, as_id, queue, 0x100000, 0x200000, SZ_4K, &c));
	EXPECT_EQ(-ENXIO, c.out_status);
	close(fd);
	EXPECT_EQ(-ENOENT, nlt_query(&self->n, "dfail", 0x100000, NULL));
	EXPECT_TRUE(wait_for(logged, "fault in dfail at 0x100000"));
}

TEST_HARNESS_MAIN
