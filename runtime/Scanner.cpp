//===- Scanner.cpp --------------------------------------------------------===//
#include "Scanner.h"

#include "events/EventTime.h"
#include "output/JsonString.h"
#include "output/MatchDescription.h"
#include "output/TitleRenderer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <ostream>

namespace rulec {

namespace {

/// Extra slots after the pack's fields: p_log_type, Type, then every time
/// field any log type may use.
constexpr size_t kPantherLogTypeExtra = 0;
constexpr size_t kTableExtra = 1;

FieldSpec dottedField(const std::string &path, KeyMatch keyMatch = KeyMatch::ExactThenCaseInsensitive) {
  FieldSpec f;
  f.keyMatch = keyMatch;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    f.path.push_back(PathStep::makeKey(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start)));
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return f;
}

/// Only windows need event time: alerts, summarize, streaming sets, correlations.
bool needsEventTime(const PackInfo &pack, const ScanOptions &options) {
  for (const RuleInfo &rule : pack.rules)
    if (rule.kind == RuleKind::Alert || rule.kind == RuleKind::Aggregate)
      return true;
  return (options.streaming && !pack.sets.empty()) || !pack.correlations.empty();
}

/// Per log type, the fields its event time may be in; none when no rule
/// needs the time (they are not read then).
std::vector<std::vector<std::string>> timeFields(const PackInfo &pack, const ScanOptions &options) {
  std::vector<std::vector<std::string>> out;
  if (!needsEventTime(pack, options))
    return std::vector<std::vector<std::string>>(pack.logTypes.size());
  for (const std::string &lt : pack.logTypes)
    out.push_back(options.timeField.empty() ? defaultTimeFields(lt) : std::vector<std::string>{options.timeField});
  return out;
}

/// The runtime's extra fields, and per log type the extra slots of its time fields.
std::vector<FieldSpec> extraFields(const std::vector<std::vector<std::string>> &names, size_t packFields,
                                   std::vector<std::vector<uint32_t>> &slots) {
  // Exact keys: many sources have a lower-case `type` field of their own.
  std::vector<FieldSpec> out = {dottedField("p_log_type", KeyMatch::Exact), dottedField("Type", KeyMatch::Exact)};
  std::map<std::string, uint32_t> index;
  for (const auto &candidates : names) {
    slots.emplace_back();
    for (const std::string &name : candidates) {
      auto [it, inserted] = index.emplace(name, static_cast<uint32_t>(packFields + out.size()));
      if (inserted)
        out.push_back(dottedField(name));
      slots.back().push_back(it->second);
    }
  }
  return out;
}

int64_t wallClockNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

Scanner::Scanner(const PackInfo &pack, NativePack code, ScanOptions options, Alerter::Sink alerts,
                 RowSink rows, Correlator::Sink correlations, std::ostream &diag)
    : pack_(pack), options_(std::move(options)),
      defaultLogType_(options_.defaultLogType.empty() ? RULEC_NO_LOG_TYPE
                                                      : pack.logTypeIndex(options_.defaultLogType)),
      needsTime_(needsEventTime(pack, options_)), timeFieldNames_(timeFields(pack, options_)),
      evaluator_(pack, code, extraFields(timeFieldNames_, pack.fields.size(), timeFieldSlots_)),
      alerter_(pack,
               [this, sink = std::move(alerts)](const Alert &a) {
                 ++stats_.alerts;
                 sink(a);
               }),
      aggregator_(pack, [this](uint32_t logType, const std::string &row, int64_t time) { feedRow(logType, row, time); }),
      correlator_(pack,
                  [this, sink = std::move(correlations)](const CorrelationAlert &a) {
                    ++stats_.correlations;
                    sink(a);
                  }),
      rows_(std::move(rows)), diag_(diag), distinctRows_(pack.rules.size()), rowCounts_(pack.rules.size(), 0) {
  stats_.ruleMatches.assign(pack.rules.size(), 0);
  alerter_.setAllowedLateness(options_.allowedLateness);
  correlator_.setAllowedLateness(options_.allowedLateness);
  rulec_context &ctx = evaluator_.context();
  ctx.literals.setMemo(options_.literalMemo);
  ctx.now = options_.now ? *options_.now : wallClockNow();
  ctx.streaming = options_.streaming;
}

bool Scanner::needsTwoPasses() const { return !options_.streaming && !pack_.sets.empty(); }

void Scanner::message(uint64_t count, const std::string &where, const std::string &what) {
  if (count <= kMaxMessages)
    diag_ << where << ": " << what << "\n";
  if (count == kMaxMessages)
    diag_ << where << ": note: further messages of this kind are not shown; the summary counts them\n";
}

bool Scanner::eventTime(uint32_t logType, int64_t &nanos) const {
  for (uint32_t slot : timeFieldSlots_[logType]) {
    const rulec_value &v = evaluator_.slots()[slot];
    switch (v.kind) {
    case RULEC_STRING:
      if (parseTimestamp(std::string_view(v.payload.s, v.len), nanos))
        return true;
      break;
    // Epoch seconds outside int64 nanoseconds (about years 1677-2262) are not
    // times, like such timestamps in strings (an overflow found by fuzz_events).
    case RULEC_INT:
      if (__builtin_mul_overflow(v.payload.i, kNanosPerSecond, &nanos))
        break;
      return true;
    case RULEC_DOUBLE: {
      const double n = v.payload.d * kNanosPerSecond;
      if (!(n > -9.2e18 && n < 9.2e18)) // also NaN
        break;
      nanos = static_cast<int64_t>(n);
      return true;
    }
    default:
      break;
    }
  }
  return false;
}

void Scanner::feedOversized(uint64_t bytes, const std::string &source, uint64_t lineNo) {
  if (phase_ == Phase::BuildSets)
    return; // the set pass is silent
  ++stats_.lines;
  message(++stats_.invalid, source + ":" + std::to_string(lineNo), "error: " + EventEvaluator::tooLarge(bytes));
}

void Scanner::feed(std::string_view line, const std::string &source, uint64_t lineNo, bool padded) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos)
    return; // blank lines are not events
  const bool counting = phase_ != Phase::BuildSets; // the set pass is silent
  if (counting)
    ++stats_.lines;
  // Built only for a message or an alert: most events need neither.
  auto where = [&] { return source + ":" + std::to_string(lineNo); };
  std::string error;
  if (!evaluator_.load(line, error, padded)) {
    if (counting)
      message(++stats_.invalid, where(), "error: " + error);
    return;
  }
  if (counting)
    ++stats_.events;

  uint32_t logType = defaultLogType_;
  const rulec_value &pantherType = evaluator_.slots()[evaluator_.extraSlot(kPantherLogTypeExtra)];
  const rulec_value &table = evaluator_.slots()[evaluator_.extraSlot(kTableExtra)];
  const rulec_value &named = pantherType.kind == RULEC_STRING ? pantherType : table;
  if (named.kind == RULEC_STRING) {
    logType = pack_.logTypeIndex(std::string(named.payload.s, named.len));
  } else if (options_.defaultLogType.empty()) {
    if (counting)
      message(++stats_.noLogType, where(),
              "warning: event has no p_log_type or Type and no --log-type was given; no rule ran");
    return;
  }
  if (logType == RULEC_NO_LOG_TYPE)
    return; // a log type no rule of the pack reads

  // Without windows (alerts, summarize, streaming sets) time is never read.
  int64_t time = lastTime_;
  if (needsTime_ && !eventTime(logType, time)) {
    if (counting) {
      std::string fields;
      for (const std::string &f : timeFieldNames_[logType])
        fields += (fields.empty() ? "'" : "' or '") + f;
      message(++stats_.noTime, where(), "warning: no event time in field " + fields + "'; using the previous event's time");
    }
    time = lastTime_;
  }
  lastTime_ = time;

  for (uint32_t r : evaluator_.evaluate(logType)) {
    const RuleInfo &rule = pack_.rules[r];
    if (rule.kind == RuleKind::SetBuilder) {
      if (phase_ != Phase::Output)
        addToSet(r, time);
      continue;
    }
    if (phase_ == Phase::BuildSets)
      continue;
    ++stats_.matches;
    ++stats_.ruleMatches[r];
    if (!rule.feeds.empty())
      feedCorrelations(rule, time, where());
    if (rule.kind == RuleKind::Query) {
      if (rule.createAlert)
        emitRow(r);
      else
        ++stats_.signals;
      continue;
    }
    if (rule.kind == RuleKind::Aggregate) {
      aggregator_.add(r, evaluator_, time);
      continue;
    }
    if (!rule.createAlert) {
      ++stats_.signals;
      continue;
    }
    alerter_.onMatch(r, dedupString(rule, evaluator_), time, where(), [&](Alert &alert) { describe(alert); });
  }
  if (phase_ == Phase::BuildSets)
    return;
  if (options_.streaming)
    aggregator_.advance(time); // may load rows into the evaluator: after this event's matches
  alerter_.advance(time);
  correlator_.advance(time);
  stats_.ungrouped = correlator_.ungrouped();
  stats_.evicted = alerter_.evictions() + correlator_.evictions();
}

