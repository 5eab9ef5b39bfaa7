//===- FrontendTest.cpp - The table of languages drives the frontend ------===//
//
// runFrontend names no language: a mixed pack's documents reach the language
// that claims them, each language lowers its rules in table order and
// reports its own counts; and a language the driver has never seen (a toy
// defined here) joins through the table alone.
//
//===----------------------------------------------------------------------===//
#include "Frontend.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

using namespace rulec;

namespace {

namespace fs = std::filesystem;

std::string writeTemp(const std::string &name, const std::string &text) {
  // Per process: ctest runs the tests of this file in parallel processes.
  const fs::path dir = fs::path(::testing::TempDir()) / ("rulec-frontend-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

const char *kPanther = "AnalysisType: rule\nRuleID: P.One\nEnabled: true\nLogTypes: [App.Log]\nSeverity: Low\n"
                       "Detection:\n  - {KeyPath: a, Condition: Equals, Value: 1}\n";
const char *kSentinel = "id: 11111111-1111-1111-1111-111111111111\nname: S\nseverity: Low\n"
                        "query: |\n  T | where a == 1\n";
const char *kSigma = "title: s\nid: sigma-one\nname: sigma_one\nlogsource: {product: app}\n"
                     "detection: {sel: {a: 1}, condition: sel}\n";
const char *kCorrelation = "title: c\nid: corr-one\ncorrelation: {type: event_count, rules: [sigma_one], "
                           "group-by: [a], timespan: 5m, condition: {gte: 2}}\n";

/// The counts a language of `fe` reports under `what`.
std::optional<LanguageCounts> group(const Frontend &fe, const std::string &what) {
  for (const auto &language : fe.languages)
    for (LanguageCounts &g : language->counts())
      if (g.what == what)
        return g;
  return std::nullopt;
}

TEST(Frontend, MixedPackCountsPerLanguage) {
  // Sigma and KQL files come first on the command line; the pack still
  // holds Panther's rules first, then KQL's, then Sigma's (table order).
  DiagnosticEngine diags;
  Frontend fe = runFrontend({writeTemp("sigma.yml", std::string(kSigma) + "---\n" + kCorrelation),
                             writeTemp("bad-sigma.yml", "title: b\nlogsource: {product: app}\n"
                                                        "detection: {sel: {a: 1}, condition: nope}\n"),
                             writeTemp("query.kql", "T | where b == 2"), writeTemp("sentinel.yml", kSentinel),
                             writeTemp("panther.yml", kPanther)},
                            FrontendOptions{}, diags);
  ASSERT_EQ(fe.languages.size(), 3u);
  EXPECT_STREQ(fe.languages[0]->name(), "panther");
  EXPECT_STREQ(fe.languages[1]->name(), "kql");
  EXPECT_STREQ(fe.languages[2]->name(), "sigma");
  EXPECT_EQ(fe.files, 5u);
  EXPECT_EQ(fe.compiled, 5u); // Panther 1, KQL 2, Sigma 1 rule + 1 correlation
  EXPECT_EQ(fe.rejected, 1u);
  ASSERT_EQ(fe.pack.rules.size(), 4u);
  EXPECT_EQ(fe.pack.rules[0].info.id, "P.One");
  EXPECT_EQ(fe.pack.rules[1].info.id, "query");
  EXPECT_EQ(fe.pack.rules[2].info.id, "11111111-1111-1111-1111-111111111111");
  EXPECT_EQ(fe.pack.rules[3].info.id, "sigma-one");
  EXPECT_EQ(fe.pack.correlations.size(), 1u);

  const auto kql = group(fe, "KQL queries");
  ASSERT_TRUE(kql);
  EXPECT_EQ(kql->counts, (std::vector<std::pair<std::string, unsigned>>{{"read", 2}, {"parsed", 2}, {"compiled", 2}}));
  const auto sigmaRules = group(fe, "Sigma rules");
  ASSERT_TRUE(sigmaRules);
  EXPECT_EQ(sigmaRules->counts, (std::vector<std::pair<std::string, unsigned>>{{"read", 2}, {"compiled", 1}}));
  EXPECT_EQ(fe.countsSummary(), " (KQL queries: 2 read, 2 parsed, 2 compiled) (Sigma rules: 2 read, 1 compiled) "
                                "(Sigma correlations: 1 read, 1 compiled)");
  // Only the Panther rule carries Tests (none here, but it is listed).
  ASSERT_EQ(fe.tests.size(), 1u);
  EXPECT_EQ(*fe.tests[0].id, "P.One");

  std::ostringstream ast;
  fe.dumpAst(ast);
  EXPECT_LT(ast.str().find("P.One"), ast.str().find("Query \"query\""));
  EXPECT_LT(ast.str().find("Query \"query\""), ast.str().find("SigmaRule \"sigma-one\""));
}

TEST(Frontend, DuplicateIdsAcrossLanguages) {
  DiagnosticEngine diags;
  Frontend fe = runFrontend(
      {writeTemp("dup-panther.yml", kPanther), writeTemp("P.One.kql", "T | where a == 1")}, FrontendOptions{}, diags);
  EXPECT_EQ(fe.compiled, 1u);
  EXPECT_EQ(fe.rejected, 1u);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].code, DiagCode::DuplicateRuleId);
}

/// A language the driver has never heard of: documents with a `toy:` key
/// (Sure), and, as a fallback, maps with a `maybe-toy:` key. Each becomes a
/// rule that matches every event of log type Toy.
class ToyLanguage : public Language {
public:
  const char *name() const override { return "toy"; }
  std::vector<std::string> documentKinds() const override { return {"a toy rule (toy)"}; }
  Claim claims(const YAML::Node &root) const override {
    if (root.IsMap() && root["toy"])
      return Claim::Sure;
    return root.IsMap() && root["maybe-toy"] ? Claim::Fallback : Claim::None;
  }
  bool readsWholeFile(const std::string &path) const override { return fs::path(path).extension() == ".toy"; }
  bool loadDocument(const YAML::Node &root, const std::string &file, RuleIds &ids,
                    DiagnosticEngine &diags) override {
    ++read;
    const YAML::Node id = root["toy"] ? root["toy"] : root["maybe-toy"];
    if (!ids.claim(id.Scalar(), {std::make_shared<const std::string>(file), 1, 1}, diags))
      return false;
    names.push_back(id.Scalar());
    return true;
  }
  bool loadFile(const std::string &path, RuleIds &ids, DiagnosticEngine &diags) override {
    ++read;
    names.push_back(fs::path(path).stem().string());
    return true;
  }
  void lower(PackBuilder &builder) override {
    for (const std::string &n : names) {
      const size_t firstNew = builder.pack.rules.size();
      ir::Rule rule;
      rule.info.id = n;
      rule.info.logTypes.push_back(builder.pack.internLogType("Toy"));
      rule.predicate = ir::Expr::makeConst(true, {});
      builder.pack.rules.push_back(std::move(rule));
      if (builder.accept(firstNew))
        ++lowered;
    }
  }
  void dumpAst(std::ostream &os) const override {
    for (const std::string &n : names)
      os << "Toy " << n << "\n";
  }
  std::vector<LanguageCounts> counts() const override { return {{"toy rules", {{"read", read}, {"compiled", lowered}}}}; }

