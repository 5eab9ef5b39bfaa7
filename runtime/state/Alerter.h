//===- Alerter.h - Panther threshold and dedup windows --------------------===//
//
// Panther's alert merging (v1.16 alert_merger.py), on event time:
//  - matches are grouped per (rule, dedup string);
//  - a group's window opens at its first match and covers DedupPeriodMinutes
//    (both ends included); a match after the window's end opens a new one;
//  - a window that reaches the rule's Threshold raises one alert, which all
//    later matches of the window join; one that never does is dropped.
// An alert is emitted when its window closes: when the stream's newest event
// time passes the window's end, or at flush(). That gives each alert its final
// count; docs/runtime.md explains the choice. Emission order is by window end,
// then window start, then rule order, then dedup string: deterministic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/ByteCodec.h"
#include "packs/PackInfo.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace rulec {

struct Alert {
  uint32_t rule = 0;
  std::string title;
  std::string dedup;
  std::string severity;
  std::string contextJson; ///< AlertContext as a JSON object; empty when the rule has none
  uint64_t count = 0;
  int64_t firstEventTime = 0;
  int64_t lastEventTime = 0;
  std::vector<std::string> eventRefs; ///< the first kMaxEventRefs matches ("file:line")
};

class Alerter {
public:
  static constexpr size_t kMaxEventRefs = 10;
  using Sink = std::function<void(const Alert &)>;

  Alerter(const PackInfo &pack, Sink sink);

  /// Fills title, severity and context of a new window's alert from the
  /// match that opens it (Panther takes them from the first event).
  using Describe = std::function<void(Alert &)>;

  /// One match of `rule` at `eventTime` (ns). Closes windows that ended before
  /// `eventTime` first, so alerts come out in time order.
  void onMatch(uint32_t rule, const std::string &dedup, int64_t eventTime,
               const std::string &eventRef, const Describe &describe);

  /// The stream has reached `eventTime`: emit every window that ended before it.
  void advance(int64_t eventTime);

  /// End of input: emit every open window that reached its threshold.
  void flush();

  /// At most this many open windows (0: no bound). A new window over the
  /// bound first closes the one that ends soonest, early: it alerts if it
  /// already reached its threshold, else it is dropped (counted).
  void setMaxWindows(size_t n) { maxWindows_ = n; }
  /// Windows close only when the stream's newest time is this much past
  /// their end, so that late events (up to this late) still join them.
  void setAllowedLateness(int64_t nanos) { lateness_ = nanos; }
  uint64_t evictions() const { return evictions_; }

  /// Saved state (StateFile.h): the open windows and the stream's time.
  void save(bytes::Writer &w) const;
  void load(bytes::Reader &r);

private:
  using Key = std::pair<uint32_t, std::string>; // (rule, dedup)
  struct Window {
    Alert alert;
    int64_t start = 0;
    int64_t end = 0;
  };
  using CloseKey = std::tuple<int64_t, int64_t, uint32_t, std::string>; // (end, start, rule, dedup)

  void close(std::map<Key, Window>::iterator it);

  const PackInfo &pack_;
  Sink sink_;
  int64_t watermark_ = INT64_MIN;
  std::map<Key, Window> windows_;
  std::set<CloseKey> byEnd_;
  size_t maxWindows_ = 0;
  int64_t lateness_ = 0;
  uint64_t evictions_ = 0;
};

} // namespace rulec
