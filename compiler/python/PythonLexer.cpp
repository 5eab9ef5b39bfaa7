//===- PythonLexer.cpp ----------------------------------------------------===//
#include "python/PythonLexer.h"
#include "output/Utf8.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace rulec::python {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
bool isQuote(char c) { return c == '"' || c == '\''; }
bool isOpener(char c) { return c == '(' || c == '[' || c == '{'; }
char closerOf(char c) { return c == '(' ? ')' : c == '[' ? ']' : '}'; }

/// CPython's limits: tokenizer.c MAXLEVEL (brackets) and MAXINDENT.
constexpr size_t kMaxBrackets = 200;
constexpr size_t kMaxIndents = 100;

const char *const kKeywords[] = {
    "False", "None",   "True",    "and",      "as",       "assert", "async",  "await",
    "break", "class",  "continue", "def",     "del",      "elif",   "else",   "except",
    "finally", "for",  "from",    "global",   "if",       "import", "in",     "is",
    "lambda", "nonlocal", "not",  "or",       "pass",     "raise",  "return", "try",
    "while", "with",   "yield",
};

/// Operators, longest first so that the first match is the longest (2.5, 2.6).
const char *const kOperators[] = {
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->",
    ":=",  "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", "@=", "+",  "-",  "*",  "/",
    "%",   "@",   "&",   "|",   "^",   "~",  "<",  ">",  "(",  ")",  "[",  "]",  "{",  "}",
    ",",   ":",   ".",   ";",   "=",
};

/// Length of the valid UTF-8 sequence at s[i], or 0 (overlong forms,
/// surrogates and values past U+10FFFF are invalid, as for CPython's decoder).
size_t utf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  const unsigned char c = byte(0);
  const auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return byte(1) >= lo && byte(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return byte(1) >= lo && byte(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/// Thrown inside the lexer only; lexModule turns it into a LexResult.
struct LexError {
  std::string message;
  size_t offset;
};

class Lexer {
public:
  /// `text` starts at (line, column) of its file; `field` lexes an f-string
  /// field's expression (implicitly parenthesized).
  Lexer(std::string_view text, int line, int column, bool field)
      : s_(text), baseLine_(line), baseColumn_(column), field_(field) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < s_.size(); ++i)
      if (s_[i] == '\n')
        lineStarts_.push_back(i + 1);
  }

  LexResult run();

private:
  struct Position {
    int line, column;
  };
  Position at(size_t offset) const {
    const size_t index = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset) - lineStarts_.begin() - 1;
    const int column = static_cast<int>(offset - lineStarts_[index]) + 1;
    return {baseLine_ + static_cast<int>(index), index == 0 ? baseColumn_ + column - 1 : column};
  }
  [[noreturn]] void fail(std::string message, size_t offset) const { throw LexError{std::move(message), offset}; }
  char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  bool atEnd() const { return pos_ >= s_.size(); }
  bool inBrackets() const { return field_ || !brackets_.empty(); }

  Token &emit(TokenKind kind, size_t offset, std::string text = {});
  void checkSource() const;
  void indentation();
  void lexName();
  void lexNumber();
  void checkNumberEnd(size_t start, const char *what) const;
  void lexString(size_t start, std::string_view prefix);
  void lexOperator();
  void decode(size_t begin, size_t end, bool bytes, std::string &out) const;
  size_t fstringParts(size_t i, size_t end, bool raw, int level, std::vector<FStringPart> &out) const;
  size_t fstringField(size_t i, size_t end, bool raw, int level, std::vector<FStringPart> &out) const;

  std::string_view s_;
  int baseLine_, baseColumn_;
  bool field_;
  std::vector<size_t> lineStarts_;
  size_t pos_ = 0;
  std::vector<Token> out_;
  std::vector<size_t> brackets_;      ///< offsets of the open brackets
  std::vector<int> indents_{0};       ///< indentation stack, tabs to multiples of 8
  std::vector<int> altIndents_{0};    ///< the same with tabs as 1 column (TabError check)
  bool lineHasTokens_ = false;
};

