//===- KqlLexer.cpp -------------------------------------------------------===//
#include "kql/KqlLexer.h"
#include "output/Utf8.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace rulec::kql {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
bool isQuote(char c) { return c == '"' || c == '\''; }

/// Literal functions whose argument is text rather than tokens.
bool takesRawLiteral(std::string_view name) {
  return name == "datetime" || name == "timespan" || name == "time" || name == "guid";
}

const char *const kPunct2[] = {"==", "!=", "<>", "=~", "!~", "<=", ">=", "..", "=>"};
constexpr std::string_view kPunct1 = "()[]{},;|.:=<>+-*/%!~@";

class Lexer {
public:
  explicit Lexer(std::string_view text) : s_(text) {}
  LexResult run();

private:
  struct Position {
    size_t pos;
    int line, column;
  };

  bool atEnd(size_t k = 0) const { return pos_ + k >= s_.size(); }
  char peek(size_t k = 0) const { return atEnd(k) ? '\0' : s_[pos_ + k]; }
  Position here() const { return {pos_, line_, column_}; }
  void reset(Position p) {
    pos_ = p.pos;
    line_ = p.line;
    column_ = p.column;
  }
  void advance(size_t n = 1);
  bool fail(std::string message, Position at) {
    error_ = std::move(message);
    errorAt_ = at;
    return false;
  }

  bool skipSpaceAndComments();
  bool lexToken(Token &t);
  bool lexIdentifier(Token &t);
  bool lexNumber(Token &t);
  bool lexQuoted(Token &t, bool verbatim);
  bool lexEscape(std::string &out);
  bool hexValue(size_t from, size_t count, uint32_t &value) const;
  bool lexMultiLine(Token &t);
  bool lexBracketName(Token &t);
  bool lexPunct(Token &t);
  bool lexRawLiteral(std::vector<Token> &tokens);

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1, column_ = 1;
  std::string error_;
  Position errorAt_{};
};

void Lexer::advance(size_t n) {
  for (; n > 0 && !atEnd(); --n, ++pos_) {
    if (s_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
}

bool Lexer::skipSpaceAndComments() {
  const size_t start = pos_;
  while (!atEnd()) {
    const char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      advance();
    } else if (c == '/' && peek(1) == '/') {
      while (!atEnd() && peek() != '\n')
        advance();
    } else {
      break;
    }
  }
  return pos_ != start;
}

LexResult Lexer::run() {
  LexResult result;
  for (;;) {
    const bool spaced = skipSpaceAndComments();
    Token t;
    t.offset = pos_;
    t.line = line_;
    t.column = column_;
    t.adjacent = !spaced && !result.tokens.empty();
    if (atEnd()) {
      result.tokens.push_back(std::move(t));
      return result;
    }
    bool ok = lexToken(t);
    if (ok) {
      t.length = pos_ - t.offset;
      result.tokens.push_back(std::move(t));
      ok = lexRawLiteral(result.tokens);
    }
    if (!ok) {
      result.ok = false;
      result.error = error_;
      result.line = errorAt_.line;
      result.column = errorAt_.column;
      return result;
    }
  }
}

bool Lexer::lexToken(Token &t) {
  const char c = peek();
  if ((c == 'h' || c == 'H') && isQuote(peek(1))) { // h"..." hides the text from logs only
    advance();
    return lexQuoted(t, false);
  }
  if ((c == 'h' || c == 'H') && peek(1) == '@' && isQuote(peek(2))) {
    advance(2);
    return lexQuoted(t, true);
  }
  if (c == '@' && isQuote(peek(1))) {
    advance();
    return lexQuoted(t, true);
  }
  if (isQuote(c))
    return lexQuoted(t, false);
  if ((c == '`' || c == '~') && peek(1) == c && peek(2) == c)
    return lexMultiLine(t);
  if (isIdentStart(c) || (c == '$' && isIdentStart(peek(1))))
    return lexIdentifier(t);
  if (isDigit(c) || (c == '.' && isDigit(peek(1))))
    return lexNumber(t);
  if (c == '[' && isQuote(peek(1)) && lexBracketName(t))
    return true;
  return lexPunct(t);
}

bool Lexer::lexIdentifier(Token &t) {
  const size_t start = pos_;
  advance(); // a letter, '_' or the '$' of $left / $right
  while (isIdentChar(peek()))
    advance();
  t.kind = TokenKind::Identifier;
  t.text = std::string(s_.substr(start, pos_ - start));
  return true;
}

/// A number, a timespan (90d, 1.5h), or, as Kusto reads them, a name that
/// starts with digits (1a, 5gh, 1D, 1e3d).
bool Lexer::lexNumber(Token &t) {
  const Position start = here();
  size_t wordEnd = pos_;
  while (wordEnd < s_.size() && isIdentChar(s_[wordEnd]))
    ++wordEnd;
  const std::string_view word = s_.substr(pos_, wordEnd - pos_);
  uint64_t hex = 0;
  if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X') &&
      std::from_chars(word.data() + 2, word.data() + word.size(), hex, 16).ptr ==
          word.data() + word.size()) {
    advance(word.size());
    t.kind = TokenKind::Integer;
    t.intValue = static_cast<int64_t>(hex); // 0xFFFFFFFFFFFFFFFF is -1, as in Kusto
    return true;
  }
  bool real = false, exponent = false;
  while (isDigit(peek()))
    advance();
  // 1.5, .5 and 1. (but 1..2 is a range)
  if (peek() == '.' && peek(1) != '.' && (isDigit(peek(1)) || pos_ > start.pos)) {
    real = true;
    advance();
    while (isDigit(peek()))
      advance();
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
    real = exponent = true;
    advance(2);
    while (isDigit(peek()))
      advance();
  }
  const std::string number(s_.substr(start.pos, pos_ - start.pos));
  if (isIdentChar(peek())) {
    const size_t unitStart = pos_;
    while (isIdentChar(peek()))
      advance();
    const std::string_view unit = s_.substr(unitStart, pos_ - unitStart);
    const int64_t nanos = exponent ? 0 : timespanUnitNanos(unit);
    if (nanos == 0 && pos_ == wordEnd) {
      t.kind = TokenKind::Identifier;
      t.text = std::string(word);
      return true;
    }
    if (nanos == 0)
      return fail("invalid number '" + std::string(s_.substr(start.pos, pos_ - start.pos)) +
                      "': '" + std::string(unit) + "' is not a timespan unit",
                  start);
    const long double value = std::strtold(number.c_str(), nullptr) * nanos;
    if (!(value < 9.2e18L))
      return fail("timespan literal out of range", start);
    t.kind = TokenKind::TimeSpan;
    t.intValue = std::llround(static_cast<double>(value));
    return true;
  }
  if (real) {
    t.kind = TokenKind::Real;
    t.realValue = std::strtod(number.c_str(), nullptr);
    return true;
  }
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), t.intValue);
  if (ec == std::errc::result_out_of_range) { // Kusto reads it as a real
    t.kind = TokenKind::Real;
    t.realValue = std::strtod(number.c_str(), nullptr);
    return true;
  }
  t.kind = TokenKind::Integer;
  return true;
}