  std::vector<std::string> names;
  unsigned read = 0, lowered = 0;
};

TEST(Frontend, NewLanguageJoinsThroughTheTableAlone) {
  std::vector<std::unique_ptr<Language>> table = makeLanguages();
  table.push_back(std::make_unique<ToyLanguage>());
  DiagnosticEngine diags;
  Frontend fe = runFrontend(
      {writeTemp("toys.yml", "toy: t1\n---\nmaybe-toy: t2\n---\n" + std::string(kSigma) +
                                 "---\nmaybe-toy: t3\nRuleID: also-panther-ish\n---\nnothing: here\n"),
       writeTemp("t4.toy", "anything at all")},
      FrontendOptions{}, diags, std::move(table));
  const auto *toy = fe.language<ToyLanguage>("toy");
  ASSERT_TRUE(toy);
  // t3 is a fallback for Panther too (RuleID); Panther comes first in the
  // table, so Panther's parser gets it and rejects it.
  EXPECT_EQ(toy->names, (std::vector<std::string>{"t1", "t2", "t4"}));
  EXPECT_EQ(fe.compiled, 4u); // three toys and the Sigma rule
  EXPECT_EQ(fe.pack.rules.back().info.id, "t4");
  EXPECT_EQ(fe.countsSummary(), " (Sigma rules: 1 read, 1 compiled) (toy rules: 3 read, 3 compiled)");
  std::ostringstream ast;
  fe.dumpAst(ast);
  EXPECT_NE(ast.str().find("Toy t4\n"), std::string::npos);
  // The document nobody claims names every language's kinds, the toy's last.
  bool named = false;
  for (const Diagnostic &d : diags.diagnostics())
    if (d.code == DiagCode::NotARule)
      named = d.message.find("a Sentinel rule (query), a Sigma rule (detection and logsource), a Sigma "
                             "correlation (correlation) or a toy rule (toy)") != std::string::npos;
  EXPECT_TRUE(named);
}

} // namespace
