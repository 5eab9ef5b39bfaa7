#!/usr/bin/env python3
"""Runs SigmaHQ's regression cases through rulec.

Each case (regression_data/**/info.yml) names a rule by id and a JSON
rendering of a Windows event log with the number of events the rule must
match (match_count, default 1; more is allowed, as upstream judges: some logs hold
several events the rule really matches, printed as MORE lines). For each
case this runs `rulec run RULE --events CASE.json --events-format json` and
counts the result rows. Prints one line per failure or skipped case and a closing line
"sigma regression: N passed, N failed, N skipped"; exits non-zero on failure.

usage: sigma-regression.py RULEC CORPUS_DIR
"""
import pathlib
import re
import subprocess
import sys


def rule_index(rules_dir):
    index = {}
    for path in rules_dir.rglob("*.yml"):
        match = re.search(r"^id:\s*([0-9a-fA-F-]{36})\s*$", path.read_text(errors="replace"), re.M)
        if match:
            index[match.group(1).lower()] = path
    return index


def main():
    rulec, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    index = rule_index(corpus / "rules")
    passed = failed = skipped = 0
    for info in sorted((corpus / "regression_data").rglob("info.yml")):
        text = info.read_text(errors="replace")
        ids = re.findall(r"rule_metadata:\s*\n\s*-\s*id:\s*([0-9a-fA-F-]{36})", text)
        events = sorted(info.parent.glob("*.json"))
        # Commented-out test entries (e.g. raw logs) are not cases.
        counts = re.findall(r"^\s+match_count:\s*(\d+)", text, re.M)
        if not ids or not events or ids[0].lower() not in index:
            why = "no rule id" if not ids else "no JSON events" if not events else "rule not in corpus"
            print(f"SKIP {info.relative_to(corpus)}: {why}")
            skipped += 1
            continue
        expected = int(counts[0]) if counts else 1
        rule = index[ids[0].lower()]
        run = subprocess.run(
            [rulec, "run", str(rule), "--events", str(events[0]), "--events-format", "json",
             "--log-type", "WinEventLog"],
            capture_output=True, text=True)
        rows = sum(1 for line in run.stdout.splitlines() if line.startswith('{"rule_id"'))
        if run.returncode in (0, 3) and rows >= expected:
            passed += 1
            if rows > expected:  # allowed: the log holds more matching events
                print(f"MORE {rule.relative_to(corpus)}: {rows} matches, {expected} expected")
        else:
            failed += 1
            reason = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            print(f"FAIL {rule.relative_to(corpus)}: {rows} of {expected} matches {reason}")
    print(f"sigma regression: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
