//===- LiteralSets.cpp ----------------------------------------------------===//
#include "ir/LiteralSets.h"

#include <map>

namespace rulec::ir {

namespace {

using Key = std::pair<uint32_t, LiteralSet::Kind>; // (slot, kind)

bool candidate(const Expr &e, LiteralSet::Kind &kind) {
  if (e.subject || e.constant.kind != Scalar::String)
    return false;
  const std::string &needle = e.constant.s;
  switch (e.op) {
  case Op::ContainsFold:
    if (!LiteralSet::scannable(needle))
      return false;
    kind = LiteralSet::Kind::Contains;
    return true;
  case Op::EqFold:
    kind = LiteralSet::Kind::Equals;
    return true;
  case Op::StartsWithFold:
  case Op::EndsWithFold:
    if (needle.empty())
      return false;
    kind = e.op == Op::StartsWithFold ? LiteralSet::Kind::StartsWith : LiteralSet::Kind::EndsWith;
    return true;
  default:
    return false;
  }
}

/// Visits the leaves of the top-level scope (not inside element ops).
template <typename F> void forEachLeaf(Expr &e, const F &f) {
  if (isElementOp(e.op))
    return;
  f(e);
  for (auto &operand : e.operands)
    forEachLeaf(*operand, f);
}

} // namespace

void assignLiteralSets(Pack &pack, size_t minLeaves) {
  std::map<Key, std::map<std::string, uint32_t>> needles; // needle -> index, in first-seen order
  std::map<uint32_t, size_t> leaves;                      // per slot, of all kinds
  for (Rule &rule : pack.rules)
    forEachLeaf(*rule.predicate, [&](Expr &e) {
      LiteralSet::Kind kind;
      if (candidate(e, kind)) {
        auto &set = needles[{e.slot, kind}];
        set.emplace(e.constant.s, static_cast<uint32_t>(set.size()));
        ++leaves[e.slot];
      }
    });
  std::map<Key, int32_t> setOf;
  for (const auto &[key, set] : needles) {
    // A field is worth matching once per event when many leaves test it:
    // distinct needles, or one needle many rules share (a logsource's
    // channel). Then all its leaves join, so that every rule testing the
    // field can be prefiltered on it.
    if (leaves[key.first] < minLeaves)
      continue;
    LiteralSet out;
    out.slot = key.first;
    out.kind = key.second;
    out.needles.resize(set.size());
    for (const auto &[needle, index] : set)
      out.needles[index] = needle;
    setOf[key] = static_cast<int32_t>(pack.literalSets.size());
    pack.literalSets.push_back(std::move(out));
  }
  for (Rule &rule : pack.rules)
    forEachLeaf(*rule.predicate, [&](Expr &e) {
      LiteralSet::Kind kind;
      if (!candidate(e, kind))
        return;
      auto it = setOf.find({e.slot, kind});
      if (it == setOf.end())
        return;
      e.literalSet = it->second;
      e.literalIndex = needles[{e.slot, kind}].at(e.constant.s);
    });
}

} // namespace rulec::ir
