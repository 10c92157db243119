// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "swmmu" (uapi/linux/swmmu_netlink.h, docs/netlink/swmmu.yaml):
 * runtime formats and named address spaces for a control plane, and the "events" group.
 *
 * Every command has its own policy and is validated strictly (a new family in 6.1: reserved
 * header byte, unknown and unexpected attributes, lengths, ranges). Handlers add an extended ACK
 * message to every rejection of their own. Commands run under genl_mutex (no parallel_ops) and
 * take swmmu_named_lock for the registry. A doit handler checks and parses its attributes; then
 * swmmu_nl_run() does what all of them share (the reply, the lock, the address space, the
 * event) around the command's operation.
 */
#include <linux/capability.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "swmmu_named.h"
#include "swmmu_dctx.h"

static struct genl_family swmmu_genl_family;
static atomic64_t swmmu_event_seq = ATOMIC64_INIT(0);
static bool swmmu_genl_registered;

/* The largest MAP the control plane may ask for in one message (the memory limit applies too). */
#define SWMMU_NL_MAP_MAX	(1ULL << 30)

static struct netlink_range_validation swmmu_map_len_range = {
	.min = PAGE_SIZE,
	.max = SWMMU_NL_MAP_MAX,
};

static struct netlink_range_validation swmmu_len_range = {
	.min = 1,
	.max = U64_MAX,
};

static struct netlink_range_validation swmmu_id_range = {
	.min = 0,
	.max = U32_MAX - 1,	/* (u32)-1 is no valid uid or gid */
};

#define SWMMU_POL_NAME		{ .type = NLA_NUL_STRING, .len = SWMMU_NL_NAME_LEN - 1 }
#define SWMMU_POL_PROT		NLA_POLICY_MASK(NLA_U32, SWMMU_UPROT_VALID)

static const struct nla_policy swmmu_pol_none[SWMMU_A_MAX + 1] = {
};

static const struct nla_policy swmmu_pol_name[SWMMU_A_MAX + 1] = {
	[SWMMU_A_NAME] = SWMMU_POL_NAME,
};

static const struct nla_policy swmmu_pol_format_new[SWMMU_A_MAX + 1] = {
	[SWMMU_A_NAME] = SWMMU_POL_NAME,
	[SWMMU_A_FORMAT_TEXT] = { .type = NLA_NUL_STRING, .len = SWMMU_NL_FORMAT_TEXT_LEN - 1 },
};

static const struct nla_policy swmmu_pol_ctx[SWMMU_A_MAX + 1] = {
	[SWMMU_A_CTX] = { .type = NLA_U32 },
};

static const struct nla_policy swmmu_pol_as[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
};

static const struct nla_policy swmmu_pol_as_new[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_FORMAT] = SWMMU_POL_NAME,
	[SWMMU_A_VA_BITS] = NLA_POLICY_RANGE(NLA_U8, 1, 64),
	[SWMMU_A_OWNER_UID] = NLA_POLICY_FULL_RANGE(NLA_U32, &swmmu_id_range),
	[SWMMU_A_OWNER_GID] = NLA_POLICY_FULL_RANGE(NLA_U32, &swmmu_id_range),
	[SWMMU_A_MODE] = NLA_POLICY_MAX(NLA_U16, 0777),
	[SWMMU_A_FAULT_MODE] = NLA_POLICY_MAX(NLA_U8, SWMMU_FAULT_MODE_MAX),
	[SWMMU_A_FAULT_QUOTA] = { .type = NLA_U64 },
};

static const struct nla_policy swmmu_pol_as_set[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_OWNER_UID] = NLA_POLICY_FULL_RANGE(NLA_U32, &swmmu_id_range),
	[SWMMU_A_OWNER_GID] = NLA_POLICY_FULL_RANGE(NLA_U32, &swmmu_id_range),
	[SWMMU_A_MODE] = NLA_POLICY_MAX(NLA_U16, 0777),
	[SWMMU_A_FAULT_MODE] = NLA_POLICY_MAX(NLA_U8, SWMMU_FAULT_MODE_MAX),
	[SWMMU_A_FAULT_QUOTA] = { .type = NLA_U64 },
};

static const struct nla_policy swmmu_pol_map[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_IOVA] = { .type = NLA_U64 },
	[SWMMU_A_LENGTH] = NLA_POLICY_FULL_RANGE(NLA_U64, &swmmu_map_len_range),
	[SWMMU_A_PROT] = SWMMU_POL_PROT,
	[SWMMU_A_PGSIZE_LG2] = NLA_POLICY_RANGE(NLA_U8, PAGE_SHIFT, 63),
};

static const struct nla_policy swmmu_pol_range[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_IOVA] = { .type = NLA_U64 },
	[SWMMU_A_LENGTH] = NLA_POLICY_FULL_RANGE(NLA_U64, &swmmu_len_range),
	[SWMMU_A_PROT] = SWMMU_POL_PROT,
};

static const struct nla_policy swmmu_pol_resolve[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_FAULT_ID] = { .type = NLA_U64 },
	[SWMMU_A_FAULT_RESP] = NLA_POLICY_RANGE(NLA_U8, SWMMU_NL_FAULT_RETRY, SWMMU_NL_FAULT_FAIL),
};

static const struct nla_policy swmmu_pol_query[SWMMU_A_MAX + 1] = {
	[SWMMU_A_AS] = SWMMU_POL_NAME,
	[SWMMU_A_IOVA] = { .type = NLA_U64 },
};

/* A mandatory attribute is missing: EINVAL, with its type and what it is in the extended ACK. */
static int swmmu_nl_missing(struct netlink_ext_ack *extack, int attr)
{
	NL_SET_ERR_ATTR_MISS(extack, NULL, attr);
	switch (attr) {
	case SWMMU_A_NAME:
		NL_SET_ERR_MSG(extack, "missing format name (SWMMU_A_NAME)");
		break;
	case SWMMU_A_AS:
		NL_SET_ERR_MSG(extack, "missing address space name (SWMMU_A_AS)");
		break;
	case SWMMU_A_FORMAT:
		NL_SET_ERR_MSG(extack, "missing format name (SWMMU_A_FORMAT)");
		break;
	case SWMMU_A_FORMAT_TEXT:
		NL_SET_ERR_MSG(extack, "missing format description (SWMMU_A_FORMAT_TEXT)");
		break;
	case SWMMU_A_IOVA:
		NL_SET_ERR_MSG(extack, "missing IOVA (SWMMU_A_IOVA)");
		break;
	case SWMMU_A_LENGTH:
		NL_SET_ERR_MSG(extack, "missing length (SWMMU_A_LENGTH)");
		break;
	case SWMMU_A_PROT:
		NL_SET_ERR_MSG(extack, "missing permissions (SWMMU_A_PROT)");
		break;
	case SWMMU_A_FAULT_ID:
		NL_SET_ERR_MSG(extack, "missing fault ID (SWMMU_A_FAULT_ID)");
		break;
	case SWMMU_A_FAULT_RESP:
		NL_SET_ERR_MSG(extack, "missing response (SWMMU_A_FAULT_RESP)");
		break;
	case SWMMU_A_CTX:
		NL_SET_ERR_MSG(extack, "missing context ID (SWMMU_A_CTX)");
		break;
	}
	return -EINVAL;
}

/* Does the request lack the mandatory attribute @attr? Then the extended ACK says so. */
static bool swmmu_nl_lacks(struct genl_info *info, int attr)
{
	if (info->attrs[attr])
		return false;
	swmmu_nl_missing(info->extack, attr);
	return true;
}

