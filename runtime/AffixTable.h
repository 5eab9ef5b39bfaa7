//===- AffixTable.h - Needles a text starts with, ends with, or equals ----===//
//
// For anchored needles (istartswith, iendswith, ieq) a text has one place per
// needle to compare, so no scan is needed: the text is walked from its start
// (or, for suffixes, backwards from its end) through a trie of the needles
// until no needle goes on, reporting each needle passed. The walk stops when
// the text leaves every needle: a few bytes for most texts. (The 840 iendswith
// needles the SigmaHQ process_creation rules test on Image share ".exe" and
// part of a name with most images, then part.)
// Texts and needles are folded by the caller, as for SubstringScanner.
//
// One step reads one 16-byte node: nodes are numbered breadth first, so a
// node's children are consecutive and child k is `first + k`; up to seven
// child bytes sit in the node itself and are compared all at once, a node
// with more children has a 256-entry table of them.
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
  enum class Anchor : uint8_t { Start, End, Whole };

  /// Start and End needles are not empty (such a test holds for every string).
  AffixTable(const std::vector<std::string> &needles, Anchor anchor);

  /// Calls found(index) for each needle that text[0, n) starts with, ends
  /// with or equals (as the anchor says), each once.
  template <typename Found> void match(const char *text, size_t n, Found &&found) const {
    const bool backwards = anchor_ == Anchor::End;
    uint32_t node = 0;
    for (size_t depth = 0;; ++depth) {
      const Node &at = nodes_[node];
      if (at.needle != kNone && (anchor_ != Anchor::Whole || depth == n))
        found(at.needle);
      if (depth == n)
        return;
      const unsigned char c = static_cast<unsigned char>(backwards ? text[n - 1 - depth] : text[depth]);
      const int k = childIndex(at, c);
      if (k < 0)
        return;
      node = at.first + static_cast<uint32_t>(k);
    }
  }

private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint8_t kWide = 0xff; ///< Node::count of a node with a table
  struct Node {
    uint32_t needle = kNone; ///< the needle ending here
    uint32_t first = 0;      ///< the first child
    uint8_t count = 0;       ///< children, up to 7; kWide: see wide_[labels as u32]
    uint8_t labels[7] = {};  ///< their bytes, in child order
  };
  static_assert(sizeof(Node) == 16, "one node is 16 bytes");

  /// Which child of `node` goes on with byte `c`, or -1.
  int childIndex(const Node &node, unsigned char c) const {
    if (node.count == kWide) {
      uint32_t table;
      std::memcpy(&table, node.labels, sizeof table);
      const uint16_t k = wide_[size_t(table) * 256 + c];
      return k == kNoChild ? -1 : k;
    }
    // The labels as one word: a zero byte where one equals c (SWAR).
    uint64_t word;
    std::memcpy(&word, &node.count, sizeof word);
    word >>= 8;
    const uint64_t x = word ^ (0x0101010101010101ull * c);
    const uint64_t zero = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
    if (!zero)
      return -1;
    const int k = __builtin_ctzll(zero) / 8;
    return k < node.count ? k : -1;
  }

  static constexpr uint16_t kNoChild = 0xffff;
  Anchor anchor_;
  std::vector<Node> nodes_;    ///< nodes_[0] is the root (the empty needle)
  std::vector<uint16_t> wide_; ///< 256 child indexes per wide node
};

} // namespace rulec
