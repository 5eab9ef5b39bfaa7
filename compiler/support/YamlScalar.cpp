//===- YamlScalar.cpp -----------------------------------------------------===//
#include "support/YamlScalar.h"

#include "output/JsonString.h"
#include "output/TitleRenderer.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <regex>

namespace rulec {

bool Scalar::operator==(const Scalar &o) const {
  if (kind != o.kind)
    return false;
  switch (kind) {
  case Null: return true;
  case Bool: return b == o.b;
  case Int: return i == o.i;
  case Double: return d == o.d;
  case String: return s == o.s;
  }
  return false;
}

std::string Scalar::repr() const {
  switch (kind) {
  case Null: return "null";
  case Bool: return b ? "true" : "false";
  case Int: return std::to_string(i);
  case Double: return pythonFloatRepr(d);
  case String: {
    std::string out;
    appendJsonString(out, s);
    return out;
  }
  }
  return "?";
}

std::string Scalar::pythonStr() const {
  switch (kind) {
  case Null: return "None";
  case Bool: return b ? "True" : "False";
  case Int: return std::to_string(i);
  case Double: return pythonFloatRepr(d);
  case String: return s;
  }
  return "";
}

static bool parseInt(const std::string &digits, int base, bool negative, Scalar &out) {
  if (digits.empty())
    return false;
  uint64_t v = 0;
  auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (res.ec == std::errc::result_out_of_range || (res.ec == std::errc() &&
      v > (negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX)))) {
    // Beyond int64: keep the magnitude as a double (documented in docs/panther.md).
    out = Scalar::makeDouble((negative ? -1.0 : 1.0) * std::strtod(digits.c_str(), nullptr));
    return base == 10;
  }
  if (res.ec != std::errc() || res.ptr != digits.data() + digits.size())
    return false;
  out = Scalar::makeInt(negative ? int64_t(0 - v) : int64_t(v));
  return true;
}

Scalar typePlainScalar(const std::string &t) {
  // YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1032-tag-resolution
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL")
    return Scalar::makeNull();
  if (t == "true" || t == "True" || t == "TRUE")
    return Scalar::makeBool(true);
  if (t == "false" || t == "False" || t == "FALSE")
    return Scalar::makeBool(false);

  static const std::regex decimal("[-+]?[0-9]+");
  static const std::regex octal("0o[0-7]+");
  static const std::regex hex("0x[0-9a-fA-F]+");
  static const std::regex binary("0b[01]+");
  static const std::regex flt(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  static const std::regex inf(R"([-+]?\.(inf|Inf|INF))");
  static const std::regex nan(R"(\.(nan|NaN|NAN))");

  Scalar out;
  if (std::regex_match(t, decimal)) {
    bool neg = t[0] == '-';
    std::string digits = (t[0] == '-' || t[0] == '+') ? t.substr(1) : t;
    if (parseInt(digits, 10, neg, out))
      return out;
  }
  if (std::regex_match(t, octal) && parseInt(t.substr(2), 8, false, out) && out.kind == Scalar::Int)
    return out;
  if (std::regex_match(t, hex) && parseInt(t.substr(2), 16, false, out) && out.kind == Scalar::Int)
    return out;
  if (std::regex_match(t, binary) && parseInt(t.substr(2), 2, false, out) && out.kind == Scalar::Int)
    return out;
  if (std::regex_match(t, flt))
    return Scalar::makeDouble(std::strtod(t.c_str(), nullptr));
  if (std::regex_match(t, inf))
    return Scalar::makeDouble(t[0] == '-' ? -INFINITY : INFINITY);
  if (std::regex_match(t, nan))
    return Scalar::makeDouble(NAN);
  return Scalar::makeString(t);
}

Scalar typeYamlScalar(const YAML::Node &node) {
  // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
  if (node.IsNull())
    return Scalar::makeNull();
  if (node.Tag() == "?")
    return typePlainScalar(node.Scalar());
  return Scalar::makeString(node.Scalar());
}

static void appendJson(std::string &out, const YAML::Node &node) {
  switch (node.Type()) {
  case YAML::NodeType::Undefined:
  case YAML::NodeType::Null:
    out += "null";
    return;
  case YAML::NodeType::Scalar: {
    Scalar s = typeYamlScalar(node);
    if (s.kind == Scalar::Double && !std::isfinite(s.d)) {
      out += "null"; // JSON has no inf/nan
      return;
    }
    out += s.repr();
    return;
  }
  case YAML::NodeType::Sequence: {
    out += '[';
    bool first = true;
    for (const YAML::Node &item : node) {
      if (!first)
        out += ',';
      first = false;
      appendJson(out, item);
    }
    out += ']';
    return;
  }
  case YAML::NodeType::Map: {
    out += '{';
    bool first = true;
    for (const auto &kv : node) {
      if (!first)
        out += ',';
      first = false;
      appendJsonString(out, kv.first.Scalar());
      out += ':';
      appendJson(out, kv.second);
    }
    out += '}';
    return;
  }
  }
}

std::string yamlToJson(const YAML::Node &node) {
  std::string out;
  appendJson(out, node);
  return out;
}

} // namespace rulec
