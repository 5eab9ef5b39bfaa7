//===- PantherParser.cpp --------------------------------------------------===//
#include "panther/PantherParser.h"

#include "matching/IpAddress.h"
#include "support/YamlFile.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstring>
#include <map>
#include <set>

namespace rulec::panther {

namespace {

/// Operand forms a condition takes.
enum OperandBits : unsigned {
  kNone = 1, kValue = 2, kValues = 4, kKeys = 8, kExpressions = 16,
};

/// What a Value / Values item must be.
enum class ValueType { Any, String, Number, Network, Address };

struct ConditionSpelling {
  const char *name;
  ConditionKind kind;
  unsigned operands;
  ValueType valueType;
  bool inFilters; ///< allowed in InlineFilters (panther-analysis simple-detections guide)
};

constexpr unsigned kCompare = kValue | kKeys;

const ConditionSpelling kConditions[] = {
    {"Equals", ConditionKind::Equals, kCompare, ValueType::Any, true},
    {"DoesNotEqual", ConditionKind::DoesNotEqual, kCompare, ValueType::Any, true},
    {"IEquals", ConditionKind::IEquals, kCompare, ValueType::String, false},
    {"IDoesNotEqual", ConditionKind::IDoesNotEqual, kCompare, ValueType::String, false},
    {"Contains", ConditionKind::Contains, kCompare, ValueType::Any, true},
    {"DoesNotContain", ConditionKind::DoesNotContain, kCompare, ValueType::Any, true},
    {"IContains", ConditionKind::IContains, kCompare, ValueType::String, false},
    {"IDoesNotContain", ConditionKind::IDoesNotContain, kCompare, ValueType::String, false},
    {"StartsWith", ConditionKind::StartsWith, kCompare, ValueType::String, true},
    {"DoesNotStartWith", ConditionKind::DoesNotStartWith, kCompare, ValueType::String, false},
    {"IStartsWith", ConditionKind::IStartsWith, kCompare, ValueType::String, false},
    {"IDoesNotStartWith", ConditionKind::IDoesNotStartWith, kCompare, ValueType::String, false},
    {"EndsWith", ConditionKind::EndsWith, kCompare, ValueType::String, true},
    {"DoesNotEndWith", ConditionKind::DoesNotEndWith, kCompare, ValueType::String, false},
    {"IEndsWith", ConditionKind::IEndsWith, kCompare, ValueType::String, false},
    {"IDoesNotEndWith", ConditionKind::IDoesNotEndWith, kCompare, ValueType::String, false},
    {"IsGreaterThan", ConditionKind::IsGreaterThan, kCompare, ValueType::Number, true},
    {"IsGreaterThanOrEqual", ConditionKind::IsGreaterThanOrEqual, kCompare, ValueType::Number, true},
    {"IsGreaterThanOrEquals", ConditionKind::IsGreaterThanOrEqual, kCompare, ValueType::Number, true},
    {"IsLessThan", ConditionKind::IsLessThan, kCompare, ValueType::Number, true},
    {"IsLessThanOrEqual", ConditionKind::IsLessThanOrEqual, kCompare, ValueType::Number, true},
    {"IsLessThanOrEquals", ConditionKind::IsLessThanOrEqual, kCompare, ValueType::Number, true},
    {"IsIn", ConditionKind::IsIn, kValues, ValueType::Any, true},
    {"IsNotIn", ConditionKind::IsNotIn, kValues, ValueType::Any, true},
    {"Exists", ConditionKind::Exists, kNone, ValueType::Any, false},
    {"DoesNotExist", ConditionKind::DoesNotExist, kNone, ValueType::Any, false},
    {"IsNull", ConditionKind::IsNull, kNone, ValueType::Any, false},
    {"IsNotNull", ConditionKind::IsNotNull, kNone, ValueType::Any, false},
    {"IsNullOrEmpty", ConditionKind::IsNullOrEmpty, kNone, ValueType::Any, true},
    {"IsNotNullOrEmpty", ConditionKind::IsNotNullOrEmpty, kNone, ValueType::Any, true},
    {"IsIPAddress", ConditionKind::IsIPAddress, kNone, ValueType::Any, false},
    {"IsIPv4Address", ConditionKind::IsIPv4Address, kNone, ValueType::Any, false},
    {"IsIPv6Address", ConditionKind::IsIPv6Address, kNone, ValueType::Any, false},
    {"IsIPAddressPrivate", ConditionKind::IsIPAddressPrivate, kNone, ValueType::Any, true},
    {"IsIPAddressPublic", ConditionKind::IsIPAddressPublic, kNone, ValueType::Any, true},
    {"IsIPAddressInCIDR", ConditionKind::IsIPAddressInCIDR, kValue | kValues, ValueType::Network, true},
    {"IsIPAddressNotInCIDR", ConditionKind::IsIPAddressNotInCIDR, kValue | kValues, ValueType::Network, true},
    {"CIDRContainsIPAddresses", ConditionKind::CIDRContainsIPAddresses, kValue | kValues, ValueType::Address, true},
    {"CIDRDoesNotContainIPAddresses", ConditionKind::CIDRDoesNotContainIPAddresses, kValue | kValues, ValueType::Address, true},
    {"AnyElement", ConditionKind::AnyElement, kExpressions, ValueType::Any, false},
    {"AllElements", ConditionKind::AllElements, kExpressions, ValueType::Any, false},
    {"OnlyOneElement", ConditionKind::OnlyOneElement, kExpressions, ValueType::Any, false},
    {"NoElement", ConditionKind::NoElement, kExpressions, ValueType::Any, false},
    {"AlwaysTrue", ConditionKind::AlwaysTrue, kNone, ValueType::Any, false},
    {"AlwaysFalse", ConditionKind::AlwaysFalse, kNone, ValueType::Any, false},
};

/// Top-level keys that carry only metadata rulec keeps or ignores.
const std::set<std::string> kMetadataKeys = {
    "Description", "Runbook", "Reference", "Tags", "Reports", "SummaryAttributes", "OutputIds",
    "OnlyUseBaseRiskScore",
};

const std::set<std::string> kKnownKeys = {
    "AnalysisType", "RuleID", "DisplayName", "Severity", "LogTypes", "Detection", "Threshold",
    "DedupPeriodMinutes", "Enabled", "AlertTitle", "Tests", "AlertContext", "GroupBy",
    "DynamicSeverities", "InlineFilters", "CreateAlert",
};

const std::set<std::string> kSeverities = {"Info", "Low", "Medium", "High", "Critical"};

/// Where a match expression stands: each place allows different forms.
enum class Place { Detection, Filter, Elements };

class Parser {
public:
  Parser(std::shared_ptr<const std::string> file, DiagnosticEngine &diags)
      : file_(std::move(file)), diags_(diags) {}

