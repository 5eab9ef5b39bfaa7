//===- CacheKey.h - Where `rulec run --cache` keeps a pack ----------------===//
//
// A cached pack is named by a SHA-256 over what it was built from: each rule
// file's path and bytes, in order; the Sigma configuration's bytes; the CPU it
// was compiled for (cache entries are compiled with -mcpu=native); the runtime
// ABI. Both rulec executables compute it (tools/Launcher.cpp loads hits
// without LLVM; tools/rulec.cpp compiles misses), so it uses no compiler code:
// OpenSSL's SHA-256 and the CPU's own identification.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace rulec::cli {

/// The key (64 hex digits) of `files` with the Sigma configuration's text.
std::string cacheKey(const std::vector<std::string> &files, const std::string &sigmaConfigText);

/// This CPU as the key tells CPUs apart: vendor, family, model, stepping and
/// feature bits (x86 CPUID), or the machine name elsewhere.
std::string hostCpuKey();

} // namespace rulec::cli
