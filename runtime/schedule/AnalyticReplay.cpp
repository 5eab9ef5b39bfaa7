//===- AnalyticReplay.cpp -------------------------------------------------===//
#include "schedule/AnalyticReplay.h"

#include "Scanner.h"
#include "events/EventTime.h"
#include "output/AnalyticAlert.h"
#include "state/StreamJoin.h"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace rulec {

namespace {

/// The first multiple of `step` since the epoch at or after `t`.
int64_t alignUp(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (q * step < t)
    ++q;
  return q * step;
}

} // namespace

AnalyticReplay::AnalyticReplay(const PackInfo &pack, NativePack code, const ScanOptions &options,
                               std::optional<int64_t> start, Sink sink, RowSink rows, std::ostream &diag)
    : pack_(pack), code_(code), options_(std::make_unique<ScanOptions>(options)), streaming_(options.streaming),
      lateness_(options.allowedLateness), maxBytes_(options.operatorMaxBytes), start_(start), sink_(std::move(sink)),
      rows_(std::move(rows)), diag_(diag), readsType_(pack.logTypes.size(), 0) {
  options_->streaming = false; // a run is a batch query over its window
  options_->replay = false;
  for (const AnalyticRuleSpec &rule : pack.analyticRules) {
    if (!rule.replayed(streaming_))
      continue;
    Schedule s;
    s.rule = &rule;
    s.logTypes.assign(pack.logTypes.size(), 0);
    s.rowsFromNothing = !pack.sources.empty();
    for (uint32_t r = rule.firstRule; r < rule.endRule; ++r) {
      for (uint32_t lt : pack.rules[r].logTypes)
        s.logTypes[lt] = readsType_[lt] = 1;
      // A summarize without `by` makes its one row from no rows too.
      s.rowsFromNothing |= pack.rules[r].kind == RuleKind::Aggregate && pack.rules[r].aggregate.keys.empty();
    }
    schedules_.push_back(std::move(s));
  }
}

AnalyticReplay::~AnalyticReplay() = default;

void AnalyticReplay::start(Schedule &s) {
  s.started = true;
  s.next = start_ && !s.rule->hunting ? *start_ : alignUp(s.firstTime, s.rule->frequencyNanos);
}

int64_t AnalyticReplay::runAtOrAfter(const Schedule &s, int64_t t) const {
  if (t <= s.next)
    return s.next;
  const int64_t step = s.rule->frequencyNanos;
  return s.next + (t - s.next + step - 1) / step * step;
}

int64_t AnalyticReplay::firstEventAfter(const Schedule &s, int64_t from) const {
  if (sorted_) {
    auto it = std::upper_bound(events_.begin(), events_.end(), from,
                               [](int64_t t, const Event &e) { return t < e.time; });
    for (; it != events_.end(); ++it)
      if (s.logTypes[it->logType])
        return it->time;
    return INT64_MAX;
  }
  int64_t first = INT64_MAX;
  for (const Event &e : events_)
    if (e.time > from && e.time < first && s.logTypes[e.logType])
      first = e.time;
  return first;
}

template <typename F> void AnalyticReplay::forWindow(const Schedule &s, int64_t from, int64_t to, F &&f) const {
  auto begin = events_.begin(), end = events_.end();
  if (sorted_) {
    begin = std::upper_bound(begin, end, from, [](int64_t t, const Event &e) { return t < e.time; });
    end = std::upper_bound(begin, end, to, [](int64_t t, const Event &e) { return t < e.time; });
  }
  for (auto it = begin; it != end; ++it)
    if (it->time > from && it->time <= to && s.logTypes[it->logType])
      f(*it);
}

