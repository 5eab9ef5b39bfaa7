//===- LiteralSets.cpp ----------------------------------------------------===//
#include "ir/LiteralSets.h"

#include "matching/RegexGate.h"

#include <algorithm>

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

/// Atoms of keyword regexes as short as 3 bytes still select: the keyword
/// scan costs the same for any length.
constexpr int kMinKeywordAtom = 3;

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
  assignKeywordSet(pack);
}

void assignKeywordSet(Pack &pack) {
  std::map<std::string, uint32_t> index;
  LiteralSet keywords;
  keywords.slot = LiteralSet::kEventText;
  keywords.kind = LiteralSet::Kind::Contains;
  bool any = false;
  uint32_t group = 0;
  auto needle = [&](const std::string &text) {
    auto [it, added] = index.emplace(text, static_cast<uint32_t>(keywords.needles.size()));
    if (added) {
      keywords.needles.push_back(text);
      keywords.groups.push_back(group);
    }
    return it->second;
  };
  auto visit = [&](Expr &e, const auto &self) -> void {
    if (e.op == Op::KeywordContains && e.constant.kind == Scalar::String && !e.constant.s.empty())
      e.index = needle(e.constant.s);
    if (e.op == Op::Keyword && e.index < pack.regexes.size()) {
      // A keyword regex runs only when the scan finds one atom of a clause
      // every match holds (its smallest).
      e.atoms.clear();
      const RegexRequirement need = regexRequirement(pack.regexes[e.index], kMinKeywordAtom);
      if (!need.orNonAscii && !need.clauses.empty()) {
        const auto &smallest = *std::min_element(need.clauses.begin(), need.clauses.end(),
                                                 [](const auto &a, const auto &b) { return a.size() < b.size(); });
        for (const std::string &atom : smallest)
          e.atoms.push_back({0, needle(atom)}); // set fixed below
      }
    }
    any = any || e.op == Op::Keyword || e.op == Op::KeywordContains;
    for (auto &operand : e.operands)
      self(*operand, self);
  };
  for (Rule &rule : pack.rules) {
    const size_t before = keywords.needles.size();
    visit(*rule.predicate, visit);
    for (auto &severity : rule.severityPredicates)
      visit(*severity, visit);
    if (keywords.needles.size() > before)
      ++group;
  }
  if (!any)
    return;
  const uint32_t set = static_cast<uint32_t>(pack.literalSets.size());
  for (Rule &rule : pack.rules) {
    auto fix = [&](Expr &e, const auto &self) -> void {
      if (e.op == Op::Keyword)
        for (LiteralRef &atom : e.atoms)
          atom.set = set;
      for (auto &operand : e.operands)
        self(*operand, self);
    };
    fix(*rule.predicate, fix);
    for (auto &severity : rule.severityPredicates)
      fix(*severity, fix);
  }
  pack.literalSets.push_back(std::move(keywords));
}

} // namespace rulec::ir
