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
echo "    (major/minor are the misc-device numbers the kernel gave it)"

step "A program (bin/swmmu-demo) uses it: an emulated device's page tables over real DMA memory"
./bin/swmmu-demo

step "Module information the kernel keeps about it:"
echo "    state: $(cat /sys/module/swmmu/initstate), users: $(cat /sys/module/swmmu/refcnt)"

step "Unloading the module (rmmod swmmu)"
rmmod swmmu
dmesg | grep 'swmmu:' | tail -n 1 | sed 's/^/    kernel says: /'
if [ -e /dev/swmmu ]; then echo "    /dev/swmmu is still there - that is a bug"; exit 1; fi
echo "    /dev/swmmu is gone again."