  std::unique_ptr<Rule> parse(const YAML::Node &root);

private:
  SourceLocation loc(const YAML::Node &node) const {
    YAML::Mark m = node.Mark();
    if (m.is_null())
      return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void error(DiagCode code, const YAML::Node &node, std::string msg) {
    diags_.error(code, loc(node), std::move(msg));
  }
  void warning(DiagCode code, const YAML::Node &node, std::string msg) {
    diags_.warning(code, loc(node), std::move(msg));
  }

  bool getString(const YAML::Node &node, const char *what, std::string &out);
  bool getCount(const YAML::Node &node, const char *what, uint32_t &out);
  bool getBool(const YAML::Node &node, const char *what, bool &out);
  bool getSeverity(const YAML::Node &node, const char *what, std::string &out);
  bool checkKeys(const YAML::Node &map, const std::set<std::string> &allowed, const char *where);

  std::unique_ptr<MatchNode> parseList(const YAML::Node &list, MatchNode::Kind kind,
                                       const YAML::Node &owner, Place place, const char *what);
  std::unique_ptr<MatchNode> parseMatchExpr(const YAML::Node &node, Place place);
  std::unique_ptr<MatchNode> parseCondition(const YAML::Node &node, Place place);
  bool parseOperandScalars(const YAML::Node &node, const ConditionSpelling &c, MatchNode &out);
  bool checkScalar(const YAML::Node &node, const ConditionSpelling &c, Scalar &out);
  bool parseKeySpec(const YAML::Node &map, KeySpec &key, bool allowEnrichment, Place place);
  bool parseKeySpecNode(const YAML::Node &node, KeySpec &key);
  void parseTitle(const YAML::Node &node, Rule &rule);
  void parseTests(const YAML::Node &node, Rule &rule);
  void parseDynamicSeverities(const YAML::Node &node, Rule &rule);
  void lintAndedContains(const YAML::Node &conditions, const MatchNode &all);
  bool checkWildcardUse(const MatchNode &m, const YAML::Node &node);

  std::shared_ptr<const std::string> file_;
  DiagnosticEngine &diags_;
};

std::string scalarText(const YAML::Node &node) {
  return node.IsScalar() ? node.Scalar() : std::string("<non-scalar>");
}

bool Parser::getString(const YAML::Node &node, const char *what, std::string &out) {
  if (!node.IsScalar()) {
    error(DiagCode::WrongType, node, std::string(what) + " must be a string");
    return false;
  }
  out = node.Scalar();
  return true;
}

bool Parser::getCount(const YAML::Node &node, const char *what, uint32_t &out) {
  Scalar s = node.IsScalar() ? typeYamlScalar(node) : Scalar::makeNull();
  if (s.kind != Scalar::Int || s.i < 0 || s.i > UINT32_MAX) {
    error(DiagCode::InvalidValue, node,
          std::string(what) + " must be a whole number, got '" + scalarText(node) + "'");
    return false;
  }
  out = static_cast<uint32_t>(s.i);
  return true;
}

bool Parser::getBool(const YAML::Node &node, const char *what, bool &out) {
  Scalar s = node.IsScalar() ? typeYamlScalar(node) : Scalar::makeNull();
  if (s.kind != Scalar::Bool) {
    error(DiagCode::InvalidValue, node,
          std::string(what) + " must be true or false (YAML 1.2), got '" + scalarText(node) + "'");
    return false;
  }
  out = s.b;
  return true;
}

bool Parser::getSeverity(const YAML::Node &node, const char *what, std::string &out) {
  if (!getString(node, what, out))
    return false;
  if (kSeverities.count(out))
    return true;
  error(DiagCode::InvalidValue, node,
        std::string(what) + " '" + out + "' is not one of Info, Low, Medium, High, Critical");
  return false;
}

bool Parser::checkKeys(const YAML::Node &map, const std::set<std::string> &allowed,
                       const char *where) {
  bool ok = true;
  for (const auto &kv : map) {
    const std::string key = kv.first.Scalar();
    if (!allowed.count(key)) {
      error(DiagCode::UnknownKey, kv.first, "unknown key '" + key + "' in " + where);
      ok = false;
    }
  }
  return ok;
}

std::unique_ptr<Rule> Parser::parse(const YAML::Node &root) {
  unsigned errorsBefore = diags_.errorCount();
  if (!root.IsMap()) {
    error(DiagCode::WrongType, root, "a Panther rule file must be a YAML mapping");
    return nullptr;
  }
  auto rule = std::make_unique<Rule>();
  rule->loc = loc(root);

  for (const auto &kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "Filename")
      error(DiagCode::Unsupported, kv.first,
            "Python rules (Filename:) are not supported; rulec compiles simple detections "
            "(Detection:)");
    else if (key == "ScheduledQueries")
      error(DiagCode::Unsupported, kv.first, "scheduled rules (ScheduledQueries:) are not supported");
    else if (!kKnownKeys.count(key) && !kMetadataKeys.count(key))
      error(DiagCode::UnknownKey, kv.first, "unknown key '" + key + "' in Panther rule");
  }

