//===- IRJson.h - The IR as JSON (`rulec check --emit=json`) --------------===//
//
// The same pack `--emit=ir` prints, as one JSON document for tools: the
// benchmark's peers (bench/) translate it into Python, JavaScript, SQL and jq
// so that they run the very logic rulec compiled. Ops carry their IR names
// (docs/ir.md); constants carry their type; NaN and infinities, which JSON
// lacks, are strings.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

#include <iosfwd>

namespace rulec::ir {

void printJson(const Pack &pack, std::ostream &os);

} // namespace rulec::ir
