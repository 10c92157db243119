#!/bin/bash
# Install everything swmmu needs on a Debian 12 machine (idempotent, quick when all is present).
# Called by `make deps`; every other top-level target depends on it.
set -euo pipefail

PKGS=(
	build-essential gcc make bc flex bison kmod cpio xz-utils pkg-config
	libelf-dev libssl-dev pahole
	linux-headers-amd64 linux-source-6.1 linux-source-6.12
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev liburing-dev libyaml-dev
	sparse cppcheck clang llvm libclang-rt-14-dev
	debootstrap
	mandoc dkms python3-yaml
	lcov
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

# The kernel matrix (6.1, 6.12 LTS, the newest Debian packages): resolved, fetched and unpacked
# into the cache, never installed on the host (scripts/kernels.sh). The resolved versions are
# printed here and recorded in $CACHE/kernels.list.
"$(dirname "$0")/kernels.sh" fetch
exit 0
