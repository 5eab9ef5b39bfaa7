//===- RegexGate.cpp ------------------------------------------------------===//
#include "matching/RegexGate.h"

#include "matching/AsciiFold.h"
#include "matching/SubstringScanner.h"
#include "rulec/abi.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>

namespace rulec {

namespace {

/// Atoms shorter than this make a pattern always run: too common to gate.
constexpr int kMinAtomLength = 3;
/// A pattern with at most this many atoms is gated by looking for each.
constexpr size_t kFewAtoms = 16;
/// Texts of one event kept with their potentials.
constexpr size_t kScansKept = 4;

/// Whether `pattern` turns on case-insensitive matching anywhere: (?i) or
/// (?i: or a flag group holding i before any '-'.
bool caseless(std::string_view pattern) {
  for (size_t at = pattern.find("(?"); at != std::string_view::npos; at = pattern.find("(?", at + 2))
    for (size_t i = at + 2; i < pattern.size() && pattern[i] != ':' && pattern[i] != ')' && pattern[i] != '-'; ++i)
      if (pattern[i] == 'i')
        return true;
  return false;
}

/// The lower-case atoms FilteredRE2 derives for `pattern` alone, with
/// atoms of at least `minLength` bytes; false for a pattern RE2 refuses.
/// `necessary`, when given, gets the atoms without which its condition fails.
bool atomsOf(const std::string &pattern, int minLength, std::vector<std::string> &atoms,
             std::vector<std::string> *necessary = nullptr) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::FilteredRE2 alone(minLength);
  int id = 0;
  if (alone.Add(pattern, options, &id) != re2::RE2::NoError)
    return false;
  alone.Compile(&atoms);
  for (size_t i = 0; necessary && i < atoms.size(); ++i) {
    std::vector<int> others, potentials;
    for (size_t j = 0; j < atoms.size(); ++j)
      if (j != i)
        others.push_back(static_cast<int>(j));
    alone.AllPotentials(others, &potentials);
    if (potentials.empty())
      necessary->push_back(atoms[i]);
  }
  return true;
}

bool hasNonAsciiByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

/// Whether `pattern` can only name ASCII characters: no non-ASCII byte and
/// no escape that denotes a code point (\x{212A}, \p{..}, \C, octal).
/// RE2 lowercases the atoms of any other pattern with Unicode rules, which
/// may turn a non-ASCII character into an ASCII atom (the Kelvin sign into k).
bool plainAscii(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(pattern[i]);
    if (c >= 0x80)
      return false;
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[++i];
      if (next == 'x' || next == 'p' || next == 'P' || next == 'C' || (next >= '0' && next <= '7'))
        return false;
    }
  }
  return true;
}

/// Whether some atom may match with a non-ASCII character under RE2's case
/// folding (the file comment says why).
bool foldsBeyondAscii(const std::vector<std::string> &atoms, bool isCaseless) {
  for (const std::string &atom : atoms)
    for (char c : atom)
      if (static_cast<unsigned char>(c) >= 0x80 || (isCaseless && (c == 'k' || c == 's')))
        return true;
  return false;
}

} // namespace

size_t RegexRequirement::atoms() const {
  size_t n = 0;
  for (const auto &clause : clauses)
    n += clause.size();
  return n;
}

RegexRequirement regexRequirement(const std::string &pattern, int minAtomLength) {
  RegexRequirement out;
  std::vector<std::string> atoms, necessary;
  if (!atomsOf(pattern, minAtomLength, atoms, &necessary))
    return out; // RE2 refuses it: it never matches, but say nothing
  if (!atoms.empty() && plainAscii(pattern)) {
    out.orNonAscii = foldsBeyondAscii(atoms, caseless(pattern));
    if (necessary.empty())
      out.clauses.push_back(std::move(atoms));
    for (std::string &atom : necessary)
      out.clauses.push_back({std::move(atom)});
    return out;
  }
  atoms.clear();
  if (atomsOf(pattern, 1, atoms) && !atoms.empty() && std::all_of(atoms.begin(), atoms.end(), hasNonAsciiByte))
    out.orNonAscii = true;
  return out;
}

std::vector<RegexGatePlan> planRegexGate(const std::vector<std::string> &patterns, const std::vector<uint8_t> &skip) {
  using Kind = RegexGatePlan::Kind;
  std::vector<RegexGatePlan> plans(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (i < skip.size() && skip[i])
      continue;
    RegexGatePlan &plan = plans[i];
    // The pattern's own atoms first, to decide whether it can be gated.
    RegexRequirement need = regexRequirement(patterns[i], kMinAtomLength);
    if (!need.clauses.empty() && need.atoms() <= kFewAtoms) {
      // Cheaper to look for each than to scan for every pattern's atoms.
      // Clauses of shorter atoms hold too (`"(?:\{\d\})+"\s*-f` needs "-f"
      // besides one of "{0}".."{9}"): the smallest clauses are tried first.
      RegexRequirement shorter = regexRequirement(patterns[i], 1);
      plan.clauses = std::move(need.clauses);
      for (auto &clause : shorter.clauses)
        if (clause.size() <= 2 && std::find(plan.clauses.begin(), plan.clauses.end(), clause) == plan.clauses.end())
          plan.clauses.push_back(std::move(clause));
      std::stable_sort(plan.clauses.begin(), plan.clauses.end(),
                       [](const auto &a, const auto &b) { return a.size() < b.size(); });
      plan.kind = Kind::FewAtoms;
      plan.orNonAscii = need.orNonAscii || shorter.orNonAscii;
    } else if (!need.clauses.empty()) {
      plan.kind = Kind::Filtered;
      plan.orNonAscii = need.orNonAscii;
    } else if (need.orNonAscii) {
      plan.kind = Kind::NeedsNonAscii;
    } else if (RegexRequirement shorter = regexRequirement(patterns[i], 1);
               !shorter.clauses.empty() && shorter.atoms() <= kFewAtoms) {
      // Atoms of 1 or 2 bytes ("`" of a PowerShell backtick pattern): rare
      // in most texts.
      plan.kind = Kind::FewAtoms;
      plan.orNonAscii = shorter.orNonAscii;
      plan.clauses = std::move(shorter.clauses);
    }
  }
  return plans;
}

