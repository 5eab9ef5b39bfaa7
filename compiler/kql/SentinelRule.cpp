//===- SentinelRule.cpp ---------------------------------------------------===//
#include "kql/SentinelRule.h"

#include "support/Limits.h"

#include "events/EventTime.h"
#include "kql/KqlParser.h"
#include "support/YamlScalar.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
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
  rule->severity = scalarOf(root["severity"]);
  rule->kind = scalarOf(root["kind"]);
  rule->triggerOperator = scalarOf(root["triggerOperator"]);
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
  if (!rule->triggerOperator.empty() && !std::set<std::string>{"gt", "lt", "eq", "ne"}.count(rule->triggerOperator))
    diags.error(DiagCode::InvalidValue, loc(root["triggerOperator"]),
                "triggerOperator '" + rule->triggerOperator + "' is not one of gt, lt, eq, ne");
  for (const auto &[key, out] : {std::pair<const char *, std::vector<std::string> *>{"tactics", &rule->tactics},
                                 {"relevantTechniques", &rule->techniques}})
    if (const YAML::Node list = root[key]; list && list.IsSequence())
      for (const YAML::Node &item : list)
        out->push_back(scalarOf(item));

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
