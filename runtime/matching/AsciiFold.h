//===- AsciiFold.h - ASCII lower case of a string, 16 bytes at a time -----===//
//
// The literal sets and the regex gate compare lower-case needles with texts
// folded this way: 'A'-'Z' become 'a'-'z', every other byte stays (Sigma and
// Panther fold ASCII only; docs/sigma.md).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rulec {

/// 8 bytes folded at once (SWAR): a byte gets 0x20 when it is 'A'-'Z'.
inline uint64_t foldWord(uint64_t x) {
  const uint64_t seven = x & 0x7f7f7f7f7f7f7f7full;
  const uint64_t atLeastA = seven + 0x3f3f3f3f3f3f3f3full; // + (0x80 - 'A'): top bit when >= 'A'
  const uint64_t aboveZ = seven + 0x2525252525252525ull;   // + (0x80 - 'Z' - 1): top bit when > 'Z'
  const uint64_t upper = atLeastA & ~aboveZ & ~x & 0x8080808080808080ull;
  return x | (upper >> 2);
}

/// Writes `in[0, n)` folded to `out`; returns whether any byte is >= 0x80.
/// Blocks of 16 (SSE2) or 8 (SWAR) bytes, the last one overlapping the one
/// before rather than a byte loop: most fields are 10-200 bytes.
inline bool foldAscii(const char *in, size_t n, char *out) {
  if (n < 8) {
    unsigned high = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(in[i]);
      high |= c >> 7;
      out[i] = static_cast<char>(static_cast<unsigned>(c - 'A') < 26u ? c | 0x20 : c);
    }
    return high != 0;
  }
#if defined(__SSE2__)
  if (n >= 16) {
    // Signed compares leave bytes >= 0x80 alone; movemask gathers their top bits.
    const __m128i below = _mm_set1_epi8('A' - 1), above = _mm_set1_epi8('Z' + 1), bit = _mm_set1_epi8(0x20);
    unsigned high = 0;
    auto block = [&](size_t i) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i));
      const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(a, below), _mm_cmplt_epi8(a, above));
      _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_or_si128(a, _mm_and_si128(upper, bit)));
      high |= static_cast<unsigned>(_mm_movemask_epi8(a));
    };
    for (size_t i = 0; i + 16 <= n; i += 16)
      block(i);
    if (n % 16)
      block(n - 16);
    return high != 0;
  }
#endif
  uint64_t high = 0;
  for (size_t i = 0;; i += 8) {
    const size_t at = i + 8 <= n ? i : n - 8;
    uint64_t x;
    std::memcpy(&x, in + at, 8);
    high |= x;
    x = foldWord(x);
    std::memcpy(out + at, &x, 8);
    if (at + 8 == n)
      break;
  }
  return (high & 0x8080808080808080ull) != 0;
}

} // namespace rulec
