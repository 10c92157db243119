#!/bin/bash
# `make check-debug`: the VM suite on a debug kernel (KASAN, lockdep, kmemleak, UBSAN, fault
# injection, DMA API debugging) built from Debian's linux-source-6.12 (DEBUG_KERNEL=6.1 for the
# older one), with panic_on_warn so that
# any splat ends the run, and a kmemleak scan at the end. Ends with the same summary line as
# `make check`.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kout=$(scripts/debug-kernel/build.sh) || { echo "check-debug: the debug kernel did not build"; exit 1; }
make --no-print-directory debug-module DEBUG_KDIR="$kout" vm-tests > build/debug-module.log 2>&1 ||
	{ tail -n 30 build/debug-module.log; exit 1; }
# The module's coverage is read with the gcov of the compiler that built the kernel (and so the
# module): gcov reads only its own compiler's data format.
gcc_major=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9]\{4\}$/\1/p' "$kout/.config")
# Its tinyconfig kernel has the Intel IOMMU driver only: no second boot with the AMD IOMMU.
CHECK_HOST=0 CHECK_VM_AMD=0 CHECK_RESULTS=build/results-debug CHECK_MODULE=build/kmod-debug/kmod/swmmu.ko \
	CHECK_GCOV_TOOL=gcov${gcc_major:+-$gcc_major} \
	CHECK_VM_OUT=build/vm/check-debug VM_KERNEL_IMAGE="$kout/arch/x86/boot/bzImage" \
	VM_APPEND="panic_on_warn=1 kasan.fault=panic" VM_TIMEOUT="${VM_TIMEOUT:-2400}" \
	exec scripts/check.sh
