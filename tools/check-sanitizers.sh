#!/usr/bin/env bash
# Builds rulec under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer in
# build-asan/ (CMake option RULEC_SANITIZE=ON; never touches build/) and runs the whole test
# suite against it: the GoogleTest unit tests (ctest) and the lit suite. Any sanitizer report
# fails the test that triggered it (UBSan aborts, leaks fail the process at exit). Ends with one
# line, "sanitizers: N passed, N failed"; tools/check.sh runs it.
#
# The JIT's generated code, libLLVM, yaml-cpp, simdjson and RE2 are not
# instrumented: their memory errors are only caught where they touch ours.
# tools/sanitizers/*.supp hold the suppressions (each with its reason).
#
# Environment: RULEC_ASAN_BUILD_DIR (default build-asan), RULEC_JOBS (default 2).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RULEC_ASAN_BUILD_DIR:-$root/build-asan}
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
. "$root/tools/suite-counts.sh"

# -O1 -g1: ASan's usual trade of speed for exact stack traces, and a build in about half the
# time of -O2 -g.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRULEC_SANITIZE=ON \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
    > /dev/null || { echo "sanitizers: 0 passed, 1 failed (configure failed)"; exit 1; }
fi
cmake --build "$build" -j "${RULEC_JOBS:-2}" || { echo "sanitizers: 0 passed, 1 failed (build failed)"; exit 1; }

supp="$root/tools/sanitizers"
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

echo "== unit tests under ASan + UBSan (ctest)"
ctest --test-dir "$build" -E '^lit$' --output-on-failure -j 2 > "$build/unit.log" 2>&1
unit_status=$?
grep -E 'tests passed|Failed|\*\*\*' "$build/unit.log" | tail -n 20

# Left out: tests that measure this process's memory (ASan's shadow memory and quarantine
# are not rulec's). A test can also say `UNSUPPORTED: sanitizer` itself.
skip='runtime/high-cardinality\.test'
echo "== lit tests under ASan + UBSan (not: $skip)"
python3 "$lit" -sv --filter-out "$skip" "$build/test" > "$build/lit.log" 2>&1
lit_status=$?
grep -E '^(FAIL|UNRESOLVED|TIMEOUT):|^ *(Passed|Failed|Unsupported|Unresolved|Timed Out) *:|Testing Time' "$build/lit.log"
count_suite "$build" "$unit_status" "$lit_status"
[ "$failed" -ne 0 ] && echo "sanitizers: details in $build/unit.log and $build/lit.log"
echo "sanitizers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