  auto required = [&](const char *key) -> YAML::Node {
    YAML::Node n = root[key];
    if (!n)
      error(DiagCode::MissingKey, root, std::string("missing required key '") + key + "'");
    return n;
  };

  if (const YAML::Node t = required("AnalysisType")) {
    std::string type;
    if (getString(t, "AnalysisType", type) && type != "rule")
      error(DiagCode::Unsupported, t, "AnalysisType '" + type + "' is not supported; rulec compiles rules");
  }
  if (const YAML::Node id = required("RuleID"); id && getString(id, "RuleID", rule->id)) {
    if (rule->id.empty() || rule->id.find_first_of("<>&\"%") != std::string::npos)
      error(DiagCode::InvalidValue, id,
            "RuleID '" + rule->id + "' must be non-empty and contain none of <>&\"%");
  }
  if (const YAML::Node e = required("Enabled"))
    getBool(e, "Enabled", rule->enabled);
  if (const YAML::Node sev = required("Severity"))
    getSeverity(sev, "Severity", rule->severity);
  if (const YAML::Node lt = required("LogTypes")) {
    if (!lt.IsSequence() || lt.size() == 0)
      error(DiagCode::WrongType, lt, "LogTypes must be a non-empty list of log type names");
    else
      for (const YAML::Node &item : lt)
        if (std::string name; getString(item, "a LogTypes entry", name))
          rule->logTypes.push_back(name);
  }

  if (const YAML::Node n = root["DisplayName"])
    getString(n, "DisplayName", rule->displayName);
  if (const YAML::Node n = root["Description"])
    getString(n, "Description", rule->description);
  if (const YAML::Node n = root["Runbook"])
    getString(n, "Runbook", rule->runbook);
  if (const YAML::Node n = root["Reference"])
    getString(n, "Reference", rule->reference);
  if (const YAML::Node n = root["Threshold"]) {
    uint32_t v;
    if (getCount(n, "Threshold", v)) {
      if (v == 0)
        warning(DiagCode::InvalidValue, n, "Threshold 0 alerts on the first match, as Threshold 1");
      rule->threshold = v == 0 ? 1 : v;
    }
  }
  if (const YAML::Node n = root["DedupPeriodMinutes"]) {
    // panther_analysis_tool: 0 is ignored by the backend, below 5 counts as 5.
    uint32_t v;
    if (getCount(n, "DedupPeriodMinutes", v)) {
      if (v == 0)
        warning(DiagCode::InvalidValue, n, "DedupPeriodMinutes 0 is ignored; the default 60 applies");
      else if (v < 5)
        warning(DiagCode::InvalidValue, n, "DedupPeriodMinutes below 5 counts as 5, as in Panther");
      rule->dedupPeriodMinutes = v == 0 ? 60 : v < 5 ? 5 : v;
    }
  }
  if (const YAML::Node n = root["CreateAlert"])
    getBool(n, "CreateAlert", rule->createAlert);
  if (const YAML::Node tags = root["Tags"]) {
    if (!tags.IsSequence())
      error(DiagCode::WrongType, tags, "Tags must be a list of strings");
    else
      for (const YAML::Node &t : tags)
        if (std::string s; getString(t, "a Tags entry", s))
          rule->tags.push_back(s);
  }
  if (const YAML::Node title = root["AlertTitle"])
    parseTitle(title, *rule);

  if (const YAML::Node groupBy = root["GroupBy"]) {
    if (!groupBy.IsSequence() || groupBy.size() == 0)
      error(DiagCode::WrongType, groupBy, "GroupBy must be a non-empty list of key specifiers");
    else
      for (const YAML::Node &item : groupBy) {
        KeySpec key;
        if (parseKeySpecNode(item, key))
          rule->groupBy.push_back(std::move(key));
      }
  }
  if (const YAML::Node context = root["AlertContext"]) {
    if (!context.IsSequence())
      error(DiagCode::WrongType, context, "AlertContext must be a list of {KeyName, KeyValue}");
    else
      for (const YAML::Node &item : context) {
        if (!item.IsMap()) {
          error(DiagCode::WrongType, item, "an AlertContext entry must be {KeyName, KeyValue}");
          continue;
        }
        checkKeys(item, {"KeyName", "KeyValue"}, "an AlertContext entry");
        ContextItem c;
        const YAML::Node name = item["KeyName"], value = item["KeyValue"];
        if (!name || !value) {
          error(DiagCode::MissingKey, item, "an AlertContext entry needs KeyName and KeyValue");
          continue;
        }
        if (getString(name, "KeyName", c.name) && parseKeySpecNode(value, c.key))
          rule->alertContext.push_back(std::move(c));
      }
  }

