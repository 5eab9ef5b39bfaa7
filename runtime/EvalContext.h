//===- EvalContext.h - Per-thread state the generated code may consult ----===//
//
// The `rulec_context` of include/rulec/abi.h: the query's "now", the sets KQL
// let-tables build (filled by SetBuilder rules, read by `in` / `has_any`),
// the pack's compiled regular expressions, and scratch memory for values the
// code computes (tostring, tolower, ...). The generated code never reads it
// directly; it passes it to the rulec_rt_* helpers. One context per thread.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "functions/FunctionLibrary.h"
#include "matching/LiteralMatcher.h"
#include "matching/RegexGate.h"
#include "packs/PackInfo.h"
#include "rulec/abi.h"

#include <re2/re2.h>
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rulec {

/// The members of one let-table set, each with the newest event time that
/// added it (for streaming retention).
///
/// has_any tests each member as a `has` term (docs/kql.md). A member that
/// starts with a term character (an ASCII letter or digit) can only match
/// where a term of the string starts, and that term is then exactly the
/// member's leading term (its maximal run of term characters): a longer term
/// would leave no boundary after it. So members are indexed by their leading
/// term, and a string looks up each of its own terms: the cost follows the
/// string, not the set. Members that start with another byte (or are empty)
/// are tried one by one.
/// A byte of a KQL term (`has`, docs/kql.md): an ASCII letter or digit.
inline bool isTermByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class StringSet {
public:
  StringSet() = default;
  // The index points into folded_'s nodes: a move keeps them, a copy would not.
  StringSet(StringSet &&) = default;
  StringSet &operator=(StringSet &&) = default;
  StringSet(const StringSet &) = delete;
  StringSet &operator=(const StringSet &) = delete;

  void insert(std::string_view value, int64_t eventTime);
  /// RULEC_SET_* match of `s` against the members added at or after `since`.
  bool match(std::string_view s, uint32_t mode, int64_t since) const;
  size_t size() const { return exact_.size(); }
  /// Members and their times, for saved state (StateFile.h).
  const std::unordered_map<std::string, int64_t> &members() const { return exact_; }

private:
  using Member = std::pair<const std::string, int64_t>; ///< a folded member and its time
  bool hasAny(std::string_view s, int64_t since) const;

  std::unordered_map<std::string, int64_t> exact_;
  std::unordered_map<std::string, int64_t> folded_; ///< lower-case members, for in~ and has_any
  /// Looks up a term (a string_view into the folded string) without a copy.
  struct TermHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  /// has_any: folded members by leading term (nodes of folded_: their
  /// addresses stay put as it grows).
  std::unordered_map<std::string, std::vector<const Member *>, TermHash, std::equal_to<>> byLeadingTerm_;
  std::vector<const Member *> untermed_; ///< members without a leading term
  /// The string being matched, folded: match() is const but not for two
  /// threads at once (a context, and its sets, is one thread's).
  mutable std::string foldedText_;
};

} // namespace rulec

struct rulec_context {
  /// `literals`: the pack's literal sets compiled (LiteralDatabases::build);
  /// null builds them for this context alone.
  explicit rulec_context(const rulec::PackInfo &pack,
                         std::shared_ptr<const rulec::LiteralDatabases> literals = nullptr);

  /// Called before each event: frees the previous event's scratch strings
  /// and forgets its regex scans.
  void beginEvent() {
    ++eventSerial;
    scratchUsed = 0;
    regexGate.beginEvent();
  }
  /// `n` bytes of scratch memory valid until the next beginEvent().
  char *scratch(size_t n);

  int64_t now = 0;
  uint64_t eventSerial = 0; ///< counts beginEvent(): which row a serialized-row function last saw
  /// Serialized-row functions (row_number, row_cumsum, prev, ...): per call
  /// site, what the rows so far left (runtime/functions/RowFunctions.cpp).
  struct RowState {
    uint64_t serial = UINT64_MAX; ///< the row `result` belongs to: a second call on one row repeats it
    rulec_value result{};
    std::string resultText;       ///< storage of a string result
    int64_t count = 0, rank = 0, intSum = 0, sessionStart = 0, previousTime = 0;
    double sum = 0;
    bool allInts = true, started = false;
    std::string rankKey;          ///< row_rank_*: the previous row's value (JSON)
    rulec_value last{};           ///< prev: the previous row's value
    std::string lastText;         ///< its string
  };
  std::unordered_map<int64_t, RowState> rowStates;
  bool streaming = false; ///< apply set retention (members expire)
  const rulec::PackInfo &pack;
  std::vector<rulec::StringSet> sets;
  /// toscalar() values (PackInfo::scalars) as JSON text; empty until the
  /// first pass sets them (an empty result: null).
  std::vector<std::string> scalars;
  /// The pack's regular expression `i`, compiled on first use: most of a
  /// large pack's never run (the prefilter and the gate rule them out).
  const re2::RE2 &regex(uint32_t i) const;
  rulec::RegexGate regexGate; ///< which regexes can match a text at all
  /// The pack's function table resolved (PackInfo::functions): null for a
  /// name this runtime lacks (checkPackFunctions refuses such a pack).
  std::vector<const rulec::functions::Function *> functions;
  rulec::LiteralMatcher literals;
  /// For parse_json of a string column (its own parser: the event's must
  /// stay intact while the pack runs).
  simdjson::dom::parser json;
  /// The current event, parsed and as its JSON text, for Sigma keyword
  /// searches over all its values.
  simdjson::dom::element event;
  std::string_view eventText;
  /// The slots the event filled (FieldExtractor), or null: all may be.
  const std::vector<uint32_t> *filledSlots = nullptr;
  /// The event's slots and their parsed values: a helper given a slot that
  /// holds an array or object (RULEC_ARRAY / RULEC_OBJECT carry no text)
  /// reads its JSON through slotJson().
  const rulec_value *slots = nullptr;
  const simdjson::dom::element *elements = nullptr;
  size_t slotCount = 0;
  /// The JSON text of `v` when it is one of the event's array or object
  /// slots; false for any other value.
  bool slotJson(const rulec_value &v, std::string &out) const;

private:
  mutable std::vector<std::unique_ptr<re2::RE2>> regexes_; ///< a cache: one context serves one thread
  std::vector<std::unique_ptr<char[]>> scratchChunks;
  std::vector<size_t> scratchSizes;
  size_t scratchUsed = 0; ///< bytes used, counted across chunks in order
};
