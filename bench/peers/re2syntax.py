"""RE2 regular expressions, translated exactly for the peers' regex engines.

rulec matches its regexes (the IR's `matches` and `keyword` ops) with RE2, default options
(UTF-8, Perl classes, case-sensitive), as RE2::PartialMatch: "is there a match anywhere". The
peers use Python `re`, JavaScript RegExp and Oniguruma (jq's `test`), whose syntax and defaults
differ from RE2's in ways that change results: `$` in Python also matches before a final newline,
`.` in JavaScript also stops at \\r and U+2028, `\\d`/`\\w`/`\\s`/`\\b` are Unicode-aware in
Python and Oniguruma but ASCII in RE2, case-insensitive matching folds differently in each
engine, and unknown escapes or `{,n}` mean different things.

So a pattern is parsed here with RE2's grammar into a small tree whose character-consuming
nodes are explicit sets of code points, with RE2's flags (i, m, s, U) already applied:

- `(?i)` is applied by replacing every set by its closure under Unicode simple case folding
  (RE2's orbits: k K U+212A, s S U+017F, ...), computed from Python's Unicode tables; no engine
  flag is used, so no engine's own folding rules matter;
- `.` becomes "any code point but \\n" (or any code point with `s`), `\\d \\w \\s` become the ASCII
  sets RE2 uses, negated classes are complemented here;
- `^ $` become string anchors (or line anchors with `m`), `\\b \\B` ASCII word boundaries written
  as lookarounds;
- greediness (`*?`, the U flag) is dropped: only whether a match exists is asked.

Every set is then printed as a class of code-point ranges with escapes each engine reads the
same way, so the three dialects differ only in how they spell a code point. Anything this
parser does not know (Unicode classes `\\pL`, `\\C`, octal oddities, a repeated anchor, ...)
raises Unsupported: the peer then refuses the pack instead of guessing.
"""

import bisect


class Unsupported(Exception):
    pass


MAXCP = 0x10FFFF

# ---------------------------------------------------------------------------- code point sets
# A set is a sorted tuple of disjoint, non-adjacent (lo, hi) ranges.


def norm(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def complement(s):
    out, nxt = [], 0
    for lo, hi in s:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAXCP:
        out.append((nxt, MAXCP))
    return tuple(out)


def single(cp):
    return ((cp, cp),)


DIGIT = norm([(0x30, 0x39)])
WORD = norm([(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x5F, 0x5F)])
SPACE = norm([(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)])  # RE2's \s: [\t\n\f\r ] (no \v)
ANY = ((0, MAXCP),)
ANY_BUT_NL = complement(single(0x0A))

POSIX = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0x00, 0x7F)],
    "blank": [(0x09, 0x09), (0x20, 0x20)],
    "cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "digit": [(0x30, 0x39)],
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": [(0x09, 0x0D), (0x20, 0x20)],
    "upper": [(0x41, 0x5A)],
    "word": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x5F, 0x5F)],
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}

# ---------------------------------------------------------------------------- case folding

_ORBIT = None  # code point -> tuple of the code points of its simple case folding orbit
_CASED = None  # sorted code points that have an orbit of more than one member


def _orbits():
    """Unicode simple case folding orbits (what RE2's (?i) matches), from Python's tables.

    Two characters are in one orbit when they fold to the same character: the simple
    (one-character) case folding where Python's full folding is one character (so U+017F
    long s -> s, final sigma -> sigma, Cherokee small -> capital), else the lower-case mapping
    where that is one character (U+1E9E capital sharp s -> sharp s), else the character alone
    (U+0130 dotted capital I has no simple folding, as in RE2).
    """
    global _ORBIT, _CASED
    if _ORBIT is None:
        groups = {}
        for cp in range(MAXCP + 1):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            c = chr(cp)
            lo, cf = c.lower(), c.casefold()
            if lo == c and cf == c and c.upper() == c:
                continue
            key = cf if len(cf) == 1 else lo if len(lo) == 1 else c
            groups.setdefault(ord(key), set()).update((cp, ord(key)))
        _ORBIT = {}
        for members in groups.values():
            if len(members) > 1:
                t = tuple(sorted(members))
                for m in t:
                    _ORBIT[m] = t
        _CASED = sorted(_ORBIT)
    return _ORBIT, _CASED


def fold(s):
    orbit, cased = _orbits()
    extra = []
    for lo, hi in s:
        for i in range(bisect.bisect_left(cased, lo), bisect.bisect_right(cased, hi)):
            extra.extend((m, m) for m in orbit[cased[i]])
    return norm(list(s) + extra)


