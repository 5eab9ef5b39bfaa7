//===- Jit.h - A pack compiled to machine code in memory (ORC LLJIT) ------===//
//
// JitPack is the compiled-pack object of the JIT path: it owns the LLJIT
// session holding the pack's machine code and the PackInfo the runtime needs.
// The eval function stays valid as long as the JitPack lives, and may be
// called from several threads at once (it keeps no state). The runtime
// helpers the code calls (rulec_rt_*) are bound as absolute symbols; memcmp
// comes from the process.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "ir/IR.h"
#include "packs/PackInfo.h"
#include "rulec/abi.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
namespace orc {
class LLJIT;
}
} // namespace llvm

namespace rulec {

class JitPack {
public:
  /// Generates, optimizes (O2) and JIT-compiles `pack`. On failure returns
  /// null and sets `error`.
  static std::unique_ptr<JitPack> compile(const ir::Pack &pack, std::string &error);
  ~JitPack();

  const PackInfo &info() const { return info_; }
  rulec_pack_eval_fn eval() const { return eval_; }
  rulec_pack_severity_fn severity() const { return severity_; }
  rulec_pack_column_fn column() const { return column_; }
  /// The entry points, for an EventEvaluator.
  NativePack native() const { return {eval_, severity_, column_, rules_}; }

private:
  JitPack() = default;
  PackInfo info_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  rulec_pack_eval_fn eval_ = nullptr;
  rulec_pack_severity_fn severity_ = nullptr;
  rulec_pack_column_fn column_ = nullptr;
  const rulec_pack_rule_fn *rules_ = nullptr;
};

/// A runtime helper generated code calls, bound by name as an absolute symbol.
struct RuntimeHelper {
  const char *name;
  void *address;
};

/// Every rulec_rt_* helper the JIT binds: all that codegen declares (a unit
/// test checks), so JIT code never depends on what the process exports.
const std::vector<RuntimeHelper> &runtimeHelpers();

/// The optimized LLVM module of `pack` for the host: what the JIT compiles
/// and what `--emit=llvm` prints.
std::unique_ptr<llvm::Module> buildOptimizedModule(const ir::Pack &pack, llvm::LLVMContext &ctx);

} // namespace rulec
