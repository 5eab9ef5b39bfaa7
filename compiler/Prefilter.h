//===- Prefilter.h - Run only the rules an event can match ----------------===//
//
// After literal sets (LiteralSets.h): for each rule, a set of needles one of
// which every matching event must hold — its requirement, derived from the
// predicate: a literal leaf requires its needle; `or` requires the union of
// its operands' requirements (when each has one); `and` requires the most
// selective of its operands' (needles fewest rules use: a logsource test
// every rule shares selects nothing); `not` and other leaves require nothing
// known. At run time rulec_rt_prefilter scans the event's literal sets once
// and the pack's eval skips every rule none of whose needles occurred
// (a set whose field holds a list runs all its rules: lists match by
// element). RuleInfo::requiredNeedles holds the result; empty: the rule always runs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "IR.h"

namespace rulec::ir {

void assignPrefilters(Pack &pack);

} // namespace rulec::ir
