//===- Aggregator.h - KQL summarize: matches folded into grouped rows -----===//
//
// An Aggregate rule's matches are grouped by its key columns (and the time or
// numeric bin of bin(x, size)), and each group folds its aggregates: count(),
// countif(), dcount() (exact, where Kusto estimates), min(), max(), sum(),
// avg(), make_set(), make_list(), take_any(). A group becomes one row (a JSON
// object: keys, then aggregates) when it closes: in batch mode at the end of
// input; in streaming mode when the event time passes the end of its bin
// (groups without a bin close at the end of input). The Scanner runs each
// row, as an event of the spec's output log type, through the rule of the
// operators after the summarize. See docs/kql.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/PackInfo.h"

#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <unordered_set>
#include <vector>

namespace rulec {

class Aggregator {
public:
  /// A closed group's row: the log type it is an event of, the row as a JSON
  /// object, and its time (the bin's start, else its first match's time).
  using RowSink = std::function<void(uint32_t logType, const std::string &row, int64_t time)>;

  Aggregator(const PackInfo &pack, RowSink sink);

  /// One match of Aggregate rule `rule` on the event `event` holds.
  void add(uint32_t rule, EventEvaluator &event, int64_t eventTime);

  /// Streaming: emit the groups whose bins end at or before `watermark`.
  void advance(int64_t watermark);

  /// End of input for Aggregate rule `rule`: emit its groups in the order
  /// they started (the Scanner flushes in plan order, between a query's
  /// other operators).
  void flushRule(uint32_t rule);

private:
  struct State {
    uint64_t count = 0;
    bool hasNumber = false, allInts = true;
    int64_t intSum = 0;
    double sum = 0;
    std::string best;          ///< min / max / take_any: the value's JSON
    double bestNumber = 0;     ///< min / max of numbers
    bool bestIsNumber = false;
    std::unordered_set<std::string> distinct; ///< dcount, make_set; make_bag: its keys
    std::vector<std::string> values;          ///< make_set / make_list, in order; make_bag: "key":value
    std::string row;                          ///< arg_max / arg_min: the best row's carried columns (a JSON object)
    double meanX = 0, meanY = 0, coMoment = 0; ///< covariance (Welford's update), `count` pairs
  };
  struct Group {
    uint64_t order = 0;          ///< creation order, for a stable output
    std::vector<std::string> keys; ///< JSON of each key
    int64_t time = 0;            ///< bin start or first match time
    int64_t closeAt = INT64_MAX; ///< streaming: the bin's end
    std::vector<State> states;
  };

  /// Whether `v` beats the state's best (min, max, arg_min, arg_max), which it then becomes.
  bool better(bool less, State &state, const rulec_value &v, const std::string &json);
  void fold(const AggregateSpec::Aggregate &agg, State &state, const rulec_value &v, const std::string &json);
  void emit(uint32_t rule, const Group &group);

  const PackInfo &pack_;
  RowSink sink_;
  std::vector<std::map<std::string, Group>> groups_; ///< per rule, by key text
  /// Groups with a time bin, by (bin end, creation order): advance() pops
  /// closed ones without scanning the rest.
  std::set<std::tuple<int64_t, uint64_t, uint32_t, std::string>> closing_;
  uint64_t nextOrder_ = 0;
  simdjson::dom::parser json_; ///< make_set's arrays, make_bag's bags
};

} // namespace rulec
