#!/usr/bin/env bash
# What a CHECK constraint costs SQLite when a million rows are written: the
# entitlements table's state checked as an IN list, as comparisons (how
# migration 0018 writes it), and not at all. Each variant is a fresh
# database in WAL mode, one INSERT ... SELECT of 1,000,000 rows, timed by
# the sqlite3 shell.
#   bench/sqlite_checks.sh [RUNS]
set -euo pipefail
runs=${1:-3}
work=$(mktemp -d /tmp/spmis-sqlite-checks.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }

states="'draft', 'pending_approval', 'approved', 'paid', 'failed', 'cancelled'"
comparisons="state = 'draft' OR state = 'pending_approval' OR state = 'approved' OR
  state = 'paid' OR state = 'failed' OR state = 'cancelled'"
insert="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO entitlements (cycle_id, registrant_id, amount_minor, currency, state, rule_version,
                          amount_from_rule, created_at, updated_at)
SELECT 1, i, 10000, 'KES', 'draft', 1, 0, '2026-12-03T07:00:00.000000Z',
       '2026-12-03T07:00:00.000000Z' FROM n;"

run() {
  local label=$1 check=$2 file
  for r in $(seq 1 "$runs"); do
    file="$work/$label-$r.db"
    sqlite3 "$file" "PRAGMA journal_mode=WAL;" "CREATE TABLE entitlements (
      id INTEGER PRIMARY KEY AUTOINCREMENT, cycle_id BIGINT NOT NULL, registrant_id BIGINT NOT NULL,
      amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, items TEXT,
      state TEXT NOT NULL $check, rule_version INTEGER NOT NULL, approved_at TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, amount_from_rule BIGINT NOT NULL,
      UNIQUE (cycle_id, registrant_id));" >/dev/null
    sync
    printf '%-12s %s\n' "$label" "$(printf '%s\n' 'PRAGMA synchronous=NORMAL;' '.timer on' "$insert" |
      sqlite3 "$file" | grep 'Run Time')"
    rm -f "$file"*
  done
}
run "IN list" "CHECK (state IN ($states))"
run comparisons "CHECK ($comparisons)"
run "no check" ""
