//===- KeyValueFunctions.cpp - $parse_kv: the parse-kv operator's columns --===//
//
// $parse_kv(s, key, mode, pair_delimiter, kv_delimiter, quote, escape,
// greedy, regex): the value of `key` in `s`, or null (Kusto's parse-kv
// operator page). Modes:
//   0  delimiters: pairs split by pair_delimiter, key and value by
//      kv_delimiter; keys and values trimmed of spaces, quoted by `quote`
//      (one character, or an opening and a closing one) with `escape`; a
//      greedy value runs up to the next pair that has a key, else up to the
//      next pair delimiter;
//   1  best effort (no options): the key followed by ':' or '=' where a key
//      may start; the value runs to the next ',', ';' or space;
//   2  regex: every match of the pack's regex (index `regex`) is a pair,
//      group 1 the key and group 2 the value.
// The first occurrence of a key wins.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <re2/re2.h>

namespace rulec::functions {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

struct Delimiters {
  std::string_view pair, kv;
  char open = 0, close = 0, escape = 0;
  bool greedy = false;
};

/// A quoted token at `at` (which holds `open`): its text unescaped, `at` past the close.
std::string quoted(std::string_view s, size_t &at, const Delimiters &d) {
  std::string out;
  for (++at; at < s.size() && s[at] != d.close; ++at) {
    if (d.escape && s[at] == d.escape && at + 1 < s.size())
      ++at;
    out += s[at];
  }
  if (at < s.size())
    ++at;
  return out;
}

/// Whether a key and a kv delimiter start at `at` (after spaces).
bool keyStartsAt(std::string_view s, size_t at, const Delimiters &d) {
  while (at < s.size() && s[at] == ' ')
    ++at;
  if (at < s.size() && d.open && s[at] == d.open) {
    const size_t close = s.find(d.close, at + 1);
    return close != std::string_view::npos && trim(s.substr(close + 1)).starts_with(d.kv);
  }
  const size_t kv = s.find(d.kv, at);
  if (kv == std::string_view::npos || kv == at)
    return false;
  const std::string_view key = s.substr(at, kv - at);
  return key.find(d.pair) == std::string_view::npos || trim(key).find(d.pair) == std::string_view::npos;
}

bool byDelimiters(std::string_view s, std::string_view want, const Delimiters &d, std::string &value) {
  size_t at = 0;
  while (at < s.size()) {
    while (at < s.size() && (s[at] == ' ' || s.substr(at).starts_with(d.pair)))
      at += s.substr(at).starts_with(d.pair) ? d.pair.size() : 1;
    if (at >= s.size())
      break;
    // The key: quoted, or up to the kv delimiter (a pair without one is skipped).
    std::string key;
    if (d.open && s[at] == d.open) {
      key = quoted(s, at, d);
      while (at < s.size() && s[at] == ' ')
        ++at;
    } else {
      const size_t kv = s.find(d.kv, at), next = s.find(d.pair, at);
      if (kv == std::string_view::npos)
        return false;
      if (next != std::string_view::npos && next < kv) { // no kv delimiter in this pair
        at = next;
        continue;
      }
      key = std::string(trim(s.substr(at, kv - at)));
      at = kv;
    }
    if (!s.substr(at).starts_with(d.kv)) {
      const size_t next = s.find(d.pair, at);
      at = next == std::string_view::npos ? s.size() : next;
      continue;
    }
    at += d.kv.size();
    while (at < s.size() && s[at] == ' ')
      ++at;
    std::string v;
    if (d.open && at < s.size() && s[at] == d.open) {
      v = quoted(s, at, d);
    } else {
      size_t end = s.find(d.pair, at);
      if (d.greedy) // up to the next pair that has a key
        while (end != std::string_view::npos && !keyStartsAt(s, end + d.pair.size(), d))
          end = s.find(d.pair, end + d.pair.size());
      if (end == std::string_view::npos)
        end = s.size();
      v = std::string(trim(s.substr(at, end - at)));
      at = end;
    }
    if (key == want) {
      value = std::move(v);
      return true;
    }
  }
  return false;
}

bool bestEffort(std::string_view s, std::string_view want, std::string &value) {
  auto keyByte = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
  for (size_t at = s.find(want); at != std::string_view::npos; at = s.find(want, at + 1)) {
    if (at > 0 && keyByte(s[at - 1]))
      continue;
    size_t p = at + want.size();
    while (p < s.size() && s[p] == ' ')
      ++p;
    if (p >= s.size() || (s[p] != ':' && s[p] != '='))
      continue;
    ++p;
    while (p < s.size() && s[p] == ' ')
      ++p;
    size_t end = p;
    while (end < s.size() && s[end] != ',' && s[end] != ';' && s[end] != ' ')
      ++end;
    value = std::string(s.substr(p, end - p));
    return true;
  }
  return false;
}

bool byRegex(rulec_context *ctx, std::string_view s, std::string_view want, int64_t regex, std::string &value) {
  if (regex < 0 || static_cast<size_t>(regex) >= ctx->pack.regexes.size())
    return false;
  const re2::RE2 &re = ctx->regex(static_cast<uint32_t>(regex));
  if (!re.ok() || re.NumberOfCapturingGroups() < 2)
    return false;
  re2::StringPiece groups[3];
  for (size_t at = 0; at <= s.size();) {
    if (!re.Match(s, at, s.size(), re2::RE2::UNANCHORED, groups, 3))
      return false;
    if (groups[1].data() && trim(std::string_view(groups[1].data(), groups[1].size())) == want) {
      value = groups[2].data() ? std::string(groups[2].data(), groups[2].size()) : "";
      return true;
    }
    const size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
    at = end > at ? end : at + 1;
  }
  return false;
}

void parseKv(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, key, pair, kv, quote, escape, value;
  if (!textArg(ctx, argc, args, 0, text) || isNull(*args[0]) || !textArg(ctx, argc, args, 1, key) ||
      args[2]->kind != RULEC_INT || !textArg(ctx, argc, args, 3, pair) || !textArg(ctx, argc, args, 4, kv) ||
      !textArg(ctx, argc, args, 5, quote) || !textArg(ctx, argc, args, 6, escape) || args[8]->kind != RULEC_INT)
    return;
  bool found = false;
  switch (args[2]->payload.i) {
  case 0: {
    Delimiters d;
    d.pair = pair;
    d.kv = kv;
    if (!quote.empty()) {
      d.open = quote[0];
      d.close = quote.size() > 1 ? quote[1] : quote[0];
    }
    d.escape = escape.empty() ? 0 : escape[0];
    d.greedy = args[7]->kind == RULEC_BOOL && args[7]->payload.i;
    found = !pair.empty() && !kv.empty() && byDelimiters(text, key, d, value);
    break;
  }
  case 1: found = bestEffort(text, key, value); break;
  case 2: found = byRegex(ctx, text, key, args[8]->payload.i, value); break;
  default: break;
  }
  if (found)
    *out = kqlvalue::string(ctx, value);
}

constexpr Function kTable[] = {
    {"$parse_kv", 9, 9, parseKv},
};

} // namespace

extern const Family kKeyValueFunctions{kTable};

} // namespace rulec::functions
