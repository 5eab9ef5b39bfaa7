//===- SigmaLowering.cpp --------------------------------------------------===//
#include "sigma/SigmaLowering.h"
#include "support/AsciiLower.h"

#include "sigma/SigmaRegex.h"

#include "matching/IpAddress.h"
#include "support/RegexCheck.h"
#include "rulec/abi.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace rulec::sigma {

namespace {

using ir::Op;
using IrExpr = ir::Expr;
using IrPtr = std::unique_ptr<ir::Expr>;

/// A value after Sigma's escapes: literal text and the * / ? wildcards.
struct Piece {
  enum Kind { Text, Any, One } kind = Text;
  std::string text;
};
using Pattern = std::vector<Piece>;

/// Sigma escapes: \* \? \\ stand for the character; any other backslash is
/// literal (so a trailing '\' stays a backslash when a modifier adds '*').
Pattern parsePattern(const std::string &v) {
  Pattern out;
  auto text = [&](char c) {
    if (out.empty() || out.back().kind != Piece::Text)
      out.push_back({Piece::Text, ""});
    out.back().text += c;
  };
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) {
      text(v[++i]);
    } else if (c == '*') {
      if (out.empty() || out.back().kind != Piece::Any)
        out.push_back({Piece::Any, ""});
    } else if (c == '?') {
      out.push_back({Piece::One, ""});
    } else {
      text(c);
    }
  }
  return out;
}


/// Whether ASCII case folding compares `s` as Unicode case folding would:
/// every non-ASCII character is caseless. Taken as caseless: blocks of
/// punctuation, symbols and emoji without a single case mapping in Unicode
/// 15 (windash's dashes, the emoji of SigmaHQ's emoji rules); any other
/// non-ASCII text keeps RE2's Unicode (?i).
bool foldsAsAscii(const std::string &s) {
  static const std::pair<uint32_t, uint32_t> kCaseless[] = {
      {0x2000, 0x206F},   // General Punctuation (dashes, zero-width joiner)
      {0x2190, 0x23FF},   // arrows, mathematical operators, technical symbols
      {0x2500, 0x27BF},   // box drawing, shapes, miscellaneous symbols, dingbats
      {0xFE00, 0xFE0F},   // variation selectors
      {0x1F000, 0x1FAFF}, // emoji and pictographs
      {0xE0000, 0xE007F}, // tags (flag emoji)
  };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const int len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size())
      return false;
    uint32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (std::none_of(std::begin(kCaseless), std::end(kCaseless),
                     [&](const auto &r) { return cp >= r.first && cp <= r.second; }))
      return false;
  }
  return true;
}

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// A part of a value [begin, end) that takes each of `choices` in turn.
struct Span {
  size_t begin, end;
  const std::vector<std::string> *choices;
};

/// Every string `v` stands for when each span (in order, not overlapping)
/// takes each of its choices: all combinations.
std::vector<std::string> substitute(const std::string &v, const std::vector<Span> &spans) {
  std::vector<std::string> out = {""};
  size_t from = 0;
  for (const Span &span : spans) {
    std::vector<std::string> next;
    for (const std::string &prefix : out)
      for (const std::string &choice : *span.choices)
        next.push_back(prefix + v.substr(from, span.begin - from) + choice);
    out = std::move(next);
    from = span.end;
  }
  for (std::string &s : out)
    s += v.substr(from);
  return out;
}

/// pySigma's windash: every '-' or '/' that starts a word (at \B[-/]\b) takes
/// each of the five dashes, in every combination.
std::vector<std::string> windash(const std::string &v) {
  static const std::vector<std::string> kDashes = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
  std::vector<Span> spans;
  for (size_t i = 0; i < v.size(); ++i)
    if ((v[i] == '-' || v[i] == '/') && (i == 0 || !isWordChar(v[i - 1])) && i + 1 < v.size() && isWordChar(v[i + 1]))
      spans.push_back({i, i + 1, &kDashes});
  return substitute(v, spans);
}

