//===- EventTime.h - Event timestamps: parsing and printing ---------------===//
//
// Alerting windows run on event time (docs/runtime.md). Times are nanoseconds
// since the Unix epoch, UTC. Accepted forms of a time field:
//   "2023-12-11 18:10:13.000000000"  (Panther / Netskope; UTC)
//   "2023-12-11T18:10:13Z", "...T18:10:13.5+02:00"  (RFC 3339)
//   1702318213, 1702318213.25  (Unix seconds, as a JSON number)
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days_from_civil); the datetime functions share it.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
/// Its inverse: the civil date of day `z` since 1970-01-01.
void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d);

/// Parses a timestamp string; false if it is not one of the forms above.
bool parseTimestamp(std::string_view text, int64_t &nanos);

/// RFC 3339 in UTC: 2023-12-11T18:10:13Z, with a fraction only when non-zero.
std::string formatTimestamp(int64_t nanos);

/// A span in Kusto's literal form: 90d, 1h, 30m, 10s, 250ms; mixed units as
/// 1d2h; 0s for zero.
std::string formatSpan(int64_t nanos);

/// Kusto's todatetime() of text: what parseTimestamp reads, a date alone
/// (YYYY-MM-DD), minutes without seconds (YYYY-MM-DD HH:MM), the US forms
/// M/D/YYYY [H:MM[:SS]] and MM-DD-YYYY, and "Y, M, D [, h, m, s]"; all UTC.
bool parseKustoDatetime(std::string_view text, int64_t &nanos);

/// A datetime as Kusto's tostring() writes it: 2017-10-15T12:00:00.0000000Z
/// (seven fraction digits, 100 ns ticks).
std::string formatKustoDatetime(int64_t nanos);

/// A span as Kusto prints a timespan value: [-][d.]hh:mm:ss[.fffffff]
/// (100 ns ticks; finer nanoseconds are dropped).
std::string formatKustoTimespan(int64_t nanos);

/// The fields that may hold a log type's event time, in order, when none is
/// given on the command line: `timestamp` for Netskope.Audit; else Panther's
/// standard `p_event_time`, then Log Analytics' `TimeGenerated`, then the
/// SystemTime of a Windows event rendered as JSON.
std::vector<std::string> defaultTimeFields(const std::string &logType);

} // namespace rulec
