//===- StreamJoin.cpp -----------------------------------------------------===//
#include "state/StreamJoin.h"

#include <algorithm>

namespace rulec {

namespace {

using Kind = OperatorSpec::JoinKind;

Kind joinKindOf(Kind kind) {
  return kind == Kind::LookupLeftOuter ? Kind::LeftOuter : kind == Kind::LookupInner ? Kind::Inner : kind;
}

/// The side whose rows a semi or anti join emits; -1 for the other kinds.
int filteredSide(Kind kind) {
  switch (kind) {
  case Kind::LeftSemi:
  case Kind::LeftAnti: return 0;
  case Kind::RightSemi:
  case Kind::RightAnti: return 1;
  default: return -1;
  }
}

std::string bytesText(uint64_t n) {
  constexpr uint64_t kMiB = 1024 * 1024;
  return n % kMiB == 0 ? std::to_string(n / kMiB) + " MiB" : std::to_string(n) + " bytes";
}

} // namespace

StreamJoin::StreamJoin(const OperatorSpec &spec, int64_t window, uint64_t maxBytes)
    : spec_(spec), kind_(joinKindOf(spec.joinKind)), window_(window), maxBytes_(maxBytes), shape_(spec) {}

void StreamJoin::add(int side, const std::string &json, int64_t time, bool pinned, const Sink &sink) {
  const Columns columns = columnsOf(parser_, json);
  shape_.see(side, columns);
  if (!pinned)
    advance(time, sink); // the rows this one's time puts out of the window leave first
  Kept row{json, {}, time, pinned, false};
  if (!pinned && time < newest_ - window_) {
    unmatched(side, row, sink); // outside the window already: it meets no row
    return;
  }
  if (!joinKey(columns, side == 0 ? spec_.leftKeys : spec_.rightKeys, row.key)) {
    // A null key meets no row; an outer or anti row waits for the window
    // all the same, so that it has the columns the other side shows by then.
    row.key.clear();
    if (emitsUnmatched(side))
      keep(side, std::move(row));
    return;
  }
  if (kind_ == Kind::InnerUnique && side == 0 && sides_[0].byKey.count(row.key))
    return; // a later left row of a key whose first is still in the window
  const int filtered = filteredSide(kind_);
  const bool semi = kind_ == Kind::LeftSemi || kind_ == Kind::RightSemi;
  Side &other = sides_[1 - side];
  if (auto it = other.byKey.find(row.key); it != other.byKey.end())
    for (uint64_t id : it->second) {
      Kept &match = other.rows.at(id);
      if (semi && filtered == 1 - side && !match.matched)
        sink(match.json, match.time); // a semi row goes out when it first meets a row
      match.matched = true;
      row.matched = true;
      if (side == 0)
        pair(row, match, sink);
      else
        pair(match, row, sink);
    }
  if (filtered == side && row.matched) {
    if (semi)
      sink(row.json, row.time);
    return; // a semi or anti row that met one has done all it will
  }
  keep(side, std::move(row));
}

void StreamJoin::keep(int side, Kept row) {
  const uint64_t cost = row.json.size() + row.key.size() + kRowOverhead;
  if (bytes_ + cost > maxBytes_)
    throw OperatorLimitError(spec_.name + " of query '" + spec_.rule + "' keeps more than " + bytesText(maxBytes_) +
                             " of rows in its window, its memory limit: the run stops rather than drop rows");
  bytes_ += cost;
  const uint64_t id = nextId_++;
  Side &s = sides_[side];
  if (!row.key.empty()) // empty: a null key, which nothing looks up
    s.byKey[row.key].push_back(id);
  if (!row.pinned)
    s.byTime.emplace(row.time, id);
  s.rows.emplace(id, std::move(row));
}

void StreamJoin::leave(int side, uint64_t id, const Sink &sink) {
  Side &s = sides_[side];
  auto it = s.rows.find(id);
  const Kept row = std::move(it->second);
  s.rows.erase(it);
  if (auto k = s.byKey.find(row.key); k != s.byKey.end()) {
    k->second.erase(std::find(k->second.begin(), k->second.end(), id));
    if (k->second.empty())
      s.byKey.erase(k);
  }
  bytes_ -= row.json.size() + row.key.size() + kRowOverhead;
  if (!row.matched)
    unmatched(side, row, sink);
}

bool StreamJoin::emitsUnmatched(int side) const {
  return kind_ == Kind::FullOuter || kind_ == (side == 0 ? Kind::LeftOuter : Kind::RightOuter) ||
         kind_ == (side == 0 ? Kind::LeftAnti : Kind::RightAnti);
}

void StreamJoin::unmatched(int side, const Kept &row, const Sink &sink) {
  const bool outer = kind_ == Kind::FullOuter || kind_ == (side == 0 ? Kind::LeftOuter : Kind::RightOuter);
  if (outer) {
    const Columns columns = columnsOf(parser_, row.json);
    sink(side == 0 ? shape_.combine(&columns, nullptr) : shape_.combine(nullptr, &columns), row.time);
  } else if (kind_ == (side == 0 ? Kind::LeftAnti : Kind::RightAnti)) {
    sink(row.json, row.time);
  }
}

void StreamJoin::pair(const Kept &left, const Kept &right, const Sink &sink) {
  if (filteredSide(kind_) >= 0)
    return; // semi and anti joins emit one side's rows
  const Columns l = columnsOf(parser_, left.json), r = columnsOf(parser_, right.json);
  sink(shape_.combine(&l, &r), kind_ == Kind::RightOuter ? right.time : left.time);
}

void StreamJoin::advance(int64_t newest, const Sink &sink) {
  if (!started_ || newest > newest_)
    newest_ = newest;
  started_ = true;
  for (int side : {0, 1}) {
    auto &byTime = sides_[side].byTime;
    while (!byTime.empty() && byTime.begin()->first < newest_ - window_) {
      const uint64_t id = byTime.begin()->second;
      byTime.erase(byTime.begin());
      leave(side, id, sink);
    }
  }
}

void StreamJoin::finish(const Sink &sink) {
  for (int side : {0, 1}) {
    Side &s = sides_[side];
    s.byTime.clear();
    while (!s.rows.empty())
      leave(side, s.rows.begin()->first, sink);
  }
}

} // namespace rulec
