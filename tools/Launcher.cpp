//===- Launcher.cpp - `rulec`: runs packs itself, compiles through rulec-compiler
//
// Every process that links libLLVM-19.so pays for loading it before main():
// ~70 ms on this project's VMs (relocating and paging in 100+ MB), more than
// loading a 3000-rule pack. So `rulec` links only the runtime, and runs what
// needs no compiler itself: `run --pack PACK.so`, and `run --cache DIR RULES`
// when the cache holds the pack (its key needs no compiler: CacheKey.h).
// Every other command, and a cache miss, is handed over whole (same
// arguments, same process id) to `rulec-compiler` beside it: tools/rulec.cpp,
// the CLI with the compiler. Both parse the same flags (CliFlags.h).
//
//===----------------------------------------------------------------------===//
#include "CacheKey.h"
#include "CliFlags.h"
#include "packs/RuleFiles.h"
#include "RunEvents.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

using namespace rulec;
using namespace rulec::cli;

/// Replaces this process by rulec-compiler (in this executable's folder)
/// with the same arguments; returns only on failure.
int handOver(char **argv) {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string compiler = "rulec-compiler";
  if (n > 0) {
    std::string path(self, static_cast<size_t>(n));
    compiler = path.substr(0, path.rfind('/') + 1) + compiler;
  }
  ::execv(compiler.c_str(), argv);
  std::cerr << "rulec: error: cannot run '" << compiler << "', which compiles rules: " << std::strerror(errno) << "\n";
  return kUsage;
}

} // namespace

int main(int argc, char **argv) {
  Flags flags;
  Command command;
  if (int status; !parse(argc, argv, flags, command, status))
    return status;
  if (command != Command::Run)
    return handOver(argv);
  const RunFlags &run = flags.run;
  const Clock::time_point started = Clock::now();
  if (!run.pack.empty() && run.rules.empty()) {
    std::string error;
    std::unique_ptr<LoadedPack> loaded = LoadedPack::open(run.pack, error);
    if (!loaded) {
      std::cerr << "rulec: error: " << error << "\n";
      return kUsage;
    }
    return runEvents(run, ReadyPack{.info = loaded->info(), .native = loaded->native(), .started = started});
  }
  if (!run.cache.empty() && run.pack.empty() && !run.rules.empty()) {
    std::vector<std::string> missing;
    std::vector<FileStamp> stamps;
    const int64_t stampedFrom = wallClockNs();
    const std::vector<std::string> files = listRuleFiles(run.rules, missing, &stamps);
    bool ruleErrors = false;
    if (missing.empty()) {
      const std::string key = cacheKey(run.cache, files, stamps, stampedFrom,
                                       flags.sigmaConfig.empty() ? "" : readFile(flags.sigmaConfig));
      const Clock::time_point keyed = Clock::now();
      if (std::unique_ptr<LoadedPack> loaded = cachedPack(run, key, ruleErrors))
        return runEvents(run, ReadyPack{.info = loaded->info(),
                                        .native = loaded->native(),
                                        .ruleErrors = ruleErrors,
                                        .cached = true,
                                        .started = started,
                                        .parsed = keyed,
                                        .compiledAt = Clock::now()});
    }
  }
  return handOver(argv); // rules to compile (or errors to report about them)
}
