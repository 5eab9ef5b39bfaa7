//===- Scanner.cpp --------------------------------------------------------===//
#include "Scanner.h"

#include "matching/KqlValues.h"

#include "events/EventTime.h"
#include "output/JsonString.h"
#include "output/MatchDescription.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <thread>

namespace rulec {

namespace {

int64_t wallClockNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Packs whose state lives in the evaluation context: KQL let-table sets
/// (the code reads them) and summarize (its rows run back through the pack).
bool needsOneContext(const PackInfo &pack) {
  for (const RuleInfo &rule : pack.rules)
    if (rule.kind == RuleKind::SetBuilder || rule.kind == RuleKind::Aggregate)
      return true;
  return !pack.sets.empty() || !pack.scalars.empty();
}

} // namespace

/// The Scanner's threads: they evaluate a batch's events, a chunk at a time
/// (taken in turn, so that threads finish a batch together whatever its
/// events cost), each with its own EventWorker, while the Scanner's thread
/// applies the batch before and the caller reads the next. The caller's
/// thread helps with the chunks left when it comes to wait.
class ThreadPool {
public:
  using Job = std::function<void(unsigned thread, size_t chunk)>;

  ThreadPool(unsigned threads) {
    for (unsigned t = 1; t < threads; ++t)
      threads_.emplace_back([this, t] { loop(t); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread &t : threads_)
      t.join();
  }
  /// Starts `chunks` chunks of `job` on the pool's threads.
  void start(Job job, size_t chunks) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = std::move(job);
      chunks_ = chunks;
      next_ = 0;
      done_ = 0;
      ++generation_;
    }
    wake_.notify_all();
  }
  /// Runs the chunks no thread took yet on the caller's (thread 0), then
  /// waits for the others.
  void finish() {
    work(0);
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return done_ == chunks_; });
  }

private:
  void work(unsigned t) {
    while (true) {
      size_t chunk;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (next_ == chunks_)
          return;
        chunk = next_++;
      }
      job_(t, chunk);
      std::lock_guard<std::mutex> lock(mutex_);
      if (++done_ == chunks_)
        finished_.notify_all();
    }
  }
  void loop(unsigned t) {
    uint64_t seen = 0;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_)
          return;
        seen = generation_;
      }
      work(t);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  Job job_;
  size_t chunks_ = 0, next_ = 0, done_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Scanner::Scanner(const PackInfo &pack, NativePack code, ScanOptions options, Alerter::Sink alerts,
                 RowSink rows, Correlator::Sink correlations, AnalyticSink analytic, std::ostream &diag)
    : pack_(pack), options_(std::move(options)), code_(code), worker_(pack, code, options_, options_.literals),
      alerter_(pack,
               [this, sink = std::move(alerts)](const Alert &a) {
                 ++stats_.alerts;
                 sink(a);
               }),
      aggregator_(pack, [this](uint32_t logType, const std::string &row, int64_t time) { feedRow(logType, row, time); }),
      operators_(pack, [this](uint32_t logType, const std::string &row,
                              int64_t time) {
                   if (evaluating_) // the evaluator still holds the event (or row) that made it
                     queuedRows_.push_back({logType, row, time});
                   else
                     feedRow(logType, row, time); // a flush: one row at a time, not all of them queued
                 },
                 options_.streaming ? std::optional(TableOperators::Stream{options_.allowedLateness,
                                                                           options_.operatorMaxBytes})
                                    : std::nullopt),
      correlator_(pack,
                  [this, sink = std::move(correlations)](const CorrelationAlert &a) {
                    ++stats_.correlations;
                    sink(a);
                  }),
      rows_(std::move(rows)), diag_(diag), distinctRows_(pack.rules.size()), rowCounts_(pack.rules.size(), 0) {
  stats_.ruleMatches.assign(pack.rules.size(), 0);
  alerter_.setAllowedLateness(options_.allowedLateness);
  correlator_.setAllowedLateness(options_.allowedLateness);
  rulec_context &ctx = worker_.evaluator().context();
  ctx.literals.setMemo(options_.literalMemo);
  ctx.now = options_.now ? *options_.now : wallClockNow();
  ctx.streaming = options_.streaming;
  ctx.scalars.assign(pack.scalars.size(), std::string());
  options_.now = ctx.now; // every worker's now() is the same
  ctx.literals.setEnabledRules(options_.ruleEnabled); // a replay's run: its query only
  const bool replays = std::any_of(pack.analyticRules.begin(), pack.analyticRules.end(),
                                   [&](const AnalyticRuleSpec &a) { return a.replayed(options_.streaming); });
  if (options_.replay && replays) {
    // Their rules run in the replay's runs, not on each event here.
    if (options_.ruleEnabled.empty())
      options_.ruleEnabled.assign(pack.rules.size(), 1);
    for (const AnalyticRuleSpec &rule : pack.analyticRules)
      if (rule.replayed(options_.streaming))
        std::fill(options_.ruleEnabled.begin() + rule.firstRule, options_.ruleEnabled.begin() + rule.endRule, 0);
    ctx.literals.setEnabledRules(options_.ruleEnabled);
    ScanOptions runs = options_;
    runs.literals = ctx.literals.databases(); // every run's scan reads the same pack
    ScanOptions alone = options_;
    alone.replay = false;
    timeNeededElsewhere_ = needsEventTime(pack, alone);
    replay_ = std::make_unique<AnalyticReplay>(
        pack, code, runs, options_.replayStart, std::move(analytic),
        [this](const RuleInfo &rule, const std::string &row) {
          const uint32_t r = static_cast<uint32_t>(&rule - pack_.rules.data());
          ++stats_.matches;
          ++stats_.ruleMatches[r];
          ++stats_.rows;
          rows_(rule, row);
        },
        diag);
  }
}

