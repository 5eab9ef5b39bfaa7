//===- IR.cpp - IR construction and printing ------------------------------===//
#include "IR.h"

#include <ostream>

namespace rulec::ir {

std::unique_ptr<Expr> Expr::makeConst(bool v, SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = Op::Const;
  e->boolValue = v;
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeLeaf(Op op, uint32_t slot, SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->slot = slot;
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeNary(Op op, std::vector<std::unique_ptr<Expr>> ops,
                                     SourceLocation loc) {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->operands = std::move(ops);
  e->loc = std::move(loc);
  return e;
}

std::unique_ptr<Expr> Expr::makeNot(std::unique_ptr<Expr> operand, SourceLocation loc) {
  std::vector<std::unique_ptr<Expr>> ops;
  ops.push_back(std::move(operand));
  return makeNary(Op::Not, std::move(ops), std::move(loc));
}

static const char *typeSuffix(const Scalar &c) {
  switch (c.kind) {
  case Scalar::Null: return "null";
  case Scalar::Bool: return "bool";
  case Scalar::Int: return "int";
  case Scalar::Double: return "float";
  case Scalar::String: return "str";
  }
  return "?";
}

std::string opName(const Expr &e) {
  switch (e.op) {
  case Op::Const: return e.boolValue ? "true" : "false";
  case Op::Not: return "not";
  case Op::And: return "and";
  case Op::Or: return "or";
  case Op::ExactlyOne: return "exactly_one";
  case Op::Exists: return "exists";
  case Op::IsNull: return "is_null";
  case Op::Eq: return std::string("eq.") + typeSuffix(e.constant);
  case Op::EqFold: return "ieq.str";
  }
  return "?";
}

uint32_t Pack::internField(const FieldSpec &field) {
  for (uint32_t i = 0; i < fields.size(); ++i)
    if (fields[i] == field)
      return i;
  fields.push_back(field);
  return static_cast<uint32_t>(fields.size() - 1);
}

uint32_t Pack::internLogType(const std::string &name) {
  for (uint32_t i = 0; i < logTypes.size(); ++i)
    if (logTypes[i] == name)
      return i;
  logTypes.push_back(name);
  return static_cast<uint32_t>(logTypes.size() - 1);
}

PackInfo Pack::info() const {
  PackInfo out;
  out.fields = fields;
  out.logTypes = logTypes;
  for (const Rule &r : rules)
    out.rules.push_back(r.info);
  return out;
}

static std::string at(const SourceLocation &loc) {
  return loc.valid() ? "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

static void printExpr(const Expr &e, int depth, std::ostream &os) {
  os << std::string(2 * depth, ' ') << opName(e);
  switch (e.op) {
  case Op::Exists:
  case Op::IsNull:
    os << " $" << e.slot;
    break;
  case Op::Eq:
  case Op::EqFold:
    os << " $" << e.slot << ", " << e.constant.repr();
    break;
  default:
    break;
  }
  os << at(e.loc) << "\n";
  for (const auto &operand : e.operands)
    printExpr(*operand, depth + 1, os);
}

void print(const Pack &pack, std::ostream &os) {
  for (uint32_t i = 0; i < pack.logTypes.size(); ++i)
    os << "logtype #" << i << " \"" << pack.logTypes[i] << "\"\n";
  for (uint32_t i = 0; i < pack.fields.size(); ++i)
    os << "field $" << i << " = " << pack.fields[i].str()
       << (pack.fields[i].keyMatch == KeyMatch::ExactThenCaseInsensitive ? "  keys=ci" : "")
       << "\n";
  for (uint32_t r = 0; r < pack.rules.size(); ++r) {
    const Rule &rule = pack.rules[r];
    const RuleInfo &info = rule.info;
    os << "\nrule @" << r << " \"" << info.id << "\" logtypes=[";
    for (size_t i = 0; i < info.logTypes.size(); ++i)
      os << (i ? "," : "") << "#" << info.logTypes[i];
    os << "] severity=" << info.severity << " threshold=" << info.threshold
       << " dedup=" << info.dedupPeriodMinutes << "m";
    if (rule.loc.valid())
      os << "  " << rule.loc.str();
    os << "\n";
    if (!info.title.empty()) {
      os << "  title:";
      for (const TemplatePiece &p : info.title) {
        if (p.isField)
          os << " $" << p.slot << "?\"" << p.fallback << "\"";
        else
          os << " " << Scalar::makeString(p.text).repr();
      }
      os << "\n";
    }
    printExpr(*rule.predicate, 1, os);
  }
}

} // namespace rulec::ir
