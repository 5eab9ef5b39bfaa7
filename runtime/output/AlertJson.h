//===- AlertJson.h - Alerts as JSON lines ---------------------------------===//
#pragma once

#include "state/Alerter.h"
#include "state/Correlator.h"
#include "packs/PackInfo.h"

#include <string>

namespace rulec {

/// One alert as a single-line JSON object (fields in docs/runtime.md).
std::string alertToJson(const Alert &alert, const RuleInfo &rule);

/// One Sigma correlation alert as a single-line JSON object (docs/sigma.md).
std::string correlationAlertToJson(const CorrelationAlert &alert, const CorrelationSpec &spec);

/// One KQL result row (a JSON object) as a single-line JSON object naming
/// its query (docs/kql.md).
std::string rowToJson(const RuleInfo &rule, const std::string &row);

} // namespace rulec
