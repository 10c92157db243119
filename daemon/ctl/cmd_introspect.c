// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmuctl introspection over /dev/swmmu (not netlink):
 *   swmmuctl cpu-walk [VA LEN]   this process's own x86-64 page tables (SWMMU_CPU_WALK): every
 *                                leaf of every mapping, or of [VA, VA + LEN)
 *   swmmuctl vtd-check           SWMMU_VTD_CHECK with a default workload; prints the counts
 * Both need CAP_SYS_ADMIN (physical addresses).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/swmmu.h>

#include "ctl.h"

static int ctl_open_dev(void)
{
	int fd = open("/dev/swmmu", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "swmmuctl: /dev/swmmu: %s (is swmmu.ko loaded?)\n", strerror(errno));
	return fd;
}

static void ctl_prot(uint32_t p, char *buf)
{
	int n = 0;

	buf[n++] = p & SWMMU_PROT_READ ? 'r' : '-';
	buf[n++] = p & SWMMU_PROT_WRITE ? 'w' : '-';
	buf[n++] = p & SWMMU_PROT_EXEC ? 'x' : '-';
	buf[n++] = p & SWMMU_PROT_USER ? 'u' : '-';
	buf[n++] = p & SWMMU_PROT_GLOBAL ? 'g' : '-';
	buf[n] = 0;
}

static int ctl_walk_range(struct ctl *c, int fd, uint64_t va, uint64_t len)
{
	struct swmmu_cpu_walk w = { .size = sizeof(w), .va = va, .length = len };
	struct swmmu_cpu_pte *e = NULL;
	uint32_t i;

	/* First ask for the count, then fetch (it may grow between the calls: retry). */
	for (;;) {
		if (!ioctl(fd, SWMMU_CPU_WALK, &w))
			break;
		if (errno != EMSGSIZE) {
			fprintf(stderr, "swmmuctl: CPU_WALK %#llx+%#llx: %s\n",
				(unsigned long long)va, (unsigned long long)len, strerror(errno));
			free(e);
			return 1;
		}
		free(e);
		w.nr_entries += 16;
		if (w.nr_entries > SWMMU_CPU_WALK_MAX_ENTRIES)
			w.nr_entries = SWMMU_CPU_WALK_MAX_ENTRIES;
		e = calloc(w.nr_entries, sizeof(*e));
		if (!e)
			return 1;
		w.entries_uptr = (uintptr_t)e;
	}
	for (i = 0; i < w.nr_entries && e; i++) {
		char p[8], ep[8];

		ctl_prot(e[i].prot, p);
		ctl_prot(e[i].eff_prot, ep);
		if (c->json) {
			jsonw_obj_open(&c->j, NULL);
			jsonw_u64(&c->j, "va", e[i].va);
			jsonw_u64(&c->j, "pa", e[i].pa);
			jsonw_u64(&c->j, "pte", e[i].pte);
			jsonw_u64(&c->j, "size", e[i].page_size);
			jsonw_u64(&c->j, "level", e[i].level);
			jsonw_str(&c->j, "prot", p);
			jsonw_str(&c->j, "eff_prot", ep);
			jsonw_bool(&c->j, "present", e[i].flags & SWMMU_CPU_PTE_PRESENT);
			jsonw_bool(&c->j, "accessed", e[i].flags & SWMMU_CPU_PTE_ACCESSED);
			jsonw_bool(&c->j, "dirty", e[i].flags & SWMMU_CPU_PTE_DIRTY);
			jsonw_obj_close(&c->j);
		} else if (e[i].flags & SWMMU_CPU_PTE_PRESENT) {
			printf("%#014llx -> %#014llx %6lluK L%u %s eff %s%s%s pte %#018llx\n",
			       (unsigned long long)e[i].va, (unsigned long long)e[i].pa,
			       (unsigned long long)e[i].page_size >> 10, e[i].level, p, ep,
			       e[i].flags & SWMMU_CPU_PTE_ACCESSED ? " A" : "",
			       e[i].flags & SWMMU_CPU_PTE_DIRTY ? " D" : "",
			       (unsigned long long)e[i].pte);
		} else {
			printf("%#014llx not present          L%u pte %#018llx\n",
			       (unsigned long long)e[i].va, e[i].level, (unsigned long long)e[i].pte);
		}
	}
	free(e);
	return 0;
}

