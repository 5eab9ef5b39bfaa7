//===- PantherParserTest.cpp - Panther YAML -> AST, and its errors ---------===//
#include "panther/PantherParser.h"

#include <gtest/gtest.h>

using namespace rulec;
using namespace rulec::panther;

namespace {

const char *kSeed = R"(AnalysisType: rule
Enabled: true
RuleID: "Seed.Rule"
Severity: High
LogTypes: [Netskope.Audit]
Threshold: 10
AlertTitle: "calls from [{user}]"
Detection:
  - All:
    - KeyPath: supporting_data.data_values[0]
      Condition: Equals
      Value: 403
Tests:
  - Name: t
    ExpectedResult: true
    Log: {user: bob}
)";

std::unique_ptr<Rule> parse(const std::string &text, DiagnosticEngine &diags) {
  return parseRuleText(text, "rule.yml", diags);
}

TEST(PantherParser, ParsesTheSeedShape) {
  DiagnosticEngine diags;
  auto rule = parse(kSeed, diags);
  ASSERT_TRUE(rule) << diags.diagnostics().front().message;
  EXPECT_EQ(rule->id, "Seed.Rule");
  EXPECT_EQ(rule->threshold, 10u);
  EXPECT_EQ(rule->dedupPeriodMinutes, 60u); // Panther's default
  ASSERT_EQ(rule->detection->children.size(), 1u);
  const MatchNode &all = *rule->detection->children[0];
  EXPECT_EQ(all.kind, MatchNode::All);
  const MatchNode &match = *all.children[0];
  EXPECT_EQ(match.condition, ConditionKind::Equals);
  EXPECT_EQ(match.value, Scalar::makeInt(403));
  ASSERT_EQ(match.key.path.size(), 3u);
  EXPECT_TRUE(match.key.path[2].isIndex);
  EXPECT_EQ(match.loc.line, 10);
  EXPECT_EQ(match.loc.column, 7);
  ASSERT_EQ(rule->titleParts.size(), 3u);
  EXPECT_TRUE(rule->titleParts[1].isField);
  ASSERT_EQ(rule->tests.size(), 1u);
  EXPECT_EQ(rule->tests[0].logJson, R"({"user":"bob"})");
}

struct BadRule {
  std::string from, to;
  DiagCode code;
  int line, column;
};

class PantherParserErrors : public ::testing::TestWithParam<BadRule> {};

