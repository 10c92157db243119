// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may use /dev/swmmu, and how much DMA memory all of them together may take:
 *   - the node is root's, mode 0600, as the module creates it (no udev in the VM);
 *   - an unprivileged user cannot open it; with the rule `make install` puts in place
 *     (group swmmu, 0660) a member of the group can and a non-member still cannot;
 *   - max_total_buf_bytes holds across many files opened by that user (ENOSPC past it), and
 *     what a closed file held can be allocated again;
 *   - netlink changes stay admin-only for a group member.
 * Runs as root in the VM; every unprivileged step runs in a child that drops to uid nobody.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "swmmu_test.h"
#include "swmmu_nl.h"

#define NOBODY		65534
/* A group standing for "swmmu" (the VM has no /etc/group entry for it). */
#define SWMMU_GID	4242
#define LIMIT_PARAM	"/sys/module/swmmu/parameters/max_total_buf_bytes"
#define NR_FILES	8

/* Drop to uid/gid nobody, with @gid as the only supplementary group if non-zero. */
static int drop_privileges(gid_t gid)
{
	if (setgroups(gid ? 1 : 0, &gid) || setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return 0;
}

/* Run @fn in a child as nobody (with supplementary @gid if non-zero); its exit status. */
static int as_user(gid_t gid, int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (drop_privileges(gid))
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* 0 if opening is refused with EACCES. */
static int open_denied(void)
{
	int fd = open(SWMMU_DEV, O_RDWR);

	if (fd >= 0)
		return 1;
	return errno == EACCES ? 0 : 2;
}

/* 0 if opening works and a buffer can be allocated. */
static int open_allowed(void)
{
	uint32_t buf;
	int fd = open(SWMMU_DEV, O_RDWR);

	if (fd < 0)
		return 1;
	if (_test_buf_alloc(fd, SZ_4K, 0, &buf))
		return 2;
	close(fd);
	return 0;
}

/*
 * With the limit at NR_FILES MiB: NR_FILES files take 1 MiB each, then no file can get one
 * more page (ENOSPC, although each file is far below max_buf_bytes); closing one file lets
 * another allocate again. 0 if all of that holds.
 */
static int global_limit(void)
{
	int fd[NR_FILES], extra, i;
	uint32_t buf;

	for (i = 0; i < NR_FILES; i++) {
		fd[i] = open(SWMMU_DEV, O_RDWR);
		if (fd[i] < 0)
			return 10;
		if (_test_buf_alloc(fd[i], SZ_1M, 0, &buf))
			return 11;
	}
	extra = open(SWMMU_DEV, O_RDWR);
	if (extra < 0)
		return 12;
	if (_test_buf_alloc(extra, SZ_4K, 0, &buf) != -1 || errno != ENOSPC)
		return 13;
	for (i = 0; i < NR_FILES; i++)
		if (_test_buf_alloc(fd[i], SZ_4K, 0, &buf) != -1 || errno != ENOSPC)
			return 14;
	/* One buffer larger than the whole limit, on a file holding nothing. */
	if (_test_buf_alloc(extra, (NR_FILES + 1) * SZ_1M, 0, &buf) != -1 || errno != ENOSPC)
		return 15;
	close(fd[0]);
	if (_test_buf_alloc(extra, SZ_1M, 0, &buf))
		return 16;
	if (_test_buf_alloc(extra, SZ_4K, 0, &buf) != -1 || errno != ENOSPC)
		return 17;
	close(extra);
	for (i = 1; i < NR_FILES; i++)
		close(fd[i]);
	return 0;
}

/* 0 if a group member reads over netlink but cannot change anything (EPERM). */
static int netlink_admin_only(void)
{
	static struct nlt n;

	if (nlt_open(&n))
		return 1;
	if (nlt_as_new(&n, "access-test", "x86_64") != -EPERM)
		return 2;
	nlt_close(&n);
	return 0;
}

/* 0 if the limit parameter cannot be written (EACCES). */
static int open_denied_param(void)
{
	int fd = open(LIMIT_PARAM, O_WRONLY);

	if (fd >= 0)
		return 1;
	return errno == EACCES ? 0 : 2;
}

static int write_param(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int read_param(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return 0;
}

FIXTURE(access) {
	char old_limit[64];
};

FIXTURE_SETUP(access)
{
	ASSERT_EQ(0, read_param(LIMIT_PARAM, self->old_limit, sizeof(self->old_limit)));
}

FIXTURE_TEARDOWN(access)
{
	chown(SWMMU_DEV, 0, 0);
	chmod(SWMMU_DEV, 0600);
	write_param(LIMIT_PARAM, self->old_limit);
}

TEST_F(access, node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(SWMMU_DEV, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	/* Not even a member of a group: the node has no group bits. */
	EXPECT_EQ(0, as_user(0, open_denied));
	EXPECT_EQ(0, as_user(SWMMU_GID, open_denied));
}

TEST_F(access, group_grant)
{
	/* What 60-swmmu.rules does: GROUP="swmmu", MODE="0660". */
	ASSERT_EQ(0, chown(SWMMU_DEV, 0, SWMMU_GID));
	ASSERT_EQ(0, chmod(SWMMU_DEV, 0660));
	EXPECT_EQ(0, as_user(SWMMU_GID, open_allowed));
	EXPECT_EQ(0, as_user(0, open_denied));
	EXPECT_EQ(0, as_user(SWMMU_GID, netlink_admin_only));
}

TEST_F(access, default_limit_is_set)
{
	/* Loaded with 0: the module picks half of RAM, never "unlimited". */
	EXPECT_LT(0, atol(self->old_limit));
	EXPECT_GE(atol(self->old_limit), (long)(NR_FILES * SZ_1M));
}

TEST_F(access, global_limit_many_files)
{
	char val[32];

	ASSERT_EQ(0, chown(SWMMU_DEV, 0, SWMMU_GID));
	ASSERT_EQ(0, chmod(SWMMU_DEV, 0660));
	snprintf(val, sizeof(val), "%llu", NR_FILES * SZ_1M);
	ASSERT_EQ(0, write_param(LIMIT_PARAM, val));
	EXPECT_EQ(0, as_user(SWMMU_GID, global_limit));
	/* Everything it held is back: the full limit can be allocated again, by root too. */
	{
		uint32_t buf;
		int fd = open(SWMMU_DEV, O_RDWR);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, _test_buf_alloc(fd, NR_FILES * SZ_1M, 0, &buf));
		close(fd);
	}
	/* The parameter is root's. */
	EXPECT_EQ(0, as_user(SWMMU_GID, open_denied_param));
}

TEST_HARNESS_MAIN
