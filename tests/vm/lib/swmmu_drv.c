// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for the VM tests of driver-managed contexts; see swmmu_drv.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "swmmu_drv.h"

int swmmu_dbuf_new(int fd, uint64_t len, struct swmmu_dbuf *b)
{
	struct swmmu_buf_alloc ba = { .size = sizeof(ba), .flags = SWMMU_BUF_CONTIG, .length = len };
	struct swmmu_buf_seg seg = { 0 };
	struct swmmu_buf_info bi = { .size = sizeof(bi), .nr_segs = 1 };
	void *p;
	int err;

	memset(b, 0, sizeof(*b));
	b->efd = -1;
	if (ioctl(fd, SWMMU_BUF_ALLOC, &ba))
		return -1;
	b->id = ba.out_buf_id;
	b->len = len;
	bi.buf_id = b->id;
	bi.segs_uptr = (uintptr_t)&seg;
	if (ioctl(fd, SWMMU_BUF_INFO, &bi))
		return -1;
	if (bi.nr_segs != 1 || seg.length != len) {
		errno = EPROTO;	/* a contiguous buffer is one segment */
		return -1;
	}
	b->dma = seg.dma_addr;
	if (_test_buf_export(fd, b->id, 0, &b->efd))
		return -1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->efd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		close(b->efd);
		b->efd = -1;
		errno = err;
		return -1;
	}
	b->cpu = p;
	return 0;
}

void swmmu_dbuf_release(struct swmmu_dbuf *b)
{
	if (b->cpu)
		munmap(b->cpu, b->len);
	b->cpu = NULL;
	if (b->efd >= 0)
		close(b->efd);
	b->efd = -1;
}

bool swmmu_dbuf_has(const struct swmmu_dbuf *b, uint64_t dma, uint64_t len)
{
	return dma >= b->dma && len <= b->len && dma - b->dma <= b->len - len;
}

void *swmmu_dbuf_cpu(const struct swmmu_dbuf *b, uint64_t dma)
{
	if (!b->cpu || !swmmu_dbuf_has(b, dma, 1))
		return NULL;
	return b->cpu + (dma - b->dma);
}

int _test_drv_as_alloc(int fd, uint32_t format_id, uint32_t va_bits, uint32_t *as_id,
		       struct swmmu_as_alloc *out)
{
	struct swmmu_as_alloc cmd = {
		.size = sizeof(cmd),
		.flags = SWMMU_AS_DRIVER_TABLES,
		.format_id = format_id,
		.va_bits = va_bits,
	};
	int ret = ioctl(fd, SWMMU_AS_ALLOC, &cmd);

	if (!ret && as_id)
		*as_id = cmd.out_as_id;
	if (out)
		*out = cmd;
	return ret;
}

int _test_buf_export(int fd, uint32_t buf_id, uint32_t flags, int *efd)
{
	struct swmmu_buf_export cmd = {
		.size = sizeof(cmd), .flags = flags, .buf_id = buf_id, .out_fd = -1,
	};
	int ret = ioctl(fd, SWMMU_BUF_EXPORT, &cmd);

	if (!ret && efd)
		*efd = cmd.out_fd;
	return ret;
}

struct swmmu_ctx_set swmmu_ctx(uint32_t as_id, uint32_t flags, uint32_t format_id,
			       uint64_t root, uint32_t asid, uint32_t check)
{
	return (struct swmmu_ctx_set){
		.size = sizeof(struct swmmu_ctx_set), .flags = flags, .as_id = as_id,
		.format_id = format_id, .asid = asid, .root = root, .check = check,
	};
}

int _test_ctx_set(int fd, struct swmmu_ctx_set c)
{
	return ioctl(fd, SWMMU_CTX_SET, &c);
}

int _test_ctx_info(int fd, uint32_t as_id, struct swmmu_ctx_info *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->as_id = as_id;
	return ioctl(fd, SWMMU_CTX_INFO, out);
}

