#!/bin/bash
# Install everything swmmu needs on a Debian 12 machine (idempotent, quick when all is present).
# Called by `make deps`; every other top-level target depends on it.
set -euo pipefail

PKGS=(
	build-essential gcc make bc flex bison kmod cpio xz-utils pkg-config
	libelf-dev libssl-dev
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev liburing-dev libyaml-dev
	sparse cppcheck clang llvm libclang-rt-14-dev
)
CACHE=${SWMMU_CACHE:-/var/cache/swmmu}

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The VM boots Debian's own 6.1 kernel, the one linux-headers-amd64 matches. Unpack the image
# package into a cache instead of installing it: its postinst hooks would build an initramfs and
# touch the host's /boot, neither of which we want.
kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 | sed -n 's/.*linux-headers-\([0-9][^ ,]*\).*/\1/p')
[ -n "$kver" ] || { echo "deps: cannot tell the kernel version" >&2; exit 1; }
kdir=$CACHE/kernel-$kver
if [ ! -f "$kdir/boot/vmlinuz-$kver" ]; then
	echo "deps: fetching linux-image-$kver for the VM"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "linux-image-$kver")
	mkdir -p "$kdir.tmp"
	dpkg-deb -x "$tmp"/linux-image-"$kver"_*.deb "$kdir.tmp"
	rm -rf "$tmp" "$kdir"
	mv "$kdir.tmp" "$kdir"
fi
exit 0
