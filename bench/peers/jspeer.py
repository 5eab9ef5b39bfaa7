"""node peer: a generated JavaScript program of per-rule predicates over JSON.parse.

The program reads the events file in 16 MB chunks, splits it into lines, JSON.parses each
line and calls every rule of the event's log type: `function rule_N(e) -> boolean`, what a
team writing detections for node would generate. It prints nothing per event and writes the
per-rule counts and its own scan time (reading + parsing + matching) as JSON.

    node PROGRAM.js EVENTS.jsonl DEFAULT_LOG_TYPE OUT.json [DETAIL.txt]

Semantics (docs/ir.md), as generated here:
- fields: the field table's alternatives in order, the first present wins (null is present,
  `undefined` is missing); a key step reads an own property of a plain object only (never of an
  array, never an inherited one: keys such as `constructor` go through Object.hasOwn); `ci` /
  `loose` keys fall back to the first key equal ignoring ASCII case (and spaces), from a folded
  map built once per object per event; `[N]` indexes arrays (negative from the end); wildcards
  take members/elements in order (first match for alternatives, last for a lone path);
- `eq.*` as Python's ==: numbers by value, booleans as 0/1, never a string;
- ASCII-only case folding (String.toLowerCase only on pure-ASCII strings);
- regexes: RE2 translated by re2syntax.to_javascript, compiled with the `u` flag;
- or-element leaves test each element of a list; `keyword` and `keyword.icontains` walk every
  string, number and boolean of the event (numbers as String() prints them).
Limits (not in the generated events): JSON numbers beyond 2^53 lose precision in JSON.parse, and
a keyword sees a number as String() prints it (`1.0` as `1`, `4.5e3` as `4500`);
duplicate keys keep the last value (rulec: the first); integer-like keys iterate first.
"""

import json

from . import irpack, re2syntax

PEER = "node"

# Own-property reads of these names must not see Object.prototype.
_PROTO_NAMES = {"constructor", "__proto__", "__defineGetter__", "__defineSetter__", "hasOwnProperty",
                "__lookupGetter__", "__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable",
                "toString", "valueOf", "toLocaleString"}


