//===- PantherAst.cpp - AST dump ------------------------------------------===//
#include "panther/PantherAst.h"

#include <ostream>

namespace rulec::panther {

const char *conditionName(ConditionKind kind) {
  switch (kind) {
#define NAME(x) case ConditionKind::x: return #x;
    NAME(Equals) NAME(DoesNotEqual) NAME(IEquals) NAME(IDoesNotEqual)
    NAME(Contains) NAME(DoesNotContain) NAME(IContains) NAME(IDoesNotContain)
    NAME(StartsWith) NAME(DoesNotStartWith) NAME(IStartsWith) NAME(IDoesNotStartWith)
    NAME(EndsWith) NAME(DoesNotEndWith) NAME(IEndsWith) NAME(IDoesNotEndWith)
    NAME(IsGreaterThan) NAME(IsGreaterThanOrEqual) NAME(IsLessThan) NAME(IsLessThanOrEqual)
    NAME(IsIn) NAME(IsNotIn)
    NAME(Exists) NAME(DoesNotExist) NAME(IsNull) NAME(IsNotNull) NAME(IsNullOrEmpty)
    NAME(IsNotNullOrEmpty)
    NAME(IsIPAddress) NAME(IsIPv4Address) NAME(IsIPv6Address) NAME(IsIPAddressPrivate)
    NAME(IsIPAddressPublic) NAME(IsIPAddressInCIDR) NAME(IsIPAddressNotInCIDR)
    NAME(CIDRContainsIPAddresses) NAME(CIDRDoesNotContainIPAddresses)
    NAME(AnyElement) NAME(AllElements) NAME(OnlyOneElement) NAME(NoElement)
    NAME(AlwaysTrue) NAME(AlwaysFalse)
#undef NAME
  }
  return "?";
}

bool KeySpec::hasWildcard() const {
  for (const PathStep &s : path)
    if (s.isWildcard)
      return true;
  return false;
}

namespace {

const char *keyFormName(KeySpec::Form form) {
  switch (form) {
  case KeySpec::Key: return "Key";
  case KeySpec::KeyPath: return "KeyPath";
  case KeySpec::DeepKey: return "DeepKey";
  case KeySpec::Enrichment: return "Enrichment";
  }
  return "?";
}

const char *kindName(MatchNode::Kind kind) {
  switch (kind) {
  case MatchNode::All: return "All";
  case MatchNode::Any: return "Any";
  case MatchNode::OnlyOne: return "OnlyOne";
  case MatchNode::None: return "None";
  case MatchNode::Match: return "Match";
  }
  return "?";
}

std::string at(const SourceLocation &loc) {
  return loc.valid() ? " @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

std::string keyText(const KeySpec &k) { return std::string(keyFormName(k.form)) + "=" + k.text; }

void dumpNode(const MatchNode &node, int depth, std::ostream &os) {
  os << std::string(2 * depth, ' ') << kindName(node.kind);
  if (node.kind == MatchNode::Match) {
    if (node.hasKey)
      os << " " << keyText(node.key);
    os << " Condition=" << conditionName(node.condition);
    switch (node.operand) {
    case MatchNode::Value:
      os << " Value=" << node.value.repr();
      break;
    case MatchNode::Values:
      os << " Values=[";
      for (size_t i = 0; i < node.values.size(); ++i)
        os << (i ? ", " : "") << node.values[i].repr();
      os << "]";
      break;
    case MatchNode::Keys:
      os << " Values=[" << keyText(node.keys[0]) << ", " << keyText(node.keys[1]) << "]";
      break;
    default:
      break;
    }
  }
  os << at(node.loc) << "\n";
  for (const auto &child : node.children)
    dumpNode(*child, depth + 1, os);
}

void dumpParts(const std::vector<TemplatePart> &parts, std::ostream &os) {
  for (const TemplatePart &p : parts)
    os << (p.isField ? " {" + p.text + "}" : " \"" + p.text + "\"");
}

} // namespace

void dumpAst(const Rule &rule, std::ostream &os) {
  os << "PantherRule \"" << rule.id << "\"" << at(rule.loc) << " file=" << rule.loc.file->c_str()
     << "\n";
  os << "  Severity=" << rule.severity << " Threshold=" << rule.threshold
     << " DedupPeriodMinutes=" << rule.dedupPeriodMinutes
     << " Enabled=" << (rule.enabled ? "true" : "false");
  if (!rule.createAlert)
    os << " CreateAlert=false";
  os << "\n  LogTypes=";
  for (size_t i = 0; i < rule.logTypes.size(); ++i)
    os << (i ? "," : "") << rule.logTypes[i];
  os << "\n";
  if (!rule.alertTitle.empty()) {
    os << "  AlertTitle" << at(rule.alertTitleLoc);
    dumpParts(rule.titleParts, os);
    os << "\n";
  }
  for (const KeySpec &k : rule.groupBy)
    os << "  GroupBy " << keyText(k) << at(k.loc) << "\n";
  for (const ContextItem &c : rule.alertContext)
    os << "  AlertContext " << c.name << " " << keyText(c.key) << at(c.key.loc) << "\n";
  if (rule.inlineFilters) {
    os << "  InlineFilters\n";
    dumpNode(*rule.inlineFilters, 2, os);
  }
  os << "  Detection\n";
  if (rule.detection)
    dumpNode(*rule.detection, 2, os);
  for (const DynamicSeverity &d : rule.dynamicSeverities) {
    os << "  DynamicSeverity ChangeTo=" << d.changeTo << at(d.loc) << "\n";
    dumpNode(*d.conditions, 2, os);
  }
  for (const RuleTest &t : rule.tests)
    os << "  Test \"" << t.name << "\" ExpectedResult=" << (t.expectedResult ? "true" : "false")
       << at(t.loc) << "\n";
}

} // namespace rulec::panther
