#!/usr/bin/env python3
"""Kusto's own documentation examples as the judge of rulec's KQL (issue 20).

Runs every in-scope example of ../shared/corpus/kql-docs through `rulec query`, checks its rows
with the corpus's checker (../shared/tools/kqldocs_check.py), prints how many pass and groups the
failures by cause: rulec's first error (names of functions and operators kept, other specifics
dropped) or "wrong output".

    tools/kqldocs.py [--rulec build/bin/rulec] [--corpus DIR] [--list] [--floor N | --floor-file F]

In scope (issue 20): every example except those using graph operators and functions
(make-graph, graph-*), time series (make-series, series_*), geo_*, approximate aggregates
(percentile*, tdigest*, hll*, stdev*, variance*), evaluate plugins other than bag_unpack, and
render, fork, facet, partition, scan, sample. Examples whose documented column names occur nowhere
in the query (the manifest's unexplained_columns) are checked with --by-position, as the corpus's
README advises. Exit status: 1 when fewer pass than the floor.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT_OF_SCOPE_OPERATORS = {"make-graph", "make-series", "render", "fork", "facet", "partition", "scan",
                          "sample", "sample-distinct"}
OUT_OF_SCOPE_PREFIXES = ("series_", "geo_", "percentile", "tdigest", "hll", "stdev", "variance", "graph")


def in_scope(item, query):
    operators = set(item["operators"])
    if operators & OUT_OF_SCOPE_OPERATORS or any(o.startswith("graph") for o in operators):
        return False
    if any(f.startswith(OUT_OF_SCOPE_PREFIXES) for f in item["functions"]):
        return False
    plugins = re.findall(r"\bevaluate\s+(\w+)", query)
    return all(p == "bag_unpack" for p in plugins)


def cause(stderr):
    """The first error rulec printed, without the parts that differ between examples."""
    for line in stderr.splitlines():
        m = re.search(r"error: (.*)", line)
        if m:
            text = re.sub(r"\s*\[[a-z-]+\]$", "", m.group(1))
            text = re.sub(r"'[^']*' is not a constant", "'...' is not a constant", text)
            text = re.sub(r"column '[^']*'", "column '...'", text)
            text = re.sub(r"\d+", "N", text) if "function" not in text and "operator" not in text else text
            return text
    return "rulec failed without an error message"


def run_one(args, item):
    name = item["name"]
    kql = os.path.join(args.corpus, name + ".kql")
    expected = os.path.join(args.corpus, name + ".expected.json")
    try:
        proc = subprocess.run([args.rulec, "query", kql, "--now", "2000-01-01T00:00:00Z"],
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return name, False, "timed out after 60 s"
    if proc.returncode != 0:
        return name, False, cause(proc.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        out.write(proc.stdout)
    try:
        check = [sys.executable, args.checker, expected, out.name, "--quiet"]
        if item.get("unexplained_columns"):
            check.append("--by-position")
        verdict = subprocess.run(check, capture_output=True, text=True)
    finally:
        os.unlink(out.name)
    if verdict.returncode == 0:
        return name, True, ""
    return name, False, "wrong output"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rulec", default=os.path.join(REPO, "build", "bin", "rulec"))
    parser.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus", "kql-docs"))
    parser.add_argument("--checker", default=os.path.join(REPO, "..", "shared", "tools", "kqldocs_check.py"))
    parser.add_argument("--list", action="store_true", help="print each example's verdict")
    parser.add_argument("--floor", type=int, help="fail when fewer examples pass")
    parser.add_argument("--floor-file", help="a file holding the floor (its first number)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    with open(os.path.join(args.corpus, "MANIFEST.json")) as f:
        items = json.load(f)["items"]
    chosen = []
    for item in items:
        with open(os.path.join(args.corpus, item["name"] + ".kql")) as f:
            if in_scope(item, f.read()):
                chosen.append(item)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = sorted(pool.map(lambda item: run_one(args, item), chosen))

    passed = [name for name, ok, _ in results if ok]
    groups = collections.Counter(why for _, ok, why in results if not ok)
    if args.list:
        for name, ok, why in results:
            print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    print(f"kql-docs: {len(passed)} of {len(chosen)} in-scope examples pass "
          f"({100.0 * len(passed) / max(1, len(chosen)):.1f}%; {len(items)} in the folder)")
    for why, n in groups.most_common():
        print(f"  {n:4d}  {why}")
    floor = args.floor
    if args.floor_file:
        with open(args.floor_file) as f:
            floor = int(re.search(r"\d+", f.read()).group(0))
    if floor is not None and len(passed) < floor:
        print(f"kql-docs: FAILED: {len(passed)} pass, fewer than the floor of {floor}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
