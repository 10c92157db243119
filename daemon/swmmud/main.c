// SPDX-License-Identifier: GPL-2.0-only
/*
 * swmmud - the swmmu control-plane daemon.
 *
 * Applies a declarative configuration (formats, named address spaces, fixed regions, owners,
 * fault policy) to the swmmu module over generic netlink, serves faults of address spaces in
 * "serve" mode, reloads the configuration on SIGHUP (only the difference; a broken file is
 * rejected with its line and column and the running state is kept), and follows the module
 * being unloaded and loaded again. One thread, one io_uring: poll completions for the events
 * socket, the nlctrl notification socket and a signalfd, and a timeout while waiting for the
 * module.
 *
 *   swmmud [-f] [-c CONFIG]     -f: foreground, log to stderr as well as syslog
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <liburing.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>

#include "swmmud.h"

#define DEFAULT_CONFIG	"/etc/swmmud.conf"

enum { TAG_SIGNAL = 1, TAG_EVENTS, TAG_CTRL, TAG_TIMER };

static bool foreground;

void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* ---- connection to the module ------------------------------------------------------------------ */

static void disconnect(struct daemon *d)
{
	if (!d->connected)
		return;
	swnl_close(&d->nl);
	swnl_close(&d->ev);
	d->connected = false;
	d->gen++;
	/* What was running is applied again when the module is back. */
	if (d->applied) {
		cfg_free(d->pending);
		d->pending = d->applied;
		d->applied = NULL;
	}
	d->last_seq = 0;
}

static int connect_module(struct daemon *d)
{
	if (swnl_open(&d->nl))
		return -1;
	if (swnl_open(&d->ev) || swnl_subscribe(&d->ev)) {
		swnl_close(&d->nl);
		swnl_close(&d->ev);
		return -1;
	}
	d->connected = true;
	return 0;
}

/* Apply @want from scratch (adopting what exists) and make it the applied state. */
static void apply_all(struct daemon *d, struct cfg *want)
{
	int fails;

	cfg_free(d->applied);
	d->applied = NULL;
	fails = apply_config(d, want);
	d->applied = want;
	dlog(fails ? LOG_WARNING : LOG_NOTICE, "configuration applied: %u address space(s), "
	     "%u format(s)%s", want->nr_as, want->nr_fmts, fails ? ", with errors" : "");
}

static struct cfg *load(struct daemon *d)
{
	char err[512];
	struct cfg *c = cfg_load(d->config_path, err, sizeof(err));

	if (!c)
		dlog(LOG_ERR, "configuration rejected: %s", err);
	return c;
}

static void reload(struct daemon *d)
{
	struct cfg *c = load(d);
	int fails;

	if (!c) {
		dlog(LOG_ERR, "keeping the running configuration");
		return;
	}
	fails = apply_config(d, c);
	cfg_free(d->applied);
	d->applied = c;
	dlog(fails ? LOG_WARNING : LOG_NOTICE, "configuration reloaded (differences applied)%s",
	     fails ? ", with errors" : "");
}

/* ---- events ---------------------------------------------------------------------------------- */

/*
 * A TLB checker report of a driver-managed context (a driver that skipped an invalidation or
 * broke break-before-make): logged, nothing to serve.
 */
static void log_check(struct nlattr **tb)
{
#define U64(a) (tb[a] ? nla_get_u64(tb[a]) : 0)
#define U32(a) (tb[a] ? nla_get_u32(tb[a]) : 0)
	uint64_t cur_pa = tb[SWMMU_A_CURRENT_PA] ? nla_get_u64(tb[SWMMU_A_CURRENT_PA]) : ~0ULL;
	char now[48];

	if (cur_pa == ~0ULL)
		snprintf(now, sizeof(now), "no translation");
	else
		snprintf(now, sizeof(now), "pa %#" PRIx64, cur_pa);
	dlog(LOG_WARNING, "TLB check: %s translation in driver context %u (pid %u, asid %u) at %#"
	     PRIx64 " level %u: cached pte %#" PRIx64 " pa %#" PRIx64 ", now pte %#" PRIx64 " %s",
	     swnl_check_class_name(U32(SWMMU_A_CHECK_CLASS)), U32(SWMMU_A_CTX),
	     U32(SWMMU_A_ATTACHED_PID), U32(SWMMU_A_ASID), U64(SWMMU_A_IOVA),
	     tb[SWMMU_A_LEAF_LEVEL] ? nla_get_u8(tb[SWMMU_A_LEAF_LEVEL]) : 0,
	     U64(SWMMU_A_CACHED_PTE), U64(SWMMU_A_CACHED_PA), U64(SWMMU_A_CURRENT_PTE), now);
#undef U64
#undef U32
}

