#!/bin/bash
# Count the instructions one MAP ioctl and one UNMAP ioctl of a 4 KiB page execute in the kernel,
# for one or more builds of swmmu.ko:
#
#   scripts/module-insns.sh [-p] A.ko [B.ko ...]
#
# Each module is loaded in its own VM (VM_KERNEL as for scripts/vm.sh, default 6.1; one vCPU)
# with QEMU's gdb server on. `swmmu-vmbench --one-op` warms the path, then runs the pair that is
# counted; gdb stops at the entry of swmmu_dispatch() and single-steps until it returns, so the
# count covers the command: the prologue, the module's code and every kernel function it calls,
# not the system call entry. Interrupts are off while gdb steps, so the count is exact and the
# same on every run: where scripts/module-ab.sh measures time, which TCG makes noisy by a few
# percent from one build's code layout to another's, this compares the work two builds do. A
# `rep` string instruction counts once per iteration. -p also prints, per operation, the
# instructions each function executed (a profile), from the VM's /proc/kallsyms.
#
# Needs gdb (Debian's gdb package). Figures only; nothing here passes or fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
profile=0
usage() {
	echo "usage: $0 [-p] A.ko [B.ko ...]   (instructions of one MAP and one UNMAP, per module)"
}
while [ $# -gt 0 ]; do
	case $1 in
	-p) profile=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "module-insns: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
command -v gdb > /dev/null || { echo "module-insns: needs gdb (apt-get install gdb)" >&2; exit 2; }
for ko in "$@"; do
	[ -f "$ko" ] || { echo "module-insns: no module at '$ko'" >&2; exit 2; }
done
bench=$top/build/vm/bench/swmmu-vmbench
make -C "$top" --no-print-directory -s "$bench"

out=$top/build/vm/module-insns
mkdir -p "$out"
# gdb's side: stop at swmmu_dispatch() twice (MAP, then UNMAP), step each to its return.
cat > "$out/count.py" <<'EOF'
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("hbreak *0x%x" % int(os.environ["SWMMU_DISPATCH"], 16))
with open(os.environ["SWMMU_COUNTS"], "w") as counts:
    for op in ("MAP", "UNMAP"):
        gdb.execute("continue", to_string=True)
        ret = int(gdb.parse_and_eval("*(unsigned long *)$rsp")) & (2**64 - 1)
        pcs = []
        while True:
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
            if pc == ret or len(pcs) > 1000000:
                break
            pcs.append(pc)
        counts.write("%s %d\n" % (op, len(pcs)))
        with open(os.environ["SWMMU_COUNTS"] + "." + op, "w") as f:
            f.write("".join("%x\n" % pc for pc in pcs))
gdb.execute("delete")
gdb.execute("detach")
EOF

# The profile's side: each PC to the function that holds it.
profile_of() {
	python3 - "$1" "$2" <<'EOF'
import bisect
import collections
import sys

syms = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 3 and f[1] in "tTwW":
        syms.append((int(f[0], 16), f[2]))
syms.sort()
addrs = [a for a, _ in syms]
per_fn = collections.Counter()
for line in open(sys.argv[2]):
    i = bisect.bisect_right(addrs, int(line, 16)) - 1
    per_fn[syms[i][1] if i >= 0 else "?"] += 1
for name, n in sorted(per_fn.items(), key=lambda x: (-x[1], x[0])):
    print("    %6d  %s" % (n, name))
EOF
}

port=$((20000 + $$ % 10000))
for ko in "$@"; do
	run=$out/vm
	rm -rf "$run"
	VM_IOMMU=none VM_QEMU_ARGS="-gdb tcp:127.0.0.1:$port -smp 1" "$top/scripts/vm.sh" -t 600 \
		-o "$run" -f "$ko:/opt/swmmu/swmmu.ko" -f "$bench:/opt/swmmu/swmmu-vmbench" \
		-O /tmp/kallsyms -- 'insmod swmmu.ko || exit 1
		echo "DISPATCH $(grep " swmmu_dispatch\b" /proc/kallsyms | cut -d" " -f1)"
		./swmmu-vmbench --one-op 20; r=$?
		cat /proc/kallsyms > /tmp/kallsyms; rmmod swmmu; exit $r' > /dev/null 2>&1 &
	vm=$!
	for _ in $(seq 1 400); do
		grep -q READY "$run/output.log" 2>/dev/null && break
		kill -0 $vm 2>/dev/null || break
		sleep 1
	done
	addr=$(awk '/^DISPATCH/ {print $2}' "$run/output.log" 2>/dev/null | tr -d '\r')
	if [ -z "$addr" ] || ! grep -q READY "$run/output.log"; then
		echo "module-insns: the VM did not get ready; see $run/output.log" >&2
		kill $vm 2>/dev/null; wait $vm 2>/dev/null || true; exit 1
	fi
	SWMMU_DISPATCH=$addr SWMMU_COUNTS=$out/counts timeout 500 gdb -q -batch \
		-ex "target remote 127.0.0.1:$port" -x "$out/count.py" > "$out/gdb.log" 2>&1 ||
		{ echo "module-insns: gdb failed; see $out/gdb.log" >&2; kill $vm 2>/dev/null; exit 1; }
	wait $vm || { echo "module-insns: the VM failed; see $run/output.log" >&2; exit 1; }
	map=$(awk '$1 == "MAP" {print $2}' "$out/counts")
	unmap=$(awk '$1 == "UNMAP" {print $2}' "$out/counts")
	printf "%-40s MAP %6d  UNMAP %6d  pair %6d instructions\n" "$ko" "$map" "$unmap" \
		$((map + unmap))
	if [ $profile = 1 ]; then
		for op in MAP UNMAP; do
			echo "  $op, per function:"
			profile_of "$run/out/tmp/kallsyms" "$out/counts.$op"
		done
	fi
done
