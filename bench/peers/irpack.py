"""The compiled IR of a rule pack, as `rulec check --emit=json` prints it (compiler/ir/IRJson.cpp).

Shared by the peer translators: loading, the list of ops each peer implements, and a check
that refuses a pack using anything else (a peer never guesses at an op it does not know).
See docs/ir.md for the meaning of every op.
"""

import json
import math
import subprocess

# Ops whose meaning the peers implement (docs/ir.md). Anything else in a pack is refused.
BOOLEAN_OPS = {"true", "false", "not", "and", "or", "exactly_one"}
LEAF_OPS = {
    "exists", "is_null", "is_empty",
    "eq.int", "eq.float", "eq.bool", "eq.str", "eq.null",
    "ieq.str", "contains.str", "icontains.str", "startswith.str", "istartswith.str",
    "endswith.str", "iendswith.str",
    "lt.num", "le.num", "gt.num", "ge.num",
    "matches", "keyword", "keyword.icontains",
}
FIELD_OPS = {c + ".field" for c in ("eq", "ieq", "contains", "icontains", "startswith", "istartswith",
                                   "endswith", "iendswith", "lt", "le", "gt", "ge")}
ELEMENT_OPS = {"any", "all", "one"}
SUPPORTED = BOOLEAN_OPS | LEAF_OPS | FIELD_OPS | ELEMENT_OPS
RULE_KINDS = {"rule", "query"}  # Panther rules and Sigma rules / plain queries: one match per event


class Refused(Exception):
    """The peer cannot run this pack exactly; the message says why."""


def emit_json(rulec, rule_paths, extra_args=()):
    """The pack's IR as a dict (runs `rulec check --emit=json`)."""
    out = subprocess.run([rulec, *extra_args, "check", "--emit=json", *rule_paths],
                         capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"rulec check --emit=json failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def walk(expr):
    yield expr
    for o in expr.get("operands", []):
        yield from walk(o)


def ops_used(pack):
    used = {}
    for r in pack["rules"]:
        for e in walk(r["predicate"]):
            op = e["op"] + (" or-element" if e.get("elementwise") else "")
            used[op] = used.get(op, 0) + 1
    return used


def check_supported(pack, peer, also_refuse=()):
    """Raises Refused naming the first rule and op the peer does not implement."""
    for r in pack["rules"]:
        if r["kind"] not in RULE_KINDS:
            raise Refused(f"{peer}: rule {r['id']!r} is a {r['kind']} (KQL let-table or summarize); "
                          "this peer runs only per-event rules")
        for e in walk(r["predicate"]):
            op = e["op"]
            if op not in SUPPORTED or op in also_refuse:
                raise Refused(f"{peer}: rule {r['id']!r} uses op {op!r}, which this peer does not implement")
            if "subject" in e or "subject2" in e:
                raise Refused(f"{peer}: rule {r['id']!r}: op {op!r} on a computed value (KQL function) "
                              "is not implemented")
            c = e.get("constant")
            if c and c["type"] == "float" and isinstance(c["value"], str):
                raise Refused(f"{peer}: rule {r['id']!r}: non-finite constant {c['value']} is not implemented")


def constant_value(c):
    """A constant of the IR as a Python value."""
    t, v = c["type"], c.get("value")
    if t == "null":
        return None
    if t == "float":
        return float(v) if not isinstance(v, str) else {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[v]
    return v


def field_paths(spec):
    """The candidate paths of a field: its alternatives in order, or its one path."""
    return spec["alternatives"] if spec.get("alternatives") else [spec["path"]]


def has_wildcard(path):
    return any(isinstance(s, dict) and s.get("any") for s in path)


def fold_key(key, mode):
    """How keys compare in `ci` (ASCII case) and `loose` (ASCII case, spaces ignored) mode."""
    k = key.replace(" ", "") if mode == "loose" else key
    return "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in k)