void AnalyticReplay::add(std::string_view text, uint32_t logType, int64_t time, const std::string &source,
                         uint64_t line) {
  bool late = false;
  for (Schedule &s : schedules_) {
    if (!s.logTypes[logType])
      continue;
    s.firstTime = std::min(s.firstTime, time);
    late |= s.lastRun != INT64_MIN && time <= s.lastRun;
  }
  if (late && ++stats_.late <= 100)
    diag_ << source << ":" << line << ": warning: event at " << formatTimestamp(time)
          << " came after a scheduled rule's run covering it (older than the watermark by more than "
             "--allowed-lateness); later runs still see it, the summary counts such events\n";
  events_.push_back({time, logType, std::string(text)});
  sorted_ = false;
  bytes_ += text.size() + sizeof(Event);
  if (streaming_ && bytes_ > maxBytes_)
    throw OperatorLimitError("the replay of scheduled rules keeps " + std::to_string(bytes_ >> 20) +
                             " MiB of events for their queryPeriod, over its limit");
}

void AnalyticReplay::advance() {
  if (newest_ == INT64_MIN)
    return;
  // Runs strictly before the watermark: an event at t_k itself may still
  // be followed by others of the same time.
  const int64_t watermark = newest_ - lateness_;
  const uint64_t before = stats_.runs;
  for (Schedule &s : schedules_) {
    // A rule starts once the watermark has passed its first run, so that
    // events read later but within the lateness still fall in it.
    if (!s.started && s.firstTime != INT64_MAX &&
        (start_ && !s.rule->hunting ? *start_ : alignUp(s.firstTime, s.rule->frequencyNanos)) < watermark)
      start(s);
    if (s.started)
      runThrough(s, watermark - 1);
  }
  if (stats_.runs != before)
    prune();
}

void AnalyticReplay::finish() {
  if (newest_ == INT64_MIN)
    return;
  if (!streaming_ && !sorted_) { // files need not be in time order
    std::stable_sort(events_.begin(), events_.end(), [](const Event &a, const Event &b) { return a.time < b.time; });
    sorted_ = true;
  }
  for (Schedule &s : schedules_) {
    if (s.firstTime == INT64_MAX)
      continue; // no event of its log types
    if (!s.started)
      start(s);
    if (s.lastRun < newest_)
      runThrough(s, runAtOrAfter(s, newest_));
  }
}

void AnalyticReplay::runThrough(Schedule &s, int64_t last) {
  const AnalyticRuleSpec &rule = *s.rule;
  const int64_t step = rule.frequencyNanos;
  // A run without events makes no rows unless its query can make them from
  // nothing; then only a trigger that no rows meet can alert.
  const bool skippable = !s.rowsFromNothing && (rule.hunting || !analyticTriggered(rule, 0));
  while (s.next <= last) {
    if (skippable) {
      // The first event a window from s.next on can hold decides the next run worth making.
      const int64_t first = firstEventAfter(s, s.next - rule.periodNanos);
      const int64_t worth = first == INT64_MAX ? INT64_MAX : runAtOrAfter(s, first);
      if (worth > s.next) {
        const int64_t to = std::min(worth, runAtOrAfter(s, last + 1)); // the first run not to skip
        const int64_t skipped = (to - s.next) / step;
        stats_.runs += static_cast<uint64_t>(skipped);
        s.lastRun = to - step;
        s.next = to;
        continue;
      }
    }
    run(s, s.next);
    s.next += step;
  }
}

void AnalyticReplay::run(Schedule &s, int64_t end) {
  const AnalyticRuleSpec &rule = *s.rule;
  s.lastRun = end;
  ++stats_.runs;
  if (end < s.suppressedUntil) {
    ++stats_.suppressed;
    return;
  }
  AnalyticRun result{end - rule.periodNanos, end, {}};
  std::vector<const RuleInfo *> resultRules; // a hunting query's rows go out as rows
  ScanOptions options = *options_;
  options.now = end;
  options.ruleEnabled.assign(pack_.rules.size(), 0);
  std::fill(options.ruleEnabled.begin() + rule.firstRule, options.ruleEnabled.begin() + rule.endRule, 1);
  std::ostringstream quiet; // the main scan reported the events' problems
  Scanner scanner(
      pack_, code_, options, [](const Alert &) {},
      [&](const RuleInfo &info, const std::string &row) {
        result.rows.push_back(row);
        resultRules.push_back(&info);
      },
      [](const CorrelationAlert &) {}, [](const AnalyticRuleSpec &, const std::string &) {}, quiet);
  const std::string source = "replay of " + rule.id;
  const bool twoPasses = scanner.needsTwoPasses();
  for (Scanner::Phase phase : {Scanner::Phase::BuildSets, Scanner::Phase::Output}) {
    if (twoPasses)
      scanner.setPhase(phase);
    else if (phase == Scanner::Phase::BuildSets)
      continue;
    scanner.feedSources();
    forWindow(s, result.start, end, [&](const Event &e) { scanner.feed(e.text, source, 0); });
  }
  scanner.finish();
  if (rule.hunting) {
    for (size_t i = 0; i < result.rows.size(); ++i)
      rows_(*resultRules[i], result.rows[i]);
    return;
  }
  const std::vector<std::string> alerts = analyticAlerts(rule, result);
  for (const std::string &alert : alerts)
    sink_(rule, alert);
  stats_.alerts += alerts.size();
  if (!alerts.empty() && rule.suppression)
    s.suppressedUntil = end + rule.suppressionNanos;
}

