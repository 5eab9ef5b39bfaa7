//===- PantherParser.cpp --------------------------------------------------===//
#include "PantherParser.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace rulec::panther {

namespace {

struct ConditionSpelling {
  const char *name;
  ConditionKind kind;
  bool takesValue;
};

const ConditionSpelling kConditions[] = {
    {"Equals", ConditionKind::Equals, true},
    {"DoesNotEqual", ConditionKind::DoesNotEqual, true},
    {"IEquals", ConditionKind::IEquals, true},
    {"IDoesNotEqual", ConditionKind::IDoesNotEqual, true},
    {"Exists", ConditionKind::Exists, false},
    {"DoesNotExist", ConditionKind::DoesNotExist, false},
    {"IsNull", ConditionKind::IsNull, false},
    {"IsNotNull", ConditionKind::IsNotNull, false},
    {"AlwaysTrue", ConditionKind::AlwaysTrue, false},
    {"AlwaysFalse", ConditionKind::AlwaysFalse, false},
};

/// Conditions of Panther's language that rulec does not compile yet: named so
/// that a rule using one gets "not supported yet", not "unknown".
const std::set<std::string> kPendingConditions = {
    "Contains", "DoesNotContain", "IContains", "IDoesNotContain", "StartsWith", "EndsWith",
    "DoesNotStartWith", "DoesNotEndWith", "IStartsWith", "IEndsWith", "IDoesNotStartWith",
    "IDoesNotEndWith", "IsGreaterThan", "IsGreaterThanOrEqual", "IsGreaterThanOrEquals",
    "IsLessThan", "IsLessThanOrEqual", "IsLessThanOrEquals", "IsIn", "IsNotIn",
    "IsNullOrEmpty", "IsNotNullOrEmpty", "IsIPAddress", "IsIPv4Address", "IsIPv6Address",
    "IsIPAddressPrivate", "IsIPAddressPublic", "IsIPAddressInCIDR", "IsIPAddressNotInCIDR",
    "CIDRContainsIPAddresses", "CIDRDoesNotContainIPAddresses", "AnyElement", "AllElements",
    "OnlyOneElement", "NoElement",
};

/// Top-level keys that carry only metadata rulec keeps or ignores.
const std::set<std::string> kMetadataKeys = {
    "AnalysisType", "RuleID", "DisplayName", "Severity", "LogTypes", "Detection", "Threshold",
    "DedupPeriodMinutes", "Enabled", "AlertTitle", "Description", "Runbook", "Reference",
    "Tags", "Reports", "Tests", "SummaryAttributes", "OutputIds", "AlertContext",
};

/// Keys of Panther's schema that change what a rule does and are not compiled
/// yet: silently ignoring them would change verdicts, so they are errors.
const std::set<std::string> kPendingKeys = {
    "InlineFilters", "GroupBy", "DynamicSeverities", "CreateAlert", "ScheduledQueries",
};

const std::set<std::string> kSeverities = {"Info", "Low", "Medium", "High", "Critical"};

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

  bool getString(const YAML::Node &node, const char *what, std::string &out);
  bool getPositiveInt(const YAML::Node &node, const char *what, uint32_t &out);
  bool getBool(const YAML::Node &node, const char *what, bool &out);
  std::unique_ptr<DetectionNode> parseDetection(const YAML::Node &node);
  std::unique_ptr<DetectionNode> parseMatch(const YAML::Node &node);
  bool parseKeySpec(const YAML::Node &map, KeySpec &key);
  void parseTitle(const YAML::Node &node, Rule &rule);
  void parseTests(const YAML::Node &node, Rule &rule);

  std::shared_ptr<const std::string> file_;
  DiagnosticEngine &diags_;
};

bool Parser::getString(const YAML::Node &node, const char *what, std::string &out) {
  if (!node.IsScalar()) {
    error(DiagCode::WrongType, node, std::string(what) + " must be a string");
    return false;
  }
  out = node.Scalar();
  return true;
}

bool Parser::getPositiveInt(const YAML::Node &node, const char *what, uint32_t &out) {
  Scalar s = node.IsScalar() ? typeYamlScalar(node) : Scalar::makeNull();
  if (s.kind != Scalar::Int || s.i < 1 || s.i > UINT32_MAX) {
    error(DiagCode::InvalidValue, node,
          std::string(what) + " must be a positive integer, got '" +
              (node.IsScalar() ? node.Scalar() : std::string("<non-scalar>")) + "'");
    return false;
  }
  out = static_cast<uint32_t>(s.i);
  return true;
}

