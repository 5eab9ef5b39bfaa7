//===- KqlHelpers.cpp - Kusto helpers the generated code calls ------------===//
//
// Declared in include/rulec/abi.h: term matching (`has`), datetimes and
// now(), let-table sets, regular expressions, and value conversions.
// docs/kql.md gives the semantics and their sources.
//
//===----------------------------------------------------------------------===//
#include "EvalContext.h"
#include "events/EventTime.h"
#include "matching/KqlFunctions.h"
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

namespace {

using rulec::kqlvalue::isNull;

/// Byte offsets of UTF-8 code points: Kusto counts characters, not bytes.
std::vector<size_t> characterStarts(std::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      out.push_back(i);
  return out;
}

rulec_value numberFromText(std::string_view t, bool integer) {
  rulec_value v{};
  if (integer) {
    int64_t i;
    auto r = std::from_chars(t.data(), t.data() + t.size(), i);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size())
      return rulec::kqlvalue::null();
    v.kind = RULEC_INT;
    v.payload.i = i;
    return v;
  }
  double d;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size())
    return rulec::kqlvalue::null();
  v.kind = RULEC_DOUBLE;
  v.payload.d = d;
  return v;
}

/// Kusto arithmetic: ints stay ints (division truncates), anything with a
/// real is real; a null or non-number operand, or division by zero of ints,
/// gives null.
rulec_value arithmetic(uint32_t fn, const rulec_value &a, const rulec_value &b) {
  auto isNum = [](const rulec_value &v) { return v.kind == RULEC_INT || v.kind == RULEC_DOUBLE || v.kind == RULEC_BOOL; };
  rulec_value out = rulec::kqlvalue::null();
  if (!isNum(a) || !isNum(b))
    return out;
  if (a.kind != RULEC_DOUBLE && b.kind != RULEC_DOUBLE) {
    const int64_t x = a.payload.i, y = b.payload.i;
    int64_t r;
    switch (fn) {
    case RULEC_FN_ADD: if (__builtin_add_overflow(x, y, &r)) return out; break;
    case RULEC_FN_SUB: if (__builtin_sub_overflow(x, y, &r)) return out; break;
    case RULEC_FN_MUL: if (__builtin_mul_overflow(x, y, &r)) return out; break;
    case RULEC_FN_DIV: if (y == 0 || (x == INT64_MIN && y == -1)) return out; r = x / y; break;
    default: if (y == 0 || (x == INT64_MIN && y == -1)) return out; r = x % y; break;
    }
    out.kind = RULEC_INT;
    out.payload.i = r;
    return out;
  }
  const double x = a.kind == RULEC_DOUBLE ? a.payload.d : static_cast<double>(a.payload.i);
  const double y = b.kind == RULEC_DOUBLE ? b.payload.d : static_cast<double>(b.payload.i);
  out.kind = RULEC_DOUBLE;
  switch (fn) {
  case RULEC_FN_ADD: out.payload.d = x + y; break;
  case RULEC_FN_SUB: out.payload.d = x - y; break;
  case RULEC_FN_MUL: out.payload.d = x * y; break;
  case RULEC_FN_DIV: out.payload.d = x / y; break;
  default: out.payload.d = std::fmod(x, y); break;
  }
  return out;
}

