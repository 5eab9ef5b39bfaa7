"""Python peer: a generated module of per-rule functions over json.loads'd events.

This is how Panther's engine runs detections: every rule is a Python function
`rule(event) -> bool` called on each parsed event (a dict), reading fields itself. The
generated module has one `def rule_N(event)` per pack rule, plus per-field getters, and
`bench/peers/pyrun.py` feeds it the events file.

Semantics (docs/ir.md), as generated here:
- a field is looked up per its field-table entry: each alternative path in order, the first the
  event has wins (JSON null counts as present); a step matches an exact key first, else (ci) the
  first key equal ignoring ASCII case, or (loose) ignoring ASCII case and spaces; a folded-key
  map of an object is built once per event when a rule needs it (Panther's case-insensitive
  dict does the same); `[N]` indexes lists (negative from the end); a wildcard step takes every
  member or element, in document order (first match for alternatives, last for a lone path, as
  the runtime's field trie does);
- a missing field is the MISSING sentinel, so every leaf on it is false and `not` true;
- `eq.*` is Python's ==, which is the IR's typed equality (403 == 403.0, True == 1, "403" != 403);
  `lt`...`ge` need an int, float or bool;
- case folding is ASCII only: str.lower() on ASCII strings, a translate table otherwise;
- regexes are RE2 translated by re2syntax.to_python (exact, or the pack is refused);
- or-element leaves test each element when the field holds a list; `keyword` and
  `keyword.icontains` search every string value of the event, and its numbers and bools as
  json.dumps writes them (the IR: as the event writes them; the same for the events written here).
"""

import re

from . import irpack, re2syntax

PEER = "python"


