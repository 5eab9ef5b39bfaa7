//===- KqlLexer.h - Tokens of a Kusto (KQL) query -------------------------===//
//
// Splits a query's text into tokens for KqlParser. Each token knows its byte
// offset and its 1-based line and column in the query text (KqlParser maps
// them into the rule file), and whether it touches the previous token: KQL
// spells some words with punctuation inside (`project-away`, `mv-expand`,
// `!has`, `in~`, `!in~`), which the parser joins only when nothing separates
// the pieces.
//
// Lexical forms (learn.microsoft.com/kusto/query/scalar-data-types):
//   identifiers    [A-Za-z_$][A-Za-z0-9_]*, bracketed ['name'] / ["name"], and
//                  words that start with digits but are no number (1a, 5gh, 1D)
//   strings        "..." '...' with \" \' \\ \n \t \r \b \f \v \a \0 \xHH \uXXXX
//                  \UXXXXXXXX escapes, on one line; @"..." @'...' verbatim (a
//                  doubled quote is one quote); h"..." H'...' obfuscated (same
//                  value); ```...``` and ~~~...~~~ multi-line, as written
//   numbers        42, 0x2A, 1.5, .5, 1., 1e3 (an integer beyond 64 bits is a
//                  real); a number followed at once by a lower-case unit (90d,
//                  1.5h, 100ms, 10microseconds, 3ticks) is a timespan
//   punctuation    == != <> =~ !~ <= >= .. => and ( ) [ ] { } , ; | . : = < > + - * / % ! ~ @
//   comments       // to the end of the line
//
// `datetime(...)`, `timespan(...)`, `time(...)` and `guid(...)` take literal
// text that is not made of tokens (`datetime(2024-01-01T10:00Z)`, `guid(74be27de-...)`):
// unless it is a quoted string, the text inside the parentheses is one Raw token.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::kql {

enum class TokenKind {
  Identifier, ///< `text` is the name (unquoted for bracketed names)
  Integer,    ///< `intValue`
  Real,       ///< `realValue`
  TimeSpan,   ///< `intValue` in nanoseconds
  String,     ///< `text` is the value, escapes resolved
  Raw,        ///< `text` is the literal text inside datetime(...) and friends, trimmed
  Punct,      ///< `text` is the punctuation, e.g. "==" or "|"
  End,        ///< end of the query
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  int64_t intValue = 0;
  double realValue = 0;
  size_t offset = 0;      ///< byte offset of the token in the query text
  size_t length = 0;      ///< bytes the token spans in the query text
  int line = 1;           ///< 1-based
  int column = 1;         ///< 1-based, in bytes
  bool adjacent = false;  ///< no space or comment between this token and the previous one
  bool bracketed = false; ///< an Identifier written ['name'] or ["name"]

  bool is(TokenKind k, std::string_view t) const { return kind == k && text == t; }
  bool isPunct(std::string_view t) const { return is(TokenKind::Punct, t); }
};

/// The tokens of a query (ending with an End token), or the first lexical
/// error: `ok` false with `error` and its position.
struct LexResult {
  std::vector<Token> tokens;
  bool ok = true;
  std::string error;
  int line = 0, column = 0;
};

LexResult lexQuery(std::string_view text);

/// Nanoseconds in one `unit` of a timespan literal ("d", "hours", "ms", "tick", ...),
/// or 0 if `unit` is not one.
int64_t timespanUnitNanos(std::string_view unit);

} // namespace rulec::kql
