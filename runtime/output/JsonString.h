//===- JsonString.h - JSON string literals --------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace rulec {

/// Appends `s` as the inside of a JSON string literal, escaping only what
/// JSON requires (RFC 8259 section 7): `"`, `\` and control characters, with
/// the short forms `\b \f \n \r \t` (as serde_json and Python's json write
/// them) and `\u00XX` for the others.
void appendJsonEscaped(std::string &out, std::string_view s);

/// Appends `s` to `out` as a JSON string literal (quotes and escapes added).
void appendJsonString(std::string &out, std::string_view s);

} // namespace rulec
