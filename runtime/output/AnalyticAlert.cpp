//===- AnalyticAlert.cpp --------------------------------------------------===//
#include "output/AnalyticAlert.h"

#include "events/EventTime.h"
#include "output/JsonString.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace rulec {

namespace {

/// Sentinel's limits (docs/sentinel.md).
constexpr size_t kMaxNameChars = 256, kMaxDescriptionChars = 5000;
constexpr size_t kMaxEntities = 500, kMaxEntityBytes = 64 * 1024, kMaxDetailBytes = 2 * 1024;

/// The tactics Sentinel accepts (its MITRE ATT&CK tactic names).
const std::set<std::string> kTactics = {
    "Reconnaissance",   "ResourceDevelopment", "InitialAccess",   "Execution",         "Persistence",
    "PrivilegeEscalation", "DefenseEvasion",   "CredentialAccess", "Discovery",        "LateralMovement",
    "Collection",       "Exfiltration",        "CommandAndControl", "Impact",          "ImpairProcessControl",
    "InhibitResponseFunction", "PreAttack"};
const char *const kSeverities[] = {"Informational", "Low", "Medium", "High"};

/// What an alert reads of a result row: the columns the rule names, as
/// text (strings as they are, numbers and booleans as JSON writes them,
/// dynamic values as their JSON); null, an empty string and a missing column
/// have none. Taken out of the row's JSON once, with one parser for all rows.
class Row {
public:
  Row(simdjson::dom::parser &parser, const std::string &json, const std::set<std::string> &columns) {
    simdjson::dom::object object;
    if (parser.parse(json).get(object))
      return;
    for (const std::string &column : columns) {
      simdjson::dom::element v;
      if (object.at_key(column).get(v) || v.is_null())
        continue;
      Cell &cell = cells_[column];
      cell.text = v.is_string() ? std::string(v.get_string().value_unsafe()) : simdjson::minify(v);
      if (simdjson::dom::array array; !v.get_array().get(array)) {
        cell.isArray = true;
        for (simdjson::dom::element e : array)
          if (e.is_string())
            cell.strings.emplace_back(e.get_string().value_unsafe());
      }
    }
  }
  std::optional<std::string> text(const std::string &column) const {
    auto it = cells_.find(column);
    if (it == cells_.end() || it->second.text.empty())
      return std::nullopt;
    return it->second.text;
  }
  /// An array column's string elements (nullptr: not an array).
  const std::vector<std::string> *strings(const std::string &column) const {
    auto it = cells_.find(column);
    return it != cells_.end() && it->second.isArray ? &it->second.strings : nullptr;
  }

private:
  struct Cell {
    std::string text;
    bool isArray = false;
    std::vector<std::string> strings;
  };
  std::map<std::string, Cell> cells_;
};

/// The column names of a `{{A}} on {{B}}` format.
void placeholders(const std::string &pattern, std::set<std::string> &out) {
  for (size_t open = pattern.find("{{"); open != std::string::npos; open = pattern.find("{{", open + 2)) {
    const size_t close = pattern.find("}}", open + 2);
    if (close == std::string::npos)
      return;
    std::string column = pattern.substr(open + 2, close - open - 2);
    column.erase(0, column.find_first_not_of(' '));
    column.erase(column.find_last_not_of(' ') + 1);
    out.insert(column);
  }
}

/// Every column the rule's alerts read.
std::set<std::string> columnsRead(const AnalyticRuleSpec &rule) {
  std::set<std::string> out;
  placeholders(rule.displayNameFormat, out);
  placeholders(rule.descriptionFormat, out);
  for (const std::string *c : {&rule.severityColumn, &rule.tacticsColumn})
    if (!c->empty())
      out.insert(*c);
  for (const AnalyticRuleSpec::Entity &e : rule.entities)
    for (const AnalyticRuleSpec::Mapping &m : e.identifiers)
      out.insert(m.column);
  for (const auto *list : {&rule.customDetails, &rule.dynamicProperties})
    for (const AnalyticRuleSpec::Mapping &m : *list)
      out.insert(m.column);
  return out;
}

/// "{{A}} on {{B}}" with the row's values; nullopt when a column it names
/// has none (the alert then keeps the rule's own text).
std::optional<std::string> format(const std::string &pattern, const Row &row) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = pattern.find("{{", at);
    if (open == std::string::npos)
      break;
    const size_t close = pattern.find("}}", open + 2);
    if (close == std::string::npos)
      break;
    out.append(pattern, at, open - at);
    std::string column = pattern.substr(open + 2, close - open - 2);
    column.erase(0, column.find_first_not_of(' '));
    column.erase(column.find_last_not_of(' ') + 1);
    std::optional<std::string> value = row.text(column);
    if (!value)
      return std::nullopt;
    out += *value;
    at = close + 2;
  }
  out.append(pattern, at);
  return out;
}

