#!/bin/bash
# The kernel matrix: the kernels swmmu.ko is built for and tested on.
#
#   scripts/kernels.sh fetch          resolve and fetch every kernel (make deps calls this)
#   scripts/kernels.sh list [PREFIX]  print the matrix (all, or the kernels PREFIX selects)
#   scripts/kernels.sh build PREFIX   build swmmu.ko for one kernel into build/kmod-PREFIX/
#
# The matrix, each entry named by a version prefix (what VM_KERNEL= selects):
#   6.1   Debian 12's own kernel: linux-headers-amd64 installed on the host, the image unpacked.
#   6.12  the newest 6.12 LTS in Debian 12's archive (linux-image-6.12.*+deb12-amd64), resolved
#         from the host's apt lists; image and headers unpacked, never installed.
#   N     the newest kernel Debian packages (unstable), resolved from unstable's package lists
#         each time this runs, so the matrix moves forward by itself; named by its major version
#         (7 today). Its headers and kbuild tools are built for unstable's C library and compiler,
#         so they are unpacked into a minimal unstable chroot under the cache (debootstrap) that
#         holds the compiler the kernel was built with; the module is built inside it.
# Nothing is installed on the host but Debian 12 packages, and the host's apt sources are never
# touched: unstable is reached through an apt configuration of its own (sources list, lists,
# cache and status under $CACHE/apt-unstable).
#
# $CACHE/kernels.list holds one line per kernel: PREFIX RELEASE IMAGE KDIR ROOT, where ROOT is
# "/" for a host build or the chroot the module is built in (KDIR is then inside it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SWMMU_CACHE:-/var/cache/swmmu}
LIST=$CACHE/kernels.list
MIRROR=${SWMMU_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SID_ROOT=$CACHE/unstable-root

log() { echo "kernels: $*" >&2; }
die() { echo "kernels: error: $*" >&2; exit 1; }

# --- apt for unstable, beside the host's own --------------------------------------------------
SID_APT=$CACHE/apt-unstable
sid_apt_opts() {
	echo -o "Dir::Etc::sourcelist=$SID_APT/sources.list" -o Dir::Etc::sourceparts=- \
		-o "Dir::State::Lists=$SID_APT/lists" -o "Dir::Cache=$SID_APT/cache" \
		-o "Dir::State::status=$SID_APT/status" -o APT::Get::List-Cleanup=0
}
sid_apt_update() {
	mkdir -p "$SID_APT"/lists/partial "$SID_APT"/cache/archives/partial
	echo "deb $MIRROR unstable main" > "$SID_APT/sources.list"
	touch "$SID_APT/status"
	# shellcheck disable=SC2046
	if ! apt-get -q $(sid_apt_opts) update >"$SID_APT/update.log" 2>&1; then
		ls "$SID_APT"/lists/*Packages* >/dev/null 2>&1 ||
			die "cannot read Debian unstable's package lists: $(tail -n 3 "$SID_APT/update.log")"
		log "warning: could not refresh unstable's package lists; using the cached ones"
	fi
}

# download DIR APT-OPTS... -- PACKAGE...: apt-get download into DIR (as root, apt warns that
# it cannot drop privileges for a root-owned folder; that is expected here).
download() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get download -q "$@" 2>&1 | grep -v -e '^W: Download is performed unsandboxed' \
		-e '^Get:' -e '^Fetched' >&2) || true
}

# The linux-headers-* and linux-kbuild-* packages a headers package needs.
headers_deps() {
	dpkg-deb -f "$1" Depends | tr ',|' '\n\n' | sed 's/([^)]*)//; s/ //g' |
		grep -E '^linux-(headers|kbuild)-' | sort -u
}

# unpack ROOT DEB...: dpkg-deb -x each package into ROOT.
unpack() {
	local root=$1 d
	shift
	mkdir -p "$root"
	for d in "$@"; do dpkg-deb -x "$d" "$root"; done
}

# The kernel image inside an unpacked package tree.
find_image() {
	find "$1" \( -path '*/boot/vmlinuz-*' -o -path '*/lib/modules/*/vmlinuz' \) -type f | head -n 1
}

# --- 6.1: Debian 12's kernel -----------------------------------------------------------------
fetch_61() {
	local kver kdir tmp
	kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*\).*/\1/p')
	[ -n "$kver" ] || die "cannot tell Debian 12's kernel version (is linux-headers-amd64 installed?)"
	kdir=$CACHE/kernel-$kver
	# The image package is unpacked, not installed: its hooks would touch the host's /boot.
	if [ ! -f "$kdir/boot/vmlinuz-$kver" ]; then
		log "fetching linux-image-$kver"
		tmp=$(mktemp -d)
		download "$tmp" "linux-image-$kver"
		rm -rf "$kdir.tmp"
		unpack "$kdir.tmp" "$tmp"/linux-image-"$kver"_*.deb
		rm -rf "$tmp" "$kdir"
		mv "$kdir.tmp" "$kdir"
	fi
	echo "6.1 $kver $kdir/boot/vmlinuz-$kver /usr/src/linux-headers-$kver /"
}

# --- 6.12: the LTS kernel in Debian 12's archive --------------------------------------------
fetch_612() {
	local kver root tmp hdr
	kver=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n 1)
	[ -n "$kver" ] || die "no linux-image-6.12.*+deb12-amd64 in the host's apt lists (apt-get update?)"
	root=$CACHE/kernel-$kver
	if [ ! -f "$root/.complete" ]; then
		log "fetching linux-image-$kver and its headers"
		tmp=$(mktemp -d)
		download "$tmp" "linux-image-$kver" "linux-headers-$kver"
		hdr=$(ls "$tmp"/linux-headers-"$kver"_*.deb 2>/dev/null) ||
			die "could not download linux-headers-$kver"
		# shellcheck disable=SC2046
		download "$tmp" $(headers_deps "$hdr")
		rm -rf "$root"
		unpack "$root" "$tmp"/*.deb
		rm -rf "$tmp"
		# The headers' Makefile names its -common half by absolute path; point it into the cache.
		sed -i "s|^include /usr/src/|include $root/usr/src/|" "$root/usr/src/linux-headers-$kver/Makefile"
		[ -n "$(find_image "$root")" ] || die "linux-image-$kver holds no kernel image"
		touch "$root/.complete"
	fi
	echo "6.12 $kver $(find_image "$root") $root/usr/src/linux-headers-$kver /"
}

# --- the newest: Debian unstable ---------------------------------------------------------------
# A minimal unstable system to run that kernel's kbuild tools and compiler in.
sid_chroot() {
	if [ ! -f "$SID_ROOT/.complete" ]; then
		command -v debootstrap >/dev/null || die "debootstrap is missing (make deps installs it)"
		log "creating a minimal Debian unstable chroot in $SID_ROOT (debootstrap, once)"
		rm -rf "$SID_ROOT"
		debootstrap --variant=minbase --include=make,libc6-dev,libelf-dev,bc,kmod \
			unstable "$SID_ROOT" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 ||
			die "debootstrap failed: see $CACHE/debootstrap.log"
		echo "deb $MIRROR unstable main" > "$SID_ROOT/etc/apt/sources.list"
		touch "$SID_ROOT/.complete"
	fi
}

# sid_install PACKAGE...: install into the chroot with the chroot's own apt.
sid_install() {
	local missing=() p
	for p in "$@"; do
		chroot "$SID_ROOT" dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]} in the unstable chroot"
	chroot "$SID_ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null 2>&1 || true
	chroot "$SID_ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -y -q install \
		--no-install-recommends "${missing[@]}" > "$CACHE/unstable-install.log" 2>&1 ||
		die "could not install ${missing[*]} in the unstable chroot: see $CACHE/unstable-install.log"
}

fetch_newest() {
	local kver major root tmp hdr cc
	sid_apt_update
	# shellcheck disable=SC2046
	kver=$(apt-cache $(sid_apt_opts) search --names-only '^linux-image-[0-9.]+\+deb[0-9]+-amd64$' |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n 1)
	[ -n "$kver" ] || die "no linux-image-*-amd64 in Debian unstable's package lists"
	major=${kver%%.*}
	root=$CACHE/kernel-$kver
	if [ ! -f "$root/.complete" ]; then
		log "fetching linux-image-$kver and its headers from Debian unstable"
		tmp=$(mktemp -d)
		# shellcheck disable=SC2046
		download "$tmp" $(sid_apt_opts) "linux-image-$kver" "linux-headers-$kver"
		# The image package may hold the kernel itself or name a linux-binary package that does.
		if [ -z "$(dpkg-deb -c "$tmp"/linux-image-"$kver"_*.deb | grep vmlinuz)" ]; then
			# shellcheck disable=SC2046
			download "$tmp" $(sid_apt_opts) "linux-binary-$kver"
		fi
		hdr=$(ls "$tmp"/linux-headers-"$kver"_*.deb 2>/dev/null) ||
			die "could not download linux-headers-$kver"
		# shellcheck disable=SC2046
		download "$tmp" $(sid_apt_opts) $(headers_deps "$hdr")
		rm -rf "$root"
		mkdir -p "$root/debs"
		mv "$tmp"/*.deb "$root/debs/"
		rmdir "$tmp"
		unpack "$root/image" "$root"/debs/linux-image-*.deb $(ls "$root"/debs/linux-binary-*.deb 2>/dev/null)
		[ -n "$(find_image "$root/image")" ] || die "linux-image-$kver holds no kernel image"
		touch "$root/.complete"
	fi
	sid_chroot
	if [ ! -f "$SID_ROOT/usr/src/linux-headers-$kver/.config" ]; then
		unpack "$SID_ROOT" "$root"/debs/linux-headers-*.deb "$root"/debs/linux-kbuild-*.deb
	fi
	# The compiler the kernel was built with: CONFIG_CC_VERSION_TEXT names it (gcc-16 today).
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="[^ ]*-\(gcc-[0-9]*\) .*/\1/p' \
		"$SID_ROOT/usr/src/linux-headers-$kver/.config")
	[ -n "$cc" ] || die "cannot tell which gcc built $kver"
	# Since 7.x kbuild runs pahole (scripts/gen-btf.sh) for every module of a kernel with
	# CONFIG_DEBUG_INFO_BTF_MODULES, even with no vmlinux to take the types from: without it the
	# module's final link fails ("pahole: not found").
	if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$SID_ROOT/usr/src/linux-headers-$kver/.config"; then
		sid_install "$cc" pahole
	else
		sid_install "$cc"
	fi
	echo "$major $kver $(find_image "$root/image") /usr/src/linux-headers-$kver $SID_ROOT"
}

