//===- FuzzSupport.cpp ----------------------------------------------------===//
#include "FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <streambuf>
#include <unistd.h>
#include <vector>

namespace rulec::fuzz {

std::string scratchPath(const std::string &suffix) {
  static std::vector<std::string> made;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("rulec-fuzz-" + std::to_string(getpid()) + suffix))
                         .string();
  if (made.empty())
    std::atexit([] {
      for (const std::string &p : made)
        std::remove(p.c_str());
    });
  made.push_back(path);
  return path;
}

void writeFile(const std::string &path, const uint8_t *data, size_t size) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
}

void writeFile(const std::string &path, const std::string &text) {
  writeFile(path, reinterpret_cast<const uint8_t *>(text.data()), text.size());
}

namespace {
struct NullBuf : std::streambuf {
  int overflow(int c) override { return c == EOF ? 0 : c; }
  std::streamsize xsputn(const char *, std::streamsize n) override { return n; }
};
} // namespace

std::ostream &nullStream() {
  static NullBuf buf;
  static std::ostream os(&buf);
  return os;
}

} // namespace rulec::fuzz