int _test_invalidate(int fd, const struct swmmu_inval_cmd *cmds, uint32_t nr, uint32_t *done)
{
	struct swmmu_invalidate cmd = {
		.size = sizeof(cmd),
		.nr_cmds = nr,
		.cmds_uptr = (uintptr_t)cmds,
		.out_nr_done = ~0u,
	};
	int ret = ioctl(fd, SWMMU_INVALIDATE, &cmd);

	if (done)
		*done = cmd.out_nr_done;
	return ret;
}

int swmmu_inv1(int fd, struct swmmu_inval_cmd c)
{
	return _test_invalidate(fd, &c, 1, NULL);
}

struct swmmu_inval_cmd swmmu_inv_all(void)
{
	return (struct swmmu_inval_cmd){ .opcode = SWMMU_INV_ALL };
}

struct swmmu_inval_cmd swmmu_inv_ctx(uint32_t as_id)
{
	return (struct swmmu_inval_cmd){ .opcode = SWMMU_INV_CTX, .as_id = as_id };
}

struct swmmu_inval_cmd swmmu_inv_asid(uint32_t as_id, uint32_t asid)
{
	return (struct swmmu_inval_cmd){ .opcode = SWMMU_INV_ASID, .as_id = as_id, .asid = asid };
}

struct swmmu_inval_cmd swmmu_inv_va(uint32_t as_id, uint32_t asid, uint64_t iova, uint64_t len)
{
	return (struct swmmu_inval_cmd){ .opcode = SWMMU_INV_VA, .as_id = as_id, .asid = asid,
					 .iova = iova, .length = len };
}

struct swmmu_inval_cmd swmmu_inv_va_walk(uint32_t as_id, uint32_t asid, uint64_t iova,
					 uint64_t len)
{
	return (struct swmmu_inval_cmd){ .opcode = SWMMU_INV_VA_WALK, .as_id = as_id,
					 .asid = asid, .iova = iova, .length = len };
}

int _test_fault_queue_events(int fd, uint32_t depth, int *qfd)
{
	struct swmmu_fault_queue_alloc cmd = {
		.size = sizeof(cmd), .flags = SWMMU_FAULT_QUEUE_EVENTS, .depth = depth,
	};
	int ret = ioctl(fd, SWMMU_FAULT_QUEUE, &cmd);

	if (!ret && qfd)
		*qfd = cmd.out_fd;
	return ret;
}

int swmmu_read_events(int qfd, struct swmmu_event *ev, unsigned int max)
{
	int fl = fcntl(qfd, F_GETFL);
	unsigned int n = 0;
	ssize_t r;

	if (fl < 0 || (!(fl & O_NONBLOCK) && fcntl(qfd, F_SETFL, fl | O_NONBLOCK)))
		return -1;
	while (n < max) {
		r = read(qfd, ev + n, (max - n) * sizeof(*ev));
		if (r < 0) {
			if (errno == EAGAIN)
				break;
			return -1;
		}
		if (r == 0 || r % sizeof(*ev)) {
			errno = EPROTO;	/* whole records only */
			return -1;
		}
		n += r / sizeof(*ev);
	}
	return (int)n;
}

int swmmu_fault_errno(uint32_t reason)
{
	switch (reason) {
	case SWMMU_FAULT_NOT_PRESENT:
		return ENXIO;
	case SWMMU_FAULT_PERMISSION:
	case SWMMU_FAULT_ACCESS_FLAG:
		return EACCES;
	case SWMMU_FAULT_ADDRESS_SIZE:
	case SWMMU_FAULT_OA_SIZE:
		return ERANGE;
	case SWMMU_FAULT_BAD_OUTPUT:
	case SWMMU_FAULT_TABLE_OUTSIDE:
		return EIO;
	case SWMMU_FAULT_RESERVED:
	case SWMMU_FAULT_LEAF_LEVEL:
		return EBADMSG;
	case SWMMU_FAULT_DISABLED:
		return ENODEV;
	}
	return 0;
}

/* The bytes FILL writes: byte i of the range gets byte (i % 8) of @v, little-endian. */
bool swmmu_filled(const uint8_t *p, uint64_t len, uint64_t v)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(v >> (8 * (i % 8))))
			return false;
	return true;
}
