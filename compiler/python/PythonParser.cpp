//===- PythonParser.cpp ---------------------------------------------------===//
#include "python/PythonParser.h"

#include "python/PythonLexer.h"

#include <algorithm>
#include <set>

namespace rulec::python {

namespace {

/// CPython's own bound on expression nesting is its parser stack; ours keeps
/// recursion well inside an 8 MiB stack. A level is an expression inside
/// brackets or a lambda or conditional, a unary operator, or a '**'; brackets
/// alone stop at the lexer's 200. Operators per statement bound the height of
/// left-leaning trees (`a + b + ...`, `x.a.b...`), which every pass over the
/// AST walks recursively.
constexpr int kMaxDepth = 250;
constexpr int kMaxOperators = 10000;

/// Thrown inside the parser only; parseModule turns it into a diagnostic.
struct SyntaxError {
  std::string message;
  int line, column;
};

/// Binary operator levels, loosest first (Full grammar: bitwise_or ... term).
const std::vector<std::vector<std::string_view>> kBinaryLevels = {
    {"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"},
};

const std::set<std::string_view> kAugmentedOps = {"+=", "-=", "*=", "/=", "//=", "%=", "@=",
                                                  "&=", "|=", "^=", ">>=", "<<=", "**="};

const std::set<std::string_view> kComparisonOps = {"==", "!=", "<", "<=", ">", ">="};

/// What an expression is called in "cannot assign to ..." (CPython's wording).
std::string describe(const Expr &e) {
  switch (e.kind) {
  case Expr::Constant:
    switch (e.constKind) {
    case Expr::ConstKind::None: return "None";
    case Expr::ConstKind::True: return "True";
    case Expr::ConstKind::False: return "False";
    case Expr::ConstKind::Ellipsis: return "ellipsis";
    default: return "literal";
    }
  case Expr::FString: return "f-string expression";
  case Expr::BoolOp:
  case Expr::BinOp:
  case Expr::UnaryOp: return "expression";
  case Expr::Compare: return "comparison";
  case Expr::IfExp: return "conditional expression";
  case Expr::NamedExpr: return "named expression";
  case Expr::Lambda: return "lambda";
  case Expr::Call: return "function call";
  case Expr::Dict: return "dict literal";
  case Expr::Set: return "set display";
  case Expr::ListComp: return "list comprehension";
  case Expr::SetComp: return "set comprehension";
  case Expr::DictComp: return "dict comprehension";
  case Expr::GeneratorExp: return "generator expression";
  case Expr::Starred: return "starred";
  case Expr::Name: return "name";
  case Expr::Attribute: return "attribute";
  case Expr::Subscript: return "subscript";
  case Expr::Tuple: return "tuple";
  case Expr::List: return "list";
  default: return "expression";
  }
}

class Parser {
public:
  Parser(std::vector<Token> tokens, std::shared_ptr<const std::string> file)
      : toks_(std::move(tokens)), file_(std::move(file)) {}

  Block file();
  ExprPtr fieldExpression();

private:
  /// What the statements being parsed are inside: Python refuses 'return'
  /// outside a def and 'break'/'continue' outside a loop at compile time.
  struct Context {
    bool inFunction = false;
    bool inLoop = false;
  };

