//===- PantherParser.h - Panther YAML rule file -> AST --------------------===//
//
// Grammar (the subset of Panther's simple-detection schema rulec reads; see
// docs/panther.md for what each key means and what is not implemented yet):
//
//   rule       := map { AnalysisType: rule, RuleID, Severity, LogTypes: [str],
//                       Detection: [detection], Threshold?, DedupPeriodMinutes?,
//                       Enabled?, AlertTitle?, DisplayName?, Tests?: [test], ... }
//   detection  := map { All|Any|OnlyOne|None: [detection] }
//               | map { Key|KeyPath|DeepKey: keyspec, Condition: name, Value?: scalar }
//   test       := map { Name: str, ExpectedResult: bool, Log: map }
//
// Errors are reported to the DiagnosticEngine with the YAML position of the
// offending node; a rule with any error yields no AST.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Diagnostics.h"
#include "PantherAst.h"

#include <memory>
#include <string>

namespace rulec::panther {

/// Parses the rule file at `path`. Returns null (with diagnostics) on error.
std::unique_ptr<Rule> parseRuleFile(const std::string &path, DiagnosticEngine &diags);

/// Parses rule text; `fileName` names it in diagnostics.
std::unique_ptr<Rule> parseRuleText(const std::string &text, const std::string &fileName,
                                    DiagnosticEngine &diags);

/// Parses a KeyPath (`a.b[0].c`). Returns false and sets `error` when malformed.
bool parseKeyPath(const std::string &text, std::vector<PathStep> &steps, std::string &error);

} // namespace rulec::panther
