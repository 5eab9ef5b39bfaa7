//===- Codegen.h - IR -> LLVM IR ------------------------------------------===//
//
// Emits one LLVM module per pack: an internal `i1 @rule.N(ptr %slots)` per
// rule and the exported entry points of include/rulec/abi.h:
// `rulec_pack_eval` switches on the event's log type and calls only that
// type's rules; `rulec_pack_severity` evaluates a matched rule's dynamic
// severities. Leaves dispatch on the slot's kind at run time and compare with
// constants baked into the code; string prefixes and equality use memcmp
// (expanded inline by LLVM for short constants), other string and IP tests
// call the rulec_rt_* helpers. Element ops become loops over the element
// records the runtime lays out.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace rulec::codegen {

/// The names of the pack's entry points in every module and object.
inline constexpr const char *kEvalSymbol = "rulec_pack_eval";
inline constexpr const char *kSeveritySymbol = "rulec_pack_severity";
inline constexpr const char *kColumnSymbol = "rulec_pack_column";

/// Which part of a pack one module holds. The JIT compiles a large pack as
/// several modules on several threads: part 0 holds the entry points
/// (rulec_pack_eval, _severity, _column), parts 1..count-1 the rule functions
/// (rule r in part 1 + r % (count - 1)), which then have external linkage
/// under the names ruleSymbol() gives. One part (the default) is the whole
/// pack in one module.
struct Part {
  uint32_t index = 0, count = 1;
};

/// The symbol of rule `index`'s function in a pack of several parts.
std::string ruleSymbol(uint32_t index);

/// Builds the (unoptimized) module of `part` of `pack`.
std::unique_ptr<llvm::Module> generate(const ir::Pack &pack, llvm::LLVMContext &ctx, Part part = {});

/// Registers the host's LLVM target once (any thread may call it).
void initializeNativeTarget();

/// A TargetMachine for the host CPU; aborts with a message if LLVM has no
/// native target (never the case with Debian's LLVM on x86-64 or arm64).
std::unique_ptr<llvm::TargetMachine> createHostTargetMachine();

/// A pack of this many rules or more is large: the JIT compiles it as several
/// parts on several threads (Jit.cpp), and neither the JIT nor AOT packs give
/// it IR passes (OptLevel::None). Its scan is as fast: the hot code is in the
/// runtime's helpers, and the rules' own code is branches and calls. (Fast
/// instruction selection, CodeGenOptLevel::None, is the JIT's for any pack,
/// and AOT packs' only with AotOptions::asJit.)
inline constexpr size_t kLargePackRules = 64;

/// How much IR optimization a module gets before machine code.
enum class OptLevel {
  /// Small JIT packs: SROA, early CSE, CFG simplification and instcombine
  /// per function. Packs scan as fast as after O2 (1, 10 and 1183-rule
  /// packs, within noise: the hot code is in the runtime's helpers).
  Quick,
  /// Small AOT packs, compiled once: LLVM's O2 pipeline.
  Full,
  /// Large packs (kLargePackRules): no IR passes. The generated code suits
  /// fast instruction selection as it is (no switch in a rule, zero-extended
  /// i1 results), so its machine code needs no SelectionDAG.
  None,
};

/// The IR passes the JIT gives `pack` (and AOT packs compiled as the JIT
/// does, AotOptions::asJit). None for large packs: when it came in, 3000
/// SigmaHQ rules compiled in 1.3 s instead of 2.1 s (one core), and the
/// 1183-rule pack scans as fast (its hot code is in the runtime). Small
/// packs keep the quick pipeline, which makes the Netskope pack of 9
/// Panther rules scan 6% faster.
OptLevel jitOptLevel(const ir::Pack &pack);

/// Sets the module's triple and data layout to `tm` and runs the IR
/// pipeline of `level`.
void optimize(llvm::Module &module, llvm::TargetMachine &tm, OptLevel level);

/// Writes the module as assembly text for `tm`.
void emitAssembly(llvm::Module &module, llvm::TargetMachine &tm, llvm::raw_pwrite_stream &out);

} // namespace rulec::codegen
