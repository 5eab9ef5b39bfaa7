//===- Frontend.cpp -------------------------------------------------------===//
#include "Frontend.h"

#include "RegexGate.h"
#include "RuleFiles.h"

#include "Limits.h"
#include "Parallel.h"

#include "KqlLowering.h"
#include "LiteralSets.h"
#include "Prefilter.h"
#include "SigmaCorrelationLowering.h"
#include "SigmaLowering.h"
#include "PantherLowering.h"
#include "PantherParser.h"
#include "Simplify.h"
#include "YamlFile.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace rulec {

namespace fs = std::filesystem;

std::vector<std::string> collectRuleFiles(const std::vector<std::string> &paths, DiagnosticEngine &diags,
                                          std::vector<FileStamp> *stamps) {
  std::vector<std::string> missing;
  std::vector<std::string> out = listRuleFiles(paths, missing, stamps);
  for (const std::string &p : missing)
    diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(p), 0, 0},
                "no such file or directory: '" + p + "'");
  return out;
}

/// A map with any key only a Panther rule has; anything else that is neither
/// Sigma nor Sentinel is not a rule at all.
static bool looksLikePanther(const YAML::Node &root) {
  if (!root.IsMap())
    return true; // let the Panther parser say what a rule file must be
  for (const char *key : {"AnalysisType", "RuleID", "Detection", "LogTypes", "Filename"})
    if (root[key])
      return true;
  return false;
}

