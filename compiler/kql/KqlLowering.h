//===- KqlLowering.h - KQL query -> IR ------------------------------------===//
//
// Gives a Kusto query its meaning in IR terms (docs/kql.md):
//   - the source table is the log type of the events the query sees;
//   - `where` predicates become the rule's predicate, with Kusto's string
//     semantics (case-insensitive by default, `has` on terms, a missing string
//     column reads as "") and its null semantics for numbers and datetimes;
//   - `extend` / `project` / `project-rename` columns that are paths into the
//     event (a.b, a["b"], a[0], wrapped in tostring/tolower/toupper or
//     parse_json/todynamic) become aliases; `project`, `project-away`,
//     `distinct` and `take` shape the result rows;
//   - scalar `let`s are substituted; a tabular `let` used with `in` or
//     `has_any` becomes a SetBuilder rule that fills a set at run time;
//     used as a source, its pipeline is inlined.
// Anything else is an `unsupported` error naming the operator or function.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "ir/IR.h"
#include "kql/SentinelRule.h"

namespace rulec::kql {

/// Adds one query's rules to `pack`. On error, reports the first unsupported
/// construct and leaves `pack` as it was; returns false. `window`: the
/// rule's queryPeriod, else the longest `> ago(X)` the query reads back
/// (what bounds it in stream mode), else 0.
bool lowerQuery(const sentinel::Rule &rule, ir::Pack &pack, DiagnosticEngine &diags, int64_t *window = nullptr);

} // namespace rulec::kql
