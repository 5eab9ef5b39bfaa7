//===- SourceLocation.h - Where a rule construct came from ----------------===//
//
// Every AST and IR node carries one of these so that diagnostics and dumps can
// point back into the rule file. Lines and columns are 1-based (yaml-cpp's
// Mark is 0-based; the YAML reader adds one).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

namespace rulec {

struct SourceLocation {
  /// Shared so that thousands of nodes of one file do not copy its path.
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  bool valid() const { return file && line > 0; }
  /// "file:line:col"; just "file" for a whole file; "<unknown>" for a node
  /// made by a pass.
  std::string str() const;
};

} // namespace rulec
