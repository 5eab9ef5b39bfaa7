//===- RuleTest.h - A rule's own test: an event and the expected result ---===//
//
// Panther rules carry `Tests:` (a Log, ExpectedResult and rulec's rendering
// checks); `rulec test` runs each through the compiled pack. Kept apart from
// any one language's AST so that every language with tests shares the runner.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/SourceLocation.h"

#include <optional>
#include <string>

namespace rulec {

struct RuleTest {
  std::string name;
  bool expectedResult = false;
  /// rulec's extensions (panther_analysis_tool has no such keys): what a
  /// matching Log must render. Empty optional: not checked.
  std::optional<std::string> expectedTitle, expectedDedup, expectedSeverity;
  std::string logType;  ///< LogType; empty: the rule's first log type
  std::string logJson;  ///< the Log, converted to JSON with YAML 1.2 typing
  SourceLocation loc;
};

} // namespace rulec