/// At the opening quote. Plain strings resolve escapes; verbatim ones read a
/// doubled quote as one. Neither may span lines (``` strings do).
bool Lexer::lexQuoted(Token &t, bool verbatim) {
  const Position start = here();
  const char quote = peek();
  advance();
  t.kind = TokenKind::String;
  for (;;) {
    if (atEnd() || peek() == '\n')
      return fail("unterminated string literal", start);
    const char c = peek();
    if (c == quote) {
      advance();
      if (!verbatim || peek() != quote)
        return true;
      t.text += quote;
      advance();
    } else if (c == '\\' && !verbatim) {
      if (!lexEscape(t.text))
        return false;
    } else {
      t.text += c;
      advance();
    }
  }
}

bool Lexer::lexEscape(std::string &out) {
  const Position start = here();
  const char c = peek(1);
  static const std::pair<char, char> kSimple[] = {
      {'"', '"'},  {'\'', '\''}, {'\\', '\\'}, {'n', '\n'}, {'t', '\t'}, {'r', '\r'},
      {'b', '\b'}, {'f', '\f'},  {'v', '\v'},  {'a', '\a'}, {'0', '\0'},
  };
  for (const auto &[escape, value] : kSimple) {
    if (escape == c) {
      out += value;
      advance(2);
      return true;
    }
  }
  const size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (digits == 0)
    return fail(std::string("unknown escape sequence '\\") + (c == '\n' ? ' ' : c) +
                    "' in string literal",
                start);
  uint32_t cp = 0;
  if (!hexValue(2, digits, cp) || cp > 0x10FFFF)
    return fail("expected " + std::to_string(digits) + " hex digits of a code point after '\\" + c +
                    "'",
                start);
  advance(2 + digits);
  // A UTF-16 surrogate pair written as two escapes is one character.
  uint32_t low = 0;
  if (cp >= 0xD800 && cp < 0xDC00 && peek() == '\\' && peek(1) == 'u' && hexValue(2, 4, low) &&
      low >= 0xDC00 && low < 0xE000) {
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    advance(6);
  }
  appendUtf8(out, cp);
  return true;
}