# ---------------------------------------------------------------------------- parser
# Nodes: ("set", ranges) ("cat", [n]) ("alt", [n]) ("rep", n, min, max|None)
#        ("bot",) ("eot",) ("bol",) ("eol",) ("wordb",) ("nwordb",)


class _Parser:
    def __init__(self, pattern):
        self.p = pattern
        self.i = 0

    def error(self, what):
        raise Unsupported(f"regex {self.p!r}: {what} at offset {self.i}")

    def peek(self, k=0):
        j = self.i + k
        return self.p[j] if j < len(self.p) else None

    def parse(self):
        node = self.alternation({"i": False, "m": False, "s": False})
        if self.i != len(self.p):
            self.error("unbalanced ')'")
        return node

    def alternation(self, flags):
        # Flags set by (?x) inside a group last until the group closes, across '|' too.
        flags = dict(flags)
        branches = [self.concatenation(flags)]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.concatenation(flags))
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def concatenation(self, flags):
        items = []
        while True:
            c = self.peek()
            if c is None or c in "|)":
                break
            if c in "*+?" or (c == "{" and self.repeat_spec() is not None):
                self.error("repetition of nothing")
            if c == "(" and self.peek(1) == "?" and self.flag_group(flags, items):
                continue
            atom = self.atom(flags)
            if atom is None:
                continue
            atom = self.repetitions(atom)
            items.append(atom)
        return items[0] if len(items) == 1 else ("cat", items)

    def flag_group(self, flags, items):
        """(?flags) changes flags for the rest of the group; returns False for other (? forms."""
        j = self.i + 2
        on = True
        new = dict(flags)
        seen = False
        while j < len(self.p) and self.p[j] in "imsU-":
            ch = self.p[j]
            if ch == "-":
                if not on:
                    self.error("bad flags")
                on = False
            else:
                new[ch] = on
                seen = True
            j += 1
        if j < len(self.p) and self.p[j] == ")":
            if not seen:
                self.error("empty flags")
            self.i = j + 1
            flags.update(new)
            return True
        return False

    def repeat_spec(self):
        """A {n}, {n,} or {n,m} at self.i: (min, max|None, length), else None (literal '{')."""
        p, j = self.p, self.i + 1
        k = j
        while k < len(p) and p[k].isdigit() and p[k] < "\x80":
            k += 1
        if k == j:
            return None
        lo = int(p[j:k])
        hi = lo
        if k < len(p) and p[k] == ",":
            k += 1
            m = k
            while k < len(p) and p[k].isdigit() and p[k] < "\x80":
                k += 1
            hi = int(p[m:k]) if k > m else None
        if k >= len(p) or p[k] != "}":
            return None
        return lo, hi, k + 1 - self.i

    def repetitions(self, atom):
        while True:
            c = self.peek()
            if c in ("*", "+", "?"):
                self.i += 1
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
            elif c == "{" and self.repeat_spec() is not None:
                lo, hi, n = self.repeat_spec()
                if lo > 1000 or (hi is not None and (hi > 1000 or hi < lo)):
                    self.error("bad repetition count")
                self.i += n
            else:
                return atom
            if self.peek() == "?":  # non-greedy: irrelevant to whether a match exists
                self.i += 1
            if self.peek() in ("*", "+", "?"):
                self.error("bad repetition operator")
            if not consumes(atom):
                self.error("repetition of an empty-width assertion")
            atom = ("rep", atom, lo, hi)

    def atom(self, flags):
        c = self.peek()
        if c == "(":
            if self.peek(1) == "?":
                if self.peek(2) == ":":
                    self.i += 3
                    return self.group_body(flags)
                if (self.peek(2), self.peek(3)) == ("P", "<") or (self.peek(2) == "<" and self.peek(3) not in ("=", "!", None)):
                    end = self.p.find(">", self.i)
                    if end < 0:
                        self.error("bad named group")
                    self.i = end + 1
                    return self.group_body(flags)
                # (?flags:...)
                j = self.i + 2
                new = dict(flags)
                on = True
                while j < len(self.p) and self.p[j] in "imsU-":
                    if self.p[j] == "-":
                        on = False
                    else:
                        new[self.p[j]] = on
                    j += 1
                if j < len(self.p) and self.p[j] == ":":
                    self.i = j + 1
                    return self.group_body(new)
                self.error("unsupported group syntax")
            self.i += 1
            return self.group_body(flags)
        if c == "[":
            return self.cls(flags)
        if c == ".":
            self.i += 1
            return ("set", ANY if flags["s"] else ANY_BUT_NL)
        if c == "^":
            self.i += 1
            return ("bol",) if flags["m"] else ("bot",)
        if c == "$":
            self.i += 1
            return ("eol",) if flags["m"] else ("eot",)
        if c == "\\":
            return self.escape(flags)
        self.i += 1
        return self.literal(ord(c), flags)

    def group_body(self, flags):
        node = self.alternation(flags)
        if self.peek() != ")":
            self.error("missing ')'")
        self.i += 1
        return ("cat", [node])

    def literal(self, cp, flags):
        s = single(cp)
        return ("set", fold(s) if flags["i"] else s)

    def escape(self, flags):
        # outside a class
        c = self.peek(1)
        if c is None:
            self.error("trailing backslash")
        if c == "A":
            self.i += 2
            return ("bot",)
        if c == "z":
            self.i += 2
            return ("eot",)
        if c == "b":
            self.i += 2
            return ("wordb",)
        if c == "B":
            self.i += 2
            return ("nwordb",)
        if c == "Q":
            end = self.p.find("\\E", self.i + 2)
            text = self.p[self.i + 2:] if end < 0 else self.p[self.i + 2:end]
            self.i = len(self.p) if end < 0 else end + 2
            return ("cat", [self.literal(ord(ch), flags) for ch in text])
        if c == "E":  # a stray \E is ignored by RE2
            self.i += 2
            return None
        s = self.class_escape(flags, in_class=False)
        return ("set", s)

    def class_escape(self, flags, in_class):
        """An escape that stands for a set of code points; self.i at the backslash."""
        c = self.peek(1)
        perl = {"d": DIGIT, "w": WORD, "s": SPACE}
        if c in ("d", "w", "s", "D", "W", "S"):
            self.i += 2
            s = perl[c.lower()]
            if flags["i"]:
                s = fold(s)
            return complement(s) if c.isupper() else s
        if c in ("p", "P"):
            self.error("Unicode classes (\\p) are not translated")
        cp = self.escape_char()
        s = single(cp)
        return fold(s) if flags["i"] else s

    def escape_char(self):
        """A backslash escape for one code point; self.i at the backslash. Advances past it."""
        c = self.peek(1)
        simple = {"a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11}
        if c in simple:
            self.i += 2
            return simple[c]
        if c == "x":
            if self.peek(2) == "{":
                end = self.p.find("}", self.i)
                digits = self.p[self.i + 3:end] if end > 0 else ""
                if not digits or any(d not in "0123456789abcdefABCDEF" for d in digits):
                    self.error("bad \\x{...}")
                self.i = end + 1
            else:
                digits = self.p[self.i + 2:self.i + 4]
                if len(digits) != 2 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                    self.error("bad \\x escape")
                self.i += 4
            cp = int(digits, 16)
            if cp > MAXCP:
                self.error("code point out of range")
            return cp
        if c is not None and "0" <= c <= "7":
            # RE2: \0, or \1-\7 followed by an octal digit; up to three digits.
            j = self.i + 1
            if c != "0" and not (self.peek(2) is not None and "0" <= self.peek(2) <= "7"):
                self.error("backreference")
            k = j
            while k < len(self.p) and k < j + 3 and "0" <= self.p[k] <= "7":
                k += 1
            self.i = k
            return int(self.p[j:k], 8)
        if c is not None and ord(c) < 0x80 and not c.isalnum() and c != "_":
            self.i += 2
            return ord(c)
        self.error(f"escape \\{c} is not translated")

    def cls(self, flags):
        self.i += 1
        negate = False
        if self.peek() == "^":
            negate = True
            self.i += 1
        ranges = []
        first = True
        while True:
            c = self.peek()
            if c is None:
                self.error("missing ']'")
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and self.peek(1) == ":":
                end = self.p.find(":]", self.i + 2)
                name = self.p[self.i + 2:end] if end > 0 else ""
                neg = name.startswith("^")
                if neg:
                    name = name[1:]
                if name not in POSIX:
                    self.error("unknown POSIX class")
                s = norm(POSIX[name])
                if flags["i"]:
                    s = fold(s)
                ranges.extend(complement(s) if neg else s)
                self.i = end + 2
                continue
            if c == "\\":
                if self.peek(1) in ("d", "w", "s", "D", "W", "S", "p", "P"):
                    ranges.extend(self.class_escape(flags, in_class=True))
                    continue
                lo = self.escape_char()
            else:
                lo = ord(c)
                self.i += 1
            hi = lo
            if self.peek() == "-" and self.peek(1) not in ("]", None):
                self.i += 1
                if self.peek() == "\\":
                    if self.peek(1) in ("d", "w", "s", "D", "W", "S", "p", "P"):
                        self.error("bad character class range")
                    hi = self.escape_char()
                else:
                    hi = ord(self.peek())
                    self.i += 1
                if hi < lo:
                    self.error("bad character class range")
            s = norm([(lo, hi)])
            ranges.extend(fold(s) if flags["i"] else s)
        s = norm(ranges)
        return ("set", complement(s) if negate else s)


def consumes(node):
    k = node[0]
    if k == "set":
        return True
    if k in ("cat", "alt"):
        return any(consumes(n) for n in node[1])
    if k == "rep":
        return consumes(node[1])
    return False


def parse(pattern):
    """The pattern as a tree (see above), or Unsupported."""
    return _Parser(pattern).parse()


# ---------------------------------------------------------------------------- emitters


class _Dialect:
    """How one engine spells code points, classes and assertions."""

    def cp(self, c):
        raise NotImplementedError

    def lit(self, c):
        return chr(c) if c < 0x80 and chr(c).isalnum() else self.cp(c)

    def set(self, s):
        if not s:
            return "(?!)"
        if len(s) == 1 and s[0][0] == s[0][1]:
            return self.lit(s[0][0])
        parts = []
        for lo, hi in s:
            parts.append(self.lit(lo) if lo == hi else self.lit(lo) + "-" + self.lit(hi))
        return "[" + "".join(parts) + "]"

    def wordb(self, neg):
        w = self.set(WORD)
        if not neg:
            return f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"
        return f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))"

    def emit(self, node):
        k = node[0]
        if k == "set":
            return self.set(node[1])
        if k == "cat":
            return "".join(self.emit(n) for n in node[1]) if len(node[1]) != 1 else self.emit(node[1][0])
        if k == "alt":
            return "(?:" + "|".join(self.emit(n) for n in node[1]) + ")"
        if k == "rep":
            inner = node[1]
            body = self.emit(inner)
            if not (inner[0] == "set"):
                body = "(?:" + body + ")"
            lo, hi = node[2], node[3]
            if (lo, hi) == (0, None):
                q = "*"
            elif (lo, hi) == (1, None):
                q = "+"
            elif (lo, hi) == (0, 1):
                q = "?"
            elif hi is None:
                q = "{%d,}" % lo
            elif lo == hi:
                q = "{%d}" % lo
            else:
                q = "{%d,%d}" % (lo, hi)
            return body + q
        if k == "bot":
            return self.bot
        if k == "eot":
            return self.eot
        if k == "bol":
            return "(?<!" + self.set(ANY_BUT_NL) + ")"
        if k == "eol":
            return "(?!" + self.set(ANY_BUT_NL) + ")"
        if k == "wordb":
            return self.wordb(False)
        if k == "nwordb":
            return self.wordb(True)
        raise Unsupported(f"node {k}")


