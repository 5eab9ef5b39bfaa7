#!/usr/bin/env python3
"""Runs SigmaHQ's regression cases through rulec.

Each case (regression_data/**/info.yml) names a rule by id and a Windows
event log, as the original .evtx and its JSON rendering, with the number of
events the rule must match (match_count, default 1; more is allowed, as
upstream judges: some logs hold several events the rule really matches,
printed as MORE lines). For each case this runs `rulec run RULE --events
CASE.json --events-format json` (no --log-type: the events' shape says they
are Windows events) and counts the result rows; then the same over CASE.evtx,
read natively, which must match the same events (compared by their
EventRecordID; an EVTX-DIFF line and a failure when not). Prints one line per
failure or skipped case and a closing line "sigma regression: N passed, N
failed, N skipped; N of N .evtx files match as their JSON"; exits non-zero
on failure.

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


def matched(stdout):
    """The (rule, EventRecordID) of each result row, as a sorted list."""
    out = []
    for line in stdout.splitlines():
        if line.startswith('{"rule_id"'):
            rule = re.search(r'"rule_id":"([^"]*)"', line)
            record = re.search(r'"EventRecordID":(\d+)', line)
            out.append((rule.group(1) if rule else "", int(record.group(1)) if record else -1))
    return sorted(out)


def main():
    rulec, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    index = rule_index(corpus / "rules")
    passed = failed = skipped = 0
    evtx_cases = evtx_same = 0
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
            [rulec, "run", str(rule), "--events", str(events[0]), "--events-format", "json"],
            capture_output=True, text=True)
        rows = sum(1 for line in run.stdout.splitlines() if line.startswith('{"rule_id"'))
        evtx = events[0].with_suffix(".evtx")
        same_evtx = True
        if evtx.exists():
            evtx_cases += 1
            native = subprocess.run([rulec, "run", str(rule), "--events", str(evtx)], capture_output=True, text=True)
            if matched(native.stdout) == matched(run.stdout) and native.returncode == run.returncode:
                evtx_same += 1
            else:
                same_evtx = False
                print(f"EVTX-DIFF {rule.relative_to(corpus)}: {sorted(matched(native.stdout))} from the .evtx, "
                      f"{sorted(matched(run.stdout))} from its JSON")
        if run.returncode in (0, 3) and rows >= expected and same_evtx:
            passed += 1
            if rows > expected:  # allowed: the log holds more matching events
                print(f"MORE {rule.relative_to(corpus)}: {rows} matches, {expected} expected")
        else:
            failed += 1
            reason = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            print(f"FAIL {rule.relative_to(corpus)}: {rows} of {expected} matches {reason}")
    print(f"sigma regression: {passed} passed, {failed} failed, {skipped} skipped; "
          f"{evtx_same} of {evtx_cases} .evtx files match as their JSON")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
