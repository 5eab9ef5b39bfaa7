# Sourced by tools/check.sh and tools/check-sanitizers.sh: turns one run of
# the unit suite (ctest) and the lit suite into pass and fail counts.
#
# count_suite DIR UNIT_STATUS LIT_STATUS reads DIR/unit.log (ctest output) and
# DIR/lit.log (lit -sv output) and sets $passed and $failed; a runner that
# exited non-zero without counting a failed test counts as one failure.
count_suite() {
  local dir=$1 unit_status=$2 lit_status=$3 unit_line unit_failed unit_total lit_passed lit_failed
  unit_line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$dir/unit.log" | tail -n 1)
  unit_failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$unit_line")
  unit_total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$unit_line")
  lit_passed=$(grep -E '^ *Passed *:' "$dir/lit.log" | grep -oE '[0-9]+' | head -n 1)
  lit_failed=$(awk -F: '/^ *(Failed|Unresolved|Timed Out) *:/ { split($2, n, " "); sum += n[1] } END { print sum + 0 }' "$dir/lit.log")
  passed=$(( ${unit_total:-0} - ${unit_failed:-0} + ${lit_passed:-0} ))
  failed=$(( ${unit_failed:-0} + ${lit_failed:-0} ))
  if [ "$unit_status" -ne 0 ] || [ "$lit_status" -ne 0 ]; then
    [ "$failed" -eq 0 ] && failed=1
  fi
  return 0
}
