//===- SigmaLowering.h - Sigma AST -> IR ----------------------------------===//
//
// Gives a Sigma rule its meaning in IR terms (docs/sigma.md): values match
// whole and case-insensitively with `*` / `?` wildcards; modifiers (contains,
// startswith, endswith, all, re, cidr, base64, base64offset, utf16*, wide,
// windash, exists, fieldref, gt/gte/lt/lte, cased, neq) are applied at compile
// time where they rewrite values; a missing field makes its item false and
// `not` flips it (two-valued logic); keyword lists search every string of the
// event. The logsource becomes the rule's log type and conditions, and field
// names become event paths, through the Sigma configuration. A Sigma rule's
// matches are detections: each matching event is one result row.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "ir/IR.h"
#include "sigma/SigmaConfig.h"
#include "sigma/SigmaRule.h"

namespace rulec::sigma {

/// Adds the rule to `pack`. On error reports the first unsupported construct
/// and leaves `pack` as it was; returns false.
bool lowerRule(const Rule &rule, const Config &config, ir::Pack &pack, DiagnosticEngine &diags);

/// The pack slot of field `name` in events of `rule`'s logsource, through
/// the configuration's field mapping (correlations group by it).
uint32_t fieldSlot(const Rule &rule, const Config &config, ir::Pack &pack, const std::string &name);

} // namespace rulec::sigma
