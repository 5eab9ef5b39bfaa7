//===- AffixTable.cpp -----------------------------------------------------===//
#include "AffixTable.h"

#include <algorithm>
#include <stdexcept>

namespace rulec {

AffixTable::AffixTable(const std::vector<std::string> &needles, Anchor anchor) : anchor_(anchor) {
  // The needles in walk order (reversed for End), sorted: the trie's nodes
  // at each depth are then runs of equal prefixes, built a level at a time.
  std::vector<std::pair<std::string, uint32_t>> keys;
  keys.reserve(needles.size());
  for (uint32_t id = 0; id < needles.size(); ++id) {
    const std::string &n = needles[id];
    if (n.empty() && anchor != Anchor::Whole)
      throw std::invalid_argument("AffixTable: an empty prefix or suffix needle");
    keys.emplace_back(anchor == Anchor::End ? std::string(n.rbegin(), n.rend()) : n, id);
  }
  // Equal needles keep the first index.
  std::stable_sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

  // Breadth first: each node covers keys[lo, hi), all sharing its `depth`
  // bytes; its children split that range by the next byte.
  struct Span {
    size_t lo, hi, depth;
  };
  std::vector<Span> level = {{0, keys.size(), 0}}, next;
  nodes_.emplace_back();
  uint32_t numbered = 1; // nodes numbered so far; the next level starts here
  uint32_t index = 0;    // the node of level[i]
  while (!level.empty()) {
    next.clear();
    for (const Span &span : level) {
      Node &node = nodes_[index++];
      size_t lo = span.lo;
      if (lo < span.hi && keys[lo].first.size() == span.depth) // a needle ends here
        node.needle = keys[lo].second;
      while (lo < span.hi && keys[lo].first.size() == span.depth)
        ++lo;
      std::vector<std::pair<unsigned char, Span>> children;
      for (size_t i = lo; i < span.hi;) {
        const unsigned char c = static_cast<unsigned char>(keys[i].first[span.depth]);
        size_t j = i;
        while (j < span.hi && static_cast<unsigned char>(keys[j].first[span.depth]) == c)
          ++j;
        children.push_back({c, {i, j, span.depth + 1}});
        i = j;
      }
      node.first = numbered;
      numbered += static_cast<uint32_t>(children.size());
      if (children.size() <= sizeof node.labels) {
        node.count = static_cast<uint8_t>(children.size());
        for (size_t k = 0; k < children.size(); ++k)
          node.labels[k] = children[k].first;
      } else {
        node.count = kWide;
        const uint32_t table = static_cast<uint32_t>(wide_.size() / 256);
        std::memcpy(node.labels, &table, sizeof table);
        wide_.resize(wide_.size() + 256, kNoChild);
        for (size_t k = 0; k < children.size(); ++k)
          wide_[size_t(table) * 256 + children[k].first] = static_cast<uint16_t>(k);
      }
      for (auto &[c, child] : children)
        next.push_back(child);
    }
    nodes_.resize(numbered);
    level.swap(next);
  }
}

} // namespace rulec
