//===- RegexGate.h - Skip regular expressions whose literals are absent ---===//
//
// Most regular expressions in rule packs need some literal text to match
// (`\$VerbosePreference\.ToString\(` cannot match a command line without
// "$verbosepreference.tostring("). RE2's FilteredRE2 derives, per pattern, a
// condition over such atoms (an and/or of lower-case strings). The gate scans
// a text once for all atoms of the pack (Hyperscan, ignoring ASCII case) and
// then knows every pattern that cannot match it, so those never run: the
// 1183 SigmaHQ process_creation rules ran 127 regexes on every event's command
// line, nearly all of them decided by the absence of their atoms.
//
// Exactness: a pattern is gated on its atoms only when "matches => its atoms
// occur, ignoring ASCII case" holds for it: the pattern names only ASCII
// characters (RE2 lowercases atoms with Unicode rules: a Kelvin sign in the
// pattern becomes the atom k), and in a case-insensitive pattern no atom has
// k or s (RE2 matches them with the Kelvin sign and the long s).
// A pattern all of whose atoms (of any length) hold a non-ASCII byte is
// gated on the text holding one: lowercasing never turns ASCII into
// non-ASCII, so its matches need one (Sigma's caseless non-ASCII values,
// `(?is)^.*ο.*$` for a homoglyph, on command lines that are mostly ASCII).
// Other patterns, and those without atoms, always run.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace re2 {
class FilteredRE2;
}

namespace rulec {

class RegexGate {
public:
  /// Gates the pack's regular expressions (PackInfo::regexes, by index).
  explicit RegexGate(const std::vector<std::string> &patterns);
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

  std::unique_ptr<re2::FilteredRE2> filter_;
  static constexpr int kAlways = -1, kNeedsNonAscii = -2;
  std::vector<int> filterId_; ///< by pattern index: its filter id, kAlways or kNeedsNonAscii
  size_t gated_ = 0; ///< patterns in filter_
  hs_database *atoms_ = nullptr;
  hs_scratch *scratch_ = nullptr;
  std::vector<Scan> scans_;
  size_t nextScan_ = 0;
  uint64_t epoch_ = 1;
  std::vector<int> found_, potentials_;
};

} // namespace rulec
