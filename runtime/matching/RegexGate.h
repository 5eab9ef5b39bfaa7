//===- RegexGate.h - Skip regular expressions whose literals are absent ---===//
//
// Most regular expressions in rule packs need some literal text to match
// (`\$VerbosePreference\.ToString\(` cannot match a command line without
// "$verbosepreference.tostring("). RE2's FilteredRE2 derives, per pattern, a
// condition over such atoms (an and/or of lower-case strings). The gate scans
// a text once for all atoms of the pack (SubstringScanner, ignoring ASCII
// case) and then knows every pattern that cannot match it, so those never run: the
// 1183 SigmaHQ process_creation rules ran 127 regexes on every event's command
// line, nearly all of them decided by the absence of their atoms.
//
// Exactness: a pattern is gated on its atoms only when "matches => its atoms
// occur, ignoring ASCII case" holds for it: the pattern names only ASCII
// characters (RE2 lowercases atoms with Unicode rules: a Kelvin sign in the
// pattern becomes the atom k). In a case-insensitive pattern an atom with k
// or s may also match with the Kelvin sign or the long s: such a pattern may
// match a text that holds its atoms or any non-ASCII byte.
// A pattern all of whose atoms (of any length) hold a non-ASCII byte is
// gated on the text holding one: lowercasing never turns ASCII into
// non-ASCII, so its matches need one (Sigma's caseless non-ASCII values,
// `(?is)^.*ο.*$` for a homoglyph, on command lines that are mostly ASCII).
// A pattern with few atoms (up to 16) is gated on its RegexRequirement, each
// atom looked for on its own (cheaper than the scan when a text meets few
// patterns), also when they are shorter than 3 bytes ("`" of a PowerShell
// backtick pattern). Other patterns, and those without atoms, always run. regexRequirement says
// which case a pattern is; the prefilter (compiler/ir/Prefilter.h) uses it too.
//
// Deciding the case of each pattern parses it with RE2 two to four times:
// ~25 ms for the ~760 gated patterns of 3000 SigmaHQ rules, most of a second
// start with the cache. So the compiler plans the gate (planRegexGate) and
// the pack keeps the plans (PackInfo::regexGate); loading only builds the
// FilteredRE2 of the patterns planned for it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {
class SubstringScanner;
}
namespace re2 {
class FilteredRE2;
}

namespace rulec {

/// What every text a pattern matches holds: for each clause one of its atoms
/// (lower case, found ignoring ASCII case; each at least the length asked
/// for), or, when `orNonAscii`, some byte >= 0x80 instead. An atom that every
/// match needs (FilteredRE2's condition fails without it: "werfaultsecure.exe"
/// in `\.exe\s+.*werfaultsecure\.exe`) is a clause of its own; else all
/// atoms form one clause. No clause and !orNonAscii: nothing known.
struct RegexRequirement {
  std::vector<std::vector<std::string>> clauses;
  bool orNonAscii = false;
  bool known() const { return !clauses.empty() || orNonAscii; }
  size_t atoms() const;
};
/// The requirement of `pattern` under the exactness conditions above, from
/// RE2's FilteredRE2 with atoms of `minAtomLength` bytes or more; nothing
/// known for a pattern RE2 refuses.
RegexRequirement regexRequirement(const std::string &pattern, int minAtomLength);

/// The plans of `patterns` (PackInfo::regexes); those with `skip[index]` set
/// (their leaves test atoms themselves: PackInfo's regexAtomsTested) are
/// Always.
std::vector<RegexGatePlan> planRegexGate(const std::vector<std::string> &patterns,
                                         const std::vector<uint8_t> &skip = {});

class RegexGate {
public:
  /// Gates the pack's regular expressions (PackInfo::regexes, by index) as
  /// `plans` say (PackInfo::regexGate); without a well-formed plan for each
  /// pattern (a pack built by hand, or damaged: a FewAtoms clause without
  /// atoms, an empty or upper-case atom, clauses on another kind) it plans
  /// them all itself, here. FilteredRE2 is built on the first question that
  /// needs it: packs whose Filtered patterns are never reached pay nothing.
  RegexGate(std::vector<std::string> patterns, std::vector<RegexGatePlan> plans);
  explicit RegexGate(std::vector<std::string> patterns) : RegexGate(std::move(patterns), {}) {}
  ~RegexGate();
  RegexGate(const RegexGate &) = delete;
  RegexGate &operator=(const RegexGate &) = delete;

  /// A new event: texts are scanned again.
  void beginEvent() { ++epoch_; }
  /// False when pattern `index` cannot match `text`; true when it may.
  bool mayMatch(uint32_t index, std::string_view text);

private:
  /// The potentials of one text of this event, kept for the next patterns
  /// tested on it (a rule pack tests many patterns on the same field).
  struct Scan {
    const char *data = nullptr;
    size_t size = 0;
    uint64_t epoch = 0;
    bool nonAscii = false;
    std::vector<uint8_t> mayMatch; ///< by filter id
  };
  Scan &scan(std::string_view text);
  void build();

  std::vector<std::string> patterns_;
  std::vector<RegexGatePlan> plans_;
  bool built_ = false;

  std::unique_ptr<re2::FilteredRE2> filter_;
  std::vector<int> filterId_; ///< by pattern index: its filter id (Filtered), else -1
  size_t gated_ = 0; ///< patterns in filter_
  std::unique_ptr<SubstringScanner> atoms_; ///< every atom of the gated patterns
  std::string folded_;
  std::vector<Scan> scans_;
  size_t nextScan_ = 0;
  uint64_t epoch_ = 1;
  std::vector<int> found_, potentials_;
};

} // namespace rulec
