#!/bin/bash
# The VM lane: boot a kernel of the matrix (Debian's 6.1 unless VM_KERNEL= says) in QEMU with an initramfs holding busybox, swmmu.ko and
# the given files, run one command inside, and report.
#
#   scripts/vm.sh [-t SECONDS] [-o DIR] [-f HOST_PATH:VM_PATH]... [-O VM_PATH]... -- COMMAND...
#
# -f copies files in; -O copies a file or directory out of the VM after COMMAND (whatever its
# status) into DIR/out/, keeping its path: -O /tmp/as.svg gives DIR/out/tmp/as.svg. It travels
# as a base64 tar on a third serial port (DIR/files.b64).
#
# Inside the VM, COMMAND runs under /bin/sh with its stdout/stderr on the second serial port
# (saved as DIR/output.log, also streamed to our stdout). The first serial port carries the kernel
# console and, at the end, the whole kernel log (DIR/console.log).
#
# Exit status: COMMAND's status; 124 if the VM did not finish in time (it is killed); 125 if the
# kernel log shows a warning, bug, oops, sanitizer, lockdep or hung-task report (even when COMMAND
# succeeded); 126 if the VM could not be started.
#
# Devices: the machine is q35 with an Intel IOMMU (QEMU's intel-iommu, legacy mode, 39-bit
# second-stage tables) and QEMU's "edu" PCI device (1234:11e8) translated by it in a DMA domain,
# for the VT-d walk test (tests/vm/vtd_test.c). VM_IOMMU=amd boots with QEMU's amd-iommu instead
# (v1 page tables, for tests/vm/amd_test.c); VM_IOMMU=none without an IOMMU or edu. COMMAND sees
# the choice as SWMMU_VM_IOMMU (intel, amd or none). The module's own platform device is not
# behind the IOMMU (it is not a PCI device).
# Extra QEMU arguments: VM_QEMU_ARGS; extra kernel arguments: VM_APPEND.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${VM_TIMEOUT:-600}
outdir=$top/build/vm/run
files=()
outs=()
while [ $# -gt 0 ]; do
	case $1 in
	-t) timeout_s=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	-f) files+=("$2"); shift 2 ;;
	-O) outs+=("$2"); shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-t S] [-o DIR] [-f HOST:VM]... [-O VM_PATH]... -- COMMAND..." >&2; exit 126; }

# The kernel: VM_KERNEL_IMAGE (a path), else the first kernel of the matrix that VM_KERNEL (a
# version prefix: 6.1, 6.12, 7) selects (scripts/kernels.sh), else Debian 12's own 6.1.
kernel=${VM_KERNEL_IMAGE:-}
if [ -z "$kernel" ]; then
	kernel=$("$top/scripts/kernels.sh" list "${VM_KERNEL:-6.1}" | awk 'NR == 1 {print $3}')
	[ -n "$kernel" ] || { echo "vm: no kernel '${VM_KERNEL:-6.1}' in the matrix (run make deps)" >&2; exit 126; }
fi
[ -f "$kernel" ] || { echo "vm: no kernel image at $kernel (run make deps)" >&2; exit 126; }

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
root=$outdir/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib,lib64,etc,root,opt/swmmu}

cp /bin/busybox "$root/bin/busybox"