Scanner::~Scanner() = default;

void Scanner::setThreads(unsigned n) {
  pool_.reset();
  extraWorkers_.clear();
  if (n <= 1 || needsOneContext(pack_))
    return;
  for (unsigned t = 1; t < n; ++t) {
    auto worker =
        std::make_unique<EventWorker>(pack_, code_, options_, worker_.evaluator().context().literals.databases());
    rulec_context &ctx = worker->evaluator().context();
    ctx.literals.setMemo(options_.literalMemo);
    ctx.literals.setEnabledRules(options_.ruleEnabled);
    ctx.now = *options_.now;
    ctx.streaming = options_.streaming;
    extraWorkers_.push_back(std::move(worker));
  }
  pool_ = std::make_unique<ThreadPool>(n);
  if (!profiles_.empty())
    setProfile(true);
}

bool Scanner::setProfile(bool on) {
  profiles_.clear();
  std::vector<EventWorker *> all = {&worker_};
  for (const auto &w : extraWorkers_)
    all.push_back(w.get());
  for (EventWorker *w : all) {
    if (on)
      profiles_.push_back(std::make_unique<RuleProfile>());
    if (!w->evaluator().setProfile(on ? profiles_.back().get() : nullptr))
      return false;
  }
  return true;
}

RuleProfile Scanner::profile() const {
  RuleProfile sum;
  for (const auto &p : profiles_)
    sum.add(*p);
  return sum;
}

bool Scanner::needsTwoPasses() const {
  return !options_.streaming && (!pack_.sets.empty() || !pack_.scalars.empty());
}

void Scanner::setPhase(Phase phase) {
  if (phase_ == Phase::BuildSets && phase == Phase::Output)
    flushPlan(true); // toscalar() sub-queries are complete: their values are known
  phase_ = phase;
}

void Scanner::message(uint64_t count, const std::string &where, const std::string &what) {
  if (count <= kMaxMessages)
    diag_ << where << ": " << what << "\n";
  if (count == kMaxMessages)
    diag_ << where << ": note: further messages of this kind are not shown; the summary counts them\n";
}

void Scanner::feedOversized(uint64_t bytes, const std::string &source, uint64_t lineNo) {
  if (phase_ == Phase::BuildSets)
    return; // the set pass is silent
  ++stats_.lines;
  message(++stats_.invalid, source + ":" + std::to_string(lineNo), "error: " + EventEvaluator::tooLarge(bytes));
}

void Scanner::feed(std::string_view line, const std::string &source, uint64_t lineNo, bool padded) {
  worker_.evaluate(line, padded, single_,
                   phase_ == Phase::BuildSets ? EventWorker::Payloads::None : EventWorker::Payloads::Lazy);
  apply(single_, &worker_, line, source, lineNo);
}

