//===- JsonString.h - JSON string literals --------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace rulec {

/// Appends `s` to `out` as a JSON string literal (quotes and escapes added).
void appendJsonString(std::string &out, std::string_view s);

} // namespace rulec
