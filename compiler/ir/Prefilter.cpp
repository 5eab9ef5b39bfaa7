//===- Prefilter.cpp ------------------------------------------------------===//
#include "ir/Prefilter.h"

#include "matching/RegexGate.h"

#include <algorithm>
#include <map>
#include <set>

namespace rulec::ir {

namespace {

using Needle = std::pair<uint32_t, uint32_t>; // (set, index)
using Clause = std::set<Needle>;              // one of these must occur
using Cnf = std::vector<Clause>;              // every clause must hold; empty: nothing known
using Uses = std::map<Needle, size_t>;        // how many rules test each needle

/// Per regular expression: the clauses of its atoms in the icontains set of
/// the field it is tested on, or none.
using AtomClauses = std::map<std::pair<uint32_t, uint32_t>, Cnf>; // (regex, slot)

/// Per slot, its icontains set.
std::map<uint32_t, uint32_t> containsSets(const Pack &pack) {
  std::map<uint32_t, uint32_t> out;
  for (uint32_t s = 0; s < pack.literalSets.size(); ++s)
    if (pack.literalSets[s].kind == LiteralSet::Kind::Contains)
      out[pack.literalSets[s].slot] = s;
  return out;
}

/// Gives each regex leaf on a field with an icontains set the clauses of its
/// atoms (RegexRequirement), adding the atoms to the set as needles no leaf
/// tests: the prefilter's own.
class RegexAtoms {
public:
  explicit RegexAtoms(Pack &pack) : pack_(pack), containsSet_(containsSets(pack)) {
    for (Rule &rule : pack.rules)
      visit(*rule.predicate);
  }
  AtomClauses clauses;

private:
  /// Also gives each such leaf its atoms, for the code to test first.
  void visit(Expr &e) {
    if (isElementOp(e.op))
      return;
    if (e.op == Op::Regex && !e.subject) {
      add(e.index, e.slot);
      e.atoms.clear();
      if (auto it = clauses.find({e.index, e.slot}); it != clauses.end()) {
        // The code tests its smallest clause (a needed atom, when it has one).
        const Clause &smallest = *std::min_element(it->second.begin(), it->second.end(),
                                                   [](const Clause &a, const Clause &b) { return a.size() < b.size(); });
        for (const auto &[set, index] : smallest)
          e.atoms.push_back({set, index});
      }
    }
    for (auto &operand : e.operands)
      visit(*operand);
  }

  void add(uint32_t regex, uint32_t slot) {
    auto set = containsSet_.find(slot);
    if (set == containsSet_.end() || clauses.count({regex, slot}) || regex >= pack_.regexes.size())
      return;
    const RegexRequirement need = regexRequirement(pack_.regexes[regex], kMinAtom);
    if (!need.known())
      return;
    for (const auto &atoms : need.clauses)
      for (const std::string &atom : atoms)
        if (!LiteralSet::scannable(atom))
          return; // an atom the scan skips: no clause
    Cnf cnf;
    auto &index = needleIndex(set->second);
    for (const auto &atoms : need.clauses) {
      Clause &clause = cnf.emplace_back();
      for (const std::string &atom : atoms) {
        LiteralSet &literals = pack_.literalSets[set->second];
        auto [it, added] = index.emplace(atom, static_cast<uint32_t>(literals.needles.size()));
        if (added)
          literals.needles.push_back(atom);
        clause.insert({set->second, it->second});
      }
    }
    if (cnf.empty()) // a non-ASCII byte is all it needs
      cnf.emplace_back();
    if (need.orNonAscii)
      for (Clause &clause : cnf)
        clause.insert({nonAsciiSet(slot), 0});
    clauses[{regex, slot}] = std::move(cnf);
  }

  /// The slot's NonAscii set, added on first use.
  uint32_t nonAsciiSet(uint32_t slot) {
    auto [it, added] = nonAscii_.try_emplace(slot, static_cast<uint32_t>(pack_.literalSets.size()));
    if (added)
      pack_.literalSets.push_back({slot, LiteralSet::Kind::NonAscii, {""}});
    return it->second;
  }

  std::map<std::string, uint32_t> &needleIndex(uint32_t set) {
    auto [it, added] = index_.try_emplace(set);
    if (added)
      for (uint32_t i = 0; i < pack_.literalSets[set].needles.size(); ++i)
        it->second.emplace(pack_.literalSets[set].needles[i], i);
    return it->second;
  }

