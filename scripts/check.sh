#!/bin/bash
# `make check`: lint, host unit tests, swmmu-sim scripts, then the VM tests: all in one boot with
# the Intel IOMMU, and AMD_CHECK's test in a short second boot with the AMD IOMMU.
# Ends with "N passed, N failed[, N skipped]" over every test; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# check-debug (scripts/check-debug.sh) reuses this with another kernel, module and result folder,
# and without the host-side suites.
res=${CHECK_RESULTS:-build/results}
module=
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

# The sanitizer lane (make san: clang, ASan+UBSan, -O0, build/san): the unit tests (the random
# one for 0.02 s per format: at -O0 its fixed cost dominates) and the sim scripts again, then
# the libFuzzer targets of tests/fuzz, all at once for FUZZ_CHECK_SECONDS (default 10;
# scripts/fuzz.sh --check). CHECK_SAN=0 leaves the lane out.
san_build() {
	echo "1..1"
	if make --no-print-directory -j"$(nproc)" san > build/san-build.log 2>&1; then
		echo "ok 1 - sanitizer build (make san)"
	else
		echo "not ok 1 - sanitizer build (make san), log in build/san-build.log"
		tail -n 30 build/san-build.log | sed 's/^/# /'
	fi
}
if [ "${CHECK_SAN:-1}" = 1 ]; then
	run_suite san-build "$res/san-build.log" san_build
	for t in build/san/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run_suite "san/$(basename "$t")" "$res/san-unit-$(basename "$t").log" \
			env SWMMU_RANDOM_SECONDS=0.02 "$t"
	done
	run_suite san/sim-scripts "$res/san-sim.log" env SIM=build/san/bin/swmmu-sim scripts/sim-tests.sh
	run_suite fuzz "$res/fuzz.log" scripts/fuzz.sh --check "${FUZZ_CHECK_SECONDS:-10}"
fi
run_suite install "$res/install.log" scripts/install-test.sh
fi

# vm_log_suite NAME RC: the verdict of scripts/vm.sh on one boot (status RC) as a TAP suite.
vm_log_suite() {
	local name=$1 vmrc=$2
	echo "# swmmu-suite-begin $name"
	echo "1..2"
	case $vmrc in
	124) echo "not ok 1 - VM finished before its timeout" ;;
	126) echo "not ok 1 - VM booted and reported an exit status" ;;
	*) echo "ok 1 - VM ran to completion" ;;
	esac
	if [ "$vmrc" -eq 125 ]; then
		echo "not ok 2 - kernel log free of WARNING/BUG/Oops/KASAN/UBSAN/lockdep/hung-task reports"
	else
		echo "ok 2 - kernel log free of WARNING/BUG/Oops/KASAN/UBSAN/lockdep/hung-task reports"
	fi
	echo "# swmmu-suite-end $name rc=0"
}

# vm_boot DIR NAME OUTDIR TIMEOUT [scripts/vm.sh ARGS...] -- COMMAND: one boot with $module and
# $image, its output saved as DIR/NAME.log and its verdict as the suite NAME-kernel-log.
vm_boot() {
	local dir=$1 name=$2 out=$3 timeout=$4 vmrc t0=$SECONDS sample extra=()
	shift 4
	# The sample client module, built beside swmmu.ko (kclient_test loads it).
	sample=$(dirname "$module")/../samples/swmmu-gpu/swmmu_gpu.ko
	[ -f "$sample" ] && extra+=(-f "$sample:/opt/swmmu/swmmu_gpu.ko")
	echo "== $name (booting $(basename "$image"); serial logs in $out)"
	VM_KERNEL_IMAGE=$image scripts/vm.sh -o "$out" -t "$timeout" \
		-f "$module:/opt/swmmu/swmmu.ko" -f tests/vm/run-in-vm.sh:/opt/swmmu/run-in-vm.sh \
		"${extra[@]}" "$@" \
		> "$dir/$name-stdout.txt" 2> "$dir/$name-stderr.txt"
	vmrc=$?
	cp "$out/output.log" "$dir/$name.log"
	grep -E '^not ok' "$dir/$name.log" | sed 's/^/   /'
	grep -v "^vm: booting" "$dir/$name-stderr.txt" | sed 's/^/   /'
	vm_log_suite "$name-kernel-log" $vmrc > "$dir/$name-kernel-log.log"
	echo "   $name: $((SECONDS - t0)) s"
}

# kbuild_suite DIR PREFIX LOG: the module's build for one kernel, as a suite: it built, and
# with no compiler warning.
kbuild_suite() {
	local dir=$1 p=$2 log=$3 sample
	{
		echo "# swmmu-suite-begin $p:kbuild"
		echo "1..3"
		if [ -f "${module}" ]; then echo "ok 1 - swmmu.ko built"; else echo "not ok 1 - swmmu.ko built"; fi
		sample=$(dirname "$module")/../samples/swmmu-gpu/swmmu_gpu.ko
		if [ -f "$sample" ]; then echo "ok 2 - swmmu_gpu.ko (the sample client) built"
		else echo "not ok 2 - swmmu_gpu.ko (the sample client) built"; fi
		# Without -q the second grep reads all its input: an early exit would make the first
		# one die of SIGPIPE, which pipefail would turn into "no warning".
		if [ -f "$log" ] && ! grep 'warning:' "$log" | grep -v '^make' > /dev/null; then
			echo "ok 3 - no compiler warning"
		else
			echo "not ok 3 - no compiler warning (see $log)"
			grep 'warning:' "$log" 2>/dev/null | grep -v '^make' | sed 's/^/# /'
		fi
		echo "# swmmu-suite-end $p:kbuild rc=0"
	} > "$dir/kbuild.log"
	grep '^not ok' "$dir/kbuild.log" | sed 's/^/   /'
}

