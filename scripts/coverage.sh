#!/bin/bash
# Line and branch coverage with gcov and Debian's lcov/genhtml, per directory (core/, arch/,
# kmod/, daemon/), and an HTML report in build/coverage/html/index.html.
#
#   scripts/coverage.sh
#       `make coverage` (which first builds build/cov-host with --coverage -O0): runs the host
#       unit tests, the swmmu-sim scripts (scripts/sim-tests.sh) and a replay of the fuzz seeds
#       and of the local libFuzzer corpus (build/fuzz/corpus, if `make fuzz` made one), captures
#       build/coverage/host.info, and merges it with the debug lane's module capture
#       build/coverage/kernel.info when `make check-debug` left one.
#   scripts/coverage.sh --kernel GCOV_DIR GCOV_TOOL
#       `make check-debug`: GCOV_DIR holds the module's .gcda files copied out of the debug VM
#       (tests/vm/run-in-vm.sh); they go next to the .gcno files of build/kmod-debug, are captured
#       with GCOV_TOOL (the gcov of the compiler that built the debug kernel) into
#       build/coverage/kernel.info, and merged with build/coverage/host.info when there is one.
#
# Exits 2 if the data is missing (no .gcda of the module came out of the VM), 1 on any other
# failure (a host test failed: its coverage would mean nothing; lcov failed); the summary says
# which captures it used.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cov=build/coverage
covb=build/cov-host
kb=build/kmod-debug
mkdir -p "$cov"
# Branch coverage is off by default in lcov 1.x.
LCOV=(lcov -q --rc lcov_branch_coverage=1)
# Only the project's sources count (not the tests, system headers or the kernel's headers).
keep=("$top/core/*" "$top/arch/*" "$top/kmod/*" "$top/daemon/*")

# summary INFO [targets]: lines and branches per top-level directory, and the total; with
# "targets", also whether the line targets of docs/reliability.md are met (they count the host
# tests and the debug lane together, so only the merged capture is held to them).
summary() {
	awk -v top="$top/" -v targets="${2:-}" '
	/^SF:/ { f = substr($0, 4); sub("^" top, "", f); d = f; sub("/.*", "/", d) }
	/^LF:/ { lf[d] += substr($0, 4); LF += substr($0, 4) }
	/^LH:/ { lh[d] += substr($0, 4); LH += substr($0, 4) }
	/^BRF:/ { bf[d] += substr($0, 5); BF += substr($0, 5) }
	/^BRH:/ { bh[d] += substr($0, 5); BH += substr($0, 5) }
	function pct(h, n) { return n ? sprintf("%5.1f%%", 100 * h / n) : "    -" }
	function line(name, h, n, bh, bn) {
		printf "coverage: %-8s lines %s (%d of %d)  branches %s (%d of %d)\n",
			name, pct(h, n), h, n, pct(bh, bn), bh, bn
	}
	END {
		split("core/ arch/ kmod/ daemon/", order, " ")
		for (i = 1; i <= 4; i++)
			if (order[i] in lf)
				line(order[i], lh[order[i]], lf[order[i]], bh[order[i]], bf[order[i]])
		line("total", LH, LF, BH, BF)
		if (targets) {
			split("kmod/ 90 core/ 95", t, " ")
			for (i = 1; i <= 3; i += 2) {
				d = t[i]
				got = lf[d] ? 100 * lh[d] / lf[d] : 0
				printf "coverage: target %-6s lines >= %d%%: %s (%.1f%%)\n", d, t[i + 1],
					(got >= t[i + 1] ? "met" : "NOT met"), got
			}
		}
	}' "$1"
}

# report: merge the captures there are into all.info, print the summary, write the HTML.
report() {
	local used=() args=()
	for c in host kernel; do
		if [ -s "$cov/$c.info" ]; then
			used+=("$c")
			args+=(-a "$cov/$c.info")
		fi
	done
	[ ${#used[@]} -gt 0 ] || { echo "coverage: no capture in $cov"; return 1; }
	"${LCOV[@]}" "${args[@]}" -o "$cov/all.info" || return 1
	case "${used[*]}" in
	"host kernel") echo "coverage: host tests (host.info, $(date -r "$cov/host.info" '+%F %T')) + debug-lane module (kernel.info, $(date -r "$cov/kernel.info" '+%F %T'))" ;;
	host) echo "coverage: host tests only (no debug-lane capture: make check-debug makes one)" ;;
	kernel) echo "coverage: debug-lane module only (no host capture: make coverage makes one)" ;;
	esac
	summary "$cov/all.info" "$([ "${used[*]}" = "host kernel" ] && echo targets)"
	rm -rf "$cov/html"
	genhtml -q --branch-coverage --legend --title "swmmu (${used[*]})" -o "$cov/html" "$cov/all.info" \
		> "$cov/genhtml.log" 2>&1 || { tail -n 20 "$cov/genhtml.log"; return 1; }
	echo "coverage: report in $cov/html/index.html"
}