# Copy a program and the shared libraries it needs (as ldd sees them on the host).
copy_with_libs() {
	local src=$1 dst=$2 lib
	mkdir -p "$(dirname "$root$dst")"
	cp -a "$src" "$root$dst"
	[ -f "$src" ] && [ -x "$src" ] || return 0
	ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$(dirname "$root$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for f in "${files[@]}"; do
	src=${f%%:*}
	dst=${f#*:}
	if [ -d "$src" ]; then
		mkdir -p "$root$dst"
		for g in "$src"/*; do
			[ -e "$g" ] && copy_with_libs "$g" "$dst/$(basename "$g")"
		done
	else
		copy_with_libs "$src" "$dst"
	fi
done

vm_iommu=${VM_IOMMU:-intel}
case $vm_iommu in
intel|amd|none) ;;
*) echo "vm: VM_IOMMU must be intel, amd or none, not '$vm_iommu'" >&2; exit 126 ;;
esac
printf '%s\n' "#!/bin/sh" "cd /opt/swmmu" "export SWMMU_VM_IOMMU=$vm_iommu" "$*" > "$root/run.sh"
# The paths to copy out, relative to / (busybox tar wants them so).
: > "$root/out.list"
for o in "${outs[@]}"; do
	case $o in
	/*) printf '%s\n' "${o#/}" >> "$root/out.list" ;;
	*) echo "vm: -O takes an absolute path in the VM, not '$o'" >&2; exit 126 ;;
	esac
done
chmod +x "$root/run.sh"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/opt/swmmu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mkdir -p /lib/modules/$(uname -r)
hostname swmmu-vm
ulimit -c 0
echo "swmmu-vm: booted $(uname -r), running /run.sh"
/bin/sh /run.sh > /dev/ttyS1 2>&1 < /dev/null
rc=$?
echo "swmmu-vm: command exited with status $rc"
if [ -s /out.list ]; then
	(cd / && tar -czf - $(cat /out.list) | base64) > /dev/ttyS2 2>/dev/ttyS1
fi
echo "swmmu-vm: ---- kernel log begin ----"
dmesg
echo "swmmu-vm: ---- kernel log end ----"
echo "SWMMU-VM-EXIT=$rc"
sync
poweroff -f
INIT
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$outdir/initramfs.cpio.gz"

# KVM hangs on this project's usual machines, so TCG is the default. KVM is used only when a probe
# boot with a short timeout finishes; the answer is cached per boot of the host.
accel=tcg
if [ -w /dev/kvm ] && [ "${VM_ACCEL:-auto}" = auto ]; then
	probe=$top/build/vm/kvm-probe
	if [ ! -f "$probe" ] || [ "$(cat "$probe.boot" 2>/dev/null)" != "$(cat /proc/sys/kernel/random/boot_id)" ]; then
		mkdir -p "$(dirname "$probe")"
		if timeout -k 1 8 qemu-system-x86_64 -accel kvm -m 256 -nodefaults -display none \
			-no-reboot -kernel "$kernel" -initrd "$outdir/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 rdinit=/bin/busybox -- poweroff -f" \
			-serial null >/dev/null 2>&1; then
			echo kvm > "$probe"
		else
			echo tcg > "$probe"
		fi
		cat /proc/sys/kernel/random/boot_id > "$probe.boot"
	fi
	accel=$(cat "$probe")
elif [ "${VM_ACCEL:-auto}" != auto ]; then
	accel=$VM_ACCEL
fi

console=$outdir/console.log
output=$outdir/output.log
: > "$console"
: > "$output"
cpu=max
iommu_args=()
iommu_append=
# The IOMMU must come before the PCI devices it translates.
case $vm_iommu in
intel)
	iommu_args=(-device intel-iommu -device edu)
	iommu_append="intel_iommu=on iommu.passthrough=0 iommu.strict=1"
	;;
amd)
	# Linux 6.1 enables the AMD IOMMU whenever the IVRS table lists one ("amd_iommu=on" is not
	# an option there) and builds v1 page tables by default.
	iommu_args=(-device amd-iommu -device edu)
	iommu_append="iommu.passthrough=0 iommu.strict=1"
	;;
esac
[ "$accel" = kvm ] && cpu=host
echo "vm: booting $(basename "$kernel") under $accel (timeout ${timeout_s}s, logs in $outdir)" >&2
# Stream the command's output while the VM runs.
tail -n +1 -f "$output" --pid=$$ 2>/dev/null &
tailpid=$!
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel "$accel" -cpu $cpu -smp 2 -m 2048 \
	-machine q35 -nodefaults -display none -no-reboot "${iommu_args[@]}" \
	-kernel "$kernel" -initrd "$outdir/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=6 panic=-1 oops=panic hung_task_timeout_secs=30 nokaslr $iommu_append ${VM_APPEND:-}" \
	-serial "file:$console" -serial "file:$output" -serial "file:$outdir/files.b64" \
	${VM_QEMU_ARGS:-} </dev/null
qrc=$?
if [ ${#outs[@]} -gt 0 ]; then
	rm -rf "$outdir/out"
	mkdir -p "$outdir/out"
	if tr -d '\r' < "$outdir/files.b64" | base64 -d | tar -xzf - -C "$outdir/out"; then
		echo "vm: copied out of the VM into $outdir/out: ${outs[*]}" >&2
	else
		echo "vm: could not copy ${outs[*]} out of the VM (see $output)" >&2
	fi
fi
sleep 0.3
kill "$tailpid" 2>/dev/null
wait "$tailpid" 2>/dev/null

if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "vm: TIMEOUT after ${timeout_s}s, VM killed; see $console" >&2
	exit 124
fi
rc=$(sed -n 's/^SWMMU-VM-EXIT=\([0-9]*\).*/\1/p' "$console" | tail -n 1)
# The lines that mean a kernel problem (scripts/kernel-splat.re, also used by scripts/soak.sh).
bad=$(grep -E -f "$top/scripts/kernel-splat.re" "$console" | head -n 20)
if [ -n "$bad" ]; then
	echo "vm: the kernel log shows problems:" >&2
	printf '  %s\n' "$bad" | sed 's/\r//' >&2
	exit 125
fi
if [ -z "$rc" ]; then
	echo "vm: the VM stopped without reporting an exit status (qemu status $qrc); see $console" >&2
	exit 126
fi
exit "$rc"