void AnalyticReplay::prune() {
  // An event stays while a window to come can hold it: time > next - period
  // for some schedule that reads its log type.
  size_t kept = 0;
  bytes_ = 0;
  for (Event &e : events_) {
    bool needed = false;
    for (const Schedule &s : schedules_)
      needed |= s.logTypes[e.logType] && (!s.started || e.time > s.next - s.rule->periodNanos);
    if (!needed)
      continue;
    bytes_ += e.text.size() + sizeof(Event);
    if (&events_[kept] != &e)
      events_[kept] = std::move(e);
    ++kept;
  }
  events_.resize(kept);
}

void AnalyticReplay::save(bytes::Writer &w) const {
  for (uint64_t v : {stats_.runs, stats_.suppressed, stats_.alerts, stats_.late, stats_.untimed})
    w.u64(v);
  w.i64(newest_);
  w.vec(schedules_, [](bytes::Writer &w, const Schedule &s) {
    w.boolean(s.started);
    w.i64(s.firstTime);
    w.i64(s.next);
    w.i64(s.lastRun);
    w.i64(s.suppressedUntil);
  });
  w.vec(events_, [](bytes::Writer &w, const Event &e) {
    w.i64(e.time);
    w.u32(e.logType);
    w.str(e.text);
  });
}

void AnalyticReplay::load(bytes::Reader &r) {
  for (uint64_t *v : {&stats_.runs, &stats_.suppressed, &stats_.alerts, &stats_.late, &stats_.untimed})
    r.u64(*v, "replay stats");
  r.i64(newest_, "replay newest");
  struct Saved {
    bool started = false;
    int64_t firstTime = 0, next = 0, lastRun = 0, suppressedUntil = 0;
  };
  std::vector<Saved> saved;
  r.vec(saved, "replay schedules", [](bytes::Reader &r, Saved &s) {
    r.boolean(s.started, "started");
    r.i64(s.firstTime, "firstTime");
    r.i64(s.next, "next");
    r.i64(s.lastRun, "lastRun");
    r.i64(s.suppressedUntil, "suppressedUntil");
  }, 33);
  if (r.ok() && saved.size() != schedules_.size())
    r.fail("has another number of scheduled rules", r.offset(), "replay schedules");
  std::vector<Event> events;
  r.vec(events, "replay events", [&](bytes::Reader &r, Event &e) {
    r.i64(e.time, "time");
    r.u32(e.logType, "logType");
    r.str(e.text, "text");
    if (r.ok() && e.logType >= readsType_.size())
      r.fail("names a log type the pack does not have", r.offset(), "replay events");
  }, 16);
  if (!r.ok())
    return;
  for (size_t i = 0; i < saved.size(); ++i) {
    schedules_[i].started = saved[i].started;
    schedules_[i].firstTime = saved[i].firstTime;
    schedules_[i].next = saved[i].next;
    schedules_[i].lastRun = saved[i].lastRun;
    schedules_[i].suppressedUntil = saved[i].suppressedUntil;
  }
  events_ = std::move(events);
  bytes_ = 0;
  for (const Event &e : events_)
    bytes_ += e.text.size() + sizeof(Event);
}

} // namespace rulec
