#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster for the test suite.
#   source scripts/test-postgres.sh start   # exports SPMIS_TEST_POSTGRES_URL
#   scripts/test-postgres.sh stop DIR
# The cluster lives in a temporary folder, listens on 127.0.0.1 only, on a
# free port, with fsync off (its data is thrown away). SPMIS_PG_SHARED_BUFFERS
# sets its shared_buffers (default PostgreSQL's 128MB; benchmarks use a
# quarter of the machine's memory, the usual production setting).
pg_bin=/usr/lib/postgresql/15/bin

start_cluster() {
  local dir port
  dir=$(mktemp -d /tmp/spmis-pg.XXXXXX)
  chown postgres:postgres "$dir" 2>/dev/null || true
  chmod 700 "$dir"
  local as_postgres=()
  if [ "$(id -u)" = 0 ]; then as_postgres=(runuser -u postgres --); fi
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  # A random high port; another try on another port if it is taken.
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    if "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o \
      "-c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -k $dir -c max_connections=300 -c shared_buffers=${SPMIS_PG_SHARED_BUFFERS:-128MB}" \
      start >/dev/null; then
      "${as_postgres[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres spmis
      echo "$dir $port"
      return 0
    fi
  done
  cat "$dir/server.log" >&2
  return 1
}

stop_cluster() {
  local dir=$1
  [ -d "$dir/data" ] || return 0
  local as_postgres=()
  if [ "$(id -u)" = 0 ]; then as_postgres=(runuser -u postgres --); fi
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start)
    cluster=$(start_cluster) || { echo "cannot start a PostgreSQL test cluster" >&2; return 1 2>/dev/null || exit 1; }
    read -r SPMIS_TEST_PG_DIR SPMIS_TEST_PG_PORT <<<"$cluster"
    export SPMIS_TEST_PG_DIR SPMIS_TEST_PG_PORT
    export SPMIS_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${SPMIS_TEST_PG_PORT}/spmis"
    ;;
  stop)
    stop_cluster "${2:?cluster folder}"
    ;;
  *)
    echo "usage: source $0 start | $0 stop DIR" >&2
    return 2 2>/dev/null || exit 2
    ;;
esac