bool Parser::getBool(const YAML::Node &node, const char *what, bool &out) {
  Scalar s = node.IsScalar() ? typeYamlScalar(node) : Scalar::makeNull();
  if (s.kind != Scalar::Bool) {
    error(DiagCode::InvalidValue, node,
          std::string(what) + " must be true or false (YAML 1.2), got '" +
              (node.IsScalar() ? node.Scalar() : std::string("<non-scalar>")) + "'");
    return false;
  }
  out = s.b;
  return true;
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
    if (key == "Filename") {
      error(DiagCode::Unsupported, kv.first,
            "Python rules (Filename:) are not supported; rulec compiles simple detections "
            "(Detection:)");
    } else if (kPendingKeys.count(key)) {
      error(DiagCode::Unsupported, kv.first, "'" + key + "' is not supported yet");
    } else if (!kMetadataKeys.count(key)) {
      error(DiagCode::UnknownKey, kv.first, "unknown key '" + key + "' in Panther rule");
    }
  }

  const YAML::Node analysisType = root["AnalysisType"];
  if (!analysisType) {
    error(DiagCode::MissingKey, root, "missing required key 'AnalysisType'");
  } else if (std::string t; getString(analysisType, "AnalysisType", t) && t != "rule") {
    error(DiagCode::Unsupported, analysisType,
          "AnalysisType '" + t + "' is not supported; rulec compiles rules");
  }

  if (const YAML::Node id = root["RuleID"]; !id) {
    error(DiagCode::MissingKey, root, "missing required key 'RuleID'");
  } else if (getString(id, "RuleID", rule->id)) {
    if (rule->id.empty() || rule->id.find_first_of("<>&\"%") != std::string::npos)
      error(DiagCode::InvalidValue, id,
            "RuleID '" + rule->id + "' must be non-empty and contain none of <>&\"%");
  }

  if (const YAML::Node sev = root["Severity"]; !sev) {
    error(DiagCode::MissingKey, root, "missing required key 'Severity'");
  } else if (getString(sev, "Severity", rule->severity) && !kSeverities.count(rule->severity)) {
    error(DiagCode::InvalidValue, sev,
          "Severity '" + rule->severity + "' is not one of Info, Low, Medium, High, Critical");
  }

  if (const YAML::Node lt = root["LogTypes"]; !lt) {
    error(DiagCode::MissingKey, root, "missing required key 'LogTypes'");
  } else if (!lt.IsSequence() || lt.size() == 0) {
    error(DiagCode::WrongType, lt, "LogTypes must be a non-empty list of log type names");
  } else {
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
  if (const YAML::Node n = root["Threshold"])
    getPositiveInt(n, "Threshold", rule->threshold);
  if (const YAML::Node n = root["DedupPeriodMinutes"])
    getPositiveInt(n, "DedupPeriodMinutes", rule->dedupPeriodMinutes);
  if (const YAML::Node n = root["Enabled"])
    getBool(n, "Enabled", rule->enabled);
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

  if (const YAML::Node det = root["Detection"]; !det) {
    if (!root["Filename"])
      error(DiagCode::MissingKey, root, "missing required key 'Detection'");
  } else if (!det.IsSequence() || det.size() == 0) {
    error(DiagCode::WrongType, det, "Detection must be a non-empty list of conditions");
  } else {
    auto all = std::make_unique<DetectionNode>();
    all->kind = DetectionNode::All;
    all->loc = loc(det);
    for (const YAML::Node &item : det)
      if (auto child = parseDetection(item))
        all->children.push_back(std::move(child));
    rule->detection = std::move(all);
  }

  if (const YAML::Node tests = root["Tests"])
    parseTests(tests, *rule);

  if (diags_.errorCount() != errorsBefore)
    return nullptr;
  return rule;
}

std::unique_ptr<DetectionNode> Parser::parseDetection(const YAML::Node &node) {
  if (!node.IsMap()) {
    error(DiagCode::WrongType, node,
          "a detection entry must be a mapping (a combinator or a condition)");
    return nullptr;
  }
  static const std::map<std::string, DetectionNode::Kind> kCombinators = {
      {"All", DetectionNode::All},
      {"Any", DetectionNode::Any},
      {"OnlyOne", DetectionNode::OnlyOne},
      {"None", DetectionNode::None},
  };
  for (const auto &[name, kind] : kCombinators) {
    const YAML::Node list = node[name];
    if (!list)
      continue;
    if (node.size() != 1) {
      error(DiagCode::InvalidValue, node,
            "combinator '" + name + "' must be the only key of its mapping");
      return nullptr;
    }
    if (!list.IsSequence() || list.size() == 0) {
      error(DiagCode::WrongType, list, "'" + name + "' must be a non-empty list of conditions");
      return nullptr;
    }
    auto out = std::make_unique<DetectionNode>();
    out->kind = kind;
    out->loc = loc(node);
    bool ok = true;
    for (const YAML::Node &item : list) {
      if (auto child = parseDetection(item))
        out->children.push_back(std::move(child));
      else
        ok = false;
    }
    return ok ? std::move(out) : nullptr;
  }
  return parseMatch(node);
}

