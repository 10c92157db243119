// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-demo: the `make run` story in one program. Opens /dev/swmmu, creates a device address
 * space, allocates DMA buffers, maps them, writes through a CPU mapping (mmap) of the device
 * address space, reads the bytes back the way the device would (through its page tables), and
 * shows the device page-table dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/swmmu.h>

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL

static int fd;

static void die(const char *what)
{
	fprintf(stderr, "swmmu-demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xioctl(unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg))
		die(what);
}

static void show_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		printf("    %s", line);
	fclose(f);
}

int main(void)
{
	struct swmmu_get_info gi = { .size = sizeof(gi) };
	struct swmmu_format_info *fi;
	struct swmmu_as_alloc aa = { .size = sizeof(aa) };
	struct swmmu_buf_alloc big = { .size = sizeof(big), .flags = SWMMU_BUF_CONTIG,
				       .length = SZ_2M };
	struct swmmu_buf_alloc small = { .size = sizeof(small), .length = 4 * SZ_4K };
	struct swmmu_map m1 = { .size = sizeof(m1), .prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE };
	struct swmmu_map m2 = m1;
	struct swmmu_query q = { .size = sizeof(q) };
	struct swmmu_as_stats st = { .size = sizeof(st) };
	struct swmmu_rw rw = { .size = sizeof(rw) };
	const char msg[] = "hello from the CPU, read back by the device";
	char back[sizeof(msg)] = "", path[96];
	unsigned int i;
	char *cpu;

	fd = open("/dev/swmmu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/swmmu");

	if (ioctl(fd, SWMMU_GET_INFO, &gi) == 0 || errno != EMSGSIZE)
		die("GET_INFO");
	fi = calloc(gi.nr_formats, sizeof(*fi));
	if (!fi)
		die("calloc");
	gi.formats_uptr = (uintptr_t)fi;
	xioctl(SWMMU_GET_INFO, &gi, "GET_INFO");
	printf("  The module knows %u page-table formats:\n   ", gi.nr_formats);
	for (i = 0; i < gi.nr_formats; i++)
		printf(" %s", fi[i].name);
	printf("\n");

	for (i = 0; i < gi.nr_formats && strcmp(fi[i].name, "x86_64"); i++)
		;
	if (i == gi.nr_formats)
		die("no x86_64 format");
	aa.format_id = fi[i].format_id;
	xioctl(SWMMU_AS_ALLOC, &aa, "AS_ALLOC");
	printf("  Created a device address space (id %u): %s, %u levels, %u-bit VAs.\n",
	       aa.out_as_id, fi[i].name, aa.out_nr_levels, aa.out_va_bits);

	xioctl(SWMMU_BUF_ALLOC, &big, "BUF_ALLOC");
	xioctl(SWMMU_BUF_ALLOC, &small, "BUF_ALLOC");
	printf("  Allocated two DMA buffers: 2 MiB contiguous (id %u), 16 KiB of separate pages"
	       " (id %u).\n", big.out_buf_id, small.out_buf_id);

	m1.as_id = aa.out_as_id;
	m1.buf_id = big.out_buf_id;
	m1.length = SZ_2M;
	xioctl(SWMMU_MAP, &m1, "MAP");
	m2.as_id = aa.out_as_id;
	m2.buf_id = small.out_buf_id;
	m2.length = 4 * SZ_4K;
	m2.flags = SWMMU_MAP_FIXED_IOVA;
	m2.iova = 0x7fff00000000ULL;
	xioctl(SWMMU_MAP, &m2, "MAP");
	printf("  Mapped them at device VAs %#llx and %#llx.\n", (unsigned long long)m1.iova,
	       (unsigned long long)m2.iova);

	q.as_id = aa.out_as_id;
	q.iova = m1.iova + 0x1234;
	xioctl(SWMMU_QUERY, &q, "QUERY");
	printf("  The device tables translate %#llx -> DMA address %#llx (a %llu KiB leaf at "
	       "level %u).\n", (unsigned long long)q.iova, (unsigned long long)q.out_dma_addr,
	       (unsigned long long)q.out_page_size >> 10, q.out_level);

	cpu = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   aa.out_mmap_offset + m1.iova);
	if (cpu == MAP_FAILED)
		die("mmap");
	memcpy(cpu + 0x1234, msg, sizeof(msg));
	printf("  Wrote through a CPU mapping (mmap) of the device address space: \"%s\"\n", msg);

	rw.as_id = aa.out_as_id;
	rw.iova = m1.iova + 0x1234;
	rw.length = sizeof(back);
	rw.data_uptr = (uintptr_t)back;
	xioctl(SWMMU_RW, &rw, "RW");
	printf("  Read back through the device page tables:                   \"%s\"\n", back);
	if (strcmp(back, msg)) {
		fprintf(stderr, "swmmu-demo: the device saw different bytes\n");
		return 1;
	}

	st.as_id = aa.out_as_id;
	xioctl(SWMMU_STATS, &st, "STATS");
	printf("  Statistics: %llu tables (%llu bytes), %llu mappings, %llu CPU faults of which "
	       "%llu mapped a whole 2 MiB PMD.\n", (unsigned long long)st.out_nr_tables,
	       (unsigned long long)st.out_table_bytes, (unsigned long long)st.out_nr_mappings,
	       (unsigned long long)st.out_cpu_faults, (unsigned long long)st.out_cpu_pmd_faults);
	snprintf(path, sizeof(path), "/sys/kernel/debug/swmmu/as/%u/pagetable", st.out_debug_id);
	printf("  The device page-table dump (%s):\n", path);
	show_file(path);

	munmap(cpu, SZ_2M);
	close(fd);
	printf("  Closed the device: everything is freed. Module counters now:\n");
	show_file("/sys/kernel/debug/swmmu/counters");
	free(fi);
	return 0;
}
