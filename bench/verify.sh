#!/usr/bin/env bash
# Checks bench/gen_events.py: every line parses, output is deterministic, size distribution,
# generation speed, and (if build/bin/rulec exists) how many events the repo's rules match.
#   bench/verify.sh [COUNT]        (default COUNT=10000; speed is always measured on 100,000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
gen="python3 $here/gen_events.py"
n=${1:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rulec=$repo/build/bin/rulec
corpus=$repo/../shared/corpus

for k in netskope signin process_creation sentinel; do
  $gen --kind $k --count "$n" --seed 1 --out "$tmp/$k.jsonl"
  $gen --kind $k --count "$n" --seed 1 >"$tmp/$k.again"
  cmp -s "$tmp/$k.jsonl" "$tmp/$k.again" && det=identical || det=DIFFERENT
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/$k.jsonl"
  python3 - "$tmp/$k.jsonl" "$k" "$det" <<'EOF'
import sys
s = sorted(len(l.rstrip(b"\n")) for l in open(sys.argv[1], "rb"))
n = len(s)
print(f"{sys.argv[2]:17s} {n} events parse OK, two runs {sys.argv[3]}; bytes/event min {s[0]} "
      f"median {s[n // 2]} p90 {s[n * 9 // 10]} max {s[-1]}")
EOF
  start=$(date +%s.%N)
  $gen --kind $k --count 100000 --seed 1 --out "$tmp/speed.jsonl"
  end=$(date +%s.%N)
  python3 -c "print('%17s 100,000 events in %.2f s' % ('$k', $end - $start))"
done

if [ -x "$rulec" ]; then
  echo "== rulec run (events: $n per kind)"
  echo "-- rules/netskope (the repo's Panther rule)"
  "$rulec" run "$repo/rules/netskope" --events "$tmp/netskope.jsonl" 2>&1 >/dev/null | tail -1
  echo "-- Panther Netskope rules of the corpus"
  "$rulec" run $(ls "$corpus"/panther/Netskope.*.yml | grep -v Simple) --events "$tmp/netskope.jsonl" 2>&1 >/dev/null | tail -1
  echo "-- bench/queries (SigninLogs queries adapted from the corpus)"
  "$rulec" run "$here/queries" --events "$tmp/signin.jsonl" 2>&1 >/dev/null | tail -1
  echo "-- bench/queries-sentinel (joins, unions, summarize over SecurityEvent, SigninLogs, CommonSecurityLog)"
  "$rulec" run "$here/queries-sentinel" --events "$tmp/sentinel.jsonl" 2>&1 >/dev/null | tail -1
  echo "-- SigmaHQ process_creation rules (compiles ~1,200 rules)"
  "$rulec" run "$corpus/sigma/rules/windows/process_creation" --events "$tmp/process_creation.jsonl" \
    --log-type WinEventLog 2>&1 >"$tmp/sigma.out" | tail -1
  python3 - "$tmp/sigma.out" <<'EOF'
import json, sys
ev = set()
for l in open(sys.argv[1]):
    s = json.loads(l)["row"]["Event"]["System"]
    ev.add((s["Computer"], s["EventRecordID"]))
print(f"   {len(ev)} distinct events matched at least one Sigma rule")
EOF
fi
