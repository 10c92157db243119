// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmuctl introspection over /dev/swmmu (not netlink):
 *   swmmuctl cpu-walk [VA LEN]   this process's own x86-64 page tables (SWMMU_CPU_WALK): every
 *                                leaf of every mapping, or of [VA, VA + LEN)
 *   swmmuctl vtd-check           SWMMU_VTD_CHECK with a default workload; prints the counts
 *   swmmuctl amd-check           SWMMU_AMD_CHECK, the same for an AMD IOMMU
 * All need CAP_SYS_ADMIN (physical addresses).
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

/*
 * What vtd-check and amd-check share: the default workload, the call and the counts. @cmd is
 * zeroed, with its size set; @k is its common part, @domain_id and @reg point at its own outputs:
 * the domain ID and the register the walk started from (VT-d: the root-table address, AMD: the
 * device table base address).
 */
static int ctl_iommu_check(struct ctl *c, int argc, const char *name, unsigned long nr,
			   void *cmd, struct swmmu_iommu_check *k, const __u32 *domain_id,
			   const __u64 *reg)
{
	unsigned int i;
	int fd;

	if (argc)
		return ctl_usage("%s takes no arguments", name);
	k->nr_single = 16;
	k->nr_sg_pages = 64;
	k->contig_order = 9;
	k->nr_device_dma = 2;
	fd = ctl_open_dev();
	if (fd < 0)
		return 1;
	/* No region array: EMSGSIZE just says how many leaves there were; the counts are valid. */
	if (ioctl(fd, nr, cmd) && errno != EMSGSIZE) {
		fprintf(stderr, "swmmuctl: %s: %s (see the kernel log)\n", name, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	if (c->json) {
		jsonw_obj_open(&c->j, NULL);
		jsonw_u64(&c->j, "bdf", k->out_bdf);
		jsonw_u64(&c->j, "table_register", *reg);
		jsonw_u64(&c->j, "domain_id", *domain_id);
		jsonw_u64(&c->j, "addr_width", k->out_addr_width);
		jsonw_u64(&c->j, "levels", k->out_nr_levels);
		jsonw_u64(&c->j, "page_sizes", k->out_pgsizes);
		jsonw_arr_open(&c->j, "leaves");
		for (i = 0; i < SWMMU_IOMMU_LEAF_SIZES; i++) {
			if (!k->out_leaves[i])
				continue;
			jsonw_obj_open(&c->j, NULL);
			jsonw_u64(&c->j, "page_size", 4096ULL << i);
			jsonw_u64(&c->j, "count", k->out_leaves[i]);
			jsonw_obj_close(&c->j);
		}
		jsonw_arr_close(&c->j);
		jsonw_u64(&c->j, "pages_compared", k->out_pages_compared);
		jsonw_u64(&c->j, "mismatches", k->out_mismatches);
		jsonw_u64(&c->j, "reserved_items", k->out_reserved_items);
		jsonw_u64(&c->j, "device_dma_ok", k->out_device_dma_ok);
		jsonw_u64(&c->j, "left_after_unmap", k->out_left_after_unmap);
		jsonw_obj_close(&c->j);
	} else {
		printf("edu %02x:%02x.%x domain %u: table register %#llx, %u-bit, %u levels; leaves",
		       k->out_bdf >> 8, (k->out_bdf >> 3) & 0x1f, k->out_bdf & 7, *domain_id,
		       (unsigned long long)*reg, k->out_addr_width, k->out_nr_levels);
		for (i = 0; i < SWMMU_IOMMU_LEAF_SIZES; i++)
			if (k->out_leaves[i])
				printf(" %lluK x %llu", 4ULL << i,
				       (unsigned long long)k->out_leaves[i]);
		printf("; %llu pages compared, %llu mismatches, %llu reserved items; device round "
		       "trips ok %u; left after unmap %llu\n",
		       (unsigned long long)k->out_pages_compared,
		       (unsigned long long)k->out_mismatches,
		       (unsigned long long)k->out_reserved_items, k->out_device_dma_ok,
		       (unsigned long long)k->out_left_after_unmap);
	}
	return k->out_mismatches || k->out_reserved_items || k->out_left_after_unmap ? 1 : 0;
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
	struct swmmu_vtd_check v = { .size = sizeof(v) };

	(void)argv;
	return ctl_iommu_check(c, argc, "vtd-check", SWMMU_VTD_CHECK, &v, &v.check,
			       &v.out_domain_id, &v.out_rtaddr);
}

/**
 * ctl_amd_check() - "swmmuctl amd-check"
 * @c: the context
 * @argc: arguments after the object name (none)
 * @argv: the arguments
 *
 * Return: 0, 1 on failure or disagreement, 2 on bad usage.
 */
int ctl_amd_check(struct ctl *c, int argc, char **argv)
{
	struct swmmu_amd_check a = { .size = sizeof(a) };

	(void)argv;
	return ctl_iommu_check(c, argc, "amd-check", SWMMU_AMD_CHECK, &a, &a.check,
			       &a.out_domain_id, &a.out_dev_table);
}
