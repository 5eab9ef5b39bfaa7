//===- KqlHelpers.cpp - Kusto helpers the generated code calls ------------===//
//
// Declared in include/rulec/abi.h: term matching (`has`), datetimes and
// now(), let-table sets, regular expressions, and calls of the scalar
// functions (runtime/functions/).
// docs/kql.md gives the semantics and their sources.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"
#include "events/EventTime.h"
#include "matching/KqlValues.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>
#include <cstring>

namespace {

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
  const bool needStart = !(mode & RULEC_HAS_SUFFIX) && rulec::isTermByte(needle[0]);
  const bool needEnd = !(mode & RULEC_HAS_PREFIX) && rulec::isTermByte(needle[m - 1]);
  for (uint32_t p = 0; p + m <= n; ++p) {
    if (needStart && p > 0 && rulec::isTermByte(s[p - 1]))
      continue;
    if (needEnd && p + m < n && rulec::isTermByte(s[p + m]))
      continue;
    if (equalAt(s + p, needle, m, cs))
      return 1;
  }
  return 0;
}

extern "C" int64_t rulec_rt_now(const rulec_context *ctx) { return ctx->now; }

extern "C" int64_t rulec_rt_datetime(const rulec_value *v) {
  int64_t ns;
  if (v->kind == RULEC_DATETIME)
    return v->payload.i;
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
  const re2::RE2 &re = ctx->regex(regex);
  return re.ok() && ctx->regexGate.mayMatch(regex, std::string_view(s, n)) &&
         re2::RE2::PartialMatch(re2::StringPiece(s, n), re);
}

extern "C" void rulec_rt_call(rulec_context *ctx, uint32_t fn, uint32_t argc, const rulec_value *const *args,
                              rulec_value *out) {
  *out = rulec::kqlvalue::null();
  const rulec::functions::Function *f = fn < ctx->functions.size() ? ctx->functions[fn] : nullptr;
  if (f && argc >= f->minArgs && argc <= f->maxArgs)
    f->eval(ctx, argc, args, out);
  // A function that returns one of its arguments (coalesce, $own, ...) as it
  // is: an array or object of the event carries no text, and its copy is no
  // longer the slot it came from. Its JSON text is the value.
  if (out->kind == RULEC_ARRAY || out->kind == RULEC_OBJECT)
    for (uint32_t i = 0; i < argc; ++i) {
      std::string json;
      if (std::memcmp(args[i], out, sizeof *out) == 0 && ctx->slotJson(*args[i], json)) {
        *out = rulec::kqlvalue::string(ctx, json, RULEC_JSON);
        break;
      }
    }
}
