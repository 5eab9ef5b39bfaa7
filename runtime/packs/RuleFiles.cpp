//===- RuleFiles.cpp ------------------------------------------------------===//
#include "packs/RuleFiles.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace rulec {

namespace fs = std::filesystem;

namespace {

FileStamp stampOf(const struct stat &st) {
  FileStamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctimeNs = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  s.regular = S_ISREG(st.st_mode);
  return s;
}

} // namespace

bool stampFile(const std::string &path, FileStamp &out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return false;
  out = stampOf(st);
  return true;
}

std::vector<std::string> listRuleFiles(const std::vector<std::string> &paths, std::vector<std::string> &missing,
                                       std::vector<FileStamp> *stamps) {
  std::vector<std::string> out;
  for (const std::string &p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) { // one stat a path: 3000 files, 3000 system calls
      missing.push_back(p);
    } else if (S_ISDIR(st.st_mode)) {
      std::vector<std::string> found;
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it); it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".yml" || ext == ".yaml" || ext == ".kql"))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      for (const std::string &file : found) {
        out.push_back(file);
        if (stamps && !stampFile(file, stamps->emplace_back()))
          stamps->back() = FileStamp{}; // gone since it was listed: never trusted
      }
    } else {
      out.push_back(p);
      if (stamps)
        stamps->push_back(stampOf(st));
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
