// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's life cycle: load, /dev/swmmu appears, open/close, unload refused while a file is
 * open, unload, reload. Runs in the VM with swmmu.ko in the current directory; leaves the module
 * loaded for the tests that follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define MODULE_PATH "./swmmu.ko"
#define DEV_PATH "/dev/swmmu"

static int load_module(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "swmmu", O_NONBLOCK) ? -errno : 0;
}

static bool module_loaded(void)
{
	return access("/sys/module/swmmu", F_OK) == 0;
}

/* Make sure the module is loaded whatever a test did, so later suites find it. */
static void ensure_loaded(struct __test_metadata *_metadata)
{
	if (!module_loaded())
		ASSERT_EQ(0, load_module());
}

TEST(load_creates_device_unload_removes_it)
{
	struct stat st;

	if (module_loaded())
		ASSERT_EQ(0, unload_module());
	ASSERT_NE(0, stat(DEV_PATH, &st));
	ASSERT_EQ(0, load_module());
	ASSERT_EQ(0, stat(DEV_PATH, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	/* Loading twice is refused by the kernel, not by us: the name is taken. */
	ASSERT_EQ(-EEXIST, load_module());
	ASSERT_EQ(0, unload_module());
	ASSERT_NE(0, stat(DEV_PATH, &st));
	ASSERT_EQ(ENOENT, errno);
	ensure_loaded(_metadata);
}

TEST(open_close)
{
	int fd, fd2;

	ensure_loaded(_metadata);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	fd2 = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, close(fd2));
}

TEST(unload_refused_while_open)
{
	int fd;

	ensure_loaded(_metadata);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EWOULDBLOCK, unload_module());
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, unload_module());
	ASSERT_FALSE(module_loaded());
	ensure_loaded(_metadata);
}

/*
 * Twenty cycles take 5-20 s under TCG, more on the debug kernel (KASAN, kmemleak) when the host
 * is busy: the harness's default 30 s would fail a correct module.
 */
FIXTURE(cycles) {
	int unused;
};

FIXTURE_SETUP(cycles)
{
}

FIXTURE_TEARDOWN(cycles)
{
}

TEST_F_TIMEOUT(cycles, load_unload_20_times, 300)
{
	int i, fd;

	if (module_loaded())
		ASSERT_EQ(0, unload_module());
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, load_module());
		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		close(fd);
		ASSERT_EQ(0, unload_module());
	}
	ensure_loaded(_metadata);
}

TEST_HARNESS_MAIN
