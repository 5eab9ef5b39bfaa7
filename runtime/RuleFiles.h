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

} // namespace rulec
