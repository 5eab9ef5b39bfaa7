//===- RuleFiles.h - The rule files a command line names ------------------===//
//
// Rule arguments are files or folders; a folder stands for its `.yml`,
// `.yaml` and `.kql` files, searched recursively and sorted. The compiler
// (compiler/Frontend.h: collectRuleFiles, which reports what is missing) and
// the cache key of `rulec run --cache` (tools/CacheKey.h, computed without the
// compiler) list them the same way here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rulec {

/// What stat(2) says of a file, as git's index keeps it to tell that a file
/// changed without reading it: its device and inode, size, and the
/// modification and status-change times in nanoseconds (the status-change
/// time cannot be set back by a program, as the modification time can).
struct FileStamp {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtimeNs = 0, ctimeNs = 0;
  bool regular = false; ///< only a regular file's stamp says anything of its bytes
  bool operator==(const FileStamp &) const = default;
};

/// The stamp of the file at `path` (following symbolic links); false when
/// it cannot be stat'ed.
bool stampFile(const std::string &path, FileStamp &out);

/// The rule files of `paths`, in order; each path that is neither a folder
/// nor an existing file goes to `missing`. With `stamps`, each file's stamp
/// too (the path's own stat for a path named, one more for a file found in
/// a folder).
std::vector<std::string> listRuleFiles(const std::vector<std::string> &paths, std::vector<std::string> &missing,
                                       std::vector<FileStamp> *stamps = nullptr);

/// Replaces `out` with the bytes of the file at `path`, read with read(2)
/// (3000 rule files hashed for a cache key are 9000 system calls; an
/// ifstream and a stringstream per file took twice as long); false when it
/// cannot be read (`out` then holds what was).
bool readWholeFile(const std::string &path, std::string &out);

/// Feeds `update` (called with std::string) what a hash of rule files
/// covers: each file's path and bytes, in order, lengths first so that no
/// two file lists hash alike by concatenation. The pack manifest's source
/// hash (compiler/codegen/Aot.h, BLAKE3) and the cache key (tools/CacheKey.h,
/// SHA-256: no LLVM in `rulec`) both hash this.
template <class Update> void feedRuleFiles(const std::vector<std::string> &files, Update &&update) {
  std::string content;
  for (const std::string &file : files) {
    readWholeFile(file, content);
    update(std::to_string(file.size()) + ":" + file + ":" + std::to_string(content.size()) + ":");
    update(content);
  }
}

} // namespace rulec