TEST_P(PantherParserErrors, ReportsCodeAndPosition) {
  const BadRule &bad = GetParam();
  std::string text = kSeed;
  size_t at = text.find(bad.from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, bad.from.size(), bad.to);
  DiagnosticEngine diags;
  EXPECT_FALSE(parse(text, diags));
  ASSERT_FALSE(diags.diagnostics().empty());
  const Diagnostic &d = diags.diagnostics().front();
  EXPECT_EQ(d.code, bad.code) << d.message;
  EXPECT_EQ(d.loc.line, bad.line) << d.message;
  EXPECT_EQ(d.loc.column, bad.column) << d.message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PantherParserErrors,
    ::testing::Values(
        BadRule{"Condition: Equals", "Condition: Equalz", DiagCode::UnknownCondition, 11, 18},
        BadRule{"Condition: Equals", "Condition: IsIn", DiagCode::InvalidValue, 12, 14},
        BadRule{"Condition: Equals", "Condition: IsGreaterThan\n      Values: [1]", DiagCode::InvalidValue, 10, 7},
        BadRule{"Condition: Equals", "Condition: Exists", DiagCode::InvalidValue, 12, 14},
        BadRule{"Condition: Equals", "Condition: StartsWith", DiagCode::WrongType, 12, 14},
        BadRule{"Condition: Equals", "Condition: AnyElement", DiagCode::MissingKey, 10, 7},
        BadRule{"Value: 403", "Value: null", DiagCode::WrongType, 12, 14},
        BadRule{"Condition: Equals\n      Value: 403", "Condition: IsIn\n      Values: [1, a]", DiagCode::WrongType, 12, 15},
        BadRule{"Condition: Equals\n      Value: 403", "Condition: Equals\n      Values: [1]", DiagCode::InvalidValue, 12, 15},
        BadRule{"Severity: High", "Severity: Hight", DiagCode::InvalidValue, 4, 11},
        BadRule{"Enabled: true\n", "", DiagCode::MissingKey, 1, 1},
        BadRule{"Threshold: 10", "Threshold: ten", DiagCode::InvalidValue, 6, 12},
        BadRule{"data_values[0]", "data_values[x]", DiagCode::BadKeyPath, 10, 16},
        BadRule{"[{user}]", "[{user)}]", DiagCode::BadTemplate, 7, 13},
        BadRule{"RuleID: \"Seed.Rule\"\n", "", DiagCode::MissingKey, 1, 1},
        BadRule{"      Value: 403\n", "", DiagCode::MissingKey, 10, 7},
        BadRule{"Threshold: 10", "Treshold: 10", DiagCode::UnknownKey, 6, 1},
        BadRule{"Threshold: 10", "GroupBy: 5", DiagCode::WrongType, 6, 10},
        BadRule{"Threshold: 10", "DynamicSeverities: [{ChangeTo: Hight, Conditions: [{Condition: AlwaysTrue}]}]",
                DiagCode::InvalidValue, 6, 32},
        BadRule{"ExpectedResult: true", "ExpectedResult: yes", DiagCode::InvalidValue, 15, 21},
        BadRule{"- All:", "- All: [", DiagCode::YamlSyntax, 10, 5}));

TEST(PantherParser, KeyPaths) {
  std::vector<PathStep> steps;
  std::string why;
  ASSERT_TRUE(parseKeyPath("a.b[2].c", steps, why));
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].key, "a");
  EXPECT_TRUE(steps[2].isIndex);
  EXPECT_EQ(steps[2].index, 2);
  ASSERT_TRUE(parseKeyPath("a[-1]", steps, why));
  EXPECT_EQ(steps[1].index, -1);
  ASSERT_TRUE(parseKeyPath("a[0][1]", steps, why));
  EXPECT_EQ(steps.size(), 3u);
  EXPECT_FALSE(parseKeyPath("a..b", steps, why));
  EXPECT_FALSE(parseKeyPath("a.", steps, why));
  EXPECT_FALSE(parseKeyPath("[0]", steps, why));
  EXPECT_FALSE(parseKeyPath("a[", steps, why));
  ASSERT_TRUE(parseKeyPath("a[*].b", steps, why));
  EXPECT_TRUE(steps[1].isWildcard);
  EXPECT_FALSE(parseKeyPath("a[*", steps, why));
}

TEST(PantherParser, KeyKeepsDotsAndDeepKeyTakesIndexes) {
  std::string text = kSeed;
  text.replace(text.find("KeyPath: supporting_data.data_values[0]"),
               std::string("KeyPath: supporting_data.data_values[0]").size(),
               "DeepKey: [supporting_data, data_values, 0]");
  DiagnosticEngine diags;
  auto rule = parse(text, diags);
  ASSERT_TRUE(rule);
  const auto &path = rule->detection->children[0]->children[0]->key.path;
  ASSERT_EQ(path.size(), 3u);
  EXPECT_TRUE(path[2].isIndex);

  text = kSeed;
  text.replace(text.find("KeyPath: supporting_data.data_values[0]"),
               std::string("KeyPath: supporting_data.data_values[0]").size(), "Key: data.severity");
  auto rule2 = parse(text, diags);
  ASSERT_TRUE(rule2);
  const auto &path2 = rule2->detection->children[0]->children[0]->key.path;
  ASSERT_EQ(path2.size(), 1u);
  EXPECT_EQ(path2[0].key, "data.severity");
}

} // namespace
