// SPDX-License-Identifier: GPL-2.0-only
/* Raw generic netlink for the VM tests (see swmmu_nl.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "swmmu_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NLT_ALIGN(x)	(((x) + 3) & ~(size_t)3)

static struct nlmsghdr *nlt_hdr(struct nlt_msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static void nlt_start_family(struct nlt *n, struct nlt_msg *m, uint16_t family, uint8_t cmd,
			     uint16_t flags)
{
	struct nlmsghdr *h = nlt_hdr(m);
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | flags | (flags & NLM_F_DUMP ? 0 : NLM_F_ACK);
	h->nlmsg_seq = ++n->seq;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = SWMMU_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

void nlt_start(struct nlt *n, struct nlt_msg *m, uint8_t cmd, uint16_t flags)
{
	nlt_start_family(n, m, n->family, cmd, flags);
}

void nlt_set_reserved(struct nlt_msg *m, uint16_t v)
{
	((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->reserved = v;
}

void nlt_put(struct nlt_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLT_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf))
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLT_ALIGN(NLA_HDRLEN + len) - NLA_HDRLEN - len);
	m->len += NLT_ALIGN(NLA_HDRLEN + len);
}

void nlt_put_str(struct nlt_msg *m, uint16_t type, const char *s)
{
	nlt_put(m, type, s, strlen(s) + 1);
}

void nlt_put_u8(struct nlt_msg *m, uint16_t type, uint8_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

void nlt_put_u16(struct nlt_msg *m, uint16_t type, uint16_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

void nlt_put_u32(struct nlt_msg *m, uint16_t type, uint32_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

void nlt_put_u64(struct nlt_msg *m, uint16_t type, uint64_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

const struct nlattr *nlt_find(const struct nlattr *a, int len, uint16_t type)
{
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= (int)NLT_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLT_ALIGN(a->nla_len));
	}
	return NULL;
}

const struct nlattr *nlt_attr(const struct nlt *n, uint16_t type)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)n->reply;
	int off = NLMSG_HDRLEN + GENL_HDRLEN;

	if (!n->reply_len)
		return NULL;
	return nlt_find((const struct nlattr *)(n->reply + off), (int)h->nlmsg_len - off, type);
}

uint64_t nlt_get_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

uint32_t nlt_get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

uint8_t nlt_get_u8(const struct nlattr *a)
{
	return *((const uint8_t *)a + NLA_HDRLEN);
}

const char *nlt_get_str(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/* The extended ACK TLVs after an error (requests are capped: no copy of the request). */
static void nlt_extack(struct nlt *n, const struct nlmsghdr *h, size_t off)
{
	const struct nlattr *a;
	int len = (int)h->nlmsg_len - (int)off;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	a = nlt_find((const struct nlattr *)((const char *)h + off), len, NLMSGERR_ATTR_MSG);
	if (a)
		snprintf(n->extack, sizeof(n->extack), "%s", nlt_get_str(a));
	a = nlt_find((const struct nlattr *)((const char *)h + off), len, NLMSGERR_ATTR_MISS_TYPE);
	if (a)
		n->miss_type = (int)nlt_get_u32(a);
}

