//===- IR.h - rulec's typed predicate IR ----------------------------------===//
//
// One IR for every rule language. A Pack is what one compilation produces:
//
//   - a field table: every field path any rule reads, interned to a slot
//     ($N); an event is read into these slots once, however many rules use
//     a field. A field the rules iterate over has an element table of its own
//     ($N.K: sub-field K of each element);
//   - a log-type table (#N); a rule runs only on events of its log types;
//   - rules: runtime metadata (PackInfo's RuleInfo), a predicate Expr, and the
//     conditions of its dynamic severities.
//
// Expressions are boolean trees. Leaves test one slot; their operation is
// typed by the constant they compare with (eq.int, eq.str, ...), so codegen
// and the reference evaluator never guess a type. A leaf on a field of the
// wrong type, or on a missing field, is false. docs/ir.md gives each op.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "support/SourceLocation.h"
#include "support/YamlScalar.h"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec::ir {

enum class Op : uint8_t {
  // Operators.
  Const,      ///< boolValue
  Not,        ///< one operand
  And,        ///< all operands (short-circuit, left to right)
  Or,         ///< any operand (short-circuit, left to right)
  ExactlyOne, ///< exactly one operand true
  // Presence.
  Exists,  ///< slot present (null counts)
  IsNull,  ///< slot missing or null
  IsEmpty, ///< slot missing, null, "", [] or {}
  // Comparison with a constant; strings in the *Fold forms are lower case.
  Eq,             ///< Python ==, typed by constant.kind
  EqFold,         ///< string equal ignoring ASCII case
  Contains,       ///< string contains the constant
  ContainsFold,
  StartsWith,
  StartsWithFold,
  EndsWith,
  EndsWithFold,
  Lt, Le, Gt, Ge, ///< numeric order against a numeric constant
  // IP addresses (strings).
  IsIp, IsIpv4, IsIpv6,
  IsPrivateIp, ///< Python ipaddress is_private
  IsGlobalIp,  ///< Python ipaddress is_global
  InNetwork,   ///< slot is an address inside the constant network ("10.0.0.0/8")
  NetworkHasIp, ///< slot is a network containing the constant address
  // Two fields of one scope, slot `cmp` slot2; cmp is one of Eq ... Ge.
  FieldCompare,
  // Over the elements of list field `slot`; operands[0] is the element
  // predicate, whose slots index the field's element table.
  AnyElement, AllElements, OneElement,
  // Kusto.
  Has,      ///< term match of the constant; `mode` holds RULEC_HAS_* bits
  InSet,    ///< the string is in set `index`; `mode` holds a RULEC_SET_* mode
  TimeCmp,  ///< the field as a datetime `cmp` (Lt..Ge, Eq) constant.i ns (+ now when `mode` is 1)
  Regex,    ///< the string matches regular expression `index`
  // Sigma.
  Keyword,  ///< some value anywhere in the event (strings; numbers and booleans as written) matches regular expression `index` (no slot)
  KeywordContains, ///< some value anywhere in the event holds the constant, ignoring ASCII case (no slot); `index`: its needle in the event-text set
};

struct Expr;

/// A computed value (KQL): a slot, a constant, a function of values, or a
/// choice between two values. Leaves may test one instead of a plain slot.
struct Value {
  enum Kind { Slot, Const, Call, Iff } kind = Slot;
  uint32_t slot = 0;                          ///< Slot
  Scalar constant;                            ///< Const
  /// Const: RULEC_DATETIME or RULEC_TIMESPAN for a Kusto time constant
  /// (constant.i nanoseconds); 0 for the constant's own kind.
  uint8_t constKind = 0;
  std::string fn;                             ///< Call: the function's name (runtime/functions/)
  std::vector<std::unique_ptr<Value>> args;   ///< Call: arguments; Iff: {then, else}
  std::unique_ptr<Expr> cond;                 ///< Iff

  static std::unique_ptr<Value> makeSlot(uint32_t slot);
  static std::unique_ptr<Value> makeConst(Scalar c);
  static std::unique_ptr<Value> makeTime(uint8_t kind, int64_t nanos);
  static std::unique_ptr<Value> makeCall(std::string fn, std::vector<std::unique_ptr<Value>> args);
};

/// Text of a value for dumps: $3, "x", tolower($3), iff(<cond>, a, b).
std::string valueText(const Value &v, const std::string &scope);

