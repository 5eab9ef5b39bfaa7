//===- EqualsTable.cpp ----------------------------------------------------===//
#include "matching/EqualsTable.h"

namespace rulec {

EqualsTable::EqualsTable(const std::vector<std::string> &needles) {
  size_t size = 4;
  while (size < needles.size() * 2)
    size *= 2;
  slots_.assign(size, Slot{});
  mask_ = size - 1;
  for (uint32_t id = 0; id < needles.size(); ++id) {
    const std::string &n = needles[id];
    const uint64_t h = hash(n.data(), n.size());
    uint64_t p = h & mask_;
    bool twice = false;
    for (; slots_[p].needle != kNone; p = (p + 1) & mask_)
      twice |= slots_[p].hash == h && slots_[p].length == n.size() &&
               pool_.compare(slots_[p].offset, n.size(), n) == 0;
    if (twice)
      continue;
    slots_[p] = {h, id, static_cast<uint32_t>(n.size()), static_cast<uint32_t>(pool_.size())};
    pool_ += n;
    if (hasLength_.size() <= n.size())
      hasLength_.resize(n.size() + 1, false);
    hasLength_[n.size()] = true;
  }
}

} // namespace rulec