# The VM suite on one kernel: one boot for all VM tests with the Intel IOMMU (the default of
# scripts/vm.sh), then a short one with the AMD IOMMU for AMD_CHECK's test (tests/vm/amd_test.c),
# for which a missing AMD IOMMU is a failure there. Suite names start with "PREFIX:".
vm_suite() {
	local p=$1 dir=$2 out=$3 vmargs=()
	mkdir -p "$dir"
	[ -d build/vm/tests ] && vmargs+=(-f build/vm/tests:/opt/swmmu/tests)
	# The userspace tools (swmmud, swmmuctl) that VM tests start.
	[ -d build/bin ] && vmargs+=(-f build/bin:/opt/swmmu/bin)
	# The module's gcov counts on the debug kernel (tests/vm/run-in-vm.sh writes them there).
	[ -n "${CHECK_GCOV_TOOL:-}" ] && vmargs+=(-O /tmp/swmmu-gcov)
	# CHECK_VM_SUITES (names of tests/vm binaries) runs only those: a quicker look at one
	# area, e.g. CHECK_VM_SUITES="ioctl_test driver_tables_test" make check-debug.
	# shellcheck disable=SC2086 # a list of names
	vm_boot "$dir" "$p:vm" "$out" "${VM_TIMEOUT:-1200}" "${vmargs[@]}" -- sh ./run-in-vm.sh -p "$p:" \
		${CHECK_VM_SUITES:-}
	# The debug kernel has no AMD IOMMU driver, so check-debug leaves it out (CHECK_VM_AMD=0).
	if [ "${CHECK_VM_AMD:-1}" = 1 ]; then
		VM_IOMMU=amd vm_boot "$dir" "$p:vm-amd" "$out-amd" "${VM_AMD_TIMEOUT:-300}" \
			-f build/vm/tests/amd_test:/opt/swmmu/tests/amd_test -- \
			sh ./run-in-vm.sh -p "$p:amd:" amd_test
	fi
}

if [ -n "${CHECK_MODULE:-}" ]; then
	# One given kernel and module (check-debug).
	module=$CHECK_MODULE
	image=${VM_KERNEL_IMAGE:?CHECK_MODULE needs VM_KERNEL_IMAGE}
	vm_suite "${CHECK_KERNEL_NAME:-debug}" "$res/vm" "$vmout"
	kernels=()
else
	# The kernel matrix (scripts/kernels.sh), or the part VM_KERNEL selects (a version prefix).
	mapfile -t kernels < <(scripts/kernels.sh list "${VM_KERNEL:-}")
	[ ${#kernels[@]} -gt 0 ] || echo "check: no kernel matches VM_KERNEL=${VM_KERNEL:-}" >&2
	echo "== kernel matrix"
	printf '%s\n' "${kernels[@]}" | awk '{printf "   %-5s %s\n", $1, $2}' | tee "$res/kernels.txt"
	for k in "${kernels[@]}"; do
		read -r p kver image _ <<< "$k"
		module=build/kmod-$p/kmod/swmmu.ko
		mkdir -p "$res/$p"
		kbuild_suite "$res/$p" "$p" "build/kmod-$p/build.log"
		if [ -f "$module" ]; then
			vm_suite "$p" "$res/$p" "$vmout/$p"
		fi
	done
fi

# check-debug: the module's coverage (scripts/coverage.sh --kernel), merged with the last host
# capture of `make coverage` if there is one. Only missing data is a failure: a capture that
# went wrong is said, but measuring is not what the lane tests.
if [ -n "${CHECK_GCOV_TOOL:-}" ] && [ -n "${CHECK_MODULE:-}" ]; then
	echo "== coverage (scripts/coverage.sh, log in $res/coverage.txt)"
	scripts/coverage.sh --kernel "$vmout/out/tmp/swmmu-gcov" "$CHECK_GCOV_TOOL" > "$res/coverage.txt" 2>&1
	covrc=$?
	sed 's/^/   /' "$res/coverage.txt"
	{
		echo "# swmmu-suite-begin coverage"
		echo "1..1"
		if [ $covrc -eq 2 ]; then
			echo "not ok 1 - the module's gcov data came out of the VM"
		else
			echo "ok 1 - the module's gcov data came out of the VM"
		fi
		echo "# swmmu-suite-end coverage rc=0"
	} > "$res/coverage.log"
	[ $covrc -ne 1 ] || echo "   coverage: the capture failed (above); the lane goes on"
fi

echo
shopt -s nullglob globstar
for k in "${kernels[@]}"; do
	read -r p kver _ <<< "$k"
	printf 'kernel %-5s %-24s %s\n' "$p" "$kver" \
		"$(cat "$res/$p"/*.log | awk -f scripts/tap-summary.awk | tail -n 1)"
done
cat "$res"/**/*.log | awk -f scripts/tap-summary.awk