struct Expr {
  Op op = Op::Const;
  SourceLocation loc;
  bool boolValue = false;  ///< Const
  uint32_t slot = 0;       ///< leaves and element ops
  uint32_t slot2 = 0;      ///< FieldCompare
  Op cmp = Op::Eq;         ///< FieldCompare, TimeCmp
  uint32_t mode = 0;       ///< Has, InSet, TimeCmp
  uint32_t index = 0;      ///< InSet: set; Regex: regular expression
  /// KQL: the leaf tests this computed value instead of `slot`
  /// (`tolower(x) == "a"`); FieldCompare compares subject with subject2.
  std::unique_ptr<Value> subject, subject2;
  Scalar constant;         ///< comparisons with a constant
  /// Sigma: when the field holds a list, the leaf holds if it holds for some
  /// element (codegen: a call to rulec_rt_any_element on that cold path).
  bool elementwise = false;
  /// icontains / ieq answered from literal set `literalSet` (Pack::literalSets),
  /// needle `literalIndex`: one scan of the field per event for all of them
  /// (compiler/ir/LiteralSets.h); -1: the leaf tests its constant itself.
  int32_t literalSet = -1;
  uint32_t literalIndex = 0;
  /// Regex: needles one of which every match holds (compiler/ir/Prefilter.h);
  /// the code tests their bits before running the expression. Empty: none known.
  std::vector<LiteralRef> atoms;
  std::vector<std::unique_ptr<Expr>> operands;

  static std::unique_ptr<Expr> makeConst(bool v, SourceLocation loc);
  static std::unique_ptr<Expr> makeLeaf(Op op, uint32_t slot, SourceLocation loc);
  static std::unique_ptr<Expr> makeNary(Op op, std::vector<std::unique_ptr<Expr>> ops,
                                        SourceLocation loc);
  static std::unique_ptr<Expr> makeNot(std::unique_ptr<Expr> e, SourceLocation loc);
};

/// The IR name of a leaf or operator, typed for Eq: "eq.int", "ieq.str", "and".
std::string opName(const Expr &e);

/// The names of the functions the pack's values call, in first-use order:
/// PackInfo::functions, whose indexes the code passes to rulec_rt_call.
std::vector<std::string> functionTable(const struct Pack &pack);

/// True for the element ops (AnyElement, AllElements, OneElement).
bool isElementOp(Op op);

/// Nodes of `e` (operators and leaves), counted up to `cap`.
size_t nodeCount(const Expr &e, size_t cap);

struct Rule {
  RuleInfo info;
  SourceLocation loc;
  std::unique_ptr<Expr> predicate;
  /// One predicate per DynamicSeverities entry (info.dynamicSeverities).
  std::vector<std::unique_ptr<Expr>> severityPredicates;
  /// KQL: per info.columns entry, its computed value (null when the column
  /// is a plain slot).
  std::vector<std::unique_ptr<Value>> columnValues;
};

/// A Sigma correlation rule: runtime only, no predicate of its own.
struct Correlation {
  CorrelationSpec spec;
  SourceLocation loc;
};

/// Where a predicate's slots live: the pack's field table (empty scope), or
/// the element table of list field scope[0], then of its sub-field scope[1]...
using Scope = std::vector<uint32_t>;

struct Pack {
  std::vector<FieldSpec> fields;
  std::vector<std::string> logTypes;
  std::vector<LogTypeShape> logTypeShapes; ///< PackInfo::logTypeShapes
  std::vector<Rule> rules;
  std::vector<SetSpec> sets;
  std::vector<std::string> scalars; ///< PackInfo::scalars
  std::vector<std::string> regexes;
  /// Per regex: 1 when every leaf of it tests its atoms' needle bits before
  /// asking rulec_rt_regex_match (Prefilter.h), so the regex gate plans it
  /// Always.
  std::vector<uint8_t> regexAtomsTested;
  std::vector<RegexGatePlan> regexGate; ///< PackInfo::regexGate (planRegexGate)
  std::vector<Correlation> correlations;
  std::vector<LiteralSet> literalSets;
  std::vector<SourceRows> sources; ///< PackInfo::sources
  std::vector<OperatorSpec> operators; ///< PackInfo::operators
  std::vector<AnalyticRuleSpec> analyticRules; ///< PackInfo::analyticRules
  uint32_t rowFunctionSites = 0; ///< KQL row_number, prev, ... call sites numbered so far (their state's key)

  /// The field table of `scope`.
  std::vector<FieldSpec> &table(const Scope &scope);
  const std::vector<FieldSpec> &table(const Scope &scope) const;
  /// The slot of `path` in `scope`'s table, added on first use.
  uint32_t internField(const Scope &scope, const std::vector<PathStep> &path, KeyMatch keyMatch);
  /// The index of a log type, added on first use.
  uint32_t internLogType(const std::string &name);
  /// The runtime's view of the pack (no predicates).
  PackInfo info() const;
};

/// Prints the pack as text (`rulec check --emit=ir`).
void print(const Pack &pack, std::ostream &os);

} // namespace rulec::ir
