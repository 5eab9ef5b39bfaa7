//===- RuleFiles.cpp ------------------------------------------------------===//
#include "RuleFiles.h"

#include <algorithm>
#include <filesystem>

namespace rulec {

namespace fs = std::filesystem;

std::vector<std::string> listRuleFiles(const std::vector<std::string> &paths, std::vector<std::string> &missing) {
  std::vector<std::string> out;
  for (const std::string &p : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(p, ec); // one stat a path: 3000 files, 3000 system calls
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it); it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".yml" || ext == ".yaml" || ext == ".kql"))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(status)) {
      out.push_back(p);
    } else {
      missing.push_back(p);
    }
  }
  return out;
}

} // namespace rulec
