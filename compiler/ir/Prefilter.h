//===- Prefilter.h - Run only the rules an event can match ----------------===//
//
// After literal sets (LiteralSets.h): for each rule, clauses of needles that
// every event it matches must meet — each clause one needle of which occurs
// (a conjunctive normal form, derived from the predicate): a literal leaf
// needs its needle; a regular expression on a field with an icontains set
// needs one of its atoms (runtime/matching/RegexGate.h: regexRequirement), which join
// the set as needles of the prefilter's own (or a non-ASCII byte in the
// field, a NonAscii set's needle, when it may match by Unicode case
// folding); a short icontains needle holding a byte benign text rarely holds
// needs that byte (RareBytes in Prefilter.cpp); `and` needs all of its
// operands' clauses; `or` needs one clause joining the most selective clause
// of each operand (when each has one); `not` and other leaves give nothing.
// A clause with a needle that a quarter of the pack's rules test (a
// logsource's channel) is left out: it holds for most events and selects
// nothing. A rule keeps its RuleInfo::kMaxClauses most selective clauses
// (needles fewest rules test).
//
// At run time rulec_rt_scan matches the event's literal sets once and the
// pack's eval runs only the rules all of whose clauses hold (a field holding
// a list runs every rule with a needle of it: lists match by element).
// RuleInfo::requirements holds the result; empty: the rule always runs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

namespace rulec::ir {

void assignPrefilters(Pack &pack);

} // namespace rulec::ir
