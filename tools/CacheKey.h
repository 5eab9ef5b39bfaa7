//===- CacheKey.h - Where `rulec run --cache` keeps a pack ----------------===//
//
// A cached pack is named by a SHA-256 over what it was built from: each rule
// file's path and bytes, in order; the Sigma configuration's bytes; the CPU it
// was compiled for (cache entries are compiled with -mcpu=native); the runtime
// ABI. Both rulec executables compute it (tools/Launcher.cpp loads hits
// without LLVM; tools/rulec.cpp compiles misses), so it uses no compiler code:
// OpenSSL's SHA-256 and the CPU's own identification.
//
// Reading 3000 rule files to hash them took ~40 ms of a second start, so the
// cache folder also keeps a stat index per list of rule files (as git's
// index): each file's FileStamp and the key its bytes gave. When every file
// stamps as it did, the key is taken from the index without reading them.
// A stamp is only kept when the file's modification and status-change
// times are older than kRacySeconds before it was stamped (git's "racily
// clean" entries), by this machine's clock and by the cache folder's file
// system's (the index file's own time, as git's): a file changed after it
// was stamped then has other times, whatever the clock's granularity.
// docs/api.md says more, and what this assumes of the clocks.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/RuleFiles.h"

#include <string>
#include <vector>

namespace rulec::cli {

/// A file changed this close to its stamp (or later) is read and hashed
/// again at the next start.
constexpr int64_t kRacySeconds = 2;

/// The wall clock (CLOCK_REALTIME, as file times) in nanoseconds: read it
/// before stamping the files.
int64_t wallClockNs();

/// The key (64 hex digits) of `files` with the Sigma configuration's text:
/// from `cacheDir`'s stat index when each of `stamps` (taken at
/// `stampedFromNs` or later) is as the index keeps it, else from the files'
/// bytes, and then the index is written (when the stamps may be trusted)
/// for the next start.
std::string cacheKey(const std::string &cacheDir, const std::vector<std::string> &files,
                     const std::vector<FileStamp> &stamps, int64_t stampedFromNs, const std::string &sigmaConfigText);

/// This CPU as the key tells CPUs apart: vendor, family, model, stepping and
/// feature bits (x86 CPUID), or the machine name elsewhere.
std::string hostCpuKey();

} // namespace rulec::cli
