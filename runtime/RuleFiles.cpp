//===- RuleFiles.cpp ------------------------------------------------------===//
#include "RuleFiles.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

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

bool readWholeFile(const std::string &path, std::string &out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char chunk[1 << 16];
  bool ok = true;
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ok = false;
      break;
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return ok;
}

} // namespace rulec
