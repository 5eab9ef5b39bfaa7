//===- LimitsTest.cpp - Hostile input becomes a clear error ---------------===//
//
// The bounds of compiler/support/Limits.h and EventEvaluator (docs/cli.md "Limits"),
// each at its edge, and the fuzzer findings they came with (fuzz/): every
// input here used to hang, exhaust memory or overflow the stack.
//
//===----------------------------------------------------------------------===//
#include "EventEvaluator.h"
#include "Frontend.h"
#include "sigma/SigmaLanguage.h"
#include "support/Limits.h"
#include "support/YamlFile.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace rulec;

namespace {

namespace fs = std::filesystem;

std::string writeTemp(const std::string &name, const std::string &text) {
  // Per process: ctest runs the tests of this file in parallel processes.
  const fs::path file = fs::path(::testing::TempDir()) / ("rulec-limits-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

/// Loads `text` as a rule file; returns the diagnostics as "code: message" lines.
std::string loadErrors(const std::string &text, std::vector<YAML::Node> *documents = nullptr) {
  DiagnosticEngine diags;
  std::vector<YAML::Node> docs;
  loadYamlDocuments(writeTemp("load.yml", text), docs, diags);
  if (documents)
    *documents = docs;
  std::string out;
  for (const Diagnostic &d : diags.diagnostics())
    out += std::string(diagCodeName(d.code)) + " " + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) +
           ": " + d.message + "\n";
  return out;
}

std::string nested(int depth) { return "a: " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "\n"; }

// yaml-cpp 0.7 looped forever on a lone ',' at the top level, allocating a
// null document per turn (fuzz_yaml_rule: out of memory).
TEST(Limits, StrayCommaIsASyntaxErrorNotAHang) {
  EXPECT_EQ(loadErrors(","), "yaml-syntax 1:1: unexpected ','\n");
  EXPECT_EQ(loadErrors("title: x\n---\n,\n"), "yaml-syntax 3:1: unexpected ','\n");
  EXPECT_EQ(loadErrors(",itle: expand and list conditions\nid: 5a2[b7c90\n"),
            "yaml-syntax 1:1: unexpected ','\n");
}

TEST(Limits, YamlNestingDepth) {
  // nested(n): the root map and n - 1 sequences inside it, n levels.
  std::vector<YAML::Node> docs;
  EXPECT_EQ(loadErrors(nested(limits::kMaxYamlDepth), &docs), "");
  EXPECT_EQ(docs.size(), 1u);
  EXPECT_EQ(loadErrors(nested(limits::kMaxYamlDepth + 1)),
            "limit-exceeded 1:67: YAML nested more than 64 levels deep\n");
  // yaml-cpp's own guard (2000 levels) used to answer "bad file".
  EXPECT_NE(loadErrors(nested(5000)).find("limit-exceeded 1:67: YAML nested more than 64"), std::string::npos);
  // An alias repeats its anchor's depth where it is used.
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_EQ(loadErrors("a: &x " + deep + "\nb: " + deep.substr(0, 30) + "*x" + deep.substr(50) + "\n"),
            "limit-exceeded 2:34: YAML nested more than 64 levels deep (counting what aliases repeat)\n");
}

TEST(Limits, AliasesThatExpandOrCycle) {
  // Each level repeats the previous one ten times: 10^8 nodes once expanded;
  // the sixth line passes 10^6.
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k)
      laughs += (k ? ", " : "") + prev;
    laughs += "]\n";
  }
  EXPECT_NE(loadErrors(laughs).find("limit-exceeded 6:55: YAML document too large: more than 1000000 nodes"), std::string::npos) << loadErrors(laughs);
  EXPECT_EQ(loadErrors("a: &x [1, *x]\n"), "yaml-syntax 1:11: an alias inside the node its anchor names: the node "
                                           "would contain itself\n");
  EXPECT_EQ(loadErrors("a: &x [1, 2]\nb: [*x, *x]\n"), "");
}

TEST(Limits, RuleFileSize) {
  std::string big = "title: x\ndescription: '" + std::string(limits::kMaxRuleFileBytes, 'a') + "'\n";
  EXPECT_EQ(loadErrors(big), "limit-exceeded 0:0: file larger than 16 MiB\n");
  DiagnosticEngine diags;
  Frontend fe = runFrontend({writeTemp("big.kql", "T | where a == '" + std::string(limits::kMaxRuleFileBytes, 'a') + "'")},
                            FrontendOptions{}, diags);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].code, DiagCode::LimitExceeded);
  EXPECT_EQ(fe.rejected, 1u);
}