  /// One level of expression nesting for as long as a parse function runs.
  class Nesting {
  public:
    explicit Nesting(Parser &p) : p_(p) {
      if (++p_.depth_ > kMaxDepth)
        p_.fail(p_.peek(), "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    ~Nesting() { --p_.depth_; }

  private:
    Parser &p_;
  };

  // Tokens.
  const Token &peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token &next() {
    const Token &t = peek();
    pos_ = std::min(pos_ + 1, toks_.size() - 1);
    return t;
  }
  bool atOp(std::string_view op, size_t k = 0) const { return peek(k).isOp(op); }
  bool atKeyword(std::string_view word, size_t k = 0) const { return peek(k).isKeyword(word); }
  bool atKind(TokenKind kind, size_t k = 0) const { return peek(k).kind == kind; }
  bool atSoftKeyword(std::string_view word) const { return atKind(TokenKind::Name) && peek().text == word; }
  bool eatOp(std::string_view op) { return atOp(op) && (next(), true); }
  bool eatKeyword(std::string_view word) { return atKeyword(word) && (next(), true); }
  bool atStatementEnd() const { return atKind(TokenKind::Newline) || atOp(";") || atKind(TokenKind::End); }
  bool startsExpression(const Token &t) const;

  // Errors.
  SourceLocation loc(const Token &t) const { return {file_, t.line, t.column}; }
  [[noreturn]] void fail(const Token &t, const std::string &message) const {
    throw SyntaxError{message, t.line, t.column};
  }
  [[noreturn]] void fail(const SourceLocation &at, const std::string &message) const {
    throw SyntaxError{message, at.line, at.column};
  }
  [[noreturn]] void expected(const std::string &what) const {
    fail(peek(), "expected " + what + ", found " + tokenText(peek()));
  }
  static std::string tokenText(const Token &t);
  void expectOp(std::string_view op, const std::string &context) {
    if (!eatOp(op))
      expected("'" + std::string(op) + "'" + (context.empty() ? "" : " " + context));
  }
  std::string expectName(const std::string &what) {
    if (!atKind(TokenKind::Name))
      expected(what);
    return next().text;
  }
  void countOperator() {
    if (++operators_ > kMaxOperators)
      fail(peek(), "statement too complex (more than " + std::to_string(kMaxOperators) + " operators)");
  }
  ExprPtr make(Expr::Kind kind, const SourceLocation &at) const {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = at;
    return e;
  }
  StmtPtr makeStmt(Stmt::Kind kind, const Token &t) const {
    auto s = std::make_unique<Stmt>();
    s->kind = kind;
    s->loc = loc(t);
    return s;
  }

  // Statements.
  void statement(Block &out);
  void simpleStatements(Block &out);
  StmtPtr simpleStatement();
  StmtPtr assignmentOrExpression();
  StmtPtr importStatement();
  StmtPtr fromImportStatement();
  Block block(const Token &owner, Context context);
  StmtPtr ifStatement();
  StmtPtr whileStatement();
  StmtPtr forStatement();
  StmtPtr tryStatement();
  StmtPtr withStatement();
  StmtPtr decorated();
  StmtPtr functionDef(std::vector<ExprPtr> decorators);
  StmtPtr classDef(std::vector<ExprPtr> decorators);
  bool atMatchStatement() const;
  StmtPtr matchStatement();
  Pattern pattern();
  Pattern closedPattern();
  void checkPattern(const Pattern &p, std::vector<std::string> &bound) const;
  std::vector<Parameter> parameters(std::string_view closer, bool annotations);
  std::string dottedName();

  // Targets (assignment, for, with, del, comprehension).
  ExprPtr targetList();
  ExprPtr target();
  void checkTarget(const Expr &e, const char *verb, bool top = true) const;

  // Expressions.
  ExprPtr starExpressions();
  ExprPtr starExpression();
  ExprPtr starNamedExpression();
  ExprPtr namedExpression();
  ExprPtr expression();
  ExprPtr lambda();
  ExprPtr disjunction();
  ExprPtr conjunction();
  ExprPtr inversion();
  ExprPtr comparison();
  ExprPtr binary(size_t level);
  ExprPtr factor();
  ExprPtr power();
  ExprPtr primary();
  ExprPtr atom();
  ExprPtr strings();
  ExprPtr fstringParts(const std::vector<FStringPart> &parts, const SourceLocation &at);
  ExprPtr parenthesized();
  ExprPtr listDisplay();
  ExprPtr braceDisplay();
  ExprPtr comprehension(Expr::Kind kind, const SourceLocation &at, ExprPtr element, ExprPtr value = nullptr);
  std::vector<Comprehension> generators();
  std::vector<Argument> arguments(const SourceLocation &open, bool isCall);
  ExprPtr slices();
  ExprPtr slice();
  [[noreturn]] void refuseKeyword() const { fail(peek(), "'" + peek().text + "' is not supported"); }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  std::shared_ptr<const std::string> file_;
  Context context_;
  int depth_ = 0;
  int operators_ = 0;
};

std::string Parser::tokenText(const Token &t) {
  switch (t.kind) {
  case TokenKind::Name: return "name '" + t.text + "'";
  case TokenKind::Keyword: return "'" + t.text + "'";
  case TokenKind::Int:
  case TokenKind::Float: return "number " + t.text;
  case TokenKind::String: return "a string";
  case TokenKind::Op: return "'" + t.text + "'";
  case TokenKind::Newline: return "the end of the line";
  case TokenKind::Indent: return "an indented line";
  case TokenKind::Dedent: return "the end of the block";
  case TokenKind::End: return "the end of the file";
  }
  return "?";
}

bool Parser::startsExpression(const Token &t) const {
  switch (t.kind) {
  case TokenKind::Name:
  case TokenKind::Int:
  case TokenKind::Float:
  case TokenKind::String: return true;
  case TokenKind::Keyword:
    return t.text == "not" || t.text == "lambda" || t.text == "None" || t.text == "True" || t.text == "False" ||
           t.text == "await" || t.text == "yield";
  case TokenKind::Op:
    return t.text == "(" || t.text == "[" || t.text == "{" || t.text == "-" || t.text == "+" || t.text == "~" ||
           t.text == "*" || t.text == "...";
  default: return false;
  }
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

Block Parser::file() {
  Block body;
  while (!atKind(TokenKind::End))
    statement(body);
  return body;
}

void Parser::statement(Block &out) {
  operators_ = 0;
  const Token &t = peek();
  if (t.kind == TokenKind::Indent)
    fail(t, "unexpected indent");
  if (t.kind == TokenKind::Dedent)
    fail(t, "unindent does not match any outer indentation level");
  if (t.kind == TokenKind::Keyword) {
    if (t.text == "if")
      return out.push_back(ifStatement());
    if (t.text == "while")
      return out.push_back(whileStatement());
    if (t.text == "for")
      return out.push_back(forStatement());
    if (t.text == "try")
      return out.push_back(tryStatement());
    if (t.text == "with")
      return out.push_back(withStatement());
    if (t.text == "def")
      return out.push_back(functionDef({}));
    if (t.text == "class")
      return out.push_back(classDef({}));
    if (t.text == "async")
      fail(t, "'async' is not supported");
  }
  if (t.isOp("@"))
    return out.push_back(decorated());
  if (atMatchStatement())
    return out.push_back(matchStatement());
  simpleStatements(out);
}

void Parser::simpleStatements(Block &out) {
  for (;;) {
    out.push_back(simpleStatement());
    if (!eatOp(";") || atKind(TokenKind::Newline))
      break;
  }
  if (!atKind(TokenKind::Newline))
    expected("the end of the line");
  next();
}

StmtPtr Parser::simpleStatement() {
  const Token &t = peek();
  if (t.kind != TokenKind::Keyword)
    return assignmentOrExpression();
  const std::string &word = t.text;
  if (word == "pass" || word == "break" || word == "continue") {
    next();
    if (word == "break" && !context_.inLoop)
      fail(t, "'break' outside loop");
    if (word == "continue" && !context_.inLoop)
      fail(t, "'continue' not properly in loop");
    return makeStmt(word == "pass" ? Stmt::Pass : word == "break" ? Stmt::Break : Stmt::Continue, t);
  }
  if (word == "return") {
    next();
    if (!context_.inFunction)
      fail(t, "'return' outside function");
    auto s = makeStmt(Stmt::Return, t);
    if (!atStatementEnd())
      s->value = starExpressions();
    return s;
  }
  if (word == "raise") {
    next();
    auto s = makeStmt(Stmt::Raise, t);
    if (!atStatementEnd()) {
      s->value = expression();
      if (eatKeyword("from"))
        s->cause = expression();
    }
    return s;
  }
  if (word == "global" || word == "nonlocal") {
    next();
    if (word == "nonlocal" && !context_.inFunction)
      fail(t, "nonlocal declaration not allowed at module level");
    auto s = makeStmt(word == "global" ? Stmt::Global : Stmt::Nonlocal, t);
    do
      s->names.push_back(expectName("a name after '" + word + "'"));
    while (eatOp(","));
    return s;
  }
  if (word == "del") {
    next();
    auto s = makeStmt(Stmt::Delete, t);
    ExprPtr targets = targetList();
    checkTarget(*targets, "delete");
    if (targets->kind == Expr::Tuple && !targets->parenthesized)
      s->targets = std::move(targets->operands);
    else
      s->targets.push_back(std::move(targets));
    return s;
  }
  if (word == "assert") {
    next();
    auto s = makeStmt(Stmt::Assert, t);
    s->test = expression();
    if (eatOp(","))
      s->value = expression();
    return s;
  }
  if (word == "import")
    return importStatement();
  if (word == "from")
    return fromImportStatement();
  return assignmentOrExpression();
}

StmtPtr Parser::assignmentOrExpression() {
  const Token &start = peek();
  ExprPtr first = starExpressions();
  if (eatOp(":")) { // annotated assignment (PEP 526)
    if (first->kind == Expr::Tuple)
      fail(first->loc, "only single target (not tuple) can be annotated");
    if (first->kind != Expr::Name && first->kind != Expr::Attribute && first->kind != Expr::Subscript)
      fail(first->loc, "illegal target for annotation");
    auto s = makeStmt(Stmt::AnnAssign, start);
    s->simple = first->kind == Expr::Name && !first->parenthesized;
    s->targets.push_back(std::move(first));
    s->annotation = expression();
    if (eatOp("="))
      s->value = starExpressions();
    return s;
  }
  if (peek().kind == TokenKind::Op && kAugmentedOps.count(peek().text)) {
    const std::string op = next().text;
    if (first->kind != Expr::Name && first->kind != Expr::Attribute && first->kind != Expr::Subscript)
      fail(first->loc, "'" + describe(*first) + "' is an illegal expression for augmented assignment");
    auto s = makeStmt(Stmt::AugAssign, start);
    s->op = op.substr(0, op.size() - 1);
    s->targets.push_back(std::move(first));
    s->value = starExpressions();
    if (s->value->kind == Expr::Starred)
      fail(s->value->loc, "can't use starred expression here");
    return s;
  }
  if (atOp("=")) {
    auto s = makeStmt(Stmt::Assign, start);
    s->targets.push_back(std::move(first));
    while (eatOp("=")) {
      if (atKeyword("yield"))
        refuseKeyword();
      ExprPtr e = starExpressions();
      if (atOp("="))
        s->targets.push_back(std::move(e));
      else
        s->value = std::move(e);
    }
    for (const ExprPtr &target : s->targets)
      checkTarget(*target, "assign to");
    if (s->value->kind == Expr::Starred)
      fail(s->value->loc, "can't use starred expression here");
    return s;
  }
  if (first->kind == Expr::Starred)
    fail(first->loc, "can't use starred expression here");
  auto s = makeStmt(Stmt::Expr, start);
  s->value = std::move(first);
  return s;
}

std::string Parser::dottedName() {
  std::string name = expectName("a module name");
  while (eatOp("."))
    name += "." + expectName("a name after '.'");
  return name;
}

StmtPtr Parser::importStatement() {
  auto s = makeStmt(Stmt::Import, next());
  do {
    Alias a;
    a.loc = loc(peek());
    a.name = dottedName();
    if (eatKeyword("as"))
      a.asname = expectName("a name after 'as'");
    s->aliases.push_back(std::move(a));
  } while (eatOp(","));
  return s;
}

StmtPtr Parser::fromImportStatement() {
  auto s = makeStmt(Stmt::ImportFrom, next());
  for (;;) {
    if (eatOp("."))
      s->level += 1;
    else if (eatOp("..."))
      s->level += 3;
    else
      break;
  }
  if (!atKeyword("import") || s->level == 0)
    s->name = dottedName();
  if (!eatKeyword("import"))
    expected("'import'");
  if (atOp("*")) {
    if (context_.inFunction)
      fail(peek(), "import * only allowed at module level");
    s->aliases.push_back({"*", "", loc(next())});
    return s;
  }
  const bool parens = eatOp("(");
  for (;;) {
    Alias a;
    a.loc = loc(peek());
    a.name = expectName("a name to import");
    if (eatKeyword("as"))
      a.asname = expectName("a name after 'as'");
    s->aliases.push_back(std::move(a));
    if (!eatOp(","))
      break;
    if (parens && atOp(")"))
      break;
    if (!parens && atStatementEnd())
      fail(peek(), "trailing comma not allowed without surrounding parentheses");
  }
  if (parens)
    expectOp(")", "to close the import list");
  return s;
}

/// The body after a compound statement's ':' (`owner` is its first token).
Block Parser::block(const Token &owner, Context context) {
  const Context saved = context_;
  context_ = context;
  Block body;
  if (atKind(TokenKind::Newline)) {
    next();
    if (!atKind(TokenKind::Indent))
      fail(peek(), "expected an indented block after '" + owner.text + "' on line " + std::to_string(owner.line));
    next();
    while (!atKind(TokenKind::Dedent) && !atKind(TokenKind::End))
      statement(body);
    next();
  } else {
    simpleStatements(body);
  }
  context_ = saved;
  return body;
}

StmtPtr Parser::ifStatement() {
  const Token &t = next(); // 'if' or 'elif'
  auto s = makeStmt(Stmt::If, t);
  s->test = namedExpression();
  expectOp(":", "after the condition");
  s->body = block(t, context_);
  if (atKeyword("elif")) {
    s->orelse.push_back(ifStatement());
  } else if (atKeyword("else")) {
    const Token &e = next();
    expectOp(":", "after 'else'");
    s->orelse = block(e, context_);
  }
  return s;
}

StmtPtr Parser::whileStatement() {
  const Token &t = next();
  auto s = makeStmt(Stmt::While, t);
  s->test = namedExpression();
  expectOp(":", "after the condition");
  s->body = block(t, {context_.inFunction, true});
  if (atKeyword("else")) { // the else of a loop is outside the loop
    const Token &e = next();
    expectOp(":", "after 'else'");
    s->orelse = block(e, context_);
  }
  return s;
}

StmtPtr Parser::forStatement() {
  const Token &t = next();
  auto s = makeStmt(Stmt::For, t);
  ExprPtr target = targetList();
  checkTarget(*target, "assign to");
  s->targets.push_back(std::move(target));
  if (!eatKeyword("in"))
    expected("'in'");
  s->value = starExpressions();
  expectOp(":", "after the iterable");
  s->body = block(t, {context_.inFunction, true});
  if (atKeyword("else")) {
    const Token &e = next();
    expectOp(":", "after 'else'");
    s->orelse = block(e, context_);
  }
  return s;
}

StmtPtr Parser::tryStatement() {
  const Token &t = next();
  auto s = makeStmt(Stmt::Try, t);
  expectOp(":", "after 'try'");
  s->body = block(t, context_);
  while (atKeyword("except")) {
    const Token &e = next();
    if (!s->handlers.empty() && !s->handlers.back().type)
      fail(s->handlers.back().loc, "default 'except:' must be last");
    if (atOp("*"))
      fail(peek(), "'except*' is not supported");
    ExceptHandler h;
    h.loc = loc(e);
    if (!atOp(":")) {
      h.type = expression();
      if (atOp(","))
        fail(h.type->loc, "multiple exception types must be parenthesized");
      if (eatKeyword("as"))
        h.name = expectName("a name after 'as'");
    }
    expectOp(":", "after the exception");
    h.body = block(e, context_);
    s->handlers.push_back(std::move(h));
  }
  if (!s->handlers.empty() && atKeyword("else")) {
    const Token &e = next();
    expectOp(":", "after 'else'");
    s->orelse = block(e, context_);
  }
  if (atKeyword("finally")) {
    const Token &f = next();
    expectOp(":", "after 'finally'");
    s->finalbody = block(f, context_);
  }
  if (s->handlers.empty() && s->finalbody.empty())
    expected("'except' or 'finally' block");
  return s;
}

StmtPtr Parser::withStatement() {
  const Token &t = next();
  auto s = makeStmt(Stmt::With, t);
  // `with (a as b, c):` lists items in parentheses when ':' follows the ')'
  // (3.9+); otherwise the '(' starts the first context expression.
  bool parens = false;
  if (atOp("(")) {
    size_t k = 1;
    for (int depth = 1; depth > 0 && !atKind(TokenKind::End, k); ++k)
      depth += atOp("(", k) || atOp("[", k) || atOp("{", k) ? 1 : atOp(")", k) || atOp("]", k) || atOp("}", k) ? -1 : 0;
    parens = atOp(":", k);
  }
  if (parens)
    next();
  do {
    if (parens && atOp(")"))
      break;
    WithItem item;
    item.context = expression();
    if (eatKeyword("as")) {
      item.target = target();
      checkTarget(*item.target, "assign to");
      if (!atOp(",") && !atOp(":") && !(parens && atOp(")")))
        expected("',' or ':' after the with item");
    }
    s->items.push_back(std::move(item));
  } while (eatOp(","));
  if (parens)
    expectOp(")", "to close the with items");
  expectOp(":", "after the with items");
  s->body = block(t, context_);
  return s;
}

StmtPtr Parser::decorated() {
  std::vector<ExprPtr> decorators;
  while (eatOp("@")) {
    decorators.push_back(namedExpression());
    if (!atKind(TokenKind::Newline))
      expected("the end of the line after the decorator");
    next();
  }
  if (atKeyword("def"))
    return functionDef(std::move(decorators));
  if (atKeyword("class"))
    return classDef(std::move(decorators));
  expected("'def' or 'class' after the decorators");
}

StmtPtr Parser::functionDef(std::vector<ExprPtr> decorators) {
  const Token &t = next();
  auto s = makeStmt(Stmt::FunctionDef, t);
  s->decorators = std::move(decorators);
  s->name = expectName("a function name after 'def'");
  expectOp("(", "after the function name");
  s->params = parameters(")", true);
  if (eatOp("->"))
    s->annotation = expression();
  expectOp(":", "after the function signature");
  s->body = block(t, {true, false});
  return s;
}

StmtPtr Parser::classDef(std::vector<ExprPtr> decorators) {
  const Token &t = next();
  auto s = makeStmt(Stmt::ClassDef, t);
  s->decorators = std::move(decorators);
  s->name = expectName("a class name after 'class'");
  if (atOp("(")) {
    const SourceLocation at = loc(next());
    s->args = arguments(at, false);
  }
  expectOp(":", "after the class name");
  s->body = block(t, {false, false});
  return s;
}

/// Parameters of a def (closer ")") or lambda (closer ":"), with CPython's
/// checks on their order (Full grammar: parameters, lambda_parameters).
std::vector<Parameter> Parser::parameters(std::string_view closer, bool annotations) {
  std::vector<Parameter> out;
  std::set<std::string> names;
  bool slash = false, star = false, bareStar = false, defaults = false;
  const Token *bareStarToken = nullptr;
  while (!atOp(closer)) {
    if (!out.empty() && out.back().kind == Parameter::VarKeywords)
      fail(peek(), "arguments cannot follow var-keyword argument");
    const Token &t = peek();
    if (eatOp("/")) {
      if (slash)
        fail(t, "/ may appear only once");
      if (star)
        fail(t, "/ must be ahead of *");
      if (out.empty())
        fail(t, "at least one argument must precede /");
      for (Parameter &p : out)
        p.kind = Parameter::PositionalOnly;
      slash = true;
    } else if (atOp("*") && (atOp(",", 1) || atOp(closer, 1))) {
      next();
      if (star)
        fail(t, "* argument may appear only once");
      star = bareStar = true;
      bareStarToken = &t;
    } else {
      Parameter p;
      p.kind = Parameter::Normal;
      if (eatOp("**")) {
        p.kind = Parameter::VarKeywords;
      } else if (eatOp("*")) {
        if (star)
          fail(t, "* argument may appear only once");
        star = true;
        p.kind = Parameter::VarArgs;
      } else if (star) {
        p.kind = Parameter::KeywordOnly;
        bareStar = false;
      }
      p.loc = loc(peek());
      p.name = expectName("a parameter name");
      if (p.name == "__debug__")
        fail(p.loc, "cannot assign to __debug__");
      if (!names.insert(p.name).second)
        fail(p.loc, "duplicate argument '" + p.name + "' in function definition");
      if (annotations && eatOp(":"))
        p.annotation = expression();
      if (atOp("=")) {
        if (p.kind == Parameter::VarArgs || p.kind == Parameter::VarKeywords)
          fail(peek(), std::string(p.kind == Parameter::VarArgs ? "var-positional" : "var-keyword") +
                           " argument cannot have default value");
        next();
        p.defaultValue = expression();
        defaults = defaults || p.kind == Parameter::Normal;
      } else if (p.kind == Parameter::Normal && defaults) {
        fail(p.loc, "non-default argument follows default argument");
      }
      out.push_back(std::move(p));
    }
    if (!eatOp(","))
      break;
  }
  if (bareStar)
    fail(*bareStarToken, "named arguments must follow bare *");
  expectOp(closer, closer == ")" ? "to close the parameters" : "after the lambda parameters");
  return out;
}

/// `match` is a soft keyword: a statement starts with it when its logical
/// line ends with ':' (no simple statement can), as the PEG grammar decides.
bool Parser::atMatchStatement() const {
  if (!atSoftKeyword("match") || atOp(":", 1) || atOp("=", 1) || atKind(TokenKind::Newline, 1))
    return false;
  size_t k = 1;
  while (!atKind(TokenKind::Newline, k) && !atKind(TokenKind::End, k))
    ++k;
  return atOp(":", k - 1);
}

StmtPtr Parser::matchStatement() {
  const Token &t = next();
  auto s = makeStmt(Stmt::Match, t);
  const SourceLocation at = loc(peek());
  ExprPtr subject = starNamedExpression();
  if (atOp(",")) {
    ExprPtr tuple = make(Expr::Tuple, at);
    tuple->operands.push_back(std::move(subject));
    while (eatOp(",") && !atOp(":"))
      tuple->operands.push_back(starNamedExpression());
    subject = std::move(tuple);
  } else if (subject->kind == Expr::Starred) {
    fail(subject->loc, "can't use starred expression here");
  }
  s->value = std::move(subject);
  expectOp(":", "after the match subject");
  if (!atKind(TokenKind::Newline))
    expected("the end of the line after 'match ...:'");
  next();
  if (!atKind(TokenKind::Indent))
    fail(peek(), "expected an indented block after 'match' on line " + std::to_string(t.line));
  next();
  while (!atKind(TokenKind::Dedent) && !atKind(TokenKind::End)) {
    operators_ = 0;
    if (!atSoftKeyword("case"))
      expected("'case'");
    const Token &c = next();
    MatchCase mc;
    mc.pattern = pattern();
    if (atOp(","))
      fail(peek(), "sequence patterns are not supported");
    std::vector<std::string> bound;
    checkPattern(mc.pattern, bound);
    if (eatKeyword("if"))
      mc.guard = namedExpression();
    expectOp(":", "after the case pattern");
    mc.body = block(c, context_);
    // An irrefutable case before others (CPython's compile-time check).
    if (!s->cases.empty() && !s->cases.back().guard) {
      const Pattern *last = &s->cases.back().pattern;
      while (last->kind == Pattern::As)
        last = &last->alternatives[0];
      if (last->kind == Pattern::Capture)
        fail(last->loc, last->name == "_" ? "wildcard makes remaining patterns unreachable"
                                          : "name capture '" + last->name + "' makes remaining patterns unreachable");
    }
    s->cases.push_back(std::move(mc));
  }
  next();
  return s;
}

Pattern Parser::pattern() {
  Pattern first = closedPattern();
  if (atOp("|")) {
    Pattern alternatives;
    alternatives.kind = Pattern::Or;
    alternatives.loc = first.loc;
    alternatives.alternatives.push_back(std::move(first));
    while (eatOp("|"))
      alternatives.alternatives.push_back(closedPattern());
    first = std::move(alternatives);
  }
  if (eatKeyword("as")) {
    Pattern as;
    as.kind = Pattern::As;
    as.loc = first.loc;
    const Token &n = peek();
    as.name = expectName("a name after 'as'");
    if (as.name == "_")
      fail(n, "cannot use '_' as a target");
    as.alternatives.push_back(std::move(first));
    return as;
  }
  return first;
}

/// literal | capture | wildcard | value | group (Full grammar: closed_pattern).
Pattern Parser::closedPattern() {
  Nesting nesting(*this);
  Pattern p;
  const Token &t = peek();
  p.loc = loc(t);
  if (eatOp("(")) {
    if (atOp(")"))
      fail(t, "sequence patterns are not supported");
    Pattern inner = pattern();
    if (atOp(","))
      fail(t, "sequence patterns are not supported");
    expectOp(")", "to close the pattern");
    return inner;
  }
  if (atOp("["))
    fail(t, "sequence patterns are not supported");
  if (atOp("{"))
    fail(t, "mapping patterns are not supported");
  if (atOp("*"))
    fail(t, "star patterns are not supported");
  if (t.kind == TokenKind::Name) {
    std::string name = next().text;
    if (!atOp(".") && !atOp("(")) {
      p.kind = Pattern::Capture;
      p.name = name;
      return p;
    }
    ExprPtr value = make(Expr::Name, p.loc);
    value->name = name;
    while (atOp(".")) {
      const SourceLocation at = value->loc;
      next();
      ExprPtr attribute = make(Expr::Attribute, at);
      attribute->name = expectName("a name after '.'");
      attribute->operands.push_back(std::move(value));
      value = std::move(attribute);
    }
    if (atOp("("))
      fail(t, "class patterns are not supported");
    p.kind = Pattern::Value;
    p.value = std::move(value);
    return p;
  }
  // Literals: signed numbers, strings (no f-strings), None, True, False.
  if (t.kind == TokenKind::String || t.kind == TokenKind::Int || t.kind == TokenKind::Float || atOp("-") ||
      atKeyword("None") || atKeyword("True") || atKeyword("False")) {
    const bool negative = atOp("-") && (atKind(TokenKind::Int, 1) || atKind(TokenKind::Float, 1));
    if (atOp("-") && !negative)
      expected("a number after '-' in the pattern");
    if (t.kind == TokenKind::String)
      for (size_t k = 0; atKind(TokenKind::String, k); ++k)
        if (peek(k).isFString)
          fail(peek(k), "patterns may only match literals and attribute lookups");
    ExprPtr value = negative ? factor() : atom();
    if (atOp("+") || atOp("-"))
      fail(peek(), "complex number patterns are not supported");
    p.kind = Pattern::Value;
    p.value = std::move(value);
    return p;
  }
  expected("a pattern");
}

/// Names bound by a pattern; CPython refuses duplicates and or-patterns whose
/// alternatives bind different names, or whose irrefutable alternative is not last.
void Parser::checkPattern(const Pattern &p, std::vector<std::string> &bound) const {
  switch (p.kind) {
  case Pattern::Value: return;
  case Pattern::Capture:
  case Pattern::As:
    if (p.kind == Pattern::As)
      checkPattern(p.alternatives[0], bound);
    if (p.name == "_")
      return;
    if (std::find(bound.begin(), bound.end(), p.name) != bound.end())
      fail(p.loc, "multiple assignments to name '" + p.name + "' in pattern");
    bound.push_back(p.name);
    return;
  case Pattern::Or: {
    std::vector<std::string> first;
    for (size_t i = 0; i < p.alternatives.size(); ++i) {
      const Pattern &alternative = p.alternatives[i];
      const Pattern *core = &alternative;
      while (core->kind == Pattern::As)
        core = &core->alternatives[0];
      if (core->kind == Pattern::Capture && i + 1 < p.alternatives.size())
        fail(core->loc, core->name == "_" ? "wildcard makes remaining patterns unreachable"
                                          : "name capture '" + core->name + "' makes remaining patterns unreachable");
      std::vector<std::string> names;
      checkPattern(alternative, names);
      std::sort(names.begin(), names.end());
      if (i == 0)
        first = names;
      else if (names != first)
        fail(alternative.loc, "alternative patterns bind different names");
    }
    for (const std::string &name : first) {
      if (std::find(bound.begin(), bound.end(), name) != bound.end())
        fail(p.loc, "multiple assignments to name '" + name + "' in pattern");
      bound.push_back(name);
    }
    return;
  }
  }
}

//===----------------------------------------------------------------------===//
// Targets
//===----------------------------------------------------------------------===//

/// star_targets: `t` or `t, t, ...` where each t is `['*'] primary`.
ExprPtr Parser::targetList() {
  ExprPtr first = target();
  if (!atOp(","))
    return first;
  ExprPtr tuple = make(Expr::Tuple, first->loc);
  tuple->operands.push_back(std::move(first));
  while (eatOp(",") && (atOp("*") || startsExpression(peek())))
    tuple->operands.push_back(target());
  return tuple;
}

ExprPtr Parser::target() {
  if (atOp("*")) {
    ExprPtr e = make(Expr::Starred, loc(next()));
    e->operands.push_back(primary());
    return e;
  }
  return primary();
}

/// Python's rules for what can be assigned to or deleted (`verb`).
void Parser::checkTarget(const Expr &e, const char *verb, bool top) const {
  switch (e.kind) {
  case Expr::Name:
    if (e.name == "__debug__")
      fail(e.loc, std::string("cannot ") + verb + " __debug__");
    return;
  case Expr::Attribute:
  case Expr::Subscript: return;
  case Expr::Tuple:
  case Expr::List: {
    bool starred = false;
    for (const ExprPtr &element : e.operands) {
      if (element->kind == Expr::Starred) {
        if (std::string_view(verb) == "delete")
          fail(element->loc, "cannot delete starred");
        if (starred)
          fail(element->loc, "multiple starred expressions in assignment");
        starred = true;
        checkTarget(*element->operands[0], verb, false);
      } else {
        checkTarget(*element, verb, false);
      }
    }
    return;
  }
  case Expr::Starred:
    fail(e.loc, top ? "starred assignment target must be in a list or tuple" : "cannot use starred expression here");
  default: fail(e.loc, std::string("cannot ") + verb + " " + describe(e));
  }
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// star_expressions: a Tuple when there is a comma.
ExprPtr Parser::starExpressions() {
  ExprPtr first = starExpression();
  if (!atOp(","))
    return first;
  ExprPtr tuple = make(Expr::Tuple, first->loc);
  tuple->operands.push_back(std::move(first));
  while (eatOp(",") && startsExpression(peek()))
    tuple->operands.push_back(starExpression());
  return tuple;
}

ExprPtr Parser::starExpression() {
  if (atOp("*")) {
    ExprPtr e = make(Expr::Starred, loc(next()));
    e->operands.push_back(binary(0));
    return e;
  }
  return expression();
}

ExprPtr Parser::starNamedExpression() {
  if (atOp("*")) {
    ExprPtr e = make(Expr::Starred, loc(next()));
    e->operands.push_back(binary(0));
    return e;
  }
  return namedExpression();
}

ExprPtr Parser::namedExpression() {
  if (atKind(TokenKind::Name) && atOp(":=", 1)) {
    ExprPtr e = make(Expr::NamedExpr, loc(peek()));
    e->name = next().text;
    next();
    e->operands.push_back(expression());
    return e;
  }
  ExprPtr e = expression();
  if (atOp(":="))
    fail(e->loc, "cannot use assignment expressions with " + describe(*e));
  return e;
}

ExprPtr Parser::expression() {
  Nesting nesting(*this);
  if (atKeyword("lambda"))
    return lambda();
  ExprPtr body = disjunction();
  if (!atKeyword("if"))
    return body;
  next();
  ExprPtr e = make(Expr::IfExp, body->loc);
  ExprPtr test = disjunction();
  if (!eatKeyword("else"))
    expected("'else' after the condition of the conditional expression");
  e->operands.push_back(std::move(body));
  e->operands.push_back(std::move(test));
  e->operands.push_back(expression());
  return e;
}

ExprPtr Parser::lambda() {
  ExprPtr e = make(Expr::Lambda, loc(next()));
  e->params = parameters(":", false);
  e->operands.push_back(expression());
  return e;
}

ExprPtr Parser::disjunction() {
  ExprPtr first = conjunction();
  if (!atKeyword("or"))
    return first;
  ExprPtr e = make(Expr::BoolOp, first->loc);
  e->op = "or";
  e->operands.push_back(std::move(first));
  while (eatKeyword("or"))
    e->operands.push_back(conjunction());
  return e;
}

ExprPtr Parser::conjunction() {
  ExprPtr first = inversion();
  if (!atKeyword("and"))
    return first;
  ExprPtr e = make(Expr::BoolOp, first->loc);
  e->op = "and";
  e->operands.push_back(std::move(first));
  while (eatKeyword("and"))
    e->operands.push_back(inversion());
  return e;
}

ExprPtr Parser::inversion() {
  if (!atKeyword("not"))
    return comparison();
  Nesting nesting(*this);
  ExprPtr e = make(Expr::UnaryOp, loc(next()));
  e->op = "not";
  e->operands.push_back(inversion());
  return e;
}

ExprPtr Parser::comparison() {
  ExprPtr first = binary(0);
  ExprPtr e;
  for (;;) {
    std::string op;
    if (peek().kind == TokenKind::Op && kComparisonOps.count(peek().text)) {
      op = next().text;
    } else if (eatKeyword("in")) {
      op = "in";
    } else if (atKeyword("not") && atKeyword("in", 1)) {
      pos_ += 2;
      op = "not in";
    } else if (eatKeyword("is")) {
      op = eatKeyword("not") ? "is not" : "is";
    } else {
      break;
    }
    if (!e) {
      e = make(Expr::Compare, first->loc);
      e->operands.push_back(std::move(first));
    }
    e->ops.push_back(op);
    e->operands.push_back(binary(0));
  }
  return e ? std::move(e) : std::move(first);
}

ExprPtr Parser::binary(size_t level) {
  if (level == kBinaryLevels.size())
    return factor();
  ExprPtr lhs = binary(level + 1);
  for (;;) {
    const auto &ops = kBinaryLevels[level];
    if (peek().kind != TokenKind::Op || std::find(ops.begin(), ops.end(), peek().text) == ops.end())
      return lhs;
    countOperator();
    ExprPtr e = make(Expr::BinOp, lhs->loc);
    e->op = next().text;
    e->operands.push_back(std::move(lhs));
    e->operands.push_back(binary(level + 1));
    lhs = std::move(e);
  }
}

/// Unary minus binds looser than '**' (`-x ** 2` is `-(x ** 2)`) and tighter
/// than the binary operators; the right side of '**' is a factor (`2 ** -1`).
ExprPtr Parser::factor() {
  if (atOp("-") || atOp("+") || atOp("~")) {
    Nesting nesting(*this);
    ExprPtr e = make(Expr::UnaryOp, loc(peek()));
    e->op = next().text;
    e->operands.push_back(factor());
    return e;
  }
  return power();
}

ExprPtr Parser::power() {
  ExprPtr base = primary();
  if (!atOp("**"))
    return base;
  Nesting nesting(*this);
  countOperator();
  ExprPtr e = make(Expr::BinOp, base->loc);
  e->op = next().text;
  e->operands.push_back(std::move(base));
  e->operands.push_back(factor());
  return e;
}

ExprPtr Parser::primary() {
  ExprPtr e = atom();
  for (;;) {
    if (atOp(".")) {
      countOperator();
      next();
      ExprPtr attribute = make(Expr::Attribute, e->loc);
      attribute->name = expectName("an attribute name after '.'");
      attribute->operands.push_back(std::move(e));
      e = std::move(attribute);
    } else if (atOp("(")) {
      countOperator();
      const SourceLocation open = loc(next());
      ExprPtr call = make(Expr::Call, e->loc);
      call->operands.push_back(std::move(e));
      call->args = arguments(open, true);
      e = std::move(call);
    } else if (atOp("[")) {
      countOperator();
      next();
      ExprPtr subscript = make(Expr::Subscript, e->loc);
      subscript->operands.push_back(std::move(e));
      subscript->operands.push_back(slices());
      expectOp("]", "to close the subscript");
      e = std::move(subscript);
    } else {
      return e;
    }
  }
}

ExprPtr Parser::atom() {
  const Token &t = peek();
  switch (t.kind) {
  case TokenKind::Name: {
    ExprPtr e = make(Expr::Name, loc(next()));
    e->name = t.text;
    return e;
  }
  case TokenKind::Int:
  case TokenKind::Float: {
    ExprPtr e = make(Expr::Constant, loc(next()));
    e->constKind = t.kind == TokenKind::Int ? Expr::ConstKind::Int : Expr::ConstKind::Float;
    e->intValue = t.intValue;
    e->floatValue = t.floatValue;
    return e;
  }
  case TokenKind::String: return strings();
  case TokenKind::Keyword:
    if (t.text == "None" || t.text == "True" || t.text == "False") {
      ExprPtr e = make(Expr::Constant, loc(next()));
      e->constKind = t.text == "None" ? Expr::ConstKind::None
                     : t.text == "True" ? Expr::ConstKind::True
                                        : Expr::ConstKind::False;
      return e;
    }
    if (t.text == "yield" || t.text == "await")
      refuseKeyword();
    break;
  case TokenKind::Op:
    if (t.text == "...") {
      ExprPtr e = make(Expr::Constant, loc(next()));
      e->constKind = Expr::ConstKind::Ellipsis;
      return e;
    }
    if (t.text == "(")
      return parenthesized();
    if (t.text == "[")
      return listDisplay();
    if (t.text == "{")
      return braceDisplay();
    break;
  case TokenKind::Indent:
    fail(t, "unexpected indent");
  default: break;
  }
  expected("an expression");
}

/// Adjacent string literals are one (2.4.2); with an f-string among them the
/// result is an f-string.
ExprPtr Parser::strings() {
  const SourceLocation at = loc(peek());
  const bool bytes = peek().isBytes;
  bool fstring = false;
  for (size_t k = 0; atKind(TokenKind::String, k); ++k) {
    if (peek(k).isBytes != bytes)
      fail(peek(k), "cannot mix bytes and nonbytes literals");
    fstring = fstring || peek(k).isFString;
  }
  if (!fstring) {
    ExprPtr e = make(Expr::Constant, at);
    e->constKind = bytes ? Expr::ConstKind::Bytes : Expr::ConstKind::Str;
    while (atKind(TokenKind::String))
      e->strValue += next().text;
    return e;
  }
  ExprPtr e = make(Expr::FString, at);
  while (atKind(TokenKind::String)) {
    const Token &t = next();
    std::vector<FStringPart> parts;
    if (t.isFString)
      parts = t.parts;
    else if (!t.text.empty())
      parts.push_back(FStringPart{false, t.text, t.line, t.column, 0, false, {}});
    ExprPtr piece = fstringParts(parts, loc(t));
    for (ExprPtr &part : piece->parts) {
      // Adjacent literal text is one Constant, as in CPython's JoinedStr.
      if (part->kind == Expr::Constant && !e->parts.empty() && e->parts.back()->kind == Expr::Constant)
        e->parts.back()->strValue += part->strValue;
      else
        e->parts.push_back(std::move(part));
    }
  }
  return e;
}

/// The parts of an f-string (or of a format spec) as an FString node.
ExprPtr Parser::fstringParts(const std::vector<FStringPart> &parts, const SourceLocation &at) {
  ExprPtr e = make(Expr::FString, at);
  for (const FStringPart &part : parts) {
    if (!part.isField) {
      ExprPtr text = make(Expr::Constant, {file_, part.line, part.column});
      text->constKind = Expr::ConstKind::Str;
      text->strValue = part.text;
      e->parts.push_back(std::move(text));
      continue;
    }
    LexResult lexed = lexFieldExpression(part.text, part.line, part.column);
    if (!lexed.ok)
      throw SyntaxError{"f-string: " + lexed.error, lexed.line, lexed.column};
    Parser sub(std::move(lexed.tokens), file_);
    sub.depth_ = depth_ + 1;
    ExprPtr field = make(Expr::FormattedValue, {file_, part.line, part.column});
    field->conversion = part.conversion;
    field->operands.push_back(sub.fieldExpression());
    if (part.hasSpec)
      field->spec = fstringParts(part.spec, {file_, part.line, part.column});
    e->parts.push_back(std::move(field));
  }
  return e;
}

/// An f-string field is parsed as `(star_expressions)` (CPython 3.11's fstring_compile_expr).
ExprPtr Parser::fieldExpression() {
  if (atKeyword("yield"))
    refuseKeyword();
  ExprPtr e = starExpressions();
  if (!atKind(TokenKind::End))
    fail(peek(), "f-string: expected the end of the expression, found " + tokenText(peek()));
  if (e->kind == Expr::Starred)
    fail(e->loc, "f-string: can't use starred expression here");
  return e;
}

ExprPtr Parser::parenthesized() {
  const SourceLocation at = loc(next());
  if (eatOp(")")) {
    ExprPtr e = make(Expr::Tuple, at);
    e->parenthesized = true;
    return e;
  }
  if (atKeyword("yield"))
    refuseKeyword();
  ExprPtr first = starNamedExpression();
  if (atKeyword("for") || atKeyword("async")) {
    ExprPtr e = comprehension(Expr::GeneratorExp, at, std::move(first));
    expectOp(")", "to close the generator expression");
    return e;
  }
  if (eatOp(")")) {
    if (first->kind == Expr::Starred)
      fail(first->loc, "cannot use starred expression here");
    first->parenthesized = true;
    return first;
  }
  if (!atOp(","))
    expected("',' or ')'");
  ExprPtr tuple = make(Expr::Tuple, at);
  tuple->parenthesized = true;
  tuple->operands.push_back(std::move(first));
  while (eatOp(",") && !atOp(")"))
    tuple->operands.push_back(starNamedExpression());
  expectOp(")", "to close the tuple");
  return tuple;
}

ExprPtr Parser::listDisplay() {
  const SourceLocation at = loc(next());
  ExprPtr e = make(Expr::List, at);
  if (eatOp("]"))
    return e;
  ExprPtr first = starNamedExpression();
  if (atKeyword("for") || atKeyword("async")) {
    e = comprehension(Expr::ListComp, at, std::move(first));
    expectOp("]", "to close the list comprehension");
    return e;
  }
  e->operands.push_back(std::move(first));
  while (eatOp(",") && !atOp("]"))
    e->operands.push_back(starNamedExpression());
  expectOp("]", "to close the list");
  return e;
}

ExprPtr Parser::braceDisplay() {
  const SourceLocation at = loc(next());
  ExprPtr dict = make(Expr::Dict, at);
  if (eatOp("}"))
    return dict;
  // One `key: value` or `**mapping` entry of a dict display.
  auto entry = [&](ExprPtr key) {
    if (!key && eatOp("**")) {
      dict->keys.emplace_back();
      dict->operands.push_back(binary(0));
      return;
    }
    if (!key)
      key = expression();
    expectOp(":", "after the dict key");
    dict->keys.push_back(std::move(key));
    dict->operands.push_back(expression());
  };
  if (atOp("**")) {
    entry(nullptr);
  } else {
    ExprPtr first = starNamedExpression();
    if (!atOp(":")) { // a set
      if (atKeyword("for") || atKeyword("async")) {
        ExprPtr e = comprehension(Expr::SetComp, at, std::move(first));
        expectOp("}", "to close the set comprehension");
        return e;
      }
      ExprPtr set = make(Expr::Set, at);
      set->operands.push_back(std::move(first));
      while (eatOp(",") && !atOp("}"))
        set->operands.push_back(starNamedExpression());
      expectOp("}", "to close the set");
      return set;
    }
    if (first->kind == Expr::Starred || (first->kind == Expr::NamedExpr && !first->parenthesized))
      fail(first->loc, "cannot use " + describe(*first) + " as a dict key here");
    entry(std::move(first));
    if (atKeyword("for") || atKeyword("async")) {
      ExprPtr e = comprehension(Expr::DictComp, at, std::move(dict->keys[0]), std::move(dict->operands[0]));
      expectOp("}", "to close the dict comprehension");
      return e;
    }
  }
  while (eatOp(",") && !atOp("}"))
    entry(nullptr);
  expectOp("}", "to close the dict");
  return dict;
}

ExprPtr Parser::comprehension(Expr::Kind kind, const SourceLocation &at, ExprPtr element, ExprPtr value) {
  if (element->kind == Expr::Starred)
    fail(element->loc, "iterable unpacking cannot be used in comprehension");
  ExprPtr e = make(kind, at);
  e->operands.push_back(std::move(element));
  if (value)
    e->operands.push_back(std::move(value));
  e->generators = generators();
  return e;
}

/// for_if_clauses: ('for' star_targets 'in' disjunction ('if' disjunction)*)+
std::vector<Comprehension> Parser::generators() {
  std::vector<Comprehension> out;
  while (atKeyword("for") || atKeyword("async")) {
    if (atKeyword("async"))
      fail(peek(), "'async' is not supported");
    next();
    Comprehension c;
    c.target = targetList();
    checkTarget(*c.target, "assign to");
    if (!eatKeyword("in"))
      expected("'in' in the comprehension");
    c.iter = disjunction();
    while (eatKeyword("if"))
      c.ifs.push_back(disjunction());
    out.push_back(std::move(c));
  }
  return out;
}

/// The arguments after the '(' at `open` up to its ')', with CPython's
/// ordering rules. A call (not a class's bases) may take a generator
/// expression without its own parentheses as its only argument.
std::vector<Argument> Parser::arguments(const SourceLocation &open, bool isCall) {
  std::vector<Argument> out;
  std::set<std::string> keywords;
  bool keyword = false, doubleStar = false;
  while (!atOp(")")) {
    Argument a;
    a.loc = loc(peek());
    if (eatOp("*")) {
      if (doubleStar)
        fail(a.loc, "iterable argument unpacking follows keyword argument unpacking");
      a.kind = Argument::Star;
      a.value = expression();
    } else if (eatOp("**")) {
      a.kind = Argument::DoubleStar;
      a.value = expression();
      doubleStar = true;
    } else if (atKind(TokenKind::Name) && atOp("=", 1)) {
      a.kind = Argument::Keyword;
      a.name = next().text;
      next();
      if (a.name == "__debug__")
        fail(a.loc, "cannot assign to __debug__");
      if (!keywords.insert(a.name).second)
        fail(a.loc, "keyword argument repeated: " + a.name);
      a.value = expression();
      keyword = true;
    } else {
      a.value = namedExpression();
      if (atOp("="))
        fail(a.value->loc, "expression cannot contain assignment, perhaps you meant \"==\"?");
      if (atKeyword("for") || atKeyword("async")) {
        const SourceLocation at = a.value->loc;
        a.value = comprehension(Expr::GeneratorExp, at, std::move(a.value));
        if (!out.empty() || !atOp(")") || !isCall)
          fail(a.value->loc, "Generator expression must be parenthesized");
      }
      if (doubleStar)
        fail(a.loc, "positional argument follows keyword argument unpacking");
      if (keyword)
        fail(a.loc, "positional argument follows keyword argument");
    }
    out.push_back(std::move(a));
    if (!eatOp(","))
      break;
  }
  if (!atOp(")"))
    expected("',' or ')' to close the arguments opened at line " + std::to_string(open.line));
  next();
  return out;
}

/// slices: one slice or expression, or a Tuple of them when there is a comma.
ExprPtr Parser::slices() {
  ExprPtr first = slice();
  if (!atOp(","))
    return first;
  ExprPtr tuple = make(Expr::Tuple, first->loc);
  tuple->operands.push_back(std::move(first));
  while (eatOp(",") && !atOp("]"))
    tuple->operands.push_back(slice());
  return tuple;
}

/// [lower] ':' [upper] [':' [step]], a named expression, or `*iterable`.
ExprPtr Parser::slice() {
  if (atOp("*"))
    return starExpression();
  const SourceLocation at = loc(peek());
  ExprPtr lower;
  if (!atOp(":")) {
    lower = namedExpression();
    if (!atOp(":"))
      return lower;
    if (lower->kind == Expr::NamedExpr && !lower->parenthesized)
      fail(lower->loc, "cannot use a named expression as a slice bound without parentheses");
  }
  next();
  ExprPtr e = make(Expr::Slice, at);
  e->operands.push_back(std::move(lower));
  auto bound = [&]() -> ExprPtr { return atOp(":") || atOp("]") || atOp(",") ? nullptr : expression(); };
  e->operands.push_back(bound());
  e->operands.push_back(eatOp(":") ? bound() : nullptr);
  return e;
}

} // namespace

std::unique_ptr<Module> parseModule(std::string_view text, std::shared_ptr<const std::string> file,
                                    DiagnosticEngine &diags) {
  LexResult lexed = lexModule(text);
  if (!lexed.ok) {
    diags.error(DiagCode::PythonSyntax, {file, lexed.line, lexed.column}, lexed.error);
    return nullptr;
  }
  auto module = std::make_unique<Module>();
  module->file = file;
  try {
    module->body = Parser(std::move(lexed.tokens), file).file();
  } catch (const SyntaxError &e) {
    diags.error(DiagCode::PythonSyntax, {file, e.line, e.column}, e.message);
    return nullptr;
  }
  return module;
}

} // namespace rulec::python
