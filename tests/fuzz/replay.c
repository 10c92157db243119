// SPDX-License-Identifier: GPL-2.0-only
/*
 * A plain main() for the libFuzzer targets of this directory: runs LLVMFuzzerTestOneInput() once
 * on every file named, or on every regular file of every directory named (a corpus). `make
 * coverage` links it with each target, built by gcc with --coverage, because libFuzzer needs clang
 * while the host's gcov data comes from gcc. A target aborts on a finding, so a replay that ends
 * with status 0 also says that no input of the corpus fails.
 *
 *   replay-NAME FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long ran;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	ran++;
	return 0;
}

static int run_path(const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int err = 0;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", path, de->d_name) < 0) {
			err = -1;
			break;
		}
		if (!stat(p, &st) && S_ISREG(st.st_mode) && run_file(p))
			err = -1;
		free(p);
	}
	closedir(d);
	return err;
}

int main(int argc, char **argv)
{
	int i, err = 0;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: %s FILE|DIR...\nRuns the fuzz target once on each file (each file of each directory).\n",
			argv[0]);
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++)
		if (run_path(argv[i]))
			err = 1;
	printf("replayed %lu inputs\n", ran);
	return err;
}
