#!/bin/bash
# Runs every tests/sim/NAME.sim through swmmu-sim and compares stdout with NAME.out; the exit
# status must match "# expect-exit: N" on the script's first line (default 0). Prints TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sim=${SIM:-build/bin/swmmu-sim}
scripts=(tests/sim/*.sim)
# State kept: after each of these failing commands, dump, stats and describe print exactly what
# they printed before it (on an address space of a loaded format with mappings).
failing=(
	"load /dev/null" "load tests/sim/no-such.fmt" "load tests/sim/basic.sim"
	"format no-such-format" "format x86_64 va-bits=99" "format aarch64-64k va-bits=7"
	"image tests/sim/tiny.fmt" "image build/no-such.img"
)
for i in tests/sim/img/*.img; do
	# the hostile images that are refused (tests/sim/image-hostile.sim shows which)
	case $i in */split-root.img|*/missing.img|*/shared.img|*/unaligned-root.img) continue ;; esac
	failing+=("image $i")
done
echo "1..$((${#scripts[@]} + ${#failing[@]}))"
n=0
fails=0
for c in "${failing[@]}"; do
	n=$((n + 1))
	show=$'dump\nstats\ndescribe\n'
	out=$(printf 'map 0x400000 0x800000 4M w\nmap 0x1000 0x2000 8K r\n%s%s\n%s' "$show" "$c" "$show" |
	      timeout 60 "$sim" -F tests/sim/tiny.fmt 2>&1)
	rc=$?
	before=$(printf '%s\n' "$out" | sed -n '1,/^level 1 /p')
	after=$(printf '%s\n' "$out" | sed -n '/^level 1 /,$p' | sed '1d' | grep -v -e ': error: ' -e '^image: ')
	if [ $rc -eq 1 ] && [ -n "$before" ] && [ "$before" = "$after" ] &&
	   grep -q ": error: ${c%% *}: " <<<"$out"; then
		echo "ok $n - failed '$c' keeps dump, stats and format"
	else
		echo "not ok $n - failed '$c' keeps dump, stats and format (exit $rc)"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 20 | sed 's/^/# /'
		fails=$((fails + 1))
	fi
done
for s in "${scripts[@]}"; do
	n=$((n + 1))
	name=$(basename "$s" .sim)
	want_rc=$(sed -n '1s/^# expect-exit: *\([0-9]*\).*/\1/p' "$s")
	want_rc=${want_rc:-0}
	got=$(timeout 60 "$sim" "$s" 2>/dev/null)
	rc=$?
	if [ $rc -eq "$want_rc" ] && diff -u "tests/sim/$name.out" <(printf '%s\n' "$got") > build/sim-$name.diff; then
		echo "ok $n - sim $name"
	else
		echo "not ok $n - sim $name (exit $rc, wanted $want_rc)"
		sed 's/^/# /' build/sim-$name.diff 2>/dev/null | head -n 30
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
