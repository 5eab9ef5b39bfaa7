//===- SentinelRule.h - Microsoft Sentinel analytic rules (YAML + KQL) ----===//
//
// A Sentinel analytic rule is YAML metadata around a KQL `query:`. The loader
// keeps the metadata, parses the query with positions that point into the
// YAML file, and hands both to KqlLowering. A `.kql` file is a query alone;
// its rule id is the file name without extension.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "kql/KqlAst.h"

#include <memory>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace rulec::sentinel {

struct Rule {
  SourceLocation loc;
  std::string id;
  std::string name;
  std::string description;
  std::string severity;     ///< Informational, Low, Medium, High (as Sentinel spells them)
  std::string kind;         ///< Scheduled, NRT, or empty
  int64_t queryFrequencyNanos = 0;
  int64_t queryPeriodNanos = 0;
  std::string triggerOperator; ///< gt, lt, eq, ne (GreaterThan, ... read as these)
  int64_t triggerThreshold = 0;
  std::vector<std::string> tactics, techniques;
  /// What the replay needs to raise alerts (PackInfo.h, AnalyticRuleSpec).
  bool alertPerResult = false; ///< eventGroupingSettings.aggregationKind
  std::string displayNameFormat, descriptionFormat, severityColumn, tacticsColumn;
  std::vector<std::pair<std::string, std::string>> dynamicProperties; ///< alertProperty, column
  struct EntityMapping {
    std::string type;
    std::vector<std::pair<std::string, std::string>> identifiers; ///< identifier, column
  };
  std::vector<EntityMapping> entities;
  std::vector<std::pair<std::string, std::string>> customDetails; ///< key, column
  bool suppressionEnabled = false;
  int64_t suppressionNanos = 0;
  /// Scheduled (a queryFrequency and queryPeriod) or NRT: replayed as alerts.
  bool scheduled() const { return kind == "NRT" || (queryFrequencyNanos > 0 && queryPeriodNanos > 0); }
  std::unique_ptr<kql::Query> query;
};

/// Whether a YAML document looks like a Sentinel rule (it has `query` and
/// `id` or `name`, and no Panther or Sigma keys).
bool looksLikeSentinel(const YAML::Node &root);

/// Loads a Sentinel YAML rule (root already parsed from `file`).
std::unique_ptr<Rule> loadRule(const YAML::Node &root, const std::string &file, DiagnosticEngine &diags);

/// Loads a bare KQL query file.
std::unique_ptr<Rule> loadKqlFile(const std::string &file, DiagnosticEngine &diags);

/// Parses a Sentinel span ("5m", "1h", "14d", "PT1H" is not accepted) to ns.
bool parseSpan(const std::string &text, int64_t &nanos);

} // namespace rulec::sentinel