/* An extended ACK message for the errors the address space operations return. */
static void swmmu_nl_errmsg(struct netlink_ext_ack *extack, int err)
{
	switch (err) {
	case -EEXIST:
		NL_SET_ERR_MSG(extack, "range overlaps an existing mapping");
		break;
	case -ERANGE:
		NL_SET_ERR_MSG(extack, "VA range or address outside the address space's format");
		break;
	case -EOVERFLOW:
		NL_SET_ERR_MSG(extack, "VA range wraps past the top of the address space");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG(extack,
			       "IOVA or length not page aligned, or range cuts a mapping");
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG(extack, "page size or permissions not supported by the format");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG(extack, "no free VA range, or a memory limit reached");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG(extack, "nothing mapped in the range");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG(extack, "address space is busy");
		break;
	default:
		NL_SET_ERR_MSG(extack, "operation failed");
		break;
	}
}

/*
 * The named address space of the SWMMU_A_AS attribute @as, for a request or a dump;
 * swmmu_named_lock held.
 */
static struct swmmu_named *swmmu_nl_find_as(struct nlattr *as, struct netlink_ext_ack *extack)
{
	struct swmmu_named *n;

	if (!as)
		return ERR_PTR(swmmu_nl_missing(extack, SWMMU_A_AS));
	n = swmmu_named_find(nla_data(as));
	if (!n) {
		NL_SET_BAD_ATTR(extack, as);
		NL_SET_ERR_MSG(extack, "no address space of that name");
		return ERR_PTR(-ENOENT);
	}
	return n;
}

/* A format by name, built-in or runtime (then *@rt is set); swmmu_named_lock held. */
static const struct swmmu_format *swmmu_nl_find_format(const char *name,
						       struct swmmu_rtfmt **rt)
{
	const struct swmmu_format *f = swmmu_format_find(name);
	struct swmmu_rtfmt *r;
	unsigned long id;

	*rt = NULL;
	if (f)
		return f;
	xa_for_each(&swmmu_rtfmts, id, r) {
		if (!strcmp(r->fmt.name, name)) {
			*rt = r;
			return &r->fmt;
		}
	}
	return NULL;
}

/* ---- events ----------------------------------------------------------------------------------- */

/*
 * Start an event message: the next sequence number (taken whether anyone listens or not), the
 * header, the sequence number and the type. NULL when nobody listens or on a failure.
 */
static struct sk_buff *swmmu_genl_event_start(u8 type, void **hdr)
{
	u64 seq = atomic64_inc_return(&swmmu_event_seq);
	struct sk_buff *msg;

	if (!READ_ONCE(swmmu_genl_registered) ||
	    !genl_has_listeners(&swmmu_genl_family, &init_net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &swmmu_genl_family, 0, SWMMU_NL_CMD_EVENT);
	if (!*hdr || nla_put_u64_64bit(msg, SWMMU_A_EVENT_SEQ, seq, SWMMU_A_PAD) ||
	    nla_put_u8(msg, SWMMU_A_EVENT_TYPE, type)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * swmmu_genl_event() - announce a change on the "events" group
 * @ev: the event; NULL strings and zero numbers are left out
 *
 * Every event takes the next sequence number, listened to or not.
 *
 * Context: process context, may sleep.
 */
static void swmmu_genl_event(const struct swmmu_nl_event_args *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = swmmu_genl_event_start(ev->type, &hdr);
	if (!msg)
		return;
	if ((ev->as && nla_put_string(msg, SWMMU_A_AS, ev->as)) ||
	    (ev->name && nla_put_string(msg, SWMMU_A_NAME, ev->name)) ||
	    (ev->length && (nla_put_u64_64bit(msg, SWMMU_A_IOVA, ev->iova, SWMMU_A_PAD) ||
			    nla_put_u64_64bit(msg, SWMMU_A_LENGTH, ev->length, SWMMU_A_PAD))) ||
	    (ev->prot && nla_put_u32(msg, SWMMU_A_PROT, ev->prot)) ||
	    (ev->pid && nla_put_u32(msg, SWMMU_A_ATTACHED_PID, ev->pid)))
		goto err;
	if (ev->fault &&
	    (nla_put_u64_64bit(msg, SWMMU_A_IOVA, ev->iova, SWMMU_A_PAD) ||
	     nla_put_u32(msg, SWMMU_A_FAULT_ACCESS, ev->access) ||
	     nla_put_u32(msg, SWMMU_A_FAULT_REASON, ev->reason) ||
	     nla_put_u8(msg, SWMMU_A_LEAF_LEVEL, ev->level) ||
	     nla_put_u64_64bit(msg, SWMMU_A_FAULT_ID, ev->fault_id, SWMMU_A_PAD) ||
	     (ev->stalled && nla_put_flag(msg, SWMMU_A_FAULT_STALLED))))
		goto err;
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&swmmu_genl_family, msg, 0, 0, GFP_KERNEL);
	return;
err:
	nlmsg_free(msg);
}

/**
 * swmmu_genl_listening() - does anybody listen to the "events" group
 *
 * Context: any.
 * Return: true if a socket has joined the group.
 */
static bool swmmu_genl_listening(void)
{
	return READ_ONCE(swmmu_genl_registered) &&
	       genl_has_listeners(&swmmu_genl_family, &init_net, 0);
}

/* ---- the shape of a request ------------------------------------------------------------------- */

struct swmmu_nl_call;

/**
 * struct swmmu_nl_doit - how swmmu_nl_run() runs a command whose handler parsed the request
 * @op: the operation, called with swmmu_named_lock held: @n is the address space of SWMMU_A_AS
 *	(NULL unless @named). A read puts the attributes of its reply into the call's @msg.
 *	Returns 0 or a negative errno, with an extended ACK message for the errors it explains.
 * @out: the u64 attributes of the reply to a change, put after its event with the values @op
 *	left in the call's @out; 0 for none
 * @event: the event type announced when @op succeeds; 0 for none
 * @reply: the command answers with a message of its own, not the ACK alone
 * @named: look up the address space of SWMMU_A_AS before @op
 * @errmsg: @op fails with the errors of the address space operations: swmmu_nl_errmsg() says
 *	what they mean
 */
struct swmmu_nl_doit {
	int (*op)(struct swmmu_named *n, struct genl_info *info, struct swmmu_nl_call *c);
	u16 out[2];
	u8 event;
	bool reply;
	bool named;
	bool errmsg;
};

/**
 * struct swmmu_nl_range - a VA range request (UNMAP, PROTECT) as the attributes give it
 * @iova: SWMMU_A_IOVA
 * @length: SWMMU_A_LENGTH
 * @prot: SWMMU_A_PROT (PROTECT only)
 */
struct swmmu_nl_range {
	u64 iova;
	u64 length;
	u32 prot;
};

/**
 * struct swmmu_nl_call - one request on its way through swmmu_nl_run()
 * @req: what the handler parsed (the operation's uAPI struct), for @op
 * @msg: the reply, its header put; only for a command with a reply
 * @out: values of the doit's @out attributes
 * @ev: the event: @op fills in what it announces, swmmu_nl_run() the type and, for a @named
 *	command, the name of the address space
 */
struct swmmu_nl_call {
	void *req;
	struct sk_buff *msg;
	u64 out[2];
	struct swmmu_nl_event_args ev;
};

/*
 * Run @doit for the request @info, parsed into @req: the reply allocated first (a reply that
 * cannot be allocated after a change would report a failure for a change that happened), then
 * under swmmu_named_lock the address space, the operation and its event (under the lock, so
 * that listeners see the changes in the order they were made); the reply is sent once the lock
 * is dropped. 0 or a negative errno, with the extended ACK set.
 */
static int swmmu_nl_run(struct genl_info *info, const struct swmmu_nl_doit *doit, void *req)
{
	struct swmmu_nl_call c = { .req = req };
	struct swmmu_named *n = NULL;
	void *hdr = NULL;
	unsigned int i;
	int ret = 0;

	if (doit->reply) {
		c.msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
		if (!c.msg)
			return -ENOMEM;
		hdr = genlmsg_put_reply(c.msg, info, &swmmu_genl_family, 0, info->genlhdr->cmd);
		if (!hdr) {
			nlmsg_free(c.msg);
			return -EMSGSIZE;
		}
	}
	mutex_lock(&swmmu_named_lock);
	if (doit->named) {
		n = swmmu_nl_find_as(info->attrs[SWMMU_A_AS], info->extack);
		if (IS_ERR(n)) {
			ret = PTR_ERR(n);
			goto out;
		}
	}
	ret = doit->op(n, info, &c);
	if (ret) {
		if (doit->errmsg)
			swmmu_nl_errmsg(info->extack, ret);
		goto out;
	}
	if (doit->event) {
		c.ev.type = doit->event;
		/* The request's copy of the name: AS_DEL has freed @n. */
		if (doit->named)
			c.ev.as = nla_data(info->attrs[SWMMU_A_AS]);
		swmmu_genl_event(&c.ev);
	}
out:
	mutex_unlock(&swmmu_named_lock);
	for (i = 0; !ret && i < ARRAY_SIZE(doit->out) && doit->out[i]; i++)
		if (nla_put_u64_64bit(c.msg, doit->out[i], c.out[i], SWMMU_A_PAD))
			ret = -EMSGSIZE;
	if (ret || !doit->reply) {
		nlmsg_free(c.msg);
		return ret;
	}
	genlmsg_end(c.msg, hdr);
	return genlmsg_reply(c.msg, info);
}

/* ---- GET_INFO --------------------------------------------------------------------------------- */

static u32 swmmu_nl_count_as(void)
{
	struct swmmu_named *n;
	unsigned long id;
	u32 count = 0;

	xa_for_each(&swmmu_nameds, id, n)
		count++;
	return count;
}

static int swmmu_nl_get_info_op(struct swmmu_named *n, struct genl_info *info,
				struct swmmu_nl_call *c)
{
	if (nla_put_u32(c->msg, SWMMU_A_VERSION, SWMMU_GENL_VERSION) ||
	    nla_put_u64_64bit(c->msg, SWMMU_A_EVENT_SEQ, atomic64_read(&swmmu_event_seq),
			      SWMMU_A_PAD) ||
	    nla_put_u32(c->msg, SWMMU_A_MAX_AS, SWMMU_NAMED_MAX) ||
	    nla_put_u32(c->msg, SWMMU_A_NR_AS, swmmu_nl_count_as()))
		return -EMSGSIZE;
	return 0;
}

static int swmmu_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = { .op = swmmu_nl_get_info_op, .reply = true };

	return swmmu_nl_run(info, &doit, NULL);
}

/* ---- dumps ------------------------------------------------------------------------------------ */

/* Start the next message of a dump of @cmd: its header, or NULL when the buffer is full. */
static void *swmmu_nl_dump_start(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &swmmu_genl_family, NLM_F_MULTI, cmd);
}

