//===- SigmaCorrelation.cpp -----------------------------------------------===//
#include "sigma/SigmaCorrelation.h"

#include "events/EventTime.h"
#include "support/YamlScalar.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

namespace rulec::sigma {

namespace {

using Type = CorrelationSpec::Type;
using Cmp = CorrelationSpec::Cmp;

class Loader {
public:
  Loader(const std::string &file, DiagnosticEngine &diags)
      : file_(std::make_shared<const std::string>(file)), diags_(diags) {}

  std::unique_ptr<Correlation> load(const YAML::Node &root);

private:
  SourceLocation loc(const YAML::Node &n) const {
    YAML::Mark m = n.Mark();
    return m.is_null() ? SourceLocation{file_, 0, 0} : SourceLocation{file_, m.line + 1, m.column + 1};
  }
  void error(DiagCode code, const YAML::Node &n, std::string message) { diags_.error(code, loc(n), std::move(message)); }
  static std::string scalar(const YAML::Node &n) { return n && n.IsScalar() ? n.Scalar() : ""; }

  bool type(const YAML::Node &corr, Correlation &c);
  bool stringList(const YAML::Node &n, const char *what, std::vector<RuleRef> &out);
  bool timespan(const YAML::Node &corr, Correlation &c);
  bool condition(const YAML::Node &n, Correlation &c);
  bool aliases(const YAML::Node &n, Correlation &c);

  std::shared_ptr<const std::string> file_;
  DiagnosticEngine &diags_;
};

bool Loader::type(const YAML::Node &corr, Correlation &c) {
  static const std::map<std::string, Type> kTypes = {{"event_count", Type::EventCount},
                                                     {"value_count", Type::ValueCount},
                                                     {"temporal", Type::Temporal},
                                                     {"temporal_ordered", Type::TemporalOrdered}};
  const YAML::Node n = corr["type"];
  if (!n) {
    error(DiagCode::MissingKey, corr, "a correlation needs a type");
    return false;
  }
  const std::string t = scalar(n);
  if (auto it = kTypes.find(t); it != kTypes.end()) {
    c.type = it->second;
    return true;
  }
  if (t == "value_sum" || t == "value_avg" || t == "value_percentile" || t == "value_median")
    error(DiagCode::Unsupported, n, "correlation type '" + t + "' (a pySigma extension) is not supported");
  else
    error(DiagCode::InvalidValue, n,
          "correlation type '" + t + "' is not one of event_count, value_count, temporal, temporal_ordered");
  return false;
}

/// A string or a list of strings.
bool Loader::stringList(const YAML::Node &n, const char *what, std::vector<RuleRef> &out) {
  if (n.IsScalar()) {
    out.push_back({n.Scalar(), loc(n)});
    return true;
  }
  if (n.IsSequence() && n.size() > 0) {
    for (const YAML::Node &item : n) {
      if (!item.IsScalar()) {
        error(DiagCode::WrongType, item, std::string("each of ") + what + " must be a string");
        return false;
      }
      out.push_back({item.Scalar(), loc(item)});
    }
    return true;
  }
  error(DiagCode::WrongType, n, std::string(what) + " must be a string or a non-empty list of strings");
  return false;
}

/// number + unit: s, m, h, d (the specification), w (pySigma).
bool Loader::timespan(const YAML::Node &corr, Correlation &c) {
  const YAML::Node n = corr["timespan"];
  if (!n) {
    error(DiagCode::MissingKey, corr, "a correlation needs a timespan");
    return false;
  }
  const std::string t = scalar(n);
  static const std::map<char, int64_t> kUnits = {
      {'s', kNanosPerSecond}, {'m', kNanosPerMinute}, {'h', 60 * kNanosPerMinute},
      {'d', 24 * 60 * kNanosPerMinute}, {'w', 7 * 24 * 60 * kNanosPerMinute}};
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits])))
    ++digits;
  auto unit = t.size() == digits + 1 ? kUnits.find(t.back()) : kUnits.end();
  if (digits == 0 || digits > 9 || unit == kUnits.end()) {
    error(DiagCode::InvalidValue, n, "timespan '" + t + "' is not a number and a unit (s, m, h, d, w), like 10m");
    return false;
  }
  const int64_t count = std::stoll(t.substr(0, digits));
  if (count == 0) {
    error(DiagCode::InvalidValue, n, "timespan '" + t + "' must be greater than zero");
    return false;
  }
  c.timespanNanos = count * unit->second;
  return true;
}

