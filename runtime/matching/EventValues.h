//===- EventValues.h - Every value of an event, as a keyword sees it ------===//
//
// A Sigma keyword search looks at every value of the event (docs/sigma.md
// "Keywords"): its strings, read from the parsed document (escapes undone),
// and its numbers and booleans as the event's JSON text writes them (the
// parsed document keeps only their values: `4.5e3` and `4500` differ as
// text). Keys are not values.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <simdjson.h>

#include <string_view>

namespace rulec {

/// Whether f(s) holds for some string value under `v`, depth first; arrays
/// and objects nested deeper than 64 levels are not searched.
template <typename F> bool anyString(simdjson::dom::element v, const F &f, int depth = 0) {
  using simdjson::dom::element_type;
  switch (v.type()) {
  case element_type::STRING:
    return f(v.get_string().value_unsafe());
  case element_type::ARRAY: {
    if (depth > 64)
      return false;
    simdjson::dom::array array = v.get_array().value_unsafe(); // a local: a range-for over the temporary would dangle
    for (simdjson::dom::element item : array)
      if (anyString(item, f, depth + 1))
        return true;
    return false;
  }
  case element_type::OBJECT: {
    if (depth > 64)
      return false;
    simdjson::dom::object object = v.get_object().value_unsafe(); // a local, as above
    for (auto field : object)
      if (anyString(field.value, f, depth + 1))
        return true;
    return false;
  }
  default:
    return false;
  }
}

/// Whether f(token) holds for some number or boolean literal of JSON `text`
/// (outside strings), as written.
template <typename F> bool anyScalarToken(std::string_view text, const F &f) {
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f') {
      size_t end = i + 1;
      while (end < text.size() && text[end] != ',' && text[end] != '}' && text[end] != ']' && text[end] != ' ' &&
             text[end] != '\t' && text[end] != '\r' && text[end] != '\n' && text[end] != ':')
        ++end;
      if (f(text.substr(i, end - i)))
        return true;
      i = end - 1;
    }
  }
  return false;
}

/// Whether f holds for some value of the event: `root` is its parsed
/// document, `text` the JSON text it was parsed from.
template <typename F> bool anyEventValue(simdjson::dom::element root, std::string_view text, const F &f) {
  return anyString(root, f) || anyScalarToken(text, f);
}

} // namespace rulec
