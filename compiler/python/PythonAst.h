//===- PythonAst.h - AST of a Python module -------------------------------===//
//
// What PythonParser produces from a rule's .py file, a global helper or a data
// model: the module's statements as written, every node located (file:line:col
// of its first token). The shapes follow CPython's own `ast` module
// (docs.python.org/3.11/library/ast.html), so that a construct is easy to find
// in both; the AST decides nothing about what compiles, lowering does.
//
// Parsed in full: imports, assignments (chained, tuple unpacking, augmented,
// annotated), def (every parameter form, defaults, annotations, decorators),
// class (bases, keywords, decorators), if/elif/else, for/while with
// break/continue/else, try/except/else/finally, with, match (literal, value,
// capture, wildcard, or- and as-patterns, guards), return, raise, assert, del,
// pass, global, nonlocal; every expression of Python 3.11 except yield and
// await (refused by the parser, with async).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/SourceLocation.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec::python {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

/// `for target in iter if cond...` in a comprehension.
struct Comprehension {
  ExprPtr target;
  ExprPtr iter;
  std::vector<ExprPtr> ifs;
};

/// An argument of a call or a class's base list.
struct Argument {
  enum Kind { Positional, Keyword, Star, DoubleStar } kind = Positional;
  std::string name; ///< Keyword: the parameter's name
  SourceLocation loc;
  ExprPtr value;
};

/// A parameter of a def or lambda.
struct Parameter {
  enum Kind {
    PositionalOnly, ///< before a `/`
    Normal,         ///< positional or keyword
    VarArgs,        ///< `*args`
    KeywordOnly,    ///< after `*` or `*args`
    VarKeywords,    ///< `**kwargs`
  } kind = Normal;
  std::string name;
  SourceLocation loc;
  ExprPtr annotation;   ///< or null
  ExprPtr defaultValue; ///< or null
};

struct Expr {
  enum Kind {
    Name,         ///< `name`
    Constant,     ///< `constant`
    FString,      ///< `parts`: literal Constant strings and FormattedValue fields
    FormattedValue, ///< a field of an f-string: operands[0] the value; `conversion`;
                  ///< `spec` the format spec (an FString) or null
    BoolOp,       ///< `op` "and" / "or" over operands (two or more)
    UnaryOp,      ///< `op` "not", "-", "+", "~" on operands[0]
    BinOp,        ///< operands[0] `op` operands[1]: + - * / // % ** @ << >> & | ^
    Compare,      ///< operands[0] ops[0] operands[1] ops[1] ...: == != < <= > >= in
                  ///< "not in" is "is not" (chained: `a < b < c`)
    IfExp,        ///< operands: body, test, orelse (`body if test else orelse`)
    NamedExpr,    ///< `name := operands[0]`
    Lambda,       ///< `lambda params: operands[0]`
    Call,         ///< operands[0] is called with `args`
    Attribute,    ///< `operands[0].name`
    Subscript,    ///< `operands[0][operands[1]]` (a Slice, or a Tuple of them, or any value)
    Slice,        ///< `lower:upper:step`: operands has three entries, each may be null
    Starred,      ///< `*operands[0]` (in a display, call, or assignment target)
    Tuple,        ///< operands (`parenthesized` tells `(a, b)` from `a, b`)
    List,         ///< operands
    Set,          ///< operands (never empty: `{}` is a Dict)
    Dict,         ///< keys[i]: operands[i]; a null key is `**operands[i]`
    ListComp,     ///< `[operands[0] generators]`
    SetComp,      ///< `{operands[0] generators}`
    GeneratorExp, ///< `(operands[0] generators)`
    DictComp,     ///< `{operands[0]: operands[1] generators}`
  } kind = Name;
  SourceLocation loc;

  /// The value of a Constant. None, True, False and `...` are Constants too
  /// (CPython's ast does the same). Integers are those of the lexer (to 2^63-1).
  enum class ConstKind { None, True, False, Ellipsis, Int, Float, Str, Bytes };
  ConstKind constKind = ConstKind::None;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string strValue;               ///< Str (UTF-8) and Bytes

  std::string name;                   ///< Name, Attribute, NamedExpr (its target)
  std::string op;                     ///< BoolOp, UnaryOp, BinOp
  std::vector<std::string> ops;       ///< Compare
  std::vector<ExprPtr> operands;
  std::vector<ExprPtr> keys;          ///< Dict
  std::vector<ExprPtr> parts;         ///< FString
  char conversion = 0;                ///< FormattedValue: 's', 'r', 'a' or 0
  ExprPtr spec;                       ///< FormattedValue
  std::vector<Argument> args;         ///< Call
  std::vector<Parameter> params;      ///< Lambda
  std::vector<Comprehension> generators; ///< comprehensions and GeneratorExp
  bool parenthesized = false;         ///< written inside its own parentheses
};