class _Gen:
    def __init__(self, pack):
        self.pack = pack
        self.lines = []
        self.regex_src = {}
        self.element_fns = []
        self.counter = 0

    # ------------------------------------------------------------------ fields
    def getter(self, name, spec):
        """def name(x): the value of field `spec` read from x (the event or a list element)."""
        mode = spec["keys"]
        paths = irpack.field_paths(spec)
        many = bool(spec.get("alternatives"))
        out = [f"def {name}(x0):"]
        for path in paths:
            if irpack.has_wildcard(path):
                out.append(f"    v = _wild(x0, {path!r}, {mode!r}, {'True' if many else 'False'})")
                out.append("    if v is not MISSING: return v")
                continue
            if not path:
                out.append("    return x0")
                break
            ind = "    "
            prev = "x0"
            for d, step in enumerate(path, 1):
                cur = f"x{d}"
                if isinstance(step, dict):
                    out.append(f"{ind}{cur} = _ix({prev}, {step['index']})")
                elif mode == "exact":
                    out.append(f"{ind}{cur} = {prev}.get({step!r}, MISSING) if {prev}.__class__ is dict else MISSING")
                else:
                    fk = irpack.fold_key(step, mode)
                    helper = "_kc" if mode == "ci" else "_kl"
                    out.append(f"{ind}{cur} = {prev}.get({step!r}, MISSING) if {prev}.__class__ is dict else MISSING")
                    out.append(f"{ind}if {cur} is MISSING and {prev}.__class__ is dict: {cur} = {helper}({prev}, {fk!r})")
                if d < len(path):
                    out.append(f"{ind}if {cur} is not MISSING:")
                    ind += "    "
                    prev = cur
                else:
                    out.append(f"{ind}if {cur} is not MISSING: return {cur}")
        out.append("    return MISSING")
        self.lines.extend(out)
        self.lines.append("")

    # ------------------------------------------------------------------ predicates
    def regex(self, index):
        if index not in self.regex_src:
            try:
                self.regex_src[index] = re2syntax.to_python(self.pack["regexes"][index])
            except re2syntax.Unsupported as e:
                raise irpack.Refused(f"{PEER}: {e}")
        return f"R{index}"

    def leaf_scalar(self, e, v, lo):
        """The test of leaf e on a value v (a variable name) whose ASCII-lowered form is lo
        (None unless v is a str)."""
        op = e["op"]
        c = irpack.constant_value(e["constant"]) if "constant" in e else None
        if op == "exists":
            return f"{v} is not MISSING"
        if op == "is_null":
            return f"({v} is None or {v} is MISSING)"
        if op == "is_empty":
            return f"({v} is None or {v} is MISSING or ({v}.__class__ in _SIZED and len({v}) == 0))"
        if op == "eq.null":
            return f"({v} is None or {v} is MISSING)"
        if op == "eq.float" and c != c:
            return "False"
        if op in ("eq.int", "eq.float", "eq.bool"):
            # Python == is the IR's equality: numbers (and bools) by value; never a str, list or dict.
            return f"({v} == {c!r} and {v}.__class__ in _NUM)"
        if op == "eq.str":
            return f"{v} == {c!r}"
        if op == "ieq.str":
            return f"{lo} == {c!r}"
        if op in ("contains.str", "startswith.str", "endswith.str"):
            if op == "contains.str":
                return f"({v}.__class__ is str and {c!r} in {v})"
            m = "startswith" if op == "startswith.str" else "endswith"
            return f"({v}.__class__ is str and {v}.{m}({c!r}))"
        if op in ("icontains.str", "istartswith.str", "iendswith.str"):
            if op == "icontains.str":
                return f"({lo} is not None and {c!r} in {lo})"
            m = "startswith" if op == "istartswith.str" else "endswith"
            return f"({lo} is not None and {lo}.{m}({c!r}))"
        if op in ("lt.num", "le.num", "gt.num", "ge.num"):
            sym = {"lt.num": "<", "le.num": "<=", "gt.num": ">", "ge.num": ">="}[op]
            return f"({v}.__class__ in _NUM and {v} {sym} {c!r})"
        if op == "matches":
            return f"({v}.__class__ is str and {self.regex(e['index'])}.search({v}) is not None)"
        raise irpack.Refused(f"{PEER}: op {op}")

    def expr(self, e, slots, prefix):
        """Python expression for e; slots: set of slot numbers it reads (filled); prefix: 'v' names
        of this scope's slot variables."""
        op = e["op"]
        if op == "true":
            return "True"
        if op == "false":
            return "False"
        if op == "not":
            return f"(not {self.expr(e['operands'][0], slots, prefix)})"
        if op in ("and", "or"):
            return "(" + f" {op} ".join(self.expr(o, slots, prefix) for o in e["operands"]) + ")"
        if op == "exactly_one":
            return "((" + ") + (".join(self.expr(o, slots, prefix) for o in e["operands"]) + ") == 1)"
        if op == "keyword":
            if prefix != "v":
                raise irpack.Refused(f"{PEER}: keyword inside an element predicate is not implemented")
            return f"_any_value(event, {self.regex(e['index'])}.search, 0)"
        if op == "keyword.icontains":
            if prefix != "v":
                raise irpack.Refused(f"{PEER}: keyword inside an element predicate is not implemented")
            return f"_any_value(event, _Contains({irpack.constant_value(e['constant'])!r}), 0)"
        slot = e["slot"]
        slots.add(slot)
        v, lo = f"{prefix}{slot}", f"{prefix}l{slot}"
        if op.endswith(".field"):
            slots.add(e["slot2"])
            test = f"_fieldcmp({op[:-6]!r}, {v}, {prefix}{e['slot2']})"
            if e.get("elementwise"):
                test = f"(_ew_field({op[:-6]!r}, {v}, {prefix}{e['slot2']}) if {v}.__class__ is list else {test})"
            return test
        if op in irpack.ELEMENT_OPS:
            fn = self.element_fn(e["operands"][0], slot, prefix)
            if op == "any":
                return f"({v}.__class__ is list and any(map({fn}, {v})))"
            if op == "all":
                return f"({v}.__class__ is list and all(map({fn}, {v})))"
            return f"({v}.__class__ is list and sum(map({fn}, {v})) == 1)"
        test = self.leaf_scalar(e, v, lo)
        if e.get("elementwise"):
            ew = f"_ew({op!r}, {v}, {self.ew_arg(e)})"
            test = f"({ew} if {v}.__class__ is list else {test})"
        return test

    def ew_arg(self, e):
        if e["op"] == "matches":
            return self.regex(e["index"])
        return repr(irpack.constant_value(e["constant"])) if "constant" in e else "None"

    def element_fn(self, pred, slot, prefix):
        """A module-level function element -> bool for the element predicate of list field slot."""
        self.counter += 1
        name = f"_el{self.counter}"
        table = self.scope_table(prefix, slot)
        sub = f"{prefix}{slot}_"
        slots = set()
        body = self.expr(pred, slots, sub)
        getters = []
        for s in sorted(slots):
            gname = f"G{sub}{s}"
            self.getter(gname, table[s])
            getters.append(f"    {sub}{s} = {gname}(el)")
            if re.search(rf"\b{sub}l{s}\b", body):
                getters.append(f"    {sub}l{s} = _lower({sub}{s}) if {sub}{s}.__class__ is str else None")
        self.element_fns.append("\n".join([f"def {name}(el):", *getters, f"    return {body}", ""]))
        return name

    def scope_table(self, prefix, slot):
        # prefix "v" is the top level; "v3_" the element table of $3; "v3_1_" of $3.1 ...
        table = self.pack["fields"]
        for part in prefix[1:].split("_")[:-1] if prefix != "v" else []:
            table = table[int(part)]["elements"]
        return table[slot]["elements"]

    def rule(self, index, r):
        """def rule_N(event): slots are read just before the top-level conjunct that first needs them."""
        pred = r["predicate"]
        conj = pred["operands"] if pred["op"] == "and" else [pred]
        out = [f"def rule_{index}(event):"]
        done = set()
        needs_lower = set()
        parts = []
        for c in conj:
            slots = set()
            text = self.expr(c, slots, "v")
            parts.append((slots, text))
        all_text = "\n".join(t for _, t in parts)
        for slots, text in parts:
            for s in sorted(slots - done):
                out.append(f"    v{s} = F{s}(event)")
                if re.search(rf"\bvl{s}\b", all_text):
                    out.append(f"    vl{s} = _lower(v{s}) if v{s}.__class__ is str else None")
                done.add(s)
            out.append(f"    if not {text}: return False")
        out.append("    return True")
        return "\n".join(out) + "\n"

    def module(self):
        irpack.check_supported(self.pack, PEER)
        rules = [self.rule(i, r) for i, r in enumerate(self.pack["rules"])]
        used = set()
        for r in self.pack["rules"]:
            for e in irpack.walk(r["predicate"]):
                if "slot" in e and e["op"] not in irpack.BOOLEAN_OPS:
                    used.add(e["slot"])
                if "slot2" in e:
                    used.add(e["slot2"])
        fields_src = []
        save = self.lines
        self.lines = fields_src
        for s in sorted(used):
            self.getter(f"F{s}", self.pack["fields"][s])
        self.lines = save
        regexes = [f"R{i} = re.compile({src!r})" for i, src in sorted(self.regex_src.items())]
        log_types = self.pack["logTypes"]
        table = ",\n    ".join(
            f"(rule_{i}, {[log_types[t] for t in r['logTypes']]!r})" for i, r in enumerate(self.pack["rules"]))
        return "\n".join([
            "# Generated by bench/peers/pypeer.py from a rulec pack's IR; do not edit.",
            "import json",
            "import re",
            RUNTIME,
            *regexes,
            "",
            *self.lines,
            *fields_src,
            *self.element_fns,
            *rules,
            f"RULE_IDS = {[r['id'] for r in self.pack['rules']]!r}",
            f"RULES = [\n    {table}\n]",
            "",
        ])