/* End the message of @hdr, or take it back when its attributes failed (@err): @err. */
static int swmmu_nl_dump_end(struct sk_buff *skb, void *hdr, int err)
{
	if (err)
		genlmsg_cancel(skb, hdr);
	else
		genlmsg_end(skb, hdr);
	return err;
}

/* ---- formats ---------------------------------------------------------------------------------- */

static int swmmu_nl_fill_levels(struct sk_buff *msg, const struct swmmu_format *f)
{
	unsigned int l;

	for (l = 0; l < f->nr_levels; l++) {
		struct nlattr *nest = nla_nest_start(msg, SWMMU_A_LEVEL);

		if (!nest ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_INDEX, l) ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_SHIFT, f->level[l].shift) ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_INDEX_BITS, f->level[l].index_bits) ||
		    ((f->level[l].flags & SWMMU_LVL_LEAF) && nla_put_flag(msg, SWMMU_A_LEVEL_LEAF)) ||
		    ((f->level[l].flags & SWMMU_LVL_TABLE) &&
		     nla_put_flag(msg, SWMMU_A_LEVEL_TABLE)))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/* The attributes of format @f; with @text, its description too. */
static int swmmu_nl_fill_format(struct sk_buff *msg, const struct swmmu_format *f, bool runtime,
				bool text)
{
	char *buf;
	int len, ret;

	if (nla_put_string(msg, SWMMU_A_NAME, f->name) ||
	    nla_put_u8(msg, SWMMU_A_NR_LEVELS, f->nr_levels) ||
	    nla_put_u8(msg, SWMMU_A_VA_BITS, f->va_bits) ||
	    nla_put_u8(msg, SWMMU_A_OA_BITS, f->oa_bits) ||
	    nla_put_u64_64bit(msg, SWMMU_A_PGSIZES, swmmu_format_pgsizes(f), SWMMU_A_PAD) ||
	    (runtime && nla_put_flag(msg, SWMMU_A_FORMAT_RUNTIME)) ||
	    swmmu_nl_fill_levels(msg, f))
		return -EMSGSIZE;
	if (!text)
		return 0;
	len = swmmu_format_print(f, NULL, 0) + 1;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;	/* out of memory, not out of room in the message */
	swmmu_format_print(f, buf, len);
	ret = nla_put_string(msg, SWMMU_A_FORMAT_TEXT, buf) ? -EMSGSIZE : 0;
	kfree(buf);
	return ret;
}

static int swmmu_nl_format_get_op(struct swmmu_named *n, struct genl_info *info,
				  struct swmmu_nl_call *c)
{
	struct nlattr *name = info->attrs[SWMMU_A_NAME];
	const struct swmmu_format *f;
	struct swmmu_rtfmt *rt;

	f = swmmu_nl_find_format(nla_data(name), &rt);
	if (!f) {
		NL_SET_BAD_ATTR(info->extack, name);
		NL_SET_ERR_MSG(info->extack, "no format of that name");
		return -ENOENT;
	}
	return swmmu_nl_fill_format(c->msg, f, rt, true);
}

static int swmmu_nl_format_get(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = { .op = swmmu_nl_format_get_op, .reply = true };

	if (swmmu_nl_lacks(info, SWMMU_A_NAME))
		return -EINVAL;
	return swmmu_nl_run(info, &doit, NULL);
}

/* One message of the format dump. */
static int swmmu_nl_dump_format(struct sk_buff *skb, struct netlink_callback *cb,
				const struct swmmu_format *f, bool runtime)
{
	void *hdr = swmmu_nl_dump_start(skb, cb, SWMMU_NL_CMD_FORMAT_GET);

	if (!hdr)
		return -EMSGSIZE;
	return swmmu_nl_dump_end(skb, hdr, swmmu_nl_fill_format(skb, f, runtime, false));
}

/* cb->args[0]: next built-in format; cb->args[1]: next runtime format ID. */
static int swmmu_nl_format_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned int n = swmmu_format_count();
	struct swmmu_rtfmt *rt;
	unsigned long id;

	for (; cb->args[0] < n; cb->args[0]++)
		if (swmmu_nl_dump_format(skb, cb, swmmu_format_get(cb->args[0]), false))
			return skb->len;
	mutex_lock(&swmmu_named_lock);
	xa_for_each_start(&swmmu_rtfmts, id, rt, cb->args[1]) {
		if (swmmu_nl_dump_format(skb, cb, &rt->fmt, true))
			break;
		cb->args[1] = id + 1;
	}
	mutex_unlock(&swmmu_named_lock);
	return skb->len;
}

/* The name of a new object in attribute @attr (present): letters, digits, _ - . */
static bool swmmu_nl_name_ok(struct genl_info *info, int attr)
{
	if (swmmu_name_valid(nla_data(info->attrs[attr])))
		return true;
	NL_SET_BAD_ATTR(info->extack, info->attrs[attr]);
	NL_SET_ERR_MSG(info->extack, "invalid name: use letters, digits, _ - .");
	return false;
}

/* Register the runtime format @c->req, parsed from the request, under the request's name. */
static int swmmu_nl_format_new_op(struct swmmu_named *n, struct genl_info *info,
				  struct swmmu_nl_call *c)
{
	struct swmmu_rtfmt *rt = c->req, *old;
	int ret;

