#!/bin/bash
# Build (once) the debug kernel of `make check-debug` from Debian's linux-source-$DEBUG_KERNEL
# (6.12 unless told; README.md, "Which check is for what", says why) and print the directory that holds it. The result is cached outside the
# clone, keyed by the source package version and our config fragment, so a warm machine does not
# rebuild.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SWMMU_CACHE:-/var/cache/swmmu}
series=${DEBUG_KERNEL:-6.12}
tarball=/usr/src/linux-source-$series.tar.xz
[ -f "$tarball" ] || { echo "debug-kernel: missing $tarball (apt install linux-source-$series)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series")
# The fragment, plus what one series needs besides (swmmu-debug-SERIES.config, if there is one).
fragments=("$here/swmmu-debug.config")
[ -f "$here/swmmu-debug-$series.config" ] && fragments+=("$here/swmmu-debug-$series.config")
key=$(cat "${fragments[@]}" <(echo "$srcver") | sha256sum | cut -c1-16)
out=$cache/debug-kernel-$key
mkdir -p "$cache"
# One build at a time: a second caller waits for the first and then finds it done.
exec 9> "$cache/debug-kernel.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

src=$cache/linux-source-$srcver
if [ ! -f "$src/.done" ]; then
	echo "debug-kernel: unpacking linux-source-$srcver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.done"
fi

echo "debug-kernel: building into $out (about 11 min on 2 cores)" >&2
rm -rf "$out"
mkdir -p "$out"
log=$out/build.log
{
	make -C "$src" O="$out" ARCH=x86_64 tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}"
	make -C "$src" O="$out" ARCH=x86_64 olddefconfig
} > "$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }

# Every option we asked for must have survived olddefconfig (a missing dependency drops it
# silently, and a debug kernel without KASAN would pass everything).
missing=$(cat "${fragments[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=y' | while read -r opt; do
	grep -qx "$opt" "$out/.config" || echo "$opt"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: options that did not take:" $missing >&2
	exit 1
fi

nice make -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules >> "$log" 2>&1 ||
	{ tail -n 40 "$log" >&2; exit 1; }
touch "$out/.done"
echo "$out"