/**
 * ctl_cpu_walk() - "swmmuctl cpu-walk [VA LEN]"
 * @c: the context
 * @argc: arguments after the object name
 * @argv: the arguments
 *
 * Return: 0, 1 on failure, 2 on bad usage.
 */
int ctl_cpu_walk(struct ctl *c, int argc, char **argv)
{
	uint64_t va, len;
	char line[512];
	int fd, ret = 0;
	FILE *maps;

	if (argc != 0 && argc != 2)
		return ctl_usage("cpu-walk takes no arguments or VA LEN");
	if (argc == 2 && (swnl_parse_u64(argv[0], &va) || swnl_parse_u64(argv[1], &len)))
		return ctl_usage("invalid VA or LEN");
	fd = ctl_open_dev();
	if (fd < 0)
		return 1;
	if (c->json)
		jsonw_arr_open(&c->j, NULL);
	if (argc == 2) {
		ret = ctl_walk_range(c, fd, va, len);
	} else {
		maps = fopen("/proc/self/maps", "r");
		if (!maps) {
			ret = 1;
		} else {
			while (!ret && fgets(line, sizeof(line), maps)) {
				unsigned long long s, e;

				if (sscanf(line, "%llx-%llx", &s, &e) != 2 || e <= s)
					continue;
				/* [vsyscall] lies above the user address space. */
				if (strstr(line, "[vsyscall]"))
					continue;
				if (!c->json)
					printf("# %s", line);
				ret = ctl_walk_range(c, fd, s, e - s);
			}
			fclose(maps);
		}
	}
	if (c->json)
		jsonw_arr_close(&c->j);
	close(fd);
	return ret;
}

/**
 * ctl_vtd_check() - "swmmuctl vtd-check"
 * @c: the context
 * @argc: arguments after the object name (none)
 * @argv: the arguments
 *
 * Return: 0, 1 on failure or disagreement, 2 on bad usage.
 */
int ctl_vtd_check(struct ctl *c, int argc, char **argv)
{
	struct swmmu_vtd_check v = {
		.size = sizeof(v), .nr_single = 16, .nr_sg_pages = 64, .contig_order = 9,
		.nr_device_dma = 2,
	};
	int fd;

	(void)argv;
	if (argc)
		return ctl_usage("vtd-check takes no arguments");
	fd = ctl_open_dev();
	if (fd < 0)
		return 1;
	/* No region array: EMSGSIZE just says how many leaves there were; the counts are valid. */
	if (ioctl(fd, SWMMU_VTD_CHECK, &v) && errno != EMSGSIZE) {
		fprintf(stderr, "swmmuctl: VTD_CHECK: %s (see the kernel log)\n", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "bdf", v.out_bdf);
		jsonw_u64(&c->j, "rtaddr", v.out_rtaddr);
		jsonw_u64(&c->j, "domain_id", v.out_domain_id);
		jsonw_u64(&c->j, "addr_width", v.out_addr_width);
		jsonw_u64(&c->j, "levels", v.out_nr_levels);
		jsonw_u64(&c->j, "leaves_4k", v.out_leaves[0]);
		jsonw_u64(&c->j, "leaves_2m", v.out_leaves[1]);
		jsonw_u64(&c->j, "leaves_1g", v.out_leaves[2]);
		jsonw_u64(&c->j, "pages_compared", v.out_pages_compared);
		jsonw_u64(&c->j, "mismatches", v.out_mismatches);
		jsonw_u64(&c->j, "device_dma_ok", v.out_device_dma_ok);
		jsonw_u64(&c->j, "left_after_unmap", v.out_left_after_unmap);
		jsonw_obj_close(&c->j);
	} else {
		printf("edu %02x:%02x.%x domain %u: %u-bit, %u levels; leaves 4K %llu 2M %llu 1G %llu; "
		       "%llu pages compared, %llu mismatches; device round trips ok %u; left after "
		       "unmap %llu\n", v.out_bdf >> 8, (v.out_bdf >> 3) & 0x1f, v.out_bdf & 7,
		       v.out_domain_id, v.out_addr_width, v.out_nr_levels,
		       (unsigned long long)v.out_leaves[0], (unsigned long long)v.out_leaves[1],
		       (unsigned long long)v.out_leaves[2],
		       (unsigned long long)v.out_pages_compared,
		       (unsigned long long)v.out_mismatches, v.out_device_dma_ok,
		       (unsigned long long)v.out_left_after_unmap);
	}
	return v.out_mismatches || v.out_left_after_unmap ? 1 : 0;
}