bool Loader::condition(const YAML::Node &n, Correlation &c) {
  static const std::map<std::string, Cmp> kCmps = {
      {"gt", Cmp::Gt}, {"gte", Cmp::Gte}, {"lt", Cmp::Lt}, {"lte", Cmp::Lte}, {"eq", Cmp::Eq}};
  if (n.IsScalar()) {
    error(DiagCode::Unsupported, n,
          "a correlation condition expression (pySigma's extended conditions) is not supported; use a map like {gte: 2}");
    return false;
  }
  if (!n.IsMap()) {
    error(DiagCode::WrongType, n, "a correlation condition must be a map like {gte: 10}");
    return false;
  }
  bool ok = true;
  for (const auto &kv : n) {
    const std::string key = scalar(kv.first);
    if (key == "field") {
      c.valueField = scalar(kv.second);
      c.valueFieldLoc = loc(kv.second);
      if (c.valueField.empty()) {
        error(DiagCode::WrongType, kv.second, "condition field must be a field name");
        ok = false;
      }
      continue;
    }
    auto cmp = kCmps.find(key);
    if (cmp == kCmps.end()) {
      error(DiagCode::UnknownKey, kv.first, "unknown correlation condition '" + key + "' (expected gt, gte, lt, lte, eq, field)");
      ok = false;
      continue;
    }
    const Scalar v = kv.second.IsScalar() ? typeYamlScalar(kv.second) : Scalar::makeNull();
    if (v.kind != Scalar::Int || v.i < 0) {
      error(DiagCode::WrongType, kv.second, "the count of '" + key + "' must be a whole number, 0 or more");
      ok = false;
      continue;
    }
    c.condition.push_back({cmp->second, v.i});
  }
  if (ok && c.condition.empty()) {
    error(DiagCode::MissingKey, n, "a correlation condition needs one of gt, gte, lt, lte, eq");
    ok = false;
  }
  return ok;
}

bool Loader::aliases(const YAML::Node &n, Correlation &c) {
  if (!n.IsMap()) {
    error(DiagCode::WrongType, n, "aliases must be a map: alias -> {rule name: field}");
    return false;
  }
  for (const auto &kv : n) {
    FieldAlias alias;
    alias.name = scalar(kv.first);
    alias.loc = loc(kv.first);
    if (!kv.second.IsMap()) {
      error(DiagCode::WrongType, kv.second, "alias '" + alias.name + "' must map rule names to field names");
      return false;
    }
    for (const auto &m : kv.second) {
      if (!m.second.IsScalar()) {
        error(DiagCode::WrongType, m.second, "alias '" + alias.name + "' must map rule names to field names");
        return false;
      }
      alias.fieldByRule[scalar(m.first)] = m.second.Scalar();
    }
    c.aliases.push_back(std::move(alias));
  }
  return true;
}

