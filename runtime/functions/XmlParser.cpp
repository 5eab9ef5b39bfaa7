//===- XmlParser.cpp - parse_xml's XML to JSON -----------------------------===//
//
// A small XML reader for parse_xml, as Kusto documents the mapping:
//   <e/>                       {"e": null}
//   <e>text</e>                {"e": "text"}
//   <e name="v">text</e>       {"e": {"@name": "v", "#text": "text"}}
//   <e><a>x</a><a>y</a></e>    {"e": {"a": ["x", "y"]}}
// Only elements, attributes and text (CDATA included) are kept; the XML
// declaration, processing instructions, comments and a DOCTYPE are skipped.
// Text is trimmed; white space only is no text. The five predefined
// entities and character references are decoded; any other entity, a
// mismatched tag, more than one root or input over 1 MB (Kusto's limit) or
// nested deeper than 256 elements makes the whole value null.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"

#include <cctype>
#include <charconv>
#include <memory>
#include <unordered_map>

namespace rulec::functions {

namespace {

constexpr size_t kMaxInput = size_t(1) << 20;
constexpr int kMaxDepth = 256;

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '-' || c == '.' ||
         static_cast<unsigned char>(c) >= 0x80;
}

class Reader {
public:
  explicit Reader(std::string_view s) : s_(s) {}

  std::unique_ptr<Element> document() {
    std::unique_ptr<Element> root;
    while (true) {
      skipSpace();
      if (at_ >= s_.size())
        break;
      if (!startsWith("<"))
        return nullptr; // text outside the root
      if (skipMarkup()) {
        if (failed_)
          return nullptr;
        continue;
      }
      if (root)
        return nullptr; // a second root
      root = element(0);
      if (!root)
        return nullptr;
    }
    return root;
  }

private:
  std::string_view s_;
  size_t at_ = 0;
  bool failed_ = false;

  bool startsWith(std::string_view p) const { return s_.substr(at_).starts_with(p); }

  void skipSpace() {
    while (at_ < s_.size() && isSpace(s_[at_]))
      ++at_;
  }

  /// Skips a comment, processing instruction or declaration at `<`; false
  /// when it is none. A missing end sets failed_.
  bool skipMarkup() {
    auto skipTo = [&](std::string_view end) {
      const size_t e = s_.find(end, at_);
      if (e == std::string_view::npos)
        failed_ = true, at_ = s_.size();
      else
        at_ = e + end.size();
      return true;
    };
    if (startsWith("<!--"))
      return skipTo("-->");
    if (startsWith("<?"))
      return skipTo("?>");
    if (startsWith("<!DOCTYPE")) {
      // An internal subset [...] may hold '>'.
      const size_t bracket = s_.find('[', at_), close = s_.find('>', at_);
      if (bracket != std::string_view::npos && bracket < close)
        return at_ = bracket, skipTo("]>");
      return skipTo(">");
    }
    return false;
  }

  bool name(std::string &out) {
    const size_t start = at_;
    while (at_ < s_.size() && isNameChar(s_[at_]))
      ++at_;
    out.assign(s_.substr(start, at_ - start));
    return !out.empty();
  }