if [ "${1:-}" = --kernel ]; then
	gdir=${2:?usage: $0 --kernel GCOV_DIR GCOV_TOOL}
	tool=${3:?usage: $0 --kernel GCOV_DIR GCOV_TOOL}
	mapfile -t gcda < <(find "$gdir" -name '*.gcda' 2>/dev/null)
	if [ ${#gcda[@]} -eq 0 ]; then
		echo "coverage: MISSING: no .gcda file of the module came out of the VM (in $gdir)"
		exit 2
	fi
	# Counts of an earlier run must not add up with these.
	find "$kb" -name '*.gcda' -delete
	# The VM's path is the object's path at build time, under debugfs's gcov directory: what
	# follows build/kmod-debug/ names the object, next to its .gcno.
	n=0
	for g in "${gcda[@]}"; do
		rel=${g#*/"$kb"/}
		[ "$rel" != "$g" ] || continue
		[ -f "$kb/${rel%.gcda}.gcno" ] || continue
		cp "$g" "$kb/$rel"
		n=$((n + 1))
	done
	if [ $n -eq 0 ]; then
		echo "coverage: MISSING: none of the ${#gcda[@]} .gcda files matches a .gcno of $kb"
		exit 2
	fi
	"${LCOV[@]}" --gcov-tool "$tool" --capture --directory "$kb" -o "$cov/kernel-raw.info" \
		> "$cov/kernel-capture.log" 2>&1 || { tail -n 20 "$cov/kernel-capture.log"; exit 1; }
	# The module is built in a tree of symlinks (Makefile: kmod_shadow) and reaches core/ and
	# arch/ as kmod/../core: name the sources by their place in the source tree, as the host
	# capture does, so that both merge file by file.
	sed -e "s#^SF:$top/$kb/#SF:$top/#" -e 's#/kmod/\.\./#/#' "$cov/kernel-raw.info" > "$cov/kernel-src.info"
	"${LCOV[@]}" --extract "$cov/kernel-src.info" "${keep[@]}" -o "$cov/kernel.info" || exit 1
	# A header generated at build time (kmod/conftest.sh) has no source to show.
	"${LCOV[@]}" --remove "$cov/kernel.info" '*/swmmu_compat_gen.h' -o "$cov/kernel.info" || exit 1
	echo "coverage: $n .gcda files of the module from the debug VM"
	report
	exit
fi

# --- host -----------------------------------------------------------------------------------
for b in "$covb/bin/swmmu-sim" "$covb"/tests/unit/test_*; do
	[ -x "$b" ] || { echo "coverage: $b is missing: run make coverage"; exit 1; }
done
# The seeds are made with the coverage build's swmmu-sim (a plain build may not exist), before
# the counters are reset: making them checks nothing, so it must not count.
SIM=$covb/bin/swmmu-sim scripts/fuzz.sh --seeds > "$cov/seeds.log" 2>&1 ||
	{ echo "coverage: making the fuzz seeds failed (see $cov/seeds.log)"; exit 1; }
find "$covb" -name '*.gcda' -delete

fails=0
# run NAME COMMAND...: a test under coverage; its output in build/coverage/NAME.log.
run() {
	local name=$1
	shift
	if "$@" > "$cov/$name.log" 2>&1; then
		echo "coverage: ran $name"
	else
		echo "coverage: FAILED $name (see $cov/$name.log)"
		fails=$((fails + 1))
	fi
}
for t in "$covb"/tests/unit/test_*; do
	run "unit-$(basename "$t")" "$t"
done
run sim-scripts env SIM="$covb/bin/swmmu-sim" scripts/sim-tests.sh
for r in "$covb"/replay/*; do
	name=$(basename "$r")
	inputs=(build/fuzz/seeds/"$name")
	[ -d build/fuzz/corpus/"$name" ] && inputs+=(build/fuzz/corpus/"$name")
	run "replay-$name" "$r" "${inputs[@]}"
	echo "          $(tail -n 1 "$cov/replay-$name.log") from ${inputs[*]}"
done
[ $fails -eq 0 ] || { echo "coverage: $fails host runs failed: no report"; exit 1; }

"${LCOV[@]}" --capture --directory "$covb/obj" --base-directory "$top" -o "$cov/host-raw.info" \
	> "$cov/host-capture.log" 2>&1 || { tail -n 20 "$cov/host-capture.log"; exit 1; }
"${LCOV[@]}" --extract "$cov/host-raw.info" "${keep[@]}" -o "$cov/host.info" || exit 1
[ -s "$cov/kernel.info" ] || echo "coverage: no debug-lane capture ($cov/kernel.info): make check-debug makes one"
report
