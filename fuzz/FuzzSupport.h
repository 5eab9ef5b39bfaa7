//===- FuzzSupport.h - Shared pieces of the libFuzzer targets -------------===//
//
// The frontend reads rule files by path, so each target writes its input to
// one scratch file of its own (per process) and hands that path over: the
// fuzzed path is exactly the one `rulec check` and `rulec run` take.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace rulec::fuzz {

/// A scratch file path for this process, ending in `suffix` (".yml", ".kql").
std::string scratchPath(const std::string &suffix);

/// Writes `size` bytes to `path` (replacing it); aborts if it cannot.
void writeFile(const std::string &path, const uint8_t *data, size_t size);
void writeFile(const std::string &path, const std::string &text);

/// A stream that drops everything (diagnostics, dumps): they are rendered,
/// which is what the fuzzer exercises, but never printed.
std::ostream &nullStream();

/// The fixed `now()` of every fuzz run (2024-06-01T00:00:00Z), in ns.
constexpr int64_t kNow = 1717200000LL * 1000000000LL;

} // namespace rulec::fuzz