void Scanner::feedSources() {
  feedingSources_ = true;
  for (const SourceRows &source : pack_.sources)
    for (size_t i = 0; i < source.rows.size(); ++i) {
      worker_.evaluate(source.rows[i], false, single_,
                       phase_ == Phase::BuildSets ? EventWorker::Payloads::None : EventWorker::Payloads::Lazy,
                       source.logType);
      apply(single_, &worker_, {}, source.name, i + 1);
    }
  feedingSources_ = false;
}

void Scanner::feedBatch(const std::vector<BatchEvent> &batch) {
  if (!pool_ || phase_ == Phase::BuildSets) {
    for (const BatchEvent &e : batch) {
      if (e.oversizedBytes)
        feedOversized(e.oversizedBytes, *e.source, e.lineNo);
      else
        feed(e.text, *e.source, e.lineNo, true);
    }
    return;
  }
  // The batch before this one: evaluated (this thread helps), then applied
  // while the threads evaluate this one.
  const bool previous = pending_ != nullptr;
  if (previous)
    pool_->finish();
  std::swap(outcomes_, nextOutcomes_);
  if (nextOutcomes_.size() < batch.size())
    nextOutcomes_.resize(batch.size());
  const std::vector<BatchEvent> *before = pending_;
  pending_ = &batch;
  std::vector<EventOutcome> &out = nextOutcomes_;
  pool_->start(
      [this, &batch, &out](unsigned t, size_t chunk) {
        EventWorker &worker = t == 0 ? worker_ : *extraWorkers_[t - 1];
        for (size_t i = chunk * kChunk; i < std::min(batch.size(), (chunk + 1) * kChunk); ++i)
          if (!batch[i].oversizedBytes)
            worker.evaluate(batch[i].text, true, out[i], EventWorker::Payloads::All);
      },
      (batch.size() + kChunk - 1) / kChunk);
  if (!previous)
    return;
  try {
    applyBatch(*before, outcomes_);
  } catch (...) { // an operator over its memory limit: the threads still read this batch
    pool_->finish();
    pending_ = nullptr;
    throw;
  }
}

void Scanner::drainBatches() {
  if (!pending_)
    return;
  pool_->finish();
  applyBatch(*pending_, nextOutcomes_);
  pending_ = nullptr;
}

void Scanner::applyBatch(const std::vector<BatchEvent> &batch, const std::vector<EventOutcome> &outcomes) {
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].oversizedBytes)
      feedOversized(batch[i].oversizedBytes, *batch[i].source, batch[i].lineNo);
    else
      apply(outcomes[i], nullptr, batch[i].text, *batch[i].source, batch[i].lineNo);
  }
}

