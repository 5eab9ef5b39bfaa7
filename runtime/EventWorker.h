//===- EventWorker.h - One event in, what it says about the pack out ------===//
//
// The part of scanning that depends on one event only: parse it, find its
// log type (p_log_type, else Type, else the first log-type shape it has,
// PackInfo.h) and its time, run the pack, and for each match take from the
// event what the stream's state will need: the dedup string, title, severity
// and context of an alert, a query's result row, the group-by values of the
// correlations the rule feeds. The Scanner then applies these outcomes in
// event order (windows, correlations, rows). Several workers, each with its
// own evaluation context, can evaluate the events of a batch on as many
// threads (`rulec run --threads`): the outcomes are the same as one worker's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/PackInfo.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

struct ScanOptions;

/// A match, with what applying it needs of its event.
struct MatchOutcome {
  uint32_t rule = 0;
  std::string dedup;                        ///< Alert rules
  std::string title, severity, contextJson; ///< Alert rules: the alert a new window opens with
  std::string row;                          ///< Query rules with output: the result row
  /// Per correlation the rule feeds (RuleInfo::feeds): its group-by values
  /// and value field (a missing or null field has none).
  struct Feed {
    std::vector<std::optional<std::string>> group;
    std::optional<std::string> value;
  };
  std::vector<Feed> feeds;
};

struct EventOutcome {
  enum class Kind : uint8_t {
    Blank,      ///< not an event
    Invalid,    ///< not a JSON object: `error` says why
    NoLogType,  ///< names no log type, has no known shape, and no default
    OtherType,  ///< of a log type no rule reads
    Evaluated,  ///< ran: `matches`
  };
  Kind kind = Kind::Blank;
  std::string error;
  uint32_t logType = 0;
  bool hasTime = false; ///< else it takes the previous event's (Scanner)
  int64_t time = 0;
  /// The first `matchCount` are this event's; the rest keep their strings'
  /// memory for the next event (an outcome is reused event after event:
  /// freeing and allocating rows made the kernel clear pages at every batch).
  std::vector<MatchOutcome> matches;
  size_t matchCount = 0;
  MatchOutcome &addMatch(uint32_t rule) {
    if (matchCount == matches.size())
      matches.emplace_back();
    MatchOutcome &m = matches[matchCount++];
    m.rule = rule;
    m.dedup.clear();
    m.title.clear();
    m.severity.clear();
    m.contextJson.clear();
    m.row.clear();
    m.feeds.clear();
    return m;
  }
  void clear() {
    kind = Kind::Blank;
    error.clear();
    hasTime = false;
    matchCount = 0;
  }
};

class EventWorker {
public:
  /// `literals`: another worker's literal indexes, to share (null: built).
  EventWorker(const PackInfo &pack, NativePack code, const ScanOptions &options,
              std::shared_ptr<const LiteralDatabases> literals = nullptr);

  /// What evaluate() takes from the event for its matches: nothing but the
  /// rows of first-pass rules (the pass that fills let-table sets and
  /// toscalar() values); what applying needs, with an alert's
  /// title, severity and context left to the evaluator, which still holds
  /// the event when its outcome is applied at once (one worker); or all of
  /// it (workers on threads, whose outcomes are applied later).
  enum class Payloads : uint8_t { None, Lazy, All };

  /// Evaluates one event into `out`. `padded`: as for EventEvaluator::load.
  /// `logType`: the event's log type when the caller knows it (a KQL
  /// source's rows); RULEC_NO_LOG_TYPE: the event names or shows it.
  void evaluate(std::string_view text, bool padded, EventOutcome &out, Payloads payloads,
                uint32_t logType = RULEC_NO_LOG_TYPE);

  /// An alert's title, severity and context from the loaded event.
  void describe(uint32_t rule, std::string &title, std::string &severity, std::string &contextJson) const;

  /// The fields the event's time may be in, for the message when it has none.
  const std::vector<std::string> &timeFields(uint32_t logType) const { return timeFieldNames_[logType]; }
  bool needsTime() const { return needsTime_; }
  /// The evaluator, with the last event loaded (for let-table sets and
  /// summarize, which only one worker may feed: Scanner).
  EventEvaluator &evaluator() { return evaluator_; }
  const EventEvaluator &evaluator() const { return evaluator_; }

private:
  bool eventTime(uint32_t logType, int64_t &nanos) const;
  uint32_t logTypeByShape() const;

  const PackInfo &pack_;
  const bool hasDefault_; ///< --log-type was given
  const uint32_t defaultLogType_;
  const bool needsTime_; ///< some rule keeps a time window
  std::vector<std::vector<std::string>> timeFieldNames_; ///< per log type
  std::vector<std::vector<uint32_t>> timeFieldSlots_;    ///< per log type, extra slots
  std::vector<std::vector<uint32_t>> shapeSlots_;        ///< per log-type shape, extra slots
  EventEvaluator evaluator_;
};

/// Only windows need event time: alerts, summarize, streaming sets, correlations.
bool needsEventTime(const PackInfo &pack, const ScanOptions &options);

/// "WinEventLog: Event.System.EventID, or EventID and Channel; ...": what
/// the pack's shapes look for, for the message on an event that has none.
std::string shapesText(const PackInfo &pack);

} // namespace rulec