  if (const YAML::Node filters = root["InlineFilters"])
    rule->inlineFilters = parseList(filters, MatchNode::All, root, Place::Filter, "InlineFilters");
  if (const YAML::Node det = root["Filename"] ? root["Detection"] : required("Detection"))
    rule->detection = parseList(det, MatchNode::All, root, Place::Detection, "Detection");
  if (const YAML::Node dyn = root["DynamicSeverities"])
    parseDynamicSeverities(dyn, *rule);
  if (const YAML::Node tests = root["Tests"])
    parseTests(tests, *rule);

  if (diags_.errorCount() != errorsBefore)
    return nullptr;
  return rule;
}

/// A list of match expressions, as one combinator node located at the list.
std::unique_ptr<MatchNode> Parser::parseList(const YAML::Node &list, MatchNode::Kind kind,
                                             const YAML::Node &owner, Place place,
                                             const char *what) {
  if (!list.IsSequence() || list.size() == 0) {
    error(DiagCode::WrongType, list.IsNull() ? owner : list,
          std::string(what) + " must be a non-empty list of match expressions");
    return nullptr;
  }
  auto out = std::make_unique<MatchNode>();
  out->kind = kind;
  out->loc = loc(list);
  bool ok = true;
  for (const YAML::Node &item : list) {
    if (auto child = parseMatchExpr(item, place))
      out->children.push_back(std::move(child));
    else
      ok = false;
  }
  return ok ? std::move(out) : nullptr;
}

std::unique_ptr<MatchNode> Parser::parseMatchExpr(const YAML::Node &node, Place place) {
  if (!node.IsMap()) {
    error(DiagCode::WrongType, node, "a match expression must be a mapping (a combinator or a condition)");
    return nullptr;
  }
  static const std::map<std::string, MatchNode::Kind> kCombinators = {
      {"All", MatchNode::All}, {"Any", MatchNode::Any},
      {"OnlyOne", MatchNode::OnlyOne}, {"None", MatchNode::None},
  };
  for (const auto &[name, kind] : kCombinators) {
    const YAML::Node list = node[name];
    if (!list)
      continue;
    if (node.size() != 1) {
      error(DiagCode::InvalidValue, node, "combinator '" + name + "' must be the only key of its mapping");
      return nullptr;
    }
    if (place == Place::Filter && (kind == MatchNode::OnlyOne || kind == MatchNode::None)) {
      error(DiagCode::InvalidValue, node.begin()->first,
            "combinator '" + name + "' is not allowed in InlineFilters (only All and Any)");
      return nullptr;
    }
    auto out = parseList(list, kind, node, place, name.c_str());
    if (out)
      out->loc = loc(node);
    return out;
  }
  return parseCondition(node, place);
}

bool Parser::parseKeySpecNode(const YAML::Node &node, KeySpec &key) {
  if (!node.IsMap()) {
    error(DiagCode::WrongType, node, "a key specifier must be a mapping: Key, KeyPath or DeepKey");
    return false;
  }
  if (!checkKeys(node, {"Key", "KeyPath", "DeepKey"}, "a key specifier"))
    return false;
  if (!parseKeySpec(node, key, false, Place::Detection))
    return false;
  if (key.hasWildcard()) {
    error(DiagCode::Unsupported, node, "a [*] wildcard is not supported here (GroupBy, AlertContext, key-to-key)");
    return false;
  }
  return true;
}

bool Parser::parseKeySpec(const YAML::Node &map, KeySpec &key, bool allowEnrichment, Place place) {
  const YAML::Node k = map["Key"], kp = map["KeyPath"], dk = map["DeepKey"], en = map["Enrichment"];
  const int forms = !!k + !!kp + !!dk + !!en;
  if (forms != 1) {
    error(forms ? DiagCode::InvalidValue : DiagCode::MissingKey, map,
          forms ? "a match expression names its field once: one of Key, KeyPath, DeepKey, Enrichment"
                : "a condition needs a field: Key, KeyPath, DeepKey or Enrichment");
    return false;
  }
  if (place == Place::Filter && !kp && !en) {
    error(DiagCode::InvalidValue, k ? k : dk,
          "InlineFilters name fields with KeyPath or Enrichment, not Key or DeepKey");
    return false;
  }
  if (k) {
    key.form = KeySpec::Key;
    key.loc = loc(k);
    if (!getString(k, "Key", key.text))
      return false;
    key.path = {PathStep::makeKey(key.text)}; // a top-level field; a dot is part of the name
    if (key.text.find('.') != std::string::npos)
      warning(DiagCode::SuspiciousKey, k,
              "Key '" + key.text + "' names one top-level field whose name contains a dot; use KeyPath for "
              "a nested field");
    return true;
  }
  if (kp) {
    key.form = KeySpec::KeyPath;
    key.loc = loc(kp);
    if (!getString(kp, "KeyPath", key.text))
      return false;
    std::string why;
    if (!parseKeyPath(key.text, key.path, why)) {
      error(DiagCode::BadKeyPath, kp, "bad KeyPath '" + key.text + "': " + why);
      return false;
    }
    return true;
  }
  if (en) {
    key.form = KeySpec::Enrichment;
    key.loc = loc(en);
    if (!allowEnrichment) {
      error(DiagCode::InvalidValue, en, "Enrichment is not allowed here");
      return false;
    }
    if (!en.IsMap() || !checkKeys(en, {"Table", "Selector", "FieldPath"}, "Enrichment")) {
      if (!en.IsMap())
        error(DiagCode::WrongType, en, "Enrichment must be {Table, Selector, FieldPath}");
      return false;
    }
    std::string table, selector, fieldPath;
    const YAML::Node t = en["Table"], s = en["Selector"], f = en["FieldPath"];
    if (!t || !s || !f) {
      error(DiagCode::MissingKey, en, "Enrichment needs Table, Selector and FieldPath");
      return false;
    }
    if (!getString(t, "Table", table) || !getString(s, "Selector", selector) ||
        !getString(f, "FieldPath", fieldPath))
      return false;
    std::vector<PathStep> rest;
    std::string why;
    if (!parseKeyPath(fieldPath, rest, why)) {
      error(DiagCode::BadKeyPath, f, "bad FieldPath '" + fieldPath + "': " + why);
      return false;
    }
    key.text = "p_enrichment." + table + "." + selector + "." + fieldPath;
    key.path = {PathStep::makeKey("p_enrichment"), PathStep::makeKey(table), PathStep::makeKey(selector)};
    key.path.insert(key.path.end(), rest.begin(), rest.end());
    return true;
  }
  key.form = KeySpec::DeepKey;
  key.loc = loc(dk);
  if (!dk.IsSequence() || dk.size() == 0) {
    error(DiagCode::WrongType, dk, "DeepKey must be a non-empty list of keys and indexes");
    return false;
  }
  for (const YAML::Node &item : dk) {
    Scalar s = item.IsScalar() ? typeYamlScalar(item) : Scalar::makeNull();
    if (s.kind == Scalar::String) {
      key.path.push_back(PathStep::makeKey(s.s));
      key.text += (key.text.empty() ? "" : ".") + s.s;
    } else if (s.kind == Scalar::Int && place != Place::Elements && !key.path.empty()) {
      key.path.push_back(PathStep::makeIndex(s.i));
      key.text += "[" + std::to_string(s.i) + "]";
    } else {
      error(DiagCode::WrongType, item,
            place == Place::Elements ? "a DeepKey entry inside Expressions must be a key (a string)"
                                     : "a DeepKey entry must be a key (a string) or, after the first, an "
                                       "index (an integer)");
      return false;
    }
  }
  return true;
}

bool Parser::checkScalar(const YAML::Node &node, const ConditionSpelling &c, Scalar &out) {
  if (!node.IsScalar() || node.IsNull()) {
    error(DiagCode::WrongType, node,
          std::string("a value of '") + c.name + "' must be a string, number or boolean");
    return false;
  }
  out = typeYamlScalar(node);
  if (out.kind == Scalar::Null) {
    error(DiagCode::WrongType, node,
          std::string("a value of '") + c.name + "' must be a string, number or boolean, not null");
    return false;
  }
  const bool isNumber = out.kind == Scalar::Int || out.kind == Scalar::Double;
  switch (c.valueType) {
  case ValueType::Any:
    return true;
  case ValueType::Number:
    if (isNumber)
      return true;
    error(DiagCode::WrongType, node, std::string("'") + c.name + "' compares numbers; the value " + out.repr() +
                                         " is not a number");
    return false;
  case ValueType::String:
    if (out.kind == Scalar::String)
      return true;
    error(DiagCode::WrongType, node,
          std::string("'") + c.name + "' compares strings; the value " + out.repr() + " is not a string");
    return false;
  case ValueType::Network: {
    IpNetwork net;
    if (out.kind == Scalar::String && parseIpNetwork(out.s, net, false))
      return true;
    error(DiagCode::InvalidValue, node, "'" + node.Scalar() + "' is not an IP network (a.b.c.d/n or an IPv6 CIDR)");
    return false;
  }
  case ValueType::Address: {
    IpAddress ip;
    if (out.kind == Scalar::String && parseIpAddress(out.s, ip))
      return true;
    error(DiagCode::InvalidValue, node, "'" + node.Scalar() + "' is not an IP address");
    return false;
  }
  }
  return true;
}

std::unique_ptr<MatchNode> Parser::parseCondition(const YAML::Node &node, Place place) {
  auto out = std::make_unique<MatchNode>();
  out->kind = MatchNode::Match;
  out->loc = loc(node);
  if (!checkKeys(node, {"Key", "KeyPath", "DeepKey", "Enrichment", "Condition", "Value", "Values", "Expressions"},
                 "a match expression"))
    return nullptr;

  const YAML::Node cond = node["Condition"];
  if (!cond) {
    error(DiagCode::MissingKey, node, "missing 'Condition' in a match expression");
    return nullptr;
  }
  std::string name;
  if (!getString(cond, "Condition", name))
    return nullptr;
  out->conditionLoc = loc(cond);
  const ConditionSpelling *c = nullptr;
  for (const ConditionSpelling &s : kConditions)
    if (name == s.name)
      c = &s;
  if (!c) {
    error(DiagCode::UnknownCondition, cond, "unknown Condition '" + name + "'");
    return nullptr;
  }
  out->condition = c->kind;
  if (place == Place::Filter && !c->inFilters) {
    error(DiagCode::InvalidValue, cond, "Condition '" + name + "' is not allowed in InlineFilters");
    return nullptr;
  }

  const YAML::Node value = node["Value"], values = node["Values"], exprs = node["Expressions"];
  const bool isAbsolute = c->kind == ConditionKind::AlwaysTrue || c->kind == ConditionKind::AlwaysFalse;
  const bool keyToKey = values && values.IsSequence() && values.size() > 0 && values[0].IsMap();
  const bool named = node["Key"] || node["KeyPath"] || node["DeepKey"] || node["Enrichment"];

  if (isAbsolute) {
    if (place == Place::Filter) {
      error(DiagCode::InvalidValue, cond, "Condition '" + name + "' is not allowed in InlineFilters");
      return nullptr;
    }
    if (named || value || values || exprs) {
      error(DiagCode::InvalidValue, node, "Condition '" + name + "' takes no key and no operand");
      return nullptr;
    }
    return out;
  }

  if (keyToKey) {
    if (!(c->operands & kKeys)) {
      error(DiagCode::InvalidValue, values, "Condition '" + name + "' cannot compare two keys");
      return nullptr;
    }
    if (place == Place::Filter) {
      error(DiagCode::InvalidValue, values, "key-to-key comparisons are not allowed in InlineFilters");
      return nullptr;
    }
    if (named) {
      error(DiagCode::InvalidValue, node, "a key-to-key comparison names its two keys in Values, and no other key");
      return nullptr;
    }
    if (values.size() != 2) {
      error(DiagCode::InvalidValue, values, "a key-to-key comparison takes exactly two key specifiers");
      return nullptr;
    }
    out->operand = MatchNode::Keys;
    out->operandLoc = loc(values);
    if (!parseKeySpecNode(values[0], out->keys[0]) || !parseKeySpecNode(values[1], out->keys[1]))
      return nullptr;
    return out;
  }

  out->hasKey = true;
  if (!parseKeySpec(node, out->key, true, place))
    return nullptr;
  if (out->key.hasWildcard() && !checkWildcardUse(*out, node))
    return nullptr;
  if (out->key.form == KeySpec::Enrichment && !value && !values) {
    error(DiagCode::InvalidValue, node, "an Enrichment condition needs a Value or Values");
    return nullptr;
  }

  const int operands = !!value + !!values + !!exprs;
  if (operands > 1) {
    error(DiagCode::InvalidValue, node, "a match expression takes one of Value, Values, Expressions");
    return nullptr;
  }
  if (exprs) {
    if (!(c->operands & kExpressions)) {
      error(DiagCode::InvalidValue, exprs, "Condition '" + name + "' takes no Expressions");
      return nullptr;
    }
    if (out->key.form == KeySpec::Enrichment) {
      error(DiagCode::InvalidValue, node, "list conditions name their list with Key, KeyPath or DeepKey");
      return nullptr;
    }
    out->operand = MatchNode::Expressions;
    out->operandLoc = loc(exprs);
    auto list = parseList(exprs, MatchNode::All, node, Place::Elements, "Expressions");
    if (!list)
      return nullptr;
    out->children = std::move(list->children);
    return out;
  }
  if (c->operands & kExpressions) {
    error(DiagCode::MissingKey, node, "Condition '" + name + "' needs Expressions");
    return nullptr;
  }
  if (value) {
    if (!(c->operands & kValue)) {
      if ((c->operands & kNone) && value.IsScalar() && typeYamlScalar(value).kind == Scalar::Bool) {
        // Older rules write `Condition: IsIPAddressPrivate` with `Value: true|false`.
        warning(DiagCode::Deprecated, value,
                "Condition '" + name + "' takes no Value; 'Value: false' negates it (an old form)");
        out->operand = MatchNode::Value;
        out->value = typeYamlScalar(value);
        out->operandLoc = loc(value);
        return out;
      }
      error(DiagCode::InvalidValue, value,
            "Condition '" + name + "' takes " + ((c->operands & kValues) ? "Values (a list)" : "no Value"));
      return nullptr;
    }
    out->operand = MatchNode::Value;
    out->operandLoc = loc(value);
    if (!checkScalar(value, *c, out->value))
      return nullptr;
    return out;
  }
  if (values) {
    if (!(c->operands & kValues)) {
      error(DiagCode::InvalidValue, values,
            "Condition '" + name + "' takes " + ((c->operands & kValue) ? "one Value" : "no Values"));
      return nullptr;
    }
    if (!values.IsSequence()) {
      error(DiagCode::WrongType, values, "Values must be a list");
      return nullptr;
    }
    out->operand = MatchNode::Values;
    out->operandLoc = loc(values);
    int kinds = 0; // bit 0 number, 1 string, 2 bool: the schema wants one kind
    for (const YAML::Node &item : values) {
      Scalar s;
      if (!checkScalar(item, *c, s))
        return nullptr;
      kinds |= (s.kind == Scalar::String) ? 2 : (s.kind == Scalar::Bool) ? 4 : 1;
      out->values.push_back(std::move(s));
    }
    if (kinds != 0 && (kinds & (kinds - 1)) != 0) {
      error(DiagCode::WrongType, values, "Values must all be numbers, all strings, or all booleans");
      return nullptr;
    }
    return out;
  }
  if (!(c->operands & kNone)) {
    error(DiagCode::MissingKey, node,
          "Condition '" + name + "' needs " + ((c->operands & kValue) ? "a Value" : "Values"));
    return nullptr;
  }
  return out;
}

/// A [*] path stands for the list of values it fans out to (docs/panther.md):
/// membership, presence and list conditions apply to it; scalar comparisons
/// never hold, which is worth a warning.
bool Parser::checkWildcardUse(const MatchNode &m, const YAML::Node &node) {
  int wildcards = 0;
  for (const PathStep &s : m.key.path)
    wildcards += s.isWildcard;
  switch (m.condition) {
  case ConditionKind::OnlyOneElement:
    if (wildcards > 1) {
      error(DiagCode::Unsupported, node["Condition"],
            "OnlyOneElement over a path with more than one [*] is not supported");
      return false;
    }
    return true;
  case ConditionKind::Contains: case ConditionKind::DoesNotContain:
  case ConditionKind::IContains: case ConditionKind::IDoesNotContain:
  case ConditionKind::Exists: case ConditionKind::DoesNotExist:
  case ConditionKind::IsNull: case ConditionKind::IsNotNull:
  case ConditionKind::IsNullOrEmpty: case ConditionKind::IsNotNullOrEmpty:
  case ConditionKind::AnyElement: case ConditionKind::AllElements: case ConditionKind::NoElement:
    return true;
  default:
    warning(DiagCode::ListComparison, node["Condition"],
            std::string("'") + conditionName(m.condition) + "' on the [*] path '" + m.key.text +
                "' compares the whole list of values, so it never holds (its negation always does); "
                "use Contains for membership or AnyElement to test each value");
    return true;
  }
}

void Parser::parseTitle(const YAML::Node &node, Rule &rule) {
  if (!getString(node, "AlertTitle", rule.alertTitle))
    return;
  rule.alertTitleLoc = loc(node);
  const std::string &t = rule.alertTitle;
  std::string literal;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '}') {
      error(DiagCode::BadTemplate, node, "unmatched '}' in AlertTitle \"" + t + "\"");
      return;
    }
    if (t[i] != '{') {
      literal += t[i];
      continue;
    }
    size_t close = t.find('}', i);
    if (close == std::string::npos) {
      error(DiagCode::BadTemplate, node, "unterminated '{' in AlertTitle \"" + t + "\"");
      return;
    }
    if (!literal.empty())
      rule.titleParts.push_back({false, literal, {}});
    literal.clear();
    TemplatePart field;
    field.isField = true;
    field.text = t.substr(i + 1, close - i - 1);
    std::string why;
    if (!parseKeyPath(field.text, field.path, why)) {
      error(DiagCode::BadTemplate, node, "bad placeholder '{" + field.text + "}' in AlertTitle: " + why);
      return;
    }
    for (const PathStep &s : field.path)
      if (s.isWildcard) {
        error(DiagCode::Unsupported, node, "a [*] wildcard in an AlertTitle placeholder is not supported");
        return;
      }
    rule.titleParts.push_back(std::move(field));
    i = close;
  }
  if (!literal.empty())
    rule.titleParts.push_back({false, literal, {}});
}