void Scanner::apply(const EventOutcome &outcome, EventWorker *loaded, std::string_view text, const std::string &source,
                    uint64_t lineNo) {
  if (outcome.kind == EventOutcome::Kind::Blank)
    return; // blank lines are not events
  const bool counting = phase_ != Phase::BuildSets; // the set pass is silent
  if (counting)
    ++stats_.lines;
  // Built only for a message or an alert: most events need neither.
  auto where = [&] { return source + ":" + std::to_string(lineNo); };
  if (outcome.kind == EventOutcome::Kind::Invalid) {
    if (counting)
      message(++stats_.invalid, where(), "error: " + outcome.error);
    return;
  }
  if (counting)
    ++stats_.events;
  if (outcome.kind == EventOutcome::Kind::NoLogType) {
    if (counting && ++stats_.noLogType == 1) {
      const std::string shapes = shapesText(pack_);
      std::string types;
      for (const std::string &name : pack_.logTypes)
        types += (types.empty() ? "" : ", ") + name;
      diag_ << where() << ": warning: event has no p_log_type or Type"
            << (shapes.empty() ? "" : " and the shape of no log type the pack recognises (" + shapes + ")")
            << "; no rule ran. Name its log type with --log-type (this pack reads: " << types
            << "); the summary counts such events\n";
    }
    return;
  }
  if (outcome.kind == EventOutcome::Kind::OtherType)
    return; // a log type no rule of the pack reads

  int64_t time = outcome.time;
  const bool replayed = replay_ && replay_->reads(outcome.logType);
  if (worker_.needsTime() && !outcome.hasTime) {
    // A datatable's rows have no time of their own; an event only the
    // replay could need the time of needs it when the replay reads it.
    if (counting && !feedingSources_ && (!replay_ || timeNeededElsewhere_ || replayed)) {
      std::string fields;
      for (const std::string &f : worker_.timeFields(outcome.logType))
        fields += (fields.empty() ? "'" : "' or '") + f;
      message(++stats_.noTime, where(), "warning: no event time in field " + fields + "'; using the previous event's time");
    }
    time = lastTime_;
  } else if (!worker_.needsTime()) {
    time = lastTime_; // never read
  }
  lastTime_ = time;
  // The replay's windows need the event's own time: one without (counted
  // above) or beyond the years it takes is left out of every run.
  if (replay_ && counting && !feedingSources_) {
    if (outcome.hasTime && AnalyticReplay::usableTime(time)) {
      if (replayed)
        replay_->add(text, outcome.logType, time, source, lineNo);
      replay_->observe(time); // every event moves the replay's clock
    } else if (replayed) {
      replay_->untimed();
    }
  }

  Evaluating evaluating(evaluating_);
  for (size_t k = 0; k < outcome.matchCount; ++k) {
    const MatchOutcome &m = outcome.matches[k];
    const uint32_t r = m.rule;
    if (!enabled(r))
      continue;
    const RuleInfo &rule = pack_.rules[r];
    if (rule.kind == RuleKind::SetBuilder) {
      if (phase_ != Phase::Output)
        addToSet(r, time);
      continue;
    }
    // The first pass runs let-tables and toscalar() sub-queries; the second the rest.
    if (phase_ == Phase::BuildSets ? !rule.firstPass : phase_ == Phase::Output && rule.firstPass)
      continue;
    ++stats_.matches;
    ++stats_.ruleMatches[r];
    if (!rule.feeds.empty()) {
      const std::vector<std::string> refs = {where()};
      for (size_t f = 0; f < rule.feeds.size() && f < m.feeds.size(); ++f)
        correlator_.add(rule.feeds[f], m.feeds[f].group, m.feeds[f].value, time, refs);
    }
    if (rule.kind == RuleKind::Query) {
      if (rule.createAlert)
        emitRow(r, m.row, time);
      else
        ++stats_.signals;
      continue;
    }
    if (rule.kind == RuleKind::Aggregate) {
      aggregator_.add(r, loaded->evaluator(), time);
      continue;
    }
    if (!rule.createAlert) {
      ++stats_.signals;
      continue;
    }
    alerter_.onMatch(r, m.dedup, time, where(), [&](Alert &alert) {
      if (loaded)
        loaded->describe(r, alert.title, alert.severity, alert.contextJson);
      else {
        alert.title = m.title;
        alert.severity = m.severity;
        alert.contextJson = m.contextJson;
      }
    });
  }
  evaluating.end();
  drainRows();
  if (phase_ == Phase::BuildSets)
    return;
  if (options_.streaming) {
    aggregator_.advance(time); // may load rows into the evaluator: after this event's matches
    operators_.advance(time);  // the joins' rows, likewise
    drainRows();
  }
  if (replay_ && options_.streaming)
    replay_->advance();
  alerter_.advance(time);
  correlator_.advance(time);
  stats_.ungrouped = correlator_.ungrouped();
  stats_.evicted = alerter_.evictions() + correlator_.evictions();
}

/// A summarize group's row, run as an event of the post-summarize rule's
/// log type.
void Scanner::feedRow(uint32_t logType, const std::string &row, int64_t time) {
  EventEvaluator &evaluator = worker_.evaluator();
  std::string error;
  if (!evaluator.load(row, error))
    return; // rows are JSON the Aggregator wrote
  Evaluating evaluating(evaluating_);
  for (uint32_t r : evaluator.evaluate(logType)) {
    if (!enabled(r))
      continue;
    const RuleInfo &rule = pack_.rules[r];
    if (rule.kind == RuleKind::Query)
      emitRow(r, (queryRow(evaluator, rule, r, rowBuffer_), rowBuffer_), time);
    else if (rule.kind == RuleKind::Aggregate)
      aggregator_.add(r, evaluator, time); // summarize after summarize
  }
  evaluating.end();
  drainRows();
}

void Scanner::drainRows() {
  if (drainingRows_)
    return; // the loop below runs what feedRow() queues
  drainingRows_ = true;
  struct Reset { // a row over an operator's memory limit throws: the scanner stays usable
    bool &flag;
    ~Reset() { flag = false; }
  } reset{drainingRows_};
  while (!queuedRows_.empty()) {
    QueuedRow next = std::move(queuedRows_.front());
    queuedRows_.pop_front();
    feedRow(next.logType, next.row, next.time);
  }
}

