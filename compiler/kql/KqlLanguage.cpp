//===- KqlLanguage.cpp ----------------------------------------------------===//
#include "kql/KqlLanguage.h"

#include "kql/KqlLowering.h"

#include <filesystem>
#include <ostream>

namespace rulec::kql {

Claim KqlLanguage::claims(const YAML::Node &root) const {
  return sentinel::looksLikeSentinel(root) ? Claim::Sure : Claim::None;
}

bool KqlLanguage::readsWholeFile(const std::string &path) const {
  return std::filesystem::path(path).extension() == ".kql";
}

bool KqlLanguage::keep(std::unique_ptr<sentinel::Rule> query, RuleIds &ids, DiagnosticEngine &diags) {
  if (!query || !ids.claim(query->id, query->loc, diags))
    return false;
  parsed_.push_back(std::move(query));
  return true;
}

bool KqlLanguage::loadDocument(const YAML::Node &root, const std::string &file, RuleIds &ids,
                               DiagnosticEngine &diags) {
  ++read_;
  return keep(sentinel::loadRule(root, file, diags), ids, diags);
}

bool KqlLanguage::loadFile(const std::string &path, RuleIds &ids, DiagnosticEngine &diags) {
  ++read_;
  return keep(sentinel::loadKqlFile(path, diags), ids, diags);
}

void KqlLanguage::lower(PackBuilder &builder) {
  for (const auto &query : parsed_) {
    const size_t firstNew = builder.pack.rules.size();
    if (!lowerQuery(*query, builder.pack, builder.diags)) {
      ++builder.rejected;
      continue;
    }
    if (builder.accept(firstNew))
      compiled_.push_back(query.get());
  }
}

void KqlLanguage::dumpAst(std::ostream &os) const {
  for (const sentinel::Rule *query : compiled_) {
    os << "Query \"" << query->id << "\" file=" << *query->loc.file << "\n";
    dumpQuery(*query->query, os);
  }
}

std::vector<LanguageCounts> KqlLanguage::counts() const {
  return {{"KQL queries",
           {{"read", read_},
            {"parsed", static_cast<unsigned>(parsed_.size())},
            {"compiled", static_cast<unsigned>(compiled_.size())}}}};
}

} // namespace rulec::kql