void Parser::parseDynamicSeverities(const YAML::Node &node, Rule &rule) {
  if (!node.IsSequence()) {
    error(DiagCode::WrongType, node, "DynamicSeverities must be a list of {ChangeTo, Conditions}");
    return;
  }
  for (const YAML::Node &item : node) {
    if (!item.IsMap()) {
      error(DiagCode::WrongType, item, "a DynamicSeverities entry must be {ChangeTo, Conditions}");
      continue;
    }
    if (!checkKeys(item, {"ChangeTo", "Conditions"}, "a DynamicSeverities entry"))
      continue;
    DynamicSeverity d;
    d.loc = loc(item);
    const YAML::Node to = item["ChangeTo"], conditions = item["Conditions"];
    if (!to || !conditions) {
      error(DiagCode::MissingKey, item, "a DynamicSeverities entry needs ChangeTo and Conditions");
      continue;
    }
    if (!getSeverity(to, "ChangeTo", d.changeTo))
      continue;
    d.conditions = parseList(conditions, MatchNode::All, item, Place::Detection, "Conditions");
    if (!d.conditions)
      continue;
    lintAndedContains(conditions, *d.conditions);
    rule.dynamicSeverities.push_back(std::move(d));
  }
}

/// Several Contains-like conditions on one field ANDed in a Conditions list
/// are almost always meant as alternatives (the public rule
/// Netskope.AdminUserChange has three); say so where it happens.
void Parser::lintAndedContains(const YAML::Node &conditions, const MatchNode &all) {
  std::map<std::string, int> perField;
  for (const auto &child : all.children)
    if (child->kind == MatchNode::Match && child->hasKey &&
        (child->condition == ConditionKind::Contains || child->condition == ConditionKind::IContains ||
         child->condition == ConditionKind::StartsWith || child->condition == ConditionKind::IStartsWith ||
         child->condition == ConditionKind::Equals || child->condition == ConditionKind::IEquals))
      ++perField[child->key.text];
  for (const auto &[field, count] : perField)
    if (count > 1)
      warning(DiagCode::SuspiciousLogic, conditions,
              std::to_string(count) + " conditions on '" + field +
                  "' are ANDed here (a Conditions list is an implicit All); if any one should apply, wrap "
                  "them in Any");
}

