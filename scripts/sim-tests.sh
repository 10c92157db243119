#!/bin/bash
# Runs every tests/sim/NAME.sim through swmmu-sim and compares stdout with NAME.out; the exit
# status must match "# expect-exit: N" on the script's first line (default 0). Prints TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sim=${SIM:-build/bin/swmmu-sim}
scripts=(tests/sim/*.sim)
echo "1..${#scripts[@]}"
n=0
fails=0
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