  /// Atoms as long as scanned needles.
  static constexpr int kMinAtom = 4;
  Pack &pack_;
  std::map<uint32_t, uint32_t> containsSet_;                  ///< slot -> its icontains set
  std::map<uint32_t, uint32_t> nonAscii_;                     ///< slot -> its NonAscii set
  std::map<uint32_t, std::map<std::string, uint32_t>> index_; ///< set -> needle -> index
};

/// A short icontains needle (1-3 bytes) is not scanned (LiteralSet::
/// scannable): its leaf searches the field when the rule runs, and gives the
/// prefilter nothing, so a rule testing only such needles ran on every
/// event. When the needle holds a byte that benign command lines and paths
/// rarely hold, every match needs that byte in the field: a one-byte needle
/// of the field's icontains set, the prefilter's own, found by one Teddy
/// pass. The bytes: `^` (cmd's escape), `` ` `` (PowerShell's), `;` (a
/// command separator) and `~` (8.3 short names), the marks of the
/// obfuscation and short-path rules that test them (SigmaHQ's dosfuscation
/// and NTFS short-name rules ran on every event before). A wrong guess costs
/// only selectivity: the byte is needed either way.
class RareBytes {
public:
  explicit RareBytes(Pack &pack) : pack_(pack), containsSet_(containsSets(pack)) {
    for (Rule &rule : pack.rules)
      visit(*rule.predicate);
  }

  /// The needle a short icontains leaf requires, if any.
  const Needle *of(const Expr &e) const {
    if (!isShortLeaf(e))
      return nullptr;
    auto it = byNeedle_.find({e.slot, e.constant.s});
    return it == byNeedle_.end() ? nullptr : &it->second;
  }

private:
  static bool isShortLeaf(const Expr &e) {
    return e.op == Op::ContainsFold && !e.subject && e.literalSet < 0 && e.constant.kind == Scalar::String &&
           !e.constant.s.empty() && !LiteralSet::scannable(e.constant.s);
  }
  void visit(const Expr &e) {
    if (isElementOp(e.op))
      return;
    if (isShortLeaf(e) && !byNeedle_.count({e.slot, e.constant.s}))
      add(e.slot, e.constant.s);
    for (const auto &operand : e.operands)
      visit(*operand);
  }
  void add(uint32_t slot, const std::string &needle) {
    auto set = containsSet_.find(slot);
    if (set == containsSet_.end())
      return;
    const auto rare = std::find_if(needle.begin(), needle.end(), [](char c) { return c == '^' || c == '`' || c == ';' || c == '~'; });
    if (rare == needle.end())
      return;
    LiteralSet &literals = pack_.literalSets[set->second];
    const std::string byte(1, *rare);
    uint32_t index = static_cast<uint32_t>(std::find(literals.needles.begin(), literals.needles.end(), byte) -
                                           literals.needles.begin());
    if (index == literals.needles.size())
      literals.needles.push_back(byte);
    byNeedle_[{slot, needle}] = {set->second, index};
  }

  Pack &pack_;
  std::map<uint32_t, uint32_t> containsSet_;                          ///< slot -> its icontains set
  std::map<std::pair<uint32_t, std::string>, Needle> byNeedle_; ///< (slot, short needle) -> its byte's needle
};

/// Per regex: whether every leaf of it (in any scope or predicate, and
/// keyword searches) tests its atoms first: 1 tested, 0 not; -1 unused.
class AtomsTested {
public:
  explicit AtomsTested(const Pack &pack) : state_(pack.regexes.size(), -1) {
    for (const Rule &rule : pack.rules) {
      expr(*rule.predicate);
      for (const auto &p : rule.severityPredicates)
        expr(*p);
      for (const auto &v : rule.columnValues)
        if (v)
          value(*v);
    }
  }
  std::vector<uint8_t> flags() const {
    std::vector<uint8_t> out;
    for (int s : state_)
      out.push_back(s == 1);
    return out;
  }

private:
  void mark(uint32_t regex, bool tested) {
    if (regex < state_.size())
      state_[regex] = (state_[regex] != 0 && tested) ? 1 : 0;
  }
  void expr(const Expr &e) {
    if (e.op == Op::Regex)
      mark(e.index, !e.atoms.empty());
    if (e.op == Op::Keyword)
      mark(e.index, false);
    if (e.subject)
      value(*e.subject);
    if (e.subject2)
      value(*e.subject2);
    for (const auto &operand : e.operands)
      expr(*operand);
  }
  void value(const Value &v) {
    if (v.cond)
      expr(*v.cond);
    for (const auto &arg : v.args)
      value(*arg);
  }
  std::vector<int> state_;
};

void countUses(const Expr &e, const AtomClauses &atoms, const RareBytes &bytes, std::set<Needle> &seen) {
  if (isElementOp(e.op))
    return;
  if (e.literalSet >= 0)
    seen.insert({static_cast<uint32_t>(e.literalSet), e.literalIndex});
  if (const Needle *byte = bytes.of(e))
    seen.insert(*byte);
  if (e.op == Op::Regex && !e.subject)
    if (auto it = atoms.find({e.index, e.slot}); it != atoms.end())
      for (const Clause &clause : it->second)
        seen.insert(clause.begin(), clause.end());
  for (const auto &operand : e.operands)
    countUses(*operand, atoms, bytes, seen);
}

class Derivation {
public:
  /// `chosen`: per needle, the rules whose requirement holds it when no
  /// needle counts as common; null: none is common yet (the first pass).
  Derivation(const Pack &pack, const Uses &uses, const AtomClauses &atoms, const RareBytes &bytes,
             const Uses *chosen)
      : uses_(uses), atoms_(atoms), bytes_(bytes), chosen_(chosen),
        common_(std::max<size_t>(16, pack.rules.size() / 4)) {}

