//===- PythonAst.cpp - Python AST dump ------------------------------------===//
#include "python/PythonAst.h"

#include "output/TitleRenderer.h"

#include <cstdio>
#include <ostream>

namespace rulec::python {

namespace {

std::string at(const SourceLocation &loc) {
  return loc.valid() ? "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

std::string indent(int depth) { return std::string(2 * depth, ' '); }

std::string hexEscape(unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", value);
  return buf;
}

/// repr() of a str (UTF-8: C0 and C1 controls and DEL escaped) or, with
/// `bytes`, of a bytes value (every byte outside printable ASCII escaped).
std::string reprText(const std::string &value, bool bytes) {
  const bool doubleQuotes = value.find('\'') != std::string::npos && value.find('"') == std::string::npos;
  const char quote = doubleQuotes ? '"' : '\'';
  std::string out = bytes ? "b" : "";
  out += quote;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (byte < 0x20 || byte == 0x7F || (bytes && byte > 0x7F))
      out += hexEscape(byte);
    else if (!bytes && byte == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) < 0xA0)
      out += hexEscape(static_cast<unsigned char>(value[++i])); // C1 controls U+0080..U+009F
    else
      out += c;
  }
  return out + quote;
}

std::string constantText(const Expr &e) {
  switch (e.constKind) {
  case Expr::ConstKind::None: return "None";
  case Expr::ConstKind::True: return "True";
  case Expr::ConstKind::False: return "False";
  case Expr::ConstKind::Ellipsis: return "Ellipsis";
  case Expr::ConstKind::Int: return "int " + std::to_string(e.intValue);
  case Expr::ConstKind::Float: return "float " + pythonFloatRepr(e.floatValue);
  case Expr::ConstKind::Str: return "str " + reprString(e.strValue);
  case Expr::ConstKind::Bytes: return "bytes " + reprText(e.strValue, true);
  }
  return "?";
}

class Dumper {
public:
  explicit Dumper(std::ostream &os) : os_(os) {}

  void block(const char *label, const Block &body, int depth) {
    if (body.empty())
      return;
    os_ << indent(depth) << label << "\n";
    for (const StmtPtr &s : body)
      stmt(*s, depth + 1);
  }

  void stmt(const Stmt &s, int depth);
  void expr(const Expr &e, int depth, const std::string &prefix = "");

private:
  void optional(const ExprPtr &e, int depth, const std::string &prefix) {
    if (e)
      expr(*e, depth, prefix);
  }
  void params(const std::vector<Parameter> &list, int depth);
  void arguments(const std::vector<Argument> &list, int depth);
  void generators(const std::vector<Comprehension> &list, int depth);
  void pattern(const Pattern &p, int depth, const std::string &prefix);

