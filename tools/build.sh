#!/usr/bin/env bash
# Configures (once) and builds rulec in build/ with Ninja, 2 jobs by default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RULEC_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j "${RULEC_JOBS:-2}"
