//===- LiteralSets.h - Many string tests on one field, one scan -----------===//
//
// A pass over the simplified pack: the ASCII-case-insensitive string leaves
// (icontains, ieq, istartswith, iendswith) that test one field become needles
// of the field's literal sets, one set per kind, when at least `minLeaves`
// such leaves test the field. The runtime matches each field's sets once per
// event (runtime/matching/LiteralMatcher.h) and the leaves read a bit instead of
// searching the string; short ASCII icontains needles stay plain leaves
// (LiteralSet::scannable). Only top-level fields tested directly take part
// (not element scopes, not computed values). The leaves keep their op and
// constant: --emit=ir shows both, and the reference evaluator ignores the
// annotation.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

namespace rulec::ir {

inline constexpr size_t kMinLiteralSetLeaves = 8;

void assignLiteralSets(Pack &pack, size_t minLeaves = kMinLiteralSetLeaves);

/// The event-text set (LiteralSet::kEventText): every keyword.icontains
/// needle of the pack, each leaf's `index` its needle, and the atoms that
/// keyword regexes need (their leaves' `atoms`), in one scan group per rule
/// (LiteralSet::groups): a rule's keywords are searched when it first asks,
/// after its other conditions held. Keywords give the prefilter nothing.
/// Part of assignLiteralSets.
void assignKeywordSet(Pack &pack);

} // namespace rulec::ir
