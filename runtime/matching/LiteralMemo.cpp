//===- LiteralMemo.cpp ----------------------------------------------------===//
#include "matching/LiteralMemo.h"

#include <cstddef>
#include <cstring>

namespace rulec {

namespace {

uint64_t load64(const char *p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

/// The high and low halves of the 128-bit product, folded (wyhash's step):
/// every input bit reaches every output bit. A 64-bit product with a shift
/// did not: a change in a word's top bits could cancel one of the
/// overlapping last block (LiteralMemoTest.HashSeesEveryByte).
uint64_t mix(uint64_t h, uint64_t x, uint64_t k) {
  const unsigned __int128 m = static_cast<unsigned __int128>(h ^ x) * k;
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

} // namespace

uint64_t LiteralMemo::hash(std::string_view text) {
  // Two independent lanes of 8 bytes, the last block overlapping the one
  // before; the slot index takes the low bits, so the end mixes all of them.
  const char *p = text.data();
  const size_t n = text.size();
  constexpr uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
  uint64_t a = k2 ^ n, b = k1;
  if (n >= 16) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      a = mix(a, load64(p + i), k1);
      b = mix(b, load64(p + i + 8), k2);
    }
    if (i < n) {
      a = mix(a, load64(p + n - 16), k1);
      b = mix(b, load64(p + n - 8), k2);
    }
  } else if (n >= 8) {
    a = mix(a, load64(p), k1);
    b = mix(b, load64(p + n - 8), k2);
  } else if (n > 0) {
    uint64_t x = 0;
    std::memcpy(&x, p, n);
    a = mix(a, x, k1);
  }
  return mix(mix(a, 0, k1), b, 0xff51afd7ed558ccdull);
}

const uint32_t *LiteralMemo::find(size_t field, std::string_view text, uint64_t hash, const uint32_t *&last) {
  Field &f = fields_[field];
  ++lookups_;
  if (++f.lookups == kProbe) {
    // Too few repeats: matching without lookups for a while.
    if (f.hits * 8 < kProbe)
      f.paused = kPause;
    f.lookups = f.hits = 0;
  }
  if (f.slots.empty())
    return nullptr;
  const Slot &s = f.slots[hash & (kSlots - 1)];
  if (s.hash != hash || !s.value)
    return nullptr;
  Header h;
  std::memcpy(&h, s.value.get(), sizeof h);
  const char *bits = s.value.get() + sizeof h;
  if (h.textLength != text.size() ||
      (!text.empty() && std::memcmp(bits + h.bits * sizeof(uint32_t), text.data(), text.size()) != 0))
    return nullptr;
  ++hits_;
  ++f.hits;
  const uint32_t *first = reinterpret_cast<const uint32_t *>(bits);
  last = first + h.bits;
  return first;
}

void LiteralMemo::store(size_t field, std::string_view text, uint64_t hash, const std::vector<uint32_t> &found) {
  Field &f = fields_[field];
  if (f.slots.empty())
    f.slots.resize(kSlots);
  Slot &s = f.slots[hash & (kSlots - 1)];
  const size_t bits = found.size() * sizeof(uint32_t);
  const size_t need = sizeof(Header) + bits + text.size();
  Header h{static_cast<uint32_t>(text.size()), static_cast<uint32_t>(found.size()), 0};
  if (s.value)
    std::memcpy(&h.capacity, s.value.get() + offsetof(Header, capacity), sizeof h.capacity);
  if (!s.value || need > h.capacity) {
    h.capacity = static_cast<uint32_t>((need + 63) & ~size_t(63)); // room for the slot's next values
    s.value.reset(new char[h.capacity]);
  }
  std::memcpy(s.value.get(), &h, sizeof h);
  // An empty vector's or view's data() may be null, which memcpy may not be
  // given even for 0 bytes (UBSan).
  if (bits)
    std::memcpy(s.value.get() + sizeof h, found.data(), bits);
  if (!text.empty())
    std::memcpy(s.value.get() + sizeof h + bits, text.data(), text.size());
  s.hash = hash;
}

} // namespace rulec
