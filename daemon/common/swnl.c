// SPDX-License-Identifier: GPL-2.0-only
/*
 * Client of the "swmmu" generic netlink family (see swnl.h). libnl-genl-3 does the socket,
 * family resolution, message building and parsing; the extended ACK (which libnl 3.7 does not
 * parse) is read from the error message's TLVs here.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "swnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int swnl_open(struct swnl *n)
{
	int one = 1, ret;

	memset(n, 0, sizeof(*n));
	n->events_grp = -1;
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -ENOMEM;
	ret = genl_connect(n->sk);
	if (ret) {
		ret = -ECONNREFUSED;
		goto err;
	}
	/* Extended ACK messages, and ACKs without a copy of the request. */
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_disable_auto_ack(n->sk);
	n->family = genl_ctrl_resolve(n->sk, SWMMU_GENL_NAME);
	if (n->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	return 0;
err:
	nl_socket_free(n->sk);
	n->sk = NULL;
	return ret;
}

void swnl_close(struct swnl *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
}

int swnl_fd(const struct swnl *n)
{
	return nl_socket_get_fd(n->sk);
}

struct nl_msg *swnl_msg(struct swnl *n, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, n->family, 0, flags, cmd,
			 SWMMU_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct swnl_req {
	struct swnl *n;
	swnl_reply_fn fn;
	void *arg;
	bool done;
	int ret;
};

static int swnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct swnl_req *r = arg;
	struct nlattr *tb[SWMMU_A_MAX + 1];
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, SWMMU_A_MAX, NULL);
	if (ret < 0) {
		r->ret = -EPROTO;
		snprintf(r->n->errmsg, sizeof(r->n->errmsg), "malformed reply from the kernel");
		return NL_STOP;
	}
	if (r->fn) {
		ret = r->fn(tb, r->arg);
		if (ret < 0 && !r->ret)
			r->ret = ret;
	}
	return NL_OK;
}

static int swnl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct swnl_req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* The extended ACK TLVs after struct nlmsgerr (requests were capped: no copy of the request). */
static void swnl_parse_extack(struct swnl *n, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	char *start;
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	start = (char *)e + off;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)start, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(n->errmsg, sizeof(n->errmsg), "%s", (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		n->miss_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static int swnl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct swnl_req *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int err = 0, len;

	/* A dump ends with NLMSG_DONE: the dump's errno, then the extended ACK TLVs. */
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0 && !r->ret)
		r->ret = err;
	len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(int));
	if (err < 0 && (nlh->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0 &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)nlmsg_data(nlh) + NLA_ALIGN(sizeof(int))), len,
		       NULL) && tb[NLMSGERR_ATTR_MSG])
		snprintf(r->n->errmsg, sizeof(r->n->errmsg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	r->done = true;
	return NL_STOP;
}

static int swnl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct swnl_req *r = arg;

	(void)nla;
	r->ret = e->error ? e->error : -EPROTO;
	swnl_parse_extack(r->n, e);
	r->done = true;
	return NL_STOP;
}

static int swnl_recv(struct swnl *n, struct swnl_req *r, bool check_seq)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret = 0;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, swnl_valid_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, swnl_finish_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, swnl_ack_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, swnl_err_cb, r);
	if (!check_seq)
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, NULL, NULL);
	while (!r->done) {
		ret = nl_recvmsgs(n->sk, cb);
		/* A callback that stopped the receive has recorded the outcome in r. */
		if (ret < 0 && r->done) {
			ret = 0;
			break;
		}
		if (ret < 0) {
			ret = ret == -NLE_NOMEM ? -ENOBUFS : -EIO;
			break;
		}
		if (!check_seq)
			break;
		ret = 0;
	}
	nl_cb_put(cb);
	return ret;
}

int swnl_request(struct swnl *n, struct nl_msg *msg, swnl_reply_fn fn, void *arg)
{
	struct swnl_req r = { .n = n, .fn = fn, .arg = arg };
	int ret;

	n->err = 0;
	n->errmsg[0] = 0;
	n->miss_type = -1;
	if (!msg)
		return n->err = -ENOMEM;
	ret = nl_send_auto(n->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return n->err = -EIO;
	ret = swnl_recv(n, &r, true);
	if (!ret)
		ret = r.ret;
	n->err = ret;
	return ret;
}

const char *swnl_strerror(const struct swnl *n)
{
	static char buf[320];

	if (n->errmsg[0])
		snprintf(buf, sizeof(buf), "%s (%s)", n->errmsg, strerror(-n->err));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(-n->err));
	return buf;
}

int swnl_subscribe(struct swnl *n)
{
	n->events_grp = genl_ctrl_resolve_grp(n->sk, SWMMU_GENL_NAME, SWMMU_GENL_MCGRP_EVENTS);
	if (n->events_grp < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(n->sk);
	if (nl_socket_add_membership(n->sk, n->events_grp))
		return -EIO;
	nl_socket_set_nonblocking(n->sk);
	return 0;
}

int swnl_read_events(struct swnl *n, swnl_reply_fn fn, void *arg)
{
	struct swnl_req r = { .n = n, .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, swnl_valid_cb, &r);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, NULL, NULL);
	ret = nl_recvmsgs(n->sk, cb);
	nl_cb_put(cb);
	if (ret == -NLE_AGAIN)
		return -EAGAIN;
	if (ret == -NLE_NOMEM)
		return -ENOBUFS;
	if (ret < 0)
		return -EIO;
	return r.ret;
}