void Parser::parseTests(const YAML::Node &node, Rule &rule) {
  if (!node.IsSequence()) {
    error(DiagCode::WrongType, node, "Tests must be a list of tests");
    return;
  }
  for (const YAML::Node &t : node) {
    if (!t.IsMap()) {
      error(DiagCode::WrongType, t, "a test must be a mapping with Name, ExpectedResult and Log");
      continue;
    }
    RuleTest test;
    test.loc = loc(t);
    checkKeys(t, {"Name", "ExpectedResult", "Log", "LogType", "Mocks", "ExpectedTitle", "ExpectedDedup",
                  "ExpectedSeverity"},
              "a test");
    auto expectation = [&](const char *key, std::optional<std::string> &out) {
      std::string value;
      if (const YAML::Node n = t[key]; n && getString(n, key, value))
        out = value;
    };
    expectation("ExpectedTitle", test.expectedTitle);
    expectation("ExpectedDedup", test.expectedDedup);
    expectation("ExpectedSeverity", test.expectedSeverity);
    if (test.expectedSeverity && !kSeverities.count(*test.expectedSeverity))
      error(DiagCode::InvalidValue, t["ExpectedSeverity"],
            "ExpectedSeverity '" + *test.expectedSeverity + "' is not one of Info, Low, Medium, High, Critical");
    const YAML::Node name = t["Name"], expected = t["ExpectedResult"], log = t["Log"];
    if (!name)
      error(DiagCode::MissingKey, t, "a test needs a 'Name'");
    else
      getString(name, "a test Name", test.name);
    if (!expected)
      error(DiagCode::MissingKey, t, "test '" + test.name + "' needs 'ExpectedResult'");
    else
      getBool(expected, "ExpectedResult", test.expectedResult);
    if (const YAML::Node lt = t["LogType"])
      getString(lt, "LogType", test.logType);
    if (!log)
      error(DiagCode::MissingKey, t, "test '" + test.name + "' needs a 'Log'");
    else if (!log.IsMap())
      error(DiagCode::WrongType, log, "the Log of test '" + test.name + "' must be a mapping");
    else
      test.logJson = yamlToJson(log);
    rule.tests.push_back(std::move(test));
  }
}

} // namespace

