"""SQLite peer (Zircolite's approach): the events in a table, one SQL query per rule.

Zircolite runs Sigma rules as SQL over SQLite, with a Python-registered REGEXP function. Here
the events are loaded as they are into `events(raw TEXT)` (lines that are not JSON objects are
left out, as rulec skips them) and every rule becomes one query

    SELECT count(*) FROM (<the rule's fields of each event>) WHERE <the rule's predicate>

run through Python's sqlite3 module, which registers `regexp` (Python `re` over the RE2
pattern translated by re2syntax.to_python). Everything else is SQLite's own: json_type /
json_extract / json_each / json_tree, lower() (ASCII only without ICU, like the IR's folding),
instr, substr, comparisons.

How a field is read: when the events are loaded, a table `slots` gets, per event, its log type
and the JSON path of every field the pack reads (so key matching is done once per event, as
Zircolite flattens events once at load). A path is found for each alternative in order
(COALESCE: the first present wins): a path whose keys all exist exactly is one json_type test;
otherwise the longest exact prefix is found and the next key is looked up in json_each of that
object: the first key (ORDER BY id, document order) equal after lower() (and, loose, after
removing spaces), which is the IR's ci/loose key matching; wildcards take members or elements in
order (first for alternatives, last for a lone path). Each rule's query then reads its fields
with json_type(raw, path) (NULL: missing; 'null' for JSON null) and json_extract(raw, path).
Each leaf is written to be 0 or 1, never NULL, so that NOT is two-valued; long AND/OR lists are
balanced trees (SQLite limits expression depth to 1,000). or-element leaves use json_each over
a list; element ops (any/all/one) run their predicate per element in a json_each subquery.
Keywords are json_tree over the event's strings, numbers and booleans (numbers as CAST prints
them).

Limits (not in the generated events): a key containing a double quote cannot be named in a
SQLite JSON path (such keys are never found by the loose fallback; a rule naming one is
refused); strings with NUL characters; duplicate keys (json_extract: the first, as rulec);
keyword search has no depth limit (rulec stops at 64 levels), and sees a number as CAST prints
it (`4.5e3` as `4500.0`).
"""

import re
import sqlite3
import time

from . import irpack, re2syntax

PEER = "sqlite"


# Keywords search every string, number and boolean of the event as text (numbers as SQLite's
# CAST prints them).
KEYTEXT_TYPES = "type IN ('text', 'integer', 'real', 'true', 'false')"
KEYTEXT = "(CASE type WHEN 'text' THEN atom WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(atom AS TEXT) END)"