Frontend runFrontend(const std::vector<std::string> &files, const FrontendOptions &options,
                     DiagnosticEngine &diags) {
  Frontend fe;
  std::map<std::string, SourceLocation> firstDefinition;
  auto unique = [&](const std::string &id, const SourceLocation &loc) {
    auto [it, inserted] = firstDefinition.emplace(id, loc);
    if (!inserted)
      diags.error(DiagCode::DuplicateRuleId, loc,
                  "duplicate rule id '" + id + "', first defined at " + it->second.str());
    return inserted;
  };
  std::vector<std::unique_ptr<sentinel::Rule>> queries;
  auto notARule = [&](const std::string &file, YAML::Mark m, const std::string &what) {
    diags.error(DiagCode::NotARule, {std::make_shared<const std::string>(file), m.line + 1, m.column + 1}, what);
    ++fe.rejected;
  };
  // One YAML document: a rule of one of the languages.
  auto addDocument = [&](const YAML::Node &root, const std::string &file) {
    try {
      if (sentinel::looksLikeSentinel(root)) {
        ++fe.kqlFiles;
        if (auto query = sentinel::loadRule(root, file, diags); query && unique(query->id, query->loc))
          return queries.push_back(std::move(query));
      } else if (sigma::looksLikeCorrelation(root)) {
        ++fe.sigmaCorrelationsRead;
        if (auto c = sigma::loadCorrelation(root, file, diags); c && unique(c->id, c->loc))
          return fe.sigmaCorrelations.push_back(std::move(c));
      } else if (sigma::looksLikeSigma(root)) {
        ++fe.sigmaFiles;
        if (auto s = sigma::loadRule(root, file, diags); s && unique(s->id, s->loc))
          return fe.sigmaRules.push_back(std::move(s));
      } else if (root.IsMap() && root["action"] && !root["AnalysisType"]) {
        YAML::Mark m = root["action"].Mark();
        diags.error(DiagCode::Unsupported, {std::make_shared<const std::string>(file), m.line + 1, m.column + 1},
                    "Sigma 1 rule collections (action: global, reset, repeat) are not supported; write each "
                    "rule as a whole document");
      } else if (looksLikePanther(root)) {
        if (auto rule = panther::parseRule(root, file, diags); rule && unique(rule->id, rule->loc))
          return fe.rules.push_back(std::move(rule));
      } else {
        // One clear error instead of a list of missing Panther keys:
        // rule folders often hold other YAML (Sigma's regression_data).
        return notARule(file, root.Mark(),
                        "not a rule: expected a Panther rule (AnalysisType), a Sigma rule (detection and "
                        "logsource), a Sigma correlation (correlation) or a Sentinel rule (query)");
      }
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
  // YAML files are parsed a batch at a time on all cores, then read in order.
  const unsigned threads = compilerThreads();
  const size_t batchSize = 64 * threads;
  std::vector<LoadedYamlFile> batch;
  std::map<size_t, size_t> inBatch; // file index -> its place in batch
  auto isKql = [](const std::string &file) { return fs::path(file).extension() == ".kql"; };
  bool full = false;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string &file = files[i];
    if (full)
      break;
    ++fe.files;
    if (isKql(file)) {
      if ((full = tooMany(file, YAML::Mark())))
        break;
      ++fe.kqlFiles;
      if (auto query = sentinel::loadKqlFile(file, diags); query && unique(query->id, query->loc))
        queries.push_back(std::move(query));
      else
        ++fe.rejected;
      continue;
    }
    if (!inBatch.count(i)) {
      std::vector<std::string> paths;
      inBatch.clear();
      for (size_t j = i; j < files.size() && paths.size() < batchSize; ++j)
        if (!isKql(files[j])) {
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
  // A rule whose conditions lowered to more than kMaxRuleNodes IR nodes is
  // taken back out of the pack (with the set builders it added). Counted in
  // the simplified form that --emit=ir shows and codegen compiles.
  auto withinSizeLimit = [&](size_t firstNew) {
    for (size_t r = firstNew; r < fe.pack.rules.size(); ++r) {
      ir::Rule &rule = fe.pack.rules[r];
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
        fe.pack.rules.resize(firstNew);
        return false;
      }
    }
    return true;
  };
  for (const auto &rule : fe.rules) {
    if (!rule->enabled && !options.includeDisabled) {
      ++fe.disabled;
      continue;
    }
    const size_t firstNew = fe.pack.rules.size();
    panther::lowerRule(*rule, fe.pack);
    if (!withinSizeLimit(firstNew)) {
      ++fe.rejected;
      continue;
    }
    fe.astOf.push_back(rule.get());
    ++fe.compiled;
  }
  fe.kqlParsed = static_cast<unsigned>(queries.size());
  for (auto &query : queries) {
    const size_t firstNew = fe.pack.rules.size();
    if (!kql::lowerQuery(*query, fe.pack, diags) || !withinSizeLimit(firstNew)) {
      ++fe.rejected;
      continue;
    }
    fe.astOf.resize(fe.pack.rules.size(), nullptr);
    ++fe.kqlCompiled;
    ++fe.compiled;
    fe.queries.push_back(std::move(query));
  }
  const sigma::Config &config = options.sigmaConfig ? *options.sigmaConfig : sigma::Config::builtin();
  std::vector<sigma::CompiledRule> sigmaCompiled;
  for (const auto &rule : fe.sigmaRules) {
    sigmaCompiled.push_back({rule.get(), -1});
    const size_t firstNew = fe.pack.rules.size();
    if (!sigma::lowerRule(*rule, config, fe.pack, diags) || !withinSizeLimit(firstNew)) {
      ++fe.rejected;
      continue;
    }
    sigmaCompiled.back().packIndex = static_cast<int64_t>(fe.pack.rules.size() - 1);
    fe.astOf.resize(fe.pack.rules.size(), nullptr);
    ++fe.sigmaCompiled;
    ++fe.compiled;
  }
  fe.sigmaCorrelationsCompiled = sigma::lowerCorrelations(sigmaCompiled, fe.sigmaCorrelations, config, fe.pack, diags);
  fe.compiled += fe.sigmaCorrelationsCompiled;
  fe.rejected += static_cast<unsigned>(fe.sigmaCorrelations.size()) - fe.sigmaCorrelationsCompiled;
  ir::simplify(fe.pack);
  ir::assignLiteralSets(fe.pack);
  ir::assignPrefilters(fe.pack);
  fe.pack.regexGate = planRegexGate(fe.pack.regexes, fe.pack.regexAtomsTested);
  return fe;
}

} // namespace rulec