std::string utf16(const std::string &v, bool bigEndian, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE", 2) : "";
  for (size_t i = 0; i < v.size();) {
    // Decode one UTF-8 code point.
    unsigned char c = static_cast<unsigned char>(v[i]);
    uint32_t cp = c;
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (len > 1) {
      cp = c & (0xFF >> (len + 1));
      for (int k = 1; k < len && i + k < v.size(); ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(v[i + k]) & 0x3F);
    }
    i += len;
    auto unit = [&](uint16_t u) {
      out += static_cast<char>(bigEndian ? u >> 8 : u & 0xFF);
      out += static_cast<char>(bigEndian ? u & 0xFF : u >> 8);
    };
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      unit(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      unit(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

std::string base64(const std::string &bytes) {
  static const char *kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 3; k >= 0; --k)
      out += kAlphabet[(n >> (6 * k)) & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

/// pySigma's base64offset: the value at the three alignments, each trimmed
/// of the characters its neighbours would change.
std::vector<std::string> base64Offsets(const std::string &v) {
  static const size_t kStart[] = {0, 2, 3};
  static const int kEnd[] = {0, -3, -2}; // 0: keep all
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string encoded = base64(std::string(i, ' ') + v);
    const int end = kEnd[(v.size() + i) % 3];
    size_t stop = end == 0 ? encoded.size() : encoded.size() - static_cast<size_t>(-end);
    out.push_back(stop > kStart[i] ? encoded.substr(kStart[i], stop - kStart[i]) : "");
  }
  return out;
}

/// A regular expression (RE2 syntax) matching the pattern; `anchored` for
/// whole-value matches.
std::string patternRegex(const Pattern &p, bool caseInsensitive, bool anchored) {
  std::string re = caseInsensitive ? "(?is)" : "(?s)";
  if (anchored)
    re += "^";
  for (const Piece &piece : p) {
    if (piece.kind == Piece::Any)
      re += ".*";
    else if (piece.kind == Piece::One)
      re += ".";
    else
      re += RE2::QuoteMeta(piece.text);
  }
  if (anchored)
    re += "$";
  return re;
}

/// The JSON number or boolean whose text a whole-value string equals: the
/// specification compares values as strings, so `Initiated: 'true'` matches
/// the boolean true and `DestinationPort: '443'` the number 443 (evtx_dump
/// writes both typed). Only the canonical text: '0443' is not 443's text.
std::optional<Scalar> typedText(const std::string &text, bool cased) {
  std::string folded = text;
  if (!cased)
    std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
  if (folded == "true" || folded == "false")
    return Scalar::makeBool(folded == "true");
  const size_t digits = text.size() - (text.size() && text[0] == '-');
  if (digits == 0 || digits > 18 || (digits > 1 && text[text.size() - digits] == '0'))
    return std::nullopt;
  for (size_t i = text.size() - digits; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9')
      return std::nullopt;
  if (text == "-0")
    return std::nullopt;
  return Scalar::makeInt(std::stoll(text));
}

struct Modifiers {
  bool contains = false, startswith = false, endswith = false, all = false, cased = false, neq = false;
  bool re = false, reI = false, reM = false, reS = false, cidr = false, exists = false, fieldref = false;
  bool base64 = false, base64offset = false, windash = false, expand = false;
  enum { None, Utf16Le, Utf16Be, Utf16 } encoding = None;
  Op order = Op::Const; ///< gt / gte / lt / lte
};

/// A dotted configuration path; a `*` step is any member.
std::vector<PathStep> keys(const std::string &dotted) {
  std::vector<PathStep> out;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    const std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    out.push_back(key == "*" ? PathStep::makeWildcard() : PathStep::makeKey(key));
    if (dot == std::string::npos)
      return out;
    start = dot + 1;
  }
}

/// The slot of a Sigma field: the first of the configured places the event
/// has it. A dotted name is tried as one key first, then as a path.
uint32_t slotOf(const ProductConfig *product, const Config &config, ir::Pack &pack, const std::string &name) {
  std::vector<std::vector<PathStep>> alternatives;
  auto add = [&](std::vector<PathStep> path) {
    if (std::find(alternatives.begin(), alternatives.end(), path) == alternatives.end())
      alternatives.push_back(std::move(path));
  };
  const auto &templates = product ? product->fieldTemplates : config.defaultFieldTemplates;
  if (product && product->fieldMap.count(name)) {
    for (const std::string &path : product->fieldMap.at(name))
      add(keys(path));
  } else {
    for (const std::string &t : templates) {
      const size_t at = t.find("{field}");
      if (at == std::string::npos)
        continue;
      std::vector<PathStep> prefix = at ? keys(t.substr(0, at - 1)) : std::vector<PathStep>{};
      std::vector<PathStep> flat = prefix;
      flat.push_back(PathStep::makeKey(name));
      add(flat);
      if (name.find('.') != std::string::npos) {
        std::vector<PathStep> nested = prefix;
        for (PathStep &s : keys(name))
          nested.push_back(s);
        add(nested);
      }
    }
  }
  if (alternatives.size() == 1)
    return pack.internField({}, alternatives[0], KeyMatch::ExactThenLoose);
  std::vector<FieldSpec> &table = pack.fields;
  FieldSpec spec;
  spec.keyMatch = KeyMatch::ExactThenLoose;
  spec.alternatives = std::move(alternatives);
  for (uint32_t i = 0; i < table.size(); ++i)
    if (table[i].sameField(spec))
      return i;
  table.push_back(std::move(spec));
  return static_cast<uint32_t>(table.size() - 1);
}

class Lowering {
public:
  Lowering(const Rule &rule, const Config &config, ir::Pack &pack) : rule_(rule), config_(config), pack_(pack) {
    product_ = config.find(rule.logsource.product);
  }

  ir::Rule run() {
    ir::Rule out;
    out.loc = rule_.loc;
    out.info.kind = RuleKind::Query;
    out.info.id = rule_.id;
    out.info.displayName = rule_.title;
    out.info.severity = rule_.level;
    out.info.sourceFile = rule_.loc.file ? *rule_.loc.file : "";
    out.info.wholeEvent = true;
    const std::string logType = product_ ? product_->logType
                                : rule_.logsource.product.empty() ? "sigma"
                                                                  : rule_.logsource.product;
    out.info.logTypes = {pack_.internLogType(logType)};
    if (product_)
      for (const std::vector<std::string> &fields : product_->detect) {
        const LogTypeShape shape{out.info.logTypes[0], fields};
        if (std::find(pack_.logTypeShapes.begin(), pack_.logTypeShapes.end(), shape) == pack_.logTypeShapes.end())
          pack_.logTypeShapes.push_back(shape);
      }
    out.predicate = predicate();
    return out;
  }

private:
  [[noreturn]] void fail(const SourceLocation &loc, std::string message) {
    throw Unsupported{loc, std::move(message)};
  }

  /// One way the rule's events can come: a source of its category and one
  /// of its service (either may be absent: null).
  struct Combo {
    const SourceVariant *category = nullptr, *service = nullptr;
  };

  /// The sources of the rule's category (or service) in the configuration;
  /// {null} when it names none (no condition, docs/sigma.md).
  std::vector<const SourceVariant *> sourcesOf(const std::string &name,
                                               const std::map<std::string, std::vector<SourceVariant>> &table) {
    std::vector<const SourceVariant *> out;
    auto it = name.empty() ? table.end() : table.find(name);
    if (it != table.end())
      for (const SourceVariant &v : it->second)
        out.push_back(&v);
    if (out.empty())
      out.push_back(nullptr);
    return out;
  }

  /// Every field name the rule's searches test (and fieldref names).
  std::set<std::string> usedFields() const {
    std::set<std::string> out;
    for (const Search &s : rule_.searches)
      for (const auto &items : s.alternatives)
        for (const FieldItem &item : items) {
          if (item.field.empty())
            continue;
          out.insert(item.field);
          if (std::find(item.modifiers.begin(), item.modifiers.end(), "fieldref") != item.modifiers.end())
            for (const Scalar &v : item.values)
              if (v.kind == Scalar::String)
                out.insert(v.s);
        }
    return out;
  }

  /// The rule's predicate: its condition on the events of each source of its
  /// logsource. Sources that read the rule's fields alike share one copy of
  /// the condition (`or` of their selections); a source with no counterpart
  /// of a field the rule tests is left out (pySigma fails such a rule for
  /// that pipeline; here the other sources still run it).
  IrPtr predicate() {
    std::vector<Combo> combos;
    if (product_)
      for (const SourceVariant *c : sourcesOf(rule_.logsource.category, product_->categories))
        for (const SourceVariant *s : sourcesOf(rule_.logsource.service, product_->services))
          combos.push_back({c, s});
    else
      combos.push_back({});
    const std::set<std::string> used = usedFields();
    std::vector<std::pair<std::string, std::vector<Combo>>> groups; // by how they read the fields
    std::vector<std::string> unsupported;
    for (const Combo &combo : combos) {
      std::string signature, missing;
      for (const std::string &f : used) {
        for (const SourceVariant *v : {combo.category, combo.service})
          if (v && std::find(v->unsupported.begin(), v->unsupported.end(), f) != v->unsupported.end())
            missing = f;
        signature += mappedName(combo, f) + '\0' + std::to_string(reinterpret_cast<uintptr_t>(valueMapOf(combo, f))) +
                     '\0' + std::to_string(reinterpret_cast<uintptr_t>(prefixMapOf(combo, f))) + '\0';
      }
      if (!missing.empty()) {
        unsupported.push_back(missing);
        continue;
      }
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == signature; });
      if (it == groups.end())
        groups.push_back({signature, {combo}});
      else
        it->second.push_back(combo);
    }
    if (groups.empty())
      fail(rule_.logsource.loc, "field '" + unsupported.front() + "' has no counterpart in any source of this "
                                "logsource in the Sigma configuration");
    std::vector<IrPtr> alternatives;
    for (const auto &[signature, members] : groups) {
      std::vector<IrPtr> all;
      std::vector<IrPtr> selections;
      for (const Combo &combo : members) {
        std::vector<IrPtr> both;
        for (const SourceVariant *v : {combo.category, combo.service})
          if (v) {
            std::vector<IrPtr> items;
            for (const FieldItem &item : v->when)
              items.push_back(fieldItem(item));
            both.push_back(IrExpr::makeNary(Op::And, std::move(items), rule_.logsource.loc));
          }
        if (members.size() == 1) {
          for (IrPtr &e : both)
            all.push_back(std::move(e));
        } else {
          selections.push_back(IrExpr::makeNary(Op::And, std::move(both), rule_.logsource.loc));
        }
      }
      if (!selections.empty())
        all.push_back(IrExpr::makeNary(Op::Or, std::move(selections), rule_.logsource.loc));
      combo_ = members.front();
      std::vector<IrPtr> conditions;
      for (const auto &c : rule_.conditions)
        conditions.push_back(condition(*c));
      combo_ = {};
      all.push_back(IrExpr::makeNary(Op::Or, std::move(conditions), rule_.loc));
      alternatives.push_back(IrExpr::makeNary(Op::And, std::move(all), rule_.loc));
    }
    return alternatives.size() == 1 ? std::move(alternatives[0])
                                    : IrExpr::makeNary(Op::Or, std::move(alternatives), rule_.logsource.loc);
  }

  /// `name` as the source of `combo` calls it.
  static std::string mappedName(const Combo &combo, const std::string &name) {
    for (const SourceVariant *v : {combo.category, combo.service})
      if (v)
        if (auto it = v->fieldMap.find(name); it != v->fieldMap.end())
          return it->second;
    return name;
  }
  static const std::map<std::string, std::string> *valueMapOf(const Combo &combo, const std::string &name) {
    for (const SourceVariant *v : {combo.category, combo.service})
      if (v)
        if (auto it = v->valueMap.find(name); it != v->valueMap.end())
          return &it->second;
    return nullptr;
  }
  static const std::vector<std::pair<std::string, std::string>> *prefixMapOf(const Combo &combo,
                                                                             const std::string &name) {
    for (const SourceVariant *v : {combo.category, combo.service})
      if (v)
        if (auto it = v->prefixMap.find(name); it != v->prefixMap.end())
          return &it->second;
    return nullptr;
  }

  /// A value of field `name` as the current source writes it (valueMap,
  /// then prefixMap; ASCII case is ignored, as Sigma compares).
  Scalar mappedValue(const std::string &name, const Scalar &v) const {
    if (v.kind != Scalar::String)
      return v;
    auto folded = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return s;
    };
    if (const auto *values = valueMapOf(combo_, name))
      for (const auto &[from, to] : *values)
        if (folded(from) == folded(v.s))
          return Scalar::makeString(to);
    if (const auto *prefixes = prefixMapOf(combo_, name))
      for (const auto &[from, to] : *prefixes)
        if (v.s.size() >= from.size() && folded(v.s.substr(0, from.size())) == folded(from))
          return Scalar::makeString(to + v.s.substr(from.size()));
    return v;
  }

  // --- fields ----------------------------------------------------------------

  /// The slot of a rule's field, as the current source names it.
  uint32_t field(const std::string &name) { return slotOf(product_, config_, pack_, mappedName(combo_, name)); }

  // --- items ------------------------------------------------------------------

  Modifiers modifiers(const FieldItem &item) {
    Modifiers m;
    for (const std::string &mod : item.modifiers) {
      if (mod == "contains") m.contains = true;
      else if (mod == "startswith") m.startswith = true;
      else if (mod == "endswith") m.endswith = true;
      else if (mod == "all") m.all = true;
      else if (mod == "cased") m.cased = true;
      else if (mod == "neq") m.neq = true;
      else if (mod == "re") m.re = true;
      else if (mod == "i" && m.re) m.reI = true;
      else if (mod == "m" && m.re) m.reM = true;
      else if (mod == "s" && m.re) m.reS = true;
      else if (mod == "cidr") m.cidr = true;
      else if (mod == "exists") m.exists = true;
      else if (mod == "fieldref") m.fieldref = true;
      else if (mod == "base64") m.base64 = true;
      else if (mod == "base64offset") m.base64offset = true;
      else if (mod == "windash") m.windash = true;
      else if (mod == "wide" || mod == "utf16le") m.encoding = Modifiers::Utf16Le;
      else if (mod == "utf16be") m.encoding = Modifiers::Utf16Be;
      else if (mod == "utf16") m.encoding = Modifiers::Utf16;
      else if (mod == "gt") m.order = Op::Gt;
      else if (mod == "gte") m.order = Op::Ge;
      else if (mod == "lt") m.order = Op::Lt;
      else if (mod == "lte") m.order = Op::Le;
      else if (mod == "expand") m.expand = true;
      else
        fail(item.loc, "unknown modifier '" + mod + "'");
    }
    return m;
  }

  /// expand: each %name% placeholder takes each of its configured values
  /// (pySigma's value-list placeholder transformation); all combinations.
  std::vector<std::string> expand(const std::string &value, const FieldItem &item) {
    std::vector<Span> spans;
    for (size_t open = value.find('%'); open != std::string::npos;) {
      const size_t close = value.find('%', open + 1);
      if (close == std::string::npos)
        break;
      const std::string name = value.substr(open + 1, close - open - 1);
      auto it = config_.placeholders.find(name);
      if (it == config_.placeholders.end() || it->second.empty())
        fail(item.loc, "placeholder '%" + name + "%' of the expand modifier has no values in the Sigma "
                       "configuration (placeholders:)");
      spans.push_back({open, close + 1, &it->second});
      open = value.find('%', close + 1);
    }
    return substitute(value, spans);
  }

  /// The strings one value stands for after expand, windash, encodings and base64.
  std::vector<std::string> variants(const std::string &value, const Modifiers &m, const FieldItem &item) {
    std::vector<std::string> out;
    for (const std::string &expanded : m.expand ? expand(value, item) : std::vector<std::string>{value})
      for (std::string &v : m.windash ? windash(expanded) : std::vector<std::string>{expanded})
        out.push_back(std::move(v));
    if (out.size() > 4096)
      fail(item.loc, "windash makes too many variants of '" + value + "'");
    for (std::string &v : out)
      if (m.encoding != Modifiers::None)
        v = utf16(v, m.encoding == Modifiers::Utf16Be, m.encoding == Modifiers::Utf16);
    if (m.base64)
      for (std::string &v : out)
        v = base64(v);
    if (m.base64offset) {
      std::vector<std::string> shifted;
      for (const std::string &v : out)
        for (std::string &s : base64Offsets(v))
          shifted.push_back(std::move(s));
      out = std::move(shifted);
    }
    return out;
  }

  IrPtr regexLeaf(uint32_t slot, const std::string &re, const SourceLocation &loc, bool keyword = false) {
    requireRegex(re, loc, "the regular expression '" + re + "' does not compile in RE2 (linear time): ");
    IrPtr e = IrExpr::makeLeaf(keyword ? Op::Keyword : Op::Regex, slot, loc);
    e->index = static_cast<uint32_t>(pack_.regexes.size());
    pack_.regexes.push_back(re);
    return e;
  }

  IrPtr constantLeaf(Op op, uint32_t slot, Scalar c, const SourceLocation &loc) {
    IrPtr e = IrExpr::makeLeaf(op, slot, loc);
    e->constant = std::move(c);
    return e;
  }

  /// A string pattern against a field: whole-value, case-insensitive unless cased.
  IrPtr patternLeaf(uint32_t slot, const Pattern &p, bool cased, const SourceLocation &loc) {
    std::string text;
    bool plain = true;
    for (const Piece &piece : p)
      if (piece.kind == Piece::Text)
        text += piece.text;
    auto only = [&](std::initializer_list<Piece::Kind> kinds) {
      if (p.size() != kinds.size())
        return false;
      size_t i = 0;
      for (Piece::Kind k : kinds)
        if (p[i++].kind != k)
          return false;
      return true;
    };
    plain = cased || foldsAsAscii(text); // else RE2's Unicode (?i)
    if (plain) {
      const std::string value = cased ? text : asciiLower(text);
      if (p.empty() || only({Piece::Text}))
        return constantLeaf(cased ? Op::Eq : Op::EqFold, slot, Scalar::makeString(value), loc);
      if (only({Piece::Any, Piece::Text, Piece::Any}))
        return constantLeaf(cased ? Op::Contains : Op::ContainsFold, slot, Scalar::makeString(value), loc);
      if (only({Piece::Text, Piece::Any}))
        return constantLeaf(cased ? Op::StartsWith : Op::StartsWithFold, slot, Scalar::makeString(value), loc);
      if (only({Piece::Any, Piece::Text}))
        return constantLeaf(cased ? Op::EndsWith : Op::EndsWithFold, slot, Scalar::makeString(value), loc);
      if (only({Piece::Any})) // any string at all
        return regexLeaf(slot, "(?s)^.*$", loc);
    }
    return guardedRegex(slot, p, cased, loc);
  }

  /// A wildcard pattern's regex, behind a substring test its match implies:
  /// the longest run of a text piece that folds alike in ASCII and in RE2's
  /// Unicode (?i) — no non-ASCII byte, no k or s (RE2 folds K with the Kelvin
  /// sign and s with the long s). The substring test joins the field's
  /// literal set and the prefilter, so the regex runs only on events that
  /// hold it. `and` keeps the meaning: the regex cannot match without it.
  IrPtr guardedRegex(uint32_t slot, const Pattern &p, bool cased, const SourceLocation &loc) {
    IrPtr regex = regexLeaf(slot, patternRegex(p, !cased, true), loc);
    std::string best;
    for (const Piece &piece : p) {
      if (piece.kind != Piece::Text)
        continue;
      std::string run;
      for (char c : piece.text + '\0') {
        const bool breaks = c == '\0' || (!cased && (static_cast<unsigned char>(c) >= 0x80 || c == 'k' || c == 'K' ||
                                                    c == 's' || c == 'S'));
        if (!breaks) {
          run += c;
          continue;
        }
        if (run.size() > best.size())
          best = run;
        run.clear();
      }
    }
    if (best.size() < 3)
      return regex;
    std::vector<IrPtr> both;
    both.push_back(constantLeaf(cased ? Op::Contains : Op::ContainsFold, slot,
                                Scalar::makeString(cased ? best : asciiLower(best)), loc));
    both.push_back(std::move(regex));
    return IrExpr::makeNary(Op::And, std::move(both), loc);
  }

  /// One value of an item (before `all` / OR combination and `neq`).
  IrPtr value(uint32_t slot, const Scalar &v, const Modifiers &m, const FieldItem &item) {
    const SourceLocation &loc = item.loc;
    if (m.exists) {
      if (v.kind != Scalar::Bool)
        fail(loc, "the exists modifier takes true or false");
      IrPtr e = IrExpr::makeLeaf(Op::Exists, slot, loc);
      return v.b ? std::move(e) : IrExpr::makeNot(std::move(e), loc);
    }
    if (v.kind == Scalar::Null)
      return IrExpr::makeLeaf(Op::IsNull, slot, loc); // absent or null
    if (m.order != Op::Const) {
      Scalar number = v;
      if (v.kind == Scalar::String) {
        Scalar typed = typePlainScalar(v.s);
        if (typed.kind != Scalar::Int && typed.kind != Scalar::Double)
          fail(loc, "gt/gte/lt/lte compare numbers; '" + v.s + "' is not one");
        number = typed;
      }
      return constantLeaf(m.order, slot, number, loc);
    }
    if (m.fieldref) {
      if (v.kind != Scalar::String)
        fail(loc, "fieldref takes a field name");
      IrPtr e = IrExpr::makeLeaf(Op::FieldCompare, slot, loc);
      e->slot2 = field(v.s);
      e->cmp = m.contains ? (m.cased ? Op::Contains : Op::ContainsFold)
               : m.startswith ? (m.cased ? Op::StartsWith : Op::StartsWithFold)
               : m.endswith ? (m.cased ? Op::EndsWith : Op::EndsWithFold)
                            : (m.cased ? Op::Eq : Op::EqFold);
      return e;
    }
    if (m.cidr) {
      IpNetwork net;
      if (v.kind != Scalar::String || !parseIpNetwork(v.s, net, false))
        fail(loc, "'" + v.repr() + "' is not an IP network");
      return constantLeaf(Op::InNetwork, slot, v, loc);
    }
    if (v.kind == Scalar::Int || v.kind == Scalar::Double || v.kind == Scalar::Bool) {
      // A number or bool matches the same value, or a string holding its text.
      std::vector<IrPtr> ops;
      ops.push_back(constantLeaf(Op::Eq, slot, v, loc));
      const std::string text = v.kind == Scalar::Bool ? (v.b ? "true" : "false") : v.kind == Scalar::Int ? std::to_string(v.i) : v.repr();
      ops.push_back(constantLeaf(Op::EqFold, slot, Scalar::makeString(text), loc));
      return IrExpr::makeNary(Op::Or, std::move(ops), loc);
    }
    if (m.re) {
      std::string flags = std::string(m.reI ? "i" : "") + (m.reM ? "m" : "") + (m.reS ? "s" : "");
      return regexLeaf(slot, (flags.empty() ? "" : "(?" + flags + ")") + pcreToRe2(v.s, m.reM), loc);
    }
    std::vector<IrPtr> ops;
    for (const std::string &s : variants(v.s, m, item)) {
      Pattern p = (m.base64 || m.base64offset) ? Pattern{{Piece::Text, s}} : parsePattern(s);
      if (m.contains || m.endswith || m.base64offset)
        p.insert(p.begin(), {Piece::Any, ""});
      if (m.contains || m.startswith || m.base64offset)
        p.push_back({Piece::Any, ""});
      // Merge neighbouring wildcards the modifier may have doubled.
      Pattern merged;
      for (Piece &piece : p)
        if (!(piece.kind == Piece::Any && !merged.empty() && merged.back().kind == Piece::Any))
          merged.push_back(std::move(piece));
      ops.push_back(patternLeaf(slot, merged, m.cased, loc));
      if (merged.size() == 1 && merged[0].kind == Piece::Text)
        if (std::optional<Scalar> typed = typedText(merged[0].text, m.cased))
          ops.push_back(constantLeaf(Op::Eq, slot, *typed, loc));
    }
    return ops.size() == 1 ? std::move(ops[0]) : IrExpr::makeNary(Op::Or, std::move(ops), loc);
  }

  IrPtr fieldItem(const FieldItem &item) {
    const Modifiers m = modifiers(item);
    if (item.field.empty())
      return keywords(item, m);
    const uint32_t slot = field(item.field);
    std::vector<IrPtr> ops;
    for (const Scalar &v : item.values)
      ops.push_back(value(slot, mappedValue(item.field, v), m, item));
    IrPtr e = IrExpr::makeNary(m.all ? Op::And : Op::Or, std::move(ops), item.loc);
    if (markElementwise(*e, slot))
      pack_.internField({slot}, {}, KeyMatch::Exact); // the element itself: lists are read element by element
    return m.neq ? IrExpr::makeNot(std::move(e), item.loc) : std::move(e);
  }

  /// Value tests on `slot` hold for a list when they hold for some element
  /// (null, exists and fieldref tests stay on the whole value). Returns
  /// whether any leaf became element-wise.
  static bool markElementwise(IrExpr &e, uint32_t slot) {
    bool any = false;
    for (auto &operand : e.operands)
      any |= markElementwise(*operand, slot);
    switch (e.op) {
    case Op::Eq: case Op::EqFold: case Op::Contains: case Op::ContainsFold: case Op::StartsWith:
    case Op::StartsWithFold: case Op::EndsWith: case Op::EndsWithFold: case Op::Lt: case Op::Le:
    case Op::Gt: case Op::Ge: case Op::InNetwork: case Op::Regex:
      if (e.slot == slot && !e.subject) {
        e.elementwise = true;
        any = true;
      }
      break;
    default:
      break;
    }
    return any;
  }

  /// Keywords: each value is searched (case-insensitively, as a substring
  /// with its own wildcards) in every value of the event: strings, and
  /// numbers and booleans as the event writes them. A plain text (no inner
  /// wildcard, ASCII case folding) is a keyword.icontains leaf, which one
  /// scan of the event's text answers for all of a pack's keywords
  /// (runtime/matching/KeywordScanner.h); any other is a regex.
  IrPtr keywords(const FieldItem &item, const Modifiers &m) {
    std::vector<IrPtr> ops;
    for (const Scalar &v : item.values) {
      const std::string text = v.kind == Scalar::String ? v.s : v.pythonStr();
      for (const std::string &s : variants(text, m, item)) {
        Pattern p = parsePattern(s);
        while (!p.empty() && p.front().kind == Piece::Any)
          p.erase(p.begin());
        while (!p.empty() && p.back().kind == Piece::Any)
          p.pop_back();
        if (!m.cased && p.size() == 1 && p[0].kind == Piece::Text && foldsAsAscii(p[0].text)) {
          IrPtr e = IrExpr::makeLeaf(Op::KeywordContains, 0, item.loc);
          e->constant = Scalar::makeString(asciiLower(p[0].text));
          ops.push_back(std::move(e));
          continue;
        }
        ops.push_back(regexLeaf(0, patternRegex(parsePattern(s), !m.cased, false), item.loc, true));
      }
    }
    IrPtr e = IrExpr::makeNary(m.all ? Op::And : Op::Or, std::move(ops), item.loc);
    return m.neq ? IrExpr::makeNot(std::move(e), item.loc) : std::move(e);
  }

  IrPtr search(const Search &s) {
    std::vector<IrPtr> alternatives;
    for (const auto &items : s.alternatives) {
      std::vector<IrPtr> ands;
      for (const FieldItem &item : items)
        ands.push_back(fieldItem(item));
      alternatives.push_back(IrExpr::makeNary(Op::And, std::move(ands), s.loc));
    }
    return IrExpr::makeNary(Op::Or, std::move(alternatives), s.loc);
  }

  static bool globMatch(const std::string &pattern, const std::string &name) {
    size_t star = pattern.find('*');
    if (star == std::string::npos)
      return pattern == name;
    // Only '*' is a wildcard here; match with a small backtracking over stars.
    size_t p = 0, n = 0, lastStar = std::string::npos, mark = 0;
    while (n < name.size()) {
      if (p < pattern.size() && pattern[p] == '*') {
        lastStar = p++;
        mark = n;
      } else if (p < pattern.size() && pattern[p] == name[n]) {
        ++p;
        ++n;
      } else if (lastStar != std::string::npos) {
        p = lastStar + 1;
        n = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.size() && pattern[p] == '*')
      ++p;
    return p == pattern.size();
  }

  IrPtr condition(const CondExpr &c) {
    switch (c.kind) {
    case CondExpr::Ref:
      for (const Search &s : rule_.searches)
        if (s.name == c.name)
          return search(s);
      fail(c.loc, "the condition names '" + c.name + "', which is not a search identifier of the detection");
    case CondExpr::Not: return IrExpr::makeNot(condition(*c.operands[0]), c.loc);
    case CondExpr::And:
    case CondExpr::Or: {
      std::vector<IrPtr> ops;
      for (const auto &operand : c.operands)
        ops.push_back(condition(*operand));
      return IrExpr::makeNary(c.kind == CondExpr::And ? Op::And : Op::Or, std::move(ops), c.loc);
    }
    case CondExpr::Of: {
      std::vector<IrPtr> ops;
      for (const Search &s : rule_.searches) {
        const bool hidden = !s.name.empty() && s.name[0] == '_';
        const bool matches = c.name == "them" ? !hidden : globMatch(c.name, s.name) && (!hidden || c.name[0] == '_');
        if (matches)
          ops.push_back(search(s));
      }
      if (ops.empty())
        fail(c.loc, "no search identifier matches '" + c.name + "'");
      if (c.count > 1)
        fail(c.loc, std::to_string(c.count) + " of ... (more than one but not all) is not supported");
      return IrExpr::makeNary(c.count < 0 ? Op::And : Op::Or, std::move(ops), c.loc);
    }
    }
    fail(c.loc, "bad condition");
  }

  const Rule &rule_;
  const Config &config_;
  ir::Pack &pack_;
  const ProductConfig *product_ = nullptr;
  Combo combo_; ///< the source whose names the rule's fields take now (none: as written)
};

} // namespace

uint32_t fieldSlot(const Rule &rule, const Config &config, ir::Pack &pack, const std::string &name) {
  return slotOf(config.find(rule.logsource.product), config, pack, name);
}

bool lowerRule(const Rule &rule, const Config &config, ir::Pack &pack, DiagnosticEngine &diags) {
  const size_t fields = pack.fields.size(), regexes = pack.regexes.size(), logTypes = pack.logTypes.size(),
               shapes = pack.logTypeShapes.size();
  try {
    ir::Rule out = Lowering(rule, config, pack).run();
    pack.rules.push_back(std::move(out));
    return true;
  } catch (const Unsupported &u) {
    diags.error(u.code, u.loc, u.message);
    pack.fields.resize(fields);
    pack.regexes.resize(regexes);
    pack.logTypes.resize(logTypes);
    pack.logTypeShapes.resize(shapes);
    return false;
  }
}

} // namespace rulec::sigma
