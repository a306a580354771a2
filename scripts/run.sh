#!/usr/bin/env bash
# Installs what is missing, builds, loads the demo population into an
# embedded SQLite database (once), and serves http://127.0.0.1:8080.
#   scripts/run.sh            # database: ./spmis.db
#   SPMIS_DATABASE=... scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DSPMIS_BUILD_TESTS=OFF -DSPMIS_BUILD_BENCH=OFF
export SPMIS_DATABASE=${SPMIS_DATABASE:-$PWD/spmis.db}
build/spmis demo load
exec build/spmis serve --port "${SPMIS_PORT:-8080}"
