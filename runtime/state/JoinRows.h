//===- JoinRows.h - What a join compares and the rows it makes -------------===//
//
// Shared by the batch join (TableOperators) and the windowed one of stream
// mode (StreamJoin): the key a row joins on and the shape of a joined row
// (docs/kql.md, the join row of "Operators").
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "state/RowColumns.h"

#include <set>
#include <string>
#include <vector>

namespace rulec {

/// The values of `keys` in a row as one text; false when one is null or
/// missing (a null key matches nothing). Values compare by their JSON text:
/// keys of different types never match.
bool joinKey(const Columns &columns, const std::vector<std::string> &keys, std::string &out);

/// A joined row: the left columns, then the right ones (a lookup's without
/// its key columns), a right name the left has numbered (Key -> Key1); a
/// column the row of its side lacks, or the side's row that is missing, is
/// null. The names are those seen so far on each side, first seen first.
class JoinShape {
public:
  explicit JoinShape(const OperatorSpec &spec);

  /// Notes the column names of a row of side 0 (left) or 1 (right).
  void see(int side, const Columns &row);
  std::string combine(const Columns *left, const Columns *right);

private:
  bool lookup_;
  std::vector<std::string> rightKeys_;
  std::vector<std::string> names_[2];
  std::set<std::string> seen_[2];
  std::vector<std::string> rightOut_; ///< per right name, its output name
  bool renamed_ = true;               ///< rightOut_ is up to date
};

} // namespace rulec
