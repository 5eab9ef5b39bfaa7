//===- LiteralMatcher.h - A pack's literal sets, matched once per event ---===//
//
// For each LiteralSet of the pack (PackInfo.h): a Hyperscan literal database
// (ASCII-case-insensitive, one report per needle) for icontains sets, a hash
// map of needles for ieq sets. The first leaf of a set that runs for an event
// scans the field once and keeps which needles it holds; every other leaf of
// the set reads a bit. Databases are built once per pack and shared; scratch
// space and the bits are per context (thread).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "PackInfo.h"
#include "rulec/abi.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace rulec {

/// What a pack's literal sets compile to: read-only, shared between contexts.
class LiteralDatabases {
public:
  /// Null with `error` when Hyperscan refuses a set.
  static std::shared_ptr<const LiteralDatabases> build(const PackInfo &pack, std::string &error);
  /// Compiles `pack`'s Contains sets and keeps each database in its
  /// LiteralSet::compiled (for AOT packs); false with `error` on failure.
  static bool precompile(PackInfo &pack, std::string &error);
  ~LiteralDatabases();

  struct Set {
    const LiteralSet *spec = nullptr;
    hs_database *db = nullptr;                            ///< Contains
    /// Equals, StartsWith, EndsWith: needle -> index (views of spec->needles)
    std::unordered_map<std::string_view, uint32_t> needles;
    std::vector<size_t> lengths;                          ///< StartsWith, EndsWith: the needle lengths
    std::vector<std::vector<uint32_t>> rulesByNeedle;     ///< prefilter: who requires each needle
    std::vector<uint32_t> rules;                          ///< prefilter: who requires any needle of it
  };
  std::vector<Set> sets;
  std::vector<uint8_t> unfiltered; ///< per rule: 1 when it has no requirement (always runs)
};

class LiteralMatcher {
public:
  explicit LiteralMatcher(std::shared_ptr<const LiteralDatabases> dbs);
  ~LiteralMatcher();
  LiteralMatcher(const LiteralMatcher &) = delete;
  LiteralMatcher &operator=(const LiteralMatcher &) = delete;

  /// A new event: every set is scanned again on first use.
  void beginEvent() { ++epoch_; }
  /// Whether needle `index` of set `set` is in `s` (contains / equals,
  /// ignoring ASCII case).
  bool match(uint32_t set, uint32_t index, std::string_view s);

  /// Per rule, 1 when it may match this event (compiler/Prefilter.h): its
  /// requirement met, or none. Scans every set's field of the event.
  const uint8_t *prefilter(const rulec_value *slots);

private:
  struct State {
    uint64_t epoch = 0;
    std::vector<uint64_t> bits;
  };
  void scan(uint32_t set, std::string_view s, State &state);

  std::shared_ptr<const LiteralDatabases> dbs_;
  hs_scratch *scratch_ = nullptr;
  std::vector<State> states_;
  uint64_t epoch_ = 1;
  std::string folded_;
  std::vector<uint8_t> candidates_;
};

} // namespace rulec
