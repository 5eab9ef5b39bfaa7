//===- SubstringScanner.h - Which of many needles occur in a text ---------===//
//
// One pass over a text finds every needle of a set that occurs in it. Each
// needle is indexed by one 4-byte window of itself, its anchor: of its
// windows, the one the fewest other needles share (a window every path holds,
// like ".exe" or "\win", would be looked up at every event). The scan reads
// the window at each text position, tests it in a bit filter (nearly every
// position stops there), and on a hit compares the needles anchored on that
// window with the text around it. Needles of 1 to 3 bytes are their own
// anchor, in a pass of that window width.
//
// Measured on the 8,601 icontains needles of 4+ bytes that the 1,183 SigmaHQ
// process_creation rules test on CommandLine, over generated command lines
// (163 bytes on average): about 0.4 us a text, where a Hyperscan literal
// database of the same needles took 1.05 us and of all 8,966 (with the
// 1-3 byte ones) 2.0 us.
//
// Texts and needles are compared byte for byte: the caller folds both the same
// way (ASCII lower case, LiteralMatcher.h) and leaves kPadding readable bytes
// after the text, so the window load at its last positions stays inside.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RULEC_TEDDY 1
#include <immintrin.h>
#else
#define RULEC_TEDDY 0
#endif

namespace rulec {

class SubstringScanner {
public:
  /// Bytes the scan may read past the end of a text.
  static constexpr size_t kPadding = 8;

  /// Indexes `needles`, reported by their position in the vector; none may
  /// be empty.
  explicit SubstringScanner(const std::vector<std::string_view> &needles);
  explicit SubstringScanner(const std::vector<std::string> &needles)
      : SubstringScanner(std::vector<std::string_view>(needles.begin(), needles.end())) {}

  /// Calls found(index) for each needle that occurs in text[0, n), as often
  /// as it occurs there.
  template <typename Found> void scan(const char *text, size_t n, Found &&found) const {
    for (const Pass &pass : passes_)
      pass.scan(text, n, pool_.data(), found);
  }

  bool empty() const { return passes_.empty(); }
  /// Whether a scan tests every text position in the bit filter (some pass
  /// has too many anchors for Teddy): ~2 ns a byte, where Teddy takes a
  /// fraction of that.
  bool filtersEveryPosition() const {
    for (const Pass &pass : passes_)
      if (!RULEC_TEDDY || pass.teddyBytes == 0 || !hasSsse3())
        return true;
    return false;
  }

private:
  struct Entry {
    uint32_t window;
    uint32_t needle;
    uint32_t offset; ///< of the needle's bytes in pool_
    uint32_t length;
    uint32_t anchor; ///< where the window starts in the needle
  };
  struct Bucket {
    uint32_t window = 0;
    uint32_t first = 0;
    uint32_t count = 0; ///< 0: empty
  };
  /// The needles anchored on windows of one width.
  struct Pass {
    unsigned width = 4;
    uint32_t mask = 0xffffffffu;
    std::vector<Entry> entries; ///< sorted by window
    std::vector<uint64_t> filter;
    unsigned filterShift = 32;
    std::vector<Bucket> table;
    unsigned tableShift = 32;
    uint32_t tableMask = 0;
    /// Few anchors: Teddy (Hyperscan's SIMD literal filter). The anchors are
    /// spread over 8 buckets; per byte k < teddyBytes of a window, two
    /// 16-entry tables give the buckets whose anchors have that low and that
    /// high nibble there. Two shuffles and ANDs per k test 16 positions at
    /// once; only positions some bucket passes at every k go on to the bit
    /// filter. The bit filter alone is a dependent hash and load per
    /// position; a one-rule pack's 23 command-line needles scan ~4x faster.
    static constexpr size_t kTeddyMaxAnchors = 48;
    unsigned teddyBytes = 0; ///< 0: no Teddy tables
    uint8_t teddyLo[3][16] = {}, teddyHi[3][16] = {};