RUNTIME = r'''
MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
_NUM = (int, float, bool)
_SIZED = (str, list, dict)
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def _lower(s):
    """ASCII-only lower case (the IR folds ASCII letters only)."""
    return s.lower() if s.isascii() else s.translate(_ASCII_LOWER)


def _fold_ci(k):
    return _lower(k)


def _fold_loose(k):
    return _lower(k.replace(" ", ""))


FOLDED = {}  # per event: (id(object), mode) -> {folded key: value of the first such key}


def begin_event():
    FOLDED.clear()


def _folded(d, mode):
    m = FOLDED.get((id(d), mode))
    if m is None:
        f = _fold_ci if mode == 0 else _fold_loose
        m = {}
        for k, v in d.items():
            m.setdefault(f(k), v)
        FOLDED[(id(d), mode)] = m
    return m


def _kc(d, fk):
    return _folded(d, 0).get(fk, MISSING)


def _kl(d, fk):
    return _folded(d, 1).get(fk, MISSING)


def _ix(x, i):
    if x.__class__ is list and -len(x) <= i < len(x):
        return x[i]
    return MISSING


def _step(x, step, mode):
    if isinstance(step, dict):
        return _ix(x, step["index"])
    if x.__class__ is not dict:
        return MISSING
    v = x.get(step, MISSING)
    if v is MISSING and mode != "exact":
        v = (_kc if mode == "ci" else _kl)(x, (_fold_ci if mode == "ci" else _fold_loose)(step))
    return v


def _matches(x, path, i, mode, out):
    if i == len(path):
        out.append(x)
        return
    step = path[i]
    if isinstance(step, dict) and step.get("any"):
        if x.__class__ is dict:
            for v in x.values():
                _matches(v, path, i + 1, mode, out)
        elif x.__class__ is list:
            for v in x:
                _matches(v, path, i + 1, mode, out)
        return
    v = _step(x, step, mode)
    if v is not MISSING:
        _matches(v, path, i + 1, mode, out)


def _wild(x, path, mode, first):
    out = []
    _matches(x, path, 0, mode, out)
    return MISSING if not out else out[0] if first else out[-1]


def _scalar(op, v, c):
    """One leaf on one value (the slow path for list fields: Sigma's or-element)."""
    if op in ("eq.int", "eq.float", "eq.bool"):
        return v.__class__ in _NUM and v == c
    if op == "eq.str":
        return v == c
    if op in ("is_null", "eq.null"):
        return v is None or v is MISSING
    if op == "exists":
        return v is not MISSING
    if op == "is_empty":
        return v is None or v is MISSING or (v.__class__ in _SIZED and len(v) == 0)
    if op in ("lt.num", "le.num", "gt.num", "ge.num"):
        if v.__class__ not in _NUM:
            return False
        return {"lt.num": v < c, "le.num": v <= c, "gt.num": v > c, "ge.num": v >= c}[op]
    if v.__class__ is not str:
        return False
    if op == "matches":
        return c.search(v) is not None
    if op.startswith("i"):
        v = _lower(v)
    base = op[1:] if op.startswith("i") else op
    if base in ("eq.str",):
        return v == c
    if base == "contains.str":
        return c in v
    if base == "startswith.str":
        return v.startswith(c)
    if base == "endswith.str":
        return v.endswith(c)
    raise ValueError(op)


def _ew(op, lst, c):
    for x in lst:
        if _scalar(op, x, c):
            return True
    return False


def _fieldcmp(cmp, a, b):
    num_a, num_b = a.__class__ in _NUM, b.__class__ in _NUM
    if cmp in ("lt", "le", "gt", "ge"):
        if not (num_a and num_b):
            return False
        return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[cmp]
    if cmp == "eq" and num_a and num_b:
        return a == b
    if cmp == "eq" and a is None and b is None:
        return True
    if a.__class__ is not str or b.__class__ is not str:
        return False
    if cmp.startswith("i"):
        a, b, cmp = _lower(a), _lower(b), cmp[1:]
    if cmp == "eq":
        return a == b
    if cmp == "contains":
        return b in a
    if cmp == "startswith":
        return a.startswith(b)
    return a.endswith(b)


def _ew_field(cmp, lst, b):
    return any(_fieldcmp(cmp, x, b) for x in lst)


def _any_value(x, test, depth):
    """Keywords: `test` on every string of the event, and every number and bool as JSON writes it."""
    c = x.__class__
    if c is str:
        return test(x) is not None
    if c is bool:
        return test("true" if x else "false") is not None
    if c is int or c is float:
        return test(json.dumps(x)) is not None
    if c is dict:
        if depth > 64:
            return False
        return any(_any_value(v, test, depth + 1) for v in x.values())
    if c is list:
        if depth > 64:
            return False
        return any(_any_value(v, test, depth + 1) for v in x)
    return False


class _Contains:
    """keyword.icontains: the needle (lower-case) in the ASCII-lowered text; None when absent."""
    __slots__ = ("needle",)

    def __init__(self, needle):
        self.needle = needle

    def __call__(self, text):
        return True if self.needle in _lower(text) else None
'''


def generate(pack):
    """The Python source of the peer module for this pack, or irpack.Refused."""
    return _Gen(pack).module()
