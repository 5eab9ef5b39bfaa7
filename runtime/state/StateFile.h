//===- StateFile.h - Engine state that survives a restart -----------------===//
//
// `rulec run --state FILE` keeps the stream's state (open threshold and dedup
// windows, correlation groups, let-table sets, distinct rows, counts) in FILE.
// The file:
//
//   magic "RULECST\0", version u32, pack fingerprint u64 (FNV-1a of the
//   pack's serialized metadata), events consumed u64, output offset u64,
//   the input names, then Scanner::saveState's bytes (ByteCodec.h)
//
// It is written atomically: a temporary file beside it, fsync, rename over
// the old one, fsync of the folder; a crash leaves the old state or the new
// one, never a torn one. Reading checks the magic, the version, the
// fingerprint (a state belongs to one pack) and every length.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "packs/PackInfo.h"
#include "Scanner.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rulec {

inline constexpr uint32_t kStateFormatVersion = 2;

struct StateHeader {
  uint64_t eventsConsumed = 0; ///< input lines already processed, over all inputs in order
  uint64_t outputOffset = 0;   ///< bytes of --output written and covered by this state
  std::vector<std::string> inputs;
};

/// What identifies a pack's state layout.
uint64_t packFingerprint(const PackInfo &pack);

/// Writes `header` and `scanner`'s state to `path` atomically.
bool saveStateFile(const std::string &path, const PackInfo &pack, const StateHeader &header, const Scanner &scanner,
                   std::string &error);

/// Reads `path` into `header` and `scanner`. `found` is false (and the call
/// succeeds) when there is no such file: a first run.
bool loadStateFile(const std::string &path, const PackInfo &pack, StateHeader &header, Scanner &scanner, bool &found,
                   std::string &error);

} // namespace rulec