TEST(Limits, RuleCount) {
  const std::string rule = "title: r\nlogsource: {product: app}\ndetection: {s: {a: 1}, condition: s}\n";
  const std::string three = "id: r1\n" + rule + "---\nid: r2\n" + rule + "---\nid: r3\n" + rule;
  FrontendOptions options;
  options.maxRules = 2;
  DiagnosticEngine diags;
  Frontend fe = runFrontend({writeTemp("three.yml", three), writeTemp("more.kql", "T | where a == 1")}, options, diags);
  EXPECT_EQ(fe.compiled, 2u);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].code, DiagCode::LimitExceeded);
  EXPECT_EQ(diags.diagnostics()[0].loc.line, 11); // r3's document
  EXPECT_EQ(diags.diagnostics()[0].message, "more than 2 rules; this rule and the ones after it are left out");
  EXPECT_EQ(limits::kMaxRules, FrontendOptions{}.maxRules);
}

// A chain of 20000 `and`s made a binary tree 20000 levels deep, and lowering
// it overflowed the stack; a chain is one node now. (Lowered, it is over the
// rule size limit, which is lifted here.)
TEST(Limits, LongSigmaConditionChain) {
  std::string condition = "a";
  for (int i = 0; i < 20000; ++i)
    condition += i % 2 ? " and a" : " and not a";
  DiagnosticEngine diags;
  FrontendOptions options;
  options.maxRuleNodes = SIZE_MAX;
  Frontend fe = runFrontend(
      {writeTemp("chain.yml", "title: t\nlogsource: {product: app}\ndetection:\n  a: {x: 1}\n  condition: " +
                                  condition + " or a or a\n")},
      options, diags);
  EXPECT_FALSE(diags.hasErrors());
  const auto *sigmaLanguage = fe.language<sigma::SigmaLanguage>("sigma");
  ASSERT_TRUE(sigmaLanguage);
  ASSERT_EQ(sigmaLanguage->rules().size(), 1u);
  const sigma::CondExpr &top = *sigmaLanguage->rules()[0]->conditions[0];
  EXPECT_EQ(top.kind, sigma::CondExpr::Or);
  ASSERT_EQ(top.operands.size(), 3u);
  EXPECT_EQ(top.operands[0]->kind, sigma::CondExpr::And);
  EXPECT_EQ(top.operands[0]->operands.size(), 20001u);
  EXPECT_EQ(fe.compiled, 1u);
}

// A rule whose conditions lower to more IR nodes than the limit is left out
// with an error naming it, in each language; the other rules compile.
TEST(Limits, RuleSize) {
  EXPECT_EQ(limits::kMaxRuleNodes, FrontendOptions{}.maxRuleNodes);
  DiagnosticEngine diags;
  FrontendOptions options;
  options.maxRuleNodes = 5; // or(eq.int, ieq.str) per Sigma value: 3 nodes
  Frontend fe = runFrontend(
      {writeTemp("small.yml", "title: small\nlogsource: {product: app}\ndetection:\n  a: {x: 1}\n  condition: a\n"),
       writeTemp("large.yml", "title: large\nlogsource: {product: app}\ndetection:\n  a: {x: [1, 2, 3]}\n  condition: a\n"),
       writeTemp("large.kql", "T | where a == 1 or b == 2 or c == 3 or d == 4 or e == 5"),
       writeTemp("large-panther.yml", "AnalysisType: rule\nRuleID: P\nEnabled: true\nLogTypes: [A]\nSeverity: Low\n"
                                      "Detection:\n  - Any:\n" +
                                          std::string("      - {KeyPath: a, Condition: Equals, Value: 1}\n") +
                                          "      - {KeyPath: b, Condition: Equals, Value: 1}\n"
                                          "      - {KeyPath: c, Condition: Equals, Value: 1}\n"
                                          "      - {KeyPath: d, Condition: Equals, Value: 1}\n"
                                          "      - {KeyPath: e, Condition: Equals, Value: 1}\n")},
      options, diags);
  EXPECT_EQ(fe.compiled, 1u);
  EXPECT_EQ(fe.pack.rules.size(), 1u);
  ASSERT_EQ(diags.diagnostics().size(), 3u);
  for (const Diagnostic &d : diags.diagnostics()) {
    EXPECT_EQ(d.code, DiagCode::LimitExceeded);
    EXPECT_NE(d.message.find("has more than 5 tests and operators in its conditions (the limit)"), std::string::npos)
        << d.message;
  }
}

