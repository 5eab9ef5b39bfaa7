//===- Frontend.h - Rule files -> one checked, simplified IR pack ---------===//
//
// The language-independent front half of the compiler: finds rule files,
// parses each with its language's parser, lowers the good ones into one IR
// pack and runs the IR passes. A bad rule is reported and left out; the other
// rules still make the pack.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RuleFiles.h"

#include "Diagnostics.h"
#include "IR.h"
#include "Limits.h"
#include "PantherAst.h"
#include "SentinelRule.h"
#include "SigmaConfig.h"
#include "SigmaCorrelation.h"

#include <memory>
#include <string>
#include <vector>

namespace rulec {

struct FrontendOptions {
  /// Put rules with `Enabled: false` in the pack too (`rulec test` does).
  bool includeDisabled = false;
  /// How Sigma logsources and fields map onto events; null: the built-in one.
  const sigma::Config *sigmaConfig = nullptr;
  /// Rules (YAML documents and .kql files) read at most; the rest of the
  /// input is left out with one limit-exceeded error (compiler/Limits.h).
  size_t maxRules = limits::kMaxRules;
  /// IR nodes in one rule's conditions (compiler/Limits.h).
  size_t maxRuleNodes = limits::kMaxRuleNodes;
};

struct Frontend {
  /// Every Panther rule that parsed, in file order.
  std::vector<std::unique_ptr<panther::Rule>> rules;
  /// Every Sentinel rule or .kql query that parsed and lowered.
  std::vector<std::unique_ptr<sentinel::Rule>> queries;
  std::vector<std::unique_ptr<sigma::Rule>> sigmaRules; ///< parsed (for --emit=ast), compiled or not
  std::vector<std::unique_ptr<sigma::Correlation>> sigmaCorrelations; ///< parsed, compiled or not
  /// The rules that made the pack, lowered and simplified.
  ir::Pack pack;
  /// The Panther AST of each pack rule, by pack rule index (null for rules
  /// of other languages).
  std::vector<const panther::Rule *> astOf;
  unsigned files = 0;    ///< rule files read
  unsigned rejected = 0; ///< rules (YAML documents, .kql files) with errors
  unsigned compiled = 0; ///< rules in the pack (a KQL query counts once, whatever rules it lowers to)
  unsigned disabled = 0; ///< rules left out because Enabled is false
  unsigned kqlFiles = 0;    ///< Sentinel rules and .kql files read
  unsigned kqlParsed = 0;   ///< of those, whose query parsed
  unsigned kqlCompiled = 0; ///< of those, that compiled
  unsigned sigmaFiles = 0;    ///< Sigma rules read
  unsigned sigmaCompiled = 0; ///< of those, that compiled
  unsigned sigmaCorrelationsRead = 0;     ///< Sigma correlations read
  unsigned sigmaCorrelationsCompiled = 0; ///< of those, that compiled
};

/// Expands directories (recursively) into their *.yml, *.yaml and *.kql
/// files, in sorted order; files named on the command line are taken as they
/// are (runtime/RuleFiles.h: listRuleFiles, with the files' stamps when
/// asked); a path that is missing is an error.
std::vector<std::string> collectRuleFiles(const std::vector<std::string> &paths, DiagnosticEngine &diags,
                                          std::vector<FileStamp> *stamps = nullptr);

Frontend runFrontend(const std::vector<std::string> &files, const FrontendOptions &options,
                     DiagnosticEngine &diags);

} // namespace rulec
