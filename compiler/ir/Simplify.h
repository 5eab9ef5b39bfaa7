//===- Simplify.h - Boolean clean-up pass over IR predicates --------------===//
//
// Rule languages nest combinators freely (Panther's top-level list is an
// implicit All around an All). This pass, run before codegen and before the
// `--emit=ir` dump, keeps the meaning and removes the noise:
//   and(and(a,b),c) -> and(a,b,c)     or likewise
//   and(x) -> x, or(x) -> x, exactly_one(x) -> x
//   not(not(x)) -> x
//   and(..., false, ...) -> false, and(..., true, ...) drops the true
//   or(..., true, ...) -> true,  or(..., false, ...) drops the false
//   not(true) -> false
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

namespace rulec::ir {

std::unique_ptr<Expr> simplify(std::unique_ptr<Expr> e);
void simplify(Pack &pack);

} // namespace rulec::ir
