//===- ReferenceEvaluator.h - IR semantics, written plainly (tests only) ---===//
//
// A direct tree-walking evaluator of IR predicates, kept only so that tests can
// check the native code against an independent reading of the IR semantics
// (docs/ir.md), as re2's testing/backtrack.cc checks re2's engines. It is never
// linked into rulec.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "IR.h"
#include "rulec/abi.h"

namespace rulec::test {

bool referenceEval(const ir::Expr &e, const rulec_value *slots);

/// The matched rule indexes for an event of `logType`, like rulec_pack_eval.
std::vector<uint32_t> referenceEvalPack(const ir::Pack &pack, const rulec_value *slots,
                                        uint32_t logType);

} // namespace rulec::test
