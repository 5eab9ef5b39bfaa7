//===- LiteralSets.h - Many string tests on one field, one scan -----------===//
//
// A pass over the simplified pack: the `icontains` leaves (and the `ieq`
// leaves) that test one field become needles of one literal set of the
// field when at least `minNeedles` leaves test it. The runtime then
// answers all of them from one pass over the field's string per event — a
// Hyperscan literal database for icontains, a hash lookup of the folded
// string for ieq (runtime/LiteralMatcher.h) — instead of one search per leaf.
// Only top-level fields tested directly take part (not element scopes, not
// computed values). The leaves keep their op and constant: --emit=ir shows
// both, and the reference evaluator ignores the annotation.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "IR.h"

namespace rulec::ir {

inline constexpr size_t kMinLiteralSetNeedles = 8;

void assignLiteralSets(Pack &pack, size_t minNeedles = kMinLiteralSetNeedles);

} // namespace rulec::ir
