//===- fuzz_kql.cpp - Bytes as a .kql query through the frontend ---------===//
//
// The input is one .kql file: the KQL lexer and parser, lowering into an
// ir::Pack (filters, computed columns, let-table sets, summarize), the IR
// passes, and the AST, IR and diagnostics dumps. No JIT.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "support/Diagnostics.h"
#include "Frontend.h"
#include "ir/IR.h"

#include <string>

using namespace rulec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string path = fuzz::scratchPath(".kql");
  fuzz::writeFile(path, data, size);
  std::ostream &out = fuzz::nullStream();

  DiagnosticEngine diags;
  Frontend fe = runFrontend({path}, FrontendOptions{}, diags);
  diags.print(out);
  fe.dumpAst(out);
  ir::print(fe.pack, out);
  return 0;
}
