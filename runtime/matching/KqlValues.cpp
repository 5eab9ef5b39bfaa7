//===- KqlValues.cpp ------------------------------------------------------===//
#include "matching/KqlValues.h"

#include "events/EventTime.h"
#include "output/JsonString.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace rulec::kqlvalue {

rulec_value string(rulec_context *ctx, std::string_view text, uint8_t kind) {
  char *copy = ctx->scratch(text.size() + 1);
  std::memcpy(copy, text.data(), text.size());
  rulec_value v{};
  v.kind = kind;
  v.len = static_cast<uint32_t>(text.size());
  v.payload.s = copy;
  return v;
}

bool text(rulec_context *ctx, const rulec_value &in, std::string &out) {
  char buf[64];
  switch (in.kind) {
  case RULEC_STRING: case RULEC_JSON: out.assign(in.payload.s, in.len); return true;
  case RULEC_MISSING: case RULEC_NULL: out.clear(); return true;
  case RULEC_BOOL: out = in.payload.i ? "true" : "false"; return true;
  case RULEC_INT: out.assign(buf, std::to_chars(buf, buf + sizeof buf, in.payload.i).ptr); return true;
  case RULEC_DOUBLE:
    if (std::isnan(in.payload.d))
      out = "NaN";
    else if (std::isinf(in.payload.d))
      out = in.payload.d > 0 ? "Infinity" : "-Infinity";
    else
      out.assign(buf, std::to_chars(buf, buf + sizeof buf, in.payload.d).ptr);
    return true;
  case RULEC_ARRAY: case RULEC_OBJECT: return ctx && ctx->slotJson(in, out);
  case RULEC_DATETIME: out = formatKustoDatetime(in.payload.i); return true;
  case RULEC_TIMESPAN: out = formatKustoTimespan(in.payload.i); return true;
  default: return false;
  }
}

std::string json(rulec_context *ctx, const rulec_value &in) {
  std::string out;
  switch (in.kind) {
  case RULEC_STRING: appendJsonString(out, std::string_view(in.payload.s, in.len)); return out;
  case RULEC_DATETIME: case RULEC_TIMESPAN: {
    std::string t;
    text(ctx, in, t);
    appendJsonString(out, t);
    return out;
  }
  case RULEC_DOUBLE:
    if (!std::isfinite(in.payload.d)) {
      std::string t;
      text(ctx, in, t);
      appendJsonString(out, t);
      return out;
    }
    [[fallthrough]];
  case RULEC_JSON: case RULEC_BOOL: case RULEC_INT: case RULEC_ARRAY: case RULEC_OBJECT:
    return text(ctx, in, out) ? out : "null";
  default: return "null";
  }
}

bool nonFiniteReal(const rulec_value &v, double &out) {
  if (v.kind != RULEC_STRING)
    return false;
  const std::string_view s(v.payload.s, v.len);
  if (s == "NaN")
    out = std::numeric_limits<double>::quiet_NaN();
  else if (s == "Infinity")
    out = std::numeric_limits<double>::infinity();
  else if (s == "-Infinity")
    out = -std::numeric_limits<double>::infinity();
  else
    return false;
  return true;
}

} // namespace rulec::kqlvalue
