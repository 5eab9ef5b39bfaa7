//===- KqlConstants.cpp ---------------------------------------------------===//
#include "kql/KqlConstants.h"
#include "support/AsciiLower.h"

#include "events/EventTime.h"
#include "output/JsonString.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace rulec::kql {

namespace {


std::string quoted(const std::string &text) {
  std::string out;
  appendJsonString(out, text);
  return out;
}

/// Kusto's scalar type names, as a typed null or a cast of a literal takes them.
bool isTypeName(const std::string &name) {
  static const std::set<std::string> kTypes = {"bool",     "boolean", "int",  "long",    "real",     "double",
                                               "decimal",  "string",  "date", "datetime", "time",    "timespan",
                                               "guid",     "uniqueid", "dynamic"};
  return kTypes.count(name) > 0;
}

} // namespace

std::string constantJson(Literal::Type type, const Scalar &value) {
  switch (type) {
  case Literal::String:
  case Literal::Guid: return quoted(value.s);
  case Literal::Long: return std::to_string(value.i);
  case Literal::Real: {
    if (!std::isfinite(value.d)) // JSON has no NaN or infinity: Kusto prints them as text
      return quoted(std::isnan(value.d) ? "NaN" : value.d > 0 ? "Infinity" : "-Infinity");
    char buf[40];
    std::string text(buf, std::to_chars(buf, buf + sizeof buf, value.d).ptr); // shortest round trip
    if (text.find_first_of(".e") == std::string::npos)
      text += ".0"; // stays a real when the row is read again
    return text;
  }
  case Literal::Bool: return value.b ? "true" : "false";
  case Literal::DateTime: return quoted(formatKustoDatetime(value.i));
  case Literal::TimeSpan: return quoted(formatKustoTimespan(value.i));
  case Literal::Null: return "null";
  }
  return "null";
}

std::optional<std::string> constantExprJson(const Expr &e, const ConstantFold &fold, std::string &error) {
  if (e.kind == Expr::Dynamic) {
    std::string out = e.dynamicIsObject ? "{" : "[";
    for (size_t i = 0; i < e.operands.size(); ++i) {
      auto item = constantExprJson(*e.operands[i], fold, error);
      if (!item)
        return std::nullopt;
      out += i ? "," : "";
      if (e.dynamicIsObject)
        out += quoted(e.keys[i]) + ":";
      out += *item;
    }
    return out + (e.dynamicIsObject ? "}" : "]");
  }
  // Typed nulls and casts of a literal: int(null), datetime(null), long(5).
  if (e.kind == Expr::Call && e.operands.size() == 1 && isTypeName(asciiLower(e.name))) {
    const Expr &arg = *e.operands[0];
    if ((arg.kind == Expr::Literal && arg.literal.type == Literal::Null) ||
        (arg.kind == Expr::Name && asciiLower(arg.name) == "null"))
      return asciiLower(e.name) == "string" ? std::string("\"\"") : std::string("null");
    return constantExprJson(arg, fold, error);
  }
  if (auto k = fold(e))
    return constantJson(k->first, k->second);
  error = "'" + toString(e) + "' is not a constant";
  return std::nullopt;
}

} // namespace rulec::kql
