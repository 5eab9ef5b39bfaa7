//===- StringFunctions.cpp - strlen, substring, split, indexof, countof, ... ===//
//
// Kusto counts characters (UTF-8 code points), not bytes, in strlen,
// substring and indexof. Decoders give null for bytes that are not UTF-8.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace rulec::functions {

namespace {

/// Results longer than this are null (strrep's cap, the same for all).
constexpr size_t kMaxResultBytes = size_t(1) << 20;

/// countof's regex kind and indexof_regex compile their pattern at run time: a small cache per
/// thread, by pattern, dropped whole when full.
const re2::RE2 *cachedRegex(const std::string &pattern) {
  static constexpr size_t kMaxEntries = 64, kMaxPattern = 4096;
  thread_local std::unordered_map<std::string, std::unique_ptr<re2::RE2>> cache;
  if (pattern.size() > kMaxPattern)
    return nullptr;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    if (cache.size() >= kMaxEntries)
      cache.clear();
    re2::RE2::Options options;
    options.set_log_errors(false);
    it = cache.emplace(pattern, std::make_unique<re2::RE2>(pattern, options)).first;
  }
  return it->second->ok() ? it->second.get() : nullptr;
}

/// A JSON element's string, false when it is not a string.
bool jsonString(rulec_context *ctx, const std::string &json, std::string &out) {
  simdjson::dom::element e;
  std::string_view s;
  if (ctx->json.parse(json).get(e) || e.get_string().get(s))
    return false;
  out.assign(s);
  return true;
}

/// Code points of UTF-8 text, each as its bytes.
std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  const std::vector<size_t> starts = characterStarts(s);
  for (size_t i = 0; i < starts.size(); ++i)
    out.push_back(s.substr(starts[i], (i + 1 < starts.size() ? starts[i + 1] : s.size()) - starts[i]));
  return out;
}

/// The pieces of `text` between occurrences of `separator` (not empty).
std::vector<std::string_view> splitText(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> parts;
  for (size_t at; (at = text.find(separator)) != std::string_view::npos; text.remove_prefix(at + separator.size()))
    parts.push_back(text.substr(0, at));
  parts.push_back(text);
  return parts;
}

void strLen(rulec_context *ctx, uint32_t, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (kqlvalue::text(ctx, *args[0], text))
    *out = intValue(static_cast<int64_t>(characterStarts(text).size()));
}

void strCat(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, piece;
  for (uint32_t i = 0; i < argc; ++i) {
    if (!kqlvalue::text(ctx, *args[i], piece))
      return;
    text += piece;
  }
  *out = kqlvalue::string(ctx, text);
}

void substring(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!kqlvalue::text(ctx, *args[0], text) || args[1]->kind != RULEC_INT)
    return;
  const std::vector<size_t> starts = characterStarts(text);
  const int64_t n = static_cast<int64_t>(starts.size());
  int64_t from = std::clamp<int64_t>(args[1]->payload.i, 0, n);
  int64_t count = argc > 2 && args[2]->kind == RULEC_INT ? args[2]->payload.i : n - from;
  // Clamped before adding: from + count overflowed for a count near INT64_MAX.
  int64_t to = from + std::clamp<int64_t>(count, 0, n - from);
  const size_t b = from < n ? starts[from] : text.size(), e = to < n ? starts[to] : text.size();
  *out = kqlvalue::string(ctx, std::string_view(text).substr(b, e - b));
}

/// indexof(s, lookup [, start [, length [, occurrence]]]): a negative start
/// counts from the end; each occurrence is searched for in the `length`
/// characters from where the last one started plus one (-1: to the end).
void indexOf(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, piece;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, piece))
    return;
  for (uint32_t i = 2; i < argc; ++i)
    if (args[i]->kind != RULEC_INT)
      return;
  const std::vector<size_t> starts = characterStarts(text);
  const int64_t n = static_cast<int64_t>(starts.size());
  int64_t start = argc > 2 ? args[2]->payload.i : 0;
  const int64_t length = argc > 3 ? args[3]->payload.i : -1;
  const int64_t occurrence = argc > 4 ? args[4]->payload.i : 1;
  if (length < -1 || occurrence <= 0)
    return;
  if (start < 0)
    start = std::max<int64_t>(start + n, 0);
  auto byteAt = [&](int64_t c) { return c >= n ? text.size() : starts[static_cast<size_t>(c)]; };
  int64_t found = -1;
  for (int64_t k = 0; k < occurrence; ++k) {
    if (start > n)
      return *out = intValue(-1), void();
    const size_t from = byteAt(start);
    const size_t to = length < 0 || length > n - start ? text.size() : byteAt(start + length);
    const size_t at = std::string_view(text).substr(from, to - from).find(piece);
    if (at == std::string_view::npos)
      return *out = intValue(-1), void();
    const size_t byte = from + at;
    found = std::upper_bound(starts.begin(), starts.end(), byte) - starts.begin() - 1;
    if (byte == text.size())
      found = n;
    start = found + 1;
  }
  *out = intValue(found);
}

