//===- KqlFunctions.cpp ---------------------------------------------------===//
#include "matching/KqlFunctions.h"

#include "EvalContext.h"
#include "events/EventTime.h"
#include "matching/KqlValues.h"
#include "output/JsonString.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace rulec {

namespace {

using kqlvalue::null;

/// A dynamic value, parsed: a computed one (RULEC_JSON) or an event's array
/// or object slot.
bool parseDynamic(rulec_context *ctx, const rulec_value &v, simdjson::dom::element &e) {
  std::string text;
  if (v.kind == RULEC_JSON)
    text.assign(v.payload.s, v.len);
  else if (!ctx->slotJson(v, text))
    return false;
  return !ctx->json.parse(text).get(e);
}

/// The elements (as JSON) of a dynamic array.
bool arrayItems(rulec_context *ctx, const rulec_value &v, std::vector<std::string> &items) {
  simdjson::dom::element e;
  simdjson::dom::array array;
  if (!parseDynamic(ctx, v, e) || e.get_array().get(array))
    return false;
  items.clear();
  for (simdjson::dom::element item : array)
    items.push_back(simdjson::minify(item));
  return true;
}

/// The properties (key, value JSON) of a dynamic bag.
bool bagItems(rulec_context *ctx, const rulec_value &v, std::vector<std::pair<std::string, std::string>> &items) {
  simdjson::dom::element e;
  simdjson::dom::object object;
  if (!parseDynamic(ctx, v, e) || e.get_object().get(object))
    return false;
  items.clear();
  for (auto field : object)
    items.emplace_back(std::string(field.key), simdjson::minify(field.value));
  return true;
}

rulec_value arrayValue(rulec_context *ctx, const std::vector<std::string> &items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return kqlvalue::string(ctx, out + "]", RULEC_JSON);
}

rulec_value intValue(int64_t i) {
  rulec_value v{};
  v.kind = RULEC_INT;
  v.payload.i = i;
  return v;
}

rulec_value boolValue(bool b) {
  rulec_value v{};
  v.kind = RULEC_BOOL;
  v.payload.i = b;
  return v;
}

std::string jsonQuoted(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

/// An element's text for strcat_array: a string without its quotes.
std::string elementText(rulec_context *ctx, const std::string &json) {
  simdjson::dom::element e;
  std::string_view s;
  if (!ctx->json.parse(json).get(e) && !e.get_string().get(s))
    return std::string(s);
  return json == "null" ? "" : json;
}

/// array_sort_*: numbers before strings before the rest, nulls last.
struct SortKey {
  int rank = 3;
  double number = 0;
  std::string text;
};
SortKey sortKey(rulec_context *ctx, const std::string &json) {
  SortKey k;
  simdjson::dom::element e;
  if (ctx->json.parse(json).get(e))
    return k;
  double d;
  int64_t i;
  uint64_t u;
  std::string_view s;
  if (!e.get_int64().get(i)) {
    k = {0, static_cast<double>(i), ""};
  } else if (!e.get_uint64().get(u)) {
    k = {0, static_cast<double>(u), ""};
  } else if (!e.get_double().get(d)) {
    k = {0, d, ""};
  } else if (!e.get_string().get(s)) {
    k = {1, 0, std::string(s)};
  } else if (!e.is_null()) {
    k = {2, 0, json};
  }
  return k;
}

/// Code points of UTF-8 text, each as its bytes.
std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
      ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool validUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!n || i + n > s.size())
      return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return false;
    i += n;
  }
  return true;
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

/// An IPv4 address, optionally with a /prefix (the network's address).
bool parseIpv4(std::string_view s, uint32_t &address) {
  const size_t slash = s.find('/');
  std::string_view ip = s.substr(0, slash);
  address = 0;
  for (int part = 0; part < 4; ++part) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(ip.data(), ip.data() + ip.size(), value);
    if (ec != std::errc() || value > 255 || p == ip.data())
      return false;
    address = address << 8 | value;
    ip.remove_prefix(static_cast<size_t>(p - ip.data()));
    if (part < 3) {
      if (ip.empty() || ip[0] != '.')
        return false;
      ip.remove_prefix(1);
    }
  }
  return ip.empty();
}

const re2::RE2 *regexArg(rulec_context *ctx, const rulec_value &v) {
  if (v.kind != RULEC_INT || v.payload.i < 0 || static_cast<size_t>(v.payload.i) >= ctx->pack.regexes.size())
    return nullptr;
  const re2::RE2 &re = ctx->regex(static_cast<uint32_t>(v.payload.i));
  return re.ok() ? &re : nullptr;
}

} // namespace

