//===- LiteralMatcher.h - A pack's literal sets and prefilter, per event --===//
//
// For each field that literal sets test (PackInfo.h), the field's string is
// folded to ASCII lower case once per event and matched against all of its
// eager sets: icontains needles by a SubstringScanner, ieq needles by an
// EqualsTable, istartswith / iendswith needles by an AffixTable. The needles found set bits in one array
// that the generated code reads, and select the candidate rules: those
// without a requirement (compiler/ir/Prefilter.h) and those each of whose
// clauses of required needles is met. A value the field had recently is
// not matched again: LiteralMemo gives the needles it had.
//
// The indexes (LiteralDatabases) are built once per pack and shared; the
// bits, candidate list and fold buffer are per context (thread).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "matching/AffixTable.h"
#include "matching/EqualsTable.h"
#include "matching/KeywordScanner.h"
#include "matching/LiteralMemo.h"
#include "packs/PackInfo.h"
#include "matching/SubstringScanner.h"
#include "rulec/abi.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rulec {

/// The read-only part: what a pack's literal sets compile to.
class LiteralDatabases {
public:
  /// Null with `error` when the pack's sets or requirements are inconsistent.
  static std::shared_ptr<const LiteralDatabases> build(const PackInfo &pack, std::string &error);

  /// One literal set's index.
  struct Matcher {
    uint32_t set = 0;
    uint32_t base = 0; ///< the bit of its needle 0
    /// Contains: a scanner of the ASCII needles and one of the needles with a
    /// non-ASCII byte, with the set's needle index of each scanner needle.
    struct Scan {
      SubstringScanner scanner;
      std::vector<uint32_t> ids;
      bool nonAscii; ///< runs only on texts with a non-ASCII byte
    };
    std::vector<Scan> scans;
    std::unique_ptr<EqualsTable> equals; ///< Equals
    std::unique_ptr<AffixTable> affixes; ///< StartsWith, EndsWith
    bool nonAsciiNeedle = false;         ///< NonAscii

    /// Calls found(needle index in the set) for each needle in `folded`;
    /// `nonAscii`: whether the text has a byte >= 0x80.
    template <typename Found> void match(const char *folded, size_t n, bool nonAscii, Found &&found) const {
      if (equals)
        return equals->match(folded, n, found);
      if (affixes)
        return affixes->match(folded, n, found);
      if (nonAsciiNeedle) {
        if (nonAscii)
          found(0);
        return;
      }
      for (const Scan &s : scans)
        if (nonAscii || !s.nonAscii)
          s.scanner.scan(folded, n, [&](uint32_t i) { found(s.ids[i]); });
    }
  };
  /// A field with eager sets.
  struct Field {
    uint32_t slot = 0;
    std::vector<Matcher> sets;
    std::vector<uint64_t> listRules; ///< rules requiring one of its needles: all run when it holds a list
    /// Its values go through the memo (LiteralMemo.h): matching them costs
    /// more than a lookup (several sets, a scan that filters every position,
    /// or a large radix tree). For a lone cheap set (Teddy's few needles, a
    /// hash of the value) a lookup costs as much as matching.
    bool memoize = false;
  };

  std::vector<Field> fields;
  uint32_t needleWords = 0, ruleWords = 0, rules = 0;
  /// Prefilter (a rule's requirement: up to RuleInfo::kMaxClauses clauses,
  /// each met by one of its needles): per needle bit, the clauses it meets as
  /// (rule << 2) | clause, in CSR form: needleClauses[start[b], start[b+1]).
  std::vector<uint32_t> needleClauseStart, needleClauses;
  std::vector<uint8_t> allClauses;                  ///< per rule: the bits of all its clauses
  std::vector<uint64_t> unfiltered;                 ///< rules without a requirement
  std::vector<std::vector<uint64_t>> logTypeRules;  ///< per log type: its rules
  std::vector<int32_t> fieldOfSlot;                 ///< per pack slot: its index in `fields`, or -1