/// The `count` hex digits at offset `from` from here, if they all are.
bool Lexer::hexValue(size_t from, size_t count, uint32_t &value) const {
  for (size_t i = from; i < from + count; ++i)
    if (!isHexDigit(peek(i)))
      return false;
  std::from_chars(s_.data() + pos_ + from, s_.data() + pos_ + from + count, value, 16);
  return true;
}

/// ```...``` or ~~~...~~~, taken as written.
bool Lexer::lexMultiLine(Token &t) {
  const Position start = here();
  const std::string fence(3, peek());
  advance(3);
  const size_t close = s_.find(fence, pos_);
  if (close == std::string_view::npos)
    return fail("unterminated " + fence + " string literal", start);
  t.kind = TokenKind::String;
  t.text = std::string(s_.substr(pos_, close - pos_));
  advance(close + 3 - pos_);
  return true;
}

/// ['name'] or ["name"]; false (and nothing consumed) when the brackets hold
/// anything else, e.g. the list ["a", "b"].
bool Lexer::lexBracketName(Token &t) {
  const Position start = here();
  advance();
  Token name;
  if (lexQuoted(name, false) && peek() == ']') {
    advance();
    t.kind = TokenKind::Identifier;
    t.text = std::move(name.text);
    t.bracketed = true;
    return true;
  }
  reset(start);
  error_.clear();
  return false;
}

bool Lexer::lexPunct(Token &t) {
  t.kind = TokenKind::Punct;
  for (const char *p : kPunct2) {
    if (peek() == p[0] && peek(1) == p[1]) {
      t.text = p;
      advance(2);
      return true;
    }
  }
  if (kPunct1.find(peek()) == std::string_view::npos) {
    const unsigned char c = static_cast<unsigned char>(peek());
    std::string shown = c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c))
                                              : "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                                                    "0123456789abcdef"[c & 15];
    return fail("unexpected character '" + shown + "'", here());
  }
  t.text = std::string(1, peek());
  advance();
  return true;
}

/// After `datetime(` (and the other raw-literal functions): the text up to
/// `)` is one Raw token, unless it is a quoted string.
bool Lexer::lexRawLiteral(std::vector<Token> &tokens) {
  const size_t n = tokens.size();
  if (n < 2 || !tokens[n - 1].isPunct("(") || tokens[n - 2].kind != TokenKind::Identifier ||
      tokens[n - 2].bracketed || !takesRawLiteral(tokens[n - 2].text))
    return true;
  const size_t afterParen = pos_;
  while (peek() == ' ' || peek() == '\t')
    advance();
  if (isQuote(peek()) || (peek() == '@' && isQuote(peek(1))))
    return true;
  const Position start = here();
  const size_t close = s_.find(')', pos_);
  if (close == std::string_view::npos)
    return fail("expected ')' to end " + tokens[n - 2].text + "(...)", start);
  size_t end = close;
  while (end > pos_ && (s_[end - 1] == ' ' || s_[end - 1] == '\t'))
    --end;
  Token raw;
  raw.kind = TokenKind::Raw;
  raw.text = std::string(s_.substr(pos_, end - pos_));
  raw.offset = pos_;
  raw.length = end - pos_;
  raw.line = line_;
  raw.column = column_;
  raw.adjacent = pos_ == afterParen;
  advance(end - pos_);
  tokens.push_back(std::move(raw));
  return true;
}

} // namespace

int64_t timespanUnitNanos(std::string_view unit) {
  constexpr int64_t kMicro = 1000, kMilli = 1000 * kMicro, kSecond = 1000 * kMilli,
                    kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  static const struct {
    std::string_view name;
    int64_t nanos;
  } kUnits[] = {
      {"d", kDay}, {"day", kDay}, {"days", kDay},
      {"h", kHour}, {"hr", kHour}, {"hrs", kHour}, {"hour", kHour}, {"hours", kHour},
      {"m", kMinute}, {"min", kMinute}, {"minute", kMinute}, {"minutes", kMinute},
      {"s", kSecond}, {"sec", kSecond}, {"second", kSecond}, {"seconds", kSecond},
      {"ms", kMilli}, {"milli", kMilli}, {"millis", kMilli}, {"millisecond", kMilli},
      {"milliseconds", kMilli},
      {"micro", kMicro}, {"microsecond", kMicro}, {"microseconds", kMicro},
      {"nanosecond", 1}, {"nanoseconds", 1},
      {"tick", 100}, {"ticks", 100},
  };
  for (const auto &u : kUnits)
    if (u.name == unit)
      return u.nanos;
  return 0;
}

LexResult lexQuery(std::string_view text) { return Lexer(text).run(); }

} // namespace rulec::kql
