//===- PantherLowering.cpp ------------------------------------------------===//
#include "panther/PantherLowering.h"

#include <cctype>
#include <functional>

namespace rulec::panther {

namespace {

using ir::Expr;
using ir::Op;
using ExprPtr = std::unique_ptr<Expr>;

std::string asciiLower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ExprPtr constantLeaf(Op op, uint32_t slot, Scalar c, const SourceLocation &loc) {
  ExprPtr e = Expr::makeLeaf(op, slot, loc);
  e->constant = std::move(c);
  return e;
}

ExprPtr anyOf(std::vector<ExprPtr> ops, const SourceLocation &loc) {
  return Expr::makeNary(Op::Or, std::move(ops), loc);
}

ExprPtr notIf(bool negate, ExprPtr e, const SourceLocation &loc) {
  return negate ? Expr::makeNot(std::move(e), loc) : std::move(e);
}

/// Where a match expression is evaluated: the pack's top-level fields, or
/// the elements of a list (scope), at `prefix` inside each element.
struct Context {
  ir::Scope scope;
  std::vector<PathStep> prefix;
  bool filter = false; ///< InlineFilters: a missing field makes a condition pass
};

/// Builds the test of one value: `rest` is its path inside `scope`.
using LeafFn = std::function<ExprPtr(const ir::Scope &scope, const std::vector<PathStep> &rest)>;

class Lowering {
public:
  explicit Lowering(ir::Pack &pack) : pack_(pack) {}

  ExprPtr lower(const MatchNode &node, const Context &ctx) {
    switch (node.kind) {
    case MatchNode::All: return nary(Op::And, node, ctx);
    case MatchNode::Any: return nary(Op::Or, node, ctx);
    case MatchNode::OnlyOne: return nary(Op::ExactlyOne, node, ctx);
    case MatchNode::None: return Expr::makeNot(nary(Op::Or, node, ctx), node.loc);
    case MatchNode::Match: {
      ExprPtr e = match(node, ctx);
      if (ctx.filter && node.hasKey) {
        // InlineFilters: a missing field lets the event through.
        std::vector<ExprPtr> ops;
        ops.push_back(Expr::makeNot(Expr::makeLeaf(Op::Exists, presenceSlot(node.key, ctx), node.loc), node.loc));
        ops.push_back(std::move(e));
        return anyOf(std::move(ops), node.loc);
      }
      return e;
    }
    }
    return Expr::makeConst(false, node.loc);
  }

  uint32_t topField(const std::vector<PathStep> &path) {
    return pack_.internField({}, path, KeyMatch::ExactThenCaseInsensitive);
  }

private:
  uint32_t field(const ir::Scope &scope, const std::vector<PathStep> &path) {
    return pack_.internField(scope, path, KeyMatch::ExactThenCaseInsensitive);
  }

  std::vector<PathStep> fullPath(const KeySpec &key, const Context &ctx) {
    std::vector<PathStep> path = ctx.prefix;
    path.insert(path.end(), key.path.begin(), key.path.end());
    return path;
  }

  /// The slot whose absence means "missing" for a key: the field, or for a
  /// path with [*] the list before the first wildcard.
  uint32_t presenceSlot(const KeySpec &key, const Context &ctx) {
    std::vector<PathStep> path = fullPath(key, ctx);
    for (size_t i = 0; i < path.size(); ++i)
      if (path[i].isWildcard)
        return field(ctx.scope, {path.begin(), path.begin() + i});
    return field(ctx.scope, path);
  }

  /// Applies `leaf` to the value(s) `path` names. Without [*], that is one
  /// field. `a[*].b` names the b of every element of a: the result is
  /// `elementOp $a { leaf(b inside each element) }`, nested once per wildcard.
  ExprPtr overPath(const ir::Scope &scope, const std::vector<PathStep> &path, Op elementOp,
                   const LeafFn &leaf, const SourceLocation &loc) {
    for (size_t i = 0; i < path.size(); ++i) {
      if (!path[i].isWildcard)
        continue;
      uint32_t list = field(scope, {path.begin(), path.begin() + i});
      ir::Scope inner = scope;
      inner.push_back(list);
      std::vector<PathStep> rest(path.begin() + i + 1, path.end());
      ExprPtr body = overPath(inner, rest, elementOp, leaf, loc);
      ExprPtr e = Expr::makeLeaf(elementOp, list, loc);
      e->operands.push_back(std::move(body));
      return e;
    }
    return leaf(scope, path);
  }

