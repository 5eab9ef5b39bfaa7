//===- Parallel.h - The compiler's threads --------------------------------===//
//
// The frontend parses YAML files and the JIT compiles a large pack's parts on
// all cores (YamlFile.cpp, Jit.cpp); both split their work the same way.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#if defined(__linux__)
#include <sched.h>
#endif
#include <thread>
#include <vector>

namespace rulec {

/// Threads for the compiler's parallel stages: the cores this process may
/// run on (its affinity mask: `taskset -c 0` is one core, whatever the
/// machine has), at most 8.
inline unsigned compilerThreads() {
  unsigned cores = std::thread::hardware_concurrency();
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    cores = static_cast<unsigned>(CPU_COUNT(&set));
#endif
  return std::clamp(cores, 1u, 8u);
}

/// Runs work(0) .. work(threads - 1), each on a thread of its own (work(0) on
/// this one), and returns when all are done.
template <typename Work> void runOnThreads(unsigned threads, const Work &work) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back([&work, t] { work(t); });
  work(0u);
  for (std::thread &t : pool)
    t.join();
}

} // namespace rulec
