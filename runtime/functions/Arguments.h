//===- Arguments.h - What the function families share ----------------------===//
//
// Reading arguments (a value's text, a dynamic value's elements or
// properties) and making results (numbers, booleans, arrays as JSON text).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "output/Utf8.h"

#include "EvalContext.h"
#include "matching/KqlValues.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rulec::functions {

using kqlvalue::isNull;
using kqlvalue::null;

/// Argument `i`'s text (Kusto's tostring); false when there is no such
/// argument or it has no text.
inline bool textArg(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, uint32_t i, std::string &out) {
  return i < argc && kqlvalue::text(ctx, *args[i], out);
}

inline rulec_value intValue(int64_t i) {
  rulec_value v{};
  v.kind = RULEC_INT;
  v.payload.i = i;
  return v;
}

inline rulec_value doubleValue(double d) {
  rulec_value v{};
  v.kind = RULEC_DOUBLE;
  v.payload.d = d;
  return v;
}

inline rulec_value boolValue(bool b) {
  rulec_value v{};
  v.kind = RULEC_BOOL;
  v.payload.i = b;
  return v;
}

/// `s` as a JSON string.
std::string jsonQuoted(std::string_view s);

/// A dynamic value, parsed: a computed one (RULEC_JSON) or an event's array
/// or object slot.
bool parseDynamic(rulec_context *ctx, const rulec_value &v, simdjson::dom::element &e);

/// The elements (as JSON) of a dynamic array.
bool arrayItems(rulec_context *ctx, const rulec_value &v, std::vector<std::string> &items);

/// The properties (key, value JSON) of a dynamic bag.
bool bagItems(rulec_context *ctx, const rulec_value &v, std::vector<std::pair<std::string, std::string>> &items);

/// A dynamic array of elements given as JSON.
rulec_value arrayValue(rulec_context *ctx, const std::vector<std::string> &items);

/// Byte offsets of UTF-8 code points: Kusto counts characters, not bytes.
std::vector<size_t> characterStarts(std::string_view s);

bool validUtf8(std::string_view s);


/// A GUID's 16 bytes in the order its text shows them. Kusto's guid text is
/// 32 hex digits, optionally with '-' between digits (as in
/// 01234567-89ab-cdef-0123-456789abcdef) and in braces or parentheses.
using Guid = std::array<uint8_t, 16>;
bool parseGuid(std::string_view s, Guid &out);
/// The canonical text: lower-case 8-4-4-4-12.
std::string guidText(const Guid &g);

} // namespace rulec::functions