/// parse_json(s) followed by member and index steps: the value at the path
/// in the JSON text of `s`; nested arrays and objects come back as their
/// JSON text.
rulec_value jsonGet(rulec_context *ctx, uint32_t argc, const rulec_value *const *args) {
  if (argc == 0 || (args[0]->kind != RULEC_STRING && args[0]->kind != RULEC_JSON))
    return rulec::kqlvalue::null();
  simdjson::dom::element node;
  if (ctx->json.parse(args[0]->payload.s, args[0]->len).get(node))
    return rulec::kqlvalue::null();
  for (uint32_t i = 1; i < argc; ++i) {
    const rulec_value &step = *args[i];
    simdjson::dom::element next;
    if (step.kind == RULEC_STRING) {
      simdjson::dom::object object;
      if (node.get_object().get(object) || object.at_key(std::string_view(step.payload.s, step.len)).get(next))
        return rulec::kqlvalue::null();
    } else if (step.kind == RULEC_INT) {
      simdjson::dom::array array;
      if (node.get_array().get(array))
        return rulec::kqlvalue::null();
      int64_t index = step.payload.i < 0 ? step.payload.i + static_cast<int64_t>(array.size()) : step.payload.i;
      if (index < 0 || array.at(static_cast<size_t>(index)).get(next))
        return rulec::kqlvalue::null();
    } else {
      return rulec::kqlvalue::null();
    }
    node = next;
  }
  rulec_value out{};
  switch (node.type()) {
  case simdjson::dom::element_type::STRING: return rulec::kqlvalue::string(ctx, node.get_string().value_unsafe());
  case simdjson::dom::element_type::INT64: out.kind = RULEC_INT; out.payload.i = node.get_int64().value_unsafe(); return out;
  case simdjson::dom::element_type::DOUBLE: out.kind = RULEC_DOUBLE; out.payload.d = node.get_double().value_unsafe(); return out;
  case simdjson::dom::element_type::UINT64:
    out.kind = RULEC_DOUBLE;
    out.payload.d = static_cast<double>(node.get_uint64().value_unsafe());
    return out;
  case simdjson::dom::element_type::BOOL: out.kind = RULEC_BOOL; out.payload.i = node.get_bool().value_unsafe(); return out;
  case simdjson::dom::element_type::NULL_VALUE: return rulec::kqlvalue::null();
  default: return rulec::kqlvalue::string(ctx, simdjson::minify(node), RULEC_JSON); // an array or object
  }
}

/// todynamic(x) / parse_json(x): a string of JSON text becomes the value it
/// holds (an array or object as RULEC_JSON); a string that is not JSON stays
/// the string, as Kusto keeps it; other values are themselves.
rulec_value toDynamic(rulec_context *ctx, const rulec_value &a) {
  std::string slot;
  if (ctx->slotJson(a, slot)) // an event's array or object
    return rulec::kqlvalue::string(ctx, slot, RULEC_JSON);
  if (a.kind != RULEC_STRING)
    return a;
  simdjson::dom::element node;
  if (ctx->json.parse(a.payload.s, a.len).get(node))
    return a;
  if (node.type() != simdjson::dom::element_type::ARRAY && node.type() != simdjson::dom::element_type::OBJECT) {
    const rulec_value *whole[] = {&a};
    return jsonGet(ctx, 1, whole);
  }
  rulec_value out = rulec::kqlvalue::string(ctx, simdjson::minify(node));
  out.kind = RULEC_JSON;
  return out;
}

} // namespace

