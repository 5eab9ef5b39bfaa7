//===- PantherAst.h - AST of a Panther YAML rule --------------------------===//
//
// What the Panther frontend reads from one rule file: the rule's metadata and
// its Detection tree, every node with its source location. The AST keeps the
// rule as written (condition names, key forms); lowering to the IR decides
// what they mean.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourceLocation.h"
#include "YamlScalar.h"

#include "PackInfo.h"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec::panther {

/// Panther's Condition values that rulec implements. Names are as spelled in
/// rules; unknown names are a parse error.
enum class ConditionKind {
  Equals, DoesNotEqual, IEquals, IDoesNotEqual,
  Exists, DoesNotExist, IsNull, IsNotNull,
  AlwaysTrue, AlwaysFalse,
};

const char *conditionName(ConditionKind kind);

/// How a Match names its field.
struct KeySpec {
  enum Form { Key, KeyPath, DeepKey } form = KeyPath;
  std::string text;            ///< as written, for dumps and messages
  std::vector<PathStep> path;  ///< resolved steps
  SourceLocation loc;
};

struct DetectionNode {
  enum Kind { All, Any, OnlyOne, None, Match } kind = All;
  SourceLocation loc;

  // All / Any / OnlyOne / None
  std::vector<std::unique_ptr<DetectionNode>> children;

  // Match
  KeySpec key;
  ConditionKind condition = ConditionKind::AlwaysTrue;
  SourceLocation conditionLoc;
  bool hasValue = false;
  Scalar value;
  SourceLocation valueLoc;
};

struct RuleTest {
  std::string name;
  bool expectedResult = false;
  std::string logJson; ///< the Log, converted to JSON with YAML 1.2 typing
  SourceLocation loc;
};

/// A title template piece as written: literal text or a {key.path} placeholder.
struct TitlePiece {
  bool isField = false;
  std::string text;
  std::vector<PathStep> path; ///< when isField
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
  std::string alertTitle;
  std::vector<TitlePiece> titlePieces;
  SourceLocation alertTitleLoc;
  std::string description, runbook, reference;
  std::vector<std::string> tags;
  /// The Detection list; an implicit All.
  std::unique_ptr<DetectionNode> detection;
  std::vector<RuleTest> tests;
};

/// Dumps the AST as indented text (`rulec check --emit=ast`).
void dumpAst(const Rule &rule, std::ostream &os);

} // namespace rulec::panther
