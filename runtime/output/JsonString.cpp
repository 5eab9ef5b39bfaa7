//===- JsonString.cpp -----------------------------------------------------===//
#include "output/JsonString.h"

#include <cstdio>

namespace rulec {

void appendJsonEscaped(std::string &out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
}

void appendJsonString(std::string &out, std::string_view s) {
  out += '"';
  appendJsonEscaped(out, s);
  out += '"';
}

} // namespace rulec
