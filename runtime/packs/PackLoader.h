//===- PackLoader.h - Ahead-of-time packs, loaded without the compiler ----===//
//
// A LoadedPack opens a shared object that `rulec compile` wrote, checks its
// manifest (include/rulec/abi.h) — ABI version first, then the serialized
// PackInfo — and holds the library open while the pack is used. Loading
// takes a dlopen and a deserialization: milliseconds, no LLVM. The pack's
// calls to rulec_rt_* resolve against the loading process, which links the
// runtime (the rulec CLI exports them; hosts link librulec).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "EventEvaluator.h"
#include "packs/PackInfo.h"

#include <memory>
#include <string>

namespace rulec {

class LoadedPack {
public:
  /// Null with `error` ("... built for ABI 2; this runtime reads ABI 3 ...")
  /// when the file is not a loadable pack of this runtime's ABI.
  static std::unique_ptr<LoadedPack> open(const std::string &path, std::string &error);
  ~LoadedPack();
  LoadedPack(const LoadedPack &) = delete;
  LoadedPack &operator=(const LoadedPack &) = delete;

  const PackInfo &info() const { return info_; }
  NativePack native() const { return native_; }
  const std::string &sourceHash() const { return sourceHash_; }

private:
  LoadedPack() = default;
  void *handle_ = nullptr;
  PackInfo info_;
  NativePack native_;
  std::string sourceHash_;
};

} // namespace rulec
