//===- KqlValues.h - Kusto values as the helpers see them ------------------===//
//
// Shared by the helpers the generated code calls for KQL (KqlHelpers.cpp,
// runtime/functions/): null, strings in the context's scratch memory, a
// value's text (Kusto's tostring: datetimes and timespans as Kusto prints
// them), dynamic values' JSON.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EvalContext.h"

#include <string>
#include <string_view>

namespace rulec::kqlvalue {

inline rulec_value null() {
  rulec_value v{};
  v.kind = RULEC_NULL;
  return v;
}

inline bool isNull(const rulec_value &v) { return v.kind == RULEC_MISSING || v.kind == RULEC_NULL; }

/// A string value whose bytes live in `ctx`'s scratch memory (until the
/// next event); `kind` RULEC_JSON for a dynamic array or object's text.
rulec_value string(rulec_context *ctx, std::string_view text, uint8_t kind = RULEC_STRING);

/// Kusto's tostring: strings as they are, numbers in shortest round-trip
/// form, true/false, null as "", dynamic values as their JSON (an event's
/// array or object slot through the context). False for nothing else.
bool text(rulec_context *ctx, const rulec_value &in, std::string &out);

/// The JSON of a value: a dynamic value's text, a string quoted, numbers,
/// booleans, null. Non-finite reals are the strings "NaN", "Infinity" and
/// "-Infinity", as Kusto's JSON writes them.
std::string json(rulec_context *ctx, const rulec_value &in);

/// A real that crossed a stage boundary: a non-finite real travels in a
/// row's JSON as the string "NaN", "Infinity" or "-Infinity"; true (and the
/// real in `out`) when `v` is one of those strings.
bool nonFiniteReal(const rulec_value &v, double &out);

} // namespace rulec::kqlvalue