void kqlFunction(rulec_context *ctx, uint32_t fn, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  *out = null();
  std::string text, piece, rewrite;
  std::vector<std::string> items, more;
  auto textArg = [&](uint32_t i, std::string &s) { return i < argc && kqlvalue::text(ctx, *args[i], s); };
  switch (fn) {
  case RULEC_FN_PACK_ARRAY:
    for (uint32_t i = 0; i < argc; ++i)
      items.push_back(kqlvalue::json(ctx, *args[i]));
    *out = arrayValue(ctx, items);
    return;
  case RULEC_FN_BAG_PACK: {
    if (argc % 2)
      return;
    std::string bag = "{";
    for (uint32_t i = 0; i < argc; i += 2) {
      if (args[i]->kind != RULEC_STRING)
        return; // keys are strings
      bag += (i ? "," : "") + jsonQuoted(std::string_view(args[i]->payload.s, args[i]->len)) + ":" +
             kqlvalue::json(ctx, *args[i + 1]);
    }
    *out = kqlvalue::string(ctx, bag + "}", RULEC_JSON);
    return;
  }
  case RULEC_FN_ARRAY_LENGTH:
    if (argc == 1 && arrayItems(ctx, *args[0], items))
      *out = intValue(static_cast<int64_t>(items.size()));
    return;
  case RULEC_FN_ARRAY_CONCAT:
  case RULEC_FN_SET_UNION:
  case RULEC_FN_SET_INTERSECT:
  case RULEC_FN_SET_DIFFERENCE: {
    std::vector<std::vector<std::string>> arrays(argc);
    for (uint32_t i = 0; i < argc; ++i)
      if (!arrayItems(ctx, *args[i], arrays[i]))
        return;
    if (argc == 0)
      return;
    std::vector<std::string> result;
    auto has = [](const std::vector<std::string> &a, const std::string &x) {
      return std::find(a.begin(), a.end(), x) != a.end();
    };
    if (fn == RULEC_FN_ARRAY_CONCAT) {
      for (const auto &a : arrays)
        result.insert(result.end(), a.begin(), a.end());
    } else if (fn == RULEC_FN_SET_UNION) {
      for (const auto &a : arrays)
        for (const std::string &x : a)
          if (!has(result, x))
            result.push_back(x);
    } else {
      for (const std::string &x : arrays[0]) {
        bool keep = !has(result, x);
        for (uint32_t i = 1; i < argc && keep; ++i)
          keep = has(arrays[i], x) == (fn == RULEC_FN_SET_INTERSECT);
        if (keep)
          result.push_back(x);
      }
    }
    *out = arrayValue(ctx, result);
    return;
  }
  case RULEC_FN_BAG_KEYS: {
    std::vector<std::pair<std::string, std::string>> bag;
    if (argc != 1 || !bagItems(ctx, *args[0], bag))
      return;
    for (const auto &[key, value] : bag)
      items.push_back(jsonQuoted(key));
    *out = arrayValue(ctx, items);
    return;
  }
  case RULEC_FN_SPLIT: {
    if (!textArg(0, text) || !textArg(1, piece) || piece.empty())
      return;
    std::string_view rest(text);
    for (size_t at; (at = rest.find(piece)) != std::string_view::npos; rest.remove_prefix(at + piece.size()))
      items.push_back(jsonQuoted(rest.substr(0, at)));
    items.push_back(jsonQuoted(rest));
    *out = arrayValue(ctx, items);
    return;
  }
  case RULEC_FN_STRCAT_ARRAY:
    if (argc != 2 || !arrayItems(ctx, *args[0], items) || !textArg(1, piece))
      return;
    for (size_t i = 0; i < items.size(); ++i)
      text += (i ? piece : "") + elementText(ctx, items[i]);
    *out = kqlvalue::string(ctx, text);
    return;
  case RULEC_FN_ARRAY_SORT_ASC:
  case RULEC_FN_ARRAY_SORT_DESC: {
    if (argc < 1 || !arrayItems(ctx, *args[0], items))
      return;
    const bool descending = fn == RULEC_FN_ARRAY_SORT_DESC;
    std::vector<std::pair<SortKey, std::string>> keyed;
    for (const std::string &x : items)
      keyed.emplace_back(sortKey(ctx, x), x);
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
      if (a.first.rank != b.first.rank)
        return a.first.rank < b.first.rank; // types in order, nulls last either way
      if (a.first.rank == 3)
        return false;
      const bool less = a.first.rank == 0 ? a.first.number < b.first.number : a.first.text < b.first.text;
      const bool greater = a.first.rank == 0 ? a.first.number > b.first.number : a.first.text > b.first.text;
      return descending ? greater : less;
    });
    items.clear();
    for (const auto &k : keyed)
      items.push_back(k.second);
    *out = arrayValue(ctx, items);
    return;
  }
  case RULEC_FN_ARRAY_SLICE: {
    if (argc != 3 || !arrayItems(ctx, *args[0], items) || args[1]->kind != RULEC_INT || args[2]->kind != RULEC_INT)
      return;
    const int64_t n = static_cast<int64_t>(items.size());
    int64_t from = args[1]->payload.i, to = args[2]->payload.i;
    if (from < 0)
      from += n;
    if (to < 0)
      to += n;
    from = std::max<int64_t>(from, 0);
    to = std::min<int64_t>(to, n - 1);
    std::vector<std::string> slice;
    for (int64_t i = from; i <= to; ++i)
      slice.push_back(items[static_cast<size_t>(i)]);
    *out = arrayValue(ctx, slice);
    return;
  }
  case RULEC_FN_ARRAY_REVERSE:
    if (argc != 1 || !arrayItems(ctx, *args[0], items))
      return;
    std::reverse(items.begin(), items.end());
    *out = arrayValue(ctx, items);
    return;
  case RULEC_FN_ARRAY_INDEX_OF: {
    if (argc < 2 || !arrayItems(ctx, *args[0], items))
      return;
    const std::string want = kqlvalue::json(ctx, *args[1]);
    auto at = std::find(items.begin(), items.end(), want);
    *out = intValue(at == items.end() ? -1 : static_cast<int64_t>(at - items.begin()));
    return;
  }
  case RULEC_FN_REPLACE_STRING: {
    if (!textArg(0, text) || !textArg(1, piece) || !textArg(2, rewrite))
      return;
    if (!piece.empty())
      for (size_t at = 0; (at = text.find(piece, at)) != std::string::npos; at += rewrite.size())
        text.replace(at, piece.size(), rewrite);
    *out = kqlvalue::string(ctx, text);
    return;
  }
  case RULEC_FN_REVERSE: {
    if (!textArg(0, text))
      return;
    auto chars = characters(text);
    std::reverse(chars.begin(), chars.end());
    for (std::string_view c : chars)
      piece += c;
    *out = kqlvalue::string(ctx, piece);
    return;
  }
  case RULEC_FN_STRCMP:
    if (textArg(0, text) && textArg(1, piece))
      *out = intValue(text < piece ? -1 : text > piece ? 1 : 0);
    return;
  case RULEC_FN_STRREP: {
    static constexpr size_t kMaxBytes = size_t(1) << 20; // Kusto caps strrep's result too
    if (!textArg(0, text) || argc < 2 || args[1]->kind != RULEC_INT || args[1]->payload.i < 0)
      return;
    std::string delimiter;
    if (argc > 2 && !textArg(2, delimiter))
      return;
    std::string result;
    for (int64_t i = 0; i < args[1]->payload.i && result.size() <= kMaxBytes; ++i)
      result += (i ? delimiter : "") + text;
    if (result.size() <= kMaxBytes)
      *out = kqlvalue::string(ctx, result);
    return;
  }
  case RULEC_FN_EXTRACT: {
    const re2::RE2 *re = argc == 3 ? regexArg(ctx, *args[0]) : nullptr;
    if (!re || args[1]->kind != RULEC_INT || !textArg(2, text))
      return;
    const int group = static_cast<int>(args[1]->payload.i);
    if (group < 0 || group > re->NumberOfCapturingGroups())
      return;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
    if (re->Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups.data(), group + 1) && groups[group].data())
      *out = kqlvalue::string(ctx, std::string_view(groups[group].data(), groups[group].size()));
    return;
  }
  case RULEC_FN_EXTRACT_ALL: {
    const re2::RE2 *re = argc == 2 ? regexArg(ctx, *args[0]) : nullptr;
    if (!re || !textArg(1, text))
      return;
    const int groups = re->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> found(static_cast<size_t>(groups) + 1);
    for (size_t at = 0; at <= text.size();) {
      if (!re->Match(text, at, text.size(), re2::RE2::UNANCHORED, found.data(), groups + 1))
        break;
      auto piece = [&](int g) { return found[g].data() ? jsonQuoted(std::string_view(found[g].data(), found[g].size())) : "null"; };
      if (groups <= 1) {
        items.push_back(piece(groups));
      } else {
        std::string tuple = "[";
        for (int g = 1; g <= groups; ++g)
          tuple += (g > 1 ? "," : "") + piece(g);
        items.push_back(tuple + "]");
      }
      const size_t end = static_cast<size_t>(found[0].data() - text.data()) + found[0].size();
      at = end > at ? end : at + 1; // an empty match moves on a byte
    }
    if (!items.empty())
      *out = arrayValue(ctx, items);
    return;
  }
  case RULEC_FN_REPLACE_REGEX: {
    const re2::RE2 *re = argc == 3 ? regexArg(ctx, *args[1]) : nullptr;
    if (!re || !textArg(0, text) || !textArg(2, rewrite))
      return;
    re2::RE2::GlobalReplace(&text, *re, rewrite);
    *out = kqlvalue::string(ctx, text);
    return;
  }
  case RULEC_FN_TRIM:
  case RULEC_FN_TRIM_START:
  case RULEC_FN_TRIM_END: {
    // Regexes made by the lowering: ^(?:re)+ at the start, (?:re)+$ at the end.
    const uint32_t regexes = fn == RULEC_FN_TRIM ? 2 : 1;
    if (argc != regexes + 1 || !textArg(regexes, text))
      return;
    for (uint32_t i = 0; i < regexes; ++i) {
      const re2::RE2 *re = regexArg(ctx, *args[i]);
      if (!re)
        return;
      re2::RE2::Replace(&text, *re, "");
    }
    *out = kqlvalue::string(ctx, text);
    return;
  }
  case RULEC_FN_BASE64_DECODE:
    if (textArg(0, text) && base64Decode(text, piece) && validUtf8(piece))
      *out = kqlvalue::string(ctx, piece);
    return;
  case RULEC_FN_BASE64_ENCODE:
    if (textArg(0, text))
      *out = kqlvalue::string(ctx, base64Encode(text));
    return;
  case RULEC_FN_URL_DECODE: {
    if (!textArg(0, text))
      return;
    for (size_t i = 0; i < text.size(); ++i) {
      unsigned value = 0;
      if (text[i] == '%' && i + 2 < text.size() &&
          std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr == text.data() + i + 3) {
        piece += static_cast<char>(value);
        i += 2;
      } else {
        piece += text[i];
      }
    }
    if (validUtf8(piece))
      *out = kqlvalue::string(ctx, piece);
    return;
  }
  case RULEC_FN_IPV4_IS_PRIVATE: {
    uint32_t ip;
    if (textArg(0, text) && parseIpv4(text, ip))
      *out = boolValue((ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1) || (ip >> 16) == ((192u << 8) | 168));
    return;
  }
  case RULEC_FN_MAX_OF:
  case RULEC_FN_MIN_OF: {
    // Nulls are skipped; the values must be all numbers or all strings.
    auto isNumber = [](const rulec_value &v) { return v.kind == RULEC_INT || v.kind == RULEC_DOUBLE; };
    auto compare = [&](const rulec_value &x, const rulec_value &y) {
      if (x.kind == RULEC_INT && y.kind == RULEC_INT)
        return x.payload.i < y.payload.i ? -1 : x.payload.i > y.payload.i;
      if (isNumber(x)) {
        const double a = x.kind == RULEC_INT ? double(x.payload.i) : x.payload.d;
        const double b = y.kind == RULEC_INT ? double(y.payload.i) : y.payload.d;
        return a < b ? -1 : a > b;
      }
      const std::string_view a(x.payload.s, x.len), b(y.payload.s, y.len);
      return a < b ? -1 : a > b;
    };
    const rulec_value *best = nullptr;
    for (uint32_t i = 0; i < argc; ++i) {
      const rulec_value &v = *args[i];
      if (kqlvalue::isNull(v))
        continue;
      if ((!isNumber(v) && v.kind != RULEC_STRING) || (best && isNumber(v) != isNumber(*best)))
        return;
      const int c = best ? compare(v, *best) : 0;
      if (!best || (fn == RULEC_FN_MAX_OF ? c > 0 : c < 0))
        best = &v;
    }
    if (best)
      *out = *best;
    return;
  }
  case RULEC_FN_TODATETIME: {
    // Until values carry Kusto's types, a datetime is its tostring() text.
    int64_t nanos;
    if (textArg(0, text) && parseKustoDatetime(text, nanos))
      *out = kqlvalue::string(ctx, formatKustoDatetime(nanos));
    return;
  }
  default:
    return;
  }
}

} // namespace rulec
