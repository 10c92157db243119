#!/bin/bash
# The libFuzzer targets of tests/fuzz (clang, ASan+UBSan), built by `make san` (build/san/fuzz, or
# build/san-O1/fuzz for long runs):
#   fuzz_core   the core's operations against the reference model (tests/unit/refmodel.c)
#   fuzz_sim    swmmu-sim's command interpreter on whole scripts with the files they read
#   fuzz_fmt    the run-time format parser and validator, then swmmu-sim on the format
#   fuzz_image  swmmu-sim's page-table image loader
#
#   scripts/fuzz.sh [SECONDS]           `make fuzz`: each target for SECONDS (default 60); the
#                                       corpus grows in build/fuzz/corpus/NAME
#   scripts/fuzz.sh --check [SECONDS]   `make check`: all targets at once for SECONDS (default
#                                       5) from the seeds only; prints TAP, one test per target
#   scripts/fuzz.sh --seeds             only make the seeds, with SIM (default build/bin/swmmu-sim):
#                                       `make coverage` replays them
#
# Seeds are made afresh in build/fuzz/seeds/NAME: tests/sim scripts with the files they load,
# the description of every built-in format (`describe`), tests/sim/*.fmt, the images of
# tests/sim/img and image-save images of every built-in format. Any crash, sanitizer report,
# leak, timeout or failed check of a target is a finding: the input is saved as
# build/fuzz/NAME-crash-... (reproduce: build/san/fuzz/NAME FILE) and the run fails.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
check=0
seeds_only=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
elif [ "${1:-}" = --seeds ]; then
	seeds_only=1
	shift
fi
secs=${1:-$([ $check = 1 ] && echo 5 || echo 60)}
# make check reuses its quick -O0 build; long runs get an -O1 build (several times faster).
sanb=build/san
[ $check = 1 ] || sanb=build/san-O1
# Seeds are made with the plain build when there is one (quicker to start than the sanitized one).
sim=${SIM:-build/bin/swmmu-sim}
[ -x "$sim" ] || sim=$sanb/bin/swmmu-sim
out=build/fuzz
mkdir -p "$out"

[ $seeds_only = 1 ] || make --no-print-directory -j"$(nproc)" san SAN_B="$sanb" SAN_OPT="$([ $check = 1 ] && echo -O0 || echo -O1)" \
	> "$out/build.log" 2>&1 || {
	[ $check = 1 ] && echo "1..1" && echo "not ok 1 - sanitizer build (make san)"
	sed 's/^/# /' "$out/build.log" | tail -n 30
	exit 1
}
shopt -s nullglob
targets=()
for t in tests/fuzz/fuzz_*.c; do
	targets+=("$(basename "$t" .c)")
done

