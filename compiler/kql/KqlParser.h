//===- KqlParser.h - KQL text -> AST --------------------------------------===//
//
// Grammar (the Kusto query language as rulec reads it; docs/kql.md):
//
//   query      := { let ';' } tabular [';']
//   let        := 'let' name '=' ( tabular | expr | function )
//   function   := ['view'] '(' params ')' '{' body '}'          (kept as raw text)
//   tabular    := source { '|' operator }
//   source     := name | call | '(' tabular ')' | 'materialize' '(' tabular ')'
//               | ('union'|'datatable'|'externaldata'|'print'|'range'|...) raw-text
//   operator   := 'where' expr | 'extend' assigns | 'project' assigns
//               | 'project-away' names | 'project-keep' names | 'project-rename' assigns
//               | 'distinct' exprs | ('take'|'limit') number
//               | 'summarize' [assigns] ['by' assigns] | ('sort'|'order') 'by' sortkeys
//               | 'top' number 'by' sortkeys | 'count'
//               | other-name raw-text-to-next-top-level-'|'
//   expr       := or ;  or := and { 'or' and } ;  and := cmp { 'and' cmp }
//   cmp        := add { cmpop add | inop '(' list ')' | inop name
//                      | ['!']'between' '(' add '..' add ')' }
//   add        := mul { ('+'|'-') mul } ;  mul := unary { ('*'|'/'|'%') unary }
//   unary      := ['-'|'+'] postfix ;  postfix := primary { '.' name | '[' expr ']' }
//   primary    := literal | name | name '(' [args] ')' | 'toscalar' '(' tabular ')' | '(' expr ')'
//               | 'dynamic' '(' json ')' | 'datetime' '(' text ')' | 'timespan' '(' text ')'
//
// A let's right side is tabular when it has a top-level `|`, starts with a
// source operator or materialize(), or is a name alone; an in-list is
// tabular when it has a top-level `|` or starts with a source operator; the
// argument of toscalar() always is. Parenthesized pipelines and materialize()
// are flattened into the pipeline they start.
//
// Errors carry file:line:col of the token in the file the query came from
// (LineMap maps query lines to file positions).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"
#include "kql/KqlAst.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rulec::kql {

/// Where each line of a query's text stands in its file: for a YAML block
/// scalar, the query's lines are de-indented and start below `query: |`.
struct LineMap {
  std::shared_ptr<const std::string> file;
  /// Per line of the query text (index 0 = line 1): the file line (1-based)
  /// and how many columns the text was shifted left (the indentation).
  std::vector<std::pair<int, int>> lines;

  /// The file position of 1-based (line, column) in the query text. Lines past
  /// the map continue from the last one; an empty map is the identity.
  SourceLocation at(int line, int column) const;

  /// The identity map for a query that is the whole file.
  static LineMap identity(std::shared_ptr<const std::string> file);
};

/// Parses a query. Returns null (with diagnostics, code kql-syntax) on error.
std::unique_ptr<Query> parseQuery(const std::string &text, const LineMap &map, DiagnosticEngine &diags);

} // namespace rulec::kql
