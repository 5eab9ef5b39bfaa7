//===- DatetimeFunctions.cpp - todatetime, totimespan, now, ... ------------===//
//
// Datetime and timespan values (TimeValues.h). Calendar parts follow the
// proleptic Gregorian calendar in UTC, as Kusto's.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

namespace rulec::functions {

namespace {

void toDatetime(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  asDatetime(*args[0], *out); // out stays null for other values
}

/// now(): the query's now (the run's start, or the event time replayed).
void now(rulec_context *ctx, uint32_t, const rulec_value *const *, rulec_value *out) {
  *out = timeValue(RULEC_DATETIME, ctx->now);
}

constexpr Function kTable[] = {
    {"todatetime", 1, 1, toDatetime},
    {"now", 0, 0, now},
};

} // namespace

extern const Family kDatetimeFunctions{kTable};

} // namespace rulec::functions