  /// A LeafFn testing the field itself with `make(slot)`.
  LeafFn onField(std::function<ExprPtr(uint32_t slot)> make) {
    return [this, make](const ir::Scope &scope, const std::vector<PathStep> &rest) {
      return make(field(scope, rest));
    };
  }

  ExprPtr nary(Op op, const MatchNode &node, const Context &ctx) {
    std::vector<ExprPtr> ops;
    for (const auto &child : node.children)
      ops.push_back(lower(*child, ctx));
    return Expr::makeNary(op, std::move(ops), node.loc);
  }

  /// Element ops: the list at the key, or for a [*] path the values it fans
  /// out to, each tested with the Expressions (ANDed) relative to it.
  ExprPtr elements(const MatchNode &node, const Context &ctx) {
    const ConditionKind c = node.condition;
    const Op op = c == ConditionKind::AllElements ? Op::AllElements
                  : c == ConditionKind::OnlyOneElement ? Op::OneElement
                                                       : Op::AnyElement;
    std::vector<PathStep> path = fullPath(node.key, ctx);
    size_t lastWildcard = path.size();
    for (size_t i = 0; i < path.size(); ++i)
      if (path[i].isWildcard)
        lastWildcard = i;

    auto body = [&](const ir::Scope &scope, std::vector<PathStep> prefix) {
      Context inner{scope, std::move(prefix), false};
      std::vector<ExprPtr> ops;
      for (const auto &child : node.children)
        ops.push_back(lower(*child, inner));
      return Expr::makeNary(Op::And, std::move(ops), node.loc);
    };

    ExprPtr e;
    if (lastWildcard == path.size()) {
      uint32_t list = field(ctx.scope, path);
      ir::Scope inner = ctx.scope;
      inner.push_back(list);
      e = Expr::makeLeaf(op, list, node.loc);
      e->operands.push_back(body(inner, {}));
    } else {
      // a[*].b: iterate a's elements; those without a b value are not in the
      // list of b values, so they neither match nor spoil AllElements.
      std::vector<PathStep> listPath(path.begin(), path.begin() + lastWildcard + 1);
      std::vector<PathStep> tail(path.begin() + lastWildcard + 1, path.end());
      e = overPath(ctx.scope, listPath, op, [&](const ir::Scope &scope, const std::vector<PathStep> &) {
        ExprPtr present = Expr::makeNot(Expr::makeLeaf(Op::IsNull, field(scope, tail), node.loc), node.loc);
        std::vector<ExprPtr> ops;
        if (op == Op::AllElements) {
          ops.push_back(Expr::makeNot(std::move(present), node.loc));
          ops.push_back(body(scope, tail));
          return anyOf(std::move(ops), node.loc);
        }
        ops.push_back(std::move(present));
        ops.push_back(body(scope, tail));
        return Expr::makeNary(Op::And, std::move(ops), node.loc);
      }, node.loc);
    }
    return notIf(c == ConditionKind::NoElement, std::move(e), node.loc);
  }

  /// Conditions on a [*] path see the list of values it fans out to.
  ExprPtr fanned(const MatchNode &node, const Context &ctx) {
    const std::vector<PathStep> path = fullPath(node.key, ctx);
    const SourceLocation &loc = node.loc;
    LeafFn found = onField([&](uint32_t slot) {
      return Expr::makeNot(Expr::makeLeaf(Op::IsNull, slot, loc), loc);
    });
    auto member = [&](bool fold) {
      return onField([&, fold](uint32_t slot) {
        if (fold)
          return constantLeaf(Op::EqFold, slot, Scalar::makeString(asciiLower(node.value.s)), loc);
        return constantLeaf(Op::Eq, slot, node.value, loc);
      });
    };
    switch (node.condition) {
    case ConditionKind::Contains: return overPath(ctx.scope, path, Op::AnyElement, member(false), loc);
    case ConditionKind::DoesNotContain:
      return Expr::makeNot(overPath(ctx.scope, path, Op::AnyElement, member(false), loc), loc);
    case ConditionKind::IContains: return overPath(ctx.scope, path, Op::AnyElement, member(true), loc);
    case ConditionKind::IDoesNotContain:
      return Expr::makeNot(overPath(ctx.scope, path, Op::AnyElement, member(true), loc), loc);
    case ConditionKind::Exists:
    case ConditionKind::IsNotNull:
    case ConditionKind::IsNotNullOrEmpty:
      return overPath(ctx.scope, path, Op::AnyElement, found, loc);
    case ConditionKind::DoesNotExist:
    case ConditionKind::IsNull:
    case ConditionKind::IsNullOrEmpty:
      return Expr::makeNot(overPath(ctx.scope, path, Op::AnyElement, found, loc), loc);
    default:
      // A list never equals, starts with or orders against a scalar (the
      // parser warned); the negative conditions hold.
      return Expr::makeConst(isNegative(node.condition), loc);
    }
  }

