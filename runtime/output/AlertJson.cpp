//===- AlertJson.cpp ------------------------------------------------------===//
#include "output/AlertJson.h"

#include "events/EventTime.h"
#include "output/JsonString.h"


namespace rulec {

std::string alertToJson(const Alert &alert, const RuleInfo &rule) {
  std::string out = "{\"rule_id\":";
  appendJsonString(out, rule.id);
  out += ",\"severity\":";
  appendJsonString(out, alert.severity);
  out += ",\"title\":";
  appendJsonString(out, alert.title);
  out += ",\"dedup\":";
  appendJsonString(out, alert.dedup);
  out += ",\"count\":" + std::to_string(alert.count);
  out += ",\"threshold\":" + std::to_string(rule.threshold);
  out += ",\"first_event_time\":";
  appendJsonString(out, formatTimestamp(alert.firstEventTime));
  out += ",\"last_event_time\":";
  appendJsonString(out, formatTimestamp(alert.lastEventTime));
  out += ",\"events\":[";
  for (size_t i = 0; i < alert.eventRefs.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, alert.eventRefs[i]);
  }
  out += "]";
  if (!alert.contextJson.empty())
    out += ",\"alert_context\":" + alert.contextJson;
  out += "}";
  return out;
}

std::string correlationAlertToJson(const CorrelationAlert &alert, const CorrelationSpec &spec) {
  std::string out = "{\"rule_id\":";
  appendJsonString(out, spec.id);
  if (!spec.title.empty() && spec.title != spec.id) {
    out += ",\"rule_name\":";
    appendJsonString(out, spec.title);
  }
  if (!spec.level.empty()) {
    out += ",\"severity\":";
    appendJsonString(out, spec.level);
  }
  out += ",\"correlation\":";
  appendJsonString(out, correlationTypeName(spec.type));
  out += ",\"group\":{";
  for (size_t i = 0; i < spec.groupBy.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, spec.groupBy[i]);
    out += ':' + alert.group[i];
  }
  out += "},\"count\":" + std::to_string(alert.count);
  out += ",\"first_event_time\":";
  appendJsonString(out, formatTimestamp(alert.firstEventTime));
  out += ",\"last_event_time\":";
  appendJsonString(out, formatTimestamp(alert.lastEventTime));
  out += ",\"events\":[";
  for (size_t i = 0; i < alert.eventRefs.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, alert.eventRefs[i]);
  }
  return out + "]}";
}

std::string rowToJson(const RuleInfo &rule, const std::string &row) {
  std::string out = "{\"rule_id\":";
  appendJsonString(out, rule.id);
  if (!rule.displayName.empty() && rule.displayName != rule.id) {
    out += ",\"rule_name\":";
    appendJsonString(out, rule.displayName);
  }
  if (!rule.severity.empty()) {
    out += ",\"severity\":";
    appendJsonString(out, rule.severity);
  }
  return out + ",\"row\":" + row + "}";
}

} // namespace rulec
