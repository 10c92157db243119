// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the VM tests of /dev/swmmu (see swmmu_test.h).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "swmmu_test.h"

int swmmu_read_counters(struct swmmu_counters *c)
{
	char name[64];
	long v;
	FILE *f = fopen(SWMMU_COUNTERS, "r");

	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		if (!strcmp(name, "files"))
			c->files = v;
		else if (!strcmp(name, "address_spaces"))
			c->address_spaces = v;
		else if (!strcmp(name, "buffers"))
			c->buffers = v;
		else if (!strcmp(name, "buffer_bytes"))
			c->buffer_bytes = v;
		else if (!strcmp(name, "tables"))
			c->tables = v;
		else if (!strcmp(name, "table_bytes"))
			c->table_bytes = v;
		else if (!strcmp(name, "mappings"))
			c->mappings = v;
		else if (!strcmp(name, "vmas"))
			c->vmas = v;
		else if (!strcmp(name, "queues"))
			c->queues = v;
		else if (!strcmp(name, "dma_jobs"))
			c->dma_jobs = v;
		else if (!strcmp(name, "fault_queues"))
			c->fault_queues = v;
	}
	fclose(f);
	return 0;
}

bool swmmu_counters_zero(const struct swmmu_counters *c)
{
	return !(c->files | c->address_spaces | c->buffers | c->buffer_bytes | c->tables |
		 c->table_bytes | c->mappings | c->vmas | c->queues | c->dma_jobs |
		 c->fault_queues);
}

/*
 * The counters once releases the kernel defers have run: a file an io_uring instance held is
 * released by the ring's exit work after io_uring_queue_exit() returns, not before. Anything
 * still counted after two seconds is a leak.
 */
int swmmu_read_counters_settled(struct swmmu_counters *c)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (swmmu_read_counters(c))
			return -1;
		if (swmmu_counters_zero(c))
			return 0;
		usleep(10000);
	}
	return 0;
}

struct swmmu_format_info *swmmu_get_formats(int fd, unsigned int *nr)
{
	struct swmmu_get_info info = { .size = sizeof(info) };
	struct swmmu_format_info *fi;

	if (ioctl(fd, SWMMU_GET_INFO, &info) == 0 || errno != EMSGSIZE)
		return NULL;
	fi = calloc(info.nr_formats, sizeof(*fi));
	if (!fi)
		return NULL;
	info.formats_uptr = (uintptr_t)fi;
	if (ioctl(fd, SWMMU_GET_INFO, &info)) {
		free(fi);
		return NULL;
	}
	*nr = info.nr_formats;
	return fi;
}

int swmmu_get_format(int fd, uint32_t id, struct swmmu_format_info *out)
{
	unsigned int nr = 0;
	struct swmmu_format_info *fi = swmmu_get_formats(fd, &nr);
	int ret = -1;

	if (fi && id < nr) {
		*out = fi[id];
		ret = (int)nr;
	}
	free(fi);
	return ret;
}

int swmmu_format_by_name(int fd, const char *name, struct swmmu_format_info *out)
{
	unsigned int i, nr = 0;
	struct swmmu_format_info *fi = swmmu_get_formats(fd, &nr);
	int ret = -1;

	for (i = 0; fi && i < nr; i++) {
		if (!strcmp(fi[i].name, name)) {
			*out = fi[i];
			ret = 0;
		}
	}
	free(fi);
	return ret;
}

uint64_t swmmu_granule(const struct swmmu_format_info *fi)
{
	uint64_t g = fi->pgsizes & -fi->pgsizes;

	return g < SZ_4K ? SZ_4K : g;
}

int _test_destroy(int fd, uint32_t id)
{
	struct swmmu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, SWMMU_DESTROY, &cmd);
}