# --- seeds ---------------------------------------------------------------------------------
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_core,fuzz_sim,fuzz_fmt,fuzz_image}
formats=$(echo formats | "$sim" 2>/dev/null | awk '{print $1}')
# fuzz_sim: each script, then the files it loads ("%%file NAME" sections, fuzz_sim.c).
for s in tests/sim/*.sim; do
	seed=$seeds/fuzz_sim/$(basename "$s" .sim)
	cp "$s" "$seed"
	for f in $(awk '$1 == "load" || $1 == "image" { print $2 }' "$s" | sort -u); do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 65536 ] || continue
		printf '\n%%%%file %s\n' "$f" >> "$seed"
		cat "$f" >> "$seed"
	done
done
for f in $formats; do
	printf 'format %s\nmap 0x1000 0x1000 4K rw\nmap 0x200000 0x200000 2M r\nunmap 0x200000 4K split\nunmap 0x1000 4K\nfree\ndump\nimage-save i\nimage i\nwalk 0x200000\nformat %s va-bits=39\nload i\n' \
		"$f" "$f" > "$seeds/fuzz_sim/fmt-$f"
done
# fuzz_core: for each format (byte 0) and VA window (byte 1), 1 KiB of operations from a fixed
# pseudo-random stream (perl's srand: the same bytes on every run), so that a replay of the
# seeds alone (`make coverage`) drives the core through every format.
nfmt=$(printf '%s\n' $formats | wc -l)
for ((i = 0; i < nfmt; i++)); do
	for w in 0 1 2 3; do
		perl -e 'my ($f, $w) = @ARGV; srand(1 + 4 * $f + $w);
			print chr($f), chr($w), map { chr(int(rand(256))) } 1 .. 1024' "$i" "$w" \
			> "$seeds/fuzz_core/fmt$i-window$w"
	done
done
# fuzz_fmt: the built-in formats as descriptions, and the run-time ones of tests/sim.
for f in $formats; do
	echo describe | "$sim" -f "$f" > "$seeds/fuzz_fmt/$f" 2>/dev/null
done
for f in tests/sim/*.fmt; do
	cp "$f" "$seeds/fuzz_fmt/$(basename "$f")"
done
# fuzz_image: crafted images, and image-save of every built-in format and of tiny32.
cp tests/sim/img/*.img "$seeds/fuzz_image/"
for f in $formats; do
	printf 'format %s\nmap 0x1000 0x1000 4K rw\nmap 0x1000 0x1000 4K r\nmap 0x200000 0x200000 2M r\nmap 0xffff800000000000 0 4K r\nimage-save %s\n' \
		"$f" "$seeds/fuzz_image/save-$f.img" | "$sim" > /dev/null 2>&1
done
printf 'format vtd-ss va-bits=39\nmap 0x7fffe00000 0x7000000 2M rw\nimage-save %s\n' \
	"$seeds/fuzz_image/save-vtd39.img" | "$sim" > /dev/null 2>&1
printf 'map 0x400000 0x800000 4M w\nmap 0x1000 0x2000 8K r\nimage-save %s\n' "$out/tiny.img" |
	"$sim" -F tests/sim/tiny.fmt > /dev/null 2>&1
{ printf '%%%%fmt\n'; cat tests/sim/tiny.fmt; printf '\n%%%%img\n'; cat "$out/tiny.img"; } \
	> "$seeds/fuzz_image/tiny32"
[ $seeds_only = 0 ] || exit 0

# --- runs ----------------------------------------------------------------------------------
# run NAME: one target for $secs seconds, its output in $out/NAME.log and its status in .rc.
run() {
	local name=$1 corpus
	if [ $check = 1 ]; then
		corpus=$out/check-corpus/$name
		rm -rf "$corpus"
	else
		corpus=$out/corpus/$name
	fi
	mkdir -p "$corpus"
	# -timeout: one input may take at most 10 s; -rss_limit_mb: the default 2 GiB.
	"$sanb/fuzz/$name" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/$name-" "$corpus" "$seeds/$name" > "$out/$name.log" 2>&1
	echo $? > "$out/$name.rc"
	echo "$corpus" > "$out/$name.corpus"
}
# report N NAME: its TAP line (check) or summary line.
report() {
	local n=$1 name=$2 log=$out/$2.log rc execs cov rate files summary
	rc=$(cat "$out/$name.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	files=$(ls "$(cat "$out/$name.corpus")" | wc -l)
	summary="$name: ${execs:-?} executions in ${secs} s (${rate:-?}/s), ${cov:-cov: ?}, corpus $files"
	if [ "$rc" -eq 0 ]; then
		[ $check = 1 ] && echo "ok $n - fuzz $summary" || echo "fuzz: $summary"
		return 0
	fi
	[ $check = 1 ] && echo "not ok $n - fuzz $name: finding (exit $rc), see $log" ||
		echo "fuzz: $name: FINDING (exit $rc), see $log"
	grep -E 'ERROR|runtime error|SUMMARY|Test unit written|harness:|fuzz_' "$log" | head -n 20 |
		sed 's/^/# /'
	return 1
}

n=0
fails=0
if [ $check = 1 ]; then
	# Briefly, all at once: make check's time is what counts.
	echo "1..${#targets[@]}"
	for name in "${targets[@]}"; do
		run "$name" &
	done
	wait
else
	for name in "${targets[@]}"; do
		echo "fuzz: running $name for ${secs}s (log $out/$name.log)"
		run "$name"
		report 0 "$name" || true
	done
fi
for name in "${targets[@]}"; do
	n=$((n + 1))
	if [ $check = 1 ]; then
		report $n "$name" || fails=$((fails + 1))
	else
		[ "$(cat "$out/$name.rc")" -eq 0 ] || fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