/// At most `chars` UTF-8 characters of `s`.
std::string cut(std::string s, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == chars)
      return s.substr(0, i);
  return s;
}

void appendStrings(std::string &out, const std::vector<std::string> &items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, items[i]);
  }
  out += ']';
}

/// The tactics a column holds ("A, B" or ["A","B"]), if all are valid.
std::optional<std::vector<std::string>> tacticsOf(const Row &row, const std::string &column) {
  std::vector<std::string> out;
  std::vector<std::string> names;
  if (const std::vector<std::string> *elements = row.strings(column)) {
    names = *elements;
  } else if (std::optional<std::string> text = row.text(column)) {
    for (size_t at = 0; at <= text->size();) {
      size_t comma = text->find(',', at);
      if (comma == std::string::npos)
        comma = text->size();
      std::string name = text->substr(at, comma - at);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      names.push_back(name);
      at = comma + 1;
    }
  }
  for (const std::string &name : names) {
    if (!kTactics.count(name))
      return std::nullopt;
    out.push_back(name);
  }
  if (out.empty())
    return std::nullopt;
  return out;
}

/// One alert of `rows` (indexes into `parsed`); name, description,
/// severity, tactics and dynamic properties from the first of them.
std::string alertJson(const AnalyticRuleSpec &rule, const AnalyticRun &run, const std::vector<Row> &parsed,
                      const std::vector<size_t> &rows, bool summary) {
  static const Row none = [] { // a trigger met by no rows (lt, eq 0): the rule's own details
    simdjson::dom::parser parser;
    return Row(parser, "{}", {});
  }();
  const Row &first = rows.empty() ? none : parsed[rows.front()];
  std::string name = rule.name, description = rule.description, severity = rule.severity;
  std::vector<std::string> tactics = rule.tactics;
  if (!rule.displayNameFormat.empty())
    if (std::optional<std::string> s = format(rule.displayNameFormat, first))
      name = *s;
  if (!rule.descriptionFormat.empty())
    if (std::optional<std::string> s = format(rule.descriptionFormat, first))
      description = *s;
  if (std::optional<std::string> s = rule.severityColumn.empty() ? std::nullopt : first.text(rule.severityColumn))
    for (const char *valid : kSeverities)
      if (*s == valid)
        severity = *s;
  if (!rule.tacticsColumn.empty())
    if (std::optional<std::vector<std::string>> t = tacticsOf(first, rule.tacticsColumn))
      tactics = *t;

  std::string out = "{\"rule_id\":";
  appendJsonString(out, rule.id);
  out += ",\"rule_name\":";
  appendJsonString(out, rule.name);
  out += ",\"kind\":";
  out += rule.nrt ? "\"NRT\"" : "\"Scheduled\"";
  out += ",\"alert_name\":";
  appendJsonString(out, cut(name, kMaxNameChars));
  out += ",\"description\":";
  appendJsonString(out, cut(description, kMaxDescriptionChars));
  out += ",\"severity\":";
  appendJsonString(out, severity);
  out += ",\"tactics\":";
  appendStrings(out, tactics);
  out += ",\"techniques\":";
  appendStrings(out, rule.techniques);
  out += ",\"run_time\":";
  appendJsonString(out, formatTimestamp(run.end));
  out += ",\"window_start\":";
  appendJsonString(out, formatTimestamp(run.start));
  out += ",\"window_end\":";
  appendJsonString(out, formatTimestamp(run.end));
  out += ",\"grouping\":";
  out += rule.perResult ? (summary ? "\"AlertPerResult summary\"" : "\"AlertPerResult\"") : "\"SingleAlert\"";
  out += ",\"row_count\":" + std::to_string(rows.size());

  // Entities: each mapping's identifiers from each row, empty ones dropped;
  // the same entity once; at most 500 shared by the mappings, 64 KB.
  std::string entities = "[";
  size_t entityCount = 0, entitiesDropped = 0;
  const size_t perMapping = rule.entities.empty() ? 0 : kMaxEntities / rule.entities.size();
  std::set<std::string> seen;
  for (const AnalyticRuleSpec::Entity &mapping : rule.entities) {
    size_t taken = 0;
    for (size_t r : rows) {
      std::string entity = "{\"type\":";
      appendJsonString(entity, mapping.type);
      bool any = false;
      for (const AnalyticRuleSpec::Mapping &id : mapping.identifiers)
        if (std::optional<std::string> v = parsed[r].text(id.column)) {
          entity += ',';
          appendJsonString(entity, id.key);
          entity += ':';
          appendJsonString(entity, *v);
          any = true;
        }
      entity += '}';
      if (!any || !seen.insert(entity).second)
        continue;
      if (taken == perMapping || entities.size() + entity.size() + 2 > kMaxEntityBytes) {
        ++entitiesDropped;
        continue;
      }
      entities += entityCount++ ? "," : "";
      entities += entity;
      ++taken;
    }
  }
  out += ",\"entities\":" + entities + "]";
  if (entitiesDropped)
    out += ",\"entities_dropped\":" + std::to_string(entitiesDropped);

  // Custom details: per key, the column's values over the alert's rows, in
  // row order; keys past 2 KB are dropped.
  if (!rule.customDetails.empty()) {
    std::string details = "{";
    size_t dropped = 0;
    bool firstKey = true;
    for (const AnalyticRuleSpec::Mapping &d : rule.customDetails) {
      std::vector<std::string> values;
      for (size_t r : rows)
        if (std::optional<std::string> v = parsed[r].text(d.column))
          values.push_back(*v);
      std::string entry;
      appendJsonString(entry, d.key);
      entry += ':';
      appendStrings(entry, values);
      if (details.size() + entry.size() + 2 > kMaxDetailBytes) {
        ++dropped;
        continue;
      }
      details += firstKey ? "" : ",";
      details += entry;
      firstKey = false;
    }
    out += ",\"custom_details\":" + details + "}";
    if (dropped)
      out += ",\"custom_details_dropped\":" + std::to_string(dropped);
  }
  if (!rule.dynamicProperties.empty()) {
    out += ",\"dynamic_properties\":{";
    bool firstKey = true;
    for (const AnalyticRuleSpec::Mapping &p : rule.dynamicProperties)
      if (std::optional<std::string> v = first.text(p.column)) {
        out += firstKey ? "" : ",";
        appendJsonString(out, p.key);
        out += ':';
        appendJsonString(out, *v);
        firstKey = false;
      }
    out += "}";
  }
  out += ",\"rows\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i)
      out += ',';
    out += run.rows[rows[i]];
  }
  out += "]}";
  return out;
}

} // namespace