void Scanner::addToSet(uint32_t r, int64_t time) {
  const RuleInfo &rule = pack_.rules[r];
  rulec_context &ctx = worker_.evaluator().context();
  const rulec_value v = worker_.evaluator().column(rule, r, 0);
  if (v.kind == RULEC_STRING) {
    ctx.sets[rule.set].insert(std::string_view(v.payload.s, v.len), time);
    return;
  }
  // Scalars join the set as their text (Kusto's tostring); dynamic values do not.
  std::string text;
  if (v.kind != RULEC_JSON && v.kind != RULEC_ARRAY && v.kind != RULEC_OBJECT && !kqlvalue::isNull(v) &&
      kqlvalue::text(&ctx, v, text))
    ctx.sets[rule.set].insert(text, time);
}

void Scanner::emitRow(uint32_t r, const std::string &row, int64_t time) {
  const RuleInfo &rule = pack_.rules[r];
  if (rule.take >= 0 && rowCounts_[r] >= rule.take)
    return;
  if (rule.distinct && !distinctRows_[r].insert(row).second)
    return;
  ++rowCounts_[r];
  if (rule.toScalar >= 0) { // toscalar(): the first row's first column
    std::string &value = worker_.evaluator().context().scalars[static_cast<size_t>(rule.toScalar)];
    simdjson::dom::object object;
    if (value.empty() && !scalarParser_.parse(row).get(object))
      for (auto field : object) {
        value = simdjson::minify(field.value);
        break;
      }
    return;
  }
  if (rule.toOperator >= 0) { // a stage of the query's plan: on to its operator
    operators_.add(static_cast<uint32_t>(rule.toOperator), rule.operatorInput, row, time, feedingSources_);
    return;
  }
  ++stats_.rows;
  rows_(rule, row);
}

/// f(worker) summed over every thread's worker.
template <typename F> uint64_t Scanner::sumOverWorkers(F &&f) const {
  uint64_t n = f(worker_);
  for (const auto &w : extraWorkers_)
    n += f(*w);
  return n;
}

LiteralMatcher::Counts Scanner::literalCounts() const {
  auto counts = [](const EventWorker &w) { return w.evaluator().context().literals.counts(); };
  return {sumOverWorkers([&](const EventWorker &w) { return counts(w).scans; }),
          sumOverWorkers([&](const EventWorker &w) { return counts(w).candidates; })};
}

uint64_t Scanner::memoLookups() const {
  return sumOverWorkers([](const EventWorker &w) { return w.evaluator().context().literals.memo().lookups(); });
}

uint64_t Scanner::memoHits() const {
  return sumOverWorkers([](const EventWorker &w) { return w.evaluator().context().literals.memo().hits(); });
}

void Scanner::setMaxGroups(size_t n) {
  alerter_.setMaxWindows(n);
  correlator_.setMaxGroups(n);
}

bool Scanner::canSaveState(std::string &why) const {
  // A scheduled rule's replay keeps events, which the state holds.
  auto replayed = [&](uint32_t r) { return replay_ && pack_.ruleReplayed(r, options_.streaming); };
  for (uint32_t r = 0; r < pack_.rules.size(); ++r)
    if (pack_.rules[r].toScalar >= 0 && !replayed(r)) {
      why = "toscalar() at " + pack_.scalars[pack_.rules[r].toScalar] +
            " runs in batch mode's first pass, which --state does not save";
      return false;
    }
  for (uint32_t r = 0; r < pack_.rules.size(); ++r)
    if (pack_.rules[r].kind == RuleKind::Aggregate && !replayed(r)) {
      why = "the state of KQL summarize (rule '" + pack_.rules[r].id + "') is not saved yet";
      return false;
    }
  return TableOperators::savable(pack_, replay_ != nullptr, options_.streaming, why);
}

