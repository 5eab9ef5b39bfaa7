//===- Languages.cpp - The table of rule languages ------------------------===//
//
// One line per language, in pack order: a language's rules come before the
// next one's, and a document two languages are Sure of goes to the first.
//
//===----------------------------------------------------------------------===//
#include "Language.h"

#include "kql/KqlLanguage.h"
#include "panther/PantherLanguage.h"
#include "sigma/SigmaLanguage.h"

namespace rulec {

std::vector<std::unique_ptr<Language>> makeLanguages() {
  std::vector<std::unique_ptr<Language>> table;
  table.push_back(std::make_unique<panther::PantherLanguage>());
  table.push_back(std::make_unique<kql::KqlLanguage>());
  table.push_back(std::make_unique<sigma::SigmaLanguage>());
  return table;
}

} // namespace rulec