/// The match's group-by values (and value_count field) for each correlation
/// the rule feeds. A missing or null field has no value.
void Scanner::feedCorrelations(const RuleInfo &rule, int64_t time, const std::string &where) {
  auto json = [&](uint32_t slot) -> std::optional<std::string> {
    const rulec_value &v = evaluator_.slots()[slot];
    if (v.kind == RULEC_MISSING || v.kind == RULEC_NULL)
      return std::nullopt;
    return std::string(simdjson::minify(evaluator_.elements()[slot]));
  };
  const std::vector<std::string> refs = {where};
  for (const CorrelationFeed &feed : rule.feeds) {
    const CorrelationSpec::Input &input = pack_.correlations[feed.correlation].inputs[feed.input];
    std::vector<std::optional<std::string>> group;
    for (uint32_t slot : input.groupBy)
      group.push_back(json(slot));
    std::optional<std::string> value;
    if (input.valueField >= 0)
      value = json(static_cast<uint32_t>(input.valueField));
    correlator_.add(feed, group, value, time, refs);
  }
}

/// A summarize group's row, run as an event of the post-summarize rule's
/// log type.
void Scanner::feedRow(uint32_t logType, const std::string &row, int64_t time) {
  std::string error;
  if (!evaluator_.load(row, error))
    return; // rows are JSON the Aggregator wrote
  for (uint32_t r : evaluator_.evaluate(logType)) {
    const RuleInfo &rule = pack_.rules[r];
    if (rule.kind == RuleKind::Query)
      emitRow(r);
    else if (rule.kind == RuleKind::Aggregate)
      aggregator_.add(r, evaluator_, time); // summarize after summarize
  }
}

