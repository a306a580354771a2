#!/usr/bin/env bash
# Installs the Debian 12 packages SP-MIS needs to build, test and run, when
# they are missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15 postgresql-client-15
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcli11-dev
  libcsv-dev libzip-dev libexpat1-dev libsodium-dev libgoogle-perftools-dev libgmime-3.0-dev
  libre2-dev libcctz-dev tzdata
  clang libclang-rt-14-dev
  libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  wrk curl bc time
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# postgresql-15 must not start a cluster of its own: tests start throw-away ones.
if [ ! -e /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf 2>/dev/null; then
  "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' | "${sudo_cmd[@]}" tee -a /etc/postgresql-common/createcluster.conf >/dev/null
fi
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
