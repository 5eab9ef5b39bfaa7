//===- StreamJoin.h - A join of two streams within a window ----------------===//
//
// Stream mode's join and lookup (docs/kql.md, "Batch and stream"): each
// side's rows are kept while their event time is within the window of the
// newest event time; a row that arrives is matched at once against the
// other side's kept rows (innerunique: against, or as, the first left row of
// its key within the window). The unmatched rows of outer and anti kinds
// (a null key's too) go out when the window passes them, or at the end.
// Within one window the rows are those of the batch join, in arrival order.
// Rows of constant sources (datatable, print, range) never leave before the
// end. The kept rows are bounded by a number of bytes: over it the join
// throws OperatorLimitError rather than drop a row.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "state/JoinRows.h"

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace rulec {

/// A stream operator went over its memory limit; the message names the
/// operator, its rule and the limit.
struct OperatorLimitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class StreamJoin {
public:
  using Sink = std::function<void(const std::string &row, int64_t time)>;

  /// `window`: ns a row stays after its time; `maxBytes`: the kept rows' bound.
  StreamJoin(const OperatorSpec &spec, int64_t window, uint64_t maxBytes);

  /// A row of `side` (0 left, 1 right) at event time `time`; `pinned`: a
  /// constant source's row, kept to the end.
  void add(int side, const std::string &json, int64_t time, bool pinned, const Sink &sink);
  /// The stream reached event time `newest`: rows older than the window leave.
  void advance(int64_t newest, const Sink &sink);
  /// End of input: every kept row leaves.
  void finish(const Sink &sink);

  /// The bytes the kept rows take (their text, key and bookkeeping).
  uint64_t bytes() const { return bytes_; }
  /// What one kept row costs beyond its text and key.
  static constexpr uint64_t kRowOverhead = 128;

private:
  using Kind = OperatorSpec::JoinKind;
  struct Kept {
    std::string json;
    std::string key;
    int64_t time = 0;
    bool pinned = false;
    bool matched = false; ///< has met a row of the other side (semi: was emitted)
  };
  struct Side {
    std::map<uint64_t, Kept> rows; ///< by arrival
    std::unordered_map<std::string, std::vector<uint64_t>> byKey;
    std::multimap<int64_t, uint64_t> byTime; ///< rows that leave with the window
  };

  void keep(int side, Kept row);
  /// Removes a kept row; an unmatched one goes out as its kind says.
  void leave(int side, uint64_t id, const Sink &sink);
  /// Whether an unmatched row of `side` goes out (outer and anti kinds).
  bool emitsUnmatched(int side) const;
  /// A row that met no row of the other side: its outer or anti row, if any.
  void unmatched(int side, const Kept &row, const Sink &sink);
  /// The row a matched pair makes, if the kind emits pairs.
  void pair(const Kept &left, const Kept &right, const Sink &sink);

  const OperatorSpec &spec_;
  Kind kind_; ///< lookup kinds as their join kinds
  int64_t window_;
  uint64_t maxBytes_;
  uint64_t bytes_ = 0;
  bool started_ = false; ///< newest_ holds an event time
  int64_t newest_ = 0;
  uint64_t nextId_ = 0;
  Side sides_[2];
  JoinShape shape_;
  simdjson::dom::parser parser_;
};

} // namespace rulec