/// Title, severity and context of a new alert, from the loaded event.
void Scanner::describe(Alert &alert) const {
  const RuleInfo &rule = pack_.rules[alert.rule];
  alert.title = alertTitle(rule, evaluator_);
  alert.severity = evaluator_.severity(rule, alert.rule);
  alert.contextJson = alertContextJson(rule, evaluator_);
}

/// The column's value as a set member: strings as they are, numbers and
/// bools as their text; null and dynamic values are not members.
void Scanner::addToSet(uint32_t r, int64_t time) {
  const RuleInfo &rule = pack_.rules[r];
  rulec_context &ctx = evaluator_.context();
  rulec_value v = evaluator_.column(rule, r, 0);
  if (v.kind != RULEC_STRING) {
    if (v.kind != RULEC_INT && v.kind != RULEC_DOUBLE && v.kind != RULEC_BOOL)
      return;
    rulec_value text;
    const rulec_value *args[] = {&v};
    rulec_rt_call(&ctx, RULEC_FN_TOSTRING, 1, args, &text);
    v = text;
  }
  ctx.sets[rule.set].insert(std::string_view(v.payload.s, v.len), time);
}

void Scanner::emitRow(uint32_t r) {
  const RuleInfo &rule = pack_.rules[r];
  if (rule.take >= 0 && rowCounts_[r] >= rule.take)
    return;
  std::string row = "{";
  auto add = [&](std::string_view name, const std::string &json) {
    if (row.size() > 1)
      row += ',';
    appendJsonString(row, name);
    row += ':';
    row += json;
  };
  if (rule.wholeEvent) {
    // The event's own columns, then the extended ones (which replace same names).
    simdjson::dom::object event = evaluator_.root().get_object().value_unsafe();
    for (auto field : event) {
      bool replaced = std::count(rule.hiddenFields.begin(), rule.hiddenFields.end(), field.key) > 0;
      for (const ContextEntry &c : rule.columns)
        replaced |= c.name == field.key;
      if (!replaced)
        add(field.key, simdjson::minify(field.value));
    }
  }
  for (uint32_t c = 0; c < rule.columns.size(); ++c)
    add(rule.columns[c].name, columnJson(evaluator_, rule, r, c));
  row += '}';
  if (rule.distinct && !distinctRows_[r].insert(row).second)
    return;
  ++rowCounts_[r];
  ++stats_.rows;
  rows_(rule, row);
}

void Scanner::setMaxGroups(size_t n) {
  alerter_.setMaxWindows(n);
  correlator_.setMaxGroups(n);
}

bool Scanner::canSaveState(std::string &why) const {
  for (const RuleInfo &rule : pack_.rules)
    if (rule.kind == RuleKind::Aggregate) {
      why = "the state of KQL summarize (rule '" + rule.id + "') is not saved yet";
      return false;
    }
  return true;
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
  const rulec_context &ctx = evaluator_.context();
  w.vec(ctx.sets, [](bytes::Writer &w, const StringSet &set) {
    w.u32(static_cast<uint32_t>(set.members().size()));
    for (const auto &[member, time] : set.members()) {
      w.str(member);
      w.i64(time);
    }
  });
  alerter_.save(w);
  correlator_.save(w);
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
  if (!r.ok())
    return;
  for (size_t i = 0; i < distinct.size(); ++i)
    distinctRows_[i] = std::unordered_set<std::string>(distinct[i].begin(), distinct[i].end());
  rulec_context &ctx = evaluator_.context();
  for (size_t i = 0; i < sets.size(); ++i)
    for (const Member &m : sets[i])
      ctx.sets[i].insert(m.value, m.time);
  s.ungrouped = correlator_.ungrouped();
  s.evicted = alerter_.evictions() + correlator_.evictions();
}

void Scanner::finish() {
  aggregator_.flush();
  alerter_.flush();
  correlator_.flush();
  stats_.ungrouped = correlator_.ungrouped();
}

} // namespace rulec
