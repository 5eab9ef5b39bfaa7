//===- ConversionFunctions.cpp - tostring, tolong, todynamic, ... ----------===//
//
// Conversions between Kusto's types, and dynamic values' members
// (parse_json(s).a[0] is $json_get(s, "a", 0)).
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"
#include "functions/TimeValues.h"

#include <charconv>

namespace rulec::functions {

namespace {

unsigned char foldAscii(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c; }

rulec_value numberFromText(std::string_view t, bool integer) {
  if (integer) {
    int64_t i;
    auto r = std::from_chars(t.data(), t.data() + t.size(), i);
    return r.ec != std::errc() || r.ptr != t.data() + t.size() ? null() : intValue(i);
  }
  double d;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  return r.ec != std::errc() || r.ptr != t.data() + t.size() ? null() : doubleValue(d);
}

void toString(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (args[0]->kind == RULEC_STRING)
    *out = *args[0];
  else if (kqlvalue::text(ctx, *args[0], text))
    *out = kqlvalue::string(ctx, text);
}

void changeCase(rulec_context *ctx, const rulec_value &a, bool lower, rulec_value *out) {
  std::string text;
  if (!kqlvalue::text(ctx, a, text))
    return;
  for (char &c : text)
    c = static_cast<char>(lower ? foldAscii(static_cast<unsigned char>(c)) : std::toupper(static_cast<unsigned char>(c)));
  *out = kqlvalue::string(ctx, text);
}

void toLower(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  changeCase(ctx, *args[0], true, out);
}

void toUpper(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  changeCase(ctx, *args[0], false, out);
}

void toLong(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &a = *args[0];
  switch (a.kind) {
  case RULEC_INT: *out = a; return;
  case RULEC_BOOL: *out = intValue(a.payload.i); return;
  case RULEC_DATETIME: *out = intValue(a.payload.i / 100 + kEpochTicks); return; // Kusto's ticks since year 1
  case RULEC_TIMESPAN: *out = intValue(a.payload.i / 100); return;               // ticks
  case RULEC_DOUBLE:
    if (a.payload.d == a.payload.d && a.payload.d > -0x1p63 && a.payload.d < 0x1p63)
      *out = intValue(static_cast<int64_t>(a.payload.d)); // truncates, as Kusto's toint
    return;
  case RULEC_STRING: *out = numberFromText(std::string_view(a.payload.s, a.len), true); return;
  default: return;
  }
}

void toDouble(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &a = *args[0];
  switch (a.kind) {
  case RULEC_DOUBLE: *out = a; return;
  case RULEC_INT: case RULEC_BOOL: *out = doubleValue(static_cast<double>(a.payload.i)); return;
  case RULEC_DATETIME: case RULEC_TIMESPAN: {
    rulec_value ticks;
    toLong(nullptr, 1, args, &ticks);
    *out = doubleValue(static_cast<double>(ticks.payload.i));
    return;
  }
  case RULEC_STRING: *out = numberFromText(std::string_view(a.payload.s, a.len), false); return;
  default: return;
  }
}

void toBool(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &a = *args[0];
  if (a.kind == RULEC_BOOL) {
    *out = a;
  } else if (a.kind == RULEC_INT) {
    *out = boolValue(a.payload.i != 0);
  } else if (a.kind == RULEC_STRING) {
    std::string t(a.payload.s, a.len);
    for (char &c : t)
      c = static_cast<char>(foldAscii(static_cast<unsigned char>(c)));
    if (t == "true" || t == "false")
      *out = boolValue(t == "true");
  }
}

/// The value at a JSON node: strings, numbers, booleans as themselves,
/// arrays and objects as their JSON text.
rulec_value nodeValue(rulec_context *ctx, simdjson::dom::element node) {
  switch (node.type()) {
  case simdjson::dom::element_type::STRING: return kqlvalue::string(ctx, node.get_string().value_unsafe());
  case simdjson::dom::element_type::INT64: return intValue(node.get_int64().value_unsafe());
  case simdjson::dom::element_type::DOUBLE: return doubleValue(node.get_double().value_unsafe());
  case simdjson::dom::element_type::UINT64: return doubleValue(static_cast<double>(node.get_uint64().value_unsafe()));
  case simdjson::dom::element_type::BOOL: return boolValue(node.get_bool().value_unsafe());
  case simdjson::dom::element_type::NULL_VALUE: return null();
  default: return kqlvalue::string(ctx, simdjson::minify(node), RULEC_JSON); // an array or object
  }
}

/// $toscalar(k): the value toscalar() sub-query k gave (its first row's
/// first column), as the row held it; null before it is known or for no rows.
void toScalar(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind != RULEC_INT || args[0]->payload.i < 0 ||
      static_cast<uint64_t>(args[0]->payload.i) >= ctx->scalars.size())
    return;
  const std::string &json = ctx->scalars[static_cast<size_t>(args[0]->payload.i)];
  simdjson::dom::element node;
  if (!json.empty() && !ctx->json.parse(json).get(node))
    *out = nodeValue(ctx, node);
}

/// $own(x): x itself; the lowering wraps an event field that an iff() or
/// case() returns, so that an array or object of the event becomes its JSON
/// text (rulec_rt_call) before the value is copied away from its slot.
void own(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) { *out = *args[0]; }

/// parse_json(s) followed by member and index steps: the value at the path
/// in the JSON text of `s`.
void jsonGet(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind != RULEC_STRING && args[0]->kind != RULEC_JSON)
    return;
  simdjson::dom::element node;
  if (ctx->json.parse(args[0]->payload.s, args[0]->len).get(node))
    return;
  for (uint32_t i = 1; i < argc; ++i) {
    const rulec_value &step = *args[i];
    simdjson::dom::element next;
    if (step.kind == RULEC_STRING) {
      simdjson::dom::object object;
      if (node.get_object().get(object) || object.at_key(std::string_view(step.payload.s, step.len)).get(next))
        return;
    } else if (step.kind == RULEC_INT) {
      simdjson::dom::array array;
      if (node.get_array().get(array))
        return;
      int64_t index = step.payload.i < 0 ? step.payload.i + static_cast<int64_t>(array.size()) : step.payload.i;
      if (index < 0 || array.at(static_cast<size_t>(index)).get(next))
        return;
    } else {
      return;
    }
    node = next;
  }
  *out = nodeValue(ctx, node);
}

