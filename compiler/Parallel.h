//===- Parallel.h - The compiler's threads --------------------------------===//
//
// The frontend parses YAML files and the JIT compiles a large pack's parts on
// all cores (YamlFile.cpp, Jit.cpp); both split their work the same way.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

namespace rulec {

/// Threads for the compiler's parallel stages: the machine's cores, at most 8.
inline unsigned compilerThreads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 8u); }

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
