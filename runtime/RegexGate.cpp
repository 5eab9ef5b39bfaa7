//===- RegexGate.cpp ------------------------------------------------------===//
#include "RegexGate.h"

#include <hs/hs.h>
#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>

namespace rulec {

namespace {

/// Atoms shorter than this make a pattern always run: too common to gate.
constexpr int kMinAtomLength = 3;
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
bool atomsOf(const std::string &pattern, int minLength, std::vector<std::string> &atoms) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::FilteredRE2 alone(minLength);
  int id = 0;
  if (alone.Add(pattern, options, &id) != re2::RE2::NoError)
    return false;
  alone.Compile(&atoms);
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

/// Whether an ASCII case-insensitive scan for `atoms` finds each wherever a
/// match of the pattern needs it (the file comment says why not always).
bool scannable(const std::vector<std::string> &atoms, bool isCaseless) {
  for (const std::string &atom : atoms)
    for (char c : atom)
      if (static_cast<unsigned char>(c) >= 0x80 || (isCaseless && (c == 'k' || c == 's')))
        return false;
  return true;
}

} // namespace

RegexGate::RegexGate(const std::vector<std::string> &patterns)
    : filter_(std::make_unique<re2::FilteredRE2>(kMinAtomLength)), filterId_(patterns.size(), -1) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  for (size_t i = 0; i < patterns.size(); ++i) {
    // The pattern's own atoms first, to decide whether it can be gated.
    std::vector<std::string> atoms;
    if (!atomsOf(patterns[i], kMinAtomLength, atoms))
      continue;
    int id = 0;
    if (!atoms.empty() && plainAscii(patterns[i]) && scannable(atoms, caseless(patterns[i]))) {
      if (filter_->Add(patterns[i], options, &id) != re2::RE2::NoError)
        continue;
      filterId_[i] = id;
      ++gated_;
      continue;
    }
    atoms.clear();
    if (atomsOf(patterns[i], 1, atoms) && !atoms.empty() && std::all_of(atoms.begin(), atoms.end(), hasNonAsciiByte))
      filterId_[i] = kNeedsNonAscii;
  }
  scans_.resize(kScansKept);
  if (!gated_)
    return;
  std::vector<std::string> atoms;
  filter_->Compile(&atoms);
  std::vector<const char *> data;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < atoms.size(); ++i) {
    data.push_back(atoms[i].data());
    lengths.push_back(atoms[i].size());
    flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t *error = nullptr;
  if (!atoms.empty() &&
      hs_compile_lit_multi(data.data(), flags.data(), ids.data(), lengths.data(), static_cast<unsigned>(atoms.size()),
                           HS_MODE_BLOCK, nullptr, &atoms_, &error) != HS_SUCCESS) {
    std::string message = error ? error->message : "unknown error";
    hs_free_compile_error(error);
    throw std::runtime_error("Hyperscan refused the regex atoms: " + message);
  }
  if (atoms_ && hs_alloc_scratch(atoms_, &scratch_) != HS_SUCCESS)
    throw std::runtime_error("Hyperscan cannot allocate scratch space");
}

RegexGate::~RegexGate() {
  hs_free_scratch(scratch_);
  hs_free_database(atoms_);
}

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
  if (atoms_) {
    auto onMatch = [](unsigned id, unsigned long long, unsigned long long, unsigned, void *found) -> int {
      static_cast<std::vector<int> *>(found)->push_back(static_cast<int>(id));
      return 0;
    };
    hs_scan(atoms_, text.data(), static_cast<unsigned>(text.size()), 0, scratch_, onMatch, &found_);
  }
  std::sort(found_.begin(), found_.end()); // AllPotentials wants them ordered, once each
  found_.erase(std::unique(found_.begin(), found_.end()), found_.end());
  potentials_.clear();
  filter_->AllPotentials(found_, &potentials_);
  for (int id : potentials_)
    s.mayMatch[static_cast<size_t>(id)] = 1;
  return s;
}

bool RegexGate::mayMatch(uint32_t index, std::string_view text) {
  const int id = filterId_[index];
  if (id == kAlways)
    return true;
  const Scan &s = scan(text);
  return id == kNeedsNonAscii ? s.nonAscii : s.mayMatch[static_cast<size_t>(id)] != 0;
}

} // namespace rulec
