//===- IR.h - rulec's typed predicate IR ----------------------------------===//
//
// One IR for every rule language. A Pack is what one compilation produces:
//
//   - a field table: every field path any rule reads, interned to a slot
//     ($N); an event is read into these slots once, however many rules use
//     a field;
//   - a log-type table (#N); a rule runs only on events of its log types;
//   - rules: runtime metadata (PackInfo's RuleInfo) and a predicate Expr.
//
// Expressions are boolean trees. Leaves test one slot; their operation is
// typed by the constant they compare with (eq.int, eq.str, ...), so codegen
// and the reference evaluator never guess a type. Missing and null are part
// of the semantics of each leaf (see docs/ir.md):
//
//   exists $N        the field is present (null counts as present)
//   is_null $N       the field is missing or JSON null
//   eq.<T> $N, C     Python `==` between the field and C (T = int, float,
//                    bool, str); false for a missing field
//   ieq.str $N, C    string equality ignoring ASCII case; false for non-strings
//   not / and / or / exactly_one / true / false
//
//===----------------------------------------------------------------------===//
#pragma once

#include "PackInfo.h"
#include "SourceLocation.h"
#include "YamlScalar.h"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rulec::ir {

enum class Op : uint8_t {
  Const,      ///< boolValue
  Not,        ///< one operand
  And,        ///< all operands (short-circuit, left to right)
  Or,         ///< any operand (short-circuit, left to right)
  ExactlyOne, ///< exactly one operand true
  Exists,     ///< slot present
  IsNull,     ///< slot missing or null
  Eq,         ///< slot == constant (Python semantics, typed by constant.kind)
  EqFold,     ///< string slot equals constant ignoring ASCII case; constant is lower case
};

struct Expr {
  Op op = Op::Const;
  SourceLocation loc;
  bool boolValue = false;  ///< Const
  uint32_t slot = 0;       ///< leaves
  Scalar constant;         ///< Eq, EqFold
  std::vector<std::unique_ptr<Expr>> operands;

  static std::unique_ptr<Expr> makeConst(bool v, SourceLocation loc);
  static std::unique_ptr<Expr> makeLeaf(Op op, uint32_t slot, SourceLocation loc);
  static std::unique_ptr<Expr> makeNary(Op op, std::vector<std::unique_ptr<Expr>> ops,
                                        SourceLocation loc);
  static std::unique_ptr<Expr> makeNot(std::unique_ptr<Expr> e, SourceLocation loc);
};

/// The IR name of a leaf or operator, typed for Eq: "eq.int", "ieq.str", "and".
std::string opName(const Expr &e);

struct Rule {
  RuleInfo info;
  SourceLocation loc;
  std::unique_ptr<Expr> predicate;
};

struct Pack {
  std::vector<FieldSpec> fields;
  std::vector<std::string> logTypes;
  std::vector<Rule> rules;

  /// The slot of `field`, added to the table on first use.
  uint32_t internField(const FieldSpec &field);
  /// The index of a log type, added on first use.
  uint32_t internLogType(const std::string &name);
  /// The runtime's view of the pack (no predicates).
  PackInfo info() const;
};

/// Prints the pack as text (`rulec check --emit=ir`).
void print(const Pack &pack, std::ostream &os);

} // namespace rulec::ir
