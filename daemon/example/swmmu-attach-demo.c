// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmu-attach-demo: what an application of a daemon-managed address space does.
 *
 *   swmmu-attach-demo [NAME]        (default "demo", as in daemon/swmmud.conf)
 *
 * It opens /dev/swmmu, attaches to the named address space swmmud created, allocates a buffer
 * of its own and maps it, writes a message into it through mmap(), and has the emulated DMA
 * engine copy the message to a device VA nothing is mapped at: the copy faults, swmmud (fault
 * mode "serve") maps a zeroed page there, and the copy completes. Then it reads the copy back
 * through the device path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/swmmu.h>

#define BUF_VA		0x10000000ULL	/* where we map our buffer */
#define TARGET_VA	0x20000000ULL	/* nothing mapped here: the copy faults */
#define PAGE		4096ULL

static int fail(const char *what)
{
	fprintf(stderr, "swmmu-attach-demo: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "demo";
	static const char msg[] = "hello from an attached application";
	struct swmmu_attach at = { .size = sizeof(at) };
	struct swmmu_buf_alloc ba = { .size = sizeof(ba), .length = PAGE };
	struct swmmu_map map = { .size = sizeof(map) };
	struct swmmu_queue_alloc qa = { .size = sizeof(qa) };
	struct swmmu_dma_cmd cmd = { .opcode = SWMMU_DMA_COPY };
	struct swmmu_submit sub = { .size = sizeof(sub), .nr_cmds = 1 };
	struct swmmu_rw rw = { .size = sizeof(rw) };
	char back[sizeof(msg)] = "";
	char *cpu;
	int fd;

	fd = open("/dev/swmmu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("open /dev/swmmu");
	snprintf(at.name, sizeof(at.name), "%s", name);
	if (ioctl(fd, SWMMU_ATTACH, &at))
		return fail("attach (is swmmud running with the address space configured?)");
	printf("    attached to address space \"%s\" (%u VA bits, %u levels) as object %u\n",
	       name, at.out_va_bits, at.out_nr_levels, at.out_as_id);

	if (ioctl(fd, SWMMU_BUF_ALLOC, &ba))
		return fail("allocate a buffer");
	map.flags = SWMMU_MAP_FIXED_IOVA;
	map.as_id = at.out_as_id;
	map.buf_id = ba.out_buf_id;
	map.length = PAGE;
	map.iova = BUF_VA;
	map.prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE;
	if (ioctl(fd, SWMMU_MAP, &map))
		return fail("map our buffer");
	printf("    mapped our own 4 KiB DMA buffer at device VA %#llx\n", BUF_VA);

	cpu = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)(at.out_mmap_offset + BUF_VA));
	if (cpu == MAP_FAILED)
		return fail("mmap");
	memcpy(cpu, msg, sizeof(msg));
	printf("    wrote \"%s\" into it through mmap()\n", msg);

	qa.as_id = at.out_as_id;
	if (ioctl(fd, SWMMU_QUEUE_ALLOC, &qa))
		return fail("allocate a DMA queue");
	cmd.src = BUF_VA;
	cmd.dst = TARGET_VA;
	cmd.length = sizeof(msg);
	sub.queue_id = qa.out_queue_id;
	sub.cmds_uptr = (uintptr_t)&cmd;
	printf("    DMA engine: copy %zu bytes %#llx -> %#llx (nothing is mapped there yet)\n",
	       sizeof(msg), BUF_VA, TARGET_VA);
	if (ioctl(fd, SWMMU_SUBMIT, &sub))
		return fail("submit");
	if (cmd.out_status) {
		errno = -cmd.out_status;
		return fail("the copy failed (fault not served)");
	}
	printf("    the copy faulted (fault #%llu), swmmud mapped a page, the copy completed\n",
	       (unsigned long long)cmd.out_fault_seq);

	rw.as_id = at.out_as_id;
	rw.iova = TARGET_VA;
	rw.length = sizeof(back);
	rw.data_uptr = (uintptr_t)back;
	if (ioctl(fd, SWMMU_RW, &rw))
		return fail("read back");
	printf("    read back through the device path at %#llx: \"%s\"\n", TARGET_VA, back);
	munmap(cpu, PAGE);
	close(fd);
	return strcmp(back, msg) ? 1 : 0;
}
