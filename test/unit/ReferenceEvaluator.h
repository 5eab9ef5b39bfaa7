//===- ReferenceEvaluator.h - IR semantics, written plainly (tests only) ---===//
//
// A direct tree-walking evaluator of IR predicates, kept only so that tests can
// check the native code against an independent reading of the IR semantics
// (docs/ir.md), as re2's testing/backtrack.cc checks re2's engines. It is never
// linked into rulec. Numbers compare in long double, which holds every int64
// and every double exactly; strings with std::string.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EvalContext.h"
#include "ir/IR.h"
#include "rulec/abi.h"

namespace rulec::test {

/// `table` is the field table of the scope `slots` belongs to; `ctx` holds
/// now, sets and regexes as for the native code (null when the pack uses none).
bool referenceEval(const ir::Expr &e, const rulec_value *slots, const std::vector<FieldSpec> &table,
                   const rulec_context *ctx = nullptr);

/// The matched rule indexes for an event of `logType`, like rulec_pack_eval.
std::vector<uint32_t> referenceEvalPack(const ir::Pack &pack, const rulec_value *slots,
                                        uint32_t logType, const rulec_context *ctx = nullptr);

} // namespace rulec::test
