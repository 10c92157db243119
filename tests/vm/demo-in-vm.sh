#!/bin/sh
# The `make run` story, inside the VM. Plain words for someone who has never seen swmmu.
set -e
cd /opt/swmmu
step() { echo; echo "==> $*"; }

step "Loading the swmmu kernel module (insmod swmmu.ko)"
insmod ./swmmu.ko
dmesg | grep 'swmmu:' | tail -n 1 | sed 's/^/    kernel says: /'

step "The module created a character device that programs talk to:"
ls -l /dev/swmmu | sed 's/^/    /'
echo "    (major/minor are the misc-device numbers the kernel gave it; mode 0600: root only."
echo "    make install adds a udev rule giving the swmmu group access, 0660; see swmmu(4))"

step "A program (bin/swmmu-demo) uses it: an emulated device's page tables over real DMA memory"
./bin/swmmu-demo

if [ -x ./bin/swmmud ] && [ -f ./swmmud.conf ]; then
	step "The control plane: swmmud applies swmmud.conf (named address spaces, fixed regions,"
	echo "    owners, fault policy) over generic netlink; it logs to syslog, here to swmmud.log"
	./bin/swmmud -f -c ./swmmud.conf 2>/tmp/swmmud.log &
	swmmud_pid=$!
	i=0
	until ./bin/swmmuctl as show demo >/dev/null 2>&1 || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed 's/^/    /' /tmp/swmmud.log

	step "swmmuctl as list: the named address spaces, with owner, mode and fault policy"
	./bin/swmmuctl as list | sed 's/^/    /'

	step "An application attaches to \"demo\", maps its own buffer, writes through mmap(), and"
	echo "    copies with the DMA engine to an unmapped VA; swmmud serves the fault"
	./bin/swmmu-attach-demo demo
	echo "    swmmud logged:"
	grep -E 'attach|fault' /tmp/swmmud.log | sed 's/^/      /'

	step "swmmuctl dump demo: the page tables now (the served page is at 0x20000000)"
	./bin/swmmuctl dump demo | sed 's/^/    /'

	step "swmmuctl stats demo: counters, table occupancy per level, recent faults"
	./bin/swmmuctl stats demo | sed 's/^/    /'

	step "swmmuctl -j as show demo: the same for scripts"
	./bin/swmmuctl -j as show demo | sed 's/^/    /'

	./bin/swmmuctl draw demo > /tmp/demo.svg
	echo
	echo "    (swmmuctl draw demo > as.svg draws it as a picture: $(wc -c < /tmp/demo.svg) bytes"
	echo "    of SVG; scripts/vm.sh -O /tmp/demo.svg copies it out of the VM: make run leaves"
	echo "    it in build/vm/demo/out/tmp/demo.svg, to open in a browser)"

	step "Stopping swmmud (SIGTERM); named address spaces stay until deleted or rmmod"
	kill "$swmmud_pid"
	wait "$swmmud_pid" || true
	tail -n 1 /tmp/swmmud.log | sed 's/^/    /'
fi

step "Module information the kernel keeps about it:"
echo "    state: $(cat /sys/module/swmmu/initstate), users: $(cat /sys/module/swmmu/refcnt)"

step "Unloading the module (rmmod swmmu)"
rmmod swmmu
dmesg | grep 'swmmu:' | tail -n 1 | sed 's/^/    kernel says: /'
if [ -e /dev/swmmu ]; then echo "    /dev/swmmu is still there - that is a bug"; exit 1; fi
echo "    /dev/swmmu is gone again."
