//===- AnalyticAlert.h - A Sentinel rule's run: its alerts as JSON ---------===//
//
// What one run of a scheduled (or NRT) Sentinel rule raises from its result
// rows, as Sentinel does (docs/sentinel.md, with the sources):
// - the trigger compares the row count with the threshold (gt, lt, eq, ne);
// - SingleAlert: one alert for all rows; AlertPerResult: one a row, at most
//   150 (30 for NRT), the last of them summarising every row;
// - name and description from alertDetailsOverride's `{{column}}` formats,
//   back to the rule's own when a column they name is empty or missing, cut
//   at 256 / 5,000 characters; severity and tactics from their columns when
//   those hold valid values;
// - entities from entityMappings (empty identifiers dropped, an entity with
//   none dropped, at most 500 an alert shared by the mappings, 64 KB), custom
//   details from customDetails (2 KB), alertDynamicProperties.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rulec {

/// One run: the rule's query over (start, end], run at `end`.
struct AnalyticRun {
  int64_t start = 0, end = 0;
  std::vector<std::string> rows; ///< JSON objects, in the query's order
};

/// Whether `rows` rows meet the rule's trigger.
bool analyticTriggered(const AnalyticRuleSpec &rule, size_t rows);

/// The alerts of a run that met its trigger, one JSON line each.
std::vector<std::string> analyticAlerts(const AnalyticRuleSpec &rule, const AnalyticRun &run);

/// Sentinel's caps on alerts per run.
inline constexpr size_t kMaxAlertsPerRun = 150, kMaxAlertsPerNrtRun = 30;

} // namespace rulec
