//===- YamlScalar.h - YAML 1.2 core-schema typing of scalars --------------===//
//
// yaml-cpp leaves plain scalars untyped and its as<bool>() accepts YAML 1.1
// words (yes/on/...). Panther reads rules and test logs as YAML 1.2
// (../shared/specs/panther.md): only true/false are booleans, 0644 is decimal,
// timestamps stay strings. This file is the one place that decides the type of
// a scalar, for rule constants and for test logs alike.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace YAML {
class Node;
}

namespace rulec {

/// A typed scalar constant.
struct Scalar {
  enum Kind { Null, Bool, Int, Double, String } kind = Null;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;

  static Scalar makeNull() { return {}; }
  static Scalar makeBool(bool v) { Scalar x; x.kind = Bool; x.b = v; return x; }
  static Scalar makeInt(int64_t v) { Scalar x; x.kind = Int; x.i = v; return x; }
  static Scalar makeDouble(double v) { Scalar x; x.kind = Double; x.d = v; return x; }
  static Scalar makeString(std::string v) { Scalar x; x.kind = String; x.s = std::move(v); return x; }

  bool operator==(const Scalar &o) const;
  /// Python-repr-like text for dumps: 403, 1.5, true, null, "text".
  std::string repr() const;
  /// Python str() of the value, as a title template renders it.
  std::string pythonStr() const;
};

/// Types a scalar node by the YAML 1.2 core schema. Quoted scalars are strings.
Scalar typeYamlScalar(const YAML::Node &node);

/// Types the text of a plain (unquoted) scalar.
Scalar typePlainScalar(const std::string &text);

/// Converts a YAML node (a test's Log) to JSON text with the same scalar typing.
std::string yamlToJson(const YAML::Node &node);

} // namespace rulec
