#!/bin/sh
# Runs inside the VM (scripts/vm.sh): loads swmmu.ko, runs every test binary in ./tests, unloads.
# Every suite is framed by markers that scripts/tap-summary.awk reads.
#
#   run-in-vm.sh [-p PREFIX] [TEST...]
#
# With TEST names, only those binaries of ./tests run (a missing one is a failed suite): the
# short boots of scripts/check.sh. PREFIX goes in front of every suite name, to tell a boot's
# suites from another's in the summary.
cd /opt/swmmu || exit 1
prefix=
if [ "${1:-}" = -p ]; then
	prefix=$2
	shift 2
fi

# kmemleak (debug kernel only): forget what boot left behind, so the final scan sees only ours.
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak

echo "# swmmu-suite-begin ${prefix}vm-lane"
echo "1..2"
if insmod ./swmmu.ko; then echo "ok 1 - insmod swmmu.ko"; else echo "not ok 1 - insmod swmmu.ko"; fi
if [ -c /dev/swmmu ]; then echo "ok 2 - /dev/swmmu exists"; else echo "not ok 2 - /dev/swmmu exists"; fi
echo "# swmmu-suite-end ${prefix}vm-lane rc=0"

# Fault injection can turn DMA API debugging off for good (an injected failure inside dma-debug's
# own bookkeeping disables it), so the suites that inject faults run after all the others.
# The uAPI fuzzer runs last, in both lanes: whatever random state it leaves in the module
# (the device-wide IOTLB size) cannot then change another suite's results. It runs in a child
# process of fuzz_test, which cleans up after it even if it dies (docs/reliability.md). Short on
# Debian's kernel, where make check time matters; longer on the debug kernel, which is slower.
if [ -w /sys/kernel/debug/kmemleak ]; then
	export SWMMU_FUZZ_SECONDS=30
else
	export SWMMU_FUZZ_SECONDS=15
fi
if [ $# -gt 0 ]; then
	suites=
	for t in "$@"; do
		suites="$suites ./tests/$t"
	done
else
	# amd_test needs the AMD IOMMU: scripts/check.sh runs it in a boot of its own.
	suites=$(ls ./tests/* | grep -v -e /fail_nth_test -e /fuzz_test -e /amd_test)
	suites="$suites ./tests/fail_nth_test ./tests/fuzz_test"
fi
for t in $suites; do
	name=$(basename "$t")
	if [ ! -x "$t" ]; then
		# Asked for by name: its absence is a failure.
		if [ $# -gt 0 ]; then
			echo "# swmmu-suite-begin $prefix$name"
			echo "1..1"
			echo "not ok 1 - $t is in the VM"
			echo "# swmmu-suite-end $prefix$name rc=1"
		fi
		continue
	fi
	echo "# swmmu-suite-begin $prefix$name"
	"$t"
	echo "# swmmu-suite-end $prefix$name rc=$?"
done

echo "# swmmu-suite-begin ${prefix}vm-unload"
echo "1..1"
if rmmod swmmu; then echo "ok 1 - rmmod swmmu"; else echo "not ok 1 - rmmod swmmu"; fi
echo "# swmmu-suite-end ${prefix}vm-unload rc=0"

# On the debug kernel: after everything is closed and unloaded, kmemleak must find nothing.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "# swmmu-suite-begin ${prefix}kmemleak"
	echo "1..1"
	# kmemleak reports an object only after it has been unreferenced for a while: scan twice.
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -z "$leaks" ]; then
		echo "ok 1 - kmemleak: no unreferenced objects"
	else
		echo "not ok 1 - kmemleak: unreferenced objects"
		echo "$leaks" | head -n 60 | sed 's/^/# /'
	fi
	echo "# swmmu-suite-end ${prefix}kmemleak rc=0"
fi

# On the debug kernel (CONFIG_GCOV_KERNEL; the module is built with GCOV_PROFILE): the module's
# gcov counts, for scripts/coverage.sh. gcov keeps the counts of an unloaded module (gcov_persist=1,
# the default) and adds those of every later load, so this runs after the last rmmod and covers
# the exit paths too. debugfs shows every file with size 0, which tar would copy as empty: each
# is read into /tmp/swmmu-gcov (scripts/vm.sh -O copies that out).
if [ -d /sys/kernel/debug/gcov ]; then
	find /sys/kernel/debug/gcov -name '*.gcda' | while read -r f; do
		mkdir -p "/tmp/swmmu-gcov$(dirname "$f")"
		cat "$f" > "/tmp/swmmu-gcov$f"
	done
fi