int nlt_request(struct nlt *n, struct nlt_msg *m,
		void (*cb)(const struct nlattr *attrs, int len, void *arg), void *arg)
{
	static __thread char buf[NLT_BUF];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t seq = nlt_hdr(m)->nlmsg_seq;
	bool done = false;

	nlt_hdr(m)->nlmsg_len = (uint32_t)m->len;
	n->err = 0;
	n->extack[0] = 0;
	n->miss_type = -1;
	n->nr_replies = 0;
	n->reply_len = 0;
	if (sendto(n->fd, m->buf, m->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return n->err = -errno;
	while (!done) {
		ssize_t r = recv(n->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		int len;

		if (r < 0)
			return n->err = -errno;
		len = (int)r;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				n->err = e->error;
				nlt_extack(n, h, NLMSG_HDRLEN + sizeof(*e));
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				int e;

				memcpy(&e, NLMSG_DATA(h), sizeof(e));
				n->err = e;
				nlt_extack(n, h, NLMSG_HDRLEN + sizeof(int));
				done = true;
				break;
			}
			if (!n->nr_replies++ && h->nlmsg_len <= sizeof(n->reply)) {
				memcpy(n->reply, h, h->nlmsg_len);
				n->reply_len = h->nlmsg_len;
			}
			if (cb)
				cb((const struct nlattr *)((char *)h + NLMSG_HDRLEN + GENL_HDRLEN),
				   (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, arg);
		}
	}
	return n->err;
}

/* nlctrl GETFAMILY: the family ID and the events group ID. */
static void nlt_family_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct nlt *n = arg;
	const struct nlattr *a = nlt_find(attrs, len, CTRL_ATTR_FAMILY_ID), *grps, *g;
	int rem;

	if (a)
		n->family = *(const uint16_t *)((const char *)a + NLA_HDRLEN);
	grps = nlt_find(attrs, len, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return;
	g = (const struct nlattr *)((const char *)grps + NLA_HDRLEN);
	rem = grps->nla_len - NLA_HDRLEN;
	while (rem >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= rem) {
		const struct nlattr *in = (const struct nlattr *)((const char *)g + NLA_HDRLEN);
		const struct nlattr *name = nlt_find(in, g->nla_len - NLA_HDRLEN,
						     CTRL_ATTR_MCAST_GRP_NAME);
		const struct nlattr *id = nlt_find(in, g->nla_len - NLA_HDRLEN,
						   CTRL_ATTR_MCAST_GRP_ID);

		if (name && id && !strcmp(nlt_get_str(name), SWMMU_GENL_MCGRP_EVENTS))
			n->events_grp = nlt_get_u32(id);
		rem -= (int)NLT_ALIGN(g->nla_len);
		g = (const struct nlattr *)((const char *)g + NLT_ALIGN(g->nla_len));
	}
}

int nlt_open(struct nlt *n)
{
	static __thread struct nlt_msg m;
	int one = 1;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(n->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nlt_start_family(n, &m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->version = 1;
	nlt_put_str(&m, CTRL_ATTR_FAMILY_NAME, SWMMU_GENL_NAME);
	if (nlt_request(n, &m, nlt_family_cb, n) || !n->family) {
		close(n->fd);
		return n->err ? n->err : -ENOENT;
	}
	return 0;
}

void nlt_close(struct nlt *n)
{
	if (n->fd > 0)
		close(n->fd);
	n->fd = -1;
}

int nlt_set_timeout(struct nlt *n, unsigned int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	return setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

int nlt_subscribe(struct nlt *n)
{
	int grp = (int)n->events_grp;

	if (!grp)
		return -ENOENT;
	if (setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

int nlt_event(struct nlt *n, int timeout_ms, char *buf, size_t len, const struct nlattr **attrs,
	      int *attrs_len)
{
	struct pollfd p = { .fd = n->fd, .events = POLLIN };
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t r;

	for (;;) {
		int ret = poll(&p, 1, timeout_ms);

		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		r = recv(n->fd, buf, len, 0);
		if (r < 0)
			return -errno;
		if (!NLMSG_OK(h, (int)r) || h->nlmsg_type != n->family)
			continue;
		*attrs = (const struct nlattr *)(buf + NLMSG_HDRLEN + GENL_HDRLEN);
		*attrs_len = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		return 0;
	}
}

int nlt_as_new(struct nlt *n, const char *name, const char *format)
{
	static __thread struct nlt_msg m;

	nlt_start(n, &m, SWMMU_NL_CMD_AS_NEW, 0);
	nlt_put_str(&m, SWMMU_A_AS, name);
	nlt_put_str(&m, SWMMU_A_FORMAT, format);
	return nlt_request(n, &m, NULL, NULL);
}

int nlt_as_del(struct nlt *n, const char *name)
{
	static __thread struct nlt_msg m;

	nlt_start(n, &m, SWMMU_NL_CMD_AS_DEL, 0);
	nlt_put_str(&m, SWMMU_A_AS, name);
	return nlt_request(n, &m, NULL, NULL);
}

int nlt_map(struct nlt *n, const char *as, uint64_t iova, uint64_t len, uint32_t prot)
{
	static __thread struct nlt_msg m;

	nlt_start(n, &m, SWMMU_NL_CMD_MAP, 0);
	nlt_put_str(&m, SWMMU_A_AS, as);
	nlt_put_u64(&m, SWMMU_A_IOVA, iova);
	nlt_put_u64(&m, SWMMU_A_LENGTH, len);
	nlt_put_u32(&m, SWMMU_A_PROT, prot);
	return nlt_request(n, &m, NULL, NULL);
}

int nlt_query(struct nlt *n, const char *as, uint64_t iova, uint64_t *dma)
{
	static __thread struct nlt_msg m;
	const struct nlattr *a;

	nlt_start(n, &m, SWMMU_NL_CMD_QUERY, 0);
	nlt_put_str(&m, SWMMU_A_AS, as);
	nlt_put_u64(&m, SWMMU_A_IOVA, iova);
	if (nlt_request(n, &m, NULL, NULL))
		return n->err;
	a = nlt_attr(n, SWMMU_A_DMA_ADDR);
	if (dma)
		*dma = a ? nlt_get_u64(a) : 0;
	return 0;
}

int nlt_as_get(struct nlt *n, const char *name)
{
	static __thread struct nlt_msg m;

	nlt_start(n, &m, SWMMU_NL_CMD_AS_GET, 0);
	nlt_put_str(&m, SWMMU_A_AS, name);
	return nlt_request(n, &m, NULL, NULL);
}
