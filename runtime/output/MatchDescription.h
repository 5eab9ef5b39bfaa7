//===- MatchDescription.h - What one matched event says about its alert ---===//
//
// Panther derives a dedup string, a title, a severity and an alert context
// from each matched event (docs/panther.md, "Titles and dedup"). The Scanner
// uses these for alerts and `rulec test` for a test's expected title, dedup
// and severity: one piece of code for both.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/PackInfo.h"

#include <string>

namespace rulec {

/// GroupBy, else the rendered title, else `defaultDedupString:<RuleID>`.
std::string dedupString(const RuleInfo &rule, const EventEvaluator &event);

/// The rendered AlertTitle, else DisplayName, else RuleID.
std::string alertTitle(const RuleInfo &rule, const EventEvaluator &event);

/// A KQL column's value for the loaded event as JSON: the event's own JSON
/// for a path column, else the computed value (reals keep their ".0"; NaN
/// and infinities, which JSON lacks, are null).
std::string columnJson(EventEvaluator &event, const RuleInfo &rule, uint32_t ruleIndex, uint32_t column);

/// A KQL query's (or Sigma rule's) result row for the loaded event: its
/// columns, or the whole event (with its extended columns, without the
/// projected-away ones).
/// `row` gets it (its memory reused).
void queryRow(EventEvaluator &event, const RuleInfo &rule, uint32_t ruleIndex, std::string &row);

/// A computed value as JSON (strings quoted; arrays and objects, which
/// computed values never are, as null).
std::string valueJson(const rulec_value &v);

/// AlertContext as a JSON object (values as JSON, null when missing); empty
/// when the rule has none.
std::string alertContextJson(const RuleInfo &rule, const EventEvaluator &event);

} // namespace rulec
