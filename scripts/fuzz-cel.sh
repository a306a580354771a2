#!/usr/bin/env bash
# Builds the CEL engine's libFuzzer target with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer on) and runs it on the seed corpus for SECONDS
# (default 60). New inputs go to a scratch copy; the committed seeds stay as
# they are. A crash leaves its input in build-fuzz/ and fails the script.
#   scripts/fuzz-cel.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out"
sources=(src/cel/*.cc src/core/result.cc fuzz/cel_fuzzer.cc)
sources=("${sources[@]/*_test.cc/}")
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fno-omit-frame-pointer -Isrc)
# Rebuild only when a source is newer than the binary.
if [ ! -x "$out/cel_fuzzer" ] || [ -n "$(find src/cel src/core/result.cc fuzz -newer "$out/cel_fuzzer" -print -quit)" ]; then
  echo "building the CEL fuzzer..." >&2
  clang++ "${flags[@]}" ${sources[@]} -lre2 -lcctz -o "$out/cel_fuzzer"
fi
corpus="$out/corpus"
rm -rf "$corpus" && mkdir -p "$corpus" && cp fuzz/corpus/cel/* "$corpus/"
cd "$out"
./cel_fuzzer -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus
