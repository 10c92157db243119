/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw generic netlink for the VM tests of the "swmmu" family: no libnl, so a test can build any
 * message, including malformed ones, and read the errno and the extended ACK of the answer.
 *
 * Threads may use it at the same time, each with its own struct nlt: the buffers a request is
 * built and read in are per thread (a thread reading into another's buffer would skip its own
 * ACK and wait for it forever).
 */
#ifndef SWMMU_NL_H
#define SWMMU_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/swmmu_netlink.h>

#define NLT_BUF	65536

struct nlt {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	uint32_t seq;
	/* The answer to the last request. */
	int err;		/* 0 or -errno */
	char extack[256];	/* NLMSGERR_ATTR_MSG */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	int nr_replies;		/* reply messages (a dump: one per object) */
	char reply[NLT_BUF];	/* the first reply message */
	size_t reply_len;
};

struct nlt_msg {
	char buf[NLT_BUF];
	size_t len;
};

/* Open, resolve the family and its events group. 0 or -errno. */
int nlt_open(struct nlt *n);
void nlt_close(struct nlt *n);
/* Wait at most @seconds for each answer (a lost one then fails with -EAGAIN). 0 or -errno. */
int nlt_set_timeout(struct nlt *n, unsigned int seconds);
/* Start a message: flags NLM_F_DUMP for a dump (NLM_F_REQUEST and, for a do, NLM_F_ACK added). */
void nlt_start(struct nlt *n, struct nlt_msg *m, uint8_t cmd, uint16_t flags);
/* Any attribute, any length: for malformed messages too. */
void nlt_put(struct nlt_msg *m, uint16_t type, const void *data, size_t len);
void nlt_put_str(struct nlt_msg *m, uint16_t type, const char *s);
void nlt_put_u8(struct nlt_msg *m, uint16_t type, uint8_t v);
void nlt_put_u16(struct nlt_msg *m, uint16_t type, uint16_t v);
void nlt_put_u32(struct nlt_msg *m, uint16_t type, uint32_t v);
void nlt_put_u64(struct nlt_msg *m, uint16_t type, uint64_t v);
/* Set genlmsghdr.reserved (must be zero for the kernel). */
void nlt_set_reserved(struct nlt_msg *m, uint16_t v);
/*
 * Send and read the answer: the reply messages (the first is kept) up to the ACK or the end of
 * the dump. Returns n->err. *cb, if not NULL, is called for every reply message's attributes.
 */
int nlt_request(struct nlt *n, struct nlt_msg *m,
		void (*cb)(const struct nlattr *attrs, int len, void *arg), void *arg);

/* Attributes of a reply (the first reply message when reply is NULL). */
const struct nlattr *nlt_attr(const struct nlt *n, uint16_t type);
const struct nlattr *nlt_find(const struct nlattr *attrs, int len, uint16_t type);
uint64_t nlt_get_u64(const struct nlattr *a);
uint32_t nlt_get_u32(const struct nlattr *a);
uint8_t nlt_get_u8(const struct nlattr *a);
const char *nlt_get_str(const struct nlattr *a);

/* Join the events group; then nlt_event() reads one event (timeout in ms; 0 or -errno). */
int nlt_subscribe(struct nlt *n);
int nlt_event(struct nlt *n, int timeout_ms, char *buf, size_t len, const struct nlattr **attrs,
	      int *attrs_len);

/* Shortcuts. */
int nlt_as_new(struct nlt *n, const char *name, const char *format);
int nlt_as_del(struct nlt *n, const char *name);
int nlt_map(struct nlt *n, const char *as, uint64_t iova, uint64_t len, uint32_t prot);
int nlt_query(struct nlt *n, const char *as, uint64_t iova, uint64_t *dma);
/* AS_GET of one address space; 0 and the reply kept in n, or -errno. */
int nlt_as_get(struct nlt *n, const char *name);

#endif /* SWMMU_NL_H */
