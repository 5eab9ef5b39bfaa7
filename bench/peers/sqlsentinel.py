#!/usr/bin/env python3
"""The SQLite peer of the kql-sentinel pack: hand-written SQL over the same JSON lines.

    python3 sqlsentinel.py SQL_DIR EVENTS.jsonl OUT.json

Load: every line goes into raw(type, doc) (type: its `Type`, the table rulec routes it to; lines
that are not JSON are left out, as rulec skips them), then SQL_DIR/schema.sql makes the three
tables with the columns the queries read. Then each SQL_DIR/NAME.sql (one per .kql of the pack)
runs and its rows are fetched. Writes {"load_seconds", "query_seconds", "seconds" (both),
"events", "bytes", "queries": {NAME: {"columns": [...], "rows": [[...], ...], "seconds"}}}.

`kql_has(s, term)` is Kusto's `has` for a term of letters and digits (ASCII, ignoring case: the
term bounded by non-alphanumerics), which SQLite lacks.
"""
import json
import os
import pathlib
import re
import sqlite3
import sys
import time


def kql_has(s, term):
    if s is None:
        return 0
    return 1 if re.search(r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])", s, re.I) else 0


def main():
    sql_dir, events_path, out_path = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    db = sqlite3.connect(":memory:")
    db.create_function("kql_has", 2, kql_has, deterministic=True)
    start = time.perf_counter()
    db.execute("CREATE TABLE raw(type TEXT, doc TEXT)")
    events = 0
    with open(events_path, encoding="utf-8") as f:
        batch = []
        for line in f:
            events += 1
            batch.append((line,))
            if len(batch) == 10000:
                db.executemany("INSERT INTO raw SELECT json_extract(?1, '$.Type'), ?1 WHERE json_valid(?1)", batch)
                batch.clear()
        db.executemany("INSERT INTO raw SELECT json_extract(?1, '$.Type'), ?1 WHERE json_valid(?1)", batch)
    db.executescript((sql_dir / "schema.sql").read_text())
    db.execute("DROP TABLE raw")
    load = time.perf_counter() - start
    queries = {}
    for path in sorted(sql_dir.glob("*.sql")):
        if path.name == "schema.sql":
            continue
        start = time.perf_counter()
        cur = db.execute(path.read_text())
        rows = cur.fetchall()
        queries[path.stem] = dict(columns=[d[0] for d in cur.description], rows=rows,
                                  seconds=time.perf_counter() - start)
    query = sum(q["seconds"] for q in queries.values())
    with open(out_path, "w") as out:
        json.dump(dict(load_seconds=load, query_seconds=query, seconds=load + query, events=events,
                       bytes=os.path.getsize(events_path), queries=queries), out)


if __name__ == "__main__":
    main()