	if (swmmu_nl_find_format(nla_data(info->attrs[SWMMU_A_NAME]), &old)) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_NAME]);
		NL_SET_ERR_MSG(info->extack, "a format of that name exists");
		return -EEXIST;
	}
	ret = xa_alloc(&swmmu_rtfmts, &rt->id, rt, XA_LIMIT(0, SWMMU_RTFMT_MAX - 1),
		       GFP_KERNEL_ACCOUNT);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "too many runtime formats");
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	c->ev.name = rt->fmt.name;
	return 0;
}

static int swmmu_nl_format_new(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_format_new_op,
		.event = SWMMU_EVENT_FORMAT_NEW,
	};
	struct nlattr *text_attr = info->attrs[SWMMU_A_FORMAT_TEXT];
	struct swmmu_format_error ferr;
	struct swmmu_rtfmt *rt;
	char msg[128];
	int ret, len;

	if (swmmu_nl_lacks(info, SWMMU_A_NAME) || swmmu_nl_lacks(info, SWMMU_A_FORMAT_TEXT))
		return -EINVAL;
	if (!swmmu_nl_name_ok(info, SWMMU_A_NAME))
		return -EINVAL;
	rt = kzalloc(sizeof(*rt), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return -ENOMEM;
	ret = swmmu_format_parse_err(nla_data(text_attr), strnlen(nla_data(text_attr),
								   nla_len(text_attr)),
				     &rt->fmt, &ferr);
	if (ret) {
		/* "format description: LINE: what is wrong", as swmmu-sim says it. */
		len = snprintf(msg, sizeof(msg), "format description: ");
		swmmu_format_strerror(&ferr, msg + len, sizeof(msg) - len);
		NL_SET_BAD_ATTR(info->extack, text_attr);
		swmmu_extack_msg(info->extack, msg, ferr.why);
		kfree(rt);
		return -EINVAL;
	}
	/* The NAME attribute names the format, whatever the description says. */
	strscpy(rt->fmt.name, nla_data(info->attrs[SWMMU_A_NAME]), sizeof(rt->fmt.name));
	ret = swmmu_nl_run(info, &doit, rt);
	if (ret)
		kfree(rt);
	return ret;
}

/* Remove the runtime format of the request's name, unless an address space uses it. */
static int swmmu_nl_format_del_op(struct swmmu_named *n, struct genl_info *info,
				  struct swmmu_nl_call *c)
{
	struct nlattr *name = info->attrs[SWMMU_A_NAME];
	const struct swmmu_format *f;
	struct swmmu_rtfmt *rt;

	f = swmmu_nl_find_format(nla_data(name), &rt);
	if (!rt) {
		NL_SET_BAD_ATTR(info->extack, name);
		if (f) {
			NL_SET_ERR_MSG(info->extack, "a built-in format cannot be deleted");
			return -EPERM;
		}
		NL_SET_ERR_MSG(info->extack, "no runtime format of that name");
		return -ENOENT;
	}
	if (rt->users) {
		NL_SET_ERR_MSG(info->extack, "format is used by an address space");
		return -EBUSY;
	}
	xa_erase(&swmmu_rtfmts, rt->id);
	kfree(rt);
	c->ev.name = nla_data(name);
	return 0;
}

static int swmmu_nl_format_del(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_format_del_op,
		.event = SWMMU_EVENT_FORMAT_DEL,
	};

	if (swmmu_nl_lacks(info, SWMMU_A_NAME))
		return -EINVAL;
	return swmmu_nl_run(info, &doit, NULL);
}

/* ---- address spaces --------------------------------------------------------------------------- */

static int swmmu_nl_fill_occ(struct sk_buff *msg, struct swmmu_as_obj *as);

