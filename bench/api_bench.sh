#!/usr/bin/env bash
# API speed: GET /api/v1/individuals/{id} with a bearer token (an API client's
# OAuth2 token), on a demo population of 20,000 households in SQLite.
#   1. throughput: wrk, 2 threads, 50 connections, 10 s;
#   2. latency at about 2,000 requests/s: 20 connections each pausing 9 ms
#      between requests, 10 s; prints the latency percentiles.
#   bench/api_bench.sh [HOUSEHOLDS]
set -euo pipefail
cd "$(dirname "$0")/.."
households=${1:-20000}
spmis=build/spmis
work=$(mktemp -d /tmp/spmis-api-bench.XXXXXX)
port=18093
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/bench.db"
"$spmis" demo load --households "$households" --database "$db" >/dev/null
"$spmis" client create api-bench --role registrar --database "$db" >"$work/client"
client_id=$(awk '/^client_id:/ {print $2}' "$work/client")
secret=$(awk '/^client_secret:/ {print $2}' "$work/client")
SPMIS_ADMIN_PASSWORD="api bench administrator" "$spmis" serve --port "$port" --threads 2 \
  --database "$db" 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/oauth/token" \
  -d "grant_type=client_credentials&client_id=$client_id&client_secret=$secret" |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')
person=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/individuals?limit=1" |
  sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/')
url="http://127.0.0.1:$port/api/v1/individuals/$person"
echo "== throughput: GET $url"
wrk -t2 -c50 -d10s --latency -H "Authorization: Bearer $token" "$url" | grep -E "Requests/sec|99%"
echo "== latency at about 2,000 requests/s"
echo 'function delay() return 9 end' >"$work/pace.lua"
wrk -t2 -c20 -d10s --latency -s "$work/pace.lua" -H "Authorization: Bearer $token" "$url" |
  grep -E "Requests/sec|50%|90%|99%"
