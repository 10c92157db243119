#!/bin/bash
# Compare the MAP+UNMAP speed of two builds of swmmu.ko in one VM, so that both see the same boot,
# the same guest and the same host load:
#
#   scripts/module-ab.sh [-n ROUNDS] A.ko B.ko
#
# Each round loads A, runs `swmmu-vmbench --map-only`, unloads it, then does the same with B; the
# order flips every round (ABBA...) so that a drift in the host's speed falls on both alike. It
# prints every round, then per path the median of A, the median of B and B/A (above 1: B is
# faster), and the same for the best round. Under TCG one load of a module can run a third slower
# than the next load of the same file (where its pages land), so rounds are bimodal: the best
# rounds compare the builds, the medians show how often the slow placement came up. VM_KERNEL
# picks the kernel as for scripts/vm.sh (default 6.1); the modules must be built for it. Typical
# use: build the old commit in a worktree and compare its module with
# build/kmod-6.1/kmod/swmmu.ko. Figures only; nothing here passes or fails on a time.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
rounds=10
usage() {
	echo "usage: $0 [-n ROUNDS] A.ko B.ko   (MAP+UNMAP speed of two module builds, one VM)"
}
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "module-ab: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { usage >&2; exit 2; }
case $rounds in
''|*[!0-9]*|0) echo "module-ab: -n wants a positive round count, not '$rounds'" >&2; exit 2 ;;
esac
for ko in "$1" "$2"; do
	[ -f "$ko" ] || { echo "module-ab: no module at '$ko'" >&2; exit 2; }
done
bench=$top/build/vm/bench/swmmu-vmbench
make -C "$top" --no-print-directory -s "$bench"

out=$top/build/vm/module-ab
# Round r runs A then B when r is odd, B then A when it is even.
cmd='for r in $(seq 1 '"$rounds"'); do
	if [ $((r % 2)) = 1 ]; then order="a b"; else order="b a"; fi
	for m in $order; do
		insmod $m.ko || exit 1
		./swmmu-vmbench --map-only | sed "s/^/$m $r /" || exit 1
		rmmod swmmu || exit 1
	done
done'
VM_KERNEL=${VM_KERNEL:-6.1} "$top/scripts/vm.sh" -t $((300 + rounds * 240)) -o "$out" \
	-f "$1:/opt/swmmu/a.ko" -f "$2:/opt/swmmu/b.ko" \
	-f "$bench:/opt/swmmu/swmmu-vmbench" -- "$cmd" >/dev/null

echo "# A = $1"
echo "# B = $2"
awk '
{ sub(/\r$/, "") }
$1 ~ /^[ab]$/ && /ops\/s/ {
	m = $1; r = $2
	line = $0; sub(/^[ab] [0-9]+ /, "", line)
	path = line; sub(/ +[0-9.]+ ops\/s.*/, "", path)
	for (i = 1; i <= NF; i++) if ($(i + 1) == "ops/s") v = $i
	if (!(path in seen)) { seen[path] = 1; order[++np] = path }
	n[m, path]++; val[m, path, n[m, path]] = v
	printf "round %2d  %s  %-58s %9.0f ops/s\n", r, toupper(m), path, v
}
function median(m, p,    k, i, j, t, a) {
	k = n[m, p]
	for (i = 1; i <= k; i++) a[i] = val[m, p, i]
	for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
function best(m, p,    i, b) {
	for (i = 1; i <= n[m, p]; i++) if (val[m, p, i] > b) b = val[m, p, i]
	return b
}
END {
	if (!np) { print "module-ab: no figures in the VM output" > "/dev/stderr"; exit 1 }
	printf "\n%-58s %10s %10s %6s %10s %10s %6s\n", n["a", order[1]] " rounds each", "A median",
	       "B median", "B/A", "A best", "B best", "B/A"
	for (i = 1; i <= np; i++) {
		p = order[i]; a = median("a", p); b = median("b", p); ba = best("a", p); bb = best("b", p)
		printf "%-58s %10.0f %10.0f %6.3f %10.0f %10.0f %6.3f\n", p, a, b, a ? b / a : 0,
		       ba, bb, ba ? bb / ba : 0
	}
}' "$out/output.log"
