#!/bin/bash
# `make fuzz-kernel DURATION=seconds`: boot the debug kernel of `make check-debug` (built once and
# cached, see scripts/debug-kernel/build.sh) with panic_on_warn, load swmmu.ko and run the uAPI
# fuzzer (build/bin/swmmu-fuzz, tests/vm/fuzz/) for DURATION seconds; then unload the module and
# scan for leaks with kmemleak. Prints the iterations and the module PCs and edges KCOV saw
# (--coverage-report); fails on any splat, leak or counter left.
#
# GUIDED=1: the coverage-guided mode (swmmu-fuzz --guided). Its corpus lives on the host in
# FUZZ_CORPUS (default /var/cache/swmmu/fuzz-corpus; started from tests/vm/fuzz/seeds when
# empty): copied into the VM, and the inputs the run adds copied back out.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${DURATION:-300}
args=(-d "$secs" --coverage-report)
corpus=${FUZZ_CORPUS:-/var/cache/swmmu/fuzz-corpus}
vmargs=()
if [ "${GUIDED:-0}" = 1 ]; then
	mkdir -p "$corpus" || exit 1
	[ -n "$(ls -A "$corpus")" ] || cp tests/vm/fuzz/seeds/* "$corpus"/
	args+=(--guided --corpus /opt/swmmu/corpus)
	vmargs+=(-f "$corpus:/opt/swmmu/corpus" -O /opt/swmmu/corpus)
fi
[ -n "${SEED:-}" ] && args+=(-s "$SEED")
[ -n "${THREADS:-}" ] && args+=(-t "$THREADS")
[ -n "${FILES:-}" ] && args+=(-f "$FILES")
kout=$(scripts/debug-kernel/build.sh) || { echo "fuzz-kernel: the debug kernel did not build"; exit 1; }
make --no-print-directory debug-module DEBUG_KDIR="$kout" > build/debug-module.log 2>&1 ||
	{ tail -n 30 build/debug-module.log; exit 1; }
cat > build/fuzz-kernel-run.sh <<SCRIPT
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
insmod ./swmmu.ko || exit 1
mkdir -p corpus
./swmmu-fuzz ${args[*]}
rc=\$?
rmmod swmmu || rc=1
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak
	leaks=\$(cat /sys/kernel/debug/kmemleak)
	if [ -n "\$leaks" ]; then echo "# kmemleak:"; echo "\$leaks" | head -n 60 | sed 's/^/# /'; rc=1; fi
fi
exit \$rc
SCRIPT
VM_KERNEL_IMAGE="$kout/arch/x86/boot/bzImage" VM_APPEND="panic_on_warn=1 kasan.fault=panic" \
	scripts/vm.sh -t $((secs + 600)) -o build/vm/fuzz-kernel \
	-f build/kmod-debug/kmod/swmmu.ko:/opt/swmmu/swmmu.ko -f build/bin/swmmu-fuzz:/opt/swmmu/swmmu-fuzz \
	-f build/fuzz-kernel-run.sh:/opt/swmmu/run-fuzz.sh "${vmargs[@]}" -- sh ./run-fuzz.sh
rc=$?
if [ "${GUIDED:-0}" = 1 ] && [ -d build/vm/fuzz-kernel/out/opt/swmmu/corpus ]; then
	cp -n build/vm/fuzz-kernel/out/opt/swmmu/corpus/* "$corpus"/ 2>/dev/null
	echo "fuzz-kernel: corpus $corpus: $(ls "$corpus" | wc -l) inputs"
fi
echo "fuzz-kernel: exit status $rc (logs in build/vm/fuzz-kernel)"
exit $rc
