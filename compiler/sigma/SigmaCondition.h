//===- SigmaCondition.h - The `condition` of a Sigma rule -----------------===//
//
// Grammar (Sigma specification, "Condition"); `not` binds tighter than
// `and`, which binds tighter than `or`:
//
//   expr    := and { 'or' and }
//   and     := unary { 'and' unary }
//   unary   := 'not' unary | '(' expr ')' | quant | name
//   quant   := ( number | 'all' | 'any' ) 'of' ( 'them' | pattern )
//   pattern := a name with '*' wildcards
//
// Names may hold letters, digits, '_', '-', '.', '|' and '*' (real rules use
// dots and pipes in identifiers).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"

#include <memory>
#include <string>
#include <vector>

namespace rulec::sigma {

struct CondExpr {
  enum Kind { Ref, And, Or, Not, Of } kind = Ref;
  SourceLocation loc;
  std::string name;     ///< Ref: the identifier; Of: the pattern ("them" for all)
  int64_t count = 1;    ///< Of: how many must match; -1 for all
  std::vector<std::unique_ptr<CondExpr>> operands; ///< And, Or: two or more (a whole chain); Not: one
};

/// Parses a condition; `loc` is where its text starts (errors point into it).
std::unique_ptr<CondExpr> parseCondition(const std::string &text, const SourceLocation &loc,
                                         DiagnosticEngine &diags);

} // namespace rulec::sigma
