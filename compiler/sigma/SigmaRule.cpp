//===- SigmaRule.cpp ------------------------------------------------------===//
#include "sigma/SigmaRule.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

namespace rulec::sigma {

namespace {

class Loader {
public:
  Loader(const std::string &file, DiagnosticEngine &diags)
      : file_(std::make_shared<const std::string>(file)), diags_(diags) {}

  std::unique_ptr<Rule> load(const YAML::Node &root);
  bool searchMapPublic(const YAML::Node &map, std::vector<FieldItem> &items) { return searchMap(map, items); }

private:
  SourceLocation loc(const YAML::Node &n) const {
    YAML::Mark m = n.Mark();
    return m.is_null() ? SourceLocation{file_, 0, 0} : SourceLocation{file_, m.line + 1, m.column + 1};
  }
  void error(DiagCode code, const YAML::Node &n, std::string message) { diags_.error(code, loc(n), std::move(message)); }

  std::string scalar(const YAML::Node &n) const { return n && n.IsScalar() ? n.Scalar() : ""; }
  bool values(const YAML::Node &n, FieldItem &item);
  bool searchMap(const YAML::Node &map, std::vector<FieldItem> &items);
  bool search(const std::string &name, const YAML::Node &key, const YAML::Node &value, Search &out);

  std::shared_ptr<const std::string> file_;
  DiagnosticEngine &diags_;
};

bool Loader::values(const YAML::Node &n, FieldItem &item) {
  if (n.IsNull()) {
    item.values.push_back(Scalar::makeNull());
    return true;
  }
  if (n.IsScalar()) {
    item.values.push_back(typeYamlScalar(n));
    return true;
  }
  if (n.IsSequence()) {
    for (const YAML::Node &v : n) {
      if (!v.IsScalar() && !v.IsNull()) {
        error(DiagCode::WrongType, v, "a value of '" + item.field + "' must be a string, number, bool or null");
        return false;
      }
      item.values.push_back(v.IsNull() ? Scalar::makeNull() : typeYamlScalar(v));
    }
    if (item.values.empty()) {
      error(DiagCode::WrongType, n, "an empty list of values never matches; remove the item");
      return false;
    }
    return true;
  }
  error(DiagCode::WrongType, n, "the value of '" + item.field + "' must be a scalar or a list of scalars");
  return false;
}

bool Loader::searchMap(const YAML::Node &map, std::vector<FieldItem> &items) {
  for (const auto &kv : map) {
    FieldItem item;
    item.loc = loc(kv.first);
    const std::string key = kv.first.Scalar();
    size_t bar = key.find('|');
    item.field = key.substr(0, bar);
    while (bar != std::string::npos) {
      size_t next = key.find('|', bar + 1);
      std::string mod = key.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1);
      for (char &c : mod)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      item.modifiers.push_back(mod);
      bar = next;
    }
    if (!values(kv.second, item))
      return false;
    items.push_back(std::move(item));
  }
  return true;
}

bool Loader::search(const std::string &name, const YAML::Node &key, const YAML::Node &value, Search &out) {
  out.name = name;
  out.loc = loc(key);
  if (value.IsMap()) {
    out.alternatives.emplace_back();
    return searchMap(value, out.alternatives.back());
  }
  if (value.IsSequence() && value.size() > 0 && value[0].IsMap()) {
    for (const YAML::Node &alt : value) {
      if (!alt.IsMap()) {
        error(DiagCode::WrongType, alt, "search '" + name + "' mixes maps and plain values");
        return false;
      }
      out.alternatives.emplace_back();
      if (!searchMap(alt, out.alternatives.back()))
        return false;
    }
    return true;
  }
  if (value.IsSequence() || value.IsScalar()) {
    out.keywords = true;
    FieldItem item;
    item.loc = loc(key);
    if (!values(value, item))
      return false;
    out.alternatives.push_back({std::move(item)});
    return true;
  }
  error(DiagCode::WrongType, value, "search '" + name + "' must be a map, a list of maps, or a list of keywords");
  return false;
}

std::unique_ptr<Rule> Loader::load(const YAML::Node &root) {
  const unsigned errorsBefore = diags_.errorCount();
  auto rule = std::make_unique<Rule>();
  rule->loc = loc(root);
  rule->id = scalar(root["id"]);
  rule->name = scalar(root["name"]);
  rule->title = scalar(root["title"]);
  rule->level = scalar(root["level"]);
  if (rule->id.empty())
    rule->id = rule->title;
  if (rule->id.empty())
    error(DiagCode::MissingKey, root, "a Sigma rule needs an id or a title");
  static const std::set<std::string> kLevels = {"informational", "low", "medium", "high", "critical", ""};
  if (!kLevels.count(rule->level))
    error(DiagCode::InvalidValue, root["level"],
          "level '" + rule->level + "' is not one of informational, low, medium, high, critical");
  if (const YAML::Node ls = root["logsource"]; ls && ls.IsMap()) {
    rule->logsource.loc = loc(ls);
    rule->logsource.product = scalar(ls["product"]);
    rule->logsource.category = scalar(ls["category"]);
    rule->logsource.service = scalar(ls["service"]);
  } else {
    error(DiagCode::MissingKey, root, "a Sigma rule needs a logsource map");
  }

  const YAML::Node detection = root["detection"];
  if (!detection || !detection.IsMap()) {
    error(DiagCode::MissingKey, root, "a Sigma rule needs a detection map");
    return nullptr;
  }
  YAML::Node condition;
  for (const auto &kv : detection) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") {
      condition = kv.second;
      continue;
    }
    if (name == "timeframe") {
      error(DiagCode::Unsupported, kv.first, "detection timeframe (an aggregation) is not supported");
      continue;
    }
    Search s;
    if (search(name, kv.first, kv.second, s))
      rule->searches.push_back(std::move(s));
  }
  if (!condition) {
    error(DiagCode::MissingKey, detection, "a Sigma detection needs a condition");
    return nullptr;
  }
  std::vector<YAML::Node> texts;
  if (condition.IsSequence())
    for (const YAML::Node &c : condition)
      texts.push_back(c);
  else
    texts.push_back(condition);
  for (const YAML::Node &c : texts) {
    if (!c.IsScalar()) {
      error(DiagCode::WrongType, c, "a condition must be a string");
      continue;
    }
    if (c.Scalar().find('|') != std::string::npos &&
        (c.Scalar().find("count(") != std::string::npos || c.Scalar().find("near") != std::string::npos)) {
      error(DiagCode::Unsupported, c, "aggregations in conditions (| count() ...) are deprecated and not supported");
      continue;
    }
    SourceLocation at = loc(c);
    if (c.Tag() == "!" && at.valid())
      at.column += 1; // past the opening quote
    if (auto parsed = parseCondition(c.Scalar(), at, diags_))
      rule->conditions.push_back(std::move(parsed));
  }
  if (diags_.errorCount() != errorsBefore)
    return nullptr;
  return rule;
}

} // namespace

