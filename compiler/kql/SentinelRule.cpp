//===- SentinelRule.cpp ---------------------------------------------------===//
#include "kql/SentinelRule.h"

#include "support/Limits.h"

#include "events/EventTime.h"
#include "kql/KqlParser.h"
#include "support/YamlScalar.h"
#include "support/AsciiLower.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

namespace rulec::sentinel {

namespace {

std::vector<std::string> readLines(const std::string &file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

/// Maps the lines of the `query` scalar back to the file: a block scalar's
/// lines start below the key and lost their indentation; an inline scalar
/// sits on the key's line.
kql::LineMap queryLineMap(const YAML::Node &query, const std::string &text,
                          std::shared_ptr<const std::string> file) {
  kql::LineMap map;
  map.file = file;
  const std::vector<std::string> raw = readLines(*file);
  const YAML::Mark mark = query.Mark();
  const int keyLine = mark.line; // 0-based line of the scalar's start
  const bool block = keyLine < static_cast<int>(raw.size()) && mark.column < static_cast<int>(raw[keyLine].size()) &&
                     (raw[keyLine][mark.column] == '|' || raw[keyLine][mark.column] == '>');
  std::istringstream in(text);
  std::string line;
  int i = 0;
  while (std::getline(in, line)) {
    if (!block) {
      map.lines.push_back({keyLine + 1 + i, i == 0 ? mark.column + (query.Tag() == "!" ? 1 : 0) : 0});
    } else {
      const int fileLine = keyLine + 1 + i; // 0-based
      int indent = 0;
      if (fileLine < static_cast<int>(raw.size()) && !line.empty()) {
        size_t at = raw[fileLine].find(line);
        indent = at == std::string::npos ? 0 : static_cast<int>(at);
      }
      map.lines.push_back({fileLine + 1, indent});
    }
    ++i;
  }
  return map;
}

const std::set<std::string> kKnownKeys = {
    "id", "name", "description", "severity", "requiredDataConnectors", "queryFrequency", "queryPeriod",
    "triggerOperator", "triggerThreshold", "tactics", "relevantTechniques", "query", "entityMappings",
    "eventGroupingSettings", "alertDetailsOverride", "customDetails", "suppressionDuration",
    "suppressionEnabled", "version", "kind", "status", "tags", "metadata", "incidentConfiguration",
    "sentinelEntitiesMappings", "techniques", "subTechniques", "enabled",
};

std::string scalarOf(const YAML::Node &n) { return n && n.IsScalar() ? n.Scalar() : ""; }

/// Sentinel's bounds on a schedule (scheduled-rules-overview): frequency and
/// period from 5 minutes to 14 days, the frequency no longer than the
/// period, a suppression of at most 24 hours.
template <typename Loc>
void checkSchedule(const YAML::Node &root, const Rule &rule, Loc &&loc, DiagnosticEngine &diags) {
  const int64_t minSpan = 5 * kNanosPerMinute, maxSpan = 14 * 24 * 60 * kNanosPerMinute;
  for (const auto &[key, span] : {std::pair<const char *, int64_t>{"queryFrequency", rule.queryFrequencyNanos},
                                  {"queryPeriod", rule.queryPeriodNanos}})
    if (span && (span < minSpan || span > maxSpan))
      diags.error(DiagCode::InvalidValue, loc(root[key]),
                  std::string(key) + " '" + scalarOf(root[key]) + "' is outside Sentinel's 5m to 14d");
  if (rule.queryFrequencyNanos > rule.queryPeriodNanos && rule.queryPeriodNanos)
    diags.error(DiagCode::InvalidValue, loc(root["queryFrequency"]),
                "queryFrequency '" + scalarOf(root["queryFrequency"]) + "' is longer than queryPeriod '" +
                    scalarOf(root["queryPeriod"]) + "' (Sentinel requires frequency <= period)");
  if ((rule.queryFrequencyNanos > 0) != (rule.queryPeriodNanos > 0) && rule.kind != "NRT")
    diags.error(DiagCode::InvalidValue, loc(root[rule.queryFrequencyNanos ? "queryFrequency" : "queryPeriod"]),
                "a scheduled rule needs both queryFrequency and queryPeriod");
}

/// "{{A}} from {{B}}": the columns a format names (at most three, as
/// Sentinel allows), or an error.
template <typename Loc>
void checkFormat(const YAML::Node &node, const std::string &format, size_t maxChars, Loc &&loc,
                 DiagnosticEngine &diags) {
  size_t placeholders = 0;
  for (size_t at = format.find("{{"); at != std::string::npos; at = format.find("{{", at + 2)) {
    const size_t close = format.find("}}", at + 2);
    if (close == std::string::npos) {
      diags.error(DiagCode::InvalidValue, loc(node), "'{{' without its '}}' in an alert format");
      return;
    }
    if (format.find_first_not_of(' ', at + 2) >= close) {
      diags.error(DiagCode::InvalidValue, loc(node), "'{{}}' names no column in an alert format");
      return;
    }
    ++placeholders;
  }
  if (placeholders > 3)
    diags.error(DiagCode::LimitExceeded, loc(node),
                "alert format has " + std::to_string(placeholders) + " {{column}} parameters; Sentinel allows 3");
  const size_t chars = static_cast<size_t>(std::count_if(
      format.begin(), format.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (chars > maxChars)
    diags.error(DiagCode::LimitExceeded, loc(node),
                "alert format is " + std::to_string(chars) + " characters; Sentinel allows " +
                    std::to_string(maxChars));
}

/// The keys that shape a scheduled rule's alerts (docs/sentinel.md):
/// grouping, alert details, entities, custom details, suppression. Sentinel
/// refuses a rule over its limits; so does rulec.
template <typename Loc>
void loadAlertSettings(const YAML::Node &root, Rule &rule, Loc &&loc, DiagnosticEngine &diags) {
  auto mapOf = [&](const char *key) -> YAML::Node {
    const YAML::Node n = root[key];
    if (n && !n.IsMap()) {
      diags.error(DiagCode::WrongType, loc(n), std::string(key) + " must be a mapping");
      return YAML::Node();
    }
    return n;
  };
  if (const YAML::Node g = mapOf("eventGroupingSettings")) {
    const std::string kind = scalarOf(g["aggregationKind"]);
    if (kind == "AlertPerResult")
      rule.alertPerResult = true;
    else if (!kind.empty() && kind != "SingleAlert")
      diags.error(DiagCode::InvalidValue, loc(g["aggregationKind"]),
                  "aggregationKind '" + kind + "' is not SingleAlert or AlertPerResult");
  }
  if (const YAML::Node o = mapOf("alertDetailsOverride")) {
    static const std::set<std::string> known = {"alertDisplayNameFormat", "alertDescriptionFormat",
                                                "alertSeverityColumnName", "alertTacticsColumnName",
                                                "alertDynamicProperties"};
    for (const auto &kv : o)
      if (!known.count(kv.first.Scalar()))
        diags.error(DiagCode::UnknownKey, loc(kv.first),
                    "alertDetailsOverride key '" + kv.first.Scalar() + "' is not supported");
    rule.displayNameFormat = scalarOf(o["alertDisplayNameFormat"]);
    rule.descriptionFormat = scalarOf(o["alertDescriptionFormat"]);
    checkFormat(o["alertDisplayNameFormat"], rule.displayNameFormat, 256, loc, diags);
    checkFormat(o["alertDescriptionFormat"], rule.descriptionFormat, 5000, loc, diags);
    rule.severityColumn = scalarOf(o["alertSeverityColumnName"]);
    rule.tacticsColumn = scalarOf(o["alertTacticsColumnName"]);
    if (const YAML::Node props = o["alertDynamicProperties"]; props && props.IsSequence())
      for (const YAML::Node &p : props)
        rule.dynamicProperties.emplace_back(scalarOf(p["alertProperty"]), scalarOf(p["value"]));
  }
  if (const YAML::Node list = root["entityMappings"]) {
    if (!list.IsSequence())
      diags.error(DiagCode::WrongType, loc(list), "entityMappings must be a list");
    else if (list.size() > 10)
      diags.error(DiagCode::LimitExceeded, loc(list),
                  "entityMappings has " + std::to_string(list.size()) + " entries; Sentinel allows 10");
    else
      for (const YAML::Node &m : list) {
        Rule::EntityMapping e{scalarOf(m["entityType"]), {}};
        const YAML::Node fields = m["fieldMappings"];
        if (e.type.empty() || !fields || !fields.IsSequence() || fields.size() == 0) {
          diags.error(DiagCode::InvalidValue, loc(m), "an entity mapping needs an entityType and fieldMappings");
          continue;
        }
        if (fields.size() > 3)
          diags.error(DiagCode::LimitExceeded, loc(fields),
                      "entity mapping '" + e.type + "' has " + std::to_string(fields.size()) +
                          " identifiers; Sentinel allows 3");
        for (const YAML::Node &f : fields)
          e.identifiers.emplace_back(scalarOf(f["identifier"]), scalarOf(f["columnName"]));
        rule.entities.push_back(std::move(e));
      }
  }
  if (const YAML::Node details = mapOf("customDetails")) {
    if (details.size() > 20)
      diags.error(DiagCode::LimitExceeded, loc(details),
                  "customDetails has " + std::to_string(details.size()) + " entries; Sentinel allows 20");
    for (const auto &kv : details)
      rule.customDetails.emplace_back(kv.first.Scalar(), scalarOf(kv.second));
  }
  if (const YAML::Node on = root["suppressionEnabled"]) {
    const std::string v = asciiLower(scalarOf(on));
    if (v != "true" && v != "false")
      diags.error(DiagCode::InvalidValue, loc(on), "suppressionEnabled must be true or false");
    rule.suppressionEnabled = v == "true";
  }
  if (const YAML::Node d = root["suppressionDuration"]) {
    if (!parseSpan(scalarOf(d), rule.suppressionNanos))
      diags.error(DiagCode::InvalidValue, loc(d),
                  "suppressionDuration '" + scalarOf(d) + "' is not a span like 5m, 1h or 14d");
    else if (rule.suppressionEnabled && rule.suppressionNanos > 24 * 60 * kNanosPerMinute)
      diags.error(DiagCode::InvalidValue, loc(d),
                  "suppressionDuration '" + scalarOf(d) + "' is longer than Sentinel's 24h");
  }
}

} // namespace

bool parseSpan(const std::string &text, int64_t &nanos) {
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    value = value * 10 + (text[i++] - '0');
  if (i == 0 || i + 1 != text.size())
    return false;
  switch (text[i]) {
  case 's': nanos = value * kNanosPerSecond; return true;
  case 'm': nanos = value * kNanosPerMinute; return true;
  case 'h': nanos = value * 60 * kNanosPerMinute; return true;
  case 'd': nanos = value * 24 * 60 * kNanosPerMinute; return true;
  default: return false;
  }
}

bool looksLikeSentinel(const YAML::Node &root) {
  return root.IsMap() && root["query"] && (root["id"] || root["name"]) && !root["AnalysisType"] &&
         !root["detection"];
}

std::unique_ptr<Rule> loadRule(const YAML::Node &root, const std::string &fileName, DiagnosticEngine &diags) {
  auto file = std::make_shared<const std::string>(fileName);
  auto loc = [&](const YAML::Node &n) {
    YAML::Mark m = n.Mark();
    return SourceLocation{file, m.line + 1, m.column + 1};
  };
  const unsigned errorsBefore = diags.errorCount();
  auto rule = std::make_unique<Rule>();
  rule->loc = loc(root);
  for (const auto &kv : root)
    if (!kKnownKeys.count(kv.first.Scalar()))
      diags.warning(DiagCode::UnknownKey, loc(kv.first),
                    "unknown key '" + kv.first.Scalar() + "' in a Sentinel rule (ignored)");

  rule->id = scalarOf(root["id"]);
  rule->name = scalarOf(root["name"]);
  if (rule->id.empty())
    rule->id = rule->name;
  rule->description = scalarOf(root["description"]);
  rule->severity = scalarOf(root["severity"]);
  rule->kind = scalarOf(root["kind"]);
  if (asciiLower(rule->kind) == "nrt")
    rule->kind = "NRT";
  rule->triggerOperator = scalarOf(root["triggerOperator"]);
  // The ARM template spelling of the YAML's gt / lt / eq / ne.
  static const std::map<std::string, std::string> kLongTriggers = {
      {"greaterthan", "gt"}, {"lessthan", "lt"}, {"equal", "eq"}, {"notequal", "ne"}};
  if (auto it = kLongTriggers.find(asciiLower(rule->triggerOperator)); it != kLongTriggers.end())
    rule->triggerOperator = it->second;
  for (const char *key : {"queryFrequency", "queryPeriod"}) {
    const YAML::Node n = root[key];
    if (!n)
      continue;
    int64_t &out = std::string(key) == "queryFrequency" ? rule->queryFrequencyNanos : rule->queryPeriodNanos;
    if (!parseSpan(scalarOf(n), out))
      diags.error(DiagCode::InvalidValue, loc(n),
                  std::string(key) + " '" + scalarOf(n) + "' is not a span like 5m, 1h or 14d");
  }
  if (const YAML::Node t = root["triggerThreshold"]) {
    Scalar s = t.IsScalar() ? typeYamlScalar(t) : Scalar();
    if (s.kind != Scalar::Int)
      diags.error(DiagCode::InvalidValue, loc(t), "triggerThreshold must be an integer");
    else
      rule->triggerThreshold = s.i;
  }
  checkSchedule(root, *rule, loc, diags);
  if (!rule->triggerOperator.empty() && !std::set<std::string>{"gt", "lt", "eq", "ne"}.count(rule->triggerOperator))
    diags.error(DiagCode::InvalidValue, loc(root["triggerOperator"]),
                "triggerOperator '" + rule->triggerOperator + "' is not one of gt, lt, eq, ne");
  for (const auto &[key, out] : {std::pair<const char *, std::vector<std::string> *>{"tactics", &rule->tactics},
                                 {"relevantTechniques", &rule->techniques}})
    if (const YAML::Node list = root[key]; list && list.IsSequence())
      for (const YAML::Node &item : list)
        out->push_back(scalarOf(item));

  loadAlertSettings(root, *rule, loc, diags);

  const YAML::Node query = root["query"];
  if (!query.IsScalar()) {
    diags.error(DiagCode::WrongType, loc(query), "query must be a string (usually a `query: |` block)");
    return nullptr;
  }
  rule->query = kql::parseQuery(query.Scalar(), queryLineMap(query, query.Scalar(), file), diags);
  if (!rule->query || diags.errorCount() != errorsBefore)
    return nullptr;
  return rule;
}

std::unique_ptr<Rule> loadKqlFile(const std::string &fileName, DiagnosticEngine &diags) {
  auto file = std::make_shared<const std::string>(fileName);
  std::ifstream in(fileName, std::ios::binary);
  if (!in) {
    diags.error(DiagCode::FileUnreadable, {file, 0, 0}, "cannot read query file '" + fileName + "'");
    return nullptr;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > limits::kMaxRuleFileBytes) {
    diags.error(DiagCode::LimitExceeded, {file, 0, 0},
                "file larger than " + std::to_string(limits::kMaxRuleFileBytes >> 20) + " MiB");
    return nullptr;
  }
  auto rule = std::make_unique<Rule>();
  rule->loc = {file, 1, 1};
  rule->id = std::filesystem::path(fileName).stem().string();
  rule->name = rule->id;
  rule->query = kql::parseQuery(text.str(), kql::LineMap::identity(file), diags);
  if (!rule->query)
    return nullptr;
  return rule;
}

} // namespace rulec::sentinel