int _test_as_alloc(int fd, uint32_t format_id, uint32_t va_bits, uint32_t *as_id,
		   uint64_t *mmap_offset)
{
	struct swmmu_as_alloc cmd = {
		.size = sizeof(cmd),
		.format_id = format_id,
		.va_bits = va_bits,
	};
	int ret = ioctl(fd, SWMMU_AS_ALLOC, &cmd);

	if (ret)
		return ret;
	if (as_id)
		*as_id = cmd.out_as_id;
	if (mmap_offset)
		*mmap_offset = cmd.out_mmap_offset;
	return 0;
}

int _test_buf_alloc(int fd, uint64_t length, uint32_t flags, uint32_t *buf_id)
{
	struct swmmu_buf_alloc cmd = { .size = sizeof(cmd), .flags = flags, .length = length };
	int ret = ioctl(fd, SWMMU_BUF_ALLOC, &cmd);

	if (!ret && buf_id)
		*buf_id = cmd.out_buf_id;
	return ret;
}

int _test_buf_segs(int fd, uint32_t buf_id, struct swmmu_buf_seg **segs, uint32_t *nr)
{
	struct swmmu_buf_info cmd = { .size = sizeof(cmd), .buf_id = buf_id };

	if (ioctl(fd, SWMMU_BUF_INFO, &cmd) == 0) {
		/* A buffer always has a segment: a zero capacity must not have been enough. */
		errno = EPROTO;
		return -1;
	}
	if (errno != EMSGSIZE)
		return -1;
	*segs = calloc(cmd.nr_segs, sizeof(**segs));
	if (!*segs)
		return -1;
	cmd.segs_uptr = (uintptr_t)*segs;
	if (ioctl(fd, SWMMU_BUF_INFO, &cmd)) {
		free(*segs);
		return -1;
	}
	*nr = cmd.nr_segs;
	return 0;
}

uint64_t swmmu_buf_dma(int fd, uint32_t buf_id, uint64_t offset)
{
	struct swmmu_buf_seg *segs;
	uint64_t pos = 0, dma = 0;
	uint32_t i, nr;

	if (_test_buf_segs(fd, buf_id, &segs, &nr))
		return 0;
	for (i = 0; i < nr; i++) {
		if (offset >= pos && offset < pos + segs[i].length) {
			dma = segs[i].dma_addr + (offset - pos);
			break;
		}
		pos += segs[i].length;
	}
	free(segs);
	return dma;
}

int _test_map(int fd, uint32_t as_id, uint32_t buf_id, uint64_t offset, uint64_t length,
	      uint32_t flags, uint32_t prot, uint32_t pgsize_lg2, uint64_t *iova)
{
	struct swmmu_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.as_id = as_id,
		.buf_id = buf_id,
		.buf_offset = offset,
		.length = length,
		.iova = iova ? *iova : 0,
		.prot = prot,
		.pgsize_lg2 = pgsize_lg2,
	};
	int ret = ioctl(fd, SWMMU_MAP, &cmd);

	if (!ret && iova)
		*iova = cmd.iova;
	return ret;
}

int _test_unmap(int fd, uint32_t as_id, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	struct swmmu_unmap cmd = {
		.size = sizeof(cmd),
		.as_id = as_id,
		.iova = iova,
		.length = length,
	};
	int ret = ioctl(fd, SWMMU_UNMAP, &cmd);

	if (!ret && unmapped)
		*unmapped = cmd.out_unmapped;
	return ret;
}

int _test_map_batch(int fd, uint32_t as_id, struct swmmu_map_batch_op *ops, uint32_t nr,
		    uint32_t *done)
{
	struct swmmu_map_batch cmd = {
		.size = sizeof(cmd),
		.as_id = as_id,
		.nr_ops = nr,
		.op_size = sizeof(*ops),
		.ops_uptr = (uintptr_t)ops,
		.out_nr_done = ~0u,
	};
	int ret = ioctl(fd, SWMMU_MAP_BATCH, &cmd);

	if (done)
		*done = cmd.out_nr_done;
	return ret;
}

