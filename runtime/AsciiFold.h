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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rulec {

/// Writes `in[0, n)` folded to `out`; returns whether any byte is >= 0x80.
inline bool foldAscii(const char *in, size_t n, char *out) {
  size_t i = 0;
  unsigned high = 0;
#if defined(__SSE2__)
  // Signed compares leave bytes >= 0x80 alone; movemask gathers their top bits.
  const __m128i below = _mm_set1_epi8('A' - 1), above = _mm_set1_epi8('Z' + 1), bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i));
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(a, below), _mm_cmplt_epi8(a, above));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_or_si128(a, _mm_and_si128(upper, bit)));
    high |= static_cast<unsigned>(_mm_movemask_epi8(a));
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    high |= c >> 7;
    out[i] = static_cast<char>(static_cast<unsigned>(c - 'A') < 26u ? c | 0x20 : c);
  }
  return high != 0;
}

} // namespace rulec
