//===- PantherLanguage.cpp ------------------------------------------------===//
#include "panther/PantherLanguage.h"

#include "panther/PantherLowering.h"
#include "panther/PantherParser.h"

#include <yaml-cpp/yaml.h>

namespace rulec::panther {

Claim PantherLanguage::claims(const YAML::Node &root) const {
  if (!root.IsMap())
    return Claim::Fallback; // let the Panther parser say what a rule file must be
  if (root["AnalysisType"])
    return Claim::Sure; // no other language claims a document with it
  for (const char *key : {"RuleID", "Detection", "LogTypes", "Filename"})
    if (root[key])
      return Claim::Fallback;
  return Claim::None;
}

bool PantherLanguage::loadDocument(const YAML::Node &root, const std::string &file, RuleIds &ids,
                                   DiagnosticEngine &diags) {
  auto rule = parseRule(root, file, diags);
  if (!rule || !ids.claim(rule->id, rule->loc, diags))
    return false;
  rules_.push_back(std::move(rule));
  return true;
}

void PantherLanguage::lower(PackBuilder &builder) {
  for (const auto &rule : rules_) {
    if (!rule->enabled && !builder.options.includeDisabled) {
      ++builder.disabled;
      continue;
    }
    const size_t firstNew = builder.pack.rules.size();
    lowerRule(*rule, builder.pack);
    if (builder.accept(firstNew))
      builder.tests.push_back({static_cast<uint32_t>(firstNew), &rule->id, &rule->tests});
  }
}

void PantherLanguage::dumpAst(std::ostream &os) const {
  for (const auto &rule : rules_)
    panther::dumpAst(*rule, os);
}

} // namespace rulec::panther
