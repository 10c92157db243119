# SPDX-License-Identifier: GPL-2.0-only
#
# swmmu top-level build. The two commands a newcomer needs are `make run` and `make check`
# (see README.md); both install what is missing first.

SHELL := /bin/bash
TOP := $(CURDIR)
B := build

# Debian 12's own kernel: its headers come from linux-headers-amd64. The kernel matrix the VM
# tests run on (6.1, 6.12 LTS, the newest Debian packages) is scripts/kernels.sh's; VM_KERNEL=
# (a version prefix: 6.1, 6.12, 7) picks part of it, all of it by default.
DEB12_KVER := $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
	sed -n 's/.*linux-headers-\([0-9][^ ,]*\).*/\1/p')
DEB12_KDIR := /usr/src/linux-headers-$(DEB12_KVER)
HOST_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),$(DEB12_KDIR))
VM_KERNEL ?=
export VM_KERNEL
KSRC_TAR := /usr/src/linux-source-6.1.tar.xz

CC ?= gcc
VERSION := 0.1.0
CFLAGS_USER := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Icore -Iarch -Iuapi -Iinclude \
	-MMD -MP -DSWMMU_VERSION='"$(VERSION)"'
LDLIBS_USER := -pthread
# The sanitizer lane (`make san`) sets SANITIZE; empty otherwise.
CFLAGS_USER += $(SANITIZE)
LDLIBS_USER += $(SANITIZE)
# The coverage build (`make coverage`) sets COVERAGE; empty otherwise.
CFLAGS_USER += $(COVERAGE)
LDLIBS_USER += $(COVERAGE)

