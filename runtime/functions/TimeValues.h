//===- TimeValues.h - Kusto datetime and timespan values -------------------===//
//
// RULEC_DATETIME and RULEC_TIMESPAN hold nanoseconds (since the Unix epoch,
// UTC; or of duration) in payload.i. Kusto's own unit is the 100 ns tick:
// text and tolong() use ticks, and the range is that of nanoseconds in an
// int64 (years 1678 to 2261).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "events/EventTime.h"
#include "rulec/abi.h"

namespace rulec::functions {

/// Ticks (100 ns) from 0001-01-01 to the Unix epoch: Kusto's tolong(datetime) counts from year 1.
constexpr int64_t kEpochTicks = 621355968000000000;

inline rulec_value timeValue(uint8_t kind, int64_t nanos) {
  rulec_value v{};
  v.kind = kind;
  v.payload.i = nanos;
  return v;
}

/// `v` as a datetime: one already, or a string Kusto's todatetime reads.
inline bool asDatetime(const rulec_value &v, rulec_value &out) {
  int64_t nanos;
  if (v.kind == RULEC_DATETIME) {
    out = v;
    return true;
  }
  if (v.kind != RULEC_STRING || !parseKustoDatetime(std::string_view(v.payload.s, v.len), nanos))
    return false;
  out = timeValue(RULEC_DATETIME, nanos);
  return true;
}

} // namespace rulec::functions
