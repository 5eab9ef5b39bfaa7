//===- YamlScalarTest.cpp - YAML 1.2 scalar typing ------------------------===//
#include "support/YamlScalar.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

using rulec::Scalar;

namespace {

Scalar typed(const std::string &yamlValue) {
  return rulec::typeYamlScalar(YAML::Load("v: " + yamlValue)["v"]);
}

TEST(YamlScalar, OnlyTrueAndFalseAreBooleans) {
  EXPECT_EQ(typed("true"), Scalar::makeBool(true));
  EXPECT_EQ(typed("False"), Scalar::makeBool(false));
  EXPECT_EQ(typed("yes"), Scalar::makeString("yes"));
  EXPECT_EQ(typed("on"), Scalar::makeString("on"));
  EXPECT_EQ(typed("No"), Scalar::makeString("No"));
}

TEST(YamlScalar, IntegersFollowTheCoreSchema) {
  EXPECT_EQ(typed("403"), Scalar::makeInt(403));
  EXPECT_EQ(typed("-7"), Scalar::makeInt(-7));
  EXPECT_EQ(typed("0644"), Scalar::makeInt(644)); // decimal in YAML 1.2, not octal
  EXPECT_EQ(typed("0o17"), Scalar::makeInt(15));
  EXPECT_EQ(typed("0x1F"), Scalar::makeInt(31));
  EXPECT_EQ(typed("0b101"), Scalar::makeInt(5));
  EXPECT_EQ(typed("9223372036854775807"), Scalar::makeInt(INT64_MAX));
  EXPECT_EQ(typed("-9223372036854775808"), Scalar::makeInt(INT64_MIN));
  EXPECT_EQ(typed("9223372036854775808").kind, Scalar::Double);
}

TEST(YamlScalar, FloatsNullsAndStrings) {
  EXPECT_EQ(typed("1.5"), Scalar::makeDouble(1.5));
  EXPECT_EQ(typed("1e3"), Scalar::makeDouble(1000));
  EXPECT_EQ(typed("~"), Scalar::makeNull());
  EXPECT_EQ(typed("null"), Scalar::makeNull());
  EXPECT_EQ(typed("\"403\""), Scalar::makeString("403"));
  EXPECT_EQ(typed("'true'"), Scalar::makeString("true"));
  EXPECT_EQ(typed("2023-12-11 18:10:13"), Scalar::makeString("2023-12-11 18:10:13"));
  EXPECT_EQ(typed("1.2.3"), Scalar::makeString("1.2.3"));
}

TEST(YamlScalar, LogsBecomeJsonWithTheSameTyping) {
  YAML::Node log = YAML::Load("{a: 403, b: yes, c: [1, '2', null], d: {e: 0644}, f: \"x\\\"y\"}");
  EXPECT_EQ(rulec::yamlToJson(log),
            R"({"a":403,"b":"yes","c":[1,"2",null],"d":{"e":644},"f":"x\"y"})");
}

TEST(YamlScalar, ReprForDumps) {
  EXPECT_EQ(Scalar::makeDouble(403).repr(), "403.0");
  EXPECT_EQ(Scalar::makeString("a\"b").repr(), "\"a\\\"b\"");
  EXPECT_EQ(Scalar::makeBool(true).pythonStr(), "True");
  EXPECT_EQ(Scalar::makeNull().pythonStr(), "None");
}

} // namespace
