//===- PantherAst.h - AST of a Panther YAML rule --------------------------===//
//
// What the Panther frontend reads from one rule file: the rule's metadata and
// its match expressions (Detection, InlineFilters, DynamicSeverities), every
// node with its source location. The AST keeps the rule as written (condition
// names, key forms, wildcards); lowering to the IR decides what they mean.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RuleTest.h"
#include "support/SourceLocation.h"
#include "support/YamlScalar.h"

#include "packs/PackInfo.h"

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rulec::panther {

/// Every Condition of Panther's match expressions (docs/panther.md).
enum class ConditionKind {
  Equals, DoesNotEqual, IEquals, IDoesNotEqual,
  Contains, DoesNotContain, IContains, IDoesNotContain,
  StartsWith, DoesNotStartWith, IStartsWith, IDoesNotStartWith,
  EndsWith, DoesNotEndWith, IEndsWith, IDoesNotEndWith,
  IsGreaterThan, IsGreaterThanOrEqual, IsLessThan, IsLessThanOrEqual,
  IsIn, IsNotIn,
  Exists, DoesNotExist, IsNull, IsNotNull, IsNullOrEmpty, IsNotNullOrEmpty,
  IsIPAddress, IsIPv4Address, IsIPv6Address, IsIPAddressPrivate, IsIPAddressPublic,
  IsIPAddressInCIDR, IsIPAddressNotInCIDR, CIDRContainsIPAddresses, CIDRDoesNotContainIPAddresses,
  AnyElement, AllElements, OnlyOneElement, NoElement,
  AlwaysTrue, AlwaysFalse,
};

const char *conditionName(ConditionKind kind);

/// How a match expression names a field.
struct KeySpec {
  enum Form { Key, KeyPath, DeepKey, Enrichment } form = KeyPath;
  std::string text;            ///< as written, for dumps and messages
  std::vector<PathStep> path;  ///< resolved steps; may hold [*] wildcards
  SourceLocation loc;

  bool hasWildcard() const;
};

struct MatchNode {
  enum Kind { All, Any, OnlyOne, None, Match } kind = All;
  SourceLocation loc;

  /// All / Any / OnlyOne / None: the members; Match with Expressions: the
  /// element expressions (ANDed per element).
  std::vector<std::unique_ptr<MatchNode>> children;

  // Match
  ConditionKind condition = ConditionKind::AlwaysTrue;
  SourceLocation conditionLoc;
  enum Operand { NoOperand, Value, Values, Keys, Expressions } operand = NoOperand;
  bool hasKey = false;
  KeySpec key;
  Scalar value;                 ///< Value
  std::vector<Scalar> values;   ///< Values (scalars)
  KeySpec keys[2];              ///< Values (two key specifiers)
  SourceLocation operandLoc;
};

/// A template piece: literal text or a field (`{key.path}`, a GroupBy key).
struct TemplatePart {
  bool isField = false;
  std::string text;
  std::vector<PathStep> path; ///< when isField
};

struct DynamicSeverity {
  std::string changeTo;
  SourceLocation loc;
  std::unique_ptr<MatchNode> conditions; ///< an implicit All
};

struct ContextItem {
  std::string name;
  KeySpec key;
};

struct Rule {
  SourceLocation loc;
  std::string id;
  std::string displayName;
  std::string severity;
  std::vector<std::string> logTypes;
  uint32_t threshold = 1;
  uint32_t dedupPeriodMinutes = 60;
  bool enabled = true;
  bool createAlert = true;
  std::string alertTitle;
  std::vector<TemplatePart> titleParts;
  SourceLocation alertTitleLoc;
  std::vector<KeySpec> groupBy;
  std::vector<ContextItem> alertContext;
  std::vector<DynamicSeverity> dynamicSeverities;
  std::string description, runbook, reference;
  std::vector<std::string> tags;
  /// InlineFilters, as an implicit All; null when the rule has none.
  std::unique_ptr<MatchNode> inlineFilters;
  /// The Detection list, as an implicit All.
  std::unique_ptr<MatchNode> detection;
  std::vector<RuleTest> tests;
};

/// Dumps the AST as indented text (`rulec check --emit=ast`).
void dumpAst(const Rule &rule, std::ostream &os);

} // namespace rulec::panther
