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
    /// Few anchors (4-byte windows only): per pair of bytes, how far the
    /// window may move when the pair ends it: 3 for a pair no anchor holds
    /// (the windows ending on it, and the two before, are no anchors), down
    /// to 0 for a pair some anchor ends with (Wu-Manber's shift table). A
    /// one-rule pack's 23 command-line needles let most positions be skipped;
    /// a pack's thousands hold most pairs, so theirs is empty. Pairs are
    /// hashed into kSkipSlots bytes, the least shift of a slot's pairs kept:
    /// a 64 KB table per set missed the cache at every position.
    static constexpr unsigned kSkipBits = 12;
    std::vector<uint8_t> skip;
    static uint32_t skipSlot(uint16_t pair) { return (pair * 0x9E3779B1u) >> (32 - kSkipBits); }

    static uint32_t hash(uint32_t window) { return window * 0x9E3779B1u; }
    void index(); ///< fills filter, table and skip from entries

    template <typename Found> void scanSkipping(const char *text, size_t n, const char *pool, Found &found) const {
      for (size_t i = 0; i + 4 <= n;) {
        uint16_t pair;
        std::memcpy(&pair, text + i + 2, sizeof pair);
        if (const uint8_t by = skip[skipSlot(pair)]) {
          i += by;
          continue;
        }
        uint32_t window;
        std::memcpy(&window, text + i, sizeof window);
        if (passes(window))
          confirm(text, n, i, window, pool, found);
        ++i;
      }
    }

    bool passes(uint32_t window) const {
      const uint32_t bit = hash(window) >> filterShift;
      return (filter[bit >> 6] >> (bit & 63)) & 1;
    }

    /// Four positions per step: one 8-byte load holds their windows, and
    /// one branch skips them when the filter lets none through (most steps).
    template <typename Found> void scan(const char *text, size_t n, const char *pool, Found &found) const {
      if (!skip.empty())
        return scanSkipping(text, n, pool, found);
      size_t i = 0;
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

  std::string pool_; ///< the needles, then kPadding bytes
  std::vector<Pass> passes_; ///< by window width, 4 first
};

} // namespace rulec
