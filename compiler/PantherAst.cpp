//===- PantherAst.cpp - AST dump ------------------------------------------===//
#include "PantherAst.h"

#include <ostream>

namespace rulec::panther {

const char *conditionName(ConditionKind kind) {
  switch (kind) {
  case ConditionKind::Equals: return "Equals";
  case ConditionKind::DoesNotEqual: return "DoesNotEqual";
  case ConditionKind::IEquals: return "IEquals";
  case ConditionKind::IDoesNotEqual: return "IDoesNotEqual";
  case ConditionKind::Exists: return "Exists";
  case ConditionKind::DoesNotExist: return "DoesNotExist";
  case ConditionKind::IsNull: return "IsNull";
  case ConditionKind::IsNotNull: return "IsNotNull";
  case ConditionKind::AlwaysTrue: return "AlwaysTrue";
  case ConditionKind::AlwaysFalse: return "AlwaysFalse";
  }
  return "?";
}

static const char *keyFormName(KeySpec::Form form) {
  switch (form) {
  case KeySpec::Key: return "Key";
  case KeySpec::KeyPath: return "KeyPath";
  case KeySpec::DeepKey: return "DeepKey";
  }
  return "?";
}

static const char *kindName(DetectionNode::Kind kind) {
  switch (kind) {
  case DetectionNode::All: return "All";
  case DetectionNode::Any: return "Any";
  case DetectionNode::OnlyOne: return "OnlyOne";
  case DetectionNode::None: return "None";
  case DetectionNode::Match: return "Match";
  }
  return "?";
}

static std::string at(const SourceLocation &loc) {
  return loc.valid() ? " @" + std::to_string(loc.line) + ":" + std::to_string(loc.column) : "";
}

static void dumpNode(const DetectionNode &node, int depth, std::ostream &os) {
  os << std::string(2 * depth, ' ') << kindName(node.kind);
  if (node.kind == DetectionNode::Match) {
    if (node.condition != ConditionKind::AlwaysTrue && node.condition != ConditionKind::AlwaysFalse)
      os << " " << keyFormName(node.key.form) << "=" << node.key.text;
    os << " Condition=" << conditionName(node.condition);
    if (node.hasValue)
      os << " Value=" << node.value.repr();
  }
  os << at(node.loc) << "\n";
  for (const auto &child : node.children)
    dumpNode(*child, depth + 1, os);
}

void dumpAst(const Rule &rule, std::ostream &os) {
  os << "PantherRule \"" << rule.id << "\"" << at(rule.loc) << " file=" << rule.loc.file->c_str()
     << "\n";
  os << "  Severity=" << rule.severity << " Threshold=" << rule.threshold
     << " DedupPeriodMinutes=" << rule.dedupPeriodMinutes
     << " Enabled=" << (rule.enabled ? "true" : "false") << "\n";
  os << "  LogTypes=";
  for (size_t i = 0; i < rule.logTypes.size(); ++i)
    os << (i ? "," : "") << rule.logTypes[i];
  os << "\n";
  if (!rule.alertTitle.empty()) {
    os << "  AlertTitle" << at(rule.alertTitleLoc);
    for (const TitlePiece &p : rule.titlePieces)
      os << (p.isField ? " {" + p.text + "}" : " \"" + p.text + "\"");
    os << "\n";
  }
  os << "  Detection\n";
  if (rule.detection)
    dumpNode(*rule.detection, 2, os);
  for (const RuleTest &t : rule.tests)
    os << "  Test \"" << t.name << "\" ExpectedResult=" << (t.expectedResult ? "true" : "false")
       << at(t.loc) << "\n";
}

} // namespace rulec::panther
