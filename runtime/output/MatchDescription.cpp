//===- MatchDescription.cpp -----------------------------------------------===//
#include "output/MatchDescription.h"

#include "events/EventTime.h"

#include "output/JsonString.h"
#include "output/TitleRenderer.h"

#include <algorithm>
#include <cmath>

namespace rulec {

std::string dedupString(const RuleInfo &rule, const EventEvaluator &event) {
  std::string dedup;
  if (!rule.groupBy.empty())
    dedup = renderTemplate(rule.groupBy, event.slots(), event.elements());
  else if (!rule.title.empty())
    dedup = renderTemplate(rule.title, event.slots(), event.elements());
  return dedup.empty() ? "defaultDedupString:" + rule.id : dedup;
}

std::string alertTitle(const RuleInfo &rule, const EventEvaluator &event) {
  std::string title;
  if (!rule.title.empty())
    title = renderTemplate(rule.title, event.slots(), event.elements());
  if (title.empty())
    title = rule.displayName.empty() ? rule.id : rule.displayName;
  return title;
}

std::string valueJson(const rulec_value &v) {
  std::string out;
  switch (v.kind) {
  case RULEC_STRING: appendJsonString(out, std::string_view(v.payload.s, v.len)); return out;
  case RULEC_BOOL: return v.payload.i ? "true" : "false";
  case RULEC_INT: return std::to_string(v.payload.i);
  case RULEC_JSON: return std::string(v.payload.s, v.len);
  case RULEC_DATETIME: appendJsonString(out, formatKustoDatetime(v.payload.i)); return out;
  case RULEC_TIMESPAN: appendJsonString(out, formatKustoTimespan(v.payload.i)); return out;
  case RULEC_DOUBLE:
    // Kusto's JSON writes the non-finite reals as strings; readers of a real
    // column convert them back (strtod reads "NaN", "Infinity", "-Infinity").
    if (std::isnan(v.payload.d))
      return "\"NaN\"";
    if (std::isinf(v.payload.d))
      return v.payload.d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return pythonFloatRepr(v.payload.d);
  default: return "null";
  }
}

std::string columnJson(EventEvaluator &event, const RuleInfo &rule, uint32_t ruleIndex, uint32_t column) {
  const ContextEntry &c = rule.columns[column];
  if (!c.computed)
    return event.slots()[c.slot].kind == RULEC_MISSING ? "null" : simdjson::minify(event.elements()[c.slot]);
  return valueJson(event.column(rule, ruleIndex, column));
}

std::string alertContextJson(const RuleInfo &rule, const EventEvaluator &event) {
  if (rule.alertContext.empty())
    return "";
  std::string out = "{";
  for (size_t i = 0; i < rule.alertContext.size(); ++i) {
    const ContextEntry &c = rule.alertContext[i];
    if (i)
      out += ',';
    appendJsonString(out, c.name);
    out += ':';
    if (event.slots()[c.slot].kind == RULEC_MISSING)
      out += "null";
    else
      out += simdjson::minify(event.elements()[c.slot]);
  }
  return out + '}';
}

void queryRow(EventEvaluator &event, const RuleInfo &rule, uint32_t ruleIndex, std::string &row) {
  if (rule.wholeEvent && rule.columns.empty() && rule.hiddenFields.empty()) {
    // The event itself (Sigma rows): its own text without insignificant
    // white space, a SIMD pass instead of serializing the parsed event.
    const std::string_view text = event.context().eventText;
    row.resize(text.size());
    size_t length = 0;
    if (simdjson::minify(text.data(), text.size(), row.data(), length) == simdjson::SUCCESS) {
      row.resize(length);
      return;
    }
  }
  row = "{";
  auto add = [&](std::string_view name, const std::string &json) {
    if (row.size() > 1)
      row += ',';
    appendJsonString(row, name);
    row += ':';
    row += json;
  };
  std::vector<uint8_t> placed(rule.columns.size(), 0);
  if (rule.wholeEvent) {
    // The event's own columns, an extended one in the place of the column
    // it replaces (as Kusto's extend does), then the new ones.
    simdjson::dom::object object = event.root().get_object().value_unsafe();
    for (auto field : object) {
      if (std::count(rule.hiddenFields.begin(), rule.hiddenFields.end(), field.key) > 0)
        continue;
      int32_t replacing = -1;
      for (uint32_t c = 0; c < rule.columns.size(); ++c)
        if (rule.columns[c].name == field.key)
          replacing = static_cast<int32_t>(c);
      if (replacing < 0) {
        add(field.key, simdjson::minify(field.value));
      } else if (!placed[replacing]) {
        placed[replacing] = 1;
        add(field.key, columnJson(event, rule, ruleIndex, static_cast<uint32_t>(replacing)));
      }
    }
  }
  for (uint32_t c = 0; c < rule.columns.size(); ++c)
    if (!placed[c])
      add(rule.columns[c].name, columnJson(event, rule, ruleIndex, c));
  row += '}';
}

} // namespace rulec