void Scanner::saveState(bytes::Writer &w) const {
  const ScanStats &s = stats_;
  for (uint64_t v : {s.lines, s.events, s.invalid, s.noLogType, s.noTime, s.matches, s.signals, s.alerts, s.rows,
                     s.correlations})
    w.u64(v);
  w.vec(s.ruleMatches, [](bytes::Writer &w, uint64_t v) { w.u64(v); });
  w.i64(lastTime_);
  w.vec(rowCounts_, [](bytes::Writer &w, int64_t v) { w.i64(v); });
  w.vec(distinctRows_, [](bytes::Writer &w, const std::unordered_set<std::string> &rows) {
    w.vec(std::vector<std::string>(rows.begin(), rows.end()));
  });
  const rulec_context &ctx = worker_.evaluator().context();
  w.vec(ctx.sets, [](bytes::Writer &w, const StringSet &set) {
    w.u32(static_cast<uint32_t>(set.members().size()));
    for (const auto &[member, time] : set.members()) {
      w.str(member);
      w.i64(time);
    }
  });
  alerter_.save(w);
  correlator_.save(w);
  if (replay_)
    replay_->save(w);
}

void Scanner::loadState(bytes::Reader &r) {
  ScanStats &s = stats_;
  for (uint64_t *v : {&s.lines, &s.events, &s.invalid, &s.noLogType, &s.noTime, &s.matches, &s.signals, &s.alerts,
                      &s.rows, &s.correlations})
    r.u64(*v, "stats");
  r.vec(s.ruleMatches, "ruleMatches", [](bytes::Reader &r, uint64_t &v) { r.u64(v, ""); }, 8);
  r.i64(lastTime_, "lastTime");
  r.vec(rowCounts_, "rowCounts", [](bytes::Reader &r, int64_t &v) { r.i64(v, ""); }, 8);
  std::vector<std::vector<std::string>> distinct;
  r.vec(distinct, "distinctRows", [](bytes::Reader &r, std::vector<std::string> &rows) { r.vec(rows, ""); }, 4);
  struct Member {
    std::string value;
    int64_t time = 0;
  };
  std::vector<std::vector<Member>> sets;
  r.vec(sets, "sets", [](bytes::Reader &r, std::vector<Member> &members) {
    r.vec(members, "", [](bytes::Reader &r, Member &m) {
      r.str(m.value, "member");
      r.i64(m.time, "time");
    }, 12);
  }, 4);
  if (r.ok() && (s.ruleMatches.size() != pack_.rules.size() || rowCounts_.size() != pack_.rules.size() ||
                 distinct.size() != pack_.rules.size() || sets.size() != pack_.sets.size()))
    r.fail("does not fit this pack", r.offset(), "tables");
  alerter_.load(r);
  correlator_.load(r);
  if (replay_)
    replay_->load(r);
  if (!r.ok())
    return;
  for (size_t i = 0; i < distinct.size(); ++i)
    distinctRows_[i] = std::unordered_set<std::string>(distinct[i].begin(), distinct[i].end());
  rulec_context &ctx = worker_.evaluator().context();
  for (size_t i = 0; i < sets.size(); ++i)
    for (const Member &m : sets[i])
      ctx.sets[i].insert(m.value, m.time);
  s.ungrouped = correlator_.ungrouped();
  s.evicted = alerter_.evictions() + correlator_.evictions();
}

void Scanner::finish() {
  drainBatches();
  flushPlan(false);
  alerter_.flush();
  correlator_.flush();
  stats_.ungrouped = correlator_.ungrouped();
  if (replay_)
    replay_->finish();
}

void Scanner::flushPlan(bool firstPass) {
  // Summarize groups and sort/join operators emit in plan order (a stream
  // join: the rows it still keeps), each after every stage that feeds it
  // (flushOrder; queries are independent).
  std::vector<std::pair<uint32_t, int64_t>> steps; // (order, aggregate rule r as r, operator op as ~op)
  for (uint32_t r = 0; r < pack_.rules.size(); ++r)
    if (pack_.rules[r].kind == RuleKind::Aggregate && pack_.rules[r].firstPass == firstPass)
      steps.emplace_back(pack_.rules[r].aggregate.flushOrder, r);
  for (uint32_t op = 0; op < pack_.operators.size(); ++op)
    if (pack_.operators[op].firstPass == firstPass)
      steps.emplace_back(pack_.operators[op].flushOrder, ~static_cast<int64_t>(op));
  std::stable_sort(steps.begin(), steps.end(), [](auto &a, auto &b) { return a.first < b.first; });
  for (const auto &[order, which] : steps) {
    if (which >= 0)
      aggregator_.flushRule(static_cast<uint32_t>(which));
    else
      operators_.flush(static_cast<uint32_t>(~which));
    drainRows();
  }
}

} // namespace rulec
