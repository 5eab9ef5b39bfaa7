//===- KqlAst.cpp - KQL AST dump and text ---------------------------------===//
#include "kql/KqlAst.h"

#include "events/EventTime.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace rulec::kql {

namespace {

std::string at(const SourceLocation &loc) {
  return loc.valid() ? "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

std::string indent(int depth) { return std::string(2 * depth, ' '); }

/// A name as KQL spells it: bare when it can be, else ["..."].
std::string nameText(const std::string &name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (size_t i = 0; i < name.size() && plain; ++i) {
    const char c = name[i];
    plain = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c == '$' && i == 0);
  }
  return plain ? name : "[" + Scalar::makeString(name).repr() + "]";
}

/// The largest unit that divides the span exactly: 90d, 36h, 100ms.
std::string timespanText(int64_t nanos) {
  static const struct {
    const char *name;
    int64_t nanos;
  } kUnits[] = {{"d", 86400'000'000'000},
                {"h", 3600'000'000'000},
                {"m", 60'000'000'000},
                {"s", 1'000'000'000},
                {"ms", 1'000'000},
                {"microsecond", 1'000},
                {"tick", 100}};
  if (nanos == 0)
    return "0s";
  for (const auto &u : kUnits)
    if (nanos % u.nanos == 0)
      return std::to_string(nanos / u.nanos) + u.name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%09llds", nanos < 0 ? "-" : "",
                static_cast<long long>(std::llabs(nanos) / 1'000'000'000),
                static_cast<long long>(std::llabs(nanos) % 1'000'000'000));
  return buf;
}

const char *literalTypeName(Literal::Type type) {
  switch (type) {
  case Literal::String: return "string";
  case Literal::Long: return "long";
  case Literal::Real: return "real";
  case Literal::Bool: return "bool";
  case Literal::DateTime: return "datetime";
  case Literal::TimeSpan: return "timespan";
  case Literal::Guid: return "guid";
  case Literal::Null: return "null";
  }
  return "?";
}

std::string literalText(const Literal &l) {
  switch (l.type) {
  case Literal::String: return l.value.repr();
  case Literal::Long: return std::to_string(l.value.i);
  case Literal::Real:
    if (std::isnan(l.value.d))
      return "real(nan)";
    if (std::isinf(l.value.d))
      return l.value.d > 0 ? "real(+inf)" : "real(-inf)";
    return l.value.repr();
  case Literal::Bool: return l.value.b ? "true" : "false";
  case Literal::DateTime: return "datetime(" + formatTimestamp(l.value.i) + ")";
  case Literal::TimeSpan: return timespanText(l.value.i);
  case Literal::Guid: return "guid(" + l.value.s + ")";
  case Literal::Null: return "dynamic(null)";
  }
  return "?";
}

/// Binding strength, to parenthesize only where the text needs it.
int precedence(const Expr &e) {
  if (e.kind == Expr::Binary) {
    if (e.op == "or")
      return 1;
    if (e.op == "and")
      return 2;
    if (e.op == "+" || e.op == "-")
      return 4;
    if (e.op == "*" || e.op == "/" || e.op == "%")
      return 5;
    return 3;
  }
  if (e.kind == Expr::In || e.kind == Expr::Between)
    return 3;
  return e.kind == Expr::Unary ? 6 : 7;
}

std::string tabularText(const TabularExpr &t);

std::string operand(const Expr &e, int minPrecedence) {
  const std::string text = toString(e);
  return precedence(e) < minPrecedence ? "(" + text + ")" : text;
}

std::string joined(const std::vector<ExprPtr> &items, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i)
    out += (i > from ? ", " : "") + toString(*items[i]);
  return out;
}

/// A dynamic value inside dynamic(...): JSON-like, without the wrapper.
std::string dynamicText(const Expr &e) {
  if (e.kind == Expr::Literal && e.literal.type == Literal::Null)
    return "null";
  if (e.kind != Expr::Dynamic)
    return toString(e);
  std::string out = e.dynamicIsObject ? "{" : "[";
  for (size_t i = 0; i < e.operands.size(); ++i) {
    out += i ? ", " : "";
    if (e.dynamicIsObject)
      out += Scalar::makeString(e.keys[i]).repr() + ": ";
    out += dynamicText(*e.operands[i]);
  }
  return out + (e.dynamicIsObject ? "}" : "]");
}

std::string assignmentsText(const std::vector<Assignment> &list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i)
    out += (i ? ", " : "") + (list[i].name.empty() ? "" : nameText(list[i].name) + " = ") +
           toString(*list[i].value);
  return out;
}

std::string operatorText(const Operator &op) {
  std::string out = op.name;
  if (op.generic)
    return op.rawArgs.empty() ? out : out + " " + op.rawArgs;
  if (op.predicate)
    out += " " + toString(*op.predicate);
  if (!op.assignments.empty())
    out += " " + assignmentsText(op.assignments);
  if (op.name == "datatable") {
    out += " (";
    for (size_t i = 0; i < op.columns.size(); ++i)
      out += (i ? ", " : "") + op.columns[i] + ":" + op.columnTypes[i];
    out += ") [";
    for (size_t i = 0; i < op.values.size(); ++i)
      out += (i ? ", " : "") + toString(*op.values[i]);
    return out + "]";
  }
  if (op.name == "union" || op.name == "join" || op.name == "lookup") {
    if (!op.kind.empty())
      out += " kind=" + op.kind;
    if (!op.withSource.empty())
      out += " withsource=" + op.withSource;
    for (size_t i = 0; i < op.tables.size(); ++i)
      out += (i ? ", (" : " (") + tabularText(*op.tables[i]) + ")";
    return op.on ? out + " on " + toString(*op.on) : out;
  }
  if (op.name == "range")
    return out + " " + op.columns[0] + " from " + toString(*op.values[0]) + " to " + toString(*op.values[1]) +
           " step " + toString(*op.values[2]);
  for (size_t i = 0; i < op.columns.size(); ++i)
    out += (i ? ", " : " ") + op.columns[i] +
           (i < op.columnOrders.size() && !op.columnOrders[i].empty() ? " " + op.columnOrders[i] : "");
  if (op.name == "take" || op.name == "limit" || op.name == "top")
    out += " " + std::to_string(op.count);
  if (op.by.empty())
    return out;
  out += op.name == "distinct" ? " " : " by ";
  for (size_t i = 0; i < op.by.size(); ++i) {
    out += i ? ", " : "";
    out += op.by[i].name.empty() ? "" : nameText(op.by[i].name) + " = ";
    out += toString(*op.by[i].value);
    if (i < op.descending.size())
      out += op.descending[i] ? " desc" : " asc";
  }
  return out;
}

std::string tabularText(const TabularExpr &t) {
  std::string out = t.source;
  for (const Operator &op : t.ops)
    out += (out.empty() ? "" : " | ") + operatorText(op);
  return out;
}

void dumpTabular(const TabularExpr &t, int depth, std::ostream &os);

void dumpExpr(const Expr &e, int depth, std::ostream &os, const std::string &prefix = "") {
  os << indent(depth) << prefix;
  switch (e.kind) {
  case Expr::Literal:
    os << "Literal " << literalTypeName(e.literal.type);
    if (e.literal.type != Literal::Null)
      os << " " << literalText(e.literal);
    break;
  case Expr::Dynamic: os << "Dynamic " << (e.dynamicIsObject ? "object" : "array"); break;
  case Expr::Name: os << "Name " << nameText(e.name); break;
  case Expr::Member: os << "Member ." << nameText(e.name); break;
  case Expr::Index: os << "Index"; break;
  case Expr::Call: os << "Call " << e.name; break;
  case Expr::Unary: os << "Unary " << e.op; break;
  case Expr::Binary: os << "Binary " << e.op; break;
  case Expr::In: os << "In " << e.op; break;
  case Expr::Between: os << "Between " << e.op; break;
  case Expr::Star: os << "Star"; break;
  case Expr::Table: os << "Table"; break;
  }
  os << at(e.loc) << "\n";
  const bool keyed = e.kind == Expr::Dynamic && e.dynamicIsObject;
  for (size_t i = 0; i < e.operands.size(); ++i)
    dumpExpr(*e.operands[i], depth + 1, os,
             keyed                                            ? Scalar::makeString(e.keys[i]).repr() + ": "
             : i < e.keys.size() && !e.keys[i].empty() ? nameText(e.keys[i]) + " = "
                                                              : "");
  if (e.table)
    dumpTabular(*e.table, depth + 1, os);
}

void dumpAssignments(const char *label, const std::vector<Assignment> &list,
                     const std::vector<bool> &descending, int depth, std::ostream &os) {
  if (list.empty())
    return;
  os << indent(depth) << label << "\n";
  for (size_t i = 0; i < list.size(); ++i) {
    std::string prefix = list[i].name.empty() ? "" : nameText(list[i].name) + " = ";
    if (i < descending.size())
      prefix += descending[i] ? "desc " : "asc ";
    dumpExpr(*list[i].value, depth + 1, os, prefix);
  }
}

void dumpOperator(const Operator &op, int depth, std::ostream &os) {
  os << indent(depth) << op.name;
  if (op.generic)
    os << " generic " << Scalar::makeString(op.rawArgs).repr();
  else if (op.name == "take" || op.name == "limit" || op.name == "top")
    os << " " << op.count;
  for (size_t i = 0; i < op.columns.size(); ++i)
    os << (i ? ", " : " ") << op.columns[i] << (i < op.columnTypes.size() ? ":" + op.columnTypes[i] : "")
       << (i < op.columnOrders.size() && !op.columnOrders[i].empty() ? " " + op.columnOrders[i] : "");
  os << at(op.loc) << "\n";
  if (!op.kind.empty())
    os << indent(depth + 1) << "kind " << op.kind << "\n";
  if (!op.withSource.empty())
    os << indent(depth + 1) << (op.name == "union" ? "withsource " : "with_itemindex ") << op.withSource << "\n";
  for (const ExprPtr &v : op.values)
    dumpExpr(*v, depth + 1, os);
  for (const auto &t : op.tables)
    dumpTabular(*t, depth + 1, os);
  if (op.on)
    dumpExpr(*op.on, depth + 1, os, "on ");
  if (op.predicate)
    dumpExpr(*op.predicate, depth + 1, os);
  dumpAssignments("assign", op.assignments, {}, depth + 1, os);
  dumpAssignments("by", op.by, op.descending, depth + 1, os);
}

void dumpTabular(const TabularExpr &t, int depth, std::ostream &os) {
  os << indent(depth) << "Tabular " << (t.source.empty() ? "(no source)" : t.source) << at(t.loc)
     << "\n";
  for (const Operator &op : t.ops)
    dumpOperator(op, depth + 1, os);
}

} // namespace

void dumpQuery(const Query &query, std::ostream &os) {
  os << "Query\n";
  for (const LetStmt &let : query.lets) {
    const std::string kind = let.function ? "function " + Scalar::makeString(let.rawBody).repr()
                             : let.table  ? "table"
                                          : "scalar";
    os << "  let " << nameText(let.name) << " = " << kind << at(let.loc) << "\n";
    if (let.scalar)
      dumpExpr(*let.scalar, 2, os);
    if (let.table)
      dumpTabular(*let.table, 2, os);
  }
  if (query.body)
    dumpTabular(*query.body, 1, os);
}

std::string toString(const Expr &e) {
  switch (e.kind) {
  case Expr::Literal: return literalText(e.literal);
  case Expr::Dynamic: return "dynamic(" + dynamicText(e) + ")";
  case Expr::Name: return nameText(e.name);
  case Expr::Member: return operand(*e.operands[0], 7) + "." + nameText(e.name);
  case Expr::Index: return operand(*e.operands[0], 7) + "[" + toString(*e.operands[1]) + "]";
  case Expr::Call: {
    if (e.table)
      return e.name + "(" + tabularText(*e.table) + ")";
    std::string args;
    for (size_t i = 0; i < e.operands.size(); ++i)
      args += (i ? ", " : "") + (i < e.keys.size() && !e.keys[i].empty() ? nameText(e.keys[i]) + "=" : "") +
              toString(*e.operands[i]);
    return e.name + "(" + args + ")";
  }
  case Expr::Unary: return e.op + operand(*e.operands[0], 6);
  case Expr::Binary: {
    const int p = precedence(e);
    return operand(*e.operands[0], p) + " " + e.op + " " + operand(*e.operands[1], p + 1);
  }
  case Expr::In:
    return operand(*e.operands[0], 4) + " " + e.op + " (" +
           (e.table ? tabularText(*e.table) : joined(e.operands, 1)) + ")";
  case Expr::Between:
    return operand(*e.operands[0], 4) + " " + e.op + " (" + toString(*e.operands[1]) + " .. " +
           toString(*e.operands[2]) + ")";
  case Expr::Star: return "*";
  case Expr::Table: return "(" + tabularText(*e.table) + ")";
  }
  return "?";
}

} // namespace rulec::kql
