//===- Aot.h - Ahead-of-time rule packs: objects and shared objects -------===//
//
// `rulec compile` writes the pack's optimized module as a native object (or
// assembly) for a target, with an exported rulec_pack_manifest (abi.h) that
// carries the ABI version, the serialized PackInfo and a hash of the rule
// sources; a shared object is that object linked by the system's C compiler
// driver (`cc -shared`). The pack's references to rulec_rt_* stay undefined:
// the host that loads it (runtime/packs/PackLoader.h) provides them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/IR.h"

#include <string>
#include <vector>

namespace rulec {

struct AotOptions {
  enum class Kind { Object, SharedObject, Assembly } kind = Kind::SharedObject;
  std::string output;
  std::string triple; ///< empty: the host's
  std::string cpu;    ///< empty: "generic" for the triple; "native": the host's
  /// Compiled as the JIT compiles (codegen::jitOptLevel, fast instruction
  /// selection): the first start of `rulec run --cache`, which waits for it.
  /// 1183 SigmaHQ rules in ~1.2 s instead of ~3.7, scanning ~3% slower than
  /// with SelectionDAG (as JIT-compiled code does).
  bool asJit = false;
};

/// BLAKE3 (256 bits, hex) over each rule file's path and bytes, in order, and the
/// Sigma configuration's bytes: what a pack was built from (its manifest's
/// source hash; `run --cache` names entries by tools/CacheKey.h instead).
std::string hashSources(const std::vector<std::string> &files, const std::string &sigmaConfigText);

/// Writes `pack` as `options` say; false with `error` on failure.
bool writeAotPack(const ir::Pack &pack, const std::string &sourceHash, const AotOptions &options,
                  std::string &error);

} // namespace rulec