int swnl_parse_nested(struct nlattr **tb, int max, struct nlattr *nest)
{
	return nla_parse_nested(tb, max, nest, NULL) ? -EPROTO : 0;
}

const char *swnl_event_name(unsigned int type)
{
	static const char *const names[] = {
		[SWMMU_EVENT_AS_NEW] = "as-new",
		[SWMMU_EVENT_AS_DEL] = "as-del",
		[SWMMU_EVENT_AS_SET] = "as-set",
		[SWMMU_EVENT_ATTACH] = "attach",
		[SWMMU_EVENT_DETACH] = "detach",
		[SWMMU_EVENT_MAP] = "map",
		[SWMMU_EVENT_UNMAP] = "unmap",
		[SWMMU_EVENT_PROTECT] = "protect",
		[SWMMU_EVENT_FORMAT_NEW] = "format-new",
		[SWMMU_EVENT_FORMAT_DEL] = "format-del",
		[SWMMU_EVENT_FAULT] = "fault",
		[SWMMU_EVENT_CHECK] = "check",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

static const char *const swnl_fault_modes[] = {
	[SWMMU_FAULT_MODE_FAIL] = "fail",
	[SWMMU_FAULT_MODE_LOG] = "log",
	[SWMMU_FAULT_MODE_SERVE] = "serve",
};

const char *swnl_fault_mode_name(unsigned int mode)
{
	return mode <= SWMMU_FAULT_MODE_MAX ? swnl_fault_modes[mode] : "unknown";
}

int swnl_fault_mode_parse(const char *s)
{
	int i;

	for (i = 0; i <= SWMMU_FAULT_MODE_MAX; i++)
		if (!strcmp(s, swnl_fault_modes[i]))
			return i;
	return -EINVAL;
}

void swnl_prot_str(uint32_t prot, char *buf, size_t len)
{
	snprintf(buf, len, "%c%c%c%c%c", prot & SWMMU_PROT_READ ? 'r' : '-',
		 prot & SWMMU_PROT_WRITE ? 'w' : '-', prot & SWMMU_PROT_EXEC ? 'x' : '-',
		 prot & SWMMU_PROT_USER ? 'u' : '-', prot & SWMMU_PROT_GLOBAL ? 'g' : '-');
}

int swnl_prot_parse(const char *s, uint32_t *prot)
{
	uint32_t p = 0;

	if (!strcmp(s, "none")) {
		*prot = 0;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'r':
			p |= SWMMU_PROT_READ;
			break;
		case 'w':
			p |= SWMMU_PROT_WRITE;
			break;
		case 'x':
			p |= SWMMU_PROT_EXEC;
			break;
		case 'u':
			p |= SWMMU_PROT_USER;
			break;
		case 'g':
			p |= SWMMU_PROT_GLOBAL;
			break;
		case '-':
			break;
		default:
			return -EINVAL;
		}
	}
	*prot = p;
	return 0;
}

int swnl_parse_u64(const char *s, uint64_t *v)
{
	unsigned int shift = 0;
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 0:
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] && !(toupper((unsigned char)end[1]) == 'B' && !end[2]) &&
	    !(toupper((unsigned char)end[1]) == 'I' && toupper((unsigned char)end[2]) == 'B' &&
	      !end[3]))
		return -EINVAL;
	if (shift && x > (UINT64_MAX >> shift))
		return -ERANGE;
	*v = (uint64_t)x << shift;
	return 0;
}

void swnl_size_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;

	if (!v || (v & 1023)) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	v >>= 10;
	while (!(v & 1023) && v && u < sizeof(units) - 2) {
		v >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

const char *swnl_fault_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[SWMMU_FAULT_NOT_PRESENT] = "not-present",
		[SWMMU_FAULT_PERMISSION] = "permission",
		[SWMMU_FAULT_ADDRESS_SIZE] = "address-size",
		[SWMMU_FAULT_BAD_OUTPUT] = "bad-output",
		[SWMMU_FAULT_TABLE_OUTSIDE] = "table-outside",
		[SWMMU_FAULT_RESERVED] = "reserved",
		[SWMMU_FAULT_LEAF_LEVEL] = "leaf-level",
		[SWMMU_FAULT_OA_SIZE] = "oa-size",
		[SWMMU_FAULT_ACCESS_FLAG] = "access-flag",
		[SWMMU_FAULT_DISABLED] = "disabled",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}

const char *swnl_check_class_name(unsigned int cls)
{
	static const char *const names[] = {
		[SWMMU_CHECK_STALE] = "stale",
		[SWMMU_CHECK_BBM] = "bbm",
		[SWMMU_CHECK_TABLE_REUSE] = "table-reuse",
	};

	if (cls < sizeof(names) / sizeof(names[0]) && names[cls])
		return names[cls];
	return "unknown";
}

const char *swnl_check_mode_name(unsigned int mode)
{
	static const char *const names[] = {
		[SWMMU_CHECK_OFF] = "off",
		[SWMMU_CHECK_REPORT] = "report",
		[SWMMU_CHECK_STRICT] = "strict",
	};

	if (mode < sizeof(names) / sizeof(names[0]))
		return names[mode];
	return "unknown";
}