def q(s):
    """An SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def num(c):
    if isinstance(c, bool):
        return "1" if c else "0"
    if isinstance(c, float):
        return repr(c)
    return str(int(c))


NUMT = "({t} IS 'integer' OR {t} IS 'real' OR {t} IS 'true' OR {t} IS 'false')"


class _Gen:
    def __init__(self, pack):
        self.pack = pack
        self.patterns = {}
        self.n = 0

    # ------------------------------------------------------------------ paths
    @staticmethod
    def key_path(base, key):
        if '"' in key:
            raise irpack.Refused(f"{PEER}: key {key!r} contains a double quote, which SQLite JSON paths cannot name")
        if base.startswith("'") and base.endswith("'") and "||" not in base:
            return q(base[1:-1].replace("''", "'") + '."' + key + '"')
        return f"({base} || {q('.' + chr(34) + key + chr(34))})"

    @staticmethod
    def index_path(base, index):
        step = f"[{index}]" if index >= 0 else f"[#{index}]"
        if base.startswith("'") and base.endswith("'") and "||" not in base:
            return q(base[1:-1].replace("''", "'") + step)
        return f"({base} || {q(step)})"

    @staticmethod
    def fold_sql(expr, mode):
        return f"lower(replace({expr}, ' ', ''))" if mode == "loose" else f"lower({expr})"

    def fresh(self):
        """A new alias suffix: nested subqueries must not shadow each other's names."""
        self.n += 1
        return self.n

    def loose(self, b, key, mode):
        """The path of the first key of object b equal to key after folding (b: path expression)."""
        fk = irpack.fold_key(key, mode)
        j = f"je{self.fresh()}"
        return (f"(SELECT {b} || '.\"' || {j}.key || '\"' FROM json_each(raw, {b}) AS {j}"
                f" WHERE json_type(raw, {b}) = 'object' AND {self.fold_sql(j + '.key', mode)} = {q(fk)}"
                f" AND instr({j}.key, '\"') = 0 ORDER BY {j}.id LIMIT 1)")

    def general(self, prev, steps, mode, first):
        """Path of steps from prev (an expression, NULL when missing), step by step."""
        if not steps:
            return prev
        step, rest = steps[0], steps[1:]
        k = self.fresh()
        b = f"b{k}"
        if isinstance(step, dict) and step.get("any"):
            j, m, w = f"je{k}", f"m{k}", f"w{k}"
            mexpr = (f"CASE WHEN json_type(raw, {b}) = 'array' THEN {b} || '[' || {j}.key || ']'"
                     f" ELSE {b} || '.\"' || {j}.key || '\"' END")
            inner = self.general(m, rest, mode, first)
            return (f"(SELECT r{k} FROM (SELECT {w}.id{k} AS id{k}, {inner} AS r{k}"
                    f" FROM (SELECT {j}.id AS id{k}, {mexpr} AS {m} FROM (SELECT {prev} AS {b}), json_each(raw, {b}) AS {j}"
                    f" WHERE json_type(raw, {b}) IN ('object', 'array') AND instr(CAST({j}.key AS TEXT), '\"') = 0) AS {w})"
                    f" WHERE r{k} IS NOT NULL ORDER BY id{k} {'ASC' if first else 'DESC'} LIMIT 1)")
        if isinstance(step, dict):
            p = self.index_path(b, step["index"])
            nxt = f"(SELECT CASE WHEN json_type(raw, {p}) IS NOT NULL THEN {p} END FROM (SELECT {prev} AS {b}))"
        elif mode == "exact":
            p = self.key_path(b, step)
            nxt = f"(SELECT CASE WHEN json_type(raw, {p}) IS NOT NULL THEN {p} END FROM (SELECT {prev} AS {b}))"
        else:
            p = self.key_path(b, step)
            nxt = (f"(SELECT CASE WHEN {b} IS NULL THEN NULL WHEN json_type(raw, {p}) IS NOT NULL THEN {p}"
                   f" ELSE {self.loose(b, step, mode)} END FROM (SELECT {prev} AS {b}))")
        return self.general(nxt, rest, mode, first)

    def path(self, base, steps, mode, first):
        """SQL for the path string of `steps` from base (an expression), or NULL when missing."""
        if not steps:
            return base
        if irpack.has_wildcard(steps):
            return self.general(base, steps, mode, first)
        prefixes = [base]
        for s in steps:
            prefixes.append(self.index_path(prefixes[-1], s["index"]) if isinstance(s, dict)
                            else self.key_path(prefixes[-1], s))
        full = prefixes[-1]
        if mode == "exact" or all(isinstance(s, dict) for s in steps):
            return f"(CASE WHEN json_type(raw, {full}) IS NOT NULL THEN {full} END)"
        # The longest prefix that exists with exact keys is where exact matching stopped; the next
        # key is looked up loosely there (exact keys win at every level) and the rest step by step.
        arms = [f"WHEN json_type(raw, {full}) IS NOT NULL THEN {full}"]
        for j in range(len(steps) - 1, -1, -1):
            step = steps[j]
            if isinstance(step, dict):
                after = "NULL"
            else:
                after = self.general(self.loose(prefixes[j], step, mode), steps[j + 1:], mode, True)
            cond = "1" if j == 0 else f"json_type(raw, {prefixes[j]}) IS NOT NULL"
            arms.append(f"WHEN {cond} THEN {after}")
        return "(CASE " + " ".join(arms) + " END)"

    def field(self, spec, base="'$'"):
        alts = [self.path(base, p, spec["keys"], bool(spec.get("alternatives")))
                for p in irpack.field_paths(spec)]
        return alts[0] if len(alts) == 1 else "COALESCE(" + ", ".join(alts) + ")"

    # ------------------------------------------------------------------ predicates
    def regex(self, index):
        if index not in self.patterns:
            try:
                self.patterns[index] = re2syntax.to_python(self.pack["regexes"][index])
            except re2syntax.Unsupported as e:
                raise irpack.Refused(f"{PEER}: {e}")
        return q(self.patterns[index])

    def value_leaf(self, e, t, v, lo):
        """Leaf e on one value: type t, value v (SQL expressions), lowered text lo (or None)."""
        op = e["op"]
        c = irpack.constant_value(e["constant"]) if "constant" in e else None
        lo = lo or f"lower({v})"
        if op == "exists":
            return f"({t} IS NOT NULL)"
        if op in ("is_null", "eq.null"):
            return f"({t} IS NULL OR {t} IS 'null')"
        if op == "is_empty":
            return (f"({t} IS NULL OR {t} IS 'null' OR ({t} IS 'text' AND {v} = '') OR ({t} IS 'array' AND {v} = '[]')"
                    f" OR ({t} IS 'object' AND {v} = '{{}}'))")
        if op in ("eq.int", "eq.float", "eq.bool"):
            return f"({NUMT.format(t=t)} AND {v} = {num(c)})"
        if op in ("lt.num", "le.num", "gt.num", "ge.num"):
            sym = {"lt.num": "<", "le.num": "<=", "gt.num": ">", "ge.num": ">="}[op]
            return f"({NUMT.format(t=t)} AND {v} {sym} {num(c)})"
        if op == "matches":
            return f"({t} IS 'text' AND regexp({self.regex(e['index'])}, {v}))"
        n = len(c) if isinstance(c, str) else 0
        s = lo if op.startswith("i") and op != "is_null" else v
        base = op[1:] if op.startswith("i") else op
        test = {
            "eq.str": f"{s} = {q(c or '')}",
            "contains.str": f"instr({s}, {q(c or '')}) > 0",
            "startswith.str": f"substr({s}, 1, {n}) = {q(c or '')}",
            "endswith.str": f"substr({s}, -{n}) = {q(c or '')}" if n else "1",
        }.get(base)
        if test is None:
            raise irpack.Refused(f"{PEER}: op {op}")
        return f"({t} IS 'text' AND {test})"

    def expr(self, e, table, used, lowered):
        op = e["op"]
        if op == "true":
            return "1"
        if op == "false":
            return "0"
        if op == "not":
            return f"(NOT {self.expr(e['operands'][0], table, used, lowered)})"
        if op in ("and", "or"):
            return self.balanced([self.expr(o, table, used, lowered) for o in e["operands"]], op.upper())
        if op == "exactly_one":
            return "((" + ") + (".join(self.expr(o, table, used, lowered) for o in e["operands"]) + ") = 1)"
        if op == "keyword":
            return f"EXISTS (SELECT 1 FROM json_tree(raw) WHERE {KEYTEXT_TYPES} AND regexp({self.regex(e['index'])}, {KEYTEXT}))"
        if op == "keyword.icontains":
            needle = q(irpack.constant_value(e["constant"]))
            return f"EXISTS (SELECT 1 FROM json_tree(raw) WHERE {KEYTEXT_TYPES} AND instr(lower({KEYTEXT}), {needle}) > 0)"
        slot = e["slot"]
        used.add(slot)
        t, v, p = f"t{slot}", f"v{slot}", f"p{slot}"
        if op.endswith(".field"):
            used.add(e["slot2"])
            cmp = op[:-6]
            test = self.field_cmp(cmp, t, v, f"t{e['slot2']}", f"v{e['slot2']}")
            if e.get("elementwise"):
                j = f"je{self.fresh()}"
                each = self.field_cmp(cmp, f"{j}.type", f"{j}.value", f"t{e['slot2']}", f"v{e['slot2']}")
                test = (f"(CASE WHEN {t} IS 'array' THEN EXISTS (SELECT 1 FROM json_each(raw, {p}) AS {j} WHERE {each})"
                        f" ELSE {test} END)")
            return test
        if op in irpack.ELEMENT_OPS:
            sub = table[slot]["elements"]
            sub_used, sub_lowered = set(), set()
            body = self.expr(e["operands"][0], sub, sub_used, sub_lowered)
            j = f"je{self.fresh()}"
            m = f"({p} || '[' || {j}.key || ']')"
            paths = ", ".join(f"{self.field(sub[s], m)} AS p{s}" for s in sorted(sub_used)) or "1 AS dummy"
            cols = ", ".join(f"p{s}, json_type(raw, p{s}) AS t{s}, json_extract(raw, p{s}) AS v{s}"
                             for s in sorted(sub_used)) or "1 AS dummy2"
            lows = "".join(f", CASE WHEN t{s} IS 'text' THEN lower(v{s}) END AS l{s}" for s in sorted(sub_lowered))
            rows = (f"(SELECT *{lows} FROM (SELECT {cols} FROM (SELECT {paths}"
                    f" FROM json_each(raw, {p}) AS {j} LIMIT -1 OFFSET 0) LIMIT -1 OFFSET 0))")
            if op == "any":
                return f"({t} IS 'array' AND EXISTS (SELECT 1 FROM {rows} WHERE {body}))"
            if op == "all":
                return f"({t} IS 'array' AND NOT EXISTS (SELECT 1 FROM {rows} WHERE NOT {body}))"
            return f"({t} IS 'array' AND (SELECT count(*) FROM {rows} WHERE {body}) = 1)"
        lo = None
        if op in ("ieq.str", "icontains.str", "istartswith.str", "iendswith.str"):
            lowered.add(slot)
            lo = f"l{slot}"
        test = self.value_leaf(e, t, v, lo)
        if e.get("elementwise"):
            j = f"je{self.fresh()}"
            each = self.value_leaf(e, f"{j}.type", f"{j}.value", None)
            test = (f"(CASE WHEN {t} IS 'array' THEN EXISTS (SELECT 1 FROM json_each(raw, {p}) AS {j} WHERE {each})"
                    f" ELSE {test} END)")
        return test

    def balanced(self, parts, op):
        """a OP b OP c as a balanced tree: SQLite limits expression depth to 1000 (some rules OR
        a thousand hashes). Evaluation order stays left to right."""
        if len(parts) <= 8:
            return "(" + f" {op} ".join(parts) + ")"
        half = len(parts) // 2
        return f"({self.balanced(parts[:half], op)} {op} {self.balanced(parts[half:], op)})"

    @staticmethod
    def field_cmp(cmp, ta, va, tb, vb):
        if cmp in ("lt", "le", "gt", "ge"):
            sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[cmp]
            return f"({NUMT.format(t=ta)} AND {NUMT.format(t=tb)} AND {va} {sym} {vb})"
        fold = cmp.startswith("i")
        a, b = (f"lower({va})", f"lower({vb})") if fold else (va, vb)
        base = cmp[1:] if fold else cmp
        strings = f"{ta} IS 'text' AND {tb} IS 'text'"
        test = {
            "eq": f"{a} = {b}",
            "contains": f"instr({a}, {b}) > 0",
            "startswith": f"substr({a}, 1, length({b})) = {b}",
            "endswith": f"(length({b}) = 0 OR substr({a}, -length({b})) = {b})",
        }[base]
        out = f"({strings} AND {test})"
        if cmp == "eq":
            out = (f"(({NUMT.format(t=ta)} AND {NUMT.format(t=tb)} AND {va} = {vb}) OR ({ta} IS 'null' AND {tb} IS 'null')"
                   f" OR {out})")
        return out

    def query(self, rule):
        used, lowered = set(), set()
        pred = self.expr(rule["predicate"], self.pack["fields"], used, lowered)
        self.view_slots |= used
        types = ", ".join(q(self.pack["logTypes"][t]) for t in rule["logTypes"])
        paths = "".join(f", p{s}" for s in sorted(used))
        cols = "".join(f", p{s}, json_type(raw, p{s}) AS t{s}, json_extract(raw, p{s}) AS v{s}" for s in sorted(used))
        lows = "".join(f", CASE WHEN t{s} IS 'text' THEN lower(v{s}) END AS l{s}" for s in sorted(lowered))
        return (f"SELECT count(*) FROM (SELECT *{lows} FROM (SELECT ln, raw{cols} FROM (SELECT ln, raw{paths} FROM slots"
                f" WHERE lt IN ({types}) LIMIT -1 OFFSET 0) LIMIT -1 OFFSET 0) LIMIT -1 OFFSET 0)"
                f" WHERE {pred}")

    def script(self, default_type):
        """The slots table (each event's log type and field paths) and the rules' queries."""
        irpack.check_supported(self.pack, PEER)
        self.view_slots = set()
        queries = [(r["id"], self.query(r)) for r in self.pack["rules"]]
        cols = "".join(f",\n  {self.field(self.pack['fields'][s])} AS p{s}" for s in sorted(self.view_slots))
        view = f"CREATE TABLE slots AS SELECT rowid AS ln, raw, {LOG_TYPE.replace(':default', q(default_type))} AS lt{cols}\nFROM events"
        return view, queries