Token &Lexer::emit(TokenKind kind, size_t offset, std::string text) {
  Token &t = out_.emplace_back();
  t.kind = kind;
  t.text = std::move(text);
  const Position p = at(offset);
  t.line = p.line;
  t.column = p.column;
  if (kind == TokenKind::Newline)
    lineHasTokens_ = false;
  else if (kind != TokenKind::Indent && kind != TokenKind::Dedent)
    lineHasTokens_ = true;
  return t;
}

/// CPython refuses null bytes and text that is not UTF-8 before tokenizing.
void Lexer::checkSource() const {
  for (size_t i = 0; i < s_.size();) {
    if (s_[i] == '\0')
      fail("source code cannot contain null bytes", i);
    const size_t n = utf8Length(s_, i);
    if (n == 0)
      fail("invalid UTF-8 in the source", i);
    i += n;
  }
}

/// The indentation of a logical line (2.1.8), at its first character. Blank
/// and comment-only lines are skipped here, without tokens.
void Lexer::indentation() {
  for (;;) {
    int column = 0, alt = 0;
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\f')) {
      if (peek() == ' ') {
        ++column, ++alt;
      } else if (peek() == '\t') {
        column = (column / 8 + 1) * 8;
        ++alt;
      } else {
        column = alt = 0; // a form feed resets the count
      }
      ++pos_;
    }
    if (peek() == '#')
      while (!atEnd() && peek() != '\n')
        ++pos_;
    if (peek() == '\n') {
      ++pos_;
      continue;
    }
    if (atEnd())
      return; // trailing blank lines: EOF handling closes the blocks
    if (column == indents_.back()) {
      if (alt != altIndents_.back())
        fail("inconsistent use of tabs and spaces in indentation", pos_);
    } else if (column > indents_.back()) {
      if (alt <= altIndents_.back())
        fail("inconsistent use of tabs and spaces in indentation", pos_);
      if (indents_.size() >= kMaxIndents)
        fail("too many levels of indentation", pos_);
      indents_.push_back(column);
      altIndents_.push_back(alt);
      emit(TokenKind::Indent, pos_);
    } else {
      while (indents_.size() > 1 && column < indents_.back()) {
        indents_.pop_back();
        altIndents_.pop_back();
        emit(TokenKind::Dedent, pos_);
      }
      if (column != indents_.back())
        fail("unindent does not match any outer indentation level", pos_);
      if (alt != altIndents_.back())
        fail("inconsistent use of tabs and spaces in indentation", pos_);
    }
    return;
  }
}

LexResult Lexer::run() {
  LexResult result;
  try {
    if (!field_)
      checkSource();
    bool lineStart = !field_;
    for (;;) {
      if (lineStart) {
        indentation();
        lineStart = false;
      }
      while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\f'))
        ++pos_;
      if (atEnd())
        break;
      const char c = peek();
      if (c == '#') {
        while (!atEnd() && peek() != '\n')
          ++pos_;
      } else if (c == '\n') {
        if (!inBrackets()) {
          if (lineHasTokens_)
            emit(TokenKind::Newline, pos_);
          lineStart = true;
        }
        ++pos_;
      } else if (c == '\\') {
        if (peek(1) == '\n')
          pos_ += 2; // explicit line joining (2.1.5)
        else if (pos_ + 1 >= s_.size())
          fail("unexpected EOF while parsing", pos_);
        else
          fail("unexpected character after line continuation character", pos_);
      } else if (isIdentStart(c)) {
        lexName();
      } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
        lexNumber();
      } else if (isQuote(c)) {
        lexString(pos_, "");
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        fail("non-ASCII identifiers are not supported", pos_);
      } else {
        lexOperator();
      }
    }
    if (!brackets_.empty()) {
      const size_t open = brackets_.back();
      fail(std::string("'") + s_[open] + "' was never closed", open);
    }
    if (!field_) {
      if (lineHasTokens_)
        emit(TokenKind::Newline, pos_);
      for (size_t i = 1; i < indents_.size(); ++i)
        emit(TokenKind::Dedent, pos_);
    }
    emit(TokenKind::End, pos_);
    result.tokens = std::move(out_);
  } catch (const LexError &e) {
    result.ok = false;
    result.error = e.message;
    const Position p = at(e.offset);
    result.line = p.line;
    result.column = p.column;
  }
  return result;
}

