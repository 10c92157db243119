/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small client of the "swmmu" generic netlink family on top of libnl-genl-3, shared by swmmuctl
 * and swmmud: requests with extended-ACK error text, dumps, and the "events" group.
 */
#ifndef SWNL_H
#define SWNL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/swmmu.h>
#include <linux/swmmu_netlink.h>

struct swnl {
	struct nl_sock *sk;
	int family;
	int events_grp;
	/* The last request's error: errno, the kernel's extended ACK message, missing attribute. */
	int err;
	char errmsg[256];
	int miss_type;
};

/* Called for each reply message with its attributes (tb[SWMMU_A_MAX + 1]). */
typedef int (*swnl_reply_fn)(struct nlattr **tb, void *arg);

/* Connect and resolve the family. Returns 0 or -errno (-ENOENT: the module is not loaded). */
int swnl_open(struct swnl *n);
void swnl_close(struct swnl *n);
/* A new request (do, or dump with NLM_F_DUMP in flags) to fill with nla_put_*(). */
struct nl_msg *swnl_msg(struct swnl *n, uint8_t cmd, int flags);
/* Send, then receive replies until the ACK or the end of the dump; frees msg. 0 or -errno. */
int swnl_request(struct swnl *n, struct nl_msg *msg, swnl_reply_fn fn, void *arg);
/* "message: errno text" of the last failed request. */
const char *swnl_strerror(const struct swnl *n);

/* Events: join the group on this socket (use a socket of its own). 0 or -errno. */
int swnl_subscribe(struct swnl *n);
/*
 * Read one batch from an events socket; fn gets each event. 0 (call again), -EAGAIN (nothing
 * more), fn's first error, -ENOBUFS (events were lost) or another -errno.
 */
int swnl_read_events(struct swnl *n, swnl_reply_fn fn, void *arg);
int swnl_fd(const struct swnl *n);

/* Nested attributes: parse into tb[max + 1]. */
int swnl_parse_nested(struct nlattr **tb, int max, struct nlattr *nest);

/* Names of enum values, for printing. */
const char *swnl_event_name(unsigned int type);
const char *swnl_fault_mode_name(unsigned int mode);
/*
 * "not-present", "permission", "address-size", "bad-output", and for driver-managed contexts
 * "table-outside", "reserved", "leaf-level", "oa-size", "access-flag", "disabled"
 * (struct swmmu_fault.reason).
 */
const char *swnl_fault_reason_name(unsigned int reason);
/* "stale", "bbm", "table-reuse" (SWMMU_CHECK_* classes of the TLB checker). */
const char *swnl_check_class_name(unsigned int cls);
/* "off", "report", "strict" (SWMMU_CHECK_* modes of a driver-managed context). */
const char *swnl_check_mode_name(unsigned int mode);
int swnl_fault_mode_parse(const char *s);
/* "rwx-ug" style; parse accepts letters r w x u g and "none". */
void swnl_prot_str(uint32_t prot, char *buf, size_t len);
int swnl_prot_parse(const char *s, uint32_t *prot);
/* Sizes with K/M/G/T suffixes, hex or decimal. -EINVAL: not a number; -ERANGE: over 64 bits. */
int swnl_parse_u64(const char *s, uint64_t *v);
void swnl_size_str(uint64_t v, char *buf, size_t len);

#endif /* SWNL_H */
