//===- KqlAst.h - AST of a Kusto (KQL) query ------------------------------===//
//
// What the KQL parser produces: `let` statements and one tabular expression
// (a source table and a pipeline of operators), every node located in the
// file the query came from (a .kql file, or the `query: |` block of a
// Sentinel rule). The AST keeps the query as written; KqlLowering decides
// what compiles and with which semantics.
//
// Operators rulec parses in full: where, extend, project, project-away,
// project-rename, project-keep, distinct, take, limit, summarize, top, sort,
// order, count, and the sources print, datatable and range. Every other operator (join, union, parse, mv-expand, ...)
// is parsed generically: its name, location and raw argument text up to the
// next top-level `|`, so that a query using it still parses and lowering can
// name it in its error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/SourceLocation.h"
#include "support/YamlScalar.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec::kql {

struct TabularExpr;

/// A scalar literal. `type` is Kusto's: a string, long, real, bool, a
/// datetime or timespan (in `value.i`, nanoseconds since the Unix epoch / in
/// nanoseconds), a guid (text in value.s), or null.
struct Literal {
  enum Type { String, Long, Real, Bool, DateTime, TimeSpan, Guid, Null } type = Null;
  Scalar value;
};

struct Expr {
  enum Kind {
    Literal,  ///< `literal`
    Dynamic,  ///< dynamic([...]) or dynamic({...}): `items` (arrays) or `keys`+`items` (objects)
    Name,     ///< `name`: a column, a let name, or a bracketed ['name with spaces']
    Member,   ///< `operands[0].name`
    Index,    ///< `operands[0][operands[1]]`
    Call,     ///< `name(operands...)`; includes not(), ago(), now(), tostring(), count() ...
    Unary,    ///< `op operands[0]` with op "-" or "+"
    Binary,   ///< `operands[0] op operands[1]`, op as written in lower case:
              ///< and or == != =~ !~ < <= > >= + - * / % has !has has_cs !has_cs
              ///< hasprefix !hasprefix hasprefix_cs ... hassuffix ... contains !contains
              ///< contains_cs !contains_cs startswith ... endswith ... "matches regex"
    In,       ///< `operands[0] op (operands[1..])` with op in !in in~ !in~ has_any has_all;
              ///< or with `table` set when the list is a tabular expression or a let name
              ///< of one (resolved by lowering: a Name operand may name a let table)
    Between,  ///< `operands[0] between (operands[1] .. operands[2])`; op "between" or "!between"
    Star,     ///< `*` as an argument (count(*) is written count())
    Table,    ///< `(T | ...)` as an argument: a let function's tabular parameter (`table`)
  } kind = Literal;
  SourceLocation loc;
  std::string name;                      ///< Name, Member, Call
  std::string op;                        ///< Unary, Binary, In, Between
  struct Literal literal;                ///< Literal
  std::vector<std::unique_ptr<Expr>> operands;
  std::vector<std::string> keys;         ///< Dynamic objects: keys, parallel to operands; Call: the
                                         ///< argument names of `f(a=1, ...)` ("" positional), or empty
  bool dynamicIsObject = false;          ///< Dynamic
  std::unique_ptr<TabularExpr> table;    ///< In: a parenthesized tabular sub-query;
                                         ///< Call: the tabular argument of toscalar(T | ...);
                                         ///< Table: the tabular expression
};

using ExprPtr = std::unique_ptr<Expr>;

/// `name = expr`, or just `expr` (name empty) in extend/project/summarize.
struct Assignment {
  std::string name;
  SourceLocation nameLoc;
  ExprPtr value;
};

/// One piece of a `parse` pattern: `*`, a string (`"text"`), or a column
/// (`Name` or `Name: type`).
struct ParsePiece {
  enum Kind { Star, Text, Column } kind = Star;
  std::string text;   ///< Text: the string; Column: the name
  std::string type;   ///< Column: the type as written, lower case ("" = string)
  SourceLocation loc;
};

struct Operator {
  std::string name;            ///< lower case, as written: "where", "project-away", "join", ...
  SourceLocation loc;          ///< of the operator name
  bool generic = false;        ///< not parsed in full: only `rawArgs` (also forms of the
                               ///< operators above that rulec does not model: `extend (a, b) = ...`,
                               ///< `take n` with a computed n, `summarize hint.x=...`)
  std::string rawArgs;         ///< generic operators: their argument text, trimmed
  std::string genericForm;     ///< a modelled operator left generic: which form ("a tuple assignment", ...)

  ExprPtr predicate;                     ///< where
  std::vector<Assignment> assignments;   ///< extend, project, project-rename (name = old), summarize aggregates
  std::vector<Assignment> by;            ///< summarize ... by ...; distinct columns; sort/order/top by
  std::vector<bool> descending;          ///< sort/order/top: per `by` entry (default desc as in Kusto)
  std::vector<uint8_t> nulls;            ///< sort/order/top: per `by` entry: 0 default, 1 first, 2 last
  std::vector<std::string> columns;      ///< project-away, project-keep, project-reorder (names; wildcards
                                         ///< kept as written); datatable: its columns; range: the column
  std::vector<std::string> columnOrders; ///< project-reorder: per column "", asc, desc, granny-asc, granny-desc
  std::vector<std::string> columnTypes;  ///< datatable: each column's type, lower case as written
  std::vector<ExprPtr> values;           ///< datatable: the cells, row after row; range: from, to, step
  int64_t count = 0;                     ///< take, limit, top; mv-expand's limit (-1: none)
  /// union: its tables; join, lookup: the right side (one).
  std::vector<std::unique_ptr<TabularExpr>> tables;
  /// join/lookup: `kind=`; union: `kind=`; mv-expand: `kind=`/`bagexpansion=`
  /// (lower case, "" when not given).
  std::string kind;
  std::string withSource;                ///< union: `withsource=` column; mv-expand: `with_itemindex=` column
  ExprPtr on;                            ///< join/lookup: the `on` conditions, `and`-joined, as written
  ExprPtr subject;                       ///< parse: the expression parsed
  std::vector<ParsePiece> pattern;       ///< parse: the pattern after `with`
};

struct TabularExpr {
  SourceLocation loc;
  std::string source;                    ///< the table (or let name) the pipeline starts from;
                                         ///< the text of a call source (`table("X")`); empty
                                         ///< when an operator starts it (union, datatable, ...:
                                         ///< then ops[0], generic)
  ExprPtr sourceCall;                    ///< a call source (`f("x")`, `table("X")`) as a Call
  std::vector<Operator> ops;
};

struct LetStmt {
  std::string name;
  SourceLocation loc;
  ExprPtr scalar;                        ///< let x = <scalar expression>; a function's scalar body
  std::unique_ptr<TabularExpr> table;    ///< let T = <tabular expression>; a function's tabular body
  bool function = false;                 ///< let f = (params) { [lets] body };
  std::string rawBody;                   ///< function: the text after '=' (for dumps)
  struct Param {
    std::string name;
    std::string type;                    ///< lower case as written; "table" for a tabular parameter
    ExprPtr defaultValue;                ///< `= value`, or null
  };
  std::vector<Param> params;             ///< function: its parameters
  std::vector<LetStmt> bodyLets;         ///< function: the lets inside its body
};

struct Query {
  std::vector<LetStmt> lets;
  std::unique_ptr<TabularExpr> body;
};

/// Dumps the query as an indented tree (`rulec check --emit=ast`).
void dumpQuery(const Query &query, std::ostream &os);

/// Text of an expression in KQL syntax (for messages and dumps).
std::string toString(const Expr &e);

} // namespace rulec::kql