void Lexer::lexName() {
  const size_t start = pos_;
  while (isIdentChar(peek()))
    ++pos_;
  if (static_cast<unsigned char>(peek()) >= 0x80)
    fail("non-ASCII identifiers are not supported", start);
  const std::string_view word = s_.substr(start, pos_ - start);
  if (isQuote(peek()) && word.size() <= 2) {
    std::string lower(word);
    for (char &ch : lower)
      ch = static_cast<char>(ch | 0x20);
    if (lower == "r" || lower == "u" || lower == "b" || lower == "f" || lower == "br" || lower == "rb" ||
        lower == "fr" || lower == "rf")
      return lexString(start, lower);
  }
  emit(isKeyword(word) ? TokenKind::Keyword : TokenKind::Name, start, std::string(word));
}

/// What may touch the end of a number: not a letter, digit or '_', except a
/// keyword that can follow an expression (`1if x else 2`), which CPython 3.11
/// accepts with a warning.
void Lexer::checkNumberEnd(size_t start, const char *what) const {
  if (!isIdentChar(peek()))
    return;
  size_t end = pos_;
  while (end < s_.size() && isIdentChar(s_[end]))
    ++end;
  const std::string_view word = s_.substr(pos_, end - pos_);
  for (const char *k : {"and", "else", "for", "if", "in", "is", "not", "or"})
    if (word == k)
      return;
  fail(std::string("invalid ") + what + " literal", start);
}

void Lexer::lexNumber() {
  const size_t start = pos_;
  // digitpart: digit (["_"] digit)*; returns false when there is none.
  auto digits = [&](auto isDigitOf) {
    if (!isDigitOf(peek()))
      return false;
    while (isDigitOf(peek()) || (peek() == '_' && isDigitOf(peek(1))))
      ++pos_;
    if (peek() == '_')
      fail("invalid decimal literal", start);
    return true;
  };
  auto stripped = [&] {
    std::string text;
    for (size_t i = start; i < pos_; ++i)
      if (s_[i] != '_')
        text += s_[i];
    return text;
  };
  const char radixChar = static_cast<char>(peek(1) | 0x20);
  if (peek() == '0' && (radixChar == 'x' || radixChar == 'o' || radixChar == 'b')) {
    const int radix = radixChar == 'x' ? 16 : radixChar == 'o' ? 8 : 2;
    const char *name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary";
    auto isRadixDigit = [radix](char ch) {
      const int lower = ch | 0x20;
      return radix == 16 ? isDigit(ch) || (lower >= 'a' && lower <= 'f') : ch >= '0' && ch < '0' + radix;
    };
    pos_ += 2;
    uint64_t value = 0;
    bool any = false;
    while (isRadixDigit(peek()) || (peek() == '_' && isRadixDigit(peek(1)))) {
      if (peek() != '_') {
        const int lower = peek() | 0x20;
        const uint64_t d = isDigit(peek()) ? peek() - '0' : lower - 'a' + 10;
        if (value > (uint64_t(INT64_MAX) - d) / radix)
          fail("integer literal too large (the limit is 2**63-1)", start);
        value = value * radix + d;
        any = true;
      }
      ++pos_;
    }
    if (isDigit(peek()))
      fail(std::string("invalid digit '") + peek() + "' in " + name + " literal", pos_);
    if (!any || peek() == '_')
      fail(std::string("invalid ") + name + " literal", start);
    checkNumberEnd(start, name);
    Token &t = emit(TokenKind::Int, start, std::string(s_.substr(start, pos_ - start)));
    t.intValue = static_cast<int64_t>(value);
    return;
  }
  bool isFloat = false;
  digits(isDigit);
  if (peek() == '.') {
    ++pos_;
    isFloat = true;
    if (peek() == '_')
      fail("invalid decimal literal", start);
    digits(isDigit);
  }
  if ((peek() | 0x20) == 'e' && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
    pos_ += isDigit(peek(1)) ? 1 : 2;
    isFloat = true;
    digits(isDigit);
  }
  if ((peek() | 0x20) == 'j')
    fail("imaginary numbers are not supported", start);
  checkNumberEnd(start, "decimal");
  const std::string text = stripped();
  if (isFloat) {
    // strtod rounds correctly and gives inf / 0 beyond the range, as Python's float() does.
    Token &t = emit(TokenKind::Float, start, std::string(s_.substr(start, pos_ - start)));
    t.floatValue = std::strtod(text.c_str(), nullptr);
    return;
  }
  if (text.size() > 1 && text[0] == '0' && text.find_first_not_of('0') != std::string::npos)
    fail("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
         start);
  int64_t value = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc())
    fail("integer literal too large (the limit is 2**63-1)", start);
  Token &t = emit(TokenKind::Int, start, std::string(s_.substr(start, pos_ - start)));
  t.intValue = value;
}