std::unique_ptr<Correlation> Loader::load(const YAML::Node &root) {
  const unsigned errorsBefore = diags_.errorCount();
  auto c = std::make_unique<Correlation>();
  c->loc = loc(root);
  c->id = scalar(root["id"]);
  c->name = scalar(root["name"]);
  c->title = scalar(root["title"]);
  c->level = scalar(root["level"]);
  if (c->id.empty())
    c->id = c->title;
  if (c->id.empty())
    error(DiagCode::MissingKey, root, "a Sigma correlation needs an id or a title");
  static const std::set<std::string> kLevels = {"informational", "low", "medium", "high", "critical", ""};
  if (!kLevels.count(c->level))
    error(DiagCode::InvalidValue, root["level"],
          "level '" + c->level + "' is not one of informational, low, medium, high, critical");
  if (root["detection"])
    error(DiagCode::InvalidValue, root["detection"], "a correlation rule has no detection of its own; put it in a rule the correlation names");

  const YAML::Node corr = root["correlation"];
  if (!corr.IsMap()) {
    error(DiagCode::WrongType, corr, "correlation must be a map (type, rules, group-by, timespan, condition)");
    return nullptr;
  }
  static const std::set<std::string> kKeys = {"type",      "rules",     "group-by", "timespan",
                                              "condition", "aliases",   "generate"};
  for (const auto &kv : corr)
    if (!kKeys.count(scalar(kv.first)))
      error(DiagCode::UnknownKey, kv.first,
            "unknown correlation key '" + scalar(kv.first) +
                "' (expected type, rules, group-by, timespan, condition, aliases, generate)");

  const bool typed = type(corr, *c);
  if (const YAML::Node rules = corr["rules"])
    stringList(rules, "rules", c->rules);
  else
    error(DiagCode::MissingKey, corr, "a correlation needs rules: the ids or names of the rules it correlates");
  if (const YAML::Node groupBy = corr["group-by"]) {
    std::vector<RuleRef> fields;
    c->groupByLoc = loc(groupBy);
    if (stringList(groupBy, "group-by", fields))
      for (RuleRef &f : fields)
        c->groupBy.push_back(std::move(f.text));
  }
  timespan(corr, *c);
  if (const YAML::Node aliasMap = corr["aliases"])
    aliases(aliasMap, *c);
  if (const YAML::Node generate = corr["generate"]) {
    const Scalar g = generate.IsScalar() ? typeYamlScalar(generate) : Scalar::makeNull();
    if (g.kind != Scalar::Bool)
      error(DiagCode::WrongType, generate, "generate must be true or false");
    c->generate = g.b;
  }

  const YAML::Node cond = corr["condition"];
  const bool temporal = c->type == Type::Temporal || c->type == Type::TemporalOrdered;
  if (cond) {
    condition(cond, *c);
  } else if (typed && !temporal) {
    error(DiagCode::MissingKey, corr, std::string("a ") + correlationTypeName(c->type) + " correlation needs a condition");
  } else {
    // The specification: temporal correlations match when all rules occur.
    c->condition.push_back({Cmp::Gte, static_cast<int64_t>(c->rules.size())});
  }
  if (typed && c->type == Type::ValueCount && c->valueField.empty() && cond)
    error(DiagCode::MissingKey, cond, "a value_count condition needs the field whose distinct values it counts");
  if (typed && c->type != Type::ValueCount && !c->valueField.empty())
    error(DiagCode::InvalidValue, cond["field"], "condition field is only for value_count correlations");
  if (typed && c->type == Type::TemporalOrdered && cond &&
      !(c->condition.size() == 1 && c->condition[0].cmp == Cmp::Gte &&
        c->condition[0].value == static_cast<int64_t>(c->rules.size())))
    error(DiagCode::Unsupported, cond,
          "a temporal_ordered condition other than all rules (gte: " + std::to_string(c->rules.size()) +
              ") is not supported");
  if (diags_.errorCount() != errorsBefore)
    return nullptr;
  return c;
}

std::string at(const SourceLocation &loc) { return "  @" + std::to_string(loc.line) + ":" + std::to_string(loc.column); }

} // namespace

bool looksLikeCorrelation(const YAML::Node &root) {
  return root.IsMap() && root["correlation"] && !root["AnalysisType"];
}

std::unique_ptr<Correlation> loadCorrelation(const YAML::Node &root, const std::string &file,
                                             DiagnosticEngine &diags) {
  return Loader(file, diags).load(root);
}

void dumpCorrelation(const Correlation &c, std::ostream &os) {
  os << "SigmaCorrelation \"" << c.id << "\" title=\"" << c.title << "\"";
  if (!c.name.empty())
    os << " name=" << c.name;
  if (!c.level.empty())
    os << " level=" << c.level;
  os << " file=" << (c.loc.file ? *c.loc.file : "") << "\n";
  os << "  type " << correlationTypeName(c.type) << " timespan " << formatSpan(c.timespanNanos)
     << (c.generate ? " generate" : "") << "\n";
  for (const RuleRef &r : c.rules)
    os << "  rule " << r.text << at(r.loc) << "\n";
  if (!c.groupBy.empty()) {
    os << "  group-by";
    for (const std::string &g : c.groupBy)
      os << " " << g;
    os << at(c.groupByLoc) << "\n";
  }
  os << "  condition";
  for (const CorrelationSpec::Bound &b : c.condition)
    os << " " << correlationCmpName(b.cmp) << " " << b.value;
  if (!c.valueField.empty())
    os << " field " << c.valueField;
  os << "\n";
  for (const FieldAlias &a : c.aliases) {
    os << "  alias " << a.name << at(a.loc) << "\n";
    for (const auto &[rule, field] : a.fieldByRule)
      os << "    " << rule << " -> " << field << "\n";
  }
}

} // namespace rulec::sigma
