#!/usr/bin/env bash
# Installs every Debian package rulec needs to build and test. Idempotent; run as root
# (or with sudo available). Debian 12 (bookworm) ships LLVM 19 in its main archive.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3
  llvm-19-dev llvm-19-tools          # LLVM libraries (libLLVM-19.so) + lit, FileCheck, not, split-file
  libyaml-cpp-dev libcli11-dev libsimdjson-dev
  libre2-dev pkg-config              # RE2: linear-time regular expressions (KQL matches regex)
  libevtx-dev libbfio-dev            # libevtx: EVTX files (runtime/events/EvtxReader.h); its header needs libbfio's
  libhyperscan-dev                   # Hyperscan: one scan for a pack's Sigma keywords (runtime/matching/KeywordScanner.h)
  libjemalloc-dev                    # the CLI's allocator (tools/CMakeLists.txt)
  libssl-dev                         # OpenSSL's SHA-256: `rulec run --cache` keys (tools/CacheKey.h)
  zlib1g-dev                         # zlib: KQL's zlib_*/gzip_* functions (runtime/functions/EncodingFunctions.cpp)
  tzdata                             # IANA zones for datetime_utc_to_local/_local_to_utc (runtime/functions/TimeZoneFunctions.cpp)
  libgtest-dev libgmock-dev
  clang-19 libclang-rt-19-dev        # libFuzzer + sanitizer runtimes for tools/fuzz.sh (fuzz/)
  nodejs jq                          # the benchmark's peers (bench/run.py); Python's sqlite3 is the SQLite one
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