def js(v):
    """A JavaScript literal."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    return json.dumps(v)


class _Gen:
    def __init__(self, pack):
        self.pack = pack
        self.funcs = []
        self.regex_src = {}
        self.counter = 0

    def getter(self, name, spec):
        mode = spec["keys"]
        paths = irpack.field_paths(spec)
        many = bool(spec.get("alternatives"))
        out = [f"function {name}(x0) {{", "  let v;"]
        for path in paths:
            if irpack.has_wildcard(path):
                out.append(f"  v = wild(x0, {json.dumps(path)}, {json.dumps(mode)}, {js(many)});")
                out.append("  if (v !== undefined) return v;")
                continue
            if not path:
                out.append("  return x0;")
                break
            out.append("  {")
            prev = "x0"
            for d, step in enumerate(path, 1):
                cur = f"x{d}"
                if isinstance(step, dict):
                    out.append(f"    const {cur} = ix({prev}, {step['index']});")
                else:
                    k = json.dumps(step)
                    read = f"Object.hasOwn({prev}, {k}) ? {prev}[{k}] : undefined" if step in _PROTO_NAMES else f"{prev}[{k}]"
                    if mode == "exact":
                        out.append(f"    const {cur} = isObj({prev}) ? ({read}) : undefined;")
                    else:
                        fk = json.dumps(irpack.fold_key(step, mode))
                        fn = "kc" if mode == "ci" else "kl"
                        out.append(f"    let {cur} = isObj({prev}) ? ({read}) : undefined;")
                        out.append(f"    if ({cur} === undefined && isObj({prev})) {cur} = {fn}({prev}, {fk});")
                if d < len(path):
                    out.append(f"    if ({cur} !== undefined) {{")
                    prev = cur
                else:
                    out.append(f"    if ({cur} !== undefined) return {cur};")
            out.append("    " + "}" * (len(path) - 1))
            out.append("  }")
        out.append("  return undefined;")
        out.append("}")
        self.funcs.append("\n".join(out))

    def regex(self, index):
        if index not in self.regex_src:
            try:
                self.regex_src[index] = re2syntax.to_javascript(self.pack["regexes"][index])
            except re2syntax.Unsupported as e:
                raise irpack.Refused(f"{PEER}: {e}")
        return f"R{index}"

    def leaf(self, e, v, lo):
        op = e["op"]
        c = irpack.constant_value(e["constant"]) if "constant" in e else None
        if op == "exists":
            return f"({v} !== undefined)"
        if op in ("is_null", "eq.null"):
            return f"({v} == null)"
        if op == "is_empty":
            return f"isEmpty({v})"
        if op in ("eq.int", "eq.float", "eq.bool"):
            n = float(c) if op != "eq.bool" else (1.0 if c else 0.0)
            t = js(int(n)) if n == int(n) else repr(n)
            if n in (0.0, 1.0):
                return f"({v} === {t} || {v} === {js(n == 1.0)})"
            return f"({v} === {t})"
        if op == "eq.str":
            return f"({v} === {js(c)})"
        if op == "ieq.str":
            return f"({lo} === {js(c)})"
        if op == "contains.str":
            return f"(typeof {v} === 'string' && {v}.includes({js(c)}))"
        if op == "startswith.str":
            return f"(typeof {v} === 'string' && {v}.startsWith({js(c)}))"
        if op == "endswith.str":
            return f"(typeof {v} === 'string' && {v}.endsWith({js(c)}))"
        if op == "icontains.str":
            return f"({lo} !== null && {lo}.includes({js(c)}))"
        if op == "istartswith.str":
            return f"({lo} !== null && {lo}.startsWith({js(c)}))"
        if op == "iendswith.str":
            return f"({lo} !== null && {lo}.endsWith({js(c)}))"
        if op in ("lt.num", "le.num", "gt.num", "ge.num"):
            sym = {"lt.num": "<", "le.num": "<=", "gt.num": ">", "ge.num": ">="}[op]
            return f"((typeof {v} === 'number' || typeof {v} === 'boolean') && +{v} {sym} {js(c)})"
        if op == "matches":
            return f"(typeof {v} === 'string' && {self.regex(e['index'])}.test({v}))"
        raise irpack.Refused(f"{PEER}: op {op}")

    def expr(self, e, slots, prefix):
        op = e["op"]
        if op == "true":
            return "true"
        if op == "false":
            return "false"
        if op == "not":
            return f"!{self.expr(e['operands'][0], slots, prefix)}"
        if op in ("and", "or"):
            j = " && " if op == "and" else " || "
            return "(" + j.join(self.expr(o, slots, prefix) for o in e["operands"]) + ")"
        if op == "exactly_one":
            return "((" + ") + (".join(f"{self.expr(o, slots, prefix)} ? 1 : 0" for o in e["operands"]) + ") === 1)"
        if op == "keyword":
            if prefix != "v":
                raise irpack.Refused(f"{PEER}: keyword inside an element predicate is not implemented")
            return f"anyValue(e, (t) => {self.regex(e['index'])}.test(t), 0)"
        if op == "keyword.icontains":
            if prefix != "v":
                raise irpack.Refused(f"{PEER}: keyword inside an element predicate is not implemented")
            return f"anyValue(e, (t) => al(t).includes({json.dumps(irpack.constant_value(e['constant']))}), 0)"
        slot = e["slot"]
        slots.add(slot)
        v, lo = f"{prefix}{slot}", f"{prefix}l{slot}"
        if op.endswith(".field"):
            slots.add(e["slot2"])
            cmp = js(op[:-6])
            test = f"fieldCmp({cmp}, {v}, {prefix}{e['slot2']})"
            if e.get("elementwise"):
                test = f"(Array.isArray({v}) ? {v}.some(x => fieldCmp({cmp}, x, {prefix}{e['slot2']})) : {test})"
            return test
        if op in irpack.ELEMENT_OPS:
            fn = self.element_fn(e["operands"][0], slot, prefix)
            if op == "any":
                return f"(Array.isArray({v}) && {v}.some({fn}))"
            if op == "all":
                return f"(Array.isArray({v}) && {v}.every({fn}))"
            return f"(Array.isArray({v}) && {v}.reduce((n, x) => n + ({fn}(x) ? 1 : 0), 0) === 1)"
        test = self.leaf(e, v, lo)
        if e.get("elementwise"):
            # The element's own test: the same leaf on x (lowered when needed).
            inner = self.leaf(e, "x", "(typeof x === 'string' ? al(x) : null)")
            test = f"(Array.isArray({v}) ? {v}.some(x => {inner}) : {test})"
        return test

    def element_fn(self, pred, slot, prefix):
        self.counter += 1
        name = f"el{self.counter}"
        table = self.pack["fields"]
        for part in prefix[1:].split("_")[:-1] if prefix != "v" else []:
            table = table[int(part)]["elements"]
        table = table[slot]["elements"]
        sub = f"{prefix}{slot}_"
        slots = set()
        body = self.expr(pred, slots, sub)
        lines = [f"function {name}(el) {{"]
        for s in sorted(slots):
            g = f"G{sub}{s}"
            self.getter(g, table[s])
            lines.append(f"  const {sub}{s} = {g}(el);")
            if f"{sub}l{s}" in body:
                lines.append(f"  const {sub}l{s} = typeof {sub}{s} === 'string' ? al({sub}{s}) : null;")
        lines.append(f"  return {body};")
        lines.append("}")
        self.funcs.append("\n".join(lines))
        return name

    def rule(self, index, r):
        pred = r["predicate"]
        conj = pred["operands"] if pred["op"] == "and" else [pred]
        parts = []
        for c in conj:
            slots = set()
            parts.append((slots, self.expr(c, slots, "v")))
        all_text = "\n".join(t for _, t in parts)
        out = [f"function rule_{index}(e) {{"]
        done = set()
        for slots, text in parts:
            for s in sorted(slots - done):
                out.append(f"  const v{s} = F{s}(e);")
                if f"vl{s} " in all_text or f"vl{s})" in all_text:
                    out.append(f"  const vl{s} = typeof v{s} === 'string' ? al(v{s}) : null;")
                done.add(s)
            out.append(f"  if (!{text}) return false;")
        out.append("  return true;")
        out.append("}")
        return "\n".join(out)

    def program(self):
        irpack.check_supported(self.pack, PEER)
        rules = [self.rule(i, r) for i, r in enumerate(self.pack["rules"])]
        used = set()
        for r in self.pack["rules"]:
            for e in irpack.walk(r["predicate"]):
                if "slot" in e and e["op"] not in irpack.BOOLEAN_OPS:
                    used.add(e["slot"])
                if "slot2" in e:
                    used.add(e["slot2"])
        for s in sorted(used):
            self.getter(f"F{s}", self.pack["fields"][s])
        regexes = [f"const R{i} = new RegExp({json.dumps(src)}, 'u');" for i, src in sorted(self.regex_src.items())]
        log_types = self.pack["logTypes"]
        table = ",\n  ".join(f"[rule_{i}, {json.dumps([log_types[t] for t in r['logTypes']])}]"
                             for i, r in enumerate(self.pack["rules"]))
        return "\n".join([
            "// Generated by bench/peers/jspeer.py from a rulec pack's IR; do not edit.",
            "'use strict';",
            RUNTIME,
            *regexes,
            *self.funcs,
            *rules,
            f"const RULE_IDS = {json.dumps([r['id'] for r in self.pack['rules']])};",
            f"const RULES = [\n  {table}\n];",
            MAIN,
        ])


RUNTIME = r'''
const fs = require('fs');
const NON_ASCII = /[^\x00-\x7f]/;
const UPPER = /[A-Z]+/g;
const lowerRun = (m) => m.toLowerCase();
// ASCII-only lower case: toLowerCase would also fold non-ASCII letters.
function al(s) { return NON_ASCII.test(s) ? s.replace(UPPER, lowerRun) : s.toLowerCase(); }
function isObj(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
function isNum(x) { return typeof x === 'number' || typeof x === 'boolean'; }
let FOLDED_CI = new Map(), FOLDED_LOOSE = new Map();
function beginEvent() { if (FOLDED_CI.size) FOLDED_CI = new Map(); if (FOLDED_LOOSE.size) FOLDED_LOOSE = new Map(); }
function folded(x, cache, loose) {
  let m = cache.get(x);
  if (m === undefined) {
    m = new Map();
    for (const k of Object.keys(x)) {
      const f = al(loose ? k.replace(/ /g, '') : k);
      if (!m.has(f)) m.set(f, x[k]);
    }
    cache.set(x, m);
  }
  return m;
}
function kc(x, fk) { return folded(x, FOLDED_CI, false).get(fk); }
function kl(x, fk) { return folded(x, FOLDED_LOOSE, true).get(fk); }
function ix(x, i) {
  if (!Array.isArray(x)) return undefined;
  if (i < 0) i += x.length;
  return i >= 0 && i < x.length ? x[i] : undefined;
}
function step(x, s, mode) {
  if (typeof s === 'object') return ix(x, s.index);
  if (!isObj(x)) return undefined;
  let v = Object.hasOwn(x, s) ? x[s] : undefined;
  if (v === undefined && mode !== 'exact') {
    const f = al(mode === 'loose' ? s.replace(/ /g, '') : s);
    v = mode === 'ci' ? kc(x, f) : kl(x, f);
  }
  return v;
}
function matchesOf(x, path, i, mode, out) {
  if (i === path.length) { out.push(x); return; }
  const s = path[i];
  if (typeof s === 'object' && s.any) {
    if (Array.isArray(x)) for (const v of x) matchesOf(v, path, i + 1, mode, out);
    else if (isObj(x)) for (const k of Object.keys(x)) matchesOf(x[k], path, i + 1, mode, out);
    return;
  }
  const v = step(x, s, mode);
  if (v !== undefined) matchesOf(v, path, i + 1, mode, out);
}
function wild(x, path, mode, first) {
  const out = [];
  matchesOf(x, path, 0, mode, out);
  return out.length === 0 ? undefined : first ? out[0] : out[out.length - 1];
}
function isEmpty(v) {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}
function fieldCmp(cmp, a, b) {
  const na = isNum(a), nb = isNum(b);
  switch (cmp) {
    case 'lt': return na && nb && +a < +b;
    case 'le': return na && nb && +a <= +b;
    case 'gt': return na && nb && +a > +b;
    case 'ge': return na && nb && +a >= +b;
  }
  if (cmp === 'eq' && na && nb) return +a === +b;
  if (cmp === 'eq' && a === null && b === null) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  if (cmp[0] === 'i') { a = al(a); b = al(b); cmp = cmp.slice(1); }
  switch (cmp) {
    case 'eq': return a === b;
    case 'contains': return a.includes(b);
    case 'startswith': return a.startsWith(b);
    default: return a.endsWith(b);
  }
}
// Keywords: test every string of the event, and every number and boolean as text.
function anyValue(x, test, depth) {
  if (typeof x === 'string') return test(x);
  if (isNum(x)) return test(String(x));
  if (Array.isArray(x)) {
    if (depth > 64) return false;
    for (const v of x) if (anyValue(v, test, depth + 1)) return true;
    return false;
  }
  if (isObj(x)) {
    if (depth > 64) return false;
    for (const k of Object.keys(x)) if (anyValue(x[k], test, depth + 1)) return true;
  }
  return false;
}
'''

MAIN = r'''
function main() {
  const [eventsPath, defaultType, outPath, detailPath] = process.argv.slice(2);
  const detail = [];
  let lineNo = 0;
  const byType = new Map();
  RULES.forEach(([fn, types], index) => {
    for (const t of types) {
      if (!byType.has(t)) byType.set(t, []);
      byType.get(t).push([index, fn]);
    }
  });
  const counts = new Array(RULES.length).fill(0);
  let events = 0, bytes = 0;
  const start = process.hrtime.bigint();
  const fd = fs.openSync(eventsPath, 'r');
  const chunk = Buffer.allocUnsafe(16 << 20);
  let carry = Buffer.alloc(0);
  const handle = (line) => {
    lineNo++;
    if (/^[ \t\r]*$/.test(line)) return;
    events++;
    let e;
    try { e = JSON.parse(line); } catch (err) { return; }
    if (!isObj(e)) return;
    let lt = e.p_log_type;
    if (typeof lt !== 'string') { lt = e.Type; if (typeof lt !== 'string') lt = defaultType; }
    const rules = byType.get(lt);
    if (rules === undefined) return;
    beginEvent();
    for (let i = 0; i < rules.length; i++) {
      if (rules[i][1](e)) {
        counts[rules[i][0]]++;
        if (detailPath) detail.push(`${lineNo} ${rules[i][0]}\n`);
      }
    }
  };
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    bytes += n;
    let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl !== -1; nl = buf.indexOf(10, pos)) {
      handle(buf.toString('utf8', pos, nl));
      pos = nl + 1;
    }
    carry = Buffer.from(buf.subarray(pos));
  }
  if (carry.length) handle(carry.toString('utf8'));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.writeFileSync(outPath, JSON.stringify({ids: RULE_IDS, counts, events, bytes, seconds}));
  if (detailPath) fs.writeFileSync(detailPath, detail.join(''));
}
main();
'''


def generate(pack):
    """The JavaScript source of the peer program for this pack, or irpack.Refused."""
    return _Gen(pack).program()
