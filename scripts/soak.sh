#!/bin/bash
# `make soak DURATION=seconds`: boot the debug kernel of `make check-debug` (built once and cached,
# see scripts/debug-kernel/build.sh) with panic_on_warn and run the soak (build/bin/swmmu-soak,
# tests/vm/soak/) in rounds of ROUND seconds (default 30) for DURATION seconds (default 300).
# Every round loads swmmu.ko, runs one swmmu-soak (which checks every copy, the faults, swmmud's
# restart and the debugfs counters at its end), unloads the module and scans the kernel log of the
# round for warnings, bugs and sanitizer reports; a kmemleak scan ends the run. Prints the figures
# of every round and a summary line; exit status 0 on pass.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${DURATION:-300}
round=${ROUND:-30}
[ "$round" -gt 0 ] && [ "$secs" -gt 0 ] || { echo "soak: DURATION and ROUND must be positive"; exit 2; }
rounds=$(( secs / round ))
[ "$rounds" -ge 1 ] || rounds=1
per=$(( secs / rounds ))
args=(-d "$per")
[ -n "${PROCS:-}" ] && args+=(-p "$PROCS")
[ -n "${THREADS:-}" ] && args+=(-t "$THREADS")
seed=${SEED:-1}
kout=$(scripts/debug-kernel/build.sh) || { echo "soak: the debug kernel did not build"; exit 1; }
make --no-print-directory debug-module DEBUG_KDIR="$kout" > build/debug-module.log 2>&1 ||
	{ tail -n 30 build/debug-module.log; exit 1; }
splat=$(cat scripts/kernel-splat.re)
cat > build/soak-run.sh <<SCRIPT
rc=0
done_rounds=0
: > /tmp/soak-all.log
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
for r in \$(seq 1 $rounds); do
	echo "# round \$r of $rounds"
	before=\$(dmesg | wc -l)
	insmod ./swmmu.ko || { echo "not ok \$r - insmod"; rc=1; break; }
	./bin/swmmu-soak ${args[*]} -s \$(( $seed + r - 1 )) > /tmp/soak-round.log || rc=1
	cat /tmp/soak-round.log; grep '^# operations' /tmp/soak-round.log >> /tmp/soak-all.log
	rmmod swmmu || { echo "# rmmod failed"; rc=1; }
	bad=\$(dmesg | tail -n +\$(( before + 1 )) | grep -E '$splat')
	if [ -n "\$bad" ]; then echo "# kernel log of round \$r:"; echo "\$bad" | head -n 40 | sed 's/^/# /'; rc=1; fi
	if [ \$rc = 0 ]; then echo "ok \$r - round \$r"; else echo "not ok \$r - round \$r"; break; fi
	done_rounds=\$r
done
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak
	leaks=\$(cat /sys/kernel/debug/kmemleak)
	if [ -n "\$leaks" ]; then echo "# kmemleak:"; echo "\$leaks" | head -n 60 | sed 's/^/# /'; rc=1; fi
else
	echo "# kmemleak: not available in this kernel"; rc=1
fi
# The totals of the rounds' "# operations N (+ netlink N), copies N, bytes verified N, faults
# served N, ..." lines.
totals=\$(awk '{ for (i = 1; i < NF; i++) { v = \$(i + 1) + 0
	if (\$i == "operations") o += v; if (\$i == "netlink") n += v; if (\$i == "copies") c += v
	if (\$i == "verified") b += v; if (\$i == "served") f += v } }
	END { printf "%.0f operations + %.0f netlink, %.0f copies, %.0f bytes verified, %.0f faults served", o, n, c, b, f }' /tmp/soak-all.log 2>/dev/null)
echo "# soak: \$done_rounds of $rounds rounds of $per s passed (\$totals), kmemleak \$([ -z "\${leaks:-}" ] && echo clean || echo LEAKS), exit \$rc"
exit \$rc
SCRIPT
# Each round may take GRACE_S (60 s) past its deadline, plus the boot and the kmemleak scans.
VM_KERNEL_IMAGE="$kout/arch/x86/boot/bzImage" VM_APPEND="panic_on_warn=1 kasan.fault=panic" \
	scripts/vm.sh -t $(( secs + rounds * 90 + 600 )) -o build/vm/soak \
	-f build/kmod-debug/kmod/swmmu.ko:/opt/swmmu/swmmu.ko -f build/bin:/opt/swmmu/bin \
	-f build/soak-run.sh:/opt/swmmu/run-soak.sh -- sh ./run-soak.sh
rc=$?
echo "soak: exit status $rc (logs in build/vm/soak)"
exit $rc
