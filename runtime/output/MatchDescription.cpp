//===- MatchDescription.cpp -----------------------------------------------===//
#include "output/MatchDescription.h"

#include "output/JsonString.h"
#include "output/TitleRenderer.h"

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
  case RULEC_DOUBLE:
    if (!std::isfinite(v.payload.d))
      return "null";
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

} // namespace rulec