    static uint32_t hash(uint32_t window) { return window * 0x9E3779B1u; }
    void index(); ///< fills filter, table and the Teddy tables from entries

#if RULEC_TEDDY
    template <typename Found>
    __attribute__((target("ssse3"))) void scanTeddy(const char *text, size_t n, const char *pool, Found &found) const {
      const __m128i low = _mm_set1_epi8(0x0f);
      __m128i lo[3], hi[3];
      for (unsigned k = 0; k < teddyBytes; ++k) {
        lo[k] = _mm_loadu_si128(reinterpret_cast<const __m128i *>(teddyLo[k]));
        hi[k] = _mm_loadu_si128(reinterpret_cast<const __m128i *>(teddyHi[k]));
      }
      size_t i = 0;
      for (; i + 15 + width <= n; i += 16) { // the 16 windows at i.. lie in the text
        __m128i buckets = _mm_set1_epi8(-1);
        for (unsigned k = 0; k < teddyBytes; ++k) {
          const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(text + i + k));
          const __m128i l = _mm_shuffle_epi8(lo[k], _mm_and_si128(c, low));
          const __m128i h = _mm_shuffle_epi8(hi[k], _mm_and_si128(_mm_srli_epi16(c, 4), low));
          buckets = _mm_and_si128(buckets, _mm_and_si128(l, h));
        }
        unsigned m = ~_mm_movemask_epi8(_mm_cmpeq_epi8(buckets, _mm_setzero_si128())) & 0xffffu;
        while (m) {
          const size_t at = i + __builtin_ctz(m);
          m &= m - 1;
          uint32_t window;
          std::memcpy(&window, text + at, sizeof window);
          window &= mask;
          if (passes(window))
            confirm(text, n, at, window, pool, found);
        }
      }
      scanFrom(i, text, n, pool, found);
    }
#endif

    bool passes(uint32_t window) const {
      const uint32_t bit = hash(window) >> filterShift;
      return (filter[bit >> 6] >> (bit & 63)) & 1;
    }

    template <typename Found> void scan(const char *text, size_t n, const char *pool, Found &found) const {
#if RULEC_TEDDY
      if (teddyBytes && hasSsse3())
        return scanTeddy(text, n, pool, found);
#endif
      scanFrom(0, text, n, pool, found);
    }

    /// The windows from position i on, through the bit filter. Four
    /// positions per step: one 8-byte load holds their windows, and one
    /// branch skips them when the filter lets none through (most steps).
    template <typename Found>
    void scanFrom(size_t i, const char *text, size_t n, const char *pool, Found &found) const {
      for (; i + 3 + width <= n; i += 4) {
        uint64_t bytes;
        std::memcpy(&bytes, text + i, sizeof bytes);
        const uint32_t w0 = static_cast<uint32_t>(bytes) & mask, w1 = static_cast<uint32_t>(bytes >> 8) & mask;
        const uint32_t w2 = static_cast<uint32_t>(bytes >> 16) & mask, w3 = static_cast<uint32_t>(bytes >> 24) & mask;
        const unsigned hits = passes(w0) | passes(w1) << 1 | passes(w2) << 2 | passes(w3) << 3;
        if (hits == 0)
          continue;
        const uint32_t w[4] = {w0, w1, w2, w3};
        for (unsigned k = 0; k < 4; ++k)
          if (hits >> k & 1)
            confirm(text, n, i + k, w[k], pool, found);
      }
      for (; i + width <= n; ++i) {
        uint32_t window;
        std::memcpy(&window, text + i, sizeof window);
        window &= mask;
        if (passes(window))
          confirm(text, n, i, window, pool, found);
      }
    }

    /// The needles anchored on `window`, compared with the text at `i`.
    template <typename Found>
    void confirm(const char *text, size_t n, size_t i, uint32_t window, const char *pool, Found &found) const {
      for (uint32_t p = hash(window) >> tableShift;; p = (p + 1) & tableMask) {
        const Bucket &b = table[p];
        if (b.count == 0)
          return;
        if (b.window != window)
          continue;
        for (uint32_t e = b.first; e < b.first + b.count; ++e) {
          const Entry &entry = entries[e];
          if (i < entry.anchor || i - entry.anchor + entry.length > n)
            continue;
          // A needle that is its window matched already.
          if (entry.length == width || same(text + i - entry.anchor, pool + entry.offset, entry.length))
            found(entry.needle);
        }
        return;
      }
    }
  };

  /// Whether a[0, n) == b[0, n), 8 bytes at a time; both may be read up to
  /// 7 bytes past n (the text's padding, the pool's).
  static bool same(const char *a, const char *b, size_t n) {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
      uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y)
        return false;
    }
    if (n == 0)
      return true;
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    return ((x ^ y) << (64 - 8 * n)) == 0; // little-endian: the first n bytes are the low ones
  }

#if RULEC_TEDDY
  static bool hasSsse3() {
    static const bool has = __builtin_cpu_supports("ssse3");
    return has;
  }
#endif

  std::string pool_; ///< the needles, then kPadding bytes
  std::vector<Pass> passes_; ///< by window width, 4 first
};

} // namespace rulec