/// countof(s, search [, kind]): plain matches may overlap; regex ones do not.
void countOf(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, search, kind = "normal";
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, search) ||
      (argc > 2 && !textArg(ctx, argc, args, 2, kind)))
    return;
  int64_t count = 0;
  if (kind == "normal") {
    if (search.empty())
      return *out = intValue(0), void();
    for (size_t at = 0; (at = text.find(search, at)) != std::string::npos; ++at)
      ++count;
  } else if (kind == "regex") {
    const re2::RE2 *re = cachedRegex(search);
    if (!re)
      return;
    re2::StringPiece input(text), match;
    for (size_t at = 0; at <= text.size();) {
      if (!re->Match(input, at, text.size(), re2::RE2::UNANCHORED, &match, 1))
        break;
      ++count;
      const size_t end = static_cast<size_t>(match.data() - text.data()) + match.size();
      at = end > at ? end : at + 1;
    }
  } else {
    return;
  }
  *out = intValue(count);
}

/// indexof_regex(s, re [, start [, length [, occurrence]]]): the character
/// index of the occurrence-th match of `re` in the `length` characters from
/// `start` (-1: to the end); matches do not overlap. A negative start (unlike
/// indexof's), a length below -1, an occurrence below 1 or a bad regex: null.
void indexOfRegex(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, pattern;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, pattern))
    return;
  for (uint32_t i = 2; i < argc; ++i)
    if (args[i]->kind != RULEC_INT)
      return;
  const int64_t start = argc > 2 ? args[2]->payload.i : 0;
  const int64_t length = argc > 3 ? args[3]->payload.i : -1;
  const int64_t occurrence = argc > 4 ? args[4]->payload.i : 1;
  const re2::RE2 *re = cachedRegex(pattern);
  if (start < 0 || length < -1 || occurrence <= 0 || !re)
    return;
  const std::vector<size_t> starts = characterStarts(text);
  const int64_t n = static_cast<int64_t>(starts.size());
  if (start > n)
    return *out = intValue(-1), void();
  auto byteAt = [&](int64_t c) { return c >= n ? text.size() : starts[static_cast<size_t>(c)]; };
  const size_t to = length < 0 || length > n - start ? text.size() : byteAt(start + length);
  re2::StringPiece input(text), match;
  int64_t found = 0;
  for (size_t at = byteAt(start); at <= to;) {
    if (!re->Match(input, at, to, re2::RE2::UNANCHORED, &match, 1))
      break;
    const size_t begin = static_cast<size_t>(match.data() - text.data()), end = begin + match.size();
    if (++found == occurrence)
      return *out = intValue(std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin() - 1 +
                             (begin == text.size() ? 1 : 0)),
             void();
    at = end > at ? end : at + 1; // an empty match moves on a byte
  }
  *out = intValue(-1);
}

/// replace_strings(s, lookups, rewrites): matches never overlap and an
/// earlier lookup takes precedence (its matches are found first, anywhere in
/// the text); a rewrite that is not a string keeps the matched text.
void replaceStrings(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  std::vector<std::string> lookupItems, rewriteItems;
  if (!textArg(ctx, argc, args, 0, text) || !arrayItems(ctx, *args[1], lookupItems) ||
      !arrayItems(ctx, *args[2], rewriteItems))
    return;
  std::vector<bool> covered(text.size());
  std::vector<std::pair<size_t, size_t>> matches; // (offset, lookup index)
  std::vector<std::string> lookups(lookupItems.size());
  for (size_t i = 0; i < lookupItems.size(); ++i) {
    std::string &lookup = lookups[i];
    if (!jsonString(ctx, lookupItems[i], lookup) || lookup.empty())
      continue; // not a string: ignored
    // Bytes covered by earlier lookups' matches, as running counts: a
    // lookup's own matches never overlap, as its search moves past each.
    std::vector<uint32_t> before(text.size() + 1);
    for (size_t k = 0; k < text.size(); ++k)
      before[k + 1] = before[k] + covered[k];
    const size_t first = matches.size();
    for (size_t at = 0; (at = text.find(lookup, at)) != std::string::npos;) {
      if (before[at + lookup.size()] != before[at]) {
        ++at;
        continue;
      }
      matches.emplace_back(at, i);
      at += lookup.size();
    }
    for (size_t m = first; m < matches.size(); ++m)
      std::fill(covered.begin() + matches[m].first, covered.begin() + matches[m].first + lookup.size(), true);
  }
  std::sort(matches.begin(), matches.end());
  std::string result, rewrite;
  size_t from = 0;
  for (const auto &[at, i] : matches) {
    result.append(text, from, at - from);
    result += i < rewriteItems.size() && jsonString(ctx, rewriteItems[i], rewrite) ? rewrite : lookups[i];
    from = at + lookups[i].size();
    if (result.size() > kMaxResultBytes)
      return;
  }
  result.append(text, from, std::string::npos);
  *out = kqlvalue::string(ctx, result);
}

