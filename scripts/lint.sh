#!/bin/bash
# `make lint`: sparse on the module, checkpatch on the kernel-side sources, cppcheck on userspace,
# mandoc on the man pages, the netlink spec against its header.
# Prints TAP (one test per tool); any finding fails.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/lint
mkdir -p "$out"
vm_kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 | sed -n 's/.*linux-headers-\([0-9][^ ,]*\).*/\1/p')
kdir=/usr/src/linux-headers-$vm_kver
n=0
fails=0
report() { # report NAME FILE: ok if FILE is empty
	n=$((n + 1))
	if [ -s "$2" ]; then
		echo "not ok $n - $1"
		sed 's/^/# /' "$2" | head -n 60
		fails=$((fails + 1))
	else
		echo "ok $n - $1"
	fi
}
echo "1..5"

# sparse: C=2 checks every file of the module (core/ and arch/ included) whether rebuilt or not.
make -s -C "$kdir" M="$top/build/kmod-6.1/kmod" C=2 CHECK="sparse -Wno-unknown-attribute" modules \
	> "$out/sparse.raw" 2>&1
grep -E '(warning|error):' "$out/sparse.raw" | grep -v '^/usr/src/' > "$out/sparse.txt"
report "sparse (C=2) on kmod/ core/ arch/" "$out/sparse.txt"

# checkpatch (options in .checkpatch.conf): kernel style for everything that builds in the kernel.
files=$(ls core/*.[ch] arch/*.[ch] kmod/*.[ch] uapi/linux/*.h include/swmmu/*.h samples/*/*.c 2>/dev/null)
: > "$out/checkpatch.txt"
if [ -n "$files" ]; then
	perl build/ksrc/scripts/checkpatch.pl --terse -f $files 2>&1 |
		grep -E '(ERROR|WARNING|CHECK):' > "$out/checkpatch.txt"
fi
report "checkpatch on core/ arch/ kmod/ uapi/ include/ samples/" "$out/checkpatch.txt"

# cppcheck: userspace (daemon, tests, tools).
user_files=$(find daemon tests -name '*.c' 2>/dev/null)
: > "$out/cppcheck.txt"
[ -z "$user_files" ] || cppcheck -q --error-exitcode=1 --enable=warning,portability,performance --inline-suppr \
	--std=c11 -D__GNUC__ -D_GNU_SOURCE -Icore -Iarch -Iuapi -Iinclude -Itests/unit -Itests/vm/lib \
	--suppress=missingIncludeSystem $user_files > "$out/cppcheck.txt" 2>&1
report "cppcheck on userspace" "$out/cppcheck.txt"
# mandoc: the man pages (man/), at warning level and above.
: > "$out/mandoc.txt"
ls man/*.[1-8] > /dev/null 2>&1 && { mandoc -T lint -W warning man/*.[1-8] > "$out/mandoc.txt" 2>&1 ||
	[ -s "$out/mandoc.txt" ] || echo "mandoc failed" > "$out/mandoc.txt"; }
report "mandoc -T lint on the man pages" "$out/mandoc.txt"
# The netlink spec (docs/netlink/swmmu.yaml) names every command, event and attribute of
# uapi/linux/swmmu_netlink.h with its value, and nothing else.
scripts/nlspec-check.py > "$out/nlspec.txt" 2>&1 || [ -s "$out/nlspec.txt" ] ||
	echo "nlspec-check.py failed" > "$out/nlspec.txt"
report "netlink spec matches uapi/linux/swmmu_netlink.h" "$out/nlspec.txt"
[ $fails -eq 0 ]