void Lexer::lexString(size_t start, std::string_view prefix) {
  const bool raw = prefix.find('r') != std::string_view::npos;
  const bool bytes = prefix.find('b') != std::string_view::npos;
  const bool fstring = prefix.find('f') != std::string_view::npos;
  const char quote = peek();
  const bool triple = peek(1) == quote && peek(2) == quote;
  pos_ += triple ? 3 : 1;
  const size_t begin = pos_;
  size_t end = 0;
  for (;;) {
    if (atEnd() || (!triple && peek() == '\n'))
      fail(std::string(triple ? "unterminated triple-quoted string literal" : "unterminated string literal") +
               " (detected at line " + std::to_string(at(pos_).line) + ")",
           start);
    if (peek() == '\\') { // escapes the next character, even in a raw string (2.4.1)
      pos_ += pos_ + 1 < s_.size() ? 2 : 1;
      continue;
    }
    if (peek() == quote && (!triple || (peek(1) == quote && peek(2) == quote))) {
      end = pos_;
      pos_ += triple ? 3 : 1;
      break;
    }
    ++pos_;
  }
  Token &t = emit(TokenKind::String, start);
  t.isBytes = bytes;
  t.isFString = fstring;
  if (bytes) {
    for (size_t i = begin; i < end; ++i)
      if (static_cast<unsigned char>(s_[i]) >= 0x80)
        fail("bytes can only contain ASCII literal characters", i);
  }
  if (fstring)
    fstringParts(begin, end, raw, 0, t.parts);
  else if (raw)
    t.text = std::string(s_.substr(begin, end - begin));
  else
    decode(begin, end, bytes, t.text);
}

/// Escape sequences of a str or bytes literal (2.4.1, the table of escapes).
void Lexer::decode(size_t begin, size_t end, bool bytes, std::string &out) const {
  auto hexValue = [&](size_t from, size_t count, const char *form, size_t escape) {
    uint32_t value = 0;
    for (size_t k = 0; k < count; ++k) {
      const char ch = from + k < end ? s_[from + k] : '\0';
      const int lower = ch | 0x20;
      if (!isDigit(ch) && !(lower >= 'a' && lower <= 'f'))
        fail(std::string("truncated ") + form + " escape", escape);
      value = value * 16 + (isDigit(ch) ? ch - '0' : lower - 'a' + 10);
    }
    return value;
  };
  for (size_t i = begin; i < end; ++i) {
    if (s_[i] != '\\' || i + 1 >= end) {
      out += s_[i];
      continue;
    }
    const size_t escape = i++;
    const char c = s_[i];
    switch (c) {
    case '\n': break; // backslash-newline continues the literal
    case '\\': case '\'': case '"': out += c; break;
    case 'a': out += '\a'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'v': out += '\v'; break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      uint32_t value = 0;
      for (size_t k = 0; k < 3 && i < end && s_[i] >= '0' && s_[i] <= '7'; ++k, ++i)
        value = value * 8 + (s_[i] - '0');
      --i;
      if (bytes)
        out += static_cast<char>(value & 0xFF); // b"\777" is b"\xff" in CPython
      else
        appendUtf8(out, value);                 // up to U+01FF
      break;
    }
    case 'x': {
      const uint32_t value = hexValue(i + 1, 2, "\\xXX", escape);
      i += 2;
      if (bytes)
        out += static_cast<char>(value);
      else
        appendUtf8(out, value);
      break;
    }
    case 'u': case 'U': case 'N':
      if (bytes) { // not escapes in bytes: the backslash stays
        out += '\\';
        out += c;
        break;
      }
      if (c == 'N')
        fail("\\N{...} escapes are not supported (write the character or a \\u escape)", escape);
      {
        const size_t count = c == 'u' ? 4 : 8;
        const uint32_t value = hexValue(i + 1, count, c == 'u' ? "\\uXXXX" : "\\UXXXXXXXX", escape);
        i += count;
        if (value > 0x10FFFF)
          fail("illegal Unicode character in \\U escape", escape);
        if (value >= 0xD800 && value <= 0xDFFF)
          fail("a lone surrogate escape cannot be represented in UTF-8", escape);
        appendUtf8(out, value);
      }
      break;
    default: // an unknown escape keeps its backslash (a DeprecationWarning in 3.11)
      out += '\\';
      out += c;
    }
  }
}