# rulec's log type: a string p_log_type, else a string Type, else the default (:default).
LOG_TYPE = ("(CASE WHEN json_type(raw, '$.\"p_log_type\"') IS 'text' THEN json_extract(raw, '$.\"p_log_type\"')"
            " WHEN json_type(raw, '$.\"Type\"') IS 'text' THEN json_extract(raw, '$.\"Type\"') ELSE :default END)")


def generate(pack, default_type):
    """(CREATE TABLE slots statement, [(rule id, SQL query)]) for this pack, or irpack.Refused."""
    return _Gen(pack).script(default_type)


def run(script, events_path, detail=None):
    """Loads the events and runs each query. Returns (counts, load seconds, query seconds, events, bytes)."""
    db = sqlite3.connect(":memory:")
    cache = {}

    def regexp(pattern, value):
        rx = cache.get(pattern)
        if rx is None:
            rx = cache[pattern] = re.compile(pattern)
        return 1 if value.__class__ is str and rx.search(value) is not None else 0

    db.create_function("regexp", 2, regexp, deterministic=True)
    view, queries = script
    db.execute("CREATE TABLE events(raw TEXT)")
    start = time.perf_counter()
    events = nbytes = 0
    with open(events_path, "rb") as f:
        rows = []
        for lineno, line in enumerate(f, 1):
            nbytes += len(line)
            if not line.strip(b" \t\r\n"):
                continue
            events += 1
            try:
                rows.append((lineno, line.decode("utf-8").rstrip("\n")))
            except UnicodeDecodeError:
                continue  # not UTF-8: rulec rejects the line too
        # rowid: the line number (the self-test compares matches event by event)
        db.executemany("INSERT INTO events(rowid, raw) SELECT ?1, ?2 WHERE json_valid(?2) AND json_type(?2) = 'object'",
                       rows)
        db.execute(view)
        db.commit()
    loaded = time.perf_counter()
    counts = []
    for index, (_, sql) in enumerate(queries):
        if detail is None:
            counts.append(db.execute(sql).fetchone()[0])
        else:
            lines = [r[0] for r in db.execute(sql.replace("SELECT count(*) FROM", "SELECT ln FROM", 1))]
            counts.append(len(lines))
            detail.extend((ln, index) for ln in lines)
    done = time.perf_counter()
    return counts, loaded - start, done - loaded, events, nbytes
