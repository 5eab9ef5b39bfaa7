//===- PantherLowering.h - Panther AST -> IR ------------------------------===//
//
// Gives Panther's conditions their meaning in IR terms (docs/panther.md):
// field keys match exactly, then case-insensitively; a condition on a missing
// field is false and its negation (DoesNotEqual, ...) true; Equals compares
// like Python `==`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "ir/IR.h"
#include "panther/PantherAst.h"

namespace rulec::panther {

/// Adds `rule` to `pack` (its fields, log types and predicate).
/// Returns the rule's index in the pack.
uint32_t lowerRule(const Rule &rule, ir::Pack &pack);

/// The text a title placeholder renders when its field is missing:
/// `<USER_NOT_FOUND>` for `{user}` (the seed rule's Python default).
std::string missingPlaceholderText(const std::vector<PathStep> &path);

} // namespace rulec::panther