namespace {

/// Whether `plan` can be what planRegexGate made: a plan that is not would
/// rule out matches (a FewAtoms clause without atoms is never met, an
/// upper-case atom never found in a folded search).
bool wellFormed(const RegexGatePlan &plan) {
  if (plan.kind != RegexGatePlan::Kind::FewAtoms)
    return plan.clauses.empty();
  return !plan.clauses.empty() && std::all_of(plan.clauses.begin(), plan.clauses.end(), [](const auto &clause) {
    return !clause.empty() && std::all_of(clause.begin(), clause.end(), [](const std::string &atom) {
      return !atom.empty() && std::none_of(atom.begin(), atom.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    });
  });
}

} // namespace

RegexGate::RegexGate(std::vector<std::string> patterns, std::vector<RegexGatePlan> plans)
    : patterns_(std::move(patterns)), plans_(std::move(plans)) {
  if (plans_.size() != patterns_.size() || !std::all_of(plans_.begin(), plans_.end(), wellFormed))
    plans_ = planRegexGate(patterns_);
}

void RegexGate::build() {
  built_ = true;
  filter_ = std::make_unique<re2::FilteredRE2>(kMinAtomLength);
  filterId_.assign(patterns_.size(), -1);
  re2::RE2::Options options;
  options.set_log_errors(false);
  for (size_t i = 0; i < patterns_.size(); ++i) {
    int id = 0;
    if (plans_[i].kind != RegexGatePlan::Kind::Filtered)
      continue;
    if (filter_->Add(patterns_[i], options, &id) != re2::RE2::NoError) {
      plans_[i].kind = RegexGatePlan::Kind::Always;
      continue;
    }
    filterId_[i] = id;
    ++gated_;
  }
  scans_.resize(kScansKept);
  if (!gated_)
    return;
  std::vector<std::string> atoms;
  filter_->Compile(&atoms);
  atoms_ = std::make_unique<SubstringScanner>(atoms);
}

RegexGate::~RegexGate() = default;

RegexGate::Scan &RegexGate::scan(std::string_view text) {
  for (Scan &s : scans_)
    if (s.epoch == epoch_ && s.data == text.data() && s.size == text.size())
      return s;
  Scan &s = scans_[nextScan_++ % scans_.size()];
  s.data = text.data();
  s.size = text.size();
  s.epoch = epoch_;
  s.nonAscii = hasNonAsciiByte(text);
  s.mayMatch.assign(gated_, 0);
  if (!gated_)
    return s;
  found_.clear();
  // Atoms are lower case: look for them in the text folded the same way.
  folded_.resize(text.size() + SubstringScanner::kPadding);
  foldAscii(text.data(), text.size(), folded_.data());
  atoms_->scan(folded_.data(), text.size(), [&](uint32_t id) { found_.push_back(static_cast<int>(id)); });
  std::sort(found_.begin(), found_.end()); // AllPotentials wants them ordered, once each
  found_.erase(std::unique(found_.begin(), found_.end()), found_.end());
  potentials_.clear();
  filter_->AllPotentials(found_, &potentials_);
  for (int id : potentials_)
    s.mayMatch[static_cast<size_t>(id)] = 1;
  return s;
}

bool RegexGate::mayMatch(uint32_t index, std::string_view text) {
  using Kind = RegexGatePlan::Kind;
  const RegexGatePlan &plan = plans_[index];
  switch (plan.kind) {
  case Kind::Always:
    return true;
  case Kind::FewAtoms:
    if (plan.orNonAscii && hasNonAsciiByte(text))
      return true;
    for (const std::vector<std::string> &clause : plan.clauses)
      if (std::none_of(clause.begin(), clause.end(), [&](const std::string &atom) {
            return rulec_rt_icontains(text.data(), static_cast<uint32_t>(text.size()), atom.data(),
                                      static_cast<uint32_t>(atom.size()));
          }))
        return false;
    return true;
  case Kind::NeedsNonAscii:
    return hasNonAsciiByte(text);
  case Kind::Filtered:
    break;
  }
  if (!built_)
    build();
  if (plan.kind != Kind::Filtered)
    return true; // RE2 refused it after all
  const Scan &s = scan(text);
  if (plan.orNonAscii && s.nonAscii)
    return true;
  return s.mayMatch[static_cast<size_t>(filterId_[index])] != 0;
}

} // namespace rulec
