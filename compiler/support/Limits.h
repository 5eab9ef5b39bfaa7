//===- Limits.h - Bounds that turn hostile rule input into clear errors ---===//
//
// Rule files come from users and repositories; a rule file must never make
// the compiler loop, exhaust memory or overflow its stack. Each bound below is
// an error with the code `limit-exceeded` (docs/cli.md "Limits"); the event
// side's bounds are in runtime/EventEvaluator.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

namespace rulec::limits {

/// A rule file (.yml, .yaml, .kql) or Sigma configuration: at most 16 MiB.
constexpr uint64_t kMaxRuleFileBytes = uint64_t(16) << 20;

/// YAML nesting (maps and sequences inside each other): the loaders walk
/// documents recursively, so depth is bounded before they run. Real rules
/// nest fewer than 20 levels (a Panther Detection with All/Any inside a
/// list condition, a test Log).
constexpr int kMaxYamlDepth = 64;

/// Rules in one pack (YAML documents and .kql files read): more would take
/// LLVM hours; all of SigmaHQ is 3141.
constexpr size_t kMaxRules = 100000;

/// IR nodes (tests and operators) in one rule's conditions: compile time
/// grows linearly with them (about 1 ms per test); the largest rule of
/// SigmaHQ, Panther's and Sentinel's corpora has under 4,500.
constexpr size_t kMaxRuleNodes = 50000;

/// Memory RE2 may use to compile one regular expression (a Sigma `re` or
/// wildcard pattern, a KQL `matches regex`): RE2's own default, which the
/// runtime (EvalContext) compiles with too, so a pattern the compiler accepts
/// always compiles at run time. Larger patterns are errors.
constexpr int64_t kMaxRegexMemory = int64_t(8) << 20;

} // namespace rulec::limits
