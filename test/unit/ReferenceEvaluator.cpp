//===- ReferenceEvaluator.cpp ---------------------------------------------===//
#include "ReferenceEvaluator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace rulec::test {

namespace {

/// Python's int == float: true only if the float is exactly that integer.
bool intEqualsFloat(int64_t i, double d) {
  if (!std::isfinite(d) || std::trunc(d) != d || d < -0x1p63 || d >= 0x1p63)
    return false;
  return static_cast<int64_t>(d) == i;
}

bool equals(const rulec_value &v, const Scalar &c) {
  const bool numeric = v.kind == RULEC_INT || v.kind == RULEC_BOOL || v.kind == RULEC_DOUBLE;
  switch (c.kind) {
  case Scalar::Null:
    return v.kind == RULEC_MISSING || v.kind == RULEC_NULL;
  case Scalar::String:
    return v.kind == RULEC_STRING && std::string(v.payload.s, v.len) == c.s;
  case Scalar::Int:
  case Scalar::Bool: {
    const int64_t ci = c.kind == Scalar::Int ? c.i : c.b;
    if (!numeric)
      return false;
    return v.kind == RULEC_DOUBLE ? intEqualsFloat(ci, v.payload.d) : v.payload.i == ci;
  }
  case Scalar::Double:
    if (!numeric)
      return false;
    return v.kind == RULEC_DOUBLE ? v.payload.d == c.d : intEqualsFloat(v.payload.i, c.d);
  }
  return false;
}

} // namespace

bool referenceEval(const ir::Expr &e, const rulec_value *slots) {
  const rulec_value &v = slots[e.slot];
  switch (e.op) {
  case ir::Op::Const: return e.boolValue;
  case ir::Op::Not: return !referenceEval(*e.operands[0], slots);
  case ir::Op::And:
    return std::all_of(e.operands.begin(), e.operands.end(),
                       [&](const auto &o) { return referenceEval(*o, slots); });
  case ir::Op::Or:
    return std::any_of(e.operands.begin(), e.operands.end(),
                       [&](const auto &o) { return referenceEval(*o, slots); });
  case ir::Op::ExactlyOne:
    return std::count_if(e.operands.begin(), e.operands.end(),
                         [&](const auto &o) { return referenceEval(*o, slots); }) == 1;
  case ir::Op::Exists: return v.kind != RULEC_MISSING;
  case ir::Op::IsNull: return v.kind == RULEC_MISSING || v.kind == RULEC_NULL;
  case ir::Op::Eq: return equals(v, e.constant);
  case ir::Op::EqFold: {
    if (v.kind != RULEC_STRING)
      return false;
    std::string s(v.payload.s, v.len);
    for (char &ch : s)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s == e.constant.s;
  }
  }
  return false;
}

std::vector<uint32_t> referenceEvalPack(const ir::Pack &pack, const rulec_value *slots,
                                        uint32_t logType) {
  std::vector<uint32_t> out;
  for (uint32_t r = 0; r < pack.rules.size(); ++r) {
    const auto &types = pack.rules[r].info.logTypes;
    if (std::find(types.begin(), types.end(), logType) != types.end() &&
        referenceEval(*pack.rules[r].predicate, slots))
      out.push_back(r);
  }
  return out;
}

} // namespace rulec::test
