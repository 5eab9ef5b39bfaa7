//===- Frontend.h - Rule files -> one checked, simplified IR pack ---------===//
//
// The language-independent front half of the compiler: finds rule files,
// gives each document (or whole file) to the language of the table that
// claims it (Language.h), has every language lower its good rules into one IR
// pack and runs the IR passes. A bad rule is reported and left out; the other
// rules still make the pack.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Language.h"
#include "packs/RuleFiles.h"

#include "ir/IR.h"
#include "support/Diagnostics.h"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec {

struct Frontend {
  /// The table of languages (makeLanguages()), each holding what it loaded.
  std::vector<std::unique_ptr<Language>> languages;
  /// The rules that made the pack, lowered and simplified.
  ir::Pack pack;
  /// The pack rules that carry their own Tests, in pack order.
  std::vector<TestedRule> tests;
  unsigned files = 0;    ///< rule files read
  unsigned rejected = 0; ///< rules (YAML documents, whole rule files) with errors
  unsigned compiled = 0; ///< rules in the pack (a KQL query counts once, whatever rules it lowers to)
  unsigned disabled = 0; ///< rules left out because Enabled is false

  /// Every language's AST, in table order (`rulec check --emit=ast`).
  void dumpAst(std::ostream &os) const;
  /// " (KQL queries: 3 read, 3 parsed, 2 compiled)": every language's
  /// counts whose first figure is not zero.
  std::string countsSummary() const;
  /// The language of the table called `name`, as its own type; null if
  /// there is none.
  template <typename L> const L *language(const char *name) const {
    for (const auto &l : languages)
      if (std::string(l->name()) == name)
        return dynamic_cast<const L *>(l.get());
    return nullptr;
  }
};

/// Expands directories (recursively) into their *.yml, *.yaml and *.kql
/// files, in sorted order; files named on the command line are taken as they
/// are (packs/RuleFiles.h: listRuleFiles, with the files' stamps when
/// asked); a path that is missing is an error.
std::vector<std::string> collectRuleFiles(const std::vector<std::string> &paths, DiagnosticEngine &diags,
                                          std::vector<FileStamp> *stamps = nullptr);

/// Loads and lowers `files` with the languages of `languages` (by default
/// the table, makeLanguages()).
Frontend runFrontend(const std::vector<std::string> &files, const FrontendOptions &options,
                     DiagnosticEngine &diags,
                     std::vector<std::unique_ptr<Language>> languages = makeLanguages());

} // namespace rulec
