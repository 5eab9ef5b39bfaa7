//===- TableOperators.h - KQL's relational operators over rows -------------===//
//
// The runtime half of a query's plan (docs/kql.md, "The tabular plan"): rows
// come from the Query rules whose `toOperator` names an operator (their
// columns computed by the pack's code) and leave as events of the operator's
// output table, through the rules of the operators after it (RowSink).
//
// - union passes rows through as they come;
// - mv-expand turns a row into one row per element of its array columns,
//   expanded side by side (a shorter one padded with null), a bag's
//   properties as one-entry bags; a null value gives one row, an empty
//   array or bag none (Kusto's mv-expand operator);
// - sort / order / top keep every row and emit them sorted at flush();
// - join keeps both sides and emits the joined rows at flush(), by kind; in
//   stream mode it is a StreamJoin, bounded by its window, whose rows go out
//   as they are made (queued, and sent on at advance() and flush()).
//
// sort and bag_unpack need their whole input: in stream mode only inside a
// replayed query, a batch over each of its windows (streamable()).
// Rows are JSON objects; values are compared as docs/kql.md says (numbers as
// numbers, strings that are datetimes as instants, other strings by their
// bytes).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "state/StreamJoin.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rulec {

class TableOperators {
public:
  /// Sort keys that are expressions travel in columns named so; sort drops them.
  static constexpr const char *kHiddenSortKey = "__sortkey";

  /// Called while an event is still being applied (add()): it must not run
  /// the row through the pack at once (the Scanner queues it for after).
  using RowSink = std::function<void(uint32_t logType, const std::string &row, int64_t time)>;

  /// Stream mode: a join keeps its rows for its window plus `lateness` ns,
  /// at most `maxBytes` of them (OperatorLimitError beyond).
  struct Stream {
    int64_t lateness = 0;
    uint64_t maxBytes = kDefaultMaxBytes;
  };
  static constexpr uint64_t kDefaultMaxBytes = uint64_t(256) << 20;

  TableOperators(const PackInfo &pack, RowSink sink, std::optional<Stream> stream = std::nullopt);

  /// A row of input `input` of operator `op` (a Query rule's row), at event
  /// time `time`; `pinned`: a constant source's row (stream joins keep it).
  void add(uint32_t op, uint32_t input, const std::string &row, int64_t time, bool pinned = false);

  /// Stream mode: the stream reached event time `time`; sends on the rows
  /// the joins made and those leaving their windows.
  void advance(int64_t time);

  /// Every input of `op` is complete; emits its rows (sort, join,
  /// bag_unpack; a stream join: those it still keeps).
  void flush(uint32_t op);

  /// Whether the pack can run on a stream: not with sort, top or
  /// bag_unpack (they need their whole input), nor with a join without a
  /// window. `replayed`: scheduled Sentinel rules, and queries with an
  /// ago() window, run in the replay's runs (batches over their windows),
  /// where all of these may. `why` names the first that cannot.
  static bool streamable(const PackInfo &pack, bool replayed, std::string &why);
  /// Whether --state can save the operators' state: not when they keep rows
  /// (sort, join, bag_unpack) outside replayed queries. `why` names the first.
  static bool savable(const PackInfo &pack, bool replayed, bool streaming, std::string &why);

private:
  struct Row {
    std::string json;
    int64_t time = 0;
    uint32_t input = 0; ///< union kind=inner: the arm it came from
  };

  void expand(const OperatorSpec &spec, const Row &row);
  void sort(uint32_t op);
  void join(uint32_t op);
  void bagUnpack(uint32_t op);
  void unionInner(uint32_t op);

  /// Where operator `op`'s stream join puts its rows: the sink, as op's output.
  StreamJoin::Sink sinkFor(uint32_t op);

  const PackInfo &pack_;
  RowSink sink_;
  std::vector<std::array<std::vector<Row>, 2>> rows_; ///< per operator, per input: kept rows
  /// Stream mode: per operator, its join (null for other kinds).
  std::vector<std::unique_ptr<StreamJoin>> streamJoins_;
  simdjson::dom::parser parser_;
};

} // namespace rulec