  static bool isNegative(ConditionKind c) {
    switch (c) {
    case ConditionKind::DoesNotEqual: case ConditionKind::IDoesNotEqual:
    case ConditionKind::DoesNotContain: case ConditionKind::IDoesNotContain:
    case ConditionKind::DoesNotStartWith: case ConditionKind::IDoesNotStartWith:
    case ConditionKind::DoesNotEndWith: case ConditionKind::IDoesNotEndWith:
    case ConditionKind::IsNotIn: case ConditionKind::DoesNotExist: case ConditionKind::IsNull:
    case ConditionKind::IsNullOrEmpty: case ConditionKind::IsIPAddressNotInCIDR:
    case ConditionKind::CIDRDoesNotContainIPAddresses: case ConditionKind::NoElement:
      return true;
    default:
      return false;
    }
  }

  /// key-to-key: two fields of the current scope.
  ExprPtr keys(const MatchNode &node, const Context &ctx) {
    Op cmp = Op::Eq;
    bool negate = false;
    switch (node.condition) {
    case ConditionKind::Equals: cmp = Op::Eq; break;
    case ConditionKind::DoesNotEqual: cmp = Op::Eq; negate = true; break;
    case ConditionKind::IEquals: cmp = Op::EqFold; break;
    case ConditionKind::IDoesNotEqual: cmp = Op::EqFold; negate = true; break;
    case ConditionKind::Contains: cmp = Op::Contains; break;
    case ConditionKind::DoesNotContain: cmp = Op::Contains; negate = true; break;
    case ConditionKind::IContains: cmp = Op::ContainsFold; break;
    case ConditionKind::IDoesNotContain: cmp = Op::ContainsFold; negate = true; break;
    case ConditionKind::StartsWith: cmp = Op::StartsWith; break;
    case ConditionKind::DoesNotStartWith: cmp = Op::StartsWith; negate = true; break;
    case ConditionKind::IStartsWith: cmp = Op::StartsWithFold; break;
    case ConditionKind::IDoesNotStartWith: cmp = Op::StartsWithFold; negate = true; break;
    case ConditionKind::EndsWith: cmp = Op::EndsWith; break;
    case ConditionKind::DoesNotEndWith: cmp = Op::EndsWith; negate = true; break;
    case ConditionKind::IEndsWith: cmp = Op::EndsWithFold; break;
    case ConditionKind::IDoesNotEndWith: cmp = Op::EndsWithFold; negate = true; break;
    case ConditionKind::IsGreaterThan: cmp = Op::Gt; break;
    case ConditionKind::IsGreaterThanOrEqual: cmp = Op::Ge; break;
    case ConditionKind::IsLessThan: cmp = Op::Lt; break;
    case ConditionKind::IsLessThanOrEqual: cmp = Op::Le; break;
    default: break; // the parser allows Values of keys only for the conditions above
    }
    ExprPtr e = Expr::makeLeaf(Op::FieldCompare, field(ctx.scope, fullPath(node.keys[0], ctx)), node.loc);
    e->slot2 = field(ctx.scope, fullPath(node.keys[1], ctx));
    e->cmp = cmp;
    return notIf(negate, std::move(e), node.loc);
  }