  /// The event-text set (Sigma keywords), if the pack has one: its scanner
  /// and its first bit. Keywords are scanned when a rule asks, not here.
  std::unique_ptr<KeywordScanner> keywords;
  uint32_t keywordBase = 0;
};

class LiteralMatcher {
public:
  explicit LiteralMatcher(std::shared_ptr<const LiteralDatabases> dbs);
  LiteralMatcher(const LiteralMatcher &) = delete;
  LiteralMatcher &operator=(const LiteralMatcher &) = delete;

  /// Matches the eager sets against the event and picks the candidate rules
  /// of `logType` (rulec_rt_scan). `text` and `root`: the event as JSON and
  /// parsed, for keywords.
  const rulec_event_scan *scan(const rulec_value *slots, uint32_t logType, std::string_view text,
                               simdjson::dom::element root, const std::vector<uint32_t> *filled = nullptr);

  /// Keyword `i` of the event-text set (rulec_rt_keyword_contains /
  /// _may_occur): exactly, or as the scan found it.
  bool keywordOccurs(uint32_t i);
  bool keywordMayOccur(uint32_t i);

  /// What the prefilter did (`rulec run --timing` prints it).
  struct Counts {
    uint64_t scans = 0;          ///< events scanned
    uint64_t candidates = 0;     ///< candidate rules, summed over events
  };
  const Counts &counts() const { return counts_; }

  /// Per pack rule: whether it may run at all (ScanOptions::ruleEnabled:
  /// a scheduled rule's query runs in the replay's scans, and a replay's
  /// scan runs its own query only); empty: every rule. Candidates are
  /// masked with it, so a rule left out costs nothing.
  void setEnabledRules(const std::vector<uint8_t> &enabled);

  /// Whether field values seen before reuse their matches (LiteralMemo.h;
  /// on by default). Off, every value is folded and matched.
  void setMemo(bool on) { memoOn_ = on; }
  const LiteralMemo &memo() const { return memo_; }
  /// The read-only indexes, for other threads' matchers of the same pack.
  const std::shared_ptr<const LiteralDatabases> &databases() const { return dbs_; }

private:
  /// Matches field `f` (of LiteralDatabases::fields) of the event.
  void matchField(uint32_t f, const rulec_value *slots);
  /// Needle `bit` is in the event: sets its bit and counts the clauses it meets.
  void found(uint32_t bit);
  void setNeedle(uint32_t bit) {
    uint64_t &word = needles_[bit >> 6];
    if (!word)
      dirtyWords_.push_back(bit >> 6);
    word |= uint64_t(1) << (bit & 63);
  }

  /// `s` folded to ASCII lower case into fold_, padded for the scanners;
  /// `nonAscii` tells whether it has a byte >= 0x80.
  const char *fold(std::string_view s, bool &nonAscii);

  std::shared_ptr<const LiteralDatabases> dbs_;
  std::vector<uint64_t> needles_;
  std::vector<uint32_t> dirtyWords_; ///< words of needles_ this event set
  std::vector<uint64_t> candidateBits_;
  std::vector<uint64_t> enabledRules_; ///< setEnabledRules(); empty: all
  std::vector<uint32_t> candidates_;
  std::vector<uint8_t> held_;      ///< per rule: its clauses met by this event's needles
  std::vector<uint32_t> touched_;  ///< rules with a clause met
  rulec_event_scan result_{};
  Counts counts_;
  std::string fold_;
  LiteralMemo memo_;
  bool memoOn_ = true;
  std::vector<uint32_t> foundInField_; ///< the needle bits of the value being matched

  std::unique_ptr<KeywordScanner::Scratch> keywordScratch_;
  std::string_view text_;
  simdjson::dom::element root_;
  /// Per scan group, this event: 0 not scanned, 1 scanned, 2 scanned exactly.
  std::vector<uint8_t> groupScanned_;
  std::vector<uint32_t> groupsScanned_;
  std::vector<uint8_t> keywordChecked_; ///< per keyword: 0 unknown, 1 occurs, 2 absent (this event)
  std::vector<uint32_t> keywordsChecked_;
};

} // namespace rulec