bool Parser::parseKeySpec(const YAML::Node &map, KeySpec &key) {
  const YAML::Node k = map["Key"], kp = map["KeyPath"], dk = map["DeepKey"];
  int forms = !!k + !!kp + !!dk;
  if (forms != 1) {
    error(forms ? DiagCode::InvalidValue : DiagCode::MissingKey, map,
          forms ? "a condition names its field once: use one of Key, KeyPath, DeepKey"
                : "a condition needs a field: Key, KeyPath or DeepKey");
    return false;
  }
  if (k) {
    key.form = KeySpec::Key;
    key.loc = loc(k);
    if (!getString(k, "Key", key.text))
      return false;
    PathStep step;
    step.key = key.text; // a top-level field; a dot is part of the name
    key.path = {step};
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
  key.form = KeySpec::DeepKey;
  key.loc = loc(dk);
  if (!dk.IsSequence() || dk.size() == 0) {
    error(DiagCode::WrongType, dk, "DeepKey must be a non-empty list of keys and indexes");
    return false;
  }
  for (const YAML::Node &item : dk) {
    Scalar s = item.IsScalar() ? typeYamlScalar(item) : Scalar::makeNull();
    PathStep step;
    if (s.kind == Scalar::Int) {
      step.isIndex = true;
      step.index = s.i;
      key.text += "[" + std::to_string(s.i) + "]";
    } else if (s.kind == Scalar::String) {
      step.key = s.s;
      key.text += (key.text.empty() ? "" : ".") + s.s;
    } else {
      error(DiagCode::WrongType, item, "a DeepKey entry must be a key (string) or an index (int)");
      return false;
    }
    key.path.push_back(step);
  }
  return true;
}

std::unique_ptr<DetectionNode> Parser::parseMatch(const YAML::Node &node) {
  auto out = std::make_unique<DetectionNode>();
  out->kind = DetectionNode::Match;
  out->loc = loc(node);

  static const std::set<std::string> kMatchKeys = {"Key", "KeyPath", "DeepKey", "Condition",
                                                   "Value", "Values"};
  for (const auto &kv : node) {
    const std::string key = kv.first.Scalar();
    if (!kMatchKeys.count(key)) {
      error(DiagCode::UnknownKey, kv.first, "unknown key '" + key + "' in a detection condition");
      return nullptr;
    }
  }

  const YAML::Node cond = node["Condition"];
  if (!cond) {
    error(DiagCode::MissingKey, node, "missing 'Condition' in a detection entry");
    return nullptr;
  }
  std::string condName;
  if (!getString(cond, "Condition", condName))
    return nullptr;
  out->conditionLoc = loc(cond);
  const ConditionSpelling *spelling = nullptr;
  for (const ConditionSpelling &c : kConditions)
    if (condName == c.name)
      spelling = &c;
  if (!spelling) {
    if (kPendingConditions.count(condName))
      error(DiagCode::Unsupported, cond, "Condition '" + condName + "' is not supported yet");
    else
      error(DiagCode::UnknownCondition, cond, "unknown Condition '" + condName + "'");
    return nullptr;
  }
  out->condition = spelling->kind;

  const bool needsKey =
      spelling->kind != ConditionKind::AlwaysTrue && spelling->kind != ConditionKind::AlwaysFalse;
  if (needsKey && !parseKeySpec(node, out->key))
    return nullptr;

  if (const YAML::Node values = node["Values"]) {
    error(DiagCode::Unsupported, values,
          "'Values' (key-to-key comparison or lists) is not supported yet");
    return nullptr;
  }
  const YAML::Node value = node["Value"];
  if (spelling->takesValue) {
    if (!value) {
      error(DiagCode::MissingKey, node, "Condition '" + condName + "' needs a 'Value'");
      return nullptr;
    }
    if (!value.IsScalar() && !value.IsNull()) {
      error(DiagCode::WrongType, value,
            "Value of '" + condName + "' must be a scalar (string, number, bool or null)");
      return nullptr;
    }
    out->hasValue = true;
    out->value = typeYamlScalar(value);
    out->valueLoc = loc(value);
    if ((spelling->kind == ConditionKind::IEquals || spelling->kind == ConditionKind::IDoesNotEqual) &&
        out->value.kind != Scalar::String) {
      error(DiagCode::WrongType, value,
            "Value of '" + condName + "' must be a string, got " + out->value.repr());
      return nullptr;
    }
  } else if (value) {
    error(DiagCode::InvalidValue, value, "Condition '" + condName + "' takes no 'Value'");
    return nullptr;
  }
  return out;
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
      rule.titlePieces.push_back({false, literal, {}});
    literal.clear();
    TitlePiece field;
    field.isField = true;
    field.text = t.substr(i + 1, close - i - 1);
    std::string why;
    if (!parseKeyPath(field.text, field.path, why)) {
      error(DiagCode::BadTemplate, node,
            "bad placeholder '{" + field.text + "}' in AlertTitle: " + why);
      return;
    }
    rule.titlePieces.push_back(std::move(field));
    i = close;
  }
  if (!literal.empty())
    rule.titlePieces.push_back({false, literal, {}});
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
    for (const auto &kv : t) {
      const std::string key = kv.first.Scalar();
      if (key != "Name" && key != "ExpectedResult" && key != "Log" && key != "Mocks")
        error(DiagCode::UnknownKey, kv.first, "unknown key '" + key + "' in a test");
    }
    const YAML::Node name = t["Name"], expected = t["ExpectedResult"], log = t["Log"];
    if (!name)
      error(DiagCode::MissingKey, t, "a test needs a 'Name'");
    else
      getString(name, "a test Name", test.name);
    if (!expected)
      error(DiagCode::MissingKey, t, "test '" + test.name + "' needs 'ExpectedResult'");
    else
      getBool(expected, "ExpectedResult", test.expectedResult);
    if (!log)
      error(DiagCode::MissingKey, t, "test '" + test.name + "' needs a 'Log'");
    else if (!log.IsMap())
      error(DiagCode::WrongType, log, "the Log of test '" + test.name + "' must be a mapping");
    else
      test.logJson = yamlToJson(log);
    rule.tests.push_back(std::move(test));
  }
}

