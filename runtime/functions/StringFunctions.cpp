//===- StringFunctions.cpp - strlen, substring, split, base64, ... ---------===//
//
// Kusto counts characters (UTF-8 code points), not bytes, in strlen,
// substring and indexof. Decoders give null for bytes that are not UTF-8.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace rulec::functions {

namespace {

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

void indexOf(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, piece;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, piece))
    return;
  size_t at = text.find(piece);
  *out = intValue(at == std::string::npos ? -1 : static_cast<int64_t>(characterStarts(text.substr(0, at)).size()));
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

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool base64Decode(std::string_view in, std::string &out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : in) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const char *at = std::strchr(kBase64, c);
    if (!at || !c || padding)
      return false;
    buffer = buffer << 6 | static_cast<uint32_t>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xFF);
    }
  }
  return padding <= 2;
}

std::string base64Encode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0})
      out += kBase64[n >> shift & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size())
      n |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kBase64[n >> 18 & 63];
    out += kBase64[n >> 12 & 63];
    out += i + 1 < in.size() ? kBase64[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

void base64DecodeToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (textArg(ctx, argc, args, 0, text) && base64Decode(text, decoded) && validUtf8(decoded))
    *out = kqlvalue::string(ctx, decoded);
}

void base64EncodeToString(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (textArg(ctx, argc, args, 0, text))
    *out = kqlvalue::string(ctx, base64Encode(text));
}

void urlDecode(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, decoded;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr == text.data() + i + 3) {
      decoded += static_cast<char>(value);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  if (validUtf8(decoded))
    *out = kqlvalue::string(ctx, decoded);
}

constexpr Function kTable[] = {
    {"strlen", 1, 1, strLen},
    {"strcat", 1, 64, strCat},
    {"substring", 2, 3, substring},
    {"indexof", 2, 2, indexOf},
    {"$split_at", 3, 3, splitAt},
    {"split", 2, 2, split},
    {"replace_string", 3, 3, replaceString},
    {"reverse", 1, 1, reverse},
    {"strcmp", 2, 2, strCmp},
    {"strrep", 2, 3, strRep},
    {"base64_decode_tostring", 1, 1, base64DecodeToString},
    {"base64_encode_tostring", 1, 1, base64EncodeToString},
    {"url_decode", 1, 1, urlDecode},
};

} // namespace

extern const Family kStringFunctions{kTable};

} // namespace rulec::functions