bool parseSearchMap(const YAML::Node &map, const std::string &file, std::vector<FieldItem> &items,
                    DiagnosticEngine &diags) {
  return Loader(file, diags).searchMapPublic(map, items);
}

bool looksLikeSigma(const YAML::Node &root) {
  return root.IsMap() && root["detection"] && root["logsource"] && !root["AnalysisType"];
}

std::unique_ptr<Rule> loadRule(const YAML::Node &root, const std::string &file, DiagnosticEngine &diags) {
  return Loader(file, diags).load(root);
}

namespace {

std::string at(const SourceLocation &loc) { return "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column); }

void dumpCondition(const CondExpr &c, int depth, std::ostream &os) {
  os << std::string(2 * depth, ' ');
  switch (c.kind) {
  case CondExpr::Ref: os << "ref " << c.name; break;
  case CondExpr::And: os << "and"; break;
  case CondExpr::Or: os << "or"; break;
  case CondExpr::Not: os << "not"; break;
  case CondExpr::Of: os << (c.count < 0 ? std::string("all") : std::to_string(c.count)) << " of " << c.name; break;
  }
  os << at(c.loc) << "\n";
  for (const auto &op : c.operands)
    dumpCondition(*op, depth + 1, os);
}

} // namespace

void dumpRule(const Rule &rule, std::ostream &os) {
  os << "SigmaRule \"" << rule.id << "\" title=\"" << rule.title << "\"";
  if (!rule.name.empty())
    os << " name=" << rule.name;
  if (!rule.level.empty())
    os << " level=" << rule.level;
  os << " file=" << (rule.loc.file ? *rule.loc.file : "") << "\n";
  const LogSource &ls = rule.logsource;
  os << "  logsource";
  for (const auto &[key, value] : {std::pair<const char *, const std::string &>{"product", ls.product},
                                   {"category", ls.category},
                                   {"service", ls.service}})
    if (!value.empty())
      os << " " << key << "=" << value;
  os << at(ls.loc) << "\n";
  for (const Search &s : rule.searches) {
    os << "  search " << s.name << (s.keywords ? " keywords" : "") << at(s.loc) << "\n";
    for (const auto &alternative : s.alternatives) {
      if (s.alternatives.size() > 1)
        os << "    alternative\n";
      for (const FieldItem &item : alternative) {
        os << std::string(s.alternatives.size() > 1 ? 6 : 4, ' ') << (item.field.empty() ? "<keywords>" : item.field);
        for (const std::string &m : item.modifiers)
          os << "|" << m;
        os << " =";
        for (const Scalar &v : item.values)
          os << " " << v.repr();
        os << at(item.loc) << "\n";
      }
    }
  }
  for (const auto &c : rule.conditions) {
    os << "  condition\n";
    dumpCondition(*c, 2, os);
  }
}

} // namespace rulec::sigma
