//===- PythonParserTest.cpp - Python text -> tokens -> AST, and its errors ===//
#include "python/PythonLexer.h"
#include "python/PythonParser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

using namespace rulec;
using namespace rulec::python;

namespace {

/// Tokens as text: names and numbers as written, strings by value, and
/// NEWLINE/INDENT/DEDENT/END by name.
std::string tokens(const std::string &text) {
  const LexResult r = lexModule(text);
  if (!r.ok)
    return "error " + std::to_string(r.line) + ":" + std::to_string(r.column) + ": " + r.error;
  std::string out;
  for (const Token &t : r.tokens) {
    out += out.empty() ? "" : " ";
    switch (t.kind) {
    case TokenKind::Name:
    case TokenKind::Keyword:
    case TokenKind::Op: out += t.text; break;
    case TokenKind::Int: out += "int:" + std::to_string(t.intValue); break;
    case TokenKind::Float: {
      std::ostringstream os;
      os << t.floatValue;
      out += "float:" + os.str();
      break;
    }
    case TokenKind::String: out += (t.isBytes ? "b" : t.isFString ? "f" : "") + reprString(t.text); break;
    case TokenKind::Newline: out += "NL"; break;
    case TokenKind::Indent: out += "IN"; break;
    case TokenKind::Dedent: out += "DE"; break;
    case TokenKind::End: out += "END"; break;
    }
  }
  return out;
}

/// The value of the one string token of `text`, or the lexer's error.
std::string stringValue(const std::string &text) {
  const LexResult r = lexModule(text);
  if (!r.ok)
    return "error " + std::to_string(r.line) + ":" + std::to_string(r.column) + ": " + r.error;
  return r.tokens.at(0).text;
}

std::unique_ptr<Module> parse(const std::string &text, DiagnosticEngine &diags) {
  return parseModule(text, std::make_shared<const std::string>("rule.py"), diags);
}

std::unique_ptr<Module> parseOk(const std::string &text) {
  DiagnosticEngine diags;
  auto m = parse(text, diags);
  if (!m)
    ADD_FAILURE() << text << "\n  " << diags.diagnostics().front().loc.str() << ": "
                  << diags.diagnostics().front().message;
  return m;
}

/// "line:col: message" of the error `text` gives.
std::string parseError(const std::string &text) {
  DiagnosticEngine diags;
  if (parse(text, diags))
    return "<parsed>";
  EXPECT_EQ(diags.errorCount(), 1u);
  const Diagnostic &d = diags.diagnostics().front();
  EXPECT_EQ(d.code, DiagCode::PythonSyntax);
  EXPECT_EQ(*d.loc.file, "rule.py");
  return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": " + d.message;
}

std::string sexpr(const Expr &e);

std::string list(const std::string &head, const std::vector<ExprPtr> &operands) {
  std::string out = "(" + head;
  for (const ExprPtr &operand : operands)
    out += " " + (operand ? sexpr(*operand) : "_");
  return out + ")";
}

std::string generatorsText(const std::vector<Comprehension> &generators) {
  std::string out;
  for (const Comprehension &c : generators) {
    out += " (for " + sexpr(*c.target) + " " + sexpr(*c.iter);
    for (const ExprPtr &cond : c.ifs)
      out += " (if " + sexpr(*cond) + ")";
    out += ")";
  }
  return out;
}

/// A compact tree: (op operands...), names bare, constants as Python writes them.
std::string sexpr(const Expr &e) {
  switch (e.kind) {
  case Expr::Name: return e.name;
  case Expr::Constant:
    switch (e.constKind) {
    case Expr::ConstKind::None: return "None";
    case Expr::ConstKind::True: return "True";
    case Expr::ConstKind::False: return "False";
    case Expr::ConstKind::Ellipsis: return "...";
    case Expr::ConstKind::Int: return std::to_string(e.intValue);
    case Expr::ConstKind::Float: {
      std::ostringstream os;
      os << e.floatValue;
      return os.str();
    }
    case Expr::ConstKind::Str: return reprString(e.strValue);
    case Expr::ConstKind::Bytes: return "b" + reprString(e.strValue);
    }
    return "?";
  case Expr::FString: return list("f", e.parts);
  case Expr::FormattedValue:
    return "({} " + sexpr(*e.operands[0]) + (e.conversion ? std::string(" !") + e.conversion : "") +
           (e.spec ? " " + sexpr(*e.spec) : "") + ")";
  case Expr::BoolOp:
  case Expr::UnaryOp:
  case Expr::BinOp: return list(e.op, e.operands);
  case Expr::Compare: {
    std::string head;
    for (const std::string &op : e.ops)
      head += (head.empty() ? "" : " ") + op;
    return list(head, e.operands);
  }
  case Expr::IfExp:
    return "(if " + sexpr(*e.operands[1]) + " " + sexpr(*e.operands[0]) + " " + sexpr(*e.operands[2]) + ")";
  case Expr::NamedExpr: return "(:= " + e.name + " " + sexpr(*e.operands[0]) + ")";
  case Expr::Lambda: {
    std::string params;
    for (const Parameter &p : e.params)
      params += (params.empty() ? "" : " ") + p.name + (p.defaultValue ? "=" + sexpr(*p.defaultValue) : "");
    return "(lambda (" + params + ") " + sexpr(*e.operands[0]) + ")";
  }
  case Expr::Call: {
    std::string out = "(call " + sexpr(*e.operands[0]);
    for (const Argument &a : e.args) {
      static const char *const kPrefix[] = {"", "", "*", "**"};
      out += " " + (a.kind == Argument::Keyword ? a.name + "=" : std::string(kPrefix[a.kind])) + sexpr(*a.value);
    }
    return out + ")";
  }
  case Expr::Attribute: return "(. " + sexpr(*e.operands[0]) + " " + e.name + ")";
  case Expr::Subscript: return list("[]", e.operands);
  case Expr::Slice: return list(":", e.operands);
  case Expr::Starred: return list("*", e.operands);
  case Expr::Tuple: return list("tuple", e.operands);
  case Expr::List: return list("list", e.operands);
  case Expr::Set: return list("set", e.operands);
  case Expr::Dict: {
    std::string out = "(dict";
    for (size_t i = 0; i < e.operands.size(); ++i)
      out += " " + (e.keys[i] ? sexpr(*e.keys[i]) + ":" : std::string("**")) + sexpr(*e.operands[i]);
    return out + ")";
  }
  case Expr::ListComp: return "(listcomp " + sexpr(*e.operands[0]) + generatorsText(e.generators) + ")";
  case Expr::SetComp: return "(setcomp " + sexpr(*e.operands[0]) + generatorsText(e.generators) + ")";
  case Expr::GeneratorExp: return "(genexp " + sexpr(*e.operands[0]) + generatorsText(e.generators) + ")";
  case Expr::DictComp:
    return "(dictcomp " + sexpr(*e.operands[0]) + ":" + sexpr(*e.operands[1]) + generatorsText(e.generators) + ")";
  }
  return "?";
}

/// The tree of a module that is one expression statement.
std::string shape(const std::string &text) {
  auto m = parseOk(text + "\n");
  if (!m || m->body.size() != 1 || m->body[0]->kind != Stmt::Expr)
    return "<not one expression>";
  return sexpr(*m->body[0]->value);
}

std::string dump(const std::string &text) {
  auto m = parseOk(text);
  std::ostringstream os;
  if (m)
    dumpModule(*m, os);
  return os.str();
}

//===----------------------------------------------------------------------===//
// Tokens
//===----------------------------------------------------------------------===//

TEST(PythonLexer, IndentationMakesIndentAndDedent) {
  EXPECT_EQ(tokens("if x:\n    y = 1\n\n  # a comment at another depth\n    if z:\n        w\nv\n"),
            "if x : NL IN y = int:1 NL if z : NL IN w NL DE DE v NL END");
  // A missing final newline, blank lines and comments at the end.
  EXPECT_EQ(tokens("def f():\n    return 1"), "def f ( ) : NL IN return int:1 NL DE END");
  EXPECT_EQ(tokens("x\n\n   \n# end\n"), "x NL END");
  EXPECT_EQ(tokens(""), "END");
  // \r\n and \r end lines too.
  EXPECT_EQ(tokens("if x:\r\n  y\r  z\r\n"), "if x : NL IN y NL z NL DE END");
}

TEST(PythonLexer, TabsAdvanceToMultiplesOfEight) {
  EXPECT_EQ(tokens("if x:\n\tif y:\n\t\tz\n\tw\n"), "if x : NL IN if y : NL IN z NL DE w NL DE END");
  // A tab is 8 columns, but 1 when CPython checks consistency: both counts must agree.
  EXPECT_EQ(tokens("if x:\n\ty\n        z\n"), "error 3:9: inconsistent use of tabs and spaces in indentation");
  EXPECT_EQ(tokens("if x:\n        y\n\tz\n"), "error 3:2: inconsistent use of tabs and spaces in indentation");
  EXPECT_EQ(tokens("if x:\n    y\n  z\n"), "error 3:3: unindent does not match any outer indentation level");
}

TEST(PythonLexer, LinesJoinInBracketsAndAfterBackslash) {
  EXPECT_EQ(tokens("x = (1 +\n        2)\ny = [\n]\n"), "x = ( int:1 + int:2 ) NL y = [ ] NL END");
  EXPECT_EQ(tokens("x = 1 + \\\n    2\n"), "x = int:1 + int:2 NL END");
  EXPECT_EQ(tokens("f(a,  # comment\n  b)\n"), "f ( a , b ) NL END");
  EXPECT_EQ(tokens("x = 1 \\ y\n"), "error 1:7: unexpected character after line continuation character");
  EXPECT_EQ(tokens("x = (1,\n"), "error 1:5: '(' was never closed");
  EXPECT_EQ(tokens("x = (1]\n"), "error 1:7: closing parenthesis ']' does not match opening parenthesis '('");
  EXPECT_EQ(tokens("x)\n"), "error 1:2: unmatched ')'");
  EXPECT_EQ(tokens(std::string(201, '(')), "error 1:201: too many nested parentheses");
}

TEST(PythonLexer, StringEscapesDecodeAsPythonDoes) {
  EXPECT_EQ(stringValue(R"('a\nb\tc\\d\'e\"f')"), "a\nb\tc\\d'e\"f");
  EXPECT_EQ(stringValue(R"("\a\b\f\v\r")"), "\a\b\f\v\r");
  EXPECT_EQ(stringValue(R"('\x41\u00e9\U0001F600')"), "A\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(stringValue(R"('\101\0\7\777')"), std::string("A\0\a\xC7\xBF", 5)); // \777 is U+01FF
  EXPECT_EQ(stringValue(R"('\d\w\.')"), R"(\d\w\.)"); // unknown escapes keep the backslash
  EXPECT_EQ(stringValue("'a\\\nb'"), "ab");            // backslash-newline continues the string
  EXPECT_EQ(stringValue(R"(r'\n\'\\')"), R"(\n\'\\)"); // raw: backslashes stay, a \' does not end it
  EXPECT_EQ(stringValue(R"(R"\d+")"), R"(\d+)");
  EXPECT_EQ(stringValue(R"(b'\xff\777\u1234')"), "\xff\xff\\u1234");
  EXPECT_EQ(stringValue(R"(Rb'\x')"), R"(\x)");
  EXPECT_EQ(stringValue(R"(u'caf\u00e9')"), "caf\xC3\xA9");
  EXPECT_EQ(stringValue("'''a\n'b'\n\"\"c'''"), "a\n'b'\n\"\"c");
  EXPECT_EQ(stringValue("\"\"\"x\"\"\""), "x");
  EXPECT_EQ(stringValue("'caf\xC3\xA9'"), "caf\xC3\xA9");
  EXPECT_EQ(tokens("'a' \"b\" b'c' rb'd' BR'e'"), "'a' 'b' b'c' b'd' b'e' NL END");
}

TEST(PythonLexer, StringErrors) {
  EXPECT_EQ(stringValue(R"(x = '\N{BULLET}')"),
            "error 1:6: \\N{...} escapes are not supported (write the character or a \\u escape)");
  EXPECT_EQ(stringValue(R"('\x4')"), "error 1:2: truncated \\xXX escape");
  EXPECT_EQ(stringValue(R"('\u12')"), "error 1:2: truncated \\uXXXX escape");
  EXPECT_EQ(stringValue(R"('\U00110000')"), "error 1:2: illegal Unicode character in \\U escape");
  EXPECT_EQ(stringValue(R"('\ud800')"), "error 1:2: a lone surrogate escape cannot be represented in UTF-8");
  EXPECT_EQ(stringValue("'abc\n'"), "error 1:1: unterminated string literal (detected at line 1)");
  EXPECT_EQ(stringValue("x = '''abc\n\n"), "error 1:5: unterminated triple-quoted string literal (detected at line 3)");
  EXPECT_EQ(stringValue("b'caf\xC3\xA9'"), "error 1:6: bytes can only contain ASCII literal characters");
  EXPECT_EQ(stringValue("'\xff'"), "error 1:2: invalid UTF-8 in the source");
  EXPECT_EQ(stringValue(std::string("'\0'", 3)), "error 1:2: source code cannot contain null bytes");
}

TEST(PythonLexer, FStringsSplitIntoLiteralsAndFields) {
  const LexResult r = lexModule(R"(f"a{x!r:>{width}}b{{c}}{d['k']:%Y-%m}\n")");
  ASSERT_TRUE(r.ok) << r.error;
  const Token &t = r.tokens.at(0);
  ASSERT_TRUE(t.isFString);
  ASSERT_EQ(t.parts.size(), 5u);
  EXPECT_EQ(t.parts[0].text, "a");
  EXPECT_TRUE(t.parts[1].isField);
  EXPECT_EQ(t.parts[1].text, "x");
  EXPECT_EQ(t.parts[1].column, 5);
  EXPECT_EQ(t.parts[1].conversion, 'r');
  ASSERT_EQ(t.parts[1].spec.size(), 2u);
  EXPECT_EQ(t.parts[1].spec[0].text, ">");
  EXPECT_EQ(t.parts[1].spec[1].text, "width");
  EXPECT_EQ(t.parts[2].text, "b{c}");
  EXPECT_EQ(t.parts[3].text, "d['k']");
  ASSERT_EQ(t.parts[3].spec.size(), 1u);
  EXPECT_EQ(t.parts[3].spec[0].text, "%Y-%m");
  EXPECT_EQ(t.parts[4].text, "\n");
}

TEST(PythonParser, FStrings) {
  EXPECT_EQ(shape(R"(f"{event.get('user', 'x')} did {action!r:>10}")"),
            "(f ({} (call (. event get) 'user' 'x')) ' did ' ({} action !r (f '>10')))");
  EXPECT_EQ(shape(R"(f'{a["b"]}' "c" f"{d}")"), "(f ({} ([] a 'b')) 'c' ({} d))");
  EXPECT_EQ(shape(R"(f"{x=}, {y = :>4}")"), "(f 'x=' ({} x !r) ', y = ' ({} y (f '>4')))");
  EXPECT_EQ(shape(R"(f"{'yes' if ok else 'no'}")"), "(f ({} (if ok 'yes' 'no')))");
  EXPECT_EQ(shape(R"(f"{x:{w}.{p}f}")"), "(f ({} x (f ({} w) '.' ({} p) 'f')))");
  EXPECT_EQ(shape(R"(f"{a != b}{a == b}{a < b}{{}}")"), "(f ({} (!= a b)) ({} (== a b)) ({} (< a b)) '{}')");
  EXPECT_EQ(shape(R"(rf"\d{x}\n")"), R"((f '\\d' ({} x) '\\n'))");
  EXPECT_EQ(shape("f'''{\n  x +\n  1\n}'''"), "(f ({} (+ x 1)))");
  EXPECT_EQ(shape(R"(f"{(x := 2)}")"), "(f ({} (:= x 2)))");
  EXPECT_EQ(shape(R"(f"")"), "(f)");
  // Field expressions are located where they are written.
  auto m = parseOk("x = 1\ny = f'ab{  foo.bar }'\n");
  ASSERT_TRUE(m);
  const Expr &field = *m->body[1]->value->parts[1];
  EXPECT_EQ(field.loc.line, 2);
  EXPECT_EQ(field.operands[0]->loc.column, 12);
}

TEST(PythonParser, FStringErrors) {
  EXPECT_EQ(parseError(R"(x = f"{}")"), "1:7: f-string: empty expression not allowed");
  EXPECT_EQ(parseError(R"(x = f"a}")"), "1:8: f-string: single '}' is not allowed");
  EXPECT_EQ(parseError(R"(x = f"{x")"), "1:7: f-string: expecting '}'");
  EXPECT_EQ(parseError(R"(x = f"{x!z}")"),
            "1:9: f-string: invalid conversion character: expected 's', 'r', or 'a'");
  EXPECT_EQ(parseError(R"(x = f"{x:{y:{z}}}")"), "1:13: f-string: expressions nested too deeply");
  EXPECT_EQ(parseError(R"(x = f"{a\n}")"), "1:9: f-string expression part cannot include a backslash");
  EXPECT_EQ(parseError(R"(x = f"{a #}")"), "1:10: f-string expression part cannot include '#'");
  EXPECT_EQ(parseError(R"(x = f"{a b}")"), "1:10: f-string: expected the end of the expression, found name 'b'");
  EXPECT_EQ(parseError(R"(x = f"{a[}")"),
            "1:10: f-string: closing parenthesis '}' does not match opening parenthesis '['");
  // The 3.11 tokenizer ends an f-string at its own quote, whatever the braces say.
  EXPECT_EQ(parseError(R"(x = f"{a["b"]}")"), "1:7: f-string: unmatched '['");
}

TEST(PythonLexer, Numbers) {
  EXPECT_EQ(tokens("0 00 7 1_000 0x_Ff 0o17 0B1010 9223372036854775807"),
            "int:0 int:0 int:7 int:1000 int:255 int:15 int:10 int:9223372036854775807 NL END");
  EXPECT_EQ(tokens("1.5 .5 1. 1e3 1E-3 1_0.2_5e+0_1 0123.5 1e400"),
            "float:1.5 float:0.5 float:1 float:1000 float:0.001 float:102.5 float:123.5 float:inf NL END");
  EXPECT_EQ(tokens("x = 1if y else 2"), "x = int:1 if y else int:2 NL END");
  EXPECT_EQ(tokens("0123"), "error 1:1: leading zeros in decimal integer literals are not permitted; use an 0o "
                            "prefix for octal integers");
  EXPECT_EQ(tokens("1__0"), "error 1:1: invalid decimal literal");
  EXPECT_EQ(tokens("1_"), "error 1:1: invalid decimal literal");
  EXPECT_EQ(tokens("0b12"), "error 1:4: invalid digit '2' in binary literal");
  EXPECT_EQ(tokens("0x"), "error 1:1: invalid hexadecimal literal");
  EXPECT_EQ(tokens("12abc"), "error 1:1: invalid decimal literal");
  EXPECT_EQ(tokens("2j"), "error 1:1: imaginary numbers are not supported");
  EXPECT_EQ(tokens("9223372036854775808"), "error 1:1: integer literal too large (the limit is 2**63-1)");
  EXPECT_EQ(tokens("0x8000000000000000"), "error 1:1: integer literal too large (the limit is 2**63-1)");
}

TEST(PythonLexer, OperatorsAndKeywords) {
  EXPECT_EQ(tokens("a **= b // c -> d := e ... f >>= g != h <= i @ j"),
            "a **= b // c -> d := e ... f >>= g != h <= i @ j NL END");
  EXPECT_EQ(tokens("not_a and_ None match case _"), "not_a and_ None match case _ NL END");
  EXPECT_EQ(lexModule("None x").tokens.at(0).kind, TokenKind::Keyword);
  EXPECT_EQ(lexModule("match").tokens.at(0).kind, TokenKind::Name);
  EXPECT_EQ(tokens("a ! b"), "error 1:3: invalid syntax: '!' is not an operator (use 'not' or '!=')");
  EXPECT_EQ(tokens("a $ b"), "error 1:3: invalid character '$'");
  EXPECT_EQ(tokens("caf\xC3\xA9 = 1"), "error 1:1: non-ASCII identifiers are not supported");
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

TEST(PythonParser, Precedence) {
  EXPECT_EQ(shape("not a == b"), "(not (== a b))");
  EXPECT_EQ(shape("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(shape("a and b or c and d or e"), "(or (and a b) (and c d) e)");
  EXPECT_EQ(shape("not a and not b"), "(and (not a) (not b))");
  EXPECT_EQ(shape("-x ** 2"), "(- (** x 2))");
  EXPECT_EQ(shape("2 ** -1"), "(** 2 (- 1))");
  EXPECT_EQ(shape("a ** b ** c"), "(** a (** b c))");
  EXPECT_EQ(shape("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(shape("a | b ^ c & d << e + f * g"), "(| a (^ b (& c (<< d (+ e (* f g))))))");
  EXPECT_EQ(shape("a // b % c @ d / e"), "(/ (@ (% (// a b) c) d) e)");
  EXPECT_EQ(shape("~a + -b"), "(+ (~ a) (- b))");
  EXPECT_EQ(shape("a < b <= c == d"), "(< <= == a b c d)");
  EXPECT_EQ(shape("x not in y is not z in w is v"), "(not in is not in is x y z w v)");
  EXPECT_EQ(shape("a + b < c * d"), "(< (+ a b) (* c d))");
  EXPECT_EQ(shape("a if b else c if d else e"), "(if b a (if d c e))");
  EXPECT_EQ(shape("a or b if c and d else e"), "(if (and c d) (or a b) e)");
  EXPECT_EQ(shape("lambda x, y=2: x + y"), "(lambda (x y=2) (+ x y))");
  EXPECT_EQ(shape("lambda: 0"), "(lambda () 0)");
  EXPECT_EQ(shape("not not a"), "(not (not a))");
  EXPECT_EQ(shape("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(shape("-a.b[1](c)"), "(- (call ([] (. a b) 1) c))");
}

TEST(PythonParser, Primaries) {
  EXPECT_EQ(shape("event.get('a', {}).get('b', default=None)"),
            "(call (. (call (. event get) 'a' (dict)) get) 'b' default=None)");
  EXPECT_EQ(shape("f(a, *b, c=1, **d)"), "(call f a *b c=1 **d)");
  EXPECT_EQ(shape("f(*a, *b, c=1, *d, **e, f=2)"), "(call f *a *b c=1 *d **e f=2)");
  EXPECT_EQ(shape("any(x for x in y if x)"), "(call any (genexp x (for x y (if x))))");
  EXPECT_EQ(shape("f(x := 1)"), "(call f (:= x 1))");
  EXPECT_EQ(shape("a[1:2]"), "([] a (: 1 2 _))");
  EXPECT_EQ(shape("a[::-1]"), "([] a (: _ _ (- 1)))");
  EXPECT_EQ(shape("a[:, 1:]"), "([] a (tuple (: _ _ _) (: 1 _ _)))");
  EXPECT_EQ(shape("a[b, c]"), "([] a (tuple b c))");
  EXPECT_EQ(shape("a[x:=1]"), "([] a (:= x 1))");
  EXPECT_EQ(shape("'-'.join(parts)"), "(call (. '-' join) parts)");
  EXPECT_EQ(shape("'a' 'b' \"c\""), "'abc'");
  EXPECT_EQ(shape("b'a' B'b'"), "b'ab'");
  EXPECT_EQ(shape("..."), "...");
  EXPECT_EQ(shape("True, False, None"), "(tuple True False None)");
}

TEST(PythonParser, Displays) {
  EXPECT_EQ(shape("()"), "(tuple)");
  EXPECT_EQ(shape("(1,)"), "(tuple 1)");
  EXPECT_EQ(shape("(1)"), "1");
  EXPECT_EQ(shape("[1, *a, 2,]"), "(list 1 (* a) 2)");
  EXPECT_EQ(shape("{}"), "(dict)");
  EXPECT_EQ(shape("{'a': 1, **b, 'c': d}"), "(dict 'a':1 **b 'c':d)");
  EXPECT_EQ(shape("{1, 2, *c}"), "(set 1 2 (* c))");
  EXPECT_EQ(shape("[x.y for x in xs if x if not x.z for y in x]"),
            "(listcomp (. x y) (for x xs (if x) (if (not (. x z)))) (for y x))");
  EXPECT_EQ(shape("{k: v for k, v in d.items()}"), "(dictcomp k:v (for (tuple k v) (call (. d items))))");
  EXPECT_EQ(shape("{x for x in y}"), "(setcomp x (for x y))");
  EXPECT_EQ(shape("(x for (a, b) in y)"), "(genexp x (for (tuple a b) y))");
  EXPECT_EQ(shape("[y := 1, y]"), "(list (:= y 1) y)");
  // A comprehension's conditions are disjunctions: no conditional expression there.
  EXPECT_EQ(parseError("[x for x in a if b else c]"), "1:20: expected ']' to close the list comprehension, found 'else'");
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

TEST(PythonParser, EveryStatementForm) {
  const char *text = R"(import re, os.path as p
from panther_base_helpers import deep_get, is_ip as ip
from . import x
from ..a.b import (c,
    d as e,)
K: int = 1
A = B = [1, 2]
a, *b = c
(x, y), z = t
d['k'] += 1
@decorator(1)
def f(a, b: int = 2, /, c=3, *args, k, m=4, **kw) -> bool:
    global G
    for i, v in enumerate(a):
        if not v:
            continue
        elif v > 1:
            break
        else:
            pass
    else:
        x = 1
    while x := g():
        del x[0], y.z
    try:
        raise ValueError("bad") from None
    except (KeyError, TypeError) as err:
        raise
    except Exception:
        pass
    except:
        return None
    else:
        assert x, "message"
    finally:
        y = lambda q: q
    with open(p) as fh, lock:
        pass
    match x:
        case 1 | -2 if y:
            pass
        case "a" as s:
            pass
        case k.V:
            pass
        case _:
            pass
    return a if b else c
class C(Base, metaclass=M):
    def m(self): return 1
x = 1; y = 2;
)";
  EXPECT_EQ(dump(text), R"(Module rule.py
  Import  @1:1
    alias re  @1:8
    alias os.path as p  @1:12
  ImportFrom panther_base_helpers  @2:1
    alias deep_get  @2:34
    alias is_ip as ip  @2:44
  ImportFrom .  @3:1
    alias x  @3:15
  ImportFrom ..a.b  @4:1
    alias c  @4:20
    alias d as e  @5:5
  AnnAssign  @6:1
    target Name K  @6:1
    annotation Name int  @6:4
    Constant int 1  @6:10
  Assign  @7:1
    target Name A  @7:1
    target Name B  @7:5
    List  @7:9
      Constant int 1  @7:10
      Constant int 2  @7:13
  Assign  @8:1
    target Tuple  @8:1
      Name a  @8:1
      Starred  @8:4
        Name b  @8:5
    Name c  @8:9
  Assign  @9:1
    target Tuple  @9:1
      Tuple  @9:1
        Name x  @9:2
        Name y  @9:5
      Name z  @9:9
    Name t  @9:13
  AugAssign +=  @10:1
    target Subscript  @10:1
      Name d  @10:1
      index Constant str 'k'  @10:3
    Constant int 1  @10:11
  FunctionDef f  @12:1
    decorator Call  @11:2
      func Name decorator  @11:2
      arg Constant int 1  @11:12
    param positional-only a  @12:7
    param positional-only b  @12:10
      annotation Name int  @12:13
      default Constant int 2  @12:19
    param c  @12:25
      default Constant int 3  @12:27
    param *args  @12:31
    param keyword-only k  @12:37
    param keyword-only m  @12:40
      default Constant int 4  @12:42
    param **kw  @12:47
    returns Name bool  @12:54
    body
      Global G  @13:5
      For  @14:5
        target Tuple  @14:9
          Name i  @14:9
          Name v  @14:12
        in Call  @14:17
          func Name enumerate  @14:17
          arg Name a  @14:27
        body
          If  @15:9
            test UnaryOp not  @15:12
              Name v  @15:16
            body
              Continue  @16:13
            orelse
              If  @17:9
                test Compare >  @17:14
                  Name v  @17:14
                  Constant int 1  @17:18
                body
                  Break  @18:13
                orelse
                  Pass  @20:13
        orelse
          Assign  @22:9
            target Name x  @22:9
            Constant int 1  @22:13
      While  @23:5
        test NamedExpr x  @23:11
          Call  @23:16
            func Name g  @23:16
        body
          Delete  @24:9
            target Subscript  @24:13
              Name x  @24:13
              index Constant int 0  @24:15
            target Attribute .z  @24:19
              Name y  @24:19
      Try  @25:5
        body
          Raise  @26:9
            Call  @26:15
              func Name ValueError  @26:15
              arg Constant str 'bad'  @26:26
            from Constant None  @26:38
        except as err  @27:5
          type Tuple  @27:12
            Name KeyError  @27:13
            Name TypeError  @27:23
          body
            Raise  @28:9
        except  @29:5
          type Name Exception  @29:12
          body
            Pass  @30:9
        except  @31:5
          body
            Return  @32:9
              Constant None  @32:16
        orelse
          Assert  @34:9
            test Name x  @34:16
            message Constant str 'message'  @34:19
        finally
          Assign  @36:9
            target Name y  @36:9
            Lambda  @36:13
              param q  @36:20
              body Name q  @36:23
      With  @37:5
        item Call  @37:10
          func Name open  @37:10
          arg Name p  @37:15
          as Name fh  @37:21
        item Name lock  @37:25
        body
          Pass  @38:9
      Match  @39:5
        subject Name x  @39:11
        case  @40:14
          MatchOr  @40:14
            MatchValue  @40:14
              Constant int 1  @40:14
            MatchValue  @40:18
              UnaryOp -  @40:18
                Constant int 2  @40:19
          if Name y  @40:24
          body
            Pass  @41:13
        case  @42:14
          MatchAs s  @42:14
            MatchValue  @42:14
              Constant str 'a'  @42:14
          body
            Pass  @43:13
        case  @44:14
          MatchValue  @44:14
            Attribute .V  @44:14
              Name k  @44:14
          body
            Pass  @45:13
        case  @46:14
          MatchWildcard  @46:14
          body
            Pass  @47:13
      Return  @48:5
        IfExp  @48:12
          test Name b  @48:17
          body Name a  @48:12
          orelse Name c  @48:24
  ClassDef C  @49:1
    arg Name Base  @49:9
    arg metaclass=Name M  @49:25
    body
      FunctionDef m  @50:5
        param self  @50:11
        body
          Return  @50:18
            Constant int 1  @50:25
  Assign  @51:1
    target Name x  @51:1
    Constant int 1  @51:5
  Assign  @51:8
    target Name y  @51:8
    Constant int 2  @51:12
)");
}

TEST(PythonParser, WithParenthesizedItemsAndSoftKeywords) {
  EXPECT_EQ(dump("with (a as b, c as d,):\n  pass\n"), R"(Module rule.py
  With  @1:1
    item Name a  @1:7
      as Name b  @1:12
    item Name c  @1:15
      as Name d  @1:20
    body
      Pass  @2:3
)");
  EXPECT_EQ(shape("(a, b)"), "(tuple a b)");
  // match and case stay names where no match statement can be.
  auto m = parseOk("match = 1\nmatch.x = case\nprint(match, _)\nmatch(x)\nmatch[1]: int = 2\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body.size(), 5u);
  EXPECT_EQ(m->body[3]->kind, Stmt::Expr);
  EXPECT_EQ(m->body[4]->kind, Stmt::AnnAssign);
  EXPECT_FALSE(m->body[4]->simple);
  auto tuple = parseOk("match a, *b:\n  case 1:\n    pass\n");
  ASSERT_TRUE(tuple);
  EXPECT_EQ(sexpr(*tuple->body[0]->value), "(tuple a (* b))");
}

TEST(PythonParser, StatementErrors) {
  EXPECT_EQ(parseError("if x\n  pass\n"), "1:5: expected ':' after the condition, found the end of the line");
  EXPECT_EQ(parseError("if x:\npass\n"), "2:1: expected an indented block after 'if' on line 1");
  EXPECT_EQ(parseError("x = 1\n  y = 2\n"), "2:3: unexpected indent");
  EXPECT_EQ(parseError("def f(a=1, b): pass\n"), "1:12: non-default argument follows default argument");
  EXPECT_EQ(parseError("def f(a, a): pass\n"), "1:10: duplicate argument 'a' in function definition");
  EXPECT_EQ(parseError("def f(*, **k): pass\n"), "1:7: named arguments must follow bare *");
  EXPECT_EQ(parseError("def f(**k, a): pass\n"), "1:12: arguments cannot follow var-keyword argument");
  EXPECT_EQ(parseError("def f(/, a): pass\n"), "1:7: at least one argument must precede /");
  EXPECT_EQ(parseError("return 1\n"), "1:1: 'return' outside function");
  EXPECT_EQ(parseError("def f():\n  for x in y:\n    pass\n  else:\n    break\n"), "5:5: 'break' outside loop");
  EXPECT_EQ(parseError("while x:\n  def f():\n    continue\n"), "3:5: 'continue' not properly in loop");
  EXPECT_EQ(parseError("f() = 1\n"), "1:1: cannot assign to function call");
  EXPECT_EQ(parseError("a, b + 1 = x\n"), "1:4: cannot assign to expression");
  EXPECT_EQ(parseError("None = 1\n"), "1:1: cannot assign to None");
  EXPECT_EQ(parseError("*a, *b = c\n"), "1:5: multiple starred expressions in assignment");
  EXPECT_EQ(parseError("*a = c\n"), "1:1: starred assignment target must be in a list or tuple");
  EXPECT_EQ(parseError("a, b += 1\n"), "1:1: 'tuple' is an illegal expression for augmented assignment");
  EXPECT_EQ(parseError("for x + 1 in y: pass\n"), "1:7: expected 'in', found '+'");
  EXPECT_EQ(parseError("del f()\n"), "1:5: cannot delete function call");
  EXPECT_EQ(parseError("try:\n  pass\n"), "3:1: expected 'except' or 'finally' block, found the end of the file");
  EXPECT_EQ(parseError("try:\n  pass\nexcept:\n  pass\nexcept E:\n  pass\n"), "3:1: default 'except:' must be last");
  EXPECT_EQ(parseError("try:\n  pass\nexcept A, B:\n  pass\n"), "3:8: multiple exception types must be parenthesized");
  EXPECT_EQ(parseError("x = 1 y = 2\n"), "1:7: expected the end of the line, found name 'y'");
  EXPECT_EQ(parseError("x = (1 +)\n"), "1:9: expected an expression, found ')'");
  EXPECT_EQ(parseError("x = a if b\n"), "1:11: expected 'else' after the condition of the conditional expression, "
                                          "found the end of the line");
  EXPECT_EQ(parseError("f(x for x in y, 1)\n"), "1:3: Generator expression must be parenthesized");
  EXPECT_EQ(parseError("f(a=1, b)\n"), "1:8: positional argument follows keyword argument");
  EXPECT_EQ(parseError("f(**a, *b)\n"), "1:8: iterable argument unpacking follows keyword argument unpacking");
  EXPECT_EQ(parseError("f(a=1, a=2)\n"), "1:8: keyword argument repeated: a");
  EXPECT_EQ(parseError("f(__debug__=1)\n"), "1:3: cannot assign to __debug__");
  EXPECT_EQ(parseError("lambda __debug__: 0\n"), "1:8: cannot assign to __debug__");
  EXPECT_EQ(parseError("f(a.b=1)\n"), "1:3: expression cannot contain assignment, perhaps you meant \"==\"?");
  EXPECT_EQ(parseError("x := 1\n"), "1:3: expected the end of the line, found ':='");
  EXPECT_EQ(parseError("(a.b := 1)\n"), "1:2: cannot use assignment expressions with attribute");
  EXPECT_EQ(parseError("print(*a)\n*a\n"), "2:1: can't use starred expression here");
  EXPECT_EQ(parseError("[*a for a in b]\n"), "1:2: iterable unpacking cannot be used in comprehension");
  EXPECT_EQ(parseError("from x import a,\n"), "1:17: trailing comma not allowed without surrounding parentheses");
  EXPECT_EQ(parseError("def f():\n  from x import *\n"), "2:17: import * only allowed at module level");
  EXPECT_EQ(parseError("nonlocal x\n"), "1:1: nonlocal declaration not allowed at module level");
  EXPECT_EQ(parseError("@d\nx = 1\n"), "2:1: expected 'def' or 'class' after the decorators, found name 'x'");
  EXPECT_EQ(parseError("x = 'a' b'b'\n"), "1:9: cannot mix bytes and nonbytes literals");
}

TEST(PythonParser, RefusedConstructs) {
  EXPECT_EQ(parseError("async def f(): pass\n"), "1:1: 'async' is not supported");
  EXPECT_EQ(parseError("def f():\n  yield 1\n"), "2:3: 'yield' is not supported");
  EXPECT_EQ(parseError("def f():\n  x = await g()\n"), "2:7: 'await' is not supported");
  EXPECT_EQ(parseError("try:\n  pass\nexcept* E:\n  pass\n"), "3:7: 'except*' is not supported");
  EXPECT_EQ(parseError("match x:\n  case [a, b]:\n    pass\n"), "2:8: sequence patterns are not supported");
  EXPECT_EQ(parseError("match x:\n  case a, b:\n    pass\n"), "2:9: sequence patterns are not supported");
  EXPECT_EQ(parseError("match x:\n  case {'a': 1}:\n    pass\n"), "2:8: mapping patterns are not supported");
  EXPECT_EQ(parseError("match x:\n  case Point(x=1):\n    pass\n"), "2:8: class patterns are not supported");
  EXPECT_EQ(parseError("match x:\n  case f'{a}':\n    pass\n"),
            "2:8: patterns may only match literals and attribute lookups");
  EXPECT_EQ(parseError("match x:\n  case y:\n    pass\n  case 1:\n    pass\n"),
            "2:8: name capture 'y' makes remaining patterns unreachable");
  EXPECT_EQ(parseError("match x:\n  case _ | 1:\n    pass\n"), "2:8: wildcard makes remaining patterns unreachable");
  EXPECT_EQ(parseError("match x:\n  case 1 | y:\n    pass\n"), "2:12: alternative patterns bind different names");
  EXPECT_EQ(parseError("match x:\n  case (1 as y) as y:\n    pass\n"), "2:9: multiple assignments to name 'y' in pattern");
}

TEST(PythonParser, NeverCrashesOnHostileInput) {
  EXPECT_TRUE(parseOk("x = " + std::string(200, '(') + "1" + std::string(200, ')') + "\n"));
  EXPECT_EQ(parseError("x = " + std::string(150, '-') + std::string(150, '(') + "1" + std::string(150, ')') + "\n"),
            "1:255: expression nested too deeply (more than 250 levels)");
  EXPECT_EQ(parseError("x = " + std::string(100000, '-') + "1\n"),
            "1:254: expression nested too deeply (more than 250 levels)");
  std::string powers = "x = 2";
  for (int i = 0; i < 300; ++i)
    powers += "**2";
  EXPECT_EQ(parseError(powers + "\n"), "1:753: expression nested too deeply (more than 250 levels)");
  std::string chain = "x = a";
  for (int i = 0; i < 20000; ++i)
    chain += ".a";
  EXPECT_EQ(parseError(chain + "\n"), "1:20006: statement too complex (more than 10000 operators)");
  std::string deep;
  for (int i = 0; i < 101; ++i)
    deep += std::string(i, ' ') + "if x:\n";
  EXPECT_EQ(parseError(deep + std::string(101, ' ') + "pass\n"), "101:101: too many levels of indentation");

  // Every prefix and many one-byte mutations of a real-looking module give a
  // module or one diagnostic, never a crash.
  const std::string text = R"(from panther_base_helpers import deep_get
LIMIT = {"a": [1, 2.5, 0x1F], 'b': (None,)}
def rule(event):
    if event.get("x") not in LIMIT and not (y := f"{event!r:>{w}}"):
        return any(v > 1 for v in event.values())
    match event.udm("z"):
        case "a" | "b":
            return True
    return [k for k in LIMIT if k][0:1] == b'\x00'
)";
  std::mt19937 random(22);
  for (size_t i = 0; i <= text.size(); ++i) {
    DiagnosticEngine diags;
    auto m = parse(text.substr(0, i), diags);
    EXPECT_EQ(!m, diags.errorCount() == 1) << i;
    std::string mutated = text;
    mutated[random() % mutated.size()] = "()[]{}:'\"\\\n\t #=.,*fx0"[random() % 22];
    DiagnosticEngine diags2;
    auto m2 = parse(mutated, diags2);
    EXPECT_EQ(!m2, diags2.errorCount() == 1) << mutated;
  }
}

//===----------------------------------------------------------------------===//
// The Panther corpus
//===----------------------------------------------------------------------===//

TEST(PythonParser, ParsesThePantherCorpus) {
  // Beside the checkout, as ../shared (like the other corpus tests).
  const std::filesystem::path repo = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const std::filesystem::path root = repo.parent_path() / "shared" / "corpus" / "panther-python";
  if (!std::filesystem::is_directory(root))
    GTEST_SKIP() << root << " is absent";
  size_t files = 0, parsed = 0;
  std::string failures;
  for (const char *folder : {"rules", "global_helpers", "data_models"}) {
    for (const auto &entry : std::filesystem::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".py")
        continue;
      ++files;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      DiagnosticEngine diags;
      if (parseModule(text.str(), std::make_shared<const std::string>(entry.path().string()), diags))
        ++parsed;
      else
        failures += "\n  " + diags.diagnostics().front().loc.str() + ": " + diags.diagnostics().front().message;
    }
  }
  std::cout << "[ corpus   ] parsed " << parsed << " of " << files << " Python files\n";
  EXPECT_GT(files, 700u);
  EXPECT_EQ(parsed, files) << "files that did not parse:" << failures;
}

} // namespace
