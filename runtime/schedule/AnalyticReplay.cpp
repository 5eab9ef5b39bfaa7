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
                               std::optional<int64_t> start, Sink sink, std::ostream &diag)
    : pack_(pack), code_(code), options_(std::make_unique<ScanOptions>(options)), streaming_(options.streaming),
      lateness_(options.allowedLateness), maxBytes_(options.operatorMaxBytes), start_(start), sink_(std::move(sink)),
      diag_(diag), readsType_(pack.logTypes.size(), 0) {
  options_->streaming = false; // a run is a batch query over its window
  options_->replay = false;
  for (const AnalyticRuleSpec &rule : pack.analyticRules) {
    Schedule s;
    s.rule = &rule;
    s.logTypes.assign(pack.logTypes.size(), 0);
    for (uint32_t r = rule.firstRule; r < rule.endRule; ++r)
      for (uint32_t lt : pack.rules[r].logTypes)
        s.logTypes[lt] = readsType_[lt] = 1;
    schedules_.push_back(std::move(s));
  }
}

AnalyticReplay::~AnalyticReplay() = default;

void AnalyticReplay::start(Schedule &s, int64_t firstTime) {
  s.started = true;
  s.next = start_ ? *start_ : alignUp(firstTime, s.rule->frequencyNanos);
}

void AnalyticReplay::add(std::string_view text, uint32_t logType, int64_t time, const std::string &source,
                         uint64_t line) {
  bool late = false;
  for (Schedule &s : schedules_) {
    if (!s.logTypes[logType])
      continue;
    if (!s.started && streaming_)
      start(s, time);
    late |= s.started && s.lastRun != INT64_MIN && time <= s.lastRun;
  }
  if (late && ++stats_.late <= 100)
    diag_ << source << ":" << line << ": warning: event at " << formatTimestamp(time)
          << " came after a scheduled rule's run covering it (older than the watermark by more than "
             "--allowed-lateness); later runs still see it, the summary counts such events\n";
  events_.push_back({time, logType, std::string(text)});
  bytes_ += text.size() + sizeof(Event);
  newest_ = std::max(newest_, time);
  if (streaming_ && bytes_ > maxBytes_)
    throw OperatorLimitError("the replay of scheduled rules keeps " + std::to_string(bytes_ >> 20) +
                             " MiB of events for their queryPeriod, over its limit");
}

void AnalyticReplay::advance() {
  if (newest_ == INT64_MIN)
    return;
  const int64_t watermark = newest_ - lateness_;
  bool ran = false;
  for (Schedule &s : schedules_)
    for (; s.started && s.next <= watermark; s.next += s.rule->frequencyNanos) {
      run(s, s.next);
      ran = true;
    }
  if (ran)
    prune();
}

void AnalyticReplay::finish() {
  if (newest_ == INT64_MIN)
    return;
  if (!streaming_) // files need not be in time order
    std::stable_sort(events_.begin(), events_.end(), [](const Event &a, const Event &b) { return a.time < b.time; });
  for (Schedule &s : schedules_) {
    if (!s.started) {
      const auto first = std::find_if(events_.begin(), events_.end(), [&](const Event &e) { return s.logTypes[e.logType]; });
      if (first == events_.end())
        continue;
      start(s, first->time);
    }
    for (; s.lastRun < newest_; s.next += s.rule->frequencyNanos)
      run(s, s.next);
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
  auto inWindow = [&](const Event &e) { return e.time > result.start && e.time <= end && s.logTypes[e.logType]; };
  // A window without events makes rows only from the pack's own sources.
  if (pack_.sources.empty() && std::none_of(events_.begin(), events_.end(), inWindow)) {
    if (!analyticTriggered(rule, 0))
      return;
  } else {
    ScanOptions options = *options_;
    options.now = end;
    options.ruleEnabled.assign(pack_.rules.size(), 0);
    std::fill(options.ruleEnabled.begin() + rule.firstRule, options.ruleEnabled.begin() + rule.endRule, 1);
    std::ostringstream quiet; // the main scan reported the events' problems
    Scanner scanner(
        pack_, code_, options, [](const Alert &) {},
        [&](const RuleInfo &, const std::string &row) { result.rows.push_back(row); }, [](const CorrelationAlert &) {},
        [](const AnalyticRuleSpec &, const std::string &) {}, quiet);
    const std::string source = "replay of " + rule.id;
    const bool twoPasses = scanner.needsTwoPasses();
    for (Scanner::Phase phase : {Scanner::Phase::BuildSets, Scanner::Phase::Output}) {
      if (twoPasses)
        scanner.setPhase(phase);
      else if (phase == Scanner::Phase::BuildSets)
        continue;
      scanner.feedSources();
      for (const Event &e : events_)
        if (inWindow(e))
          scanner.feed(e.text, source, 0);
    }
    scanner.finish();
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
  for (uint64_t v : {stats_.runs, stats_.suppressed, stats_.alerts, stats_.late})
    w.u64(v);
  w.i64(newest_);
  w.vec(schedules_, [](bytes::Writer &w, const Schedule &s) {
    w.boolean(s.started);
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
  for (uint64_t *v : {&stats_.runs, &stats_.suppressed, &stats_.alerts, &stats_.late})
    r.u64(*v, "replay stats");
  r.i64(newest_, "replay newest");
  struct Saved {
    bool started = false;
    int64_t next = 0, lastRun = 0, suppressedUntil = 0;
  };
  std::vector<Saved> saved;
  r.vec(saved, "replay schedules", [](bytes::Reader &r, Saved &s) {
    r.boolean(s.started, "started");
    r.i64(s.next, "next");
    r.i64(s.lastRun, "lastRun");
    r.i64(s.suppressedUntil, "suppressedUntil");
  }, 25);
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