std::unique_ptr<Rule> parseNode(const std::function<YAML::Node()> &load,
                                const std::string &fileName, DiagnosticEngine &diags) {
  auto file = std::make_shared<const std::string>(fileName);
  YAML::Node root;
  try {
    root = load();
  } catch (const YAML::BadFile &) {
    diags.error(DiagCode::FileUnreadable, {file, 0, 0}, "cannot read rule file '" + fileName + "'");
    return nullptr;
  } catch (const YAML::ParserException &e) {
    diags.error(DiagCode::YamlSyntax, {file, e.mark.line + 1, e.mark.column + 1}, e.msg);
    return nullptr;
  }
  try {
    return Parser(file, diags).parse(root);
  } catch (const YAML::Exception &e) {
    // yaml-cpp throws on malformed node access (e.g. a non-scalar map key).
    diags.error(DiagCode::YamlSyntax, {file, e.mark.line + 1, e.mark.column + 1}, e.msg);
    return nullptr;
  }
}

} // namespace

bool parseKeyPath(const std::string &text, std::vector<PathStep> &steps, std::string &error) {
  steps.clear();
  auto isKeyChar = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '@' ||
           c == '$' || c == ':' || c == '/' || c == ' ' || static_cast<unsigned char>(c) >= 0x80;
  };
  size_t i = 0;
  if (text.empty()) {
    error = "empty path";
    return false;
  }
  while (i < text.size()) {
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string::npos) {
        error = "unterminated '['";
        return false;
      }
      std::string inner = text.substr(i + 1, close - i - 1);
      if (inner == "*") {
        error = "the [*] wildcard is not supported yet";
        return false;
      }
      Scalar idx = typePlainScalar(inner);
      if (idx.kind != Scalar::Int || inner.find_first_not_of("-0123456789") != std::string::npos) {
        error = "'[" + inner + "]' is not an array index";
        return false;
      }
      if (steps.empty()) {
        error = "a path cannot start with an index";
        return false;
      }
      PathStep step;
      step.isIndex = true;
      step.index = idx.i;
      steps.push_back(step);
      i = close + 1;
      if (i < text.size() && text[i] != '.' && text[i] != '[') {
        error = "expected '.' or '[' after ']'";
        return false;
      }
      if (i < text.size() && text[i] == '.')
        ++i;
      if (i == text.size() && text.back() == '.') {
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
    PathStep step;
    step.key = text.substr(start, i - start);
    steps.push_back(step);
    if (i < text.size()) {
      if (text[i] == '.') {
        ++i;
        if (i == text.size()) {
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

std::unique_ptr<Rule> parseRuleFile(const std::string &path, DiagnosticEngine &diags) {
  return parseNode([&] { return YAML::LoadFile(path); }, path, diags);
}

std::unique_ptr<Rule> parseRuleText(const std::string &text, const std::string &fileName,
                                    DiagnosticEngine &diags) {
  return parseNode([&] { return YAML::Load(text); }, fileName, diags);
}

} // namespace rulec::panther
