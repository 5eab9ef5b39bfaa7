//===- EventWorker.cpp ----------------------------------------------------===//
#include "EventWorker.h"

#include "Scanner.h"
#include "events/EventTime.h"
#include "output/MatchDescription.h"

#include <algorithm>
#include <map>

namespace rulec {

namespace {

/// Extra slots after the pack's fields: p_log_type, Type, the fields of the
/// log-type shapes, then every time field any log type may use.
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

/// Per log type, the fields its event time may be in; none when no rule
/// needs the time (they are not read then).
std::vector<std::vector<std::string>> timeFieldsOf(const PackInfo &pack, const ScanOptions &options) {
  std::vector<std::vector<std::string>> out;
  if (!needsEventTime(pack, options))
    return std::vector<std::vector<std::string>>(pack.logTypes.size());
  for (const std::string &lt : pack.logTypes)
    out.push_back(options.timeField.empty() ? defaultTimeFields(lt) : std::vector<std::string>{options.timeField});
  return out;
}

/// The runtime's extra fields; the extra slots of each log-type shape's
/// fields, and per log type those of its time fields.
std::vector<FieldSpec> extraFields(const PackInfo &pack, const std::vector<std::vector<std::string>> &timeNames,
                                   std::vector<std::vector<uint32_t>> &shapeSlots,
                                   std::vector<std::vector<uint32_t>> &timeSlots) {
  // Exact keys: many sources have a lower-case `type` field of their own.
  std::vector<FieldSpec> out = {dottedField("p_log_type", KeyMatch::Exact), dottedField("Type", KeyMatch::Exact)};
  std::map<std::string, uint32_t> index;
  auto slotOf = [&](const std::string &name) {
    auto [it, inserted] = index.emplace(name, static_cast<uint32_t>(pack.fields.size() + out.size()));
    if (inserted)
      out.push_back(dottedField(name));
    return it->second;
  };
  for (const LogTypeShape &shape : pack.logTypeShapes) {
    shapeSlots.emplace_back();
    for (const std::string &name : shape.fields)
      shapeSlots.back().push_back(slotOf(name));
  }
  for (const auto &candidates : timeNames) {
    timeSlots.emplace_back();
    for (const std::string &name : candidates)
      timeSlots.back().push_back(slotOf(name));
  }
  return out;
}

/// The value of a correlation's group-by or value field: a missing or null
/// field has none.
std::optional<std::string> feedValue(const EventEvaluator &event, uint32_t slot) {
  const rulec_value &v = event.slots()[slot];
  if (v.kind == RULEC_MISSING || v.kind == RULEC_NULL)
    return std::nullopt;
  return std::string(simdjson::minify(event.elements()[slot]));
}

} // namespace

bool needsEventTime(const PackInfo &pack, const ScanOptions &options) {
  for (const RuleInfo &rule : pack.rules)
    if (rule.kind == RuleKind::Alert || rule.kind == RuleKind::Aggregate)
      return true;
  // Stream mode: let-table sets and joins keep what is within their window.
  const bool joins = std::any_of(pack.operators.begin(), pack.operators.end(),
                                 [](const OperatorSpec &op) { return op.kind == OperatorSpec::Kind::Join; });
  // Scheduled Sentinel rules: the replay's windows are on event time.
  return (options.streaming && (!pack.sets.empty() || joins)) || !pack.correlations.empty() ||
         (options.replay && std::any_of(pack.analyticRules.begin(), pack.analyticRules.end(),
                                        [&](const AnalyticRuleSpec &a) { return a.replayed(options.streaming); }));
}

std::string shapesText(const PackInfo &pack) {
  std::string out;
  for (uint32_t lt = 0; lt < pack.logTypes.size(); ++lt) {
    std::string alternatives;
    for (const LogTypeShape &shape : pack.logTypeShapes) {
      if (shape.logType != lt)
        continue;
      std::string all;
      for (size_t i = 0; i < shape.fields.size(); ++i)
        all += (i ? (i + 1 == shape.fields.size() ? " and " : ", ") : "") + shape.fields[i];
      alternatives += (alternatives.empty() ? "" : ", or ") + all;
    }
    if (!alternatives.empty())
      out += (out.empty() ? "" : "; ") + pack.logTypes[lt] + ": " + alternatives;
  }
  return out;
}

EventWorker::EventWorker(const PackInfo &pack, NativePack code, const ScanOptions &options,
                         std::shared_ptr<const LiteralDatabases> literals)
    : pack_(pack), hasDefault_(!options.defaultLogType.empty()),
      defaultLogType_(options.defaultLogType.empty() ? RULEC_NO_LOG_TYPE : pack.logTypeIndex(options.defaultLogType)),
      needsTime_(needsEventTime(pack, options)), timeFieldNames_(timeFieldsOf(pack, options)),
      evaluator_(pack, code, extraFields(pack, timeFieldNames_, shapeSlots_, timeFieldSlots_), std::move(literals)) {}

bool EventWorker::eventTime(uint32_t logType, int64_t &nanos) const {
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

uint32_t EventWorker::logTypeByShape() const {
  for (size_t s = 0; s < shapeSlots_.size(); ++s) {
    bool all = !shapeSlots_[s].empty();
    for (uint32_t slot : shapeSlots_[s])
      all = all && evaluator_.slots()[slot].kind != RULEC_MISSING;
    if (all)
      return pack_.logTypeShapes[s].logType;
  }
  return RULEC_NO_LOG_TYPE;
}

void EventWorker::describe(uint32_t r, std::string &title, std::string &severity, std::string &contextJson) const {
  const RuleInfo &rule = pack_.rules[r];
  title = alertTitle(rule, evaluator_);
  severity = evaluator_.severity(rule, r);
  contextJson = alertContextJson(rule, evaluator_);
}

void EventWorker::evaluate(std::string_view text, bool padded, EventOutcome &out, Payloads payloads,
                           uint32_t knownLogType) {
  out.clear();
  if (text.find_first_not_of(" \t\r") == std::string_view::npos)
    return; // blank lines are not events
  if (!evaluator_.load(text, out.error, padded)) {
    out.kind = EventOutcome::Kind::Invalid;
    return;
  }
  // The event's p_log_type, else its Type, else its shape, else --log-type.
  uint32_t logType = defaultLogType_;
  const rulec_value &pantherType = evaluator_.slots()[evaluator_.extraSlot(kPantherLogTypeExtra)];
  const rulec_value &table = evaluator_.slots()[evaluator_.extraSlot(kTableExtra)];
  const rulec_value &named = pantherType.kind == RULEC_STRING ? pantherType : table;
  if (knownLogType != RULEC_NO_LOG_TYPE) {
    logType = knownLogType;
  } else if (named.kind == RULEC_STRING) {
    logType = pack_.logTypeIndex(std::string(named.payload.s, named.len));
  } else if (const uint32_t shaped = logTypeByShape(); shaped != RULEC_NO_LOG_TYPE) {
    logType = shaped;
  } else if (!hasDefault_) {
    out.kind = EventOutcome::Kind::NoLogType;
    return;
  }
  if (logType == RULEC_NO_LOG_TYPE) {
    out.kind = EventOutcome::Kind::OtherType; // a log type no rule of the pack reads
    return;
  }
  out.kind = EventOutcome::Kind::Evaluated;
  out.logType = logType;
  // Without windows (alerts, summarize, streaming sets) time is never read.
  out.hasTime = needsTime_ && eventTime(logType, out.time);
  for (uint32_t r : evaluator_.evaluate(logType)) {
    MatchOutcome &m = out.addMatch(r);
    const RuleInfo &rule = pack_.rules[r];
    if ((payloads == Payloads::None && !rule.firstPass) || rule.kind == RuleKind::SetBuilder ||
        rule.kind == RuleKind::Aggregate)
      continue; // the Scanner reads those from the evaluator
    for (const CorrelationFeed &feed : rule.feeds) {
      const CorrelationSpec::Input &input = pack_.correlations[feed.correlation].inputs[feed.input];
      MatchOutcome::Feed &f = m.feeds.emplace_back();
      for (uint32_t slot : input.groupBy)
        f.group.push_back(feedValue(evaluator_, slot));
      if (input.valueField >= 0)
        f.value = feedValue(evaluator_, static_cast<uint32_t>(input.valueField));
    }
    if (!rule.createAlert)
      continue;
    if (rule.kind == RuleKind::Query) {
      queryRow(evaluator_, rule, r, m.row);
    } else if (rule.kind == RuleKind::Alert) {
      m.dedup = dedupString(rule, evaluator_);
      if (payloads == Payloads::All)
        describe(r, m.title, m.severity, m.contextJson);
    }
  }
}

} // namespace rulec