class _Python(_Dialect):
    bot, eot = r"\A", r"\Z"  # Python's \Z is the very end (RE2's \z)

    def set(self, s):
        # Python's '.' excludes exactly '\n', as RE2's does; both forms are faster than classes.
        if s == ANY:
            return "(?s:.)"
        if s == ANY_BUT_NL:
            return "."
        return super().set(s)

    def cp(self, c):
        return "\\x%02x" % c if c < 0x100 else "\\u%04x" % c if c < 0x10000 else "\\U%08x" % c


class _JavaScript(_Dialect):
    # With the u flag and without m: ^ and $ are the ends of the input.
    bot, eot = "^", "$"

    def cp(self, c):
        return "\\u{%x}" % c


class _Oniguruma(_Dialect):
    bot, eot = r"\A", r"\z"

    def cp(self, c):
        return "\\x{%x}" % c


def to_python(pattern):
    """Source for re.compile(src) (no flags), matching as RE2 does with re.search."""
    return _Python().emit(parse(pattern))


def to_javascript(pattern):
    """Source for new RegExp(src, "u"), matching as RE2 does with .test()."""
    return _JavaScript().emit(parse(pattern))


def to_oniguruma(pattern):
    """Source for jq's test(src) (Oniguruma, Perl_NT syntax, UTF-8), matching as RE2 does."""
    return _Oniguruma().emit(parse(pattern))
