#!/usr/bin/env bash
# Cycle and payment speed on SQLite: a cycle of about 1,000,000 beneficiaries
# (every household of a generated population of 1,000,000, their payment
# details loaded), the entitlement being 100.00 plus 300.00 per child under 5
# (at most 3):
#   generate  - the entitlement generation job;
#   batch     - payment batches per provider (about 5% of households have no
#               details: they are the exceptions);
#   export    - every batch as pain.001.001.09;
#   reconcile - a status file of one line per payment (every 20th failed).
# Target: generate + batch + export under 10 s; reconcile under 10 s.
# Prints seconds and peak memory (resident set, and its anonymous part: see
# bench/measure.sh) of each step.
#   bench/cycle_bench.sh [HOUSEHOLDS]
# SPMIS_BENCH_SQLITE=FILE keeps the loaded population in FILE and reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-1000000}
spmis=$PWD/build/spmis
work=$(mktemp -d /tmp/spmis-cycle-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
database=${SPMIS_BENCH_SQLITE:-$work/bench.db}

source bench/measure.sh
timed() {
  local label=$1
  shift
  measure "$work/time" "$@" >"$work/out" 2>"$work/err"
  read -r seconds rss anon <"$work/time"
  total=$(echo "${total:-0} + $seconds" | bc)
  printf '%-10s %6.2f s  peak RSS %4d MB (anonymous %4d MB)  %s\n' "$label" "$seconds" \
    $((rss / 1024)) $((anon / 1024)) "$(tr '\n' ' ' <"$work/out" | head -c 120)"
}

if ! "$spmis" payment details GRP-00000001-0 --database "$database" >/dev/null 2>&1 &&
   [ "$(sqlite3 "$database" 'SELECT COUNT(*) FROM payment_details' 2>/dev/null || echo 0)" -eq 0 ]; then
  echo "loading $households households into $database"
  "$spmis" demo generate --households "$households" --seed 7 --out "$work/files" >/dev/null
  "$spmis" config apply "$work/files/config.json" --database "$database" >/dev/null
  for kind in areas individuals groups memberships; do
    "$spmis" import "$kind" "$work/files/$kind.csv" --database "$database" >/dev/null
  done
  timed details "$spmis" payment details --file "$work/files/payment_details.csv" \
    --database "$database"
  for user in bench.finance:finance_officer bench.manager:program_manager; do
    echo "a long pass phrase" | "$spmis" user create "${user%%:*}" --role "${user##*:}" \
      --database "$database" >/dev/null
  done
fi

code="BENCH-$(date +%s)"
"$spmis" program create --code "$code" --name "Cycle benchmark" --target groups --rule true \
  --currency KES --amount 10000 \
  --amount-rule '30000 * math.least(group.members.filter(m, m.age < 5).size(), 3)' \
  --funding-account GB82WEST12345698765432 --funding-bic NWBKGB2L \
  --database "$database" >/dev/null
timed enroll "$spmis" eligibility run "$code" --as-of 2026-11-23 --database "$database"
# The cycle starts today: its beneficiaries are the members enrolled at its
# start, and they were enrolled just now.
cycle=$("$spmis" cycle create "$code" --start "$(date -u +%F)" \
  --end "$(date -u -d '+30 days' +%F)" --database "$database")
total=0
timed generate "$spmis" cycle generate "$cycle" --user bench.finance --database "$database"
"$spmis" cycle submit "$cycle" --user bench.finance --database "$database" >/dev/null
"$spmis" cycle approve "$cycle" --user bench.manager --database "$database" >/dev/null
timed batch "$spmis" payment batch "$cycle" --user bench.finance --database "$database"
batches=$(cat "$work/out")
: >"$work/export.sh"
for batch in $batches; do
  echo "$spmis payment export $batch --format pain.001 --out $work/batch-$batch.xml --database $database" >>"$work/export.sh"
done
timed export bash "$work/export.sh"
printf 'generate + batch + export: %.2f s (target < 10 s)\n' "$total"

for batch in $batches; do
  "$spmis" payment export "$batch" --format csv --out "$work/batch-$batch.csv" \
    --database "$database" 2>/dev/null
done
{
  echo "end_to_end_id,status,amount,reason"
  tail -q -n +2 "$work"/batch-*.csv |
    awk -F, '{ if (NR % 20 == 0) print $1 ",failed," $4 ",AC04 account closed"; else print $1 ",paid," $4 "," }'
} >"$work/status.csv"
echo "status file: $(($(wc -l <"$work/status.csv") - 1)) lines"
total=0
timed reconcile "$spmis" payment reconcile "$work/status.csv" --user bench.finance \
  --database "$database"
"$spmis" cycle show "$cycle" --database "$database"
