//===- SigmaCorrelation.h - Sigma correlation rules: YAML -> AST ----------===//
//
// A correlation rule (Sigma correlation specification v2.0.0) names other
// rules by id or name and says what to count over them:
//
//   correlation:
//     type: event_count | value_count | temporal | temporal_ordered
//     rules: [id-or-name, ...]
//     group-by: [field, ...]
//     timespan: 10m                     # s m h d (w as pySigma)
//     condition: {gte: 10}              # gt gte lt lte eq; value_count adds field
//     aliases: {alias: {rule-name: field, ...}}
//     generate: false
//
// The loader checks each attribute where it is written; SigmaCorrelationLowering
// resolves the rule references across the pack.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "packs/PackInfo.h"

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace rulec::sigma {

struct RuleRef {
  std::string text; ///< an id or a name
  SourceLocation loc;
};

struct FieldAlias {
  std::string name;
  SourceLocation loc;
  std::map<std::string, std::string> fieldByRule; ///< rule id or name -> field
};

struct Correlation {
  SourceLocation loc;
  std::string id;
  std::string name;
  std::string title;
  std::string level;
  CorrelationSpec::Type type = CorrelationSpec::Type::EventCount;
  std::vector<RuleRef> rules;
  std::vector<std::string> groupBy; ///< empty: one group for all inputs
  SourceLocation groupByLoc;
  int64_t timespanNanos = 0;
  std::vector<CorrelationSpec::Bound> condition;
  std::string valueField; ///< value_count's `field`
  SourceLocation valueFieldLoc;
  std::vector<FieldAlias> aliases;
  bool generate = false;
};

/// Whether a YAML document is a correlation rule (it has `correlation`).
bool looksLikeCorrelation(const YAML::Node &root);

/// Loads a correlation rule from its YAML document. Null (with diagnostics)
/// on error.
std::unique_ptr<Correlation> loadCorrelation(const YAML::Node &root, const std::string &file,
                                             DiagnosticEngine &diags);

/// The parsed correlation with source positions (--emit=ast).
void dumpCorrelation(const Correlation &c, std::ostream &os);

} // namespace rulec::sigma
