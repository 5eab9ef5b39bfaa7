"""jq peer: one generated jq filter that prints, per event, the indexes of the rules it matches.

    jq -R -r --arg default LOGTYPE -f FILTER.jq EVENTS.jsonl > MATCHES.txt

It reads lines (-R) and parses each with `fromjson?`, so that lines that are blank or not JSON
are skipped as rulec skips them; objects only. Each field the pack reads is looked up once per
event into an object {e: event, vN: [] (missing) or [value] (present: jq's `.a` cannot tell a
missing key from null), lN: the ASCII-lowered string or null, rN / cN: the candidates of an
or-element test and their lowered strings}. Then each rule of the event's log type is
`if PRED then INDEX else empty end` over that object; the counts are the number of times each
index is printed. Rules are grouped into defs of at most GROUP_CHARS characters: jq 1.6 refuses a
function of more than 64K code words, and compiles one huge expression very slowly.

Semantics (docs/ir.md), as generated here:
- fields: alternatives in order, the first present wins; a key matches an exact key first, else
  (ci/loose) the first key, in document order (`to_entries`), equal after `ascii_downcase`
  (and, loose, after removing spaces); `[N]` indexes arrays (negative from the end); wildcards
  take members/elements in order (first match for alternatives, last for a lone path);
- `eq.*` as Python's ==: numbers by value, booleans as 0/1; strings only equal strings;
- `ascii_downcase` is ASCII-only, as the IR's folding; `contains`/`startswith`/`endswith`;
- regexes: RE2 translated by re2syntax.to_oniguruma for `test` (jq's Oniguruma);
- or-element leaves test each element of a list; `keyword` is `any(.. | keytext; test(re))`,
  `keyword.icontains` the same with `ascii_downcase | contains(s)`: `keytext` is every string,
  number and boolean of the event as text (numbers as jq's `tostring` prints them).
Limits (not in the generated events): jq 1.6 numbers are doubles (precision above 2^53), and a
keyword sees a number as `tostring` prints it (`1.0` as `1`);
duplicate keys keep the last value; `contains` stops at a NUL character inside a string (jq 1.6);
keyword search has no depth limit (rulec stops at 64 levels).
"""

import json

from . import irpack, re2syntax

PEER = "jq"
GROUP_CHARS = 60000


def jqs(v):
    """A jq literal (JSON is valid jq for strings, numbers, booleans and null)."""
    return json.dumps(v)


PRELUDE = r'''
def keytext: if type == "string" then . elif type == "number" or type == "boolean" then tostring else empty end;
def fold($mode): if $mode == "loose" then (split(" ") | join("") | ascii_downcase) else ascii_downcase end;
def kstep($k; $fk; $mode):
  if type == "object" then
    if has($k) then [.[$k]]
    elif $mode == "exact" then []
    else [to_entries[] | select(.key | fold($mode) == $fk) | .value][:1]
    end
  else [] end;
def istep($i):
  if type == "array" then
    (if $i < 0 then length + $i else $i end) as $j
    | if $j >= 0 and $j < length then [.[$j]] else [] end
  else [] end;
def wmatch($path; $i; $mode):
  if $i == ($path | length) then .
  else $path[$i] as $s
    | if ($s | type) == "object" and $s.any then
        (if type == "object" or type == "array" then .[] | wmatch($path; $i + 1; $mode) else empty end)
      elif ($s | type) == "object" then istep($s.index)[] | wmatch($path; $i + 1; $mode)
      else kstep($s; $s | fold($mode); $mode)[] | wmatch($path; $i + 1; $mode)
      end
  end;
def num: if type == "number" then . elif type == "boolean" then (if . then 1 else 0 end) else null end;
def fieldcmp($cmp; $a; $b):
  if ($a | length) == 0 or ($b | length) == 0 then false
  else ($a[0]) as $x | ($b[0]) as $y
    | if ($cmp | IN("lt", "le", "gt", "ge")) then
        (($x | num) as $p | ($y | num) as $q
         | $p != null and $q != null
           and (if $cmp == "lt" then $p < $q elif $cmp == "le" then $p <= $q elif $cmp == "gt" then $p > $q else $p >= $q end))
      elif $cmp == "eq" and ($x | num) != null and ($y | num) != null then ($x | num) == ($y | num)
      elif $cmp == "eq" and $x == null and $y == null then true
      elif ($x | type) != "string" or ($y | type) != "string" then false
      else (if ($cmp | startswith("i")) then [($x | ascii_downcase), ($y | ascii_downcase), $cmp[1:]]
            else [$x, $y, $cmp] end) as [$p, $q, $c]
        | if $c == "eq" then $p == $q
          elif $c == "contains" then ($p | contains($q))
          elif $c == "startswith" then ($p | startswith($q))
          else ($p | endswith($q)) end
      end
  end;
def isempty: (length == 0) or (.[0] == null) or ((.[0] | type) as $t | ($t == "string" or $t == "array" or $t == "object") and (.[0] | length) == 0);
'''


