//===- KqlParser.cpp ------------------------------------------------------===//
#include "kql/KqlParser.h"
#include "support/AsciiLower.h"

#include "events/EventTime.h"
#include "kql/KqlLexer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>
#include <set>

namespace rulec::kql {

SourceLocation LineMap::at(int line, int column) const {
  if (lines.empty())
    return {file, line, column};
  const int index = std::max(line - 1, 0);
  const int last = static_cast<int>(lines.size()) - 1;
  const auto &entry = lines[std::min(index, last)];
  return {file, entry.first + std::max(index - last, 0), column + entry.second};
}

LineMap LineMap::identity(std::shared_ptr<const std::string> file) { return {std::move(file), {}}; }

namespace {

/// Deeper nesting is an error rather than a stack overflow. So is an
/// expression tree taller than kMaxHeight: `a or b or ...` nests to the left,
/// and every pass over the tree recurses.
constexpr int kMaxNesting = 200;
constexpr int kMaxHeight = 2000;

/// Binary operator levels, loosest first.
enum Level { OrLevel, AndLevel, ComparisonLevel, AdditiveLevel, MultiplicativeLevel };


/// String operators that also come negated (`!has`) and case-sensitive (`has_cs`).
const std::set<std::string> kStringOperators = {
    "has",      "has_cs",      "hasprefix",  "hasprefix_cs",  "hassuffix", "hassuffix_cs",
    "contains", "contains_cs", "startswith", "startswith_cs", "endswith",  "endswith_cs",
};

/// Words that are never a bare name (Kusto wants ['in'] for a column called in).
bool isReservedWord(const std::string &word) {
  return kStringOperators.count(word) || word == "and" || word == "or" || word == "in" ||
         word == "between" || word == "has_any" || word == "has_all" || word == "by";
}

/// Operators that can begin a tabular expression instead of a table name.
const std::set<std::string> kSourceOperators = {
    "union", "datatable", "externaldata", "external_data", "print",
    "range", "find",      "search",       "evaluate",
};

/// `datetime(...)` text: `2024-01-01`, `2024/1/1 10`, `2024-01-01 10:00`,
/// `2024-01-01T10:00:00.5Z`, `...+02:00`. Missing parts are zero; the text is
/// padded to the full form parseTimestamp reads.
bool parseDateTime(std::string_view text, int64_t &nanos) {
  size_t i = 0;
  auto field = [&](int &out, size_t maxDigits) {
    const size_t start = i;
    for (out = 0; i < text.size() && i - start < maxDigits &&
                  std::isdigit(static_cast<unsigned char>(text[i]));
         ++i)
      out = out * 10 + (text[i] - '0');
    return i > start;
  };
  auto eat = [&](std::string_view chars) {
    if (i >= text.size() || chars.find(text[i]) == std::string_view::npos)
      return false;
    ++i;
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!field(year, 4) || i != 4 || !eat("-/") || !field(month, 2) || !eat("-/") || !field(day, 2))
    return false;
  if (eat(" Tt")) {
    if (!field(hour, 2))
      return false;
    if (eat(":") && (!field(minute, 2) || (eat(":") && !field(second, 2))))
      return false;
  }
  char full[32];
  std::snprintf(full, sizeof full, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute,
                second);
  return parseTimestamp(std::string(full) + std::string(text.substr(i)), nanos);
}

/// Digits with an optional fraction, nothing else.
bool parseDecimal(std::string_view s, double &out) {
  if (s.empty() || s[0] == '-')
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::fixed);
  return ec == std::errc() && end == s.data() + s.size();
}

/// `timespan(...)` text: `1d`, `1.5 hours`, `2` (days), `hh:mm[:ss[.f]]` or `d.hh:mm:ss[.f]`.
bool parseTimespanText(std::string_view text, int64_t &nanos) {
  constexpr double kSecond = 1e9, kDay = 86400 * kSecond;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative)
    text.remove_prefix(1);
  double value = 0;
  if (text.find(':') != std::string_view::npos) {
    double days = 0, hours = 0, minutes = 0, seconds = 0;
    const size_t c1 = text.find(':');
    std::string_view head = text.substr(0, c1), rest = text.substr(c1 + 1);
    if (const size_t dot = head.find('.'); dot != std::string_view::npos) {
      if (!parseDecimal(head.substr(0, dot), days))
        return false;
      head.remove_prefix(dot + 1);
    }
    const size_t c2 = rest.find(':');
    if (!parseDecimal(head, hours) || !parseDecimal(rest.substr(0, c2), minutes) ||
        (c2 != std::string_view::npos && !parseDecimal(rest.substr(c2 + 1), seconds)))
      return false;
    value = days * kDay + ((hours * 60 + minutes) * 60 + seconds) * kSecond;
  } else {
    size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
      ++end;
    double number = 0;
    if (!parseDecimal(text.substr(0, end), number))
      return false;
    std::string_view unit = text.substr(end);
    while (!unit.empty() && unit[0] == ' ')
      unit.remove_prefix(1);
    const int64_t unitNanos = unit.empty() ? static_cast<int64_t>(kDay) : timespanUnitNanos(unit);
    if (unitNanos == 0)
      return false;
    value = number * static_cast<double>(unitNanos);
  }
  if (!(value < 9.2e18))
    return false;
  nanos = static_cast<int64_t>(value + 0.5) * (negative ? -1 : 1);
  return true;
}

/// 8-4-4-4-12 hex digits.
bool isGuidText(std::string_view s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
      return false;
  }
  return true;
}

class Parser {
public:
  Parser(std::vector<Token> tokens, std::string_view text, const LineMap &map,
         DiagnosticEngine &diags)
      : toks_(std::move(tokens)), text_(text), map_(map), diags_(diags) {}

  std::unique_ptr<Query> parse();

private:
  /// Adds levels to a depth counter for as long as a parse function runs.
  class Depth {
  public:
    explicit Depth(int &counter) : counter_(counter) {}
    ~Depth() { counter_ -= added_; }
    /// The counter after one more level.
    int add() {
      ++added_;
      return ++counter_;
    }

  private:
    int &counter_;
    int added_ = 0;
  };

  // Tokens.
  const Token &peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token &next() {
    const Token &t = peek();
    pos_ = std::min(pos_ + 1, toks_.size() - 1);
    return t;
  }
  void skip(size_t n) { pos_ = std::min(pos_ + n, toks_.size() - 1); }
  bool atWord(std::string_view word, size_t k = 0) const {
    const Token &t = peek(k);
    return t.kind == TokenKind::Identifier && !t.bracketed && asciiLower(t.text) == word;
  }
  bool atPunct(std::string_view p, size_t k = 0) const { return peek(k).isPunct(p); }
  bool eatWord(std::string_view word) {
    if (!atWord(word))
      return false;
    next();
    return true;
  }
  bool eatPunct(std::string_view p) {
    if (!atPunct(p))
      return false;
    next();
    return true;
  }
  bool atName() const { return peek().kind == TokenKind::Identifier; }
  /// What may follow a whole operator: the next `|`, the end of a let, of a
  /// parenthesized sub-query or of the query.
  bool atOperatorEnd() const { return atOperatorEndAt(0); }
  bool atOperatorEndAt(size_t k) const {
    return atPunct("|", k) || atPunct(";", k) || atPunct(")", k) || peek(k).kind == TokenKind::End ||
           (functionBodies_ > 0 && atPunct("}", k)); // a let function's body ends at its '}'
  }
  int functionBodies_ = 0; ///< let function bodies being parsed

