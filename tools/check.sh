#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), builds rulec, and runs every test:
# the GoogleTest unit tests (through ctest) and the lit suite (end to end,
# FileCheck). Ends with one line, "tests: N passed, N failed", and a non-zero
# exit if anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RULEC_BUILD_DIR:-$root/build}
lit=/usr/lib/llvm-19/build/utils/lit/lit.py

"$root/tools/setup.sh" || { echo "tests: 0 passed, 1 failed (setup failed)"; exit 1; }
"$root/tools/build.sh" || { echo "tests: 0 passed, 1 failed (build failed)"; exit 1; }

echo "== unit tests (GoogleTest via ctest)"
ctest --test-dir "$build" -E '^lit$' --output-on-failure -j 2 | tee "$build/unit.log"
unit_status=${PIPESTATUS[0]}
unit_line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$build/unit.log" | tail -n 1)
unit_failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$unit_line")
unit_total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$unit_line")

echo "== lit tests (end to end)"
python3 "$lit" -sv "$build/test" | tee "$build/lit.log"
lit_status=${PIPESTATUS[0]}
lit_passed=$(grep -E '^ *Passed *:' "$build/lit.log" | grep -oE '[0-9]+' | head -n 1)
lit_failed=$(awk -F: '/^ *(Failed|Unresolved|Timed Out) *:/ { split($2, n, " "); sum += n[1] } END { print sum + 0 }' "$build/lit.log")

passed=$(( ${unit_total:-0} - ${unit_failed:-0} + ${lit_passed:-0} ))
failed=$(( ${unit_failed:-0} + ${lit_failed:-0} ))
if [ "$unit_status" -ne 0 ] || [ "$lit_status" -ne 0 ]; then
  [ "$failed" -eq 0 ] && failed=1 # a runner failed without counting a test
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