/* The fault count and the recent faults, oldest first. */
static int swmmu_nl_fill_faults(struct sk_buff *msg, struct swmmu_named *n)
{
	struct swmmu_named_frec *rec;
	unsigned int i, nr;
	u64 total;
	int ret = 0;

	rec = kmalloc_array(SWMMU_NL_RECENT_FAULTS, sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock(&n->fault_lock);
	total = n->nr_faults;
	memcpy(rec, n->recent, sizeof(n->recent));
	spin_unlock(&n->fault_lock);
	nr = min_t(u64, total, SWMMU_NL_RECENT_FAULTS);
	if (nla_put_u64_64bit(msg, SWMMU_A_STATS_FAULTS, total, SWMMU_A_STATS_PAD))
		ret = -EMSGSIZE;
	for (i = 0; i < nr && !ret; i++) {
		struct swmmu_named_frec *r = &rec[(total - nr + i) % SWMMU_NL_RECENT_FAULTS];
		struct nlattr *nest = nla_nest_start(msg, SWMMU_A_STATS_FAULT);

		if (!nest ||
		    nla_put_u64_64bit(msg, SWMMU_A_FREC_IOVA, r->iova, SWMMU_A_FREC_PAD) ||
		    nla_put_u32(msg, SWMMU_A_FREC_ACCESS, r->access) ||
		    nla_put_u32(msg, SWMMU_A_FREC_REASON, r->reason) ||
		    nla_put_u64_64bit(msg, SWMMU_A_FREC_ID, r->id, SWMMU_A_FREC_PAD))
			ret = -EMSGSIZE;
		else
			nla_nest_end(msg, nest);
	}
	kfree(rec);
	return ret;
}

/* The SWMMU_A_STATS nest; with @occ, the table occupancy per level inside it too. */
static int swmmu_nl_fill_stats(struct sk_buff *msg, struct swmmu_named *n, bool occ)
{
	struct swmmu_as_counts st;
	struct nlattr *nest;

	swmmu_as_counts(n->as, &st);
	nest = nla_nest_start(msg, SWMMU_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_TABLES, st.nr_tables, SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_TABLE_BYTES, st.table_bytes,
			      SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_MAPPINGS, st.nr_mappings,
			      SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_MAPPED_BYTES, st.mapped_bytes,
			      SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_INVALIDATIONS, st.invalidations,
			      SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_CPU_FAULTS, st.cpu_faults,
			      SWMMU_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_STATS_DMA_BYTES, n->dma_bytes, SWMMU_A_STATS_PAD))
		return -EMSGSIZE;
	if (occ) {
		int ret = swmmu_nl_fill_occ(msg, n->as);

		if (!ret)
			ret = swmmu_nl_fill_faults(msg, n);
		if (ret)
			return ret;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * swmmu_nl_fill_users() - the attached files of a named address space, for AS_GET
 * @msg: the reply
 * @n: the address space
 *
 * SWMMU_A_NR_ATTACHED, and SWMMU_A_ATTACHED with one SWMMU_A_ATTACHED_PID per attachment,
 * oldest first: at most SWMMU_NAMED_MAX_USERS of 8 bytes, so the reply stays below a page.
 *
 * Context: swmmu_named_lock held (keeps the list of attachments).
 * Return: 0 or -EMSGSIZE.
 */
static int swmmu_nl_fill_users(struct sk_buff *msg, struct swmmu_named *n)
{
	struct swmmu_attach_obj *h;
	struct nlattr *nest;

	lockdep_assert_held(&swmmu_named_lock);
	if (nla_put_u32(msg, SWMMU_A_NR_ATTACHED, n->nr_users))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SWMMU_A_ATTACHED);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(h, &n->users, node)
		if (nla_put_u32(msg, SWMMU_A_ATTACHED_PID, h->pid))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * swmmu_nl_fill_as() - the attributes of a named address space, for AS_GET
 * @msg: the reply, or a message of the dump
 * @n: the address space
 *
 * Context: swmmu_named_lock held.
 * Return: 0 or -EMSGSIZE.
 */
static int swmmu_nl_fill_as(struct sk_buff *msg, struct swmmu_named *n)
{
	const struct swmmu_format *f = n->as->fmt;

	if (nla_put_string(msg, SWMMU_A_AS, n->name) ||
	    nla_put_string(msg, SWMMU_A_FORMAT, n->rtfmt ? n->rtfmt->fmt.name : f->name) ||
	    nla_put_u8(msg, SWMMU_A_VA_BITS, f->va_bits) ||
	    nla_put_u8(msg, SWMMU_A_NR_LEVELS, f->nr_levels) ||
	    nla_put_u64_64bit(msg, SWMMU_A_PGSIZES, swmmu_format_pgsizes(f), SWMMU_A_PAD) ||
	    nla_put_u32(msg, SWMMU_A_OWNER_UID, from_kuid_munged(&init_user_ns, n->uid)) ||
	    nla_put_u32(msg, SWMMU_A_OWNER_GID, from_kgid_munged(&init_user_ns, n->gid)) ||
	    nla_put_u16(msg, SWMMU_A_MODE, n->mode) ||
	    nla_put_u8(msg, SWMMU_A_FAULT_MODE, n->fault_mode) ||
	    nla_put_u64_64bit(msg, SWMMU_A_FAULT_QUOTA, n->fault_quota, SWMMU_A_PAD) ||
	    swmmu_nl_fill_users(msg, n) ||
	    swmmu_nl_fill_stats(msg, n, false))
		return -EMSGSIZE;
	return 0;
}

/* Owner, mode and fault policy from a request (AS_NEW, AS_SET); validated by the policy. */
static int swmmu_nl_as_apply(struct swmmu_named *n, struct genl_info *info,
			     struct swmmu_nl_call *c)
{
	struct nlattr **a = info->attrs;
	kuid_t uid = n->uid;
	kgid_t gid = n->gid;

	if (a[SWMMU_A_OWNER_UID]) {
		uid = make_kuid(&init_user_ns, nla_get_u32(a[SWMMU_A_OWNER_UID]));
		if (!uid_valid(uid)) {
			NL_SET_BAD_ATTR(info->extack, a[SWMMU_A_OWNER_UID]);
			NL_SET_ERR_MSG(info->extack, "uid not valid");
			return -EINVAL;
		}
	}
	if (a[SWMMU_A_OWNER_GID]) {
		gid = make_kgid(&init_user_ns, nla_get_u32(a[SWMMU_A_OWNER_GID]));
		if (!gid_valid(gid)) {
			NL_SET_BAD_ATTR(info->extack, a[SWMMU_A_OWNER_GID]);
			NL_SET_ERR_MSG(info->extack, "gid not valid");
			return -EINVAL;
		}
	}
	n->uid = uid;
	n->gid = gid;
	if (a[SWMMU_A_MODE])
		n->mode = nla_get_u16(a[SWMMU_A_MODE]);
	if (a[SWMMU_A_FAULT_MODE])
		n->fault_mode = nla_get_u8(a[SWMMU_A_FAULT_MODE]);
	if (a[SWMMU_A_FAULT_QUOTA])
		n->fault_quota = nla_get_u64(a[SWMMU_A_FAULT_QUOTA]);
	return 0;
}

/* Create the address space of the request; @n (NULL on entry) is the new one. */
static int swmmu_nl_as_new_op(struct swmmu_named *n, struct genl_info *info,
			      struct swmmu_nl_call *c)
{
	struct nlattr **a = info->attrs;
	const struct swmmu_format *f;
	struct swmmu_rtfmt *rt;
	unsigned int va_bits = 0;
	int ret;

	if (swmmu_named_find(nla_data(a[SWMMU_A_AS]))) {
		NL_SET_BAD_ATTR(info->extack, a[SWMMU_A_AS]);
		NL_SET_ERR_MSG(info->extack, "an address space of that name exists");
		return -EEXIST;
	}
	f = swmmu_nl_find_format(nla_data(a[SWMMU_A_FORMAT]), &rt);
	if (!f) {
		NL_SET_BAD_ATTR(info->extack, a[SWMMU_A_FORMAT]);
		NL_SET_ERR_MSG(info->extack, "no format of that name");
		return -ENOENT;
	}
	if (a[SWMMU_A_VA_BITS])
		va_bits = nla_get_u8(a[SWMMU_A_VA_BITS]);
	ret = swmmu_named_create(nla_data(a[SWMMU_A_AS]), f, rt, va_bits, &n);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		NL_SET_BAD_ATTR(info->extack, a[SWMMU_A_VA_BITS]);
		NL_SET_ERR_MSG(info->extack, "VA size not supported by the format");
	} else if (ret == -ENOSPC) {
		NL_SET_ERR_MSG(info->extack, "too many named address spaces");
	} else if (ret) {
		swmmu_nl_errmsg(info->extack, ret);
	} else {
		ret = swmmu_nl_as_apply(n, info, c);
		if (ret)
			WARN_ON_ONCE(swmmu_named_delete(n));
	}
	c->ev.as = nla_data(a[SWMMU_A_AS]);
	c->ev.name = nla_data(a[SWMMU_A_FORMAT]);
	return ret;
}

static int swmmu_nl_as_new(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_as_new_op,
		.event = SWMMU_EVENT_AS_NEW,
	};

	if (swmmu_nl_lacks(info, SWMMU_A_AS) || swmmu_nl_lacks(info, SWMMU_A_FORMAT))
		return -EINVAL;
	if (!swmmu_nl_name_ok(info, SWMMU_A_AS))
		return -EINVAL;
	return swmmu_nl_run(info, &doit, NULL);
}

static int swmmu_nl_as_del_op(struct swmmu_named *n, struct genl_info *info,
			      struct swmmu_nl_call *c)
{
	int ret = swmmu_named_delete(n);

	if (ret) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_AS]);
		NL_SET_ERR_MSG(info->extack, "address space is attached or in use");
	}
	return ret;
}

static int swmmu_nl_as_del(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_as_del_op,
		.event = SWMMU_EVENT_AS_DEL,
		.named = true,
	};

	return swmmu_nl_run(info, &doit, NULL);
}

static int swmmu_nl_as_set(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_as_apply,
		.event = SWMMU_EVENT_AS_SET,
		.named = true,
	};

	if (!info->attrs[SWMMU_A_OWNER_UID] && !info->attrs[SWMMU_A_OWNER_GID] &&
	    !info->attrs[SWMMU_A_MODE] && !info->attrs[SWMMU_A_FAULT_MODE] &&
	    !info->attrs[SWMMU_A_FAULT_QUOTA]) {
		NL_SET_ERR_MSG(info->extack, "nothing to change");
		return -EINVAL;
	}
	return swmmu_nl_run(info, &doit, NULL);
}

static int swmmu_nl_as_get_op(struct swmmu_named *n, struct genl_info *info,
			      struct swmmu_nl_call *c)
{
	return swmmu_nl_fill_as(c->msg, n);
}

static int swmmu_nl_as_get(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_as_get_op,
		.reply = true,
		.named = true,
	};

	return swmmu_nl_run(info, &doit, NULL);
}

/* cb->args[0]: next registry index. */
static int swmmu_nl_as_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct swmmu_named *n;
	unsigned long id;
	void *hdr;

	mutex_lock(&swmmu_named_lock);
	xa_for_each_start(&swmmu_nameds, id, n, cb->args[0]) {
		hdr = swmmu_nl_dump_start(skb, cb, SWMMU_NL_CMD_AS_GET);
		if (!hdr || swmmu_nl_dump_end(skb, hdr, swmmu_nl_fill_as(skb, n)))
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&swmmu_named_lock);
	return skb->len;
}

/* ---- map, unmap, protect, query, fault responses ----------------------------------------------- */

/* SWMMU_A_IOVA and SWMMU_A_LENGTH of a request on a range: false when one is missing. */
static bool swmmu_nl_get_range(struct genl_info *info, u64 *iova, u64 *length)
{
	if (swmmu_nl_lacks(info, SWMMU_A_IOVA) || swmmu_nl_lacks(info, SWMMU_A_LENGTH))
		return false;
	*iova = nla_get_u64(info->attrs[SWMMU_A_IOVA]);
	*length = nla_get_u64(info->attrs[SWMMU_A_LENGTH]);
	return true;
}