/// strcat_delim(delimiter, a1, a2, ...)
void strcatDelim(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string delimiter, text, piece;
  if (!textArg(ctx, argc, args, 0, delimiter))
    return;
  for (uint32_t i = 1; i < argc; ++i) {
    if (!textArg(ctx, argc, args, i, piece))
      return;
    text += (i > 1 ? delimiter : "") + piece;
  }
  *out = kqlvalue::string(ctx, text);
}

/// string_size: the UTF-8 bytes.
void stringSize(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (textArg(ctx, argc, args, 0, text))
    *out = intValue(static_cast<int64_t>(text.size()));
}

bool validCodePoint(int64_t c) { return c >= 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF); }

/// unicode_codepoints_to_string(values...): ints or arrays of ints; any
/// other value, or a number that is no code point, gives null.
void codepointsToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  for (uint32_t i = 0; i < argc; ++i) {
    if (args[i]->kind == RULEC_INT) {
      if (!validCodePoint(args[i]->payload.i))
        return;
      appendUtf8(text, static_cast<uint32_t>(args[i]->payload.i));
      continue;
    }
    std::vector<std::string> items;
    if (!arrayItems(ctx, *args[i], items))
      return;
    for (const std::string &item : items) {
      int64_t c;
      const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), c);
      if (ec != std::errc() || end != item.data() + item.size() || !validCodePoint(c))
        return;
      appendUtf8(text, static_cast<uint32_t>(c));
    }
  }
  *out = kqlvalue::string(ctx, text);
}

/// unicode_codepoints_from_string(s): the code points as an array of ints.
void codepointsFromString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text) || !validUtf8(text))
    return;
  std::vector<std::string> items;
  for (std::string_view c : characters(text)) {
    const auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(c[i])); };
    uint32_t code = c.size() == 1   ? b(0)
                    : c.size() == 2 ? (b(0) & 0x1F) << 6 | (b(1) & 0x3F)
                    : c.size() == 3 ? (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F)
                                    : (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
    items.push_back(std::to_string(code));
  }
  *out = arrayValue(ctx, items);
}

/// tohex(n [, minLength]): 64-bit two's complement, lower case, padded with
/// zeros to minLength.
void toHex(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  if (args[0]->kind != RULEC_INT || (argc > 1 && args[1]->kind != RULEC_INT))
    return;
  char buf[32];
  std::string hex(buf, std::to_chars(buf, buf + sizeof buf, static_cast<uint64_t>(args[0]->payload.i), 16).ptr);
  const int64_t width = argc > 1 ? std::min<int64_t>(args[1]->payload.i, 64) : 0;
  if (static_cast<int64_t>(hex.size()) < width)
    hex.insert(0, static_cast<size_t>(width) - hex.size(), '0');
  *out = kqlvalue::string(ctx, hex);
}