LIB_SRCS := $(wildcard core/*.c arch/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIB := $(B)/lib/libswmmu.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))

SIM_SRCS := $(wildcard daemon/sim/*.c)
BENCH_SRCS := $(wildcard tests/bench/*.c)
COMMON_SRCS := $(wildcard daemon/common/*.c)
CTL_SRCS := $(wildcard daemon/ctl/*.c)
SWMMUD_SRCS := $(wildcard daemon/swmmud/*.c)

# kselftest-style VM tests: tests/vm/*_test.c, each one binary; tests/vm/lib/*.c linked into all.
VM_TEST_SRCS := $(wildcard tests/vm/*_test.c)
VM_TEST_BINS := $(VM_TEST_SRCS:tests/vm/%.c=$(B)/vm/tests/%)
VM_LIB_SRCS := $(wildcard tests/vm/lib/*.c)
KSELFTEST_H := $(B)/ksrc/tools/testing/selftests/kselftest_harness.h

USER_BINS := $(if $(SIM_SRCS),$(B)/bin/swmmu-sim) $(if $(BENCH_SRCS),$(B)/bin/swmmu-bench) \
	$(if $(CTL_SRCS),$(B)/bin/swmmuctl) $(if $(SWMMUD_SRCS),$(B)/bin/swmmud) \
	$(if $(wildcard tests/vm/demo/*.c),$(B)/bin/swmmu-demo) \
	$(if $(wildcard daemon/example/*.c),$(B)/bin/swmmu-attach-demo $(B)/bin/swmmu-drv-example) \
	$(if $(wildcard tests/vm/fuzz/*.c),$(B)/bin/swmmu-fuzz) \
	$(if $(wildcard tests/vm/soak/*.c),$(B)/bin/swmmu-soak)

.PHONY: coverage soak fuzz-kernel check-debug debug-module all user module vm-module vm-tests deps run check check-nodeps lint bench fuzz clean ksrc
.DELETE_ON_ERROR:
# Keep objects between runs (they are intermediates of the pattern rules).
.SECONDARY:

all: user module

user: $(LIB) $(UNIT_BINS) $(USER_BINS)

deps:
	@scripts/deps.sh

# --- userspace -------------------------------------------------------------------------------

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $(LIB_OBJS),ar rcs $@ $^,ar rcs $@)

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(UNIT_HELPERS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(UNIT_LDLIBS) $(LDLIBS_USER)

$(B)/bin/swmmu-sim: $(SIM_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/daemon/common/swdraw.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDLIBS_USER)

$(B)/bin/swmmu-bench: $(BENCH_SRCS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDLIBS_USER)

$(B)/bin/swmmu-demo: $(wildcard tests/vm/demo/*.c) $(wildcard uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -o $@ $(filter %.c,$^) $(LDLIBS_USER)

# An application of a named address space, for `make run` (uapi only, no library).
$(B)/bin/swmmu-attach-demo: daemon/example/swmmu-attach-demo.c $(wildcard uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -o $@ $(filter %.c,$^) $(LDLIBS_USER)

# A driver that writes its own page tables (docs/driver-prototyping.md; uapi only, no library).
$(B)/bin/swmmu-drv-example: daemon/example/swmmu-drv-example.c $(wildcard uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -o $@ $(filter %.c,$^) $(LDLIBS_USER)

NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
$(B)/obj/daemon/%.o: CFLAGS_USER += $(NL_CFLAGS) -Idaemon/common

$(B)/bin/swmmuctl: $(CTL_SRCS:%.c=$(B)/obj/%.o) $(COMMON_SRCS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(NL_LIBS) $(LDLIBS_USER)

$(B)/bin/swmmud: $(SWMMUD_SRCS:%.c=$(B)/obj/%.o) $(COMMON_SRCS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(NL_LIBS) -luring -lyaml $(LDLIBS_USER)

# swmmud's configuration parser, tested on the host: its source and swnl's value parsers.
$(B)/obj/tests/unit/test_swmmud_config.o: CFLAGS_USER += $(NL_CFLAGS) -Idaemon/common -Idaemon/swmmud
$(B)/tests/unit/test_swmmud_config: $(B)/obj/daemon/swmmud/config.o $(B)/obj/daemon/common/swnl.o
$(B)/tests/unit/test_swmmud_config: UNIT_LDLIBS := $(NL_LIBS) -lyaml

# The SVG drawing of swmmuctl and swmmu-sim, tested on the host.
$(B)/obj/tests/unit/test_swdraw.o: CFLAGS_USER += -Idaemon/common
$(B)/tests/unit/test_swdraw: $(B)/obj/daemon/common/swdraw.o

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# --- kernel sources we borrow at build time (never committed) -------------------------------

$(KSELFTEST_H):
	@test -f $(KSRC_TAR) || { echo "missing $(KSRC_TAR): run make deps"; exit 1; }
	@mkdir -p $(B)/ksrc
	tar -xJf $(KSRC_TAR) -C $(B)/ksrc --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch $@

ksrc: $(KSELFTEST_H)

# --- VM tests --------------------------------------------------------------------------------

$(B)/vm/tests/%: tests/vm/%.c $(VM_LIB_SRCS) $(wildcard tests/vm/lib/*.h) $(wildcard uapi/linux/*.h) \
		include/swmmu/ioctl_list.h $(KSELFTEST_H)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -isystem $(B)/ksrc/tools/testing/selftests -Itests/vm/lib \
		-o $@ $< $(VM_LIB_SRCS) $(LDLIBS_USER) $(VM_TEST_LDLIBS)

# Tests that submit through io_uring link liburing.
$(B)/vm/tests/uring_test: VM_TEST_LDLIBS := -luring
$(B)/vm/tests/batch_test: VM_TEST_LDLIBS := -luring
$(B)/vm/tests/fail_nth_test: VM_TEST_LDLIBS := -luring
$(B)/vm/tests/stress_race_test: VM_TEST_LDLIBS := -luring
# The driver-managed context tests write their page tables with the core library.
$(B)/vm/tests/driver_tables_test $(B)/vm/tests/tlb_check_test: $(LIB)
$(B)/vm/tests/driver_tables_test: VM_TEST_LDLIBS := $(LIB)
$(B)/vm/tests/tlb_check_test: VM_TEST_LDLIBS := $(LIB) -luring
# The uAPI fuzzer: a short run as a VM suite, and the program `make fuzz-kernel` runs.
FUZZ_SRCS := $(wildcard tests/vm/fuzz/*.c tests/vm/fuzz/*.h)
$(B)/vm/tests/fuzz_test: VM_TEST_LDLIBS := -luring
$(B)/vm/tests/fuzz_test: $(FUZZ_SRCS)
$(B)/bin/swmmu-fuzz: $(FUZZ_SRCS) $(VM_LIB_SRCS) $(wildcard tests/vm/lib/*.h) $(wildcard uapi/linux/*.h) \
		include/swmmu/ioctl_list.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -Itests/vm/lib -o $@ $(filter %.c,$^) \
		$(LDLIBS_USER) -luring

# The soak program `make soak` runs (scripts/soak.sh), one round per run.
$(B)/bin/swmmu-soak: $(wildcard tests/vm/soak/*.c) $(VM_LIB_SRCS) $(wildcard tests/vm/lib/*.h) $(wildcard uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -Itests/vm/lib -o $@ $(filter %.c,$^) \
		$(LDLIBS_USER) -luring

$(B)/vm/bench/swmmu-vmbench: tests/vm/bench/swmmu-vmbench.c $(VM_LIB_SRCS) $(wildcard tests/vm/lib/*.h) $(wildcard uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS_USER)) -Itests/vm/lib -o $@ $< $(VM_LIB_SRCS) -luring $(LDLIBS_USER)

vm-tests: $(VM_TEST_BINS)

# --- kernel module ---------------------------------------------------------------------------
# kbuild on 6.1 writes objects next to the sources, so the top-level build runs it in a tree of
# symlinks under build/ (one per kernel) and the source tree stays clean. `make -C kmod` or
# `make -C $KDIR M=$PWD/kmod` build in place instead (objects in kmod/, core/, arch/; removed by
# `make -C kmod clean`), and the symlink trees never link those objects.

define kmod_shadow
	@mkdir -p $(1)
	@for d in core arch uapi include kmod samples; do mkdir -p $(1)/$$d; [ ! -d $$d ] || cp -rsf $(TOP)/$$d/. $(1)/$$d/; done
	@find $(1) -xtype l -delete
	@find $(1) -type l \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '*.a' -o -name modules.order -o -name Module.symvers -o \
		-name swmmu_compat_gen.h \) -delete
endef

module:
	$(call kmod_shadow,$(B)/kmod-host)
	$(MAKE) -C $(KDIR) M=$(TOP)/$(B)/kmod-host/kmod modules

# swmmu.ko for each kernel of the matrix VM_KERNEL selects, in build/kmod-PREFIX/ (the build's
# output in build/kmod-PREFIX/build.log; make check fails on any compiler warning in it).
vm-module:
	+@kernels=$$(scripts/kernels.sh list $(VM_KERNEL) | cut -d' ' -f1) || exit 1; \
	for p in $$kernels; do \
		scripts/kernels.sh build $$p > /dev/null || { tail -n 30 $(B)/kmod-$$p/build.log; exit 1; }; \
	done

DEBUG_KDIR ?=
debug-module:
	@test -n "$(DEBUG_KDIR)" || { echo "set DEBUG_KDIR (scripts/debug-kernel/build.sh prints it)"; exit 1; }
	$(call kmod_shadow,$(B)/kmod-debug)
	$(MAKE) -C $(DEBUG_KDIR) M=$(TOP)/$(B)/kmod-debug/kmod SWMMU_MEASURE=1 modules
	$(MAKE) -C $(DEBUG_KDIR) M=$(TOP)/$(B)/kmod-debug/samples/swmmu-gpu \
		KBUILD_EXTRA_SYMBOLS=$(TOP)/$(B)/kmod-debug/kmod/Module.symvers modules

# --- install ---------------------------------------------------------------------------------
# `make install [DESTDIR=...] [PREFIX=/usr/local]`: the tools, the systemd unit (naming the paths
# it is installed with), swmmud.conf (kept if there is one), the docs, the man pages, the uAPI and
# core headers with libswmmu.a and swmmu.pc, the udev rule and sysusers entry for the swmmu group,
# and the module's sources for DKMS in /usr/src/swmmu-VERSION. `make uninstall` removes them (a
# swmmud.conf only if unchanged). Either directory variable below can be overridden.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/swmmu
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
UNITDIR ?= $(LIBDIR)/systemd/system
# udev and sysusers read /usr/lib and /etc only: /etc unless PREFIX is /usr.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
SYSUSERSDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/sysusers.d,/etc/sysusers.d)
DKMSDIR ?= /usr/src/swmmu-$(VERSION)

MAN_PAGES := $(wildcard man/*.[1-8])
DOCS := README.md $(wildcard docs/*.md) docs/netlink/swmmu.yaml
INSTALL_HEADERS := core/swmmu_pt.h core/swmmu_format.h core/swmmu_platform.h
DKMS_SRCS := $(wildcard kmod/*.c kmod/*.h core/*.c core/*.h arch/*.c arch/*.h arch/*.def uapi/linux/*.h \
	include/swmmu/*.h) \
	kmod/Kbuild kmod/Makefile kmod/conftest.sh kmod/conftest.mk
SUBST = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'

.PHONY: install uninstall
install: $(B)/bin/swmmuctl $(B)/bin/swmmud $(B)/bin/swmmu-sim $(LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(INCLUDEDIR)/swmmu/linux $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DKMSDIR)
	install -m 755 $(B)/bin/swmmuctl $(B)/bin/swmmu-sim $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/bin/swmmud $(DESTDIR)$(SBINDIR)/
	sed -e 's|/usr/sbin/swmmud|$(SBINDIR)/swmmud|' -e 's|/etc/swmmud.conf|$(SYSCONFDIR)/swmmud.conf|' \
		-e 's|/usr/share/doc/swmmu|$(DOCDIR)|' -e 's|^\(Documentation=.*\)|\1 man:swmmud(8)|' \
		daemon/swmmud.service > $(DESTDIR)$(UNITDIR)/swmmud.service
	chmod 644 $(DESTDIR)$(UNITDIR)/swmmud.service
	install -m 644 daemon/swmmud.conf daemon/example/swmmu-drv-example.c $(DESTDIR)$(DOCDIR)/examples/
	test -e $(DESTDIR)$(SYSCONFDIR)/swmmud.conf || \
		install -m 644 daemon/swmmud.conf $(DESTDIR)$(SYSCONFDIR)/swmmud.conf
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	for m in $(MAN_PAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	install -m 644 uapi/linux/swmmu.h uapi/linux/swmmu_netlink.h $(DESTDIR)$(INCLUDEDIR)/swmmu/linux/
	install -m 644 $(INSTALL_HEADERS) $(DESTDIR)$(INCLUDEDIR)/swmmu/
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/
	$(SUBST) dist/swmmu.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/swmmu.pc
	install -m 644 dist/60-swmmu.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 644 dist/swmmu.sysusers $(DESTDIR)$(SYSUSERSDIR)/swmmu.conf
	for f in $(DKMS_SRCS); do install -D -m 644 $$f $(DESTDIR)$(DKMSDIR)/$$f || exit 1; done
	chmod 755 $(DESTDIR)$(DKMSDIR)/kmod/conftest.sh
	$(SUBST) dist/dkms.conf.in > $(DESTDIR)$(DKMSDIR)/dkms.conf
	@# On the live system: the group, and udev told about the rule (DKMS is left to the admin).
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		getent group swmmu >/dev/null || groupadd --system swmmu; \
		! command -v udevadm >/dev/null || udevadm control --reload 2>/dev/null || true; \
		echo "installed; for the module: dkms install swmmu/$(VERSION)"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/swmmuctl $(DESTDIR)$(BINDIR)/swmmu-sim $(DESTDIR)$(SBINDIR)/swmmud
	rm -f $(DESTDIR)$(UNITDIR)/swmmud.service $(DESTDIR)$(UDEVRULESDIR)/60-swmmu.rules \
		$(DESTDIR)$(SYSUSERSDIR)/swmmu.conf $(DESTDIR)$(PKGCONFIGDIR)/swmmu.pc \
		$(DESTDIR)$(LIBDIR)/libswmmu.a
	! cmp -s daemon/swmmud.conf $(DESTDIR)$(SYSCONFDIR)/swmmud.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/swmmud.conf
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(INCLUDEDIR)/swmmu $(DESTDIR)$(DKMSDIR)
	for m in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done

# --- the two commands ------------------------------------------------------------------------

# `make run` builds only what the demo uses, one step at a time with its duration (the compiler's
# output goes to build/run-build.log and is shown if a step fails).
DEMO_BINS := $(B)/bin/swmmu-demo $(B)/bin/swmmud $(B)/bin/swmmuctl $(B)/bin/swmmu-attach-demo
run:
	@mkdir -p $(B); : > $(B)/run-build.log
	+@step() { local t0=$$SECONDS what=$$1; shift; echo "==> $$what"; \
		if "$$@" >> $(B)/run-build.log 2>&1; then echo "    done in $$((SECONDS - t0)) s"; \
		else echo "    failed; the end of build/run-build.log:"; tail -n 40 $(B)/run-build.log; \
			return 1; fi; }; \
	echo "==> dependencies: Debian packages and the kernel images (first time: several minutes)"; \
	t0=$$SECONDS; scripts/deps.sh || exit 1; echo "    done in $$((SECONDS - t0)) s"; \
	step "building the demo's programs: swmmu-demo, swmmud, swmmuctl, swmmu-attach-demo" \
		$(MAKE) --no-print-directory $(DEMO_BINS) || exit 1; \
	step "building swmmu.ko for Debian's 6.1 kernel (first time: about a minute)" \
		$(MAKE) --no-print-directory vm-module VM_KERNEL=6.1 || exit 1
	@scripts/demo.sh

check: deps
	@$(MAKE) --no-print-directory check-nodeps

check-nodeps: user vm-module vm-tests
	@scripts/check.sh

# The reliability lane: the VM suite on a KASAN/lockdep/kmemleak/fault-injection kernel.
# The host coverage capture comes first (`make coverage`, about 3 minutes) so that the lane's
# coverage summary is the host tests plus the module, as the targets in docs/reliability.md count.
# Then a soak of SOAK_SECONDS (scripts/soak.sh; `make soak` for a longer one).
SOAK_SECONDS ?= 300
check-debug: deps
	@$(MAKE) --no-print-directory user vm-tests
	@$(MAKE) --no-print-directory coverage
	@scripts/check-debug.sh
	@DURATION=$(SOAK_SECONDS) ROUND=30 scripts/soak.sh

lint: $(KSELFTEST_H)
	@$(MAKE) --no-print-directory vm-module VM_KERNEL=6.1
	@scripts/lint.sh

# The host core benchmark, then the device benchmark in the VM (tests/vm/bench).
bench: deps
	@$(MAKE) --no-print-directory $(B)/bin/swmmu-bench vm-module $(B)/vm/bench/swmmu-vmbench \
		VM_KERNEL=$(or $(VM_KERNEL),6.1)
	$(B)/bin/swmmu-bench
	VM_KERNEL=$(or $(VM_KERNEL),6.1) scripts/vm.sh -t 900 -o $(B)/vm/bench \
		-f $(B)/kmod-$(or $(VM_KERNEL),6.1)/kmod/swmmu.ko:/opt/swmmu/swmmu.ko \
		-f $(B)/vm/bench/swmmu-vmbench:/opt/swmmu/swmmu-vmbench -- \
		'insmod swmmu.ko && ./swmmu-vmbench; r=$$?; rmmod swmmu; exit $$r'

FUZZ_TIME ?= 60
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_TIME)

# The uAPI fuzzer on the debug kernel for DURATION seconds (SEED=, THREADS=, FILES= optional;
# GUIDED=1: coverage-guided, with the corpus kept in FUZZ_CORPUS).
DURATION ?= 300
fuzz-kernel: deps
	@$(MAKE) --no-print-directory $(B)/bin/swmmu-fuzz
	@DURATION=$(DURATION) SEED=$(SEED) THREADS=$(THREADS) FILES=$(FILES) GUIDED=$(GUIDED) \
		FUZZ_CORPUS=$(FUZZ_CORPUS) scripts/fuzz-kernel.sh

# The soak on the debug kernel for DURATION seconds, in rounds of ROUND seconds (default 30) with
# an unload and reload of the module between rounds (PROCS=, THREADS=, SEED= optional).
soak: deps
	@$(MAKE) --no-print-directory $(B)/bin/swmmu-soak $(B)/bin/swmmud
	@DURATION=$(DURATION) ROUND=$(ROUND) PROCS=$(PROCS) THREADS=$(THREADS) SEED=$(SEED) scripts/soak.sh

# --- sanitizer lane: ASan+UBSan (clang) and the libFuzzer targets of tests/fuzz -----------------
# `make san` builds the library, the unit tests, swmmu-sim and every tests/fuzz target into
# build/san (objects carry libFuzzer's coverage too, so that one build serves all). scripts/fuzz.sh
# runs the targets (`make fuzz`); `make check` runs the rest of the lane (scripts/check.sh).
.PHONY: san san-bins
# -O0 keeps the build quick for make check (the engine is instantiated per format); scripts/fuzz.sh
# builds with SAN_OPT=-O1 into SAN_B=build/san-O1 for long runs.
SAN_OPT ?= -O0
SAN_B ?= $(B)/san
SAN_FLAGS := $(SAN_OPT) -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_NAMES := $(filter-out sim_harness replay,$(basename $(notdir $(wildcard tests/fuzz/*.c))))
SIM_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out daemon/sim/main.c,$(SIM_SRCS)))
san:
	@$(MAKE) --no-print-directory B=$(SAN_B) CC=clang SANITIZE="$(SAN_FLAGS)" san-bins
san-bins: $(LIB) $(UNIT_BINS) $(B)/bin/swmmu-sim $(FUZZ_NAMES:%=$(B)/fuzz/%)
$(B)/obj/tests/fuzz/%.o: CFLAGS_USER += -Idaemon/sim -Itests/unit
$(B)/fuzz/%: $(B)/obj/tests/fuzz/%.o $(B)/obj/tests/fuzz/sim_harness.o $(SIM_LIB_OBJS) \
		$(B)/obj/daemon/common/swdraw.o $(UNIT_HELPERS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_USER)

# --- coverage: gcov/lcov of the host tests, plus the debug lane's module when it ran ------------
# `make coverage` builds the library, the unit tests, swmmu-sim and a plain-gcc replay program for
# each tests/fuzz target (tests/fuzz/replay.c: libFuzzer needs clang, gcov data wants gcc) with
# --coverage -O0 into build/cov-host, then scripts/coverage.sh runs them and reports. -O0 so that
# lines and branches are the source's, not what the optimizer left of them; atomic counters
# because test_concurrency runs the core from several threads (plain ones lose counts).
COV_B := $(B)/cov-host
.PHONY: cov-bins
coverage: deps
	@mkdir -p $(B)
	@$(MAKE) --no-print-directory B=$(COV_B) COVERAGE="--coverage -fprofile-update=atomic -O0" cov-bins > $(B)/cov-build.log 2>&1 || \
		{ tail -n 30 $(B)/cov-build.log; exit 1; }
	@scripts/coverage.sh
cov-bins: $(LIB) $(UNIT_BINS) $(B)/bin/swmmu-sim $(FUZZ_NAMES:%=$(B)/replay/%)
$(B)/replay/%: $(B)/obj/tests/fuzz/%.o $(B)/obj/tests/fuzz/replay.o $(B)/obj/tests/fuzz/sim_harness.o \
		$(SIM_LIB_OBJS) $(B)/obj/daemon/common/swdraw.o $(UNIT_HELPERS:%.c=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDLIBS_USER)

clean:
	rm -rf $(B)
	$(MAKE) -C kmod clean KDIR=$(KDIR) >/dev/null 2>&1 || true
