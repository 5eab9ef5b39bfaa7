//===- fuzz_yaml_rule.cpp - Bytes as a YAML rule file through the frontend ===//
//
// The input is one rule file: YAML parsing, language recognition, the
// Panther, Sigma (rules and correlations) and Sentinel loaders, lowering into
// one ir::Pack, the IR passes, and every dump of the result (AST, IR, IR
// JSON, diagnostics with their source line). No JIT: fuzz_compile_run does
// that. The same bytes are also read as a Sigma configuration
// (--sigma-config), whose loader takes the same kind of hostile YAML.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "support/Diagnostics.h"
#include "Frontend.h"
#include "ir/IR.h"
#include "ir/IRJson.h"
#include "sigma/SigmaConfig.h"

#include <string>

using namespace rulec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string path = fuzz::scratchPath(".yml");
  fuzz::writeFile(path, data, size);
  std::ostream &out = fuzz::nullStream();

  DiagnosticEngine diags;
  FrontendOptions options;
  options.includeDisabled = true;
  Frontend fe = runFrontend({path}, options, diags);
  diags.print(out);
  fe.dumpAst(out);
  ir::print(fe.pack, out);
  ir::printJson(fe.pack, out);

  sigma::Config config;
  DiagnosticEngine configDiags;
  sigma::Config::load(std::string(reinterpret_cast<const char *>(data), size), "fuzz-config.yml", config,
                      configDiags);
  configDiags.print(out);
  return 0;
}