static int event_cb(struct nlattr **tb, void *arg)
{
	struct daemon *d = arg;
	uint64_t seq = tb[SWMMU_A_EVENT_SEQ] ? nla_get_u64(tb[SWMMU_A_EVENT_SEQ]) : 0;
	unsigned int type = tb[SWMMU_A_EVENT_TYPE] ? nla_get_u8(tb[SWMMU_A_EVENT_TYPE]) : 0;
	const char *as = tb[SWMMU_A_AS] ? nla_get_string(tb[SWMMU_A_AS]) : "";
	bool gap = d->last_seq && seq != d->last_seq + 1;

	d->last_seq = seq;
	switch (type) {
	case SWMMU_EVENT_FAULT:
		serve_fault(d, tb);
		break;
	case SWMMU_EVENT_CHECK:
		log_check(tb);
		break;
	case SWMMU_EVENT_ATTACH:
	case SWMMU_EVENT_DETACH:
		dlog(LOG_INFO, "%s %s by pid %u", swnl_event_name(type), as,
		     tb[SWMMU_A_ATTACHED_PID] ? nla_get_u32(tb[SWMMU_A_ATTACHED_PID]) : 0);
		break;
	case SWMMU_EVENT_AS_DEL:
		if (cfg_find_as(d->applied, as))
			dlog(LOG_WARNING, "address space %s was deleted behind our back", as);
		break;
	default:
		break;
	}
	return gap ? -ESTALE : 0;
}

/* Events were lost: apply the running configuration again, adopting what is there. */
static void resync(struct daemon *d)
{
	struct cfg *c = d->applied;
	int fails;

	dlog(LOG_WARNING, "events lost: resynchronising with the kernel");
	if (!c)
		return;
	d->applied = NULL;
	fails = apply_config(d, c);
	d->applied = c;
	dlog(fails ? LOG_WARNING : LOG_NOTICE, "resynchronised%s", fails ? ", with errors" : "");
}

static void read_events(struct daemon *d)
{
	bool lost = false;
	int i, ret;

	for (i = 0; i < 64 && d->connected; i++) {
		ret = swnl_read_events(&d->ev, event_cb, d);
		if (ret == -EAGAIN)
			break;
		if (ret == -ESTALE || ret == -ENOBUFS)
			lost = true;
		else if (ret)
			break;
	}
	if (lost)
		resync(d);
}

/* nlctrl notifications: our family appearing (module loaded) or going away (unloaded). */
struct ctrl_state {
	int new_family;
	int del_family;
};

static int ctrl_cb(struct nl_msg *msg, void *arg)
{
	struct ctrl_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), SWMMU_GENL_NAME))
		return NL_OK;
	if (g->cmd == CTRL_CMD_NEWFAMILY)
		st->new_family++;
	else if (g->cmd == CTRL_CMD_DELFAMILY)
		st->del_family++;
	return NL_OK;
}

static struct nl_sock *ctrl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp;

	if (!sk)
		return NULL;
	if (genl_connect(sk))
		goto err;
	grp = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(sk, grp))
		goto err;
	nl_socket_disable_seq_check(sk);
	nl_socket_set_nonblocking(sk);
	return sk;
err:
	nl_socket_free(sk);
	return NULL;
}

static void read_ctrl(struct daemon *d, struct nl_sock *sk, bool *events_armed)
{
	struct ctrl_state st = { 0 };

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, ctrl_cb, &st);
	while (nl_recvmsgs_default(sk) >= 0)
		;
	if (st.del_family && d->connected) {
		dlog(LOG_WARNING, "the swmmu module went away; waiting for it to come back");
		disconnect(d);
		*events_armed = false;
	}
	if (st.new_family && !d->connected)
		dlog(LOG_NOTICE, "the swmmu module is back");
}

/* ---- main loop ---------------------------------------------------------------------------------- */

static void arm_poll(struct io_uring *ring, int fd, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return;
	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data64(sqe, tag);
}

static void arm_timer(struct io_uring *ring, struct __kernel_timespec *ts)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return;
	io_uring_prep_timeout(sqe, ts, 0, 0);
	io_uring_sqe_set_data64(sqe, TAG_TIMER);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: swmmud [-f] [-c CONFIG]\n"
		"  -f, --foreground      stay in the foreground and log to stderr too\n"
		"  -c, --config=CONFIG   configuration file (default " DEFAULT_CONFIG ")\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n"
		"See swmmud(8).\n");
}

