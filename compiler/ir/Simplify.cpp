//===- Simplify.cpp -------------------------------------------------------===//
#include "ir/Simplify.h"

namespace rulec::ir {

std::unique_ptr<Expr> simplify(std::unique_ptr<Expr> e) {
  for (auto &operand : e->operands)
    operand = simplify(std::move(operand));

  switch (e->op) {
  case Op::Not: {
    Expr &inner = *e->operands[0];
    if (inner.op == Op::Not)
      return std::move(inner.operands[0]);
    if (inner.op == Op::Const)
      return Expr::makeConst(!inner.boolValue, e->loc);
    return e;
  }
  case Op::And:
  case Op::Or: {
    const bool absorbing = e->op == Op::Or; // true absorbs an or; false absorbs an and
    std::vector<std::unique_ptr<Expr>> flat;
    for (auto &operand : e->operands) {
      if (operand->op == Op::Const) {
        if (operand->boolValue == absorbing)
          return Expr::makeConst(absorbing, e->loc);
        continue; // the neutral constant
      }
      if (operand->op == e->op) {
        for (auto &inner : operand->operands)
          flat.push_back(std::move(inner));
        continue;
      }
      flat.push_back(std::move(operand));
    }
    if (flat.empty())
      return Expr::makeConst(!absorbing, e->loc);
    if (flat.size() == 1)
      return std::move(flat[0]);
    e->operands = std::move(flat);
    return e;
  }
  case Op::ExactlyOne:
    if (e->operands.size() == 1)
      return std::move(e->operands[0]);
    return e;
  default:
    return e;
  }
}

void simplify(Pack &pack) {
  for (Rule &rule : pack.rules) {
    rule.predicate = simplify(std::move(rule.predicate));
    for (auto &p : rule.severityPredicates)
      p = simplify(std::move(p));
  }
}

} // namespace rulec::ir