/// Splits the body of an f-string (or, at level 1, of a format spec) into
/// literal and field parts, as CPython 3.11's fstring_find_literal does.
/// Returns where it stopped: `end`, or the '}' that closes a format spec.
size_t Lexer::fstringParts(size_t i, size_t end, bool raw, int level, std::vector<FStringPart> &out) const {
  while (i < end) {
    FStringPart literal;
    const Position p = at(i);
    literal.line = p.line;
    literal.column = p.column;
    size_t chunk = i;
    while (i < end) {
      const char ch = s_[i];
      if (!raw && ch == '\\' && i + 1 < end) {
        if (s_[i + 1] == 'N')
          fail("\\N{...} escapes are not supported (write the character or a \\u escape)", i);
        if (s_[i + 1] == '{' || s_[i + 1] == '}')
          fail("a backslash before a brace in an f-string is not supported", i);
        i += 2;
        continue;
      }
      if (ch == '{' || ch == '}') {
        // Doubled braces are literal at the top level only, so that f'{x:{w}}' ends at its '}}'.
        if (level == 0 && i + 1 < end && s_[i + 1] == ch) {
          decode(chunk, i + 1, false, literal.text);
          i += 2;
          chunk = i;
          continue;
        }
        if (level == 0 && ch == '}')
          fail("f-string: single '}' is not allowed", i);
        break;
      }
      ++i;
    }
    if (raw)
      literal.text += s_.substr(chunk, i - chunk);
    else
      decode(chunk, i, false, literal.text);
    if (!literal.text.empty())
      out.push_back(std::move(literal));
    if (i >= end || s_[i] == '}')
      return i;
    i = fstringField(i, end, raw, level, out);
  }
  return i;
}

