//===- EqualsTable.h - Which needle a text equals --------------------------===//
//
// ieq needles (folded, as for SubstringScanner): the text is hashed whole, 8
// bytes at a time, and looked up once; a text of a length no needle has is
// not hashed at all. (A trie walk spent a step per byte of the long shared
// path prefixes of ieq needles on images.)
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace rulec {

class EqualsTable {
public:
  explicit EqualsTable(const std::vector<std::string> &needles);

  /// Calls found(index) once when text[0, n) equals a needle (the first
  /// index of a needle given twice).
  template <typename Found> void match(const char *text, size_t n, Found &&found) const {
    if (n >= hasLength_.size() || !hasLength_[n])
      return;
    const uint64_t h = hash(text, n);
    for (uint64_t p = h & mask_;; p = (p + 1) & mask_) {
      const Slot &s = slots_[p];
      if (s.needle == kNone)
        return;
      if (s.hash == h && s.length == n && std::memcmp(text, pool_.data() + s.offset, n) == 0) {
        found(s.needle);
        return;
      }
    }
  }

private:
  static uint64_t hash(const char *s, size_t n) {
    uint64_t h = n * 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t chunk;
      std::memcpy(&chunk, s + i, 8);
      h = (h ^ chunk) * 0xff51afd7ed558ccdull;
      h ^= h >> 29;
    }
    if (i < n) {
      uint64_t chunk = 0;
      std::memcpy(&chunk, s + i, n - i);
      h = (h ^ chunk) * 0xff51afd7ed558ccdull;
      h ^= h >> 29;
    }
    return h;
  }

  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t needle = kNone;
    uint32_t length = 0;
    uint32_t offset = 0;
  };
  std::string pool_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  std::vector<bool> hasLength_; ///< by length: some needle has it
};

} // namespace rulec
