//===- JsonDocuments.cpp --------------------------------------------------===//
#include "events/JsonDocuments.h"

#include <cctype>

namespace rulec {

std::vector<JsonDocument> splitJsonDocuments(std::string_view text) {
  std::vector<JsonDocument> out;
  size_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    const size_t start = i, startLine = line;
    if (c != '{' && c != '[') {
      // Not a document: up to the end of the line, for the parser to reject.
      while (i < text.size() && text[i] != '\n')
        ++i;
      out.push_back({text.substr(start, i - start), startLine});
      continue;
    }
    int depth = 0;
    bool inString = false, escaped = false;
    for (; i < text.size(); ++i) {
      const char d = text[i];
      if (d == '\n')
        ++line;
      if (inString) {
        if (escaped)
          escaped = false;
        else if (d == '\\')
          escaped = true;
        else if (d == '"')
          inString = false;
        continue;
      }
      if (d == '"')
        inString = true;
      else if (d == '{' || d == '[')
        ++depth;
      else if ((d == '}' || d == ']') && --depth == 0) {
        ++i;
        break;
      }
    }
    out.push_back({text.substr(start, i - start), startLine});
  }
  return out;
}

} // namespace rulec
