//===- PantherLanguage.h - Panther YAML rules in the table of languages ---===//
#pragma once

#include "Language.h"
#include "panther/PantherAst.h"

namespace rulec::panther {

class PantherLanguage : public Language {
public:
  const char *name() const override { return "panther"; }
  std::vector<std::string> documentKinds() const override { return {"a Panther rule (AnalysisType)"}; }
  Claim claims(const YAML::Node &document) const override;
  bool loadDocument(const YAML::Node &document, const std::string &file, RuleIds &ids,
                    DiagnosticEngine &diags) override;
  void lower(PackBuilder &builder) override;
  void dumpAst(std::ostream &os) const override;
  /// None: the summary's totals are Panther's own (as before languages had a table).
  std::vector<LanguageCounts> counts() const override { return {}; }

  /// Every rule that parsed, in file order.
  const std::vector<std::unique_ptr<Rule>> &rules() const { return rules_; }

private:
  std::vector<std::unique_ptr<Rule>> rules_;
};

} // namespace rulec::panther
