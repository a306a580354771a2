#!/usr/bin/env bash
# Import speed: a generated population of 250,000 households (about 1.15
# million individuals, 250,000 groups, 1.14 million memberships) imported
# with all validation on, into SQLite and, when a PostgreSQL URL is given,
# into PostgreSQL. Prints rows per second per file and overall, and the peak
# memory (maximum resident set) of each import.
#   bench/import_bench.sh [HOUSEHOLDS] [postgresql://user@host:port/empty_db]
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-250000}
pg_url=${2:-}
spmis=build/spmis
work=$(mktemp -d /tmp/spmis-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$spmis" demo generate --households "$households" --seed 7 --out "$work/files" >/dev/null

run() {
  local label=$1 database=$2
  "$spmis" config apply "$work/files/config.json" --database "$database" >/dev/null
  "$spmis" import areas "$work/files/areas.csv" --database "$database" >/dev/null
  local total_rows=0 total_seconds=0 peak=0
  for kind in individuals groups memberships; do
    local rows start end seconds rss
    rows=$(($(wc -l <"$work/files/$kind.csv") - 1))
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$spmis" import "$kind" "$work/files/$kind.csv" --database "$database" >/dev/null
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc -l)
    rss=$(cat "$work/rss")
    [ "$rss" -gt "$peak" ] && peak=$rss
    printf '%-10s %-12s %9d rows %7.2f s %9.0f rows/s  peak RSS %4d MB\n' "$label" "$kind" "$rows" "$seconds" \
      "$(echo "$rows / $seconds" | bc -l)" $((rss / 1024))
    total_rows=$((total_rows + rows))
    total_seconds=$(echo "$total_seconds + $seconds" | bc -l)
  done
  printf '%-10s %-12s %9d rows %7.2f s %9.0f rows/s  peak RSS %4d MB\n' "$label" "all" "$total_rows" \
    "$total_seconds" "$(echo "$total_rows / $total_seconds" | bc -l)" $((peak / 1024))
}

run sqlite "$work/bench.db"
if [ -n "$pg_url" ]; then run postgresql "$pg_url"; fi
