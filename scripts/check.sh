#!/bin/bash
# `make check`: lint, host unit tests, swmmu-sim scripts, then the VM tests in one boot.
# Ends with "N passed, N failed[, N skipped]" over every test; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# check-debug (scripts/check-debug.sh) reuses this with another kernel, module and result folder,
# and without the host-side suites.
res=${CHECK_RESULTS:-build/results}
module=${CHECK_MODULE:-build/kmod-vm/kmod/swmmu.ko}
vmout=${CHECK_VM_OUT:-build/vm/check}
rm -rf "$res"
mkdir -p "$res"

# run_suite NAME LOGFILE COMMAND...: run a TAP-printing command, framed for tap-summary.awk.
run_suite() {
	local name=$1 log=$2 rc
	shift 2
	echo "== $name"
	{
		echo "# swmmu-suite-begin $name"
		"$@" 2>&1
		rc=$?
		echo "# swmmu-suite-end $name rc=$rc"
	} > "$log"
	grep -E '^(not ok|# swmmu-suite-end)' "$log" | grep -v 'rc=0$' | sed 's/^/   /'
	return 0
}

if [ "${CHECK_HOST:-1}" = 1 ]; then
run_suite lint "$res/lint.log" scripts/lint.sh

for t in build/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$res/unit-$(basename "$t").log" "$t"
done

if [ -x build/bin/swmmu-sim ] && ls tests/sim/*.sim >/dev/null 2>&1; then
	run_suite sim-scripts "$res/sim.log" scripts/sim-tests.sh
fi
fi

# The VM: one boot for all VM tests.
echo "== vm (booting; serial logs in $vmout)"
vmargs=(-o "$vmout" -t "${VM_TIMEOUT:-1200}" -f "$module:/opt/swmmu/swmmu.ko"
	-f tests/vm/run-in-vm.sh:/opt/swmmu/run-in-vm.sh)
[ -d build/vm/tests ] && vmargs+=(-f build/vm/tests:/opt/swmmu/tests)
# The userspace tools (swmmud, swmmuctl) that VM tests start.
[ -d build/bin ] && vmargs+=(-f build/bin:/opt/swmmu/bin)
scripts/vm.sh "${vmargs[@]}" -- sh ./run-in-vm.sh > "$res/vm-stdout.txt" 2> "$res/vm-stderr.txt"
vmrc=$?
cp "$vmout/output.log" "$res/vm.log"
grep -E '^not ok' "$res/vm.log" | sed 's/^/   /'
grep -v "^vm: booting" "$res/vm-stderr.txt" | sed 's/^/   /'
{
	echo "# swmmu-suite-begin vm-kernel-log"
	echo "1..2"
	case $vmrc in
	124) echo "not ok 1 - VM finished before its timeout" ;;
	126) echo "not ok 1 - VM booted and reported an exit status" ;;
	*) echo "ok 1 - VM ran to completion" ;;
	esac
	if [ $vmrc -eq 125 ]; then
		echo "not ok 2 - kernel log free of WARNING/BUG/Oops/KASAN/UBSAN/lockdep/hung-task reports"
	else
		echo "ok 2 - kernel log free of WARNING/BUG/Oops/KASAN/UBSAN/lockdep/hung-task reports"
	fi
	echo "# swmmu-suite-end vm-kernel-log rc=0"
} > "$res/vm-kernel-log.log"

echo
cat "$res"/*.log | awk -f scripts/tap-summary.awk
