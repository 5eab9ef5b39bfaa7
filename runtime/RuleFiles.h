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

#include <string>
#include <vector>

namespace rulec {

/// The rule files of `paths`, in order; each path that is neither a folder
/// nor an existing file goes to `missing`.
std::vector<std::string> listRuleFiles(const std::vector<std::string> &paths, std::vector<std::string> &missing);

/// Replaces `out` with the bytes of the file at `path`, read with read(2)
/// (3000 rule files hashed for a cache key are 9000 system calls; an
/// ifstream and a stringstream per file took twice as long); false when it
/// cannot be read (`out` then holds what was).
bool readWholeFile(const std::string &path, std::string &out);

} // namespace rulec
