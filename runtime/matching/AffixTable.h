//===- AffixTable.h - Needles a text starts or ends with ------------------===//
//
// For istartswith and iendswith needles a text has one place per needle to
// compare, so no scan is needed: the text is walked from its start (or, for
// suffixes, backwards from its end) through a radix tree of the needles
// until no needle goes on, reporting each needle passed. The walk stops when
// the text leaves every needle: a few steps for most texts. Runs that no
// needle branches in ("c:\windows\system32\" in many path needles) are one
// step, compared 8 bytes at a time. Texts and needles are folded by the
// caller, as for SubstringScanner.
//
// A step reads one 24-byte node: nodes are numbered breadth first, so a
// node's children are consecutive and child k is `first + k`; up to seven
// child bytes sit in the node itself and are compared at once, a node with
// more children has a 256-entry table of them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace rulec {

class AffixTable {
public:
  enum class Anchor : uint8_t { Start, End };

  /// No needle may be empty (such a test holds for every string).
  AffixTable(const std::vector<std::string> &needles, Anchor anchor);

  size_t nodes() const { return nodes_.size(); }

  /// Calls found(index) for each needle that text[0, n) starts (ends) with,
  /// each once (the first index of a needle given twice).
  template <typename Found> void match(const char *text, size_t n, Found &&found) const {
    const bool backwards = anchor_ == Anchor::End;
    uint32_t node = 0;
    size_t depth = 0; // bytes of the text walked
    while (true) {
      const Node &at = nodes_[node];
      if (at.segmentLength) {
        if (depth + at.segmentLength > n)
          return;
        const char *bytes = backwards ? text + n - depth - at.segmentLength : text + depth;
        if (!same(bytes, segments_.data() + at.segment, at.segmentLength))
          return;
        depth += at.segmentLength;
      }
      if (at.needle != kNone)
        found(at.needle);
      if (depth == n)
        return;
      const int k = childIndex(at, static_cast<unsigned char>(backwards ? text[n - 1 - depth] : text[depth]));
      if (k < 0)
        return;
      node = at.first + static_cast<uint32_t>(k);
      ++depth;
    }
  }

private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint8_t kWide = 0xff; ///< Node::count of a node with a table
  struct Node {
    uint32_t needle = kNone;    ///< the needle ending after the segment
    uint32_t first = 0;         ///< the first child
    uint32_t segment = 0;       ///< the bytes after the node's first one, as the text holds them
    uint16_t segmentLength = 0; ///< ... (in segments_)
    uint8_t unused = 0;
    uint8_t count = 0;          ///< children, up to 7; kWide: see wide_[labels as u32]
    uint8_t labels[8] = {};     ///< their bytes, in child order (the last one stays 0)
  };
  static_assert(sizeof(Node) == 24, "one node is 24 bytes");

  static bool same(const char *a, const char *b, size_t n) {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
      uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y)
        return false;
    }
    return std::memcmp(a, b, n) == 0;
  }

  /// Which child of `node` goes on with byte `c`, or -1.
  int childIndex(const Node &node, unsigned char c) const {
    if (node.count == kWide) {
      uint32_t table;
      std::memcpy(&table, node.labels, sizeof table);
      const uint16_t k = wide_[size_t(table) * 256 + c];
      return k == kNoChild ? -1 : k;
    }
    // The labels as one word: a zero byte where one equals c (SWAR); the
    // lowest such flag is exact.
    uint64_t word;
    std::memcpy(&word, node.labels, sizeof word);
    const uint64_t x = word ^ (0x0101010101010101ull * c);
    const uint64_t zero = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
    if (!zero)
      return -1;
    const int k = __builtin_ctzll(zero) / 8;
    return k < node.count ? k : -1;
  }

  static constexpr uint16_t kNoChild = 0xffff;
  Anchor anchor_;
  std::vector<Node> nodes_;    ///< nodes_[0] is the root
  std::string segments_;
  std::vector<uint16_t> wide_; ///< 256 child indexes per wide node
};

} // namespace rulec
