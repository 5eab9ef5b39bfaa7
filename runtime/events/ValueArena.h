//===- ValueArena.h - Per-event storage for array elements ----------------===//
//
// Element tables (include/rulec/abi.h) need len * K values per array, a size
// known only per event. The arena hands out zeroed (RULEC_MISSING) blocks from
// chunks it keeps across events: after the first events of a stream, reading
// arrays allocates nothing. Pointers stay valid until reset().
//
//===----------------------------------------------------------------------===//
#pragma once

#include "rulec/abi.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace rulec {

class ValueArena {
public:
  /// `n` zeroed values.
  rulec_value *allocate(size_t n);
  /// Frees every block at once; chunks are kept for the next event.
  void reset() {
    current_ = 0;
    used_ = 0;
  }

private:
  static constexpr size_t kChunkValues = 4096;
  struct Chunk {
    std::unique_ptr<rulec_value[]> values;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t current_ = 0; ///< chunk being filled
  size_t used_ = 0;    ///< values used in it
};

} // namespace rulec
