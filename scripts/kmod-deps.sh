#!/bin/sh
# Which kmod/ file calls which: for each object of the module's kmod/ part, the other kmod/
# objects that define a symbol it uses (from nm, so only real references count).
# usage: scripts/kmod-deps.sh [--cycles] [BUILD_DIR]   (default build/kmod-6.1/kmod)
# --cycles: print only the files that call each other in a circle (tsort's loops); nothing when
# the calls point one way.
set -eu
cycles=
if [ "${1:-}" = --cycles ]; then
	cycles=1
	shift
fi
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
done > "$tmp/graph"
if [ -z "$cycles" ]; then
	cat "$tmp/graph"
	exit 0
fi
# Every edge as "callee caller" (and each file with itself, so that lone files count); tsort
# reports each loop it has to break on stderr, one member per line.
awk '{ print $1, $1; for (i = 3; i <= NF; i++) print $i, $1 }' "$tmp/graph" |
	tsort 2>&1 >/dev/null | sed -n 's/^tsort: //p' | grep -v 'input contains a loop' || true
