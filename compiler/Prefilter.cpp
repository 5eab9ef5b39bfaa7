//===- Prefilter.cpp ------------------------------------------------------===//
#include "Prefilter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace rulec::ir {

namespace {

using Need = std::set<std::pair<uint32_t, uint32_t>>; // (set, needle)
using Uses = std::map<std::pair<uint32_t, uint32_t>, size_t>;

void countUses(const Expr &e, std::set<std::pair<uint32_t, uint32_t>> &seen) {
  if (isElementOp(e.op))
    return;
  if (e.literalSet >= 0)
    seen.insert({static_cast<uint32_t>(e.literalSet), e.literalIndex});
  for (const auto &operand : e.operands)
    countUses(*operand, seen);
}

/// How many rules use the need's needles: lower is more selective.
size_t cost(const Need &need, const Uses &uses) {
  size_t total = 0;
  for (const auto &n : need)
    total += uses.at(n);
  return total;
}

std::optional<Need> need(const Expr &e, const Uses &uses) {
  if (e.literalSet >= 0)
    return Need{{static_cast<uint32_t>(e.literalSet), e.literalIndex}};
  if (e.op == Op::Or) {
    Need all;
    for (const auto &operand : e.operands) {
      auto n = need(*operand, uses);
      if (!n)
        return std::nullopt;
      all.insert(n->begin(), n->end());
    }
    return all;
  }
  if (e.op == Op::And) {
    std::optional<Need> best;
    for (const auto &operand : e.operands)
      if (auto n = need(*operand, uses); n && (!best || cost(*n, uses) < cost(*best, uses)))
        best = std::move(n);
    return best;
  }
  return std::nullopt;
}

} // namespace

void assignPrefilters(Pack &pack) {
  if (pack.literalSets.empty())
    return;
  Uses uses;
  for (const Rule &rule : pack.rules) {
    std::set<std::pair<uint32_t, uint32_t>> seen;
    countUses(*rule.predicate, seen);
    for (const auto &n : seen)
      ++uses[n];
  }
  for (Rule &rule : pack.rules) {
    rule.info.requiredNeedles.clear();
    if (auto n = need(*rule.predicate, uses))
      for (const auto &[set, index] : *n)
        rule.info.requiredNeedles.push_back({set, index});
  }
}

} // namespace rulec::ir
