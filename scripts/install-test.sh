#!/bin/bash
# `make install` tested (make check runs it; TAP): install into temporary DESTDIRs with
# PREFIX=/usr and PREFIX=/usr/local and check the tree - every file, the paths the systemd unit
# names, the man pages (mandoc -T lint), a program built against the installed headers and
# libswmmu.a through pkg-config, `make uninstall` leaving nothing - then `dkms build` of the
# installed module source against the headers trees of the kernel matrix that build on the
# host (6.1, 6.12; the newest kernel builds only in its unstable chroot, see scripts/kernels.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/install-test
rm -rf "$out"
mkdir -p "$out"
version=$(sed -n 's/^VERSION := //p' Makefile)
n=0
fails=0
ok() { # ok DESCRIPTION COMMAND...: one test
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$out/last.log" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$out/last.log" | head -n 20
		fails=$((fails + 1))
	fi
}

kernels=()
if command -v dkms > /dev/null; then
	while read -r prefix release _ kdir root; do
		[ "$root" = / ] && [ -f "$kdir/Makefile" ] && kernels+=("$release:$kdir")
	done < <(scripts/kernels.sh list 2>/dev/null)
fi
echo "1..$((36 + ${#kernels[@]}))"

# --- PREFIX=/usr --------------------------------------------------------------------------------
d=$out/usr
ok "make install DESTDIR=... PREFIX=/usr" make -s install DESTDIR="$d" PREFIX=/usr
for f in usr/bin/swmmuctl usr/bin/swmmu-sim usr/sbin/swmmud; do
	ok "$f installed and executable" test -x "$d/$f"
done
for f in usr/lib/systemd/system/swmmud.service etc/swmmud.conf usr/share/doc/swmmu/examples/swmmud.conf \
	usr/share/doc/swmmu/README.md usr/share/doc/swmmu/control-plane.md \
	usr/share/doc/swmmu/format-language.md usr/include/swmmu/linux/swmmu.h \
	usr/include/swmmu/linux/swmmu_netlink.h usr/include/swmmu/swmmu_pt.h usr/lib/libswmmu.a \
	usr/lib/pkgconfig/swmmu.pc usr/lib/udev/rules.d/60-swmmu.rules usr/lib/sysusers.d/swmmu.conf \
	usr/src/swmmu-$version/dkms.conf usr/src/swmmu-$version/kmod/Kbuild \
	usr/src/swmmu-$version/core/swmmu_pt.c usr/src/swmmu-$version/arch/swmmu_formats.def; do
	ok "$f installed" test -s "$d/$f"
done
man=(usr/share/man/man1/swmmu-sim.1 usr/share/man/man4/swmmu.4 usr/share/man/man5/swmmu-format.5
	usr/share/man/man8/swmmuctl.8 usr/share/man/man8/swmmud.8)
ok "the five man pages installed" bash -c 'cd "$1" && shift && ls "$@"' _ "$d" "${man[@]}"
ok "the man pages pass mandoc -T lint" bash -c 'cd "$1" && shift && mandoc -T lint -W warning "$@"' \
	_ "$d" "${man[@]}"

# Every path the unit names is in the tree, at the installed place.
unit_paths() { # unit_paths ROOT UNIT: each absolute path the unit names exists under ROOT
	local root=$1 unit=$2 p bad=0
	for p in $(grep -oE '(file://)?/[A-Za-z0-9/._-]+' "$unit" | sed 's|^file://||' |
		grep -vE '^/bin/kill$'); do
		[ -e "$root$p" ] || { echo "missing: $p"; bad=1; }
	done
	grep -q "^ExecStart=$3/swmmud " "$unit" || { echo "ExecStart is not $3/swmmud"; bad=1; }
	return $bad
}
ok "swmmud.service names the installed swmmud, config and docs" \
	unit_paths "$d" "$d/usr/lib/systemd/system/swmmud.service" /usr/sbin
ok "the DKMS configuration names the version installed" \
	grep -q "^PACKAGE_VERSION=\"$version\"" "$d/usr/src/swmmu-$version/dkms.conf"
ok "the udev rule gives /dev/swmmu to the swmmu group, 0660" \
	grep -q 'KERNEL=="swmmu".*GROUP="swmmu".*MODE="0660"' "$d/usr/lib/udev/rules.d/60-swmmu.rules"