struct swmmu_map_batch_op swmmu_bop_map(uint32_t buf_id, uint64_t offset, uint64_t length,
					uint64_t iova, uint32_t prot)
{
	struct swmmu_map_batch_op op = {
		.op = SWMMU_BATCH_MAP,
		.flags = iova == SWMMU_ANY_IOVA ? 0 : SWMMU_MAP_FIXED_IOVA,
		.buf_id = buf_id,
		.prot = prot,
		.buf_offset = offset,
		.iova = iova == SWMMU_ANY_IOVA ? 0 : iova,
		.length = length,
	};

	return op;
}

struct swmmu_map_batch_op swmmu_bop_unmap(uint64_t iova, uint64_t length)
{
	struct swmmu_map_batch_op op = {
		.op = SWMMU_BATCH_UNMAP,
		.iova = iova,
		.length = length,
	};

	return op;
}

int _test_protect(int fd, uint32_t as_id, uint64_t iova, uint64_t length, uint32_t prot)
{
	struct swmmu_protect cmd = {
		.size = sizeof(cmd),
		.as_id = as_id,
		.prot = prot,
		.iova = iova,
		.length = length,
	};

	return ioctl(fd, SWMMU_PROTECT, &cmd);
}

int _test_query(int fd, uint32_t as_id, uint64_t iova, struct swmmu_query *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->as_id = as_id;
	out->iova = iova;
	return ioctl(fd, SWMMU_QUERY, out);
}

int _test_rw(int fd, uint32_t as_id, uint64_t iova, void *data, uint64_t length, bool write)
{
	struct swmmu_rw cmd = {
		.size = sizeof(cmd),
		.flags = write ? SWMMU_RW_WRITE : 0,
		.as_id = as_id,
		.iova = iova,
		.length = length,
		.data_uptr = (uintptr_t)data,
	};

	return ioctl(fd, SWMMU_RW, &cmd);
}

int _test_stats(int fd, uint32_t as_id, struct swmmu_as_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->as_id = as_id;
	return ioctl(fd, SWMMU_STATS, out);
}

int _test_dump(int fd, uint32_t as_id, uint64_t iova, uint64_t length,
	       struct swmmu_dump_region *regions, uint32_t *nr)
{
	struct swmmu_dump cmd = {
		.size = sizeof(cmd),
		.as_id = as_id,
		.nr_regions = *nr,
		.iova = iova,
		.length = length,
		.regions_uptr = (uintptr_t)regions,
	};
	int ret = ioctl(fd, SWMMU_DUMP, &cmd);

	if (!ret || errno == EMSGSIZE)
		*nr = cmd.nr_regions;
	return ret;
}

/* Per thread: a SIGBUS/SIGSEGV raised by a fault goes to the thread that faulted. */
static __thread sigjmp_buf probe_jmp;
static __thread volatile sig_atomic_t probe_armed, probe_sig;

static void probe_handler(int sig)
{
	if (!probe_armed) {
		/* Not a probe: die of the signal as if there were no handler. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	probe_sig = sig;
	siglongjmp(probe_jmp, 1);
}

int swmmu_probe(volatile uint8_t *p, bool write, uint8_t wval, uint8_t *val)
{
	static int installed;
	int ret = 0;

	if (!__atomic_exchange_n(&installed, 1, __ATOMIC_SEQ_CST)) {
		struct sigaction sa = { .sa_handler = probe_handler };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGSEGV, &sa, NULL);
	}
	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 1) == 0) {
		probe_armed = 1;
		if (write)
			*p = wval;
		else if (val)
			*val = *p;
		else
			(void)*p;
	} else {
		ret = probe_sig;
	}
	probe_armed = 0;
	return ret;
}

void swmmu_fill(void *buf, size_t len, uint64_t seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)((i * 31 + seed * 7 + (i >> 12)) ^ (seed >> 3));
}

bool swmmu_check(const void *buf, size_t len, uint64_t seed)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)((i * 31 + seed * 7 + (i >> 12)) ^ (seed >> 3)))
			return false;
	return true;
}

pid_t swmmu_daemon_start(const char *path, const char *conf, const char *log)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(path, "swmmud", "-f", "-c", conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}
