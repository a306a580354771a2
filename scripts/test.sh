#!/usr/bin/env bash
# Builds SP-MIS and runs the whole test suite: formatting, then every test on
# SQLite and on a throw-away PostgreSQL 15 cluster, in a normal build and in
# an AddressSanitizer + UndefinedBehaviorSanitizer build, then a minute of
# fuzzing the CEL engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== formatting (clang-format)"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

echo "== PostgreSQL test cluster"
source scripts/test-postgres.sh start
trap 'scripts/test-postgres.sh stop "$SPMIS_TEST_PG_DIR"' EXIT
export SPMIS_TEST_REQUIRE_POSTGRES=1
echo "$SPMIS_TEST_POSTGRES_URL"

jobs=$(nproc)
echo "== build and test"
scripts/build.sh build -DSPMIS_BUILD_BENCH=ON
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== build and test with AddressSanitizer and UndefinedBehaviorSanitizer"
CMAKE_BUILD_TYPE=Debug scripts/build.sh build-sanitize -DSPMIS_SANITIZE=ON -DSPMIS_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$jobs"

echo "== fuzz the CEL engine for 60 seconds (libFuzzer, clang)"
scripts/fuzz-cel.sh 60
