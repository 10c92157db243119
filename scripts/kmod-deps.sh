#!/bin/sh
# Which kmod/ file calls which: for each object of the module's kmod/ part, the other kmod/
# objects that define a symbol it uses (from nm, so only real references count).
# usage: scripts/kmod-deps.sh [BUILD_DIR]   (default build/kmod-6.1/kmod)
set -eu
dir=${1:-build/kmod-6.1/kmod}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "$dir"/swmmu_*.o; do
	case $o in *.mod.o) continue ;; esac
	b=$(basename "$o" .o)
	nm --defined-only "$o" | awk '$2 ~ /[TDRB]/ {print $3}' | sed "s/\$/ $b/" >> "$tmp/defs"
done
sort -o "$tmp/defs" "$tmp/defs"
for o in "$dir"/swmmu_*.o; do
	case $o in *.mod.o) continue ;; esac
	b=$(basename "$o" .o)
	nm --undefined-only "$o" | awk '{print $2}' | sort -u > "$tmp/u"
	uses=$(join "$tmp/u" "$tmp/defs" | awk -v self="$b" '$2 != self {print $2}' | sort -u | tr '\n' ' ')
	echo "$b -> $uses"
done