/* The range a MAP, UNMAP or PROTECT announces. */
static void swmmu_nl_set_range(struct swmmu_nl_call *c, u64 iova, u64 length, u32 prot)
{
	c->ev.iova = iova;
	c->ev.length = length;
	c->ev.prot = prot;
}

static int swmmu_nl_map_op(struct swmmu_named *n, struct genl_info *info,
			   struct swmmu_nl_call *c)
{
	struct swmmu_as_map_args *m = c->req;
	int ret = swmmu_named_map(n, m);

	swmmu_nl_set_range(c, m->iova, m->length, m->prot);
	c->out[0] = m->iova;
	c->out[1] = m->length;
	return ret;
}

static int swmmu_nl_map(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_map_op,
		.out = { SWMMU_A_IOVA, SWMMU_A_LENGTH },
		.event = SWMMU_EVENT_MAP,
		.reply = true,
		.named = true,
		.errmsg = true,
	};
	struct swmmu_as_map_args m = { .prot = SWMMU_PROT_READ | SWMMU_PROT_WRITE };
	struct nlattr **a = info->attrs;

	if (swmmu_nl_lacks(info, SWMMU_A_LENGTH))
		return -EINVAL;
	m.length = nla_get_u64(a[SWMMU_A_LENGTH]);
	if (a[SWMMU_A_IOVA]) {
		m.fixed = true;
		m.iova = nla_get_u64(a[SWMMU_A_IOVA]);
	}
	if (a[SWMMU_A_PROT])
		m.prot = nla_get_u32(a[SWMMU_A_PROT]);
	if (a[SWMMU_A_PGSIZE_LG2])
		m.pgsize_lg2 = nla_get_u8(a[SWMMU_A_PGSIZE_LG2]);
	return swmmu_nl_run(info, &doit, &m);
}

static int swmmu_nl_unmap_op(struct swmmu_named *n, struct genl_info *info,
			     struct swmmu_nl_call *c)
{
	struct swmmu_nl_range *u = c->req;

	swmmu_nl_set_range(c, u->iova, u->length, 0);
	return swmmu_named_unmap(n, u->iova, u->length, &c->out[0]);	/* SWMMU_A_UNMAPPED */
}

static int swmmu_nl_unmap(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_unmap_op,
		.out = { SWMMU_A_UNMAPPED },
		.event = SWMMU_EVENT_UNMAP,
		.reply = true,
		.named = true,
		.errmsg = true,
	};
	struct swmmu_nl_range u = {};

	if (!swmmu_nl_get_range(info, &u.iova, &u.length))
		return -EINVAL;
	if (info->attrs[SWMMU_A_PROT]) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_PROT]);
		NL_SET_ERR_MSG(info->extack, "UNMAP takes no permissions");
		return -EINVAL;
	}
	return swmmu_nl_run(info, &doit, &u);
}

static int swmmu_nl_protect_op(struct swmmu_named *n, struct genl_info *info,
			       struct swmmu_nl_call *c)
{
	struct swmmu_nl_range *p = c->req;

	swmmu_nl_set_range(c, p->iova, p->length, p->prot);
	return swmmu_as_protect(n->as, p->iova, p->length, p->prot);
}

static int swmmu_nl_protect(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_protect_op,
		.event = SWMMU_EVENT_PROTECT,
		.named = true,
		.errmsg = true,
	};
	struct swmmu_nl_range p = {};

	if (!swmmu_nl_get_range(info, &p.iova, &p.length) || swmmu_nl_lacks(info, SWMMU_A_PROT))
		return -EINVAL;
	p.prot = nla_get_u32(info->attrs[SWMMU_A_PROT]);
	return swmmu_nl_run(info, &doit, &p);
}

static int swmmu_nl_query_op(struct swmmu_named *n, struct genl_info *info,
			     struct swmmu_nl_call *c)
{
	u64 *iova = c->req;
	struct swmmu_as_query_res q;
	int ret;

	ret = swmmu_as_query(n->as, *iova, &q);
	if (ret) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_IOVA]);
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "IOVA not mapped");
		else
			swmmu_nl_errmsg(info->extack, ret);
		return ret;
	}
	if (nla_put_u64_64bit(c->msg, SWMMU_A_IOVA, *iova, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(c->msg, SWMMU_A_DMA_ADDR, q.dma_addr, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(c->msg, SWMMU_A_ENTRY_IOVA, q.entry_iova, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(c->msg, SWMMU_A_PAGE_SIZE, q.page_size, SWMMU_A_PAD) ||
	    nla_put_u32(c->msg, SWMMU_A_PROT, q.prot) ||
	    nla_put_u8(c->msg, SWMMU_A_LEAF_LEVEL, q.level))
		return -EMSGSIZE;
	return 0;
}

static int swmmu_nl_query(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_query_op,
		.reply = true,
		.named = true,
	};
	u64 iova;

	if (swmmu_nl_lacks(info, SWMMU_A_IOVA))
		return -EINVAL;
	iova = nla_get_u64(info->attrs[SWMMU_A_IOVA]);
	return swmmu_nl_run(info, &doit, &iova);
}

static int swmmu_nl_fault_resolve_op(struct swmmu_named *n, struct genl_info *info,
				     struct swmmu_nl_call *c)
{
	int ret;

	ret = swmmu_named_resolve(n, nla_get_u64(info->attrs[SWMMU_A_FAULT_ID]),
				  nla_get_u8(info->attrs[SWMMU_A_FAULT_RESP]) ==
				  SWMMU_NL_FAULT_RETRY);
	if (ret == -ENOENT) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_FAULT_ID]);
		NL_SET_ERR_MSG(info->extack, "no access waits on that fault (answered or timed out)");
	}
	return ret;
}

static int swmmu_nl_fault_resolve(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_fault_resolve_op,
		.named = true,
	};

	if (swmmu_nl_lacks(info, SWMMU_A_FAULT_ID) || swmmu_nl_lacks(info, SWMMU_A_FAULT_RESP))
		return -EINVAL;
	return swmmu_nl_run(info, &doit, NULL);
}

/* ---- REGION_GET (dump) -------------------------------------------------------------------------- */

struct swmmu_nl_region_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u64 next;
};

