//===- KqlParserTest.cpp - KQL text -> AST, and its errors ----------------===//
#include "kql/KqlParser.h"
#include "kql/KqlLexer.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace rulec;
using namespace rulec::kql;

namespace {

const char *kSeed = R"(let APISpray = SigninLogs
| where TimeGenerated > ago(90d)
| where ResultType == "50126" or ResultType == "50053"
| where UserAgent has "AmazonAPIGateway_"
| distinct IPAddress;
BehaviorAnalytics
| where SourceIPAddress has_any (APISpray)
| extend BlastRadius = UsersInsights.BlastRadius
| where BlastRadius == "High"
)";

constexpr int64_t kSecond = 1'000'000'000, kHour = 3600 * kSecond, kDay = 24 * kHour;

LineMap identityMap() { return LineMap::identity(std::make_shared<const std::string>("q.kql")); }

std::unique_ptr<Query> parse(const std::string &text, DiagnosticEngine &diags,
                             const LineMap &map = identityMap()) {
  return parseQuery(text, map, diags);
}

/// Parses a query that must be valid.
std::unique_ptr<Query> parseOk(const std::string &text) {
  DiagnosticEngine diags;
  auto q = parse(text, diags);
  if (!q)
    ADD_FAILURE() << text << "\n  " << diags.diagnostics().front().message;
  return q;
}

/// The expression of `T | where <text>`.
std::unique_ptr<Query> parseWhere(const std::string &text) { return parseOk("T | where " + text); }
const Expr &predicate(const Query &q) { return *q.body->ops.at(0).predicate; }

/// A compact tree: (op operands...), names bare, literals as KQL text.
std::string sexpr(const Expr &e) {
  auto list = [&](const std::string &head) {
    std::string out = "(" + head;
    for (const ExprPtr &operand : e.operands)
      out += " " + sexpr(*operand);
    if (e.table)
      out += " <" + e.table->source + ">";
    return out + ")";
  };
  switch (e.kind) {
  case Expr::Name: return e.name;
  case Expr::Member: return "(. " + sexpr(*e.operands[0]) + " " + e.name + ")";
  case Expr::Index: return list("[]");
  case Expr::Call: return list(e.name + "()");
  case Expr::Unary:
  case Expr::Binary:
  case Expr::In:
  case Expr::Between: return list(e.op);
  default: return toString(e);
  }
}

std::string whereShape(const std::string &text) {
  auto q = parseWhere(text);
  return q ? sexpr(predicate(*q)) : "<error>";
}

struct Failure {
  std::string message;
  int line = 0, column = 0;
};

Failure parseError(const std::string &text) {
  DiagnosticEngine diags;
  if (parse(text, diags))
    return {"<parsed>"};
  const Diagnostic &d = diags.diagnostics().front();
  EXPECT_EQ(d.code, DiagCode::KqlSyntax);
  return {d.message, d.loc.line, d.loc.column};
}

TEST(KqlParser, ParsesTheSeedQuery) {
  auto q = parseOk(kSeed);
  ASSERT_TRUE(q);
  ASSERT_EQ(q->lets.size(), 1u);
  const LetStmt &let = q->lets[0];
  EXPECT_EQ(let.name, "APISpray");
  ASSERT_TRUE(let.table);
  EXPECT_EQ(let.table->source, "SigninLogs");
  ASSERT_EQ(let.table->ops.size(), 4u);
  EXPECT_EQ(let.table->ops[0].name, "where");
  EXPECT_EQ(sexpr(*let.table->ops[0].predicate), "(> TimeGenerated (ago() 90d))");
  EXPECT_EQ(sexpr(*let.table->ops[1].predicate),
            R"((or (== ResultType "50126") (== ResultType "50053")))");
  EXPECT_EQ(sexpr(*let.table->ops[2].predicate), R"((has UserAgent "AmazonAPIGateway_"))");
  EXPECT_EQ(let.table->ops[3].name, "distinct");
  ASSERT_EQ(let.table->ops[3].by.size(), 1u);
  EXPECT_EQ(sexpr(*let.table->ops[3].by[0].value), "IPAddress");

  const TabularExpr &body = *q->body;
  EXPECT_EQ(body.source, "BehaviorAnalytics");
  EXPECT_EQ(body.loc.line, 6);
  ASSERT_EQ(body.ops.size(), 3u);
  const Expr &hasAny = *body.ops[0].predicate;
  EXPECT_EQ(hasAny.kind, Expr::In);
  EXPECT_EQ(hasAny.op, "has_any");
  EXPECT_FALSE(hasAny.table);
  ASSERT_EQ(hasAny.operands.size(), 2u);
  EXPECT_EQ(hasAny.operands[1]->kind, Expr::Name);
  EXPECT_EQ(hasAny.operands[1]->name, "APISpray");
  EXPECT_EQ(toString(hasAny), "SourceIPAddress has_any (APISpray)");
  const Operator &extend = body.ops[1];
  EXPECT_EQ(extend.name, "extend");
  ASSERT_EQ(extend.assignments.size(), 1u);
  EXPECT_EQ(extend.assignments[0].name, "BlastRadius");
  EXPECT_EQ(extend.assignments[0].nameLoc.line, 8);
  EXPECT_EQ(extend.assignments[0].nameLoc.column, 10);
  EXPECT_EQ(sexpr(*extend.assignments[0].value), "(. UsersInsights BlastRadius)");
  EXPECT_EQ(toString(*body.ops[2].predicate), R"(BlastRadius == "High")");
  EXPECT_EQ(body.ops[2].loc.line, 9);
  EXPECT_EQ(body.ops[2].loc.column, 3);
}