bool analyticTriggered(const AnalyticRuleSpec &rule, size_t rows) {
  const int64_t n = static_cast<int64_t>(rows);
  switch (rule.trigger) {
  case AnalyticRuleSpec::Trigger::Gt: return n > rule.threshold;
  case AnalyticRuleSpec::Trigger::Lt: return n < rule.threshold;
  case AnalyticRuleSpec::Trigger::Eq: return n == rule.threshold;
  case AnalyticRuleSpec::Trigger::Ne: return n != rule.threshold;
  }
  return false;
}

std::vector<std::string> analyticAlerts(const AnalyticRuleSpec &rule, const AnalyticRun &run) {
  std::vector<std::string> out;
  if (!analyticTriggered(rule, run.rows.size()))
    return out;
  std::vector<Row> parsed;
  parsed.reserve(run.rows.size());
  simdjson::dom::parser parser;
  const std::set<std::string> columns = columnsRead(rule);
  for (const std::string &row : run.rows)
    parsed.emplace_back(parser, row, columns);
  std::vector<size_t> all(run.rows.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  if (!rule.perResult || run.rows.empty()) { // no rows: one alert, as SingleAlert
    out.push_back(alertJson(rule, run, parsed, all, false));
    return out;
  }
  // One alert a row; past the cap, the last alert summarises every row (what
  // SingleAlert would have raised).
  const size_t cap = rule.nrt ? kMaxAlertsPerNrtRun : kMaxAlertsPerRun;
  const bool over = run.rows.size() > cap;
  const size_t single = over ? cap - 1 : run.rows.size();
  for (size_t i = 0; i < single; ++i)
    out.push_back(alertJson(rule, run, parsed, {i}, false));
  if (over)
    out.push_back(alertJson(rule, run, parsed, all, true));
  return out;
}

} // namespace rulec
