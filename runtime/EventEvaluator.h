//===- EventEvaluator.h - Parse one event, fill slots, run the pack -------===//
//
// The per-event path shared by `rulec run` (through Scanner) and `rulec test`:
// simdjson parses the document, the FieldExtractor fills the slots, and the
// pack's native eval function runs on them. Nothing is allocated per event once
// the parser's buffers have grown to the largest event.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EvalContext.h"
#include "events/FieldExtractor.h"
#include "packs/PackInfo.h"
#include "rulec/abi.h"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace rulec {

/// A pack's native entry points (include/rulec/abi.h).
struct NativePack {
  rulec_pack_eval_fn eval = nullptr;
  rulec_pack_severity_fn severity = nullptr;
  rulec_pack_column_fn column = nullptr;
  const rulec_pack_rule_fn *rules = nullptr; ///< for profiling; null: eval only
};

/// Where the rules' time goes (`rulec run --profile-rules`): per rule, the
/// time-stamp-counter cycles its code and the helpers it called took, and
/// how often it ran; and the cycles of rulec_rt_scan (literal sets and
/// prefilter) they all share.
struct RuleProfile {
  std::vector<uint64_t> cycles, runs;
  uint64_t scanCycles = 0;
  void add(const RuleProfile &other);
};

class EventEvaluator {
public:
  /// Bounds on one event (docs/cli.md "Limits"): a larger or deeper event is
  /// an invalid line with this reason, never a crash or an unbounded
  /// allocation. Strings are bounded by the event's size. 64 levels is also
  /// as deep as keyword search (`|re` over every string) looks, so it sees
  /// every string of an event that loads.
  static constexpr size_t kMaxEventBytes = size_t(16) << 20;
  static constexpr size_t kMaxEventDepth = 64;

  /// `extraFields` are read into slots after the pack's own (for the runtime's
  /// use: log type, event time); the pack's code never sees them.
  /// `literals`: the pack's literal indexes, shared by the evaluators of
  /// one pack (null: built here).
  EventEvaluator(const PackInfo &pack, NativePack code, std::vector<FieldSpec> extraFields = {},
                 std::shared_ptr<const LiteralDatabases> literals = nullptr);
  // The context points into this object's slot vectors: it stays where it is made.
  EventEvaluator(const EventEvaluator &) = delete;
  EventEvaluator &operator=(const EventEvaluator &) = delete;

  /// Parses one JSON document. Returns false, with a reason, unless it is a
  /// JSON object. `padded`: SIMDJSON_PADDING readable bytes follow `json`
  /// (LineReader's lines), so simdjson parses it in place instead of copying.
  bool load(std::string_view json, std::string &error, bool padded = false);

  /// The reason load() gives for an event of `bytes` bytes over kMaxEventBytes.
  static std::string tooLarge(uint64_t bytes);

  /// Runs the pack on the loaded event for `logType`; returns the matched
  /// rule indexes in rule order.
  const std::vector<uint32_t> &evaluate(uint32_t logType);

  /// Times each rule into `profile` (sized here) from now on: evaluate()
  /// then calls the candidate rules itself (the pack's rule table) instead
  /// of the pack's entry point. False when the pack exports no rule table.
  bool setProfile(RuleProfile *profile);

  /// A KQL column's value for the loaded event: its slot, or for a computed
  /// column what the pack's code computes (strings in scratch memory).
  rulec_value column(const RuleInfo &info, uint32_t rule, uint32_t column);

  /// The severity of matched `rule` for the loaded event: the ChangeTo of its
  /// first DynamicSeverities entry that holds, else its Severity.
  const std::string &severity(const RuleInfo &info, uint32_t rule) const;

  const rulec_value *slots() const { return slots_.data(); }
  /// The evaluation context the pack's code gets (now, sets, regexes).
  rulec_context &context() { return ctx_; }
  const rulec_context &context() const { return ctx_; }
  const simdjson::dom::element *elements() const { return elements_.data(); }
  /// The loaded event's root object.
  simdjson::dom::element root() const { return root_; }
  /// The slot of extra field `k`.
  uint32_t extraSlot(size_t k) const { return packFieldCount_ + static_cast<uint32_t>(k); }

private:
  NativePack code_;
  uint32_t packFieldCount_;
  FieldExtractor extractor_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  ValueArena arena_;
  mutable rulec_context ctx_; // the pack's code writes scratch strings even in const queries
  std::vector<rulec_value> slots_;
  std::vector<uint32_t> filled_; ///< the slots the loaded event filled
  std::vector<simdjson::dom::element> elements_;
  std::vector<uint32_t> matchBuffer_;
  RuleProfile *profile_ = nullptr;
  std::vector<uint32_t> matched_;
};

} // namespace rulec
