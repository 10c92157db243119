#!/bin/bash
# `make run`: boot the VM, load swmmu.ko and show what it does, narrated for a newcomer.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi; }

say "swmmu demo: booting Debian's 6.1 kernel in QEMU (software emulation, ~10-20 s)."
echo "The VM's kernel messages are kept in build/vm/demo/console.log."

files=(-f build/kmod-6.1/kmod/swmmu.ko:/opt/swmmu/swmmu.ko -f tests/vm/demo-in-vm.sh:/opt/swmmu/demo.sh
	-f daemon/swmmud.conf:/opt/swmmu/swmmud.conf)
[ -d build/bin ] && files+=(-f build/bin:/opt/swmmu/bin)
scripts/vm.sh -o build/vm/demo -t "${VM_TIMEOUT:-300}" "${files[@]}" -O /tmp/demo.svg -- sh ./demo.sh
rc=$?
[ -s build/vm/demo/out/tmp/demo.svg ] &&
	say "The address space as a picture: build/vm/demo/out/tmp/demo.svg (open it in a browser)."
case $rc in
0) say "Demo finished: the module loaded, did its work and unloaded, and the kernel log is clean." ;;
124) say "The VM did not finish in time and was stopped (see build/vm/demo/console.log)." ;;
125) say "The demo ran, but the kernel log shows a warning or a bug (listed above)." ;;
*) say "The demo failed (status $rc); see the output above and build/vm/demo/console.log." ;;
esac
exit $rc
