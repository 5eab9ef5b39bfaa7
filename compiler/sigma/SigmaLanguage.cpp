//===- SigmaLanguage.cpp --------------------------------------------------===//
#include "sigma/SigmaLanguage.h"

#include "sigma/SigmaConfig.h"
#include "sigma/SigmaCorrelationLowering.h"
#include "sigma/SigmaLowering.h"

#include <yaml-cpp/yaml.h>

namespace rulec::sigma {

/// Sigma 1's rule collections: `action: global` and friends.
static bool isCollection(const YAML::Node &root) {
  return root.IsMap() && root["action"] && !root["AnalysisType"];
}

Claim SigmaLanguage::claims(const YAML::Node &root) const {
  return looksLikeCorrelation(root) || looksLikeSigma(root) || isCollection(root) ? Claim::Sure : Claim::None;
}

bool SigmaLanguage::loadDocument(const YAML::Node &root, const std::string &file, RuleIds &ids,
                                 DiagnosticEngine &diags) {
  if (looksLikeCorrelation(root)) {
    ++correlationsRead_;
    auto c = loadCorrelation(root, file, diags);
    if (!c || !ids.claim(c->id, c->loc, diags))
      return false;
    correlations_.push_back(std::move(c));
    return true;
  }
  if (looksLikeSigma(root)) {
    ++rulesRead_;
    auto rule = loadRule(root, file, diags);
    if (!rule || !ids.claim(rule->id, rule->loc, diags))
      return false;
    rules_.push_back(std::move(rule));
    return true;
  }
  YAML::Mark m = root["action"].Mark();
  diags.error(DiagCode::Unsupported, {std::make_shared<const std::string>(file), m.line + 1, m.column + 1},
              "Sigma 1 rule collections (action: global, reset, repeat) are not supported; write each rule as a "
              "whole document");
  return false;
}

void SigmaLanguage::lower(PackBuilder &builder) {
  const Config &config = builder.options.sigmaConfig ? *builder.options.sigmaConfig : Config::builtin();
  std::vector<CompiledRule> compiled;
  for (const auto &rule : rules_) {
    compiled.push_back({rule.get(), -1});
    const size_t firstNew = builder.pack.rules.size();
    if (!lowerRule(*rule, config, builder.pack, builder.diags)) {
      ++builder.rejected;
      continue;
    }
    if (!builder.accept(firstNew))
      continue;
    compiled.back().packIndex = static_cast<int64_t>(builder.pack.rules.size() - 1);
    ++rulesCompiled_;
  }
  correlationsCompiled_ = lowerCorrelations(compiled, correlations_, config, builder.pack, builder.diags);
  builder.compiled += correlationsCompiled_;
  builder.rejected += static_cast<unsigned>(correlations_.size()) - correlationsCompiled_;
}

void SigmaLanguage::dumpAst(std::ostream &os) const {
  for (const auto &rule : rules_)
    dumpRule(*rule, os);
  for (const auto &c : correlations_)
    dumpCorrelation(*c, os);
}

std::vector<LanguageCounts> SigmaLanguage::counts() const {
  return {{"Sigma rules", {{"read", rulesRead_}, {"compiled", rulesCompiled_}}},
          {"Sigma correlations", {{"read", correlationsRead_}, {"compiled", correlationsCompiled_}}}};
}

} // namespace rulec::sigma