  SourceLocation loc(const Token &t) const { return map_.at(t.line, t.column); }
  std::string describe(const Token &t) const;
  bool error(const Token &t, const std::string &message) {
    diags_.error(DiagCode::KqlSyntax, loc(t), message);
    return false;
  }
  bool expected(const std::string &what) {
    return error(peek(), "expected " + what + ", found " + describe(peek()));
  }
  /// The same, for functions that return a node.
  std::nullptr_t fail(const Token &t, const std::string &message) {
    error(t, message);
    return nullptr;
  }
  std::nullptr_t failExpected(const std::string &what) {
    expected(what);
    return nullptr;
  }
  bool expectPunct(std::string_view p, const std::string &context) {
    return eatPunct(p) || expected("'" + std::string(p) + "' " + context);
  }
  std::nullptr_t tooDeep() {
    return fail(peek(), depth_ > kMaxNesting ? "expression nested too deeply (more than " +
                                                   std::to_string(kMaxNesting) + " levels)"
                                             : "expression too long (more than " +
                                                   std::to_string(kMaxHeight) + " operators deep)");
  }
  /// The query text from token `from` up to (not including) token `to`.
  std::string textOf(size_t from, size_t to) const;
  bool skipBracket();
  bool closes();

  // Lookahead over balanced brackets.
  size_t skipBalanced(size_t i) const;
  bool hasTopLevelPipe(size_t i) const;
  bool isSourceOperator(size_t i) const;
  bool startsTabular(size_t i, bool bareNameIsTable) const;
  bool isFunctionDefinition(size_t i) const;
  bool hasTupleAssignment(size_t i) const;

  // Statements and tabular expressions.
  bool parseLet(Query &q);
  std::unique_ptr<TabularExpr> parseTabular();
  bool parsePipeline(TabularExpr &t);
  bool parseSource(TabularExpr &t);
  bool parseOperator(TabularExpr &t);
  bool parseFullOperator(Operator &op);
  bool parseGeneric(Operator &op);
  bool parseSourceOperator(Operator &op);
  bool parseOperatorOptions(Operator &op, std::initializer_list<const char *> names);
  bool parseUnion(Operator &op);
  bool parseMvExpand(Operator &op);
  bool parseMvApply(Operator &op);
  bool parseJoin(Operator &op);
  bool parseParse(Operator &op);
  bool parseFunction(LetStmt &let);
  bool parseAssignments(std::vector<Assignment> &out, bool allowStar);
  bool parseColumnNames(std::vector<std::string> &out, std::vector<std::string> *orders);
  bool parseEvaluate(Operator &op);
  bool parseKeyValues(Operator &op);
  bool parseSortKeys(Operator &op, bool single);
  bool parseRowCount(Operator &op);

  // Expressions, lowest precedence first.
  ExprPtr parseExpr() { return parseBinary(OrLevel); }
  ExprPtr parseBinary(int level);
  ExprPtr parseUnary();
  ExprPtr parsePostfix();
  ExprPtr parsePrimary();
  size_t matchOperator(int level, std::string &op, Expr::Kind &kind) const;
  size_t matchComparison(std::string &op, Expr::Kind &kind) const;
  bool parseInOperands(Expr &e);
  bool parseBetweenOperands(Expr &e);
  ExprPtr parseCall();
  ExprPtr parseDynamic();
  ExprPtr parseDynamicValue();
  ExprPtr parseTextLiteral();
  ExprPtr parseTypedLiteral();

  ExprPtr make(Expr::Kind kind, const Token &t) const {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = loc(t);
    return e;
  }
  ExprPtr makeLiteral(Literal::Type type, Scalar value, const Token &t) const {
    ExprPtr e = make(Expr::Literal, t);
    e->literal = {type, std::move(value)};
    return e;
  }
  /// `lhs op ...` at the operator token `t`, waiting for its other operands.
  ExprPtr makeOperation(Expr::Kind kind, ExprPtr lhs, std::string op, const Token &t) const {
    ExprPtr e = make(kind, t);
    e->op = std::move(op);
    e->operands.push_back(std::move(lhs));
    return e;
  }
  /// Adds a parsed operand; false if parsing it failed.
  static bool append(Expr &e, ExprPtr operand) {
    if (!operand)
      return false;
    e.operands.push_back(std::move(operand));
    return true;
  }

  std::vector<Token> toks_;
  std::string_view text_;
  const LineMap &map_;
  DiagnosticEngine &diags_;
  size_t pos_ = 0;
  int depth_ = 0;  ///< syntactic nesting: parentheses, calls, unary signs
  int height_ = 0; ///< a bound on the height of the expression tree being built
};

std::string Parser::describe(const Token &t) const {
  if (t.kind == TokenKind::End)
    return "end of query";
  std::string_view s = text_.substr(t.offset, t.length);
  s = s.substr(0, s.find('\n'));
  if (s.size() > 40)
    return "'" + std::string(s.substr(0, 37)) + "...'";
  return "'" + std::string(s) + "'";
}

std::string Parser::textOf(size_t from, size_t to) const {
  if (from >= to)
    return "";
  const size_t begin = toks_[from].offset, end = toks_[to - 1].offset + toks_[to - 1].length;
  return std::string(text_.substr(begin, end - begin));
}

bool isOpener(const Token &t) { return t.isPunct("(") || t.isPunct("[") || t.isPunct("{"); }
bool isCloser(const Token &t) { return t.isPunct(")") || t.isPunct("]") || t.isPunct("}"); }

std::string closerOf(const Token &opener) {
  return opener.isPunct("(") ? ")" : opener.isPunct("[") ? "]" : "}";
}

/// Moves past the bracket at the current token and everything up to its
/// closing bracket, for text kept raw; false if it is never closed or
/// closed by the wrong kind.
/// Whether the bracket at the cursor is closed (else the error says where it
/// opened, which says more than where its contents stop parsing).
bool Parser::closes() {
  const size_t at = pos_;
  const bool ok = skipBracket();
  pos_ = at;
  return ok;
}

bool Parser::skipBracket() {
  std::vector<size_t> open;
  do {
    const Token &t = peek();
    if (t.kind == TokenKind::End)
      return error(toks_[open.back()], "'" + toks_[open.back()].text + "' is never closed");
    if (isOpener(t)) {
      open.push_back(pos_);
    } else if (isCloser(t)) {
      const std::string closer = closerOf(toks_[open.back()]);
      if (t.text != closer)
        return error(t, "expected '" + closer + "' to close '" + toks_[open.back()].text +
                            "', found '" + t.text + "'");
      open.pop_back();
    }
    next();
  } while (!open.empty());
  return true;
}

