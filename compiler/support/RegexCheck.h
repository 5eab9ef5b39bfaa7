//===- RegexCheck.h - Whether a rule's regular expression will compile ----===//
//
// Sigma `re` values and wildcards and KQL `matches regex` compile in RE2 at
// run time with limits::kMaxRegexMemory; the frontends check each pattern
// the same way first, so that a bad one is an error on its rule.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "support/SourceLocation.h"

#include <optional>
#include <string>

namespace rulec {

struct RegexProblem {
  DiagCode code; ///< LimitExceeded for a pattern over the memory bound, else Unsupported
  std::string message;
};

/// Nothing when `pattern` compiles; else why not. A pattern over the memory
/// bound says so; any other bad pattern is `badPattern` + RE2's message.
std::optional<RegexProblem> checkRegex(const std::string &pattern, const std::string &badPattern);

/// What the KQL and Sigma lowerings throw at a construct they cannot
/// compile; each catches it once per rule and reports it as the rule's error.
struct Unsupported {
  SourceLocation loc;
  std::string message;
  DiagCode code = DiagCode::Unsupported;
};

/// Throws the problem checkRegex finds in `pattern`, if any, at `loc`.
void requireRegex(const std::string &pattern, const SourceLocation &loc, const std::string &badPattern);

} // namespace rulec