/// todynamic(x) / parse_json(x): a string of JSON text becomes the value it
/// holds (an array or object as RULEC_JSON); a string that is not JSON stays
/// the string, as Kusto keeps it; other values are themselves.
void toDynamic(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  const rulec_value &a = *args[0];
  std::string slot;
  if (ctx->slotJson(a, slot)) { // an event's array or object
    *out = kqlvalue::string(ctx, slot, RULEC_JSON);
    return;
  }
  simdjson::dom::element node;
  if (a.kind != RULEC_STRING || ctx->json.parse(a.payload.s, a.len).get(node)) {
    *out = a;
    return;
  }
  *out = nodeValue(ctx, node);
}

/// The first argument that is not null or an empty string.
void coalesce(rulec_context *, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  for (uint32_t i = 0; i < argc; ++i)
    if (!isNull(*args[i]) && !(args[i]->kind == RULEC_STRING && args[i]->len == 0)) {
      *out = *args[i];
      return;
    }
}

/// toguid(s): a GUID's canonical text (lower case 8-4-4-4-12); null when
/// the string is not one (see parseGuid).
void toGuid(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  Guid guid;
  if (args[0]->kind == RULEC_STRING && parseGuid(std::string_view(args[0]->payload.s, args[0]->len), guid))
    *out = kqlvalue::string(ctx, guidText(guid));
}

constexpr Function kTable[] = {
    {"tostring", 1, 1, toString},   {"tolower", 1, 1, toLower},       {"toupper", 1, 1, toUpper},
    {"tolong", 1, 1, toLong},       {"toint", 1, 1, toLong},          {"todouble", 1, 1, toDouble},
    {"toreal", 1, 1, toDouble},     {"tobool", 1, 1, toBool},         {"toboolean", 1, 1, toBool},
    {"todynamic", 1, 1, toDynamic}, {"parse_json", 1, 1, toDynamic},  {"$json_get", 1, 64, jsonGet}, {"$toscalar", 1, 1, toScalar}, {"$own", 1, 1, own},
    {"coalesce", 2, 64, coalesce},  {"toguid", 1, 1, toGuid},
};

} // namespace

extern const Family kConversionFunctions{kTable};

} // namespace rulec::functions