//===----------------------------------------------------------------------===//
// Lookahead
//===----------------------------------------------------------------------===//

/// From an opening bracket: the index just past its closing one (or of End).
size_t Parser::skipBalanced(size_t i) const {
  int depth = 0;
  for (; toks_[i].kind != TokenKind::End; ++i) {
    depth += isOpener(toks_[i]) ? 1 : isCloser(toks_[i]) ? -1 : 0;
    if (depth == 0)
      return i + 1;
  }
  return i;
}

/// Whether a `|` follows before the statement or the enclosing bracket ends.
bool Parser::hasTopLevelPipe(size_t i) const {
  for (int depth = 0; toks_[i].kind != TokenKind::End; ++i) {
    const Token &t = toks_[i];
    if (depth == 0 && t.isPunct("|"))
      return true;
    if (depth == 0 && (t.isPunct(";") || isCloser(t)))
      return false;
    depth += isOpener(t) ? 1 : isCloser(t) ? -1 : 0;
  }
  return false;
}

bool Parser::isSourceOperator(size_t i) const {
  const Token &t = toks_[i], &after = toks_[std::min(i + 1, toks_.size() - 1)];
  if (t.kind != TokenKind::Identifier || t.bracketed || !kSourceOperators.count(asciiLower(t.text)))
    return false;
  return !(after.isPunct("|") || after.isPunct(";") || after.isPunct(")") || after.isPunct(",") ||
           after.kind == TokenKind::End);
}

/// Whether a tabular expression (rather than a scalar one) starts at `i`:
/// there is a top-level `|`, possibly inside leading parentheses, or it
/// starts with union, datatable, materialize(...) and the like. A let may
/// also name a table alone (`let T = SigninLogs;`).
bool Parser::startsTabular(size_t i, bool bareNameIsTable) const {
  size_t j = i;
  // Deeper parentheses fail as too deep anyway; the cap keeps this linear.
  for (int level = 0; level <= kMaxNesting; ++level, ++j) {
    if (hasTopLevelPipe(j))
      return true;
    if (!toks_[j].isPunct("("))
      break;
  }
  const Token &t = toks_[j], &after = toks_[std::min(j + 1, toks_.size() - 1)];
  if (isSourceOperator(j) ||
      (t.kind == TokenKind::Identifier && asciiLower(t.text) == "materialize" && after.isPunct("(")))
    return true;
  return bareNameIsTable && j == i && t.kind == TokenKind::Identifier &&
         (after.isPunct(";") || after.kind == TokenKind::End);
}

/// `(params) { body }`, or `view (params) { body }`.
bool Parser::isFunctionDefinition(size_t i) const {
  if (toks_[i].kind == TokenKind::Identifier && asciiLower(toks_[i].text) == "view")
    ++i;
  return toks_[i].isPunct("(") && toks_[skipBalanced(i)].isPunct("{");
}

