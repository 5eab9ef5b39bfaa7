//===- AnalyticReplay.h - Sentinel's scheduled runs, replayed on event time ===//
//
// A scheduled Sentinel rule runs its query every queryFrequency over the last
// queryPeriod (NRT rules: every minute over the minute before). The replay
// keeps the events its rules read and, for each run time t_k = t_0 + k *
// frequency, runs the query as batch mode would over the events with time
// in (t_k - period, t_k], now() = t_k: a Scanner of its own that runs only
// that query's rules. The run's rows go to the trigger and become alerts
// (output/AnalyticAlert.h); after an alert, runs before the suppression's
// end are skipped.
//
// t_0 is the first multiple of the frequency since the Unix epoch at or
// after the rule's earliest event (or --replay-start); the last run is the
// first at or after the last event. Batch mode sorts the input by time and
// replays at the end; stream mode runs t_k once the watermark (newest time -
// allowed lateness) has passed it, keeps only the events a later window can
// hold, and counts events older than a run already made as late. Runs whose
// window holds no event are counted without a scan when no rows cannot meet
// their trigger. docs/sentinel.md.
//
// In stream mode the replay also runs the queries without a schedule whose
// plan needs their whole input (AnalyticRuleSpec::hunting): every window of
// their ago() in turn, printing their rows (docs/kql.md, "Batch and stream").
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/ByteCodec.h"
#include "packs/PackInfo.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

struct ScanOptions;

class AnalyticReplay {
public:
  using Sink = std::function<void(const AnalyticRuleSpec &rule, const std::string &alertJson)>;
  /// A windowed hunting query's result row (AnalyticRuleSpec::hunting).
  using RowSink = std::function<void(const RuleInfo &rule, const std::string &row)>;

  struct Stats {
    uint64_t runs = 0;       ///< runs made
    uint64_t suppressed = 0; ///< runs skipped by suppression
    uint64_t alerts = 0;
    uint64_t late = 0;       ///< events older than a run already made (stream mode)
    uint64_t untimed = 0;    ///< events without a usable time of their own: in no run
  };

  /// `options`: the scan's (log type, time field, lateness, memo, stream or
  /// batch, memory bound); `start`: t_0 for every rule, else aligned.
  AnalyticReplay(const PackInfo &pack, NativePack code, const ScanOptions &options, std::optional<int64_t> start,
                 Sink sink, RowSink rows, std::ostream &diag);
  ~AnalyticReplay();

  /// Whether the replay keeps events of this log type.
  bool reads(uint32_t logType) const { return logType < readsType_.size() && readsType_[logType]; }
  /// Event times the replay takes (about 1824 to 2116): far enough from
  /// int64's ends that run times and windows never overflow.
  /// With a frequency and period of at most kMaxAnalyticSpan (PackInfo.h),
  /// t + 2 * span stays within int64.
  static bool usableTime(int64_t time) { return time > -(int64_t(1) << 62) && time < (int64_t(1) << 62); }
  /// An event of a log type it reads, at its own event time `time` (usableTime()).
  void add(std::string_view text, uint32_t logType, int64_t time, const std::string &source, uint64_t line);
  /// Any event's usable time: the clock of the runs (the newest time, the
  /// watermark in stream mode, the last run at the end of input).
  void observe(int64_t time) { newest_ = std::max(newest_, time); }
  /// An event of a log type it reads without a usable time: counted (the
  /// scan reports it), in no run.
  void untimed() { ++stats_.untimed; }
  /// Stream mode: the runs the watermark has passed.
  void advance();
  /// End of input: every run up to the last event's.
  void finish();

  const Stats &stats() const { return stats_; }
  void save(bytes::Writer &w) const;
  void load(bytes::Reader &r);

private:
  struct Event {
    int64_t time = 0;
    uint32_t logType = 0;
    std::string text;
  };
  struct Schedule {
    const AnalyticRuleSpec *rule = nullptr;
    std::vector<uint8_t> logTypes; ///< per pack log type: its rules read it
    /// Its query can make rows from no events (a summarize without `by`, or
    /// the pack's datatable/print/range sources): every run is made.
    bool rowsFromNothing = false;
    bool started = false;
    int64_t firstTime = INT64_MAX; ///< its earliest event's time (t_0 comes from it)
    int64_t next = 0;              ///< the next run's time
    int64_t lastRun = INT64_MIN;   ///< the last run's time (none yet: INT64_MIN)
    int64_t suppressedUntil = INT64_MIN;
  };

  void start(Schedule &s);
  /// The run times of `s` up to `last`, in turn; runs whose window holds no
  /// event and whose trigger needs rows are counted, not made.
  void runThrough(Schedule &s, int64_t last);
  /// The first run time of `s` at or after `t`.
  int64_t runAtOrAfter(const Schedule &s, int64_t t) const;
  /// Runs schedule `s`'s query at `end` over the kept events in its window.
  void run(Schedule &s, int64_t end);
  /// The earliest kept event time of `s` after `from` (INT64_MAX: none).
  int64_t firstEventAfter(const Schedule &s, int64_t from) const;
  /// The kept events of `s` with time in (from, to], in time order when sorted_.
  template <typename F> void forWindow(const Schedule &s, int64_t from, int64_t to, F &&f) const;
  /// Stream mode: drops events no window to come can hold.
  void prune();

  const PackInfo &pack_;
  NativePack code_;
  std::unique_ptr<ScanOptions> options_; ///< the runs' scans: batch, one query each
  const bool streaming_;
  const int64_t lateness_;
  const uint64_t maxBytes_;
  std::optional<int64_t> start_;
  Sink sink_;
  RowSink rows_;
  std::ostream &diag_;
  std::vector<uint8_t> readsType_;
  std::vector<Schedule> schedules_;
  std::vector<Event> events_;
  bool sorted_ = false; ///< events_ in time order (batch mode, at finish())
  uint64_t bytes_ = 0;
  int64_t newest_ = INT64_MIN; ///< of the events observed (INT64_MIN: none yet)
  Stats stats_;
};

} // namespace rulec