# --- commands ------------------------------------------------------------------------------------

# select PREFIX: the lines of the matrix PREFIX selects (all without one).
select_kernels() {
	[ -f "$LIST" ] || die "no kernel matrix yet: run make deps"
	awk -v p="${1:-}" 'p == "" || $1 == p || index($2, p ".") == 1 || index($1, p ".") == 1' "$LIST"
}

case ${1:-} in
fetch)
	mkdir -p "$CACHE"
	{
		fetch_61
		fetch_612
		fetch_newest
	} > "$LIST.tmp"
	mv "$LIST.tmp" "$LIST"
	while read -r prefix kver image _; do
		log "$prefix -> $kver ($(basename "$image"))"
	done < "$LIST"
	;;
list)
	select_kernels "${2:-}"
	;;
build)
	[ -n "${2:-}" ] || die "usage: $0 build PREFIX"
	line=$(select_kernels "$2" | head -n 1)
	[ -n "$line" ] || die "no kernel '$2' in the matrix ($(awk '{printf "%s ", $1}' "$LIST"))"
	read -r prefix kver image kdir root <<< "$line"
	out=build/kmod-$prefix
	cd "$top"
	# kbuild writes objects next to the sources, so build in a tree of symlinks per kernel.
	mkdir -p "$out"
	for d in core arch uapi include kmod samples; do
		mkdir -p "$out/$d"
		[ ! -d "$top/$d" ] || cp -rsf "$top/$d/." "$out/$d/"
	done
	find "$out" -xtype l -delete
	# Objects of an in-place build (make -C KDIR M=$PWD/kmod) are not sources: never link them.
	find "$out" -type l \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '*.a' -o -name modules.order -o -name Module.symvers -o \
		-name swmmu_compat_gen.h \) -delete
	echo "$kver" > "$out/kernel-release"
	# The build's output is kept (build/kmod-PREFIX/build.log): make check fails on a warning.
	echo "kernels: building swmmu.ko for $kver" >&2
	# swmmu.ko, then the sample client against its Module.symvers (samples/swmmu-gpu).
	builds='make -C "$1" M="$2/$3/kmod" modules &&
		make -C "$1" M="$2/$3/samples/swmmu-gpu" \
			KBUILD_EXTRA_SYMBOLS="$2/$3/kmod/Module.symvers" modules'
	if [ "$root" = / ]; then
		sh -c "$builds" sh "$kdir" "$top" "$out" 2>&1 | tee "$out/build.log"
	else
		# In the chroot: the work tree bind-mounted at the same path (the symlinks resolve),
		# and /proc for objtool, in a private mount namespace that goes with the build.
		unshare -m sh -c 'mkdir -p "$1$2" && mount --bind "$2" "$1$2" &&
			mount -t proc proc "$1/proc" && exec chroot "$1" sh -c "$5" sh "$3" "$2" "$4"' \
			sh "$root" "$top" "$kdir" "$out" "$builds" 2>&1 | tee "$out/build.log"
	fi
	[ -f "$out/kmod/swmmu.ko" ] && [ -f "$out/samples/swmmu-gpu/swmmu_gpu.ko" ]
	;;
*)
	echo "usage: $0 fetch | list [PREFIX] | build PREFIX" >&2
	exit 2
	;;
esac