int main(int argc, char **argv)
{
	struct daemon d = { .config_path = DEFAULT_CONFIG };
	struct __kernel_timespec ts = { .tv_sec = 1 };
	struct nl_sock *ctrl;
	struct io_uring ring;
	bool events_armed = false, timer_armed = false, quit = false, said_waiting = false;
	sigset_t mask;
	char *abs_config = NULL;
	int opt, sfd, ret;

	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "fc:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			foreground = true;
			break;
		case 'c':
			d.config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("swmmud " SWMMU_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	openlog("swmmud", LOG_PID | (foreground ? LOG_PERROR : 0), LOG_DAEMON);
	/* daemon() moves to /: a relative path given with -c must still name the same file. */
	if (d.config_path[0] != '/') {
		abs_config = realpath(d.config_path, NULL);
		if (!abs_config) {
			dlog(LOG_ERR, "%s: %s", d.config_path, strerror(errno));
			return 1;
		}
		d.config_path = abs_config;
	}
	if (!foreground && daemon(0, 0)) {
		dlog(LOG_ERR, "daemon(): %s", strerror(errno));
		return 1;
	}
	d.pending = load(&d);
	if (!d.pending)
		return 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	ctrl = ctrl_open();
	ret = io_uring_queue_init(16, &ring, 0);
	if (sfd < 0 || !ctrl || ret) {
		dlog(LOG_ERR, "setup failed (signalfd, netlink or io_uring)");
		return 1;
	}
	arm_poll(&ring, sfd, TAG_SIGNAL);
	arm_poll(&ring, nl_socket_get_fd(ctrl), TAG_CTRL);
	dlog(LOG_NOTICE, "started (configuration %s)", d.config_path);

	while (!quit) {
		struct io_uring_cqe *cqe;
		uint64_t tag;

		if (!d.connected && !connect_module(&d)) {
			dlog(LOG_NOTICE, "connected to the swmmu module");
			if (d.pending) {
				apply_all(&d, d.pending);
				d.pending = NULL;
			} else {
				struct cfg *c = load(&d);

				if (c)
					apply_all(&d, c);
			}
		}
		/* Once per wait, not once per retry: the retry timer fires every second. */
		if (!d.connected && !timer_armed && !said_waiting) {
			dlog(LOG_NOTICE, "the swmmu module is not loaded; waiting for it");
			said_waiting = true;
		}
		if (d.connected)
			said_waiting = false;
		if (d.connected && !events_armed) {
			arm_poll(&ring, swnl_fd(&d.ev), TAG_EVENTS | (uint64_t)d.gen << 8);
			events_armed = true;
		}
		if (!d.connected && !timer_armed) {
			arm_timer(&ring, &ts);
			timer_armed = true;
		}
		io_uring_submit(&ring);
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret) {
			dlog(LOG_ERR, "io_uring: %s", strerror(-ret));
			break;
		}
		tag = io_uring_cqe_get_data64(cqe);
		io_uring_cqe_seen(&ring, cqe);
		/* The events poll of a closed connection: it is cancelled, forget it. */
		if ((tag & 0xff) == TAG_EVENTS && tag >> 8 != d.gen)
			continue;
		switch (tag & 0xff) {
		case TAG_SIGNAL: {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					dlog(LOG_NOTICE, "SIGHUP: reloading %s", d.config_path);
					if (!d.connected) {
						struct cfg *c = load(&d);

						if (c) {
							cfg_free(d.pending);
							d.pending = c;
						}
					} else {
						reload(&d);
					}
				} else {
					quit = true;
				}
			}
			arm_poll(&ring, sfd, TAG_SIGNAL);
			break;
		}
		case TAG_EVENTS:
			events_armed = false;
			/* A completion of a socket closed meanwhile: nothing to read. */
			if (d.connected)
				read_events(&d);
			break;
		case TAG_CTRL: {
			unsigned int gen = d.gen;

			read_ctrl(&d, ctrl, &events_armed);
			if (gen != d.gen) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

				/* Drop the poll on the closed events socket. */
				if (sqe)
					io_uring_prep_cancel64(sqe, TAG_EVENTS | (uint64_t)gen << 8, 0);
			}
			arm_poll(&ring, nl_socket_get_fd(ctrl), TAG_CTRL);
			break;
		}
		case TAG_TIMER:
			timer_armed = false;
			break;
		}
	}
	dlog(LOG_NOTICE, "SIGTERM: shutting down (named address spaces stay in the kernel)");
	io_uring_queue_exit(&ring);
	disconnect(&d);
	cfg_free(d.pending);
	nl_socket_free(ctrl);
	free(d.served);
	close(sfd);
	closelog();
	return 0;
}
