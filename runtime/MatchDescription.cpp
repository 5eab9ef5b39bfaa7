//===- MatchDescription.cpp -----------------------------------------------===//
#include "MatchDescription.h"

#include "JsonString.h"
#include "TitleRenderer.h"

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
