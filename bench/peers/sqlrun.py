#!/usr/bin/env python3
"""Runs the SQL of sqlpeer.generate (saved as JSON) over newline-delimited JSON events.

    python3 sqlrun.py SCRIPT.json EVENTS.jsonl OUT.json

Writes {"ids", "counts", "events", "bytes", "seconds", "load_seconds", "query_seconds"}: seconds
is the loading (events table and the slots table of field paths) plus all the rule queries.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from peers import sqlpeer  # noqa: E402


def main():
    script_path, events_path, out_path = sys.argv[1:4]
    view, queries = json.load(open(script_path))
    counts, load, query, events, nbytes = sqlpeer.run((view, queries), events_path)
    with open(out_path, "w") as out:
        json.dump({"ids": [q[0] for q in queries], "counts": counts, "events": events, "bytes": nbytes,
                   "seconds": load + query, "load_seconds": load, "query_seconds": query}, out)


if __name__ == "__main__":
    main()
