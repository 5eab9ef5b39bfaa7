//===- AsciiLower.h - ASCII lower case for names and keywords --------------===//
//
// Rule languages' keywords, operators and function names are ASCII and
// case-insensitive where the language says so; one fold for all frontends.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace rulec {

/// `s` with A-Z as a-z; every other byte as it is.
inline std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

} // namespace rulec
