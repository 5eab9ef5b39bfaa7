//===- KqlLanguage.h - Sentinel rules and .kql files in the table ---------===//
#pragma once

#include "Language.h"
#include "kql/SentinelRule.h"

namespace rulec::kql {

class KqlLanguage : public Language {
public:
  const char *name() const override { return "kql"; }
  std::vector<std::string> documentKinds() const override { return {"a Sentinel rule (query)"}; }
  Claim claims(const YAML::Node &document) const override;
  bool readsWholeFile(const std::string &path) const override;
  bool loadDocument(const YAML::Node &document, const std::string &file, RuleIds &ids,
                    DiagnosticEngine &diags) override;
  bool loadFile(const std::string &path, RuleIds &ids, DiagnosticEngine &diags) override;
  void lower(PackBuilder &builder) override;
  /// The queries that compiled, each under its id and file.
  void dumpAst(std::ostream &os) const override;
  std::vector<LanguageCounts> counts() const override;

private:
  bool keep(std::unique_ptr<sentinel::Rule> query, RuleIds &ids, DiagnosticEngine &diags);

  unsigned read_ = 0;                                    ///< Sentinel rules and .kql files read
  std::vector<std::unique_ptr<sentinel::Rule>> parsed_;  ///< whose query parsed, in load order
  std::vector<const sentinel::Rule *> compiled_;          ///< of those, the ones that lowered
};

} // namespace rulec::kql