static int swmmu_nl_region_one(void *ctx, const struct swmmu_region *rg)
{
	struct swmmu_nl_region_ctx *c = ctx;
	struct sk_buff *skb = c->skb;
	void *hdr;

	hdr = swmmu_nl_dump_start(skb, c->cb, SWMMU_NL_CMD_REGION_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SWMMU_A_IOVA, rg->va, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(skb, SWMMU_A_DMA_ADDR, rg->pa, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(skb, SWMMU_A_LENGTH, rg->len, SWMMU_A_PAD) ||
	    nla_put_u32(skb, SWMMU_A_PROT, swmmu_prot_to_user(rg->prot)) ||
	    nla_put_u8(skb, SWMMU_A_PGSIZE_LG2, rg->size_lg2)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	c->next = rg->va + rg->len;
	return 0;
}

/*
 * One message per region. cb->args[0]: span; cb->args[1]: VA to resume at; cb->args[2]: done.
 * A region that does not fit is sent first in the next round, so the dump survives any size.
 */
static int swmmu_nl_region_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *di = genl_dumpit_info(cb);
	struct swmmu_nl_region_ctx c = { .skb = skb, .cb = cb };
	struct nlattr *as_attr = swmmu_genl_dump_attrs(di)[SWMMU_A_AS];
	struct swmmu_named *n;
	struct swmmu_as_obj *as;
	struct swmmu_range r;
	u64 va[2], len[2];
	unsigned int spans;
	int ret = 0;

	if (cb->args[2])
		return 0;
	mutex_lock(&swmmu_named_lock);
	n = swmmu_nl_find_as(as_attr, cb->extack);
	if (IS_ERR(n)) {
		mutex_unlock(&swmmu_named_lock);
		return PTR_ERR(n);
	}
	as = n->as;
	spans = swmmu_format_spans(as->fmt, va, len);
	swmmu_range_lock(&as->range, &r, 0, U64_MAX);
	for (; cb->args[0] < spans; cb->args[0]++, cb->args[1] = 0) {
		unsigned int i = cb->args[0];
		u64 start = cb->args[1] ? cb->args[1] : va[i];

		if (start - va[i] >= len[i])
			continue;
		c.next = start;
		rcu_read_lock();
		ret = swmmu_for_each_region(&as->pt, start, len[i] - (start - va[i]),
					    swmmu_nl_region_one, &c);
		rcu_read_unlock();
		if (ret == -EMSGSIZE) {
			/* Resume at the region that did not fit. */
			cb->args[1] = c.next;
			break;
		}
		if (ret)
			break;
	}
	swmmu_range_unlock(&as->range, &r);
	mutex_unlock(&swmmu_named_lock);
	if (ret == -EMSGSIZE) {
		/* Not even one region fits an empty message: cannot happen with a page. */
		return skb->len ? skb->len : -EMSGSIZE;
	}
	if (ret)
		return ret;
	cb->args[2] = 1;
	return skb->len;
}

/* ---- STATS_GET: counters and table occupancy per level ----------------------------------------- */

struct swmmu_nl_occ {
	const struct swmmu_format *fmt;
	u64 tables[SWMMU_MAX_LEVELS];
	u64 leaves[SWMMU_MAX_LEVELS];
	u64 ptrs[SWMMU_MAX_LEVELS];
};

static int swmmu_nl_occ_leaf(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_nl_occ *o = ctx;

	o->leaves[it->level]++;
	return SWMMU_WALK_DESCEND;
}

static int swmmu_nl_occ_table(void *ctx, struct swmmu_walk_item *it)
{
	struct swmmu_nl_occ *o = ctx;
	unsigned int lv[2], n, i;

	o->ptrs[it->level]++;
	/* Both tables of a dual-directory item (nv-gp100's PD0) count. */
	n = swmmu_item_child_tables(o->fmt, it, lv);
	for (i = 0; i < n; i++)
		o->tables[lv[i]]++;
	return SWMMU_WALK_DESCEND;
}

static const struct swmmu_walk_ops swmmu_nl_occ_ops = {
	.leaf = swmmu_nl_occ_leaf,
	.pre_table = swmmu_nl_occ_table,
};

static int swmmu_nl_fill_occ(struct sk_buff *msg, struct swmmu_as_obj *as)
{
	const struct swmmu_format *f = as->fmt;
	struct swmmu_nl_occ *o;
	struct swmmu_range r;
	u64 va[2], len[2];
	unsigned int spans, i, l;
	int ret = 0;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->fmt = f;
	o->tables[f->nr_levels - 1] = 1;
	spans = swmmu_format_spans(f, va, len);
	swmmu_range_lock(&as->range, &r, 0, U64_MAX);
	rcu_read_lock();
	for (i = 0; i < spans && !ret; i++)
		ret = swmmu_walk(&as->pt, va[i], len[i], &swmmu_nl_occ_ops, o);
	rcu_read_unlock();
	swmmu_range_unlock(&as->range, &r);
	if (ret)
		goto out;
	ret = -EMSGSIZE;
	for (l = 0; l < f->nr_levels; l++) {
		struct nlattr *nest = nla_nest_start(msg, SWMMU_A_STATS_LEVEL);

		if (!nest ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_INDEX, l) ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_SHIFT, f->level[l].shift) ||
		    nla_put_u8(msg, SWMMU_A_LEVEL_INDEX_BITS, f->level[l].index_bits) ||
		    nla_put_u64_64bit(msg, SWMMU_A_LEVEL_TABLES, o->tables[l], SWMMU_A_LEVEL_PAD) ||
		    nla_put_u64_64bit(msg, SWMMU_A_LEVEL_LEAVES, o->leaves[l], SWMMU_A_LEVEL_PAD) ||
		    nla_put_u64_64bit(msg, SWMMU_A_LEVEL_POINTERS, o->ptrs[l],
				      SWMMU_A_LEVEL_PAD) ||
		    nla_put_u64_64bit(msg, SWMMU_A_LEVEL_ITEMS,
				      o->tables[l] << f->level[l].index_bits, SWMMU_A_LEVEL_PAD))
			goto out;
		nla_nest_end(msg, nest);
	}
	ret = 0;
out:
	kfree(o);
	return ret;
}

static int swmmu_nl_stats_get_op(struct swmmu_named *n, struct genl_info *info,
				 struct swmmu_nl_call *c)
{
	if (nla_put_string(c->msg, SWMMU_A_AS, n->name))
		return -EMSGSIZE;
	return swmmu_nl_fill_stats(c->msg, n, true);
}

static int swmmu_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	static const struct swmmu_nl_doit doit = {
		.op = swmmu_nl_stats_get_op,
		.reply = true,
		.named = true,
	};

	return swmmu_nl_run(info, &doit, NULL);
}

/* ---- driver-managed contexts ----------------------------------------------------------------- */

/**
 * swmmu_genl_check_event() - announce a checker report on the "events" group
 * @ctx_id: module-wide ID of the context
 * @pid: thread group that owns it
 * @ev: the report
 *
 * Context: process context, may sleep.
 */
static void swmmu_genl_check_event(u32 ctx_id, pid_t pid, const struct swmmu_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = swmmu_genl_event_start(SWMMU_EVENT_CHECK, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, SWMMU_A_CTX, ctx_id) ||
	    nla_put_u32(msg, SWMMU_A_ATTACHED_PID, pid) ||
	    nla_put_u64_64bit(msg, SWMMU_A_IOVA, ev->fault.iova, SWMMU_A_PAD) ||
	    nla_put_u32(msg, SWMMU_A_CHECK_CLASS, ev->class) ||
	    nla_put_u32(msg, SWMMU_A_ASID, ev->asid) ||
	    nla_put_u8(msg, SWMMU_A_LEAF_LEVEL, ev->fault.level) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CACHED_PTE, ev->cached_pte, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CURRENT_PTE, ev->current_pte, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CACHED_PA, ev->cached_pa, SWMMU_A_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CURRENT_PA, ev->current_pa, SWMMU_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&swmmu_genl_family, msg, 0, 0, GFP_KERNEL);
}

