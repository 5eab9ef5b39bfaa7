#!/usr/bin/env bash
# Runs rulec's libFuzzer targets (fuzz/): tools/fuzz.sh [TARGET|all] [SECONDS]
#
#   TARGET   fuzz_yaml_rule, fuzz_kql, fuzz_events, fuzz_compile_run, fuzz_literals, fuzz_evtx, or all (default)
#   SECONDS  time per target (default 60); each runs on one core, one after another
#
# Configures and builds build-fuzz/ with clang 19 (RULEC_FUZZ=ON) when needed; never
# touches build/. Each target starts from its seed corpus in fuzz/corpus/TARGET and
# keeps what it finds in build-fuzz/corpus/TARGET (not in the repository). A crash,
# leak, timeout or out-of-memory input is written to build-fuzz/artifacts/TARGET/ and
# the script exits 1 at the end; minimise it with `-minimize_crash=1`, then add it as a
# regression test and to the seed corpus.
#
# Environment: RULEC_FUZZ_BUILD_DIR (default build-fuzz), RULEC_FUZZ_SEED (libFuzzer's
# -seed; CI passes a fixed one), RULEC_JOBS (build jobs, default 2).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RULEC_FUZZ_BUILD_DIR:-$root/build-fuzz}
all_targets=(fuzz_yaml_rule fuzz_kql fuzz_events fuzz_compile_run fuzz_literals fuzz_evtx)
which=${1:-all}
seconds=${2:-60}

if [ "$which" = all ]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $which "* ]]; then
  targets=("$which")
else
  echo "usage: tools/fuzz.sh [${all_targets[*]// /|}|all] [SECONDS]" >&2
  exit 2
fi

if ! command -v clang++-19 > /dev/null; then
  echo "fuzz: clang++-19 is missing; tools/setup.sh installs clang-19 and libclang-rt-19-dev" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-19 CXX=clang++-19 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRULEC_FUZZ=ON > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 2; }
  rm -f "$build.configure.log"
fi
cmake --build "$build" -j "${RULEC_JOBS:-2}" --target "${targets[@]}" || { echo "fuzz: build failed" >&2; exit 2; }

# Per target: the longest input, and its dictionary.
max_len() {
  case $1 in
  fuzz_yaml_rule) echo 8192 ;; fuzz_kql) echo 4096 ;; fuzz_events) echo 16384 ;; fuzz_compile_run) echo 1024 ;;
  fuzz_literals) echo 4096 ;; fuzz_evtx) echo 69632 ;; # a file header and one chunk
  esac
}
dict() {
  case $1 in
  fuzz_yaml_rule) echo "$root/fuzz/dict/yaml.dict" ;; fuzz_kql) echo "$root/fuzz/dict/kql.dict" ;;
  fuzz_events) echo "$root/fuzz/dict/json.dict" ;; fuzz_evtx) echo "$root/fuzz/dict/evtx.dict" ;;
  esac
}

# Leaks are findings; UBSan already aborts (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0
summary=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$build/$t.log"
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len="$(max_len "$t")"
        -print_final_stats=1 -artifact_prefix="$artifacts/")
  # One process on one core (libFuzzer's default; -jobs would fork workers that log to ./fuzz-N.log).
  [ -n "$(dict "$t")" ] && args+=(-dict="$(dict "$t")")
  [ -n "${RULEC_FUZZ_SEED:-}" ] && args+=(-seed="$RULEC_FUZZ_SEED")
  echo "== $t: $seconds s (log: $log)"
  start=$(date +%s)
  "$build/bin/$t" "${args[@]}" "$work" "$root/fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
  if [ -z "$execs" ]; then # killed before the final stats: the last status line
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  fi
  corpus=$(find "$work" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    line="$t: ${elapsed} s, ${execs:-0} execs, corpus $corpus, no findings"
  else
    status=1
    line="$t: ${elapsed} s, ${execs:-0} execs, FINDING (exit $rc): $(grep -m1 -E 'ERROR: |runtime error|Test unit written' "$log")"
    grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written|#[0-9]+ 0x' "$log" | head -n 30
  fi
  echo "$line"
  summary+=("$line")
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit $status
