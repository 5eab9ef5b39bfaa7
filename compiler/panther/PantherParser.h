//===- PantherParser.h - Panther YAML rule file -> AST --------------------===//
//
// Grammar (panther_analysis_tool's analysis_config_schema.json; every mapping
// rejects keys it does not list):
//
//   rule      := map { AnalysisType: rule, Enabled: bool, RuleID, Severity,
//                      LogTypes: [str], Detection: [match], Threshold?,
//                      DedupPeriodMinutes?, AlertTitle?, DisplayName?,
//                      InlineFilters?: [filter], GroupBy?: [keyspec],
//                      AlertContext?: [{KeyName, KeyValue: keyspec}],
//                      DynamicSeverities?: [{ChangeTo, Conditions: [match]}],
//                      CreateAlert?: bool, Tests?: [test], metadata... }
//   match     := { All|Any|OnlyOne|None: [match] }
//              | { keyspec, Condition } | { keyspec, Condition, Value: scalar }
//              | { keyspec, Condition, Values: [scalar] }
//              | { keyspec, Condition: AnyElement|AllElements|OnlyOneElement|NoElement,
//                  Expressions: [match] }         (keys relative to each element)
//              | { Condition, Values: [keyspec, keyspec] }      (key to key)
//              | { Condition: AlwaysTrue|AlwaysFalse }
//   filter    := { All|Any: [filter] } | { KeyPath|Enrichment, Condition, operand? }
//   keyspec   := Key: str | KeyPath: str | DeepKey: [str|int]
//              | Enrichment: {Table, Selector, FieldPath}  (matches only)
//   test      := { Name, ExpectedResult: bool, Log: map, LogType?, Mocks? }
//
// Errors go to the DiagnosticEngine with the YAML position of the offending
// node; a rule with any error yields no AST.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "panther/PantherAst.h"

#include <memory>
#include <string>

namespace YAML {
class Node;
}

namespace rulec::panther {

/// Parses a rule from its loaded YAML document. Returns null (with
/// diagnostics) on error.
std::unique_ptr<Rule> parseRule(const YAML::Node &root, const std::string &fileName, DiagnosticEngine &diags);

/// Parses rule text; `fileName` names it in diagnostics.
std::unique_ptr<Rule> parseRuleText(const std::string &text, const std::string &fileName,
                                    DiagnosticEngine &diags);

/// Parses a KeyPath (`a.b[0].c`, `a[*].b`). Returns false and sets `error`
/// when malformed.
bool parseKeyPath(const std::string &text, std::vector<PathStep> &steps, std::string &error);

} // namespace rulec::panther