static int swmmu_nl_put_ctx(struct sk_buff *msg, const struct swmmu_dctx_snap *s)
{
	const struct swmmu_ctx_info *i = &s->info;
	static const struct {
		int attr;
		size_t off;
	} st[] = {
#define SWMMU_CS(a, f) { SWMMU_A_CTX_STATS_##a, offsetof(struct swmmu_ctx_info, f) }
		SWMMU_CS(HITS, out_hits), SWMMU_CS(MISSES, out_misses), SWMMU_CS(WALKS, out_walks),
		SWMMU_CS(FAULTS, out_faults), SWMMU_CS(AD_UPDATES, out_ad_updates),
		SWMMU_CS(INVALIDATIONS, out_invalidations),
		SWMMU_CS(INVAL_DROPPED, out_inval_dropped), SWMMU_CS(CHECKS, out_checks),
		SWMMU_CS(STALE, out_stale), SWMMU_CS(BBM, out_bbm),
		SWMMU_CS(TABLE_REUSE, out_table_reuse),
#undef SWMMU_CS
	};
	struct nlattr *nest;
	unsigned int k;

	if (nla_put_u32(msg, SWMMU_A_CTX, s->id) ||
	    nla_put_u32(msg, SWMMU_A_ATTACHED_PID, s->pid) ||
	    nla_put_string(msg, SWMMU_A_FORMAT, s->format) ||
	    nla_put_u8(msg, SWMMU_A_VA_BITS, i->out_va_bits) ||
	    nla_put_u32(msg, SWMMU_A_ASID, i->out_asid) ||
	    nla_put_u64_64bit(msg, SWMMU_A_ROOT, i->out_root, SWMMU_A_PAD) ||
	    nla_put_u32(msg, SWMMU_A_CTX_FLAGS, i->out_flags) ||
	    nla_put_u32(msg, SWMMU_A_CHECK_MODE, i->out_check))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SWMMU_A_CTX_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, SWMMU_A_CTX_STATS_TLB_ENTRIES, i->out_tlb_entries,
			      SWMMU_A_CTX_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CTX_STATS_TLB_USED, i->out_tlb_used,
			      SWMMU_A_CTX_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CTX_STATS_WALK_ENTRIES, i->out_walk_entries,
			      SWMMU_A_CTX_STATS_PAD) ||
	    nla_put_u64_64bit(msg, SWMMU_A_CTX_STATS_WALK_USED, i->out_walk_used,
			      SWMMU_A_CTX_STATS_PAD))
		goto err;
	for (k = 0; k < ARRAY_SIZE(st); k++)
		if (nla_put_u64_64bit(msg, st[k].attr,
				      *(const u64 *)((const char *)i + st[k].off),
				      SWMMU_A_CTX_STATS_PAD))
			goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

struct swmmu_nl_ctx_walk {
	struct sk_buff *msg;
	struct netlink_callback *cb;
	struct genl_info *info;
	u32 want;
	bool found;
	u32 next;
};

static int swmmu_nl_ctx_one(void *arg, const struct swmmu_dctx_snap *s)
{
	struct swmmu_nl_ctx_walk *w = arg;
	void *hdr;

	if (w->info) {
		if (s->id != w->want)
			return 0;
		hdr = genlmsg_put_reply(w->msg, w->info, &swmmu_genl_family, 0,
					SWMMU_NL_CMD_CTX_GET);
	} else {
		hdr = swmmu_nl_dump_start(w->msg, w->cb, SWMMU_NL_CMD_CTX_GET);
	}
	if (!hdr)
		return -EMSGSIZE;
	if (swmmu_nl_put_ctx(w->msg, s)) {
		genlmsg_cancel(w->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(w->msg, hdr);
	w->found = true;
	w->next = s->id + 1;
	return w->info ? 1 : 0;
}

static int swmmu_nl_ctx_get(struct sk_buff *skb, struct genl_info *info)
{
	struct swmmu_nl_ctx_walk w = { .info = info };
	int ret;

	if (swmmu_nl_lacks(info, SWMMU_A_CTX))
		return -EINVAL;
	w.want = nla_get_u32(info->attrs[SWMMU_A_CTX]);
	w.msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!w.msg)
		return -ENOMEM;
	ret = swmmu_dctx_for_each(swmmu_nl_ctx_one, &w, w.want);
	if (ret < 0 || !w.found) {
		nlmsg_free(w.msg);
		if (!w.found && ret >= 0) {
			NL_SET_BAD_ATTR(info->extack, info->attrs[SWMMU_A_CTX]);
			NL_SET_ERR_MSG(info->extack, "no driver-managed context with that ID");
			return -ENOENT;
		}
		return ret;
	}
	return genlmsg_reply(w.msg, info);
}

/* cb->args[0]: next context ID. */
static int swmmu_nl_ctx_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct swmmu_nl_ctx_walk w = { .msg = skb, .cb = cb };
	int ret;

	ret = swmmu_dctx_for_each(swmmu_nl_ctx_one, &w, (u32)cb->args[0]);
	if (w.found)
		cb->args[0] = w.next;
	if (ret == -EMSGSIZE && w.found)
		return skb->len;
	return ret < 0 ? ret : skb->len;
}

/* ---- the family ------------------------------------------------------------------------------- */

#define SWMMU_NL_OP(_cmd, _doit, _dumpit, _policy, _flags) {				\
	.cmd = _cmd, .doit = _doit, .dumpit = _dumpit, .policy = _policy,		\
	.maxattr = SWMMU_A_MAX, .flags = _flags,					\
}

static const struct genl_ops swmmu_genl_ops[] = {
	SWMMU_NL_OP(SWMMU_NL_CMD_GET_INFO, swmmu_nl_get_info, NULL, swmmu_pol_none, 0),
	SWMMU_NL_OP(SWMMU_NL_CMD_FORMAT_GET, swmmu_nl_format_get, swmmu_nl_format_dump,
		    swmmu_pol_name, 0),
	SWMMU_NL_OP(SWMMU_NL_CMD_FORMAT_NEW, swmmu_nl_format_new, NULL, swmmu_pol_format_new,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_FORMAT_DEL, swmmu_nl_format_del, NULL, swmmu_pol_name,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_AS_NEW, swmmu_nl_as_new, NULL, swmmu_pol_as_new,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_AS_DEL, swmmu_nl_as_del, NULL, swmmu_pol_as, GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_AS_SET, swmmu_nl_as_set, NULL, swmmu_pol_as_set,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_AS_GET, swmmu_nl_as_get, swmmu_nl_as_dump, swmmu_pol_as, 0),
	SWMMU_NL_OP(SWMMU_NL_CMD_MAP, swmmu_nl_map, NULL, swmmu_pol_map, GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_UNMAP, swmmu_nl_unmap, NULL, swmmu_pol_range, GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_PROTECT, swmmu_nl_protect, NULL, swmmu_pol_range,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_QUERY, swmmu_nl_query, NULL, swmmu_pol_query, GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_REGION_GET, NULL, swmmu_nl_region_dump, swmmu_pol_as,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_STATS_GET, swmmu_nl_stats_get, NULL, swmmu_pol_as, 0),
	SWMMU_NL_OP(SWMMU_NL_CMD_FAULT_RESOLVE, swmmu_nl_fault_resolve, NULL, swmmu_pol_resolve,
		    GENL_ADMIN_PERM),
	SWMMU_NL_OP(SWMMU_NL_CMD_CTX_GET, swmmu_nl_ctx_get, swmmu_nl_ctx_dump, swmmu_pol_ctx,
		    GENL_ADMIN_PERM),
};

static const struct genl_multicast_group swmmu_genl_mcgrps[] = {
	{ .name = SWMMU_GENL_MCGRP_EVENTS },
};

static struct genl_family swmmu_genl_family = {
	.name = SWMMU_GENL_NAME,
	.version = SWMMU_GENL_VERSION,
	.maxattr = SWMMU_A_MAX,
	.module = THIS_MODULE,
	.ops = swmmu_genl_ops,
	.n_ops = ARRAY_SIZE(swmmu_genl_ops),
	.mcgrps = swmmu_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(swmmu_genl_mcgrps),
	/* Every command is new: strict validation (reserved byte, flags, policies) for all. */
	.resv_start_op = 0,
};

/* The events of named spaces and driver-managed contexts go to the "events" group. */
static const struct swmmu_event_sink swmmu_genl_sink = {
	.listening = swmmu_genl_listening,
	.event = swmmu_genl_event,
	.check_event = swmmu_genl_check_event,
};

/**
 * swmmu_genl_init() - register the "swmmu" family
 *
 * Context: module init.
 * Return: 0 or the error of genl_register_family().
 */
int swmmu_genl_init(void)
{
	int ret;

	swmmu_events_set_sink(&swmmu_genl_sink);
	ret = genl_register_family(&swmmu_genl_family);

	if (!ret)
		WRITE_ONCE(swmmu_genl_registered, true);
	return ret;
}

/**
 * swmmu_genl_exit() - unregister the family; no request runs when this returns
 *
 * Context: module exit.
 */
void swmmu_genl_exit(void)
{
	WRITE_ONCE(swmmu_genl_registered, false);
	genl_unregister_family(&swmmu_genl_family);
}