bool parseKeyPath(const std::string &text, std::vector<PathStep> &steps, std::string &error) {
  steps.clear();
  // Any printable character but the path syntax itself and brackets or quotes,
  // which in a key are almost always a typo (`{event.severity)}`).
  auto isKeyChar = [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u != 0x7f && !std::strchr(".[]{}()\"'*\\", c)) || u >= 0x80;
  };
  if (text.empty()) {
    error = "empty path";
    return false;
  }
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string::npos) {
        error = "unterminated '['";
        return false;
      }
      if (steps.empty()) {
        error = "a path cannot start with an index";
        return false;
      }
      std::string inner = text.substr(i + 1, close - i - 1);
      if (inner == "*") {
        steps.push_back(PathStep::makeWildcard());
      } else {
        Scalar idx = typePlainScalar(inner);
        if (idx.kind != Scalar::Int || inner.find_first_not_of("-0123456789") != std::string::npos) {
          error = "'[" + inner + "]' is not an array index or [*]";
          return false;
        }
        steps.push_back(PathStep::makeIndex(idx.i));
      }
      i = close + 1;
      if (i < text.size() && text[i] != '.' && text[i] != '[') {
        error = "expected '.' or '[' after ']'";
        return false;
      }
      if (i < text.size() && text[i] == '.' && ++i == text.size()) {
        error = "path ends with '.'";
        return false;
      }
      continue;
    }
    size_t start = i;
    while (i < text.size() && isKeyChar(text[i]))
      ++i;
    if (i == start) {
      error = std::string("unexpected character '") + text[i] + "'";
      return false;
    }
    steps.push_back(PathStep::makeKey(text.substr(start, i - start)));
    if (i < text.size()) {
      if (text[i] == '.') {
        if (++i == text.size()) {
          error = "path ends with '.'";
          return false;
        }
      } else if (text[i] != '[') {
        error = std::string("unexpected character '") + text[i] + "'";
        return false;
      }
    }
  }
  return true;
}

std::unique_ptr<Rule> parseRule(const YAML::Node &root, const std::string &fileName, DiagnosticEngine &diags) {
  try {
    return Parser(std::make_shared<const std::string>(fileName), diags).parse(root);
  } catch (const YAML::Exception &e) {
    reportYamlException(e, fileName, diags);
    return nullptr;
  }
}


std::unique_ptr<Rule> parseRuleText(const std::string &text, const std::string &fileName,
                                    DiagnosticEngine &diags) {
  YAML::Node root;
  return loadYamlText(text, fileName, root, diags) ? parseRule(root, fileName, diags) : nullptr;
}

} // namespace rulec::panther
