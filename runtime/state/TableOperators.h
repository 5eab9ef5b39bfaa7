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
// - join keeps both sides and emits the joined rows at flush(), by kind.
//
// Batch only: sort and join need their whole input (Scanner refuses them in
// stream mode until they are bounded by windows). Rows are JSON objects;
// values are compared as docs/kql.md says (numbers as numbers, strings that
// are datetimes as instants, other strings by their bytes).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rulec {

class TableOperators {
public:
  /// Sort keys that are expressions travel in columns named so; sort drops them.
  static constexpr const char *kHiddenSortKey = "__sortkey";

  using RowSink = std::function<void(uint32_t logType, const std::string &row, int64_t time)>;

  TableOperators(const PackInfo &pack, RowSink sink);

  /// A row of input `input` of operator `op` (a Query rule's row), at event time `time`.
  void add(uint32_t op, uint32_t input, const std::string &row, int64_t time);

  /// Batch: every input of `op` is complete; emits its rows (sort, join, bag_unpack).
  void flush(uint32_t op);

  /// Whether the pack has operators that need their whole input (sort,
  /// join): they cannot run on a stream yet. `why` names the first.
  static bool needsWholeInput(const PackInfo &pack, std::string &why);

private:
  struct Row {
    std::string json;
    int64_t time = 0;
  };

  void expand(const OperatorSpec &spec, const Row &row);
  void sort(uint32_t op);
  void join(uint32_t op);
  void bagUnpack(uint32_t op);

  const PackInfo &pack_;
  RowSink sink_;
  std::vector<std::array<std::vector<Row>, 2>> rows_; ///< per operator, per input: kept rows
  simdjson::dom::parser parser_;
};

} // namespace rulec
