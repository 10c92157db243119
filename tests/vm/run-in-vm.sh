#!/bin/sh
# Runs inside the VM (scripts/vm.sh): loads swmmu.ko, runs every test binary in ./tests, unloads.
# Every suite is framed by markers that scripts/tap-summary.awk reads.
cd /opt/swmmu || exit 1

echo "# swmmu-suite-begin vm-lane"
echo "1..2"
if insmod ./swmmu.ko; then echo "ok 1 - insmod swmmu.ko"; else echo "not ok 1 - insmod swmmu.ko"; fi
if [ -c /dev/swmmu ]; then echo "ok 2 - /dev/swmmu exists"; else echo "not ok 2 - /dev/swmmu exists"; fi
echo "# swmmu-suite-end vm-lane rc=0"

for t in ./tests/*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "# swmmu-suite-begin $name"
	"$t"
	echo "# swmmu-suite-end $name rc=$?"
done

echo "# swmmu-suite-begin vm-unload"
echo "1..1"
if rmmod swmmu; then echo "ok 1 - rmmod swmmu"; else echo "not ok 1 - rmmod swmmu"; fi
echo "# swmmu-suite-end vm-unload rc=0"
