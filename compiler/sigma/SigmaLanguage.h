//===- SigmaLanguage.h - Sigma rules and correlations in the table --------===//
#pragma once

#include "Language.h"
#include "sigma/SigmaCorrelation.h"
#include "sigma/SigmaRule.h"

namespace rulec::sigma {

class SigmaLanguage : public Language {
public:
  const char *name() const override { return "sigma"; }
  std::vector<std::string> documentKinds() const override {
    return {"a Sigma rule (detection and logsource)", "a Sigma correlation (correlation)"};
  }
  /// Rules, correlations, and Sigma 1 collections (`action:`), which it
  /// rejects with a message of its own.
  Claim claims(const YAML::Node &document) const override;
  bool loadDocument(const YAML::Node &document, const std::string &file, RuleIds &ids,
                    DiagnosticEngine &diags) override;
  /// The rules first, then the correlations over them (options.sigmaConfig
  /// maps logsources and fields; null: the built-in configuration).
  void lower(PackBuilder &builder) override;
  void dumpAst(std::ostream &os) const override;
  std::vector<LanguageCounts> counts() const override;

  /// Parsed (for --emit=ast), compiled or not.
  const std::vector<std::unique_ptr<Rule>> &rules() const { return rules_; }

private:
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<std::unique_ptr<Correlation>> correlations_;
  unsigned rulesRead_ = 0, rulesCompiled_ = 0;
  unsigned correlationsRead_ = 0, correlationsCompiled_ = 0;
};

} // namespace rulec::sigma