TEST(KqlParser, BinaryPrecedence) {
  EXPECT_EQ(whereShape("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(whereShape("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(whereShape("not(x) and y"), "(and (not() x) y)");
  EXPECT_EQ(whereShape("not (x has 'a')"), R"((not() (has x "a")))");
  EXPECT_EQ(whereShape("a + b * c == d - e % f"), "(== (+ a (* b c)) (- d (% e f)))");
  EXPECT_EQ(whereShape("a - b - c > 0"), "(> (- (- a b) c) 0)");
  EXPECT_EQ(whereShape("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(whereShape("-a.b < -2"), "(< (- (. a b)) -2)");
  EXPECT_EQ(whereShape("x in (1, 2) and y between (1 .. 2)"), "(and (in x 1 2) (between y 1 2))");
  EXPECT_EQ(whereShape("a AND b Or c"), "(or (and a b) c)");
  // Comparisons do not chain in Kusto.
  EXPECT_EQ(parseError("T | where a == b == c").message,
            "expected '|' or the end of the query after the 'where' operator, found '=='");
}

TEST(KqlParser, StringOperatorFamilies) {
  for (const char *base : {"has", "hasprefix", "hassuffix", "contains", "startswith", "endswith"}) {
    for (const std::string &op : {std::string(base), "!" + std::string(base),
                                  std::string(base) + "_cs", "!" + std::string(base) + "_cs"}) {
      auto q = parseWhere("Field " + op + " 'x'");
      ASSERT_TRUE(q) << op;
      EXPECT_EQ(predicate(*q).kind, Expr::Binary) << op;
      EXPECT_EQ(predicate(*q).op, op);
    }
  }
  EXPECT_EQ(whereShape("a =~ 'x' or a !~ 'y' or a <> 'z'"),
            R"((or (or (=~ a "x") (!~ a "y")) (!= a "z")))");
  EXPECT_EQ(whereShape("a matches regex @'\\d+'"), R"((matches regex a "\\d+"))");
  EXPECT_EQ(whereShape("a HAS 'x' and b !Contains_CS 'y'"),
            R"((and (has a "x") (!contains_cs b "y")))");
  // A space between '!' and the word is not the operator.
  EXPECT_EQ(parseError("T | where a ! has 'x'").message,
            "expected '|' or the end of the query after the 'where' operator, found '!'");
}

TEST(KqlParser, InListsAndTables) {
  EXPECT_EQ(whereShape(R"(x in ("a", "b"))"), R"((in x "a" "b"))");
  EXPECT_EQ(whereShape("x !in (1, 2)"), "(!in x 1 2)");
  EXPECT_EQ(whereShape("x in~ ('A')"), R"((in~ x "A"))");
  EXPECT_EQ(whereShape("x !in~ ('a','b')"), R"((!in~ x "a" "b"))");
  EXPECT_EQ(whereShape("x has_any ('a', 'b') and y has_all (L)"),
            R"((and (has_any x "a" "b") (has_all y L)))");
  EXPECT_EQ(whereShape("x in(List)"), "(in x List)");
  EXPECT_EQ(whereShape("x in (dynamic(['a', 'b']))"), R"((in x dynamic(["a", "b"])))");

  auto q = parseWhere("IP in (SigninLogs | where ResultType == 0 | distinct IPAddress)");
  ASSERT_TRUE(q);
  const Expr &in = predicate(*q);
  EXPECT_EQ(in.op, "in");
  ASSERT_TRUE(in.table);
  EXPECT_EQ(in.operands.size(), 1u);
  EXPECT_EQ(in.table->source, "SigninLogs");
  ASSERT_EQ(in.table->ops.size(), 2u);
  EXPECT_EQ(in.table->ops[1].name, "distinct");
  EXPECT_EQ(toString(in), "IP in (SigninLogs | where ResultType == 0 | distinct IPAddress)");
}

TEST(KqlParser, Between) {
  EXPECT_EQ(whereShape("n between (1 .. 10)"), "(between n 1 10)");
  EXPECT_EQ(whereShape("t !between (ago(2d)..ago(1d))"), "(!between t (ago() 2d) (ago() 1d))");
  EXPECT_EQ(whereShape("r between (0.5 .. 1.5)"), "(between r 0.5 1.5)");
  EXPECT_EQ(parseError("T | where n between (1, 2)").message,
            "expected '..' between the bounds of 'between', found ','");
}

TEST(KqlParser, DynamicLiterals) {
  auto q = parseWhere(R"(x in (dynamic([1, "a", true, null, [2, -3], {"k": 1.5}])))");
  ASSERT_TRUE(q);
  const Expr &d = *predicate(*q).operands[1];
  ASSERT_EQ(d.kind, Expr::Dynamic);
  EXPECT_FALSE(d.dynamicIsObject);
  ASSERT_EQ(d.operands.size(), 6u);
  EXPECT_EQ(d.operands[0]->literal.value, Scalar::makeInt(1));
  EXPECT_EQ(d.operands[1]->literal.value, Scalar::makeString("a"));
  EXPECT_EQ(d.operands[2]->literal.type, Literal::Bool);
  EXPECT_EQ(d.operands[3]->literal.type, Literal::Null);
  EXPECT_EQ(d.operands[4]->kind, Expr::Dynamic);
  EXPECT_EQ(d.operands[4]->operands[1]->literal.value, Scalar::makeInt(-3));
  const Expr &object = *d.operands[5];
  EXPECT_TRUE(object.dynamicIsObject);
  ASSERT_EQ(object.keys.size(), 1u);
  EXPECT_EQ(object.keys[0], "k");
  EXPECT_EQ(toString(d), R"(dynamic([1, "a", true, null, [2, -3], {"k": 1.5}]))");

  // ["x"] looks like a bracketed name to the lexer: in dynamic() it is an array.
  auto one = parseOk(R"(let L = dynamic(["x"]); T)");
  ASSERT_TRUE(one);
  EXPECT_EQ(toString(*one->lets[0].scalar), R"(dynamic(["x"]))");
  auto null = parseOk("let N = dynamic(null); T");
  ASSERT_TRUE(null);
  EXPECT_EQ(null->lets[0].scalar->literal.type, Literal::Null);
  auto empty = parseOk("let E = dynamic ([]); T");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->lets[0].scalar->kind, Expr::Dynamic);
  EXPECT_TRUE(empty->lets[0].scalar->operands.empty());
  EXPECT_EQ(parseError("let E = dynamic([a]); T").message,
            "expected a literal in dynamic(...), found 'a'");
}

/// The literal of `T | where x == <text>`.
Literal literalOf(const std::string &text) {
  auto q = parseWhere("x == " + text);
  return q ? predicate(*q).operands[1]->literal : Literal{};
}

TEST(KqlParser, TimeLiterals) {
  const int64_t jan1 = 1704067200 * kSecond; // 2024-01-01T00:00:00Z
  struct {
    const char *text;
    Literal::Type type;
    int64_t nanos;
  } cases[] = {
      {"datetime(2024-01-01)", Literal::DateTime, jan1},
      {"datetime(2024-01-01 10:00)", Literal::DateTime, jan1 + 10 * kHour},
      {"datetime(2024-01-01T10:00:00.5Z)", Literal::DateTime, jan1 + 10 * kHour + kSecond / 2},
      {"datetime(\"2024-01-01 00:00:01\")", Literal::DateTime, jan1 + kSecond},
      {"90d", Literal::TimeSpan, 90 * kDay},
      {"1.5h", Literal::TimeSpan, 3 * kHour / 2},
      {"100ms", Literal::TimeSpan, 100'000'000},
      {"30m", Literal::TimeSpan, 30 * 60 * kSecond},
      {"10s", Literal::TimeSpan, 10 * kSecond},
      {"10microseconds", Literal::TimeSpan, 10'000},
      {"3ticks", Literal::TimeSpan, 300},
      {"2min", Literal::TimeSpan, 120 * kSecond},
      {"1hour", Literal::TimeSpan, kHour},
      {"-1d", Literal::TimeSpan, -kDay},
      {"timespan(1d)", Literal::TimeSpan, kDay},
      {"time(00:10:00)", Literal::TimeSpan, 600 * kSecond},
      {"time(1.02:00:30.5)", Literal::TimeSpan, kDay + 2 * kHour + 30 * kSecond + kSecond / 2},
      {"time(15 seconds)", Literal::TimeSpan, 15 * kSecond},
      {"time(2)", Literal::TimeSpan, 2 * kDay},
      {"datetime(2024/1/1 10)", Literal::DateTime, jan1 + 10 * kHour},
      {"datetime(2024-01-01Z)", Literal::DateTime, jan1},
      {"datetime(2024-01-01T12:00:00+02:00)", Literal::DateTime, jan1 + 10 * kHour},
  };
  for (const auto &c : cases) {
    const Literal l = literalOf(c.text);
    EXPECT_EQ(l.type, c.type) << c.text;
    EXPECT_EQ(l.value, Scalar::makeInt(c.nanos)) << c.text;
  }
  EXPECT_EQ(toString(*parseWhere("t > ago(90d) and s < 1.5h")->body->ops[0].predicate),
            "t > ago(90d) and s < 90m");
  EXPECT_EQ(parseError("T | where t > datetime(2024-13-01)").message,
            "invalid datetime literal '2024-13-01'");
}

TEST(KqlParser, ScalarLiterals) {
  EXPECT_EQ(literalOf("5").value, Scalar::makeInt(5));
  EXPECT_EQ(literalOf("0x1F").value, Scalar::makeInt(31));
  EXPECT_EQ(literalOf("1e3").value, Scalar::makeDouble(1000));
  EXPECT_EQ(literalOf(".5").value, Scalar::makeDouble(0.5));
  EXPECT_EQ(literalOf("True").value, Scalar::makeBool(true));
  EXPECT_EQ(literalOf("int(5)").value, Scalar::makeInt(5));
  EXPECT_EQ(literalOf("long(-5)").value, Scalar::makeInt(-5));
  EXPECT_EQ(literalOf("real(1.5)").value, Scalar::makeDouble(1.5));
  EXPECT_EQ(literalOf("bool(false)").value, Scalar::makeBool(false));
  EXPECT_EQ(literalOf("int(null)").type, Literal::Null);
  const Literal guid = literalOf("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)");
  EXPECT_EQ(guid.type, Literal::Guid);
  EXPECT_EQ(guid.value.s, "74be27de-1e4e-49d9-b579-fe0b331d3642");
  EXPECT_EQ(literalOf("1.").value, Scalar::makeDouble(1));
  EXPECT_EQ(literalOf("9223372036854775808").value, Scalar::makeDouble(9223372036854775808.0));
  EXPECT_EQ(literalOf("real(2)").value, Scalar::makeDouble(2));
}

TEST(KqlParser, StringLiterals) {
  const std::pair<const char *, const char *> cases[] = {
      {R"("a\"b\\c\n\t\u00e9")", "a\"b\\c\n\t\xC3\xA9"},
      {R"('it\'s "quoted"')", "it's \"quoted\""},
      {R"(@"C:\Windows\")", "C:\\Windows\\"},
      {R"(@'a''b')", "a'b"},
      {R"(@"say ""hi""")", "say \"hi\""},
      {R"(h"secret")", "secret"},
      {R"(H'secret')", "secret"},
      {R"(h@'C:\x')", "C:\\x"},
      {"```multi\nline \"raw\" \\n```", "multi\nline \"raw\" \\n"},
      {R"("ab" 'cd' @"ef")", "abcdef"}, // adjacent literals are one string
      {R"("\x41\U0001F600")", "A\xF0\x9F\x98\x80"},
      {"~~~a\nb~~~", "a\nb"},
  };
  for (const auto &[text, value] : cases) {
    const Literal l = literalOf(text);
    EXPECT_EQ(l.type, Literal::String) << text;
    EXPECT_EQ(l.value.s, value) << text;
  }
  EXPECT_EQ(literalOf(R"("a\0b")").value.s, std::string("a\0b", 3));
}

TEST(KqlParser, BracketNamesAndMemberChains) {
  EXPECT_EQ(whereShape("['Name with space'] == 1"), "(== Name with space 1)");
  EXPECT_EQ(whereShape(R"(["x-y"] == 1)"), "(== x-y 1)");
  EXPECT_EQ(whereShape(R"(a.b["c"][0] == 1)"), R"((== ([] ([] (. a b) "c") 0) 1))");
  EXPECT_EQ(whereShape(R"(a.['xsi:type'] == 1)"), "(== (. a xsi:type) 1)");
  EXPECT_EQ(whereShape(R"(a.[ 'b' ] == 1)"), "(== (. a b) 1)");
  EXPECT_EQ(whereShape("split(x, '/')[-1] == 'y'"), R"((== ([] (split() x "/") -1) "y"))");
  EXPECT_EQ(whereShape("$left.Id == $right.Id"), "(== (. $left Id) (. $right Id))");
  // Kusto reads a word that starts with digits but is no number as a name
  // (units are lower case: 1D is a name).
  EXPECT_EQ(whereShape("1a == 5gh or 1D > 0x1G"), "(or (== 1a 5gh) (> 1D 0x1G))");
  auto q = parseWhere(R"(a.b["c"][0] == 1 and x.['y z'] == 2)");
  ASSERT_TRUE(q);
  EXPECT_EQ(toString(predicate(*q)), R"(a.b["c"][0] == 1 and x.["y z"] == 2)");
  auto e = parseOk("T | extend ['My Col'] = 1 | project-away ['My Col']");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body->ops[0].assignments[0].name, "My Col");
  EXPECT_EQ(e->body->ops[1].columns[0], "My Col");
}

TEST(KqlParser, SummarizeWithByAndBin) {
  auto q = parseOk("T | summarize count(), Users = dcount(User), arg_max(TimeGenerated, *) "
                   "by bin(TimeGenerated, 1h), IP = tostring(IPAddress)");
  ASSERT_TRUE(q);
  const Operator &s = q->body->ops[0];
  EXPECT_EQ(s.name, "summarize");
  ASSERT_EQ(s.assignments.size(), 3u);
  EXPECT_EQ(s.assignments[0].name, "");
  EXPECT_EQ(sexpr(*s.assignments[0].value), "(count())");
  EXPECT_EQ(s.assignments[1].name, "Users");
  EXPECT_EQ(sexpr(*s.assignments[2].value), "(arg_max() TimeGenerated *)");
  ASSERT_EQ(s.by.size(), 2u);
  EXPECT_EQ(sexpr(*s.by[0].value), "(bin() TimeGenerated 1h)");
  EXPECT_EQ(s.by[1].name, "IP");

  auto byOnly = parseOk("T | summarize by Computer, User");
  ASSERT_TRUE(byOnly);
  EXPECT_TRUE(byOnly->body->ops[0].assignments.empty());
  EXPECT_EQ(byOnly->body->ops[0].by.size(), 2u);
  EXPECT_EQ(parseError("T | summarize").message, "expected an expression, found end of query");
}

TEST(KqlParser, TabularOperators) {
  auto q = parseOk("T | project a, b = c + 1 | project-away x*, y | project-keep z "
                   "| project-rename New = Old | distinct a, b | take 10 | limit 5 "
                   "| sort by a, b asc | order by c asc nulls last | top 3 by d | count");
  ASSERT_TRUE(q);
  const auto &ops = q->body->ops;
  ASSERT_EQ(ops.size(), 11u);
  EXPECT_EQ(ops[0].assignments.size(), 2u);
  EXPECT_EQ(ops[0].assignments[1].name, "b");
  EXPECT_EQ(ops[1].name, "project-away");
  EXPECT_EQ(ops[1].columns, (std::vector<std::string>{"x*", "y"}));
  EXPECT_EQ(ops[2].name, "project-keep");
  EXPECT_EQ(ops[3].assignments[0].name, "New");
  EXPECT_EQ(ops[3].assignments[0].value->name, "Old");
  EXPECT_EQ(ops[4].by.size(), 2u);
  EXPECT_EQ(ops[5].count, 10);
  EXPECT_EQ(ops[6].count, 5);
  EXPECT_EQ(ops[7].descending, (std::vector<bool>{true, false})); // desc is Kusto's default
  EXPECT_EQ(ops[8].descending, (std::vector<bool>{false}));
  EXPECT_EQ(ops[9].count, 3);
  EXPECT_EQ(ops[9].descending, (std::vector<bool>{true}));
  EXPECT_EQ(ops[10].name, "count");
  for (const Operator &op : ops)
    EXPECT_FALSE(op.generic) << op.name;
  EXPECT_EQ(parseError("T | project-rename a").message,
            "expected 'NewName = ExistingName' in project-rename");
  EXPECT_EQ(parseError("T | take").message,
            "expected a row count after 'take', found end of query");
}

TEST(KqlParser, GenericOperators) {
  auto q = parseOk("T | partition by x (where x > 1) | where y");
  ASSERT_TRUE(q);
  const auto &ops = q->body->ops;
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].name, "partition");
  EXPECT_TRUE(ops[0].generic);
  EXPECT_EQ(ops[0].rawArgs, "by x (where x > 1)");
  EXPECT_EQ(ops[0].loc.column, 5);
  EXPECT_EQ(ops[1].name, "where");
  EXPECT_FALSE(ops[1].generic);
  EXPECT_EQ(sexpr(*ops[1].predicate), "y");

  auto more = parseOk("T | evaluate hint.distribution = per_node pivot(x) | make-series n = count() on t step 1h "
                      "| reduce s with * 'a|b' v ']' * | extend (a, b) = f(x) | take n | getschema "
                      "| take 1 + 1 | count as N");
  ASSERT_TRUE(more);
  const auto &m = more->body->ops;
  ASSERT_EQ(m.size(), 8u);
  EXPECT_EQ(m[0].name, "evaluate"); // with a hint: evaluate plugin(...) alone is read in full
  EXPECT_EQ(m[1].name, "make-series");
  EXPECT_EQ(m[2].rawArgs, "s with * 'a|b' v ']' *"); // '|' and ']' inside strings do not count
  EXPECT_EQ(m[3].name, "extend");                    // a tuple assignment stays generic
  EXPECT_EQ(m[4].rawArgs, "n");                      // as does a computed row count
  EXPECT_EQ(m[5].rawArgs, "");
  EXPECT_EQ(m[6].rawArgs, "1 + 1");
  EXPECT_EQ(m[7].rawArgs, "as N");
  for (const Operator &op : m)
    EXPECT_TRUE(op.generic) << op.name;
}

// evaluate plugin(...) is read in full: the plugin, its (named) arguments,
// an output schema with '*'.
TEST(KqlParser, EvaluatePlugin) {
  auto q = parseOk("T | evaluate bag_unpack(d, 'p_', columnsConflict='keep_source') : (*, a:long)");
  ASSERT_TRUE(q);
  const Operator &op = q->body->ops[0];
  EXPECT_FALSE(op.generic);
  EXPECT_EQ(op.kind, "bag_unpack");
  ASSERT_EQ(op.assignments.size(), 3u);
  EXPECT_EQ(op.assignments[2].name, "columnsConflict");
  EXPECT_EQ(op.columns, (std::vector<std::string>{"*", "a"}));
  EXPECT_EQ(op.columnTypes, (std::vector<std::string>{"", "long"}));
}

// join, lookup, union and mv-expand are read in full: their options (hints
// read and dropped), tables, keys, expansions.
TEST(KqlParser, PlanOperators) {
  auto q = parseOk("T | join kind = leftouter hint.strategy=shuffle (U | where x) on Id, $left.a == $right.b "
                   "| mv-expand with_itemindex=I x, n = pack_array(1, 2) to typeof(dynamic) limit 3 "
                   "| union withsource=Src A, (B | take 1) | sort by x asc nulls last, y");
  ASSERT_TRUE(q);
  const auto &ops = q->body->ops;
  ASSERT_EQ(ops.size(), 4u);
  for (const Operator &op : ops)
    EXPECT_FALSE(op.generic) << op.name;
  EXPECT_EQ(ops[0].kind, "leftouter");
  ASSERT_EQ(ops[0].tables.size(), 1u);
  EXPECT_EQ(ops[0].tables[0]->source, "U");
  EXPECT_EQ(sexpr(*ops[0].on), "(and Id (== (. $left a) (. $right b)))");
  EXPECT_EQ(ops[1].withSource, "I");
  ASSERT_EQ(ops[1].assignments.size(), 2u);
  EXPECT_EQ(ops[1].assignments[1].name, "n");
  EXPECT_EQ(ops[1].columnTypes, (std::vector<std::string>{"", "dynamic"}));
  EXPECT_EQ(ops[1].count, 3);
  EXPECT_EQ(ops[2].withSource, "Src");
  ASSERT_EQ(ops[2].tables.size(), 2u);
  EXPECT_EQ(ops[2].tables[0]->source, "A");
  EXPECT_EQ(ops[2].tables[1]->ops.size(), 1u);
  EXPECT_EQ(ops[3].descending, (std::vector<bool>{false, true}));
  EXPECT_EQ(ops[3].nulls, (std::vector<uint8_t>{2, 0}));
  EXPECT_EQ(parseError("T | join (U) Id").message, "expected 'on' and the join's keys, found 'Id'");
  EXPECT_EQ(parseError("T | union").message, "expected a table or a parenthesized query in 'union', found end of query");
  EXPECT_EQ(parseError("T | mv-expand x to string").message, "expected 'typeof(type)' after 'to', found 'string'");

  // A query may start with an operator instead of a table.
  auto u = parseOk("union isfuzzy=true (A | where x), B | where y");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->body->source, "");
  EXPECT_EQ(u->body->ops[0].name, "union");
  EXPECT_EQ(u->body->ops[0].tables.size(), 2u);
  EXPECT_EQ(u->body->ops[1].name, "where");
}

TEST(KqlParser, LetStatements) {
  auto q = parseOk(R"(let threshold = 5;
let Bad = dynamic(["a", "b"]);
let T1 = SigninLogs;
let T2 = (AuditLogs | where x);
let T3 = materialize(T1 | take 1);
let f = (name:string) { table(name) | where y; };
let v = view () { T1 };
let n = toscalar(T1 | count);
let call = f("X");
T1 | where a > threshold;
)");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->lets.size(), 9u);
  EXPECT_EQ(sexpr(*q->lets[0].scalar), "5");
  EXPECT_EQ(q->lets[1].scalar->kind, Expr::Dynamic);
  ASSERT_TRUE(q->lets[2].table);
  EXPECT_EQ(q->lets[2].table->source, "SigninLogs");
  EXPECT_TRUE(q->lets[2].table->ops.empty());
  ASSERT_TRUE(q->lets[3].table);
  EXPECT_EQ(q->lets[3].table->source, "AuditLogs");
  EXPECT_EQ(q->lets[3].table->ops.size(), 1u);
  ASSERT_TRUE(q->lets[4].table);
  EXPECT_EQ(q->lets[4].table->source, "T1");
  EXPECT_TRUE(q->lets[5].function);
  EXPECT_EQ(q->lets[5].rawBody, "(name:string) { table(name) | where y; }");
  EXPECT_TRUE(q->lets[6].function);
  ASSERT_TRUE(q->lets[7].scalar);
  EXPECT_EQ(q->lets[7].scalar->name, "toscalar");
  ASSERT_TRUE(q->lets[7].scalar->table);
  EXPECT_EQ(sexpr(*q->lets[8].scalar), R"((f() "X"))");
  EXPECT_EQ(q->body->source, "T1");

  auto src = parseOk("table('SigninLogs') | where x");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->body->source, "table('SigninLogs')");
  EXPECT_EQ(parseError("let x = 1\nT").message, "expected ';' after the let statement, found 'T'");
  EXPECT_EQ(parseError("let x = 1;").message, "expected a tabular expression, found end of query");
}

TEST(KqlParser, LocationsThroughALineMap) {
  // A `query: |` block at file line 10, its lines indented by 2 (and the last by 4).
  LineMap map;
  map.file = std::make_shared<const std::string>("rule.yaml");
  map.lines = {{11, 2}, {12, 2}, {13, 4}};
  EXPECT_EQ(map.at(1, 1).line, 11);
  EXPECT_EQ(map.at(1, 1).column, 3);
  EXPECT_EQ(map.at(3, 5).column, 9);
  EXPECT_EQ(map.at(5, 1).line, 15); // past the map: continue from the last line
  EXPECT_EQ(map.at(5, 1).column, 5);
  const SourceLocation id = identityMap().at(7, 9);
  EXPECT_EQ(id.line, 7);
  EXPECT_EQ(id.column, 9);
  EXPECT_EQ(*id.file, "q.kql");

  DiagnosticEngine diags;
  auto q = parse("SigninLogs\n| where A == 1\n| extend B = C", diags, map);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->body->loc.line, 11);
  EXPECT_EQ(q->body->loc.column, 3);
  const Expr &eq = *q->body->ops[0].predicate;
  EXPECT_EQ(eq.loc.line, 12);
  EXPECT_EQ(eq.loc.column, 13);
  EXPECT_EQ(eq.operands[0]->loc.column, 11);
  EXPECT_EQ(*eq.loc.file, "rule.yaml");
  EXPECT_EQ(q->body->ops[1].loc.line, 13);
  EXPECT_EQ(q->body->ops[1].loc.column, 7);
  EXPECT_EQ(q->body->ops[1].assignments[0].nameLoc.column, 14);

  EXPECT_FALSE(parse("SigninLogs\n| where A == (1", diags, map));
  EXPECT_EQ(diags.diagnostics().front().loc.line, 12);
  EXPECT_EQ(diags.diagnostics().front().loc.column, 18);
}

TEST(KqlParser, ErrorPositions) {
  struct {
    const char *text;
    const char *message;
    int line, column;
  } cases[] = {
      {"T | where (a == 1", "expected ')' to close '(', found end of query", 1, 18},
      {"T | where f(a, b", "expected ')' after the arguments of 'f', found end of query", 1, 17},
      {"T | where a == 1)", "expected the end of the query, found ')'", 1, 17},
      {"T\n| where\n| take 1", "expected an expression, found '|'", 3, 1},
      {"T | where a in ('x', )", "expected an expression, found ')'", 1, 22},
      {"T | where a == \"abc", "unterminated string literal", 1, 16},
      {"T | where a == 'x\ny'", "unterminated string literal", 1, 16},
      {"T | where a # b", "unexpected character '#'", 1, 13},
      {"T | where a == 1.5gh", "invalid number '1.5gh': 'gh' is not a timespan unit", 1, 16},
      {"T | where a == \"\\d\"", "unknown escape sequence '\\d' in string literal", 1, 17},
      {"T | extend a = 1\n};",
       "expected '|' or the end of the query after the 'extend' operator, found '}'", 2, 1},
      {"T | 5", "expected an operator name after '|', found '5'", 1, 5},
      {"| where x", "expected a table name, found '|'", 1, 1},
      {"T | sort x", "expected 'by' after 'sort', found 'x'", 1, 10},
      {"let = 1; T", "expected a name after 'let', found '='", 1, 5},
      {"T | summarize n = in(x)",
       "expected an expression, found the keyword 'in' (a column of that name is ['in'])", 1, 19},
      {"T | where f(T | count) > 1", "expected ')' after the arguments of 'f', found '|'", 1, 15},
      // Brackets in text kept raw must still balance.
      {"T | join kind=inner (U | where x on Id", "'(' is never closed", 1, 21},
      {"T | mv-apply x on (where y]", "expected ')' to close '(', found ']'", 1, 27},
      {"table('x' | where y", "'(' is never closed", 1, 6},
      {"let f = (a:string) { T | where b ; T", "'{' is never closed", 1, 20},
  };
  for (const auto &c : cases) {
    const Failure f = parseError(c.text);
    EXPECT_EQ(f.message, c.message) << c.text;
    EXPECT_EQ(f.line, c.line) << c.text;
    EXPECT_EQ(f.column, c.column) << c.text;
  }
}

TEST(KqlParser, DeepNestingIsAnErrorNotACrash) {
  const std::string parens = "T | where " + std::string(10000, '(') + "a" + std::string(10000, ')');
  EXPECT_EQ(parseError(parens).message, "expression nested too deeply (more than 200 levels)");
  const std::string minus = "T | where " + std::string(10000, '-') + "a";
  EXPECT_EQ(parseError(minus).message, "expression nested too deeply (more than 200 levels)");
  std::string calls = "T | where ";
  for (int i = 0; i < 5000; ++i)
    calls += "f(";
  EXPECT_EQ(parseError(calls).message, "expression nested too deeply (more than 200 levels)");
  const std::string arrays = "let d = dynamic(" + std::string(5000, '[') + "); T";
  EXPECT_EQ(parseError(arrays).message, "expression nested too deeply (more than 200 levels)");
  const std::string sources = std::string(5000, '(') + "T";
  EXPECT_EQ(parseError(sources).message, "expression nested too deeply (more than 200 levels)");
  // 100 levels are fine.
  EXPECT_TRUE(parseWhere(std::string(100, '(') + "a" + std::string(100, ')')));

  // `a or b or ...` nests to the left: a million terms would overflow every
  // recursive pass over the tree, a thousand are fine.
  auto chain = [](int terms) {
    std::string text = "T | where a0";
    for (int i = 1; i < terms; ++i)
      text += " or a" + std::to_string(i);
    return text;
  };
  EXPECT_EQ(parseError(chain(1'000'000)).message,
            "expression too long (more than 2000 operators deep)");
  EXPECT_TRUE(parseOk(chain(1000)));
  std::string members = "T | where a";
  for (int i = 0; i < 100'000; ++i)
    members += ".b[0]";
  EXPECT_EQ(parseError(members).message, "expression too long (more than 2000 operators deep)");
}

TEST(KqlParser, DumpShowsEveryNodeWithItsLocation) {
  auto q = parseOk(
      "let L = dynamic(['a']);\nT\n| where x has_any (L) and y == -1\n| join kind=inner (U) on Id");
  ASSERT_TRUE(q);
  std::ostringstream os;
  dumpQuery(*q, os);
  EXPECT_EQ(os.str(), R"(Query
  let L = scalar  @1:5
    Dynamic array  @1:17
      Literal string "a"  @1:17
  Tabular T  @2:1
    where  @3:3
      Binary and  @3:23
        In has_any  @3:11
          Name x  @3:9
          Name L  @3:20
        Binary ==  @3:29
          Name y  @3:27
          Literal long -1  @3:32
    join  @4:3
      kind inner
      Tabular U  @4:20
      on Name Id  @4:26
)");
}

TEST(KqlLexer, TokensKnowTheirPositionAndAdjacency) {
  const LexResult r = lexQuery("T\n| project-away a,b // c\n| where x !in~ (1.5, 90d)");
  ASSERT_TRUE(r.ok) << r.error;
  std::vector<std::string> texts;
  for (const Token &t : r.tokens)
    texts.push_back(t.text);
  EXPECT_EQ(texts,
            (std::vector<std::string>{"T", "|", "project", "-", "away", "a", ",", "b", "|", "where",
                                      "x", "!", "in",      "~", "(",    "",  ",", "",  ")", ""}));
  const Token &dash = r.tokens[3];
  EXPECT_TRUE(dash.adjacent);
  EXPECT_EQ(dash.line, 2);
  EXPECT_EQ(dash.column, 10);
  EXPECT_EQ(dash.offset, 11u);
  EXPECT_FALSE(r.tokens[5].adjacent);
  EXPECT_EQ(r.tokens[8].line, 3); // the comment was skipped
  EXPECT_EQ(r.tokens[15].kind, TokenKind::Real);
  EXPECT_EQ(r.tokens[17].kind, TokenKind::TimeSpan);
  EXPECT_EQ(r.tokens[17].intValue, 90 * kDay);
  EXPECT_EQ(r.tokens.back().kind, TokenKind::End);

  const LexResult raw = lexQuery("datetime(2024-01-01T10:00Z) guid (1-2) datetime('x')");
  ASSERT_TRUE(raw.ok) << raw.error;
  EXPECT_EQ(raw.tokens[2].kind, TokenKind::Raw);
  EXPECT_EQ(raw.tokens[2].text, "2024-01-01T10:00Z");
  EXPECT_EQ(raw.tokens[6].text, "1-2");
  EXPECT_EQ(raw.tokens[10].kind, TokenKind::String);
}

} // namespace
