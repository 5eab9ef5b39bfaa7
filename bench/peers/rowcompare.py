"""Compares the result rows of rulec's KQL queries with the rows of a peer's SQL, query by query.

Rows are compared as multisets (order is not part of a query's result unless it sorts) after
normalizing each value, so that the same value written by the two engines compares equal:
- null: JSON null, SQL NULL and a column missing from rulec's row are one value;
- numbers: ints and reals by value (a real with no fraction is the int); booleans as 0/1
  (SQLite has no booleans); a string that is a number's text is that number (SQLite keeps
  `ResultType` "0" as text, Kusto columns may be either);
- datetimes: ISO text with or without 'T', 'Z' and up to 9 decimals, as one text with 7
  decimals (Kusto's ticks);
- arrays: sorted (make_set's order is not defined by Kusto, nor json_group_array's by SQLite);
  a string holding a JSON array or object (json_group_array's result) is that value.
"""
import json
import math
import re
from collections import Counter

DATETIME = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z?$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def norm(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isfinite(v) and not v.is_integer():
            return round(v, 9)
        return int(v)
    if isinstance(v, str):
        m = DATETIME.match(v)
        if m:
            return f"{m[1]}T{m[2]}.{(m[3] or '')[:7].ljust(7, '0')}Z"
        if NUMBER.match(v):
            return norm(float(v) if any(c in v for c in ".eE") else int(v))
        if v[:1] in "[{" and v[-1:] in "]}":
            try:
                return norm(json.loads(v))
            except ValueError:
                return v
        return v
    if isinstance(v, list):
        return ("array", tuple(sorted((norm(x) for x in v), key=repr)))
    if isinstance(v, dict):
        return ("bag", tuple(sorted((k, norm(x)) for k, x in v.items())))
    raise TypeError(type(v))


def rulec_rows(path):
    """rulec run's output (one JSON object a line): rule id -> list of row dicts."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out.setdefault(r["rule_id"], []).append(r["row"])
    return out


def compare(name, rulec, columns, rows, show=5):
    """rulec: row dicts; columns, rows: the peer's. Returns None when they agree, else a message."""
    seen = set().union(*(r.keys() for r in rulec)) if rulec else set()
    if seen - set(columns):
        return (f"{name}: rulec's rows have columns the SQL lacks: {sorted(seen - set(columns))} "
                f"(SQL: {columns})")
    mine = sorted((tuple(norm(r.get(c)) for c in columns) for r in rulec), key=repr)
    theirs = sorted((tuple(norm(v) for v in row) for row in rows), key=repr)
    if mine == theirs:
        return None
    only_r = sorted((Counter(mine) - Counter(theirs)).elements(), key=repr)
    only_s = sorted((Counter(theirs) - Counter(mine)).elements(), key=repr)
    lines = [f"{name}: rulec {len(mine)} rows, SQL {len(theirs)} rows (columns {columns})"]
    lines += [f"  only rulec: {r}" for r in only_r[:show]]
    lines += [f"  only SQL:   {r}" for r in only_s[:show]]
    return "\n".join(lines)