  std::ostream &os_;
};

void Dumper::params(const std::vector<Parameter> &list, int depth) {
  for (const Parameter &p : list) {
    static const char *const kKinds[] = {"positional-only ", "", "*", "keyword-only ", "**"};
    os_ << indent(depth) << "param " << kKinds[p.kind] << p.name << at(p.loc) << "\n";
    optional(p.annotation, depth + 1, "annotation ");
    optional(p.defaultValue, depth + 1, "default ");
  }
}

void Dumper::arguments(const std::vector<Argument> &list, int depth) {
  for (const Argument &a : list) {
    switch (a.kind) {
    case Argument::Positional: expr(*a.value, depth, "arg "); break;
    case Argument::Keyword: expr(*a.value, depth, "arg " + a.name + "="); break;
    case Argument::Star: expr(*a.value, depth, "arg *"); break;
    case Argument::DoubleStar: expr(*a.value, depth, "arg **"); break;
    }
  }
}

void Dumper::generators(const std::vector<Comprehension> &list, int depth) {
  for (const Comprehension &c : list) {
    os_ << indent(depth) << "for\n";
    expr(*c.target, depth + 1, "target ");
    expr(*c.iter, depth + 1, "in ");
    for (const ExprPtr &cond : c.ifs)
      expr(*cond, depth + 1, "if ");
  }
}

void Dumper::pattern(const Pattern &p, int depth, const std::string &prefix) {
  os_ << indent(depth) << prefix;
  switch (p.kind) {
  case Pattern::Value:
    os_ << "MatchValue" << at(p.loc) << "\n";
    expr(*p.value, depth + 1);
    return;
  case Pattern::Capture: os_ << (p.name == "_" ? "MatchWildcard" : "MatchCapture " + p.name); break;
  case Pattern::Or: os_ << "MatchOr"; break;
  case Pattern::As: os_ << "MatchAs " << p.name; break;
  }
  os_ << at(p.loc) << "\n";
  for (const Pattern &alternative : p.alternatives)
    pattern(alternative, depth + 1, "");
}

void Dumper::expr(const Expr &e, int depth, const std::string &prefix) {
  os_ << indent(depth) << prefix;
  switch (e.kind) {
  case Expr::Name: os_ << "Name " << e.name; break;
  case Expr::Constant: os_ << "Constant " << constantText(e); break;
  case Expr::FString: os_ << "FString"; break;
  case Expr::FormattedValue:
    os_ << "FormattedValue";
    if (e.conversion)
      os_ << " !" << e.conversion;
    break;
  case Expr::BoolOp:
  case Expr::UnaryOp:
  case Expr::BinOp: os_ << (e.kind == Expr::BoolOp ? "BoolOp " : e.kind == Expr::UnaryOp ? "UnaryOp " : "BinOp ") << e.op; break;
  case Expr::Compare:
    os_ << "Compare";
    for (size_t i = 0; i < e.ops.size(); ++i)
      os_ << (i ? ", " : " ") << e.ops[i];
    break;
  case Expr::IfExp: os_ << "IfExp"; break;
  case Expr::NamedExpr: os_ << "NamedExpr " << e.name; break;
  case Expr::Lambda: os_ << "Lambda"; break;
  case Expr::Call: os_ << "Call"; break;
  case Expr::Attribute: os_ << "Attribute ." << e.name; break;
  case Expr::Subscript: os_ << "Subscript"; break;
  case Expr::Slice: os_ << "Slice"; break;
  case Expr::Starred: os_ << "Starred"; break;
  case Expr::Tuple: os_ << "Tuple"; break;
  case Expr::List: os_ << "List"; break;
  case Expr::Set: os_ << "Set"; break;
  case Expr::Dict: os_ << "Dict"; break;
  case Expr::ListComp: os_ << "ListComp"; break;
  case Expr::SetComp: os_ << "SetComp"; break;
  case Expr::GeneratorExp: os_ << "GeneratorExp"; break;
  case Expr::DictComp: os_ << "DictComp"; break;
  }
  os_ << at(e.loc) << "\n";
  const int child = depth + 1;
  switch (e.kind) {
  case Expr::FString:
    for (const ExprPtr &part : e.parts)
      expr(*part, child);
    break;
  case Expr::FormattedValue:
    expr(*e.operands[0], child);
    optional(e.spec, child, "spec ");
    break;
  case Expr::IfExp:
    expr(*e.operands[1], child, "test ");
    expr(*e.operands[0], child, "body ");
    expr(*e.operands[2], child, "orelse ");
    break;
  case Expr::Lambda:
    params(e.params, child);
    expr(*e.operands[0], child, "body ");
    break;
  case Expr::Call:
    expr(*e.operands[0], child, "func ");
    arguments(e.args, child);
    break;
  case Expr::Subscript:
    expr(*e.operands[0], child);
    expr(*e.operands[1], child, "index ");
    break;
  case Expr::Slice:
    optional(e.operands[0], child, "lower ");
    optional(e.operands[1], child, "upper ");
    optional(e.operands[2], child, "step ");
    break;
  case Expr::Dict:
    for (size_t i = 0; i < e.operands.size(); ++i) {
      if (e.keys[i])
        expr(*e.keys[i], child, "key ");
      expr(*e.operands[i], child, e.keys[i] ? "value " : "** ");
    }
    break;
  case Expr::ListComp:
  case Expr::SetComp:
  case Expr::GeneratorExp:
  case Expr::DictComp:
    expr(*e.operands[0], child, e.kind == Expr::DictComp ? "key " : "element ");
    if (e.kind == Expr::DictComp)
      expr(*e.operands[1], child, "value ");
    generators(e.generators, child);
    break;
  default:
    for (const ExprPtr &operand : e.operands)
      expr(*operand, child);
  }
}

void Dumper::stmt(const Stmt &s, int depth) {
  static const char *const kNames[] = {
      "Expr",     "Assign", "AugAssign", "AnnAssign", "Return", "Pass",       "Break",
      "Continue", "Raise",  "Global",    "Nonlocal",  "Delete", "Assert",     "Import",
      "ImportFrom", "If",   "While",     "For",       "Try",    "With",       "FunctionDef",
      "ClassDef", "Match",
  };
  os_ << indent(depth) << kNames[s.kind];
  if (s.kind == Stmt::AugAssign)
    os_ << " " << s.op << "=";
  if (s.kind == Stmt::ImportFrom)
    os_ << " " << std::string(s.level, '.') << s.name;
  if (s.kind == Stmt::FunctionDef || s.kind == Stmt::ClassDef)
    os_ << " " << s.name;
  for (size_t i = 0; i < s.names.size(); ++i)
    os_ << (i ? ", " : " ") << s.names[i];
  os_ << at(s.loc) << "\n";
  const int child = depth + 1;
  for (const Alias &a : s.aliases)
    os_ << indent(child) << "alias " << a.name << (a.asname.empty() ? "" : " as " + a.asname) << at(a.loc) << "\n";
  for (const ExprPtr &d : s.decorators)
    expr(*d, child, "decorator ");
  params(s.params, child);
  arguments(s.args, child);
  if (s.kind == Stmt::FunctionDef)
    optional(s.annotation, child, "returns ");
  for (const ExprPtr &t : s.targets)
    expr(*t, child, "target ");
  if (s.kind == Stmt::AnnAssign)
    expr(*s.annotation, child, "annotation ");
  optional(s.test, child, "test ");
  if (s.kind == Stmt::For)
    expr(*s.value, child, "in ");
  else if (s.kind == Stmt::Assert)
    optional(s.value, child, "message ");
  else if (s.kind == Stmt::Match)
    expr(*s.value, child, "subject ");
  else
    optional(s.value, child, "");
  optional(s.cause, child, "from ");
  for (const WithItem &item : s.items) {
    expr(*item.context, child, "item ");
    optional(item.target, child + 1, "as ");
  }
  block("body", s.body, child);
  for (const ExceptHandler &h : s.handlers) {
    os_ << indent(child) << "except" << (h.name.empty() ? "" : " as " + h.name) << at(h.loc) << "\n";
    optional(h.type, child + 1, "type ");
    block("body", h.body, child + 1);
  }
  for (const MatchCase &c : s.cases) {
    os_ << indent(child) << "case" << at(c.pattern.loc) << "\n";
    pattern(c.pattern, child + 1, "");
    optional(c.guard, child + 1, "if ");
    block("body", c.body, child + 1);
  }
  block("orelse", s.orelse, child);
  block("finally", s.finalbody, child);
}

} // namespace

std::string reprString(const std::string &value) { return reprText(value, false); }

void dumpModule(const Module &module, std::ostream &os) {
  os << "Module" << (module.file ? " " + *module.file : "") << "\n";
  Dumper dumper(os);
  for (const StmtPtr &s : module.body)
    dumper.stmt(*s, 1);
}

} // namespace rulec::python