/// format_bytes(size [, precision [, units [, base]]]): units Bytes, KB,
/// ... EB, chosen by size when not given; base 2 (1024, the default) or 10.
void formatBytes(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  static constexpr std::string_view kUnits[] = {"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  double size;
  if (args[0]->kind == RULEC_INT)
    size = static_cast<double>(args[0]->payload.i);
  else if (args[0]->kind == RULEC_DOUBLE && std::isfinite(args[0]->payload.d))
    size = args[0]->payload.d;
  else
    return;
  int64_t precision = 0, base = 2;
  std::string units;
  if ((argc > 1 && args[1]->kind != RULEC_INT) || (argc > 2 && !textArg(ctx, argc, args, 2, units)) ||
      (argc > 3 && args[3]->kind != RULEC_INT))
    return;
  if (argc > 1)
    precision = args[1]->payload.i;
  if (argc > 3)
    base = args[3]->payload.i;
  if (precision < 0 || precision > 15 || (base != 2 && base != 10))
    return;
  const double step = base == 2 ? 1024.0 : 1000.0;
  size_t unit = 0;
  if (units.empty()) {
    while (unit + 1 < std::size(kUnits) && std::fabs(size) >= std::pow(step, static_cast<double>(unit + 1)))
      ++unit;
  } else {
    while (unit < std::size(kUnits) && !std::equal(units.begin(), units.end(), kUnits[unit].begin(), kUnits[unit].end(),
                                                    [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      ++unit;
    if (unit == std::size(kUnits))
      return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f %s", static_cast<int>(precision),
                size / std::pow(step, static_cast<double>(unit)), std::string(kUnits[unit]).c_str());
  *out = kqlvalue::string(ctx, buf);
}

/// split(s, sep)[i]: the i-th piece (negative from the end).
void splitAt(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, piece;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, piece) || args[2]->kind != RULEC_INT ||
      piece.empty())
    return;
  const std::vector<std::string_view> parts = splitText(text, piece);
  int64_t i = args[2]->payload.i;
  if (i < 0)
    i += static_cast<int64_t>(parts.size());
  if (i >= 0 && i < static_cast<int64_t>(parts.size()))
    *out = kqlvalue::string(ctx, parts[static_cast<size_t>(i)]);
}

void split(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, piece;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, piece) || piece.empty())
    return;
  std::vector<std::string> items;
  for (std::string_view part : splitText(text, piece))
    items.push_back(jsonQuoted(part));
  *out = arrayValue(ctx, items);
}

void replaceString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, lookup, rewrite;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, lookup) ||
      !textArg(ctx, argc, args, 2, rewrite))
    return;
  if (!lookup.empty())
    for (size_t at = 0; (at = text.find(lookup, at)) != std::string::npos; at += rewrite.size())
      text.replace(at, lookup.size(), rewrite);
  *out = kqlvalue::string(ctx, text);
}

void reverse(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, reversed;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  auto chars = characters(text);
  std::reverse(chars.begin(), chars.end());
  for (std::string_view c : chars)
    reversed += c;
  *out = kqlvalue::string(ctx, reversed);
}

void strCmp(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string a, b;
  if (textArg(ctx, argc, args, 0, a) && textArg(ctx, argc, args, 1, b))
    *out = intValue(a < b ? -1 : a > b ? 1 : 0);
}

void strRep(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  static constexpr size_t kMaxBytes = size_t(1) << 20; // Kusto caps strrep's result too
  std::string text, delimiter, result;
  if (!textArg(ctx, argc, args, 0, text) || args[1]->kind != RULEC_INT || args[1]->payload.i < 0)
    return;
  if (argc > 2 && !textArg(ctx, argc, args, 2, delimiter))
    return;
  for (int64_t i = 0; i < args[1]->payload.i && result.size() <= kMaxBytes; ++i)
    result += (i ? delimiter : "") + text;
  if (result.size() <= kMaxBytes)
    *out = kqlvalue::string(ctx, result);
}

constexpr Function kTable[] = {
    {"strlen", 1, 1, strLen},
    {"strcat", 1, 64, strCat},
    {"substring", 2, 3, substring},
    {"indexof", 2, 5, indexOf},
    {"indexof_regex", 2, 5, indexOfRegex},
    {"countof", 2, 3, countOf},
    {"replace_strings", 3, 3, replaceStrings},
    {"strcat_delim", 3, 65, strcatDelim},
    {"string_size", 1, 1, stringSize},
    {"unicode_codepoints_to_string", 1, 64, codepointsToString},
    {"unicode_codepoints_from_string", 1, 1, codepointsFromString},
    {"tohex", 1, 2, toHex},
    {"format_bytes", 1, 4, formatBytes},
    {"$split_at", 3, 3, splitAt},
    {"split", 2, 2, split},
    {"replace_string", 3, 3, replaceString},
    {"reverse", 1, 1, reverse},
    {"strcmp", 2, 2, strCmp},
    {"strrep", 2, 3, strRep},
};

} // namespace

extern const Family kStringFunctions{kTable};

} // namespace rulec::functions
