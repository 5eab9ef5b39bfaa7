//===- KqlHelpers.cpp - Kusto helpers the generated code calls ------------===//
//
// Declared in include/rulec/abi.h: term matching (`has`), datetimes and
// now(), let-table sets, regular expressions, and value conversions.
// docs/kql.md gives the semantics and their sources.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"
#include "EventTime.h"

#include <charconv>
#include <cstring>

namespace {

inline bool isTermChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline unsigned char foldAscii(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

bool equalAt(const char *s, const char *needle, uint32_t m, bool caseSensitive) {
  if (caseSensitive)
    return std::memcmp(s, needle, m) == 0;
  for (uint32_t i = 0; i < m; ++i)
    if (foldAscii(static_cast<unsigned char>(s[i])) != static_cast<unsigned char>(needle[i]))
      return false;
  return true;
}

} // namespace

extern "C" int rulec_rt_has(const char *s, uint32_t n, const char *needle, uint32_t m, uint32_t mode) {
  if (m == 0)
    return 1;
  if (m > n)
    return 0;
  const bool cs = mode & RULEC_HAS_CS;
  // Where the needle's own ends are term characters, the match must start /
  // end on a term boundary of s; hasprefix frees the end, hassuffix the start.
  const bool needStart = !(mode & RULEC_HAS_SUFFIX) && isTermChar(static_cast<unsigned char>(needle[0]));
  const bool needEnd = !(mode & RULEC_HAS_PREFIX) && isTermChar(static_cast<unsigned char>(needle[m - 1]));
  for (uint32_t p = 0; p + m <= n; ++p) {
    if (needStart && p > 0 && isTermChar(static_cast<unsigned char>(s[p - 1])))
      continue;
    if (needEnd && p + m < n && isTermChar(static_cast<unsigned char>(s[p + m])))
      continue;
    if (equalAt(s + p, needle, m, cs))
      return 1;
  }
  return 0;
}

extern "C" int64_t rulec_rt_now(const rulec_context *ctx) { return ctx->now; }

extern "C" int64_t rulec_rt_datetime(const rulec_value *v) {
  int64_t ns;
  if (v->kind == RULEC_STRING && rulec::parseTimestamp(std::string_view(v->payload.s, v->len), ns))
    return ns;
  return INT64_MIN;
}

extern "C" int rulec_rt_set_match(rulec_context *ctx, uint32_t set, const char *s, uint32_t n, uint32_t mode) {
  const int64_t retention = ctx->pack.sets[set].retentionNanos;
  const int64_t since = (ctx->streaming && retention) ? ctx->now - retention : INT64_MIN;
  return ctx->sets[set].match(std::string_view(s, n), mode, since);
}

extern "C" int rulec_rt_regex_match(rulec_context *ctx, uint32_t regex, const char *s, uint32_t n) {
  const re2::RE2 &re = *ctx->regexes[regex];
  return re.ok() && re2::RE2::PartialMatch(re2::StringPiece(s, n), re);
}

extern "C" void rulec_rt_convert(rulec_context *ctx, uint32_t fn, const rulec_value *in, rulec_value *out) {
  std::memset(out, 0, sizeof *out);
  if (fn == RULEC_FN_TOSTRING) {
    // Kusto's tostring: strings stay, numbers and bools print, null is "".
    char buf[64];
    std::string_view text;
    switch (in->kind) {
    case RULEC_STRING: *out = *in; return;
    case RULEC_MISSING: case RULEC_NULL: text = ""; break;
    case RULEC_BOOL: text = in->payload.i ? "true" : "false"; break;
    case RULEC_INT: {
      auto r = std::to_chars(buf, buf + sizeof buf, in->payload.i);
      text = std::string_view(buf, r.ptr - buf);
      break;
    }
    case RULEC_DOUBLE: {
      auto r = std::to_chars(buf, buf + sizeof buf, in->payload.d);
      text = std::string_view(buf, r.ptr - buf);
      break;
    }
    default: return; // dynamic arrays and objects: not rendered (docs/kql.md)
    }
    char *copy = ctx->scratch(text.size() + 1);
    std::memcpy(copy, text.data(), text.size());
    out->kind = RULEC_STRING;
    out->len = static_cast<uint32_t>(text.size());
    out->payload.s = copy;
    return;
  }
  if (in->kind != RULEC_STRING) {
    // Kusto converts to string first; digits and "true"/"false" have no case to change.
    rulec_rt_convert(ctx, RULEC_FN_TOSTRING, in, out);
    return;
  }
  char *copy = ctx->scratch(in->len + 1);
  for (uint32_t i = 0; i < in->len; ++i) {
    unsigned char c = static_cast<unsigned char>(in->payload.s[i]);
    copy[i] = static_cast<char>(fn == RULEC_FN_TOLOWER ? foldAscii(c)
                                : (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
  }
  out->kind = RULEC_STRING;
  out->len = in->len;
  out->payload.s = copy;
}
