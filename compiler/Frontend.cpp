//===- Frontend.cpp -------------------------------------------------------===//
#include "Frontend.h"

#include "PantherLowering.h"
#include "PantherParser.h"
#include "Simplify.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace rulec {

namespace fs = std::filesystem;

std::vector<std::string> collectRuleFiles(const std::vector<std::string> &paths,
                                          DiagnosticEngine &diags) {
  std::vector<std::string> out;
  for (const std::string &p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
           it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".yml" || ext == ".yaml"))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(p), 0, 0},
                  "no such file or directory: '" + p + "'");
    }
  }
  return out;
}

Frontend runFrontend(const std::vector<std::string> &files, const FrontendOptions &options,
                     DiagnosticEngine &diags) {
  Frontend fe;
  std::map<std::string, SourceLocation> firstDefinition;
  for (const std::string &file : files) {
    ++fe.files;
    std::unique_ptr<panther::Rule> rule = panther::parseRuleFile(file, diags);
    if (!rule) {
      ++fe.rejected;
      continue;
    }
    auto [it, inserted] = firstDefinition.emplace(rule->id, rule->loc);
    if (!inserted) {
      diags.error(DiagCode::DuplicateRuleId, rule->loc,
                  "duplicate RuleID '" + rule->id + "', first defined at " + it->second.str());
      ++fe.rejected;
      continue;
    }
    fe.rules.push_back(std::move(rule));
  }
  for (const auto &rule : fe.rules) {
    if (!rule->enabled && !options.includeDisabled) {
      ++fe.disabled;
      continue;
    }
    panther::lowerRule(*rule, fe.pack);
    fe.astOf.push_back(rule.get());
  }
  ir::simplify(fe.pack);
  return fe;
}

} // namespace rulec