/// One `{expr[=][!c][:spec]}` field starting at s_[i] == '{' (CPython 3.11's
/// fstring_find_expr). Returns the offset after its '}'.
size_t Lexer::fstringField(size_t i, size_t end, bool raw, int level, std::vector<FStringPart> &out) const {
  const size_t open = i;
  if (level >= 2)
    fail("f-string: expressions nested too deeply", open);
  const size_t exprStart = ++i;
  std::vector<char> nesting;
  char quote = 0;
  bool tripleQuote = false;
  for (; i < end; ++i) {
    const char ch = s_[i];
    if (ch == '\\')
      fail("f-string expression part cannot include a backslash", i);
    if (quote) {
      if (ch == quote && (!tripleQuote || (i + 2 < end && s_[i + 1] == quote && s_[i + 2] == quote))) {
        i += tripleQuote ? 2 : 0;
        quote = 0;
      }
      continue;
    }
    if (isQuote(ch)) {
      quote = ch;
      tripleQuote = i + 2 < end && s_[i + 1] == ch && s_[i + 2] == ch;
      i += tripleQuote ? 2 : 0;
    } else if (isOpener(ch)) {
      if (nesting.size() >= kMaxBrackets)
        fail("f-string: too many nested parenthesis", i);
      nesting.push_back(ch);
    } else if (ch == '#') {
      fail("f-string expression part cannot include '#'", i);
    } else if (nesting.empty() && (ch == '!' || ch == ':' || ch == '}' || ch == '=' || ch == '<' || ch == '>')) {
      // != == <= >= are operators, and a lone < or > is one too; the rest end the expression.
      if (i + 1 < end && s_[i + 1] == '=' && ch != ':' && ch != '}') {
        ++i;
        continue;
      }
      if (ch == '<' || ch == '>')
        continue;
      break;
    } else if (ch == ')' || ch == ']' || ch == '}') {
      if (nesting.empty())
        fail(std::string("f-string: unmatched '") + ch + "'", i);
      if (closerOf(nesting.back()) != ch)
        fail(std::string("f-string: closing parenthesis '") + ch + "' does not match opening parenthesis '" +
                 nesting.back() + "'",
             i);
      nesting.pop_back();
    }
  }
  if (quote)
    fail("f-string: unterminated string", open);
  if (!nesting.empty())
    fail(std::string("f-string: unmatched '") + nesting.back() + "'", open);
  if (i >= end)
    fail("f-string: expecting '}'", open);
  FStringPart field;
  field.isField = true;
  field.text = std::string(s_.substr(exprStart, i - exprStart));
  if (field.text.find_first_not_of(" \t\n\f") == std::string::npos)
    fail("f-string: empty expression not allowed", open);
  const Position p = at(exprStart);
  field.line = p.line;
  field.column = p.column;
  bool debug = false;
  if (s_[i] == '=') { // `{x=}`: the text of the expression, '=' and the spaces after it come first
    ++i;
    while (i < end && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\n' || s_[i] == '\f'))
      ++i;
    const std::string text(s_.substr(exprStart, i - exprStart));
    if (!out.empty() && !out.back().isField)
      out.back().text += text;
    else
      out.push_back(FStringPart{false, text, p.line, p.column, 0, false, {}});
    debug = true;
  }
  if (i < end && s_[i] == '!') {
    const char c = i + 1 < end ? s_[i + 1] : '\0';
    if (c != 's' && c != 'r' && c != 'a')
      fail("f-string: invalid conversion character: expected 's', 'r', or 'a'", i);
    field.conversion = c;
    i += 2;
  }
  if (i < end && s_[i] == ':') {
    field.hasSpec = true;
    i = fstringParts(i + 1, end, raw, level + 1, field.spec);
  }
  if (i >= end || s_[i] != '}')
    fail("f-string: expecting '}'", open);
  if (debug && !field.conversion && !field.hasSpec)
    field.conversion = 'r'; // `{x=}` shows repr(x) unless a conversion or spec is given
  out.push_back(std::move(field));
  return i + 1;
}

void Lexer::lexOperator() {
  const size_t start = pos_;
  for (const char *op : kOperators) {
    const std::string_view text(op);
    if (s_.substr(pos_, text.size()) != text)
      continue;
    pos_ += text.size();
    if (text.size() == 1 && isOpener(text[0])) {
      if (brackets_.size() >= kMaxBrackets)
        fail("too many nested parentheses", start);
      brackets_.push_back(start);
    } else if (text == ")" || text == "]" || text == "}") {
      if (brackets_.empty())
        fail("unmatched '" + std::string(text) + "'", start);
      const char open = s_[brackets_.back()];
      if (closerOf(open) != text[0]) {
        const int openLine = at(brackets_.back()).line;
        fail("closing parenthesis '" + std::string(text) + "' does not match opening parenthesis '" + open + "'" +
                 (openLine != at(start).line ? " on line " + std::to_string(openLine) : ""),
             start);
      }
      brackets_.pop_back();
    }
    emit(TokenKind::Op, start, std::string(text));
    return;
  }
  const char c = peek();
  if (c == '!')
    fail("invalid syntax: '!' is not an operator (use 'not' or '!=')", start);
  fail(std::string("invalid character '") + c + "'", start);
}

} // namespace

bool isKeyword(std::string_view word) {
  for (const char *k : kKeywords)
    if (word == k)
      return true;
  return false;
}

LexResult lexModule(std::string_view text) {
  // Universal newlines: \r\n and \r end lines like \n (2.1.2); an UTF-8 BOM is skipped.
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  std::string normalized;
  normalized.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      normalized += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
    } else {
      normalized += text[i];
    }
  }
  return Lexer(normalized, 1, 1, false).run();
}

LexResult lexFieldExpression(std::string_view text, int line, int column) {
  return Lexer(text, line, column, true).run();
}

} // namespace rulec::python
