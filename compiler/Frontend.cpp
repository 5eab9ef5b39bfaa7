//===- Frontend.cpp -------------------------------------------------------===//
#include "Frontend.h"

#include "matching/RegexGate.h"
#include "packs/RuleFiles.h"

#include "ir/LiteralSets.h"
#include "ir/Prefilter.h"
#include "ir/Simplify.h"
#include "support/Limits.h"
#include "support/Parallel.h"
#include "support/YamlFile.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <ostream>

namespace rulec {

std::vector<std::string> collectRuleFiles(const std::vector<std::string> &paths, DiagnosticEngine &diags,
                                          std::vector<FileStamp> *stamps) {
  std::vector<std::string> missing;
  std::vector<std::string> out = listRuleFiles(paths, missing, stamps);
  for (const std::string &p : missing)
    diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(p), 0, 0},
                "no such file or directory: '" + p + "'");
  return out;
}

bool RuleIds::claim(const std::string &id, const SourceLocation &loc, DiagnosticEngine &diags) {
  auto [it, inserted] = first_.emplace(id, loc);
  if (!inserted)
    diags.error(DiagCode::DuplicateRuleId, loc, "duplicate rule id '" + id + "', first defined at " + it->second.str());
  return inserted;
}

bool PackBuilder::accept(size_t firstNew) {
  for (size_t r = firstNew; r < pack.rules.size(); ++r) {
    ir::Rule &rule = pack.rules[r];
    size_t nodes = 0;
    auto count = [&](std::unique_ptr<ir::Expr> &e) {
      if (e) {
        e = ir::simplify(std::move(e));
        nodes += ir::nodeCount(*e, options.maxRuleNodes + 1);
      }
    };
    count(rule.predicate);
    for (auto &severity : rule.severityPredicates)
      count(severity);
    if (nodes > options.maxRuleNodes) {
      diags.error(DiagCode::LimitExceeded, rule.loc,
                  "rule '" + rule.info.id + "' has more than " + std::to_string(options.maxRuleNodes) +
                      " tests and operators in its conditions (the limit)");
      pack.rules.resize(firstNew);
      ++rejected;
      return false;
    }
  }
  ++compiled;
  return true;
}

void Frontend::dumpAst(std::ostream &os) const {
  for (const auto &language : languages)
    language->dumpAst(os);
}

std::string Frontend::countsSummary() const {
  std::string out;
  for (const auto &language : languages)
    for (const LanguageCounts &group : language->counts()) {
      if (group.counts.empty() || group.counts.front().second == 0)
        continue;
      out += " (" + group.what + ":";
      for (size_t i = 0; i < group.counts.size(); ++i)
        out += (i ? ", " : " ") + std::to_string(group.counts[i].second) + " " + group.counts[i].first;
      out += ")";
    }
  return out;
}

namespace {

/// "a, b or c"
std::string listOf(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

/// The language a document goes to: the first of the table that is Sure of
/// it, else the first that takes it as a fallback; null if none does.
Language *claimant(const std::vector<std::unique_ptr<Language>> &languages, const YAML::Node &root) {
  Language *fallback = nullptr;
  for (const auto &language : languages)
    switch (language->claims(root)) {
    case Claim::Sure:
      return language.get();
    case Claim::Fallback:
      if (!fallback)
        fallback = language.get();
      break;
    case Claim::None:
      break;
    }
  return fallback;
}

} // namespace

Frontend runFrontend(const std::vector<std::string> &files, const FrontendOptions &options,
                     DiagnosticEngine &diags, std::vector<std::unique_ptr<Language>> languages) {
  Frontend fe;
  fe.languages = std::move(languages);
  RuleIds ids;
  std::vector<std::string> kinds;
  for (const auto &language : fe.languages)
    for (std::string &kind : language->documentKinds())
      kinds.push_back(std::move(kind));
  const std::string notARuleMessage = "not a rule: expected " + listOf(kinds);
  auto notARule = [&](const std::string &file, YAML::Mark m, const std::string &what) {
    diags.error(DiagCode::NotARule, {std::make_shared<const std::string>(file), m.line + 1, m.column + 1}, what);
    ++fe.rejected;
  };
  // One YAML document: a rule of one of the languages.
  auto addDocument = [&](const YAML::Node &root, const std::string &file) {
    try {
      Language *language = claimant(fe.languages, root);
      if (!language)
        // One clear error instead of a list of one language's missing keys:
        // rule folders often hold other YAML (Sigma's regression_data).
        return notARule(file, root.Mark(), notARuleMessage);
      if (language->loadDocument(root, file, ids, diags))
        return;
    } catch (const YAML::Exception &e) {
      reportYamlException(e, file, diags);
    }
    ++fe.rejected;
  };
  size_t rulesRead = 0;
  // More rules than a pack may hold: one error at the first rule too many,
  // then nothing more is read.
  auto tooMany = [&](const std::string &file, YAML::Mark m) {
    if (++rulesRead <= options.maxRules)
      return false;
    diags.error(DiagCode::LimitExceeded, {std::make_shared<const std::string>(file), m.line + 1, m.column + 1},
                "more than " + std::to_string(options.maxRules) + " rules; this rule and the ones after it are left out");
    return true;
  };
  // The language that reads a file whole (not as YAML), if any.
  auto wholeFileLanguage = [&](const std::string &file) -> Language * {
    for (const auto &language : fe.languages)
      if (language->readsWholeFile(file))
        return language.get();
    return nullptr;
  };
  // YAML files are parsed a batch at a time on all cores, then read in order.
  const unsigned threads = compilerThreads();
  const size_t batchSize = 64 * threads;
  std::vector<LoadedYamlFile> batch;
  std::map<size_t, size_t> inBatch; // file index -> its place in batch
  bool full = false;
  for (size_t i = 0; i < files.size() && !full; ++i) {
    const std::string &file = files[i];
    ++fe.files;
    if (Language *whole = wholeFileLanguage(file)) {
      if ((full = tooMany(file, YAML::Mark())))
        break;
      if (!whole->loadFile(file, ids, diags))
        ++fe.rejected;
      continue;
    }
    if (!inBatch.count(i)) {
      std::vector<std::string> paths;
      inBatch.clear();
      for (size_t j = i; j < files.size() && paths.size() < batchSize; ++j)
        if (!wholeFileLanguage(files[j])) {
          inBatch[j] = paths.size();
          paths.push_back(files[j]);
        }
      batch = loadYamlFiles(paths, threads);
    }
    LoadedYamlFile &loaded = batch[inBatch[i]];
    for (const Diagnostic &d : loaded.diags.diagnostics())
      diags.report(d.severity, d.code, d.loc, d.message);
    if (!loaded.ok) {
      ++fe.rejected;
      continue;
    }
    const std::vector<YAML::Node> documents = std::move(loaded.documents);
    if (documents.empty())
      notARule(file, YAML::Mark(), "not a rule: the file holds no YAML document");
    for (const YAML::Node &root : documents) {
      if ((full = tooMany(file, root.Mark())))
        break;
      addDocument(root, file);
    }
  }
  PackBuilder builder(fe.pack, diags, options);
  for (const auto &language : fe.languages)
    language->lower(builder);
  fe.compiled = builder.compiled;
  fe.rejected += builder.rejected;
  fe.disabled = builder.disabled;
  fe.tests = std::move(builder.tests);
  ir::simplify(fe.pack);
  ir::assignLiteralSets(fe.pack);
  ir::assignPrefilters(fe.pack);
  fe.pack.regexGate = planRegexGate(fe.pack.regexes, fe.pack.regexAtomsTested);
  return fe;
}

} // namespace rulec
