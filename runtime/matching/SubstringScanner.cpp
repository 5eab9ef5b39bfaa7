//===- SubstringScanner.cpp -----------------------------------------------===//
#include "matching/SubstringScanner.h"

#include <algorithm>
#include <stdexcept>

namespace rulec {

namespace {

uint32_t windowAt(std::string_view s, size_t at, uint32_t mask) {
  uint32_t w = 0;
  if (at + 4 <= s.size())
    std::memcpy(&w, s.data() + at, 4); // a fixed size: no call
  else
    std::memcpy(&w, s.data() + at, s.size() - at);
  return w & mask;
}

/// Bytes common in paths and command lines: a window of them is a poor anchor
/// even when few needles share it.
bool commonByte(char c) {
  return c == ' ' || c == '\\' || c == '/' || c == '.' || c == '-' || c == '"' || c == ':' || c == 'e' ||
         c == 'a' || c == 'i' || c == 'o' || c == 's' || c == 't' || c == 'r' || c == 'n';
}

unsigned log2Ceil(size_t n) {
  unsigned bits = 0;
  while ((size_t(1) << bits) < n)
    ++bits;
  return bits;
}

/// How many times the needles hold each window: an
/// open-addressing table, sized for `windows` windows in all. Packs load
/// faster with it than with a std::unordered_map or a sort (~10^5 windows).
class WindowCounts {
public:
  explicit WindowCounts(size_t windows) {
    const unsigned bits = std::max(log2Ceil(windows * 2), 4u);
    slots_.assign(size_t(1) << bits, Slot{});
    shift_ = 32 - bits;
  }
  void add(uint32_t window) { ++find(window).count; }
  uint32_t count(uint32_t window) { return find(window).count; }

private:
  struct Slot {
    uint32_t window = 0;
    uint32_t count = 0; ///< 0: empty
  };
  Slot &find(uint32_t window) {
    const size_t mask = slots_.size() - 1;
    for (size_t p = (window * 0x9E3779B1u) >> shift_;; p = (p + 1) & mask)
      if (slots_[p].count == 0 || slots_[p].window == window) {
        slots_[p].window = window;
        return slots_[p];
      }
  }
  std::vector<Slot> slots_;
  unsigned shift_;
};

} // namespace

SubstringScanner::SubstringScanner(const std::vector<std::string_view> &needles) {
  Pass byWidth[4];
  for (unsigned w = 1; w <= 4; ++w) {
    byWidth[w - 1].width = w;
    byWidth[w - 1].mask = w == 4 ? 0xffffffffu : (1u << (8 * w)) - 1;
  }
  // Windows of 4+ byte needles, counted to pick rare anchors (a window twice
  // in one needle counts twice: the count only ranks anchors).
  size_t total = 0;
  for (std::string_view n : needles) {
    if (n.empty())
      throw std::invalid_argument("SubstringScanner: an empty needle");
    total += n.size() >= 4 ? n.size() - 3 : 0;
  }
  WindowCounts shared(total);
  for (std::string_view n : needles)
    for (size_t i = 0; i + 4 <= n.size(); ++i)
      shared.add(windowAt(n, i, 0xffffffffu));
  for (uint32_t id = 0; id < needles.size(); ++id) {
    const std::string_view n = needles[id];
    Pass &pass = byWidth[std::min<size_t>(n.size(), 4) - 1];
    size_t best = 0;
    uint64_t bestScore = UINT64_MAX;
    unsigned common = 0; // common bytes in the window at i, kept as it slides
    for (size_t k = 0; k < 3 && k < n.size(); ++k)
      common += commonByte(n[k]);
    for (size_t i = 0; i + 4 <= n.size(); ++i) {
      common += commonByte(n[i + 3]);
      const uint64_t score = uint64_t(shared.count(windowAt(n, i, 0xffffffffu))) * 8 + common;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
      common -= commonByte(n[i]);
    }
    pass.entries.push_back({windowAt(n, best, pass.mask), id, static_cast<uint32_t>(pool_.size()),
                            static_cast<uint32_t>(n.size()), static_cast<uint32_t>(best)});
    pool_ += n;
  }
  pool_.append(kPadding, '\0');
  for (int w = 3; w >= 0; --w)
    if (!byWidth[w].entries.empty()) {
      byWidth[w].index();
      passes_.push_back(std::move(byWidth[w]));
    }
}

void SubstringScanner::Pass::index() {
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.window != b.window ? a.window < b.window : a.needle < b.needle; });
  size_t distinct = 0;
  for (size_t i = 0; i < entries.size(); ++i)
    distinct += i == 0 || entries[i].window != entries[i - 1].window;
  // A filter of about 32 bits per anchor window lets ~3% of other windows
  // through; the table is at most half full.
  const unsigned filterBits = std::clamp(log2Ceil(distinct * 32), 10u, 20u);
  filter.assign((size_t(1) << filterBits) / 64, 0);
  filterShift = 32 - filterBits;
  const unsigned tableBits = std::max(log2Ceil(distinct * 2), 1u);
  table.assign(size_t(1) << tableBits, Bucket{});
  tableShift = 32 - tableBits;
  tableMask = (1u << tableBits) - 1;
  // Teddy's buckets: the distinct anchors in order, cut into 8 runs, so that
  // a bucket's anchors tend to share leading bytes (and nibbles).
  if (distinct <= kTeddyMaxAnchors) {
    teddyBytes = std::min(width, 3u);
    size_t rank = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0 && entries[i].window != entries[i - 1].window)
        ++rank;
      const uint8_t bucket = static_cast<uint8_t>(1u << (rank * 8 / distinct));
      for (unsigned k = 0; k < teddyBytes; ++k) {
        const uint8_t byte = static_cast<uint8_t>(entries[i].window >> (8 * k));
        teddyLo[k][byte & 15] |= bucket;
        teddyHi[k][byte >> 4] |= bucket;
      }
    }
  }
  for (size_t i = 0; i < entries.size();) {
    size_t j = i;
    while (j < entries.size() && entries[j].window == entries[i].window)
      ++j;
    const uint32_t h = hash(entries[i].window);
    uint32_t p = h >> tableShift;
    while (table[p].count)
      p = (p + 1) & tableMask;
    table[p] = {entries[i].window, static_cast<uint32_t>(i), static_cast<uint32_t>(j - i)};
    const uint32_t bit = h >> filterShift;
    filter[bit >> 6] |= uint64_t(1) << (bit & 63);
    i = j;
  }
}

} // namespace rulec