TEST(Limits, RegexProgramSize) {
  // The runtime compiles regexes with RE2's defaults: the same bound.
  EXPECT_EQ(re2::RE2::Options().max_mem(), limits::kMaxRegexMemory);
  std::string huge;
  for (int i = 0; i < 50; ++i)
    huge += "\\pL{1000}";
  DiagnosticEngine diags;
  Frontend fe = runFrontend(
      {writeTemp("re.yml", "title: t\nlogsource: {product: app}\ndetection:\n  s: {x|re: '" + huge +
                               "'}\n  condition: s\n"),
       writeTemp("re.kql", "T | where x matches regex @'" + huge + "'")},
      FrontendOptions{}, diags);
  ASSERT_EQ(diags.diagnostics().size(), 2u);
  for (const Diagnostic &d : diags.diagnostics()) {
    EXPECT_EQ(d.code, DiagCode::LimitExceeded);
    EXPECT_EQ(d.message, "regular expression too large: RE2 needs more than 8 MiB to compile '" + huge.substr(0, 80) +
                             "...'");
  }
  EXPECT_EQ(fe.compiled, 0u);
}

class EventLimits : public ::testing::Test {
protected:
  static uint32_t noRules(const rulec_value *, uint32_t, uint32_t *, rulec_context *) { return 0; }
  PackInfo pack;
  EventEvaluator events{pack, NativePack{&noRules, nullptr, nullptr}};
  std::string error;
};

TEST_F(EventLimits, Depth) {
  auto deep = [](size_t levels) {
    return "{\"a\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  EXPECT_TRUE(events.load(deep(EventEvaluator::kMaxEventDepth), error)) << error;
  EXPECT_FALSE(events.load(deep(EventEvaluator::kMaxEventDepth + 1), error));
  EXPECT_EQ(error, "event nested more than 64 levels deep (the limit)");
  // Deeper than the buffers first allocated: the bound stays when they grow.
  EXPECT_TRUE(events.load("{\"s\":\"" + std::string(1 << 20, 'x') + "\"}", error)) << error;
  EXPECT_FALSE(events.load(deep(100000), error));
  EXPECT_EQ(error, "event nested more than 64 levels deep (the limit)");
}

TEST_F(EventLimits, Size) {
  const std::string prefix = "{\"s\":\"", suffix = "\"}";
  std::string atLimit = prefix + std::string(EventEvaluator::kMaxEventBytes - prefix.size() - suffix.size(), 'x') + suffix;
  EXPECT_TRUE(events.load(atLimit, error)) << error;
  atLimit.insert(prefix.size(), "x");
  EXPECT_FALSE(events.load(atLimit, error));
  EXPECT_EQ(error, "event too large: 16777217 bytes, more than the limit of 16 MiB");
}

// Numbers beyond 64-bit integers and doubles, invalid UTF-8 and lone
// surrogates are invalid events with simdjson's reason.
TEST_F(EventLimits, HostileScalars) {
  for (const char *bad : {"{\"n\":1e400}", "{\"n\":18446744073709551616}", "{\"n\":-9223372036854775809}"}) {
    EXPECT_FALSE(events.load(bad, error)) << bad;
    EXPECT_EQ(error, "invalid JSON: Problem while parsing a number");
  }
  EXPECT_TRUE(events.load("{\"n\":18446744073709551615,\"m\":-9223372036854775808,\"d\":1e-400}", error)) << error;
  EXPECT_FALSE(events.load("{\"s\":\"\xff\xfe\"}", error));
  EXPECT_EQ(error, "invalid JSON: The input is not valid UTF-8");
  EXPECT_FALSE(events.load("{\"s\":\"\\ud800\"}", error));
  EXPECT_EQ(error, "invalid JSON: Problem while parsing a string");
}

} // namespace