  ExprPtr match(const MatchNode &node, const Context &ctx) {
    const ConditionKind c = node.condition;
    const SourceLocation &loc = node.loc;
    if (c == ConditionKind::AlwaysTrue || c == ConditionKind::AlwaysFalse)
      return Expr::makeConst(c == ConditionKind::AlwaysTrue, loc);
    if (node.operand == MatchNode::Keys)
      return keys(node, ctx);
    if (node.operand == MatchNode::Expressions)
      return elements(node, ctx);
    if (node.operand == MatchNode::Value && node.value.kind == Scalar::Bool && isNoOperand(c)) {
      // The old `IsIPAddressPrivate` + `Value: false` form.
      MatchNode plain;
      plain.kind = MatchNode::Match;
      plain.loc = node.loc;
      plain.condition = c;
      plain.hasKey = true;
      plain.key = node.key;
      return notIf(!node.value.b, match(plain, ctx), loc);
    }
    if (node.key.hasWildcard())
      return fanned(node, ctx);

    const uint32_t slot = field(ctx.scope, fullPath(node.key, ctx));
    auto leaf = [&](Op op) { return Expr::makeLeaf(op, slot, loc); };
    auto withValue = [&](Op op, Scalar v) { return constantLeaf(op, slot, std::move(v), loc); };
    auto foldValue = [&](Op op) { return withValue(op, Scalar::makeString(asciiLower(node.value.s))); };
    auto eachValue = [&](Op op, bool negate) {
      std::vector<ExprPtr> ops;
      if (node.operand == MatchNode::Value)
        ops.push_back(withValue(op, node.value));
      for (const Scalar &v : node.values)
        ops.push_back(withValue(op, v));
      return notIf(negate, anyOf(std::move(ops), loc), loc);
    };
    // Contains: a substring of a string, or a member of a list.
    auto contains = [&](bool fold, bool negate) {
      ir::Scope inner = ctx.scope;
      inner.push_back(slot);
      const uint32_t element = field(inner, {});
      std::vector<ExprPtr> ops;
      if (node.value.kind == Scalar::String) {
        ops.push_back(fold ? foldValue(Op::ContainsFold) : withValue(Op::Contains, node.value));
        ExprPtr member = Expr::makeLeaf(Op::AnyElement, slot, loc);
        member->operands.push_back(fold ? constantLeaf(Op::EqFold, element,
                                                       Scalar::makeString(asciiLower(node.value.s)), loc)
                                        : constantLeaf(Op::Eq, element, node.value, loc));
        ops.push_back(std::move(member));
      } else {
        ExprPtr member = Expr::makeLeaf(Op::AnyElement, slot, loc);
        member->operands.push_back(constantLeaf(Op::Eq, element, node.value, loc));
        ops.push_back(std::move(member));
      }
      return notIf(negate, anyOf(std::move(ops), loc), loc);
    };

    switch (c) {
    case ConditionKind::Equals: return withValue(Op::Eq, node.value);
    case ConditionKind::DoesNotEqual: return Expr::makeNot(withValue(Op::Eq, node.value), loc);
    case ConditionKind::IEquals: return foldValue(Op::EqFold);
    case ConditionKind::IDoesNotEqual: return Expr::makeNot(foldValue(Op::EqFold), loc);
    case ConditionKind::Contains: return contains(false, false);
    case ConditionKind::DoesNotContain: return contains(false, true);
    case ConditionKind::IContains: return contains(true, false);
    case ConditionKind::IDoesNotContain: return contains(true, true);
    case ConditionKind::StartsWith: return withValue(Op::StartsWith, node.value);
    case ConditionKind::DoesNotStartWith: return Expr::makeNot(withValue(Op::StartsWith, node.value), loc);
    case ConditionKind::IStartsWith: return foldValue(Op::StartsWithFold);
    case ConditionKind::IDoesNotStartWith: return Expr::makeNot(foldValue(Op::StartsWithFold), loc);
    case ConditionKind::EndsWith: return withValue(Op::EndsWith, node.value);
    case ConditionKind::DoesNotEndWith: return Expr::makeNot(withValue(Op::EndsWith, node.value), loc);
    case ConditionKind::IEndsWith: return foldValue(Op::EndsWithFold);
    case ConditionKind::IDoesNotEndWith: return Expr::makeNot(foldValue(Op::EndsWithFold), loc);
    case ConditionKind::IsGreaterThan: return withValue(Op::Gt, node.value);
    case ConditionKind::IsGreaterThanOrEqual: return withValue(Op::Ge, node.value);
    case ConditionKind::IsLessThan: return withValue(Op::Lt, node.value);
    case ConditionKind::IsLessThanOrEqual: return withValue(Op::Le, node.value);
    case ConditionKind::IsIn: return eachValue(Op::Eq, false);
    case ConditionKind::IsNotIn: return eachValue(Op::Eq, true);
    case ConditionKind::Exists: return leaf(Op::Exists);
    case ConditionKind::DoesNotExist: return Expr::makeNot(leaf(Op::Exists), loc);
    case ConditionKind::IsNull: return leaf(Op::IsNull);
    case ConditionKind::IsNotNull: return Expr::makeNot(leaf(Op::IsNull), loc);
    case ConditionKind::IsNullOrEmpty: return leaf(Op::IsEmpty);
    case ConditionKind::IsNotNullOrEmpty: return Expr::makeNot(leaf(Op::IsEmpty), loc);
    case ConditionKind::IsIPAddress: return leaf(Op::IsIp);
    case ConditionKind::IsIPv4Address: return leaf(Op::IsIpv4);
    case ConditionKind::IsIPv6Address: return leaf(Op::IsIpv6);
    case ConditionKind::IsIPAddressPrivate: return leaf(Op::IsPrivateIp);
    case ConditionKind::IsIPAddressPublic: return leaf(Op::IsGlobalIp);
    case ConditionKind::IsIPAddressInCIDR: return eachValue(Op::InNetwork, false);
    case ConditionKind::IsIPAddressNotInCIDR: return eachValue(Op::InNetwork, true);
    case ConditionKind::CIDRContainsIPAddresses: return eachValue(Op::NetworkHasIp, false);
    case ConditionKind::CIDRDoesNotContainIPAddresses: return eachValue(Op::NetworkHasIp, true);
    default: break; // element ops and constants are handled above
    }
    return Expr::makeConst(false, loc);
  }

