//===- SigmaRule.h - Sigma rules: YAML -> AST -----------------------------===//
//
// A Sigma rule (SigmaHQ specification): metadata, a `logsource`, named search
// identifiers in `detection`, and a `condition` over them. The AST keeps each
// search as written (field items with their modifiers and raw values, or
// keyword lists); SigmaLowering gives them meaning.
//
//   detection := { name: search ..., condition: expr | [expr] }
//   search    := map (an AND of field items) | [map] (an OR of maps)
//              | [scalar] (keywords, searched in every string of the event)
//   item      := field{|modifier} : scalar | [scalar] | null
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "sigma/SigmaCondition.h"
#include "support/YamlScalar.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace rulec::sigma {

/// One `field|mod1|mod2: values` of a search map.
struct FieldItem {
  std::string field;                   ///< empty for keyword searches (`|all` keywords)
  std::vector<std::string> modifiers;  ///< lower case, in order
  std::vector<Scalar> values;          ///< one or more (a list is an OR, or AND with `all`)
  SourceLocation loc;                  ///< of the key
};

/// A search identifier: an OR of alternatives, each an AND of items.
struct Search {
  std::string name;
  SourceLocation loc;
  std::vector<std::vector<FieldItem>> alternatives;
  bool keywords = false; ///< a list of plain values: one item, field empty
};

struct LogSource {
  std::string product, category, service;
  SourceLocation loc;
};

struct Rule {
  SourceLocation loc;
  std::string id;
  std::string name;   ///< optional; correlations may refer to the rule by it
  std::string title;
  std::string level;  ///< informational, low, medium, high, critical
  LogSource logsource;
  std::vector<Search> searches;
  std::vector<std::unique_ptr<CondExpr>> conditions; ///< several: an OR (historic list form)
};

/// Whether a YAML document is a Sigma rule (`detection` and `logsource`).
bool looksLikeSigma(const YAML::Node &root);

/// Reads a search map (`field|mods: values`, ...) into items; used for rules
/// and for the logsource conditions of the configuration.
bool parseSearchMap(const YAML::Node &map, const std::string &file, std::vector<FieldItem> &items,
                    DiagnosticEngine &diags);

/// Loads a Sigma rule from its YAML document. Null (with diagnostics) on error.
std::unique_ptr<Rule> loadRule(const YAML::Node &root, const std::string &file, DiagnosticEngine &diags);

/// The parsed rule as an indented tree with source positions (--emit=ast).
void dumpRule(const Rule &rule, std::ostream &os);

} // namespace rulec::sigma
