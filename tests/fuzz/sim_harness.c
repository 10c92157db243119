// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-memory side of the swmmu-sim fuzz targets (sim_harness.h). Files live in memory
 * (sim_fopen): a target's input brings the files its commands read, and what image-save and draw
 * write can be read back. Table memory is limited to 16 MiB so that a huge map ends in ENOMEM
 * quickly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_harness.h"

#define MAX_FILES	16
#define NAME_MAX_LEN	255

static struct vfile {
	char name[NAME_MAX_LEN + 1];
	char *data;
	size_t size;
	bool used;
} files[MAX_FILES];

static FILE *devnull;
static char empty[1];

static struct vfile *vfind(const char *name, bool create)
{
	struct vfile *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < MAX_FILES; i++) {
		if (files[i].used && !strcmp(files[i].name, name))
			return &files[i];
		if (!files[i].used && !free_slot)
			free_slot = &files[i];
	}
	if (!create || !free_slot || strlen(name) > NAME_MAX_LEN)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	strcpy(free_slot->name, name);
	free_slot->used = true;
	return free_slot;
}

static FILE *vfs_open(const char *path, const char *mode)
{
	struct vfile *f = vfind(path, mode[0] == 'w');

	if (!f) {
		errno = ENOENT;
		return NULL;
	}
	if (mode[0] == 'w') {
		free(f->data);
		f->data = NULL;
		f->size = 0;
		return open_memstream(&f->data, &f->size);
	}
	return fmemopen(f->size ? f->data : empty, f->size, "r");
}

void harness_file(const char *name, const void *data, size_t size)
{
	struct vfile *f = vfind(name, true);

	if (!f)
		return;
	free(f->data);
	f->data = malloc(size ? size : 1);
	if (!f->data)
		abort();
	memcpy(f->data, data, size);
	f->size = size;
}

void harness_begin(void)
{
	unsigned int i;

	for (i = 0; i < MAX_FILES; i++) {
		free(files[i].data);
		memset(&files[i], 0, sizeof(files[i]));
	}
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	sim_out = devnull;
	sim_fopen = vfs_open;
	sim_arena_limit = 16UL << 20;
	sim_reset();
	if (sim_start("x86_64", NULL))
		abort();
}

static int run(const char *line, size_t len, const char **cmd, char *copy)
{
	if (len > 4095)
		len = 4095;
	memcpy(copy, line, len);
	copy[len] = 0;
	return sim_line(copy, cmd);
}

char *harness_snapshot(size_t *len)
{
	static const char *const cmds[] = { "dump", "stats", "describe" };
	FILE *old = sim_out, *m;
	char *buf = NULL, line[16];
	const char *cmd;
	unsigned int i;

	m = open_memstream(&buf, len);
	if (!m)
		abort();
	sim_out = m;
	for (i = 0; i < 3; i++) {
		strcpy(line, cmds[i]);
		fprintf(m, "%s -> %d\n", cmds[i], sim_line(line, &cmd));
	}
	sim_out = old;
	fclose(m);
	return buf;
}

/* Is the first word of @line load, format or image? */
static bool replaces_state(const char *line, size_t len)
{
	static const char *const words[] = { "load", "format", "image" };
	size_t i = 0, n;
	unsigned int w;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	for (n = 0; i + n < len && line[i + n] && !strchr(" \t\r\n#", line[i + n]); n++)
		;
	for (w = 0; w < 3; w++)
		if (n == strlen(words[w]) && !memcmp(line + i, words[w], n))
			return true;
	return false;
}

int harness_line(const char *line, size_t len)
{
	static char copy[4096];
	char *before = NULL, *after;
	size_t blen = 0, alen;
	const char *cmd;
	bool check = replaces_state(line, len);
	int ret;

	if (check)
		before = harness_snapshot(&blen);
	ret = run(line, len, &cmd, copy);
	if (check && ret) {
		after = harness_snapshot(&alen);
		if (alen != blen || memcmp(before, after, blen)) {
			fprintf(stderr, "harness: failed command '%.*s' (%d) changed the state\n"
				"--- before\n%s--- after\n%s", (int)(len > 200 ? 200 : len), line, ret,
				before, after);
			abort();
		}
		free(after);
	}
	free(before);
	return ret;
}

void harness_script(const char *script, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(script + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (script + i)) : len - i;

		harness_line(script + i, n);
		i += n + 1;
	}
}
