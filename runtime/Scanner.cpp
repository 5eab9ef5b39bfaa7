//===- Scanner.cpp --------------------------------------------------------===//
#include "Scanner.h"

#include "EventTime.h"
#include "MatchDescription.h"

#include <ostream>

namespace rulec {

namespace {

/// Extra slots after the pack's fields: p_log_type, then one time field per
/// log type of the pack.
constexpr size_t kLogTypeExtra = 0;

FieldSpec dottedField(const std::string &path) {
  FieldSpec f;
  f.keyMatch = KeyMatch::ExactThenCaseInsensitive;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    PathStep step;
    step.key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    f.path.push_back(step);
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return f;
}

std::vector<std::string> timeFields(const PackInfo &pack, const ScanOptions &options) {
  std::vector<std::string> out;
  for (const std::string &lt : pack.logTypes)
    out.push_back(options.timeField.empty() ? defaultTimeField(lt) : options.timeField);
  return out;
}

std::vector<FieldSpec> extraFields(const std::vector<std::string> &timeFieldNames) {
  std::vector<FieldSpec> out = {dottedField("p_log_type")};
  for (const std::string &f : timeFieldNames)
    out.push_back(dottedField(f));
  return out;
}

} // namespace

Scanner::Scanner(const PackInfo &pack, NativePack code, ScanOptions options, Alerter::Sink sink,
                 std::ostream &diag)
    : pack_(pack), options_(std::move(options)),
      defaultLogType_(options_.defaultLogType.empty() ? RULEC_NO_LOG_TYPE
                                                      : pack.logTypeIndex(options_.defaultLogType)),
      evaluator_(pack, code, extraFields(timeFields(pack, options_))),
      alerter_(pack,
               [this, sink = std::move(sink)](const Alert &a) {
                 ++stats_.alerts;
                 sink(a);
               }),
      diag_(diag), timeFieldNames_(timeFields(pack, options_)) {}

void Scanner::message(uint64_t count, const std::string &where, const std::string &what) {
  if (count <= kMaxMessages)
    diag_ << where << ": " << what << "\n";
  if (count == kMaxMessages)
    diag_ << where << ": note: further messages of this kind are not shown; the summary counts them\n";
}

bool Scanner::eventTime(uint32_t logType, int64_t &nanos) const {
  const rulec_value &v = evaluator_.slots()[evaluator_.extraSlot(1 + logType)];
  switch (v.kind) {
  case RULEC_STRING:
    return parseTimestamp(std::string_view(v.payload.s, v.len), nanos);
  case RULEC_INT:
    nanos = v.payload.i * kNanosPerSecond;
    return true;
  case RULEC_DOUBLE:
    nanos = static_cast<int64_t>(v.payload.d * kNanosPerSecond);
    return true;
  default:
    return false;
  }
}

void Scanner::feed(const std::string &line, const std::string &source, uint64_t lineNo) {
  if (line.find_first_not_of(" \t\r") == std::string::npos)
    return; // blank lines are not events
  ++stats_.lines;
  const std::string where = source + ":" + std::to_string(lineNo);
  std::string error;
  if (!evaluator_.load(line, error)) {
    ++stats_.invalid;
    message(stats_.invalid, where, "error: " + error);
    return;
  }
  ++stats_.events;

  uint32_t logType = defaultLogType_;
  const rulec_value &lt = evaluator_.slots()[evaluator_.extraSlot(kLogTypeExtra)];
  if (lt.kind == RULEC_STRING)
    logType = pack_.logTypeIndex(std::string(lt.payload.s, lt.len));
  else if (options_.defaultLogType.empty()) {
    ++stats_.noLogType;
    message(stats_.noLogType, where,
            "warning: event has no p_log_type and no --log-type was given; no rule ran");
    return;
  }
  if (logType == RULEC_NO_LOG_TYPE)
    return; // a log type no rule of the pack reads

  int64_t time;
  if (!eventTime(logType, time)) {
    ++stats_.noTime;
    message(stats_.noTime, where,
            "warning: no event time in field '" + timeFieldNames_[logType] +
                "'; using the previous event's time");
    time = lastTime_;
  }
  lastTime_ = time;

  for (uint32_t r : evaluator_.evaluate(logType)) {
    ++stats_.matches;
    const RuleInfo &rule = pack_.rules[r];
    if (!rule.createAlert) {
      ++stats_.signals;
      continue;
    }
    const std::string dedup = dedupString(rule, evaluator_);
    alerter_.onMatch(r, dedup, time, where, [&](Alert &alert) { describe(alert); });
  }
  alerter_.advance(time);
}

/// Title, severity and context of a new alert, from the loaded event.
void Scanner::describe(Alert &alert) const {
  const RuleInfo &rule = pack_.rules[alert.rule];
  alert.title = alertTitle(rule, evaluator_);
  alert.severity = evaluator_.severity(rule, alert.rule);
  alert.contextJson = alertContextJson(rule, evaluator_);
}

void Scanner::finish() { alerter_.flush(); }

} // namespace rulec
