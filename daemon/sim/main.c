// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-sim: a command-line page-table simulator over the swmmu core. See usage() or -h; the
 * commands are interpreted by sim.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: swmmu-sim [-f FORMAT] [-F DESCRIPTION-FILE] [FILE]\n"
"\n"
"Reads commands from FILE (or standard input), one per line, and runs them on one address\n"
"space. '#' starts a comment. Numbers are decimal or 0x-hex, optionally followed by K, M, G or T\n"
"(powers of two). A failed command prints a line 'FILE:LINE: error: COMMAND: ERRNO-NAME: WHY'\n"
"(WHY names the argument at fault and what is wrong with it), leaves the address space, its\n"
"format and its tables as they were, and the simulator goes on; the\n"
"exit status is 1 if any command failed, 2 for bad usage or when it cannot start.\n"
"\n"
"Options:\n"
"  -f, --format=FORMAT   start with a built-in format (default x86_64; see the formats\n"
"                        command)\n"
"  -F, --description=FILE\n"
"                        start with a format read from a text description\n"
"                        (swmmu-format(5))\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"Commands:\n"
"  format NAME [va-bits=N]   new empty address space of a built-in format, optionally with\n"
"                            a smaller VA size (top levels dropped, root table shrunk)\n"
"  load FILE                 new empty address space of a format described in FILE\n"
"  formats                   list built-in formats: name, levels, VA/OA bits, page sizes\n"
"  describe                  print the current format as a text description\n"
"  map VA PA LEN PERMS [size=SIZE]\n"
"                            map LEN bytes; page sizes are chosen automatically unless\n"
"                            size= forces one\n"
"  unmap VA LEN [split]      unmap every leaf in the range; prints the bytes unmapped\n"
"  protect VA LEN PERMS [split]\n"
"                            change permissions of every leaf in the range\n"
"  query VA                  prints '0xVA -> 0xPA PERMS SIZE' or '0xVA unmapped'\n"
"  translate VA ACCESS       a device access (letters of rwxu) setting accessed/dirty;\n"
"                            prints like query plus ' accessed' / ' dirty'\n"
"  walk VA                   one line per level from the root down:\n"
"                            'L<level> idx=<index> pte=0x<raw entry> table|leaf|invalid'\n"
"                            (level 0 is the leaf level; 16-byte entries show their first\n"
"                            8 bytes)\n"
"  dump                      coalesced regions: '0xVA-0xLAST -> 0xPA PERMS SIZE'\n"
"  free                      free every table left empty\n"
"  stats                     'tables N bytes N'\n"
"  image FILE                walk the tables of a raw page-table image in place (read-only\n"
"                            use; docs/page-table-image.md); an image with a loop, a table\n"
"                            past the end of its record or too much sharing is refused\n"
"  image-save FILE           write the current tables as a raw page-table image\n"
"  draw FILE                 the address space as an SVG picture (as swmmuctl draw); - is\n"
"                            stdout\n"
"\n"
"PERMS are letters of rwxugd, printed in that order: read, write, execute, user, global,\n"
"device memory; '-' for none; 'null' for a sparse entry (reads zero, writes dropped) on formats\n"
"that have one. A leaf with write-through or uncached memory prints ',wt' or ',uc' after its\n"
"letters. SIZE prints as 4K, 2M, 1G, 64K, ...\n"
"\n"
"Errors: EINVAL bad argument, alignment or a range cutting a larger leaf (use split);\n"
"EEXIST overlap; ENOENT nothing mapped; ERANGE address outside the format; ENOMEM;\n"
"EOPNOTSUPP a permission or page size the format cannot express; EACCES access denied.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "description", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "x86_64", *desc = NULL, *cmd, *in_name = "<stdin>";
	unsigned int lineno = 0;
	FILE *in = stdin;
	char line[4096];
	int opt, failed = 0, ret;

	while ((opt = getopt_long(argc, argv, "f:F:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			fmt = optarg;
			break;
		case 'F':
			desc = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("swmmu-sim " SWMMU_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		in_name = argv[optind];
		in = fopen(argv[optind], "r");
		if (!in) {
			perror(argv[optind]);
			return 2;
		}
	}
	sim_out = stdout;
	ret = sim_start(fmt, desc);
	if (ret) {
		fprintf(stderr, "swmmu-sim: cannot start with format %s: %s%s%s\n", desc ? desc : fmt,
			sim_errname(ret), sim_why()[0] ? ": " : "", sim_why());
		return 2;
	}
	while (fgets(line, sizeof(line), in)) {
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int c;

			/* Not a command cut in two: the rest of the line goes too. */
			while ((c = fgetc(in)) != EOF && c != '\n')
				;
			printf("%s:%u: error: line longer than %zu bytes\n", in_name, lineno,
			       sizeof(line) - 2);
			failed = 1;
			continue;
		}
		ret = sim_line(line, &cmd);
		if (ret) {
			printf("%s:%u: error: %s: %s%s%s\n", in_name, lineno, cmd, sim_errname(ret),
			       sim_why()[0] ? ": " : "", sim_why());
			failed = 1;
		}
	}
	if (in != stdin)
		fclose(in);
	sim_reset();
	return failed;
}
