// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel API, through its sample client (samples/swmmu-gpu): a prototype GPU driver
 * module that binds and unbinds buffer objects in its own page tables, invalidates like a driver
 * and runs DMA through the emulated device. Loads swmmu_gpu.ko from the current directory beside
 * swmmu.ko; leaves swmmu loaded and the sample unloaded for the tests that follow.
 *
 * - the workload (both ways of writing the tables) moves the right data and the checker is
 *   silent;
 * - each deliberate bug of the sample is reported by the checker, once, with its class;
 * - swmmu refuses to unload while the client is loaded, the client cannot load without swmmu,
 *   and both unload in the right order;
 * - a client unloaded with its handle open is reclaimed, with one line in the kernel log;
 * - 20 load/unload cycles leave every module-wide counter at zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"

#define SAMPLE_PATH	"./swmmu_gpu.ko"
#define SWMMU_PATH	"./swmmu.ko"
#define CONTROL		"/sys/kernel/debug/swmmu_gpu/control"
#define STATUS		"/sys/kernel/debug/swmmu_gpu/status"

static int load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool loaded(const char *name)
{
	char p[64];

	snprintf(p, sizeof(p), "/sys/module/%s", name);
	return access(p, F_OK) == 0;
}

static int control(const char *cmd)
{
	int fd = open(CONTROL, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd) ? 0 : -errno;
	close(fd);
	return ret;
}

/* One counter of the sample's status file, or -1. */
static long status(const char *key)
{
	char name[64];
	long v, r = -1;
	FILE *f = fopen(STATUS, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			r = v;
	fclose(f);
	return r;
}

/* The kernel log from now on: a /dev/kmsg reader positioned at its end. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static bool kmsg_has(int fd, const char *what)
{
	char rec[1024];
	bool found = false;
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, what))
			found = true;
	}
	return found;
}

static void ensure_swmmu(struct __test_metadata *_metadata)
{
	if (!loaded("swmmu"))
		ASSERT_EQ(0, load(SWMMU_PATH, ""));
}

FIXTURE(kclient) {
	int unused;
};

FIXTURE_SETUP(kclient)
{
	ensure_swmmu(_metadata);
	if (loaded("swmmu_gpu"))
		ASSERT_EQ(0, unload("swmmu_gpu"));
}

FIXTURE_TEARDOWN(kclient)
{
	if (loaded("swmmu_gpu"))
		unload("swmmu_gpu");
	if (!loaded("swmmu"))
		load(SWMMU_PATH, "");
}

static void expect_silent(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, status("dma_bad"));
	EXPECT_EQ(0, status("stale"));
	EXPECT_EQ(0, status("bbm"));
	EXPECT_EQ(0, status("table_reuse"));
}

TEST_F(kclient, workload_with_the_library)
{
	ASSERT_EQ(0, load(SAMPLE_PATH, ""));
	ASSERT_EQ(0, control("run 200"));
	EXPECT_EQ(200, status("dma_ok"));
	EXPECT_EQ(200, status("binds"));
	EXPECT_EQ(200, status("unbinds"));
	/* Every round ends with a DMA to the unbound range, which must fault. */
	EXPECT_EQ(200, status("faults"));
	EXPECT_LT(0, status("checks"));
	expect_silent(_metadata);
	ASSERT_EQ(0, unload("swmmu_gpu"));
}

TEST_F(kclient, workload_by_hand)
{
	ASSERT_EQ(0, load(SAMPLE_PATH, "by_hand=1"));
	ASSERT_EQ(0, control("run 200"));
	EXPECT_EQ(200, status("dma_ok"));
	EXPECT_EQ(200, status("faults"));
	expect_silent(_metadata);
	ASSERT_EQ(0, unload("swmmu_gpu"));
}

/* Each bug of the sample, alone: exactly one report, of its class. */
static void one_bug(struct __test_metadata *_metadata, const char *params, const char *bug,
		    const char *class)
{
	static const char *const classes[] = { "stale", "bbm", "table_reuse" };
	char cmd[64];
	unsigned int i;

	ASSERT_EQ(0, load(SAMPLE_PATH, params));
	ASSERT_EQ(0, control("run 10"));
	expect_silent(_metadata);
	snprintf(cmd, sizeof(cmd), "bug %s", bug);
	ASSERT_EQ(0, control(cmd));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(!strcmp(classes[i], class), status(classes[i])) {
			TH_LOG("bug %s (%s): %s = %ld", bug, params, classes[i],
			       status(classes[i]));
		}
	EXPECT_EQ(0, status("dma_bad"));
	ASSERT_EQ(0, unload("swmmu_gpu"));
}

TEST_F(kclient, bug_no_invalidation_after_unbind)
{
	one_bug(_metadata, "", "no-inval-unbind", "stale");
	one_bug(_metadata, "by_hand=1", "no-inval-unbind", "stale");
}

