//===- SigmaCondition.cpp -------------------------------------------------===//
#include "sigma/SigmaCondition.h"

#include <cctype>

namespace rulec::sigma {

namespace {

struct Token {
  enum Kind { Name, LParen, RParen, End } kind = End;
  std::string text;
  size_t offset = 0;
};

class Parser {
public:
  Parser(const std::string &text, const SourceLocation &loc, DiagnosticEngine &diags)
      : text_(text), loc_(loc), diags_(diags) {}

  std::unique_ptr<CondExpr> parse() {
    if (!lex())
      return nullptr;
    auto e = orExpr(0);
    if (e && tokens_[pos_].kind != Token::End)
      return error(tokens_[pos_], "unexpected '" + tokens_[pos_].text + "' in the condition");
    return e;
  }

private:
  static bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '|' ||
           c == '*' || static_cast<unsigned char>(c) >= 0x80;
  }

  SourceLocation at(size_t offset) const {
    SourceLocation l = loc_;
    l.column += static_cast<int>(offset); // conditions are one line
    return l;
  }

  std::unique_ptr<CondExpr> error(const Token &t, const std::string &message) {
    diags_.error(DiagCode::InvalidValue, at(t.offset), message);
    return nullptr;
  }

  bool lex() {
    for (size_t i = 0; i < text_.size();) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::LParen : Token::RParen, std::string(1, c), i});
        ++i;
      } else if (isNameChar(c)) {
        size_t start = i;
        while (i < text_.size() && isNameChar(text_[i]))
          ++i;
        tokens_.push_back({Token::Name, text_.substr(start, i - start), start});
      } else {
        diags_.error(DiagCode::InvalidValue, at(i), std::string("unexpected character '") + c + "' in the condition");
        return false;
      }
    }
    tokens_.push_back({Token::End, "end of condition", text_.size()});
    return true;
  }

  bool isWord(const Token &t, const char *word) const {
    if (t.kind != Token::Name || t.text.size() != std::char_traits<char>::length(word))
      return false;
    for (size_t i = 0; i < t.text.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(t.text[i])) != word[i])
        return false;
    return true;
  }

  std::unique_ptr<CondExpr> binary(CondExpr::Kind kind, std::unique_ptr<CondExpr> a, std::unique_ptr<CondExpr> b) {
    auto e = std::make_unique<CondExpr>();
    e->kind = kind;
    e->loc = a->loc;
    e->operands.push_back(std::move(a));
    e->operands.push_back(std::move(b));
    return e;
  }

  /// operand (word operand)*: one node with every operand of the chain.
  /// Not a left-deep binary tree: `a and a and ...` 20000 times made a tree
  /// 20000 levels deep, and lowering it recursively overflowed the stack
  /// (a hostile-input test beside the fuzzing).
  template <typename Operand>
  std::unique_ptr<CondExpr> chain(CondExpr::Kind kind, const char *word, Operand operand) {
    auto e = operand();
    bool built = false; // e is this chain's node
    while (e && isWord(tokens_[pos_], word)) {
      ++pos_;
      auto rhs = operand();
      if (!rhs)
        return nullptr;
      if (built)
        e->operands.push_back(std::move(rhs));
      else
        e = binary(kind, std::move(e), std::move(rhs));
      built = true;
    }
    return e;
  }

  std::unique_ptr<CondExpr> orExpr(int depth) {
    return chain(CondExpr::Or, "or", [&] { return andExpr(depth); });
  }

  std::unique_ptr<CondExpr> andExpr(int depth) {
    return chain(CondExpr::And, "and", [&] { return unary(depth); });
  }

  std::unique_ptr<CondExpr> unary(int depth) {
    if (depth > 100)
      return error(tokens_[pos_], "the condition nests too deeply");
    const Token &t = tokens_[pos_];
    if (isWord(t, "not")) {
      ++pos_;
      auto operand = unary(depth + 1);
      if (!operand)
        return nullptr;
      auto e = std::make_unique<CondExpr>();
      e->kind = CondExpr::Not;
      e->loc = at(t.offset);
      e->operands.push_back(std::move(operand));
      return e;
    }
    if (t.kind == Token::LParen) {
      ++pos_;
      auto e = orExpr(depth + 1);
      if (!e)
        return nullptr;
      if (tokens_[pos_].kind != Token::RParen)
        return error(tokens_[pos_], "expected ')' in the condition, found '" + tokens_[pos_].text + "'");
      ++pos_;
      return e;
    }
    if (t.kind != Token::Name || isWord(t, "and") || isWord(t, "or") || isWord(t, "of"))
      return error(t, "expected a search identifier, found '" + t.text + "'");
    ++pos_;
    if (isWord(tokens_[pos_], "of")) {
      auto e = std::make_unique<CondExpr>();
      e->kind = CondExpr::Of;
      e->loc = at(t.offset);
      if (isWord(t, "all"))
        e->count = -1;
      else if (isWord(t, "any"))
        e->count = 1;
      else if (t.text.find_first_not_of("0123456789") == std::string::npos && t.text.size() < 9)
        e->count = std::stoll(t.text);
      else
        return error(t, "expected a number, 'all' or 'any' before 'of', found '" + t.text + "'");
      ++pos_;
      const Token &target = tokens_[pos_];
      if (target.kind != Token::Name)
        return error(target, "expected 'them' or an identifier pattern after 'of'");
      e->name = isWord(target, "them") ? "them" : target.text;
      ++pos_;
      return e;
    }
    auto e = std::make_unique<CondExpr>();
    e->kind = CondExpr::Ref;
    e->name = t.text;
    e->loc = at(t.offset);
    return e;
  }

  const std::string &text_;
  SourceLocation loc_;
  DiagnosticEngine &diags_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

} // namespace

std::unique_ptr<CondExpr> parseCondition(const std::string &text, const SourceLocation &loc,
                                         DiagnosticEngine &diags) {
  return Parser(text, loc, diags).parse();
}

} // namespace rulec::sigma
