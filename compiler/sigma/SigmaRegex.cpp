//===- SigmaRegex.cpp -----------------------------------------------------===//
#include "sigma/SigmaRegex.h"

#include <cctype>
#include <vector>

namespace rulec::sigma {

namespace {
/// What PCRE's end-of-subject `$` (and `\Z`) match: the end, or before a
/// final newline. `\n?\z` consumes that newline, which only a pattern that
/// goes on matching after `$` could tell apart (`a$\n`), and it cannot
/// look ahead in RE2.
const char *const kEnd = "(?:\\n?\\z)";

/// Applies the flag letters of a `(?flags)` or `(?flags:` group to `m`.
void applyFlags(const std::string &flags, bool &multiline) {
  bool on = true;
  for (char c : flags) {
    if (c == '-')
      on = false;
    else if (c == 'm')
      multiline = on;
  }
}
} // namespace

std::string pcreToRe2(const std::string &p, bool multiline) {
  std::string out;
  out.reserve(p.size() + 16);
  std::vector<bool> saved; // multi-line mode outside each open group
  bool inClass = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      if (!inClass && p[i + 1] == 'Z') {
        out += kEnd;
      } else {
        out += c;
        out += p[i + 1];
      }
      ++i;
      continue;
    }
    if (inClass) {
      // `[:alpha:]` inside a class is one item: its `]` does not close it.
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
        const size_t close = p.find(":]", i + 2);
        if (close != std::string::npos) {
          out.append(p, i, close + 2 - i);
          i = close + 1;
          continue;
        }
      }
      if (c == ']')
        inClass = false;
      out += c;
      continue;
    }
    switch (c) {
    case '[': {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a member, not the end.
      if (i + 1 < p.size() && p[i + 1] == '^')
        out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']')
        out += p[++i];
      break;
    }
    case '(': {
      saved.push_back(multiline);
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '?') {
        size_t j = i + 2;
        while (j < p.size() && (std::isalpha(static_cast<unsigned char>(p[j])) || p[j] == '-'))
          ++j;
        if (j < p.size() && j > i + 2 && (p[j] == ')' || p[j] == ':')) {
          const std::string flags = p.substr(i + 2, j - i - 2);
          if (p[j] == ')') {
            // `(?m)` sets the mode for the rest of the enclosing group.
            saved.pop_back();
            applyFlags(flags, multiline);
          } else {
            applyFlags(flags, multiline);
          }
          out.append(p, i + 1, j - i);
          i = j;
        }
      }
      break;
    }
    case ')':
      if (!saved.empty()) {
        multiline = saved.back();
        saved.pop_back();
      }
      out += c;
      break;
    case '$':
      out += multiline ? "$" : kEnd;
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace rulec::sigma
