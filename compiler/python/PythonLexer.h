//===- PythonLexer.h - Tokens of a Python 3 module ------------------------===//
//
// Splits the text of a Panther rule, global helper or data model (.py) into
// tokens for PythonParser, as CPython 3.11's tokenizer does (the interpreter
// Panther and its test tool run). References are the sections of
// docs.python.org/3.11/reference/lexical_analysis.html ("Lexical analysis"):
//
//   lines        NEWLINE ends a logical line; blank and comment-only lines make
//                none. Inside () [] {} and after a backslash-newline, lines are
//                joined (2.1.5, 2.1.6).
//   indentation  INDENT / DEDENT from the leading whitespace of each logical
//                line: a tab moves to the next multiple of 8, a form feed
//                resets the count; a file that is indented differently when a
//                tab counts as 1 column is a TabError, as in CPython (2.1.8).
//   names        ASCII identifiers; keywords (2.3.1) are Keyword tokens, the soft
//                keywords match/case/_ are Names the parser recognises.
//   strings      all prefixes (r u b br rb f fr rf, any case) and quotes; the
//                value is decoded (2.4.1): \newline \\ \' \" \a \b \f \n \r \t
//                \v \ooo \xhh, and in str \uxxxx \Uxxxxxxxx; any other
//                backslash stays. Refused: \N{name} (no Unicode name table),
//                lone surrogates (not representable in UTF-8), non-ASCII in
//                bytes. f-strings are split into literal text and `{...}`
//                fields (2.4.3, 3.11 rules: the expression cannot contain the
//                f-string's own quote or a backslash).
//   numbers      integers (decimal, 0x 0o 0b, underscores) up to 2^63-1, floats
//                with fraction and exponent (2.4.5, 2.4.6). Imaginary numbers
//                are refused.
//   operators    2.5 and 2.6, including := -> ... and the augmented assignments.
//
// The text is UTF-8 (an optional BOM is skipped); \r\n and \r end lines like
// \n. Columns are 1-based byte offsets in the line.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::python {

enum class TokenKind {
  Name,    ///< an identifier (also the soft keywords match, case, _)
  Keyword, ///< a hard keyword: `text` is the word
  Int,     ///< `intValue`
  Float,   ///< `floatValue`
  String,  ///< one string literal: `text` is its value; see isBytes/isFString
  Op,      ///< an operator or delimiter: `text` as written
  Newline, ///< end of a logical line
  Indent,
  Dedent,
  End,     ///< end of the input
};

/// One piece of an f-string: literal text, or a `{expr[=][!c][:spec]}` field.
struct FStringPart {
  bool isField = false;
  std::string text;          ///< literal: the text, escapes decoded; field: the
                             ///< expression's source text (lexed by the parser)
  int line = 0, column = 0;  ///< literal: where it starts; field: where its expression starts
  char conversion = 0;       ///< field: 's', 'r', 'a' or 0
  bool hasSpec = false;      ///< field: a `:` format spec follows (possibly empty)
  std::vector<FStringPart> spec; ///< field: the spec's pieces (fields allowed, one level)
};
// A field written `{expr=}` is preceded by a literal part with its text up to
// '=' and the spaces after it, and converts with 'r' unless told otherwise,
// as CPython 3.11 builds it.

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  int64_t intValue = 0;
  double floatValue = 0;
  bool isBytes = false;              ///< String: a b'' literal (`text` holds the bytes)
  bool isFString = false;            ///< String: an f-string (`parts` holds it, `text` is empty)
  std::vector<FStringPart> parts;    ///< String, isFString
  int line = 1, column = 1;          ///< 1-based; of the first character

  bool isOp(std::string_view op) const { return kind == TokenKind::Op && text == op; }
  bool isKeyword(std::string_view word) const { return kind == TokenKind::Keyword && text == word; }
};

/// The tokens of a module (ending with Newline, Dedents, End), or the first
/// lexical error: `ok` false with `error` and its position.
struct LexResult {
  std::vector<Token> tokens;
  bool ok = true;
  std::string error;
  int line = 0, column = 0;
};

/// Tokenizes a whole module.
LexResult lexModule(std::string_view text);

/// Tokenizes the expression of an f-string field, which starts at (line,
/// column) of the file. Python parses it as if inside parentheses: no
/// NEWLINE/INDENT tokens. Ends with End.
LexResult lexFieldExpression(std::string_view text, int line, int column);

/// True for Python's hard keywords (Lexical analysis 2.3.1).
bool isKeyword(std::string_view word);

} // namespace rulec::python
