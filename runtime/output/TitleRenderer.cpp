//===- TitleRenderer.cpp --------------------------------------------------===//
#include "output/TitleRenderer.h"

#include <charconv>
#include <cmath>

namespace rulec {

std::string pythonFloatRepr(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".en") == std::string::npos)
    s += ".0";
  return s;
}

namespace {

/// Python repr() of a str: single quotes unless the text has ' and no ".
std::string pythonStringRepr(std::string_view s) {
  const bool useDouble = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
  const char q = useDouble ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\')
      out += '\\';
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  out += q;
  return out;
}

void appendRepr(std::string &out, simdjson::dom::element v);

void appendStr(std::string &out, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
  case element_type::STRING: out += v.get_string().value_unsafe(); return;
  default: appendRepr(out, v); return;
  }
}

void appendRepr(std::string &out, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
  case element_type::NULL_VALUE: out += "None"; return;
  case element_type::BOOL: out += v.get_bool().value_unsafe() ? "True" : "False"; return;
  case element_type::INT64: out += std::to_string(v.get_int64().value_unsafe()); return;
  case element_type::UINT64: out += std::to_string(v.get_uint64().value_unsafe()); return;
  case element_type::DOUBLE: out += pythonFloatRepr(v.get_double().value_unsafe()); return;
  case element_type::STRING: out += pythonStringRepr(v.get_string().value_unsafe()); return;
  case element_type::ARRAY: {
    out += '[';
    bool first = true;
    simdjson::dom::array array = v.get_array().value_unsafe(); // a local: a range-for over the temporary result would dangle
    for (simdjson::dom::element item : array) {
      if (!first)
        out += ", ";
      first = false;
      appendRepr(out, item);
      if (out.size() > 4 * kMaxTitleLength)
        break;
    }
    out += ']';
    return;
  }
  case element_type::OBJECT: {
    out += '{';
    bool first = true;
    simdjson::dom::object object = v.get_object().value_unsafe(); // a local, as above
    for (auto field : object) {
      if (!first)
        out += ", ";
      first = false;
      out += pythonStringRepr(field.key);
      out += ": ";
      appendRepr(out, field.value);
      if (out.size() > 4 * kMaxTitleLength)
        break;
    }
    out += '}';
    return;
  }
  }
}

} // namespace

std::string pythonStr(simdjson::dom::element value) {
  std::string out;
  appendStr(out, value);
  return out;
}

std::string renderTemplate(const std::vector<TemplatePiece> &pieces, const rulec_value *slots,
                           const simdjson::dom::element *elements) {
  std::string out;
  for (const TemplatePiece &p : pieces) {
    if (!p.isField)
      out += p.text;
    else if (slots[p.slot].kind == RULEC_MISSING)
      out += p.fallback;
    else
      appendStr(out, elements[p.slot]);
    if (out.size() >= 4 * kMaxTitleLength)
      break;
  }
  // Python's title[:1000] counts code points: cut before the 1001st UTF-8 lead byte.
  size_t codePoints = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++codePoints > kMaxTitleLength) {
      out.resize(i);
      break;
    }
  }
  return out;
}

} // namespace rulec