/// `extend (A, B) = f(...)`: names a tuple, which rulec keeps generic.
bool Parser::hasTupleAssignment(size_t i) const {
  for (int depth = 0; toks_[i].kind != TokenKind::End; ++i) {
    const Token &t = toks_[i];
    if (depth == 0 && (t.isPunct("|") || t.isPunct(";") || t.isPunct(")")))
      return false;
    depth += isOpener(t) ? 1 : isCloser(t) ? -1 : 0;
    if (depth == 0 && t.isPunct(")") && toks_[i + 1].isPunct("="))
      return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Statements and tabular expressions
//===----------------------------------------------------------------------===//

std::unique_ptr<Query> Parser::parse() {
  auto query = std::make_unique<Query>();
  while (atWord("let"))
    if (!parseLet(*query))
      return nullptr;
  if (peek().kind == TokenKind::End) {
    expected("a tabular expression");
    return nullptr;
  }
  query->body = parseTabular();
  if (!query->body)
    return nullptr;
  eatPunct(";");
  if (peek().kind != TokenKind::End) {
    expected("the end of the query");
    return nullptr;
  }
  return query;
}

bool Parser::parseLet(Query &q) {
  next(); // let
  if (!atName())
    return expected("a name after 'let'");
  LetStmt let;
  let.name = peek().text;
  let.loc = loc(next());
  if (!expectPunct("=", "after 'let " + let.name + "'"))
    return false;
  if (isFunctionDefinition(pos_)) {
    const size_t start = pos_;
    if (!parseFunction(let))
      return false;
    let.rawBody = textOf(start, pos_);
  } else if (startsTabular(pos_, true)) {
    if (!(let.table = parseTabular()))
      return false;
  } else if (!(let.scalar = parseExpr())) {
    return false;
  }
  if (!expectPunct(";", "after the let statement"))
    return false;
  q.lets.push_back(std::move(let));
  return true;
}

/// `[view] ([name: type [= default], ...]) { [let ...;] body }`; a tabular
/// parameter's type is `(*)` or `(col: type, ...)`.
bool Parser::parseFunction(LetStmt &let) {
  let.function = true;
  eatWord("view");
  if (atPunct("(") && !closes())
    return false;
  if (!expectPunct("(", "to open the function's parameters"))
    return false;
  while (!atPunct(")")) {
    LetStmt::Param param;
    if (!atName())
      return expected("a parameter name");
    param.name = next().text;
    if (!expectPunct(":", "after the parameter name"))
      return false;
    if (atPunct("(")) {
      if (!skipBracket())
        return false;
      param.type = "table";
    } else if (atName()) {
      param.type = asciiLower(next().text);
    } else {
      return expected("a parameter type");
    }
    if (eatPunct("=") && !(param.defaultValue = parseExpr()))
      return false;
    let.params.push_back(std::move(param));
    if (!eatPunct(","))
      break;
  }
  if (!expectPunct(")", "to close the function's parameters") || (atPunct("{") && !closes()) ||
      !expectPunct("{", "to open the function's body"))
    return false;
  ++functionBodies_;
  struct Leave {
    int &n;
    ~Leave() { --n; }
  } leave{functionBodies_};
  Query inner;
  while (atWord("let"))
    if (!parseLet(inner))
      return false;
  let.bodyLets = std::move(inner.lets);
  if (startsTabular(pos_, false)) {
    if (!(let.table = parseTabular()))
      return false;
  } else if (!(let.scalar = parseExpr())) {
    return false;
  }
  eatPunct(";");
  return expectPunct("}", "to close the function's body");
}

std::unique_ptr<TabularExpr> Parser::parseTabular() {
  auto t = std::make_unique<TabularExpr>();
  t->loc = loc(peek());
  if (!parsePipeline(*t))
    return nullptr;
  return t;
}

bool Parser::parsePipeline(TabularExpr &t) {
  if (!parseSource(t))
    return false;
  while (eatPunct("|"))
    if (!parseOperator(t))
      return false;
  return true;
}

/// A table name, a call (`table("X")`, a watchlist or parser function), a
/// parenthesized pipeline or materialize(pipeline) (whose operators continue
/// the outer one), or an operator that makes rows (union, datatable, ...).
bool Parser::parseSource(TabularExpr &t) {
  Depth nesting(depth_);
  if (nesting.add() > kMaxNesting) {
    tooDeep();
    return false;
  }
  const Token &first = peek();
  const bool materialize = atWord("materialize") && atPunct("(", 1);
  if (first.isPunct("(") || materialize) {
    skip(materialize ? 2 : 1);
    return parsePipeline(t) && expectPunct(")", "to close the tabular expression");
  }
  if (isSourceOperator(pos_)) {
    Operator op;
    op.name = asciiLower(first.text);
    op.loc = t.loc = loc(next());
    if (!parseSourceOperator(op))
      return false;
    t.ops.push_back(std::move(op));
    return true;
  }
  if (!atName())
    return expected("a table name");
  const size_t start = pos_;
  if (atPunct("(", 1) && !peek().bracketed) { // f("x"), table("X"): a call, unless .Table follows
    const size_t end = skipBalanced(pos_ + 1);
    if (!toks_[end].isPunct(".")) {
      skip(1);
      const bool closed = closes(); // an unclosed '(' says where it opened
      pos_ = start;
      if (!closed)
        return false;
      t.loc = loc(peek());
      if (!(t.sourceCall = parseExpr()))
        return false;
      if (t.sourceCall->kind != Expr::Call)
        return error(toks_[start], "expected a table or a call");
      t.source = textOf(start, pos_);
      return true;
    }
  }
  t.loc = loc(next());
  // database("db").Table and function calls keep their text.
  for (;;) {
    if (atPunct("(")) {
      if (!skipBracket())
        return false;
    } else if (atPunct(".") && peek(1).kind == TokenKind::Identifier) {
      skip(2);
    } else {
      break;
    }
  }
  t.source = pos_ == start + 1 ? first.text : textOf(start, pos_);
  return true;
}

bool Parser::parseOperator(TabularExpr &t) {
  if (!atName() || peek().bracketed)
    return expected("an operator name after '|'");
  Operator op;
  op.loc = loc(peek());
  op.name = asciiLower(next().text);
  // project-away, mv-expand, ...: one name when its pieces touch.
  while (atPunct("-") && peek().adjacent && peek(1).kind == TokenKind::Identifier &&
         peek(1).adjacent) {
    op.name += "-" + asciiLower(peek(1).text);
    skip(2);
  }
  if (!parseFullOperator(op))
    return false;
  if (!op.generic && !atOperatorEnd())
    return expected("'|' or the end of the query after the '" + op.name + "' operator");
  t.ops.push_back(std::move(op));
  return true;
}

/// The operators rulec reads in full; any other, and forms of these that
/// rulec does not model (tuples, computed row counts, hints), stay generic.
bool Parser::parseFullOperator(Operator &op) {
  const std::string &n = op.name;
  const bool hint = atName() && atPunct(".", 1) && asciiLower(peek().text).rfind("hint", 0) == 0;
  const bool tuple =
      (n == "extend" || n == "project" || n == "summarize") && hasTupleAssignment(pos_);
  // A row count that is not one number (`take n`, `take 1 + 1`), `count as N`.
  const bool rows = n == "take" || n == "limit" || n == "top";
  const bool computedCount =
      rows && !atOperatorEnd() &&
      !(peek().kind == TokenKind::Integer && (n == "top" ? atWord("by", 1) : atOperatorEndAt(1)));
  if (hint || tuple || computedCount || (n == "count" && !atOperatorEnd())) {
    op.genericForm = hint            ? "a query hint"
                     : tuple         ? "a tuple assignment ('(a, b) = f(...)')"
                     : computedCount ? "a computed row count"
                                     : "'count' with arguments";
    return parseGeneric(op);
  }
  if (n == "evaluate" && atName() && atPunct("(", 1))
    return parseEvaluate(op);
  if (n == "where")
    return (op.predicate = parseExpr()) != nullptr;
  if (n == "extend" || n == "project")
    return parseAssignments(op.assignments, false);
  if (n == "project-away" || n == "project-keep")
    return parseColumnNames(op.columns, nullptr);
  if (n == "project-by-names")
    return parseAssignments(op.assignments, false);
  if (n == "project-reorder")
    return parseColumnNames(op.columns, &op.columnOrders);
  if (n == "project-rename") {
    const Token &first = peek();
    if (!parseAssignments(op.assignments, false))
      return false;
    for (const Assignment &a : op.assignments)
      if (a.name.empty() || a.value->kind != Expr::Name)
        return error(first, "expected 'NewName = ExistingName' in project-rename");
    return true;
  }
  if (n == "distinct")
    return parseAssignments(op.by, true);
  if (n == "take" || n == "limit")
    return parseRowCount(op);
  if (n == "summarize") {
    if (!atWord("by") && !parseAssignments(op.assignments, false))
      return false;
    return !eatWord("by") || parseAssignments(op.by, false);
  }
  if (n == "sort" || n == "order")
    return (eatWord("by") || expected("'by' after '" + n + "'")) && parseSortKeys(op, false);
  if (n == "top")
    return parseRowCount(op) && (eatWord("by") || expected("'by' after 'top N'")) &&
           parseSortKeys(op, true);
  if (n == "count")
    return true;
  if (n == "union")
    return parseUnion(op);
  if (n == "mv-expand" || n == "mvexpand")
    return parseMvExpand(op);
  if (n == "mv-apply")
    return parseMvApply(op);
  if (n == "join" || n == "lookup")
    return parseJoin(op);
  if (n == "parse" || n == "parse-where")
    return parseParse(op);
  if (n == "parse-kv")
    return parseKeyValues(op);
  return parseGeneric(op);
}

/// `parse [kind=simple|regex|relaxed] [flags=f] Expr with * "text" Col [: type] ... *`.
bool Parser::parseParse(Operator &op) {
  if (!parseOperatorOptions(op, {"kind", "flags"}))
    return false;
  if (!(op.subject = parseExpr()))
    return false;
  if (!eatWord("with"))
    return expected("'with' and the pattern after the expression to parse");
  while (!atOperatorEnd() && !isCloser(peek())) {
    ParsePiece piece;
    piece.loc = loc(peek());
    if (atPunct("*")) {
      next();
    } else if (peek().kind == TokenKind::String) {
      piece.kind = ParsePiece::Text;
      piece.text = next().text;
    } else if (atName()) {
      piece.kind = ParsePiece::Column;
      piece.text = next().text;
      if (eatPunct(":")) {
        if (!atName())
          return expected("a column type after ':'");
        piece.type = asciiLower(next().text);
      }
    } else {
      return expected("'*', a string or a column name in the parse pattern");
    }
    op.pattern.push_back(std::move(piece));
  }
  if (op.pattern.empty())
    return expected("a pattern after 'with'");
  return true;
}

/// `parse-kv Expr as (Col [: type], ...) [with (option = value, ...)]`: the
/// columns in `columns` / `columnTypes`, the options in `assignments`.
bool Parser::parseKeyValues(Operator &op) {
  if (!(op.subject = parseExpr()))
    return false;
  if (!eatWord("as"))
    return expected("'as' and the columns after the expression to parse");
  if (!expectPunct("(", "to open the columns"))
    return false;
  do {
    if (!atName())
      return expected("a column name");
    op.columns.push_back(next().text);
    std::string type;
    if (eatPunct(":")) {
      if (!atName())
        return expected("a column type");
      type = asciiLower(next().text);
    }
    op.columnTypes.push_back(type);
  } while (eatPunct(","));
  if (!expectPunct(")", "to close the columns"))
    return false;
  if (!eatWord("with"))
    return true;
  return expectPunct("(", "to open the options") && parseAssignments(op.assignments, false) &&
         expectPunct(")", "to close the options");
}

/// `name=value` options before an operator's arguments (`kind=inner`,
/// `withsource=T`, `hint.strategy=shuffle`): value as written, lower case
/// for kinds. Hints are read and ignored, as Kusto's results do not depend
/// on them.
bool Parser::parseOperatorOptions(Operator &op, std::initializer_list<const char *> names) {
  for (;;) {
    if (!atName())
      return true;
    std::string name = asciiLower(peek().text);
    size_t ahead = 1;
    while (atPunct(".", ahead) && peek(ahead + 1).kind == TokenKind::Identifier) { // hint.strategy
      name += "." + asciiLower(peek(ahead + 1).text);
      ahead += 2;
    }
    if (!atPunct("=", ahead))
      return true;
    const bool hint = name.rfind("hint.", 0) == 0;
    bool known = hint;
    for (const char *n : names)
      known |= name == n;
    if (!known)
      return true; // `Name = expr` of mv-expand, not an option
    skip(ahead + 1);
    if (peek().kind == TokenKind::End)
      return expected("a value after '" + name + "='");
    const std::string value = next().text;
    if (name == "kind" || name == "bagexpansion")
      op.kind = asciiLower(value);
    else if (name == "withsource" || name == "with_itemindex")
      op.withSource = value;
    else if (name == "isfuzzy" && asciiLower(value) != "true" && asciiLower(value) != "false")
      return expected("true or false after 'isfuzzy='");
  }
}

/// `union [options] T, (sub-query), ...` (a table name may hold `*`).
bool Parser::parseUnion(Operator &op) {
  if (!parseOperatorOptions(op, {"kind", "withsource", "isfuzzy"}))
    return false;
  do {
    auto t = std::make_unique<TabularExpr>();
    t->loc = loc(peek());
    if (atPunct("(")) {
      if (!closes())
        return false;
      next();
      if (!parsePipeline(*t) || !expectPunct(")", "to close the union's sub-query"))
        return false;
    } else if (atName() && atPunct("(", 1)) { // a function call: f("x")
      if (!parseSource(*t))
        return false;
    } else if (atName()) {
      std::string name = next().text;
      while (atPunct("*") && peek().adjacent) { // Security*: a pattern of table names
        name += "*";
        next();
        if (atName() && peek().adjacent)
          name += next().text;
      }
      t->source = name;
    } else {
      return expected("a table or a parenthesized query in 'union'");
    }
    op.tables.push_back(std::move(t));
  } while (eatPunct(","));
  return true;
}

/// `mv-expand [kind=bag|array] [with_itemindex=I] [Name =] Expr [to typeof(T)], ... [limit N]`.
bool Parser::parseMvExpand(Operator &op) {
  op.count = -1;
  if (!parseOperatorOptions(op, {"kind", "bagexpansion", "with_itemindex"}))
    return false;
  do {
    Assignment a;
    if (atName() && atPunct("=", 1)) {
      a.name = peek().text;
      a.nameLoc = loc(next());
      next();
    }
    if (!(a.value = parseExpr()))
      return false;
    std::string type;
    if (eatWord("to")) {
      if (!(atWord("typeof") && atPunct("(", 1)))
        return expected("'typeof(type)' after 'to'");
      skip(2);
      if (!atName())
        return expected("a type in typeof()");
      type = asciiLower(next().text);
      if (!expectPunct(")", "to close typeof("))
        return false;
    }
    op.assignments.push_back(std::move(a));
    op.columnTypes.push_back(type);
  } while (eatPunct(","));
  if (eatWord("limit")) {
    if (peek().kind != TokenKind::Integer)
      return expected("a row count after 'limit'");
    op.count = next().intValue;
  }
  return true;
}

/// `mv-apply <mv-expand's arguments> on (operators)`: the sub-query has no
/// source; it runs over each row's expanded values.
bool Parser::parseMvApply(Operator &op) {
  if (!parseMvExpand(op))
    return false;
  if (!eatWord("on"))
    return expected("'on' and the sub-query of 'mv-apply'");
  if (atPunct("(") && !closes())
    return false;
  if (!expectPunct("(", "before the sub-query of 'mv-apply'"))
    return false;
  auto sub = std::make_unique<TabularExpr>();
  sub->loc = loc(peek());
  do {
    if (!parseOperator(*sub))
      return false;
  } while (eatPunct("|"));
  op.tables.push_back(std::move(sub));
  return expectPunct(")", "to close the sub-query of 'mv-apply'");
}

/// `join [kind=K] [hints] Right on Conditions` (and `lookup`): Right is a
/// table or let name, or a parenthesized query.
bool Parser::parseJoin(Operator &op) {
  if (!parseOperatorOptions(op, {"kind"}))
    return false;
  auto t = std::make_unique<TabularExpr>();
  t->loc = loc(peek());
  if (atPunct("(")) {
    if (!closes())
      return false;
    next();
    if (!parsePipeline(*t) || !expectPunct(")", "to close the " + op.name + "'s right side"))
      return false;
  } else if (atName()) {
    t->source = next().text;
  } else {
    return expected("the right side of '" + op.name + "': a table or a parenthesized query");
  }
  op.tables.push_back(std::move(t));
  if (!eatWord("on"))
    return expected("'on' and the " + op.name + "'s keys");
  ExprPtr all;
  do {
    ExprPtr c = parseExpr();
    if (!c)
      return false;
    if (!all) {
      all = std::move(c);
    } else {
      auto both = std::make_unique<Expr>();
      both->kind = Expr::Binary;
      both->op = "and";
      both->loc = all->loc;
      both->operands.push_back(std::move(all));
      both->operands.push_back(std::move(c));
      all = std::move(both);
    }
  } while (eatPunct(","));
  op.on = std::move(all);
  return true;
}

/// `print [name =] expr, ...`, `datatable (name: type, ...) [cell, ...]`,
/// `range name from e to e step e`; other sources stay generic.
bool Parser::parseSourceOperator(Operator &op) {
  if (op.name == "union")
    return parseUnion(op);
  if (op.name == "print")
    return atOperatorEnd() || parseAssignments(op.assignments, false);
  if (op.name == "range") {
    if (!atName())
      return expected("the column name after 'range'");
    op.columns.push_back(next().text);
    for (const char *word : {"from", "to", "step"}) {
      if (!eatWord(word))
        return expected(std::string("'") + word + "' in 'range'");
      ExprPtr e = parseExpr();
      if (!e)
        return false;
      op.values.push_back(std::move(e));
    }
    return true;
  }
  if (op.name == "datatable") {
    if (!expectPunct("(", "after 'datatable'"))
      return false;
    do {
      if (!atName())
        return expected("a column name in the datatable schema");
      op.columns.push_back(next().text);
      if (!expectPunct(":", "after the column name") )
        return false;
      if (!atName())
        return expected("a column type");
      op.columnTypes.push_back(asciiLower(next().text));
    } while (eatPunct(","));
    if (!expectPunct(")", "to close the datatable schema"))
      return false;
    if (peek().kind == TokenKind::Identifier && peek().bracketed) { // ["x"]: one string, lexed as a ['name']
      const Token &t = next();
      op.values.push_back(makeLiteral(Literal::String, Scalar::makeString(t.text), t));
      return true;
    }
    if (!expectPunct("[", "before the datatable's values"))
      return false;
    while (!atPunct("]")) {
      ExprPtr e = parseExpr();
      if (!e)
        return false;
      op.values.push_back(std::move(e));
      if (!eatPunct(","))
        break;
    }
    return expectPunct("]", "to close the datatable's values");
  }
  return parseGeneric(op);
}

/// The text up to the next `|` (or `;`, or the `)` that closes an enclosing
/// sub-query) outside brackets; strings are single tokens already.
bool Parser::parseGeneric(Operator &op) {
  op.generic = true;
  const size_t start = pos_;
  while (!atOperatorEnd() && !isCloser(peek())) {
    if (!isOpener(peek()))
      next();
    else if (!skipBracket())
      return false;
  }
  op.rawArgs = textOf(start, pos_);
  return true;
}

/// `evaluate plugin([name =] arg, ...) [: (Column: type, ..., *)]`: the
/// plugin in `kind`, its arguments in `assignments`, an output schema in
/// `columns` / `columnTypes` ("*" for the other columns).
bool Parser::parseEvaluate(Operator &op) {
  op.kind = asciiLower(next().text);
  next(); // (
  if (!atPunct(")") && !parseAssignments(op.assignments, false))
    return false;
  if (!expectPunct(")", "to close the arguments of " + op.kind))
    return false;
  if (!eatPunct(":"))
    return true;
  if (!expectPunct("(", "to open the output schema"))
    return false;
  do {
    if (eatPunct("*")) {
      op.columns.push_back("*");
      op.columnTypes.push_back("");
      continue;
    }
    if (!atName())
      return expected("a column name in the output schema");
    op.columns.push_back(next().text);
    if (!expectPunct(":", "after the column name"))
      return false;
    if (!atName())
      return expected("a column type");
    op.columnTypes.push_back(asciiLower(next().text));
  } while (eatPunct(","));
  return expectPunct(")", "to close the output schema");
}

/// `[name =] expr {, [name =] expr}`.
bool Parser::parseAssignments(std::vector<Assignment> &out, bool allowStar) {
  do {
    Assignment a;
    if (atName() && atPunct("=", 1)) {
      a.name = peek().text;
      a.nameLoc = loc(next());
      next();
    }
    if (allowStar && a.name.empty() && atPunct("*")) {
      a.value = make(Expr::Star, next());
    } else if (!(a.value = parseExpr())) {
      return false;
    }
    out.push_back(std::move(a));
  } while (eatPunct(","));
  return true;
}

/// Column names of project-away/project-keep/project-reorder; `Prefix*`
/// wildcards stay as written. With `orders`, each name may be followed by
/// asc, desc, granny-asc or granny-desc.
bool Parser::parseColumnNames(std::vector<std::string> &out, std::vector<std::string> *orders) {
  do {
    std::string name;
    for (bool first = true; (atName() || atPunct("*")) && (first || peek().adjacent); first = false)
      name += next().text;
    if (name.empty())
      return expected("a column name");
    out.push_back(std::move(name));
    if (orders) {
      std::string order;
      if (atWord("asc") || atWord("desc")) {
        order = asciiLower(next().text);
      } else if (atWord("granny") && atPunct("-", 1) && (atWord("asc", 2) || atWord("desc", 2))) {
        skip(2);
        order = "granny-" + asciiLower(next().text);
      }
      orders->push_back(order);
    }
  } while (eatPunct(","));
  return true;
}

/// `expr [asc|desc] [nulls first|last]`, descending unless `asc`.
bool Parser::parseSortKeys(Operator &op, bool single) {
  do {
    Assignment key;
    if (!(key.value = parseExpr()))
      return false;
    const bool ascending = eatWord("asc");
    if (!ascending)
      eatWord("desc");
    uint8_t nulls = 0;
    if (eatWord("nulls")) {
      if (eatWord("first"))
        nulls = 1;
      else if (eatWord("last"))
        nulls = 2;
      else
        return expected("'first' or 'last' after 'nulls'");
    }
    op.by.push_back(std::move(key));
    op.descending.push_back(!ascending);
    op.nulls.push_back(nulls);
  } while (!single && eatPunct(","));
  return true;
}

bool Parser::parseRowCount(Operator &op) {
  if (peek().kind != TokenKind::Integer)
    return expected("a row count after '" + op.name + "'");
  op.count = next().intValue;
  return true;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Left-associative: `a op b op c` is `(a op b) op c`.
ExprPtr Parser::parseBinary(int level) {
  if (level > MultiplicativeLevel)
    return parseUnary();
  Depth height(height_);
  ExprPtr lhs = parseBinary(level + 1);
  std::string op;
  Expr::Kind kind;
  while (lhs) {
    const size_t length = matchOperator(level, op, kind);
    if (length == 0)
      break;
    if (height.add() > kMaxHeight)
      return tooDeep();
    lhs = makeOperation(kind, std::move(lhs), op, peek());
    skip(length);
    const bool ok = kind == Expr::In        ? parseInOperands(*lhs)
                    : kind == Expr::Between ? parseBetweenOperands(*lhs)
                                            : append(*lhs, parseBinary(level + 1));
    if (!ok)
      return nullptr;
    if (level == ComparisonLevel) // `a == b == c` is an error in Kusto
      break;
  }
  return lhs;
}

/// The operator of `level` at the current token, if any: its lower-case
/// spelling, its node kind, and how many tokens it spans (0: none).
size_t Parser::matchOperator(int level, std::string &op, Expr::Kind &kind) const {
  kind = Expr::Binary;
  switch (level) {
  case OrLevel:
  case AndLevel: op = level == OrLevel ? "or" : "and"; return atWord(op) ? 1 : 0;
  case ComparisonLevel: return matchComparison(op, kind);
  default: {
    const bool additive = level == AdditiveLevel;
    const Token &t = peek();
    if (t.kind != TokenKind::Punct || t.text.size() != 1 ||
        std::string_view(additive ? "+-" : "*/%").find(t.text[0]) == std::string_view::npos)
      return 0;
    op = t.text;
    return 1;
  }
  }
}

size_t Parser::matchComparison(std::string &op, Expr::Kind &kind) const {
  const Token &t = peek();
  kind = Expr::Binary;
  if (t.kind == TokenKind::Punct) {
    static const std::set<std::string> kSymbols = {"==", "!=", "=~", "!~", "<", "<=", ">", ">="};
    if (kSymbols.count(t.text) || t.text == "<>") {
      op = t.text == "<>" ? "!=" : t.text;
      return 1;
    }
    const Token &word = peek(1);
    if (t.text != "!" || word.kind != TokenKind::Identifier || word.bracketed || !word.adjacent)
      return 0;
    const std::string w = asciiLower(word.text);
    if (kStringOperators.count(w)) {
      op = "!" + w;
      return 2;
    }
    if (w == "between") {
      kind = Expr::Between;
      op = "!between";
      return 2;
    }
    if (w != "in")
      return 0;
    kind = Expr::In;
    const bool tilde = atPunct("~", 2) && peek(2).adjacent;
    op = tilde ? "!in~" : "!in";
    return tilde ? 3 : 2;
  }
  if (t.kind != TokenKind::Identifier || t.bracketed)
    return 0;
  const std::string w = asciiLower(t.text);
  if (kStringOperators.count(w)) {
    op = w;
    return 1;
  }
  if (w == "matches" && atWord("regex", 1)) {
    op = "matches regex";
    return 2;
  }
  if (w == "between") {
    kind = Expr::Between;
    op = w;
    return 1;
  }
  if (w == "has_any" || w == "has_all") {
    kind = Expr::In;
    op = w;
    return 1;
  }
  if (w != "in")
    return 0;
  kind = Expr::In;
  const bool tilde = atPunct("~", 1) && peek(1).adjacent;
  op = tilde ? "in~" : "in";
  return tilde ? 2 : 1;
}

/// `(a, b, ...)`, `(tabular)` or a bare name after in / has_any / ...
bool Parser::parseInOperands(Expr &e) {
  if (!atPunct("("))
    return append(e, parsePostfix());
  next();
  if (startsTabular(pos_, false)) {
    if (!(e.table = parseTabular()))
      return false;
  } else {
    do {
      if (!append(e, parseExpr()))
        return false;
    } while (eatPunct(","));
  }
  return expectPunct(")", "to close the list of '" + e.op + "'");
}

/// `(lo .. hi)`.
bool Parser::parseBetweenOperands(Expr &e) {
  if (!expectPunct("(", "after '" + e.op + "'"))
    return false;
  return append(e, parseBinary(AdditiveLevel)) &&
         expectPunct("..", "between the bounds of '" + e.op + "'") &&
         append(e, parseBinary(AdditiveLevel)) &&
         expectPunct(")", "after the bounds of '" + e.op + "'");
}

/// `-x`; a negated number literal becomes a negative literal.
ExprPtr Parser::parseUnary() {
  Depth nesting(depth_), height(height_);
  if (nesting.add() > kMaxNesting || height.add() > kMaxHeight)
    return tooDeep();
  if (!atPunct("-") && !atPunct("+"))
    return parsePostfix();
  const Token &sign = next();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  const Literal::Type type = operand->literal.type;
  if (operand->kind == Expr::Literal &&
      (type == Literal::Long || type == Literal::Real || type == Literal::TimeSpan)) {
    if (sign.text == "-") {
      Scalar &v = operand->literal.value;
      v.i = static_cast<int64_t>(0 - static_cast<uint64_t>(v.i));
      v.d = -v.d;
    }
    operand->loc = loc(sign);
    return operand;
  }
  return makeOperation(Expr::Unary, std::move(operand), sign.text, sign);
}

/// `.name`, `.['name']`, `.[expr]`, `[index]`, and `["key"]` (lexed as a bracketed name).
ExprPtr Parser::parsePostfix() {
  Depth height(height_);
  ExprPtr e = parsePrimary();
  for (;;) {
    const bool member = atPunct("."), index = atPunct("["), key = atName() && peek().bracketed;
    if (!e || !(member || index || key))
      return e;
    if (height.add() > kMaxHeight)
      return tooDeep();
    if (member && atPunct("[", 1) && !(peek(2).kind == TokenKind::String && atPunct("]", 3))) {
      next(); // a.[expr]: an index by a computed key
      e = makeOperation(Expr::Index, std::move(e), "", next());
      if (!append(*e, parseExpr()) || !expectPunct("]", "after the index"))
        return nullptr;
    } else if (member) {
      next();
      const bool spaced = atPunct("[") && peek(1).kind == TokenKind::String && atPunct("]", 2);
      if (!atName() && !spaced)
        return failExpected("a name after '.'");
      e = makeOperation(Expr::Member, std::move(e), "", peek(spaced ? 1 : 0));
      e->name = peek(spaced ? 1 : 0).text;
      skip(spaced ? 3 : 1); // a.[ 'b' ]
    } else if (index) {
      e = makeOperation(Expr::Index, std::move(e), "", next());
      if (!append(*e, parseExpr()) || !expectPunct("]", "after the index"))
        return nullptr;
    } else {
      const Token &t = next();
      e = makeOperation(Expr::Index, std::move(e), "", t);
      e->operands.push_back(makeLiteral(Literal::String, Scalar::makeString(t.text), t));
    }
  }
}

ExprPtr Parser::parsePrimary() {
  const Token &t = peek();
  switch (t.kind) {
  case TokenKind::String: {
    // Adjacent string literals are one string.
    std::string value;
    while (peek().kind == TokenKind::String)
      value += next().text;
    return makeLiteral(Literal::String, Scalar::makeString(std::move(value)), t);
  }
  case TokenKind::Integer: return makeLiteral(Literal::Long, Scalar::makeInt(next().intValue), t);
  case TokenKind::Real: return makeLiteral(Literal::Real, Scalar::makeDouble(next().realValue), t);
  case TokenKind::TimeSpan:
    return makeLiteral(Literal::TimeSpan, Scalar::makeInt(next().intValue), t);
  case TokenKind::Identifier: break;
  default:
    if (t.isPunct("(") && startsTabular(pos_ + 1, false)) { // a table argument: f((range x from 1 to 3 step 1))
      ExprPtr e = make(Expr::Table, t);
      return (e->table = parseTabular()) ? std::move(e) : nullptr;
    }
    if (t.isPunct("(")) {
      next();
      ExprPtr e = parseExpr();
      return e && expectPunct(")", "to close '('") ? std::move(e) : nullptr;
    }
    return failExpected("an expression");
  }
  const std::string word = t.bracketed ? "" : asciiLower(t.text);
  if (word == "true" || word == "false") {
    next();
    return makeLiteral(Literal::Bool, Scalar::makeBool(word == "true"), t);
  }
  if (isReservedWord(word))
    return fail(t, "expected an expression, found the keyword '" + t.text +
                       "' (a column of that name is ['" + t.text + "'])");
  if (t.bracketed || !atPunct("(", 1)) {
    ExprPtr e = make(Expr::Name, next());
    e->name = t.text;
    return e;
  }
  // Type names are lower case, as Kusto has them (Dynamic(...) is a call).
  if (t.text == "dynamic")
    return parseDynamic();
  if (t.text == "datetime" || t.text == "timespan" || t.text == "time" || t.text == "guid")
    return parseTextLiteral();
  static const std::set<std::string> kTypedLiterals = {"bool", "boolean", "int",    "long",
                                                       "real", "double",  "decimal"};
  if (kTypedLiterals.count(t.text))
    return parseTypedLiteral();
  return parseCall();
}

/// `name(args)`; the argument of toscalar() is a tabular expression.
ExprPtr Parser::parseCall() {
  const Token &name = next();
  ExprPtr e = make(Expr::Call, name);
  e->name = name.text;
  next(); // (
  if (name.text == "toscalar") {
    if (!(e->table = parseTabular()))
      return nullptr;
  } else if (!atPunct(")")) {
    do {
      std::string argName; // f(c=7, a=12): a let function's parameters by name
      if (atName() && atPunct("=", 1)) {
        argName = next().text;
        next();
      }
      const bool star = argName.empty() && atPunct("*") && (atPunct(",", 1) || atPunct(")", 1));
      if (!append(*e, star ? make(Expr::Star, next()) : parseExpr()))
        return nullptr;
      if (!argName.empty())
        e->keys.resize(e->operands.size() - 1);
      if (!argName.empty() || !e->keys.empty())
        e->keys.push_back(std::move(argName));
    } while (eatPunct(","));
  }
  return expectPunct(")", "after the arguments of '" + name.text + "'") ? std::move(e) : nullptr;
}

/// dynamic(json): arrays and objects become Dynamic nodes, null a null literal.
ExprPtr Parser::parseDynamic() {
  skip(2); // dynamic (
  ExprPtr value = parseDynamicValue();
  return value && expectPunct(")", "to close dynamic(...)") ? std::move(value) : nullptr;
}

ExprPtr Parser::parseDynamicValue() {
  Depth nesting(depth_);
  if (nesting.add() > kMaxNesting)
    return tooDeep();
  const Token &t = peek();
  if (t.isPunct("[") || t.isPunct("{")) {
    const bool object = t.isPunct("{");
    const std::string close = object ? "}" : "]";
    ExprPtr e = make(Expr::Dynamic, next());
    e->dynamicIsObject = object;
    if (eatPunct(close))
      return e;
    do {
      if (object) {
        if (peek().kind != TokenKind::String)
          return failExpected("a string key in dynamic({...})");
        e->keys.push_back(next().text);
        if (!expectPunct(":", "after the key '" + e->keys.back() + "'"))
          return nullptr;
      }
      if (!append(*e, parseDynamicValue()))
        return nullptr;
    } while (eatPunct(","));
    return expectPunct(close, "to close the dynamic " + std::string(object ? "object" : "array"))
               ? std::move(e)
               : nullptr;
  }
  if (atName() && t.bracketed) { // ["a"]: the lexer read a one-element array as a bracketed name
    next();
    ExprPtr e = make(Expr::Dynamic, t);
    e->operands.push_back(makeLiteral(Literal::String, Scalar::makeString(t.text), t));
    return e;
  }
  if (atWord("null"))
    return makeLiteral(Literal::Null, Scalar::makeNull(), next());
  ExprPtr e = parseUnary();
  if (e && e->kind != Expr::Literal && e->kind != Expr::Dynamic)
    return fail(t, "expected a literal in dynamic(...), found " + describe(t));
  return e;
}

/// datetime(...), timespan(...) / time(...), guid(...): raw text or a string.
ExprPtr Parser::parseTextLiteral() {
  const std::string kind = next().text;
  next(); // (
  const Token &t = peek();
  if (t.kind != TokenKind::Raw && t.kind != TokenKind::String)
    return failExpected("a " + kind + " literal");
  next();
  ExprPtr e;
  int64_t nanos = 0;
  if (t.kind == TokenKind::Raw && t.text == "null")
    e = makeLiteral(Literal::Null, Scalar::makeNull(), t);
  else if (kind == "datetime" && (parseDateTime(t.text, nanos) || parseKustoDatetime(t.text, nanos)))
    e = makeLiteral(Literal::DateTime, Scalar::makeInt(nanos), t);
  else if ((kind == "timespan" || kind == "time") && parseTimespanText(t.text, nanos))
    e = makeLiteral(Literal::TimeSpan, Scalar::makeInt(nanos), t);
  else if (kind == "guid" && isGuidText(t.text))
    e = makeLiteral(Literal::Guid, Scalar::makeString(t.text), t);
  else
    return fail(t, "invalid " + kind + " literal '" + t.text + "'");
  return expectPunct(")", "after the " + kind + " literal") ? std::move(e) : nullptr;
}

/// bool(true), int(5), long(-1), real(1.5), real(nan), decimal(...), T(null).
ExprPtr Parser::parseTypedLiteral() {
  const std::string type = next().text;
  next(); // (
  const Token &t = peek();
  ExprPtr e;
  if (atWord("null")) {
    e = makeLiteral(Literal::Null, Scalar::makeNull(), next());
  } else if (type == "bool" || type == "boolean") {
    if (!atWord("true") && !atWord("false"))
      return failExpected("true or false in " + type + "(...)");
    e = makeLiteral(Literal::Bool, Scalar::makeBool(atWord("true")), next());
  } else if (type == "int" || type == "long") {
    const bool negative = eatPunct("-");
    if (peek().kind != TokenKind::Integer)
      return failExpected("an integer in " + type + "(...)");
    const int64_t v = next().intValue;
    e = makeLiteral(Literal::Long, Scalar::makeInt(negative ? -v : v), t);
  } else {
    const bool negative = eatPunct("-");
    if (!negative)
      eatPunct("+"); // real(+inf)
    const Token &v = next();
    const std::string word = v.kind == TokenKind::Identifier ? asciiLower(v.text) : "";
    double d = std::numeric_limits<double>::quiet_NaN();
    if (v.kind == TokenKind::Integer)
      d = static_cast<double>(v.intValue);
    else if (v.kind == TokenKind::Real)
      d = v.realValue;
    else if (word == "inf")
      d = std::numeric_limits<double>::infinity();
    else if (word != "nan")
      return fail(v, "expected a number in " + type + "(...), found " + describe(v));
    e = makeLiteral(Literal::Real, Scalar::makeDouble(negative ? -d : d), t);
  }
  return expectPunct(")", "after the " + type + " literal") ? std::move(e) : nullptr;
}

} // namespace

std::unique_ptr<Query> parseQuery(const std::string &text, const LineMap &map,
                                  DiagnosticEngine &diags) {
  LexResult lexed = lexQuery(text);
  if (!lexed.ok) {
    diags.error(DiagCode::KqlSyntax, map.at(lexed.line, lexed.column), lexed.error);
    return nullptr;
  }
  return Parser(std::move(lexed.tokens), text, map, diags).parse();
}

} // namespace rulec::kql