/// `except [type [as name]]: body`
struct ExceptHandler {
  SourceLocation loc;
  ExprPtr type;     ///< or null for a bare `except:`
  std::string name; ///< or empty
  Block body;
};

/// `expr [as target]` of a with statement.
struct WithItem {
  ExprPtr context;
  ExprPtr target; ///< or null
};

/// `import name [as asname]` / `from module import name [as asname]`.
struct Alias {
  std::string name; ///< dotted for `import a.b`; "*" for `from m import *`
  std::string asname;
  SourceLocation loc;
};

/// A pattern of a match statement's case.
struct Pattern {
  enum Kind {
    Value,   ///< `value`: a literal (None/True/False compare with `is`), a dotted name, -1, ...
    Capture, ///< `name` (binds it), or the wildcard `_` (name "_")
    Or,      ///< alternatives: `p1 | p2 | ...`
    As,      ///< `alternatives[0] as name`
  } kind = Value;
  SourceLocation loc;
  ExprPtr value;
  std::string name;
  std::vector<Pattern> alternatives;
};

/// `case pattern [if guard]: body`
struct MatchCase {
  Pattern pattern;
  ExprPtr guard; ///< or null
  Block body;
};

struct Stmt {
  enum Kind {
    Expr,        ///< `value`
    Assign,      ///< targets[0] = targets[1] = ... = value
    AugAssign,   ///< targets[0] op= value (`op` is "+", "//", ...)
    AnnAssign,   ///< targets[0]: annotation [= value]
    Return,      ///< `return [value]`
    Pass,
    Break,
    Continue,
    Raise,       ///< `raise [value [from cause]]`
    Global,      ///< `global names`
    Nonlocal,    ///< `nonlocal names`
    Delete,      ///< `del targets`
    Assert,      ///< `assert test [, value]`
    Import,      ///< `import aliases`
    ImportFrom,  ///< `from name import aliases` (`level` leading dots)
    If,          ///< `if test: body else: orelse` (an elif is an If alone in orelse)
    While,       ///< `while test: body else: orelse`
    For,         ///< `for targets[0] in value: body else: orelse`
    Try,         ///< `try: body handlers else: orelse finally: finalbody`
    With,        ///< `with items: body`
    FunctionDef, ///< `[decorators] def name(params) [-> annotation]: body`
    ClassDef,    ///< `[decorators] class name[(args)]: body`
    Match,       ///< `match value: cases`
  } kind = Expr;
  SourceLocation loc;

  std::string name;                 ///< FunctionDef, ClassDef, ImportFrom (the module)
  std::string op;                   ///< AugAssign
  int level = 0;                    ///< ImportFrom: relative import dots
  std::vector<ExprPtr> targets;     ///< Assign, AugAssign, AnnAssign, For, Delete
  ExprPtr value;                    ///< Expr, Assign, AugAssign, AnnAssign, Return, Raise,
                                    ///< Assert (its message), For (the iterable), Match (subject)
  ExprPtr test;                     ///< If, While, Assert
  ExprPtr cause;                    ///< Raise `from`
  ExprPtr annotation;               ///< AnnAssign; FunctionDef's return annotation
  bool simple = false;              ///< AnnAssign: the target is a plain name
  std::vector<std::string> names;   ///< Global, Nonlocal
  std::vector<Alias> aliases;       ///< Import, ImportFrom
  Block body, orelse, finalbody;
  std::vector<ExceptHandler> handlers; ///< Try
  std::vector<WithItem> items;      ///< With
  std::vector<Parameter> params;    ///< FunctionDef
  std::vector<Argument> args;       ///< ClassDef: bases and keywords
  std::vector<ExprPtr> decorators;  ///< FunctionDef, ClassDef
  std::vector<MatchCase> cases;     ///< Match
};

struct Module {
  std::shared_ptr<const std::string> file;
  Block body;
};

/// Dumps the module as an indented tree (`rulec check --emit=ast`): one node
/// per line with its line:col, children indented below it.
void dumpModule(const Module &module, std::ostream &os);

/// Python's repr() of a str (for dumps and messages): the quotes and escapes
/// CPython chooses for ASCII; non-ASCII characters are kept as they are, but
/// for the C1 controls (U+0080..U+009F, shown as \xhh as Python does).
std::string reprString(const std::string &value);

} // namespace rulec::python
