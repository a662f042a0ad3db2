#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root) and builds warren into ./build.
# Usage: scripts/setup.sh [extra cmake arguments...]
#   WARREN_BUILD_DIR=dir   build somewhere else (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libcaf-dev libasio-dev libboost-test-dev
          node-llhttp libssl-dev nginx-light wrk curl python3 procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${WARREN_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