  static bool isNoOperand(ConditionKind c) {
    switch (c) {
    case ConditionKind::Exists: case ConditionKind::DoesNotExist: case ConditionKind::IsNull:
    case ConditionKind::IsNotNull: case ConditionKind::IsNullOrEmpty: case ConditionKind::IsNotNullOrEmpty:
    case ConditionKind::IsIPAddress: case ConditionKind::IsIPv4Address: case ConditionKind::IsIPv6Address:
    case ConditionKind::IsIPAddressPrivate: case ConditionKind::IsIPAddressPublic:
      return true;
    default:
      return false;
    }
  }

  ir::Pack &pack_;
};

TemplatePiece fieldPiece(Lowering &lowering, const std::vector<PathStep> &path, std::string text) {
  TemplatePiece piece;
  piece.isField = true;
  piece.text = std::move(text);
  piece.slot = lowering.topField(path);
  piece.fallback = missingPlaceholderText(path);
  return piece;
}

} // namespace

std::string missingPlaceholderText(const std::vector<PathStep> &path) {
  std::string name = "KEY";
  for (const PathStep &step : path)
    if (!step.isIndex && !step.isWildcard)
      name = step.key;
  for (char &c : name)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "<" + name + "_NOT_FOUND>";
}

uint32_t lowerRule(const Rule &rule, ir::Pack &pack) {
  Lowering lowering(pack);
  ir::Rule out;
  out.loc = rule.loc;
  RuleInfo &info = out.info;
  info.id = rule.id;
  info.displayName = rule.displayName;
  info.severity = rule.severity;
  info.sourceFile = rule.loc.file ? *rule.loc.file : "";
  info.threshold = rule.threshold;
  info.dedupPeriodMinutes = rule.dedupPeriodMinutes;
  info.createAlert = rule.createAlert;
  for (const std::string &lt : rule.logTypes)
    info.logTypes.push_back(pack.internLogType(lt));
  for (const TemplatePart &p : rule.titleParts) {
    if (p.isField)
      info.title.push_back(fieldPiece(lowering, p.path, p.text));
    else
      info.title.push_back({false, p.text, 0, ""});
  }
  for (size_t i = 0; i < rule.groupBy.size(); ++i) {
    if (i)
      info.groupBy.push_back({false, ":", 0, ""});
    info.groupBy.push_back(fieldPiece(lowering, rule.groupBy[i].path, rule.groupBy[i].text));
  }
  for (const ContextItem &c : rule.alertContext)
    info.alertContext.push_back({c.name, lowering.topField(c.key.path)});

  ExprPtr detection = lowering.lower(*rule.detection, Context{});
  if (rule.inlineFilters) {
    std::vector<ExprPtr> ops;
    ops.push_back(lowering.lower(*rule.inlineFilters, Context{{}, {}, true}));
    ops.push_back(std::move(detection));
    out.predicate = Expr::makeNary(Op::And, std::move(ops), rule.loc);
  } else {
    out.predicate = std::move(detection);
  }
  for (const DynamicSeverity &d : rule.dynamicSeverities) {
    info.dynamicSeverities.push_back(d.changeTo);
    out.severityPredicates.push_back(lowering.lower(*d.conditions, Context{}));
  }
  pack.rules.push_back(std::move(out));
  return static_cast<uint32_t>(pack.rules.size() - 1);
}

} // namespace rulec::panther
