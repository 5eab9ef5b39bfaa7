//===- RunEvents.h - `rulec run` once its pack is ready -------------------===//
//
// The events half of `rulec run`: reading the inputs, the scanner, saved
// state, alerts and rows out, the summary. Both rulec executables share it:
// the launcher (tools/Launcher.cpp) with a pack it loaded, the compiler
// (tools/rulec.cpp) with one it compiled.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "CliFlags.h"
#include "EventEvaluator.h"
#include "packs/PackInfo.h"
#include "packs/PackLoader.h"

#include <chrono>
#include <memory>
#include <string>

namespace rulec::cli {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to);

/// A pack ready to run, and how it came to be (for --timing and the exit
/// status).
struct ReadyPack {
  const PackInfo &info;
  NativePack native;
  bool ruleErrors = false; ///< some rule had errors: the run ends with exit code 1
  bool compiled = false;   ///< compiled by this run (JIT, or for the cache): --timing says "compile"
  bool jit = false;        ///< compiled by the JIT: --timing splits the figure at parsed and compiledAt
  bool cached = false;     ///< loaded from --cache: --timing splits the figure at parsed (rule files keyed) and compiledAt (pack open)
  Clock::time_point started, parsed, compiledAt;
};

/// Runs `pack` over the events `flags` name; the exit code.
int runEvents(const RunFlags &flags, const ReadyPack &pack);

/// The whole of a file ("" when it cannot be read).
std::string readFile(const std::string &path);

/// --cache: the pack an earlier run compiled for `rule files` (`key`, from
/// tools/CacheKey.h), its rules' diagnostics printed again; null when the
/// cache has none (or a damaged one).
std::unique_ptr<LoadedPack> cachedPack(const RunFlags &flags, const std::string &key, bool &ruleErrors);

} // namespace rulec::cli