  /// Decodes `raw` (entities) onto `out`.
  static bool decode(std::string_view raw, std::string &out) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      const size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos)
        return false;
      const std::string_view entity = raw.substr(i + 1, semi - i - 1);
      if (entity == "lt")
        out += '<';
      else if (entity == "gt")
        out += '>';
      else if (entity == "amp")
        out += '&';
      else if (entity == "quot")
        out += '"';
      else if (entity == "apos")
        out += '\'';
      else if (entity.size() > 1 && entity[0] == '#') {
        const bool hex = entity[1] == 'x' || entity[1] == 'X';
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        uint32_t c = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c, hex ? 16 : 10);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || c == 0 || c > 0x10FFFF ||
            (c >= 0xD800 && c <= 0xDFFF))
          return false;
        appendUtf8(out, c);
      } else {
        return false;
      }
      i = semi;
    }
    return true;
  }

  /// An element at `<name`.
  std::unique_ptr<Element> element(int depth) {
    if (depth >= kMaxDepth)
      return nullptr;
    auto e = std::make_unique<Element>();
    ++at_; // '<'
    if (!name(e->name))
      return nullptr;
    while (true) {
      skipSpace();
      if (at_ >= s_.size())
        return nullptr;
      if (startsWith("/>")) {
        at_ += 2;
        return e;
      }
      if (s_[at_] == '>') {
        ++at_;
        break;
      }
      std::string key, value;
      if (!name(key))
        return nullptr;
      skipSpace();
      if (at_ >= s_.size() || s_[at_] != '=')
        return nullptr;
      ++at_;
      skipSpace();
      if (at_ >= s_.size() || (s_[at_] != '"' && s_[at_] != '\''))
        return nullptr;
      const char quote = s_[at_++];
      const size_t end = s_.find(quote, at_);
      if (end == std::string_view::npos || !decode(s_.substr(at_, end - at_), value))
        return nullptr;
      at_ = end + 1;
      for (const auto &a : e->attributes)
        if (a.first == key)
          return nullptr; // a repeated attribute
      e->attributes.emplace_back(std::move(key), std::move(value));
    }
    // Content up to </name>.
    std::string text;
    while (true) {
      if (at_ >= s_.size())
        return nullptr;
      if (s_[at_] != '<') {
        const size_t lt = s_.find('<', at_);
        const size_t end = lt == std::string_view::npos ? s_.size() : lt;
        if (!decode(s_.substr(at_, end - at_), text))
          return nullptr;
        at_ = end;
        continue;
      }
      if (startsWith("<![CDATA[")) {
        const size_t end = s_.find("]]>", at_);
        if (end == std::string_view::npos)
          return nullptr;
        text += s_.substr(at_ + 9, end - at_ - 9);
        at_ = end + 3;
        continue;
      }
      if (startsWith("</")) {
        at_ += 2;
        std::string closing;
        if (!name(closing) || closing != e->name)
          return nullptr;
        skipSpace();
        if (at_ >= s_.size() || s_[at_] != '>')
          return nullptr;
        ++at_;
        break;
      }
      if (skipMarkup()) {
        if (failed_)
          return nullptr;
        continue;
      }
      auto child = element(depth + 1);
      if (!child)
        return nullptr;
      e->children.push_back(std::move(child));
    }
    size_t b = 0, end = text.size();
    while (b < end && isSpace(text[b]))
      ++b;
    while (end > b && isSpace(text[end - 1]))
      --end;
    e->text = text.substr(b, end - b);
    return e;
  }
};

/// An element's value (without its name).
void valueJson(const Element &e, std::string &out) {
  if (e.attributes.empty() && e.children.empty()) {
    out += e.text.empty() ? "null" : jsonQuoted(e.text);
    return;
  }
  out += '{';
  bool first = true;
  auto key = [&](std::string_view k) {
    out += first ? "" : ",";
    first = false;
    out += jsonQuoted(k);
    out += ':';
  };
  for (const auto &[name, value] : e.attributes) {
    key("@" + name);
    out += jsonQuoted(value);
  }
  if (!e.text.empty()) {
    key("#text");
    out += jsonQuoted(e.text);
  }
  // Children by name, in order of first appearance; a repeated name is an array.
  std::vector<std::string_view> names;
  std::unordered_map<std::string_view, std::vector<const Element *>> byName;
  for (const auto &child : e.children) {
    auto &same = byName[child->name];
    if (same.empty())
      names.push_back(child->name);
    same.push_back(child.get());
  }
  for (std::string_view name : names) {
    const auto &same = byName[name];
    key(name);
    if (same.size() == 1) {
      valueJson(*same[0], out);
      continue;
    }
    out += '[';
    for (size_t k = 0; k < same.size(); ++k) {
      if (k)
        out += ',';
      valueJson(*same[k], out);
    }
    out += ']';
  }
  out += '}';
}

} // namespace

std::string xmlToJson(std::string_view xml, bool &ok) {
  ok = false;
  if (xml.size() > kMaxInput || !validUtf8(xml))
    return {};
  std::unique_ptr<Element> root = Reader(xml).document();
  if (!root)
    return {};
  std::string out = "{" + jsonQuoted(root->name) + ":";
  valueJson(*root, out);
  ok = true;
  return out + "}";
}

} // namespace rulec::functions
