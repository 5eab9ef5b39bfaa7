//===- SigmaCorrelationLowering.h - Correlations -> pack correlations -----===//
//
// Resolves each correlation's `rules` by id or name among the pack's Sigma
// rules and correlations (in any file of the pack), gives every input its
// group-by fields (through `aliases` and the Sigma field mapping of the input
// rule's logsource), and adds it to the pack; the rules it names feed it. A
// chained correlation groups by fields its input correlations group by.
// Unless `generate: true`, the rules a correlation names give no output of
// their own (the specification's default).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "ir/IR.h"
#include "sigma/SigmaConfig.h"
#include "sigma/SigmaCorrelation.h"
#include "sigma/SigmaRule.h"

#include <memory>
#include <vector>

namespace rulec::sigma {

/// A Sigma rule the correlations may name: its AST and its pack rule index
/// (-1 when it did not compile).
struct CompiledRule {
  const Rule *rule = nullptr;
  int64_t packIndex = -1;
};

/// Adds the correlations that resolve to `pack`; reports the others. Returns
/// how many were added.
unsigned lowerCorrelations(const std::vector<CompiledRule> &rules,
                           const std::vector<std::unique_ptr<Correlation>> &correlations, const Config &config,
                           ir::Pack &pack, DiagnosticEngine &diags);

} // namespace rulec::sigma