# Per slot read by string or or-element tests: .lN the ASCII-lowered string (or null), .rN the
# candidates of an or-element test (the elements of a list, else the value), .cN their lowered
# strings.
DERIVED = (".l{s} = (.v{s} | if length > 0 and (.[0] | type) == \"string\" then (.[0] | ascii_downcase) else null end)"
           " | .r{s} = (.v{s} | if length > 0 and (.[0] | type) == \"array\" then .[0] else . end)"
           " | .c{s} = [.r{s}[] | strings | ascii_downcase]")


class _Gen:
    def __init__(self, pack):
        self.pack = pack
        self.regex_src = {}
        self.defs = []
        self.counter = 0

    def regex(self, index):
        if index not in self.regex_src:
            try:
                self.regex_src[index] = re2syntax.to_oniguruma(self.pack["regexes"][index])
            except re2syntax.Unsupported as e:
                raise irpack.Refused(f"{PEER}: {e}")
        return jqs(self.regex_src[index])

    def field(self, spec):
        """A jq filter: input the object to read from; output [] or [value]."""
        mode = spec["keys"]
        many = bool(spec.get("alternatives"))
        alts = []
        for path in irpack.field_paths(spec):
            if irpack.has_wildcard(path):
                f = f"([wmatch({jqs(path)}; 0; {jqs(mode)}) | [.]] | if length == 0 then [] else {'.[0]' if many else '.[-1]'} end)"
            elif not path:
                f = "[.]"
            else:
                f = "[.]"
                for step in path:
                    if isinstance(step, dict):
                        f += f" | if length > 0 then (.[0] | istep({step['index']})) else [] end"
                    else:
                        f += (f" | if length > 0 then (.[0] | kstep({jqs(step)}; {jqs(irpack.fold_key(step, mode))};"
                              f" {jqs(mode)})) else [] end")
                f = f"({f})"
            alts.append(f)
        out = alts[-1]
        for f in reversed(alts[:-1]):
            out = f"({f} as $a | if ($a | length) > 0 then $a else {out} end)"
        return out

    def value_test(self, e, x):
        """A jq boolean over the raw value `x` (a jq expression) for leaf e, which is present."""
        op = e["op"]
        c = irpack.constant_value(e["constant"]) if "constant" in e else None
        if op in ("eq.int", "eq.float", "eq.bool"):
            n = c if op != "eq.bool" else (1 if c else 0)
            return f"(({x} | num) == {jqs(n)})"
        if op == "eq.str":
            return f"({x} == {jqs(c)})"
        if op == "eq.null":
            return f"({x} == null)"
        if op == "is_null":
            return f"({x} == null)"
        if op == "exists":
            return "true"
        if op == "is_empty":
            return f"([{x}] | isempty)"
        if op in ("lt.num", "le.num", "gt.num", "ge.num"):
            sym = {"lt.num": "<", "le.num": "<=", "gt.num": ">", "ge.num": ">="}[op]
            return f"(({x} | num) as $n | $n != null and $n {sym} {jqs(c)})"
        if op == "matches":
            return f"(({x} | type) == \"string\" and ({x} | test({self.regex(e['index'])})))"
        fn = {"contains": "contains", "startswith": "startswith", "endswith": "endswith"}
        if op == "ieq.str":
            return f"(({x} | type) == \"string\" and ({x} | ascii_downcase) == {jqs(c)})"
        base = op.split(".")[0]
        if base in fn:
            return f"(({x} | type) == \"string\" and ({x} | {fn[base]}({jqs(c)})))"
        if base[1:] in fn:
            return f"(({x} | type) == \"string\" and ({x} | ascii_downcase | {fn[base[1:]]}({jqs(c)})))"
        raise irpack.Refused(f"{PEER}: op {op}")

    def expr(self, e, table, used, lowered):
        """jq boolean for e; its input is the slot object of its scope ({e, vN, lN}). used and
        lowered collect the slots it reads (and needs lowered) of `table`."""
        op = e["op"]
        if op == "true":
            return "true"
        if op == "false":
            return "false"
        if op == "not":
            return f"({self.expr(e['operands'][0], table, used, lowered)} | not)"
        if op in ("and", "or"):
            parts = [self.expr(o, table, used, lowered) for o in e["operands"]]
            return self.join(parts, op)
        if op == "exactly_one":
            parts = [self.expr(o, table, used, lowered) for o in e["operands"]]
            return "([" + ", ".join(parts) + "] | map(select(.)) | length == 1)"
        if op == "keyword":
            return f"any(.e | .. | keytext; test({self.regex(e['index'])}))"
        if op == "keyword.icontains":
            needle = jqs(irpack.constant_value(e["constant"]))
            return f"any(.e | .. | keytext; ascii_downcase | contains({needle}))"
        slot = e["slot"]
        v = f".v{slot}"
        used.add(slot)
        if op.endswith(".field"):
            used.add(e["slot2"])
            cmp = jqs(op[:-6])
            w = f".v{e['slot2']}"
            if e.get("elementwise"):
                return (f"({w} as $w | if ({v}[0] | type) == \"array\" then any({v}[0][]; fieldcmp({cmp}; [.]; $w))"
                        f" else fieldcmp({cmp}; {v}; $w) end)")
            return f"fieldcmp({cmp}; {v}; {w})"
        if op in irpack.ELEMENT_OPS:
            sub = table[slot]["elements"]
            sub_used, sub_lowered = set(), set()
            body = self.expr(e["operands"][0], sub, sub_used, sub_lowered)
            obj = ["e: $ev"]
            for s in sorted(sub_used):
                obj.append(f"v{s}: {self.field(sub[s])}")
            make = "{" + ", ".join(obj) + "}"
            if sub_lowered:
                make += " | " + " | ".join(DERIVED.format(s=s) for s in sorted(sub_lowered))
            each = f"({make} | {body})"
            arr = f"(({v}[0] | type) == \"array\")"
            if op == "any":
                return f"({arr} and (.e as $ev | any({v}[0][]; {each})))"
            if op == "all":
                return f"({arr} and (.e as $ev | all({v}[0][]; {each})))"
            return f"({arr} and (.e as $ev | [{v}[0][] | {each} | select(.)] | length == 1))"
        if op == "exists":
            return f"({v} | length > 0)"
        if op in ("is_null", "eq.null") and not e.get("elementwise"):
            return f"({v} == [] or {v} == [null])"
        if op == "is_empty" and not e.get("elementwise"):
            return f"({v} | isempty)"
        fn = {"ieq": None, "icontains": "contains", "istartswith": "startswith", "iendswith": "endswith"}
        base = op.split(".")[0]
        c = irpack.constant_value(e["constant"]) if "constant" in e else None
        if e.get("elementwise"):
            if base in fn:  # lowered string candidates: the string, or the string elements of a list
                lowered.add(slot)
                test = f". == {jqs(c)}" if base == "ieq" else f"{fn[base]}({jqs(c)})"
                return f"any(.c{slot}[]; {test})"
            if op not in ("is_null", "eq.null", "is_empty"):  # raw candidates: the value, or the elements
                lowered.add(slot)
                return f"any(.r{slot}[]; {self.value_test(e, '.')})"
            each = f"any(.[]; {self.value_test(e, '.')})"
            plain = f"({v} == [] or {v} == [null])" if op != "is_empty" else f"({v} | isempty)"
            return f"(if ({v}[0] | type) == \"array\" then ({v}[0] | {each}) else {plain} end)"
        if base in fn:
            lowered.add(slot)
            if base == "ieq":
                return f"(.l{slot} == {jqs(c)})"
            return f"(.l{slot} != null and (.l{slot} | {fn[base]}({jqs(c)})))"
        if op == "eq.str":
            return f"({v} == [{jqs(c)}])"
        return f"any({v}[]; {self.value_test(e, '.')})"

    def join(self, parts, op):
        """and/or of parts; very long ones go into helper defs (jq limits the code size of one function)."""
        if sum(map(len, parts)) <= GROUP_CHARS:
            return "(" + f" {op} ".join(parts) + ")"
        names = []
        group, size = [], 0
        for p in parts + [None]:
            if p is None or (group and size + len(p) > GROUP_CHARS):
                self.counter += 1
                name = f"h{self.counter}"
                self.defs.append(f"def {name}: (" + f" {op} ".join(group) + ");")
                names.append(name)
                group, size = [], 0
            if p is not None:
                group.append(p)
                size += len(p)
        return self.join(names, op)

    def program(self, detail=False):
        irpack.check_supported(self.pack, PEER)
        self.defs, self.counter = [], 0
        used, lowered = set(), set()
        log_types = self.pack["logTypes"]
        by_type = {}
        for i, r in enumerate(self.pack["rules"]):
            pred = self.expr(r["predicate"], self.pack["fields"], used, lowered)
            for t in r["logTypes"]:
                out = f'"\\(.ln) {i}"' if detail else str(i)
                by_type.setdefault(log_types[t], []).append(f"(if {pred} then {out} else empty end)")
        obj = ["e: ."] + (["ln: $ln"] if detail else []) + [f"v{s}: {self.field(self.pack['fields'][s])}" for s in sorted(used)]
        make = "{" + ", ".join(obj) + "}"
        lows = [DERIVED.format(s=s) for s in sorted(lowered)]
        branches = []
        for t, rules in by_type.items():
            # jq limits one function's code to 64K words (about 140 KB of this text): rules go into
            # defs of at most GROUP_CHARS characters; few defs keep jq's compile time down.
            names, group, size = [], [], 0
            for text in rules + [None]:
                if text is None or (group and size + len(text) > GROUP_CHARS):
                    self.counter += 1
                    self.defs.append(f"def g{self.counter}: " + ",\n  ".join(group) + ";")
                    names.append(f"g{self.counter}")
                    group, size = [], 0
                if text is not None:
                    group.append(text)
                    size += len(text)
            branches.append(f"if $lt == {jqs(t)} then ({', '.join(names)})")
        dispatch = "\nel".join(branches) + "\nelse empty end"
        return "\n".join([
            "# Generated by bench/peers/jqpeer.py from a rulec pack's IR; do not edit.",
            PRELUDE,
            *self.defs,
            "input_line_number as $ln | fromjson? | select(type == \"object\")",
            "| (if (.p_log_type | type) == \"string\" then .p_log_type elif (.Type | type) == \"string\" then .Type"
            " else $default end) as $lt",
            "| " + make,
            *["| " + x for x in lows],
            "| " + dispatch,
            "",
        ])


def generate(pack, detail=False):
    """The jq filter for this pack, or irpack.Refused. With detail, it prints "LINE INDEX"."""
    return _Gen(pack).program(detail)
