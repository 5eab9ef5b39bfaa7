//===- PythonParser.h - Python text -> AST --------------------------------===//
//
// A recursive-descent parser of Python 3.11 for Panther rules, global helpers
// and data models. The grammar is CPython's ("Full grammar specification",
// docs.python.org/3.11/reference/grammar.html) less what no detection needs;
// in its terms:
//
//   file        := statement* END
//   statement   := compound | simple (';' simple)* [';'] NEWLINE
//   simple      := assignment | star_expressions | 'return' [star_expressions]
//                | 'import' dotted ['as' NAME] (',' ...)* | 'from' '.'* [dotted] 'import' names
//                | 'raise' [expression ['from' expression]] | 'pass' | 'break' | 'continue'
//                | 'del' targets | 'assert' expression [',' expression]
//                | 'global' NAME (',' NAME)* | 'nonlocal' NAME (',' NAME)*
//   assignment  := target ':' expression ['=' star_expressions]
//                | (star_targets '=')+ star_expressions | target augop star_expressions
//   compound    := 'if' named ':' block ('elif' named ':' block)* ['else' ':' block]
//                | 'while' named ':' block ['else' ':' block]
//                | 'for' star_targets 'in' star_expressions ':' block ['else' ':' block]
//                | 'try' ':' block (handler+ ['else' ':' block] ['finally' ':' block]
//                                   | 'finally' ':' block)
//                | 'with' item (',' item)* ':' block | 'with' '(' item (',' item)* [','] ')' ':' block
//                | decorator* 'def' NAME '(' params ')' ['->' expression] ':' block
//                | decorator* 'class' NAME ['(' arguments ')'] ':' block
//                | 'match' subject ':' NEWLINE INDENT ('case' pattern ['if' named] ':' block)+ DEDENT
//   block       := NEWLINE INDENT statement+ DEDENT | simple (';' simple)* NEWLINE
//   pattern     := closed ('|' closed)* ['as' NAME]
//   closed      := literal | NAME | dotted-name | '(' pattern ')'
//
//   star_expressions := star_expression (',' star_expression)* [',']
//   named       := NAME ':=' expression | expression
//   expression  := disjunction ['if' disjunction 'else' expression] | lambda
//   disjunction := conjunction ('or' conjunction)* ;  conjunction := inversion ('and' inversion)*
//   inversion   := 'not' inversion | comparison
//   comparison  := bitor (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in'
//                          | 'is' | 'is' 'not') bitor)*
//   bitor := bitxor ('|' bitxor)* ; bitxor := bitand ('^' ...)* ; bitand := shift ('&' ...)*
//   shift := sum (('<<' | '>>') sum)* ; sum := term (('+' | '-') term)*
//   term  := factor (('*' | '/' | '//' | '%' | '@') factor)*
//   factor := ('+' | '-' | '~') factor | power ;  power := primary ['**' factor]
//   primary := atom ('.' NAME | '(' arguments ')' | '[' slices ']')*
//   atom := NAME | NUMBER | STRING+ | 'None' | 'True' | 'False' | '...'
//         | '(' [tuple | named | genexp] ')' | '[' [list | listcomp] ']'
//         | '{' [dict | set | dictcomp | setcomp] '}'
//
// What Python itself rejects at compile time is rejected here too, so that an
// accepted module is one CPython accepts: 'return' outside a function, 'break'
// and 'continue' outside a loop, invalid assignment targets, duplicate
// parameters or keyword arguments, misplaced starred expressions, a bare
// 'except:' before another handler, unreachable or ambiguous match patterns.
// Scope errors (a nonlocal name no enclosing function binds) are left to name
// resolution.
//
// Refused with a clear error (valid Python no rule needs): async, await,
// yield, except*, and the sequence, mapping and class patterns of match.
//
// The first syntax error stops the parse: a diagnostic `python-syntax` at
// file:line:col naming what was expected. Nesting is bounded (brackets 200,
// indentation 100, expressions 250 levels, 10000 operators per statement), so
// no input can exhaust the stack.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "python/PythonAst.h"
#include "support/Diagnostics.h"

#include <memory>
#include <string>
#include <string_view>

namespace rulec::python {

/// Parses a module's text. Returns null (with one diagnostic, code
/// python-syntax) on error; `file` is the path the locations name.
std::unique_ptr<Module> parseModule(std::string_view text, std::shared_ptr<const std::string> file,
                                    DiagnosticEngine &diags);

} // namespace rulec::python