  /// The rule's requirement: its clauses without common needles, the most
  /// selective RuleInfo::kMaxClauses of them.
  Cnf ofRule(const Expr &predicate) const {
    Cnf cnf = of(predicate);
    cnf.erase(std::remove_if(cnf.begin(), cnf.end(), [&](const Clause &c) { return isCommon(c); }), cnf.end());
    std::stable_sort(cnf.begin(), cnf.end(), [&](const Clause &a, const Clause &b) { return cost(a) < cost(b); });
    if (cnf.size() > RuleInfo::kMaxClauses)
      cnf.resize(RuleInfo::kMaxClauses);
    return cnf;
  }

private:
  /// How many rules test the clause's needles: lower is more selective.
  size_t cost(const Clause &c) const {
    size_t total = 0;
    for (const Needle &n : c)
      total += uses_.at(n);
    return total;
  }

  /// A needle in the requirements of a quarter of the pack's rules (a
  /// logsource's channel) occurs in most events they read: such a clause
  /// selects little and would touch those rules at every event. Counted in
  /// the requirements rules would have without this test, not in the rules
  /// that test the needle: 1,183 process_creation rules test the Security
  /// channel (4688 is one of their sources) but require their images.
  bool isCommon(const Clause &c) const {
    if (!chosen_)
      return false;
    return std::any_of(c.begin(), c.end(), [&](const Needle &n) {
      auto it = chosen_->find(n);
      return it != chosen_->end() && it->second > common_;
    });
  }

  Cnf of(const Expr &e) const {
    if (e.literalSet >= 0)
      return {{{static_cast<uint32_t>(e.literalSet), e.literalIndex}}};
    if (const Needle *byte = bytes_.of(e))
      return {{*byte}};
    if (e.op == Op::Regex && !e.subject) {
      auto it = atoms_.find({e.index, e.slot});
      return it == atoms_.end() ? Cnf{} : it->second;
    }
    if (e.op == Op::And) { // every operand's clauses hold
      Cnf all;
      for (const auto &operand : e.operands)
        for (Clause &c : of(*operand))
          if (std::find(all.begin(), all.end(), c) == all.end())
            all.push_back(std::move(c));
      return all;
    }
    if (e.op == Op::Or) { // one operand holds: one clause of each, joined
      Clause joined;
      for (const auto &operand : e.operands) {
        Cnf cnf = of(*operand);
        cnf.erase(std::remove_if(cnf.begin(), cnf.end(), [&](const Clause &c) { return isCommon(c); }), cnf.end());
        if (cnf.empty())
          return {};
        const Clause &best =
            *std::min_element(cnf.begin(), cnf.end(), [&](const Clause &a, const Clause &b) { return cost(a) < cost(b); });
        joined.insert(best.begin(), best.end());
      }
      return {joined};
    }
    return {}; // not, other leaves: nothing known
  }

  const Uses &uses_;
  const AtomClauses &atoms_;
  const RareBytes &bytes_;
  const Uses *chosen_;
  const size_t common_;
};

} // namespace

void assignPrefilters(Pack &pack) {
  for (Rule &rule : pack.rules)
    rule.info.requirements.clear();
  if (pack.literalSets.empty()) {
    pack.regexAtomsTested.clear();
    return;
  }
  const RegexAtoms atoms(pack);
  const RareBytes bytes(pack);
  pack.regexAtomsTested = AtomsTested(pack).flags();
  Uses uses;
  for (const Rule &rule : pack.rules) {
    std::set<Needle> seen;
    countUses(*rule.predicate, atoms.clauses, bytes, seen);
    for (const Needle &n : seen)
      ++uses[n];
  }
  Uses chosen;
  const Derivation first(pack, uses, atoms.clauses, bytes, nullptr);
  for (const Rule &rule : pack.rules) {
    std::set<Needle> needles;
    for (const Clause &clause : first.ofRule(*rule.predicate))
      needles.insert(clause.begin(), clause.end());
    for (const Needle &n : needles)
      ++chosen[n];
  }
  const Derivation derive(pack, uses, atoms.clauses, bytes, &chosen);
  for (Rule &rule : pack.rules)
    for (const Clause &clause : derive.ofRule(*rule.predicate)) {
      rule.info.requirements.emplace_back();
      for (const auto &[set, index] : clause)
        rule.info.requirements.back().push_back({set, index});
    }
}

} // namespace rulec::ir
