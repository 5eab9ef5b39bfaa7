//===- Correlator.h - Sigma correlation rules over rule matches -----------===//
//
// A correlation (PackInfo.h CorrelationSpec) counts, per group of group-by
// values, the matches of its input rules in a window of `timespan`:
//  - event_count: matching events; value_count: distinct values of `field`;
//    temporal: distinct input rules; temporal_ordered: all input rules, in
//    the order of `rules`, inside one timespan.
//  - A condition with only lower bounds (gt, gte) is checked at each input,
//    over a sliding window (the inputs of the last `timespan`, both ends
//    included): the correlation fires as soon as it holds. One with an upper
//    bound (lt, lte, eq) can only be judged when no more inputs can join: its
//    window is anchored at the group's first input, closes `timespan` later,
//    and is judged then.
//  - A firing clears its group, so one burst gives one alert; the next needs
//    a full count again.
//  - A firing feeds the correlations that name this one in their `rules`
//    (chains), with its group-by values and its last event time.
// Inputs without a value for every group-by field take no part; they are
// counted. Time is event time, as for Panther windows. docs/sigma.md has the
// sources of each choice.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/ByteCodec.h"
#include "packs/PackInfo.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace rulec {

struct CorrelationAlert {
  uint32_t correlation = 0;
  std::vector<std::string> group; ///< JSON of each group-by value, in the spec's order
  uint64_t count = 0;             ///< what the condition judged (events, values or rules)
  int64_t firstEventTime = 0;
  int64_t lastEventTime = 0;
  std::vector<std::string> eventRefs; ///< the first kMaxEventRefs events ("file:line")
};

class Correlator {
public:
  static constexpr size_t kMaxEventRefs = 10;
  using Sink = std::function<void(const CorrelationAlert &)>;

  Correlator(const PackInfo &pack, Sink sink);

  /// One input of a correlation: a match of one of its rules at `time` (or a
  /// firing of one of its correlations: at its last event's time, its first
  /// event at `firstTime`), with the JSON of its group-by values (nullopt:
  /// the event lacks that field) and, for value_count, of `field`.
  void add(const CorrelationFeed &feed, const std::vector<std::optional<std::string>> &group,
           const std::optional<std::string> &value, int64_t time, const std::vector<std::string> &eventRefs,
           std::optional<int64_t> firstTime = std::nullopt);

  /// The stream has reached `time`: judge the windows that closed before it
  /// and forget groups that can no longer fire.
  void advance(int64_t time);

  /// End of input: judge every open window with an upper bound.
  void flush();

  uint64_t ungrouped() const { return ungrouped_; }

  /// At most this many open groups (0: no bound). A new group over the bound
  /// first closes the one whose deadline comes first, early: an anchored
  /// window is judged now, a sliding one is dropped (counted).
  void setMaxGroups(size_t n) { maxGroups_ = n; }
  /// Anchored windows are judged only when the stream's newest time is this
  /// much past their end (Alerter::setAllowedLateness).
  void setAllowedLateness(int64_t nanos) { lateness_ = nanos; }
  uint64_t evictions() const { return evictions_; }

  /// Saved state (StateFile.h): every open group and the stream's time.
  void save(bytes::Writer &w) const;
  void load(bytes::Reader &r);

private:
  struct Seen {
    int64_t time = 0;
    int64_t earliest = 0; ///< of the events behind it (chained correlations: before `time`)
    std::vector<std::string> refs;
  };
  /// A temporal_ordered chain through inputs 0..k, started at `start`.
  struct Chain {
    int64_t start = 0;
    int64_t earliest = 0;
    std::vector<std::string> refs;
  };
  struct Group {
    std::vector<std::string> values; ///< the group-by values (JSON)
    int64_t first = INT64_MAX, newest = INT64_MIN; ///< window times
    int64_t earliest = INT64_MAX; ///< anchored windows: the earliest event behind an input
    int64_t deadline = INT64_MIN; ///< key of this group in deadlines_
    std::deque<Seen> events;      ///< event_count (sliding): each input
    uint64_t eventCount = 0;      ///< event_count (anchored window)
    std::vector<std::string> refs; ///< event_count (anchored window): the first refs
    std::map<std::string, Seen> latest; ///< value_count: per value; temporal: per input
    std::vector<std::optional<Chain>> chains; ///< temporal_ordered: per input
  };
  using Key = std::pair<uint32_t, std::string>; // (correlation, group key)
  using Deadline = std::tuple<int64_t, uint32_t, std::string>;

  uint64_t count(const CorrelationSpec &spec, const Group &g) const;
  void fire(uint32_t correlation, const Group &g, uint64_t count);
  void expire(const CorrelationSpec &spec, Group &g, int64_t now) const;
  void setDeadline(const Key &key, Group &g, int64_t deadline);
  void close(std::map<Key, Group>::iterator it);

  const PackInfo &pack_;
  Sink sink_;
  std::map<Key, Group> groups_;
  /// When each group's window closes (anchored) or its inputs have all aged
  /// out (sliding): advance() takes them from the front.
  std::set<Deadline> deadlines_;
  int64_t watermark_ = INT64_MIN;
  uint64_t ungrouped_ = 0;
  size_t maxGroups_ = 0;
  int64_t lateness_ = 0;
  uint64_t evictions_ = 0;
};

} // namespace rulec
