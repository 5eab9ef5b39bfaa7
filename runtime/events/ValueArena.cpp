//===- ValueArena.cpp -----------------------------------------------------===//
#include "events/ValueArena.h"

#include <algorithm>
#include <cstring>

namespace rulec {

rulec_value *ValueArena::allocate(size_t n) {
  while (current_ < chunks_.size() && chunks_[current_].size - used_ < n) {
    ++current_;
    used_ = 0;
  }
  if (current_ == chunks_.size()) {
    size_t size = std::max(n, kChunkValues);
    chunks_.push_back({std::make_unique<rulec_value[]>(size), size});
    used_ = 0;
  }
  rulec_value *out = chunks_[current_].values.get() + used_;
  used_ += n;
  std::memset(out, 0, n * sizeof(rulec_value));
  return out;
}

} // namespace rulec
