//===- Arguments.cpp ------------------------------------------------------===//
#include "functions/Arguments.h"
#include "output/Utf8.h"

#include "output/JsonString.h"

namespace rulec::functions {

std::string jsonQuoted(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

bool parseDynamic(rulec_context *ctx, const rulec_value &v, simdjson::dom::element &e) {
  std::string text;
  if (v.kind == RULEC_JSON)
    text.assign(v.payload.s, v.len);
  else if (!ctx->slotJson(v, text))
    return false;
  return !ctx->json.parse(text).get(e);
}

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

std::vector<size_t> characterStarts(std::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      out.push_back(i);
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

bool parseGuid(std::string_view s, Guid &out) {
  if (s.size() >= 2 && ((s.front() == '{' && s.back() == '}') || (s.front() == '(' && s.back() == ')')))
    s = s.substr(1, s.size() - 2);
  if (s.empty() || s.front() == '-' || s.back() == '-')
    return false;
  size_t digits = 0;
  char previous = 0;
  for (char c : s) {
    if (c == '-') {
      if (previous == '-')
        return false;
    } else {
      const int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (v < 0 || digits >= 32)
        return false;
      out[digits / 2] = static_cast<uint8_t>(digits % 2 ? out[digits / 2] | v : v << 4);
      ++digits;
    }
    previous = c;
  }
  return digits == 32;
}

std::string guidText(const Guid &g) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < g.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += kHex[g[i] >> 4];
    out += kHex[g[i] & 15];
  }
  return out;
}

} // namespace rulec::functions
