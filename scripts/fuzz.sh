#!/bin/bash
# `make fuzz [FUZZ_TIME=seconds]`: build each tests/fuzz/*.c as a libFuzzer target (clang, with
# ASan and UBSan) over the core sources and run it for FUZZ_TIME seconds. Corpora are kept in
# build/fuzz/NAME-corpus; crashes are written to build/fuzz/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-60}
mkdir -p build/fuzz
shopt -s nullglob
targets=(tests/fuzz/*.c)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in tests/fuzz"; exit 1; }
for t in "${targets[@]}"; do
	name=$(basename "$t" .c)
	bin=build/fuzz/$name
	clang -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE -Icore -Iarch -Iuapi -Itests/unit -o "$bin" "$t" core/*.c arch/*.c \
		$(ls tests/unit/*.c | grep -v '/test_')
	mkdir -p "build/fuzz/$name-corpus"
	echo "fuzz: running $name for ${secs}s"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build/fuzz/ \
		"build/fuzz/$name-corpus"
done
