//===- CApiPack.h - What a rulec_pack of the C API holds ------------------===//
//
// Shared by api/CApi.cpp (AOT packs, engines) and api/CApiCompile.cpp
// (JIT packs): the runtime's view of a pack plus whatever keeps its code
// alive (a LoadedPack's library, or a JitPack's session).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/PackInfo.h"

#include <memory>

struct rulec_pack {
  const rulec::PackInfo *info = nullptr;
  rulec::NativePack native;
  std::shared_ptr<void> owner;
};

namespace rulec {
/// A message for the C API's `error` out-parameters (freed by rulec_free).
char *copyMessage(const std::string &message);
} // namespace rulec
