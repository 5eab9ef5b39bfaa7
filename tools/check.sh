#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), builds rulec, and runs every test:
# the GoogleTest unit tests (through ctest) and the lit suite (end to end,
# FileCheck); then the same suite under ASan + UBSan + LeakSanitizer
# (tools/check-sanitizers.sh, build-asan/), and each libFuzzer target for 20 s
# from its seed corpus (tools/fuzz.sh, build-fuzz/; each target counts as one
# test). Ends with one line, "tests: N passed, N failed", and a non-zero exit
# if anything failed. RULEC_SKIP_SANITIZERS=1 / RULEC_SKIP_FUZZ=1 leave those
# parts out locally (CI runs everything: 18 min 51 s from a clean checkout on 2 cores).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RULEC_BUILD_DIR:-$root/build}
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
. "$root/tools/suite-counts.sh"

"$root/tools/setup.sh" || { echo "tests: 0 passed, 1 failed (setup failed)"; exit 1; }
"$root/tools/build.sh" || { echo "tests: 0 passed, 1 failed (build failed)"; exit 1; }

echo "== unit tests (GoogleTest via ctest)"
ctest --test-dir "$build" -E '^lit$' --output-on-failure -j 2 | tee "$build/unit.log"
unit_status=${PIPESTATUS[0]}

echo "== lit tests (end to end)"
python3 "$lit" -sv "$build/test" | tee "$build/lit.log"
lit_status=${PIPESTATUS[0]}
count_suite "$build" "$unit_status" "$lit_status"

if [ "${RULEC_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== the same tests under ASan + UBSan + LeakSanitizer (tools/check-sanitizers.sh)"
  "$root/tools/check-sanitizers.sh" 2>&1 | tee "$build/sanitizers.log"
  san_status=${PIPESTATUS[0]}
  san_line=$(grep -E '^sanitizers: [0-9]+ passed, [0-9]+ failed' "$build/sanitizers.log" | tail -n 1)
  san_passed=$(sed -E 's/^sanitizers: ([0-9]+) passed.*/\1/' <<<"$san_line")
  san_failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$san_line")
  [ "$san_status" -ne 0 ] && [ "${san_failed:-0}" -eq 0 ] && san_failed=1
  passed=$(( passed + ${san_passed:-0} ))
  failed=$(( failed + ${san_failed:-0} ))
fi

if [ "${RULEC_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz targets, 20 s each from the seed corpus (tools/fuzz.sh)"
  RULEC_FUZZ_SEED=1 "$root/tools/fuzz.sh" all 20 2>&1 | tee "$build/fuzz.log"
  fuzz_status=${PIPESTATUS[0]}
  fuzz_summary=$(sed -n '/^== fuzz summary/,$p' "$build/fuzz.log")
  fuzz_passed=$(grep -cE '^fuzz_[a-z_]+: .* no findings$' <<<"$fuzz_summary")
  fuzz_failed=$(grep -cE '^fuzz_[a-z_]+: .* FINDING' <<<"$fuzz_summary")
  [ "$fuzz_status" -ne 0 ] && [ "$fuzz_failed" -eq 0 ] && fuzz_failed=1 # the build failed
  passed=$(( passed + fuzz_passed ))
  failed=$(( failed + fuzz_failed ))
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