# A program of a userspace user of the core, built only from the installed tree.
cat > "$out/user.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <linux/swmmu.h>
#include "swmmu_pt.h"

static char arena[1 << 20] __attribute__((aligned(4096)));
static size_t used = 4096;

static void *alloc(void *ctx, size_t size, size_t align, u64 *addr)
{
	void *p;

	(void)ctx;
	used = (used + align - 1) & ~(align - 1);
	if (used + size > sizeof(arena))
		return NULL;
	p = arena + used;
	*addr = used;
	used += size;
	return p;
}

static void release(void *ctx, void *cpu, u64 addr, size_t size)
{
	(void)ctx; (void)cpu; (void)addr; (void)size;
}

int main(void)
{
	static const struct swmmu_mem_ops ops = { .alloc = alloc, .free = release };
	struct swmmu_mem mem = { .ops = &ops, .cpu_offset = (unsigned long)arena };
	struct swmmu_xlate x;
	struct swmmu_as as;

	if (swmmu_as_init(&as, swmmu_format_find("x86_64"), &mem) ||
	    swmmu_map(&as, 0x200000, 0x40000000, 0x200000, SWMMU_PROT_R | SWMMU_PROT_W) ||
	    swmmu_query(&as, 0x201000, &x) || x.pa != 0x40001000 || SWMMU_PROT_READ != 1)
		return 1;
	swmmu_as_destroy(&as);
	puts("ok");
	return 0;
}
EOF
pc() {
	PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_PATH=$d/usr/lib/pkgconfig pkg-config "$@"
}
build_user() {
	# shellcheck disable=SC2046
	gcc -std=gnu11 -Wall -Wextra -Werror -o "$out/user" "$out/user.c" $(pc --cflags --libs swmmu) &&
		[ "$("$out/user")" = ok ]
}
ok "pkg-config swmmu: version $version" test "$(pc --modversion swmmu)" = "$version"
ok "a program built against the installed headers and libswmmu.a maps and queries" build_user

ok "make uninstall DESTDIR=... PREFIX=/usr" make -s uninstall DESTDIR="$d" PREFIX=/usr
ok "nothing left but directories" bash -c '[ -z "$(find "$1" ! -type d)" ] || find "$1" ! -type d' _ "$d"

# --- PREFIX=/usr/local: the unit follows the prefix ---------------------------------------------
d=$out/local
ok "make install DESTDIR=... (PREFIX=/usr/local)" make -s install DESTDIR="$d"
ok "swmmud in /usr/local/sbin, its configuration in /usr/local/etc" \
	test -x "$d/usr/local/sbin/swmmud" -a -s "$d/usr/local/etc/swmmud.conf"
ok "swmmud.service names /usr/local paths, all of them installed" \
	unit_paths "$d" "$d/usr/local/lib/systemd/system/swmmud.service" /usr/local/sbin
ok "the udev rule and sysusers entry where udev and systemd read them (/etc)" \
	test -s "$d/etc/udev/rules.d/60-swmmu.rules" -a -s "$d/etc/sysusers.d/swmmu.conf"
echo "# a changed configuration" >> "$d/usr/local/etc/swmmud.conf"
ok "make uninstall (PREFIX=/usr/local)" make -s uninstall DESTDIR="$d"
ok "uninstall keeps a changed swmmud.conf, removes the rest" \
	bash -c '[ "$(find "$1" ! -type d)" = "$1/usr/local/etc/swmmud.conf" ]' _ "$d"

# --- DKMS: the installed module source builds against each kernel's headers --------------------
d=$out/dkms
make -s install DESTDIR="$d" PREFIX=/usr > /dev/null 2>&1
mkdir -p "$d/dkmstree"
for k in "${kernels[@]}"; do
	release=${k%%:*}
	kdir=${k#*:}
	ok "dkms build swmmu/$version for $release (installed source, $kdir)" \
		bash -c 'dkms build "swmmu/$1" --dkmstree "$2/dkmstree" --sourcetree "$2/usr/src" \
			-k "$3" --kernelsourcedir "$4" &&
			ls "$2/dkmstree/swmmu/$1/$3/x86_64/module/"swmmu.ko*' \
		_ "$version" "$d" "$release" "$kdir"
done
[ $fails -eq 0 ]