extern "C" void rulec_rt_call(rulec_context *ctx, uint32_t fn, uint32_t argc, const rulec_value *const *args,
                              rulec_value *out) {
  *out = rulec::kqlvalue::null();
  std::string text, piece;
  const rulec_value &a = argc ? *args[0] : *out;
  switch (fn) {
  case RULEC_FN_TOSTRING:
    if (a.kind == RULEC_STRING)
      *out = a;
    else if (rulec::kqlvalue::text(ctx, a, text))
      *out = rulec::kqlvalue::string(ctx, text);
    return;
  case RULEC_FN_TOLOWER:
  case RULEC_FN_TOUPPER:
    if (!rulec::kqlvalue::text(ctx, a, text))
      return;
    for (char &c : text)
      c = static_cast<char>(fn == RULEC_FN_TOLOWER ? foldAscii(static_cast<unsigned char>(c))
                                                   : std::toupper(static_cast<unsigned char>(c)));
    *out = rulec::kqlvalue::string(ctx, text);
    return;
  case RULEC_FN_TOLONG:
    switch (a.kind) {
    case RULEC_INT: *out = a; return;
    case RULEC_BOOL: out->kind = RULEC_INT; out->payload.i = a.payload.i; return;
    case RULEC_DOUBLE:
      if (a.payload.d == a.payload.d && a.payload.d > -0x1p63 && a.payload.d < 0x1p63) {
        out->kind = RULEC_INT;
        out->payload.i = static_cast<int64_t>(a.payload.d); // truncates, as Kusto's toint
      }
      return;
    case RULEC_STRING: *out = numberFromText(std::string_view(a.payload.s, a.len), true); return;
    default: return;
    }
  case RULEC_FN_TODOUBLE:
    switch (a.kind) {
    case RULEC_DOUBLE: *out = a; return;
    case RULEC_INT: case RULEC_BOOL: out->kind = RULEC_DOUBLE; out->payload.d = static_cast<double>(a.payload.i); return;
    case RULEC_STRING: *out = numberFromText(std::string_view(a.payload.s, a.len), false); return;
    default: return;
    }
  case RULEC_FN_TOBOOL:
    if (a.kind == RULEC_BOOL) {
      *out = a;
    } else if (a.kind == RULEC_INT) {
      out->kind = RULEC_BOOL;
      out->payload.i = a.payload.i != 0;
    } else if (a.kind == RULEC_STRING) {
      std::string t(a.payload.s, a.len);
      for (char &c : t)
        c = static_cast<char>(foldAscii(static_cast<unsigned char>(c)));
      if (t == "true" || t == "false") {
        out->kind = RULEC_BOOL;
        out->payload.i = t == "true";
      }
    }
    return;
  case RULEC_FN_STRLEN:
    if (!rulec::kqlvalue::text(ctx, a, text))
      return;
    out->kind = RULEC_INT;
    out->payload.i = static_cast<int64_t>(characterStarts(text).size());
    return;
  case RULEC_FN_STRCAT:
    for (uint32_t i = 0; i < argc; ++i) {
      if (!rulec::kqlvalue::text(ctx, *args[i], piece))
        return;
      text += piece;
    }
    *out = rulec::kqlvalue::string(ctx, text);
    return;
  case RULEC_FN_COALESCE:
    for (uint32_t i = 0; i < argc; ++i)
      if (!isNull(*args[i]) && !(args[i]->kind == RULEC_STRING && args[i]->len == 0)) {
        *out = *args[i];
        return;
      }
    return;
  case RULEC_FN_SUBSTRING: {
    if (argc < 2 || !rulec::kqlvalue::text(ctx, a, text) || args[1]->kind != RULEC_INT)
      return;
    const std::vector<size_t> starts = characterStarts(text);
    const int64_t n = static_cast<int64_t>(starts.size());
    int64_t from = std::clamp<int64_t>(args[1]->payload.i, 0, n);
    int64_t count = argc > 2 && args[2]->kind == RULEC_INT ? args[2]->payload.i : n - from;
    // Clamped before adding: from + count overflowed for a count near INT64_MAX.
    int64_t to = from + std::clamp<int64_t>(count, 0, n - from);
    const size_t b = from < n ? starts[from] : text.size(), e = to < n ? starts[to] : text.size();
    *out = rulec::kqlvalue::string(ctx, std::string_view(text).substr(b, e - b));
    return;
  }
  case RULEC_FN_INDEXOF: {
    if (argc < 2 || !rulec::kqlvalue::text(ctx, a, text) || !rulec::kqlvalue::text(ctx, *args[1], piece))
      return;
    size_t at = text.find(piece);
    out->kind = RULEC_INT;
    out->payload.i = at == std::string::npos ? -1 : static_cast<int64_t>(characterStarts(text.substr(0, at)).size());
    return;
  }
  case RULEC_FN_ADD: case RULEC_FN_SUB: case RULEC_FN_MUL: case RULEC_FN_DIV: case RULEC_FN_MOD:
    if (argc == 2)
      *out = arithmetic(fn, *args[0], *args[1]);
    return;
  case RULEC_FN_SPLIT_AT: {
    if (argc != 3 || !rulec::kqlvalue::text(ctx, a, text) || !rulec::kqlvalue::text(ctx, *args[1], piece) || args[2]->kind != RULEC_INT || piece.empty())
      return;
    std::vector<std::string_view> parts;
    std::string_view rest(text);
    for (size_t at; (at = rest.find(piece)) != std::string_view::npos; rest.remove_prefix(at + piece.size()))
      parts.push_back(rest.substr(0, at));
    parts.push_back(rest);
    int64_t i = args[2]->payload.i;
    if (i < 0)
      i += static_cast<int64_t>(parts.size());
    if (i >= 0 && i < static_cast<int64_t>(parts.size()))
      *out = rulec::kqlvalue::string(ctx, parts[i]);
    return;
  }
  case RULEC_FN_JSON_GET:
    *out = jsonGet(ctx, argc, args);
    return;
  case RULEC_FN_TODYNAMIC:
    *out = toDynamic(ctx, a);
    return;
  default:
    rulec::kqlFunction(ctx, fn, argc, args, out);
    return;
  }
}