TEST_F(kclient, bug_rebind_without_invalidation)
{
	one_bug(_metadata, "", "rebind-no-inval", "stale");
	one_bug(_metadata, "by_hand=1", "rebind-no-inval", "stale");
}

TEST_F(kclient, bug_page_table_reused_while_cached)
{
	one_bug(_metadata, "", "table-reuse", "table_reuse");
}

/*
 * The mutation check: with the context's checker off the same bugs go unreported, so the
 * reports above come from the checker and nowhere else. A bad checker mode is refused.
 */
TEST_F(kclient, without_the_checker_the_bugs_go_unreported)
{
	ASSERT_EQ(0, load(SAMPLE_PATH, "check=0"));
	ASSERT_EQ(0, control("bug no-inval-unbind"));
	ASSERT_EQ(0, control("bug rebind-no-inval"));
	ASSERT_EQ(0, control("bug table-reuse"));
	expect_silent(_metadata);
	EXPECT_EQ(0, status("checks"));
	ASSERT_EQ(0, unload("swmmu_gpu"));
	EXPECT_EQ(-EINVAL, load(SAMPLE_PATH, "check=3"));
}

TEST_F(kclient, unknown_bug_and_bad_commands_are_refused)
{
	ASSERT_EQ(0, load(SAMPLE_PATH, ""));
	EXPECT_EQ(-EINVAL, control("bug no-such-bug"));
	EXPECT_EQ(-EINVAL, control("dance"));
	expect_silent(_metadata);
	ASSERT_EQ(0, unload("swmmu_gpu"));
}

/*
 * An engine reset through swmmu_client_destroy() (include/swmmu/kapi.h): the sample checks the
 * refusals of a busy context and buffer and of a destroyed queue (-EPROTO if one is wrong), then
 * makes the context again; work after it runs through the same page tables.
 */
TEST_F(kclient, engine_reset_destroys_and_remakes_the_context)
{
	struct swmmu_counters c;
	int by_hand;

	for (by_hand = 0; by_hand < 2; by_hand++) {
		ASSERT_EQ(0, load(SAMPLE_PATH, by_hand ? "by_hand=1" : ""));
		/* kmod/swmmu_main.c gives the emulated device a 64-bit DMA mask. */
		EXPECT_EQ(64, status("dma_mask_bits"));
		ASSERT_EQ(0, control("run 3"));
		ASSERT_EQ(0, control("reset"));
		ASSERT_EQ(0, control("reset"));
		EXPECT_EQ(2, status("resets"));
		ASSERT_EQ(0, control("run 5"));
		EXPECT_EQ(8, status("dma_ok"));
		expect_silent(_metadata);
		ASSERT_EQ(0, unload("swmmu_gpu"));
	}
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_TRUE(swmmu_counters_zero(&c));
}

TEST_F(kclient, unload_order)
{
	ASSERT_EQ(0, load(SAMPLE_PATH, ""));
	/* The client holds swmmu's symbols: swmmu is in use. */
	EXPECT_EQ(-EWOULDBLOCK, unload("swmmu"));
	EXPECT_TRUE(loaded("swmmu"));
	ASSERT_EQ(0, control("run 5"));
	ASSERT_EQ(0, unload("swmmu_gpu"));
	ASSERT_EQ(0, unload("swmmu"));
	/* Without swmmu the client cannot resolve its symbols. */
	EXPECT_EQ(-ENOENT, load(SAMPLE_PATH, ""));
	ASSERT_EQ(0, load(SWMMU_PATH, ""));
	ASSERT_EQ(0, load(SAMPLE_PATH, ""));
	ASSERT_EQ(0, unload("swmmu_gpu"));
}

TEST_F(kclient, handle_left_open_is_reclaimed)
{
	struct swmmu_counters c;
	int kmsg = kmsg_open();

	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, load(SAMPLE_PATH, "leak=1"));
	ASSERT_EQ(0, control("run 5"));
	ASSERT_EQ(0, unload("swmmu_gpu"));
	EXPECT_TRUE(kmsg_has(kmsg, "swmmu_gpu unloaded with a client handle open: reclaimed"));
	close(kmsg);
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_TRUE(swmmu_counters_zero(&c));
	/* And swmmu itself unloads cleanly afterwards. */
	ASSERT_EQ(0, unload("swmmu"));
	ASSERT_EQ(0, load(SWMMU_PATH, ""));
}

TEST_F(kclient, twenty_load_unload_cycles)
{
	struct swmmu_counters c;
	int i;

	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, load(SAMPLE_PATH, i & 1 ? "by_hand=1" : ""));
		ASSERT_EQ(0, control("run 3"));
		EXPECT_EQ(3, status("dma_ok"));
		ASSERT_EQ(0, unload("swmmu_gpu"));
	}
	ASSERT_EQ(0, swmmu_read_counters(&c));
	EXPECT_TRUE(swmmu_counters_zero(&c));
}

TEST_HARNESS_MAIN
