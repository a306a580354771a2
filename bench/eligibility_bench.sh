#!/usr/bin/env bash
# Eligibility speed: the child-grant rule over a generated population of
# 1,000,000 households (about 4.6 million individuals), read from the
# database. For SQLite and, when a URL is given, PostgreSQL:
#   preview  - the count and a sample, writing nothing (twice);
#   run      - a new program's first run, enrolling every qualifying household;
#   rerun    - the same run again (re-verification: nothing changes).
# Prints seconds and peak memory (resident set, and its anonymous part: see
# bench/measure.sh) of each.
#   bench/eligibility_bench.sh [HOUSEHOLDS] [postgresql://user@host:port/db]
# A PostgreSQL database that already holds the population is used as it is;
# SPMIS_BENCH_SQLITE=FILE does the same for SQLite (the load takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-1000000}
pg_url=${2:-}
spmis=build/spmis
work=$(mktemp -d /tmp/spmis-eligibility-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
rule='group.members.exists(m, m.age < 5)'
as_of=2026-11-23

load() {
  local database=$1
  if [ "$("$spmis" program list --database "$database" >/dev/null 2>&1 && \
          "$spmis" eligibility preview --rule true --database "$database" --sample 0 |
          sed -E 's/.*"evaluated":([0-9]+).*/\1/')" -gt 0 ] 2>/dev/null; then
    echo "using the registry already in $database"
    return
  fi
  [ -d "$work/files" ] ||
    "$spmis" demo generate --households "$households" --seed 7 --out "$work/files" >/dev/null
  "$spmis" config apply "$work/files/config.json" --database "$database" >/dev/null
  for kind in areas individuals groups memberships; do
    "$spmis" import "$kind" "$work/files/$kind.csv" --database "$database" >/dev/null
  done
}

source bench/measure.sh
timed() {
  local label=$1
  shift
  measure "$work/time" "$@" >"$work/out"
  read -r seconds rss anon <"$work/time"
  printf '%-10s %-8s %6.2f s  peak RSS %4d MB (anonymous %4d MB)  %s\n' "$backend" "$label" \
    "$seconds" $((rss / 1024)) $((anon / 1024)) "$(head -c 120 "$work/out")"
}

bench() {
  backend=$1
  local database=$2
  load "$database"
  local code="BENCH-$(date +%s)"
  "$spmis" program create --code "$code" --name "Child grant (benchmark)" --target groups \
    --rule "$rule" --database "$database" >/dev/null
  timed preview "$spmis" eligibility preview "$code" --as-of "$as_of" --sample 5 --database "$database"
  timed preview "$spmis" eligibility preview "$code" --as-of "$as_of" --sample 5 --database "$database"
  timed run "$spmis" eligibility run "$code" --as-of "$as_of" --database "$database"
  timed rerun "$spmis" eligibility run "$code" --as-of "$as_of" --database "$database"
}

bench sqlite "${SPMIS_BENCH_SQLITE:-$work/bench.db}"
[ -n "$pg_url" ] && bench postgresql "$pg_url"
exit 0
