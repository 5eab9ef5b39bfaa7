//===- Language.h - One rule language behind one small interface ---------===//
//
// The frontend driver (Frontend.cpp) knows no language by name: it asks each
// language of the table (Languages.cpp) whether a YAML document or a file is
// its own, hands it over to be loaded, and at the end has every language
// lower what it loaded into the pack, in table order. A language keeps its
// parsed rules (its AST) itself, dumps them for --emit=ast and reports its own
// counts for the CLI summary. Adding a language is a folder with its loader,
// AST, parser and lowering, a class implementing this interface, and one line
// in the table.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RuleTest.h"
#include "ir/IR.h"
#include "support/Diagnostics.h"
#include "support/Limits.h"

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace rulec {

namespace sigma {
struct Config;
}

struct FrontendOptions {
  /// Put rules with `Enabled: false` in the pack too (`rulec test` does).
  bool includeDisabled = false;
  /// How Sigma logsources and fields map onto events; null: the built-in one.
  const sigma::Config *sigmaConfig = nullptr;
  /// Rules (YAML documents and whole rule files) read at most; the rest of
  /// the input is left out with one limit-exceeded error (support/Limits.h).
  size_t maxRules = limits::kMaxRules;
  /// IR nodes in one rule's conditions (support/Limits.h).
  size_t maxRuleNodes = limits::kMaxRuleNodes;
};

/// How surely a YAML document is written in a language. The driver gives a
/// document to the first language of the table that is Sure of it, else to
/// the first that takes it as a Fallback (Panther: a map with some of its
/// keys, or no map at all, so that its parser says what a rule must be).
enum class Claim { None, Fallback, Sure };

/// Rule ids across all languages of a pack: the first definition wins.
class RuleIds {
public:
  /// False (and an error naming the first definition) if `id` is taken.
  bool claim(const std::string &id, const SourceLocation &loc, DiagnosticEngine &diags);

private:
  std::map<std::string, SourceLocation> first_;
};

/// A rule's own Tests in the pack, for `rulec test`.
struct TestedRule {
  uint32_t packRule = 0;
  const std::string *id = nullptr;
  const std::vector<RuleTest> *tests = nullptr;
};

/// What a language's lowering gets from the driver: the pack, the options,
/// and the size check and counts every language shares.
class PackBuilder {
public:
  PackBuilder(ir::Pack &pack, DiagnosticEngine &diags, const FrontendOptions &options)
      : pack(pack), diags(diags), options(options) {}

  ir::Pack &pack;
  DiagnosticEngine &diags;
  const FrontendOptions &options;
  unsigned compiled = 0; ///< rules in the pack (a KQL query counts once, whatever rules it lowers to)
  unsigned rejected = 0; ///< rules that did not lower
  unsigned disabled = 0; ///< rules left out because they are disabled
  std::vector<TestedRule> tests;

  /// Counts one rule whose lowering added pack.rules[firstNew..]: compiled
  /// if its conditions are within options.maxRuleNodes (in the simplified
  /// form --emit=ir shows), else reported, taken back out and rejected.
  bool accept(size_t firstNew);
};

/// Counts a language reports for the summary of `rulec check`: printed as
/// " (what: 3 read, 2 compiled)" when the first count is not zero.
struct LanguageCounts {
  std::string what;
  std::vector<std::pair<std::string, unsigned>> counts;
};

class Language {
public:
  virtual ~Language() = default;

  /// A short name ("panther", "kql", "sigma").
  virtual const char *name() const = 0;
  /// What documents of this language look like, for the error on a
  /// document no language claims ("a Sigma rule (detection and logsource)").
  virtual std::vector<std::string> documentKinds() const = 0;
  /// Whether a YAML document is a rule of this language.
  virtual Claim claims(const YAML::Node &document) const = 0;
  /// Whether a rule file is this language's whole, not YAML (`.kql`).
  virtual bool readsWholeFile(const std::string &path) const { return false; }

  /// Loads one claimed YAML document of `file`; false when it gave no rule
  /// (its errors are reported).
  virtual bool loadDocument(const YAML::Node &document, const std::string &file, RuleIds &ids,
                            DiagnosticEngine &diags) = 0;
  /// Loads a file readsWholeFile() accepted; false when it gave no rule.
  virtual bool loadFile(const std::string &path, RuleIds &ids, DiagnosticEngine &diags) { return false; }

  /// Lowers every rule it loaded into builder.pack, in load order.
  virtual void lower(PackBuilder &builder) = 0;
  /// Dumps the AST of its rules (`rulec check --emit=ast`).
  virtual void dumpAst(std::ostream &os) const = 0;
  /// Its counts for the summary, after lower().
  virtual std::vector<LanguageCounts> counts() const = 0;
};

/// The table: one instance of each language, in pack order (Panther, KQL,
/// Sigma). A language's rules come before the next language's in the pack.
std::vector<std::unique_ptr<Language>> makeLanguages();

} // namespace rulec
