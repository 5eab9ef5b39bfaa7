//===- PantherLowering.cpp ------------------------------------------------===//
#include "PantherLowering.h"

#include <cctype>

namespace rulec::panther {

namespace {

FieldSpec fieldOf(const std::vector<PathStep> &path) {
  FieldSpec f;
  f.path = path;
  f.keyMatch = KeyMatch::ExactThenCaseInsensitive;
  return f;
}

std::string asciiLower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Lowering {
public:
  explicit Lowering(ir::Pack &pack) : pack_(pack) {}

  std::unique_ptr<ir::Expr> lower(const DetectionNode &node) {
    switch (node.kind) {
    case DetectionNode::All: return nary(ir::Op::And, node);
    case DetectionNode::Any: return nary(ir::Op::Or, node);
    case DetectionNode::OnlyOne: return nary(ir::Op::ExactlyOne, node);
    case DetectionNode::None: return ir::Expr::makeNot(nary(ir::Op::Or, node), node.loc);
    case DetectionNode::Match: return match(node);
    }
    return ir::Expr::makeConst(false, node.loc);
  }

private:
  std::unique_ptr<ir::Expr> nary(ir::Op op, const DetectionNode &node) {
    std::vector<std::unique_ptr<ir::Expr>> ops;
    for (const auto &child : node.children)
      ops.push_back(lower(*child));
    return ir::Expr::makeNary(op, std::move(ops), node.loc);
  }

  std::unique_ptr<ir::Expr> leaf(ir::Op op, const DetectionNode &node) {
    return ir::Expr::makeLeaf(op, pack_.internField(fieldOf(node.key.path)), node.loc);
  }

  std::unique_ptr<ir::Expr> equals(const DetectionNode &node) {
    // Python `x == None` holds for a missing key too (deep_get returns None).
    if (node.value.kind == Scalar::Null)
      return leaf(ir::Op::IsNull, node);
    auto e = leaf(ir::Op::Eq, node);
    e->constant = node.value;
    return e;
  }

  std::unique_ptr<ir::Expr> iequals(const DetectionNode &node) {
    auto e = leaf(ir::Op::EqFold, node);
    e->constant = Scalar::makeString(asciiLower(node.value.s));
    return e;
  }

  std::unique_ptr<ir::Expr> match(const DetectionNode &node) {
    switch (node.condition) {
    case ConditionKind::Equals: return equals(node);
    case ConditionKind::DoesNotEqual: return ir::Expr::makeNot(equals(node), node.loc);
    case ConditionKind::IEquals: return iequals(node);
    case ConditionKind::IDoesNotEqual: return ir::Expr::makeNot(iequals(node), node.loc);
    case ConditionKind::Exists: return leaf(ir::Op::Exists, node);
    case ConditionKind::DoesNotExist: return ir::Expr::makeNot(leaf(ir::Op::Exists, node), node.loc);
    case ConditionKind::IsNull: return leaf(ir::Op::IsNull, node);
    case ConditionKind::IsNotNull: return ir::Expr::makeNot(leaf(ir::Op::IsNull, node), node.loc);
    case ConditionKind::AlwaysTrue: return ir::Expr::makeConst(true, node.loc);
    case ConditionKind::AlwaysFalse: return ir::Expr::makeConst(false, node.loc);
    }
    return ir::Expr::makeConst(false, node.loc);
  }

  ir::Pack &pack_;
};

} // namespace

std::string missingPlaceholderText(const std::vector<PathStep> &path) {
  std::string name = "KEY";
  for (const PathStep &step : path)
    if (!step.isIndex)
      name = step.key;
  for (char &c : name)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "<" + name + "_NOT_FOUND>";
}

uint32_t lowerRule(const Rule &rule, ir::Pack &pack) {
  ir::Rule out;
  out.loc = rule.loc;
  out.info.id = rule.id;
  out.info.displayName = rule.displayName;
  out.info.severity = rule.severity;
  out.info.sourceFile = rule.loc.file ? *rule.loc.file : "";
  out.info.threshold = rule.threshold;
  out.info.dedupPeriodMinutes = rule.dedupPeriodMinutes;
  for (const std::string &lt : rule.logTypes)
    out.info.logTypes.push_back(pack.internLogType(lt));
  for (const TitlePiece &p : rule.titlePieces) {
    TemplatePiece piece;
    piece.isField = p.isField;
    piece.text = p.text;
    if (p.isField) {
      piece.slot = pack.internField(fieldOf(p.path));
      piece.fallback = missingPlaceholderText(p.path);
    }
    out.info.title.push_back(std::move(piece));
  }
  out.predicate = Lowering(pack).lower(*rule.detection);
  pack.rules.push_back(std::move(out));
  return static_cast<uint32_t>(pack.rules.size() - 1);
}

} // namespace rulec::panther
